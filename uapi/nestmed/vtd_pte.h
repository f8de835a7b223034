/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VT-d 3.x paging entries: first stage (spec 9.7, "First-Stage Paging
 * Entries", the IA-32e paging format: FS-PML5E, FS-PML4E, FS-PDPE, FS-PDE,
 * FS-PTE; 4 KiB, 2 MiB and 1 GiB pages) and second stage (spec 9.8,
 * "Second-Stage Paging Entries": SS-PML5E .. SS-PTE, same page sizes).
 *
 * Level numbers follow the walk: 5 = PML5E, 4 = PML4E, 3 = PDPE, 2 = PDE,
 * 1 = PTE.  A leaf is a PTE, or a PDPE/PDE with PS = 1.  Entries are plain
 * u64 values (one qword each); every field is listed once below with its
 * absolute bit range, which generates vtd_fspte_<field>(v) and
 * vtd_fspte_set_<field>(v, x) (likewise vtd_sspte_*) and the field tables
 * that `nestmed decode fs-pte|ss-pte` prints.
 *
 * Cross-checked against Linux 6.12 drivers/iommu/intel/iommu.h
 * (DMA_FL_PTE_PRESENT 0, DMA_FL_PTE_US 2, DMA_FL_PTE_ACCESS 5,
 * DMA_FL_PTE_DIRTY 6, DMA_PTE_READ 0, DMA_PTE_WRITE 1, DMA_PTE_LARGE_PAGE 7,
 * DMA_SL_PTE_DIRTY 9, DMA_PTE_SNP 11) and QEMU hw/i386/intel_iommu_internal.h
 * (VTD_FS_UPPER_IGNORED 63:52, VTD_FPTE_*_RSVD_MASK: PS of PML4E reserved,
 * 2M leaf 20:13, 1G leaf 29:13; VTD_SL_IGN_COM 63,61:52, VTD_SL_TM 62,
 * VTD_SPTE_*_RSVD_MASK: SNP 11 and PS of PML4E reserved, 2M leaf 20:11,
 * 1G leaf 29:11 when snoop control is not supported).
 */
#ifndef _UAPI_NESTMED_VTD_PTE_H
#define _UAPI_NESTMED_VTD_PTE_H

#include <nestmed/compat.h>
#include <nestmed/vtd_field.h>

#define VTD_PT_LEVEL_BITS	9	/* 512 entries per 4 KiB table */
#define VTD_PT_ENTRIES		512

/* log2 of the span of one entry at @level (1 -> 12, 2 -> 21, 3 -> 30 ...). */
static inline unsigned int vtd_pt_level_lg2(unsigned int level)
{
	return 12 + VTD_PT_LEVEL_BITS * (level - 1);
}

/* Index of the entry for @addr in a table of @level (address bits). */
static inline unsigned int vtd_pt_index(u64 addr, unsigned int level)
{
	return (addr >> vtd_pt_level_lg2(level)) & (VTD_PT_ENTRIES - 1);
}

/* Address bits @haw..51 of an entry: reserved above the host address width. */
static inline u64 vtd_pte_above_haw(unsigned int haw)
{
	return haw >= 52 ? 0 : GENMASK_ULL(51, haw);
}

/* ------------------------------------------------------------------ */
/* First-stage paging entries (9.7)                                   */
/* ------------------------------------------------------------------ */
#define VTD_FSPTE_FIELDS(X)						\
	X(p, 0, 0, VTD_NUM, "Present")					\
	X(rw, 1, 1, VTD_NUM, "Read/write (0: writes not allowed)")	\
	X(us, 2, 2, VTD_NUM, "User/supervisor (0: user requests not allowed)") \
	X(pwt, 3, 3, VTD_NUM, "Page-level write-through")		\
	X(pcd, 4, 4, VTD_NUM, "Page-level cache disable")		\
	X(a, 5, 5, VTD_NUM, "Accessed")					\
	X(d, 6, 6, VTD_NUM, "Dirty (leaf only; ignored in non-leaf)")	\
	X(ps, 7, 7, VTD_NUM, "Page size (PDPE/PDE; PAT in a PTE; reserved in PML4E/PML5E)") \
	X(g, 8, 8, VTD_NUM, "Global (leaf only)")			\
	X(ea, 10, 10, VTD_NUM, "Extended accessed (set with A when EAFE = 1)") \
	X(addr, 51, 12, VTD_ADDR, "Address of the next table or page frame (PAT at 12 in a 2M/1G leaf)") \
	X(xd, 63, 63, VTD_NUM, "Execute disable (reserved when NXE = 0)")
#define VTD_FSPTE_ACC(n, h, l, k, d) VTD_REG_ACCESSORS(fspte, n, h, l, k, d)
VTD_FSPTE_FIELDS(VTD_FSPTE_ACC)

/* Single-bit masks for the walker's hot path (same positions as above). */
#define VTD_FSPTE_P		BIT_ULL(0)	/* P, bit 0 */
#define VTD_FSPTE_RW		BIT_ULL(1)	/* R/W, bit 1 */
#define VTD_FSPTE_US		BIT_ULL(2)	/* U/S, bit 2 */
#define VTD_FSPTE_A		BIT_ULL(5)	/* A, bit 5 */
#define VTD_FSPTE_D		BIT_ULL(6)	/* D, bit 6 (leaf) */
#define VTD_FSPTE_PS		BIT_ULL(7)	/* PS, bit 7 (PDPE/PDE) */
#define VTD_FSPTE_G		BIT_ULL(8)	/* G, bit 8 (leaf) */
#define VTD_FSPTE_EA		BIT_ULL(10)	/* EA, bit 10 */
#define VTD_FSPTE_ADDR		GENMASK_ULL(51, 12) /* ADDR, bits 51:12 */
#define VTD_FSPTE_XD		BIT_ULL(63)	/* XD, bit 63 */

