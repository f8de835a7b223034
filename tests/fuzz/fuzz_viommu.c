// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the isolation invariant against a hostile L1 guest.
 *
 * Per input, the end-to-end machine of tests/host/e2e_fixture.c is built
 * with plain calls: the platform (host memory, physical VT-d unit, host
 * driver, S-IOV PF), an L1 VM owning the PF, the shadow engine with its
 * vIOMMU and the fault router, and the L1 guest (the Linux intel-iommu
 * model) booted with one paging domain attached to a PASID.  The input
 * bytes are then a program of guest actions: arbitrary vIOMMU register
 * writes, arbitrary qwords into the guest's root/context/PASID tables,
 * page tables, invalidation queue and buffers, IQT doorbells, PF work
 * queues enabled with arbitrary PASIDs, MEMMOVE/FILL descriptors with
 * arbitrary addresses, guest map/unmap, bounded runs of the sim loop.
 *
 * After every step the isolation oracle must hold: no device DMA outside
 * the VM's pages (s.oracle_violations == 0; oracle_fatal also aborts at the
 * violating access).  Crashes and sanitizer reports fail the target.
 *
 * The whole machine is rebuilt per input (about 150 exec/s with ASan), so
 * a crash input reproduces alone; ECAP.PSS and the VM's RAM are kept small
 * because setup and teardown dominate.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"
#include "shadow.h"
#include "fault_router.h"
#include "viommu.h"
#include "../../guest/sim/intel_iommu.h"

#define FZ_MB		(1ULL << 20)
#define FZ_RAM		(2 * FZ_MB)
#define FZ_BUF		0x40000ULL	/* buffers: [256 KiB, 1 MiB) */
#define FZ_WIN		0xc0000ULL	/* IOVA window: the buffers */
#define FZ_GMEM		(1 * FZ_MB)	/* guest's IOMMU structures */
#define FZ_GRID		0x0018
#define FZ_IOVA		0x7f0000000000ULL
#define FZ_MAP_LEN	0x10000ULL
#define FZ_MAX_STEPS	64
#define FZ_MAX_EVENTS	4000

struct fz {
	const u8 *data;
	size_t size, pos;
	struct sim_platform p;
	struct hostdrv_dev_info di;
	struct shadow *sh;
	struct viommu *v;
	struct fault_router *fr;
	bool guest_up;
	struct gmem g;
	struct gvtd_iommu u;
	struct gvtd_device *dev;
	struct gvtd_domain *rid_dom, *dom;
	struct gvtd_attach_handle h;
	u32 pasid;
	bool attached;
	bool iopf_invalid;
};

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static u8 get8(struct fz *f)
{
	return f->pos < f->size ? f->data[f->pos++] : 0;
}

static u64 getn(struct fz *f, unsigned int n)
{
	u64 v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= (u64)get8(f) << (8 * i);
	return v;
}

static u64 mmio_rd(void *ctx, u32 off, unsigned int size)
{
	return viommu_read(ctx, off, size);
}

static void mmio_wr(void *ctx, u32 off, unsigned int size, u64 val)
{
	viommu_write(ctx, off, size, val);
}

static void guest_irq(void *ctx, u32 data, u64 addr)
{
	struct fz *f = ctx;

	if (f->guest_up)
		gvtd_irq(&f->u, data, addr);
}

static int iopf_handler(struct gvtd_iopf_group *g)
{
	struct fz *f = g->attach_handle->domain->fault_data;

	if (f->iopf_invalid) {
		gvtd_iopf_group_response(g, GVTD_PAGE_RESP_INVALID);
	} else {
		for (u32 i = 0; i < g->fault_count; i++) {
			u64 page = g->faults[i].addr & ~0xfffULL;
			u64 off = page - FZ_IOVA;

			if (page >= FZ_IOVA && off < FZ_WIN &&
			    !gvtd_iova_to_phys(f->dom, page))
				gvtd_map(f->dom, page, FZ_BUF + off, 4096,
					 GVTD_PROT_READ | GVTD_PROT_WRITE);
		}
		gvtd_iopf_group_response(g, GVTD_PAGE_RESP_SUCCESS);
	}
	gvtd_iopf_free_group(g);
	return 0;
}

