// SPDX-License-Identifier: GPL-2.0
/*
 * Linux 6.12 intel-iommu model: devices (intel_iommu_probe_device), paging
 * domains with first- or second-level tables in guest memory
 * (__domain_mapping, domain_unmap), cache tags and their flushes
 * (cache.c), RID attach (dmar_domain_attach_device) and PASID attach
 * (intel_iommu_set_dev_pasid / intel_iommu_remove_dev_pasid).
 *
 * Simplification: a domain belongs to one unit, and its levels are the
 * unit's agaw from the start (Linux builds 5 levels and trims them in
 * prepare_domain_attach_device(); with no map before the first attach the
 * tables are the same).  A superpage map over an existing lower-level table
 * frees that table first (switch_to_super_page).
 */
#include <stdlib.h>

#include "intel_iommu_internal.h"

/* Entry bits (iommu.h DMA_PTE_*, DMA_FL_PTE_*). */
#define PTE_READ	BIT_ULL(0)	/* DMA_PTE_READ; FL: P */
#define PTE_WRITE	BIT_ULL(1)	/* DMA_PTE_WRITE; FL: R/W */
#define FL_PTE_US	BIT_ULL(2)
#define FL_PTE_ACCESS	BIT_ULL(5)
#define FL_PTE_DIRTY	BIT_ULL(6)
#define PTE_LARGE	BIT_ULL(7)
#define PTE_ADDR	GENMASK_ULL(51, 12)

static bool pte_present(u64 e)
{
	return e & (PTE_READ | PTE_WRITE);	/* dma_pte_present() */
}

static bool pte_leaf(u64 e, unsigned int level)
{
	return level == 1 || (e & PTE_LARGE);
}

static u64 level_size(unsigned int level)
{
	return 1ULL << vtd_pt_level_lg2(level);
}

/* ---- devices ------------------------------------------------------------ */
struct gvtd_device *gvtd_find_device(struct gvtd_iommu *u, u16 rid)
{
	for (u32 i = 0; i < u->ndevs; i++)
		if (u->devs[i]->cfg.rid == rid)
			return u->devs[i];
	return NULL;
}

struct gvtd_device *gvtd_probe_device(struct gvtd_iommu *u,
				      const struct gvtd_dev_cfg *cfg)
{
	struct gvtd_device *dev, **nd;

	if (!u->probed || gvtd_find_device(u, cfg->rid))
		return NULL;
	dev = calloc(1, sizeof(*dev));
	nd = realloc(u->devs, (u->ndevs + 1) * sizeof(*nd));
	if (!dev || !nd) {
		free(dev);
		if (nd)
			u->devs = nd;
		return NULL;
	}
	u->devs = nd;
	dev->iommu = u;
	dev->cfg = *cfg;
	dev->bus = cfg->rid >> 8;
	dev->devfn = cfg->rid & 0xff;
	if (vtd_ecap_dt(u->ecap) && cfg->ats) {
		dev->ats_supported = true;
		if (vtd_ecap_dit(u->ecap))
			dev->pfsid = cfg->rid;
	}
	if (u->pasid && cfg->pasid_bits)
		dev->pasid_supported = true;
	if (dev->ats_supported && vtd_ecap_prs(u->ecap) &&
	    vtd_ecap_pds(u->ecap) && cfg->pri)
		dev->pri_supported = true;
	if (gvtd_pasid_alloc_table(dev))
		goto err;
	if (gvtd_pasid_setup_sm_context(dev)) {
		gvtd_pasid_free_table(dev);
		goto err;
	}
	dev->pasid_enabled = dev->pasid_supported;	/* pci_enable_pasid() */
	/* dev_iommu_get_max_pasids() */
	dev->max_pasids = dev->pasid_enabled ?
		min(1u << cfg->pasid_bits, u->max_pasids) : 0;
	u->devs[u->ndevs++] = dev;
	return dev;
err:
	free(dev);
	return NULL;
}

static void device_block_translation(struct gvtd_device *dev);

