/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intel VT-d 3.x queued invalidation (spec 6.5.2) and page request
 * (spec chapter 7; responses 7.7) descriptor formats.
 *
 * An invalidation descriptor is 128 bits (IQA_REG.DW = 0) or 256 bits
 * (DW = 1, required for scalable mode).  The structure is always four
 * qwords; a 128-bit queue uses qw[0..1] only.  In a 256-bit queue qw[2..3]
 * are reserved (zero) for every type except the page group response, whose
 * 256-bit form carries the Private Data of VT-d 3.x.
 *
 * The descriptor type is seven bits: bits 3:0 and bits 11:9 ("type high",
 * Type[6:4]).  VT-d 3.x defines no type above 0xF, so a non-zero type high
 * is an unsupported type (Invalidation Queue Error), not a reserved bit.
 *
 * Every field is listed once below, in an X-macro list
 * F(name, hi, lo, kind) with absolute bit positions within the descriptor
 * (qw1 bit 0 is bit 64), and the list is expanded into the named accessors
 * vtd_inv_<type>_<name>() / vtd_inv_<type>_set_<name>() and, in
 * vsva/qi.c, into the field tables the describe functions walk, so accessors
 * and decoders cannot disagree about a bit position.  VTD_INV_ADDR fields
 * are returned as the full address (low bits zero), VTD_INV_NUM fields
 * shifted down.
 *
 * Cross-checked against Linux 6.12 drivers/iommu/intel/iommu.h (QI_*,
 * qi_desc_*()), dmar.c (qi_flush_*()), prq.c (struct page_req_dsc), and QEMU
 * hw/i386/intel_iommu_internal.h (VTD_INV_DESC_*_RSVD*, VTD_PRD_*).  Where
 * those differ from VT-d 3.x the comment on the field says so.
 */
#ifndef _UAPI_NESTMED_VTD_QI_H
#define _UAPI_NESTMED_VTD_QI_H

#include <nestmed/compat.h>

/* One invalidation queue entry; 128-bit queues use qw[0] and qw[1]. */
struct vtd_inv_desc {
	u64 qw[4];
};

/* One page request queue entry (always 256 bits, spec ch. 7 Page Request Descriptor). */
struct vtd_page_req_desc {
	u64 qw[4];
};

/* Descriptor type codes, Type[6:0] = bits 11:9 : bits 3:0 (spec 6.5.2). */
enum vtd_inv_type {
	VTD_INV_CC		= 0x1,	/* context-cache invalidate */
	VTD_INV_IOTLB		= 0x2,	/* IOTLB invalidate */
	VTD_INV_DEVTLB		= 0x3,	/* device-TLB invalidate */
	VTD_INV_IEC		= 0x4,	/* interrupt entry cache invalidate */
	VTD_INV_WAIT		= 0x5,	/* invalidation wait */
	VTD_INV_PIOTLB		= 0x6,	/* PASID-based IOTLB invalidate */
	VTD_INV_PC		= 0x7,	/* PASID-cache invalidate */
	VTD_INV_PDEVTLB		= 0x8,	/* PASID-based device-TLB invalidate */
	VTD_INV_PGRP_RESP	= 0x9,	/* page group response */
	/*
	 * Page stream response: VT-d 2.x extended mode only.  Extended mode
	 * and page streams are gone in 3.x (Linux keeps QI_PSTRM_RESP_TYPE
	 * but never submits it), so a 3.x unit treats it as unsupported.
	 */
	VTD_INV_PSTRM_RESP	= 0xa,
};

#define VTD_INV_TYPE_LO		GENMASK_ULL(3, 0)	/* Type[3:0], bits 3:0 */
#define VTD_INV_TYPE_HI		GENMASK_ULL(11, 9)	/* Type[6:4], bits 11:9 */

/* The seven-bit descriptor type. */
static inline u8 vtd_inv_type(const struct vtd_inv_desc *d)
{
	return (u8)(FIELD_GET(VTD_INV_TYPE_LO, d->qw[0]) |
		    (FIELD_GET(VTD_INV_TYPE_HI, d->qw[0]) << 4));
}

