/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A model of the Linux 6.12 intel-iommu driver (drivers/iommu/intel/) as an
 * L1 guest runs it on a VT-d 3.x unit: the same register sequences, memory
 * structures and invalidation descriptors, in user-space C.  It drives any
 * VT-d 3.x register-level unit through MMIO callbacks and the guest memory
 * of struct gmem: the vIOMMU (host/viommu.h, guest-physical memory) or the
 * simulated physical unit (host/sim/iommu.h, host memory).
 *
 * Names mirror Linux (the function each one models is named in its
 * comment).  What the model leaves out: legacy mode, register-based
 * invalidation, interrupt remapping, nested/SVA/dirty-tracking domains,
 * multiple units per domain, kdump table copying.  Caching mode (CAP.CM) is
 * honoured exactly as 6.12 does: a first-level map issues no invalidation
 * (spec 6.1: first-stage entries are never cached when not present), unless
 * the non-Linux option gvtd_cfg.fs_map_flush asks for it.
 *
 * Single-threaded: interrupts are "threaded handlers" run as sim events;
 * qi_submit_sync polls the inv-wait status by running the sim loop.
 */
#ifndef _GUEST_SIM_INTEL_IOMMU_H
#define _GUEST_SIM_INTEL_IOMMU_H

#include <nestmed/vtd.h>

#include "gmem.h"
#include "qi.h"		/* vsva/qi.h */

struct sim;
struct gvtd_iommu;
struct gvtd_device;
struct gvtd_domain;

/* Linux constants the model keeps. */
#define GVTD_FLPT_DEFAULT_DID	1	/* pasid.h FLPT_DEFAULT_DID */
#define GVTD_QI_LENGTH		256	/* iommu.h QI_LENGTH */
#define GVTD_PRQ_ORDER		4	/* iommu.h PRQ_ORDER: 16 pages */
#define GVTD_PRQ_SIZE		(4096u << GVTD_PRQ_ORDER)
#define GVTD_PRQ_DEPTH		(GVTD_PRQ_SIZE >> 5)	/* 2048 */
#define GVTD_QI_MAX_BATCH	16	/* QI_MAX_BATCHED_DESC_COUNT */
#define GVTD_NO_PASID		0u	/* IOMMU_NO_PASID */
#define GVTD_PASID_INVALID	(~0u)	/* IOMMU_PASID_INVALID */

/* desc_status values (iommu.h enum: QI_FREE, QI_IN_USE, QI_DONE, QI_ABORT). */
enum { GVTD_QI_FREE, GVTD_QI_IN_USE, GVTD_QI_DONE, GVTD_QI_ABORT };

/* include/linux/iommu.h prot bits */
#define GVTD_PROT_READ		1	/* IOMMU_READ */
#define GVTD_PROT_WRITE		2	/* IOMMU_WRITE */

/* Register access to the unit. */
struct gvtd_mmio {
	u64 (*read)(void *ctx, u32 off, unsigned int size);
	void (*write)(void *ctx, u32 off, unsigned int size, u64 val);
	void *ctx;
};

struct gvtd_cfg {
	struct gvtd_mmio mmio;
	struct sim *s;		/* run while polling (qi_submit_sync, GSTS) */
	struct gmem *mem;	/* the guest's RAM for IOMMU structures */
	u32 fault_vector;	/* FEDATA (dmar_msi_write) */
	u32 prq_vector;		/* PEDATA */
	u64 msi_addr;		/* xEUADDR:xEADDR; 0: 0xfee00000 */
	/*
	 * Not Linux 6.12: after a first-level map under caching mode, issue
	 * page-selective PASID-IOTLB invalidations for the new entries (for
	 * hosts that want to see first-stage maps).  6.12 issues none.
	 */
	bool fs_map_flush;
	u64 poll_max_events;	/* 0: 1000000 */
};

/* ---- the unit (struct intel_iommu) ------------------------------------- */

