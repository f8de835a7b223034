// SPDX-License-Identifier: GPL-2.0
/*
 * The vIOMMU (host/viommu*.c), driven the way an L1 guest drives it:
 * register writes, and tables, queues and status words in the VM's
 * guest-physical memory (sim_mem_write in the VM's address space).
 * Descriptors and entries are literals computed by hand from the spec;
 * the arithmetic is in the comments.
 */
#include <kunit/test.h>
#include <string.h>

#include "viommu.h"
#include "sim.h"
#include "memory.h"
#include "iommu.h"	/* sim_iommu_default_cfg: a modern physical unit */
#include <nestmed/vtd_fault.h>

#define RID		0x0100	/* bus 1, devfn 0 */
#define PASID		5
#define DID		7

/* Guest-physical layout of the L1 VM's IOMMU structures. */
#define G_ROOT		0x10000ULL
#define G_CTX		0x11000ULL
#define G_DIR		0x12000ULL
#define G_PTBL		0x13000ULL
#define G_IQ		0x20000ULL
#define G_PRQ		0x30000ULL
#define G_STATUS	0x40000ULL
#define G_FS		0x50000ULL
#define G_RAM		(16ULL << 20)
#define G_OUTSIDE	(64ULL << 20)	/* beyond RAM: unbacked */

#define MAX_OPS		16

struct fx {
	struct sim s;
	struct sim_mem *m;
	struct sim_vm *vm;
	struct viommu *v;
	struct piommu_caps phys;
	struct viommu_policy pol;
	struct viommu_hooks hooks;
	u32 iq_tail;
	/* hook observations */
	u32 batches;
	u32 batch_n[MAX_OPS];
	struct vsva_inv_op ops[MAX_OPS];
	u32 nops;
	int batch_ret;
	u32 status_at_batch[MAX_OPS];	/* G_STATUS when a batch arrived */
	u32 responses;
	u16 resp_rid, resp_prgi;
	u32 resp_pasid;
	bool resp_pp;
	u8 resp_code;
	u32 batches_at_resp;
	u32 ctx_changed;
	u16 ctx_rid;
	u32 irqs;
	u32 irq_data;
	u32 next_pasid;
	int alloc_ret, free_ret;
	u32 freed;
};

static int h_inv_batch(void *ctx, const struct vsva_inv_op *ops,
		       unsigned int n)
{
	struct fx *f = ctx;

	if (f->batches < MAX_OPS) {
		f->batch_n[f->batches] = n;
		sim_mem_read(f->m, sim_vm_id(f->vm), G_STATUS,
			     &f->status_at_batch[f->batches], 4);
	}
	f->batches++;
	for (unsigned int i = 0; i < n && f->nops < MAX_OPS; i++)
		f->ops[f->nops++] = ops[i];
	return f->batch_ret;
}

static void h_page_response(void *ctx, u16 rid, bool pp, u32 pasid, u16 prgi,
			    u8 code)
{
	struct fx *f = ctx;

	f->responses++;
	f->resp_rid = rid;
	f->resp_pp = pp;
	f->resp_pasid = pasid;
	f->resp_prgi = prgi;
	f->resp_code = code;
	f->batches_at_resp = f->batches;
}

static void h_context_changed(void *ctx, u16 rid)
{
	struct fx *f = ctx;

	f->ctx_changed++;
	f->ctx_rid = rid;
}

static int h_alloc(void *ctx, u32 *pasid)
{
	struct fx *f = ctx;

	if (f->alloc_ret)
		return f->alloc_ret;
	*pasid = f->next_pasid++;
	return 0;
}

static int h_free(void *ctx, u32 pasid)
{
	struct fx *f = ctx;

	f->freed = pasid;
	return f->free_ret;
}

static void h_irq(void *ctx, u32 data, u64 addr)
{
	struct fx *f = ctx;

	f->irqs++;
	f->irq_data = data;
}

static void default_phys(struct piommu_caps *p)
{
	struct sim_iommu_cfg cfg;

	sim_iommu_default_cfg(&cfg);
	memset(p, 0, sizeof(*p));
	p->cap = cfg.cap;
	p->ecap = cfg.ecap;
	p->pasid_bits = 20;
	p->did_min = 1;
	p->did_max = 0xffff;
}

static int make_viommu(struct fx *f)
{
	viommu_destroy(f->v);
	f->v = viommu_create(&f->s, f->vm, &f->phys, &f->pol, &f->hooks);
	f->iq_tail = 0;
	return f->v ? 0 : -ENOMEM;
}

static int fx_init(struct kunit *test)
{
	struct fx *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct sim_vm_cfg vc = { .name = "l1", .ram_bytes = G_RAM };

	if (!f || sim_init(&f->s, 7))
		return -ENOMEM;
	f->m = sim_mem_create(&f->s, 0);
	if (!f->m)
		return -ENOMEM;
	f->vm = sim_vm_create(&f->s, &vc);
	if (!f->vm)
		return -ENOMEM;
	default_phys(&f->phys);
	viommu_default_policy(&f->pol);
	f->hooks = (struct viommu_hooks){
		.inv_batch = h_inv_batch, .page_response = h_page_response,
		.context_changed = h_context_changed,
		.vcmd_alloc_pasid = h_alloc, .vcmd_free_pasid = h_free,
		.guest_irq = h_irq, .ctx = f,
	};
	f->next_pasid = 0x100;
	test->priv = f;
	return make_viommu(f);
}

static void fx_exit(struct kunit *test)
{
	struct fx *f = test->priv;

	if (!f)
		return;
	viommu_destroy(f->v);
	sim_mem_destroy(f->m);
	sim_fini(&f->s);
}

static const struct viommu_stats *st(struct fx *f)
{
	return viommu_stats(f->v);
}

static void gw64(struct fx *f, u64 gpa, u64 val)
{
	sim_mem_write(f->m, sim_vm_id(f->vm), gpa, &val, 8);
}

static u64 gr64(struct fx *f, u64 gpa)
{
	u64 v = 0;

	sim_mem_read(f->m, sim_vm_id(f->vm), gpa, &v, 8);
	return v;
}

static u32 gr32(struct fx *f, u64 gpa)
{
	u32 v = 0;

	sim_mem_read(f->m, sim_vm_id(f->vm), gpa, &v, 4);
	return v;
}

/*
 * Guest tables for RID 0x0100 as Linux writes them:
 * root entry bus 1 at G_ROOT + 16: LCTP = G_CTX, LP: 0x11000 | 1;
 * context entry devfn 0: P (0) | PASIDE (3) | PRE (4) | PDTS 0 (11:9) |
 *   PASIDDIRPTR G_DIR: 0x12000 | 0x1 | 0x8 | 0x10 = 0x12019;
 * PASID dir entry 0: G_PTBL | P = 0x13001;
 * PASID 5 entry at G_PTBL + 5 * 64 = 0x13140: val[0] P | PGTT 1 (8:6)
 *   = 0x41, val[1] DID 7, val[2] FLPTPTR (191:140 -> val[2] 63:12) 0x50000.
 */
