// SPDX-License-Identifier: GPL-2.0
/*
 * Software-side helpers of the simulated VT-d unit (see iommu.h): what a
 * host IOMMU driver does to build the scalable-mode root table, context
 * entries and PASID tables in host memory.  The unit only reads them.
 */
#include "iommu.h"

int sim_iommu_sw_alloc_root(struct sim_mem *m, u64 *rta)
{
	return sim_mem_alloc_page(m, rta);
}

int sim_iommu_sw_set_context(struct sim_mem *m, u64 rta, u16 rid,
			     const struct vtd_sm_context_entry *ce)
{
	struct vtd_root_entry re;
	u8 bus = rid >> 8, devfn = rid & 0xff;
	u64 ctp;
	int ret;

	ret = sim_mem_read(m, VSVA_AS_HPA, rta + 16ULL * bus, re.val,
			   sizeof(re.val));
	if (ret)
		return ret;
	if (!vtd_sre_present(&re, devfn)) {
		ret = sim_mem_alloc_page(m, &ctp);
		if (ret)
			return ret;
		vtd_sre_set_ctp_present(&re, devfn, ctp);
		ret = sim_mem_write(m, VSVA_AS_HPA, rta + 16ULL * bus, re.val,
				    sizeof(re.val));
		if (ret)
			return ret;
	}
	ctp = vtd_sre_ctp(&re, devfn);
	return sim_mem_write(m, VSVA_AS_HPA, ctp + 32ULL * (devfn & 127),
			     ce->val, sizeof(ce->val));
}

int sim_iommu_sw_alloc_pasid_dir(struct sim_mem *m, u8 pdts, u64 *dir)
{
	u64 pages;

	if (pdts > 7)
		return -EINVAL;
	/* 2^(pdts + 7) entries of 8 bytes. */
	pages = ((1ULL << (pdts + 7)) * 8 + VSVA_PAGE_SIZE - 1) / VSVA_PAGE_SIZE;
	return sim_mem_alloc_run(m, pages, 12, dir);
}

int sim_iommu_sw_set_pasid(struct sim_mem *m, u64 dir, u32 pasid,
			   const struct vtd_pasid_entry *pe)
{
	struct vtd_pasid_dir_entry pde;
	u64 at = dir + 8ULL * (pasid >> VTD_PASID_DIR_SHIFT), tbl;
	int ret;

	if (pasid >= VSVA_PASID_MAX)
		return -EINVAL;
	ret = sim_mem_read(m, VSVA_AS_HPA, at, pde.val, 8);
	if (ret)
		return ret;
	if (!vtd_pde_p(&pde)) {
		ret = sim_mem_alloc_page(m, &tbl);
		if (ret)
			return ret;
		pde.val[0] = 0;
		vtd_pde_set_smptblptr(&pde, tbl);
		vtd_pde_set_p(&pde, 1);
		ret = sim_mem_write(m, VSVA_AS_HPA, at, pde.val, 8);
		if (ret)
			return ret;
	}
	tbl = vtd_pde_smptblptr(&pde);
	return sim_mem_write(m, VSVA_AS_HPA,
			     tbl + VTD_PASID_ENTRY_SIZE *
			     (u64)(pasid % VTD_PASID_TBL_ENTRIES),
			     pe->val, sizeof(pe->val));
}
