// SPDX-License-Identifier: GPL-2.0
/*
 * VT-d 3.x translation caches (vsva/cache.h): lookups of every page size and
 * level, bounded structures evicting exactly one CLOCK victim, and each
 * architected invalidation granularity of spec 6.5.2 checked entry by entry
 * over a mixed population (which entries it must drop, which it must keep).
 */
#include <kunit/test.h>

#include "cache.h"
#include <nestmed/vtd.h>

#define SZ_4K_LG2	12
#define SZ_2M_LG2	21
#define SZ_1G_LG2	30

static u32 popcount32(u32 v)
{
	u32 n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

static void destroy_action(void *c)
{
	vsva_caches_destroy(c);
}

/* Caches that live until the case ends, even when an ASSERT ends it. */
static struct vsva_caches *new_caches(struct kunit *test,
				      const struct vsva_cache_cfg *cfg)
{
	struct vsva_caches *c = vsva_caches_create(cfg);
	int err;

	KUNIT_ASSERT_NOT_NULL(test, c);
	err = kunit_add_action(test, destroy_action, c);
	if (err)
		vsva_caches_destroy(c);
	KUNIT_ASSERT_EQ(test, err, 0);
	return c;
}

static struct vsva_iotlb_entry tlb(u16 did, u32 pasid, u64 iova, u8 size_lg2,
				   u8 pgtt, u8 flags)
{
	struct vsva_iotlb_entry e = {
		.iova = iova, .oaddr = iova + 0x100000000ULL, .did = did,
		.pasid = pasid, .size_lg2 = size_lg2, .perm = VSVA_PERM_RW,
		.pgtt = pgtt, .flags = flags,
	};

	return e;
}

static struct vsva_psc_entry psc(enum vsva_stage stage, u16 did, u32 pasid,
				 u64 addr, u8 level)
{
	struct vsva_psc_entry e = {
		.addr = addr, .table = 0x7000000ULL + addr / 4096,
		.pasid = pasid, .did = did, .stage = stage, .level = level,
		.perm = VSVA_PERM_RW,
	};

	return e;
}

/* ---------------------------------------------------------------------- */
/* The mixed population every IOTLB / P_IOTLB granularity case starts from. */

struct tlb_fx {
	u16 did;
	u32 pasid;
	u64 iova;
	u8 size_lg2, pgtt, flags;
};

static const struct tlb_fx tlb_fx[] = {
	/* 0 */ { 1, 5, 0x1000, SZ_4K_LG2, VTD_PGTT_FS, 0 },
	/* 1 */ { 1, 5, 0x200000, SZ_2M_LG2, VTD_PGTT_FS, VSVA_TLB_GLOBAL },
	/* 2 */ { 1, 5, 0x40000000, SZ_1G_LG2, VTD_PGTT_NESTED,
		  VSVA_TLB_NESTED_GPA },
	/* 3 */ { 1, 6, 0x1000, SZ_4K_LG2, VTD_PGTT_FS, 0 },
	/* 4 */ { 1, 6, 0x3000, SZ_4K_LG2, VTD_PGTT_FS, VSVA_TLB_GLOBAL },
	/* 5 */ { 1, 0, 0x1000, SZ_4K_LG2, VTD_PGTT_SS, 0 },
	/* 6 */ { 1, 0, 0x400000, SZ_2M_LG2, VTD_PGTT_SS, 0 },
	/* 7 */ { 1, 7, 0x2000, SZ_4K_LG2, VTD_PGTT_PT, 0 },
	/* 8 */ { 2, 5, 0x1000, SZ_4K_LG2, VTD_PGTT_FS, 0 },
	/* 9 */ { 2, 0, 0x1000, SZ_4K_LG2, VTD_PGTT_SS, 0 },
	/* 10 */ { 1, 5, 0x5000, SZ_4K_LG2, VTD_PGTT_NESTED,
		   VSVA_TLB_NESTED_GPA },
};

struct psc_fx {
	u16 did;
	u32 pasid;
	u64 addr;
	u8 level;
};

/* First-stage PSC: level 2 spans 2M, 3 spans 1G, 4 spans 512G. */
static const struct psc_fx fs_fx[] = {
	/* 0 */ { 1, 5, 0x0, 2 },
	/* 1 */ { 1, 5, 0x0, 3 },
	/* 2 */ { 1, 5, 0x40000000, 2 },
	/* 3 */ { 1, 6, 0x0, 2 },
	/* 4 */ { 2, 5, 0x0, 2 },
	/* 5 */ { 1, 5, 0x8000000000ULL, 4 },
};

/* Second-stage PSC (pasid unused). */
static const struct psc_fx ss_fx[] = {
	/* 0 */ { 1, 0, 0x0, 2 },
	/* 1 */ { 1, 0, 0x200000, 2 },
	/* 2 */ { 1, 0, 0x0, 3 },
	/* 3 */ { 2, 0, 0x0, 2 },
	/* 4 */ { 1, 0, 0x4000000000ULL, 3 },
};

#define TLB_ALL		((1U << ARRAY_SIZE(tlb_fx)) - 1)
#define FS_ALL		((1U << ARRAY_SIZE(fs_fx)) - 1)
#define SS_ALL		((1U << ARRAY_SIZE(ss_fx)) - 1)

static void fill_mix(struct kunit *test, struct vsva_caches *c)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tlb_fx); i++) {
		const struct tlb_fx *f = &tlb_fx[i];
		struct vsva_iotlb_entry e = tlb(f->did, f->pasid, f->iova,
						f->size_lg2, f->pgtt, f->flags);

		if (f->flags & VSVA_TLB_NESTED_GPA)
			e.gpa = 0x1000;
		KUNIT_ASSERT_EQ(test, vsva_iotlb_insert(c, &e), 0);
	}
	for (i = 0; i < ARRAY_SIZE(fs_fx); i++) {
		struct vsva_psc_entry e = psc(VSVA_STAGE_FS, fs_fx[i].did,
					      fs_fx[i].pasid, fs_fx[i].addr,
					      fs_fx[i].level);

		e.table_gpa = 0x1000;
		KUNIT_ASSERT_EQ(test, vsva_psc_insert(c, &e), 0);
	}
	for (i = 0; i < ARRAY_SIZE(ss_fx); i++) {
		struct vsva_psc_entry e = psc(VSVA_STAGE_SS, ss_fx[i].did,
					      ss_fx[i].pasid, ss_fx[i].addr,
					      ss_fx[i].level);

		KUNIT_ASSERT_EQ(test, vsva_psc_insert(c, &e), 0);
	}
	KUNIT_ASSERT_EQ(test, vsva_iotlb_count(c), (u32)ARRAY_SIZE(tlb_fx));
	KUNIT_ASSERT_EQ(test, vsva_psc_count(c, VSVA_STAGE_FS),
			(u32)ARRAY_SIZE(fs_fx));
	KUNIT_ASSERT_EQ(test, vsva_psc_count(c, VSVA_STAGE_SS),
			(u32)ARRAY_SIZE(ss_fx));
}

static bool tlb_present(struct vsva_caches *c, const struct tlb_fx *f)
{
	const struct vsva_iotlb_entry *e;

	e = vsva_iotlb_lookup(c, f->did, f->pasid, f->iova);
	return e && e->iova == f->iova && e->size_lg2 == f->size_lg2 &&
	       e->pgtt == f->pgtt;
}

static bool psc_present(struct vsva_caches *c, enum vsva_stage stage,
			const struct psc_fx *f)
{
	const struct vsva_psc_entry *e;

	e = vsva_psc_lookup(c, stage, f->did, f->pasid, f->addr, f->level);
	return e && e->level == f->level && e->addr == f->addr &&
	       e->did == f->did;
}

