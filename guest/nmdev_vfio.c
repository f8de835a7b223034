// SPDX-License-Identifier: GPL-2.0
/*
 * nmdev: the nested mdev as a VFIO device for L2.
 *
 * L2 sees a one-WQ instance of the PF (docs/siov.md, docs/l1-guide.md):
 * config space and BAR0 are emulated here, BAR0's WQ 0 stands for the real
 * WQ.  In PASID mode BAR2 is the real WQ's 4 KiB portal mapped straight
 * into L2 (the data path never traps), and the real WQ is only ever
 * enabled with PASID_EN and the mdev's PASID, whatever L2 writes.  In
 * software mode BAR2 cannot be mapped: its writes trap into
 * nmdev_sw_portal_rw(), and the WQ runs without PASID.
 */
#include <linux/eventfd.h>
#include <linux/interrupt.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>
#include <linux/vfio.h>

#include "nmdev.h"

static_assert(SIOV_PORTAL_SIZE == PAGE_SIZE);

/* OFFSETS register of the L2 view: WQCFG at 31:16, no IMS (63:48 = 0). */
#define NMDEV_OFFSETS_WQCFG	GENMASK_ULL(31, 16)

/* ------------------------------------------------------------------ */
/* Config space                                                       */
/* ------------------------------------------------------------------ */

/* Writable bits per config byte; BARs are handled apart. */
static const u8 nmdev_cfg_wmask[NMDEV_L2_CFG_SIZE] = {
	[PCI_COMMAND] = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER,
	[PCI_COMMAND + 1] = PCI_COMMAND_INTX_DISABLE >> 8,
	[PCI_INTERRUPT_LINE] = 0xff,
	[NMDEV_L2_CFG_MSIX + PCI_MSIX_FLAGS + 1] =
		(PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL) >> 8,
};

