// SPDX-License-Identifier: GPL-2.0
/*
 * The S-IOV PF's device TLB as a data structure (host/sim/siov_pf_dma.c):
 * a hash on (PASID, page number, size) beside an LRU array.  Small TLBs
 * force chains, evictions and re-hashing; every case also checks that the
 * DMA it drives still lands byte for byte where the translation says.
 */
#include <kunit/test.h>
#include <string.h>

#include "platform.h"

#define PA	0x21
#define PB	0x22
#define DID_A	0x310
#define DID_B	0x311
#define PG	0x1000ULL

static struct sim_platform *rig(struct kunit *test, u16 entries, u8 lg2)
{
	struct sim_platform *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct sim_platform_cfg cfg;

	KUNIT_ASSERT_NOT_NULL(test, p);
	sim_platform_default_cfg(&cfg);
	cfg.pf.devtlb_entries = entries;
	cfg.vm.ss_page_lg2 = lg2;
	KUNIT_ASSERT_EQ(test, sim_platform_init(p, &cfg), 0);
	KUNIT_ASSERT_EQ(test, p->pi->ops->set_ss(p->pi, p->rid, PA, DID_A,
						 p->vm), 0);
	KUNIT_ASSERT_EQ(test, p->pi->ops->set_ss(p->pi, p->rid, PB, DID_B,
						 p->vm), 0);
	KUNIT_ASSERT_EQ(test, sim_platform_wq_enable(p, 0, true, PA, false), 0);
	KUNIT_ASSERT_EQ(test, sim_platform_wq_enable(p, 1, true, PB, false), 0);
	return p;
}

/* FILL one 64-byte line at @gpa through WQ @wq, and check the bytes. */
static void fill(struct kunit *test, struct sim_platform *p, u32 wq, u64 gpa,
		 u8 pat)
{
	struct siov_desc d;
	u8 buf[64], want[64];

	siov_desc_init(&d, SIOV_OP_FILL, 0);
	siov_desc_set_pattern(&d, 0x0101010101010101ULL * pat);
	siov_desc_set_dst(&d, gpa);
	siov_desc_set_xfer_size(&d, 64);
	KUNIT_ASSERT_EQ(test, sim_platform_submit(p, wq, &d), 0);
	KUNIT_ASSERT_TRUE(test, sim_platform_run_idle(p, 0));
	memset(want, pat, sizeof(want));
	KUNIT_ASSERT_EQ(test, sim_mem_read(p->s.mem, sim_vm_id(p->vm), gpa,
					   buf, sizeof(buf)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, want, sizeof(buf)), 0);
}

static bool cached(struct sim_platform *p, u32 pasid, u64 gpa, u64 *hpa)
{
	return siov_pf_devtlb_lookup(p->pf, true, pasid, gpa, hpa);
}

static void expect_hpa(struct kunit *test, struct sim_platform *p, u32 pasid,
		       u64 gpa)
{
	u64 got = 0, want = 0;

	KUNIT_ASSERT_EQ(test, sim_vm_gpa_to_hpa(p->vm, gpa, &want), 0);
	KUNIT_EXPECT_TRUE(test, cached(p, pasid, gpa, &got));
	KUNIT_EXPECT_EQ(test, got, want);
}

static void inv_pasid(struct sim_platform *p, u32 pasid)
{
	struct vsva_inv_op op = {
		.kind = VSVA_INV_PDEVTLB, .gran = VSVA_INV_G_PASID,
		.sid = p->rid, .pfsid = p->rid, .pasid = pasid, .size_lg2 = 64,
	};

	p->pi->ops->inv_submit(p->pi, &op, 1);
}

/* 4 entries, 6 pages in order: the two least recently used go. */
static void devtlb_lru_eviction(struct kunit *test)
{
	struct sim_platform *p = rig(test, 4, 12);

	for (u64 i = 0; i < 6; i++)
		fill(test, p, 0, 0x10000 + i * PG, 0x10 + i);
	KUNIT_EXPECT_EQ(test, siov_pf_devtlb_count(p->pf), 4u);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(p->pf)->devtlb_evictions, 2ULL);
	KUNIT_EXPECT_FALSE(test, cached(p, PA, 0x10000, NULL));
	KUNIT_EXPECT_FALSE(test, cached(p, PA, 0x11000, NULL));
	for (u64 i = 2; i < 6; i++)
		expect_hpa(test, p, PA, 0x10000 + i * PG + 0x40);
	/* A hit refreshes: page 2 survives the next fill, page 3 goes. */
	fill(test, p, 0, 0x12000, 0x77);
	fill(test, p, 0, 0x20000, 0x78);
	KUNIT_EXPECT_TRUE(test, cached(p, PA, 0x12000, NULL));
	KUNIT_EXPECT_FALSE(test, cached(p, PA, 0x13000, NULL));
	sim_platform_fini(p);
}

