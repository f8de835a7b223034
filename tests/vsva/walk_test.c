// SPDX-License-Identifier: GPL-2.0
/*
 * Page walker tests over flatmem with page tables written by hand.
 *
 * Input addresses are chosen so that every level uses index 1:
 *   VA4 = 1 << 39 | 1 << 30 | 1 << 21 | 1 << 12 | 0x123 = 0x0000008040201123
 *   VA5 = VA4 | 1 << 48                                  = 0x0001008040201123
 * First-stage tables (FS-only, host-physical):
 *   PML5 0x0f000, PML4 0x10000, PDPT 0x11000, PD 0x12000, PT 0x13000
 * Second-stage tables (SS-only, the same indices for GPA4 = VA4):
 *   SS-PML5 0x1f000, SS-PML4 0x20000, SS-PDPT 0x21000, SS-PD 0x22000,
 *   SS-PT 0x23000
 * Entry low bits: FS 0x007 = P | R/W | U/S, 0x087 = ... | PS, 0x027 = A set;
 * SS 0x003 = R | W, 0x083 = R | W | PS.
 */
#include <kunit/test.h>

#include <nestmed/vtd_fault.h>
#include "pt_fixture.h"

#define VA4		PT_FX_VA4
#define VA5		0x0001008040201123ULL

static struct pt_fx *fx_new(struct kunit *test, u8 mode)
{
	struct pt_fx *f = pt_fx_new(test, mode);

	f->cfg.trace = pt_fx_trace;
	f->cfg.trace_ctx = f;
	return f;
}

static int walk(struct pt_fx *f)
{
	f->nref = 0;
	return vsva_walk(&f->cfg, &f->req, &f->res);
}

/* FS-only 4-level tables for VA4 (and the PML5 for VA5). */
static void build_fs(struct pt_fx *f)
{
	pt_set(f, 0x0f008, 0x0000000000010007ULL);	/* PML5[1] -> 0x10000 */
	pt_fx_build_fs4(f);
}

/* SS-only tables for GPA4 = VA4 (and the SS-PML5 for GPA5 = VA5). */
static void build_ss(struct pt_fx *f)
{
	pt_set(f, 0x1f008, 0x0000000000020003ULL);	/* SS-PML5[1] -> 0x20000 */
	pt_set(f, 0x20008, 0x0000000000021003ULL);	/* SS-PML4[1] -> 0x21000 */
	pt_set(f, 0x21008, 0x0000000000022003ULL);	/* SS-PDPT[1] -> 0x22000 */
	pt_set(f, 0x22008, 0x0000000000023003ULL);	/* SS-PD[1]   -> 0x23000 */
	pt_set(f, 0x23008, 0x0000000000abc003ULL);	/* SS-PT[1]   -> 0xabc000 */
}

static void expect_fault(struct kunit *test, struct pt_fx *f, u8 fr, u8 stage,
			 u8 level, u64 addr)
{
	KUNIT_EXPECT_EQ(test, walk(f), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->res.fault, fr);
	KUNIT_EXPECT_EQ(test, f->res.fault_stage, stage);
	KUNIT_EXPECT_EQ(test, f->res.fault_level, level);
	KUNIT_EXPECT_EQ(test, f->res.fault_addr, addr);
	KUNIT_EXPECT_EQ(test, f->res.ad_writes, 0u);
}

/* ------------------------------------------------------------------ */
/* First stage                                                        */
/* ------------------------------------------------------------------ */

static void fs_4k_vector(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_FS);

	build_fs(f);
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	/* page 0xabc000 + offset 0x123 */
	KUNIT_EXPECT_EQ(test, f->res.oaddr, 0xabc123ULL);
	KUNIT_EXPECT_EQ(test, f->res.size_lg2, 12);
	KUNIT_EXPECT_EQ(test, f->res.reads, 4u);
	KUNIT_EXPECT_EQ(test, f->res.perm, VSVA_PERM_R | VSVA_PERM_W | VSVA_PERM_X);
	KUNIT_EXPECT_TRUE(test, f->res.flags & VSVA_TLB_USER);
	KUNIT_EXPECT_FALSE(test, f->res.flags & VSVA_TLB_DIRTY);
	/* A (bit 5, 0x20) set in the four entries, no D on a read. */
	KUNIT_EXPECT_EQ(test, f->res.ad_writes, 4u);
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x10008), 0x0000000000011027ULL);
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x11008), 0x0000000000012027ULL);
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x12008), 0x0000000000013027ULL);
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x13008), 0x0000000000abc027ULL);
}

struct size_case {
	const char *desc;
	u8 levels;
	u8 size_lg2;
	u32 reads;
	u64 oaddr;
};

static const struct size_case fs_sizes[] = {
	{ "4-level 4K", 4, 12, 4, 0xabc123ULL },	/* 0xabc000 | 0x123 */
	{ "4-level 2M", 4, 21, 3, 0x601123ULL },	/* 0x600000 | (VA & 0x1fffff) */
	{ "4-level 1G", 4, 30, 2, 0x80201123ULL },	/* 0x80000000 | (VA & 0x3fffffff) */
	{ "5-level 4K", 5, 12, 5, 0xabc123ULL },
	{ "5-level 2M", 5, 21, 4, 0x601123ULL },
	{ "5-level 1G", 5, 30, 3, 0x80201123ULL },
};
KUNIT_ARRAY_PARAM_DESC(fs_sizes, fs_sizes, desc);

static void fs_page_sizes(struct kunit *test)
{
	const struct size_case *p = test->param_value;
	struct pt_fx *f = fx_new(test, VSVA_WALK_FS);

	build_fs(f);
	if (p->size_lg2 == 21)
		pt_set(f, 0x12008, 0x0000000000600087ULL);	/* PD[1]: 2M page 0x600000, PS */
	if (p->size_lg2 == 30)
		pt_set(f, 0x11008, 0x0000000080000087ULL);	/* PDPT[1]: 1G page 0x80000000, PS */
	if (p->levels == 5) {
		f->cfg.fs.levels = 5;
		f->cfg.fs.fsptptr = 0x0f000;
		f->req.addr = VA5;
	}
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.oaddr, p->oaddr);
	KUNIT_EXPECT_EQ(test, f->res.size_lg2, p->size_lg2);
	KUNIT_EXPECT_EQ(test, f->res.reads, p->reads);
	KUNIT_EXPECT_EQ(test, f->res.ad_writes, p->reads);
}

