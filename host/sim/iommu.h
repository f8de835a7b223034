/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated physical VT-d 3.x remapping unit.
 *
 * Driven only through its registers (sim_iommu_read/write) and the
 * structures software puts in host memory (root, context and PASID tables,
 * page tables, the invalidation queue, the page request queue), exactly as
 * a host IOMMU driver drives real hardware.  Devices reach it through the
 * device-side calls below: untranslated DMA, ATS translation requests and
 * PRI page requests; it calls back into devices to deliver page group
 * responses and device-TLB invalidations.
 *
 * Translation, caching and descriptor decoding are vsva's (walk, cache,
 * translate, qi, prq): this file never re-implements them.
 */
#ifndef _HOST_SIM_IOMMU_H
#define _HOST_SIM_IOMMU_H

#include "memory.h"
#include "cache.h"	/* vsva/cache.h */
#include <nestmed/vtd.h>

struct sim_iommu;

struct sim_iommu_cfg {
	u64 cap;		/* CAP_REG as reported */
	u64 ecap;		/* ECAP_REG as reported */
	u8 haw;			/* host address width */
	struct vsva_cache_cfg caches;
	/* Simulated latencies (ns) of queue processing, for ordering tests. */
	u64 iq_latency_ns;
	u64 prq_latency_ns;
	/*
	 * Simulated cost of one memory reference of a translation (a paging
	 * entry read or A/D update): sim_xlate.walk_ns = refs * this.  A model
	 * constant (docs/sim.md "Translation cost"), default 60.
	 */
	u64 mem_ref_ns;
};

/*
 * Defaults of a modern scalable-mode part: SMTS, PASID 20 bits (PSS 19),
 * FLTS, SLTS, NEST, PRS, PDS, DT, SC, PT, QI, SRS, EAFS, SLADS, SMPWC, RPS;
 * CAP: CM 0, 16-bit DIDs (ND 6), SAGAW 48+57, MGAW 57, FL1GP, FL5LP,
 * 2M/1G second-stage pages, PSI with MAMV 18, 8 fault recording registers.
 */
void sim_iommu_default_cfg(struct sim_iommu_cfg *cfg);

/* Interrupt messages the unit signals (FECTL/IECTL/PECTL, 10.4.x). */
enum sim_iommu_irq {
	SIM_IOMMU_IRQ_FAULT,	/* fault event */
	SIM_IOMMU_IRQ_INV,	/* invalidation completion event */
	SIM_IOMMU_IRQ_PRQ,	/* page request event */
};

struct sim_iommu_host_ops {
	/* An interrupt message was sent (data/address: xEDATA, xEUADDR:xEADDR). */
	void (*irq)(void *ctx, enum sim_iommu_irq which, u32 data, u64 addr);
};

/* Callbacks into a device model, registered per requester id. */
struct sim_iommu_dev_ops {
	/* Page group response (from a type 9 descriptor) for this device. */
	void (*page_response)(void *dev, bool pasid_present, u32 pasid,
			      u16 prg_index, u8 code);
	/*
	 * Device-TLB invalidation (type 3 or 8): drop translations of
	 * [addr, addr + 2^size_lg2) for @pasid (or all PASIDs when !pasid_valid,
	 * global when @global).  Returns when the device has completed it.
	 */
	void (*devtlb_invalidate)(void *dev, bool pasid_valid, u32 pasid,
				  u64 addr, u8 size_lg2, bool global);
};

/*
 * @s must already have its host memory (sim_mem_create) and @cfg->haw must
 * be 32..52.  Registers come up at their reset values (FECTL/IECTL/PECTL
 * with IM set, translation and queued invalidation off).  Destroying the
 * unit cancels its queued events (invalidation queue processing, delayed
 * page requests).  host/sim/iommu.c's header comment lists the choices
 * made where the spec leaves room.
 */
struct sim_iommu *sim_iommu_create(struct sim *s, const struct sim_iommu_cfg *cfg,
				   const struct sim_iommu_host_ops *host,
				   void *host_ctx);
void sim_iommu_destroy(struct sim_iommu *iommu);

/* MMIO: @size is 4 or 8; bad offsets read 0 and ignore writes (counted). */
u64 sim_iommu_read(struct sim_iommu *iommu, u32 off, unsigned int size);
void sim_iommu_write(struct sim_iommu *iommu, u32 off, unsigned int size,
		     u64 val);

int sim_iommu_attach_device(struct sim_iommu *iommu, u16 rid,
			    const struct sim_iommu_dev_ops *ops, void *dev);
void sim_iommu_detach_device(struct sim_iommu *iommu, u16 rid);

/* A DMA request as a device issues it. */
struct sim_dma_req {
	u16 rid;
	bool pasid_present;
	u32 pasid;
	u64 addr;		/* untranslated (IOVA/GVA/GPA) */
	u8 access;		/* VSVA_PERM_R / _W / _X */
	bool priv;
};

