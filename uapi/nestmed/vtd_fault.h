/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VT-d 3.x fault reason codes (spec 7.1.3, "Fault Conditions and
 * Remapping Hardware Behavior"): the 8-bit FR field of a fault recording
 * register.  Legacy-mode DMA remapping reasons are 0x01-0x0D, interrupt
 * remapping 0x20-0x26, scalable-mode DMA remapping 0x30-0x90.  Codes and
 * conditions cross-checked against Linux 6.12 drivers/iommu/intel/dmar.c
 * (dma_remap_fault_reasons / dma_remap_sm_fault_reasons tables, indexed
 * from 0 and 0x30) and QEMU hw/i386/intel_iommu_internal.h (VTD_FR_*).
 */
#ifndef _UAPI_NESTMED_VTD_FAULT_H
#define _UAPI_NESTMED_VTD_FAULT_H

enum vtd_fault_reason {
	VTD_FR_NONE			= 0x00,	/* software / no fault */

	/* Legacy mode (root/context with TT) */
	VTD_FR_ROOT_NOT_PRESENT		= 0x01,	/* root entry P clear */
	VTD_FR_CTX_NOT_PRESENT		= 0x02,	/* context entry P clear */
	VTD_FR_CTX_INVALID		= 0x03,	/* invalid context entry */
	VTD_FR_ADDR_BEYOND_MGAW		= 0x04,	/* input address above 2^AGAW */
	VTD_FR_WRITE			= 0x05,	/* PTE W clear */
	VTD_FR_READ			= 0x06,	/* PTE R clear */
	VTD_FR_PTE_PTR_INVALID		= 0x07,	/* next table pointer invalid */
	VTD_FR_ROOT_TABLE_INVALID	= 0x08,	/* root table address invalid */
	VTD_FR_CTX_TABLE_INVALID	= 0x09,	/* context table pointer invalid */
	VTD_FR_ROOT_RSVD		= 0x0a,	/* reserved bits in root entry */
	VTD_FR_CTX_RSVD			= 0x0b,	/* reserved bits in context entry */
	VTD_FR_PTE_RSVD			= 0x0c,	/* reserved bits in paging entry */
	VTD_FR_CTX_TT_BLOCKED		= 0x0d,	/* TT blocks translation request */

	/* Interrupt remapping */
	VTD_FR_IR_REQ_RSVD		= 0x20,
	VTD_FR_IR_INDEX_OVER		= 0x21,
	VTD_FR_IR_ENTRY_NOT_PRESENT	= 0x22,
	VTD_FR_IR_ROOT_INVALID		= 0x23,
	VTD_FR_IR_IRTE_RSVD		= 0x24,
	VTD_FR_IR_COMPAT_BLOCKED	= 0x25,
	VTD_FR_IR_SID_ERR		= 0x26,

	/* Scalable mode: root table */
	VTD_FR_SM_RTADDR_INVALID	= 0x30,	/* invalid root table address */
	VTD_FR_SM_TTM0_PASID		= 0x31,	/* TTM 0 for request with PASID */
	VTD_FR_SM_TTM0_PGREQ		= 0x32,	/* TTM 0 for page group request */
	VTD_FR_SM_ROOT_ACCESS		= 0x38,	/* error accessing root entry */
	VTD_FR_SM_ROOT_NOT_PRESENT	= 0x39,	/* root entry (UP/LP) P clear */
	VTD_FR_SM_ROOT_RSVD		= 0x3a,	/* reserved bits in root entry */

	/* Scalable mode: context entry */
	VTD_FR_SM_CTX_ACCESS		= 0x40,	/* error accessing context entry */
	VTD_FR_SM_CTX_NOT_PRESENT	= 0x41,	/* context entry P clear */
	VTD_FR_SM_CTX_RSVD		= 0x42,	/* reserved bits in context entry */
	VTD_FR_SM_CTX_INVALID		= 0x43,	/* invalid context entry */
	VTD_FR_SM_CTX_DTE		= 0x44,	/* translation request, DTE clear */
	VTD_FR_SM_CTX_PASIDE		= 0x45,	/* request with PASID, PASIDE clear */
	VTD_FR_SM_CTX_PASID_MAX		= 0x46,	/* PASID above the PDTS limit */
	VTD_FR_SM_CTX_PRE		= 0x47,	/* page request, PRE clear */
	VTD_FR_SM_CTX_RID_PASID		= 0x48,	/* RID_PASID field error */

	/* Scalable mode: PASID directory entry */
	VTD_FR_SM_PDIR_ACCESS		= 0x50,	/* error accessing PASID dir entry */
	VTD_FR_SM_PDIR_NOT_PRESENT	= 0x51,	/* PASID dir entry P clear */
	VTD_FR_SM_PDIR_RSVD		= 0x52,	/* reserved bits in PASID dir entry */

	/* Scalable mode: PASID table entry */
	VTD_FR_SM_PASID_ACCESS		= 0x58,	/* error accessing PASID entry */
	VTD_FR_SM_PASID_NOT_PRESENT	= 0x59,	/* PASID entry P clear */
	VTD_FR_SM_PASID_RSVD		= 0x5a,	/* reserved bits in PASID entry */
	VTD_FR_SM_PASID_INVALID		= 0x5b,	/* invalid PASID entry (PGTT..) */
	VTD_FR_SM_PASID_ERE		= 0x5c,	/* execute request, ERE clear */
	VTD_FR_SM_PASID_SRE		= 0x5d,	/* supervisor request, SRE clear */

	/* Scalable mode: first-stage walk */
	VTD_FR_SM_FS_ACCESS		= 0x70,	/* error accessing FS paging entry */
	VTD_FR_SM_FS_NOT_PRESENT	= 0x71,	/* FS paging entry P clear */
	VTD_FR_SM_FS_RSVD		= 0x72,	/* reserved bits in FS paging entry */
	VTD_FR_SM_FS_ROOT_ACCESS	= 0x73,	/* error accessing FS root (PML4/5) */
	VTD_FR_SM_FS_NESTED_MGAW	= 0x74,	/* nested: FS entry GPA beyond MGAW */
	VTD_FR_SM_FS_NESTED_ROOT_READ	= 0x75,	/* nested: SS denies read of FS root */
	VTD_FR_SM_FS_NESTED_READ	= 0x76,	/* nested: SS denies read of FS entry */
	VTD_FR_SM_FS_NESTED_WRITE	= 0x77,	/* nested: SS denies A/D write of FS entry */

	/* Scalable mode: second-stage walk */
	VTD_FR_SM_SS_ACCESS		= 0x78,	/* error accessing SS paging entry */
	VTD_FR_SM_SS_NOT_PRESENT	= 0x79,	/* SS paging entry R=W=0 */
	VTD_FR_SM_SS_RSVD		= 0x7a,	/* reserved bits in SS paging entry */
	VTD_FR_SM_SS_PTR_INVALID	= 0x7b,	/* invalid SS page table pointer */
	VTD_FR_SM_SS_AD_NOSNOOP		= 0x7c,	/* SS A/D update with no-snoop walk */

	/* Scalable mode: permission and address checks */
	VTD_FR_SM_NONCANONICAL		= 0x80,	/* FS input address not canonical */
	VTD_FR_SM_US			= 0x81,	/* user request, FS U/S clear */
	VTD_FR_SM_NO_EXEC		= 0x82,	/* execute request, no X permission */
	VTD_FR_SM_ADDR_BEYOND_MAX	= 0x83,	/* input address beyond AW/MGAW */
	VTD_FR_SM_SS_ADDR_BEYOND_MAX	= 0x84,	/* SS output address beyond HAW */
	VTD_FR_SM_NO_WRITE		= 0x85,	/* write/atomic, no W permission */
	VTD_FR_SM_NO_READ		= 0x86,	/* read/atomic, no R permission */
	VTD_FR_SM_INTR_ADDR		= 0x87,	/* translated to interrupt range */
	VTD_FR_SM_FS_AD_NOSNOOP		= 0x90,	/* FS A/D update with no-snoop walk */
};

/* Human-readable condition for a fault reason ("unknown" if not defined). */
const char *vtd_fault_reason_str(unsigned int fr);

#endif /* _UAPI_NESTMED_VTD_FAULT_H */
