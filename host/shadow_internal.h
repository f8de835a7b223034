/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the shadow engine (host/shadow*.c).  One struct shadow per VM:
 *
 *   shadow.c       lifetime, the vIOMMU hooks, lookups, VCMD namespace
 *   shadow_ids.c   guest DID -> host DID map (refcounted), PASID index
 *   shadow_pasid.c guest PASID entry -> physical entry (validate, program,
 *                  PASID-/domain-/global-selective syncs)
 *   shadow_inv.c   guest invalidations -> one physical submission
 *   shadow_sst.c   software shadow second stage (guest SS merged with the
 *                  VM's SS) for guests offered SLTS
 */
#ifndef _HOST_SHADOW_INTERNAL_H
#define _HOST_SHADOW_INTERNAL_H

#include "shadow.h"

#define SH_PASID_BITS		20
#define SH_DIR_ENTRIES		(1U << (SH_PASID_BITS - VTD_PASID_DIR_SHIFT))
#define SH_NR_GDIDS		65536U

/* A software shadow second-stage table (one per guest DID). */
struct sh_sst {
	struct sh_sst *next;
	u16 gdid;
	u64 groot;		/* guest SS root, a GPA */
	u8 levels;		/* 3..5, as the guest's AW */
	u64 root;		/* host-built table, an HPA */
	u32 refs;		/* PASIDs using it */
};

/* One shadowed guest PASID. */
struct sh_pasid {
	struct sh_pasid *prev, *next;	/* all live ones */
	struct shadow_pasid_info info;
	struct vtd_pasid_entry ge;	/* the guest entry it was built from */
	struct sh_sst *sst;		/* guest SS only */
	u64 seen;			/* scan generation */
};

struct shadow {
	struct shadow_cfg cfg;
	struct viommu *v;		/* NULL with cfg.guest */
	struct shadow_guest_ops gops;
	struct piommu *pi;
	struct piommu_caps pcaps;
	u8 pasid_bits;			/* guest PASIDs: policy within pcaps */
	struct shadow_fault_sink sink;
	struct shadow_stats st;

	/* Guest PASID -> record: a two-level index like a PASID table. */
	struct sh_pasid **idx[SH_DIR_ENTRIES];
	struct sh_pasid head;		/* list of live records */
	u32 live;
	u64 gen;

	/* VCMD namespace: PASIDs given to the guest (bitmap over 2^20). */
	u64 *granted;

	/* DIDs: guest -> host, host refcounts (index host - did_min). */
	u16 *g2h;
	u32 *href;
	u16 did_min, did_max, did_next;
	u32 dids_live;

	struct sh_sst *ssts;

	/* Physical ops of the guest batch being translated. */
	struct vsva_inv_op *pend;
	u32 npend, pend_cap;
};

/* shadow_ids.c */
int sh_did_get(struct shadow *sh, u16 gdid, u16 *hdid);
void sh_did_put(struct shadow *sh, u16 gdid);
u16 sh_did_lookup(const struct shadow *sh, u16 gdid);
struct sh_pasid *sh_rec(const struct shadow *sh, u32 gpasid);
struct sh_pasid *sh_rec_add(struct shadow *sh, u32 gpasid);
void sh_rec_del(struct shadow *sh, struct sh_pasid *r);
void sh_idx_free(struct shadow *sh);

/* shadow_pasid.c */
u64 sh_guest_cap(const struct shadow *sh);
u64 sh_guest_ecap(const struct shadow *sh);
/* Re-read guest PASID @gpasid and make the physical entry match. */
void sh_sync_pasid(struct shadow *sh, u32 gpasid);
/* Domain-selective (@did_filter >= 0) or global (-1) PASID-cache sync. */
void sh_sync_scan(struct shadow *sh, int did_filter);
/* Tear down one record: physical entry, DID, shadow table. */
void sh_unshadow(struct shadow *sh, struct sh_pasid *r);
void sh_unshadow_all(struct shadow *sh);

/* shadow_inv.c */
int sh_inv_batch(struct shadow *sh, const struct vsva_inv_op *ops,
		 unsigned int n);

/* shadow_sst.c */
int sh_sst_get(struct shadow *sh, u16 gdid, u64 groot, u8 levels,
	       struct sh_sst **out);
void sh_sst_put(struct shadow *sh, struct sh_sst *t);
/* Resync [addr, addr + 2^size_lg2) of every table of @gdid (-1: all). */
void sh_sst_sync(struct shadow *sh, int gdid, u64 addr, u8 size_lg2);
/* Translate IOVA through the shadow table (tests): 0 or -ENOENT. */
int sh_sst_lookup(struct shadow *sh, const struct sh_sst *t, u64 iova,
		  u64 *hpa);

#endif /* _HOST_SHADOW_INTERNAL_H */
