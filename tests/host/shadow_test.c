// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow engine on a whole simulated machine: host memory, an L1 VM,
 * the physical VT-d unit with its host driver, the S-IOV PF.  The guest's
 * context entry, PASID directory, PASID tables and page tables are written
 * into the VM's memory; a small guest view (the part of the vIOMMU the
 * engine reads: context -> PASID directory -> PASID table) stands in for the
 * vIOMMU, and the tests call the vIOMMU hooks as the vIOMMU would.  The
 * physical PASID entries are read back from host memory and decoded, DMA
 * is done by the PF, and every invalidation the engine submits is seen by
 * a spy on the pIOMMU.
 */
#include <kunit/test.h>
#include <string.h>

#include "platform.h"
#include "shadow.h"
#include "pasid_alloc.h"
#include <nestmed/vtd_fault.h>
#include <nestmed/vtd_pte.h>

#define GRID		0x0018		/* the PF as the guest sees it */
#define MB		(1ULL << 20)
#define RAM		(32 * MB)
#define GTBL_BASE	(16 * MB)	/* guest table pages from here */
#define IOVA		0x7f0000000000ULL
#define SRC_GPA		0x100000ULL
#define DST_GPA		0x140000ULL
#define DST2_GPA	0x180000ULL
#define CR_GPA		0x1f0000ULL
#define XFER		0x2000u
#define OWNER		3

/* ---- a pIOMMU spy: forwards to the host driver, records submissions */
struct spy {
	struct piommu pi;		/* first: container */
	struct piommu_ops ops;
	struct piommu *real;
	struct vsva_inv_op ops_seen[256];
	u32 nops, submissions;
	int set_fail;			/* next set_* returns this */
};

static struct spy *SPY(struct piommu *p)
{
	return (struct spy *)p;
}

static int spy_caps(struct piommu *p, struct piommu_caps *c)
{
	return SPY(p)->real->ops->get_caps(SPY(p)->real, c);
}

static int spy_nested(struct piommu *p, u16 rid, u32 pasid, u16 did,
		      const struct piommu_fs_cfg *fs, struct sim_vm *vm)
{
	if (SPY(p)->set_fail)
		return SPY(p)->set_fail;
	return SPY(p)->real->ops->set_nested(SPY(p)->real, rid, pasid, did, fs, vm);
}

static int spy_ss(struct piommu *p, u16 rid, u32 pasid, u16 did,
		  struct sim_vm *vm)
{
	return SPY(p)->real->ops->set_ss(SPY(p)->real, rid, pasid, did, vm);
}

static int spy_ss_table(struct piommu *p, u16 rid, u32 pasid, u16 did,
			u64 root, u8 levels)
{
	return SPY(p)->real->ops->set_ss_table(SPY(p)->real, rid, pasid, did,
					       root, levels);
}

static int spy_clear(struct piommu *p, u16 rid, u32 pasid)
{
	return SPY(p)->real->ops->clear(SPY(p)->real, rid, pasid);
}

static int spy_submit(struct piommu *p, const struct vsva_inv_op *ops,
		      unsigned int n)
{
	struct spy *s = SPY(p);

	s->submissions++;
	for (unsigned int i = 0; i < n && s->nops < 256; i++)
		s->ops_seen[s->nops++] = ops[i];
	return s->real->ops->inv_submit(s->real, ops, n);
}

/* ---- the fixture ---------------------------------------------------- */
struct sht {
	struct kunit *test;
	struct sim_platform p;
	struct spy spy;
	struct shadow *sh;
	struct shadow_cfg cfg;
	struct viommu_hooks h;
	struct shadow_guest_ops gops;
	struct vsva_pasid_allocator *pa;
	u64 gnext, pdir;
	bool ctx_present;
	u32 faults;
	struct piommu_fault last_fault;
	u32 irqs, responses;
	u16 resp_prg;
	/* With the real vIOMMU (sht_init_viommu): the guest's queue. */
	struct viommu *v;
	u64 iq, status;
	u32 tail;
};

static struct sim_mem *M(struct sht *t)
{
	return t->p.s.mem;
}

static u32 AS(struct sht *t)
{
	return sim_vm_id(t->p.vm);
}

static u64 rd64(struct sht *t, u64 gpa)
{
	u64 v = 0;

	sim_mem_read(M(t), AS(t), gpa, &v, 8);
	return v;
}

static void wr64(struct sht *t, u64 gpa, u64 v)
{
	sim_mem_write(M(t), AS(t), gpa, &v, 8);
}

static u64 gpage(struct sht *t)
{
	static const u8 zero[4096];
	u64 a = t->gnext;

	t->gnext += 4096;
	KUNIT_ASSERT_EQ(t->test, sim_mem_write(M(t), AS(t), a, zero, 4096), 0);
	return a;
}

/* The guest view: context -> PASID directory -> PASID table (9.4-9.6). */
static int g_read_context(void *ctx, u16 rid, struct vtd_sm_context_entry *ce,
			  u8 *fr)
{
	struct sht *t = ctx;

	memset(ce, 0, sizeof(*ce));
	if (rid != GRID || !t->ctx_present) {
		*fr = VTD_FR_SM_CTX_NOT_PRESENT;
		return -EFAULT;
	}
	vtd_sce_set_p(ce, 1);
	vtd_sce_set_paside(ce, 1);
	vtd_sce_set_pdts(ce, 7);		/* 2^(7+7) entries: 20 bits */
	vtd_sce_set_pasiddirptr(ce, t->pdir);
	return 0;
}

static int g_read_pasid_entry(void *ctx, u16 rid, u32 pasid,
			      struct vtd_pasid_entry *pe, u8 *fr)
{
	struct sht *t = ctx;
	struct vtd_pasid_dir_entry de;
	struct vtd_sm_context_entry ce;

	if (g_read_context(ctx, rid, &ce, fr))
		return -EFAULT;
	de.val[0] = rd64(t, t->pdir + 8ULL * (pasid >> 6));
	if (!vtd_pde_p(&de)) {
		*fr = VTD_FR_SM_PDIR_NOT_PRESENT;
		return -EFAULT;
	}
	if (vtd_pde_rsvd(&de, 48)) {
		*fr = VTD_FR_SM_PDIR_RSVD;
		return -EFAULT;
	}
	return sim_mem_read(M(t), AS(t), vtd_pde_smptblptr(&de) +
			    64ULL * (pasid % 64), pe->val, 64);
}

static int g_record_fault(void *ctx, const struct piommu_fault *f)
{
	struct sht *t = ctx;

	t->faults++;
	t->last_fault = *f;
	return 0;
}

static void g_irq(void *ctx, u32 data, u64 addr)
{
	((struct sht *)ctx)->irqs++;
}

static void g_resp(void *ctx, u16 rid, bool pp, u32 pasid, u16 prg, u8 code)
{
	struct sht *t = ctx;

	t->responses++;
	t->resp_prg = prg;
}

struct sht_opts {
	bool pt, slts, vcmd, no_fl5lp, srs_off;
	bool viommu;		/* the real vIOMMU instead of the guest view */
	u16 did_min, did_max;
};

static void sht_init(struct sht *t, struct kunit *test,
		     const struct sht_opts *o)
{
	static const struct sht_opts none;
	struct sim_platform_cfg pc;
	struct piommu_caps caps;
	struct spy *s = &t->spy;

	if (!o)
		o = &none;
	memset(t, 0, sizeof(*t));
	t->test = test;
	sim_platform_default_cfg(&pc);
	pc.vm.ram_bytes = RAM;
	pc.vm.ss_page_lg2 = 12;
	KUNIT_ASSERT_EQ(test, sim_platform_init(&t->p, &pc), 0);
	s->real = t->p.pi;
	s->ops = *s->real->ops;
	s->ops.get_caps = spy_caps;
	s->ops.set_nested = spy_nested;
	s->ops.set_ss = spy_ss;
	s->ops.set_ss_table = spy_ss_table;
	s->ops.clear = spy_clear;
	s->ops.inv_submit = spy_submit;
	s->pi.ops = &s->ops;
	t->gnext = GTBL_BASE;
	t->pdir = gpage(t);
	for (int i = 1; i < 32; i++)	/* 32 pages: the 2^14-entry directory */
		gpage(t);
	t->ctx_present = true;

	KUNIT_ASSERT_EQ(test, s->ops.get_caps(&s->pi, &caps), 0);
	/* What the vIOMMU offers: CM on, NEST off, SLTS/PT per policy. */
	t->gops.cap = vtd_cap_set_cm(caps.cap, 1);
	if (o->no_fl5lp)
		t->gops.cap = vtd_cap_set_fl5lp(t->gops.cap, 0);
	t->gops.ecap = vtd_ecap_set_nest(caps.ecap, 0);
	t->gops.ecap = vtd_ecap_set_slts(t->gops.ecap, o->slts);
	t->gops.ecap = vtd_ecap_set_pt(t->gops.ecap, o->pt);
	t->gops.ecap = vtd_ecap_set_vcs(t->gops.ecap, o->vcmd);
	if (o->srs_off)
		t->gops.ecap = vtd_ecap_set_srs(t->gops.ecap, 0);
	t->gops.read_context = g_read_context;
	t->gops.read_pasid_entry = g_read_pasid_entry;
	t->gops.record_fault = g_record_fault;
	t->gops.ctx = t;

	t->cfg.s = &t->p.s;
	t->cfg.vm = t->p.vm;
	t->cfg.piommu = &s->pi;
	t->cfg.phys_rid = t->p.rid;
	t->cfg.guest_rid = GRID;
	viommu_default_policy(&t->cfg.policy);
	t->cfg.policy.pt = o->pt;
	t->cfg.policy.slts = o->slts;
	t->cfg.policy.pasid_ns = o->vcmd ? VIOMMU_PASID_VCMD : VIOMMU_PASID_IDENTITY;
	t->cfg.did_min = o->did_min;
	t->cfg.did_max = o->did_max;
	t->cfg.guest_irq = g_irq;
	t->cfg.irq_ctx = t;
	t->cfg.guest = o->viommu ? NULL : &t->gops;
	if (o->vcmd) {
		t->pa = vsva_pasid_alloc_create(8, 0);
		KUNIT_ASSERT_NOT_NULL(test, t->pa);
		t->cfg.pasids = t->pa;
		t->cfg.pasid_owner = OWNER;
	}
	t->sh = shadow_create(&t->cfg);
	KUNIT_ASSERT_NOT_NULL(test, t->sh);
	shadow_hooks(t->sh, &t->h);
	t->v = shadow_viommu(t->sh);
}