static void nmdev_cfg_init(struct nmdev_mdev *nm)
{
	u8 *c = nm->cfg;

	memset(c, 0, sizeof(nm->cfg));
	put_unaligned_le16(SIOV_PCI_VENDOR_ID, c + PCI_VENDOR_ID);
	put_unaligned_le16(SIOV_PCI_DEVICE_ID, c + PCI_DEVICE_ID);
	put_unaligned_le16(PCI_STATUS_CAP_LIST, c + PCI_STATUS);
	put_unaligned_le32(SIOV_PCI_CLASS << 8 | SIOV_PCI_REVISION,
			   c + PCI_CLASS_REVISION);
	c[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	put_unaligned_le32(PCI_BASE_ADDRESS_MEM_TYPE_64, c + PCI_BASE_ADDRESS_0);
	put_unaligned_le32(PCI_BASE_ADDRESS_MEM_TYPE_64, c + PCI_BASE_ADDRESS_2);
	put_unaligned_le16(SIOV_PCI_SUBSYS_VENDOR, c + PCI_SUBSYSTEM_VENDOR_ID);
	put_unaligned_le16(NMDEV_L2_SUBSYS_ID, c + PCI_SUBSYSTEM_ID);
	c[PCI_CAPABILITY_LIST] = NMDEV_L2_CFG_MSIX;

	c[NMDEV_L2_CFG_MSIX + PCI_CAP_LIST_ID] = PCI_CAP_ID_MSIX;
	put_unaligned_le16(NMDEV_L2_NR_MSIX - 1,
			   c + NMDEV_L2_CFG_MSIX + PCI_MSIX_FLAGS);
	put_unaligned_le32(SIOV_REG_MSIX_TABLE | SIOV_BAR0,
			   c + NMDEV_L2_CFG_MSIX + PCI_MSIX_TABLE);
	put_unaligned_le32(SIOV_REG_MSIX_PBA | SIOV_BAR0,
			   c + NMDEV_L2_CFG_MSIX + PCI_MSIX_PBA);
}

/* 64-bit memory BARs: the low dword keeps its type bits, sizing works. */
static void nmdev_cfg_write_bar(struct nmdev_mdev *nm, u32 off, u32 val)
{
	u64 size;

	switch (off) {
	case PCI_BASE_ADDRESS_0:
		size = NMDEV_L2_BAR0_SIZE;
		break;
	case PCI_BASE_ADDRESS_2:
		size = NMDEV_L2_BAR2_SIZE;
		break;
	case PCI_BASE_ADDRESS_1:
	case PCI_BASE_ADDRESS_3:
		/* Upper halves: sizes are below 4 GiB, every bit is RW. */
		put_unaligned_le32(val, nm->cfg + off);
		return;
	default:
		return;		/* BAR4/5 not implemented */
	}
	val &= ~(u32)(size - 1) & PCI_BASE_ADDRESS_MEM_MASK;
	put_unaligned_le32(val | PCI_BASE_ADDRESS_MEM_TYPE_64, nm->cfg + off);
}

static void nmdev_cfg_write(struct nmdev_mdev *nm, u32 off, const u8 *buf,
			    u32 size)
{
	u32 i;

	if (off >= PCI_BASE_ADDRESS_0 && off <= PCI_BASE_ADDRESS_5) {
		if (size == 4)
			nmdev_cfg_write_bar(nm, off, get_unaligned_le32(buf));
		return;
	}
	for (i = 0; i < size; i++) {
		u8 m = nmdev_cfg_wmask[off + i];

		nm->cfg[off + i] = (nm->cfg[off + i] & ~m) | (buf[i] & m);
	}
}

/* ------------------------------------------------------------------ */
/* BAR0: the mediated registers of WQ 0                               */
/* ------------------------------------------------------------------ */

/*
 * Software mode: no BOF (L2 memory is pinned before a descriptor reaches
 * the device, it never faults) and the capped transfer size.
 */
static u64 nmdev_l2_gencap(struct nmdev_pf *pf)
{
	if (nmdev_is_sw(pf))
		return FIELD_PREP(SIOV_GENCAP_MAX_XFER_LG2,
				  nmdev_sw_max_xfer_lg2(pf)) |
		       FIELD_PREP(SIOV_GENCAP_NR_MSIX, NMDEV_L2_NR_MSIX);
	return (pf->gencap & (SIOV_GENCAP_BOF | SIOV_GENCAP_MAX_XFER_LG2)) |
	       FIELD_PREP(SIOV_GENCAP_NR_MSIX, NMDEV_L2_NR_MSIX);
}

static u64 nmdev_l2_wqcap(struct nmdev_pf *pf)
{
	return FIELD_PREP(SIOV_WQCAP_NR_WQS, 1) |
	       FIELD_PREP(SIOV_WQCAP_MAX_SIZE, pf->wq_size) |
	       SIOV_WQCAP_DEDICATED;
}

static u64 nmdev_l2_wq_sts(struct nmdev_mdev *nm)
{
	if (nm->vregs.wq_err)
		return FIELD_PREP(SIOV_WQ_STS_STATE, SIOV_WQ_ERROR) |
		       FIELD_PREP(SIOV_WQ_STS_ERR, nm->vregs.wq_err);
	return nmdev_wq_read(nm->pf, nm->wq, SIOV_WQ_STS);
}

static void nmdev_signal(struct nmdev_mdev *nm, unsigned int vec)
{
	unsigned long flags;

	spin_lock_irqsave(&nm->irq_lock, flags);
	if (vec < NMDEV_L2_NR_MSIX && nm->trigger[vec])
		eventfd_signal(nm->trigger[vec]);
	spin_unlock_irqrestore(&nm->irq_lock, flags);
}

/* The completion interrupt of L2's WQ 0, on the vector L2 chose. */
void nmdev_l2_wq_interrupt(struct nmdev_mdev *nm)
{
	atomic64_inc(&nm->stats.irqs);
	nmdev_signal(nm, FIELD_GET(SIOV_WQ_CFG1_INT_HANDLE,
				   READ_ONCE(nm->vregs.wq_cfg1)));
}

irqreturn_t nmdev_wq_irq(int irq, void *data)
{
	nmdev_l2_wq_interrupt(data);
	return IRQ_HANDLED;
}

/*
 * Reset the real WQ (aborts its work, clears its configuration) and the
 * L2-visible registers.  Caller holds nm->lock.
 */
int nmdev_hw_reset(struct nmdev_mdev *nm)
{
	memset(&nm->vregs, 0, sizeof(nm->vregs));
	return nmdev_pf_cmd(nm->pf, SIOV_CMD_RESET_WQ, nm->wq);
}

/* Refusals the L2 device itself would make (it has no PASID, no IMS). */
static u8 nmdev_l2_wq_check(struct nmdev_mdev *nm, u64 cfg0, u64 cfg1)
{
	u16 cmd = get_unaligned_le16(nm->cfg + PCI_COMMAND);

	if (!(nm->vregs.genctrl & SIOV_GENCTRL_ENABLE))
		return SIOV_WQERR_DEV_DISABLED;
	if (!(cmd & PCI_COMMAND_MASTER))
		return SIOV_WQERR_BME;
	if ((cfg0 & SIOV_WQ_CFG0_RSVD) || (cfg1 & SIOV_WQ_CFG1_RSVD))
		return SIOV_WQERR_RSVD;
	if (cfg0 & SIOV_WQ_CFG0_PASID_EN)
		return SIOV_WQERR_PASID_DISABLED;
	if (cfg0 & SIOV_WQ_CFG0_PRIV)
		return SIOV_WQERR_PRIV_DISABLED;
	/* Software mode never enables IOPF; its pinned pages never fault. */
	if ((cfg0 & SIOV_WQ_CFG0_BOF_EN) &&
	    (!nm->pf->iopf || nmdev_is_sw(nm->pf)))
		return SIOV_WQERR_BOF_NO_PRI;
	if ((cfg0 & SIOV_WQ_CFG0_INT_IMS) ||
	    FIELD_GET(SIOV_WQ_CFG1_INT_HANDLE, cfg1) >= NMDEV_L2_NR_MSIX)
		return SIOV_WQERR_INT_HANDLE;
	return SIOV_WQERR_NONE;
}

static void nmdev_l2_wq_enable(struct nmdev_mdev *nm)
{
	u64 cfg0 = nm->vregs.wq_cfg0;
	u8 err;

	err = nmdev_l2_wq_check(nm, cfg0, nm->vregs.wq_cfg1);
	if (!err) {
		/* Size and mode as L2 asked: the device checks them. */
		u64 real0 = nmdev_wq_cfg0(nm, FIELD_GET(SIOV_WQ_CFG0_SIZE, cfg0),
					  cfg0 & SIOV_WQ_CFG0_BOF_EN) |
			    (cfg0 & SIOV_WQ_CFG0_MODE);

		if (nmdev_wq_enable(nm->pf, nm->wq, real0, nmdev_wq_cfg1(nm),
				    &err) && !err)
			err = SIOV_WQERR_DEV_DISABLED;
	}
	nm->vregs.wq_err = err;
	if (err)
		dev_dbg(&nm->mdev->dev, "L2 WQ enable refused, error %u\n", err);
}

static void nmdev_l2_wq_disable(struct nmdev_mdev *nm)
{
	nm->vregs.wq_err = SIOV_WQERR_NONE;
	nmdev_wq_disable(nm->pf, nm->wq);
}

static bool nmdev_l2_wq_enabled(struct nmdev_mdev *nm)
{
	return FIELD_GET(SIOV_WQ_STS_STATE, nmdev_l2_wq_sts(nm)) !=
	       SIOV_WQ_DISABLED;
}

static void nmdev_l2_cmd(struct nmdev_mdev *nm, u32 val)
{
	u32 op = FIELD_GET(SIOV_CMD_OPERAND, val);
	u8 err = SIOV_CMDERR_NONE;
	int ret = 0;

	if (val & SIOV_CMD_RSVD) {
		err = SIOV_CMDERR_RSVD;
	} else {
		switch (FIELD_GET(SIOV_CMD_CODE, val)) {
		case SIOV_CMD_RESET_DEVICE:
			ret = nmdev_hw_reset(nm);
			break;
		case SIOV_CMD_RESET_WQ:
			if (op) {
				err = SIOV_CMDERR_BAD_WQ;
				break;
			}
			nm->vregs.wq_cfg0 = 0;
			nm->vregs.wq_cfg1 = 0;
			nm->vregs.wq_err = 0;
			ret = nmdev_pf_cmd(nm->pf, SIOV_CMD_RESET_WQ, nm->wq);
			break;
		case SIOV_CMD_DRAIN_WQ:
			if (op) {
				err = SIOV_CMDERR_BAD_WQ;
				break;
			}
			ret = nmdev_pf_cmd(nm->pf, SIOV_CMD_DRAIN_WQ, nm->wq);
			break;
		default:	/* DRAIN_PASID: L2 has no PASIDs */
			err = SIOV_CMDERR_BAD_CODE;
			break;
		}
	}
	if (ret)
		atomic64_inc(&nm->stats.bad_mmio);
	nm->vregs.cmdsts = err;
	if (err)
		return;
	nm->vregs.intcause |= SIOV_INTCAUSE_CMD;
	if (val & SIOV_CMD_INT)
		nmdev_signal(nm, SIOV_MSIX_VEC_ERR);
}

/* One dword of BAR0; 8-byte registers are read as two halves. */
static u32 nmdev_bar0_readl(struct nmdev_mdev *nm, u32 off)
{
	u32 reg = off & ~7u, shift = (off & 4) * 8;
	struct nmdev_pf *pf = nm->pf;
	u64 val;

	switch (reg) {
	case SIOV_REG_VERSION:
		val = SIOV_VERSION;
		break;
	case SIOV_REG_GENCAP:
		val = nmdev_l2_gencap(pf);
		break;
	case SIOV_REG_WQCAP:
		val = nmdev_l2_wqcap(pf);
		break;
	case SIOV_REG_OPCAP:
		val = nmdev_is_sw(pf) ? nmdev_sw_opcap(pf) : pf->opcap;
		break;
	case SIOV_REG_GENCTRL:
		val = nm->vregs.genctrl;
		break;
	case SIOV_REG_GENSTS:
		val = nm->vregs.genctrl & SIOV_GENCTRL_ENABLE ?
		      SIOV_GENSTS_ENABLED : 0;
		break;
	case SIOV_REG_CMDSTS:
		val = nm->vregs.cmdsts;
		break;
	case SIOV_REG_INTCAUSE:
		val = nm->vregs.intcause;
		break;
	case SIOV_REG_OFFSETS:
		val = FIELD_PREP(NMDEV_OFFSETS_WQCFG, SIOV_REG_WQCFG >> 12);
		break;
	case SIOV_REG_WQCFG + SIOV_WQ_CFG0:
		val = nm->vregs.wq_cfg0;
		break;
	case SIOV_REG_WQCFG + SIOV_WQ_CFG1:
		val = nm->vregs.wq_cfg1;
		break;
	case SIOV_REG_WQCFG + SIOV_WQ_CTL:
		val = nmdev_l2_wq_enabled(nm) && !nm->vregs.wq_err ?
		      SIOV_WQ_CTL_ENABLE : 0;
		break;
	case SIOV_REG_WQCFG + SIOV_WQ_STS:
		val = nmdev_l2_wq_sts(nm);
		break;
	default:
		val = 0;	/* holes, error log (empty), MSI-X (QEMU's) */
		break;
	}
	return val >> shift;
}

static void nmdev_merge_half(u64 *reg, u32 off, u32 val)
{
	u32 shift = (off & 4) * 8;

	*reg = (*reg & ~(0xffffffffull << shift)) | ((u64)val << shift);
}

static void nmdev_bar0_writel(struct nmdev_mdev *nm, u32 off, u32 val)
{
	u32 reg = off & ~7u;

	switch (off) {
	case SIOV_REG_GENCTRL:
		nm->vregs.genctrl = val & ~SIOV_GENCTRL_RSVD;
		/* Clearing ENABLE disables every WQ, as on the PF. */
		if (!(val & SIOV_GENCTRL_ENABLE) && nmdev_l2_wq_enabled(nm))
			nmdev_l2_wq_disable(nm);
		return;
	case SIOV_REG_CMD:
		nmdev_l2_cmd(nm, val);
		return;
	case SIOV_REG_INTCAUSE:
		nm->vregs.intcause &= ~val;
		return;
	case SIOV_REG_ERRHEAD:
	case SIOV_REG_ERRSTS:
		return;		/* the L2 error log stays empty */
	case SIOV_REG_WQCFG + SIOV_WQ_CTL:
		if (val & SIOV_WQ_CTL_ENABLE)
			nmdev_l2_wq_enable(nm);
		else
			nmdev_l2_wq_disable(nm);
		return;
	case SIOV_REG_WQCFG + SIOV_WQ_CTL + 4:
		return;
	}

	switch (reg) {
	case SIOV_REG_WQCFG + SIOV_WQ_CFG0:
	case SIOV_REG_WQCFG + SIOV_WQ_CFG1:
		/* RW while disabled, as on the PF. */
		if (nmdev_l2_wq_enabled(nm))
			break;
		nmdev_merge_half(reg == SIOV_REG_WQCFG + SIOV_WQ_CFG0 ?
				 &nm->vregs.wq_cfg0 : &nm->vregs.wq_cfg1,
				 off, val);
		return;
	}
	atomic64_inc(&nm->stats.bad_mmio);
}

/* ------------------------------------------------------------------ */
/* read/write                                                         */
/* ------------------------------------------------------------------ */

static u64 nmdev_region_size(unsigned int index)
{
	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		return NMDEV_L2_CFG_SIZE;
	case VFIO_PCI_BAR0_REGION_INDEX:
		return NMDEV_L2_BAR0_SIZE;
	case VFIO_PCI_BAR2_REGION_INDEX:
		return NMDEV_L2_BAR2_SIZE;
	}
	return 0;
}

