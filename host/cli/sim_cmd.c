// SPDX-License-Identifier: GPL-2.0
/*
 * `nestmed sim [--seed N] [--trace] [--json]`: a short scenario on the
 * simulated platform -- one VM, the host IOMMU driver, the S-IOV PF doing
 * DMA through each PGTT type (first stage with host-built tables, second
 * stage, nested over guest tables, pass-through, and RID_PASID) and one
 * page request -> response -> retry cycle -- then a summary.  With
 * --trace every decoded event prints one line on stdout as it happens.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sim/platform.h"


#define SIM_PASID	0x10
#define SIM_DID		0x400
#define SIM_IOVA	0x7f0000000000ULL
#define SIM_MB		(1ULL << 20)
#define SIM_SRC		0x100000ULL
#define SIM_DST		0x180800ULL
#define SIM_CR		0x1f0000ULL
#define SIM_LEN		0x2000u

struct sim_run {
	struct sim_platform p;
	u64 gtbl;		/* guest table pages, bump from 15 MiB */
	u32 page_reqs, faults;
	const char *step;
	int failed;
};

struct sim_result {
	const char *name;
	u8 status;
	u32 bytes;
	bool data_ok;
};

static u64 tbl_page(struct sim_run *r, u32 as)
{
	static const u8 zero[4096];
	u64 a = 0;

	if (as == VSVA_AS_HPA) {
		if (sim_mem_alloc_page(r->p.s.mem, &a))
			return 0;
	} else {
		a = r->gtbl;
		r->gtbl += 4096;
	}
	sim_mem_write(r->p.s.mem, as, a, zero, sizeof(zero));
	return a;
}

/* 4-level first-stage map of one 4 KiB page (P|RW|US on every level). */
static int fs_map4k(struct sim_run *r, u32 as, u64 root, u64 va, u64 pa)
{
	u64 table = root, e;

	for (int l = 4; l > 1; l--) {
		u64 ea = table + 8 * ((va >> (12 + 9 * (l - 1))) & 511);

		if (sim_mem_read(r->p.s.mem, as, ea, &e, 8))
			return -EFAULT;
		if (!(e & 1)) {
			e = tbl_page(r, as);
			if (!e)
				return -ENOMEM;
			e |= 0x7;
			sim_mem_write(r->p.s.mem, as, ea, &e, 8);
		}
		table = e & GENMASK_ULL(51, 12);
	}
	e = pa | 0x7;
	return sim_mem_write(r->p.s.mem, as, table + 8 * ((va >> 12) & 511),
			     &e, 8);
}

static u64 hpa_of(struct sim_run *r, u64 gpa)
{
	u64 hpa = 0;

	sim_vm_gpa_to_hpa(r->p.vm, gpa, &hpa);
	return hpa;
}

/* Map GPA [0, 2 MiB) at SIM_IOVA through first-stage tables. */
static int map_window(struct sim_run *r, bool nested, u64 *root)
{
	u32 as = nested ? sim_vm_id(r->p.vm) : VSVA_AS_HPA;
	int ret = 0;

	*root = tbl_page(r, as);
	for (u64 g = 0; g < 2 * SIM_MB && !ret; g += 4096)
		ret = fs_map4k(r, as, *root, SIM_IOVA + g,
			       nested ? g : hpa_of(r, g));
	return ret;
}

static struct siov_cr run_one(struct sim_run *r, u32 wq, u8 op, u32 flags,
			      u64 src, u64 dst, u32 len, u64 cr_iova)
{
	struct siov_cr cr = { { 0 } };
	struct siov_desc d;

	siov_desc_init(&d, op, flags | SIOV_F_CRAV | SIOV_F_RCR);
	siov_desc_set_cr_addr(&d, cr_iova);
	siov_desc_set_src(&d, src);
	siov_desc_set_dst(&d, dst);
	siov_desc_set_xfer_size(&d, len);
	sim_mem_write(r->p.s.mem, sim_vm_id(r->p.vm), SIM_CR, &cr, sizeof(cr));
	if (sim_platform_submit(&r->p, wq, &d) ||
	    !sim_platform_run_idle(&r->p, 10000000))
		r->failed++;
	sim_mem_read(r->p.s.mem, sim_vm_id(r->p.vm), SIM_CR, &cr, sizeof(cr));
	return cr;
}

static bool same_bytes(struct sim_run *r, u64 a, u64 b, u32 len)
{
	static u8 x[SIM_LEN], y[SIM_LEN];
	u32 vm = sim_vm_id(r->p.vm);

	if (len > SIM_LEN || sim_mem_read(r->p.s.mem, vm, a, x, len) ||
	    sim_mem_read(r->p.s.mem, vm, b, y, len))
		return false;
	return !memcmp(x, y, len);
}

/* MEMMOVE of 8 KiB through window @base: status and data. */
static void dma_case(struct sim_run *r, u32 wq, u64 base,
		     struct sim_result *res)
{
	static u8 pat[SIM_LEN];
	u32 vm = sim_vm_id(r->p.vm);
	struct siov_cr cr;

