// SPDX-License-Identifier: GPL-2.0
/*
 * The host IOMMU driver of the simulated machine (see hostdrv.h).
 *
 * Sequences follow Linux 6.12 drivers/iommu/intel: init_dmars() order
 * (queued invalidation first, then the root table with global context,
 * PASID-cache and IOTLB invalidations, fault interrupt, PRQ, TE),
 * qi_submit_sync() (descriptors + one inv-wait with status write, polled),
 * qi_check_fault() recovery, dmar_fault() (FRCD read and clear),
 * prq_event_thread() (PPR clear, drain head..tail, PQH write, PRO clear) and
 * intel_pasid_tear_down_entry() (clear P, PASID cache, IOTLB, device TLB,
 * clear the entry, drain page requests).
 *
 * The driver touches the unit only through sim_iommu_read/write and host
 * memory; descriptors are encoded by vsva_qi_encode, page requests decoded
 * by vsva_page_req_decode.
 */
#include <stdlib.h>

#include "hostdrv_internal.h"

/* One GCMD command (10.4.4: one bit changes per write), then GSTS. */
static int gcmd(struct hostdrv *hd, u32 cmd, bool set, u32 sts_bit)
{
	u32 v = set ? hd->gcmd | cmd : hd->gcmd & ~cmd;

	hd_wr(hd, VTD_GCMD_REG, 4, v);
	if (!(cmd & VTD_GCMD_ONESHOT))
		hd->gcmd = v;
	for (int i = 0; i < HD_REG_POLL; i++) {
		u32 sts = (u32)hd_rd(hd, VTD_GSTS_REG, 4);

		if (!!(sts & sts_bit) == set)
			return 0;
		sim_step(hd->s);
	}
	return -ETIMEDOUT;
}

/* ------------------------------------------------------------------ */
/* Interrupts                                                         */
/* ------------------------------------------------------------------ */
static void q_push(struct hostdrv *hd, const struct hd_item *it)
{
	if (hd->q_n == hd->cfg.sw_queue_len) {
		hd->st.sw_drops++;
		return;
	}
	hd->q[(hd->q_head + hd->q_n++) % hd->cfg.sw_queue_len] = *it;
}

/* dmar_fault(): read each pending record, clear F, then PFO. */
static void fault_drain(struct hostdrv *hd)
{
	u32 fsts = (u32)hd_rd(hd, VTD_FSTS_REG, 4);
	u32 i = FIELD_GET((u32)VTD_FSTS_FRI, fsts);

	if (fsts & VTD_FSTS_PPF) {
		for (u32 n = 0; n < hd->nfr; n++, i = (i + 1) % hd->nfr) {
			u32 off = hd->fro + VTD_FRCD_LEN * i;
			struct vtd_frcd r;
			struct hd_item item = { .is_fault = true };

			r.val[1] = hd_rd(hd, off + 8, 8);
			if (!vtd_frcd_f(&r))
				continue;
			r.val[0] = hd_rd(hd, off, 8);
			hd_wr(hd, off + 8, 8, BIT_ULL(63));	/* F is RW1C */
			item.fault.sid = (u16)vtd_frcd_sid(&r);
			item.fault.pasid_present = vtd_frcd_pp(&r);
			item.fault.pasid = (u32)vtd_frcd_pv(&r);
			item.fault.addr = vtd_frcd_fi(&r);
			item.fault.reason = (u8)vtd_frcd_fr(&r);
			item.fault.write = !vtd_frcd_t1(&r);
			hd->st.fault_records++;
			sim_trace(hd->s, "hostdrv", "fault record %u: sid=%04x fr=%#x addr=%#llx",
				  i, item.fault.sid, item.fault.reason,
				  (unsigned long long)item.fault.addr);
			q_push(hd, &item);
		}
	}
	if (fsts & VTD_FSTS_PFO) {
		hd->st.fault_overflows++;
		hd_wr(hd, VTD_FSTS_REG, 4, VTD_FSTS_PFO);
	}
}

