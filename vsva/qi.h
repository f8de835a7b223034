/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Codec for VT-d 3.x queued-invalidation descriptors, page request
 * descriptors and page group responses (uapi/nestmed/vtd_qi.h).
 *
 * Decoding turns a descriptor fetched from a guest's (or the model's)
 * invalidation queue into a structured operation, and refuses anything the
 * hardware would refuse.  Every refusal maps to the same architected
 * condition: an Invalidation Queue Error (FSTS_REG.IQE, spec 6.5.2.10),
 * with IQH left pointing at the offending descriptor and no further
 * descriptor fetched until software clears IQE.  The distinct codes let
 * the caller say why (IQER_REG.IQEI, trace, a one-time guest error report).
 *
 * Encoding is the inverse; decode(encode(op)) == op for every op that
 * encode accepts, and encode(decode(desc)) is the canonical form of desc.
 */
#ifndef _VSVA_QI_H
#define _VSVA_QI_H

#include "vsva.h"
#include "describe.h"
#include <nestmed/vtd_qi.h>

/*
 * Decode/encode errors (negative errno values, all distinct).  Each is an
 * Invalidation Queue Error (IQE) when it comes from the invalidation queue.
 */
enum vsva_qi_err {
	/* Type 0, 0xA (page stream, 2.x only) or above, type high bits set,
	 * or a 256-bit-only type in a 128-bit queue. */
	VSVA_QI_ERR_TYPE	= -EOPNOTSUPP,
	/* A reserved bit (including qw2/qw3 of a 256-bit descriptor) set. */
	VSVA_QI_ERR_RSVD	= -EBADMSG,
	/* Reserved granularity, AM above MAMV, ADDR not aligned to 2^AM pages,
	 * invalid device-TLB range, reserved response code, field too wide. */
	VSVA_QI_ERR_FIELD	= -ERANGE,
	/* Caller error (width not 128/256, nqw not 2/4): not a guest error. */
	VSVA_QI_ERR_ARG		= -EINVAL,
};

/* What an invalidation descriptor asks for; values are the type codes. */
enum vsva_inv_kind {
	VSVA_INV_NONE		= 0,
	VSVA_INV_CC		= VTD_INV_CC,
	VSVA_INV_IOTLB		= VTD_INV_IOTLB,
	VSVA_INV_DEVTLB		= VTD_INV_DEVTLB,
	VSVA_INV_IEC		= VTD_INV_IEC,
	VSVA_INV_WAIT		= VTD_INV_WAIT,
	VSVA_INV_PIOTLB		= VTD_INV_PIOTLB,
	VSVA_INV_PC		= VTD_INV_PC,
	VSVA_INV_PDEVTLB	= VTD_INV_PDEVTLB,
	VSVA_INV_PGRP_RESP	= VTD_INV_PGRP_RESP,
};

/* Scope of an invalidation, across descriptor types. */
enum vsva_inv_gran {
	VSVA_INV_G_NONE = 0,	/* wait, page response, device-TLB (by SID) */
	VSVA_INV_G_GLOBAL,	/* CC/IOTLB/PC/IEC global; P-devTLB all PASIDs */
	VSVA_INV_G_DOMAIN,	/* CC/IOTLB/PC domain-selective (DID) */
	VSVA_INV_G_DEVICE,	/* CC device-selective (DID, SID, FM) */
	VSVA_INV_G_PAGE,	/* IOTLB page-selective in domain */
	VSVA_INV_G_PASID,	/* PC PASID-selective; P_IOTLB non-globals in
				 * PASID; P-devTLB one PASID */
	VSVA_INV_G_PASID_PAGE,	/* P_IOTLB page-selective within PASID */
	VSVA_INV_G_INDEX,	/* IEC index-selective (IIDX, IM) */
};

struct vsva_inv_op {
	enum vsva_inv_kind kind;
	enum vsva_inv_gran gran;
	u16 did;		/* CC, IOTLB, P_IOTLB, PC */
	u16 sid;		/* CC (device), devTLB, P-devTLB */
	u32 pasid;		/* P_IOTLB, PC, P-devTLB */
	u8 fm;			/* CC device: VTD_CC_FM_* */
	bool dr, dw;		/* IOTLB drain reads / writes */

	/*
	 * IOTLB / P_IOTLB page-selective: 2^am pages at addr (aligned),
	 * ih = leaf only.  Device-TLBs: the range [addr, addr + 2^size_lg2),
	 * size_lg2 12..64, addr aligned to it (size-decoded from S/ADDR).
	 */
	u64 addr;
	u8 am;
	bool ih;
	u8 size_lg2;
	u16 pfsid;		/* devTLB, P-devTLB: PF source-id (VFs) */
	u8 mip;			/* devTLB, P-devTLB: max invalidations pending */

	struct {		/* IEC */
		u16 iidx;
		u8 im;
	} iec;

