/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intel VT-d 3.x (scalable mode) hardware interface: register file.
 *
 * The complete interface is this header plus the ones it includes:
 *   vtd_tables.h  root, context (legacy + scalable), PASID directory and
 *                 PASID table entries (spec 9.1-9.6)
 *   vtd_pte.h     first- and second-stage paging entries (9.7, 9.8)
 *   vtd_qi.h      invalidation descriptors, page requests and responses
 *                 (6.5.2, 7.5)
 *   vtd_fault.h   fault reason codes (7.1.3)
 *
 * Register offsets and every CAP/ECAP field follow spec chapter 10 ("Register
 * Descriptions") of rev 3.x, cross-checked against Linux 6.12
 * drivers/iommu/intel/iommu.h (DMAR_*_REG, cap_*, ecap_*, DMA_*) and QEMU
 * hw/i386/intel_iommu_internal.h.  Fields are listed once, in X-macro
 * tables (vtd_field.h), which generate the accessors and the decoder tables.
 */
#ifndef _UAPI_NESTMED_VTD_H
#define _UAPI_NESTMED_VTD_H

#include <nestmed/compat.h>
#include <nestmed/vtd_field.h>

/* ------------------------------------------------------------------ */
/* Register offsets (10.4)                                            */
/* ------------------------------------------------------------------ */
#define VTD_VER_REG		0x000	/* 32: architecture version */
#define VTD_CAP_REG		0x008	/* 64: capability */
#define VTD_ECAP_REG		0x010	/* 64: extended capability */
#define VTD_GCMD_REG		0x018	/* 32: global command */
#define VTD_GSTS_REG		0x01c	/* 32: global status */
#define VTD_RTADDR_REG		0x020	/* 64: root table address */
#define VTD_CCMD_REG		0x028	/* 64: context command */
#define VTD_FSTS_REG		0x034	/* 32: fault status */
#define VTD_FECTL_REG		0x038	/* 32: fault event control */
#define VTD_FEDATA_REG		0x03c	/* 32: fault event data */
#define VTD_FEADDR_REG		0x040	/* 32: fault event address */
#define VTD_FEUADDR_REG		0x044	/* 32: fault event upper address */
#define VTD_AFLOG_REG		0x058	/* 64: advanced fault log (deprecated) */
#define VTD_PMEN_REG		0x064	/* 32: protected memory enable */
#define VTD_PLMBASE_REG		0x068	/* 32: protected low memory base */
#define VTD_PLMLIMIT_REG	0x06c	/* 32: protected low memory limit */
#define VTD_PHMBASE_REG		0x070	/* 64: protected high memory base */
#define VTD_PHMLIMIT_REG	0x078	/* 64: protected high memory limit */
#define VTD_IQH_REG		0x080	/* 64: invalidation queue head */
#define VTD_IQT_REG		0x088	/* 64: invalidation queue tail */
#define VTD_IQA_REG		0x090	/* 64: invalidation queue address */
#define VTD_ICS_REG		0x09c	/* 32: invalidation completion status */
#define VTD_IECTL_REG		0x0a0	/* 32: invalidation event control */
#define VTD_IEDATA_REG		0x0a4	/* 32: invalidation event data */
#define VTD_IEADDR_REG		0x0a8	/* 32: invalidation event address */
#define VTD_IEUADDR_REG		0x0ac	/* 32: invalidation event upper address */
#define VTD_IQERCD_REG		0x0b0	/* 64: invalidation queue error record */
#define VTD_IRTA_REG		0x0b8	/* 64: interrupt remapping table address */
#define VTD_PQH_REG		0x0c0	/* 64: page request queue head */
#define VTD_PQT_REG		0x0c8	/* 64: page request queue tail */
#define VTD_PQA_REG		0x0d0	/* 64: page request queue address */
#define VTD_PRS_REG		0x0dc	/* 32: page request status */
#define VTD_PECTL_REG		0x0e0	/* 32: page request event control */
#define VTD_PEDATA_REG		0x0e4	/* 32: page request event data */
#define VTD_PEADDR_REG		0x0e8	/* 32: page request event address */
#define VTD_PEUADDR_REG		0x0ec	/* 32: page request event upper address */
#define VTD_MTRRCAP_REG		0x100	/* 64: MTRR capability */
#define VTD_MTRRDEF_REG		0x108	/* 64: MTRR default type */
#define VTD_ECMD_REG		0x400	/* 64: enhanced command (rev 4.0) */
#define VTD_ECRSP_REG		0x410	/* 64: enhanced command response */
#define VTD_ECCAP_REG		0x430	/* 64: enhanced command capability */

/*
 * Virtual command interface (ECAP.VCS), present only in spec rev 3.0-3.3 and
 * since dropped.  Rev 3.0/3.1 placed VCCAP/VCMD/VCRSP at 0xe00/0xe10/0xe20
 * with the operand at bit 8 and a 2-bit status code; rev 3.3 moved them to
 * 0xe30/0xe00/0xe10 with the operand at bit 16 (Linux commit 4d99efb229e6).
 * Both layouts are named features; a vIOMMU picks one.
 */
enum vtd_vcmd_layout {
	VTD_VCMD_REV30 = 0,	/* rev 3.0/3.1 (the default of this project) */
	VTD_VCMD_REV33 = 1,	/* rev 3.3 */
};

#define VTD_VCCAP_REG_R30	0xe00	/* 64: virtual command capability */
#define VTD_VCMD_REG_R30	0xe10	/* 64: virtual command */
#define VTD_VCRSP_REG_R30	0xe20	/* 64: virtual command response */
#define VTD_VCCAP_REG_R33	0xe30
#define VTD_VCMD_REG_R33	0xe00
#define VTD_VCRSP_REG_R33	0xe10

#define VTD_VCMD_CMD		GENMASK_ULL(7, 0)	/* command code */
#define VTD_VCMD_ALLOC_PASID	1
#define VTD_VCMD_FREE_PASID	2
#define VTD_VCCAP_PAS		BIT_ULL(0)	/* PASID allocation supported */
#define VTD_VCRSP_IP		BIT_ULL(0)	/* in progress */

/* Operand (VCMD) / result (VCRSP) position and status code per layout. */
static inline unsigned int vtd_vcmd_operand_shift(enum vtd_vcmd_layout l)
{
	return l == VTD_VCMD_REV30 ? 8 : 16;
}

/* VCRSP.SC: status code, bits 2:1 (rev 3.0) or 7:1 (rev 3.3). */
static inline u64 vtd_vcrsp_sc(u64 v, enum vtd_vcmd_layout l)
{
	return l == VTD_VCMD_REV30 ? (v >> 1) & 0x3 : (v & 0xff) >> 1;
}

#define VTD_VCRSP_SC_SUCCESS		0
#define VTD_VCRSP_SC_NO_PASID_R30	2	/* alloc: none free; free: invalid */
#define VTD_VCRSP_SC_NO_PASID_R33	16

/* IOTLB registers sit at ECAP.IRO * 16 (10.4.8). */
#define VTD_IVA_OFF		0x0	/* 64: invalidate address */
#define VTD_IOTLB_OFF		0x8	/* 64: IOTLB invalidate */
/* Fault recording registers: NFR+1 of 16 bytes from CAP.FRO * 16. */
#define VTD_FRCD_LEN		16

/* ------------------------------------------------------------------ */
/* VER_REG (10.4.1)                                                   */
/* ------------------------------------------------------------------ */
#define VTD_VER_FIELDS(X)						\
	X(min, 3, 0, VTD_NUM, "Minor version number")			\
	X(max, 7, 4, VTD_NUM, "Major version number")
#define VTD_VER_ACC(n, h, l, k, d) VTD_REG_ACCESSORS(ver, n, h, l, k, d)
VTD_VER_FIELDS(VTD_VER_ACC)

/* ------------------------------------------------------------------ */
/* CAP_REG (10.4.2)                                                   */
/* ------------------------------------------------------------------ */
#define VTD_CAP_FIELDS(X)						\
	X(nd, 2, 0, VTD_NUM, "Number of domains: 2^(4+2*ND) domain ids") \
	X(afl, 3, 3, VTD_NUM, "Advanced fault logging (deprecated)")	\
	X(rwbf, 4, 4, VTD_NUM, "Required write-buffer flushing")	\
	X(plmr, 5, 5, VTD_NUM, "Protected low-memory region")		\
	X(phmr, 6, 6, VTD_NUM, "Protected high-memory region")		\
	X(cm, 7, 7, VTD_NUM, "Caching mode: not-present entries cached") \
	X(sagaw, 12, 8, VTD_NUM, "Supported adjusted guest address widths (bit1 39b/3L, bit2 48b/4L, bit3 57b/5L)") \
	X(mgaw, 21, 16, VTD_NUM, "Maximum guest address width minus 1") \
	X(zlr, 22, 22, VTD_NUM, "Zero length read")			\
	X(fro, 33, 24, VTD_NUM, "Fault-recording register offset / 16") \
	X(sllps, 37, 34, VTD_NUM, "Second-stage large page support (bit0 2M, bit1 1G)") \
	X(psi, 39, 39, VTD_NUM, "Page-selective invalidation")		\
	X(nfr, 47, 40, VTD_NUM, "Number of fault-recording registers minus 1") \
	X(mamv, 53, 48, VTD_NUM, "Maximum address mask value for PSI")	\
	X(dwd, 54, 54, VTD_NUM, "Write draining")			\
	X(drd, 55, 55, VTD_NUM, "Read draining")			\
	X(fl1gp, 56, 56, VTD_NUM, "First-stage 1-GByte page support")	\
	X(pi, 59, 59, VTD_NUM, "Posted interrupts")			\
	X(fl5lp, 60, 60, VTD_NUM, "First-stage 5-level paging support") \
	X(ecmds, 61, 61, VTD_NUM, "Enhanced command support")		\
	X(esirtps, 62, 62, VTD_NUM, "Enhanced set interrupt remap table pointer") \
	X(esrtps, 63, 63, VTD_NUM, "Enhanced set root table pointer")
#define VTD_CAP_ACC(n, h, l, k, d) VTD_REG_ACCESSORS(cap, n, h, l, k, d)
VTD_CAP_FIELDS(VTD_CAP_ACC)

/* SAGAW bits: which second-stage widths/levels are supported. */
#define VTD_SAGAW_39		BIT(1)	/* 3-level */
#define VTD_SAGAW_48		BIT(2)	/* 4-level */
#define VTD_SAGAW_57		BIT(3)	/* 5-level */

static inline unsigned int vtd_cap_mgaw_bits(u64 cap)
{
	return vtd_cap_mgaw(cap) + 1;
}

static inline unsigned int vtd_cap_nfr_count(u64 cap)
{
	return vtd_cap_nfr(cap) + 1;
}

static inline unsigned int vtd_cap_frcd_offset(u64 cap)
{
	return vtd_cap_fro(cap) * 16;
}

/* Domain-id width in bits: 4 + 2 * ND (ND = 7 is reserved). */
static inline unsigned int vtd_cap_did_bits(u64 cap)
{
	return 4 + 2 * vtd_cap_nd(cap);
}

/* ------------------------------------------------------------------ */
/* ECAP_REG (10.4.3)                                                  */
/* ------------------------------------------------------------------ */
#define VTD_ECAP_FIELDS(X)						\
	X(c, 0, 0, VTD_NUM, "Page-walk coherency (legacy mode)")	\
	X(qi, 1, 1, VTD_NUM, "Queued invalidation")			\
	X(dt, 2, 2, VTD_NUM, "Device-TLB")				\
	X(ir, 3, 3, VTD_NUM, "Interrupt remapping")			\
	X(eim, 4, 4, VTD_NUM, "Extended interrupt mode (x2APIC)")	\
	X(pt, 6, 6, VTD_NUM, "Pass through")				\
	X(sc, 7, 7, VTD_NUM, "Snoop control")				\
	X(iro, 17, 8, VTD_NUM, "IOTLB register offset / 16")		\
	X(mhmv, 23, 20, VTD_NUM, "Maximum handle mask value")		\
	X(mts, 25, 25, VTD_NUM, "Memory type support")			\
	X(nest, 26, 26, VTD_NUM, "Nested translation (PGTT=011b)")	\
	X(prs, 29, 29, VTD_NUM, "Page requests")			\
	X(ers, 30, 30, VTD_NUM, "Execute requests")			\
	X(srs, 31, 31, VTD_NUM, "Supervisor requests")			\
	X(nwfs, 33, 33, VTD_NUM, "No-write flag in translation requests") \
	X(eafs, 34, 34, VTD_NUM, "Extended accessed flag")		\
	X(pss, 39, 35, VTD_NUM, "PASID size minus 1 (bits)")		\
	X(pasid, 40, 40, VTD_NUM, "PASID support")			\
	X(dit, 41, 41, VTD_NUM, "Device-TLB invalidation throttle")	\
	X(pds, 42, 42, VTD_NUM, "Page-request drain (PD in inv-wait)")	\
	X(smts, 43, 43, VTD_NUM, "Scalable-mode translation")		\
	X(vcs, 44, 44, VTD_NUM, "Virtual command (rev 3.0-3.3)")	\
	X(slads, 45, 45, VTD_NUM, "Second-stage accessed/dirty")	\
	X(slts, 46, 46, VTD_NUM, "Second-stage translation (PGTT=010b)") \
	X(flts, 47, 47, VTD_NUM, "First-stage translation (PGTT=001b)")	\
	X(smpwc, 48, 48, VTD_NUM, "Scalable-mode page-walk coherency")	\
	X(rps, 49, 49, VTD_NUM, "RID_PASID field in scalable context")	\
	X(tdxio, 50, 50, VTD_NUM, "TDX-IO")				\
	X(pms, 51, 51, VTD_NUM, "Performance monitoring")		\
	X(adms, 52, 52, VTD_NUM, "Abort DMA mode")			\
	X(rprivs, 53, 53, VTD_NUM, "RID_PRIV in scalable context")
#define VTD_ECAP_ACC(n, h, l, k, d) VTD_REG_ACCESSORS(ecap, n, h, l, k, d)
VTD_ECAP_FIELDS(VTD_ECAP_ACC)

/* Number of PASID bits: PSS + 1 (only when ECAP.PASID). */
static inline unsigned int vtd_ecap_pasid_bits(u64 ecap)
{
	return vtd_ecap_pasid(ecap) ? vtd_ecap_pss(ecap) + 1 : 0;
}

static inline unsigned int vtd_ecap_iotlb_offset(u64 ecap)
{
	return vtd_ecap_iro(ecap) * 16;
}

/* ------------------------------------------------------------------ */
/* GCMD_REG / GSTS_REG (10.4.4, 10.4.5): command bit n <-> status n   */
/* ------------------------------------------------------------------ */
#define VTD_GCMD_CFI		BIT(23)	/* compatibility format interrupt */
#define VTD_GCMD_SIRTP		BIT(24)	/* set interrupt remap table ptr */
#define VTD_GCMD_IRE		BIT(25)	/* interrupt remapping enable */
#define VTD_GCMD_QIE		BIT(26)	/* queued invalidation enable */
#define VTD_GCMD_WBF		BIT(27)	/* write buffer flush */
#define VTD_GCMD_EAFL		BIT(28)	/* enable advanced fault logging */
#define VTD_GCMD_SFL		BIT(29)	/* set fault log */
#define VTD_GCMD_SRTP		BIT(30)	/* set root table pointer */
#define VTD_GCMD_TE		BIT(31)	/* translation enable */

#define VTD_GSTS_CFIS		BIT(23)
#define VTD_GSTS_IRTPS		BIT(24)
#define VTD_GSTS_IRES		BIT(25)
#define VTD_GSTS_QIES		BIT(26)
#define VTD_GSTS_WBFS		BIT(27)
#define VTD_GSTS_AFLS		BIT(28)
#define VTD_GSTS_FLS		BIT(29)
#define VTD_GSTS_RTPS		BIT(30)
#define VTD_GSTS_TES		BIT(31)

/* One-shot commands: status reports completion, not a persistent state. */
#define VTD_GCMD_ONESHOT	(VTD_GCMD_SRTP | VTD_GCMD_SIRTP | \
				 VTD_GCMD_WBF | VTD_GCMD_SFL)

