// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's page request queue (7.5) and fault recording (7.2): the
 * fault router's way into the guest.  The ring is vsva_prq in the VM's
 * guest-physical space; its registers (PQH..PEUADDR) are vsva_prq's too.
 * Requests are checked against the guest's context entry as the hardware
 * checks them (viommu.c's header comment lists the reactions).
 */
#include "viommu_internal.h"

#include <nestmed/vtd_fault.h>

bool viommu_is_prq_off(const struct viommu *v, u32 off)
{
	return vtd_ecap_prs(v->u.ecap) && off >= VTD_PQH_REG &&
	       off < VTD_PEUADDR_REG + 4;
}

static void prq_event(struct viommu *v, const struct vsva_prq_event *ev)
{
	if (ev->irq)
		viommu_irq(v, VTD_UNIT_IRQ_PRQ, ev->irq_data, (u32)ev->irq_addr,
			   (u32)(ev->irq_addr >> 32));
	if (ev->auto_resp) {
		v->st.prq_auto_responses++;
		sim_trace(v->s, "viommu",
			  "auto response rid=%04x pasid=%s%x prgi=%u code=%#x",
			  ev->resp.rid, ev->resp.pasid_present ? "" : "-/",
			  ev->resp.pasid, ev->resp.prg_index, ev->resp.code);
		if (v->hooks.page_response)
			v->hooks.page_response(v->hooks.ctx, ev->resp.rid,
					       ev->resp.pasid_present,
					       ev->resp.pasid,
					       ev->resp.prg_index,
					       ev->resp.code);
	}
}

u64 viommu_prq_read(struct viommu *v, u32 off, unsigned int size)
{
	u64 val;

	if (vsva_prq_reg_read(&v->prq, off, size, &val)) {
		v->st.bad_mmio++;
		return 0;
	}
	return val;
}

void viommu_prq_write(struct viommu *v, u32 off, unsigned int size, u64 val)
{
	struct vsva_prq_event ev;

	/* The policy bounds the ring the guest may ask for. */
	if (off == VTD_PQA_REG && vtd_pqa_pqs(val) > v->pol.vprq_pqs_max) {
		v->st.bad_mmio++;
		sim_trace(v->s, "viommu", "PQA.PQS %llu above %u: clamped",
			  (unsigned long long)vtd_pqa_pqs(val),
			  v->pol.vprq_pqs_max);
		val = vtd_pqa_set_pqs(val, v->pol.vprq_pqs_max);
	}
	if (vsva_prq_reg_write(&v->prq, off, size, val, &ev)) {
		v->st.bad_mmio++;
		return;
	}
	sim_trace(v->s, "viommu", "wr %#05x (PRQ) = %#llx", off,
		  (unsigned long long)val);
	prq_event(v, &ev);
}

void viommu_prq_reset(struct viommu *v)
{
	vsva_prq_reset(&v->prq);
	/* PECTL resets with IM set (10.4.33), like FECTL and IECTL. */
	vsva_prq_reg_write(&v->prq, VTD_PECTL_REG, 4, VTD_xECTL_IM, NULL);
}

/* ------------------------------------------------------------------ */
/* Fault recording into the guest's FRCD registers                    */
/* ------------------------------------------------------------------ */
static int record(struct viommu *v, u16 sid, bool pp, u32 pasid, u64 addr,
		  u8 fr, bool write, bool exe, bool priv, bool page_req,
		  bool fpd)
{
	struct vtd_frcd r = { { 0, 0 } };

	sim_trace(v->s, "viommu",
		  "fault fr=%#x (%s) rid=%04x pasid=%s%x addr=%#llx %s%s",
		  fr, vtd_fault_reason_str(fr), sid, pp ? "" : "-/", pasid,
		  (unsigned long long)addr, write ? "W" : "R",
		  fpd ? " (FPD: not recorded)" : "");
	if (fpd) {
		v->st.faults_suppressed++;
		return -EPERM;
	}
	vtd_frcd_set_fi(&r, addr & VSVA_PAGE_MASK);
	vtd_frcd_set_sid(&r, sid);
	vtd_frcd_set_t2(&r, page_req);
	vtd_frcd_set_priv(&r, priv);
	vtd_frcd_set_exe(&r, exe);
	vtd_frcd_set_pp(&r, pp);
	vtd_frcd_set_fr(&r, fr);
	vtd_frcd_set_pv(&r, pp ? pasid : 0);
	vtd_frcd_set_t1(&r, !write);
	vtd_frcd_set_f(&r, 1);
	if (vtd_unit_record_fault(&v->u, &r) < 0) {
		v->st.fault_overflows++;
		return -ENOSPC;
	}
	v->st.faults_recorded++;
	return 0;
}

/*
 * FPD of the guest structures behind (@sid, @pasid), read now: a fault
 * the guest asked not to hear about is not recorded (FPD in the context,
 * PASID directory or PASID entry).
 */
static bool guest_fpd(struct viommu *v, u16 sid, bool pp, u32 pasid)
{
	struct vtd_sm_context_entry ce;
	struct vtd_pasid_entry pe;
	bool pde_fpd = false;
	u8 fr;

	if (vtd_rtaddr_ttm(v->u.rtaddr) != VTD_TTM_SCALABLE ||
	    vtd_unit_walk_context(&v->u, &v->mem, v->as, sid, &ce))
		return false;
	if (vtd_sce_fpd(&ce))
		return true;
	if (!pp)
		pasid = vtd_ecap_rps(v->u.ecap) ? (u32)vtd_sce_rid_pasid(&ce) : 0;
	fr = vtd_unit_walk_pasid(&v->u, &v->mem, v->as, &ce, pasid, &pe,
				 &pde_fpd);
	return pde_fpd || (!fr && vtd_pe_fpd(&pe));
}

int viommu_record_fault(struct viommu *v, const struct piommu_fault *f)
{
	return record(v, f->sid, f->pasid_present, f->pasid, f->addr,
		      f->reason, f->write, false, false, false,
		      guest_fpd(v, f->sid, f->pasid_present, f->pasid));
}

/* ------------------------------------------------------------------ */
/* Page requests into the guest's queue                               */
/* ------------------------------------------------------------------ */
static void reject(struct viommu *v, const struct piommu_page_req *r, u8 fr,
		   bool fpd)
{
	v->st.prq_rejected++;
	if (fr)
		record(v, r->rid, r->pasid_present, r->pasid, r->addr, fr,
		       r->w, r->x, r->priv, true, fpd);
	/* A stop marker (LPIG, R = W = 0) is owed no response. */
	if (r->lpig && (r->r || r->w)) {
		v->st.prq_auto_responses++;
		sim_trace(v->s, "viommu",
			  "auto response rid=%04x prgi=%u code=%#x", r->rid,
			  r->prg_index, VTD_PRG_RESP_INVALID);
		if (v->hooks.page_response)
			v->hooks.page_response(v->hooks.ctx, r->rid,
					       r->pasid_present, r->pasid,
					       r->prg_index,
					       VTD_PRG_RESP_INVALID);
	}
}

int viommu_inject_page_request(struct viommu *v,
			       const struct piommu_page_req *r)
{
	struct vsva_page_req pr = VSVA_PAGE_REQ_FROM(r);
	struct vtd_sm_context_entry ce;
	struct vtd_page_req_desc desc;
	struct vsva_prq_event ev;
	u8 fr = 0;
	int ret;

	memset(&ce, 0, sizeof(ce));
	v->st.page_requests++;
	if (!vtd_ecap_prs(v->u.ecap))
		return -EOPNOTSUPP;
	if (!(v->u.rv[VTD_R_GSTS] & VTD_GSTS_TES)) {
		reject(v, r, 0, false);
		return -EPERM;
	}
	if (vtd_rtaddr_ttm(v->u.rtaddr) == VTD_TTM_LEGACY)
		fr = VTD_FR_SM_TTM0_PGREQ;
	else if (vtd_rtaddr_ttm(v->u.rtaddr) != VTD_TTM_SCALABLE)
		fr = VTD_FR_SM_RTADDR_INVALID;
	if (!fr)
		fr = vtd_unit_walk_context(&v->u, &v->mem, v->as, r->rid, &ce);
	if (!fr && r->pasid_present && !vtd_sce_paside(&ce))
		fr = VTD_FR_SM_CTX_PASIDE;
	if (!fr && !vtd_sce_pre(&ce))
		fr = VTD_FR_SM_CTX_PRE;
	if (fr) {
		bool fpd = fr >= VTD_FR_SM_CTX_PASIDE && vtd_sce_fpd(&ce);

		sim_trace(v->s, "viommu", "page request rid=%04x refused: %#x",
			  r->rid, fr);
		reject(v, r, fr, fpd);
		return -EPERM;
	}
	if (r->pasid_present && r->pasid >= (1U << v->pasid_bits))
		return -EINVAL;
	if (vsva_page_req_encode(&pr, desc.qw))
		return -EINVAL;
	ret = vsva_prq_enqueue(&v->prq, &desc, &ev);
	sim_trace(v->s, "viommu",
		  "page request rid=%04x pasid=%s%x addr=%#llx %s%s%s prgi=%u%s: %s",
		  r->rid, r->pasid_present ? "" : "-/", pr.pasid,
		  (unsigned long long)pr.addr, r->r ? "R" : "", r->w ? "W" : "",
		  r->x ? "X" : "", r->prg_index, r->lpig ? " LPIG" : "",
		  ret == 0 ? "queued" : ret == -ENOSPC ? "overflow" : "dropped");
	if (ret == -ENOSPC)
		v->st.vprq_overflows++;
	prq_event(v, &ev);
	return ret;
}
