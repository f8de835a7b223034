/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VT-d 3.x memory-resident translation structures (spec chapter 9):
 * root entries (9.1 legacy, 9.2 scalable), context entries (9.3 legacy,
 * 9.4 scalable), the PASID directory entry (9.5) and the scalable-mode
 * PASID table entry (9.6).  Opaque little-endian qword arrays; every field
 * is listed once (vtd_field.h) with its absolute bit range, which generates
 * vtd_<pfx>_<field>() / vtd_<pfx>_set_<field>().
 *
 * Cross-checked against Linux 6.12 drivers/iommu/intel/pasid.h (pasid_set_*
 * helpers: PGTT val[0] 8:6, SSADE val[0] 9, DID val[1] 15:0, PWSNP val[1] 23,
 * PGSNP val[1] 24, SRE val[2] 0, FLPM val[2] 3:2, WPE val[2] 4, EAFE val[2]
 * 7, FLPTR val[2] 63:12), iommu.h (context_set_sm_* helpers: DTE lo 2,
 * PASIDE lo 3, PRE lo 4, PDTS lo 11:9, RID_PASID hi 19:0) and QEMU
 * VTD_SM_CONTEXT_ENTRY_RSVD_VAL0 (0x1e0 | ~HAW) / _VAL1 (0xffffffffffe00000).
 */
#ifndef _UAPI_NESTMED_VTD_TABLES_H
#define _UAPI_NESTMED_VTD_TABLES_H

#include <nestmed/compat.h>
#include <nestmed/vtd_field.h>

#define VTD_TABLE_SIZE		4096
#define VTD_ROOT_ENTRIES	256	/* one per bus */
#define VTD_SM_CTX_ENTRIES	128	/* per half (LCTP: devfn 0-127, UCTP: 128-255) */
#define VTD_CTX_ENTRIES		256	/* legacy */
#define VTD_PASID_DIR_SHIFT	6	/* PASID bits 19:6 index the directory */
#define VTD_PASID_TBL_ENTRIES	64	/* PASID bits 5:0 index a table page */
#define VTD_PASID_ENTRY_SIZE	64
#define VTD_PASID_DIR_ENTRY_SIZE 8
#define VTD_RID_PASID_DEFAULT	0

/* Mask of address bits at or above @haw (host address width), 4K aligned. */
static inline u64 vtd_above_haw(unsigned int haw)
{
	return haw >= 64 ? 0 : GENMASK_ULL(63, haw);
}

/* ------------------------------------------------------------------ */
/* Root entry (128 bits)                                              */
/* ------------------------------------------------------------------ */
struct vtd_root_entry {
	u64 val[2];
};

/* Legacy mode (RTADDR.TTM = 00b), spec 9.1. */
#define VTD_ROOT_FIELDS(X)						\
	X(p, 0, 0, VTD_NUM, "Present")					\
	X(ctp, 63, 12, VTD_ADDR, "Context-table pointer")
#define VTD_ROOT_ACC(n, h, l, k, d) \
	VTD_ENTRY_ACCESSORS(vtd_root_entry, re, n, h, l, k, d)
VTD_ROOT_FIELDS(VTD_ROOT_ACC)

/* Scalable mode (RTADDR.TTM = 01b), spec 9.2. */
#define VTD_SM_ROOT_FIELDS(X)						\
	X(lp, 0, 0, VTD_NUM, "Lower present (devfn 0-127)")		\
	X(lctp, 63, 12, VTD_ADDR, "Lower context-table pointer")	\
	X(up, 64, 64, VTD_NUM, "Upper present (devfn 128-255)")		\
	X(uctp, 127, 76, VTD_ADDR, "Upper context-table pointer")
#define VTD_SM_ROOT_ACC(n, h, l, k, d) \
	VTD_ENTRY_ACCESSORS(vtd_root_entry, sre, n, h, l, k, d)
VTD_SM_ROOT_FIELDS(VTD_SM_ROOT_ACC)

/* The half of a scalable root entry that serves @devfn: lower for 0-127. */
static inline bool vtd_sre_present(const struct vtd_root_entry *e, u8 devfn)
{
	return devfn < 128 ? vtd_sre_lp(e) : vtd_sre_up(e);
}

static inline u64 vtd_sre_ctp(const struct vtd_root_entry *e, u8 devfn)
{
	return devfn < 128 ? vtd_sre_lctp(e) : vtd_sre_uctp(e);
}

