/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The nestmed S-IOV PF: programming interface (ABI).
 *
 * A Scalable-IOV physical function modelled on Intel DSA (work queues as
 * Assignable Device Interfaces, 64-byte descriptors carrying a PASID,
 * 32-byte completion records, one 4 KiB portal page per WQ, IMS,
 * block-on-fault with PRI) with a register map of our own.  The simulated
 * device is host/sim/siov_pf.c; the Linux 6.12 guest driver (nmdev.ko) and
 * docs/siov.md are written against this header alone.
 *
 * Standard PCI registers use the offsets and bits of
 * include/uapi/linux/pci_regs.h (Linux 6.12); everything below the "BAR0"
 * line is ours.  All multi-byte values are little-endian.
 */
#ifndef _UAPI_NESTMED_SIOV_H
#define _UAPI_NESTMED_SIOV_H

#include <nestmed/compat.h>

/* ------------------------------------------------------------------ */
/* PCI identity                                                       */
/* ------------------------------------------------------------------ */
/*
 * 1234:5349 ("SI"): no driver of Debian's Linux 6.12.117 claims it (its
 * modules.alias and built-in aliases were matched against it; the only
 * 1234 driver is bochs, 1234:1111).  Class 08 80 00 ("other system
 * peripheral") as DSA; no class-wide driver matches 0880.
 */
#define SIOV_PCI_VENDOR_ID	0x1234
#define SIOV_PCI_DEVICE_ID	0x5349
#define SIOV_PCI_SUBSYS_VENDOR	0x1234
#define SIOV_PCI_SUBSYS_ID	0x5349
#define SIOV_PCI_REVISION	0x01
#define SIOV_PCI_CLASS		0x088000	/* base 08, sub 80, prog-if 00 */

/* Config-space layout (offsets are fixed; software should still walk). */
#define SIOV_CFG_SIZE		4096
#define SIOV_CFG_PCIE		0x40	/* PCI Express cap, RCiEP, v2 */
#define SIOV_CFG_PCIE_LEN	0x3c
#define SIOV_CFG_MSIX		0x80	/* MSI-X cap, table/PBA in BAR0 */
#define SIOV_CFG_MSIX_LEN	0x0c
#define SIOV_CFG_PASID		0x100	/* ext cap 0x1b v1 */
#define SIOV_CFG_ATS		0x108	/* ext cap 0x0f v1 */
#define SIOV_CFG_PRI		0x110	/* ext cap 0x13 v1 */
#define SIOV_CFG_DVSEC		0x120	/* ext cap 0x23 v1, S-IOV DVSEC */

/* Capability IDs and register offsets (values of pci_regs.h). */
#define SIOV_PCI_CAP_ID_EXP		0x10
#define SIOV_PCI_CAP_ID_MSIX		0x11
#define SIOV_PCI_EXT_CAP_ID_ATS		0x0f
#define SIOV_PCI_EXT_CAP_ID_PRI		0x13
#define SIOV_PCI_EXT_CAP_ID_PASID	0x1b
#define SIOV_PCI_EXT_CAP_ID_DVSEC	0x23

/* Extended capability header: ID 15:0, version 19:16, next 31:20. */
static inline u16 siov_ext_cap_id(u32 hdr) { return hdr & 0xffff; }
static inline u8 siov_ext_cap_ver(u32 hdr) { return (hdr >> 16) & 0xf; }
static inline u16 siov_ext_cap_next(u32 hdr) { return (hdr >> 20) & 0xffc; }

