// SPDX-License-Identifier: GPL-2.0
/*
 * lk: the VFIO core for emulated-IOMMU (mdev) devices, the type1v2
 * container they pin through, and the user interface the L2 VMM drives
 * (drivers/vfio/vfio_main.c, group.c, vfio_iommu_type1.c of Linux 6.12).
 *
 * Model:
 *  - A vfio_device is allocated with its lk_vfio bookkeeping behind it (one
 *    allocation, freed on the last vfio_put_device).  Registration makes it
 *    visible by name (dev_name(vdev->dev): the mdev UUID) to lk_vfio_open.
 *  - The first open binds the device to the opener's container (the group
 *    joins it) until the last close.  vfio_pin_pages and vfio_dma_rw go
 *    through that container's mappings: IOVA -> L1 physical (the VMM's
 *    memory is L2's RAM, an L1 range).
 *  - Pins are refcounted per device and IOVA page (type1 keeps one vfio_pfn
 *    per dma and IOVA); struct page carries the page's total.
 *  - One thread: vfio_unregister_group_dev cannot sleep until the user
 *    closes.  It asks (ops->request, the user's request callback), and if
 *    the device is still open it closes it in the user's place; those fds
 *    then fail with -ENODEV until closed.
 */
#include "lk_internal.h"

#define VFIO_PIN_PAGES_MAX_ENTRIES	(PAGE_SIZE / sizeof(unsigned long))
#define VFIO_DMA_ENTRY_LIMIT		U16_MAX	/* type1's dma_entry_limit */
#define LK_VFIO_VA_BASE			0x7f5000000000ULL
#define VFIO_NAME_HASH_BITS		12

struct lk_vfio {
	struct vfio_device *vdev;
	int refcount;
	bool registered;
	struct lk_vfio *hnext;		/* vfio_by_name, while registered */
	struct lk_vfio **hbucket;	/* its chain (the name it had then) */
	struct list_head node;		/* vfio_devs: every live device */
	struct lk_vfio_container *c;	/* while open */
	struct list_head c_node;	/* c->devs */
	struct list_head fds;		/* lk_vfio_fd.v_node */
	struct xarray pins;		/* IOVA pfn -> xa_mk_value(refs) */
};

struct lk_dma {
	struct list_head node;		/* c->dmas, by IOVA */
	u64 iova, size;
	phys_addr_t l1_addr;
	int prot;			/* IOMMU_READ | IOMMU_WRITE */
};

struct lk_vfio_container {
	struct list_head dmas;
	unsigned int ndmas;
	struct list_head devs;		/* lk_vfio.c_node: bound devices */
	struct list_head fds;		/* lk_vfio_fd.c_node */
	struct list_head node;		/* vfio_containers */
};

struct lk_vfio_fd {
	struct lk_vfio_container *c;
	struct lk_vfio *v;		/* NULL: closed in the user's place */
	struct list_head c_node, v_node;
	struct list_head vmas;		/* lk_vma.node */
	void (*req_fn)(void *ctx);
	void *req_ctx;
	bool req_sent;
	unsigned int busy;		/* in a trapped call: free deferred */
	bool closed;
};

struct lk_vma {
	struct vm_area_struct vma;
	struct lk_vfio_fd *fd;		/* NULL once the fd is gone */
	struct list_head node;
};

static LIST_HEAD(vfio_devs);
static LIST_HEAD(vfio_containers);
static u64 vfio_next_va;
/*
 * Registered devices by name.  Linux finds a device by name in its group
 * (one device per mdev group) and device_add refuses a duplicate name
 * through kernfs; with thousands of mdevs a list scan would be the cost.
 */
static struct lk_vfio *vfio_by_name[1 << VFIO_NAME_HASH_BITS];

/* ---- the container's mappings --------------------------------------- */

/* The first mapping that overlaps [iova, iova + size). */
static struct lk_dma *vfio_find_dma(struct lk_vfio_container *c, u64 iova,
				    u64 size)
{
	struct lk_dma *dma;

	list_for_each_entry(dma, &c->dmas, node) {
		if (dma->iova + dma->size - 1 < iova)
			continue;
		return dma->iova <= iova + size - 1 ? dma : NULL;
	}
	return NULL;
}

static struct page *vfio_iova_page(struct lk_vfio_container *c, u64 iova)
{
	struct lk_dma *dma = c ? vfio_find_dma(c, iova, 1) : NULL;

