// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated S-IOV PF against the real simulated IOMMU, memory and VMs:
 * config space, BAR0 programming, every opcode byte for byte, completion
 * records and interrupts, the device TLB and its invalidation, PRI
 * block-on-fault, malformed input, resets.  User-space runner only.
 */
#include <kunit/test.h>

#include <stdlib.h>

#include "siov_pf.h"
#include "qi.h"
#include <nestmed/vtd.h>
#include <nestmed/vtd_tables.h>
#include <nestmed/vtd_qi.h>

#define RID		0x0100
#define PASID		0x1234		/* < 128 * 64: PDTS 0 covers it */
#define BUF		0x100000ULL	/* guest buffers start here */
#define CR		0x80000ULL	/* completion records */

struct rig {
	struct kunit *test;
	struct sim *s;
	struct sim_iommu *it;
	struct siov_pf *pf;
	struct sim_vm *vm;
	u64 rta, dir, iq, prq;
	u32 iqt;
	/* interrupts seen */
	u32 irqs;
	u64 irq_addr;
	u32 irq_data;
	bool irq_ims;
	u16 irq_idx;
	/* page-request host policy */
	bool respond;		/* answer page requests */
	u8 code;		/* with this code */
	bool populate;		/* back the page first */
	u32 prs_seen;
	struct vsva_page_req held[8];	/* seen, not answered */
	u32 nheld;
};

static void msi_sink(void *ctx, u64 addr, u32 data, bool ims, u16 idx)
{
	struct rig *r = ctx;

	r->irqs++;
	r->irq_addr = addr;
	r->irq_data = data;
	r->irq_ims = ims;
	r->irq_idx = idx;
}

static const struct siov_pf_irq_ops irq_ops = { .msi = msi_sink };

static void fini_sim(void *s) { sim_fini(s); }
static void fini_iommu(void *it) { sim_iommu_destroy(it); }
static void fini_pf(void *pf) { siov_pf_destroy(pf); }

static u64 alloc_page(struct rig *r)
{
	u64 a = 0;

	KUNIT_ASSERT_EQ(r->test, sim_mem_alloc_page(r->s->mem, &a), 0);
	return a;
}

static void gcmd(struct rig *r, u32 bit)
{
	u32 sts = sim_iommu_read(r->it, VTD_GSTS_REG, 4);

	sim_iommu_write(r->it, VTD_GCMD_REG, 4,
			(sts & (VTD_GCMD_TE | VTD_GCMD_QIE)) | bit);
}

static void set_pasid_entry(struct rig *r, u32 pasid)
{
	struct vtd_pasid_entry pe = { 0 };

	vtd_pe_set_pgtt(&pe, VTD_PGTT_SS);
	vtd_pe_set_aw(&pe, sim_vm_ss_levels(r->vm) == 5 ? 3 : 2);
	vtd_pe_set_slptptr(&pe, sim_vm_ss_root(r->vm));
	vtd_pe_set_did(&pe, 1);
	vtd_pe_set_sre(&pe, 1);
	vtd_pe_set_p(&pe, 1);
	KUNIT_ASSERT_EQ(r->test, sim_iommu_sw_set_pasid(r->s->mem, r->dir,
							pasid, &pe), 0);
}

/* Host IOMMU + VM + PF with PASID, ATS, PRI on and the device enabled. */
static struct rig *rig_new(struct kunit *test, bool lazy, u16 nr_wqs)
{
	struct rig *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct sim_vm_cfg vc = { .name = "vm", .ram_bytes = 16 << 20,
				 .lazy = lazy };
	struct sim_iommu_cfg ic;
	struct siov_pf_cfg pc;
	struct vtd_sm_context_entry ce = { 0 };

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->test = test;
	r->s = kunit_kzalloc(test, sizeof(*r->s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r->s);
	KUNIT_ASSERT_EQ(test, sim_init(r->s, 7), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action(test, fini_sim, r->s), 0);
	KUNIT_ASSERT_NOT_NULL(test, sim_mem_create(r->s, 0));
	r->vm = sim_vm_create(r->s, &vc);
	KUNIT_ASSERT_NOT_NULL(test, r->vm);

	sim_iommu_default_cfg(&ic);
	r->it = sim_iommu_create(r->s, &ic, NULL, NULL);
	KUNIT_ASSERT_NOT_NULL(test, r->it);
	KUNIT_ASSERT_EQ(test, kunit_add_action(test, fini_iommu, r->it), 0);

	KUNIT_ASSERT_EQ(test, sim_iommu_sw_alloc_root(r->s->mem, &r->rta), 0);
	KUNIT_ASSERT_EQ(test, sim_iommu_sw_alloc_pasid_dir(r->s->mem, 0,
							   &r->dir), 0);
	vtd_sce_set_dte(&ce, 1);
	vtd_sce_set_paside(&ce, 1);
	vtd_sce_set_pre(&ce, 1);
	vtd_sce_set_pasiddirptr(&ce, r->dir);
	vtd_sce_set_p(&ce, 1);
	KUNIT_ASSERT_EQ(test, sim_iommu_sw_set_context(r->s->mem, r->rta, RID,
						       &ce), 0);
	set_pasid_entry(r, VTD_RID_PASID_DEFAULT);
	set_pasid_entry(r, PASID);

	r->iq = alloc_page(r);
	r->prq = alloc_page(r);
	sim_iommu_write(r->it, VTD_RTADDR_REG, 8,
			vtd_rtaddr_set_ttm(r->rta, VTD_TTM_SCALABLE));
	gcmd(r, VTD_GCMD_SRTP);
	sim_iommu_write(r->it, VTD_IQA_REG, 8, vtd_iqa_set_dw(r->iq, 1));
	sim_iommu_write(r->it, VTD_IQT_REG, 8, 0);
	gcmd(r, VTD_GCMD_QIE);
	sim_iommu_write(r->it, VTD_PQA_REG, 8, r->prq);
	sim_iommu_write(r->it, VTD_PQH_REG, 8, 0);
	gcmd(r, VTD_GCMD_TE);
	KUNIT_ASSERT_TRUE(test, sim_iommu_read(r->it, VTD_GSTS_REG, 4) &
			  VTD_GSTS_TES);

	siov_pf_default_cfg(&pc);
	pc.rid = RID;
	if (nr_wqs)
		pc.nr_wqs = nr_wqs;
	r->pf = siov_pf_create(r->s, &pc, r->it, &irq_ops, r);
	KUNIT_ASSERT_NOT_NULL(test, r->pf);
	KUNIT_ASSERT_EQ(test, kunit_add_action(test, fini_pf, r->pf), 0);
	siov_pf_set_owner(r->pf, r->vm);

	siov_pf_cfg_write(r->pf, 0x04, 2, 0x0006);	/* MSE | BME */
	siov_pf_cfg_write(r->pf, SIOV_CFG_PASID + 6, 2, 0x0005); /* en, priv */
	siov_pf_cfg_write(r->pf, SIOV_CFG_ATS + 6, 2, 0x8000);
	siov_pf_cfg_write(r->pf, SIOV_CFG_PRI + 12, 4, SIOV_PRI_CAPACITY);
	siov_pf_cfg_write(r->pf, SIOV_CFG_PRI + 4, 2, 0x0001);
	siov_pf_cfg_write(r->pf, SIOV_CFG_MSIX + 2, 2, 0x8000 |
			  siov_pf_cfg_read(r->pf, SIOV_CFG_MSIX + 2, 2));
	siov_pf_mmio_write(r->pf, 0, SIOV_REG_GENCTRL, 4, SIOV_GENCTRL_ENABLE);
	r->respond = true;
	r->populate = true;
	return r;
}

static u64 wq_reg(struct rig *r, u32 wq, u32 reg)
{
	return siov_pf_mmio_read(r->pf, 0, siov_wqcfg_offset(wq, reg), 8);
}

/* Program and enable WQ @wq; returns WQ_STS. */
static u64 wq_setup(struct rig *r, u32 wq, u64 cfg0, u64 cfg1)
{
	siov_pf_mmio_write(r->pf, 0, siov_wqcfg_offset(wq, SIOV_WQ_CFG0), 8, cfg0);
	siov_pf_mmio_write(r->pf, 0, siov_wqcfg_offset(wq, SIOV_WQ_CFG1), 8, cfg1);
	siov_pf_mmio_write(r->pf, 0, siov_wqcfg_offset(wq, SIOV_WQ_CTL), 8, 1);
	return wq_reg(r, wq, SIOV_WQ_STS);
}

static u64 cfg0(u16 size, bool pasid_en, bool bof)
{
	return FIELD_PREP(SIOV_WQ_CFG0_SIZE, (u64)size) |
	       (pasid_en ? SIOV_WQ_CFG0_PASID_EN |
			   FIELD_PREP(SIOV_WQ_CFG0_PASID, (u64)PASID) : 0) |
	       (bof ? SIOV_WQ_CFG0_BOF_EN : 0);
}

static void wq_std(struct rig *r, u32 wq, bool bof)
{
	KUNIT_ASSERT_EQ(r->test, FIELD_GET(SIOV_WQ_STS_STATE,
					   wq_setup(r, wq, cfg0(16, true, bof), 1)),
			(u64)SIOV_WQ_ENABLED);
}

/* Answer every page request in the PRQ as the host policy says. */
static void respond(struct rig *r, const struct vsva_page_req *req)
{
	struct vsva_inv_op op;
	u64 qw[4];

	vsva_page_resp_op(req, r->code, &op);
	KUNIT_ASSERT_EQ(r->test, vsva_qi_encode(&op, 256, qw), 0);
	KUNIT_ASSERT_EQ(r->test, sim_mem_write(r->s->mem, VSVA_AS_HPA,
					       r->iq + r->iqt, qw, 32), 0);
	r->iqt = (r->iqt + 32) % 4096;
	sim_iommu_write(r->it, VTD_IQT_REG, 8, r->iqt);
}

static u32 service_prq(struct rig *r)
{
	u64 h = sim_iommu_read(r->it, VTD_PQH_REG, 8);
	u64 t = sim_iommu_read(r->it, VTD_PQT_REG, 8);
	u32 n = 0;

	while (h != t) {
		struct vsva_page_req req;
		u64 qw[4];

		KUNIT_ASSERT_EQ(r->test, sim_mem_read(r->s->mem, VSVA_AS_HPA,
						      r->prq + h, qw, 32), 0);
		KUNIT_ASSERT_EQ(r->test, vsva_page_req_decode(qw, 4, &req), 0);
		h = (h + 32) % 4096;
		n++;
		r->prs_seen++;
		if (r->populate)
			sim_vm_populate(r->vm, req.addr);
		if (!r->respond) {
			if (r->nheld < ARRAY_SIZE(r->held))
				r->held[r->nheld++] = req;
			continue;
		}
		respond(r, &req);
	}
	sim_iommu_write(r->it, VTD_PQH_REG, 8, h);
	return n;
}

static void answer_all(struct rig *r);

static void run(struct rig *r)
{
	for (int i = 0; i < 64; i++) {
		sim_run(r->s, 1000000);
		if (!service_prq(r))
			break;
	}
}

static void iq_submit(struct rig *r, const struct vsva_inv_op *op)
{
	u64 qw[4];

	KUNIT_ASSERT_EQ(r->test, vsva_qi_encode(op, 256, qw), 0);
	KUNIT_ASSERT_EQ(r->test, sim_mem_write(r->s->mem, VSVA_AS_HPA,
					       r->iq + r->iqt, qw, 32), 0);
	r->iqt = (r->iqt + 32) % 4096;
	sim_iommu_write(r->it, VTD_IQT_REG, 8, r->iqt);
	run(r);
}

static void gwrite(struct rig *r, u64 gpa, const void *p, u64 n)
{
	KUNIT_ASSERT_EQ(r->test, sim_mem_write(r->s->mem, sim_vm_id(r->vm),
					       gpa, p, n), 0);
}

static void gread(struct rig *r, u64 gpa, void *p, u64 n)
{
	KUNIT_ASSERT_EQ(r->test, sim_mem_read(r->s->mem, sim_vm_id(r->vm),
					      gpa, p, n), 0);
}

static int submit(struct rig *r, u32 wq, const struct siov_desc *d)
{
	return siov_pf_portal_write(r->pf, siov_portal_offset(wq), d, 64);
}

static struct siov_cr read_cr(struct rig *r, u64 gpa)
{
	struct siov_cr c;

