// SPDX-License-Identifier: GPL-2.0
/*
 * The S-IOV PF's descriptor engine: portals, the run queue, descriptor
 * execution and completion, the device TLB filled by ATS, DMA through the
 * isolation oracle, and PRI page requests for block-on-fault descriptors.
 *
 * Hot path (a descriptor with warm translations): portal write, one event,
 * per page one device-TLB hash probe per page size present, the host page
 * cached in the TLB entry (valid while no host page was freed), one
 * memmove per page chunk, the completion record.  Nothing allocates and
 * nothing formats unless tracing is on.
 */
#include "siov_pf_internal.h"

static void job_run(struct siov_pf *pf, struct siov_wq *wq,
		    struct siov_job *j);

static u64 add_sat(u64 a, u64 b)
{
	return a + b < a ? ~0ULL : a + b;
}

/* ------------------------------------------------------------------ */
/* Translation time (docs/siov.md "Timing")                           */
/* ------------------------------------------------------------------ */
static void xlate_charge(struct siov_pf *pf, struct siov_job *j, u64 ns)
{
	j->xl_ns = add_sat(j->xl_ns, ns);
	pf->st.xlate_ns = add_sat(pf->st.xlate_ns, ns);
}

/*
 * The engine starts nothing else until @j's translations are back; @j's
 * own completion no longer waits for them.
 */
static void xlate_to_engine(struct siov_pf *pf, struct siov_job *j)
{
	pf->busy_until = max(pf->busy_until, add_sat(pf->s->now, j->xl_ns));
	j->xl_ns = 0;
}

/* ------------------------------------------------------------------ */
/* Device TLB                                                         */
/* ------------------------------------------------------------------ */
static u32 tlb_bucket(const struct siov_pf *pf, bool pv, u32 pasid, u64 vpn,
		      u8 lg2)
{
	u64 k = vpn ^ ((u64)(pv ? pasid : 0) << 40) ^ ((u64)pv << 61) ^
		((u64)lg2 << 34);

	k *= 0x9e3779b97f4a7c15ULL;
	return (u32)(k >> (64 - pf->tlb_hash_bits));
}

static void tlb_hash_add(struct siov_pf *pf, struct devtlb_ent *e)
{
	u32 *h = &pf->tlb_hash[tlb_bucket(pf, e->pasid_valid, e->pasid,
					   e->iova >> e->size_lg2,
					   e->size_lg2)];

	e->hnext = *h;
	*h = (u32)(e - pf->tlb);
	if (!pf->tlb_size_n[e->size_lg2]++)
		pf->tlb_sizes |= BIT_ULL(e->size_lg2);
}

static void tlb_hash_del(struct siov_pf *pf, struct devtlb_ent *e)
{
	u32 *l = &pf->tlb_hash[tlb_bucket(pf, e->pasid_valid, e->pasid,
					   e->iova >> e->size_lg2,
					   e->size_lg2)];
	u32 i = (u32)(e - pf->tlb);

	while (*l != i)
		l = &pf->tlb[*l].hnext;
	*l = e->hnext;
	e->hnext = TLB_NIL;
	if (!--pf->tlb_size_n[e->size_lg2])
		pf->tlb_sizes &= ~BIT_ULL(e->size_lg2);
}

/* Drop a valid entry. */
static void tlb_drop(struct siov_pf *pf, struct devtlb_ent *e)
{
	tlb_hash_del(pf, e);
	e->valid = false;
	e->pg_buf = NULL;
}

/*
 * The valid entry covering @addr for (@pv, @pasid); of several (stale
 * entries of different sizes may overlap), the lowest-numbered one.
 */