/* prq_event_thread(): PPR clear, head..tail, PQH, PRO. */
static void prq_drain(struct hostdrv *hd)
{
	u64 head, tail;
	u32 prs;

	hd_wr(hd, VTD_PRS_REG, 4, VTD_PRS_PPR);
	head = hd_rd(hd, VTD_PQH_REG, 8) & VTD_PQH_PQH;
	tail = hd_rd(hd, VTD_PQT_REG, 8) & VTD_PQT_PQT;
	while (head != tail) {
		struct vtd_page_req_desc d;
		struct vsva_page_req pr;
		struct hd_item item = { .is_fault = false };

		hd_mrd(hd, hd->prq + head, d.qw, sizeof(d.qw));
		head = (head + VSVA_PRQ_DESC_SIZE) % hd->prq_size;
		hd->st.page_reqs++;
		if (vsva_page_req_decode(d.qw, 4, &pr)) {
			hd->st.prq_bad++;
			continue;
		}
		item.req.rid = pr.rid;
		item.req.pasid_present = pr.pasid_present;
		item.req.pasid = pr.pasid;
		item.req.addr = pr.addr;
		item.req.r = pr.r;
		item.req.w = pr.w;
		item.req.x = pr.x;
		item.req.priv = pr.priv;
		item.req.lpig = pr.lpig;
		item.req.prg_index = pr.prg_index;
		sim_trace(hd->s, "hostdrv", "page request rid=%04x pasid=%s%x addr=%#llx prgi=%u%s",
			  pr.rid, pr.pasid_present ? "" : "-/", pr.pasid,
			  (unsigned long long)pr.addr, pr.prg_index,
			  pr.lpig ? " LPIG" : "");
		q_push(hd, &item);
	}
	hd_wr(hd, VTD_PQH_REG, 8, head);
	prs = (u32)hd_rd(hd, VTD_PRS_REG, 4);
	if (prs & VTD_PRS_PRO) {
		hd->st.prq_overflows++;
		hd_wr(hd, VTD_PRS_REG, 4, VTD_PRS_PRO);
	}
}

static void irq_fn(struct sim *s, void *arg)
{
	struct hostdrv *hd = arg;

	hd->st.irq_events++;
	if (hd->irq_pending[SIM_IOMMU_IRQ_FAULT]) {
		hd->irq_pending[SIM_IOMMU_IRQ_FAULT] = false;
		fault_drain(hd);
	}
	if (hd->irq_pending[SIM_IOMMU_IRQ_PRQ]) {
		hd->irq_pending[SIM_IOMMU_IRQ_PRQ] = false;
		prq_drain(hd);
	}
	hd->irq_pending[SIM_IOMMU_IRQ_INV] = false;
}

static void host_irq(void *ctx, enum sim_iommu_irq which, u32 data, u64 addr)
{
	struct hostdrv *hd = ctx;
	bool any = hd->irq_pending[0] || hd->irq_pending[1] ||
		   hd->irq_pending[2];

	if ((unsigned int)which > SIM_IOMMU_IRQ_PRQ)
		return;
	hd->st.irqs[which]++;
	hd->irq_pending[which] = true;
	if (!any)
		sim_schedule(hd->s, hd->cfg.irq_latency_ns, irq_fn, hd);
}

static const struct sim_iommu_host_ops hd_host_ops = { .irq = host_irq };

void hostdrv_set_handlers(struct hostdrv *hd, const struct piommu_handlers *h)
{
	if (h)
		hd->h = *h;
	else
		memset(&hd->h, 0, sizeof(hd->h));
}

u32 hostdrv_pending(const struct hostdrv *hd)
{
	return hd->q_n;
}