static void sht_fini(struct sht *t)
{
	if (t->sh)
		shadow_destroy(t->sh);
	sim_platform_fini(&t->p);
	if (t->pa)
		vsva_pasid_alloc_destroy(t->pa);
}

/* ---- guest programming ----------------------------------------------- */

/* Write the guest PASID entry of @pasid (its table allocated on demand). */
static void g_write_pe(struct sht *t, u32 pasid, const struct vtd_pasid_entry *pe)
{
	u64 dea = t->pdir + 8ULL * (pasid >> 6), de = rd64(t, dea);

	if (!(de & 1)) {
		de = gpage(t) | 1;
		wr64(t, dea, de);
	}
	KUNIT_ASSERT_EQ(t->test, sim_mem_write(M(t), AS(t), (de & ~0xfffULL) +
					       64ULL * (pasid % 64), pe->val, 64), 0);
}

static void g_clear_pe(struct sht *t, u32 pasid)
{
	struct vtd_pasid_entry pe = { { 0 } };

	g_write_pe(t, pasid, &pe);
}

static struct vtd_pasid_entry fs_pe(u16 did, u64 root)
{
	struct vtd_pasid_entry pe = { { 0 } };

	vtd_pe_set_pgtt(&pe, VTD_PGTT_FS);
	vtd_pe_set_aw(&pe, 2);
	vtd_pe_set_did(&pe, did);
	vtd_pe_set_flptptr(&pe, root);
	vtd_pe_set_p(&pe, 1);
	return pe;
}

static int inv(struct sht *t, const struct vsva_inv_op *ops, unsigned int n)
{
	return t->h.inv_batch(t->h.ctx, ops, n);
}

static int inv_pc(struct sht *t, enum vsva_inv_gran g, u16 did, u32 pasid)
{
	struct vsva_inv_op op = { .kind = VSVA_INV_PC, .gran = g, .did = did,
				  .pasid = pasid };

	return inv(t, &op, 1);
}

/* Guest writes @pe for @pasid and flushes it (pasid_flush_caches, CM). */
static void g_set(struct sht *t, u32 pasid, struct vtd_pasid_entry pe)
{
	g_write_pe(t, pasid, &pe);
	KUNIT_EXPECT_EQ(t->test, inv_pc(t, VSVA_INV_G_PASID,
					(u16)vtd_pe_did(&pe), pasid), 0);
}

static struct vtd_pasid_entry phys_pe(struct sht *t, u32 pasid)
{
	struct vtd_pasid_entry pe;

	hostdrv_read_pasid_entry(t->p.hd, t->p.rid, pasid, &pe, NULL);
	return pe;
}

/* Map @va -> @pa (4K) in the guest 4-level table @root: FS (P|RW|US) or SS (R|W). */
static void g_map(struct sht *t, u64 root, u64 va, u64 pa, bool ss)
{
	u64 tbl = root, perm = ss ? 0x3 : 0x7;

	for (int l = 4; l > 1; l--) {
		u64 ea = tbl + 8 * ((va >> (12 + 9 * (l - 1))) & 511);
		u64 e = rd64(t, ea);

		if (!(e & (ss ? 3 : 1))) {
			e = gpage(t) | perm;
			wr64(t, ea, e);
		}
		tbl = e & VTD_SSPTE_ADDR;
	}
	wr64(t, tbl + 8 * ((va >> 12) & 511), pa | perm);
}

static u64 g_fs_window(struct sht *t, u64 gpa_base)
{
	u64 root = gpage(t);

	for (u64 g = 0; g < 2 * MB; g += 4096)
		g_map(t, root, IOVA + g, gpa_base + g, false);
	return root;
}

static void expect_fault(struct sht *t, u32 pasid, u8 fr)
{
	KUNIT_EXPECT_EQ(t->test, t->faults, 1);
	KUNIT_EXPECT_EQ(t->test, t->last_fault.reason, fr);
	KUNIT_EXPECT_EQ(t->test, t->last_fault.sid, GRID);
	KUNIT_EXPECT_TRUE(t->test, t->last_fault.pasid_present);
	KUNIT_EXPECT_EQ(t->test, t->last_fault.pasid, pasid);
	KUNIT_EXPECT_EQ(t->test, phys_pe(t, pasid).val[0], 0);
	KUNIT_EXPECT_EQ(t->test, shadow_live_pasids(t->sh), 0);
	KUNIT_EXPECT_EQ(t->test, shadow_live_dids(t->sh), 0);
}

/* ---- DMA through the PF ------------------------------------------------ */

static void fill(struct sht *t, u64 gpa, u8 seed)
{
	u8 b[XFER];

	for (u32 i = 0; i < XFER; i++)
		b[i] = (u8)(seed + i * 13);
	sim_mem_write(M(t), AS(t), gpa, b, XFER);
}

static bool same(struct sht *t, u64 a, u64 b)
{
	static u8 x[XFER], y[XFER];

	sim_mem_read(M(t), AS(t), a, x, XFER);
	sim_mem_read(M(t), AS(t), b, y, XFER);
	return !memcmp(x, y, XFER);
}

/* MEMMOVE src -> dst (IOVAs) on WQ 0 with @pasid; the completion status. */
static u8 memmove_dma(struct sht *t, u32 pasid, u64 src, u64 dst, u64 cr_iova)
{
	struct siov_desc d;
	struct siov_cr cr = { { 0 } };

	KUNIT_EXPECT_EQ(t->test, sim_platform_wq_enable(&t->p, 0, true, pasid,
							false), 0);
	siov_desc_init(&d, SIOV_OP_MEMMOVE, SIOV_F_CRAV | SIOV_F_RCR);
	siov_desc_set_cr_addr(&d, cr_iova);
	siov_desc_set_src(&d, src);
	siov_desc_set_dst(&d, dst);
	siov_desc_set_xfer_size(&d, XFER);
	sim_mem_write(M(t), AS(t), CR_GPA, &cr, sizeof(cr));
	KUNIT_EXPECT_EQ(t->test, sim_platform_submit(&t->p, 0, &d), 0);
	KUNIT_EXPECT_TRUE(t->test, sim_platform_run_idle(&t->p, 1000000));
	sim_mem_read(M(t), AS(t), CR_GPA, &cr, sizeof(cr));
	sim_platform_wq_disable(&t->p, 0);
	return siov_cr_status(&cr);
}

/* ======================================================================= */
/* First stage -> nested                                                   */
/* ======================================================================= */

static void shadow_empty_lifecycle(struct kunit *test)
{
	struct sht t;

	sht_init(&t, test, NULL);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t.sh), 0);
	KUNIT_EXPECT_EQ(test, shadow_live_dids(t.sh), 0);
	KUNIT_EXPECT_NULL(test, shadow_viommu(t.sh));
	KUNIT_EXPECT_PTR_EQ(test, shadow_vm(t.sh), t.p.vm);
	KUNIT_EXPECT_EQ(test, shadow_phys_rid(t.sh), t.p.rid);
	KUNIT_EXPECT_EQ(test, shadow_guest_rid(t.sh), GRID);
	/* A PASID-cache invalidation of an absent entry programs nothing. */
	KUNIT_EXPECT_EQ(test, inv_pc(&t, VSVA_INV_G_PASID, 1, 0x40), 0);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t.sh), 0);
	KUNIT_EXPECT_EQ(test, t.faults, 0);
	sht_fini(&t);
}

