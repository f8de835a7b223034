// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated physical VT-d 3.x unit (host/sim/iommu.c), driven only
 * through its registers and the structures software puts in host memory.
 * Expected register values, descriptors and fault records are written as
 * literals computed by hand from the spec (arithmetic in the comments).
 */
#include <kunit/test.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommu.h"
#include <nestmed/vtd_fault.h>

#define DEV_RID		0x0100	/* bus 1, devfn 0 */
#define DEV2_RID	0x0180	/* bus 1, devfn 0x80: upper context half */
#define DID		7
#define PASID		5

/* First- and second-stage entry bits used below (both: bits 2:0 = 7). */
#define PT_TBL		0x7ULL	/* FS P|RW|US, SS R|W|X */
#define PT_PS		0x80ULL	/* PS, bit 7 */

struct fx {
	struct sim s;
	struct sim_mem *m;
	struct sim_iommu *it;
	struct sim_iommu_cfg cfg;
	u64 rta, dir, iq, prq;
	u32 iq_tail;
	bool dw;
	u8 qs;
	/* host interrupts */
	u32 irqs[3];
	u32 irq_data[3];
	/* device callbacks */
	u32 responses, devtlb;
	bool resp_pp;
	u32 resp_pasid;
	u16 resp_prgi;
	u8 resp_code;
	bool inv_pasid_valid, inv_global;
	u32 inv_pasid;
	u64 inv_addr;
	u8 inv_lg2;
	u64 watch_addr;		/* status dword the devTLB callback samples */
	u32 watched;
};

static void host_irq(void *ctx, enum sim_iommu_irq which, u32 data, u64 addr)
{
	struct fx *f = ctx;

	f->irqs[which]++;
	f->irq_data[which] = data;
}

static void dev_page_response(void *dev, bool pp, u32 pasid, u16 prgi, u8 code)
{
	struct fx *f = dev;

	f->responses++;
	f->resp_pp = pp;
	f->resp_pasid = pasid;
	f->resp_prgi = prgi;
	f->resp_code = code;
}

static void dev_devtlb_inv(void *dev, bool pasid_valid, u32 pasid, u64 addr,
			   u8 size_lg2, bool global)
{
	struct fx *f = dev;

	f->devtlb++;
	f->inv_pasid_valid = pasid_valid;
	f->inv_pasid = pasid;
	f->inv_addr = addr;
	f->inv_lg2 = size_lg2;
	f->inv_global = global;
	if (f->watch_addr)
		sim_mem_read(f->m, VSVA_AS_HPA, f->watch_addr, &f->watched, 4);
}

static const struct sim_iommu_host_ops host_ops = { .irq = host_irq };
static const struct sim_iommu_dev_ops dev_ops = {
	.page_response = dev_page_response,
	.devtlb_invalidate = dev_devtlb_inv,
};

/* ---- software side: what a host driver writes ---------------------- */

static u64 rd64(struct fx *f, u64 a)
{
	u64 v = 0;

	sim_mem_read(f->m, VSVA_AS_HPA, a, &v, 8);
	return v;
}

static void wr64(struct fx *f, u64 a, u64 v)
{
	sim_mem_write(f->m, VSVA_AS_HPA, a, &v, 8);
}

static u64 page(struct kunit *test, struct fx *f)
{
	u64 p = 0;

	KUNIT_ASSERT_EQ(test, sim_mem_alloc_page(f->m, &p), 0);
	return p;
}

/* Map @va -> @pa at @leaf level (1: 4K, 2: 2M, 3: 1G) in a @levels table. */
static void pt_map(struct kunit *test, struct fx *f, u64 root, int levels,
		   u64 va, u64 pa, int leaf)
{
	u64 table = root, e;
	int l;

	for (l = levels; l > leaf; l--) {
		u64 ea = table + 8 * ((va >> (12 + 9 * (l - 1))) & 511);

		e = rd64(f, ea);
		if (!(e & 3)) {
			e = page(test, f) | PT_TBL;
			wr64(f, ea, e);
		}
		table = e & GENMASK_ULL(51, 12);
	}
	wr64(f, table + 8 * ((va >> (12 + 9 * (leaf - 1))) & 511),
	     pa | PT_TBL | (leaf > 1 ? PT_PS : 0));
}

/* Address of the entry of @va at level @leaf. */
static u64 leaf_at(struct fx *f, u64 root, int levels, u64 va, int leaf)
{
	u64 table = root;

	for (int l = levels; l > leaf; l--)
		table = rd64(f, table + 8 * ((va >> (12 + 9 * (l - 1))) & 511)) &
			GENMASK_ULL(51, 12);
	return table + 8 * ((va >> (12 + 9 * (leaf - 1))) & 511);
}

static u64 leaf_addr(struct fx *f, u64 root, int levels, u64 va)
{
	return leaf_at(f, root, levels, va, 1);
}

static void set_ctx(struct fx *f, u16 rid, bool paside, bool dte, bool pre,
		    u32 rid_pasid)
{
	struct vtd_sm_context_entry ce = { { 0 } };

	vtd_sce_set_p(&ce, 1);
	vtd_sce_set_paside(&ce, paside);
	vtd_sce_set_dte(&ce, dte);
	vtd_sce_set_pre(&ce, pre);
	vtd_sce_set_pdts(&ce, 0);		/* 128 directory entries */
	vtd_sce_set_pasiddirptr(&ce, f->dir);
	vtd_sce_set_rid_pasid(&ce, rid_pasid);
	sim_iommu_sw_set_context(f->m, f->rta, rid, &ce);
}

static void set_pe(struct fx *f, u32 pasid, u8 pgtt, u64 ss, u64 fs)
{
	struct vtd_pasid_entry pe = { { 0 } };

	vtd_pe_set_pgtt(&pe, pgtt);
	vtd_pe_set_did(&pe, DID);
	if (pgtt == VTD_PGTT_SS || pgtt == VTD_PGTT_NESTED) {
		vtd_pe_set_aw(&pe, 2);		/* 48 bits, 4 levels */
		vtd_pe_set_slptptr(&pe, ss);
	}
	if (pgtt == VTD_PGTT_FS || pgtt == VTD_PGTT_NESTED) {
		vtd_pe_set_flptptr(&pe, fs);
		vtd_pe_set_sre(&pe, 1);
	}
	vtd_pe_set_p(&pe, 1);
	sim_iommu_sw_set_pasid(f->m, f->dir, pasid, &pe);
}

/* Address of the PASID entry of @pasid (its table must exist). */
static u64 pe_addr(struct fx *f, u32 pasid)
{
	return (rd64(f, f->dir + 8 * (pasid >> 6)) & GENMASK_ULL(63, 12)) +
	       64 * (pasid & 63);
}

/* Registers written with 64-bit accesses; every other one is 32-bit. */
static bool reg64(u32 off)
{
	static const u32 r64[] = {
		VTD_CAP_REG, VTD_ECAP_REG, VTD_RTADDR_REG, VTD_CCMD_REG,
		VTD_IQH_REG, VTD_IQT_REG, VTD_IQA_REG, VTD_IQERCD_REG,
		VTD_PQH_REG, VTD_PQT_REG, VTD_PQA_REG,
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(r64); i++)
		if (r64[i] == off)
			return true;
	return false;
}

static void rw(struct fx *f, u32 off, u64 v)
{
	sim_iommu_write(f->it, off, reg64(off) ? 8 : 4, v);
}

static u64 rr(struct fx *f, u32 off, unsigned int size)
{
	return sim_iommu_read(f->it, off, size);
}

/* Queue setup and enable sequence: SRTP (scalable), QIE, TE. */
static void iq_setup(struct kunit *test, struct fx *f, bool dw, u8 qs)
{
	u32 gsts = (u32)rr(f, VTD_GSTS_REG, 4);

	if (gsts & VTD_GSTS_QIES)
		rw(f, VTD_GCMD_REG, gsts & VTD_GSTS_TES);
	KUNIT_ASSERT_EQ(test, sim_mem_alloc_run(f->m, 1ULL << qs, 12, &f->iq), 0);
	f->dw = dw;
	f->qs = qs;
	f->iq_tail = 0;
	rw(f, VTD_IQT_REG, 0);
	rw(f, VTD_IQA_REG, f->iq | (dw ? BIT_ULL(11) : 0) | qs);
	rw(f, VTD_GCMD_REG, (gsts & VTD_GSTS_TES) | VTD_GCMD_QIE);
}

static void enable(struct kunit *test, struct fx *f)
{
	rw(f, VTD_RTADDR_REG, f->rta | (1ULL << 10));	/* TTM = 01b */
	rw(f, VTD_GCMD_REG, VTD_GCMD_SRTP);
	iq_setup(test, f, true, 0);
	rw(f, VTD_GCMD_REG, VTD_GCMD_QIE | VTD_GCMD_TE);
	f->prq = page(test, f);
	rw(f, VTD_PQA_REG, f->prq);			/* PQS 0: 128 slots */
}

static void iq_put(struct fx *f, u64 q0, u64 q1)
{
	u32 dsz = f->dw ? 32 : 16;
	u64 a = f->iq + f->iq_tail;

	wr64(f, a, q0);
	wr64(f, a + 8, q1);
	if (f->dw) {
		wr64(f, a + 16, 0);
		wr64(f, a + 24, 0);
	}
	f->iq_tail = (u32)((f->iq_tail + dsz) % (4096u << f->qs));
}

static void iq_go(struct fx *f)
{
	rw(f, VTD_IQT_REG, f->iq_tail);
	sim_run(&f->s, 0);
}

static int fx_init(struct kunit *test)
{
	struct fx *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	if (!f || sim_init(&f->s, 42))
		return -ENOMEM;
	f->m = sim_mem_create(&f->s, 0);
	if (!f->m)
		return -ENOMEM;
	sim_iommu_default_cfg(&f->cfg);
	f->it = sim_iommu_create(&f->s, &f->cfg, &host_ops, f);
	if (!f->it)
		return -ENOMEM;
	sim_iommu_attach_device(f->it, DEV_RID, &dev_ops, f);
	if (sim_iommu_sw_alloc_root(f->m, &f->rta) ||
	    sim_iommu_sw_alloc_pasid_dir(f->m, 0, &f->dir))
		return -ENOMEM;
	test->priv = f;
	return 0;
}