static inline void vtd_inv_set_type(struct vtd_inv_desc *d, u8 type)
{
	d->qw[0] &= ~(VTD_INV_TYPE_LO | VTD_INV_TYPE_HI);
	d->qw[0] |= FIELD_PREP(VTD_INV_TYPE_LO, type & 0xf) |
		    FIELD_PREP(VTD_INV_TYPE_HI, (type >> 4) & 0x7);
}

/* ---- Granularity and other encodings ----------------------------------- */

/* Context-cache invalidate G, bits 5:4 (spec 6.5.2.1). 0 is reserved. */
enum vtd_cc_g {
	VTD_CC_G_GLOBAL		= 1,
	VTD_CC_G_DOMAIN		= 2,	/* DID */
	VTD_CC_G_DEVICE		= 3,	/* DID + SID + FM */
};

/*
 * Context-cache invalidate FM, bits 49:48: which low bits of SID are
 * masked (0: none, 1: bit 2, 2: bits 2:1, 3: bits 2:0, i.e. the function
 * number), as in CCMD_REG.FM.
 */
enum vtd_cc_fm {
	VTD_CC_FM_NONE		= 0,
	VTD_CC_FM_BIT2		= 1,
	VTD_CC_FM_BITS2_1	= 2,
	VTD_CC_FM_BITS2_0	= 3,
};

/* IOTLB invalidate G, bits 5:4 (spec 6.5.2.3). 0 is reserved. */
enum vtd_iotlb_g {
	VTD_IOTLB_G_GLOBAL	= 1,
	VTD_IOTLB_G_DOMAIN	= 2,	/* DID */
	VTD_IOTLB_G_PAGE	= 3,	/* DID + ADDR/AM/IH */
};

/* PASID-based IOTLB invalidate G, bits 5:4 (spec 6.5.2.4). 0, 1 reserved. */
enum vtd_piotlb_g {
	VTD_PIOTLB_G_PASID	= 2,	/* non-global mappings of DID+PASID */
	VTD_PIOTLB_G_PAGE	= 3,	/* page-selective within DID+PASID */
};

/* PASID-cache invalidate G, bits 5:4 (spec 6.5.2.2). 2 is reserved. */
enum vtd_pc_g {
	VTD_PC_G_DOMAIN		= 0,	/* all PASIDs of DID */
	VTD_PC_G_PASID		= 1,	/* DID + PASID */
	VTD_PC_G_GLOBAL		= 3,
};

/* Interrupt entry cache invalidate G, bit 4 (spec 6.5.2.7). */
enum vtd_iec_g {
	VTD_IEC_G_GLOBAL	= 0,
	VTD_IEC_G_INDEX		= 1,	/* IIDX aligned to 2^IM entries */
};

/* PASID-based device-TLB invalidate G, bit 64 (spec 6.5.2.6). */
enum vtd_pdevtlb_g {
	VTD_PDEVTLB_G_PASID	= 0,	/* the PASID in the descriptor */
	VTD_PDEVTLB_G_ALL	= 1,	/* all PASIDs (and untagged) of SID */
};

/* Page group response code, bits 15:12 (PCIe ATS PRG Response Code). */
enum vtd_prg_resp_code {
	VTD_PRG_RESP_SUCCESS	= 0x0,
	VTD_PRG_RESP_INVALID	= 0x1,	/* Invalid Request */
	VTD_PRG_RESP_FAILURE	= 0xf,	/* Response Failure: stop PRI */
};

/* Page request descriptor type, bits 7:0 (01h: page request). */
#define VTD_PRQ_TYPE_PAGE_REQ	0x01

/*
 * Device-TLB invalidate address encoding (PCIe ATS 2.3, VT-d 6.5.2.5 and
 * 6.5.2.6): with S = 0 ADDR names one 4 KiB page; with S = 1 the range size
 * is given by the lowest clear bit of ADDR[63:12]: bit 12 clear -> 8 KiB,
 * bits 12 set and 13 clear -> 16 KiB, ..., bits 62:12 set and 63 clear ->
 * the whole 2^64 space.  The bits above the lowest clear one are the base.
 * All of ADDR[63:12] set has no lowest clear bit and is not a range.
 */