static void shadow_fs_becomes_nested(struct kunit *test)
{
	struct shadow_pasid_info info;
	struct vtd_pasid_entry pe;
	struct piommu_caps caps;
	struct sht t;

	sht_init(&t, test, NULL);
	t.spy.ops.get_caps(&t.spy.pi, &caps);
	g_set(&t, 0x42, fs_pe(5, 0x123000));
	pe = phys_pe(&t, 0x42);
	KUNIT_EXPECT_EQ(test, vtd_pe_p(&pe), 1);
	KUNIT_EXPECT_EQ(test, vtd_pe_pgtt(&pe), VTD_PGTT_NESTED);
	KUNIT_EXPECT_EQ(test, vtd_pe_flptptr(&pe), 0x123000);	/* a GPA */
	KUNIT_EXPECT_EQ(test, vtd_pe_flpm(&pe), VTD_FSPM_4LVL);
	KUNIT_EXPECT_EQ(test, vtd_pe_slptptr(&pe), sim_vm_ss_root(t.p.vm));
	KUNIT_EXPECT_EQ(test, vtd_pe_aw(&pe), 2);		/* 4-level VM SS */
	KUNIT_EXPECT_GE(test, vtd_pe_did(&pe), caps.did_min);
	KUNIT_EXPECT_LE(test, vtd_pe_did(&pe), caps.did_max);
	KUNIT_ASSERT_EQ(test, shadow_lookup_guest(t.sh, 0x42, &info), 0);
	KUNIT_EXPECT_EQ(test, info.guest_did, 5);
	KUNIT_EXPECT_EQ(test, info.host_did, vtd_pe_did(&pe));
	KUNIT_EXPECT_EQ(test, info.phys_pasid, 0x42);
	KUNIT_EXPECT_EQ(test, info.guest_pgtt, VTD_PGTT_FS);
	KUNIT_EXPECT_EQ(test, info.phys_pgtt, VTD_PGTT_NESTED);
	KUNIT_EXPECT_EQ(test, info.fs_root, 0x123000);
	KUNIT_EXPECT_EQ(test, info.fs_levels, 4);
	KUNIT_EXPECT_EQ(test, shadow_lookup_phys(t.sh, 0x42, &info), 0);
	KUNIT_EXPECT_EQ(test, info.guest_pasid, 0x42);
	KUNIT_EXPECT_EQ(test, shadow_lookup_guest(t.sh, 0x43, &info), -ENOENT);
	KUNIT_EXPECT_EQ(test, shadow_stats(t.sh)->nested_set, 1);
	KUNIT_EXPECT_EQ(test, t.faults, 0);
	sht_fini(&t);
}

static void shadow_fs_attributes_copied(struct kunit *test)
{
	struct vtd_pasid_entry pe = fs_pe(9, 0x200000), ph;
	struct sht t;

	sht_init(&t, test, NULL);
	vtd_pe_set_flpm(&pe, VTD_FSPM_5LVL);
	vtd_pe_set_sre(&pe, 1);
	vtd_pe_set_wpe(&pe, 1);
	vtd_pe_set_eafe(&pe, 1);
	g_set(&t, 0x77, pe);
	ph = phys_pe(&t, 0x77);
	KUNIT_EXPECT_EQ(test, vtd_pe_pgtt(&ph), VTD_PGTT_NESTED);
	KUNIT_EXPECT_EQ(test, vtd_pe_flpm(&ph), VTD_FSPM_5LVL);
	KUNIT_EXPECT_EQ(test, vtd_pe_sre(&ph), 1);
	KUNIT_EXPECT_EQ(test, vtd_pe_wpe(&ph), 1);
	KUNIT_EXPECT_EQ(test, vtd_pe_eafe(&ph), 1);
	sht_fini(&t);
}

static void shadow_nested_dma_follows_guest(struct kunit *test)
{
	struct sht t;
	u64 root, root2;

	sht_init(&t, test, NULL);
	root = g_fs_window(&t, 0);
	g_set(&t, 0x42, fs_pe(5, root));
	fill(&t, SRC_GPA, 0x31);
	fill(&t, DST_GPA, 0x00);
	KUNIT_EXPECT_EQ(test, memmove_dma(&t, 0x42, IOVA + SRC_GPA,
					  IOVA + DST_GPA, IOVA + CR_GPA),
			SIOV_CS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, same(&t, SRC_GPA, DST_GPA));
	/* The guest moves the window by 256 KiB: DST lands at DST2. */
	root2 = gpage(&t);
	for (u64 g = 0; g < 2 * MB; g += 4096)
		g_map(&t, root2, IOVA + g, g < DST_GPA ? g :
		      (g >= DST_GPA && g < DST_GPA + XFER ? g + (DST2_GPA - DST_GPA) : g),
		      false);
	g_set(&t, 0x42, fs_pe(5, root2));
	KUNIT_EXPECT_EQ(test, shadow_stats(t.sh)->replaced, 1);
	fill(&t, SRC_GPA, 0x57);
	fill(&t, DST2_GPA, 0x00);
	KUNIT_EXPECT_EQ(test, memmove_dma(&t, 0x42, IOVA + SRC_GPA,
					  IOVA + DST_GPA, IOVA + CR_GPA),
			SIOV_CS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, same(&t, SRC_GPA, DST2_GPA));
	KUNIT_EXPECT_FALSE(test, same(&t, SRC_GPA, DST_GPA));
	/* Cleared: DMA now faults instead of landing anywhere. */
	g_clear_pe(&t, 0x42);
	inv_pc(&t, VSVA_INV_G_PASID, 5, 0x42);
	KUNIT_EXPECT_NE(test, memmove_dma(&t, 0x42, IOVA + SRC_GPA,
					  IOVA + DST_GPA, IOVA + CR_GPA),
			SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, t.p.s.oracle_violations, 0);
	sht_fini(&t);
}

static void shadow_clear_on_not_present(struct kunit *test)
{
	struct vtd_pasid_entry ph;
	struct sht t;

	sht_init(&t, test, NULL);
	g_set(&t, 0x42, fs_pe(5, 0x123000));
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t.sh), 1);
	KUNIT_EXPECT_EQ(test, shadow_live_dids(t.sh), 1);
	g_clear_pe(&t, 0x42);
	KUNIT_EXPECT_EQ(test, inv_pc(&t, VSVA_INV_G_PASID, 5, 0x42), 0);
	ph = phys_pe(&t, 0x42);
	KUNIT_EXPECT_EQ(test, vtd_pe_p(&ph), 0);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t.sh), 0);
	KUNIT_EXPECT_EQ(test, shadow_live_dids(t.sh), 0);
	KUNIT_EXPECT_EQ(test, shadow_stats(t.sh)->cleared, 1);
	KUNIT_EXPECT_EQ(test, t.faults, 0);
	sht_fini(&t);
}

static void shadow_unchanged_entry_is_noop(struct kunit *test)
{
	struct sht t;
	u64 sets;

	sht_init(&t, test, NULL);
	g_set(&t, 0x42, fs_pe(5, 0x123000));
	sets = hostdrv_stats(t.p.hd)->pasid_set[VTD_PGTT_NESTED];
	inv_pc(&t, VSVA_INV_G_PASID, 5, 0x42);
	inv_pc(&t, VSVA_INV_G_PASID, 5, 0x42);
	KUNIT_EXPECT_EQ(test, hostdrv_stats(t.p.hd)->pasid_set[VTD_PGTT_NESTED], sets);
	KUNIT_EXPECT_EQ(test, shadow_stats(t.sh)->nested_set, 1);
	KUNIT_EXPECT_EQ(test, shadow_stats(t.sh)->replaced, 0);
	sht_fini(&t);
}

static void shadow_changed_did_moves_host_did(struct kunit *test)
{
	struct shadow_pasid_info a, b;
	struct vtd_pasid_entry ph;
	struct sht t;

	sht_init(&t, test, NULL);
	g_set(&t, 0x42, fs_pe(5, 0x123000));
	shadow_lookup_guest(t.sh, 0x42, &a);
	g_set(&t, 0x42, fs_pe(6, 0x123000));
	KUNIT_ASSERT_EQ(test, shadow_lookup_guest(t.sh, 0x42, &b), 0);
	KUNIT_EXPECT_EQ(test, b.guest_did, 6);
	ph = phys_pe(&t, 0x42);
	KUNIT_EXPECT_EQ(test, vtd_pe_did(&ph), b.host_did);
	KUNIT_EXPECT_EQ(test, shadow_live_dids(t.sh), 1);
	KUNIT_EXPECT_EQ(test, shadow_stats(t.sh)->replaced, 1);
	(void)a;
	sht_fini(&t);
}

/* The guest's RID_PASID (0) stays on the host's domain of the VM. */
static void shadow_rid_pasid_not_shadowed(struct kunit *test)
{
	struct vtd_pasid_entry pe;
	struct sht t;

	sht_init(&t, test, NULL);
	g_set(&t, 0, fs_pe(1, 0x123000));
	pe = phys_pe(&t, 0);
	KUNIT_EXPECT_EQ(test, vtd_pe_pgtt(&pe), VTD_PGTT_SS);
	KUNIT_EXPECT_EQ(test, vtd_pe_did(&pe), hostdrv_vm_did(t.p.hd, t.p.vm));
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t.sh), 0);
	KUNIT_EXPECT_EQ(test, shadow_stats(t.sh)->rid_pasid_skipped, 1);
	KUNIT_EXPECT_EQ(test, t.faults, 0);
	sht_fini(&t);
}

/* ======================================================================= */
/* Pass-through and refused entries                                        */
/* ======================================================================= */

static void shadow_pt_when_offered(struct kunit *test)
{
	struct sht_opts o = { .pt = true };
	struct vtd_pasid_entry pe = fs_pe(4, 0), ph;
	struct sht t;

	sht_init(&t, test, &o);
	vtd_pe_set_pgtt(&pe, VTD_PGTT_PT);
	g_set(&t, 0x50, pe);
	ph = phys_pe(&t, 0x50);
	KUNIT_EXPECT_EQ(test, vtd_pe_p(&ph), 1);
	KUNIT_EXPECT_EQ(test, vtd_pe_pgtt(&ph), VTD_PGTT_SS);
	KUNIT_EXPECT_EQ(test, vtd_pe_slptptr(&ph), sim_vm_ss_root(t.p.vm));
	KUNIT_EXPECT_EQ(test, shadow_stats(t.sh)->pt_set, 1);
	/* DMA with GPA addresses lands in the VM. */
	fill(&t, SRC_GPA, 0x44);
	fill(&t, DST_GPA, 0);
	KUNIT_EXPECT_EQ(test, memmove_dma(&t, 0x50, SRC_GPA, DST_GPA, CR_GPA),
			SIOV_CS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, same(&t, SRC_GPA, DST_GPA));
	sht_fini(&t);
}