static void guest_tables(struct fx *f)
{
	gw64(f, G_ROOT + 16, G_CTX | 1);
	gw64(f, G_CTX, 0x12019);
	gw64(f, G_DIR, G_PTBL | 1);
	gw64(f, G_PTBL + 5 * 64, 0x41);
	gw64(f, G_PTBL + 5 * 64 + 8, DID);
	gw64(f, G_PTBL + 5 * 64 + 16, G_FS);
}

/*
 * Linux's enable order: RTADDR (TTM 01b at 11:10: | 0x400), SRTP (bit 30),
 * IQA (DW bit 11 = 0x800, QS 0), QIE (bit 26), TE (bit 31) with QIE kept.
 */
static void enable(struct fx *f, bool dw)
{
	guest_tables(f);
	viommu_write(f->v, VTD_RTADDR_REG, 8, G_ROOT | 0x400);
	viommu_write(f->v, VTD_GCMD_REG, 4, 0x40000000);
	viommu_write(f->v, VTD_IQA_REG, 8, G_IQ | (dw ? 0x800 : 0));
	viommu_write(f->v, VTD_GCMD_REG, 4, 0x04000000);
	viommu_write(f->v, VTD_GCMD_REG, 4, 0x84000000);
	viommu_write(f->v, VTD_IECTL_REG, 4, 0);	/* unmask */
	viommu_write(f->v, VTD_FECTL_REG, 4, 0);
}

/* Put a 256-bit descriptor in the queue (no doorbell). */
static void put(struct fx *f, u64 qw0, u64 qw1)
{
	gw64(f, G_IQ + f->iq_tail, qw0);
	gw64(f, G_IQ + f->iq_tail + 8, qw1);
	gw64(f, G_IQ + f->iq_tail + 16, 0);
	gw64(f, G_IQ + f->iq_tail + 24, 0);
	f->iq_tail += 32;
}

static void doorbell(struct fx *f)
{
	viommu_write(f->v, VTD_IQT_REG, 8, f->iq_tail);
}

/* Inv-wait, SW | IF, data 0xabcd at G_STATUS:
 * qw0 = 5 | IF (4) 0x10 | SW (5) 0x20 | 0xabcd << 32 = 0xabcd00000035. */
#define WAIT_QW0	0x0000abcd00000035ULL

/* ------------------------------------------------------------------ */
/* Capabilities                                                       */
/* ------------------------------------------------------------------ */
static void caps_default(struct kunit *test)
{
	struct fx *f = test->priv;
	u64 cap = viommu_read(f->v, VTD_CAP_REG, 8);
	u64 ecap = viommu_read(f->v, VTD_ECAP_REG, 8);

	KUNIT_EXPECT_EQ(test, cap, viommu_cap(f->v));
	KUNIT_EXPECT_EQ(test, ecap, viommu_ecap(f->v));
	KUNIT_EXPECT_EQ(test, (cap >> 7) & 1, 1ULL);		/* CM */
	KUNIT_EXPECT_EQ(test, cap & 7, 6ULL);			/* ND */
	KUNIT_EXPECT_EQ(test, (cap >> 8) & 0x1f, 0xcULL);	/* SAGAW 48+57 */
	KUNIT_EXPECT_EQ(test, (cap >> 16) & 0x3f, 56ULL);	/* MGAW 57b */
	KUNIT_EXPECT_EQ(test, (cap >> 24) & 0x3ff, 0x60ULL);	/* FRO */
	KUNIT_EXPECT_EQ(test, (cap >> 34) & 0xf, 0ULL);		/* SLLPS */
	KUNIT_EXPECT_EQ(test, (cap >> 40) & 0xff, 7ULL);	/* NFR 8 */
	KUNIT_EXPECT_EQ(test, (cap >> 56) & 1, 1ULL);		/* FL1GP */
	KUNIT_EXPECT_EQ(test, (cap >> 60) & 1, 1ULL);		/* FL5LP */
	KUNIT_EXPECT_EQ(test, (ecap >> 1) & 1, 1ULL);		/* QI */
	KUNIT_EXPECT_EQ(test, (ecap >> 8) & 0x3ff, 0x50ULL);	/* IRO */
	KUNIT_EXPECT_EQ(test, (ecap >> 26) & 1, 0ULL);		/* NEST */
	KUNIT_EXPECT_EQ(test, (ecap >> 35) & 0x1f, 19ULL);	/* PSS */
	KUNIT_EXPECT_EQ(test, (ecap >> 40) & 1, 1ULL);		/* PASID */
	KUNIT_EXPECT_EQ(test, (ecap >> 43) & 1, 1ULL);		/* SMTS */
	KUNIT_EXPECT_EQ(test, (ecap >> 44) & 1, 0ULL);		/* VCS */
	KUNIT_EXPECT_EQ(test, (ecap >> 46) & 1, 0ULL);		/* SLTS */
	KUNIT_EXPECT_EQ(test, (ecap >> 47) & 1, 1ULL);		/* FLTS */
	KUNIT_EXPECT_EQ(test, (ecap >> 3) & 1, 0ULL);		/* IR */
}

struct caps_case {
	const char *name;
	u64 pcap_clr, pecap_clr;	/* physical bits removed */
	u8 phys_pasid_bits;		/* 0: 20 */
	bool pol_slts, pol_pt_off, pol_dt_off, pol_prs_off, pol_vcmd;
	u8 pol_pasid_bits;
	/* expected: (register 0 cap / 1 ecap, bit, width, value) */
	u8 reg, lo, width;
	u64 val;
};

static const struct caps_case caps_cases[] = {
	/* No physical NEST: guest FS cannot be nested -> FLTS 0 (ecap 47). */
	{ "no_nest_no_flts", 0, BIT_ULL(26), 0, 0, 0, 0, 0, 0, 0, 1, 47, 1, 0 },
	/* ... and FL1GP (cap 56) goes with it. */
	{ "no_nest_no_fl1gp", 0, BIT_ULL(26), 0, 0, 0, 0, 0, 0, 0, 0, 56, 1, 0 },
	{ "no_fl1gp", BIT_ULL(56), 0, 0, 0, 0, 0, 0, 0, 0, 0, 56, 1, 0 },
	{ "no_fl5lp", BIT_ULL(60), 0, 0, 0, 0, 0, 0, 0, 0, 0, 60, 1, 0 },
	/* Without FL5LP SAGAW keeps 48 only (bit 2: 0x4), MGAW 47. */
	{ "no_fl5lp_sagaw", BIT_ULL(60), 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 5, 0x4 },
	{ "no_fl5lp_mgaw", BIT_ULL(60), 0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 6, 47 },
	{ "no_prs", 0, BIT_ULL(29), 0, 0, 0, 0, 0, 0, 0, 1, 29, 1, 0 },
	{ "no_prs_no_pds", 0, BIT_ULL(29), 0, 0, 0, 0, 0, 0, 0, 1, 42, 1, 0 },
	{ "no_pds", 0, BIT_ULL(42), 0, 0, 0, 0, 0, 0, 0, 1, 42, 1, 0 },
	{ "prs_policy_off", 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 29, 1, 0 },
	{ "no_dt", 0, BIT_ULL(2), 0, 0, 0, 0, 0, 0, 0, 1, 2, 1, 0 },
	{ "dt_policy_off", 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 2, 1, 0 },
	{ "pt_default_on", 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 6, 1, 1 },
	{ "pt_policy_off", 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 6, 1, 0 },
	{ "no_phys_pt", 0, BIT_ULL(6), 0, 0, 0, 0, 0, 0, 0, 1, 6, 1, 0 },
	{ "slts_policy", 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 46, 1, 1 },
	/* SLTS brings the physical SLLPS (3: 2M + 1G, cap 37:34). */
	{ "slts_sllps", 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 34, 4, 3 },
	{ "slts_no_phys", 0, BIT_ULL(46), 0, 1, 0, 0, 0, 0, 0, 1, 46, 1, 0 },
	/* PASID width: min(physical PSS+1 = 20, unit 8) = 8 -> PSS 7. */
	{ "pasid_phys_8", 0, 0, 8, 0, 0, 0, 0, 0, 0, 1, 35, 5, 7 },
	{ "pasid_policy_10", 0, 0, 0, 0, 0, 0, 0, 0, 10, 1, 35, 5, 9 },
	{ "pasid_policy_wider", 0, 0, 8, 0, 0, 0, 0, 0, 16, 1, 35, 5, 7 },
	{ "vcs", 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 44, 1, 1 },
	{ "nest_never", 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 26, 1, 0 },
	{ "cm_always", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 1, 1 },
};