	struct {		/* invalidation wait */
		bool iflag;	/* IF: raise the completion interrupt */
		bool sw;	/* SW: write status_data to status_addr */
		bool fn;	/* FN: fence, later descriptors wait */
		bool pd;	/* PD: drain page requests/responses */
		u32 status_data;
		u64 status_addr;	/* dword aligned */
	} wait;

	struct {		/* page group response */
		u16 rid;
		bool pp;	/* PASID present */
		bool pdp;	/* private data present (VT-d 3.x) */
		bool lpig;
		u8 code;	/* VTD_PRG_RESP_* */
		u16 prg_index;
		u64 private_data[2];
	} resp;
};

/*
 * Decode the descriptor @qw of a @width-bit queue (128 or 256; @qw holds
 * width / 64 qwords).  @mamv is CAP_REG.MAMV, the largest AM the unit
 * supports.  On success fills @op (all unused fields zero) and returns 0.
 */
int vsva_qi_decode(const u64 *qw, unsigned int width, unsigned int mamv,
		   struct vsva_inv_op *op);

/*
 * Encode @op as a descriptor for a @width-bit queue into @qw (width / 64
 * qwords written).  Returns 0, VSVA_QI_ERR_TYPE (unknown kind, or a
 * 256-bit-only kind in a 128-bit queue) or VSVA_QI_ERR_FIELD (a field
 * that does not fit, a reserved granularity, a misaligned address).
 */
int vsva_qi_encode(const struct vsva_inv_op *op, unsigned int width, u64 *qw);

bool vsva_inv_op_equal(const struct vsva_inv_op *a,
		       const struct vsva_inv_op *b);

/* "context-cache", "iotlb", ... or NULL for a type VT-d 3.x lacks. */
const char *vsva_inv_kind_name(unsigned int type);

/*
 * Device-TLB ranges: encode [addr, addr + 2^size_lg2) (size_lg2 12..64,
 * addr aligned) as S and ADDR; decode the reverse.  Both return 0 or
 * VSVA_QI_ERR_FIELD.
 */
int vsva_devtlb_range_encode(u64 addr, u8 size_lg2, bool *s, u64 *enc_addr);
int vsva_devtlb_range_decode(bool s, u64 enc_addr, u64 *addr, u8 *size_lg2);

/* A page request (spec ch. 7 Page Request Descriptor), as the PRQ holds it. */
struct vsva_page_req {
	u16 rid;
	bool pasid_present;
	u32 pasid;
	bool x;			/* execute requested */
	bool priv;		/* privileged-mode requested */
	bool r, w;		/* read / write requested */
	bool lpig;		/* last page in group */
	u16 prg_index;
	u64 addr;		/* page address, 4 KiB aligned */
	bool pdp;		/* private data present (VT-d 3.x) */
	u64 private_data[2];
};

/*
 * The PRQ entry of a device's page request @r: any structure with the
 * PCIe fields rid, pasid_present, pasid, addr, r, w, x, priv, lpig and
 * prg_index (the physical unit model's and the pIOMMU backend's).  The
 * PASID is 0 without a PASID prefix; the address is the page's.
 */
#define VSVA_PAGE_REQ_FROM(r) {						\
	.rid = (r)->rid, .pasid_present = (r)->pasid_present,		\
	.pasid = (r)->pasid_present ? (r)->pasid : 0,			\
	.x = (r)->x, .priv = (r)->priv, .r = (r)->r, .w = (r)->w,	\
	.lpig = (r)->lpig, .prg_index = (r)->prg_index,			\
	.addr = (r)->addr & VSVA_PAGE_MASK,				\
}

/*
 * Decode a page request from @nqw (2 or 4) qwords; with 2, no private data
 * can be present.  Returns 0, VSVA_QI_ERR_TYPE (type not 1) or
 * VSVA_QI_ERR_RSVD.
 */
int vsva_page_req_decode(const u64 *qw, unsigned int nqw,
			 struct vsva_page_req *req);
/* Encode all four qwords of a PRQ entry; VSVA_QI_ERR_FIELD if unfit. */
int vsva_page_req_encode(const struct vsva_page_req *req, u64 *qw);
bool vsva_page_req_equal(const struct vsva_page_req *a,
			 const struct vsva_page_req *b);

/*
 * Build the page group response op answering @req with @code
 * (VTD_PRG_RESP_*): same RID, PASID (if present), PRG index, LPIG and
 * private data (spec 7.7).
 */
void vsva_page_resp_op(const struct vsva_page_req *req, u8 code,
		       struct vsva_inv_op *op);

/*
 * Describe for tools: @nqw 2 (128-bit) or 4 (256-bit) qwords.  Emits
 * "type" (kind name) and then every field of the type, lower-case spec
 * names.  Returns 0, or the decode error without emitting anything.
 */
int vsva_qi_describe(const u64 *qw, unsigned int nqw, struct vsva_describe *d);
int vsva_page_req_describe(const u64 *qw, unsigned int nqw,
			   struct vsva_describe *d);

#endif /* _VSVA_QI_H */
