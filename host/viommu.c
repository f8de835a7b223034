// SPDX-License-Identifier: GPL-2.0
/*
 * The vIOMMU (see viommu.h): a VT-d 3.x unit at register level for an L1
 * VM, built on the same register-file, fault-recording and queue-walking
 * core as the physical model (host/vtd_unit*.c).
 *
 *   viommu.c      capabilities, life cycle, MMIO, VCMD, guest tables
 *   viommu_iq.c   the guest's invalidation queue -> hooks->inv_batch
 *   viommu_prq.c  the guest's page request queue and fault recording
 *
 * Choices where the spec leaves room, and why:
 *
 * - Capabilities (derive_caps()): SMTS, CM = 1, QI, no legacy-mode
 *   extras (no IR, no PI, no AFL, no RWBF).  FLTS only when the physical
 *   unit nests (guest FS -> physical nested); SLTS only by policy and when
 *   the physical unit has SLTS (shadowed); NEST never.  PT, DT, PRS (with
 *   PDS when the physical has it), SRS, EAFS, SC, FL1GP, FL5LP, PSI/MAMV
 *   only when the physical unit has them.  SAGAW keeps the physical 48/57
 *   bits (57 only with FL5LP) and falls back to 48 if none: Linux refuses a
 *   unit without a usable AGAW even when it only uses first-stage tables.
 *   MGAW follows SAGAW and never exceeds the physical.  ND is the
 *   physical's (guest DIDs are mapped to host DIDs by the owner).  SMPWC
 *   is set: the vIOMMU reads guest tables with CPU coherency.
 * - Guest tables are read fresh on every viommu_read_* call (caching mode:
 *   the guest invalidates after every change, the owner reads again).
 *   viommu_read_pasid_entry checks PASIDE for every PASID but the context
 *   entry's RID_PASID (0 without ECAP.RPS), as a request with that PASID
 *   would be checked.
 * - The invalidation queue is processed synchronously on the IQT write.
 *   A hook error becomes an Invalidation Completion Error (FSTS.ICE,
 *   IQERCD.ICESID = the SID of the batch's first device-TLB operation,
 *   else 0); processing goes on, as for a bad device-TLB completion on the
 *   physical unit.  The vIOMMU never raises ITE (it has no timeouts).
 * - VCMD: executed synchronously on the write of VCMD's low dword; VCRSP
 *   never shows IP.  Status codes: 0 success; "no PASID" (2 in the rev
 *   3.0 layout, 16 in rev 3.3) for an allocation the host refused or a
 *   free of a PASID that is out of range or the host refused; 1 for an
 *   unknown command (doubt: rev 3.0 names no code for it).
 * - Page requests the guest's context refuses (TE off, context faults,
 *   PASIDE/PRE clear) are recorded as faults (T2 = 1, as the hardware
 *   does) and, when a response is owed (LPIG, not a stop marker), answered
 *   Invalid Request through hooks->page_response.
 */
#include <stdlib.h>

#include "viommu_internal.h"

#include <nestmed/vtd_fault.h>

void viommu_default_policy(struct viommu_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->slts = false;
	p->pt = true;
	p->pasid_bits = 0;
	p->pasid_ns = VIOMMU_PASID_IDENTITY;
	p->vcmd_layout = VTD_VCMD_REV30;
	p->prs = true;
	p->dt = true;
	p->nfr = 8;
	p->vprq_pqs_max = VSVA_PRQ_PQS_MAX;
	p->max_outstanding = VSVA_PRG_DEFAULT_OWNER_LIMIT;
	p->response_timeout_ns = 100ULL * 1000 * 1000;
}

