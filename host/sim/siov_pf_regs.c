// SPDX-License-Identifier: GPL-2.0
/*
 * The S-IOV PF's registers: PCI config space (header, PCIe, MSI-X, PASID,
 * ATS, PRI, the S-IOV DVSEC), BAR0 device and per-WQ registers, commands
 * (resets, drains) and WQ enable/disable.  Layout: uapi/nestmed/siov.h.
 */
#include "siov_pf_internal.h"

/* ------------------------------------------------------------------ */
/* Config space                                                       */
/* ------------------------------------------------------------------ */
static void cs_put(struct siov_pf *pf, u32 off, unsigned int size, u32 v,
		   u32 wmask, u32 w1c)
{
	for (unsigned int i = 0; i < size; i++) {
		pf->cs[off + i] = v >> (8 * i);
		pf->cs_w[off + i] = wmask >> (8 * i);
		pf->cs_w1c[off + i] = w1c >> (8 * i);
	}
}

u64 spf_bar2_size(const struct siov_pf *pf)
{
	u64 sz = PAGE_SZ;

	while (sz < (u64)pf->cfg.nr_wqs * SIOV_PORTAL_SIZE)
		sz <<= 1;
	return sz;
}

void spf_cs_init(struct siov_pf *pf)
{
	u64 b2 = spf_bar2_size(pf);

	memset(pf->cs, 0, sizeof(pf->cs));
	memset(pf->cs_w, 0, sizeof(pf->cs_w));
	memset(pf->cs_w1c, 0, sizeof(pf->cs_w1c));
	/* Type 0 header. */
	cs_put(pf, 0x00, 2, SIOV_PCI_VENDOR_ID, 0, 0);
	cs_put(pf, 0x02, 2, SIOV_PCI_DEVICE_ID, 0, 0);
	/* Command: MSE, BME, SERR#, INTx disable (no INTx: bit RW anyway). */
	cs_put(pf, 0x04, 2, 0, 0x0546, 0);
	/* Status: capabilities list; error bits RW1C. */
	cs_put(pf, 0x06, 2, 0x0010, 0, 0xf900);
	cs_put(pf, 0x08, 1, SIOV_PCI_REVISION, 0, 0);
	cs_put(pf, 0x09, 3, SIOV_PCI_CLASS, 0, 0);
	cs_put(pf, 0x0c, 1, 0, 0xff, 0);	/* cache line size */
	/* BAR0: 64-bit memory, non-prefetchable, 256 KiB. */
	cs_put(pf, 0x10, 4, 0x4, (u32)~(SIOV_BAR0_SIZE - 1) & ~0xfu, 0);
	cs_put(pf, 0x14, 4, 0, 0xffffffff, 0);
	/* BAR2: 64-bit memory, portals. */
	cs_put(pf, 0x18, 4, 0x4, (u32)~(b2 - 1) & ~0xfu, 0);
	cs_put(pf, 0x1c, 4, 0, b2 > (1ULL << 32) ? (u32)~((b2 - 1) >> 32) :
	       0xffffffff, 0);
	cs_put(pf, 0x2c, 2, SIOV_PCI_SUBSYS_VENDOR, 0, 0);
	cs_put(pf, 0x2e, 2, SIOV_PCI_SUBSYS_ID, 0, 0);
	cs_put(pf, 0x34, 1, SIOV_CFG_PCIE, 0, 0);
	cs_put(pf, 0x3c, 1, 0, 0xff, 0);	/* interrupt line */

	/* PCI Express capability v2, RCiEP (PCI_EXP_TYPE_RC_END 9). */
	cs_put(pf, SIOV_CFG_PCIE, 1, SIOV_PCI_CAP_ID_EXP, 0, 0);
	cs_put(pf, SIOV_CFG_PCIE + 1, 1, SIOV_CFG_MSIX, 0, 0);
	cs_put(pf, SIOV_CFG_PCIE + 2, 2, 0x0092, 0, 0);
	/* DevCap: MPS 256 B, role-based errors, FLR (bit 28). */
	cs_put(pf, SIOV_CFG_PCIE + 4, 4, 0x10008001, 0, 0);
	/* DevCtl: RO enable, no snoop, MRRS 512; bit 15 FLR (write only). */
	cs_put(pf, SIOV_CFG_PCIE + 8, 2, 0x2810, 0x7fff, 0);
	cs_put(pf, SIOV_CFG_PCIE + 0xa, 2, 0, 0, 0x000f);

	/* MSI-X: table and PBA in BAR0. */
	cs_put(pf, SIOV_CFG_MSIX, 1, SIOV_PCI_CAP_ID_MSIX, 0, 0);
	cs_put(pf, SIOV_CFG_MSIX + 1, 1, 0, 0, 0);
	cs_put(pf, SIOV_CFG_MSIX + 2, 2, pf->cfg.nr_msix - 1, 0xc000, 0);
	cs_put(pf, SIOV_CFG_MSIX + 4, 4, SIOV_REG_MSIX_TABLE | SIOV_BAR0, 0, 0);
	cs_put(pf, SIOV_CFG_MSIX + 8, 4, SIOV_REG_MSIX_PBA | SIOV_BAR0, 0, 0);

	/* PASID: execute + privileged supported, width 20. */
	cs_put(pf, SIOV_CFG_PASID, 4, SIOV_PCI_EXT_CAP_ID_PASID | 1 << 16 |
	       SIOV_CFG_ATS << 20, 0, 0);
	cs_put(pf, SIOV_CFG_PASID + 4, 2, 0x0006 | SIOV_PASID_WIDTH << 8, 0, 0);
	cs_put(pf, SIOV_CFG_PASID + 6, 2, 0, 0x0007, 0);
	/* ATS: queue depth 0 (= 32), page aligned requests. */
	cs_put(pf, SIOV_CFG_ATS, 4, SIOV_PCI_EXT_CAP_ID_ATS | 1 << 16 |
	       SIOV_CFG_PRI << 20, 0, 0);
	cs_put(pf, SIOV_CFG_ATS + 4, 2, 0x0020, 0, 0);
	cs_put(pf, SIOV_CFG_ATS + 6, 2, 0, 0x801f, 0);
	/* PRI: enable RW, reset W; RF/UPRGI RW1C; PASID required; 512. */
	cs_put(pf, SIOV_CFG_PRI, 4, SIOV_PCI_EXT_CAP_ID_PRI | 1 << 16 |
	       SIOV_CFG_DVSEC << 20, 0, 0);
	cs_put(pf, SIOV_CFG_PRI + 4, 2, 0, 0x0001, 0);
	cs_put(pf, SIOV_CFG_PRI + 6, 2, 0x8100, 0, 0x0003);
	cs_put(pf, SIOV_CFG_PRI + 8, 4, pf->cfg.pri_capacity, 0, 0);
	cs_put(pf, SIOV_CFG_PRI + 12, 4, 0, 0xffffffff, 0);
	/* S-IOV DVSEC, last in the chain. */
	cs_put(pf, SIOV_CFG_DVSEC, 4, SIOV_PCI_EXT_CAP_ID_DVSEC | 1 << 16, 0, 0);
	cs_put(pf, SIOV_CFG_DVSEC + 4, 4, SIOV_DVSEC_VENDOR |
	       SIOV_DVSEC_REV << 16 | SIOV_DVSEC_LEN << 20, 0, 0);
	cs_put(pf, SIOV_CFG_DVSEC + 8, 2, SIOV_DVSEC_ID, 0, 0);
	cs_put(pf, SIOV_CFG_DVSEC + SIOV_DVSEC_SUP_PAGE_SIZES, 4, 0x1, 0, 0);
	cs_put(pf, SIOV_CFG_DVSEC + SIOV_DVSEC_SYS_PAGE_SIZE, 4, 0x1, 0x1, 0);
	cs_put(pf, SIOV_CFG_DVSEC + SIOV_DVSEC_CAP, 4, SIOV_DVSEC_CAP_IMS, 0, 0);
}