u32 hostdrv_poll(struct hostdrv *hd)
{
	u32 n = 0;

	if (hd->in_poll)
		return 0;
	hd->in_poll++;
	while (hd->q_n) {
		struct hd_item item = hd->q[hd->q_head];

		hd->q_head = (hd->q_head + 1) % hd->cfg.sw_queue_len;
		hd->q_n--;
		n++;
		if (item.is_fault) {
			hd->st.faults_delivered++;
			if (hd->h.fault)
				hd->h.fault(hd->h.ctx, &item.fault);
		} else {
			hd->st.page_reqs_delivered++;
			if (hd->h.page_request)
				hd->h.page_request(hd->h.ctx, &item.req);
		}
	}
	hd->in_poll--;
	return n;
}

struct run_ctx {
	struct hostdrv *hd;
	bool (*done)(void *ctx);
	void *ctx;
};

static bool run_stop(void *arg)
{
	struct run_ctx *r = arg;

	return r->hd->q_n || r->done(r->ctx);
}

bool hostdrv_run_until(struct hostdrv *hd, bool (*done)(void *ctx), void *ctx,
		       u64 max_events)
{
	struct run_ctx r = { hd, done, ctx };
	u64 ev0 = hd->s->events_run;

	for (;;) {
		u64 ran = hd->s->events_run - ev0;

		if (done(ctx))
			return true;
		if (max_events && ran >= max_events)
			return false;
		sim_run_until(hd->s, run_stop, &r,
			      max_events ? max_events - ran : 0);
		if (hd->q_n) {
			hostdrv_poll(hd);
			continue;
		}
		if (!sim_pending(hd->s))
			return done(ctx);
	}
}

struct sim_iommu *hostdrv_iommu(struct hostdrv *hd)
{
	return hd->it;
}

struct sim *hostdrv_sim(struct hostdrv *hd)
{
	return hd->s;
}

const struct hostdrv_stats *hostdrv_stats(const struct hostdrv *hd)
{
	return &hd->st;
}

/* ------------------------------------------------------------------ */
/* Init and teardown                                                  */
/* ------------------------------------------------------------------ */
void hostdrv_default_cfg(struct hostdrv_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->iq_qs = 0;
	cfg->prq_pqs = 0;
	cfg->host_dids = 255;
	cfg->sw_queue_len = 1024;
	cfg->wait_max_events = 1000000;
	cfg->irq_latency_ns = 0;
}

static int hd_init_qi(struct hostdrv *hd)
{
	u64 iqa = 0;
	int ret;

	hd->iq_size = VSVA_PAGE_SIZE << hd->cfg.iq_qs;
	ret = sim_mem_alloc_run(hd->m, 1ULL << hd->cfg.iq_qs, 12, &hd->iq);
	if (ret)
		return ret;
	ret = sim_mem_alloc_page(hd->m, &hd->status_hpa);
	if (ret)
		return ret;
	/* Touch the page so it has a buffer, then keep a pointer to poll. */
	hd_mwr(hd, hd->status_hpa, &(u32){ 0 }, 4);
	hd->status = (volatile u32 *)sim_mem_page(hd->m, hd->status_hpa);
	if (!hd->status)
		return -ENOMEM;
	/* dmar_enable_qi(): IQT 0, IQA (DW = 1 for scalable mode), QIE. */
	hd->iq_tail = 0;
	hd_wr(hd, VTD_IQT_REG, 8, 0);
	iqa = vtd_iqa_set_iqa(iqa, hd->iq);
	iqa = vtd_iqa_set_dw(iqa, 1);
	iqa = vtd_iqa_set_qs(iqa, hd->cfg.iq_qs);
	hd_wr(hd, VTD_IQA_REG, 8, iqa);
	return gcmd(hd, VTD_GCMD_QIE, true, VTD_GSTS_QIES);
}

