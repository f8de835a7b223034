// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end tests of the simulated platform (issue 3 item 6): host
 * memory and a VM, the physical VT-d unit, the host IOMMU driver with its
 * pIOMMU backend, and the S-IOV PF doing real DMA through them.  Every
 * transfer is checked byte for byte in the VM's memory; every page the PF
 * touches is checked by the isolation oracle.
 */
#include <kunit/test.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"
#include <nestmed/vtd_fault.h>

#define PASID		0x42
#define DID		0x300		/* a caller's DID (above host_dids) */
#define IOVA_BASE	0x7f0000000000ULL	/* FS / nested input base */
#define MB		(1ULL << 20)
#define GB		(1ULL << 30)

/* Data layout inside the VM (GPA), all within the first 2 MiB. */
#define SRC_GPA		0x100000ULL
#define DST_GPA		0x180800ULL	/* not page aligned: crosses pages */
#define CR_GPA		0x1f0000ULL
#define XFER		0x2000u		/* 8 KiB: three destination pages */

#define PTE_TBL		0x7ULL	/* FS P|RW|US, SS R|W|X */
#define PTE_PS		0x80ULL	/* PS, bit 7 */

struct pt {
	struct kunit *test;
	struct sim_platform p;
	u64 gtbl_next;		/* guest page-table pages, from the top of RAM */
	u64 ram;
	u32 as;			/* where FS tables live: HPA or the VM */
	/* handler state */
	u32 page_reqs, faults;
	struct piommu_page_req last_req;
	struct piommu_fault last_fault;
	bool populate_on_request;	/* answer SUCCESS after populating */
	u8 answer;
};

static struct sim_mem *M(struct pt *t)
{
	return t->p.s.mem;
}

static u32 vm_as(struct pt *t)
{
	return sim_vm_id(t->p.vm);
}

static int pt_init_cfg(struct pt *t, struct kunit *test,
		       struct sim_platform_cfg *cfg)
{
	int ret;

	memset(t, 0, sizeof(*t));
	t->test = test;
	ret = sim_platform_init(&t->p, cfg);
	t->ram = cfg->vm.ram_bytes;
	t->gtbl_next = t->ram - MB;
	return ret;
}

static void pt_cfg(struct sim_platform_cfg *cfg, u8 ss_lg2, u64 ram)
{
	sim_platform_default_cfg(cfg);
	cfg->vm.ram_bytes = ram;
	cfg->vm.ss_page_lg2 = ss_lg2;
}

static void pt_fini(struct pt *t)
{
	sim_platform_fini(&t->p);
}

/* ---- page tables ------------------------------------------------- */

static u64 rd64(struct pt *t, u32 as, u64 a)
{
	u64 v = 0;

	sim_mem_read(M(t), as, a, &v, 8);
	return v;
}

static void wr64(struct pt *t, u32 as, u64 a, u64 v)
{
	sim_mem_write(M(t), as, a, &v, 8);
}

/* A zeroed table page in @as: a host page, or a guest page (GPA). */
static u64 table_page(struct pt *t, u32 as)
{
	u64 a = 0;
	u8 zero[4096] = { 0 };

	if (as == VSVA_AS_HPA) {
		KUNIT_ASSERT_EQ(t->test, sim_mem_alloc_page(M(t), &a), 0);
	} else {
		a = t->gtbl_next;
		t->gtbl_next += 4096;
		KUNIT_ASSERT_EQ(t->test, sim_mem_write(M(t), as, a, zero, 4096), 0);
	}
	return a;
}

/* Map @va -> @pa with a leaf of 2^@lg2 bytes in the 4-level table @root. */
static void fs_map(struct pt *t, u32 as, u64 root, u64 va, u64 pa, u8 lg2)
{
	int leaf = (lg2 - 12) / 9 + 1;
	u64 table = root;

	for (int l = 4; l > leaf; l--) {
		u64 ea = table + 8 * ((va >> (12 + 9 * (l - 1))) & 511);
		u64 e = rd64(t, as, ea);

		if (!(e & 1)) {
			e = table_page(t, as) | PTE_TBL;
			wr64(t, as, ea, e);
		}
		table = e & GENMASK_ULL(51, 12);
	}
	wr64(t, as, table + 8 * ((va >> (12 + 9 * (leaf - 1))) & 511),
	     pa | PTE_TBL | (leaf > 1 ? PTE_PS : 0));
}

static u64 gpa_hpa(struct pt *t, u64 gpa)
{
	u64 hpa = 0;

	KUNIT_ASSERT_EQ(t->test, sim_vm_gpa_to_hpa(t->p.vm, gpa, &hpa), 0);
	return hpa;
}

/*
 * Install PASID entry of @pgtt mapping the data window.  Returns the IOVA
 * at which GPA 0 appears (PT: the HPA of GPA 0, valid within its unit).
 * FS and nested map [0, @span) of GPA with @fs_lg2 leaves.
 */
static u64 setup_pasid(struct pt *t, u8 pgtt, u8 fs_lg2, u64 span)
{
	struct piommu *pi = t->p.pi;
	struct piommu_fs_cfg fs = { .levels = 4 };
	u64 step = 1ULL << fs_lg2, root;

	switch (pgtt) {
	case VTD_PGTT_SS:
		KUNIT_ASSERT_EQ(t->test, pi->ops->set_ss(pi, t->p.rid, PASID,
							 DID, t->p.vm), 0);
		return 0;
	case VTD_PGTT_PT:
		KUNIT_ASSERT_EQ(t->test, hostdrv_set_pt(t->p.hd, t->p.rid,
							PASID, DID), 0);
		return gpa_hpa(t, 0);
	case VTD_PGTT_FS:
		root = table_page(t, VSVA_AS_HPA);
		for (u64 g = 0; g < span; g += step)
			fs_map(t, VSVA_AS_HPA, root, IOVA_BASE + g,
			       gpa_hpa(t, g), fs_lg2);
		fs.root = root;
		KUNIT_ASSERT_EQ(t->test, pi->ops->set_fs(pi, t->p.rid, PASID,
							 DID, &fs), 0);
		return IOVA_BASE;
	default:
		root = table_page(t, vm_as(t));
		for (u64 g = 0; g < span; g += step)
			fs_map(t, vm_as(t), root, IOVA_BASE + g, g, fs_lg2);
		fs.root = root;
		KUNIT_ASSERT_EQ(t->test, pi->ops->set_nested(pi, t->p.rid, PASID,
							     DID, &fs, t->p.vm),
				0);
		return IOVA_BASE;
	}
}