/* Point @devfn's half at the context table @ctp and mark it present. */
static inline void vtd_sre_set_ctp_present(struct vtd_root_entry *e, u8 devfn,
					   u64 ctp)
{
	if (devfn < 128) {
		vtd_sre_set_lctp(e, ctp);
		vtd_sre_set_lp(e, 1);
	} else {
		vtd_sre_set_uctp(e, ctp);
		vtd_sre_set_up(e, 1);
	}
}

/* Reserved bits (excluding pointer bits above HAW, see _rsvd()). */
#define VTD_ROOT_RSVD0		GENMASK_ULL(11, 1)
#define VTD_ROOT_RSVD1		GENMASK_ULL(63, 0)
#define VTD_SM_ROOT_RSVD0	GENMASK_ULL(11, 1)
#define VTD_SM_ROOT_RSVD1	GENMASK_ULL(11, 1)

static inline bool vtd_re_rsvd(const struct vtd_root_entry *e, unsigned int haw)
{
	return (e->val[0] & (VTD_ROOT_RSVD0 | vtd_above_haw(haw))) ||
	       (e->val[1] & VTD_ROOT_RSVD1);
}

/* Reserved bits of the half that @devfn uses. */
static inline bool vtd_sre_rsvd(const struct vtd_root_entry *e, u8 devfn,
				unsigned int haw)
{
	u64 m = (devfn < 128 ? VTD_SM_ROOT_RSVD0 : VTD_SM_ROOT_RSVD1) |
		vtd_above_haw(haw);

	return e->val[devfn < 128 ? 0 : 1] & m;
}

/* ------------------------------------------------------------------ */
/* Legacy context entry (128 bits), spec 9.3                          */
/* ------------------------------------------------------------------ */
struct vtd_context_entry {
	u64 val[2];
};

enum vtd_ctx_tt {
	VTD_CTX_TT_MULTI_LEVEL = 0,	/* untranslated requests only */
	VTD_CTX_TT_DEV_IOTLB = 1,	/* + translation requests (ATS) */
	VTD_CTX_TT_PASS_THROUGH = 2,
	VTD_CTX_TT_RSVD = 3,
};

#define VTD_CTX_FIELDS(X)						\
	X(p, 0, 0, VTD_NUM, "Present")					\
	X(fpd, 1, 1, VTD_NUM, "Fault processing disable")		\
	X(tt, 3, 2, VTD_NUM, "Translation type")			\
	X(ssptptr, 63, 12, VTD_ADDR, "Second-stage page-table pointer")	\
	X(aw, 66, 64, VTD_NUM, "Address width (AGAW)")			\
	X(did, 87, 72, VTD_NUM, "Domain identifier")
#define VTD_CTX_ACC(n, h, l, k, d) \
	VTD_ENTRY_ACCESSORS(vtd_context_entry, ce, n, h, l, k, d)
VTD_CTX_FIELDS(VTD_CTX_ACC)

#define VTD_CTX_RSVD0		GENMASK_ULL(11, 4)
/* hi: bit 71 and bits 127:88 reserved; 70:67 are available (ignored). */
#define VTD_CTX_RSVD1		(BIT_ULL(7) | GENMASK_ULL(63, 24))

static inline bool vtd_ce_rsvd(const struct vtd_context_entry *e,
			       unsigned int haw)
{
	return (e->val[0] & (VTD_CTX_RSVD0 | vtd_above_haw(haw))) ||
	       (e->val[1] & VTD_CTX_RSVD1);
}

/* ------------------------------------------------------------------ */
/* Scalable-mode context entry (256 bits), spec 9.4                   */
/* ------------------------------------------------------------------ */
struct vtd_sm_context_entry {
	u64 val[4];
};

#define VTD_SM_CTX_FIELDS(X)						\
	X(p, 0, 0, VTD_NUM, "Present")					\
	X(fpd, 1, 1, VTD_NUM, "Fault processing disable")		\
	X(dte, 2, 2, VTD_NUM, "Device-TLB enable (translation requests)") \
	X(paside, 3, 3, VTD_NUM, "PASID enable (requests with PASID)")	\
	X(pre, 4, 4, VTD_NUM, "Page request enable")			\
	X(pdts, 11, 9, VTD_NUM, "PASID directory size: 2^(PDTS+7) entries") \
	X(pasiddirptr, 63, 12, VTD_ADDR, "PASID directory pointer")	\
	X(rid_pasid, 83, 64, VTD_NUM, "PASID for requests without PASID") \
	X(rid_priv, 84, 84, VTD_NUM, "Privilege for requests without PASID")
