// SPDX-License-Identifier: GPL-2.0
/*
 * VT-d 3.x translation caches: context cache, PASID cache, IOTLB and the
 * first- and second-stage paging-structure caches (spec 6.1 - 6.2), with the
 * architected invalidation operations of spec 6.5.2.
 *
 * Organisation.  Every structure is a fixed pool of slots indexed by a
 * chained hash (u32 links, bucket count the power of two >= 2 * slots, so
 * chains average below one entry).  A lookup computes one hash per candidate
 * tag (per page size for the IOTLB, per level for the paging-structure
 * caches) and follows one short chain: no allocation and no scan of the
 * structure.  When a structure is full, insert evicts exactly one entry
 * chosen by CLOCK (second chance): every hit sets the slot's reference
 * state, the hand clears it and takes the first slot it finds unreferenced.
 * A freshly inserted entry starts unreferenced (the walk that inserted it
 * was its use), so an entry that is hit again survives a stream of one-shot
 * translations; with no hits CLOCK evicts in insertion order.  Re-inserting
 * an existing tag counts as a hit.  Invalidations walk the slot array once per
 * structure they touch, i.e. they cost O(structure size).
 *
 * Tagging.  IOTLB entries are tagged (DID, PASID, page); a global (FS G=1)
 * entry is still found only by the PASID that walked it.  Hardware may share
 * global translations between the PASIDs of a domain but never has to
 * (caching is implementation-specific, spec 6.2.4), so matching exactly
 * is correct; the invalidations below still treat a global entry as
 * belonging to every PASID of its DID where that is the conservative reading.
 */
#include "cache.h"
#include <nestmed/vtd.h>

#define CT_NIL		0xffffffffU
#define CT_MAX_ENTRIES	(1U << 22)	/* sanity bound on a configuration */

/* Slot states: free, live and not referenced since the hand passed, live
 * and referenced. */
enum { CT_FREE = 0, CT_LIVE = 1, CT_REF = 2 };

struct ct_hdr {
	u32 next;	/* hash chain link, or free-list link */
	u32 bucket;	/* bucket the slot is chained on */
	u8 state;	/* CT_* */
};

/* One bounded structure: slots of @stride bytes, each starting with ct_hdr. */
struct ctab {
	u8 *slots;
	u32 *bucket;
	u32 stride;
	u32 cap;	/* slots */
	u32 nr;		/* live slots */
	u32 hand;	/* CLOCK hand */
	u32 free;	/* free-list head */
	u32 hshift;	/* 64 - log2(bucket count) */
};

struct iotlb_slot {
	struct ct_hdr h;
	struct vsva_iotlb_entry e;
};

struct psc_slot {
	struct ct_hdr h;
	struct vsva_psc_entry e;
};

struct pc_slot {
	struct ct_hdr h;
	struct vsva_pasid_cache_entry e;
};

struct ctx_slot {
	struct ct_hdr h;
	struct vsva_ctx_cache_entry e;
};

/* IOTLB page sizes, probed smallest first. */
#define IOTLB_NSIZES	3
static const u8 iotlb_size_lg2[IOTLB_NSIZES] = { 12, 21, 30 };

/* Paging-structure cache levels 2..5, indexed level - 2. */
#define PSC_MIN_LEVEL	2
#define PSC_MAX_LEVEL	5
#define PSC_NLEVELS	(PSC_MAX_LEVEL - PSC_MIN_LEVEL + 1)

struct psc_tab {
	struct ctab t;
	u32 nr_level[PSC_NLEVELS];
};

struct vsva_caches {
	struct ctab iotlb;
	u32 iotlb_nr_size[IOTLB_NSIZES];	/* probe only sizes present */
	struct psc_tab psc_fs, psc_ss;
	struct ctab pasid;
	struct ctab ctx;
	struct vsva_cache_stats stats;
};

/* ---------------------------------------------------------------------- */
/* The bounded hashed pool shared by all structures.                       */

static inline struct ct_hdr *ct_hdr(const struct ctab *t, u32 i)
{
	return (struct ct_hdr *)(t->slots + (size_t)i * t->stride);
}

/* Multiplicative hashing: the tag is mixed once, the key per probe. */
static inline u64 ct_tag_mix(u64 tag)
{
	return tag * 0xff51afd7ed558ccdULL;
}

static inline u32 ct_hash_mixed(const struct ctab *t, u64 key, u64 tag_mix)
{
	return (u32)(((key ^ tag_mix) * 0x9e3779b97f4a7c15ULL) >> t->hshift);
}

