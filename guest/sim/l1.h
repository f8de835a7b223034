/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The nested machine: a host (physical VT-d, the S-IOV PF, host memory)
 * running one L1 VM that owns the PF through VFIO-style passthrough and
 * sees a VT-d 3.x vIOMMU; inside it a booted Linux 6.12 (the simulated
 * kernel of guest/sim/lk.h with the intel-iommu model of intel_iommu.h)
 * with nmdev.ko loaded on the PF.  L2 VMs (guest/sim/l2.h) are processes
 * of this L1.
 *
 *   L2 VMM --VFIO--> nmdev (lk) --iommu API--> gvtd --MMIO--> vIOMMU
 *                     |  BAR0/BAR2 (passthrough)                 | shadow
 *                     v                                          v
 *                   S-IOV PF ------DMA, ATS, PRI------> physical VT-d
 *
 * L1 physical memory map (see docs/sim.md):
 *   [0, L1_KERN_BASE)            unused (firmware)
 *   [L1_KERN_BASE, L1_L2_BASE)   the L1 kernel's pages (gmem: IOMMU
 *                                structures, dma_alloc_coherent)
 *   [L1_L2_BASE, ram_bytes)      L2 VM RAM windows (l1_alloc_l2_ram)
 *   L1_BAR0_ADDR, L1_BAR2_ADDR   the PF's BARs (above RAM)
 */
#ifndef _GUEST_SIM_L1_H
#define _GUEST_SIM_L1_H

#include <stdio.h>

#include "platform.h"
#include "shadow.h"
#include "fault_router.h"
#include "viommu.h"
#include "pasid_alloc.h"
#include "intel_iommu.h"
#include "gmem.h"
#include "lk.h"

#define L1_MB			(1ULL << 20)
#define L1_DEFAULT_RAM		(256 * L1_MB)
#define L1_KERN_BASE		(1 * L1_MB)
#define L1_L2_BASE		(32 * L1_MB)
#define L1_BAR0_ADDR		0xe0000000ULL
#define L1_BAR2_ADDR		0xe8000000ULL
#define L1_PF_GRID		0x0018	/* the PF in L1: 0000:00:03.0 */
#define L1_PF_NAME		"0000:00:03.0"
#define L1_MDEV_TYPE		"nmdev-1wq"
#define L1_FAULT_VEC		0x41	/* vIOMMU fault event */
#define L1_PRQ_VEC		0x42	/* vIOMMU page request */
#define L1_PF_MSI_BASE		0x60	/* PF MSI-X vector n -> data 0x60 + n */
#define L1_MAX_PASIDS		256	/* tracked for l1_host_residue */
#define L1_HOST_POLL_NS		500	/* the host thread's polling period */

struct l1_cfg {
	u64 seed;		/* 0: 1 */
	FILE *trace;		/* sim trace */
	FILE *klog;		/* the L1 kernel log (NULL: kept in lk_dmesg) */
	int loglevel;		/* 0: 6 */
	u64 ram_bytes;		/* 0: L1_DEFAULT_RAM */
	bool lazy;		/* L1 RAM backed by the host on first touch */
	bool vcmd;		/* VCMD PASIDs: -EOPNOTSUPP (6.12 has no VCMD) */
	bool no_pasid;		/* vIOMMU without PASID support (ECAP.PASID 0) */
	const char *nmdev_mode;	/* nmdev.mode: "auto" (NULL), "pasid", "sw" */
	u16 nr_wqs;		/* PF work queues, 0: 64 */
	u16 nr_msix;		/* PF MSI-X vectors, 0: the PF's default (65) */
	u64 trap_ns;		/* 0: LK_DEFAULT_TRAP_NS */
	u64 work_ns;		/* 0: LK_DEFAULT_WORK_NS */
};

