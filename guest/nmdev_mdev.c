// SPDX-License-Identifier: GPL-2.0
/*
 * nmdev: the PF as an mdev parent.  Each mdev ("1wq" type) gets one
 * dedicated WQ.  In PASID mode also one global PASID and one paging domain
 * of the PF attached to that PASID; the domain starts empty and is filled
 * on I/O page faults (nmdev_iopf.c).  Software mode needs neither: the WQ
 * runs without PASID on the PF's own DMA domain, and nmdev_sw.c puts only
 * pinned L2 pages into its descriptors.  Create and remove are exact
 * mirrors.
 */
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/sysfs.h>
#include <linux/interrupt.h>
#include <linux/workqueue.h>
#include <linux/bitmap.h>

#include "nmdev.h"

static struct dentry *nmdev_debugfs_root;

static struct nmdev_pf *nmdev_type_pf(struct mdev_type *mtype)
{
	return container_of(mtype->parent, struct nmdev_pf, parent);
}

/* Take the first free WQ. */
static int nmdev_wq_get(struct nmdev_pf *pf, struct nmdev_mdev *nm)
{
	unsigned long wq;

	mutex_lock(&pf->lock);
	wq = find_first_zero_bit(pf->wq_used, pf->usable_wqs);
	if (wq >= pf->usable_wqs) {
		mutex_unlock(&pf->lock);
		return -ENOSPC;
	}
	set_bit(wq, pf->wq_used);
	nm->wq = wq;
	list_add_tail(&nm->node, &pf->mdevs);
	mutex_unlock(&pf->lock);
	return 0;
}

static void nmdev_wq_put(struct nmdev_pf *pf, struct nmdev_mdev *nm)
{
	mutex_lock(&pf->lock);
	list_del(&nm->node);
	clear_bit(nm->wq, pf->wq_used);
	mutex_unlock(&pf->lock);
}

/*
 * Check that the device takes the WQ as the mode programs it (PASID mode:
 * PASID capability enabled, BOF with ATS+PRI), then leave it disabled for
 * L2 to configure.
 */
static int nmdev_wq_check(struct nmdev_mdev *nm)
{
	struct nmdev_pf *pf = nm->pf;
	u8 err;
	int ret;

	ret = nmdev_wq_enable(pf, nm->wq, nmdev_wq_cfg0(nm, pf->wq_size, pf->iopf),
			      nmdev_wq_cfg1(nm), &err);
	if (ret) {
		if (ret == -EIO && nmdev_is_sw(pf))
			dev_err(nmdev_pf_dev(pf), "wq %u: refused without PASID, WQ error %u\n",
				nm->wq, err);
		else if (ret == -EIO)
			dev_err(nmdev_pf_dev(pf), "wq %u: PASID %u refused, WQ error %u\n",
				nm->wq, nm->pasid, err);
		return ret;
	}
	return nmdev_wq_disable(pf, nm->wq);
}

/* PASID mode: a global PASID with an empty paging domain of the PF. */
static int nmdev_pasid_setup(struct nmdev_mdev *nm)
{
	struct device *dev = nmdev_pf_dev(nm->pf);
	int ret;

	nm->pasid = iommu_alloc_global_pasid(dev);
	if (nm->pasid == IOMMU_PASID_INVALID)
		return -ENOSPC;

	nm->domain = iommu_paging_domain_alloc(dev);
	if (IS_ERR(nm->domain)) {
		ret = PTR_ERR(nm->domain);
		goto err_pasid;
	}
	nm->domain->iopf_handler = nmdev_iopf_handler;
	nm->domain->fault_data = nm;

	/* A non-NULL handle: the iopf core finds the handler through it. */
	ret = iommu_attach_device_pasid(nm->domain, dev, nm->pasid, &nm->attach);
	if (ret) {
		dev_err(dev, "cannot attach PASID %u: %d\n", nm->pasid, ret);
		goto err_domain;
	}
	return 0;

err_domain:
	iommu_domain_free(nm->domain);
err_pasid:
	iommu_free_global_pasid(nm->pasid);
	nm->pasid = IOMMU_PASID_INVALID;
	nm->domain = NULL;
	return ret;
}

/* After the WQ is reset: no new page request can come. */
static void nmdev_pasid_teardown(struct nmdev_mdev *nm)
{
	struct nmdev_pf *pf = nm->pf;

	/* VT-d drains the PASID's page requests into our handler... */
	iommu_detach_device_pasid(nm->domain, nmdev_pf_dev(pf), nm->pasid);
	/* ...which answers them INVALID from the workqueue (not open). */
	flush_workqueue(pf->iopf_wq);
	iommu_domain_free(nm->domain);
	iommu_free_global_pasid(nm->pasid);
}