static void caps_desc(const struct caps_case *c, char *d)
{
	strncpy(d, c->name, KUNIT_PARAM_DESC_SIZE - 1);
}
KUNIT_ARRAY_PARAM(caps, caps_cases, caps_desc);

static void caps_derived(struct kunit *test)
{
	const struct caps_case *c = test->param_value;
	struct fx *f = test->priv;
	u64 r;

	f->phys.cap &= ~c->pcap_clr;
	f->phys.ecap &= ~c->pecap_clr;
	if (c->phys_pasid_bits)
		f->phys.pasid_bits = c->phys_pasid_bits;
	f->pol.slts = c->pol_slts;
	f->pol.pt = !c->pol_pt_off;
	f->pol.dt = !c->pol_dt_off;
	f->pol.prs = !c->pol_prs_off;
	f->pol.pasid_bits = c->pol_pasid_bits;
	if (c->pol_vcmd)
		f->pol.pasid_ns = VIOMMU_PASID_VCMD;
	KUNIT_ASSERT_EQ(test, make_viommu(f), 0);
	r = c->reg ? viommu_ecap(f->v) : viommu_cap(f->v);
	KUNIT_EXPECT_EQ(test, (r >> c->lo) & ((1ULL << c->width) - 1), c->val);
}

static void caps_refused(struct kunit *test)
{
	struct fx *f = test->priv;
	struct piommu_caps p = f->phys;
	u64 cap, ecap;

	p.ecap &= ~BIT_ULL(43);		/* no SMTS */
	KUNIT_EXPECT_EQ(test, viommu_derive_caps(&p, &f->pol, &cap, &ecap),
			-EOPNOTSUPP);
	KUNIT_EXPECT_NULL(test, viommu_create(&f->s, f->vm, &p, &f->pol,
					      &f->hooks));
	f->pol.nfr = 17;
	KUNIT_EXPECT_EQ(test, viommu_derive_caps(&f->phys, &f->pol, &cap,
						 &ecap), -EINVAL);
}

/* ------------------------------------------------------------------ */
/* Enable sequence and registers                                      */
/* ------------------------------------------------------------------ */
static void enable_sequence(struct kunit *test)
{
	struct fx *f = test->priv;

	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_GSTS_REG, 4), 0ULL);
	/* FECTL/IECTL reset with IM (bit 31). */
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_FECTL_REG, 4), 0x80000000ULL);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_PECTL_REG, 4), 0x80000000ULL);
	guest_tables(f);
	viommu_write(f->v, VTD_RTADDR_REG, 8, G_ROOT | 0x400);
	viommu_write(f->v, VTD_GCMD_REG, 4, 0x40000000);
	/* RTPS (30) */
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_GSTS_REG, 4), 0x40000000ULL);
	KUNIT_EXPECT_EQ(test, f->ctx_changed, 1u);
	viommu_write(f->v, VTD_IQA_REG, 8, G_IQ | 0x800);
	viommu_write(f->v, VTD_GCMD_REG, 4, 0x04000000);
	/* RTPS stays as written by hardware; QIES (26) */
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_GSTS_REG, 4) & 0x04000000,
			0x04000000ULL);
	viommu_write(f->v, VTD_GCMD_REG, 4, 0x84000000);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_GSTS_REG, 4) & 0x84000000,
			0x84000000ULL);
	/* GCMD reads 0 (write-only). */
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_GCMD_REG, 4), 0ULL);
	/* Two commands at once (TE off + QIE off) are ignored. */
	viommu_write(f->v, VTD_GCMD_REG, 4, 0);
	KUNIT_EXPECT_EQ(test, st(f)->gcmd_bad, 1ULL);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_GSTS_REG, 4) & 0x84000000,
			0x84000000ULL);
}

static void bad_mmio(struct kunit *test)
{
	struct fx *f = test->priv;

	KUNIT_EXPECT_EQ(test, viommu_read(f->v, 0x7f0, 8), 0ULL);
	viommu_write(f->v, 0x7f0, 8, 1);
	viommu_write(f->v, VTD_CAP_REG + 1, 4, 1);	/* misaligned */
	KUNIT_EXPECT_EQ(test, st(f)->bad_mmio, 3ULL);
	/* CAP is read-only. */
	viommu_write(f->v, VTD_CAP_REG, 8, 0);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_CAP_REG, 8),
			viommu_cap(f->v));
	/* No VCMD registers without VCS. */
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_VCCAP_REG_R30, 8), 0ULL);
	KUNIT_EXPECT_EQ(test, st(f)->bad_mmio, 4ULL);
}

/* ------------------------------------------------------------------ */
/* Guest tables                                                       */
/* ------------------------------------------------------------------ */
static void pasid_entry_ok(struct kunit *test)
{
	struct fx *f = test->priv;
	struct vtd_pasid_entry pe;
	struct vtd_sm_context_entry ce;
	u8 fr = 0xff;

	enable(f, true);
	KUNIT_EXPECT_EQ(test, viommu_read_pasid_entry(f->v, RID, PASID, &pe,
						      &fr), 0);
	KUNIT_EXPECT_EQ(test, fr, 0);
	KUNIT_EXPECT_EQ(test, pe.val[0], 0x41ULL);
	KUNIT_EXPECT_EQ(test, pe.val[1], (u64)DID);
	KUNIT_EXPECT_EQ(test, vtd_pe_flptptr(&pe), G_FS);
	KUNIT_EXPECT_EQ(test, viommu_read_context(f->v, RID, &ce, &fr), 0);
	KUNIT_EXPECT_EQ(test, ce.val[0], 0x12019ULL);
	/* PASID 6: a valid walk to a not-present entry. */
	KUNIT_EXPECT_EQ(test, viommu_read_pasid_entry(f->v, RID, 6, &pe, &fr),
			0);
	KUNIT_EXPECT_EQ(test, pe.val[0] & 1, 0ULL);
	KUNIT_EXPECT_EQ(test, fr, 0);
}

