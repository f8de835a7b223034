// SPDX-License-Identifier: GPL-2.0
/*
 * The host IOMMU driver of the simulated machine (host/sim/hostdrv.c) and
 * its pIOMMU backend, against the simulated VT-d unit.  A fake PCI function
 * (config space with PASID, ATS and PRI capabilities; page responses and
 * device-TLB invalidations recorded) stands in for a device.  Expected
 * register and entry values are literals worked out from the spec.
 */
#include <kunit/test.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostdrv.h"
#include <nestmed/vtd_fault.h>

#define RID		0x0208	/* bus 2, devfn 8 (lower context half) */
#define PASID		0x45
#define DID		0x1234

struct fake_dev {
	u8 cfg[4096];
	u32 responses, devtlb;
	bool resp_pp;
	u32 resp_pasid;
	u16 resp_prgi;
	u8 resp_code;
	bool inv_pasid_valid;
	u32 inv_pasid;
};

struct fx {
	struct kunit *test;
	struct sim s;
	struct hostdrv *hd;
	struct sim_iommu *it;
	struct piommu *pi;
	struct sim_vm *vm;
	struct fake_dev dev;
	u32 page_reqs, faults;
	struct piommu_page_req req;
	struct piommu_fault fault;
	bool respond;
	u64 pages_before;
};

/* ---- the fake PCI function ---------------------------------------- */

static void put32(struct fake_dev *d, u32 off, u32 v)
{
	memcpy(&d->cfg[off], &v, 4);
}

static u32 fd_cfg_read(void *dev, u32 off, unsigned int size)
{
	struct fake_dev *d = dev;
	u32 v = 0;

	memcpy(&v, &d->cfg[off], size);
	return v;
}

static void fd_cfg_write(void *dev, u32 off, unsigned int size, u32 val)
{
	struct fake_dev *d = dev;

	memcpy(&d->cfg[off], &val, size);
}

static const struct hostdrv_pci_ops fd_pci_ops = {
	.cfg_read = fd_cfg_read,
	.cfg_write = fd_cfg_write,
};

/*
 * Extended capabilities: PASID at 0x100 (ID 0x1b, v1, next 0x108; width
 * 20 at bits 12:8, exec + priv: 0x1406), ATS at 0x108 (ID 0x0f, next
 * 0x110), PRI at 0x110 (ID 0x13, next 0; capacity 0x200 at +8).
 */
static void fd_init(struct fake_dev *d)
{
	memset(d, 0, sizeof(*d));
	put32(d, 0x100, 0x1b | 1 << 16 | 0x108 << 20);	/* 0x1081001b */
	put32(d, 0x104, 0x1406);
	put32(d, 0x108, 0x0f | 1 << 16 | 0x110 << 20);	/* 0x1101000f */
	put32(d, 0x10c, 0x0020);
	put32(d, 0x110, 0x13 | 1 << 16);		/* 0x00010013 */
	put32(d, 0x118, 0x200);
}

static void fd_page_response(void *dev, bool pp, u32 pasid, u16 prgi, u8 code)
{
	struct fake_dev *d = dev;

	d->responses++;
	d->resp_pp = pp;
	d->resp_pasid = pasid;
	d->resp_prgi = prgi;
	d->resp_code = code;
}

static void fd_devtlb_inv(void *dev, bool pasid_valid, u32 pasid, u64 addr,
			  u8 size_lg2, bool global)
{
	struct fake_dev *d = dev;

	d->devtlb++;
	d->inv_pasid_valid = pasid_valid;
	d->inv_pasid = pasid;
}

static const struct sim_iommu_dev_ops fd_dev_ops = {
	.page_response = fd_page_response,
	.devtlb_invalidate = fd_devtlb_inv,
};

/* ---- fixture -------------------------------------------------------- */

static void on_page_request(void *ctx, const struct piommu_page_req *req)
{
	struct fx *f = ctx;

	f->page_reqs++;
	f->req = *req;
	if (f->respond)
		f->pi->ops->page_response(f->pi, req->rid, req->pasid_present,
					  req->pasid, req->prg_index,
					  VTD_PRG_RESP_SUCCESS);
}

static void on_fault(void *ctx, const struct piommu_fault *fl)
{
	struct fx *f = ctx;

	f->faults++;
	f->fault = *fl;
}

static void fx_init_cfg(struct kunit *test, struct fx *f,
			const struct sim_iommu_cfg *icfg,
			const struct hostdrv_cfg *hcfg)
{
	struct sim_vm_cfg vc = { .name = "vm", .ram_bytes = 4 << 20 };
	struct piommu_handlers h = {
		.page_request = on_page_request, .fault = on_fault, .ctx = f,
	};

	memset(f, 0, sizeof(*f));
	f->test = test;
	KUNIT_ASSERT_EQ(test, sim_init(&f->s, 7), 0);
	f->s.mem = sim_mem_create(&f->s, 0);
	KUNIT_ASSERT_NOT_NULL(test, f->s.mem);
	f->vm = sim_vm_create(&f->s, &vc);
	KUNIT_ASSERT_NOT_NULL(test, f->vm);
	f->pages_before = sim_mem_stats(f->s.mem)->pages_live;
	f->hd = hostdrv_create(&f->s, icfg, hcfg);
	KUNIT_ASSERT_NOT_NULL(test, f->hd);
	f->it = hostdrv_iommu(f->hd);
	f->pi = hostdrv_piommu(f->hd);
	f->pi->ops->set_handlers(f->pi, &h);
	fd_init(&f->dev);
}