/* PASID capability (PCIe 6.0 7.8.8): width 20, execute and privileged. */
#define SIOV_PASID_WIDTH		20
/* S-IOV DVSEC (Intel Scalable IOV spec, DVSEC for S-IOV PFs) */
#define SIOV_DVSEC_VENDOR		0x8086
#define SIOV_DVSEC_ID			5
#define SIOV_DVSEC_REV			0
#define SIOV_DVSEC_LEN			0x18
#define SIOV_DVSEC_FUNC_DEP_LINK	0x0a	/* u8 */
#define SIOV_DVSEC_FLAGS		0x0b	/* u8, bit 0 homogeneous */
#define SIOV_DVSEC_SUP_PAGE_SIZES	0x0c	/* u32, bit n: 2^(n+12) */
#define SIOV_DVSEC_SYS_PAGE_SIZE	0x10	/* u32, RW */
#define SIOV_DVSEC_CAP			0x14	/* u32 */
#define SIOV_DVSEC_CAP_IMS		BIT(0)	/* IMS supported */
/* PRI: outstanding page request capacity, as DSA. */
#define SIOV_PRI_CAPACITY		512

/* ------------------------------------------------------------------ */
/* BAR layout                                                         */
/* ------------------------------------------------------------------ */
#define SIOV_BAR0		0	/* control registers, MSI-X, WQCFG, IMS */
#define SIOV_BAR2		2	/* portals, one 4 KiB page per WQ */
#define SIOV_BAR0_SIZE		0x40000
#define SIOV_PORTAL_SIZE	4096
#define SIOV_DESC_SIZE		64
#define SIOV_CR_SIZE		32

#define SIOV_MAX_WQS		4096
#define SIOV_DEFAULT_WQS	64
#define SIOV_MAX_MSIX		2048
#define SIOV_MAX_IMS		4096
#define SIOV_ERRLOG_ENTRIES	16

/* BAR0 regions. */
#define SIOV_REG_ERRLOG		0x00400	/* 16 entries x 32 bytes */
#define SIOV_REG_MSIX_TABLE	0x02000	/* 16 bytes per vector */
#define SIOV_REG_MSIX_PBA	0x0a000	/* one bit per vector */
#define SIOV_REG_WQCFG		0x10000	/* 32 bytes per WQ */
#define SIOV_WQCFG_STRIDE	0x20u
#define SIOV_REG_IMS		0x30000	/* 16 bytes per IMS entry */
#define SIOV_IMS_STRIDE		0x10u