	if (!dma)
		return NULL;
	return pfn_to_page((dma->l1_addr + (iova - dma->iova)) >> PAGE_SHIFT);
}

/* ---- pins --------------------------------------------------------------- */

static void vfio_page_refs(struct lk_vfio *v, u64 iova, long refs)
{
	struct page *page = vfio_iova_page(v->c, iova);

	if (page)
		page->lk_pins += refs;
	lk_st.pins_live += refs;
}

static int vfio_pin_get(struct lk_vfio *v, u64 iova)
{
	unsigned long idx = iova >> PAGE_SHIFT;
	unsigned long refs = xa_to_value(xa_load(&v->pins, idx));
	int ret;

	ret = xa_err(xa_store(&v->pins, idx, xa_mk_value(refs + 1),
			      GFP_KERNEL));
	if (!ret)
		vfio_page_refs(v, iova, 1);
	return ret;
}

static bool vfio_pin_put(struct lk_vfio *v, u64 iova)
{
	unsigned long idx = iova >> PAGE_SHIFT;
	void *entry = xa_load(&v->pins, idx);

	if (!entry)
		return false;
	if (xa_to_value(entry) > 1)
		xa_store(&v->pins, idx, xa_mk_value(xa_to_value(entry) - 1),
			 GFP_KERNEL);
	else
		xa_erase(&v->pins, idx);
	vfio_page_refs(v, iova, -1);
	return true;
}

/* Drops every pin of @v in [first, last]; the number of pages. */
static u64 vfio_drop_pins(struct lk_vfio *v, u64 first, u64 last)
{
	unsigned long idx;
	void *entry;
	u64 n = 0;

	xa_for_each_range(&v->pins, idx, entry, first >> PAGE_SHIFT,
			  last >> PAGE_SHIFT) {
		vfio_page_refs(v, (u64)idx << PAGE_SHIFT,
			       -(long)xa_to_value(entry));
		xa_erase(&v->pins, idx);
		n++;
	}
	return n;
}

static void vfio_check_leaks(struct lk_vfio *v, u64 first, u64 last,
			     const char *when)
{
	u64 n = vfio_drop_pins(v, first, last);

	if (!n)
		return;
	lk_st.unmap_pin_leaks += n;
	dev_err(v->vdev->dev, "vfio: %llu pages still pinned after %s\n", n,
		when);
}

int vfio_pin_pages(struct vfio_device *device, dma_addr_t iova, int npage,
		   int prot, struct page **pages)
{
	struct lk_vfio *v = device->lk;
	int i, j, ret;

	if (!pages || npage <= 0 || WARN_ON(!device->open_count || !v->c))
		return -EINVAL;
	if (!device->ops->dma_unmap)
		return -EINVAL;
	if (npage > (int)VFIO_PIN_PAGES_MAX_ENTRIES)
		return -E2BIG;
	if (!IS_ALIGNED(iova, PAGE_SIZE)) {
		lk_st.pin_refused++;
		return -EINVAL;
	}

	for (i = 0; i < npage; i++) {
		u64 a = iova + (u64)i * PAGE_SIZE;
		struct lk_dma *dma = vfio_find_dma(v->c, a, PAGE_SIZE);
		phys_addr_t pa;

		if (!dma) {
			ret = -EINVAL;
			goto unwind;
		}
		if ((dma->prot & prot) != prot) {
			ret = -EPERM;
			goto unwind;
		}
		pa = dma->l1_addr + (a - dma->iova);
		/* Pinning faults the page in, as get_user_pages does. */
		if (!lk_phys_ptr(pa)) {
			ret = -EFAULT;
			goto unwind;
		}
		ret = vfio_pin_get(v, a);
		if (ret)
			goto unwind;
		pages[i] = pfn_to_page(pa >> PAGE_SHIFT);
	}
	lk_st.pins_total += npage;
	return npage;

unwind:
	if (ret == -EINVAL || ret == -EPERM)
		lk_st.pin_refused++;
	pages[i] = NULL;
	for (j = 0; j < i; j++) {
		vfio_pin_put(v, iova + (u64)j * PAGE_SIZE);
		pages[j] = NULL;
	}
	return ret;
}

