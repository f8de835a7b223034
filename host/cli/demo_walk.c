// SPDX-License-Identifier: GPL-2.0
/*
 * `nestmed demo walk`: a 4-level first stage nested over a 4-level second
 * stage, built in memory, translated once cold (every one of the 24 memory
 * references printed, stage by stage) and once more hitting the IOTLB.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <nestmed/vtd_fault.h>
#include <nestmed/vtd_pte.h>

#include "cli.h"
#include "translate.h"

#define DEMO_HPA_BASE	0x100000000ULL	/* host memory: 1 MiB at 4 GiB */
#define DEMO_HPA_SIZE	0x100000ULL
#define DEMO_IOVA	((u64)0x00007f1234567abcULL)
#define DEMO_DID	7
#define DEMO_PASID	0x42

/* Host page tables (second stage) */
#define SS_PML4		(DEMO_HPA_BASE + 0x0000)
#define SS_PDPT		(DEMO_HPA_BASE + 0x1000)
#define SS_PD		(DEMO_HPA_BASE + 0x2000)
#define SS_PT		(DEMO_HPA_BASE + 0x3000)
/* Guest memory: GPA 0x200000 + n * 4K lives at HPA base + 0x10000 + n * 4K */
#define GPA_BASE	0x200000ULL
#define GPA_HPA(gpa)	(DEMO_HPA_BASE + 0x10000 + ((gpa) - GPA_BASE))
/* Guest page tables (first stage), at guest-physical addresses */
#define FS_PML4		(GPA_BASE + 0x1000)
#define FS_PDPT		(GPA_BASE + 0x2000)
#define FS_PD		(GPA_BASE + 0x3000)
#define FS_PT		(GPA_BASE + 0x4000)
#define DATA_GPA	(GPA_BASE + 0x5000)

struct demo {
	struct vsva_flatmem fm;
	struct vsva_mem mem;
	struct vsva_walk_cfg cfg;
	unsigned int n;
};

static void put(struct demo *d, u64 hpa, u64 val)
{
	*vsva_flatmem_ptr(&d->fm, hpa) = val;
}

static int demo_build(struct demo *d, void *buf)
{
	static const u64 fs_tables[] = { FS_PML4, FS_PDPT, FS_PD, FS_PT };
	u64 gpa;
	unsigned int lvl;

	vsva_flatmem_init(&d->fm, buf, DEMO_HPA_BASE, DEMO_HPA_SIZE,
			  VSVA_AS_HPA);
	d->mem = vsva_flatmem_mem(&d->fm);

	/* Second stage: GPA 0x200000..0x3fffff, 4 KiB pages, R|W */
	put(d, SS_PML4 + 8 * vtd_pt_index(GPA_BASE, 4), SS_PDPT | 0x3);
	put(d, SS_PDPT + 8 * vtd_pt_index(GPA_BASE, 3), SS_PD | 0x3);
	put(d, SS_PD + 8 * vtd_pt_index(GPA_BASE, 2), SS_PT | 0x3);
	for (gpa = FS_PML4; gpa <= DATA_GPA; gpa += VSVA_PAGE_SIZE)
		put(d, SS_PT + 8 * vtd_pt_index(gpa, 1), GPA_HPA(gpa) | 0x3);

	/* First stage: P|R/W|U/S at every level, the leaf maps DATA_GPA */
	for (lvl = 4; lvl >= 1; lvl--) {
		u64 table = fs_tables[4 - lvl];
		u64 next = lvl > 1 ? fs_tables[5 - lvl] : DATA_GPA;

		put(d, GPA_HPA(table) + 8 * vtd_pt_index(DEMO_IOVA, lvl),
		    next | 0x7);
	}

	d->cfg.mem = &d->mem;
	d->cfg.as = VSVA_AS_HPA;
	d->cfg.mode = VSVA_WALK_NESTED;
	d->cfg.haw = 46;
	d->cfg.fs.levels = 4;
	d->cfg.fs.fsptptr = FS_PML4;
	d->cfg.fs.ere = true;
	d->cfg.fs.nxe = true;
	d->cfg.fs.fs1gp = true;
	d->cfg.ss.levels = 4;
	d->cfg.ss.ssptptr = SS_PML4;
	return 0;
}

static const char *perm_str(u64 r, u64 w, u64 x, char *buf)
{
	buf[0] = r ? 'R' : '-';
	buf[1] = w ? 'W' : '-';
	buf[2] = x ? 'X' : '-';
	buf[3] = '\0';
	return buf;
}

/* The table a first-stage level's entries live in. */
static const char *fs_table_name(unsigned int level)
{
	static const char *const names[] = { "?", "PT", "PD", "PDPT", "PML4",
					     "PML5" };

	return level < 6 ? names[level] : names[0];
}

