// SPDX-License-Identifier: GPL-2.0
/*
 * The Linux 6.12 intel-iommu driver model (guest/sim/) driving the simulated
 * physical VT-d unit (host/sim/iommu.h) through registers and host memory:
 * probe sequence, context and PASID entries, the exact invalidation
 * descriptors of each operation (read back from the invalidation queue in
 * memory), DMA through the unit after map/unmap, page requests and
 * responses.  Expected values are hand-computed from the spec and from the
 * Linux 6.12 sources (arithmetic in the comments).  Most cases run with
 * CAP.CM = 1 and first-stage only (SLTS, NEST off), as the vIOMMU offers;
 * the *_cm0 cases show that the caching-mode flushes are conditional.
 */
#include <kunit/test.h>
#include <stdlib.h>
#include <string.h>

#include "../../guest/sim/intel_iommu.h"
#include "iommu.h"
#include "sim.h"

#define RID		0x0100	/* bus 1, devfn 0 */
#define RID_HI		0x0180	/* bus 1, devfn 0x80: upper context half */
#define FAULT_VEC	0x41
#define PRQ_VEC		0x42
#define CAP_CM		BIT_ULL(7)
#define ECAP_PT		BIT_ULL(6)
#define ECAP_PRS	BIT_ULL(29)
#define ECAP_NEST	BIT_ULL(26)
#define ECAP_SLTS	BIT_ULL(46)
#define ECAP_SMTS	BIT_ULL(43)
#define CAP_FL5LP	BIT_ULL(60)
#define CAP_ESRTPS	BIT_ULL(63)

struct fx {
	struct sim s;
	struct sim_mem *m;
	struct sim_iommu *it;
	struct sim_iommu_cfg hw;
	struct gmem g;
	struct gvtd_iommu u;
	struct gvtd_device *dev;
	int probe_ret;
	/* device side */
	u32 responses;
	bool resp_pp;
	u32 resp_pasid;
	u16 resp_prgi;
	u8 resp_code;
	u32 devtlb;
	/* iopf handler */
	u32 groups;
	u32 last_count;
	struct gvtd_fault last_faults[4];
	int handler_ret;
	enum gvtd_page_resp_code answer;
	struct gvtd_attach_handle handle;
};

struct opts {
	bool cm0, slts, no_smts, no_fl5lp, esrtps, pt, no_prs, fs_map_flush;
	bool no_probe_dev, no_te;
	u8 pasid_bits;
	bool no_ats;
};

static u64 mmio_read(void *ctx, u32 off, unsigned int size)
{
	return sim_iommu_read(ctx, off, size);
}

static void mmio_write(void *ctx, u32 off, unsigned int size, u64 val)
{
	sim_iommu_write(ctx, off, size, val);
}

static void host_irq(void *ctx, enum sim_iommu_irq which, u32 data, u64 addr)
{
	struct fx *f = ctx;

	gvtd_irq(&f->u, data, addr);
}

static void dev_resp(void *dev, bool pp, u32 pasid, u16 prgi, u8 code)
{
	struct fx *f = dev;

	f->responses++;
	f->resp_pp = pp;
	f->resp_pasid = pasid;
	f->resp_prgi = prgi;
	f->resp_code = code;
}

static void dev_devtlb(void *dev, bool pv, u32 pasid, u64 addr, u8 lg2, bool g)
{
	((struct fx *)dev)->devtlb++;
}

static const struct sim_iommu_host_ops host_ops = { .irq = host_irq };
static const struct sim_iommu_dev_ops dev_ops = {
	.page_response = dev_resp, .devtlb_invalidate = dev_devtlb,
};

static struct fx *setup(struct kunit *test, const struct opts *o)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct gvtd_cfg c = { 0 };

	KUNIT_ASSERT_TRUE(test, f != NULL);
	test->priv = f;
	KUNIT_ASSERT_EQ(test, sim_init(&f->s, 7), 0);
	f->m = sim_mem_create(&f->s, 0);
	f->s.mem = f->m;
	sim_iommu_default_cfg(&f->hw);
	if (!o->cm0)
		f->hw.cap |= CAP_CM;
	if (!o->slts)
		f->hw.ecap &= ~(ECAP_SLTS | ECAP_NEST);
	if (!o->pt)
		f->hw.ecap &= ~ECAP_PT;
	if (o->no_smts)
		f->hw.ecap &= ~ECAP_SMTS;
	if (o->no_prs)
		f->hw.ecap &= ~ECAP_PRS;
	if (o->no_fl5lp)
		f->hw.cap &= ~CAP_FL5LP;
	if (o->esrtps)
		f->hw.cap |= CAP_ESRTPS;
	f->it = sim_iommu_create(&f->s, &f->hw, &host_ops, f);
	KUNIT_ASSERT_TRUE(test, f->it != NULL);
	sim_iommu_attach_device(f->it, RID, &dev_ops, f);
	sim_iommu_attach_device(f->it, RID_HI, &dev_ops, f);
	KUNIT_ASSERT_EQ(test, gmem_init_host(&f->g, f->m), 0);
	c.mmio = (struct gvtd_mmio){ mmio_read, mmio_write, f->it };
	c.s = &f->s;
	c.mem = &f->g;
	c.fault_vector = FAULT_VEC;
	c.prq_vector = PRQ_VEC;
	c.fs_map_flush = o->fs_map_flush;
	f->probe_ret = gvtd_probe(&f->u, &c);
	if (f->probe_ret)
		return f;
	if (!o->no_probe_dev) {
		struct gvtd_dev_cfg dc = {
			.rid = RID, .pasid_bits = o->pasid_bits ? o->pasid_bits : 20,
			.ats = !o->no_ats, .pri = true, .ats_qdep = 0,
			.prg_resp_pasid_required = true,
		};

		f->dev = gvtd_probe_device(&f->u, &dc);
		KUNIT_ASSERT_TRUE(test, f->dev != NULL);
	}
	if (!o->no_te)
		gvtd_enable_translation(&f->u);
	return f;
}

static void fx_exit(struct kunit *test)
{
	struct fx *f = test->priv;

	if (!f)
		return;
	if (f->dev)
		gvtd_release_device(f->dev);
	if (!f->probe_ret)
		gvtd_remove(&f->u);
	gmem_fini(&f->g);
	sim_iommu_destroy(f->it);
	sim_mem_destroy(f->m);
	f->s.mem = NULL;
	sim_fini(&f->s);
	free(f);
}

/* ---- reading back what the driver put in the invalidation queue ------- */
struct capture {
	struct vtd_inv_desc d[64];
	unsigned int n;
};

static void capture(struct fx *f, u32 from, struct capture *c)
{
	u32 to = gvtd_qi_next_index(&f->u);

	c->n = 0;
	for (u32 i = from; i != to && c->n < 64; i = (i + 1) % GVTD_QI_LENGTH)
		gmem_read(&f->g, f->u.qi_desc + 32 * (u64)i, c->d[c->n++].qw, 32);
}

/* The descriptor types in order, waits included, as "7,5,6,5". */
static const char *types(struct capture *c, char *buf)
{
	char *p = buf;

	*p = 0;
	for (unsigned int i = 0; i < c->n; i++)
		p += sprintf(p, "%s%u", i ? "," : "", vtd_inv_type(&c->d[i]));
	return buf;
}