struct gvtd_fault_rec {		/* one FRCD read by dmar_fault() */
	u8 reason;		/* FR */
	u8 type;		/* T1: 1 read, 0 write (dma_frcd_type) */
	u16 sid;
	bool pasid_present;
	u32 pasid;
	u64 addr;		/* FI, page address */
};
#define GVTD_FAULT_LOG		64

struct gvtd_stats {
	u64 qi_submits, qi_descs, qi_iqe, qi_ite, qi_ice, qi_timeouts;
	u64 fault_irqs, faults;
	u64 prq_irqs, prq_reqs, prq_bad, prq_stop_markers, prq_overflows;
	u64 page_responses, iopf_groups, iopf_partials, iopf_no_handler;
	u64 drains;
};

struct gvtd_iommu {
	struct gvtd_cfg cfg;
	struct gmem *mem;
	u32 ver;
	u64 cap, ecap;
	u32 gcmd;		/* iommu->gcmd */
	int agaw;		/* iommu->agaw: 2 = 48-bit/4-level, 3 = 57/5 */
	bool sm, pasid, cm, flts, slts, prs;
	bool fl_unmanaged;	/* first_level_by_default(IOMMU_DOMAIN_UNMANAGED) */
	bool fl_dma;		/* first_level_by_default(IOMMU_DOMAIN_DMA) */
	u32 max_pasids;		/* iommu->iommu.max_pasids = 2 << PSS */
	u64 root;		/* root table (one page) */
	bool probed, te;

	/* Queued invalidation (struct q_inval). */
	u64 qi_desc;		/* 2 pages: 256 x 256-bit */
	u64 qi_status;		/* desc_status[256] (u32) in guest memory */
	u32 qi_free_head, qi_free_tail, qi_free_cnt;
	unsigned int qi_shift;	/* 5 (256-bit descriptors) */

	/* Page request queue. */
	u64 prq;		/* 16 pages */
	bool prq_enabled, prq_running, prq_again, prq_scheduled;
	bool fault_scheduled;

	/* Domain ids (iommu->domain_ids). */
	u8 *domain_ids;
	u32 ndomains;

	/* iommu_global_pasid_ida over [1, max) */
	u8 *pasid_ida;
	u32 pasid_ida_max;

	struct gvtd_device **devs;
	u32 ndevs;

	struct gvtd_fault_rec fault_log[GVTD_FAULT_LOG];
	u32 fault_log_n;
	struct gvtd_stats st;
};

/*
 * init_dmars() for one unit: read VER/CAP/ECAP, cap audit, queued
 * invalidation (dmar_enable_qi), domain ids, root table, SRTP with the
 * global flushes, PRQ (intel_iommu_enable_prq), fault interrupt
 * (dmar_set_interrupt).  Translation stays off until
 * gvtd_enable_translation(), as intel_iommu_init() enables it after the
 * devices are probed.  -ENODEV without SMTS or QI.
 */
int gvtd_probe(struct gvtd_iommu *u, const struct gvtd_cfg *cfg);
void gvtd_enable_translation(struct gvtd_iommu *u);	/* iommu_enable_translation */
void gvtd_disable_translation(struct gvtd_iommu *u);
/* Frees every structure (devices must be released first). */
void gvtd_remove(struct gvtd_iommu *u);

/* An interrupt message the unit sent: dispatched on @data (the vector). */
void gvtd_irq(struct gvtd_iommu *u, u32 data, u64 addr);

/* Register access helpers (dmar_readq/readl/...). */
u64 gvtd_readq(struct gvtd_iommu *u, u32 off);
u32 gvtd_readl(struct gvtd_iommu *u, u32 off);
void gvtd_writeq(struct gvtd_iommu *u, u32 off, u64 val);
void gvtd_writel(struct gvtd_iommu *u, u32 off, u32 val);

/* ---- queued invalidation (dmar.c) ------------------------------------- */

/*
 * qi_submit_sync(): copy @count descriptors and an inv-wait (SW, status
 * QI_DONE into desc_status[wait_index]; PD with @drain) into the queue,
 * move IQT, poll the status by running the sim.  0, -EINVAL (IQE on one of
 * ours, recovered as Linux does), -ETIMEDOUT (the unit never completed).
 */