static void demo_trace(void *ctx, const struct vsva_walk_ref *r)
{
	struct demo *d = ctx;
	const char *name = vsva_walk_level_name(r->stage, r->level);
	bool ps = r->level > 1 && (r->val & BIT_ULL(7));
	bool leaf = r->level == 1 || ps;
	char p[4];

	if (r->kind == VSVA_REF_AD) {
		printf("       A/D  %-9s HPA %#011llx <- %#018llx"
		       "  set %s\n", name, r->addr, r->val,
		       r->stage == VSVA_STAGE_FS ?
		       (r->val & VTD_FSPTE_D ? "A and D" : "A") :
		       (r->val & VTD_SSPTE_D ? "A and D" : "A"));
		return;
	}
	d->n++;
	if (r->stage == VSVA_STAGE_SS && r->level == 4) {
		if (r->for_fs_level)
			printf("   -- second stage: GPA %#llx"
			       " of the guest's %s table --\n", r->in_addr,
			       fs_table_name(r->for_fs_level));
		else
			printf("   -- second stage: the final GPA %#llx"
			       " --\n", r->in_addr);
	}
	printf("  %2u  %s  %-9s HPA %#011llx  %#018llx  ",
	       d->n, r->stage == VSVA_STAGE_FS ? "FS" : "SS", name, r->addr,
	       r->val);
	if (r->stage == VSVA_STAGE_SS) {
		perm_str(vtd_sspte_r(r->val), vtd_sspte_w(r->val),
			 vtd_sspte_x(r->val), p);
		if (leaf)
			printf("%s page at HPA %#llx (%s)\n",
			       ps ? "large" : "4K",
			       vtd_sspte_leaf_addr(r->val, r->level), p);
		else
			printf("next SS table at HPA %#llx (%s)\n",
			       vtd_sspte_addr(r->val), p);
		return;
	}
	perm_str(1, vtd_fspte_rw(r->val), !vtd_fspte_xd(r->val), p);
	printf("index %u: %s at GPA %#llx (P %s%s)\n",
	       vtd_pt_index(r->in_addr, r->level),
	       leaf ? "page" : "next FS table",
	       leaf ? vtd_fspte_leaf_addr(r->val, r->level) :
		      vtd_fspte_addr(r->val),
	       p, vtd_fspte_us(r->val) ? " user" : " supervisor");
}

static void print_result(const struct vsva_walk_result *res)
{
	char p[4];

	perm_str(res->perm & VSVA_PERM_R, res->perm & VSVA_PERM_W,
		 res->perm & VSVA_PERM_X, p);
	printf("  IOVA %#llx -> GPA %#llx -> HPA %#llx"
	       ", %u KiB page, %s%s%s\n", DEMO_IOVA, res->gpa, res->oaddr,
	       1u << (res->size_lg2 - 10), p,
	       res->flags & VSVA_TLB_USER ? ", user" : "",
	       res->flags & VSVA_TLB_DIRTY ? ", dirty" : "");
	printf("  %u memory reads, %u A/D writes\n", res->reads,
	       res->ad_writes);
}

int cmd_demo_walk(int argc, char **argv)
{
	struct vsva_cache_cfg cc = { 0 };
	struct vsva_walk_req req = { .addr = DEMO_IOVA,
				     .access = VSVA_PERM_R };
	struct vsva_walk_result res;
	struct vsva_caches *c;
	struct demo d = { 0 };
	void *buf;
	int ret;

	(void)argc;
	(void)argv;
	buf = calloc(1, DEMO_HPA_SIZE);
	c = vsva_caches_create(&cc);
	if (!buf || !c) {
		fprintf(stderr, "nestmed: out of memory\n");
		free(buf);
		vsva_caches_destroy(c);
		return CLI_FAIL;
	}
	demo_build(&d, buf);
	d.cfg.trace = demo_trace;
	d.cfg.trace_ctx = &d;

	printf("nestmed demo walk: a DMA read of IOVA %#llx"
	       " (PASID %#x, domain %u)\n", DEMO_IOVA, DEMO_PASID, DEMO_DID);
	printf("  first stage  (guest page tables): 4-level, FSPTPTR = GPA %#llx"
	       "\n", (u64)FS_PML4);
	printf("  second stage (host page tables):  4-level, SSPTPTR = HPA %#llx"
	       "\n", (u64)SS_PML4);
	printf("\nCold translation (IOTLB and paging-structure caches empty).\n"
	       "Each first-stage table pointer is a guest-physical address, so\n"
	       "the second stage translates it before the entry can be read.\n\n");
	printf("   #  st  level     entry address    value               "
	       "meaning\n");

	ret = vsva_translate(c, &d.cfg, DEMO_DID, DEMO_PASID, &req, &res);
	if (ret) {
		fprintf(stderr, "nestmed: demo walk faulted: reason %#x (%s), "
			"stage %u, address %#llx\n", res.fault,
			vtd_fault_reason_str(res.fault), res.fault_stage,
			res.fault_addr);
		ret = CLI_FAIL;
		goto out;
	}
	printf("\nResult:\n");
	print_result(&res);
	printf("  = 4 first-stage tables x (4 second-stage reads + 1) "
	       "+ 4 for the final GPA\n");

	printf("\nSame translation again, through the IOTLB:\n");
	d.n = 0;
	ret = vsva_translate(c, &d.cfg, DEMO_DID, DEMO_PASID, &req, &res);
	if (ret) {
		fprintf(stderr, "nestmed: second translation faulted\n");
		ret = CLI_FAIL;
		goto out;
	}
	print_result(&res);
	printf("  (IOTLB hit: %u memory references)\n", res.reads);
	printf("\nCached now: %u IOTLB entry, %u first-stage and %u "
	       "second-stage paging-structure entries\n",
	       vsva_iotlb_count(c), vsva_psc_count(c, VSVA_STAGE_FS),
	       vsva_psc_count(c, VSVA_STAGE_SS));
	ret = CLI_OK;
out:
	vsva_caches_destroy(c);
	free(buf);
	return ret;
}
