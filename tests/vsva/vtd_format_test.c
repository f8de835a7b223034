// SPDX-License-Identifier: GPL-2.0
/*
 * Spec vectors for the VT-d register and table formats of uapi/nestmed.
 * Every expected value is worked out by hand from the bit ranges of VT-d 3.x
 * chapters 9 and 10; the arithmetic is in the comments.
 */
#include <kunit/test.h>

#include <nestmed/vtd.h>
#include <nestmed/vtd_fault.h>

#include "vtd_fields.h"

/*
 * CAP read by a real Linux 6.12 guest under QEMU 7.2 intel-iommu with
 * caching-mode=on,x-scalable-mode=on (../shared/refs/qemu-7.2-guest.md):
 * cap = 0x00d2008c22260286.
 *   bits 2:0   = 0x286 & 7          = 6  (ND: 16-bit domain ids)
 *   bit 7      = (0x86 >> 7) & 1    = 1  (CM)
 *   bits 12:8  = (0x0286 >> 8) & 31 = 2  (SAGAW: 39-bit only)
 *   bits 21:16 = 0x26               = 38 (MGAW: 39 bits)
 *   bits 33:24 = 0x022              = 34 (FRO: 34 * 16 = 0x220)
 *   bits 37:34 = 0x348023 & 15      = 3  (SLLPS: 2M and 1G)
 *   bit 39     = 1                       (PSI)
 *   bits 47:40 = 0x00                    (NFR: one register)
 *   bits 53:48 = 0xd2 & 63          = 18 (MAMV)
 *   bits 55:54 = 0xd2 >> 6          = 3  (DRD, DWD)
 *   bits 63:56 = 0                       (no FL1GP, no FL5LP)
 */
static void cap_qemu72_vector(struct kunit *test)
{
	const u64 cap = 0x00d2008c22260286ULL;

	KUNIT_EXPECT_EQ(test, vtd_cap_nd(cap), 6ULL);
	KUNIT_EXPECT_EQ(test, vtd_cap_did_bits(cap), 16U);
	KUNIT_EXPECT_EQ(test, vtd_cap_cm(cap), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_cap_sagaw(cap), (u64)VTD_SAGAW_39);
	KUNIT_EXPECT_EQ(test, vtd_cap_mgaw_bits(cap), 39U);
	KUNIT_EXPECT_EQ(test, vtd_cap_frcd_offset(cap), 0x220U);
	KUNIT_EXPECT_EQ(test, vtd_cap_sllps(cap), 3ULL);
	KUNIT_EXPECT_EQ(test, vtd_cap_psi(cap), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_cap_nfr_count(cap), 1U);
	KUNIT_EXPECT_EQ(test, vtd_cap_mamv(cap), 18ULL);
	KUNIT_EXPECT_EQ(test, vtd_cap_dwd(cap), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_cap_drd(cap), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_cap_fl1gp(cap), 0ULL);
	KUNIT_EXPECT_EQ(test, vtd_cap_fl5lp(cap), 0ULL);
	KUNIT_EXPECT_EQ(test, vtd_cap_rwbf(cap), 0ULL);
}

/*
 * ECAP from the same guest: ecap = 0x0000480080f00f4a.
 *   0x4a = 0100 1010: QI (bit 1), IR (bit 3), PT (bit 6); not C, DT, EIM, SC
 *   bits 17:8  = 0x00f  -> IRO 15 (IOTLB registers at 0xf0)
 *   bits 23:20 = 0xf    -> MHMV 15
 *   bits 31:24 = 0x80   -> SRS (bit 31)
 *   bits 39:32 = 0x00   -> no NWFS/EAFS, PSS 0
 *   bits 47:40 = 0x48 = 0100 1000 -> SMTS (43), SLTS (46); no PASID/FLTS
 */