static int nmdev_mdev_probe(struct mdev_device *mdev)
{
	struct nmdev_pf *pf = nmdev_type_pf(mdev->type);
	struct device *dev = nmdev_pf_dev(pf);
	struct nmdev_mdev *nm;
	int ret;

	if (pf->mode == NMDEV_MODE_NONE)
		return -EOPNOTSUPP;

	nm = vfio_alloc_device(nmdev_mdev, vdev, &mdev->dev, &nmdev_vfio_ops);
	if (IS_ERR(nm))
		return PTR_ERR(nm);

	ret = nmdev_wq_get(pf, nm);
	if (ret)
		goto err_put;

	if (!nmdev_is_sw(pf)) {
		ret = nmdev_pasid_setup(nm);
		if (ret)
			goto err_wq;
	}

	nm->irq = pci_irq_vector(pf->pdev, nmdev_wq_vector(pf, nm->wq));
	if (nm->irq < 0) {
		ret = nm->irq;
		goto err_pasid;
	}
	/* Shared when the PF has more WQs than vectors (nmdev_pf_irqs). */
	ret = request_irq(nm->irq, nmdev_wq_irq, IRQF_SHARED,
			  dev_name(&mdev->dev), nm);
	if (ret)
		goto err_pasid;

	ret = nmdev_wq_check(nm);
	if (ret)
		goto err_irq;

	ret = vfio_register_emulated_iommu_dev(&nm->vdev);
	if (ret)
		goto err_reset;
	dev_set_drvdata(&mdev->dev, nm);
	if (nmdev_is_sw(pf))
		dev_dbg(dev, "%s: wq %u, software mode\n", dev_name(&mdev->dev),
			nm->wq);
	else
		dev_dbg(dev, "%s: wq %u pasid %u\n", dev_name(&mdev->dev),
			nm->wq, nm->pasid);
	return 0;

err_reset:
	nmdev_pf_cmd(pf, SIOV_CMD_RESET_WQ, nm->wq);
err_irq:
	free_irq(nm->irq, nm);
err_pasid:
	if (!nmdev_is_sw(pf))
		nmdev_pasid_teardown(nm);
err_wq:
	nmdev_wq_put(pf, nm);
err_put:
	vfio_put_device(&nm->vdev);
	return ret;
}

static void nmdev_mdev_remove(struct mdev_device *mdev)
{
	struct nmdev_mdev *nm = dev_get_drvdata(&mdev->dev);
	struct nmdev_pf *pf = nm->pf;

	/* Waits for L2 to close; close_device unpinned everything. */
	vfio_unregister_group_dev(&nm->vdev);
	nmdev_pf_cmd(pf, SIOV_CMD_RESET_WQ, nm->wq);
	free_irq(nm->irq, nm);
	if (!nmdev_is_sw(pf))
		nmdev_pasid_teardown(nm);
	nmdev_wq_put(pf, nm);
	vfio_put_device(&nm->vdev);
}

static unsigned int nmdev_get_available(struct mdev_type *mtype)
{
	struct nmdev_pf *pf = nmdev_type_pf(mtype);
	unsigned int used;

	if (pf->mode == NMDEV_MODE_NONE)
		return 0;
	mutex_lock(&pf->lock);
	used = bitmap_weight(pf->wq_used, pf->usable_wqs);
	mutex_unlock(&pf->lock);
	return pf->usable_wqs - used;
}

static ssize_t nmdev_show_description(struct mdev_type *mtype, char *buf)
{
	struct nmdev_pf *pf = nmdev_type_pf(mtype);

	return sysfs_emit(buf, "1 dedicated WQ, %u descriptors, %s, IOPF %s\n",
			  pf->wq_size, nmdev_mode_name(pf->mode),
			  pf->iopf ? "on" : "off");
}

/* Per-mdev status: /sys/bus/mdev/devices/<uuid>/nmdev/ */
static struct nmdev_mdev *nmdev_attr_mdev(struct device *dev)
{
	return dev_get_drvdata(dev);
}

static ssize_t wq_show(struct device *dev, struct device_attribute *attr,
		       char *buf)
{
	return sysfs_emit(buf, "%u\n", nmdev_attr_mdev(dev)->wq);
}
static DEVICE_ATTR_RO(wq);

/* Software mode has no PASID: "none", as the mode attribute says. */
static ssize_t pasid_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct nmdev_mdev *nm = nmdev_attr_mdev(dev);

	if (nm->pasid == IOMMU_PASID_INVALID)
		return sysfs_emit(buf, "none\n");
	return sysfs_emit(buf, "%u\n", nm->pasid);
}
static DEVICE_ATTR_RO(pasid);

static ssize_t mode_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  nmdev_mode_name(nmdev_attr_mdev(dev)->pf->mode));
}
static DEVICE_ATTR_RO(mode);

static ssize_t pinned_pages_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  atomic64_read(&nmdev_attr_mdev(dev)->stats.pinned));
}
static DEVICE_ATTR_RO(pinned_pages);

static ssize_t faults_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  atomic64_read(&nmdev_attr_mdev(dev)->stats.faults));
}
static DEVICE_ATTR_RO(faults);