	gread(r, gpa, &c, sizeof(c));
	return c;
}

static void desc(struct siov_desc *d, u8 op, u32 flags, u64 src, u64 dst,
		 u32 n)
{
	siov_desc_init(d, op, flags | SIOV_F_CRAV);
	siov_desc_set_cr_addr(d, CR);
	siov_desc_set_src(d, src);
	siov_desc_set_dst(d, dst);
	siov_desc_set_xfer_size(d, n);
}

/* Submit, run, return the completion record. */
static struct siov_cr do_desc(struct rig *r, u32 wq, u8 op, u32 flags,
			      u64 src, u64 dst, u32 n)
{
	struct siov_desc d;
	u8 zero[32] = { 0 };

	gwrite(r, CR, zero, 32);
	desc(&d, op, flags, src, dst, n);
	KUNIT_EXPECT_EQ(r->test, submit(r, wq, &d), 0);
	run(r);
	return read_cr(r, CR);
}

static u8 cr_status_at(struct rig *r, u64 gpa)
{
	struct siov_cr c = read_cr(r, gpa);

	return siov_cr_status(&c);
}

static u32 errlog_count(struct rig *r)
{
	u64 v = siov_pf_mmio_read(r->pf, 0, SIOV_REG_ERRHEAD, 8);

	return (u32)(v >> 32) - (u32)v;
}

static struct siov_errlog errlog_last(struct rig *r)
{
	struct siov_errlog e;
	u32 tail = siov_pf_mmio_read(r->pf, 0, SIOV_REG_ERRTAIL, 4);
	u32 base = SIOV_REG_ERRLOG + ((tail - 1) % SIOV_ERRLOG_ENTRIES) * 32;

	for (int i = 0; i < 4; i++)
		e.val[i] = siov_pf_mmio_read(r->pf, 0, base + 8 * i, 8);
	return e;
}

/* ------------------------------------------------------------------ */
/* Config space                                                       */
/* ------------------------------------------------------------------ */
static void cfg_identity(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);

	KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, 0, 4), 0x53491234u);
	KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, 0x08, 4), 0x08800001u);
	KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, 0x0e, 1), 0u);
	KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, 0x2c, 4), 0x53491234u);
	KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, 0x06, 2) & 0x10, 0x10u);
	KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, 0x34, 1), 0x40u);
	/* BAR0/BAR2: 64-bit memory (type 10b in bits 2:1). */
	KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, 0x10, 4) & 0xf, 0x4u);
	KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, 0x18, 4) & 0xf, 0x4u);
	KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, 0x20, 4), 0u);
	KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, 0x1000, 4), ~0u);
}

static void cfg_legacy_caps(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);
	u32 p = siov_pf_cfg_read(r->pf, 0x34, 1), seen = 0;

	while (p) {
		u8 id = siov_pf_cfg_read(r->pf, p, 1);

		if (id == 0x10) {
			/* v2 (0x2), type RCiEP 9 in bits 7:4 -> 0x92 */
			KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, p + 2, 2), 0x92u);
			/* DevCap bit 28: FLR */
			KUNIT_EXPECT_TRUE(test, siov_pf_cfg_read(r->pf, p + 4, 4) & BIT(28));
			seen |= 1;
		} else if (id == 0x11) {
			/* 65 vectors -> table size field 64 */
			KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, p + 2, 2) & 0x7ff, 64u);
			KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, p + 4, 4), 0x2000u);
			KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, p + 8, 4), 0xa000u);
			seen |= 2;
		}
		p = siov_pf_cfg_read(r->pf, p + 1, 1);
	}
	KUNIT_EXPECT_EQ(test, seen, 3u);
}

static void cfg_ext_caps(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);
	u32 p = 0x100, seen = 0, n = 0;

	while (p && n++ < 16) {
		u32 hdr = siov_pf_cfg_read(r->pf, p, 4);

		KUNIT_EXPECT_EQ(test, siov_ext_cap_ver(hdr), 1);
		switch (siov_ext_cap_id(hdr)) {
		case 0x1b:
			/* exec (bit 1) | priv (bit 2) | width 20 << 8 = 0x1406 */
			KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, p + 4, 2), 0x1406u);
			seen |= 1;
			break;
		case 0x0f:
			KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, p + 4, 2), 0x0020u);
			seen |= 2;
			break;
		case 0x13:
			KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, p + 8, 4), 512u);
			/* PRG Response PASID Required, bit 15 */
			KUNIT_EXPECT_TRUE(test, siov_pf_cfg_read(r->pf, p + 6, 2) & 0x8000);
			seen |= 4;
			break;
		case 0x23:
			/* vendor 0x8086 | rev 0 << 16 | length 0x18 << 20 */
			KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, p + 4, 4), 0x01808086u);
			KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, p + 8, 2), 5u);
			KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, p + 0x14, 4) & 1, 1u);
			seen |= 8;
			break;
		}
		p = siov_ext_cap_next(hdr);
	}
	KUNIT_EXPECT_EQ(test, seen, 15u);
}