/* Look every fixture entry up: present iff its bit is clear in @drop. */
static void check_mix(struct kunit *test, struct vsva_caches *c,
		      u32 tlb_drop, u32 fs_drop, u32 ss_drop)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tlb_fx); i++)
		KUNIT_EXPECT_EQ_MSG(test, tlb_present(c, &tlb_fx[i]),
				    !(tlb_drop & BIT(i)), "IOTLB entry %u", i);
	for (i = 0; i < ARRAY_SIZE(fs_fx); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    psc_present(c, VSVA_STAGE_FS, &fs_fx[i]),
				    !(fs_drop & BIT(i)), "FS PSC entry %u", i);
	for (i = 0; i < ARRAY_SIZE(ss_fx); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    psc_present(c, VSVA_STAGE_SS, &ss_fx[i]),
				    !(ss_drop & BIT(i)), "SS PSC entry %u", i);
	KUNIT_EXPECT_EQ(test, vsva_iotlb_count(c),
			(u32)ARRAY_SIZE(tlb_fx) - popcount32(tlb_drop));
	KUNIT_EXPECT_EQ(test, vsva_psc_count(c, VSVA_STAGE_FS),
			(u32)ARRAY_SIZE(fs_fx) - popcount32(fs_drop));
	KUNIT_EXPECT_EQ(test, vsva_psc_count(c, VSVA_STAGE_SS),
			(u32)ARRAY_SIZE(ss_fx) - popcount32(ss_drop));
}

enum inv_op {
	OP_IOTLB_GLOBAL,
	OP_IOTLB_DOMAIN,
	OP_IOTLB_PAGE,
	OP_PIOTLB_PASID,
	OP_PIOTLB_PAGE,
};

struct inv_case {
	const char *desc;
	enum inv_op op;
	u16 did;
	u32 pasid;
	u64 addr;
	u8 am;
	bool ih;
	u32 tlb_drop, fs_drop, ss_drop;	/* fixture bits that must go */
};

/*
 * Expected drops, derived by hand from the rules of 6.5.2.3 / 6.5.2.4:
 *  IOTLB page-selective-in-domain drops every FS/nested IOTLB entry and
 *  every FS PSC entry of the DID (tlb 0,1,2,3,4,10; fs 0,1,2,3,5 for DID 1),
 *  plus SS/PT IOTLB entries overlapping the range, plus SS PSC entries
 *  overlapping it when IH=0.  P_IOTLB never touches SS entries.
 */
static const struct inv_case inv_cases[] = {
	{ "iotlb-global", OP_IOTLB_GLOBAL, 0, 0, 0, 0, false,
	  TLB_ALL, FS_ALL, SS_ALL },
	/* DID 1: tlb 0-7,10 = 0x4ff; fs 0,1,2,3,5 = 0x2f; ss 0,1,2,4 = 0x17 */
	{ "iotlb-domain-1", OP_IOTLB_DOMAIN, 1, 0, 0, 0, false,
	  0x4ff, 0x2f, 0x17 },
	/* DID 2: tlb 8,9; fs 4; ss 3 */
	{ "iotlb-domain-2", OP_IOTLB_DOMAIN, 2, 0, 0, 0, false,
	  0x300, 0x10, 0x08 },
	/* [0x1000,0x2000): FS/nested 0,1,2,3,4,10 + SS 5 = 0x43f;
	 * SS PSC [0,2M) and [0,1G) cover it: ss 0,2 = 0x05 */
	{ "iotlb-page-4k-ih0", OP_IOTLB_PAGE, 1, 0, 0x1000, 0, false,
	  0x43f, 0x2f, 0x05 },
	/* IH=1 keeps SS PSC, still drops all FS PSC of the DID */
	{ "iotlb-page-4k-ih1", OP_IOTLB_PAGE, 1, 0, 0x1000, 0, true,
	  0x43f, 0x2f, 0x00 },
	/* am 10: [0, 4M): SS 5 and PT 7 inside, SS 2M entry 6 at 4M outside:
	 * 0x3f | 0x80 | 0x400 = 0x4bf; ss 0,1,2 = 0x07 */
	{ "iotlb-page-am10", OP_IOTLB_PAGE, 1, 0, 0x0, 10, false,
	  0x4bf, 0x2f, 0x07 },
	/* ADDR 0x1000 with am 10 is rounded down to 0: same as above */
	{ "iotlb-page-am10-unaligned", OP_IOTLB_PAGE, 1, 0, 0x1000, 10, false,
	  0x4bf, 0x2f, 0x07 },
	/* 4K at 0x401000 inside the 2M SS entry 6 at 4M: 0x1f|0x40|0x400 */
	{ "iotlb-page-4k-in-2m-ss", OP_IOTLB_PAGE, 1, 0, 0x401000, 0, true,
	  0x45f, 0x2f, 0x00 },
	{ "iotlb-page-did2", OP_IOTLB_PAGE, 2, 0, 0x1000, 0, false,
	  0x300, 0x10, 0x08 },
	/* am 18 = 1G at 256G: only SS PSC 4 among SS entries */
	{ "iotlb-page-1g-range", OP_IOTLB_PAGE, 1, 0, 0x4000000000ULL, 18,
	  false, 0x41f, 0x2f, 0x10 },
	/* (1,5) non-global, not SS: 0,2,10 (1 is global); fs 0,1,2,5 */
	{ "piotlb-pasid-1-5", OP_PIOTLB_PASID, 1, 5, 0, 0, false,
	  0x405, 0x27, 0x00 },
	/* (1,6): 3 goes, global 4 stays; fs 3 */
	{ "piotlb-pasid-1-6-keeps-global", OP_PIOTLB_PASID, 1, 6, 0, 0, false,
	  0x008, 0x08, 0x00 },
	/* pass-through entries are per PASID: 7 */
	{ "piotlb-pasid-pt", OP_PIOTLB_PASID, 1, 7, 0, 0, false,
	  0x080, 0x00, 0x00 },
	/* PASID 0 of DID 1 only has SS entries: untouched */
	{ "piotlb-pasid-ss-untouched", OP_PIOTLB_PASID, 1, 0, 0, 0, false,
	  0x000, 0x00, 0x00 },
	/* [0x1000,0x2000) in (1,5): tlb 0; fs [0,2M) and [0,1G) = 0x3 */
	{ "piotlb-page-4k-ih0", OP_PIOTLB_PAGE, 1, 5, 0x1000, 0, false,
	  0x001, 0x03, 0x00 },
	{ "piotlb-page-4k-ih1", OP_PIOTLB_PAGE, 1, 5, 0x1000, 0, true,
	  0x001, 0x00, 0x00 },
	/* global entry 4 (cached for PASID 6) at 0x3000 goes */
	{ "piotlb-page-global", OP_PIOTLB_PAGE, 1, 5, 0x3000, 0, false,
	  0x010, 0x03, 0x00 },
	/* 4K at 0x201000 inside the 2M entry 1; fs: only [0,1G) covers it */
	{ "piotlb-page-4k-in-2m", OP_PIOTLB_PAGE, 1, 5, 0x201000, 0, false,
	  0x002, 0x02, 0x00 },
	/* 4K at 0x40123000 inside the 1G nested entry 2; fs 2 [1G, 1G+2M) */
	{ "piotlb-page-4k-in-1g", OP_PIOTLB_PAGE, 1, 5, 0x40123000, 0, false,
	  0x004, 0x04, 0x00 },
	/* am 2 = [0, 16K) in (1,6): 3 and 4; fs 3 */
	{ "piotlb-page-am2", OP_PIOTLB_PAGE, 1, 6, 0x0, 2, false,
	  0x018, 0x08, 0x00 },
	/* am 52: the whole space of (1,5) + global 4: 0,1,2,4,10 = 0x417 */
	{ "piotlb-page-everything", OP_PIOTLB_PAGE, 1, 5, 0x0, 52, false,
	  0x417, 0x27, 0x00 },
	{ "piotlb-page-did2", OP_PIOTLB_PAGE, 2, 5, 0x1000, 0, false,
	  0x100, 0x10, 0x00 },
	/* PT entry 7 of PASID 7 is not affected by a page-selective P_IOTLB */
	{ "piotlb-page-pt-untouched", OP_PIOTLB_PAGE, 1, 7, 0x2000, 0, false,
	  0x000, 0x00, 0x00 },
};

