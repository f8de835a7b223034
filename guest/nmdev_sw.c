// SPDX-License-Identifier: GPL-2.0
/*
 * nmdev: software mediation, for platforms without PASID domains.
 *
 * The WQ runs without PASID, so its DMA goes through the PF's own (RID)
 * DMA domain, which maps L1 memory.  L2 therefore never gets the portal:
 * BAR2 cannot be mapped, and a 64-byte write at its offset 0 (a VFIO
 * region write) is a submission.  nmdev copies the descriptor, checks it
 * as the device would (a bad one is completed here with the device's
 * status and never reaches the device), pins every L2 page it names
 * (vfio_pin_pages, cached in nm->pinned as in PASID mode), maps the pages
 * with the DMA API and rewrites the addresses.  When every buffer is
 * DMA-contiguous the rewritten descriptor goes to the portal and the
 * device completes it as in PASID mode (record written into the pinned L2
 * page, interrupt through the WQ's vector).  Otherwise it is split into
 * contiguous chunks, submitted one at a time with their record in an L1
 * page, and nmdev writes L2's record and sends its interrupt itself.
 *
 * Isolation rests on this file: every address the device uses (source,
 * destination, completion record) is one written here, to a page L2 has
 * mapped with the access the opcode needs; the descriptor is checked on a
 * private copy, never fetched twice from L2; opcodes nmdev cannot decode
 * are refused even if the PF has them; and pages are unpinned only after
 * the WQ has drained (nmdev_sw_quiesce), since a DMA-API unmap does not
 * stop the device's access the way a PASID domain unmap does.
 */
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "nmdev.h"

static_assert(sizeof(struct siov_desc) == SIOV_DESC_SIZE);
static_assert(sizeof(struct siov_cr) == SIOV_CR_SIZE);

/* Polling a chunk's record: at most 2 MiB of work, so spin, don't sleep. */
#define NMDEV_SW_POLL_US	0

/* ------------------------------------------------------------------ */
/* Descriptor decoding (no state: tested directly)                    */
/* ------------------------------------------------------------------ */

u32 nmdev_sw_max_xfer_lg2(const struct nmdev_pf *pf)
{
	return min_t(u32, FIELD_GET(SIOV_GENCAP_MAX_XFER_LG2, pf->gencap),
		     NMDEV_SW_MAX_XFER_LG2);
}

/*
 * The opcodes L2 sees in OPCAP: the PF's, less any nmdev cannot decode
 * (it could not know which fields are addresses to rewrite).
 */
u64 nmdev_sw_opcap(const struct nmdev_pf *pf)
{
	return pf->opcap & SIOV_OPCAP_DEFAULT;
}

/*
 * The completion status the device gives @d on a WQ without BOF_EN (what
 * L2's WQ always is in software mode), checked in the device's order
 * (docs/siov.md sections 6 and 7); SIOV_CS_NONE when it would execute.
 * The record's alignment is not checked here: a misaligned one makes the
 * descriptor a no-op without completion.
 */
u8 nmdev_sw_desc_check(const struct siov_desc *d, u64 opcap, u32 max_lg2)
{
	u8 op = siov_desc_opcode(d);
	u32 fl = siov_desc_flags(d);
	u32 n = siov_desc_xfer_size(d);
	u64 src = siov_desc_src(d), dst = siov_desc_dst(d);

	if ((fl & SIOV_F_RCR) && !(fl & SIOV_F_CRAV))
		return SIOV_CS_INVALID_FLAGS;
	if (op >= 64 || !(opcap & BIT_ULL(op)))
		return SIOV_CS_INVALID_OPCODE;
	if ((fl & ~SIOV_F_VALID) || (fl & SIOV_F_BOF))
		return SIOV_CS_INVALID_FLAGS;
	if (siov_desc_rsvd_set(d))
		return SIOV_CS_INVALID_RSVD;

	switch (op) {
	case SIOV_OP_NOOP:
	case SIOV_OP_DRAIN:
		if (src || dst)
			return SIOV_CS_INVALID_RSVD;
		return n ? SIOV_CS_INVALID_SIZE : SIOV_CS_NONE;
	case SIOV_OP_MEMMOVE:
	case SIOV_OP_FILL:
	case SIOV_OP_COMPARE:
		break;
	default:
		return SIOV_CS_INVALID_OPCODE;
	}
	/* FILL's source field is the pattern, not an address. */
	if (!n || n > BIT_ULL(max_lg2) || dst + n < dst ||
	    (op != SIOV_OP_FILL && src + n < src))
		return SIOV_CS_INVALID_SIZE;
	if (op == SIOV_OP_MEMMOVE && src < dst + n && dst < src + n)
		return SIOV_CS_OVERLAP;
	return SIOV_CS_NONE;
}