void vfio_unpin_pages(struct vfio_device *device, dma_addr_t iova, int npage)
{
	struct lk_vfio *v = device->lk;
	int i;

	if (WARN_ON(!device->open_count || !v->c) ||
	    WARN_ON(!device->ops->dma_unmap) ||
	    WARN_ON(npage <= 0 || npage > (int)VFIO_PIN_PAGES_MAX_ENTRIES))
		return;
	for (i = 0; i < npage; i++) {
		if (!vfio_pin_put(v, iova + (u64)i * PAGE_SIZE))
			break;
		lk_st.unpins_total++;
	}
	WARN_ON(i != npage);
}

int vfio_dma_rw(struct vfio_device *device, dma_addr_t iova, void *data,
		size_t len, bool write)
{
	struct lk_vfio *v = device->lk;
	u8 *p = data;

	if (!data || !len || WARN_ON(!device->open_count || !v->c))
		return -EINVAL;
	while (len) {
		struct lk_dma *dma = vfio_find_dma(v->c, iova, 1);
		u64 off, n;
		int ret;

		/* type1: unmapped -EINVAL, not permitted -EPERM. */
		if (!dma)
			return -EINVAL;
		if ((write && !(dma->prot & IOMMU_WRITE)) ||
		    !(dma->prot & IOMMU_READ))
			return -EPERM;
		off = iova - dma->iova;
		n = min_t(u64, len, dma->size - off);
		ret = write ? lk_phys_write(dma->l1_addr + off, p, n) :
			      lk_phys_read(dma->l1_addr + off, p, n);
		if (ret)
			return -EFAULT;
		iova += n;
		p += n;
		len -= n;
	}
	return 0;
}

/* ---- devices ------------------------------------------------------------- */

struct vfio_device *_vfio_alloc_device(size_t size, struct device *dev,
				       const struct vfio_device_ops *ops)
{
	size_t off = ALIGN(size, (size_t)16);
	struct vfio_device *vdev;
	struct lk_vfio *v;
	int ret;

	if (WARN_ON(size < sizeof(struct vfio_device)) || !dev || !ops)
		return ERR_PTR(-EINVAL);
	vdev = kzalloc(off + sizeof(*v), GFP_KERNEL);
	if (!vdev)
		return ERR_PTR(-ENOMEM);
	v = (struct lk_vfio *)((char *)vdev + off);
	vdev->dev = dev;
	vdev->ops = ops;
	vdev->lk = v;
	v->vdev = vdev;
	v->refcount = 1;
	INIT_LIST_HEAD(&v->c_node);
	INIT_LIST_HEAD(&v->fds);
	xa_init(&v->pins);
	if (ops->init) {
		ret = ops->init(vdev);
		if (ret) {
			/* Not initialised: release is not called. */
			kfree(vdev);
			return ERR_PTR(ret);
		}
	}
	list_add_tail(&v->node, &vfio_devs);
	return vdev;
}

void vfio_put_device(struct vfio_device *device)
{
	struct lk_vfio *v = device->lk;

	if (WARN_ON(v->refcount <= 0) || --v->refcount)
		return;
	/* A driver bug: still registered.  Close and forget it first. */
	if (WARN_ON(v->registered))
		vfio_unregister_group_dev(device);
	if (device->ops->release)
		device->ops->release(device);
	list_del(&v->node);
	xa_destroy(&v->pins);
	kfree(device);
}

static struct lk_vfio **vfio_name_bucket(const char *name)
{
	u32 h = 2166136261u;	/* FNV-1a */

	while (*name)
		h = (h ^ (u8)*name++) * 16777619u;
	return &vfio_by_name[h >> (32 - VFIO_NAME_HASH_BITS)];
}

static struct lk_vfio *vfio_find_registered(const char *name)
{
	struct lk_vfio *v;

	for (v = *vfio_name_bucket(name); v; v = v->hnext)
		if (!strcmp(dev_name(v->vdev->dev), name))
			return v;
	return NULL;
}

int vfio_register_emulated_iommu_dev(struct vfio_device *device)
{
	const struct vfio_device_ops *ops = device->ops;
	struct lk_vfio *v = device->lk, **b;

	/* Linux with CONFIG_IOMMUFD (Debian's) insists on these. */
	if (WARN_ON(!ops->bind_iommufd || !ops->unbind_iommufd ||
		    !ops->attach_ioas || !ops->detach_ioas))
		return -EINVAL;
	if (WARN_ON(v->registered))
		return -EBUSY;
	if (vfio_find_registered(dev_name(device->dev)))
		return -EEXIST;
	b = vfio_name_bucket(dev_name(device->dev));
	v->hbucket = b;
	v->hnext = *b;
	*b = v;
	v->registered = true;
	return 0;
}