/* The non-wait descriptors, in order. */
static unsigned int non_wait(struct capture *c, struct vtd_inv_desc *out)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < c->n; i++)
		if (vtd_inv_type(&c->d[i]) != VTD_INV_WAIT)
			out[n++] = c->d[i];
	return n;
}

static void read_pe(struct fx *f, u32 pasid, struct vtd_pasid_entry *pe)
{
	u64 a = gvtd_pasid_entry_addr(f->dev, pasid);

	memset(pe, 0, sizeof(*pe));
	if (a)
		gmem_read(&f->g, a, pe->val, 64);
}

static int xlate(struct fx *f, bool pp, u32 pasid, u64 addr, u8 access,
		 struct sim_xlate *x)
{
	struct sim_dma_req r = { .rid = RID, .pasid_present = pp,
				 .pasid = pasid, .addr = addr, .access = access };

	return sim_iommu_translate(f->it, &r, x);
}

static u64 host_page(struct fx *f)
{
	u64 p = 0;

	sim_mem_alloc_page(f->m, &p);
	return p;
}

/* A paging domain on PASID @pasid (DID 2, the first free). */
static struct gvtd_domain *pasid_domain(struct kunit *test, struct fx *f,
					u32 pasid)
{
	struct gvtd_domain *d = gvtd_paging_domain_alloc(f->dev);

	KUNIT_ASSERT_TRUE(test, d != NULL);
	KUNIT_ASSERT_EQ(test, gvtd_attach_dev_pasid(d, f->dev, pasid, &f->handle),
			0);
	return d;
}

/* ======================= probe ======================= */

static void probe_register_state(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });

	KUNIT_ASSERT_EQ(test, f->probe_ret, 0);
	/* GSTS: TES 31 | QIES 26 (RTPS 30 is one-shot status) */
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f->it, VTD_GSTS_REG, 4) &
			(VTD_GSTS_TES | VTD_GSTS_QIES),
			(u64)(VTD_GSTS_TES | VTD_GSTS_QIES));
	/* RTADDR = root | TTM 01b (bit 10) = root | 0x400 */
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f->it, VTD_RTADDR_REG, 8),
			f->u.root | 0x400);
	/* IQA = base | DW (bit 11) | QS 1 = base | 0x801 */
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f->it, VTD_IQA_REG, 8),
			f->u.qi_desc | 0x801);
	/* PQA = base | PQS 4 (16 pages, PRQ_ORDER) */
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f->it, VTD_PQA_REG, 8),
			f->u.prq | 4);
	KUNIT_EXPECT_EQ(test, f->u.prq & 0xffff, 0ULL);	/* 64K aligned */
	/* Fault and page request events unmasked with their vectors. */
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f->it, VTD_FECTL_REG, 4), 0ULL);
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f->it, VTD_FEDATA_REG, 4), 0x41ULL);
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f->it, VTD_FEADDR_REG, 4),
			0xfee00000ULL);
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f->it, VTD_PECTL_REG, 4), 0ULL);
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f->it, VTD_PEDATA_REG, 4), 0x42ULL);
	/* IECTL stays masked: Linux polls inv-wait status. */
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f->it, VTD_IECTL_REG, 4),
			0x80000000ULL);
	KUNIT_EXPECT_EQ(test, sim_iommu_stats(f->it)->iq_errors, 0ULL);
}

static void probe_needs_scalable_mode(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ .no_smts = true });

	KUNIT_EXPECT_EQ(test, f->probe_ret, -ENODEV);
	/* Nothing programmed: no queue. */
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f->it, VTD_GSTS_REG, 4), 0ULL);
}

static void probe_first_level_choice(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });

	/* FLTS only: both DMA and UNMANAGED domains are first level. */
	KUNIT_EXPECT_TRUE(test, f->u.fl_unmanaged);
	KUNIT_EXPECT_TRUE(test, f->u.fl_dma);
	KUNIT_EXPECT_TRUE(test, f->u.cm);
	/* max_pasids = 2 << PSS(19) = 2^20 */
	KUNIT_EXPECT_EQ(test, f->u.max_pasids, 0x100000u);
}

static void probe_both_stages_unmanaged_is_second(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ .slts = true });

	/* first_level_by_default(): both -> DMA first, UNMANAGED second */
	KUNIT_EXPECT_FALSE(test, f->u.fl_unmanaged);
	KUNIT_EXPECT_TRUE(test, f->u.fl_dma);
}

static void probe_agaw(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });

	/* FL sagaw = BIT(2) | BIT(3) with FL5LP -> agaw 3 (57-bit, 5-level) */
	KUNIT_EXPECT_EQ(test, f->u.agaw, 3);
}

static void probe_agaw_no_fl5lp(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ .no_fl5lp = true });

	KUNIT_EXPECT_EQ(test, f->u.agaw, 2);	/* BIT(2) only: 48-bit */
}

static void probe_global_flushes(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ .no_probe_dev = true });
	struct capture c;
	char buf[256];

	capture(f, 0, &c);
	/* iommu_set_root_entry: CC global, PC global, IOTLB global, each synced */
	KUNIT_EXPECT_STREQ(test, types(&c, buf), "1,5,7,5,2,5");
	/* CC: type 1 | G global (1 << 4) = 0x11 */
	KUNIT_EXPECT_EQ(test, c.d[0].qw[0], 0x11ULL);
	/* PC: type 7 | G global (3 << 4) = 0x37 */
	KUNIT_EXPECT_EQ(test, c.d[2].qw[0], 0x37ULL);
	/* IOTLB: type 2 | G global (1 << 4) = 0x12 (no DRD/DWD) */
	KUNIT_EXPECT_EQ(test, c.d[4].qw[0], 0x12ULL);
}

static void probe_wait_descriptor(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ .no_probe_dev = true });
	struct capture c;

	capture(f, 0, &c);
	KUNIT_ASSERT_TRUE(test, c.n >= 2);
	/* QI_IWD_STATUS_DATA(QI_DONE=2) << 32 | SW (bit 5) | type 5 */
	KUNIT_EXPECT_EQ(test, c.d[1].qw[0], 0x200000025ULL);
	/* status address: desc_status[1] */
	KUNIT_EXPECT_EQ(test, c.d[1].qw[1], f->u.qi_status + 4);
	KUNIT_EXPECT_EQ(test, c.d[1].qw[2] | c.d[1].qw[3], 0ULL);
}

static void probe_esrtps_skips_flushes(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ .esrtps = true,
						   .no_probe_dev = true });

	KUNIT_EXPECT_EQ(test, f->probe_ret, 0);
	KUNIT_EXPECT_EQ(test, gvtd_qi_next_index(&f->u), 0u);
}

static void probe_without_prs(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ .no_prs = true });

	KUNIT_EXPECT_EQ(test, f->u.prq, 0ULL);
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f->it, VTD_PQA_REG, 8), 0ULL);
	KUNIT_EXPECT_FALSE(test, f->dev->pri_supported);
}

/* ======================= context entries ======================= */