/*
 * The data buffers of a checked descriptor, in the order the device
 * touches them at each offset (source first), each xfer_size bytes long.
 */
unsigned int nmdev_sw_desc_bufs(const struct siov_desc *d,
				struct nmdev_sw_buf bufs[2])
{
	u64 src = siov_desc_src(d), dst = siov_desc_dst(d);

	switch (siov_desc_opcode(d)) {
	case SIOV_OP_MEMMOVE:
		bufs[0] = (struct nmdev_sw_buf){ .addr = src, .prot = IOMMU_READ };
		bufs[1] = (struct nmdev_sw_buf){ .addr = dst, .prot = IOMMU_WRITE,
						 .dst = true };
		return 2;
	case SIOV_OP_FILL:
		bufs[0] = (struct nmdev_sw_buf){ .addr = dst, .prot = IOMMU_WRITE,
						 .dst = true };
		return 1;
	case SIOV_OP_COMPARE:
		bufs[0] = (struct nmdev_sw_buf){ .addr = src, .prot = IOMMU_READ };
		bufs[1] = (struct nmdev_sw_buf){ .addr = dst, .prot = IOMMU_READ,
						 .dst = true };
		return 2;
	}
	return 0;	/* NOOP, DRAIN */
}

/* Pages spanned by [addr, addr + len). */
u32 nmdev_sw_buf_pages(u64 addr, u32 len)
{
	if (!len)
		return 0;
	return (((addr & ~PAGE_MASK) + len - 1) >> PAGE_SHIFT) + 1;
}

/* DMA address of byte @off of the buffer at @addr; dma[i]: its page i. */
dma_addr_t nmdev_sw_dma(const dma_addr_t *dma, u64 addr, u32 off)
{
	u64 pos = (addr & ~PAGE_MASK) + off;

	return dma[pos >> PAGE_SHIFT] + (pos & ~PAGE_MASK);
}

/*
 * Bytes from @off (< @len) of the buffer at @addr that are contiguous in
 * DMA space, given the DMA address dma[i] of each of its pages.
 */
u32 nmdev_sw_contig(const dma_addr_t *dma, u64 addr, u32 off, u32 len)
{
	u64 pos = (addr & ~PAGE_MASK) + off;
	u64 end = (addr & ~PAGE_MASK) + len;
	u64 i = pos >> PAGE_SHIFT, last = (end - 1) >> PAGE_SHIFT;

	while (i < last && dma[i + 1] == dma[i] + PAGE_SIZE)
		i++;
	return min_t(u64, end, (i + 1) << PAGE_SHIFT) - pos;
}

/* The next chunk from @off: contiguous in every buffer. */
u32 nmdev_sw_chunk(dma_addr_t *const dma[], unsigned int nbufs,
		   const struct nmdev_sw_buf *bufs, u32 off, u32 len)
{
	u32 run = len - off;
	unsigned int i;

	for (i = 0; i < nbufs; i++)
		run = min(run, nmdev_sw_contig(dma[i], bufs[i].addr, off, len));
	return run;
}

/*
 * FILL writes byte i with byte (i % 8) of the pattern, i counted from the
 * descriptor's start: a chunk at @off needs the pattern rotated.
 */
u64 nmdev_sw_fill_pattern(u64 pattern, u32 off)
{
	unsigned int shift = (off % 8) * 8;

	if (!shift)
		return pattern;
	return (pattern >> shift) | (pattern << (64 - shift));
}

static void nmdev_sw_set_addr(struct siov_desc *d,
			      const struct nmdev_sw_buf *b, u64 addr)
{
	if (b->dst)
		siov_desc_set_dst(d, addr);
	else
		siov_desc_set_src(d, addr);
}

/* ------------------------------------------------------------------ */
/* Per-mdev state                                                     */
/* ------------------------------------------------------------------ */

