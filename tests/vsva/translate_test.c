// SPDX-License-Identifier: GPL-2.0
/*
 * Translation through the caches: an IOTLB hit makes no memory reference,
 * a paging-structure-cache hit skips exactly the levels it covers, and a
 * faulting translation leaves nothing cached.
 *
 * Same hand-built tables as walk_test.c (pt_fixture.h): every level of
 * VA4 = 0x0000008040201123 uses index 1; FS-only tables PML4 0x10000,
 * PDPT 0x11000, PD 0x12000, PT 0x13000; nested FS tables at GPAs
 * 0x1000-0x4000 (HPA 0x41000-0x44000), data GPA 0x5000 (HPA 0x45000), SS
 * tables SS-PML4 0x20000 .. SS-PT 0x23000.
 */
#include <kunit/test.h>

#include <nestmed/vtd_fault.h>
#include "pt_fixture.h"

#define VA4		PT_FX_VA4
#define DID		7
#define PASID		0x42

static void tfx_free_caches(void *p)
{
	vsva_caches_destroy(p);
}

static struct pt_fx *tfx_new(struct kunit *test, u8 mode)
{
	struct vsva_cache_cfg cc = { 0 };
	struct pt_fx *f = pt_fx_new(test, mode);

	f->c = vsva_caches_create(&cc);
	KUNIT_ASSERT_NOT_NULL(test, f->c);
	KUNIT_ASSERT_EQ(test, kunit_add_action(test, tfx_free_caches, f->c), 0);
	return f;
}

static int tr(struct pt_fx *f)
{
	return vsva_translate(f->c, &f->cfg, DID, PASID, &f->req, &f->res);
}

static void tbuild_fs(struct pt_fx *f)
{
	pt_fx_build_fs4(f);
	/* neighbours of VA4 differing at one level (index 2) */
	pt_set(f, 0x13010, 0x0000000000abd007ULL);	/* PT[2]   -> 0xabd000 */
	pt_set(f, 0x12010, 0x0000000000014007ULL);	/* PD[2]   -> PT' 0x14000 */
	pt_set(f, 0x14008, 0x0000000000abe007ULL);	/* PT'[1]  -> 0xabe000 */
	pt_set(f, 0x11010, 0x0000000000015007ULL);	/* PDPT[2] -> PD' 0x15000 */
	pt_set(f, 0x15008, 0x0000000000016007ULL);	/* PD'[1]  -> PT'' 0x16000 */
	pt_set(f, 0x16008, 0x0000000000abf007ULL);	/* PT''[1] -> 0xabf000 */
	pt_set(f, 0x10010, 0x0000000000017007ULL);	/* PML4[2] -> 0x17000 */
	pt_set(f, 0x17008, 0x0000000000018007ULL);
	pt_set(f, 0x18008, 0x0000000000019007ULL);
	pt_set(f, 0x19008, 0x0000000000ac0007ULL);	/* -> 0xac0000 */
}

/* The shared nested tables plus GPA 0x6000 behind PT[2]. */
static void tbuild_nested(struct pt_fx *f)
{
	pt_fx_build_nested(f);
	pt_set(f, 0x23030, 0x0000000000046003ULL);	/* GPA 0x6000 -> 0x46000 */
	pt_set(f, 0x44010, 0x0000000000006007ULL);	/* PT[2]   -> GPA 0x6000 */
}