/* PAT of a leaf: bit 7 in a 4K PTE, bit 12 in a 2M PDE / 1G PDPE. */
static inline u64 vtd_fspte_pat(u64 v, unsigned int level)
{
	return (v >> (level == 1 ? 7 : 12)) & 1;
}

/* Output address bits of a leaf at @level (bits 51:21 for 2M, 51:30 for 1G). */
static inline u64 vtd_fspte_leaf_addr(u64 v, unsigned int level)
{
	return v & GENMASK_ULL(51, vtd_pt_level_lg2(level));
}

/*
 * Reserved bits of a first-stage entry at @level (5..1), @ps its PS bit
 * (leaf 2M/1G), for host address width @haw.  Bits 62:52 are ignored; XD
 * (63) is reserved unless @nxe.  PS is reserved in PML5E/PML4E; a 2M leaf
 * reserves 20:13, a 1G leaf 29:13 (bit 12 is its PAT).
 */
static inline u64 vtd_fspte_rsvd_mask(unsigned int level, bool ps,
				      unsigned int haw, bool nxe)
{
	u64 m = vtd_pte_above_haw(haw) | (nxe ? 0 : VTD_FSPTE_XD);

	if (level >= 4)
		return m | VTD_FSPTE_PS;
	if (ps && level == 3)
		return m | GENMASK_ULL(29, 13);
	if (ps && level == 2)
		return m | GENMASK_ULL(20, 13);
	return m;
}

/* ------------------------------------------------------------------ */
/* Second-stage paging entries (9.8)                                  */
/* ------------------------------------------------------------------ */
#define VTD_SSPTE_FIELDS(X)						\
	X(r, 0, 0, VTD_NUM, "Read")					\
	X(w, 1, 1, VTD_NUM, "Write")					\
	X(x, 2, 2, VTD_NUM, "Execute (when SSEE = 1)")			\
	X(emt, 5, 3, VTD_NUM, "Extended memory type (leaf)")		\
	X(ipat, 6, 6, VTD_NUM, "Ignore PAT (leaf)")			\
	X(ps, 7, 7, VTD_NUM, "Page size (PDPE/PDE; reserved in PML4E/PML5E)") \
	X(a, 8, 8, VTD_NUM, "Accessed (when SSADE = 1)")		\
	X(d, 9, 9, VTD_NUM, "Dirty (leaf, when SSADE = 1)")		\
	X(snp, 11, 11, VTD_NUM, "Snoop (leaf, when ECAP.SC = 1)")	\
	X(addr, 51, 12, VTD_ADDR, "Address of the next table or page frame") \
	X(tm, 62, 62, VTD_NUM, "Transient mapping (leaf, when ECAP.DT = 1)")
#define VTD_SSPTE_ACC(n, h, l, k, d) VTD_REG_ACCESSORS(sspte, n, h, l, k, d)
VTD_SSPTE_FIELDS(VTD_SSPTE_ACC)

#define VTD_SSPTE_R		BIT_ULL(0)	/* R, bit 0 */
#define VTD_SSPTE_W		BIT_ULL(1)	/* W, bit 1 */
#define VTD_SSPTE_X		BIT_ULL(2)	/* X, bit 2 */
#define VTD_SSPTE_PS		BIT_ULL(7)	/* PS, bit 7 */
#define VTD_SSPTE_A		BIT_ULL(8)	/* A, bit 8 */
#define VTD_SSPTE_D		BIT_ULL(9)	/* D, bit 9 (leaf) */
#define VTD_SSPTE_SNP		BIT_ULL(11)	/* SNP, bit 11 (leaf) */
#define VTD_SSPTE_ADDR		GENMASK_ULL(51, 12) /* ADDR, bits 51:12 */
#define VTD_SSPTE_TM		BIT_ULL(62)	/* TM, bit 62 (leaf) */

/* Output address bits of a leaf at @level. */
static inline u64 vtd_sspte_leaf_addr(u64 v, unsigned int level)
{
	return v & GENMASK_ULL(51, vtd_pt_level_lg2(level));
}

/*
 * Reserved bits of a second-stage entry at @level, @ps its PS bit, for host
 * address width @haw.  Bits 63 and 61:52 are ignored.  SNP (11) is reserved
 * in non-leaf entries and in leaves unless @sc (ECAP.SC); TM (62) likewise
 * unless @dt (ECAP.DT).  PS is reserved in PML5E/PML4E; a 2M leaf reserves
 * 20:12, a 1G leaf 29:12.
 */
static inline u64 vtd_sspte_rsvd_mask(unsigned int level, bool ps,
				      unsigned int haw, bool sc, bool dt)
{
	u64 m = vtd_pte_above_haw(haw);
	bool leaf = level == 1 || ps;

	if (!leaf || !sc)
		m |= VTD_SSPTE_SNP;
	if (!leaf || !dt)
		m |= VTD_SSPTE_TM;
	if (level >= 4)
		return m | VTD_SSPTE_PS;
	if (ps && level == 3)
		return m | GENMASK_ULL(29, 12);
	if (ps && level == 2)
		return m | GENMASK_ULL(20, 12);
	return m;
}

#endif /* _UAPI_NESTMED_VTD_PTE_H */
