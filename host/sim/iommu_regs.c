// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated VT-d unit's register file (10.4): the register table,
 * MMIO reads and writes, and the side effects of a write -- GCMD commands
 * reflected in GSTS, register-based invalidation (CCMD, IOTLB_REG), the
 * IQT doorbell, fault and event control.  PRQ registers are vsva_prq's.
 */
#include "iommu_internal.h"

/* ------------------------------------------------------------------ */
/* Register table                                                     */
/* ------------------------------------------------------------------ */
/* Configuration-independent part; CAP/ECAP/HAW-bound masks patched in. */
static const struct reg_desc iommu_regs[R_FRCD0] = {
	[R_VER]	    = { "VER", VTD_VER_REG, 4, IOMMU_VER, 0, 0 },
	[R_CAP]	    = { "CAP", VTD_CAP_REG, 8, 0, 0, 0 },
	[R_ECAP]    = { "ECAP", VTD_ECAP_REG, 8, 0, 0, 0 },
	/* GCMD is write-only: reads return 0, the write is a command. */
	[R_GCMD]    = { "GCMD", VTD_GCMD_REG, 4, 0, 0, 0 },
	[R_GSTS]    = { "GSTS", VTD_GSTS_REG, 4, 0, 0, 0 },
	[R_RTADDR]  = { "RTADDR", VTD_RTADDR_REG, 8, 0, GENMASK_ULL(11, 10), 0 },
	[R_CCMD]    = { "CCMD", VTD_CCMD_REG, 8, 0,
			BIT_ULL(63) | GENMASK_ULL(62, 61) | GENMASK_ULL(33, 0),
			0 },
	[R_FSTS]    = { "FSTS", VTD_FSTS_REG, 4, 0, 0, VTD_FSTS_RW1C },
	[R_FECTL]   = { "FECTL", VTD_FECTL_REG, 4, VTD_xECTL_IM, VTD_xECTL_IM, 0 },
	[R_FEDATA]  = { "FEDATA", VTD_FEDATA_REG, 4, 0, GENMASK_ULL(31, 0), 0 },
	[R_FEADDR]  = { "FEADDR", VTD_FEADDR_REG, 4, 0, GENMASK_ULL(31, 2), 0 },
	[R_FEUADDR] = { "FEUADDR", VTD_FEUADDR_REG, 4, 0, GENMASK_ULL(31, 0), 0 },
	[R_IQH]	    = { "IQH", VTD_IQH_REG, 8, 0, 0, 0 },
	[R_IQT]	    = { "IQT", VTD_IQT_REG, 8, 0, VTD_IQT_QT, 0 },
	[R_IQA]	    = { "IQA", VTD_IQA_REG, 8, 0, GENMASK_ULL(2, 0), 0 },
	[R_ICS]	    = { "ICS", VTD_ICS_REG, 4, 0, 0, VTD_ICS_IWC },
	[R_IECTL]   = { "IECTL", VTD_IECTL_REG, 4, VTD_xECTL_IM, VTD_xECTL_IM, 0 },
	[R_IEDATA]  = { "IEDATA", VTD_IEDATA_REG, 4, 0, GENMASK_ULL(31, 0), 0 },
	[R_IEADDR]  = { "IEADDR", VTD_IEADDR_REG, 4, 0, GENMASK_ULL(31, 2), 0 },
	[R_IEUADDR] = { "IEUADDR", VTD_IEUADDR_REG, 4, 0, GENMASK_ULL(31, 0), 0 },
	[R_IQERCD]  = { "IQERCD", VTD_IQERCD_REG, 8, 0, 0, 0 },
	[R_IVA]	    = { "IVA", IOMMU_IRO * 16 + VTD_IVA_OFF, 8, 0,
			BIT_ULL(6) | GENMASK_ULL(5, 0), 0 },
	[R_IOTLB]   = { "IOTLB", IOMMU_IRO * 16 + VTD_IOTLB_OFF, 8, 0,
			BIT_ULL(63) | GENMASK_ULL(61, 60) | GENMASK_ULL(49, 48) |
			GENMASK_ULL(47, 32), 0 },
};