/* PRI status "Stopped": disabled and nothing outstanding. */
void spf_pri_update_stopped(struct siov_pf *pf)
{
	u8 *b = &pf->cs[SIOV_CFG_PRI + 7];

	if (!pri_enabled(pf) && !pf->prg_outstanding)
		*b |= 0x01;
	else
		*b &= ~0x01;
}

/* ------------------------------------------------------------------ */
/* Commands and WQ state                                              */
/* ------------------------------------------------------------------ */
static bool drain_done(const struct siov_pf *pf)
{
	for (u32 w = 0; w < pf->cfg.nr_wqs; w++) {
		const struct siov_wq *wq = &pf->wqs[w];

		if (!wq->drain_seq)
			continue;
		for (u32 i = 0; i < wq->unused; i++)
			if (wq->jobs[i].state != J_FREE &&
			    wq->jobs[i].seq < wq->drain_seq)
				return false;
	}
	return true;
}

static void cmd_complete(struct siov_pf *pf)
{
	pf->cmdsts &= ~SIOV_CMDSTS_ACTIVE;
	for (u32 w = 0; w < pf->cfg.nr_wqs; w++)
		pf->wqs[w].drain_seq = 0;
	pf->intcause |= SIOV_INTCAUSE_CMD;
	TRACE(pf, "command %#x complete, err %u", pf->cmd,
	      (u32)(pf->cmdsts & SIOV_CMDSTS_ERR));
	if (pf->cmd & SIOV_CMD_INT)
		spf_send_msix(pf, SIOV_MSIX_VEC_ERR);
}

