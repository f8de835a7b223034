/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lk: the machine side of the simulated L1 kernel (guest/sim/include/lk/
 * linux.h is the driver side).  What a booted Linux 6.12 L1 offers around
 * a driver: the PCI core enumerating a device and binding drivers, module
 * load/unload with parameters, sysfs and debugfs files, and the VFIO user
 * interface an L2 VMM (QEMU) uses: a type1 container, device fds with
 * pread/pwrite/ioctl/mmap, eventfds.
 *
 * This header does not include the Linux API: callers (guest/sim/l1.c,
 * l2.c, tests, the CLI) see opaque pointers.  One L1 kernel exists at a
 * time (lk_init .. lk_fini): the driver API has no context argument.
 *
 * Time: everything runs on the sim's loop.  A trapped access of the L2 VMM
 * (lk_vfio_pread/pwrite/ioctl, not lk_vma_write on an mmap'ed portal)
 * costs cfg.trap_ns of simulated time before it runs: the nested exit
 * (L2 -> L0 -> L1 KVM -> QEMU) and the return.
 */
#ifndef _GUEST_SIM_LK_H
#define _GUEST_SIM_LK_H

#include <stdio.h>
#include <sys/types.h>

#include <nestmed/compat.h>

struct sim;
struct sim_vm;
struct gmem;
struct gvtd_iommu;
struct gvtd_device;
struct pci_dev;
struct vm_area_struct;

#define LK_DEFAULT_WORK_NS	2000	/* queue_work -> the work runs */
#define LK_DEFAULT_TRAP_NS	10000	/* one trapped L2 access */

struct lk_cfg {
	struct sim *s;
	/*
	 * L1 RAM: struct page for every GPA in [0, ram_bytes), the direct map
	 * (kmap_local_page, dma_alloc_coherent) through the VM's memory
	 * (pages of a lazy VM are populated on first CPU touch, as a host
	 * EPT fault would), kernel pages from @mem (dma_alloc_coherent).
	 */
	struct sim_vm *vm;
	u64 ram_bytes;
	struct gmem *mem;
	/* The L1 IOMMU driver (NULL: devices are not behind an IOMMU). */
	struct gvtd_iommu *iommu;
	u64 work_ns;		/* 0: LK_DEFAULT_WORK_NS */
	u64 trap_ns;		/* 0: LK_DEFAULT_TRAP_NS */
	FILE *log;		/* printk (NULL: counted only) */
	int loglevel;		/* print levels <= this (0: 6, KERN_INFO) */
};

int lk_init(const struct lk_cfg *cfg);
/*
 * The L1 kernel goes away.  Bound drivers must have been unloaded; what
 * is still live (allocations, irqs, work, pins) is counted in lk_stats as
 * leaks, then freed.
 */
void lk_fini(void);

struct lk_stats {
	u64 warns;		/* WARN_ON that fired */
	u64 lock_errors;	/* mutex/spinlock misuse */
	u64 printk[8];		/* by level */
	u64 kmalloc_live, kmalloc_total;
	u64 devres_live;
	u64 irqs_live;		/* request_irq without free_irq */
	u64 irqs_delivered, irqs_spurious;
	u64 works_queued, works_run;
	u64 mmio_reads, mmio_writes, mmio_bad;
	u64 portal_writes, portal_refused;
	u64 pins_live, pins_total, unpins_total;
	u64 pin_refused;	/* vfio_pin_pages outside the container */
	u64 unmap_pin_leaks;	/* pages still pinned after ops->dma_unmap */
	u64 traps;		/* trapped L2 VMM accesses */
	u64 iopf_groups, iopf_responses;
	u64 domains_live, pasids_live;
	u64 leaks;		/* at lk_fini: objects still live */
};
const struct lk_stats *lk_stats(void);
/* Fault injection: the @nth kmalloc from now fails (0: off), once. */
void lk_inject_kmalloc_failure(unsigned long nth);
/* The L1's kernel log (last @len bytes kept); for tests and reports. */
const char *lk_dmesg(void);

/* ---- PCI ---------------------------------------------------------- */
struct lk_pci_ops {
	u32 (*cfg_read)(void *ctx, u32 off, unsigned int size);
	void (*cfg_write)(void *ctx, u32 off, unsigned int size, u32 val);
	u64 (*mmio_read)(void *ctx, unsigned int bar, u64 off,
			 unsigned int size);
	void (*mmio_write)(void *ctx, unsigned int bar, u64 off,
			   unsigned int size, u64 val);
	/* One 64-byte direct store (MOVDIR64B); 0 or the device's refusal. */
	int (*portal_write)(void *ctx, unsigned int bar, u64 off,
			    const void *data, unsigned int len);
};

struct lk_pci_dev_cfg {
	u8 bus, devfn;
	u64 bar_addr[6], bar_len[6];	/* L1 physical; len 0: absent */
	const struct lk_pci_ops *ops;
	void *ctx;
	struct gvtd_device *iommu_dev;	/* NULL: not behind the IOMMU */
	/* MSI-X vector n is programmed as data msi_base + n, 0xfee00000. */
	u32 msi_base;
};
/*
 * Enumerate one device: IDs, class and capabilities from its config
 * space, BARs as given; bind the first registered driver that matches.
 * NULL on no memory.  The name is "0000:BB:DD.F".
 */
struct pci_dev *lk_pci_add(const struct lk_pci_dev_cfg *cfg);
/* Hot-remove: unbind (driver remove, then devres), then free. */
void lk_pci_remove(struct pci_dev *pdev);
const char *lk_pci_name(const struct pci_dev *pdev);
bool lk_pci_bound(const struct pci_dev *pdev);
/* An interrupt message reached the L1 CPUs: run the handler of @data. */
void lk_msi(u64 addr, u32 data);
/*
 * L1's one CPU is in a synchronous exit: an access the host completes
 * before the instruction retires (a vIOMMU register write runs the whole
 * invalidation queue, and the host may wait for the physical unit
 * meanwhile, running the sim).  No L1 code may run until it is back:
 * work that comes due in the meantime waits for the exit to end.  Nests.
 */
void lk_cpu_exit_enter(void);
void lk_cpu_exit_leave(void);

/* ---- modules ------------------------------------------------------ */
int nmdev_module_init(void);	/* module_init of guest/nmdev_main.c */
void nmdev_module_exit(void);
/* "mod.name=value" semantics: -ENOENT unknown, -EINVAL unparsable. */
int lk_module_param_set(const char *mod, const char *name, const char *val);

/* ---- sysfs and debugfs ---------------------------------------------- */
/*
 * The files mdevctl and admins use, with Linux's paths:
 *   /sys/class/mdev_bus/<parent>/mdev_supported_types/<type>/
 *       name description available_instances device_api create(w)
 *       devices/ (directory: lk_sysfs_list)
 *   /sys/bus/mdev/devices/<uuid>/remove(w)
 *   /sys/bus/mdev/devices/<uuid>/mdev_type (read: the type's directory name)
 *   /sys/bus/mdev/devices/<uuid>/<group>/<attr>  (driver dev_groups)
 *   /sys/bus/pci/devices/<pci name>/... is not modelled.
 * <type> is "<driver name>-<sysfs_name>", e.g. nmdev-1wq.
 * Reads return the length (the text ends in '\n') or -errno; writes take
 * the value as a shell `echo` would (trailing newline optional) and return
 * 0 or -errno (create: -EINVAL bad UUID, -EEXIST, the probe's error).
 */
ssize_t lk_sysfs_read(const char *path, char *buf, size_t len);
int lk_sysfs_write(const char *path, const char *val);
/* Entries of a directory (NULL-separated in @buf); the count or -errno. */
int lk_sysfs_list(const char *dir, char *buf, size_t len);
/* /sys/kernel/debug/<path>: the show function's text; length or -errno. */
ssize_t lk_debugfs_read(const char *path, char *buf, size_t len);

/* ---- the VFIO user interface (the L2 VMM) ---------------------------- */
struct lk_vfio_container;
struct lk_vfio_fd;
/* VFIO_TYPE1v2_IOMMU container; emulated-IOMMU devices pin through it. */
struct lk_vfio_container *lk_vfio_container_create(void);
/* Closes what is open, unmaps everything, frees. */
void lk_vfio_container_destroy(struct lk_vfio_container *c);
/*
 * VFIO_IOMMU_MAP_DMA: [iova, iova + size) -> the VMM's memory, here L1
 * physical [l1_addr, + size) (the L2 VM's RAM).  @flags:
 * VFIO_DMA_MAP_FLAG_READ/WRITE.  -EEXIST on overlap, -EINVAL alignment.
 */
int lk_vfio_map_dma(struct lk_vfio_container *c, u64 iova, u64 l1_addr,
		    u64 size, u32 flags);
/*
 * VFIO_IOMMU_UNMAP_DMA: every device's ops->dma_unmap for the range, then
 * a check that no page of it is still pinned (lk_stats unmap_pin_leaks).
 */
int lk_vfio_unmap_dma(struct lk_vfio_container *c, u64 iova, u64 size);
/* VFIO_GROUP_GET_DEVICE_FD by name (the mdev UUID): ops->open_device. */
struct lk_vfio_fd *lk_vfio_open(struct lk_vfio_container *c,
				const char *name, int *err);
/* close(): ops->close_device on the last close. */
void lk_vfio_close(struct lk_vfio_fd *fd);
/* pread/pwrite/ioctl on the device fd (trapped: trap_ns each). */
ssize_t lk_vfio_pread(struct lk_vfio_fd *fd, void *buf, size_t n, u64 off);
ssize_t lk_vfio_pwrite(struct lk_vfio_fd *fd, const void *buf, size_t n,
		       u64 off);
long lk_vfio_ioctl(struct lk_vfio_fd *fd, unsigned int cmd, void *arg);
/* mmap(MAP_SHARED) of [off, off + len): ops->mmap; NULL and *err. */
struct vm_area_struct *lk_vfio_mmap(struct lk_vfio_fd *fd, u64 off, u64 len,
				    int *err);
void lk_munmap(struct vm_area_struct *vma);
/*
 * A CPU store of @len bytes at @off into the mapping: a 64-byte store to
 * a PCI BAR page is MOVDIR64B (portal_write), 4/8-byte ones mmio_write.
 * Not trapped.  0, -EFAULT (not mapped), or the device's refusal.
 */
int lk_vma_write(struct vm_area_struct *vma, u64 off, const void *data,
		 unsigned int len);
/* Called when the kernel asks for the device back (ops->request). */
void lk_vfio_set_request(struct lk_vfio_fd *fd, void (*fn)(void *ctx),
			 void *ctx);

/* ---- eventfd ----------------------------------------------------- */
int lk_eventfd_create(void);
/* The counter, reset to 0 (as a read(2) of a non-semaphore eventfd). */
u64 lk_eventfd_read(int fd);
/* Called on every signal (the VMM's poll loop). */
void lk_eventfd_set_notify(int fd, void (*fn)(void *ctx), void *ctx);
void lk_eventfd_close(int fd);

#endif /* _GUEST_SIM_LK_H */