static void fx_exit(struct kunit *test)
{
	struct fx *f = test->priv;

	if (!f)
		return;
	sim_iommu_destroy(f->it);
	sim_mem_destroy(f->m);
	sim_fini(&f->s);
}

static const struct sim_iommu_stats *st(struct fx *f)
{
	return sim_iommu_stats(f->it);
}

/* A second-stage-only PASID (RID_PASID 0) mapping @gpa -> @hpa. */
static u64 setup_ss(struct kunit *test, struct fx *f, u64 gpa, u64 hpa,
		    int leaf)
{
	u64 ss = page(test, f);

	pt_map(test, f, ss, 4, gpa, hpa, leaf);
	set_ctx(f, DEV_RID, true, true, true, 0);
	set_pe(f, 0, VTD_PGTT_SS, ss, 0);
	return ss;
}

static int xlate(struct fx *f, bool pp, u32 pasid, u64 addr, u8 access,
		 struct sim_xlate *x)
{
	struct sim_dma_req r = { .rid = DEV_RID, .pasid_present = pp,
				 .pasid = pasid, .addr = addr,
				 .access = access };

	return sim_iommu_translate(f->it, &r, x);
}

/* ================= registers ================= */

static void reg_reset_values(struct kunit *test)
{
	struct fx *f = test->priv;

	/*
	 * CAP: ND 6 (2:0) = 0x6, SAGAW 48+57 (bits 2,3 of 12:8) = 0xc00,
	 * MGAW 56 (21:16) = 0x380000, FRO 0x60 (33:24) = 0x60000000,
	 * SLLPS 3 (37:34) = 0xc00000000, PSI (39) = 0x8000000000,
	 * NFR 7 (47:40) = 0x70000000000, MAMV 18 (53:48) = 0x12000000000000,
	 * FL1GP (56) = 0x100000000000000, FL5LP (60) = 0x1000000000000000.
	 */
	KUNIT_EXPECT_EQ(test, rr(f, VTD_CAP_REG, 8), 0x1112078c60380c06ULL);
	/*
	 * ECAP: QI 0x2 | DT 0x4 | PT 0x40 | SC 0x80 | IRO 0x50 << 8 = 0x5000
	 * | NEST 1<<26 | PRS 1<<29 | SRS 1<<31 | EAFS 1<<34 | PSS 19<<35 =
	 * 0x9800000000 | PASID 1<<40 | PDS 1<<42 | SMTS 1<<43 | SLADS 1<<45
	 * | SLTS 1<<46 | FLTS 1<<47 | SMPWC 1<<48 | RPS 1<<49.
	 */
	KUNIT_EXPECT_EQ(test, rr(f, VTD_ECAP_REG, 8), 0x3ed9ca40050c6ULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_VER_REG, 4), 0x10ULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_GSTS_REG, 4), 0ULL);
	/* Event control registers reset with IM (bit 31) set. */
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FECTL_REG, 4), 0x80000000ULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IECTL_REG, 4), 0x80000000ULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_PECTL_REG, 4), 0x80000000ULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FSTS_REG, 4), 0ULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQH_REG, 8), 0ULL);
}

static void reg_read_only(struct kunit *test)
{
	struct fx *f = test->priv;

	rw(f, VTD_CAP_REG, 0);
	rw(f, VTD_ECAP_REG, 0);
	rw(f, VTD_GSTS_REG, 0xffffffff);
	rw(f, VTD_IQH_REG, 0x40);
	rw(f, VTD_IQERCD_REG, 0xf);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_CAP_REG, 8), 0x1112078c60380c06ULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_ECAP_REG, 8), 0x3ed9ca40050c6ULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_GSTS_REG, 4), 0ULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQH_REG, 8), 0ULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQERCD_REG, 8), 0ULL);
	/* GCMD is write-only: it reads 0 even after a command. */
	rw(f, VTD_GCMD_REG, VTD_GCMD_TE);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_GCMD_REG, 4), 0ULL);
}

static void reg_rw_masks(struct kunit *test)
{
	struct fx *f = test->priv;

	/* FEADDR: MA is 31:2, bits 1:0 reserved. */
	rw(f, VTD_FEADDR_REG, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FEADDR_REG, 4), 0xfffffffcULL);
	/* RTADDR: RTA 45:12 (HAW 46) = 0x3ffffffff000 | TTM 11:10 = 0xc00. */
	rw(f, VTD_RTADDR_REG, ~0ULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_RTADDR_REG, 8), 0x3ffffffffc00ULL);
	/* IQA: base 45:12 | DW 11 | QS 2:0; bits 10:3 reserved. */
	rw(f, VTD_IQA_REG, ~0ULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQA_REG, 8), 0x3ffffffff807ULL);
	/* FECTL: only IM (31) is writable, IP (30) is RO. */
	rw(f, VTD_FECTL_REG, 0x40000000);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FECTL_REG, 4), 0ULL);
	/* 32-bit halves of a 64-bit register. */
	sim_iommu_write(f->it, VTD_IQA_REG, 4, 0x00005801);
	sim_iommu_write(f->it, VTD_IQA_REG + 4, 4, 0x12);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQA_REG, 8), 0x0000001200005801ULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQA_REG + 4, 4), 0x12ULL);
}

static void reg_unknown_offsets(struct kunit *test)
{
	struct fx *f = test->priv;
	u64 bad = st(f)->bad_mmio;

	KUNIT_EXPECT_EQ(test, rr(f, 0x030, 4), 0ULL);	/* reserved */
	rw(f, 0x030, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rr(f, 0x030, 4), 0ULL);
	KUNIT_EXPECT_EQ(test, rr(f, 0xff8, 8), 0ULL);	/* beyond the file */
	KUNIT_EXPECT_EQ(test, rr(f, 0x1002, 4), 0ULL);	/* misaligned */
	rw(f, 0x064, 1);				/* PMEN: no PLMR/PHMR */
	sim_iommu_write(f->it, VTD_FEDATA_REG, 8, ~0ULL);	/* too wide */
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FEDATA_REG, 4), 0ULL);
	KUNIT_EXPECT_EQ(test, st(f)->bad_mmio, bad + 7);
}

static void reg_rw1c_ics(struct kunit *test)
{
	struct fx *f = test->priv;

	enable(test, f);
	/* inv-wait, IF (bit 4): type 5 | 0x10 = 0x15. */
	iq_put(f, 0x15, 0);
	iq_go(f);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_ICS_REG, 4), 1ULL);
	rw(f, VTD_ICS_REG, 0);			/* writing 0 keeps it */
	KUNIT_EXPECT_EQ(test, rr(f, VTD_ICS_REG, 4), 1ULL);
	rw(f, VTD_ICS_REG, 1);			/* RW1C */
	KUNIT_EXPECT_EQ(test, rr(f, VTD_ICS_REG, 4), 0ULL);
}

/* ================= enable sequence ================= */

static void enable_srtp_latches(struct kunit *test)
{
	struct fx *f = test->priv;
	struct sim_xlate x;

	setup_ss(test, f, 0x1000, 0x5000, 1);
	rw(f, VTD_RTADDR_REG, f->rta | (1ULL << 10));
	KUNIT_EXPECT_EQ(test, rr(f, VTD_GSTS_REG, 4) & VTD_GSTS_RTPS, 0ULL);
	rw(f, VTD_GCMD_REG, VTD_GCMD_SRTP);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_GSTS_REG, 4), (u64)VTD_GSTS_RTPS);
	rw(f, VTD_GCMD_REG, VTD_GCMD_TE);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_GSTS_REG, 4),
			(u64)(VTD_GSTS_RTPS | VTD_GSTS_TES));
	/* A new RTADDR without SRTP is not used. */
	rw(f, VTD_RTADDR_REG, 0x7ff000 | (1ULL << 10));
	KUNIT_EXPECT_EQ(test, xlate(f, false, 0, 0x1234, VSVA_PERM_R, &x), 0);
	KUNIT_EXPECT_EQ(test, x.hpa, 0x5234ULL);
}

static void enable_qie_resets_iqh(struct kunit *test)
{
	struct fx *f = test->priv;

	enable(test, f);
	iq_put(f, 0x5, 0);			/* inv-wait, no action */
	iq_put(f, 0x5, 0);
	iq_go(f);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQH_REG, 8), 0x40ULL);	/* 2 * 32 */
	KUNIT_EXPECT_TRUE(test, rr(f, VTD_GSTS_REG, 4) & VTD_GSTS_QIES);
	rw(f, VTD_GCMD_REG, VTD_GCMD_TE);	/* QIE off */
	KUNIT_EXPECT_FALSE(test, rr(f, VTD_GSTS_REG, 4) & VTD_GSTS_QIES);
	rw(f, VTD_IQT_REG, 0);
	rw(f, VTD_GCMD_REG, VTD_GCMD_TE | VTD_GCMD_QIE);
	KUNIT_EXPECT_TRUE(test, rr(f, VTD_GSTS_REG, 4) & VTD_GSTS_QIES);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQH_REG, 8), 0ULL);
}

static void enable_te_passthrough_when_off(struct kunit *test)
{
	struct fx *f = test->priv;
	struct sim_xlate x;

	enable(test, f);
	rw(f, VTD_GCMD_REG, VTD_GCMD_QIE);	/* TE off */
	KUNIT_EXPECT_FALSE(test, rr(f, VTD_GSTS_REG, 4) & VTD_GSTS_TES);
	KUNIT_EXPECT_EQ(test, xlate(f, false, 0, 0xabc123, VSVA_PERM_W, &x), 0);
	KUNIT_EXPECT_EQ(test, x.hpa, 0xabc123ULL);
	KUNIT_EXPECT_EQ(test, st(f)->faults_recorded, 0ULL);
}