void spf_cmd_check(struct siov_pf *pf)
{
	if ((pf->cmdsts & SIOV_CMDSTS_ACTIVE) && drain_done(pf))
		cmd_complete(pf);
}

void spf_wq_check_disabled(struct siov_pf *pf, struct siov_wq *wq)
{
	if (wq->state == SIOV_WQ_DISABLING && !wq->occupancy) {
		wq->state = SIOV_WQ_DISABLED;
		TRACE(pf, "wq %u disabled", (u32)(wq - pf->wqs));
	}
}

/* ------------------------------------------------------------------ */
/* Resets and commands                                                */
/* ------------------------------------------------------------------ */
static void wq_reset(struct siov_pf *pf, struct siov_wq *wq)
{
	spf_wq_abort(pf, wq);
	wq->cfg0 = wq->cfg1 = 0;
	wq->state = SIOV_WQ_DISABLED;
	wq->err = 0;
	wq->rejected = 0;
	wq->pasid_en = wq->priv = wq->bof = wq->int_ims = false;
	wq->pasid = 0;
	wq->handle = 0;
}

void spf_bar0_reset(struct siov_pf *pf)
{
	for (u32 w = 0; w < pf->cfg.nr_wqs; w++)
		wq_reset(pf, &pf->wqs[w]);
	pf->genctrl = pf->cmdsts = pf->intcause = pf->errsts = 0;
	pf->errhead = pf->errtail = 0;
	pf->cmd = 0;
	memset(pf->errlog, 0, sizeof(pf->errlog));
	for (u32 v = 0; v < pf->cfg.nr_msix; v++) {
		pf->msix[2 * v] = 0;
		pf->msix[2 * v + 1] = BIT_ULL(32);	/* masked */
	}
	memset(pf->msix_pba, 0, (pf->cfg.nr_msix + 7) / 8);
	for (u32 i = 0; i < pf->cfg.nr_ims; i++) {
		pf->ims[2 * i] = 0;
		pf->ims[2 * i + 1] = (u64)SIOV_IMS_CTRL_MASK << 32;
	}
	spf_tlb_flush_all(pf);
}

static void flr(struct siov_pf *pf)
{
	TRACE(pf, "function level reset");
	spf_bar0_reset(pf);
	spf_cs_init(pf);
	spf_pri_update_stopped(pf);
}

static void cmd_start(struct siov_pf *pf, u32 v)
{
	u32 code = FIELD_GET(SIOV_CMD_CODE, v), op = FIELD_GET(SIOV_CMD_OPERAND, v);
	bool reset = code == SIOV_CMD_RESET_DEVICE || code == SIOV_CMD_RESET_WQ;
	u8 err = 0;

	pf->st.cmds++;
	TRACE(pf, "command %#x code %u operand %#x", v, code, op);
	if ((pf->cmdsts & SIOV_CMDSTS_ACTIVE) && !reset)
		err = SIOV_CMDERR_BUSY;
	else if (v & SIOV_CMD_RSVD)
		err = SIOV_CMDERR_RSVD;
	else if (code < SIOV_CMD_RESET_DEVICE || code > SIOV_CMD_DRAIN_PASID)
		err = SIOV_CMDERR_BAD_CODE;
	else if ((code == SIOV_CMD_RESET_WQ || code == SIOV_CMD_DRAIN_WQ) &&
		 op >= pf->cfg.nr_wqs)
		err = SIOV_CMDERR_BAD_WQ;
	if (err) {
		pf->st.cmd_errors++;
		spf_log_simple(pf, SIOV_ERR_CMD, -1, SIOV_REG_CMD, err);
		/* A refused command leaves an active one running. */
		if (!(pf->cmdsts & SIOV_CMDSTS_ACTIVE))
			pf->cmdsts = err;
		return;
	}
	/* A reset ends an active drain (its work is aborted anyway). */
	if (pf->cmdsts & SIOV_CMDSTS_ACTIVE) {
		pf->cmdsts &= ~SIOV_CMDSTS_ACTIVE;
		cmd_complete(pf);
	}
	pf->cmd = v;
	pf->cmdsts = SIOV_CMDSTS_ACTIVE;
	switch (code) {
	case SIOV_CMD_RESET_DEVICE:
		spf_bar0_reset(pf);
		pf->cmd = v;
		pf->cmdsts = SIOV_CMDSTS_ACTIVE;
		break;
	case SIOV_CMD_RESET_WQ:
		wq_reset(pf, &pf->wqs[op]);
		break;
	case SIOV_CMD_DRAIN_WQ:
		pf->wqs[op].drain_seq = pf->wqs[op].next_seq;
		break;
	case SIOV_CMD_DRAIN_PASID:
		for (u32 w = 0; w < pf->cfg.nr_wqs; w++) {
			struct siov_wq *wq = &pf->wqs[w];

			if (wq->state != SIOV_WQ_DISABLED &&
			    wq->state != SIOV_WQ_ERROR && wq->pasid_en &&
			    wq->pasid == op)
				wq->drain_seq = wq->next_seq;
		}
		break;
	}
	spf_cmd_check(pf);
}