int gvtd_qi_submit_sync(struct gvtd_iommu *u, const struct vtd_inv_desc *desc,
			unsigned int count, bool drain);
/* Encode @op (vsva_qi_encode, 256-bit) into @d. */
int gvtd_desc_from_op(const struct vsva_inv_op *op, struct vtd_inv_desc *d);
/* Descriptor builders as Linux's qi_desc_*() / qi_flush_*(). */
void gvtd_desc_cc(struct vtd_inv_desc *d, u16 did, u16 sid, u8 fm, u8 g);
void gvtd_desc_iotlb(struct gvtd_iommu *u, struct vtd_inv_desc *d, u16 did,
		     u64 addr, unsigned int am, bool ih, u8 g);
void gvtd_desc_piotlb(struct vtd_inv_desc *d, u16 did, u32 pasid, u64 addr,
		      u64 npages, bool ih);	/* npages ~0: PASID-selective */
void gvtd_desc_pc(struct vtd_inv_desc *d, u16 did, u8 g, u32 pasid);
void gvtd_desc_devtlb(struct vtd_inv_desc *d, u16 sid, u16 pfsid, u16 qdep,
		      u64 addr, unsigned int mask);
void gvtd_desc_pdevtlb(struct vtd_inv_desc *d, u16 sid, u16 pfsid, u32 pasid,
		       u16 qdep, u64 addr, unsigned int size_order);
#define GVTD_NPAGES_ALL		(~0ULL)
#define GVTD_MAX_AGAW_PFN_WIDTH	52	/* MAX_AGAW_PFN_WIDTH */
int gvtd_qi_flush_context(struct gvtd_iommu *u, u16 did, u16 sid, u8 fm, u8 g);
int gvtd_qi_flush_iotlb(struct gvtd_iommu *u, u16 did, u64 addr,
			unsigned int am, u8 g);
int gvtd_qi_flush_piotlb(struct gvtd_iommu *u, u16 did, u32 pasid, u64 addr,
			 u64 npages, bool ih);
int gvtd_qi_flush_pasid_cache(struct gvtd_iommu *u, u16 did, u8 g, u32 pasid);
/* Queue slot index of the next descriptor (for tests reading the queue). */
static inline u32 gvtd_qi_next_index(const struct gvtd_iommu *u)
{
	return u->qi_free_head;
}

/* ---- devices (struct device_domain_info) -------------------------------- */

struct gvtd_dev_cfg {
	u16 rid;		/* bus << 8 | devfn */
	u8 pasid_bits;		/* PCIe PASID cap Max PASID Width; 0: none */
	bool ats, pri;		/* PCIe ATS / PRI capabilities */
	u8 ats_qdep;		/* ATS Invalidate Queue Depth (0 = 32) */
	bool prg_resp_pasid_required;
};

struct gvtd_pasid_handle {	/* group->pasid_array entry */
	u32 pasid;
	struct gvtd_domain *domain;
	struct gvtd_attach_handle *handle;	/* NULL: reserved slot */
};

struct gvtd_fault {		/* struct iommu_fault_page_request */
	u32 flags;		/* GVTD_FAULT_* */
	u32 pasid;
	u32 grpid;
	u32 perm;		/* GVTD_FAULT_PERM_* */
	u64 addr;
};
#define GVTD_FAULT_PASID_VALID	(1u << 0)	/* IOMMU_FAULT_PAGE_REQUEST_PASID_VALID */
#define GVTD_FAULT_LAST_PAGE	(1u << 1)	/* ..._LAST_PAGE */
#define GVTD_FAULT_NEEDS_PASID	(1u << 2)	/* IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID */
#define GVTD_FAULT_PERM_READ	1
#define GVTD_FAULT_PERM_WRITE	2
#define GVTD_FAULT_PERM_EXEC	4
#define GVTD_FAULT_PERM_PRIV	8