struct entry_case {
	const char *desc;
	u64 addr;	/* entry to overwrite */
	u64 val;
	u8 level;	/* level expected to fault */
	u8 opt;		/* OPT_* */
};

#define OPT_FIVE	BIT(0)	/* 5-level walk */
#define OPT_NO_NXE	BIT(1)
#define OPT_NO_FS1GP	BIT(2)

static const struct entry_case fs_not_present[] = {
	{ "PML5E", 0x0f008, 0x0000000000010006ULL, 5, OPT_FIVE },	/* P (bit 0) clear */
	{ "PML4E", 0x10008, 0x0000000000011006ULL, 4, 0 },
	{ "PDPE",  0x11008, 0x0000000000012006ULL, 3, 0 },
	{ "PDE",   0x12008, 0x0000000000000000ULL, 2, 0 },
	{ "PTE",   0x13008, 0x0000000000abc006ULL, 1, 0 },
};
KUNIT_ARRAY_PARAM_DESC(fs_not_present, fs_not_present, desc);

static void fs_not_present_at_level(struct kunit *test)
{
	const struct entry_case *p = test->param_value;
	struct pt_fx *f = fx_new(test, VSVA_WALK_FS);

	build_fs(f);
	pt_set(f, p->addr, p->val);
	if ((p->opt & OPT_FIVE)) {
		f->cfg.fs.levels = 5;
		f->cfg.fs.fsptptr = 0x0f000;
		f->req.addr = VA5;
	}
	expect_fault(test, f, VTD_FR_SM_FS_NOT_PRESENT, VSVA_STAGE_FS,
		     p->level, f->req.addr);
	/* No A bit written on a fault. */
	KUNIT_EXPECT_EQ(test, f->fm.cmpxchgs, 0ULL);
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x13008) & 0x20, 0ULL);
}

static const struct entry_case fs_reserved[] = {
	/* PS (bit 7) is reserved in a PML5E and a PML4E */
	{ "PML5E PS", 0x0f008, 0x0000000000010087ULL, 5, OPT_FIVE },
	{ "PML4E PS", 0x10008, 0x0000000000011087ULL, 4, 0 },
	/* HAW = 46: bit 46 (0x0000400000000000) is reserved */
	{ "PML4E addr >= HAW", 0x10008, 0x0000400000011007ULL, 4, 0 },
	{ "PDPE addr >= HAW", 0x11008, 0x0000400000012007ULL, 3, 0 },
	{ "PDE addr >= HAW", 0x12008, 0x0000400000013007ULL, 2, 0 },
	{ "PTE addr >= HAW", 0x13008, 0x0000400000abc007ULL, 1, 0 },
	/* bit 51 (top of ADDR) */
	{ "PTE bit 51", 0x13008, 0x0008000000abc007ULL, 1, 0 },
	/* 2M leaf: bits 20:13 reserved; bit 13 = 0x2000 */
	{ "2M PDE bit 13", 0x12008, 0x0000000000602087ULL, 2, 0 },
	/* 1G leaf: bits 29:13 reserved; bit 20 = 0x100000 */
	{ "1G PDPE bit 20", 0x11008, 0x0000000080100087ULL, 3, 0 },
	/* XD (bit 63) reserved with NXE = 0 */
	{ "PTE XD without NXE", 0x13008, 0x8000000000abc007ULL, 1, OPT_NO_NXE },
	{ "PML4E XD without NXE", 0x10008, 0x8000000000011007ULL, 4, OPT_NO_NXE },
	/* PS in a PDPE without CAP.FS1GP */
	{ "1G PDPE without FS1GP", 0x11008, 0x0000000080000087ULL, 3, OPT_NO_FS1GP },
};
KUNIT_ARRAY_PARAM_DESC(fs_reserved, fs_reserved, desc);

static void fs_reserved_at_level(struct kunit *test)
{
	const struct entry_case *p = test->param_value;
	struct pt_fx *f = fx_new(test, VSVA_WALK_FS);

	build_fs(f);
	pt_set(f, p->addr, p->val);
	if ((p->opt & OPT_FIVE)) {
		f->cfg.fs.levels = 5;
		f->cfg.fs.fsptptr = 0x0f000;
		f->req.addr = VA5;
	}
	f->cfg.fs.nxe = !(p->opt & OPT_NO_NXE);
	f->cfg.fs.fs1gp = !(p->opt & OPT_NO_FS1GP);
	expect_fault(test, f, VTD_FR_SM_FS_RSVD, VSVA_STAGE_FS, p->level,
		     f->req.addr);
}

/* Bits 62:52 are ignored in FS entries, and so is XD for reads with NXE. */
static void fs_ignored_bits(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_FS);

	build_fs(f);
	pt_set(f, 0x13008, 0x7ff0000000abc007ULL);	/* bits 62:52 all set */
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.oaddr, 0xabc123ULL);
}

static void fs_write_read_only_pte(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_FS);

	build_fs(f);
	pt_set(f, 0x13008, 0x0000000000abc005ULL);	/* P | U/S, R/W = 0 */
	f->req.access = VSVA_PERM_W;
	expect_fault(test, f, VTD_FR_SM_NO_WRITE, VSVA_STAGE_FS, 1, VA4);
	/* the fault sets no A bit anywhere */
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x13008), 0x0000000000abc005ULL);
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x10008), 0x0000000000011007ULL);
	/* reads are fine and the page is reported without W */
	f->req.access = VSVA_PERM_R;
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.perm, VSVA_PERM_R | VSVA_PERM_X);
}

static void fs_write_read_only_upper(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_FS);

	build_fs(f);
	pt_set(f, 0x11008, 0x0000000000012005ULL);	/* PDPE: R/W = 0 */
	f->req.access = VSVA_PERM_W;
	expect_fault(test, f, VTD_FR_SM_NO_WRITE, VSVA_STAGE_FS, 1, VA4);
}