static void fx_init(struct kunit *test, struct fx *f)
{
	fx_init_cfg(test, f, NULL, NULL);
}

static void fx_attach(struct fx *f)
{
	KUNIT_ASSERT_EQ(f->test, sim_iommu_attach_device(f->it, RID, &fd_dev_ops,
							 &f->dev), 0);
	KUNIT_ASSERT_EQ(f->test, hostdrv_attach_device(f->hd, RID, &fd_pci_ops,
						       &f->dev, f->vm), 0);
}

static void fx_fini(struct fx *f)
{
	hostdrv_destroy(f->hd);
	sim_fini(&f->s);
}

static u64 rd64(struct fx *f, u64 a)
{
	u64 v = 0;

	sim_mem_read(f->s.mem, VSVA_AS_HPA, a, &v, 8);
	return v;
}

/* The context entry of RID as the unit will read it. */
static void read_ctx(struct fx *f, u64 rta, struct vtd_sm_context_entry *ce)
{
	struct vtd_root_entry re;

	re.val[0] = rd64(f, rta + 16 * (RID >> 8));
	re.val[1] = rd64(f, rta + 16 * (RID >> 8) + 8);
	memset(ce, 0, sizeof(*ce));
	if (!vtd_sre_lp(&re))
		return;
	for (int i = 0; i < 4; i++)
		ce->val[i] = rd64(f, vtd_sre_lctp(&re) + 32 * (RID & 0x7f) + 8 * i);
}

/* ---- init ----------------------------------------------------------- */

static void init_sequence_and_gsts(struct kunit *test)
{
	const struct hostdrv_stats *st;
	char *buf = NULL, *qie, *srtp, *te;
	size_t len = 0;
	u64 rtaddr, iqa;
	struct fx f;

	memset(&f, 0, sizeof(f));
	KUNIT_ASSERT_EQ(test, sim_init(&f.s, 1), 0);
	f.s.mem = sim_mem_create(&f.s, 0);
	f.s.trace = open_memstream(&buf, &len);
	f.hd = hostdrv_create(&f.s, NULL, NULL);
	KUNIT_ASSERT_NOT_NULL(test, f.hd);
	f.it = hostdrv_iommu(f.hd);
	/* GSTS: TES (31) | RTPS (30) | QIES (26) = 0xc4000000. */
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f.it, VTD_GSTS_REG, 4), 0xc4000000);
	rtaddr = sim_iommu_read(f.it, VTD_RTADDR_REG, 8);
	/* TTM 01b at bits 11:10 = 0x400. */
	KUNIT_EXPECT_EQ(test, rtaddr & 0xfff, 0x400);
	iqa = sim_iommu_read(f.it, VTD_IQA_REG, 8);
	/* DW (bit 11) = 1, QS = 0: 0x800. */
	KUNIT_EXPECT_EQ(test, iqa & 0xfff, 0x800);
	/* FECTL and PECTL unmasked (IM bit 31 clear). */
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f.it, VTD_FECTL_REG, 4), 0);
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f.it, VTD_PECTL_REG, 4), 0);
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f.it, VTD_FEDATA_REG, 4), 0x40);
	KUNIT_EXPECT_NE(test, sim_iommu_read(f.it, VTD_PQA_REG, 8), 0);
	/* One submission: CC global, PC global, IOTLB global + the wait. */
	st = hostdrv_stats(f.hd);
	KUNIT_EXPECT_EQ(test, st->submissions, 1);
	KUNIT_EXPECT_EQ(test, st->descs, 3);
	KUNIT_EXPECT_EQ(test, sim_iommu_stats(f.it)->iq_descs, 4);
	KUNIT_EXPECT_EQ(test, sim_iommu_stats(f.it)->gcmd_bad, 0);
	/* Order: QIE before SRTP before TE (Linux init_dmars). */
	fflush(f.s.trace);
	qie = strstr(buf, "GCMD = 0x4000000 ");
	srtp = strstr(buf, "SRTP");
	te = strstr(buf, "GCMD = 0x84000000");
	KUNIT_EXPECT_TRUE(test, qie && srtp && te && qie < srtp && srtp < te);
	hostdrv_destroy(f.hd);
	/* TE and QIE off again. */
	fclose(f.s.trace);
	f.s.trace = NULL;
	KUNIT_EXPECT_EQ(test, sim_mem_stats(f.s.mem)->pages_live, 0);
	sim_fini(&f.s);
	free(buf);
}

static void create_refuses_unit_without_smts(struct kunit *test)
{
	struct sim_iommu_cfg icfg;
	struct sim s;

	KUNIT_ASSERT_EQ(test, sim_init(&s, 1), 0);
	s.mem = sim_mem_create(&s, 0);
	sim_iommu_default_cfg(&icfg);
	icfg.ecap = vtd_ecap_set_smts(icfg.ecap, 0);
	KUNIT_EXPECT_NULL(test, hostdrv_create(&s, &icfg, NULL));
	KUNIT_EXPECT_EQ(test, sim_mem_stats(s.mem)->pages_live, 0);
	sim_fini(&s);
}

/* ---- attach: context entry, RID_PASID, config space -------------- */