/* One naturally aligned access of @size bytes; nm->lock held. */
static int nmdev_access(struct nmdev_mdev *nm, unsigned int index, u32 off,
			u8 *buf, u32 size, bool write)
{
	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		if (write)
			nmdev_cfg_write(nm, off, buf, size);
		else
			memcpy(buf, nm->cfg + off, size);
		return 0;
	case VFIO_PCI_BAR0_REGION_INDEX:
		if (size != 4)
			return -EINVAL;
		if (write)
			nmdev_bar0_writel(nm, off, get_unaligned_le32(buf));
		else
			put_unaligned_le32(nmdev_bar0_readl(nm, off), buf);
		return 0;
	}
	/* PASID mode: BAR2 is the portal, mmap only (MOVDIR64B stores). */
	return -EINVAL;
}

static ssize_t nmdev_rw(struct nmdev_mdev *nm, char __user *ubuf,
			size_t count, loff_t *ppos, bool write)
{
	unsigned int index = NMDEV_OFFSET_TO_INDEX(*ppos);
	u64 off = *ppos & NMDEV_OFFSET_MASK;
	u64 rsize = nmdev_region_size(index);
	size_t done = 0;
	int ret = 0;

	if (off >= rsize || count > rsize - off)
		return -EINVAL;

	if (index == VFIO_PCI_BAR2_REGION_INDEX && nmdev_is_sw(nm->pf)) {
		ssize_t ret = nmdev_sw_portal_rw(nm, ubuf, count, off, write);

		if (ret > 0)
			*ppos += ret;
		return ret;
	}

	mutex_lock(&nm->lock);
	while (done < count) {
		size_t left = count - done;
		u8 buf[4];
		u32 size;

		if (!(off & 3) && left >= 4)
			size = 4;
		else if (!(off & 1) && left >= 2)
			size = 2;
		else
			size = 1;
		if (write && copy_from_user(buf, ubuf + done, size)) {
			ret = -EFAULT;
			break;
		}
		ret = nmdev_access(nm, index, off, buf, size, write);
		if (ret)
			break;
		if (!write && copy_to_user(ubuf + done, buf, size)) {
			ret = -EFAULT;
			break;
		}
		off += size;
		done += size;
	}
	mutex_unlock(&nm->lock);

	if (!done)
		return ret;
	*ppos += done;
	return done;
}

