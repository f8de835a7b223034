// SPDX-License-Identifier: GPL-2.0
/*
 * The end-to-end fixture of the host component (see e2e_fixture.h).
 */
#include <stdlib.h>
#include <string.h>

#include "e2e_fixture.h"

/* ---- wiring --------------------------------------------------------- */

static u64 e2e_mmio_read(void *ctx, u32 off, unsigned int size)
{
	return viommu_read(ctx, off, size);
}

static void e2e_mmio_write(void *ctx, u32 off, unsigned int size, u64 val)
{
	viommu_write(ctx, off, size, val);
}

/* The vIOMMU's interrupt messages reach the guest's handlers. */
static void e2e_guest_irq(void *ctx, u32 data, u64 addr)
{
	struct e2e *t = ctx;

	t->guest_irqs++;
	if (t->guest_up)
		gvtd_irq(&t->u, data, addr);
}

/*
 * The domain's iopf handler (iommu_domain::iopf_handler), run from the
 * guest's PRQ thread with one page-request group.
 */
static int e2e_iopf_handler(struct gvtd_iopf_group *g)
{
	struct e2e_dom *dm = g->attach_handle->domain->fault_data;
	struct e2e *t = dm->t;

	t->iopf_groups++;
	t->iopf_faults += g->fault_count;
	t->last_fault = g->last_fault;
	switch (t->iopf_mode) {
	case E2E_IOPF_HOLD:
		if (t->nheld < E2E_MAX_HELD) {
			t->held[t->nheld++] = g;
			return 0;
		}
		gvtd_iopf_group_response(g, GVTD_PAGE_RESP_INVALID);
		break;
	case E2E_IOPF_INVALID:
		gvtd_iopf_group_response(g, GVTD_PAGE_RESP_INVALID);
		break;
	case E2E_IOPF_MAP:
		for (u32 i = 0; i < g->fault_count; i++) {
			u64 page = g->faults[i].addr & ~0xfffULL;

			if (page >= E2E_IOVA && !gvtd_iova_to_phys(dm->d, page))
				gvtd_map(dm->d, page,
					 dm->gpa_base + (page - E2E_IOVA), 4096,
					 GVTD_PROT_READ | GVTD_PROT_WRITE);
		}
		gvtd_iopf_group_response(g, GVTD_PAGE_RESP_SUCCESS);
		break;
	}
	gvtd_iopf_free_group(g);
	return 0;
}

/* ---- the guest ------------------------------------------------------ */

void e2e_guest_boot(struct e2e *t)
{
	struct kunit *test = t->test;
	struct gvtd_cfg c = { 0 };
	struct gvtd_dev_cfg dc = {
		.rid = E2E_GRID, .pasid_bits = 20, .ats = true, .pri = true,
		.ats_qdep = 0, .prg_resp_pasid_required = true,
	};

	KUNIT_ASSERT_EQ(test, gmem_init_vm(&t->g, t->p.s.mem, t->p.vm,
					   E2E_GMEM_BASE,
					   E2E_RAM - E2E_GMEM_BASE), 0);
	memset(&t->u, 0, sizeof(t->u));
	c.mmio = (struct gvtd_mmio){ e2e_mmio_read, e2e_mmio_write, t->v };
	c.s = &t->p.s;
	c.mem = &t->g;
	c.fault_vector = E2E_FAULT_VEC;
	c.prq_vector = E2E_PRQ_VEC;
	t->guest_up = true;
	KUNIT_ASSERT_EQ(test, gvtd_probe(&t->u, &c), 0);
	t->dev = gvtd_probe_device(&t->u, &dc);
	KUNIT_ASSERT_NOT_NULL(test, t->dev);
	gvtd_enable_translation(&t->u);
	/* The default DMA domain on the RID, as at boot. */
	t->rid_dom = gvtd_domain_alloc(&t->u, GVTD_DOMAIN_DMA);
	KUNIT_ASSERT_NOT_NULL(test, t->rid_dom);
	KUNIT_ASSERT_EQ(test, gvtd_attach_dev(t->rid_dom, t->dev), 0);
	/* IOMMU_DEV_FEAT_IOPF, as a driver using PRI enables it. */
	KUNIT_ASSERT_EQ(test, gvtd_dev_enable_iopf(t->dev), 0);
}