/* ---- descriptors ------------------------------------------------- */

static void fill_gpa(struct pt *t, u64 gpa, u32 len, u8 seed)
{
	u8 *b = kunit_kzalloc(t->test, len, GFP_KERNEL);

	for (u32 i = 0; i < len; i++)
		b[i] = (u8)(seed + i * 7 + (i >> 8));
	KUNIT_ASSERT_EQ(t->test, sim_mem_write(M(t), vm_as(t), gpa, b, len), 0);
}

static bool gpa_equal(struct pt *t, u64 a, u64 b, u32 len)
{
	u8 *x = kunit_kzalloc(t->test, len, GFP_KERNEL);
	u8 *y = kunit_kzalloc(t->test, len, GFP_KERNEL);

	sim_mem_read(M(t), vm_as(t), a, x, len);
	sim_mem_read(M(t), vm_as(t), b, y, len);
	return !memcmp(x, y, len);
}

static void cr_clear(struct pt *t, u64 cr_gpa)
{
	struct siov_cr cr = { { 0 } };

	sim_mem_write(M(t), vm_as(t), cr_gpa, &cr, sizeof(cr));
}

static struct siov_cr cr_read(struct pt *t, u64 cr_gpa)
{
	struct siov_cr cr = { { 0 } };

	sim_mem_read(M(t), vm_as(t), cr_gpa, &cr, sizeof(cr));
	return cr;
}

/* Run one descriptor to completion; its completion record. */
static struct siov_cr run_desc(struct pt *t, u32 wq, u8 op, u32 flags,
			       u64 src, u64 dst, u32 len, u64 cr_iova,
			       u64 cr_gpa)
{
	struct siov_desc d;

	siov_desc_init(&d, op, flags | SIOV_F_CRAV | SIOV_F_RCR);
	siov_desc_set_cr_addr(&d, cr_iova);
	siov_desc_set_src(&d, src);
	siov_desc_set_dst(&d, dst);
	siov_desc_set_xfer_size(&d, len);
	cr_clear(t, cr_gpa);
	KUNIT_EXPECT_EQ(t->test, sim_platform_submit(&t->p, wq, &d), 0);
	KUNIT_EXPECT_TRUE(t->test, sim_platform_run_idle(&t->p, 1000000));
	return cr_read(t, cr_gpa);
}

/* MEMMOVE, FILL and COMPARE through window @base; data checked in GPA. */
static void dma_three_ops(struct pt *t, u32 wq, u64 base)
{
	struct kunit *test = t->test;
	const u64 pattern = 0x0123456789abcdefULL;
	struct siov_cr cr;
	u8 *want;

	fill_gpa(t, SRC_GPA, XFER, 0x11);
	fill_gpa(t, DST_GPA, XFER, 0x99);
	cr = run_desc(t, wq, SIOV_OP_MEMMOVE, 0, base + SRC_GPA, base + DST_GPA,
		      XFER, base + CR_GPA, CR_GPA);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, siov_cr_bytes(&cr), XFER);
	KUNIT_EXPECT_TRUE(test, gpa_equal(t, SRC_GPA, DST_GPA, XFER));

	cr = run_desc(t, wq, SIOV_OP_COMPARE, 0, base + SRC_GPA, base + DST_GPA,
		      XFER, base + CR_GPA, CR_GPA);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, siov_cr_result(&cr), 0);

	cr = run_desc(t, wq, SIOV_OP_FILL, 0, pattern, base + DST_GPA, XFER,
		      base + CR_GPA, CR_GPA);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	want = kunit_kzalloc(test, XFER, GFP_KERNEL);
	for (u32 i = 0; i < XFER; i++)
		want[i] = (u8)(pattern >> (8 * (i % 8)));
	{
		u8 *got = kunit_kzalloc(test, XFER, GFP_KERNEL);

		sim_mem_read(M(t), vm_as(t), DST_GPA, got, XFER);
		KUNIT_EXPECT_MEMEQ(test, got, want, XFER);
	}
	/* COMPARE now differs at the first byte. */
	cr = run_desc(t, wq, SIOV_OP_COMPARE, 0, base + SRC_GPA, base + DST_GPA,
		      XFER, base + CR_GPA, CR_GPA);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_COMPARE_MISMATCH);
	KUNIT_EXPECT_EQ(test, siov_cr_result(&cr), 1);
	KUNIT_EXPECT_EQ(test, t->p.s.oracle_violations, 0);
}

/* ---- DMA through every PGTT type --------------------------------- */

struct pgtt_case {
	const char *name;
	u8 pgtt;
};

static const struct pgtt_case pgtt_cases[] = {
	{ "first-stage", VTD_PGTT_FS },
	{ "second-stage", VTD_PGTT_SS },
	{ "nested", VTD_PGTT_NESTED },
	{ "pass-through", VTD_PGTT_PT },
};

KUNIT_ARRAY_PARAM_DESC(pgtt, pgtt_cases, name);

static void dma_every_pgtt(struct kunit *test)
{
	const struct pgtt_case *c = test->param_value;
	struct sim_platform_cfg cfg;
	struct pt t;
	u64 base;

	pt_cfg(&cfg, 21, 16 * MB);
	KUNIT_ASSERT_EQ(test, pt_init_cfg(&t, test, &cfg), 0);
	base = setup_pasid(&t, c->pgtt, 12, 2 * MB);
	KUNIT_ASSERT_EQ(test, sim_platform_wq_enable(&t.p, 0, true, PASID,
						     false), 0);
	dma_three_ops(&t, 0, base);
	KUNIT_EXPECT_GT(test, siov_pf_stats(t.p.pf)->ats_requests, 0);
	pt_fini(&t);
}

/* Requests without PASID: the VM's pass-through domain on RID_PASID. */
static void dma_rid_pasid_vm_domain(struct kunit *test)
{
	struct sim_platform_cfg cfg;
	struct pt t;

	pt_cfg(&cfg, 12, 16 * MB);
	KUNIT_ASSERT_EQ(test, pt_init_cfg(&t, test, &cfg), 0);
	KUNIT_ASSERT_EQ(test, sim_platform_wq_enable(&t.p, 3, false, 0, false),
			0);
	dma_three_ops(&t, 3, 0);
	pt_fini(&t);
}

