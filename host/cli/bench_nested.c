// SPDX-License-Identifier: GPL-2.0
/*
 * Nested-machine benchmarks (guest/sim/l1.h, l2.h), all on the simulated
 * platform.  Throughputs are MiB/s of SIMULATED time: what the models
 * charge (the PF runs one descriptor per desc_latency_ns event, a trapped
 * L2 access costs trap_ns, page requests their round trips), not the
 * host CPU time the simulation takes.  They are deterministic.
 *
 *   throughput_direct_pf     4 KiB MEMMOVEs the L1 kernel submits itself
 *                            to a PF work queue without PASID (its own
 *                            DMA: RID_PASID, L1 physical addresses through
 *                            the identity domain), no nesting, the WQ
 *                            kept full as l2_stream() keeps it
 *   throughput_nested_hw     an L2 VM through a nested mdev in PASID mode
 *                            (portal mmap'ed), after a warm-up pass that
 *                            faulted its buffers in
 *   throughput_nested_sw     the same with nmdev.mode=sw (trapped portal)
 *   nested_hw_over_direct    goal >= 0.95
 *   nested_hw_over_sw        goal >= 2
 *   create_4096_mdevs_ms     wall-clock ms of 4096 `create` writes on a
 *                            PF with 4096 WQs; _cpu_ms the CPU time the
 *                            process spent meanwhile (what a loaded
 *                            machine does not inflate as much);
 *                            _sim_ms the simulated time;
 *                            _created how many succeeded; _usable_wqs the
 *                            driver's available_instances before and
 *                            _msix_vectors the PF's vectors (what would
 *                            limit a driver that wants one per WQ);
 *                            _first_error the errno of the first refused
 *                            create (0: none)
 *   pinned_over_touched      pages nmdev pinned on demand / distinct L2
 *                            pages the device touched, for moves spread
 *                            sparsely over a large L2 RAM (goal 1.0)
 *   pinned_everything_over_touched  the pin-everything baseline: L2 RAM
 *                            pages / touched pages
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "scenario.h"
#include "../../guest/sim/l2.h"

#define BN_XFER		4096u
#define BN_WARM		256u		/* warm-up descriptors */
#define BN_OPS		8192u		/* measured descriptors */
#define BN_UUID		"6e6d6465-7600-4000-8000-0000000000b1"
#define BN_MANY		4096u
#define BN_SPARSE_RAM	(256 * SCN_MIB)
#define BN_SPARSE_OPS	64u
#define BN_SPARSE_STRIDE (2 * SCN_MIB)	/* between two moves' sources */
/*
 * The sweeps: each descriptor moves the next 4 KiB of a span, so every
 * translation misses the PF's 64-entry device TLB; 2 MiB per buffer fits
 * the IOMMU's 4096-entry IOTLB (1024 pages in all), 32 MiB does not
 * (16384 pages): those walks are cold, nested 4-over-4 or second stage.
 */
#define BN_SPAN_IOTLB	(2 * SCN_MIB)
#define BN_SPAN_COLD	(32 * SCN_MIB)

/* CPU time of the whole process (user and system), in ns. */
static u64 cpu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

static double mib_per_s(u64 bytes, u64 ns)
{
	return ns ? (double)bytes / (double)ns * 1e9 / (double)SCN_MIB : 0;
}

/* ---------------------------------------------------------------- */
/* The L1 kernel's own DMA to a PF WQ                               */
/* ---------------------------------------------------------------- */
struct bn_direct {
	struct siov_pf *pf;
	u64 done_at_least;
};

static bool completed_enough(void *ctx)
{
	struct bn_direct *d = ctx;

	return siov_pf_stats(d->pf)->descs_completed >= d->done_at_least;
}

/*
 * The WQ is programmed through BAR0 as the L1 kernel would (it owns the
 * PF's BARs through passthrough): dedicated, no PASID, size @wq_size.
 * The last WQ: nmdev hands out WQs from the first, and no mdev exists.
 */
