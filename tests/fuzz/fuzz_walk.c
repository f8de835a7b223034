// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the page walker over random memory.  The first bytes
 * choose the walk (mode, widths, PASID-entry controls, roots, the request
 * and, optionally, a paging-structure-cache entry to resume from); the rest
 * become a 64 KiB flatmem at host-physical 0.  FS, SS and nested walks must
 * never crash or touch memory outside the buffer (flatmem answers -EFAULT),
 * must return 0, -EFAULT with a fault or -EINVAL, and a success must map
 * the requested byte to the same offset within its page.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <nestmed/vtd_fault.h>
#include "walk.h"

#define FUZZ_MEM	0x10000u

struct fuzz_params {
	u8 mode, haw, fs_levels, ss_levels, ctl, access;
	u16 fsptptr, ssptptr;
	u64 addr;
	/* optional resume point */
	u8 psc_on, psc_level, psc_perm, psc_flags;
	u16 psc_table, psc_table_gpa;
};

static u64 mem[FUZZ_MEM / 8];
static struct vsva_psc_entry psc;

static const struct vsva_psc_entry *fuzz_lookup(void *ctx,
						enum vsva_stage stage,
						u64 addr)
{
	const struct fuzz_params *p = ctx;

	if ((p->psc_on & 3) == 0)
		return NULL;
	/* First-stage entries always carry R (reads need only P). */
	psc.perm = p->psc_perm | (stage == VSVA_STAGE_FS ? VSVA_PERM_R : 0);
	psc.stage = stage;
	psc.addr = addr;
	return &psc;
}

static void fuzz_trace(void *ctx, const struct vsva_walk_ref *r)
{
	if (r->addr >= FUZZ_MEM || (r->addr & 7) || !r->level || r->level > 5)
		abort();
}

static void run(const struct fuzz_params *p, u8 mode)
{
	struct vsva_flatmem fm;
	struct vsva_mem m;
	struct vsva_walk_cfg cfg = { 0 };
	struct vsva_walk_req req = { 0 };
	struct vsva_walk_result res;
	struct vsva_psc_entry rec[VSVA_WALK_MAX_PSC];
	struct vsva_walk_hooks h = {
		.lookup = fuzz_lookup, .ctx = (void *)p,
		.rec = rec, .rec_max = ARRAY_SIZE(rec),
	};
	u64 mask;
	int ret;

	vsva_flatmem_init(&fm, mem, 0, FUZZ_MEM, VSVA_AS_HPA);
	m = vsva_flatmem_mem(&fm);
	cfg.mem = &m;
	cfg.as = VSVA_AS_HPA;
	cfg.mode = mode;
	cfg.haw = 32 + p->haw % 24;	/* 32..55: a few invalid */
	cfg.sc = p->ctl & 1;
	cfg.dt = p->ctl & 2;
	cfg.fs.levels = 3 + p->fs_levels % 4;	/* 3..6: a few invalid */
	cfg.fs.fsptptr = p->fsptptr;
	cfg.fs.sre = p->ctl & 4;
	cfg.fs.ere = p->ctl & 8;
	cfg.fs.wpe = p->ctl & 16;
	cfg.fs.nxe = p->ctl & 32;
	cfg.fs.eafe = p->ctl & 64;
	cfg.fs.fs1gp = p->ctl & 128;
	cfg.ss.levels = 2 + p->ss_levels % 5;	/* 2..6 */
	cfg.ss.ssptptr = p->ssptptr;
	cfg.ss.ssade = p->access & 8;
	cfg.ss.ssee = p->access & 16;
	cfg.trace = fuzz_trace;
	req.addr = p->addr;
	req.access = p->access & 7;
	req.priv = p->access & 32;

	psc.level = p->psc_level % 7;
	psc.table = p->psc_table;
	psc.table_gpa = p->psc_table_gpa;
	psc.flags = p->psc_flags;

	ret = p->psc_on & 4 ? vsva_walk_hooked(&cfg, &req, &res, &h) :
			      vsva_walk(&cfg, &req, &res);
	if (ret == -EINVAL)
		return;
	if (ret == -EFAULT) {
		if (!res.fault || (res.fault_stage != VSVA_STAGE_FS &&
				   res.fault_stage != VSVA_STAGE_SS))
			abort();
		if (res.ad_writes)	/* no A/D update on a fault */
			abort();
		return;
	}
	if (ret)
		abort();
	if (res.fault || (res.size_lg2 != 12 && res.size_lg2 != 21 &&
			  res.size_lg2 != 30))
		abort();
	mask = (1ULL << res.size_lg2) - 1;
	if ((res.oaddr & mask) != (req.addr & mask))
		abort();
	if (mode == VSVA_WALK_NESTED && (res.gpa & mask) != (req.addr & mask))
		abort();
	/* 6 walks of <= 5 levels, plus one SS walk for a cached table's A/D */
	if (res.reads > 40 || h.nrec > ARRAY_SIZE(rec))
		abort();
	if ((req.access & VSVA_PERM_R) && !(res.perm & VSVA_PERM_R))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_params p;
	size_t n = sizeof(p);

	if (size < n)
		return 0;
	memcpy(&p, data, n);
	memset(mem, 0, sizeof(mem));
	memcpy(mem, data + n, min(size - n, sizeof(mem)));
	run(&p, VSVA_WALK_FS);
	memcpy(mem, data + n, min(size - n, sizeof(mem)));
	run(&p, VSVA_WALK_SS);
	memcpy(mem, data + n, min(size - n, sizeof(mem)));
	run(&p, VSVA_WALK_NESTED);
	return 0;
}