static void ecap_qemu72_vector(struct kunit *test)
{
	const u64 ecap = 0x0000480080f00f4aULL;

	KUNIT_EXPECT_EQ(test, vtd_ecap_c(ecap), 0ULL);
	KUNIT_EXPECT_EQ(test, vtd_ecap_qi(ecap), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_ecap_dt(ecap), 0ULL);
	KUNIT_EXPECT_EQ(test, vtd_ecap_ir(ecap), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_ecap_pt(ecap), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_ecap_sc(ecap), 0ULL);
	KUNIT_EXPECT_EQ(test, vtd_ecap_iotlb_offset(ecap), 0xf0U);
	KUNIT_EXPECT_EQ(test, vtd_ecap_mhmv(ecap), 15ULL);
	KUNIT_EXPECT_EQ(test, vtd_ecap_srs(ecap), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_ecap_smts(ecap), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_ecap_slts(ecap), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_ecap_flts(ecap), 0ULL);
	KUNIT_EXPECT_EQ(test, vtd_ecap_nest(ecap), 0ULL);
	KUNIT_EXPECT_EQ(test, vtd_ecap_prs(ecap), 0ULL);
	KUNIT_EXPECT_EQ(test, vtd_ecap_pasid(ecap), 0ULL);
	KUNIT_EXPECT_EQ(test, vtd_ecap_pasid_bits(ecap), 0U);
}

/*
 * A modern scalable-mode part, built field by field; expected raw value:
 *   PASID (40) | PSS=19 (39:35 -> 19 << 35 = 0x98_0000_0000)
 *   | SMTS (43) | NEST (26) | PRS (29) | PDS (42) | FLTS (47) | SLTS (46)
 *   = 0x0000_0100_0000_0000 + 0x98_0000_0000 + 0x0800_0000_0000
 *   + 0x0400_0000 + 0x2000_0000 + 0x0400_0000_0000
 *   + 0x8000_0000_0000 + 0x4000_0000_0000
 *   = 0x0000_cd98_2400_0000
 */
static void ecap_build_vector(struct kunit *test)
{
	u64 e = 0;

	e = vtd_ecap_set_pasid(e, 1);
	e = vtd_ecap_set_pss(e, 19);
	e = vtd_ecap_set_smts(e, 1);
	e = vtd_ecap_set_nest(e, 1);
	e = vtd_ecap_set_prs(e, 1);
	e = vtd_ecap_set_pds(e, 1);
	e = vtd_ecap_set_flts(e, 1);
	e = vtd_ecap_set_slts(e, 1);
	KUNIT_EXPECT_EQ(test, e, 0x0000cd9824000000ULL);
	KUNIT_EXPECT_EQ(test, vtd_ecap_pasid_bits(e), 20U);
	/* The setter masks oversized values to the field. */
	KUNIT_EXPECT_EQ(test, vtd_ecap_set_pss(0, 0x3f), 0x1fULL << 35);
}

/*
 * PASID entry as Linux intel_pasid_setup_first_level() writes it for
 * FLPTR 0x12345000, 4-level, DID 7, AW 2 (48-bit), PWSNP (ECAP.SMPWC):
 *   val[0] = P (bit 0) | AW 2 << 2 | PGTT 1 << 6 = 0x1 | 0x8 | 0x40 = 0x49
 *   val[1] = DID 7 | PWSNP (bit 87 = val[1] bit 23 = 0x800000) = 0x800007
 *   val[2] = FLPTR 0x12345000, FLPM 0, SRE 0
 */
static void pasid_entry_first_stage_vector(struct kunit *test)
{
	struct vtd_pasid_entry pe = { .val = { 0x49, 0x800007, 0x12345000 } };

	KUNIT_EXPECT_EQ(test, vtd_pe_p(&pe), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_pe_fpd(&pe), 0ULL);
	KUNIT_EXPECT_EQ(test, vtd_pe_aw(&pe), 2ULL);
	KUNIT_EXPECT_EQ(test, vtd_aw_levels(vtd_pe_aw(&pe)), 4U);
	KUNIT_EXPECT_EQ(test, vtd_aw_bits(vtd_pe_aw(&pe)), 48U);
	KUNIT_EXPECT_EQ(test, vtd_pe_pgtt(&pe), (u64)VTD_PGTT_FS);
	KUNIT_EXPECT_EQ(test, vtd_pe_did(&pe), 7ULL);
	KUNIT_EXPECT_EQ(test, vtd_pe_pwsnp(&pe), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_pe_pgsnp(&pe), 0ULL);
	KUNIT_EXPECT_EQ(test, vtd_pe_flptptr(&pe), 0x12345000ULL);
	KUNIT_EXPECT_EQ(test, vtd_pe_flpm(&pe), (u64)VTD_FSPM_4LVL);
	KUNIT_EXPECT_EQ(test, vtd_pe_sre(&pe), 0ULL);
	KUNIT_EXPECT_FALSE(test, vtd_pe_rsvd(&pe, 48, false));
}

