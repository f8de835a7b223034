// SPDX-License-Identifier: GPL-2.0
/*
 * Fault status and fault recording of the simulated VT-d unit (7.2, 7.3):
 * FSTS, the fault event it raises, and the fault recording registers
 * (choices in iommu.c's header comment).
 */
#include "iommu_internal.h"

#include <nestmed/vtd_fault.h>

/* ------------------------------------------------------------------ */
/* Fault status and events (7.3)                                      */
/* ------------------------------------------------------------------ */
void iommu_fault_irq(struct sim_iommu *it)
{
	iommu_send_irq(it, SIM_IOMMU_IRQ_FAULT, (u32)it->rv[R_FEDATA],
		       (u32)it->rv[R_FEADDR], (u32)it->rv[R_FEUADDR]);
}

/* FSTS moved from @before: raise a fault event if it is a new one (7.3). */
static void fault_event(struct sim_iommu *it, u64 before)
{
	if ((before & FSTS_EVENT_MASK) ||
	    !(it->rv[R_FSTS] & FSTS_EVENT_MASK))
		return;
	if (it->rv[R_FECTL] & VTD_xECTL_IM) {
		it->rv[R_FECTL] |= VTD_xECTL_IP;
		return;
	}
	iommu_fault_irq(it);
}

void iommu_fsts_set(struct sim_iommu *it, u64 bits)
{
	u64 before = it->rv[R_FSTS];

	it->rv[R_FSTS] |= bits;
	fault_event(it, before);
}

static bool frcd_f(const struct sim_iommu *it, u32 i)
{
	return it->rv[R_FRCD0 + 2 * i + 1] & BIT_ULL(63);
}

void iommu_update_ppf(struct sim_iommu *it)
{
	bool any = false;

	for (u32 i = 0; i < it->nfr; i++)
		any |= frcd_f(it, i);
	if (any)
		it->rv[R_FSTS] |= VTD_FSTS_PPF;
	else
		it->rv[R_FSTS] &= ~(u64)VTD_FSTS_PPF;
}

/* Fault recording (7.2): choices in iommu.c's header comment. */
bool iommu_record_fault(struct sim_iommu *it, const struct fault_info *fi,
			bool fpd)
{
	struct vtd_frcd r = { { 0, 0 } };
	u64 fsts = it->rv[R_FSTS];
	u32 i;

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
	if (fsts & VTD_FSTS_PFO) {
		it->st.fault_overflows++;
		return false;
	}
	if (!(fsts & VTD_FSTS_PPF))
		it->fr_index = 0;
	i = it->fr_index;
	if (frcd_f(it, i)) {
		it->st.fault_overflows++;
		iommu_fsts_set(it, VTD_FSTS_PFO);
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
	it->rv[R_FRCD0 + 2 * i] = r.val[0];
	it->rv[R_FRCD0 + 2 * i + 1] = r.val[1];
	if (!(fsts & VTD_FSTS_PPF))
		it->rv[R_FSTS] = (it->rv[R_FSTS] & ~(u64)VTD_FSTS_FRI) |
				 FIELD_PREP((u64)VTD_FSTS_FRI, i);
	it->rv[R_FSTS] |= VTD_FSTS_PPF;
	it->fr_index = (i + 1) % it->nfr;
	it->st.faults_recorded++;
	fault_event(it, fsts);
	return true;
}