struct fr_case {
	const char *name;
	u64 gpa, val;		/* one guest qword overwritten after setup */
	u64 rtaddr;		/* 0: the normal one */
	u32 pasid;
	u8 fr;
};

static const struct fr_case fr_cases[] = {
	/* Root table beyond the VM's RAM: the root entry read fails. */
	{ "root_access", 0, 0, G_OUTSIDE | 0x400, PASID, 0x38 },
	/* TTM 00b (legacy) with a PASID: 0x31. */
	{ "ttm_legacy", 0, 0, G_ROOT, PASID, 0x31 },
	/* TTM 10b reserved: 0x30. */
	{ "ttm_reserved", 0, 0, G_ROOT | 0x800, PASID, 0x30 },
	{ "root_not_present", G_ROOT + 16, G_CTX, 0, PASID, 0x39 },
	/* Root entry bits 11:1 reserved: 0x11000 | 1 | 0x2. */
	{ "root_rsvd", G_ROOT + 16, G_CTX | 3, 0, PASID, 0x3a },
	{ "ctx_access", G_ROOT + 16, G_OUTSIDE | 1, 0, PASID, 0x40 },
	{ "ctx_not_present", G_CTX, 0x12018, 0, PASID, 0x41 },
	/* Context bits 8:5 reserved: 0x12019 | 0x20. */
	{ "ctx_rsvd", G_CTX, 0x12039, 0, PASID, 0x42 },
	/* PASIDE (bit 3) clear: 0x12019 & ~0x8 = 0x12011. */
	{ "ctx_paside", G_CTX, 0x12011, 0, PASID, 0x45 },
	/* PDTS 0: 2^7 = 128 dir entries, PASID 128 * 64 = 8192 beyond. */
	{ "ctx_pasid_max", 0, 0, 0, 8192, 0x46 },
	{ "pdir_access", G_CTX, (G_OUTSIDE) | 0x19, 0, PASID, 0x50 },
	{ "pdir_not_present", G_DIR, G_PTBL, 0, PASID, 0x51 },
	/* PASID dir bits 11:2 reserved: 0x13001 | 0x4. */
	{ "pdir_rsvd", G_DIR, G_PTBL | 5, 0, PASID, 0x52 },
	{ "pasid_access", G_DIR, G_OUTSIDE | 1, 0, PASID, 0x58 },
	/* PASID entry qword 3 reserved. */
	{ "pasid_rsvd", G_PTBL + 5 * 64 + 24, 1, 0, PASID, 0x5a },
	/* PGTT 2 (second stage) not offered: 0x80 | 1 = 0x81. */
	{ "pasid_pgtt_ss", G_PTBL + 5 * 64, 0x81, 0, PASID, 0x5b },
	/* PGTT 3 (nested) never offered: 0xc0 | 1. */
	{ "pasid_pgtt_nested", G_PTBL + 5 * 64, 0xc1, 0, PASID, 0x5b },
	/* PGTT 0 reserved: 0x01. */
	{ "pasid_pgtt_0", G_PTBL + 5 * 64, 0x01, 0, PASID, 0x5b },
	/* SLADE (bit 9) without SLADS: 0x241. */
	{ "pasid_slade", G_PTBL + 5 * 64, 0x241, 0, PASID, 0x5a },
};

static void fr_desc(const struct fr_case *c, char *d)
{
	strncpy(d, c->name, KUNIT_PARAM_DESC_SIZE - 1);
}
KUNIT_ARRAY_PARAM(fr, fr_cases, fr_desc);

static void pasid_entry_faults(struct kunit *test)
{
	const struct fr_case *c = test->param_value;
	struct fx *f = test->priv;
	struct vtd_pasid_entry pe;
	u8 fr = 0;

	enable(f, true);
	if (c->gpa)
		gw64(f, c->gpa, c->val);
	if (c->rtaddr) {
		viommu_write(f->v, VTD_RTADDR_REG, 8, c->rtaddr);
		viommu_write(f->v, VTD_GCMD_REG, 4, 0xc4000000);
	}
	KUNIT_EXPECT_EQ(test, viommu_read_pasid_entry(f->v, RID, c->pasid, &pe,
						      &fr), -EFAULT);
	KUNIT_EXPECT_EQ(test, fr, c->fr);
	KUNIT_EXPECT_GT(test, st(f)->table_faults, 0ULL);
}

static void pasid_entry_no_srtp(struct kunit *test)
{
	struct fx *f = test->priv;
	struct vtd_pasid_entry pe;
	u8 fr = 0;

	guest_tables(f);
	KUNIT_EXPECT_EQ(test, viommu_read_pasid_entry(f->v, RID, PASID, &pe,
						      &fr), -EFAULT);
	KUNIT_EXPECT_EQ(test, fr, 0x30);
}

/* ------------------------------------------------------------------ */
/* Invalidation queue                                                 */
/* ------------------------------------------------------------------ */
struct desc_case {
	const char *name;
	u64 qw0, qw1;
	enum vsva_inv_kind kind;
	enum vsva_inv_gran gran;
	u16 did, sid;
	u32 pasid;
	u64 addr;
};

static const struct desc_case desc_cases[] = {
	/* CC device-selective: 1 | G 3 << 4 | DID 7 << 16 | SID 0x100 << 32 */
	{ "cc_device", 0x0000010000070031ULL, 0, VSVA_INV_CC,
	  VSVA_INV_G_DEVICE, 7, 0x100, 0, 0 },
	/* CC global: 1 | 1 << 4 */
	{ "cc_global", 0x11ULL, 0, VSVA_INV_CC, VSVA_INV_G_GLOBAL, 0, 0, 0, 0 },
	/* IOTLB page: 2 | G 3 << 4 | DID 7 << 16; qw1 ADDR 0x200000, AM 0 */
	{ "iotlb_page", 0x70032ULL, 0x200000ULL, VSVA_INV_IOTLB,
	  VSVA_INV_G_PAGE, 7, 0, 0, 0x200000 },
	/* IOTLB domain: 2 | 2 << 4 | 7 << 16 */
	{ "iotlb_domain", 0x70022ULL, 0, VSVA_INV_IOTLB, VSVA_INV_G_DOMAIN,
	  7, 0, 0, 0 },
	/* Device-TLB: 3 | SID 0x100 << 32; qw1 ADDR 0x1000, S 0 */
	{ "devtlb", 0x0000010000000003ULL, 0x1000ULL, VSVA_INV_DEVTLB,
	  VSVA_INV_G_NONE, 0, 0x100, 0, 0x1000 },
	/* IEC global: 4 */
	{ "iec", 0x4ULL, 0, VSVA_INV_IEC, VSVA_INV_G_GLOBAL, 0, 0, 0, 0 },
	/* P_IOTLB PASID-selective: 6 | 2 << 4 | 7 << 16 | 5 << 32 */
	{ "piotlb_pasid", 0x0000000500070026ULL, 0, VSVA_INV_PIOTLB,
	  VSVA_INV_G_PASID, 7, 0, 5, 0 },
	/* P_IOTLB page: 6 | 3 << 4 | 7 << 16 | 5 << 32; qw1 0x400000 */
	{ "piotlb_page", 0x0000000500070036ULL, 0x400000ULL, VSVA_INV_PIOTLB,
	  VSVA_INV_G_PASID_PAGE, 7, 0, 5, 0x400000 },
	/* PC PASID-selective: 7 | 1 << 4 | 7 << 16 | 5 << 32 */
	{ "pc_pasid", 0x0000000500070017ULL, 0, VSVA_INV_PC, VSVA_INV_G_PASID,
	  7, 0, 5, 0 },
	/* PC domain-selective: 7 | 0 << 4 | 7 << 16 */
	{ "pc_domain", 0x70007ULL, 0, VSVA_INV_PC, VSVA_INV_G_DOMAIN, 7, 0, 0,
	  0 },
	/* PC global: 7 | 3 << 4 */
	{ "pc_global", 0x37ULL, 0, VSVA_INV_PC, VSVA_INV_G_GLOBAL, 0, 0, 0, 0 },
	/* PASID-devTLB: 8 | SID 0x100 << 16 | PASID 5 << 32; qw1 0x3000 */
	{ "pdevtlb", 0x0000000501000008ULL, 0x3000ULL, VSVA_INV_PDEVTLB,
	  VSVA_INV_G_PASID, 0, 0x100, 5, 0x3000 },
};