static void fs_user_to_supervisor_page(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_FS);

	build_fs(f);
	pt_set(f, 0x12008, 0x0000000000013003ULL);	/* PDE: U/S = 0 */
	expect_fault(test, f, VTD_FR_SM_US, VSVA_STAGE_FS, 1, VA4);
	/* a supervisor request (SRE = 1) may read it */
	f->cfg.fs.sre = true;
	f->req.priv = true;
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	KUNIT_EXPECT_FALSE(test, f->res.flags & VSVA_TLB_USER);
}

static void fs_supervisor_without_sre(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_FS);

	build_fs(f);
	f->req.priv = true;
	expect_fault(test, f, VTD_FR_SM_PASID_SRE, VSVA_STAGE_FS, 0, VA4);
	KUNIT_EXPECT_EQ(test, f->res.reads, 0u);
}

static void fs_wpe(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_FS);

	build_fs(f);
	pt_set(f, 0x13008, 0x0000000000abc005ULL);	/* read-only PTE */
	f->cfg.fs.sre = true;
	f->req.priv = true;
	f->req.access = VSVA_PERM_W;
	/* WPE = 0: supervisor writes ignore R/W; D (0x40) and A (0x20) set */
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x13008), 0x0000000000abc065ULL);
	KUNIT_EXPECT_FALSE(test, f->res.perm & VSVA_PERM_W);
	/* WPE = 1: they honour it */
	pt_set(f, 0x13008, 0x0000000000abc005ULL);
	f->cfg.fs.wpe = true;
	expect_fault(test, f, VTD_FR_SM_NO_WRITE, VSVA_STAGE_FS, 1, VA4);
}

static void fs_execute_disable(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_FS);

	build_fs(f);
	pt_set(f, 0x11008, 0x8000000000012007ULL);	/* PDPE: XD (bit 63) */
	f->req.access = VSVA_PERM_X;
	expect_fault(test, f, VTD_FR_SM_NO_EXEC, VSVA_STAGE_FS, 1, VA4);
	f->req.access = VSVA_PERM_R;
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.perm, VSVA_PERM_R | VSVA_PERM_W);
}

static void fs_execute_without_ere(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_FS);

	build_fs(f);
	f->cfg.fs.ere = false;
	f->req.access = VSVA_PERM_X;
	expect_fault(test, f, VTD_FR_SM_PASID_ERE, VSVA_STAGE_FS, 0, VA4);
	f->req.access = VSVA_PERM_R;
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	KUNIT_EXPECT_FALSE(test, f->res.perm & VSVA_PERM_X);
}

struct canon_case {
	const char *desc;
	u8 levels;
	u64 addr;
	u8 fault;
};

static const struct canon_case fs_canon[] = {
	/* 4-level: bits 63:47 must equal bit 47 */
	{ "4-level bit 47 only", 4, 0x0000800000000000ULL, VTD_FR_SM_NONCANONICAL },
	{ "4-level bit 63 only", 4, 0x8000000000000000ULL, VTD_FR_SM_NONCANONICAL },
	/* canonical high half: PML4 index 256 is not present */
	{ "4-level high half", 4, 0xffff800000000000ULL, VTD_FR_SM_FS_NOT_PRESENT },
	/* 5-level: bits 63:56 must equal bit 56 */
	{ "5-level bit 57", 5, 0x0200000000000000ULL, VTD_FR_SM_NONCANONICAL },
	{ "5-level bit 47 is fine", 5, 0x0000800000000000ULL, VTD_FR_SM_FS_NOT_PRESENT },
};
KUNIT_ARRAY_PARAM_DESC(fs_canon, fs_canon, desc);

static void fs_canonical(struct kunit *test)
{
	const struct canon_case *p = test->param_value;
	struct pt_fx *f = fx_new(test, VSVA_WALK_FS);

	build_fs(f);
	f->cfg.fs.levels = p->levels;
	f->cfg.fs.fsptptr = p->levels == 5 ? 0x0f000 : 0x10000;
	f->req.addr = p->addr;
	KUNIT_EXPECT_EQ(test, walk(f), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->res.fault, p->fault);
	KUNIT_EXPECT_EQ(test, f->res.reads,
			p->fault == VTD_FR_SM_NONCANONICAL ? 0u : 1u);
}

static void fs_root_access_error(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_FS);

	build_fs(f);
	f->cfg.fs.fsptptr = 0x100000;	/* below HAW but no memory there */
	expect_fault(test, f, VTD_FR_SM_FS_ROOT_ACCESS, VSVA_STAGE_FS, 4, VA4);
	f->cfg.fs.fsptptr = 0x0000400000010000ULL;	/* beyond HAW 46 */
	expect_fault(test, f, VTD_FR_SM_FS_ROOT_ACCESS, VSVA_STAGE_FS, 4, VA4);
	KUNIT_EXPECT_EQ(test, f->res.reads, 0u);
}

static void fs_table_access_error(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_FS);

	build_fs(f);
	pt_set(f, 0x12008, 0x0000000000200007ULL);	/* PD[1] -> 0x200000: no memory */
	expect_fault(test, f, VTD_FR_SM_FS_ACCESS, VSVA_STAGE_FS, 1, VA4);
	KUNIT_EXPECT_EQ(test, f->res.reads, 3u);
}

static void fs_dirty_on_write(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_FS);

	build_fs(f);
	f->req.access = VSVA_PERM_W;
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	/* leaf gets A | D (0x60), upper levels only A (0x20) */
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x13008), 0x0000000000abc067ULL);
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x12008), 0x0000000000013027ULL);
	KUNIT_EXPECT_TRUE(test, f->res.flags & VSVA_TLB_DIRTY);
	/* again: nothing left to set */
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.ad_writes, 0u);
	KUNIT_EXPECT_EQ(test, f->res.reads, 4u);
}

static void fs_dirty_on_2m_leaf(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_FS);

	build_fs(f);
	pt_set(f, 0x12008, 0x0000000000600087ULL);	/* 2M leaf */
	f->req.access = VSVA_PERM_W;
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x12008), 0x00000000006000e7ULL); /* | A | D */
	KUNIT_EXPECT_EQ(test, f->res.ad_writes, 3u);
}