static void context_entry_contents(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct vtd_sm_context_entry ce;
	u64 re[2];

	gmem_read(&f->g, f->u.root + 16 * 1, re, 16);	/* bus 1 */
	KUNIT_EXPECT_EQ(test, re[0] & 1, 1ULL);		/* LP */
	KUNIT_EXPECT_EQ(test, f->dev->context, (re[0] & ~0xfffULL) + 0);
	gmem_read(&f->g, f->dev->context, ce.val, 32);
	/*
	 * 20-bit PASIDs: directory 2^20 / 64 * 8 = 128 KiB (order 5),
	 * max_pasid 1 << (5 + 12 + 3) = 2^20, 2^14 PDEs -> PDTS 14 - 7 = 7.
	 * lo = dir | PDTS 7 << 9 (0xe00) | PRE 0 | PASIDE 8 | DTE 4 | P 1.
	 */
	KUNIT_EXPECT_EQ(test, ce.val[0], f->dev->pasid_dir | 0xe00 | 0x8 | 0x4 | 1);
	KUNIT_EXPECT_EQ(test, ce.val[1], 0ULL);		/* RID_PASID 0 */
	KUNIT_EXPECT_EQ(test, vtd_sce_pdts(&ce), 7ULL);
	KUNIT_EXPECT_EQ(test, vtd_sce_fpd(&ce), 0ULL);
}

static void context_small_pasid_width(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ .pasid_bits = 8 });
	struct vtd_sm_context_entry ce;

	gmem_read(&f->g, f->dev->context, ce.val, 32);
	/* 256 PASIDs -> 32 bytes, order 0 -> max 2^15, 512 PDEs -> PDTS 2 */
	KUNIT_EXPECT_EQ(test, vtd_sce_pdts(&ce), 2ULL);
	KUNIT_EXPECT_EQ(test, f->dev->max_pasids, 256u);
}

static void context_without_ats(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ .no_ats = true });
	struct vtd_sm_context_entry ce;

	gmem_read(&f->g, f->dev->context, ce.val, 32);
	KUNIT_EXPECT_EQ(test, vtd_sce_dte(&ce), 0ULL);
	KUNIT_EXPECT_EQ(test, vtd_sce_paside(&ce), 1ULL);
	KUNIT_EXPECT_FALSE(test, f->dev->pri_supported);
}

static void context_flushes_cm(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ .no_probe_dev = true });
	struct gvtd_dev_cfg dc = { .rid = RID, .pasid_bits = 20, .ats = true };
	u32 from = gvtd_qi_next_index(&f->u);
	struct capture c;
	char buf[128];

	f->dev = gvtd_probe_device(&f->u, &dc);
	KUNIT_ASSERT_TRUE(test, f->dev != NULL);
	capture(f, from, &c);
	KUNIT_EXPECT_STREQ(test, types(&c, buf), "1,5,2,5");
	/* CC device: type 1 | G 3 << 4 | SID 0x100 << 32 = 0x10000000031 */
	KUNIT_EXPECT_EQ(test, c.d[0].qw[0], 0x10000000031ULL);
	/* IOTLB domain-selective DID 0: type 2 | G 2 << 4 = 0x22 */
	KUNIT_EXPECT_EQ(test, c.d[2].qw[0], 0x22ULL);
}

static void context_flushes_cm0(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ .cm0 = true,
						   .no_probe_dev = true });
	struct gvtd_dev_cfg dc = { .rid = RID, .pasid_bits = 20, .ats = true };
	u32 from = gvtd_qi_next_index(&f->u);

	f->dev = gvtd_probe_device(&f->u, &dc);
	KUNIT_ASSERT_TRUE(test, f->dev != NULL);
	KUNIT_EXPECT_EQ(test, gvtd_qi_next_index(&f->u), from);
}

static void context_upper_half(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct gvtd_dev_cfg dc = { .rid = RID_HI, .pasid_bits = 20 };
	struct gvtd_device *d2 = gvtd_probe_device(&f->u, &dc);
	u64 re[2];

	KUNIT_ASSERT_TRUE(test, d2 != NULL);
	gmem_read(&f->g, f->u.root + 16, re, 16);
	KUNIT_EXPECT_EQ(test, re[1] & 1, 1ULL);		/* UP, bit 64 */
	/* devfn 0x80 -> entry 0 of the upper table */
	KUNIT_EXPECT_EQ(test, d2->context, re[1] & ~0xfffULL);
	gvtd_release_device(d2);
}

/* ======================= PASID attach ======================= */

static void pasid_entry_first_level(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct gvtd_domain *d = pasid_domain(test, f, 5);
	struct vtd_pasid_entry pe;

	read_pe(f, 5, &pe);
	KUNIT_EXPECT_EQ(test, vtd_pe_p(&pe), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_pe_pgtt(&pe), 1ULL);		/* FL only */
	KUNIT_EXPECT_EQ(test, vtd_pe_did(&pe), 2ULL);		/* 0, 1 reserved */
	KUNIT_EXPECT_EQ(test, vtd_pe_aw(&pe), 3ULL);		/* agaw 3 */
	KUNIT_EXPECT_EQ(test, vtd_pe_flpm(&pe), 1ULL);		/* 5-level */
	KUNIT_EXPECT_EQ(test, vtd_pe_pwsnp(&pe), 1ULL);	/* ECAP.SMPWC */
	KUNIT_EXPECT_EQ(test, vtd_pe_flptptr(&pe), d->pgd);
	KUNIT_EXPECT_EQ(test, vtd_pe_sre(&pe), 0ULL);		/* user only */
	KUNIT_EXPECT_EQ(test, vtd_pe_fpd(&pe), 0ULL);
	KUNIT_EXPECT_EQ(test, vtd_pe_slptptr(&pe), 0ULL);
	/*
	 * Whole qwords: val[0] = AW 3 << 2 (0xc) | PGTT 1 << 6 (0x40) | P = 0x4d;
	 * val[1] = DID 2 | PWSNP bit 23 (0x800000) = 0x800002;
	 * val[2] = FLPTR | FLPM 1 << 2 (0x4).
	 */
	KUNIT_EXPECT_EQ(test, pe.val[0], 0x4dULL);
	KUNIT_EXPECT_EQ(test, pe.val[1], 0x800002ULL);
	KUNIT_EXPECT_EQ(test, pe.val[2], d->pgd | 0x4);
	gvtd_detach_dev_pasid(d, f->dev, 5);
	gvtd_domain_free(d);
}

static void pasid_attach_descriptors_cm(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	u32 from = gvtd_qi_next_index(&f->u);
	struct gvtd_domain *d = pasid_domain(test, f, 5);
	struct capture c;
	char buf[128];

	capture(f, from, &c);
	/* pasid_flush_caches(): PC PASID-selective, then PASID-IOTLB */
	KUNIT_EXPECT_STREQ(test, types(&c, buf), "7,5,6,5");
	/* PC: type 7 | G 1 << 4 | DID 2 << 16 | PASID 5 << 32 */
	KUNIT_EXPECT_EQ(test, c.d[0].qw[0], 0x500020017ULL);
	KUNIT_EXPECT_EQ(test, c.d[0].qw[1], 0ULL);
	/* P_IOTLB: type 6 | G 2 << 4 (non-globals of PASID) | DID | PASID */
	KUNIT_EXPECT_EQ(test, c.d[2].qw[0], 0x500020026ULL);
	KUNIT_EXPECT_EQ(test, c.d[2].qw[1], 0ULL);
	gvtd_detach_dev_pasid(d, f->dev, 5);
	gvtd_domain_free(d);
}

