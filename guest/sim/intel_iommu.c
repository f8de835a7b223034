// SPDX-License-Identifier: GPL-2.0
/*
 * Linux 6.12 intel-iommu model: the unit (init_dmars, iommu_set_root_entry,
 * iommu_enable_translation), queued invalidation (dmar.c dmar_enable_qi,
 * qi_submit_sync, qi_check_fault, qi_desc_*), the fault interrupt
 * (dmar_fault), domain ids and the global PASID allocator.
 *
 * Files of the model:
 *   intel_iommu.c   unit, registers, queued invalidation, faults
 *   intel_pasid.c   PASID directory/tables, context entries, pasid_setup_*
 *   intel_domain.c  paging domains, first/second-level tables, cache tags,
 *                   RID and PASID attach
 *   intel_prq.c     page request queue, iopf groups, page responses
 */
#include <stdlib.h>

#include "intel_iommu_internal.h"

/* ------------------------------------------------------------------ */
/* Registers                                                          */
/* ------------------------------------------------------------------ */
u64 gvtd_readq(struct gvtd_iommu *u, u32 off)
{
	return u->cfg.mmio.read(u->cfg.mmio.ctx, off, 8);
}

u32 gvtd_readl(struct gvtd_iommu *u, u32 off)
{
	return (u32)u->cfg.mmio.read(u->cfg.mmio.ctx, off, 4);
}

void gvtd_writeq(struct gvtd_iommu *u, u32 off, u64 val)
{
	u->cfg.mmio.write(u->cfg.mmio.ctx, off, 8, val);
}

void gvtd_writel(struct gvtd_iommu *u, u32 off, u32 val)
{
	u->cfg.mmio.write(u->cfg.mmio.ctx, off, 4, val);
}

bool gvtd_poll_step(struct gvtd_iommu *u, u64 *budget)
{
	if (!u->cfg.s || !*budget)
		return false;
	(*budget)--;
	return sim_step(u->cfg.s);
}

/* IOMMU_WAIT_OP on GSTS: poll until (GSTS & @mask) == @want. */
static void gvtd_wait_gsts(struct gvtd_iommu *u, u32 mask, u32 want)
{
	u64 budget = u->cfg.poll_max_events;

	while ((gvtd_readl(u, VTD_GSTS_REG) & mask) != want)
		if (!gvtd_poll_step(u, &budget)) {
			gvtd_trace(u, "GSTS wait %#x timed out", mask);
			return;
		}
}

/* ------------------------------------------------------------------ */
/* Queued invalidation (dmar.c)                                       */
/* ------------------------------------------------------------------ */
int gvtd_desc_from_op(const struct vsva_inv_op *op, struct vtd_inv_desc *d)
{
	memset(d, 0, sizeof(*d));
	return vsva_qi_encode(op, 256, d->qw);
}

/* qi_flush_context() */
void gvtd_desc_cc(struct vtd_inv_desc *d, u16 did, u16 sid, u8 fm, u8 g)
{
	struct vsva_inv_op op = {
		.kind = VSVA_INV_CC, .did = did, .sid = sid, .fm = fm,
		.gran = g == VTD_CC_G_GLOBAL ? VSVA_INV_G_GLOBAL :
			g == VTD_CC_G_DOMAIN ? VSVA_INV_G_DOMAIN :
			VSVA_INV_G_DEVICE,
	};

	gvtd_desc_from_op(&op, d);
}

/* qi_desc_iotlb(): DW/DR from CAP as Linux. */
void gvtd_desc_iotlb(struct gvtd_iommu *u, struct vtd_inv_desc *d, u16 did,
		     u64 addr, unsigned int am, bool ih, u8 g)
{
	struct vsva_inv_op op = {
		.kind = VSVA_INV_IOTLB, .did = did,
		.dw = vtd_cap_dwd(u->cap), .dr = vtd_cap_drd(u->cap),
		.gran = g == VTD_IOTLB_G_GLOBAL ? VSVA_INV_G_GLOBAL :
			g == VTD_IOTLB_G_DOMAIN ? VSVA_INV_G_DOMAIN :
			VSVA_INV_G_PAGE,
	};

	if (g == VTD_IOTLB_G_PAGE) {
		op.addr = addr;
		op.am = (u8)am;
		op.ih = ih;
	}
	gvtd_desc_from_op(&op, d);
}

