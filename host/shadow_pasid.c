// SPDX-License-Identifier: GPL-2.0
/*
 * Guest PASID entry -> physical PASID entry of the assigned PF.
 *
 * What a guest entry becomes (docs/shadow.md):
 *   PGTT 001b first stage   -> physical nested: FSPTPTR = the guest table
 *                              (a GPA), FSPM/SRE/WPE/EAFE copied, SS = the
 *                              VM's, DID = the host DID of the guest DID
 *   PGTT 100b pass-through  -> physical second stage only, the VM's table
 *                              (only when the policy offers PT)
 *   PGTT 010b second stage  -> physical second stage only over a software
 *                              shadow table (only when the policy offers SLTS)
 *   anything else           -> a guest fault record, nothing programmed
 *
 * The guest entry is re-read on every PASID-cache invalidation that covers
 * it (caching mode: the guest follows every change with one).  An entry
 * equal to the one shadowed is left alone; a changed one is replaced
 * (clear + set); a cleared one is torn down.
 */
#include <stdlib.h>
#include <string.h>

#include "shadow_internal.h"
#include "sim/memory.h"
#include <nestmed/vtd_fault.h>

u64 sh_guest_cap(const struct shadow *sh)
{
	return sh->v ? viommu_cap(sh->v) : sh->gops.cap;
}

u64 sh_guest_ecap(const struct shadow *sh)
{
	return sh->v ? viommu_ecap(sh->v) : sh->gops.ecap;
}

static void guest_fault(struct shadow *sh, u32 gpasid, u8 fr)
{
	struct piommu_fault f = {
		.sid = sh->cfg.guest_rid,
		.pasid_present = true,
		.pasid = gpasid,
		.reason = fr,
	};

	sh->st.guest_faults++;
	if (sh->gops.record_fault)
		sh->gops.record_fault(sh->gops.ctx, &f);
	sim_trace(sh->cfg.s, "shadow", "guest pasid %#x: refused, fault %#x",
		  gpasid, fr);
}

/* What a valid guest entry is to become. */
struct sh_plan {
	u8 phys_pgtt;
	u16 gdid;
	struct piommu_fs_cfg fs;
	u64 ss_root;		/* guest SS table (GPA) */
	u8 ss_levels;
};

/*
 * Check a present guest entry against what the vIOMMU offered; 0 and
 * @plan, or the fault reason (0x5a reserved field, 0x5b invalid entry).
 */
static u8 validate(struct shadow *sh, u32 gpasid,
		   const struct vtd_pasid_entry *ge, struct sh_plan *plan)
{
	u64 cap = sh_guest_cap(sh), ecap = sh_guest_ecap(sh);
	unsigned int haw = vtd_cap_mgaw(cap) + 1;
	u8 pgtt = (u8)vtd_pe_pgtt(ge);

	memset(plan, 0, sizeof(*plan));
	/*
	 * Fields of capabilities the guest was not offered are reserved
	 * (9.6).  ERE, SMEP and SSADE cannot be carried into the physical
	 * entry (struct piommu_fs_cfg), so the vIOMMU never offers ERS,
	 * SMEPS or SLADS and they are reserved whatever ECAP says.
	 */
	if (vtd_pe_rsvd(ge, haw, vtd_ecap_mts(ecap)) ||
	    (vtd_pe_sre(ge) && !vtd_ecap_srs(ecap)) ||
	    (vtd_pe_eafe(ge) && !vtd_ecap_eafs(ecap)) ||
	    vtd_pe_ere(ge) || vtd_pe_smep(ge) || vtd_pe_slade(ge))
		return VTD_FR_SM_PASID_RSVD;
	plan->gdid = (u16)vtd_pe_did(ge);
	/* Caching mode reserves DID 0 (spec 6.2.2); beyond ND is invalid. */
	if (!plan->gdid || plan->gdid >= (1U << vtd_cap_did_bits(cap)))
		return VTD_FR_SM_PASID_INVALID;
	if (gpasid >= (1U << sh->pasid_bits))
		return VTD_FR_SM_PASID_INVALID;
	if (sh->cfg.policy.pasid_ns == VIOMMU_PASID_VCMD &&
	    !(sh->granted[gpasid / 64] & BIT_ULL(gpasid % 64)))
		return VTD_FR_SM_PASID_INVALID;

	switch (pgtt) {
	case VTD_PGTT_FS:
		if (!vtd_ecap_flts(ecap))
			return VTD_FR_SM_PASID_INVALID;
		if (vtd_pe_flpm(ge) > VTD_FSPM_5LVL ||
		    (vtd_pe_flpm(ge) == VTD_FSPM_5LVL && !vtd_cap_fl5lp(cap)))
			return VTD_FR_SM_PASID_INVALID;
		plan->phys_pgtt = VTD_PGTT_NESTED;
		plan->fs.root = vtd_pe_flptptr(ge);
		plan->fs.levels = vtd_pe_flpm(ge) == VTD_FSPM_5LVL ? 5 : 4;
		plan->fs.sre = vtd_pe_sre(ge);
		plan->fs.wpe = vtd_pe_wpe(ge);
		plan->fs.eafe = vtd_pe_eafe(ge);
		return 0;
	case VTD_PGTT_PT:
		if (!sh->cfg.policy.pt || !vtd_ecap_pt(ecap))
			return VTD_FR_SM_PASID_INVALID;
		plan->phys_pgtt = VTD_PGTT_SS;
		return 0;
	case VTD_PGTT_SS:
		if (!sh->cfg.policy.slts || !vtd_ecap_slts(ecap))
			return VTD_FR_SM_PASID_INVALID;
		if (!vtd_pe_aw(ge) || vtd_pe_aw(ge) > 3 ||
		    !(vtd_cap_sagaw(cap) & BIT(vtd_pe_aw(ge))))
			return VTD_FR_SM_PASID_INVALID;
		plan->phys_pgtt = VTD_PGTT_SS;
		plan->ss_root = vtd_pe_slptptr(ge);
		plan->ss_levels = (u8)vtd_aw_levels((unsigned int)vtd_pe_aw(ge));
		return 0;
	default:
		/* Nested (never offered: NEST off) and reserved types. */
		return VTD_FR_SM_PASID_INVALID;
	}
}

