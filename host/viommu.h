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

/*
 * The CAP/ECAP a vIOMMU would show for @phys under @policy (viommu.c's
 * header comment gives the rules): 0, -EOPNOTSUPP when the physical unit
 * cannot back a scalable-mode vIOMMU (no SMTS or QI, or VCMD asked for
 * without PASIDs), -EINVAL for a bad policy (nfr not 1..16).
 */
int viommu_derive_caps(const struct piommu_caps *phys,
		       const struct viommu_policy *policy, u64 *cap, u64 *ecap);

/* context_changed() for more than one RID (SRTP, global/domain CC inv). */
#define VIOMMU_RID_ALL	0xffffu

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
 * requests (TE off, context fault, PASIDE or PRE clear: recorded as a fault
 * with T2 = 1 unless FPD, and an owed response answered Invalid Request
 * through hooks->page_response, as the hardware would), -EOPNOTSUPP when
 * the vIOMMU offers no PRS, -EINVAL for a PASID wider than offered (not
 * answered: the caller's bug), -EFAULT when the ring is not in guest memory
 * (answered if owed).
 * A non-recoverable fault into the guest's fault recording: 0 recorded,
 * -ENOSPC overflow (PFO, dropped), -EPERM not recorded because the guest
 * set FPD in the context, PASID directory or PASID entry.
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
	/* Additions (compatible: appended). */
	u64 gcmd_bad;		/* GCMD writes changing more than one command */
	u64 irqs;		/* interrupt messages to the guest */
	u64 iqe_by_iqei[8];	/* IQE occurrences by IQERCD.IQEI */
	u64 ice_errors;		/* batches the owner failed (-> ICE) */
	u64 iec_invs;		/* interrupt entry cache invalidations */
	u64 wait_write_faults;	/* inv-wait status writes outside guest RAM */
	u64 prq_auto_responses;	/* responses the vIOMMU made itself */
	u64 prq_rejected;	/* page requests the guest context refused */
	u64 faults_suppressed;	/* faults not recorded: guest FPD */
	u64 ctx_changes;	/* SRTP commands */
	u64 table_reads, table_faults;	/* viommu_read_context/pasid_entry */
	u64 resets;
};
const struct viommu_stats *viommu_stats(const struct viommu *v);

#endif /* _HOST_VIOMMU_H */
