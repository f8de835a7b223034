// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated physical VT-d 3.x remapping unit (see iommu.h).
 *
 * Register behaviour is data (iommu_regs[] in iommu_regs.c, QEMU
 * csr/wmask/w1cmask style); the per-register side effects (GCMD commands,
 * IQT doorbell, fault and event control) run after the generic masked
 * write.  Translation is vsva_translate() behind the scalable-mode root ->
 * context -> PASID directory -> PASID entry lookup, whose results live in
 * vsva's context and PASID caches.  Descriptors are decoded by
 * vsva_qi_decode(), the page request ring is vsva_prq.
 *
 * The unit's parts, one file each (state in iommu_internal.h):
 *   iommu.c        configuration, life cycle, devices, interrupt messages
 *   iommu_regs.c   the register table, MMIO, GCMD/GSTS, register-based
 *                  invalidation (CCMD, IOTLB_REG)
 *   iommu_fault.c  FSTS, fault events, fault recording
 *   iommu_xlate.c  root/context/PASID lookup, translation, ATS
 *   iommu_qi.c     invalidation queue processing
 *   iommu_prq.c    page requests into the page request queue
 *   iommu_sw.c     software-side table helpers (sim_iommu_sw_*)
 *
 * Choices where the spec leaves room or the model is narrower, and why:
 *
 * - Legacy mode (RTADDR.TTM = 00b) is not modelled: SRTP latches it, but
 *   every request then faults, with 0x31 (TTM 0, request with PASID), 0x32
 *   (TTM 0, page request) or, without PASID, 0x08 (root table address
 *   invalid, the legacy code).  TTM 10b/11b (reserved, abort-DMA without
 *   ECAP.ADMS) fault with 0x30.
 * - TE = 0: untranslated requests pass through (spec 3.1); translation
 *   requests and page requests are answered Unsupported Request (-EPERM),
 *   a page request with LPIG by an Invalid Request response.
 * - FPD (context, PASID directory and PASID entries) suppresses recording
 *   of faults detected once that entry has been read and found present and
 *   well-formed; a fault on the entry itself is still recorded.  The PASID
 *   cache keeps the directory entry's FPD folded into its copy of the PASID
 *   entry's FPD (bit 1).
 * - Fault recording (7.2.1): an internal index names the next record; it
 *   restarts at 0 when PFO and PPF are both clear.  A fault is recorded
 *   there if that record's F is clear, else PFO is set and the fault
 *   dropped; with PFO set every fault is dropped.  FSTS.FRI is the record
 *   that made PPF go 0 -> 1.  A fault event arises only when every status
 *   field (PPF, PFO, IQE, ICE, ITE) was clear before (7.3).
 * - Invalidation queue errors (6.5.2.10): IQH stays at the bad descriptor;
 *   IQEI 1 invalid tail (beyond the queue, or bit 4 set with DW = 1),
 *   2 fetch failure, 3 unknown type, 4 reserved bit or reserved field
 *   encoding (vsva: RSVD and FIELD), 5 a 256-bit-only type (6..9) in a
 *   128-bit queue.  A device-TLB invalidation timeout sets ITE (ITESID),
 *   IQH moves past it, and the inv-wait descriptors then in [IQH, IQT) are
 *   aborted (no status write, no interrupt) when processing resumes after
 *   software clears ITE.  An invalid completion sets ICE (ICESID) and
 *   processing continues.
 * - Register-based invalidation (CCMD, IOTLB_REG) works only while QIE = 0
 *   (as spec 6.5.2 requires software to use one or the other); with QIE set
 *   the write is counted as bad and ignored.
 * - ATS translation requests: faults in the root/context/PASID structures,
 *   DTE = 0 and reserved-bit/access errors in paging entries are
 *   non-recoverable: recorded (AT = 01b) and answered UR.  Not-present and
 *   permission faults answer R = W = 0 (or R only for a write request to a
 *   read-only page) without a record, so the device may use PRI.
 * - Page requests are checked against the context entry only (PASIDE for
 *   requests with PASID, PRE); a failing request is recorded (T2 = 1) and,
 *   with LPIG, answered Invalid Request by the unit.
 */
#include <stdlib.h>

#include "iommu_internal.h"

/* ------------------------------------------------------------------ */
/* Configuration                                                      */
/* ------------------------------------------------------------------ */
void sim_iommu_default_cfg(struct sim_iommu_cfg *cfg)
{
	u64 cap = 0, ecap = 0;

	cap = vtd_cap_set_nd(cap, 6);		/* 16-bit DIDs */
	cap = vtd_cap_set_sagaw(cap, VTD_SAGAW_48 | VTD_SAGAW_57);
	cap = vtd_cap_set_mgaw(cap, 56);	/* 57 bits */
	cap = vtd_cap_set_fro(cap, IOMMU_FRO);
	cap = vtd_cap_set_sllps(cap, 3);	/* 2M + 1G */
	cap = vtd_cap_set_psi(cap, 1);
	cap = vtd_cap_set_nfr(cap, 7);		/* 8 records */
	cap = vtd_cap_set_mamv(cap, 18);
	cap = vtd_cap_set_fl1gp(cap, 1);
	cap = vtd_cap_set_fl5lp(cap, 1);

	ecap = vtd_ecap_set_qi(ecap, 1);
	ecap = vtd_ecap_set_dt(ecap, 1);
	ecap = vtd_ecap_set_pt(ecap, 1);
	ecap = vtd_ecap_set_sc(ecap, 1);
	ecap = vtd_ecap_set_iro(ecap, IOMMU_IRO);
	ecap = vtd_ecap_set_nest(ecap, 1);
	ecap = vtd_ecap_set_prs(ecap, 1);
	ecap = vtd_ecap_set_srs(ecap, 1);
	ecap = vtd_ecap_set_eafs(ecap, 1);
	ecap = vtd_ecap_set_pss(ecap, 19);
	ecap = vtd_ecap_set_pasid(ecap, 1);
	ecap = vtd_ecap_set_pds(ecap, 1);
	ecap = vtd_ecap_set_smts(ecap, 1);
	ecap = vtd_ecap_set_slads(ecap, 1);
	ecap = vtd_ecap_set_slts(ecap, 1);
	ecap = vtd_ecap_set_flts(ecap, 1);
	ecap = vtd_ecap_set_smpwc(ecap, 1);
	ecap = vtd_ecap_set_rps(ecap, 1);

	memset(cfg, 0, sizeof(*cfg));
	cfg->cap = cap;
	cfg->ecap = ecap;
	cfg->haw = 46;
	cfg->iq_latency_ns = 500;
	cfg->prq_latency_ns = 0;
	cfg->mem_ref_ns = 60;	/* docs/sim.md: one DRAM access */
}