struct gvtd_device {
	struct gvtd_iommu *iommu;
	struct gvtd_dev_cfg cfg;
	u8 bus, devfn;
	u16 pfsid;
	bool pasid_supported, pasid_enabled;
	bool ats_supported, ats_enabled;
	bool pri_supported, pri_enabled;
	u32 max_pasids;		/* dev->iommu->max_pasids */
	/* struct pasid_table */
	u64 pasid_dir;
	unsigned int dir_order;
	u32 table_max_pasid;
	u64 context;		/* address of the context entry */
	struct gvtd_domain *domain;	/* RID domain (info->domain) */
	bool rid_identity;
	struct gvtd_pasid_handle *pasid_array;
	u32 npasid, pasid_cap;
	/* iommu_fault_param */
	bool iopf_queued;
	struct gvtd_fault *partial;
	u32 npartial, partial_cap;
	u32 pending_groups;
};

/*
 * intel_iommu_probe_device() + intel_pasid_alloc_table() +
 * intel_pasid_setup_sm_context(): PASID directory, scalable context entry
 * (PASIDE, DTE, RID_PASID 0, FPD clear, P), CM flushes.  The device is then
 * ready for a RID domain (gvtd_attach_dev) and PASID domains.
 */
struct gvtd_device *gvtd_probe_device(struct gvtd_iommu *u,
				      const struct gvtd_dev_cfg *cfg);
/* intel_iommu_release_device(): RID/PASIDs detached, context torn down. */
void gvtd_release_device(struct gvtd_device *dev);
struct gvtd_device *gvtd_find_device(struct gvtd_iommu *u, u16 rid);
/* Address of the PASID entry of @pasid (0 if its table page is absent). */
u64 gvtd_pasid_entry_addr(struct gvtd_device *dev, u32 pasid);

/* IOMMU_DEV_FEAT_IOPF: intel_iommu_enable_iopf() / disable. */
int gvtd_dev_enable_iopf(struct gvtd_device *dev);
int gvtd_dev_disable_iopf(struct gvtd_device *dev);

/* ---- PASID entries (pasid.c) ------------------------------------------- */
#define GVTD_PASID_FLAG_FL5LP		(1u << 1)
#define GVTD_PASID_FLAG_PAGE_SNOOP	(1u << 2)
int gvtd_pasid_setup_first_level(struct gvtd_iommu *u, struct gvtd_device *dev,
				 u64 pgd, u32 pasid, u16 did, int flags);
int gvtd_pasid_setup_second_level(struct gvtd_iommu *u,
				  struct gvtd_domain *domain,
				  struct gvtd_device *dev, u32 pasid);
int gvtd_pasid_setup_pass_through(struct gvtd_iommu *u,
				  struct gvtd_device *dev, u32 pasid);
void gvtd_pasid_tear_down_entry(struct gvtd_iommu *u, struct gvtd_device *dev,
				u32 pasid, bool fault_ignore);
/* intel_iommu_drain_pasid_prq() */
void gvtd_drain_pasid_prq(struct gvtd_device *dev, u32 pasid);

/* ---- domains (iommu.c, cache.c) ----------------------------------------- */
enum gvtd_domain_type {
	GVTD_DOMAIN_UNMANAGED,	/* iommu_paging_domain_alloc() */
	GVTD_DOMAIN_DMA,	/* the default DMA domain */
	GVTD_DOMAIN_IDENTITY,
};

struct gvtd_iopf_group;
struct gvtd_attach_handle {	/* struct iommu_attach_handle */
	struct gvtd_domain *domain;
};

struct gvtd_cache_tag {
	bool devtlb;		/* CACHE_TAG_DEVTLB, else CACHE_TAG_IOTLB */
	u16 did;
	u32 pasid;
	struct gvtd_device *dev;
	u32 users;
};