	for (u32 i = 0; i < SIM_LEN; i++)
		pat[i] = (u8)(i * 13 + wq);
	sim_mem_write(r->p.s.mem, vm, SIM_SRC, pat, SIM_LEN);
	cr = run_one(r, wq, SIOV_OP_MEMMOVE, 0, base + SIM_SRC, base + SIM_DST,
		     SIM_LEN, base + SIM_CR);
	res->status = siov_cr_status(&cr);
	res->bytes = siov_cr_bytes(&cr);
	res->data_ok = res->status == SIOV_CS_SUCCESS &&
		       same_bytes(r, SIM_SRC, SIM_DST, SIM_LEN);
	if (!res->data_ok)
		r->failed++;
}

static void on_page_request(void *ctx, const struct piommu_page_req *req)
{
	struct sim_run *r = ctx;
	struct piommu *pi = r->p.pi;

	r->page_reqs++;
	/* The host resolves the fault: back the GPA, then answer. */
	sim_vm_populate(r->p.vm, req->addr);
	if (req->lpig)
		pi->ops->page_response(pi, req->rid, req->pasid_present,
				       req->pasid, req->prg_index,
				       VTD_PRG_RESP_SUCCESS);
}

static void on_fault(void *ctx, const struct piommu_fault *f)
{
	struct sim_run *r = ctx;

	r->faults++;
}

static int scenario(struct sim_run *r, struct sim_result *res, int *nres)
{
	struct piommu *pi = r->p.pi;
	struct piommu_handlers h = {
		.page_request = on_page_request, .fault = on_fault, .ctx = r,
	};
	struct piommu_fs_cfg fs = { .levels = 4 };
	static const u8 pgtts[] = { VTD_PGTT_FS, VTD_PGTT_SS, VTD_PGTT_NESTED,
				    VTD_PGTT_PT };
	static const char *const names[] = { "first-stage", "second-stage",
					     "nested", "pass-through" };
	int n = 0;

	pi->ops->set_handlers(pi, &h);
	for (u64 g = 0; g < 2 * SIM_MB; g += 4096)
		sim_vm_populate(r->p.vm, g);
	for (u64 g = 15 * SIM_MB; g < 16 * SIM_MB; g += 4096)
		sim_vm_populate(r->p.vm, g);
	for (unsigned int i = 0; i < ARRAY_SIZE(pgtts); i++) {
		u32 pasid = SIM_PASID + i;
		u64 base = 0;
		int ret = 0;

		switch (pgtts[i]) {
		case VTD_PGTT_FS:
		case VTD_PGTT_NESTED:
			ret = map_window(r, pgtts[i] == VTD_PGTT_NESTED, &fs.root);
			if (ret)
				break;
			ret = pgtts[i] == VTD_PGTT_FS ?
			      pi->ops->set_fs(pi, r->p.rid, pasid, SIM_DID + i, &fs) :
			      pi->ops->set_nested(pi, r->p.rid, pasid, SIM_DID + i,
						  &fs, r->p.vm);
			base = SIM_IOVA;
			break;
		case VTD_PGTT_SS:
			ret = pi->ops->set_ss(pi, r->p.rid, pasid, SIM_DID + i,
					      r->p.vm);
			break;
		default:
			/* The VM is 4K-backed: PT only within one page run. */
			ret = hostdrv_set_pt(r->p.hd, r->p.rid, pasid, SIM_DID + i);
			base = 0;
			break;
		}
		if (ret || sim_platform_wq_enable(&r->p, i, true, pasid, true))
			return -EIO;
		res[n].name = names[i];
		if (pgtts[i] == VTD_PGTT_PT) {
			/* IOVA = HPA: one page, source and CR in it. */
			u64 hpa = hpa_of(r, SIM_SRC);
			struct siov_cr cr;

			cr = run_one(r, i, SIOV_OP_FILL, 0, 0x5a5a5a5a5a5a5a5aULL,
				     hpa + 0x800, 0x400, hpa_of(r, SIM_CR));
			res[n].status = siov_cr_status(&cr);
			res[n].bytes = siov_cr_bytes(&cr);
			res[n].data_ok = res[n].status == SIOV_CS_SUCCESS;
		} else {
			dma_case(r, i, base, &res[n]);
		}
		n++;
	}
	/* RID_PASID: requests without PASID, the VM's pass-through domain. */
	if (sim_platform_wq_enable(&r->p, 4, false, 0, false))
		return -EIO;
	res[n].name = "rid-pasid";
	dma_case(r, 4, 0, &res[n++]);
	/* Block on fault: a destination the VM has not populated yet. */
	res[n].name = "page-request";
	{
		struct siov_cr cr = run_one(r, 1, SIOV_OP_MEMMOVE, SIOV_F_BOF,
					    SIM_SRC, 8 * SIM_MB, SIM_LEN, SIM_CR);

		res[n].status = siov_cr_status(&cr);
		res[n].bytes = siov_cr_bytes(&cr);
		res[n].data_ok = res[n].status == SIOV_CS_SUCCESS &&
				 same_bytes(r, SIM_SRC, 8 * SIM_MB, SIM_LEN);
		if (!res[n].data_ok)
			r->failed++;
		n++;
	}
	*nres = n;
	return 0;
}