/* ------------------------------------------------------------------ */
/* WQ enable / disable                                                */
/* ------------------------------------------------------------------ */
static u8 wq_enable_check(const struct siov_pf *pf, const struct siov_wq *wq)
{
	u64 c0 = wq->cfg0, c1 = wq->cfg1;
	u32 size = FIELD_GET(SIOV_WQ_CFG0_SIZE, c0);
	u32 h = FIELD_GET(SIOV_WQ_CFG1_INT_HANDLE, c1);

	if (!(pf->genctrl & SIOV_GENCTRL_ENABLE))
		return SIOV_WQERR_DEV_DISABLED;
	if (!bme(pf))
		return SIOV_WQERR_BME;
	if ((c0 & SIOV_WQ_CFG0_RSVD) || (c1 & SIOV_WQ_CFG1_RSVD))
		return SIOV_WQERR_RSVD;
	if (!size)
		return SIOV_WQERR_SIZE_ZERO;
	if (size > pf->cfg.max_wq_size)
		return SIOV_WQERR_SIZE_TOO_BIG;
	if (FIELD_GET(SIOV_WQ_CFG0_MODE, c0))
		return SIOV_WQERR_MODE;
	if ((c0 & SIOV_WQ_CFG0_PASID_EN) && !pasid_enabled(pf))
		return SIOV_WQERR_PASID_DISABLED;
	if ((c0 & SIOV_WQ_CFG0_PRIV) &&
	    (!(c0 & SIOV_WQ_CFG0_PASID_EN) || !pasid_priv_enabled(pf)))
		return SIOV_WQERR_PRIV_DISABLED;
	if ((c0 & SIOV_WQ_CFG0_BOF_EN) && (!ats_enabled(pf) || !pri_enabled(pf)))
		return SIOV_WQERR_BOF_NO_PRI;
	if (h >= ((c0 & SIOV_WQ_CFG0_INT_IMS) ? pf->cfg.nr_ims : pf->cfg.nr_msix))
		return SIOV_WQERR_INT_HANDLE;
	return 0;
}

static void wq_enable(struct siov_pf *pf, struct siov_wq *wq)
{
	u32 w = wq - pf->wqs;
	u8 err = wq_enable_check(pf, wq);
	u16 size = FIELD_GET(SIOV_WQ_CFG0_SIZE, wq->cfg0);

	if (!err && wq->jobs_n != size) {
		/* Slots are set up when first taken (wq->unused). */
		struct siov_job *jobs = malloc(size * sizeof(*jobs));

		if (!jobs) {
			err = SIOV_WQERR_SIZE_TOO_BIG;
		} else {
			free(wq->jobs);
			wq->jobs = jobs;
			wq->jobs_n = size;
		}
	}
	if (err) {
		wq->state = SIOV_WQ_ERROR;
		wq->err = err;
		pf->st.wq_enable_errors[err]++;
		TRACE(pf, "wq %u enable refused, err %u", w, err);
		return;
	}
	wq->free = NULL;
	wq->unused = 0;
	wq->size = size;
	wq->pasid_en = wq->cfg0 & SIOV_WQ_CFG0_PASID_EN;
	wq->pasid = wq->pasid_en ? FIELD_GET(SIOV_WQ_CFG0_PASID, wq->cfg0) : 0;
	wq->priv = wq->cfg0 & SIOV_WQ_CFG0_PRIV;
	wq->bof = wq->cfg0 & SIOV_WQ_CFG0_BOF_EN;
	wq->int_ims = wq->cfg0 & SIOV_WQ_CFG0_INT_IMS;
	wq->handle = FIELD_GET(SIOV_WQ_CFG1_INT_HANDLE, wq->cfg1);
	pf->jobs_live -= wq->occupancy;	/* 0: enabled from disabled only */
	wq->occupancy = wq->started = 0;
	wq->next_seq = 1;
	wq->state = SIOV_WQ_ENABLED;
	wq->err = 0;
	TRACE(pf, "wq %u enabled size %u pasid %s%#x%s%s", w, size,
	      wq->pasid_en ? "" : "(off) ", wq->pasid, wq->priv ? " priv" : "",
	      wq->bof ? " bof" : "");
}