static void dc_desc(const struct desc_case *c, char *d)
{
	strncpy(d, c->name, KUNIT_PARAM_DESC_SIZE - 1);
}
KUNIT_ARRAY_PARAM(desc, desc_cases, dc_desc);

static void desc_reaches_hook(struct kunit *test)
{
	const struct desc_case *c = test->param_value;
	struct fx *f = test->priv;

	enable(f, true);
	put(f, c->qw0, c->qw1);
	doorbell(f);
	KUNIT_EXPECT_EQ(test, f->batches, 1u);
	KUNIT_ASSERT_EQ(test, f->nops, 1u);
	KUNIT_EXPECT_EQ(test, f->ops[0].kind, c->kind);
	KUNIT_EXPECT_EQ(test, f->ops[0].gran, c->gran);
	KUNIT_EXPECT_EQ(test, f->ops[0].did, c->did);
	KUNIT_EXPECT_EQ(test, f->ops[0].sid, c->sid);
	KUNIT_EXPECT_EQ(test, f->ops[0].pasid, c->pasid);
	KUNIT_EXPECT_EQ(test, f->ops[0].addr, c->addr);
	/* IQH = IQT = 32 */
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_IQH_REG, 8), 32ULL);
	KUNIT_EXPECT_EQ(test, st(f)->iq_descs, 1ULL);
}

static void batch_split_at_wait(struct kunit *test)
{
	struct fx *f = test->priv;

	enable(f, true);
	/* Linux pasid_flush_caches in caching mode: PC + P_IOTLB + wait. */
	put(f, 0x0000000500070017ULL, 0);
	put(f, 0x0000000500070026ULL, 0);
	put(f, WAIT_QW0, G_STATUS);
	put(f, 0x70022ULL, 0);
	doorbell(f);
	KUNIT_EXPECT_EQ(test, f->batches, 2u);
	KUNIT_EXPECT_EQ(test, f->batch_n[0], 2u);
	KUNIT_EXPECT_EQ(test, f->batch_n[1], 1u);
	/* The status word was not yet written when the first batch ran. */
	KUNIT_EXPECT_EQ(test, f->status_at_batch[0], 0u);
	KUNIT_EXPECT_EQ(test, f->status_at_batch[1], 0xabcdu);
	KUNIT_EXPECT_EQ(test, f->ops[0].kind, VSVA_INV_PC);
	KUNIT_EXPECT_EQ(test, f->ops[1].kind, VSVA_INV_PIOTLB);
	KUNIT_EXPECT_EQ(test, f->ops[2].kind, VSVA_INV_IOTLB);
	KUNIT_EXPECT_EQ(test, st(f)->pasid_cache_invs, 1ULL);
	KUNIT_EXPECT_EQ(test, st(f)->iq_batches, 2ULL);
}

static void one_batch_per_doorbell(struct kunit *test)
{
	struct fx *f = test->priv;

	enable(f, true);
	for (int i = 0; i < 5; i++)
		put(f, 0x70022ULL, 0);
	doorbell(f);
	KUNIT_EXPECT_EQ(test, f->batches, 1u);
	KUNIT_EXPECT_EQ(test, f->batch_n[0], 5u);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_IQH_REG, 8), 160ULL);
}

static void wait_status_and_irq(struct kunit *test)
{
	struct fx *f = test->priv;

	enable(f, true);
	viommu_write(f->v, VTD_IEDATA_REG, 4, 0x41);
	put(f, WAIT_QW0, G_STATUS);
	doorbell(f);
	KUNIT_EXPECT_EQ(test, gr32(f, G_STATUS), 0xabcdu);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_ICS_REG, 4), 1ULL);
	KUNIT_EXPECT_EQ(test, f->irqs, 1u);
	KUNIT_EXPECT_EQ(test, f->irq_data, 0x41u);
	KUNIT_EXPECT_EQ(test, f->batches, 0u);	/* nothing to hand over */
	/* IWC still set: the next wait raises no new interrupt. */
	put(f, WAIT_QW0, G_STATUS);
	doorbell(f);
	KUNIT_EXPECT_EQ(test, f->irqs, 1u);
	/* RW1C clear, mask, wait: IP (bit 30) pends; unmask delivers. */
	viommu_write(f->v, VTD_ICS_REG, 4, 1);
	viommu_write(f->v, VTD_IECTL_REG, 4, 0x80000000);
	put(f, WAIT_QW0, G_STATUS);
	doorbell(f);
	KUNIT_EXPECT_EQ(test, f->irqs, 1u);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_IECTL_REG, 4),
			0xc0000000ULL);
	viommu_write(f->v, VTD_IECTL_REG, 4, 0);
	KUNIT_EXPECT_EQ(test, f->irqs, 2u);
	KUNIT_EXPECT_EQ(test, st(f)->inv_waits, 3ULL);
}

static void wait_status_outside_ram(struct kunit *test)
{
	struct fx *f = test->priv;

	enable(f, true);
	put(f, WAIT_QW0, G_OUTSIDE);
	doorbell(f);
	KUNIT_EXPECT_EQ(test, st(f)->wait_write_faults, 1ULL);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_IQH_REG, 8), 32ULL);
}

static void page_response_after_batch(struct kunit *test)
{
	struct fx *f = test->priv;

	enable(f, true);
	put(f, 0x0000000500070036ULL, 0x400000ULL);
	/* Response: 9 | PP 0x10 | RID 0x100 << 16 | PASID 5 << 32;
	 * qw1 PRGI 3 << 3 | LPIG 1 << 2 = 0x1c. */
	put(f, 0x0000000501000019ULL, 0x1cULL);
	doorbell(f);
	KUNIT_EXPECT_EQ(test, f->responses, 1u);
	KUNIT_EXPECT_EQ(test, f->batches_at_resp, 1u);
	KUNIT_EXPECT_EQ(test, f->resp_rid, 0x100);
	KUNIT_EXPECT_TRUE(test, f->resp_pp);
	KUNIT_EXPECT_EQ(test, f->resp_pasid, 5u);
	KUNIT_EXPECT_EQ(test, f->resp_prgi, 3);
	KUNIT_EXPECT_EQ(test, f->resp_code, 0);
	KUNIT_EXPECT_EQ(test, f->nops, 1u);	/* not in the batch */
	KUNIT_EXPECT_EQ(test, st(f)->page_responses, 1ULL);
}