static unsigned int gvtd_ilog2_roundup(u64 n)
{
	unsigned int l = 0;

	while ((1ULL << l) < n)
		l++;
	return l;
}

/* qi_desc_piotlb(): @npages GVTD_NPAGES_ALL is PASID-selective. */
void gvtd_desc_piotlb(struct vtd_inv_desc *d, u16 did, u32 pasid, u64 addr,
		      u64 npages, bool ih)
{
	struct vsva_inv_op op = {
		.kind = VSVA_INV_PIOTLB, .did = did, .pasid = pasid,
		.gran = VSVA_INV_G_PASID,
	};

	if (npages != GVTD_NPAGES_ALL) {
		unsigned int mask = gvtd_ilog2_roundup(npages);

		op.gran = VSVA_INV_G_PASID_PAGE;
		op.addr = addr & ~((GVTD_PAGE << mask) - 1);
		op.am = (u8)mask;
		op.ih = ih;
	}
	gvtd_desc_from_op(&op, d);
}

/* qi_flush_pasid_cache() / pasid_cache_invalidation_with_pasid() */
void gvtd_desc_pc(struct vtd_inv_desc *d, u16 did, u8 g, u32 pasid)
{
	struct vsva_inv_op op = {
		.kind = VSVA_INV_PC, .did = did, .pasid = pasid,
		.gran = g == VTD_PC_G_GLOBAL ? VSVA_INV_G_GLOBAL :
			g == VTD_PC_G_DOMAIN ? VSVA_INV_G_DOMAIN :
			VSVA_INV_G_PASID,
	};

	if (g != VTD_PC_G_PASID)
		op.pasid = 0;
	gvtd_desc_from_op(&op, d);
}

/* qi_desc_dev_iotlb(): @mask pages 2^mask, 0 = one page. */
void gvtd_desc_devtlb(struct vtd_inv_desc *d, u16 sid, u16 pfsid, u16 qdep,
		      u64 addr, unsigned int mask)
{
	struct vsva_inv_op op = {
		.kind = VSVA_INV_DEVTLB, .sid = sid, .pfsid = pfsid,
		.mip = (u8)(qdep >= 32 ? 0 : qdep),
		.size_lg2 = (u8)(12 + mask),
	};

	op.addr = addr & ~((1ULL << (op.size_lg2 == 64 ? 63 : op.size_lg2)) -
			   1);
	if (op.size_lg2 == 64)
		op.addr = 0;
	gvtd_desc_from_op(&op, d);
}

/* qi_desc_dev_iotlb_pasid() */
void gvtd_desc_pdevtlb(struct vtd_inv_desc *d, u16 sid, u16 pfsid, u32 pasid,
		       u16 qdep, u64 addr, unsigned int size_order)
{
	struct vsva_inv_op op = {
		.kind = VSVA_INV_PDEVTLB, .gran = VSVA_INV_G_PASID,
		.sid = sid, .pfsid = pfsid, .pasid = pasid,
		.mip = (u8)(qdep & 0x1f),
	};

	if (size_order > 64 - 12)
		size_order = 64 - 12;
	op.size_lg2 = (u8)(12 + size_order);
	op.addr = op.size_lg2 == 64 ? 0 :
		  addr & ~((1ULL << op.size_lg2) - 1);
	gvtd_desc_from_op(&op, d);
}

static u64 qi_slot(struct gvtd_iommu *u, u32 index)
{
	return u->qi_desc + ((u64)(index % GVTD_QI_LENGTH) << u->qi_shift);
}

static u32 qi_status_get(struct gvtd_iommu *u, u32 index)
{
	return gmem_read32(u->mem, u->qi_status + 4 * (index % GVTD_QI_LENGTH));
}

static void qi_status_set(struct gvtd_iommu *u, u32 index, u32 v)
{
	gmem_write32(u->mem, u->qi_status + 4 * (index % GVTD_QI_LENGTH), v);
}

/* reclaim_free_desc() */
static void qi_reclaim(struct gvtd_iommu *u)
{
	while (u->qi_free_tail != u->qi_free_head &&
	       qi_status_get(u, u->qi_free_tail) == GVTD_QI_FREE) {
		u->qi_free_tail = (u->qi_free_tail + 1) % GVTD_QI_LENGTH;
		u->qi_free_cnt++;
	}
}

