// SPDX-License-Identifier: GPL-2.0
/*
 * Platform benchmarks: host time of simulated DMA against the plain
 * memcpy it models, measured in the same run.
 *
 *   dma_memmove_4k_ns          PF MEMMOVE of 4 KiB with warm translations
 *                              (device-TLB hits): portal write, the event
 *                              loop, the descriptor engine, the isolation
 *                              oracle, the copy, the completion record;
 *                              per descriptor, submitted in batches of one
 *                              WQ's size and run until the PF is idle
 *   memcpy_4k_ns               memcpy of 4 KiB between two host buffers:
 *                              the same 32 source and destination pages
 *                              the descriptors copy (the host pages behind
 *                              them), in the same order, so both sides
 *                              touch the same 256 KiB of memory; copying
 *                              one L1-hot buffer again and again would
 *                              compare the model against a cache effect
 *   dma_memmove_4k_over_memcpy the ratio (goal <= 1.5)
 *   page_request_roundtrip_ns  a block-on-fault descriptor faults, the PF
 *                              sends a page request, the host driver
 *                              drains the PRQ, the handler populates the
 *                              page and answers SUCCESS at once, the PF
 *                              retries and completes
 *
 * Each figure is the median over batches of the mean per operation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "sim/platform.h"

#define BS_BATCHES	15
#define BS_DESCS	32	/* one WQ (sim_platform_wq_enable size) */
#define BS_ROUNDS	64	/* WQ fills per batch */
#define BS_PRQ_ITERS	256
#define BS_PASID	0x20
#define BS_DID		0x500
#define BS_MB		(1ULL << 20)

static int bs_platform(struct sim_platform *p, bool lazy)
{
	struct sim_platform_cfg cfg;
	int ret;

	sim_platform_default_cfg(&cfg);
	cfg.vm.lazy = lazy;
	/*
	 * The DMA bench touches 65 pages (32 sources, 32 destinations, the
	 * completion records): a 64-entry LRU device TLB would miss on every
	 * page, and the translations would not be warm.
	 */
	cfg.pf.devtlb_entries = 128;
	ret = sim_platform_init(p, &cfg);
	if (ret)
		return ret;
	if (lazy)
		for (u64 g = 0; g < 2 * BS_MB; g += 4096)
			sim_vm_populate(p->vm, g);
	ret = p->pi->ops->set_ss(p->pi, p->rid, BS_PASID, BS_DID, p->vm);
	if (!ret)
		ret = sim_platform_wq_enable(p, 0, true, BS_PASID, lazy);
	if (ret)
		sim_platform_fini(p);
	return ret;
}

static void bench_dma(double *dma_ns, double *memcpy_ns)
{
	double dma[BS_BATCHES], cpy[BS_BATCHES];
	struct sim_platform p;
	struct siov_desc d[BS_DESCS];
	u8 *src[BS_DESCS], *dst[BS_DESCS];

	if (bs_platform(&p, false)) {
		*dma_ns = *memcpy_ns = -1;
		return;
	}
	/*
	 * 32 distinct 4 KiB copies inside the first 2 MiB: src i, dst 32 + i,
	 * each with a completion record (the page after them, 32 B apart).
	 */
	for (int i = 0; i < BS_DESCS; i++) {
		u64 hs, hd;

		siov_desc_init(&d[i], SIOV_OP_MEMMOVE, SIOV_F_CRAV | SIOV_F_RCR);
		siov_desc_set_src(&d[i], 0x1000ULL * i);
		siov_desc_set_dst(&d[i], 0x1000ULL * (BS_DESCS + i));
		siov_desc_set_xfer_size(&d[i], 4096);
		siov_desc_set_cr_addr(&d[i], 0x1000ULL * 2 * BS_DESCS +
				      SIOV_CR_SIZE * i);
		if (sim_vm_gpa_to_hpa(p.vm, 0x1000ULL * i, &hs) ||
		    sim_vm_gpa_to_hpa(p.vm, 0x1000ULL * (BS_DESCS + i), &hd) ||
		    !(src[i] = sim_mem_page(p.s.mem, hs)) ||
		    !(dst[i] = sim_mem_page(p.s.mem, hd))) {
			sim_platform_fini(&p);
			*dma_ns = *memcpy_ns = -1;
			return;
		}
	}
	/* Warm: fill the device TLB and the IOTLB. */
	for (int i = 0; i < BS_DESCS; i++)
		sim_platform_submit(&p, 0, &d[i]);
	sim_platform_run_idle(&p, 0);
	for (int bt = 0; bt < BS_BATCHES; bt++) {
		u64 t0 = bench_now_ns();

		for (int r = 0; r < BS_ROUNDS; r++) {
			for (int i = 0; i < BS_DESCS; i++)
				sim_platform_submit(&p, 0, &d[i]);
			sim_platform_run_idle(&p, 0);
		}
		dma[bt] = (double)(bench_now_ns() - t0) / (BS_ROUNDS * BS_DESCS);
		t0 = bench_now_ns();
		for (int r = 0; r < BS_ROUNDS; r++) {
			for (int i = 0; i < BS_DESCS; i++) {
				memcpy(dst[i], src[i], 4096);
				bench_sink(dst[i]);
			}
			src[r % BS_DESCS][r & 4095]++;
		}
		cpy[bt] = (double)(bench_now_ns() - t0) / (BS_ROUNDS * BS_DESCS);
	}
	if (siov_pf_stats(p.pf)->status[SIOV_CS_SUCCESS] !=
	    (u64)(BS_BATCHES * BS_ROUNDS + 1) * BS_DESCS)
		fprintf(stderr, "bench_sim: DMA descriptors failed\n");
	sim_platform_fini(&p);
	*dma_ns = bench_median(dma, BS_BATCHES);
	*memcpy_ns = bench_median(cpy, BS_BATCHES);
}

