// SPDX-License-Identifier: GPL-2.0
/*
 * VT-d 3.x page walks: first stage (spec 3.6, IA-32e paging with 4 or 5
 * levels), second stage (3.7, 3, 4 or 5 levels) and nested (3.8: every
 * first-stage table pointer and the final GPA go through the second stage).
 *
 * Access rights (3.6.2): reads need P only (and U/S = 1 on every level for
 * a user request); writes need R/W = 1 on every level, except supervisor
 * writes with WPE = 0; execute requests need ERE and, with NXE, XD = 0 on
 * every level.  Supervisor requests need SRE.  In the second stage an entry
 * with R = W = 0 is not present, reads need R, writes W, execute requests X
 * when SSEE = 1 (R otherwise).
 *
 * A/D updates (3.6.3, 3.7.3) are queued while walking and made with
 * cmpxchg only when the whole translation succeeds, so a faulting request
 * leaves memory untouched.  First-stage A (and EA with EAFE) is set in every
 * entry used, D in the leaf on writes; second-stage A/D only with SSADE.  In
 * a nested walk, setting A/D in a first-stage entry is a write through the
 * second stage and needs W there (fault 0x77).
 */
#include "walk.h"

#include <nestmed/vtd_fault.h>
#include <nestmed/vtd_pte.h>

/* Distinct entries a 5-over-5 walk can leave with A/D to set: 5 + 6 * 5. */
#define WALK_MAX_AD	40

struct ad_update {
	u64 addr;
	u64 old;
	u16 bits;
	u8 stage;
	u8 level;
};

/* The second-stage translation of one GPA. */
struct ss_out {
	u64 hpa;
	u64 leaf_addr;	/* where the leaf entry lives (for a later D update) */
	u64 leaf_val;
	u8 size_lg2;
	u8 perm;
	u8 level;
};

struct walk {
	const struct vsva_walk_cfg *cfg;
	struct vsva_walk_result *res;
	struct vsva_walk_hooks *h;
	u8 for_fs_level;	/* trace context of SS references */
	u32 nad;
	struct ad_update ad[WALK_MAX_AD];
};

static int walk_fault(struct walk *w, u8 fr, u8 stage, u8 level, u64 addr)
{
	w->res->fault = fr;
	w->res->fault_stage = stage;
	w->res->fault_level = level;
	w->res->fault_addr = addr;
	return -EFAULT;
}

static void walk_trace(struct walk *w, u8 kind, u8 stage, u8 level, u64 addr,
		       u64 val, u64 in_addr)
{
	struct vsva_walk_ref r = {
		.addr = addr, .val = val, .in_addr = in_addr, .stage = stage,
		.level = level, .kind = kind,
		.for_fs_level = stage == VSVA_STAGE_SS ? w->for_fs_level : 0,
	};

	w->cfg->trace(w->cfg->trace_ctx, &r);
}

/*
 * Read one entry.  Flat memory, the common case of the models, tests and
 * benchmarks, is read inline (same checks and counters as flatmem.c) to
 * spare an indirect call per reference, as INDIRECT_CALL_1() does in Linux.
 */
static __always_inline int walk_read(struct walk *w, u64 addr, u64 *val,
				     u8 stage, u8 level, u64 in_addr)
{
	const struct vsva_mem *m = w->cfg->mem;
	int ret;

	if (likely(m->ops == &vsva_flatmem_ops)) {
		struct vsva_flatmem *fm = m->ctx;
		u64 *p = w->cfg->as == fm->as ? vsva_flatmem_ptr(fm, addr) :
						NULL;

		if (unlikely(!p))
			return addr & 7 ? -EINVAL : -EFAULT;
		fm->reads++;
		*val = READ_ONCE(*p);
	} else {
		ret = vsva_read64(m, w->cfg->as, addr, val);
		if (unlikely(ret))
			return ret;
	}
	w->res->reads++;
	if (unlikely(w->cfg->trace))
		walk_trace(w, VSVA_REF_READ, stage, level, addr, *val, in_addr);
	return 0;
}

