// SPDX-License-Identifier: GPL-2.0
/*
 * VT-d 3.x invalidation / page request descriptor codec (see qi.h).
 *
 * Decoding order follows what hardware does with a fetched descriptor:
 * type first (spec 6.5.2: an unsupported type is an IQE), then the
 * reserved bits of the type's format (one mask per qword, vtd_qi.h), then
 * the type's own field rules.  Fields a granularity does not use are
 * ignored by hardware, so they are left out of the op (zero): the encoder
 * then produces the canonical form of the descriptor.
 */
#include "qi.h"

#define QI_PAGE_SHIFT		12
#define QI_ADDR_MASK		GENMASK_ULL(63, 12)
/* 2^52 pages of 4 KiB cover the 64-bit space: the widest AM can mean. */
#define QI_AM_MAX		52
#define QI_PASID_MAX		(VSVA_PASID_MAX - 1)
#define QI_PRGI_MAX		0x1ff

static const char *const qi_kind_names[] = {
	[VTD_INV_CC]		= "context-cache",
	[VTD_INV_IOTLB]		= "iotlb",
	[VTD_INV_DEVTLB]	= "device-tlb",
	[VTD_INV_IEC]		= "iec",
	[VTD_INV_WAIT]		= "inv-wait",
	[VTD_INV_PIOTLB]	= "pasid-iotlb",
	[VTD_INV_PC]		= "pasid-cache",
	[VTD_INV_PDEVTLB]	= "pasid-device-tlb",
	[VTD_INV_PGRP_RESP]	= "page-group-response",
};

const char *vsva_inv_kind_name(unsigned int type)
{
	if (type >= ARRAY_SIZE(qi_kind_names))
		return NULL;
	return qi_kind_names[type];
}

static int qi_width_qwords(unsigned int width)
{
	if (width == 128)
		return 2;
	if (width == 256)
		return 4;
	return VSVA_QI_ERR_ARG;
}

/* ---- Address checks ----------------------------------------------------- */

/* Page-selective IOTLB / P_IOTLB: 2^am pages at addr, addr aligned. */
static int qi_check_page_range(u64 addr, unsigned int am, unsigned int mamv)
{
	if (am > mamv || am > QI_AM_MAX)
		return VSVA_QI_ERR_FIELD;
	if (addr & ~QI_ADDR_MASK)
		return VSVA_QI_ERR_FIELD;
	if (am && (addr & GENMASK_ULL(QI_PAGE_SHIFT + am - 1, QI_PAGE_SHIFT)))
		return VSVA_QI_ERR_FIELD;
	return 0;
}

int vsva_devtlb_range_encode(u64 addr, u8 size_lg2, bool *s, u64 *enc_addr)
{
	if (size_lg2 < QI_PAGE_SHIFT || size_lg2 > 64)
		return VSVA_QI_ERR_FIELD;
	if (size_lg2 < 64 ? (addr & GENMASK_ULL(size_lg2 - 1, 0)) : addr)
		return VSVA_QI_ERR_FIELD;
	if (size_lg2 == QI_PAGE_SHIFT) {
		*s = false;
		*enc_addr = addr;
		return 0;
	}
	/* Ones below the size bit, which (addr being aligned) stays clear. */
	*s = true;
	*enc_addr = addr;
	if (size_lg2 >= QI_PAGE_SHIFT + 2)
		*enc_addr |= GENMASK_ULL(size_lg2 - 2, QI_PAGE_SHIFT);
	return 0;
}

int vsva_devtlb_range_decode(bool s, u64 enc_addr, u64 *addr, u8 *size_lg2)
{
	u64 ones;
	unsigned int z;

	enc_addr &= QI_ADDR_MASK;
	if (!s) {
		*addr = enc_addr;
		*size_lg2 = QI_PAGE_SHIFT;
		return 0;
	}
	ones = ~enc_addr & QI_ADDR_MASK;
	if (!ones)	/* ADDR[63:12] all ones: no lowest clear bit */
		return VSVA_QI_ERR_FIELD;
	z = (unsigned int)__builtin_ctzll(ones);	/* lowest clear bit */
	*size_lg2 = (u8)(z + 1);
	*addr = z + 1 < 64 ? enc_addr & ~GENMASK_ULL(z, 0) : 0;
	return 0;
}

/* ---- Decode ------------------------------------------------------------- */

/*
 * The one reserved-bit check: the type's mask for each qword present.
 * The page group response's qw2/qw3 hold Private Data when PDP = 1.
 */