static struct devtlb_ent *tlb_find(const struct siov_pf *pf, bool pv,
				   u32 pasid, u64 addr)
{
	struct devtlb_ent *best = NULL;
	u64 sizes = pf->tlb_sizes;

	if (!pv)
		pasid = 0;
	while (sizes) {
		u8 lg2 = __builtin_ctzll(sizes);
		u64 vpn = addr >> lg2;

		sizes &= sizes - 1;
		for (u32 i = pf->tlb_hash[tlb_bucket(pf, pv, pasid, vpn, lg2)];
		     i != TLB_NIL; i = pf->tlb[i].hnext) {
			struct devtlb_ent *e = &pf->tlb[i];

			if (e->size_lg2 == lg2 && e->pasid_valid == pv &&
			    e->pasid == pasid && (e->iova >> lg2) == vpn &&
			    (!best || e < best))
				best = e;
		}
	}
	return best;
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
	if (e->valid)
		tlb_drop(pf, e);
	e->valid = true;
	e->pasid_valid = pv;
	e->pasid = pv ? pasid : 0;
	e->size_lg2 = lg2;
	e->perm = x->perm;
	e->iova = addr & ~m;
	e->hpa = (x->hpa - (addr & m)) & ~m;
	e->stamp = ++pf->tlb_stamp;
	tlb_hash_add(pf, e);
	pf->st.devtlb_fills++;
}

void spf_tlb_flush_all(struct siov_pf *pf)
{
	for (u32 i = 0; i < pf->cfg.devtlb_entries; i++) {
		pf->tlb[i].valid = false;
		pf->tlb[i].hnext = TLB_NIL;
		pf->tlb[i].pg_buf = NULL;
	}
	for (u32 b = 0; b < (1u << pf->tlb_hash_bits); b++)
		pf->tlb_hash[b] = TLB_NIL;
	memset(pf->tlb_size_n, 0, sizeof(pf->tlb_size_n));
	pf->tlb_sizes = 0;
}