/* ------------------------------------------------------------------ */
/* Capabilities                                                       */
/* ------------------------------------------------------------------ */
static u8 offered_pasid_bits(const struct piommu_caps *phys,
			     const struct viommu_policy *pol)
{
	unsigned int bits = vtd_ecap_pasid_bits(phys->ecap);

	if (phys->pasid_bits && phys->pasid_bits < bits)
		bits = phys->pasid_bits;
	if (pol->pasid_bits && pol->pasid_bits < bits)
		bits = pol->pasid_bits;
	return (u8)bits;
}

int viommu_derive_caps(const struct piommu_caps *phys,
		       const struct viommu_policy *pol, u64 *capp, u64 *ecapp)
{
	u64 pc = phys->cap, pe = phys->ecap, cap = 0, ecap = 0;
	unsigned int sagaw, pbits = offered_pasid_bits(phys, pol);
	bool flts = vtd_ecap_flts(pe) && vtd_ecap_nest(pe);
	bool slts = pol->slts && vtd_ecap_slts(pe);
	bool prs = pol->prs && vtd_ecap_prs(pe) && vtd_ecap_pasid(pe);

	if (!vtd_ecap_smts(pe) || !vtd_ecap_qi(pe))
		return -EOPNOTSUPP;
	if (!pol->nfr || pol->nfr > VTD_UNIT_MAX_FRCD)
		return -EINVAL;
	if (pol->pasid_ns == VIOMMU_PASID_VCMD && !pbits)
		return -EOPNOTSUPP;
	sagaw = vtd_cap_sagaw(pc) & (VTD_SAGAW_48 |
		(vtd_cap_fl5lp(pc) ? VTD_SAGAW_57 : 0));
	if (!sagaw)
		sagaw = VTD_SAGAW_48;
	cap = vtd_cap_set_nd(cap, vtd_cap_nd(pc));
	cap = vtd_cap_set_cm(cap, 1);
	cap = vtd_cap_set_sagaw(cap, sagaw);
	cap = vtd_cap_set_mgaw(cap, min((sagaw & VTD_SAGAW_57) ? 56u : 47u,
					(unsigned int)vtd_cap_mgaw(pc)));
	cap = vtd_cap_set_fro(cap, VIOMMU_FRO);
	if (slts)
		cap = vtd_cap_set_sllps(cap, vtd_cap_sllps(pc));
	if (vtd_cap_psi(pc)) {
		cap = vtd_cap_set_psi(cap, 1);
		cap = vtd_cap_set_mamv(cap, vtd_cap_mamv(pc));
	}
	cap = vtd_cap_set_nfr(cap, pol->nfr - 1);
	cap = vtd_cap_set_fl1gp(cap, flts && vtd_cap_fl1gp(pc));
	cap = vtd_cap_set_fl5lp(cap, flts && vtd_cap_fl5lp(pc));

	ecap = vtd_ecap_set_qi(ecap, 1);
	ecap = vtd_ecap_set_dt(ecap, pol->dt && vtd_ecap_dt(pe));
	ecap = vtd_ecap_set_pt(ecap, pol->pt && vtd_ecap_pt(pe));
	ecap = vtd_ecap_set_sc(ecap, vtd_ecap_sc(pe));
	ecap = vtd_ecap_set_iro(ecap, VIOMMU_IRO);
	ecap = vtd_ecap_set_prs(ecap, prs);
	ecap = vtd_ecap_set_pds(ecap, prs && vtd_ecap_pds(pe));
	ecap = vtd_ecap_set_srs(ecap, flts && vtd_ecap_srs(pe));
	ecap = vtd_ecap_set_eafs(ecap, flts && vtd_ecap_eafs(pe));
	if (pbits) {
		ecap = vtd_ecap_set_pasid(ecap, 1);
		ecap = vtd_ecap_set_pss(ecap, pbits - 1);
	}
	ecap = vtd_ecap_set_smts(ecap, 1);
	ecap = vtd_ecap_set_vcs(ecap, pol->pasid_ns == VIOMMU_PASID_VCMD);
	ecap = vtd_ecap_set_slts(ecap, slts);
	ecap = vtd_ecap_set_flts(ecap, flts);
	ecap = vtd_ecap_set_smpwc(ecap, 1);
	*capp = cap;
	*ecapp = ecap;
	return 0;
}

