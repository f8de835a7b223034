// SPDX-License-Identifier: GPL-2.0
/*
 * Translation in the simulated VT-d unit: the scalable-mode root ->
 * context -> PASID directory -> PASID entry lookup (cached in vsva's
 * context and PASID caches), then vsva_translate(); untranslated requests
 * and ATS translation requests (choices in iommu.c's header comment).
 */
#include "iommu_internal.h"
#include "translate.h"

#include <nestmed/vtd_fault.h>

u8 iommu_lookup_context(struct sim_iommu *it, u16 rid, struct xl *x)
{
	const struct vsva_ctx_cache_entry *cc;
	struct vsva_ctx_cache_entry ne;
	u8 fr;

	cc = vsva_ctx_cache_lookup(it->caches, rid);
	if (cc) {
		memcpy(x->ce.val, cc->val, sizeof(x->ce.val));
		x->fpd = vtd_sce_fpd(&x->ce);
		return 0;
	}
	fr = vtd_unit_walk_context(&it->u, &it->mem, VSVA_AS_HPA, rid, &x->ce);
	if (fr)
		return fr;
	x->fpd = vtd_sce_fpd(&x->ce);
	memset(&ne, 0, sizeof(ne));
	memcpy(ne.val, x->ce.val, sizeof(ne.val));
	ne.rid = rid;
	vsva_ctx_cache_insert(it->caches, &ne);
	return 0;
}

static u8 lookup_pasid(struct sim_iommu *it, u16 rid, struct xl *x)
{
	const struct vsva_pasid_cache_entry *pc;
	struct vsva_pasid_cache_entry ne;
	u32 pasid = x->pasid;
	bool pde_fpd = false;
	u8 fr;

	pc = vsva_pasid_cache_lookup(it->caches, rid, pasid);
	if (pc) {
		memcpy(x->pe.val, pc->val, sizeof(x->pe.val));
		x->fpd |= vtd_pe_fpd(&x->pe);
		return 0;
	}
	fr = vtd_unit_walk_pasid(&it->u, &it->mem, VSVA_AS_HPA, &x->ce, pasid,
				 &x->pe, &pde_fpd);
	x->fpd |= pde_fpd;
	if (fr)
		return fr;
	if (pde_fpd)
		vtd_pe_set_fpd(&x->pe, 1);
	x->fpd |= vtd_pe_fpd(&x->pe);
	memset(&ne, 0, sizeof(ne));
	memcpy(ne.val, x->pe.val, sizeof(ne.val));
	ne.pasid = pasid;
	ne.rid = rid;
	ne.did = (u16)vtd_pe_did(&x->pe);
	vsva_pasid_cache_insert(it->caches, &ne);
	return 0;
}

/* Legacy / reserved translation table modes: the request's fault code. */
u8 iommu_ttm_fault(const struct sim_iommu *it, bool pp, bool page_req)
{
	switch (vtd_rtaddr_ttm(it->u.rtaddr)) {
	case VTD_TTM_SCALABLE:
		return 0;
	case VTD_TTM_LEGACY:
		if (page_req)
			return VTD_FR_SM_TTM0_PGREQ;
		return pp ? VTD_FR_SM_TTM0_PASID : VTD_FR_ROOT_TABLE_INVALID;
	default:
		return VTD_FR_SM_RTADDR_INVALID;
	}
}

/*
 * Root -> context -> (PASIDE) -> PASID directory -> PASID entry for a
 * request of @rid; @ats adds the DTE check.  0 or the fault reason.
 */
static u8 resolve(struct sim_iommu *it, u16 rid, bool pp, u32 pasid,
		  bool ats, struct xl *x)
{
	u8 fr;

	memset(x, 0, sizeof(*x));
	fr = iommu_ttm_fault(it, pp, false);
	if (!fr)
		fr = iommu_lookup_context(it, rid, x);
	if (fr)
		return fr;
	if (ats && !vtd_sce_dte(&x->ce))
		return VTD_FR_SM_CTX_DTE;
	if (pp && !vtd_sce_paside(&x->ce))
		return VTD_FR_SM_CTX_PASIDE;
	if (pp)
		x->pasid = pasid;
	else
		x->pasid = vtd_ecap_rps(it->cfg.ecap) ?
			   (u32)vtd_sce_rid_pasid(&x->ce) : 0;
	return lookup_pasid(it, rid, x);
}

static void walk_cfg(const struct sim_iommu *it, const struct vtd_pasid_entry *pe,
		     struct vsva_walk_cfg *w)
{
	memset(w, 0, sizeof(*w));
	w->mem = &it->mem;
	w->as = VSVA_AS_HPA;
	w->mode = (u8)vtd_pe_pgtt(pe);
	w->haw = it->cfg.haw;
	w->sc = vtd_ecap_sc(it->cfg.ecap);
	w->dt = vtd_ecap_dt(it->cfg.ecap);
	w->fs.fsptptr = vtd_pe_flptptr(pe);
	w->fs.levels = vtd_pe_flpm(pe) == VTD_FSPM_5LVL ? 5 : 4;
	w->fs.sre = vtd_pe_sre(pe);
	w->fs.ere = vtd_pe_ere(pe);
	w->fs.wpe = vtd_pe_wpe(pe);
	w->fs.nxe = vtd_pe_nxe(pe);
	w->fs.eafe = vtd_pe_eafe(pe);
	w->fs.fs1gp = vtd_cap_fl1gp(it->cfg.cap);
	w->ss.ssptptr = vtd_pe_slptptr(pe);
	w->ss.levels = (u8)vtd_aw_levels(vtd_pe_aw(pe));
	w->ss.ssade = vtd_pe_slade(pe);
	w->ss.ssee = vtd_pe_ssee(pe);
}