static void gcmd_one_command_at_a_time(struct kunit *test)
{
	struct fx *f = test->priv;

	rw(f, VTD_GCMD_REG, VTD_GCMD_TE | VTD_GCMD_QIE);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_GSTS_REG, 4), 0ULL);
	rw(f, VTD_GCMD_REG, VTD_GCMD_TE | VTD_GCMD_SRTP);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_GSTS_REG, 4), 0ULL);
	KUNIT_EXPECT_EQ(test, st(f)->gcmd_bad, 2ULL);
}

/* ================= translation ================= */

struct size_case {
	int leaf;
	u64 gpa, hpa, probe, want;
	u8 lg2;
	const char *name;
};

static const struct size_case size_cases[] = {
	/* 4K: 0x1000 -> 0x5000; 0x1abc -> 0x5abc */
	{ 1, 0x1000, 0x5000, 0x1abc, 0x5abc, 12, "4K" },
	/* 2M: 0x200000 -> 0x40000000; +0x12345 */
	{ 2, 0x200000, 0x40000000, 0x212345, 0x40012345, 21, "2M" },
	/* 1G: 0x40000000 -> 0x80000000; +0x123456 */
	{ 3, 0x40000000, 0x80000000, 0x40123456, 0x80123456, 30, "1G" },
};

static void size_desc(const struct size_case *c, char *d)
{
	strcpy(d, c->name);
}
KUNIT_ARRAY_PARAM(size, size_cases, size_desc);

static void xlate_ss_sizes(struct kunit *test)
{
	const struct size_case *c = test->param_value;
	struct fx *f = test->priv;
	struct sim_xlate x;

	setup_ss(test, f, c->gpa, c->hpa, c->leaf);
	enable(test, f);
	KUNIT_ASSERT_EQ(test, xlate(f, false, 0, c->probe, VSVA_PERM_R, &x), 0);
	KUNIT_EXPECT_EQ(test, x.hpa, c->want);
	KUNIT_EXPECT_EQ(test, x.size_lg2, c->lg2);
	KUNIT_EXPECT_TRUE(test, x.perm & VSVA_PERM_W);
}

static void xlate_fs_sizes(struct kunit *test)
{
	const struct size_case *c = test->param_value;
	struct fx *f = test->priv;
	struct sim_xlate x;
	u64 fs = page(test, f);

	pt_map(test, f, fs, 4, c->gpa, c->hpa, c->leaf);
	set_ctx(f, DEV_RID, true, true, true, 0);
	set_pe(f, PASID, VTD_PGTT_FS, 0, fs);
	enable(test, f);
	KUNIT_ASSERT_EQ(test, xlate(f, true, PASID, c->probe, VSVA_PERM_W, &x), 0);
	KUNIT_EXPECT_EQ(test, x.hpa, c->want);
	KUNIT_EXPECT_EQ(test, x.size_lg2, c->lg2);
	/* The walk set A and D in the leaf (bits 5, 6 = 0x60). */
	KUNIT_EXPECT_EQ(test, rd64(f, leaf_at(f, fs, 4, c->gpa, c->leaf)) & 0x60,
			0x60ULL);
}

static void xlate_nested(struct kunit *test)
{
	struct fx *f = test->priv;
	u64 fs = page(test, f), ss = page(test, f), data = page(test, f);
	u64 pages[8];
	struct sim_xlate x;
	int n = 0;

	/* FS (GPA-addressed tables): VA 0x7000 -> GPA 0x40000000. */
	pt_map(test, f, fs, 4, 0x7000, 0x40000000, 1);
	/* SS: identity for the FS table pages, GPA 0x40000000 -> data. */
	pages[n++] = fs;
	for (int l = 4; l > 1; l--) {
		u64 t = pages[n - 1];

		pages[n++] = rd64(f, t + 8 * ((0x7000ULL >> (12 + 9 * (l - 1))) &
					   511)) & GENMASK_ULL(51, 12);
	}
	for (int i = 0; i < n; i++)
		pt_map(test, f, ss, 4, pages[i], pages[i], 1);
	pt_map(test, f, ss, 4, 0x40000000, data, 1);
	set_ctx(f, DEV_RID, true, true, true, 0);
	set_pe(f, PASID, VTD_PGTT_NESTED, ss, fs);
	enable(test, f);
	KUNIT_ASSERT_EQ(test, xlate(f, true, PASID, 0x7abc, VSVA_PERM_R, &x), 0);
	KUNIT_EXPECT_EQ(test, x.hpa, data + 0xabc);
	/* An unmapped GPA in the second stage: SS not present (0x79). */
	pt_map(test, f, fs, 4, 0x8000, 0x50000000, 1);
	KUNIT_EXPECT_EQ(test, xlate(f, true, PASID, 0x8000, VSVA_PERM_R, &x),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, x.fault, 0x79);
}

static void xlate_pass_through(struct kunit *test)
{
	struct fx *f = test->priv;
	struct sim_xlate x;

	set_ctx(f, DEV_RID, true, true, true, 0);
	set_pe(f, 0, VTD_PGTT_PT, 0, 0);
	enable(test, f);
	KUNIT_ASSERT_EQ(test, xlate(f, false, 0, 0x123456789, VSVA_PERM_W, &x), 0);
	KUNIT_EXPECT_EQ(test, x.hpa, 0x123456789ULL);
}

static void xlate_rid_pasid(struct kunit *test)
{
	struct fx *f = test->priv;
	struct sim_xlate x;
	u64 ss = page(test, f);

	pt_map(test, f, ss, 4, 0x3000, 0x9000, 1);
	set_ctx(f, DEV_RID, false, false, false, 77);	/* RID_PASID 77 */
	set_pe(f, 77, VTD_PGTT_SS, ss, 0);
	enable(test, f);
	KUNIT_ASSERT_EQ(test, xlate(f, false, 0, 0x3008, VSVA_PERM_R, &x), 0);
	KUNIT_EXPECT_EQ(test, x.hpa, 0x9008ULL);
	/* The same entry is not reachable with a PASID: PASIDE clear. */
	KUNIT_EXPECT_EQ(test, xlate(f, true, 77, 0x3008, VSVA_PERM_R, &x),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, x.fault, 0x45);
}

/* ================= table faults, end to end into an FRCD ============ */

struct tfault {
	const char *name;
	u8 fr;
	bool pp;
	void (*breakit)(struct kunit *test, struct fx *f);
};

static void br_root_np(struct kunit *test, struct fx *f)
{
	wr64(f, f->rta + 16 * 1, 0);			/* bus 1: LP clear */
}

static void br_root_rsvd(struct kunit *test, struct fx *f)
{
	wr64(f, f->rta + 16 * 1, rd64(f, f->rta + 16) | BIT_ULL(3));
}

static void br_ctx_np(struct kunit *test, struct fx *f)
{
	u64 ctp = rd64(f, f->rta + 16) & GENMASK_ULL(63, 12);

	wr64(f, ctp, rd64(f, ctp) & ~1ULL);		/* devfn 0 */
}

static void br_ctx_rsvd(struct kunit *test, struct fx *f)
{
	u64 ctp = rd64(f, f->rta + 16) & GENMASK_ULL(63, 12);

	wr64(f, ctp + 16, 1);				/* qword 2 reserved */
}

static void br_paside(struct kunit *test, struct fx *f)
{
	set_ctx(f, DEV_RID, false, true, true, 0);
}

static void br_pdir_np(struct kunit *test, struct fx *f)
{
	wr64(f, f->dir, rd64(f, f->dir) & ~1ULL);
}

static void br_pdir_rsvd(struct kunit *test, struct fx *f)
{
	wr64(f, f->dir, rd64(f, f->dir) | BIT_ULL(5));	/* 11:2 reserved */
}

static void br_pe_np(struct kunit *test, struct fx *f)
{
	wr64(f, pe_addr(f, PASID), rd64(f, pe_addr(f, PASID)) & ~1ULL);
}

static void br_pe_rsvd(struct kunit *test, struct fx *f)
{
	wr64(f, pe_addr(f, PASID) + 24, 1);		/* qword 3 reserved */
}

static void br_pe_pgtt(struct kunit *test, struct fx *f)
{
	/* PGTT 8:6 = 101b (reserved): 0x140 */
	wr64(f, pe_addr(f, PASID), (rd64(f, pe_addr(f, PASID)) &
				   ~GENMASK_ULL(8, 6)) | 0x140);
}

static const struct tfault tfaults[] = {
	{ "root not present", 0x39, true, br_root_np },
	{ "root reserved", 0x3a, true, br_root_rsvd },
	{ "context not present", 0x41, true, br_ctx_np },
	{ "context reserved", 0x42, true, br_ctx_rsvd },
	{ "PASIDE clear", 0x45, true, br_paside },
	{ "PASID dir not present", 0x51, true, br_pdir_np },
	{ "PASID dir reserved", 0x52, true, br_pdir_rsvd },
	{ "PASID entry not present", 0x59, true, br_pe_np },
	{ "PASID entry reserved", 0x5a, true, br_pe_rsvd },
	{ "PASID entry PGTT", 0x5b, true, br_pe_pgtt },
	{ "RID_PASID entry not present", 0x59, false, br_pe_np },
};

static void tfault_desc(const struct tfault *t, char *d)
{
	strcpy(d, t->name);
}
KUNIT_ARRAY_PARAM(tfault, tfaults, tfault_desc);