static void cfg_ro_bits_stay_ro(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);
	u64 before = siov_pf_stats(r->pf)->cfg_ro_writes;
	static const u32 offs[] = { 0x00, 0x08, 0x2c, 0x100, 0x108, 0x118,
				    0x124, 0x134 };

	for (unsigned int i = 0; i < ARRAY_SIZE(offs); i++) {
		u32 v = siov_pf_cfg_read(r->pf, offs[i], 4);

		siov_pf_cfg_write(r->pf, offs[i], 4, ~v);
		KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, offs[i], 4), v);
	}
	KUNIT_EXPECT_EQ(test, siov_pf_stats(r->pf)->cfg_ro_writes - before,
			(u64)ARRAY_SIZE(offs));
	before = siov_pf_stats(r->pf)->cfg_ro_writes;
	/* PASID capability register (16 bits) is RO. */
	siov_pf_cfg_write(r->pf, SIOV_CFG_PASID + 4, 2, 0);
	KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, SIOV_CFG_PASID + 4, 2), 0x1406u);
	/* PASID control is RW: bits 2:0 only. */
	siov_pf_cfg_write(r->pf, SIOV_CFG_PASID + 6, 2, 0xffff);
	KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, SIOV_CFG_PASID + 6, 2), 7u);
	/* Both writes tried to set RO bits (cap; control bits 15:3). */
	KUNIT_EXPECT_EQ(test, siov_pf_stats(r->pf)->cfg_ro_writes - before, 2ULL);
	/* Bad size / alignment */
	siov_pf_cfg_write(r->pf, 0x3, 2, 0);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(r->pf)->cfg_bad, 1ULL);
}

static void cfg_bar_sizing(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);

	siov_pf_cfg_write(r->pf, 0x10, 4, ~0u);
	siov_pf_cfg_write(r->pf, 0x14, 4, ~0u);
	/* 256 KiB: ~(0x40000 - 1) & ~0xf | type 0x4 = 0xfffc0004 */
	KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, 0x10, 4), 0xfffc0004u);
	KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, 0x14, 4), ~0u);
	siov_pf_cfg_write(r->pf, 0x18, 4, ~0u);
	/* 64 portals x 4 KiB = 256 KiB as well */
	KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, 0x18, 4), 0xfffc0004u);
	KUNIT_EXPECT_EQ(test, siov_pf_bar_size(r->pf, 2), 0x40000ULL);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(r->pf)->cfg_ro_writes, 0ULL);
}

static void cfg_pri_status(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);

	/* Enabled by rig_new: not stopped. */
	KUNIT_EXPECT_FALSE(test, siov_pf_cfg_read(r->pf, SIOV_CFG_PRI + 6, 2) & 0x100);
	siov_pf_cfg_write(r->pf, SIOV_CFG_PRI + 4, 2, 0);
	KUNIT_EXPECT_TRUE(test, siov_pf_cfg_read(r->pf, SIOV_CFG_PRI + 6, 2) & 0x100);
	/* Reset bit is write-only. */
	siov_pf_cfg_write(r->pf, SIOV_CFG_PRI + 4, 2, 2);
	KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, SIOV_CFG_PRI + 4, 2), 0u);
}

/* ------------------------------------------------------------------ */
/* BAR0                                                               */
/* ------------------------------------------------------------------ */
static void bar0_caps(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);
	u64 wqcap = siov_pf_mmio_read(r->pf, 0, SIOV_REG_WQCAP, 8);
	u64 gencap = siov_pf_mmio_read(r->pf, 0, SIOV_REG_GENCAP, 8);

	KUNIT_EXPECT_EQ(test, siov_pf_mmio_read(r->pf, 0, SIOV_REG_VERSION, 4), 0x100ULL);
	/* 64 WQs | 128 << 16 | dedicated bit 48 */
	KUNIT_EXPECT_EQ(test, wqcap, 0x0001000000800040ULL);
	KUNIT_EXPECT_EQ(test, FIELD_GET(SIOV_GENCAP_NR_IMS, gencap), 256ULL);
	KUNIT_EXPECT_EQ(test, FIELD_GET(SIOV_GENCAP_MAX_XFER_LG2, gencap), 21ULL);
	KUNIT_EXPECT_EQ(test, siov_pf_mmio_read(r->pf, 0, SIOV_REG_OPCAP, 8), 0x3bULL);
	KUNIT_EXPECT_EQ(test, siov_pf_mmio_read(r->pf, 0, SIOV_REG_GENSTS, 4), 1ULL);
	/* Upper half of an 8-byte register through a 4-byte read. */
	KUNIT_EXPECT_EQ(test, siov_pf_mmio_read(r->pf, 0, SIOV_REG_WQCAP + 4, 4), 0x10000ULL);
}

static void bar0_ro_write_logged(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);
	struct siov_errlog e;

	siov_pf_mmio_write(r->pf, 0, SIOV_REG_VERSION, 4, 0xdead);
	KUNIT_EXPECT_EQ(test, siov_pf_mmio_read(r->pf, 0, SIOV_REG_VERSION, 4), 0x100ULL);
	KUNIT_EXPECT_EQ(test, errlog_count(r), 1u);
	e = errlog_last(r);
	KUNIT_EXPECT_EQ(test, siov_err_code(&e), SIOV_ERR_RO_REG);
	KUNIT_EXPECT_EQ(test, siov_err_addr(&e), (u64)SIOV_REG_VERSION);
	KUNIT_EXPECT_EQ(test, siov_err_seq(&e), 1u);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(r->pf)->err[SIOV_ERR_RO_REG], 1ULL);
	KUNIT_EXPECT_EQ(test, siov_pf_mmio_read(r->pf, 0, SIOV_REG_INTCAUSE, 4),
			(u64)SIOV_INTCAUSE_ERR);
	siov_pf_mmio_write(r->pf, 0, SIOV_REG_INTCAUSE, 4, SIOV_INTCAUSE_ERR);
	KUNIT_EXPECT_EQ(test, siov_pf_mmio_read(r->pf, 0, SIOV_REG_INTCAUSE, 4), 0ULL);
	/* Consume the entry. */
	siov_pf_mmio_write(r->pf, 0, SIOV_REG_ERRHEAD, 4, 1);
	KUNIT_EXPECT_EQ(test, errlog_count(r), 0u);
	/* Head beyond tail is refused and logged. */
	siov_pf_mmio_write(r->pf, 0, SIOV_REG_ERRHEAD, 4, 5);
	KUNIT_EXPECT_EQ(test, errlog_count(r), 1u);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(r->pf)->err[SIOV_ERR_MMIO], 1ULL);
}

static void bar0_errlog_overflow(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);

	for (int i = 0; i < SIOV_ERRLOG_ENTRIES + 3; i++)
		siov_pf_mmio_write(r->pf, 0, SIOV_REG_GENSTS, 4, 1);
	KUNIT_EXPECT_EQ(test, errlog_count(r), (u32)SIOV_ERRLOG_ENTRIES);
	KUNIT_EXPECT_EQ(test, siov_pf_mmio_read(r->pf, 0, SIOV_REG_ERRSTS, 4),
			(u64)SIOV_ERRSTS_OVERFLOW);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(r->pf)->errlog_overflows, 3ULL);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(r->pf)->err[SIOV_ERR_RO_REG], 19ULL);
}

static void bar0_bad_mmio(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);
	const struct siov_pf_stats *st = siov_pf_stats(r->pf);

	siov_pf_mmio_write(r->pf, 0, SIOV_REG_GENCTRL + 2, 4, 1);	/* unaligned */
	siov_pf_mmio_write(r->pf, 0, SIOV_REG_GENCTRL, 2, 1);	/* size 2 */
	siov_pf_mmio_write(r->pf, 0, SIOV_BAR0_SIZE, 4, 1);	/* beyond */
	siov_pf_mmio_write(r->pf, 0, 0x300, 4, 1);		/* hole */
	KUNIT_EXPECT_EQ(test, st->err[SIOV_ERR_MMIO], 4ULL);
	siov_pf_cfg_write(r->pf, 0x04, 2, 0x0004);		/* MSE off */
	KUNIT_EXPECT_EQ(test, siov_pf_mmio_read(r->pf, 0, SIOV_REG_VERSION, 4), 0xffffffffULL);
	KUNIT_EXPECT_EQ(test, st->mmio_disabled, 1ULL);
}

static void wq_enable_disable(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);

	wq_std(r, 3, false);
	KUNIT_EXPECT_EQ(test, wq_reg(r, 3, SIOV_WQ_CTL), 1ULL);
	/* Config is locked while enabled. */
	siov_pf_mmio_write(r->pf, 0, siov_wqcfg_offset(3, SIOV_WQ_CFG0), 8, 0);
	KUNIT_EXPECT_EQ(test, wq_reg(r, 3, SIOV_WQ_CFG0), cfg0(16, true, false));
	KUNIT_EXPECT_EQ(test, siov_pf_stats(r->pf)->err[SIOV_ERR_WQCFG_ENABLED], 1ULL);
	siov_pf_mmio_write(r->pf, 0, siov_wqcfg_offset(3, SIOV_WQ_CTL), 8, 0);
	KUNIT_EXPECT_EQ(test, wq_reg(r, 3, SIOV_WQ_STS), (u64)SIOV_WQ_DISABLED);
}

