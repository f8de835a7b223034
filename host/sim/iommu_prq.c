// SPDX-License-Identifier: GPL-2.0
/*
 * Page requests into the simulated VT-d unit (7.5): context checks, the
 * optional latency FIFO, and the write into the page request queue
 * (vsva_prq), with the unit's own responses to requests it cannot queue.
 */
#include <stdlib.h>

#include "iommu_internal.h"
#include "qi.h"

#include <nestmed/vtd_fault.h>
#include <nestmed/vtd_qi.h>

static void prq_write(struct sim_iommu *it, const struct sim_page_req *r)
{
	struct vsva_page_req pr = VSVA_PAGE_REQ_FROM(r);
	struct vsva_prq_event ev;
	struct vtd_page_req_desc desc;
	int ret;

	if (vsva_page_req_encode(&pr, desc.qw))
		return;
	ret = vsva_prq_enqueue(&it->prq, &desc, &ev);
	sim_trace(it->s, "iommu",
		  "page request rid=%04x pasid=%s%x addr=%#llx %s%s%s prgi=%u%s: %s",
		  r->rid, r->pasid_present ? "" : "-/", pr.pasid,
		  (unsigned long long)pr.addr, r->r ? "R" : "", r->w ? "W" : "",
		  r->x ? "X" : "", r->prg_index, r->lpig ? " LPIG" : "",
		  ret == 0 ? "queued" : ret == -ENOSPC ? "overflow" : "dropped");
	if (ret == -ENOSPC)
		it->st.prq_overflows++;
	if (ev.irq)
		iommu_send_irq(it, SIM_IOMMU_IRQ_PRQ, ev.irq_data,
			       (u32)ev.irq_addr, (u32)(ev.irq_addr >> 32));
	if (ev.auto_resp) {
		it->st.prq_auto_responses++;
		iommu_deliver_response(it, ev.resp.rid, ev.resp.pasid_present,
				       ev.resp.pasid, ev.resp.prg_index,
				       ev.resp.code);
	}
}

void iommu_prq_event_fn(struct sim *s, void *arg)
{
	struct sim_iommu *it = arg;
	struct sim_page_req r;

	if (!it->prq_fifo_n)
		return;
	r = it->prq_fifo[it->prq_fifo_head];
	it->prq_fifo_head = (it->prq_fifo_head + 1) % it->prq_fifo_cap;
	it->prq_fifo_n--;
	prq_write(it, &r);
	it->prq_done++;
	if (it->pd_stalled && it->prq_done >= it->pd_target) {
		/* The drained wait completes now, not a fetch later. */
		it->pd_stalled = false;
		iommu_iq_process(it);
	}
}

static int prq_fifo_push(struct sim_iommu *it, const struct sim_page_req *r)
{
	if (it->prq_fifo_n == it->prq_fifo_cap) {
		u32 cap = it->prq_fifo_cap ? 2 * it->prq_fifo_cap : 16;
		struct sim_page_req *n = calloc(cap, sizeof(*n));

		if (!n)
			return -ENOMEM;
		for (u32 i = 0; i < it->prq_fifo_n; i++)
			n[i] = it->prq_fifo[(it->prq_fifo_head + i) %
					    it->prq_fifo_cap];
		free(it->prq_fifo);
		it->prq_fifo = n;
		it->prq_fifo_head = 0;
		it->prq_fifo_cap = cap;
	}
	it->prq_fifo[(it->prq_fifo_head + it->prq_fifo_n) % it->prq_fifo_cap] = *r;
	it->prq_fifo_n++;
	return 0;
}

static void page_req_reject(struct sim_iommu *it, const struct sim_page_req *r,
			    u8 fr, bool fpd)
{
	struct fault_info fi = {
		.rid = r->rid, .pp = r->pasid_present, .pasid = r->pasid,
		.addr = r->addr, .fr = fr, .write = r->w, .exe = r->x,
		.priv = r->priv, .page_req = true,
	};

	it->st.prq_rejected++;
	if (fr)
		iommu_record_fault(it, &fi, fpd);
	/* A stop marker (LPIG, R = W = 0) is owed no response. */
	if (r->lpig && (r->r || r->w)) {
		it->st.prq_auto_responses++;
		iommu_deliver_response(it, r->rid, r->pasid_present, r->pasid,
				       r->prg_index, VTD_PRG_RESP_INVALID);
	}
}

int sim_iommu_page_request(struct sim_iommu *it, const struct sim_page_req *r)
{
	struct xl x;
	u8 fr;

	it->st.page_requests++;
	if (!vtd_ecap_prs(it->cfg.ecap))
		return -EOPNOTSUPP;
	if (!(it->u.rv[VTD_R_GSTS] & VTD_GSTS_TES)) {
		page_req_reject(it, r, 0, false);
		return -EPERM;
	}
	memset(&x, 0, sizeof(x));
	fr = iommu_ttm_fault(it, r->pasid_present, true);
	if (!fr)
		fr = iommu_lookup_context(it, r->rid, &x);
	if (!fr && r->pasid_present && !vtd_sce_paside(&x.ce))
		fr = VTD_FR_SM_CTX_PASIDE;
	if (!fr && !vtd_sce_pre(&x.ce))
		fr = VTD_FR_SM_CTX_PRE;
	if (fr) {
		page_req_reject(it, r, fr, x.fpd);
		return -EPERM;
	}
	if (it->cfg.prq_latency_ns) {
		if (prq_fifo_push(it, r))
			return -ENOMEM;
		if (sim_schedule(it->s, it->cfg.prq_latency_ns, iommu_prq_event_fn,
				 it)) {
			it->prq_fifo_n--;
			return -ENOMEM;
		}
		it->prq_issued++;
		return 0;
	}
	prq_write(it, r);
	return 0;
}