static ssize_t faults_invalid_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct nmdev_mdev *nm = nmdev_attr_mdev(dev);

	return sysfs_emit(buf, "%lld\n",
			  atomic64_read(&nm->stats.faults_invalid));
}
static DEVICE_ATTR_RO(faults_invalid);

static ssize_t sw_submits_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  atomic64_read(&nmdev_attr_mdev(dev)->stats.sw_submits));
}
static DEVICE_ATTR_RO(sw_submits);

static ssize_t sw_splits_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  atomic64_read(&nmdev_attr_mdev(dev)->stats.sw_splits));
}
static DEVICE_ATTR_RO(sw_splits);

static ssize_t sw_invalid_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  atomic64_read(&nmdev_attr_mdev(dev)->stats.sw_invalid));
}
static DEVICE_ATTR_RO(sw_invalid);

static struct attribute *nmdev_mdev_attrs[] = {
	&dev_attr_wq.attr,
	&dev_attr_pasid.attr,
	&dev_attr_mode.attr,
	&dev_attr_pinned_pages.attr,
	&dev_attr_faults.attr,
	&dev_attr_faults_invalid.attr,
	&dev_attr_sw_submits.attr,
	&dev_attr_sw_splits.attr,
	&dev_attr_sw_invalid.attr,
	NULL
};

static const struct attribute_group nmdev_mdev_group = {
	.name = NMDEV_NAME,
	.attrs = nmdev_mdev_attrs,
};

static const struct attribute_group *nmdev_mdev_groups[] = {
	&nmdev_mdev_group,
	NULL
};

struct mdev_driver nmdev_mdev_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.driver = {
		.name = NMDEV_NAME,
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
		.dev_groups = nmdev_mdev_groups,
	},
	.probe = nmdev_mdev_probe,
	.remove = nmdev_mdev_remove,
	.get_available = nmdev_get_available,
	.show_description = nmdev_show_description,
};

int nmdev_parent_register(struct nmdev_pf *pf)
{
	pf->type_1wq.sysfs_name = "1wq";
	pf->type_1wq.pretty_name = "nestmed S-IOV, 1 work queue";
	pf->types[0] = &pf->type_1wq;
	return mdev_register_parent(&pf->parent, nmdev_pf_dev(pf),
				    &nmdev_mdev_driver, pf->types,
				    ARRAY_SIZE(pf->types));
}

void nmdev_parent_unregister(struct nmdev_pf *pf)
{
	mdev_unregister_parent(&pf->parent);
}

/* debugfs: nmdev/<PF>/mdevs, one line per mdev */
static int nmdev_mdevs_show(struct seq_file *s, void *unused)
{
	struct nmdev_pf *pf = s->private;
	struct nmdev_mdev *nm;

	seq_puts(s, "uuid wq pasid mode pinned pins unpins faults invalid irqs bad_mmio sw_submits sw_splits sw_chunks sw_invalid sw_dropped\n");
	mutex_lock(&pf->lock);
	list_for_each_entry(nm, &pf->mdevs, node) {
		seq_printf(s, "%s %u ", dev_name(&nm->mdev->dev), nm->wq);
		if (nm->pasid == IOMMU_PASID_INVALID)
			seq_puts(s, "none");
		else
			seq_printf(s, "%u", nm->pasid);
		seq_printf(s, " %s %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld\n",
			   nmdev_mode_name(pf->mode),
			   atomic64_read(&nm->stats.pinned),
			   atomic64_read(&nm->stats.pins),
			   atomic64_read(&nm->stats.unpins),
			   atomic64_read(&nm->stats.faults),
			   atomic64_read(&nm->stats.faults_invalid),
			   atomic64_read(&nm->stats.irqs),
			   atomic64_read(&nm->stats.bad_mmio),
			   atomic64_read(&nm->stats.sw_submits),
			   atomic64_read(&nm->stats.sw_splits),
			   atomic64_read(&nm->stats.sw_chunks),
			   atomic64_read(&nm->stats.sw_invalid),
			   atomic64_read(&nm->stats.sw_dropped));
	}
	mutex_unlock(&pf->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nmdev_mdevs);

void nmdev_debugfs_pf_add(struct nmdev_pf *pf)
{
	pf->debugfs = debugfs_create_dir(pci_name(pf->pdev), nmdev_debugfs_root);
	debugfs_create_file("mdevs", 0400, pf->debugfs, pf, &nmdev_mdevs_fops);
}

void nmdev_debugfs_pf_remove(struct nmdev_pf *pf)
{
	debugfs_remove_recursive(pf->debugfs);
}

void nmdev_debugfs_init(void)
{
	nmdev_debugfs_root = debugfs_create_dir(NMDEV_NAME, NULL);
}

void nmdev_debugfs_exit(void)
{
	debugfs_remove_recursive(nmdev_debugfs_root);
}