/* The device leaves its container: what the driver left pinned is a leak. */
static void vfio_unbind(struct lk_vfio *v, const char *when)
{
	vfio_check_leaks(v, 0, U64_MAX, when);
	list_del_init(&v->c_node);
	v->c = NULL;
}

/* The fd lets go of its device (and its mappings die with it). */
static void vfio_fd_release(struct lk_vfio_fd *fd)
{
	struct lk_vfio *v = fd->v;
	struct lk_vma *m, *mn;

	list_for_each_entry_safe(m, mn, &fd->vmas, node) {
		m->vma.lk_mapped = false;
		m->fd = NULL;
		list_del_init(&m->node);
	}
	if (!v)
		return;
	list_del_init(&fd->v_node);
	fd->v = NULL;
	/* As vfio_df_close: open_count is still 1 during close_device. */
	if (v->vdev->open_count == 1) {
		if (v->vdev->ops->close_device)
			v->vdev->ops->close_device(v->vdev);
		vfio_unbind(v, "close_device");
	}
	v->vdev->open_count--;
}

void vfio_unregister_group_dev(struct vfio_device *device)
{
	struct lk_vfio *v = device->lk, **pp;
	struct lk_vfio_fd *fd;
	bool asked;

	if (WARN_ON(!v->registered))
		return;
	v->registered = false;		/* no new opens */
	for (pp = v->hbucket; *pp; pp = &(*pp)->hnext)
		if (*pp == v) {
			*pp = v->hnext;
			break;
		}
	if (!device->open_count)
		return;

	if (device->ops->request)
		device->ops->request(device, 0);
	/* Each fd's VMM once; a callback may close any fd, so rescan. */
	do {
		asked = false;
		list_for_each_entry(fd, &v->fds, v_node) {
			if (fd->req_sent || !fd->req_fn)
				continue;
			fd->req_sent = true;
			fd->req_fn(fd->req_ctx);
			asked = true;
			break;
		}
	} while (asked);

	if (!device->open_count)
		return;
	dev_warn(device->dev, "vfio: device still in use, closing it\n");
	while (!list_empty(&v->fds))
		vfio_fd_release(list_first_entry(&v->fds, struct lk_vfio_fd,
						 v_node));
}

/*
 * The simulation models the legacy type1 container (group path), not
 * iommufd: nothing binds through these, they only satisfy the
 * registration check.  They record nothing.
 */
int vfio_iommufd_emulated_bind(struct vfio_device *vdev,
			       struct iommufd_ctx *ictx, u32 *out_device_id)
{
	return 0;
}

void vfio_iommufd_emulated_unbind(struct vfio_device *vdev)
{
}

int vfio_iommufd_emulated_attach_ioas(struct vfio_device *vdev, u32 *pt_id)
{
	return 0;
}

void vfio_iommufd_emulated_detach_ioas(struct vfio_device *vdev)
{
}

int vfio_set_irqs_validate_and_prepare(struct vfio_irq_set *hdr, int num_irqs,
				       int max_irq_type, size_t *data_size)
{
	size_t minsz = offsetofend(struct vfio_irq_set, count);
	size_t size;

	if (hdr->argsz < minsz || hdr->index >= (u32)max_irq_type ||
	    hdr->count >= U32_MAX - hdr->start ||
	    (hdr->flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK |
			    VFIO_IRQ_SET_ACTION_TYPE_MASK)))
		return -EINVAL;
	if (data_size)
		*data_size = 0;
	/* Compared as Linux does: int num_irqs promoted to unsigned. */
	if (hdr->start >= (u32)num_irqs ||
	    hdr->start + hdr->count > (u32)num_irqs)
		return -EINVAL;

	switch (hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		size = 0;
		break;
	case VFIO_IRQ_SET_DATA_BOOL:
		size = sizeof(u8);
		break;
	case VFIO_IRQ_SET_DATA_EVENTFD:
		size = sizeof(s32);
		break;
	default:
		return -EINVAL;
	}
	if (size) {
		if (hdr->argsz - minsz < hdr->count * size || !data_size)
			return -EINVAL;
		*data_size = hdr->count * size;
	}
	return 0;
}

/* ---- the user side: container --------------------------------------- */