/* ------------------------------------------------------------------ */
/* BAR0 device registers (8-byte registers take 4- or 8-byte accesses) */
/* ------------------------------------------------------------------ */
#define SIOV_REG_VERSION	0x000	/* RO u32: major 15:8, minor 7:0 */
#define SIOV_VERSION		0x0100
#define SIOV_REG_GENCAP		0x008	/* RO u64 */
#define SIOV_GENCAP_BOF		BIT_ULL(0)	/* block on fault supported */
#define SIOV_GENCAP_IMS		BIT_ULL(1)	/* IMS completion interrupts */
#define SIOV_GENCAP_DRAIN_PASID	BIT_ULL(2)
#define SIOV_GENCAP_MAX_XFER_LG2 GENMASK_ULL(12, 8)	/* log2 max xfer */
#define SIOV_GENCAP_NR_IMS	GENMASK_ULL(31, 16)	/* IMS entries */
#define SIOV_GENCAP_NR_MSIX	GENMASK_ULL(47, 32)	/* MSI-X vectors */
#define SIOV_REG_WQCAP		0x010	/* RO u64 */
#define SIOV_WQCAP_NR_WQS	GENMASK_ULL(15, 0)
#define SIOV_WQCAP_MAX_SIZE	GENMASK_ULL(31, 16)	/* per-WQ descriptors */
#define SIOV_WQCAP_DEDICATED	BIT_ULL(48)
#define SIOV_WQCAP_SHARED	BIT_ULL(49)	/* 0: not supported */
#define SIOV_REG_OPCAP		0x018	/* RO u64: bit n = opcode n */
#define SIOV_REG_GENCTRL	0x020	/* RW u32 */
#define SIOV_GENCTRL_ENABLE	BIT(0)	/* device enable */
#define SIOV_GENCTRL_ERR_INT	BIT(1)	/* error-log interrupt, MSI-X 0 */
#define SIOV_GENCTRL_RSVD	GENMASK(31, 2)
#define SIOV_REG_GENSTS		0x028	/* RO u32 */
#define SIOV_GENSTS_ENABLED	BIT(0)
#define SIOV_REG_CMD		0x030	/* RW u32, write starts a command */
#define SIOV_CMD_OPERAND	GENMASK(19, 0)	/* WQ index or PASID */
#define SIOV_CMD_CODE		GENMASK(27, 24)
#define SIOV_CMD_INT		BIT(31)	/* interrupt on completion */
#define SIOV_CMD_RSVD		(GENMASK(30, 28) | GENMASK(23, 20))
#define SIOV_REG_CMDSTS		0x038	/* RO u32 */
#define SIOV_CMDSTS_ERR		GENMASK(7, 0)	/* enum siov_cmd_err */
#define SIOV_CMDSTS_ACTIVE	BIT(31)
#define SIOV_REG_INTCAUSE	0x040	/* RW1C u32 */
#define SIOV_INTCAUSE_ERR	BIT(0)	/* error-log entry added */
#define SIOV_INTCAUSE_CMD	BIT(1)	/* command completed */
#define SIOV_REG_ERRHEAD	0x048	/* RW u32: next entry software reads */
#define SIOV_REG_ERRTAIL	0x04c	/* RO u32: next entry device writes */
#define SIOV_REG_ERRSTS		0x050	/* RW1C u32 */
#define SIOV_ERRSTS_OVERFLOW	BIT(0)	/* an entry was lost (ring full) */
#define SIOV_REG_OFFSETS	0x058	/* RO u64: WQCFG 31:16, IMS 63:48 (4K units) */

/* Commands (CMD.CODE). */
enum siov_cmd {
	SIOV_CMD_RESET_DEVICE = 1,	/* operand ignored */
	SIOV_CMD_RESET_WQ = 2,		/* operand: WQ index */
	SIOV_CMD_DRAIN_WQ = 3,		/* operand: WQ index */
	SIOV_CMD_DRAIN_PASID = 4,	/* operand: PASID */
};

/* CMDSTS.ERR */
enum siov_cmd_err {
	SIOV_CMDERR_NONE = 0,
	SIOV_CMDERR_BAD_CODE = 1,
	SIOV_CMDERR_BAD_WQ = 2,
	SIOV_CMDERR_BUSY = 3,		/* written while ACTIVE: ignored */
	SIOV_CMDERR_RSVD = 4,		/* reserved bits set */
};

/* ------------------------------------------------------------------ */
/* Per-WQ registers: SIOV_REG_WQCFG + wq * SIOV_WQCFG_STRIDE           */
/* ------------------------------------------------------------------ */
#define SIOV_WQ_CFG0		0x00	/* RW while disabled */
#define SIOV_WQ_CFG0_SIZE	GENMASK_ULL(15, 0)	/* descriptors */
#define SIOV_WQ_CFG0_MODE	GENMASK_ULL(17, 16)	/* 0: dedicated */
#define SIOV_WQ_CFG0_PASID_EN	BIT_ULL(18)
#define SIOV_WQ_CFG0_PRIV	BIT_ULL(19)	/* supervisor requests */
#define SIOV_WQ_CFG0_BOF_EN	BIT_ULL(20)	/* block on fault allowed */
#define SIOV_WQ_CFG0_INT_IMS	BIT_ULL(21)	/* 1: IMS, 0: MSI-X */
#define SIOV_WQ_CFG0_PASID	GENMASK_ULL(51, 32)
#define SIOV_WQ_CFG0_RSVD	(GENMASK_ULL(31, 22) | GENMASK_ULL(63, 52))
#define SIOV_WQ_CFG1		0x08	/* RW while disabled */
#define SIOV_WQ_CFG1_INT_HANDLE	GENMASK_ULL(15, 0)	/* IMS index / vector */
#define SIOV_WQ_CFG1_RSVD	GENMASK_ULL(63, 16)
#define SIOV_WQ_CTL		0x10	/* RW */
#define SIOV_WQ_CTL_ENABLE	BIT_ULL(0)	/* 1: enable, 0: disable */
#define SIOV_WQ_CTL_RSVD	GENMASK_ULL(63, 1)
#define SIOV_WQ_STS		0x18	/* RO */
#define SIOV_WQ_STS_STATE	GENMASK_ULL(1, 0)	/* enum siov_wq_state */
#define SIOV_WQ_STS_ERR		GENMASK_ULL(15, 8)	/* enum siov_wq_err */
#define SIOV_WQ_STS_OCCUPANCY	GENMASK_ULL(31, 16)
#define SIOV_WQ_STS_REJECTED	GENMASK_ULL(63, 32)	/* saturating */

