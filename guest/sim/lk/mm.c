// SPDX-License-Identifier: GPL-2.0
/*
 * lk memory: the FLATMEM mem_map (one struct page per L1 RAM page), the
 * direct map of L1 RAM, coherent and streaming DMA for the PF's RID, and
 * io_remap_pfn_range.
 *
 * The direct map of an L1 page is the 4 KiB host buffer that backs it in
 * the sim (GPA -> HPA through the VM's CPU-side map, then the host page).
 * Neighbouring L1 pages are separate host buffers, so a direct-map pointer
 * is only good up to the end of its page; every copy here goes page by
 * page.  A page of a lazy VM gets its backing on the first CPU touch, as
 * the host's EPT fault handler would give it.
 */
#include "lk_internal.h"
#include "gmem.h"
#include "memory.h"

static struct page *mem_map;
static unsigned long mem_map_pages;

int lk_mm_init(void)
{
	mem_map_pages = lk_cfg.vm ? lk_cfg.ram_bytes >> PAGE_SHIFT : 0;
	if (!mem_map_pages)
		return 0;
	mem_map = calloc(mem_map_pages, sizeof(*mem_map));
	if (!mem_map) {
		mem_map_pages = 0;
		return -ENOMEM;
	}
	for (unsigned long i = 0; i < mem_map_pages; i++)
		mem_map[i].lk_pfn = i;
	return 0;
}

void lk_mm_fini(void)
{
	free(mem_map);
	mem_map = NULL;
	mem_map_pages = 0;
}

phys_addr_t page_to_phys(const struct page *page)
{
	return (phys_addr_t)page->lk_pfn << PAGE_SHIFT;
}

unsigned long page_to_pfn(const struct page *page)
{
	return page->lk_pfn;
}

/* Outside mem_map Linux would hand out a wild pointer: a WARN and NULL. */
struct page *pfn_to_page(unsigned long pfn)
{
	if (WARN_ON(pfn >= mem_map_pages))
		return NULL;
	return &mem_map[pfn];
}

bool lk_phys_is_ram(phys_addr_t pa)
{
	return (pa >> PAGE_SHIFT) < mem_map_pages &&
	       sim_vm_in_ram(lk_cfg.vm, pa);
}

void *lk_phys_ptr(phys_addr_t pa)
{
	u8 *page;
	u64 hpa;

	if (!lk_phys_is_ram(pa))
		return NULL;
	if (sim_vm_gpa_to_hpa(lk_cfg.vm, pa, &hpa)) {
		/* The CPU touches a lazy page: the host backs it. */
		if (sim_vm_populate(lk_cfg.vm, pa) ||
		    sim_vm_gpa_to_hpa(lk_cfg.vm, pa, &hpa))
			return NULL;
	}
	page = sim_mem_page(lk_cfg.s->mem, hpa & PAGE_MASK);
	return page ? page + (pa & ~PAGE_MASK) : NULL;
}

static int phys_copy(phys_addr_t pa, void *buf, size_t len, bool write)
{
	u8 *b = buf;

	if (pa + len < pa)
		return -EFAULT;
	while (len) {
		size_t n = min_t(size_t, len, PAGE_SIZE - (pa & ~PAGE_MASK));
		u8 *p = lk_phys_ptr(pa);

		if (!p)
			return -EFAULT;
		if (write)
			memcpy(p, b, n);
		else
			memcpy(b, p, n);
		pa += n;
		b += n;
		len -= n;
	}
	return 0;
}

int lk_phys_read(phys_addr_t pa, void *buf, size_t len)
{
	return phys_copy(pa, buf, len, false);
}

int lk_phys_write(phys_addr_t pa, const void *buf, size_t len)
{
	return phys_copy(pa, (void *)buf, len, true);
}

void *kmap_local_page(struct page *page)
{
	return lk_phys_ptr(page_to_phys(page));
}

void kunmap_local(const void *addr)
{
}

/*
 * Only PAGE_SIZE and below: the direct map of two neighbouring L1 pages is
 * not contiguous in the simulator's memory, so a larger buffer could not
 * be handed out through one CPU pointer.  Bigger requests are a WARN.
 */
void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *handle,
			 gfp_t gfp)
{
	struct gmem *g = lk_cfg.mem;
	u64 pa;
	void *p;

	if (WARN_ON(!size || size > PAGE_SIZE) ||
	    WARN_ON(!g || g->vm != lk_cfg.vm))
		return NULL;
	if (gmem_alloc_page(g, &pa))
		return NULL;
	p = lk_phys_ptr(pa);
	if (WARN_ON(!p)) {
		gmem_free_page(g, pa);
		return NULL;
	}
	*handle = pa;
	return p;
}

void dma_free_coherent(struct device *dev, size_t size, void *cpu_addr,
		       dma_addr_t handle)
{
	struct gmem *g = lk_cfg.mem;
	u64 i;

	if (!cpu_addr || WARN_ON(!g))
		return;
	/* Only what dma_alloc_coherent gave out, and only once. */
	i = (handle - g->base) >> PAGE_SHIFT;
	if (WARN_ON(handle < g->base || i >= g->npages || !g->used[i] ||
		    handle & ~PAGE_MASK || lk_phys_ptr(handle) != cpu_addr))
		return;
	gmem_free_page(g, handle);
}

int dma_set_mask_and_coherent(struct device *dev, u64 mask)
{
	/* dma_direct_supported(): at least ZONE_DMA (24 bits) reachable. */
	return mask < DMA_BIT_MASK(24) ? -EIO : 0;
}

/* The PF's RID runs in identity (passthrough) in L1: DMA address = PA. */
dma_addr_t dma_map_page(struct device *dev, struct page *page, size_t offset,
			size_t size, enum dma_data_direction dir)
{
	phys_addr_t pa;

	if (WARN_ON(!page || dir == DMA_NONE))
		return DMA_MAPPING_ERROR;
	/* Pages are physically contiguous: the range may run on, in RAM. */
	pa = page_to_phys(page) + offset;
	if (WARN_ON(!size || !lk_phys_is_ram(pa + size - 1)))
		return DMA_MAPPING_ERROR;
	return pa;
}

void dma_unmap_page(struct device *dev, dma_addr_t addr, size_t size,
		    enum dma_data_direction dir)
{
	WARN_ON(!lk_phys_is_ram(addr));
}

/*
 * Only device memory (a BAR) may be remapped; RAM goes through pages.  The
 * vma records one pfn, so the range must be the whole vma (what drivers
 * remapping a BAR page do).
 */
int io_remap_pfn_range(struct vm_area_struct *vma, unsigned long addr,
		       unsigned long pfn, unsigned long size, pgprot_t prot)
{
	if (!size || (addr | size) & ~PAGE_MASK || addr != vma->vm_start ||
	    size != vma->vm_end - vma->vm_start)
		return -EINVAL;
	for (unsigned long i = 0; i < size >> PAGE_SHIFT; i++)
		if (!lk_phys_is_iomem((phys_addr_t)(pfn + i) << PAGE_SHIFT))
			return -EINVAL;
	vma->vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP;
	vma->vm_page_prot = prot;
	vma->lk_pfn = pfn;
	vma->lk_mapped = true;
	return 0;
}
