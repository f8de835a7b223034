// SPDX-License-Identifier: GPL-2.0
/*
 * Host component benchmarks, on the simulated machine with the real
 * vIOMMU: the guest side is register-level (root/context/PASID tables in
 * the VM's memory, 256-bit descriptors in its invalidation queue, IQT
 * doorbells), the host side is the shadow engine over the host driver.
 *
 *   shadow_sync_ns_1k          the guest writes a first-stage PASID entry
 *   shadow_sync_ns_100k        and queues a PASID-selective PASID-cache
 *                              invalidation + inv-wait (Linux's
 *                              pasid_flush_caches under caching mode); per
 *                              entry, until the physical nested entry is
 *                              live; with 1k / 100k shadowed PASIDs live
 *   shadow_sync_100k_over_1k   their ratio (goal <= 1.2)
 *   inv_batched_over_unbatched a burst of 256 guest PASID-IOTLB
 *                              invalidations: time of 256 queue submissions
 *                              of one descriptor + inv-wait each over one
 *                              submission of all 256 + one inv-wait (the
 *                              engine turns each guest batch into one
 *                              physical submission)
 *
 * Each figure is the median over rounds of the mean per operation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "shadow.h"
#include "sim/platform.h"

#define BH_RAM		(64ULL << 20)
#define BH_ROOT		0x100000ULL
#define BH_CTX		0x101000ULL
#define BH_STATUS	0x102000ULL
#define BH_IQ		0x104000ULL	/* 4 pages: QS 2, 512 descriptors */
#define BH_IQ_BYTES	(4 * 4096u)
#define BH_DIR		0x110000ULL	/* 2^14 entries: 32 pages */
#define BH_TABLES	0x200000ULL	/* PASID table pages from here */
#define BH_FS_ROOT	0x300000ULL	/* never walked here */
#define BH_GRID		0x0100		/* bus 1, devfn 0 */
#define BH_GDID		7
#define BH_ROUNDS	7
#define BH_PER_ROUND	1000
#define BH_BURST	256

struct bh {
	struct sim_platform p;
	struct shadow *sh;
	struct viommu *v;
	u32 as;
	u32 tail;
	u64 next_table;
};

static void gw64(struct bh *b, u64 gpa, u64 val)
{
	sim_mem_write(b->p.s.mem, b->as, gpa, &val, 8);
}

static u64 gr64(struct bh *b, u64 gpa)
{
	u64 v = 0;

	sim_mem_read(b->p.s.mem, b->as, gpa, &v, 8);
	return v;
}

static void put(struct bh *b, const struct vsva_inv_op *op)
{
	u64 qw[4] = { 0 };

	vsva_qi_encode(op, 256, qw);
	sim_mem_write(b->p.s.mem, b->as, BH_IQ + b->tail, qw, sizeof(qw));
	b->tail = (b->tail + 32) % BH_IQ_BYTES;
}

static void put_wait(struct bh *b)
{
	struct vsva_inv_op w = { .kind = VSVA_INV_WAIT };

	w.wait.sw = true;
	w.wait.status_addr = BH_STATUS;
	w.wait.status_data = 1;
	put(b, &w);
}

static void doorbell(struct bh *b)
{
	viommu_write(b->v, VTD_IQT_REG, 8, b->tail);
}

/* The guest writes the entry of @pasid (table on demand), then flushes. */
static void guest_set(struct bh *b, u32 pasid, bool present)
{
	u64 dea = BH_DIR + 8ULL * (pasid >> 6), de = gr64(b, dea);
	struct vsva_inv_op pc = { .kind = VSVA_INV_PC, .gran = VSVA_INV_G_PASID,
				  .did = BH_GDID, .pasid = pasid };
	u64 pe[8] = { 0 };

	if (!(de & 1)) {
		de = b->next_table | 1;
		b->next_table += 4096;
		gw64(b, dea, de);
	}
	if (present) {
		/* P (0), AW 2 (4:2), PGTT 001b (8:6); DID (79:64); FLPTPTR */
		pe[0] = 1 | (2ULL << 2) | ((u64)VTD_PGTT_FS << 6);
		pe[1] = BH_GDID;
		pe[2] = BH_FS_ROOT;
	}
	sim_mem_write(b->p.s.mem, b->as,
		      (de & ~0xfffULL) + 64ULL * (pasid % 64), pe, sizeof(pe));
	put(b, &pc);
	put_wait(b);
	doorbell(b);
}