static void context_inv_notifies(struct kunit *test)
{
	struct fx *f = test->priv;

	enable(f, true);
	f->ctx_changed = 0;
	put(f, 0x0000010000070031ULL, 0);
	doorbell(f);
	KUNIT_EXPECT_EQ(test, f->ctx_changed, 1u);
	KUNIT_EXPECT_EQ(test, f->ctx_rid, 0x100);
	put(f, 0x11ULL, 0);
	doorbell(f);
	KUNIT_EXPECT_EQ(test, f->ctx_rid, VIOMMU_RID_ALL);
	KUNIT_EXPECT_EQ(test, st(f)->ctx_invs, 2ULL);
}

static void iqe_reserved_bit(struct kunit *test)
{
	struct fx *f = test->priv;

	enable(f, true);
	put(f, 0x70022ULL, 0);
	/* IOTLB domain with reserved qw0 bit 12 set: 0x70022 | 0x1000. */
	put(f, 0x71022ULL, 0);
	put(f, 0x70022ULL, 0);
	doorbell(f);
	/* The valid one before it was handed over, then IQE. */
	KUNIT_EXPECT_EQ(test, f->batches, 1u);
	KUNIT_EXPECT_EQ(test, f->nops, 1u);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_FSTS_REG, 4) & 0x10, 0x10ULL);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_IQERCD_REG, 8) & 0xf, 4ULL);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_IQH_REG, 8), 32ULL);
	KUNIT_EXPECT_EQ(test, st(f)->iq_errors, 1ULL);
	KUNIT_EXPECT_EQ(test, st(f)->iqe_by_iqei[4], 1ULL);
	KUNIT_EXPECT_EQ(test, f->irqs, 1u);	/* fault event */
	/* Software fixes the descriptor and clears IQE: processing resumes. */
	gw64(f, G_IQ + 32, 0x70022ULL);
	viommu_write(f->v, VTD_FSTS_REG, 4, 0x10);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_IQH_REG, 8), 96ULL);
	KUNIT_EXPECT_EQ(test, f->nops, 3u);
}

static void iqe_bad_type(struct kunit *test)
{
	struct fx *f = test->priv;

	enable(f, true);
	put(f, 0x0ULL, 0);	/* type 0 */
	doorbell(f);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_IQERCD_REG, 8) & 0xf, 3ULL);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_IQH_REG, 8), 0ULL);
	KUNIT_EXPECT_EQ(test, f->batches, 0u);
}

static void iqe_width(struct kunit *test)
{
	struct fx *f = test->priv;

	enable(f, false);	/* 128-bit queue */
	gw64(f, G_IQ, 0x0000000500070017ULL);	/* type 7 needs 256 bits */
	gw64(f, G_IQ + 8, 0);
	viommu_write(f->v, VTD_IQT_REG, 8, 16);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_IQERCD_REG, 8) & 0xf, 5ULL);
	KUNIT_EXPECT_EQ(test, st(f)->iqe_by_iqei[5], 1ULL);
}

static void iqe_tail(struct kunit *test)
{
	struct fx *f = test->priv;

	enable(f, true);
	/* DW = 1: a tail with bit 4 set (0x10) is invalid. */
	viommu_write(f->v, VTD_IQT_REG, 8, 0x10);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_IQERCD_REG, 8) & 0xf, 1ULL);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_FSTS_REG, 4) & 0x10, 0x10ULL);
}

static void iqe_fetch(struct kunit *test)
{
	struct fx *f = test->priv;

	guest_tables(f);
	viommu_write(f->v, VTD_IQA_REG, 8, G_OUTSIDE | 0x800);
	viommu_write(f->v, VTD_GCMD_REG, 4, 0x04000000);
	viommu_write(f->v, VTD_IQT_REG, 8, 32);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_IQERCD_REG, 8) & 0xf, 2ULL);
}

static void ice_on_hook_error(struct kunit *test)
{
	struct fx *f = test->priv;

	enable(f, true);
	f->batch_ret = -EIO;
	put(f, 0x0000000501000008ULL, 0x3000ULL);
	put(f, WAIT_QW0, G_STATUS);
	doorbell(f);
	/* ICE (bit 5), ICESID (63:48) = 0x100; the wait still completes. */
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_FSTS_REG, 4) & 0x20, 0x20ULL);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_IQERCD_REG, 8) >> 48,
			0x100ULL);
	KUNIT_EXPECT_EQ(test, gr32(f, G_STATUS), 0xabcdu);
	KUNIT_EXPECT_EQ(test, st(f)->ice_errors, 1ULL);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_IQH_REG, 8), 64ULL);
}

/* ------------------------------------------------------------------ */
/* vPRQ                                                               */
/* ------------------------------------------------------------------ */
static void prq_setup(struct fx *f)
{
	enable(f, true);
	viommu_write(f->v, VTD_PQA_REG, 8, G_PRQ);	/* PQS 0: 128 slots */
	viommu_write(f->v, VTD_PEDATA_REG, 4, 0x55);
	viommu_write(f->v, VTD_PECTL_REG, 4, 0);
	f->irqs = 0;
}

static const struct piommu_page_req req5 = {
	.rid = RID, .pasid_present = true, .pasid = PASID,
	.addr = 0x7000, .w = true, .r = true, .lpig = true, .prg_index = 9,
};

static void vprq_write(struct kunit *test)
{
	struct fx *f = test->priv;

	prq_setup(f);
	KUNIT_EXPECT_EQ(test, viommu_inject_page_request(f->v, &req5), 0);
	/* qw0: type 1 | PP 1 << 8 | RID 0x100 << 16 | PASID 5 << 32 */
	KUNIT_EXPECT_EQ(test, gr64(f, G_PRQ), 0x0000000501000101ULL);
	/* qw1: R 1 | W 2 | LPIG 4 | PRGI 9 << 3 = 0x48 | ADDR 0x7000:
	 * 0x7000 | 0x4f */
	KUNIT_EXPECT_EQ(test, gr64(f, G_PRQ + 8), 0x704fULL);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_PQT_REG, 8), 32ULL);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_PRS_REG, 4), 1ULL); /* PPR */
	KUNIT_EXPECT_EQ(test, f->irqs, 1u);
	KUNIT_EXPECT_EQ(test, f->irq_data, 0x55u);
	KUNIT_EXPECT_EQ(test, st(f)->page_requests, 1ULL);
}