static int direct_wq_enable(struct l1 *m, u32 wq, u32 wq_size)
{
	u64 cfg0 = FIELD_PREP(SIOV_WQ_CFG0_SIZE, (u64)wq_size), sts;

	siov_pf_mmio_write(m->p.pf, SIOV_BAR0,
			   siov_wqcfg_offset(wq, SIOV_WQ_CFG0), 8, cfg0);
	siov_pf_mmio_write(m->p.pf, SIOV_BAR0,
			   siov_wqcfg_offset(wq, SIOV_WQ_CFG1), 8, 0);
	siov_pf_mmio_write(m->p.pf, SIOV_BAR0,
			   siov_wqcfg_offset(wq, SIOV_WQ_CTL), 8,
			   SIOV_WQ_CTL_ENABLE);
	sts = siov_pf_mmio_read(m->p.pf, SIOV_BAR0,
				siov_wqcfg_offset(wq, SIOV_WQ_STS), 8);
	return FIELD_GET(SIOV_WQ_STS_STATE, sts) == SIOV_WQ_ENABLED ? 0 : -EIO;
}

/* @n MEMMOVEs src -> dst (L1 physical), at most @depth in flight. */
static long direct_stream(struct l1 *m, u32 wq, u32 depth, u64 src, u64 dst,
			  u64 span, u64 cr, u32 n, u64 *ns)
{
	const struct siov_pf_stats *st = siov_pf_stats(m->p.pf);
	u64 c0 = st->descs_completed, ok0 = st->status[SIOV_CS_SUCCESS];
	struct bn_direct d = { .pf = m->p.pf };
	u64 t0 = m->p.s.now;
	struct siov_desc desc;
	u32 sent = 0;

	siov_desc_init(&desc, SIOV_OP_MEMMOVE, SIOV_F_CRAV | SIOV_F_RCR);
	siov_desc_set_xfer_size(&desc, BN_XFER);
	siov_desc_set_cr_addr(&desc, cr);
	while (st->descs_completed - c0 < n) {
		while (sent < n && sent - (st->descs_completed - c0) < depth) {
			u64 off = (u64)sent * BN_XFER % span;

			siov_desc_set_src(&desc, src + off);
			siov_desc_set_dst(&desc, dst + off);
			if (siov_pf_portal_write(m->p.pf,
						 siov_portal_offset(wq), &desc,
						 SIOV_DESC_SIZE))
				break;
			sent++;
		}
		d.done_at_least = st->descs_completed + 1;
		if (!hostdrv_run_until(m->p.hd, completed_enough, &d, 1000000))
			break;
	}
	*ns = m->p.s.now - t0;
	return (long)(st->status[SIOV_CS_SUCCESS] - ok0);
}

/*
 * L1's own 4 KiB MEMMOVEs on a PF WQ without PASID, over @span bytes of
 * each buffer; a warm-up sweep first, then BN_OPS measured.
 */
static double bench_direct(u32 depth, u64 span)
{
	struct l1_cfg cfg = { .nmdev_mode = "pasid" };
	struct l1 *m = calloc(1, sizeof(*m));
	u32 wq, warm = span > BN_XFER ? (u32)(span / BN_XFER) : BN_WARM;
	u64 buf, ns = 0;
	long done;
	double v = -1;

	if (!m || l1_boot(m, &cfg)) {
		free(m);
		return -1;
	}
	wq = siov_pf_nr_wqs(m->p.pf) - 1;
	buf = l1_alloc_l2_ram(m, 2 * span + BN_XFER);
	if (buf && !direct_wq_enable(m, wq, depth)) {
		static u8 pat[BN_XFER], got[BN_XFER];

		for (u32 i = 0; i < BN_XFER; i++)
			pat[i] = (u8)(i * 7 + 3);
		for (u64 off = 0; off < span; off += BN_XFER)
			l1_write(m, buf + off, pat, sizeof(pat));
		direct_stream(m, wq, depth, buf, buf + span, span,
			      buf + 2 * span, warm, &ns);
		done = direct_stream(m, wq, depth, buf, buf + span, span,
				     buf + 2 * span, BN_OPS, &ns);
		/* The copies happened: a rate of nothing is no rate. */
		if (done == BN_OPS &&
		    !l1_read(m, buf + span + span - BN_XFER, got, sizeof(got)) &&
		    !memcmp(got, pat, sizeof(pat)))
			v = mib_per_s((u64)BN_OPS * BN_XFER, ns);
		siov_pf_mmio_write(m->p.pf, SIOV_BAR0,
				   siov_wqcfg_offset(wq, SIOV_WQ_CTL), 8, 0);
	}
	l1_shutdown(m);
	free(m);
	return v;
}

