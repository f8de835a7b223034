/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The translation caches of a VT-d 3.x remapping unit (spec chapter 6):
 * context cache, PASID cache, IOTLB and the first- and second-stage
 * paging-structure caches, each bounded and evicting one entry at a time
 * (never a whole flush on overflow, unlike QEMU's 1024-entry IOTLB).
 *
 * Invalidation is offered at the granularity of the architected
 * invalidation operations (spec 6.5.2), so one call does everything one
 * descriptor requires across all the structures it touches; each returns the
 * number of entries it dropped.  The cache stores what translate/walk put in
 * it; the meaning of perm/flags is the walker's (vsva/walk.h).
 */
#ifndef _VSVA_CACHE_H
#define _VSVA_CACHE_H

#include "vsva.h"

/* IOTLB entry flags. */
#define VSVA_TLB_GLOBAL		BIT(0)	/* FS G bit: shared by all PASIDs of the DID */
#define VSVA_TLB_DIRTY		BIT(1)	/* D already set: writes hit without a walk */
#define VSVA_TLB_USER		BIT(2)	/* FS U/S=1 on every level */
#define VSVA_TLB_NESTED_GPA	BIT(3)	/* @gpa is valid (nested translation) */

struct vsva_iotlb_entry {
	u64 iova;	/* input address, aligned to 1 << size_lg2 */
	u64 oaddr;	/* output address, aligned to 1 << size_lg2 */
	u64 gpa;	/* nested: the guest-physical page FS mapped to */
	u32 pasid;	/* PASID, or the context's RID_PASID */
	u16 did;
	u8 size_lg2;	/* 12, 21 or 30 */
	u8 perm;	/* VSVA_PERM_* granted */
	u8 pgtt;	/* VTD_PGTT_* that produced it */
	u8 flags;	/* VSVA_TLB_* */
};

/*
 * Paging-structure cache entry: the entry at @level (5..2) that maps the
 * input address range tagged by @addr, i.e. it locates the table of level
 * @level - 1.  FS entries are tagged by DID+PASID and hold the table's
 * output (host-physical, after the second stage when nested) address; SS
 * entries are tagged by DID only (GPA tags).
 */
struct vsva_psc_entry {
	u64 addr;	/* input address, aligned to the span of @level */
	u64 table;	/* address of the next-level table (host-physical) */
	u64 table_gpa;	/* nested FS: the table's GPA (for SS invalidations) */
	u32 pasid;	/* FS only */
	u16 did;
	u8 stage;	/* VSVA_STAGE_FS / VSVA_STAGE_SS */
	u8 level;	/* 5, 4, 3 or 2 */
	u8 perm;	/* accumulated VSVA_PERM_* down to this entry */
	u8 flags;	/* accumulated VSVA_TLB_USER etc. */
};

/* Cached scalable-mode PASID table entry (512 bits). */
struct vsva_pasid_cache_entry {
	u64 val[8];
	u32 pasid;
	u16 rid;	/* source-id the entry was read for */
	u16 did;	/* the entry's DID, what invalidations match */
};

/* Cached context entry (scalable mode: 256 bits, legacy: 128). */
struct vsva_ctx_cache_entry {
	u64 val[4];
	u16 rid;	/* source-id: bus << 8 | devfn */
	u16 did;	/* legacy mode only; 0 in scalable mode */
};

struct vsva_cache_cfg {
	u32 iotlb_entries;	/* 0: default (4096) */
	u32 psc_entries;	/* per stage; 0: default (512) */
	u32 pasid_entries;	/* 0: default (1024) */
	u32 ctx_entries;	/* 0: default (256) */
};

struct vsva_cache_stats {
	u64 iotlb_hits, iotlb_misses, iotlb_evictions;
	u64 psc_hits, psc_misses, psc_evictions;
	u64 pasid_hits, pasid_misses, pasid_evictions;
	u64 ctx_hits, ctx_misses, ctx_evictions;
	u64 invalidations;	/* architected invalidation operations done */
	u64 dropped;		/* entries dropped by them */
};

struct vsva_caches;

/*
 * @cfg may be NULL (all defaults).  NULL on allocation failure (nothing
 * leaked) or when a size exceeds 2^22 entries.  No other call allocates.
 */
struct vsva_caches *vsva_caches_create(const struct vsva_cache_cfg *cfg);
void vsva_caches_destroy(struct vsva_caches *c);
const struct vsva_cache_stats *vsva_caches_stats(const struct vsva_caches *c);
/* Number of live entries, for tests and trace. */
u32 vsva_iotlb_count(const struct vsva_caches *c);
u32 vsva_psc_count(const struct vsva_caches *c, enum vsva_stage stage);
u32 vsva_pasid_cache_count(const struct vsva_caches *c);
u32 vsva_ctx_cache_count(const struct vsva_caches *c);

/*
 * IOTLB: lookup covers every page size (smallest first) and matches the
 * tag (DID, PASID) exactly; insert evicts one entry (CLOCK) when full and
 * replaces an entry with the same tag, page and size.  insert returns
 * -EINVAL unless size_lg2 is 12/21/30, iova is aligned to it and the PASID
 * fits in 20 bits.  Pointers returned by any lookup stay valid until the
 * next insert or invalidation on the same vsva_caches.
 */
const struct vsva_iotlb_entry *vsva_iotlb_lookup(struct vsva_caches *c,
						 u16 did, u32 pasid, u64 iova);
int vsva_iotlb_insert(struct vsva_caches *c, const struct vsva_iotlb_entry *e);

/*
 * Paging-structure caches: the deepest cached entry (lowest level >=
 * @min_level) covering @addr, or NULL.  @pasid is ignored for SS (stored
 * as 0).  insert returns -EINVAL for a stage other than FS/SS, a level
 * outside 2..5, an @addr not aligned to the level's span (2M/1G/512G/256T)
 * or a PASID wider than 20 bits.
 */
const struct vsva_psc_entry *vsva_psc_lookup(struct vsva_caches *c,
					     enum vsva_stage stage, u16 did,
					     u32 pasid, u64 addr, u8 min_level);
int vsva_psc_insert(struct vsva_caches *c, const struct vsva_psc_entry *e);

const struct vsva_pasid_cache_entry *
vsva_pasid_cache_lookup(struct vsva_caches *c, u16 rid, u32 pasid);
int vsva_pasid_cache_insert(struct vsva_caches *c,
			    const struct vsva_pasid_cache_entry *e);

const struct vsva_ctx_cache_entry *vsva_ctx_cache_lookup(struct vsva_caches *c,
							 u16 rid);
int vsva_ctx_cache_insert(struct vsva_caches *c,
			  const struct vsva_ctx_cache_entry *e);

/*
 * Architected invalidations (VT-d 3.x 6.5.2).  @am is the address mask
 * (2^am pages, @addr aligned to it; rounded down if not); @ih the
 * invalidation hint (leaf entries only: paging-structure caches are kept,
 * except the first-stage ones an IOTLB page-selective invalidation always
 * drops).  cache.c states the exact rule of each granularity and why.
 */
/* Context-cache invalidate (6.5.2.1): global / domain / device (SID+FM). */
u32 vsva_inv_ctx_global(struct vsva_caches *c);
u32 vsva_inv_ctx_domain(struct vsva_caches *c, u16 did);
u32 vsva_inv_ctx_device(struct vsva_caches *c, u16 did, u16 sid, u8 fm);
/* PASID-cache invalidate (6.5.2.2): domain / PASID-selective / global. */
u32 vsva_inv_pasid_cache_global(struct vsva_caches *c);
u32 vsva_inv_pasid_cache_domain(struct vsva_caches *c, u16 did);
u32 vsva_inv_pasid_cache_pasid(struct vsva_caches *c, u16 did, u32 pasid);
/* IOTLB invalidate (6.5.2.3): global / domain / page-selective-in-domain. */
u32 vsva_inv_iotlb_global(struct vsva_caches *c);
u32 vsva_inv_iotlb_domain(struct vsva_caches *c, u16 did);
u32 vsva_inv_iotlb_page(struct vsva_caches *c, u16 did, u64 addr, u8 am,
			bool ih);
/* PASID-based IOTLB invalidate (6.5.2.6): PASID-selective / page-selective. */
u32 vsva_inv_piotlb_pasid(struct vsva_caches *c, u16 did, u32 pasid);
u32 vsva_inv_piotlb_page(struct vsva_caches *c, u16 did, u32 pasid, u64 addr,
			 u8 am, bool ih);

#endif /* _VSVA_CACHE_H */
