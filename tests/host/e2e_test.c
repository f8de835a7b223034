// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end tests of the host component (issue 4 item 8) against the
 * model of the Linux 6.12 L1 intel-iommu driver: every case is a whole
 * flow as Linux drives it on the vIOMMU (gvtd_*), followed through the
 * shadow engine and the fault router into the physical VT-d unit, and
 * checked where it lands -- the physical PASID entries (decoded from host
 * memory), DMA of the S-IOV PF (data byte for byte in L1 memory), the
 * responses the device gets, the guest's fault records and counters.
 * Fixture: e2e_fixture.h.
 */
#include <kunit/test.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e_fixture.h"
#include <nestmed/vtd_fault.h>

/* Offsets in a domain's window (IOVA = E2E_IOVA + off -> gpa_base + off). */
#define WIN		0x8000u		/* 32 KiB window */
#define SRC		0x0000u
#define DST		0x2800u		/* not page aligned: three pages */
#define CR		0x7000u
#define XFER		0x2000u
#define PATTERN		0x0123456789abcdefULL

static struct e2e_dom *fs_domain(struct e2e *t, u32 pasid, u64 gpa_base,
				 bool map)
{
	struct e2e_dom *dm = e2e_dom_new(t, gpa_base);

	KUNIT_ASSERT_EQ(t->test, e2e_attach(dm, pasid), 0);
	if (map)
		e2e_map(dm, 0, WIN);
	return dm;
}

/* MEMMOVE then FILL through @dm's window on @wq; data checked in L1 RAM. */
static void memmove_fill(struct e2e *t, u32 wq, struct e2e_dom *dm)
{
	struct kunit *test = t->test;
	u64 g = dm->gpa_base;
	struct siov_cr cr;
	u8 *want, *got;

	e2e_fill(t, g + SRC, XFER, 0x11);
	e2e_fill(t, g + DST, XFER, 0x99);
	cr = e2e_desc(t, wq, SIOV_OP_MEMMOVE, 0, E2E_IOVA + SRC,
		      E2E_IOVA + DST, XFER, E2E_IOVA + CR, g + CR);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, siov_cr_bytes(&cr), XFER);
	KUNIT_EXPECT_TRUE(test, e2e_equal(t, g + SRC, g + DST, XFER));

	cr = e2e_desc(t, wq, SIOV_OP_FILL, 0, PATTERN, E2E_IOVA + DST, XFER,
		      E2E_IOVA + CR, g + CR);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	want = kunit_kzalloc(test, XFER, GFP_KERNEL);
	got = kunit_kzalloc(test, XFER, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, want);
	KUNIT_ASSERT_NOT_NULL(test, got);
	for (u32 i = 0; i < XFER; i++)
		want[i] = (u8)(PATTERN >> (8 * (i % 8)));
	e2e_rd(t, g + DST, got, XFER);
	KUNIT_EXPECT_MEMEQ(test, got, want, XFER);
	/* Nothing written past the end (never touched: zero). */
	KUNIT_EXPECT_EQ(test, e2e_byte(t, g + DST + XFER), 0);
	KUNIT_EXPECT_EQ(test, t->p.s.oracle_violations, 0);
}

/* ===================================================================== */
/* 1. create: first-level PASID domain -> physical nested entry + DMA   */
/* ===================================================================== */

/*
 * The guest's PASID entry (Linux intel_pasid_setup_first_level): P, PGTT
 * 001b, DID = the domain's, FLPTR = its pgd (a GPA).  The physical entry of
 * the PF (decoded from host memory, spec 9.6): P (bit 0), PGTT 011b (bits
 * 8:6), SLPTPTR (63:12) = the VM's second-stage root (an HPA), FLPTPTR
 * (191:140) = the same GPA, FLPM (131:130) as the guest's (1 = 5-level:
 * the vIOMMU passes FL5LP through and 6.12 then uses 5 levels), DID (79:64) = the
 * host DID the shadow mapped the guest DID to -- not the guest's, and not
 * the VM's pass-through DID on RID_PASID.
 */
static void e2e_create_programs_nested(struct kunit *test)
{
	struct e2e *t = e2e_init(test, NULL);
	struct shadow_pasid_info info;
	struct vtd_pasid_entry ge, pe;
	struct e2e_dom *dm;
	u64 pcinv = viommu_stats(t->v)->pasid_cache_invs;
	u32 pasid;

	pasid = e2e_alloc_pasid(t);
	KUNIT_ASSERT_NE(test, pasid, GVTD_PASID_INVALID);
	KUNIT_EXPECT_EQ(test, hostdrv_read_pasid_entry(t->p.hd, t->p.rid, pasid,
						       &pe, NULL), 0);
	KUNIT_EXPECT_EQ(test, vtd_pe_p(&pe), 0);
	dm = fs_domain(t, pasid, e2e_buf(t, WIN, false), false);

	/* What the guest wrote. */
	e2e_rd(t, gvtd_pasid_entry_addr(t->dev, pasid), ge.val, 64);
	KUNIT_EXPECT_EQ(test, vtd_pe_p(&ge), 1);
	KUNIT_EXPECT_EQ(test, vtd_pe_pgtt(&ge), VTD_PGTT_FS);
	KUNIT_EXPECT_EQ(test, vtd_pe_did(&ge), dm->d->did);
	KUNIT_EXPECT_EQ(test, vtd_pe_flptptr(&ge), dm->d->pgd);
	/* pasid_flush_caches() under CM: a PASID-cache invalidation. */
	KUNIT_EXPECT_GT(test, viommu_stats(t->v)->pasid_cache_invs, pcinv);

	/* What the PF's physical entry became. */
	pe = e2e_phys_pe(t, pasid);
	KUNIT_EXPECT_EQ(test, vtd_pe_p(&pe), 1);
	KUNIT_EXPECT_EQ(test, vtd_pe_pgtt(&pe), VTD_PGTT_NESTED);
	KUNIT_EXPECT_EQ(test, vtd_pe_flptptr(&pe), dm->d->pgd);
	KUNIT_EXPECT_GE(test, dm->d->pgd, E2E_GMEM_BASE);
	KUNIT_EXPECT_LT(test, dm->d->pgd, E2E_RAM);
	KUNIT_EXPECT_EQ(test, vtd_pe_flpm(&pe), vtd_pe_flpm(&ge));
	KUNIT_EXPECT_EQ(test, vtd_pe_flpm(&pe),
			(u64)(gvtd_domain_levels(dm->d) == 5 ? VTD_FSPM_5LVL :
							       VTD_FSPM_4LVL));
	KUNIT_EXPECT_EQ(test, vtd_pe_slptptr(&pe), sim_vm_ss_root(t->p.vm));
	KUNIT_ASSERT_EQ(test, shadow_lookup_guest(t->sh, pasid, &info), 0);
	KUNIT_EXPECT_EQ(test, info.guest_did, dm->d->did);
	KUNIT_EXPECT_EQ(test, vtd_pe_did(&pe), info.host_did);
	KUNIT_EXPECT_NE(test, vtd_pe_did(&pe), hostdrv_vm_did(t->p.hd, t->p.vm));
	KUNIT_EXPECT_EQ(test, info.fs_root, dm->d->pgd);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t->sh), 1);
	KUNIT_EXPECT_EQ(test, shadow_live_dids(t->sh), 1);
	/* The guest's RID_PASID entry stays the host's (VM pass-through). */
	pe = e2e_phys_pe(t, t->di.rid_pasid);
	KUNIT_EXPECT_EQ(test, vtd_pe_pgtt(&pe), VTD_PGTT_SS);
	KUNIT_EXPECT_EQ(test, vtd_pe_did(&pe), hostdrv_vm_did(t->p.hd, t->p.vm));
	e2e_fini(t);
}

