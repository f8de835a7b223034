// SPDX-License-Identifier: GPL-2.0
/*
 * Ids of the shadow engine: the guest DID -> host DID map and the index of
 * shadowed guest PASIDs.
 *
 * Host DIDs come from [did_min, did_max] (piommu_caps, or the VM's share
 * of it).  One host DID per guest DID in use, refcounted by the PASIDs
 * whose shadow entry carries it, freed with the last one: the physical
 * IOTLB tags (DID, PASID) then mean what the guest's tags mean, so a
 * guest domain-selective invalidation becomes one physical one.
 *
 * The PASID index has the shape of a PASID table (a directory of 64-entry
 * leaves), so lookups are two loads and the memory follows the PASIDs in
 * use, never 2^20 slots.
 */
#include <stdlib.h>
#include <string.h>

#include "shadow_internal.h"

u16 sh_did_lookup(const struct shadow *sh, u16 gdid)
{
	return sh->g2h[gdid];
}

static int did_alloc(struct shadow *sh, u16 *hdid)
{
	u32 span = (u32)sh->did_max - sh->did_min + 1;

	for (u32 i = 0; i < span; i++) {
		u32 off = (sh->did_next - sh->did_min + i) % span;
		u16 d = (u16)(sh->did_min + off);

		if (!sh->href[d - sh->did_min]) {
			sh->did_next = d == sh->did_max ? sh->did_min : d + 1;
			*hdid = d;
			return 0;
		}
	}
	sh->st.did_exhausted++;
	return -ENOSPC;
}

int sh_did_get(struct shadow *sh, u16 gdid, u16 *hdid)
{
	u16 d = sh->g2h[gdid];
	int ret;

	if (!d) {
		ret = did_alloc(sh, &d);
		if (ret)
			return ret;
		sh->g2h[gdid] = d;
		sh->dids_live++;
		sh->st.did_maps++;
	}
	sh->href[d - sh->did_min]++;
	*hdid = d;
	return 0;
}

void sh_did_put(struct shadow *sh, u16 gdid)
{
	u16 d = sh->g2h[gdid];

	if (!d || !sh->href[d - sh->did_min])
		return;
	if (!--sh->href[d - sh->did_min]) {
		sh->g2h[gdid] = 0;
		sh->dids_live--;
	}
}

struct sh_pasid *sh_rec(const struct shadow *sh, u32 gpasid)
{
	struct sh_pasid **leaf;

	if (gpasid >= (1U << SH_PASID_BITS))
		return NULL;
	leaf = sh->idx[gpasid >> VTD_PASID_DIR_SHIFT];
	return leaf ? leaf[gpasid % VTD_PASID_TBL_ENTRIES] : NULL;
}

struct sh_pasid *sh_rec_add(struct shadow *sh, u32 gpasid)
{
	struct sh_pasid ***slot = &sh->idx[gpasid >> VTD_PASID_DIR_SHIFT];
	struct sh_pasid *r;

	if (!*slot) {
		*slot = calloc(VTD_PASID_TBL_ENTRIES, sizeof(**slot));
		if (!*slot)
			return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->info.guest_pasid = gpasid;
	(*slot)[gpasid % VTD_PASID_TBL_ENTRIES] = r;
	r->next = sh->head.next;
	r->prev = &sh->head;
	sh->head.next->prev = r;
	sh->head.next = r;
	sh->live++;
	return r;
}

void sh_rec_del(struct shadow *sh, struct sh_pasid *r)
{
	u32 p = r->info.guest_pasid;

	sh->idx[p >> VTD_PASID_DIR_SHIFT][p % VTD_PASID_TBL_ENTRIES] = NULL;
	r->prev->next = r->next;
	r->next->prev = r->prev;
	sh->live--;
	free(r);
}

void sh_idx_free(struct shadow *sh)
{
	for (u32 i = 0; i < SH_DIR_ENTRIES; i++) {
		free(sh->idx[i]);
		sh->idx[i] = NULL;
	}
}
