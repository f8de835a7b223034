// SPDX-License-Identifier: GPL-2.0
/*
 * nmdev: demand pinning.  L2 memory is not pinned up front: a descriptor
 * that touches an unmapped L2 page makes the PF send a page request on the
 * mdev's PASID; the IOMMU core hands the group to nmdev_iopf_handler() (in
 * the PRQ IRQ thread on VT-d), which defers it to a workqueue.  There the
 * page is pinned through VFIO (IOVA = L2 GPA), mapped into the mdev's
 * PASID domain and the group answered SUCCESS; anything outside L2's
 * mappings is answered INVALID.
 *
 * Never FAILURE: Response Failure stops the PF's PRI for every mdev until
 * software clears it (PCIe PRI, docs/siov.md section 9).
 *
 * The pin cache (nm->pinned) is shared with software mode, where the pages
 * are pinned by nmdev_sw.c before a descriptor is submitted and mapped
 * with the DMA API on the PF's own domain instead of into a PASID domain.
 */
#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/vfio.h>
#include <linux/workqueue.h>

#include "nmdev.h"

#define NMDEV_PIN_PROT		(IOMMU_READ | IOMMU_WRITE)

/* sw mode: the device reads a read-only page, and may write a writable one */
static enum dma_data_direction nmdev_pin_dir(int prot)
{
	return prot & IOMMU_WRITE ? DMA_BIDIRECTIONAL : DMA_TO_DEVICE;
}

/* nm->pin_lock held; in sw mode the WQ uses none of the page any more. */
static void nmdev_unpin_one(struct nmdev_mdev *nm, unsigned long pfn)
{
	u64 iova = (u64)pfn << PAGE_SHIFT;
	unsigned long val = xa_to_value(xa_load(&nm->pinned, pfn));

	if (nmdev_is_sw(nm->pf))
		dma_unmap_page(nmdev_pf_dev(nm->pf), val & PAGE_MASK, PAGE_SIZE,
			       nmdev_pin_dir(val & NMDEV_PIN_PROT));
	else
		/* Flushes the IOTLB and device TLB before the unpin. */
		iommu_unmap(nm->domain, iova, PAGE_SIZE);
	vfio_unpin_pages(&nm->vdev, iova, 1);
	xa_erase(&nm->pinned, pfn);
	atomic64_dec(&nm->stats.pinned);
	atomic64_inc(&nm->stats.unpins);
}

/*
 * sw mode: the page's DMA address on the PF's domain.  It shares the
 * xarray value with prot, so it must be page aligned and fit in a value
 * entry (it always does: IOVAs and L1 physical addresses are far below
 * 2^63).
 */
static int nmdev_pin_dma_map(struct nmdev_mdev *nm, struct page *page,
			     int prot, dma_addr_t *dma)
{
	struct device *dev = nmdev_pf_dev(nm->pf);

	*dma = dma_map_page(dev, page, 0, PAGE_SIZE, nmdev_pin_dir(prot));
	if (dma_mapping_error(dev, *dma))
		return -ENOMEM;
	if ((*dma & ~PAGE_MASK) || *dma > LONG_MAX) {
		dma_unmap_page(dev, *dma, PAGE_SIZE, nmdev_pin_dir(prot));
		return -EIO;
	}
	return 0;
}

/*
 * Pin the page at @iova for @prot and map it: into the PASID domain, or
 * (sw mode) with the DMA API.  nm->pin_lock held.
 */
int nmdev_pin_page(struct nmdev_mdev *nm, u64 iova, int prot)
{
	unsigned long pfn = iova >> PAGE_SHIFT;
	bool sw = nmdev_is_sw(nm->pf);
	dma_addr_t dma = 0;
	struct page *page;
	void *entry;
	int ret;

	if (!nm->open)
		return -ENODEV;
	entry = xa_load(&nm->pinned, pfn);
	if (entry) {
		/* Another group of the same page, or a retry after a race. */
		if ((xa_to_value(entry) & prot) == prot)
			return 0;
		/*
		 * Pinned read-only, now written: pin again writable.  In sw
		 * mode descriptors in flight may still read the page.
		 */
		if (sw)
			nmdev_sw_quiesce(nm);
		nmdev_unpin_one(nm, pfn);
	}

	/* Writable if L2 allows it, so that a later write does not fault. */
	ret = vfio_pin_pages(&nm->vdev, iova, 1, prot | IOMMU_WRITE, &page);
	if (ret == 1)
		prot |= IOMMU_WRITE;
	else if (!(prot & IOMMU_WRITE))
		ret = vfio_pin_pages(&nm->vdev, iova, 1, prot, &page);
	if (ret != 1)
		return ret < 0 ? ret : -EFAULT;

	if (sw)
		ret = nmdev_pin_dma_map(nm, page, prot, &dma);
	else
		ret = iommu_map(nm->domain, iova, page_to_phys(page), PAGE_SIZE,
				prot, GFP_KERNEL);
	if (ret)
		goto err_unpin;
	ret = xa_err(xa_store(&nm->pinned, pfn, xa_mk_value(dma | prot),
			      GFP_KERNEL));
	if (ret)
		goto err_unmap;
	atomic64_inc(&nm->stats.pinned);
	atomic64_inc(&nm->stats.pins);
	return 0;

err_unmap:
	if (sw)
		dma_unmap_page(nmdev_pf_dev(nm->pf), dma, PAGE_SIZE,
			       nmdev_pin_dir(prot));
	else
		iommu_unmap(nm->domain, iova, PAGE_SIZE);
err_unpin:
	vfio_unpin_pages(&nm->vdev, iova, 1);
	return ret;
}