/* The guest maps its buffers, the PF moves and fills them. */
static void e2e_create_dma_memmove_fill(struct kunit *test)
{
	struct e2e *t = e2e_init(test, NULL);
	u32 pasid = e2e_alloc_pasid(t);
	struct e2e_dom *dm = fs_domain(t, pasid, e2e_buf(t, WIN, false), true);

	e2e_wq(t, 0, pasid, false);
	memmove_fill(t, 0, dm);
	/* The device translated through ATS: nested walk of guest tables. */
	KUNIT_EXPECT_GT(test, siov_pf_stats(t->p.pf)->ats_requests, 0);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(t->p.pf)->page_requests, 0);
	e2e_fini(t);
}

/* ===================================================================== */
/* 2. change and destroy                                                */
/* ===================================================================== */

/*
 * The guest moves its PASID to another domain (detach = Linux's teardown
 * sequence, attach = first-level setup): the physical entry follows (the
 * new pgd, the new domain's host DID), and DMA lands in the new domain's
 * pages, not the old one's.
 */
static void e2e_change_domain_follows(struct kunit *test)
{
	struct e2e *t = e2e_init(test, NULL);
	u32 pasid = e2e_alloc_pasid(t);
	struct e2e_dom *a = fs_domain(t, pasid, e2e_buf(t, WIN, false), true);
	struct e2e_dom *b;
	struct shadow_pasid_info ia, ib;
	struct vtd_pasid_entry pe;
	struct siov_cr cr;

	e2e_wq(t, 0, pasid, false);
	cr = e2e_desc(t, 0, SIOV_OP_FILL, 0, 0xaaaaaaaaaaaaaaaaULL,
		      E2E_IOVA + DST, 64, E2E_IOVA + CR, a->gpa_base + CR);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, e2e_byte(t, a->gpa_base + DST), 0xaa);
	KUNIT_ASSERT_EQ(test, shadow_lookup_guest(t->sh, pasid, &ia), 0);

	e2e_detach(a);
	b = fs_domain(t, pasid, e2e_buf(t, WIN, false), true);
	KUNIT_EXPECT_NE(test, b->d->did, a->d->did);
	pe = e2e_phys_pe(t, pasid);
	KUNIT_EXPECT_EQ(test, vtd_pe_p(&pe), 1);
	KUNIT_EXPECT_EQ(test, vtd_pe_pgtt(&pe), VTD_PGTT_NESTED);
	KUNIT_EXPECT_EQ(test, vtd_pe_flptptr(&pe), b->d->pgd);
	KUNIT_ASSERT_EQ(test, shadow_lookup_guest(t->sh, pasid, &ib), 0);
	KUNIT_EXPECT_EQ(test, ib.guest_did, b->d->did);
	KUNIT_EXPECT_EQ(test, vtd_pe_did(&pe), ib.host_did);
	/* A's DID had no other user: its host DID went back. */
	KUNIT_EXPECT_EQ(test, shadow_live_dids(t->sh), 1);

	cr = e2e_desc(t, 0, SIOV_OP_FILL, 0, 0xbbbbbbbbbbbbbbbbULL,
		      E2E_IOVA + DST, 64, E2E_IOVA + CR, b->gpa_base + CR);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, e2e_byte(t, b->gpa_base + DST), 0xbb);
	KUNIT_EXPECT_EQ(test, e2e_byte(t, a->gpa_base + DST), 0xaa);
	KUNIT_EXPECT_EQ(test, t->p.s.oracle_violations, 0);
	e2e_fini(t);
}

/*
 * The guest detaches: the physical entry is gone (P clear, no shadow, no
 * host DID), and the next descriptor fails after 0 bytes: the unit answers
 * the PF's ATS translation request for a non-present PASID entry with
 * Unsupported Request (XLATE_ERROR), and as the completion record is behind
 * the same PASID the device logs CR_FAULT instead of writing it.
 */
static void e2e_destroy_entry_gone_dma_faults(struct kunit *test)
{
	struct e2e *t = e2e_init(test, NULL);
	u32 pasid = e2e_alloc_pasid(t);
	struct e2e_dom *a = fs_domain(t, pasid, e2e_buf(t, WIN, false), true);
	const struct siov_pf_stats *ps = siov_pf_stats(t->p.pf);
	u64 cleared = hostdrv_stats(t->p.hd)->pasid_cleared;
	struct vtd_pasid_entry pe;
	struct siov_cr cr;
	u64 pf_faults, cr_faults, ats_ur;

	e2e_wq(t, 0, pasid, false);
	cr = e2e_desc(t, 0, SIOV_OP_FILL, 0, 0x5555555555555555ULL,
		      E2E_IOVA + DST, 64, E2E_IOVA + CR, a->gpa_base + CR);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);

	e2e_detach(a);
	pe = e2e_phys_pe(t, pasid);
	KUNIT_EXPECT_EQ(test, vtd_pe_p(&pe), 0);
	KUNIT_EXPECT_EQ(test, hostdrv_stats(t->p.hd)->pasid_cleared, cleared + 1);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t->sh), 0);
	KUNIT_EXPECT_EQ(test, shadow_live_dids(t->sh), 0);
	KUNIT_EXPECT_EQ(test, shadow_lookup_guest(t->sh, pasid,
						  &(struct shadow_pasid_info){ 0 }),
			-ENOENT);

	pf_faults = ps->status[SIOV_CS_XLATE_ERROR];
	cr_faults = ps->err[SIOV_ERR_CR_FAULT];
	ats_ur = ps->ats_ur;
	cr = e2e_desc(t, 0, SIOV_OP_FILL, 0, 0x6666666666666666ULL,
		      E2E_IOVA + DST, 64, E2E_IOVA + CR, a->gpa_base + CR);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_NONE);
	KUNIT_EXPECT_EQ(test, ps->status[SIOV_CS_XLATE_ERROR], pf_faults + 1);
	KUNIT_EXPECT_EQ(test, ps->err[SIOV_ERR_CR_FAULT], cr_faults + 1);
	KUNIT_EXPECT_GT(test, ps->ats_ur, ats_ur);
	KUNIT_EXPECT_EQ(test, e2e_byte(t, a->gpa_base + DST), 0x55);
	/* Nothing was asked of the guest: ATS said no, no page request. */
	KUNIT_EXPECT_EQ(test, ps->page_requests, 0);
	KUNIT_EXPECT_EQ(test, t->p.s.oracle_violations, 0);
	e2e_fini(t);
}

