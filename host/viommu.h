/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vIOMMU: a VT-d 3.x remapping unit shown to an L1 VM at register level.
 *
 * It reads the guest's root/context/PASID tables and invalidation queue from
 * the guest's memory (the L1 VM's guest-physical address space), runs in
 * caching mode, and turns what the guest does into calls to its owner, the
 * host component (shadow engine, invalidation sync, fault router):
 *
 *   guest                      vIOMMU                      host component
 *   MMIO / tables / IQ  --->   decode, validate      --->  struct viommu_hooks
 *   interrupts, vPRQ,   <---   record, queue, raise  <---  viommu_inject_*()
 *   fault records
 *
 * Capabilities are derived from the physical unit (struct piommu_caps) and a
 * per-VM policy, never more than the host can honour.  Everything the guest
 * writes is untrusted: malformed input gets the architected reaction (IQE,
 * a fault record, a VCMD error status) and a counter, never a crash.
 */
#ifndef _HOST_VIOMMU_H
#define _HOST_VIOMMU_H

#include <nestmed/vtd.h>

#include "piommu.h"
#include "qi.h"		/* vsva/qi.h */

struct sim;
struct sim_vm;
struct viommu;

/* How guest PASIDs relate to physical ones. */
enum viommu_pasid_ns {
	VIOMMU_PASID_IDENTITY = 0,	/* guest PASID == physical PASID (per PF) */
	VIOMMU_PASID_VCMD = 1,		/* host-allocated via ECAP.VCS / VCMD */
};

struct viommu_policy {
	/* Translation types offered; first stage only by default. */
	bool slts;		/* advertise SLTS: guest second stage -> shadowed */
	bool pt;		/* advertise PT (pass-through) */
	u8 pasid_bits;		/* 0: as wide as the physical unit allows */
	enum viommu_pasid_ns pasid_ns;
	enum vtd_vcmd_layout vcmd_layout;
	bool prs;		/* offer PRS+PDS (if the physical has them) */
	bool dt;		/* offer DT (if the physical has it) */
	u32 nfr;		/* guest fault recording registers (1..16) */
	u32 vprq_pqs_max;	/* largest PQS accepted */
	/* Per-VM limits of the fault path. */
	u32 max_outstanding;	/* page-request groups in flight to the guest */
	u64 response_timeout_ns;
};

void viommu_default_policy(struct viommu_policy *p);

/* What the vIOMMU asks of its owner.  All guest ids are guest values. */
struct viommu_hooks {
	/*
	 * One guest queue batch (IQH..IQT) of decoded descriptors, in order,
	 * excluding inv-wait and page responses which the vIOMMU completes
	 * itself after the hook returns.  PASID-cache invalidations come
	 * here too: the owner re-reads the entries concerned
	 * (viommu_read_pasid_entry) and syncs its shadow.  Returns 0, or a
	 * negative errno that the vIOMMU reports as an invalidation
	 * completion error to the guest.
	 */
	int (*inv_batch)(void *ctx, const struct vsva_inv_op *ops, unsigned int n);
	/* A guest page group response (type 9) for a request it was given. */
	void (*page_response)(void *ctx, u16 rid, bool pasid_present, u32 pasid,
			      u16 prg_index, u8 code);
	/* The guest changed its root/context tables (SRTP, context-cache inv). */
	void (*context_changed)(void *ctx, u16 rid);
	/* VCMD: allocate / free a host PASID for the guest (VIOMMU_PASID_VCMD). */
	int (*vcmd_alloc_pasid)(void *ctx, u32 *pasid);
	int (*vcmd_free_pasid)(void *ctx, u32 pasid);
	/* An interrupt message to the guest (fault, invalidation, page request). */
	void (*guest_irq)(void *ctx, u32 data, u64 addr);
	void *ctx;
};

struct viommu *viommu_create(struct sim *s, struct sim_vm *vm,
			     const struct piommu_caps *phys,
			     const struct viommu_policy *policy,
			     const struct viommu_hooks *hooks);
/* Guest reset of the unit (all state back to reset values). */
void viommu_reset(struct viommu *v);
void viommu_destroy(struct viommu *v);

/* The guest's register accesses. */
u64 viommu_read(struct viommu *v, u32 off, unsigned int size);
void viommu_write(struct viommu *v, u32 off, unsigned int size, u64 val);

/* The registers the guest sees. */
u64 viommu_cap(const struct viommu *v);
u64 viommu_ecap(const struct viommu *v);

/*
 * Read the guest's PASID entry for (@rid, @pasid) from guest memory,
 * walking root -> context -> PASID directory -> PASID table, with every
 * check the hardware makes.  0 with the entry (which may be not present),
 * or -EFAULT with *@fault_reason set (VTD_FR_SM_*).
 */
int viommu_read_pasid_entry(struct viommu *v, u16 rid, u32 pasid,
			    struct vtd_pasid_entry *pe, u8 *fault_reason);
/* The guest's context entry for @rid (scalable mode), same contract. */
int viommu_read_context(struct viommu *v, u16 rid,
			struct vtd_sm_context_entry *ce, u8 *fault_reason);

/*
 * Fault router -> guest.  A page request for the guest's vPRQ (guest RID and
 * PASID): 0, -ENOSPC when the vPRQ overflowed (the vIOMMU has answered the
 * group as the hardware would), -EPERM when the guest's context refuses page
 * requests.  A non-recoverable fault into the guest's fault recording.
 */
int viommu_inject_page_request(struct viommu *v,
			       const struct piommu_page_req *req);
int viommu_record_fault(struct viommu *v, const struct piommu_fault *f);

struct viommu_stats {
	u64 mmio_reads, mmio_writes, bad_mmio;
	u64 iq_descs, iq_batches, iq_errors;
	u64 pasid_cache_invs, iotlb_invs, piotlb_invs, devtlb_invs, ctx_invs;
	u64 inv_waits, page_responses, page_requests, vprq_overflows;
	u64 faults_recorded, fault_overflows;
	u64 vcmds, vcmd_errors;
};
const struct viommu_stats *viommu_stats(const struct viommu *v);

#endif /* _HOST_VIOMMU_H */
