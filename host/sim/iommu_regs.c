// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated VT-d unit's register file (10.4).  The table, MMIO, GCMD
 * -> GSTS, event control and the IQT doorbell are host/vtd_unit_regs.c's;
 * here: its configuration, register-based invalidation (CCMD, IOTLB_REG)
 * and the dispatch of the PRQ registers to vsva_prq.
 */
#include "iommu_internal.h"

/* ------------------------------------------------------------------ */
/* Unit-specific register side effects                                */
/* ------------------------------------------------------------------ */
static void ccmd_write(struct sim_iommu *it, u64 v)
{
	if (!vtd_ccmd_icc(v))
		return;
	if (it->u.rv[VTD_R_GSTS] & VTD_GSTS_QIES) {
		it->st.bad_mmio++;
		it->u.rv[VTD_R_CCMD] = v & ~BIT_ULL(63);
		return;
	}
	switch (vtd_ccmd_cirg(v)) {
	case 1:
		vsva_inv_ctx_global(it->caches);
		break;
	case 2:
		vsva_inv_ctx_domain(it->caches, (u16)vtd_ccmd_did(v));
		break;
	case 3:
		vsva_inv_ctx_device(it->caches, (u16)vtd_ccmd_did(v),
				    (u16)vtd_ccmd_sid(v), (u8)vtd_ccmd_fm(v));
		break;
	default:	/* reserved granularity: CAIG 0 reports failure */
		it->u.rv[VTD_R_CCMD] = vtd_ccmd_set_caig(v, 0) & ~BIT_ULL(63);
		return;
	}
	it->u.rv[VTD_R_CCMD] = vtd_ccmd_set_caig(v, vtd_ccmd_cirg(v)) & ~BIT_ULL(63);
}

static void iotlb_write(struct sim_iommu *it, u64 v)
{
	u64 iva = it->u.rv[VTD_R_IVA];

	if (!vtd_iotlb_ivt(v))
		return;
	if (it->u.rv[VTD_R_GSTS] & VTD_GSTS_QIES) {
		it->st.bad_mmio++;
		it->u.rv[VTD_R_IOTLB] = v & ~BIT_ULL(63);
		return;
	}
	switch (vtd_iotlb_iirg(v)) {
	case 1:
		vsva_inv_iotlb_global(it->caches);
		break;
	case 2:
		vsva_inv_iotlb_domain(it->caches, (u16)vtd_iotlb_did(v));
		break;
	case 3:
		if (vtd_iva_am(iva) > vtd_cap_mamv(it->cfg.cap)) {
			it->u.rv[VTD_R_IOTLB] = vtd_iotlb_set_iaig(v, 0) & ~BIT_ULL(63);
			return;
		}
		vsva_inv_iotlb_page(it->caches, (u16)vtd_iotlb_did(v),
				    vtd_iva_addr(iva), (u8)vtd_iva_am(iva),
				    vtd_iva_ih(iva));
		break;
	default:
		it->u.rv[VTD_R_IOTLB] = vtd_iotlb_set_iaig(v, 0) & ~BIT_ULL(63);
		return;
	}
	it->u.rv[VTD_R_IOTLB] = vtd_iotlb_set_iaig(v, vtd_iotlb_iirg(v)) &
			  ~BIT_ULL(63);
}

static void iommu_written(void *ctx, u32 id, u64 old, u64 val)
{
	struct sim_iommu *it = ctx;

	if (id == VTD_R_CCMD)
		ccmd_write(it, it->u.rv[id]);
	else if (id == VTD_R_IOTLB)
		iotlb_write(it, it->u.rv[id]);
}

static void iommu_unit_irq(void *ctx, enum vtd_unit_irq which, u32 data,
			   u32 addr, u32 uaddr)
{
	/* enum sim_iommu_irq has the same order as enum vtd_unit_irq. */
	iommu_send_irq(ctx, (enum sim_iommu_irq)which, data, addr, uaddr);
}

static void iommu_unit_kick(void *ctx)
{
	iommu_iq_kick(ctx);
}

static const struct vtd_unit_ops iommu_unit_ops = {
	.irq = iommu_unit_irq,
	.kick = iommu_unit_kick,
	.written = iommu_written,
};

void iommu_regs_init(struct sim_iommu *it)
{
	vtd_unit_init(&it->u, it->s, "iommu", it->cfg.cap, it->cfg.ecap,
		      it->cfg.haw, IOMMU_VER, &iommu_unit_ops, it);
	it->u.ctr.bad_mmio = &it->st.bad_mmio;
	it->u.ctr.mmio_writes = &it->st.mmio_writes;
	it->u.ctr.gcmd_bad = &it->st.gcmd_bad;
}

/* ------------------------------------------------------------------ */
/* MMIO                                                               */
/* ------------------------------------------------------------------ */
static bool is_prq_off(const struct sim_iommu *it, u32 off)
{
	return vtd_ecap_prs(it->cfg.ecap) && off >= VTD_PQH_REG &&
	       off < VTD_PEUADDR_REG + 4;
}

u64 sim_iommu_read(struct sim_iommu *it, u32 off, unsigned int size)
{
	u64 v;

	if (off < IOMMU_MMIO_SIZE && is_prq_off(it, off)) {
		if (vsva_prq_reg_read(&it->prq, off, size, &v)) {
			it->st.bad_mmio++;
			return 0;
		}
		return v;
	}
	vtd_unit_mmio_read(&it->u, off, size, &v);
	return v;
}

void sim_iommu_write(struct sim_iommu *it, u32 off, unsigned int size, u64 val)
{
	if (off < IOMMU_MMIO_SIZE && is_prq_off(it, off)) {
		struct vsva_prq_event ev;

		if (vsva_prq_reg_write(&it->prq, off, size, val, &ev)) {
			it->st.bad_mmio++;
			return;
		}
		it->st.mmio_writes++;
		sim_trace(it->s, "iommu", "wr %#05x (PRQ) = %#llx", off,
			  (unsigned long long)val);
		if (ev.irq)
			iommu_send_irq(it, SIM_IOMMU_IRQ_PRQ, ev.irq_data,
				       (u32)ev.irq_addr,
				       (u32)(ev.irq_addr >> 32));
		return;
	}
	vtd_unit_mmio_write(&it->u, off, size, val);
}