static void pasid_attach_descriptors_cm0(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ .cm0 = true });
	u32 from = gvtd_qi_next_index(&f->u);
	struct gvtd_domain *d = pasid_domain(test, f, 5);
	struct vtd_pasid_entry pe;

	/* No CM: only a write-buffer flush (no RWBF here): nothing queued. */
	KUNIT_EXPECT_EQ(test, gvtd_qi_next_index(&f->u), from);
	read_pe(f, 5, &pe);
	KUNIT_EXPECT_EQ(test, vtd_pe_p(&pe), 1ULL);
	gvtd_detach_dev_pasid(d, f->dev, 5);
	gvtd_domain_free(d);
}

static void pasid_attach_errors(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ .pasid_bits = 8 });
	struct gvtd_domain *d = pasid_domain(test, f, 5);

	KUNIT_EXPECT_EQ(test, gvtd_attach_dev_pasid(d, f->dev, 5, NULL), -EBUSY);
	KUNIT_EXPECT_EQ(test, gvtd_attach_dev_pasid(d, f->dev, 0, NULL), -EINVAL);
	/* max_pasids = min(2^8, 2^20) = 256 */
	KUNIT_EXPECT_EQ(test, gvtd_attach_dev_pasid(d, f->dev, 256, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gvtd_attach_dev_pasid(d, f->dev, 255, NULL), 0);
	/* One domain, two PASIDs: one DID, refcounted. */
	KUNIT_EXPECT_EQ(test, d->did_refcnt, 2u);
	gvtd_detach_dev_pasid(d, f->dev, 255);
	gvtd_detach_dev_pasid(d, f->dev, 5);
	KUNIT_EXPECT_EQ(test, d->did, 0);
	gvtd_domain_free(d);
}

static void global_pasid_allocator(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ .pasid_bits = 2 });

	/* [1, max_pasids = 4) */
	KUNIT_EXPECT_EQ(test, gvtd_alloc_global_pasid(f->dev), 1u);
	KUNIT_EXPECT_EQ(test, gvtd_alloc_global_pasid(f->dev), 2u);
	KUNIT_EXPECT_EQ(test, gvtd_alloc_global_pasid(f->dev), 3u);
	KUNIT_EXPECT_EQ(test, gvtd_alloc_global_pasid(f->dev), GVTD_PASID_INVALID);
	gvtd_free_global_pasid(&f->u, 2);
	KUNIT_EXPECT_EQ(test, gvtd_alloc_global_pasid(f->dev), 2u);
}

static void domain_id_allocator(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct gvtd_domain *a = pasid_domain(test, f, 1);
	struct gvtd_domain *b = gvtd_paging_domain_alloc(f->dev);
	struct gvtd_domain *c = gvtd_paging_domain_alloc(f->dev);

	KUNIT_ASSERT_EQ(test, gvtd_attach_dev_pasid(b, f->dev, 2, NULL), 0);
	KUNIT_EXPECT_EQ(test, a->did, 2);
	KUNIT_EXPECT_EQ(test, b->did, 3);
	gvtd_detach_dev_pasid(a, f->dev, 1);
	KUNIT_ASSERT_EQ(test, gvtd_attach_dev_pasid(c, f->dev, 3, NULL), 0);
	KUNIT_EXPECT_EQ(test, c->did, 2);	/* reused */
	gvtd_detach_dev_pasid(b, f->dev, 2);
	gvtd_detach_dev_pasid(c, f->dev, 3);
	gvtd_domain_free(a);
	gvtd_domain_free(b);
	gvtd_domain_free(c);
}

/* ======================= map / unmap / DMA ======================= */

static void map_first_level_no_flush_cm(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct gvtd_domain *d = pasid_domain(test, f, 5);
	u32 from = gvtd_qi_next_index(&f->u);

	/* 6.12: CM and first level -> iotlb_sync_map off, no descriptor */
	KUNIT_EXPECT_FALSE(test, d->iotlb_sync_map);
	KUNIT_EXPECT_EQ(test, gvtd_map(d, 0x10000, host_page(f), 4096,
				       GVTD_PROT_READ | GVTD_PROT_WRITE), 0);
	KUNIT_EXPECT_EQ(test, gvtd_qi_next_index(&f->u), from);
	gvtd_detach_dev_pasid(d, f->dev, 5);
	gvtd_domain_free(d);
}

static void map_first_level_flush_option(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ .fs_map_flush = true });
	struct gvtd_domain *d = pasid_domain(test, f, 5);
	u32 from = gvtd_qi_next_index(&f->u);
	struct capture c;
	char buf[64];

	KUNIT_ASSERT_EQ(test, gvtd_map(d, 0x10000, host_page(f), 4096,
				       GVTD_PROT_READ), 0);
	capture(f, from, &c);
	KUNIT_EXPECT_STREQ(test, types(&c, buf), "6,5");
	/* P_IOTLB page: type 6 | G 3 << 4 | DID 2 << 16 | PASID 5 << 32 */
	KUNIT_EXPECT_EQ(test, c.d[0].qw[0], 0x500020036ULL);
	/* ADDR 0x10000 | IH 0 | AM 0 */
	KUNIT_EXPECT_EQ(test, c.d[0].qw[1], 0x10000ULL);
	gvtd_detach_dev_pasid(d, f->dev, 5);
	gvtd_domain_free(d);
}

static void map_pte_format(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct gvtd_domain *d = pasid_domain(test, f, 5);
	u64 pa = host_page(f), table = d->pgd, e = 0;

	KUNIT_ASSERT_EQ(test, gvtd_map(d, 0x7000, pa, 4096,
				       GVTD_PROT_READ | GVTD_PROT_WRITE), 0);
	for (int l = 5; l >= 1; l--) {
		e = gmem_read64(&f->g, table + 8 * vtd_pt_index(0x7000, l));
		if (l > 1) {
			/* non-leaf: R|W|US|A = 0x27 */
			KUNIT_EXPECT_EQ(test, e & 0xfff, 0x27ULL);
			table = e & VTD_FSPTE_ADDR;
		}
	}
	/* leaf RW: P|RW|US|A|D = 0x67 */
	KUNIT_EXPECT_EQ(test, e, pa | 0x67);
	KUNIT_EXPECT_EQ(test, gvtd_iova_to_phys(d, 0x7123), pa + 0x123);
	gvtd_detach_dev_pasid(d, f->dev, 5);
	gvtd_domain_free(d);
}