static int hd_init_root(struct hostdrv *hd)
{
	struct vsva_inv_op ops[3] = {
		{ .kind = VSVA_INV_CC, .gran = VSVA_INV_G_GLOBAL },
		{ .kind = VSVA_INV_PC, .gran = VSVA_INV_G_GLOBAL },
		{ .kind = VSVA_INV_IOTLB, .gran = VSVA_INV_G_GLOBAL },
	};
	u64 rtaddr = 0;
	int ret;

	ret = sim_mem_alloc_page(hd->m, &hd->rta);
	if (ret)
		return ret;
	rtaddr = vtd_rtaddr_set_rta(rtaddr, hd->rta);
	rtaddr = vtd_rtaddr_set_ttm(rtaddr, VTD_TTM_SCALABLE);
	hd_wr(hd, VTD_RTADDR_REG, 8, rtaddr);
	ret = gcmd(hd, VTD_GCMD_SRTP, true, VTD_GSTS_RTPS);
	if (ret)
		return ret;
	/* iommu_set_root_entry(): unless ESRTPS, flush what was cached. */
	if (vtd_cap_esrtps(hd->cap))
		return 0;
	return hd_iq_submit(hd, ops, 3, false);
}

static int hd_init_events(struct hostdrv *hd)
{
	u64 pqa = 0;
	int ret;

	/* Fault reporting: message, clear stale records, unmask. */
	hd_wr(hd, VTD_FEDATA_REG, 4, HD_VEC_FAULT);
	hd_wr(hd, VTD_FEADDR_REG, 4, HD_MSI_ADDR);
	hd_wr(hd, VTD_FEUADDR_REG, 4, 0);
	for (u32 i = 0; i < hd->nfr; i++)
		hd_wr(hd, hd->fro + VTD_FRCD_LEN * i + 8, 8, BIT_ULL(63));
	hd_wr(hd, VTD_FSTS_REG, 4, VTD_FSTS_RW1C);
	hd_wr(hd, VTD_FECTL_REG, 4, 0);
	/* Invalidation events: message only; completion is polled. */
	hd_wr(hd, VTD_IEDATA_REG, 4, HD_VEC_INV);
	hd_wr(hd, VTD_IEADDR_REG, 4, HD_MSI_ADDR);
	if (!vtd_ecap_prs(hd->ecap))
		return 0;
	/* intel_iommu_enable_prq(): PQH = PQT = 0, PQA, message, unmask. */
	hd->prq_size = VSVA_PAGE_SIZE << hd->cfg.prq_pqs;
	ret = sim_mem_alloc_run(hd->m, 1ULL << hd->cfg.prq_pqs, 12, &hd->prq);
	if (ret)
		return ret;
	hd_wr(hd, VTD_PQH_REG, 8, 0);
	hd_wr(hd, VTD_PQT_REG, 8, 0);
	pqa = vtd_pqa_set_pqa(pqa, hd->prq);
	pqa = vtd_pqa_set_pqs(pqa, hd->cfg.prq_pqs);
	hd_wr(hd, VTD_PQA_REG, 8, pqa);
	hd_wr(hd, VTD_PEDATA_REG, 4, HD_VEC_PRQ);
	hd_wr(hd, VTD_PEADDR_REG, 4, HD_MSI_ADDR);
	hd_wr(hd, VTD_PEUADDR_REG, 4, 0);
	hd_wr(hd, VTD_PRS_REG, 4, VTD_PRS_PPR | VTD_PRS_PRO);
	hd_wr(hd, VTD_PECTL_REG, 4, 0);
	return 0;
}