static int usage(void)
{
	return cli_usage_error("usage: nestmed sim [--seed N] [--trace] [--json]");
}

int cmd_sim(int argc, char **argv)
{
	struct sim_platform_cfg cfg;
	struct sim_result res[8];
	const struct hostdrv_stats *hs;
	const struct sim_iommu_stats *is;
	const struct siov_pf_stats *ps;
	struct sim_run *r;
	bool trace = false, json = false;
	u64 seed = 1;
	int nres = 0, ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--trace")) {
			trace = true;
		} else if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
			char *end;

			seed = strtoull(argv[++i], &end, 0);
			if (*end)
				return usage();
		} else {
			return usage();
		}
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return CLI_FAIL;
	sim_platform_default_cfg(&cfg);
	cfg.seed = seed;
	cfg.vm.lazy = true;
	cfg.trace = trace ? stdout : NULL;
	r->gtbl = 15 * SIM_MB;
	ret = sim_platform_init(&r->p, &cfg);
	if (ret) {
		fprintf(stderr, "nestmed: sim: platform init failed (%d)\n", ret);
		free(r);
		return CLI_FAIL;
	}
	ret = scenario(r, res, &nres);
	if (ret)
		r->failed++;
	hs = hostdrv_stats(r->p.hd);
	is = sim_iommu_stats(hostdrv_iommu(r->p.hd));
	ps = siov_pf_stats(r->p.pf);
	if (json) {
		printf("{\"seed\": %llu, \"sim_ns\": %llu, \"events\": %llu, \"dma\": [",
		       (unsigned long long)seed, (unsigned long long)r->p.s.now,
		       (unsigned long long)r->p.s.events_run);
		for (int i = 0; i < nres; i++)
			printf("%s{\"path\": \"%s\", \"status\": %u, \"bytes\": %u, \"data_ok\": %s}",
			       i ? ", " : "", res[i].name, res[i].status,
			       res[i].bytes, res[i].data_ok ? "true" : "false");
		printf("], \"page_requests\": %u, \"faults\": %u, "
		       "\"iommu\": {\"translations\": %llu, \"ats_requests\": %llu, "
		       "\"iq_descs\": %llu, \"inv_waits\": %llu, \"page_responses\": %llu}, "
		       "\"hostdrv\": {\"submissions\": %llu, \"mmio_writes\": %llu}, "
		       "\"pf\": {\"descs_completed\": %llu, \"dma_bytes\": %llu, "
		       "\"devtlb_hits\": %llu, \"devtlb_misses\": %llu}, "
		       "\"oracle_violations\": %llu, \"ok\": %s}\n",
		       r->page_reqs, r->faults,
		       (unsigned long long)is->translations,
		       (unsigned long long)is->ats_requests,
		       (unsigned long long)is->iq_descs,
		       (unsigned long long)is->inv_waits,
		       (unsigned long long)is->page_responses,
		       (unsigned long long)hs->submissions,
		       (unsigned long long)hs->mmio_writes,
		       (unsigned long long)ps->descs_completed,
		       (unsigned long long)ps->dma_bytes,
		       (unsigned long long)ps->devtlb_hits,
		       (unsigned long long)ps->devtlb_misses,
		       (unsigned long long)r->p.s.oracle_violations,
		       r->failed ? "false" : "true");
	} else {
		printf("nestmed sim: seed %llu, %llu ns simulated, %llu events\n",
		       (unsigned long long)seed, (unsigned long long)r->p.s.now,
		       (unsigned long long)r->p.s.events_run);
		for (int i = 0; i < nres; i++)
			printf("  %-13s status %#04x bytes %5u data %s\n",
			       res[i].name, res[i].status, res[i].bytes,
			       res[i].data_ok ? "ok" : "WRONG");
		printf("  page requests %u, faults %u, IOMMU: %llu translations, "
		       "%llu ATS, %llu descriptors, %llu inv-waits\n",
		       r->page_reqs, r->faults,
		       (unsigned long long)is->translations,
		       (unsigned long long)is->ats_requests,
		       (unsigned long long)is->iq_descs,
		       (unsigned long long)is->inv_waits);
		printf("  PF: %llu descriptors, %llu bytes, devTLB %llu hits / %llu misses; "
		       "oracle violations %llu\n",
		       (unsigned long long)ps->descs_completed,
		       (unsigned long long)ps->dma_bytes,
		       (unsigned long long)ps->devtlb_hits,
		       (unsigned long long)ps->devtlb_misses,
		       (unsigned long long)r->p.s.oracle_violations);
		printf("%s\n", r->failed || r->p.s.oracle_violations ? "FAILED" : "ok");
	}
	ret = r->failed || r->p.s.oracle_violations ? CLI_FAIL : CLI_OK;
	sim_platform_fini(&r->p);
	free(r);
	return ret;
}
