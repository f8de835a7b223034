// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated S-IOV PF: config space, BAR0 registers, portals, the
 * descriptor engine with its device TLB, ATS, PRI and interrupts.
 * Programming model: uapi/nestmed/siov.h and docs/siov.md.
 *
 * Work flows as: portal write -> job queued on its WQ -> the WQ joins the
 * PF's run queue -> one job runs per pf_run() event.  A job that faults
 * with block-on-fault parks on a PRG index until the page response arrives
 * (or on the PRG wait list while the PRI allocation is used up), then goes
 * to its WQ's resume list and continues where it stopped.  A job always
 * ends in job_finish(), exactly once, whatever happens (reset included).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "siov_pf.h"

#define PRG_MAX		512	/* PRG index is 9 bits */
#define PAGE_SZ		4096ULL

enum job_state {
	J_FREE,
	J_PENDING,	/* accepted, not started */
	J_RESUME,	/* started, runnable again */
	J_PARKED,	/* waiting for a page group response */
	J_PRGWAIT,	/* waiting for a free PRG slot */
};

struct siov_job {
	struct siov_desc d;
	struct siov_job *next;
	u64 seq;
	u32 wq;
	u8 state;
	bool started;
	bool cr_phase;		/* data done, writing the completion record */
	u8 retries;
	u8 status, fi, prs_code;
	u32 done;		/* bytes completed */
	u64 fault_addr, result;
	u16 prg;
	u8 fault_access;
};

struct siov_wq {
	u64 cfg0, cfg1;
	u8 state, err;
	u32 occupancy, rejected;
	/* latched at enable */
	u16 size, handle;
	bool pasid_en, priv, bof, int_ims;
	u32 pasid;
	struct siov_job *jobs;
	u16 jobs_n;
	struct siov_job *free;
	struct siov_job *pend_h, *pend_t, *res_h, *res_t;
	u32 started;		/* started and not finished */
	u64 next_seq;
	u64 drain_seq;		/* active drain: jobs with seq < this */
	bool in_rq;
	struct sim_vm *owner;
};

struct devtlb_ent {
	bool valid, pasid_valid;
	u8 size_lg2, perm;
	u32 pasid;
	u64 iova, hpa, stamp;
};

struct siov_pf {
	struct sim *s;
	struct sim_iommu *iommu;
	struct siov_pf_cfg cfg;
	const struct siov_pf_irq_ops *irq;
	void *irq_ctx;
	struct sim_vm *owner;

	u8 cs[SIOV_CFG_SIZE], cs_w[SIOV_CFG_SIZE], cs_w1c[SIOV_CFG_SIZE];

	u32 genctrl, cmdsts, intcause, errhead, errtail, errsts;
	u32 cmd;		/* active command */
	struct siov_errlog errlog[SIOV_ERRLOG_ENTRIES];
	u32 err_seq;
	u64 *msix;		/* 2 qwords per vector */
	u8 *msix_pba;
	u64 *ims;		/* 2 qwords per entry */
	struct siov_wq *wqs;

	u16 *rq;
	u32 rq_head, rq_n;
	bool kick_pending;

	struct devtlb_ent *tlb;
	u64 tlb_stamp;

	struct siov_job *prg_job[PRG_MAX];
	bool prg_busy[PRG_MAX];
	bool prg_pasid_valid[PRG_MAX];
	u32 prg_pasid[PRG_MAX];
	u32 prg_outstanding;
	struct siov_job *wait_h, *wait_t;

	struct siov_pf_stats st;
};

static void pf_run(struct sim *s, void *arg);
static void job_run(struct siov_pf *pf, struct siov_wq *wq,
		    struct siov_job *j);

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
}

#define TRACE(pf, ...) do {						\
		if (sim_tracing((pf)->s))				\
			sim_trace((pf)->s, "siov", __VA_ARGS__);	\
	} while (0)

/* ------------------------------------------------------------------ */
/* Config space                                                       */
/* ------------------------------------------------------------------ */
static void cs_put(struct siov_pf *pf, u32 off, unsigned int size, u32 v,
		   u32 wmask, u32 w1c)
{
	for (unsigned int i = 0; i < size; i++) {
		pf->cs[off + i] = v >> (8 * i);
		pf->cs_w[off + i] = wmask >> (8 * i);
		pf->cs_w1c[off + i] = w1c >> (8 * i);
	}
}

static u32 cs_get(const struct siov_pf *pf, u32 off, unsigned int size)
{
	u32 v = 0;

	for (unsigned int i = 0; i < size; i++)
		v |= (u32)pf->cs[off + i] << (8 * i);
	return v;
}

static u64 bar2_size(const struct siov_pf *pf)
{
	u64 sz = PAGE_SZ;

	while (sz < (u64)pf->cfg.nr_wqs * SIOV_PORTAL_SIZE)
		sz <<= 1;
	return sz;
}

static void cs_init(struct siov_pf *pf)
{
	u64 b2 = bar2_size(pf);

	memset(pf->cs, 0, sizeof(pf->cs));
	memset(pf->cs_w, 0, sizeof(pf->cs_w));
	memset(pf->cs_w1c, 0, sizeof(pf->cs_w1c));
	/* Type 0 header. */
	cs_put(pf, 0x00, 2, SIOV_PCI_VENDOR_ID, 0, 0);
	cs_put(pf, 0x02, 2, SIOV_PCI_DEVICE_ID, 0, 0);
	/* Command: MSE, BME, SERR#, INTx disable (no INTx: bit RW anyway). */
	cs_put(pf, 0x04, 2, 0, 0x0546, 0);
	/* Status: capabilities list; error bits RW1C. */
	cs_put(pf, 0x06, 2, 0x0010, 0, 0xf900);
	cs_put(pf, 0x08, 1, SIOV_PCI_REVISION, 0, 0);
	cs_put(pf, 0x09, 3, SIOV_PCI_CLASS, 0, 0);
	cs_put(pf, 0x0c, 1, 0, 0xff, 0);	/* cache line size */
	/* BAR0: 64-bit memory, non-prefetchable, 256 KiB. */
	cs_put(pf, 0x10, 4, 0x4, (u32)~(SIOV_BAR0_SIZE - 1) & ~0xfu, 0);
	cs_put(pf, 0x14, 4, 0, 0xffffffff, 0);
	/* BAR2: 64-bit memory, portals. */
	cs_put(pf, 0x18, 4, 0x4, (u32)~(b2 - 1) & ~0xfu, 0);
	cs_put(pf, 0x1c, 4, 0, b2 > (1ULL << 32) ? (u32)~((b2 - 1) >> 32) :
	       0xffffffff, 0);
	cs_put(pf, 0x2c, 2, SIOV_PCI_SUBSYS_VENDOR, 0, 0);
	cs_put(pf, 0x2e, 2, SIOV_PCI_SUBSYS_ID, 0, 0);
	cs_put(pf, 0x34, 1, SIOV_CFG_PCIE, 0, 0);
	cs_put(pf, 0x3c, 1, 0, 0xff, 0);	/* interrupt line */

	/* PCI Express capability v2, RCiEP (PCI_EXP_TYPE_RC_END 9). */
	cs_put(pf, SIOV_CFG_PCIE, 1, SIOV_PCI_CAP_ID_EXP, 0, 0);
	cs_put(pf, SIOV_CFG_PCIE + 1, 1, SIOV_CFG_MSIX, 0, 0);
	cs_put(pf, SIOV_CFG_PCIE + 2, 2, 0x0092, 0, 0);
	/* DevCap: MPS 256 B, role-based errors, FLR (bit 28). */
	cs_put(pf, SIOV_CFG_PCIE + 4, 4, 0x10008001, 0, 0);
	/* DevCtl: RO enable, no snoop, MRRS 512; bit 15 FLR (write only). */
	cs_put(pf, SIOV_CFG_PCIE + 8, 2, 0x2810, 0x7fff, 0);
	cs_put(pf, SIOV_CFG_PCIE + 0xa, 2, 0, 0, 0x000f);

	/* MSI-X: table and PBA in BAR0. */
	cs_put(pf, SIOV_CFG_MSIX, 1, SIOV_PCI_CAP_ID_MSIX, 0, 0);
	cs_put(pf, SIOV_CFG_MSIX + 1, 1, 0, 0, 0);
	cs_put(pf, SIOV_CFG_MSIX + 2, 2, pf->cfg.nr_msix - 1, 0xc000, 0);
	cs_put(pf, SIOV_CFG_MSIX + 4, 4, SIOV_REG_MSIX_TABLE | SIOV_BAR0, 0, 0);
	cs_put(pf, SIOV_CFG_MSIX + 8, 4, SIOV_REG_MSIX_PBA | SIOV_BAR0, 0, 0);

	/* PASID: execute + privileged supported, width 20. */
	cs_put(pf, SIOV_CFG_PASID, 4, SIOV_PCI_EXT_CAP_ID_PASID | 1 << 16 |
	       SIOV_CFG_ATS << 20, 0, 0);
	cs_put(pf, SIOV_CFG_PASID + 4, 2, 0x0006 | SIOV_PASID_WIDTH << 8, 0, 0);
	cs_put(pf, SIOV_CFG_PASID + 6, 2, 0, 0x0007, 0);
	/* ATS: queue depth 0 (= 32), page aligned requests. */
	cs_put(pf, SIOV_CFG_ATS, 4, SIOV_PCI_EXT_CAP_ID_ATS | 1 << 16 |
	       SIOV_CFG_PRI << 20, 0, 0);
	cs_put(pf, SIOV_CFG_ATS + 4, 2, 0x0020, 0, 0);
	cs_put(pf, SIOV_CFG_ATS + 6, 2, 0, 0x801f, 0);
	/* PRI: enable RW, reset W; RF/UPRGI RW1C; PASID required; 512. */
	cs_put(pf, SIOV_CFG_PRI, 4, SIOV_PCI_EXT_CAP_ID_PRI | 1 << 16 |
	       SIOV_CFG_DVSEC << 20, 0, 0);
	cs_put(pf, SIOV_CFG_PRI + 4, 2, 0, 0x0001, 0);
	cs_put(pf, SIOV_CFG_PRI + 6, 2, 0x8100, 0, 0x0003);
	cs_put(pf, SIOV_CFG_PRI + 8, 4, pf->cfg.pri_capacity, 0, 0);
	cs_put(pf, SIOV_CFG_PRI + 12, 4, 0, 0xffffffff, 0);
	/* S-IOV DVSEC, last in the chain. */
	cs_put(pf, SIOV_CFG_DVSEC, 4, SIOV_PCI_EXT_CAP_ID_DVSEC | 1 << 16, 0, 0);
	cs_put(pf, SIOV_CFG_DVSEC + 4, 4, SIOV_DVSEC_VENDOR |
	       SIOV_DVSEC_REV << 16 | SIOV_DVSEC_LEN << 20, 0, 0);
	cs_put(pf, SIOV_CFG_DVSEC + 8, 2, SIOV_DVSEC_ID, 0, 0);
	cs_put(pf, SIOV_CFG_DVSEC + SIOV_DVSEC_SUP_PAGE_SIZES, 4, 0x1, 0, 0);
	cs_put(pf, SIOV_CFG_DVSEC + SIOV_DVSEC_SYS_PAGE_SIZE, 4, 0x1, 0x1, 0);
	cs_put(pf, SIOV_CFG_DVSEC + SIOV_DVSEC_CAP, 4, SIOV_DVSEC_CAP_IMS, 0, 0);
}