static void wq_disable(struct siov_pf *pf, struct siov_wq *wq)
{
	if (wq->state == SIOV_WQ_ERROR) {
		wq->state = SIOV_WQ_DISABLED;
		wq->err = 0;
		return;
	}
	if (wq->state != SIOV_WQ_ENABLED)
		return;
	wq->state = SIOV_WQ_DISABLING;
	spf_wq_check_disabled(pf, wq);
}

/* ------------------------------------------------------------------ */
/* BAR0                                                               */
/* ------------------------------------------------------------------ */
enum reg_kind { R_RO, R_RW, R_RW1C, R_CMD, R_ERRHEAD };

/* Device registers: qword-granular, behaviour as data. */
static const struct {
	u32 off;
	u8 kind;
	u64 rw;		/* writable (or W1C) bits */
} dev_regs[] = {
	{ SIOV_REG_VERSION, R_RO, 0 },
	{ SIOV_REG_GENCAP, R_RO, 0 },
	{ SIOV_REG_WQCAP, R_RO, 0 },
	{ SIOV_REG_OPCAP, R_RO, 0 },
	{ SIOV_REG_GENCTRL, R_RW, SIOV_GENCTRL_ENABLE | SIOV_GENCTRL_ERR_INT },
	{ SIOV_REG_GENSTS, R_RO, 0 },
	{ SIOV_REG_CMD, R_CMD, 0xffffffff },
	{ SIOV_REG_CMDSTS, R_RO, 0 },
	{ SIOV_REG_INTCAUSE, R_RW1C, SIOV_INTCAUSE_ERR | SIOV_INTCAUSE_CMD },
	{ SIOV_REG_ERRHEAD, R_ERRHEAD, 0xffffffff },	/* + ERRTAIL (RO) */
	{ SIOV_REG_ERRSTS, R_RW1C, SIOV_ERRSTS_OVERFLOW },
	{ SIOV_REG_OFFSETS, R_RO, 0 },
};

static u64 dev_reg_read(const struct siov_pf *pf, u32 off)
{
	switch (off) {
	case SIOV_REG_VERSION:
		return SIOV_VERSION;
	case SIOV_REG_GENCAP:
		return SIOV_GENCAP_BOF | SIOV_GENCAP_IMS | SIOV_GENCAP_DRAIN_PASID |
		       FIELD_PREP(SIOV_GENCAP_MAX_XFER_LG2, (u64)pf->cfg.max_xfer_lg2) |
		       FIELD_PREP(SIOV_GENCAP_NR_IMS, (u64)pf->cfg.nr_ims) |
		       FIELD_PREP(SIOV_GENCAP_NR_MSIX, (u64)pf->cfg.nr_msix);
	case SIOV_REG_WQCAP:
		return FIELD_PREP(SIOV_WQCAP_NR_WQS, (u64)pf->cfg.nr_wqs) |
		       FIELD_PREP(SIOV_WQCAP_MAX_SIZE, (u64)pf->cfg.max_wq_size) |
		       SIOV_WQCAP_DEDICATED;
	case SIOV_REG_OPCAP:
		return SIOV_OPCAP_DEFAULT;
	case SIOV_REG_GENCTRL:
		return pf->genctrl;
	case SIOV_REG_GENSTS:
		return pf->genctrl & SIOV_GENCTRL_ENABLE ? SIOV_GENSTS_ENABLED : 0;
	case SIOV_REG_CMD:
		return pf->cmd;
	case SIOV_REG_CMDSTS:
		return pf->cmdsts;
	case SIOV_REG_INTCAUSE:
		return pf->intcause;
	case SIOV_REG_ERRHEAD:
		return pf->errhead | (u64)pf->errtail << 32;
	case SIOV_REG_ERRSTS:
		return pf->errsts;
	case SIOV_REG_OFFSETS:
		return (u64)(SIOV_REG_WQCFG >> 12) << 16 |
		       (u64)(SIOV_REG_IMS >> 12) << 48;
	}
	return 0;
}