static void setup(struct fz *f)
{
	struct sim_platform_cfg pc;
	struct shadow_cfg sc;
	struct gvtd_cfg c = { 0 };
	struct gvtd_dev_cfg dc = {
		.rid = FZ_GRID, .pasid_bits = 20, .ats = true, .pri = true,
		.ats_qdep = 0, .prg_resp_pasid_required = true,
	};

	sim_platform_default_cfg(&pc);
	pc.seed = 1;
	pc.vm.ram_bytes = FZ_RAM;
	pc.vm.ss_page_lg2 = 12;
	/*
	 * ECAP.PSS (bits 39:35) = 9: 10-bit PASIDs keep the host driver's
	 * PASID directory (scanned at every teardown) small.
	 */
	pc.iommu.ecap = (pc.iommu.ecap & ~GENMASK_ULL(39, 35)) |
			FIELD_PREP(GENMASK_ULL(39, 35), 9);
	CHECK(!sim_platform_init(&f->p, &pc));
	f->p.s.oracle_fatal = true;
	CHECK(!hostdrv_dev_info(f->p.hd, f->p.rid, &f->di));

	memset(&sc, 0, sizeof(sc));
	sc.s = &f->p.s;
	sc.vm = f->p.vm;
	sc.piommu = f->p.pi;
	sc.phys_rid = f->p.rid;
	sc.guest_rid = FZ_GRID;
	viommu_default_policy(&sc.policy);
	sc.guest_irq = guest_irq;
	sc.irq_ctx = f;
	f->sh = shadow_create(&sc);
	CHECK(f->sh);
	f->v = shadow_viommu(f->sh);
	CHECK(f->v);
	f->fr = fault_router_create_shadow(f->sh, &f->p.s, f->di.rid_pasid,
					   NULL);
	CHECK(f->fr);

	/* The guest boots (e2e_guest_boot). */
	CHECK(!gmem_init_vm(&f->g, f->p.s.mem, f->p.vm, FZ_GMEM,
			    FZ_RAM - FZ_GMEM));
	c.mmio = (struct gvtd_mmio){ mmio_rd, mmio_wr, f->v };
	c.s = &f->p.s;
	c.mem = &f->g;
	c.fault_vector = 0x41;
	c.prq_vector = 0x42;
	f->guest_up = true;
	CHECK(!gvtd_probe(&f->u, &c));
	f->dev = gvtd_probe_device(&f->u, &dc);
	CHECK(f->dev);
	gvtd_enable_translation(&f->u);
	f->rid_dom = gvtd_domain_alloc(&f->u, GVTD_DOMAIN_DMA);
	CHECK(f->rid_dom);
	CHECK(!gvtd_attach_dev(f->rid_dom, f->dev));
	CHECK(!gvtd_dev_enable_iopf(f->dev));

	/* One paging domain on a PASID, IOVA window -> buffers. */
	f->dom = gvtd_paging_domain_alloc(f->dev);
	CHECK(f->dom);
	f->dom->iopf_handler = iopf_handler;
	f->dom->fault_data = f;
	f->pasid = gvtd_alloc_global_pasid(f->dev);
	CHECK(f->pasid != GVTD_PASID_INVALID);
	CHECK(!gvtd_attach_dev_pasid(f->dom, f->dev, f->pasid, &f->h));
	f->attached = true;
	CHECK(!gvtd_map(f->dom, FZ_IOVA, FZ_BUF, FZ_MAP_LEN,
			GVTD_PROT_READ | GVTD_PROT_WRITE));
	CHECK(f->p.s.oracle_violations == 0);
}

/*
 * Teardown without the guest's cooperation (e2e_guest_forget): after the
 * program the guest's own view of its structures may be anything.
 */
static void teardown(struct fz *f)
{
	f->guest_up = false;
	fault_router_destroy(f->fr);
	shadow_destroy(f->sh);
	gvtd_domain_free(f->dom);
	gvtd_domain_free(f->rid_dom);
	if (f->dev) {
		free(f->dev->pasid_array);
		free(f->dev->partial);
		free(f->dev);
	}
	free(f->u.domain_ids);
	free(f->u.pasid_ida);
	free(f->u.devs);
	gmem_fini(&f->g);
	sim_platform_fini(&f->p);
}

/* A guest address: biased towards the guest's IOMMU structures. */
static u64 pick_gpa(struct fz *f)
{
	u8 sel = get8(f);
	u64 off = getn(f, 3);

	switch (sel & 7) {
	case 0:		/* root table */
		return (viommu_read(f->v, VTD_RTADDR_REG, 8) & ~0xfffULL) +
		       (off & 0xff8);
	case 1:		/* the invalidation queue */
		return (viommu_read(f->v, VTD_IQA_REG, 8) & ~0xfffULL) +
		       (off & 0xfff8);
	case 2:		/* the PASID entry of a small PASID */
		return gvtd_pasid_entry_addr(f->dev, (u32)(off >> 6) & 0x3f ?
					     (u32)(off >> 6) & 0x3f :
					     f->pasid) + (off & 0x38);
	case 3:		/* data buffers */
		return FZ_BUF + ((off % FZ_WIN) & ~7ULL);
	case 4:
	case 5:
	case 6:		/* anywhere in the guest kernel's structures */
		return FZ_GMEM + (off & (FZ_RAM - FZ_GMEM - 8));
	default:	/* anywhere, also outside RAM */
		return getn(f, 5) & ~7ULL;
	}
}

static const u32 regs[] = {
	VTD_GCMD_REG, VTD_RTADDR_REG, VTD_CCMD_REG, VTD_FSTS_REG,
	VTD_FECTL_REG, VTD_IQH_REG, VTD_IQT_REG, VTD_IQA_REG, VTD_ICS_REG,
	VTD_IECTL_REG, VTD_IQERCD_REG, VTD_PQH_REG, VTD_PQT_REG, VTD_PQA_REG,
	VTD_PRS_REG, VTD_PECTL_REG,
};