static bool cs_bit(const struct siov_pf *pf, u32 off, u32 bit)
{
	return cs_get(pf, off, 4) & bit;
}

static bool mse(const struct siov_pf *pf) { return cs_bit(pf, 0x04, 0x2); }
static bool bme(const struct siov_pf *pf) { return cs_bit(pf, 0x04, 0x4); }
static bool pasid_enabled(const struct siov_pf *pf) { return cs_bit(pf, SIOV_CFG_PASID + 6, 0x1); }
static bool pasid_priv_enabled(const struct siov_pf *pf) { return cs_bit(pf, SIOV_CFG_PASID + 6, 0x4); }
static bool ats_enabled(const struct siov_pf *pf) { return cs_get(pf, SIOV_CFG_ATS + 6, 2) & 0x8000; }
static bool pri_enabled(const struct siov_pf *pf) { return cs_bit(pf, SIOV_CFG_PRI + 4, 0x1); }
static bool pri_rf(const struct siov_pf *pf) { return cs_bit(pf, SIOV_CFG_PRI + 6, 0x1); }
static bool msix_enabled(const struct siov_pf *pf) { return cs_get(pf, SIOV_CFG_MSIX + 2, 2) & 0x8000; }
static bool msix_fmask(const struct siov_pf *pf) { return cs_get(pf, SIOV_CFG_MSIX + 2, 2) & 0x4000; }

static u32 pri_alloc(const struct siov_pf *pf)
{
	u32 a = cs_get(pf, SIOV_CFG_PRI + 12, 4);

	return min(a, (u32)pf->cfg.pri_capacity);
}

/* PRI status "Stopped": disabled and nothing outstanding. */
static void pri_update_stopped(struct siov_pf *pf)
{
	u8 *b = &pf->cs[SIOV_CFG_PRI + 7];

	if (!pri_enabled(pf) && !pf->prg_outstanding)
		*b |= 0x01;
	else
		*b &= ~0x01;
}

/* ------------------------------------------------------------------ */
/* Error log and interrupts                                           */
/* ------------------------------------------------------------------ */
static void send_msix(struct siov_pf *pf, u16 vec);

struct err_info {
	int wq;			/* -1: none */
	bool pasid_valid, addr_valid;
	u32 pasid;
	u64 addr;
	u8 status;
	u32 detail;
};

static void log_err(struct siov_pf *pf, enum siov_err code,
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
		send_msix(pf, SIOV_MSIX_VEC_ERR);
}

static void log_simple(struct siov_pf *pf, enum siov_err code, int wq,
		       u64 addr, u32 detail)
{
	struct err_info ei = { .wq = wq, .addr_valid = true, .addr = addr,
			       .detail = detail };

	log_err(pf, code, &ei);
}

static void deliver(struct siov_pf *pf, u64 addr, u32 data, bool ims,
		    u16 idx)
{
	pf->st.irqs_sent++;
	TRACE(pf, "irq %s %u addr %#llx data %#x", ims ? "ims" : "msix", idx,
	      (unsigned long long)addr, data);
	if (pf->irq && pf->irq->msi)
		pf->irq->msi(pf->irq_ctx, addr, data, ims, idx);
}

static void send_msix(struct siov_pf *pf, u16 vec)
{
	u64 *e;

	if (!msix_enabled(pf) || vec >= pf->cfg.nr_msix || !bme(pf)) {
		pf->st.irqs_lost++;
		/* No error entry for the error vector itself: no loop. */
		if (vec != SIOV_MSIX_VEC_ERR)
			log_simple(pf, SIOV_ERR_IRQ, -1, vec, 0);
		return;
	}
	e = &pf->msix[2 * vec];
	if (msix_fmask(pf) || (e[1] & BIT_ULL(32))) {
		if (!(pf->msix_pba[vec / 8] & BIT(vec % 8)))
			pf->st.irqs_pending++;
		pf->msix_pba[vec / 8] |= BIT(vec % 8);
		return;
	}
	deliver(pf, e[0], (u32)e[1], false, vec);
}

static void msix_flush_pending(struct siov_pf *pf)
{
	if (!msix_enabled(pf) || msix_fmask(pf))
		return;
	for (u16 v = 0; v < pf->cfg.nr_msix; v++) {
		if ((pf->msix_pba[v / 8] & BIT(v % 8)) &&
		    !(pf->msix[2 * v + 1] & BIT_ULL(32))) {
			pf->msix_pba[v / 8] &= ~BIT(v % 8);
			deliver(pf, pf->msix[2 * v], (u32)pf->msix[2 * v + 1],
				false, v);
		}
	}
}

/* IMS: with PASID enable, the entry's PASID must be the WQ's (as DSA). */
static void send_ims(struct siov_pf *pf, struct siov_wq *wq, u16 idx)
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
		log_err(pf, SIOV_ERR_IMS_PASID, &ei);
		return;
	}
	if (ctrl & SIOV_IMS_CTRL_MASK) {
		if (!(ctrl & SIOV_IMS_CTRL_PENDING))
			pf->st.irqs_pending++;
		e[1] |= (u64)SIOV_IMS_CTRL_PENDING << 32;
		return;
	}
	deliver(pf, e[0], (u32)e[1], true, idx);
}

/* ------------------------------------------------------------------ */
/* Device TLB                                                         */
/* ------------------------------------------------------------------ */
static struct devtlb_ent *tlb_find(const struct siov_pf *pf, bool pv,
				   u32 pasid, u64 addr)
{
	for (u32 i = 0; i < pf->cfg.devtlb_entries; i++) {
		struct devtlb_ent *e = &pf->tlb[i];

		if (e->valid && e->pasid_valid == pv && (!pv || e->pasid == pasid) &&
		    (addr >> e->size_lg2) == (e->iova >> e->size_lg2))
			return e;
	}
	return NULL;
}

static void tlb_fill(struct siov_pf *pf, bool pv, u32 pasid, u64 addr,
		     const struct sim_xlate *x)
{
	struct devtlb_ent *e = tlb_find(pf, pv, pasid, addr), *victim = NULL;
	u8 lg2 = x->size_lg2 >= 12 && x->size_lg2 < 64 ? x->size_lg2 : 12;
	u64 m = (1ULL << lg2) - 1;

	if (!e) {
		for (u32 i = 0; i < pf->cfg.devtlb_entries; i++) {
			e = &pf->tlb[i];
			if (!e->valid)
				break;
			if (!victim || e->stamp < victim->stamp)
				victim = e;
			e = NULL;
		}
		if (!e) {
			e = victim;
			pf->st.devtlb_evictions++;
		}
	}
	e->valid = true;
	e->pasid_valid = pv;
	e->pasid = pv ? pasid : 0;
	e->size_lg2 = lg2;
	e->perm = x->perm;
	e->iova = addr & ~m;
	e->hpa = (x->hpa - (addr & m)) & ~m;
	e->stamp = ++pf->tlb_stamp;
	pf->st.devtlb_fills++;
}