static bool qi_rsvd_ok(const struct vtd_inv_desc *d, u8 type, int nqw)
{
	int i;

	for (i = 0; i < nqw; i++) {
		u64 m = vtd_inv_rsvd_mask(type, i);

		if (i >= 2 && type == VTD_INV_PGRP_RESP && vtd_inv_pgrp_pdp(d))
			m = 0;
		if (d->qw[i] & m)
			return false;
	}
	return true;
}

static int qi_decode_cc(const struct vtd_inv_desc *d, struct vsva_inv_op *op)
{
	switch (vtd_inv_cc_g(d)) {
	case VTD_CC_G_GLOBAL:
		op->gran = VSVA_INV_G_GLOBAL;
		return 0;
	case VTD_CC_G_DOMAIN:
		op->gran = VSVA_INV_G_DOMAIN;
		op->did = (u16)vtd_inv_cc_did(d);
		return 0;
	case VTD_CC_G_DEVICE:
		op->gran = VSVA_INV_G_DEVICE;
		op->did = (u16)vtd_inv_cc_did(d);
		op->sid = (u16)vtd_inv_cc_sid(d);
		op->fm = (u8)vtd_inv_cc_fm(d);
		return 0;
	}
	return VSVA_QI_ERR_FIELD;	/* G = 0 is reserved */
}

static int qi_decode_iotlb(const struct vtd_inv_desc *d, unsigned int mamv,
			   struct vsva_inv_op *op)
{
	op->dr = vtd_inv_iotlb_dr(d);
	op->dw = vtd_inv_iotlb_dw(d);
	switch (vtd_inv_iotlb_g(d)) {
	case VTD_IOTLB_G_GLOBAL:
		op->gran = VSVA_INV_G_GLOBAL;
		return 0;
	case VTD_IOTLB_G_DOMAIN:
		op->gran = VSVA_INV_G_DOMAIN;
		op->did = (u16)vtd_inv_iotlb_did(d);
		return 0;
	case VTD_IOTLB_G_PAGE:
		op->gran = VSVA_INV_G_PAGE;
		op->did = (u16)vtd_inv_iotlb_did(d);
		op->addr = vtd_inv_iotlb_addr(d);
		op->am = (u8)vtd_inv_iotlb_am(d);
		op->ih = vtd_inv_iotlb_ih(d);
		return qi_check_page_range(op->addr, op->am, mamv);
	}
	return VSVA_QI_ERR_FIELD;	/* G = 0 is reserved */
}

static int qi_decode_devtlb(const struct vtd_inv_desc *d,
			    struct vsva_inv_op *op)
{
	op->gran = VSVA_INV_G_NONE;
	op->sid = (u16)vtd_inv_devtlb_sid(d);
	op->pfsid = vtd_inv_devtlb_pfsid(d);
	op->mip = (u8)vtd_inv_devtlb_mip(d);
	return vsva_devtlb_range_decode(vtd_inv_devtlb_s(d),
					vtd_inv_devtlb_addr(d),
					&op->addr, &op->size_lg2);
}

static int qi_decode_iec(const struct vtd_inv_desc *d, struct vsva_inv_op *op)
{
	if (vtd_inv_iec_g(d) == VTD_IEC_G_GLOBAL) {
		op->gran = VSVA_INV_G_GLOBAL;
		return 0;
	}
	op->gran = VSVA_INV_G_INDEX;
	op->iec.iidx = (u16)vtd_inv_iec_iidx(d);
	op->iec.im = (u8)vtd_inv_iec_im(d);
	return 0;
}

static int qi_decode_wait(const struct vtd_inv_desc *d, struct vsva_inv_op *op)
{
	op->gran = VSVA_INV_G_NONE;
	op->wait.iflag = vtd_inv_wait_if_(d);
	op->wait.sw = vtd_inv_wait_sw_(d);
	op->wait.fn = vtd_inv_wait_fn_(d);
	op->wait.pd = vtd_inv_wait_pd_(d);
	/* Status Data/Address are used only by a status write. */
	if (op->wait.sw) {
		op->wait.status_data = (u32)vtd_inv_wait_status_data_(d);
		op->wait.status_addr = vtd_inv_wait_status_addr_(d);
	}
	return 0;
}