struct wq_err_case {
	const char *name;
	u64 cfg0, cfg1;
	u16 pasid_ctl, pri_ctl;
	u32 genctrl;
	u8 err;
};

static const struct wq_err_case wq_err_cases[] = {
	{ "size_zero", 0, 0, 5, 1, 1, SIOV_WQERR_SIZE_ZERO },
	{ "size_too_big", 129, 0, 5, 1, 1, SIOV_WQERR_SIZE_TOO_BIG },
	{ "shared_mode", 8 | BIT_ULL(16), 0, 5, 1, 1, SIOV_WQERR_MODE },
	{ "pasid_cap_off", 8 | SIOV_WQ_CFG0_PASID_EN, 0, 0, 1, 1,
	  SIOV_WQERR_PASID_DISABLED },
	{ "priv_not_enabled", 8 | SIOV_WQ_CFG0_PASID_EN | SIOV_WQ_CFG0_PRIV,
	  0, 1, 1, 1, SIOV_WQERR_PRIV_DISABLED },
	{ "bof_without_pri", 8 | SIOV_WQ_CFG0_BOF_EN, 0, 5, 0, 1,
	  SIOV_WQERR_BOF_NO_PRI },
	{ "msix_handle", 8, 65, 5, 1, 1, SIOV_WQERR_INT_HANDLE },
	{ "ims_handle", 8 | SIOV_WQ_CFG0_INT_IMS, 256, 5, 1, 1,
	  SIOV_WQERR_INT_HANDLE },
	{ "reserved_bits", 8 | BIT_ULL(30), 0, 5, 1, 1, SIOV_WQERR_RSVD },
	{ "device_disabled", 8, 0, 5, 1, 0, SIOV_WQERR_DEV_DISABLED },
};
KUNIT_ARRAY_PARAM_DESC(wq_err, wq_err_cases, name);

static void wq_enable_errors(struct kunit *test)
{
	const struct wq_err_case *c = test->param_value;
	struct rig *r = rig_new(test, false, 0);
	u64 sts;

	siov_pf_cfg_write(r->pf, SIOV_CFG_PASID + 6, 2, c->pasid_ctl);
	siov_pf_cfg_write(r->pf, SIOV_CFG_PRI + 4, 2, c->pri_ctl);
	siov_pf_mmio_write(r->pf, 0, SIOV_REG_GENCTRL, 4, c->genctrl);
	sts = wq_setup(r, 0, c->cfg0, c->cfg1);
	KUNIT_EXPECT_EQ(test, FIELD_GET(SIOV_WQ_STS_STATE, sts), (u64)SIOV_WQ_ERROR);
	KUNIT_EXPECT_EQ(test, FIELD_GET(SIOV_WQ_STS_ERR, sts), (u64)c->err);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(r->pf)->wq_enable_errors[c->err], 1ULL);
	/* A descriptor to it is refused. */
	{
		struct siov_desc d;

		siov_desc_init(&d, SIOV_OP_NOOP, 0);
		KUNIT_EXPECT_EQ(test, submit(r, 0, &d), -ENODEV);
	}
}

/* ------------------------------------------------------------------ */
/* Descriptors                                                        */
/* ------------------------------------------------------------------ */
static void noop_cr_and_msix(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);
	struct siov_cr c;

	wq_std(r, 0, false);
	siov_pf_mmio_write(r->pf, 0, SIOV_REG_MSIX_TABLE + 16, 8, 0xfee00000ULL);
	siov_pf_mmio_write(r->pf, 0, SIOV_REG_MSIX_TABLE + 24, 8, 0x41);	/* unmask */
	c = do_desc(r, 0, SIOV_OP_NOOP, SIOV_F_RCR | SIOV_F_RCI, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&c), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, r->irqs, 1u);
	KUNIT_EXPECT_EQ(test, r->irq_addr, 0xfee00000ULL);
	KUNIT_EXPECT_EQ(test, r->irq_data, 0x41u);
	KUNIT_EXPECT_FALSE(test, r->irq_ims);
	KUNIT_EXPECT_EQ(test, r->irq_idx, 1);
	KUNIT_EXPECT_TRUE(test, siov_pf_idle(r->pf));
	/* Masked vector: pending bit, delivered on unmask. */
	siov_pf_mmio_write(r->pf, 0, SIOV_REG_MSIX_TABLE + 24, 8, BIT_ULL(32) | 0x41);
	do_desc(r, 0, SIOV_OP_NOOP, SIOV_F_RCI, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, r->irqs, 1u);
	KUNIT_EXPECT_EQ(test, siov_pf_mmio_read(r->pf, 0, SIOV_REG_MSIX_PBA, 8), 2ULL);
	siov_pf_mmio_write(r->pf, 0, SIOV_REG_MSIX_TABLE + 24, 8, 0x41);
	KUNIT_EXPECT_EQ(test, r->irqs, 2u);
	KUNIT_EXPECT_EQ(test, siov_pf_mmio_read(r->pf, 0, SIOV_REG_MSIX_PBA, 8), 0ULL);
}

static void fill_pattern(u8 *p, u32 n, u32 seed)
{
	for (u32 i = 0; i < n; i++)
		p[i] = (u8)(i * 7 + seed + (i >> 8));
}

static void memmove_bytes(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);
	const u32 n = 10000;
	u8 *src = kunit_kzalloc(test, n, GFP_KERNEL);
	u8 *out = kunit_kzalloc(test, n + 2, GFP_KERNEL);
	struct siov_cr c;

	wq_std(r, 0, false);
	fill_pattern(src, n, 3);
	gwrite(r, BUF + 0x123, src, n);
	c = do_desc(r, 0, SIOV_OP_MEMMOVE, SIOV_F_RCR, BUF + 0x123,
		    BUF + 0x8fff, n);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&c), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, siov_cr_bytes(&c), n);
	gread(r, BUF + 0x8ffe, out, n + 2);
	KUNIT_EXPECT_EQ(test, out[0], 0);
	KUNIT_EXPECT_EQ(test, memcmp(out + 1, src, n), 0);
	KUNIT_EXPECT_EQ(test, out[n + 1], 0);
	KUNIT_EXPECT_EQ(test, r->s->oracle_violations, 0ULL);
}

static void fill_bytes(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);
	const u32 n = 5003;
	u8 *out = kunit_kzalloc(test, n + 2, GFP_KERNEL);
	struct siov_cr c;
	u32 bad = 0;

	wq_std(r, 0, false);
	c = do_desc(r, 0, SIOV_OP_FILL, SIOV_F_RCR, 0x8877665544332211ULL,
		    BUF + 0xffd, n);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&c), SIOV_CS_SUCCESS);
	gread(r, BUF + 0xffc, out, n + 2);
	/* Byte i of the fill is byte (i % 8) of the pattern: 0x11, 0x22, ... */
	for (u32 i = 0; i < n; i++)
		bad += out[1 + i] != (u8)(0x11 * ((i % 8) + 1));
	KUNIT_EXPECT_EQ(test, bad, 0u);
	KUNIT_EXPECT_EQ(test, out[0], 0);
	KUNIT_EXPECT_EQ(test, out[n + 1], 0);
}

static void compare_equal_and_mismatch(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);
	const u32 n = 6000;
	u8 *a = kunit_kzalloc(test, n, GFP_KERNEL);
	struct siov_cr c;
	u8 x = 0x5a;

	wq_std(r, 0, false);
	fill_pattern(a, n, 9);
	gwrite(r, BUF, a, n);
	gwrite(r, BUF + 0x4000, a, n);
	c = do_desc(r, 0, SIOV_OP_COMPARE, SIOV_F_RCR, BUF, BUF + 0x4000, n);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&c), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, siov_cr_result(&c), 0ULL);
	KUNIT_EXPECT_EQ(test, siov_cr_bytes(&c), n);
	/* First difference at byte 4500 (second page of the buffer). */
	x ^= a[4500];
	gwrite(r, BUF + 0x4000 + 4500, &x, 1);
	c = do_desc(r, 0, SIOV_OP_COMPARE, SIOV_F_RCR, BUF, BUF + 0x4000, n);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&c), SIOV_CS_COMPARE_MISMATCH);
	KUNIT_EXPECT_EQ(test, siov_cr_result(&c), 1ULL);
	KUNIT_EXPECT_EQ(test, siov_cr_bytes(&c), 4500u);
}