static ssize_t nmdev_read(struct vfio_device *vdev, char __user *buf,
			  size_t count, loff_t *ppos)
{
	return nmdev_rw(vdev_to_nmdev(vdev), buf, count, ppos, false);
}

static ssize_t nmdev_write(struct vfio_device *vdev, const char __user *buf,
			   size_t count, loff_t *ppos)
{
	return nmdev_rw(vdev_to_nmdev(vdev), (char __user *)buf, count, ppos,
			true);
}

/* BAR2 -> the real WQ's portal page, uncached, as idxd maps its portals. */
static int nmdev_mmap(struct vfio_device *vdev, struct vm_area_struct *vma)
{
	struct nmdev_mdev *nm = vdev_to_nmdev(vdev);
	u64 index = vma->vm_pgoff >> (NMDEV_OFFSET_SHIFT - PAGE_SHIFT);
	u64 pgoff = vma->vm_pgoff &
		    (BIT_ULL(NMDEV_OFFSET_SHIFT - PAGE_SHIFT) - 1);
	unsigned long pfn;

	/* Software mode traps every portal access. */
	if (nmdev_is_sw(nm->pf))
		return -EINVAL;
	if (index != VFIO_PCI_BAR2_REGION_INDEX || pgoff ||
	    vma->vm_end - vma->vm_start != NMDEV_L2_BAR2_SIZE)
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	pfn = (nm->pf->portals_phys + siov_portal_offset(nm->wq)) >> PAGE_SHIFT;
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	return io_remap_pfn_range(vma, vma->vm_start, pfn, NMDEV_L2_BAR2_SIZE,
				  vma->vm_page_prot);
}