static void fs_ad_already_set(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_FS);

	build_fs(f);
	pt_set(f, 0x10008, 0x0000000000011027ULL);
	pt_set(f, 0x11008, 0x0000000000012027ULL);
	pt_set(f, 0x12008, 0x0000000000013027ULL);
	pt_set(f, 0x13008, 0x0000000000abc067ULL);	/* A | D already */
	f->req.access = VSVA_PERM_W;
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.ad_writes, 0u);
	KUNIT_EXPECT_EQ(test, f->fm.cmpxchgs, 0ULL);
}

static void fs_eafe(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_FS);

	build_fs(f);
	pt_set(f, 0x10008, 0x0000000000011027ULL);	/* A set, EA (bit 10) clear */
	f->cfg.fs.eafe = true;
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	/* A | EA = 0x420 in every entry, including the one that had A */
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x10008), 0x0000000000011427ULL);
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x13008), 0x0000000000abc427ULL);
	KUNIT_EXPECT_EQ(test, f->res.ad_writes, 4u);
	/* without EAFE, EA is left alone */
	build_fs(f);
	f->cfg.fs.eafe = false;
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x13008), 0x0000000000abc027ULL);
}

static void fs_global(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_FS);

	build_fs(f);
	pt_set(f, 0x13008, 0x0000000000abc107ULL);	/* G (bit 8) */
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	KUNIT_EXPECT_TRUE(test, f->res.flags & VSVA_TLB_GLOBAL);
}

static void fs_trace_order(struct kunit *test)
{
	static const u64 want[] = { 0x10008, 0x11008, 0x12008, 0x13008 };
	struct pt_fx *f = fx_new(test, VSVA_WALK_FS);
	u32 i;

	build_fs(f);
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	/* 4 reads, then 4 A updates */
	KUNIT_ASSERT_EQ(test, f->nref, 8u);
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, f->ref[i].addr, want[i]);
		KUNIT_EXPECT_EQ(test, f->ref[i].level, 4 - i);
		KUNIT_EXPECT_EQ(test, f->ref[i].kind, VSVA_REF_READ);
		KUNIT_EXPECT_EQ(test, f->ref[4 + i].kind, VSVA_REF_AD);
		KUNIT_EXPECT_EQ(test, f->ref[4 + i].addr, want[i]);
	}
}

static void walk_bad_config(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_FS);

	f->cfg.fs.levels = 3;
	KUNIT_EXPECT_EQ(test, walk(f), -EINVAL);
	f->cfg.fs.levels = 4;
	f->cfg.mode = 7;
	KUNIT_EXPECT_EQ(test, walk(f), -EINVAL);
	f->cfg.mode = VSVA_WALK_SS;
	f->cfg.ss.levels = 6;
	KUNIT_EXPECT_EQ(test, walk(f), -EINVAL);
}

/* ------------------------------------------------------------------ */
/* Second stage                                                       */
/* ------------------------------------------------------------------ */

static const struct size_case ss_sizes[] = {
	/* GPA3 = VA4 & (2^39 - 1) = 0x40201123, root SS-PDPT 0x21000 */
	{ "3-level 4K", 3, 12, 3, 0xabc123ULL },
	{ "3-level 2M", 3, 21, 2, 0x601123ULL },
	{ "3-level 1G", 3, 30, 1, 0x80201123ULL },
	{ "4-level 4K", 4, 12, 4, 0xabc123ULL },
	{ "4-level 2M", 4, 21, 3, 0x601123ULL },
	{ "4-level 1G", 4, 30, 2, 0x80201123ULL },
	{ "5-level 4K", 5, 12, 5, 0xabc123ULL },
	{ "5-level 2M", 5, 21, 4, 0x601123ULL },
	{ "5-level 1G", 5, 30, 3, 0x80201123ULL },
};
KUNIT_ARRAY_PARAM_DESC(ss_sizes, ss_sizes, desc);

static void ss_set_levels(struct pt_fx *f, u8 levels)
{
	static const u64 root[] = { 0, 0, 0, 0x21000, 0x20000, 0x1f000 };
	static const u64 gpa[] = { 0, 0, 0, 0x40201123ULL, VA4, VA5 };

	f->cfg.ss.levels = levels;
	f->cfg.ss.ssptptr = root[levels];
	f->req.addr = gpa[levels];
}

static void ss_page_sizes(struct kunit *test)
{
	const struct size_case *p = test->param_value;
	struct pt_fx *f = fx_new(test, VSVA_WALK_SS);

	build_ss(f);
	if (p->size_lg2 == 21)
		pt_set(f, 0x22008, 0x0000000000600083ULL);	/* SS-PD[1]: 2M 0x600000, PS|R|W */
	if (p->size_lg2 == 30)
		pt_set(f, 0x21008, 0x0000000080000083ULL);	/* SS-PDPT[1]: 1G 0x80000000 */
	ss_set_levels(f, p->levels);
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.oaddr, p->oaddr);
	KUNIT_EXPECT_EQ(test, f->res.size_lg2, p->size_lg2);
	KUNIT_EXPECT_EQ(test, f->res.reads, p->reads);
	KUNIT_EXPECT_EQ(test, f->res.ad_writes, 0u);	/* SSADE = 0 */
	KUNIT_EXPECT_EQ(test, f->res.perm, VSVA_PERM_R | VSVA_PERM_W | VSVA_PERM_X);
}

static const struct entry_case ss_not_present[] = {
	/* R = W = 0 is not present, whatever X says (0x4) */
	{ "SS-PML5E", 0x1f008, 0x0000000000020004ULL, 5, OPT_FIVE },
	{ "SS-PML4E", 0x20008, 0x0000000000021000ULL, 4, 0 },
	{ "SS-PDPE",  0x21008, 0x0000000000022004ULL, 3, 0 },
	{ "SS-PDE",   0x22008, 0x0000000000000000ULL, 2, 0 },
	{ "SS-PTE",   0x23008, 0x0000000000abc000ULL, 1, 0 },
};
KUNIT_ARRAY_PARAM_DESC(ss_not_present, ss_not_present, desc);