/* ------------------------------------------------------------------ */
/* RTADDR_REG (10.4.6)                                                */
/* ------------------------------------------------------------------ */
enum vtd_ttm {
	VTD_TTM_LEGACY = 0,	/* root/context entries of 128 bits */
	VTD_TTM_SCALABLE = 1,	/* scalable mode: 256-bit context, PASID tables */
	VTD_TTM_RSVD = 2,
	VTD_TTM_ABORT = 3,	/* abort-DMA mode (ECAP.ADMS) */
};

#define VTD_RTADDR_FIELDS(X)						\
	X(ttm, 11, 10, VTD_NUM, "Translation table mode")		\
	X(rta, 63, 12, VTD_ADDR, "Root table address")
#define VTD_RTADDR_ACC(n, h, l, k, d) VTD_REG_ACCESSORS(rtaddr, n, h, l, k, d)
VTD_RTADDR_FIELDS(VTD_RTADDR_ACC)

/* ------------------------------------------------------------------ */
/* CCMD_REG (10.4.7): register-based context-cache invalidation        */
/* ------------------------------------------------------------------ */
#define VTD_CCMD_FIELDS(X)						\
	X(did, 15, 0, VTD_NUM, "Domain id")				\
	X(sid, 31, 16, VTD_NUM, "Source id")				\
	X(fm, 33, 32, VTD_NUM, "Function mask")				\
	X(caig, 60, 59, VTD_NUM, "Actual invalidation granularity")	\
	X(cirg, 62, 61, VTD_NUM, "Requested invalidation granularity")	\
	X(icc, 63, 63, VTD_NUM, "Invalidate context cache (busy)")