/* ---------------------------------------------------------------- */
/* An L2 VM through one nested mdev                                 */
/* ---------------------------------------------------------------- */
struct bn_l2 {
	struct l1 m;
	struct l2_vm *vm;
	struct l2_dev *d;
};

static int l2_setup(struct bn_l2 *b, const char *mode, u64 l1_ram,
		    u64 l2_ram)
{
	struct l1_cfg cfg = { .nmdev_mode = mode, .ram_bytes = l1_ram };
	int ret;

	ret = l1_boot(&b->m, &cfg);
	if (ret)
		return ret;
	ret = l1_mdev_create(&b->m, BN_UUID);
	if (!ret) {
		b->vm = l2_vm_create(&b->m, "bench", l2_ram);
		ret = b->vm ? l2_dev_attach(b->vm, BN_UUID, true, &b->d) :
			      -ENOMEM;
	}
	if (ret) {
		l2_vm_destroy(b->vm);
		b->vm = NULL;
		l1_shutdown(&b->m);
	}
	return ret;
}

static void l2_teardown(struct bn_l2 *b)
{
	if (b->vm)
		l2_vm_destroy(b->vm);
	l1_mdev_remove(&b->m, BN_UUID);
	l1_shutdown(&b->m);
}

/*
 * Steady state.  The warm-up first sends one descriptor alone, so that
 * src, dst and l2_stream()'s completion-record ring fault in one at a
 * time, then a full-depth pass; the measured pass faults nowhere.
 */
static double bench_nested_tp(const char *mode, u64 span, u32 *wq_size)
{
	struct bn_l2 *b = calloc(1, sizeof(*b));
	u32 warm = span > BN_XFER ? (u32)(span / BN_XFER) : BN_WARM;
	double v = -1;
	u64 src, dst, ns = 0;

	if (!b || l2_setup(b, mode, 0, 2 * span + 64 * SCN_MIB)) {
		free(b);
		return -1;
	}
	*wq_size = b->d->wq_size;
	src = l2_alloc(b->vm, span);
	dst = l2_alloc(b->vm, span);
	if (src && dst && !l2_fill(b->vm, src, span, 7) &&
	    l2_stream(b->d, src, dst, BN_XFER, 1, &ns) == 1 &&
	    l2_stream_span(b->d, src, dst, BN_XFER, span, warm, &ns) == warm &&
	    l2_stream_span(b->d, src, dst, BN_XFER, span, BN_OPS, &ns) == BN_OPS)
		v = mib_per_s((u64)BN_OPS * BN_XFER, ns);
	l2_teardown(b);
	free(b);
	return v;
}

/* ---------------------------------------------------------------- */
/* 4096 mdevs through sysfs                                         */
/* ---------------------------------------------------------------- */
static void bench_create_many(void)
{
	struct l1_cfg cfg = { .nr_wqs = BN_MANY, .ram_bytes = 256 * SCN_MIB };
	struct l1 *m = calloc(1, sizeof(*m));
	char uuid[SCN_UUID_LEN + 1];
	u64 t0, c0, s0, created = 0;
	int first_err = 0;
	long avail;

	if (!m || l1_boot(m, &cfg)) {
		free(m);
		bench_report("create_4096_mdevs_ms", -1);
		return;
	}
	avail = l1_mdev_available(m);
	s0 = m->p.s.now;
	c0 = cpu_now_ns();
	t0 = bench_now_ns();
	for (u32 i = 0; i < BN_MANY; i++) {
		int ret;

		scenario_gen_uuid(i, uuid);
		ret = l1_mdev_create(m, uuid);
		if (!ret)
			created++;
		else if (!first_err)
			first_err = ret;
	}
	bench_report("create_4096_mdevs_ms",
		     (double)(bench_now_ns() - t0) / 1e6);
	bench_report("create_4096_mdevs_cpu_ms",
		     (double)(cpu_now_ns() - c0) / 1e6);
	bench_report("create_4096_mdevs_sim_ms",
		     (double)(m->p.s.now - s0) / 1e6);
	bench_report("create_4096_mdevs_created", (double)created);
	bench_report("create_4096_mdevs_usable_wqs", (double)avail);
	bench_report("create_4096_mdevs_msix_vectors",
		     (double)FIELD_GET(SIOV_GENCAP_NR_MSIX,
				       siov_pf_mmio_read(m->p.pf, SIOV_BAR0,
							 SIOV_REG_GENCAP, 8)));
	bench_report("create_4096_mdevs_first_error", (double)-first_err);
	l1_shutdown(m);
	free(m);
}