static void free_doms(struct e2e *t)
{
	for (u32 i = 0; i < t->ndoms; i++) {
		gvtd_domain_free(t->doms[i]->d);
		free(t->doms[i]);
	}
	t->ndoms = 0;
	gvtd_domain_free(t->rid_dom);
	t->rid_dom = NULL;
}

void e2e_guest_forget(struct e2e *t)
{
	if (!t->guest_up)
		return;
	t->guest_up = false;
	for (u32 i = 0; i < t->nheld; i++)
		gvtd_iopf_free_group(t->held[i]);
	t->nheld = 0;
	free_doms(t);
	if (t->dev) {
		free(t->dev->pasid_array);
		free(t->dev->partial);
		free(t->dev);
		t->dev = NULL;
	}
	free(t->u.domain_ids);
	free(t->u.pasid_ida);
	free(t->u.devs);
	memset(&t->u, 0, sizeof(t->u));
	gmem_fini(&t->g);
}

/* Linux's order: PASID domains off, the device released, the unit removed. */
static void guest_shutdown(struct e2e *t)
{
	if (!t->guest_up)
		return;
	for (u32 i = 0; i < t->nheld; i++) {
		gvtd_iopf_group_response(t->held[i], GVTD_PAGE_RESP_INVALID);
		gvtd_iopf_free_group(t->held[i]);
	}
	t->nheld = 0;
	for (u32 i = 0; i < t->ndoms; i++)
		if (t->doms[i]->attached)
			e2e_detach(t->doms[i]);
	if (t->dev)
		gvtd_release_device(t->dev);
	t->dev = NULL;
	free_doms(t);
	gvtd_remove(&t->u);
	gmem_fini(&t->g);
	t->guest_up = false;
}

/* ---- lifetime ------------------------------------------------------- */

struct e2e *e2e_init(struct kunit *test, const struct e2e_opts *o)
{
	struct e2e *t = calloc(1, sizeof(*t));
	struct sim_platform_cfg pc;
	struct shadow_cfg sc;

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->test = test;
	test->priv = t;
	if (o)
		t->o = *o;
	t->buf_next = E2E_BUF_BASE;
	sim_platform_default_cfg(&pc);
	pc.seed = t->o.seed ? t->o.seed : 1;
	pc.trace = t->o.trace;
	pc.vm.ram_bytes = E2E_RAM;
	pc.vm.ss_page_lg2 = 12;
	pc.vm.lazy = t->o.lazy;
	KUNIT_ASSERT_EQ(test, sim_platform_init(&t->p, &pc), 0);
	KUNIT_ASSERT_EQ(test, hostdrv_dev_info(t->p.hd, t->p.rid, &t->di), 0);

	memset(&sc, 0, sizeof(sc));
	sc.s = &t->p.s;
	sc.vm = t->p.vm;
	sc.piommu = t->p.pi;
	sc.phys_rid = t->p.rid;
	sc.guest_rid = E2E_GRID;
	viommu_default_policy(&sc.policy);
	if (t->o.vcmd) {
		t->pa = vsva_pasid_alloc_create(8, 0);
		KUNIT_ASSERT_NOT_NULL(test, t->pa);
		sc.policy.pasid_ns = VIOMMU_PASID_VCMD;
		sc.pasids = t->pa;
		sc.pasid_owner = E2E_OWNER;
	}
	sc.guest_irq = e2e_guest_irq;
	sc.irq_ctx = t;
	t->sh = shadow_create(&sc);
	KUNIT_ASSERT_NOT_NULL(test, t->sh);
	t->v = shadow_viommu(t->sh);
	KUNIT_ASSERT_NOT_NULL(test, t->v);
	t->fr = fault_router_create_shadow(t->sh, &t->p.s, t->di.rid_pasid,
					   NULL);
	KUNIT_ASSERT_NOT_NULL(test, t->fr);
	e2e_guest_boot(t);
	return t;
}