static inline u32 ct_hash(const struct ctab *t, u64 key, u64 tag)
{
	return ct_hash_mixed(t, key, ct_tag_mix(tag));
}

static int ct_init(struct ctab *t, u32 cap, u32 stride)
{
	u32 nb = 2, lg2 = 1, i;

	while (nb < 2 * cap) {
		nb <<= 1;
		lg2++;
	}
	t->stride = stride;
	t->cap = cap;
	t->nr = 0;
	t->hand = 0;
	t->hshift = 64 - lg2;
	t->slots = vsva_kcalloc(cap, stride);
	if (!t->slots)
		return -ENOMEM;
	t->bucket = vsva_kcalloc(nb, sizeof(*t->bucket));
	if (!t->bucket)
		return -ENOMEM;
	memset(t->bucket, 0xff, (size_t)nb * sizeof(*t->bucket));
	for (i = 0; i < cap; i++)
		ct_hdr(t, i)->next = i + 1 < cap ? i + 1 : CT_NIL;
	t->free = 0;
	return 0;
}

static void ct_fini(struct ctab *t)
{
	vsva_kfree(t->bucket);
	vsva_kfree(t->slots);
}

/* Chain a slot taken from the free list into @b; it starts unreferenced. */
static u32 ct_insert(struct ctab *t, u32 b)
{
	u32 i = t->free;
	struct ct_hdr *h = ct_hdr(t, i);

	t->free = h->next;
	h->bucket = b;
	h->next = t->bucket[b];
	h->state = CT_LIVE;
	t->bucket[b] = i;
	t->nr++;
	return i;
}

static void ct_remove(struct ctab *t, u32 i)
{
	struct ct_hdr *h = ct_hdr(t, i);
	u32 *p = &t->bucket[h->bucket];

	while (*p != i)
		p = &ct_hdr(t, *p)->next;
	*p = h->next;
	h->state = CT_FREE;
	h->next = t->free;
	t->free = i;
	t->nr--;
}

/*
 * CLOCK victim of a full structure: clear reference states from the hand on
 * and return the first slot found unreferenced (at most cap + 1 steps, since
 * every slot is live).
 */
static u32 ct_victim(struct ctab *t)
{
	for (;;) {
		u32 i = t->hand;
		struct ct_hdr *h = ct_hdr(t, i);

		t->hand = i + 1 < t->cap ? i + 1 : 0;
		if (h->state == CT_LIVE)
			return i;
		h->state = CT_LIVE;
	}
}

static inline void ct_touch(struct ct_hdr *h)
{
	if (h->state != CT_REF)
		h->state = CT_REF;
}

/* ---------------------------------------------------------------------- */
/* Create / destroy / introspection.                                       */

static u32 cfg_or(u32 v, u32 def)
{
	return v ? v : def;
}

void vsva_caches_destroy(struct vsva_caches *c)
{
	if (!c)
		return;
	ct_fini(&c->ctx);
	ct_fini(&c->pasid);
	ct_fini(&c->psc_ss.t);
	ct_fini(&c->psc_fs.t);
	ct_fini(&c->iotlb);
	vsva_kfree(c);
}

struct vsva_caches *vsva_caches_create(const struct vsva_cache_cfg *cfg)
{
	static const struct vsva_cache_cfg defaults;
	struct vsva_caches *c;
	u32 n_iotlb, n_psc, n_pasid, n_ctx;

	if (!cfg)
		cfg = &defaults;
	n_iotlb = cfg_or(cfg->iotlb_entries, 4096);
	n_psc = cfg_or(cfg->psc_entries, 512);
	n_pasid = cfg_or(cfg->pasid_entries, 1024);
	n_ctx = cfg_or(cfg->ctx_entries, 256);
	if (n_iotlb > CT_MAX_ENTRIES || n_psc > CT_MAX_ENTRIES ||
	    n_pasid > CT_MAX_ENTRIES || n_ctx > CT_MAX_ENTRIES)
		return NULL;

	/* Zeroed, so destroy() may run on a partly built object. */
	c = vsva_kzalloc(sizeof(*c));
	if (!c)
		return NULL;
	if (ct_init(&c->iotlb, n_iotlb, sizeof(struct iotlb_slot)) ||
	    ct_init(&c->psc_fs.t, n_psc, sizeof(struct psc_slot)) ||
	    ct_init(&c->psc_ss.t, n_psc, sizeof(struct psc_slot)) ||
	    ct_init(&c->pasid, n_pasid, sizeof(struct pc_slot)) ||
	    ct_init(&c->ctx, n_ctx, sizeof(struct ctx_slot))) {
		vsva_caches_destroy(c);
		return NULL;
	}
	return c;
}