/*
 * The guest unmaps a page (iommu_unmap: page-selective P_IOTLB + PASID
 * device-TLB invalidation): the invalidation reaches the device's TLB
 * through the shadow, so a MEMMOVE that the device had cached completes
 * partially -- the first page moved, a page fault at the unmapped one.
 */
static void e2e_unmap_partial_completion(struct kunit *test)
{
	struct e2e *t = e2e_init(test, NULL);
	u32 pasid = e2e_alloc_pasid(t);
	struct e2e_dom *a = fs_domain(t, pasid, e2e_buf(t, WIN, false), true);
	const u64 dst = 0x2000;		/* pages 2 and 3 of the window */
	struct siov_cr cr;
	u64 devtlb;

	e2e_wq(t, 0, pasid, false);
	e2e_fill(t, a->gpa_base + SRC, XFER, 0x21);
	cr = e2e_desc(t, 0, SIOV_OP_MEMMOVE, 0, E2E_IOVA + SRC, E2E_IOVA + dst,
		      XFER, E2E_IOVA + CR, a->gpa_base + CR);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, siov_pf_devtlb_lookup(t->p.pf, true, pasid,
						      E2E_IOVA + dst + 4096,
						      NULL));
	devtlb = siov_pf_stats(t->p.pf)->devtlb_invs;
	KUNIT_EXPECT_EQ(test, gvtd_unmap(a->d, E2E_IOVA + dst + 4096, 4096),
			4096);
	KUNIT_EXPECT_GT(test, siov_pf_stats(t->p.pf)->devtlb_invs, devtlb);
	KUNIT_EXPECT_FALSE(test, siov_pf_devtlb_lookup(t->p.pf, true, pasid,
						       E2E_IOVA + dst + 4096,
						       NULL));
	e2e_fill(t, a->gpa_base + SRC, XFER, 0x42);
	cr = e2e_desc(t, 0, SIOV_OP_MEMMOVE, 0, E2E_IOVA + SRC, E2E_IOVA + dst,
		      XFER, E2E_IOVA + CR, a->gpa_base + CR);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_PAGE_FAULT);
	KUNIT_EXPECT_EQ(test, siov_cr_bytes(&cr), 4096);
	KUNIT_EXPECT_EQ(test, siov_cr_fault_addr(&cr), E2E_IOVA + dst + 4096);
	KUNIT_EXPECT_TRUE(test, e2e_equal(t, a->gpa_base + SRC,
					  a->gpa_base + dst, 4096));
	/* The unmapped page kept the first transfer's data. */
	KUNIT_EXPECT_EQ(test, e2e_byte(t, a->gpa_base + dst + 4096),
			(u8)(0x21 + 4096 * 7 + (4096 >> 8)));
	e2e_fini(t);
}

/* ===================================================================== */
/* 3. first-stage faults end to end                                     */
/* ===================================================================== */

/* A window with only the source and the completion record mapped. */
static struct e2e_dom *fs_fault_setup(struct e2e *t, u32 wq)
{
	u32 pasid = e2e_alloc_pasid(t);
	struct e2e_dom *dm = fs_domain(t, pasid, e2e_buf(t, WIN, true), false);

	e2e_map(dm, SRC, XFER);
	e2e_map(dm, CR, 4096);
	e2e_wq(t, wq, pasid, true);
	e2e_fill(t, dm->gpa_base + SRC, XFER, 0x3c);
	e2e_fill(t, dm->gpa_base + DST, XFER, 0);
	return dm;
}

/*
 * A block-on-fault MEMMOVE into IOVAs the guest has not mapped: PF page
 * request -> physical PRQ -> router (first stage) -> guest vPRQ -> gvtd's
 * PRQ thread -> the domain's iopf handler maps the page and answers SUCCESS
 * (a page group response on the guest's queue) -> vIOMMU -> router ->
 * physical response -> the PF retries.  DST..DST+XFER touches 3 pages:
 * three single-page groups, each answered once.
 */
static void e2e_fs_fault_guest_resolves(struct kunit *test)
{
	struct e2e *t = e2e_init(test, NULL);
	struct e2e_dom *dm = fs_fault_setup(t, 0);
	const struct fault_router_stats *rs = fault_router_stats(t->fr);
	const struct siov_pf_stats *ps = siov_pf_stats(t->p.pf);
	struct siov_cr cr;

	t->iopf_mode = E2E_IOPF_MAP;
	cr = e2e_desc(t, 0, SIOV_OP_MEMMOVE, SIOV_F_BOF, E2E_IOVA + SRC,
		      E2E_IOVA + DST, XFER, E2E_IOVA + CR, dm->gpa_base + CR);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, siov_cr_bytes(&cr), XFER);
	KUNIT_EXPECT_TRUE(test, e2e_equal(t, dm->gpa_base + SRC,
					  dm->gpa_base + DST, XFER));
	/* Every hop saw the three groups. */
	KUNIT_EXPECT_EQ(test, ps->page_requests, 3);
	KUNIT_EXPECT_EQ(test, ps->page_responses, 3);
	KUNIT_EXPECT_EQ(test, ps->prs_retries, 3);
	KUNIT_EXPECT_EQ(test, siov_pf_prg_outstanding(t->p.pf), 0);
	KUNIT_EXPECT_EQ(test, rs->by_class[FR_CLASS_FS], 3);
	KUNIT_EXPECT_EQ(test, rs->forwarded, 3);
	KUNIT_EXPECT_EQ(test, rs->guest_responses, 3);
	KUNIT_EXPECT_EQ(test, rs->responses[VTD_PRG_RESP_SUCCESS], 3);
	KUNIT_EXPECT_EQ(test, fault_router_outstanding(t->fr), 0);
	KUNIT_EXPECT_EQ(test, viommu_stats(t->v)->page_requests, 3);
	KUNIT_EXPECT_EQ(test, viommu_stats(t->v)->page_responses, 3);
	KUNIT_EXPECT_EQ(test, t->u.st.prq_reqs, 3);
	KUNIT_EXPECT_EQ(test, t->u.st.page_responses, 3);
	KUNIT_EXPECT_EQ(test, t->iopf_groups, 3);
	/* What the guest saw: its PASID, a write, the last page of each group. */
	KUNIT_EXPECT_EQ(test, t->last_fault.pasid, dm->pasid);
	KUNIT_EXPECT_TRUE(test, t->last_fault.perm & GVTD_FAULT_PERM_WRITE);
	KUNIT_EXPECT_TRUE(test, t->last_fault.flags & GVTD_FAULT_LAST_PAGE);
	KUNIT_EXPECT_EQ(test, t->last_fault.addr,
			(E2E_IOVA + DST + XFER - 1) & ~0xfffULL);
	KUNIT_EXPECT_EQ(test, t->p.s.oracle_violations, 0);
	e2e_fini(t);
}