/* One call: the shadow engine has the fault router answer first. */
void e2e_host_guest_reset(struct e2e *t)
{
	shadow_guest_reset(t->sh);
}

void e2e_host_vm_destroy(struct e2e *t)
{
	fault_router_destroy(t->fr);
	t->fr = NULL;
	shadow_destroy(t->sh);
	t->sh = NULL;
	t->v = NULL;
}

void e2e_fini(struct e2e *t)
{
	if (!t)
		return;
	if (t->test && t->test->priv == t)
		t->test->priv = NULL;
	if (t->v)
		guest_shutdown(t);
	else
		e2e_guest_forget(t);
	if (t->fr)
		fault_router_destroy(t->fr);
	if (t->sh)
		shadow_destroy(t->sh);
	sim_platform_fini(&t->p);
	if (t->pa)
		vsva_pasid_alloc_destroy(t->pa);
	free(t);
}

void e2e_exit(struct kunit *test)
{
	e2e_fini(test->priv);
}

/* ---- guest operations ----------------------------------------------- */

static u32 vcmd_reg(struct e2e *t)
{
	return VTD_VCMD_REG_R30;
}

u32 e2e_alloc_pasid(struct e2e *t)
{
	u64 rsp;

	if (!t->o.vcmd)
		return gvtd_alloc_global_pasid(t->dev);
	/* vcmd_alloc_pasid() of Linux 5.x: VCMD, then VCRSP (never IP here). */
	viommu_write(t->v, vcmd_reg(t), 8, VTD_VCMD_ALLOC_PASID);
	rsp = viommu_read(t->v, VTD_VCRSP_REG_R30, 8);
	if (vtd_vcrsp_sc(rsp, VTD_VCMD_REV30) != VTD_VCRSP_SC_SUCCESS)
		return GVTD_PASID_INVALID;
	return (u32)(rsp >> vtd_vcmd_operand_shift(VTD_VCMD_REV30));
}

u64 e2e_vcmd_free(struct e2e *t, u32 pasid)
{
	viommu_write(t->v, vcmd_reg(t), 8, VTD_VCMD_FREE_PASID |
		     ((u64)pasid << vtd_vcmd_operand_shift(VTD_VCMD_REV30)));
	return vtd_vcrsp_sc(viommu_read(t->v, VTD_VCRSP_REG_R30, 8),
			    VTD_VCMD_REV30);
}

struct e2e_dom *e2e_dom_new(struct e2e *t, u64 gpa_base)
{
	struct e2e_dom *dm = calloc(1, sizeof(*dm));

	KUNIT_ASSERT_NOT_NULL(t->test, dm);
	KUNIT_ASSERT_LT(t->test, t->ndoms, (u32)E2E_MAX_DOMS);
	dm->t = t;
	dm->gpa_base = gpa_base;
	t->doms[t->ndoms++] = dm;	/* freed by the fixture */
	dm->d = gvtd_paging_domain_alloc(t->dev);
	KUNIT_ASSERT_NOT_NULL(t->test, dm->d);
	dm->d->iopf_handler = e2e_iopf_handler;
	dm->d->fault_data = dm;
	return dm;
}

int e2e_attach(struct e2e_dom *dm, u32 pasid)
{
	int ret = gvtd_attach_dev_pasid(dm->d, dm->t->dev, pasid, &dm->h);

	if (!ret) {
		dm->pasid = pasid;
		dm->attached = true;
	}
	return ret;
}

void e2e_detach(struct e2e_dom *dm)
{
	gvtd_detach_dev_pasid(dm->d, dm->t->dev, dm->pasid);
	dm->attached = false;
}

void e2e_map(struct e2e_dom *dm, u64 off, u64 len)
{
	KUNIT_ASSERT_EQ(dm->t->test, gvtd_map(dm->d, E2E_IOVA + off,
					      dm->gpa_base + off, len,
					      GVTD_PROT_READ | GVTD_PROT_WRITE),
			0);
}

/* ---- guest memory --------------------------------------------------- */