static void ss_not_present_at_level(struct kunit *test)
{
	const struct entry_case *p = test->param_value;
	struct pt_fx *f = fx_new(test, VSVA_WALK_SS);

	build_ss(f);
	pt_set(f, p->addr, p->val);
	ss_set_levels(f, (p->opt & OPT_FIVE) ? 5 : 4);
	f->cfg.ss.ssade = true;
	expect_fault(test, f, VTD_FR_SM_SS_NOT_PRESENT, VSVA_STAGE_SS,
		     p->level, f->req.addr);
	KUNIT_EXPECT_EQ(test, f->fm.cmpxchgs, 0ULL);
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x23008) & 0x100, 0ULL);	/* no SS A */
}

static const struct entry_case ss_reserved[] = {
	{ "SS-PML5E PS", 0x1f008, 0x0000000000020083ULL, 5, OPT_FIVE },
	{ "SS-PML4E PS", 0x20008, 0x0000000000021083ULL, 4, 0 },
	/* SNP (bit 11, 0x800) reserved in a non-leaf entry */
	{ "SS-PDPE SNP", 0x21008, 0x0000000000022803ULL, 3, 0 },
	/* ... and in a leaf when ECAP.SC = 0 */
	{ "SS-PTE SNP without SC", 0x23008, 0x0000000000abc803ULL, 1, 0 },
	/* TM (bit 62) reserved in a leaf when ECAP.DT = 0 */
	{ "SS-PTE TM without DT", 0x23008, 0x4000000000abc003ULL, 1, 0 },
	{ "SS-PDE TM (non-leaf)", 0x22008, 0x4000000000023003ULL, 2, 0 },
	/* HAW 46: bit 46 */
	{ "SS-PML4E addr >= HAW", 0x20008, 0x0000400000021003ULL, 4, 0 },
	{ "SS-PTE addr >= HAW", 0x23008, 0x0000400000abc003ULL, 1, 0 },
	/* 2M leaf: bits 20:12 reserved; bit 12 = 0x1000 */
	{ "SS 2M bit 12", 0x22008, 0x0000000000601083ULL, 2, 0 },
	/* 1G leaf: bits 29:12 reserved; bit 29 = 0x20000000 */
	{ "SS 1G bit 29", 0x21008, 0x00000000a0000083ULL, 3, 0 },
};
KUNIT_ARRAY_PARAM_DESC(ss_reserved, ss_reserved, desc);

static void ss_reserved_at_level(struct kunit *test)
{
	const struct entry_case *p = test->param_value;
	struct pt_fx *f = fx_new(test, VSVA_WALK_SS);

	build_ss(f);
	pt_set(f, p->addr, p->val);
	ss_set_levels(f, (p->opt & OPT_FIVE) ? 5 : 4);
	expect_fault(test, f, VTD_FR_SM_SS_RSVD, VSVA_STAGE_SS, p->level,
		     f->req.addr);
}

static void ss_snp_tm_allowed(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_SS);

	build_ss(f);
	pt_set(f, 0x23008, 0x4000000000abc803ULL);	/* SNP | TM in the leaf */
	f->cfg.sc = true;
	f->cfg.dt = true;
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	/* bits 63 and 61:52 are ignored */
	pt_set(f, 0x23008, 0xbff0000000abc003ULL);
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.oaddr, 0xabc123ULL);
}

static void ss_permissions(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_SS);

	build_ss(f);
	pt_set(f, 0x22008, 0x0000000000023002ULL);	/* SS-PDE: W only */
	expect_fault(test, f, VTD_FR_SM_NO_READ, VSVA_STAGE_SS, 1, VA4);
	f->req.access = VSVA_PERM_W;
	KUNIT_EXPECT_EQ(test, walk(f), 0);

	pt_set(f, 0x22008, 0x0000000000023003ULL);
	pt_set(f, 0x23008, 0x0000000000abc001ULL);	/* SS-PTE: R only */
	expect_fault(test, f, VTD_FR_SM_NO_WRITE, VSVA_STAGE_SS, 1, VA4);
	f->req.access = VSVA_PERM_R;
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.perm, VSVA_PERM_R | VSVA_PERM_X);
}

static void ss_execute(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_SS);

	build_ss(f);
	f->req.access = VSVA_PERM_X;
	/* SSEE = 0: X ignored, execute needs R */
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	/* SSEE = 1: X (bit 2) needed on every level */
	f->cfg.ss.ssee = true;
	expect_fault(test, f, VTD_FR_SM_NO_EXEC, VSVA_STAGE_SS, 1, VA4);
	pt_set(f, 0x20008, 0x0000000000021007ULL);	/* R|W|X */
	pt_set(f, 0x21008, 0x0000000000022007ULL);
	pt_set(f, 0x22008, 0x0000000000023007ULL);
	pt_set(f, 0x23008, 0x0000000000abc007ULL);
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	KUNIT_EXPECT_TRUE(test, f->res.perm & VSVA_PERM_X);
}

static void ss_beyond_aw(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_SS);

	build_ss(f);
	f->req.addr = 0x0001000000000000ULL;	/* 2^48, AW = 48 */
	expect_fault(test, f, VTD_FR_SM_ADDR_BEYOND_MAX, VSVA_STAGE_SS, 0,
		     0x0001000000000000ULL);
	ss_set_levels(f, 3);
	f->req.addr = 0x0000008000000000ULL;	/* 2^39, AW = 39 */
	expect_fault(test, f, VTD_FR_SM_ADDR_BEYOND_MAX, VSVA_STAGE_SS, 0,
		     0x0000008000000000ULL);
	KUNIT_EXPECT_EQ(test, f->res.reads, 0u);
}

static void ss_ptr_invalid(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_SS);

	build_ss(f);
	f->cfg.ss.ssptptr = 0x0000400000020000ULL;	/* beyond HAW 46 */
	expect_fault(test, f, VTD_FR_SM_SS_PTR_INVALID, VSVA_STAGE_SS, 0, VA4);
	f->cfg.ss.ssptptr = 0x100000;	/* no memory */
	expect_fault(test, f, VTD_FR_SM_SS_ACCESS, VSVA_STAGE_SS, 4, VA4);
}