/* Walk (or pass through) under a resolved PASID entry. */
static int do_walk(struct sim_iommu *it, const struct xl *x,
		   const struct sim_dma_req *req, u8 access,
		   struct sim_xlate *out)
{
	struct vsva_walk_req wr = { .addr = req->addr, .access = access,
				    .priv = req->priv };
	struct vsva_walk_result res;
	struct vsva_walk_cfg w;
	int ret;

	if (vtd_pe_pgtt(&x->pe) == VTD_PGTT_PT) {
		if (req->addr & vtd_above_haw(it->cfg.haw)) {
			out->fault = VTD_FR_SM_ADDR_BEYOND_MAX;
			return -EFAULT;
		}
		out->hpa = req->addr;
		out->size_lg2 = 12;
		out->perm = VSVA_PERM_R | VSVA_PERM_W | VSVA_PERM_X;
		return 0;
	}
	walk_cfg(it, &x->pe, &w);
	ret = vsva_translate(it->caches, &w, (u16)vtd_pe_did(&x->pe), x->pasid,
			     &wr, &res);
	/* Charged whether or not the walk succeeded: the reads were made. */
	out->refs += res.reads + res.ad_writes;
	if (ret) {
		out->fault = res.fault ? res.fault : VTD_FR_SM_PASID_INVALID;
		out->fault_stage = res.fault_stage;
		return -EFAULT;
	}
	out->hpa = res.oaddr;
	out->size_lg2 = res.size_lg2;
	out->perm = res.perm;
	return 0;
}

/* The simulated time of the references made (docs/sim.md). */
static void charge(const struct sim_iommu *it, struct sim_xlate *out)
{
	u64 ns = it->cfg.mem_ref_ns;

	out->walk_ns = out->refs && ns > ~0ULL / out->refs ? ~0ULL :
		       ns * out->refs;
}

static void fault_from_req(struct fault_info *fi, const struct sim_dma_req *req,
			   u8 fr, u8 at)
{
	memset(fi, 0, sizeof(*fi));
	fi->rid = req->rid;
	fi->pp = req->pasid_present;
	fi->pasid = req->pasid;
	fi->addr = req->addr;
	fi->fr = fr;
	fi->at = at;
	fi->write = req->access & VSVA_PERM_W;
	fi->exe = req->access & VSVA_PERM_X;
	fi->priv = req->priv;
}

int sim_iommu_translate(struct sim_iommu *it, const struct sim_dma_req *req,
			struct sim_xlate *out)
{
	struct fault_info fi;
	struct xl x;
	u8 fr;

	memset(out, 0, sizeof(*out));
	it->st.translations++;
	if (!(it->u.rv[VTD_R_GSTS] & VTD_GSTS_TES)) {
		out->hpa = req->addr;
		out->size_lg2 = 12;
		out->perm = VSVA_PERM_R | VSVA_PERM_W | VSVA_PERM_X;
		return 0;
	}
	fr = resolve(it, req->rid, req->pasid_present, req->pasid, false, &x);
	if (!fr && !do_walk(it, &x, req, req->access, out)) {
		charge(it, out);
		return 0;
	}
	charge(it, out);
	if (fr)
		out->fault = fr;
	fault_from_req(&fi, req, out->fault, 0);
	out->recorded = iommu_record_fault(it, &fi, x.fpd);
	return -EFAULT;
}

/* Walk faults an ATS request answers with R = W = 0 instead of UR. */
static bool ats_recoverable(u8 fr)
{
	switch (fr) {
	case VTD_FR_SM_FS_NOT_PRESENT:
	case VTD_FR_SM_SS_NOT_PRESENT:
	case VTD_FR_SM_FS_NESTED_ROOT_READ:
	case VTD_FR_SM_FS_NESTED_READ:
	case VTD_FR_SM_FS_NESTED_WRITE:
	case VTD_FR_SM_NONCANONICAL:
	case VTD_FR_SM_US:
	case VTD_FR_SM_NO_EXEC:
	case VTD_FR_SM_ADDR_BEYOND_MAX:
	case VTD_FR_SM_NO_WRITE:
	case VTD_FR_SM_NO_READ:
		return true;
	}
	return false;
}

int sim_iommu_ats_translate(struct sim_iommu *it, const struct sim_dma_req *req,
			    struct sim_xlate *out)
{
	struct fault_info fi;
	struct xl x;
	u32 refs;
	u8 fr;

	memset(out, 0, sizeof(*out));
	it->st.ats_requests++;
	if (!(it->u.rv[VTD_R_GSTS] & VTD_GSTS_TES))
		return -EPERM;
	fr = resolve(it, req->rid, req->pasid_present, req->pasid, true, &x);
	if (!fr) {
		if (!do_walk(it, &x, req, req->access, out)) {
			charge(it, out);
			return 0;
		}
		fr = out->fault;
		if (ats_recoverable(fr)) {
			/* A write to a read-only page: grant what there is. */
			if ((req->access & VSVA_PERM_W) &&
			    fr == VTD_FR_SM_NO_WRITE &&
			    !do_walk(it, &x, req, VSVA_PERM_R, out)) {
				out->perm &= ~VSVA_PERM_W;
				charge(it, out);
				return 0;
			}
			refs = out->refs;
			memset(out, 0, sizeof(*out));
			out->fault = fr;
			out->refs = refs;
			charge(it, out);
			it->st.ats_not_present++;
			sim_trace(it->s, "iommu",
				  "ats rid=%04x addr=%#llx: R=W=0 (fr %#x)",
				  req->rid, (unsigned long long)req->addr, fr);
			return 0;
		}
	}
	out->fault = fr;
	charge(it, out);
	fault_from_req(&fi, req, fr, 1);
	out->recorded = iommu_record_fault(it, &fi, x.fpd);
	return -EPERM;
}