/* sw mode: the DMA address of the pinned page at @iova.  pin_lock held. */
dma_addr_t nmdev_pinned_dma(struct nmdev_mdev *nm, u64 iova)
{
	void *entry = xa_load(&nm->pinned, iova >> PAGE_SHIFT);

	if (WARN_ON(!entry))
		return DMA_MAPPING_ERROR;
	return xa_to_value(entry) & PAGE_MASK;
}

static int nmdev_fault_one(struct nmdev_mdev *nm,
			   const struct iommu_fault *fault)
{
	const struct iommu_fault_page_request *prm = &fault->prm;
	int prot = IOMMU_READ;

	atomic64_inc(&nm->stats.faults);
	if (fault->type != IOMMU_FAULT_PAGE_REQ ||
	    !(prm->flags & IOMMU_FAULT_PAGE_REQUEST_PASID_VALID) ||
	    prm->pasid != nm->pasid)
		return -EINVAL;
	/* The WQ never issues privileged or execute requests. */
	if (prm->perm & (IOMMU_FAULT_PERM_PRIV | IOMMU_FAULT_PERM_EXEC))
		return -EINVAL;
	if (prm->perm & IOMMU_FAULT_PERM_WRITE)
		prot |= IOMMU_WRITE;
	return nmdev_pin_page(nm, prm->addr & PAGE_MASK, prot);
}

static void nmdev_iopf_work(struct work_struct *work)
{
	struct iopf_group *group = container_of(work, struct iopf_group, work);
	struct nmdev_mdev *nm = group->attach_handle->domain->fault_data;
	enum iommu_page_response_code code = IOMMU_PAGE_RESP_SUCCESS;
	struct iopf_fault *iopf;

	mutex_lock(&nm->pin_lock);
	list_for_each_entry(iopf, &group->faults, list) {
		if (nmdev_fault_one(nm, &iopf->fault)) {
			code = IOMMU_PAGE_RESP_INVALID;
			break;
		}
	}
	mutex_unlock(&nm->pin_lock);

	if (code != IOMMU_PAGE_RESP_SUCCESS) {
		atomic64_inc(&nm->stats.faults_invalid);
		dev_dbg(&nm->mdev->dev, "page request %#llx answered INVALID\n",
			group->last_fault.fault.prm.addr);
	}
	iopf_group_response(group, code);
	iopf_free_group(group);
}

/*
 * domain->iopf_handler: runs in the IOMMU driver's reporting context
 * (the PRQ IRQ thread on VT-d), where pinning must not happen.
 */
int nmdev_iopf_handler(struct iopf_group *group)
{
	struct nmdev_mdev *nm = group->attach_handle->domain->fault_data;

	INIT_WORK(&group->work, nmdev_iopf_work);
	queue_work(nm->pf->iopf_wq, &group->work);
	return 0;
}

/*
 * Unmap and unpin every page pinned in [iova, iova + length).  PASID mode
 * needs no more: iommu_unmap() stops the device's access.  A DMA-API
 * unmap does not (the PF's domain may be identity), so in sw mode the
 * WQ's accepted descriptors must have completed first; at close the WQ
 * is already reset.
 */
void nmdev_unpin_range(struct nmdev_mdev *nm, u64 iova, u64 length)
{
	unsigned long first = iova >> PAGE_SHIFT, last, pfn;
	void *entry;

	if (!length)
		return;
	if (length - 1 > U64_MAX - iova)
		last = ULONG_MAX;
	else
		last = (iova + length - 1) >> PAGE_SHIFT;

	mutex_lock(&nm->pin_lock);
	pfn = first;
	if (nmdev_is_sw(nm->pf) && nm->open &&
	    xa_find(&nm->pinned, &pfn, last, XA_PRESENT))
		nmdev_sw_quiesce(nm);
	xa_for_each_range(&nm->pinned, pfn, entry, first, last)
		nmdev_unpin_one(nm, pfn);
	mutex_unlock(&nm->pin_lock);
}