static void fault_table_levels(struct kunit *test)
{
	const struct tfault *t = test->param_value;
	struct fx *f = test->priv;
	struct sim_xlate x;
	u64 ss = page(test, f);

	pt_map(test, f, ss, 4, 0x1000, 0x5000, 1);
	/* RID_PASID = PASID, so both kinds of request use the same entry. */
	set_ctx(f, DEV_RID, true, true, true, PASID);
	set_pe(f, PASID, VTD_PGTT_SS, ss, 0);
	enable(test, f);
	t->breakit(test, f);
	KUNIT_EXPECT_EQ(test, xlate(f, t->pp, PASID, 0x1234, VSVA_PERM_R, &x),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, x.fault, t->fr);
	KUNIT_EXPECT_TRUE(test, x.recorded);
	/* FSTS: PPF (bit 1), FRI 0. */
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FSTS_REG, 4), 0x2ULL);
	/* FRCD0 lo: FI = 0x1000 (page of 0x1234). */
	KUNIT_EXPECT_EQ(test, rr(f, 0x600, 8), 0x1000ULL);
	/*
	 * FRCD0 hi: F (63) | T1 read (62) | PV 5 (59:40) if PP | FR (39:32)
	 * | PP (31) | SID 0x0100: 5 << 40 = 0x50000000000, so with PASID
	 * 0xc000050000000000 |
	 * fr << 32 | 0x80000000 | 0x100.
	 */
	KUNIT_EXPECT_EQ(test, rr(f, 0x608, 8),
			(t->pp ? 0xc000050080000100ULL : 0xc000000000000100ULL) |
			(u64)t->fr << 32);
	KUNIT_EXPECT_EQ(test, st(f)->faults_recorded, 1ULL);
}

static void fault_ats_dte_clear(struct kunit *test)
{
	struct fx *f = test->priv;
	struct sim_dma_req r = { .rid = DEV_RID, .pasid_present = true,
				 .pasid = PASID, .addr = 0x2000,
				 .access = VSVA_PERM_R };
	struct sim_xlate x;
	u64 ss = page(test, f);

	pt_map(test, f, ss, 4, 0x1000, 0x5000, 1);
	set_ctx(f, DEV_RID, true, false, true, 0);	/* DTE clear */
	set_pe(f, PASID, VTD_PGTT_SS, ss, 0);
	enable(test, f);
	KUNIT_EXPECT_EQ(test, sim_iommu_ats_translate(f->it, &r, &x), -EPERM);
	KUNIT_EXPECT_EQ(test, x.fault, 0x44);
	/* FR 0x44, AT 01b (61:60) for a translation request, PV 5, PP. */
	KUNIT_EXPECT_EQ(test, rr(f, 0x608, 8), 0xd000054480000100ULL);
}

static void ats_not_present_answers_zero(struct kunit *test)
{
	struct fx *f = test->priv;
	struct sim_dma_req r = { .rid = DEV_RID, .pasid_present = true,
				 .pasid = PASID, .addr = 0x2000,
				 .access = VSVA_PERM_W };
	struct sim_xlate x;
	u64 ss = page(test, f);

	pt_map(test, f, ss, 4, 0x1000, 0x5000, 1);
	set_ctx(f, DEV_RID, true, true, true, 0);
	set_pe(f, PASID, VTD_PGTT_SS, ss, 0);
	enable(test, f);
	KUNIT_EXPECT_EQ(test, sim_iommu_ats_translate(f->it, &r, &x), 0);
	KUNIT_EXPECT_EQ(test, x.perm, 0);
	KUNIT_EXPECT_EQ(test, st(f)->faults_recorded, 0ULL);
	r.addr = 0x1000;
	KUNIT_EXPECT_EQ(test, sim_iommu_ats_translate(f->it, &r, &x), 0);
	KUNIT_EXPECT_EQ(test, x.hpa, 0x5000ULL);
	KUNIT_EXPECT_EQ(test, x.perm & VSVA_PERM_RW, VSVA_PERM_RW);
	/* Read-only page (SS leaf R only): a write request gets R. */
	wr64(f, leaf_addr(f, ss, 4, 0x1000), 0x5000 | 1);
	r.addr = 0x1000;
	/* fresh PASID so no IOTLB entry: use the invalidation path instead */
	vsva_inv_iotlb_global(sim_iommu_caches(f->it));
	KUNIT_EXPECT_EQ(test, sim_iommu_ats_translate(f->it, &r, &x), 0);
	KUNIT_EXPECT_EQ(test, x.perm & VSVA_PERM_RW, VSVA_PERM_R);
}

static void fault_page_request_pre_clear(struct kunit *test)
{
	struct fx *f = test->priv;
	struct sim_page_req pr = { .rid = DEV_RID, .pasid_present = true,
				   .pasid = PASID, .addr = 0x7000, .r = true,
				   .lpig = true, .prg_index = 9 };

	set_ctx(f, DEV_RID, true, true, false, 0);	/* PRE clear */
	enable(test, f);
	KUNIT_EXPECT_EQ(test, sim_iommu_page_request(f->it, &pr), -EPERM);
	/* FR 0x47, T2 (bit 28) page request, PV 5, PP, SID 0x100, read. */
	KUNIT_EXPECT_EQ(test, rr(f, 0x608, 8), 0xc000054790000100ULL);
	KUNIT_EXPECT_EQ(test, f->responses, 1u);
	KUNIT_EXPECT_EQ(test, f->resp_code, VTD_PRG_RESP_INVALID);
	KUNIT_EXPECT_EQ(test, f->resp_prgi, 9);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_PQT_REG, 8), 0ULL);	/* nothing queued */
}

static void fault_legacy_ttm(struct kunit *test)
{
	struct fx *f = test->priv;
	struct sim_xlate x;

	setup_ss(test, f, 0x1000, 0x5000, 1);
	enable(test, f);
	rw(f, VTD_RTADDR_REG, f->rta);		/* TTM = 00b */
	rw(f, VTD_GCMD_REG, VTD_GCMD_QIE | VTD_GCMD_TE | VTD_GCMD_SRTP);
	KUNIT_EXPECT_EQ(test, xlate(f, true, PASID, 0x1000, VSVA_PERM_R, &x),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, x.fault, 0x31);	/* TTM 0, request with PASID */
}

/* ================= fault recording ================= */

static void make_faults(struct fx *f, int n)
{
	struct sim_xlate x;

	for (int i = 0; i < n; i++)
		xlate(f, false, 0, 0x100000ULL * (i + 1), VSVA_PERM_R, &x);
}

static void fault_overflow(struct kunit *test)
{
	struct fx *f = test->priv;

	setup_ss(test, f, 0x1000, 0x5000, 1);
	enable(test, f);
	make_faults(f, 9);				/* 8 records */
	KUNIT_EXPECT_EQ(test, st(f)->faults_recorded, 8ULL);
	KUNIT_EXPECT_EQ(test, st(f)->fault_overflows, 1ULL);
	/* PFO (0) | PPF (1), FRI 0. */
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FSTS_REG, 4), 0x3ULL);
	/* Record 7 holds the 8th fault (0x800000); nothing overwrote it. */
	KUNIT_EXPECT_EQ(test, rr(f, 0x600 + 7 * 16, 8), 0x800000ULL);
	KUNIT_EXPECT_EQ(test, rr(f, 0x600, 8), 0x100000ULL);
	/* Clear F of records 0..7 (dword 3, bit 31) and PFO. */
	for (int i = 0; i < 8; i++)
		sim_iommu_write(f->it, 0x600 + 16 * i + 12, 4, 0x80000000);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FSTS_REG, 4), 0x1ULL);	/* PFO left */
	make_faults(f, 1);				/* dropped: PFO */
	KUNIT_EXPECT_EQ(test, st(f)->fault_overflows, 2ULL);
	rw(f, VTD_FSTS_REG, VTD_FSTS_PFO);
	make_faults(f, 2);
	/* Index restarts at 0 once PPF and PFO were clear; FRI 0. */
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FSTS_REG, 4), 0x2ULL);
	KUNIT_EXPECT_EQ(test, rr(f, 0x610, 8), 0x200000ULL);
}

static void fault_fri_points_at_first(struct kunit *test)
{
	struct fx *f = test->priv;

	setup_ss(test, f, 0x1000, 0x5000, 1);
	enable(test, f);
	make_faults(f, 3);			/* records 0, 1, 2 */
	sim_iommu_write(f->it, 0x600 + 12, 4, 0x80000000);	/* clear 0 */
	sim_iommu_write(f->it, 0x610 + 12, 4, 0x80000000);	/* clear 1 */
	sim_iommu_write(f->it, 0x620 + 12, 4, 0x80000000);	/* clear 2 */
	make_faults(f, 1);	/* PPF was clear: index restarts at 0 */
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FSTS_REG, 4), 0x2ULL);
	make_faults(f, 1);	/* goes to 1, FRI stays 0 */
	sim_iommu_write(f->it, 0x600 + 12, 4, 0x80000000);
	make_faults(f, 1);	/* record 2; PPF still set: FRI unchanged */
	/* FRI (15:8) 0 | PPF. */
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FSTS_REG, 4), 0x2ULL);
	KUNIT_EXPECT_EQ(test, rr(f, 0x628, 8) >> 63, 1ULL);
}

struct fpd_case {
	const char *name;
	int where;	/* 0 context, 1 PASID dir, 2 PASID entry */
};

static const struct fpd_case fpd_cases[] = {
	{ "context FPD", 0 }, { "PASID dir FPD", 1 }, { "PASID entry FPD", 2 },
};

static void fpd_desc(const struct fpd_case *c, char *d)
{
	strcpy(d, c->name);
}
KUNIT_ARRAY_PARAM(fpd, fpd_cases, fpd_desc);

static void fault_fpd_suppresses(struct kunit *test)
{
	const struct fpd_case *c = test->param_value;
	struct fx *f = test->priv;
	struct sim_xlate x;
	u64 ctp;

	setup_ss(test, f, 0x1000, 0x5000, 1);
	enable(test, f);
	ctp = rd64(f, f->rta + 16) & GENMASK_ULL(63, 12);
	if (c->where == 0)
		wr64(f, ctp, rd64(f, ctp) | 2);		/* FPD, bit 1 */
	else if (c->where == 1)
		wr64(f, f->dir, rd64(f, f->dir) | 2);
	else
		wr64(f, pe_addr(f, 0), rd64(f, pe_addr(f, 0)) | 2);
	KUNIT_EXPECT_EQ(test, xlate(f, false, 0, 0x9000, VSVA_PERM_R, &x),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, x.fault, 0x79);		/* SS not present */
	KUNIT_EXPECT_FALSE(test, x.recorded);
	KUNIT_EXPECT_EQ(test, st(f)->faults_suppressed, 1ULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FSTS_REG, 4), 0ULL);
	KUNIT_EXPECT_EQ(test, f->irqs[SIM_IOMMU_IRQ_FAULT], 0u);
}