struct bad_case {
	const char *name;
	u8 pgtt;
	u8 fr;
	int tweak;		/* see bad_entry() */
	struct sht_opts o;
};

enum { TW_NONE, TW_QW3, TW_RSVD0, TW_SRE, TW_ERE, TW_SMEP, TW_SLADE,
       TW_FLPM5, TW_FLPM2, TW_DID0, TW_AW0, TW_HAW };

static const struct bad_case bad_cases[] = {
	{ "nested-pgtt3", VTD_PGTT_NESTED, VTD_FR_SM_PASID_INVALID, TW_NONE, {} },
	{ "pgtt0", 0, VTD_FR_SM_PASID_INVALID, TW_NONE, {} },
	{ "pgtt5", 5, VTD_FR_SM_PASID_INVALID, TW_NONE, {} },
	{ "pgtt6", 6, VTD_FR_SM_PASID_INVALID, TW_NONE, {} },
	{ "pgtt7", 7, VTD_FR_SM_PASID_INVALID, TW_NONE, {} },
	{ "pt-not-offered", VTD_PGTT_PT, VTD_FR_SM_PASID_INVALID, TW_NONE, {} },
	{ "ss-without-slts", VTD_PGTT_SS, VTD_FR_SM_PASID_INVALID, TW_NONE, {} },
	{ "ss-bad-aw", VTD_PGTT_SS, VTD_FR_SM_PASID_INVALID, TW_AW0,
	  { .slts = true } },
	{ "reserved-qword3", VTD_PGTT_FS, VTD_FR_SM_PASID_RSVD, TW_QW3, {} },
	{ "reserved-bits-11-10", VTD_PGTT_FS, VTD_FR_SM_PASID_RSVD, TW_RSVD0, {} },
	{ "fsptr-above-mgaw", VTD_PGTT_FS, VTD_FR_SM_PASID_RSVD, TW_HAW, {} },
	{ "sre-without-srs", VTD_PGTT_FS, VTD_FR_SM_PASID_RSVD, TW_SRE,
	  { .srs_off = true } },
	{ "ere", VTD_PGTT_FS, VTD_FR_SM_PASID_RSVD, TW_ERE, {} },
	{ "smep", VTD_PGTT_FS, VTD_FR_SM_PASID_RSVD, TW_SMEP, {} },
	{ "slade", VTD_PGTT_FS, VTD_FR_SM_PASID_RSVD, TW_SLADE, {} },
	{ "5-level-without-fl5lp", VTD_PGTT_FS, VTD_FR_SM_PASID_INVALID, TW_FLPM5,
	  { .no_fl5lp = true } },
	{ "flpm-reserved", VTD_PGTT_FS, VTD_FR_SM_PASID_INVALID, TW_FLPM2, {} },
	{ "did-0-in-caching-mode", VTD_PGTT_FS, VTD_FR_SM_PASID_INVALID, TW_DID0, {} },
};

KUNIT_ARRAY_PARAM_DESC(bad, bad_cases, name);

static struct vtd_pasid_entry bad_entry(const struct bad_case *c)
{
	struct vtd_pasid_entry pe = fs_pe(7, 0x300000);

	vtd_pe_set_pgtt(&pe, c->pgtt);
	switch (c->tweak) {
	case TW_QW3: pe.val[3] = 1; break;
	case TW_RSVD0: pe.val[0] |= BIT_ULL(10); break;	/* bits 11:10 */
	case TW_HAW: vtd_pe_set_flptptr(&pe, 1ULL << 60); break;
	case TW_SRE: vtd_pe_set_sre(&pe, 1); break;
	case TW_ERE: vtd_pe_set_ere(&pe, 1); break;
	case TW_SMEP: vtd_pe_set_smep(&pe, 1); break;
	case TW_SLADE: vtd_pe_set_slade(&pe, 1); break;
	case TW_FLPM5: vtd_pe_set_flpm(&pe, 1); break;
	case TW_FLPM2: vtd_pe_set_flpm(&pe, 2); break;
	case TW_DID0: vtd_pe_set_did(&pe, 0); break;
	case TW_AW0: vtd_pe_set_aw(&pe, 0); break;
	}
	return pe;
}

static void shadow_refused_entry_faults(struct kunit *test)
{
	const struct bad_case *c = test->param_value;
	struct sht t;
	u64 sets;

	sht_init(&t, test, &c->o);
	sets = hostdrv_stats(t.p.hd)->pasid_set[1] + hostdrv_stats(t.p.hd)->pasid_set[2] +
	       hostdrv_stats(t.p.hd)->pasid_set[3];
	g_set(&t, 0x99, bad_entry(c));
	expect_fault(&t, 0x99, c->fr);
	KUNIT_EXPECT_EQ(test, hostdrv_stats(t.p.hd)->pasid_set[1] +
			hostdrv_stats(t.p.hd)->pasid_set[2] +
			hostdrv_stats(t.p.hd)->pasid_set[3], sets);
	sht_fini(&t);
}

/* A good entry turned bad: the old physical entry goes too. */
static void shadow_good_turned_bad(struct kunit *test)
{
	struct vtd_pasid_entry pe = fs_pe(5, 0x123000);
	struct sht t;

	sht_init(&t, test, NULL);
	g_set(&t, 0x42, pe);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t.sh), 1);
	pe.val[4] = 0xdead;
	g_set(&t, 0x42, pe);
	expect_fault(&t, 0x42, VTD_FR_SM_PASID_RSVD);
	sht_fini(&t);
}

/* The host refuses what it was asked: guest fault, nothing left. */
static void shadow_host_refusal_faults(struct kunit *test)
{
	struct sht t;

	sht_init(&t, test, NULL);
	t.spy.set_fail = -EOPNOTSUPP;
	g_set(&t, 0x42, fs_pe(5, 0x123000));
	expect_fault(&t, 0x42, VTD_FR_SM_PASID_INVALID);
	KUNIT_EXPECT_EQ(test, shadow_stats(t.sh)->phys_errors, 1);
	sht_fini(&t);
}

/* A directory entry with reserved bits: the walk's fault reaches the guest. */
static void shadow_bad_directory_entry(struct kunit *test)
{
	struct sht t;

	sht_init(&t, test, NULL);
	g_set(&t, 0x42, fs_pe(5, 0x123000));
	wr64(&t, t.pdir + 8, rd64(&t, t.pdir + 8) | BIT_ULL(5));
	inv_pc(&t, VSVA_INV_G_PASID, 5, 0x42);
	expect_fault(&t, 0x42, VTD_FR_SM_PDIR_RSVD);
	sht_fini(&t);
}

/* ======================================================================= */
/* DIDs                                                                    */
/* ======================================================================= */

static void shadow_did_shared_refcounted(struct kunit *test)
{
	struct shadow_pasid_info a, b;
	struct sht t;

	sht_init(&t, test, NULL);
	g_set(&t, 0x42, fs_pe(5, 0x123000));
	g_set(&t, 0x43, fs_pe(5, 0x124000));
	shadow_lookup_guest(t.sh, 0x42, &a);
	shadow_lookup_guest(t.sh, 0x43, &b);
	KUNIT_EXPECT_EQ(test, a.host_did, b.host_did);
	KUNIT_EXPECT_EQ(test, shadow_live_dids(t.sh), 1);
	g_clear_pe(&t, 0x42);
	inv_pc(&t, VSVA_INV_G_PASID, 5, 0x42);
	KUNIT_EXPECT_EQ(test, shadow_live_dids(t.sh), 1);
	g_clear_pe(&t, 0x43);
	inv_pc(&t, VSVA_INV_G_PASID, 5, 0x43);
	KUNIT_EXPECT_EQ(test, shadow_live_dids(t.sh), 0);
	KUNIT_EXPECT_EQ(test, shadow_stats(t.sh)->did_maps, 1);
	sht_fini(&t);
}

static void shadow_did_distinct(struct kunit *test)
{
	struct shadow_pasid_info a, b;
	struct sht t;

	sht_init(&t, test, NULL);
	g_set(&t, 0x42, fs_pe(5, 0x123000));
	g_set(&t, 0x43, fs_pe(6, 0x124000));
	shadow_lookup_guest(t.sh, 0x42, &a);
	shadow_lookup_guest(t.sh, 0x43, &b);
	KUNIT_EXPECT_NE(test, a.host_did, b.host_did);
	KUNIT_EXPECT_EQ(test, shadow_live_dids(t.sh), 2);
	sht_fini(&t);
}

static void shadow_did_range_exhausted(struct kunit *test)
{
	struct piommu_caps caps;
	struct sht_opts o;
	struct shadow_pasid_info a;
	struct sht t;

	/* A range of one host DID, inside the backend's. */
	sht_init(&t, test, NULL);
	t.spy.ops.get_caps(&t.spy.pi, &caps);
	sht_fini(&t);
	memset(&o, 0, sizeof(o));
	o.did_min = o.did_max = caps.did_min + 10;
	sht_init(&t, test, &o);
	g_set(&t, 0x42, fs_pe(5, 0x123000));
	KUNIT_ASSERT_EQ(test, shadow_lookup_guest(t.sh, 0x42, &a), 0);
	KUNIT_EXPECT_EQ(test, a.host_did, caps.did_min + 10);
	g_set(&t, 0x43, fs_pe(6, 0x123000));
	KUNIT_EXPECT_EQ(test, t.faults, 1);
	KUNIT_EXPECT_EQ(test, shadow_stats(t.sh)->did_exhausted, 1);
	KUNIT_EXPECT_EQ(test, phys_pe(&t, 0x43).val[0], 0);
	sht_fini(&t);
}