/* ---------------------------------------------------------------- */
/* Demand pinning against pinning everything                        */
/* ---------------------------------------------------------------- */
static void bench_pinning(void)
{
	struct bn_l2 *b = calloc(1, sizeof(*b));
	u64 base, cr, touched = 0;
	long long pinned;
	bool ok = true;

	if (!b || l2_setup(b, "pasid", BN_SPARSE_RAM + 64 * SCN_MIB,
			   BN_SPARSE_RAM)) {
		free(b);
		bench_report("pinned_over_touched", -1);
		return;
	}
	/*
	 * One page of records, then sources every BN_SPARSE_STRIDE with the
	 * destination page after each: 2 pages per move, 1 for the records.
	 */
	cr = l2_alloc(b->vm, 4096);
	base = l2_alloc(b->vm, (u64)BN_SPARSE_OPS * BN_SPARSE_STRIDE);
	if (!cr || !base)
		ok = false;
	for (u32 i = 0; ok && i < BN_SPARSE_OPS; i++) {
		u64 src = base + (u64)i * BN_SPARSE_STRIDE;

		ok = !l2_fill(b->vm, src, BN_XFER, (u8)i) &&
		     l2_memmove(b->d, src, src + BN_XFER, BN_XFER, cr) ==
			     SIOV_CS_SUCCESS &&
		     l2_check(b->vm, src + BN_XFER, BN_XFER, (u8)i);
		touched += 2;
	}
	touched += 1;
	pinned = l1_mdev_attr(&b->m, BN_UUID, "pinned_pages");
	if (ok && pinned >= 0) {
		bench_report("pinned_over_touched",
			     (double)pinned / (double)touched);
		bench_report("pinned_everything_over_touched",
			     (double)(BN_SPARSE_RAM / 4096) / (double)touched);
		bench_report("pinning_pinned_pages", (double)pinned);
		bench_report("pinning_touched_pages", (double)touched);
	} else {
		bench_report("pinned_over_touched", -1);
	}
	l2_teardown(b);
	free(b);
}

void bench_nested(void)
{
	double direct, hw, sw;
	u32 wq_size = 0, wq_size_sw = 0;

	hw = bench_nested_tp("pasid", BN_XFER, &wq_size);
	sw = bench_nested_tp("sw", BN_XFER, &wq_size_sw);
	direct = bench_direct(wq_size ? wq_size : 32, BN_XFER);
	bench_report("throughput_direct_pf", direct);
	bench_report("throughput_nested_hw", hw);
	bench_report("throughput_nested_sw", sw);
	bench_report("nested_hw_over_direct", direct > 0 && hw > 0 ?
		     hw / direct : -1);
	bench_report("nested_hw_over_sw", hw > 0 && sw > 0 ? hw / sw : -1);
	bench_report("throughput_trap_ns", LK_DEFAULT_TRAP_NS);
	/* Sweeps: every descriptor misses the device TLB. */
	for (int i = 0; i < 2; i++) {
		static const char *const keys[2][3] = {
			{ "throughput_direct_pf_iotlb_warm",
			  "throughput_nested_hw_iotlb_warm",
			  "nested_hw_over_direct_iotlb_warm" },
			{ "throughput_direct_pf_iotlb_cold",
			  "throughput_nested_hw_iotlb_cold",
			  "nested_hw_over_direct_iotlb_cold" },
		};
		u64 span = i ? BN_SPAN_COLD : BN_SPAN_IOTLB;

		hw = bench_nested_tp("pasid", span, &wq_size);
		direct = bench_direct(wq_size ? wq_size : 32, span);
		bench_report(keys[i][0], direct);
		bench_report(keys[i][1], hw);
		bench_report(keys[i][2], direct > 0 && hw > 0 ? hw / direct : -1);
	}
	fprintf(stderr, "bench: throughput_* are MiB/s of simulated time (the models' device and trap costs), see docs/bench.md\n");
	bench_create_many();
	bench_pinning();
}
