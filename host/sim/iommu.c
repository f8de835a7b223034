// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated physical VT-d 3.x remapping unit (see iommu.h).
 *
 * Register behaviour is data (iommu_regs[] below, QEMU csr/wmask/w1cmask
 * style); the per-register side effects (GCMD commands, IQT doorbell, fault
 * and event control) run after the generic masked write.  Translation is
 * vsva_translate() behind the scalable-mode root -> context -> PASID
 * directory -> PASID entry lookup, whose results live in vsva's context and
 * PASID caches.  Descriptors are decoded by vsva_qi_decode(), the page
 * request ring is vsva_prq.
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

#include "iommu.h"
#include "translate.h"
#include "qi.h"
#include "prq.h"

#include <nestmed/vtd_fault.h>
#include <nestmed/vtd_qi.h>

#define IOMMU_MMIO_SIZE		0x1000
#define IOMMU_IRO		0x50	/* IVA/IOTLB_REG at 0x500 */
#define IOMMU_FRO		0x60	/* FRCD registers from 0x600 */
#define IOMMU_MAX_FRCD		16
#define IOMMU_MAX_DEVS		64
#define IOMMU_VER		0x10	/* VER_REG: architecture 1.0 (3.x parts
					 * report 1.0, as Linux and QEMU show) */

/* FSTS fields whose setting makes a fault event (7.3). */
#define FSTS_EVENT_MASK	(VTD_FSTS_PFO | VTD_FSTS_PPF | VTD_FSTS_IQE | \
			 VTD_FSTS_ICE | VTD_FSTS_ITE)

/* ------------------------------------------------------------------ */
/* Register table                                                     */
/* ------------------------------------------------------------------ */
enum reg_id {
	R_VER, R_CAP, R_ECAP, R_GCMD, R_GSTS, R_RTADDR, R_CCMD,
	R_FSTS, R_FECTL, R_FEDATA, R_FEADDR, R_FEUADDR,
	R_IQH, R_IQT, R_IQA, R_ICS, R_IECTL, R_IEDATA, R_IEADDR, R_IEUADDR,
	R_IQERCD, R_IVA, R_IOTLB,
	R_FRCD0,	/* NFR + 1 pairs (lo, hi) from here */
};

#define NR_REGS		(R_FRCD0 + 2 * IOMMU_MAX_FRCD)

struct reg_desc {
	const char *name;
	u32 off;
	u8 size;	/* bytes: 4 or 8 */
	u64 reset;
	u64 wmask;	/* bits software writes */
	u64 w1cmask;	/* bits a written 1 clears */
};

/* Configuration-independent part; CAP/ECAP/HAW-bound masks patched in. */
static const struct reg_desc iommu_regs[R_FRCD0] = {
	[R_VER]	    = { "VER", VTD_VER_REG, 4, IOMMU_VER, 0, 0 },
	[R_CAP]	    = { "CAP", VTD_CAP_REG, 8, 0, 0, 0 },
	[R_ECAP]    = { "ECAP", VTD_ECAP_REG, 8, 0, 0, 0 },
	/* GCMD is write-only: reads return 0, the write is a command. */
	[R_GCMD]    = { "GCMD", VTD_GCMD_REG, 4, 0, 0, 0 },
	[R_GSTS]    = { "GSTS", VTD_GSTS_REG, 4, 0, 0, 0 },
	[R_RTADDR]  = { "RTADDR", VTD_RTADDR_REG, 8, 0, GENMASK_ULL(11, 10), 0 },
	[R_CCMD]    = { "CCMD", VTD_CCMD_REG, 8, 0,
			BIT_ULL(63) | GENMASK_ULL(62, 61) | GENMASK_ULL(33, 0),
			0 },
	[R_FSTS]    = { "FSTS", VTD_FSTS_REG, 4, 0, 0, VTD_FSTS_RW1C },
	[R_FECTL]   = { "FECTL", VTD_FECTL_REG, 4, VTD_xECTL_IM, VTD_xECTL_IM, 0 },
	[R_FEDATA]  = { "FEDATA", VTD_FEDATA_REG, 4, 0, GENMASK_ULL(31, 0), 0 },
	[R_FEADDR]  = { "FEADDR", VTD_FEADDR_REG, 4, 0, GENMASK_ULL(31, 2), 0 },
	[R_FEUADDR] = { "FEUADDR", VTD_FEUADDR_REG, 4, 0, GENMASK_ULL(31, 0), 0 },
	[R_IQH]	    = { "IQH", VTD_IQH_REG, 8, 0, 0, 0 },
	[R_IQT]	    = { "IQT", VTD_IQT_REG, 8, 0, VTD_IQT_QT, 0 },
	[R_IQA]	    = { "IQA", VTD_IQA_REG, 8, 0, GENMASK_ULL(2, 0), 0 },
	[R_ICS]	    = { "ICS", VTD_ICS_REG, 4, 0, 0, VTD_ICS_IWC },
	[R_IECTL]   = { "IECTL", VTD_IECTL_REG, 4, VTD_xECTL_IM, VTD_xECTL_IM, 0 },
	[R_IEDATA]  = { "IEDATA", VTD_IEDATA_REG, 4, 0, GENMASK_ULL(31, 0), 0 },
	[R_IEADDR]  = { "IEADDR", VTD_IEADDR_REG, 4, 0, GENMASK_ULL(31, 2), 0 },
	[R_IEUADDR] = { "IEUADDR", VTD_IEUADDR_REG, 4, 0, GENMASK_ULL(31, 0), 0 },
	[R_IQERCD]  = { "IQERCD", VTD_IQERCD_REG, 8, 0, 0, 0 },
	[R_IVA]	    = { "IVA", IOMMU_IRO * 16 + VTD_IVA_OFF, 8, 0,
			BIT_ULL(6) | GENMASK_ULL(5, 0), 0 },
	[R_IOTLB]   = { "IOTLB", IOMMU_IRO * 16 + VTD_IOTLB_OFF, 8, 0,
			BIT_ULL(63) | GENMASK_ULL(61, 60) | GENMASK_ULL(49, 48) |
			GENMASK_ULL(47, 32), 0 },
};

struct iommu_dev {
	bool used;
	u16 rid;
	const struct sim_iommu_dev_ops *ops;
	void *dev;
	enum sim_devtlb_err inj;
	u32 inj_count;
};

struct sim_iommu {
	struct sim *s;
	struct sim_mem *m;
	struct vsva_mem mem;
	struct sim_iommu_cfg cfg;
	const struct sim_iommu_host_ops *host;
	void *host_ctx;
	struct vsva_caches *caches;
	struct vsva_prq prq;

	struct reg_desc rd[NR_REGS];
	u64 rv[NR_REGS];
	u32 nregs;
	u32 nfr;

	/* Latched state (hardware copies taken by commands). */
	u64 rtaddr;		/* by SRTP */
	u64 iq_base;		/* by QIE: IQA */
	u8 iq_qs;
	bool iq_dw;
	u32 fr_index;		/* next fault record */

	bool iq_scheduled;
	u32 ite_abort;		/* descriptors whose waits an ITE aborted */
	u64 prq_issued, prq_done;	/* latency-delayed page requests */
	u64 pd_target;		/* inv-wait PD stalled until prq_done >= */
	bool pd_stalled;
	/* Page requests on their way to the queue (FIFO: same latency). */
	struct sim_page_req *prq_fifo;
	u32 prq_fifo_head, prq_fifo_n, prq_fifo_cap;