/* The guest's handler refuses: the descriptor ends with PRS_INVALID. */
static void e2e_fs_fault_guest_invalid(struct kunit *test)
{
	struct e2e *t = e2e_init(test, NULL);
	struct e2e_dom *dm = fs_fault_setup(t, 0);
	const struct fault_router_stats *rs = fault_router_stats(t->fr);
	struct siov_cr cr;

	t->iopf_mode = E2E_IOPF_INVALID;
	cr = e2e_desc(t, 0, SIOV_OP_MEMMOVE, SIOV_F_BOF, E2E_IOVA + SRC,
		      E2E_IOVA + DST, XFER, E2E_IOVA + CR, dm->gpa_base + CR);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_PRS_INVALID);
	KUNIT_EXPECT_EQ(test, siov_cr_prs_code(&cr), VTD_PRG_RESP_INVALID);
	KUNIT_EXPECT_EQ(test, siov_cr_bytes(&cr), 0);
	KUNIT_EXPECT_EQ(test, siov_cr_fault_addr(&cr), E2E_IOVA + DST);
	KUNIT_EXPECT_EQ(test, t->iopf_groups, 1);
	KUNIT_EXPECT_EQ(test, rs->responses[VTD_PRG_RESP_INVALID], 1);
	KUNIT_EXPECT_EQ(test, rs->responses[VTD_PRG_RESP_SUCCESS], 0);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(t->p.pf)->page_responses, 1);
	KUNIT_EXPECT_EQ(test, siov_pf_prg_outstanding(t->p.pf), 0);
	/* Nothing written by the device. */
	KUNIT_EXPECT_EQ(test, e2e_byte(t, dm->gpa_base + DST), 0);
	e2e_fini(t);
}

/* ===================================================================== */
/* 4. second-stage faults: the host alone                               */
/* ===================================================================== */

/* Every guest-visible counter of the page-request path, at 0. */
static void expect_guest_untouched(struct e2e *t)
{
	struct kunit *test = t->test;

	KUNIT_EXPECT_EQ(test, viommu_stats(t->v)->page_requests, 0);
	KUNIT_EXPECT_EQ(test, viommu_stats(t->v)->page_responses, 0);
	KUNIT_EXPECT_EQ(test, t->u.st.prq_irqs, 0);
	KUNIT_EXPECT_EQ(test, t->u.st.prq_reqs, 0);
	KUNIT_EXPECT_EQ(test, t->iopf_groups, 0);
	KUNIT_EXPECT_EQ(test, fault_router_stats(t->fr)->forwarded, 0);
	KUNIT_EXPECT_EQ(test, fault_router_stats(t->fr)->by_class[FR_CLASS_FS], 0);
}

/*
 * A lazy VM: the guest maps its destination, but the host never backed
 * those GPAs.  The nested walk ends in the VM's second stage: the router
 * populates and answers SUCCESS without the guest.
 */
static void e2e_ss_fault_host_resolves(struct kunit *test)
{
	struct e2e *t = e2e_init(test, &(struct e2e_opts){ .lazy = true });
	const struct fault_router_stats *rs = fault_router_stats(t->fr);
	u32 pasid = e2e_alloc_pasid(t);
	u64 base = e2e_buf(t, WIN, false);
	struct e2e_dom *dm;
	struct siov_cr cr;
	u64 hpa;

	/* The guest CPU touched its source and completion pages only. */
	for (u64 g = SRC; g < SRC + XFER; g += 4096)
		KUNIT_ASSERT_EQ(test, sim_vm_populate(t->p.vm, base + g), 0);
	KUNIT_ASSERT_EQ(test, sim_vm_populate(t->p.vm, base + CR), 0);
	dm = fs_domain(t, pasid, base, true);
	e2e_wq(t, 0, pasid, true);
	e2e_fill(t, base + SRC, XFER, 0x77);
	KUNIT_ASSERT_NE(test, sim_vm_gpa_to_hpa(t->p.vm, base + DST, &hpa), 0);

	cr = e2e_desc(t, 0, SIOV_OP_MEMMOVE, SIOV_F_BOF, E2E_IOVA + SRC,
		      E2E_IOVA + DST, XFER, E2E_IOVA + CR, base + CR);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, e2e_equal(t, base + SRC, base + DST, XFER));
	KUNIT_EXPECT_EQ(test, sim_vm_gpa_to_hpa(t->p.vm, base + DST, &hpa), 0);
	/* Three destination pages, three SS groups, three SUCCESS answers. */
	KUNIT_EXPECT_EQ(test, rs->by_class[FR_CLASS_SS], 3);
	KUNIT_EXPECT_EQ(test, rs->ss_populated, 3);
	KUNIT_EXPECT_EQ(test, rs->responses[VTD_PRG_RESP_SUCCESS], 3);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(t->p.pf)->page_responses, 3);
	expect_guest_untouched(t);
	KUNIT_EXPECT_EQ(test, dm->pasid, pasid);
	KUNIT_EXPECT_EQ(test, t->p.s.oracle_violations, 0);
	e2e_fini(t);
}

/*
 * The host takes a page back (unpopulate + shadow_vm_ss_changed, which
 * flushes the nested entries' host DIDs and the device TLB): the next DMA
 * to it faults in the second stage and the host backs it again.
 */
