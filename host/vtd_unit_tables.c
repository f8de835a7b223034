// SPDX-License-Identifier: GPL-2.0
/*
 * Scalable-mode root, context, PASID directory and PASID table lookup of
 * a VT-d unit model (9.1-9.6), with every check its capabilities imply.
 * The physical model puts vsva's context/PASID caches in front; the
 * vIOMMU reads the guest's tables fresh each time (caching mode: the
 * guest tells it when to look again).
 */
#include "vtd_unit.h"

#include <nestmed/vtd_fault.h>

bool vtd_unit_sce_rsvd(const struct vtd_unit *u,
		       const struct vtd_sm_context_entry *ce)
{
	u64 ecap = u->ecap;

	if (vtd_sce_rsvd(ce, u->haw, vtd_ecap_rps(ecap),
			 vtd_ecap_rprivs(ecap)))
		return true;
	if (vtd_sce_dte(ce) && !vtd_ecap_dt(ecap))
		return true;
	if (vtd_sce_paside(ce) && !vtd_ecap_pasid(ecap))
		return true;
	if (vtd_sce_pre(ce) && !vtd_ecap_prs(ecap))
		return true;
	return false;
}

u8 vtd_unit_walk_context(const struct vtd_unit *u, const struct vsva_mem *mem,
			 u32 as, u16 rid, struct vtd_sm_context_entry *ce)
{
	struct vtd_root_entry re;
	u8 bus = rid >> 8, devfn = rid & 0xff;
	u64 rta = vtd_rtaddr_rta(u->rtaddr), ctp;
	bool present;

	if (rta & vtd_above_haw(u->haw))
		return VTD_FR_SM_RTADDR_INVALID;
	if (vsva_read_qwords(mem, as, rta + 16ULL * bus, re.val, 2))
		return VTD_FR_SM_ROOT_ACCESS;
	present = devfn < 128 ? vtd_sre_lp(&re) : vtd_sre_up(&re);
	if (!present)
		return VTD_FR_SM_ROOT_NOT_PRESENT;
	if (vtd_sre_rsvd(&re, devfn, u->haw))
		return VTD_FR_SM_ROOT_RSVD;
	ctp = devfn < 128 ? vtd_sre_lctp(&re) : vtd_sre_uctp(&re);
	if (vsva_read_qwords(mem, as, ctp + 32ULL * (devfn & 127), ce->val, 4))
		return VTD_FR_SM_CTX_ACCESS;
	if (!vtd_sce_p(ce))
		return VTD_FR_SM_CTX_NOT_PRESENT;
	if (vtd_unit_sce_rsvd(u, ce))
		return VTD_FR_SM_CTX_RSVD;
	return 0;
}

/* PASID entry validity beyond reserved bits (0x5A / 0x5B). */
u8 vtd_unit_pe_check(const struct vtd_unit *u,
		     const struct vtd_pasid_entry *pe)
{
	u64 cap = u->cap, ecap = u->ecap;
	unsigned int pgtt = vtd_pe_pgtt(pe);
	bool fs = pgtt == VTD_PGTT_FS || pgtt == VTD_PGTT_NESTED;
	bool ss = pgtt == VTD_PGTT_SS || pgtt == VTD_PGTT_NESTED;

	if (vtd_pe_rsvd(pe, u->haw, vtd_ecap_mts(ecap)))
		return VTD_FR_SM_PASID_RSVD;
	if ((vtd_pe_slade(pe) && !vtd_ecap_slads(ecap)) ||
	    (vtd_pe_eafe(pe) && !vtd_ecap_eafs(ecap)) ||
	    (vtd_pe_sre(pe) && !vtd_ecap_srs(ecap)) ||
	    (vtd_pe_ere(pe) && !vtd_ecap_ers(ecap)))
		return VTD_FR_SM_PASID_RSVD;
	switch (pgtt) {
	case VTD_PGTT_FS:
		if (!vtd_ecap_flts(ecap))
			return VTD_FR_SM_PASID_INVALID;
		break;
	case VTD_PGTT_SS:
		if (!vtd_ecap_slts(ecap))
			return VTD_FR_SM_PASID_INVALID;
		break;
	case VTD_PGTT_NESTED:
		if (!vtd_ecap_nest(ecap))
			return VTD_FR_SM_PASID_INVALID;
		break;
	case VTD_PGTT_PT:
		if (!vtd_ecap_pt(ecap))
			return VTD_FR_SM_PASID_INVALID;
		break;
	default:
		return VTD_FR_SM_PASID_INVALID;
	}
	if (fs && (vtd_pe_flpm(pe) > VTD_FSPM_5LVL ||
		   (vtd_pe_flpm(pe) == VTD_FSPM_5LVL && !vtd_cap_fl5lp(cap))))
		return VTD_FR_SM_PASID_INVALID;
	if (ss) {
		unsigned int aw = vtd_pe_aw(pe);

		if (aw < 1 || aw > 3 || !(vtd_cap_sagaw(cap) & BIT(aw)))
			return VTD_FR_SM_PASID_INVALID;
	}
	return 0;
}

u8 vtd_unit_walk_pasid(const struct vtd_unit *u, const struct vsva_mem *mem,
		       u32 as, const struct vtd_sm_context_entry *ce,
		       u32 pasid, struct vtd_pasid_entry *pe, bool *pde_fpd)
{
	struct vtd_pasid_dir_entry pde;
	u32 di = pasid >> VTD_PASID_DIR_SHIFT;
	u64 ptbl;

	*pde_fpd = false;
	if (di >= vtd_sce_pasid_dir_entries(ce))
		return VTD_FR_SM_CTX_PASID_MAX;
	if (vsva_read64(mem, as, vtd_sce_pasiddirptr(ce) + 8ULL * di,
			&pde.val[0]))
		return VTD_FR_SM_PDIR_ACCESS;
	if (!vtd_pde_p(&pde))
		return VTD_FR_SM_PDIR_NOT_PRESENT;
	if (vtd_pde_rsvd(&pde, u->haw))
		return VTD_FR_SM_PDIR_RSVD;
	*pde_fpd = vtd_pde_fpd(&pde);
	ptbl = vtd_pde_smptblptr(&pde);
	if (vsva_read_qwords(mem, as, ptbl + VTD_PASID_ENTRY_SIZE *
			     (u64)(pasid % VTD_PASID_TBL_ENTRIES), pe->val, 8))
		return VTD_FR_SM_PASID_ACCESS;
	if (!vtd_pe_p(pe))
		return VTD_FR_SM_PASID_NOT_PRESENT;
	return vtd_unit_pe_check(u, pe);
}