#define VTD_DEVTLB_ADDR_MASK	GENMASK_ULL(63, 12)

/* ---- Field lists ---------------------------------------------------------
 * F(name, hi, lo, kind): name in lower case as the spec spells the field,
 * hi:lo absolute bit positions.  Type bits are not listed (vtd_inv_type()).
 */
#define VTD_INV_NUM	0
#define VTD_INV_ADDR	1

/* Context-cache invalidate descriptor, spec 6.5.2.1 (Linux QI_CC_*). */
#define VTD_INV_CC_FIELDS(F)						\
	F(g,		5,	4,	VTD_INV_NUM)	/* G, bits 5:4 */	\
	F(did,		31,	16,	VTD_INV_NUM)	/* DID, bits 31:16 */	\
	F(sid,		47,	32,	VTD_INV_NUM)	/* SID, bits 47:32 */	\
	F(fm,		49,	48,	VTD_INV_NUM)	/* FM, bits 49:48 */

/* IOTLB invalidate descriptor, spec 6.5.2.3 (Linux QI_IOTLB_*). */
#define VTD_INV_IOTLB_FIELDS(F)						\
	F(g,		5,	4,	VTD_INV_NUM)	/* G, bits 5:4 */	\
	F(dw,		6,	6,	VTD_INV_NUM)	/* DW (drain writes), bit 6 */	\
	F(dr,		7,	7,	VTD_INV_NUM)	/* DR (drain reads), bit 7 */	\
	F(did,		31,	16,	VTD_INV_NUM)	/* DID, bits 31:16 */	\
	F(am,		69,	64,	VTD_INV_NUM)	/* AM, bits 69:64 */	\
	F(ih,		70,	70,	VTD_INV_NUM)	/* IH, bit 70 */	\
	F(addr,		127,	76,	VTD_INV_ADDR)	/* ADDR, bits 127:76 */

/*
 * Device-TLB invalidate descriptor, spec 6.5.2.5 (Linux QI_DEV_IOTLB_*).
 * QEMU 10 treats PFSID as reserved (it models no VFs); VT-d 3.x defines it.
 */
#define VTD_INV_DEVTLB_FIELDS(F)					\
	F(pfsid_lo,	15,	12,	VTD_INV_NUM)	/* PFSID[3:0], bits 15:12 */	\
	F(mip,		20,	16,	VTD_INV_NUM)	/* MIP, bits 20:16 */	\
	F(sid,		47,	32,	VTD_INV_NUM)	/* SID, bits 47:32 */	\
	F(pfsid_hi,	63,	52,	VTD_INV_NUM)	/* PFSID[15:4], bits 63:52 */	\
	F(s,		64,	64,	VTD_INV_NUM)	/* S (size), bit 64 */	\
	F(addr,		127,	76,	VTD_INV_ADDR)	/* ADDR, bits 127:76 */

/* Interrupt entry cache invalidate descriptor, spec 6.5.2.7 (QI_IEC_*). */
#define VTD_INV_IEC_FIELDS(F)						\
	F(g,		4,	4,	VTD_INV_NUM)	/* G, bit 4 */	\
	F(im,		31,	27,	VTD_INV_NUM)	/* IM, bits 31:27 */	\
	F(iidx,		47,	32,	VTD_INV_NUM)	/* IIDX, bits 47:32 */

/* Invalidation wait descriptor, spec 6.5.2.8 (Linux QI_IWD_*). */
#define VTD_INV_WAIT_FIELDS(F)						\
	F(if,		4,	4,	VTD_INV_NUM)	/* IF (interrupt), bit 4 */	\
	F(sw,		5,	5,	VTD_INV_NUM)	/* SW (status write), bit 5 */	\
	F(fn,		6,	6,	VTD_INV_NUM)	/* FN (fence), bit 6 */	\
	F(pd,		7,	7,	VTD_INV_NUM)	/* PD (page-request drain), bit 7 */	\
	F(status_data,	63,	32,	VTD_INV_NUM)	/* Status Data, bits 63:32 */	\
	F(status_addr,	127,	66,	VTD_INV_ADDR)	/* Status Address, bits 127:66 */