static void drain_descriptor(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);
	struct siov_desc d;
	struct siov_cr c;
	u8 v = 0xab, out = 0;

	wq_std(r, 0, false);
	desc(&d, SIOV_OP_FILL, 0, 0xab, BUF, 1);
	siov_desc_set_cr_addr(&d, 0);
	d.val[0] &= ~((u64)SIOV_F_CRAV << 32);
	KUNIT_EXPECT_EQ(test, submit(r, 0, &d), 0);
	c = do_desc(r, 0, SIOV_OP_DRAIN, SIOV_F_RCR, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&c), SIOV_CS_SUCCESS);
	gread(r, BUF, &out, 1);
	KUNIT_EXPECT_EQ(test, out, v);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(r->pf)->descs_completed, 2ULL);
}

struct bad_desc_case {
	const char *name;
	u8 op;
	u32 flags;
	u64 src, dst;
	u32 n;
	u64 rsvd5;
	u8 status;
};

static const struct bad_desc_case bad_desc_cases[] = {
	{ "bad_opcode", 0x02, 0, 0, 0, 0, 0, SIOV_CS_INVALID_OPCODE },
	{ "opcode_high", 0xff, 0, 0, 0, 0, 0, SIOV_CS_INVALID_OPCODE },
	{ "reserved_flag", SIOV_OP_NOOP, BIT(7), 0, 0, 0, 0, SIOV_CS_INVALID_FLAGS },
	{ "bof_without_bof_en", SIOV_OP_NOOP, SIOV_F_BOF, 0, 0, 0, 0,
	  SIOV_CS_INVALID_FLAGS },
	{ "reserved_field", SIOV_OP_NOOP, 0, 0, 0, 0, 1, SIOV_CS_INVALID_RSVD },
	{ "noop_with_addr", SIOV_OP_NOOP, 0, BUF, 0, 0, 0, SIOV_CS_INVALID_RSVD },
	{ "noop_with_size", SIOV_OP_NOOP, 0, 0, 0, 8, 0, SIOV_CS_INVALID_SIZE },
	{ "size_zero", SIOV_OP_MEMMOVE, 0, BUF, BUF + 0x4000, 0, 0,
	  SIOV_CS_INVALID_SIZE },
	{ "size_too_big", SIOV_OP_FILL, 0, 0, BUF, (2 << 20) + 1, 0,
	  SIOV_CS_INVALID_SIZE },
	{ "wrap", SIOV_OP_FILL, 0, 0, ~0ULL - 4, 16, 0, SIOV_CS_INVALID_SIZE },
	{ "overlap", SIOV_OP_MEMMOVE, 0, BUF, BUF + 100, 200, 0, SIOV_CS_OVERLAP },
};
KUNIT_ARRAY_PARAM_DESC(bad_desc, bad_desc_cases, name);

static void malformed_descriptor(struct kunit *test)
{
	const struct bad_desc_case *b = test->param_value;
	struct rig *r = rig_new(test, false, 0);
	struct siov_desc d;
	struct siov_cr c;

	wq_std(r, 0, false);
	desc(&d, b->op, b->flags | SIOV_F_RCR, b->src, b->dst, b->n);
	d.val[5] = b->rsvd5;
	KUNIT_EXPECT_EQ(test, submit(r, 0, &d), 0);
	run(r);
	c = read_cr(r, CR);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&c), b->status);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(r->pf)->status[b->status], 1ULL);
	/* Reported in the CR, so not in the error log. */
	KUNIT_EXPECT_EQ(test, errlog_count(r), 0u);
	KUNIT_EXPECT_TRUE(test, siov_pf_idle(r->pf));
}

static void error_without_cr_logged(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);
	struct siov_desc d;
	struct siov_errlog e;

	wq_std(r, 0, false);
	siov_desc_init(&d, 0x33, 0);
	KUNIT_EXPECT_EQ(test, submit(r, 0, &d), 0);
	run(r);
	e = errlog_last(r);
	KUNIT_EXPECT_EQ(test, siov_err_code(&e), SIOV_ERR_DESC);
	KUNIT_EXPECT_EQ(test, siov_err_status(&e), SIOV_CS_INVALID_OPCODE);
	KUNIT_EXPECT_TRUE(test, siov_err_wq_valid(&e));
	KUNIT_EXPECT_EQ(test, siov_err_wq(&e), 0);
	KUNIT_EXPECT_TRUE(test, siov_err_pasid_valid(&e));
	KUNIT_EXPECT_EQ(test, siov_err_pasid(&e), (u32)PASID);
	KUNIT_EXPECT_EQ(test, siov_err_detail(&e), 0x33u);
	/* RCR without CRAV: invalid flags, logged too. */
	siov_desc_init(&d, SIOV_OP_NOOP, SIOV_F_RCR);
	KUNIT_EXPECT_EQ(test, submit(r, 0, &d), 0);
	run(r);
	e = errlog_last(r);
	KUNIT_EXPECT_EQ(test, siov_err_status(&e), SIOV_CS_INVALID_FLAGS);
}

static void misaligned_cr(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);
	struct siov_desc d;
	struct siov_errlog e;
	struct siov_cr c;
	u8 zero[64] = { 0 };

	wq_std(r, 0, false);
	gwrite(r, CR, zero, 64);
	desc(&d, SIOV_OP_NOOP, SIOV_F_RCR | SIOV_F_RCI, 0, 0, 0);
	siov_desc_set_cr_addr(&d, CR + 8);
	KUNIT_EXPECT_EQ(test, submit(r, 0, &d), 0);
	run(r);
	c = read_cr(r, CR + 8);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&c), 0);
	KUNIT_EXPECT_EQ(test, r->irqs, 0u);
	e = errlog_last(r);
	KUNIT_EXPECT_EQ(test, siov_err_code(&e), SIOV_ERR_CR_ALIGN);
	KUNIT_EXPECT_EQ(test, siov_err_addr(&e), CR + 8);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(r->pf)->err[SIOV_ERR_CR_ALIGN], 1ULL);
}

static void portal_refusals(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);
	const struct siov_pf_stats *st = siov_pf_stats(r->pf);
	struct siov_desc d;
	u8 small[32] = { 0 };

	siov_desc_init(&d, SIOV_OP_NOOP, 0);
	KUNIT_EXPECT_EQ(test, submit(r, 1, &d), -ENODEV);
	KUNIT_EXPECT_EQ(test, st->err[SIOV_ERR_PORTAL_DISABLED], 1ULL);
	KUNIT_EXPECT_EQ(test, FIELD_GET(SIOV_WQ_STS_REJECTED, wq_reg(r, 1, SIOV_WQ_STS)), 1ULL);
	KUNIT_ASSERT_EQ(test, FIELD_GET(SIOV_WQ_STS_STATE,
					wq_setup(r, 1, cfg0(2, true, false), 0)),
			(u64)SIOV_WQ_ENABLED);
	KUNIT_EXPECT_EQ(test, submit(r, 1, &d), 0);
	KUNIT_EXPECT_EQ(test, submit(r, 1, &d), 0);
	KUNIT_EXPECT_EQ(test, FIELD_GET(SIOV_WQ_STS_OCCUPANCY, wq_reg(r, 1, SIOV_WQ_STS)), 2ULL);
	KUNIT_EXPECT_EQ(test, submit(r, 1, &d), -EBUSY);
	KUNIT_EXPECT_EQ(test, st->err[SIOV_ERR_PORTAL_FULL], 1ULL);
	run(r);
	KUNIT_EXPECT_EQ(test, FIELD_GET(SIOV_WQ_STS_OCCUPANCY, wq_reg(r, 1, SIOV_WQ_STS)), 0ULL);
	KUNIT_EXPECT_EQ(test, submit(r, 1, &d), 0);
	/* Not a 64-byte write at offset 0. */
	KUNIT_EXPECT_EQ(test, siov_pf_portal_write(r->pf, siov_portal_offset(1), small, 32), -EINVAL);
	KUNIT_EXPECT_EQ(test, siov_pf_portal_write(r->pf, siov_portal_offset(1) + 64, &d, 64), -EINVAL);
	KUNIT_EXPECT_EQ(test, siov_pf_portal_write(r->pf, siov_portal_offset(64), &d, 64), -EINVAL);
	siov_pf_mmio_write(r->pf, 2, siov_portal_offset(1), 8, 0);
	KUNIT_EXPECT_EQ(test, siov_pf_mmio_read(r->pf, 2, 0, 8), ~0ULL);
	KUNIT_EXPECT_EQ(test, st->err[SIOV_ERR_PORTAL_ACCESS], 5ULL);
	run(r);
}