static void e2e_ss_fault_after_host_reclaim(struct kunit *test)
{
	struct e2e *t = e2e_init(test, NULL);
	u32 pasid = e2e_alloc_pasid(t);
	struct e2e_dom *dm = fs_domain(t, pasid, e2e_buf(t, WIN, false), true);
	u64 g = dm->gpa_base;
	struct siov_cr cr;

	e2e_wq(t, 0, pasid, true);
	cr = e2e_desc(t, 0, SIOV_OP_FILL, SIOV_F_BOF, 0x1111111111111111ULL,
		      E2E_IOVA + 0x4000, 4096, E2E_IOVA + CR, g + CR);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	KUNIT_ASSERT_EQ(test, sim_vm_unpopulate(t->p.vm, g + 0x4000), 0);
	KUNIT_ASSERT_EQ(test, shadow_vm_ss_changed(t->sh), 0);
	KUNIT_EXPECT_FALSE(test, siov_pf_devtlb_lookup(t->p.pf, true, pasid,
						       E2E_IOVA + 0x4000, NULL));

	cr = e2e_desc(t, 0, SIOV_OP_FILL, SIOV_F_BOF, 0x2222222222222222ULL,
		      E2E_IOVA + 0x4000, 4096, E2E_IOVA + CR, g + CR);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, e2e_byte(t, g + 0x4000), 0x22);
	KUNIT_EXPECT_EQ(test, e2e_byte(t, g + 0x4fff), 0x22);
	KUNIT_EXPECT_EQ(test, fault_router_stats(t->fr)->by_class[FR_CLASS_SS], 1);
	expect_guest_untouched(t);
	KUNIT_EXPECT_EQ(test, t->p.s.oracle_violations, 0);
	e2e_fini(t);
}

/* ===================================================================== */
/* 5. malformed guest input                                             */
/* ===================================================================== */

/*
 * The guest's fault recording as dmar_fault() reads it: FSTS.PPF (bit 1),
 * FRCD at CAP.FRO * 16: F (127), FR (103:96), PP (95), PV (123:104),
 * SID (79:64).  Returns the upper qword of FRCD 0.
 */
static u64 guest_frcd0_hi(struct e2e *t)
{
	u32 off = vtd_cap_frcd_offset(viommu_cap(t->v));

	KUNIT_EXPECT_TRUE(t->test, viommu_read(t->v, VTD_FSTS_REG, 4) &
			  VTD_FSTS_PPF);
	return viommu_read(t->v, off + 8, 8);
}

/* A raw entry written where Linux keeps @pasid's, then PASID-cache inv. */
static void write_raw_entry(struct e2e *t, u32 pasid,
			    const struct vtd_pasid_entry *pe, u16 did)
{
	u64 a = gvtd_pasid_entry_addr(t->dev, pasid);

	KUNIT_ASSERT_NE(t->test, a, 0);
	e2e_wr(t, a, pe->val, 64);
	KUNIT_EXPECT_EQ(t->test, gvtd_qi_flush_pasid_cache(&t->u, did,
							   VTD_PC_G_PASID,
							   pasid), 0);
}

struct bad_pe_case {
	const char *name;
	u8 pgtt;
	u64 val0_extra;		/* bits or'ed into qword 0 */
	u8 fr;
};

static const struct bad_pe_case bad_pe_cases[] = {
	/* bits 11:10 of a first-stage entry are reserved (9.6) */
	{ "fs-rsvd-bit-10", VTD_PGTT_FS, BIT_ULL(10), VTD_FR_SM_PASID_RSVD },
	/* PGTT 010b while ECAP.SLTS is not offered */
	{ "ss-without-slts", VTD_PGTT_SS, 0, VTD_FR_SM_PASID_INVALID },
	/* PGTT 011b: NEST is never offered */
	{ "nested", VTD_PGTT_NESTED, 0, VTD_FR_SM_PASID_INVALID },
};

KUNIT_ARRAY_PARAM_DESC(bad_pe, bad_pe_cases, name);

/*
 * A guest writes a PASID entry Linux would not (straight into its PASID
 * table, next to a good one) and invalidates the PASID cache through its
 * queue: a fault record in the vIOMMU with the guest's RID and PASID,
 * nothing programmed physically; the good neighbour is left alone.
 */
static void e2e_malformed_pasid_entry(struct kunit *test)
{
	const struct bad_pe_case *c = test->param_value;
	struct e2e *t = e2e_init(test, NULL);
	u32 pasid = e2e_alloc_pasid(t);
	struct e2e_dom *dm = fs_domain(t, pasid, e2e_buf(t, WIN, false), true);
	const u32 bad = pasid + 1;		/* same PASID table page */
	u64 nested = shadow_stats(t->sh)->nested_set;
	u64 subs = hostdrv_stats(t->p.hd)->submissions;
	struct vtd_pasid_entry pe;
	u64 hi;

	KUNIT_ASSERT_EQ(test, pasid % 64 != 63, true);
	memset(&pe, 0, sizeof(pe));
	vtd_pe_set_p(&pe, 1);
	vtd_pe_set_pgtt(&pe, c->pgtt);
	vtd_pe_set_did(&pe, dm->d->did);
	vtd_pe_set_aw(&pe, 2);
	vtd_pe_set_slptptr(&pe, dm->d->pgd);
	vtd_pe_set_flptptr(&pe, dm->d->pgd);
	pe.val[0] |= c->val0_extra;
	write_raw_entry(t, bad, &pe, dm->d->did);

	hi = guest_frcd0_hi(t);
	KUNIT_EXPECT_EQ(test, (hi >> 63) & 1, 1);			/* F */
	KUNIT_EXPECT_EQ(test, (hi >> 32) & 0xff, c->fr);		/* FR */
	KUNIT_EXPECT_EQ(test, (hi >> 31) & 1, 1);			/* PP */
	KUNIT_EXPECT_EQ(test, (hi >> 40) & 0xfffff, bad);		/* PV */
	KUNIT_EXPECT_EQ(test, hi & 0xffff, E2E_GRID);			/* SID */
	KUNIT_EXPECT_EQ(test, viommu_stats(t->v)->faults_recorded, 1);
	KUNIT_EXPECT_EQ(test, shadow_stats(t->sh)->guest_faults, 1);

	/* Nothing programmed: no entry, no set, no submission. */
	KUNIT_EXPECT_EQ(test, e2e_phys_pe(t, bad).val[0], 0);
	KUNIT_EXPECT_EQ(test, shadow_stats(t->sh)->nested_set, nested);
	KUNIT_EXPECT_EQ(test, hostdrv_stats(t->p.hd)->submissions, subs);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t->sh), 1);
	KUNIT_EXPECT_EQ(test, vtd_pe_pgtt(&(struct vtd_pasid_entry){
		.val = { e2e_phys_pe(t, pasid).val[0] } }), VTD_PGTT_NESTED);

	/* The guest's fault handler reads and clears the record. */
	sim_run(&t->p.s, 0);
	KUNIT_EXPECT_EQ(test, t->u.st.faults, 1);
	KUNIT_EXPECT_EQ(test, t->u.fault_log[0].reason, c->fr);
	KUNIT_EXPECT_EQ(test, t->u.fault_log[0].sid, E2E_GRID);
	KUNIT_EXPECT_TRUE(test, t->u.fault_log[0].pasid_present);
	KUNIT_EXPECT_EQ(test, t->u.fault_log[0].pasid, bad);
	KUNIT_EXPECT_EQ(test, viommu_read(t->v, VTD_FSTS_REG, 4) & VTD_FSTS_PPF,
			0);
	e2e_fini(t);
}

