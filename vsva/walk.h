/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VT-d 3.x page walker (spec 3.6 first-stage, 3.7 second-stage, 3.8
 * nested translation): input address -> output address, page size,
 * permissions, or a fault with the spec's reason code (vtd_fault.h), the
 * stage that faulted and the address that faulted.
 *
 * Memory is reached only through vsva/mem.h.  Every table entry read is one
 * memory reference; a cold 4-level first stage nested over a 4-level second
 * stage makes (4 + 1) * 4 + 4 = 24 of them.  Accessed/dirty updates are done
 * with cmpxchg, as hardware does, and only once the whole translation has
 * succeeded; they are counted apart from the reads.
 */
#ifndef _VSVA_WALK_H
#define _VSVA_WALK_H

#include "vsva.h"
#include "mem.h"
#include "cache.h"

/* Translation type; the values are the PASID-entry PGTT encodings. */
enum vsva_walk_mode {
	VSVA_WALK_FS = 1,	/* first stage only: IOVA -> HPA */
	VSVA_WALK_SS = 2,	/* second stage only: GPA -> HPA */
	VSVA_WALK_NESTED = 3,	/* first stage over second stage */
};

/* First-stage controls, from the scalable-mode PASID entry (9.6). */
struct vsva_fs_cfg {
	u64 fsptptr;	/* FSPTPTR: root table (a GPA when nested) */
	u8 levels;	/* 4 or 5 (FSPM 00b / 01b) */
	bool sre;	/* SRE: supervisor requests allowed */
	bool ere;	/* ERE: execute requests allowed */
	bool wpe;	/* WPE: supervisor writes honour R/W */
	bool nxe;	/* XD honoured (else XD is a reserved bit) */
	bool eafe;	/* EAFE: set EA along with A */
	bool fs1gp;	/* CAP.FS1GP: 1 GiB first-stage pages (else PS reserved in PDPE) */
};

/* Second-stage controls, from the PASID entry (9.6). */
struct vsva_ss_cfg {
	u64 ssptptr;	/* SSPTPTR: root table (host-physical) */
	u8 levels;	/* 3, 4 or 5 (AW: 39, 48, 57 bits) */
	bool ssade;	/* SSADE: update A/D in second-stage entries */
	bool ssee;	/* SSEE: X bit controls execute requests */
};

/* One memory reference of a walk, for the optional trace callback. */
enum vsva_walk_ref_kind {
	VSVA_REF_READ = 0,	/* a table entry was read */
	VSVA_REF_AD = 1,	/* A/D bits were set in it (cmpxchg) */
};

struct vsva_walk_ref {
	u64 addr;	/* address of the entry (in cfg->as) */
	u64 val;	/* value read, or value written */
	u64 in_addr;	/* the address this stage translates (IOVA or GPA) */
	u8 stage;	/* VSVA_STAGE_FS / VSVA_STAGE_SS: whose entry */
	u8 level;	/* 5..1 */
	u8 kind;	/* enum vsva_walk_ref_kind */
	/*
	 * Nested SS references: the FS level whose table GPA this SS walk
	 * translates (5..1), or 0 for the final GPA.
	 */
	u8 for_fs_level;
};

typedef void (*vsva_walk_trace_fn)(void *ctx, const struct vsva_walk_ref *r);

struct vsva_walk_cfg {
	const struct vsva_mem *mem;
	u32 as;		/* space of the tables (nested: host-physical) */
	u8 mode;	/* enum vsva_walk_mode */
	u8 haw;		/* host address width, 39..52 */
	bool sc;	/* ECAP.SC: SNP allowed in SS leaves */
	bool dt;	/* ECAP.DT: TM allowed in SS leaves */
	struct vsva_fs_cfg fs;
	struct vsva_ss_cfg ss;
	vsva_walk_trace_fn trace;	/* optional */
	void *trace_ctx;
};

/* A request: address, kind of access (VSVA_PERM_*), privilege. */
struct vsva_walk_req {
	u64 addr;
	u8 access;	/* VSVA_PERM_R, _W (RW for atomics), _X */
	bool priv;	/* supervisor (privileged) request */
};

struct vsva_walk_result {
	u64 oaddr;	/* output address of the byte requested */
	u64 gpa;	/* nested: the GPA the first stage produced */
	u64 fault_addr;	/* input address, or the GPA for a nested SS fault */
	u32 reads;	/* table entries read */
	u32 ad_writes;	/* entries whose A/D bits were set */
	u8 size_lg2;	/* page size of the translation (12, 21, 30) */
	/*
	 * Rights of the page (VSVA_PERM_*): R, W if every level allows writes
	 * in both stages, X if execution is allowed.  A supervisor write that
	 * WPE = 0 lets through a read-only page is granted without W here.
	 */
	u8 perm;
	u8 flags;	/* VSVA_TLB_USER, _GLOBAL, _DIRTY, _NESTED_GPA */
	u8 fault;	/* VTD_FR_*, 0 on success */
	u8 fault_stage;	/* VSVA_STAGE_* */
	u8 fault_level;	/* level of the entry that faulted, 0 if none */
};

/*
 * Paging-structure-cache hooks (vsva/translate.c provides them): @lookup
 * returns the deepest cached entry for @addr of @stage, or NULL; the walker
 * appends each present non-leaf entry it reads to @rec (up to @rec_max,
 * without duplicates) so the caller can cache them once the translation
 * has succeeded.
 */
struct vsva_walk_hooks {
	const struct vsva_psc_entry *(*lookup)(void *ctx, enum vsva_stage stage,
					       u64 addr);
	void *ctx;
	struct vsva_psc_entry *rec;
	u32 rec_max;
	u32 nrec;	/* out */
};

/* Room for every non-leaf entry of a 5-level over 5-level walk. */
#define VSVA_WALK_MAX_PSC	32

/*
 * Translate @req under @cfg (cfg->mode selects the walk).  Returns 0 on
 * success, -EFAULT on a translation fault (res->fault etc. tell which),
 * -EINVAL for an impossible configuration (levels, haw, mode).
 */
int vsva_walk(const struct vsva_walk_cfg *cfg, const struct vsva_walk_req *req,
	      struct vsva_walk_result *res);
/* The same, consulting and recording paging-structure caches. */
int vsva_walk_hooked(const struct vsva_walk_cfg *cfg,
		     const struct vsva_walk_req *req,
		     struct vsva_walk_result *res, struct vsva_walk_hooks *h);

/* Address width of a second stage of @levels (39, 48, 57). */
static inline unsigned int vsva_ss_aw(unsigned int levels)
{
	return 12 + 9 * levels;
}

/* Name of a walk level for trace output ("PML4E", "SS-PDE", ...). */
const char *vsva_walk_level_name(enum vsva_stage stage, unsigned int level);

#endif /* _VSVA_WALK_H */
