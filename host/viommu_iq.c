// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's invalidation queue (6.5.2): walked by the shared core
 * (vtd_unit_iq_process, which decodes with vsva_qi_decode and raises
 * IQE with IQEI); here each decoded descriptor is gathered into the
 * current batch.  A batch goes to hooks->inv_batch, once, when an
 * inv-wait is reached (so the wait completes only after everything before
 * it was handled) or when the walk stops (queue empty, or a queue error,
 * in which case the batch is handed over before IQE is raised).  Page
 * group responses are delivered after their batch, in queue order.
 */
#include <stdlib.h>

#include "viommu_internal.h"

static int push(struct vsva_inv_op **arr, u32 *n, u32 *cap,
		const struct vsva_inv_op *op)
{
	if (*n == *cap) {
		u32 nc = *cap ? 2 * *cap : 16;
		struct vsva_inv_op *na = realloc(*arr, nc * sizeof(*na));

		if (!na)
			return -ENOMEM;
		*arr = na;
		*cap = nc;
	}
	(*arr)[(*n)++] = *op;
	return 0;
}

/* Hand the gathered batch to the owner, then the responses behind it. */
static void flush(struct viommu *v)
{
	if (v->nbatch) {
		int ret = -EOPNOTSUPP;
		u16 sid = 0;

		v->st.iq_batches++;
		if (v->hooks.inv_batch)
			ret = v->hooks.inv_batch(v->hooks.ctx, v->batch,
						 v->nbatch);
		sim_trace(v->s, "viommu", "batch of %u: %d", v->nbatch, ret);
		if (ret) {
			for (u32 i = 0; i < v->nbatch; i++) {
				if (v->batch[i].kind == VSVA_INV_DEVTLB ||
				    v->batch[i].kind == VSVA_INV_PDEVTLB) {
					sid = v->batch[i].sid;
					break;
				}
			}
			v->st.ice_errors++;
			vtd_unit_ice(&v->u, sid);
		}
		v->nbatch = 0;
	}
	for (u32 i = 0; i < v->nresp; i++) {
		const struct vsva_inv_op *r = &v->resp[i];

		v->st.page_responses++;
		sim_trace(v->s, "viommu",
			  "page response rid=%04x pasid=%s%x prgi=%u code=%#x",
			  r->resp.rid, r->resp.pp ? "" : "-/", r->pasid,
			  r->resp.prg_index, r->resp.code);
		if (v->hooks.page_response)
			v->hooks.page_response(v->hooks.ctx, r->resp.rid,
					       r->resp.pp, r->pasid,
					       r->resp.prg_index,
					       r->resp.code);
	}
	v->nresp = 0;
}

static void wait_complete(struct viommu *v, const struct vsva_inv_op *op,
			  bool aborted)
{
	u32 data = op->wait.status_data;

	v->st.inv_waits++;
	sim_trace(v->s, "viommu", "inv-wait if=%d sw=%d pd=%d addr=%#llx%s",
		  op->wait.iflag, op->wait.sw, op->wait.pd,
		  (unsigned long long)op->wait.status_addr,
		  aborted ? " (aborted)" : "");
	if (aborted)
		return;
	/* The status write goes to guest memory (the VM's GPA space). */
	if (op->wait.sw &&
	    sim_mem_write(v->s->mem, v->as, op->wait.status_addr, &data, 4)) {
		v->st.wait_write_faults++;
		sim_trace(v->s, "viommu",
			  "inv-wait status write to gpa %#llx failed",
			  (unsigned long long)op->wait.status_addr);
	}
	if (op->wait.iflag)
		vtd_unit_wait_irq(&v->u);
}

static void count(struct viommu *v, const struct vsva_inv_op *op)
{
	switch (op->kind) {
	case VSVA_INV_CC:
		v->st.ctx_invs++;
		break;
	case VSVA_INV_IOTLB:
		v->st.iotlb_invs++;
		break;
	case VSVA_INV_PIOTLB:
		v->st.piotlb_invs++;
		break;
	case VSVA_INV_PC:
		v->st.pasid_cache_invs++;
		break;
	case VSVA_INV_DEVTLB:
	case VSVA_INV_PDEVTLB:
		v->st.devtlb_invs++;
		break;
	case VSVA_INV_IEC:
		v->st.iec_invs++;
		break;
	default:
		break;
	}
}

static enum vtd_iq_verdict iq_exec(void *ctx, u32 head,
				   const struct vsva_inv_op *op,
				   bool abort_wait)
{
	struct viommu *v = ctx;

	v->st.iq_descs++;
	sim_trace(v->s, "viommu",
		  "desc @%#x %s gran=%d did=%u sid=%04x pasid=%#x addr=%#llx "
		  "am=%u", head, vsva_inv_kind_name(op->kind), op->gran,
		  op->did, op->sid, op->pasid, (unsigned long long)op->addr,
		  op->am);
	switch (op->kind) {
	case VSVA_INV_WAIT:
		flush(v);
		wait_complete(v, op, abort_wait);
		return VTD_IQ_NEXT;
	case VSVA_INV_PGRP_RESP:
		if (push(&v->resp, &v->nresp, &v->resp_cap, op)) {
			/* No memory: deliver in order right away instead. */
			flush(v);
			v->st.page_responses++;
			if (v->hooks.page_response)
				v->hooks.page_response(v->hooks.ctx,
						       op->resp.rid,
						       op->resp.pp, op->pasid,
						       op->resp.prg_index,
						       op->resp.code);
		}
		return VTD_IQ_NEXT;
	default:
		break;
	}
	count(v, op);
	if (op->kind == VSVA_INV_CC && v->hooks.context_changed) {
		/* Device-selective names one RID; the rest all of them. */
		u16 rid = op->gran == VSVA_INV_G_DEVICE ? op->sid :
			  VIOMMU_RID_ALL;

		v->hooks.context_changed(v->hooks.ctx, rid);
	}
	if (push(&v->batch, &v->nbatch, &v->batch_cap, op)) {
		/* No memory: hand over what we have, then this op alone. */
		flush(v);
		push(&v->batch, &v->nbatch, &v->batch_cap, op);
		if (!v->nbatch) {
			v->st.ice_errors++;
			vtd_unit_ice(&v->u, 0);
		}
		flush(v);
	}
	return VTD_IQ_NEXT;
}

static void iq_error(void *ctx, enum vtd_iqei iqei, u32 head, const u64 *qw,
		     int ret)
{
	struct viommu *v = ctx;

	/* What was valid before the bad descriptor is handled first. */
	flush(v);
	v->st.iq_errors++;
	if (iqei < ARRAY_SIZE(v->st.iqe_by_iqei))
		v->st.iqe_by_iqei[iqei]++;
	sim_trace(v->s, "viommu",
		  "IQE iqei=%u at head %#x qw0=%#llx qw1=%#llx (%d)", iqei,
		  head, (unsigned long long)qw[0], (unsigned long long)qw[1],
		  ret);
}

static const struct vtd_iq_ops viommu_iq_ops = {
	.exec = iq_exec,
	.error = iq_error,
};

void viommu_iq_kick(struct viommu *v)
{
	if (v->in_iq || !(v->u.rv[VTD_R_GSTS] & VTD_GSTS_QIES))
		return;
	v->in_iq = true;
	vtd_unit_iq_process(&v->u, &v->mem, v->as, &viommu_iq_ops, v);
	flush(v);
	v->in_iq = false;
}

void viommu_iq_reset(struct viommu *v)
{
	v->nbatch = 0;
	v->nresp = 0;
}