void spf_dev_devtlb_invalidate(void *dev, bool pasid_valid, u32 pasid,
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
		tlb_drop(pf, e);
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
 * Generation of the host memory's page buffers: sim_mem counts every page
 * it frees (and only a free retires a buffer or an owner), so a buffer
 * resolved under one count stays valid while it holds.
 */
static u64 mem_gen(const struct sim_mem *mem)
{
	return sim_mem_stats(mem)->pages_freed;
}

/*
 * The host page behind @hpa, checked against the isolation oracle of
 * @owner (NULL: unchecked); @e (may be NULL) caches it.  NULL if unbacked.
 */
static u8 *dma_page(struct siov_pf *pf, struct devtlb_ent *e,
		    struct sim_vm *owner, u64 hpa)
{
	struct sim_mem *mem = pf->s->mem;
	u64 pg = hpa & ~(PAGE_SZ - 1);
	u32 id = owner ? sim_vm_id(owner) : 0;
	u8 *buf;

	if (e && e->pg_buf && e->pg_mem == mem && e->pg_hpa == pg &&
	    e->pg_gen == mem_gen(mem) && (!owner || e->pg_owner == id))
		return e->pg_buf;	/* sim_vm_owns() would say yes */
	if (owner && !sim_oracle_check(pf->s, owner, hpa, "siov-pf"))
		pf->st.oracle_violations++;
	buf = mem ? sim_mem_page(mem, pg) : NULL;
	if (e && buf) {
		e->pg_mem = mem;
		e->pg_gen = mem_gen(mem);
		e->pg_hpa = pg;
		e->pg_owner = sim_mem_owner(mem, pg);
		e->pg_buf = buf;
	}
	return buf;
}

/*
 * Translate @addr for @access and map the host page.  0 with *@p pointing
 * at @addr's byte; -EFAULT: translation not present or not permitted;
 * -EIO: Unsupported Request or unbacked host memory.
 */
static int dma_map(struct siov_pf *pf, struct siov_wq *wq,
		   struct siov_job *j, u64 addr, u8 access, u8 **p)
{
	struct devtlb_ent *e = NULL;
	u64 hpa;
	u8 *page;
	int ret;

	if (!pf->iommu) {
		hpa = addr;
	} else if (ats_enabled(pf)) {
		e = tlb_find(pf, wq->pasid_en, wq->pasid, addr);
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

			pf->st.devtlb_misses++;
			pf->st.ats_requests++;
			ret = sim_iommu_ats_translate(pf->iommu, &rq, &x);
			xlate_charge(pf, j, add_sat(pf->cfg.ats_rtt_ns,
						    x.walk_ns));
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
		ret = sim_iommu_translate(pf->iommu, &rq, &x);
		xlate_charge(pf, j, x.walk_ns);
		if (ret)
			return -EFAULT;
		hpa = x.hpa;
	}
	page = dma_page(pf, e, wq_owner(pf, wq), hpa);
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
/* The engine's next descriptor: desc_latency_ns after it is free. */
static u64 engine_next(const struct siov_pf *pf)
{
	return add_sat(max(pf->s->now, pf->busy_until),
		       pf->cfg.desc_latency_ns);
}

static void kick(struct siov_pf *pf)
{
	if (pf->kick_pending || !pf->rq_n)
		return;
	if (sim_schedule_at(pf->s, engine_next(pf), spf_pf_run, pf) == 0)
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

void spf_pf_run(struct sim *s, void *arg)
{
	struct siov_pf *pf = arg;
	struct siov_wq *wq;
	struct siov_job *j;

	pf->kick_pending = false;
	/* Held back since it was scheduled (a completion record's miss). */
	if (add_sat(pf->busy_until, pf->cfg.desc_latency_ns) > s->now &&
	    pf->rq_n) {
		kick(pf);
		return;
	}
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
	pf->jobs_live--;
	pf->st.descs_completed++;
	spf_wq_check_disabled(pf, wq);
	wq_make_ready(pf, wq);	/* a fence may have cleared */
	spf_cmd_check(pf);
}

static bool bof_usable(const struct siov_pf *pf, const struct siov_wq *wq,
		       const struct siov_job *j)
{
	return (siov_desc_flags(&j->d) & SIOV_F_BOF) && wq->bof &&
	       ats_enabled(pf) && pri_enabled(pf) && !pri_rf(pf) && pf->iommu;
}

static bool park_on_fault(struct siov_pf *pf, struct siov_wq *wq,
			  struct siov_job *j, u64 addr, u8 access);

static void cpl_schedule(struct siov_pf *pf)
{
	u64 at;

	if (!pf->cpl_h)
		return;
	at = pf->cpl_h->due;
	if (pf->cpl_pending && pf->cpl_at <= at)
		return;
	if (pf->cpl_pending)
		sim_cancel(pf->s, spf_cpl_run, pf);
	pf->cpl_pending = sim_schedule_at(pf->s, at, spf_cpl_run, pf) == 0;
	pf->cpl_at = at;
}

/*
 * Hold @j's completion until the translations it made have come back
 * (j->xl_ns from now); the engine stays busy as long.  false if it cannot
 * be held (no memory for the event): the caller completes it at once.
 */
static bool cpl_defer(struct siov_pf *pf, struct siov_job *j)
{
	struct siov_job **l = &pf->cpl_h;

	j->due = add_sat(pf->s->now, j->xl_ns);
	TRACE(pf, "wq %u completion held %llu ns for translation", j->wq,
	      (unsigned long long)j->xl_ns);
	xlate_to_engine(pf, j);
	while (*l && (*l)->due <= j->due)
		l = &(*l)->next;
	j->next = *l;
	*l = j;
	j->state = J_CPL;
	cpl_schedule(pf);
	if (!pf->cpl_pending) {
		*l = j->next;
		j->next = NULL;
		j->state = J_RESUME;
		cpl_schedule(pf);	/* the others still need their event */
		return false;
	}
	pf->st.deferred_completions++;
	return true;
}

static void cpl_unlink(struct siov_pf *pf, struct siov_job *j)
{
	struct siov_job **l = &pf->cpl_h;

	while (*l && *l != j)
		l = &(*l)->next;
	if (*l)
		*l = j->next;
	j->next = NULL;
}

void spf_cpl_run(struct sim *s, void *arg)
{
	struct siov_pf *pf = arg;
	struct siov_job *j;

	pf->cpl_pending = false;
	/* One at a time: a completion may abort others on the list. */
	while ((j = pf->cpl_h) && j->due <= s->now) {
		pf->cpl_h = j->next;
		j->next = NULL;
		j->state = J_RESUME;
		spf_job_complete(pf, &pf->wqs[j->wq], j, false);
	}
	cpl_schedule(pf);
}

/*
 * Write the completion record (if asked for / needed), send the
 * interrupt, release.  @quiet: abort path, no blocking and no interrupt.
 */
void spf_job_complete(struct siov_pf *pf, struct siov_wq *wq,
		      struct siov_job *j, bool quiet)
{
	u32 fl = siov_desc_flags(&j->d);
	int w = (int)(wq - pf->wqs);
	bool want_cr = (fl & SIOV_F_CRAV) &&
		       ((fl & SIOV_F_RCR) || j->status != SIOV_CS_SUCCESS);

	/* The data's translations come back before the completion goes. */
	if (quiet)
		j->xl_ns = 0;
	else if (j->xl_ns && cpl_defer(pf, j))
		return;
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

		spf_log_err(pf, SIOV_ERR_DESC, &ei);
	}
	if (want_cr) {
		u64 a = siov_desc_cr_addr(&j->d);
		u8 *p;
		int ret;

		j->cr_phase = true;
		ret = bme(pf) ? dma_map(pf, wq, j, a, VSVA_PERM_W, &p) : -EIO;
		/* Parked: the job keeps its time (see job_data()). */
		if (ret == -EFAULT && !quiet && bof_usable(pf, wq, j) &&
		    park_on_fault(pf, wq, j, a, VSVA_PERM_W))
			return;
		/*
		 * The record's own translation holds back the engine's next
		 * descriptor, not the record (docs/siov.md "Timing").
		 */
		xlate_to_engine(pf, j);
		if (ret) {
			struct err_info ei = {
				.wq = w, .pasid_valid = wq->pasid_en,
				.pasid = wq->pasid, .addr_valid = true,
				.addr = a, .status = j->status,
				.detail = siov_desc_opcode(&j->d),
			};

			spf_log_err(pf, SIOV_ERR_CR_FAULT, &ei);
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
			spf_send_ims(pf, wq, wq->handle);
		else
			spf_send_msix(pf, wq->handle);
	}
	job_release(pf, wq, j);
}

void spf_job_fail(struct siov_pf *pf, struct siov_wq *wq,
		  struct siov_job *j, u8 status)
{
	j->status = status;
	spf_job_complete(pf, wq, j, false);
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

void spf_prg_free(struct siov_pf *pf, u16 prg)
{
	pf->prg_busy[prg] = false;
	pf->prg_job[prg] = NULL;
	pf->prg_outstanding--;
	spf_pri_update_stopped(pf);
}

/* Jobs waiting for a PRG slot retry (and re-fault) once one frees. */
void spf_prg_wake(struct siov_pf *pf)
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
	spf_pri_update_stopped(pf);
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
		spf_prg_free(pf, prg);
		spf_prg_wake(pf);
		j->prs_code = 0xf;
		j->state = J_RESUME;	/* owned by the caller again */
		return false;
	}
	return true;
}

void spf_dev_page_response(void *dev, bool pasid_present, u32 pasid,
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
		spf_log_err(pf, SIOV_ERR_PRG_RESPONSE, &ei);
		return;
	}
	j = pf->prg_job[prg];
	spf_prg_free(pf, prg);
	spf_prg_wake(pf);
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
		spf_job_complete(pf, wq, j, true);	/* CR lost: logged inside */
		return;
	}
	j->fi = (j->fault_access & VSVA_PERM_W) ? SIOV_CR_FI_W : 0;
	spf_job_fail(pf, wq, j, code == 1 ? SIOV_CS_PRS_INVALID :
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
			ret = dma_map(pf, wq, j, a, VSVA_PERM_R, &ps);
			fa = a;
			acc = VSVA_PERM_R;
			fi = 0;
		}
		if (!ret) {
			acc = op == SIOV_OP_COMPARE ? VSVA_PERM_R : VSVA_PERM_W;
			fi = SIOV_CR_FI_DST |
			     (op == SIOV_OP_COMPARE ? 0 : SIOV_CR_FI_W);
			fa = b;
			ret = dma_map(pf, wq, j, b, acc, &pd);
		}
		if (ret) {
			j->fi = fi;
			j->fault_addr = fa;
			TRACE(pf, "wq %u fault at %#llx (%s) after %u bytes",
			      j->wq, (unsigned long long)fa,
			      acc & VSVA_PERM_W ? "W" : "R", j->done);
			if (ret == -EFAULT && bof_usable(pf, wq, j) &&
			    park_on_fault(pf, wq, j, fa, acc)) {
				/*
				 * The page request leaves at once and the
				 * job keeps its time, charged when it
				 * completes: after the response instead of
				 * before the request, the same end
				 * (docs/siov.md "Timing").
				 */
				return 1;
			}
			spf_job_fail(pf, wq, j, ret == -EIO ? SIOV_CS_XLATE_ERROR :
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

		spf_log_err(pf, SIOV_ERR_BME, &ei);
		j->status = SIOV_CS_ABORTED;
		pf->st.status[SIOV_CS_ABORTED]++;
		job_release(pf, wq, j);
		return;
	}
	if (j->cr_phase) {		/* resumed after a CR page response */
		spf_job_complete(pf, wq, j, false);
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

			spf_log_err(pf, SIOV_ERR_CR_ALIGN, &ei);
			job_release(pf, wq, j);
			return;
		}
		st = desc_check(pf, wq, &j->d);
		if (st) {
			spf_job_fail(pf, wq, j, st);
			return;
		}
	}
	j->state = J_RESUME;
	if (job_data(pf, wq, j))
		return;
	if (!j->status)
		j->status = SIOV_CS_SUCCESS;
	spf_job_complete(pf, wq, j, false);
}