static void attach_context_entry(struct kunit *test)
{
	struct hostdrv_dev_info info;
	struct vtd_sm_context_entry ce;
	struct fx f;
	u64 rta;

	fx_init(test, &f);
	fx_attach(&f);
	KUNIT_ASSERT_EQ(test, hostdrv_dev_info(f.hd, RID, &info), 0);
	rta = sim_iommu_read(f.it, VTD_RTADDR_REG, 8) & GENMASK_ULL(63, 12);
	read_ctx(&f, rta, &ce);
	KUNIT_EXPECT_EQ(test, vtd_sce_p(&ce), 1);
	KUNIT_EXPECT_EQ(test, vtd_sce_fpd(&ce), 0);
	KUNIT_EXPECT_EQ(test, vtd_sce_paside(&ce), 1);
	KUNIT_EXPECT_EQ(test, vtd_sce_dte(&ce), 1);
	KUNIT_EXPECT_EQ(test, vtd_sce_pre(&ce), 1);
	/* 20-bit PASIDs: bits 19:6 index the directory, 2^14 = 2^(7+7). */
	KUNIT_EXPECT_EQ(test, vtd_sce_pdts(&ce), 7);
	KUNIT_EXPECT_EQ(test, vtd_sce_pasiddirptr(&ce), info.pasid_dir);
	KUNIT_EXPECT_EQ(test, vtd_sce_rid_pasid(&ce), 0);
	/* Config space: PASID ctrl = enable|exec?|priv; ERS is 0 in the
	 * default unit, so exec stays off: 0x1 | 0x4 = 0x5. */
	KUNIT_EXPECT_EQ(test, fd_cfg_read(&f.dev, 0x106, 2), 0x5);
	KUNIT_EXPECT_EQ(test, fd_cfg_read(&f.dev, 0x10e, 2), 0x8000);	/* ATS E */
	KUNIT_EXPECT_EQ(test, fd_cfg_read(&f.dev, 0x114, 2), 0x1);	/* PRI E */
	KUNIT_EXPECT_EQ(test, fd_cfg_read(&f.dev, 0x11c, 4), 0x200);	/* alloc */
	KUNIT_EXPECT_TRUE(test, info.ats && info.pri && info.pasid);
	KUNIT_EXPECT_EQ(test, info.pasid_bits, 20);
	KUNIT_EXPECT_EQ(test, hostdrv_attach_device(f.hd, RID, &fd_pci_ops,
						    &f.dev, f.vm), -EEXIST);
	fx_fini(&f);
}

static void attach_without_ats_pri(struct kunit *test)
{
	struct vtd_sm_context_entry ce;
	struct fx f;

	fx_init(test, &f);
	/* PASID only: next pointer 0. */
	put32(&f.dev, 0x100, 0x0001001b);
	fx_attach(&f);
	read_ctx(&f, sim_iommu_read(f.it, VTD_RTADDR_REG, 8) & GENMASK_ULL(63, 12),
		 &ce);
	KUNIT_EXPECT_EQ(test, vtd_sce_p(&ce), 1);
	KUNIT_EXPECT_EQ(test, vtd_sce_dte(&ce), 0);
	KUNIT_EXPECT_EQ(test, vtd_sce_pre(&ce), 0);
	fx_fini(&f);
	/* No PASID capability at all: refused. */
	fx_init(test, &f);
	put32(&f.dev, 0x100, 0);
	KUNIT_EXPECT_EQ(test, hostdrv_attach_device(f.hd, RID, &fd_pci_ops,
						    &f.dev, f.vm), -ENODEV);
	fx_fini(&f);
}

static void rid_pasid_is_vm_pass_through_domain(struct kunit *test)
{
	struct vtd_pasid_entry pe;
	struct fx f;
	u64 a;

	fx_init(test, &f);
	fx_attach(&f);
	KUNIT_ASSERT_EQ(test, hostdrv_read_pasid_entry(f.hd, RID, 0, &pe, &a), 0);
	KUNIT_EXPECT_NE(test, a, 0);
	KUNIT_EXPECT_EQ(test, vtd_pe_p(&pe), 1);
	KUNIT_EXPECT_EQ(test, vtd_pe_pgtt(&pe), VTD_PGTT_SS);
	KUNIT_EXPECT_EQ(test, vtd_pe_slptptr(&pe), sim_vm_ss_root(f.vm));
	KUNIT_EXPECT_EQ(test, vtd_pe_aw(&pe), 2);	/* 4-level, 48 bits */
	KUNIT_EXPECT_EQ(test, vtd_pe_did(&pe), 1);	/* first host DID */
	KUNIT_EXPECT_EQ(test, hostdrv_vm_did(f.hd, f.vm), 1);
	/* The unit translates a request without PASID through it. */
	{
		struct sim_dma_req rq = { .rid = RID, .addr = 0x3000,
					  .access = VSVA_PERM_W };
		struct sim_xlate x;
		u64 hpa;

		KUNIT_ASSERT_EQ(test, sim_iommu_translate(f.it, &rq, &x), 0);
		KUNIT_ASSERT_EQ(test, sim_vm_gpa_to_hpa(f.vm, 0x3000, &hpa), 0);
		KUNIT_EXPECT_EQ(test, x.hpa, hpa);
	}
	fx_fini(&f);
}

/* ---- PASID entries ----------------------------------------------- */

