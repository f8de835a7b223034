// SPDX-License-Identifier: GPL-2.0
/*
 * Fault status and fault recording of a VT-d unit model (7.2, 7.3):
 * FSTS, the fault event it raises, the fault recording registers, and the
 * invalidation event/error bits shared by the physical model and the
 * vIOMMU.
 *
 * Fault recording (7.2.1): an internal index names the next record; it
 * restarts at 0 when PFO and PPF are both clear.  A fault is recorded
 * there if that record's F is clear, else PFO is set and the fault
 * dropped; with PFO set every fault is dropped.  FSTS.FRI is the record
 * that made PPF go 0 -> 1.  A fault event arises only when every status
 * field (PPF, PFO, IQE, ICE, ITE) was clear before (7.3).
 */
#include "vtd_unit.h"
#include "sim.h"

static void send(struct vtd_unit *u, enum vtd_unit_irq which, u32 rd, u32 ra,
		 u32 rua)
{
	if (u->ops && u->ops->irq)
		u->ops->irq(u->ctx, which, (u32)u->rv[rd], (u32)u->rv[ra],
			    (u32)u->rv[rua]);
}

void vtd_unit_fault_irq(struct vtd_unit *u)
{
	send(u, VTD_UNIT_IRQ_FAULT, VTD_R_FEDATA, VTD_R_FEADDR, VTD_R_FEUADDR);
}

void vtd_unit_inv_irq(struct vtd_unit *u)
{
	send(u, VTD_UNIT_IRQ_INV, VTD_R_IEDATA, VTD_R_IEADDR, VTD_R_IEUADDR);
}

/* FSTS moved from @before: raise a fault event if it is a new one (7.3). */
static void fault_event(struct vtd_unit *u, u64 before)
{
	if ((before & VTD_UNIT_FSTS_EVENTS) ||
	    !(u->rv[VTD_R_FSTS] & VTD_UNIT_FSTS_EVENTS))
		return;
	if (u->rv[VTD_R_FECTL] & VTD_xECTL_IM) {
		u->rv[VTD_R_FECTL] |= VTD_xECTL_IP;
		return;
	}
	vtd_unit_fault_irq(u);
}

void vtd_unit_fsts_set(struct vtd_unit *u, u64 bits)
{
	u64 before = u->rv[VTD_R_FSTS];

	u->rv[VTD_R_FSTS] |= bits;
	fault_event(u, before);
}

static bool frcd_f(const struct vtd_unit *u, u32 i)
{
	return u->rv[VTD_R_FRCD0 + 2 * i + 1] & BIT_ULL(63);
}

void vtd_unit_update_ppf(struct vtd_unit *u)
{
	bool any = false;

	for (u32 i = 0; i < u->nfr; i++)
		any |= frcd_f(u, i);
	if (any)
		u->rv[VTD_R_FSTS] |= VTD_FSTS_PPF;
	else
		u->rv[VTD_R_FSTS] &= ~(u64)VTD_FSTS_PPF;
}

int vtd_unit_record_fault(struct vtd_unit *u, const struct vtd_frcd *r)
{
	u64 fsts = u->rv[VTD_R_FSTS];
	u32 i;

	if (fsts & VTD_FSTS_PFO)
		return -ENOSPC;
	if (!(fsts & VTD_FSTS_PPF))
		u->fr_index = 0;
	i = u->fr_index;
	if (frcd_f(u, i)) {
		vtd_unit_fsts_set(u, VTD_FSTS_PFO);
		return -ENOSPC;
	}
	u->rv[VTD_R_FRCD0 + 2 * i] = r->val[0];
	u->rv[VTD_R_FRCD0 + 2 * i + 1] = r->val[1];
	if (!(fsts & VTD_FSTS_PPF))
		u->rv[VTD_R_FSTS] = (u->rv[VTD_R_FSTS] & ~(u64)VTD_FSTS_FRI) |
				    FIELD_PREP((u64)VTD_FSTS_FRI, i);
	u->rv[VTD_R_FSTS] |= VTD_FSTS_PPF;
	u->fr_index = (i + 1) % u->nfr;
	fault_event(u, fsts);
	return (int)i;
}

void vtd_unit_wait_irq(struct vtd_unit *u)
{
	if (u->rv[VTD_R_ICS] & VTD_ICS_IWC)
		return;
	u->rv[VTD_R_ICS] |= VTD_ICS_IWC;
	if (u->rv[VTD_R_IECTL] & VTD_xECTL_IM)
		u->rv[VTD_R_IECTL] |= VTD_xECTL_IP;
	else
		vtd_unit_inv_irq(u);
}

void vtd_unit_ice(struct vtd_unit *u, u16 sid)
{
	u->rv[VTD_R_IQERCD] = vtd_iqercd_set_icesid(u->rv[VTD_R_IQERCD], sid);
	sim_trace(u->s, u->who, "ICE sid=%04x", sid);
	vtd_unit_fsts_set(u, VTD_FSTS_ICE);
}

void vtd_unit_ite(struct vtd_unit *u, u16 sid)
{
	u->rv[VTD_R_IQERCD] = vtd_iqercd_set_itesid(u->rv[VTD_R_IQERCD], sid);
	sim_trace(u->s, u->who, "ITE sid=%04x", sid);
	vtd_unit_fsts_set(u, VTD_FSTS_ITE);
}