struct lk_vfio_container *lk_vfio_container_create(void)
{
	struct lk_vfio_container *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return NULL;
	INIT_LIST_HEAD(&c->dmas);
	INIT_LIST_HEAD(&c->devs);
	INIT_LIST_HEAD(&c->fds);
	list_add_tail(&c->node, &vfio_containers);
	return c;
}

int lk_vfio_map_dma(struct lk_vfio_container *c, u64 iova, u64 l1_addr,
		    u64 size, u32 flags)
{
	struct lk_dma *dma, *pos;
	int prot = 0;
	u64 off;

	if (!c || (flags & ~(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)))
		return -EINVAL;
	if (flags & VFIO_DMA_MAP_FLAG_READ)
		prot |= IOMMU_READ;
	if (flags & VFIO_DMA_MAP_FLAG_WRITE)
		prot |= IOMMU_WRITE;
	if (!prot || !size || ((size | iova | l1_addr) & ~PAGE_MASK))
		return -EINVAL;
	if (iova + size - 1 < iova || l1_addr + size - 1 < l1_addr)
		return -EINVAL;
	if (vfio_find_dma(c, iova, size))
		return -EEXIST;
	if (c->ndmas >= VFIO_DMA_ENTRY_LIMIT)
		return -ENOSPC;
	/* The VMM's memory: pin_user_pages of a hole fails with -EFAULT. */
	for (off = 0; off < size; off += PAGE_SIZE)
		if (!lk_phys_is_ram(l1_addr + off))
			return -EFAULT;

	dma = kzalloc(sizeof(*dma), GFP_KERNEL);
	if (!dma)
		return -ENOMEM;
	dma->iova = iova;
	dma->size = size;
	dma->l1_addr = l1_addr;
	dma->prot = prot;
	list_for_each_entry(pos, &c->dmas, node)
		if (pos->iova > iova)
			break;
	list_add_tail(&dma->node, &pos->node);
	c->ndmas++;
	return 0;
}

/*
 * type1's unmap of one mapping: if anything in it is pinned, every device
 * of the container is told (dma_unmap) and must unpin.  Linux retries and
 * finally BUG()s if pins remain; here they are counted and dropped.
 */
static void vfio_remove_dma(struct lk_vfio_container *c, struct lk_dma *dma)
{
	u64 last = dma->iova + dma->size - 1;
	struct lk_vfio *v, *vn;
	bool pinned = false;

	list_for_each_entry(v, &c->devs, c_node) {
		unsigned long idx = dma->iova >> PAGE_SHIFT;

		pinned |= !!xa_find(&v->pins, &idx, last >> PAGE_SHIFT,
				    XA_PRESENT);
	}
	if (pinned)
		list_for_each_entry_safe(v, vn, &c->devs, c_node)
			v->vdev->ops->dma_unmap(v->vdev, dma->iova, dma->size);
	list_for_each_entry(v, &c->devs, c_node)
		vfio_check_leaks(v, dma->iova, last, "dma_unmap");
	list_del(&dma->node);
	c->ndmas--;
	kfree(dma);
}

int lk_vfio_unmap_dma(struct lk_vfio_container *c, u64 iova, u64 size)
{
	struct lk_dma *dma, *next;
	u64 last = iova + size - 1;

	if (!c || (iova & ~PAGE_MASK) || !size || (size & ~PAGE_MASK) ||
	    last < iova)
		return -EINVAL;
	/* v2: the range may not split a mapping. */
	dma = vfio_find_dma(c, iova, 1);
	if (dma && dma->iova != iova)
		return -EINVAL;
	dma = vfio_find_dma(c, last, 1);
	if (dma && dma->iova + dma->size - 1 != last)
		return -EINVAL;

	list_for_each_entry_safe(dma, next, &c->dmas, node)
		if (dma->iova >= iova && dma->iova <= last)
			vfio_remove_dma(c, dma);
	return 0;
}

/* ---- the user side: device fds ---------------------------------------- */