/* ------------------------------------------------------------------ */
/* Interrupt messages                                                 */
/* ------------------------------------------------------------------ */
void iommu_send_irq(struct sim_iommu *it, enum sim_iommu_irq which,
		    u32 data, u32 addr, u32 uaddr)
{
	static const char *const names[] = { "fault", "inv", "prq" };

	it->st.irqs++;
	sim_trace(it->s, "iommu", "irq %s data=%#x addr=%#llx", names[which],
		  data, (unsigned long long)((u64)uaddr << 32 | addr));
	if (it->host && it->host->irq)
		it->host->irq(it->host_ctx, which, data,
			      (u64)uaddr << 32 | addr);
}

/* ------------------------------------------------------------------ */
/* Devices                                                            */
/* ------------------------------------------------------------------ */
struct iommu_dev *iommu_find_dev(struct sim_iommu *it, u16 rid)
{
	for (int i = 0; i < IOMMU_MAX_DEVS; i++)
		if (it->devs[i].used && it->devs[i].rid == rid)
			return &it->devs[i];
	return NULL;
}

int sim_iommu_attach_device(struct sim_iommu *it, u16 rid,
			    const struct sim_iommu_dev_ops *ops, void *dev)
{
	if (iommu_find_dev(it, rid))
		return -EEXIST;
	for (int i = 0; i < IOMMU_MAX_DEVS; i++) {
		struct iommu_dev *d = &it->devs[i];

		if (d->used)
			continue;
		memset(d, 0, sizeof(*d));
		d->used = true;
		d->rid = rid;
		d->ops = ops;
		d->dev = dev;
		return 0;
	}
	return -ENOSPC;
}

void sim_iommu_detach_device(struct sim_iommu *it, u16 rid)
{
	struct iommu_dev *d = iommu_find_dev(it, rid);

	if (d)
		memset(d, 0, sizeof(*d));
}

int sim_iommu_inject_devtlb_error(struct sim_iommu *it, u16 rid,
				  enum sim_devtlb_err err, u32 count)
{
	struct iommu_dev *d = iommu_find_dev(it, rid);

	if (!d)
		return -ENODEV;
	d->inj = count ? err : SIM_DEVTLB_OK;
	d->inj_count = count;
	return 0;
}

void iommu_deliver_response(struct sim_iommu *it, u16 rid, bool pp,
			    u32 pasid, u16 prg_index, u8 code)
{
	struct iommu_dev *d = iommu_find_dev(it, rid);

	sim_trace(it->s, "iommu",
		  "page response rid=%04x pasid=%s%x prgi=%u code=%#x", rid,
		  pp ? "" : "-/", pasid, prg_index, code);
	if (!d || !d->ops || !d->ops->page_response) {
		it->st.orphan_responses++;
		return;
	}
	d->ops->page_response(d->dev, pp, pasid, prg_index, code);
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                         */
/* ------------------------------------------------------------------ */
struct sim_iommu *sim_iommu_create(struct sim *s, const struct sim_iommu_cfg *cfg,
				   const struct sim_iommu_host_ops *host,
				   void *host_ctx)
{
	struct sim_iommu *it;
	struct vsva_prq_event ev;

	if (!s || !s->mem || !cfg || cfg->haw < 32 || cfg->haw > 52)
		return NULL;
	it = calloc(1, sizeof(*it));
	if (!it)
		return NULL;
	it->s = s;
	it->m = s->mem;
	it->mem = sim_mem_vsva(s->mem);
	it->cfg = *cfg;
	it->host = host;
	it->host_ctx = host_ctx;
	it->caches = vsva_caches_create(&cfg->caches);
	if (!it->caches) {
		free(it);
		return NULL;
	}
	iommu_regs_init(it);
	vsva_prq_init(&it->prq, &it->mem, VSVA_AS_HPA);
	/* PECTL resets with IM set (10.4.33), like FECTL and IECTL. */
	vsva_prq_reg_write(&it->prq, VTD_PECTL_REG, 4, VTD_xECTL_IM, &ev);
	return it;
}

void sim_iommu_destroy(struct sim_iommu *it)
{
	if (!it)
		return;
	/* Queue processing and delayed page requests die with the unit. */
	sim_cancel(it->s, iommu_iq_event_fn, it);
	sim_cancel(it->s, iommu_prq_event_fn, it);
	free(it->prq_fifo);
	vsva_caches_destroy(it->caches);
	free(it);
}

const struct sim_iommu_stats *sim_iommu_stats(const struct sim_iommu *it)
{
	return &it->st;
}

struct vsva_caches *sim_iommu_caches(struct sim_iommu *it)
{
	return it->caches;
}