static void nested_entry_fields(struct kunit *test)
{
	struct piommu_fs_cfg fs = { .root = 0x5000, .levels = 5, .sre = true,
				    .wpe = true };
	struct vtd_pasid_entry pe;
	struct fx f;

	fx_init(test, &f);
	fx_attach(&f);
	KUNIT_ASSERT_EQ(test, f.pi->ops->set_nested(f.pi, RID, PASID, DID, &fs,
						    f.vm), 0);
	hostdrv_read_pasid_entry(f.hd, RID, PASID, &pe, NULL);
	KUNIT_EXPECT_EQ(test, vtd_pe_p(&pe), 1);
	KUNIT_EXPECT_EQ(test, vtd_pe_pgtt(&pe), VTD_PGTT_NESTED);
	KUNIT_EXPECT_EQ(test, vtd_pe_flptptr(&pe), 0x5000);
	KUNIT_EXPECT_EQ(test, vtd_pe_flpm(&pe), VTD_FSPM_5LVL);
	KUNIT_EXPECT_EQ(test, vtd_pe_sre(&pe), 1);
	KUNIT_EXPECT_EQ(test, vtd_pe_wpe(&pe), 1);
	KUNIT_EXPECT_EQ(test, vtd_pe_eafe(&pe), 0);
	KUNIT_EXPECT_EQ(test, vtd_pe_slptptr(&pe), sim_vm_ss_root(f.vm));
	KUNIT_EXPECT_EQ(test, vtd_pe_aw(&pe), 2);
	KUNIT_EXPECT_EQ(test, vtd_pe_did(&pe), DID);
	/* qword 1: DID 0x1234 at 79:64, PWSNP (87) from ECAP.SMPWC. */
	KUNIT_EXPECT_EQ(test, pe.val[1], 0x1234 | BIT_ULL(23));
	/* qword 2: SRE (128), FLPM 01b (131:130), WPE (132), FLPTR 0x5000:
	 * 0x1 | 0x4 | 0x10 | 0x5000 = 0x5015. */
	KUNIT_EXPECT_EQ(test, pe.val[2], 0x5015);
	fx_fini(&f);
}

static void ss_fs_pt_entry_fields(struct kunit *test)
{
	struct piommu_fs_cfg fs = { .root = 0x7000, .levels = 4, .eafe = true };
	struct vtd_pasid_entry pe;
	struct fx f;

	fx_init(test, &f);
	fx_attach(&f);
	KUNIT_ASSERT_EQ(test, f.pi->ops->set_ss(f.pi, RID, 1, DID, f.vm), 0);
	hostdrv_read_pasid_entry(f.hd, RID, 1, &pe, NULL);
	KUNIT_EXPECT_EQ(test, vtd_pe_pgtt(&pe), VTD_PGTT_SS);
	KUNIT_EXPECT_EQ(test, vtd_pe_slptptr(&pe), sim_vm_ss_root(f.vm));
	KUNIT_EXPECT_EQ(test, vtd_pe_flptptr(&pe), 0);
	/* qword 0: P | AW 2 << 2 | PGTT 2 << 6 | SLPTPTR = root | 0x89. */
	KUNIT_EXPECT_EQ(test, pe.val[0], sim_vm_ss_root(f.vm) | 0x89);

	KUNIT_ASSERT_EQ(test, f.pi->ops->set_fs(f.pi, RID, 2, DID, &fs), 0);
	hostdrv_read_pasid_entry(f.hd, RID, 2, &pe, NULL);
	/* qword 0: P | PGTT 1 << 6 = 0x41; qword 2: EAFE (135) | 0x7000. */
	KUNIT_EXPECT_EQ(test, pe.val[0], 0x41);
	KUNIT_EXPECT_EQ(test, pe.val[2], 0x7080);

	KUNIT_ASSERT_EQ(test, hostdrv_set_pt(f.hd, RID, 3, DID), 0);
	hostdrv_read_pasid_entry(f.hd, RID, 3, &pe, NULL);
	/* qword 0: P | AW 3 (57-bit SAGAW) << 2 | PGTT 4 << 6 = 0x10d. */
	KUNIT_EXPECT_EQ(test, pe.val[0], 0x10d);
	KUNIT_EXPECT_EQ(test, hostdrv_stats(f.hd)->pasid_set[VTD_PGTT_PT], 1);
	fx_fini(&f);
}

static void pasid_tables_on_demand(struct kunit *test)
{
	struct hostdrv_dev_info info;
	struct fx f;
	u64 pde;

	fx_init(test, &f);
	fx_attach(&f);
	hostdrv_dev_info(f.hd, RID, &info);
	/* RID_PASID made the table of PASIDs 0..63. */
	KUNIT_EXPECT_EQ(test, hostdrv_stats(f.hd)->pasid_tables, 1);
	KUNIT_ASSERT_EQ(test, f.pi->ops->set_ss(f.pi, RID, 63, DID, f.vm), 0);
	KUNIT_EXPECT_EQ(test, hostdrv_stats(f.hd)->pasid_tables, 1);
	/* PASID 0xfffff: directory entry 0xfffff >> 6 = 0x3fff. */
	KUNIT_ASSERT_EQ(test, f.pi->ops->set_ss(f.pi, RID, 0xfffff, DID, f.vm), 0);
	KUNIT_EXPECT_EQ(test, hostdrv_stats(f.hd)->pasid_tables, 2);
	pde = rd64(&f, info.pasid_dir + 8 * 0x3fff);
	KUNIT_EXPECT_EQ(test, pde & 0xfff, 1);	/* P, FPD clear */
	KUNIT_EXPECT_EQ(test, rd64(&f, info.pasid_dir + 8 * 0x3ffe), 0);
	fx_fini(&f);
}

/* ---- clear ------------------------------------------------------- */

