// SPDX-License-Identifier: GPL-2.0
/*
 * An L2 VM (QEMU in L1 with its VFIO container) and the L2 guest's driver
 * for a nested mdev, see l2.h.  The driver programs the one-WQ device of
 * docs/siov.md through trapped config and BAR0 accesses; only portal
 * stores go straight to the PF.  An L2 VM is a process of its L1: once L1
 * is gone (crash, host VM destroy, shutdown) nothing here calls into the
 * L1 kernel again.
 */
#include <stdlib.h>
#include <string.h>

/* The VFIO uapi as QEMU compiles it, not the L1 kernel's API behind it. */
#define _LK_LINUX_H
#include <linux/vfio.h>
#undef _LK_LINUX_H
#include <linux/pci_regs.h>

#include "l2.h"

#define L2_WAIT_EVENTS	4000000ULL	/* one wait for the device */
#define L2_IRQ_EVENTS	100000ULL	/* an interrupt after its record */
#define L2_MAX_RETRIES	10000		/* portal refusals in a row */
#define L2_POLL_READS	1000		/* WQ_STS reads for a state change */
#define L2_PAGE		SIM_PAGE_SIZE

static bool l2_up(const struct l2_vm *vm)
{
	return vm->m->up;
}

/* ---- memory ---------------------------------------------------------- */

static int l2_rw(struct l2_vm *vm, u64 gpa, void *buf, u64 len, bool write)
{
	if (!len || gpa >= vm->ram_bytes || len > vm->ram_bytes - gpa)
		return -EFAULT;
	return write ? l1_write(vm->m, vm->ram_l1 + gpa, buf, len) :
		       l1_read(vm->m, vm->ram_l1 + gpa, buf, len);
}

int l2_write(struct l2_vm *vm, u64 gpa, const void *buf, u64 len)
{
	return l2_rw(vm, gpa, (void *)buf, len, true);
}

int l2_read(struct l2_vm *vm, u64 gpa, void *buf, u64 len)
{
	return l2_rw(vm, gpa, buf, len, false);
}

u64 l2_alloc(struct l2_vm *vm, u64 bytes)
{
	u64 gpa = vm->next;

	bytes = (bytes + L2_PAGE - 1) & ~(L2_PAGE - 1);
	if (!bytes || gpa > vm->ram_bytes || bytes > vm->ram_bytes - gpa)
		return 0;
	vm->next += bytes;
	return gpa;
}

/*
 * Page by page: the pattern of @seed (fill: written; check: compared),
 * or with @other the bytes at @other (compared).
 */
static bool l2_walk(struct l2_vm *vm, u64 gpa, u64 len, u8 seed, bool fill,
		    const u64 *other)
{
	u8 b[L2_PAGE], want[L2_PAGE];

	for (u64 off = 0; off < len; off += L2_PAGE) {
		u64 n = len - off < L2_PAGE ? len - off : L2_PAGE;

		for (u64 i = 0; !other && i < n; i++)
			want[i] = (u8)(seed + (off + i) * 7 + ((off + i) >> 8));
		if (fill ? l2_write(vm, gpa + off, want, n) :
		    l2_read(vm, gpa + off, b, n) ||
		    (other && l2_read(vm, *other + off, want, n)) ||
		    memcmp(b, want, n))
			return false;
	}
	return true;
}

int l2_fill(struct l2_vm *vm, u64 gpa, u64 len, u8 seed)
{
	return l2_walk(vm, gpa, len, seed, true, NULL) ? 0 : -EFAULT;
}

bool l2_check(struct l2_vm *vm, u64 gpa, u64 len, u8 seed)
{
	return l2_walk(vm, gpa, len, seed, false, NULL);
}

/* ---- the VM ------------------------------------------------------------ */

struct l2_vm *l2_vm_create(struct l1 *m, const char *name, u64 ram_bytes)
{
	struct l2_vm *vm = m->up ? calloc(1, sizeof(*vm)) : NULL;