enum siov_wq_state {
	SIOV_WQ_DISABLED = 0,
	SIOV_WQ_ENABLED = 1,
	SIOV_WQ_ERROR = 2,	/* enable refused: see ERR; disabled */
	SIOV_WQ_DISABLING = 3,	/* waiting for accepted work to finish */
};

/* WQ_STS.ERR: why an enable request was refused. */
enum siov_wq_err {
	SIOV_WQERR_NONE = 0,
	SIOV_WQERR_SIZE_ZERO = 1,
	SIOV_WQERR_SIZE_TOO_BIG = 2,	/* > WQCAP.MAX_SIZE */
	SIOV_WQERR_MODE = 3,		/* shared mode not supported */
	SIOV_WQERR_PASID_DISABLED = 4,	/* PASID_EN without PASID cap enable */
	SIOV_WQERR_PRIV_DISABLED = 5,	/* PRIV without PASID priv enable */
	SIOV_WQERR_BOF_NO_PRI = 6,	/* BOF_EN without ATS+PRI enabled */
	SIOV_WQERR_INT_HANDLE = 7,	/* handle >= IMS / MSI-X entries */
	SIOV_WQERR_DEV_DISABLED = 8,	/* GENCTRL.ENABLE clear */
	SIOV_WQERR_RSVD = 9,		/* reserved bits set in CFG0/CFG1 */
	SIOV_WQERR_BME = 10,		/* bus mastering disabled */
};

/* ------------------------------------------------------------------ */
/* IMS entry: SIOV_REG_IMS + i * SIOV_IMS_STRIDE                       */
/* ------------------------------------------------------------------ */
#define SIOV_IMS_ADDR		0x00	/* u64 message address */
#define SIOV_IMS_DATA		0x08	/* u32 message data */
#define SIOV_IMS_CTRL		0x0c	/* u32 */
#define SIOV_IMS_CTRL_MASK	BIT(0)	/* RW, 1 after reset */
#define SIOV_IMS_CTRL_PENDING	BIT(1)	/* RO: fired while masked */
#define SIOV_IMS_CTRL_PASID_EN	BIT(3)	/* only the PASID below may use it */
#define SIOV_IMS_CTRL_PASID	GENMASK(31, 12)
#define SIOV_IMS_CTRL_RSVD	(BIT(2) | GENMASK(11, 4))

/* MSI-X table entry (PCI_MSIX_ENTRY_*): addr lo/hi, data, vector ctrl. */
#define SIOV_MSIX_ENTRY_SIZE	16
#define SIOV_MSIX_VEC_ERR	0	/* vector 0: error log and commands */

/* ------------------------------------------------------------------ */
/* Error log entry (32 bytes) at SIOV_REG_ERRLOG + (idx % 16) * 32      */
/* ------------------------------------------------------------------ */
struct siov_errlog {
	u64 val[4];
};