int nmdev_sw_open(struct nmdev_mdev *nm)
{
	struct device *dev = nmdev_pf_dev(nm->pf);
	struct nmdev_sw *sw = &nm->sw;
	/* The largest transfer, starting on the last byte of a page. */
	u32 max_pages = nmdev_sw_buf_pages(PAGE_SIZE - 1,
					   BIT(nmdev_sw_max_xfer_lg2(nm->pf)));

	sw->dma[0] = kvcalloc(2 * max_pages, sizeof(dma_addr_t), GFP_KERNEL);
	if (!sw->dma[0])
		return -ENOMEM;
	sw->dma[1] = sw->dma[0] + max_pages;
	sw->max_pages = max_pages;

	/* Page aligned, so the 32-byte record is aligned. */
	sw->cr = dma_alloc_coherent(dev, PAGE_SIZE, &sw->cr_dma, GFP_KERNEL);
	if (!sw->cr) {
		kvfree(sw->dma[0]);
		memset(sw, 0, sizeof(*sw));
		return -ENOMEM;
	}
	return 0;
}

/* After the WQ was reset and every page unpinned. */
void nmdev_sw_close(struct nmdev_mdev *nm)
{
	struct nmdev_sw *sw = &nm->sw;

	dma_free_coherent(nmdev_pf_dev(nm->pf), PAGE_SIZE, sw->cr, sw->cr_dma);
	kvfree(sw->dma[0]);
	memset(sw, 0, sizeof(*sw));
}

/*
 * Before a page is unpinned: every descriptor the WQ accepted has
 * completed (records included).  If the WQ does not drain, reset it: its
 * descriptors are aborted and L2 sees the WQ disabled, which is still
 * better than the device writing a page L1 may have reused.
 */
void nmdev_sw_quiesce(struct nmdev_mdev *nm)
{
	struct nmdev_pf *pf = nm->pf;

	if (!nmdev_pf_cmd(pf, SIOV_CMD_DRAIN_WQ, nm->wq))
		return;
	dev_err(&nm->mdev->dev, "wq %u does not drain: reset before unpinning\n",
		nm->wq);
	nmdev_pf_cmd(pf, SIOV_CMD_RESET_WQ, nm->wq);
}

/* ------------------------------------------------------------------ */
/* Submission                                                         */
/* ------------------------------------------------------------------ */

static void nmdev_sw_drop(struct nmdev_mdev *nm, const char *why)
{
	atomic64_inc(&nm->stats.sw_dropped);
	dev_dbg(&nm->mdev->dev, "descriptor dropped: %s\n", why);
}

/* One MOVDIR64B to the WQ's portal (docs/siov.md section 5). */
static int nmdev_sw_portal_submit(struct nmdev_mdev *nm,
				  const struct siov_desc *hw)
{
#ifdef CONFIG_UML
	/* UML, where the KUnit suites run, has no 64-byte MMIO store. */
	return -EOPNOTSUPP;
#else
	/*
	 * As idxd: MOVDIR64B is a weakly ordered direct store, so make the
	 * zeroed chunk record visible before the device can write it.
	 */
	wmb();
	iosubmit_cmds512(nm->pf->portals + siov_portal_offset(nm->wq), hw, 1);
	return 0;
#endif
}

/*
 * Complete @d as the device would, with record @cr: written if CRAV and
 * (RCR or an error), the status qword last since L2 polls it; then the
 * interrupt if asked for.  The record address is known to be aligned.
 */
static void nmdev_sw_complete(struct nmdev_mdev *nm,
			      const struct siov_desc *d, struct siov_cr *cr)
{
	u32 fl = siov_desc_flags(d);
	u64 a = siov_desc_cr_addr(d);
	int ret;

	if ((fl & SIOV_F_CRAV) &&
	    ((fl & SIOV_F_RCR) || siov_cr_status(cr) != SIOV_CS_SUCCESS)) {
		ret = vfio_dma_rw(&nm->vdev, a + 8, &cr->val[1],
				  SIOV_CR_SIZE - 8, true);
		/* L2 reads the record like a device-written one. */
		dma_wmb();
		if (!ret)
			ret = vfio_dma_rw(&nm->vdev, a, &cr->val[0], 8, true);
		if (ret) {
			/* The device would log CR_FAULT: not L2 memory. */
			atomic64_inc(&nm->stats.faults);
			atomic64_inc(&nm->stats.faults_invalid);
		}
	}
	if (fl & SIOV_F_RCI)
		nmdev_l2_wq_interrupt(nm);
}

/*
 * Pin the pages of every buffer, then of the record.  A page L2 has not
 * mapped (with the access needed) gets the page fault the device would
 * report: the earliest faulting byte, the source first at equal offsets.
 * Nothing has been executed, so bytes completed is 0, which L2's driver
 * may read as a partial completion to resume from.
 */