static int qi_decode_piotlb(const struct vtd_inv_desc *d, unsigned int mamv,
			    struct vsva_inv_op *op)
{
	op->did = (u16)vtd_inv_piotlb_did(d);
	op->pasid = (u32)vtd_inv_piotlb_pasid(d);
	switch (vtd_inv_piotlb_g(d)) {
	case VTD_PIOTLB_G_PASID:
		op->gran = VSVA_INV_G_PASID;
		return 0;
	case VTD_PIOTLB_G_PAGE:
		op->gran = VSVA_INV_G_PASID_PAGE;
		op->addr = vtd_inv_piotlb_addr(d);
		op->am = (u8)vtd_inv_piotlb_am(d);
		op->ih = vtd_inv_piotlb_ih(d);
		return qi_check_page_range(op->addr, op->am, mamv);
	}
	return VSVA_QI_ERR_FIELD;	/* G = 0, 1 are reserved */
}

static int qi_decode_pc(const struct vtd_inv_desc *d, struct vsva_inv_op *op)
{
	switch (vtd_inv_pc_g(d)) {
	case VTD_PC_G_DOMAIN:
		op->gran = VSVA_INV_G_DOMAIN;
		op->did = (u16)vtd_inv_pc_did(d);
		return 0;
	case VTD_PC_G_PASID:
		op->gran = VSVA_INV_G_PASID;
		op->did = (u16)vtd_inv_pc_did(d);
		op->pasid = (u32)vtd_inv_pc_pasid(d);
		return 0;
	case VTD_PC_G_GLOBAL:
		op->gran = VSVA_INV_G_GLOBAL;
		return 0;
	}
	return VSVA_QI_ERR_FIELD;	/* G = 2 is reserved */
}

static int qi_decode_pdevtlb(const struct vtd_inv_desc *d,
			     struct vsva_inv_op *op)
{
	op->sid = (u16)vtd_inv_pdevtlb_sid(d);
	op->pfsid = vtd_inv_pdevtlb_pfsid(d);
	op->mip = (u8)vtd_inv_pdevtlb_mip(d);
	if (vtd_inv_pdevtlb_g(d) == VTD_PDEVTLB_G_ALL) {
		op->gran = VSVA_INV_G_GLOBAL;
	} else {
		op->gran = VSVA_INV_G_PASID;
		op->pasid = (u32)vtd_inv_pdevtlb_pasid(d);
	}
	return vsva_devtlb_range_decode(vtd_inv_pdevtlb_s(d),
					vtd_inv_pdevtlb_addr(d),
					&op->addr, &op->size_lg2);
}

static bool qi_resp_code_ok(unsigned int code)
{
	return code == VTD_PRG_RESP_SUCCESS || code == VTD_PRG_RESP_INVALID ||
	       code == VTD_PRG_RESP_FAILURE;
}

static int qi_decode_pgrp(const struct vtd_inv_desc *d, struct vsva_inv_op *op)
{
	op->gran = VSVA_INV_G_NONE;
	op->resp.rid = (u16)vtd_inv_pgrp_rid(d);
	op->resp.pp = vtd_inv_pgrp_pp(d);
	if (op->resp.pp)
		op->pasid = (u32)vtd_inv_pgrp_pasid(d);
	op->resp.code = (u8)vtd_inv_pgrp_rc(d);
	op->resp.lpig = vtd_inv_pgrp_lpig(d);
	op->resp.prg_index = (u16)vtd_inv_pgrp_prgi(d);
	op->resp.pdp = vtd_inv_pgrp_pdp(d);
	if (op->resp.pdp) {
		op->resp.private_data[0] = vtd_inv_pgrp_private_data_lo(d);
		op->resp.private_data[1] = vtd_inv_pgrp_private_data_hi(d);
	}
	/* PCIe defines Success, Invalid Request and Response Failure only. */
	return qi_resp_code_ok(op->resp.code) ? 0 : VSVA_QI_ERR_FIELD;
}

int vsva_qi_decode(const u64 *qw, unsigned int width, unsigned int mamv,
		   struct vsva_inv_op *op)
{
	struct vtd_inv_desc d = { };
	int nqw = qi_width_qwords(width);
	int ret;
	u8 type;

	if (nqw < 0)
		return nqw;
	memset(op, 0, sizeof(*op));
	memcpy(d.qw, qw, nqw * sizeof(u64));

	type = vtd_inv_type(&d);
	if (!vsva_inv_kind_name(type))
		return VSVA_QI_ERR_TYPE;
	if (width == 128 && vtd_inv_type_needs_256(type))
		return VSVA_QI_ERR_TYPE;
	if (!qi_rsvd_ok(&d, type, nqw))
		return VSVA_QI_ERR_RSVD;