static u64 pick_iova(struct fz *f)
{
	u8 sel = get8(f);

	if (sel & 1)
		return FZ_IOVA + getn(f, 3) % FZ_WIN;
	return getn(f, 8);
}

static void step(struct fz *f, u8 op)
{
	switch (op % 12) {
	case 0: {	/* register write */
		u8 r = get8(f);
		u32 off = r & 0x80 ? regs[r % ARRAY_SIZE(regs)] :
				     (u32)(getn(f, 2) & 0xffc);
		unsigned int size = r & 0x40 ? 8 : 4;
		u64 val = getn(f, 8);

		if (size == 8)
			off &= ~7u;
		viommu_write(f->v, off, size, val);
		break;
	}
	case 1:
	case 2: {	/* guest memory qword */
		u64 gpa = pick_gpa(f);
		u64 val = getn(f, 8);

		sim_mem_write(f->p.s.mem, sim_vm_id(f->p.vm), gpa, &val, 8);
		break;
	}
	case 3: {	/* one IQ descriptor at the tail, then the doorbell */
		u64 iqa = viommu_read(f->v, VTD_IQA_REG, 8);
		u64 iqt = viommu_read(f->v, VTD_IQT_REG, 8);
		u64 qw[4];

		for (int i = 0; i < 4; i++)
			qw[i] = getn(f, 8);
		qw[0] = (qw[0] & ~0xfULL) | (get8(f) % 10);
		sim_mem_write(f->p.s.mem, sim_vm_id(f->p.vm),
			      (iqa & ~0xfffULL) + (iqt & 0x7fff0), qw,
			      iqa & BIT(11) ? 32 : 16);
		viommu_write(f->v, VTD_IQT_REG, 8,
			     iqt + (iqa & BIT(11) ? 32 : 16));
		break;
	}
	case 4:		/* IQT doorbell */
		viommu_write(f->v, VTD_IQT_REG, 8, getn(f, 3) & 0x7fff0);
		break;
	case 5: {	/* PF work queue with an arbitrary PASID */
		u8 w = get8(f);
		u32 pasid = w & 0x80 ? f->pasid : (u32)getn(f, 3) & 0xfffff;

		if (w & 0x08)	/* half: within the 10 bits offered */
			pasid &= 0x3ff;
		if (w & 0x40)
			sim_platform_wq_disable(&f->p, w & 3);
		else
			sim_platform_wq_enable(&f->p, w & 3, !(w & 0x20), pasid,
					       w & 0x10);
		break;
	}
	case 6: {	/* MEMMOVE / FILL */
		struct siov_desc d;
		u8 k = get8(f);
		u32 flags = (k & 0x2 ? SIOV_F_BOF : 0) |
			    (k & 0x4 ? SIOV_F_CRAV | SIOV_F_RCR : 0);

		siov_desc_init(&d, k & 1 ? SIOV_OP_FILL : SIOV_OP_MEMMOVE,
			       flags);
		siov_desc_set_cr_addr(&d, pick_iova(f) & ~0x1fULL);
		siov_desc_set_src(&d, pick_iova(f));
		siov_desc_set_dst(&d, pick_iova(f));
		siov_desc_set_xfer_size(&d, (u32)getn(f, 2) + 1);
		sim_platform_submit(&f->p, (k >> 4) & 3, &d);
		break;
	}
	case 7:
	case 8:		/* run the machine, bounded */
		sim_run(&f->p.s, 1 + (getn(f, 2) % FZ_MAX_EVENTS));
		break;
	case 9: {	/* the guest driver maps / unmaps */
		u64 off = (getn(f, 2) & 0xff) << 12;
		u8 k = get8(f);

		if (k & 1)
			gvtd_unmap(f->dom, FZ_IOVA + off, 4096);
		else if (!gvtd_iova_to_phys(f->dom, FZ_IOVA + off))
			gvtd_map(f->dom, FZ_IOVA + off, FZ_BUF + off, 4096,
				 GVTD_PROT_READ | GVTD_PROT_WRITE);
		f->iopf_invalid = k & 2;
		break;
	}
	case 10:	/* the guest's attach/detach of its PASID */
		if (f->attached) {
			gvtd_detach_dev_pasid(f->dom, f->dev, f->pasid);
			f->attached = false;
		} else if (!gvtd_attach_dev_pasid(f->dom, f->dev, f->pasid,
						  &f->h)) {
			f->attached = true;
		}
		break;
	default:	/* the guest stops answering (or resumes) */
		f->guest_up = !f->guest_up;
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz f;
	unsigned int n = 0;

	memset(&f, 0, sizeof(f));
	f.data = data;
	f.size = size;
	setup(&f);
	while (f.pos < f.size && n++ < FZ_MAX_STEPS) {
		step(&f, get8(&f));
		CHECK(f.p.s.oracle_violations == 0);
	}
	/* Let what was started finish (bounded). */
	sim_run(&f.p.s, FZ_MAX_EVENTS);
	CHECK(f.p.s.oracle_violations == 0);
	teardown(&f);
	return 0;
}