void gvtd_release_device(struct gvtd_device *dev)
{
	struct gvtd_iommu *u = dev->iommu;

	while (dev->npasid)
		gvtd_detach_dev_pasid(dev->pasid_array[dev->npasid - 1].domain,
				      dev, dev->pasid_array[dev->npasid - 1].pasid);
	if (dev->pri_enabled)
		gvtd_dev_disable_iopf(dev);
	device_block_translation(dev);
	gvtd_pasid_teardown_sm_context(dev);
	gvtd_pasid_free_table(dev);
	for (u32 i = 0; i < u->ndevs; i++)
		if (u->devs[i] == dev) {
			u->devs[i] = u->devs[--u->ndevs];
			break;
		}
	free(dev->pasid_array);
	free(dev->partial);
	free(dev);
}

int gvtd_dev_enable_iopf(struct gvtd_device *dev)
{
	int ret;

	if (!dev->ats_enabled || !dev->pri_supported)
		return -ENODEV;
	if (dev->pri_enabled)
		return -EBUSY;
	if (dev->pasid_enabled && !dev->cfg.prg_resp_pasid_required)
		return -EINVAL;
	dev->iopf_queued = true;		/* iopf_queue_add_device */
	ret = gvtd_context_flip_pri(dev, true);
	if (ret) {
		dev->iopf_queued = false;
		return ret;
	}
	dev->pri_enabled = true;		/* pci_enable_pri */
	return 0;
}

int gvtd_dev_disable_iopf(struct gvtd_device *dev)
{
	if (!dev->pri_enabled)
		return -EINVAL;
	gvtd_context_flip_pri(dev, false);
	gvtd_iopf_queue_remove_device(dev);
	dev->pri_enabled = false;
	return 0;
}

/* ---- domains ------------------------------------------------------------ */
struct gvtd_domain *gvtd_domain_alloc(struct gvtd_iommu *u,
				      enum gvtd_domain_type type)
{
	struct gvtd_domain *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->iommu = u;
	d->type = type;
	if (type == GVTD_DOMAIN_IDENTITY)
		return d;
	d->use_first_level = type == GVTD_DOMAIN_DMA ? u->fl_dma :
			     u->fl_unmanaged;
	d->agaw = u->agaw;
	/* domain_update_iommu_superpage() */
	if (d->use_first_level)
		d->superpage = vtd_cap_fl1gp(u->cap) ? 2 : 1;
	else
		d->superpage = vtd_cap_sllps(u->cap) & 2 ? 2 :
			       vtd_cap_sllps(u->cap) & 1 ? 1 : 0;
	if (gmem_alloc_page(u->mem, &d->pgd)) {
		free(d);
		return NULL;
	}
	d->table_pages = 1;
	return d;
}

struct gvtd_domain *gvtd_paging_domain_alloc(struct gvtd_device *dev)
{
	return gvtd_domain_alloc(dev->iommu, GVTD_DOMAIN_UNMANAGED);
}

static void free_table(struct gvtd_domain *d, u64 table, unsigned int level)
{
	struct gvtd_iommu *u = d->iommu;

	if (level > 1)
		for (unsigned int i = 0; i < VTD_PT_ENTRIES; i++) {
			u64 e = gmem_read64(u->mem, table + 8 * i);

			if (pte_present(e) && !pte_leaf(e, level))
				free_table(d, e & PTE_ADDR, level - 1);
		}
	gmem_free_page(u->mem, table);
	d->table_pages--;
}

void gvtd_domain_free(struct gvtd_domain *d)
{
	if (!d)
		return;
	if (d->pgd)
		free_table(d, d->pgd, gvtd_domain_levels(d));
	free(d->tags);
	free(d);
}

/* domain_attach_iommu() / domain_detach_iommu() */
static int domain_attach_iommu(struct gvtd_domain *d)
{
	int did;

	if (d->did_refcnt++)
		return 0;
	did = gvtd_domain_id_alloc(d->iommu);
	if (did < 0) {
		d->did_refcnt = 0;
		return did;
	}
	d->did = (u16)did;
	return 0;
}

static void domain_detach_iommu(struct gvtd_domain *d)
{
	if (!d->did_refcnt || --d->did_refcnt)
		return;
	gvtd_domain_id_free(d->iommu, d->did);
	d->did = 0;
}

