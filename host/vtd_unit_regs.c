// SPDX-License-Identifier: GPL-2.0
/*
 * The register file of a VT-d unit model (10.4): the register table as
 * data (QEMU csr/wmask/w1cmask style), MMIO reads and masked writes, and
 * the side effects every unit shares -- GCMD commands reflected in GSTS,
 * fault/invalidation event control, ICS, the IQT doorbell.  Unit-specific
 * effects (CCMD, IOTLB_REG, VCMD) go to the owner's ops->written.
 */
#include "vtd_unit.h"
#include "sim.h"

/* Configuration-independent part; CAP/ECAP/HAW-bound masks patched in. */
static const struct vtd_reg_desc vtd_unit_regs[VTD_R_FRCD0] = {
	[VTD_R_VER]	= { "VER", VTD_VER_REG, 4, 0, 0, 0 },
	[VTD_R_CAP]	= { "CAP", VTD_CAP_REG, 8, 0, 0, 0 },
	[VTD_R_ECAP]	= { "ECAP", VTD_ECAP_REG, 8, 0, 0, 0 },
	/* GCMD is write-only: reads return 0, the write is a command. */
	[VTD_R_GCMD]	= { "GCMD", VTD_GCMD_REG, 4, 0, 0, 0 },
	[VTD_R_GSTS]	= { "GSTS", VTD_GSTS_REG, 4, 0, 0, 0 },
	[VTD_R_RTADDR]	= { "RTADDR", VTD_RTADDR_REG, 8, 0,
			    GENMASK_ULL(11, 10), 0 },
	[VTD_R_CCMD]	= { "CCMD", VTD_CCMD_REG, 8, 0,
			    BIT_ULL(63) | GENMASK_ULL(62, 61) |
			    GENMASK_ULL(33, 0), 0 },
	[VTD_R_FSTS]	= { "FSTS", VTD_FSTS_REG, 4, 0, 0, VTD_FSTS_RW1C },
	[VTD_R_FECTL]	= { "FECTL", VTD_FECTL_REG, 4, VTD_xECTL_IM,
			    VTD_xECTL_IM, 0 },
	[VTD_R_FEDATA]	= { "FEDATA", VTD_FEDATA_REG, 4, 0,
			    GENMASK_ULL(31, 0), 0 },
	[VTD_R_FEADDR]	= { "FEADDR", VTD_FEADDR_REG, 4, 0,
			    GENMASK_ULL(31, 2), 0 },
	[VTD_R_FEUADDR]	= { "FEUADDR", VTD_FEUADDR_REG, 4, 0,
			    GENMASK_ULL(31, 0), 0 },
	[VTD_R_IQH]	= { "IQH", VTD_IQH_REG, 8, 0, 0, 0 },
	[VTD_R_IQT]	= { "IQT", VTD_IQT_REG, 8, 0, VTD_IQT_QT, 0 },
	[VTD_R_IQA]	= { "IQA", VTD_IQA_REG, 8, 0, GENMASK_ULL(2, 0), 0 },
	[VTD_R_ICS]	= { "ICS", VTD_ICS_REG, 4, 0, 0, VTD_ICS_IWC },
	[VTD_R_IECTL]	= { "IECTL", VTD_IECTL_REG, 4, VTD_xECTL_IM,
			    VTD_xECTL_IM, 0 },
	[VTD_R_IEDATA]	= { "IEDATA", VTD_IEDATA_REG, 4, 0,
			    GENMASK_ULL(31, 0), 0 },
	[VTD_R_IEADDR]	= { "IEADDR", VTD_IEADDR_REG, 4, 0,
			    GENMASK_ULL(31, 2), 0 },
	[VTD_R_IEUADDR]	= { "IEUADDR", VTD_IEUADDR_REG, 4, 0,
			    GENMASK_ULL(31, 0), 0 },
	[VTD_R_IQERCD]	= { "IQERCD", VTD_IQERCD_REG, 8, 0, 0, 0 },
	/* IVA/IOTLB offsets come from ECAP.IRO. */
	[VTD_R_IVA]	= { "IVA", 0, 8, 0, BIT_ULL(6) | GENMASK_ULL(5, 0), 0 },
	[VTD_R_IOTLB]	= { "IOTLB", 0, 8, 0,
			    BIT_ULL(63) | GENMASK_ULL(61, 60) |
			    GENMASK_ULL(49, 48) | GENMASK_ULL(47, 32), 0 },
};