u64 viommu_cap(const struct viommu *v)
{
	return v->u.cap;
}

u64 viommu_ecap(const struct viommu *v)
{
	return v->u.ecap;
}

/* ------------------------------------------------------------------ */
/* Interrupts and register side effects                               */
/* ------------------------------------------------------------------ */
void viommu_irq(void *ctx, enum vtd_unit_irq which, u32 data, u32 addr,
		u32 uaddr)
{
	static const char *const names[] = { "fault", "inv", "prq" };
	struct viommu *v = ctx;
	u64 a = (u64)uaddr << 32 | addr;

	v->st.irqs++;
	sim_trace(v->s, "viommu", "irq %s data=%#x addr=%#llx", names[which],
		  data, (unsigned long long)a);
	if (v->hooks.guest_irq)
		v->hooks.guest_irq(v->hooks.ctx, data, a);
}

static void vcmd_respond(struct viommu *v, u64 sc, u64 result)
{
	unsigned int sh = vtd_vcmd_operand_shift(v->pol.vcmd_layout);

	v->u.rv[VTD_R_VCRSP] = (result << sh) | (sc << 1);
	if (sc)
		v->st.vcmd_errors++;
}

static void vcmd_exec(struct viommu *v, u64 cmd)
{
	enum vtd_vcmd_layout l = v->pol.vcmd_layout;
	u64 no_pasid = l == VTD_VCMD_REV30 ? VTD_VCRSP_SC_NO_PASID_R30 :
					     VTD_VCRSP_SC_NO_PASID_R33;
	u64 operand = cmd >> vtd_vcmd_operand_shift(l);
	u32 pasid = 0;
	int ret;

	v->st.vcmds++;
	switch (cmd & VTD_VCMD_CMD) {
	case VTD_VCMD_ALLOC_PASID:
		ret = v->hooks.vcmd_alloc_pasid ?
		      v->hooks.vcmd_alloc_pasid(v->hooks.ctx, &pasid) :
		      -EOPNOTSUPP;
		if (!ret && (!pasid || pasid >= (1U << v->pasid_bits))) {
			/* The host gave a PASID the guest cannot hold. */
			if (v->hooks.vcmd_free_pasid)
				v->hooks.vcmd_free_pasid(v->hooks.ctx, pasid);
			ret = -ERANGE;
		}
		sim_trace(v->s, "viommu", "VCMD alloc pasid: %s %#x",
			  ret ? "refused" : "ok", pasid);
		vcmd_respond(v, ret ? no_pasid : VTD_VCRSP_SC_SUCCESS,
			     ret ? 0 : pasid);
		break;
	case VTD_VCMD_FREE_PASID:
		ret = -EINVAL;
		if (operand && operand < (1ULL << v->pasid_bits) &&
		    v->hooks.vcmd_free_pasid)
			ret = v->hooks.vcmd_free_pasid(v->hooks.ctx,
						       (u32)operand);
		sim_trace(v->s, "viommu", "VCMD free pasid %#llx: %s",
			  (unsigned long long)operand, ret ? "refused" : "ok");
		vcmd_respond(v, ret ? no_pasid : VTD_VCRSP_SC_SUCCESS, 0);
		break;
	default:
		sim_trace(v->s, "viommu", "VCMD %#llx: unknown command",
			  (unsigned long long)(cmd & VTD_VCMD_CMD));
		vcmd_respond(v, 1, 0);
		break;
	}
}