static void dev_reg_write(struct siov_pf *pf, u32 off, u64 val, u64 mask)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(dev_regs); i++)
		if (dev_regs[i].off == off)
			break;
	if (i == ARRAY_SIZE(dev_regs) ||
	    (dev_regs[i].kind == R_RO) ||
	    (dev_regs[i].kind == R_ERRHEAD && !(mask & 0xffffffff))) {
		spf_log_simple(pf, i == ARRAY_SIZE(dev_regs) ? SIOV_ERR_MMIO :
			       SIOV_ERR_RO_REG, -1, off, (u32)val);
		return;
	}
	/* Every writable register is 32 bits wide: bits 63:32 reserved. */
	if ((val & mask) >> 32)
		spf_log_simple(pf, SIOV_ERR_MMIO, -1, off + 4, (u32)(val >> 32));
	if (!(mask & 0xffffffff))
		return;
	val = (u32)val;
	switch (dev_regs[i].kind) {
	case R_RW: {	/* GENCTRL */
		u32 old = pf->genctrl;

		if (val & SIOV_GENCTRL_RSVD)
			spf_log_simple(pf, SIOV_ERR_MMIO, -1, off, (u32)val);
		pf->genctrl = val & dev_regs[i].rw;
		if ((old & SIOV_GENCTRL_ENABLE) && !(pf->genctrl & SIOV_GENCTRL_ENABLE))
			for (u32 w = 0; w < pf->cfg.nr_wqs; w++)
				wq_disable(pf, &pf->wqs[w]);
		break;
	}
	case R_RW1C:
		if (off == SIOV_REG_INTCAUSE)
			pf->intcause &= ~(val & dev_regs[i].rw);
		else
			pf->errsts &= ~(val & dev_regs[i].rw);
		break;
	case R_CMD:
		cmd_start(pf, (u32)val);
		break;
	case R_ERRHEAD: {
		u32 h = (u32)val;

		/* Only forward, and not past the tail. */
		if (h - pf->errhead > pf->errtail - pf->errhead)
			spf_log_simple(pf, SIOV_ERR_MMIO, -1, off, h);
		else
			pf->errhead = h;
		break;
	}
	}
}

static void wq_reg_write(struct siov_pf *pf, u32 w, u32 reg, u64 val,
			 u64 mask)
{
	struct siov_wq *wq = &pf->wqs[w];
	u64 *r;

	switch (reg) {
	case SIOV_WQ_CFG0:
	case SIOV_WQ_CFG1:
		if (wq->state == SIOV_WQ_ENABLED ||
		    wq->state == SIOV_WQ_DISABLING) {
			spf_log_simple(pf, SIOV_ERR_WQCFG_ENABLED, w, reg, (u32)val);
			return;
		}
		r = reg == SIOV_WQ_CFG0 ? &wq->cfg0 : &wq->cfg1;
		*r = (*r & ~mask) | (val & mask);
		break;
	case SIOV_WQ_CTL:
		if (!(mask & 1))
			break;
		if (val & SIOV_WQ_CTL_RSVD & mask)
			spf_log_simple(pf, SIOV_ERR_MMIO, w, reg, (u32)val);
		if (val & SIOV_WQ_CTL_ENABLE) {
			if (wq->state == SIOV_WQ_DISABLED ||
			    wq->state == SIOV_WQ_ERROR)
				wq_enable(pf, wq);
		} else {
			wq_disable(pf, wq);
		}
		break;
	default:
		spf_log_simple(pf, SIOV_ERR_RO_REG, w, reg, (u32)val);
	}
}

static u64 wq_reg_read(const struct siov_pf *pf, u32 w, u32 reg)
{
	const struct siov_wq *wq = &pf->wqs[w];

	switch (reg) {
	case SIOV_WQ_CFG0:
		return wq->cfg0;
	case SIOV_WQ_CFG1:
		return wq->cfg1;
	case SIOV_WQ_CTL:
		return wq->state == SIOV_WQ_ENABLED;
	default:
		return FIELD_PREP(SIOV_WQ_STS_STATE, (u64)wq->state) |
		       FIELD_PREP(SIOV_WQ_STS_ERR, (u64)wq->err) |
		       FIELD_PREP(SIOV_WQ_STS_OCCUPANCY, (u64)wq->occupancy) |
		       FIELD_PREP(SIOV_WQ_STS_REJECTED, (u64)wq->rejected);
	}
}

