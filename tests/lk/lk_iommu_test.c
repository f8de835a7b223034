// SPDX-License-Identifier: GPL-2.0
/*
 * lk IOMMU API on the L1 intel-iommu model, end to end: the fixture of
 * tests/host/e2e_fixture.h (machine, host shadow engine and vIOMMU, the
 * gvtd model probed on it) with the lk kernel booted over the same VM and
 * the PF enumerated behind gvtd.  Paging domains, PASID attach and maps
 * are checked in the model and by the PF's DMA; page requests of
 * block-on-fault descriptors travel PF -> host -> vIOMMU -> gvtd PRQ ->
 * lk's iopf bridge -> the domain's handler, and its answer back to the PF.
 */
#include <lk/linux.h>
#include <kunit/test.h>

#include "lk/lk_internal.h"
#include "lk_test_pf.h"
#include "../host/e2e_fixture.h"

#define IT_BAR0		0xf0000000ULL
#define IT_BAR2		0xf1000000ULL
#define IT_SRC		0x0000u		/* offsets in the domain's window */
#define IT_DST		0x1000u
#define IT_CR		0x2000u
#define IT_WIN		0x3000u

enum it_mode { IT_MAP, IT_HOLD, IT_FAIL };

struct it {
	struct e2e *t;
	struct kunit *test;
	struct pci_dev *pdev;
	struct device *dev;
	bool lk;
	/* one PASID domain */
	u32 pasid;
	struct iommu_domain *dom;
	struct iommu_attach_handle h;
	u64 gpa_base;		/* IOVA E2E_IOVA + x -> gpa_base + x */
	/* what the handler saw */
	enum it_mode mode;
	u32 groups, listed;
	size_t fault_count;
	struct iommu_fault last;
	struct iommu_attach_handle *handle_seen;
	struct iopf_group *held;
};

static struct it *it_cur;


static struct pci_dev *it_add(struct it *it, u8 devfn,
			      struct gvtd_device *gd)
{
	struct lk_pci_dev_cfg pc = {
		.devfn = devfn, .ops = &lk_test_pf_ops, .ctx = it->t->p.pf,
		.iommu_dev = gd,
	};

	pc.bar_addr[SIOV_BAR0] = IT_BAR0;
	pc.bar_len[SIOV_BAR0] = SIOV_BAR0_SIZE;
	pc.bar_addr[SIOV_BAR2] = IT_BAR2;
	pc.bar_len[SIOV_BAR2] = siov_pf_bar_size(it->t->p.pf, SIOV_BAR2);
	return lk_pci_add(&pc);
}

static void it_exit(struct kunit *test)
{
	struct it *it = it_cur;

	it_cur = NULL;
	if (!it) {
		e2e_exit(test);		/* e2e_init stopped half way */
		return;
	}
	if (it->lk) {
		lk_fini();
		KUNIT_EXPECT_EQ(test, lk_stats()->leaks, 0);
	}
	e2e_fini(it->t);
	test->priv = NULL;
}

/* The lk kernel over the e2e guest: its RAM, page allocator and IOMMU. */
static struct it *it_init(struct kunit *test)
{
	struct it *it = kunit_kzalloc(test, sizeof(*it), GFP_KERNEL);
	struct lk_cfg lc = { 0 };
	struct e2e *t;

	KUNIT_ASSERT_NOT_NULL(test, it);
	t = e2e_init(test, NULL);
	it->t = t;
	it->test = test;
	it_cur = it;
	/* The boot enabled IOPF on the model directly; the driver does it. */
	KUNIT_ASSERT_EQ(test, gvtd_dev_disable_iopf(t->dev), 0);
	lc.s = &t->p.s;
	lc.vm = t->p.vm;
	lc.ram_bytes = E2E_RAM;
	lc.mem = &t->g;
	lc.iommu = &t->u;
	KUNIT_ASSERT_EQ(test, lk_init(&lc), 0);
	it->lk = true;
	it->pdev = it_add(it, E2E_GRID & 0xff, t->dev);
	KUNIT_ASSERT_NOT_NULL(test, it->pdev);
	it->dev = &it->pdev->dev;
	return it;
}

