/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host IOMMU driver of the simulated machine: what the host kernel's
 * intel-iommu driver does, against the simulated VT-d unit's registers and
 * the tables it puts in host memory -- nothing else.
 *
 * It puts the unit in scalable mode (root table, RTADDR.TTM = 01b, SRTP,
 * then TE), runs every invalidation through the invalidation queue
 * (256-bit descriptors, inv-wait with a status write it polls while the
 * sim loop runs), takes the page request queue and fault reporting
 * interrupts, and gives each attached PCI device a scalable-mode context
 * entry with a PASID directory.  A VM's pass-through domain (second stage
 * only, the VM's SS table) sits on RID_PASID.  On top it offers the pIOMMU
 * backend (host/piommu.h) to the host component.
 *
 * Interrupts are taken in two halves, as in Linux: the unit's interrupt
 * schedules an event that drains the hardware (fault records cleared, PQH
 * advanced) into software queues; hostdrv_poll() -- the host component's
 * thread -- delivers them to the handlers, outside the event loop, so a
 * handler may answer at once (page_response runs the loop while it waits).
 *
 * Lifetime: destroy the hostdrv (and devices) before sim_fini(), which
 * frees the memory its tables live in.
 */
#ifndef _HOST_SIM_HOSTDRV_H
#define _HOST_SIM_HOSTDRV_H

#include "iommu.h"
#include "piommu.h"	/* host/piommu.h (via -Ihost) */

struct hostdrv;

struct hostdrv_cfg {
	u8 iq_qs;		/* IQA.QS: queue of 2^qs pages (128 descs each) */
	u8 prq_pqs;		/* PQA.PQS: queue of 2^pqs pages (128 requests) */
	u16 host_dids;		/* DIDs 1..host_dids are the driver's own */
	u32 sw_queue_len;	/* page requests / faults held for poll() */
	u64 wait_max_events;	/* sim events an inv-wait may take */
	u64 irq_latency_ns;	/* interrupt message -> handler event */
};

void hostdrv_default_cfg(struct hostdrv_cfg *cfg);

/*
 * Create the physical unit (@icfg, NULL: sim_iommu_default_cfg) on s->mem
 * with this driver as its interrupt target, and run the init sequence:
 * QI (QIE), root table (SRTP), global context/PASID-cache/IOTLB
 * invalidation, fault reporting (FECTL), page requests (PQA/PECTL), TE.
 * NULL if the unit lacks scalable mode, QI or PASIDs, or on no memory.
 */
struct hostdrv *hostdrv_create(struct sim *s, const struct sim_iommu_cfg *icfg,
			       const struct hostdrv_cfg *cfg);
/* Detaches every device, disables TE and QI, frees every table. */
void hostdrv_destroy(struct hostdrv *hd);
struct sim_iommu *hostdrv_iommu(struct hostdrv *hd);
struct piommu *hostdrv_piommu(struct hostdrv *hd);
struct hostdrv *hostdrv_from_piommu(struct piommu *p);
struct sim *hostdrv_sim(struct hostdrv *hd);

/* ---------------------------------------------------------------- */
/* Devices                                                          */
/* ---------------------------------------------------------------- */
/* The device's PCI config space, as the PCI core reaches it. */
struct hostdrv_pci_ops {
	u32 (*cfg_read)(void *dev, u32 off, unsigned int size);
	void (*cfg_write)(void *dev, u32 off, unsigned int size, u32 val);
};

/* What attach found (extended capabilities) and enabled. */
struct hostdrv_dev_info {
	bool pasid, ats, pri;	/* capabilities enabled */
	bool pasid_exec, pasid_priv;
	u8 pasid_bits;		/* the device's width, capped by the unit's */
	u32 pri_alloc;		/* PRI outstanding requests allocated */
	u8 pdts;		/* context entry PDTS */
	u64 pasid_dir;		/* HPA of the PASID directory */
	u32 rid_pasid;		/* PASID of requests without one */
	u16 rid_did;		/* DID of the RID_PASID entry */
};

/*
 * Attach the PCI function @rid: walk its extended capabilities and
 * enable PASID (with execute/privileged when offered), PRI (allocation =
 * capacity) and ATS, as Linux's iommu_enable_pci_caps; write its
 * scalable-mode context entry (PASIDE, DTE with ATS, PRE with PRI, PDTS
 * for the PASID width) with a fresh PASID directory; and install RID_PASID:
 * @vm's pass-through domain (PGTT second stage, the VM's SS table, a DID
 * of the driver's) or, with @vm NULL, host pass-through (PGTT 100b).
 * -EEXIST, -ENOSPC (too many devices), -ENOMEM, -ENODEV (no PASID cap).
 */