KUNIT_ARRAY_PARAM_DESC(inv, inv_cases, desc);

static void cache_inv_granularity(struct kunit *test)
{
	const struct inv_case *p = test->param_value;
	struct vsva_caches *c = new_caches(test, NULL);
	u32 n = 0, want;

	fill_mix(test, c);
	switch (p->op) {
	case OP_IOTLB_GLOBAL:
		n = vsva_inv_iotlb_global(c);
		break;
	case OP_IOTLB_DOMAIN:
		n = vsva_inv_iotlb_domain(c, p->did);
		break;
	case OP_IOTLB_PAGE:
		n = vsva_inv_iotlb_page(c, p->did, p->addr, p->am, p->ih);
		break;
	case OP_PIOTLB_PASID:
		n = vsva_inv_piotlb_pasid(c, p->did, p->pasid);
		break;
	case OP_PIOTLB_PAGE:
		n = vsva_inv_piotlb_page(c, p->did, p->pasid, p->addr, p->am,
					 p->ih);
		break;
	}
	want = popcount32(p->tlb_drop) + popcount32(p->fs_drop) +
	       popcount32(p->ss_drop);
	KUNIT_EXPECT_EQ(test, n, want);
	KUNIT_EXPECT_EQ(test, vsva_caches_stats(c)->invalidations, 1ULL);
	KUNIT_EXPECT_EQ(test, vsva_caches_stats(c)->dropped, (u64)want);
	check_mix(test, c, p->tlb_drop, p->fs_drop, p->ss_drop);
}

/* ---------------------------------------------------------------------- */
/* PASID cache.                                                            */

struct pc_fx {
	u16 rid;
	u32 pasid;
	u16 did;
};

static const struct pc_fx pc_fx[] = {
	/* 0 */ { 0x0100, 5, 1 },
	/* 1 */ { 0x0100, 6, 1 },
	/* 2 */ { 0x0101, 5, 1 },
	/* 3 */ { 0x0100, 7, 2 },
	/* 4 */ { 0x0200, 5, 2 },
};

enum pc_op { PC_GLOBAL, PC_DOMAIN, PC_PASID };

struct pc_case {
	const char *desc;
	enum pc_op op;
	u16 did;
	u32 pasid;
	u32 drop;
};

static const struct pc_case pc_cases[] = {
	{ "global", PC_GLOBAL, 0, 0, 0x1f },
	{ "domain-1", PC_DOMAIN, 1, 0, 0x07 },
	{ "domain-2", PC_DOMAIN, 2, 0, 0x18 },
	/* (1,5) on two RIDs */
	{ "pasid-1-5", PC_PASID, 1, 5, 0x05 },
	{ "pasid-2-5", PC_PASID, 2, 5, 0x10 },
	/* PASID 7 is cached with DID 2, so (1,7) matches nothing */
	{ "pasid-other-did", PC_PASID, 1, 7, 0x00 },
};

KUNIT_ARRAY_PARAM_DESC(pc, pc_cases, desc);

static void fill_pc(struct kunit *test, struct vsva_caches *c)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pc_fx); i++) {
		struct vsva_pasid_cache_entry e = {
			.rid = pc_fx[i].rid, .pasid = pc_fx[i].pasid,
			.did = pc_fx[i].did,
		};

		e.val[0] = 0x1000 * (i + 1) | 1;
		KUNIT_ASSERT_EQ(test, vsva_pasid_cache_insert(c, &e), 0);
	}
}

static void cache_pasid_cache_inv(struct kunit *test)
{
	const struct pc_case *p = test->param_value;
	struct vsva_caches *c = new_caches(test, NULL);
	unsigned int i;
	u32 n = 0;

	fill_pc(test, c);
	KUNIT_ASSERT_EQ(test, vsva_pasid_cache_count(c), 5U);
	switch (p->op) {
	case PC_GLOBAL:
		n = vsva_inv_pasid_cache_global(c);
		break;
	case PC_DOMAIN:
		n = vsva_inv_pasid_cache_domain(c, p->did);
		break;
	case PC_PASID:
		n = vsva_inv_pasid_cache_pasid(c, p->did, p->pasid);
		break;
	}
	KUNIT_EXPECT_EQ(test, n, popcount32(p->drop));
	KUNIT_EXPECT_EQ(test, vsva_pasid_cache_count(c), 5 - popcount32(p->drop));
	for (i = 0; i < ARRAY_SIZE(pc_fx); i++) {
		const struct vsva_pasid_cache_entry *e;

		e = vsva_pasid_cache_lookup(c, pc_fx[i].rid, pc_fx[i].pasid);
		KUNIT_EXPECT_EQ_MSG(test, e != NULL, !(p->drop & BIT(i)),
				    "PASID cache entry %u", i);
		if (e)
			KUNIT_EXPECT_EQ(test, e->val[0],
					(u64)(0x1000 * (i + 1) | 1));
	}
}

static void cache_pasid_cache_basic(struct kunit *test)
{
	struct vsva_caches *c = new_caches(test, NULL);
	struct vsva_pasid_cache_entry e = { .rid = 0x0308, .pasid = 0xfffff,
					    .did = 3 };
	const struct vsva_pasid_cache_entry *got;

	e.val[0] = 0xabc001;
	e.val[7] = 0x77;
	KUNIT_EXPECT_NULL(test, vsva_pasid_cache_lookup(c, 0x0308, 0xfffff));
	KUNIT_ASSERT_EQ(test, vsva_pasid_cache_insert(c, &e), 0);
	got = vsva_pasid_cache_lookup(c, 0x0308, 0xfffff);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_MEMEQ(test, got->val, e.val, sizeof(e.val));
	KUNIT_EXPECT_EQ(test, got->did, 3);
	/* lookup is by (rid, pasid): other RID or PASID misses */
	KUNIT_EXPECT_NULL(test, vsva_pasid_cache_lookup(c, 0x0309, 0xfffff));
	KUNIT_EXPECT_NULL(test, vsva_pasid_cache_lookup(c, 0x0308, 0xffffe));
	/* re-insert of the same key replaces in place */
	e.val[0] = 0xdef001;
	e.did = 4;
	KUNIT_ASSERT_EQ(test, vsva_pasid_cache_insert(c, &e), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_cache_count(c), 1U);
	got = vsva_pasid_cache_lookup(c, 0x0308, 0xfffff);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, got->val[0], 0xdef001ULL);
	KUNIT_EXPECT_EQ(test, got->did, 4);
	/* PASIDs are 20 bits */
	e.pasid = VSVA_PASID_MAX;
	KUNIT_EXPECT_EQ(test, vsva_pasid_cache_insert(c, &e), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_caches_stats(c)->pasid_hits, 2ULL);
	KUNIT_EXPECT_EQ(test, vsva_caches_stats(c)->pasid_misses, 3ULL);
}

/* ---------------------------------------------------------------------- */
/* Context cache.                                                          */

/*
 * Bus 3 device 2 functions 0-7 (SID 0x0310-0x0317: devfn = 2 << 3 | fn),
 * bus 3 device 3 function 0 (0x0318), bus 4 device 2 function 0 (0x0410).
 * Functions 0-3 are scalable-mode entries (DID 0), 4-7 legacy with DID 7.
 */