/* ------------------------------------------------------------------ */
/* Interrupts: L2's MSI-X vectors are eventfds                        */
/* ------------------------------------------------------------------ */

static void nmdev_set_trigger(struct nmdev_mdev *nm, unsigned int vec,
			      struct eventfd_ctx *ctx)
{
	struct eventfd_ctx *old;
	unsigned long flags;

	spin_lock_irqsave(&nm->irq_lock, flags);
	old = nm->trigger[vec];
	nm->trigger[vec] = ctx;
	spin_unlock_irqrestore(&nm->irq_lock, flags);
	if (old)
		eventfd_ctx_put(old);
}

static void nmdev_release_triggers(struct nmdev_mdev *nm)
{
	unsigned int i;

	for (i = 0; i < NMDEV_L2_NR_MSIX; i++)
		nmdev_set_trigger(nm, i, NULL);
}

static int nmdev_irq_count(unsigned int index)
{
	return index == VFIO_PCI_MSIX_IRQ_INDEX ? NMDEV_L2_NR_MSIX : 0;
}

static int nmdev_set_msix(struct nmdev_mdev *nm, u32 flags, u32 start,
			  u32 count, const void *data)
{
	u32 i;

	if ((flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) !=
	    VFIO_IRQ_SET_ACTION_TRIGGER)
		return -EINVAL;

	if ((flags & VFIO_IRQ_SET_DATA_TYPE_MASK) == VFIO_IRQ_SET_DATA_NONE &&
	    !count) {
		nmdev_release_triggers(nm);
		return 0;
	}

	for (i = 0; i < count; i++) {
		u32 vec = start + i;

		switch (flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
		case VFIO_IRQ_SET_DATA_EVENTFD: {
			s32 fd = ((const s32 *)data)[i];
			struct eventfd_ctx *ctx = NULL;

			if (fd >= 0) {
				ctx = eventfd_ctx_fdget(fd);
				if (IS_ERR(ctx))
					return PTR_ERR(ctx);
			}
			nmdev_set_trigger(nm, vec, ctx);
			break;
		}
		case VFIO_IRQ_SET_DATA_BOOL:
			if (((const u8 *)data)[i])
				nmdev_signal(nm, vec);
			break;
		default:
			nmdev_signal(nm, vec);
			break;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* ioctl                                                              */
/* ------------------------------------------------------------------ */

static long nmdev_ioctl_get_info(void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long nmdev_ioctl_region_info(struct nmdev_mdev *nm, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	if (info.index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	info.offset = NMDEV_INDEX_TO_OFFSET(info.index);
	info.size = nmdev_region_size(info.index);
	info.flags = info.size ? VFIO_REGION_INFO_FLAG_READ |
				 VFIO_REGION_INFO_FLAG_WRITE : 0;
	/* Without MMAP the VMM traps BAR2 (QEMU: a slow-path region). */
	if (info.index == VFIO_PCI_BAR2_REGION_INDEX && !nmdev_is_sw(nm->pf))
		info.flags |= VFIO_REGION_INFO_FLAG_MMAP;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long nmdev_ioctl_irq_info(void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	info.count = nmdev_irq_count(info.index);
	info.flags = VFIO_IRQ_INFO_EVENTFD;
	if (info.index == VFIO_PCI_MSIX_IRQ_INDEX)
		info.flags |= VFIO_IRQ_INFO_NORESIZE;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long nmdev_ioctl_set_irqs(struct nmdev_mdev *nm, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	void *data = NULL;
	int ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	ret = vfio_set_irqs_validate_and_prepare(&hdr,
						 nmdev_irq_count(hdr.index),
						 VFIO_PCI_NUM_IRQS, &data_size);
	if (ret)
		return ret;
	/* INTx and MSI have no vectors: only "disable all" is accepted. */
	if (hdr.index != VFIO_PCI_MSIX_IRQ_INDEX)
		return hdr.count ? -EINVAL : 0;
	if (data_size) {
		data = memdup_user(arg + minsz, data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}
	mutex_lock(&nm->lock);
	ret = nmdev_set_msix(nm, hdr.flags, hdr.start, hdr.count, data);
	mutex_unlock(&nm->lock);
	kfree(data);
	return ret;
}

static long nmdev_ioctl(struct vfio_device *vdev, unsigned int cmd,
			unsigned long arg)
{
	struct nmdev_mdev *nm = vdev_to_nmdev(vdev);
	void __user *uarg = (void __user *)arg;
	int ret;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return nmdev_ioctl_get_info(uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return nmdev_ioctl_region_info(nm, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return nmdev_ioctl_irq_info(uarg);
	case VFIO_DEVICE_SET_IRQS:
		return nmdev_ioctl_set_irqs(nm, uarg);
	case VFIO_DEVICE_RESET:
		mutex_lock(&nm->lock);
		ret = nmdev_hw_reset(nm);
		mutex_unlock(&nm->lock);
		return ret;
	}
	return -ENOTTY;
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                         */
/* ------------------------------------------------------------------ */

static int nmdev_vfio_init(struct vfio_device *vdev)
{
	struct nmdev_mdev *nm = vdev_to_nmdev(vdev);
	struct mdev_device *mdev = to_mdev_device(vdev->dev);

	nm->mdev = mdev;
	nm->pf = container_of(mdev->type->parent, struct nmdev_pf, parent);
	nm->pasid = IOMMU_PASID_INVALID;
	INIT_LIST_HEAD(&nm->node);
	mutex_init(&nm->lock);
	mutex_init(&nm->pin_lock);
	spin_lock_init(&nm->irq_lock);
	xa_init(&nm->pinned);
	nmdev_cfg_init(nm);
	return 0;
}

/* The VFIO core frees the structure itself. */
static void nmdev_vfio_release(struct vfio_device *vdev)
{
	struct nmdev_mdev *nm = vdev_to_nmdev(vdev);

	WARN_ON(!xa_empty(&nm->pinned));
	xa_destroy(&nm->pinned);
	mutex_destroy(&nm->pin_lock);
	mutex_destroy(&nm->lock);
}

static int nmdev_open_device(struct vfio_device *vdev)
{
	struct nmdev_mdev *nm = vdev_to_nmdev(vdev);
	int ret;

	mutex_lock(&nm->lock);
	nmdev_cfg_init(nm);
	ret = nmdev_hw_reset(nm);
	mutex_unlock(&nm->lock);
	if (ret)
		return ret;

	if (nmdev_is_sw(nm->pf)) {
		ret = nmdev_sw_open(nm);
		if (ret)
			return ret;
	}

	mutex_lock(&nm->pin_lock);
	nm->open = true;
	mutex_unlock(&nm->pin_lock);
	return 0;
}

static void nmdev_close_device(struct vfio_device *vdev)
{
	struct nmdev_mdev *nm = vdev_to_nmdev(vdev);

	/* Stop the WQ first: no DMA may use a page after it is unpinned. */
	mutex_lock(&nm->lock);
	nmdev_hw_reset(nm);
	mutex_unlock(&nm->lock);

	mutex_lock(&nm->pin_lock);
	nm->open = false;
	mutex_unlock(&nm->pin_lock);
	nmdev_unpin_range(nm, 0, U64_MAX);
	if (nmdev_is_sw(nm->pf))
		nmdev_sw_close(nm);
	nmdev_release_triggers(nm);
}

static void nmdev_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length)
{
	nmdev_unpin_range(vdev_to_nmdev(vdev), iova, length);
}

const struct vfio_device_ops nmdev_vfio_ops = {
	.name = "nmdev",
	.init = nmdev_vfio_init,
	.release = nmdev_vfio_release,
	.open_device = nmdev_open_device,
	.close_device = nmdev_close_device,
	.read = nmdev_read,
	.write = nmdev_write,
	.mmap = nmdev_mmap,
	.ioctl = nmdev_ioctl,
	.dma_unmap = nmdev_dma_unmap,
	.bind_iommufd = vfio_iommufd_emulated_bind,
	.unbind_iommufd = vfio_iommufd_emulated_unbind,
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
};
