// SPDX-License-Identifier: GPL-2.0
/*
 * The invalidation queue of the simulated VT-d unit (6.5.2): fetch and
 * decode (vsva_qi_decode) from IQH to IQT, execute on vsva's caches and
 * devices' TLBs, inv-wait completion, and the queue errors IQE, ITE, ICE
 * (choices in iommu.c's header comment).
 */
#include "iommu_internal.h"
#include "qi.h"

void iommu_inv_irq(struct sim_iommu *it)
{
	iommu_send_irq(it, SIM_IOMMU_IRQ_INV, (u32)it->rv[R_IEDATA],
		       (u32)it->rv[R_IEADDR], (u32)it->rv[R_IEUADDR]);
}

static void iq_error(struct sim_iommu *it, enum vtd_iqei iqei, u32 head)
{
	it->rv[R_IQERCD] = vtd_iqercd_set_iqei(it->rv[R_IQERCD], iqei);
	it->st.iq_errors++;
	it->st.iqe_by_iqei[iqei & 7]++;
	sim_trace(it->s, "iommu", "IQE iqei=%u at head %#x", iqei, head);
	iommu_fsts_set(it, VTD_FSTS_IQE);
}

/* Send a device-TLB invalidation; false on a timeout (ITE). */
static bool iq_devtlb(struct sim_iommu *it, const struct vsva_inv_op *op)
{
	struct iommu_dev *d = iommu_find_dev(it, op->sid);
	bool pasid_valid = op->kind == VSVA_INV_PDEVTLB &&
			   op->gran == VSVA_INV_G_PASID;
	bool global = op->kind == VSVA_INV_PDEVTLB &&
		      op->gran == VSVA_INV_G_GLOBAL;

	it->st.devtlb_invs++;
	if (!d || !d->ops || !d->ops->devtlb_invalidate) {
		it->st.orphan_responses++;
		return true;
	}
	if (d->inj_count) {
		enum sim_devtlb_err e = d->inj;

		if (!--d->inj_count)
			d->inj = SIM_DEVTLB_OK;
		if (e == SIM_DEVTLB_TIMEOUT) {
			it->st.ite_errors++;
			it->rv[R_IQERCD] = vtd_iqercd_set_itesid(it->rv[R_IQERCD],
								 op->sid);
			sim_trace(it->s, "iommu", "ITE sid=%04x", op->sid);
			iommu_fsts_set(it, VTD_FSTS_ITE);
			return false;
		}
		if (e == SIM_DEVTLB_BAD_COMPLETION) {
			d->ops->devtlb_invalidate(d->dev, pasid_valid,
						  op->pasid, op->addr,
						  op->size_lg2, global);
			it->st.ice_errors++;
			it->rv[R_IQERCD] = vtd_iqercd_set_icesid(it->rv[R_IQERCD],
								 op->sid);
			sim_trace(it->s, "iommu", "ICE sid=%04x", op->sid);
			iommu_fsts_set(it, VTD_FSTS_ICE);
			return true;
		}
	}
	d->ops->devtlb_invalidate(d->dev, pasid_valid, op->pasid, op->addr,
				  op->size_lg2, global);
	return true;
}

static void iq_wait(struct sim_iommu *it, const struct vsva_inv_op *op,
		    bool aborted)
{
	u32 data = op->wait.status_data;

	it->st.inv_waits++;
	if (aborted) {
		it->st.waits_aborted++;
		return;
	}
	if (op->wait.sw &&
	    sim_mem_write(it->m, VSVA_AS_HPA, op->wait.status_addr, &data, 4))
		sim_trace(it->s, "iommu", "inv-wait status write to %#llx failed",
			  (unsigned long long)op->wait.status_addr);
	if (op->wait.iflag && !(it->rv[R_ICS] & VTD_ICS_IWC)) {
		it->rv[R_ICS] |= VTD_ICS_IWC;
		if (it->rv[R_IECTL] & VTD_xECTL_IM)
			it->rv[R_IECTL] |= VTD_xECTL_IP;
		else
			iommu_inv_irq(it);
	}
}