/* PASID-based IOTLB invalidate descriptor, spec 6.5.2.4 (QI_EIOTLB_*). */
#define VTD_INV_PIOTLB_FIELDS(F)					\
	F(g,		5,	4,	VTD_INV_NUM)	/* G, bits 5:4 */	\
	F(did,		31,	16,	VTD_INV_NUM)	/* DID, bits 31:16 */	\
	F(pasid,	51,	32,	VTD_INV_NUM)	/* PASID, bits 51:32 */	\
	F(am,		69,	64,	VTD_INV_NUM)	/* AM, bits 69:64 */	\
	F(ih,		70,	70,	VTD_INV_NUM)	/* IH, bit 70 */	\
	F(addr,		127,	76,	VTD_INV_ADDR)	/* ADDR, bits 127:76 */

/* PASID-cache invalidate descriptor, spec 6.5.2.2 (Linux QI_PC_*). */
#define VTD_INV_PC_FIELDS(F)						\
	F(g,		5,	4,	VTD_INV_NUM)	/* G, bits 5:4 */	\
	F(did,		31,	16,	VTD_INV_NUM)	/* DID, bits 31:16 */	\
	F(pasid,	51,	32,	VTD_INV_NUM)	/* PASID, bits 51:32 */

/* PASID-based device-TLB invalidate, spec 6.5.2.6 (QI_DEV_EIOTLB_*). */
#define VTD_INV_PDEVTLB_FIELDS(F)					\
	F(mip,		8,	4,	VTD_INV_NUM)	/* MIP, bits 8:4 */	\
	F(pfsid_lo,	15,	12,	VTD_INV_NUM)	/* PFSID[3:0], bits 15:12 */	\
	F(sid,		31,	16,	VTD_INV_NUM)	/* SID, bits 31:16 */	\
	F(pasid,	51,	32,	VTD_INV_NUM)	/* PASID, bits 51:32 */	\
	F(pfsid_hi,	63,	52,	VTD_INV_NUM)	/* PFSID[15:4], bits 63:52 */	\
	F(g,		64,	64,	VTD_INV_NUM)	/* G, bit 64 */	\
	F(s,		75,	75,	VTD_INV_NUM)	/* S (size), bit 75 */	\
	F(addr,		127,	76,	VTD_INV_ADDR)	/* ADDR, bits 127:76 */

/*
 * Page group response descriptor, spec 7.7 (Linux QI_PGRP_*).  PDP and the
 * Private Data are VT-d 3.x; rev 4.0 dropped them (Linux 6.10, QEMU treat
 * bit 5 as reserved).  Private Data is defined only with PDP = 1.
 */
#define VTD_INV_PGRP_FIELDS(F)						\
	F(pp,		4,	4,	VTD_INV_NUM)	/* PP (PASID present), bit 4 */	\
	F(pdp,		5,	5,	VTD_INV_NUM)	/* PDP (private data present), bit 5 */	\
	F(rc,		15,	12,	VTD_INV_NUM)	/* Response Code, bits 15:12 */	\
	F(rid,		31,	16,	VTD_INV_NUM)	/* RID (requester-id), bits 31:16 */	\
	F(pasid,	51,	32,	VTD_INV_NUM)	/* PASID, bits 51:32 */	\
	F(lpig,		66,	66,	VTD_INV_NUM)	/* LPIG, bit 66 */	\
	F(prgi,		75,	67,	VTD_INV_NUM)	/* PRG Index, bits 75:67 */	\
	F(private_data_lo, 191,	128,	VTD_INV_NUM)	/* Private Data[63:0], bits 191:128 */	\
	F(private_data_hi, 255,	192,	VTD_INV_NUM)	/* Private Data[127:64], bits 255:192 */

/*
 * Page request descriptor, spec ch. 7 (Linux prq.c struct page_req_dsc,
 * QEMU VTD_PRD_*).  PDP (bit 9) and Private Data are VT-d 3.x, gone in 4.0.
 */