/* domain->iopf_handler */
static int it_iopf_handler(struct iopf_group *g)
{
	struct it *it = g->attach_handle->domain->fault_data;
	struct iopf_fault *f;

	it->groups++;
	it->fault_count = g->fault_count;
	it->last = g->last_fault.fault;
	it->handle_seen = g->attach_handle;
	it->listed = 0;
	list_for_each_entry(f, &g->faults, list)
		it->listed++;
	switch (it->mode) {
	case IT_FAIL:
		return -ENOMEM;
	case IT_HOLD:
		it->held = g;
		return 0;
	case IT_MAP:
		list_for_each_entry(f, &g->faults, list) {
			u64 page = f->fault.prm.addr & PAGE_MASK;

			iommu_map(it->dom, page, it->gpa_base + page - E2E_IOVA,
				  PAGE_SIZE, IOMMU_READ | IOMMU_WRITE,
				  GFP_KERNEL);
		}
		iopf_group_response(g, IOMMU_PAGE_RESP_SUCCESS);
		iopf_free_group(g);
		return 0;
	}
	return -EINVAL;
}

/* A PASID with a paging domain, as nmdev creates one per mdev. */
static void it_domain(struct it *it, bool iopf)
{
	struct kunit *test = it->test;

	if (iopf)
		KUNIT_ASSERT_EQ(test, iommu_dev_enable_feature(it->dev,
						IOMMU_DEV_FEAT_IOPF), 0);
	it->pasid = iommu_alloc_global_pasid(it->dev);
	KUNIT_ASSERT_NE(test, it->pasid, IOMMU_PASID_INVALID);
	it->dom = iommu_paging_domain_alloc(it->dev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, it->dom);
	it->dom->iopf_handler = it_iopf_handler;
	it->dom->fault_data = it;
	KUNIT_ASSERT_EQ(test, iommu_attach_device_pasid(it->dom, it->dev,
							it->pasid, &it->h), 0);
	it->gpa_base = e2e_buf(it->t, IT_WIN, true);
}

static void it_map(struct it *it, u32 off)
{
	KUNIT_ASSERT_EQ(it->test, iommu_map(it->dom, E2E_IOVA + off,
					    it->gpa_base + off, PAGE_SIZE,
					    IOMMU_READ | IOMMU_WRITE,
					    GFP_KERNEL), 0);
}

static void it_domain_destroy(struct it *it, bool iopf)
{
	iommu_detach_device_pasid(it->dom, it->dev, it->pasid);
	iommu_domain_free(it->dom);
	iommu_free_global_pasid(it->pasid);
	if (iopf)
		KUNIT_EXPECT_EQ(it->test, iommu_dev_disable_feature(it->dev,
						IOMMU_DEV_FEAT_IOPF), 0);
	KUNIT_EXPECT_EQ(it->test, lk_stats()->domains_live, 0);
	KUNIT_EXPECT_EQ(it->test, lk_stats()->pasids_live, 0);
}

/* A block-on-fault MEMMOVE SRC -> DST (unmapped) on WQ 0, not yet run. */
static void it_submit_faulting(struct it *it)
{
	it_map(it, IT_SRC);
	it_map(it, IT_CR);
	e2e_wq(it->t, 0, it->pasid, true);
	e2e_fill(it->t, it->gpa_base + IT_SRC, 64, 0x5a);
	e2e_submit(it->t, 0, SIOV_OP_MEMMOVE, SIOV_F_BOF, E2E_IOVA + IT_SRC,
		   E2E_IOVA + IT_DST, 64, E2E_IOVA + IT_CR,
		   it->gpa_base + IT_CR);
}

static bool it_held(void *ctx)
{
	return ((struct it *)ctx)->held;
}

/*
 * Run until the handler holds the group, not to idle: the host's fault
 * router answers a group the guest sits on for 100 ms (sim time) itself.
 */
static void it_run_until_held(struct it *it)
{
	KUNIT_ASSERT_TRUE(it->test, hostdrv_run_until(it->t->p.hd, it_held, it,
						      4000000));
	KUNIT_ASSERT_EQ(it->test, fault_router_stats(it->t->fr)->timeouts, 0);
}

/* ---- cases ---------------------------------------------------------- */