/* ------------------------------------------------------------------ */
/* Device TLB, ATS, PRI                                               */
/* ------------------------------------------------------------------ */
static void devtlb_fill_and_hit(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);
	const struct siov_pf_stats *st = siov_pf_stats(r->pf);
	u64 hpa = 0, want = 0;
	u64 ats;

	wq_std(r, 0, false);
	do_desc(r, 0, SIOV_OP_FILL, SIOV_F_RCR, 1, BUF, 64);
	ats = st->ats_requests;
	KUNIT_EXPECT_GT(test, ats, 0ULL);
	KUNIT_EXPECT_TRUE(test, siov_pf_devtlb_lookup(r->pf, true, PASID, BUF, &hpa));
	KUNIT_ASSERT_EQ(test, sim_vm_gpa_to_hpa(r->vm, BUF, &want), 0);
	KUNIT_EXPECT_EQ(test, hpa, want);
	KUNIT_EXPECT_FALSE(test, siov_pf_devtlb_lookup(r->pf, false, 0, BUF, &hpa));
	do_desc(r, 0, SIOV_OP_FILL, SIOV_F_RCR, 2, BUF, 64);
	KUNIT_EXPECT_EQ(test, st->ats_requests, ats);
	KUNIT_EXPECT_GT(test, st->devtlb_hits, 0ULL);
}

static void devtlb_eviction(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);

	wq_std(r, 0, false);
	/* 80 pages written by one FILL: 80 + 1 (CR) translations, 64 slots. */
	do_desc(r, 0, SIOV_OP_FILL, SIOV_F_RCR, 1, BUF, 80 * 4096);
	KUNIT_EXPECT_EQ(test, siov_pf_devtlb_count(r->pf), 64u);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(r->pf)->devtlb_evictions, 81ULL - 64);
}

static void devtlb_invalidation_drops(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);
	const struct siov_pf_stats *st = siov_pf_stats(r->pf);
	struct vsva_inv_op op = { 0 };
	u64 ats;

	wq_std(r, 0, false);
	do_desc(r, 0, SIOV_OP_FILL, SIOV_F_RCR, 1, BUF, 64);
	do_desc(r, 0, SIOV_OP_FILL, SIOV_F_RCR, 1, BUF + 0x2000, 64);
	KUNIT_ASSERT_TRUE(test, siov_pf_devtlb_lookup(r->pf, true, PASID, BUF, NULL));
	op.kind = VSVA_INV_PDEVTLB;
	op.gran = VSVA_INV_G_PASID;
	op.sid = RID;
	op.pasid = PASID;
	op.addr = BUF;
	op.size_lg2 = 12;
	iq_submit(r, &op);
	KUNIT_EXPECT_EQ(test, st->devtlb_invs, 1ULL);
	KUNIT_EXPECT_FALSE(test, siov_pf_devtlb_lookup(r->pf, true, PASID, BUF, NULL));
	KUNIT_EXPECT_TRUE(test, siov_pf_devtlb_lookup(r->pf, true, PASID, BUF + 0x2000, NULL));
	ats = st->ats_requests;
	do_desc(r, 0, SIOV_OP_FILL, SIOV_F_RCR, 1, BUF, 64);
	KUNIT_EXPECT_EQ(test, st->ats_requests, ats + 1);
	KUNIT_EXPECT_TRUE(test, siov_pf_devtlb_lookup(r->pf, true, PASID, BUF, NULL));
}

static void bof_page_request_retry(struct kunit *test)
{
	struct rig *r = rig_new(test, true, 0);
	const struct siov_pf_stats *st = siov_pf_stats(r->pf);
	u8 src[256], out[256];
	struct siov_cr c;

	sim_vm_populate(r->vm, CR);
	sim_vm_populate(r->vm, BUF);
	wq_std(r, 0, true);
	fill_pattern(src, sizeof(src), 1);
	gwrite(r, BUF, src, sizeof(src));
	/* Destination page not backed yet: fault, PRS, populate, retry. */
	c = do_desc(r, 0, SIOV_OP_MEMMOVE, SIOV_F_RCR | SIOV_F_BOF, BUF,
		    BUF + 0x5000, sizeof(src));
	KUNIT_EXPECT_EQ(test, siov_cr_status(&c), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, st->page_requests, 1ULL);
	KUNIT_EXPECT_EQ(test, st->prs_retries, 1ULL);
	KUNIT_EXPECT_EQ(test, r->prs_seen, 1u);
	KUNIT_EXPECT_EQ(test, siov_pf_prg_outstanding(r->pf), 0u);
	gread(r, BUF + 0x5000, out, sizeof(out));
	KUNIT_EXPECT_EQ(test, memcmp(src, out, sizeof(src)), 0);
	KUNIT_EXPECT_EQ(test, r->s->oracle_violations, 0ULL);
}

static void no_bof_partial_completion(struct kunit *test)
{
	struct rig *r = rig_new(test, true, 0);
	struct siov_cr c;
	u8 out[0x100];

	sim_vm_populate(r->vm, CR);
	sim_vm_populate(r->vm, BUF);
	wq_std(r, 0, true);
	/* 0x100 bytes before the page end are backed, the next page is not. */
	c = do_desc(r, 0, SIOV_OP_FILL, SIOV_F_RCR, 0x0101010101010101ULL,
		    BUF + 0xf00, 0x300);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&c), SIOV_CS_PAGE_FAULT);
	KUNIT_EXPECT_EQ(test, siov_cr_bytes(&c), 0x100u);
	KUNIT_EXPECT_EQ(test, siov_cr_fault_addr(&c), BUF + 0x1000);
	KUNIT_EXPECT_EQ(test, siov_cr_fault_info(&c), SIOV_CR_FI_W | SIOV_CR_FI_DST);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(r->pf)->page_requests, 0ULL);
	gread(r, BUF + 0xf00, out, sizeof(out));
	KUNIT_EXPECT_EQ(test, out[0], 1);
	KUNIT_EXPECT_EQ(test, out[0xff], 1);
}

static void prs_invalid_response(struct kunit *test)
{
	struct rig *r = rig_new(test, true, 0);
	struct siov_cr c;

	sim_vm_populate(r->vm, CR);
	wq_std(r, 0, true);
	r->populate = false;
	r->code = VTD_PRG_RESP_INVALID;
	c = do_desc(r, 0, SIOV_OP_FILL, SIOV_F_RCR | SIOV_F_BOF, 7,
		    BUF + 0x3000, 16);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&c), SIOV_CS_PRS_INVALID);
	KUNIT_EXPECT_EQ(test, siov_cr_prs_code(&c), 1);
	KUNIT_EXPECT_EQ(test, siov_cr_fault_addr(&c), BUF + 0x3000);
	KUNIT_EXPECT_EQ(test, siov_cr_bytes(&c), 0u);
	KUNIT_EXPECT_EQ(test, siov_pf_prg_outstanding(r->pf), 0u);
}

static void prs_failure_stops_pri(struct kunit *test)
{
	struct rig *r = rig_new(test, true, 0);
	struct siov_cr c;

	sim_vm_populate(r->vm, CR);
	wq_std(r, 0, true);
	r->populate = false;
	r->code = VTD_PRG_RESP_FAILURE;
	c = do_desc(r, 0, SIOV_OP_FILL, SIOV_F_RCR | SIOV_F_BOF, 7, BUF, 16);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&c), SIOV_CS_PRS_FAILURE);
	/* PRI status RF (bit 0) */
	KUNIT_EXPECT_TRUE(test, siov_pf_cfg_read(r->pf, SIOV_CFG_PRI + 6, 2) & 1);
	/* While RF is set, faults complete at once without a request. */
	c = do_desc(r, 0, SIOV_OP_FILL, SIOV_F_RCR | SIOV_F_BOF, 7, BUF, 16);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&c), SIOV_CS_PAGE_FAULT);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(r->pf)->page_requests, 1ULL);
	siov_pf_cfg_write(r->pf, SIOV_CFG_PRI + 6, 2, 1);	/* RW1C */
	KUNIT_EXPECT_FALSE(test, siov_pf_cfg_read(r->pf, SIOV_CFG_PRI + 6, 2) & 1);
}

static void pri_allocation_limit(struct kunit *test)
{
	struct rig *r = rig_new(test, true, 0);
	const struct siov_pf_stats *st = siov_pf_stats(r->pf);
	struct siov_desc d;

	sim_vm_populate(r->vm, CR);
	siov_pf_cfg_write(r->pf, SIOV_CFG_PRI + 4, 2, 0);
	siov_pf_cfg_write(r->pf, SIOV_CFG_PRI + 12, 4, 1);
	siov_pf_cfg_write(r->pf, SIOV_CFG_PRI + 4, 2, 1);
	wq_std(r, 0, true);
	wq_std(r, 1, true);
	r->respond = false;
	desc(&d, SIOV_OP_FILL, SIOV_F_RCR | SIOV_F_BOF, 1, BUF, 8);
	siov_desc_set_cr_addr(&d, CR);
	KUNIT_EXPECT_EQ(test, submit(r, 0, &d), 0);
	desc(&d, SIOV_OP_FILL, SIOV_F_RCR | SIOV_F_BOF, 1, BUF + 0x1000, 8);
	siov_desc_set_cr_addr(&d, CR + 32);
	KUNIT_EXPECT_EQ(test, submit(r, 1, &d), 0);
	run(r);
	KUNIT_EXPECT_EQ(test, siov_pf_prg_outstanding(r->pf), 1u);
	KUNIT_EXPECT_EQ(test, st->page_requests, 1ULL);
	KUNIT_EXPECT_EQ(test, st->prg_waits, 1ULL);
	r->populate = true;
	answer_all(r);
	KUNIT_EXPECT_EQ(test, st->page_requests, 2ULL);
	KUNIT_EXPECT_EQ(test, cr_status_at(r, CR), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, cr_status_at(r, CR + 32), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, siov_pf_idle(r->pf));
}