static bool qi_in_submission(u32 idx, u32 index, u32 wait_index)
{
	u32 n = (wait_index + GVTD_QI_LENGTH - index) % GVTD_QI_LENGTH;

	return (idx + GVTD_QI_LENGTH - index) % GVTD_QI_LENGTH <= n;
}

/* qi_check_fault() */
static int qi_check_fault(struct gvtd_iommu *u, u32 index, u32 wait_index)
{
	u32 fault;

	if (qi_status_get(u, wait_index) == GVTD_QI_ABORT)
		return -EAGAIN;
	fault = gvtd_readl(u, VTD_FSTS_REG);
	if (fault & VTD_FSTS_IQE) {
		u32 head = (gvtd_readl(u, VTD_IQH_REG) >> u->qi_shift) %
			   GVTD_QI_LENGTH;

		/*
		 * Linux overwrites the bad descriptor with the wait descriptor
		 * and clears IQE; the unit then resumes at IQH.
		 */
		if (qi_in_submission(head, index, wait_index)) {
			u8 wd[32];

			u->st.qi_iqe++;
			gmem_read(u->mem, qi_slot(u, wait_index), wd, sizeof(wd));
			gmem_write(u->mem, qi_slot(u, head), wd, sizeof(wd));
			gvtd_writel(u, VTD_FSTS_REG, VTD_FSTS_IQE);
			gvtd_trace(u, "IQE at %u cleared", head);
			return -EINVAL;
		}
	}
	if (fault & VTD_FSTS_ITE) {
		u32 head = ((gvtd_readl(u, VTD_IQH_REG) >> u->qi_shift) - 1 +
			    GVTD_QI_LENGTH) % GVTD_QI_LENGTH;
		u32 tail = ((gvtd_readl(u, VTD_IQT_REG) >> u->qi_shift) - 1 +
			    GVTD_QI_LENGTH) % GVTD_QI_LENGTH;

		u->st.qi_ite++;
		gvtd_writel(u, VTD_FSTS_REG, VTD_FSTS_ITE);
		do {
			if (qi_status_get(u, head) == GVTD_QI_IN_USE)
				qi_status_set(u, head, GVTD_QI_ABORT);
			head = (head - 1 + GVTD_QI_LENGTH) % GVTD_QI_LENGTH;
		} while (head != tail);
		if (qi_status_get(u, wait_index) == GVTD_QI_ABORT)
			return -EAGAIN;
	}
	if (fault & VTD_FSTS_ICE) {
		u->st.qi_ice++;
		gvtd_writel(u, VTD_FSTS_REG, VTD_FSTS_ICE);
	}
	return 0;
}

int gvtd_qi_submit_sync(struct gvtd_iommu *u, const struct vtd_inv_desc *desc,
			unsigned int count, bool drain)
{
	unsigned int restarts = 0;
	int rc;

	if (!u->qi_desc)
		return 0;
restart:
	rc = 0;
	qi_reclaim(u);
	if (u->qi_free_cnt < count + 2)
		return -EBUSY;	/* cannot happen single-threaded */
	{
		u32 index = u->qi_free_head;
		u32 wait_index = (index + count) % GVTD_QI_LENGTH;
		u64 budget = u->cfg.poll_max_events;
		struct vsva_inv_op wop = {
			.kind = VSVA_INV_WAIT,
			.wait = { .sw = true, .pd = drain,
				  .status_data = GVTD_QI_DONE,
				  .status_addr = u->qi_status + 4 * wait_index },
		};
		struct vtd_inv_desc wd;

		for (unsigned int i = 0; i < count; i++) {
			gmem_write(u->mem, qi_slot(u, index + i), desc[i].qw, 32);
			qi_status_set(u, index + i, GVTD_QI_IN_USE);
			gvtd_trace(u, "qi submit %#llx %#llx",
				   (unsigned long long)desc[i].qw[0],
				   (unsigned long long)desc[i].qw[1]);
		}
		qi_status_set(u, wait_index, GVTD_QI_IN_USE);
		gvtd_desc_from_op(&wop, &wd);
		gmem_write(u->mem, qi_slot(u, wait_index), wd.qw, 32);
		u->qi_free_head = (u->qi_free_head + count + 1) % GVTD_QI_LENGTH;
		u->qi_free_cnt -= count + 1;
		u->st.qi_submits++;
		u->st.qi_descs += count + 1;

		/* writel(): the low half of IQT_REG */
		gvtd_writel(u, VTD_IQT_REG, u->qi_free_head << u->qi_shift);

		while (qi_status_get(u, wait_index) != GVTD_QI_DONE) {
			rc = qi_check_fault(u, index, wait_index);
			if (rc)
				break;
			if (!gvtd_poll_step(u, &budget)) {
				rc = qi_check_fault(u, index, wait_index);
				if (!rc && qi_status_get(u, wait_index) !=
					   GVTD_QI_DONE) {
					u->st.qi_timeouts++;
					rc = -ETIMEDOUT;
				}
				break;
			}
		}
		for (unsigned int i = 0; i <= count; i++)
			qi_status_set(u, index + i, GVTD_QI_FREE);
		qi_reclaim(u);
	}
	if (rc == -EAGAIN && ++restarts < 3)
		goto restart;
	return rc;
}

