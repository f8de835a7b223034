// SPDX-License-Identifier: GPL-2.0
/*
 * Fault router benchmarks: host wall time of one I/O page fault round trip
 * on the simulated platform, the PF blocking on fault through the physical
 * unit's PRQ, the host driver and the router.
 *
 *   iopf_fs_roundtrip_ns   a descriptor hits an IOVA the guest's first
 *                          stage does not map: PF page request, PRQ drain,
 *                          the router classifies (nested walk), injects
 *                          into the guest's vPRQ, a model guest maps the
 *                          page in its FS table and answers at once, the
 *                          router answers the device, the PF retries and
 *                          completes (goal <= 10000)
 *   iopf_ss_roundtrip_ns   the guest maps the IOVA to a GPA the host has
 *                          not backed: the router populates and answers
 *                          without the guest (goal <= 3000)
 *   iopf_fs_sim_ns, iopf_ss_sim_ns
 *                          simulated time of the same round trips
 *
 * The model guest is the router's guest-side callback table: what the
 * vIOMMU + guest driver would do, minus the guest's own ring handling.
 * Untimed between iterations: the page is taken away again (FS PTE
 * cleared / GPA unpopulated) and the IOTLB and device TLB flushed.
 * Each figure is the median over batches of the mean per round trip.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "fault_router.h"
#include "sim/platform.h"

#define BI_BATCHES	11
#define BI_ITERS	200
#define BI_PASID	0x40
#define BI_GPASID	0x10
#define BI_DID		0x300
#define BI_IOVA		0x7f0000000000ULL
#define BI_MB		(1ULL << 20)
#define BI_TBL		(15 * BI_MB)
#define BI_CR		0x1f0000ULL
#define BI_PTE		0x7ULL		/* FS P|RW|US */

struct bi {
	struct sim_platform p;
	struct fault_router *fr;
	u64 tbl_next;
	u32 answered;
};

static u64 bi_rd(struct bi *b, u64 gpa)
{
	u64 v = 0;

	sim_mem_read(b->p.s.mem, sim_vm_id(b->p.vm), gpa, &v, 8);
	return v;
}

static void bi_wr(struct bi *b, u64 gpa, u64 v)
{
	sim_mem_write(b->p.s.mem, sim_vm_id(b->p.vm), gpa, &v, 8);
}

/* The guest's FS PTE slot for @va (tables created on the way). */
static u64 bi_slot(struct bi *b, u64 va)
{
	u64 table = BI_TBL;

	for (int l = 4; l > 1; l--) {
		u64 ea = table + 8 * ((va >> (12 + 9 * (l - 1))) & 511);
		u64 e = bi_rd(b, ea);

		if (!(e & 1)) {
			e = b->tbl_next | BI_PTE;
			b->tbl_next += 4096;
			bi_wr(b, ea, e);
		}
		table = e & GENMASK_ULL(51, 12);
	}
	return table + 8 * ((va >> 12) & 511);
}

static int bi_lookup(void *ctx, u32 phys_pasid, struct shadow_pasid_info *out)
{
	if (phys_pasid != BI_PASID)
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	out->phys_pasid = BI_PASID;
	out->guest_pasid = BI_GPASID;
	out->host_did = BI_DID;
	out->guest_pgtt = VTD_PGTT_FS;
	out->phys_pgtt = VTD_PGTT_NESTED;
	out->fs_root = BI_TBL;
	out->fs_levels = 4;
	out->sre = true;
	return 0;
}

/* The model guest: map IOVA + x -> GPA x, answer at once. */
static int bi_inject(void *ctx, const struct piommu_page_req *req)
{
	struct bi *b = ctx;

	bi_wr(b, bi_slot(b, req->addr), (req->addr - BI_IOVA) | BI_PTE);
	b->answered++;
	fault_router_guest_response(b->fr, req->rid, req->pasid_present,
				    req->pasid, req->prg_index,
				    VTD_PRG_RESP_SUCCESS);
	return 0;
}

static int bi_record(void *ctx, const struct piommu_fault *f)
{
	return 0;
}

static void bi_fini(struct bi *b)
{
	fault_router_destroy(b->fr);
	sim_platform_fini(&b->p);
}

