/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page-table fixture shared by walk_test.c and translate_test.c: 512 KiB of
 * flat host-physical memory at 0, page tables written into it by hand, and
 * a walk configuration with the defaults both suites start from.
 *
 * Every level of VA4 = 1 << 39 | 1 << 30 | 1 << 21 | 1 << 12 | 0x123
 * = 0x0000008040201123 uses index 1.  FS-only tables: PML4 0x10000,
 * PDPT 0x11000, PD 0x12000, PT 0x13000.  SS tables: SS-PML4 0x20000,
 * SS-PDPT 0x21000, SS-PD 0x22000, SS-PT 0x23000.
 *
 * Kernel-safe: the same sources build into the UML KUnit kernel.
 */
#ifndef NESTMED_TESTS_PT_FIXTURE_H
#define NESTMED_TESTS_PT_FIXTURE_H

#include <kunit/test.h>

#include "translate.h"

#define PT_FX_MEM_SIZE	0x80000ULL	/* 512 KiB of host-physical memory at 0 */
#define PT_FX_VA4	0x0000008040201123ULL

struct pt_fx {
	u64 *buf;
	struct vsva_flatmem fm;
	struct vsva_mem mem;
	struct vsva_walk_cfg cfg;
	struct vsva_walk_req req;
	struct vsva_walk_result res;
	/* Variant with caches (translate_test.c); NULL otherwise. */
	struct vsva_caches *c;
	/* Variant with a reference trace (pt_fx_trace as cfg.trace). */
	u32 nref;
	struct vsva_walk_ref ref[64];
};

static inline void pt_fx_trace(void *ctx, const struct vsva_walk_ref *r)
{
	struct pt_fx *f = ctx;

	if (f->nref < ARRAY_SIZE(f->ref))
		f->ref[f->nref] = *r;
	f->nref++;
}

static inline void pt_set(struct pt_fx *f, u64 addr, u64 val)
{
	f->buf[addr / 8] = val;
}

static inline u64 pt_get(struct pt_fx *f, u64 addr)
{
	return f->buf[addr / 8];
}

/*
 * Empty memory; 4-level FS at 0x10000 (ERE, NXE, 1-GiB pages) and 4-level
 * SS at 0x20000, HAW 46; a read of VA4.
 */
static inline struct pt_fx *pt_fx_new(struct kunit *test, u8 mode)
{
	struct pt_fx *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->buf = kunit_kzalloc(test, PT_FX_MEM_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->buf);
	vsva_flatmem_init(&f->fm, f->buf, 0, PT_FX_MEM_SIZE, VSVA_AS_HPA);
	f->mem = vsva_flatmem_mem(&f->fm);
	f->cfg.mem = &f->mem;
	f->cfg.as = VSVA_AS_HPA;
	f->cfg.mode = mode;
	f->cfg.haw = 46;
	f->cfg.fs.levels = 4;
	f->cfg.fs.fsptptr = 0x10000;
	f->cfg.fs.ere = true;
	f->cfg.fs.nxe = true;
	f->cfg.fs.fs1gp = true;
	f->cfg.ss.levels = 4;
	f->cfg.ss.ssptptr = 0x20000;
	f->req.addr = PT_FX_VA4;
	f->req.access = VSVA_PERM_R;
	return f;
}

/* FS-only 4-level tables for VA4 (FS 0x007 = P | R/W | U/S). */
static inline void pt_fx_build_fs4(struct pt_fx *f)
{
	pt_set(f, 0x10008, 0x0000000000011007ULL);	/* PML4[1] -> 0x11000 */
	pt_set(f, 0x11008, 0x0000000000012007ULL);	/* PDPT[1] -> 0x12000 */
	pt_set(f, 0x12008, 0x0000000000013007ULL);	/* PD[1]   -> 0x13000 */
	pt_set(f, 0x13008, 0x0000000000abc007ULL);	/* PT[1]   -> page 0xabc000 */
}

/*
 * Nested 4-level FS over 4-level SS.  The FS tables live at GPAs 0x1000
 * (PML4), 0x2000 (PDPT), 0x3000 (PD), 0x4000 (PT); the data page at GPA
 * 0x5000.  The second stage maps GPA page N (N = 1..5) to HPA 0x40000 +
 * N * 0x1000 through SS-PML4[0] -> SS-PDPT[0] -> SS-PD[0] -> SS-PT[N]
 * (SS 0x003 = R | W).
 */
static inline void pt_fx_build_nested(struct pt_fx *f)
{
	pt_set(f, 0x20000, 0x0000000000021003ULL);	/* SS-PML4[0] -> 0x21000 */
	pt_set(f, 0x21000, 0x0000000000022003ULL);	/* SS-PDPT[0] -> 0x22000 */
	pt_set(f, 0x22000, 0x0000000000023003ULL);	/* SS-PD[0]   -> 0x23000 */
	pt_set(f, 0x23008, 0x0000000000041003ULL);	/* GPA 0x1000 -> HPA 0x41000 */
	pt_set(f, 0x23010, 0x0000000000042003ULL);	/* GPA 0x2000 -> HPA 0x42000 */
	pt_set(f, 0x23018, 0x0000000000043003ULL);	/* GPA 0x3000 -> HPA 0x43000 */
	pt_set(f, 0x23020, 0x0000000000044003ULL);	/* GPA 0x4000 -> HPA 0x44000 */
	pt_set(f, 0x23028, 0x0000000000045003ULL);	/* GPA 0x5000 -> HPA 0x45000 */
	/* FS entries, read at the HPAs of their GPAs, index 1 (+8). */
	pt_set(f, 0x41008, 0x0000000000002007ULL);	/* PML4[1] -> GPA 0x2000 */
	pt_set(f, 0x42008, 0x0000000000003007ULL);	/* PDPT[1] -> GPA 0x3000 */
	pt_set(f, 0x43008, 0x0000000000004007ULL);	/* PD[1]   -> GPA 0x4000 */
	pt_set(f, 0x44008, 0x0000000000005007ULL);	/* PT[1]   -> GPA 0x5000 */
	f->cfg.fs.fsptptr = 0x1000;		/* a GPA */
}

#endif /* NESTMED_TESTS_PT_FIXTURE_H */