static void shadow_did_range_outside_caps_refused(struct kunit *test)
{
	struct sht t;
	struct shadow_cfg c;

	sht_init(&t, test, NULL);
	c = t.cfg;
	c.did_min = 1;		/* the host driver's own DIDs */
	c.did_max = 2;
	KUNIT_EXPECT_NULL(test, shadow_create(&c));
	c.did_min = 0x2000;	/* an empty range */
	c.did_max = 0x1000;
	KUNIT_EXPECT_NULL(test, shadow_create(&c));
	sht_fini(&t);
}

/* ======================================================================= */
/* Domain-selective and global PASID-cache syncs                           */
/* ======================================================================= */

static void shadow_domain_selective_sync(struct kunit *test)
{
	struct vtd_pasid_entry e7 = fs_pe(7, 0x123000), e8 = fs_pe(8, 0x123000);
	struct sht t;

	sht_init(&t, test, NULL);
	/* Entries written without PASID-selective flushes. */
	g_write_pe(&t, 0x100, &e7);
	g_write_pe(&t, 0x101, &e7);
	g_write_pe(&t, 0x2345, &e7);
	g_write_pe(&t, 0x102, &e8);
	KUNIT_EXPECT_EQ(test, inv_pc(&t, VSVA_INV_G_DOMAIN, 7, 0), 0);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t.sh), 3);
	KUNIT_EXPECT_EQ(test, phys_pe(&t, 0x102).val[0], 0);
	/* Only present PASID-table pages are read: 2 pages of 64. */
	KUNIT_EXPECT_EQ(test, shadow_stats(t.sh)->scan_entries, 2 * 64 - 0);
	g_clear_pe(&t, 0x101);
	inv_pc(&t, VSVA_INV_G_DOMAIN, 7, 0);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t.sh), 2);
	KUNIT_EXPECT_EQ(test, phys_pe(&t, 0x101).val[0], 0);
	inv_pc(&t, VSVA_INV_G_DOMAIN, 8, 0);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t.sh), 3);
	KUNIT_EXPECT_EQ(test, shadow_live_dids(t.sh), 2);
	sht_fini(&t);
}

static void shadow_global_sync(struct kunit *test)
{
	struct vtd_pasid_entry e = fs_pe(7, 0x123000);
	struct sht t;

	sht_init(&t, test, NULL);
	for (u32 p = 1; p < 0x100000; p = p * 3 + 1)
		g_write_pe(&t, p, &e);
	KUNIT_EXPECT_EQ(test, inv_pc(&t, VSVA_INV_G_GLOBAL, 0, 0), 0);
	/* 1, 4, 13, 40, 121, 364, 1093, 3280, 9841, 29524, 88573, 265720, 797161 */
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t.sh), 13);
	KUNIT_EXPECT_EQ(test, phys_pe(&t, 797161).val[0] & 1, 1);
	/* The directory entry of 1..63 goes: PASIDs 1, 4, 13, 40 with it. */
	wr64(&t, t.pdir, 0);
	inv_pc(&t, VSVA_INV_G_GLOBAL, 0, 0);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t.sh), 9);
	KUNIT_EXPECT_EQ(test, phys_pe(&t, 40).val[0], 0);
	/* The context goes: everything goes. */
	t.ctx_present = false;
	t.h.context_changed(t.h.ctx, GRID);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t.sh), 0);
	KUNIT_EXPECT_EQ(test, shadow_live_dids(t.sh), 0);
	KUNIT_EXPECT_EQ(test, t.faults, 0);
	sht_fini(&t);
}

/* ======================================================================= */
/* VCMD namespace                                                          */
/* ======================================================================= */

static void shadow_vcmd_alloc_map_free(struct kunit *test)
{
	struct sht_opts o = { .vcmd = true };
	struct shadow_pasid_info info;
	struct sht t;
	u32 p1 = 0, p2 = 0;

	sht_init(&t, test, &o);
	KUNIT_ASSERT_EQ(test, t.h.vcmd_alloc_pasid(t.h.ctx, &p1), 0);
	KUNIT_ASSERT_EQ(test, t.h.vcmd_alloc_pasid(t.h.ctx, &p2), 0);
	KUNIT_EXPECT_NE(test, p1, p2);
	KUNIT_EXPECT_EQ(test, vsva_pasid_owner(t.pa, p1), OWNER);
	KUNIT_EXPECT_EQ(test, vsva_pasid_usage(t.pa, OWNER), 2);
	g_set(&t, p1, fs_pe(5, 0x123000));
	KUNIT_ASSERT_EQ(test, shadow_lookup_guest(t.sh, p1, &info), 0);
	KUNIT_EXPECT_EQ(test, info.phys_pasid, p1);
	KUNIT_ASSERT_EQ(test, shadow_lookup_phys(t.sh, p1, &info), 0);
	KUNIT_EXPECT_EQ(test, info.guest_pasid, p1);
	KUNIT_EXPECT_EQ(test, phys_pe(&t, p1).val[0] & 1, 1);
	/* Freeing a PASID with a live entry drops the physical entry. */
	KUNIT_EXPECT_EQ(test, t.h.vcmd_free_pasid(t.h.ctx, p1), 0);
	KUNIT_EXPECT_EQ(test, phys_pe(&t, p1).val[0], 0);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t.sh), 0);
	KUNIT_EXPECT_EQ(test, t.h.vcmd_free_pasid(t.h.ctx, p1), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_pasid_usage(t.pa, OWNER), 1);
	sht_fini(&t);
	/* shadow_destroy gave back p2 (the allocator outlives the VM). */
}

static void shadow_vcmd_refuses_ungranted(struct kunit *test)
{
	struct sht_opts o = { .vcmd = true };
	struct sht t;
	u32 p = 0;

	sht_init(&t, test, &o);
	KUNIT_ASSERT_EQ(test, t.h.vcmd_alloc_pasid(t.h.ctx, &p), 0);
	g_set(&t, p + 1, fs_pe(5, 0x123000));
	expect_fault(&t, p + 1, VTD_FR_SM_PASID_INVALID);
	/* Another VM's PASID is not ours to free. */
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc_specific(t.pa, 1, p + 5), (int)(p + 5));
	KUNIT_EXPECT_EQ(test, t.h.vcmd_free_pasid(t.h.ctx, p + 5), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_pasid_owner(t.pa, p + 5), 1);
	sht_fini(&t);
}

static void shadow_vcmd_off_in_identity(struct kunit *test)
{
	struct sht t;
	u32 p = 0;

	sht_init(&t, test, NULL);
	KUNIT_EXPECT_EQ(test, t.h.vcmd_alloc_pasid(t.h.ctx, &p), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, t.h.vcmd_free_pasid(t.h.ctx, 5), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, shadow_stats(t.sh)->vcmd_errors, 2);
	sht_fini(&t);
}

/* ======================================================================= */
/* Invalidation sync                                                       */
/* ======================================================================= */

static u16 hdid_of(struct sht *t, u32 pasid)
{
	struct shadow_pasid_info i = { 0 };

	shadow_lookup_guest(t->sh, pasid, &i);
	return i.host_did;
}

static void shadow_inv_batched_one_submission(struct kunit *test)
{
	struct vsva_inv_op ops[32];
	struct sht t;
	u64 subs;

	sht_init(&t, test, NULL);
	g_set(&t, 0x42, fs_pe(5, 0x123000));
	subs = hostdrv_stats(t.p.hd)->submissions;
	t.spy.submissions = t.spy.nops = 0;
	memset(ops, 0, sizeof(ops));
	for (int i = 0; i < 32; i++) {
		ops[i].kind = VSVA_INV_PIOTLB;
		ops[i].gran = VSVA_INV_G_PASID_PAGE;
		ops[i].did = 5;
		ops[i].pasid = 0x42;
		ops[i].addr = 0x10000ULL * i;
	}
	KUNIT_EXPECT_EQ(test, inv(&t, ops, 32), 0);
	KUNIT_EXPECT_EQ(test, t.spy.submissions, 1);
	KUNIT_EXPECT_EQ(test, t.spy.nops, 32);
	KUNIT_EXPECT_EQ(test, hostdrv_stats(t.p.hd)->submissions, subs + 1);
	KUNIT_EXPECT_EQ(test, shadow_stats(t.sh)->phys_submissions, 1);
	KUNIT_EXPECT_EQ(test, shadow_stats(t.sh)->phys_ops, 32);
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[31].addr, 0x1f0000);
	sht_fini(&t);
}

static void shadow_inv_piotlb_translated(struct kunit *test)
{
	struct vsva_inv_op op = { .kind = VSVA_INV_PIOTLB, .gran = VSVA_INV_G_PASID,
				  .did = 5, .pasid = 0x42 };
	struct sht t;

	sht_init(&t, test, NULL);
	g_set(&t, 0x42, fs_pe(5, 0x123000));
	t.spy.nops = 0;
	inv(&t, &op, 1);
	KUNIT_ASSERT_EQ(test, t.spy.nops, 1);
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[0].kind, VSVA_INV_PIOTLB);
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[0].gran, VSVA_INV_G_PASID);
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[0].did, hdid_of(&t, 0x42));
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[0].pasid, 0x42);
	/* Another DID or a PASID not shadowed: nothing cached, nothing sent. */
	op.did = 6;
	inv(&t, &op, 1);
	op.did = 5;
	op.pasid = 0x43;
	inv(&t, &op, 1);
	KUNIT_EXPECT_EQ(test, t.spy.nops, 1);
	sht_fini(&t);
}