	op->kind = (enum vsva_inv_kind)type;
	switch (type) {
	case VTD_INV_CC:
		ret = qi_decode_cc(&d, op);
		break;
	case VTD_INV_IOTLB:
		ret = qi_decode_iotlb(&d, mamv, op);
		break;
	case VTD_INV_DEVTLB:
		ret = qi_decode_devtlb(&d, op);
		break;
	case VTD_INV_IEC:
		ret = qi_decode_iec(&d, op);
		break;
	case VTD_INV_WAIT:
		ret = qi_decode_wait(&d, op);
		break;
	case VTD_INV_PIOTLB:
		ret = qi_decode_piotlb(&d, mamv, op);
		break;
	case VTD_INV_PC:
		ret = qi_decode_pc(&d, op);
		break;
	case VTD_INV_PDEVTLB:
		ret = qi_decode_pdevtlb(&d, op);
		break;
	default:
		ret = qi_decode_pgrp(&d, op);
		break;
	}
	if (ret)
		memset(op, 0, sizeof(*op));
	return ret;
}

/* ---- Encode ------------------------------------------------------------- */

static int qi_encode_cc(const struct vsva_inv_op *op, struct vtd_inv_desc *d)
{
	switch (op->gran) {
	case VSVA_INV_G_GLOBAL:
		vtd_inv_cc_set_g(d, VTD_CC_G_GLOBAL);
		return 0;
	case VSVA_INV_G_DOMAIN:
		vtd_inv_cc_set_g(d, VTD_CC_G_DOMAIN);
		vtd_inv_cc_set_did(d, op->did);
		return 0;
	case VSVA_INV_G_DEVICE:
		if (op->fm > VTD_CC_FM_BITS2_0)
			return VSVA_QI_ERR_FIELD;
		vtd_inv_cc_set_g(d, VTD_CC_G_DEVICE);
		vtd_inv_cc_set_did(d, op->did);
		vtd_inv_cc_set_sid(d, op->sid);
		vtd_inv_cc_set_fm(d, op->fm);
		return 0;
	default:
		return VSVA_QI_ERR_FIELD;
	}
}

static int qi_encode_iotlb(const struct vsva_inv_op *op, struct vtd_inv_desc *d)
{
	vtd_inv_iotlb_set_dr(d, op->dr);
	vtd_inv_iotlb_set_dw(d, op->dw);
	switch (op->gran) {
	case VSVA_INV_G_GLOBAL:
		vtd_inv_iotlb_set_g(d, VTD_IOTLB_G_GLOBAL);
		return 0;
	case VSVA_INV_G_DOMAIN:
		vtd_inv_iotlb_set_g(d, VTD_IOTLB_G_DOMAIN);
		vtd_inv_iotlb_set_did(d, op->did);
		return 0;
	case VSVA_INV_G_PAGE:
		if (qi_check_page_range(op->addr, op->am, QI_AM_MAX))
			return VSVA_QI_ERR_FIELD;
		vtd_inv_iotlb_set_g(d, VTD_IOTLB_G_PAGE);
		vtd_inv_iotlb_set_did(d, op->did);
		vtd_inv_iotlb_set_addr(d, op->addr);
		vtd_inv_iotlb_set_am(d, op->am);
		vtd_inv_iotlb_set_ih(d, op->ih);
		return 0;
	default:
		return VSVA_QI_ERR_FIELD;
	}
}

static int qi_encode_devtlb(const struct vsva_inv_op *op,
			    struct vtd_inv_desc *d)
{
	u64 addr;
	bool s;

	if (op->gran != VSVA_INV_G_NONE || op->mip > 0x1f ||
	    vsva_devtlb_range_encode(op->addr, op->size_lg2, &s, &addr))
		return VSVA_QI_ERR_FIELD;
	vtd_inv_devtlb_set_sid(d, op->sid);
	vtd_inv_devtlb_set_pfsid(d, op->pfsid);
	vtd_inv_devtlb_set_mip(d, op->mip);
	vtd_inv_devtlb_set_s(d, s);
	vtd_inv_devtlb_set_addr(d, addr);
	return 0;
}

static int qi_encode_iec(const struct vsva_inv_op *op, struct vtd_inv_desc *d)
{
	if (op->gran == VSVA_INV_G_GLOBAL) {
		vtd_inv_iec_set_g(d, VTD_IEC_G_GLOBAL);
		return 0;
	}
	if (op->gran != VSVA_INV_G_INDEX || op->iec.im > 0x1f)
		return VSVA_QI_ERR_FIELD;
	vtd_inv_iec_set_g(d, VTD_IEC_G_INDEX);
	vtd_inv_iec_set_iidx(d, op->iec.iidx);
	vtd_inv_iec_set_im(d, op->iec.im);
	return 0;
}