static int bi_init(struct bi *b)
{
	struct piommu_fs_cfg fs = { .root = BI_TBL, .levels = 4, .sre = true };
	struct sim_platform_cfg pc;
	struct fault_router_cfg c;
	struct hostdrv_dev_info di;

	memset(b, 0, sizeof(*b));
	sim_platform_default_cfg(&pc);
	pc.vm.lazy = true;
	if (sim_platform_init(&b->p, &pc))
		return -1;
	for (u64 g = 0; g < 2 * BI_MB; g += 4096)
		sim_vm_populate(b->p.vm, g);
	for (u64 g = BI_TBL; g < BI_TBL + BI_MB; g += 4096)
		sim_vm_populate(b->p.vm, g);
	b->tbl_next = BI_TBL + 4096;
	for (u64 g = 0; g < 2 * BI_MB; g += 4096)
		bi_wr(b, bi_slot(b, BI_IOVA + g), g | BI_PTE);
	memset(&c, 0, sizeof(c));
	c.s = &b->p.s;
	c.vm = b->p.vm;
	c.piommu = b->p.pi;
	c.phys_rid = b->p.rid;
	c.guest_rid = 0x18;
	if (!hostdrv_dev_info(b->p.hd, b->p.rid, &di))
		c.rid_pasid = di.rid_pasid;
	c.guest.lookup_phys = bi_lookup;
	c.guest.inject_page_request = bi_inject;
	c.guest.record_fault = bi_record;
	c.guest.ctx = b;
	b->fr = fault_router_create(&c);
	if (!b->fr ||
	    b->p.pi->ops->set_nested(b->p.pi, b->p.rid, BI_PASID, BI_DID, &fs,
				     b->p.vm) ||
	    sim_platform_wq_enable(&b->p, 0, true, BI_PASID, true)) {
		bi_fini(b);
		return -1;
	}
	return 0;
}

/* Untimed: drop cached translations of the PASID (IOTLB, device TLB). */
static void bi_flush(struct bi *b)
{
	struct vsva_inv_op ops[2] = {
		{ .kind = VSVA_INV_PIOTLB, .gran = VSVA_INV_G_PASID,
		  .did = BI_DID, .pasid = BI_PASID },
		{ .kind = VSVA_INV_PDEVTLB, .gran = VSVA_INV_G_PASID,
		  .sid = b->p.rid, .pfsid = b->p.rid, .pasid = BI_PASID,
		  .size_lg2 = 64 },
	};

	b->p.pi->ops->inv_submit(b->p.pi, ops, 2);
}

/* One round trip kind; *@sim_ns the simulated time per round trip. */
static double bi_run(bool fs_fault, double *sim_ns)
{
	const u64 iova = BI_IOVA + 6 * BI_MB, gpa = 6 * BI_MB;
	double v[BI_BATCHES], sv[BI_BATCHES];
	struct siov_desc d;
	struct bi b;
	u64 slot;
	u32 want;

	if (bi_init(&b))
		return -1;
	slot = bi_slot(&b, iova);
	sim_vm_populate(b.p.vm, gpa);
	siov_desc_init(&d, SIOV_OP_FILL, SIOV_F_BOF | SIOV_F_CRAV);
	siov_desc_set_cr_addr(&d, BI_IOVA + BI_CR);
	siov_desc_set_pattern(&d, 0x5a5a5a5a5a5a5a5aULL);
	siov_desc_set_dst(&d, iova);
	siov_desc_set_xfer_size(&d, 64);
	for (int bt = 0; bt < BI_BATCHES; bt++) {
		u64 total = 0, stotal = 0;

		for (int i = 0; i < BI_ITERS; i++) {
			u64 t0, s0;

			if (fs_fault) {
				bi_wr(&b, slot, 0);		/* guest unmaps */
			} else {
				bi_wr(&b, slot, gpa | BI_PTE);
				sim_vm_unpopulate(b.p.vm, gpa);	/* host reclaims */
			}
			bi_flush(&b);
			s0 = b.p.s.now;
			t0 = bench_now_ns();
			sim_platform_submit(&b.p, 0, &d);
			sim_platform_run_idle(&b.p, 0);
			total += bench_now_ns() - t0;
			stotal += b.p.s.now - s0;
		}
		v[bt] = (double)total / BI_ITERS;
		sv[bt] = (double)stotal / BI_ITERS;
	}
	want = BI_BATCHES * BI_ITERS;
	if (fault_router_stats(b.fr)->by_class[fs_fault ? FR_CLASS_FS :
						       FR_CLASS_SS] != want ||
	    siov_pf_stats(b.p.pf)->status[SIOV_CS_SUCCESS] != want)
		fprintf(stderr, "bench_iopf: %s: %llu classified, %llu completed of %u\n",
			fs_fault ? "fs" : "ss",
			(unsigned long long)fault_router_stats(b.fr)->by_class[
				fs_fault ? FR_CLASS_FS : FR_CLASS_SS],
			(unsigned long long)siov_pf_stats(b.p.pf)->status[SIOV_CS_SUCCESS],
			want);
	bi_fini(&b);
	*sim_ns = bench_median(sv, BI_BATCHES);
	return bench_median(v, BI_BATCHES);
}

void bench_iopf(void)
{
	double fs_sim, ss_sim;
	double fs = bi_run(true, &fs_sim);
	double ss = bi_run(false, &ss_sim);

	bench_report("iopf_fs_roundtrip_ns", fs);
	bench_report("iopf_ss_roundtrip_ns", ss);
	bench_report("iopf_fs_sim_ns", fs_sim);
	bench_report("iopf_ss_sim_ns", ss_sim);
}
