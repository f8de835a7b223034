// SPDX-License-Identifier: GPL-2.0
/*
 * Linux 6.12 pasid.c model: the per-device PASID directory and tables, the
 * scalable-mode context entry (device_pasid_table_setup), the PASID entry
 * setup helpers with pasid_flush_caches(), and intel_pasid_tear_down_entry().
 * Entries are built in a local copy with the uapi accessors and written to
 * guest memory with P last (pasid_set_present's dma_wmb ordering).
 */
#include "intel_iommu_internal.h"

#define PASID_PDE_SHIFT		6	/* pasid.h */

/* ---- PASID directory ---------------------------------------------------- */

/* intel_pasid_alloc_table() */
int gvtd_pasid_alloc_table(struct gvtd_device *dev)
{
	struct gvtd_iommu *u = dev->iommu;
	u32 max_pasid = 0, size;
	unsigned int order = 0;

	if (dev->pasid_supported)
		max_pasid = min(1u << dev->cfg.pasid_bits, u->max_pasids);
	/* size = max_pasid >> (PASID_PDE_SHIFT - 3): bytes of directory */
	size = max_pasid >> (PASID_PDE_SHIFT - 3);
	while ((4096u << order) < size)
		order++;
	if (gmem_alloc_pages(u->mem, order, &dev->pasid_dir))
		return -ENOMEM;
	dev->dir_order = order;
	dev->table_max_pasid = 1u << (order + 12 + 3);
	return 0;
}

/* intel_pasid_free_table() */
void gvtd_pasid_free_table(struct gvtd_device *dev)
{
	struct gvtd_iommu *u = dev->iommu;
	u32 max_pde = dev->table_max_pasid >> PASID_PDE_SHIFT;

	if (!dev->pasid_dir)
		return;
	for (u32 i = 0; i < max_pde; i++) {
		u64 pde = gmem_read64(u->mem, dev->pasid_dir + 8 * (u64)i);

		if (pde & 1)
			gmem_free_page(u->mem, pde & VTD_FSPTE_ADDR);
	}
	gmem_free_pages(u->mem, dev->pasid_dir, dev->dir_order);
	dev->pasid_dir = 0;
}

/* intel_pasid_get_entry(): allocates the table page on demand. */
static u64 pasid_get_entry(struct gvtd_device *dev, u32 pasid, bool alloc)
{
	struct gvtd_iommu *u = dev->iommu;
	u64 pdea, pde, table;

	if (!dev->pasid_dir || pasid >= dev->table_max_pasid)
		return 0;
	pdea = dev->pasid_dir + 8 * (u64)(pasid >> PASID_PDE_SHIFT);
	pde = gmem_read64(u->mem, pdea);
	if (!(pde & 1)) {
		if (!alloc || gmem_alloc_page(u->mem, &table))
			return 0;
		gmem_write64(u->mem, pdea, table | 1);	/* PASID_PTE_PRESENT */
		pde = table | 1;
	}
	return (pde & VTD_FSPTE_ADDR) + 64 * (u64)(pasid & 63);
}

u64 gvtd_pasid_entry_addr(struct gvtd_device *dev, u32 pasid)
{
	return pasid_get_entry(dev, pasid, false);
}

static void pe_read(struct gvtd_iommu *u, u64 a, struct vtd_pasid_entry *pe)
{
	gmem_read(u->mem, a, pe->val, sizeof(pe->val));
}

/*
 * Write a fully built entry: everything but qword 0's P first, then
 * qword 0 with P (dma_wmb in pasid_set_present orders the two).
 */
static void pe_write_present(struct gvtd_iommu *u, u64 a,
			     struct vtd_pasid_entry *pe)
{
	u64 q0 = pe->val[0];

	gmem_write(u->mem, a + 8, &pe->val[1], 56);
	gmem_write64(u->mem, a, q0 & ~1ULL);
	dma_wmb();
	gmem_write64(u->mem, a, q0 | 1);
}

/* ---- context entries ---------------------------------------------------- */