struct bad_desc_case {
	const char *name;
	u64 qw0;
	u8 iqei;
};

static const struct bad_desc_case bad_desc_cases[] = {
	/* Type 0xf (bits 3:0) is no descriptor type of rev 3.x */
	{ "type-0xf", 0xfULL, VTD_IQEI_TYPE },
	/* PASID-cache (type 7) with reserved bits 8:6 set (0x1c0 | 7) */
	{ "pc-rsvd", 0x1c7ULL, VTD_IQEI_RSVD },
};

KUNIT_ARRAY_PARAM_DESC(bad_desc, bad_desc_cases, name);

/*
 * A garbage descriptor in the guest's queue: IQE in the vIOMMU (FSTS.IQE,
 * IQERCD.IQEI), recovered by the guest as qi_check_fault() does, and the
 * physical unit never sees it.  The queue works again afterwards.
 */
static void e2e_malformed_inv_descriptor(struct kunit *test)
{
	const struct bad_desc_case *c = test->param_value;
	struct e2e *t = e2e_init(test, NULL);
	const struct hostdrv_stats *hs = hostdrv_stats(t->p.hd);
	const struct sim_iommu_stats *is = sim_iommu_stats(hostdrv_iommu(t->p.hd));
	u64 subs = hs->submissions, descs = is->iq_descs, iqe = is->iq_errors;
	u32 pasid = e2e_alloc_pasid(t);
	struct e2e_dom *dm = fs_domain(t, pasid, e2e_buf(t, WIN, false), true);
	struct vtd_inv_desc d;

	subs = hs->submissions;
	descs = is->iq_descs;
	memset(&d, 0, sizeof(d));
	d.qw[0] = c->qw0;
	KUNIT_EXPECT_EQ(test, gvtd_qi_submit_sync(&t->u, &d, 1, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, t->u.st.qi_iqe, 1);
	KUNIT_EXPECT_EQ(test, viommu_stats(t->v)->iq_errors, 1);
	KUNIT_EXPECT_EQ(test, viommu_stats(t->v)->iqe_by_iqei[c->iqei], 1);
	KUNIT_EXPECT_EQ(test, viommu_read(t->v, VTD_FSTS_REG, 4) & VTD_FSTS_IQE,
			0);	/* cleared by the guest */
	/* Physical unit untouched. */
	KUNIT_EXPECT_EQ(test, hs->submissions, subs);
	KUNIT_EXPECT_EQ(test, is->iq_descs, descs);
	KUNIT_EXPECT_EQ(test, is->iq_errors, iqe);
	/* And the queue goes on: a PASID-selective P_IOTLB flush reaches it. */
	KUNIT_EXPECT_EQ(test, gvtd_qi_flush_piotlb(&t->u, dm->d->did, pasid, 0,
						   GVTD_NPAGES_ALL, false), 0);
	KUNIT_EXPECT_EQ(test, hs->submissions, subs + 1);
	e2e_fini(t);
}

/* ===================================================================== */
/* 6. teardown with page requests in flight                             */
/* ===================================================================== */

struct teardown_case {
	const char *name;
	bool destroy;		/* VM destroy, else guest reset */
	bool vcmd;
};

static const struct teardown_case teardown_cases[] = {
	{ "guest-reset", false, false },
	{ "vm-destroy", true, false },
	{ "guest-reset-vcmd", false, true },
	{ "vm-destroy-vcmd", true, true },
};

KUNIT_ARRAY_PARAM_DESC(teardown, teardown_cases, name);

#define TD_N	4

static bool held_all(void *ctx)
{
	struct e2e *t = ctx;

	return t->nheld == TD_N;
}

/*
 * TD_N work queues block on faults the guest holds unanswered; then the
 * guest resets its vIOMMU or the VM goes away.  The device gets exactly
 * one answer per group (INVALID), every descriptor completes, and nothing
 * of the VM's is left in the physical unit or the host allocator.
 */
static void e2e_teardown_in_flight(struct kunit *test)
{
	const struct teardown_case *c = test->param_value;
	struct e2e *t = e2e_init(test, &(struct e2e_opts){ .vcmd = c->vcmd });
	const struct siov_pf_stats *ps = siov_pf_stats(t->p.pf);
	struct e2e_dom *dm[TD_N];
	u32 pasids[TD_N];
	u64 cleared;

	t->iopf_mode = E2E_IOPF_HOLD;
	for (int i = 0; i < TD_N; i++) {
		dm[i] = fs_fault_setup(t, (u32)i);
		pasids[i] = dm[i]->pasid;
		e2e_submit(t, (u32)i, SIOV_OP_MEMMOVE, SIOV_F_BOF,
			   E2E_IOVA + SRC, E2E_IOVA + DST, XFER,
			   E2E_IOVA + CR, dm[i]->gpa_base + CR);
	}
	KUNIT_ASSERT_TRUE(test, hostdrv_run_until(t->p.hd, held_all, t,
						  4000000));
	KUNIT_EXPECT_EQ(test, fault_router_outstanding(t->fr), TD_N);
	KUNIT_EXPECT_EQ(test, siov_pf_prg_outstanding(t->p.pf), TD_N);
	KUNIT_EXPECT_EQ(test, ps->page_responses, 0);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t->sh), TD_N);
	if (c->vcmd)
		KUNIT_EXPECT_EQ(test, vsva_pasid_usage(t->pa, E2E_OWNER), TD_N);
	cleared = hostdrv_stats(t->p.hd)->pasid_cleared;

	if (c->destroy) {
		e2e_host_vm_destroy(t);
	} else {
		e2e_host_guest_reset(t);
		KUNIT_EXPECT_EQ(test, fault_router_outstanding(t->fr), 0);
		KUNIT_EXPECT_EQ(test, fault_router_stats(t->fr)->teardown, TD_N);
		KUNIT_EXPECT_EQ(test, fault_router_responses(t->fr), TD_N);
		KUNIT_EXPECT_EQ(test, shadow_live_pasids(t->sh), 0);
		KUNIT_EXPECT_EQ(test, shadow_live_dids(t->sh), 0);
	}
	e2e_guest_forget(t);
	KUNIT_EXPECT_TRUE(test, e2e_run_idle(t));

	/* Exactly one answer per group, all INVALID, seen by the device. */
	KUNIT_EXPECT_EQ(test, ps->page_requests, TD_N);
	KUNIT_EXPECT_EQ(test, ps->page_responses, TD_N);
	KUNIT_EXPECT_EQ(test, ps->unexpected_responses, 0);
	KUNIT_EXPECT_EQ(test, ps->orphan_responses, 0);
	KUNIT_EXPECT_EQ(test, ps->status[SIOV_CS_PRS_INVALID], TD_N);
	KUNIT_EXPECT_EQ(test, siov_pf_prg_outstanding(t->p.pf), 0);
	KUNIT_EXPECT_EQ(test, hostdrv_stats(t->p.hd)->page_responses, TD_N);
	/* Nothing of the guest's left physically. */
	for (int i = 0; i < TD_N; i++)
		KUNIT_EXPECT_EQ(test, e2e_phys_pe(t, pasids[i]).val[0], 0);
	KUNIT_EXPECT_EQ(test, hostdrv_stats(t->p.hd)->pasid_cleared,
			cleared + TD_N);
	if (c->vcmd)
		KUNIT_EXPECT_EQ(test, vsva_pasid_usage(t->pa, E2E_OWNER), 0);
	/* The host's own RID_PASID entry (the VM's domain) is untouched. */
	KUNIT_EXPECT_EQ(test, vtd_pe_pgtt(&(struct vtd_pasid_entry){
		.val = { e2e_phys_pe(t, t->di.rid_pasid).val[0] } }),
		VTD_PGTT_SS);

	if (!c->destroy) {
		/* The guest boots again on the same vIOMMU and does DMA. */
		u32 pasid;
		struct e2e_dom *d2;

		e2e_guest_boot(t);
		t->iopf_mode = E2E_IOPF_MAP;
		pasid = e2e_alloc_pasid(t);
		d2 = fs_domain(t, pasid, e2e_buf(t, WIN, false), true);
		KUNIT_ASSERT_EQ(test, sim_platform_wq_disable(&t->p, 0), 0);
		e2e_wq(t, 0, pasid, false);
		memmove_fill(t, 0, d2);
	}
	e2e_fini(t);
}