#define VTD_CCMD_ACC(n, h, l, k, d) VTD_REG_ACCESSORS(ccmd, n, h, l, k, d)
VTD_CCMD_FIELDS(VTD_CCMD_ACC)

/* IOTLB_REG (10.4.8.1) and IVA_REG (10.4.8.2) */
#define VTD_IOTLB_FIELDS(X)						\
	X(did, 47, 32, VTD_NUM, "Domain id")				\
	X(dw, 48, 48, VTD_NUM, "Drain writes")				\
	X(dr, 49, 49, VTD_NUM, "Drain reads")				\
	X(iaig, 58, 57, VTD_NUM, "Actual invalidation granularity")	\
	X(iirg, 61, 60, VTD_NUM, "Requested invalidation granularity")	\
	X(ivt, 63, 63, VTD_NUM, "Invalidate IOTLB (busy)")
#define VTD_IOTLB_ACC(n, h, l, k, d) VTD_REG_ACCESSORS(iotlb, n, h, l, k, d)
VTD_IOTLB_FIELDS(VTD_IOTLB_ACC)

#define VTD_IVA_FIELDS(X)						\
	X(am, 5, 0, VTD_NUM, "Address mask")				\
	X(ih, 6, 6, VTD_NUM, "Invalidation hint")			\
	X(addr, 63, 12, VTD_ADDR, "Address")
