// SPDX-License-Identifier: GPL-2.0
/*
 * The invalidation queue of the simulated VT-d unit (6.5.2): fetch and
 * decode are host/vtd_unit_iq.c's; here each decoded descriptor executes
 * on vsva's caches and devices' TLBs, inv-wait completion, and the
 * device-TLB errors ITE and ICE (choices in iommu.c's header comment).
 */
#include "iommu_internal.h"
#include "qi.h"

static void iq_error(void *ctx, enum vtd_iqei iqei, u32 head,
		     const u64 *qw, int ret)
{
	struct sim_iommu *it = ctx;

	if (ret)
		sim_trace(it->s, "iommu",
			  "desc @%#x qw0=%#llx qw1=%#llx: malformed (%d)",
			  head, (unsigned long long)qw[0],
			  (unsigned long long)qw[1], ret);
	it->st.iq_errors++;
	it->st.iqe_by_iqei[iqei & 7]++;
	sim_trace(it->s, "iommu", "IQE iqei=%u at head %#x", iqei, head);
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
			vtd_unit_ite(&it->u, op->sid);
			return false;
		}
		if (e == SIM_DEVTLB_BAD_COMPLETION) {
			d->ops->devtlb_invalidate(d->dev, pasid_valid,
						  op->pasid, op->addr,
						  op->size_lg2, global);
			it->st.ice_errors++;
			vtd_unit_ice(&it->u, op->sid);
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
	if (op->wait.iflag)
		vtd_unit_wait_irq(&it->u);
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

static bool iq_stalled(void *ctx)
{
	struct sim_iommu *it = ctx;

	return it->pd_stalled;
}

static bool iq_hold(void *ctx, const struct vsva_inv_op *op)
{
	struct sim_iommu *it = ctx;

	if (op->kind == VSVA_INV_WAIT && op->wait.pd &&
	    it->prq_done < it->prq_issued) {
		/* Drain: requests received before the wait first. */
		it->pd_stalled = true;
		it->pd_target = it->prq_issued;
		return true;
	}
	return false;
}

static enum vtd_iq_verdict iq_desc(void *ctx, u32 head,
				   const struct vsva_inv_op *op,
				   bool abort_wait)
{
	struct sim_iommu *it = ctx;

	it->st.iq_descs++;
	sim_trace(it->s, "iommu",
		  "desc @%#x %s gran=%d did=%u sid=%04x pasid=%#x "
		  "addr=%#llx am=%u%s",
		  head, vsva_inv_kind_name(op->kind), op->gran, op->did,
		  op->sid, op->pasid, (unsigned long long)op->addr, op->am,
		  abort_wait ? " (aborted)" : "");
	return iq_exec(it, op, abort_wait) ? VTD_IQ_NEXT : VTD_IQ_STOP_AFTER;
}

static const struct vtd_iq_ops iommu_iq_ops = {
	.stalled = iq_stalled,
	.hold = iq_hold,
	.exec = iq_desc,
	.error = iq_error,
};

void iommu_iq_process(struct sim_iommu *it)
{
	vtd_unit_iq_process(&it->u, &it->mem, VSVA_AS_HPA, &iommu_iq_ops, it);
}

void iommu_iq_event_fn(struct sim *s, void *arg)
{
	struct sim_iommu *it = arg;

	it->iq_scheduled = false;
	iommu_iq_process(it);
}

void iommu_iq_kick(struct sim_iommu *it)
{
	if (it->iq_scheduled || !(it->u.rv[VTD_R_GSTS] & VTD_GSTS_QIES))
		return;
	if (sim_schedule(it->s, it->cfg.iq_latency_ns, iommu_iq_event_fn, it))
		return;
	it->iq_scheduled = true;
}