/* ------------------------------------------------------------------ */
/* Aborts and resets                                                  */
/* ------------------------------------------------------------------ */
void spf_wq_abort(struct siov_pf *pf, struct siov_wq *wq)
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
	for (u32 i = 0; i < wq->unused; i++) {
		j = &wq->jobs[i];
		if (j->state == J_FREE)
			continue;
		/* Its PRG stays outstanding: the late response is absorbed. */
		if (j->state == J_PARKED && pf->prg_job[j->prg] == j)
			pf->prg_job[j->prg] = NULL;
		if (j->state == J_CPL)
			cpl_unlink(pf, j);
		j->status = SIOV_CS_ABORTED;
		j->cr_phase = false;
		spf_job_complete(pf, wq, j, true);
	}
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
		spf_log_simple(pf, SIOV_ERR_PORTAL_ACCESS,
			       w < pf->cfg.nr_wqs ? (int)w : -1, off, len);
		return -EINVAL;
	}
	wq = &pf->wqs[w];
	pf->st.descs_submitted++;
	if (wq->state != SIOV_WQ_ENABLED) {
		spf_log_simple(pf, SIOV_ERR_PORTAL_DISABLED, w, off, 0);
		if (wq->rejected != ~0u)
			wq->rejected++;
		return -ENODEV;
	}
	if (wq->occupancy >= wq->size ||
	    (!wq->free && wq->unused >= wq->jobs_n)) {
		struct err_info ei = { .wq = w, .pasid_valid = wq->pasid_en,
				       .pasid = wq->pasid, .detail = wq->size };

		spf_log_err(pf, SIOV_ERR_PORTAL_FULL, &ei);
		if (wq->rejected != ~0u)
			wq->rejected++;
		return -EBUSY;
	}
	j = wq->free;
	if (j)
		wq->free = j->next;
	else
		j = &wq->jobs[wq->unused++];
	memset(j, 0, sizeof(*j));
	memcpy(&j->d, data, SIOV_DESC_SIZE);
	j->wq = w;
	j->seq = wq->next_seq++;
	j->state = J_PENDING;
	wq->occupancy++;
	pf->jobs_live++;
	TRACE(pf, "wq %u desc op %#x flags %#x size %u", w,
	      siov_desc_opcode(&j->d), siov_desc_flags(&j->d),
	      siov_desc_xfer_size(&j->d));
	list_add(&wq->pend_h, &wq->pend_t, j);
	wq_make_ready(pf, wq);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Inspection                                                         */
/* ------------------------------------------------------------------ */
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