/* ===================================================================== */
/* 7. many PASIDs                                                       */
/* ===================================================================== */

#define MANY	64

static void many_setup(struct e2e *t, struct e2e_dom **dm)
{
	for (int i = 0; i < MANY; i++) {
		u32 pasid = e2e_alloc_pasid(t);

		KUNIT_ASSERT_NE(t->test, pasid, GVTD_PASID_INVALID);
		dm[i] = fs_domain(t, pasid, e2e_buf(t, WIN, false), true);
		e2e_wq(t, (u32)i, pasid, false);
	}
}

/*
 * 64 guest PASIDs, each its own domain (own guest DID, own host DID) on
 * its own work queue; one MEMMOVE on every queue, all in flight together.
 * Each lands in its own domain's pages only; the oracle never trips.
 */
static void e2e_many_pasids_concurrent_dma(struct kunit *test)
{
	struct e2e *t = e2e_init(test, NULL);
	struct e2e_dom *dm[MANY];
	struct siov_cr cr;

	many_setup(t, dm);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t->sh), MANY);
	KUNIT_EXPECT_EQ(test, shadow_live_dids(t->sh), MANY);
	for (int i = 0; i < MANY; i++) {
		u64 g = dm[i]->gpa_base;

		e2e_fill(t, g + SRC, XFER, (u8)(3 * i + 1));
		e2e_fill(t, g + DST, XFER, 0xee);
		e2e_submit(t, (u32)i, SIOV_OP_MEMMOVE, 0, E2E_IOVA + SRC,
			   E2E_IOVA + DST, XFER, E2E_IOVA + CR, g + CR);
	}
	KUNIT_EXPECT_TRUE(test, e2e_run_idle(t));
	for (int i = 0; i < MANY; i++) {
		u64 g = dm[i]->gpa_base;

		cr = e2e_cr(t, g + CR);
		KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
		KUNIT_EXPECT_TRUE(test, e2e_equal(t, g + SRC, g + DST, XFER));
		KUNIT_EXPECT_EQ(test, e2e_byte(t, g + DST), (u8)(3 * i + 1));
	}
	KUNIT_EXPECT_EQ(test, siov_pf_stats(t->p.pf)->status[SIOV_CS_SUCCESS],
			MANY);
	KUNIT_EXPECT_EQ(test, t->p.s.oracle_violations, 0);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(t->p.pf)->oracle_violations, 0);
	e2e_fini(t);
}

/*
 * Invalidation sync batches: every guest queue batch (here each unmap's
 * P_IOTLB + P-devTLB + wait, then one batch of 64 P_IOTLBs) is one
 * physical submission.
 */