static void tlb_flush_all(struct siov_pf *pf)
{
	for (u32 i = 0; i < pf->cfg.devtlb_entries; i++)
		pf->tlb[i].valid = false;
}

static void dev_devtlb_invalidate(void *dev, bool pasid_valid, u32 pasid,
				  u64 addr, u8 size_lg2, bool global)
{
	struct siov_pf *pf = dev;
	u64 lo, hi;

	if (size_lg2 < 12)
		size_lg2 = 12;
	lo = size_lg2 >= 64 ? 0 : addr & ~((1ULL << size_lg2) - 1);
	hi = size_lg2 >= 64 ? ~0ULL : lo + (1ULL << size_lg2) - 1;
	pf->st.devtlb_invs++;
	TRACE(pf, "devtlb inv pasid %s%#x addr %#llx size 2^%u%s",
	      pasid_valid ? "" : "(none) ", pasid, (unsigned long long)addr,
	      size_lg2, global ? " global" : "");
	for (u32 i = 0; i < pf->cfg.devtlb_entries; i++) {
		struct devtlb_ent *e = &pf->tlb[i];
		u64 elo = e->iova, ehi = e->iova + (1ULL << e->size_lg2) - 1;

		if (!e->valid || ehi < lo || elo > hi)
			continue;
		if (pasid_valid && !global &&
		    (!e->pasid_valid || e->pasid != pasid))
			continue;
		e->valid = false;
		pf->st.devtlb_inv_dropped++;
	}
}

/* ------------------------------------------------------------------ */
/* DMA                                                                */
/* ------------------------------------------------------------------ */
static struct sim_vm *wq_owner(const struct siov_pf *pf,
			       const struct siov_wq *wq)
{
	return wq->owner ? wq->owner : pf->owner;
}

/*
 * Translate @addr for @access and map the host page.  0 with *@p pointing
 * at @addr's byte; -EFAULT: translation not present or not permitted;
 * -EIO: Unsupported Request or unbacked host memory.
 */
static int dma_map(struct siov_pf *pf, struct siov_wq *wq, u64 addr,
		   u8 access, u8 **p)
{
	u64 hpa;
	u8 *page;

	if (!pf->iommu) {
		hpa = addr;
	} else if (ats_enabled(pf)) {
		struct devtlb_ent *e = tlb_find(pf, wq->pasid_en, wq->pasid, addr);

		if (e && (e->perm & access) == access) {
			pf->st.devtlb_hits++;
			e->stamp = ++pf->tlb_stamp;
		} else {
			struct sim_dma_req rq = {
				.rid = pf->cfg.rid, .pasid_present = wq->pasid_en,
				.pasid = wq->pasid, .addr = addr & ~(PAGE_SZ - 1),
				.access = access, .priv = wq->priv,
			};
			struct sim_xlate x = { 0 };
			int ret;

			pf->st.devtlb_misses++;
			pf->st.ats_requests++;
			ret = sim_iommu_ats_translate(pf->iommu, &rq, &x);
			if (ret) {
				pf->st.ats_ur++;
				return -EIO;
			}
			if (x.perm)
				tlb_fill(pf, wq->pasid_en, wq->pasid, rq.addr, &x);
			if ((x.perm & access) != access)
				return -EFAULT;
			e = tlb_find(pf, wq->pasid_en, wq->pasid, addr);
		}
		hpa = e->hpa + (addr - e->iova);
	} else {
		struct sim_dma_req rq = {
			.rid = pf->cfg.rid, .pasid_present = wq->pasid_en,
			.pasid = wq->pasid, .addr = addr, .access = access,
			.priv = wq->priv,
		};
		struct sim_xlate x = { 0 };

		pf->st.untranslated++;
		if (sim_iommu_translate(pf->iommu, &rq, &x))
			return -EFAULT;
		hpa = x.hpa;
	}
	if (wq_owner(pf, wq) &&
	    !sim_oracle_check(pf->s, wq_owner(pf, wq), hpa, "siov-pf"))
		pf->st.oracle_violations++;
	page = pf->s->mem ? sim_mem_page(pf->s->mem, hpa & ~(PAGE_SZ - 1)) :
	       NULL;
	if (!page) {
		pf->st.unbacked++;
		return -EIO;
	}
	*p = page + (hpa & (PAGE_SZ - 1));
	return 0;
}

/* ------------------------------------------------------------------ */
/* Run queue                                                          */
/* ------------------------------------------------------------------ */
static void kick(struct siov_pf *pf)
{
	if (pf->kick_pending || !pf->rq_n)
		return;
	if (sim_schedule(pf->s, pf->cfg.desc_latency_ns, pf_run, pf) == 0)
		pf->kick_pending = true;
}

static bool fence_blocked(const struct siov_wq *wq, const struct siov_job *j)
{
	return ((siov_desc_flags(&j->d) & SIOV_F_FENCE) ||
		siov_desc_opcode(&j->d) == SIOV_OP_DRAIN) && wq->started;
}

static bool wq_runnable(const struct siov_wq *wq)
{
	return wq->res_h || (wq->pend_h && !fence_blocked(wq, wq->pend_h));
}

static void wq_make_ready(struct siov_pf *pf, struct siov_wq *wq)
{
	if (wq->in_rq || !wq_runnable(wq))
		return;
	pf->rq[(pf->rq_head + pf->rq_n) % pf->cfg.nr_wqs] = wq - pf->wqs;
	pf->rq_n++;
	wq->in_rq = true;
	kick(pf);
}

static void list_add(struct siov_job **h, struct siov_job **t,
		     struct siov_job *j)
{
	j->next = NULL;
	if (*t)
		(*t)->next = j;
	else
		*h = j;
	*t = j;
}

static struct siov_job *list_pop(struct siov_job **h, struct siov_job **t)
{
	struct siov_job *j = *h;

	if (j) {
		*h = j->next;
		if (!*h)
			*t = NULL;
		j->next = NULL;
	}
	return j;
}

static void resume_job(struct siov_pf *pf, struct siov_job *j)
{
	struct siov_wq *wq = &pf->wqs[j->wq];

	j->state = J_RESUME;
	list_add(&wq->res_h, &wq->res_t, j);
	wq_make_ready(pf, wq);
}

static void pf_run(struct sim *s, void *arg)
{
	struct siov_pf *pf = arg;
	struct siov_wq *wq;
	struct siov_job *j;

	pf->kick_pending = false;
	while (pf->rq_n) {
		wq = &pf->wqs[pf->rq[pf->rq_head]];
		pf->rq_head = (pf->rq_head + 1) % pf->cfg.nr_wqs;
		pf->rq_n--;
		wq->in_rq = false;
		if (!wq_runnable(wq))
			continue;
		j = list_pop(&wq->res_h, &wq->res_t);
		if (!j)
			j = list_pop(&wq->pend_h, &wq->pend_t);
		job_run(pf, wq, j);
		wq_make_ready(pf, wq);
		break;
	}
	kick(pf);
}

/* ------------------------------------------------------------------ */
/* Commands and WQ state                                              */
/* ------------------------------------------------------------------ */
static bool drain_done(const struct siov_pf *pf)
{
	for (u32 w = 0; w < pf->cfg.nr_wqs; w++) {
		const struct siov_wq *wq = &pf->wqs[w];

		if (!wq->drain_seq)
			continue;
		for (u32 i = 0; i < wq->jobs_n; i++)
			if (wq->jobs[i].state != J_FREE &&
			    wq->jobs[i].seq < wq->drain_seq)
				return false;
	}
	return true;
}

static void cmd_complete(struct siov_pf *pf)
{
	pf->cmdsts &= ~SIOV_CMDSTS_ACTIVE;
	for (u32 w = 0; w < pf->cfg.nr_wqs; w++)
		pf->wqs[w].drain_seq = 0;
	pf->intcause |= SIOV_INTCAUSE_CMD;
	TRACE(pf, "command %#x complete, err %u", pf->cmd,
	      (u32)(pf->cmdsts & SIOV_CMDSTS_ERR));
	if (pf->cmd & SIOV_CMD_INT)
		send_msix(pf, SIOV_MSIX_VEC_ERR);
}

static void cmd_check(struct siov_pf *pf)
{
	if ((pf->cmdsts & SIOV_CMDSTS_ACTIVE) && drain_done(pf))
		cmd_complete(pf);
}

static void wq_check_disabled(struct siov_pf *pf, struct siov_wq *wq)
{
	if (wq->state == SIOV_WQ_DISABLING && !wq->occupancy) {
		wq->state = SIOV_WQ_DISABLED;
		TRACE(pf, "wq %u disabled", (u32)(wq - pf->wqs));
	}
}

/* ------------------------------------------------------------------ */
/* Job completion                                                     */
/* ------------------------------------------------------------------ */
static void job_release(struct siov_pf *pf, struct siov_wq *wq,
			struct siov_job *j)
{
	if (j->started)
		wq->started--;
	j->state = J_FREE;
	j->started = false;
	j->next = wq->free;
	wq->free = j;
	wq->occupancy--;
	pf->st.descs_completed++;
	wq_check_disabled(pf, wq);
	wq_make_ready(pf, wq);	/* a fence may have cleared */
	cmd_check(pf);
}