/* Execute one decoded descriptor; false if the queue must stop (ITE). */
static bool iq_exec(struct sim_iommu *it, const struct vsva_inv_op *op,
		    bool abort_wait)
{
	struct vsva_caches *c = it->caches;

	switch (op->kind) {
	case VSVA_INV_CC:
		if (op->gran == VSVA_INV_G_GLOBAL)
			vsva_inv_ctx_global(c);
		else if (op->gran == VSVA_INV_G_DOMAIN)
			vsva_inv_ctx_domain(c, op->did);
		else
			vsva_inv_ctx_device(c, op->did, op->sid, op->fm);
		break;
	case VSVA_INV_IOTLB:
		if (op->gran == VSVA_INV_G_GLOBAL)
			vsva_inv_iotlb_global(c);
		else if (op->gran == VSVA_INV_G_DOMAIN)
			vsva_inv_iotlb_domain(c, op->did);
		else
			vsva_inv_iotlb_page(c, op->did, op->addr, op->am,
					    op->ih);
		break;
	case VSVA_INV_PIOTLB:
		if (op->gran == VSVA_INV_G_PASID)
			vsva_inv_piotlb_pasid(c, op->did, op->pasid);
		else
			vsva_inv_piotlb_page(c, op->did, op->pasid, op->addr,
					     op->am, op->ih);
		break;
	case VSVA_INV_PC:
		if (op->gran == VSVA_INV_G_GLOBAL)
			vsva_inv_pasid_cache_global(c);
		else if (op->gran == VSVA_INV_G_DOMAIN)
			vsva_inv_pasid_cache_domain(c, op->did);
		else
			vsva_inv_pasid_cache_pasid(c, op->did, op->pasid);
		break;
	case VSVA_INV_DEVTLB:
	case VSVA_INV_PDEVTLB:
		return iq_devtlb(it, op);
	case VSVA_INV_IEC:
		it->st.iec_invs++;	/* no interrupt remapping: nothing cached */
		break;
	case VSVA_INV_WAIT:
		iq_wait(it, op, abort_wait);
		break;
	case VSVA_INV_PGRP_RESP:
		it->st.page_responses++;
		iommu_deliver_response(it, op->resp.rid, op->resp.pp,
				       op->pasid, op->resp.prg_index,
				       op->resp.code);
		break;
	default:
		break;
	}
	return true;
}

void iommu_iq_process(struct sim_iommu *it)
{
	u64 size = VSVA_PAGE_SIZE << it->iq_qs;
	u32 dsz = it->iq_dw ? 32 : 16;
	unsigned int width = it->iq_dw ? 256 : 128;
	unsigned int mamv = (unsigned int)vtd_cap_mamv(it->cfg.cap);

	while (!(it->rv[R_FSTS] & (VTD_FSTS_IQE | VTD_FSTS_ITE)) &&
	       (it->rv[R_GSTS] & VTD_GSTS_QIES) && !it->pd_stalled) {
		u32 head = (u32)(it->rv[R_IQH] & VTD_IQH_QH);
		u64 tail = it->rv[R_IQT] & VTD_IQT_QT;
		struct vsva_inv_op op;
		u64 qw[4] = { 0 };
		bool abort_wait = false;
		int ret;

		if (tail >= size || (it->iq_dw && (tail & 0x10))) {
			iq_error(it, VTD_IQEI_TAIL, head);
			return;
		}
		if (head == tail)
			return;
		if (vsva_read_qwords(&it->mem, VSVA_AS_HPA, it->iq_base + head,
				     qw, dsz / 8)) {
			iq_error(it, VTD_IQEI_FETCH, head);
			return;
		}
		ret = vsva_qi_decode(qw, width, mamv, &op);
		if (ret) {
			struct vtd_inv_desc d = { { qw[0], qw[1], 0, 0 } };
			u8 type = vtd_inv_type(&d);
			enum vtd_iqei iqei = VTD_IQEI_RSVD;

			if (ret == VSVA_QI_ERR_TYPE)
				iqei = !it->iq_dw && vtd_inv_type_needs_256(type) ?
				       VTD_IQEI_WIDTH : VTD_IQEI_TYPE;
			sim_trace(it->s, "iommu",
				  "desc @%#x qw0=%#llx qw1=%#llx: malformed (%d)",
				  head, (unsigned long long)qw[0],
				  (unsigned long long)qw[1], ret);
			iq_error(it, iqei, head);
			return;
		}
		if (op.kind == VSVA_INV_WAIT && op.wait.pd &&
		    it->prq_done < it->prq_issued) {
			/* Drain: requests received before the wait first. */
			it->pd_stalled = true;
			it->pd_target = it->prq_issued;
			return;
		}
		if (it->ite_abort) {
			it->ite_abort--;
			abort_wait = op.kind == VSVA_INV_WAIT;
		}
		it->st.iq_descs++;
		sim_trace(it->s, "iommu",
			  "desc @%#x %s gran=%d did=%u sid=%04x pasid=%#x "
			  "addr=%#llx am=%u%s",
			  head, vsva_inv_kind_name(op.kind), op.gran, op.did,
			  op.sid, op.pasid, (unsigned long long)op.addr, op.am,
			  abort_wait ? " (aborted)" : "");
		ret = iq_exec(it, &op, abort_wait);
		head = (u32)((head + dsz) % size);
		it->rv[R_IQH] = head;
		if (!ret) {
			/* ITE: the waits fetched up to the tail are aborted. */
			it->ite_abort = (u32)(((tail + size - head) % size) /
					      dsz);
			return;
		}
	}
}

void iommu_iq_event_fn(struct sim *s, void *arg)
{
	struct sim_iommu *it = arg;

	it->iq_scheduled = false;
	iommu_iq_process(it);
}

void iommu_iq_kick(struct sim_iommu *it)
{
	if (it->iq_scheduled || !(it->rv[R_GSTS] & VTD_GSTS_QIES))
		return;
	if (sim_schedule(it->s, it->cfg.iq_latency_ns, iommu_iq_event_fn, it))
		return;
	it->iq_scheduled = true;
}