#define VTD_PRQ_FIELDS(F)						\
	F(type,		7,	0,	VTD_INV_NUM)	/* Type, bits 7:0 */	\
	F(pp,		8,	8,	VTD_INV_NUM)	/* PP (PASID present), bit 8 */	\
	F(pdp,		9,	9,	VTD_INV_NUM)	/* PDP (private data present), bit 9 */	\
	F(rid,		31,	16,	VTD_INV_NUM)	/* RID (requester-id), bits 31:16 */	\
	F(pasid,	51,	32,	VTD_INV_NUM)	/* PASID, bits 51:32 */	\
	F(exr,		52,	52,	VTD_INV_NUM)	/* ER (execute requested), bit 52 */	\
	F(pmr,		53,	53,	VTD_INV_NUM)	/* PMR (privileged mode requested), bit 53 */	\
	F(rdr,		64,	64,	VTD_INV_NUM)	/* RDR (read requested), bit 64 */	\
	F(wrr,		65,	65,	VTD_INV_NUM)	/* WRR (write requested), bit 65 */	\
	F(lpig,		66,	66,	VTD_INV_NUM)	/* LPIG (last page in group), bit 66 */	\
	F(prgi,		75,	67,	VTD_INV_NUM)	/* PRGI (PRG index), bits 75:67 */	\
	F(addr,		127,	76,	VTD_INV_ADDR)	/* ADDR, bits 127:76 */	\
	F(private_data_lo, 191,	128,	VTD_INV_NUM)	/* Private Data[63:0], bits 191:128 */	\
	F(private_data_hi, 255,	192,	VTD_INV_NUM)	/* Private Data[127:64], bits 255:192 */

/* ---- Reserved bits -------------------------------------------------------
 * One mask per type and qword.  The type bits (3:0, 11:9) are not in them:
 * they are checked as the type.  qw2/qw3 masks apply to 256-bit queues.
 */
#define VTD_INV_RSVD_ALL	(~0ULL)

#define VTD_INV_CC_RSVD0	(GENMASK_ULL(8, 6) | GENMASK_ULL(15, 12) | \
				 GENMASK_ULL(63, 50))
#define VTD_INV_CC_RSVD1	VTD_INV_RSVD_ALL

#define VTD_INV_IOTLB_RSVD0	(BIT_ULL(8) | GENMASK_ULL(15, 12) | \
				 GENMASK_ULL(63, 32))
#define VTD_INV_IOTLB_RSVD1	GENMASK_ULL(11, 7)

#define VTD_INV_DEVTLB_RSVD0	(GENMASK_ULL(8, 4) | GENMASK_ULL(31, 21) | \
				 GENMASK_ULL(51, 48))
#define VTD_INV_DEVTLB_RSVD1	GENMASK_ULL(11, 1)

#define VTD_INV_IEC_RSVD0	(GENMASK_ULL(8, 5) | GENMASK_ULL(26, 12) | \
				 GENMASK_ULL(63, 48))
#define VTD_INV_IEC_RSVD1	VTD_INV_RSVD_ALL

#define VTD_INV_WAIT_RSVD0	(BIT_ULL(8) | GENMASK_ULL(31, 12))
#define VTD_INV_WAIT_RSVD1	GENMASK_ULL(1, 0)

#define VTD_INV_PIOTLB_RSVD0	(GENMASK_ULL(8, 6) | GENMASK_ULL(15, 12) | \
				 GENMASK_ULL(63, 52))
#define VTD_INV_PIOTLB_RSVD1	GENMASK_ULL(11, 7)

#define VTD_INV_PC_RSVD0	(GENMASK_ULL(8, 6) | GENMASK_ULL(15, 12) | \
				 GENMASK_ULL(63, 52))
#define VTD_INV_PC_RSVD1	VTD_INV_RSVD_ALL

#define VTD_INV_PDEVTLB_RSVD0	0ULL
#define VTD_INV_PDEVTLB_RSVD1	GENMASK_ULL(10, 1)

#define VTD_INV_PGRP_RSVD0	(GENMASK_ULL(8, 6) | GENMASK_ULL(63, 52))
#define VTD_INV_PGRP_RSVD1	(GENMASK_ULL(1, 0) | GENMASK_ULL(63, 12))
/* qw2/qw3 of a page group response: reserved unless PDP = 1. */

