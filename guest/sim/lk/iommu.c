// SPDX-License-Identifier: GPL-2.0
/*
 * lk IOMMU API (include/linux/iommu.h, io-pgfault.c) on the model of the
 * L1 intel-iommu driver (guest/sim/intel_iommu.h).  A PCI device behind
 * the IOMMU has a gvtd_device (lk_pci_dev_cfg.iommu_dev); domains,
 * attachments and page-request groups wrap the model's.
 *
 * Page requests: every paging domain's gvtd iopf_handler is iopf_bridge().
 * The model calls it from its PRQ thread with a gvtd_iopf_group; the
 * bridge builds the Linux struct iopf_group (faults list, last_fault, the
 * driver's attach handle) and calls the driver's domain->iopf_handler, with
 * Linux's contract: 0 and the handler owns the group (it answers once with
 * iopf_group_response and frees with iopf_free_group); an error and the
 * group is answered FAILURE and freed here and in the model.
 */
#include "lk_internal.h"
#include "intel_iommu.h"

struct lk_iommu_dev {
	struct dev_iommu di;
	struct gvtd_device *gd;
	bool iopf;		/* IOMMU_DEV_FEAT_IOPF enabled */
};

/* One attached PASID; gh is what the model hands back in a group. */
struct lk_attach {
	struct gvtd_attach_handle gh;
	struct iommu_attach_handle *handle;	/* the driver's, or NULL */
	struct iommu_domain *domain;
	struct device *dev;
	ioasid_t pasid;
	struct list_head node;
};

struct lk_domain {
	struct iommu_domain dom;
	struct list_head node;
};

struct lk_iopf_group {
	struct iopf_group g;	/* pending_node: on live_groups */
	bool core_answered;	/* by iopf_queue_remove_device() */
	struct iopf_fault partial[];	/* fault_count - 1 of them */
};

static LIST_HEAD(domains);
static LIST_HEAD(attaches);
static LIST_HEAD(live_groups);

static struct lk_iommu_dev *dev_lk(struct device *dev)
{
	return dev && dev->iommu ? (struct lk_iommu_dev *)dev->iommu->lk : NULL;
}

int lk_iommu_probe_device(struct device *dev, struct gvtd_device *gd)
{
	struct lk_iommu_dev *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->gd = gd;
	d->di.max_pasids = gd->max_pasids;
	d->di.lk = d;
	dev->iommu = &d->di;
	return 0;
}

static void detach(struct lk_attach *a)
{
	gvtd_detach_dev_pasid(a->domain->lk_gd, dev_lk(a->dev)->gd, a->pasid);
	list_del(&a->node);
	free(a);
}

/* What the driver left behind at release is its bug: WARN, then undo. */
void lk_iommu_release_device(struct device *dev)
{
	struct lk_iommu_dev *d = dev_lk(dev);
	struct lk_attach *a, *n;

	if (!d)
		return;
	list_for_each_entry_safe(a, n, &attaches, node) {
		bool pasid_attached_at_release = a->dev == dev;

		if (WARN_ON(pasid_attached_at_release))
			detach(a);
	}
	if (WARN_ON(d->iopf))
		iommu_dev_disable_feature(dev, IOMMU_DEV_FEAT_IOPF);
	dev->iommu = NULL;
	free(d);
}

/* Only IOPF: SVA is not part of the model. */
int iommu_dev_enable_feature(struct device *dev, enum iommu_dev_features f)
{
	struct lk_iommu_dev *d = dev_lk(dev);
	int ret;

	if (!d || f != IOMMU_DEV_FEAT_IOPF)
		return -ENODEV;
	ret = gvtd_dev_enable_iopf(d->gd);
	if (!ret)
		d->iopf = true;
	return ret;
}

int iommu_dev_disable_feature(struct device *dev, enum iommu_dev_features f)
{
	struct lk_iommu_dev *d = dev_lk(dev);
	struct iopf_group *g;
	int ret;

	if (!d || f != IOMMU_DEV_FEAT_IOPF)
		return -EBUSY;
	ret = gvtd_dev_disable_iopf(d->gd);
	if (ret)
		return ret;
	d->iopf = false;
	/* iopf_queue_remove_device(): what the driver still holds, INVALID. */
	list_for_each_entry(g, &live_groups, pending_node)
		if (g->lk_g->dev == d->gd && !g->lk_g->responded) {
			gvtd_iopf_group_response(g->lk_g,
						 GVTD_PAGE_RESP_INVALID);
			container_of(g, struct lk_iopf_group, g)->core_answered =
				true;
		}
	return 0;
}