static int nmdev_sw_pin(struct nmdev_mdev *nm, const struct siov_desc *d,
			const struct nmdev_sw_buf *bufs, unsigned int nbufs,
			struct siov_cr *cr)
{
	const struct nmdev_sw_buf *fb = NULL;
	u32 n = siov_desc_xfer_size(d), fault_off = U32_MAX;
	bool fault = false;
	u64 fault_addr = 0;
	unsigned int i, p;
	u8 fi = 0;

	for (i = 0; i < nbufs; i++) {
		u64 first = bufs[i].addr & PAGE_MASK;
		u32 npages = nmdev_sw_buf_pages(bufs[i].addr, n);

		for (p = 0; p < npages; p++) {
			u64 page = first + ((u64)p << PAGE_SHIFT);
			u32 off;

			if (!nmdev_pin_page(nm, page, bufs[i].prot))
				continue;
			off = p ? (u32)(page - bufs[i].addr) : 0;
			if (off < fault_off) {
				fault_off = off;
				fb = &bufs[i];
			}
			break;
		}
	}
	if (fb) {
		fault = true;
		fault_addr = fb->addr + fault_off;
		fi = (fb->dst ? SIOV_CR_FI_DST : 0) |
		     (fb->prot & IOMMU_WRITE ? SIOV_CR_FI_W : 0);
	} else if (siov_desc_flags(d) & SIOV_F_CRAV) {
		u64 a = siov_desc_cr_addr(d);

		if (nmdev_pin_page(nm, a & PAGE_MASK, IOMMU_WRITE)) {
			/* Not L2 memory: writing the record fails too. */
			fault = true;
			fault_addr = a;
			fi = SIOV_CR_FI_W;
		}
	}
	if (!fault)
		return 0;

	atomic64_inc(&nm->stats.faults);
	atomic64_inc(&nm->stats.faults_invalid);
	dev_dbg(&nm->mdev->dev, "descriptor address %#llx: not L2 memory with %s access\n",
		fault_addr, fi & SIOV_CR_FI_W ? "write" : "read");
	memset(cr, 0, sizeof(*cr));
	cr->val[0] = siov_cr_make_qw0(SIOV_CS_PAGE_FAULT, fi, 0, 0);
	cr->val[1] = fault_addr;
	return -EFAULT;
}

/* The DMA address of every page of every buffer, into nm->sw.dma[]. */
static int nmdev_sw_resolve(struct nmdev_mdev *nm,
			    const struct nmdev_sw_buf *bufs, unsigned int nbufs,
			    u32 n)
{
	unsigned int i, p;

	for (i = 0; i < nbufs; i++) {
		u64 first = bufs[i].addr & PAGE_MASK;
		u32 npages = nmdev_sw_buf_pages(bufs[i].addr, n);

		if (WARN_ON(npages > nm->sw.max_pages))
			return -E2BIG;
		for (p = 0; p < npages; p++)
			nm->sw.dma[i][p] =
				nmdev_pinned_dma(nm, first + ((u64)p << PAGE_SHIFT));
	}
	return 0;
}

/*
 * Every buffer contiguous: the device runs L2's descriptor itself and
 * writes L2's record into its pinned page.
 */
static void nmdev_sw_direct(struct nmdev_mdev *nm, const struct siov_desc *d,
			    const struct nmdev_sw_buf *bufs, unsigned int nbufs)
{
	u64 a = siov_desc_cr_addr(d);
	struct siov_desc hw = *d;
	unsigned int i;

	for (i = 0; i < nbufs; i++)
		nmdev_sw_set_addr(&hw, &bufs[i],
				  nmdev_sw_dma(nm->sw.dma[i], bufs[i].addr, 0));
	/* Without CRAV the device ignores the field: no L2 address left. */
	if (siov_desc_flags(d) & SIOV_F_CRAV)
		siov_desc_set_cr_addr(&hw, nmdev_pinned_dma(nm, a & PAGE_MASK) +
				      (a & ~PAGE_MASK));
	else
		siov_desc_set_cr_addr(&hw, 0);
	if (nmdev_sw_portal_submit(nm, &hw)) {
		nmdev_sw_drop(nm, "no portal");
		return;
	}
	atomic64_inc(&nm->stats.sw_submits);
}

static u8 nmdev_sw_cr_status(const struct siov_cr *rec)
{
	struct siov_cr qw0 = { .val = { READ_ONCE(rec->val[0]) } };

	return siov_cr_status(&qw0);
}

/*
 * L2's record for a chunk that ended in @res at @off: bytes counted from
 * the descriptor's start, a fault address back in L2's space.
 */