static void map_dma_lands(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct gvtd_domain *d = pasid_domain(test, f, 5);
	u64 pa = host_page(f);
	struct sim_xlate x;

	KUNIT_ASSERT_EQ(test, gvtd_map(d, 0x200000, pa, 4096,
				       GVTD_PROT_READ | GVTD_PROT_WRITE), 0);
	KUNIT_EXPECT_EQ(test, xlate(f, true, 5, 0x200abc, VSVA_PERM_W, &x), 0);
	KUNIT_EXPECT_EQ(test, x.hpa, pa + 0xabc);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	/* Another PASID has no entry: faults. */
	KUNIT_EXPECT_EQ(test, xlate(f, true, 6, 0x200abc, VSVA_PERM_R, &x),
			-EFAULT);
	gvtd_detach_dev_pasid(d, f->dev, 5);
	gvtd_domain_free(d);
}

static void map_read_only(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct gvtd_domain *d = pasid_domain(test, f, 5);
	struct sim_xlate x;

	KUNIT_ASSERT_EQ(test, gvtd_map(d, 0x3000, host_page(f), 4096,
				       GVTD_PROT_READ), 0);
	KUNIT_EXPECT_EQ(test, xlate(f, true, 5, 0x3000, VSVA_PERM_R, &x), 0);
	KUNIT_EXPECT_EQ(test, xlate(f, true, 5, 0x3000, VSVA_PERM_W, &x),
			-EFAULT);
	gvtd_detach_dev_pasid(d, f->dev, 5);
	gvtd_domain_free(d);
}

static void unmap_flush_and_fault(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct gvtd_domain *d = pasid_domain(test, f, 5);
	struct vtd_inv_desc nw[8];
	struct sim_xlate x;
	struct capture c;
	u32 from;

	KUNIT_ASSERT_EQ(test, gvtd_map(d, 0x5000, host_page(f), 4096,
				       GVTD_PROT_READ | GVTD_PROT_WRITE), 0);
	KUNIT_ASSERT_EQ(test, xlate(f, true, 5, 0x5000, VSVA_PERM_R, &x), 0);
	from = gvtd_qi_next_index(&f->u);
	KUNIT_EXPECT_EQ(test, gvtd_unmap(d, 0x5000, 4096), 4096ULL);
	capture(f, from, &c);
	KUNIT_ASSERT_EQ(test, non_wait(&c, nw), 1u);
	/* P_IOTLB page-selective: 0x500020036; ADDR 0x5000 | IH (bit 70 = qw1 bit 6) */
	KUNIT_EXPECT_EQ(test, nw[0].qw[0], 0x500020036ULL);
	KUNIT_EXPECT_EQ(test, nw[0].qw[1], 0x5040ULL);
	/* The cached translation is gone: the DMA faults and is recorded. */
	KUNIT_EXPECT_EQ(test, xlate(f, true, 5, 0x5000, VSVA_PERM_R, &x),
			-EFAULT);
	sim_run(&f->s, 0);	/* the fault interrupt's handler */
	KUNIT_ASSERT_EQ(test, f->u.fault_log_n, 1u);
	KUNIT_EXPECT_EQ(test, f->u.fault_log[0].sid, RID);
	KUNIT_EXPECT_TRUE(test, f->u.fault_log[0].pasid_present);
	KUNIT_EXPECT_EQ(test, f->u.fault_log[0].pasid, 5u);
	KUNIT_EXPECT_EQ(test, f->u.fault_log[0].addr, 0x5000ULL);
	KUNIT_EXPECT_EQ(test, f->u.fault_log[0].type, 1);	/* read */
	KUNIT_EXPECT_NE(test, f->u.fault_log[0].reason, 0);
	/* dmar_fault() cleared the record and the status. */
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f->it, VTD_FSTS_REG, 4) &
			VTD_FSTS_PPF, 0ULL);
	gvtd_detach_dev_pasid(d, f->dev, 5);
	gvtd_domain_free(d);
}

static void unmap_whole_table_clears_ih(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct gvtd_domain *d = pasid_domain(test, f, 5);
	struct vtd_inv_desc nw[8];
	struct capture c;
	u64 pages0, pa;
	u32 from;

	/* 512 4K pages from a non-2M-aligned PA: one full PTE table */
	KUNIT_ASSERT_EQ(test, sim_mem_alloc_run(f->m, 513, 12, &pa), 0);
	if (!(pa & 0x1fffff))
		pa += 4096;
	KUNIT_ASSERT_EQ(test, gvtd_map(d, 0x400000, pa, 0x200000,
				       GVTD_PROT_READ), 0);
	pages0 = d->table_pages;
	from = gvtd_qi_next_index(&f->u);
	KUNIT_EXPECT_EQ(test, gvtd_unmap(d, 0x400000, 0x200000), 0x200000ULL);
	KUNIT_EXPECT_EQ(test, d->table_pages, pages0 - 1);
	capture(f, from, &c);
	KUNIT_ASSERT_EQ(test, non_wait(&c, nw), 1u);
	/* AM = log2(512) = 9, IH 0 (a table was freed): 0x400000 | 9 */
	KUNIT_EXPECT_EQ(test, nw[0].qw[1], 0x400009ULL);
	gvtd_detach_dev_pasid(d, f->dev, 5);
	gvtd_domain_free(d);
}

static void map_2m_superpage(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct gvtd_domain *d = pasid_domain(test, f, 5);
	struct sim_xlate x;
	u64 pa;

	KUNIT_ASSERT_EQ(test, sim_mem_alloc_run(f->m, 512, 21, &pa), 0);
	KUNIT_ASSERT_EQ(test, gvtd_map(d, 0x40000000, pa, 0x200000,
				       GVTD_PROT_READ | GVTD_PROT_WRITE), 0);
	/* tables: PML5, PML4, PDPT, PD only (no PT) */
	KUNIT_EXPECT_EQ(test, d->table_pages, 4ULL);
	KUNIT_EXPECT_EQ(test, xlate(f, true, 5, 0x40123456, VSVA_PERM_W, &x), 0);
	KUNIT_EXPECT_EQ(test, x.hpa, pa + 0x123456);
	KUNIT_EXPECT_EQ(test, x.size_lg2, 21);
	gvtd_detach_dev_pasid(d, f->dev, 5);
	gvtd_domain_free(d);
}

/* ======================= RID, teardown ======================= */

static void rid_attach_first_level(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct gvtd_domain *d = gvtd_domain_alloc(&f->u, GVTD_DOMAIN_DMA);
	struct vtd_pasid_entry pe;
	struct sim_xlate x;
	u64 pa = host_page(f);

	KUNIT_ASSERT_EQ(test, gvtd_attach_dev(d, f->dev), 0);
	KUNIT_EXPECT_TRUE(test, f->dev->ats_enabled);
	read_pe(f, 0, &pe);
	KUNIT_EXPECT_EQ(test, vtd_pe_pgtt(&pe), 1ULL);
	KUNIT_EXPECT_EQ(test, vtd_pe_did(&pe), 2ULL);
	KUNIT_ASSERT_EQ(test, gvtd_map(d, 0x9000, pa, 4096,
				       GVTD_PROT_READ | GVTD_PROT_WRITE), 0);
	KUNIT_EXPECT_EQ(test, xlate(f, false, 0, 0x9010, VSVA_PERM_W, &x), 0);
	KUNIT_EXPECT_EQ(test, x.hpa, pa + 0x10);
	gvtd_release_device(f->dev);
	f->dev = NULL;
	gvtd_domain_free(d);
}