/* ------------------------------------------------------------------ */
/* Commands and resets                                                */
/* ------------------------------------------------------------------ */
/* A BOF descriptor parked on a page request the host does not answer. */
static void park_one(struct rig *r, u32 wq)
{
	struct siov_desc d;

	r->respond = false;
	r->populate = false;
	desc(&d, SIOV_OP_FILL, SIOV_F_RCR | SIOV_F_BOF, 1, BUF + 0x7000, 8);
	KUNIT_EXPECT_EQ(r->test, submit(r, wq, &d), 0);
	run(r);
	KUNIT_EXPECT_EQ(r->test, siov_pf_prg_outstanding(r->pf), 1u);
	KUNIT_EXPECT_FALSE(r->test, siov_pf_idle(r->pf));
}

static void answer_all(struct rig *r)
{
	r->respond = true;
	for (u32 i = 0; i < r->nheld; i++) {
		if (r->populate)
			sim_vm_populate(r->vm, r->held[i].addr);
		respond(r, &r->held[i]);
	}
	r->nheld = 0;
	run(r);
}

static void drain_wq_waits_for_prs(struct kunit *test)
{
	struct rig *r = rig_new(test, true, 0);

	sim_vm_populate(r->vm, CR);
	wq_std(r, 0, true);
	siov_pf_mmio_write(r->pf, 0, SIOV_REG_MSIX_TABLE, 8, 0xfee01000ULL);
	siov_pf_mmio_write(r->pf, 0, SIOV_REG_MSIX_TABLE + 8, 8, 0x99);
	park_one(r, 0);
	siov_pf_mmio_write(r->pf, 0, SIOV_REG_CMD, 4,
			   SIOV_CMD_INT | FIELD_PREP(SIOV_CMD_CODE, SIOV_CMD_DRAIN_WQ));
	KUNIT_EXPECT_TRUE(test, siov_pf_mmio_read(r->pf, 0, SIOV_REG_CMDSTS, 4) &
			  SIOV_CMDSTS_ACTIVE);
	/* A second command while active is refused (BUSY). */
	siov_pf_mmio_write(r->pf, 0, SIOV_REG_CMD, 4,
			   FIELD_PREP(SIOV_CMD_CODE, SIOV_CMD_DRAIN_PASID) | PASID);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(r->pf)->cmd_errors, 1ULL);
	KUNIT_EXPECT_EQ(test, r->irqs, 0u);
	r->populate = true;
	answer_all(r);
	KUNIT_EXPECT_EQ(test, siov_pf_mmio_read(r->pf, 0, SIOV_REG_CMDSTS, 4), 0ULL);
	KUNIT_EXPECT_EQ(test, r->irqs, 1u);
	KUNIT_EXPECT_EQ(test, r->irq_data, 0x99u);
	KUNIT_EXPECT_EQ(test, cr_status_at(r, CR), SIOV_CS_SUCCESS);
}

static void drain_pasid_immediate(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);

	wq_std(r, 0, false);
	siov_pf_mmio_write(r->pf, 0, SIOV_REG_CMD, 4,
			   FIELD_PREP(SIOV_CMD_CODE, SIOV_CMD_DRAIN_PASID) | PASID);
	KUNIT_EXPECT_EQ(test, siov_pf_mmio_read(r->pf, 0, SIOV_REG_CMDSTS, 4), 0ULL);
	KUNIT_EXPECT_TRUE(test, siov_pf_mmio_read(r->pf, 0, SIOV_REG_INTCAUSE, 4) &
			  SIOV_INTCAUSE_CMD);
	/* Bad code and bad WQ operand. */
	siov_pf_mmio_write(r->pf, 0, SIOV_REG_CMD, 4, FIELD_PREP(SIOV_CMD_CODE, 9));
	KUNIT_EXPECT_EQ(test, siov_pf_mmio_read(r->pf, 0, SIOV_REG_CMDSTS, 4),
			(u64)SIOV_CMDERR_BAD_CODE);
	siov_pf_mmio_write(r->pf, 0, SIOV_REG_CMD, 4,
			   FIELD_PREP(SIOV_CMD_CODE, SIOV_CMD_DRAIN_WQ) | 64);
	KUNIT_EXPECT_EQ(test, siov_pf_mmio_read(r->pf, 0, SIOV_REG_CMDSTS, 4),
			(u64)SIOV_CMDERR_BAD_WQ);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(r->pf)->err[SIOV_ERR_CMD], 2ULL);
}

static void reset_wq_with_parked_work(struct kunit *test)
{
	struct rig *r = rig_new(test, true, 0);
	const struct siov_pf_stats *st = siov_pf_stats(r->pf);
	struct siov_desc d;

	sim_vm_populate(r->vm, CR);
	wq_std(r, 0, true);
	park_one(r, 0);
	/* One more queued behind a fence. */
	siov_desc_init(&d, SIOV_OP_NOOP, SIOV_F_FENCE);
	KUNIT_EXPECT_EQ(test, submit(r, 0, &d), 0);
	run(r);
	KUNIT_EXPECT_EQ(test, FIELD_GET(SIOV_WQ_STS_OCCUPANCY, wq_reg(r, 0, SIOV_WQ_STS)), 2ULL);
	siov_pf_mmio_write(r->pf, 0, SIOV_REG_CMD, 4,
			   FIELD_PREP(SIOV_CMD_CODE, SIOV_CMD_RESET_WQ) | 0);
	KUNIT_EXPECT_EQ(test, cr_status_at(r, CR), SIOV_CS_ABORTED);
	KUNIT_EXPECT_EQ(test, st->status[SIOV_CS_ABORTED], 2ULL);
	KUNIT_EXPECT_EQ(test, wq_reg(r, 0, SIOV_WQ_STS), 0ULL);
	KUNIT_EXPECT_EQ(test, wq_reg(r, 0, SIOV_WQ_CFG0), 0ULL);
	/* The page request is still owed its answer, and absorbs it. */
	KUNIT_EXPECT_EQ(test, siov_pf_prg_outstanding(r->pf), 1u);
	answer_all(r);
	KUNIT_EXPECT_EQ(test, siov_pf_prg_outstanding(r->pf), 0u);
	KUNIT_EXPECT_EQ(test, st->orphan_responses, 1ULL);
	KUNIT_EXPECT_EQ(test, st->descs_completed, 2ULL);
	KUNIT_EXPECT_TRUE(test, siov_pf_idle(r->pf));
}

static void reset_device_and_flr(struct kunit *test)
{
	struct rig *r = rig_new(test, true, 0);

	sim_vm_populate(r->vm, CR);
	wq_std(r, 0, true);
	siov_pf_mmio_write(r->pf, 0, siov_ims_offset(3, SIOV_IMS_CTRL), 4, 0);
	park_one(r, 0);
	siov_pf_mmio_write(r->pf, 0, SIOV_REG_CMD, 4,
			   FIELD_PREP(SIOV_CMD_CODE, SIOV_CMD_RESET_DEVICE));
	KUNIT_EXPECT_EQ(test, cr_status_at(r, CR), SIOV_CS_ABORTED);
	KUNIT_EXPECT_TRUE(test, siov_pf_idle(r->pf));
	KUNIT_EXPECT_EQ(test, siov_pf_mmio_read(r->pf, 0, SIOV_REG_GENSTS, 4), 0ULL);
	KUNIT_EXPECT_EQ(test, siov_pf_mmio_read(r->pf, 0, siov_ims_offset(3, SIOV_IMS_CTRL), 4),
			(u64)SIOV_IMS_CTRL_MASK);
	KUNIT_EXPECT_EQ(test, siov_pf_devtlb_count(r->pf), 0u);
	/* FLR: config space back to reset values too. */
	siov_pf_cfg_write(r->pf, SIOV_CFG_PCIE + 8, 2, 0x8000);
	KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, SIOV_CFG_PASID + 6, 2), 0u);
	KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, 0x04, 2), 0u);
	KUNIT_EXPECT_EQ(test, siov_pf_cfg_read(r->pf, SIOV_CFG_PCIE + 8, 2), 0x2810u);
	answer_all(r);
	KUNIT_EXPECT_EQ(test, siov_pf_prg_outstanding(r->pf), 0u);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(r->pf)->orphan_responses, 1ULL);
}