/* iommu_context_addr(): scalable mode, LCTP/UCTP halves of 128 entries. */
static u64 context_addr(struct gvtd_iommu *u, u8 bus, u8 devfn, bool alloc)
{
	u64 re = u->root + 16 * (u64)bus + (devfn >= 0x80 ? 8 : 0);
	u64 e = gmem_read64(u->mem, re), ctx;

	if (!(e & 1)) {
		if (!alloc || gmem_alloc_page(u->mem, &ctx))
			return 0;
		gmem_write64(u->mem, re, ctx | 1);
		e = ctx | 1;
	}
	return (e & VTD_FSPTE_ADDR) + 32 * (u64)(devfn & 0x7f);
}

/* context_get_sm_pds() */
static u32 context_get_sm_pds(struct gvtd_device *dev)
{
	u32 max_pde = dev->table_max_pasid >> PASID_PDE_SHIFT;
	u32 pds = (u32)__builtin_ctz(max_pde);

	return pds < 7 ? 0 : pds - 7;
}

/* device_pasid_table_setup() + context_entry_set_pasid_table() */
int gvtd_pasid_setup_sm_context(struct gvtd_device *dev)
{
	struct gvtd_iommu *u = dev->iommu;
	struct vtd_sm_context_entry ce = { { 0 } };
	u64 a = context_addr(u, dev->bus, dev->devfn, true);

	if (!a)
		return -ENOMEM;
	dev->context = a;
	if (gmem_read64(u->mem, a) & 1)
		return 0;
	vtd_sce_set_pasiddirptr(&ce, dev->pasid_dir);
	vtd_sce_set_pdts(&ce, context_get_sm_pds(dev));
	vtd_sce_set_rid_pasid(&ce, GVTD_NO_PASID);	/* context_set_sm_rid2pasid */
	if (dev->ats_supported)
		vtd_sce_set_dte(&ce, 1);
	if (dev->pasid_supported)
		vtd_sce_set_paside(&ce, 1);
	vtd_sce_set_fpd(&ce, 0);			/* context_set_fault_enable */
	gmem_write(u->mem, a + 8, &ce.val[1], 24);
	gmem_write64(u->mem, a, ce.val[0]);
	dma_wmb();
	gmem_write64(u->mem, a, ce.val[0] | 1);	/* context_set_present */

	/* Non-present -> present: under CM, flush DID 0's cached entries. */
	if (u->cm) {
		gvtd_qi_flush_context(u, 0, dev->cfg.rid, 0, VTD_CC_G_DEVICE);
		gvtd_qi_flush_iotlb(u, 0, 0, 0, VTD_IOTLB_G_DOMAIN);
	}
	return 0;
}

/* __context_flush_dev_iotlb() */
static void context_flush_dev_iotlb(struct gvtd_device *dev)
{
	struct vtd_inv_desc d;

	if (!dev->ats_enabled || !dev->iommu->te)
		return;
	gvtd_desc_devtlb(&d, dev->cfg.rid, dev->pfsid, dev->cfg.ats_qdep, 0,
			 GVTD_MAX_AGAW_PFN_WIDTH);
	gvtd_qi_submit_sync(dev->iommu, &d, 1, false);
}

/* intel_context_flush_no_pasid(): scalable mode */
static void context_flush_no_pasid(struct gvtd_device *dev, u16 did)
{
	gvtd_qi_flush_context(dev->iommu, did, dev->cfg.rid, 0,
			      VTD_CC_G_DEVICE);
	context_flush_dev_iotlb(dev);
}

/* device_pasid_table_teardown() */
void gvtd_pasid_teardown_sm_context(struct gvtd_device *dev)
{
	struct gvtd_iommu *u = dev->iommu;
	u64 a = context_addr(u, dev->bus, dev->devfn, false);
	u16 did;

	if (!a)
		return;
	did = (u16)((gmem_read64(u->mem, a + 8) >> 8) & 0xffff); /* context_domain_id */
	gmem_write64(u->mem, a, gmem_read64(u->mem, a) & ~1ULL);
	context_flush_no_pasid(dev, did);
	gmem_zero(u->mem, a, 32);
}