void vtd_unit_init(struct vtd_unit *u, struct sim *s, const char *who,
		   u64 cap, u64 ecap, u8 haw, u32 ver,
		   const struct vtd_unit_ops *ops, void *ctx)
{
	u64 haw_mask = GENMASK_ULL(haw - 1, 12);
	u32 fro = vtd_cap_frcd_offset(cap);
	u32 iro = vtd_ecap_iotlb_offset(ecap);

	memset(u, 0, sizeof(*u));
	u->s = s;
	u->who = who;
	u->cap = cap;
	u->ecap = ecap;
	u->haw = haw;
	u->ops = ops;
	u->ctx = ctx;
	memcpy(u->rd, vtd_unit_regs, sizeof(vtd_unit_regs));
	u->rd[VTD_R_VER].reset = ver;
	u->rd[VTD_R_CAP].reset = cap;
	u->rd[VTD_R_ECAP].reset = ecap;
	u->rd[VTD_R_RTADDR].wmask |= haw_mask;
	u->rd[VTD_R_IQA].wmask |= haw_mask |
		(vtd_ecap_smts(ecap) ? BIT_ULL(11) : 0);
	u->rd[VTD_R_IVA].wmask |= GENMASK_ULL(63, 12);
	u->rd[VTD_R_IVA].off = iro + VTD_IVA_OFF;
	u->rd[VTD_R_IOTLB].off = iro + VTD_IOTLB_OFF;
	u->nfr = min(vtd_cap_nfr_count(cap), (unsigned int)VTD_UNIT_MAX_FRCD);
	for (u32 i = 0; i < u->nfr; i++) {
		struct vtd_reg_desc *lo = &u->rd[VTD_R_FRCD0 + 2 * i];
		struct vtd_reg_desc *hi = lo + 1;

		/* FRCD lo (FI) is RO; in hi only F (bit 127) is RW1C. */
		*lo = (struct vtd_reg_desc){ "FRCD.lo", fro + 16 * i, 8,
					     0, 0, 0 };
		*hi = (struct vtd_reg_desc){ "FRCD.hi", fro + 16 * i + 8, 8,
					     0, 0, BIT_ULL(63) };
	}
	u->nregs = VTD_R_FRCD0 + 2 * u->nfr;
	vtd_unit_reset(u);
}

void vtd_unit_enable_vcmd(struct vtd_unit *u, enum vtd_vcmd_layout layout,
			  u64 vccap)
{
	bool r30 = layout == VTD_VCMD_REV30;

	/* VCCAP and VCRSP are RO; the VCMD write is the command (10.4.43-45). */
	u->rd[VTD_R_VCCAP] = (struct vtd_reg_desc){ "VCCAP",
		r30 ? VTD_VCCAP_REG_R30 : VTD_VCCAP_REG_R33, 8, vccap, 0, 0 };
	u->rd[VTD_R_VCMD] = (struct vtd_reg_desc){ "VCMD",
		r30 ? VTD_VCMD_REG_R30 : VTD_VCMD_REG_R33, 8, 0, ~0ULL, 0 };
	u->rd[VTD_R_VCRSP] = (struct vtd_reg_desc){ "VCRSP",
		r30 ? VTD_VCRSP_REG_R30 : VTD_VCRSP_REG_R33, 8, 0, 0, 0 };
	u->rv[VTD_R_VCCAP] = vccap;
	u->rv[VTD_R_VCMD] = 0;
	u->rv[VTD_R_VCRSP] = 0;
}

void vtd_unit_reset(struct vtd_unit *u)
{
	for (u32 i = 0; i < u->nregs; i++)
		u->rv[i] = u->rd[i].reset;
	u->rtaddr = 0;
	u->iq_base = 0;
	u->iq_qs = 0;
	u->iq_dw = false;
	u->ite_abort = 0;
	u->fr_index = 0;
}

static void bump(u64 *c)
{
	if (c)
		(*c)++;
}