static int qi_submit_one(struct gvtd_iommu *u, const struct vtd_inv_desc *d)
{
	return gvtd_qi_submit_sync(u, d, 1, false);
}

int gvtd_qi_flush_context(struct gvtd_iommu *u, u16 did, u16 sid, u8 fm, u8 g)
{
	struct vtd_inv_desc d;

	gvtd_desc_cc(&d, did, sid, fm, g);
	return qi_submit_one(u, &d);
}

int gvtd_qi_flush_iotlb(struct gvtd_iommu *u, u16 did, u64 addr,
			unsigned int am, u8 g)
{
	struct vtd_inv_desc d;

	gvtd_desc_iotlb(u, &d, did, addr & ~1ULL, am, addr & 1, g);
	return qi_submit_one(u, &d);
}

int gvtd_qi_flush_piotlb(struct gvtd_iommu *u, u16 did, u32 pasid, u64 addr,
			 u64 npages, bool ih)
{
	struct vtd_inv_desc d;

	if (!npages)
		return -EINVAL;
	gvtd_desc_piotlb(&d, did, pasid, addr, npages, ih);
	return qi_submit_one(u, &d);
}

int gvtd_qi_flush_pasid_cache(struct gvtd_iommu *u, u16 did, u8 g, u32 pasid)
{
	struct vtd_inv_desc d;

	gvtd_desc_pc(&d, did, g, pasid);
	return qi_submit_one(u, &d);
}

void gvtd_iotlb_global_flush(struct gvtd_iommu *u)
{
	gvtd_qi_flush_iotlb(u, 0, 0, 0, VTD_IOTLB_G_GLOBAL);
}

/* dmar_disable_qi() */
static void gvtd_disable_qi(struct gvtd_iommu *u)
{
	u64 budget = u->cfg.poll_max_events;

	if (!(gvtd_readl(u, VTD_GSTS_REG) & VTD_GSTS_QIES))
		return;
	while (gvtd_readq(u, VTD_IQT_REG) != gvtd_readq(u, VTD_IQH_REG) &&
	       gvtd_poll_step(u, &budget))
		;
	u->gcmd &= ~VTD_GCMD_QIE;
	gvtd_writel(u, VTD_GCMD_REG, u->gcmd);
	gvtd_wait_gsts(u, VTD_GSTS_QIES, 0);
}