const struct vsva_cache_stats *vsva_caches_stats(const struct vsva_caches *c)
{
	return &c->stats;
}

u32 vsva_iotlb_count(const struct vsva_caches *c)
{
	return c->iotlb.nr;
}

u32 vsva_psc_count(const struct vsva_caches *c, enum vsva_stage stage)
{
	if (stage == VSVA_STAGE_FS)
		return c->psc_fs.t.nr;
	if (stage == VSVA_STAGE_SS)
		return c->psc_ss.t.nr;
	return 0;
}

u32 vsva_pasid_cache_count(const struct vsva_caches *c)
{
	return c->pasid.nr;
}

u32 vsva_ctx_cache_count(const struct vsva_caches *c)
{
	return c->ctx.nr;
}

/* ---------------------------------------------------------------------- */
/* IOTLB.                                                                  */

static inline struct iotlb_slot *iotlb_slot(const struct vsva_caches *c, u32 i)
{
	return &((struct iotlb_slot *)c->iotlb.slots)[i];
}

static inline u64 iotlb_tag(u16 did, u32 pasid)
{
	return ct_tag_mix(((u64)did << 32) | pasid);
}

static inline u32 iotlb_bucket(const struct vsva_caches *c, u16 did,
			       u32 pasid, u64 base)
{
	return ct_hash_mixed(&c->iotlb, base, iotlb_tag(did, pasid));
}

static int iotlb_size_idx(u8 size_lg2)
{
	switch (size_lg2) {
	case 12:
		return 0;
	case 21:
		return 1;
	case 30:
		return 2;
	}
	return -1;
}

const struct vsva_iotlb_entry *vsva_iotlb_lookup(struct vsva_caches *c,
						 u16 did, u32 pasid, u64 iova)
{
	u64 tag = iotlb_tag(did, pasid);
	int k;

	for (k = 0; k < IOTLB_NSIZES; k++) {
		u64 base = iova & ~((1ULL << iotlb_size_lg2[k]) - 1);
		u32 i;

		if (!c->iotlb_nr_size[k])
			continue;
		i = c->iotlb.bucket[ct_hash_mixed(&c->iotlb, base, tag)];
		while (i != CT_NIL) {
			struct iotlb_slot *s = iotlb_slot(c, i);

			if (s->e.iova == base && s->e.did == did &&
			    s->e.pasid == pasid &&
			    s->e.size_lg2 == iotlb_size_lg2[k]) {
				ct_touch(&s->h);
				c->stats.iotlb_hits++;
				return &s->e;
			}
			i = s->h.next;
		}
	}
	c->stats.iotlb_misses++;
	return NULL;
}

static void iotlb_drop(struct vsva_caches *c, u32 i)
{
	c->iotlb_nr_size[iotlb_size_idx(iotlb_slot(c, i)->e.size_lg2)]--;
	ct_remove(&c->iotlb, i);
}