static int qi_encode_wait(const struct vsva_inv_op *op, struct vtd_inv_desc *d)
{
	if (op->gran != VSVA_INV_G_NONE)
		return VSVA_QI_ERR_FIELD;
	vtd_inv_wait_set_if_(d, op->wait.iflag);
	vtd_inv_wait_set_sw_(d, op->wait.sw);
	vtd_inv_wait_set_fn_(d, op->wait.fn);
	vtd_inv_wait_set_pd_(d, op->wait.pd);
	if (op->wait.sw) {
		if (op->wait.status_addr & GENMASK_ULL(1, 0))
			return VSVA_QI_ERR_FIELD;
		vtd_inv_wait_set_status_data_(d, op->wait.status_data);
		vtd_inv_wait_set_status_addr_(d, op->wait.status_addr);
	}
	return 0;
}

static int qi_encode_piotlb(const struct vsva_inv_op *op,
			    struct vtd_inv_desc *d)
{
	if (op->pasid > QI_PASID_MAX)
		return VSVA_QI_ERR_FIELD;
	vtd_inv_piotlb_set_did(d, op->did);
	vtd_inv_piotlb_set_pasid(d, op->pasid);
	switch (op->gran) {
	case VSVA_INV_G_PASID:
		vtd_inv_piotlb_set_g(d, VTD_PIOTLB_G_PASID);
		return 0;
	case VSVA_INV_G_PASID_PAGE:
		if (qi_check_page_range(op->addr, op->am, QI_AM_MAX))
			return VSVA_QI_ERR_FIELD;
		vtd_inv_piotlb_set_g(d, VTD_PIOTLB_G_PAGE);
		vtd_inv_piotlb_set_addr(d, op->addr);
		vtd_inv_piotlb_set_am(d, op->am);
		vtd_inv_piotlb_set_ih(d, op->ih);
		return 0;
	default:
		return VSVA_QI_ERR_FIELD;
	}
}

static int qi_encode_pc(const struct vsva_inv_op *op, struct vtd_inv_desc *d)
{
	switch (op->gran) {
	case VSVA_INV_G_DOMAIN:
		vtd_inv_pc_set_g(d, VTD_PC_G_DOMAIN);
		vtd_inv_pc_set_did(d, op->did);
		return 0;
	case VSVA_INV_G_PASID:
		if (op->pasid > QI_PASID_MAX)
			return VSVA_QI_ERR_FIELD;
		vtd_inv_pc_set_g(d, VTD_PC_G_PASID);
		vtd_inv_pc_set_did(d, op->did);
		vtd_inv_pc_set_pasid(d, op->pasid);
		return 0;
	case VSVA_INV_G_GLOBAL:
		vtd_inv_pc_set_g(d, VTD_PC_G_GLOBAL);
		return 0;
	default:
		return VSVA_QI_ERR_FIELD;
	}
}

static int qi_encode_pdevtlb(const struct vsva_inv_op *op,
			     struct vtd_inv_desc *d)
{
	u64 addr;
	bool s;

	if (op->mip > 0x1f || op->pasid > QI_PASID_MAX ||
	    vsva_devtlb_range_encode(op->addr, op->size_lg2, &s, &addr))
		return VSVA_QI_ERR_FIELD;
	if (op->gran == VSVA_INV_G_GLOBAL) {
		vtd_inv_pdevtlb_set_g(d, VTD_PDEVTLB_G_ALL);
	} else if (op->gran == VSVA_INV_G_PASID) {
		vtd_inv_pdevtlb_set_g(d, VTD_PDEVTLB_G_PASID);
		vtd_inv_pdevtlb_set_pasid(d, op->pasid);
	} else {
		return VSVA_QI_ERR_FIELD;
	}
	vtd_inv_pdevtlb_set_sid(d, op->sid);
	vtd_inv_pdevtlb_set_pfsid(d, op->pfsid);
	vtd_inv_pdevtlb_set_mip(d, op->mip);
	vtd_inv_pdevtlb_set_s(d, s);
	vtd_inv_pdevtlb_set_addr(d, addr);
	return 0;
}

