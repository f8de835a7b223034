// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: everything an L2 VM controls, through the real nmdev
 * driver (guest/nmdev*.c) in the simulated L1 kernel of the nested machine
 * (guest/sim/l1.h).
 *
 * Per input a small machine boots (l1_boot: 4 WQs, L1 RAM = the kernel's
 * 32 MiB + a 256 KiB window for L2's RAM); the first byte picks nmdev.mode
 * ("pasid", "sw", "auto"), a vIOMMU without PASIDs for software mode, lazy
 * L1 RAM, a second mdev, whether the VMM answers the kernel's request for
 * a device, and L2's RAM in one run of L1 pages or scattered (setup()).
 * The L2 VMM (QEMU in L1) then has a VFIO container with L2's RAM mapped
 * at IOVA 0 and the mdevs opened; the rest
 * of the input is a program of what L2 and its VMM may do: config space
 * and BAR0 accesses at any offset and size, descriptors with any field
 * to the portal (mmap'ed when nmdev allows it, else trapped), every VFIO
 * ioctl with fuzzed argsz/headers/payloads (eventfds, closed and bogus
 * fds), mmap at any offset and length, DMA map/unmap of fuzzed ranges
 * (also while descriptors are in flight), bounded runs of the machine,
 * close/reopen and mdev removal under an open fd.
 *
 * What must hold (abort() with a message, so that libFuzzer keeps the
 * input):
 *  - no device DMA outside the L1 VM (sim oracle, s.oracle_fatal);
 *  - no WARN and no lock misuse in the L1 kernel: its log goes to a
 *    stream that aborts on "WARNING:" (stack at the WARN itself);
 *  - no page still pinned after VFIO's dma_unmap (lk unmap_pin_leaks);
 *  - guard pages: every page of L2's window that no IOVA maps holds a
 *    pattern the harness wrote when it was last unmapped (or at boot);
 *    the device writing one is DMA to memory L2 gave back, or never had;
 *  - recovery: after the program, a freshly opened and brought-up mdev
 *    moves data correctly (garbage may break L2's own device, never for
 *    good, and never L1's PF);
 *  - clean teardown: host residue 0 once the mdevs are gone (no PASID
 *    entries, fault-router groups, ...), and no leaked kernel object
 *    after l1_shutdown.
 * Checks that fail because the harness itself misbehaved say "HARNESS".
 *
 * Setup and teardown dominate (boot and teardown of a 20-bit PASID
 * table): about 20 exec/s with ASan on one core.  FUZZ_NMDEV_VERBOSE=1
 * prints the decoded program of each input (for reading a crash input),
 * FUZZ_NMDEV_TRACE=<file> writes the sim trace.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The VFIO uapi, as the L2 VMM (QEMU) compiles it. */
#include <linux/vfio.h>
#include <linux/pci_regs.h>

#include "../../guest/sim/l1.h"

#define FZ_PAGE		4096ULL
#define FZ_WIN_PAGES	64		/* L2's RAM window in L1 */
#define FZ_RAM_PAGES	48		/* of which mapped at IOVA 0 at start */
#define FZ_CR_PAGE	47		/* records of the well-formed descs */
#define FZ_ALT_IOVA	0x100000ULL	/* where fuzzed mappings like to go */
#define FZ_NR_WQS	4
#define FZ_NDEV		2
#define FZ_NFD		(2 * FZ_NDEV)	/* two fds per device */
#define FZ_NVMA		4
#define FZ_NEFD		6
#define FZ_NMAPS	32
#define FZ_MAX_STEPS	64
#define FZ_RUN_MAX	8192		/* events per run step */
#define FZ_BUF		4096		/* largest read/write/ioctl buffer */
#define FZ_WAIT_ROUNDS	4000		/* recovery: 1000 events each */
#define FZ_REGION(i)	((u64)(i) << 40)	/* nmdev's region offsets */
#define FZ_END		(~0ULL)		/* fz.step after the program */
#define FZ_CFG_SIZE	0x100		/* L2's config space (type 0 header) */

static const char *const fz_uuid[FZ_NDEV] = {
	"6e6d6465-7600-4000-8000-0000000000f0",
	"6e6d6465-7600-4000-8000-0000000000f1",
};

struct fz_fd {
	struct lk_vfio_fd *fd;		/* NULL: not open */
	int dev;
};

struct fz_vma {
	struct vm_area_struct *vma;	/* NULL: free slot */
	int slot;			/* fz.fds[] it came from; -1: gone */
};

struct fz_map {				/* mirror of the container */
	u64 iova;
	u32 pg, npages;			/* window pages [pg, pg + npages) */
	bool live;
};

struct fz {
	const u8 *data;
	size_t size, pos;
	bool sw, lazy, two, scatter;
	struct l1 m;
	u64 win;			/* L1 physical base of L2's RAM */
	struct lk_vfio_container *c;
	bool exists[FZ_NDEV];
	struct fz_fd fds[FZ_NFD];
	struct fz_vma vmas[FZ_NVMA];
	struct fz_map maps[FZ_NMAPS];
	u8 mapcount[FZ_WIN_PAGES];	/* IOVA pages mapping each page */
	bool guarded[FZ_WIN_PAGES];	/* holds guard_pattern[] */
	int efd[FZ_NEFD];		/* -1: free */
	int stale_efd;			/* the number of a closed eventfd */
	bool bof;			/* the last bring-up enabled BOF */
	u64 step;
	u8 buf[FZ_BUF + 64];
	u8 page[FZ_PAGE];
};

static struct fz fz;
static bool verbose;
static FILE *klog;
static FILE *trace;		/* FUZZ_NMDEV_TRACE=<file>: the sim trace */

/* ---- failing ------------------------------------------------------------ */

static void dmesg_tail(void)
{
	const char *d = lk_dmesg();
	size_t n = strlen(d);

	fprintf(stderr, "---- L1 dmesg (tail) ----\n%s\n-------------------------\n",
		n > 4000 ? d + n - 4000 : d);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
fz_fail(const char *fmt, ...)
{
	va_list ap;

	if (fz.step == FZ_END)
		fprintf(stderr, "\nfuzz_nmdev: at the end (mode %s%s): ",
			fz.sw ? "sw" : "pasid", fz.lazy ? ", lazy" : "");
	else
		fprintf(stderr, "\nfuzz_nmdev: step %llu (mode %s%s): ",
			fz.step, fz.sw ? "sw" : "pasid",
			fz.lazy ? ", lazy" : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	dmesg_tail();
	abort();
}

#define HARNESS(c) do { if (!(c)) fz_fail("HARNESS: %s (line %d)", #c, \
					      __LINE__); } while (0)

static void __attribute__((format(printf, 1, 2))) note(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "[%3llu] ", fz.step);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

/*
 * The L1 kernel's console: a WARN (and the lock checker's "WARNING: lock
 * misuse") kills the input right there, with the WARN in the stack.
 */
static ssize_t klog_write(void *cookie, const char *b, size_t n)
{
	if (memmem(b, n, "WARNING:", 8))
		fz_fail("L1 kernel: %.*s", (int)n, b);
	if (verbose)
		fprintf(stderr, "  klog: %.*s", (int)n, b);
	return (ssize_t)n;
}

/* ---- input ---------------------------------------------------------------- */

static u8 get8(void)
{
	return fz.pos < fz.size ? fz.data[fz.pos++] : 0;
}

static u64 getn(unsigned int n)
{
	u64 v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= (u64)get8() << (8 * i);
	return v;
}

static void getbytes(void *p, size_t n)
{
	u8 *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = get8();
}

/* ---- L2's RAM and the guard pages --------------------------------------- */

/* What a guarded page holds: different per page, built once. */
static u8 guard_pattern[FZ_WIN_PAGES][FZ_PAGE];

static void guard_init(void)
{
	for (u32 pg = 0; pg < FZ_WIN_PAGES; pg++)
		for (u32 i = 0; i < FZ_PAGE; i++)
			guard_pattern[pg][i] = (u8)(0xa5 ^ (pg * 29) ^ (i * 7) ^
						    (i >> 8));
}

static void guard_fill(u32 pg)
{
	HARNESS(!l1_write(&fz.m, fz.win + pg * FZ_PAGE, guard_pattern[pg],
			  FZ_PAGE));
	fz.guarded[pg] = true;
}

static void guard_check(u32 pg, const char *when)
{
	HARNESS(!l1_read(&fz.m, fz.win + pg * FZ_PAGE, fz.page, FZ_PAGE));
	if (!memcmp(fz.page, guard_pattern[pg], FZ_PAGE))
		return;
	for (u32 i = 0; i < FZ_PAGE; i++)
		if (fz.page[i] != guard_pattern[pg][i])
			fz_fail("L2 window page %u (L1 %#llx), mapped by no IOVA, written at offset %#x (%s): device DMA after unmap or outside L2's mappings",
				pg, fz.win + pg * FZ_PAGE, i, when);
}

static void guard_check_all(const char *when)
{
	for (u32 pg = 0; pg < FZ_WIN_PAGES; pg++)
		if (fz.guarded[pg])
			guard_check(pg, when);
}

static int dma_map(u64 iova, u32 pg, u32 npages, u32 flags)
{
	int slot = -1, ret;

	for (int i = 0; i < FZ_NMAPS && slot < 0; i++)
		if (!fz.maps[i].live)
			slot = i;
	if (slot < 0)
		return -ENOSPC;
	/* Pages coming back into use must still hold their pattern. */
	for (u32 i = 0; i < npages; i++)
		if (fz.guarded[pg + i])
			guard_check(pg + i, "before map");
	ret = lk_vfio_map_dma(fz.c, iova, fz.win + pg * FZ_PAGE,
			      (u64)npages * FZ_PAGE, flags);
	if (ret)
		return ret;
	fz.maps[slot] = (struct fz_map){ iova, pg, npages, true };
	for (u32 i = 0; i < npages; i++) {
		fz.mapcount[pg + i]++;
		fz.guarded[pg + i] = false;
	}
	return 0;
}

/* A mapping is gone: its pages, once no IOVA maps them, are guarded. */
static void map_gone(struct fz_map *mp)
{
	mp->live = false;
	for (u32 i = 0; i < mp->npages; i++) {
		HARNESS(fz.mapcount[mp->pg + i]);
		if (!--fz.mapcount[mp->pg + i])
			guard_fill(mp->pg + i);
	}
}

/* As type1 v2 removes mappings: those starting in [iova, iova + size). */
static int dma_unmap(u64 iova, u64 size)
{
	int ret = lk_vfio_unmap_dma(fz.c, iova, size);

	if (ret)
		return ret;
	for (int i = 0; i < FZ_NMAPS; i++) {
		struct fz_map *mp = &fz.maps[i];

		if (mp->live && mp->iova >= iova && mp->iova <= iova + size - 1) {
			HARNESS(mp->iova + (u64)mp->npages * FZ_PAGE - 1 <=
				iova + size - 1);
			map_gone(mp);
		}
	}
	return 0;
}

static void dma_unmap_all(void)
{
	for (int i = 0; i < FZ_NMAPS; i++)
		if (fz.maps[i].live)
			HARNESS(!dma_unmap(fz.maps[i].iova,
					   (u64)fz.maps[i].npages * FZ_PAGE));
}

/* L1 address of L2 address @iova through the container; 0: not mapped. */
static u64 l2_to_l1(u64 iova)
{
	for (int i = 0; i < FZ_NMAPS; i++) {
		const struct fz_map *mp = &fz.maps[i];

		if (mp->live && iova >= mp->iova &&
		    iova - mp->iova < (u64)mp->npages * FZ_PAGE)
			return fz.win + mp->pg * FZ_PAGE + (iova - mp->iova);
	}
	return 0;
}

/*
 * L2's CPU on its RAM (zeroing a record, filling a buffer), page by page
 * as the mappings scatter it; -EFAULT at the first page not mapped.
 */
static int l2_cpu_access(u64 iova, void *b, u32 len, bool write)
{
	u8 *p = b;

	if (len - 1 > ~iova)
		return -EFAULT;
	while (len) {
		u32 n = FZ_PAGE - (iova & (FZ_PAGE - 1));
		u64 pa = l2_to_l1(iova);

		if (!pa)
			return -EFAULT;
		n = n < len ? n : len;
		HARNESS(!(write ? l1_write(&fz.m, pa, p, n) :
				  l1_read(&fz.m, pa, p, n)));
		iova += n;
		p += n;
		len -= n;
	}
	return 0;
}

static void l2_cpu_write(u64 iova, const void *b, u32 len)
{
	l2_cpu_access(iova, (void *)b, len, true);
}

static int l2_cpu_read(u64 iova, void *b, u32 len)
{
	return l2_cpu_access(iova, b, len, false);
}

/* ---- fds, mappings, eventfds --------------------------------------------- */

static void vma_drop(int i)
{
	lk_munmap(fz.vmas[i].vma);
	fz.vmas[i].vma = NULL;
}

static void fd_close(int slot)
{
	for (int i = 0; i < FZ_NVMA; i++)
		if (fz.vmas[i].vma && fz.vmas[i].slot == slot)
			fz.vmas[i].slot = -1;	/* lk unmaps it with the fd */
	lk_vfio_close(fz.fds[slot].fd);
	fz.fds[slot].fd = NULL;
}

/* QEMU's answer to the kernel's request for the device: unplug, close. */
static void fz_request(void *ctx)
{
	int slot = (int)(intptr_t)ctx;

	note("  request: fd slot %d closed by the VMM", slot);
	if (fz.fds[slot].fd)
		fd_close(slot);
}

static int fd_open(int slot, int dev, bool answer_requests)
{
	int err = 0;

	HARNESS(!fz.fds[slot].fd);
	fz.fds[slot].fd = lk_vfio_open(fz.c, fz_uuid[dev], &err);
	fz.fds[slot].dev = dev;
	if (fz.fds[slot].fd && answer_requests)
		lk_vfio_set_request(fz.fds[slot].fd, fz_request,
				    (void *)(intptr_t)slot);
	return fz.fds[slot].fd ? 0 : err;
}

/* An open fd, starting from the slot @sel names; -1: none. */
static int pick_fd(u8 sel)
{
	for (int i = 0; i < FZ_NFD; i++) {
		int slot = (sel + i) % FZ_NFD;

		if (fz.fds[slot].fd)
			return slot;
	}
	return -1;
}

static int efd_pick(u8 sel)
{
	switch (sel & 7) {
	case 0:
		return -1;			/* "no trigger" */
	case 1:
		return fz.stale_efd;		/* closed */
	case 2:
		return (int)(s32)getn(4);	/* anything */
	case 3:
		return sel >> 3;		/* stdin.. small numbers */
	default:
		return fz.efd[(sel >> 3) % FZ_NEFD];
	}
}

/* ---- VFIO accesses ----------------------------------------------------------- */

static ssize_t dev_rw(int slot, u64 off, void *b, size_t n, bool write)
{
	return write ? lk_vfio_pwrite(fz.fds[slot].fd, b, n, off) :
		       lk_vfio_pread(fz.fds[slot].fd, b, n, off);
}

static u32 pick_size(void)
{
	u8 s = get8();

	switch (s & 7) {
	case 0:
	case 1:
		return 4;
	case 2:
		return 8;
	case 3:
		return 1 + (s >> 7);
	case 4:
		return 3;
	case 5:
		return 64;
	case 6:
		return s >> 3;
	default:
		return (u32)getn(2) % (FZ_BUF + 1);
	}
}

static const u64 bar0_regs[] = {
	SIOV_REG_VERSION, SIOV_REG_GENCAP, SIOV_REG_WQCAP, SIOV_REG_OPCAP,
	SIOV_REG_GENCTRL, SIOV_REG_GENSTS, SIOV_REG_CMD, SIOV_REG_CMDSTS,
	SIOV_REG_INTCAUSE, SIOV_REG_ERRHEAD, SIOV_REG_ERRTAIL, SIOV_REG_ERRSTS,
	SIOV_REG_OFFSETS, SIOV_REG_ERRLOG, SIOV_REG_MSIX_TABLE,
	SIOV_REG_MSIX_TABLE + 0x10, SIOV_REG_MSIX_PBA,
	SIOV_REG_WQCFG + SIOV_WQ_CFG0, SIOV_REG_WQCFG + SIOV_WQ_CFG0 + 4,
	SIOV_REG_WQCFG + SIOV_WQ_CFG1, SIOV_REG_WQCFG + SIOV_WQ_CFG1 + 4,
	SIOV_REG_WQCFG + SIOV_WQ_CTL, SIOV_REG_WQCFG + SIOV_WQ_CTL + 4,
	SIOV_REG_WQCFG + SIOV_WQ_STS, SIOV_REG_WQCFG + SIOV_WQ_STS + 4,
	SIOV_REG_WQCFG + SIOV_WQCFG_STRIDE, SIOV_REG_IMS,
	SIOV_BAR0_SIZE - 4, SIOV_BAR0_SIZE,
};

static u64 pick_bar0_off(void)
{
	u8 s = get8();

	if (s & 1)
		return bar0_regs[(s >> 1) % ARRAY_SIZE(bar0_regs)];
	if (s & 2)
		return getn(2) & 0xfff;
	return getn(3);
}

static u64 pick_cfg_off(void)
{
	u8 s = get8();

	switch (s & 3) {
	case 0:
	case 1:
		return get8();
	case 2:
		return FZ_CFG_SIZE - (s >> 2) % 9;
	default:
		return getn(2);
	}
}

/* A config dword/word L2's PCI core would write; else raw bytes. */
static void cfg_write(int slot)
{
	u64 off = pick_cfg_off();
	u32 n = pick_size();

	getbytes(fz.buf, n > 16 ? 16 : n);
	memset(fz.buf + 16, 0, FZ_BUF - 16);
	note("cfg write fd%d off %#llx len %u", slot, off, n);
	dev_rw(slot, FZ_REGION(VFIO_PCI_CONFIG_REGION_INDEX) + off, fz.buf, n,
	       true);
}

/* A WQ_CFG0 value that reaches each of the driver's refusals. */
static u64 wq_cfg0_value(void)
{
	u8 f = get8(), s = get8();
	u64 size, v;

	switch (s & 7) {
	case 0:
		size = 0;
		break;
	case 1:
		size = 1;
		break;
	case 2:
		size = 128;	/* WQCAP.MAX_SIZE of the default PF */
		break;
	case 3:
		size = 129;
		break;
	case 4:
		size = 0xffff;
		break;
	default:
		size = s >> 3;
		break;
	}
	v = FIELD_PREP(SIOV_WQ_CFG0_SIZE, size);
	if (f & 0x01)
		v |= SIOV_WQ_CFG0_BOF_EN;
	if (f & 0x02)
		v |= SIOV_WQ_CFG0_PASID_EN |
		     FIELD_PREP(SIOV_WQ_CFG0_PASID, getn(3) & 0xfffff);
	if (f & 0x04)
		v |= SIOV_WQ_CFG0_PRIV;
	if (f & 0x08)
		v |= SIOV_WQ_CFG0_INT_IMS;
	if (f & 0x10)
		v |= FIELD_PREP(SIOV_WQ_CFG0_MODE, (u64)(f >> 6));
	if (f & 0x20)
		v |= getn(8) & SIOV_WQ_CFG0_RSVD;
	return v;
}

static void bar0_write(int slot)
{
	u8 k = get8();
	u64 off, v;
	u32 n = 4;

	switch (k & 7) {
	case 0:		/* WQ_CFG0, both halves */
		off = SIOV_REG_WQCFG + SIOV_WQ_CFG0;
		v = wq_cfg0_value();
		n = 8;
		break;
	case 1:		/* WQ_CFG1: interrupt handle */
		off = SIOV_REG_WQCFG + SIOV_WQ_CFG1;
		v = k & 0x80 ? getn(8) : (k >> 3) & 3;
		n = 8;
		break;
	case 2:		/* WQ_CTL */
		off = SIOV_REG_WQCFG + SIOV_WQ_CTL;
		v = k & 0x80 ? getn(4) : (k >> 3) & 1;
		n = k & 0x40 ? 8 : 4;
		break;
	case 3: {	/* a command */
		u32 code = (k >> 3) & 7, op = k & 0x80 ? (u32)getn(3) : 0;

		off = SIOV_REG_CMD;
		v = FIELD_PREP(SIOV_CMD_CODE, code) |
		    FIELD_PREP(SIOV_CMD_OPERAND, op & 0xfffff) |
		    (k & 0x40 ? SIOV_CMD_INT : 0);
		if ((op >> 20) & 1)
			v |= SIOV_CMD_RSVD & (u32)getn(4);
		break;
	}
	case 4:		/* GENCTRL */
		off = SIOV_REG_GENCTRL;
		v = k & 0x80 ? getn(4) : (k >> 3) & 3;
		break;
	case 5:		/* INTCAUSE RW1C, error log */
		off = k & 0x80 ? SIOV_REG_INTCAUSE : SIOV_REG_ERRHEAD;
		v = getn(4);
		break;
	default:	/* anything, anywhere, any size */
		off = pick_bar0_off();
		n = pick_size();
		v = getn(8);
		break;
	}
	memset(fz.buf, 0, n < FZ_BUF ? n : FZ_BUF);
	memcpy(fz.buf, &v, 8);
	note("bar0 write fd%d off %#llx len %u val %#llx", slot, off, n, v);
	dev_rw(slot, FZ_REGION(VFIO_PCI_BAR0_REGION_INDEX) + off, fz.buf, n,
	       true);
}

static void region_read(int slot)
{
	u8 k = get8();
	u64 off;
	u32 n = pick_size();

	switch (k & 3) {
	case 0:
		off = FZ_REGION(VFIO_PCI_CONFIG_REGION_INDEX) + pick_cfg_off();
		break;
	case 1:
		off = FZ_REGION(VFIO_PCI_BAR0_REGION_INDEX) + pick_bar0_off();
		break;
	case 2:
		off = FZ_REGION(k >> 4) + getn(2);	/* BAR2, absent ones */
		break;
	default:
		off = getn(8);
		break;
	}
	note("read fd%d off %#llx len %u", slot, off, n);
	dev_rw(slot, off, fz.buf, n, false);
}

/* ---- descriptors ---------------------------------------------------------- */

/* An address for a descriptor field: L2's, not L2's, L1's, anything. */
static u64 pick_addr(void)
{
	u8 s = get8();
	u64 off = get8() & 1 ? getn(2) & 0xfff : FZ_PAGE - 1 - (get8() & 63);
	u32 pg = get8();

	switch (s % 12) {
	case 0:
	case 1:
	case 2:
	case 3:		/* L2's RAM as mapped at start */
		return (pg % FZ_RAM_PAGES) * FZ_PAGE + off;
	case 4:		/* where fuzzed mappings go */
		return FZ_ALT_IOVA + (pg % FZ_WIN_PAGES) * FZ_PAGE + off;
	case 5:		/* past L2's RAM: not mapped at start */
		return (FZ_RAM_PAGES + pg % 32) * FZ_PAGE + off;
	case 6:		/* L1 physical address of L2's window (guards) */
		return fz.win + (pg % FZ_WIN_PAGES) * FZ_PAGE + off;
	case 7:		/* L1 kernel memory */
		return L1_KERN_BASE + (getn(3) % (L1_L2_BASE - L1_KERN_BASE));
	case 8:		/* the end of the address space */
		return ~0ULL - off;
	case 9:
		return getn(8);
	case 10:	/* a record slot */
		return FZ_CR_PAGE * FZ_PAGE + (pg & 0x7f) * SIOV_CR_SIZE;
	default:
		return 0;
	}
}

static u32 pick_xfer(void)
{
	u8 s = get8();

	switch (s & 7) {
	case 0:
		return 0;
	case 1:
	case 2:
		return 1 + (u32)getn(1);
	case 3:
		return 1 + (u32)getn(2) % (4 * FZ_PAGE);
	case 4:
		return FZ_PAGE * (1 + (s >> 3) % 4);
	case 5:
		return (1u << 21) + (s >> 7) - (s >> 6 & 1);
	case 6:
		return 1u << (s >> 3);
	default:
		return (u32)getn(4);
	}
}

/* One store to the portal: the mmap'ed page, else a trapped write. */
static int portal_store(int slot, const void *b, u32 len, u64 off,
			bool prefer_vma)
{
	for (int i = 0; prefer_vma && i < FZ_NVMA; i++) {
		if (fz.vmas[i].vma && fz.vmas[i].slot >= 0 &&
		    fz.fds[fz.vmas[i].slot].dev == fz.fds[slot].dev)
			return lk_vma_write(fz.vmas[i].vma, off, b, len);
	}
	return (int)dev_rw(slot, FZ_REGION(VFIO_PCI_BAR2_REGION_INDEX) + off,
			   (void *)b, len, true);
}

static void submit(int slot, struct siov_desc *d, bool zero_cr, bool vma)
{
	u64 cr = siov_desc_cr_addr(d);
	int ret;

	if (zero_cr) {
		struct siov_cr z = { { 0 } };

		l2_cpu_write(cr & ~31ULL, &z, sizeof(z));
	}
	ret = portal_store(slot, d, SIOV_DESC_SIZE, 0, vma);
	note("desc fd%d op %#x flags %#x cr %#llx src %#llx dst %#llx n %#x%s: %d",
	     slot, siov_desc_opcode(d), siov_desc_flags(d), cr,
	     siov_desc_src(d), siov_desc_dst(d), siov_desc_xfer_size(d),
	     vma ? " (vma)" : "", ret);
}

/* Every field from the input. */
static void desc_any(int slot)
{
	u8 k = get8(), o = get8();
	struct siov_desc d;
	u32 flags = k & 0x40 ? (u32)getn(3) : (k & 0x1f);

	memset(&d, 0, sizeof(d));
	siov_desc_init(&d, o & 0x80 ? o : (o & 0x3f) % 6, 0);
	d.val[0] |= (u64)(flags & 0xffffff) << 32;
	if (k & 0x20)
		d.val[0] |= getn(4);			/* rsvd0 */
	siov_desc_set_cr_addr(&d, pick_addr());
	siov_desc_set_src(&d, pick_addr());
	siov_desc_set_dst(&d, pick_addr());
	siov_desc_set_xfer_size(&d, pick_xfer());
	if (k & 0x80) {				/* reserved qwords */
		int q = 5 + get8() % 3;

		d.val[q] = getn(8);
	}
	submit(slot, &d, o & 0x40, get8() & 1);
}

/* A well-formed descriptor on L2's RAM, sizes and offsets from the input. */
static void desc_good(int slot)
{
	static const u8 ops[] = {
		SIOV_OP_MEMMOVE, SIOV_OP_MEMMOVE, SIOV_OP_FILL,
		SIOV_OP_COMPARE, SIOV_OP_NOOP, SIOV_OP_DRAIN,
	};
	u8 k = get8();
	u8 op = ops[(k & 7) % ARRAY_SIZE(ops)];
	u32 flags = SIOV_F_CRAV | SIOV_F_RCR | (k & 0x08 ? SIOV_F_RCI : 0) |
		    (k & 0x10 ? SIOV_F_BOF : 0) | (k & 0x20 ? SIOV_F_FENCE : 0);
	struct siov_desc d;
	u64 src, dst;
	u32 n;

	/* One read per statement: the input is consumed in a fixed order. */
	src = (get8() % 20) * FZ_PAGE;
	src += getn(2) & 0xfff;
	dst = (20 + get8() % 26) * FZ_PAGE;
	dst += getn(2) & 0xfff;
	n = 1 + (u32)getn(2) % (3 * FZ_PAGE);

	siov_desc_init(&d, op, flags);
	siov_desc_set_cr_addr(&d, FZ_CR_PAGE * FZ_PAGE +
			      (get8() & 0x7f) * SIOV_CR_SIZE);
	if (op != SIOV_OP_NOOP && op != SIOV_OP_DRAIN) {
		siov_desc_set_src(&d, op == SIOV_OP_FILL ? getn(8) : src);
		siov_desc_set_dst(&d, dst);
		siov_desc_set_xfer_size(&d, n);
	}
	submit(slot, &d, true, !(k & 0x40));
}

/* Not a descriptor: odd sizes and offsets into the portal page. */
static void portal_raw(int slot)
{
	u8 k = get8();
	u64 off = k & 1 ? getn(2) : (u64)(k >> 1 & 0x3f) * 64;
	u32 n = k & 2 ? pick_size() : (k & 4 ? 8 : 4);

	getbytes(fz.buf, n > 64 ? 64 : n);
	note("portal raw fd%d off %#llx len %u", slot, off, n);
	portal_store(slot, fz.buf, n, off, k & 0x80);
}

/* ---- ioctls ---------------------------------------------------------------------- */

static u32 pick_argsz(u32 good)
{
	u8 s = get8();

	switch (s & 3) {
	case 0:
	case 1:
		return good;
	case 2:
		return good - 1 - (s >> 2) % good;
	default:
		return (u32)getn(4);
	}
}

static void ioctl_info(int slot)
{
	static const unsigned int unknown[] = {
		VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, VFIO_DEVICE_PCI_HOT_RESET,
		VFIO_DEVICE_QUERY_GFX_PLANE, VFIO_DEVICE_IOEVENTFD,
		VFIO_DEVICE_FEATURE, VFIO_IOMMU_MAP_DMA, VFIO_GET_API_VERSION,
	};
	u8 k = get8();
	unsigned int cmd;
	void *arg = fz.buf;
	long ret;

	memset(fz.buf, 0, FZ_BUF);
	getbytes(fz.buf + 4, 12);	/* flags, index, ... */
	switch (k & 7) {
	case 0:
	case 1:
		cmd = VFIO_DEVICE_GET_REGION_INFO;
		((struct vfio_region_info *)fz.buf)->argsz =
			pick_argsz(sizeof(struct vfio_region_info));
		((struct vfio_region_info *)fz.buf)->index = k & 0x80 ?
			(u32)getn(4) : (k >> 3) % 10;
		break;
	case 2:
		cmd = VFIO_DEVICE_GET_INFO;
		((struct vfio_device_info *)fz.buf)->argsz =
			pick_argsz(sizeof(struct vfio_device_info));
		break;
	case 3:
		cmd = VFIO_DEVICE_GET_IRQ_INFO;
		((struct vfio_irq_info *)fz.buf)->argsz =
			pick_argsz(sizeof(struct vfio_irq_info));
		((struct vfio_irq_info *)fz.buf)->index = k & 0x80 ?
			(u32)getn(4) : (k >> 3) % 6;
		break;
	case 4:
		cmd = VFIO_DEVICE_RESET;
		break;
	case 5:
		cmd = unknown[(k >> 3) % ARRAY_SIZE(unknown)];
		break;
	case 6:
		cmd = (u32)getn(4);
		break;
	default:	/* the bad user pointer */
		cmd = (k & 0x18) == 0 ? VFIO_DEVICE_GET_INFO :
		      (k & 0x18) == 8 ? VFIO_DEVICE_GET_REGION_INFO :
		      (k & 0x18) == 0x10 ? VFIO_DEVICE_GET_IRQ_INFO :
		      VFIO_DEVICE_SET_IRQS;
		arg = NULL;
		break;
	}
	ret = lk_vfio_ioctl(fz.fds[slot].fd, cmd, arg);
	note("ioctl fd%d %#x: %ld", slot, cmd, ret);
}

static void ioctl_set_irqs(int slot)
{
	struct vfio_irq_set *set = (struct vfio_irq_set *)fz.buf;
	u8 k = get8(), c = get8();
	u32 minsz = sizeof(*set);
	long ret;

	memset(fz.buf, 0, FZ_BUF);
	set->index = k & 0x80 ? (u32)getn(4) :
		     k & 0x40 ? (k >> 3) % 6 : VFIO_PCI_MSIX_IRQ_INDEX;
	switch (k & 3) {
	case 0:
	case 1:
		set->flags = VFIO_IRQ_SET_ACTION_TRIGGER |
			     (k & 1 ? VFIO_IRQ_SET_DATA_EVENTFD :
				      VFIO_IRQ_SET_DATA_BOOL);
		break;
	case 2:
		set->flags = VFIO_IRQ_SET_ACTION_TRIGGER |
			     VFIO_IRQ_SET_DATA_NONE;
		break;
	default:
		set->flags = (u32)getn(4);
		break;
	}
	set->start = c & 0x80 ? (u32)getn(4) : c & 3;
	set->count = c & 0x40 ? (u32)getn(4) : (c >> 2) & 3;
	for (u32 i = 0; i < 4; i++) {
		if (set->flags & VFIO_IRQ_SET_DATA_EVENTFD)
			((s32 *)set->data)[i] = efd_pick(get8());
		else
			set->data[i] = get8();
	}
	set->argsz = c & 0x20 ? (u32)getn(4) % (FZ_BUF + 1) :
		     minsz + 4 * sizeof(s32);
	ret = lk_vfio_ioctl(fz.fds[slot].fd, VFIO_DEVICE_SET_IRQS, set);
	note("set_irqs fd%d argsz %u flags %#x index %u start %u count %u: %ld",
	     slot, set->argsz, set->flags, set->index, set->start,
	     set->count, ret);
}

/* ---- mmap ---------------------------------------------------------------------- */

static void do_mmap(u8 k)
{
	int slot = pick_fd(get8()), v = -1, err = 0;
	u64 off, len;

	for (int i = 0; i < FZ_NVMA; i++)
		if (!fz.vmas[i].vma)
			v = i;
	if (k & 0x80 || v < 0) {	/* munmap */
		v = get8() % FZ_NVMA;
		if (fz.vmas[v].vma) {
			note("munmap vma%d", v);
			vma_drop(v);
		}
		return;
	}
	if (slot < 0)
		return;
	switch ((k >> 3) & 3) {
	case 0:
	case 1:
		off = FZ_REGION(VFIO_PCI_BAR2_REGION_INDEX);
		len = FZ_PAGE;
		break;
	case 2:
		off = FZ_REGION(get8() % 10);
		off += (getn(2) & 0xf) * FZ_PAGE;
		len = (getn(2) & 0x3) * FZ_PAGE;
		len += get8() & 1;
		break;
	default:
		off = getn(8);
		len = getn(8);
		break;
	}
	fz.vmas[v].vma = lk_vfio_mmap(fz.fds[slot].fd, off, len, &err);
	fz.vmas[v].slot = slot;
	note("mmap fd%d off %#llx len %#llx: %d", slot, off, len, err);
}

/* ---- DMA map/unmap ------------------------------------------------------------------ */

static void do_map(void)
{
	u8 k = get8();
	u32 pg = get8() % FZ_WIN_PAGES;
	u32 npages = 1 + get8() % (FZ_WIN_PAGES - pg);
	u32 flags = k & 0x80 ? (u32)getn(4) :
		    (k & 3) ? (k & 3) : VFIO_DMA_MAP_FLAG_READ |
					VFIO_DMA_MAP_FLAG_WRITE;
	u64 iova;
	int ret;

	switch ((k >> 2) & 3) {
	case 0:
		iova = FZ_ALT_IOVA + (u64)(get8() % FZ_WIN_PAGES) * FZ_PAGE;
		break;
	case 1:
		iova = (u64)get8() * FZ_PAGE;	/* over L2's RAM, or beside */
		break;
	case 2:
		iova = getn(8) & ~(FZ_PAGE - 1);
		break;
	default:
		iova = getn(8);		/* unaligned: refused */
		break;
	}
	ret = dma_map(iova, pg, npages, flags);
	note("map iova %#llx -> window page %u, %u pages, flags %#x: %d",
	     iova, pg, npages, flags, ret);
}

static void do_unmap(void)
{
	u8 k = get8();
	u64 iova, size;
	int ret;

	if (k & 1) {		/* one whole live mapping: the usual case */
		for (int i = 0; i < FZ_NMAPS; i++) {
			struct fz_map *mp = &fz.maps[(k / 2 + i) % FZ_NMAPS];

			if (mp->live) {
				iova = mp->iova;
				size = (u64)mp->npages * FZ_PAGE;
				goto go;
			}
		}
		return;
	}
	switch ((k >> 1) & 3) {
	case 0:
		iova = (u64)get8() * FZ_PAGE;
		size = (u64)(1 + get8()) * FZ_PAGE;
		break;
	case 1:
		iova = FZ_ALT_IOVA + (u64)(get8() % FZ_WIN_PAGES) * FZ_PAGE;
		size = (u64)(1 + get8() % FZ_WIN_PAGES) * FZ_PAGE;
		break;
	case 2:
		iova = 0;
		size = ~(FZ_PAGE - 1);
		break;
	default:
		iova = getn(8);
		size = getn(8);
		break;
	}
go:
	ret = dma_unmap(iova, size);
	note("unmap iova %#llx size %#llx: %d", iova, size, ret);
}

/* ---- the L2 driver's bring-up (l2.c's sequence, with choices) ---------------- */

static int cfg_rw16(int slot, u32 off, u16 *v, bool write)
{
	return dev_rw(slot, FZ_REGION(VFIO_PCI_CONFIG_REGION_INDEX) + off, v,
		      2, write) == 2 ? 0 : -EIO;
}

static int bar0_rw(int slot, u32 off, u64 *v, u32 n, bool write)
{
	return dev_rw(slot, FZ_REGION(VFIO_PCI_BAR0_REGION_INDEX) + off, v,
		      n, write) == n ? 0 : -EIO;
}

/* The MSI-X capability, as L2's PCI core finds it; 0: none. */
static u32 find_msix(int slot)
{
	u16 v = 0;
	u32 pos;

	if (cfg_rw16(slot, PCI_CAPABILITY_LIST, &v, false))
		return 0;
	pos = v & 0xfc;
	for (int n = 0; pos && n < 48; n++) {
		if (cfg_rw16(slot, pos, &v, false))
			return 0;
		if ((v & 0xff) == PCI_CAP_ID_MSIX)
			return pos;
		pos = (v >> 8) & 0xfc;
	}
	return 0;
}

static int efd_get(int i)
{
	if (fz.efd[i] < 0)
		fz.efd[i] = lk_eventfd_create();
	return fz.efd[i];
}

/*
 * Bus master, MSI-X vectors 0/1 on eventfds, device enable, WQ 0 with
 * @size descriptors (BOF if asked and offered) on vector 1, enable, and
 * the portal mmap'ed when the region allows it.  0 when the WQ is on.
 */
static int bringup(int slot, u32 size, bool bof, bool irqs, bool map)
{
	u8 b[sizeof(struct vfio_irq_set) + 2 * sizeof(s32)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)b;
	struct vfio_region_info ri = {
		.argsz = sizeof(ri), .index = VFIO_PCI_BAR2_REGION_INDEX,
	};
	u64 gencap = 0, wqcap = 0, v, sts = 0;
	u16 cmd = 0, ctl = 0;
	u32 msix = 0;
	int ret;

	ret = cfg_rw16(slot, PCI_COMMAND, &cmd, false);
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	ret = ret ?: cfg_rw16(slot, PCI_COMMAND, &cmd, true);
	if (!ret && irqs) {
		s32 fds[2] = { efd_get(0), efd_get(1) };

		*set = (struct vfio_irq_set){
			.argsz = sizeof(b), .index = VFIO_PCI_MSIX_IRQ_INDEX,
			.flags = VFIO_IRQ_SET_DATA_EVENTFD |
				 VFIO_IRQ_SET_ACTION_TRIGGER,
			.start = 0, .count = 2,
		};
		memcpy(set->data, fds, sizeof(fds));
		ret = (int)lk_vfio_ioctl(fz.fds[slot].fd, VFIO_DEVICE_SET_IRQS,
					 set);
		if (!ret)
			msix = find_msix(slot);
		if (!ret && !msix)
			ret = -ENODEV;
		ret = ret ?: cfg_rw16(slot, msix + PCI_MSIX_FLAGS, &ctl, false);
		ctl |= PCI_MSIX_FLAGS_ENABLE;
		ret = ret ?: cfg_rw16(slot, msix + PCI_MSIX_FLAGS, &ctl, true);
	}
	ret = ret ?: bar0_rw(slot, SIOV_REG_GENCAP, &gencap, 8, false);
	ret = ret ?: bar0_rw(slot, SIOV_REG_WQCAP, &wqcap, 8, false);
	if (!size)
		size = FIELD_GET(SIOV_WQCAP_MAX_SIZE, wqcap);
	v = SIOV_GENCTRL_ENABLE;
	ret = ret ?: bar0_rw(slot, SIOV_REG_GENCTRL, &v, 4, true);
	fz.bof = bof && (gencap & SIOV_GENCAP_BOF);
	v = FIELD_PREP(SIOV_WQ_CFG0_SIZE, (u64)size) |
	    (fz.bof ? SIOV_WQ_CFG0_BOF_EN : 0);
	ret = ret ?: bar0_rw(slot, siov_wqcfg_offset(0, SIOV_WQ_CFG0), &v, 8,
			     true);
	v = FIELD_PREP(SIOV_WQ_CFG1_INT_HANDLE, 1ULL);
	ret = ret ?: bar0_rw(slot, siov_wqcfg_offset(0, SIOV_WQ_CFG1), &v, 8,
			     true);
	v = SIOV_WQ_CTL_ENABLE;
	ret = ret ?: bar0_rw(slot, siov_wqcfg_offset(0, SIOV_WQ_CTL), &v, 8,
			     true);
	ret = ret ?: bar0_rw(slot, siov_wqcfg_offset(0, SIOV_WQ_STS), &sts, 8,
			     false);
	if (!ret && FIELD_GET(SIOV_WQ_STS_STATE, sts) != SIOV_WQ_ENABLED)
		ret = -EIO;
	if (!ret && map &&
	    !lk_vfio_ioctl(fz.fds[slot].fd, VFIO_DEVICE_GET_REGION_INFO, &ri) &&
	    (ri.flags & VFIO_REGION_INFO_FLAG_MMAP)) {
		for (int i = 0; i < FZ_NVMA; i++) {
			int err;

			if (fz.vmas[i].vma)
				continue;
			fz.vmas[i].vma = lk_vfio_mmap(fz.fds[slot].fd,
						      ri.offset, FZ_PAGE, &err);
			fz.vmas[i].slot = slot;
			if (!fz.vmas[i].vma)
				ret = err;
			break;
		}
	}
	return ret;
}

static void do_bringup(int slot)
{
	u8 k = get8();
	u32 size = k & 0x80 ? get8() : 0;
	int ret = bringup(slot, size, k & 1, !(k & 2), !(k & 4));

	note("bring-up fd%d (dev %d) size %u bof %d: %d", slot,
	     fz.fds[slot].dev, size, k & 1, ret);
}

/* ---- the program -------------------------------------------------------------- */

static void do_efd(void)
{
	u8 k = get8();
	int i = (k >> 2) % FZ_NEFD;

	switch (k & 3) {
	case 0:
	case 1:
		if (fz.efd[i] < 0)
			fz.efd[i] = lk_eventfd_create();
		break;
	case 2:
		if (fz.efd[i] >= 0) {
			lk_eventfd_close(fz.efd[i]);
			fz.stale_efd = fz.efd[i];
			fz.efd[i] = -1;
		}
		break;
	default:
		if (fz.efd[i] >= 0)
			lk_eventfd_read(fz.efd[i]);
		break;
	}
	note("eventfd op %u slot %d: fd %d", k & 3, i, fz.efd[i]);
}

static void do_open_close(void)
{
	u8 k = get8();
	int slot = k % FZ_NFD, dev = (k >> 2) % (fz.two ? 2 : 1), ret;

	if (fz.fds[slot].fd) {
		note("close fd%d", slot);
		fd_close(slot);
		return;
	}
	ret = fd_open(slot, dev, !(k & 0x80));
	note("open fd%d dev %d: %d", slot, dev, ret);
}

static void do_mdev(void)
{
	u8 k = get8();
	int dev = (k >> 1) % (fz.two ? 2 : 1), ret;

	if (k & 1) {
		ret = l1_mdev_remove(&fz.m, fz_uuid[dev]);
		if (!ret)
			fz.exists[dev] = false;
		note("mdev %d remove: %d", dev, ret);
	} else {
		ret = l1_mdev_create(&fz.m, fz_uuid[dev]);
		if (!ret)
			fz.exists[dev] = true;
		note("mdev %d create: %d", dev, ret);
	}
}

static void do_cpu_write(void)
{
	u64 iova = (get8() % FZ_RAM_PAGES) * FZ_PAGE;
	u8 k;

	iova += getn(2) & 0xfc0;
	k = get8();

	memset(fz.buf, k & 1 ? 0 : k, 64);
	if (k & 2)
		getbytes(fz.buf, 32);
	l2_cpu_write(iova, fz.buf, 64);
	note("L2 writes 64 bytes at %#llx", iova);
}

static void step(u8 op)
{
	int slot;

	switch (op % 20) {
	case 0:
	case 1:
	case 2:
	case 3:
	case 4:
	case 5:
	case 6:
	case 7:
	case 8:
	case 9:
		slot = pick_fd(get8());
		if (slot < 0)
			break;
		switch (op % 20) {
		case 0:
			region_read(slot);
			break;
		case 1:
			cfg_write(slot);
			break;
		case 2:
		case 3:
			bar0_write(slot);
			break;
		case 4:
			desc_any(slot);
			break;
		case 5:
			desc_good(slot);
			break;
		case 6:
			portal_raw(slot);
			break;
		case 7:
			ioctl_info(slot);
			break;
		case 8:
			ioctl_set_irqs(slot);
			break;
		default:
			do_bringup(slot);
			break;
		}
		break;
	case 10:
		do_mmap(get8());
		break;
	case 11:
		do_map();
		break;
	case 12:
		do_unmap();
		break;
	case 13:
	case 14: {
		u64 n = 1 + getn(2) % FZ_RUN_MAX;

		note("run %llu events", n);
		l1_run(&fz.m, n);
		break;
	}
	case 15:
		do_efd();
		break;
	case 16:
		do_open_close();
		break;
	case 17:
		do_mdev();
		break;
	case 18:
		do_cpu_write();
		break;
	default:
		note("idle");
		break;
	}
}

/* After every step: what must hold at any time. */
static void check_step(void)
{
	const struct lk_stats *st = lk_stats();

	if (fz.m.p.s.oracle_violations)
		fz_fail("isolation oracle: %llu device accesses outside the VM",
			fz.m.p.s.oracle_violations);
	if (st->warns || st->lock_errors)
		fz_fail("L1 kernel: %llu WARN, %llu lock errors", st->warns,
			st->lock_errors);
	if (st->unmap_pin_leaks)
		fz_fail("%llu pages still pinned after VFIO dma_unmap",
			st->unmap_pin_leaks);
	guard_check_all("after a step");
}

/* ---- setup, recovery, teardown ----------------------------------------------- */

/*
 * L2's RAM at IOVA 0 (= L2 GPA 0), read/write: one run of L1 pages, or
 * scattered in 16 KiB chunks as a VMM's memory is in physical memory (so
 * that software mode meets buffers that are not DMA-contiguous).
 */
static void l2_ram_map(void)
{
	const u32 chunk = 4, n = FZ_RAM_PAGES / chunk;

	if (!fz.scatter) {
		HARNESS(!dma_map(0, 0, FZ_RAM_PAGES, VFIO_DMA_MAP_FLAG_READ |
						     VFIO_DMA_MAP_FLAG_WRITE));
		return;
	}
	/* 5 is prime to 12: chunk i of L2 is chunk 5i mod 12 of L1's. */
	for (u32 i = 0; i < n; i++)
		HARNESS(!dma_map(i * chunk * FZ_PAGE, (i * 5 % n) * chunk,
				 chunk, VFIO_DMA_MAP_FLAG_READ |
					VFIO_DMA_MAP_FLAG_WRITE));
}

/*
 * @cfg, input byte 0: bit 0 software mode, bit 2 nmdev.mode=auto (PASID
 * mode) or no vIOMMU PASIDs (software mode), bits 1/5/6 lazy L1 RAM, bit 3
 * two mdevs, bit 4 the VMM answers requests for the device, bit 7 L2's
 * RAM scattered.
 */
static void setup(u8 cfg)
{
	struct l1_cfg c = { 0 };
	int ret;

	fz.sw = cfg & 1;
	/*
	 * Lazy 7 times in 8: populating L1's 32 MiB up front costs as much
	 * as all the rest of a run.
	 */
	fz.lazy = cfg & 0x62;
	fz.two = cfg & 8;
	fz.scatter = cfg & 0x80;
	c.seed = 1;
	c.trace = trace;
	c.klog = klog;
	c.loglevel = 4;		/* warnings and errors reach klog_write */
	c.ram_bytes = L1_L2_BASE + FZ_WIN_PAGES * FZ_PAGE;
	c.lazy = fz.lazy;
	/*
	 * Bit 2: software mode on a vIOMMU without PASIDs (the platform it
	 * is for), PASID mode chosen by nmdev.mode=auto.
	 */
	c.no_pasid = fz.sw && (cfg & 4);
	c.nmdev_mode = fz.sw ? "sw" : cfg & 4 ? "auto" : "pasid";
	c.nr_wqs = FZ_NR_WQS;
	ret = l1_boot(&fz.m, &c);
	if (ret)
		fz_fail("HARNESS: l1_boot: %d", ret);
	fz.m.p.s.oracle_fatal = true;
	fz.win = l1_alloc_l2_ram(&fz.m, FZ_WIN_PAGES * FZ_PAGE);
	HARNESS(fz.win);
	for (u32 pg = FZ_RAM_PAGES; pg < FZ_WIN_PAGES; pg++)
		guard_fill(pg);

	fz.c = lk_vfio_container_create();
	HARNESS(fz.c);
	l2_ram_map();
	for (int i = 0; i < FZ_NEFD; i++)
		fz.efd[i] = -1;
	fz.stale_efd = -1;
	for (int d = 0; d < (fz.two ? FZ_NDEV : 1); d++) {
		ret = l1_mdev_create(&fz.m, fz_uuid[d]);
		if (ret)
			fz_fail("mdev %d create at boot: %d", d, ret);
		fz.exists[d] = true;
		/* fd slots d and d + 2 belong to device d at start. */
		ret = fd_open(d, d, cfg & 0x10);
		if (ret)
			fz_fail("open of mdev %d at boot: %d", d, ret);
	}
	check_step();
}

static bool cr_done(void *ctx)
{
	struct siov_cr cr = { { 0 } };

	l2_cpu_read(*(u64 *)ctx, &cr, sizeof(cr));
	return siov_cr_status(&cr) != SIOV_CS_NONE;
}

/*
 * Whatever the program did, L2's device works again once reopened: a
 * fresh open (which resets it), the driver's bring-up, one MEMMOVE across
 * page boundaries, data checked.
 */
static void recovery(void)
{
	const u64 src = 3 * FZ_PAGE + 0x900, dst = 9 * FZ_PAGE + 0x340;
	const u64 cr = FZ_CR_PAGE * FZ_PAGE + 0x7e0;
	const u32 n = 2 * FZ_PAGE + 0x123;
	u8 a[3 * FZ_PAGE], b[3 * FZ_PAGE];
	struct siov_cr rec = { { 0 } };
	struct siov_desc d;
	u64 cr_addr = cr, irqs = 0;
	int ret, i;

	fz.step = FZ_END;
	dma_unmap_all();
	l2_ram_map();
	if (!fz.exists[0]) {
		ret = l1_mdev_create(&fz.m, fz_uuid[0]);
		if (ret)
			fz_fail("recovery: mdev create: %d", ret);
		fz.exists[0] = true;
	}
	ret = fd_open(0, 0, true);
	if (ret)
		fz_fail("recovery: open: %d", ret);
	ret = bringup(0, 0, true, true, true);
	note("recovery: bring-up %d, t=%llu", ret, fz.m.p.s.now);
	if (ret)
		fz_fail("recovery: bring-up of a freshly opened mdev: %d", ret);

	for (u32 k = 0; k < n; k++)
		a[k] = (u8)(k * 13 + 7);
	memset(b, 0, sizeof(b));
	l2_cpu_write(src, a, n);
	l2_cpu_write(dst, b, n);
	l2_cpu_write(cr, &rec, sizeof(rec));
	siov_desc_init(&d, SIOV_OP_MEMMOVE, SIOV_F_CRAV | SIOV_F_RCR |
		       SIOV_F_RCI | (fz.bof ? SIOV_F_BOF : 0));
	siov_desc_set_cr_addr(&d, cr);
	siov_desc_set_src(&d, src);
	siov_desc_set_dst(&d, dst);
	siov_desc_set_xfer_size(&d, n);
	ret = portal_store(0, &d, SIOV_DESC_SIZE, 0, true);
	if (ret != 0 && ret != SIOV_DESC_SIZE)
		fz_fail("recovery: portal store: %d", ret);
	for (i = 0; i < FZ_WAIT_ROUNDS && !cr_done(&cr_addr); i++)
		l1_run(&fz.m, 1000);
	note("recovery: MEMMOVE done after %d rounds, t=%llu", i,
	     fz.m.p.s.now);
	HARNESS(!l2_cpu_read(cr, &rec, sizeof(rec)));
	if (siov_cr_status(&rec) != SIOV_CS_SUCCESS)
		fz_fail("recovery: MEMMOVE status %#x (record %#llx %#llx) after %d rounds",
			siov_cr_status(&rec), rec.val[0], rec.val[1], i);
	HARNESS(!l2_cpu_read(dst, b, n));
	if (memcmp(a, b, n))
		fz_fail("recovery: MEMMOVE reported success, data differs");
	for (i = 0; i < FZ_WAIT_ROUNDS && !irqs; i++) {
		irqs = lk_eventfd_read(fz.efd[1]);
		l1_run(&fz.m, 1000);
	}
	if (!irqs)
		fz_fail("recovery: no completion interrupt on MSI-X vector 1");
	for (i = 0; i < FZ_NVMA; i++)
		if (fz.vmas[i].vma)
			vma_drop(i);
	fd_close(0);
}

static void efd_close_all(void)
{
	for (int i = 0; i < FZ_NEFD; i++) {
		if (fz.efd[i] >= 0)
			lk_eventfd_close(fz.efd[i]);
		fz.efd[i] = -1;
	}
}

static void teardown(void)
{
	const struct lk_stats *st;
	u64 residue;
	int ret;

	fz.step = FZ_END;
	if (verbose) {
		char t[2048];
		ssize_t n = lk_debugfs_read("nmdev/" L1_PF_NAME "/mdevs", t,
					    sizeof(t) - 1);

		note("debugfs nmdev mdevs:\n%.*s", (int)(n > 0 ? n : 0), t);
	}
	for (int i = 0; i < FZ_NVMA; i++)
		if (fz.vmas[i].vma)
			vma_drop(i);
	for (int i = 0; i < FZ_NFD; i++)
		if (fz.fds[i].fd)
			fd_close(i);
	efd_close_all();
	check_step();

	recovery();
	efd_close_all();
	check_step();

	dma_unmap_all();
	lk_vfio_container_destroy(fz.c);
	fz.c = NULL;
	for (int d = 0; d < FZ_NDEV; d++) {
		if (!fz.exists[d])
			continue;
		ret = l1_mdev_remove(&fz.m, fz_uuid[d]);
		if (ret)
			fz_fail("mdev %d remove at the end: %d", d, ret);
	}
	l1_run(&fz.m, 100000);
	check_step();
	residue = l1_host_residue(&fz.m);
	if (residue)
		fz_fail("host residue %llu after every mdev is gone", residue);

	l1_shutdown(&fz.m);
	st = lk_stats();
	if (st->warns || st->lock_errors || st->unmap_pin_leaks || st->leaks)
		fz_fail("L1 shutdown: %llu warns, %llu lock errors, %llu unmap pin leaks, %llu leaks",
			st->warns, st->lock_errors, st->unmap_pin_leaks,
			st->leaks);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const cookie_io_functions_t io = { .write = klog_write };

	verbose = getenv("FUZZ_NMDEV_VERBOSE") != NULL;
	if (getenv("FUZZ_NMDEV_TRACE"))
		trace = fopen(getenv("FUZZ_NMDEV_TRACE"), "w");
	guard_init();
	klog = fopencookie(NULL, "w", io);
	if (!klog)
		abort();
	setvbuf(klog, NULL, _IONBF, 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	memset(&fz, 0, sizeof(fz));
	fz.data = data;
	fz.size = size;
	setup(get8());
	note("boot: nmdev.mode=%s%s%s%s", fz.m.cfg.nmdev_mode,
	     fz.m.cfg.no_pasid ? ", no PASIDs" : "",
	     fz.lazy ? ", lazy" : "", fz.two ? ", two mdevs" : "");
	while (fz.pos < fz.size && fz.step < FZ_MAX_STEPS) {
		fz.step++;
		step(get8());
		check_step();
		note("  t=%llu iopf groups %llu responses %llu, works %llu/%llu",
		     fz.m.p.s.now, lk_stats()->iopf_groups,
		     lk_stats()->iopf_responses, lk_stats()->works_run,
		     lk_stats()->works_queued);
	}
	teardown();
	return 0;
}