/* Queue setting @bits in the entry at @addr last read as @old. */
static void ad_queue(struct walk *w, u64 addr, u64 old, u16 bits, u8 stage,
		     u8 level)
{
	u32 i;

	for (i = 0; i < w->nad; i++) {
		if (w->ad[i].addr == addr) {
			w->ad[i].bits |= bits;
			return;
		}
	}
	if (w->nad >= WALK_MAX_AD)	/* cannot happen: see WALK_MAX_AD */
		return;
	w->ad[w->nad++] = (struct ad_update){ addr, old, bits, stage, level };
}

/*
 * Make the queued A/D updates.  If an entry changed since it was read,
 * retry as long as only its A/D bits differ (another agent set some); any
 * other change means software rewrote it, and the update is dropped, as
 * the translation must be redone anyway.
 */
static void ad_apply(struct walk *w)
{
	const struct vsva_walk_cfg *cfg = w->cfg;
	u32 i;

	for (i = 0; i < w->nad; i++) {
		const struct ad_update *a = &w->ad[i];
		u64 ad_mask = a->stage == VSVA_STAGE_FS ?
			VTD_FSPTE_A | VTD_FSPTE_D | VTD_FSPTE_EA :
			VTD_SSPTE_A | VTD_SSPTE_D;
		u64 old = a->old, cur;
		int tries;

		for (tries = 0; tries < 4 && (old & a->bits) != a->bits;
		     tries++) {
			if (vsva_cmpxchg64(cfg->mem, cfg->as, a->addr, old,
					   old | a->bits, &cur))
				break;
			if (cur == old) {
				w->res->ad_writes++;
				if (unlikely(cfg->trace))
					walk_trace(w, VSVA_REF_AD, a->stage,
						   a->level, a->addr,
						   old | a->bits, 0);
				break;
			}
			if ((cur ^ old) & ~ad_mask)
				break;
			old = cur;
		}
	}
}

/* Record a present non-leaf entry for the paging-structure caches. */
static struct vsva_psc_entry *psc_record(struct walk *w, u8 stage, u8 level,
					 u64 addr, u64 table, u64 table_gpa,
					 u8 perm, u8 flags)
{
	struct vsva_walk_hooks *h = w->h;
	struct vsva_psc_entry *e;
	u32 i;

	addr &= ~(BIT_ULL(vtd_pt_level_lg2(level)) - 1);
	for (i = 0; i < h->nrec; i++) {
		e = &h->rec[i];
		if (e->stage == stage && e->level == level && e->addr == addr)
			return e;
	}
	if (h->nrec >= h->rec_max)
		return NULL;
	e = &h->rec[h->nrec++];
	memset(e, 0, sizeof(*e));
	e->addr = addr;
	e->table = table;
	e->table_gpa = table_gpa;
	e->stage = stage;
	e->level = level;
	e->perm = perm;
	e->flags = flags;
	return e;
}

static const struct vsva_psc_entry *psc_lookup(struct walk *w, u8 stage,
					       u64 addr, unsigned int top)
{
	const struct vsva_psc_entry *e;

	if (!w->h || !w->h->lookup)
		return NULL;
	e = w->h->lookup(w->h->ctx, stage, addr);
	if (e && e->level >= 2 && e->level <= top)
		return e;
	return NULL;
}

/*
 * Second-stage walk of @gpa: structural faults only (access error, not
 * present, reserved bits), reported against @gpa; the caller checks
 * permissions.  Queues A updates when SSADE.
 */
