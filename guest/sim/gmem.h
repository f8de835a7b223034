/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page allocator for the L1 guest driver model: the memory a guest kernel
 * would get from alloc_pages() for IOMMU structures (root/context/PASID
 * tables, page tables, the invalidation and page request queues).
 *
 * Two backings, chosen at init:
 *   - a VM: pages are carved out of [base, base + size) of the VM's
 *     guest-physical RAM, addresses are GPAs, accesses go to address space
 *     sim_vm_id(vm).  This is what the vIOMMU reads.
 *   - the host: pages come from sim_mem_alloc_run(), addresses are HPAs
 *     (VSVA_AS_HPA).  This is what the simulated physical unit reads, so
 *     the same driver model can be tested against it.
 * Runs of 2^order pages are aligned to their size, as the buddy
 * allocator's are (queues rely on it).  Pages come back zeroed.
 */
#ifndef _GUEST_SIM_GMEM_H
#define _GUEST_SIM_GMEM_H

#include "memory.h"	/* host/sim/memory.h */

struct gmem {
	struct sim_mem *m;
	struct sim_vm *vm;	/* NULL: host backing */
	u32 as;			/* address space of every address below */
	u64 base, npages;	/* VM backing: the carved range */
	u8 *used;		/* VM backing: one byte per page */
	u64 pages_live, pages_peak, allocs, frees;
	u64 fail_after;		/* fault injection: fail the Nth alloc (0 off) */
};

/* VM backing over [@base, @base + @size) of @vm's RAM (page aligned). */
int gmem_init_vm(struct gmem *g, struct sim_mem *m, struct sim_vm *vm,
		 u64 base, u64 size);
/* Host backing: pages from @m's host-physical memory. */
int gmem_init_host(struct gmem *g, struct sim_mem *m);
/* Frees the bookkeeping (host backing: pages still live are not freed). */
void gmem_fini(struct gmem *g);

/* 2^@order zeroed contiguous pages aligned to their size; -ENOMEM. */
int gmem_alloc_pages(struct gmem *g, unsigned int order, u64 *addr);
void gmem_free_pages(struct gmem *g, u64 addr, unsigned int order);
static inline int gmem_alloc_page(struct gmem *g, u64 *addr)
{
	return gmem_alloc_pages(g, 0, addr);
}
static inline void gmem_free_page(struct gmem *g, u64 addr)
{
	gmem_free_pages(g, addr, 0);
}

/* CPU accesses to the allocated memory; -EFAULT if not backed. */
int gmem_read(struct gmem *g, u64 addr, void *buf, u64 len);
int gmem_write(struct gmem *g, u64 addr, const void *buf, u64 len);
u64 gmem_read64(struct gmem *g, u64 addr);
void gmem_write64(struct gmem *g, u64 addr, u64 val);
u32 gmem_read32(struct gmem *g, u64 addr);
void gmem_write32(struct gmem *g, u64 addr, u32 val);
/* Zero [@addr, @addr + @len). */
int gmem_zero(struct gmem *g, u64 addr, u64 len);

#endif /* _GUEST_SIM_GMEM_H */