static void lk_iommu_device_setup(struct kunit *test)
{
	struct it *it = it_init(test);
	struct pci_dev *bare;
	struct iommu_domain *dom;

	KUNIT_ASSERT_NOT_NULL(test, it->dev->iommu);
	KUNIT_EXPECT_EQ(test, it->dev->iommu->max_pasids, it->t->dev->max_pasids);
	KUNIT_EXPECT_GT(test, it->dev->iommu->max_pasids, 1);
	/* A device not behind the IOMMU. */
	bare = it_add(it, 0x20, NULL);
	KUNIT_ASSERT_NOT_NULL(test, bare);
	KUNIT_EXPECT_PTR_EQ(test, bare->dev.iommu, NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(iommu_paging_domain_alloc(&bare->dev)),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, iommu_alloc_global_pasid(&bare->dev),
			IOMMU_PASID_INVALID);
	KUNIT_EXPECT_EQ(test, iommu_dev_enable_feature(&bare->dev,
						       IOMMU_DEV_FEAT_IOPF),
			-ENODEV);
	dom = iommu_paging_domain_alloc(it->dev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dom);
	KUNIT_EXPECT_EQ(test, dom->type, IOMMU_DOMAIN_UNMANAGED);
	KUNIT_EXPECT_EQ(test, iommu_attach_device_pasid(dom, &bare->dev, 1,
							NULL), -EINVAL);
	/* PASID 0 is the RID's. */
	KUNIT_EXPECT_EQ(test, iommu_attach_device_pasid(dom, it->dev,
							IOMMU_NO_PASID, NULL),
			-EINVAL);
	iommu_domain_free(dom);
	lk_pci_remove(bare);
	/* Enabled twice: the model's answer. */
	KUNIT_EXPECT_EQ(test, iommu_dev_enable_feature(it->dev,
						       IOMMU_DEV_FEAT_IOPF), 0);
	KUNIT_EXPECT_EQ(test, iommu_dev_enable_feature(it->dev,
						       IOMMU_DEV_FEAT_IOPF),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, iommu_dev_disable_feature(it->dev,
							IOMMU_DEV_FEAT_IOPF), 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, 0);
}

static void lk_iommu_domain_attach_map(struct kunit *test)
{
	struct it *it = it_init(test);
	struct e2e *t = it->t;
	struct vtd_pasid_entry ge;
	struct siov_cr cr;

	it_domain(it, false);
	KUNIT_EXPECT_PTR_EQ(test, it->h.domain, it->dom);
	KUNIT_EXPECT_EQ(test, lk_stats()->domains_live, 1);
	KUNIT_EXPECT_EQ(test, lk_stats()->pasids_live, 1);
	/* The model's PASID entry points at the domain's table. */
	e2e_rd(t, gvtd_pasid_entry_addr(t->dev, it->pasid), ge.val, 64);
	KUNIT_EXPECT_EQ(test, vtd_pe_p(&ge), 1);
	KUNIT_EXPECT_EQ(test, vtd_pe_flptptr(&ge), it->dom->lk_gd->pgd);
	KUNIT_EXPECT_EQ(test, iommu_attach_device_pasid(it->dom, it->dev,
							it->pasid, NULL),
			-EBUSY);

	KUNIT_ASSERT_EQ(test, iommu_map(it->dom, E2E_IOVA, it->gpa_base,
					IT_WIN, IOMMU_READ | IOMMU_WRITE,
					GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, gvtd_iova_to_phys(it->dom->lk_gd,
						E2E_IOVA + 0x1234),
			it->gpa_base + 0x1234);
	KUNIT_EXPECT_EQ(test, iommu_iova_to_phys(it->dom, E2E_IOVA + IT_CR + 8),
			it->gpa_base + IT_CR + 8);
	KUNIT_EXPECT_EQ(test, iommu_map(it->dom, E2E_IOVA + 1, it->gpa_base,
					PAGE_SIZE, IOMMU_READ, GFP_KERNEL),
			-EINVAL);
	/* The PF's DMA on the PASID lands in the mapped L1 pages. */
	e2e_wq(t, 0, it->pasid, false);
	cr = e2e_desc(t, 0, SIOV_OP_FILL, 0, 0x4242424242424242ULL,
		      E2E_IOVA + IT_DST, 64, E2E_IOVA + IT_CR,
		      it->gpa_base + IT_CR);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, e2e_byte(t, it->gpa_base + IT_DST + 63), 0x42);

	KUNIT_EXPECT_EQ(test, iommu_unmap(it->dom, E2E_IOVA, IT_WIN), IT_WIN);
	KUNIT_EXPECT_EQ(test, gvtd_iova_to_phys(it->dom->lk_gd, E2E_IOVA), 0);
	iommu_detach_device_pasid(it->dom, it->dev, it->pasid);
	e2e_rd(t, gvtd_pasid_entry_addr(t->dev, it->pasid), ge.val, 64);
	KUNIT_EXPECT_EQ(test, vtd_pe_p(&ge), 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, 0);
	/* Driver bugs: a detach of what is not attached, a PASID freed twice. */
	iommu_detach_device_pasid(it->dom, it->dev, it->pasid);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, 1);
	iommu_domain_free(it->dom);
	iommu_free_global_pasid(it->pasid);
	iommu_free_global_pasid(it->pasid);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, 2);
	KUNIT_EXPECT_EQ(test, lk_stats()->domains_live, 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->pasids_live, 0);
}