static int ss_walk(struct walk *w, u64 gpa, struct ss_out *o)
{
	const struct vsva_walk_cfg *cfg = w->cfg;
	unsigned int level = cfg->ss.levels;
	u64 table = cfg->ss.ssptptr;
	u8 perm = VSVA_PERM_R | VSVA_PERM_W | VSVA_PERM_X;
	const struct vsva_psc_entry *e;
	u64 v, ea;

	e = psc_lookup(w, VSVA_STAGE_SS, gpa, level);
	if (e) {
		level = e->level - 1;
		table = e->table;
		perm = e->perm;
	} else if (table & (vtd_pte_above_haw(cfg->haw) | 0xfff)) {
		return walk_fault(w, VTD_FR_SM_SS_PTR_INVALID, VSVA_STAGE_SS,
				  0, gpa);
	}

	for (;;) {
		unsigned int lg2 = vtd_pt_level_lg2(level);
		bool ps;

		ea = table + 8 * vtd_pt_index(gpa, level);
		if (walk_read(w, ea, &v, VSVA_STAGE_SS, level, gpa))
			return walk_fault(w, VTD_FR_SM_SS_ACCESS,
					  VSVA_STAGE_SS, level, gpa);
		if (!(v & (VTD_SSPTE_R | VTD_SSPTE_W)))
			return walk_fault(w, VTD_FR_SM_SS_NOT_PRESENT,
					  VSVA_STAGE_SS, level, gpa);
		ps = level > 1 && (v & VTD_SSPTE_PS);
		if (v & vtd_sspte_rsvd_mask(level, ps, cfg->haw, cfg->sc,
					    cfg->dt))
			return walk_fault(w, VTD_FR_SM_SS_RSVD, VSVA_STAGE_SS,
					  level, gpa);
		/* R/W/X are bits 0/1/2 in the entry and in VSVA_PERM_*. */
		perm &= v & (VTD_SSPTE_R | VTD_SSPTE_W | VTD_SSPTE_X);
		if (cfg->ss.ssade && !(v & VTD_SSPTE_A))
			ad_queue(w, ea, v, VTD_SSPTE_A, VSVA_STAGE_SS, level);
		if (level == 1 || ps) {
			o->hpa = vtd_sspte_leaf_addr(v, level) |
				 (gpa & (BIT_ULL(lg2) - 1));
			o->size_lg2 = lg2;
			o->level = level;
			o->leaf_addr = ea;
			o->leaf_val = v;
			break;
		}
		table = v & VTD_SSPTE_ADDR;
		if (w->h && w->h->rec)
			psc_record(w, VSVA_STAGE_SS, level, gpa, table, 0,
				   perm, 0);
		level--;
	}
	if (!cfg->ss.ssee)
		perm = (perm & ~VSVA_PERM_X) |
		       (perm & VSVA_PERM_R ? VSVA_PERM_X : 0);
	o->perm = perm;
	return 0;
}

/* Second-stage permission check of a request to @gpa. */
static int ss_check(struct walk *w, const struct ss_out *o, u8 access,
		    u64 gpa)
{
	u8 fr = 0;

	if ((access & VSVA_PERM_R) && !(o->perm & VSVA_PERM_R))
		fr = VTD_FR_SM_NO_READ;
	else if ((access & VSVA_PERM_W) && !(o->perm & VSVA_PERM_W))
		fr = VTD_FR_SM_NO_WRITE;
	else if ((access & VSVA_PERM_X) && !(o->perm & VSVA_PERM_X))
		fr = w->cfg->ss.ssee ? VTD_FR_SM_NO_EXEC : VTD_FR_SM_NO_READ;
	if (fr)
		return walk_fault(w, fr, VSVA_STAGE_SS, o->level, gpa);
	return 0;
}

/* Nested: translate the GPA of a first-stage table (read access). */
static int nested_table(struct walk *w, u64 gpa, unsigned int fs_level,
			bool root, struct ss_out *o)
{
	const struct vsva_walk_cfg *cfg = w->cfg;

	if (gpa >> vsva_ss_aw(cfg->ss.levels))
		return walk_fault(w, VTD_FR_SM_FS_NESTED_MGAW, VSVA_STAGE_FS,
				  fs_level, w->res->fault_addr);
	w->for_fs_level = fs_level;
	if (ss_walk(w, gpa, o))
		return -EFAULT;
	if (!(o->perm & VSVA_PERM_R))
		return walk_fault(w, root ? VTD_FR_SM_FS_NESTED_ROOT_READ :
				  VTD_FR_SM_FS_NESTED_READ, VSVA_STAGE_SS,
				  o->level, gpa);
	return 0;
}