static const struct { u16 rid, did; } ctx_fx[] = {
	{ 0x0310, 0 }, { 0x0311, 0 }, { 0x0312, 0 }, { 0x0313, 0 },
	{ 0x0314, 7 }, { 0x0315, 7 }, { 0x0316, 7 }, { 0x0317, 7 },
	{ 0x0318, 9 }, { 0x0410, 7 },
};

enum ctx_op { CTX_GLOBAL, CTX_DOMAIN, CTX_DEVICE };

struct ctx_case {
	const char *desc;
	enum ctx_op op;
	u16 did, sid;
	u8 fm;
	u32 drop;
};

/*
 * Device-selective with SID 0x0315 (function 5 = 101b):
 *  FM 0: exactly 0x0315                          -> bit 5
 *  FM 1: bit 2 masked, fn & 011b == 01b: fn 1, 5  -> bits 1,5 = 0x22
 *  FM 2: bits 2:1 masked, fn & 1 == 1: 1,3,5,7     -> 0xaa
 *  FM 3: bits 2:0 masked: every function of 03:02 -> 0xff
 * Domain-selective: the DID's legacy entries plus every scalable-mode
 * (DID-less) entry: DID 7 -> 0-7 and 9 = 0x2ff; DID 9 -> 0-3 and 8 = 0x10f.
 */
static const struct ctx_case ctx_cases[] = {
	{ "device-fm0", CTX_DEVICE, 7, 0x0315, 0, 0x020 },
	{ "device-fm1", CTX_DEVICE, 7, 0x0315, 1, 0x022 },
	{ "device-fm2", CTX_DEVICE, 7, 0x0315, 2, 0x0aa },
	{ "device-fm3", CTX_DEVICE, 7, 0x0315, 3, 0x0ff },
	{ "device-other-bus", CTX_DEVICE, 7, 0x0410, 3, 0x200 },
	{ "domain-7", CTX_DOMAIN, 7, 0, 0, 0x2ff },
	{ "domain-9", CTX_DOMAIN, 9, 0, 0, 0x10f },
	{ "global", CTX_GLOBAL, 0, 0, 0, 0x3ff },
};

KUNIT_ARRAY_PARAM_DESC(ctx, ctx_cases, desc);

static void cache_ctx_cache_inv(struct kunit *test)
{
	const struct ctx_case *p = test->param_value;
	struct vsva_caches *c = new_caches(test, NULL);
	unsigned int i;
	u32 n = 0;

	for (i = 0; i < ARRAY_SIZE(ctx_fx); i++) {
		struct vsva_ctx_cache_entry e = { .rid = ctx_fx[i].rid,
						  .did = ctx_fx[i].did };

		e.val[0] = ctx_fx[i].rid | 1;
		KUNIT_ASSERT_EQ(test, vsva_ctx_cache_insert(c, &e), 0);
	}
	KUNIT_ASSERT_EQ(test, vsva_ctx_cache_count(c), (u32)ARRAY_SIZE(ctx_fx));
	switch (p->op) {
	case CTX_GLOBAL:
		n = vsva_inv_ctx_global(c);
		break;
	case CTX_DOMAIN:
		n = vsva_inv_ctx_domain(c, p->did);
		break;
	case CTX_DEVICE:
		n = vsva_inv_ctx_device(c, p->did, p->sid, p->fm);
		break;
	}
	KUNIT_EXPECT_EQ(test, n, popcount32(p->drop));
	KUNIT_EXPECT_EQ(test, vsva_ctx_cache_count(c),
			(u32)ARRAY_SIZE(ctx_fx) - popcount32(p->drop));
	for (i = 0; i < ARRAY_SIZE(ctx_fx); i++) {
		const struct vsva_ctx_cache_entry *e;

		e = vsva_ctx_cache_lookup(c, ctx_fx[i].rid);
		KUNIT_EXPECT_EQ_MSG(test, e != NULL, !(p->drop & BIT(i)),
				    "context cache entry %04x", ctx_fx[i].rid);
		if (e)
			KUNIT_EXPECT_EQ(test, e->val[0],
					(u64)(ctx_fx[i].rid | 1));
	}
}

static void cache_ctx_cache_basic(struct kunit *test)
{
	struct vsva_caches *c = new_caches(test, NULL);
	struct vsva_ctx_cache_entry e = { .rid = 0xff07 };
	const struct vsva_ctx_cache_entry *got;

	e.val[0] = 0x5001;
	e.val[3] = 0x99;
	KUNIT_EXPECT_NULL(test, vsva_ctx_cache_lookup(c, 0xff07));
	KUNIT_ASSERT_EQ(test, vsva_ctx_cache_insert(c, &e), 0);
	got = vsva_ctx_cache_lookup(c, 0xff07);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_MEMEQ(test, got->val, e.val, sizeof(e.val));
	KUNIT_EXPECT_NULL(test, vsva_ctx_cache_lookup(c, 0xff06));
	e.val[0] = 0x6001;
	KUNIT_ASSERT_EQ(test, vsva_ctx_cache_insert(c, &e), 0);
	KUNIT_EXPECT_EQ(test, vsva_ctx_cache_count(c), 1U);
	got = vsva_ctx_cache_lookup(c, 0xff07);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, got->val[0], 0x6001ULL);
	KUNIT_EXPECT_EQ(test, vsva_caches_stats(c)->ctx_hits, 2ULL);
	KUNIT_EXPECT_EQ(test, vsva_caches_stats(c)->ctx_misses, 2ULL);
}

/* ---------------------------------------------------------------------- */
/* IOTLB lookups and inserts.                                              */

static const u8 page_sizes[] = { SZ_4K_LG2, SZ_2M_LG2, SZ_1G_LG2 };

static void page_size_desc(const u8 *p, char *desc)
{
	const char *s = *p == SZ_4K_LG2 ? "4K" : *p == SZ_2M_LG2 ? "2M" : "1G";

	memcpy(desc, s, 3);
}

KUNIT_ARRAY_PARAM(page_size, page_sizes, page_size_desc);

static void cache_iotlb_lookup_size(struct kunit *test)
{
	const u8 s = *(const u8 *)test->param_value;
	const u64 size = 1ULL << s, base = 0xc0000000ULL;	/* 3G: 1G-aligned */
	struct vsva_caches *c = new_caches(test, NULL);
	struct vsva_iotlb_entry e = tlb(4, 9, base, s, VTD_PGTT_FS, 0);
	const struct vsva_iotlb_entry *got;

	KUNIT_ASSERT_EQ(test, vsva_iotlb_insert(c, &e), 0);
	got = vsva_iotlb_lookup(c, 4, 9, base);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, got->oaddr, base + 0x100000000ULL);
	KUNIT_EXPECT_EQ(test, got->size_lg2, s);
	/* the last byte of the page hits, the bytes around it miss */
	KUNIT_EXPECT_PTR_EQ(test, vsva_iotlb_lookup(c, 4, 9, base + size - 1),
			    got);
	KUNIT_EXPECT_PTR_EQ(test, vsva_iotlb_lookup(c, 4, 9, base + size / 2 + 8),
			    got);
	KUNIT_EXPECT_NULL(test, vsva_iotlb_lookup(c, 4, 9, base + size));
	KUNIT_EXPECT_NULL(test, vsva_iotlb_lookup(c, 4, 9, base - 1));
	/* tags: other DID or PASID misses */
	KUNIT_EXPECT_NULL(test, vsva_iotlb_lookup(c, 5, 9, base));
	KUNIT_EXPECT_NULL(test, vsva_iotlb_lookup(c, 4, 8, base));
	KUNIT_EXPECT_EQ(test, vsva_caches_stats(c)->iotlb_hits, 3ULL);
	KUNIT_EXPECT_EQ(test, vsva_caches_stats(c)->iotlb_misses, 4ULL);
}