#define VTD_IVA_ACC(n, h, l, k, d) VTD_REG_ACCESSORS(iva, n, h, l, k, d)
VTD_IVA_FIELDS(VTD_IVA_ACC)

/* ------------------------------------------------------------------ */
/* Fault reporting: FSTS, FECTL, FRCD (10.4.9-10.4.14)                */
/* ------------------------------------------------------------------ */
#define VTD_FSTS_PFO		BIT(0)	/* primary fault overflow (RW1C) */
#define VTD_FSTS_PPF		BIT(1)	/* primary pending fault (RO) */
#define VTD_FSTS_AFO		BIT(2)	/* advanced fault overflow (deprecated) */
#define VTD_FSTS_APF		BIT(3)	/* advanced pending fault (deprecated) */
#define VTD_FSTS_IQE		BIT(4)	/* invalidation queue error (RW1C) */
#define VTD_FSTS_ICE		BIT(5)	/* invalidation completion error (RW1C) */
#define VTD_FSTS_ITE		BIT(6)	/* invalidation time-out error (RW1C) */
#define VTD_FSTS_FRI		GENMASK(15, 8)	/* fault record index (RO) */
#define VTD_FSTS_RW1C		(VTD_FSTS_PFO | VTD_FSTS_IQE | \
				 VTD_FSTS_ICE | VTD_FSTS_ITE)