static void clear_leaves_entry_zero_and_caches_empty(struct kunit *test)
{
	struct sim_dma_req rq = { .rid = RID, .pasid_present = true,
				  .pasid = PASID, .addr = 0x2000,
				  .access = VSVA_PERM_R };
	struct vsva_caches *c;
	struct vtd_pasid_entry pe;
	struct sim_xlate x;
	u64 descs;
	struct fx f;

	fx_init(test, &f);
	fx_attach(&f);
	c = sim_iommu_caches(f.it);
	KUNIT_ASSERT_EQ(test, f.pi->ops->set_ss(f.pi, RID, PASID, DID, f.vm), 0);
	KUNIT_ASSERT_EQ(test, sim_iommu_translate(f.it, &rq, &x), 0);
	KUNIT_EXPECT_NOT_NULL(test, vsva_pasid_cache_lookup(c, RID, PASID));
	KUNIT_EXPECT_NOT_NULL(test, vsva_iotlb_lookup(c, DID, PASID, 0x2000));
	descs = sim_iommu_stats(f.it)->iq_descs;
	KUNIT_ASSERT_EQ(test, f.pi->ops->clear(f.pi, RID, PASID), 0);
	hostdrv_read_pasid_entry(f.hd, RID, PASID, &pe, NULL);
	for (int i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ(test, pe.val[i], 0);
	KUNIT_EXPECT_NULL(test, vsva_pasid_cache_lookup(c, RID, PASID));
	KUNIT_EXPECT_NULL(test, vsva_iotlb_lookup(c, DID, PASID, 0x2000));
	/* PC + IOTLB (domain: SS) + P-devTLB + wait, then the PD drain wait. */
	KUNIT_EXPECT_EQ(test, sim_iommu_stats(f.it)->iq_descs - descs, 5);
	KUNIT_EXPECT_EQ(test, f.dev.devtlb, 1);
	KUNIT_EXPECT_TRUE(test, f.dev.inv_pasid_valid);
	KUNIT_EXPECT_EQ(test, f.dev.inv_pasid, PASID);
	/* The entry is gone for the unit too: a request now faults. */
	KUNIT_EXPECT_EQ(test, sim_iommu_translate(f.it, &rq, &x), -EFAULT);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_SM_PASID_NOT_PRESENT);
	/* And the PASID can be installed again. */
	KUNIT_EXPECT_EQ(test, f.pi->ops->set_ss(f.pi, RID, PASID, DID, f.vm), 0);
	fx_fini(&f);
}

/* ---- invalidation ------------------------------------------------- */

static void batch_is_one_submission(struct kunit *test)
{
	struct vsva_inv_op ops[10];
	const struct hostdrv_stats *st;
	u64 sub, waits, descs;
	struct fx f;

	fx_init(test, &f);
	fx_attach(&f);
	st = hostdrv_stats(f.hd);
	memset(ops, 0, sizeof(ops));
	for (int i = 0; i < 10; i++) {
		ops[i].kind = VSVA_INV_PIOTLB;
		ops[i].gran = VSVA_INV_G_PASID_PAGE;
		ops[i].did = DID;
		ops[i].pasid = PASID;
		ops[i].addr = 0x1000ULL * i;
	}
	sub = st->submissions;
	waits = sim_iommu_stats(f.it)->inv_waits;
	descs = sim_iommu_stats(f.it)->iq_descs;
	KUNIT_EXPECT_EQ(test, f.pi->ops->inv_submit(f.pi, ops, 10), 0);
	KUNIT_EXPECT_EQ(test, st->submissions - sub, 1);
	KUNIT_EXPECT_EQ(test, sim_iommu_stats(f.it)->inv_waits - waits, 1);
	KUNIT_EXPECT_EQ(test, sim_iommu_stats(f.it)->iq_descs - descs, 11);
	fx_fini(&f);
}

static void large_batch_is_split(struct kunit *test)
{
	struct vsva_inv_op *ops = kunit_kcalloc(test, 300, sizeof(*ops),
						GFP_KERNEL);
	u64 sub;
	struct fx f;

	fx_init(test, &f);
	for (int i = 0; i < 300; i++) {
		ops[i].kind = VSVA_INV_PC;
		ops[i].gran = VSVA_INV_G_PASID;
		ops[i].did = DID;
		ops[i].pasid = i;
	}
	sub = hostdrv_stats(f.hd)->submissions;
	/* One 4 KiB queue: 128 slots, one empty, one wait: 126 per go. */
	KUNIT_EXPECT_EQ(test, f.pi->ops->inv_submit(f.pi, ops, 300), 0);
	KUNIT_EXPECT_EQ(test, hostdrv_stats(f.hd)->submissions - sub, 3);
	KUNIT_EXPECT_EQ(test, sim_iommu_stats(f.it)->iq_errors, 0);
	fx_fini(&f);
}