static void shadow_inv_iotlb_domain_and_page(struct kunit *test)
{
	struct vsva_inv_op ops[2] = {
		{ .kind = VSVA_INV_IOTLB, .gran = VSVA_INV_G_DOMAIN, .did = 5, .dw = true },
		{ .kind = VSVA_INV_IOTLB, .gran = VSVA_INV_G_PAGE, .did = 5,
		  .addr = 0x200000, .am = 9, .ih = true },
	};
	struct sht t;

	sht_init(&t, test, NULL);
	g_set(&t, 0x42, fs_pe(5, 0x123000));
	g_set(&t, 0x43, fs_pe(5, 0x123000));
	t.spy.nops = 0;
	inv(&t, ops, 2);
	KUNIT_ASSERT_EQ(test, t.spy.nops, 2);
	/* One domain op covers both PASIDs of the DID. */
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[0].kind, VSVA_INV_IOTLB);
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[0].gran, VSVA_INV_G_DOMAIN);
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[0].did, hdid_of(&t, 0x42));
	KUNIT_EXPECT_TRUE(test, t.spy.ops_seen[0].dw);
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[1].gran, VSVA_INV_G_PAGE);
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[1].did, hdid_of(&t, 0x42));
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[1].addr, 0x200000);
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[1].am, 9);
	KUNIT_EXPECT_TRUE(test, t.spy.ops_seen[1].ih);
	/* A DID the VM has no entry for: nothing. */
	ops[0].did = 9;
	t.spy.nops = 0;
	inv(&t, ops, 1);
	KUNIT_EXPECT_EQ(test, t.spy.nops, 0);
	sht_fini(&t);
}

static void shadow_inv_iotlb_global_per_did(struct kunit *test)
{
	struct vsva_inv_op op = { .kind = VSVA_INV_IOTLB, .gran = VSVA_INV_G_GLOBAL };
	struct sht t;

	sht_init(&t, test, NULL);
	g_set(&t, 0x42, fs_pe(5, 0x123000));
	g_set(&t, 0x43, fs_pe(6, 0x123000));
	g_set(&t, 0x44, fs_pe(6, 0x123000));
	t.spy.nops = 0;
	inv(&t, &op, 1);
	KUNIT_ASSERT_EQ(test, t.spy.nops, 2);
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[0].gran, VSVA_INV_G_DOMAIN);
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[0].did, hdid_of(&t, 0x42));
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[1].did, hdid_of(&t, 0x43));
	sht_fini(&t);
}

static void shadow_inv_devtlb_translated(struct kunit *test)
{
	struct vsva_inv_op ops[3] = {
		{ .kind = VSVA_INV_DEVTLB, .sid = GRID, .pfsid = GRID,
		  .addr = 0, .size_lg2 = 64 },
		{ .kind = VSVA_INV_PDEVTLB, .gran = VSVA_INV_G_PASID, .sid = GRID,
		  .pfsid = GRID, .pasid = 0x42, .addr = 0x1000, .size_lg2 = 12 },
		{ .kind = VSVA_INV_DEVTLB, .sid = GRID + 1, .size_lg2 = 64 },
	};
	struct sht t;

	sht_init(&t, test, NULL);
	g_set(&t, 0x42, fs_pe(5, 0x123000));
	t.spy.nops = 0;
	KUNIT_EXPECT_EQ(test, inv(&t, ops, 3), 0);
	KUNIT_ASSERT_EQ(test, t.spy.nops, 2);
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[0].kind, VSVA_INV_DEVTLB);
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[0].sid, t.p.rid);
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[0].pfsid, t.p.rid);
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[1].kind, VSVA_INV_PDEVTLB);
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[1].sid, t.p.rid);
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[1].pasid, 0x42);
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[1].addr, 0x1000);
	KUNIT_EXPECT_EQ(test, shadow_stats(t.sh)->foreign_invs, 1);
	sht_fini(&t);
}

static void shadow_hooks_forward(struct kunit *test)
{
	struct shadow_fault_sink sink = { .guest_page_response = g_resp };
	struct sht t;

	sht_init(&t, test, NULL);
	sink.ctx = &t;
	t.h.page_response(t.h.ctx, GRID, true, 0x42, 7, 0);
	KUNIT_EXPECT_EQ(test, t.responses, 0);	/* no sink yet: dropped */
	shadow_set_fault_sink(t.sh, &sink);
	t.h.page_response(t.h.ctx, GRID, true, 0x42, 7, 0);
	KUNIT_EXPECT_EQ(test, t.responses, 1);
	KUNIT_EXPECT_EQ(test, t.resp_prg, 7);
	t.h.guest_irq(t.h.ctx, 0x41, 0xfee00000);
	KUNIT_EXPECT_EQ(test, t.irqs, 1);
	sht_fini(&t);
}

/* ======================================================================= */
/* Software shadow second stage                                            */
/* ======================================================================= */

static struct vtd_pasid_entry ss_pe(u16 did, u64 root)
{
	struct vtd_pasid_entry pe = fs_pe(did, 0);

	vtd_pe_set_pgtt(&pe, VTD_PGTT_SS);
	vtd_pe_set_aw(&pe, 2);
	vtd_pe_set_slptptr(&pe, root);
	return pe;
}

static void shadow_ss_software_shadow_dma(struct kunit *test)
{
	struct sht_opts o = { .slts = true };
	struct vsva_inv_op op = { .kind = VSVA_INV_IOTLB, .gran = VSVA_INV_G_PAGE,
				  .did = 3 };
	struct vtd_pasid_entry ph;
	struct sht t;
	u64 root;

	sht_init(&t, test, &o);
	root = gpage(&t);
	for (u64 g = 0; g < 2 * MB; g += 4096)
		g_map(&t, root, IOVA + g, g, true);
	g_set(&t, 0x60, ss_pe(3, root));
	ph = phys_pe(&t, 0x60);
	KUNIT_EXPECT_EQ(test, vtd_pe_pgtt(&ph), VTD_PGTT_SS);
	KUNIT_EXPECT_NE(test, vtd_pe_slptptr(&ph), sim_vm_ss_root(t.p.vm));
	KUNIT_EXPECT_EQ(test, sim_mem_owner(M(&t), vtd_pe_slptptr(&ph)), 0);
	KUNIT_EXPECT_EQ(test, shadow_stats(t.sh)->ss_set, 1);
	fill(&t, SRC_GPA, 0x21);
	fill(&t, DST_GPA, 0);
	KUNIT_EXPECT_EQ(test, memmove_dma(&t, 0x60, IOVA + SRC_GPA,
					  IOVA + DST_GPA, IOVA + CR_GPA),
			SIOV_CS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, same(&t, SRC_GPA, DST_GPA));
	/* The guest remaps DST's two pages and flushes them (CM). */
	g_map(&t, root, IOVA + DST_GPA, DST2_GPA, true);
	g_map(&t, root, IOVA + DST_GPA + 4096, DST2_GPA + 4096, true);
	op.addr = IOVA + DST_GPA;
	op.am = 1;
	{
		/* IOTLB, then the device TLB (ATS), as Linux flushes. */
		struct vsva_inv_op ops[2] = { op, {
			.kind = VSVA_INV_PDEVTLB, .gran = VSVA_INV_G_PASID,
			.sid = GRID, .pfsid = GRID, .pasid = 0x60,
			.addr = IOVA + DST_GPA, .size_lg2 = 13 } };

		t.spy.submissions = 0;
		KUNIT_EXPECT_EQ(test, inv(&t, ops, 2), 0);
		KUNIT_EXPECT_EQ(test, t.spy.submissions, 1);
	}
	fill(&t, SRC_GPA, 0x65);
	fill(&t, DST2_GPA, 0);
	KUNIT_EXPECT_EQ(test, memmove_dma(&t, 0x60, IOVA + SRC_GPA,
					  IOVA + DST_GPA, IOVA + CR_GPA),
			SIOV_CS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, same(&t, SRC_GPA, DST2_GPA));
	KUNIT_EXPECT_EQ(test, t.p.s.oracle_violations, 0);
	KUNIT_EXPECT_GE(test, shadow_stats(t.sh)->sst_syncs, 2);
	/* Teardown frees the shadow table. */
	g_clear_pe(&t, 0x60);
	inv_pc(&t, VSVA_INV_G_PASID, 3, 0x60);
	KUNIT_EXPECT_EQ(test, shadow_stats(t.sh)->sst_pages, 0);
	sht_fini(&t);
}

static void shadow_ss_one_table_per_did(struct kunit *test)
{
	struct sht_opts o = { .slts = true };
	struct vtd_pasid_entry a, b;
	struct sht t;
	u64 r1, r2;

	sht_init(&t, test, &o);
	r1 = gpage(&t);
	r2 = gpage(&t);
	g_set(&t, 0x60, ss_pe(3, r1));
	g_set(&t, 0x61, ss_pe(3, r1));
	KUNIT_EXPECT_EQ(test, shadow_stats(t.sh)->sst_tables, 1);
	a = phys_pe(&t, 0x60);
	b = phys_pe(&t, 0x61);
	KUNIT_EXPECT_NE(test, vtd_pe_slptptr(&a), 0);
	KUNIT_EXPECT_EQ(test, vtd_pe_slptptr(&a), vtd_pe_slptptr(&b));
	/* Same DID, another table: refused (6.2.1). */
	g_set(&t, 0x62, ss_pe(3, r2));
	KUNIT_EXPECT_EQ(test, t.faults, 1);
	KUNIT_EXPECT_EQ(test, phys_pe(&t, 0x62).val[0], 0);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t.sh), 2);
	sht_fini(&t);
}

