// SPDX-License-Identifier: GPL-2.0
/*
 * Linux 6.12 prq.c model (page request queue, prq_event_thread,
 * intel_iommu_page_response, intel_iommu_drain_pasid_prq) with the part of
 * io-pgfault.c it reports into (iommu_report_device_fault: partial list,
 * iopf groups, the domain's iopf_handler, iopf_group_response).
 *
 * Faithful quirks kept on purpose: a request that finds no handler is
 * answered INVALID even when it is not the last of its group (the
 * response then has LPIG = 0); partial requests are grouped by PRG index
 * only; IOMMU_PAGE_RESP_FAILURE (2) is written as response code 2, which a
 * VT-d unit may reject as a reserved code (IQE, recovered by
 * qi_submit_sync).  The guest CPU is taken to use 4-level paging, so
 * canonical means bits 63:47 equal (__VIRTUAL_MASK_SHIFT 47).
 */
#include <stdlib.h>

#include "intel_iommu_internal.h"

#define PRQ_RING_MASK	((u64)GVTD_PRQ_SIZE - 0x20)
#define VIRTUAL_MASK_SHIFT	47

int gvtd_prq_enable(struct gvtd_iommu *u)
{
	u64 a = u->cfg.msi_addr;

	if (gmem_alloc_pages(u->mem, GVTD_PRQ_ORDER, &u->prq))
		return -ENOMEM;
	/* request_threaded_irq(): MSI message, then unmask */
	gvtd_writel(u, VTD_PEDATA_REG, u->cfg.prq_vector);
	gvtd_writel(u, VTD_PEADDR_REG, (u32)a);
	gvtd_writel(u, VTD_PEUADDR_REG, (u32)(a >> 32));
	gvtd_writel(u, VTD_PECTL_REG, 0);
	gvtd_writeq(u, VTD_PQH_REG, 0);
	gvtd_writeq(u, VTD_PQT_REG, 0);
	gvtd_writeq(u, VTD_PQA_REG, u->prq | GVTD_PRQ_ORDER);
	u->prq_enabled = true;
	return 0;
}

/* intel_iommu_finish_prq() */
void gvtd_prq_finish(struct gvtd_iommu *u)
{
	gvtd_writeq(u, VTD_PQH_REG, 0);
	gvtd_writeq(u, VTD_PQT_REG, 0);
	gvtd_writeq(u, VTD_PQA_REG, 0);
	gvtd_writel(u, VTD_PECTL_REG, VTD_xECTL_IM);	/* free_irq: mask */
	gmem_free_pages(u->mem, u->prq, GVTD_PRQ_ORDER);
	u->prq = 0;
	u->prq_enabled = false;
}

/* The page group response descriptor (QI_PGRP_*), code written raw. */
static void pgrp_desc(struct vtd_inv_desc *d, u16 rid, bool pp, u32 pasid,
		      u8 code, u16 prgi, bool lpig)
{
	struct vsva_inv_op op = {
		.kind = VSVA_INV_PGRP_RESP, .pasid = pasid,
		.resp = { .rid = rid, .pp = pp, .lpig = lpig,
			  .code = VTD_PRG_RESP_SUCCESS, .prg_index = prgi },
	};

	gvtd_desc_from_op(&op, d);
	vtd_inv_pgrp_set_pasid(d, pasid);	/* QI_PGRP_PASID even if !pp */
	vtd_inv_pgrp_set_rc(d, code);
}

/* intel_iommu_page_response() */
static void page_response(struct gvtd_device *dev, const struct gvtd_fault *f,
			  u32 code)
{
	struct vtd_inv_desc d;

	pgrp_desc(&d, dev->cfg.rid, f->flags & GVTD_FAULT_PASID_VALID,
		  f->pasid, (u8)code, (u16)f->grpid,
		  f->flags & GVTD_FAULT_LAST_PAGE);
	dev->iommu->st.page_responses++;
	gvtd_qi_submit_sync(dev->iommu, &d, 1, false);
}

/* handle_bad_prq_event() */
static void handle_bad_prq_event(struct gvtd_iommu *u,
				 const struct vtd_page_req_desc *req, u8 result)
{
	struct vtd_inv_desc d;

	u->st.prq_bad++;
	gvtd_trace(u, "invalid page request %#llx %#llx",
		   (unsigned long long)req->qw[0],
		   (unsigned long long)req->qw[1]);
	if (!vtd_prq_lpig(req))
		return;
	pgrp_desc(&d, (u16)vtd_prq_rid(req), vtd_prq_pp(req),
		  (u32)vtd_prq_pasid(req), result, (u16)vtd_prq_prgi(req), true);
	u->st.page_responses++;
	gvtd_qi_submit_sync(u, &d, 1, false);
}

static bool is_canonical(u64 addr)
{
	int shift = 64 - (VIRTUAL_MASK_SHIFT + 1);

	return (u64)(((s64)(addr << shift)) >> shift) == addr;
}