static int qi_encode_pgrp(const struct vsva_inv_op *op, struct vtd_inv_desc *d)
{
	if (op->gran != VSVA_INV_G_NONE || !qi_resp_code_ok(op->resp.code) ||
	    op->resp.prg_index > QI_PRGI_MAX || op->pasid > QI_PASID_MAX)
		return VSVA_QI_ERR_FIELD;
	vtd_inv_pgrp_set_pp(d, op->resp.pp);
	if (op->resp.pp)
		vtd_inv_pgrp_set_pasid(d, op->pasid);
	vtd_inv_pgrp_set_rc(d, op->resp.code);
	vtd_inv_pgrp_set_rid(d, op->resp.rid);
	vtd_inv_pgrp_set_lpig(d, op->resp.lpig);
	vtd_inv_pgrp_set_prgi(d, op->resp.prg_index);
	vtd_inv_pgrp_set_pdp(d, op->resp.pdp);
	if (op->resp.pdp) {
		vtd_inv_pgrp_set_private_data_lo(d, op->resp.private_data[0]);
		vtd_inv_pgrp_set_private_data_hi(d, op->resp.private_data[1]);
	}
	return 0;
}

int vsva_qi_encode(const struct vsva_inv_op *op, unsigned int width, u64 *qw)
{
	struct vtd_inv_desc d = { };
	int nqw = qi_width_qwords(width);
	int ret;

	if (nqw < 0)
		return nqw;
	if (!vsva_inv_kind_name(op->kind))
		return VSVA_QI_ERR_TYPE;
	if (width == 128 && vtd_inv_type_needs_256((u8)op->kind))
		return VSVA_QI_ERR_TYPE;

	vtd_inv_set_type(&d, (u8)op->kind);
	switch (op->kind) {
	case VSVA_INV_CC:
		ret = qi_encode_cc(op, &d);
		break;
	case VSVA_INV_IOTLB:
		ret = qi_encode_iotlb(op, &d);
		break;
	case VSVA_INV_DEVTLB:
		ret = qi_encode_devtlb(op, &d);
		break;
	case VSVA_INV_IEC:
		ret = qi_encode_iec(op, &d);
		break;
	case VSVA_INV_WAIT:
		ret = qi_encode_wait(op, &d);
		break;
	case VSVA_INV_PIOTLB:
		ret = qi_encode_piotlb(op, &d);
		break;
	case VSVA_INV_PC:
		ret = qi_encode_pc(op, &d);
		break;
	case VSVA_INV_PDEVTLB:
		ret = qi_encode_pdevtlb(op, &d);
		break;
	default:
		ret = qi_encode_pgrp(op, &d);
		break;
	}
	if (ret)
		return ret;
	memcpy(qw, d.qw, nqw * sizeof(u64));
	return 0;
}

bool vsva_inv_op_equal(const struct vsva_inv_op *a,
		       const struct vsva_inv_op *b)
{
	return a->kind == b->kind && a->gran == b->gran &&
	       a->did == b->did && a->sid == b->sid && a->pasid == b->pasid &&
	       a->fm == b->fm && a->dr == b->dr && a->dw == b->dw &&
	       a->addr == b->addr && a->am == b->am && a->ih == b->ih &&
	       a->size_lg2 == b->size_lg2 && a->pfsid == b->pfsid &&
	       a->mip == b->mip &&
	       a->iec.iidx == b->iec.iidx && a->iec.im == b->iec.im &&
	       a->wait.iflag == b->wait.iflag && a->wait.sw == b->wait.sw &&
	       a->wait.fn == b->wait.fn && a->wait.pd == b->wait.pd &&
	       a->wait.status_data == b->wait.status_data &&
	       a->wait.status_addr == b->wait.status_addr &&
	       a->resp.rid == b->resp.rid && a->resp.pp == b->resp.pp &&
	       a->resp.pdp == b->resp.pdp && a->resp.lpig == b->resp.lpig &&
	       a->resp.code == b->resp.code &&
	       a->resp.prg_index == b->resp.prg_index &&
	       a->resp.private_data[0] == b->resp.private_data[0] &&
	       a->resp.private_data[1] == b->resp.private_data[1];
}

/* ---- Page requests ------------------------------------------------------ */

int vsva_page_req_decode(const u64 *qw, unsigned int nqw,
			 struct vsva_page_req *req)
{
	struct vtd_page_req_desc d = { };

	if (nqw != 2 && nqw != 4)
		return VSVA_QI_ERR_ARG;
	memset(req, 0, sizeof(*req));
	memcpy(d.qw, qw, nqw * sizeof(u64));

	if (vtd_prq_type(&d) != VTD_PRQ_TYPE_PAGE_REQ)
		return VSVA_QI_ERR_TYPE;
	if ((d.qw[0] & VTD_PRQ_RSVD0) || (d.qw[1] & VTD_PRQ_RSVD1))
		return VSVA_QI_ERR_RSVD;
	/* Private Data is defined only with PDP = 1. */
	if (!vtd_prq_pdp(&d) && (d.qw[2] || d.qw[3]))
		return VSVA_QI_ERR_RSVD;