/* The host remaps VM memory under a live shadow: DMA follows the VM's SS. */
static void remap_dst(struct sht *t)
{
	u64 hold[2];

	for (int i = 0; i < 2; i++)
		KUNIT_ASSERT_EQ(t->test, sim_vm_unpopulate(t->p.vm, DST_GPA + 4096 * i), 0);
	/* Keep the freed pages busy: the VM gets other host pages back. */
	for (int i = 0; i < 2; i++)
		KUNIT_ASSERT_EQ(t->test, sim_mem_alloc_page(M(t), &hold[i]), 0);
	for (int i = 0; i < 2; i++)
		KUNIT_ASSERT_EQ(t->test, sim_vm_populate(t->p.vm, DST_GPA + 4096 * i), 0);
	KUNIT_ASSERT_EQ(t->test, hostdrv_flush_vm(t->p.hd, t->p.vm), 0);
}

static void shadow_vm_ss_changed_nested(struct kunit *test)
{
	struct sht t;

	sht_init(&t, test, NULL);
	g_set(&t, 0x42, fs_pe(5, g_fs_window(&t, 0)));
	fill(&t, SRC_GPA, 0x11);
	KUNIT_EXPECT_EQ(test, memmove_dma(&t, 0x42, IOVA + SRC_GPA,
					  IOVA + DST_GPA, IOVA + CR_GPA),
			SIOV_CS_SUCCESS);
	remap_dst(&t);
	KUNIT_EXPECT_EQ(test, shadow_vm_ss_changed(t.sh), 0);
	fill(&t, SRC_GPA, 0x22);
	KUNIT_EXPECT_EQ(test, memmove_dma(&t, 0x42, IOVA + SRC_GPA,
					  IOVA + DST_GPA, IOVA + CR_GPA),
			SIOV_CS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, same(&t, SRC_GPA, DST_GPA));
	KUNIT_EXPECT_EQ(test, t.p.s.oracle_violations, 0);
	sht_fini(&t);
}

static void shadow_vm_ss_changed_sst(struct kunit *test)
{
	struct sht_opts o = { .slts = true };
	struct sht t;
	u64 root;

	sht_init(&t, test, &o);
	root = gpage(&t);
	for (u64 g = 0; g < 2 * MB; g += 4096)
		g_map(&t, root, IOVA + g, g, true);
	g_set(&t, 0x60, ss_pe(3, root));
	fill(&t, SRC_GPA, 0x33);
	KUNIT_EXPECT_EQ(test, memmove_dma(&t, 0x60, IOVA + SRC_GPA,
					  IOVA + DST_GPA, IOVA + CR_GPA),
			SIOV_CS_SUCCESS);
	remap_dst(&t);
	KUNIT_EXPECT_EQ(test, shadow_vm_ss_changed(t.sh), 0);
	fill(&t, SRC_GPA, 0x44);
	KUNIT_EXPECT_EQ(test, memmove_dma(&t, 0x60, IOVA + SRC_GPA,
					  IOVA + DST_GPA, IOVA + CR_GPA),
			SIOV_CS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, same(&t, SRC_GPA, DST_GPA));
	KUNIT_EXPECT_EQ(test, t.p.s.oracle_violations, 0);
	sht_fini(&t);
}

/* ======================================================================= */
/* Through the real vIOMMU: register-level guest                           */
/* ======================================================================= */

/*
 * Linux's tables and enable order for the PF at guest RID GRID (bus 0,
 * devfn 0x18): root entry 0 LCTP | LP; context entry devfn 0x18 (256-bit,
 * at +0x18 * 32) = PASIDDIRPTR | PDTS 7 (11:9) | PASIDE (3) | P (0);
 * RTADDR | TTM 01b (11:10 = 0x400); SRTP (GCMD 30); IQA | DW (11) with
 * QS 0; QIE (26); TE (31) with QIE kept.
 */
static void sht_init_viommu(struct sht *t, struct kunit *test,
			    struct sht_opts *o)
{
	u64 root, ctx;

	o->viommu = true;
	sht_init(t, test, o);
	KUNIT_ASSERT_NOT_NULL(test, t->v);
	root = gpage(t);
	ctx = gpage(t);
	t->iq = gpage(t);
	t->status = gpage(t);
	wr64(t, root, ctx | 1);
	wr64(t, ctx + 32 * (GRID & 0x7f), t->pdir | (7ULL << 9) | 0x8 | 0x1);
	viommu_write(t->v, VTD_RTADDR_REG, 8, root | 0x400);
	viommu_write(t->v, VTD_GCMD_REG, 4, 0x40000000);
	viommu_write(t->v, VTD_IQA_REG, 8, t->iq | 0x800);
	viommu_write(t->v, VTD_GCMD_REG, 4, 0x04000000);
	viommu_write(t->v, VTD_GCMD_REG, 4, 0x84000000);
	viommu_write(t->v, VTD_FECTL_REG, 4, 0);
}

static void q_put(struct sht *t, const struct vsva_inv_op *op)
{
	u64 qw[4] = { 0 };

	KUNIT_ASSERT_EQ(t->test, vsva_qi_encode(op, 256, qw), 0);
	sim_mem_write(M(t), AS(t), t->iq + t->tail, qw, sizeof(qw));
	t->tail = (t->tail + 32) % 4096;
}

/* Inv-wait with a status write, then the doorbell; the status is seen. */
static void q_sync(struct sht *t)
{
	struct vsva_inv_op w = { .kind = VSVA_INV_WAIT };

	w.wait.sw = true;
	w.wait.status_addr = t->status;
	w.wait.status_data = 0x600d;
	wr64(t, t->status, 0);
	q_put(t, &w);
	viommu_write(t->v, VTD_IQT_REG, 8, t->tail);
	KUNIT_EXPECT_EQ(t->test, rd64(t, t->status), 0x600d);
}

static void q_set(struct sht *t, u32 pasid, struct vtd_pasid_entry pe)
{
	struct vsva_inv_op pc = { .kind = VSVA_INV_PC, .gran = VSVA_INV_G_PASID,
				  .did = (u16)vtd_pe_did(&pe), .pasid = pasid };

	g_write_pe(t, pasid, &pe);
	q_put(t, &pc);
	q_sync(t);
}

static void shadow_viommu_queue_to_nested_dma(struct kunit *test)
{
	struct sht_opts o = { 0 };
	struct vtd_pasid_entry ph;
	struct sht t;
	u64 root;

	sht_init_viommu(&t, test, &o);
	root = g_fs_window(&t, 0);
	q_set(&t, 0x42, fs_pe(5, root));
	ph = phys_pe(&t, 0x42);
	KUNIT_EXPECT_EQ(test, vtd_pe_p(&ph), 1);
	KUNIT_EXPECT_EQ(test, vtd_pe_pgtt(&ph), VTD_PGTT_NESTED);
	KUNIT_EXPECT_EQ(test, vtd_pe_flptptr(&ph), root);
	fill(&t, SRC_GPA, 0x5a);
	fill(&t, DST_GPA, 0);
	KUNIT_EXPECT_EQ(test, memmove_dma(&t, 0x42, IOVA + SRC_GPA,
					  IOVA + DST_GPA, IOVA + CR_GPA),
			SIOV_CS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, same(&t, SRC_GPA, DST_GPA));
	KUNIT_EXPECT_EQ(test, viommu_stats(t.v)->pasid_cache_invs, 1);
	sht_fini(&t);
}

/*
 * A refused entry lands in the guest's fault recording registers:
 * FRCD at CAP.FRO * 16; its upper qword holds FR (bits 103:96 -> 39:32),
 * PP (95 -> 31), PV (123:104 -> 59:40), SID (79:64 -> 15:0), F (127 -> 63).
 */
static void shadow_viommu_fault_in_guest_frcd(struct kunit *test)
{
	struct vtd_pasid_entry pe = fs_pe(5, 0x123000);
	struct sht_opts o = { 0 };
	struct sht t;
	u64 hi;

	sht_init_viommu(&t, test, &o);
	vtd_pe_set_pgtt(&pe, VTD_PGTT_NESTED);
	q_set(&t, 0x42, pe);
	KUNIT_EXPECT_EQ(test, phys_pe(&t, 0x42).val[0], 0);
	KUNIT_EXPECT_EQ(test, viommu_stats(t.v)->faults_recorded, 1);
	hi = viommu_read(t.v, vtd_cap_fro(viommu_cap(t.v)) * 16 + 8, 8);
	KUNIT_EXPECT_EQ(test, (hi >> 63) & 1, 1);			/* F */
	KUNIT_EXPECT_EQ(test, (hi >> 32) & 0xff, VTD_FR_SM_PASID_INVALID);
	KUNIT_EXPECT_EQ(test, (hi >> 31) & 1, 1);			/* PP */
	KUNIT_EXPECT_EQ(test, (hi >> 40) & 0xfffff, 0x42);		/* PV */
	KUNIT_EXPECT_EQ(test, hi & 0xffff, GRID);			/* SID */
	sht_fini(&t);
}

static void shadow_viommu_batch_one_submission(struct kunit *test)
{
	struct vsva_inv_op op = { .kind = VSVA_INV_PIOTLB,
				  .gran = VSVA_INV_G_PASID_PAGE, .did = 5,
				  .pasid = 0x42 };
	struct sht_opts o = { 0 };
	struct sht t;

	sht_init_viommu(&t, test, &o);
	q_set(&t, 0x42, fs_pe(5, 0x123000));
	t.spy.submissions = t.spy.nops = 0;
	for (int i = 0; i < 64; i++) {
		op.addr = 0x1000ULL * i;
		q_put(&t, &op);
	}
	q_sync(&t);
	KUNIT_EXPECT_EQ(test, t.spy.submissions, 1);
	KUNIT_EXPECT_EQ(test, t.spy.nops, 64);
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[63].addr, 0x3f000);
	KUNIT_EXPECT_EQ(test, t.spy.ops_seen[63].did, hdid_of(&t, 0x42));
	sht_fini(&t);
}