/* A domain freed while attached: WARN, and the PASID is torn down. */
static void lk_iommu_free_attached_domain_warns(struct kunit *test)
{
	struct it *it = it_init(test);
	struct vtd_pasid_entry ge;

	it_domain(it, false);
	iommu_domain_free(it->dom);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, 1);
	e2e_rd(it->t, gvtd_pasid_entry_addr(it->t->dev, it->pasid), ge.val, 64);
	KUNIT_EXPECT_EQ(test, vtd_pe_p(&ge), 0);
	iommu_free_global_pasid(it->pasid);
	KUNIT_EXPECT_EQ(test, lk_stats()->domains_live, 0);
}

static void lk_iommu_iopf_delivered_and_answered(struct kunit *test)
{
	struct it *it = it_init(test);
	struct e2e *t = it->t;
	const struct siov_pf_stats *ps = siov_pf_stats(t->p.pf);
	struct siov_cr cr;

	it_domain(it, true);
	it->mode = IT_MAP;
	it_submit_faulting(it);
	KUNIT_EXPECT_TRUE(test, e2e_run_idle(t));
	cr = e2e_cr(t, it->gpa_base + IT_CR);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, e2e_equal(t, it->gpa_base + IT_SRC,
					  it->gpa_base + IT_DST, 64));
	/* The group as the handler saw it. */
	KUNIT_EXPECT_EQ(test, it->groups, 1);
	KUNIT_EXPECT_EQ(test, it->fault_count, 1);
	KUNIT_EXPECT_EQ(test, it->listed, 1);
	KUNIT_EXPECT_PTR_EQ(test, it->handle_seen, &it->h);
	KUNIT_EXPECT_EQ(test, it->last.type, IOMMU_FAULT_PAGE_REQ);
	KUNIT_EXPECT_EQ(test, it->last.prm.pasid, it->pasid);
	KUNIT_EXPECT_EQ(test, it->last.prm.addr, E2E_IOVA + IT_DST);
	KUNIT_EXPECT_EQ(test, it->last.prm.perm, IOMMU_FAULT_PERM_WRITE);
	KUNIT_EXPECT_EQ(test, it->last.prm.flags,
			IOMMU_FAULT_PAGE_REQUEST_PASID_VALID |
			IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE |
			IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID);
	/* One request, one response, at both ends. */
	KUNIT_EXPECT_EQ(test, lk_stats()->iopf_groups, 1);
	KUNIT_EXPECT_EQ(test, lk_stats()->iopf_responses, 1);
	KUNIT_EXPECT_EQ(test, ps->page_requests, 1);
	KUNIT_EXPECT_EQ(test, ps->page_responses, 1);
	KUNIT_EXPECT_EQ(test, siov_pf_prg_outstanding(t->p.pf), 0);
	KUNIT_EXPECT_EQ(test, t->p.s.oracle_violations, 0);
	it_domain_destroy(it, true);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, 0);
}