static void cache_iotlb_mixed_sizes(struct kunit *test)
{
	struct vsva_caches *c = new_caches(test, NULL);
	struct vsva_iotlb_entry small = tlb(1, 1, 0x40201000, SZ_4K_LG2,
					    VTD_PGTT_FS, 0);
	struct vsva_iotlb_entry mid = tlb(1, 1, 0x40200000, SZ_2M_LG2,
					  VTD_PGTT_FS, 0);
	struct vsva_iotlb_entry big = tlb(1, 1, 0x40000000, SZ_1G_LG2,
					  VTD_PGTT_FS, 0);
	const struct vsva_iotlb_entry *got;

	KUNIT_ASSERT_EQ(test, vsva_iotlb_insert(c, &big), 0);
	KUNIT_ASSERT_EQ(test, vsva_iotlb_insert(c, &mid), 0);
	KUNIT_ASSERT_EQ(test, vsva_iotlb_insert(c, &small), 0);
	KUNIT_EXPECT_EQ(test, vsva_iotlb_count(c), 3U);
	/* the smallest page covering the address wins */
	got = vsva_iotlb_lookup(c, 1, 1, 0x40201234);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, got->size_lg2, SZ_4K_LG2);
	got = vsva_iotlb_lookup(c, 1, 1, 0x40202000);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, got->size_lg2, SZ_2M_LG2);
	got = vsva_iotlb_lookup(c, 1, 1, 0x40400000);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, got->size_lg2, SZ_1G_LG2);
	KUNIT_EXPECT_NULL(test, vsva_iotlb_lookup(c, 1, 1, 0x80000000));
}

static void cache_iotlb_insert_rejects(struct kunit *test)
{
	struct vsva_caches *c = new_caches(test, NULL);
	struct vsva_iotlb_entry e = tlb(1, 1, 0x200000, 13, VTD_PGTT_FS, 0);

	KUNIT_EXPECT_EQ(test, vsva_iotlb_insert(c, &e), -EINVAL);
	e = tlb(1, 1, 0x201000, SZ_2M_LG2, VTD_PGTT_FS, 0);	/* unaligned */
	KUNIT_EXPECT_EQ(test, vsva_iotlb_insert(c, &e), -EINVAL);
	e = tlb(1, VSVA_PASID_MAX, 0x1000, SZ_4K_LG2, VTD_PGTT_FS, 0);
	KUNIT_EXPECT_EQ(test, vsva_iotlb_insert(c, &e), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_iotlb_count(c), 0U);
}

static void cache_iotlb_insert_replaces(struct kunit *test)
{
	struct vsva_caches *c = new_caches(test, NULL);
	struct vsva_iotlb_entry e = tlb(1, 1, 0x1000, SZ_4K_LG2, VTD_PGTT_FS, 0);
	const struct vsva_iotlb_entry *got;

	KUNIT_ASSERT_EQ(test, vsva_iotlb_insert(c, &e), 0);
	e.oaddr = 0x55000;
	e.flags = VSVA_TLB_DIRTY;
	KUNIT_ASSERT_EQ(test, vsva_iotlb_insert(c, &e), 0);
	KUNIT_EXPECT_EQ(test, vsva_iotlb_count(c), 1U);
	got = vsva_iotlb_lookup(c, 1, 1, 0x1000);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, got->oaddr, 0x55000ULL);
	KUNIT_EXPECT_EQ(test, got->flags, VSVA_TLB_DIRTY);
	KUNIT_EXPECT_EQ(test, vsva_caches_stats(c)->iotlb_evictions, 0ULL);
}

/*
 * Many entries in a default-sized IOTLB: every one is still found, i.e.
 * the hash chains hold what they should (no eviction below capacity).
 */
static void cache_iotlb_full_population(struct kunit *test)
{
	struct vsva_caches *c = new_caches(test, NULL);
	u32 i;

	for (i = 0; i < 4096; i++) {
		struct vsva_iotlb_entry e = tlb(i % 7, i % 5,
						(u64)i << SZ_4K_LG2, SZ_4K_LG2,
						VTD_PGTT_FS, 0);

		KUNIT_ASSERT_EQ(test, vsva_iotlb_insert(c, &e), 0);
	}
	KUNIT_EXPECT_EQ(test, vsva_iotlb_count(c), 4096U);
	KUNIT_EXPECT_EQ(test, vsva_caches_stats(c)->iotlb_evictions, 0ULL);
	for (i = 0; i < 4096; i++) {
		/* no '%' inside KUNIT macros: the user-space runner pastes
		 * the expression text into its format string */
		u16 did = i % 7;
		u32 pasid = i % 5;
		u64 iova = ((u64)i << SZ_4K_LG2) + 0x123;

		KUNIT_EXPECT_NOT_NULL(test,
				      vsva_iotlb_lookup(c, did, pasid, iova));
	}
	/* one more evicts exactly one */
	{
		struct vsva_iotlb_entry e = tlb(9, 9, 0, SZ_4K_LG2,
						VTD_PGTT_FS, 0);

		KUNIT_ASSERT_EQ(test, vsva_iotlb_insert(c, &e), 0);
	}
	KUNIT_EXPECT_EQ(test, vsva_iotlb_count(c), 4096U);
	KUNIT_EXPECT_EQ(test, vsva_caches_stats(c)->iotlb_evictions, 1ULL);
	/* no hits since the lookups: CLOCK clears every reference and takes
	 * slot 0, which held entry 0 */
	KUNIT_EXPECT_NULL(test, vsva_iotlb_lookup(c, 0, 0, 0x0));
	KUNIT_EXPECT_NOT_NULL(test, vsva_iotlb_lookup(c, 1, 1, 0x1000));
	KUNIT_EXPECT_NOT_NULL(test, vsva_iotlb_lookup(c, 9, 9, 0x0));
}

/* ---------------------------------------------------------------------- */
/* Eviction: each bounded structure evicts exactly one CLOCK victim.       */

struct evict_ops {
	const char *desc;
	void (*set_cap)(struct vsva_cache_cfg *cfg, u32 n);
	int (*insert)(struct vsva_caches *c, u32 k);
	bool (*present)(struct vsva_caches *c, u32 k);
	u32 (*count)(const struct vsva_caches *c);
	u64 (*evictions)(const struct vsva_cache_stats *s);
};

static void iotlb_cap(struct vsva_cache_cfg *cfg, u32 n)
{
	cfg->iotlb_entries = n;
}

static int iotlb_ins(struct vsva_caches *c, u32 k)
{
	struct vsva_iotlb_entry e = tlb(3, k, (u64)k << SZ_2M_LG2, SZ_2M_LG2,
					VTD_PGTT_NESTED, 0);

	return vsva_iotlb_insert(c, &e);
}

static bool iotlb_has(struct vsva_caches *c, u32 k)
{
	return vsva_iotlb_lookup(c, 3, k, (u64)k << SZ_2M_LG2) != NULL;
}

static u64 iotlb_ev(const struct vsva_cache_stats *s)
{
	return s->iotlb_evictions;
}

static void psc_cap(struct vsva_cache_cfg *cfg, u32 n)
{
	cfg->psc_entries = n;
}

static int psc_fs_ins(struct vsva_caches *c, u32 k)
{
	struct vsva_psc_entry e = psc(VSVA_STAGE_FS, 1, 2, (u64)k << 21, 2);

	return vsva_psc_insert(c, &e);
}

static bool psc_fs_has(struct vsva_caches *c, u32 k)
{
	return vsva_psc_lookup(c, VSVA_STAGE_FS, 1, 2, (u64)k << 21, 2) != NULL;
}

static u32 psc_fs_count(const struct vsva_caches *c)
{
	return vsva_psc_count(c, VSVA_STAGE_FS);
}