/* SRTP (and context-cache invalidations) resync: a context gone drops all. */
static void shadow_viommu_context_change(struct kunit *test)
{
	struct vsva_inv_op cc = { .kind = VSVA_INV_CC, .gran = VSVA_INV_G_GLOBAL };
	struct sht_opts o = { 0 };
	struct sht t;
	u64 root;

	sht_init_viommu(&t, test, &o);
	q_set(&t, 0x42, fs_pe(5, 0x123000));
	q_set(&t, 0x43, fs_pe(5, 0x123000));
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t.sh), 2);
	/* A new root table with nothing in it. */
	root = gpage(&t);
	viommu_write(t.v, VTD_RTADDR_REG, 8, root | 0x400);
	viommu_write(t.v, VTD_GCMD_REG, 4, 0xc4000000);	/* TE | SRTP | QIE */
	q_put(&t, &cc);
	q_sync(&t);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t.sh), 0);
	KUNIT_EXPECT_EQ(test, phys_pe(&t, 0x42).val[0], 0);
	KUNIT_EXPECT_EQ(test, t.faults, 0);
	sht_fini(&t);
}

static void shadow_viommu_guest_reset(struct kunit *test)
{
	struct sht_opts o = { 0 };
	struct sht t;

	sht_init_viommu(&t, test, &o);
	q_set(&t, 0x42, fs_pe(5, 0x123000));
	shadow_guest_reset(t.sh);
	KUNIT_EXPECT_EQ(test, phys_pe(&t, 0x42).val[0], 0);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t.sh), 0);
	KUNIT_EXPECT_EQ(test, shadow_live_dids(t.sh), 0);
	/* The vIOMMU is back at reset values: translation off. */
	KUNIT_EXPECT_EQ(test, viommu_read(t.v, VTD_GSTS_REG, 4) & 0x80000000, 0);
	sht_fini(&t);
}

/* ======================================================================= */
/* Teardown                                                                */
/* ======================================================================= */

static void populate_mixed(struct sht *t, u32 *pasids, int n)
{
	struct vtd_pasid_entry pt = fs_pe(9, 0);

	vtd_pe_set_pgtt(&pt, VTD_PGTT_PT);
	for (int i = 0; i < n; i++) {
		KUNIT_ASSERT_EQ(t->test, t->h.vcmd_alloc_pasid(t->h.ctx, &pasids[i]), 0);
		g_set(t, pasids[i], i % 3 == 2 ? pt : fs_pe((u16)(5 + i % 4), 0x123000));
	}
	KUNIT_EXPECT_EQ(t->test, shadow_live_pasids(t->sh), (u32)n);
}

static void expect_no_phys(struct sht *t, const u32 *pasids, int n)
{
	for (int i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(t->test, phys_pe(t, pasids[i]).val[0], 0);
}

static void shadow_teardown_destroy(struct kunit *test)
{
	struct sht_opts o = { .vcmd = true, .pt = true };
	u32 pasids[12];
	struct sht t;

	sht_init(&t, test, &o);
	populate_mixed(&t, pasids, 12);
	shadow_destroy(t.sh);
	t.sh = NULL;
	expect_no_phys(&t, pasids, 12);
	KUNIT_EXPECT_EQ(test, vsva_pasid_usage(t.pa, OWNER), 0);
	KUNIT_EXPECT_EQ(test, hostdrv_stats(t.p.hd)->pasid_cleared, 12);
	sht_fini(&t);
}

static void shadow_teardown_guest_reset(struct kunit *test)
{
	struct sht_opts o = { .vcmd = true, .pt = true };
	u32 pasids[12], p;
	struct sht t;

	sht_init(&t, test, &o);
	populate_mixed(&t, pasids, 12);
	shadow_guest_reset(t.sh);
	expect_no_phys(&t, pasids, 12);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t.sh), 0);
	KUNIT_EXPECT_EQ(test, shadow_live_dids(t.sh), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_usage(t.pa, OWNER), 0);
	/* The VM lives on: the guest starts again. */
	KUNIT_ASSERT_EQ(test, t.h.vcmd_alloc_pasid(t.h.ctx, &p), 0);
	g_set(&t, p, fs_pe(5, 0x123000));
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t.sh), 1);
	sht_fini(&t);
}

/* Guest clears entries first, then the VM goes; and the reverse orders. */
static void shadow_teardown_guest_first(struct kunit *test)
{
	struct sht_opts o = { .vcmd = true, .pt = true };
	u32 pasids[6];
	struct sht t;

	sht_init(&t, test, &o);
	populate_mixed(&t, pasids, 6);
	for (int i = 0; i < 6; i += 2) {
		g_clear_pe(&t, pasids[i]);
		inv_pc(&t, VSVA_INV_G_PASID, 0, pasids[i]);
	}
	for (int i = 1; i < 6; i += 2)
		KUNIT_EXPECT_EQ(test, t.h.vcmd_free_pasid(t.h.ctx, pasids[i]), 0);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t.sh), 0);
	KUNIT_EXPECT_EQ(test, shadow_live_dids(t.sh), 0);
	shadow_guest_reset(t.sh);
	shadow_destroy(t.sh);
	t.sh = NULL;
	expect_no_phys(&t, pasids, 6);
	KUNIT_EXPECT_EQ(test, vsva_pasid_usage(t.pa, OWNER), 0);
	sht_fini(&t);
}

static void shadow_teardown_with_sst(struct kunit *test)
{
	struct sht_opts o = { .slts = true };
	struct sht t;
	u64 root;

	sht_init(&t, test, &o);
	root = gpage(&t);
	for (u64 g = 0; g < MB; g += 4096)
		g_map(&t, root, IOVA + g, g, true);
	g_set(&t, 0x60, ss_pe(3, root));
	g_set(&t, 0x61, fs_pe(4, 0x123000));
	KUNIT_EXPECT_GT(test, shadow_stats(t.sh)->sst_pages, 0);
	shadow_guest_reset(t.sh);
	KUNIT_EXPECT_EQ(test, shadow_stats(t.sh)->sst_pages, 0);
	KUNIT_EXPECT_EQ(test, phys_pe(&t, 0x60).val[0], 0);
	KUNIT_EXPECT_EQ(test, phys_pe(&t, 0x61).val[0], 0);
	sht_fini(&t);
}

static struct kunit_case shadow_cases[] = {
	KUNIT_CASE(shadow_empty_lifecycle),
	KUNIT_CASE(shadow_fs_becomes_nested),
	KUNIT_CASE(shadow_fs_attributes_copied),
	KUNIT_CASE(shadow_nested_dma_follows_guest),
	KUNIT_CASE(shadow_clear_on_not_present),
	KUNIT_CASE(shadow_unchanged_entry_is_noop),
	KUNIT_CASE(shadow_changed_did_moves_host_did),
	KUNIT_CASE(shadow_rid_pasid_not_shadowed),
	KUNIT_CASE(shadow_pt_when_offered),
	KUNIT_CASE_PARAM(shadow_refused_entry_faults, bad_gen_params),
	KUNIT_CASE(shadow_good_turned_bad),
	KUNIT_CASE(shadow_host_refusal_faults),
	KUNIT_CASE(shadow_bad_directory_entry),
	KUNIT_CASE(shadow_did_shared_refcounted),
	KUNIT_CASE(shadow_did_distinct),
	KUNIT_CASE(shadow_did_range_exhausted),
	KUNIT_CASE(shadow_did_range_outside_caps_refused),
	KUNIT_CASE(shadow_domain_selective_sync),
	KUNIT_CASE(shadow_global_sync),
	KUNIT_CASE(shadow_vcmd_alloc_map_free),
	KUNIT_CASE(shadow_vcmd_refuses_ungranted),
	KUNIT_CASE(shadow_vcmd_off_in_identity),
	KUNIT_CASE(shadow_inv_batched_one_submission),
	KUNIT_CASE(shadow_inv_piotlb_translated),
	KUNIT_CASE(shadow_inv_iotlb_domain_and_page),
	KUNIT_CASE(shadow_inv_iotlb_global_per_did),
	KUNIT_CASE(shadow_inv_devtlb_translated),
	KUNIT_CASE(shadow_hooks_forward),
	KUNIT_CASE(shadow_ss_software_shadow_dma),
	KUNIT_CASE(shadow_ss_one_table_per_did),
	KUNIT_CASE(shadow_vm_ss_changed_nested),
	KUNIT_CASE(shadow_vm_ss_changed_sst),
	KUNIT_CASE(shadow_viommu_queue_to_nested_dma),
	KUNIT_CASE(shadow_viommu_fault_in_guest_frcd),
	KUNIT_CASE(shadow_viommu_batch_one_submission),
	KUNIT_CASE(shadow_viommu_context_change),
	KUNIT_CASE(shadow_viommu_guest_reset),
	KUNIT_CASE(shadow_teardown_destroy),
	KUNIT_CASE(shadow_teardown_guest_reset),
	KUNIT_CASE(shadow_teardown_guest_first),
	KUNIT_CASE(shadow_teardown_with_sst),
	{}
};

static struct kunit_suite shadow_suite = {
	.name = "shadow",
	.test_cases = shadow_cases,
};

kunit_test_suites(&shadow_suite);