struct sim_xlate {
	u64 hpa;		/* translated address of addr */
	u8 size_lg2;
	u8 perm;		/* VSVA_PERM_* granted */
	u8 fault;		/* VTD_FR_*, 0 on success */
	u8 fault_stage;		/* VSVA_STAGE_* */
	bool recorded;		/* a fault record was written (not FPD) */
	/*
	 * Memory references the unit made to serve the request: paging
	 * entries read plus A/D updates (vsva_walk_result.reads + ad_writes;
	 * 0 on an IOTLB hit or pass-through, up to 24 reads for a cold
	 * 4-level over 4-level nested walk), and their simulated cost.
	 * Context and PASID structure reads are not counted.
	 */
	u32 refs;
	u64 walk_ns;		/* refs * cfg.mem_ref_ns */
};

/*
 * Untranslated request: translate through the unit (recording a
 * non-recoverable fault on failure, unless FPD).  0 or -EFAULT.
 */
int sim_iommu_translate(struct sim_iommu *iommu, const struct sim_dma_req *req,
			struct sim_xlate *out);

/*
 * ATS translation request (PCIe ATS 1.x): never records a fault; a
 * translation the unit cannot give is answered with R=W=0 (perm 0) so the
 * device may use PRI.  -EPERM (Unsupported Request) when the context does
 * not allow translation requests (DTE clear) or the entry is invalid.
 */
int sim_iommu_ats_translate(struct sim_iommu *iommu,
			    const struct sim_dma_req *req,
			    struct sim_xlate *out);

/* PRI page request (PCIe PRI): lands in the PRQ or is auto-answered. */
struct sim_page_req {
	u16 rid;
	bool pasid_present;
	u32 pasid;
	u64 addr;		/* page address */
	bool r, w, x, priv;
	bool lpig;
	u16 prg_index;
};
int sim_iommu_page_request(struct sim_iommu *iommu,
			   const struct sim_page_req *req);

/* Inspectable state, for tests (the model's "test op" interface). */
struct sim_iommu_stats {
	u64 translations, faults_recorded, faults_suppressed, fault_overflows;
	u64 iq_descs, iq_errors, inv_waits;
	u64 page_requests, prq_overflows, page_responses;
	u64 devtlb_invs;
	u64 bad_mmio;		/* reserved/unknown register accesses */
	/* Additions (compatible: appended). */
	u64 mmio_writes;	/* register writes accepted */
	u64 gcmd_bad;		/* GCMD writes changing more than one command */
	u64 iqe_by_iqei[8];	/* IQE occurrences by IQERCD.IQEI */
	u64 ite_errors, ice_errors;	/* device-TLB timeouts / bad completions */
	u64 waits_aborted;	/* inv-wait descriptors aborted by an ITE */
	u64 ats_requests, ats_not_present;	/* ATS: all / answered R=W=0 */
	u64 prq_auto_responses;	/* page group responses made by the unit */
	u64 prq_rejected;	/* page requests refused by context checks */
	u64 iec_invs;		/* interrupt entry cache invalidations accepted */
	u64 orphan_responses;	/* responses / devTLB invs to no attached RID */
	u64 irqs;		/* interrupt messages sent */
};
const struct sim_iommu_stats *sim_iommu_stats(const struct sim_iommu *iommu);
struct vsva_caches *sim_iommu_caches(struct sim_iommu *iommu);

/*
 * Fault injection on the device side of device-TLB invalidations (the
 * model's knob for ITE/ICE, spec 6.5.2.10): the next @count device-TLB
 * invalidations sent to @rid time out (ITE, ITESID) or come back with an
 * invalid completion (ICE, ICESID).  @count 0 disarms.
 */
enum sim_devtlb_err {
	SIM_DEVTLB_OK = 0,
	SIM_DEVTLB_TIMEOUT,
	SIM_DEVTLB_BAD_COMPLETION,
};
int sim_iommu_inject_devtlb_error(struct sim_iommu *iommu, u16 rid,
				  enum sim_devtlb_err err, u32 count);

/*
 * Software-side helpers (what a host IOMMU driver does): build the
 * scalable-mode root table, context entries and PASID tables in host
 * memory.  The unit itself only ever reads these structures.  Pages are
 * allocated with sim_mem_alloc_page() on demand; all return 0 or -errno.
 */
int sim_iommu_sw_alloc_root(struct sim_mem *m, u64 *rta);
/* Write @ce as the context entry of @rid (allocating the LCTP/UCTP table). */
int sim_iommu_sw_set_context(struct sim_mem *m, u64 rta, u16 rid,
			     const struct vtd_sm_context_entry *ce);
/* Allocate a PASID directory of 2^(@pdts + 7) entries (@pdts <= 5). */
int sim_iommu_sw_alloc_pasid_dir(struct sim_mem *m, u8 pdts, u64 *dir);
/* Write @pe as the entry of @pasid (allocating its PASID table page). */
int sim_iommu_sw_set_pasid(struct sim_mem *m, u64 dir, u32 pasid,
			   const struct vtd_pasid_entry *pe);

#endif /* _HOST_SIM_IOMMU_H */