/*
 * Nested entry as intel_pasid_setup_nested() writes it: SLPTPTR 0x7000,
 * AW 2, PGTT 3, DID 0x42, FLPTR (a GPA) 0x40000000 with FLPM 1 (5-level),
 * SRE, WPE, EAFE:
 *   val[0] = 0x7000 | 1 | 2 << 2 | 3 << 6 = 0x7000 + 0x1 + 0x8 + 0xc0 = 0x70c9
 *   val[1] = 0x42
 *   val[2] = 0x40000000 | SRE (bit 0) | FLPM 1 << 2 | WPE (bit 4) | EAFE (bit 7)
 *          = 0x40000000 + 0x1 + 0x4 + 0x10 + 0x80 = 0x40000095
 */
static void pasid_entry_nested_build(struct kunit *test)
{
	struct vtd_pasid_entry pe = { 0 };

	vtd_pe_set_slptptr(&pe, 0x7000);
	vtd_pe_set_aw(&pe, 2);
	vtd_pe_set_pgtt(&pe, VTD_PGTT_NESTED);
	vtd_pe_set_did(&pe, 0x42);
	vtd_pe_set_flptptr(&pe, 0x40000000);
	vtd_pe_set_flpm(&pe, VTD_FSPM_5LVL);
	vtd_pe_set_sre(&pe, 1);
	vtd_pe_set_wpe(&pe, 1);
	vtd_pe_set_eafe(&pe, 1);
	KUNIT_EXPECT_EQ(test, pe.val[0], 0x70c8ULL);
	vtd_pe_set_present(&pe);
	KUNIT_EXPECT_EQ(test, pe.val[0], 0x70c9ULL);
	KUNIT_EXPECT_EQ(test, pe.val[1], 0x42ULL);
	KUNIT_EXPECT_EQ(test, pe.val[2], 0x40000095ULL);
	vtd_pe_clear_present(&pe);
	KUNIT_EXPECT_EQ(test, pe.val[0], 0x70c8ULL);
}

struct rsvd_case {
	const char *name;
	unsigned int qw;
	unsigned int bit;
	bool rsvd;
};

/* Bits of a PASID entry with HAW 48 and no MTS: reserved or not. */
static const struct rsvd_case pe_rsvd_cases[] = {
	{ "bit10-rsvd", 0, 10, true },
	{ "bit11-rsvd", 0, 11, true },
	{ "bit48-above-haw", 0, 48, true },
	{ "bit63-above-haw", 0, 63, true },
	{ "bit80-rsvd", 1, 16, true },
	{ "bit86-rsvd", 1, 22, true },
	{ "bit89-cd-without-mts", 1, 25, true },
	{ "bit127-pat-without-mts", 1, 63, true },
	{ "bit136-rsvd", 2, 8, true },
	{ "bit139-rsvd", 2, 11, true },
	{ "bit191-above-haw", 2, 63, true },
	{ "bit192-rsvd", 3, 0, true },
	{ "bit511-rsvd", 7, 63, true },
	{ "bit9-slade-defined", 0, 9, false },
	{ "bit5-ssee-defined", 0, 5, false },
	{ "bit47-addr-defined", 0, 47, false },
	{ "bit87-pwsnp-defined", 1, 23, false },
	{ "bit88-pgsnp-defined", 1, 24, false },
	{ "bit129-ere-defined", 2, 1, false },
	{ "bit135-eafe-defined", 2, 7, false },
	{ "bit140-flptptr-defined", 2, 12, false },
};
KUNIT_ARRAY_PARAM_DESC(pe_rsvd, pe_rsvd_cases, name);

static void pasid_entry_rsvd_bits(struct kunit *test)
{
	const struct rsvd_case *c = test->param_value;
	struct vtd_pasid_entry pe = { .val = { 0x49 } };

	pe.val[c->qw] |= BIT_ULL(c->bit);
	KUNIT_EXPECT_EQ(test, vtd_pe_rsvd(&pe, 48, false), c->rsvd);
}