/* ---- page sizes in each stage ------------------------------------ */

struct size_case {
	const char *name;
	u8 pgtt;
	u8 fs_lg2, ss_lg2;
	u8 want_lg2;	/* translation size the unit reports */
};

static const struct size_case size_cases[] = {
	{ "fs-4k", VTD_PGTT_FS, 12, 12, 12 },
	{ "fs-2m", VTD_PGTT_FS, 21, 21, 21 },
	{ "fs-1g", VTD_PGTT_FS, 30, 30, 30 },
	{ "ss-4k", VTD_PGTT_SS, 12, 12, 12 },
	{ "ss-2m", VTD_PGTT_SS, 12, 21, 21 },
	{ "ss-1g", VTD_PGTT_SS, 12, 30, 30 },
	{ "nested-4k-over-4k", VTD_PGTT_NESTED, 12, 12, 12 },
	{ "nested-2m-over-2m", VTD_PGTT_NESTED, 21, 21, 21 },
	{ "nested-1g-over-1g", VTD_PGTT_NESTED, 30, 30, 30 },
	{ "nested-1g-over-4k", VTD_PGTT_NESTED, 30, 12, 12 },
	{ "nested-4k-over-1g", VTD_PGTT_NESTED, 12, 30, 12 },
};

KUNIT_ARRAY_PARAM_DESC(sizes, size_cases, name);

static void dma_page_sizes(struct kunit *test)
{
	const struct size_case *c = test->param_value;
	struct sim_platform_cfg cfg;
	struct sim_xlate x;
	struct sim_dma_req rq;
	u64 ram = c->ss_lg2 == 30 || c->fs_lg2 == 30 ? GB : 16 * MB;
	u64 span = c->fs_lg2 == 30 ? GB : 2 * MB;
	struct pt t;
	u64 base;

	pt_cfg(&cfg, max(c->ss_lg2, (u8)(c->pgtt == VTD_PGTT_FS ? c->fs_lg2 : 12)),
	       ram);
	KUNIT_ASSERT_EQ(test, pt_init_cfg(&t, test, &cfg), 0);
	base = setup_pasid(&t, c->pgtt, c->fs_lg2, span);
	KUNIT_ASSERT_EQ(test, sim_platform_wq_enable(&t.p, 0, true, PASID,
						     false), 0);
	dma_three_ops(&t, 0, base);
	/* The size of the translation the device got (an ATS request). */
	memset(&rq, 0, sizeof(rq));
	rq.rid = t.p.rid;
	rq.pasid_present = true;
	rq.pasid = PASID;
	rq.addr = base + SRC_GPA;
	rq.access = VSVA_PERM_R;
	KUNIT_ASSERT_EQ(test, sim_iommu_ats_translate(hostdrv_iommu(t.p.hd),
						      &rq, &x), 0);
	KUNIT_EXPECT_EQ(test, x.size_lg2, c->want_lg2);
	KUNIT_EXPECT_EQ(test, x.hpa, gpa_hpa(&t, SRC_GPA));
	pt_fini(&t);
}

/* ---- page request -> response -> retry --------------------------- */

static void on_page_request(void *ctx, const struct piommu_page_req *req)
{
	struct pt *t = ctx;
	struct piommu *pi = t->p.pi;

	t->page_reqs++;
	t->last_req = *req;
	if (t->populate_on_request)
		sim_vm_populate(t->p.vm, req->addr);
	if (req->lpig)
		pi->ops->page_response(pi, req->rid, req->pasid_present,
				       req->pasid, req->prg_index, t->answer);
}

static void on_fault(void *ctx, const struct piommu_fault *f)
{
	struct pt *t = ctx;

	t->faults++;
	t->last_fault = *f;
}

static void set_handlers(struct pt *t)
{
	struct piommu_handlers h = {
		.page_request = on_page_request, .fault = on_fault, .ctx = t,
	};

	t->p.pi->ops->set_handlers(t->p.pi, &h);
}

/* A lazy VM: only the first 2 MiB (data, CRs, tables) populated. */
static int pt_init_lazy(struct pt *t, struct kunit *test)
{
	struct sim_platform_cfg cfg;
	int ret;

	pt_cfg(&cfg, 12, 16 * MB);
	cfg.vm.lazy = true;
	ret = pt_init_cfg(t, test, &cfg);
	if (ret)
		return ret;
	for (u64 g = 0; g < 2 * MB; g += 4096)
		sim_vm_populate(t->p.vm, g);
	for (u64 g = t->ram - MB; g < t->ram; g += 4096)
		sim_vm_populate(t->p.vm, g);
	return 0;
}

static void prq_block_on_fault_cycle(struct kunit *test)
{
	const u64 far = 8 * MB;	/* not populated yet */
	struct siov_cr cr;
	struct pt t;

	KUNIT_ASSERT_EQ(test, pt_init_lazy(&t, test), 0);
	set_handlers(&t);
	t.populate_on_request = true;
	t.answer = VTD_PRG_RESP_SUCCESS;
	setup_pasid(&t, VTD_PGTT_SS, 12, 0);
	KUNIT_ASSERT_EQ(test, sim_platform_wq_enable(&t.p, 0, true, PASID, true),
			0);
	fill_gpa(&t, SRC_GPA, XFER, 0x5a);
	KUNIT_ASSERT_FALSE(test, sim_vm_gpa_to_hpa(t.p.vm, far, &(u64){ 0 }) == 0);
	cr = run_desc(&t, 0, SIOV_OP_MEMMOVE, SIOV_F_BOF, SRC_GPA, far, XFER,
		      CR_GPA, CR_GPA);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, siov_cr_bytes(&cr), XFER);
	KUNIT_EXPECT_TRUE(test, gpa_equal(&t, SRC_GPA, far, XFER));
	/* One request per missing 4K page of the destination. */
	KUNIT_EXPECT_EQ(test, t.page_reqs, 2);
	KUNIT_EXPECT_EQ(test, t.last_req.rid, t.p.rid);
	KUNIT_EXPECT_TRUE(test, t.last_req.pasid_present);
	KUNIT_EXPECT_EQ(test, t.last_req.pasid, PASID);
	KUNIT_EXPECT_TRUE(test, t.last_req.w);
	KUNIT_EXPECT_TRUE(test, t.last_req.lpig);
	KUNIT_EXPECT_EQ(test, t.last_req.addr, far + 4096);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(t.p.pf)->prs_retries, 2);
	KUNIT_EXPECT_EQ(test, siov_pf_prg_outstanding(t.p.pf), 0);
	KUNIT_EXPECT_EQ(test, hostdrv_stats(t.p.hd)->page_responses, 2);
	KUNIT_EXPECT_EQ(test, t.faults, 0);
	KUNIT_EXPECT_EQ(test, t.p.s.oracle_violations, 0);
	pt_fini(&t);
}