/* Event control registers (FECTL, IECTL, PECTL) share one layout. */
#define VTD_xECTL_IP		BIT(30)	/* interrupt pending (RO) */
#define VTD_xECTL_IM		BIT(31)	/* interrupt mask (RW) */

/*
 * Fault recording register, 128 bits (10.4.14).  Linux dmar_fault() reads
 * the same positions as dwords: FR = dword 3 bits 7:0, PV = dword 3 bits
 * 27:8, T1 = dword 3 bit 30, F = dword 3 bit 31, SID = dword 2 bits 15:0,
 * PP = dword 2 bit 31, FI = qword 0 bits 63:12.
 */
struct vtd_frcd {
	u64 val[2];
};

#define VTD_FRCD_FIELDS(X)						\
	X(fi, 63, 12, VTD_ADDR, "Fault info: page address of the faulting request") \
	X(sid, 79, 64, VTD_NUM, "Source identifier")			\
	X(t2, 92, 92, VTD_NUM, "Type bit 2: 1 = page request")		\
	X(priv, 93, 93, VTD_NUM, "Privilege mode requested")		\
	X(exe, 94, 94, VTD_NUM, "Execute permission requested")		\
	X(pp, 95, 95, VTD_NUM, "PASID present")				\
	X(fr, 103, 96, VTD_NUM, "Fault reason")				\
	X(pv, 123, 104, VTD_NUM, "PASID value")				\
	X(at, 125, 124, VTD_NUM, "Address type")			\
	X(t1, 126, 126, VTD_NUM, "Type bit 1: 0 = write, 1 = read")	\
	X(f, 127, 127, VTD_NUM, "Fault (RW1C)")