/* With ECAP.MTS the memory-type fields 127:89 are defined. */
static void pasid_entry_mts_fields(struct kunit *test)
{
	struct vtd_pasid_entry pe = { .val = { 0x49, 0xffffffffff800007ULL } };

	KUNIT_EXPECT_TRUE(test, vtd_pe_rsvd(&pe, 48, false));
	KUNIT_EXPECT_FALSE(test, vtd_pe_rsvd(&pe, 48, true));
	/* PAT, bits 127:96 */
	KUNIT_EXPECT_EQ(test, vtd_pe_pat(&pe), 0xffffffffULL);
	/* EMT, bits 93:91 */
	KUNIT_EXPECT_EQ(test, vtd_pe_emt(&pe), 7ULL);
}

/*
 * Scalable-mode context entry as Linux context_entry_set_pasid_table()
 * writes it for 20-bit PASIDs: PASIDDIRPTR 0x55000, PDTS 7 (2^20 PASIDs /
 * 64 per table = 16384 = 2^(7+7) directory entries), P, DTE (bit 2),
 * PRE (bit 4), RID_PASID 0:
 *   val[0] = 0x55000 | PDTS 7 << 9 | 0x10 | 0x4 | 0x1 = 0x55000 + 0xe00 + 0x15
 *          = 0x55e15
 */
static void sm_context_vector(struct kunit *test)
{
	struct vtd_sm_context_entry ce = { .val = { 0x55e15, 0 } };

	KUNIT_EXPECT_EQ(test, vtd_sce_p(&ce), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_sce_fpd(&ce), 0ULL);
	KUNIT_EXPECT_EQ(test, vtd_sce_dte(&ce), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_sce_paside(&ce), 0ULL);
	KUNIT_EXPECT_EQ(test, vtd_sce_pre(&ce), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_sce_pdts(&ce), 7ULL);
	KUNIT_EXPECT_EQ(test, vtd_sce_pasid_dir_entries(&ce), 16384U);
	KUNIT_EXPECT_EQ(test, vtd_sce_pasiddirptr(&ce), 0x55000ULL);
	KUNIT_EXPECT_FALSE(test, vtd_sce_rsvd(&ce, 48, true, false));
	/* bits 8:5 are reserved (QEMU VTD_SM_CONTEXT_ENTRY_RSVD_VAL0 0x1e0) */
	ce.val[0] |= 0x20;
	KUNIT_EXPECT_TRUE(test, vtd_sce_rsvd(&ce, 48, true, false));
	ce.val[0] &= ~0x20ULL;
	/* RID_PASID 0x1234 (bits 83:64) needs ECAP.RPS */
	ce.val[1] = 0x1234;
	KUNIT_EXPECT_EQ(test, vtd_sce_rid_pasid(&ce), 0x1234ULL);
	KUNIT_EXPECT_FALSE(test, vtd_sce_rsvd(&ce, 48, true, false));
	KUNIT_EXPECT_TRUE(test, vtd_sce_rsvd(&ce, 48, false, false));
	/* RID_PRIV bit 84 = val[1] bit 20 needs ECAP.RPRIVS */
	ce.val[1] = BIT_ULL(20);
	KUNIT_EXPECT_TRUE(test, vtd_sce_rsvd(&ce, 48, true, false));
	KUNIT_EXPECT_FALSE(test, vtd_sce_rsvd(&ce, 48, true, true));
	/* bit 85 and up: reserved (QEMU _RSVD_VAL1 0xffffffffffe00000) */
	ce.val[1] = BIT_ULL(21);
	KUNIT_EXPECT_TRUE(test, vtd_sce_rsvd(&ce, 48, true, true));
	ce.val[1] = 0;
	ce.val[3] = 1;
	KUNIT_EXPECT_TRUE(test, vtd_sce_rsvd(&ce, 48, true, true));
}

/*
 * Scalable root entry: lower table 0x3000 present, upper table 0x4000
 * present: val[0] = 0x3001, val[1] = 0x4001.
 */