static void tr_iotlb_hit_fs(struct kunit *test)
{
	struct pt_fx *f = tfx_new(test, VSVA_WALK_FS);

	tbuild_fs(f);
	KUNIT_ASSERT_EQ(test, tr(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.reads, 4u);
	KUNIT_EXPECT_EQ(test, vsva_iotlb_count(f->c), 1u);
	/* PML4E, PDPE, PDE: the three non-leaf entries */
	KUNIT_EXPECT_EQ(test, vsva_psc_count(f->c, VSVA_STAGE_FS), 3u);
	KUNIT_ASSERT_EQ(test, tr(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.reads, 0u);
	KUNIT_EXPECT_EQ(test, f->res.oaddr, 0xabc123ULL);
	KUNIT_EXPECT_EQ(test, f->res.size_lg2, 12);
	KUNIT_EXPECT_EQ(test, f->fm.reads, 4ULL);	/* nothing more read */
	/* another byte of the same page hits too */
	f->req.addr = VA4 + 0x10;
	KUNIT_ASSERT_EQ(test, tr(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.reads, 0u);
	KUNIT_EXPECT_EQ(test, f->res.oaddr, 0xabc133ULL);
}

static void tr_iotlb_hit_nested(struct kunit *test)
{
	struct pt_fx *f = tfx_new(test, VSVA_WALK_NESTED);

	tbuild_nested(f);
	KUNIT_ASSERT_EQ(test, tr(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.reads, 24u);
	KUNIT_ASSERT_EQ(test, tr(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.reads, 0u);
	KUNIT_EXPECT_EQ(test, f->res.ad_writes, 0u);
	KUNIT_EXPECT_EQ(test, f->res.oaddr, 0x45123ULL);
	KUNIT_EXPECT_EQ(test, f->res.gpa, 0x5123ULL);
	/* SS: SS-PML4E, SS-PDPE, SS-PDE (shared by all 5 GPAs) */
	KUNIT_EXPECT_EQ(test, vsva_psc_count(f->c, VSVA_STAGE_SS), 3u);
	KUNIT_EXPECT_EQ(test, vsva_psc_count(f->c, VSVA_STAGE_FS), 3u);
}

static void tr_iotlb_hit_ss(struct kunit *test)
{
	struct pt_fx *f = tfx_new(test, VSVA_WALK_SS);

	pt_set(f, 0x20008, 0x0000000000021003ULL);	/* SS-PML4[1] -> 0x21000 */
	pt_set(f, 0x21008, 0x0000000000022003ULL);	/* SS-PDPT[1] -> 0x22000 */
	pt_set(f, 0x22008, 0x0000000000600083ULL);	/* SS-PD[1]: 2M at 0x600000 */
	KUNIT_ASSERT_EQ(test, tr(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.reads, 3u);
	KUNIT_EXPECT_EQ(test, f->res.oaddr, 0x601123ULL);
	f->req.addr = VA4 + 0x100000;	/* same 2M page */
	KUNIT_ASSERT_EQ(test, tr(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.reads, 0u);
	KUNIT_EXPECT_EQ(test, f->res.oaddr, 0x701123ULL);
	KUNIT_EXPECT_EQ(test, f->res.size_lg2, 21);
}

struct psc_case {
	const char *desc;
	u64 delta;	/* second address = VA4 + delta */
	u32 reads;	/* reads of the second translation */
	u64 oaddr;
};

static const struct psc_case psc_cases[] = {
	/* PT index 2: the PDE is cached, only the PTE is read */
	{ "same PT", 1ULL << 12, 1, 0xabd123ULL },
	/* PD index 2: the PDPE is cached, PDE + PTE read */
	{ "same PD", 1ULL << 21, 2, 0xabe123ULL },
	/* PDPT index 2: the PML4E is cached */
	{ "same PDPT", 1ULL << 30, 3, 0xabf123ULL },
	/* PML4 index 2: nothing cached covers it */
	{ "other PML4E", 1ULL << 39, 4, 0xac0123ULL },
};
KUNIT_ARRAY_PARAM_DESC(psc_cases, psc_cases, desc);

static void tr_psc_skips_levels(struct kunit *test)
{
	const struct psc_case *p = test->param_value;
	struct pt_fx *f = tfx_new(test, VSVA_WALK_FS);

	tbuild_fs(f);
	KUNIT_ASSERT_EQ(test, tr(f), 0);
	f->req.addr = VA4 + p->delta;
	KUNIT_ASSERT_EQ(test, tr(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.reads, p->reads);
	KUNIT_EXPECT_EQ(test, f->res.oaddr, p->oaddr);
}

static void tr_psc_tagged_by_pasid(struct kunit *test)
{
	struct pt_fx *f = tfx_new(test, VSVA_WALK_FS);

	tbuild_fs(f);
	KUNIT_ASSERT_EQ(test, tr(f), 0);
	f->req.addr = VA4 + (1ULL << 12);
	/* another PASID of the same domain shares no FS PSC entry */
	KUNIT_ASSERT_EQ(test, vsva_translate(f->c, &f->cfg, DID, PASID + 1,
					     &f->req, &f->res), 0);
	KUNIT_EXPECT_EQ(test, f->res.reads, 4u);
	/* nor does another domain */
	f->req.addr = VA4 + (2ULL << 12);
	pt_set(f, 0x13018, 0x0000000000abe007ULL);	/* PT[3] */
	KUNIT_ASSERT_EQ(test, vsva_translate(f->c, &f->cfg, DID + 1, PASID,
					     &f->req, &f->res), 0);
	KUNIT_EXPECT_EQ(test, f->res.reads, 4u);
}

static void tr_psc_nested(struct kunit *test)
{
	struct pt_fx *f = tfx_new(test, VSVA_WALK_NESTED);

	tbuild_nested(f);
	KUNIT_ASSERT_EQ(test, tr(f), 0);
	/*
	 * VA4 + 4K: the FS PDE is cached (PT at HPA 0x44000), so one FS read
	 * (PT[2]); the GPA 0x6123 hits the SS PDE: one SS read (SS-PT[6]).
	 * PT[2] has no A yet, and setting it is a write through the second
	 * stage, whose translation of the PT page (GPA 0x4000) the PSC hit
	 * skipped: one more SS read (SS-PT[4]) to check W.  1 + 1 + 1 = 3.
	 */
	f->req.addr = VA4 + (1ULL << 12);
	KUNIT_ASSERT_EQ(test, tr(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.reads, 3u);
	KUNIT_EXPECT_EQ(test, f->res.oaddr, 0x46123ULL);
	KUNIT_EXPECT_EQ(test, f->buf[0x44010 / 8], 0x0000000000006027ULL);
}

static void tr_psc_nested_accessed(struct kunit *test)
{
	struct pt_fx *f = tfx_new(test, VSVA_WALK_NESTED);

	tbuild_nested(f);
	pt_set(f, 0x44010, 0x0000000000006027ULL);	/* PT[2] with A already */
	KUNIT_ASSERT_EQ(test, tr(f), 0);
	f->req.addr = VA4 + (1ULL << 12);
	KUNIT_ASSERT_EQ(test, tr(f), 0);
	/* FS PT[2] + SS-PT[6]: 2 of the 24 */
	KUNIT_EXPECT_EQ(test, f->res.reads, 2u);
	KUNIT_EXPECT_EQ(test, f->res.ad_writes, 0u);
}

static void tr_fault_not_cached(struct kunit *test)
{
	struct pt_fx *f = tfx_new(test, VSVA_WALK_FS);

	tbuild_fs(f);
	pt_set(f, 0x13008, 0x0000000000abc006ULL);	/* PT[1]: P clear */
	KUNIT_EXPECT_EQ(test, tr(f), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->res.fault, VTD_FR_SM_FS_NOT_PRESENT);
	KUNIT_EXPECT_EQ(test, vsva_iotlb_count(f->c), 0u);
	KUNIT_EXPECT_EQ(test, vsva_psc_count(f->c, VSVA_STAGE_FS), 0u);
	/* fixed by software: the next translation walks all 4 levels */
	pt_set(f, 0x13008, 0x0000000000abc007ULL);
	KUNIT_ASSERT_EQ(test, tr(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.reads, 4u);
}

static void tr_nested_fault_not_cached(struct kunit *test)
{
	struct pt_fx *f = tfx_new(test, VSVA_WALK_NESTED);

	tbuild_nested(f);
	pt_set(f, 0x23028, 0);	/* data GPA 0x5000 not mapped in SS */
	KUNIT_EXPECT_EQ(test, tr(f), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->res.fault, VTD_FR_SM_SS_NOT_PRESENT);
	KUNIT_EXPECT_EQ(test, f->res.fault_stage, VSVA_STAGE_SS);
	KUNIT_EXPECT_EQ(test, vsva_iotlb_count(f->c), 0u);
	KUNIT_EXPECT_EQ(test, vsva_psc_count(f->c, VSVA_STAGE_FS), 0u);
	KUNIT_EXPECT_EQ(test, vsva_psc_count(f->c, VSVA_STAGE_SS), 0u);
	KUNIT_EXPECT_EQ(test, tr(f), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->res.reads, 24u);
}

static void tr_write_to_clean_entry(struct kunit *test)
{
	struct pt_fx *f = tfx_new(test, VSVA_WALK_FS);

	tbuild_fs(f);
	KUNIT_ASSERT_EQ(test, tr(f), 0);
	f->req.access = VSVA_PERM_W;
	/* cached without D: the write walks again (PSC: 1 read) and sets D */
	KUNIT_ASSERT_EQ(test, tr(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.reads, 1u);
	KUNIT_EXPECT_EQ(test, f->res.ad_writes, 1u);
	KUNIT_EXPECT_EQ(test, f->buf[0x13008 / 8], 0x0000000000abc067ULL);
	KUNIT_EXPECT_EQ(test, vsva_iotlb_count(f->c), 1u);
	/* now dirty: writes hit */
	KUNIT_ASSERT_EQ(test, tr(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.reads, 0u);
}

static void tr_user_after_supervisor(struct kunit *test)
{
	struct pt_fx *f = tfx_new(test, VSVA_WALK_FS);

	tbuild_fs(f);
	pt_set(f, 0x13008, 0x0000000000abc003ULL);	/* PT[1]: supervisor page */
	f->cfg.fs.sre = true;
	f->req.priv = true;
	KUNIT_ASSERT_EQ(test, tr(f), 0);
	/* the cached supervisor translation must not serve a user request */
	f->req.priv = false;
	KUNIT_EXPECT_EQ(test, tr(f), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->res.fault, VTD_FR_SM_US);
}

static void tr_cached_read_only(struct kunit *test)
{
	struct pt_fx *f = tfx_new(test, VSVA_WALK_FS);

	tbuild_fs(f);
	pt_set(f, 0x13008, 0x0000000000abc005ULL);	/* PT[1]: read-only */
	KUNIT_ASSERT_EQ(test, tr(f), 0);
	f->req.access = VSVA_PERM_W;
	KUNIT_EXPECT_EQ(test, tr(f), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->res.fault, VTD_FR_SM_NO_WRITE);
	/* the read translation stays cached */
	f->req.access = VSVA_PERM_R;
	KUNIT_ASSERT_EQ(test, tr(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.reads, 0u);
}

static void tr_exec_not_cached_without_ere(struct kunit *test)
{
	struct pt_fx *f = tfx_new(test, VSVA_WALK_FS);

	tbuild_fs(f);
	f->cfg.fs.ere = false;
	KUNIT_ASSERT_EQ(test, tr(f), 0);
	f->req.access = VSVA_PERM_X;
	KUNIT_EXPECT_EQ(test, tr(f), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->res.fault, VTD_FR_SM_PASID_ERE);
}

static struct kunit_case translate_cases[] = {
	KUNIT_CASE(tr_iotlb_hit_fs),
	KUNIT_CASE(tr_iotlb_hit_nested),
	KUNIT_CASE(tr_iotlb_hit_ss),
	KUNIT_CASE_PARAM(tr_psc_skips_levels, psc_cases_gen_params),
	KUNIT_CASE(tr_psc_tagged_by_pasid),
	KUNIT_CASE(tr_psc_nested),
	KUNIT_CASE(tr_psc_nested_accessed),
	KUNIT_CASE(tr_fault_not_cached),
	KUNIT_CASE(tr_nested_fault_not_cached),
	KUNIT_CASE(tr_write_to_clean_entry),
	KUNIT_CASE(tr_user_after_supervisor),
	KUNIT_CASE(tr_cached_read_only),
	KUNIT_CASE(tr_exec_not_cached_without_ere),
	{}
};

static struct kunit_suite translate_suite = {
	.name = "vsva-translate",
	.test_cases = translate_cases,
};

kunit_test_suites(&translate_suite);