u64 e2e_buf(struct e2e *t, u64 len, bool populate)
{
	u64 gpa = t->buf_next;

	len = (len + 4095) & ~4095ULL;
	KUNIT_ASSERT_LE(t->test, gpa + len, E2E_GMEM_BASE);
	t->buf_next += len;
	if (populate)
		for (u64 g = gpa; g < gpa + len; g += 4096)
			KUNIT_ASSERT_EQ(t->test, sim_vm_populate(t->p.vm, g), 0);
	return gpa;
}

void e2e_rd(struct e2e *t, u64 gpa, void *buf, u32 len)
{
	KUNIT_ASSERT_EQ(t->test, sim_mem_read(t->p.s.mem, sim_vm_id(t->p.vm),
					      gpa, buf, len), 0);
}

void e2e_wr(struct e2e *t, u64 gpa, const void *buf, u32 len)
{
	KUNIT_ASSERT_EQ(t->test, sim_mem_write(t->p.s.mem, sim_vm_id(t->p.vm),
					       gpa, buf, len), 0);
}

void e2e_fill(struct e2e *t, u64 gpa, u32 len, u8 seed)
{
	u8 *b = kunit_kzalloc(t->test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(t->test, b);
	for (u32 i = 0; i < len; i++)
		b[i] = (u8)(seed + i * 7 + (i >> 8));
	e2e_wr(t, gpa, b, len);
}

bool e2e_equal(struct e2e *t, u64 a, u64 b, u32 len)
{
	u8 *x = kunit_kzalloc(t->test, len, GFP_KERNEL);
	u8 *y = kunit_kzalloc(t->test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(t->test, x);
	KUNIT_ASSERT_NOT_NULL(t->test, y);
	e2e_rd(t, a, x, len);
	e2e_rd(t, b, y, len);
	return !memcmp(x, y, len);
}

u8 e2e_byte(struct e2e *t, u64 gpa)
{
	u8 b = 0;

	sim_mem_read(t->p.s.mem, sim_vm_id(t->p.vm), gpa, &b, 1);
	return b;
}

/* ---- the device ----------------------------------------------------- */

void e2e_wq(struct e2e *t, u32 wq, u32 pasid, bool bof)
{
	KUNIT_ASSERT_EQ(t->test, sim_platform_wq_enable(&t->p, wq, true, pasid,
							bof), 0);
}

void e2e_submit(struct e2e *t, u32 wq, u8 op, u32 flags, u64 src, u64 dst,
		u32 len, u64 cr_iova, u64 cr_gpa)
{
	struct siov_cr cr = { { 0 } };
	struct siov_desc d;

	siov_desc_init(&d, op, flags | SIOV_F_CRAV | SIOV_F_RCR);
	siov_desc_set_cr_addr(&d, cr_iova);
	siov_desc_set_src(&d, src);
	siov_desc_set_dst(&d, dst);
	siov_desc_set_xfer_size(&d, len);
	e2e_wr(t, cr_gpa, &cr, sizeof(cr));
	KUNIT_EXPECT_EQ(t->test, sim_platform_submit(&t->p, wq, &d), 0);
}

bool e2e_run_idle(struct e2e *t)
{
	return sim_platform_run_idle(&t->p, 4000000);
}

struct siov_cr e2e_cr(struct e2e *t, u64 cr_gpa)
{
	struct siov_cr cr = { { 0 } };

	e2e_rd(t, cr_gpa, &cr, sizeof(cr));
	return cr;
}

struct siov_cr e2e_desc(struct e2e *t, u32 wq, u8 op, u32 flags, u64 src,
			u64 dst, u32 len, u64 cr_iova, u64 cr_gpa)
{
	e2e_submit(t, wq, op, flags, src, dst, len, cr_iova, cr_gpa);
	KUNIT_EXPECT_TRUE(t->test, e2e_run_idle(t));
	return e2e_cr(t, cr_gpa);
}

/* ---- the physical side ---------------------------------------------- */

struct vtd_pasid_entry e2e_phys_pe(struct e2e *t, u32 pasid)
{
	struct vtd_pasid_entry pe;

	memset(&pe, 0, sizeof(pe));
	KUNIT_EXPECT_EQ(t->test, hostdrv_read_pasid_entry(t->p.hd, t->p.rid,
							  pasid, &pe, NULL), 0);
	return pe;
}