/* context_flip_pri() */
int gvtd_context_flip_pri(struct gvtd_device *dev, bool enable)
{
	struct gvtd_iommu *u = dev->iommu;
	u64 a = context_addr(u, dev->bus, dev->devfn, false);
	u64 lo;
	u16 did;

	if (!a || !((lo = gmem_read64(u->mem, a)) & 1))
		return -ENODEV;
	did = (u16)((gmem_read64(u->mem, a + 8) >> 8) & 0xffff);
	if (enable)
		lo |= BIT_ULL(4);	/* context_set_sm_pre, bit 4 */
	else
		lo &= ~BIT_ULL(4);
	gmem_write64(u->mem, a, lo);
	context_flush_no_pasid(dev, did);
	return 0;
}

/* ---- PASID entries ------------------------------------------------------ */

/* pasid_flush_caches() */
static void pasid_flush_caches(struct gvtd_iommu *u, u32 pasid, u16 did)
{
	if (u->cm) {
		gvtd_qi_flush_pasid_cache(u, did, VTD_PC_G_PASID, pasid);
		gvtd_qi_flush_piotlb(u, did, pasid, 0, GVTD_NPAGES_ALL, false);
	} else if (vtd_cap_rwbf(u->cap)) {
		gvtd_writel(u, VTD_GCMD_REG, u->gcmd | VTD_GCMD_WBF);
	}
}

/* Look up the entry for setup: -ENODEV, -EBUSY if present. */
static int pasid_entry_for_setup(struct gvtd_device *dev, u32 pasid, u64 *a)
{
	*a = pasid_get_entry(dev, pasid, true);
	if (!*a)
		return -ENODEV;
	if (gmem_read64(dev->iommu->mem, *a) & 1)
		return -EBUSY;
	return 0;
}

/* intel_pasid_setup_first_level() */
int gvtd_pasid_setup_first_level(struct gvtd_iommu *u, struct gvtd_device *dev,
				 u64 pgd, u32 pasid, u16 did, int flags)
{
	struct vtd_pasid_entry pe = { { 0 } };
	u64 a;
	int ret;

	if (!vtd_ecap_flts(u->ecap))
		return -EINVAL;
	if ((flags & GVTD_PASID_FLAG_FL5LP) && !vtd_cap_fl5lp(u->cap))
		return -EINVAL;
	ret = pasid_entry_for_setup(dev, pasid, &a);
	if (ret)
		return ret;
	/* pasid_clear_entry(), then the fields in Linux's order */
	vtd_pe_set_flptptr(&pe, pgd);
	if (flags & GVTD_PASID_FLAG_FL5LP)
		vtd_pe_set_flpm(&pe, VTD_FSPM_5LVL);
	if (flags & GVTD_PASID_FLAG_PAGE_SNOOP)
		vtd_pe_set_pgsnp(&pe, 1);
	vtd_pe_set_did(&pe, did);
	vtd_pe_set_aw(&pe, (u64)u->agaw);
	vtd_pe_set_pwsnp(&pe, vtd_ecap_smpwc(u->ecap));
	vtd_pe_set_pgtt(&pe, VTD_PGTT_FS);
	pe_write_present(u, a, &pe);
	pasid_flush_caches(u, pasid, did);
	return 0;
}

/* intel_pasid_setup_second_level() */
int gvtd_pasid_setup_second_level(struct gvtd_iommu *u,
				  struct gvtd_domain *domain,
				  struct gvtd_device *dev, u32 pasid)
{
	struct vtd_pasid_entry pe = { { 0 } };
	u64 a;
	int ret;

	if (!vtd_ecap_slts(u->ecap))
		return -EINVAL;
	ret = pasid_entry_for_setup(dev, pasid, &a);
	if (ret)
		return ret;
	vtd_pe_set_did(&pe, domain->did);
	vtd_pe_set_slptptr(&pe, domain->pgd);
	vtd_pe_set_aw(&pe, (u64)domain->agaw);
	vtd_pe_set_pgtt(&pe, VTD_PGTT_SS);
	vtd_pe_set_fpd(&pe, 0);			/* pasid_set_fault_enable */
	vtd_pe_set_pwsnp(&pe, vtd_ecap_smpwc(u->ecap));
	pe_write_present(u, a, &pe);
	pasid_flush_caches(u, pasid, domain->did);
	return 0;
}