/* The host refuses: Invalid Request ends the descriptor with PRS_INVALID. */
static void prq_invalid_response(struct kunit *test)
{
	struct siov_cr cr;
	struct pt t;

	KUNIT_ASSERT_EQ(test, pt_init_lazy(&t, test), 0);
	set_handlers(&t);
	t.answer = VTD_PRG_RESP_INVALID;
	setup_pasid(&t, VTD_PGTT_SS, 12, 0);
	KUNIT_ASSERT_EQ(test, sim_platform_wq_enable(&t.p, 0, true, PASID, true),
			0);
	cr = run_desc(&t, 0, SIOV_OP_FILL, SIOV_F_BOF, 0x1111, 8 * MB, 64,
		      CR_GPA, CR_GPA);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_PRS_INVALID);
	KUNIT_EXPECT_EQ(test, siov_cr_fault_addr(&cr), 8 * MB);
	KUNIT_EXPECT_EQ(test, t.page_reqs, 1);
	pt_fini(&t);
}

static void partial_completion_without_bof(struct kunit *test)
{
	const u64 dst = 2 * MB - 4096;	/* second page not populated */
	struct siov_cr cr;
	struct pt t;

	KUNIT_ASSERT_EQ(test, pt_init_lazy(&t, test), 0);
	set_handlers(&t);
	setup_pasid(&t, VTD_PGTT_SS, 12, 0);
	KUNIT_ASSERT_EQ(test, sim_platform_wq_enable(&t.p, 0, true, PASID, true),
			0);
	fill_gpa(&t, SRC_GPA, XFER, 0x33);
	cr = run_desc(&t, 0, SIOV_OP_MEMMOVE, 0, SRC_GPA, dst, XFER, CR_GPA,
		      CR_GPA);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_PAGE_FAULT);
	KUNIT_EXPECT_EQ(test, siov_cr_bytes(&cr), 4096);
	KUNIT_EXPECT_EQ(test, siov_cr_fault_addr(&cr), 2 * MB);
	KUNIT_EXPECT_EQ(test, siov_cr_fault_info(&cr),
			SIOV_CR_FI_W | SIOV_CR_FI_DST);
	/* The first page did move. */
	KUNIT_EXPECT_TRUE(test, gpa_equal(&t, SRC_GPA, dst, 4096));
	/* ATS said R = W = 0: no fault record, no page request. */
	KUNIT_EXPECT_EQ(test, t.page_reqs, 0);
	KUNIT_EXPECT_EQ(test, t.faults, 0);
	pt_fini(&t);
}

/* ---- device-TLB invalidation ------------------------------------- */

static u8 gpa_byte(struct pt *t, u64 gpa)
{
	u8 b = 0;

	sim_mem_read(M(t), vm_as(t), gpa, &b, 1);
	return b;
}

/*
 * Remap an FS page from page A to page B.  Without invalidation the
 * device's cached translation still sends the DMA to A; after PASID-IOTLB
 * + PASID device-TLB invalidation it lands in B.
 */
static void devtlb_invalidation_drops_translation(struct kunit *test)
{
	const u64 a = 0x40000, b = 0x80000, iova = IOVA_BASE + 0x10000;
	struct vsva_inv_op ops[2];
	struct siov_cr cr;
	struct pt t;
	u64 root, hpa;

	{
		struct sim_platform_cfg cfg;

		pt_cfg(&cfg, 21, 16 * MB);
		KUNIT_ASSERT_EQ(test, pt_init_cfg(&t, test, &cfg), 0);
	}
	root = table_page(&t, VSVA_AS_HPA);
	fs_map(&t, VSVA_AS_HPA, root, iova, gpa_hpa(&t, a), 12);
	fs_map(&t, VSVA_AS_HPA, root, IOVA_BASE + CR_GPA,
	       gpa_hpa(&t, CR_GPA), 12);
	{
		struct piommu_fs_cfg fs = { .root = root, .levels = 4 };

		KUNIT_ASSERT_EQ(test, t.p.pi->ops->set_fs(t.p.pi, t.p.rid,
							  PASID, DID, &fs), 0);
	}
	KUNIT_ASSERT_EQ(test, sim_platform_wq_enable(&t.p, 0, true, PASID,
						     false), 0);
	cr = run_desc(&t, 0, SIOV_OP_FILL, 0, 0x0101010101010101ULL, iova, 64,
		      IOVA_BASE + CR_GPA, CR_GPA);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, gpa_byte(&t, a), 0x01);
	KUNIT_EXPECT_TRUE(test, siov_pf_devtlb_lookup(t.p.pf, true, PASID, iova,
						      &hpa));
	KUNIT_EXPECT_EQ(test, hpa, gpa_hpa(&t, a));

	/* Remap iova -> b in the FS table, no invalidation: still A. */
	fs_map(&t, VSVA_AS_HPA, root, iova, gpa_hpa(&t, b), 12);
	cr = run_desc(&t, 0, SIOV_OP_FILL, 0, 0x0202020202020202ULL, iova, 64,
		      IOVA_BASE + CR_GPA, CR_GPA);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, gpa_byte(&t, a), 0x02);
	KUNIT_EXPECT_EQ(test, gpa_byte(&t, b), 0x00);

	/* PASID-IOTLB + PASID device-TLB invalidation of the page. */
	memset(ops, 0, sizeof(ops));
	ops[0].kind = VSVA_INV_PIOTLB;
	ops[0].gran = VSVA_INV_G_PASID_PAGE;
	ops[0].did = DID;
	ops[0].pasid = PASID;
	ops[0].addr = iova;
	ops[1].kind = VSVA_INV_PDEVTLB;
	ops[1].gran = VSVA_INV_G_PASID;
	ops[1].sid = t.p.rid;
	ops[1].pfsid = t.p.rid;
	ops[1].pasid = PASID;
	ops[1].addr = iova;
	ops[1].size_lg2 = 12;
	KUNIT_ASSERT_EQ(test, t.p.pi->ops->inv_submit(t.p.pi, ops, 2), 0);
	KUNIT_EXPECT_FALSE(test, siov_pf_devtlb_lookup(t.p.pf, true, PASID,
						       iova, NULL));
	cr = run_desc(&t, 0, SIOV_OP_FILL, 0, 0x0303030303030303ULL, iova, 64,
		      IOVA_BASE + CR_GPA, CR_GPA);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, gpa_byte(&t, a), 0x02);
	KUNIT_EXPECT_EQ(test, gpa_byte(&t, b), 0x03);
	pt_fini(&t);
}