static bool bof_usable(const struct siov_pf *pf, const struct siov_wq *wq,
		       const struct siov_job *j)
{
	return (siov_desc_flags(&j->d) & SIOV_F_BOF) && wq->bof &&
	       ats_enabled(pf) && pri_enabled(pf) && !pri_rf(pf) && pf->iommu;
}

static bool park_on_fault(struct siov_pf *pf, struct siov_wq *wq,
			  struct siov_job *j, u64 addr, u8 access);

/*
 * Write the completion record (if asked for / needed), send the
 * interrupt, release.  @quiet: abort path, no blocking and no interrupt.
 */
static void job_complete(struct siov_pf *pf, struct siov_wq *wq,
			 struct siov_job *j, bool quiet)
{
	u32 fl = siov_desc_flags(&j->d);
	int w = (int)(wq - pf->wqs);
	bool want_cr = (fl & SIOV_F_CRAV) &&
		       ((fl & SIOV_F_RCR) || j->status != SIOV_CS_SUCCESS);

	if (!j->cr_phase) {
		pf->st.status[j->status]++;
		TRACE(pf, "wq %d desc op %#x status %#x bytes %u", w,
		      siov_desc_opcode(&j->d), j->status, j->done);
	}
	if (j->status != SIOV_CS_SUCCESS && !(fl & SIOV_F_CRAV)) {
		struct err_info ei = {
			.wq = w, .pasid_valid = wq->pasid_en, .pasid = wq->pasid,
			.addr_valid = j->fault_addr != 0, .addr = j->fault_addr,
			.status = j->status, .detail = siov_desc_opcode(&j->d),
		};

		log_err(pf, SIOV_ERR_DESC, &ei);
	}
	if (want_cr) {
		u64 a = siov_desc_cr_addr(&j->d);
		u8 *p;
		int ret;

		j->cr_phase = true;
		ret = bme(pf) ? dma_map(pf, wq, a, VSVA_PERM_W, &p) : -EIO;
		if (ret == -EFAULT && !quiet && bof_usable(pf, wq, j) &&
		    park_on_fault(pf, wq, j, a, VSVA_PERM_W))
			return;
		if (ret) {
			struct err_info ei = {
				.wq = w, .pasid_valid = wq->pasid_en,
				.pasid = wq->pasid, .addr_valid = true,
				.addr = a, .status = j->status,
				.detail = siov_desc_opcode(&j->d),
			};

			log_err(pf, SIOV_ERR_CR_FAULT, &ei);
		} else {
			u64 cr[4] = {
				siov_cr_make_qw0(j->status, j->fi, j->prs_code,
						 j->done),
				j->fault_addr, j->result, 0,
			};

			/* Status qword last: software polls it. */
			memcpy(p + 8, &cr[1], 24);
			dma_wmb();
			memcpy(p, &cr[0], 8);
			pf->st.dma_bytes += SIOV_CR_SIZE;
		}
	}
	if ((fl & SIOV_F_RCI) && !quiet) {
		if (wq->int_ims)
			send_ims(pf, wq, wq->handle);
		else
			send_msix(pf, wq->handle);
	}
	job_release(pf, wq, j);
}

static void job_fail(struct siov_pf *pf, struct siov_wq *wq,
		     struct siov_job *j, u8 status)
{
	j->status = status;
	job_complete(pf, wq, j, false);
}

/* ------------------------------------------------------------------ */
/* PRI                                                                */
/* ------------------------------------------------------------------ */
static int prg_alloc(struct siov_pf *pf)
{
	if (pf->prg_outstanding >= pri_alloc(pf))
		return -EBUSY;
	for (int i = 0; i < PRG_MAX; i++)
		if (!pf->prg_busy[i])
			return i;
	return -EBUSY;
}

static void prg_free(struct siov_pf *pf, u16 prg)
{
	pf->prg_busy[prg] = false;
	pf->prg_job[prg] = NULL;
	pf->prg_outstanding--;
	pri_update_stopped(pf);
}

/* Jobs waiting for a PRG slot retry (and re-fault) once one frees. */
static void prg_wake(struct siov_pf *pf)
{
	struct siov_job *j;

	while ((j = list_pop(&pf->wait_h, &pf->wait_t)))
		resume_job(pf, j);
}

/*
 * Block on fault: send a page request (one page, LPIG) and park.  false if
 * the request could not be sent at all (caller completes the job).
 */
static bool park_on_fault(struct siov_pf *pf, struct siov_wq *wq,
			  struct siov_job *j, u64 addr, u8 access)
{
	struct sim_page_req pr;
	int prg, ret;

	if (j->retries >= pf->cfg.max_retries)
		return false;
	j->fault_addr = addr;
	j->fault_access = access;
	prg = prg_alloc(pf);
	if (prg < 0) {
		pf->st.prg_waits++;
		j->state = J_PRGWAIT;
		list_add(&pf->wait_h, &pf->wait_t, j);
		return true;
	}
	pf->prg_busy[prg] = true;
	pf->prg_job[prg] = j;
	pf->prg_pasid_valid[prg] = wq->pasid_en;
	pf->prg_pasid[prg] = wq->pasid;
	pf->prg_outstanding++;
	pri_update_stopped(pf);
	j->state = J_PARKED;
	j->prg = prg;
	memset(&pr, 0, sizeof(pr));
	pr.rid = pf->cfg.rid;
	pr.pasid_present = wq->pasid_en;
	pr.pasid = wq->pasid;
	pr.addr = addr & ~(PAGE_SZ - 1);
	pr.r = access & VSVA_PERM_R;
	pr.w = access & VSVA_PERM_W;
	pr.priv = wq->pasid_en && wq->priv;
	pr.lpig = true;
	pr.prg_index = prg;
	pf->st.page_requests++;
	TRACE(pf, "page request prg %d pasid %s%#x addr %#llx %s", prg,
	      wq->pasid_en ? "" : "(none) ", wq->pasid,
	      (unsigned long long)pr.addr, pr.w ? "W" : "R");
	ret = sim_iommu_page_request(pf->iommu, &pr);
	/* The response may already have come back, from inside the call. */
	if (ret < 0 && pf->prg_busy[prg] && pf->prg_job[prg] == j) {
		prg_free(pf, prg);
		prg_wake(pf);
		j->prs_code = 0xf;
		j->state = J_RESUME;	/* owned by the caller again */
		return false;
	}
	return true;
}

static void dev_page_response(void *dev, bool pasid_present, u32 pasid,
			      u16 prg, u8 code)
{
	struct siov_pf *pf = dev;
	struct siov_job *j;
	struct siov_wq *wq;

	pf->st.page_responses++;
	TRACE(pf, "page response prg %u pasid %s%#x code %#x", prg,
	      pasid_present ? "" : "(none) ", pasid, code);
	if (prg >= PRG_MAX || !pf->prg_busy[prg] ||
	    pasid_present != pf->prg_pasid_valid[prg] ||
	    (pasid_present && pasid != pf->prg_pasid[prg])) {
		struct err_info ei = { .wq = -1, .pasid_valid = pasid_present,
				       .pasid = pasid, .detail = prg };

		pf->st.unexpected_responses++;
		pf->cs[SIOV_CFG_PRI + 6] |= 0x02;	/* UPRGI */
		log_err(pf, SIOV_ERR_PRG_RESPONSE, &ei);
		return;
	}
	j = pf->prg_job[prg];
	prg_free(pf, prg);
	prg_wake(pf);
	if (!j) {
		pf->st.orphan_responses++;
		return;
	}
	wq = &pf->wqs[j->wq];
	j->prs_code = code & 0xf;
	if (code == 0) {
		j->retries++;
		pf->st.prs_retries++;
		resume_job(pf, j);
		return;
	}
	/* Park state ends here; the job is the caller's to complete. */
	j->state = J_RESUME;
	if (code != 1)		/* Response Failure (and reserved codes) */
		pf->cs[SIOV_CFG_PRI + 6] |= 0x01;	/* RF */
	if (j->cr_phase) {
		job_complete(pf, wq, j, true);	/* CR lost: logged inside */
		return;
	}
	j->fi = (j->fault_access & VSVA_PERM_W) ? SIOV_CR_FI_W : 0;
	job_fail(pf, wq, j, code == 1 ? SIOV_CS_PRS_INVALID :
		 SIOV_CS_PRS_FAILURE);
}