static void lk_iommu_iopf_double_response_warns(struct kunit *test)
{
	struct it *it = it_init(test);
	struct e2e *t = it->t;
	struct siov_cr cr;

	it_domain(it, true);
	it->mode = IT_HOLD;
	it_submit_faulting(it);
	it_run_until_held(it);
	KUNIT_EXPECT_EQ(test, siov_pf_prg_outstanding(t->p.pf), 1);
	it_map(it, IT_DST);
	iopf_group_response(it->held, IOMMU_PAGE_RESP_SUCCESS);
	iopf_group_response(it->held, IOMMU_PAGE_RESP_INVALID);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, 1);
	KUNIT_EXPECT_EQ(test, lk_stats()->iopf_responses, 1);
	iopf_free_group(it->held);
	KUNIT_EXPECT_TRUE(test, e2e_run_idle(t));
	cr = e2e_cr(t, it->gpa_base + IT_CR);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(t->p.pf)->page_responses, 1);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(t->p.pf)->unexpected_responses, 0);
	KUNIT_EXPECT_EQ(test, fault_router_stats(t->fr)->timeouts, 0);
	it_domain_destroy(it, true);
}

/*
 * Disabling IOPF answers what the driver still holds INVALID (Linux's
 * iopf_queue_remove_device); the driver's later answer is dropped silently.
 */
static void lk_iommu_iopf_disable_answers_held(struct kunit *test)
{
	struct it *it = it_init(test);
	struct e2e *t = it->t;
	struct siov_cr cr;

	it_domain(it, true);
	it->mode = IT_HOLD;
	it_submit_faulting(it);
	it_run_until_held(it);
	KUNIT_EXPECT_EQ(test, iommu_dev_disable_feature(it->dev,
							IOMMU_DEV_FEAT_IOPF), 0);
	KUNIT_EXPECT_TRUE(test, e2e_run_idle(t));
	cr = e2e_cr(t, it->gpa_base + IT_CR);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_PRS_INVALID);
	KUNIT_EXPECT_EQ(test, fault_router_stats(t->fr)->timeouts, 0);
	iopf_group_response(it->held, IOMMU_PAGE_RESP_SUCCESS);
	iopf_free_group(it->held);
	KUNIT_EXPECT_EQ(test, lk_stats()->iopf_responses, 0);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(t->p.pf)->page_responses, 1);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, 0);
	it_domain_destroy(it, false);
}

/* A handler that fails: the core answers and frees, the driver owns nothing. */
static void lk_iommu_iopf_handler_error(struct kunit *test)
{
	struct it *it = it_init(test);
	u64 resp = it->t->u.st.page_responses;

	it_domain(it, true);
	it->mode = IT_FAIL;
	it_submit_faulting(it);
	e2e_run_idle(it->t);
	KUNIT_EXPECT_EQ(test, it->groups, 1);
	KUNIT_EXPECT_EQ(test, lk_stats()->iopf_groups, 1);
	KUNIT_EXPECT_EQ(test, lk_stats()->iopf_responses, 0);
	/* The model answered the group (IOMMU_PAGE_RESP_FAILURE) itself. */
	KUNIT_EXPECT_EQ(test, it->t->u.st.page_responses, resp + 1);
	KUNIT_EXPECT_EQ(test, it->t->dev->pending_groups, 0);
	it_domain_destroy(it, true);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, 0);
}

static struct kunit_case lk_iommu_cases[] = {
	KUNIT_CASE(lk_iommu_device_setup),
	KUNIT_CASE(lk_iommu_domain_attach_map),
	KUNIT_CASE(lk_iommu_free_attached_domain_warns),
	KUNIT_CASE(lk_iommu_iopf_delivered_and_answered),
	KUNIT_CASE(lk_iommu_iopf_double_response_warns),
	KUNIT_CASE(lk_iommu_iopf_disable_answers_held),
	KUNIT_CASE(lk_iommu_iopf_handler_error),
	{}
};

static struct kunit_suite lk_iommu_suite = {
	.name = "lk-iommu",
	.exit = it_exit,
	.test_cases = lk_iommu_cases,
};

kunit_test_suites(&lk_iommu_suite);
