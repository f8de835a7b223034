// SPDX-License-Identifier: GPL-2.0
/*
 * Invalidation queue walking of a VT-d unit model (6.5.2): from IQH to
 * IQT, fetch, vsva_qi_decode, hand each operation to the owner, and the
 * queue errors.  IQH stays at a bad descriptor; IQEI 1 invalid tail
 * (beyond the queue, or bit 4 set with DW = 1), 2 fetch failure, 3 unknown
 * type, 4 reserved bit or reserved field encoding (vsva: RSVD and FIELD),
 * 5 a 256-bit-only type (6..9) in a 128-bit queue.  After an ITE, IQH is
 * past the timed-out descriptor and the inv-wait descriptors then in
 * [IQH, IQT) are aborted (no status write, no interrupt) when processing
 * resumes after software clears ITE.
 */
#include "vtd_unit.h"

static void iq_error(struct vtd_unit *u, const struct vtd_iq_ops *ops,
		     void *ctx, enum vtd_iqei iqei, u32 head, const u64 *qw,
		     int ret)
{
	u->rv[VTD_R_IQERCD] = vtd_iqercd_set_iqei(u->rv[VTD_R_IQERCD], iqei);
	if (ops->error)
		ops->error(ctx, iqei, head, qw, ret);
	vtd_unit_fsts_set(u, VTD_FSTS_IQE);
}

void vtd_unit_iq_process(struct vtd_unit *u, const struct vsva_mem *mem,
			 u32 as, const struct vtd_iq_ops *ops, void *ctx)
{
	u64 size = VSVA_PAGE_SIZE << u->iq_qs;
	u32 dsz = u->iq_dw ? 32 : 16;
	unsigned int width = u->iq_dw ? 256 : 128;
	unsigned int mamv = (unsigned int)vtd_cap_mamv(u->cap);

	while (!(u->rv[VTD_R_FSTS] & (VTD_FSTS_IQE | VTD_FSTS_ITE)) &&
	       (u->rv[VTD_R_GSTS] & VTD_GSTS_QIES) &&
	       !(ops->stalled && ops->stalled(ctx))) {
		u32 head = (u32)(u->rv[VTD_R_IQH] & VTD_IQH_QH);
		u64 tail = u->rv[VTD_R_IQT] & VTD_IQT_QT;
		struct vsva_inv_op op;
		u64 qw[4] = { 0 };
		bool abort_wait = false;
		enum vtd_iq_verdict v;
		int ret;

		if (tail >= size || (u->iq_dw && (tail & 0x10))) {
			iq_error(u, ops, ctx, VTD_IQEI_TAIL, head, qw, 0);
			return;
		}
		if (head == tail)
			return;
		if (vsva_read_qwords(mem, as, u->iq_base + head, qw, dsz / 8)) {
			iq_error(u, ops, ctx, VTD_IQEI_FETCH, head, qw, 0);
			return;
		}
		ret = vsva_qi_decode(qw, width, mamv, &op);
		if (ret) {
			struct vtd_inv_desc d = { { qw[0], qw[1], 0, 0 } };
			u8 type = vtd_inv_type(&d);
			enum vtd_iqei iqei = VTD_IQEI_RSVD;

			if (ret == VSVA_QI_ERR_TYPE)
				iqei = !u->iq_dw && vtd_inv_type_needs_256(type) ?
				       VTD_IQEI_WIDTH : VTD_IQEI_TYPE;
			iq_error(u, ops, ctx, iqei, head, qw, ret);
			return;
		}
		if (ops->hold && ops->hold(ctx, &op))
			return;
		if (u->ite_abort) {
			u->ite_abort--;
			abort_wait = op.kind == VSVA_INV_WAIT;
		}
		v = ops->exec(ctx, head, &op, abort_wait);
		head = (u32)((head + dsz) % size);
		u->rv[VTD_R_IQH] = head;
		if (v == VTD_IQ_STOP_AFTER) {
			/* ITE: the waits fetched up to the tail are aborted. */
			u->ite_abort = (u32)(((tail + size - head) % size) /
					     dsz);
			return;
		}
	}
}