#define VTD_PRQ_RSVD0		(GENMASK_ULL(15, 10) | GENMASK_ULL(63, 54))
#define VTD_PRQ_RSVD1		0ULL
/* qw2/qw3 of a page request: reserved unless PDP = 1. */

/*
 * Reserved-bit mask of qword @i (0..3) of a descriptor of @type; all ones
 * for an unknown type.  For the page group response, qw2/qw3 are given for
 * PDP = 0; with PDP = 1 they carry Private Data and have no reserved bits.
 * Types 6..9 exist only as 256-bit descriptors (scalable mode), see
 * vtd_inv_type_needs_256().
 */
static inline u64 vtd_inv_rsvd_mask(u8 type, unsigned int i)
{
	static const u64 rsvd[][2] = {
		[VTD_INV_CC]		= { VTD_INV_CC_RSVD0, VTD_INV_CC_RSVD1 },
		[VTD_INV_IOTLB]		= { VTD_INV_IOTLB_RSVD0, VTD_INV_IOTLB_RSVD1 },
		[VTD_INV_DEVTLB]	= { VTD_INV_DEVTLB_RSVD0, VTD_INV_DEVTLB_RSVD1 },
		[VTD_INV_IEC]		= { VTD_INV_IEC_RSVD0, VTD_INV_IEC_RSVD1 },
		[VTD_INV_WAIT]		= { VTD_INV_WAIT_RSVD0, VTD_INV_WAIT_RSVD1 },
		[VTD_INV_PIOTLB]	= { VTD_INV_PIOTLB_RSVD0, VTD_INV_PIOTLB_RSVD1 },
		[VTD_INV_PC]		= { VTD_INV_PC_RSVD0, VTD_INV_PC_RSVD1 },
		[VTD_INV_PDEVTLB]	= { VTD_INV_PDEVTLB_RSVD0, VTD_INV_PDEVTLB_RSVD1 },
		[VTD_INV_PGRP_RESP]	= { VTD_INV_PGRP_RSVD0, VTD_INV_PGRP_RSVD1 },
	};

	if (type < VTD_INV_CC || type > VTD_INV_PGRP_RESP || i > 3)
		return VTD_INV_RSVD_ALL;
	if (i >= 2)
		return VTD_INV_RSVD_ALL;
	return rsvd[type][i];
}

/*
 * The PASID-granular descriptors and the page group response are defined
 * for 256-bit queues only (scalable mode requires IQA_REG.DW = 1); QEMU
 * likewise rejects them in a 128-bit queue.
 */
static inline bool vtd_inv_type_needs_256(u8 type)
{
	return type >= VTD_INV_PIOTLB && type <= VTD_INV_PGRP_RESP;
}

/* ---- Accessors ---------------------------------------------------------- */

static inline u64 __vtd_qw_get(const u64 *qw, unsigned int hi,
			       unsigned int lo, int kind)
{
	u64 v = qw[lo / 64] & GENMASK_ULL(hi % 64, lo % 64);

	return kind == VTD_INV_ADDR ? v : v >> (lo % 64);
}

static inline void __vtd_qw_set(u64 *qw, unsigned int hi, unsigned int lo,
				int kind, u64 x)
{
	u64 m = GENMASK_ULL(hi % 64, lo % 64);
	u64 v = kind == VTD_INV_ADDR ? x : x << (lo % 64);

	qw[lo / 64] = (qw[lo / 64] & ~m) | (v & m);
}

#define __VTD_DESC_ACCESSORS(type, pfx, name, hi, lo, kind)		\
static inline u64 pfx##_##name(const struct type *d)			\
{									\
	return __vtd_qw_get(d->qw, hi, lo, kind);			\
}									\
static inline void pfx##_set_##name(struct type *d, u64 x)		\
{									\
	__vtd_qw_set(d->qw, hi, lo, kind, x);				\
}