	struct iommu_dev devs[IOMMU_MAX_DEVS];
	struct sim_iommu_stats st;
};

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
}

/* ------------------------------------------------------------------ */
/* Interrupts and status                                              */
/* ------------------------------------------------------------------ */
static void send_irq(struct sim_iommu *it, enum sim_iommu_irq which,
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

static void fault_irq(struct sim_iommu *it)
{
	send_irq(it, SIM_IOMMU_IRQ_FAULT, (u32)it->rv[R_FEDATA],
		 (u32)it->rv[R_FEADDR], (u32)it->rv[R_FEUADDR]);
}

static void inv_irq(struct sim_iommu *it)
{
	send_irq(it, SIM_IOMMU_IRQ_INV, (u32)it->rv[R_IEDATA],
		 (u32)it->rv[R_IEADDR], (u32)it->rv[R_IEUADDR]);
}

/* FSTS moved from @before: raise a fault event if it is a new one (7.3). */
static void fault_event(struct sim_iommu *it, u64 before)
{
	if ((before & FSTS_EVENT_MASK) ||
	    !(it->rv[R_FSTS] & FSTS_EVENT_MASK))
		return;
	if (it->rv[R_FECTL] & VTD_xECTL_IM) {
		it->rv[R_FECTL] |= VTD_xECTL_IP;
		return;
	}
	fault_irq(it);
}

static void fsts_set(struct sim_iommu *it, u64 bits)
{
	u64 before = it->rv[R_FSTS];

	it->rv[R_FSTS] |= bits;
	fault_event(it, before);
}

static bool frcd_f(const struct sim_iommu *it, u32 i)
{
	return it->rv[R_FRCD0 + 2 * i + 1] & BIT_ULL(63);
}

static void update_ppf(struct sim_iommu *it)
{
	bool any = false;

	for (u32 i = 0; i < it->nfr; i++)
		any |= frcd_f(it, i);
	if (any)
		it->rv[R_FSTS] |= VTD_FSTS_PPF;
	else
		it->rv[R_FSTS] &= ~(u64)VTD_FSTS_PPF;
}

/* ------------------------------------------------------------------ */
/* Fault recording (7.2)                                              */
/* ------------------------------------------------------------------ */
struct fault_info {
	u16 rid;
	bool pp;
	u32 pasid;
	u64 addr;
	u8 fr;
	u8 at;		/* 0 untranslated, 1 translation request */
	bool write, exe, priv;
	bool page_req;	/* T2 */
};

/* Returns true if a record was written. */
static bool record_fault(struct sim_iommu *it, const struct fault_info *fi,
			 bool fpd)
{
	struct vtd_frcd r = { { 0, 0 } };
	u64 fsts = it->rv[R_FSTS];
	u32 i;

	sim_trace(it->s, "iommu",
		  "fault fr=%#x (%s) rid=%04x pasid=%s%x addr=%#llx %s%s",
		  fi->fr, vtd_fault_reason_str(fi->fr), fi->rid,
		  fi->pp ? "" : "-/", fi->pasid,
		  (unsigned long long)fi->addr, fi->write ? "W" : "R",
		  fpd ? " (FPD: not recorded)" : "");
	if (fpd) {
		it->st.faults_suppressed++;
		return false;
	}
	if (fsts & VTD_FSTS_PFO) {
		it->st.fault_overflows++;
		return false;
	}
	if (!(fsts & VTD_FSTS_PPF))
		it->fr_index = 0;
	i = it->fr_index;
	if (frcd_f(it, i)) {
		it->st.fault_overflows++;
		fsts_set(it, VTD_FSTS_PFO);
		return false;
	}
	vtd_frcd_set_fi(&r, fi->addr & VSVA_PAGE_MASK);
	vtd_frcd_set_sid(&r, fi->rid);
	vtd_frcd_set_t2(&r, fi->page_req);
	vtd_frcd_set_priv(&r, fi->priv);
	vtd_frcd_set_exe(&r, fi->exe);
	vtd_frcd_set_pp(&r, fi->pp);
	vtd_frcd_set_fr(&r, fi->fr);
	vtd_frcd_set_pv(&r, fi->pp ? fi->pasid : 0);
	vtd_frcd_set_at(&r, fi->at);
	vtd_frcd_set_t1(&r, !fi->write);
	vtd_frcd_set_f(&r, 1);
	it->rv[R_FRCD0 + 2 * i] = r.val[0];
	it->rv[R_FRCD0 + 2 * i + 1] = r.val[1];
	if (!(fsts & VTD_FSTS_PPF))
		it->rv[R_FSTS] = (it->rv[R_FSTS] & ~(u64)VTD_FSTS_FRI) |
				 FIELD_PREP((u64)VTD_FSTS_FRI, i);
	it->rv[R_FSTS] |= VTD_FSTS_PPF;
	it->fr_index = (i + 1) % it->nfr;
	it->st.faults_recorded++;
	fault_event(it, fsts);
	return true;
}

/* ------------------------------------------------------------------ */
/* Root / context / PASID structures                                  */
/* ------------------------------------------------------------------ */
struct xl {
	u8 fr;
	bool fpd;		/* FPD of an entry read so far */
	struct vtd_sm_context_entry ce;
	struct vtd_pasid_entry pe;
	u32 pasid;		/* effective PASID (RID_PASID without one) */
};


/* Reserved-bit check of a scalable context entry, capability-gated. */
static bool sce_rsvd(const struct sim_iommu *it,
		     const struct vtd_sm_context_entry *ce)
{
	u64 ecap = it->cfg.ecap;

	if (vtd_sce_rsvd(ce, it->cfg.haw, vtd_ecap_rps(ecap),
			 vtd_ecap_rprivs(ecap)))
		return true;
	if (vtd_sce_dte(ce) && !vtd_ecap_dt(ecap))
		return true;
	if (vtd_sce_paside(ce) && !vtd_ecap_pasid(ecap))
		return true;
	if (vtd_sce_pre(ce) && !vtd_ecap_prs(ecap))
		return true;
	return false;
}

static u8 lookup_context(struct sim_iommu *it, u16 rid, struct xl *x)
{
	const struct vsva_ctx_cache_entry *cc;
	struct vsva_ctx_cache_entry ne;
	struct vtd_root_entry re;
	u8 bus = rid >> 8, devfn = rid & 0xff;
	u64 rta = vtd_rtaddr_rta(it->rtaddr), ctp;
	bool present;

	cc = vsva_ctx_cache_lookup(it->caches, rid);
	if (cc) {
		memcpy(x->ce.val, cc->val, sizeof(x->ce.val));
		x->fpd = vtd_sce_fpd(&x->ce);
		return 0;
	}
	if (rta & vtd_above_haw(it->cfg.haw))
		return VTD_FR_SM_RTADDR_INVALID;
	if (vsva_read_qwords(&it->mem, VSVA_AS_HPA, rta + 16ULL * bus,
			     re.val, 2))
		return VTD_FR_SM_ROOT_ACCESS;
	present = devfn < 128 ? vtd_sre_lp(&re) : vtd_sre_up(&re);
	if (!present)
		return VTD_FR_SM_ROOT_NOT_PRESENT;
	if (vtd_sre_rsvd(&re, devfn, it->cfg.haw))
		return VTD_FR_SM_ROOT_RSVD;
	ctp = devfn < 128 ? vtd_sre_lctp(&re) : vtd_sre_uctp(&re);
	if (vsva_read_qwords(&it->mem, VSVA_AS_HPA,
			     ctp + 32ULL * (devfn & 127), x->ce.val, 4))
		return VTD_FR_SM_CTX_ACCESS;
	if (!vtd_sce_p(&x->ce))
		return VTD_FR_SM_CTX_NOT_PRESENT;
	if (sce_rsvd(it, &x->ce))
		return VTD_FR_SM_CTX_RSVD;
	x->fpd = vtd_sce_fpd(&x->ce);
	memset(&ne, 0, sizeof(ne));
	memcpy(ne.val, x->ce.val, sizeof(ne.val));
	ne.rid = rid;
	vsva_ctx_cache_insert(it->caches, &ne);
	return 0;
}

/* PASID entry validity beyond reserved bits (0x5A / 0x5B). */
static u8 pe_check(const struct sim_iommu *it, const struct vtd_pasid_entry *pe)
{
	u64 cap = it->cfg.cap, ecap = it->cfg.ecap;
	unsigned int pgtt = vtd_pe_pgtt(pe);
	bool fs = pgtt == VTD_PGTT_FS || pgtt == VTD_PGTT_NESTED;
	bool ss = pgtt == VTD_PGTT_SS || pgtt == VTD_PGTT_NESTED;

	if (vtd_pe_rsvd(pe, it->cfg.haw, vtd_ecap_mts(ecap)))
		return VTD_FR_SM_PASID_RSVD;
	if ((vtd_pe_slade(pe) && !vtd_ecap_slads(ecap)) ||
	    (vtd_pe_eafe(pe) && !vtd_ecap_eafs(ecap)) ||
	    (vtd_pe_sre(pe) && !vtd_ecap_srs(ecap)) ||
	    (vtd_pe_ere(pe) && !vtd_ecap_ers(ecap)))
		return VTD_FR_SM_PASID_RSVD;
	switch (pgtt) {
	case VTD_PGTT_FS:
		if (!vtd_ecap_flts(ecap))
			return VTD_FR_SM_PASID_INVALID;
		break;
	case VTD_PGTT_SS:
		if (!vtd_ecap_slts(ecap))
			return VTD_FR_SM_PASID_INVALID;
		break;
	case VTD_PGTT_NESTED:
		if (!vtd_ecap_nest(ecap))
			return VTD_FR_SM_PASID_INVALID;
		break;
	case VTD_PGTT_PT:
		if (!vtd_ecap_pt(ecap))
			return VTD_FR_SM_PASID_INVALID;
		break;
	default:
		return VTD_FR_SM_PASID_INVALID;
	}
	if (fs && (vtd_pe_flpm(pe) > VTD_FSPM_5LVL ||
		   (vtd_pe_flpm(pe) == VTD_FSPM_5LVL && !vtd_cap_fl5lp(cap))))
		return VTD_FR_SM_PASID_INVALID;
	if (ss) {
		unsigned int aw = vtd_pe_aw(pe);

		if (aw < 1 || aw > 3 || !(vtd_cap_sagaw(cap) & BIT(aw)))
			return VTD_FR_SM_PASID_INVALID;
	}
	return 0;
}

static u8 lookup_pasid(struct sim_iommu *it, u16 rid, struct xl *x)
{
	const struct vsva_pasid_cache_entry *pc;
	struct vsva_pasid_cache_entry ne;
	struct vtd_pasid_dir_entry pde;
	u32 pasid = x->pasid, di = pasid >> VTD_PASID_DIR_SHIFT;
	u64 ptbl;
	u8 fr;

	pc = vsva_pasid_cache_lookup(it->caches, rid, pasid);
	if (pc) {
		memcpy(x->pe.val, pc->val, sizeof(x->pe.val));
		x->fpd |= vtd_pe_fpd(&x->pe);
		return 0;
	}
	if (di >= vtd_sce_pasid_dir_entries(&x->ce))
		return VTD_FR_SM_CTX_PASID_MAX;
	if (vsva_read64(&it->mem, VSVA_AS_HPA,
			vtd_sce_pasiddirptr(&x->ce) + 8ULL * di, &pde.val[0]))
		return VTD_FR_SM_PDIR_ACCESS;
	if (!vtd_pde_p(&pde))
		return VTD_FR_SM_PDIR_NOT_PRESENT;
	if (vtd_pde_rsvd(&pde, it->cfg.haw))
		return VTD_FR_SM_PDIR_RSVD;
	x->fpd |= vtd_pde_fpd(&pde);
	ptbl = vtd_pde_smptblptr(&pde);
	if (vsva_read_qwords(&it->mem, VSVA_AS_HPA,
			     ptbl + VTD_PASID_ENTRY_SIZE *
			     (u64)(pasid % VTD_PASID_TBL_ENTRIES),
			     x->pe.val, 8))
		return VTD_FR_SM_PASID_ACCESS;
	if (!vtd_pe_p(&x->pe))
		return VTD_FR_SM_PASID_NOT_PRESENT;
	fr = pe_check(it, &x->pe);
	if (fr)
		return fr;
	if (vtd_pde_fpd(&pde))
		vtd_pe_set_fpd(&x->pe, 1);
	x->fpd |= vtd_pe_fpd(&x->pe);
	memset(&ne, 0, sizeof(ne));
	memcpy(ne.val, x->pe.val, sizeof(ne.val));
	ne.pasid = pasid;
	ne.rid = rid;
	ne.did = (u16)vtd_pe_did(&x->pe);
	vsva_pasid_cache_insert(it->caches, &ne);
	return 0;
}

/* Legacy / reserved translation table modes: the request's fault code. */
static u8 ttm_fault(const struct sim_iommu *it, bool pp, bool page_req)
{
	switch (vtd_rtaddr_ttm(it->rtaddr)) {
	case VTD_TTM_SCALABLE:
		return 0;
	case VTD_TTM_LEGACY:
		if (page_req)
			return VTD_FR_SM_TTM0_PGREQ;
		return pp ? VTD_FR_SM_TTM0_PASID : VTD_FR_ROOT_TABLE_INVALID;
	default:
		return VTD_FR_SM_RTADDR_INVALID;
	}
}

/*
 * Root -> context -> (PASIDE) -> PASID directory -> PASID entry for a
 * request of @rid; @ats adds the DTE check.  0 or the fault reason.
 */
static u8 resolve(struct sim_iommu *it, u16 rid, bool pp, u32 pasid,
		  bool ats, struct xl *x)
{
	u8 fr;

	memset(x, 0, sizeof(*x));
	fr = ttm_fault(it, pp, false);
	if (!fr)
		fr = lookup_context(it, rid, x);
	if (fr)
		return fr;
	if (ats && !vtd_sce_dte(&x->ce))
		return VTD_FR_SM_CTX_DTE;
	if (pp && !vtd_sce_paside(&x->ce))
		return VTD_FR_SM_CTX_PASIDE;
	if (pp)
		x->pasid = pasid;
	else
		x->pasid = vtd_ecap_rps(it->cfg.ecap) ?
			   (u32)vtd_sce_rid_pasid(&x->ce) : 0;
	return lookup_pasid(it, rid, x);
}

static void walk_cfg(const struct sim_iommu *it, const struct vtd_pasid_entry *pe,
		     struct vsva_walk_cfg *w)
{
	memset(w, 0, sizeof(*w));
	w->mem = &it->mem;
	w->as = VSVA_AS_HPA;
	w->mode = (u8)vtd_pe_pgtt(pe);
	w->haw = it->cfg.haw;
	w->sc = vtd_ecap_sc(it->cfg.ecap);
	w->dt = vtd_ecap_dt(it->cfg.ecap);
	w->fs.fsptptr = vtd_pe_flptptr(pe);
	w->fs.levels = vtd_pe_flpm(pe) == VTD_FSPM_5LVL ? 5 : 4;
	w->fs.sre = vtd_pe_sre(pe);
	w->fs.ere = vtd_pe_ere(pe);
	w->fs.wpe = vtd_pe_wpe(pe);
	w->fs.nxe = vtd_pe_nxe(pe);
	w->fs.eafe = vtd_pe_eafe(pe);
	w->fs.fs1gp = vtd_cap_fl1gp(it->cfg.cap);
	w->ss.ssptptr = vtd_pe_slptptr(pe);
	w->ss.levels = (u8)vtd_aw_levels(vtd_pe_aw(pe));
	w->ss.ssade = vtd_pe_slade(pe);
	w->ss.ssee = vtd_pe_ssee(pe);
}

/* Walk (or pass through) under a resolved PASID entry. */
static int do_walk(struct sim_iommu *it, const struct xl *x,
		   const struct sim_dma_req *req, u8 access,
		   struct sim_xlate *out)
{
	struct vsva_walk_req wr = { .addr = req->addr, .access = access,
				    .priv = req->priv };
	struct vsva_walk_result res;
	struct vsva_walk_cfg w;
	int ret;

	if (vtd_pe_pgtt(&x->pe) == VTD_PGTT_PT) {
		if (req->addr & vtd_above_haw(it->cfg.haw)) {
			out->fault = VTD_FR_SM_ADDR_BEYOND_MAX;
			return -EFAULT;
		}
		out->hpa = req->addr;
		out->size_lg2 = 12;
		out->perm = VSVA_PERM_R | VSVA_PERM_W | VSVA_PERM_X;
		return 0;
	}
	walk_cfg(it, &x->pe, &w);
	ret = vsva_translate(it->caches, &w, (u16)vtd_pe_did(&x->pe), x->pasid,
			     &wr, &res);
	if (ret) {
		out->fault = res.fault ? res.fault : VTD_FR_SM_PASID_INVALID;
		out->fault_stage = res.fault_stage;
		return -EFAULT;
	}
	out->hpa = res.oaddr;
	out->size_lg2 = res.size_lg2;
	out->perm = res.perm;
	return 0;
}

static void fault_from_req(struct fault_info *fi, const struct sim_dma_req *req,
			   u8 fr, u8 at)
{
	memset(fi, 0, sizeof(*fi));
	fi->rid = req->rid;
	fi->pp = req->pasid_present;
	fi->pasid = req->pasid;
	fi->addr = req->addr;
	fi->fr = fr;
	fi->at = at;
	fi->write = req->access & VSVA_PERM_W;
	fi->exe = req->access & VSVA_PERM_X;
	fi->priv = req->priv;
}

int sim_iommu_translate(struct sim_iommu *it, const struct sim_dma_req *req,
			struct sim_xlate *out)
{
	struct fault_info fi;
	struct xl x;
	u8 fr;

	memset(out, 0, sizeof(*out));
	it->st.translations++;
	if (!(it->rv[R_GSTS] & VTD_GSTS_TES)) {
		out->hpa = req->addr;
		out->size_lg2 = 12;
		out->perm = VSVA_PERM_R | VSVA_PERM_W | VSVA_PERM_X;
		return 0;
	}
	fr = resolve(it, req->rid, req->pasid_present, req->pasid, false, &x);
	if (!fr && !do_walk(it, &x, req, req->access, out))
		return 0;
	if (fr)
		out->fault = fr;
	fault_from_req(&fi, req, out->fault, 0);
	out->recorded = record_fault(it, &fi, x.fpd);
	return -EFAULT;
}

/* Walk faults an ATS request answers with R = W = 0 instead of UR. */
static bool ats_recoverable(u8 fr)
{
	switch (fr) {
	case VTD_FR_SM_FS_NOT_PRESENT:
	case VTD_FR_SM_SS_NOT_PRESENT:
	case VTD_FR_SM_FS_NESTED_ROOT_READ:
	case VTD_FR_SM_FS_NESTED_READ:
	case VTD_FR_SM_FS_NESTED_WRITE:
	case VTD_FR_SM_NONCANONICAL:
	case VTD_FR_SM_US:
	case VTD_FR_SM_NO_EXEC:
	case VTD_FR_SM_ADDR_BEYOND_MAX:
	case VTD_FR_SM_NO_WRITE:
	case VTD_FR_SM_NO_READ:
		return true;
	}
	return false;
}

int sim_iommu_ats_translate(struct sim_iommu *it, const struct sim_dma_req *req,
			    struct sim_xlate *out)
{
	struct fault_info fi;
	struct xl x;
	u8 fr;

	memset(out, 0, sizeof(*out));
	it->st.ats_requests++;
	if (!(it->rv[R_GSTS] & VTD_GSTS_TES))
		return -EPERM;
	fr = resolve(it, req->rid, req->pasid_present, req->pasid, true, &x);
	if (!fr) {
		if (!do_walk(it, &x, req, req->access, out))
			return 0;
		fr = out->fault;
		if (ats_recoverable(fr)) {
			/* A write to a read-only page: grant what there is. */
			if ((req->access & VSVA_PERM_W) &&
			    fr == VTD_FR_SM_NO_WRITE &&
			    !do_walk(it, &x, req, VSVA_PERM_R, out)) {
				out->perm &= ~VSVA_PERM_W;
				return 0;
			}
			memset(out, 0, sizeof(*out));
			out->fault = fr;
			it->st.ats_not_present++;
			sim_trace(it->s, "iommu",
				  "ats rid=%04x addr=%#llx: R=W=0 (fr %#x)",
				  req->rid, (unsigned long long)req->addr, fr);
			return 0;
		}
	}
	out->fault = fr;
	fault_from_req(&fi, req, fr, 1);
	out->recorded = record_fault(it, &fi, x.fpd);
	return -EPERM;
}

/* ------------------------------------------------------------------ */
/* Devices                                                            */
/* ------------------------------------------------------------------ */
static struct iommu_dev *find_dev(struct sim_iommu *it, u16 rid)
{
	for (int i = 0; i < IOMMU_MAX_DEVS; i++)
		if (it->devs[i].used && it->devs[i].rid == rid)
			return &it->devs[i];
	return NULL;
}

int sim_iommu_attach_device(struct sim_iommu *it, u16 rid,
			    const struct sim_iommu_dev_ops *ops, void *dev)
{
	if (find_dev(it, rid))
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
	struct iommu_dev *d = find_dev(it, rid);

	if (d)
		memset(d, 0, sizeof(*d));
}

int sim_iommu_inject_devtlb_error(struct sim_iommu *it, u16 rid,
				  enum sim_devtlb_err err, u32 count)
{
	struct iommu_dev *d = find_dev(it, rid);

	if (!d)
		return -ENODEV;
	d->inj = count ? err : SIM_DEVTLB_OK;
	d->inj_count = count;
	return 0;
}

static void deliver_response(struct sim_iommu *it, u16 rid, bool pp, u32 pasid,
			     u16 prg_index, u8 code)
{
	struct iommu_dev *d = find_dev(it, rid);

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
/* Page requests (7.5)                                                */
/* ------------------------------------------------------------------ */
static void prq_write(struct sim_iommu *it, const struct sim_page_req *r)
{
	struct vsva_page_req pr = {
		.rid = r->rid, .pasid_present = r->pasid_present,
		.pasid = r->pasid_present ? r->pasid : 0,
		.x = r->x, .priv = r->priv, .r = r->r, .w = r->w,
		.lpig = r->lpig, .prg_index = r->prg_index,
		.addr = r->addr & VSVA_PAGE_MASK,
	};
	struct vsva_prq_event ev;
	struct vtd_page_req_desc desc;
	int ret;

	if (vsva_page_req_encode(&pr, desc.qw))
		return;
	ret = vsva_prq_enqueue(&it->prq, &desc, &ev);
	sim_trace(it->s, "iommu",
		  "page request rid=%04x pasid=%s%x addr=%#llx %s%s%s prgi=%u%s: %s",
		  r->rid, r->pasid_present ? "" : "-/", pr.pasid,
		  (unsigned long long)pr.addr, r->r ? "R" : "", r->w ? "W" : "",
		  r->x ? "X" : "", r->prg_index, r->lpig ? " LPIG" : "",
		  ret == 0 ? "queued" : ret == -ENOSPC ? "overflow" : "dropped");
	if (ret == -ENOSPC)
		it->st.prq_overflows++;
	if (ev.irq)
		send_irq(it, SIM_IOMMU_IRQ_PRQ, ev.irq_data, (u32)ev.irq_addr,
			 (u32)(ev.irq_addr >> 32));
	if (ev.auto_resp) {
		it->st.prq_auto_responses++;
		deliver_response(it, ev.resp.rid, ev.resp.pasid_present,
				 ev.resp.pasid, ev.resp.prg_index,
				 ev.resp.code);
	}
}

static void iq_process(struct sim_iommu *it);

static void prq_event_fn(struct sim *s, void *arg)
{
	struct sim_iommu *it = arg;
	struct sim_page_req r;

	if (!it->prq_fifo_n)
		return;
	r = it->prq_fifo[it->prq_fifo_head];
	it->prq_fifo_head = (it->prq_fifo_head + 1) % it->prq_fifo_cap;
	it->prq_fifo_n--;
	prq_write(it, &r);
	it->prq_done++;
	if (it->pd_stalled && it->prq_done >= it->pd_target) {
		/* The drained wait completes now, not a fetch later. */
		it->pd_stalled = false;
		iq_process(it);
	}
}

static int prq_fifo_push(struct sim_iommu *it, const struct sim_page_req *r)
{
	if (it->prq_fifo_n == it->prq_fifo_cap) {
		u32 cap = it->prq_fifo_cap ? 2 * it->prq_fifo_cap : 16;
		struct sim_page_req *n = calloc(cap, sizeof(*n));

		if (!n)
			return -ENOMEM;
		for (u32 i = 0; i < it->prq_fifo_n; i++)
			n[i] = it->prq_fifo[(it->prq_fifo_head + i) %
					    it->prq_fifo_cap];
		free(it->prq_fifo);
		it->prq_fifo = n;
		it->prq_fifo_head = 0;
		it->prq_fifo_cap = cap;
	}
	it->prq_fifo[(it->prq_fifo_head + it->prq_fifo_n) % it->prq_fifo_cap] = *r;
	it->prq_fifo_n++;
	return 0;
}

static void page_req_reject(struct sim_iommu *it, const struct sim_page_req *r,
			    u8 fr, bool fpd)
{
	struct fault_info fi = {
		.rid = r->rid, .pp = r->pasid_present, .pasid = r->pasid,
		.addr = r->addr, .fr = fr, .write = r->w, .exe = r->x,
		.priv = r->priv, .page_req = true,
	};

	it->st.prq_rejected++;
	if (fr)
		record_fault(it, &fi, fpd);
	/* A stop marker (LPIG, R = W = 0) is owed no response. */
	if (r->lpig && (r->r || r->w)) {
		it->st.prq_auto_responses++;
		deliver_response(it, r->rid, r->pasid_present, r->pasid,
				 r->prg_index, VTD_PRG_RESP_INVALID);
	}
}

int sim_iommu_page_request(struct sim_iommu *it, const struct sim_page_req *r)
{
	struct xl x;
	u8 fr;

	it->st.page_requests++;
	if (!vtd_ecap_prs(it->cfg.ecap))
		return -EOPNOTSUPP;
	if (!(it->rv[R_GSTS] & VTD_GSTS_TES)) {
		page_req_reject(it, r, 0, false);
		return -EPERM;
	}
	memset(&x, 0, sizeof(x));
	fr = ttm_fault(it, r->pasid_present, true);
	if (!fr)
		fr = lookup_context(it, r->rid, &x);
	if (!fr && r->pasid_present && !vtd_sce_paside(&x.ce))
		fr = VTD_FR_SM_CTX_PASIDE;
	if (!fr && !vtd_sce_pre(&x.ce))
		fr = VTD_FR_SM_CTX_PRE;
	if (fr) {
		page_req_reject(it, r, fr, x.fpd);
		return -EPERM;
	}
	if (it->cfg.prq_latency_ns) {
		if (prq_fifo_push(it, r))
			return -ENOMEM;
		if (sim_schedule(it->s, it->cfg.prq_latency_ns, prq_event_fn,
				 it)) {
			it->prq_fifo_n--;
			return -ENOMEM;
		}
		it->prq_issued++;
		return 0;
	}
	prq_write(it, r);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Invalidation queue (6.5.2)                                         */
/* ------------------------------------------------------------------ */
static void iq_error(struct sim_iommu *it, enum vtd_iqei iqei, u32 head)
{
	it->rv[R_IQERCD] = vtd_iqercd_set_iqei(it->rv[R_IQERCD], iqei);
	it->st.iq_errors++;
	it->st.iqe_by_iqei[iqei & 7]++;
	sim_trace(it->s, "iommu", "IQE iqei=%u at head %#x", iqei, head);
	fsts_set(it, VTD_FSTS_IQE);
}

/* Send a device-TLB invalidation; false on a timeout (ITE). */
static bool iq_devtlb(struct sim_iommu *it, const struct vsva_inv_op *op)
{
	struct iommu_dev *d = find_dev(it, op->sid);
	bool pasid_valid = op->kind == VSVA_INV_PDEVTLB &&
			   op->gran == VSVA_INV_G_PASID;
	bool global = op->kind == VSVA_INV_PDEVTLB &&
		      op->gran == VSVA_INV_G_GLOBAL;

	it->st.devtlb_invs++;
	if (!d || !d->ops || !d->ops->devtlb_invalidate) {
		it->st.orphan_responses++;
		return true;
	}
	if (d->inj_count) {
		enum sim_devtlb_err e = d->inj;

		if (!--d->inj_count)
			d->inj = SIM_DEVTLB_OK;
		if (e == SIM_DEVTLB_TIMEOUT) {
			it->st.ite_errors++;
			it->rv[R_IQERCD] = vtd_iqercd_set_itesid(it->rv[R_IQERCD],
								 op->sid);
			sim_trace(it->s, "iommu", "ITE sid=%04x", op->sid);
			fsts_set(it, VTD_FSTS_ITE);
			return false;
		}
		if (e == SIM_DEVTLB_BAD_COMPLETION) {
			d->ops->devtlb_invalidate(d->dev, pasid_valid,
						  op->pasid, op->addr,
						  op->size_lg2, global);
			it->st.ice_errors++;
			it->rv[R_IQERCD] = vtd_iqercd_set_icesid(it->rv[R_IQERCD],
								 op->sid);
			sim_trace(it->s, "iommu", "ICE sid=%04x", op->sid);
			fsts_set(it, VTD_FSTS_ICE);
			return true;
		}
	}
	d->ops->devtlb_invalidate(d->dev, pasid_valid, op->pasid, op->addr,
				  op->size_lg2, global);
	return true;
}

static void iq_wait(struct sim_iommu *it, const struct vsva_inv_op *op,
		    bool aborted)
{
	u32 data = op->wait.status_data;

	it->st.inv_waits++;
	if (aborted) {
		it->st.waits_aborted++;
		return;
	}
	if (op->wait.sw &&
	    sim_mem_write(it->m, VSVA_AS_HPA, op->wait.status_addr, &data, 4))
		sim_trace(it->s, "iommu", "inv-wait status write to %#llx failed",
			  (unsigned long long)op->wait.status_addr);
	if (op->wait.iflag && !(it->rv[R_ICS] & VTD_ICS_IWC)) {
		it->rv[R_ICS] |= VTD_ICS_IWC;
		if (it->rv[R_IECTL] & VTD_xECTL_IM)
			it->rv[R_IECTL] |= VTD_xECTL_IP;
		else
			inv_irq(it);
	}
}

/* Execute one decoded descriptor; false if the queue must stop (ITE). */
static bool iq_exec(struct sim_iommu *it, const struct vsva_inv_op *op,
		    bool abort_wait)
{
	struct vsva_caches *c = it->caches;

	switch (op->kind) {
	case VSVA_INV_CC:
		if (op->gran == VSVA_INV_G_GLOBAL)
			vsva_inv_ctx_global(c);
		else if (op->gran == VSVA_INV_G_DOMAIN)
			vsva_inv_ctx_domain(c, op->did);
		else
			vsva_inv_ctx_device(c, op->did, op->sid, op->fm);
		break;
	case VSVA_INV_IOTLB:
		if (op->gran == VSVA_INV_G_GLOBAL)
			vsva_inv_iotlb_global(c);
		else if (op->gran == VSVA_INV_G_DOMAIN)
			vsva_inv_iotlb_domain(c, op->did);
		else
			vsva_inv_iotlb_page(c, op->did, op->addr, op->am,
					    op->ih);
		break;
	case VSVA_INV_PIOTLB:
		if (op->gran == VSVA_INV_G_PASID)
			vsva_inv_piotlb_pasid(c, op->did, op->pasid);
		else
			vsva_inv_piotlb_page(c, op->did, op->pasid, op->addr,
					     op->am, op->ih);
		break;
	case VSVA_INV_PC:
		if (op->gran == VSVA_INV_G_GLOBAL)
			vsva_inv_pasid_cache_global(c);
		else if (op->gran == VSVA_INV_G_DOMAIN)
			vsva_inv_pasid_cache_domain(c, op->did);
		else
			vsva_inv_pasid_cache_pasid(c, op->did, op->pasid);
		break;
	case VSVA_INV_DEVTLB:
	case VSVA_INV_PDEVTLB:
		return iq_devtlb(it, op);
	case VSVA_INV_IEC:
		it->st.iec_invs++;	/* no interrupt remapping: nothing cached */
		break;
	case VSVA_INV_WAIT:
		iq_wait(it, op, abort_wait);
		break;
	case VSVA_INV_PGRP_RESP:
		it->st.page_responses++;
		deliver_response(it, op->resp.rid, op->resp.pp, op->pasid,
				 op->resp.prg_index, op->resp.code);
		break;
	default:
		break;
	}
	return true;
}

static void iq_process(struct sim_iommu *it)
{
	u64 size = VSVA_PAGE_SIZE << it->iq_qs;
	u32 dsz = it->iq_dw ? 32 : 16;
	unsigned int width = it->iq_dw ? 256 : 128;
	unsigned int mamv = (unsigned int)vtd_cap_mamv(it->cfg.cap);

	while (!(it->rv[R_FSTS] & (VTD_FSTS_IQE | VTD_FSTS_ITE)) &&
	       (it->rv[R_GSTS] & VTD_GSTS_QIES) && !it->pd_stalled) {
		u32 head = (u32)(it->rv[R_IQH] & VTD_IQH_QH);
		u64 tail = it->rv[R_IQT] & VTD_IQT_QT;
		struct vsva_inv_op op;
		u64 qw[4] = { 0 };
		bool abort_wait = false;
		int ret;

		if (tail >= size || (it->iq_dw && (tail & 0x10))) {
			iq_error(it, VTD_IQEI_TAIL, head);
			return;
		}
		if (head == tail)
			return;
		if (vsva_read_qwords(&it->mem, VSVA_AS_HPA, it->iq_base + head,
				     qw, dsz / 8)) {
			iq_error(it, VTD_IQEI_FETCH, head);
			return;
		}
		ret = vsva_qi_decode(qw, width, mamv, &op);
		if (ret) {
			struct vtd_inv_desc d = { { qw[0], qw[1], 0, 0 } };
			u8 type = vtd_inv_type(&d);
			enum vtd_iqei iqei = VTD_IQEI_RSVD;

			if (ret == VSVA_QI_ERR_TYPE)
				iqei = !it->iq_dw && vtd_inv_type_needs_256(type) ?
				       VTD_IQEI_WIDTH : VTD_IQEI_TYPE;
			sim_trace(it->s, "iommu",
				  "desc @%#x qw0=%#llx qw1=%#llx: malformed (%d)",
				  head, (unsigned long long)qw[0],
				  (unsigned long long)qw[1], ret);
			iq_error(it, iqei, head);
			return;
		}
		if (op.kind == VSVA_INV_WAIT && op.wait.pd &&
		    it->prq_done < it->prq_issued) {
			/* Drain: requests received before the wait first. */
			it->pd_stalled = true;
			it->pd_target = it->prq_issued;
			return;
		}
		if (it->ite_abort) {
			it->ite_abort--;
			abort_wait = op.kind == VSVA_INV_WAIT;
		}
		it->st.iq_descs++;
		sim_trace(it->s, "iommu",
			  "desc @%#x %s gran=%d did=%u sid=%04x pasid=%#x "
			  "addr=%#llx am=%u%s",
			  head, vsva_inv_kind_name(op.kind), op.gran, op.did,
			  op.sid, op.pasid, (unsigned long long)op.addr, op.am,
			  abort_wait ? " (aborted)" : "");
		ret = iq_exec(it, &op, abort_wait);
		head = (u32)((head + dsz) % size);
		it->rv[R_IQH] = head;
		if (!ret) {
			/* ITE: the waits fetched up to the tail are aborted. */
			it->ite_abort = (u32)(((tail + size - head) % size) /
					      dsz);
			return;
		}
	}
}

static void iq_event_fn(struct sim *s, void *arg)
{
	struct sim_iommu *it = arg;

	it->iq_scheduled = false;
	iq_process(it);
}

static void iq_kick(struct sim_iommu *it)
{
	if (it->iq_scheduled || !(it->rv[R_GSTS] & VTD_GSTS_QIES))
		return;
	if (sim_schedule(it->s, it->cfg.iq_latency_ns, iq_event_fn, it))
		return;
	it->iq_scheduled = true;
}

/* ------------------------------------------------------------------ */
/* Register side effects                                              */
/* ------------------------------------------------------------------ */
static void gcmd_write(struct sim_iommu *it, u32 val)
{
	const u32 persistent = VTD_GCMD_TE | VTD_GCMD_QIE;
	u32 sts = (u32)it->rv[R_GSTS];
	u32 changed = (val ^ sts) & persistent;
	u32 oneshot = val & (VTD_GCMD_SRTP | VTD_GCMD_WBF | VTD_GCMD_SFL);
	u32 n = (u32)__builtin_popcount(changed | oneshot);

	if (n > 1) {
		/* 10.4.4: one command per write; anything else is undefined. */
		it->st.gcmd_bad++;
		sim_trace(it->s, "iommu", "GCMD %#x: %u commands at once, ignored",
			  val, n);
		return;
	}
	if (oneshot & VTD_GCMD_SRTP) {
		it->rtaddr = it->rv[R_RTADDR];
		sts |= VTD_GSTS_RTPS;
		sim_trace(it->s, "iommu", "SRTP rta=%#llx ttm=%llu",
			  (unsigned long long)vtd_rtaddr_rta(it->rtaddr),
			  (unsigned long long)vtd_rtaddr_ttm(it->rtaddr));
	}
	/* WBF: CAP.RWBF = 0, nothing to flush.  SFL: no AFL, reserved. */
	if (changed & VTD_GCMD_QIE) {
		if (val & VTD_GCMD_QIE) {
			u64 iqa = it->rv[R_IQA];

			it->iq_base = vtd_iqa_iqa(iqa);
			it->iq_qs = (u8)vtd_iqa_qs(iqa);
			it->iq_dw = vtd_iqa_dw(iqa);
			it->rv[R_IQH] = 0;
			it->ite_abort = 0;
			sts |= VTD_GSTS_QIES;
		} else {
			sts &= ~VTD_GSTS_QIES;
		}
	}
	if (changed & VTD_GCMD_TE) {
		if (val & VTD_GCMD_TE)
			sts |= VTD_GSTS_TES;
		else
			sts &= ~VTD_GSTS_TES;
	}
	it->rv[R_GSTS] = sts;
	if (sts & VTD_GSTS_QIES)
		iq_kick(it);
}

static void ccmd_write(struct sim_iommu *it, u64 v)
{
	if (!vtd_ccmd_icc(v))
		return;
	if (it->rv[R_GSTS] & VTD_GSTS_QIES) {
		it->st.bad_mmio++;
		it->rv[R_CCMD] = v & ~BIT_ULL(63);
		return;
	}
	switch (vtd_ccmd_cirg(v)) {
	case 1:
		vsva_inv_ctx_global(it->caches);
		break;
	case 2:
		vsva_inv_ctx_domain(it->caches, (u16)vtd_ccmd_did(v));
		break;
	case 3:
		vsva_inv_ctx_device(it->caches, (u16)vtd_ccmd_did(v),
				    (u16)vtd_ccmd_sid(v), (u8)vtd_ccmd_fm(v));
		break;
	default:	/* reserved granularity: CAIG 0 reports failure */
		it->rv[R_CCMD] = vtd_ccmd_set_caig(v, 0) & ~BIT_ULL(63);
		return;
	}
	it->rv[R_CCMD] = vtd_ccmd_set_caig(v, vtd_ccmd_cirg(v)) & ~BIT_ULL(63);
}

static void iotlb_write(struct sim_iommu *it, u64 v)
{
	u64 iva = it->rv[R_IVA];

	if (!vtd_iotlb_ivt(v))
		return;
	if (it->rv[R_GSTS] & VTD_GSTS_QIES) {
		it->st.bad_mmio++;
		it->rv[R_IOTLB] = v & ~BIT_ULL(63);
		return;
	}
	switch (vtd_iotlb_iirg(v)) {
	case 1:
		vsva_inv_iotlb_global(it->caches);
		break;
	case 2:
		vsva_inv_iotlb_domain(it->caches, (u16)vtd_iotlb_did(v));
		break;
	case 3:
		if (vtd_iva_am(iva) > vtd_cap_mamv(it->cfg.cap)) {
			it->rv[R_IOTLB] = vtd_iotlb_set_iaig(v, 0) & ~BIT_ULL(63);
			return;
		}
		vsva_inv_iotlb_page(it->caches, (u16)vtd_iotlb_did(v),
				    vtd_iva_addr(iva), (u8)vtd_iva_am(iva),
				    vtd_iva_ih(iva));
		break;
	default:
		it->rv[R_IOTLB] = vtd_iotlb_set_iaig(v, 0) & ~BIT_ULL(63);
		return;
	}
	it->rv[R_IOTLB] = vtd_iotlb_set_iaig(v, vtd_iotlb_iirg(v)) &
			  ~BIT_ULL(63);
}

/* Side effects of a write to register @id (value already stored). */
static void reg_written(struct sim_iommu *it, u32 id, u64 old, u64 val)
{
	u64 v = it->rv[id];

	switch (id) {
	case R_GCMD:
		gcmd_write(it, (u32)val);
		it->rv[R_GCMD] = 0;
		break;
	case R_CCMD:
		ccmd_write(it, v);
		break;
	case R_IOTLB:
		iotlb_write(it, v);
		break;
	case R_FSTS:
		if (!(v & FSTS_EVENT_MASK))
			it->rv[R_FECTL] &= ~(u64)VTD_xECTL_IP;
		if ((old & ~v) & (VTD_FSTS_IQE | VTD_FSTS_ITE))
			iq_kick(it);
		break;
	case R_FECTL:
		if ((v & VTD_xECTL_IP) && !(v & VTD_xECTL_IM)) {
			it->rv[R_FECTL] &= ~(u64)VTD_xECTL_IP;
			fault_irq(it);
		}
		break;
	case R_ICS:
		if (!(v & VTD_ICS_IWC))
			it->rv[R_IECTL] &= ~(u64)VTD_xECTL_IP;
		break;
	case R_IECTL:
		if ((v & VTD_xECTL_IP) && !(v & VTD_xECTL_IM)) {
			it->rv[R_IECTL] &= ~(u64)VTD_xECTL_IP;
			inv_irq(it);
		}
		break;
	case R_IQT:
		iq_kick(it);
		break;
	default:
		if (id >= R_FRCD0 && ((id - R_FRCD0) & 1)) {
			u64 before = it->rv[R_FSTS];

			update_ppf(it);
			if (!(it->rv[R_FSTS] & FSTS_EVENT_MASK) &&
			    (before & FSTS_EVENT_MASK))
				it->rv[R_FECTL] &= ~(u64)VTD_xECTL_IP;
		}
		break;
	}
}

/* ------------------------------------------------------------------ */
/* MMIO                                                               */
/* ------------------------------------------------------------------ */
static bool is_prq_off(const struct sim_iommu *it, u32 off)
{
	return vtd_ecap_prs(it->cfg.ecap) && off >= VTD_PQH_REG &&
	       off < VTD_PEUADDR_REG + 4;
}

/* Register containing [off, off + size), with the bit shift inside it. */
static int reg_find(const struct sim_iommu *it, u32 off, unsigned int size,
		    unsigned int *shift)
{
	if ((size != 4 && size != 8) || (off & (size - 1)))
		return -EINVAL;
	for (u32 i = 0; i < it->nregs; i++) {
		const struct reg_desc *r = &it->rd[i];

		if (!r->name || off < r->off || off >= r->off + r->size)
			continue;
		if (size > r->size)
			return -EINVAL;
		*shift = (off - r->off) * 8;
		return (int)i;
	}
	return -ENOENT;
}

static u64 size_mask(unsigned int size)
{
	return size == 8 ? ~0ULL : GENMASK_ULL(31, 0);
}

u64 sim_iommu_read(struct sim_iommu *it, u32 off, unsigned int size)
{
	unsigned int shift = 0;
	u64 v;
	int i;

	if (off < IOMMU_MMIO_SIZE && is_prq_off(it, off)) {
		if (vsva_prq_reg_read(&it->prq, off, size, &v)) {
			it->st.bad_mmio++;
			return 0;
		}
		return v;
	}
	i = reg_find(it, off, size, &shift);
	if (i < 0) {
		it->st.bad_mmio++;
		return 0;
	}
	return (it->rv[i] >> shift) & size_mask(size);
}

void sim_iommu_write(struct sim_iommu *it, u32 off, unsigned int size, u64 val)
{
	const struct reg_desc *r;
	unsigned int shift = 0;
	u64 bytes, old, nv;
	int i;

	if (off < IOMMU_MMIO_SIZE && is_prq_off(it, off)) {
		struct vsva_prq_event ev;

		if (vsva_prq_reg_write(&it->prq, off, size, val, &ev)) {
			it->st.bad_mmio++;
			return;
		}
		it->st.mmio_writes++;
		sim_trace(it->s, "iommu", "wr %#05x (PRQ) = %#llx", off,
			  (unsigned long long)val);
		if (ev.irq)
			send_irq(it, SIM_IOMMU_IRQ_PRQ, ev.irq_data,
				 (u32)ev.irq_addr, (u32)(ev.irq_addr >> 32));
		return;
	}
	i = reg_find(it, off, size, &shift);
	if (i < 0) {
		it->st.bad_mmio++;
		sim_trace(it->s, "iommu", "wr %#05x size %u: no register, ignored",
			  off, size);
		return;
	}
	r = &it->rd[i];
	bytes = size_mask(size) << shift;
	val = (val & size_mask(size)) << shift;
	old = it->rv[i];
	nv = (old & ~(r->wmask & bytes)) | (val & r->wmask & bytes);
	nv &= ~(val & r->w1cmask & bytes);
	it->rv[i] = nv;
	it->st.mmio_writes++;
	sim_trace(it->s, "iommu", "wr %#05x %s%s = %#llx -> %#llx", off,
		  r->name, shift ? ".hi" : "",
		  (unsigned long long)(val >> shift),
		  (unsigned long long)nv);
	reg_written(it, (u32)i, old, val);
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                         */
/* ------------------------------------------------------------------ */
static void regs_init(struct sim_iommu *it)
{
	u64 haw_mask = GENMASK_ULL(it->cfg.haw - 1, 12);
	u32 fro = vtd_cap_frcd_offset(it->cfg.cap);
	u32 iro = vtd_ecap_iotlb_offset(it->cfg.ecap);

	memcpy(it->rd, iommu_regs, sizeof(iommu_regs));
	it->rd[R_CAP].reset = it->cfg.cap;
	it->rd[R_ECAP].reset = it->cfg.ecap;
	it->rd[R_RTADDR].wmask |= haw_mask;
	it->rd[R_IQA].wmask |= haw_mask |
		(vtd_ecap_smts(it->cfg.ecap) ? BIT_ULL(11) : 0);
	it->rd[R_IVA].wmask |= GENMASK_ULL(63, 12);
	it->rd[R_IVA].off = iro + VTD_IVA_OFF;
	it->rd[R_IOTLB].off = iro + VTD_IOTLB_OFF;
	it->nfr = min(vtd_cap_nfr_count(it->cfg.cap), (unsigned int)IOMMU_MAX_FRCD);
	for (u32 i = 0; i < it->nfr; i++) {
		struct reg_desc *lo = &it->rd[R_FRCD0 + 2 * i];
		struct reg_desc *hi = lo + 1;

		/* FRCD lo (FI) is RO; in hi only F (bit 127) is RW1C. */
		*lo = (struct reg_desc){ "FRCD.lo", fro + 16 * i, 8, 0, 0, 0 };
		*hi = (struct reg_desc){ "FRCD.hi", fro + 16 * i + 8, 8,
					 0, 0, BIT_ULL(63) };
	}
	it->nregs = R_FRCD0 + 2 * it->nfr;
	for (u32 i = 0; i < it->nregs; i++)
		it->rv[i] = it->rd[i].reset;
}

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
	regs_init(it);
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
	sim_cancel(it->s, iq_event_fn, it);
	sim_cancel(it->s, prq_event_fn, it);
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

/* ------------------------------------------------------------------ */
/* Software-side helpers                                              */
/* ------------------------------------------------------------------ */
int sim_iommu_sw_alloc_root(struct sim_mem *m, u64 *rta)
{
	return sim_mem_alloc_page(m, rta);
}

int sim_iommu_sw_set_context(struct sim_mem *m, u64 rta, u16 rid,
			     const struct vtd_sm_context_entry *ce)
{
	struct vtd_root_entry re;
	u8 bus = rid >> 8, devfn = rid & 0xff;
	bool upper = devfn >= 128;
	u64 ctp;
	int ret;

	ret = sim_mem_read(m, VSVA_AS_HPA, rta + 16ULL * bus, re.val,
			   sizeof(re.val));
	if (ret)
		return ret;
	if (!(upper ? vtd_sre_up(&re) : vtd_sre_lp(&re))) {
		ret = sim_mem_alloc_page(m, &ctp);
		if (ret)
			return ret;
		if (upper) {
			vtd_sre_set_uctp(&re, ctp);
			vtd_sre_set_up(&re, 1);
		} else {
			vtd_sre_set_lctp(&re, ctp);
			vtd_sre_set_lp(&re, 1);
		}
		ret = sim_mem_write(m, VSVA_AS_HPA, rta + 16ULL * bus, re.val,
				    sizeof(re.val));
		if (ret)
			return ret;
	}
	ctp = upper ? vtd_sre_uctp(&re) : vtd_sre_lctp(&re);
	return sim_mem_write(m, VSVA_AS_HPA, ctp + 32ULL * (devfn & 127),
			     ce->val, sizeof(ce->val));
}

int sim_iommu_sw_alloc_pasid_dir(struct sim_mem *m, u8 pdts, u64 *dir)
{
	u64 pages;

	if (pdts > 7)
		return -EINVAL;
	/* 2^(pdts + 7) entries of 8 bytes. */
	pages = ((1ULL << (pdts + 7)) * 8 + VSVA_PAGE_SIZE - 1) / VSVA_PAGE_SIZE;
	return sim_mem_alloc_run(m, pages, 12, dir);
}

int sim_iommu_sw_set_pasid(struct sim_mem *m, u64 dir, u32 pasid,
			   const struct vtd_pasid_entry *pe)
{
	struct vtd_pasid_dir_entry pde;
	u64 at = dir + 8ULL * (pasid >> VTD_PASID_DIR_SHIFT), tbl;
	int ret;

	if (pasid >= VSVA_PASID_MAX)
		return -EINVAL;
	ret = sim_mem_read(m, VSVA_AS_HPA, at, pde.val, 8);
	if (ret)
		return ret;
	if (!vtd_pde_p(&pde)) {
		ret = sim_mem_alloc_page(m, &tbl);
		if (ret)
			return ret;
		pde.val[0] = 0;
		vtd_pde_set_smptblptr(&pde, tbl);
		vtd_pde_set_p(&pde, 1);
		ret = sim_mem_write(m, VSVA_AS_HPA, at, pde.val, 8);
		if (ret)
			return ret;
	}
	tbl = vtd_pde_smptblptr(&pde);
	return sim_mem_write(m, VSVA_AS_HPA,
			     tbl + VTD_PASID_ENTRY_SIZE *
			     (u64)(pasid % VTD_PASID_TBL_ENTRIES),
			     pe->val, sizeof(pe->val));
}