void sh_unshadow(struct shadow *sh, struct sh_pasid *r)
{
	int ret = sh->pi->ops->clear(sh->pi, sh->cfg.phys_rid,
				     r->info.phys_pasid);

	if (ret)
		sh->st.phys_errors++;
	sh->st.cleared++;
	sh_did_put(sh, r->info.guest_did);
	if (r->sst)
		sh_sst_put(sh, r->sst);
	sim_trace(sh->cfg.s, "shadow", "guest pasid %#x: unshadowed",
		  r->info.guest_pasid);
	sh_rec_del(sh, r);
}

void sh_unshadow_all(struct shadow *sh)
{
	while (sh->head.next != &sh->head)
		sh_unshadow(sh, sh->head.next);
}

/* Program the physical entry of a validated guest entry; fault on refusal. */
static void program(struct shadow *sh, u32 gpasid,
		    const struct vtd_pasid_entry *ge, const struct sh_plan *plan)
{
	struct piommu *pi = sh->pi;
	u16 rid = sh->cfg.phys_rid;
	struct sh_sst *sst = NULL;
	struct sh_pasid *r;
	u16 hdid;
	int ret;

	if (sh_did_get(sh, plan->gdid, &hdid)) {
		guest_fault(sh, gpasid, VTD_FR_SM_PASID_INVALID);
		return;
	}
	/* Identity values in both namespaces (VCMD hands out host PASIDs). */
	switch (vtd_pe_pgtt(ge)) {
	case VTD_PGTT_FS:
		ret = pi->ops->set_nested(pi, rid, gpasid, hdid, &plan->fs,
					  sh->cfg.vm);
		if (!ret)
			sh->st.nested_set++;
		break;
	case VTD_PGTT_PT:
		ret = pi->ops->set_ss(pi, rid, gpasid, hdid, sh->cfg.vm);
		if (!ret)
			sh->st.pt_set++;
		break;
	default:
		ret = pi->ops->set_ss_table ?
		      sh_sst_get(sh, plan->gdid, plan->ss_root,
				 plan->ss_levels, &sst) : -EOPNOTSUPP;
		if (!ret)
			ret = pi->ops->set_ss_table(pi, rid, gpasid, hdid,
						    sst->root, sst->levels);
		if (!ret)
			sh->st.ss_set++;
		else if (sst)
			sh_sst_put(sh, sst);
		break;
	}
	if (!ret) {
		r = sh_rec_add(sh, gpasid);
		if (!r) {
			pi->ops->clear(pi, rid, gpasid);
			if (sst)
				sh_sst_put(sh, sst);
			ret = -ENOMEM;
		} else {
			r->ge = *ge;
			r->sst = sst;
			r->seen = sh->gen;
			r->info.phys_pasid = gpasid;
			r->info.guest_did = plan->gdid;
			r->info.host_did = hdid;
			r->info.guest_pgtt = (u8)vtd_pe_pgtt(ge);
			r->info.phys_pgtt = plan->phys_pgtt;
			r->info.fs_root = plan->fs.root;
			r->info.fs_levels = plan->fs.levels;
			r->info.sre = plan->fs.sre;
			r->info.wpe = plan->fs.wpe;
			r->info.eafe = plan->fs.eafe;
			sim_trace(sh->cfg.s, "shadow",
				  "guest pasid %#x did %u -> pgtt %u did %u",
				  gpasid, plan->gdid, plan->phys_pgtt, hdid);
			return;
		}
	}
	/* The host cannot honour it: the guest learns, nothing is left. */
	sh->st.phys_errors++;
	sh_did_put(sh, plan->gdid);
	guest_fault(sh, gpasid, VTD_FR_SM_PASID_INVALID);
}