static void teardown_order(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct gvtd_domain *rd = gvtd_domain_alloc(&f->u, GVTD_DOMAIN_DMA);
	struct gvtd_domain *d;
	struct vtd_pasid_entry pe;
	struct capture c;
	char buf[128];
	u32 from;

	KUNIT_ASSERT_EQ(test, gvtd_attach_dev(rd, f->dev), 0);	/* DID 2, ATS */
	KUNIT_ASSERT_EQ(test, gvtd_dev_enable_iopf(f->dev), 0);
	d = pasid_domain(test, f, 9);				/* DID 3 */
	from = gvtd_qi_next_index(&f->u);
	gvtd_detach_dev_pasid(d, f->dev, 9);
	capture(f, from, &c);
	/*
	 * intel_pasid_tear_down_entry(): PC, P_IOTLB, P-devTLB (each synced),
	 * then the drain: wait(FN), P_IOTLB, P-devTLB, wait(SW|PD).
	 */
	KUNIT_EXPECT_STREQ(test, types(&c, buf), "7,5,6,5,8,5,5,6,8,5");
	KUNIT_EXPECT_EQ(test, c.d[0].qw[0], 0x900030017ULL);	/* PC DID 3 PASID 9 */
	KUNIT_EXPECT_EQ(test, c.d[2].qw[0], 0x900030026ULL);	/* P_IOTLB */
	/* P-devTLB: type 8 | SID 0x100 << 16 | PASID 9 << 32 */
	KUNIT_EXPECT_EQ(test, c.d[4].qw[0], 0x901000008ULL);
	/* whole range: S (bit 75 = qw1 bit 11) | ADDR bits 62:12 set */
	KUNIT_EXPECT_EQ(test, c.d[4].qw[1], 0x7ffffffffffff800ULL);
	/* drain wait: status data 2 << 32 | FN (bit 6) | type 5, no SW */
	KUNIT_EXPECT_EQ(test, c.d[6].qw[0], 0x200000045ULL);
	/* drain P_IOTLB uses the RID domain's DID (2), as 6.12 does */
	KUNIT_EXPECT_EQ(test, c.d[7].qw[0], 0x900020026ULL);
	/* last wait: PD (bit 7) | SW (bit 5) */
	KUNIT_EXPECT_EQ(test, c.d[9].qw[0] & 0xff, 0xa5ULL);
	read_pe(f, 9, &pe);
	for (int i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ(test, pe.val[i], 0ULL);
	KUNIT_EXPECT_EQ(test, d->did, 0);
	gvtd_domain_free(d);
	gvtd_release_device(f->dev);
	f->dev = NULL;
	gvtd_domain_free(rd);
}

static void teardown_then_dma_faults(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct gvtd_domain *d = pasid_domain(test, f, 5);
	struct sim_xlate x;

	KUNIT_ASSERT_EQ(test, gvtd_map(d, 0x1000, host_page(f), 4096,
				       GVTD_PROT_READ), 0);
	KUNIT_ASSERT_EQ(test, xlate(f, true, 5, 0x1000, VSVA_PERM_R, &x), 0);
	gvtd_detach_dev_pasid(d, f->dev, 5);
	KUNIT_EXPECT_EQ(test, xlate(f, true, 5, 0x1000, VSVA_PERM_R, &x),
			-EFAULT);
	gvtd_domain_free(d);
}

static void second_level_domain(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ .slts = true });
	struct gvtd_domain *d = pasid_domain(test, f, 5);
	struct vtd_pasid_entry pe;
	struct sim_xlate x;
	u64 pa = host_page(f);
	u32 from;

	KUNIT_EXPECT_FALSE(test, d->use_first_level);
	read_pe(f, 5, &pe);
	KUNIT_EXPECT_EQ(test, vtd_pe_pgtt(&pe), 2ULL);
	KUNIT_EXPECT_EQ(test, vtd_pe_slptptr(&pe), d->pgd);
	/* both stages: sagaw = FL (48|57) & SL SAGAW (48|57) -> agaw 3 */
	KUNIT_EXPECT_EQ(test, vtd_pe_aw(&pe), 3ULL);
	/*
	 * 6.12 sets iotlb_sync_map only in dmar_domain_attach_device()
	 * (the RID path): a second-level domain attached only to a PASID
	 * maps without a caching-mode flush.
	 */
	KUNIT_EXPECT_FALSE(test, d->iotlb_sync_map);
	from = gvtd_qi_next_index(&f->u);
	KUNIT_ASSERT_EQ(test, gvtd_map(d, 0x8000, pa, 4096,
				       GVTD_PROT_READ | GVTD_PROT_WRITE), 0);
	KUNIT_EXPECT_EQ(test, gvtd_qi_next_index(&f->u), from);
	KUNIT_EXPECT_EQ(test, xlate(f, true, 5, 0x8000, VSVA_PERM_W, &x), 0);
	KUNIT_EXPECT_EQ(test, x.hpa, pa);
	gvtd_detach_dev_pasid(d, f->dev, 5);
	gvtd_domain_free(d);
}

static void second_level_rid_map_flush_cm(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ .slts = true });
	struct gvtd_domain *d = gvtd_paging_domain_alloc(f->dev);
	struct vtd_inv_desc nw[4];
	struct capture c;
	u32 from;

	KUNIT_ASSERT_EQ(test, gvtd_attach_dev(d, f->dev), 0);
	KUNIT_EXPECT_TRUE(test, d->iotlb_sync_map);	/* CM && !first level */
	from = gvtd_qi_next_index(&f->u);
	KUNIT_ASSERT_EQ(test, gvtd_map(d, 0x8000, host_page(f), 4096,
				       GVTD_PROT_READ | GVTD_PROT_WRITE), 0);
	capture(f, from, &c);
	KUNIT_ASSERT_EQ(test, non_wait(&c, nw), 1u);
	/* IOTLB page-selective: type 2 | G 3 << 4 | DID 2 << 16 = 0x20032 */
	KUNIT_EXPECT_EQ(test, nw[0].qw[0], 0x20032ULL);
	KUNIT_EXPECT_EQ(test, nw[0].qw[1], 0x8000ULL);	/* AM 0, IH 0 */
	gvtd_release_device(f->dev);
	f->dev = NULL;
	gvtd_domain_free(d);
}

static void pass_through_identity(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ .pt = true });
	struct gvtd_domain *id = gvtd_domain_alloc(&f->u, GVTD_DOMAIN_IDENTITY);
	struct vtd_pasid_entry pe;
	struct sim_xlate x;

	KUNIT_ASSERT_EQ(test, gvtd_attach_dev_pasid(id, f->dev, 7, NULL), 0);
	read_pe(f, 7, &pe);
	/* PGTT 4, DID FLPT_DEFAULT_DID 1, AW agaw, PWSNP */
	KUNIT_EXPECT_EQ(test, vtd_pe_pgtt(&pe), 4ULL);
	KUNIT_EXPECT_EQ(test, vtd_pe_did(&pe), 1ULL);
	KUNIT_EXPECT_EQ(test, pe.val[0], 0x10dULL);	/* 4 << 6 | 3 << 2 | P */
	KUNIT_EXPECT_EQ(test, xlate(f, true, 7, 0x123000, VSVA_PERM_R, &x), 0);
	KUNIT_EXPECT_EQ(test, x.hpa, 0x123000ULL);
	gvtd_detach_dev_pasid(id, f->dev, 7);
	gvtd_domain_free(id);
}