static void sm_root_vector(struct kunit *test)
{
	struct vtd_root_entry re = { .val = { 0x3001, 0x4001 } };

	KUNIT_EXPECT_EQ(test, vtd_sre_lp(&re), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_sre_lctp(&re), 0x3000ULL);
	KUNIT_EXPECT_EQ(test, vtd_sre_up(&re), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_sre_uctp(&re), 0x4000ULL);
	KUNIT_EXPECT_FALSE(test, vtd_sre_rsvd(&re, 0x00, 48));
	KUNIT_EXPECT_FALSE(test, vtd_sre_rsvd(&re, 0x80, 48));
	re.val[1] |= BIT_ULL(5);	/* bit 69: reserved in the upper half */
	KUNIT_EXPECT_FALSE(test, vtd_sre_rsvd(&re, 0x7f, 48));
	KUNIT_EXPECT_TRUE(test, vtd_sre_rsvd(&re, 0x80, 48));
	/* In legacy mode the whole upper qword is reserved. */
	KUNIT_EXPECT_TRUE(test, vtd_re_rsvd(&re, 48));
	/* The half per devfn: lower serves 0-127, upper 128-255. */
	KUNIT_EXPECT_EQ(test, vtd_sre_ctp(&re, 0x7f), 0x3000ULL);
	KUNIT_EXPECT_EQ(test, vtd_sre_ctp(&re, 0x80), 0x4000ULL);
	re.val[0] = 0;
	KUNIT_EXPECT_FALSE(test, vtd_sre_present(&re, 0x10));
	KUNIT_EXPECT_TRUE(test, vtd_sre_present(&re, 0x90));
	vtd_sre_set_ctp_present(&re, 0x10, 0x5000);
	/* val[0] = 0x5000 | LP */
	KUNIT_EXPECT_EQ(test, re.val[0], 0x5001ULL);
	vtd_sre_set_ctp_present(&re, 0xff, 0x6000);
	/* val[1] keeps bit 69 (set above) and gets UCTP 0x6000 | UP */
	KUNIT_EXPECT_EQ(test, re.val[1], 0x6021ULL);
}

/*
 * Legacy context entry: SSPTPTR 0x9000, TT 0 (multi-level), P, AW 2,
 * DID 0x1234 (bits 87:72): val[0] = 0x9001,
 * val[1] = 2 | 0x1234 << 8 = 0x123402.
 */
static void legacy_context_vector(struct kunit *test)
{
	struct vtd_context_entry ce = { .val = { 0x9001, 0x123402 } };

	KUNIT_EXPECT_EQ(test, vtd_ce_p(&ce), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_ce_tt(&ce), (u64)VTD_CTX_TT_MULTI_LEVEL);
	KUNIT_EXPECT_EQ(test, vtd_ce_ssptptr(&ce), 0x9000ULL);
	KUNIT_EXPECT_EQ(test, vtd_ce_aw(&ce), 2ULL);
	KUNIT_EXPECT_EQ(test, vtd_ce_did(&ce), 0x1234ULL);
	KUNIT_EXPECT_FALSE(test, vtd_ce_rsvd(&ce, 48));
	ce.val[1] |= BIT_ULL(7);	/* bit 71 reserved (QEMU _RSVD_HI 0x80) */
	KUNIT_EXPECT_TRUE(test, vtd_ce_rsvd(&ce, 48));
}

/* PASID directory entry: table 0x8000 present, FPD: 0x8003. */
static void pasid_dir_vector(struct kunit *test)
{
	struct vtd_pasid_dir_entry pde = { .val = { 0x8003 } };

	KUNIT_EXPECT_EQ(test, vtd_pde_p(&pde), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_pde_fpd(&pde), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_pde_smptblptr(&pde), 0x8000ULL);
	KUNIT_EXPECT_FALSE(test, vtd_pde_rsvd(&pde, 48));
	pde.val[0] |= BIT_ULL(2);
	KUNIT_EXPECT_TRUE(test, vtd_pde_rsvd(&pde, 48));
	pde.val[0] = 0x8001 | BIT_ULL(52);
	KUNIT_EXPECT_TRUE(test, vtd_pde_rsvd(&pde, 48));
	KUNIT_EXPECT_FALSE(test, vtd_pde_rsvd(&pde, 57));
}

/*
 * Fault recording register as Linux dmar_fault() decodes it: dword 3 =
 * F (31) | T1 (30) | PV 0x1234 (27:8) | FR 0x71 -> 0xc0123471; dword 2 =
 * PP (31) | SID 0x0810 -> 0x80000810; qword 0 = FI 0xdead000.
 */