/* ---- inv-wait ordering ------------------------------------------- */

/*
 * The status write of an inv-wait comes after every earlier descriptor
 * of the queue completed: the PF's device-TLB invalidation is traced
 * before the unit processes the wait, and a device-TLB timeout aborts the
 * wait (no status write: the driver sees -ETIMEDOUT, never success).
 */
static void inv_wait_ordering(struct kunit *test)
{
	struct sim_platform_cfg cfg;
	struct vsva_inv_op op;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	struct pt t;
	char *devtlb, *wait;

	f = open_memstream(&buf, &len);
	KUNIT_ASSERT_NOT_NULL(test, f);
	pt_cfg(&cfg, 21, 16 * MB);
	KUNIT_ASSERT_EQ(test, pt_init_cfg(&t, test, &cfg), 0);
	t.p.s.trace = f;
	memset(&op, 0, sizeof(op));
	op.kind = VSVA_INV_PDEVTLB;
	op.gran = VSVA_INV_G_PASID;
	op.sid = t.p.rid;
	op.pfsid = t.p.rid;
	op.pasid = PASID;
	op.size_lg2 = 64;
	KUNIT_EXPECT_EQ(test, t.p.pi->ops->inv_submit(t.p.pi, &op, 1), 0);
	fflush(f);
	devtlb = strstr(buf, "devtlb inv");
	wait = devtlb ? strstr(devtlb, "inv-wait") : NULL;
	KUNIT_EXPECT_NOT_NULL(test, devtlb);
	KUNIT_EXPECT_NOT_NULL(test, wait);

	/* A timed-out device-TLB invalidation: the wait is aborted. */
	KUNIT_ASSERT_EQ(test, sim_iommu_inject_devtlb_error(
				hostdrv_iommu(t.p.hd), t.p.rid,
				SIM_DEVTLB_TIMEOUT, 1), 0);
	KUNIT_EXPECT_EQ(test, t.p.pi->ops->inv_submit(t.p.pi, &op, 1),
			-ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, sim_iommu_stats(hostdrv_iommu(t.p.hd))->waits_aborted,
			1);
	KUNIT_EXPECT_EQ(test, hostdrv_stats(t.p.hd)->ite, 1);
	/* And the queue works again afterwards. */
	KUNIT_EXPECT_EQ(test, t.p.pi->ops->inv_submit(t.p.pi, &op, 1), 0);
	t.p.s.trace = NULL;
	pt_fini(&t);
	fclose(f);
	free(buf);
}

/* ---- fault record overflow through real DMA faults --------------- */

static void fault_overflow_real_dma(struct kunit *test)
{
	struct sim_platform_cfg cfg;
	const struct sim_iommu_stats *is;
	struct siov_desc d;
	struct pt t;

	pt_cfg(&cfg, 21, 16 * MB);
	cfg.no_ats = true;		/* untranslated DMA: faults recorded */
	cfg.hd.irq_latency_ns = 10000000;	/* the handler runs late */
	KUNIT_ASSERT_EQ(test, pt_init_cfg(&t, test, &cfg), 0);
	set_handlers(&t);
	/* PASID 0x42 has no entry: every access faults. */
	KUNIT_ASSERT_EQ(test, sim_platform_wq_enable(&t.p, 0, true, PASID,
						     false), 0);
	for (int i = 0; i < 12; i++) {
		siov_desc_init(&d, SIOV_OP_FILL, 0);
		siov_desc_set_dst(&d, 0x1000ULL * (i + 1));
		siov_desc_set_xfer_size(&d, 64);
		KUNIT_ASSERT_EQ(test, sim_platform_submit(&t.p, 0, &d), 0);
	}
	KUNIT_EXPECT_TRUE(test, sim_platform_run_idle(&t.p, 1000000));
	sim_run(&t.p.s, 0);
	hostdrv_poll(t.p.hd);
	is = sim_iommu_stats(hostdrv_iommu(t.p.hd));
	/* 8 records (CAP.NFR = 7), then PFO and the rest dropped. */
	KUNIT_EXPECT_EQ(test, is->faults_recorded, 8);
	KUNIT_EXPECT_EQ(test, is->fault_overflows, 4);
	KUNIT_EXPECT_EQ(test, t.faults, 8);
	KUNIT_EXPECT_EQ(test, hostdrv_stats(t.p.hd)->fault_overflows, 1);
	KUNIT_EXPECT_EQ(test, t.last_fault.sid, t.p.rid);
	KUNIT_EXPECT_TRUE(test, t.last_fault.pasid_present);
	KUNIT_EXPECT_EQ(test, t.last_fault.pasid, PASID);
	KUNIT_EXPECT_TRUE(test, t.last_fault.write);
	KUNIT_EXPECT_EQ(test, t.last_fault.addr, 0x8000);
	/* Records cleared and PFO cleared: the next fault is recorded. */
	KUNIT_EXPECT_EQ(test, sim_iommu_read(hostdrv_iommu(t.p.hd), VTD_FSTS_REG,
					     4) & (VTD_FSTS_PFO | VTD_FSTS_PPF), 0);
	KUNIT_ASSERT_EQ(test, sim_platform_submit(&t.p, 0, &d), 0);
	KUNIT_EXPECT_TRUE(test, sim_platform_run_idle(&t.p, 1000000));
	sim_run(&t.p.s, 0);
	hostdrv_poll(t.p.hd);
	KUNIT_EXPECT_EQ(test, is->faults_recorded, 9);
	KUNIT_EXPECT_EQ(test, t.faults, 9);
	pt_fini(&t);
}