	req->rid = (u16)vtd_prq_rid(&d);
	req->pasid_present = vtd_prq_pp(&d);
	req->pasid = (u32)vtd_prq_pasid(&d);
	req->x = vtd_prq_exr(&d);
	req->priv = vtd_prq_pmr(&d);
	req->r = vtd_prq_rdr(&d);
	req->w = vtd_prq_wrr(&d);
	req->lpig = vtd_prq_lpig(&d);
	req->prg_index = (u16)vtd_prq_prgi(&d);
	req->addr = vtd_prq_addr(&d);
	req->pdp = vtd_prq_pdp(&d);
	req->private_data[0] = d.qw[2];
	req->private_data[1] = d.qw[3];
	return 0;
}

int vsva_page_req_encode(const struct vsva_page_req *req, u64 *qw)
{
	struct vtd_page_req_desc d = { };

	if (req->pasid > QI_PASID_MAX || req->prg_index > QI_PRGI_MAX ||
	    (req->addr & ~QI_ADDR_MASK) ||
	    (!req->pdp && (req->private_data[0] || req->private_data[1])))
		return VSVA_QI_ERR_FIELD;

	vtd_prq_set_type(&d, VTD_PRQ_TYPE_PAGE_REQ);
	vtd_prq_set_pp(&d, req->pasid_present);
	vtd_prq_set_pdp(&d, req->pdp);
	vtd_prq_set_rid(&d, req->rid);
	vtd_prq_set_pasid(&d, req->pasid);
	vtd_prq_set_exr(&d, req->x);
	vtd_prq_set_pmr(&d, req->priv);
	vtd_prq_set_rdr(&d, req->r);
	vtd_prq_set_wrr(&d, req->w);
	vtd_prq_set_lpig(&d, req->lpig);
	vtd_prq_set_prgi(&d, req->prg_index);
	vtd_prq_set_addr(&d, req->addr);
	vtd_prq_set_private_data_lo(&d, req->private_data[0]);
	vtd_prq_set_private_data_hi(&d, req->private_data[1]);
	memcpy(qw, d.qw, sizeof(d.qw));
	return 0;
}

bool vsva_page_req_equal(const struct vsva_page_req *a,
			 const struct vsva_page_req *b)
{
	return a->rid == b->rid && a->pasid_present == b->pasid_present &&
	       a->pasid == b->pasid && a->x == b->x && a->priv == b->priv &&
	       a->r == b->r && a->w == b->w && a->lpig == b->lpig &&
	       a->prg_index == b->prg_index && a->addr == b->addr &&
	       a->pdp == b->pdp &&
	       a->private_data[0] == b->private_data[0] &&
	       a->private_data[1] == b->private_data[1];
}

void vsva_page_resp_op(const struct vsva_page_req *req, u8 code,
		       struct vsva_inv_op *op)
{
	memset(op, 0, sizeof(*op));
	op->kind = VSVA_INV_PGRP_RESP;
	op->gran = VSVA_INV_G_NONE;
	op->resp.rid = req->rid;
	op->resp.pp = req->pasid_present;
	if (req->pasid_present)
		op->pasid = req->pasid;
	op->resp.code = code;
	op->resp.lpig = req->lpig;
	op->resp.prg_index = req->prg_index;
	op->resp.pdp = req->pdp;
	if (req->pdp) {
		op->resp.private_data[0] = req->private_data[0];
		op->resp.private_data[1] = req->private_data[1];
	}
}

/* ---- Describe ----------------------------------------------------------- */

struct qi_field {
	const char *name;
	u16 hi, lo;
	u8 kind;
};

#define QI_FIELD(n, h, l, k)	{ #n, h, l, k },

static const struct qi_field qi_cc_fields[] = {
	VTD_INV_CC_FIELDS(QI_FIELD)
};
static const struct qi_field qi_iotlb_fields[] = {
	VTD_INV_IOTLB_FIELDS(QI_FIELD)
};
static const struct qi_field qi_devtlb_fields[] = {
	VTD_INV_DEVTLB_FIELDS(QI_FIELD)
};
static const struct qi_field qi_iec_fields[] = {
	VTD_INV_IEC_FIELDS(QI_FIELD)
};
static const struct qi_field qi_wait_fields[] = {
	VTD_INV_WAIT_FIELDS(QI_FIELD)
};
static const struct qi_field qi_piotlb_fields[] = {
	VTD_INV_PIOTLB_FIELDS(QI_FIELD)
};
static const struct qi_field qi_pc_fields[] = {
	VTD_INV_PC_FIELDS(QI_FIELD)
};
static const struct qi_field qi_pdevtlb_fields[] = {
	VTD_INV_PDEVTLB_FIELDS(QI_FIELD)
};
static const struct qi_field qi_pgrp_fields[] = {
	VTD_INV_PGRP_FIELDS(QI_FIELD)
};
static const struct qi_field qi_prq_fields[] = {
	VTD_PRQ_FIELDS(QI_FIELD)
};