static void fault_irq_masking(struct kunit *test)
{
	struct fx *f = test->priv;

	setup_ss(test, f, 0x1000, 0x5000, 1);
	enable(test, f);
	rw(f, VTD_FEDATA_REG, 0x4021);
	/* IM set (reset value): no message, IP (30) set. */
	make_faults(f, 1);
	KUNIT_EXPECT_EQ(test, f->irqs[SIM_IOMMU_IRQ_FAULT], 0u);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FECTL_REG, 4), 0xc0000000ULL);
	rw(f, VTD_FECTL_REG, 0);			/* unmask: fires */
	KUNIT_EXPECT_EQ(test, f->irqs[SIM_IOMMU_IRQ_FAULT], 1u);
	KUNIT_EXPECT_EQ(test, f->irq_data[SIM_IOMMU_IRQ_FAULT], 0x4021u);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FECTL_REG, 4), 0ULL);
	/* PPF still set: a second fault is no new event. */
	make_faults(f, 1);
	KUNIT_EXPECT_EQ(test, f->irqs[SIM_IOMMU_IRQ_FAULT], 1u);
	/* Service both records; the next fault is a new event. */
	sim_iommu_write(f->it, 0x600 + 12, 4, 0x80000000);
	sim_iommu_write(f->it, 0x610 + 12, 4, 0x80000000);
	make_faults(f, 1);
	KUNIT_EXPECT_EQ(test, f->irqs[SIM_IOMMU_IRQ_FAULT], 2u);
}

/* ================= invalidation queue ================= */

/* SS mapping for PASID (and RID_PASID 0), cached by one translation. */
static u64 cached_ss(struct kunit *test, struct fx *f, u64 *ss)
{
	struct sim_xlate x;

	*ss = page(test, f);
	pt_map(test, f, *ss, 4, 0x1000, 0x5000, 1);
	set_ctx(f, DEV_RID, true, true, true, 0);
	set_pe(f, PASID, VTD_PGTT_SS, *ss, 0);
	enable(test, f);
	KUNIT_EXPECT_EQ(test, xlate(f, true, PASID, 0x1000, VSVA_PERM_R, &x), 0);
	KUNIT_EXPECT_EQ(test, x.hpa, 0x5000ULL);
	/* Remap 0x1000 -> 0x6000 in memory only. */
	wr64(f, leaf_addr(f, *ss, 4, 0x1000), 0x6000 | PT_TBL);
	return leaf_addr(f, *ss, 4, 0x1000);
}

static u64 hpa_of(struct fx *f, u64 addr)
{
	struct sim_xlate x;

	if (xlate(f, true, PASID, addr, VSVA_PERM_R, &x))
		return ~0ULL;
	return x.hpa;
}

static void iq_piotlb_changes_translation(struct kunit *test)
{
	struct fx *f = test->priv;
	u64 ss;

	cached_ss(test, f, &ss);
	KUNIT_EXPECT_EQ(test, hpa_of(f, 0x1000), 0x5000ULL);	/* stale */
	/* P_IOTLB PASID-selective, wrong PASID 6: 0x26 | DID 7 << 16 | 6 << 32 */
	iq_put(f, 0x0000000600070026ULL, 0);
	iq_go(f);
	KUNIT_EXPECT_EQ(test, hpa_of(f, 0x1000), 0x5000ULL);
	/*
	 * Page-selective, PASID 5, addr 0x1000, AM 0: G 3 -> 0x36.  The
	 * entry is second-stage only, tagged by DID: a PASID-based
	 * invalidation leaves it (6.5.2.4).
	 */
	iq_put(f, 0x0000000500070036ULL, 0x1000);
	iq_go(f);
	KUNIT_EXPECT_EQ(test, hpa_of(f, 0x1000), 0x5000ULL);
	/* IOTLB page-selective: type 2, G 3 -> 0x32 | DID 7 << 16. */
	iq_put(f, 0x0000000000070032ULL, 0x1000);
	iq_go(f);
	KUNIT_EXPECT_EQ(test, hpa_of(f, 0x1000), 0x6000ULL);
	KUNIT_EXPECT_EQ(test, st(f)->iq_descs, 3ULL);
}

static void iq_piotlb_first_stage(struct kunit *test)
{
	struct fx *f = test->priv;
	u64 fs = page(test, f);

	pt_map(test, f, fs, 4, 0x1000, 0x5000, 1);
	set_ctx(f, DEV_RID, true, true, true, 0);
	set_pe(f, PASID, VTD_PGTT_FS, 0, fs);
	enable(test, f);
	KUNIT_EXPECT_EQ(test, hpa_of(f, 0x1000), 0x5000ULL);
	wr64(f, leaf_addr(f, fs, 4, 0x1000), 0x6000 | PT_TBL);
	KUNIT_EXPECT_EQ(test, hpa_of(f, 0x1000), 0x5000ULL);
	/* Page-selective 0x36, PASID 6: another PASID's entries only. */
	iq_put(f, 0x0000000600070036ULL, 0x1000);
	iq_go(f);
	KUNIT_EXPECT_EQ(test, hpa_of(f, 0x1000), 0x5000ULL);
	/* PASID 5. */
	iq_put(f, 0x0000000500070036ULL, 0x1000);
	iq_go(f);
	KUNIT_EXPECT_EQ(test, hpa_of(f, 0x1000), 0x6000ULL);
}

static void iq_iotlb_domain(struct kunit *test)
{
	struct fx *f = test->priv;
	u64 ss;

	cached_ss(test, f, &ss);
	/* IOTLB domain-selective DID 8: type 2, G 2 -> 0x22 | 8 << 16. */
	iq_put(f, 0x0000000000080022ULL, 0);
	iq_go(f);
	KUNIT_EXPECT_EQ(test, hpa_of(f, 0x1000), 0x5000ULL);
	/* DID 7: 0x70022. */
	iq_put(f, 0x0000000000070022ULL, 0);
	iq_go(f);
	KUNIT_EXPECT_EQ(test, hpa_of(f, 0x1000), 0x6000ULL);
}

static void iq_pasid_cache(struct kunit *test)
{
	struct fx *f = test->priv;
	u64 ss;

	cached_ss(test, f, &ss);
	/* PASID entry made not present in memory: still cached. */
	wr64(f, pe_addr(f, PASID), rd64(f, pe_addr(f, PASID)) & ~1ULL);
	iq_put(f, 0x12, 0);			/* IOTLB global (type 2, G 1) */
	iq_go(f);
	KUNIT_EXPECT_EQ(test, hpa_of(f, 0x1000), 0x6000ULL);
	/* PC PASID-selective: type 7, G 1 -> 0x17 | DID 7 << 16 | 5 << 32. */
	iq_put(f, 0x0000000500070017ULL, 0);
	iq_go(f);
	KUNIT_EXPECT_EQ(test, hpa_of(f, 0x1000), ~0ULL);
	KUNIT_EXPECT_EQ(test, rr(f, 0x608, 8) >> 32 & 0xff, 0x59ULL);
}

static void iq_context_cache(struct kunit *test)
{
	struct fx *f = test->priv;
	u64 ss, ctp;

	cached_ss(test, f, &ss);
	ctp = rd64(f, f->rta + 16) & GENMASK_ULL(63, 12);
	wr64(f, ctp, rd64(f, ctp) & ~1ULL);	/* context not present */
	iq_put(f, 0x37, 0);			/* PC global (G 3) */
	iq_put(f, 0x12, 0);			/* IOTLB global */
	iq_go(f);
	KUNIT_EXPECT_EQ(test, hpa_of(f, 0x1000), 0x6000ULL);
	/* CC device-selective: type 1, G 3 -> 0x31, SID 0x0100 << 32. */
	iq_put(f, 0x0000010000000031ULL, 0);
	iq_go(f);
	KUNIT_EXPECT_EQ(test, hpa_of(f, 0x1000), ~0ULL);
	KUNIT_EXPECT_EQ(test, rr(f, 0x608, 8) >> 32 & 0xff, 0x41ULL);
}

static void iq_wait_status_and_irq(struct kunit *test)
{
	struct fx *f = test->priv;
	u64 status;
	u32 v = 0;

	enable(test, f);
	status = page(test, f);
	rw(f, VTD_IEDATA_REG, 0x99);
	rw(f, VTD_IECTL_REG, 0);		/* unmask */
	/* inv-wait SW (5) | IF (4): 0x35 | data 0xabcd << 32. */
	iq_put(f, 0x0000abcd00000035ULL, status + 8);
	iq_go(f);
	sim_mem_read(f->m, VSVA_AS_HPA, status + 8, &v, 4);
	KUNIT_EXPECT_EQ(test, v, 0xabcdu);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_ICS_REG, 4), 1ULL);
	KUNIT_EXPECT_EQ(test, f->irqs[SIM_IOMMU_IRQ_INV], 1u);
	KUNIT_EXPECT_EQ(test, f->irq_data[SIM_IOMMU_IRQ_INV], 0x99u);
	/* Masked: IP instead, fired on unmask. */
	rw(f, VTD_ICS_REG, 1);
	rw(f, VTD_IECTL_REG, 0x80000000);
	iq_put(f, 0x15, 0);
	iq_go(f);
	KUNIT_EXPECT_EQ(test, f->irqs[SIM_IOMMU_IRQ_INV], 1u);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IECTL_REG, 4), 0xc0000000ULL);
	rw(f, VTD_IECTL_REG, 0);
	KUNIT_EXPECT_EQ(test, f->irqs[SIM_IOMMU_IRQ_INV], 2u);
	KUNIT_EXPECT_EQ(test, st(f)->inv_waits, 2ULL);
}