static void ss_accessed_dirty(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_SS);

	build_ss(f);
	f->cfg.ss.ssade = true;
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	/* A = bit 8 (0x100) on every level, no D on a read */
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x20008), 0x0000000000021103ULL);
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x23008), 0x0000000000abc103ULL);
	KUNIT_EXPECT_EQ(test, f->res.ad_writes, 4u);
	KUNIT_EXPECT_FALSE(test, f->res.flags & VSVA_TLB_DIRTY);
	f->req.access = VSVA_PERM_W;
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	/* D = bit 9 (0x200) in the leaf */
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x23008), 0x0000000000abc303ULL);
	KUNIT_EXPECT_EQ(test, f->res.ad_writes, 1u);
	KUNIT_EXPECT_TRUE(test, f->res.flags & VSVA_TLB_DIRTY);
}

static void ss_no_ad_without_ssade(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_SS);

	build_ss(f);
	f->req.access = VSVA_PERM_W;
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x23008), 0x0000000000abc003ULL);
	KUNIT_EXPECT_EQ(test, f->fm.cmpxchgs, 0ULL);
	KUNIT_EXPECT_TRUE(test, f->res.flags & VSVA_TLB_DIRTY);
}

/* ------------------------------------------------------------------ */
/* Nested                                                             */
/* ------------------------------------------------------------------ */

static void nested_24_references(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_NESTED);

	pt_fx_build_nested(f);
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	/* 4 FS tables x (4 SS reads + 1 FS read) + 4 SS reads for the GPA */
	KUNIT_EXPECT_EQ(test, f->res.reads, 24u);
	KUNIT_EXPECT_EQ(test, f->fm.reads, 24ULL);
	/* GPA 0x5000 | 0x123, HPA 0x45000 | 0x123 */
	KUNIT_EXPECT_EQ(test, f->res.gpa, 0x5123ULL);
	KUNIT_EXPECT_EQ(test, f->res.oaddr, 0x45123ULL);
	KUNIT_EXPECT_EQ(test, f->res.size_lg2, 12);
	KUNIT_EXPECT_TRUE(test, f->res.flags & VSVA_TLB_NESTED_GPA);
	/* A set in the 4 FS entries only (SSADE = 0) */
	KUNIT_EXPECT_EQ(test, f->res.ad_writes, 4u);
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x41008), 0x0000000000002027ULL);
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x44008), 0x0000000000005027ULL);
}

static void nested_reference_order(struct kunit *test)
{
	/* SS walk of each FS table's GPA, then the FS entry, then the GPA. */
	static const struct { u64 addr; u8 stage, level, for_fs; } want[24] = {
		{ 0x20000, VSVA_STAGE_SS, 4, 4 }, { 0x21000, VSVA_STAGE_SS, 3, 4 },
		{ 0x22000, VSVA_STAGE_SS, 2, 4 }, { 0x23008, VSVA_STAGE_SS, 1, 4 },
		{ 0x41008, VSVA_STAGE_FS, 4, 0 },
		{ 0x20000, VSVA_STAGE_SS, 4, 3 }, { 0x21000, VSVA_STAGE_SS, 3, 3 },
		{ 0x22000, VSVA_STAGE_SS, 2, 3 }, { 0x23010, VSVA_STAGE_SS, 1, 3 },
		{ 0x42008, VSVA_STAGE_FS, 3, 0 },
		{ 0x20000, VSVA_STAGE_SS, 4, 2 }, { 0x21000, VSVA_STAGE_SS, 3, 2 },
		{ 0x22000, VSVA_STAGE_SS, 2, 2 }, { 0x23018, VSVA_STAGE_SS, 1, 2 },
		{ 0x43008, VSVA_STAGE_FS, 2, 0 },
		{ 0x20000, VSVA_STAGE_SS, 4, 1 }, { 0x21000, VSVA_STAGE_SS, 3, 1 },
		{ 0x22000, VSVA_STAGE_SS, 2, 1 }, { 0x23020, VSVA_STAGE_SS, 1, 1 },
		{ 0x44008, VSVA_STAGE_FS, 1, 0 },
		{ 0x20000, VSVA_STAGE_SS, 4, 0 }, { 0x21000, VSVA_STAGE_SS, 3, 0 },
		{ 0x22000, VSVA_STAGE_SS, 2, 0 }, { 0x23028, VSVA_STAGE_SS, 1, 0 },
	};
	struct pt_fx *f = fx_new(test, VSVA_WALK_NESTED);
	u32 i;

	pt_fx_build_nested(f);
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	KUNIT_ASSERT_EQ(test, f->nref, 24u + 4u);	/* + 4 A updates */
	for (i = 0; i < 24; i++) {
		KUNIT_EXPECT_EQ_MSG(test, f->ref[i].addr, want[i].addr, "ref %u", i);
		KUNIT_EXPECT_EQ_MSG(test, f->ref[i].stage, want[i].stage, "ref %u", i);
		KUNIT_EXPECT_EQ_MSG(test, f->ref[i].level, want[i].level, "ref %u", i);
		KUNIT_EXPECT_EQ(test, f->ref[i].kind, VSVA_REF_READ);
		if (want[i].stage == VSVA_STAGE_SS)
			KUNIT_EXPECT_EQ_MSG(test, f->ref[i].for_fs_level,
					    want[i].for_fs, "ref %u", i);
	}
	/* the SS walk of the final GPA translates 0x5123 */
	KUNIT_EXPECT_EQ(test, f->ref[20].in_addr, 0x5123ULL);
	KUNIT_EXPECT_EQ(test, f->ref[4].in_addr, VA4);
	for (i = 24; i < 28; i++)
		KUNIT_EXPECT_EQ(test, f->ref[i].kind, VSVA_REF_AD);
}

static void nested_5_over_5(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_NESTED);

	pt_fx_build_nested(f);
	pt_set(f, 0x1f000, 0x0000000000020003ULL);	/* SS-PML5[0] -> SS-PML4 0x20000 */
	pt_set(f, 0x23030, 0x0000000000046003ULL);	/* GPA 0x6000 -> HPA 0x46000 */
	pt_set(f, 0x46008, 0x0000000000001007ULL);	/* FS PML5[1] -> GPA 0x1000 */
	f->cfg.ss.levels = 5;
	f->cfg.ss.ssptptr = 0x1f000;
	f->cfg.fs.levels = 5;
	f->cfg.fs.fsptptr = 0x6000;
	f->req.addr = VA5;
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	/* 5 FS tables x (5 + 1) + 5 = 35 */
	KUNIT_EXPECT_EQ(test, f->res.reads, 35u);
	KUNIT_EXPECT_EQ(test, f->res.oaddr, 0x45123ULL);
}

