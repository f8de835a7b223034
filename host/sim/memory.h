/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host physical memory of the simulated machine, and the VMs whose
 * guest-physical space it backs.
 *
 * Memory is sparse and page-granular: a host page exists once allocated and
 * is accounted (live and peak pages).  Each VM maps its guest-physical pages
 * to host pages twice, as KVM and the host IOMMU driver would: a GPA->HPA
 * map that the CPU side (and the vIOMMU reading guest tables) uses, and a
 * second-stage page table in host memory (the VM's pass-through domain) that
 * the physical IOMMU walks.  The set of host pages a VM owns is the
 * isolation oracle: a device DMA on behalf of that VM must land in it.
 *
 * Address spaces for vsva_mem: VSVA_AS_HPA (0) is host-physical; a VM's
 * guest-physical space is named by the VM's id (1, 2, ...).
 */
#ifndef _HOST_SIM_MEMORY_H
#define _HOST_SIM_MEMORY_H

#include "sim.h"
#include "mem.h"	/* vsva/mem.h (searched via -Ivsva) */

#define SIM_PAGE_SIZE	4096ULL

struct sim_vm;

struct sim_mem_stats {
	u64 pages_live;
	u64 pages_peak;
	u64 pages_freed;
	u64 reads, writes;	/* accesses (byte ranges and vsva qwords) */
	u64 cmpxchgs;		/* vsva cmpxchg64 calls */
	u64 bad_accesses;	/* accesses to unbacked memory */
};

struct sim_mem;

/* @limit_pages: most host pages that may be live at once (0: no limit). */
struct sim_mem *sim_mem_create(struct sim *s, u64 limit_pages);
void sim_mem_destroy(struct sim_mem *m);

/*
 * A fresh zeroed host page; -ENOMEM at the limit.  Host-physical addresses
 * start at 1 MiB; freed pages are reused, the most recently freed first.
 */
int sim_mem_alloc_page(struct sim_mem *m, u64 *hpa);
void sim_mem_free_page(struct sim_mem *m, u64 hpa);
/*
 * @npages physically contiguous zeroed pages starting at a multiple of
 * 2^@align_lg2 bytes (>= 12): queues, 2M/1G second-stage pages.  Free them
 * with sim_mem_free_run() or page by page.
 */
int sim_mem_alloc_run(struct sim_mem *m, u64 npages, u8 align_lg2, u64 *hpa);
void sim_mem_free_run(struct sim_mem *m, u64 hpa, u64 npages);
bool sim_mem_backed(const struct sim_mem *m, u64 hpa);
/* Id of the VM whose RAM page @hpa is; 0 for host pages and unbacked ones. */
u32 sim_mem_owner(const struct sim_mem *m, u64 hpa);
/* The 4 KiB backing a host page, NULL if unbacked. */
void *sim_mem_page(struct sim_mem *m, u64 hpa);
/*
 * Byte copies within one address space (VSVA_AS_HPA or a VM id), across
 * page boundaries; -EFAULT (and nothing copied) if any byte is unbacked.
 */
int sim_mem_read(struct sim_mem *m, u32 as, u64 addr, void *buf, u64 len);
int sim_mem_write(struct sim_mem *m, u32 as, u64 addr, const void *buf,
		  u64 len);
const struct sim_mem_stats *sim_mem_stats(const struct sim_mem *m);
/* vsva view of the memory: every address space above. */
struct vsva_mem sim_mem_vsva(struct sim_mem *m);

/* ---------------------------------------------------------------- */
/* VMs                                                              */
/* ---------------------------------------------------------------- */
struct sim_vm_cfg {
	const char *name;
	u64 ram_bytes;		/* guest-physical RAM [0, ram_bytes) */
	/*
	 * false: every RAM page is backed and mapped at creation.
	 * true: pages are backed on first touch (sim_vm_populate), e.g.
	 * by the host resolving a second-stage page request.
	 */
	bool lazy;
	u8 ss_levels;		/* second-stage levels, 4 (default) or 5 */
	u8 ss_page_lg2;		/* pages mapped as 12 (default), 21 or 30 */
};

/*
 * A VM on s->mem (create that first): id = lowest free of 1..SIM_MAX_VMS.
 * RAM is mapped with the largest page size up to ss_page_lg2 whose aligned
 * unit lies inside RAM and can be backed (a 2M unit by 512 contiguous,
 * 2M-aligned host pages), 4K otherwise.  NULL on a bad config or no memory.
 */
struct sim_vm *sim_vm_create(struct sim *s, const struct sim_vm_cfg *cfg);
/* Unmaps and frees every page the VM owns, and its tables. */
void sim_vm_destroy(struct sim_vm *vm);
u32 sim_vm_id(const struct sim_vm *vm);	/* also its address-space id */
const char *sim_vm_name(const struct sim_vm *vm);
struct sim_vm *sim_vm_by_id(struct sim *s, u32 id);
/* Host-physical root of the VM's second-stage table, and its levels. */
u64 sim_vm_ss_root(const struct sim_vm *vm);
u8 sim_vm_ss_levels(const struct sim_vm *vm);
/* GPA -> HPA through the CPU-side map; -EFAULT if not populated. */
int sim_vm_gpa_to_hpa(const struct sim_vm *vm, u64 gpa, u64 *hpa);
/* The same, also giving the size of the mapping (12, 21, 30). */
int sim_vm_lookup(const struct sim_vm *vm, u64 gpa, u64 *hpa, u8 *size_lg2);
/*
 * Back @gpa (in RAM) with fresh pages in both maps, as a unit of the size
 * sim_vm_create() would choose; 0 if already backed, -EINVAL outside RAM.
 */
int sim_vm_populate(struct sim_vm *vm, u64 gpa);
/*
 * Remove the unit (4K, 2M or 1G) holding @gpa from both maps and free its
 * pages; -ENOENT if not populated.  Invalidating IOTLBs is the caller's job.
 */
int sim_vm_unpopulate(struct sim_vm *vm, u64 gpa);
bool sim_vm_in_ram(const struct sim_vm *vm, u64 gpa);
u64 sim_vm_pages(const struct sim_vm *vm);	/* populated RAM pages */
u64 sim_vm_table_pages(const struct sim_vm *vm);	/* SS table pages */

/*
 * The isolation oracle.  sim_vm_owns() says whether @hpa is one of the
 * VM's RAM pages.  sim_oracle_check() is what device models call on every
 * DMA access: it counts (and traces, and with oracle_fatal aborts on) an
 * access outside the VM's pages.
 */
bool sim_vm_owns(const struct sim_vm *vm, u64 hpa);
bool sim_oracle_check(struct sim *s, const struct sim_vm *vm, u64 hpa,
		      const char *who);

/*
 * Test hook, for negative tests of the oracle: map @gpa to a host page the
 * VM does not own, in the second-stage table only (the CPU-side map keeps
 * the right page).  @gpa must be populated with a 4K page (-ENOENT,
 * -EOPNOTSUPP otherwise).
 */
int sim_vm_corrupt_ss(struct sim_vm *vm, u64 gpa, u64 foreign_hpa);

#endif /* _HOST_SIM_MEMORY_H */