ioasid_t iommu_alloc_global_pasid(struct device *dev)
{
	struct lk_iommu_dev *d = dev_lk(dev);
	u32 pasid;

	if (!d)
		return IOMMU_PASID_INVALID;
	pasid = gvtd_alloc_global_pasid(d->gd);
	if (pasid != GVTD_PASID_INVALID)
		lk_st.pasids_live++;
	return pasid;
}

/* ida_free() of an id that is not allocated WARNs in Linux too. */
void iommu_free_global_pasid(ioasid_t pasid)
{
	struct gvtd_iommu *u = lk_cfg.iommu;
	bool pasid_not_allocated = !u || !u->pasid_ida || !pasid ||
				   pasid >= u->pasid_ida_max ||
				   !u->pasid_ida[pasid];

	if (WARN_ON(pasid_not_allocated))
		return;
	gvtd_free_global_pasid(u, pasid);
	lk_st.pasids_live--;
}

static void fault_from(struct iommu_fault *f, const struct gvtd_fault *gf)
{
	f->type = IOMMU_FAULT_PAGE_REQ;
	f->prm = (struct iommu_fault_page_request){
		.pasid = gf->pasid, .grpid = gf->grpid, .addr = gf->addr,
	};
	if (gf->flags & GVTD_FAULT_PASID_VALID)
		f->prm.flags |= IOMMU_FAULT_PAGE_REQUEST_PASID_VALID;
	if (gf->flags & GVTD_FAULT_LAST_PAGE)
		f->prm.flags |= IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE;
	if (gf->flags & GVTD_FAULT_NEEDS_PASID)
		f->prm.flags |= IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID;
	if (gf->perm & GVTD_FAULT_PERM_READ)
		f->prm.perm |= IOMMU_FAULT_PERM_READ;
	if (gf->perm & GVTD_FAULT_PERM_WRITE)
		f->prm.perm |= IOMMU_FAULT_PERM_WRITE;
	if (gf->perm & GVTD_FAULT_PERM_EXEC)
		f->prm.perm |= IOMMU_FAULT_PERM_EXEC;
	if (gf->perm & GVTD_FAULT_PERM_PRIV)
		f->prm.perm |= IOMMU_FAULT_PERM_PRIV;
}

static int iopf_bridge(struct gvtd_iopf_group *gg)
{
	struct lk_attach *a = container_of(gg->attach_handle, struct lk_attach,
					   gh);
	struct iommu_domain *dom = a->domain;
	struct lk_iopf_group *lg;
	int ret;

	if (!dom->iopf_handler) {
		/* find_fault_handler() failed: iopf_error_response() */
		gvtd_iopf_group_response(gg, GVTD_PAGE_RESP_INVALID);
		return -ENODEV;
	}
	if (!gg->fault_count)
		return -EINVAL;
	lg = calloc(1, sizeof(*lg) +
		       (gg->fault_count - 1) * sizeof(lg->partial[0]));
	if (!lg)
		return -ENOMEM;
	/* iopf_group_alloc(): the partial requests, then the last one */
	INIT_LIST_HEAD(&lg->g.faults);
	for (u32 i = 0; i + 1 < gg->fault_count; i++) {
		fault_from(&lg->partial[i].fault, &gg->faults[i]);
		list_add_tail(&lg->partial[i].list, &lg->g.faults);
	}
	fault_from(&lg->g.last_fault.fault, &gg->last_fault);
	list_add_tail(&lg->g.last_fault.list, &lg->g.faults);
	lg->g.fault_count = gg->fault_count;
	lg->g.attach_handle = a->handle;
	lg->g.lk_g = gg;
	INIT_LIST_HEAD(&lg->g.node);
	list_add_tail(&lg->g.pending_node, &live_groups);
	lk_st.iopf_groups++;
	ret = dom->iopf_handler(&lg->g);
	if (ret) {
		/* The model answers FAILURE (unless answered) and frees gg. */
		list_del(&lg->g.pending_node);
		free(lg);
	}
	return ret;
}

void iopf_group_response(struct iopf_group *group,
			 enum iommu_page_response_code status)
{
	struct lk_iopf_group *lg = container_of(group, struct lk_iopf_group, g);
	bool second_response = group->lk_g->responded;

	/* After iopf_queue_remove_device() Linux drops it silently. */
	if (lg->core_answered || WARN_ON(second_response))
		return;
	lk_st.iopf_responses++;
	gvtd_iopf_group_response(group->lk_g,
				 (enum gvtd_page_resp_code)status);
}

void iopf_free_group(struct iopf_group *group)
{
	list_del(&group->pending_node);
	gvtd_iopf_free_group(group->lk_g);
	free(container_of(group, struct lk_iopf_group, g));
}