struct nested_size_case {
	const char *desc;
	bool fs_2m, ss_2m;
	u8 size_lg2;
	u32 reads;
	u64 oaddr;
};

static const struct nested_size_case nested_sizes[] = {
	/* FS PT[1] -> GPA 0x200000; SS-PD[1] 2M -> HPA 0x600000: min(4K, 2M) */
	{ "FS 4K over SS 2M", false, true, 12, 4 * 5 + 3, 0x600123ULL },
	/* FS PD[1] 2M -> GPA 0x200000 | 0x1123; SS-PD[1] -> SS-PT2[1] 4K */
	{ "FS 2M over SS 4K", true, false, 12, 3 * 5 + 4, 0x47123ULL },
	/* both 2M: 0x600000 | 0x1123 */
	{ "FS 2M over SS 2M", true, true, 21, 3 * 5 + 3, 0x601123ULL },
};
KUNIT_ARRAY_PARAM_DESC(nested_sizes, nested_sizes, desc);

static void nested_page_sizes(struct kunit *test)
{
	const struct nested_size_case *p = test->param_value;
	struct pt_fx *f = fx_new(test, VSVA_WALK_NESTED);

	pt_fx_build_nested(f);
	if (p->fs_2m)
		pt_set(f, 0x43008, 0x0000000000200087ULL);	/* FS PD[1]: 2M at GPA 0x200000 */
	else
		pt_set(f, 0x44008, 0x0000000000200007ULL);	/* FS PT[1] -> GPA 0x200000 */
	if (p->ss_2m) {
		pt_set(f, 0x22008, 0x0000000000600083ULL);	/* SS-PD[1]: 2M at HPA 0x600000 */
	} else {
		pt_set(f, 0x22008, 0x0000000000024003ULL);	/* SS-PD[1] -> SS-PT2 0x24000 */
		pt_set(f, 0x24008, 0x0000000000047003ULL);	/* GPA 0x201000 -> 0x47000 */
	}
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	KUNIT_EXPECT_EQ(test, f->res.size_lg2, p->size_lg2);
	KUNIT_EXPECT_EQ(test, f->res.reads, p->reads);
	KUNIT_EXPECT_EQ(test, f->res.oaddr, p->oaddr);
}

static void nested_ss_fault_on_fs_table(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_NESTED);

	pt_fx_build_nested(f);
	pt_set(f, 0x23010, 0);	/* GPA 0x2000 (FS PDPT) not mapped */
	/* an SS fault, reported against the GPA of the table */
	expect_fault(test, f, VTD_FR_SM_SS_NOT_PRESENT, VSVA_STAGE_SS, 1,
		     0x2000);
	KUNIT_EXPECT_EQ(test, f->res.reads, 5u + 4u);
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x41008), 0x0000000000002007ULL);
}

static void nested_ss_rsvd_on_fs_table(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_NESTED);

	pt_fx_build_nested(f);
	pt_set(f, 0x23018, 0x0000000000043803ULL);	/* SNP in the SS-PTE for GPA 0x3000 */
	expect_fault(test, f, VTD_FR_SM_SS_RSVD, VSVA_STAGE_SS, 1, 0x3000);
}

static void nested_ss_read_denied_root(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_NESTED);

	pt_fx_build_nested(f);
	pt_set(f, 0x23008, 0x0000000000041002ULL);	/* GPA 0x1000 (FS root): W only */
	expect_fault(test, f, VTD_FR_SM_FS_NESTED_ROOT_READ, VSVA_STAGE_SS, 1,
		     0x1000);
	KUNIT_EXPECT_EQ(test, f->res.reads, 4u);
}

static void nested_ss_read_denied_table(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_NESTED);

	pt_fx_build_nested(f);
	pt_set(f, 0x23018, 0x0000000000043002ULL);	/* GPA 0x3000 (FS PD): W only */
	expect_fault(test, f, VTD_FR_SM_FS_NESTED_READ, VSVA_STAGE_SS, 1,
		     0x3000);
}

static void nested_ss_write_denied_for_ad(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_NESTED);

	pt_fx_build_nested(f);
	pt_set(f, 0x23020, 0x0000000000044001ULL);	/* GPA 0x4000 (FS PT): R only */
	/* setting A in FS PT[1] (GPA 0x4000 + 8) needs SS write permission */
	expect_fault(test, f, VTD_FR_SM_FS_NESTED_WRITE, VSVA_STAGE_SS, 1,
		     0x4008);
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x41008), 0x0000000000002007ULL);
	/* with A already set a read needs no write */
	pt_set(f, 0x44008, 0x0000000000005027ULL);
	KUNIT_EXPECT_EQ(test, walk(f), 0);
	/* but a write must set D: fault again */
	f->req.access = VSVA_PERM_W;
	expect_fault(test, f, VTD_FR_SM_FS_NESTED_WRITE, VSVA_STAGE_SS, 1,
		     0x4008);
}

static void nested_final_gpa_faults(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_NESTED);

	pt_fx_build_nested(f);
	pt_set(f, 0x23028, 0);	/* data page GPA 0x5000 not mapped */
	expect_fault(test, f, VTD_FR_SM_SS_NOT_PRESENT, VSVA_STAGE_SS, 1,
		     0x5123);
	KUNIT_EXPECT_EQ(test, f->res.reads, 24u);
	/* no FS A bit set although the first stage succeeded */
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x44008), 0x0000000000005007ULL);

	pt_set(f, 0x23028, 0x0000000000045001ULL);	/* R only */
	f->req.access = VSVA_PERM_W;
	expect_fault(test, f, VTD_FR_SM_NO_WRITE, VSVA_STAGE_SS, 1, 0x5123);
	pt_set(f, 0x23028, 0x0000000000045002ULL);	/* W only */
	f->req.access = VSVA_PERM_R;
	expect_fault(test, f, VTD_FR_SM_NO_READ, VSVA_STAGE_SS, 1, 0x5123);
}