/*
 * Nested: an A/D update of the FS entry at @entry_gpa is a write through
 * the second stage; @o is the SS translation of its table (or NULL when the
 * table came from the paging-structure cache and must be translated now).
 */
static int nested_ad_write(struct walk *w, const struct ss_out *o,
			   u64 entry_gpa, unsigned int fs_level)
{
	struct ss_out tmp;

	if (!o) {
		if (nested_table(w, entry_gpa & VSVA_PAGE_MASK, fs_level,
				 false, &tmp))
			return -EFAULT;
		o = &tmp;
	}
	if (!(o->perm & VSVA_PERM_W))
		return walk_fault(w, VTD_FR_SM_FS_NESTED_WRITE, VSVA_STAGE_SS,
				  o->level, entry_gpa);
	if (w->cfg->ss.ssade && !(o->leaf_val & VTD_SSPTE_D))
		ad_queue(w, o->leaf_addr, o->leaf_val, VTD_SSPTE_D,
			 VSVA_STAGE_SS, o->level);
	return 0;
}

static bool fs_canonical(u64 va, unsigned int levels)
{
	unsigned int sh = 64 - vtd_pt_level_lg2(levels + 1);

	return (u64)((s64)(va << sh) >> sh) == va;
}

static int fs_walk(struct walk *w, const struct vsva_walk_req *req,
		   bool nested)
{
	const struct vsva_walk_cfg *cfg = w->cfg;
	const struct vsva_fs_cfg *fs = &cfg->fs;
	struct vsva_walk_result *res = w->res;
	const u64 va = req->addr;
	unsigned int top = fs->levels, level = top, lg2;
	u64 table = fs->fsptptr, table_hpa, table_gpa = 0, v, ea, oaddr;
	u8 perm = VSVA_PERM_R | VSVA_PERM_W | VSVA_PERM_X;
	bool user = true, from_psc = false, dirty;
	bool recording = w->h && w->h->rec;
	const struct vsva_psc_entry *pe;
	struct vsva_psc_entry *pend = NULL;
	struct ss_out tso, so;
	const struct ss_out *tsop = NULL;
	u16 need;

	res->fault_addr = va;	/* default address of FS faults */
	if (req->priv && !fs->sre)
		return walk_fault(w, VTD_FR_SM_PASID_SRE, VSVA_STAGE_FS, 0, va);
	if ((req->access & VSVA_PERM_X) && !fs->ere)
		return walk_fault(w, VTD_FR_SM_PASID_ERE, VSVA_STAGE_FS, 0, va);
	if (!fs_canonical(va, top))
		return walk_fault(w, VTD_FR_SM_NONCANONICAL, VSVA_STAGE_FS, 0,
				  va);

	pe = psc_lookup(w, VSVA_STAGE_FS, va, top);
	if (pe) {
		level = pe->level - 1;
		table = pe->table;
		table_gpa = pe->table_gpa;
		perm = pe->perm;
		user = pe->flags & VSVA_TLB_USER;
		from_psc = true;
	} else if ((table & 0xfff) ||
		   (!nested && (table & vtd_pte_above_haw(cfg->haw)))) {
		return walk_fault(w, VTD_FR_SM_FS_ROOT_ACCESS, VSVA_STAGE_FS,
				  top, va);
	}

	for (;;) {
		unsigned int idx = vtd_pt_index(va, level);
		bool ps, root = level == top && !from_psc;

		if (nested && !from_psc) {
			table_gpa = table;
			if (nested_table(w, table, level, root, &tso))
				return -EFAULT;
			table_hpa = tso.hpa;
			tsop = &tso;
			if (pend)
				pend->table = table_hpa;
		} else {
			table_hpa = table;
			tsop = NULL;
			from_psc = false;
		}
		ea = table_hpa + 8 * idx;
		if (walk_read(w, ea, &v, VSVA_STAGE_FS, level, va))
			return walk_fault(w, root ? VTD_FR_SM_FS_ROOT_ACCESS :
					  VTD_FR_SM_FS_ACCESS, VSVA_STAGE_FS,
					  level, va);
		if (!(v & VTD_FSPTE_P))
			return walk_fault(w, VTD_FR_SM_FS_NOT_PRESENT,
					  VSVA_STAGE_FS, level, va);
		ps = (level == 2 || level == 3) && (v & VTD_FSPTE_PS);
		if ((v & vtd_fspte_rsvd_mask(level, ps, cfg->haw, fs->nxe)) ||
		    (ps && level == 3 && !fs->fs1gp))
			return walk_fault(w, VTD_FR_SM_FS_RSVD, VSVA_STAGE_FS,
					  level, va);
		if (!(v & VTD_FSPTE_RW))
			perm &= ~VSVA_PERM_W;
		if (!(v & VTD_FSPTE_US))
			user = false;
		if (fs->nxe && (v & VTD_FSPTE_XD))
			perm &= ~VSVA_PERM_X;

		need = (VTD_FSPTE_A | (fs->eafe ? VTD_FSPTE_EA : 0)) & ~v;
		if ((level == 1 || ps) && (req->access & VSVA_PERM_W))
			need |= VTD_FSPTE_D & ~v;
		if (need) {
			if (nested && nested_ad_write(w, tsop, table_gpa +
						      8 * idx, level))
				return -EFAULT;
			ad_queue(w, ea, v, need, VSVA_STAGE_FS, level);
		}
		if (level == 1 || ps)
			break;

		table = v & VTD_FSPTE_ADDR;
		if (recording)
			pend = psc_record(w, VSVA_STAGE_FS, level, va,
					  nested ? 0 : table,
					  nested ? table : 0, perm,
					  user ? VSVA_TLB_USER : 0);
		level--;
	}

	lg2 = vtd_pt_level_lg2(level);
	oaddr = vtd_fspte_leaf_addr(v, level) | (va & (BIT_ULL(lg2) - 1));
	if (!req->priv && !user)
		return walk_fault(w, VTD_FR_SM_US, VSVA_STAGE_FS, level, va);
	if ((req->access & VSVA_PERM_W) && !(perm & VSVA_PERM_W) &&
	    (!req->priv || fs->wpe))
		return walk_fault(w, VTD_FR_SM_NO_WRITE, VSVA_STAGE_FS, level,
				  va);
	if ((req->access & VSVA_PERM_X) && !(perm & VSVA_PERM_X))
		return walk_fault(w, VTD_FR_SM_NO_EXEC, VSVA_STAGE_FS, level,
				  va);
	if (!fs->ere)
		perm &= ~VSVA_PERM_X;

	dirty = (v & VTD_FSPTE_D) || (req->access & VSVA_PERM_W);
	res->flags = (user ? VSVA_TLB_USER : 0) |
		     ((v & VTD_FSPTE_G) ? VSVA_TLB_GLOBAL : 0);
	res->size_lg2 = lg2;

	if (nested) {
		u64 gpa = oaddr;

		if (gpa >> vsva_ss_aw(cfg->ss.levels))
			return walk_fault(w, VTD_FR_SM_FS_NESTED_MGAW,
					  VSVA_STAGE_FS, level, va);
		w->for_fs_level = 0;
		if (ss_walk(w, gpa, &so) || ss_check(w, &so, req->access, gpa))
			return -EFAULT;
		if (cfg->ss.ssade && !(so.leaf_val & VTD_SSPTE_D)) {
			if (req->access & VSVA_PERM_W)
				ad_queue(w, so.leaf_addr, so.leaf_val,
					 VTD_SSPTE_D, VSVA_STAGE_SS, so.level);
			else
				dirty = false;
		}
		perm &= so.perm;
		res->gpa = gpa;
		res->flags |= VSVA_TLB_NESTED_GPA;
		oaddr = so.hpa;
		res->size_lg2 = min(lg2, (unsigned int)so.size_lg2);
	}
	if (dirty)
		res->flags |= VSVA_TLB_DIRTY;
	res->perm = perm;
	res->oaddr = oaddr;
	return 0;
}

