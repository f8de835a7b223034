/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host component for one L1 VM that owns an assigned S-IOV PF: the
 * shadow engine (guest PASID entries -> physical PASID entries of the PF),
 * invalidation sync (guest invalidations -> batched physical ones) and, in
 * host/fault_router.h, the fault router.
 *
 * A struct shadow is the per-VM context both share.  It owns the vIOMMU of
 * the VM (it is the vIOMMU's hooks), reaches the physical IOMMU only through
 * struct piommu, and keeps the maps between the guest's and the host's ids:
 * guest DID -> host DID, guest PASID -> physical PASID (identity per PF, or
 * host-allocated through VCMD), guest RID -> physical RID.
 */
#ifndef _HOST_SHADOW_H
#define _HOST_SHADOW_H

#include "piommu.h"
#include "viommu.h"

struct sim;
struct sim_vm;
struct shadow;
struct vsva_pasid_allocator;

/*
 * How the engine sees the guest: by default (shadow_cfg.guest NULL) the
 * vIOMMU it creates (viommu_read_context / viommu_read_pasid_entry /
 * viommu_record_fault, viommu_cap / viommu_ecap).  Tests and benches of the
 * engine alone may supply their own view of the guest's tables instead;
 * then no vIOMMU is created and the caller drives the hooks (shadow_hooks).
 */
struct shadow_guest_ops {
	int (*read_context)(void *ctx, u16 rid, struct vtd_sm_context_entry *ce,
			    u8 *fault_reason);
	int (*read_pasid_entry)(void *ctx, u16 rid, u32 pasid,
				struct vtd_pasid_entry *pe, u8 *fault_reason);
	int (*record_fault)(void *ctx, const struct piommu_fault *f);
	u64 cap, ecap;			/* what the guest was offered */
	void *ctx;
};

struct shadow_cfg {
	struct sim *s;
	struct sim_vm *vm;		/* the L1 VM */
	struct piommu *piommu;
	u16 phys_rid;			/* the assigned PF, physical RID */
	u16 guest_rid;			/* the PF as the guest sees it */
	struct viommu_policy policy;
	/* Host PASID allocator shared by all VMs (VCMD namespace), owner id. */
	struct vsva_pasid_allocator *pasids;
	u32 pasid_owner;
	/*
	 * Host DIDs this VM may use, within piommu_caps [did_min, did_max];
	 * 0/0: the whole range.  VMs sharing a physical unit get disjoint
	 * ranges.
	 */
	u16 did_min, did_max;
	/* Interrupt messages of the vIOMMU to the guest (NULL: dropped). */
	void (*guest_irq)(void *ctx, u32 data, u64 addr);
	void *irq_ctx;
	const struct shadow_guest_ops *guest;	/* NULL: the vIOMMU */
};

/* What one shadowed guest PASID is, as the fault router needs it. */
struct shadow_pasid_info {
	u32 guest_pasid, phys_pasid;
	u16 guest_did, host_did;
	u8 guest_pgtt;			/* VTD_PGTT_* of the guest entry */
	u8 phys_pgtt;			/* what was programmed */
	u64 fs_root;			/* guest first-stage root (a GPA) */
	u8 fs_levels;
	bool sre, wpe, eafe;
};

struct shadow *shadow_create(const struct shadow_cfg *cfg);
/* Tear down everything the VM has in the physical IOMMU (VM destroy). */
void shadow_destroy(struct shadow *sh);
/* Guest reset of its vIOMMU: drop every shadow entry, keep the VM. */
void shadow_guest_reset(struct shadow *sh);

struct viommu *shadow_viommu(struct shadow *sh);	/* NULL with cfg.guest */
/* The vIOMMU hooks the engine implements (ctx = @sh), for direct drivers. */
void shadow_hooks(struct shadow *sh, struct viommu_hooks *h);
struct sim_vm *shadow_vm(struct shadow *sh);
struct piommu *shadow_piommu(struct shadow *sh);
u16 shadow_phys_rid(const struct shadow *sh);
u16 shadow_guest_rid(const struct shadow *sh);

/* Physical PASID -> the guest's view; -ENOENT if not shadowed. */
int shadow_lookup_phys(struct shadow *sh, u32 phys_pasid,
		       struct shadow_pasid_info *out);
/* Guest PASID -> physical; -ENOENT if not shadowed. */
int shadow_lookup_guest(struct shadow *sh, u32 guest_pasid,
			struct shadow_pasid_info *out);

/*
 * The vIOMMU hook for guest page group responses is forwarded here; the
 * fault router registers itself (host/fault_router.c).
 */
struct shadow_fault_sink {
	void (*guest_page_response)(void *ctx, u16 guest_rid, bool pasid_present,
				    u32 guest_pasid, u16 prg_index, u8 code);
	/*
	 * The guest reset its vIOMMU: called by shadow_guest_reset() before
	 * any entry goes, so requests still with the guest are answered
	 * while their PASIDs are known.  Optional.
	 */
	void (*guest_reset)(void *ctx);
	void *ctx;
};
void shadow_set_fault_sink(struct shadow *sh, const struct shadow_fault_sink *fs);

/*
 * The host changed the VM's second stage (populate, unpopulate, remap):
 * software shadow tables are rebuilt from it, and every host DID of the VM
 * (nested entries cache VM SS translations under those DIDs, not under the
 * VM's pass-through DID that hostdrv_flush_vm() flushes) and the PF's
 * device TLB are invalidated, in one submission.  0 or the piommu error.
 */
int shadow_vm_ss_changed(struct shadow *sh);

struct shadow_stats {
	u64 pasid_syncs;		/* guest PASID entries examined */
	u64 nested_set, ss_set, pt_set, cleared, replaced;
	u64 guest_faults;		/* refused entries -> guest fault */
	u64 guest_invs, phys_submissions, phys_ops;
	u64 did_maps, did_exhausted;
	u64 rid_pasid_skipped;		/* guest RID_PASID entries: host's domain */
	u64 scans, scan_entries;	/* domain/global syncs, entries read */
	u64 sst_tables, sst_syncs;	/* software shadow SS: tables, resyncs */
	u64 sst_pages;			/* shadow SS table pages live */
	u64 vcmd_allocs, vcmd_frees, vcmd_errors;
	u64 foreign_invs;		/* invalidations for other RIDs: dropped */
	u64 phys_errors;		/* piommu calls that failed */
};
const struct shadow_stats *shadow_stats(const struct shadow *sh);
/* Live shadowed PASIDs and mapped DIDs (teardown tests: must reach 0). */
u32 shadow_live_pasids(const struct shadow *sh);
u32 shadow_live_dids(const struct shadow *sh);

#endif /* _HOST_SHADOW_H */
