/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nmdev: nested mediated devices on the nestmed S-IOV PF (Linux 6.12).
 *
 * One mdev = one dedicated work queue (an ADI).  Two ways to isolate it
 * (module parameter "mode", docs/l1-guide.md):
 *  - PASID mode: one PASID + one paging domain of the PF attached to that
 *    PASID.  6.12 has no aux domains and no PASID in VFIO, so the driver
 *    builds the per-mdev domain itself and fills it on demand from the I/O
 *    page faults of the WQ (vfio_pin_pages + iommu_map).  The portal is
 *    mapped into L2.
 *  - software mode, when the platform has no PASID domains: the portal is
 *    trapped, every descriptor is checked, its L2 addresses pinned and
 *    rewritten to DMA addresses of the PF's own DMA domain (nmdev_sw.c).
 *
 * Linux API subset used (guest/sim implements exactly this list):
 *  PCI:    pci_register_driver, pci_unregister_driver, pcim_enable_device,
 *          pcim_iomap_region, pci_resource_start, pci_resource_len,
 *          pci_set_master, dma_set_mask_and_coherent,
 *          pci_find_dvsec_capability, pci_read_config_dword,
 *          pci_ats_supported, pci_pri_supported, pci_alloc_irq_vectors
 *          (managed), pci_irq_vector, pci_name, pci_{get,set}_drvdata,
 *          PCI_DEVICE_SUB, MODULE_DEVICE_TABLE
 *  IRQ:    request_irq, free_irq, irqreturn_t
 *  MMIO:   readl, writel, readq, writeq, read_poll_timeout,
 *          iosubmit_cmds512, wmb, dma_wmb, dma_rmb
 *  DMA:    dma_map_page, dma_unmap_page, dma_mapping_error,
 *          dma_alloc_coherent, dma_free_coherent
 *  IOMMU:  iommu_dev_enable_feature, iommu_dev_disable_feature (IOPF),
 *          iommu_alloc_global_pasid, iommu_free_global_pasid,
 *          iommu_paging_domain_alloc, iommu_domain_free,
 *          iommu_attach_device_pasid, iommu_detach_device_pasid,
 *          iommu_map, iommu_unmap, device::iommu->max_pasids,
 *          iommu_domain::{iopf_handler,fault_data}, iommu_attach_handle,
 *          iopf_group (faults, work, attach_handle), iopf_group_response,
 *          iopf_free_group
 *  mdev:   mdev_register_driver, mdev_unregister_driver,
 *          mdev_register_parent, mdev_unregister_parent, to_mdev_device
 *  VFIO:   vfio_alloc_device, vfio_put_device,
 *          vfio_register_emulated_iommu_dev, vfio_unregister_group_dev,
 *          vfio_pin_pages, vfio_unpin_pages, vfio_dma_rw,
 *          vfio_set_irqs_validate_and_prepare, vfio_iommufd_emulated_*,
 *          the uapi/linux/vfio.h structures and constants
 *  mm:     io_remap_pfn_range, pgprot_noncached, vm_flags_set,
 *          page_to_phys
 *  core:   devm_kzalloc, devm_bitmap_zalloc, devm_mutex_init,
 *          devm_add_action_or_reset, dev_{get,set}_drvdata, dev_name,
 *          memdup_user, kfree, copy_{from,to}_user,
 *          {get,put}_unaligned_le{16,32}, mutex_*, spin_lock_irqsave,
 *          atomic64_*, list_*, find_first_zero_bit, set_bit, clear_bit,
 *          bitmap_weight, xa_init, xa_load, xa_store, xa_erase,
 *          xa_find, xa_for_each_range, xa_empty, xa_destroy, xa_mk_value,
 *          xa_to_value, xa_err, alloc_workqueue, queue_work,
 *          flush_workqueue, destroy_workqueue, INIT_WORK,
 *          eventfd_ctx_fdget, eventfd_ctx_put, eventfd_signal,
 *          sysfs_emit, DEVICE_ATTR_RO, debugfs_create_dir,
 *          debugfs_create_file, debugfs_remove_recursive, seq_printf,
 *          seq_puts, DEFINE_SHOW_ATTRIBUTE, dev_err, dev_err_probe,
 *          dev_warn, dev_info, dev_dbg, WARN_ON, module_init/exit,
 *          module_param_named (charp), MODULE_PARM_DESC, kvcalloc, kvfree
 *
 * Lock order, outermost first:
 *   nmdev_mdev.lock (virtual registers, WQ programming, sw submission)
 *     -> nmdev_mdev.pin_lock (pinned pages, domain or DMA mappings);
 *        vfio_pin_pages/vfio_unpin_pages take VFIO's IOMMU lock inside it
 *       -> nmdev_pf.lock (WQ allocation, mdev list, device CMD register)
 *   PASID mode takes pin_lock alone (I/O page faults, dma_unmap); software
 *   mode nests it in lock (a trapped portal write) and drains the WQ under
 *   it before unpinning (nmdev_pf_cmd takes pf->lock).
 *   nmdev_mdev.irq_lock (eventfd triggers) is innermost, taken in hardirq.
 */