/* ------------------------------------------------------------------ */
/* Descriptor execution                                               */
/* ------------------------------------------------------------------ */
static u8 desc_check(const struct siov_pf *pf, const struct siov_wq *wq,
		     const struct siov_desc *d)
{
	u8 op = siov_desc_opcode(d);
	u32 fl = siov_desc_flags(d);
	u32 n = siov_desc_xfer_size(d);
	u64 s = siov_desc_src(d), t = siov_desc_dst(d);

	if ((fl & SIOV_F_RCR) && !(fl & SIOV_F_CRAV))
		return SIOV_CS_INVALID_FLAGS;
	if (op >= 64 || !(SIOV_OPCAP_DEFAULT & BIT_ULL(op)))
		return SIOV_CS_INVALID_OPCODE;
	if ((fl & ~SIOV_F_VALID) || ((fl & SIOV_F_BOF) && !wq->bof))
		return SIOV_CS_INVALID_FLAGS;
	if (siov_desc_rsvd_set(d))
		return SIOV_CS_INVALID_RSVD;
	if (op == SIOV_OP_NOOP || op == SIOV_OP_DRAIN) {
		if (s || t)
			return SIOV_CS_INVALID_RSVD;
		return n ? SIOV_CS_INVALID_SIZE : 0;
	}
	if (!n || n > (1ULL << pf->cfg.max_xfer_lg2) || t + n < t ||
	    (op != SIOV_OP_FILL && s + n < s))
		return SIOV_CS_INVALID_SIZE;
	if (op == SIOV_OP_MEMMOVE && s < t + n && t < s + n)
		return SIOV_CS_OVERLAP;
	return 0;
}

static u32 to_page_end(u64 a)
{
	return PAGE_SZ - (a & (PAGE_SZ - 1));
}

/*
 * Run the data part from j->done.  0 when done; 1 when the job parked or
 * completed on a fault.
 */
static int job_data(struct siov_pf *pf, struct siov_wq *wq,
		    struct siov_job *j)
{
	u8 op = siov_desc_opcode(&j->d);
	u32 n = siov_desc_xfer_size(&j->d);
	u64 src = siov_desc_src(&j->d), dst = siov_desc_dst(&j->d);

	while (j->done < n) {
		u64 a = src + j->done, b = dst + j->done;
		u32 len = min(n - j->done, to_page_end(b));
		u8 *ps = NULL, *pd = NULL;
		u64 fa = b;
		u8 acc = VSVA_PERM_W, fi = SIOV_CR_FI_DST | SIOV_CR_FI_W;
		int ret = 0;

		if (op != SIOV_OP_FILL) {
			len = min(len, to_page_end(a));
			ret = dma_map(pf, wq, a, VSVA_PERM_R, &ps);
			fa = a;
			acc = VSVA_PERM_R;
			fi = 0;
		}
		if (!ret) {
			acc = op == SIOV_OP_COMPARE ? VSVA_PERM_R : VSVA_PERM_W;
			fi = SIOV_CR_FI_DST |
			     (op == SIOV_OP_COMPARE ? 0 : SIOV_CR_FI_W);
			fa = b;
			ret = dma_map(pf, wq, b, acc, &pd);
		}
		if (ret) {
			j->fi = fi;
			j->fault_addr = fa;
			TRACE(pf, "wq %u fault at %#llx (%s) after %u bytes",
			      j->wq, (unsigned long long)fa,
			      acc & VSVA_PERM_W ? "W" : "R", j->done);
			if (ret == -EFAULT && bof_usable(pf, wq, j) &&
			    park_on_fault(pf, wq, j, fa, acc))
				return 1;
			job_fail(pf, wq, j, ret == -EIO ? SIOV_CS_XLATE_ERROR :
				 j->prs_code ? SIOV_CS_PRS_FAILURE :
				 SIOV_CS_PAGE_FAULT);
			return 1;
		}
		switch (op) {
		case SIOV_OP_MEMMOVE:
			memmove(pd, ps, len);
			break;
		case SIOV_OP_FILL:
			for (u32 i = 0; i < len; i++)
				pd[i] = src >> (8 * ((j->done + i) % 8));
			break;
		case SIOV_OP_COMPARE:
			for (u32 i = 0; i < len; i++) {
				if (ps[i] != pd[i]) {
					j->done += i;
					j->result = 1;
					j->status = SIOV_CS_COMPARE_MISMATCH;
					return 0;
				}
			}
			break;
		}
		pf->st.dma_bytes += len;
		j->done += len;
	}
	return 0;
}

static void job_run(struct siov_pf *pf, struct siov_wq *wq,
		    struct siov_job *j)
{
	u8 st;

	if (!bme(pf)) {
		struct err_info ei = { .wq = (int)(wq - pf->wqs),
				       .detail = siov_desc_opcode(&j->d) };

		log_err(pf, SIOV_ERR_BME, &ei);
		j->status = SIOV_CS_ABORTED;
		pf->st.status[SIOV_CS_ABORTED]++;
		job_release(pf, wq, j);
		return;
	}
	if (j->cr_phase) {		/* resumed after a CR page response */
		job_complete(pf, wq, j, false);
		return;
	}
	if (!j->started) {
		u32 fl = siov_desc_flags(&j->d);

		j->started = true;
		wq->started++;
		pf->st.descs_executed++;
		if ((fl & SIOV_F_CRAV) &&
		    (siov_desc_cr_addr(&j->d) & (SIOV_CR_SIZE - 1))) {
			struct err_info ei = {
				.wq = (int)(wq - pf->wqs),
				.pasid_valid = wq->pasid_en, .pasid = wq->pasid,
				.addr_valid = true,
				.addr = siov_desc_cr_addr(&j->d),
				.detail = siov_desc_opcode(&j->d),
			};

			log_err(pf, SIOV_ERR_CR_ALIGN, &ei);
			job_release(pf, wq, j);
			return;
		}
		st = desc_check(pf, wq, &j->d);
		if (st) {
			job_fail(pf, wq, j, st);
			return;
		}
	}
	j->state = J_RESUME;
	if (job_data(pf, wq, j))
		return;
	if (!j->status)
		j->status = SIOV_CS_SUCCESS;
	job_complete(pf, wq, j, false);
}

/* ------------------------------------------------------------------ */
/* Aborts and resets                                                  */
/* ------------------------------------------------------------------ */
static void wq_abort(struct siov_pf *pf, struct siov_wq *wq)
{
	struct siov_job *j, *keep_h = NULL, *keep_t = NULL;
	u32 w = wq - pf->wqs;

	wq->pend_h = wq->pend_t = wq->res_h = wq->res_t = NULL;
	/* Keep the PRG waiters of other WQs. */
	while ((j = list_pop(&pf->wait_h, &pf->wait_t)))
		if (j->wq != w)
			list_add(&keep_h, &keep_t, j);
	pf->wait_h = keep_h;
	pf->wait_t = keep_t;
	for (u32 i = 0; i < wq->jobs_n; i++) {
		j = &wq->jobs[i];
		if (j->state == J_FREE)
			continue;
		/* Its PRG stays outstanding: the late response is absorbed. */
		if (j->state == J_PARKED && pf->prg_job[j->prg] == j)
			pf->prg_job[j->prg] = NULL;
		j->status = SIOV_CS_ABORTED;
		j->cr_phase = false;
		job_complete(pf, wq, j, true);
	}
}

static void wq_reset(struct siov_pf *pf, struct siov_wq *wq)
{
	wq_abort(pf, wq);
	wq->cfg0 = wq->cfg1 = 0;
	wq->state = SIOV_WQ_DISABLED;
	wq->err = 0;
	wq->rejected = 0;
	wq->pasid_en = wq->priv = wq->bof = wq->int_ims = false;
	wq->pasid = 0;
	wq->handle = 0;
}

static void bar0_reset(struct siov_pf *pf)
{
	for (u32 w = 0; w < pf->cfg.nr_wqs; w++)
		wq_reset(pf, &pf->wqs[w]);
	pf->genctrl = pf->cmdsts = pf->intcause = pf->errsts = 0;
	pf->errhead = pf->errtail = 0;
	pf->cmd = 0;
	memset(pf->errlog, 0, sizeof(pf->errlog));
	for (u32 v = 0; v < pf->cfg.nr_msix; v++) {
		pf->msix[2 * v] = 0;
		pf->msix[2 * v + 1] = BIT_ULL(32);	/* masked */
	}
	memset(pf->msix_pba, 0, (pf->cfg.nr_msix + 7) / 8);
	for (u32 i = 0; i < pf->cfg.nr_ims; i++) {
		pf->ims[2 * i] = 0;
		pf->ims[2 * i + 1] = (u64)SIOV_IMS_CTRL_MASK << 32;
	}
	tlb_flush_all(pf);
}

static void flr(struct siov_pf *pf)
{
	TRACE(pf, "function level reset");
	bar0_reset(pf);
	cs_init(pf);
	pri_update_stopped(pf);
}