static int bh_init(struct bh *b)
{
	struct sim_platform_cfg pc;
	struct shadow_cfg cfg;

	memset(b, 0, sizeof(*b));
	sim_platform_default_cfg(&pc);
	pc.vm.ram_bytes = BH_RAM;
	if (sim_platform_init(&b->p, &pc))
		return -ENOMEM;
	memset(&cfg, 0, sizeof(cfg));
	cfg.s = &b->p.s;
	cfg.vm = b->p.vm;
	cfg.piommu = b->p.pi;
	cfg.phys_rid = b->p.rid;
	cfg.guest_rid = BH_GRID;
	viommu_default_policy(&cfg.policy);
	b->sh = shadow_create(&cfg);
	if (!b->sh) {
		sim_platform_fini(&b->p);
		return -ENOMEM;
	}
	b->v = shadow_viommu(b->sh);
	b->as = sim_vm_id(b->p.vm);
	b->next_table = BH_TABLES;
	/* Linux's tables and enable order (see tests/host/viommu_test.c). */
	gw64(b, BH_ROOT + 16 * (BH_GRID >> 8), BH_CTX | 1);	/* LCTP, LP */
	gw64(b, BH_CTX + 32 * (BH_GRID & 0x7f),
	     BH_DIR | (7ULL << 9) | 0x8 | 0x1);		/* PDTS 7, PASIDE, P */
	viommu_write(b->v, VTD_RTADDR_REG, 8, BH_ROOT | 0x400);	/* TTM 01b */
	viommu_write(b->v, VTD_GCMD_REG, 4, 0x40000000);		/* SRTP */
	viommu_write(b->v, VTD_IQA_REG, 8, BH_IQ | 0x800 | 2);	/* DW, QS 2 */
	viommu_write(b->v, VTD_GCMD_REG, 4, 0x04000000);		/* QIE */
	viommu_write(b->v, VTD_GCMD_REG, 4, 0x84000000);		/* TE */
	return 0;
}

static void bh_fini(struct bh *b)
{
	shadow_destroy(b->sh);
	sim_platform_fini(&b->p);
}

/* Per-entry sync time with @live shadowed PASIDs; 0 on failure. */
static double sync_ns(u32 live)
{
	double r[BH_ROUNDS];
	struct bh b;
	u32 base = live + 1;

	if (bh_init(&b))
		return 0;
	for (u32 p = 1; p <= live; p++)
		guest_set(&b, p, true);
	if (shadow_live_pasids(b.sh) != live)
		goto fail;
	for (int i = 0; i < BH_ROUNDS; i++) {
		u64 t0 = bench_now_ns();

		for (u32 p = base; p < base + BH_PER_ROUND; p++)
			guest_set(&b, p, true);
		r[i] = (double)(bench_now_ns() - t0) / BH_PER_ROUND;
		if (shadow_live_pasids(b.sh) != live + BH_PER_ROUND)
			goto fail;
		for (u32 p = base; p < base + BH_PER_ROUND; p++)
			guest_set(&b, p, false);
	}
	bh_fini(&b);
	return bench_median(r, BH_ROUNDS);
fail:
	fprintf(stderr, "bench_shadow: %u live PASIDs, expected %u\n",
		shadow_live_pasids(b.sh), live);
	bh_fini(&b);
	return 0;
}

/* Time of a burst of BH_BURST guest PASID-IOTLB invalidations. */
static double burst_ns(struct bh *b, bool batched)
{
	struct vsva_inv_op op = { .kind = VSVA_INV_PIOTLB,
				  .gran = VSVA_INV_G_PASID_PAGE,
				  .did = BH_GDID, .pasid = 1 };
	u64 t0 = bench_now_ns();

	for (u32 i = 0; i < BH_BURST; i++) {
		op.addr = 0x40000000ULL + 4096ULL * i;
		put(b, &op);
		if (!batched) {
			put_wait(b);
			doorbell(b);
		}
	}
	if (batched) {
		put_wait(b);
		doorbell(b);
	}
	return (double)(bench_now_ns() - t0);
}

static double batched_ratio(void)
{
	double rb[BH_ROUNDS], ru[BH_ROUNDS];
	const struct shadow_stats *st;
	struct bh b;
	u64 subs;

	if (bh_init(&b))
		return 0;
	guest_set(&b, 1, true);
	st = shadow_stats(b.sh);
	for (int i = 0; i < BH_ROUNDS; i++) {
		subs = st->phys_submissions;
		rb[i] = burst_ns(&b, true);
		if (st->phys_submissions != subs + 1)
			fprintf(stderr,
				"bench_shadow: batch of %u: %llu submissions\n",
				BH_BURST, (unsigned long long)
				(st->phys_submissions - subs));
		ru[i] = burst_ns(&b, false);
	}
	bh_fini(&b);
	return bench_median(ru, BH_ROUNDS) / bench_median(rb, BH_ROUNDS);
}

void bench_shadow(void)
{
	double s1k = sync_ns(1000), s100k = sync_ns(100000);

	bench_report("shadow_sync_ns_1k", s1k);
	bench_report("shadow_sync_ns_100k", s100k);
	if (s1k > 0)
		bench_report("shadow_sync_100k_over_1k", s100k / s1k);
	bench_report("inv_batched_over_unbatched", batched_ratio());
}