static void iq_wait_after_devtlb(struct kunit *test)
{
	struct fx *f = test->priv;
	u64 status;
	u32 v = 0;

	enable(test, f);
	status = page(test, f);
	f->watch_addr = status;
	/* devTLB inv: type 3, SID 0x0100 << 32; ADDR 0x40000, S 0 (4K). */
	iq_put(f, 0x0000010000000003ULL, 0x40000);
	/* PASID devTLB: type 8, SID 0x0100 << 16, PASID 5 << 32; S (75)
	 * with ADDR bit 12 clear: 8K at 0x80000 -> qw1 0x80800. */
	iq_put(f, 0x0000000501000008ULL, 0x80800);
	iq_put(f, 0x0000000100000025ULL, status);	/* SW, data 1 */
	rw(f, VTD_IQT_REG, f->iq_tail);
	KUNIT_EXPECT_EQ(test, f->devtlb, 0u);	/* not before the latency */
	sim_run(&f->s, 0);
	KUNIT_EXPECT_EQ(test, f->s.now, f->cfg.iq_latency_ns);
	KUNIT_EXPECT_EQ(test, f->devtlb, 2u);
	KUNIT_EXPECT_EQ(test, f->watched, 0u);	/* status not yet written */
	sim_mem_read(f->m, VSVA_AS_HPA, status, &v, 4);
	KUNIT_EXPECT_EQ(test, v, 1u);
	KUNIT_EXPECT_TRUE(test, f->inv_pasid_valid);
	KUNIT_EXPECT_EQ(test, f->inv_pasid, 5u);
	KUNIT_EXPECT_EQ(test, f->inv_addr, 0x80000ULL);
	KUNIT_EXPECT_EQ(test, f->inv_lg2, 13);
}

static void iq_128bit_queue(struct kunit *test)
{
	struct fx *f = test->priv;
	u64 status;
	u32 v = 0;

	enable(test, f);
	iq_setup(test, f, false, 0);
	status = page(test, f);
	iq_put(f, 0x11, 0);				/* CC global */
	iq_put(f, 0x0000000700000025ULL, status);	/* SW, data 7 */
	iq_go(f);
	sim_mem_read(f->m, VSVA_AS_HPA, status, &v, 4);
	KUNIT_EXPECT_EQ(test, v, 7u);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQH_REG, 8), 0x20ULL);	/* 2 * 16 */
	/* A PASID-cache invalidation needs 256 bits: IQEI 5. */
	iq_put(f, 0x37, 0);
	iq_go(f);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FSTS_REG, 4), (u64)VTD_FSTS_IQE);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQERCD_REG, 8), 5ULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQH_REG, 8), 0x20ULL);
}

static void iq_wraparound(struct kunit *test)
{
	struct fx *f = test->priv;
	u64 status;
	u32 v = 0;

	enable(test, f);			/* 256-bit, 4K: 128 slots */
	status = page(test, f);
	for (u32 round = 1; round <= 5; round++) {
		for (int i = 0; i < 50; i++)
			iq_put(f, 0x25 | (u64)(round * 1000 + i) << 32, status);
		iq_go(f);
		sim_mem_read(f->m, VSVA_AS_HPA, status, &v, 4);
		KUNIT_EXPECT_EQ(test, v, round * 1000 + 49);
	}
	/* 250 descriptors of 32 bytes: (250 * 32) % 4096 = 3904 = 0xf40. */
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQH_REG, 8), 0xf40ULL);
	KUNIT_EXPECT_EQ(test, st(f)->inv_waits, 250ULL);
}

struct bad_desc {
	const char *name;
	u64 q0, q1;
	u8 iqei;
};

static const struct bad_desc bad_descs[] = {
	{ "type 0", 0x0, 0, 3 },
	{ "type 0xa (page stream response)", 0xa, 0, 3 },
	{ "type high bits (bit 9)", 0x205, 0, 3 },
	{ "type 0xf", 0xf, 0, 3 },
	/* inv-wait bit 8 reserved */
	{ "wait reserved bit", 0x105, 0, 4 },
	/* IOTLB G = 0 (reserved granularity) */
	{ "iotlb G 0", 0x02, 0, 4 },
	/* P_IOTLB page, AM 19 > MAMV 18 (qw1 5:0), ADDR aligned */
	{ "piotlb AM above MAMV", 0x36, 0x13, 4 },
	/* P_IOTLB page, AM 1 with ADDR 0x1000 not 8K aligned */
	{ "piotlb misaligned", 0x36, 0x1001, 4 },
	/* PC G = 2 (reserved) */
	{ "pasid-cache G 2", 0x27, 0, 4 },
	/* page group response code 2 (not defined) */
	{ "page response code", 0x2009, 0, 4 },
	/* CC reserved bit 63 */
	{ "cc reserved", 0x8000000000000011ULL, 0, 4 },
};

static void bad_desc_desc(const struct bad_desc *b, char *d)
{
	strcpy(d, b->name);
}
KUNIT_ARRAY_PARAM(bad_desc, bad_descs, bad_desc_desc);

static void iq_malformed(struct kunit *test)
{
	const struct bad_desc *b = test->param_value;
	struct fx *f = test->priv;

	enable(test, f);
	iq_put(f, 0x5, 0);			/* one good wait first */
	iq_put(f, b->q0, b->q1);
	iq_put(f, 0x5, 0);
	iq_go(f);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FSTS_REG, 4), (u64)VTD_FSTS_IQE);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQERCD_REG, 8), (u64)b->iqei);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQH_REG, 8), 0x20ULL);	/* stopped */
	KUNIT_EXPECT_EQ(test, st(f)->iq_errors, 1ULL);
	KUNIT_EXPECT_EQ(test, st(f)->iqe_by_iqei[b->iqei], 1ULL);
	KUNIT_EXPECT_EQ(test, st(f)->iq_descs, 1ULL);
}

static void iq_bad_tail(struct kunit *test)
{
	struct fx *f = test->priv;

	enable(test, f);
	/* Bit 4 set with DW = 1: not a 256-bit boundary. */
	rw(f, VTD_IQT_REG, 0x30);
	sim_run(&f->s, 0);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FSTS_REG, 4), (u64)VTD_FSTS_IQE);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQERCD_REG, 8), 1ULL);
	rw(f, VTD_IQT_REG, 0);
	rw(f, VTD_FSTS_REG, VTD_FSTS_IQE);
	/* Beyond a one-page queue (QS 0): 0x1000. */
	rw(f, VTD_IQT_REG, 0x1000);
	sim_run(&f->s, 0);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQERCD_REG, 8), 1ULL);
	KUNIT_EXPECT_EQ(test, st(f)->iqe_by_iqei[1], 2ULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQH_REG, 8), 0ULL);
}

static void iq_fetch_error(struct kunit *test)
{
	struct fx *f = test->priv;

	enable(test, f);
	rw(f, VTD_GCMD_REG, VTD_GCMD_TE);		/* QIE off */
	rw(f, VTD_IQA_REG, 0x3f000000000ULL | BIT_ULL(11));	/* unbacked */
	rw(f, VTD_GCMD_REG, VTD_GCMD_TE | VTD_GCMD_QIE);
	rw(f, VTD_IQT_REG, 0x20);
	sim_run(&f->s, 0);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQERCD_REG, 8), 2ULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQH_REG, 8), 0ULL);
}

static void iq_recovery(struct kunit *test)
{
	struct fx *f = test->priv;
	u64 status;
	u32 v = 0;

	enable(test, f);
	status = page(test, f);
	iq_put(f, 0x0, 0);				/* bad: type 0 */
	iq_put(f, 0x0000000200000025ULL, status);	/* SW, data 2 */
	iq_go(f);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQH_REG, 8), 0ULL);
	/* IQE is a fault event: masked at reset, so IP (30) is pending. */
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FECTL_REG, 4), 0xc0000000ULL);
	sim_mem_read(f->m, VSVA_AS_HPA, status, &v, 4);
	KUNIT_EXPECT_EQ(test, v, 0u);
	/* Software rewrites the bad slot (as Linux does) and clears IQE. */
	wr64(f, f->iq, 0x5);
	rw(f, VTD_FSTS_REG, VTD_FSTS_IQE);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FECTL_REG, 4), 0x80000000ULL);
	sim_run(&f->s, 0);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FSTS_REG, 4), 0ULL);
	sim_mem_read(f->m, VSVA_AS_HPA, status, &v, 4);
	KUNIT_EXPECT_EQ(test, v, 2u);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQH_REG, 8), 0x40ULL);
}

static void iq_devtlb_timeout(struct kunit *test)
{
	struct fx *f = test->priv;
	u64 status;
	u32 v = 0;

	enable(test, f);
	status = page(test, f);
	sim_iommu_inject_devtlb_error(f->it, DEV_RID, SIM_DEVTLB_TIMEOUT, 1);
	iq_put(f, 0x0000010000000003ULL, 0x40000);
	iq_put(f, 0x0000000300000025ULL, status);	/* SW, data 3 */
	iq_go(f);
	/* ITE (bit 6); ITESID 0x0100 at 47:32. */
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FSTS_REG, 4), (u64)VTD_FSTS_ITE);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQERCD_REG, 8), 0x0000010000000000ULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQH_REG, 8), 0x20ULL);
	rw(f, VTD_FSTS_REG, VTD_FSTS_ITE);
	sim_run(&f->s, 0);
	sim_mem_read(f->m, VSVA_AS_HPA, status, &v, 4);
	KUNIT_EXPECT_EQ(test, v, 0u);			/* aborted */
	KUNIT_EXPECT_EQ(test, st(f)->waits_aborted, 1ULL);
	/* A new wait completes normally. */
	iq_put(f, 0x0000000400000025ULL, status);
	iq_go(f);
	sim_mem_read(f->m, VSVA_AS_HPA, status, &v, 4);
	KUNIT_EXPECT_EQ(test, v, 4u);
}