/* dmar_enable_qi() + __dmar_enable_qi(): 2 pages, DW = 1, QS = 1. */
static int gvtd_enable_qi(struct gvtd_iommu *u)
{
	u64 val;
	int ret;

	ret = gmem_alloc_pages(u->mem, 1, &u->qi_desc);
	if (ret)
		return ret;
	ret = gmem_alloc_page(u->mem, &u->qi_status);
	if (ret) {
		gmem_free_pages(u->mem, u->qi_desc, 1);
		u->qi_desc = 0;
		return ret;
	}
	u->qi_shift = 5;
	u->qi_free_head = u->qi_free_tail = 0;
	u->qi_free_cnt = GVTD_QI_LENGTH;
	val = u->qi_desc | BIT_ULL(11) | 1;	/* DW = 1 (bit 11), QS = 1 */
	gvtd_writel(u, VTD_IQT_REG, 0);
	gvtd_writeq(u, VTD_IQA_REG, val);
	u->gcmd |= VTD_GCMD_QIE;
	gvtd_writel(u, VTD_GCMD_REG, u->gcmd);
	gvtd_wait_gsts(u, VTD_GSTS_QIES, VTD_GSTS_QIES);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The unit                                                           */
/* ------------------------------------------------------------------ */
/* __iommu_calculate_sagaw() / __iommu_calculate_agaw(57) */
static int gvtd_calculate_agaw(struct gvtd_iommu *u)
{
	unsigned long fl = BIT(2) | (vtd_cap_fl5lp(u->cap) ? BIT(3) : 0);
	unsigned long sl = (unsigned long)vtd_cap_sagaw(u->cap);
	unsigned long sagaw;
	int agaw;

	if (!u->sm || !vtd_ecap_flts(u->ecap))
		sagaw = sl;
	else if (!vtd_ecap_slts(u->ecap))
		sagaw = fl;
	else
		sagaw = fl & sl;
	for (agaw = 3; agaw >= 0; agaw--)	/* width_to_agaw(57) = 3 */
		if (sagaw & BIT(agaw))
			break;
	return agaw;
}

/* iommu_flush_write_buffer() */
static void gvtd_flush_write_buffer(struct gvtd_iommu *u)
{
	if (!vtd_cap_rwbf(u->cap))
		return;
	gvtd_writel(u, VTD_GCMD_REG, u->gcmd | VTD_GCMD_WBF);
	gvtd_wait_gsts(u, VTD_GSTS_WBFS, 0);
}

/* iommu_set_root_entry() */
static void gvtd_set_root_entry(struct gvtd_iommu *u)
{
	u64 addr = u->root;

	if (u->sm)
		addr |= BIT_ULL(10);	/* DMA_RTADDR_SMT: TTM = 01b */
	gvtd_writeq(u, VTD_RTADDR_REG, addr);
	gvtd_writel(u, VTD_GCMD_REG, u->gcmd | VTD_GCMD_SRTP);
	gvtd_wait_gsts(u, VTD_GSTS_RTPS, VTD_GSTS_RTPS);
	if (vtd_cap_esrtps(u->cap))
		return;
	gvtd_qi_flush_context(u, 0, 0, 0, VTD_CC_G_GLOBAL);
	if (u->sm)
		gvtd_qi_flush_pasid_cache(u, 0, VTD_PC_G_GLOBAL, 0);
	gvtd_iotlb_global_flush(u);
}

void gvtd_enable_translation(struct gvtd_iommu *u)
{
	u->gcmd |= VTD_GCMD_TE;
	gvtd_writel(u, VTD_GCMD_REG, u->gcmd);
	gvtd_wait_gsts(u, VTD_GSTS_TES, VTD_GSTS_TES);
	u->te = true;
}

void gvtd_disable_translation(struct gvtd_iommu *u)
{
	u->gcmd &= ~VTD_GCMD_TE;
	gvtd_writel(u, VTD_GCMD_REG, u->gcmd);
	gvtd_wait_gsts(u, VTD_GSTS_TES, 0);
	u->te = false;
}

/* dmar_msi_write() + dmar_msi_unmask() for the event register block. */
static void gvtd_msi_setup(struct gvtd_iommu *u, u32 ctl, u32 vector)
{
	u64 a = u->cfg.msi_addr;

	gvtd_writel(u, ctl + 4, vector);
	gvtd_writel(u, ctl + 8, (u32)a);
	gvtd_writel(u, ctl + 12, (u32)(a >> 32));
	gvtd_writel(u, ctl, 0);
	(void)gvtd_readl(u, ctl);
}

int gvtd_domain_id_alloc(struct gvtd_iommu *u)
{
	for (u32 i = 0; i < u->ndomains; i++)
		if (!u->domain_ids[i]) {
			u->domain_ids[i] = 1;
			return (int)i;
		}
	return -ENOSPC;
}

void gvtd_domain_id_free(struct gvtd_iommu *u, u16 did)
{
	if (did > GVTD_FLPT_DEFAULT_DID && did < u->ndomains)
		u->domain_ids[did] = 0;
}

int gvtd_probe(struct gvtd_iommu *u, const struct gvtd_cfg *cfg)
{
	int ret;

	memset(u, 0, sizeof(*u));
	u->cfg = *cfg;
	u->mem = cfg->mem;
	if (!u->cfg.poll_max_events)
		u->cfg.poll_max_events = 1000000;
	if (!u->cfg.msi_addr)
		u->cfg.msi_addr = 0xfee00000;
	if (!u->cfg.mmio.read || !u->cfg.mmio.write || !u->mem)
		return -EINVAL;

	u->ver = gvtd_readl(u, VTD_VER_REG);
	u->cap = gvtd_readq(u, VTD_CAP_REG);
	u->ecap = gvtd_readq(u, VTD_ECAP_REG);
	/* sm_supported(): intel_iommu_sm && ECAP.SMTS; QI is required. */
	u->sm = vtd_ecap_smts(u->ecap);
	if (!u->sm || !vtd_ecap_qi(u->ecap))
		return -ENODEV;
	u->pasid = vtd_ecap_pasid(u->ecap);
	u->cm = vtd_cap_cm(u->cap);
	/* intel_cap_flts_sanity() / intel_cap_slts_sanity() */
	u->flts = vtd_ecap_flts(u->ecap);
	u->slts = vtd_ecap_slts(u->ecap);
	if (!u->flts && !u->slts)
		return -ENODEV;
	/* first_level_by_default() */
	if (u->flts ^ u->slts) {
		u->fl_dma = u->fl_unmanaged = u->flts;
	} else {
		u->fl_dma = true;
		u->fl_unmanaged = false;
	}
	u->agaw = gvtd_calculate_agaw(u);
	if (u->agaw < 2)
		return -ENODEV;
	u->max_pasids = u->pasid ? 2u << vtd_ecap_pss(u->ecap) : 0;
	u->prs = u->pasid && vtd_ecap_prs(u->ecap);

	/* intel_iommu_init_qi(): clear faults, disable, enable QI. */
	gvtd_dmar_fault(u);
	gvtd_disable_qi(u);
	ret = gvtd_enable_qi(u);
	if (ret)
		goto err;

	/* iommu_init_domains(): DID 0 (CM tag) and FLPT_DEFAULT_DID reserved. */
	u->ndomains = 1u << vtd_cap_did_bits(u->cap);
	u->domain_ids = calloc(u->ndomains, 1);
	if (!u->domain_ids) {
		ret = -ENOMEM;
		goto err;
	}
	u->domain_ids[0] = 1;
	u->domain_ids[GVTD_FLPT_DEFAULT_DID] = 1;

	/* init_translation_status(): not kdump, so turn it off. */
	if (gvtd_readl(u, VTD_GSTS_REG) & VTD_GSTS_TES)
		gvtd_disable_translation(u);

	ret = gmem_alloc_page(u->mem, &u->root);	/* iommu_alloc_root_entry */
	if (ret)
		goto err;

	gvtd_flush_write_buffer(u);
	gvtd_set_root_entry(u);

	gvtd_flush_write_buffer(u);
	if (u->prs) {
		ret = gvtd_prq_enable(u);
		if (ret)
			goto err;
	}
	/* dmar_set_interrupt() */
	gvtd_msi_setup(u, VTD_FECTL_REG, u->cfg.fault_vector);
	u->probed = true;
	return 0;
err:
	gvtd_remove(u);
	return ret;
}

void gvtd_remove(struct gvtd_iommu *u)
{
	if (u->te)
		gvtd_disable_translation(u);
	if (u->prq)
		gvtd_prq_finish(u);
	if (u->qi_desc) {
		gvtd_disable_qi(u);
		gmem_free_pages(u->mem, u->qi_desc, 1);
		gmem_free_page(u->mem, u->qi_status);
		u->qi_desc = u->qi_status = 0;
	}
	if (u->root) {
		/* free_context_table(): the context tables hang off the root. */
		for (int bus = 0; bus < 256; bus++) {
			u64 re = u->root + 16 * (u64)bus;
			u64 lo = gmem_read64(u->mem, re);
			u64 hi = gmem_read64(u->mem, re + 8);

			if (lo & 1)
				gmem_free_page(u->mem, lo & VTD_FSPTE_ADDR);
			if (hi & 1)
				gmem_free_page(u->mem, hi & VTD_FSPTE_ADDR);
		}
		gmem_free_page(u->mem, u->root);
		u->root = 0;
	}
	free(u->domain_ids);
	u->domain_ids = NULL;
	free(u->pasid_ida);
	u->pasid_ida = NULL;
	free(u->devs);
	u->devs = NULL;
	u->ndevs = 0;
	u->probed = false;
}

/* ------------------------------------------------------------------ */
/* Interrupts                                                         */
/* ------------------------------------------------------------------ */
static void gvtd_fault_event(struct sim *s, void *arg)
{
	struct gvtd_iommu *u = arg;

	u->fault_scheduled = false;
	gvtd_dmar_fault(u);
}

static void gvtd_prq_event(struct sim *s, void *arg)
{
	struct gvtd_iommu *u = arg;

	u->prq_scheduled = false;
	gvtd_prq_event_thread(u);
}

void gvtd_irq(struct gvtd_iommu *u, u32 data, u64 addr)
{
	if (data == u->cfg.fault_vector) {
		u->st.fault_irqs++;
		if (u->fault_scheduled)
			return;
		if (u->cfg.s && !sim_schedule(u->cfg.s, 0, gvtd_fault_event, u))
			u->fault_scheduled = true;
		else
			gvtd_dmar_fault(u);
	} else if (data == u->cfg.prq_vector && u->prq_enabled) {
		u->st.prq_irqs++;
		if (u->prq_scheduled)
			return;
		if (u->cfg.s && !sim_schedule(u->cfg.s, 0, gvtd_prq_event, u))
			u->prq_scheduled = true;
		else
			gvtd_prq_event_thread(u);
	}
}

/* dmar_fault(): read and clear every pending fault record. */
void gvtd_dmar_fault(struct gvtd_iommu *u)
{
	u32 fsts = gvtd_readl(u, VTD_FSTS_REG);
	u32 reg = vtd_cap_frcd_offset(u->cap);
	u32 nfr = vtd_cap_nfr_count(u->cap);
	u32 idx;

	if (!(fsts & VTD_FSTS_PPF))
		return;
	idx = (u32)FIELD_GET(VTD_FSTS_FRI, fsts);
	for (;;) {
		u32 off = reg + idx * VTD_FRCD_LEN;
		u32 data = gvtd_readl(u, off + 12);
		struct gvtd_fault_rec r;
		u32 d2;

		if (!(data & BIT(31)))		/* DMA_FRCD_F */
			break;
		r.reason = data & 0xff;
		r.type = (data >> 30) & 1;
		r.pasid = (data >> 8) & 0xfffff;
		d2 = gvtd_readl(u, off + 8);
		r.sid = d2 & 0xffff;
		r.pasid_present = (d2 >> 31) & 1;
		r.addr = gvtd_readq(u, off) & ~0xfffULL;
		gvtd_writel(u, off + 12, BIT(31));
		if (u->fault_log_n < GVTD_FAULT_LOG)
			u->fault_log[u->fault_log_n++] = r;
		u->st.faults++;
		gvtd_trace(u, "DMAR fault reason %#x sid %04x pasid %s%#x addr %#llx",
			   r.reason, r.sid, r.pasid_present ? "" : "-/",
			   r.pasid, (unsigned long long)r.addr);
		if (++idx >= nfr)
			idx = 0;
	}
	/* DMA_FSTS_PFO | DMA_FSTS_PPF | DMA_FSTS_PRO (bit 7, pre-3.0) */
	gvtd_writel(u, VTD_FSTS_REG, VTD_FSTS_PFO | VTD_FSTS_PPF | BIT(7));
}

/* ------------------------------------------------------------------ */
/* Global PASID allocator (iommu.c iommu_global_pasid_ida)            */
/* ------------------------------------------------------------------ */
u32 gvtd_alloc_global_pasid(struct gvtd_device *dev)
{
	struct gvtd_iommu *u = dev->iommu;

	if (!dev->max_pasids)
		return GVTD_PASID_INVALID;
	if (!u->pasid_ida) {
		u->pasid_ida_max = u->max_pasids;
		u->pasid_ida = calloc(u->pasid_ida_max, 1);
		if (!u->pasid_ida)
			return GVTD_PASID_INVALID;
	}
	for (u32 p = 1; p < dev->max_pasids && p < u->pasid_ida_max; p++)
		if (!u->pasid_ida[p]) {
			u->pasid_ida[p] = 1;
			return p;
		}
	return GVTD_PASID_INVALID;
}

void gvtd_free_global_pasid(struct gvtd_iommu *u, u32 pasid)
{
	if (u->pasid_ida && pasid && pasid < u->pasid_ida_max)
		u->pasid_ida[pasid] = 0;
}