static void frcd_vector(struct kunit *test)
{
	struct vtd_frcd fr = { .val = { 0xdead000, 0xc012347180000810ULL } };

	KUNIT_EXPECT_EQ(test, vtd_frcd_fi(&fr), 0xdead000ULL);
	KUNIT_EXPECT_EQ(test, vtd_frcd_sid(&fr), 0x810ULL);
	KUNIT_EXPECT_EQ(test, vtd_frcd_pp(&fr), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_frcd_fr(&fr), (u64)VTD_FR_SM_FS_NOT_PRESENT);
	KUNIT_EXPECT_EQ(test, vtd_frcd_pv(&fr), 0x1234ULL);
	KUNIT_EXPECT_EQ(test, vtd_frcd_t1(&fr), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_frcd_f(&fr), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_frcd_t2(&fr), 0ULL);
}

/* Register fields with addresses keep the address in place. */
static void register_vectors(struct kunit *test)
{
	/* RTADDR: table 0x1234000, TTM 01b (bit 10) = 0x1234400 */
	KUNIT_EXPECT_EQ(test, vtd_rtaddr_ttm(0x1234400), (u64)VTD_TTM_SCALABLE);
	KUNIT_EXPECT_EQ(test, vtd_rtaddr_rta(0x1234400), 0x1234000ULL);
	/* IQA: base 0x50000, DW (bit 11), QS 0: 0x50800 */
	KUNIT_EXPECT_EQ(test, vtd_iqa_iqa(0x50800), 0x50000ULL);
	KUNIT_EXPECT_EQ(test, vtd_iqa_dw(0x50800), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_iqa_qs(0x50800), 0ULL);
	/* PQA as Linux writes it: base | PRQ_ORDER 4 */
	KUNIT_EXPECT_EQ(test, vtd_pqa_pqs(0x60004), 4ULL);
	KUNIT_EXPECT_EQ(test, vtd_pqa_pqa(0x60004), 0x60000ULL);
	/* CCMD: ICC | CIRG 3 (device) | FM 1 | SID 0x10 | DID 5 */
	KUNIT_EXPECT_EQ(test, vtd_ccmd_cirg(0xe000000100100005ULL), 3ULL);
	KUNIT_EXPECT_EQ(test, vtd_ccmd_icc(0xe000000100100005ULL), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_ccmd_fm(0xe000000100100005ULL), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_ccmd_sid(0xe000000100100005ULL), 0x10ULL);
	KUNIT_EXPECT_EQ(test, vtd_ccmd_did(0xe000000100100005ULL), 5ULL);
	/* IQERCD: ITESID 0x0100 (47:32), IQEI 4 */
	KUNIT_EXPECT_EQ(test, vtd_iqercd_itesid(0x0000010000000004ULL), 0x100ULL);
	KUNIT_EXPECT_EQ(test, vtd_iqercd_iqei(0x0000010000000004ULL),
			(u64)VTD_IQEI_RSVD);
	/* VER 1.0 as QEMU reports it: 0x10 */
	KUNIT_EXPECT_EQ(test, vtd_ver_max(0x10), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_ver_min(0x10), 0ULL);
}

/* VCMD layouts: rev 3.0 operand at bit 8, rev 3.3 at bit 16. */
static void vcmd_layouts(struct kunit *test)
{
	/* rev 3.0 response: PASID 5 << 8, SC 2 (bits 2:1 = 0b10 -> 0x4) */
	KUNIT_EXPECT_EQ(test, vtd_vcrsp_sc(0x504, VTD_VCMD_REV30),
			(u64)VTD_VCRSP_SC_NO_PASID_R30);
	KUNIT_EXPECT_EQ(test, vtd_vcmd_operand_shift(VTD_VCMD_REV30), 8U);
	/* rev 3.3: SC 16 in bits 7:1 -> 0x20 */
	KUNIT_EXPECT_EQ(test, vtd_vcrsp_sc(0x20, VTD_VCMD_REV33),
			(u64)VTD_VCRSP_SC_NO_PASID_R33);
	KUNIT_EXPECT_EQ(test, vtd_vcmd_operand_shift(VTD_VCMD_REV33), 16U);
	KUNIT_EXPECT_EQ(test, VTD_VCMD_REG_R30, 0xe10);
	KUNIT_EXPECT_EQ(test, VTD_VCCAP_REG_R33, 0xe30);
}

