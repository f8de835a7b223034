// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated S-IOV PF: life cycle, error log, interrupts and the
 * inspection interface.  Programming model: uapi/nestmed/siov.h and
 * docs/siov.md; the parts of the model: siov_pf_internal.h.
 *
 * Work flows as: portal write -> job queued on its WQ -> the WQ joins the
 * PF's run queue -> one job runs per spf_pf_run() event.  A job that
 * faults with block-on-fault parks on a PRG index until the page response
 * arrives (or on the PRG wait list while the PRI allocation is used up),
 * then goes to its WQ's resume list and continues where it stopped.  A job
 * always ends in spf_job_complete() or a release, exactly once, whatever
 * happens (reset included).
 */
#include "siov_pf_internal.h"

void siov_pf_default_cfg(struct siov_pf_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->rid = 0x0100;
	cfg->nr_wqs = SIOV_DEFAULT_WQS;
	cfg->max_wq_size = 128;
	cfg->nr_ims = 256;
	cfg->nr_msix = 65;
	cfg->devtlb_entries = 64;
	cfg->pri_capacity = SIOV_PRI_CAPACITY;
	cfg->max_xfer_lg2 = 21;
	cfg->max_retries = 8;
	cfg->desc_latency_ns = 100;
	cfg->ats_rtt_ns = 400;	/* docs/siov.md: a PCIe non-posted round trip */
}

/* ------------------------------------------------------------------ */
/* Error log and interrupts                                           */
/* ------------------------------------------------------------------ */
void spf_log_err(struct siov_pf *pf, enum siov_err code,
		 const struct err_info *ei)
{
	struct siov_errlog *e;

	pf->st.err[code]++;
	TRACE(pf, "error %u wq %d addr %#llx detail %#x", code, ei->wq,
	      (unsigned long long)ei->addr, ei->detail);
	if (pf->errtail - pf->errhead >= SIOV_ERRLOG_ENTRIES) {
		pf->errsts |= SIOV_ERRSTS_OVERFLOW;
		pf->st.errlog_overflows++;
		return;
	}
	e = &pf->errlog[pf->errtail % SIOV_ERRLOG_ENTRIES];
	e->val[0] = code | (ei->wq >= 0 ? BIT_ULL(8) : 0) |
		    (ei->pasid_valid ? BIT_ULL(9) : 0) |
		    (ei->addr_valid ? BIT_ULL(10) : 0) |
		    FIELD_PREP(GENMASK_ULL(31, 16), (u64)(ei->wq >= 0 ? ei->wq : 0)) |
		    FIELD_PREP(GENMASK_ULL(51, 32), (u64)ei->pasid) |
		    FIELD_PREP(GENMASK_ULL(63, 56), (u64)ei->status);
	e->val[1] = ei->addr;
	e->val[2] = ei->detail;
	e->val[3] = ++pf->err_seq;
	pf->errtail++;
	pf->intcause |= SIOV_INTCAUSE_ERR;
	if (pf->genctrl & SIOV_GENCTRL_ERR_INT)
		spf_send_msix(pf, SIOV_MSIX_VEC_ERR);
}

void spf_log_simple(struct siov_pf *pf, enum siov_err code, int wq,
		    u64 addr, u32 detail)
{
	struct err_info ei = { .wq = wq, .addr_valid = true, .addr = addr,
			       .detail = detail };

	spf_log_err(pf, code, &ei);
}

void spf_deliver(struct siov_pf *pf, u64 addr, u32 data, bool ims,
		 u16 idx)
{
	pf->st.irqs_sent++;
	TRACE(pf, "irq %s %u addr %#llx data %#x", ims ? "ims" : "msix", idx,
	      (unsigned long long)addr, data);
	if (pf->irq && pf->irq->msi)
		pf->irq->msi(pf->irq_ctx, addr, data, ims, idx);
}

void spf_send_msix(struct siov_pf *pf, u16 vec)
{
	u64 *e;

	if (!msix_enabled(pf) || vec >= pf->cfg.nr_msix || !bme(pf)) {
		pf->st.irqs_lost++;
		/* No error entry for the error vector itself: no loop. */
		if (vec != SIOV_MSIX_VEC_ERR)
			spf_log_simple(pf, SIOV_ERR_IRQ, -1, vec, 0);
		return;
	}
	e = &pf->msix[2 * vec];
	if (msix_fmask(pf) || (e[1] & BIT_ULL(32))) {
		if (!(pf->msix_pba[vec / 8] & BIT(vec % 8)))
			pf->st.irqs_pending++;
		pf->msix_pba[vec / 8] |= BIT(vec % 8);
		return;
	}
	spf_deliver(pf, e[0], (u32)e[1], false, vec);
}

void spf_msix_flush_pending(struct siov_pf *pf)
{
	if (!msix_enabled(pf) || msix_fmask(pf))
		return;
	for (u16 v = 0; v < pf->cfg.nr_msix; v++) {
		if ((pf->msix_pba[v / 8] & BIT(v % 8)) &&
		    !(pf->msix[2 * v + 1] & BIT_ULL(32))) {
			pf->msix_pba[v / 8] &= ~BIT(v % 8);
			spf_deliver(pf, pf->msix[2 * v], (u32)pf->msix[2 * v + 1],
				    false, v);
		}
	}
}