static int ss_only_walk(struct walk *w, const struct vsva_walk_req *req)
{
	const struct vsva_walk_cfg *cfg = w->cfg;
	struct vsva_walk_result *res = w->res;
	u64 gpa = req->addr;
	struct ss_out so;
	bool dirty = true;

	if (gpa >> vsva_ss_aw(cfg->ss.levels))
		return walk_fault(w, VTD_FR_SM_ADDR_BEYOND_MAX, VSVA_STAGE_SS,
				  0, gpa);
	w->for_fs_level = 0;
	if (ss_walk(w, gpa, &so) || ss_check(w, &so, req->access, gpa))
		return -EFAULT;
	if (cfg->ss.ssade && !(so.leaf_val & VTD_SSPTE_D)) {
		if (req->access & VSVA_PERM_W)
			ad_queue(w, so.leaf_addr, so.leaf_val, VTD_SSPTE_D,
				 VSVA_STAGE_SS, so.level);
		else
			dirty = false;
	}
	res->oaddr = so.hpa;
	res->size_lg2 = so.size_lg2;
	res->perm = so.perm;
	res->flags = VSVA_TLB_USER | (dirty ? VSVA_TLB_DIRTY : 0);
	return 0;
}

static bool walk_cfg_valid(const struct vsva_walk_cfg *cfg)
{
	bool fs = cfg->mode == VSVA_WALK_FS || cfg->mode == VSVA_WALK_NESTED;
	bool ss = cfg->mode == VSVA_WALK_SS || cfg->mode == VSVA_WALK_NESTED;

	if (!fs && !ss)
		return false;
	if (cfg->haw < 32 || cfg->haw > 52)
		return false;
	if (fs && cfg->fs.levels != 4 && cfg->fs.levels != 5)
		return false;
	if (ss && (cfg->ss.levels < 3 || cfg->ss.levels > 5))
		return false;
	return true;
}