/* ------------------------------------------------------------------ */
/* IMS                                                                */
/* ------------------------------------------------------------------ */
static void ims_pasid_tag_and_mask(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);
	u64 c0 = cfg0(8, true, false) | SIOV_WQ_CFG0_INT_IMS;
	u32 ctrl_ok = SIOV_IMS_CTRL_PASID_EN |
		      FIELD_PREP(SIOV_IMS_CTRL_PASID, PASID);

	KUNIT_ASSERT_EQ(test, FIELD_GET(SIOV_WQ_STS_STATE, wq_setup(r, 0, c0, 5)),
			(u64)SIOV_WQ_ENABLED);
	siov_pf_mmio_write(r->pf, 0, siov_ims_offset(5, SIOV_IMS_ADDR), 8, 0xfee02000ULL);
	siov_pf_mmio_write(r->pf, 0, siov_ims_offset(5, SIOV_IMS_DATA), 4, 0x77);
	/* Masked after reset: pending, then delivered on unmask. */
	do_desc(r, 0, SIOV_OP_NOOP, SIOV_F_RCI, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, r->irqs, 0u);
	KUNIT_EXPECT_TRUE(test, siov_pf_mmio_read(r->pf, 0, siov_ims_offset(5, SIOV_IMS_CTRL), 4) &
			  SIOV_IMS_CTRL_PENDING);
	siov_pf_mmio_write(r->pf, 0, siov_ims_offset(5, SIOV_IMS_CTRL), 4, ctrl_ok);
	KUNIT_EXPECT_EQ(test, r->irqs, 1u);
	KUNIT_EXPECT_TRUE(test, r->irq_ims);
	KUNIT_EXPECT_EQ(test, r->irq_idx, 5);
	KUNIT_EXPECT_EQ(test, r->irq_data, 0x77u);
	/* Wrong PASID tag: not delivered, logged. */
	siov_pf_mmio_write(r->pf, 0, siov_ims_offset(5, SIOV_IMS_CTRL), 4,
			   SIOV_IMS_CTRL_PASID_EN | FIELD_PREP(SIOV_IMS_CTRL_PASID, PASID + 1));
	do_desc(r, 0, SIOV_OP_NOOP, SIOV_F_RCI, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, r->irqs, 1u);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(r->pf)->err[SIOV_ERR_IMS_PASID], 1ULL);
	/* Reserved control bits are logged. */
	siov_pf_mmio_write(r->pf, 0, siov_ims_offset(5, SIOV_IMS_CTRL), 4, ctrl_ok | BIT(4));
	KUNIT_EXPECT_EQ(test, siov_pf_stats(r->pf)->err[SIOV_ERR_MMIO], 1ULL);
}

/* ------------------------------------------------------------------ */
/* Scale and isolation                                                */
/* ------------------------------------------------------------------ */
static void wqs_4096(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 4096);
	u8 out[8];
	struct siov_cr c;

	KUNIT_EXPECT_EQ(test, siov_pf_bar_size(r->pf, 2), 16ULL << 20);
	KUNIT_EXPECT_EQ(test, FIELD_GET(SIOV_WQCAP_NR_WQS,
					siov_pf_mmio_read(r->pf, 0, SIOV_REG_WQCAP, 8)), 4096ULL);
	wq_std(r, 4095, false);
	KUNIT_EXPECT_EQ(test, FIELD_GET(SIOV_WQ_STS_STATE,
					wq_setup(r, 0, cfg0(4, false, false), 0)),
			(u64)SIOV_WQ_ENABLED);
	c = do_desc(r, 4095, SIOV_OP_FILL, SIOV_F_RCR, 0x4242424242424242ULL, BUF, 8);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&c), SIOV_CS_SUCCESS);
	/* WQ 0 without PASID: DMA without PASID through RID_PASID. */
	c = do_desc(r, 0, SIOV_OP_FILL, SIOV_F_RCR, 0x4343434343434343ULL, BUF + 8, 8);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&c), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, siov_pf_devtlb_lookup(r->pf, false, 0, BUF, NULL));
	gread(r, BUF, out, 8);
	KUNIT_EXPECT_EQ(test, out[7], 0x42);
	gread(r, BUF + 8, out, 8);
	KUNIT_EXPECT_EQ(test, out[0], 0x43);
	KUNIT_EXPECT_EQ(test, siov_pf_portal_write(r->pf, siov_portal_offset(4096), out, 64), -EINVAL);
}

static void oracle_catches_wrong_mapping(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);
	u64 foreign = alloc_page(r);
	struct siov_cr c;

	wq_std(r, 0, false);
	KUNIT_ASSERT_EQ(test, sim_vm_corrupt_ss(r->vm, BUF + 0x9000, foreign), 0);
	c = do_desc(r, 0, SIOV_OP_FILL, SIOV_F_RCR, 1, BUF + 0x9000, 8);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&c), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_GT(test, r->s->oracle_violations, 0ULL);
	KUNIT_EXPECT_GT(test, siov_pf_stats(r->pf)->oracle_violations, 0ULL);
}

static void ats_disabled_untranslated(struct kunit *test)
{
	struct rig *r = rig_new(test, false, 0);
	struct siov_cr c;
	u8 out = 0;

	siov_pf_cfg_write(r->pf, SIOV_CFG_ATS + 6, 2, 0);
	wq_std(r, 0, false);
	c = do_desc(r, 0, SIOV_OP_FILL, SIOV_F_RCR, 0x55, BUF, 1);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&c), SIOV_CS_SUCCESS);
	gread(r, BUF, &out, 1);
	KUNIT_EXPECT_EQ(test, out, 0x55);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(r->pf)->ats_requests, 0ULL);
	KUNIT_EXPECT_GT(test, siov_pf_stats(r->pf)->untranslated, 0ULL);
	KUNIT_EXPECT_EQ(test, siov_pf_devtlb_count(r->pf), 0u);
	/* BOF needs ATS + PRI. */
	KUNIT_EXPECT_EQ(test, FIELD_GET(SIOV_WQ_STS_ERR,
					wq_setup(r, 1, cfg0(4, true, true), 0)),
			(u64)SIOV_WQERR_BOF_NO_PRI);
}

static struct kunit_case siov_pf_cases[] = {
	KUNIT_CASE(cfg_identity),
	KUNIT_CASE(cfg_legacy_caps),
	KUNIT_CASE(cfg_ext_caps),
	KUNIT_CASE(cfg_ro_bits_stay_ro),
	KUNIT_CASE(cfg_bar_sizing),
	KUNIT_CASE(cfg_pri_status),
	KUNIT_CASE(bar0_caps),
	KUNIT_CASE(bar0_ro_write_logged),
	KUNIT_CASE(bar0_errlog_overflow),
	KUNIT_CASE(bar0_bad_mmio),
	KUNIT_CASE(wq_enable_disable),
	KUNIT_CASE_PARAM(wq_enable_errors, wq_err_gen_params),
	KUNIT_CASE(noop_cr_and_msix),
	KUNIT_CASE(memmove_bytes),
	KUNIT_CASE(fill_bytes),
	KUNIT_CASE(compare_equal_and_mismatch),
	KUNIT_CASE(drain_descriptor),
	KUNIT_CASE_PARAM(malformed_descriptor, bad_desc_gen_params),
	KUNIT_CASE(error_without_cr_logged),
	KUNIT_CASE(misaligned_cr),
	KUNIT_CASE(portal_refusals),
	KUNIT_CASE(devtlb_fill_and_hit),
	KUNIT_CASE(devtlb_eviction),
	KUNIT_CASE(devtlb_invalidation_drops),
	KUNIT_CASE(bof_page_request_retry),
	KUNIT_CASE(no_bof_partial_completion),
	KUNIT_CASE(prs_invalid_response),
	KUNIT_CASE(prs_failure_stops_pri),
	KUNIT_CASE(pri_allocation_limit),
	KUNIT_CASE(drain_wq_waits_for_prs),
	KUNIT_CASE(drain_pasid_immediate),
	KUNIT_CASE(reset_wq_with_parked_work),
	KUNIT_CASE(reset_device_and_flr),
	KUNIT_CASE(ims_pasid_tag_and_mask),
	KUNIT_CASE(wqs_4096),
	KUNIT_CASE(oracle_catches_wrong_mapping),
	KUNIT_CASE(ats_disabled_untranslated),
	{}
};

static struct kunit_suite siov_pf_suite = {
	.name = "sim-siov-pf",
	.test_cases = siov_pf_cases,
};

kunit_test_suites(&siov_pf_suite);