/* Field tables agree with the accessors, and no two fields overlap. */
static void field_tables_consistent(struct kunit *test)
{
	static const struct {
		const struct vtd_field *f;
		const unsigned int *n;
	} tables[] = {
		{ vtd_cap_fields, &vtd_cap_nfields },
		{ vtd_ecap_fields, &vtd_ecap_nfields },
		{ vtd_frcd_fields, &vtd_frcd_nfields },
		{ vtd_root_fields, &vtd_root_nfields },
		{ vtd_sm_root_fields, &vtd_sm_root_nfields },
		{ vtd_ctx_fields, &vtd_ctx_nfields },
		{ vtd_sm_ctx_fields, &vtd_sm_ctx_nfields },
		{ vtd_pde_fields, &vtd_pde_nfields },
		{ vtd_pasid_entry_fields, &vtd_pasid_entry_nfields },
	};

	for (unsigned int t = 0; t < ARRAY_SIZE(tables); t++) {
		u64 seen[8] = { 0 };

		for (unsigned int i = 0; i < *tables[t].n; i++) {
			const struct vtd_field *f = &tables[t].f[i];
			u64 m;

			KUNIT_EXPECT_LE(test, f->lo, f->hi);
			/* A field never straddles a qword. */
			KUNIT_EXPECT_EQ(test, f->lo / 64, f->hi / 64);
			m = GENMASK_ULL(f->hi % 64, f->lo % 64);
			KUNIT_EXPECT_EQ_MSG(test, seen[f->lo / 64] & m, 0ULL,
					    "field %s overlaps", f->name);
			seen[f->lo / 64] |= m;
		}
	}
	/* The table and the accessor give the same value. */
	for (unsigned int i = 0; i < vtd_cap_nfields; i++) {
		const u64 cap = 0x00d2008c22260286ULL;

		if (strcmp(vtd_cap_fields[i].name, "sagaw"))
			continue;
		KUNIT_EXPECT_EQ(test, vtd_field_get(&cap, &vtd_cap_fields[i]),
				vtd_cap_sagaw(cap));
		KUNIT_EXPECT_EQ(test, vtd_cap_fields[i].lo, 8);
		KUNIT_EXPECT_EQ(test, vtd_cap_fields[i].hi, 12);
	}
}

static void fault_strings(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, vtd_fault_reason_str(VTD_FR_SM_PASID_NOT_PRESENT),
			   "SM: PASID entry not present");
	KUNIT_EXPECT_STREQ(test, vtd_fault_reason_str(0x5f), "unknown");
	KUNIT_EXPECT_STREQ(test, vtd_fault_reason_str(0x100), "unknown");
	/* Linux's table index: 0x30 + 0x29 = 0x59 is "Present bit in PASID Table Entry is clear" */
	KUNIT_EXPECT_EQ(test, VTD_FR_SM_PASID_NOT_PRESENT, 0x59);
	KUNIT_EXPECT_EQ(test, VTD_FR_SM_FS_AD_NOSNOOP, 0x90);
}

static struct kunit_case vtd_format_cases[] = {
	KUNIT_CASE(cap_qemu72_vector),
	KUNIT_CASE(ecap_qemu72_vector),
	KUNIT_CASE(ecap_build_vector),
	KUNIT_CASE(pasid_entry_first_stage_vector),
	KUNIT_CASE(pasid_entry_nested_build),
	KUNIT_CASE_PARAM(pasid_entry_rsvd_bits, pe_rsvd_gen_params),
	KUNIT_CASE(pasid_entry_mts_fields),
	KUNIT_CASE(sm_context_vector),
	KUNIT_CASE(sm_root_vector),
	KUNIT_CASE(legacy_context_vector),
	KUNIT_CASE(pasid_dir_vector),
	KUNIT_CASE(frcd_vector),
	KUNIT_CASE(register_vectors),
	KUNIT_CASE(vcmd_layouts),
	KUNIT_CASE(field_tables_consistent),
	KUNIT_CASE(fault_strings),
	{}
};

static struct kunit_suite vtd_format_suite = {
	.name = "vtd-format",
	.test_cases = vtd_format_cases,
};

kunit_test_suites(&vtd_format_suite);
