// SPDX-License-Identifier: GPL-2.0
/*
 * nmdev: PCI driver for the nestmed S-IOV PF (docs/siov.md).
 *
 * Probe maps the BARs, finds the S-IOV DVSEC, discovers the work queues,
 * learns PASID support from the IOMMU core, picks the isolation mode
 * (module parameter "mode"), in PASID mode enables I/O page faults when
 * the PF has ATS and PRI, then registers the PF as an mdev parent.  The
 * PASID capability is left to the IOMMU driver: on VT-d,
 * intel_iommu_probe_device() already enabled it, and a second
 * pci_enable_pasid() would WARN and fail with -EBUSY.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/pci-ats.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/dma-mapping.h>
#include <linux/workqueue.h>
#include <linux/bitmap.h>

#include "nmdev.h"

/*
 * Read once per PF at probe (0444: changing it under a bound PF would
 * mean nothing until the next bind, so it cannot be changed at run time).
 */
static char *nmdev_mode_param = "auto";
module_param_named(mode, nmdev_mode_param, charp, 0444);
MODULE_PARM_DESC(mode, "auto (default: pasid if the IOMMU offers PASIDs, else sw), pasid, sw");

static void __iomem *nmdev_wq_reg(struct nmdev_pf *pf, u32 wq, u32 reg)
{
	return pf->bar0 + siov_wqcfg_offset(wq, reg);
}

u64 nmdev_wq_read(struct nmdev_pf *pf, u32 wq, u32 reg)
{
	return readq(nmdev_wq_reg(pf, wq, reg));
}

/* WQ_CTL = 0, then wait for the accepted descriptors to complete. */
int nmdev_wq_disable(struct nmdev_pf *pf, u32 wq)
{
	u64 sts;
	int ret;

	writeq(0, nmdev_wq_reg(pf, wq, SIOV_WQ_CTL));
	ret = read_poll_timeout(readq, sts,
				FIELD_GET(SIOV_WQ_STS_STATE, sts) ==
					SIOV_WQ_DISABLED,
				NMDEV_POLL_US, NMDEV_TIMEOUT_US, false,
				nmdev_wq_reg(pf, wq, SIOV_WQ_STS));
	if (ret)
		dev_err(nmdev_pf_dev(pf), "wq %u: disable timed out, status %#llx\n",
			wq, sts);
	return ret;
}

/*
 * Disable -> CFG0/CFG1 -> enable (the configuration is writable only while
 * the WQ is disabled and is latched at enable), then check WQ_STS.
 * Returns 0, -EIO with the device's refusal code in @err (the WQ is left
 * DISABLED), or another negative errno.
 */
int nmdev_wq_enable(struct nmdev_pf *pf, u32 wq, u64 cfg0, u64 cfg1, u8 *err)
{
	u64 sts;
	int ret;

	*err = SIOV_WQERR_NONE;
	ret = nmdev_wq_disable(pf, wq);
	if (ret)
		return ret;
	writeq(cfg0, nmdev_wq_reg(pf, wq, SIOV_WQ_CFG0));
	writeq(cfg1, nmdev_wq_reg(pf, wq, SIOV_WQ_CFG1));
	writeq(SIOV_WQ_CTL_ENABLE, nmdev_wq_reg(pf, wq, SIOV_WQ_CTL));
	ret = read_poll_timeout(readq, sts,
				FIELD_GET(SIOV_WQ_STS_STATE, sts) ==
					SIOV_WQ_ENABLED ||
				FIELD_GET(SIOV_WQ_STS_STATE, sts) ==
					SIOV_WQ_ERROR,
				NMDEV_POLL_US, NMDEV_TIMEOUT_US, false,
				nmdev_wq_reg(pf, wq, SIOV_WQ_STS));
	if (ret) {
		dev_err(nmdev_pf_dev(pf), "wq %u: enable timed out, status %#llx\n",
			wq, sts);
		return ret;
	}
	if (FIELD_GET(SIOV_WQ_STS_STATE, sts) == SIOV_WQ_ENABLED)
		return 0;
	*err = FIELD_GET(SIOV_WQ_STS_ERR, sts);
	/* ERROR goes straight to DISABLED on WQ_CTL = 0. */
	writeq(0, nmdev_wq_reg(pf, wq, SIOV_WQ_CTL));
	return -EIO;
}