/* Walk errors that mean "a guest programming error", not "absent". */
static bool fault_worthy(u8 fr)
{
	switch (fr) {
	case VTD_FR_SM_ROOT_RSVD:
	case VTD_FR_SM_CTX_RSVD:
	case VTD_FR_SM_CTX_INVALID:
	case VTD_FR_SM_PDIR_RSVD:
	case VTD_FR_SM_PASID_RSVD:
	case VTD_FR_SM_PASID_INVALID:
		return true;
	default:
		return false;
	}
}

/* Make the physical entry match guest entry @ge (read with @ret, @fr). */
static void sync_entry(struct shadow *sh, u32 gpasid, int ret,
		       const struct vtd_pasid_entry *ge, u8 fr)
{
	struct sh_pasid *r = sh_rec(sh, gpasid);
	struct sh_plan plan;
	bool present = !ret && vtd_pe_p(ge);

	sh->st.pasid_syncs++;
	if (r)
		r->seen = sh->gen;
	if (ret && fault_worthy(fr)) {
		if (r)
			sh_unshadow(sh, r);
		guest_fault(sh, gpasid, fr);
		return;
	}
	if (!present) {
		if (r)
			sh_unshadow(sh, r);
		return;
	}
	if (r && !memcmp(r->ge.val, ge->val, sizeof(ge->val)))
		return;
	fr = validate(sh, gpasid, ge, &plan);
	if (r) {
		sh_unshadow(sh, r);
		if (!fr)
			sh->st.replaced++;
	}
	if (fr) {
		guest_fault(sh, gpasid, fr);
		return;
	}
	program(sh, gpasid, ge, &plan);
}

/* The guest's RID_PASID (Linux: 0) stays the host's VM domain. */
static bool is_rid_pasid(struct shadow *sh, u32 gpasid)
{
	if (gpasid != VTD_RID_PASID_DEFAULT)
		return false;
	sh->st.rid_pasid_skipped++;
	return true;
}

static int read_entry(struct shadow *sh, u32 gpasid,
		      struct vtd_pasid_entry *ge, u8 *fr)
{
	*fr = 0;
	memset(ge, 0, sizeof(*ge));
	return sh->gops.read_pasid_entry(sh->gops.ctx, sh->cfg.guest_rid,
					 gpasid, ge, fr);
}

void sh_sync_pasid(struct shadow *sh, u32 gpasid)
{
	struct vtd_pasid_entry ge;
	u8 fr;
	int ret;

	if (is_rid_pasid(sh, gpasid))
		return;
	ret = read_entry(sh, gpasid, &ge, &fr);
	sync_entry(sh, gpasid, ret, &ge, fr);
}

/*
 * Domain-selective (@did_filter a guest DID) or global (-1) sync: walk the
 * guest's present PASID directory entries only, then revisit the shadowed
 * PASIDs the walk did not reach (their directory entry went away).
 */
void sh_sync_scan(struct shadow *sh, int did_filter)
{
	struct sim_mem *m = sh->cfg.s->mem;
	u32 as = sim_vm_id(sh->cfg.vm);
	struct vtd_sm_context_entry ce;
	struct vtd_pasid_entry ge;
	struct sh_pasid *r, *next;
	u64 dir[512];
	u64 dir_gpa = 0;
	bool present;
	u32 nde = 0;
	u8 fr = 0;
	int ret;

	sh->gen++;
	sh->st.scans++;
	memset(&ce, 0, sizeof(ce));
	ret = sh->gops.read_context(sh->gops.ctx, sh->cfg.guest_rid, &ce, &fr);
	if (!ret && vtd_sce_p(&ce) && vtd_sce_paside(&ce)) {
		nde = vtd_sce_pasid_dir_entries(&ce);
		dir_gpa = vtd_sce_pasiddirptr(&ce);
	}
	if (nde > SH_DIR_ENTRIES)
		nde = SH_DIR_ENTRIES;
	for (u32 i = 0; i < nde; i++) {
		if (i % 512 == 0) {
			u32 n = nde - i < 512 ? nde - i : 512;

			if (sim_mem_read(m, as, dir_gpa + 8ULL * i, dir,
					 8ULL * n))
				break;
		}
		if (!(dir[i % 512] & 1))
			continue;
		for (u32 j = 0; j < VTD_PASID_TBL_ENTRIES; j++) {
			u32 p = i * VTD_PASID_TBL_ENTRIES + j;

			if (is_rid_pasid(sh, p))
				continue;
			ret = read_entry(sh, p, &ge, &fr);
			sh->st.scan_entries++;
			r = sh_rec(sh, p);
			present = !ret && vtd_pe_p(&ge);
			/*
			 * Domain-selective: what was shadowed under the DID,
			 * and present entries that carry it now.
			 */
			if (did_filter >= 0 &&
			    !(r && r->info.guest_did == did_filter) &&
			    !(present && vtd_pe_did(&ge) == (u64)did_filter))
				continue;
			if (!r && !ret && !present)
				continue;
			sync_entry(sh, p, ret, &ge, fr);
		}
	}
	for (r = sh->head.next; r != &sh->head; r = next) {
		next = r->next;
		if (r->seen == sh->gen)
			continue;
		if (did_filter >= 0 && r->info.guest_did != did_filter)
			continue;
		sh_sync_pasid(sh, r->info.guest_pasid);
	}
}