static void iq_devtlb_bad_completion(struct kunit *test)
{
	struct fx *f = test->priv;

	enable(test, f);
	sim_iommu_inject_devtlb_error(f->it, DEV_RID,
				      SIM_DEVTLB_BAD_COMPLETION, 1);
	iq_put(f, 0x0000010000000003ULL, 0x40000);
	iq_put(f, 0x5, 0);
	iq_go(f);
	/* ICE (bit 5), ICESID 0x0100 at 63:48; processing went on. */
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FSTS_REG, 4), (u64)VTD_FSTS_ICE);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQERCD_REG, 8), 0x0100000000000000ULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_IQH_REG, 8), 0x40ULL);
}

static void iq_iec_accepted(struct kunit *test)
{
	struct fx *f = test->priv;

	enable(test, f);
	iq_put(f, 0x4, 0);			/* IEC global */
	iq_go(f);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_FSTS_REG, 4), 0ULL);
	KUNIT_EXPECT_EQ(test, st(f)->iec_invs, 1ULL);
}

/* ================= page requests ================= */

static void prq_request_written(struct kunit *test)
{
	struct fx *f = test->priv;
	struct sim_page_req pr = { .rid = DEV_RID, .pasid_present = true,
				   .pasid = PASID, .addr = 0x7000, .r = true,
				   .w = true, .lpig = true, .prg_index = 3 };

	set_ctx(f, DEV_RID, true, true, true, 0);
	enable(test, f);
	rw(f, VTD_PEDATA_REG, 0x77);
	rw(f, VTD_PECTL_REG, 0);
	KUNIT_EXPECT_EQ(test, sim_iommu_page_request(f->it, &pr), 0);
	/*
	 * qw0: type 1 | PP (8) 0x100 | RID 0x0100 << 16 | PASID 5 << 32
	 *    = 0x0000000501000101
	 * qw1: RDR (64) 1 | WRR (65) 2 | LPIG (66) 4 | PRGI 3 << 3 (75:67)
	 *      0x18 | ADDR 0x7000 = 0x701f
	 */
	KUNIT_EXPECT_EQ(test, rd64(f, f->prq), 0x0000000501000101ULL);
	KUNIT_EXPECT_EQ(test, rd64(f, f->prq + 8), 0x701fULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_PQT_REG, 8), 0x20ULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_PRS_REG, 4), 1ULL);	/* PPR */
	KUNIT_EXPECT_EQ(test, f->irqs[SIM_IOMMU_IRQ_PRQ], 1u);
	KUNIT_EXPECT_EQ(test, f->irq_data[SIM_IOMMU_IRQ_PRQ], 0x77u);
}

static void prq_overflow_auto_response(struct kunit *test)
{
	struct fx *f = test->priv;
	struct sim_page_req pr = { .rid = DEV_RID, .addr = 0x7000, .r = true,
				   .lpig = true };

	set_ctx(f, DEV_RID, true, true, true, 0);
	enable(test, f);
	/* 4 KiB / 32 = 128 slots, one kept empty: 127 fit. */
	for (int i = 0; i < 127; i++) {
		pr.prg_index = (u16)i;
		KUNIT_ASSERT_EQ(test, sim_iommu_page_request(f->it, &pr), 0);
	}
	KUNIT_EXPECT_EQ(test, f->responses, 0u);
	pr.prg_index = 200;
	sim_iommu_page_request(f->it, &pr);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_PRS_REG, 4), 3ULL);	/* PPR | PRO */
	KUNIT_EXPECT_EQ(test, st(f)->prq_overflows, 1ULL);
	KUNIT_EXPECT_EQ(test, f->responses, 1u);
	KUNIT_EXPECT_EQ(test, f->resp_prgi, 200);
	KUNIT_EXPECT_EQ(test, f->resp_code, VTD_PRG_RESP_SUCCESS);
	KUNIT_EXPECT_FALSE(test, f->resp_pp);
}

static void prq_page_group_response(struct kunit *test)
{
	struct fx *f = test->priv;

	enable(test, f);
	/*
	 * Type 9 | PP (4) 0x10 | RC 1 (15:12) 0x1000 | RID 0x0100 << 16 |
	 * PASID 5 << 32 = 0x0000000501001019; qw1 LPIG (66) 0x4 | PRGI 9 << 3
	 * (75:67) 0x48 = 0x4c.
	 */
	iq_put(f, 0x0000000501001019ULL, 0x4c);
	iq_go(f);
	KUNIT_EXPECT_EQ(test, f->responses, 1u);
	KUNIT_EXPECT_TRUE(test, f->resp_pp);
	KUNIT_EXPECT_EQ(test, f->resp_pasid, 5u);
	KUNIT_EXPECT_EQ(test, f->resp_prgi, 9);
	KUNIT_EXPECT_EQ(test, f->resp_code, 1);
	KUNIT_EXPECT_EQ(test, st(f)->page_responses, 1ULL);
}

static void prq_paside_clear(struct kunit *test)
{
	struct fx *f = test->priv;
	struct sim_page_req pr = { .rid = DEV_RID, .pasid_present = true,
				   .pasid = PASID, .addr = 0x7000, .w = true,
				   .lpig = true, .prg_index = 1 };

	set_ctx(f, DEV_RID, false, true, true, 0);
	enable(test, f);
	KUNIT_EXPECT_EQ(test, sim_iommu_page_request(f->it, &pr), -EPERM);
	/* FR 0x45, T2 (28), PP (31), PV 5, write (T1 = 0). */
	KUNIT_EXPECT_EQ(test, rr(f, 0x608, 8), 0x8000054590000100ULL);
	KUNIT_EXPECT_EQ(test, f->resp_code, VTD_PRG_RESP_INVALID);
}

static void prq_drain_waits_for_requests(struct kunit *test)
{
	struct fx *f = test->priv;
	struct sim_iommu *it2;
	struct sim_page_req pr = { .rid = DEV_RID, .addr = 0x7000, .r = true,
				   .lpig = true, .prg_index = 4 };
	u64 status;
	u32 v = 0;

	/* A unit whose page requests take 10 us to reach the queue. */
	sim_iommu_destroy(f->it);
	f->cfg.prq_latency_ns = 10000;
	it2 = sim_iommu_create(&f->s, &f->cfg, &host_ops, f);
	KUNIT_ASSERT_NOT_NULL(test, it2);
	f->it = it2;
	set_ctx(f, DEV_RID, true, true, true, 0);
	enable(test, f);
	status = page(test, f);
	KUNIT_EXPECT_EQ(test, sim_iommu_page_request(f->it, &pr), 0);
	/* inv-wait PD (7) | SW (5): 0xa5, data 6. */
	iq_put(f, 0x00000006000000a5ULL, status);
	rw(f, VTD_IQT_REG, f->iq_tail);
	sim_run(&f->s, 0);
	sim_mem_read(f->m, VSVA_AS_HPA, status, &v, 4);
	KUNIT_EXPECT_EQ(test, v, 6u);
	KUNIT_EXPECT_EQ(test, f->s.now, 10000ULL);	/* after the request */
	KUNIT_EXPECT_EQ(test, rr(f, VTD_PQT_REG, 8), 0x20ULL);
}

static void trace_lines(struct kunit *test)
{
	struct fx *f = test->priv;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	KUNIT_ASSERT_NOT_NULL(test, fp);
	f->s.trace = fp;
	enable(test, f);
	iq_put(f, 0x5, 0);
	iq_go(f);
	make_faults(f, 1);
	f->s.trace = NULL;
	fclose(fp);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "GCMD"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "inv-wait"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "fault fr="));
	free(buf);
}

static void xlate_upper_context_half(struct kunit *test)
{
	struct fx *f = test->priv;
	struct sim_dma_req r = { .rid = DEV2_RID, .addr = 0x1010,
				 .access = VSVA_PERM_R };
	struct sim_xlate x;
	u64 ss = page(test, f);

	pt_map(test, f, ss, 4, 0x1000, 0xa000, 1);
	set_ctx(f, DEV2_RID, false, false, false, 0);
	set_pe(f, 0, VTD_PGTT_SS, ss, 0);
	enable(test, f);
	/* devfn 0x80 uses UP (bit 64) / UCTP (127:76) of root entry 1. */
	KUNIT_EXPECT_NE(test, rd64(f, f->rta + 16 + 8) & 1, 0ULL);
	KUNIT_EXPECT_EQ(test, rd64(f, f->rta + 16) & 1, 0ULL);
	KUNIT_ASSERT_EQ(test, sim_iommu_translate(f->it, &r, &x), 0);
	KUNIT_EXPECT_EQ(test, x.hpa, 0xa010ULL);
	/* devfn 0 of the same bus: LP clear -> 0x39. */
	r.rid = DEV_RID;
	KUNIT_EXPECT_EQ(test, sim_iommu_translate(f->it, &r, &x), -EFAULT);
	KUNIT_EXPECT_EQ(test, x.fault, 0x39);
}

static void reg_based_invalidation(struct kunit *test)
{
	struct fx *f = test->priv;
	u64 ss;

	cached_ss(test, f, &ss);
	/* With QIE set, register-based invalidation is refused. */
	sim_iommu_write(f->it, 0x508, 8, 0x9000000000000000ULL); /* IVT, IIRG 1 */
	KUNIT_EXPECT_EQ(test, hpa_of(f, 0x1000), 0x5000ULL);
	rw(f, VTD_GCMD_REG, VTD_GCMD_TE);	/* QIE off */
	/*
	 * IOTLB_REG: IVT (63) | IIRG 3 (61:60) page | DID 7 (47:32) =
	 * 0xb000000700000000; IVA = 0x1000, AM 0.
	 */
	sim_iommu_write(f->it, 0x500, 8, 0x1000);
	sim_iommu_write(f->it, 0x508, 8, 0xb000000700000000ULL);
	/* IVT clear, IAIG (58:57) = 3: 0x3600000700000000. */
	KUNIT_EXPECT_EQ(test, rr(f, 0x508, 8), 0x3600000700000000ULL);
	KUNIT_EXPECT_EQ(test, hpa_of(f, 0x1000), 0x6000ULL);
	/* CCMD: ICC (63) | CIRG 1 (62:61) global = 0xa000000000000000. */
	rw(f, VTD_CCMD_REG, 0xa000000000000000ULL);
	/* ICC clear, CAIG (60:59) 1: 0x2800000000000000. */
	KUNIT_EXPECT_EQ(test, rr(f, VTD_CCMD_REG, 8), 0x2800000000000000ULL);
	KUNIT_EXPECT_EQ(test, vsva_ctx_cache_count(sim_iommu_caches(f->it)), 0u);
}