#ifndef _NMDEV_H
#define _NMDEV_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/interrupt.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>
#include <linux/list.h>
#include <linux/iommu.h>
#include <linux/mdev.h>
#include <linux/vfio.h>
#include <linux/pci.h>

#include <nestmed/siov.h>

#define NMDEV_NAME		"nmdev"
#define NMDEV_NR_TYPES		1	/* "1wq" */

/*
 * What L2 sees: a one-WQ instance of the PF's register map (docs/siov.md),
 * told apart from the PF by its subsystem ID so that nmdev never binds it.
 */
#define NMDEV_L2_SUBSYS_ID	0x4d44	/* "MD" */
#define NMDEV_L2_CFG_SIZE	0x100
#define NMDEV_L2_CFG_MSIX	0x40
#define NMDEV_L2_BAR0_SIZE	SIOV_BAR0_SIZE	/* the PF's BAR0 layout */
#define NMDEV_L2_BAR2_SIZE	SIOV_PORTAL_SIZE
#define NMDEV_L2_NR_MSIX	2	/* 0: device (commands), 1: WQ 0 */
#define NMDEV_L2_VEC_WQ		1

/* VFIO region offsets: index in bits 63:40, as vfio-pci does. */
#define NMDEV_OFFSET_SHIFT	40
#define NMDEV_OFFSET_TO_INDEX(off)	((off) >> NMDEV_OFFSET_SHIFT)
#define NMDEV_INDEX_TO_OFFSET(idx)	((u64)(idx) << NMDEV_OFFSET_SHIFT)
#define NMDEV_OFFSET_MASK	(BIT_ULL(NMDEV_OFFSET_SHIFT) - 1)

/* Polling budget for WQ state changes and device commands. */
#define NMDEV_POLL_US		10
#define NMDEV_TIMEOUT_US	1000000

/* How an mdev's DMA is isolated. */
enum nmdev_mode {
	NMDEV_MODE_NONE,	/* "pasid" asked, no PASIDs: no mdevs */
	NMDEV_MODE_PASID,	/* per-mdev PASID domain, demand-faulted */
	NMDEV_MODE_SW,		/* trapped portal, rewritten descriptors */
};

/* What the module parameter "mode" asks for. */
enum nmdev_mode_req {
	NMDEV_MODE_REQ_AUTO,	/* PASID if the IOMMU core offers it, else sw */
	NMDEV_MODE_REQ_PASID,
	NMDEV_MODE_REQ_SW,
};

/*
 * Software mode caps the transfer size L2 sees in GENCAP at 2 MiB (the
 * PF's default): a trapped portal write pins at most 513 pages per
 * buffer, and the per-mdev page arrays stay small.
 */
#define NMDEV_SW_MAX_XFER_LG2	21

/* The PF: one per bound PCI function. */
struct nmdev_pf {
	struct pci_dev *pdev;
	void __iomem *bar0;
	void __iomem *portals;		/* BAR2: one 4 KiB page per WQ */
	phys_addr_t portals_phys;

	u64 gencap;
	u64 wqcap;
	u64 opcap;
	u32 nr_wqs;			/* WQCAP.NR_WQS */
	u32 usable_wqs;			/* WQs that can back an mdev */
	u32 wq_size;			/* WQCAP.MAX_SIZE */
	int nr_vecs;			/* MSI-X vectors allocated */
	u16 dvsec;			/* S-IOV DVSEC offset */
	bool ims;			/* DVSEC and GENCAP say IMS */
	u32 max_pasids;			/* from the IOMMU core */
	bool iopf;			/* IOMMU_DEV_FEAT_IOPF enabled */
	enum nmdev_mode mode;