/* ======================= page requests ======================= */

static int handler(struct gvtd_iopf_group *g)
{
	struct fx *f = g->attach_handle->domain->fault_data;

	f->groups++;
	f->last_count = g->fault_count;
	for (u32 i = 0; i < g->fault_count && i < 4; i++)
		f->last_faults[i] = g->faults[i];
	if (f->handler_ret)
		return f->handler_ret;
	gvtd_iopf_group_response(g, f->answer);
	gvtd_iopf_free_group(g);
	return 0;
}

static struct gvtd_domain *iopf_setup(struct kunit *test, struct fx *f)
{
	struct gvtd_domain *rd = gvtd_domain_alloc(&f->u, GVTD_DOMAIN_DMA);
	struct gvtd_domain *d;

	KUNIT_ASSERT_EQ(test, gvtd_attach_dev(rd, f->dev), 0);
	KUNIT_ASSERT_EQ(test, gvtd_dev_enable_iopf(f->dev), 0);
	d = gvtd_paging_domain_alloc(f->dev);
	d->iopf_handler = handler;
	d->fault_data = f;
	KUNIT_ASSERT_EQ(test, gvtd_attach_dev_pasid(d, f->dev, 5, &f->handle), 0);
	return d;
}

static void iopf_teardown(struct fx *f, struct gvtd_domain *d)
{
	struct gvtd_domain *rd = f->dev->domain;

	gvtd_detach_dev_pasid(d, f->dev, 5);
	gvtd_domain_free(d);
	gvtd_release_device(f->dev);
	f->dev = NULL;
	gvtd_domain_free(rd);
}

static void preq(struct fx *f, bool pp, u32 pasid, u64 addr, bool r, bool w,
		 bool x, bool priv, bool lpig, u16 prgi)
{
	struct sim_page_req q = { .rid = RID, .pasid_present = pp,
				  .pasid = pasid, .addr = addr, .r = r, .w = w,
				  .x = x, .priv = priv, .lpig = lpig,
				  .prg_index = prgi };

	sim_iommu_page_request(f->it, &q);
}

static void iopf_enable_sets_pre(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct gvtd_domain *d = iopf_setup(test, f);
	struct vtd_sm_context_entry ce;

	gmem_read(&f->g, f->dev->context, ce.val, 32);
	KUNIT_EXPECT_EQ(test, vtd_sce_pre(&ce), 1ULL);	/* context_flip_pri */
	KUNIT_EXPECT_EQ(test, gvtd_dev_enable_iopf(f->dev), -EBUSY);
	iopf_teardown(f, d);
}

static void prq_group_to_handler(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct gvtd_domain *d = iopf_setup(test, f);

	f->answer = GVTD_PAGE_RESP_SUCCESS;
	preq(f, true, 5, 0x1000, true, false, false, false, false, 3);
	preq(f, true, 5, 0x2000, false, true, false, false, true, 3);
	sim_run(&f->s, 0);
	KUNIT_EXPECT_EQ(test, f->groups, 1u);
	KUNIT_EXPECT_EQ(test, f->last_count, 2u);
	KUNIT_EXPECT_EQ(test, f->last_faults[0].addr, 0x1000ULL);
	KUNIT_EXPECT_EQ(test, f->last_faults[0].perm, (u32)GVTD_FAULT_PERM_READ);
	KUNIT_EXPECT_EQ(test, f->last_faults[1].addr, 0x2000ULL);
	KUNIT_EXPECT_EQ(test, f->last_faults[1].flags,
			GVTD_FAULT_PASID_VALID | GVTD_FAULT_LAST_PAGE |
			GVTD_FAULT_NEEDS_PASID);
	KUNIT_EXPECT_EQ(test, f->last_faults[1].grpid, 3u);
	/* one response, to the device, for the group */
	KUNIT_EXPECT_EQ(test, f->responses, 1u);
	KUNIT_EXPECT_EQ(test, f->resp_code, 0);
	KUNIT_EXPECT_TRUE(test, f->resp_pp);
	KUNIT_EXPECT_EQ(test, f->resp_pasid, 5u);
	KUNIT_EXPECT_EQ(test, f->resp_prgi, 3);
	/* PQH caught up with PQT, PPR cleared */
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f->it, VTD_PQH_REG, 8),
			sim_iommu_read(f->it, VTD_PQT_REG, 8));
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f->it, VTD_PRS_REG, 4) &
			VTD_PRS_PPR, 0ULL);
	iopf_teardown(f, d);
}

static void prq_response_descriptor(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct gvtd_domain *d = iopf_setup(test, f);
	struct vtd_inv_desc nw[4];
	struct capture c;
	u32 from = gvtd_qi_next_index(&f->u);

	preq(f, true, 5, 0x3000, true, false, false, false, true, 0x1ab);
	sim_run(&f->s, 0);
	capture(f, from, &c);
	KUNIT_ASSERT_EQ(test, non_wait(&c, nw), 1u);
	/* type 9 | PP (bit 4) | RC 0 | RID 0x100 << 16 | PASID 5 << 32 */
	KUNIT_EXPECT_EQ(test, nw[0].qw[0], 0x501000019ULL);
	/* PRGI 0x1ab << 3 | LPIG (bit 66 = qw1 bit 2) = 0xd58 | 4 */
	KUNIT_EXPECT_EQ(test, nw[0].qw[1], 0xd5cULL);
	KUNIT_EXPECT_EQ(test, nw[0].qw[2] | nw[0].qw[3], 0ULL);
	iopf_teardown(f, d);
}

struct bad_req {
	const char *name;
	bool pp, r, w, x, priv;
	u64 addr;
};

static const struct bad_req bad_reqs[] = {
	{ "no PASID", false, true, false, false, false, 0x1000 },
	{ "non-canonical", true, true, false, false, false, 0x0000800000000000ULL },
	{ "privileged R/W", true, true, false, false, true, 0x1000 },
	{ "exec+read", true, true, false, true, false, 0x1000 },
};

static void bad_req_desc(const struct bad_req *b, char *desc)
{
	strcpy(desc, b->name);
}

KUNIT_ARRAY_PARAM(bad_req, bad_reqs, bad_req_desc);

static void prq_bad_request_invalid(struct kunit *test)
{
	const struct bad_req *b = test->param_value;
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct gvtd_domain *d = iopf_setup(test, f);

	preq(f, b->pp, 5, b->addr, b->r, b->w, b->x, b->priv, true, 7);
	sim_run(&f->s, 0);
	KUNIT_EXPECT_EQ(test, f->groups, 0u);
	KUNIT_EXPECT_EQ(test, f->responses, 1u);
	KUNIT_EXPECT_EQ(test, f->resp_code, VTD_PRG_RESP_INVALID);
	KUNIT_EXPECT_EQ(test, f->resp_prgi, 7);
	KUNIT_EXPECT_EQ(test, f->u.st.prq_bad, 1ULL);
	iopf_teardown(f, d);
}