int vsva_iotlb_insert(struct vsva_caches *c, const struct vsva_iotlb_entry *e)
{
	int k = iotlb_size_idx(e->size_lg2);
	u32 b, i;

	if (k < 0 || (e->iova & ((1ULL << e->size_lg2) - 1)) ||
	    e->pasid >= VSVA_PASID_MAX)
		return -EINVAL;
	b = iotlb_bucket(c, e->did, e->pasid, e->iova);
	for (i = c->iotlb.bucket[b]; i != CT_NIL; i = iotlb_slot(c, i)->h.next) {
		struct iotlb_slot *s = iotlb_slot(c, i);

		if (s->e.iova == e->iova && s->e.did == e->did &&
		    s->e.pasid == e->pasid && s->e.size_lg2 == e->size_lg2) {
			s->e = *e;
			ct_touch(&s->h);
			return 0;
		}
	}
	if (c->iotlb.free == CT_NIL) {
		iotlb_drop(c, ct_victim(&c->iotlb));
		c->stats.iotlb_evictions++;
	}
	i = ct_insert(&c->iotlb, b);
	iotlb_slot(c, i)->e = *e;
	c->iotlb_nr_size[k]++;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Paging-structure caches.                                                */

/* Input-address span mapped by an entry at @level: 2M at 2 ... 256T at 5. */
static inline u8 psc_span_lg2(u8 level)
{
	return 12 + 9 * (level - 1);
}

static inline struct psc_tab *psc_tab(struct vsva_caches *c,
				      enum vsva_stage stage)
{
	if (stage == VSVA_STAGE_FS)
		return &c->psc_fs;
	if (stage == VSVA_STAGE_SS)
		return &c->psc_ss;
	return NULL;
}

static inline struct psc_slot *psc_slot(const struct psc_tab *p, u32 i)
{
	return &((struct psc_slot *)p->t.slots)[i];
}

static inline u32 psc_bucket(const struct psc_tab *p, u16 did, u32 pasid,
			     u64 addr, u8 level)
{
	return ct_hash(&p->t, addr | level,
		       ((u64)did << 32) | pasid);
}

const struct vsva_psc_entry *vsva_psc_lookup(struct vsva_caches *c,
					     enum vsva_stage stage, u16 did,
					     u32 pasid, u64 addr, u8 min_level)
{
	struct psc_tab *p = psc_tab(c, stage);
	u8 level;

	if (!p)
		return NULL;
	if (stage == VSVA_STAGE_SS)
		pasid = 0;	/* SS entries are tagged by DID only */
	if (min_level < PSC_MIN_LEVEL)
		min_level = PSC_MIN_LEVEL;
	for (level = min_level; level <= PSC_MAX_LEVEL; level++) {
		u64 base = addr & ~((1ULL << psc_span_lg2(level)) - 1);
		u32 i;

		if (!p->nr_level[level - PSC_MIN_LEVEL])
			continue;
		i = p->t.bucket[psc_bucket(p, did, pasid, base, level)];
		while (i != CT_NIL) {
			struct psc_slot *s = psc_slot(p, i);

			if (s->e.addr == base && s->e.level == level &&
			    s->e.did == did && s->e.pasid == pasid) {
				ct_touch(&s->h);
				c->stats.psc_hits++;
				return &s->e;
			}
			i = s->h.next;
		}
	}
	c->stats.psc_misses++;
	return NULL;
}

static void psc_drop(struct psc_tab *p, u32 i)
{
	p->nr_level[psc_slot(p, i)->e.level - PSC_MIN_LEVEL]--;
	ct_remove(&p->t, i);
}

int vsva_psc_insert(struct vsva_caches *c, const struct vsva_psc_entry *e)
{
	struct psc_tab *p = psc_tab(c, e->stage);
	struct vsva_psc_entry n = *e;
	u32 b, i;

	if (!p || e->level < PSC_MIN_LEVEL || e->level > PSC_MAX_LEVEL ||
	    (e->addr & ((1ULL << psc_span_lg2(e->level)) - 1)) ||
	    e->pasid >= VSVA_PASID_MAX)
		return -EINVAL;
	if (n.stage == VSVA_STAGE_SS)
		n.pasid = 0;
	b = psc_bucket(p, n.did, n.pasid, n.addr, n.level);
	for (i = p->t.bucket[b]; i != CT_NIL; i = psc_slot(p, i)->h.next) {
		struct psc_slot *s = psc_slot(p, i);

		if (s->e.addr == n.addr && s->e.level == n.level &&
		    s->e.did == n.did && s->e.pasid == n.pasid) {
			s->e = n;
			ct_touch(&s->h);
			return 0;
		}
	}
	if (p->t.free == CT_NIL) {
		psc_drop(p, ct_victim(&p->t));
		c->stats.psc_evictions++;
	}
	i = ct_insert(&p->t, b);
	psc_slot(p, i)->e = n;
	p->nr_level[n.level - PSC_MIN_LEVEL]++;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* PASID cache and context cache.                                          */

static inline struct pc_slot *pc_slot(const struct vsva_caches *c, u32 i)
{
	return &((struct pc_slot *)c->pasid.slots)[i];
}

const struct vsva_pasid_cache_entry *
vsva_pasid_cache_lookup(struct vsva_caches *c, u16 rid, u32 pasid)
{
	u32 i = c->pasid.bucket[ct_hash(&c->pasid, pasid, rid)];

	while (i != CT_NIL) {
		struct pc_slot *s = pc_slot(c, i);

		if (s->e.pasid == pasid && s->e.rid == rid) {
			ct_touch(&s->h);
			c->stats.pasid_hits++;
			return &s->e;
		}
		i = s->h.next;
	}
	c->stats.pasid_misses++;
	return NULL;
}

int vsva_pasid_cache_insert(struct vsva_caches *c,
			    const struct vsva_pasid_cache_entry *e)
{
	u32 b, i;

	if (e->pasid >= VSVA_PASID_MAX)
		return -EINVAL;
	b = ct_hash(&c->pasid, e->pasid, e->rid);
	for (i = c->pasid.bucket[b]; i != CT_NIL; i = pc_slot(c, i)->h.next) {
		struct pc_slot *s = pc_slot(c, i);

		if (s->e.pasid == e->pasid && s->e.rid == e->rid) {
			s->e = *e;
			ct_touch(&s->h);
			return 0;
		}
	}
	if (c->pasid.free == CT_NIL) {
		ct_remove(&c->pasid, ct_victim(&c->pasid));
		c->stats.pasid_evictions++;
	}
	i = ct_insert(&c->pasid, b);
	pc_slot(c, i)->e = *e;
	return 0;
}

static inline struct ctx_slot *ctx_slot(const struct vsva_caches *c, u32 i)
{
	return &((struct ctx_slot *)c->ctx.slots)[i];
}

const struct vsva_ctx_cache_entry *vsva_ctx_cache_lookup(struct vsva_caches *c,
							 u16 rid)
{
	u32 i = c->ctx.bucket[ct_hash(&c->ctx, rid, 0)];

	while (i != CT_NIL) {
		struct ctx_slot *s = ctx_slot(c, i);

		if (s->e.rid == rid) {
			ct_touch(&s->h);
			c->stats.ctx_hits++;
			return &s->e;
		}
		i = s->h.next;
	}
	c->stats.ctx_misses++;
	return NULL;
}

int vsva_ctx_cache_insert(struct vsva_caches *c,
			  const struct vsva_ctx_cache_entry *e)
{
	u32 b = ct_hash(&c->ctx, e->rid, 0), i;

	for (i = c->ctx.bucket[b]; i != CT_NIL; i = ctx_slot(c, i)->h.next) {
		struct ctx_slot *s = ctx_slot(c, i);

		if (s->e.rid == e->rid) {
			s->e = *e;
			ct_touch(&s->h);
			return 0;
		}
	}
	if (c->ctx.free == CT_NIL) {
		ct_remove(&c->ctx, ct_victim(&c->ctx));
		c->stats.ctx_evictions++;
	}
	i = ct_insert(&c->ctx, b);
	ctx_slot(c, i)->e = *e;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Invalidation machinery: one pass over a structure with a predicate.     */

struct inv_arg {
	u64 addr;	/* page-selective: start, aligned down to the range */
	u32 pasid;
	u16 did;
	u16 sid;
	u16 sid_mask;	/* context cache device-selective: SID bits compared */
	u8 range_lg2;	/* page-selective: log2 bytes, 64 = everything */
};

/*
 * Two naturally aligned power-of-two blocks overlap iff one contains the
 * other, i.e. iff they agree above the larger size.  So an entry bigger
 * than the invalidated range (a 2M page hit by a 4K invalidation) overlaps.
 */
static bool overlaps(u64 a, unsigned int a_lg2, u64 b, unsigned int b_lg2)
{
	unsigned int s = max(a_lg2, b_lg2);

	return s >= 64 || (a >> s) == (b >> s);
}

static void inv_range(struct inv_arg *a, u64 addr, u8 am)
{
	unsigned int lg2 = VSVA_PAGE_SHIFT + am;

	if (lg2 >= 64) {
		a->range_lg2 = 64;
		a->addr = 0;
		return;
	}
	a->range_lg2 = lg2;
	/*
	 * ADDR must be aligned to 2^AM pages (6.5.2.3/6.5.2.4; the codec
	 * rejects it otherwise).  Rounding down only ever widens the range.
	 */
	a->addr = addr & ~((1ULL << lg2) - 1);
}

typedef bool (*iotlb_pred)(const struct vsva_iotlb_entry *e,
			   const struct inv_arg *a);
typedef bool (*psc_pred)(const struct vsva_psc_entry *e,
			 const struct inv_arg *a);

static u32 inv_iotlb(struct vsva_caches *c, iotlb_pred match,
		     const struct inv_arg *a)
{
	u32 i, n = 0;

	for (i = 0; i < c->iotlb.cap && c->iotlb.nr; i++) {
		struct iotlb_slot *s = iotlb_slot(c, i);

		if (s->h.state != CT_FREE && match(&s->e, a)) {
			iotlb_drop(c, i);
			n++;
		}
	}
	return n;
}

static u32 inv_psc(struct psc_tab *p, psc_pred match, const struct inv_arg *a)
{
	u32 i, n = 0;

	for (i = 0; i < p->t.cap && p->t.nr; i++) {
		struct psc_slot *s = psc_slot(p, i);

		if (s->h.state != CT_FREE && match(&s->e, a)) {
			psc_drop(p, i);
			n++;
		}
	}
	return n;
}

static u32 inv_done(struct vsva_caches *c, u32 dropped)
{
	c->stats.invalidations++;
	c->stats.dropped += dropped;
	return dropped;
}

static bool iotlb_any(const struct vsva_iotlb_entry *e, const struct inv_arg *a)
{
	return true;
}

static bool iotlb_did(const struct vsva_iotlb_entry *e, const struct inv_arg *a)
{
	return e->did == a->did;
}

static bool psc_any(const struct vsva_psc_entry *e, const struct inv_arg *a)
{
	return true;
}

static bool psc_did(const struct vsva_psc_entry *e, const struct inv_arg *a)
{
	return e->did == a->did;
}

/* ---------------------------------------------------------------------- */
/* Context-cache invalidate (spec 6.5.2.1).                                */

/* Global: every cached context entry. */
u32 vsva_inv_ctx_global(struct vsva_caches *c)
{
	u32 n = c->ctx.nr;
	u32 i;

	for (i = 0; i < c->ctx.cap; i++)
		if (ctx_slot(c, i)->h.state != CT_FREE)
			ct_remove(&c->ctx, i);
	return inv_done(c, n);
}

static u32 inv_ctx(struct vsva_caches *c,
		   bool (*match)(const struct vsva_ctx_cache_entry *e,
				 const struct inv_arg *a),
		   const struct inv_arg *a)
{
	u32 i, n = 0;

	for (i = 0; i < c->ctx.cap && c->ctx.nr; i++) {
		struct ctx_slot *s = ctx_slot(c, i);

		if (s->h.state != CT_FREE && match(&s->e, a)) {
			ct_remove(&c->ctx, i);
			n++;
		}
	}
	return inv_done(c, n);
}

/*
 * Domain-selective: the entries whose DID matches.  In scalable mode the
 * context entry has no DID (cached with did = 0) and hardware ignores the
 * descriptor's DID field (Linux intel_context_flush_no_pasid() relies on
 * it), so a DID cannot select scalable-mode entries: they are all dropped.
 * Legacy entries with DID 0 are dropped too; dropping more is always safe.
 */
static bool ctx_did(const struct vsva_ctx_cache_entry *e,
		    const struct inv_arg *a)
{
	return e->did == a->did || e->did == 0;
}

u32 vsva_inv_ctx_domain(struct vsva_caches *c, u16 did)
{
	struct inv_arg a = { .did = did };

	return inv_ctx(c, ctx_did, &a);
}

/*
 * Device-selective: the source-ids named by SID and FM.  FM masks function
 * number bits of SID (for phantom functions): 00 none, 01 bit 2, 10 bits
 * 2:1, 11 bits 2:0 (6.5.2.1, CCMD_REG.FM).  The DID field is not used for
 * matching: in legacy mode software must name the entries' own DID, in
 * scalable mode hardware ignores it.
 */
static bool ctx_sid(const struct vsva_ctx_cache_entry *e,
		    const struct inv_arg *a)
{
	return (e->rid & a->sid_mask) == (a->sid & a->sid_mask);
}

u32 vsva_inv_ctx_device(struct vsva_caches *c, u16 did, u16 sid, u8 fm)
{
	static const u16 fm_bits[4] = { 0x0, 0x4, 0x6, 0x7 };
	struct inv_arg a = {
		.did = did,
		.sid = sid,
		.sid_mask = (u16)~fm_bits[fm & 3],
	};

	return inv_ctx(c, ctx_sid, &a);
}

/* ---------------------------------------------------------------------- */
/* PASID-cache invalidate (spec 6.5.2.2).                                  */
/*
 * Matching is by the DID in the cached PASID entry, across every RID.  A
 * PASID-cache invalidation does not touch the IOTLB or paging-structure
 * caches: software follows it with the IOTLB / PASID-based-IOTLB
 * invalidation that the guidance table (6.5.3.3) prescribes for the PGTT.
 */
static u32 inv_pc(struct vsva_caches *c, bool any, bool by_pasid, u16 did,
		  u32 pasid)
{
	u32 i, n = 0;

	for (i = 0; i < c->pasid.cap && c->pasid.nr; i++) {
		struct pc_slot *s = pc_slot(c, i);

		if (s->h.state == CT_FREE)
			continue;
		if (!any && (s->e.did != did ||
			     (by_pasid && s->e.pasid != pasid)))
			continue;
		ct_remove(&c->pasid, i);
		n++;
	}
	return inv_done(c, n);
}

/* Global (G=11b): every PASID-cache entry. */
u32 vsva_inv_pasid_cache_global(struct vsva_caches *c)
{
	return inv_pc(c, true, false, 0, 0);
}

/* Domain-selective (G=00b): every PASID of the DID. */
u32 vsva_inv_pasid_cache_domain(struct vsva_caches *c, u16 did)
{
	return inv_pc(c, false, false, did, 0);
}

/* PASID-selective-within-domain (G=01b): the (DID, PASID) entries. */
u32 vsva_inv_pasid_cache_pasid(struct vsva_caches *c, u16 did, u32 pasid)
{
	return inv_pc(c, false, true, did, pasid);
}

/* ---------------------------------------------------------------------- */
/* IOTLB invalidate (spec 6.5.2.3).                                        */

/* Global: all IOTLB entries and all paging-structure-cache entries. */
u32 vsva_inv_iotlb_global(struct vsva_caches *c)
{
	struct inv_arg a = { 0 };
	u32 n;

	n = inv_iotlb(c, iotlb_any, &a);
	n += inv_psc(&c->psc_fs, psc_any, &a);
	n += inv_psc(&c->psc_ss, psc_any, &a);
	return inv_done(c, n);
}

/*
 * Domain-selective: every IOTLB and paging-structure-cache entry of the DID
 * (first-stage, second-stage, nested and pass-through; every PASID).
 */
u32 vsva_inv_iotlb_domain(struct vsva_caches *c, u16 did)
{
	struct inv_arg a = { .did = did };
	u32 n;

	n = inv_iotlb(c, iotlb_did, &a);
	n += inv_psc(&c->psc_fs, psc_did, &a);
	n += inv_psc(&c->psc_ss, psc_did, &a);
	return inv_done(c, n);
}

/*
 * Page-selective-within-domain, IOTLB entries:
 *  - second-stage (PGTT=010b) and pass-through (PGTT=100b) entries of the
 *    DID whose input range overlaps [ADDR, ADDR + 2^AM pages);
 *  - first-stage (001b) and nested (011b) entries of the DID, all of them,
 *    whatever their address: the range names second-stage input addresses
 *    (GPAs), which these entries are not tagged with.  This is what the
 *    spec requires (QEMU's vtd_hash_remove_by_page quotes the rule).  A
 *    narrower filter on the nested entry's final GPA (VSVA_TLB_NESTED_GPA)
 *    would also be unsafe: the walk that produced the entry translated the
 *    GPA of every first-stage table through the second stage too, and a
 *    change to any of those SS mappings makes the entry stale.
 * IH does not apply to IOTLB (leaf) entries.
 */
static bool iotlb_page(const struct vsva_iotlb_entry *e,
		       const struct inv_arg *a)
{
	if (e->did != a->did)
		return false;
	if (e->pgtt != VTD_PGTT_SS && e->pgtt != VTD_PGTT_PT)
		return true;
	return overlaps(e->iova, e->size_lg2, a->addr, a->range_lg2);
}

/* Second-stage PSC entries of the DID mapping GPAs in the range. */
static bool psc_ss_page(const struct vsva_psc_entry *e,
			const struct inv_arg *a)
{
	return e->did == a->did &&
	       overlaps(e->addr, psc_span_lg2(e->level), a->addr, a->range_lg2);
}

/*
 * Page-selective-within-domain, paging-structure caches:
 *  - SS entries of the DID covering the range, unless IH=1 (software says
 *    only leaf SS entries changed);
 *  - FS entries of the DID, all PASIDs, whatever the address and the IH:
 *    the spec drops PSC entries caching first-stage and nested mappings of
 *    the DID.  Keeping them under IH=1 would be wrong in nested mode: an FS
 *    PSC entry holds the host address of an FS table, i.e. table_gpa
 *    translated through a second-stage *leaf*, exactly what IH=1 allows
 *    software to have changed; and the upper-level tables on the way to it
 *    were located through the SS as well, so comparing table_gpa alone
 *    would not be enough either.
 */
u32 vsva_inv_iotlb_page(struct vsva_caches *c, u16 did, u64 addr, u8 am,
			bool ih)
{
	struct inv_arg a = { .did = did };
	u32 n;

	inv_range(&a, addr, am);
	n = inv_iotlb(c, iotlb_page, &a);
	n += inv_psc(&c->psc_fs, psc_did, &a);
	if (!ih)
		n += inv_psc(&c->psc_ss, psc_ss_page, &a);
	return inv_done(c, n);
}

/* ---------------------------------------------------------------------- */
/* PASID-based-IOTLB invalidate (spec 6.5.2.4).                            */
/*
 * Only first-stage and nested translations are tagged by PASID; entries
 * caching second-stage translations (PGTT=010b) and second-stage PSC
 * entries are never affected (software uses IOTLB invalidations for them).
 */

/*
 * PASID-selective (G=10b, "non-globals within PASID", Linux
 * QI_GRAN_NONG_PASID): IOTLB entries of (DID, PASID) except those caching
 * global (FS G=1) mappings.  Pass-through (PGTT=100b) entries of the PASID
 * go too: the guidance table (6.5.3.3, Linux intel_pasid_tear_down_entry())
 * uses this very invalidation when a PT PASID entry changes.
 */
static bool iotlb_pasid(const struct vsva_iotlb_entry *e,
			const struct inv_arg *a)
{
	return e->did == a->did && e->pasid == a->pasid &&
	       e->pgtt != VTD_PGTT_SS && !(e->flags & VSVA_TLB_GLOBAL);
}

/* FS PSC entries of (DID, PASID); PSC entries are never global. */
static bool psc_pasid(const struct vsva_psc_entry *e, const struct inv_arg *a)
{
	return e->did == a->did && e->pasid == a->pasid;
}

u32 vsva_inv_piotlb_pasid(struct vsva_caches *c, u16 did, u32 pasid)
{
	struct inv_arg a = { .did = did, .pasid = pasid };
	u32 n;

	n = inv_iotlb(c, iotlb_pasid, &a);
	n += inv_psc(&c->psc_fs, psc_pasid, &a);
	return inv_done(c, n);
}

/*
 * Page-selective-within-PASID (G=11b): first-stage and nested IOTLB
 * entries of (DID, PASID) overlapping [ADDR, ADDR + 2^AM pages), global
 * ones included.  VT-d 3.0 removed the global-hint field and the
 * all-PASIDs granularities, and software flushes global (kernel SVA)
 * mappings with this granularity (Linux commit 8744daf4b069 "Remove global
 * page flush support"), so it must reach them.  A global mapping belongs to
 * every PASID of the domain, so global entries of the DID cached for any
 * PASID are dropped (conservative: we never share them across PASIDs, but
 * a naming-PASID-only rule would be wrong for an implementation that did).
 * Second-stage and pass-through entries are not affected (spec; QEMU's
 * vtd_hash_remove_by_page_piotlb quotes it).
 */
static bool iotlb_pasid_page(const struct vsva_iotlb_entry *e,
			     const struct inv_arg *a)
{
	if (e->did != a->did || e->pgtt == VTD_PGTT_SS ||
	    e->pgtt == VTD_PGTT_PT)
		return false;
	if (e->pasid != a->pasid && !(e->flags & VSVA_TLB_GLOBAL))
		return false;
	return overlaps(e->iova, e->size_lg2, a->addr, a->range_lg2);
}

/* FS PSC entries of (DID, PASID) covering the range (IH=0 only). */
static bool psc_pasid_page(const struct vsva_psc_entry *e,
			   const struct inv_arg *a)
{
	return e->did == a->did && e->pasid == a->pasid &&
	       overlaps(e->addr, psc_span_lg2(e->level), a->addr, a->range_lg2);
}

u32 vsva_inv_piotlb_page(struct vsva_caches *c, u16 did, u32 pasid, u64 addr,
			 u8 am, bool ih)
{
	struct inv_arg a = { .did = did, .pasid = pasid };
	u32 n;

	inv_range(&a, addr, am);
	n = inv_iotlb(c, iotlb_pasid_page, &a);
	if (!ih)
		n += inv_psc(&c->psc_fs, psc_pasid_page, &a);
	return inv_done(c, n);
}