static void nmdev_sw_chunk_result(struct nmdev_mdev *nm,
				  const struct nmdev_sw_buf *bufs,
				  unsigned int nbufs, u32 off, u32 len,
				  const struct siov_cr *res, struct siov_cr *cr)
{
	u8 st = siov_cr_status(res), fi = siov_cr_fault_info(res);
	u64 fa = siov_cr_fault_addr(res);
	unsigned int i;

	if (st == SIOV_CS_PAGE_FAULT || st == SIOV_CS_PRS_INVALID ||
	    st == SIOV_CS_PRS_FAILURE || st == SIOV_CS_XLATE_ERROR) {
		for (i = 0; i < nbufs; i++) {
			dma_addr_t start;

			if (bufs[i].dst != !!(fi & SIOV_CR_FI_DST))
				continue;
			start = nmdev_sw_dma(nm->sw.dma[i], bufs[i].addr, off);
			fa = bufs[i].addr + off;
			if (siov_cr_fault_addr(res) >= start &&
			    siov_cr_fault_addr(res) - start < len)
				fa += siov_cr_fault_addr(res) - start;
			break;
		}
	}
	cr->val[0] = siov_cr_make_qw0(st, fi, siov_cr_prs_code(res),
				      off + min(siov_cr_bytes(res), len));
	cr->val[1] = fa;
	cr->val[2] = siov_cr_result(res);
	cr->val[3] = 0;
}

/*
 * Some buffer is not DMA-contiguous: run the descriptor as contiguous
 * chunks, one at a time, each with its record in nm->sw.cr (the L2 vCPU
 * is held in its portal write meanwhile, as a trapped MOVDIR64B is).  The
 * first chunk keeps FENCE; waiting orders the others.  The first chunk
 * that does not succeed ends the descriptor with its status.
 */
static void nmdev_sw_split(struct nmdev_mdev *nm, const struct siov_desc *d,
			   const struct nmdev_sw_buf *bufs, unsigned int nbufs)
{
	u32 fl = siov_desc_flags(d), n = siov_desc_xfer_size(d), off, len;
	struct nmdev_sw *sw = &nm->sw;
	u8 op = siov_desc_opcode(d), st = SIOV_CS_NONE;
	struct siov_cr cr = { }, res;
	struct siov_desc hw;
	unsigned int i;
	int ret;

	atomic64_inc(&nm->stats.sw_submits);
	atomic64_inc(&nm->stats.sw_splits);
	cr.val[0] = siov_cr_make_qw0(SIOV_CS_SUCCESS, 0, 0, n);
	for (off = 0; off < n; off += len) {
		len = nmdev_sw_chunk(sw->dma, nbufs, bufs, off, n);
		siov_desc_init(&hw, op, (off ? 0 : fl & SIOV_F_FENCE) |
					SIOV_F_CRAV | SIOV_F_RCR);
		siov_desc_set_cr_addr(&hw, sw->cr_dma);
		siov_desc_set_xfer_size(&hw, len);
		if (op == SIOV_OP_FILL)
			siov_desc_set_pattern(&hw,
					      nmdev_sw_fill_pattern(siov_desc_src(d),
								    off));
		for (i = 0; i < nbufs; i++)
			nmdev_sw_set_addr(&hw, &bufs[i],
					  nmdev_sw_dma(sw->dma[i], bufs[i].addr,
						       off));
		memset(sw->cr, 0, sizeof(*sw->cr));
		ret = nmdev_sw_portal_submit(nm, &hw);
		if (!ret) {
			atomic64_inc(&nm->stats.sw_chunks);
			ret = read_poll_timeout(nmdev_sw_cr_status, st,
						st != SIOV_CS_NONE,
						NMDEV_SW_POLL_US,
						NMDEV_TIMEOUT_US, false, sw->cr);
		}
		if (ret) {
			/* Stop the chunk before its record page is reused. */
			dev_err(&nm->mdev->dev, "wq %u: chunk not completed (%d), WQ reset\n",
				nm->wq, ret);
			nmdev_pf_cmd(nm->pf, SIOV_CMD_RESET_WQ, nm->wq);
			cr.val[0] = siov_cr_make_qw0(SIOV_CS_ABORTED, 0, 0, off);
			break;
		}
		/* The record's other fields after its status (written last). */
		dma_rmb();
		res = *sw->cr;
		if (st != SIOV_CS_SUCCESS) {
			nmdev_sw_chunk_result(nm, bufs, nbufs, off, len, &res,
					      &cr);
			break;
		}
	}
	nmdev_sw_complete(nm, d, &cr);
}