static void viommu_written(void *ctx, u32 id, u64 old, u64 val)
{
	struct viommu *v = ctx;

	switch (id) {
	case VTD_R_CCMD:
	case VTD_R_IOTLB:
		/*
		 * Register-based invalidation: not offered to a scalable-mode
		 * guest's flows (Linux uses QI); the busy bit clears at once
		 * and the request is counted as a guest error.
		 */
		if (v->u.rv[id] & BIT_ULL(63)) {
			v->u.rv[id] &= ~BIT_ULL(63);
			v->st.bad_mmio++;
			sim_trace(v->s, "viommu",
				  "register-based invalidation ignored");
		}
		break;
	case VTD_R_VCMD:
		if (val & VTD_VCMD_CMD)
			vcmd_exec(v, v->u.rv[VTD_R_VCMD]);
		break;
	default:
		break;
	}
}

static void viommu_srtp(void *ctx)
{
	struct viommu *v = ctx;

	v->st.ctx_changes++;
	if (v->hooks.context_changed)
		v->hooks.context_changed(v->hooks.ctx, VIOMMU_RID_ALL);
}

static void viommu_kick(void *ctx)
{
	viommu_iq_kick(ctx);
}

static const struct vtd_unit_ops viommu_unit_ops = {
	.irq = viommu_irq,
	.kick = viommu_kick,
	.written = viommu_written,
	.srtp = viommu_srtp,
};

/* ------------------------------------------------------------------ */
/* Life cycle                                                         */
/* ------------------------------------------------------------------ */
struct viommu *viommu_create(struct sim *s, struct sim_vm *vm,
			     const struct piommu_caps *phys,
			     const struct viommu_policy *policy,
			     const struct viommu_hooks *hooks)
{
	struct viommu_policy def;
	struct viommu *v;
	u64 cap, ecap;

	if (!s || !s->mem || !vm || !phys)
		return NULL;
	if (!policy) {
		viommu_default_policy(&def);
		policy = &def;
	}
	if (viommu_derive_caps(phys, policy, &cap, &ecap))
		return NULL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->s = s;
	v->vm = vm;
	v->as = sim_vm_id(vm);
	v->mem = sim_mem_vsva(s->mem);
	v->phys = *phys;
	v->pol = *policy;
	if (hooks)
		v->hooks = *hooks;
	v->pasid_bits = offered_pasid_bits(phys, policy);
	/* Guest-physical addresses: as wide as MGAW (at most 52 bits). */
	vtd_unit_init(&v->u, s, "viommu", cap, ecap,
		      (u8)min(vtd_cap_mgaw_bits(cap), 52u), VIOMMU_VER,
		      &viommu_unit_ops, v);
	v->u.ctr.bad_mmio = &v->st.bad_mmio;
	v->u.ctr.gcmd_bad = &v->st.gcmd_bad;
	if (vtd_ecap_vcs(ecap)) {
		vtd_unit_enable_vcmd(&v->u, policy->vcmd_layout,
				     VTD_VCCAP_PAS);
		v->u.nregs = max(v->u.nregs, (u32)VTD_R_VCRSP + 1);
	}
	vsva_prq_init(&v->prq, &v->mem, v->as);
	viommu_prq_reset(v);
	sim_trace(s, "viommu", "create vm %u cap=%#llx ecap=%#llx", v->as,
		  (unsigned long long)cap, (unsigned long long)ecap);
	return v;
}

void viommu_reset(struct viommu *v)
{
	vtd_unit_reset(&v->u);
	viommu_iq_reset(v);
	viommu_prq_reset(v);
	v->st.resets++;
	sim_trace(v->s, "viommu", "reset");
}

void viommu_destroy(struct viommu *v)
{
	if (!v)
		return;
	free(v->batch);
	free(v->resp);
	free(v);
}

const struct viommu_stats *viommu_stats(const struct viommu *v)
{
	return &v->st;
}

/* ------------------------------------------------------------------ */
/* MMIO                                                               */
/* ------------------------------------------------------------------ */
u64 viommu_read(struct viommu *v, u32 off, unsigned int size)
{
	u64 val;

	v->st.mmio_reads++;
	if (viommu_is_prq_off(v, off))
		return viommu_prq_read(v, off, size);
	vtd_unit_mmio_read(&v->u, off, size, &val);
	return val;
}

