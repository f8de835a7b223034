// SPDX-License-Identifier: GPL-2.0
/*
 * Walker benchmarks: a cold 4-level-over-4-level nested walk (no IOTLB or
 * paging-structure cache, memory warm in the CPU caches) against the
 * physical floor, 24 dependent loads of the very same 24 table entries in
 * the same order, and a translation that hits the IOTLB.  Each figure is
 * the median over batches of the mean time per operation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nestmed/vtd_pte.h>

#include "bench.h"
#include "translate.h"

#define BW_BASE		0x100000000ULL
#define BW_SIZE		0x100000ULL
#define BW_IOVA		0x00007f1234567abcULL
#define BW_GPA_BASE	0x200000ULL
#define BW_GPA_HPA(g)	(BW_BASE + 0x10000 + ((g) - BW_GPA_BASE))
#define BW_BATCHES	31
#define BW_ITERS	20000

struct bw {
	u64 *buf;
	struct vsva_flatmem fm;
	struct vsva_mem mem;
	struct vsva_walk_cfg cfg;
	u64 ref[24];	/* entry addresses of the cold walk, in order */
	u32 nref;
};

static void bw_put(struct bw *b, u64 hpa, u64 val)
{
	*vsva_flatmem_ptr(&b->fm, hpa) = val;
}

/* Same layout as `nestmed demo walk`. */
static void bw_build(struct bw *b)
{
	const u64 ss_pml4 = BW_BASE, ss_pdpt = BW_BASE + 0x1000;
	const u64 ss_pd = BW_BASE + 0x2000, ss_pt = BW_BASE + 0x3000;
	const u64 fs[5] = { BW_GPA_BASE + 0x1000, BW_GPA_BASE + 0x2000,
			    BW_GPA_BASE + 0x3000, BW_GPA_BASE + 0x4000,
			    BW_GPA_BASE + 0x5000 };
	unsigned int i;

	vsva_flatmem_init(&b->fm, b->buf, BW_BASE, BW_SIZE, VSVA_AS_HPA);
	b->mem = vsva_flatmem_mem(&b->fm);
	bw_put(b, ss_pml4 + 8 * vtd_pt_index(BW_GPA_BASE, 4), ss_pdpt | 3);
	bw_put(b, ss_pdpt + 8 * vtd_pt_index(BW_GPA_BASE, 3), ss_pd | 3);
	bw_put(b, ss_pd + 8 * vtd_pt_index(BW_GPA_BASE, 2), ss_pt | 3);
	for (i = 0; i < 5; i++)
		bw_put(b, ss_pt + 8 * vtd_pt_index(fs[i], 1),
		       BW_GPA_HPA(fs[i]) | 3);
	/* FS entries with A already set: the steady state of a hot table */
	for (i = 0; i < 4; i++)
		bw_put(b, BW_GPA_HPA(fs[i]) + 8 * vtd_pt_index(BW_IOVA, 4 - i),
		       fs[i + 1] | 0x27);

	memset(&b->cfg, 0, sizeof(b->cfg));
	b->cfg.mem = &b->mem;
	b->cfg.as = VSVA_AS_HPA;
	b->cfg.mode = VSVA_WALK_NESTED;
	b->cfg.haw = 46;
	b->cfg.fs.levels = 4;
	b->cfg.fs.fsptptr = fs[0];
	b->cfg.fs.ere = true;
	b->cfg.fs.nxe = true;
	b->cfg.ss.levels = 4;
	b->cfg.ss.ssptptr = ss_pml4;
}

static void bw_record(void *ctx, const struct vsva_walk_ref *r)
{
	struct bw *b = ctx;

	if (r->kind == VSVA_REF_READ && b->nref < ARRAY_SIZE(b->ref))
		b->ref[b->nref++] = r->addr;
}

/*
 * 24 dependent loads over the walk's entries: each address is the value
 * loaded before plus a precomputed delta, so the loads serialise exactly
 * like the walk's and touch the same cache lines, without the walker.  The
 * chain closes on itself, so successive rounds cannot overlap either.
 */