struct gvtd_domain {
	struct gvtd_iommu *iommu;
	enum gvtd_domain_type type;
	bool use_first_level;
	int agaw;		/* levels = agaw + 2 */
	u64 pgd;		/* top table (guest memory) */
	u16 did;		/* on iommu; 0 while unattached */
	u32 did_refcnt;
	bool iotlb_sync_map;	/* domain_need_iotlb_sync_map() */
	unsigned int superpage;	/* iommu_superpage: 0, 1 (2M), 2 (1G) */
	u64 max_addr;
	u64 table_pages;
	struct gvtd_cache_tag *tags;
	u32 ntags, tags_cap;
	/* iommu_domain::iopf_handler, fault_data */
	int (*iopf_handler)(struct gvtd_iopf_group *group);
	void *fault_data;
};

/* intel_iommu_domain_alloc(type): first vs second level per cap audit. */
struct gvtd_domain *gvtd_domain_alloc(struct gvtd_iommu *u,
				      enum gvtd_domain_type type);
/* iommu_paging_domain_alloc(dev) */
struct gvtd_domain *gvtd_paging_domain_alloc(struct gvtd_device *dev);
void gvtd_domain_free(struct gvtd_domain *d);
static inline unsigned int gvtd_domain_levels(const struct gvtd_domain *d)
{
	return (unsigned int)d->agaw + 2;
}

/* iommu_map(): map_pages + iotlb_sync_map.  @size, @iova, @paddr 4K-aligned. */
int gvtd_map(struct gvtd_domain *d, u64 iova, u64 paddr, u64 size, int prot);
/* iommu_unmap(): unmap_pages + iotlb_sync (cache_tag_flush_range). */
u64 gvtd_unmap(struct gvtd_domain *d, u64 iova, u64 size);
u64 gvtd_iova_to_phys(struct gvtd_domain *d, u64 iova);
/* intel_flush_iotlb_all() (cache_tag_flush_all) */
void gvtd_flush_iotlb_all(struct gvtd_domain *d);

/* intel_iommu_attach_device(): the RID (PASID 0 entry) */
int gvtd_attach_dev(struct gvtd_domain *d, struct gvtd_device *dev);
/* iommu_attach_device_pasid() -> intel_iommu_set_dev_pasid() */
int gvtd_attach_dev_pasid(struct gvtd_domain *d, struct gvtd_device *dev,
			  u32 pasid, struct gvtd_attach_handle *handle);
/* iommu_detach_device_pasid() -> intel_iommu_remove_dev_pasid() */
void gvtd_detach_dev_pasid(struct gvtd_domain *d, struct gvtd_device *dev,
			   u32 pasid);
/* iommu_alloc_global_pasid() / iommu_free_global_pasid() */
u32 gvtd_alloc_global_pasid(struct gvtd_device *dev);
void gvtd_free_global_pasid(struct gvtd_iommu *u, u32 pasid);

/* ---- page requests (prq.c, io-pgfault.c) -------------------------------- */
enum gvtd_page_resp_code {	/* enum iommu_page_response_code */
	GVTD_PAGE_RESP_SUCCESS = 0,
	GVTD_PAGE_RESP_INVALID = 1,
	GVTD_PAGE_RESP_FAILURE = 2,	/* written as 2, as 6.12 does */
};

struct gvtd_iopf_group {	/* struct iopf_group */
	struct gvtd_fault last_fault;
	struct gvtd_fault *faults;	/* fault_count, partials then last */
	u32 fault_count;
	struct gvtd_attach_handle *attach_handle;
	struct gvtd_device *dev;
	bool responded;
	u32 cookie;		/* free for the handler */
	void *priv;		/* free for the handler */
};

/* iopf_group_response(): page group response for the group's last fault. */
void gvtd_iopf_group_response(struct gvtd_iopf_group *g,
			      enum gvtd_page_resp_code code);
/* iopf_free_group() */
void gvtd_iopf_free_group(struct gvtd_iopf_group *g);
/* prq_event_thread(), callable directly (gvtd_irq schedules it). */
void gvtd_prq_event_thread(struct gvtd_iommu *u);
/* dmar_fault() */
void gvtd_dmar_fault(struct gvtd_iommu *u);

#endif /* _GUEST_SIM_INTEL_IOMMU_H */