void viommu_write(struct viommu *v, u32 off, unsigned int size, u64 val)
{
	v->st.mmio_writes++;
	if (viommu_is_prq_off(v, off)) {
		viommu_prq_write(v, off, size, val);
		return;
	}
	vtd_unit_mmio_write(&v->u, off, size, val);
}

/* ------------------------------------------------------------------ */
/* Guest tables                                                       */
/* ------------------------------------------------------------------ */
static u8 ttm_fault(const struct viommu *v, bool pp)
{
	if (!(v->u.rv[VTD_R_GSTS] & VTD_GSTS_RTPS))
		return VTD_FR_SM_RTADDR_INVALID;
	switch (vtd_rtaddr_ttm(v->u.rtaddr)) {
	case VTD_TTM_SCALABLE:
		return 0;
	case VTD_TTM_LEGACY:
		return pp ? VTD_FR_SM_TTM0_PASID : VTD_FR_ROOT_TABLE_INVALID;
	default:
		return VTD_FR_SM_RTADDR_INVALID;
	}
}

/* @pp: the lookup is for a request with PASID (the legacy-mode code). */
static int read_context(struct viommu *v, u16 rid, bool pp,
			struct vtd_sm_context_entry *ce, u8 *fault_reason)
{
	u8 fr = ttm_fault(v, pp);

	memset(ce, 0, sizeof(*ce));
	if (!fr)
		fr = vtd_unit_walk_context(&v->u, &v->mem, v->as, rid, ce);
	v->st.table_reads++;
	*fault_reason = fr;
	if (fr) {
		v->st.table_faults++;
		sim_trace(v->s, "viommu", "context rid=%04x: fault %#x (%s)",
			  rid, fr, vtd_fault_reason_str(fr));
		return -EFAULT;
	}
	return 0;
}

int viommu_read_context(struct viommu *v, u16 rid,
			struct vtd_sm_context_entry *ce, u8 *fault_reason)
{
	return read_context(v, rid, false, ce, fault_reason);
}

int viommu_read_pasid_entry(struct viommu *v, u16 rid, u32 pasid,
			    struct vtd_pasid_entry *pe, u8 *fault_reason)
{
	struct vtd_sm_context_entry ce;
	u32 rid_pasid;
	bool pde_fpd;
	u8 fr;

	memset(pe, 0, sizeof(*pe));
	if (read_context(v, rid, pasid != 0, &ce, fault_reason))
		return -EFAULT;
	rid_pasid = vtd_ecap_rps(v->u.ecap) ? (u32)vtd_sce_rid_pasid(&ce) : 0;
	if (pasid >= (1U << v->pasid_bits) && pasid != rid_pasid)
		fr = VTD_FR_SM_CTX_PASID_MAX;
	else if (pasid != rid_pasid && !vtd_sce_paside(&ce))
		fr = VTD_FR_SM_CTX_PASIDE;
	else
		fr = vtd_unit_walk_pasid(&v->u, &v->mem, v->as, &ce, pasid, pe,
					 &pde_fpd);
	if (fr == VTD_FR_SM_PASID_NOT_PRESENT) {
		/* A valid lookup of a not-present entry: the caller's case. */
		*fault_reason = 0;
		return 0;
	}
	*fault_reason = fr;
	if (fr) {
		v->st.table_faults++;
		sim_trace(v->s, "viommu",
			  "pasid entry rid=%04x pasid=%#x: fault %#x (%s)",
			  rid, pasid, fr, vtd_fault_reason_str(fr));
		memset(pe, 0, sizeof(*pe));
		return -EFAULT;
	}
	if (pde_fpd)
		vtd_pe_set_fpd(pe, 1);
	return 0;
}