/* Run one device command and wait for it (CMDSTS.ACTIVE clear). */
int nmdev_pf_cmd(struct nmdev_pf *pf, enum siov_cmd code, u32 operand)
{
	u32 sts;
	int ret;

	mutex_lock(&pf->lock);
	writel(FIELD_PREP(SIOV_CMD_CODE, code) |
	       FIELD_PREP(SIOV_CMD_OPERAND, operand),
	       pf->bar0 + SIOV_REG_CMD);
	ret = read_poll_timeout(readl, sts, !(sts & SIOV_CMDSTS_ACTIVE),
				NMDEV_POLL_US, NMDEV_TIMEOUT_US, false,
				pf->bar0 + SIOV_REG_CMDSTS);
	mutex_unlock(&pf->lock);
	if (ret) {
		dev_err(nmdev_pf_dev(pf), "command %u (%#x) timed out\n",
			code, operand);
		return ret;
	}
	if (FIELD_GET(SIOV_CMDSTS_ERR, sts)) {
		dev_err(nmdev_pf_dev(pf), "command %u (%#x) refused, error %lu\n",
			code, operand, FIELD_GET(SIOV_CMDSTS_ERR, sts));
		return -EIO;
	}
	return 0;
}

/*
 * WQ n signals MSI-X vector n + 1; vector 0 is the device's own.  With
 * more WQs than vectors, WQs share the vectors round-robin.
 */
int nmdev_wq_vector(struct nmdev_pf *pf, u32 wq)
{
	return 1 + wq % (pf->nr_vecs - 1);
}

const char *nmdev_mode_name(enum nmdev_mode mode)
{
	switch (mode) {
	case NMDEV_MODE_PASID:
		return "pasid";
	case NMDEV_MODE_SW:
		return "sw";
	case NMDEV_MODE_NONE:
		break;
	}
	return "none";
}

/* The "mode" parameter: an enum nmdev_mode_req, or -EINVAL. */
int nmdev_mode_parse(const char *str)
{
	if (!str || !strcmp(str, "auto"))
		return NMDEV_MODE_REQ_AUTO;
	if (!strcmp(str, "pasid"))
		return NMDEV_MODE_REQ_PASID;
	if (!strcmp(str, "sw"))
		return NMDEV_MODE_REQ_SW;
	return -EINVAL;
}

/*
 * PASID mode needs more than PASID 0 (IOMMU_NO_PASID, the RID's own).
 * Asked for without it, there is no mode (as before software mode
 * existed): the type stays listed with no instance, and the admin sees
 * why in the probe line rather than getting slower mdevs unasked.
 */
enum nmdev_mode nmdev_mode_select(enum nmdev_mode_req req, u32 max_pasids)
{
	bool pasids = max_pasids > 1;

	switch (req) {
	case NMDEV_MODE_REQ_AUTO:
		return pasids ? NMDEV_MODE_PASID : NMDEV_MODE_SW;
	case NMDEV_MODE_REQ_PASID:
		return pasids ? NMDEV_MODE_PASID : NMDEV_MODE_NONE;
	case NMDEV_MODE_REQ_SW:
		return NMDEV_MODE_SW;
	}
	return NMDEV_MODE_NONE;
}

/* pf->max_pasids known: set pf->mode from @param, or fail the probe. */
int nmdev_pf_select_mode(struct nmdev_pf *pf, const char *param)
{
	int req = nmdev_mode_parse(param);

	if (req < 0) {
		dev_err(nmdev_pf_dev(pf), "mode=%s: expected auto, pasid or sw\n",
			param);
		return req;
	}
	pf->mode = nmdev_mode_select(req, pf->max_pasids);
	return 0;
}

static int nmdev_pf_discover(struct nmdev_pf *pf)
{
	struct pci_dev *pdev = pf->pdev;
	struct device *dev = &pdev->dev;
	u32 version, dvsec_cap;
	int ret;

	version = readl(pf->bar0 + SIOV_REG_VERSION);
	if ((version >> 8) != (SIOV_VERSION >> 8))
		return dev_err_probe(dev, -ENODEV,
				     "unsupported version %#x\n", version);

	pf->dvsec = pci_find_dvsec_capability(pdev, SIOV_DVSEC_VENDOR,
					      SIOV_DVSEC_ID);
	if (!pf->dvsec)
		return dev_err_probe(dev, -ENODEV, "no S-IOV DVSEC\n");
	ret = pci_read_config_dword(pdev, pf->dvsec + SIOV_DVSEC_CAP,
				    &dvsec_cap);
	if (ret)
		return dev_err_probe(dev, -EIO, "cannot read the S-IOV DVSEC\n");

	pf->gencap = readq(pf->bar0 + SIOV_REG_GENCAP);
	pf->wqcap = readq(pf->bar0 + SIOV_REG_WQCAP);
	pf->opcap = readq(pf->bar0 + SIOV_REG_OPCAP);
	pf->ims = (dvsec_cap & SIOV_DVSEC_CAP_IMS) &&
		  (pf->gencap & SIOV_GENCAP_IMS);
	pf->nr_wqs = FIELD_GET(SIOV_WQCAP_NR_WQS, pf->wqcap);
	pf->wq_size = FIELD_GET(SIOV_WQCAP_MAX_SIZE, pf->wqcap);
	if (!pf->nr_wqs || !pf->wq_size || !(pf->wqcap & SIOV_WQCAP_DEDICATED))
		return dev_err_probe(dev, -ENODEV,
				     "no usable dedicated work queue (WQCAP %#llx)\n",
				     pf->wqcap);
	if (pci_resource_len(pdev, SIOV_BAR0) < SIOV_BAR0_SIZE ||
	    pci_resource_len(pdev, SIOV_BAR2) <
			(resource_size_t)pf->nr_wqs * SIOV_PORTAL_SIZE)
		return dev_err_probe(dev, -ENODEV, "BARs too small for %u WQs\n",
				     pf->nr_wqs);
	return 0;
}