struct bs_prq {
	struct sim_platform *p;
	u32 answered;
};

static void bs_page_request(void *ctx, const struct piommu_page_req *req)
{
	struct bs_prq *b = ctx;
	struct piommu *pi = b->p->pi;

	sim_vm_populate(b->p->vm, req->addr);
	if (req->lpig)
		pi->ops->page_response(pi, req->rid, req->pasid_present,
				       req->pasid, req->prg_index,
				       VTD_PRG_RESP_SUCCESS);
	b->answered++;
}

static double bench_prq(void)
{
	double v[BS_BATCHES];
	struct sim_platform p;
	struct bs_prq b = { .p = &p };
	struct piommu_handlers h = { .page_request = bs_page_request, .ctx = &b };
	struct siov_desc d;
	const u64 gpa = 8 * BS_MB;

	if (bs_platform(&p, true))
		return -1;
	p.pi->ops->set_handlers(p.pi, &h);
	siov_desc_init(&d, SIOV_OP_FILL, SIOV_F_BOF);
	siov_desc_set_pattern(&d, 0x5a5a5a5a5a5a5a5aULL);
	siov_desc_set_dst(&d, gpa);
	siov_desc_set_xfer_size(&d, 64);
	for (int bt = 0; bt < BS_BATCHES; bt++) {
		u64 total = 0;

		for (int i = 0; i < BS_PRQ_ITERS; i++) {
			u64 t0;

			/* Not timed: take the page away again, and flush the
			 * IOTLB (SS entries: domain) and the device TLB. */
			sim_vm_unpopulate(p.vm, gpa);
			{
				struct vsva_inv_op ops[2] = {
					{ .kind = VSVA_INV_IOTLB,
					  .gran = VSVA_INV_G_DOMAIN, .did = BS_DID },
					{ .kind = VSVA_INV_PDEVTLB,
					  .gran = VSVA_INV_G_PASID, .sid = p.rid,
					  .pfsid = p.rid, .pasid = BS_PASID,
					  .size_lg2 = 64 },
				};

				p.pi->ops->inv_submit(p.pi, ops, 2);
			}
			t0 = bench_now_ns();
			sim_platform_submit(&p, 0, &d);
			sim_platform_run_idle(&p, 0);
			total += bench_now_ns() - t0;
		}
		v[bt] = (double)total / BS_PRQ_ITERS;
	}
	if (b.answered != (u32)BS_BATCHES * BS_PRQ_ITERS)
		fprintf(stderr, "bench_sim: %u page requests for %u descriptors\n",
			b.answered, BS_BATCHES * BS_PRQ_ITERS);
	sim_platform_fini(&p);
	return bench_median(v, BS_BATCHES);
}

void bench_sim(void)
{
	double dma, cpy;

	bench_dma(&dma, &cpy);
	bench_report("dma_memmove_4k_ns", dma);
	bench_report("memcpy_4k_ns", cpy);
	bench_report("dma_memmove_4k_over_memcpy", cpy > 0 ? dma / cpy : -1);
	bench_report("page_request_roundtrip_ns", bench_prq());
}