static void prq_stop_marker_dropped(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct gvtd_domain *d = iopf_setup(test, f);

	preq(f, true, 5, 0x1000, false, false, false, false, true, 2);
	sim_run(&f->s, 0);
	KUNIT_EXPECT_EQ(test, f->groups, 0u);
	KUNIT_EXPECT_EQ(test, f->responses, 0u);
	KUNIT_EXPECT_EQ(test, f->u.st.prq_stop_markers, 1ULL);
	iopf_teardown(f, d);
}

static void prq_no_handler_invalid(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct gvtd_domain *d = iopf_setup(test, f);

	/* PASID 6 has no attach handle */
	preq(f, true, 6, 0x1000, true, false, false, false, true, 4);
	sim_run(&f->s, 0);
	KUNIT_EXPECT_EQ(test, f->groups, 0u);
	KUNIT_EXPECT_EQ(test, f->responses, 1u);
	KUNIT_EXPECT_EQ(test, f->resp_code, VTD_PRG_RESP_INVALID);
	KUNIT_EXPECT_EQ(test, f->resp_pasid, 6u);
	iopf_teardown(f, d);
}

static void prq_handler_error_failure(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct gvtd_domain *d = iopf_setup(test, f);

	f->handler_ret = -ENOMEM;
	preq(f, true, 5, 0x1000, true, false, false, false, true, 4);
	sim_run(&f->s, 0);
	KUNIT_EXPECT_EQ(test, f->groups, 1u);
	/*
	 * The core answers IOMMU_PAGE_RESP_FAILURE, which 6.12 writes as
	 * response code 2; the unit rejects that reserved code (IQE) and
	 * the driver recovers the queue as qi_check_fault() does.
	 */
	KUNIT_EXPECT_EQ(test, f->u.st.qi_iqe, 1ULL);
	KUNIT_EXPECT_EQ(test, sim_iommu_read(f->it, VTD_FSTS_REG, 4) &
			VTD_FSTS_IQE, 0ULL);
	KUNIT_EXPECT_EQ(test, f->responses, 0u);
	/* The queue still works. */
	KUNIT_EXPECT_EQ(test, gvtd_qi_flush_pasid_cache(&f->u, 0, VTD_PC_G_GLOBAL,
							0), 0);
	iopf_teardown(f, d);
}

static void prq_partials_other_group(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct gvtd_domain *d = iopf_setup(test, f);

	f->answer = GVTD_PAGE_RESP_SUCCESS;
	preq(f, true, 5, 0x1000, true, false, false, false, false, 1);
	preq(f, true, 5, 0x5000, true, false, false, false, false, 2);
	preq(f, true, 5, 0x2000, true, false, false, false, true, 1);
	sim_run(&f->s, 0);
	KUNIT_EXPECT_EQ(test, f->groups, 1u);
	KUNIT_EXPECT_EQ(test, f->last_count, 2u);	/* prgi 2 stays partial */
	KUNIT_EXPECT_EQ(test, f->dev->npartial, 1u);
	iopf_teardown(f, d);
}

static void prq_not_probed_without_ats(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ .no_ats = true });
	struct gvtd_domain *rd = gvtd_domain_alloc(&f->u, GVTD_DOMAIN_DMA);

	KUNIT_ASSERT_EQ(test, gvtd_attach_dev(rd, f->dev), 0);
	KUNIT_EXPECT_EQ(test, gvtd_dev_enable_iopf(f->dev), -ENODEV);
	gvtd_release_device(f->dev);
	f->dev = NULL;
	gvtd_domain_free(rd);
}

static void release_frees_everything(struct kunit *test)
{
	struct fx *f = setup(test, &(struct opts){ 0 });
	struct gvtd_domain *d = pasid_domain(test, f, 5);
	u64 live = f->g.pages_live;

	KUNIT_ASSERT_EQ(test, gvtd_map(d, 0x1000, host_page(f), 4096,
				       GVTD_PROT_READ), 0);
	gvtd_release_device(f->dev);
	f->dev = NULL;
	gvtd_domain_free(d);
	/* the domain's 5 table pages, the PASID dir (32 pages) and its table */
	KUNIT_EXPECT_TRUE(test, f->g.pages_live < live);
	gvtd_remove(&f->u);
	f->probe_ret = -1;
	KUNIT_EXPECT_EQ(test, f->g.pages_live, 0ULL);
}

static struct kunit_case gvtd_cases[] = {
	KUNIT_CASE(probe_register_state),
	KUNIT_CASE(probe_needs_scalable_mode),
	KUNIT_CASE(probe_first_level_choice),
	KUNIT_CASE(probe_both_stages_unmanaged_is_second),
	KUNIT_CASE(probe_agaw),
	KUNIT_CASE(probe_agaw_no_fl5lp),
	KUNIT_CASE(probe_global_flushes),
	KUNIT_CASE(probe_wait_descriptor),
	KUNIT_CASE(probe_esrtps_skips_flushes),
	KUNIT_CASE(probe_without_prs),
	KUNIT_CASE(context_entry_contents),
	KUNIT_CASE(context_small_pasid_width),
	KUNIT_CASE(context_without_ats),
	KUNIT_CASE(context_flushes_cm),
	KUNIT_CASE(context_flushes_cm0),
	KUNIT_CASE(context_upper_half),
	KUNIT_CASE(pasid_entry_first_level),
	KUNIT_CASE(pasid_attach_descriptors_cm),
	KUNIT_CASE(pasid_attach_descriptors_cm0),
	KUNIT_CASE(pasid_attach_errors),
	KUNIT_CASE(global_pasid_allocator),
	KUNIT_CASE(domain_id_allocator),
	KUNIT_CASE(map_first_level_no_flush_cm),
	KUNIT_CASE(map_first_level_flush_option),
	KUNIT_CASE(map_pte_format),
	KUNIT_CASE(map_dma_lands),
	KUNIT_CASE(map_read_only),
	KUNIT_CASE(unmap_flush_and_fault),
	KUNIT_CASE(unmap_whole_table_clears_ih),
	KUNIT_CASE(map_2m_superpage),
	KUNIT_CASE(rid_attach_first_level),
	KUNIT_CASE(teardown_order),
	KUNIT_CASE(teardown_then_dma_faults),
	KUNIT_CASE(second_level_domain),
	KUNIT_CASE(second_level_rid_map_flush_cm),
	KUNIT_CASE(pass_through_identity),
	KUNIT_CASE(iopf_enable_sets_pre),
	KUNIT_CASE(prq_group_to_handler),
	KUNIT_CASE(prq_response_descriptor),
	KUNIT_CASE_PARAM(prq_bad_request_invalid, bad_req_gen_params),
	KUNIT_CASE(prq_stop_marker_dropped),
	KUNIT_CASE(prq_no_handler_invalid),
	KUNIT_CASE(prq_handler_error_failure),
	KUNIT_CASE(prq_partials_other_group),
	KUNIT_CASE(prq_not_probed_without_ats),
	KUNIT_CASE(release_frees_everything),
	{}
};

static struct kunit_suite gvtd_suite = {
	.name = "guest_intel_iommu",
	.exit = fx_exit,
	.test_cases = gvtd_cases,
};

kunit_test_suites(&gvtd_suite);