/* intel_pasid_setup_pass_through() */
int gvtd_pasid_setup_pass_through(struct gvtd_iommu *u,
				  struct gvtd_device *dev, u32 pasid)
{
	struct vtd_pasid_entry pe = { { 0 } };
	u16 did = GVTD_FLPT_DEFAULT_DID;
	u64 a;
	int ret;

	ret = pasid_entry_for_setup(dev, pasid, &a);
	if (ret)
		return ret;
	vtd_pe_set_did(&pe, did);
	vtd_pe_set_aw(&pe, (u64)u->agaw);
	vtd_pe_set_pgtt(&pe, VTD_PGTT_PT);
	vtd_pe_set_fpd(&pe, 0);
	vtd_pe_set_pwsnp(&pe, vtd_ecap_smpwc(u->ecap));
	pe_write_present(u, a, &pe);
	pasid_flush_caches(u, pasid, did);
	return 0;
}

/* devtlb_invalidation_with_pasid(): whole range, by RID for PASID 0. */
void gvtd_devtlb_invalidation_with_pasid(struct gvtd_iommu *u,
					 struct gvtd_device *dev, u32 pasid)
{
	struct vtd_inv_desc d;

	if (!dev->ats_enabled || !u->te)	/* qi_flush_dev_iotlb*: TE off */
		return;
	if (pasid == GVTD_NO_PASID)
		gvtd_desc_devtlb(&d, dev->cfg.rid, dev->pfsid, dev->cfg.ats_qdep,
				 0, GVTD_MAX_AGAW_PFN_WIDTH);
	else
		gvtd_desc_pdevtlb(&d, dev->cfg.rid, dev->pfsid, pasid,
				  dev->cfg.ats_qdep, 0, GVTD_MAX_AGAW_PFN_WIDTH);
	gvtd_qi_submit_sync(u, &d, 1, false);
}

/* intel_pasid_tear_down_entry() */
void gvtd_pasid_tear_down_entry(struct gvtd_iommu *u, struct gvtd_device *dev,
				u32 pasid, bool fault_ignore)
{
	struct vtd_pasid_entry pe;
	u64 a = pasid_get_entry(dev, pasid, false);
	u16 did;
	u8 pgtt;

	if (!a)
		return;
	pe_read(u, a, &pe);
	if (!vtd_pe_p(&pe)) {
		if (!vtd_pe_fpd(&pe))
			return;
		gmem_zero(u->mem, a, 64);
		gvtd_drain_pasid_prq(dev, pasid);
		return;
	}
	did = (u16)vtd_pe_did(&pe);
	pgtt = (u8)vtd_pe_pgtt(&pe);
	/* 1. pasid_clear_present() */
	gmem_write64(u->mem, a, pe.val[0] & ~1ULL);
	dma_wmb();
	/* 2. PASID-selective PASID-cache invalidation */
	gvtd_qi_flush_pasid_cache(u, did, VTD_PC_G_PASID, pasid);
	/* 3. IOTLB: PASID-based for FL/PT, domain-selective otherwise */
	if (pgtt == VTD_PGTT_PT || pgtt == VTD_PGTT_FS)
		gvtd_qi_flush_piotlb(u, did, pasid, 0, GVTD_NPAGES_ALL, false);
	else
		gvtd_qi_flush_iotlb(u, did, 0, 0, VTD_IOTLB_G_DOMAIN);
	/* 4. device TLB */
	gvtd_devtlb_invalidation_with_pasid(u, dev, pasid);
	/* 5. intel_pasid_clear_entry() */
	gmem_zero(u->mem, a, 64);
	if (fault_ignore) {
		/* pasid_clear_entry_with_fpd(): FPD, bit 1 */
		gmem_write64(u->mem, a, BIT_ULL(1));
	}
	/* 6. drain */
	if (!fault_ignore)
		gvtd_drain_pasid_prq(dev, pasid);
}
