/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated S-IOV PF (uapi/nestmed/siov.h, docs/siov.md).
 *
 * Driven like hardware: config space (siov_pf_cfg_read/write), BAR0
 * registers (siov_pf_mmio_read/write) and 64-byte portal writes to BAR2
 * (siov_pf_portal_write, MOVDIR64B semantics).  Descriptors run as events
 * on the sim loop; their DMA goes through the PF's device TLB, filled by
 * ATS translation requests to the IOMMU (or untranslated requests when ATS
 * is disabled), with PRI page requests for block-on-fault descriptors.
 * Every host-memory access is checked against the isolation oracle of the
 * VM that owns the WQ (siov_pf_set_owner / siov_pf_set_wq_owner).
 *
 * Lifetime: siov_pf_destroy() cancels the PF's pending event; parked work
 * is dropped without completion (reset the device first for clean ends).
 */
#ifndef _HOST_SIM_SIOV_PF_H
#define _HOST_SIM_SIOV_PF_H

#include <nestmed/siov.h>

#include "iommu.h"

struct siov_pf;

struct siov_pf_cfg {
	u16 rid;		/* requester id (bus << 8 | devfn) */
	u16 nr_wqs;		/* 1..4096, default 64 */
	u16 max_wq_size;	/* descriptors per WQ, default 128 */
	u16 nr_ims;		/* IMS entries, default 256, <= 4096 */
	u16 nr_msix;		/* MSI-X vectors, default 65, <= 2048 */
	u16 devtlb_entries;	/* device TLB size, default 64 */
	u16 pri_capacity;	/* PRI outstanding requests, default 512 */
	u8 max_xfer_lg2;	/* largest transfer, default 21 (2 MiB) */
	u8 max_retries;		/* faults per descriptor after PRS success, default 8 */
	u64 desc_latency_ns;	/* from portal write (or resume) to execution */
	/*
	 * PCIe ATS translation request + completion round trip, charged per
	 * device-TLB miss on top of the IOMMU's walk time (sim_xlate.walk_ns).
	 * A model constant (docs/siov.md "Timing"), default 400.
	 */
	u64 ats_rtt_ns;
};

void siov_pf_default_cfg(struct siov_pf_cfg *cfg);

/* Interrupt messages the PF sends (MSI-X or IMS). */
struct siov_pf_irq_ops {
	/* @ims: from IMS entry @index, else MSI-X vector @index. */
	void (*msi)(void *ctx, u64 addr, u32 data, bool ims, u16 index);
};

/*
 * @iommu may be NULL (no remapping: DMA addresses are host-physical and
 * ATS/PRI requests fail).  Returns NULL on bad cfg or no memory.
 */
struct siov_pf *siov_pf_create(struct sim *s, const struct siov_pf_cfg *cfg,
			       struct sim_iommu *iommu,
			       const struct siov_pf_irq_ops *irq, void *irq_ctx);
void siov_pf_destroy(struct siov_pf *pf);

/* The VM whose pages this PF's DMA must land in (NULL: host, unchecked). */
void siov_pf_set_owner(struct siov_pf *pf, struct sim_vm *vm);
/* Per-ADI owner, overriding the PF's (NULL: back to the PF's). */
int siov_pf_set_wq_owner(struct siov_pf *pf, u32 wq, struct sim_vm *vm);

/* Config space: @size 1, 2 or 4, naturally aligned. */
u32 siov_pf_cfg_read(struct siov_pf *pf, u32 off, unsigned int size);
void siov_pf_cfg_write(struct siov_pf *pf, u32 off, unsigned int size,
		       u32 val);

/* BAR-relative MMIO: @bar SIOV_BAR0 or SIOV_BAR2, @size 4 or 8. */
u64 siov_pf_mmio_read(struct siov_pf *pf, unsigned int bar, u64 off,
		      unsigned int size);
void siov_pf_mmio_write(struct siov_pf *pf, unsigned int bar, u64 off,
			unsigned int size, u64 val);
/*
 * A @len-byte write to BAR2 offset @off.  A descriptor is a 64-byte write
 * at a portal's offset 0.  Returns 0 when accepted, -ENODEV (WQ disabled),
 * -EBUSY (WQ full), -EINVAL (not a descriptor write) -- information the
 * submitter of a real MOVDIR64B never gets; the device logs each refusal.
 */
int siov_pf_portal_write(struct siov_pf *pf, u64 off, const void *data,
			 unsigned int len);
u64 siov_pf_bar_size(const struct siov_pf *pf, unsigned int bar);
u16 siov_pf_rid(const struct siov_pf *pf);
u32 siov_pf_nr_wqs(const struct siov_pf *pf);

/* ---------------------------------------------------------------- */
/* Inspectable state, for tests                                     */
/* ---------------------------------------------------------------- */
struct siov_pf_stats {
	u64 descs_submitted, descs_completed, descs_executed;
	u64 status[SIOV_CS_MAX];	/* completions by status */
	u64 err[SIOV_ERR_MAX];		/* error-log events by code */
	u64 errlog_overflows;
	u64 cfg_ro_writes;		/* attempts to change RO config bits */
	u64 cfg_bad;			/* bad size/alignment */
	u64 mmio_disabled;		/* BAR access with memory space off */
	u64 devtlb_hits, devtlb_misses, devtlb_fills, devtlb_evictions;
	u64 devtlb_invs, devtlb_inv_dropped;	/* requests, entries dropped */
	u64 ats_requests, ats_ur, untranslated;
	u64 page_requests, page_responses, prg_waits, prs_retries;
	u64 unexpected_responses, orphan_responses;
	u64 irqs_sent, irqs_pending, irqs_lost;
	u64 dma_bytes, oracle_violations, unbacked;
	u64 cmds, cmd_errors;
	u64 wq_enable_errors[16];	/* by enum siov_wq_err */
	/* Additions (compatible: appended). */
	u64 xlate_ns;		/* simulated time charged for translations */
	u64 deferred_completions;	/* completions held back by it */
};
const struct siov_pf_stats *siov_pf_stats(const struct siov_pf *pf);

/* No descriptor queued, running, parked, or command active. */
bool siov_pf_idle(const struct siov_pf *pf);
/* Page requests sent and not yet answered (incl. orphans of resets). */
u32 siov_pf_prg_outstanding(const struct siov_pf *pf);
/* Device-TLB lookup without side effects: true and *@hpa on a hit. */
bool siov_pf_devtlb_lookup(const struct siov_pf *pf, bool pasid_valid,
			   u32 pasid, u64 addr, u64 *hpa);
u32 siov_pf_devtlb_count(const struct siov_pf *pf);

#endif /* _HOST_SIM_SIOV_PF_H */