static void vprq_overflow(struct kunit *test)
{
	struct fx *f = test->priv;
	struct piommu_page_req r = req5;
	int ret = 0;

	prq_setup(f);
	for (int i = 0; i < 127; i++) {
		r.prg_index = (u16)i;
		ret |= viommu_inject_page_request(f->v, &r);
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
	r.prg_index = 200;
	KUNIT_EXPECT_EQ(test, viommu_inject_page_request(f->v, &r), -ENOSPC);
	/* PRO (bit 1) | PPR; the hardware answers the group: Success. */
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_PRS_REG, 4), 3ULL);
	KUNIT_EXPECT_EQ(test, f->responses, 1u);
	KUNIT_EXPECT_EQ(test, f->resp_prgi, 200);
	KUNIT_EXPECT_EQ(test, f->resp_code, VTD_PRG_RESP_SUCCESS);
	KUNIT_EXPECT_EQ(test, st(f)->vprq_overflows, 1ULL);
	KUNIT_EXPECT_EQ(test, st(f)->prq_auto_responses, 1ULL);
	/* A request without LPIG is dropped silently. */
	r.lpig = false;
	KUNIT_EXPECT_EQ(test, viommu_inject_page_request(f->v, &r), -ENOSPC);
	KUNIT_EXPECT_EQ(test, f->responses, 1u);
}

static void vprq_pre_clear(struct kunit *test)
{
	struct fx *f = test->priv;
	u64 hi;

	prq_setup(f);
	gw64(f, G_CTX, 0x12009);	/* PRE (bit 4) clear */
	KUNIT_EXPECT_EQ(test, viommu_inject_page_request(f->v, &req5), -EPERM);
	KUNIT_EXPECT_EQ(test, f->responses, 1u);
	KUNIT_EXPECT_EQ(test, f->resp_code, VTD_PRG_RESP_INVALID);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_PQT_REG, 8), 0ULL);
	/* Recorded: FR 0x47 (bits 103:96), T2 (bit 92 = hi bit 28). */
	hi = viommu_read(f->v, 0x608, 8);
	KUNIT_EXPECT_EQ(test, (hi >> 32) & 0xff, 0x47ULL);
	KUNIT_EXPECT_EQ(test, (hi >> 28) & 1, 1ULL);
	KUNIT_EXPECT_EQ(test, st(f)->prq_rejected, 1ULL);
}

static void vprq_paside_clear(struct kunit *test)
{
	struct fx *f = test->priv;
	struct piommu_page_req r = req5;

	prq_setup(f);
	gw64(f, G_CTX, 0x12011);	/* PASIDE (bit 3) clear */
	r.lpig = false;
	KUNIT_EXPECT_EQ(test, viommu_inject_page_request(f->v, &r), -EPERM);
	KUNIT_EXPECT_EQ(test, f->responses, 0u);	/* no LPIG: none owed */
	KUNIT_EXPECT_EQ(test, (viommu_read(f->v, 0x608, 8) >> 32) & 0xff,
			0x45ULL);
}

static void vprq_te_off(struct kunit *test)
{
	struct fx *f = test->priv;

	guest_tables(f);
	KUNIT_EXPECT_EQ(test, viommu_inject_page_request(f->v, &req5), -EPERM);
	KUNIT_EXPECT_EQ(test, f->responses, 1u);
	f->phys.ecap &= ~BIT_ULL(29);
	KUNIT_ASSERT_EQ(test, make_viommu(f), 0);
	KUNIT_EXPECT_EQ(test, viommu_inject_page_request(f->v, &req5),
			-EOPNOTSUPP);
}

/* ------------------------------------------------------------------ */
/* Guest fault recording                                              */
/* ------------------------------------------------------------------ */
static void fault_record(struct kunit *test)
{
	struct fx *f = test->priv;
	struct piommu_fault flt = {
		.sid = RID, .pasid_present = true, .pasid = PASID,
		.addr = 0x12345678, .reason = 0x71, .write = true,
	};
	u64 lo, hi;

	enable(f, true);
	viommu_write(f->v, VTD_FEDATA_REG, 4, 0x66);
	f->irqs = 0;
	KUNIT_EXPECT_EQ(test, viommu_record_fault(f->v, &flt), 0);
	lo = viommu_read(f->v, 0x600, 8);
	hi = viommu_read(f->v, 0x608, 8);
	KUNIT_EXPECT_EQ(test, lo, 0x12345000ULL);	/* FI: page address */
	/* hi: SID 0x100 (79:64 -> 15:0), PP (95 -> 31), FR 0x71 (39:32),
	 * PV 5 (123:104 -> 59:40), T1 0 (write), F (63):
	 * 0x8000000000000000 | 5 << 40 | 0x71 << 32 | 0x80000000 | 0x100 */
	KUNIT_EXPECT_EQ(test, hi, 0x8000057180000100ULL);
	/* FSTS: PPF (bit 1), FRI 0 */
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_FSTS_REG, 4), 0x2ULL);
	KUNIT_EXPECT_EQ(test, f->irqs, 1u);
	KUNIT_EXPECT_EQ(test, f->irq_data, 0x66u);
	/* Software clears F (RW1C, bit 127): PPF goes. */
	viommu_write(f->v, 0x608, 8, 0x8000000000000000ULL);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_FSTS_REG, 4), 0ULL);
}

static void fault_overflow(struct kunit *test)
{
	struct fx *f = test->priv;
	struct piommu_fault flt = { .sid = RID, .addr = 0x1000, .reason = 0x71 };

	f->pol.nfr = 2;
	KUNIT_ASSERT_EQ(test, make_viommu(f), 0);
	enable(f, true);
	KUNIT_EXPECT_EQ(test, viommu_record_fault(f->v, &flt), 0);
	KUNIT_EXPECT_EQ(test, viommu_record_fault(f->v, &flt), 0);
	KUNIT_EXPECT_EQ(test, viommu_record_fault(f->v, &flt), -ENOSPC);
	/* PFO (bit 0) | PPF (bit 1) */
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_FSTS_REG, 4) & 3, 3ULL);
	KUNIT_EXPECT_EQ(test, st(f)->fault_overflows, 1ULL);
	KUNIT_EXPECT_EQ(test, st(f)->faults_recorded, 2ULL);
	/* With PFO set every fault is dropped. */
	viommu_write(f->v, 0x608, 8, 0x8000000000000000ULL);
	KUNIT_EXPECT_EQ(test, viommu_record_fault(f->v, &flt), -ENOSPC);
	/* NFR 1 (2 records) in CAP. */
	KUNIT_EXPECT_EQ(test, (viommu_cap(f->v) >> 40) & 0xff, 1ULL);
}

static void fault_fpd(struct kunit *test)
{
	struct fx *f = test->priv;
	struct piommu_fault flt = {
		.sid = RID, .pasid_present = true, .pasid = PASID,
		.addr = 0x1000, .reason = 0x71,
	};

	enable(f, true);
	gw64(f, G_PTBL + 5 * 64, 0x43);		/* FPD (bit 1) */
	KUNIT_EXPECT_EQ(test, viommu_record_fault(f->v, &flt), -EPERM);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_FSTS_REG, 4), 0ULL);
	KUNIT_EXPECT_EQ(test, st(f)->faults_suppressed, 1ULL);
	gw64(f, G_PTBL + 5 * 64, 0x41);
	gw64(f, G_CTX, 0x1201b);		/* context FPD */
	KUNIT_EXPECT_EQ(test, viommu_record_fault(f->v, &flt), -EPERM);
}