static void invalid_ops_refused(struct kunit *test)
{
	struct vsva_inv_op op;
	u64 sub;
	struct fx f;

	fx_init(test, &f);
	sub = hostdrv_stats(f.hd)->submissions;
	memset(&op, 0, sizeof(op));
	op.kind = VSVA_INV_WAIT;
	KUNIT_EXPECT_EQ(test, f.pi->ops->inv_submit(f.pi, &op, 1), -EINVAL);
	op.kind = VSVA_INV_PGRP_RESP;
	KUNIT_EXPECT_EQ(test, f.pi->ops->inv_submit(f.pi, &op, 1), -EINVAL);
	/* Page-selective with an address not aligned to 2^AM pages. */
	op.kind = VSVA_INV_PIOTLB;
	op.gran = VSVA_INV_G_PASID_PAGE;
	op.addr = 0x1000;
	op.am = 1;
	KUNIT_EXPECT_EQ(test, f.pi->ops->inv_submit(f.pi, &op, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, hostdrv_stats(f.hd)->submissions, sub);
	KUNIT_EXPECT_EQ(test, hostdrv_stats(f.hd)->errors, 3);
	KUNIT_EXPECT_EQ(test, f.pi->ops->inv_submit(f.pi, &op, 0), 0);
	fx_fini(&f);
}

static void iqe_recovered(struct kunit *test)
{
	struct vsva_inv_op op;
	struct fx f;

	fx_init(test, &f);
	memset(&op, 0, sizeof(op));
	/* AM 20 encodes, but the unit's CAP.MAMV is 18: IQE (IQEI 4). */
	op.kind = VSVA_INV_PIOTLB;
	op.gran = VSVA_INV_G_PASID_PAGE;
	op.did = DID;
	op.am = 20;
	KUNIT_EXPECT_EQ(test, f.pi->ops->inv_submit(f.pi, &op, 1), -EIO);
	KUNIT_EXPECT_EQ(test, hostdrv_stats(f.hd)->iqe, 1);
	KUNIT_EXPECT_EQ(test, sim_iommu_stats(f.it)->iqe_by_iqei[VTD_IQEI_RSVD], 1);
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f.it, VTD_FSTS_REG, 4) &
			VTD_FSTS_IQE, 0);
	/* The queue works again. */
	op.am = 0;
	KUNIT_EXPECT_EQ(test, f.pi->ops->inv_submit(f.pi, &op, 1), 0);
	fx_fini(&f);
}

/* ---- page requests and faults -------------------------------------- */

static void page_request_to_handler_and_response_to_device(struct kunit *test)
{
	struct sim_page_req pr = { .rid = RID, .pasid_present = true,
				   .pasid = PASID, .addr = 0x7000, .w = true,
				   .r = true, .lpig = true, .prg_index = 0x1a5 };
	struct fx f;

	fx_init(test, &f);
	fx_attach(&f);
	f.respond = true;
	KUNIT_ASSERT_EQ(test, sim_iommu_page_request(f.it, &pr), 0);
	/* Drained by the interrupt handler event, then delivered by poll. */
	KUNIT_EXPECT_EQ(test, hostdrv_pending(f.hd), 0);
	sim_run(&f.s, 0);
	KUNIT_EXPECT_EQ(test, hostdrv_pending(f.hd), 1);
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f.it, VTD_PQH_REG, 8),
			sim_iommu_read(f.it, VTD_PQT_REG, 8));
	KUNIT_EXPECT_EQ(test, hostdrv_poll(f.hd), 1);
	KUNIT_EXPECT_EQ(test, f.page_reqs, 1);
	KUNIT_EXPECT_EQ(test, f.req.rid, RID);
	KUNIT_EXPECT_TRUE(test, f.req.pasid_present);
	KUNIT_EXPECT_EQ(test, f.req.pasid, PASID);
	KUNIT_EXPECT_EQ(test, f.req.addr, 0x7000);
	KUNIT_EXPECT_TRUE(test, f.req.w && f.req.r && f.req.lpig);
	KUNIT_EXPECT_EQ(test, f.req.prg_index, 0x1a5);
	KUNIT_EXPECT_EQ(test, f.dev.responses, 1);
	KUNIT_EXPECT_TRUE(test, f.dev.resp_pp);
	KUNIT_EXPECT_EQ(test, f.dev.resp_pasid, PASID);
	KUNIT_EXPECT_EQ(test, f.dev.resp_prgi, 0x1a5);
	KUNIT_EXPECT_EQ(test, f.dev.resp_code, VTD_PRG_RESP_SUCCESS);
	/* A second request raises a new interrupt (PPR was cleared). */
	pr.prg_index = 3;
	KUNIT_ASSERT_EQ(test, sim_iommu_page_request(f.it, &pr), 0);
	sim_run(&f.s, 0);
	hostdrv_poll(f.hd);
	KUNIT_EXPECT_EQ(test, f.dev.responses, 2);
	KUNIT_EXPECT_EQ(test, f.dev.resp_prgi, 3);
	KUNIT_EXPECT_EQ(test, hostdrv_stats(f.hd)->irqs[SIM_IOMMU_IRQ_PRQ], 2);
	fx_fini(&f);
}

static void fault_records_to_handler(struct kunit *test)
{
	struct sim_dma_req rq = { .rid = RID, .pasid_present = true,
				  .pasid = 0x99, .addr = 0x1234000,
				  .access = VSVA_PERM_W };
	struct sim_xlate x;
	struct fx f;

	fx_init(test, &f);
	fx_attach(&f);
	KUNIT_EXPECT_EQ(test, sim_iommu_translate(f.it, &rq, &x), -EFAULT);
	KUNIT_EXPECT_TRUE(test, x.recorded);
	sim_run(&f.s, 0);
	hostdrv_poll(f.hd);
	KUNIT_EXPECT_EQ(test, f.faults, 1);
	KUNIT_EXPECT_EQ(test, f.fault.sid, RID);
	KUNIT_EXPECT_TRUE(test, f.fault.pasid_present);
	KUNIT_EXPECT_EQ(test, f.fault.pasid, 0x99);
	KUNIT_EXPECT_EQ(test, f.fault.addr, 0x1234000);
	KUNIT_EXPECT_EQ(test, f.fault.reason, x.fault);
	KUNIT_EXPECT_TRUE(test, f.fault.write);
	/* Records cleared: PPF and F of record 0 clear. */
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f.it, VTD_FSTS_REG, 4) &
			VTD_FSTS_PPF, 0);
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f.it, 0x608, 8) & BIT_ULL(63), 0);
	fx_fini(&f);
}

