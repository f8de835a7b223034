/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lk: what the parts of the simulated L1 kernel share.  Files:
 *   core.c    printk/dmesg, WARN, stats, lk_init/lk_fini, module params,
 *             slab accounting, user copies, devres, device names
 *   lib.c     bitmaps, xarray
 *   sched.c   simulated time, locks, workqueues
 *   fs.c      sysfs registry + sysfs_emit, debugfs + seq_file, eventfd
 *   pci.c     PCI core, config space, MMIO routing, MSI-X and irqs, DMA
 *   mm.c      mem_map (struct page), direct map, io_remap_pfn_range
 *   iommu.c   IOMMU API and iopf groups on the L1 intel-iommu model
 *   mdev.c    mdev core (parents, types, sysfs create/remove)
 *   vfio.c    VFIO core, emulated-IOMMU devices, the type1 container,
 *             the user interface (lk_vfio_*)
 */
#ifndef _GUEST_SIM_LK_INTERNAL_H
#define _GUEST_SIM_LK_INTERNAL_H

#include <lk/linux.h>

#include "lk.h"

/* core.c: the configuration lk_init() was given (defaults applied). */
extern struct lk_cfg lk_cfg;
extern struct lk_stats lk_st;
/* true between lk_init and lk_fini */
extern bool lk_up;

/* Per-part setup and teardown, called by lk_init / lk_fini in this order. */
int lk_sched_init(void);
void lk_sched_fini(void);
int lk_fs_init(void);
void lk_fs_fini(void);
int lk_mm_init(void);
void lk_mm_fini(void);
int lk_pci_init(void);
void lk_pci_fini(void);
int lk_iommu_init(void);
void lk_iommu_fini(void);
int lk_mdev_init(void);
void lk_mdev_fini(void);
int lk_vfio_init(void);
void lk_vfio_fini(void);

/*
 * core.c: the core alone (printk, slab, devres, params, sched, fs) on @s,
 * without mm/pci/iommu/mdev/vfio: for the suites of tests/lk that test the
 * core before the machine exists.  Not with lk_init.
 */
int lk_core_init_for_test(struct sim *s);
void lk_core_fini_for_test(void);
/* Fault injection: the n-th kmalloc from now fails (1: the next); 0: off. */
extern unsigned long lk_kmalloc_fail_nth;

/* core.c: devices */
void lk_device_init(struct device *dev, struct device *parent, void *owner);
/* Runs and frees every devres entry of @dev, newest first. */
void lk_devres_release_all(struct device *dev);

/* fs.c: the sysfs tree.  Paths are absolute ("/sys/..."). */
typedef ssize_t (*lk_show_fn)(void *ctx, char *buf);	/* buf: PAGE_SIZE */
typedef int (*lk_store_fn)(void *ctx, const char *buf, size_t len);
/* A file (and its parent directories); -EEXIST if present. */
int lk_sysfs_add(const char *path, lk_show_fn show, lk_store_fn store,
		 void *ctx);
/* An empty directory (lk_sysfs_list shows it). */
int lk_sysfs_mkdir(const char *path);
/* @path and everything below it. */
void lk_sysfs_remove(const char *path);
/* The driver's attribute groups of @dev under @dir ("<dir>/<group>/<attr>"). */
int lk_sysfs_add_groups(const char *dir, struct device *dev,
			const struct attribute_group **groups);

/* mm.c: L1 physical memory (RAM only). */
bool lk_phys_is_ram(phys_addr_t pa);
/* Direct map of the page holding @pa (populated if lazy); NULL if not RAM. */
void *lk_phys_ptr(phys_addr_t pa);
/* CPU copies across pages; -EFAULT outside RAM. */
int lk_phys_read(phys_addr_t pa, void *buf, size_t len);
int lk_phys_write(phys_addr_t pa, const void *buf, size_t len);

/*
 * iommu.c: the IOMMU side of a PCI device (dev->iommu from the L1 IOMMU
 * model's device), set up at lk_pci_add and torn down at lk_pci_remove.
 */
int lk_iommu_probe_device(struct device *dev, struct gvtd_device *gd);
void lk_iommu_release_device(struct device *dev);

/* pci.c: a CPU store to L1 physical MMIO (a BAR), as lk_vma_write needs. */
int lk_iomem_store(phys_addr_t pa, const void *data, unsigned int len);
bool lk_phys_is_iomem(phys_addr_t pa);

#endif /* _GUEST_SIM_LK_INTERNAL_H */
