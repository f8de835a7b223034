// SPDX-License-Identifier: GPL-2.0
/*
 * Fault recording of the simulated VT-d unit (7.2): what a record holds
 * and FPD; FSTS, fault events and the recording registers themselves are
 * host/vtd_unit_fault.c's (choices in iommu.c's header comment).
 */
#include "iommu_internal.h"

#include <nestmed/vtd_fault.h>

/* Fault recording (7.2): choices in iommu.c's header comment. */
bool iommu_record_fault(struct sim_iommu *it, const struct fault_info *fi,
			bool fpd)
{
	struct vtd_frcd r = { { 0, 0 } };

	sim_trace(it->s, "iommu",
		  "fault fr=%#x (%s) rid=%04x pasid=%s%x addr=%#llx %s%s",
		  fi->fr, vtd_fault_reason_str(fi->fr), fi->rid,
		  fi->pp ? "" : "-/", fi->pasid,
		  (unsigned long long)fi->addr, fi->write ? "W" : "R",
		  fpd ? " (FPD: not recorded)" : "");
	if (fpd) {
		it->st.faults_suppressed++;
		return false;
	}
	vtd_frcd_set_fi(&r, fi->addr & VSVA_PAGE_MASK);
	vtd_frcd_set_sid(&r, fi->rid);
	vtd_frcd_set_t2(&r, fi->page_req);
	vtd_frcd_set_priv(&r, fi->priv);
	vtd_frcd_set_exe(&r, fi->exe);
	vtd_frcd_set_pp(&r, fi->pp);
	vtd_frcd_set_fr(&r, fi->fr);
	vtd_frcd_set_pv(&r, fi->pp ? fi->pasid : 0);
	vtd_frcd_set_at(&r, fi->at);
	vtd_frcd_set_t1(&r, !fi->write);
	vtd_frcd_set_f(&r, 1);
	if (vtd_unit_record_fault(&it->u, &r) < 0) {
		it->st.fault_overflows++;
		return false;
	}
	it->st.faults_recorded++;
	return true;
}