static void cmd_start(struct siov_pf *pf, u32 v)
{
	u32 code = FIELD_GET(SIOV_CMD_CODE, v), op = FIELD_GET(SIOV_CMD_OPERAND, v);
	bool reset = code == SIOV_CMD_RESET_DEVICE || code == SIOV_CMD_RESET_WQ;
	u8 err = 0;

	pf->st.cmds++;
	TRACE(pf, "command %#x code %u operand %#x", v, code, op);
	if ((pf->cmdsts & SIOV_CMDSTS_ACTIVE) && !reset)
		err = SIOV_CMDERR_BUSY;
	else if (v & SIOV_CMD_RSVD)
		err = SIOV_CMDERR_RSVD;
	else if (code < SIOV_CMD_RESET_DEVICE || code > SIOV_CMD_DRAIN_PASID)
		err = SIOV_CMDERR_BAD_CODE;
	else if ((code == SIOV_CMD_RESET_WQ || code == SIOV_CMD_DRAIN_WQ) &&
		 op >= pf->cfg.nr_wqs)
		err = SIOV_CMDERR_BAD_WQ;
	if (err) {
		pf->st.cmd_errors++;
		log_simple(pf, SIOV_ERR_CMD, -1, SIOV_REG_CMD, err);
		/* A refused command leaves an active one running. */
		if (!(pf->cmdsts & SIOV_CMDSTS_ACTIVE))
			pf->cmdsts = err;
		return;
	}
	/* A reset ends an active drain (its work is aborted anyway). */
	if (pf->cmdsts & SIOV_CMDSTS_ACTIVE) {
		pf->cmdsts &= ~SIOV_CMDSTS_ACTIVE;
		cmd_complete(pf);
	}
	pf->cmd = v;
	pf->cmdsts = SIOV_CMDSTS_ACTIVE;
	switch (code) {
	case SIOV_CMD_RESET_DEVICE:
		bar0_reset(pf);
		pf->cmd = v;
		pf->cmdsts = SIOV_CMDSTS_ACTIVE;
		break;
	case SIOV_CMD_RESET_WQ:
		wq_reset(pf, &pf->wqs[op]);
		break;
	case SIOV_CMD_DRAIN_WQ:
		pf->wqs[op].drain_seq = pf->wqs[op].next_seq;
		break;
	case SIOV_CMD_DRAIN_PASID:
		for (u32 w = 0; w < pf->cfg.nr_wqs; w++) {
			struct siov_wq *wq = &pf->wqs[w];

			if (wq->state != SIOV_WQ_DISABLED &&
			    wq->state != SIOV_WQ_ERROR && wq->pasid_en &&
			    wq->pasid == op)
				wq->drain_seq = wq->next_seq;
		}
		break;
	}
	cmd_check(pf);
}

/* ------------------------------------------------------------------ */
/* WQ enable / disable                                                */
/* ------------------------------------------------------------------ */
static u8 wq_enable_check(const struct siov_pf *pf, const struct siov_wq *wq)
{
	u64 c0 = wq->cfg0, c1 = wq->cfg1;
	u32 size = FIELD_GET(SIOV_WQ_CFG0_SIZE, c0);
	u32 h = FIELD_GET(SIOV_WQ_CFG1_INT_HANDLE, c1);

	if (!(pf->genctrl & SIOV_GENCTRL_ENABLE))
		return SIOV_WQERR_DEV_DISABLED;
	if (!bme(pf))
		return SIOV_WQERR_BME;
	if ((c0 & SIOV_WQ_CFG0_RSVD) || (c1 & SIOV_WQ_CFG1_RSVD))
		return SIOV_WQERR_RSVD;
	if (!size)
		return SIOV_WQERR_SIZE_ZERO;
	if (size > pf->cfg.max_wq_size)
		return SIOV_WQERR_SIZE_TOO_BIG;
	if (FIELD_GET(SIOV_WQ_CFG0_MODE, c0))
		return SIOV_WQERR_MODE;
	if ((c0 & SIOV_WQ_CFG0_PASID_EN) && !pasid_enabled(pf))
		return SIOV_WQERR_PASID_DISABLED;
	if ((c0 & SIOV_WQ_CFG0_PRIV) &&
	    (!(c0 & SIOV_WQ_CFG0_PASID_EN) || !pasid_priv_enabled(pf)))
		return SIOV_WQERR_PRIV_DISABLED;
	if ((c0 & SIOV_WQ_CFG0_BOF_EN) && (!ats_enabled(pf) || !pri_enabled(pf)))
		return SIOV_WQERR_BOF_NO_PRI;
	if (h >= ((c0 & SIOV_WQ_CFG0_INT_IMS) ? pf->cfg.nr_ims : pf->cfg.nr_msix))
		return SIOV_WQERR_INT_HANDLE;
	return 0;
}

static void wq_enable(struct siov_pf *pf, struct siov_wq *wq)
{
	u32 w = wq - pf->wqs;
	u8 err = wq_enable_check(pf, wq);
	u16 size = FIELD_GET(SIOV_WQ_CFG0_SIZE, wq->cfg0);

	if (!err && wq->jobs_n != size) {
		struct siov_job *jobs = calloc(size, sizeof(*jobs));

		if (!jobs) {
			err = SIOV_WQERR_SIZE_TOO_BIG;
		} else {
			free(wq->jobs);
			wq->jobs = jobs;
			wq->jobs_n = size;
		}
	}
	if (err) {
		wq->state = SIOV_WQ_ERROR;
		wq->err = err;
		pf->st.wq_enable_errors[err]++;
		TRACE(pf, "wq %u enable refused, err %u", w, err);
		return;
	}
	wq->free = NULL;
	for (int i = size - 1; i >= 0; i--) {
		memset(&wq->jobs[i], 0, sizeof(wq->jobs[i]));
		wq->jobs[i].next = wq->free;
		wq->free = &wq->jobs[i];
	}
	wq->size = size;
	wq->pasid_en = wq->cfg0 & SIOV_WQ_CFG0_PASID_EN;
	wq->pasid = wq->pasid_en ? FIELD_GET(SIOV_WQ_CFG0_PASID, wq->cfg0) : 0;
	wq->priv = wq->cfg0 & SIOV_WQ_CFG0_PRIV;
	wq->bof = wq->cfg0 & SIOV_WQ_CFG0_BOF_EN;
	wq->int_ims = wq->cfg0 & SIOV_WQ_CFG0_INT_IMS;
	wq->handle = FIELD_GET(SIOV_WQ_CFG1_INT_HANDLE, wq->cfg1);
	wq->occupancy = wq->started = 0;
	wq->next_seq = 1;
	wq->state = SIOV_WQ_ENABLED;
	wq->err = 0;
	TRACE(pf, "wq %u enabled size %u pasid %s%#x%s%s", w, size,
	      wq->pasid_en ? "" : "(off) ", wq->pasid, wq->priv ? " priv" : "",
	      wq->bof ? " bof" : "");
}

static void wq_disable(struct siov_pf *pf, struct siov_wq *wq)
{
	if (wq->state == SIOV_WQ_ERROR) {
		wq->state = SIOV_WQ_DISABLED;
		wq->err = 0;
		return;
	}
	if (wq->state != SIOV_WQ_ENABLED)
		return;
	wq->state = SIOV_WQ_DISABLING;
	wq_check_disabled(pf, wq);
}

/* ------------------------------------------------------------------ */
/* BAR0                                                               */
/* ------------------------------------------------------------------ */
enum reg_kind { R_RO, R_RW, R_RW1C, R_CMD, R_ERRHEAD };

/* Device registers: qword-granular, behaviour as data. */
static const struct {
	u32 off;
	u8 kind;
	u64 rw;		/* writable (or W1C) bits */
} dev_regs[] = {
	{ SIOV_REG_VERSION, R_RO, 0 },
	{ SIOV_REG_GENCAP, R_RO, 0 },
	{ SIOV_REG_WQCAP, R_RO, 0 },
	{ SIOV_REG_OPCAP, R_RO, 0 },
	{ SIOV_REG_GENCTRL, R_RW, SIOV_GENCTRL_ENABLE | SIOV_GENCTRL_ERR_INT },
	{ SIOV_REG_GENSTS, R_RO, 0 },
	{ SIOV_REG_CMD, R_CMD, 0xffffffff },
	{ SIOV_REG_CMDSTS, R_RO, 0 },
	{ SIOV_REG_INTCAUSE, R_RW1C, SIOV_INTCAUSE_ERR | SIOV_INTCAUSE_CMD },
	{ SIOV_REG_ERRHEAD, R_ERRHEAD, 0xffffffff },	/* + ERRTAIL (RO) */
	{ SIOV_REG_ERRSTS, R_RW1C, SIOV_ERRSTS_OVERFLOW },
	{ SIOV_REG_OFFSETS, R_RO, 0 },
};

static u64 dev_reg_read(const struct siov_pf *pf, u32 off)
{
	switch (off) {
	case SIOV_REG_VERSION:
		return SIOV_VERSION;
	case SIOV_REG_GENCAP:
		return SIOV_GENCAP_BOF | SIOV_GENCAP_IMS | SIOV_GENCAP_DRAIN_PASID |
		       FIELD_PREP(SIOV_GENCAP_MAX_XFER_LG2, (u64)pf->cfg.max_xfer_lg2) |
		       FIELD_PREP(SIOV_GENCAP_NR_IMS, (u64)pf->cfg.nr_ims) |
		       FIELD_PREP(SIOV_GENCAP_NR_MSIX, (u64)pf->cfg.nr_msix);
	case SIOV_REG_WQCAP:
		return FIELD_PREP(SIOV_WQCAP_NR_WQS, (u64)pf->cfg.nr_wqs) |
		       FIELD_PREP(SIOV_WQCAP_MAX_SIZE, (u64)pf->cfg.max_wq_size) |
		       SIOV_WQCAP_DEDICATED;
	case SIOV_REG_OPCAP:
		return SIOV_OPCAP_DEFAULT;
	case SIOV_REG_GENCTRL:
		return pf->genctrl;
	case SIOV_REG_GENSTS:
		return pf->genctrl & SIOV_GENCTRL_ENABLE ? SIOV_GENSTS_ENABLED : 0;
	case SIOV_REG_CMD:
		return pf->cmd;
	case SIOV_REG_CMDSTS:
		return pf->cmdsts;
	case SIOV_REG_INTCAUSE:
		return pf->intcause;
	case SIOV_REG_ERRHEAD:
		return pf->errhead | (u64)pf->errtail << 32;
	case SIOV_REG_ERRSTS:
		return pf->errsts;
	case SIOV_REG_OFFSETS:
		return (u64)(SIOV_REG_WQCFG >> 12) << 16 |
		       (u64)(SIOV_REG_IMS >> 12) << 48;
	}
	return 0;
}