static void group_free(struct gvtd_iopf_group *g)
{
	free(g->faults);
	free(g);
}

void gvtd_iopf_group_response(struct gvtd_iopf_group *g,
			      enum gvtd_page_resp_code code)
{
	if (g->responded)
		return;
	page_response(g->dev, &g->last_fault, code);
	g->responded = true;
	if (g->dev->pending_groups)
		g->dev->pending_groups--;
}

void gvtd_iopf_free_group(struct gvtd_iopf_group *g)
{
	group_free(g);
}

/* iommu_report_device_fault() */
static void report_device_fault(struct gvtd_device *dev,
				const struct gvtd_fault *f)
{
	struct gvtd_iommu *u = dev->iommu;
	struct gvtd_attach_handle *ah = NULL;
	struct gvtd_iopf_group *g;
	u32 n = 0;

	/* find_fault_handler(): VT-d has no user_pasid_table */
	if (f->flags & GVTD_FAULT_PASID_VALID) {
		struct gvtd_pasid_handle *h = gvtd_pasid_array_find(dev, f->pasid);

		if (h && h->handle && h->handle->domain &&
		    h->handle->domain->iopf_handler)
			ah = h->handle;
	}
	if (!ah || !dev->iopf_queued) {
		u->st.iopf_no_handler++;
		page_response(dev, f, GVTD_PAGE_RESP_INVALID);	/* iopf_error_response */
		return;
	}
	if (!(f->flags & GVTD_FAULT_LAST_PAGE)) {
		/* report_partial_fault() */
		if (dev->npartial == dev->partial_cap) {
			u32 cap = dev->partial_cap ? 2 * dev->partial_cap : 8;
			struct gvtd_fault *p = realloc(dev->partial,
						       cap * sizeof(*p));

			if (!p)
				return;
			dev->partial = p;
			dev->partial_cap = cap;
		}
		dev->partial[dev->npartial++] = *f;
		u->st.iopf_partials++;
		return;
	}
	/* iopf_group_alloc(): partials of the same grpid go before the last */
	g = calloc(1, sizeof(*g));
	if (g)
		g->faults = calloc(dev->npartial + 1, sizeof(*g->faults));
	if (!g || !g->faults) {
		free(g);
		page_response(dev, f, GVTD_PAGE_RESP_FAILURE);
		return;
	}
	for (u32 i = 0; i < dev->npartial; ) {
		if (dev->partial[i].grpid == f->grpid) {
			/* list_move() to the head: later ones come first */
			memmove(g->faults + 1, g->faults, n * sizeof(*g->faults));
			g->faults[0] = dev->partial[i];
			n++;
			memmove(dev->partial + i, dev->partial + i + 1,
				(dev->npartial - i - 1) * sizeof(*dev->partial));
			dev->npartial--;
		} else {
			i++;
		}
	}
	g->faults[n++] = *f;
	g->fault_count = n;
	g->last_fault = *f;
	g->dev = dev;
	g->attach_handle = ah;
	dev->pending_groups++;
	u->st.iopf_groups++;
	if (ah->domain->iopf_handler(g)) {
		gvtd_iopf_group_response(g, GVTD_PAGE_RESP_FAILURE);
		group_free(g);
	}
}

/* intel_prq_report() */
static void prq_report(struct gvtd_device *dev,
		       const struct vtd_page_req_desc *req)
{
	struct gvtd_fault f = {
		.addr = vtd_prq_addr(req),
		.pasid = (u32)vtd_prq_pasid(req),
		.grpid = (u32)vtd_prq_prgi(req),
	};

	if (vtd_prq_rdr(req))
		f.perm |= GVTD_FAULT_PERM_READ;
	if (vtd_prq_wrr(req))
		f.perm |= GVTD_FAULT_PERM_WRITE;
	if (vtd_prq_exr(req))
		f.perm |= GVTD_FAULT_PERM_EXEC;
	if (vtd_prq_pmr(req))
		f.perm |= GVTD_FAULT_PERM_PRIV;
	if (vtd_prq_lpig(req))
		f.flags |= GVTD_FAULT_LAST_PAGE;
	if (vtd_prq_pp(req))
		f.flags |= GVTD_FAULT_PASID_VALID | GVTD_FAULT_NEEDS_PASID;
	report_device_fault(dev, &f);
}

void gvtd_iopf_discard_partial(struct gvtd_iommu *u)
{
	for (u32 i = 0; i < u->ndevs; i++)
		u->devs[i]->npartial = 0;
}

void gvtd_iopf_queue_remove_device(struct gvtd_device *dev)
{
	dev->npartial = 0;
	dev->iopf_queued = false;
}