#define VTD_FRCD_ACC(n, h, l, k, d) \
	VTD_ENTRY_ACCESSORS(vtd_frcd, frcd, n, h, l, k, d)
VTD_FRCD_FIELDS(VTD_FRCD_ACC)

/* ------------------------------------------------------------------ */
/* Queued invalidation registers (10.4.22-10.4.26)                    */
/* ------------------------------------------------------------------ */
#define VTD_IQH_QH		GENMASK_ULL(18, 4)	/* head, byte offset */
#define VTD_IQT_QT		GENMASK_ULL(18, 4)	/* tail, byte offset */
#define VTD_IQA_FIELDS(X)						\
	X(qs, 2, 0, VTD_NUM, "Queue size: 2^QS 4K pages")		\
	X(dw, 11, 11, VTD_NUM, "Descriptor width: 0 = 128, 1 = 256 bit") \
	X(iqa, 63, 12, VTD_ADDR, "Invalidation queue base address")
#define VTD_IQA_ACC(n, h, l, k, d) VTD_REG_ACCESSORS(iqa, n, h, l, k, d)
VTD_IQA_FIELDS(VTD_IQA_ACC)

#define VTD_ICS_IWC		BIT(0)	/* invalidation wait complete (RW1C) */

#define VTD_IQERCD_FIELDS(X)						\
	X(iqei, 3, 0, VTD_NUM, "Invalidation queue error info")		\
	X(itesid, 47, 32, VTD_NUM, "Time-out error source id")		\
	X(icesid, 63, 48, VTD_NUM, "Completion error source id")