static int psc_ss_ins(struct vsva_caches *c, u32 k)
{
	struct vsva_psc_entry e = psc(VSVA_STAGE_SS, 1, 0, (u64)k << 30, 3);

	return vsva_psc_insert(c, &e);
}

static bool psc_ss_has(struct vsva_caches *c, u32 k)
{
	return vsva_psc_lookup(c, VSVA_STAGE_SS, 1, 0, (u64)k << 30, 3) != NULL;
}

static u32 psc_ss_count(const struct vsva_caches *c)
{
	return vsva_psc_count(c, VSVA_STAGE_SS);
}

static u64 psc_ev(const struct vsva_cache_stats *s)
{
	return s->psc_evictions;
}

static void pc_cap(struct vsva_cache_cfg *cfg, u32 n)
{
	cfg->pasid_entries = n;
}

static int pc_ins(struct vsva_caches *c, u32 k)
{
	struct vsva_pasid_cache_entry e = { .rid = 0x100, .pasid = k + 1,
					    .did = 1 };

	return vsva_pasid_cache_insert(c, &e);
}

static bool pc_has(struct vsva_caches *c, u32 k)
{
	return vsva_pasid_cache_lookup(c, 0x100, k + 1) != NULL;
}

static u64 pc_ev(const struct vsva_cache_stats *s)
{
	return s->pasid_evictions;
}

static void ctx_cap(struct vsva_cache_cfg *cfg, u32 n)
{
	cfg->ctx_entries = n;
}

static int ctx_ins(struct vsva_caches *c, u32 k)
{
	struct vsva_ctx_cache_entry e = { .rid = (u16)(0x200 + k) };

	return vsva_ctx_cache_insert(c, &e);
}

static bool ctx_has(struct vsva_caches *c, u32 k)
{
	return vsva_ctx_cache_lookup(c, (u16)(0x200 + k)) != NULL;
}

static u64 ctx_ev(const struct vsva_cache_stats *s)
{
	return s->ctx_evictions;
}

static const struct evict_ops evict_cases[] = {
	{ "iotlb", iotlb_cap, iotlb_ins, iotlb_has, vsva_iotlb_count,
	  iotlb_ev },
	{ "psc-fs", psc_cap, psc_fs_ins, psc_fs_has, psc_fs_count, psc_ev },
	{ "psc-ss", psc_cap, psc_ss_ins, psc_ss_has, psc_ss_count, psc_ev },
	{ "pasid-cache", pc_cap, pc_ins, pc_has, vsva_pasid_cache_count,
	  pc_ev },
	{ "ctx-cache", ctx_cap, ctx_ins, ctx_has, vsva_ctx_cache_count,
	  ctx_ev },
};

KUNIT_ARRAY_PARAM_DESC(evict, evict_cases, desc);

/*
 * Capacity 3.  k0 k1 k2 fill it (unreferenced on insert).  k3: the hand
 * (slot 0) takes k0 at once.  A hit on k1 references it.  k4: the hand (at
 * k1) clears k1's reference and takes k2, the first unreferenced slot.  So
 * k1, k3, k4 remain; k0 and k2 were the victims, one per insert.
 */
static void cache_evict_one_clock(struct kunit *test)
{
	const struct evict_ops *o = test->param_value;
	struct vsva_cache_cfg cfg = { 0 };
	struct vsva_caches *c;
	u32 k;

	o->set_cap(&cfg, 3);
	c = new_caches(test, &cfg);
	for (k = 0; k < 3; k++)
		KUNIT_ASSERT_EQ(test, o->insert(c, k), 0);
	KUNIT_EXPECT_EQ(test, o->count(c), 3U);
	KUNIT_EXPECT_EQ(test, o->evictions(vsva_caches_stats(c)), 0ULL);

	KUNIT_ASSERT_EQ(test, o->insert(c, 3), 0);
	KUNIT_EXPECT_EQ(test, o->count(c), 3U);
	KUNIT_EXPECT_EQ(test, o->evictions(vsva_caches_stats(c)), 1ULL);

	KUNIT_EXPECT_TRUE(test, o->present(c, 1));
	KUNIT_ASSERT_EQ(test, o->insert(c, 4), 0);
	KUNIT_EXPECT_EQ(test, o->count(c), 3U);
	KUNIT_EXPECT_EQ(test, o->evictions(vsva_caches_stats(c)), 2ULL);

	KUNIT_EXPECT_FALSE(test, o->present(c, 0));
	KUNIT_EXPECT_TRUE(test, o->present(c, 1));
	KUNIT_EXPECT_FALSE(test, o->present(c, 2));
	KUNIT_EXPECT_TRUE(test, o->present(c, 3));
	KUNIT_EXPECT_TRUE(test, o->present(c, 4));

	/* far past capacity: still full, never flushed, one eviction each */
	for (k = 5; k < 40; k++) {
		KUNIT_ASSERT_EQ(test, o->insert(c, k), 0);
		KUNIT_EXPECT_EQ(test, o->count(c), 3U);
	}
	KUNIT_EXPECT_EQ(test, o->evictions(vsva_caches_stats(c)), 37ULL);
	KUNIT_EXPECT_TRUE(test, o->present(c, 39));
}

/* A hot entry survives a stream of one-shot inserts (second chance). */
static void cache_evict_keeps_hot(struct kunit *test)
{
	struct vsva_cache_cfg cfg = { .iotlb_entries = 4 };
	struct vsva_caches *c = new_caches(test, &cfg);
	u32 k;

	for (k = 0; k < 64; k++) {
		KUNIT_ASSERT_EQ(test, iotlb_ins(c, 100 + k), 0);
		if (k == 0)
			continue;
		KUNIT_ASSERT_TRUE_MSG(test, iotlb_has(c, 100),
				      "hot entry lost after %u inserts", k);
	}
	KUNIT_EXPECT_EQ(test, vsva_iotlb_count(c), 4U);
	KUNIT_EXPECT_EQ(test, vsva_caches_stats(c)->iotlb_evictions, 60ULL);
}

/* ---------------------------------------------------------------------- */
/* Paging-structure caches.                                                */

static void cache_psc_lookup_deepest(struct kunit *test)
{
	struct vsva_caches *c = new_caches(test, NULL);
	struct vsva_psc_entry l4 = psc(VSVA_STAGE_FS, 1, 5, 0x0, 4);
	struct vsva_psc_entry l3 = psc(VSVA_STAGE_FS, 1, 5, 0x40000000, 3);
	struct vsva_psc_entry l2 = psc(VSVA_STAGE_FS, 1, 5, 0x40200000, 2);
	const struct vsva_psc_entry *got;

	KUNIT_ASSERT_EQ(test, vsva_psc_insert(c, &l4), 0);
	KUNIT_ASSERT_EQ(test, vsva_psc_insert(c, &l3), 0);
	KUNIT_ASSERT_EQ(test, vsva_psc_insert(c, &l2), 0);

	got = vsva_psc_lookup(c, VSVA_STAGE_FS, 1, 5, 0x40201000, 2);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, got->level, 2);
	KUNIT_EXPECT_EQ(test, got->table, l2.table);
	/* min_level 0 and 1 mean "any": level 2 is the lowest cached */
	got = vsva_psc_lookup(c, VSVA_STAGE_FS, 1, 5, 0x40201000, 0);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, got->level, 2);
	got = vsva_psc_lookup(c, VSVA_STAGE_FS, 1, 5, 0x40201000, 3);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, got->level, 3);
	got = vsva_psc_lookup(c, VSVA_STAGE_FS, 1, 5, 0x40201000, 4);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, got->level, 4);
	KUNIT_EXPECT_NULL(test,
		vsva_psc_lookup(c, VSVA_STAGE_FS, 1, 5, 0x40201000, 5));
	/* 0x40400000: outside the 2M of l2, inside the 1G of l3 */
	got = vsva_psc_lookup(c, VSVA_STAGE_FS, 1, 5, 0x40400000, 2);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, got->level, 3);
	/* 0x80000000: only the 512G of l4; 512G itself: nothing */
	got = vsva_psc_lookup(c, VSVA_STAGE_FS, 1, 5, 0x80000000, 2);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, got->level, 4);
	KUNIT_EXPECT_NULL(test,
		vsva_psc_lookup(c, VSVA_STAGE_FS, 1, 5, 0x8000000000ULL, 2));
	/* FS entries are tagged by DID and PASID */
	KUNIT_EXPECT_NULL(test,
		vsva_psc_lookup(c, VSVA_STAGE_FS, 1, 6, 0x40201000, 2));
	KUNIT_EXPECT_NULL(test,
		vsva_psc_lookup(c, VSVA_STAGE_FS, 2, 5, 0x40201000, 2));
	/* and live in their own stage */
	KUNIT_EXPECT_NULL(test,
		vsva_psc_lookup(c, VSVA_STAGE_SS, 1, 5, 0x40201000, 2));
	KUNIT_EXPECT_EQ(test, vsva_caches_stats(c)->psc_hits, 6ULL);
	KUNIT_EXPECT_EQ(test, vsva_caches_stats(c)->psc_misses, 5ULL);
}