static u64 chase24(const u8 *base, const s64 *delta, u64 off)
{
	unsigned int k;

	for (k = 0; k < 24; k++)
		off = *(const u64 *)(base + off) + delta[k];
	return off;
}

void bench_walk(void)
{
	struct vsva_walk_req req = { .addr = BW_IOVA, .access = VSVA_PERM_R };
	struct vsva_cache_cfg cc = { 0 };
	struct vsva_walk_result res;
	struct vsva_caches *c;
	double t_walk[BW_BATCHES], t_chase[BW_BATCHES], t_hit[BW_BATCHES];
	s64 delta[24];
	u64 off;
	unsigned int i, k;
	struct bw b;
	u32 refs;

	b.buf = calloc(1, BW_SIZE);
	c = vsva_caches_create(&cc);
	if (!b.buf || !c) {
		fprintf(stderr, "bench_walk: out of memory\n");
		goto out;
	}
	bw_build(&b);

	/* Record the 24 references once, with the trace on. */
	b.nref = 0;
	b.cfg.trace = bw_record;
	b.cfg.trace_ctx = &b;
	if (vsva_walk(&b.cfg, &req, &res) || b.nref != 24) {
		fprintf(stderr, "bench_walk: reference walk failed (%u refs)\n",
			b.nref);
		goto out;
	}
	refs = res.reads;
	b.cfg.trace = NULL;

	/* delta[k] turns the value at ref[k] into the offset of ref[k + 1] */
	for (k = 0; k < 24; k++) {
		u64 here = b.ref[k] - BW_BASE;
		/* the last one leads back to the first: one endless chain */
		u64 next = b.ref[(k + 1) % 24] - BW_BASE;

		delta[k] = (s64)(next - b.buf[here / 8]);
	}
	off = b.ref[0] - BW_BASE;

	for (i = 0; i < BW_BATCHES; i++) {
		u64 t0 = bench_now_ns();

		for (k = 0; k < BW_ITERS; k++) {
			vsva_walk(&b.cfg, &req, &res);
			bench_sink(&res);
		}
		t_walk[i] = (double)(bench_now_ns() - t0) / BW_ITERS;

		t0 = bench_now_ns();
		for (k = 0; k < BW_ITERS; k++) {
			off = chase24((const u8 *)b.buf, delta, off);
			bench_sink(&off);
		}
		t_chase[i] = (double)(bench_now_ns() - t0) / BW_ITERS;
	}

	/* IOTLB hit: one translation fills it, then every lookup hits. */
	if (vsva_translate(c, &b.cfg, 7, 0x42, &req, &res)) {
		fprintf(stderr, "bench_walk: translate failed\n");
		goto out;
	}
	for (i = 0; i < BW_BATCHES; i++) {
		u64 t0 = bench_now_ns();

		for (k = 0; k < BW_ITERS; k++) {
			vsva_translate(c, &b.cfg, 7, 0x42, &req, &res);
			bench_sink(&res);
		}
		t_hit[i] = (double)(bench_now_ns() - t0) / BW_ITERS;
	}
	if (res.reads != 0)
		fprintf(stderr, "bench_walk: IOTLB hit made %u reads\n",
			res.reads);

	{
		double walk_ns = bench_median(t_walk, BW_BATCHES);
		double chase_ns = bench_median(t_chase, BW_BATCHES);

		bench_report("walk_nested_miss_ns", walk_ns);
		bench_report("chase24_ns", chase_ns);
		bench_report("walk_nested_miss_over_chase24",
			     chase_ns > 0 ? walk_ns / chase_ns : 0);
		bench_report("walk_nested_refs", refs);
		bench_report("iotlb_hit_ns", bench_median(t_hit, BW_BATCHES));
	}
out:
	vsva_caches_destroy(c);
	free(b.buf);
}