void iommu_regs_init(struct sim_iommu *it)
{
	u64 haw_mask = GENMASK_ULL(it->cfg.haw - 1, 12);
	u32 fro = vtd_cap_frcd_offset(it->cfg.cap);
	u32 iro = vtd_ecap_iotlb_offset(it->cfg.ecap);

	memcpy(it->rd, iommu_regs, sizeof(iommu_regs));
	it->rd[R_CAP].reset = it->cfg.cap;
	it->rd[R_ECAP].reset = it->cfg.ecap;
	it->rd[R_RTADDR].wmask |= haw_mask;
	it->rd[R_IQA].wmask |= haw_mask |
		(vtd_ecap_smts(it->cfg.ecap) ? BIT_ULL(11) : 0);
	it->rd[R_IVA].wmask |= GENMASK_ULL(63, 12);
	it->rd[R_IVA].off = iro + VTD_IVA_OFF;
	it->rd[R_IOTLB].off = iro + VTD_IOTLB_OFF;
	it->nfr = min(vtd_cap_nfr_count(it->cfg.cap), (unsigned int)IOMMU_MAX_FRCD);
	for (u32 i = 0; i < it->nfr; i++) {
		struct reg_desc *lo = &it->rd[R_FRCD0 + 2 * i];
		struct reg_desc *hi = lo + 1;

		/* FRCD lo (FI) is RO; in hi only F (bit 127) is RW1C. */
		*lo = (struct reg_desc){ "FRCD.lo", fro + 16 * i, 8, 0, 0, 0 };
		*hi = (struct reg_desc){ "FRCD.hi", fro + 16 * i + 8, 8,
					 0, 0, BIT_ULL(63) };
	}
	it->nregs = R_FRCD0 + 2 * it->nfr;
	for (u32 i = 0; i < it->nregs; i++)
		it->rv[i] = it->rd[i].reset;
}

/* ------------------------------------------------------------------ */
/* Register side effects                                              */
/* ------------------------------------------------------------------ */
static void gcmd_write(struct sim_iommu *it, u32 val)
{
	const u32 persistent = VTD_GCMD_TE | VTD_GCMD_QIE;
	u32 sts = (u32)it->rv[R_GSTS];
	u32 changed = (val ^ sts) & persistent;
	u32 oneshot = val & (VTD_GCMD_SRTP | VTD_GCMD_WBF | VTD_GCMD_SFL);
	u32 n = (u32)__builtin_popcount(changed | oneshot);

	if (n > 1) {
		/* 10.4.4: one command per write; anything else is undefined. */
		it->st.gcmd_bad++;
		sim_trace(it->s, "iommu", "GCMD %#x: %u commands at once, ignored",
			  val, n);
		return;
	}
	if (oneshot & VTD_GCMD_SRTP) {
		it->rtaddr = it->rv[R_RTADDR];
		sts |= VTD_GSTS_RTPS;
		sim_trace(it->s, "iommu", "SRTP rta=%#llx ttm=%llu",
			  (unsigned long long)vtd_rtaddr_rta(it->rtaddr),
			  (unsigned long long)vtd_rtaddr_ttm(it->rtaddr));
	}
	/* WBF: CAP.RWBF = 0, nothing to flush.  SFL: no AFL, reserved. */
	if (changed & VTD_GCMD_QIE) {
		if (val & VTD_GCMD_QIE) {
			u64 iqa = it->rv[R_IQA];

			it->iq_base = vtd_iqa_iqa(iqa);
			it->iq_qs = (u8)vtd_iqa_qs(iqa);
			it->iq_dw = vtd_iqa_dw(iqa);
			it->rv[R_IQH] = 0;
			it->ite_abort = 0;
			sts |= VTD_GSTS_QIES;
		} else {
			sts &= ~VTD_GSTS_QIES;
		}
	}
	if (changed & VTD_GCMD_TE) {
		if (val & VTD_GCMD_TE)
			sts |= VTD_GSTS_TES;
		else
			sts &= ~VTD_GSTS_TES;
	}
	it->rv[R_GSTS] = sts;
	if (sts & VTD_GSTS_QIES)
		iommu_iq_kick(it);
}

static void ccmd_write(struct sim_iommu *it, u64 v)
{
	if (!vtd_ccmd_icc(v))
		return;
	if (it->rv[R_GSTS] & VTD_GSTS_QIES) {
		it->st.bad_mmio++;
		it->rv[R_CCMD] = v & ~BIT_ULL(63);
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
		it->rv[R_CCMD] = vtd_ccmd_set_caig(v, 0) & ~BIT_ULL(63);
		return;
	}
	it->rv[R_CCMD] = vtd_ccmd_set_caig(v, vtd_ccmd_cirg(v)) & ~BIT_ULL(63);
}

static void iotlb_write(struct sim_iommu *it, u64 v)
{
	u64 iva = it->rv[R_IVA];

	if (!vtd_iotlb_ivt(v))
		return;
	if (it->rv[R_GSTS] & VTD_GSTS_QIES) {
		it->st.bad_mmio++;
		it->rv[R_IOTLB] = v & ~BIT_ULL(63);
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
			it->rv[R_IOTLB] = vtd_iotlb_set_iaig(v, 0) & ~BIT_ULL(63);
			return;
		}
		vsva_inv_iotlb_page(it->caches, (u16)vtd_iotlb_did(v),
				    vtd_iva_addr(iva), (u8)vtd_iva_am(iva),
				    vtd_iva_ih(iva));
		break;
	default:
		it->rv[R_IOTLB] = vtd_iotlb_set_iaig(v, 0) & ~BIT_ULL(63);
		return;
	}
	it->rv[R_IOTLB] = vtd_iotlb_set_iaig(v, vtd_iotlb_iirg(v)) &
			  ~BIT_ULL(63);
}