/* ---- the isolation oracle ---------------------------------------- */

static void oracle_catches_wrong_ss(struct kunit *test)
{
	struct sim_platform_cfg cfg;
	struct siov_cr cr;
	struct pt t;
	u64 foreign;

	pt_cfg(&cfg, 12, 16 * MB);
	KUNIT_ASSERT_EQ(test, pt_init_cfg(&t, test, &cfg), 0);
	KUNIT_ASSERT_EQ(test, sim_platform_wq_enable(&t.p, 0, false, 0, false),
			0);
	/* Control: a correct mapping gives no violation. */
	cr = run_desc(&t, 0, SIOV_OP_FILL, 0, 0x77, 0x5000, 64, CR_GPA, CR_GPA);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, t.p.s.oracle_violations, 0);
	/* GPA 0x6000 -> a host page the VM does not own. */
	KUNIT_ASSERT_EQ(test, sim_mem_alloc_page(M(&t), &foreign), 0);
	KUNIT_ASSERT_EQ(test, sim_vm_corrupt_ss(t.p.vm, 0x6000, foreign), 0);
	cr = run_desc(&t, 0, SIOV_OP_FILL, 0, 0x77, 0x6000, 64, CR_GPA, CR_GPA);
	KUNIT_EXPECT_EQ(test, t.p.s.oracle_violations, 1);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(t.p.pf)->oracle_violations, 1);
	pt_fini(&t);
}

/* ---- determinism ------------------------------------------------- */

struct det {
	struct pt *t;
	u32 left;
};

static void det_submit(struct sim *s, void *arg)
{
	struct det *d = arg;
	struct pt *t = d->t;
	struct siov_desc desc;
	u64 dst = 8 * MB + 0x1000 * sim_rand_below(s, 64);

	siov_desc_init(&desc, SIOV_OP_MEMMOVE, SIOV_F_BOF);
	siov_desc_set_src(&desc, SRC_GPA + 64 * sim_rand_below(s, 32));
	siov_desc_set_dst(&desc, dst);
	siov_desc_set_xfer_size(&desc, 256);
	sim_platform_submit(&t->p, 0, &desc);
	if (--d->left)
		sim_schedule(s, 50 + sim_rand_below(s, 5000), det_submit, d);
}

static bool det_done(void *arg)
{
	struct det *d = arg;

	return !d->left && siov_pf_idle(d->t->p.pf);
}

/* One scenario with random delays; returns the trace (caller frees). */
static char *det_run(struct kunit *test, u64 seed, size_t *len)
{
	struct sim_platform_cfg cfg;
	struct pt *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct det d = { .t = t, .left = 20 };
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	pt_cfg(&cfg, 12, 16 * MB);
	cfg.seed = seed;
	cfg.vm.lazy = true;
	cfg.trace = f;
	if (pt_init_cfg(t, test, &cfg))
		return NULL;
	for (u64 g = 0; g < 2 * MB; g += 4096)
		sim_vm_populate(t->p.vm, g);
	set_handlers(t);
	t->populate_on_request = true;
	setup_pasid(t, VTD_PGTT_SS, 12, 0);
	sim_platform_wq_enable(&t->p, 0, true, PASID, true);
	sim_schedule(&t->p.s, sim_rand_below(&t->p.s, 1000), det_submit, &d);
	KUNIT_EXPECT_TRUE(test, hostdrv_run_until(t->p.hd, det_done, &d,
						  10000000));
	KUNIT_EXPECT_GT(test, t->page_reqs, 0);
	pt_fini(t);
	fclose(f);
	return buf;
}

static void determinism_same_seed_same_trace(struct kunit *test)
{
	size_t l1 = 0, l2 = 0, l3 = 0;
	char *a = det_run(test, 42, &l1);
	char *b = det_run(test, 42, &l2);
	char *c = det_run(test, 43, &l3);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_GT(test, l1, 1000);
	KUNIT_EXPECT_EQ(test, l1, l2);
	KUNIT_EXPECT_TRUE(test, l1 == l2 && !memcmp(a, b, l1));
	KUNIT_EXPECT_FALSE(test, l1 == l3 && !memcmp(a, c, l1));
	free(a);
	free(b);
	free(c);
}

/* ---- translation time (docs/siov.md "Timing") --------------------- */

/*
 * Submit a 64-byte FILL of @dst (no completion record: one translation)
 * and step the loop until it completes; the simulated ns it took.
 */
static u64 fill_ns(struct pt *t, u32 wq, u64 dst)
{
	const struct siov_pf_stats *st = siov_pf_stats(t->p.pf);
	u64 c0 = st->descs_completed, t0 = t->p.s.now;
	struct siov_desc d;

	siov_desc_init(&d, SIOV_OP_FILL, 0);
	siov_desc_set_pattern(&d, 0x5a5a5a5a5a5a5a5aULL);
	siov_desc_set_dst(&d, dst);
	siov_desc_set_xfer_size(&d, 64);
	KUNIT_EXPECT_EQ(t->test, sim_platform_submit(&t->p, wq, &d), 0);
	while (st->descs_completed == c0 && sim_step(&t->p.s))
		;
	KUNIT_EXPECT_EQ(t->test, st->descs_completed, c0 + 1);
	return t->p.s.now - t0;
}

struct xcost_case {
	const char *name;
	u8 pgtt;
	bool no_ats;
	u32 refs;	/* memory references of the cold translation */
};

/*
 * Cold walks: 4-level tables, 4 KiB leaves in both stages.  A nested walk
 * reads (4 + 1) * 4 + 4 = 24 entries, and sets A and D in the FS leaf and
 * A in the three FS tables above it (4 A/D updates: SSADE is off).  A
 * second-stage walk reads 4 and sets nothing (SSADE off).
 */
static const struct xcost_case xcost_cases[] = {
	{ "nested-ats", VTD_PGTT_NESTED, false, 24 + 4 },
	{ "second-stage-ats", VTD_PGTT_SS, false, 4 },
	{ "pass-through-ats", VTD_PGTT_PT, false, 0 },
	{ "nested-untranslated", VTD_PGTT_NESTED, true, 24 + 4 },
	{ "second-stage-untranslated", VTD_PGTT_SS, true, 4 },
};

KUNIT_ARRAY_PARAM_DESC(xcost, xcost_cases, name);