static void e2e_many_pasids_one_submission_per_batch(struct kunit *test)
{
	struct e2e *t = e2e_init(test, NULL);
	const struct hostdrv_stats *hs = hostdrv_stats(t->p.hd);
	struct vtd_inv_desc *descs;
	struct e2e_dom *dm[MANY];
	u64 subs, qis, batches, hdescs, waits;

	many_setup(t, dm);
	subs = hs->submissions;
	qis = t->u.st.qi_submits;
	batches = viommu_stats(t->v)->iq_batches;
	for (int i = 0; i < MANY; i++)
		KUNIT_EXPECT_EQ(test, gvtd_unmap(dm[i]->d, E2E_IOVA + DST, 4096),
				4096);
	KUNIT_EXPECT_EQ(test, t->u.st.qi_submits - qis, MANY);
	KUNIT_EXPECT_EQ(test, viommu_stats(t->v)->iq_batches - batches, MANY);
	KUNIT_EXPECT_EQ(test, hs->submissions - subs, MANY);

	descs = kunit_kzalloc(test, MANY * sizeof(*descs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, descs);
	for (int i = 0; i < MANY; i++)
		gvtd_desc_piotlb(&descs[i], dm[i]->d->did, dm[i]->pasid, 0,
				 GVTD_NPAGES_ALL, false);
	subs = hs->submissions;
	hdescs = hs->descs;
	waits = hs->inv_waits;
	KUNIT_EXPECT_EQ(test, gvtd_qi_submit_sync(&t->u, descs, MANY, false), 0);
	KUNIT_EXPECT_EQ(test, hs->submissions - subs, 1);
	/* 64 P_IOTLBs with host DIDs, then the host's one inv-wait. */
	KUNIT_EXPECT_EQ(test, hs->descs - hdescs, MANY);
	KUNIT_EXPECT_EQ(test, hs->inv_waits - waits, 1);
	e2e_fini(t);
}

/* ===================================================================== */
/* 8. determinism                                                       */
/* ===================================================================== */

struct det {
	struct e2e *t;
	struct e2e_dom *dm;
	u32 left;
};

static void det_submit(struct sim *s, void *arg)
{
	struct det *d = arg;
	u64 off = 0x1000 * sim_rand_below(s, 3);

	e2e_submit(d->t, 0, SIOV_OP_MEMMOVE, SIOV_F_BOF, E2E_IOVA + SRC,
		   E2E_IOVA + DST + off, 256, E2E_IOVA + CR,
		   d->dm->gpa_base + CR);
	if (--d->left)
		sim_schedule(s, 100 + sim_rand_below(s, 20000), det_submit, d);
}

static bool det_done(void *arg)
{
	struct det *d = arg;

	return !d->left && siov_pf_idle(d->t->p.pf);
}

/* Scenario 3 with random submission times; the whole trace. */
static char *det_run(struct kunit *test, u64 seed, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	struct e2e *t;
	struct det d;

	KUNIT_ASSERT_NOT_NULL(test, f);
	t = e2e_init(test, &(struct e2e_opts){ .seed = seed, .trace = f });
	d.t = t;
	d.dm = fs_fault_setup(t, 0);
	d.left = 6;
	sim_schedule(&t->p.s, sim_rand_below(&t->p.s, 1000), det_submit, &d);
	KUNIT_EXPECT_TRUE(test, hostdrv_run_until(t->p.hd, det_done, &d,
						  4000000));
	/* Each destination page the guest maps faults once. */
	KUNIT_EXPECT_GE(test, fault_router_stats(t->fr)->by_class[FR_CLASS_FS],
			1);
	KUNIT_EXPECT_EQ(test, fault_router_stats(t->fr)->by_class[FR_CLASS_FS],
			(u64)t->iopf_groups);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(t->p.pf)->status[SIOV_CS_SUCCESS],
			6);
	e2e_fini(t);
	fclose(f);
	return buf;
}

static void e2e_determinism_same_seed_same_trace(struct kunit *test)
{
	size_t l1 = 0, l2 = 0, l3 = 0;
	char *a = det_run(test, 42, &l1);
	char *b = det_run(test, 42, &l2);
	char *c = det_run(test, 43, &l3);

	KUNIT_EXPECT_GT(test, l1, 10000);
	KUNIT_EXPECT_EQ(test, l1, l2);
	KUNIT_EXPECT_TRUE(test, l1 == l2 && !memcmp(a, b, l1));
	/* The seed matters: submission times differ. */
	KUNIT_EXPECT_FALSE(test, l1 == l3 && !memcmp(a, c, l1));
	/* Every hop is in the trace. */
	KUNIT_EXPECT_NOT_NULL(test, strstr(a, "viommu"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(a, "l1-vtd"));
	free(a);
	free(b);
	free(c);
}

/* ===================================================================== */
/* VCMD namespace                                                       */
/* ===================================================================== */

/*
 * The guest takes its PASID from the host through VCMD and uses it like
 * any other; a PASID it was not given is refused with a fault; VCMD free
 * of the live PASID takes the physical entry down with it.
 */
static void e2e_vcmd_pasid_dma_and_free(struct kunit *test)
{
	struct e2e *t = e2e_init(test, &(struct e2e_opts){ .vcmd = true });
	u32 pasid = e2e_alloc_pasid(t);
	struct e2e_dom *dm, *rogue;

	KUNIT_ASSERT_NE(test, pasid, GVTD_PASID_INVALID);
	KUNIT_EXPECT_EQ(test, vsva_pasid_usage(t->pa, E2E_OWNER), 1);
	dm = fs_domain(t, pasid, e2e_buf(t, WIN, false), true);
	KUNIT_EXPECT_EQ(test, vtd_pe_pgtt(&(struct vtd_pasid_entry){
		.val = { e2e_phys_pe(t, pasid).val[0] } }), VTD_PGTT_NESTED);
	e2e_wq(t, 0, pasid, false);
	memmove_fill(t, 0, dm);

	/* A PASID the host never granted: refused, a guest fault. */
	rogue = fs_domain(t, pasid + 1, e2e_buf(t, WIN, false), false);
	KUNIT_EXPECT_EQ(test, e2e_phys_pe(t, rogue->pasid).val[0], 0);
	KUNIT_EXPECT_EQ(test, shadow_stats(t->sh)->guest_faults, 1);
	e2e_detach(rogue);

	KUNIT_EXPECT_EQ(test, e2e_vcmd_free(t, pasid), VTD_VCRSP_SC_SUCCESS);
	KUNIT_EXPECT_EQ(test, e2e_phys_pe(t, pasid).val[0], 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_usage(t->pa, E2E_OWNER), 0);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t->sh), 0);
	e2e_fini(t);
}

static struct kunit_case e2e_cases[] = {
	KUNIT_CASE(e2e_create_programs_nested),
	KUNIT_CASE(e2e_create_dma_memmove_fill),
	KUNIT_CASE(e2e_change_domain_follows),
	KUNIT_CASE(e2e_destroy_entry_gone_dma_faults),
	KUNIT_CASE(e2e_unmap_partial_completion),
	KUNIT_CASE(e2e_fs_fault_guest_resolves),
	KUNIT_CASE(e2e_fs_fault_guest_invalid),
	KUNIT_CASE(e2e_ss_fault_host_resolves),
	KUNIT_CASE(e2e_ss_fault_after_host_reclaim),
	KUNIT_CASE_PARAM(e2e_malformed_pasid_entry, bad_pe_gen_params),
	KUNIT_CASE_PARAM(e2e_malformed_inv_descriptor, bad_desc_gen_params),
	KUNIT_CASE_PARAM(e2e_teardown_in_flight, teardown_gen_params),
	KUNIT_CASE(e2e_many_pasids_concurrent_dma),
	KUNIT_CASE(e2e_many_pasids_one_submission_per_batch),
	KUNIT_CASE(e2e_determinism_same_seed_same_trace),
	KUNIT_CASE(e2e_vcmd_pasid_dma_and_free),
	{}
};

static struct kunit_suite e2e_suite = {
	.name = "e2e-host",
	.exit = e2e_exit,
	.test_cases = e2e_cases,
};

kunit_test_suites(&e2e_suite);