	if (!vm)
		return NULL;
	vm->m = m;
	snprintf(vm->name, sizeof(vm->name), "%s", name ? name : "l2");
	vm->ram_bytes = (ram_bytes + L2_PAGE - 1) & ~(L2_PAGE - 1);
	vm->ram_l1 = l1_alloc_l2_ram(m, vm->ram_bytes);
	vm->next = L2_PAGE;		/* GPA 0 is never handed out */
	vm->c = vm->ram_l1 ? lk_vfio_container_create() : NULL;
	if (vm->c && !lk_vfio_map_dma(vm->c, 0, vm->ram_l1, vm->ram_bytes,
				      VFIO_DMA_MAP_FLAG_READ |
				      VFIO_DMA_MAP_FLAG_WRITE))
		return vm;
	lk_vfio_container_destroy(vm->c);
	free(vm);
	return NULL;
}

void l2_vm_destroy(struct l2_vm *vm)
{
	if (!vm)
		return;
	while (vm->ndevs)
		l2_dev_detach(vm->devs[vm->ndevs - 1]);
	if (l2_up(vm)) {
		lk_vfio_unmap_dma(vm->c, 0, vm->ram_bytes);
		lk_vfio_container_destroy(vm->c);
	}
	free(vm);
}

/* ---- the device, as the L2 driver reaches it ------------------------------- */

static int dev_rw(struct l2_dev *d, u64 off, void *buf, u32 len, bool write)
{
	ssize_t n = write ? lk_vfio_pwrite(d->fd, buf, len, off) :
			    lk_vfio_pread(d->fd, buf, len, off);

	return n == len ? 0 : n < 0 ? (int)n : -EIO;
}

static u64 bar0_read(struct l2_dev *d, u32 reg)
{
	u64 v;

	return dev_rw(d, d->bar0_off + reg, &v, 8, false) ? ~0ULL : v;
}

static int bar0_write(struct l2_dev *d, u32 reg, u64 v, u32 len)
{
	return dev_rw(d, d->bar0_off + reg, &v, len, true);
}

static u16 cfg_read16(struct l2_dev *d, u32 off)
{
	u16 v;

	return dev_rw(d, d->cfg_off + off, &v, 2, false) ? 0xffff : v;
}

static int cfg_write16(struct l2_dev *d, u32 off, u16 v)
{
	return dev_rw(d, d->cfg_off + off, &v, 2, true);
}

static void l2_irq(void *ctx)
{
	((struct l2_dev *)ctx)->st.irqs++;
}

/* The device fd goes: mapping, fd, eventfds (the kernel's refs or ours). */
static void dev_close(void *ctx)
{
	struct l2_dev *d = ctx;

	if (d->closed)
		return;
	d->closed = true;
	if (!l2_up(d->vm))
		return;
	if (d->portal)
		lk_munmap(d->portal);
	d->portal = NULL;
	lk_vfio_close(d->fd);
	d->fd = NULL;
	for (int i = 0; i < 2; i++)
		if (d->efd[i] >= 0)
			lk_eventfd_close(d->efd[i]);
}

static int get_region(struct l2_dev *d, u32 index, u64 *off, u32 *flags)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri), .index = index };
	int ret = (int)lk_vfio_ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &ri);

	*off = ri.offset;
	*flags = ri.flags;
	return ret ? ret : ri.size ? 0 : -ENODEV;
}