/* Side effects of a write to register @id (value already stored). */
static void reg_written(struct sim_iommu *it, u32 id, u64 old, u64 val)
{
	u64 v = it->rv[id];

	switch (id) {
	case R_GCMD:
		gcmd_write(it, (u32)val);
		it->rv[R_GCMD] = 0;
		break;
	case R_CCMD:
		ccmd_write(it, v);
		break;
	case R_IOTLB:
		iotlb_write(it, v);
		break;
	case R_FSTS:
		if (!(v & FSTS_EVENT_MASK))
			it->rv[R_FECTL] &= ~(u64)VTD_xECTL_IP;
		if ((old & ~v) & (VTD_FSTS_IQE | VTD_FSTS_ITE))
			iommu_iq_kick(it);
		break;
	case R_FECTL:
		if ((v & VTD_xECTL_IP) && !(v & VTD_xECTL_IM)) {
			it->rv[R_FECTL] &= ~(u64)VTD_xECTL_IP;
			iommu_fault_irq(it);
		}
		break;
	case R_ICS:
		if (!(v & VTD_ICS_IWC))
			it->rv[R_IECTL] &= ~(u64)VTD_xECTL_IP;
		break;
	case R_IECTL:
		if ((v & VTD_xECTL_IP) && !(v & VTD_xECTL_IM)) {
			it->rv[R_IECTL] &= ~(u64)VTD_xECTL_IP;
			iommu_inv_irq(it);
		}
		break;
	case R_IQT:
		iommu_iq_kick(it);
		break;
	default:
		if (id >= R_FRCD0 && ((id - R_FRCD0) & 1)) {
			u64 before = it->rv[R_FSTS];

			iommu_update_ppf(it);
			if (!(it->rv[R_FSTS] & FSTS_EVENT_MASK) &&
			    (before & FSTS_EVENT_MASK))
				it->rv[R_FECTL] &= ~(u64)VTD_xECTL_IP;
		}
		break;
	}
}

/* ------------------------------------------------------------------ */
/* MMIO                                                               */
/* ------------------------------------------------------------------ */
static bool is_prq_off(const struct sim_iommu *it, u32 off)
{
	return vtd_ecap_prs(it->cfg.ecap) && off >= VTD_PQH_REG &&
	       off < VTD_PEUADDR_REG + 4;
}

/* Register containing [off, off + size), with the bit shift inside it. */
static int reg_find(const struct sim_iommu *it, u32 off, unsigned int size,
		    unsigned int *shift)
{
	if ((size != 4 && size != 8) || (off & (size - 1)))
		return -EINVAL;
	for (u32 i = 0; i < it->nregs; i++) {
		const struct reg_desc *r = &it->rd[i];

		if (!r->name || off < r->off || off >= r->off + r->size)
			continue;
		if (size > r->size)
			return -EINVAL;
		*shift = (off - r->off) * 8;
		return (int)i;
	}
	return -ENOENT;
}

static u64 size_mask(unsigned int size)
{
	return size == 8 ? ~0ULL : GENMASK_ULL(31, 0);
}

u64 sim_iommu_read(struct sim_iommu *it, u32 off, unsigned int size)
{
	unsigned int shift = 0;
	u64 v;
	int i;

	if (off < IOMMU_MMIO_SIZE && is_prq_off(it, off)) {
		if (vsva_prq_reg_read(&it->prq, off, size, &v)) {
			it->st.bad_mmio++;
			return 0;
		}
		return v;
	}
	i = reg_find(it, off, size, &shift);
	if (i < 0) {
		it->st.bad_mmio++;
		return 0;
	}
	return (it->rv[i] >> shift) & size_mask(size);
}

void sim_iommu_write(struct sim_iommu *it, u32 off, unsigned int size, u64 val)
{
	const struct reg_desc *r;
	unsigned int shift = 0;
	u64 bytes, old, nv;
	int i;

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
	i = reg_find(it, off, size, &shift);
	if (i < 0) {
		it->st.bad_mmio++;
		sim_trace(it->s, "iommu", "wr %#05x size %u: no register, ignored",
			  off, size);
		return;
	}
	r = &it->rd[i];
	bytes = size_mask(size) << shift;
	val = (val & size_mask(size)) << shift;
	old = it->rv[i];
	nv = (old & ~(r->wmask & bytes)) | (val & r->wmask & bytes);
	nv &= ~(val & r->w1cmask & bytes);
	it->rv[i] = nv;
	it->st.mmio_writes++;
	sim_trace(it->s, "iommu", "wr %#05x %s%s = %#llx -> %#llx", off,
		  r->name, shift ? ".hi" : "",
		  (unsigned long long)(val >> shift),
		  (unsigned long long)nv);
	reg_written(it, (u32)i, old, val);
}