static void run_scenario(struct kunit *test, char **buf, size_t *len)
{
	struct fx *f = test->priv;
	FILE *fp = open_memstream(buf, len);
	struct sim_page_req pr = { .rid = DEV_RID, .addr = 0x7000, .r = true,
				   .lpig = true, .prg_index = 2 };

	KUNIT_ASSERT_NOT_NULL(test, fp);
	f->s.trace = fp;
	setup_ss(test, f, 0x1000, 0x5000, 1);
	enable(test, f);
	hpa_of(f, 0x1000);
	make_faults(f, 2);
	sim_iommu_page_request(f->it, &pr);
	iq_put(f, 0x0000000000070022ULL, 0);
	iq_put(f, 0x15, 0);
	iq_go(f);
	f->s.trace = NULL;
	fclose(fp);
}

static void trace_deterministic(struct kunit *test)
{
	struct fx *f = test->priv;
	char *a = NULL, *b = NULL;
	size_t la = 0, lb = 0;

	run_scenario(test, &a, &la);
	/* A fresh platform with the same seed. */
	fx_exit(test);
	KUNIT_ASSERT_EQ(test, fx_init(test), 0);
	f = test->priv;
	run_scenario(test, &b, &lb);
	KUNIT_EXPECT_GT(test, la, (size_t)0);
	KUNIT_EXPECT_EQ(test, la, lb);
	KUNIT_EXPECT_TRUE(test, la == lb && !memcmp(a, b, la));
	KUNIT_EXPECT_NOT_NULL(test, strstr(a, "page request"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(a, "desc @"));
	free(a);
	free(b);
	(void)f;
}

static void te_off_requests_unsupported(struct kunit *test)
{
	struct fx *f = test->priv;
	struct sim_dma_req r = { .rid = DEV_RID, .addr = 0x1000,
				 .access = VSVA_PERM_R };
	struct sim_page_req pr = { .rid = DEV_RID, .addr = 0x7000, .r = true,
				   .lpig = true, .prg_index = 8 };
	struct sim_xlate x;

	setup_ss(test, f, 0x1000, 0x5000, 1);
	/* TE never set: ATS and PRI are Unsupported Requests. */
	KUNIT_EXPECT_EQ(test, sim_iommu_ats_translate(f->it, &r, &x), -EPERM);
	KUNIT_EXPECT_EQ(test, sim_iommu_page_request(f->it, &pr), -EPERM);
	KUNIT_EXPECT_EQ(test, f->responses, 1u);
	KUNIT_EXPECT_EQ(test, f->resp_code, VTD_PRG_RESP_INVALID);
	/* A stop marker (LPIG, R = W = 0) is owed no response. */
	pr.r = false;
	sim_iommu_page_request(f->it, &pr);
	KUNIT_EXPECT_EQ(test, f->responses, 1u);
	KUNIT_EXPECT_EQ(test, st(f)->faults_recorded, 0ULL);
}

static void ccmd_reserved_granularity(struct kunit *test)
{
	struct fx *f = test->priv;

	/* ICC (63) | CIRG 0 (reserved): CAIG (60:59) 0 reports failure. */
	rw(f, VTD_CCMD_REG, 0x8000000000000000ULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_CCMD_REG, 8), 0ULL);
	/* Device-selective, SID 0x0100 (31:16), FM 3 (33:32): CIRG 3 ->
	 * 0xe000000301000000, answered with CAIG 3 (0x1800...). */
	rw(f, VTD_CCMD_REG, 0xe000000301000000ULL);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_CCMD_REG, 8), 0x7800000301000000ULL);
}

static void prq_software_consumes(struct kunit *test)
{
	struct fx *f = test->priv;
	struct sim_page_req pr = { .rid = DEV_RID, .addr = 0x7000, .r = true,
				   .lpig = true, .prg_index = 1 };

	set_ctx(f, DEV_RID, true, true, true, 0);
	enable(test, f);
	rw(f, VTD_PECTL_REG, 0);
	sim_iommu_page_request(f->it, &pr);
	sim_iommu_page_request(f->it, &pr);	/* PPR already set: no irq */
	KUNIT_EXPECT_EQ(test, f->irqs[SIM_IOMMU_IRQ_PRQ], 1u);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_PQT_REG, 8), 0x40ULL);
	/* Software consumes both (PQH = PQT) and clears PPR (RW1C). */
	rw(f, VTD_PQH_REG, 0x40);
	rw(f, VTD_PRS_REG, 1);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_PRS_REG, 4), 0ULL);
	sim_iommu_page_request(f->it, &pr);
	KUNIT_EXPECT_EQ(test, f->irqs[SIM_IOMMU_IRQ_PRQ], 2u);
	KUNIT_EXPECT_EQ(test, rr(f, VTD_PQT_REG, 8), 0x60ULL);
	KUNIT_EXPECT_EQ(test, st(f)->page_requests, 3ULL);
}

/*
 * Regression: the software helper refused PDTS above 5, but 20-bit PASIDs
 * need 2^20 / 64 = 16384 = 2^(7 + 7) directory entries, i.e. PDTS 7
 * (a 128 KiB directory, 32 pages); the highest PASID must be reachable.
 */
static void sw_pasid_dir_20bit(struct kunit *test)
{
	struct fx *f = test->priv;
	struct vtd_pasid_entry pe = { .val = { 0x89 } };
	struct vtd_pasid_dir_entry pde;
	u64 dir;

	KUNIT_ASSERT_EQ(test, sim_iommu_sw_alloc_pasid_dir(f->m, 7, &dir), 0);
	KUNIT_EXPECT_EQ(test, sim_iommu_sw_alloc_pasid_dir(f->m, 8, &dir), -EINVAL);
	KUNIT_ASSERT_EQ(test, sim_iommu_sw_alloc_pasid_dir(f->m, 7, &dir), 0);
	KUNIT_ASSERT_EQ(test, sim_iommu_sw_set_pasid(f->m, dir, 0xfffff, &pe), 0);
	/* Directory entry 0xfffff >> 6 = 0x3fff, at byte 0x1fff8. */
	KUNIT_ASSERT_EQ(test, sim_mem_read(f->m, VSVA_AS_HPA, dir + 0x1fff8,
					   pde.val, 8), 0);
	KUNIT_EXPECT_EQ(test, vtd_pde_p(&pde), 1ULL);
}

static struct kunit_case sim_iommu_cases[] = {
	KUNIT_CASE(reg_reset_values),
	KUNIT_CASE(reg_read_only),
	KUNIT_CASE(reg_rw_masks),
	KUNIT_CASE(reg_unknown_offsets),
	KUNIT_CASE(reg_rw1c_ics),
	KUNIT_CASE(enable_srtp_latches),
	KUNIT_CASE(enable_qie_resets_iqh),
	KUNIT_CASE(enable_te_passthrough_when_off),
	KUNIT_CASE(gcmd_one_command_at_a_time),
	KUNIT_CASE_PARAM(xlate_ss_sizes, size_gen_params),
	KUNIT_CASE_PARAM(xlate_fs_sizes, size_gen_params),
	KUNIT_CASE(xlate_nested),
	KUNIT_CASE(xlate_pass_through),
	KUNIT_CASE(xlate_rid_pasid),
	KUNIT_CASE(xlate_upper_context_half),
	KUNIT_CASE_PARAM(fault_table_levels, tfault_gen_params),
	KUNIT_CASE(fault_ats_dte_clear),
	KUNIT_CASE(ats_not_present_answers_zero),
	KUNIT_CASE(fault_page_request_pre_clear),
	KUNIT_CASE(fault_legacy_ttm),
	KUNIT_CASE(fault_overflow),
	KUNIT_CASE(fault_fri_points_at_first),
	KUNIT_CASE_PARAM(fault_fpd_suppresses, fpd_gen_params),
	KUNIT_CASE(fault_irq_masking),
	KUNIT_CASE(iq_piotlb_changes_translation),
	KUNIT_CASE(iq_piotlb_first_stage),
	KUNIT_CASE(iq_iotlb_domain),
	KUNIT_CASE(iq_pasid_cache),
	KUNIT_CASE(iq_context_cache),
	KUNIT_CASE(iq_wait_status_and_irq),
	KUNIT_CASE(iq_wait_after_devtlb),
	KUNIT_CASE(iq_128bit_queue),
	KUNIT_CASE(iq_wraparound),
	KUNIT_CASE_PARAM(iq_malformed, bad_desc_gen_params),
	KUNIT_CASE(iq_bad_tail),
	KUNIT_CASE(iq_fetch_error),
	KUNIT_CASE(iq_recovery),
	KUNIT_CASE(iq_devtlb_timeout),
	KUNIT_CASE(iq_devtlb_bad_completion),
	KUNIT_CASE(iq_iec_accepted),
	KUNIT_CASE(prq_request_written),
	KUNIT_CASE(prq_overflow_auto_response),
	KUNIT_CASE(prq_page_group_response),
	KUNIT_CASE(prq_paside_clear),
	KUNIT_CASE(prq_drain_waits_for_requests),
	KUNIT_CASE(trace_lines),
	KUNIT_CASE(trace_deterministic),
	KUNIT_CASE(reg_based_invalidation),
	KUNIT_CASE(te_off_requests_unsupported),
	KUNIT_CASE(ccmd_reserved_granularity),
	KUNIT_CASE(prq_software_consumes),
	KUNIT_CASE(sw_pasid_dir_20bit),
	{}
};

static struct kunit_suite sim_iommu_suite = {
	.name = "sim_iommu",
	.init = fx_init,
	.exit = fx_exit,
	.test_cases = sim_iommu_cases,
};
kunit_test_suites(&sim_iommu_suite);