struct lk_vfio_fd *lk_vfio_open(struct lk_vfio_container *c,
				const char *name, int *err)
{
	struct lk_vfio_fd *fd;
	struct vfio_device *vdev;
	struct lk_vfio *v;
	int ret, dummy;

	if (!err)
		err = &dummy;
	*err = -EINVAL;
	if (!c || !name)
		return NULL;
	v = vfio_find_registered(name);
	*err = -ENODEV;
	if (!v)
		return NULL;
	/* The group is in one container at a time. */
	*err = -EBUSY;
	if (v->c && v->c != c)
		return NULL;
	*err = -ENOMEM;
	fd = kzalloc(sizeof(*fd), GFP_KERNEL);
	if (!fd)
		return NULL;
	INIT_LIST_HEAD(&fd->vmas);

	vdev = v->vdev;
	if (!vdev->open_count++) {
		v->c = c;
		list_add_tail(&v->c_node, &c->devs);
		ret = vdev->ops->open_device ? vdev->ops->open_device(vdev) : 0;
		if (ret) {
			vfio_unbind(v, "a failed open_device");
			vdev->open_count--;
			kfree(fd);
			*err = ret;
			return NULL;
		}
	}
	fd->c = c;
	fd->v = v;
	list_add_tail(&fd->c_node, &c->fds);
	list_add_tail(&fd->v_node, &v->fds);
	*err = 0;
	return fd;
}

void lk_vfio_close(struct lk_vfio_fd *fd)
{
	if (!fd || fd->closed)
		return;
	vfio_fd_release(fd);
	list_del(&fd->c_node);
	fd->closed = true;
	if (!fd->busy)
		kfree(fd);
}

void lk_vfio_container_destroy(struct lk_vfio_container *c)
{
	if (!c)
		return;
	while (!list_empty(&c->fds))
		lk_vfio_close(list_first_entry(&c->fds, struct lk_vfio_fd,
					       c_node));
	while (!list_empty(&c->dmas))
		vfio_remove_dma(c, list_first_entry(&c->dmas, struct lk_dma,
						    node));
	list_del(&c->node);
	kfree(c);
}

/*
 * A trapped access: the exit to the VMM costs trap_ns first.  The fd may
 * be closed by an event that runs meanwhile (a request callback), so its
 * free waits for the call to end.
 */
static struct vfio_device *vfio_trap_enter(struct lk_vfio_fd *fd)
{
	fd->busy++;
	lk_st.traps++;
	lk_sleep_ns(lk_cfg.trap_ns ? lk_cfg.trap_ns : LK_DEFAULT_TRAP_NS);
	return fd->v ? fd->v->vdev : NULL;
}

static long vfio_trap_exit(struct lk_vfio_fd *fd, long ret)
{
	if (!--fd->busy && fd->closed)
		kfree(fd);
	return ret;
}

static ssize_t vfio_rw(struct lk_vfio_fd *fd, void *buf, size_t n, u64 off,
		       bool write)
{
	const struct vfio_device_ops *ops;
	struct vfio_device *vdev;
	loff_t pos = (loff_t)off;
	ssize_t ret;

	if (!fd || fd->closed)
		return -EBADF;
	vdev = vfio_trap_enter(fd);
	ops = vdev ? vdev->ops : NULL;
	if (!vdev)
		ret = -ENODEV;
	else if (pos < 0 || (write ? !ops->write : !ops->read))
		ret = -EINVAL;
	else if (write)
		ret = ops->write(vdev, buf, n, &pos);
	else
		ret = ops->read(vdev, buf, n, &pos);
	return vfio_trap_exit(fd, ret);
}

ssize_t lk_vfio_pread(struct lk_vfio_fd *fd, void *buf, size_t n, u64 off)
{
	return vfio_rw(fd, buf, n, off, false);
}

ssize_t lk_vfio_pwrite(struct lk_vfio_fd *fd, const void *buf, size_t n,
		       u64 off)
{
	return vfio_rw(fd, (void *)buf, n, off, true);
}

long lk_vfio_ioctl(struct lk_vfio_fd *fd, unsigned int cmd, void *arg)
{
	struct vfio_device *vdev;
	long ret;

	if (!fd || fd->closed)
		return -EBADF;
	vdev = vfio_trap_enter(fd);
	if (!vdev)
		ret = -ENODEV;
	else if (!vdev->ops->ioctl)
		ret = -EINVAL;
	else
		ret = vdev->ops->ioctl(vdev, cmd, (unsigned long)arg);
	return vfio_trap_exit(fd, ret);
}

void lk_vfio_set_request(struct lk_vfio_fd *fd, void (*fn)(void *ctx),
			 void *ctx)
{
	if (!fd || fd->closed)
		return;
	fd->req_fn = fn;
	fd->req_ctx = ctx;
}