	struct mutex lock;		/* wq_used, mdevs, CMD register */
	unsigned long *wq_used;
	struct list_head mdevs;

	struct workqueue_struct *iopf_wq;
	struct dentry *debugfs;

	struct mdev_parent parent;
	struct mdev_type type_1wq;
	struct mdev_type *types[NMDEV_NR_TYPES];
};

/* Emulated state of the L2-visible device. */
struct nmdev_vregs {
	u32 genctrl;
	u32 cmdsts;
	u32 intcause;
	u64 wq_cfg0;		/* as L2 wrote it; never reaches the device */
	u64 wq_cfg1;
	u8 wq_err;		/* non-zero: virtual enable refused (ERROR) */
};

struct nmdev_stats {
	atomic64_t faults;		/* page requests seen */
	atomic64_t faults_invalid;	/* answered INVALID */
	atomic64_t pinned;		/* pages pinned and mapped now */
	atomic64_t pins;		/* pages ever pinned */
	atomic64_t unpins;
	atomic64_t irqs;		/* WQ interrupts forwarded */
	atomic64_t bad_mmio;		/* L2 accesses ignored */
	/* software mode */
	atomic64_t sw_submits;		/* L2 descriptors sent to the device */
	atomic64_t sw_splits;		/* of which split into chunks */
	atomic64_t sw_chunks;		/* chunk descriptors of the splits */
	atomic64_t sw_invalid;		/* completed by nmdev: check failed */
	atomic64_t sw_dropped;		/* dropped as the device would */
};

/*
 * Software mode, per mdev: set up at open, used under pin_lock.  The
 * completion record of the chunks of a split descriptor lives in L1
 * memory; dma[i][p] is the DMA address of page p of data buffer i of the
 * descriptor being submitted.
 */
struct nmdev_sw {
	struct siov_cr *cr;
	dma_addr_t cr_dma;
	dma_addr_t *dma[2];
	u32 max_pages;			/* entries of each dma[] */
};

/* One nested mdev.  vdev must stay first (vfio_alloc_device). */
struct nmdev_mdev {
	struct vfio_device vdev;
	struct nmdev_pf *pf;
	struct mdev_device *mdev;
	struct list_head node;		/* nmdev_pf.mdevs */

	u32 wq;
	ioasid_t pasid;
	struct iommu_domain *domain;
	struct iommu_attach_handle attach;
	int irq;

	struct mutex lock;		/* vregs, cfg, WQ programming */
	u8 cfg[NMDEV_L2_CFG_SIZE];
	struct nmdev_vregs vregs;

	struct mutex pin_lock;		/* pinned, open, sw */
	/*
	 * IOVA pfn -> xa_mk_value(prot), plus the page's DMA address in
	 * software mode (page aligned: prot fits in the low bits).
	 */
	struct xarray pinned;
	bool open;
	struct nmdev_sw sw;

	spinlock_t irq_lock;		/* trigger */
	struct eventfd_ctx *trigger[NMDEV_L2_NR_MSIX];

	struct nmdev_stats stats;
};

static inline struct nmdev_mdev *vdev_to_nmdev(struct vfio_device *vdev)
{
	return container_of(vdev, struct nmdev_mdev, vdev);
}

static inline struct device *nmdev_pf_dev(struct nmdev_pf *pf)
{
	return &pf->pdev->dev;
}

/* nmdev_main.c: the PF's registers and work queues */
int nmdev_wq_vector(struct nmdev_pf *pf, u32 wq);

static inline bool nmdev_is_sw(const struct nmdev_pf *pf)
{
	return pf->mode == NMDEV_MODE_SW;
}

/*
 * The device-side configuration of an mdev's WQ.  PASID mode: always
 * PASID_EN with the mdev's PASID, since a WQ without PASID would DMA
 * through the PF's RID domain, which is L1's own memory.  Software mode:
 * no PASID, on purpose: the portal is never mapped to L2, and every
 * address in a descriptor the device sees was put there by nmdev_sw.c.
 * PRIV stays clear (the domain maps user pages).
 */