/* ------------------------------------------------------------------ */
/* Virtual commands                                                   */
/* ------------------------------------------------------------------ */
static void vcmd_rev30(struct kunit *test)
{
	struct fx *f = test->priv;

	f->pol.pasid_ns = VIOMMU_PASID_VCMD;
	KUNIT_ASSERT_EQ(test, make_viommu(f), 0);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, 0xe00, 8), 1ULL);  /* VCCAP.PAS */
	viommu_write(f->v, 0xe10, 8, 1);			/* alloc */
	/* VCRSP 0xe20: PASID 0x100 << 8, SC 0, IP 0 */
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, 0xe20, 8), 0x10000ULL);
	/* free 0x100: operand << 8 | 2 */
	viommu_write(f->v, 0xe10, 8, 0x10002);
	KUNIT_EXPECT_EQ(test, f->freed, 0x100u);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, 0xe20, 8), 0ULL);
	KUNIT_EXPECT_EQ(test, st(f)->vcmds, 2ULL);
}

static void vcmd_rev30_errors(struct kunit *test)
{
	struct fx *f = test->priv;

	f->pol.pasid_ns = VIOMMU_PASID_VCMD;
	KUNIT_ASSERT_EQ(test, make_viommu(f), 0);
	f->alloc_ret = -ENOSPC;
	viommu_write(f->v, 0xe10, 8, 1);
	/* SC 2 at bits 2:1: 0x4 */
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, 0xe20, 8), 0x4ULL);
	/* free PASID 0: refused, hook not called */
	viommu_write(f->v, 0xe10, 8, 2);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, 0xe20, 8), 0x4ULL);
	KUNIT_EXPECT_EQ(test, f->freed, 0u);
	/* free beyond 20 bits: 1 << 20 << 8 | 2 */
	viommu_write(f->v, 0xe10, 8, (1ULL << 28) | 2);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, 0xe20, 8), 0x4ULL);
	/* host refuses the free */
	f->free_ret = -ENOENT;
	viommu_write(f->v, 0xe10, 8, 0x5002);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, 0xe20, 8), 0x4ULL);
	/* unknown command 3: SC 1 -> 0x2 */
	viommu_write(f->v, 0xe10, 8, 3);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, 0xe20, 8), 0x2ULL);
	KUNIT_EXPECT_EQ(test, st(f)->vcmd_errors, 5ULL);
	/* A host PASID wider than offered is given back, SC 2. */
	f->alloc_ret = 0;
	f->next_pasid = 1U << 20;
	viommu_write(f->v, 0xe10, 8, 1);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, 0xe20, 8), 0x4ULL);
	KUNIT_EXPECT_EQ(test, f->freed, 1u << 20);
}

static void vcmd_rev33(struct kunit *test)
{
	struct fx *f = test->priv;

	f->pol.pasid_ns = VIOMMU_PASID_VCMD;
	f->pol.vcmd_layout = VTD_VCMD_REV33;
	KUNIT_ASSERT_EQ(test, make_viommu(f), 0);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, 0xe30, 8), 1ULL);	/* VCCAP */
	viommu_write(f->v, 0xe00, 8, 1);
	/* VCRSP 0xe10: PASID 0x100 << 16 */
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, 0xe10, 8), 0x1000000ULL);
	f->alloc_ret = -ENOSPC;
	viommu_write(f->v, 0xe00, 8, 1);
	/* SC 16 at bits 7:1: 0x20 */
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, 0xe10, 8), 0x20ULL);
	KUNIT_EXPECT_EQ(test, vtd_vcrsp_sc(0x20, VTD_VCMD_REV33), 16ULL);
	viommu_write(f->v, 0xe00, 8, (0x100ULL << 16) | 2);
	KUNIT_EXPECT_EQ(test, f->freed, 0x100u);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, 0xe10, 8), 0ULL);
}

/* ------------------------------------------------------------------ */
/* Reset                                                              */
/* ------------------------------------------------------------------ */
static void reset_all(struct kunit *test)
{
	struct fx *f = test->priv;
	struct piommu_fault flt = { .sid = RID, .addr = 0x1000, .reason = 0x71 };
	struct vtd_pasid_entry pe;
	u8 fr;

	prq_setup(f);
	viommu_inject_page_request(f->v, &req5);
	viommu_record_fault(f->v, &flt);
	put(f, 0x0ULL, 0);
	doorbell(f);
	viommu_reset(f->v);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_GSTS_REG, 4), 0ULL);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_FSTS_REG, 4), 0ULL);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_IQH_REG, 8), 0ULL);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_IQERCD_REG, 8), 0ULL);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, 0x608, 8), 0ULL);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_PQT_REG, 8), 0ULL);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_PRS_REG, 4), 0ULL);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_FECTL_REG, 4), 0x80000000ULL);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_PECTL_REG, 4), 0x80000000ULL);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_CAP_REG, 8), viommu_cap(f->v));
	/* The root pointer is gone with SRTP's latch. */
	KUNIT_EXPECT_EQ(test, viommu_read_pasid_entry(f->v, RID, PASID, &pe, &fr),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, st(f)->resets, 1ULL);
	/* And it comes up again like new. */
	f->iq_tail = 0;
	enable(f, true);
	put(f, 0x70022ULL, 0);
	doorbell(f);
	KUNIT_EXPECT_EQ(test, viommu_read(f->v, VTD_IQH_REG, 8), 32ULL);
}

static struct kunit_case viommu_cases[] = {
	KUNIT_CASE(caps_default),
	KUNIT_CASE_PARAM(caps_derived, caps_gen_params),
	KUNIT_CASE(caps_refused),
	KUNIT_CASE(enable_sequence),
	KUNIT_CASE(bad_mmio),
	KUNIT_CASE(pasid_entry_ok),
	KUNIT_CASE_PARAM(pasid_entry_faults, fr_gen_params),
	KUNIT_CASE(pasid_entry_no_srtp),
	KUNIT_CASE_PARAM(desc_reaches_hook, desc_gen_params),
	KUNIT_CASE(batch_split_at_wait),
	KUNIT_CASE(one_batch_per_doorbell),
	KUNIT_CASE(wait_status_and_irq),
	KUNIT_CASE(wait_status_outside_ram),
	KUNIT_CASE(page_response_after_batch),
	KUNIT_CASE(context_inv_notifies),
	KUNIT_CASE(iqe_reserved_bit),
	KUNIT_CASE(iqe_bad_type),
	KUNIT_CASE(iqe_width),
	KUNIT_CASE(iqe_tail),
	KUNIT_CASE(iqe_fetch),
	KUNIT_CASE(ice_on_hook_error),
	KUNIT_CASE(vprq_write),
	KUNIT_CASE(vprq_overflow),
	KUNIT_CASE(vprq_pre_clear),
	KUNIT_CASE(vprq_paside_clear),
	KUNIT_CASE(vprq_te_off),
	KUNIT_CASE(fault_record),
	KUNIT_CASE(fault_overflow),
	KUNIT_CASE(fault_fpd),
	KUNIT_CASE(vcmd_rev30),
	KUNIT_CASE(vcmd_rev30_errors),
	KUNIT_CASE(vcmd_rev33),
	KUNIT_CASE(reset_all),
	{}
};

static struct kunit_suite viommu_suite = {
	.name = "viommu",
	.init = fx_init,
	.exit = fx_exit,
	.test_cases = viommu_cases,
};
kunit_test_suites(&viommu_suite);