/* The same page under two PASIDs: two keys, told apart, dropped apart. */
static void devtlb_same_page_two_pasids(struct kunit *test)
{
	struct sim_platform *p = rig(test, 8, 12);

	fill(test, p, 0, 0x30000, 0x31);
	fill(test, p, 1, 0x30000, 0x32);
	KUNIT_EXPECT_EQ(test, siov_pf_devtlb_count(p->pf), 2u);
	expect_hpa(test, p, PA, 0x30000);
	expect_hpa(test, p, PB, 0x30000);
	KUNIT_EXPECT_FALSE(test, siov_pf_devtlb_lookup(p->pf, false, 0,
						       0x30000, NULL));
	inv_pasid(p, PA);
	KUNIT_EXPECT_FALSE(test, cached(p, PA, 0x30000, NULL));
	expect_hpa(test, p, PB, 0x30000);
	KUNIT_EXPECT_EQ(test, siov_pf_devtlb_count(p->pf), 1u);
	sim_platform_fini(p);
}

/* 2 entries, 64 pages over 2 PASIDs: chains and unlinks stay consistent. */
static void devtlb_churn_then_invalidate(struct kunit *test)
{
	struct sim_platform *p = rig(test, 2, 12);

	for (u64 i = 0; i < 64; i++)
		fill(test, p, i & 1, 0x40000 + (i % 16) * PG, (u8)i);
	KUNIT_EXPECT_EQ(test, siov_pf_devtlb_count(p->pf), 2u);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(p->pf)->devtlb_evictions, 62ULL);
	expect_hpa(test, p, PA, 0x40000 + 14 * PG);
	expect_hpa(test, p, PB, 0x40000 + 15 * PG);
	inv_pasid(p, PA);
	inv_pasid(p, PB);
	KUNIT_EXPECT_EQ(test, siov_pf_devtlb_count(p->pf), 0u);
	KUNIT_EXPECT_FALSE(test, cached(p, PB, 0x40000 + 15 * PG, NULL));
	/* Refilled after the flush, with the right translation. */
	fill(test, p, 1, 0x40000 + 3 * PG, 0xa5);
	expect_hpa(test, p, PB, 0x40000 + 3 * PG);
	sim_platform_fini(p);
}

/* 2M mappings: one entry covers the unit, any offset in it hits. */
static void devtlb_large_page(struct kunit *test)
{
	struct sim_platform *p = rig(test, 4, 21);

	fill(test, p, 0, 0x201000, 0x44);
	KUNIT_EXPECT_EQ(test, siov_pf_devtlb_count(p->pf), 1u);
	expect_hpa(test, p, PA, 0x201000);
	expect_hpa(test, p, PA, 0x3ff000);
	KUNIT_EXPECT_FALSE(test, cached(p, PA, 0x400000, NULL));
	fill(test, p, 0, 0x3fffc0, 0x45);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(p->pf)->devtlb_misses, 1ULL);
	sim_platform_fini(p);
}

/*
 * The host page cached in an entry must not outlive the page: after the
 * VM's page is freed and backed anew (without a device-TLB invalidation,
 * which only a buggy host skips), DMA through the stale entry must not
 * write the freed buffer: the oracle sees the stale HPA.
 */
static void devtlb_page_cache_follows_frees(struct kunit *test)
{
	struct sim_platform *p = rig(test, 4, 12);
	u64 oracle0;

	fill(test, p, 0, 0x50000, 0x61);
	fill(test, p, 0, 0x50040, 0x62);	/* served by the cached page */
	KUNIT_EXPECT_EQ(test, siov_pf_stats(p->pf)->devtlb_hits, 1ULL);
	oracle0 = siov_pf_stats(p->pf)->oracle_violations;
	KUNIT_ASSERT_EQ(test, sim_vm_unpopulate(p->vm, 0x50000), 0);
	{
		struct siov_desc d;

		siov_desc_init(&d, SIOV_OP_FILL, 0);
		siov_desc_set_pattern(&d, 0x6363636363636363ULL);
		siov_desc_set_dst(&d, 0x50080);
		siov_desc_set_xfer_size(&d, 64);
		KUNIT_ASSERT_EQ(test, sim_platform_submit(p, 0, &d), 0);
		KUNIT_ASSERT_TRUE(test, sim_platform_run_idle(p, 0));
	}
	KUNIT_EXPECT_EQ(test, siov_pf_stats(p->pf)->oracle_violations,
			oracle0 + 1);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(p->pf)->status[SIOV_CS_XLATE_ERROR],
			1ULL);
	p->s.oracle_violations = 0;
	sim_platform_fini(p);
}

static struct kunit_case siov_pf_devtlb_cases[] = {
	KUNIT_CASE(devtlb_lru_eviction),
	KUNIT_CASE(devtlb_same_page_two_pasids),
	KUNIT_CASE(devtlb_churn_then_invalidate),
	KUNIT_CASE(devtlb_large_page),
	KUNIT_CASE(devtlb_page_cache_follows_frees),
	{}
};

static struct kunit_suite siov_pf_devtlb_suite = {
	.name = "sim-siov-pf-devtlb",
	.test_cases = siov_pf_devtlb_cases,
};

kunit_test_suites(&siov_pf_devtlb_suite);