static inline u64 nmdev_wq_cfg0(const struct nmdev_mdev *nm, u32 size,
				bool bof)
{
	u64 cfg0 = FIELD_PREP(SIOV_WQ_CFG0_SIZE, size) |
		   (bof ? SIOV_WQ_CFG0_BOF_EN : 0);

	if (nmdev_is_sw(nm->pf))
		return cfg0;
	return cfg0 | SIOV_WQ_CFG0_PASID_EN |
	       FIELD_PREP(SIOV_WQ_CFG0_PASID, (u64)nm->pasid);
}

static inline u64 nmdev_wq_cfg1(const struct nmdev_mdev *nm)
{
	return FIELD_PREP(SIOV_WQ_CFG1_INT_HANDLE,
			  (u64)nmdev_wq_vector(nm->pf, nm->wq));
}

u64 nmdev_wq_read(struct nmdev_pf *pf, u32 wq, u32 reg);
int nmdev_wq_disable(struct nmdev_pf *pf, u32 wq);
int nmdev_wq_enable(struct nmdev_pf *pf, u32 wq, u64 cfg0, u64 cfg1, u8 *err);
int nmdev_pf_cmd(struct nmdev_pf *pf, enum siov_cmd code, u32 operand);
const char *nmdev_mode_name(enum nmdev_mode mode);
int nmdev_mode_parse(const char *str);
enum nmdev_mode nmdev_mode_select(enum nmdev_mode_req req, u32 max_pasids);
int nmdev_pf_select_mode(struct nmdev_pf *pf, const char *param);

/* nmdev_mdev.c: mdev parent, types, create/remove */
extern struct mdev_driver nmdev_mdev_driver;
int nmdev_parent_register(struct nmdev_pf *pf);
void nmdev_parent_unregister(struct nmdev_pf *pf);
void nmdev_debugfs_init(void);
void nmdev_debugfs_exit(void);
void nmdev_debugfs_pf_add(struct nmdev_pf *pf);
void nmdev_debugfs_pf_remove(struct nmdev_pf *pf);

/* nmdev_vfio.c: the VFIO device presented to L2 */
extern const struct vfio_device_ops nmdev_vfio_ops;
int nmdev_hw_reset(struct nmdev_mdev *nm);
irqreturn_t nmdev_wq_irq(int irq, void *data);
void nmdev_l2_wq_interrupt(struct nmdev_mdev *nm);

/* nmdev_iopf.c: demand pinning, and the pin cache of both modes */
int nmdev_iopf_handler(struct iopf_group *group);
int nmdev_pin_page(struct nmdev_mdev *nm, u64 iova, int prot);
dma_addr_t nmdev_pinned_dma(struct nmdev_mdev *nm, u64 iova);
void nmdev_unpin_range(struct nmdev_mdev *nm, u64 iova, u64 length);

/* nmdev_sw.c: software mediation */

/* A data buffer of a descriptor, as the device accesses it. */
struct nmdev_sw_buf {
	u64 addr;		/* L2 address (VFIO IOVA) */
	int prot;		/* IOMMU_READ: read, IOMMU_WRITE: written */
	bool dst;		/* the dst field (MEMMOVE/FILL dst, COMPARE src2) */
};

u32 nmdev_sw_max_xfer_lg2(const struct nmdev_pf *pf);
u64 nmdev_sw_opcap(const struct nmdev_pf *pf);
u8 nmdev_sw_desc_check(const struct siov_desc *d, u64 opcap, u32 max_lg2);
unsigned int nmdev_sw_desc_bufs(const struct siov_desc *d,
				struct nmdev_sw_buf bufs[2]);
u32 nmdev_sw_buf_pages(u64 addr, u32 len);
dma_addr_t nmdev_sw_dma(const dma_addr_t *dma, u64 addr, u32 off);
u32 nmdev_sw_contig(const dma_addr_t *dma, u64 addr, u32 off, u32 len);
u32 nmdev_sw_chunk(dma_addr_t *const dma[], unsigned int nbufs,
		   const struct nmdev_sw_buf *bufs, u32 off, u32 len);
u64 nmdev_sw_fill_pattern(u64 pattern, u32 off);
int nmdev_sw_open(struct nmdev_mdev *nm);
void nmdev_sw_close(struct nmdev_mdev *nm);
void nmdev_sw_quiesce(struct nmdev_mdev *nm);
ssize_t nmdev_sw_portal_rw(struct nmdev_mdev *nm, char __user *ubuf,
			   size_t count, u64 off, bool write);

#endif /* _NMDEV_H */