/*
 * A descriptor whose buffer misses the device TLB completes later than
 * one that hits by the ATS round trip plus the IOMMU's references times
 * their cost (untranslated requests: the references only); an IOTLB hit
 * behind a device-TLB miss costs the round trip alone.
 */
static void xlate_cost_delays_completion(struct kunit *test)
{
	const struct xcost_case *c = test->param_value;
	const u64 lat = 100, rtt = 400, ref = 60;
	const struct siov_pf_stats *st;
	struct sim_platform_cfg cfg;
	u64 base, cold, warm, x0;
	struct pt t;

	pt_cfg(&cfg, 12, 16 * MB);
	cfg.no_ats = c->no_ats;
	cfg.pf.desc_latency_ns = lat;
	cfg.pf.ats_rtt_ns = rtt;
	cfg.iommu.mem_ref_ns = ref;
	KUNIT_ASSERT_EQ(test, pt_init_cfg(&t, test, &cfg), 0);
	base = setup_pasid(&t, c->pgtt, 12, 2 * MB);
	KUNIT_ASSERT_EQ(test, sim_platform_wq_enable(&t.p, 0, true, PASID,
						     false), 0);
	KUNIT_ASSERT_TRUE(test, sim_platform_run_idle(&t.p, 0));
	st = siov_pf_stats(t.p.pf);

	x0 = st->xlate_ns;
	cold = fill_ns(&t, 0, base + SRC_GPA);
	warm = fill_ns(&t, 0, base + SRC_GPA);
	KUNIT_EXPECT_EQ(test, warm, lat);
	KUNIT_EXPECT_EQ(test, cold - warm,
			(c->no_ats ? 0 : rtt) + c->refs * ref);
	KUNIT_EXPECT_EQ(test, st->xlate_ns - x0, cold - warm);
	KUNIT_EXPECT_EQ(test, st->status[SIOV_CS_SUCCESS], 2);

	if (!c->no_ats) {
		/* Drop the device-TLB entry only: the IOTLB still hits. */
		struct vsva_inv_op op = {
			.kind = VSVA_INV_PDEVTLB, .gran = VSVA_INV_G_PASID,
			.sid = t.p.rid, .pfsid = t.p.rid, .pasid = PASID,
			.size_lg2 = 64,
		};

		KUNIT_ASSERT_EQ(test, t.p.pi->ops->inv_submit(t.p.pi, &op, 1),
				0);
		KUNIT_ASSERT_TRUE(test, sim_platform_run_idle(&t.p, 0));
		KUNIT_EXPECT_FALSE(test, siov_pf_devtlb_lookup(t.p.pf, true,
							       PASID,
							       base + SRC_GPA,
							       NULL));
		KUNIT_EXPECT_EQ(test, fill_ns(&t, 0, base + SRC_GPA),
				lat + rtt);
	}
	KUNIT_EXPECT_EQ(test, t.p.s.oracle_violations, 0);
	pt_fini(&t);
}

/*
 * The engine waits for a descriptor's translations before the next one:
 * two FILLs queued together, the first cold, complete C + lat and
 * C + 2 * lat after submission (C: the first one's translation time).
 */
static void xlate_cost_delays_next_descriptor(struct kunit *test)
{
	const struct siov_pf_stats *st;
	struct sim_platform_cfg cfg;
	u64 base, t0, done[2], c;
	struct siov_desc d;
	struct pt t;

	pt_cfg(&cfg, 12, 16 * MB);
	KUNIT_ASSERT_EQ(test, pt_init_cfg(&t, test, &cfg), 0);
	base = setup_pasid(&t, VTD_PGTT_NESTED, 12, 2 * MB);
	KUNIT_ASSERT_EQ(test, sim_platform_wq_enable(&t.p, 0, true, PASID,
						     false), 0);
	KUNIT_ASSERT_TRUE(test, sim_platform_run_idle(&t.p, 0));
	st = siov_pf_stats(t.p.pf);
	siov_desc_init(&d, SIOV_OP_FILL, 0);
	siov_desc_set_pattern(&d, 0x1111111111111111ULL);
	siov_desc_set_dst(&d, base + SRC_GPA);
	siov_desc_set_xfer_size(&d, 64);
	t0 = t.p.s.now;
	KUNIT_ASSERT_EQ(test, sim_platform_submit(&t.p, 0, &d), 0);
	KUNIT_ASSERT_EQ(test, sim_platform_submit(&t.p, 0, &d), 0);
	for (u32 i = 0; i < 2; i++) {
		while (st->descs_completed == i && sim_step(&t.p.s))
			;
		done[i] = t.p.s.now - t0;
	}
	c = st->xlate_ns;
	/* Defaults: 400 ns round trip, 28 references of 60 ns. */
	KUNIT_EXPECT_EQ(test, c, 400 + 28 * 60);
	KUNIT_EXPECT_EQ(test, done[0], c + cfg.pf.desc_latency_ns);
	KUNIT_EXPECT_EQ(test, done[1], c + 2 * cfg.pf.desc_latency_ns);
	KUNIT_EXPECT_EQ(test, st->deferred_completions, 1);
	pt_fini(&t);
}

/*
 * A completion held for its translations is a started descriptor: a WQ
 * reset aborts it (once: the held completion never goes out after), and
 * destroying the PF with one held cancels its event.
 */