static void cache_psc_ss_ignores_pasid(struct kunit *test)
{
	struct vsva_caches *c = new_caches(test, NULL);
	struct vsva_psc_entry e = psc(VSVA_STAGE_SS, 3, 77, 0x0, 5);
	const struct vsva_psc_entry *got;

	KUNIT_ASSERT_EQ(test, vsva_psc_insert(c, &e), 0);
	/* level 5 spans 2^48: the last byte below 256T is covered */
	got = vsva_psc_lookup(c, VSVA_STAGE_SS, 3, 4, 0xffffffffffffULL, 2);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, got->level, 5);
	KUNIT_EXPECT_EQ(test, got->pasid, 0U);
	KUNIT_EXPECT_NULL(test,
		vsva_psc_lookup(c, VSVA_STAGE_SS, 3, 4, 0x1000000000000ULL, 2));
	/* the same tag with another PASID is the same SS entry */
	e.pasid = 78;
	e.table = 0x123000;
	KUNIT_ASSERT_EQ(test, vsva_psc_insert(c, &e), 0);
	KUNIT_EXPECT_EQ(test, vsva_psc_count(c, VSVA_STAGE_SS), 1U);
	got = vsva_psc_lookup(c, VSVA_STAGE_SS, 3, 0, 0x1000, 5);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, got->table, 0x123000ULL);
}

static void cache_psc_insert_rejects(struct kunit *test)
{
	struct vsva_caches *c = new_caches(test, NULL);
	struct vsva_psc_entry e;

	e = psc(VSVA_STAGE_FS, 1, 1, 0x0, 1);
	KUNIT_EXPECT_EQ(test, vsva_psc_insert(c, &e), -EINVAL);
	e = psc(VSVA_STAGE_FS, 1, 1, 0x0, 6);
	KUNIT_EXPECT_EQ(test, vsva_psc_insert(c, &e), -EINVAL);
	e = psc(VSVA_STAGE_FS, 1, 1, 0x200000, 3);	/* not 1G-aligned */
	KUNIT_EXPECT_EQ(test, vsva_psc_insert(c, &e), -EINVAL);
	e = psc(VSVA_STAGE_NONE, 1, 1, 0x0, 2);
	KUNIT_EXPECT_EQ(test, vsva_psc_insert(c, &e), -EINVAL);
	e = psc(VSVA_STAGE_FS, 1, VSVA_PASID_MAX, 0x0, 2);
	KUNIT_EXPECT_EQ(test, vsva_psc_insert(c, &e), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_psc_count(c, VSVA_STAGE_FS), 0U);
	KUNIT_EXPECT_EQ(test, vsva_psc_count(c, VSVA_STAGE_SS), 0U);
	KUNIT_EXPECT_EQ(test, vsva_psc_count(c, VSVA_STAGE_NONE), 0U);
	KUNIT_EXPECT_NULL(test,
		vsva_psc_lookup(c, VSVA_STAGE_NONE, 1, 1, 0x0, 2));
}

/* ---------------------------------------------------------------------- */
/* Range rules.                                                            */

/*
 * An entry larger than the range overlaps it; the range is 2^am pages at
 * ADDR (aligned down).  SS 1G entry at 1G: a 4K IOTLB page-selective
 * invalidation at its last page drops it, one at 2G does not.
 */
static void cache_overlap_larger_entry(struct kunit *test)
{
	struct vsva_caches *c = new_caches(test, NULL);
	struct vsva_iotlb_entry big = tlb(1, 0, 0x40000000, SZ_1G_LG2,
					  VTD_PGTT_SS, 0);

	KUNIT_ASSERT_EQ(test, vsva_iotlb_insert(c, &big), 0);
	KUNIT_EXPECT_EQ(test, vsva_inv_iotlb_page(c, 1, 0x80000000, 0, false),
			0U);
	KUNIT_EXPECT_EQ(test, vsva_iotlb_count(c), 1U);
	/* 0x7ffff000 = 1G + 1G - 4K: the last 4K page of the entry */
	KUNIT_EXPECT_EQ(test, vsva_inv_iotlb_page(c, 1, 0x7ffff000, 0, false),
			1U);
	KUNIT_EXPECT_EQ(test, vsva_iotlb_count(c), 0U);
}

/*
 * am 9 = 512 pages = 2M at 0x200000: covers 0x200000..0x3fffff.  4K SS
 * entries at 0x1ff000 and 0x400000 lie just outside, 0x200000 and
 * 0x3ff000 just inside.
 */
static void cache_am_range_bounds(struct kunit *test)
{
	static const u64 at[] = { 0x1ff000, 0x200000, 0x3ff000, 0x400000 };
	struct vsva_caches *c = new_caches(test, NULL);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(at); i++) {
		struct vsva_iotlb_entry e = tlb(1, 0, at[i], SZ_4K_LG2,
						VTD_PGTT_SS, 0);

		KUNIT_ASSERT_EQ(test, vsva_iotlb_insert(c, &e), 0);
	}
	KUNIT_EXPECT_EQ(test, vsva_inv_iotlb_page(c, 1, 0x200000, 9, false),
			2U);
	KUNIT_EXPECT_NOT_NULL(test, vsva_iotlb_lookup(c, 1, 0, 0x1ff000));
	KUNIT_EXPECT_NULL(test, vsva_iotlb_lookup(c, 1, 0, 0x200000));
	KUNIT_EXPECT_NULL(test, vsva_iotlb_lookup(c, 1, 0, 0x3ff000));
	KUNIT_EXPECT_NOT_NULL(test, vsva_iotlb_lookup(c, 1, 0, 0x400000));
}

/*
 * Nested IOTLB entries go on any page-selective IOTLB invalidation of
 * their DID, whatever their GPA: the walk also translated the GPAs of the
 * first-stage tables through the second stage.
 */
static void cache_iotlb_page_drops_nested_any_gpa(struct kunit *test)
{
	struct vsva_caches *c = new_caches(test, NULL);
	struct vsva_iotlb_entry e = tlb(1, 3, 0x7000, SZ_4K_LG2,
					VTD_PGTT_NESTED, VSVA_TLB_NESTED_GPA);
	struct vsva_iotlb_entry ss = tlb(1, 0, 0x7000, SZ_4K_LG2,
					 VTD_PGTT_SS, 0);

	e.gpa = 0x9000;
	KUNIT_ASSERT_EQ(test, vsva_iotlb_insert(c, &e), 0);
	KUNIT_ASSERT_EQ(test, vsva_iotlb_insert(c, &ss), 0);
	/* GPA 0x100000 is neither the entry's GPA nor its IOVA */
	KUNIT_EXPECT_EQ(test, vsva_inv_iotlb_page(c, 1, 0x100000, 0, true), 1U);
	KUNIT_EXPECT_NULL(test, vsva_iotlb_lookup(c, 1, 3, 0x7000));
	KUNIT_EXPECT_NOT_NULL(test, vsva_iotlb_lookup(c, 1, 0, 0x7000));
}

