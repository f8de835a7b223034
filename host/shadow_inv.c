// SPDX-License-Identifier: GPL-2.0
/*
 * Invalidation sync: one guest queue batch (the vIOMMU's inv_batch hook)
 * becomes at most one physical submission.
 *
 *   guest                              physical (host DID, PF RID, PASID)
 *   PASID-cache, any granularity   ->  shadow sync (shadow_pasid.c); the
 *                                      piommu entry calls flush for it
 *   IOTLB global                   ->  IOTLB domain-selective, every host
 *                                      DID of the VM (never a global one:
 *                                      the unit is shared)
 *   IOTLB domain / page            ->  the same on the host DID; covers
 *                                      every PASID of the DID
 *   PASID-IOTLB (PASID / page)     ->  PASID-IOTLB of the PASID's physical
 *                                      entry when nested; IOTLB of its
 *                                      host DID when it is second stage
 *                                      (pass-through, shadow SS)
 *   device-TLB / PASID device-TLB  ->  the same for the PF's physical RID
 *   context-cache, IEC             ->  nothing here (context_changed)
 *
 * Guest second-stage tables shadowed in software are resynced over the
 * invalidated range before the physical flush goes out.
 */
#include <stdlib.h>
#include <string.h>

#include "shadow_internal.h"

static void pend(struct shadow *sh, const struct vsva_inv_op *op)
{
	if (sh->npend == sh->pend_cap) {
		u32 cap = sh->pend_cap ? 2 * sh->pend_cap : 64;
		struct vsva_inv_op *n = realloc(sh->pend, cap * sizeof(*n));

		if (!n) {
			sh->st.phys_errors++;
			return;
		}
		sh->pend = n;
		sh->pend_cap = cap;
	}
	sh->pend[sh->npend++] = *op;
}

/* Submit what is pending as one physical batch (none when empty). */
static int pend_submit(struct shadow *sh)
{
	int ret = 0;

	if (sh->npend) {
		ret = sh->pi->ops->inv_submit(sh->pi, sh->pend, sh->npend);
		sh->st.phys_submissions++;
		sh->st.phys_ops += sh->npend;
		if (ret)
			sh->st.phys_errors++;
	}
	sh->npend = 0;
	return ret;
}

static void iotlb_did(struct shadow *sh, u16 hdid, const struct vsva_inv_op *g,
		      bool page)
{
	struct vsva_inv_op op = {
		.kind = VSVA_INV_IOTLB,
		.gran = page ? VSVA_INV_G_PAGE : VSVA_INV_G_DOMAIN,
		.did = hdid,
		.dr = g->dr,
		.dw = g->dw,
	};

	if (page) {
		op.addr = g->addr;
		op.am = g->am;
		op.ih = g->ih;
	}
	pend(sh, &op);
}

static void inv_iotlb(struct shadow *sh, const struct vsva_inv_op *g)
{
	u16 hdid;

	switch (g->gran) {
	case VSVA_INV_G_GLOBAL:
		sh_sst_sync(sh, -1, 0, 64);
		for (u32 d = 0; d < SH_NR_GDIDS; d++)
			if (sh->g2h[d])
				iotlb_did(sh, sh->g2h[d], g, false);
		break;
	case VSVA_INV_G_DOMAIN:
	case VSVA_INV_G_PAGE:
		if (g->gran == VSVA_INV_G_PAGE)
			sh_sst_sync(sh, g->did, g->addr, 12 + g->am);
		else
			sh_sst_sync(sh, g->did, 0, 64);
		hdid = sh_did_lookup(sh, g->did);
		if (hdid)
			iotlb_did(sh, hdid, g, g->gran == VSVA_INV_G_PAGE);
		break;
	default:
		break;
	}
}

static void inv_piotlb(struct shadow *sh, const struct vsva_inv_op *g)
{
	struct sh_pasid *r = sh_rec(sh, g->pasid);
	bool page = g->gran == VSVA_INV_G_PASID_PAGE;
	struct vsva_inv_op op;

	/* Not shadowed, or tagged with another DID: nothing cached matches. */
	if (!r || r->info.guest_did != g->did)
		return;
	if (r->info.phys_pgtt != VTD_PGTT_NESTED) {
		if (r->sst)
			sh_sst_sync(sh, g->did, page ? g->addr : 0,
				    page ? 12 + g->am : 64);
		iotlb_did(sh, r->info.host_did, g, page);
		return;
	}
	op = *g;
	op.did = r->info.host_did;
	op.pasid = r->info.phys_pasid;
	pend(sh, &op);
}

static void inv_devtlb(struct shadow *sh, const struct vsva_inv_op *g)
{
	struct vsva_inv_op op = *g;

	if (g->sid != sh->cfg.guest_rid) {
		sh->st.foreign_invs++;
		return;
	}
	op.sid = sh->cfg.phys_rid;
	op.pfsid = sh->cfg.phys_rid;
	if (g->kind == VSVA_INV_PDEVTLB && g->gran == VSVA_INV_G_PASID) {
		struct sh_pasid *r = sh_rec(sh, g->pasid);

		if (!r)
			return;
		op.pasid = r->info.phys_pasid;
	}
	pend(sh, &op);
}

int sh_inv_batch(struct shadow *sh, const struct vsva_inv_op *ops,
		 unsigned int n)
{
	sh->npend = 0;
	for (unsigned int i = 0; i < n; i++) {
		const struct vsva_inv_op *g = &ops[i];

		sh->st.guest_invs++;
		switch (g->kind) {
		case VSVA_INV_PC:
			if (g->gran == VSVA_INV_G_PASID)
				sh_sync_pasid(sh, g->pasid);
			else
				sh_sync_scan(sh, g->gran == VSVA_INV_G_DOMAIN ?
					     g->did : -1);
			break;
		case VSVA_INV_IOTLB:
			inv_iotlb(sh, g);
			break;
		case VSVA_INV_PIOTLB:
			inv_piotlb(sh, g);
			break;
		case VSVA_INV_DEVTLB:
		case VSVA_INV_PDEVTLB:
			inv_devtlb(sh, g);
			break;
		default:
			/* CC: context_changed; IEC: no interrupt remapping. */
			break;
		}
	}
	return pend_submit(sh);
}

int shadow_vm_ss_changed(struct shadow *sh)
{
	struct vsva_inv_op dev = {
		.kind = VSVA_INV_DEVTLB, .sid = sh->cfg.phys_rid,
		.pfsid = sh->cfg.phys_rid, .size_lg2 = 64,
	};
	struct vsva_inv_op g = { .kind = VSVA_INV_IOTLB };

	sh->npend = 0;
	sh_sst_sync(sh, -1, 0, 64);
	for (u32 d = 0; d < SH_NR_GDIDS; d++)
		if (sh->g2h[d])
			iotlb_did(sh, sh->g2h[d], &g, false);
	if (sh->npend) {
		/* Requests without PASID are the host's: only PASID traffic. */
		dev.kind = VSVA_INV_PDEVTLB;
		dev.gran = VSVA_INV_G_GLOBAL;
		pend(sh, &dev);
	}
	return pend_submit(sh);
}