/* ---- mmap --------------------------------------------------------------- */

struct vm_area_struct *lk_vfio_mmap(struct lk_vfio_fd *fd, u64 off, u64 len,
				    int *err)
{
	struct vfio_device *vdev;
	struct lk_vma *m;
	int ret, dummy;

	if (!err)
		err = &dummy;
	*err = -EBADF;
	if (!fd || fd->closed)
		return NULL;
	*err = -ENODEV;
	if (!fd->v)
		return NULL;
	vdev = fd->v->vdev;
	/* mmap(2): page-aligned offset, length rounded up to pages. */
	*err = -EINVAL;
	if (!len || (off & ~PAGE_MASK) || len > U64_MAX - PAGE_SIZE ||
	    !vdev->ops->mmap)
		return NULL;
	len = ALIGN(len, (u64)PAGE_SIZE);
	*err = -EOVERFLOW;
	if ((off >> PAGE_SHIFT) + (len >> PAGE_SHIFT) < (off >> PAGE_SHIFT))
		return NULL;
	*err = -ENOMEM;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return NULL;
	m->vma.vm_start = vfio_next_va;
	m->vma.vm_end = vfio_next_va + len;
	m->vma.vm_pgoff = off >> PAGE_SHIFT;
	m->vma.vm_flags = VM_SHARED | VM_READ | VM_WRITE;
	vfio_next_va += len + PAGE_SIZE;	/* a guard page between */

	ret = vdev->ops->mmap(vdev, &m->vma);
	/* Only io_remap_pfn_range mappings exist here (no fault handlers). */
	if (!ret && !m->vma.lk_mapped) {
		dev_err(vdev->dev, "vfio: mmap left the vma unmapped\n");
		ret = -EINVAL;
	}
	if (ret) {
		kfree(m);
		*err = ret;
		return NULL;
	}
	m->fd = fd;
	list_add_tail(&m->node, &fd->vmas);
	*err = 0;
	return &m->vma;
}

void lk_munmap(struct vm_area_struct *vma)
{
	struct lk_vma *m;

	if (!vma)
		return;
	m = container_of(vma, struct lk_vma, vma);
	if (m->fd)
		list_del(&m->node);
	kfree(m);
}

int lk_vma_write(struct vm_area_struct *vma, u64 off, const void *data,
		 unsigned int len)
{
	u64 size;

	if (!vma || !data || !vma->lk_mapped || !len)
		return -EFAULT;
	size = vma->vm_end - vma->vm_start;
	if (off >= size || len > size - off)
		return -EFAULT;
	return lk_iomem_store(((phys_addr_t)vma->lk_pfn << PAGE_SHIFT) + off,
			      data, len);
}

/* ---- init / fini ----------------------------------------------------- */

int lk_vfio_init(void)
{
	INIT_LIST_HEAD(&vfio_devs);
	INIT_LIST_HEAD(&vfio_containers);
	memset(vfio_by_name, 0, sizeof(vfio_by_name));
	vfio_next_va = LK_VFIO_VA_BASE;
	return 0;
}

/*
 * What is left: devices the (unloaded) driver did not put, with their
 * pins, and containers the VMM did not destroy.  Freed without calling
 * into the driver; a device's memory is the slab sweep's (counted there).
 */
void lk_vfio_fini(void)
{
	struct lk_vfio_container *c, *cn;
	struct lk_vfio_fd *fd, *fdn;
	struct lk_dma *dma, *dn;
	struct lk_vfio *v;
	struct lk_vma *m;

	list_for_each_entry(v, &vfio_devs, node) {
		lk_st.leaks += vfio_drop_pins(v, 0, U64_MAX);
		xa_destroy(&v->pins);
	}
	list_for_each_entry_safe(c, cn, &vfio_containers, node) {
		lk_st.leaks++;
		list_for_each_entry_safe(fd, fdn, &c->fds, c_node) {
			list_for_each_entry(m, &fd->vmas, node) {
				m->vma.lk_mapped = false;
				m->fd = NULL;
			}
			kfree(fd);
		}
		list_for_each_entry_safe(dma, dn, &c->dmas, node)
			kfree(dma);
		kfree(c);
	}
	INIT_LIST_HEAD(&vfio_containers);
	INIT_LIST_HEAD(&vfio_devs);
	memset(vfio_by_name, 0, sizeof(vfio_by_name));
}