#define VTD_IQERCD_ACC(n, h, l, k, d) VTD_REG_ACCESSORS(iqercd, n, h, l, k, d)
VTD_IQERCD_FIELDS(VTD_IQERCD_ACC)

/* IQERCD.IQEI: why IQE was set (rev 3.x). */
enum vtd_iqei {
	VTD_IQEI_NONE = 0,	/* info not available */
	VTD_IQEI_TAIL = 1,	/* invalid tail pointer */
	VTD_IQEI_FETCH = 2,	/* descriptor fetch failed */
	VTD_IQEI_TYPE = 3,	/* invalid descriptor type */
	VTD_IQEI_RSVD = 4,	/* reserved field set in a valid type */
	VTD_IQEI_WIDTH = 5,	/* invalid descriptor width (IQA.DW) */
};

/* ------------------------------------------------------------------ */
/* Page request queue registers (10.4.30-10.4.35)                     */
/* ------------------------------------------------------------------ */
#define VTD_PQH_PQH		GENMASK_ULL(18, 5)	/* head, byte offset */
#define VTD_PQT_PQT		GENMASK_ULL(18, 5)	/* tail, byte offset */
#define VTD_PQA_FIELDS(X)						\
	X(pqs, 2, 0, VTD_NUM, "Queue size: 2^PQS 4K pages")		\
	X(pqa, 63, 12, VTD_ADDR, "Page request queue base address")
#define VTD_PQA_ACC(n, h, l, k, d) VTD_REG_ACCESSORS(pqa, n, h, l, k, d)
VTD_PQA_FIELDS(VTD_PQA_ACC)

#define VTD_PRS_PPR		BIT(0)	/* pending page request (RW1C) */
#define VTD_PRS_PRO		BIT(1)	/* page request overflow (RW1C) */

/* ------------------------------------------------------------------ */
/* IRTA_REG (10.4.29)                                                 */
/* ------------------------------------------------------------------ */
#define VTD_IRTA_FIELDS(X)						\
	X(s, 3, 0, VTD_NUM, "Size: 2^(S+1) entries")			\
	X(eime, 11, 11, VTD_NUM, "Extended interrupt mode enable")	\
	X(irta, 63, 12, VTD_ADDR, "Interrupt remapping table address")
#define VTD_IRTA_ACC(n, h, l, k, d) VTD_REG_ACCESSORS(irta, n, h, l, k, d)
VTD_IRTA_FIELDS(VTD_IRTA_ACC)

/* Field tables generated from the lists above (vsva/vtd_fields.c). */
extern const struct vtd_field vtd_cap_fields[];
extern const struct vtd_field vtd_ecap_fields[];
extern const struct vtd_field vtd_frcd_fields[];
extern const unsigned int vtd_cap_nfields, vtd_ecap_nfields, vtd_frcd_nfields;

#include <nestmed/vtd_tables.h>
#include <nestmed/vtd_pte.h>
#include <nestmed/vtd_qi.h>
#include <nestmed/vtd_fault.h>

#endif /* _UAPI_NESTMED_VTD_H */