/* ---- cache tags (cache.c) ----------------------------------------------- */
static int cache_tag_assign(struct gvtd_domain *d, struct gvtd_device *dev,
			    u32 pasid, bool devtlb)
{
	for (u32 i = 0; i < d->ntags; i++) {
		struct gvtd_cache_tag *t = &d->tags[i];

		if (t->devtlb == devtlb && t->did == d->did &&
		    t->pasid == pasid && (!devtlb || t->dev == dev)) {
			t->users++;
			return 0;
		}
	}
	if (d->ntags == d->tags_cap) {
		u32 cap = d->tags_cap ? 2 * d->tags_cap : 4;
		struct gvtd_cache_tag *n = realloc(d->tags, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		d->tags = n;
		d->tags_cap = cap;
	}
	d->tags[d->ntags++] = (struct gvtd_cache_tag){
		.devtlb = devtlb, .did = d->did, .pasid = pasid,
		.dev = dev, .users = 1,
	};
	return 0;
}

static void cache_tag_unassign(struct gvtd_domain *d, struct gvtd_device *dev,
			       u32 pasid, bool devtlb)
{
	for (u32 i = 0; i < d->ntags; i++) {
		struct gvtd_cache_tag *t = &d->tags[i];

		if (t->devtlb == devtlb && t->pasid == pasid &&
		    (!devtlb || t->dev == dev)) {
			if (!--t->users) {
				memmove(t, t + 1, (d->ntags - i - 1) * sizeof(*t));
				d->ntags--;
			}
			return;
		}
	}
}

static int cache_tag_assign_domain(struct gvtd_domain *d,
				   struct gvtd_device *dev, u32 pasid)
{
	int ret = cache_tag_assign(d, dev, pasid, false);

	if (ret || !dev->ats_enabled)
		return ret;
	ret = cache_tag_assign(d, dev, pasid, true);
	if (ret)
		cache_tag_unassign(d, dev, pasid, false);
	return ret;
}

static void cache_tag_unassign_domain(struct gvtd_domain *d,
				      struct gvtd_device *dev, u32 pasid)
{
	cache_tag_unassign(d, dev, pasid, false);
	if (dev->ats_enabled)
		cache_tag_unassign(d, dev, pasid, true);
}

struct qi_batch {
	struct vtd_inv_desc descs[GVTD_QI_MAX_BATCH];
	unsigned int index;
};

static void batch_flush(struct gvtd_iommu *u, struct qi_batch *b)
{
	if (!b->index)
		return;
	gvtd_qi_submit_sync(u, b->descs, b->index, false);
	b->index = 0;
}

static struct vtd_inv_desc *batch_next(struct gvtd_iommu *u,
				       struct qi_batch *b)
{
	if (b->index == GVTD_QI_MAX_BATCH)
		batch_flush(u, b);
	return &b->descs[b->index++];
}

static unsigned int gvtd_ilog2(u64 n)
{
	return 63 - (unsigned int)__builtin_clzll(n);
}

/* calculate_psi_aligned_address() */
static u64 psi_aligned(u64 start, u64 end, u64 *pages, unsigned int *mask)
{
	u64 pfn = start >> 12, npages = (end >> 12) - pfn + 1;
	unsigned int m = gvtd_ilog2(npages);
	u64 aligned = 1ULL << m;

	if (aligned < npages)
		aligned <<= 1, m++;
	if ((aligned - 1) & pfn) {
		u64 end_pfn = pfn + npages - 1;
		u64 shared = ~(pfn ^ end_pfn) & ~(aligned - 1);

		m = shared ? (unsigned int)__builtin_ctzll(shared) :
			     GVTD_MAX_AGAW_PFN_WIDTH;
		aligned = 1ULL << m;
	}
	*pages = aligned;
	*mask = m;
	return (start & ~0xfffULL) & ~((GVTD_PAGE << m) - 1);
}

/* cache_tag_flush_iotlb() */
static void flush_iotlb_tag(struct gvtd_domain *d, struct gvtd_cache_tag *t,
			    u64 addr, u64 pages, unsigned int mask, bool ih,
			    struct qi_batch *b)
{
	struct gvtd_iommu *u = d->iommu;

	if (d->use_first_level) {
		gvtd_desc_piotlb(batch_next(u, b), t->did, t->pasid, addr,
				 pages, ih);
		return;
	}
	if (!vtd_cap_psi(u->cap) || mask > vtd_cap_mamv(u->cap) ||
	    pages == GVTD_NPAGES_ALL)
		gvtd_desc_iotlb(u, batch_next(u, b), t->did, 0, 0, false,
				VTD_IOTLB_G_DOMAIN);
	else
		gvtd_desc_iotlb(u, batch_next(u, b), t->did, addr, mask, ih,
				VTD_IOTLB_G_PAGE);
}

/* cache_tag_flush_devtlb_psi() */
static void flush_devtlb_tag(struct gvtd_domain *d, struct gvtd_cache_tag *t,
			     u64 addr, unsigned int mask, struct qi_batch *b)
{
	struct gvtd_device *dev = t->dev;
	struct gvtd_iommu *u = d->iommu;

	if (!u->te)
		return;
	if (t->pasid == GVTD_NO_PASID)
		gvtd_desc_devtlb(batch_next(u, b), dev->cfg.rid, dev->pfsid,
				 dev->cfg.ats_qdep, addr, mask);
	else
		gvtd_desc_pdevtlb(batch_next(u, b), dev->cfg.rid, dev->pfsid,
				  t->pasid, dev->cfg.ats_qdep, addr, mask);
}

/* cache_tag_flush_range() */
static void cache_tag_flush_range(struct gvtd_domain *d, u64 start, u64 end,
				  bool ih)
{
	struct qi_batch b = { .index = 0 };
	unsigned int mask;
	u64 pages, addr = psi_aligned(start, end, &pages, &mask);

	for (u32 i = 0; i < d->ntags; i++) {
		struct gvtd_cache_tag *t = &d->tags[i];

		if (t->devtlb)
			flush_devtlb_tag(d, t, addr, mask, &b);
		else
			flush_iotlb_tag(d, t, addr, pages, mask, ih, &b);
	}
	batch_flush(d->iommu, &b);
}

void gvtd_flush_iotlb_all(struct gvtd_domain *d)
{
	struct qi_batch b = { .index = 0 };

	for (u32 i = 0; i < d->ntags; i++) {
		struct gvtd_cache_tag *t = &d->tags[i];

		if (t->devtlb)
			flush_devtlb_tag(d, t, 0, GVTD_MAX_AGAW_PFN_WIDTH, &b);
		else
			flush_iotlb_tag(d, t, 0, GVTD_NPAGES_ALL, 0, false, &b);
	}
	batch_flush(d->iommu, &b);
}

/* cache_tag_flush_range_np(), plus the optional fs_map_flush. */
static void cache_tag_flush_range_np(struct gvtd_domain *d, u64 start, u64 end)
{
	struct gvtd_iommu *u = d->iommu;
	struct qi_batch b = { .index = 0 };
	unsigned int mask;
	u64 pages, addr = psi_aligned(start, end, &pages, &mask);

	for (u32 i = 0; i < d->ntags; i++) {
		struct gvtd_cache_tag *t = &d->tags[i];

		if (!u->cm || d->use_first_level) {
			if (u->cm && u->cfg.fs_map_flush && !t->devtlb)
				flush_iotlb_tag(d, t, addr, pages, mask, false,
						&b);
			else if (vtd_cap_rwbf(u->cap))
				gvtd_writel(u, VTD_GCMD_REG,
					    u->gcmd | VTD_GCMD_WBF);
			continue;
		}
		if (!t->devtlb)
			flush_iotlb_tag(d, t, addr, pages, mask, false, &b);
	}
	batch_flush(u, &b);
}

/* ---- page tables -------------------------------------------------------- */
static u64 table_entry_val(struct gvtd_domain *d, u64 table)
{
	u64 v = table | PTE_READ | PTE_WRITE;

	if (d->use_first_level)
		v |= FL_PTE_US | FL_PTE_ACCESS;
	return v;
}

/* pfn_to_dma_pte(): the entry for @iova at @target (allocating tables). */
static u64 pte_addr(struct gvtd_domain *d, u64 iova, unsigned int target,
		    bool alloc)
{
	struct gvtd_iommu *u = d->iommu;
	u64 table = d->pgd;

	for (unsigned int l = gvtd_domain_levels(d); ; l--) {
		u64 a = table + 8 * (u64)vtd_pt_index(iova, l), e, t;

		if (l == target)
			return a;
		e = gmem_read64(u->mem, a);
		if (!pte_present(e)) {
			if (!alloc || gmem_alloc_page(u->mem, &t))
				return 0;
			d->table_pages++;
			e = table_entry_val(d, t);
			gmem_write64(u->mem, a, e);
		} else if (pte_leaf(e, l)) {
			return alloc ? 0 : a;
		}
		table = e & PTE_ADDR;
	}
}

static unsigned int largepage_level(struct gvtd_domain *d, u64 iova, u64 pa,
				    u64 left)
{
	unsigned int lvl = 1;

	while (lvl <= d->superpage) {
		u64 sz = level_size(lvl + 1);

		if ((iova | pa) & (sz - 1) || left < sz)
			break;
		lvl++;
	}
	return lvl;
}

int gvtd_map(struct gvtd_domain *d, u64 iova, u64 paddr, u64 size, int prot)
{
	struct gvtd_iommu *u = d->iommu;
	u64 attr, max = 1ULL << vtd_aw_bits((unsigned int)d->agaw);
	u64 done = 0;

	if (d->type == GVTD_DOMAIN_IDENTITY)
		return -EINVAL;
	if ((iova | paddr | size) & 0xfff || !size)
		return -EINVAL;
	if (!(prot & (GVTD_PROT_READ | GVTD_PROT_WRITE)))
		return -EINVAL;
	if (iova + size > max || iova + size < iova)
		return -EFAULT;
	/* __domain_mapping() attributes */
	/* prot & (READ | WRITE) | DMA_FL_PTE_PRESENT (bit 0, also SL's R) */
	attr = (prot & GVTD_PROT_READ ? PTE_READ : 0) |
	       (prot & GVTD_PROT_WRITE ? PTE_WRITE : 0) | PTE_READ;
	if (d->use_first_level) {
		attr |= FL_PTE_US | FL_PTE_ACCESS;
		if (prot & GVTD_PROT_WRITE)
			attr |= FL_PTE_DIRTY;
	}
	while (done < size) {
		unsigned int lvl = largepage_level(d, iova + done, paddr + done,
						   size - done);
		u64 a, e, sz = level_size(lvl);

		a = pte_addr(d, iova + done, lvl, true);
		if (!a)
			return -ENOMEM;
		e = gmem_read64(u->mem, a);
		if (pte_present(e)) {
			if (lvl == 1 || pte_leaf(e, lvl))
				return -EBUSY;
			/* switch_to_super_page(): drop the lower table */
			free_table(d, e & PTE_ADDR, lvl - 1);
		}
		gmem_write64(u->mem, a, (paddr + done) | attr |
			     (lvl > 1 ? PTE_LARGE : 0));
		done += sz;
	}
	if (d->max_addr < iova + size)
		d->max_addr = iova + size;
	/* iommu_map() -> ops->iotlb_sync_map() */
	if (d->iotlb_sync_map || (u->cm && d->use_first_level &&
				  u->cfg.fs_map_flush))
		cache_tag_flush_range_np(d, iova, iova + size - 1);
	return 0;
}

u64 gvtd_iova_to_phys(struct gvtd_domain *d, u64 iova)
{
	struct gvtd_iommu *u = d->iommu;
	u64 table = d->pgd;

	if (d->type == GVTD_DOMAIN_IDENTITY)
		return iova;
	for (unsigned int l = gvtd_domain_levels(d); l; l--) {
		u64 e = gmem_read64(u->mem, table + 8 * (u64)vtd_pt_index(iova, l));

		if (!pte_present(e))
			return 0;
		if (pte_leaf(e, l))
			return (e & PTE_ADDR & ~(level_size(l) - 1)) +
			       (iova & (level_size(l) - 1));
		table = e & PTE_ADDR;
	}
	return 0;
}

/*
 * dma_pte_clear_level(): clear [start, last] under @table; a lower table
 * wholly inside the range is freed (*freed set), as domain_unmap() does.
 */
static void clear_level(struct gvtd_domain *d, u64 table, unsigned int level,
			u64 start, u64 last, bool *freed)
{
	struct gvtd_iommu *u = d->iommu;
	u64 sz = level_size(level);
	u64 span = sz * VTD_PT_ENTRIES;
	u64 base = start & ~(span - 1);

	for (u64 a = start & ~(sz - 1); a <= last && a >= base; a += sz) {
		u64 ea = table + 8 * (u64)vtd_pt_index(a, level);
		u64 e = gmem_read64(u->mem, ea);
		u64 lo = a < start ? start : a;
		u64 hi = a + sz - 1 < last ? a + sz - 1 : last;

		if (pte_present(e)) {
			if (pte_leaf(e, level) ||
			    (lo == a && hi == a + sz - 1)) {
				if (!pte_leaf(e, level)) {
					free_table(d, e & PTE_ADDR, level - 1);
					*freed = true;
				}
				gmem_write64(u->mem, ea, 0);
			} else {
				clear_level(d, e & PTE_ADDR, level - 1, lo, hi,
					    freed);
			}
		}
		if (a + sz < a)
			break;
	}
}

u64 gvtd_unmap(struct gvtd_domain *d, u64 iova, u64 size)
{
	struct gvtd_iommu *u = d->iommu;
	unsigned int levels = gvtd_domain_levels(d), level = 0;
	u64 table = d->pgd, last;
	bool freed = false;

	if (d->type == GVTD_DOMAIN_IDENTITY || !size)
		return 0;
	/* pfn_to_dma_pte(level 0): the level where the walk stops */
	for (unsigned int l = levels; l; l--) {
		u64 e = gmem_read64(u->mem, table + 8 * (u64)vtd_pt_index(iova, l));

		level = l;
		if (!pte_present(e) || pte_leaf(e, l))
			break;
		table = e & PTE_ADDR;
	}
	if (level > 1 && size < level_size(level))
		size = level_size(level);
	last = iova + size - 1;
	clear_level(d, d->pgd, levels, iova, last, &freed);
	if (d->max_addr == iova + size)
		d->max_addr = iova;
	/* intel_iommu_tlb_sync(): ih = list_empty(&gather->freelist) */
	cache_tag_flush_range(d, iova, last, !freed);
	return size;
}

/* ---- attach ------------------------------------------------------------- */
/* domain_setup_first_level() */
static int domain_setup_first_level(struct gvtd_domain *d,
				    struct gvtd_device *dev, u32 pasid)
{
	int flags = 0, level = d->agaw + 2;

	if (level != 4 && level != 5)
		return -EINVAL;
	if (level == 5)
		flags |= GVTD_PASID_FLAG_FL5LP;
	return gvtd_pasid_setup_first_level(d->iommu, dev, d->pgd, pasid,
					    d->did, flags);
}

static int domain_setup(struct gvtd_domain *d, struct gvtd_device *dev,
			u32 pasid)
{
	if (d->type == GVTD_DOMAIN_IDENTITY)
		return gvtd_pasid_setup_pass_through(d->iommu, dev, pasid);
	if (d->use_first_level)
		return domain_setup_first_level(d, dev, pasid);
	return gvtd_pasid_setup_second_level(d->iommu, d, dev, pasid);
}

/* device_block_translation(): RID_PASID entry torn down, domain dropped. */
static void device_block_translation(struct gvtd_device *dev)
{
	struct gvtd_domain *d = dev->domain;

	if (!d && !dev->rid_identity)
		return;
	gvtd_pasid_tear_down_entry(dev->iommu, dev, GVTD_NO_PASID, false);
	if (d) {
		cache_tag_unassign_domain(d, dev, GVTD_NO_PASID);
		domain_detach_iommu(d);
	}
	dev->domain = NULL;
	dev->rid_identity = false;
}

int gvtd_attach_dev(struct gvtd_domain *d, struct gvtd_device *dev)
{
	struct gvtd_iommu *u = dev->iommu;
	int ret;

	if (d->iommu != u)
		return -EINVAL;
	device_block_translation(dev);
	if (d->type == GVTD_DOMAIN_IDENTITY) {
		ret = gvtd_pasid_setup_pass_through(u, dev, GVTD_NO_PASID);
		if (!ret) {
			dev->rid_identity = true;
			dev->ats_enabled = dev->ats_supported;
		}
		return ret;
	}
	/* prepare_domain_attach_device(): width check */
	if (d->max_addr > (1ULL << vtd_aw_bits((unsigned int)u->agaw)))
		return -EINVAL;
	ret = domain_attach_iommu(d);
	if (ret)
		return ret;
	dev->domain = d;
	ret = domain_setup(d, dev, GVTD_NO_PASID);
	if (ret)
		goto err;
	dev->ats_enabled = dev->ats_supported;	/* iommu_enable_pci_caps() */
	ret = cache_tag_assign_domain(d, dev, GVTD_NO_PASID);
	if (ret)
		goto err;
	/* domain_need_iotlb_sync_map() */
	if ((u->cm && !d->use_first_level) || vtd_cap_rwbf(u->cap))
		d->iotlb_sync_map = true;
	return 0;
err:
	device_block_translation(dev);
	return ret;
}

struct gvtd_pasid_handle *gvtd_pasid_array_find(struct gvtd_device *dev,
						u32 pasid)
{
	for (u32 i = 0; i < dev->npasid; i++)
		if (dev->pasid_array[i].pasid == pasid)
			return &dev->pasid_array[i];
	return NULL;
}

int gvtd_attach_dev_pasid(struct gvtd_domain *d, struct gvtd_device *dev,
			  u32 pasid, struct gvtd_attach_handle *handle)
{
	struct gvtd_iommu *u = dev->iommu;
	int ret;

	/* iommu_attach_device_pasid() */
	if (d->iommu != u || pasid == GVTD_NO_PASID)
		return -EINVAL;
	if (dev->max_pasids && pasid >= dev->max_pasids)
		return -EINVAL;
	if (gvtd_pasid_array_find(dev, pasid))
		return -EBUSY;
	/* intel_iommu_set_dev_pasid() */
	if (!u->pasid || !dev->pasid_supported)
		return -EOPNOTSUPP;
	if (dev->npasid == dev->pasid_cap) {
		u32 cap = dev->pasid_cap ? 2 * dev->pasid_cap : 8;
		struct gvtd_pasid_handle *n =
			realloc(dev->pasid_array, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		dev->pasid_array = n;
		dev->pasid_cap = cap;
	}
	if (d->type != GVTD_DOMAIN_IDENTITY) {
		ret = domain_attach_iommu(d);
		if (ret)
			return ret;
		ret = cache_tag_assign_domain(d, dev, pasid);
		if (ret) {
			domain_detach_iommu(d);
			return ret;
		}
	}
	ret = domain_setup(d, dev, pasid);
	if (ret) {
		if (d->type != GVTD_DOMAIN_IDENTITY) {
			cache_tag_unassign_domain(d, dev, pasid);
			domain_detach_iommu(d);
		}
		return ret;
	}
	if (handle)
		handle->domain = d;
	dev->pasid_array[dev->npasid++] = (struct gvtd_pasid_handle){
		.pasid = pasid, .domain = d, .handle = handle,
	};
	return 0;
}

void gvtd_detach_dev_pasid(struct gvtd_domain *d, struct gvtd_device *dev,
			   u32 pasid)
{
	struct gvtd_pasid_handle *h = gvtd_pasid_array_find(dev, pasid);

	if (!h || h->domain != d)
		return;
	*h = dev->pasid_array[--dev->npasid];
	/* intel_iommu_remove_dev_pasid() */
	if (d->type != GVTD_DOMAIN_IDENTITY) {
		cache_tag_unassign_domain(d, dev, pasid);
		domain_detach_iommu(d);
	}
	gvtd_pasid_tear_down_entry(dev->iommu, dev, pasid, false);
}