void gvtd_prq_event_thread(struct gvtd_iommu *u)
{
	u64 head, tail;

	if (!u->prq_enabled)
		return;
	if (u->prq_running) {
		u->prq_again = true;
		return;
	}
	u->prq_running = true;
again:
	u->prq_again = false;
	/* Clear PPR before reading head/tail: a new request re-raises it. */
	gvtd_writel(u, VTD_PRS_REG, VTD_PRS_PPR);
	tail = gvtd_readq(u, VTD_PQT_REG) & PRQ_RING_MASK;
	head = gvtd_readq(u, VTD_PQH_REG) & PRQ_RING_MASK;
	while (head != tail) {
		struct vtd_page_req_desc req;
		struct gvtd_device *dev;
		u64 addr;

		gmem_read(u->mem, u->prq + head, req.qw, sizeof(req.qw));
		addr = vtd_prq_addr(&req);
		u->st.prq_reqs++;
		if (!vtd_prq_pp(&req) || !is_canonical(addr) ||
		    (vtd_prq_pmr(&req) && (vtd_prq_rdr(&req) | vtd_prq_wrr(&req))) ||
		    (vtd_prq_exr(&req) && vtd_prq_rdr(&req))) {
			handle_bad_prq_event(u, &req, VTD_PRG_RESP_INVALID);
			goto advance;
		}
		/* Stop marker: no response owed. */
		if (vtd_prq_lpig(&req) && !vtd_prq_rdr(&req) &&
		    !vtd_prq_wrr(&req)) {
			u->st.prq_stop_markers++;
			goto advance;
		}
		/* device_rbtree_find(): only ATS-capable devices are there */
		dev = gvtd_find_device(u, (u16)vtd_prq_rid(&req));
		if (!dev || !dev->ats_supported) {
			handle_bad_prq_event(u, &req, VTD_PRG_RESP_INVALID);
			goto advance;
		}
		prq_report(dev, &req);
advance:
		head = (head + 32) & PRQ_RING_MASK;
	}
	gvtd_writeq(u, VTD_PQH_REG, tail);
	if (gvtd_readl(u, VTD_PRS_REG) & VTD_PRS_PRO) {
		u->st.prq_overflows++;
		head = gvtd_readq(u, VTD_PQH_REG) & PRQ_RING_MASK;
		tail = gvtd_readq(u, VTD_PQT_REG) & PRQ_RING_MASK;
		if (head == tail) {
			gvtd_iopf_discard_partial(u);
			gvtd_writel(u, VTD_PRS_REG, VTD_PRS_PRO);
		}
	}
	if (u->prq_again)
		goto again;
	u->prq_running = false;
}

/* intel_iommu_drain_pasid_prq() */
void gvtd_drain_pasid_prq(struct gvtd_device *dev, u32 pasid)
{
	struct gvtd_iommu *u = dev->iommu;
	struct vtd_inv_desc desc[3];
	struct vsva_inv_op wop = {
		.kind = VSVA_INV_WAIT, .wait = { .fn = true },
	};
	unsigned int retries = 0;
	u16 did;

	if (!dev->pri_enabled)
		return;
	u->st.drains++;
	did = dev->domain ? dev->domain->did : GVTD_FLPT_DEFAULT_DID;
prq_retry:
	{
		u64 tail = gvtd_readq(u, VTD_PQT_REG) & PRQ_RING_MASK;
		u64 head = gvtd_readq(u, VTD_PQH_REG) & PRQ_RING_MASK;

		while (head != tail) {
			struct vtd_page_req_desc req;

			gmem_read(u->mem, u->prq + head, req.qw, 16);
			if (vtd_prq_pp(&req) && vtd_prq_pasid(&req) == pasid &&
			    !u->prq_running && retries++ < 8) {
				/* wait_for_completion(&iommu->prq_complete) */
				gvtd_prq_event_thread(u);
				goto prq_retry;
			}
			head = (head + 32) & PRQ_RING_MASK;
		}
	}
	/* VT-d 7.10: fence wait, IOTLB, device-TLB, then a PD wait. */
	gvtd_desc_from_op(&wop, &desc[0]);
	vtd_inv_wait_set_status_data_(&desc[0], GVTD_QI_DONE);
	if (pasid == GVTD_NO_PASID) {
		gvtd_desc_iotlb(u, &desc[1], did, 0, 0, false, VTD_IOTLB_G_DOMAIN);
		gvtd_desc_devtlb(&desc[2], dev->cfg.rid, dev->pfsid,
				 dev->cfg.ats_qdep, 0, GVTD_MAX_AGAW_PFN_WIDTH);
	} else {
		gvtd_desc_piotlb(&desc[1], did, pasid, 0, GVTD_NPAGES_ALL, false);
		gvtd_desc_pdevtlb(&desc[2], dev->cfg.rid, dev->pfsid, pasid,
				  dev->cfg.ats_qdep, 0, GVTD_MAX_AGAW_PFN_WIDTH);
	}
	for (retries = 0; retries < 8; retries++) {
		gvtd_qi_submit_sync(u, desc, 3, true);
		if (!(gvtd_readl(u, VTD_PRS_REG) & VTD_PRS_PRO))
			break;
		gvtd_prq_event_thread(u);
	}
}