static void nested_fs_fault(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_NESTED);

	pt_fx_build_nested(f);
	pt_set(f, 0x43008, 0x0000000000004006ULL);	/* FS PD[1]: P clear */
	/* a first-stage fault, reported against the input address */
	expect_fault(test, f, VTD_FR_SM_FS_NOT_PRESENT, VSVA_STAGE_FS, 2, VA4);
	KUNIT_EXPECT_EQ(test, f->res.reads, 15u);
}

static void nested_gpa_beyond_aw(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_NESTED);

	pt_fx_build_nested(f);
	f->cfg.haw = 52;
	/* FS PT[1] -> GPA 2^49 + 0x5000: allowed by HAW 52, beyond SS AW 48 */
	pt_set(f, 0x44008, 0x0002000000005007ULL);
	expect_fault(test, f, VTD_FR_SM_FS_NESTED_MGAW, VSVA_STAGE_FS, 1, VA4);
	/* a table pointer beyond it too */
	pt_set(f, 0x44008, 0x0000000000005007ULL);
	pt_set(f, 0x42008, 0x0002000000003007ULL);	/* PDPT[1] -> PD at GPA 2^49 + 0x3000 */
	expect_fault(test, f, VTD_FR_SM_FS_NESTED_MGAW, VSVA_STAGE_FS, 2, VA4);
}

static void nested_ssade(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_NESTED);

	pt_fx_build_nested(f);
	f->cfg.ss.ssade = true;
	f->req.access = VSVA_PERM_W;
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	/*
	 * SS: A on SS-PML4[0], SS-PDPT[0], SS-PD[0] and the 5 SS-PTEs; D
	 * (FS A/D writes) on the 4 table pages and the data page.  FS: A on
	 * 4 entries, D on the leaf.  Distinct entries: 3 + 5 + 4 = 12.
	 */
	KUNIT_EXPECT_EQ(test, f->res.ad_writes, 12u);
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x20000), 0x0000000000021103ULL);	/* A */
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x23008), 0x0000000000041303ULL);	/* A|D */
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x23028), 0x0000000000045303ULL);	/* A|D */
	KUNIT_EXPECT_EQ(test, pt_get(f, 0x44008), 0x0000000000005067ULL);	/* A|D */
	KUNIT_EXPECT_TRUE(test, f->res.flags & VSVA_TLB_DIRTY);
}

static void nested_effective_perm(struct kunit *test)
{
	struct pt_fx *f = fx_new(test, VSVA_WALK_NESTED);

	pt_fx_build_nested(f);
	pt_set(f, 0x23028, 0x0000000000045001ULL);	/* data page read-only in SS */
	KUNIT_ASSERT_EQ(test, walk(f), 0);
	/* FS grants RWX, SS only R (X = R with SSEE = 0) */
	KUNIT_EXPECT_EQ(test, f->res.perm, VSVA_PERM_R | VSVA_PERM_X);
	/* supervisor write with WPE = 0 is still refused by the SS */
	f->cfg.fs.sre = true;
	f->req.priv = true;
	f->req.access = VSVA_PERM_W;
	expect_fault(test, f, VTD_FR_SM_NO_WRITE, VSVA_STAGE_SS, 1, 0x5123);
}

static struct kunit_case walk_cases[] = {
	KUNIT_CASE(fs_4k_vector),
	KUNIT_CASE_PARAM(fs_page_sizes, fs_sizes_gen_params),
	KUNIT_CASE_PARAM(fs_not_present_at_level, fs_not_present_gen_params),
	KUNIT_CASE_PARAM(fs_reserved_at_level, fs_reserved_gen_params),
	KUNIT_CASE(fs_ignored_bits),
	KUNIT_CASE(fs_write_read_only_pte),
	KUNIT_CASE(fs_write_read_only_upper),
	KUNIT_CASE(fs_user_to_supervisor_page),
	KUNIT_CASE(fs_supervisor_without_sre),
	KUNIT_CASE(fs_wpe),
	KUNIT_CASE(fs_execute_disable),
	KUNIT_CASE(fs_execute_without_ere),
	KUNIT_CASE_PARAM(fs_canonical, fs_canon_gen_params),
	KUNIT_CASE(fs_root_access_error),
	KUNIT_CASE(fs_table_access_error),
	KUNIT_CASE(fs_dirty_on_write),
	KUNIT_CASE(fs_dirty_on_2m_leaf),
	KUNIT_CASE(fs_ad_already_set),
	KUNIT_CASE(fs_eafe),
	KUNIT_CASE(fs_global),
	KUNIT_CASE(fs_trace_order),
	KUNIT_CASE(walk_bad_config),
	KUNIT_CASE_PARAM(ss_page_sizes, ss_sizes_gen_params),
	KUNIT_CASE_PARAM(ss_not_present_at_level, ss_not_present_gen_params),
	KUNIT_CASE_PARAM(ss_reserved_at_level, ss_reserved_gen_params),
	KUNIT_CASE(ss_snp_tm_allowed),
	KUNIT_CASE(ss_permissions),
	KUNIT_CASE(ss_execute),
	KUNIT_CASE(ss_beyond_aw),
	KUNIT_CASE(ss_ptr_invalid),
	KUNIT_CASE(ss_accessed_dirty),
	KUNIT_CASE(ss_no_ad_without_ssade),
	KUNIT_CASE(nested_24_references),
	KUNIT_CASE(nested_reference_order),
	KUNIT_CASE(nested_5_over_5),
	KUNIT_CASE_PARAM(nested_page_sizes, nested_sizes_gen_params),
	KUNIT_CASE(nested_ss_fault_on_fs_table),
	KUNIT_CASE(nested_ss_rsvd_on_fs_table),
	KUNIT_CASE(nested_ss_read_denied_root),
	KUNIT_CASE(nested_ss_read_denied_table),
	KUNIT_CASE(nested_ss_write_denied_for_ad),
	KUNIT_CASE(nested_final_gpa_faults),
	KUNIT_CASE(nested_fs_fault),
	KUNIT_CASE(nested_gpa_beyond_aw),
	KUNIT_CASE(nested_ssade),
	KUNIT_CASE(nested_effective_perm),
	{}
};

static struct kunit_suite walk_suite = {
	.name = "vsva-walk",
	.test_cases = walk_cases,
};

kunit_test_suites(&walk_suite);