/* MSI-X vector n -> eventfd n (@nvec 0: none), and the enable bit. */
static int set_msix(struct l2_dev *d, u32 nvec)
{
	u8 buf[sizeof(struct vfio_irq_set) + 2 * sizeof(s32)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;
	u32 pos = cfg_read16(d, PCI_CAPABILITY_LIST) & 0xfc;

	*set = (struct vfio_irq_set){
		.argsz = sizeof(buf), .index = VFIO_PCI_MSIX_IRQ_INDEX,
		.flags = VFIO_IRQ_SET_ACTION_TRIGGER |
			 (nvec ? VFIO_IRQ_SET_DATA_EVENTFD :
				 VFIO_IRQ_SET_DATA_NONE),
		.count = nvec,
	};
	memcpy(set->data, d->efd, sizeof(d->efd));
	if (lk_vfio_ioctl(d->fd, VFIO_DEVICE_SET_IRQS, set))
		return -EIO;
	for (int n = 0; pos && n < 48; n++) {
		u16 hdr = cfg_read16(d, pos), ctl;

		if ((hdr & 0xff) == PCI_CAP_ID_MSIX) {
			ctl = cfg_read16(d, pos + PCI_MSIX_FLAGS);
			return cfg_write16(d, pos + PCI_MSIX_FLAGS,
					   nvec ? ctl | PCI_MSIX_FLAGS_ENABLE :
						  ctl & ~PCI_MSIX_FLAGS_ENABLE);
		}
		pos = (hdr >> 8) & 0xfc;
	}
	return -ENODEV;
}

/* WQ 0: size, BOF if asked, no PASID, MSI-X vector 1; enable, poll. */
static int setup_wq(struct l2_dev *d, bool bof)
{
	u64 sts = 0;
	int ret;

	ret = bar0_write(d, siov_wqcfg_offset(0, SIOV_WQ_CFG0),
			 FIELD_PREP(SIOV_WQ_CFG0_SIZE, (u64)d->wq_size) |
			 (bof ? SIOV_WQ_CFG0_BOF_EN : 0), 8);
	ret = ret ?: bar0_write(d, siov_wqcfg_offset(0, SIOV_WQ_CFG1),
				FIELD_PREP(SIOV_WQ_CFG1_INT_HANDLE, 1ULL), 8);
	ret = ret ?: bar0_write(d, siov_wqcfg_offset(0, SIOV_WQ_CTL),
				SIOV_WQ_CTL_ENABLE, 8);
	for (int i = 0; !ret && i < L2_POLL_READS; i++) {
		sts = bar0_read(d, siov_wqcfg_offset(0, SIOV_WQ_STS));
		if (FIELD_GET(SIOV_WQ_STS_STATE, sts) != SIOV_WQ_DISABLED)
			break;
	}
	if (!ret && FIELD_GET(SIOV_WQ_STS_STATE, sts) != SIOV_WQ_ENABLED)
		ret = -EIO;
	d->bof = bof && !ret;
	return ret;
}

static int dev_probe(struct l2_dev *d, bool bof)
{
	struct vfio_device_info di = { .argsz = sizeof(di) };
	u32 flags = 0, id = 0;
	u64 gencap, wqcap;
	int ret;

	ret = (int)lk_vfio_ioctl(d->fd, VFIO_DEVICE_GET_INFO, &di);
	if (ret || !(di.flags & VFIO_DEVICE_FLAGS_PCI) ||
	    di.num_regions <= VFIO_PCI_BAR2_REGION_INDEX ||
	    di.num_irqs <= VFIO_PCI_MSIX_IRQ_INDEX)
		return ret ? ret : -ENODEV;
	ret = get_region(d, VFIO_PCI_CONFIG_REGION_INDEX, &d->cfg_off, &flags);
	ret = ret ?: get_region(d, VFIO_PCI_BAR0_REGION_INDEX, &d->bar0_off,
				&flags);
	ret = ret ?: get_region(d, VFIO_PCI_BAR2_REGION_INDEX, &d->bar2_off,
				&flags);
	/* The guest's PCI core: identity, memory space and bus master. */
	ret = ret ?: dev_rw(d, d->cfg_off + PCI_VENDOR_ID, &id, 4, false);
	if (ret || id != (SIOV_PCI_DEVICE_ID << 16 | SIOV_PCI_VENDOR_ID))
		return ret ? ret : -ENODEV;
	ret = cfg_write16(d, PCI_COMMAND, cfg_read16(d, PCI_COMMAND) |
			  PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	for (int i = 0; !ret && i < 2; i++) {
		d->efd[i] = lk_eventfd_create();
		if (d->efd[i] < 0)
			return d->efd[i];
		lk_eventfd_set_notify(d->efd[i], l2_irq, d);
	}
	ret = ret ?: set_msix(d, 2);
	if (ret)
		return ret;

	/* The driver: version, capabilities, device enable, WQ 0. */
	gencap = bar0_read(d, SIOV_REG_GENCAP);
	wqcap = bar0_read(d, SIOV_REG_WQCAP);
	d->wq_size = FIELD_GET(SIOV_WQCAP_MAX_SIZE, wqcap);
	if ((bar0_read(d, SIOV_REG_VERSION) & 0xff00) !=
	    (SIOV_VERSION & 0xff00) || !FIELD_GET(SIOV_WQCAP_NR_WQS, wqcap) ||
	    !d->wq_size || !(wqcap & SIOV_WQCAP_DEDICATED) ||
	    FIELD_GET(SIOV_GENCAP_NR_MSIX, gencap) < 2)
		return -ENODEV;
	ret = bar0_write(d, SIOV_REG_GENCTRL, SIOV_GENCTRL_ENABLE, 4);
	if (!ret && !(bar0_read(d, SIOV_REG_GENSTS) & SIOV_GENSTS_ENABLED))
		ret = -EIO;
	/* Block on fault only where the device offers it, as idxd does. */
	ret = ret ?: setup_wq(d, bof && (gencap & SIOV_GENCAP_BOF));
	if (ret || !(flags & VFIO_REGION_INFO_FLAG_MMAP))
		return ret;	/* without MMAP the portal is trapped */
	d->portal = lk_vfio_mmap(d->fd, d->bar2_off, SIOV_PORTAL_SIZE, &ret);
	return d->portal ? 0 : ret ? ret : -ENOMEM;
}

int l2_dev_attach(struct l2_vm *vm, const char *uuid, bool bof,
		  struct l2_dev **out)
{
	struct l2_dev *d;
	int ret = -ENODEV;

	*out = NULL;
	if (!l2_up(vm) || vm->ndevs == L2_MAX_DEVS)
		return l2_up(vm) ? -ENOSPC : -ENODEV;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->vm = vm;
	d->efd[0] = d->efd[1] = -1;
	snprintf(d->uuid, sizeof(d->uuid), "%s", uuid);
	d->fd = lk_vfio_open(vm->c, uuid, &ret);
	if (!d->fd) {
		free(d);
		return ret ? ret : -ENODEV;
	}
	vm->devs[vm->ndevs++] = d;
	/* The kernel wants the device back (mdev remove): QEMU unplugs it. */
	lk_vfio_set_request(d->fd, dev_close, d);
	ret = dev_probe(d, bof);
	if (ret)
		l2_dev_detach(d);
	else
		*out = d;
	return ret;
}

void l2_dev_detach(struct l2_dev *d)
{
	struct l2_vm *vm = d->vm;

	/* The driver's remove: WQ and device off, vectors released. */
	if (!d->closed && l2_up(vm)) {
		bar0_write(d, siov_wqcfg_offset(0, SIOV_WQ_CTL), 0, 8);
		bar0_write(d, SIOV_REG_GENCTRL, 0, 4);
		set_msix(d, 0);
	}
	dev_close(d);
	for (u32 i = 0; i < vm->ndevs; i++)
		if (vm->devs[i] == d)
			vm->devs[i] = vm->devs[--vm->ndevs];
	free(d);
}

/* ---- descriptors ---------------------------------------------------------------- */

int l2_submit(struct l2_dev *d, const struct siov_desc *desc)
{
	if (d->closed || !l2_up(d->vm))
		return -ENODEV;
	if (d->portal)
		return lk_vma_write(d->portal, 0, desc, SIOV_DESC_SIZE);
	return dev_rw(d, d->bar2_off, (void *)desc, SIOV_DESC_SIZE, true);
}

struct pf_progress {
	const struct siov_pf_stats *st;
	u64 done;
};

static bool pf_progressed(void *ctx)
{
	struct pf_progress *p = ctx;

	return p->st->descs_completed != p->done;
}

/* WQ full: the machine runs until the PF has completed something. */
static void run_until_progress(struct l2_dev *d)
{
	struct l1 *m = d->vm->m;
	const struct siov_pf_stats *st = siov_pf_stats(m->p.pf);
	struct pf_progress p = { st, st->descs_completed };

	hostdrv_run_until(m->p.hd, pf_progressed, &p, L2_WAIT_EVENTS);
}

/* A MEMMOVE with its record zeroed first; WQ full: run and retry. */
static int submit_memmove(struct l2_dev *d, u64 src, u64 dst, u32 len,
			  u64 cr, bool retry)
{
	struct siov_cr zero = { { 0 } };
	struct siov_desc desc;
	int ret = l2_write(d->vm, cr, &zero, sizeof(zero));

	siov_desc_init(&desc, SIOV_OP_MEMMOVE,
		       SIOV_F_CRAV | SIOV_F_RCR | SIOV_F_RCI |
		       (d->bof ? SIOV_F_BOF : 0));
	siov_desc_set_cr_addr(&desc, cr);
	siov_desc_set_src(&desc, src);
	siov_desc_set_dst(&desc, dst);
	siov_desc_set_xfer_size(&desc, len);
	for (u32 i = 0; !ret; i++) {
		ret = l2_submit(d, &desc);
		if (ret != -EBUSY || !retry || i == L2_MAX_RETRIES)
			return ret;
		d->st.retries++;
		run_until_progress(d);
		ret = 0;
	}
	return ret;
}

static u8 cr_status(struct l2_dev *d, u64 cr)
{
	struct siov_cr rec = { { 0 } };

	l2_read(d->vm, cr, &rec, sizeof(rec));
	return siov_cr_status(&rec);
}

struct cr_wait {
	struct l2_dev *d;
	u64 cr;
	const u64 *irqs;	/* NULL: the record alone */
};

static bool cr_written(void *ctx)
{
	struct cr_wait *w = ctx;

	return w->d->closed || cr_status(w->d, w->cr);
}

static bool irq_seen(void *ctx)
{
	struct cr_wait *w = ctx;

	return w->d->closed || w->d->st.irqs > *w->irqs;
}

/*
 * Runs the machine until the record at @cr is written, then (@irqs) for
 * the completion interrupt that follows it, not as long: a lost one is
 * for the caller to see in st.irqs.  The status or -errno.
 */
static int wait_cr(struct l2_dev *d, u64 cr, const u64 *irqs)
{
	struct hostdrv *hd = d->vm->m->p.hd;
	struct cr_wait w = { d, cr, irqs };

	if (!hostdrv_run_until(hd, cr_written, &w, L2_WAIT_EVENTS))
		return -ETIMEDOUT;
	if (irqs && !d->closed)
		hostdrv_run_until(hd, irq_seen, &w, L2_IRQ_EVENTS);
	return d->closed ? -ENODEV : cr_status(d, cr);
}

static void account(struct l2_dev *d, int status, u32 len)
{
	if (status != SIOV_CS_SUCCESS) {
		d->st.errors++;
		return;
	}
	d->st.ops++;
	d->st.bytes += len;
}

int l2_memmove(struct l2_dev *d, u64 src, u64 dst, u32 len, u64 cr)
{
	u64 irqs = d->st.irqs;
	int ret;

	if (cr & (SIOV_CR_SIZE - 1))
		return -EINVAL;
	ret = submit_memmove(d, src, dst, len, cr, true) ?:
	      wait_cr(d, cr, &irqs);
	if (ret > 0)
		account(d, ret, len);
	return ret;
}

long l2_stream(struct l2_dev *d, u64 src, u64 dst, u32 len, u32 n, u64 *ns)
{
	return l2_stream_span(d, src, dst, len, len, n, ns);
}

long l2_stream_span(struct l2_dev *d, u64 src, u64 dst, u32 len, u64 span,
		    u32 n, u64 *ns)
{
	u32 depth = d->wq_size, head = 0, tail = 0, stuck = 0;
	struct sim *s = &d->vm->m->p.s;
	u64 t0 = s->now;
	long ok = 0;
	int ret = 0;

	if (!d->cr_ring && depth)
		d->cr_ring = l2_alloc(d->vm, (u64)depth * SIOV_CR_SIZE);
	if (!d->cr_ring)
		return -ENOMEM;
#define L2_CR(i)	(d->cr_ring + ((i) % depth) * SIOV_CR_SIZE)
	while (head < n && !ret) {
		/* Keep the WQ full; a refusal means: run, then go on. */
		while (tail < n && tail - head < depth && !ret) {
			u64 off = span > len ? (u64)tail * len % span : 0;

			ret = submit_memmove(d, src + off, dst + off, len,
					     L2_CR(tail), false);
			tail += !ret;
		}
		if (ret == -EBUSY) {
			d->st.retries++;
			ret = ++stuck > L2_MAX_RETRIES ? -EBUSY : 0;
		}
		if (!ret && tail == head) {
			run_until_progress(d);
			continue;
		}
		stuck = 0;
		/* The oldest first, then whatever completed behind it. */
		if (!ret && (ret = wait_cr(d, L2_CR(head), NULL)) > 0)
			ret = 0;
		for (int st; !ret && head < tail &&
		     (st = cr_status(d, L2_CR(head))); head++) {
			account(d, st, len);
			ok += st == SIOV_CS_SUCCESS;
		}
	}
#undef L2_CR
	if (ns)
		*ns = s->now - t0;
	if (!ret && ok && !l2_walk(d->vm, dst,
				   (u64)n * len < span ? (u64)n * len : span,
				   0, false, &src))
		ret = -EIO;
	return ret ? ret : ok;
}
