// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow engine of one L1 VM: lifetime, the vIOMMU hooks, lookups
 * and the PASID namespaces.
 *
 * PASID namespaces.  Identity (default): the guest's PASIDs of the
 * assigned PF are the PF's physical PASIDs.  VCMD: the guest allocates
 * every PASID through the virtual command interface; the host allocator
 * (shared by all VMs) picks it and the guest uses that very value (VCRSP
 * returns it), so the maps are identity-valued too, but a guest entry for
 * a PASID the guest was not given is refused with a fault.
 *
 * The guest's RID_PASID (PASID 0) is never shadowed: requests without
 * PASID stay on the host's pass-through domain of the VM (hostdrv).
 */
#include <stdlib.h>
#include <string.h>

#include "shadow_internal.h"
#include "pasid_alloc.h"
#include "sim/memory.h"

/* ---- the vIOMMU hooks -------------------------------------------- */

static int hk_inv_batch(void *ctx, const struct vsva_inv_op *ops,
			unsigned int n)
{
	return sh_inv_batch(ctx, ops, n);
}

static void hk_page_response(void *ctx, u16 rid, bool pasid_present,
			     u32 pasid, u16 prg_index, u8 code)
{
	struct shadow *sh = ctx;

	if (sh->sink.guest_page_response)
		sh->sink.guest_page_response(sh->sink.ctx, rid, pasid_present,
					     pasid, prg_index, code);
}

static void hk_context_changed(void *ctx, u16 rid)
{
	struct shadow *sh = ctx;

	/* The PASID directory may have moved: resync everything. */
	if (rid == sh->cfg.guest_rid || rid == VIOMMU_RID_ALL)
		sh_sync_scan(sh, -1);
}

static bool granted(const struct shadow *sh, u32 pasid)
{
	return pasid < (1U << SH_PASID_BITS) &&
	       (sh->granted[pasid / 64] & BIT_ULL(pasid % 64));
}

static int hk_vcmd_alloc(void *ctx, u32 *pasid)
{
	struct shadow *sh = ctx;
	int p;

	if (sh->cfg.policy.pasid_ns != VIOMMU_PASID_VCMD) {
		sh->st.vcmd_errors++;
		return -EOPNOTSUPP;
	}
	p = vsva_pasid_alloc(sh->cfg.pasids, sh->cfg.pasid_owner);
	if (p > 0 && (u32)p >= (1U << sh->pasid_bits)) {
		vsva_pasid_free(sh->cfg.pasids, sh->cfg.pasid_owner, (u32)p);
		p = -ENOSPC;
	}
	if (p < 0) {
		sh->st.vcmd_errors++;
		return p;
	}
	sh->granted[p / 64] |= BIT_ULL(p % 64);
	sh->st.vcmd_allocs++;
	*pasid = (u32)p;
	return 0;
}

static int hk_vcmd_free(void *ctx, u32 pasid)
{
	struct shadow *sh = ctx;
	struct sh_pasid *r;

	if (sh->cfg.policy.pasid_ns != VIOMMU_PASID_VCMD || !granted(sh, pasid)) {
		sh->st.vcmd_errors++;
		return sh->cfg.policy.pasid_ns != VIOMMU_PASID_VCMD ?
		       -EOPNOTSUPP : -EINVAL;
	}
	/* A freed PASID keeps no physical entry, whatever the guest left. */
	r = sh_rec(sh, pasid);
	if (r)
		sh_unshadow(sh, r);
	sh->granted[pasid / 64] &= ~BIT_ULL(pasid % 64);
	vsva_pasid_free(sh->cfg.pasids, sh->cfg.pasid_owner, pasid);
	sh->st.vcmd_frees++;
	return 0;
}

static void hk_guest_irq(void *ctx, u32 data, u64 addr)
{
	struct shadow *sh = ctx;

	if (sh->cfg.guest_irq)
		sh->cfg.guest_irq(sh->cfg.irq_ctx, data, addr);
}

void shadow_hooks(struct shadow *sh, struct viommu_hooks *h)
{
	memset(h, 0, sizeof(*h));
	h->inv_batch = hk_inv_batch;
	h->page_response = hk_page_response;
	h->context_changed = hk_context_changed;
	h->vcmd_alloc_pasid = hk_vcmd_alloc;
	h->vcmd_free_pasid = hk_vcmd_free;
	h->guest_irq = hk_guest_irq;
	h->ctx = sh;
}

/* ---- the guest through the vIOMMU -------------------------------- */

static int v_read_context(void *ctx, u16 rid, struct vtd_sm_context_entry *ce,
			  u8 *fr)
{
	return viommu_read_context(ctx, rid, ce, fr);
}

static int v_read_pasid_entry(void *ctx, u16 rid, u32 pasid,
			      struct vtd_pasid_entry *pe, u8 *fr)
{
	return viommu_read_pasid_entry(ctx, rid, pasid, pe, fr);
}

static int v_record_fault(void *ctx, const struct piommu_fault *f)
{
	return viommu_record_fault(ctx, f);
}

/* ---- lifetime ----------------------------------------------------- */