int vsva_walk_hooked(const struct vsva_walk_cfg *cfg,
		     const struct vsva_walk_req *req,
		     struct vsva_walk_result *res, struct vsva_walk_hooks *h)
{
	struct walk w;
	int ret;

	memset(res, 0, sizeof(*res));
	if (!walk_cfg_valid(cfg))
		return -EINVAL;
	w.cfg = cfg;
	w.res = res;
	w.h = h;
	w.nad = 0;
	w.for_fs_level = 0;
	if (h)
		h->nrec = 0;
	if (cfg->mode == VSVA_WALK_SS)
		ret = ss_only_walk(&w, req);
	else
		ret = fs_walk(&w, req, cfg->mode == VSVA_WALK_NESTED);
	if (ret)
		return ret;
	ad_apply(&w);
	return 0;
}

int vsva_walk(const struct vsva_walk_cfg *cfg, const struct vsva_walk_req *req,
	      struct vsva_walk_result *res)
{
	return vsva_walk_hooked(cfg, req, res, NULL);
}

const char *vsva_walk_level_name(enum vsva_stage stage, unsigned int level)
{
	static const char *const fs[] = {
		"?", "PTE", "PDE", "PDPE", "PML4E", "PML5E",
	};
	static const char *const ss[] = {
		"SS-?", "SS-PTE", "SS-PDE", "SS-PDPE", "SS-PML4E", "SS-PML5E",
	};

	if (level >= ARRAY_SIZE(fs))
		level = 0;
	return stage == VSVA_STAGE_SS ? ss[level] : fs[level];
}