static void dev_reg_write(struct siov_pf *pf, u32 off, u64 val, u64 mask)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(dev_regs); i++)
		if (dev_regs[i].off == off)
			break;
	if (i == ARRAY_SIZE(dev_regs) ||
	    (dev_regs[i].kind == R_RO) ||
	    (dev_regs[i].kind == R_ERRHEAD && !(mask & 0xffffffff))) {
		log_simple(pf, i == ARRAY_SIZE(dev_regs) ? SIOV_ERR_MMIO :
			   SIOV_ERR_RO_REG, -1, off, (u32)val);
		return;
	}
	/* Every writable register is 32 bits wide: bits 63:32 reserved. */
	if ((val & mask) >> 32)
		log_simple(pf, SIOV_ERR_MMIO, -1, off + 4, (u32)(val >> 32));
	if (!(mask & 0xffffffff))
		return;
	val = (u32)val;
	switch (dev_regs[i].kind) {
	case R_RW: {	/* GENCTRL */
		u32 old = pf->genctrl;

		if (val & SIOV_GENCTRL_RSVD)
			log_simple(pf, SIOV_ERR_MMIO, -1, off, (u32)val);
		pf->genctrl = val & dev_regs[i].rw;
		if ((old & SIOV_GENCTRL_ENABLE) && !(pf->genctrl & SIOV_GENCTRL_ENABLE))
			for (u32 w = 0; w < pf->cfg.nr_wqs; w++)
				wq_disable(pf, &pf->wqs[w]);
		break;
	}
	case R_RW1C:
		if (off == SIOV_REG_INTCAUSE)
			pf->intcause &= ~(val & dev_regs[i].rw);
		else
			pf->errsts &= ~(val & dev_regs[i].rw);
		break;
	case R_CMD:
		cmd_start(pf, (u32)val);
		break;
	case R_ERRHEAD: {
		u32 h = (u32)val;

		/* Only forward, and not past the tail. */
		if (h - pf->errhead > pf->errtail - pf->errhead)
			log_simple(pf, SIOV_ERR_MMIO, -1, off, h);
		else
			pf->errhead = h;
		break;
	}
	}
}

static void wq_reg_write(struct siov_pf *pf, u32 w, u32 reg, u64 val,
			 u64 mask)
{
	struct siov_wq *wq = &pf->wqs[w];
	u64 *r;

	switch (reg) {
	case SIOV_WQ_CFG0:
	case SIOV_WQ_CFG1:
		if (wq->state == SIOV_WQ_ENABLED ||
		    wq->state == SIOV_WQ_DISABLING) {
			log_simple(pf, SIOV_ERR_WQCFG_ENABLED, w, reg, (u32)val);
			return;
		}
		r = reg == SIOV_WQ_CFG0 ? &wq->cfg0 : &wq->cfg1;
		*r = (*r & ~mask) | (val & mask);
		break;
	case SIOV_WQ_CTL:
		if (!(mask & 1))
			break;
		if (val & SIOV_WQ_CTL_RSVD & mask)
			log_simple(pf, SIOV_ERR_MMIO, w, reg, (u32)val);
		if (val & SIOV_WQ_CTL_ENABLE) {
			if (wq->state == SIOV_WQ_DISABLED ||
			    wq->state == SIOV_WQ_ERROR)
				wq_enable(pf, wq);
		} else {
			wq_disable(pf, wq);
		}
		break;
	default:
		log_simple(pf, SIOV_ERR_RO_REG, w, reg, (u32)val);
	}
}

static u64 wq_reg_read(const struct siov_pf *pf, u32 w, u32 reg)
{
	const struct siov_wq *wq = &pf->wqs[w];

	switch (reg) {
	case SIOV_WQ_CFG0:
		return wq->cfg0;
	case SIOV_WQ_CFG1:
		return wq->cfg1;
	case SIOV_WQ_CTL:
		return wq->state == SIOV_WQ_ENABLED;
	default:
		return FIELD_PREP(SIOV_WQ_STS_STATE, (u64)wq->state) |
		       FIELD_PREP(SIOV_WQ_STS_ERR, (u64)wq->err) |
		       FIELD_PREP(SIOV_WQ_STS_OCCUPANCY, (u64)wq->occupancy) |
		       FIELD_PREP(SIOV_WQ_STS_REJECTED, (u64)wq->rejected);
	}
}

static u64 bar0_read64(const struct siov_pf *pf, u32 off)
{
	if (off < SIOV_REG_ERRLOG)
		return dev_reg_read(pf, off);
	if (off < SIOV_REG_ERRLOG + sizeof(pf->errlog))
		return pf->errlog[(off - SIOV_REG_ERRLOG) / 32]
			.val[(off % 32) / 8];
	if (off >= SIOV_REG_MSIX_TABLE &&
	    off < SIOV_REG_MSIX_TABLE + pf->cfg.nr_msix * 16u)
		return pf->msix[(off - SIOV_REG_MSIX_TABLE) / 8];
	if (off >= SIOV_REG_MSIX_PBA &&
	    off < SIOV_REG_MSIX_PBA + (pf->cfg.nr_msix + 63) / 64 * 8u) {
		u64 v = 0;
		u32 base = (off - SIOV_REG_MSIX_PBA) * 8;

		for (u32 b = 0; b < 64 && base + b < pf->cfg.nr_msix; b++)
			if (pf->msix_pba[(base + b) / 8] & BIT((base + b) % 8))
				v |= BIT_ULL(b);
		return v;
	}
	if (off >= SIOV_REG_WQCFG &&
	    off < SIOV_REG_WQCFG + pf->cfg.nr_wqs * SIOV_WQCFG_STRIDE)
		return wq_reg_read(pf, (off - SIOV_REG_WQCFG) / SIOV_WQCFG_STRIDE,
				   off % SIOV_WQCFG_STRIDE);
	if (off >= SIOV_REG_IMS &&
	    off < SIOV_REG_IMS + pf->cfg.nr_ims * SIOV_IMS_STRIDE)
		return pf->ims[(off - SIOV_REG_IMS) / 8];
	return 0;
}

static void bar0_write64(struct siov_pf *pf, u32 off, u64 val, u64 mask)
{
	if (off < SIOV_REG_ERRLOG) {
		dev_reg_write(pf, off, val, mask);
	} else if (off >= SIOV_REG_MSIX_TABLE &&
		   off < SIOV_REG_MSIX_TABLE + pf->cfg.nr_msix * 16u) {
		u32 q = (off - SIOV_REG_MSIX_TABLE) / 8;
		u64 rw = (q & 1) ? GENMASK_ULL(32, 0) : ~0ULL;

		pf->msix[q] = (pf->msix[q] & ~(mask & rw)) | (val & mask & rw);
		if (q & 1)
			msix_flush_pending(pf);
	} else if (off >= SIOV_REG_WQCFG &&
		   off < SIOV_REG_WQCFG + pf->cfg.nr_wqs * SIOV_WQCFG_STRIDE) {
		wq_reg_write(pf, (off - SIOV_REG_WQCFG) / SIOV_WQCFG_STRIDE,
			     off % SIOV_WQCFG_STRIDE, val, mask);
	} else if (off >= SIOV_REG_IMS &&
		   off < SIOV_REG_IMS + pf->cfg.nr_ims * SIOV_IMS_STRIDE) {
		u32 q = (off - SIOV_REG_IMS) / 8;
		u64 *e = &pf->ims[q];

		if (q & 1) {
			u64 rw = GENMASK_ULL(31, 0) |
				 (u64)(SIOV_IMS_CTRL_MASK | SIOV_IMS_CTRL_PASID_EN |
				       SIOV_IMS_CTRL_PASID) << 32;

			if (val & mask & ((u64)SIOV_IMS_CTRL_RSVD << 32))
				log_simple(pf, SIOV_ERR_MMIO, -1, off, (u32)(val >> 32));
			*e = (*e & ~(mask & rw)) | (val & mask & rw);
			/* Unmasked with a pending message: send it now. */
			if (!(*e & ((u64)SIOV_IMS_CTRL_MASK << 32)) &&
			    (*e & ((u64)SIOV_IMS_CTRL_PENDING << 32))) {
				*e &= ~((u64)SIOV_IMS_CTRL_PENDING << 32);
				deliver(pf, e[-1], (u32)*e, true, q / 2);
			}
		} else {
			*e = (*e & ~mask) | (val & mask);
		}
	} else if ((off >= SIOV_REG_ERRLOG &&
		    off < SIOV_REG_ERRLOG + sizeof(pf->errlog)) ||
		   (off >= SIOV_REG_MSIX_PBA &&
		    off < SIOV_REG_MSIX_PBA + (pf->cfg.nr_msix + 63) / 64 * 8u)) {
		log_simple(pf, SIOV_ERR_RO_REG, -1, off, (u32)val);
	} else {
		log_simple(pf, SIOV_ERR_MMIO, -1, off, (u32)val);
	}
}