/* IMS: with PASID enable, the entry's PASID must be the WQ's (as DSA). */
void spf_send_ims(struct siov_pf *pf, struct siov_wq *wq, u16 idx)
{
	u64 *e = &pf->ims[2 * idx];
	u32 ctrl = e[1] >> 32;
	int w = (int)(wq - pf->wqs);

	if (!bme(pf)) {
		pf->st.irqs_lost++;
		return;
	}
	if ((ctrl & SIOV_IMS_CTRL_PASID_EN) &&
	    (!wq->pasid_en ||
	     FIELD_GET(SIOV_IMS_CTRL_PASID, ctrl) != wq->pasid)) {
		struct err_info ei = { .wq = w, .pasid_valid = wq->pasid_en,
				       .pasid = wq->pasid, .detail = idx };

		pf->st.irqs_lost++;
		spf_log_err(pf, SIOV_ERR_IMS_PASID, &ei);
		return;
	}
	if (ctrl & SIOV_IMS_CTRL_MASK) {
		if (!(ctrl & SIOV_IMS_CTRL_PENDING))
			pf->st.irqs_pending++;
		e[1] |= (u64)SIOV_IMS_CTRL_PENDING << 32;
		return;
	}
	spf_deliver(pf, e[0], (u32)e[1], true, idx);
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                         */
/* ------------------------------------------------------------------ */
static const struct sim_iommu_dev_ops siov_dev_ops = {
	.page_response = spf_dev_page_response,
	.devtlb_invalidate = spf_dev_devtlb_invalidate,
};

struct siov_pf *siov_pf_create(struct sim *s, const struct siov_pf_cfg *cfg,
			       struct sim_iommu *iommu,
			       const struct siov_pf_irq_ops *irq, void *irq_ctx)
{
	struct siov_pf *pf;

	if (!s || !cfg || !cfg->nr_wqs || cfg->nr_wqs > SIOV_MAX_WQS ||
	    !cfg->nr_msix || cfg->nr_msix > SIOV_MAX_MSIX ||
	    cfg->nr_ims > SIOV_MAX_IMS || !cfg->max_wq_size ||
	    !cfg->devtlb_entries || cfg->pri_capacity > PRG_MAX ||
	    cfg->max_xfer_lg2 < 12 || cfg->max_xfer_lg2 > 31)
		return NULL;
	pf = calloc(1, sizeof(*pf));
	if (!pf)
		return NULL;
	pf->s = s;
	pf->iommu = iommu;
	pf->cfg = *cfg;
	pf->irq = irq;
	pf->irq_ctx = irq_ctx;
	pf->msix = calloc(2 * cfg->nr_msix, sizeof(u64));
	pf->msix_pba = calloc((cfg->nr_msix + 7) / 8, 1);
	pf->ims = calloc(2 * (cfg->nr_ims ? cfg->nr_ims : 1), sizeof(u64));
	pf->wqs = calloc(cfg->nr_wqs, sizeof(*pf->wqs));
	pf->rq = calloc(cfg->nr_wqs, sizeof(*pf->rq));
	pf->tlb = calloc(cfg->devtlb_entries, sizeof(*pf->tlb));
	/* At least two buckets per entry: chains stay short. */
	pf->tlb_hash_bits = 1;
	while ((1u << pf->tlb_hash_bits) < 2u * cfg->devtlb_entries)
		pf->tlb_hash_bits++;
	pf->tlb_hash = calloc(1u << pf->tlb_hash_bits, sizeof(*pf->tlb_hash));
	if (!pf->msix || !pf->msix_pba || !pf->ims || !pf->wqs || !pf->rq ||
	    !pf->tlb || !pf->tlb_hash)
		goto fail;
	if (iommu && sim_iommu_attach_device(iommu, cfg->rid, &siov_dev_ops, pf))
		goto fail;
	spf_cs_init(pf);
	spf_bar0_reset(pf);
	spf_pri_update_stopped(pf);
	return pf;
fail:
	pf->iommu = NULL;
	siov_pf_destroy(pf);
	return NULL;
}

void siov_pf_destroy(struct siov_pf *pf)
{
	if (!pf)
		return;
	if (pf->kick_pending)
		sim_cancel(pf->s, spf_pf_run, pf);
	if (pf->cpl_pending)
		sim_cancel(pf->s, spf_cpl_run, pf);
	if (pf->iommu)
		sim_iommu_detach_device(pf->iommu, pf->cfg.rid);
	if (pf->wqs)
		for (u32 w = 0; w < pf->cfg.nr_wqs; w++)
			free(pf->wqs[w].jobs);
	free(pf->wqs);
	free(pf->msix);
	free(pf->msix_pba);
	free(pf->ims);
	free(pf->rq);
	free(pf->tlb);
	free(pf->tlb_hash);
	free(pf);
}

void siov_pf_set_owner(struct siov_pf *pf, struct sim_vm *vm)
{
	pf->owner = vm;
}

int siov_pf_set_wq_owner(struct siov_pf *pf, u32 wq, struct sim_vm *vm)
{
	if (wq >= pf->cfg.nr_wqs)
		return -EINVAL;
	pf->wqs[wq].owner = vm;
	return 0;
}

u64 siov_pf_bar_size(const struct siov_pf *pf, unsigned int bar)
{
	return bar == SIOV_BAR0 ? SIOV_BAR0_SIZE :
	       bar == SIOV_BAR2 ? spf_bar2_size(pf) : 0;
}

u16 siov_pf_rid(const struct siov_pf *pf)
{
	return pf->cfg.rid;
}

u32 siov_pf_nr_wqs(const struct siov_pf *pf)
{
	return pf->cfg.nr_wqs;
}

const struct siov_pf_stats *siov_pf_stats(const struct siov_pf *pf)
{
	return &pf->st;
}

bool siov_pf_idle(const struct siov_pf *pf)
{
	return !(pf->cmdsts & SIOV_CMDSTS_ACTIVE) && !pf->jobs_live;
}

u32 siov_pf_prg_outstanding(const struct siov_pf *pf)
{
	return pf->prg_outstanding;
}