/* Error codes of the log (also the index of the PF's error counters). */
enum siov_err {
	SIOV_ERR_NONE = 0,
	SIOV_ERR_PORTAL_DISABLED = 1,	/* descriptor to a disabled WQ */
	SIOV_ERR_PORTAL_FULL = 2,	/* descriptor to a full WQ */
	SIOV_ERR_PORTAL_ACCESS = 3,	/* portal access not a 64B write at 0 */
	SIOV_ERR_CR_ALIGN = 4,		/* completion address not 32B aligned */
	SIOV_ERR_DESC = 5,		/* status not reported in a CR (STATUS) */
	SIOV_ERR_CR_FAULT = 6,		/* completion record write failed */
	SIOV_ERR_WQCFG_ENABLED = 7,	/* WQ_CFG0/1 written while enabled */
	SIOV_ERR_RO_REG = 8,		/* write to a read-only register */
	SIOV_ERR_MMIO = 9,		/* bad offset/size/reserved bits */
	SIOV_ERR_CMD = 10,		/* command refused (DETAIL: cmd err) */
	SIOV_ERR_IMS_PASID = 11,	/* IMS entry PASID tag mismatch */
	SIOV_ERR_IRQ = 12,		/* interrupt lost: MSI-X off / bad entry */
	SIOV_ERR_BME = 13,		/* descriptor dropped: bus master off */
	SIOV_ERR_PRG_RESPONSE = 14,	/* unexpected page group response */
	SIOV_ERR_MAX
};

/* ERRLOG error code, bits 7:0 */
static inline u8 siov_err_code(const struct siov_errlog *e) { return FIELD_GET(GENMASK_ULL(7, 0), e->val[0]); }
/* ERRLOG WQ valid, bit 8 */
static inline bool siov_err_wq_valid(const struct siov_errlog *e) { return e->val[0] & BIT_ULL(8); }
/* ERRLOG PASID valid, bit 9 */
static inline bool siov_err_pasid_valid(const struct siov_errlog *e) { return e->val[0] & BIT_ULL(9); }
/* ERRLOG address valid, bit 10 */
static inline bool siov_err_addr_valid(const struct siov_errlog *e) { return e->val[0] & BIT_ULL(10); }
/* ERRLOG WQ index, bits 31:16 */
static inline u16 siov_err_wq(const struct siov_errlog *e) { return FIELD_GET(GENMASK_ULL(31, 16), e->val[0]); }
/* ERRLOG PASID, bits 51:32 */
static inline u32 siov_err_pasid(const struct siov_errlog *e) { return FIELD_GET(GENMASK_ULL(51, 32), e->val[0]); }
/* ERRLOG completion status (SIOV_ERR_DESC), bits 63:56 */
static inline u8 siov_err_status(const struct siov_errlog *e) { return FIELD_GET(GENMASK_ULL(63, 56), e->val[0]); }
/* ERRLOG address (descriptor CR/fault address, register offset), bits 127:64 */
static inline u64 siov_err_addr(const struct siov_errlog *e) { return e->val[1]; }
/* ERRLOG detail (opcode, command error, ...), bits 159:128 */
static inline u32 siov_err_detail(const struct siov_errlog *e) { return (u32)e->val[2]; }
/* ERRLOG sequence number (count of errors logged), bits 223:192 */
static inline u32 siov_err_seq(const struct siov_errlog *e) { return (u32)e->val[3]; }

/* ------------------------------------------------------------------ */
/* Descriptor (64 bytes), written to a portal                          */
/* ------------------------------------------------------------------ */
struct siov_desc {
	u64 val[8];
};