/*
 * Vector 0 for the device, one per WQ after it.  Linux 6.12 has no IMS irq
 * domain, so a PF with more WQs than MSI-X vectors cannot give each WQ its
 * own message: WQs then share vectors (request_irq with IRQF_SHARED), and
 * an L2 whose mdev shares one sees the completion interrupts of the others
 * as spurious ones (it checks its completion records anyway).  Leaving the
 * extra WQs unused instead would cap a 4096-WQ PF at 2047 mdevs.
 */
static int nmdev_pf_irqs(struct nmdev_pf *pf)
{
	u32 want = min_t(u32, pf->nr_wqs + 1,
			 FIELD_GET(SIOV_GENCAP_NR_MSIX, pf->gencap));
	int nvec;

	if (want < 2)
		return dev_err_probe(nmdev_pf_dev(pf), -ENODEV,
				     "fewer than 2 MSI-X vectors\n");
	/* Managed: pcim_enable_device() frees the vectors on unbind. */
	nvec = pci_alloc_irq_vectors(pf->pdev, 2, want, PCI_IRQ_MSIX);
	if (nvec < 0)
		return dev_err_probe(nmdev_pf_dev(pf), nvec,
				     "cannot allocate MSI-X vectors\n");
	pf->nr_vecs = nvec;
	pf->usable_wqs = pf->nr_wqs;
	if (nvec - 1 < pf->nr_wqs)
		dev_info(nmdev_pf_dev(pf), "%u WQs share %d MSI-X vectors\n",
			 pf->nr_wqs, nvec - 1);
	return 0;
}

static void nmdev_pf_disable_iopf(void *data)
{
	struct nmdev_pf *pf = data;

	iommu_dev_disable_feature(nmdev_pf_dev(pf), IOMMU_DEV_FEAT_IOPF);
}

/* PASID and I/O page faults, as the IOMMU core offers them. */
static int nmdev_pf_iommu(struct nmdev_pf *pf)
{
	struct device *dev = nmdev_pf_dev(pf);
	int ret;

	pf->max_pasids = dev->iommu ? dev->iommu->max_pasids : 0;
	ret = nmdev_pf_select_mode(pf, nmdev_mode_param);
	if (ret)
		return ret;
	if (pf->mode == NMDEV_MODE_NONE) {
		dev_warn(dev, "no PASID support from the IOMMU: no mdevs\n");
		return 0;
	}
	/* L2 memory is pinned before each submission: nothing faults. */
	if (pf->mode == NMDEV_MODE_SW)
		return 0;
	if (!pci_ats_supported(pf->pdev) || !pci_pri_supported(pf->pdev)) {
		dev_info(dev, "no ATS+PRI: L2 memory must not fault\n");
		return 0;
	}
	ret = iommu_dev_enable_feature(dev, IOMMU_DEV_FEAT_IOPF);
	if (ret) {
		dev_warn(dev, "I/O page faults unavailable (%d)\n", ret);
		return 0;
	}
	pf->iopf = true;
	return devm_add_action_or_reset(dev, nmdev_pf_disable_iopf, pf);
}

static void nmdev_pf_disable(void *data)
{
	struct nmdev_pf *pf = data;

	writel(0, pf->bar0 + SIOV_REG_GENCTRL);
	nmdev_pf_cmd(pf, SIOV_CMD_RESET_DEVICE, 0);
}

static int nmdev_pf_enable(struct nmdev_pf *pf)
{
	struct device *dev = nmdev_pf_dev(pf);
	int ret;

	ret = nmdev_pf_cmd(pf, SIOV_CMD_RESET_DEVICE, 0);
	if (ret)
		return ret;
	writel(SIOV_GENCTRL_ENABLE, pf->bar0 + SIOV_REG_GENCTRL);
	if (!(readl(pf->bar0 + SIOV_REG_GENSTS) & SIOV_GENSTS_ENABLED))
		return dev_err_probe(dev, -EIO, "device does not enable\n");
	return devm_add_action_or_reset(dev, nmdev_pf_disable, pf);
}