struct l1 {
	struct l1_cfg cfg;
	/* The host. */
	struct sim_platform p;
	struct hostdrv_dev_info di;
	struct shadow *sh;
	struct viommu *v;
	struct fault_router *fr;
	struct vsva_pasid_allocator *pa;
	/* The L1 kernel. */
	bool up;		/* booted, not crashed or shut down */
	bool nmdev_loaded;
	struct gmem g;
	struct gvtd_iommu u;
	struct gvtd_device *gdev;	/* the PF behind the L1 IOMMU */
	struct gvtd_domain *rid_dom;	/* identity domain on the PF's RID */
	struct pci_dev *pdev;
	u64 l2_next;		/* bump allocator over [L1_L2_BASE, ram) */
	u32 guest_irqs;
	/* Machine state (additions). */
	bool lk_live;		/* lk_init done, lk_fini not yet */
	bool gvtd_live;		/* the IOMMU model holds memory */
	bool poll_armed;	/* the host thread's next poll is queued */
	/* Physical PASIDs the VM's mdevs were given (l1_host_residue). */
	u32 phys_pasids[L1_MAX_PASIDS];
	u32 nphys_pasids;
};

/*
 * Host up (platform, shadow engine + vIOMMU, fault router), L1 boots (the
 * IOMMU driver probes the vIOMMU and the PF, lk_init, the PF enumerated),
 * then `modprobe nmdev` (with nmdev.mode when set).  0 or -errno (the
 * machine is torn down again on failure).
 */
int l1_boot(struct l1 *m, const struct l1_cfg *cfg);
/* rmmod nmdev (if loaded), L1 shuts down cleanly, the host goes away. */
void l1_shutdown(struct l1 *m);
/* modprobe / rmmod on the running L1. */
int l1_nmdev_load(struct l1 *m);
void l1_nmdev_unload(struct l1 *m);
/*
 * L1 crashes: no driver runs again; the host resets its side of the VM
 * (fault router answers what is outstanding, shadow drops the VM's
 * PASIDs) as it does on a guest reset.  The machine stays for inspection;
 * l1_shutdown() then only tears down the host.
 */
void l1_crash(struct l1 *m);
/* The host destroys the L1 VM under a running L1 (host-initiated). */
void l1_host_vm_destroy(struct l1 *m);

/* ---- the L1 admin's view (sysfs, as mdevctl uses it) ------------------- */
int l1_mdev_create(struct l1 *m, const char *uuid);
int l1_mdev_remove(struct l1 *m, const char *uuid);
/* available_instances of nmdev-1wq; -errno. */
long l1_mdev_available(struct l1 *m);
/* /sys/bus/mdev/devices/<uuid>/nmdev/<attr> as a number; -errno. */
long long l1_mdev_attr(struct l1 *m, const char *uuid, const char *attr);

/* Per nested mdev, for reports: the L1 driver's and the host's view. */
struct l1_mdev_info {
	char uuid[40];
	char mode[8];		/* "pasid" or "sw" */
	u32 wq, pasid;		/* pasid: ~0 in sw mode */
	long long pinned, faults, faults_invalid;
	u64 shadow_entries;	/* host: physical PASID entries of this PASID */
	/* The router counts per VM: the machine's requests, by class. */
	u64 fs_faults;		/* host: page requests routed to the guest */
	u64 ss_faults;		/* host: page requests resolved by the host */
};
int l1_mdev_info(struct l1 *m, const char *uuid, struct l1_mdev_info *info);

/* ---- memory -------------------------------------------------------------- */
/* A page-aligned window of L1 RAM for an L2 VM's RAM; 0 when full. */
u64 l1_alloc_l2_ram(struct l1 *m, u64 bytes);
/* CPU accesses to L1 physical memory (populating lazy pages). */
int l1_read(struct l1 *m, u64 gpa, void *buf, u64 len);
int l1_write(struct l1 *m, u64 gpa, const void *buf, u64 len);
/* Run the machine until nothing is pending or @max_events ran. */
void l1_run(struct l1 *m, u64 max_events);

/* ---- invariants, for tests ------------------------------------------------ */
/*
 * Everything the host holds for the L1 VM's nested mdevs: shadowed
 * PASIDs and mapped DIDs, software shadow table pages (beyond the VM's
 * RAM), fault-router groups with the guest, page requests the PF still
 * waits for, and present physical PASID entries of every PASID an mdev
 * was ever given.  0 when clean.
 */
u64 l1_host_residue(struct l1 *m);

#endif /* _GUEST_SIM_L1_H */