enum siov_opcode {
	SIOV_OP_NOOP = 0x00,
	SIOV_OP_DRAIN = 0x01,	/* completes after all earlier descriptors */
	SIOV_OP_MEMMOVE = 0x03,
	SIOV_OP_FILL = 0x04,
	SIOV_OP_COMPARE = 0x05,
};
#define SIOV_OPCAP_DEFAULT	(BIT_ULL(SIOV_OP_NOOP) | BIT_ULL(SIOV_OP_DRAIN) | \
				 BIT_ULL(SIOV_OP_MEMMOVE) | BIT_ULL(SIOV_OP_FILL) | \
				 BIT_ULL(SIOV_OP_COMPARE))

/* Descriptor flags (DESC bits 55:32, flag n = bit 32 + n). */
#define SIOV_F_FENCE		BIT(0)	/* start after earlier ones completed */
#define SIOV_F_BOF		BIT(1)	/* block on fault (needs WQ BOF_EN) */
#define SIOV_F_CRAV		BIT(2)	/* completion record address valid */
#define SIOV_F_RCR		BIT(3)	/* request completion record */
#define SIOV_F_RCI		BIT(4)	/* request completion interrupt */
#define SIOV_F_VALID		GENMASK(4, 0)

/* DESC reserved (ignored for dedicated WQs in DSA; must be 0 here), bits 31:0 */
static inline u32 siov_desc_rsvd0(const struct siov_desc *d) { return (u32)d->val[0]; }
/* DESC flags, bits 55:32 */
static inline u32 siov_desc_flags(const struct siov_desc *d) { return FIELD_GET(GENMASK_ULL(55, 32), d->val[0]); }
/* DESC opcode, bits 63:56 */
static inline u8 siov_desc_opcode(const struct siov_desc *d) { return FIELD_GET(GENMASK_ULL(63, 56), d->val[0]); }
/* DESC completion record address, bits 127:64 (32-byte aligned) */
static inline u64 siov_desc_cr_addr(const struct siov_desc *d) { return d->val[1]; }
/* DESC source address (MEMMOVE, COMPARE src1) or fill pattern (FILL), bits 191:128 */
static inline u64 siov_desc_src(const struct siov_desc *d) { return d->val[2]; }
/* DESC destination address (MEMMOVE, FILL) or COMPARE src2, bits 255:192 */
static inline u64 siov_desc_dst(const struct siov_desc *d) { return d->val[3]; }
/* DESC transfer size in bytes, bits 287:256 */
static inline u32 siov_desc_xfer_size(const struct siov_desc *d) { return (u32)d->val[4]; }
/* DESC reserved, bits 319:288 and 511:320 (must be 0) */
static inline bool siov_desc_rsvd_set(const struct siov_desc *d)
{
	return (d->val[4] >> 32) || d->val[5] || d->val[6] || d->val[7] ||
	       siov_desc_rsvd0(d);
}

static inline void siov_desc_init(struct siov_desc *d, u8 opcode, u32 flags)
{
	memset(d, 0, sizeof(*d));
	d->val[0] = FIELD_PREP(GENMASK_ULL(63, 56), (u64)opcode) |
		    FIELD_PREP(GENMASK_ULL(55, 32), (u64)flags);
}
static inline void siov_desc_set_cr_addr(struct siov_desc *d, u64 a) { d->val[1] = a; }
static inline void siov_desc_set_src(struct siov_desc *d, u64 a) { d->val[2] = a; }
static inline void siov_desc_set_pattern(struct siov_desc *d, u64 p) { d->val[2] = p; }
static inline void siov_desc_set_dst(struct siov_desc *d, u64 a) { d->val[3] = a; }
static inline void siov_desc_set_xfer_size(struct siov_desc *d, u32 n)
{
	d->val[4] = (d->val[4] & ~GENMASK_ULL(31, 0)) | n;
}

/* ------------------------------------------------------------------ */
/* Completion record (32 bytes, 32-byte aligned)                       */
/* ------------------------------------------------------------------ */
struct siov_cr {
	u64 val[4];
};