struct iommu_domain *iommu_paging_domain_alloc(struct device *dev)
{
	struct lk_iommu_dev *d = dev_lk(dev);
	struct lk_domain *ld;
	struct gvtd_domain *gd;

	if (!d)
		return ERR_PTR(-ENODEV);
	ld = calloc(1, sizeof(*ld));
	gd = ld ? gvtd_paging_domain_alloc(d->gd) : NULL;
	if (!gd) {
		free(ld);
		return ERR_PTR(-ENOMEM);
	}
	gd->iopf_handler = iopf_bridge;
	ld->dom.type = IOMMU_DOMAIN_UNMANAGED;
	ld->dom.lk_gd = gd;
	list_add_tail(&ld->node, &domains);
	lk_st.domains_live++;
	return &ld->dom;
}

/* Freeing a domain still attached would leave the model's entries dangling. */
void iommu_domain_free(struct iommu_domain *domain)
{
	struct lk_domain *ld;
	struct lk_attach *a, *n;

	if (!domain)
		return;
	list_for_each_entry_safe(a, n, &attaches, node) {
		bool domain_still_attached = a->domain == domain;

		if (WARN_ON(domain_still_attached))
			detach(a);
	}
	ld = container_of(domain, struct lk_domain, dom);
	list_del(&ld->node);
	gvtd_domain_free(domain->lk_gd);
	free(ld);
	lk_st.domains_live--;
}

int iommu_attach_device_pasid(struct iommu_domain *domain, struct device *dev,
			      ioasid_t pasid,
			      struct iommu_attach_handle *handle)
{
	struct lk_iommu_dev *d = dev_lk(dev);
	struct lk_attach *a;
	int ret;

	if (!d || !domain)
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	/* No handle: the model reserves the PASID without a fault handler. */
	ret = gvtd_attach_dev_pasid(domain->lk_gd, d->gd, pasid,
				    handle ? &a->gh : NULL);
	if (ret) {
		free(a);
		return ret;
	}
	a->handle = handle;
	a->domain = domain;
	a->dev = dev;
	a->pasid = pasid;
	list_add_tail(&a->node, &attaches);
	if (handle) {
		handle->domain = domain;
		handle->lk_gh = &a->gh;
	}
	return 0;
}

void iommu_detach_device_pasid(struct iommu_domain *domain,
			       struct device *dev, ioasid_t pasid)
{
	struct lk_attach *a;
	bool pasid_not_attached_to_domain = true;

	list_for_each_entry(a, &attaches, node)
		if (a->dev == dev && a->pasid == pasid && a->domain == domain) {
			pasid_not_attached_to_domain = false;
			break;
		}
	if (!WARN_ON(pasid_not_attached_to_domain))
		detach(a);
}

int iommu_map(struct iommu_domain *domain, unsigned long iova,
	      phys_addr_t paddr, size_t size, int prot, gfp_t gfp)
{
	if (WARN_ON(!domain))
		return -EINVAL;
	return gvtd_map(domain->lk_gd, iova, paddr, size,
			prot & (IOMMU_READ | IOMMU_WRITE));
}

size_t iommu_unmap(struct iommu_domain *domain, unsigned long iova,
		   size_t size)
{
	return domain ? gvtd_unmap(domain->lk_gd, iova, size) : 0;
}

phys_addr_t iommu_iova_to_phys(struct iommu_domain *domain, dma_addr_t iova)
{
	return domain ? gvtd_iova_to_phys(domain->lk_gd, iova) : 0;
}

int lk_iommu_init(void)
{
	INIT_LIST_HEAD(&domains);
	INIT_LIST_HEAD(&attaches);
	INIT_LIST_HEAD(&live_groups);
	return 0;
}

/*
 * What drivers left is a leak: groups are dropped unanswered (the kernel
 * is gone), PASIDs detached, domains freed.  Global PASIDs stay with the
 * model, counted only.
 */
void lk_iommu_fini(void)
{
	while (!list_empty(&live_groups)) {
		struct iopf_group *g = list_first_entry(&live_groups,
							struct iopf_group,
							pending_node);

		lk_st.leaks++;
		iopf_free_group(g);
	}
	while (!list_empty(&attaches)) {
		lk_st.leaks++;
		detach(list_first_entry(&attaches, struct lk_attach, node));
	}
	while (!list_empty(&domains)) {
		struct lk_domain *ld = list_first_entry(&domains,
							struct lk_domain, node);

		lk_st.leaks++;
		list_del(&ld->node);
		gvtd_domain_free(ld->dom.lk_gd);
		free(ld);
	}
	lk_st.leaks += lk_st.pasids_live;
}