#define __VTD_INV_CC_ACC(n, h, l, k)	__VTD_DESC_ACCESSORS(vtd_inv_desc, vtd_inv_cc, n, h, l, k)
#define __VTD_INV_IOTLB_ACC(n, h, l, k)	__VTD_DESC_ACCESSORS(vtd_inv_desc, vtd_inv_iotlb, n, h, l, k)
#define __VTD_INV_DEVTLB_ACC(n, h, l, k) __VTD_DESC_ACCESSORS(vtd_inv_desc, vtd_inv_devtlb, n, h, l, k)
#define __VTD_INV_IEC_ACC(n, h, l, k)	__VTD_DESC_ACCESSORS(vtd_inv_desc, vtd_inv_iec, n, h, l, k)
#define __VTD_INV_WAIT_ACC(n, h, l, k)	__VTD_DESC_ACCESSORS(vtd_inv_desc, vtd_inv_wait, n##_, h, l, k)
#define __VTD_INV_PIOTLB_ACC(n, h, l, k) __VTD_DESC_ACCESSORS(vtd_inv_desc, vtd_inv_piotlb, n, h, l, k)
#define __VTD_INV_PC_ACC(n, h, l, k)	__VTD_DESC_ACCESSORS(vtd_inv_desc, vtd_inv_pc, n, h, l, k)
#define __VTD_INV_PDEVTLB_ACC(n, h, l, k) __VTD_DESC_ACCESSORS(vtd_inv_desc, vtd_inv_pdevtlb, n, h, l, k)
#define __VTD_INV_PGRP_ACC(n, h, l, k)	__VTD_DESC_ACCESSORS(vtd_inv_desc, vtd_inv_pgrp, n, h, l, k)
#define __VTD_PRQ_ACC(n, h, l, k)	__VTD_DESC_ACCESSORS(vtd_page_req_desc, vtd_prq, n, h, l, k)

/*
 * vtd_inv_cc_g(), vtd_inv_cc_set_did(), vtd_inv_iotlb_addr(), ...
 * The wait descriptor's fields get a trailing underscore
 * (vtd_inv_wait_if_(), vtd_inv_wait_set_sw_()) because "if" is a keyword.
 */
VTD_INV_CC_FIELDS(__VTD_INV_CC_ACC)
VTD_INV_IOTLB_FIELDS(__VTD_INV_IOTLB_ACC)
VTD_INV_DEVTLB_FIELDS(__VTD_INV_DEVTLB_ACC)
VTD_INV_IEC_FIELDS(__VTD_INV_IEC_ACC)
VTD_INV_WAIT_FIELDS(__VTD_INV_WAIT_ACC)
VTD_INV_PIOTLB_FIELDS(__VTD_INV_PIOTLB_ACC)
VTD_INV_PC_FIELDS(__VTD_INV_PC_ACC)
VTD_INV_PDEVTLB_FIELDS(__VTD_INV_PDEVTLB_ACC)
VTD_INV_PGRP_FIELDS(__VTD_INV_PGRP_ACC)
VTD_PRQ_FIELDS(__VTD_PRQ_ACC)

/* PFSID (physical function source-id) reassembled from its two parts. */
static inline u16 vtd_inv_devtlb_pfsid(const struct vtd_inv_desc *d)
{
	return (u16)(vtd_inv_devtlb_pfsid_lo(d) |
		     (vtd_inv_devtlb_pfsid_hi(d) << 4));
}

static inline void vtd_inv_devtlb_set_pfsid(struct vtd_inv_desc *d, u16 pfsid)
{
	vtd_inv_devtlb_set_pfsid_lo(d, pfsid & 0xf);
	vtd_inv_devtlb_set_pfsid_hi(d, pfsid >> 4);
}

static inline u16 vtd_inv_pdevtlb_pfsid(const struct vtd_inv_desc *d)
{
	return (u16)(vtd_inv_pdevtlb_pfsid_lo(d) |
		     (vtd_inv_pdevtlb_pfsid_hi(d) << 4));
}

static inline void vtd_inv_pdevtlb_set_pfsid(struct vtd_inv_desc *d, u16 pfsid)
{
	vtd_inv_pdevtlb_set_pfsid_lo(d, pfsid & 0xf);
	vtd_inv_pdevtlb_set_pfsid_hi(d, pfsid >> 4);
}

#endif /* _UAPI_NESTMED_VTD_QI_H */