int hostdrv_attach_device(struct hostdrv *hd, u16 rid,
			  const struct hostdrv_pci_ops *ops, void *dev,
			  struct sim_vm *vm);
/*
 * Tear down every present PASID entry (clear sequence), the context entry
 * (context-cache, PASID-cache, IOTLB and device-TLB invalidation), disable
 * ATS/PRI/PASID and free the PASID tables.  -ENODEV if not attached.
 */
int hostdrv_detach_device(struct hostdrv *hd, u16 rid);
int hostdrv_dev_info(struct hostdrv *hd, u16 rid, struct hostdrv_dev_info *out);

/* Host-side PASID entries (not offered to guests): pass-through. */
int hostdrv_set_pt(struct hostdrv *hd, u16 rid, u32 pasid, u16 did);
/*
 * Read back the PASID entry of @rid/@pasid from host memory (zeroes when
 * no PASID table covers it); *@hpa (may be NULL) its address or 0.
 */
int hostdrv_read_pasid_entry(struct hostdrv *hd, u16 rid, u32 pasid,
			     struct vtd_pasid_entry *pe, u64 *hpa);
/* DID of @vm's pass-through domain; 0 if the VM has none. */
u16 hostdrv_vm_did(struct hostdrv *hd, const struct sim_vm *vm);
/*
 * After the host changed @vm's second stage (populate/unpopulate): IOTLB
 * domain-selective for the VM's DID and a device-TLB invalidation of
 * RID_PASID traffic of every device attached to the VM, one submission.
 */
int hostdrv_flush_vm(struct hostdrv *hd, const struct sim_vm *vm);

/* ---------------------------------------------------------------- */
/* Invalidation, interrupts, the host's main loop                   */
/* ---------------------------------------------------------------- */
/*
 * Queue @ops (no inv-wait or page response among them), then one inv-wait
 * (SW, status write polled); returns when it completed.  A batch larger
 * than the queue is split into submissions.  -EINVAL (bad op: nothing
 * submitted), -EIO (IQE: the bad descriptor and the rest of the batch
 * dropped, IQE cleared), -ETIMEDOUT (device-TLB timeout, ITE cleared, or
 * the wait never completed).
 */
int hostdrv_inv_submit(struct hostdrv *hd, const struct vsva_inv_op *ops,
		       unsigned int n);
int hostdrv_page_response(struct hostdrv *hd, u16 rid, bool pasid_present,
			  u32 pasid, u16 prg_index, u8 code);

void hostdrv_set_handlers(struct hostdrv *hd, const struct piommu_handlers *h);
/* Deliver queued page requests, then faults; returns how many. */
u32 hostdrv_poll(struct hostdrv *hd);
/* Page requests + faults drained from the hardware, not yet delivered. */
u32 hostdrv_pending(const struct hostdrv *hd);
/*
 * The host's main loop: run the sim until @done(@ctx), polling whenever
 * something is pending, until nothing is left to run or @max_events ran
 * (0: no limit).  Returns @done(@ctx).
 */
bool hostdrv_run_until(struct hostdrv *hd, bool (*done)(void *ctx), void *ctx,
		       u64 max_events);

struct hostdrv_stats {
	u64 mmio_reads, mmio_writes;
	u64 submissions, descs, inv_waits, wait_events, wait_timeouts;
	u64 iqe, ite, ice;
	u64 irqs[3];			/* by enum sim_iommu_irq */
	u64 irq_events;			/* interrupt handler runs */
	u64 fault_records, fault_overflows;	/* FRCDs read, PFO seen */
	u64 page_reqs, prq_overflows;	/* PRQ entries read, PRO seen */
	u64 prq_bad;			/* undecodable PRQ entries */
	u64 sw_drops;			/* software queue full */
	u64 page_reqs_delivered, faults_delivered;
	u64 page_responses;
	u64 pasid_set[8];		/* entries installed, by PGTT */
	u64 pasid_cleared;
	u64 pasid_tables, ctx_tables;	/* table pages allocated */
	u64 dids_allocated, dids_freed;
	u64 devices_attached, devices_detached;
	u64 errors;			/* calls refused */
};
const struct hostdrv_stats *hostdrv_stats(const struct hostdrv *hd);

#endif /* _HOST_SIM_HOSTDRV_H */