static void fault_overflow_counted(struct kunit *test)
{
	struct sim_dma_req rq = { .rid = RID, .pasid_present = true,
				  .pasid = 0x99, .access = VSVA_PERM_R };
	struct hostdrv_cfg hc;
	struct sim_xlate x;
	struct fx f;

	hostdrv_default_cfg(&hc);
	hc.irq_latency_ns = 1000;
	fx_init_cfg(test, &f, NULL, &hc);
	fx_attach(&f);
	for (int i = 0; i < 10; i++) {
		rq.addr = 0x1000ULL * i;
		sim_iommu_translate(f.it, &rq, &x);
	}
	sim_run(&f.s, 0);
	hostdrv_poll(f.hd);
	KUNIT_EXPECT_EQ(test, f.faults, 8);
	KUNIT_EXPECT_EQ(test, hostdrv_stats(f.hd)->fault_overflows, 1);
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f.it, VTD_FSTS_REG, 4) &
			(VTD_FSTS_PFO | VTD_FSTS_PPF), 0);
	fx_fini(&f);
}

/* ---- error paths -------------------------------------------------- */

static void piommu_error_paths(struct kunit *test)
{
	struct piommu_fs_cfg fs = { .root = 0x5000, .levels = 4 };
	struct piommu_caps caps;
	struct piommu *pi;
	struct fx f;

	fx_init(test, &f);
	fx_attach(&f);
	pi = f.pi;
	KUNIT_ASSERT_EQ(test, pi->ops->get_caps(pi, &caps), 0);
	KUNIT_EXPECT_EQ(test, caps.pasid_bits, 20);
	KUNIT_EXPECT_EQ(test, caps.did_min, 256);
	KUNIT_EXPECT_EQ(test, caps.did_max, 0xffff);
	/* -EBUSY on a present entry, whatever the new type. */
	KUNIT_ASSERT_EQ(test, pi->ops->set_fs(pi, RID, PASID, DID, &fs), 0);
	KUNIT_EXPECT_EQ(test, pi->ops->set_fs(pi, RID, PASID, DID, &fs), -EBUSY);
	KUNIT_EXPECT_EQ(test, pi->ops->set_ss(pi, RID, PASID, DID, f.vm), -EBUSY);
	KUNIT_EXPECT_EQ(test, pi->ops->set_nested(pi, RID, PASID, DID, &fs, f.vm),
			-EBUSY);
	/* Bad PASIDs: beyond 20 bits, and RID_PASID (the driver's). */
	KUNIT_EXPECT_EQ(test, pi->ops->set_ss(pi, RID, 1U << 20, DID, f.vm),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, pi->ops->set_ss(pi, RID, 0, DID, f.vm), -EINVAL);
	KUNIT_EXPECT_EQ(test, pi->ops->clear(pi, RID, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, pi->ops->clear(pi, RID, 1U << 20), -EINVAL);
	/* Unknown requester. */
	KUNIT_EXPECT_EQ(test, pi->ops->set_ss(pi, 0x0300, 5, DID, f.vm), -ENODEV);
	KUNIT_EXPECT_EQ(test, pi->ops->clear(pi, 0x0300, 5), -ENODEV);
	/* DIDs of the driver's own range. */
	KUNIT_EXPECT_EQ(test, pi->ops->set_ss(pi, RID, 5, 1, f.vm), -EINVAL);
	KUNIT_EXPECT_EQ(test, pi->ops->set_ss(pi, RID, 5, 255, f.vm), -EINVAL);
	/* Bad first-stage configurations and missing VM. */
	fs.levels = 3;
	KUNIT_EXPECT_EQ(test, pi->ops->set_fs(pi, RID, 5, DID, &fs), -EINVAL);
	fs.levels = 4;
	fs.root = 0x5800;
	KUNIT_EXPECT_EQ(test, pi->ops->set_fs(pi, RID, 5, DID, &fs), -EINVAL);
	fs.root = 1ULL << 46;	/* at HAW */
	KUNIT_EXPECT_EQ(test, pi->ops->set_fs(pi, RID, 5, DID, &fs), -EINVAL);
	KUNIT_EXPECT_EQ(test, pi->ops->set_fs(pi, RID, 5, DID, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, pi->ops->set_ss(pi, RID, 5, DID, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, pi->ops->set_nested(pi, RID, 5, DID, &fs, NULL),
			-EINVAL);
	/* Clear of an entry that is not there. */
	KUNIT_EXPECT_EQ(test, pi->ops->clear(pi, RID, 6), -ENOENT);
	KUNIT_EXPECT_EQ(test, pi->ops->clear(pi, RID, 0x4000), -ENOENT);
	/* Page responses with a reserved code or a too-wide PASID. */
	KUNIT_EXPECT_EQ(test, pi->ops->page_response(pi, RID, true, 5, 1, 0x5),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, pi->ops->page_response(pi, RID, true, 1U << 20, 1,
						     0), -EINVAL);
	KUNIT_EXPECT_EQ(test, pi->ops->page_response(pi, RID, true, 5, 512, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, hostdrv_stats(f.hd)->errors, 22);
	/* Nothing was installed by the refused calls. */
	KUNIT_EXPECT_EQ(test, hostdrv_stats(f.hd)->pasid_set[VTD_PGTT_FS], 1);
	fx_fini(&f);
}

static void nested_refused_without_nest(struct kunit *test)
{
	struct piommu_fs_cfg fs = { .root = 0x5000, .levels = 5 };
	struct sim_iommu_cfg icfg;
	struct fx f;

	sim_iommu_default_cfg(&icfg);
	icfg.ecap = vtd_ecap_set_nest(icfg.ecap, 0);
	icfg.cap = vtd_cap_set_fl5lp(icfg.cap, 0);
	fx_init_cfg(test, &f, &icfg, NULL);
	fx_attach(&f);
	KUNIT_EXPECT_EQ(test, f.pi->ops->set_nested(f.pi, RID, 5, DID, &fs, f.vm),
			-EOPNOTSUPP);
	/* 5-level first stage without CAP.FL5LP. */
	KUNIT_EXPECT_EQ(test, f.pi->ops->set_fs(f.pi, RID, 5, DID, &fs),
			-EOPNOTSUPP);
	fx_fini(&f);
}

/* ---- detach and teardown --------------------------------------------- */

static void detach_frees_everything(struct kunit *test)
{
	struct vtd_sm_context_entry ce;
	u64 live;
	struct fx f;

	fx_init(test, &f);
	live = sim_mem_stats(f.s.mem)->pages_live;
	fx_attach(&f);
	KUNIT_ASSERT_EQ(test, f.pi->ops->set_ss(f.pi, RID, 0x800, DID, f.vm), 0);
	KUNIT_EXPECT_GT(test, sim_mem_stats(f.s.mem)->pages_live, live);
	KUNIT_ASSERT_EQ(test, hostdrv_detach_device(f.hd, RID), 0);
	/* The context table page stays (root table structure), one page. */
	KUNIT_EXPECT_EQ(test, sim_mem_stats(f.s.mem)->pages_live, live + 1);
	read_ctx(&f, sim_iommu_read(f.it, VTD_RTADDR_REG, 8) & GENMASK_ULL(63, 12),
		 &ce);
	for (int i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, ce.val[i], 0);
	KUNIT_EXPECT_EQ(test, fd_cfg_read(&f.dev, 0x106, 2), 0);
	KUNIT_EXPECT_EQ(test, fd_cfg_read(&f.dev, 0x10e, 2), 0);
	KUNIT_EXPECT_EQ(test, fd_cfg_read(&f.dev, 0x114, 2), 0);
	KUNIT_EXPECT_EQ(test, hostdrv_vm_did(f.hd, f.vm), 0);
	KUNIT_EXPECT_EQ(test, hostdrv_stats(f.hd)->pasid_cleared, 2);
	KUNIT_EXPECT_EQ(test, hostdrv_detach_device(f.hd, RID), -ENODEV);
	hostdrv_destroy(f.hd);
	KUNIT_EXPECT_EQ(test, sim_mem_stats(f.s.mem)->pages_live, f.pages_before);
	sim_fini(&f.s);
}

/*
 * A submission made while another waits (a sim event that submits during
 * the outer wait, as the fault router does when it answers a request while
 * the host waits on an earlier response): both inv-waits write the one
 * status word, the inner one last; the outer must still see its own
 * completion, not wait until the queue runs dry and time out.
 */
static int nested_ret = 1;

static void nested_submit(struct sim *s, void *arg)
{
	struct fx *f = arg;
	struct vsva_inv_op op = {
		.kind = VSVA_INV_PIOTLB, .gran = VSVA_INV_G_PASID,
		.did = 1, .pasid = 5,
	};

	nested_ret = f->pi->ops->inv_submit(f->pi, &op, 1);
}

static void nested_submissions_both_complete(struct kunit *test)
{
	struct vsva_inv_op op = {
		.kind = VSVA_INV_PIOTLB, .gran = VSVA_INV_G_PASID,
		.did = 1, .pasid = 4,
	};
	const struct hostdrv_stats *st;
	struct fx f;
	u64 sub;

	fx_init(test, &f);
	st = hostdrv_stats(f.hd);
	sub = st->submissions;
	nested_ret = 1;
	KUNIT_ASSERT_EQ(test, sim_schedule(&f.s, 0, nested_submit, &f), 0);
	KUNIT_EXPECT_EQ(test, f.pi->ops->inv_submit(f.pi, &op, 1), 0);
	KUNIT_EXPECT_EQ(test, nested_ret, 0);
	KUNIT_EXPECT_EQ(test, st->submissions - sub, 2);
	KUNIT_EXPECT_EQ(test, st->wait_timeouts, 0);
	fx_fini(&f);
}

static struct kunit_case hostdrv_cases[] = {
	KUNIT_CASE(init_sequence_and_gsts),
	KUNIT_CASE(create_refuses_unit_without_smts),
	KUNIT_CASE(attach_context_entry),
	KUNIT_CASE(attach_without_ats_pri),
	KUNIT_CASE(rid_pasid_is_vm_pass_through_domain),
	KUNIT_CASE(nested_entry_fields),
	KUNIT_CASE(ss_fs_pt_entry_fields),
	KUNIT_CASE(pasid_tables_on_demand),
	KUNIT_CASE(clear_leaves_entry_zero_and_caches_empty),
	KUNIT_CASE(batch_is_one_submission),
	KUNIT_CASE(large_batch_is_split),
	KUNIT_CASE(invalid_ops_refused),
	KUNIT_CASE(iqe_recovered),
	KUNIT_CASE(page_request_to_handler_and_response_to_device),
	KUNIT_CASE(fault_records_to_handler),
	KUNIT_CASE(fault_overflow_counted),
	KUNIT_CASE(piommu_error_paths),
	KUNIT_CASE(nested_refused_without_nest),
	KUNIT_CASE(detach_frees_everything),
	KUNIT_CASE(nested_submissions_both_complete),
	{}
};

static struct kunit_suite hostdrv_suite = {
	.name = "sim-hostdrv",
	.test_cases = hostdrv_cases,
};

kunit_test_suites(&hostdrv_suite);