static void release_vcmd_pasids(struct shadow *sh)
{
	for (u32 w = 0; w < (1U << SH_PASID_BITS) / 64; w++) {
		while (sh->granted[w]) {
			u32 p = w * 64 + (u32)__builtin_ctzll(sh->granted[w]);

			sh->granted[w] &= sh->granted[w] - 1;
			vsva_pasid_free(sh->cfg.pasids, sh->cfg.pasid_owner, p);
			sh->st.vcmd_frees++;
		}
	}
}

static void sh_free(struct shadow *sh)
{
	sh_idx_free(sh);
	free(sh->g2h);
	free(sh->href);
	free(sh->granted);
	free(sh->pend);
	free(sh);
}

struct shadow *shadow_create(const struct shadow_cfg *cfg)
{
	struct viommu_hooks hooks;
	struct shadow *sh;

	if (!cfg || !cfg->s || !cfg->vm || !cfg->piommu ||
	    (cfg->policy.pasid_ns == VIOMMU_PASID_VCMD && !cfg->pasids))
		return NULL;
	sh = calloc(1, sizeof(*sh));
	if (!sh)
		return NULL;
	sh->cfg = *cfg;
	sh->pi = cfg->piommu;
	sh->head.next = sh->head.prev = &sh->head;
	if (sh->pi->ops->get_caps(sh->pi, &sh->pcaps))
		goto fail;
	sh->pasid_bits = sh->pcaps.pasid_bits;
	if (cfg->policy.pasid_bits && cfg->policy.pasid_bits < sh->pasid_bits)
		sh->pasid_bits = cfg->policy.pasid_bits;
	if (sh->pasid_bits > SH_PASID_BITS)
		sh->pasid_bits = SH_PASID_BITS;
	sh->did_min = sh->pcaps.did_min;
	sh->did_max = sh->pcaps.did_max;
	if (cfg->did_min || cfg->did_max) {
		if (cfg->did_min < sh->did_min || cfg->did_max > sh->did_max)
			goto fail;
		sh->did_min = cfg->did_min;
		sh->did_max = cfg->did_max;
	}
	if (!sh->did_min || sh->did_min > sh->did_max)
		goto fail;
	sh->did_next = sh->did_min;
	sh->g2h = calloc(SH_NR_GDIDS, sizeof(*sh->g2h));
	sh->href = calloc((u32)sh->did_max - sh->did_min + 1, sizeof(*sh->href));
	sh->granted = calloc((1U << SH_PASID_BITS) / 64, sizeof(u64));
	if (!sh->g2h || !sh->href || !sh->granted)
		goto fail;
	if (cfg->guest) {
		sh->gops = *cfg->guest;
		return sh;
	}
	shadow_hooks(sh, &hooks);
	sh->v = viommu_create(cfg->s, cfg->vm, &sh->pcaps, &cfg->policy, &hooks);
	if (!sh->v)
		goto fail;
	sh->gops.read_context = v_read_context;
	sh->gops.read_pasid_entry = v_read_pasid_entry;
	sh->gops.record_fault = v_record_fault;
	sh->gops.ctx = sh->v;
	return sh;
fail:
	sh_free(sh);
	return NULL;
}

void shadow_guest_reset(struct shadow *sh)
{
	if (sh->sink.guest_reset)
		sh->sink.guest_reset(sh->sink.ctx);
	sh_unshadow_all(sh);
	release_vcmd_pasids(sh);
	if (sh->v)
		viommu_reset(sh->v);
}

void shadow_destroy(struct shadow *sh)
{
	if (!sh)
		return;
	sh_unshadow_all(sh);
	release_vcmd_pasids(sh);
	if (sh->v)
		viommu_destroy(sh->v);
	sh_free(sh);
}

/* ---- accessors ---------------------------------------------------- */

struct viommu *shadow_viommu(struct shadow *sh)
{
	return sh->v;
}

struct sim_vm *shadow_vm(struct shadow *sh)
{
	return sh->cfg.vm;
}

struct piommu *shadow_piommu(struct shadow *sh)
{
	return sh->pi;
}

u16 shadow_phys_rid(const struct shadow *sh)
{
	return sh->cfg.phys_rid;
}

u16 shadow_guest_rid(const struct shadow *sh)
{
	return sh->cfg.guest_rid;
}

int shadow_lookup_guest(struct shadow *sh, u32 guest_pasid,
			struct shadow_pasid_info *out)
{
	struct sh_pasid *r = sh_rec(sh, guest_pasid);

	if (!r)
		return -ENOENT;
	*out = r->info;
	return 0;
}

int shadow_lookup_phys(struct shadow *sh, u32 phys_pasid,
		       struct shadow_pasid_info *out)
{
	/* Both namespaces are identity-valued (see the top of the file). */
	return shadow_lookup_guest(sh, phys_pasid, out);
}

void shadow_set_fault_sink(struct shadow *sh, const struct shadow_fault_sink *fs)
{
	if (fs)
		sh->sink = *fs;
	else
		memset(&sh->sink, 0, sizeof(sh->sink));
}

const struct shadow_stats *shadow_stats(const struct shadow *sh)
{
	return &sh->st;
}

u32 shadow_live_pasids(const struct shadow *sh)
{
	return sh->live;
}

u32 shadow_live_dids(const struct shadow *sh)
{
	return sh->dids_live;
}