/* A checked descriptor: pin, rewrite, submit.  nm->pin_lock held. */
static void nmdev_sw_run(struct nmdev_mdev *nm, const struct siov_desc *d)
{
	u32 n = siov_desc_xfer_size(d);
	struct nmdev_sw_buf bufs[2];
	unsigned int nbufs;
	struct siov_cr cr;

	/* VFIO writes need an open device; be safe anyway. */
	if (!nm->open || !nm->sw.cr) {
		nmdev_sw_drop(nm, "device not open");
		return;
	}
	nbufs = nmdev_sw_desc_bufs(d, bufs);
	if (nmdev_sw_pin(nm, d, bufs, nbufs, &cr)) {
		nmdev_sw_complete(nm, d, &cr);
		return;
	}
	/*
	 * Addresses only now: pinning a later buffer or the record may
	 * have re-pinned a shared page with more access.
	 */
	if (nmdev_sw_resolve(nm, bufs, nbufs, n)) {
		nmdev_sw_drop(nm, "too many pages");
		return;
	}
	if (!nbufs || nmdev_sw_chunk(nm->sw.dma, nbufs, bufs, 0, n) == n)
		nmdev_sw_direct(nm, d, bufs, nbufs);
	else
		nmdev_sw_split(nm, d, bufs, nbufs);
}

/* One trapped descriptor; nm->lock held. */
static void nmdev_sw_submit(struct nmdev_mdev *nm, const struct siov_desc *d)
{
	struct nmdev_pf *pf = nm->pf;
	struct siov_cr cr = { };
	u64 sts;
	u8 st;

	/* The portal's own refusals: dropped, no completion at all. */
	sts = nmdev_wq_read(pf, nm->wq, SIOV_WQ_STS);
	if (FIELD_GET(SIOV_WQ_STS_STATE, sts) != SIOV_WQ_ENABLED) {
		nmdev_sw_drop(nm, "WQ not enabled");
		return;
	}
	if (FIELD_GET(SIOV_WQ_STS_OCCUPANCY, sts) >=
	    FIELD_GET(SIOV_WQ_CFG0_SIZE, nm->vregs.wq_cfg0)) {
		nmdev_sw_drop(nm, "WQ full");
		return;
	}
	if ((siov_desc_flags(d) & SIOV_F_CRAV) &&
	    (siov_desc_cr_addr(d) & (SIOV_CR_SIZE - 1))) {
		nmdev_sw_drop(nm, "completion record not 32-byte aligned");
		return;
	}

	st = nmdev_sw_desc_check(d, nmdev_sw_opcap(pf),
				 nmdev_sw_max_xfer_lg2(pf));
	if (st != SIOV_CS_NONE) {
		atomic64_inc(&nm->stats.sw_invalid);
		dev_dbg(&nm->mdev->dev, "descriptor opcode %#x: status %#x\n",
			siov_desc_opcode(d), st);
		cr.val[0] = siov_cr_make_qw0(st, 0, 0, 0);
		nmdev_sw_complete(nm, d, &cr);
		return;
	}

	mutex_lock(&nm->pin_lock);
	nmdev_sw_run(nm, d);
	mutex_unlock(&nm->pin_lock);
}

/*
 * A VFIO access to BAR2 in software mode.  A 64-byte write at offset 0 is
 * what MOVDIR64B to the portal becomes; any other access the portal drops
 * (reads return all ones, as the PF's).  Returns the bytes accessed.
 */
ssize_t nmdev_sw_portal_rw(struct nmdev_mdev *nm, char __user *ubuf,
			   size_t count, u64 off, bool write)
{
	struct siov_desc d;
	u8 ones[SIOV_DESC_SIZE];
	size_t done, chunk;

	if (!count)
		return 0;
	if (write && !off && count == sizeof(d)) {
		if (copy_from_user(&d, ubuf, sizeof(d)))
			return -EFAULT;
		mutex_lock(&nm->lock);
		nmdev_sw_submit(nm, &d);
		mutex_unlock(&nm->lock);
		return count;
	}

	atomic64_inc(&nm->stats.bad_mmio);
	if (write)
		return count;
	memset(ones, 0xff, sizeof(ones));
	for (done = 0; done < count; done += chunk) {
		chunk = min_t(size_t, count - done, sizeof(ones));
		if (copy_to_user(ubuf + done, ones, chunk))
			return done ? done : -EFAULT;
	}
	return count;
}