static bool mmio_ok(struct siov_pf *pf, unsigned int bar, u64 off,
		    unsigned int size)
{
	if (!mse(pf)) {
		pf->st.mmio_disabled++;
		return false;
	}
	if ((size != 4 && size != 8) || (off & (size - 1)) ||
	    off >= siov_pf_bar_size(pf, bar)) {
		log_simple(pf, SIOV_ERR_MMIO, -1, off, size);
		return false;
	}
	return true;
}

u64 siov_pf_mmio_read(struct siov_pf *pf, unsigned int bar, u64 off,
		      unsigned int size)
{
	u64 v;

	if (bar == SIOV_BAR2) {
		/* Portals are write-only: reads return all ones. */
		if (mse(pf))
			log_simple(pf, SIOV_ERR_PORTAL_ACCESS, -1, off, size);
		return size == 8 ? ~0ULL : 0xffffffff;
	}
	if (bar != SIOV_BAR0 || !mmio_ok(pf, bar, off, size))
		return size == 8 ? ~0ULL : 0xffffffff;
	v = bar0_read64(pf, off & ~7ULL);
	if (size == 4)
		v = (u32)(v >> (8 * (off & 4)));
	return v;
}

void siov_pf_mmio_write(struct siov_pf *pf, unsigned int bar, u64 off,
			unsigned int size, u64 val)
{
	u64 mask;

	if (bar == SIOV_BAR2) {
		siov_pf_portal_write(pf, off, &val, size);
		return;
	}
	if (bar != SIOV_BAR0 || !mmio_ok(pf, bar, off, size))
		return;
	TRACE(pf, "bar0 write %#llx/%u = %#llx", (unsigned long long)off,
	      size, (unsigned long long)val);
	mask = size == 8 ? ~0ULL : 0xffffffffULL << (8 * (off & 4));
	if (size == 4)
		val = (val & 0xffffffff) << (8 * (off & 4));
	bar0_write64(pf, off & ~7ULL, val, mask);
}

/* ------------------------------------------------------------------ */
/* Portals                                                            */
/* ------------------------------------------------------------------ */
int siov_pf_portal_write(struct siov_pf *pf, u64 off, const void *data,
			 unsigned int len)
{
	u32 w = off / SIOV_PORTAL_SIZE;
	struct siov_wq *wq;
	struct siov_job *j;

	if (!mse(pf)) {
		pf->st.mmio_disabled++;
		return -EINVAL;
	}
	if (len != SIOV_DESC_SIZE || (off % SIOV_PORTAL_SIZE) ||
	    w >= pf->cfg.nr_wqs) {
		log_simple(pf, SIOV_ERR_PORTAL_ACCESS,
			   w < pf->cfg.nr_wqs ? (int)w : -1, off, len);
		return -EINVAL;
	}
	wq = &pf->wqs[w];
	pf->st.descs_submitted++;
	if (wq->state != SIOV_WQ_ENABLED) {
		log_simple(pf, SIOV_ERR_PORTAL_DISABLED, w, off, 0);
		if (wq->rejected != ~0u)
			wq->rejected++;
		return -ENODEV;
	}
	if (wq->occupancy >= wq->size || !wq->free) {
		struct err_info ei = { .wq = w, .pasid_valid = wq->pasid_en,
				       .pasid = wq->pasid, .detail = wq->size };

		log_err(pf, SIOV_ERR_PORTAL_FULL, &ei);
		if (wq->rejected != ~0u)
			wq->rejected++;
		return -EBUSY;
	}
	j = wq->free;
	wq->free = j->next;
	memset(j, 0, sizeof(*j));
	memcpy(&j->d, data, SIOV_DESC_SIZE);
	j->wq = w;
	j->seq = wq->next_seq++;
	j->state = J_PENDING;
	wq->occupancy++;
	TRACE(pf, "wq %u desc op %#x flags %#x size %u", w,
	      siov_desc_opcode(&j->d), siov_desc_flags(&j->d),
	      siov_desc_xfer_size(&j->d));
	list_add(&wq->pend_h, &wq->pend_t, j);
	wq_make_ready(pf, wq);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Config-space accesses                                              */
/* ------------------------------------------------------------------ */
u32 siov_pf_cfg_read(struct siov_pf *pf, u32 off, unsigned int size)
{
	if ((size != 1 && size != 2 && size != 4) || (off & (size - 1)) ||
	    off >= SIOV_CFG_SIZE) {
		pf->st.cfg_bad++;
		return ~0u;
	}
	pri_update_stopped(pf);
	return cs_get(pf, off, size);
}

static bool cs_bar_byte(u32 off)
{
	return (off >= 0x10 && off < 0x28) || (off >= 0x30 && off < 0x34);
}

void siov_pf_cfg_write(struct siov_pf *pf, u32 off, unsigned int size,
		       u32 val)
{
	bool ats_was = ats_enabled(pf), ro = false;
	bool flr_req = false, pri_reset = false;

	if ((size != 1 && size != 2 && size != 4) || (off & (size - 1)) ||
	    off >= SIOV_CFG_SIZE) {
		pf->st.cfg_bad++;
		return;
	}
	TRACE(pf, "cfg write %#x/%u = %#x", off, size, val);
	for (unsigned int i = 0; i < size; i++) {
		u32 o = off + i;
		u8 b = val >> (8 * i), old = pf->cs[o];
		u8 wm = pf->cs_w[o], w1c = pf->cs_w1c[o];

		/* Write-only command bits: FLR, PRI reset. */
		if (o == SIOV_CFG_PCIE + 9 && (b & 0x80))
			flr_req = true;
		if (o == SIOV_CFG_PRI + 4 && (b & 0x02))
			pri_reset = true;
		if (o == SIOV_CFG_PRI + 7)
			b = (b & ~0x01) | (old & 0x01);	/* Stopped is RO */
		if ((b ^ old) & ~wm & ~w1c & 0xff && !cs_bar_byte(o) &&
		    !(o == SIOV_CFG_PCIE + 9) && !(o == SIOV_CFG_PRI + 4))
			ro = true;
		pf->cs[o] = ((old & ~wm) | (b & wm)) & ~(b & w1c);
	}
	if (ro)
		pf->st.cfg_ro_writes++;
	if (flr_req) {
		flr(pf);
		return;
	}
	if (ats_was && !ats_enabled(pf))
		tlb_flush_all(pf);
	if (pri_reset && !pri_enabled(pf)) {
		/* Forget outstanding requests; their jobs fail now. */
		for (u16 p = 0; p < PRG_MAX; p++) {
			struct siov_job *j = pf->prg_job[p];

			if (!pf->prg_busy[p])
				continue;
			prg_free(pf, p);
			if (j) {
				j->state = J_RESUME;
				j->prs_code = 0xf;
				if (j->cr_phase)
					job_complete(pf, &pf->wqs[j->wq], j, true);
				else
					job_fail(pf, &pf->wqs[j->wq], j,
						 SIOV_CS_PRS_FAILURE);
			}
		}
		prg_wake(pf);
	}
	msix_flush_pending(pf);
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                         */
/* ------------------------------------------------------------------ */
static const struct sim_iommu_dev_ops siov_dev_ops = {
	.page_response = dev_page_response,
	.devtlb_invalidate = dev_devtlb_invalidate,
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
	if (!pf->msix || !pf->msix_pba || !pf->ims || !pf->wqs || !pf->rq ||
	    !pf->tlb)
		goto fail;
	if (iommu && sim_iommu_attach_device(iommu, cfg->rid, &siov_dev_ops, pf))
		goto fail;
	cs_init(pf);
	bar0_reset(pf);
	pri_update_stopped(pf);
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
		sim_cancel(pf->s, pf_run, pf);
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
	       bar == SIOV_BAR2 ? bar2_size(pf) : 0;
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
	if (pf->cmdsts & SIOV_CMDSTS_ACTIVE)
		return false;
	for (u32 w = 0; w < pf->cfg.nr_wqs; w++)
		if (pf->wqs[w].occupancy)
			return false;
	return true;
}

u32 siov_pf_prg_outstanding(const struct siov_pf *pf)
{
	return pf->prg_outstanding;
}

bool siov_pf_devtlb_lookup(const struct siov_pf *pf, bool pasid_valid,
			   u32 pasid, u64 addr, u64 *hpa)
{
	const struct devtlb_ent *e = tlb_find(pf, pasid_valid, pasid, addr);

	if (!e)
		return false;
	if (hpa)
		*hpa = e->hpa + (addr - e->iova);
	return true;
}

u32 siov_pf_devtlb_count(const struct siov_pf *pf)
{
	u32 n = 0;

	for (u32 i = 0; i < pf->cfg.devtlb_entries; i++)
		n += pf->tlb[i].valid;
	return n;
}