static u64 bar0_read64(const struct siov_pf *pf, u32 off)
{
	if (off < SIOV_REG_ERRLOG)
		return dev_reg_read(pf, off);
	if (off < SIOV_REG_ERRLOG + sizeof(pf->errlog))
		return pf->errlog[(off - SIOV_REG_ERRLOG) / 32]
			.val[(off % 32) / 8];
	if (off >= SIOV_REG_MSIX_TABLE &&
	    off < SIOV_REG_MSIX_TABLE + pf->cfg.nr_msix * 16u)
		return pf->msix[(off - SIOV_REG_MSIX_TABLE) / 8];
	if (off >= SIOV_REG_MSIX_PBA &&
	    off < SIOV_REG_MSIX_PBA + (pf->cfg.nr_msix + 63) / 64 * 8u) {
		u64 v = 0;
		u32 base = (off - SIOV_REG_MSIX_PBA) * 8;

		for (u32 b = 0; b < 64 && base + b < pf->cfg.nr_msix; b++)
			if (pf->msix_pba[(base + b) / 8] & BIT((base + b) % 8))
				v |= BIT_ULL(b);
		return v;
	}
	if (off >= SIOV_REG_WQCFG &&
	    off < SIOV_REG_WQCFG + pf->cfg.nr_wqs * SIOV_WQCFG_STRIDE)
		return wq_reg_read(pf, (off - SIOV_REG_WQCFG) / SIOV_WQCFG_STRIDE,
				   off % SIOV_WQCFG_STRIDE);
	if (off >= SIOV_REG_IMS &&
	    off < SIOV_REG_IMS + pf->cfg.nr_ims * SIOV_IMS_STRIDE)
		return pf->ims[(off - SIOV_REG_IMS) / 8];
	return 0;
}

static void bar0_write64(struct siov_pf *pf, u32 off, u64 val, u64 mask)
{
	if (off < SIOV_REG_ERRLOG) {
		dev_reg_write(pf, off, val, mask);
	} else if (off >= SIOV_REG_MSIX_TABLE &&
		   off < SIOV_REG_MSIX_TABLE + pf->cfg.nr_msix * 16u) {
		u32 q = (off - SIOV_REG_MSIX_TABLE) / 8;
		u64 rw = (q & 1) ? GENMASK_ULL(32, 0) : ~0ULL;

		pf->msix[q] = (pf->msix[q] & ~(mask & rw)) | (val & mask & rw);
		if (q & 1)
			spf_msix_flush_pending(pf);
	} else if (off >= SIOV_REG_WQCFG &&
		   off < SIOV_REG_WQCFG + pf->cfg.nr_wqs * SIOV_WQCFG_STRIDE) {
		wq_reg_write(pf, (off - SIOV_REG_WQCFG) / SIOV_WQCFG_STRIDE,
			     off % SIOV_WQCFG_STRIDE, val, mask);
	} else if (off >= SIOV_REG_IMS &&
		   off < SIOV_REG_IMS + pf->cfg.nr_ims * SIOV_IMS_STRIDE) {
		u32 q = (off - SIOV_REG_IMS) / 8;
		u64 *e = &pf->ims[q];

		if (q & 1) {
			u64 rw = GENMASK_ULL(31, 0) |
				 (u64)(SIOV_IMS_CTRL_MASK | SIOV_IMS_CTRL_PASID_EN |
				       SIOV_IMS_CTRL_PASID) << 32;

			if (val & mask & ((u64)SIOV_IMS_CTRL_RSVD << 32))
				spf_log_simple(pf, SIOV_ERR_MMIO, -1, off, (u32)(val >> 32));
			*e = (*e & ~(mask & rw)) | (val & mask & rw);
			/* Unmasked with a pending message: send it now. */
			if (!(*e & ((u64)SIOV_IMS_CTRL_MASK << 32)) &&
			    (*e & ((u64)SIOV_IMS_CTRL_PENDING << 32))) {
				*e &= ~((u64)SIOV_IMS_CTRL_PENDING << 32);
				spf_deliver(pf, e[-1], (u32)*e, true, q / 2);
			}
		} else {
			*e = (*e & ~mask) | (val & mask);
		}
	} else if ((off >= SIOV_REG_ERRLOG &&
		    off < SIOV_REG_ERRLOG + sizeof(pf->errlog)) ||
		   (off >= SIOV_REG_MSIX_PBA &&
		    off < SIOV_REG_MSIX_PBA + (pf->cfg.nr_msix + 63) / 64 * 8u)) {
		spf_log_simple(pf, SIOV_ERR_RO_REG, -1, off, (u32)val);
	} else {
		spf_log_simple(pf, SIOV_ERR_MMIO, -1, off, (u32)val);
	}
}

static bool mmio_ok(struct siov_pf *pf, unsigned int bar, u64 off,
		    unsigned int size)
{
	if (!mse(pf)) {
		pf->st.mmio_disabled++;
		return false;
	}
	if ((size != 4 && size != 8) || (off & (size - 1)) ||
	    off >= siov_pf_bar_size(pf, bar)) {
		spf_log_simple(pf, SIOV_ERR_MMIO, -1, off, size);
		return false;
	}
	return true;
}