/* CR.STATUS; 0 means "not written yet" (software zeroes the record). */
enum siov_status {
	SIOV_CS_NONE = 0x00,
	SIOV_CS_SUCCESS = 0x01,
	SIOV_CS_COMPARE_MISMATCH = 0x02, /* RESULT 1, BYTES = first diff */
	SIOV_CS_PAGE_FAULT = 0x03,	/* partial: BYTES done, FAULT_ADDR */
	SIOV_CS_PRS_INVALID = 0x04,	/* page response Invalid Request */
	SIOV_CS_PRS_FAILURE = 0x05,	/* page response Failure / PRI stopped */
	SIOV_CS_ABORTED = 0x06,		/* WQ or device reset */
	SIOV_CS_XLATE_ERROR = 0x07,	/* ATS Unsupported Request / no memory */
	SIOV_CS_INVALID_OPCODE = 0x10,
	SIOV_CS_INVALID_FLAGS = 0x11,	/* reserved flag / BOF w/o BOF_EN / RCR w/o CRAV */
	SIOV_CS_INVALID_RSVD = 0x12,	/* reserved descriptor field set */
	SIOV_CS_INVALID_SIZE = 0x13,	/* 0 or > max (data ops), != 0 (others) */
	SIOV_CS_OVERLAP = 0x14,		/* MEMMOVE src/dst overlap */
	SIOV_CS_MAX
};

/* CR fault info byte (CR bits 15:8): W = bit 8, DST = bit 9 */
#define SIOV_CR_FI_W		BIT(0)	/* the faulting access was a write */
#define SIOV_CR_FI_DST		BIT(1)	/* on the destination / src2 buffer */

/* CR status, bits 7:0 */
static inline u8 siov_cr_status(const struct siov_cr *c) { return FIELD_GET(GENMASK_ULL(7, 0), c->val[0]); }
/* CR fault info (W, DST, CR bits above), bits 15:8 */
static inline u8 siov_cr_fault_info(const struct siov_cr *c) { return FIELD_GET(GENMASK_ULL(15, 8), c->val[0]); }
/* CR page response code of the last page request (0 success, 1 invalid, 0xf failure), bits 19:16 */
static inline u8 siov_cr_prs_code(const struct siov_cr *c) { return FIELD_GET(GENMASK_ULL(19, 16), c->val[0]); }
/* CR bytes completed, bits 63:32 */
static inline u32 siov_cr_bytes(const struct siov_cr *c) { return FIELD_GET(GENMASK_ULL(63, 32), c->val[0]); }
/* CR fault address, bits 127:64 */
static inline u64 siov_cr_fault_addr(const struct siov_cr *c) { return c->val[1]; }
/* CR result (COMPARE: 0 equal, 1 different), bits 191:128 */
static inline u64 siov_cr_result(const struct siov_cr *c) { return c->val[2]; }
/* CR reserved, bits 255:192 */

static inline u64 siov_cr_make_qw0(u8 status, u8 fault_info, u8 prs_code,
				   u32 bytes)
{
	return FIELD_PREP(GENMASK_ULL(7, 0), (u64)status) |
	       FIELD_PREP(GENMASK_ULL(15, 8), (u64)fault_info) |
	       FIELD_PREP(GENMASK_ULL(19, 16), (u64)prs_code) |
	       FIELD_PREP(GENMASK_ULL(63, 32), (u64)bytes);
}

/* Portal of WQ @wq in BAR2. */
static inline u64 siov_portal_offset(u32 wq)
{
	return (u64)wq * SIOV_PORTAL_SIZE;
}

static inline u32 siov_wqcfg_offset(u32 wq, u32 reg)
{
	return SIOV_REG_WQCFG + wq * SIOV_WQCFG_STRIDE + reg;
}

static inline u32 siov_ims_offset(u32 idx, u32 reg)
{
	return SIOV_REG_IMS + idx * SIOV_IMS_STRIDE + reg;
}

#endif /* _UAPI_NESTMED_SIOV_H */
