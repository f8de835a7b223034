// SPDX-License-Identifier: GPL-2.0
/*
 * Software shadow second stage, for IOMMUs (or policies) without nesting
 * when the guest is offered SLTS: the guest's second-stage table (IOVA ->
 * GPA, in guest memory) merged with the VM's (GPA -> HPA) into a table the
 * host builds (IOVA -> HPA, in host memory), installed as the physical
 * entry's second stage.
 *
 * One shadow table per guest DID (software must give entries with one DID
 * one second-stage table, spec 6.2.1).  It is built at 4 KiB granularity
 * (guest large pages are split: the VM's backing need not be contiguous)
 * and kept in sync by the guest's invalidations: caching mode makes the
 * guest follow every change of its table with an IOTLB invalidation of the
 * range, which resyncs that range only.  Guest entries with R = W = 0 or
 * whose pages the VM has not backed are left unmapped: the device faults
 * on them as on a not-present second-stage entry.
 */
#include <stdlib.h>
#include <string.h>

#include "shadow_internal.h"
#include "sim/memory.h"
#include <nestmed/vtd_pte.h>

#define SST_PERM	(VTD_SSPTE_R | VTD_SSPTE_W)

/* Where the entries of one level come from on the guest side. */
struct sst_src {
	enum { SRC_NONE, SRC_TABLE, SRC_LEAF } kind;
	u64 gpa;		/* guest table, or the page at the range base */
	u64 perm;
};

static u64 *hpage(struct shadow *sh, u64 hpa)
{
	return sim_mem_page(sh->cfg.s->mem, hpa & ~(SIM_PAGE_SIZE - 1));
}

static u64 *gpage(struct shadow *sh, u64 gpa)
{
	u64 hpa;

	if (sim_vm_gpa_to_hpa(sh->cfg.vm, gpa & ~(SIM_PAGE_SIZE - 1), &hpa))
		return NULL;
	return hpage(sh, hpa);
}

static int sst_page(struct shadow *sh, u64 *hpa)
{
	int ret = sim_mem_alloc_page(sh->cfg.s->mem, hpa);

	if (!ret)
		sh->st.sst_pages++;
	return ret;
}

static void free_tree(struct shadow *sh, u64 tbl, int level)
{
	u64 *t = hpage(sh, tbl);

	if (level > 1 && t)
		for (int i = 0; i < 512; i++)
			if (t[i] & SST_PERM)
				free_tree(sh, t[i] & VTD_SSPTE_ADDR, level - 1);
	sim_mem_free_page(sh->cfg.s->mem, tbl);
	sh->st.sst_pages--;
}

/* Resync [lo, hi) of the shadow table @stbl of @level covering @base. */
static void sync_level(struct shadow *sh, int level, const struct sst_src *src,
		       u64 stbl, u64 base, u64 lo, u64 hi)
{
	unsigned int lg2 = 12 + 9 * (level - 1);
	u64 first = (lo - base) >> lg2, last = (hi - 1 - base) >> lg2;
	u64 *gt = src->kind == SRC_TABLE ? gpage(sh, src->gpa) : NULL;

	for (u64 i = first; i <= last; i++) {
		u64 ent = base + (i << lg2), hpa, *st = hpage(sh, stbl);
		u64 elo = lo > ent ? lo : ent;
		u64 ehi = hi < ent + (1ULL << lg2) ? hi : ent + (1ULL << lg2);
		struct sst_src c = { .kind = SRC_NONE };

		if (src->kind == SRC_LEAF) {
			c = *src;
			c.gpa = src->gpa + (ent - base);
		} else if (gt && (gt[i] & SST_PERM)) {
			u64 ge = gt[i];

			c.perm = ge & SST_PERM;
			c.kind = level == 1 || (level <= 3 && (ge & VTD_SSPTE_PS)) ?
				 SRC_LEAF : SRC_TABLE;
			c.gpa = ge & VTD_SSPTE_ADDR;
			if (c.kind == SRC_LEAF)	/* a large page's base */
				c.gpa &= ~((1ULL << lg2) - 1);
		}
		if (level == 1) {
			st[i] = c.kind == SRC_LEAF &&
				!sim_vm_gpa_to_hpa(sh->cfg.vm, c.gpa, &hpa) ?
				(hpa & VTD_SSPTE_ADDR) | c.perm : 0;
			continue;
		}
		if (c.kind == SRC_NONE) {
			if (st[i] & SST_PERM)
				free_tree(sh, st[i] & VTD_SSPTE_ADDR, level - 1);
			st[i] = 0;
			continue;
		}
		if (!(st[i] & SST_PERM)) {
			if (sst_page(sh, &hpa))
				continue;	/* out of memory: left unmapped */
			st = hpage(sh, stbl);
			st[i] = hpa | SST_PERM;
		}
		sync_level(sh, level - 1, &c, st[i] & VTD_SSPTE_ADDR, ent, elo,
			   ehi);
	}
}

static void sst_sync_range(struct shadow *sh, struct sh_sst *t, u64 lo, u64 hi)
{
	u64 top = 1ULL << (12 + 9 * t->levels);
	struct sst_src src = { .kind = SRC_TABLE, .gpa = t->groot };

	if (hi > top || hi < lo)
		hi = top;
	if (lo >= hi)
		return;
	sh->st.sst_syncs++;
	sync_level(sh, t->levels, &src, t->root, 0, lo, hi);
}

int sh_sst_get(struct shadow *sh, u16 gdid, u64 groot, u8 levels,
	       struct sh_sst **out)
{
	struct sh_sst *t;

	for (t = sh->ssts; t; t = t->next) {
		if (t->gdid != gdid)
			continue;
		/* One DID, one second-stage table (6.2.1). */
		if (t->groot != groot || t->levels != levels)
			return -EBUSY;
		t->refs++;
		*out = t;
		return 0;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	if (sst_page(sh, &t->root)) {
		free(t);
		return -ENOMEM;
	}
	t->gdid = gdid;
	t->groot = groot;
	t->levels = levels;
	t->refs = 1;
	t->next = sh->ssts;
	sh->ssts = t;
	sh->st.sst_tables++;
	sst_sync_range(sh, t, 0, ~0ULL);
	*out = t;
	return 0;
}

void sh_sst_put(struct shadow *sh, struct sh_sst *t)
{
	struct sh_sst **pp;

	if (--t->refs)
		return;
	for (pp = &sh->ssts; *pp != t; pp = &(*pp)->next)
		;
	*pp = t->next;
	free_tree(sh, t->root, t->levels);
	free(t);
}

void sh_sst_sync(struct shadow *sh, int gdid, u64 addr, u8 size_lg2)
{
	u64 hi = size_lg2 >= 64 ? ~0ULL : addr + (1ULL << size_lg2);

	for (struct sh_sst *t = sh->ssts; t; t = t->next)
		if (gdid < 0 || t->gdid == gdid)
			sst_sync_range(sh, t, addr, hi);
}

int sh_sst_lookup(struct shadow *sh, const struct sh_sst *t, u64 iova,
		  u64 *hpa)
{
	u64 tbl = t->root;

	for (int level = t->levels; level >= 1; level--) {
		u64 e = hpage(sh, tbl)[(iova >> (12 + 9 * (level - 1))) & 511];

		if (!(e & SST_PERM))
			return -ENOENT;
		tbl = e & VTD_SSPTE_ADDR;
	}
	*hpa = tbl | (iova & 0xfff);
	return 0;
}
