// SPDX-License-Identifier: GPL-2.0
/*
 * IOTLB -> paging-structure caches -> walk (spec 6.2.1-6.2.4).  First-stage
 * PSC entries are tagged by DID + PASID and hold the host-physical address
 * of the next table (after the second stage when nested); second-stage PSC
 * entries are tagged by DID.  Only present non-leaf entries of a translation
 * that succeeded are cached; a fault caches nothing (6.2.2: faulting
 * translations are not cached).
 */
#include "translate.h"

struct tr_ctx {
	struct vsva_caches *c;
	u16 did;
	u32 pasid;
};

static const struct vsva_psc_entry *tr_psc_lookup(void *ctx,
						  enum vsva_stage stage,
						  u64 addr)
{
	struct tr_ctx *t = ctx;

	return vsva_psc_lookup(t->c, stage, t->did, t->pasid, addr, 2);
}

static bool iotlb_usable(const struct vsva_iotlb_entry *e,
			 const struct vsva_walk_cfg *cfg,
			 const struct vsva_walk_req *req)
{
	if (e->pgtt != cfg->mode)
		return false;
	if ((req->access & e->perm) != req->access)
		return false;
	if (!req->priv && !(e->flags & VSVA_TLB_USER))
		return false;
	if (req->priv && cfg->mode != VSVA_WALK_SS && !cfg->fs.sre)
		return false;
	if ((req->access & VSVA_PERM_W) && !(e->flags & VSVA_TLB_DIRTY))
		return false;
	return true;
}

int vsva_translate(struct vsva_caches *c, const struct vsva_walk_cfg *cfg,
		   u16 did, u32 pasid, const struct vsva_walk_req *req,
		   struct vsva_walk_result *res)
{
	struct vsva_psc_entry rec[VSVA_WALK_MAX_PSC];
	struct tr_ctx t = { .c = c, .did = did, .pasid = pasid };
	struct vsva_walk_hooks h = {
		.lookup = tr_psc_lookup, .ctx = &t,
		.rec = rec, .rec_max = ARRAY_SIZE(rec),
	};
	const struct vsva_iotlb_entry *e;
	struct vsva_iotlb_entry ne;
	u64 off;
	u32 i;
	int ret;

	e = vsva_iotlb_lookup(c, did, pasid, req->addr);
	if (e && iotlb_usable(e, cfg, req)) {
		off = req->addr & (BIT_ULL(e->size_lg2) - 1);
		memset(res, 0, sizeof(*res));
		res->oaddr = e->oaddr | off;
		if (e->flags & VSVA_TLB_NESTED_GPA)
			res->gpa = e->gpa | off;
		res->size_lg2 = e->size_lg2;
		res->perm = e->perm;
		res->flags = e->flags;
		return 0;
	}

	ret = vsva_walk_hooked(cfg, req, res, &h);
	if (ret)
		return ret;

	off = BIT_ULL(res->size_lg2) - 1;
	memset(&ne, 0, sizeof(ne));
	ne.iova = req->addr & ~off;
	ne.oaddr = res->oaddr & ~off;
	ne.gpa = (res->flags & VSVA_TLB_NESTED_GPA) ? res->gpa & ~off : 0;
	ne.pasid = pasid;
	ne.did = did;
	ne.size_lg2 = res->size_lg2;
	ne.perm = res->perm;
	ne.pgtt = cfg->mode;
	ne.flags = res->flags;
	/* Caching is an optimisation: a full or failing cache is no error. */
	vsva_iotlb_insert(c, &ne);
	for (i = 0; i < h.nrec; i++) {
		rec[i].did = did;
		rec[i].pasid = rec[i].stage == VSVA_STAGE_FS ? pasid : 0;
		vsva_psc_insert(c, &rec[i]);
	}
	return 0;
}