static const struct {
	const struct qi_field *f;
	unsigned int n;
} qi_tables[] = {
#define QI_TABLE(t, a)	[t] = { a, ARRAY_SIZE(a) }
	QI_TABLE(VTD_INV_CC, qi_cc_fields),
	QI_TABLE(VTD_INV_IOTLB, qi_iotlb_fields),
	QI_TABLE(VTD_INV_DEVTLB, qi_devtlb_fields),
	QI_TABLE(VTD_INV_IEC, qi_iec_fields),
	QI_TABLE(VTD_INV_WAIT, qi_wait_fields),
	QI_TABLE(VTD_INV_PIOTLB, qi_piotlb_fields),
	QI_TABLE(VTD_INV_PC, qi_pc_fields),
	QI_TABLE(VTD_INV_PDEVTLB, qi_pdevtlb_fields),
	QI_TABLE(VTD_INV_PGRP_RESP, qi_pgrp_fields),
#undef QI_TABLE
};

/*
 * Emit the fields of @f that lie within @nqw qwords.  PFSID, split over
 * bits 15:12 and 63:52, is emitted once as "pfsid" (its full value).
 */
static void qi_emit(struct vsva_describe *d, const u64 *qw, unsigned int nqw,
		    const struct qi_field *f, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++, f++) {
		u64 v;

		if (f->lo / 64 >= nqw)
			continue;
		v = __vtd_qw_get(qw, f->hi, f->lo, f->kind);
		if (f->lo == 52 && f->hi == 63)		/* PFSID[15:4] */
			continue;
		if (f->lo == 12 && f->hi == 15) {	/* PFSID[3:0] */
			v |= __vtd_qw_get(qw, 63, 52, VTD_INV_NUM) << 4;
			vsva_desc_num(d, "pfsid", v);
		} else if (f->kind == VTD_INV_ADDR) {
			vsva_desc_addr(d, f->name, v);
		} else {
			vsva_desc_num(d, f->name, v);
		}
	}
}

int vsva_qi_describe(const u64 *qw, unsigned int nqw, struct vsva_describe *d)
{
	struct vsva_inv_op op;
	unsigned int emit_nqw = nqw;
	int ret;
	u8 type;

	if (nqw != 2 && nqw != 4)
		return VSVA_QI_ERR_ARG;
	/* The tool knows no CAP_REG: allow the widest AM the field holds. */
	ret = vsva_qi_decode(qw, nqw * 64, QI_AM_MAX, &op);
	if (ret)
		return ret;

	type = (u8)op.kind;
	vsva_desc_str(d, "type", type, vsva_inv_kind_name(type));
	/* qw2/qw3 carry fields only for a page group response with PDP. */
	if (!(type == VTD_INV_PGRP_RESP && op.resp.pdp))
		emit_nqw = 2;
	qi_emit(d, qw, emit_nqw, qi_tables[type].f, qi_tables[type].n);
	if (type == VTD_INV_DEVTLB || type == VTD_INV_PDEVTLB) {
		/* The range S and ADDR encode, decoded. */
		vsva_desc_addr(d, "range_addr", op.addr);
		vsva_desc_num(d, "range_size_lg2", op.size_lg2);
	}
	return 0;
}

int vsva_page_req_describe(const u64 *qw, unsigned int nqw,
			   struct vsva_describe *d)
{
	struct vsva_page_req req;
	unsigned int i;
	int ret;

	ret = vsva_page_req_decode(qw, nqw, &req);
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(qi_prq_fields); i++) {
		const struct qi_field *f = &qi_prq_fields[i];
		u64 v;

		if (f->lo / 64 >= nqw || (f->lo >= 128 && !req.pdp))
			continue;
		v = __vtd_qw_get(qw, f->hi, f->lo, f->kind);
		if (f->lo == 0)
			vsva_desc_str(d, "type", v, "page-request");
		else if (f->kind == VTD_INV_ADDR)
			vsva_desc_addr(d, f->name, v);
		else
			vsva_desc_num(d, f->name, v);
	}
	return 0;
}
