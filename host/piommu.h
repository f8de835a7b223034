/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pIOMMU backend: the only way the host component (vIOMMU, shadow
 * engine, invalidation sync, fault router) touches the physical IOMMU.
 *
 * Two implementations: host/sim (the host IOMMU driver of the simulated
 * machine, programming the simulated VT-d unit through its registers and
 * tables) and, later, host/iommufd (a real kernel through /dev/iommu).  The
 * interface speaks in VT-d terms the host component already owns: a PF
 * requester id, PASIDs, host domain ids, the owning VM's second stage.
 *
 * Every call is synchronous from the caller's point of view: when a PASID
 * entry call returns, the entry is live (or gone) and the physical caches
 * that could hold the old one have been invalidated; when inv_submit
 * returns, the invalidations have completed (an inv-wait has been seen).
 */
#ifndef _HOST_PIOMMU_H
#define _HOST_PIOMMU_H

#include <nestmed/compat.h>

#include "qi.h"		/* vsva/qi.h: struct vsva_inv_op */

struct piommu;
struct sim_vm;

/* First-stage attributes of a guest (or host) first-stage table. */
struct piommu_fs_cfg {
	u64 root;		/* FSPTPTR: a GPA when nested, an HPA when not */
	u8 levels;		/* 4 or 5 */
	bool sre, wpe, eafe;
};

/* A page request as the physical IOMMU reported it. */
struct piommu_page_req {
	u16 rid;
	bool pasid_present;
	u32 pasid;
	u64 addr;
	bool r, w, x, priv;
	bool lpig;
	u16 prg_index;
};

/* A non-recoverable fault as the physical IOMMU recorded it. */
struct piommu_fault {
	u16 sid;
	bool pasid_present;
	u32 pasid;
	u64 addr;
	u8 reason;		/* VTD_FR_* */
	bool write;
};

struct piommu_handlers {
	void (*page_request)(void *ctx, const struct piommu_page_req *req);
	void (*fault)(void *ctx, const struct piommu_fault *f);
	void *ctx;
};

struct piommu_caps {
	u64 cap, ecap;		/* the physical unit's registers */
	u8 pasid_bits;		/* PASID width the unit and the PF both take */
	u16 did_min, did_max;	/* host DIDs the backend may hand out */
};

struct piommu_ops {
	int (*get_caps)(struct piommu *p, struct piommu_caps *caps);
	/* Entries of the PF's PASID table (RID @rid). -EBUSY if present. */
	int (*set_nested)(struct piommu *p, u16 rid, u32 pasid, u16 did,
			  const struct piommu_fs_cfg *fs, struct sim_vm *vm);
	int (*set_ss)(struct piommu *p, u16 rid, u32 pasid, u16 did,
		      struct sim_vm *vm);
	int (*set_fs)(struct piommu *p, u16 rid, u32 pasid, u16 did,
		      const struct piommu_fs_cfg *fs);
	/*
	 * Second stage only over a table the host built in host memory
	 * (@root an HPA, @levels 4 or 5): the software shadow of a guest
	 * second stage.  Optional (NULL: no software shadowing).
	 */
	int (*set_ss_table)(struct piommu *p, u16 rid, u32 pasid, u16 did,
			    u64 root, u8 levels);
	/* Tear down an entry: clear P, flush PASID cache, IOTLB, dev-TLB. */
	int (*clear)(struct piommu *p, u16 rid, u32 pasid);
	/* One physical queue submission for the whole batch (+ inv-wait). */
	int (*inv_submit)(struct piommu *p, const struct vsva_inv_op *ops,
			  unsigned int n);
	/* Page group response to the device. */
	int (*page_response)(struct piommu *p, u16 rid, bool pasid_present,
			     u32 pasid, u16 prg_index, u8 code);
	void (*set_handlers)(struct piommu *p, const struct piommu_handlers *h);
	/* Deliver pending page requests and faults to the handlers. */
	void (*poll)(struct piommu *p);
};

struct piommu {
	const struct piommu_ops *ops;
};

#endif /* _HOST_PIOMMU_H */