/* ------------------------------------------------------------------ */
/* Register side effects                                              */
/* ------------------------------------------------------------------ */
static void gcmd_write(struct vtd_unit *u, u32 val)
{
	const u32 persistent = VTD_GCMD_TE | VTD_GCMD_QIE;
	u32 sts = (u32)u->rv[VTD_R_GSTS];
	u32 changed = (val ^ sts) & persistent;
	u32 oneshot = val & (VTD_GCMD_SRTP | VTD_GCMD_WBF | VTD_GCMD_SFL);
	u32 n = (u32)__builtin_popcount(changed | oneshot);

	if (n > 1) {
		/* 10.4.4: one command per write; anything else is undefined. */
		bump(u->ctr.gcmd_bad);
		sim_trace(u->s, u->who, "GCMD %#x: %u commands at once, ignored",
			  val, n);
		return;
	}
	if (oneshot & VTD_GCMD_SRTP) {
		u->rtaddr = u->rv[VTD_R_RTADDR];
		sts |= VTD_GSTS_RTPS;
		sim_trace(u->s, u->who, "SRTP rta=%#llx ttm=%llu",
			  (unsigned long long)vtd_rtaddr_rta(u->rtaddr),
			  (unsigned long long)vtd_rtaddr_ttm(u->rtaddr));
	}
	/* WBF: CAP.RWBF = 0, nothing to flush.  SFL: no AFL, reserved. */
	if (changed & VTD_GCMD_QIE) {
		if (val & VTD_GCMD_QIE) {
			u64 iqa = u->rv[VTD_R_IQA];

			u->iq_base = vtd_iqa_iqa(iqa);
			u->iq_qs = (u8)vtd_iqa_qs(iqa);
			u->iq_dw = vtd_iqa_dw(iqa);
			u->rv[VTD_R_IQH] = 0;
			u->ite_abort = 0;
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
	u->rv[VTD_R_GSTS] = sts;
	if ((oneshot & VTD_GCMD_SRTP) && u->ops && u->ops->srtp)
		u->ops->srtp(u->ctx);
	if ((sts & VTD_GSTS_QIES) && u->ops && u->ops->kick)
		u->ops->kick(u->ctx);
}

static void kick(struct vtd_unit *u)
{
	if (u->ops && u->ops->kick)
		u->ops->kick(u->ctx);
}

/* Side effects of a write to register @id (value already stored). */
static void reg_written(struct vtd_unit *u, u32 id, u64 old, u64 val)
{
	u64 v = u->rv[id];

	switch (id) {
	case VTD_R_GCMD:
		gcmd_write(u, (u32)val);
		u->rv[VTD_R_GCMD] = 0;
		break;
	case VTD_R_FSTS:
		if (!(v & VTD_UNIT_FSTS_EVENTS))
			u->rv[VTD_R_FECTL] &= ~(u64)VTD_xECTL_IP;
		if ((old & ~v) & (VTD_FSTS_IQE | VTD_FSTS_ITE))
			kick(u);
		break;
	case VTD_R_FECTL:
		if ((v & VTD_xECTL_IP) && !(v & VTD_xECTL_IM)) {
			u->rv[VTD_R_FECTL] &= ~(u64)VTD_xECTL_IP;
			vtd_unit_fault_irq(u);
		}
		break;
	case VTD_R_ICS:
		if (!(v & VTD_ICS_IWC))
			u->rv[VTD_R_IECTL] &= ~(u64)VTD_xECTL_IP;
		break;
	case VTD_R_IECTL:
		if ((v & VTD_xECTL_IP) && !(v & VTD_xECTL_IM)) {
			u->rv[VTD_R_IECTL] &= ~(u64)VTD_xECTL_IP;
			vtd_unit_inv_irq(u);
		}
		break;
	case VTD_R_IQT:
		kick(u);
		break;
	default:
		if (id >= VTD_R_FRCD0 && ((id - VTD_R_FRCD0) & 1)) {
			u64 before = u->rv[VTD_R_FSTS];

			vtd_unit_update_ppf(u);
			if (!(u->rv[VTD_R_FSTS] & VTD_UNIT_FSTS_EVENTS) &&
			    (before & VTD_UNIT_FSTS_EVENTS))
				u->rv[VTD_R_FECTL] &= ~(u64)VTD_xECTL_IP;
		}
		break;
	}
	if (u->ops && u->ops->written)
		u->ops->written(u->ctx, id, old, val);
}

/* ------------------------------------------------------------------ */
/* MMIO                                                               */
/* ------------------------------------------------------------------ */
/* Register containing [off, off + size), with the bit shift inside it. */
static int reg_find(const struct vtd_unit *u, u32 off, unsigned int size,
		    unsigned int *shift)
{
	if ((size != 4 && size != 8) || (off & (size - 1)))
		return -EINVAL;
	for (u32 i = 0; i < u->nregs; i++) {
		const struct vtd_reg_desc *r = &u->rd[i];

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

int vtd_unit_mmio_read(struct vtd_unit *u, u32 off, unsigned int size,
		       u64 *val)
{
	unsigned int shift = 0;
	int i = reg_find(u, off, size, &shift);

	*val = 0;
	if (i < 0) {
		bump(u->ctr.bad_mmio);
		return i;
	}
	*val = (u->rv[i] >> shift) & size_mask(size);
	return 0;
}

int vtd_unit_mmio_write(struct vtd_unit *u, u32 off, unsigned int size,
			u64 val)
{
	const struct vtd_reg_desc *r;
	unsigned int shift = 0;
	u64 bytes, old, nv;
	int i;

	i = reg_find(u, off, size, &shift);
	if (i < 0) {
		bump(u->ctr.bad_mmio);
		sim_trace(u->s, u->who,
			  "wr %#05x size %u: no register, ignored", off, size);
		return i;
	}
	r = &u->rd[i];
	bytes = size_mask(size) << shift;
	val = (val & size_mask(size)) << shift;
	old = u->rv[i];
	nv = (old & ~(r->wmask & bytes)) | (val & r->wmask & bytes);
	nv &= ~(val & r->w1cmask & bytes);
	u->rv[i] = nv;
	bump(u->ctr.mmio_writes);
	sim_trace(u->s, u->who, "wr %#05x %s%s = %#llx -> %#llx", off,
		  r->name, shift ? ".hi" : "",
		  (unsigned long long)(val >> shift),
		  (unsigned long long)nv);
	reg_written(u, (u32)i, old, val);
	return 0;
}