#define VTD_SM_CTX_ACC(n, h, l, k, d) \
	VTD_ENTRY_ACCESSORS(vtd_sm_context_entry, sce, n, h, l, k, d)
VTD_SM_CTX_FIELDS(VTD_SM_CTX_ACC)

#define VTD_SM_CTX_RSVD0	GENMASK_ULL(8, 5)
#define VTD_SM_CTX_RSVD1	GENMASK_ULL(63, 21)
#define VTD_SM_CTX_RSVD2	GENMASK_ULL(63, 0)
#define VTD_SM_CTX_RSVD3	GENMASK_ULL(63, 0)

/* Number of PASID directory entries the context entry covers. */
static inline u32 vtd_sce_pasid_dir_entries(const struct vtd_sm_context_entry *e)
{
	return 1U << (vtd_sce_pdts(e) + 7);
}

/*
 * @ecap gates the optional fields: RID_PASID needs ECAP.RPS and RID_PRIV
 * needs ECAP.RPRIVS; without them the fields are reserved (10.4.3).
 */
static inline bool vtd_sce_rsvd(const struct vtd_sm_context_entry *e,
				unsigned int haw, bool rps, bool rprivs)
{
	u64 r1 = VTD_SM_CTX_RSVD1;

	if (!rps)
		r1 |= GENMASK_ULL(19, 0);
	if (!rprivs)
		r1 |= BIT_ULL(20);
	return (e->val[0] & (VTD_SM_CTX_RSVD0 | vtd_above_haw(haw))) ||
	       (e->val[1] & r1) || (e->val[2] & VTD_SM_CTX_RSVD2) ||
	       (e->val[3] & VTD_SM_CTX_RSVD3);
}

/* ------------------------------------------------------------------ */
/* PASID directory entry (64 bits), spec 9.5                          */
/* ------------------------------------------------------------------ */
struct vtd_pasid_dir_entry {
	u64 val[1];
};

#define VTD_PDE_FIELDS(X)						\
	X(p, 0, 0, VTD_NUM, "Present")					\
	X(fpd, 1, 1, VTD_NUM, "Fault processing disable")		\
	X(smptblptr, 63, 12, VTD_ADDR, "Scalable-mode PASID table pointer")
#define VTD_PDE_ACC(n, h, l, k, d) \
	VTD_ENTRY_ACCESSORS(vtd_pasid_dir_entry, pde, n, h, l, k, d)
VTD_PDE_FIELDS(VTD_PDE_ACC)

#define VTD_PDE_RSVD0		GENMASK_ULL(11, 2)

static inline bool vtd_pde_rsvd(const struct vtd_pasid_dir_entry *e,
				unsigned int haw)
{
	return e->val[0] & (VTD_PDE_RSVD0 | vtd_above_haw(haw));
}

/* ------------------------------------------------------------------ */
/* Scalable-mode PASID table entry (512 bits), spec 9.6               */
/* ------------------------------------------------------------------ */
struct vtd_pasid_entry {
	u64 val[8];
};

/* PASID-granular translation type (PGTT, bits 8:6). */
enum vtd_pgtt {
	VTD_PGTT_RSVD0 = 0,
	VTD_PGTT_FS = 1,	/* first-stage only */
	VTD_PGTT_SS = 2,	/* second-stage only */
	VTD_PGTT_NESTED = 3,	/* first stage nested over second stage */
	VTD_PGTT_PT = 4,	/* pass-through */
	/* 5..7 reserved */
};

/* First-stage paging mode (FSPM, bits 131:130). */
enum vtd_fspm {
	VTD_FSPM_4LVL = 0,
	VTD_FSPM_5LVL = 1,
};