/* ---------------------------------------------------------------------- */
/* Life cycle and statistics.                                              */

static void cache_create_defaults(struct kunit *test)
{
	struct vsva_caches *c = new_caches(test, NULL);
	const struct vsva_cache_stats *st = vsva_caches_stats(c);
	struct vsva_cache_stats zero;

	memset(&zero, 0, sizeof(zero));
	KUNIT_EXPECT_MEMEQ(test, st, &zero, sizeof(zero));
	KUNIT_EXPECT_EQ(test, vsva_iotlb_count(c), 0U);
	KUNIT_EXPECT_EQ(test, vsva_psc_count(c, VSVA_STAGE_FS), 0U);
	KUNIT_EXPECT_EQ(test, vsva_psc_count(c, VSVA_STAGE_SS), 0U);
	KUNIT_EXPECT_EQ(test, vsva_pasid_cache_count(c), 0U);
	KUNIT_EXPECT_EQ(test, vsva_ctx_cache_count(c), 0U);
	KUNIT_EXPECT_NULL(test, vsva_iotlb_lookup(c, 0, 0, 0));
	/* invalidating empty structures drops nothing but still counts */
	KUNIT_EXPECT_EQ(test, vsva_inv_iotlb_global(c), 0U);
	KUNIT_EXPECT_EQ(test, st->invalidations, 1ULL);
	vsva_caches_destroy(NULL);	/* a no-op, like kfree(NULL) */
}

static void cache_create_rejects_huge(struct kunit *test)
{
	struct vsva_cache_cfg cfg = { .iotlb_entries = 0x80000000U };

	KUNIT_EXPECT_NULL(test, vsva_caches_create(&cfg));
}

static void cache_stats_accumulate(struct kunit *test)
{
	struct vsva_caches *c = new_caches(test, NULL);
	const struct vsva_cache_stats *st = vsva_caches_stats(c);

	fill_mix(test, c);
	fill_pc(test, c);
	/* 2 + 4 dropped: (2,*) IOTLB 8,9 / FS 4 / SS 3 */
	KUNIT_EXPECT_EQ(test, vsva_inv_iotlb_domain(c, 2), 4U);
	KUNIT_EXPECT_EQ(test, vsva_inv_pasid_cache_domain(c, 2), 2U);
	KUNIT_EXPECT_EQ(test, vsva_inv_ctx_global(c), 0U);
	KUNIT_EXPECT_EQ(test, st->invalidations, 3ULL);
	KUNIT_EXPECT_EQ(test, st->dropped, 6ULL);
	KUNIT_EXPECT_EQ(test, st->iotlb_evictions + st->psc_evictions +
			st->pasid_evictions + st->ctx_evictions, 0ULL);
	/* lookups count per structure */
	KUNIT_EXPECT_NOT_NULL(test, vsva_iotlb_lookup(c, 1, 5, 0x1000));
	KUNIT_EXPECT_NULL(test, vsva_iotlb_lookup(c, 2, 5, 0x1000));
	KUNIT_EXPECT_EQ(test, st->iotlb_hits, 1ULL);
	KUNIT_EXPECT_EQ(test, st->iotlb_misses, 1ULL);
	KUNIT_EXPECT_NOT_NULL(test,
		vsva_pasid_cache_lookup(c, 0x0100, 5));
	KUNIT_EXPECT_NULL(test, vsva_pasid_cache_lookup(c, 0x0200, 5));
	KUNIT_EXPECT_EQ(test, st->pasid_hits, 1ULL);
	KUNIT_EXPECT_EQ(test, st->pasid_misses, 1ULL);
}

#ifndef __KERNEL__
/*
 * Fail-nth: make allocation n of vsva_caches_create() fail for n = 1, 2, ...
 * until it succeeds.  Every failing step must return NULL and free what it
 * had (the sanitizer build's leak checker sees any leak), and the sweep
 * must end at the number of allocations a successful create makes.
 */
static void cache_create_fail_nth(struct kunit *test)
{
	struct vsva_cache_cfg cfg = { .iotlb_entries = 64, .psc_entries = 8,
				      .pasid_entries = 8, .ctx_entries = 8 };
	struct vsva_caches *c = NULL;
	unsigned long n, made;

	for (n = 1; n < 100; n++) {
		vsva_fail_nth(n);
		c = vsva_caches_create(&cfg);
		made = vsva_fail_nth(0);
		if (c)
			break;
		/* the failing allocation was the last one attempted */
		KUNIT_EXPECT_EQ(test, made, n);
	}
	KUNIT_ASSERT_NOT_NULL(test, c);
	/* 1 object + (slots, buckets) for 5 structures = 11 allocations */
	KUNIT_EXPECT_EQ(test, n, 12UL);
	KUNIT_EXPECT_EQ(test, made, 11UL);
	KUNIT_EXPECT_EQ(test, iotlb_ins(c, 1), 0);
	KUNIT_EXPECT_TRUE(test, iotlb_has(c, 1));
	vsva_caches_destroy(c);
	/* lookups and invalidations never allocate */
	c = new_caches(test, &cfg);
	fill_mix(test, c);
	vsva_fail_nth(0);
	KUNIT_EXPECT_NOT_NULL(test, vsva_iotlb_lookup(c, 1, 5, 0x1000));
	vsva_inv_iotlb_page(c, 1, 0x1000, 0, false);
	vsva_inv_piotlb_pasid(c, 1, 5);
	vsva_inv_iotlb_global(c);
	KUNIT_EXPECT_EQ(test, vsva_fail_nth(0), 0UL);
}
#endif

static struct kunit_case cache_cases[] = {
	KUNIT_CASE(cache_create_defaults),
	KUNIT_CASE(cache_create_rejects_huge),
#ifndef __KERNEL__
	KUNIT_CASE(cache_create_fail_nth),
#endif
	KUNIT_CASE_PARAM(cache_iotlb_lookup_size, page_size_gen_params),
	KUNIT_CASE(cache_iotlb_mixed_sizes),
	KUNIT_CASE(cache_iotlb_insert_rejects),
	KUNIT_CASE(cache_iotlb_insert_replaces),
	KUNIT_CASE(cache_iotlb_full_population),
	KUNIT_CASE_PARAM(cache_evict_one_clock, evict_gen_params),
	KUNIT_CASE(cache_evict_keeps_hot),
	KUNIT_CASE(cache_psc_lookup_deepest),
	KUNIT_CASE(cache_psc_ss_ignores_pasid),
	KUNIT_CASE(cache_psc_insert_rejects),
	KUNIT_CASE_PARAM(cache_inv_granularity, inv_gen_params),
	KUNIT_CASE(cache_overlap_larger_entry),
	KUNIT_CASE(cache_am_range_bounds),
	KUNIT_CASE(cache_iotlb_page_drops_nested_any_gpa),
	KUNIT_CASE_PARAM(cache_pasid_cache_inv, pc_gen_params),
	KUNIT_CASE(cache_pasid_cache_basic),
	KUNIT_CASE_PARAM(cache_ctx_cache_inv, ctx_gen_params),
	KUNIT_CASE(cache_ctx_cache_basic),
	KUNIT_CASE(cache_stats_accumulate),
	{}
};

static struct kunit_suite cache_suite = {
	.name = "vsva-cache",
	.test_cases = cache_cases,
};

kunit_test_suites(&cache_suite);