static void xlate_cost_held_completion_aborted(struct kunit *test)
{
	const struct siov_pf_stats *st;
	struct sim_platform_cfg cfg;
	struct siov_desc d;
	struct siov_cr cr;
	struct pt t;
	u64 base;

	pt_cfg(&cfg, 12, 16 * MB);
	KUNIT_ASSERT_EQ(test, pt_init_cfg(&t, test, &cfg), 0);
	base = setup_pasid(&t, VTD_PGTT_NESTED, 12, 2 * MB);
	KUNIT_ASSERT_EQ(test, sim_platform_wq_enable(&t.p, 0, true, PASID,
						     false), 0);
	KUNIT_ASSERT_TRUE(test, sim_platform_run_idle(&t.p, 0));
	st = siov_pf_stats(t.p.pf);
	siov_desc_init(&d, SIOV_OP_FILL, SIOV_F_CRAV | SIOV_F_RCR);
	siov_desc_set_dst(&d, base + SRC_GPA);
	siov_desc_set_xfer_size(&d, 64);
	siov_desc_set_cr_addr(&d, base + CR_GPA);
	cr_clear(&t, CR_GPA);
	KUNIT_ASSERT_EQ(test, sim_platform_submit(&t.p, 0, &d), 0);
	while (!st->deferred_completions && sim_step(&t.p.s))
		;
	KUNIT_ASSERT_EQ(test, st->deferred_completions, 1);
	KUNIT_EXPECT_EQ(test, st->descs_completed, 0);
	KUNIT_EXPECT_FALSE(test, siov_pf_idle(t.p.pf));
	siov_pf_mmio_write(t.p.pf, SIOV_BAR0, SIOV_REG_CMD, 4,
			   FIELD_PREP(SIOV_CMD_CODE, SIOV_CMD_RESET_WQ) | 0);
	KUNIT_EXPECT_EQ(test, st->descs_completed, 1);
	KUNIT_EXPECT_EQ(test, st->status[SIOV_CS_ABORTED], 1);
	KUNIT_ASSERT_TRUE(test, sim_platform_run_idle(&t.p, 0));
	sim_run(&t.p.s, 0);
	KUNIT_EXPECT_EQ(test, st->descs_completed, 1);
	KUNIT_EXPECT_EQ(test, st->status[SIOV_CS_SUCCESS], 0);
	cr = cr_read(&t, CR_GPA);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_ABORTED);

	/* Held again (the devTLB was kept: a new page), then torn down. */
	KUNIT_ASSERT_EQ(test, sim_platform_wq_enable(&t.p, 0, true, PASID,
						     false), 0);
	siov_desc_set_dst(&d, base + SRC_GPA + 0x1000);
	KUNIT_ASSERT_EQ(test, sim_platform_submit(&t.p, 0, &d), 0);
	while (st->deferred_completions < 2 && sim_step(&t.p.s))
		;
	KUNIT_EXPECT_EQ(test, st->deferred_completions, 2);
	pt_fini(&t);
}

/*
 * Block on fault: the page request leaves at once and the job keeps the
 * time of the ATS request that faulted; it is paid, with the retry's, when
 * the job completes.  So the whole round trip is longer, by exactly the
 * translation time charged, than with translation free.
 */
static u64 bof_fill_end(struct kunit *test, bool free_xlate, u64 *xlate_ns,
			u64 *ats)
{
	struct sim_platform_cfg cfg;
	struct siov_cr cr;
	struct pt t;
	u64 t0, end;

	pt_cfg(&cfg, 12, 16 * MB);
	cfg.vm.lazy = true;
	if (free_xlate) {
		cfg.pf.ats_rtt_ns = 0;
		cfg.iommu.mem_ref_ns = 0;
	}
	KUNIT_ASSERT_EQ(test, pt_init_cfg(&t, test, &cfg), 0);
	for (u64 g = 0; g < 2 * MB; g += 4096)
		sim_vm_populate(t.p.vm, g);
	set_handlers(&t);
	t.populate_on_request = true;
	t.answer = VTD_PRG_RESP_SUCCESS;
	setup_pasid(&t, VTD_PGTT_SS, 12, 0);
	KUNIT_ASSERT_EQ(test, sim_platform_wq_enable(&t.p, 0, true, PASID, true),
			0);
	/*
	 * Warm the record's translation, so that the timed one hits; twice,
	 * as the first record's miss holds the engine past its completion.
	 */
	for (int i = 0; i < 2; i++) {
		cr = run_desc(&t, 0, SIOV_OP_FILL, 0, 0x2222, SRC_GPA, 64,
			      CR_GPA, CR_GPA);
		KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	}
	sim_run(&t.p.s, 0);
	*xlate_ns = siov_pf_stats(t.p.pf)->xlate_ns;
	*ats = siov_pf_stats(t.p.pf)->ats_requests;
	t0 = t.p.s.now;
	cr = run_desc(&t, 0, SIOV_OP_FILL, SIOV_F_BOF, 0x1111, 8 * MB, 64,
		      CR_GPA, CR_GPA);
	end = t.p.s.now - t0;
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, t.page_reqs, 1);
	*xlate_ns = siov_pf_stats(t.p.pf)->xlate_ns - *xlate_ns;
	*ats = siov_pf_stats(t.p.pf)->ats_requests - *ats;
	pt_fini(&t);
	return end;
}

static void xlate_cost_kept_across_page_request(struct kunit *test)
{
	u64 x_free, x_cost, ats_free, ats_cost;
	u64 free_ns = bof_fill_end(test, true, &x_free, &ats_free);
	u64 cost_ns = bof_fill_end(test, false, &x_cost, &ats_cost);

	KUNIT_EXPECT_EQ(test, x_free, 0);
	/* The faulting request (answered R=W=0) and the retry. */
	KUNIT_EXPECT_EQ(test, ats_cost, 2);
	KUNIT_EXPECT_EQ(test, ats_free, ats_cost);
	KUNIT_EXPECT_GT(test, x_cost, 2 * 400);
	KUNIT_EXPECT_EQ(test, (x_cost - 2 * 400) % 60, 0);
	KUNIT_EXPECT_EQ(test, cost_ns - free_ns, x_cost);
}

static struct kunit_case platform_cases[] = {
	KUNIT_CASE_PARAM(dma_every_pgtt, pgtt_gen_params),
	KUNIT_CASE(dma_rid_pasid_vm_domain),
	KUNIT_CASE_PARAM(dma_page_sizes, sizes_gen_params),
	KUNIT_CASE(prq_block_on_fault_cycle),
	KUNIT_CASE(prq_invalid_response),
	KUNIT_CASE(partial_completion_without_bof),
	KUNIT_CASE(devtlb_invalidation_drops_translation),
	KUNIT_CASE(inv_wait_ordering),
	KUNIT_CASE(fault_overflow_real_dma),
	KUNIT_CASE(oracle_catches_wrong_ss),
	KUNIT_CASE(determinism_same_seed_same_trace),
	KUNIT_CASE_PARAM(xlate_cost_delays_completion, xcost_gen_params),
	KUNIT_CASE(xlate_cost_delays_next_descriptor),
	KUNIT_CASE(xlate_cost_held_completion_aborted),
	KUNIT_CASE(xlate_cost_kept_across_page_request),
	{}
};

static struct kunit_suite platform_suite = {
	.name = "sim-platform",
	.test_cases = platform_cases,
};

kunit_test_suites(&platform_suite);