static void hd_free(struct hostdrv *hd)
{
	sim_cancel(hd->s, irq_fn, hd);
	if (hd->it)
		sim_iommu_destroy(hd->it);
	if (hd->m) {
		if (hd->rta) {
			for (u32 bus = 0; bus < VTD_ROOT_ENTRIES; bus++) {
				struct vtd_root_entry re;

				if (hd_mrd(hd, hd->rta + 16ULL * bus, re.val, 16))
					continue;
				if (vtd_sre_lp(&re))
					sim_mem_free_page(hd->m, vtd_sre_lctp(&re));
				if (vtd_sre_up(&re))
					sim_mem_free_page(hd->m, vtd_sre_uctp(&re));
			}
			sim_mem_free_page(hd->m, hd->rta);
		}
		if (hd->iq)
			sim_mem_free_run(hd->m, hd->iq, 1ULL << hd->cfg.iq_qs);
		if (hd->prq)
			sim_mem_free_run(hd->m, hd->prq, 1ULL << hd->cfg.prq_pqs);
		if (hd->status_hpa)
			sim_mem_free_page(hd->m, hd->status_hpa);
	}
	free(hd->q);
	free(hd->did_used);
	free(hd);
}

struct hostdrv *hostdrv_create(struct sim *s, const struct sim_iommu_cfg *icfg,
			       const struct hostdrv_cfg *cfg)
{
	struct sim_iommu_cfg dflt;
	struct hostdrv *hd;

	if (!s || !s->mem)
		return NULL;
	if (!icfg) {
		sim_iommu_default_cfg(&dflt);
		icfg = &dflt;
	}
	hd = calloc(1, sizeof(*hd));
	if (!hd)
		return NULL;
	hd->pi.ops = &hd_piommu_ops;
	hd->s = s;
	hd->m = s->mem;
	if (cfg)
		hd->cfg = *cfg;
	else
		hostdrv_default_cfg(&hd->cfg);
	if (!hd->cfg.sw_queue_len)
		hd->cfg.sw_queue_len = 1024;
	if (hd->cfg.iq_qs > 7 || hd->cfg.prq_pqs > VSVA_PRQ_PQS_MAX)
		goto fail;
	hd->q = calloc(hd->cfg.sw_queue_len, sizeof(*hd->q));
	hd->did_used = calloc((size_t)hd->cfg.host_dids + 1, 1);
	if (!hd->q || !hd->did_used)
		goto fail;
	hd->it = sim_iommu_create(s, icfg, &hd_host_ops, hd);
	if (!hd->it)
		goto fail;
	hd->cap = hd_rd(hd, VTD_CAP_REG, 8);
	hd->ecap = hd_rd(hd, VTD_ECAP_REG, 8);
	hd->haw = icfg->haw;
	hd->nfr = (u8)min(vtd_cap_nfr_count(hd->cap), 256u);
	hd->fro = vtd_cap_frcd_offset(hd->cap);
	hd->pasid_bits = (u8)min(vtd_ecap_pasid_bits(hd->ecap),
				 (unsigned int)VSVA_PASID_BITS);
	if (!vtd_ecap_smts(hd->ecap) || !vtd_ecap_qi(hd->ecap) ||
	    !hd->pasid_bits ||
	    (u32)hd->cfg.host_dids + 1 >= (1U << vtd_cap_did_bits(hd->cap)))
		goto fail;
	sim_trace(s, "hostdrv", "probe: cap=%#llx ecap=%#llx pasid bits %u",
		  (unsigned long long)hd->cap, (unsigned long long)hd->ecap,
		  hd->pasid_bits);
	if (hd_init_qi(hd) || hd_init_root(hd) || hd_init_events(hd) ||
	    gcmd(hd, VTD_GCMD_TE, true, VTD_GSTS_TES))
		goto fail;
	sim_trace(s, "hostdrv", "translation enabled, root %#llx",
		  (unsigned long long)hd->rta);
	return hd;
fail:
	hd_free(hd);
	return NULL;
}

void hostdrv_destroy(struct hostdrv *hd)
{
	if (!hd)
		return;
	for (int i = 0; i < HD_MAX_DEVS; i++)
		if (hd->devs[i].used)
			hostdrv_detach_device(hd, hd->devs[i].rid);
	gcmd(hd, VTD_GCMD_TE, false, VTD_GSTS_TES);
	gcmd(hd, VTD_GCMD_QIE, false, VTD_GSTS_QIES);
	hd_free(hd);
}