#define VTD_PASID_ENTRY_FIELDS(X)					\
	X(p, 0, 0, VTD_NUM, "Present")					\
	X(fpd, 1, 1, VTD_NUM, "Fault processing disable")		\
	X(aw, 4, 2, VTD_NUM, "Second-stage address width (1: 39b, 2: 48b, 3: 57b)") \
	X(ssee, 5, 5, VTD_NUM, "Second-stage execute enable")		\
	X(pgtt, 8, 6, VTD_NUM, "PASID-granular translation type")	\
	X(slade, 9, 9, VTD_NUM, "Second-stage accessed/dirty enable")	\
	X(slptptr, 63, 12, VTD_ADDR, "Second-stage page-table pointer")	\
	X(did, 79, 64, VTD_NUM, "Domain identifier")			\
	X(pwsnp, 87, 87, VTD_NUM, "Page-walk snoop")			\
	X(pgsnp, 88, 88, VTD_NUM, "Page snoop")				\
	X(cd, 89, 89, VTD_NUM, "Cache disable (MTS)")			\
	X(emte, 90, 90, VTD_NUM, "Extended memory type enable (MTS)")	\
	X(emt, 93, 91, VTD_NUM, "Extended memory type (MTS)")		\
	X(pwt, 94, 94, VTD_NUM, "Page-level write through (MTS)")	\
	X(pcd, 95, 95, VTD_NUM, "Page-level cache disable (MTS)")	\
	X(pat, 127, 96, VTD_NUM, "Page attribute table (MTS)")		\
	X(sre, 128, 128, VTD_NUM, "Supervisor requests enable")		\
	X(ere, 129, 129, VTD_NUM, "Execute requests enable")		\
	X(flpm, 131, 130, VTD_NUM, "First-stage paging mode (0: 4-level, 1: 5-level)") \
	X(wpe, 132, 132, VTD_NUM, "Write protect enable")		\
	X(nxe, 133, 133, VTD_NUM, "No-execute enable")			\
	X(smep, 134, 134, VTD_NUM, "Supervisor mode execute prevention") \
	X(eafe, 135, 135, VTD_NUM, "Extended accessed flag enable")	\
	X(flptptr, 191, 140, VTD_ADDR, "First-stage page-table pointer")
#define VTD_PE_ACC(n, h, l, k, d) \
	VTD_ENTRY_ACCESSORS(vtd_pasid_entry, pe, n, h, l, k, d)
VTD_PASID_ENTRY_FIELDS(VTD_PE_ACC)

#define VTD_PE_RSVD0		GENMASK_ULL(11, 10)
#define VTD_PE_RSVD1		GENMASK_ULL(22, 16)	/* bits 86:80 */
#define VTD_PE_RSVD1_MTS	GENMASK_ULL(63, 25)	/* bits 127:89 without MTS */
#define VTD_PE_RSVD2		GENMASK_ULL(11, 8)	/* bits 139:136 */

/*
 * Reserved-field check of a present PASID entry (fault 0x5A when set).
 * Memory-type fields are reserved unless ECAP.MTS; pointer bits at or
 * above the host address width are reserved; qwords 3..7 are reserved.
 */
static inline bool vtd_pe_rsvd(const struct vtd_pasid_entry *e,
			       unsigned int haw, bool mts)
{
	u64 r1 = VTD_PE_RSVD1 | (mts ? 0 : VTD_PE_RSVD1_MTS);

	if (e->val[0] & (VTD_PE_RSVD0 | vtd_above_haw(haw)))
		return true;
	if (e->val[1] & r1)
		return true;
	if (e->val[2] & (VTD_PE_RSVD2 | vtd_above_haw(haw)))
		return true;
	for (int i = 3; i < 8; i++)
		if (e->val[i])
			return true;
	return false;
}

/*
 * Present-bit ordering (spec 6.5.3.3, as Linux pasid_set_present): every
 * other field must be globally visible before P is set, and P must be
 * clear before any other field changes.
 */
static inline void vtd_pe_set_present(struct vtd_pasid_entry *e)
{
	dma_wmb();
	WRITE_ONCE(e->val[0], e->val[0] | BIT_ULL(0));
}

static inline void vtd_pe_clear_present(struct vtd_pasid_entry *e)
{
	WRITE_ONCE(e->val[0], e->val[0] & ~BIT_ULL(0));
	dma_wmb();
}

/* Second-stage levels from the AW field: 1 -> 3, 2 -> 4, 3 -> 5. */
static inline unsigned int vtd_aw_levels(unsigned int aw)
{
	return aw + 2;
}

/* Input address width (bits) from the AW field: 39, 48, 57. */
static inline unsigned int vtd_aw_bits(unsigned int aw)
{
	return 30 + 9 * aw;
}

/* Field tables (vsva/vtd_fields.c). */
extern const struct vtd_field vtd_root_fields[], vtd_sm_root_fields[];
extern const struct vtd_field vtd_ctx_fields[], vtd_sm_ctx_fields[];
extern const struct vtd_field vtd_pde_fields[], vtd_pasid_entry_fields[];
extern const unsigned int vtd_root_nfields, vtd_sm_root_nfields;
extern const unsigned int vtd_ctx_nfields, vtd_sm_ctx_nfields;
extern const unsigned int vtd_pde_nfields, vtd_pasid_entry_nfields;

#endif /* _UAPI_NESTMED_VTD_TABLES_H */