u64 siov_pf_mmio_read(struct siov_pf *pf, unsigned int bar, u64 off,
		      unsigned int size)
{
	u64 v;

	if (bar == SIOV_BAR2) {
		/* Portals are write-only: reads return all ones. */
		if (mse(pf))
			spf_log_simple(pf, SIOV_ERR_PORTAL_ACCESS, -1, off, size);
		return size == 8 ? ~0ULL : 0xffffffff;
	}
	if (bar != SIOV_BAR0 || !mmio_ok(pf, bar, off, size))
		return size == 8 ? ~0ULL : 0xffffffff;
	v = bar0_read64(pf, off & ~7ULL);
	if (size == 4)
		v = (u32)(v >> (8 * (off & 4)));
	return v;
}

void siov_pf_mmio_write(struct siov_pf *pf, unsigned int bar, u64 off,
			unsigned int size, u64 val)
{
	u64 mask;

	if (bar == SIOV_BAR2) {
		siov_pf_portal_write(pf, off, &val, size);
		return;
	}
	if (bar != SIOV_BAR0 || !mmio_ok(pf, bar, off, size))
		return;
	TRACE(pf, "bar0 write %#llx/%u = %#llx", (unsigned long long)off,
	      size, (unsigned long long)val);
	mask = size == 8 ? ~0ULL : 0xffffffffULL << (8 * (off & 4));
	if (size == 4)
		val = (val & 0xffffffff) << (8 * (off & 4));
	bar0_write64(pf, off & ~7ULL, val, mask);
}

/* ------------------------------------------------------------------ */
/* Config-space accesses                                              */
/* ------------------------------------------------------------------ */
u32 siov_pf_cfg_read(struct siov_pf *pf, u32 off, unsigned int size)
{
	if ((size != 1 && size != 2 && size != 4) || (off & (size - 1)) ||
	    off >= SIOV_CFG_SIZE) {
		pf->st.cfg_bad++;
		return ~0u;
	}
	spf_pri_update_stopped(pf);
	return cs_get(pf, off, size);
}

static bool cs_bar_byte(u32 off)
{
	return (off >= 0x10 && off < 0x28) || (off >= 0x30 && off < 0x34);
}

void siov_pf_cfg_write(struct siov_pf *pf, u32 off, unsigned int size,
		       u32 val)
{
	bool ats_was = ats_enabled(pf), ro = false;
	bool flr_req = false, pri_reset = false;

	if ((size != 1 && size != 2 && size != 4) || (off & (size - 1)) ||
	    off >= SIOV_CFG_SIZE) {
		pf->st.cfg_bad++;
		return;
	}
	TRACE(pf, "cfg write %#x/%u = %#x", off, size, val);
	for (unsigned int i = 0; i < size; i++) {
		u32 o = off + i;
		u8 b = val >> (8 * i), old = pf->cs[o];
		u8 wm = pf->cs_w[o], w1c = pf->cs_w1c[o];

		/* Write-only command bits: FLR, PRI reset. */
		if (o == SIOV_CFG_PCIE + 9 && (b & 0x80))
			flr_req = true;
		if (o == SIOV_CFG_PRI + 4 && (b & 0x02))
			pri_reset = true;
		if (o == SIOV_CFG_PRI + 7)
			b = (b & ~0x01) | (old & 0x01);	/* Stopped is RO */
		if ((b ^ old) & ~wm & ~w1c & 0xff && !cs_bar_byte(o) &&
		    !(o == SIOV_CFG_PCIE + 9) && !(o == SIOV_CFG_PRI + 4))
			ro = true;
		pf->cs[o] = ((old & ~wm) | (b & wm)) & ~(b & w1c);
	}
	if (ro)
		pf->st.cfg_ro_writes++;
	if (flr_req) {
		flr(pf);
		return;
	}
	if (ats_was && !ats_enabled(pf))
		spf_tlb_flush_all(pf);
	if (pri_reset && !pri_enabled(pf)) {
		/* Forget outstanding requests; their jobs fail now. */
		for (u16 p = 0; p < PRG_MAX; p++) {
			struct siov_job *j = pf->prg_job[p];

			if (!pf->prg_busy[p])
				continue;
			spf_prg_free(pf, p);
			if (j) {
				j->state = J_RESUME;
				j->prs_code = 0xf;
				if (j->cr_phase)
					spf_job_complete(pf, &pf->wqs[j->wq], j, true);
				else
					spf_job_fail(pf, &pf->wqs[j->wq], j,
						     SIOV_CS_PRS_FAILURE);
			}
		}
		spf_prg_wake(pf);
	}
	spf_msix_flush_pending(pf);
}
