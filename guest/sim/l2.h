/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An L2 VM and its driver for a nested mdev.  The VM is what QEMU in L1
 * would be: its RAM is a window of L1 RAM (l1_alloc_l2_ram), registered
 * in a VFIO type1 container as IOVA = L2 GPA (VFIO_IOMMU_MAP_DMA, nothing
 * pinned); each assigned nested mdev is a VFIO device fd.  The driver
 * inside the VM is the L2 guest's: it reads the device through config
 * space and BAR0 (trapped: each access costs the nested exit), takes
 * MSI-X through eventfds, and submits 64-byte descriptors to its portal,
 * an mmap of BAR2 when the region allows it (hardware-assisted mode) or a
 * trapped write otherwise (software mediation).
 */
#ifndef _GUEST_SIM_L2_H
#define _GUEST_SIM_L2_H

#include <nestmed/siov.h>

#include "l1.h"

#define L2_MAX_DEVS	8

struct l2_vm;

struct l2_dev_stats {
	u64 ops, bytes, errors;		/* descriptors completed, bytes moved */
	u64 irqs;			/* completion interrupts seen */
	u64 retries;			/* portal refused (WQ full): resubmitted */
};

struct l2_dev {
	struct l2_vm *vm;
	char uuid[40];
	struct lk_vfio_fd *fd;
	struct vm_area_struct *portal;	/* NULL: trapped portal (sw mode) */
	u64 bar2_off;			/* VFIO region offset of BAR2 */
	u64 bar0_off, cfg_off;
	int efd[2];			/* MSI-X 0 (device), 1 (WQ) */
	u32 wq_size;
	bool bof;			/* block-on-fault enabled */
	bool closed;			/* the kernel asked for it back */
	u64 cr_ring;			/* l2_stream's records (L2 GPA) */
	struct l2_dev_stats st;
};

struct l2_vm {
	struct l1 *m;
	char name[32];
	u64 ram_l1;			/* L1 physical base of its RAM */
	u64 ram_bytes;
	struct lk_vfio_container *c;
	struct l2_dev *devs[L2_MAX_DEVS];
	u32 ndevs;
	u64 next;			/* bump allocator for l2_alloc */
};

/* The VM and its container (all RAM mapped read/write, nothing pinned). */
struct l2_vm *l2_vm_create(struct l1 *m, const char *name, u64 ram_bytes);
/* L2 exits: devices closed, DMA unmapped, container gone. */
void l2_vm_destroy(struct l2_vm *vm);

/* L2 RAM: a page-aligned buffer (L2 GPA), CPU accesses. */
u64 l2_alloc(struct l2_vm *vm, u64 bytes);
int l2_write(struct l2_vm *vm, u64 gpa, const void *buf, u64 len);
int l2_read(struct l2_vm *vm, u64 gpa, void *buf, u64 len);
int l2_fill(struct l2_vm *vm, u64 gpa, u64 len, u8 seed);	/* pattern */
bool l2_check(struct l2_vm *vm, u64 gpa, u64 len, u8 seed);

/*
 * Open the nested mdev @uuid and bring it up as the L2 driver does:
 * device info, config space identity check, bus master, MSI-X eventfds,
 * device enable, WQ 0 configured (@bof: block on fault, for demand
 * pinning, if GENCAP offers it -- not in software mode; d->bof says) and
 * enabled, portal mmap'ed when the region has VFIO_REGION_INFO_FLAG_MMAP.
 */
int l2_dev_attach(struct l2_vm *vm, const char *uuid, bool bof,
		  struct l2_dev **out);
/* Driver unload + close of the fd (also called when the kernel asks). */
void l2_dev_detach(struct l2_dev *d);

/* One descriptor to the portal (mmap'ed store or trapped write). */
int l2_submit(struct l2_dev *d, const struct siov_desc *desc);
/*
 * MEMMOVE [src, + len) -> [dst, + len) (L2 GPAs) with a completion record
 * at @cr (L2 GPA, 32-byte aligned); runs the machine until the record is
 * written.  Returns the CR status (SIOV_CS_SUCCESS, ...) or -errno.
 */
int l2_memmove(struct l2_dev *d, u64 src, u64 dst, u32 len, u64 cr);
/*
 * @n MEMMOVEs of @len bytes kept in flight up to the WQ size, the way a
 * throughput benchmark drives the device; all data verified.  Returns
 * the number that completed successfully; *@ns the simulated time taken.
 */
long l2_stream(struct l2_dev *d, u64 src, u64 dst, u32 len, u32 n, u64 *ns);
/*
 * The same, descriptor i moving [src + o, + len) -> [dst + o, + len) with
 * o = i * len mod @span: a sweep over @span bytes of each buffer, so that
 * translations miss the device TLB (and, for large spans, the IOMMU's).
 */
long l2_stream_span(struct l2_dev *d, u64 src, u64 dst, u32 len, u64 span,
		    u32 n, u64 *ns);

#endif /* _GUEST_SIM_L2_H */