static void nmdev_pf_destroy_wq(void *data)
{
	destroy_workqueue(data);
}

static int nmdev_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct nmdev_pf *pf;
	int ret;

	pf = devm_kzalloc(dev, sizeof(*pf), GFP_KERNEL);
	if (!pf)
		return -ENOMEM;
	pf->pdev = pdev;
	INIT_LIST_HEAD(&pf->mdevs);
	ret = devm_mutex_init(dev, &pf->lock);
	if (ret)
		return ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return dev_err_probe(dev, ret, "cannot enable\n");
	pf->bar0 = pcim_iomap_region(pdev, SIOV_BAR0, NMDEV_NAME);
	if (IS_ERR(pf->bar0))
		return dev_err_probe(dev, PTR_ERR(pf->bar0), "cannot map BAR0\n");
	pf->portals = pcim_iomap_region(pdev, SIOV_BAR2, NMDEV_NAME);
	if (IS_ERR(pf->portals))
		return dev_err_probe(dev, PTR_ERR(pf->portals),
				     "cannot map BAR2\n");
	pf->portals_phys = pci_resource_start(pdev, SIOV_BAR2);
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (ret)
		return dev_err_probe(dev, ret, "no 64-bit DMA\n");
	pci_set_master(pdev);

	ret = nmdev_pf_discover(pf);
	if (ret)
		return ret;
	pf->wq_used = devm_bitmap_zalloc(dev, pf->nr_wqs, GFP_KERNEL);
	if (!pf->wq_used)
		return -ENOMEM;
	/*
	 * RESET_DEVICE masks and clears every MSI-X entry (docs/siov.md), so
	 * the device is reset and enabled before its vectors are programmed.
	 */
	ret = nmdev_pf_enable(pf);
	if (ret)
		return ret;
	ret = nmdev_pf_irqs(pf);
	if (ret)
		return ret;
	ret = nmdev_pf_iommu(pf);
	if (ret)
		return ret;

	/* Page requests arrive in the PRQ IRQ thread; pinning sleeps. */
	pf->iopf_wq = alloc_workqueue("nmdev-iopf-%s", WQ_UNBOUND, 0,
				      pci_name(pdev));
	if (!pf->iopf_wq)
		return -ENOMEM;
	ret = devm_add_action_or_reset(dev, nmdev_pf_destroy_wq, pf->iopf_wq);
	if (ret)
		return ret;

	pci_set_drvdata(pdev, pf);
	ret = nmdev_parent_register(pf);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register mdev parent\n");
	nmdev_debugfs_pf_add(pf);

	dev_info(dev, "%u WQs (%u usable, %u descriptors), IMS %s, mode %s, %u PASIDs, IOPF %s\n",
		 pf->nr_wqs, pf->usable_wqs, pf->wq_size,
		 pf->ims ? "yes" : "no", nmdev_mode_name(pf->mode),
		 pf->max_pasids, pf->iopf ? "on" : "off");
	return 0;
}

static void nmdev_remove(struct pci_dev *pdev)
{
	struct nmdev_pf *pf = pci_get_drvdata(pdev);

	nmdev_debugfs_pf_remove(pf);
	/* Removes every mdev first; devres then undoes probe in reverse. */
	nmdev_parent_unregister(pf);
}

static const struct pci_device_id nmdev_ids[] = {
	{ PCI_DEVICE_SUB(SIOV_PCI_VENDOR_ID, SIOV_PCI_DEVICE_ID,
			 SIOV_PCI_SUBSYS_VENDOR, SIOV_PCI_SUBSYS_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, nmdev_ids);

static struct pci_driver nmdev_pci_driver = {
	.name = NMDEV_NAME,
	.id_table = nmdev_ids,
	.probe = nmdev_probe,
	.remove = nmdev_remove,
};

static int __init nmdev_init(void)
{
	int ret;

	nmdev_debugfs_init();
	ret = mdev_register_driver(&nmdev_mdev_driver);
	if (ret)
		goto err_debugfs;
	ret = pci_register_driver(&nmdev_pci_driver);
	if (ret)
		goto err_mdev;
	return 0;

err_mdev:
	mdev_unregister_driver(&nmdev_mdev_driver);
err_debugfs:
	nmdev_debugfs_exit();
	return ret;
}

static void __exit nmdev_exit(void)
{
	pci_unregister_driver(&nmdev_pci_driver);
	mdev_unregister_driver(&nmdev_mdev_driver);
	nmdev_debugfs_exit();
}

module_init(nmdev_init);
module_exit(nmdev_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nestmed nested mdevs on an S-IOV PF");
MODULE_AUTHOR("nestmed");
