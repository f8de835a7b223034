// SPDX-License-Identifier: GPL-2.0
/*
 * The host IOMMU driver of the simulated machine (see hostdrv.h).
 *
 * Sequences follow Linux 6.12 drivers/iommu/intel: init_dmars() order
 * (queued invalidation first, then the root table with global context,
 * PASID-cache and IOTLB invalidations, fault interrupt, PRQ, TE),
 * qi_submit_sync() (descriptors + one inv-wait with status write, polled),
 * qi_check_fault() recovery, dmar_fault() (FRCD read and clear),
 * prq_event_thread() (PPR clear, drain head..tail, PQH write, PRO clear) and
 * intel_pasid_tear_down_entry() (clear P, PASID cache, IOTLB, device TLB,
 * clear the entry, drain page requests).
 *
 * The driver touches the unit only through sim_iommu_read/write and host
 * memory; descriptors are encoded by vsva_qi_encode, page requests decoded
 * by vsva_page_req_decode.
 */
#include <stdlib.h>

#include "hostdrv.h"
#include "prq.h"
#include "qi.h"

#include <nestmed/vtd.h>

#define HD_MAX_DEVS		16
#define HD_MSI_ADDR		0xfee00000u
#define HD_VEC_FAULT		0x40
#define HD_VEC_INV		0x41
#define HD_VEC_PRQ		0x42
#define HD_DESC_SIZE		32	/* 256-bit descriptors (IQA.DW = 1) */
#define HD_REG_POLL		1000	/* GSTS polls before giving up */

/* PCI config space (include/uapi/linux/pci_regs.h, Linux 6.12). */
#define PCI_EXT_CAP_START	0x100
#define PCI_EXT_CAP_ID_ATS	0x0f
#define PCI_EXT_CAP_ID_PRI	0x13
#define PCI_EXT_CAP_ID_PASID	0x1b
#define PCI_ATS_CTRL		0x06
#define PCI_ATS_CTRL_ENABLE	0x8000
#define PCI_PRI_CTRL		0x04
#define PCI_PRI_CTRL_ENABLE	0x0001
#define PCI_PRI_CTRL_RESET	0x0002
#define PCI_PRI_MAX_REQ		0x08
#define PCI_PRI_ALLOC_REQ	0x0c
#define PCI_PASID_CAP		0x04
#define PCI_PASID_CAP_EXEC	0x0002
#define PCI_PASID_CAP_PRIV	0x0004
#define PCI_PASID_CTRL		0x06
#define PCI_PASID_CTRL_ENABLE	0x0001
#define PCI_PASID_CTRL_EXEC	0x0002
#define PCI_PASID_CTRL_PRIV	0x0004

struct hd_dev {
	bool used;
	u16 rid;
	const struct hostdrv_pci_ops *ops;
	void *dev;
	struct sim_vm *vm;
	u16 ats_off, pri_off, pasid_off;
	struct hostdrv_dev_info info;
	u64 dir_pages;
};

struct hd_vm {
	u16 did;
	u32 refs;
};

/* A drained page request or fault, waiting for poll(). */
struct hd_item {
	bool is_fault;
	struct piommu_page_req req;
	struct piommu_fault fault;
};

struct hostdrv {
	struct piommu pi;
	struct sim *s;
	struct sim_mem *m;
	struct sim_iommu *it;
	struct hostdrv_cfg cfg;
	u64 cap, ecap;
	u8 haw, pasid_bits, nfr;
	u32 fro;
	u32 gcmd;		/* persistent GCMD bits we have set */

	u64 rta;
	u64 iq, iq_size;	/* base, bytes */
	u32 iq_tail;
	u64 prq, prq_size;
	u64 status_hpa;
	volatile u32 *status;	/* the inv-wait status dword */
	u32 wait_seq;

	struct hd_dev devs[HD_MAX_DEVS];
	struct hd_vm vms[SIM_MAX_VMS + 1];
	u8 *did_used;		/* 1..host_dids */

	struct piommu_handlers h;
	struct hd_item *q;
	u32 q_head, q_n;
	bool irq_pending[3];
	u32 in_poll;

	struct hostdrv_stats st;
};

/* ------------------------------------------------------------------ */
/* Registers                                                          */
/* ------------------------------------------------------------------ */
static u64 rd(struct hostdrv *hd, u32 off, unsigned int size)
{
	hd->st.mmio_reads++;
	return sim_iommu_read(hd->it, off, size);
}

static void wr(struct hostdrv *hd, u32 off, unsigned int size, u64 val)
{
	hd->st.mmio_writes++;
	sim_iommu_write(hd->it, off, size, val);
}

/* One GCMD command (10.4.4: one bit changes per write), then GSTS. */
static int gcmd(struct hostdrv *hd, u32 cmd, bool set, u32 sts_bit)
{
	u32 v = set ? hd->gcmd | cmd : hd->gcmd & ~cmd;

	wr(hd, VTD_GCMD_REG, 4, v);
	if (!(cmd & VTD_GCMD_ONESHOT))
		hd->gcmd = v;
	for (int i = 0; i < HD_REG_POLL; i++) {
		u32 sts = (u32)rd(hd, VTD_GSTS_REG, 4);

		if (!!(sts & sts_bit) == set)
			return 0;
		sim_step(hd->s);
	}
	return -ETIMEDOUT;
}

/* ------------------------------------------------------------------ */
/* Host memory                                                        */
/* ------------------------------------------------------------------ */
static int mrd(struct hostdrv *hd, u64 a, void *buf, u64 len)
{
	return sim_mem_read(hd->m, VSVA_AS_HPA, a, buf, len);
}

static int mwr(struct hostdrv *hd, u64 a, const void *buf, u64 len)
{
	return sim_mem_write(hd->m, VSVA_AS_HPA, a, buf, len);
}

/*
 * Write a table entry of @nqw qwords so that qword 0 (holding P) lands
 * last (6.5.3.3: every other field visible before P is set).
 */
static int write_entry(struct hostdrv *hd, u64 a, const u64 *val,
		       unsigned int nqw)
{
	int ret = 0;

	if (nqw > 1)
		ret = mwr(hd, a + 8, &val[1], 8ULL * (nqw - 1));
	dma_wmb();
	return ret ? ret : mwr(hd, a, &val[0], 8);
}

/* ------------------------------------------------------------------ */
/* Invalidation queue                                                 */
/* ------------------------------------------------------------------ */
struct wait_ctx {
	struct hostdrv *hd;
	u32 seq;
};

static bool wait_done(void *arg)
{
	struct wait_ctx *w = arg;
	struct hostdrv *hd = w->hd;

	if (*hd->status == w->seq)
		return true;
	return rd(hd, VTD_FSTS_REG, 4) & (VTD_FSTS_IQE | VTD_FSTS_ITE);
}

static bool iq_idle(void *arg)
{
	struct hostdrv *hd = arg;
	u64 head = rd(hd, VTD_IQH_REG, 8) & VTD_IQH_QH;

	return head == hd->iq_tail ||
	       (rd(hd, VTD_FSTS_REG, 4) & (VTD_FSTS_IQE | VTD_FSTS_ITE));
}

/* What the unit reported for the submission (qi_check_fault). */
static int iq_check(struct hostdrv *hd, bool done)
{
	u32 fsts = (u32)rd(hd, VTD_FSTS_REG, 4);
	int ret = done ? 0 : -ETIMEDOUT;

	if (fsts & VTD_FSTS_IQE) {
		u64 iqercd = rd(hd, VTD_IQERCD_REG, 8);
		u64 head = rd(hd, VTD_IQH_REG, 8) & VTD_IQH_QH;

		hd->st.iqe++;
		sim_trace(hd->s, "hostdrv", "IQE iqei=%llu at %#llx: batch dropped",
			  (unsigned long long)vtd_iqercd_iqei(iqercd),
			  (unsigned long long)head);
		/* Drop the bad descriptor and the rest: tail back to head. */
		hd->iq_tail = (u32)head;
		wr(hd, VTD_IQT_REG, 8, head);
		wr(hd, VTD_FSTS_REG, 4, VTD_FSTS_IQE);
		ret = -EIO;
	} else if (fsts & VTD_FSTS_ITE) {
		hd->st.ite++;
		sim_trace(hd->s, "hostdrv", "ITE sid=%04llx: waits aborted",
			  (unsigned long long)vtd_iqercd_itesid(
				  rd(hd, VTD_IQERCD_REG, 8)));
		/* The unit resumes and aborts the waits up to the tail. */
		wr(hd, VTD_FSTS_REG, 4, VTD_FSTS_ITE);
		sim_run_until(hd->s, iq_idle, hd, hd->cfg.wait_max_events);
		ret = -ETIMEDOUT;
	}
	if (fsts & VTD_FSTS_ICE) {
		hd->st.ice++;
		wr(hd, VTD_FSTS_REG, 4, VTD_FSTS_ICE);
	}
	if (ret == -ETIMEDOUT && !(fsts & VTD_FSTS_ITE))
		hd->st.wait_timeouts++;
	return ret;
}

static bool op_submittable(const struct vsva_inv_op *op)
{
	switch (op->kind) {
	case VSVA_INV_CC:
	case VSVA_INV_IOTLB:
	case VSVA_INV_DEVTLB:
	case VSVA_INV_IEC:
	case VSVA_INV_PIOTLB:
	case VSVA_INV_PC:
	case VSVA_INV_PDEVTLB:
		return true;
	default:
		return false;
	}
}

/* One submission: @n encoded descriptors (fits the queue) + inv-wait. */
static int iq_submit_raw(struct hostdrv *hd, const u64 (*qw)[4], unsigned int n,
			 bool pd)
{
	struct vsva_inv_op wait = { .kind = VSVA_INV_WAIT };
	struct wait_ctx w = { .hd = hd };
	u64 desc[4];
	u64 ev0 = hd->s->events_run;
	bool done;

	if (!++hd->wait_seq)
		hd->wait_seq = 1;
	w.seq = hd->wait_seq;
	wait.wait.sw = true;
	wait.wait.pd = pd && vtd_ecap_pds(hd->ecap);
	wait.wait.status_data = w.seq;
	wait.wait.status_addr = hd->status_hpa;
	if (vsva_qi_encode(&wait, 256, desc))
		return -EINVAL;
	for (unsigned int i = 0; i <= n; i++) {
		const u64 *d = i < n ? qw[i] : desc;

		mwr(hd, hd->iq + hd->iq_tail, d, HD_DESC_SIZE);
		hd->iq_tail = (u32)((hd->iq_tail + HD_DESC_SIZE) % hd->iq_size);
	}
	hd->st.submissions++;
	hd->st.descs += n;
	hd->st.inv_waits++;
	sim_trace(hd->s, "hostdrv", "submit %u desc%s + inv-wait seq %u%s", n,
		  n == 1 ? "" : "s", w.seq, wait.wait.pd ? " (PD)" : "");
	wr(hd, VTD_IQT_REG, 8, hd->iq_tail);
	done = sim_run_until(hd->s, wait_done, &w, hd->cfg.wait_max_events) &&
	       *hd->status == w.seq;
	hd->st.wait_events += hd->s->events_run - ev0;
	return iq_check(hd, done);
}

static int iq_submit(struct hostdrv *hd, const struct vsva_inv_op *ops,
		     unsigned int n, bool pd)
{
	/* One slot stays empty; one is the inv-wait. */
	unsigned int room = (unsigned int)(hd->iq_size / HD_DESC_SIZE) - 2;
	u64 (*qw)[4];
	int ret = 0;

	for (unsigned int i = 0; i < n; i++)
		if (!op_submittable(&ops[i]))
			return -EINVAL;
	qw = calloc(n ? n : 1, sizeof(*qw));
	if (!qw)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++) {
		if (vsva_qi_encode(&ops[i], 256, qw[i])) {
			free(qw);
			return -EINVAL;
		}
	}
	for (unsigned int done = 0; !ret && (done < n || !n);) {
		unsigned int k = min(n - done, room);

		ret = iq_submit_raw(hd, (const u64 (*)[4])&qw[done], k, pd);
		done += k;
		if (!n)
			break;
	}
	free(qw);
	return ret;
}

int hostdrv_inv_submit(struct hostdrv *hd, const struct vsva_inv_op *ops,
		       unsigned int n)
{
	int ret;

	if (!n)
		return 0;
	ret = iq_submit(hd, ops, n, false);
	if (ret == -EINVAL)
		hd->st.errors++;
	return ret;
}

int hostdrv_page_response(struct hostdrv *hd, u16 rid, bool pasid_present,
			  u32 pasid, u16 prg_index, u8 code)
{
	struct vsva_inv_op op = { .kind = VSVA_INV_PGRP_RESP };
	u64 qw[4];

	op.pasid = pasid_present ? pasid : 0;
	op.resp.rid = rid;
	op.resp.pp = pasid_present;
	op.resp.lpig = true;	/* responses answer complete groups */
	op.resp.code = code;
	op.resp.prg_index = prg_index;
	if ((pasid_present && pasid >= (1U << hd->pasid_bits)) ||
	    vsva_qi_encode(&op, 256, qw)) {
		hd->st.errors++;
		return -EINVAL;
	}
	hd->st.page_responses++;
	sim_trace(hd->s, "hostdrv", "page response rid=%04x pasid=%s%x prgi=%u code=%#x",
		  rid, pasid_present ? "" : "-/", pasid, prg_index, code);
	return iq_submit_raw(hd, (const u64 (*)[4])&qw, 1, false);
}

/* ------------------------------------------------------------------ */
/* Interrupts                                                         */
/* ------------------------------------------------------------------ */
static void q_push(struct hostdrv *hd, const struct hd_item *it)
{
	if (hd->q_n == hd->cfg.sw_queue_len) {
		hd->st.sw_drops++;
		return;
	}
	hd->q[(hd->q_head + hd->q_n++) % hd->cfg.sw_queue_len] = *it;
}

/* dmar_fault(): read each pending record, clear F, then PFO. */
static void fault_drain(struct hostdrv *hd)
{
	u32 fsts = (u32)rd(hd, VTD_FSTS_REG, 4);
	u32 i = FIELD_GET((u32)VTD_FSTS_FRI, fsts);

	if (fsts & VTD_FSTS_PPF) {
		for (u32 n = 0; n < hd->nfr; n++, i = (i + 1) % hd->nfr) {
			u32 off = hd->fro + VTD_FRCD_LEN * i;
			struct vtd_frcd r;
			struct hd_item item = { .is_fault = true };

			r.val[1] = rd(hd, off + 8, 8);
			if (!vtd_frcd_f(&r))
				continue;
			r.val[0] = rd(hd, off, 8);
			wr(hd, off + 8, 8, BIT_ULL(63));	/* F is RW1C */
			item.fault.sid = (u16)vtd_frcd_sid(&r);
			item.fault.pasid_present = vtd_frcd_pp(&r);
			item.fault.pasid = (u32)vtd_frcd_pv(&r);
			item.fault.addr = vtd_frcd_fi(&r);
			item.fault.reason = (u8)vtd_frcd_fr(&r);
			item.fault.write = !vtd_frcd_t1(&r);
			hd->st.fault_records++;
			sim_trace(hd->s, "hostdrv", "fault record %u: sid=%04x fr=%#x addr=%#llx",
				  i, item.fault.sid, item.fault.reason,
				  (unsigned long long)item.fault.addr);
			q_push(hd, &item);
		}
	}
	if (fsts & VTD_FSTS_PFO) {
		hd->st.fault_overflows++;
		wr(hd, VTD_FSTS_REG, 4, VTD_FSTS_PFO);
	}
}

/* prq_event_thread(): PPR clear, head..tail, PQH, PRO. */
static void prq_drain(struct hostdrv *hd)
{
	u64 head, tail;
	u32 prs;

	wr(hd, VTD_PRS_REG, 4, VTD_PRS_PPR);
	head = rd(hd, VTD_PQH_REG, 8) & VTD_PQH_PQH;
	tail = rd(hd, VTD_PQT_REG, 8) & VTD_PQT_PQT;
	while (head != tail) {
		struct vtd_page_req_desc d;
		struct vsva_page_req pr;
		struct hd_item item = { .is_fault = false };

		mrd(hd, hd->prq + head, d.qw, sizeof(d.qw));
		head = (head + VSVA_PRQ_DESC_SIZE) % hd->prq_size;
		hd->st.page_reqs++;
		if (vsva_page_req_decode(d.qw, 4, &pr)) {
			hd->st.prq_bad++;
			continue;
		}
		item.req.rid = pr.rid;
		item.req.pasid_present = pr.pasid_present;
		item.req.pasid = pr.pasid;
		item.req.addr = pr.addr;
		item.req.r = pr.r;
		item.req.w = pr.w;
		item.req.x = pr.x;
		item.req.priv = pr.priv;
		item.req.lpig = pr.lpig;
		item.req.prg_index = pr.prg_index;
		sim_trace(hd->s, "hostdrv", "page request rid=%04x pasid=%s%x addr=%#llx prgi=%u%s",
			  pr.rid, pr.pasid_present ? "" : "-/", pr.pasid,
			  (unsigned long long)pr.addr, pr.prg_index,
			  pr.lpig ? " LPIG" : "");
		q_push(hd, &item);
	}
	wr(hd, VTD_PQH_REG, 8, head);
	prs = (u32)rd(hd, VTD_PRS_REG, 4);
	if (prs & VTD_PRS_PRO) {
		hd->st.prq_overflows++;
		wr(hd, VTD_PRS_REG, 4, VTD_PRS_PRO);
	}
}

static void irq_fn(struct sim *s, void *arg)
{
	struct hostdrv *hd = arg;

	hd->st.irq_events++;
	if (hd->irq_pending[SIM_IOMMU_IRQ_FAULT]) {
		hd->irq_pending[SIM_IOMMU_IRQ_FAULT] = false;
		fault_drain(hd);
	}
	if (hd->irq_pending[SIM_IOMMU_IRQ_PRQ]) {
		hd->irq_pending[SIM_IOMMU_IRQ_PRQ] = false;
		prq_drain(hd);
	}
	hd->irq_pending[SIM_IOMMU_IRQ_INV] = false;
}

static void host_irq(void *ctx, enum sim_iommu_irq which, u32 data, u64 addr)
{
	struct hostdrv *hd = ctx;
	bool any = hd->irq_pending[0] || hd->irq_pending[1] ||
		   hd->irq_pending[2];

	if ((unsigned int)which > SIM_IOMMU_IRQ_PRQ)
		return;
	hd->st.irqs[which]++;
	hd->irq_pending[which] = true;
	if (!any)
		sim_schedule(hd->s, hd->cfg.irq_latency_ns, irq_fn, hd);
}

static const struct sim_iommu_host_ops hd_host_ops = { .irq = host_irq };

void hostdrv_set_handlers(struct hostdrv *hd, const struct piommu_handlers *h)
{
	if (h)
		hd->h = *h;
	else
		memset(&hd->h, 0, sizeof(hd->h));
}

u32 hostdrv_pending(const struct hostdrv *hd)
{
	return hd->q_n;
}

u32 hostdrv_poll(struct hostdrv *hd)
{
	u32 n = 0;

	if (hd->in_poll)
		return 0;
	hd->in_poll++;
	while (hd->q_n) {
		struct hd_item item = hd->q[hd->q_head];

		hd->q_head = (hd->q_head + 1) % hd->cfg.sw_queue_len;
		hd->q_n--;
		n++;
		if (item.is_fault) {
			hd->st.faults_delivered++;
			if (hd->h.fault)
				hd->h.fault(hd->h.ctx, &item.fault);
		} else {
			hd->st.page_reqs_delivered++;
			if (hd->h.page_request)
				hd->h.page_request(hd->h.ctx, &item.req);
		}
	}
	hd->in_poll--;
	return n;
}

struct run_ctx {
	struct hostdrv *hd;
	bool (*done)(void *ctx);
	void *ctx;
};

static bool run_stop(void *arg)
{
	struct run_ctx *r = arg;

	return r->hd->q_n || r->done(r->ctx);
}

bool hostdrv_run_until(struct hostdrv *hd, bool (*done)(void *ctx), void *ctx,
		       u64 max_events)
{
	struct run_ctx r = { hd, done, ctx };
	u64 ev0 = hd->s->events_run;

	for (;;) {
		u64 ran = hd->s->events_run - ev0;

		if (done(ctx))
			return true;
		if (max_events && ran >= max_events)
			return false;
		sim_run_until(hd->s, run_stop, &r,
			      max_events ? max_events - ran : 0);
		if (hd->q_n) {
			hostdrv_poll(hd);
			continue;
		}
		if (!sim_pending(hd->s))
			return done(ctx);
	}
}

/* ------------------------------------------------------------------ */
/* DIDs and VMs                                                       */
/* ------------------------------------------------------------------ */
static u16 did_alloc(struct hostdrv *hd)
{
	for (u32 d = 1; d <= hd->cfg.host_dids; d++) {
		if (!hd->did_used[d]) {
			hd->did_used[d] = 1;
			hd->st.dids_allocated++;
			return (u16)d;
		}
	}
	return 0;
}

static void did_free(struct hostdrv *hd, u16 did)
{
	if (did && did <= hd->cfg.host_dids && hd->did_used[did]) {
		hd->did_used[did] = 0;
		hd->st.dids_freed++;
	}
}

static u16 vm_get(struct hostdrv *hd, struct sim_vm *vm)
{
	struct hd_vm *v = &hd->vms[sim_vm_id(vm)];

	if (!v->refs) {
		v->did = did_alloc(hd);
		if (!v->did)
			return 0;
	}
	v->refs++;
	return v->did;
}

static void vm_put(struct hostdrv *hd, const struct sim_vm *vm)
{
	struct hd_vm *v = &hd->vms[sim_vm_id(vm)];

	if (v->refs && !--v->refs) {
		did_free(hd, v->did);
		v->did = 0;
	}
}

u16 hostdrv_vm_did(struct hostdrv *hd, const struct sim_vm *vm)
{
	if (!vm || sim_vm_id(vm) > SIM_MAX_VMS)
		return 0;
	return hd->vms[sim_vm_id(vm)].refs ? hd->vms[sim_vm_id(vm)].did : 0;
}

/* ------------------------------------------------------------------ */
/* PASID tables                                                       */
/* ------------------------------------------------------------------ */
static struct hd_dev *find_dev(struct hostdrv *hd, u16 rid)
{
	for (int i = 0; i < HD_MAX_DEVS; i++)
		if (hd->devs[i].used && hd->devs[i].rid == rid)
			return &hd->devs[i];
	return NULL;
}

/* Address of the entry of @pasid; allocate its table when @alloc. */
static int pasid_entry_addr(struct hostdrv *hd, struct hd_dev *d, u32 pasid,
			    bool alloc, u64 *out)
{
	u64 pde_a = d->info.pasid_dir + 8ULL * (pasid >> VTD_PASID_DIR_SHIFT);
	struct vtd_pasid_dir_entry pde;
	u64 tbl;
	int ret;

	*out = 0;
	if (pasid >= (1U << d->info.pasid_bits))
		return -EINVAL;
	ret = mrd(hd, pde_a, pde.val, 8);
	if (ret)
		return ret;
	if (!vtd_pde_p(&pde)) {
		if (!alloc)
			return -ENOENT;
		ret = sim_mem_alloc_page(hd->m, &tbl);
		if (ret)
			return ret;
		hd->st.pasid_tables++;
		pde.val[0] = 0;
		vtd_pde_set_smptblptr(&pde, tbl);
		vtd_pde_set_p(&pde, 1);
		ret = mwr(hd, pde_a, pde.val, 8);
		if (ret)
			return ret;
		sim_trace(hd->s, "hostdrv", "rid %04x: PASID table %#llx for PASIDs %#x..%#x",
			  d->rid, (unsigned long long)tbl,
			  pasid & ~(VTD_PASID_TBL_ENTRIES - 1),
			  pasid | (VTD_PASID_TBL_ENTRIES - 1));
	}
	*out = vtd_pde_smptblptr(&pde) +
	       VTD_PASID_ENTRY_SIZE * (u64)(pasid % VTD_PASID_TBL_ENTRIES);
	return 0;
}

int hostdrv_read_pasid_entry(struct hostdrv *hd, u16 rid, u32 pasid,
			     struct vtd_pasid_entry *pe, u64 *hpa)
{
	struct hd_dev *d = find_dev(hd, rid);
	u64 a;
	int ret;

	memset(pe, 0, sizeof(*pe));
	if (hpa)
		*hpa = 0;
	if (!d)
		return -ENODEV;
	ret = pasid_entry_addr(hd, d, pasid, false, &a);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return ret;
	if (hpa)
		*hpa = a;
	return mrd(hd, a, pe->val, sizeof(pe->val));
}

static u8 ss_aw(u8 levels)
{
	return levels == 5 ? 3 : levels == 4 ? 2 : levels == 3 ? 1 : 0;
}

/* Fields shared by every entry the driver writes. */
static void pe_common(struct hostdrv *hd, struct vtd_pasid_entry *pe, u8 pgtt,
		      u16 did)
{
	memset(pe, 0, sizeof(*pe));
	vtd_pe_set_pgtt(pe, pgtt);
	vtd_pe_set_did(pe, did);
	/* Linux pasid_set_page_snoop(): PWSNP when walks are coherent. */
	vtd_pe_set_pwsnp(pe, vtd_ecap_smpwc(hd->ecap));
}

static int pe_set_ss(struct hostdrv *hd, struct vtd_pasid_entry *pe,
		     const struct sim_vm *vm)
{
	u8 aw = ss_aw(sim_vm_ss_levels(vm));

	if (!aw || !(vtd_cap_sagaw(hd->cap) & BIT(aw)))
		return -EOPNOTSUPP;
	vtd_pe_set_aw(pe, aw);
	vtd_pe_set_slptptr(pe, sim_vm_ss_root(vm));
	return 0;
}

static int pe_set_fs(struct hostdrv *hd, struct vtd_pasid_entry *pe,
		     const struct piommu_fs_cfg *fs, bool gpa)
{
	if (fs->levels != 4 && fs->levels != 5)
		return -EINVAL;
	if (fs->levels == 5 && !vtd_cap_fl5lp(hd->cap))
		return -EOPNOTSUPP;
	if ((fs->sre && !vtd_ecap_srs(hd->ecap)) ||
	    (fs->eafe && !vtd_ecap_eafs(hd->ecap)))
		return -EOPNOTSUPP;
	if ((fs->root & ~VSVA_PAGE_MASK) ||
	    (!gpa && (fs->root & vtd_above_haw(hd->haw))))
		return -EINVAL;
	vtd_pe_set_flptptr(pe, fs->root);
	vtd_pe_set_flpm(pe, fs->levels == 5 ? VTD_FSPM_5LVL : VTD_FSPM_4LVL);
	vtd_pe_set_sre(pe, fs->sre);
	vtd_pe_set_wpe(pe, fs->wpe);
	vtd_pe_set_eafe(pe, fs->eafe);
	return 0;
}

/* PASID cache + IOTLB flush of a PASID's entry (pasid_flush_caches). */
static int flush_pasid_entry(struct hostdrv *hd, u16 did, u32 pasid)
{
	struct vsva_inv_op ops[2] = {
		{ .kind = VSVA_INV_PC, .gran = VSVA_INV_G_PASID, .did = did,
		  .pasid = pasid },
		{ .kind = VSVA_INV_PIOTLB, .gran = VSVA_INV_G_PASID, .did = did,
		  .pasid = pasid },
	};

	return iq_submit(hd, ops, 2, false);
}

/* Install @pe (P set here, last) where no present entry is. */
static int install(struct hostdrv *hd, u16 rid, u32 pasid,
		   struct vtd_pasid_entry *pe)
{
	struct hd_dev *d = find_dev(hd, rid);
	struct vtd_pasid_entry cur;
	u64 a;
	int ret;

	if (!d)
		return -ENODEV;
	ret = pasid_entry_addr(hd, d, pasid, true, &a);
	if (ret)
		return ret;
	ret = mrd(hd, a, cur.val, sizeof(cur.val));
	if (ret)
		return ret;
	if (vtd_pe_p(&cur))
		return -EBUSY;
	vtd_pe_set_p(pe, 1);
	ret = write_entry(hd, a, pe->val, 8);
	if (ret)
		return ret;
	hd->st.pasid_set[vtd_pe_pgtt(pe)]++;
	sim_trace(hd->s, "hostdrv", "rid %04x pasid %#x: entry at %#llx pgtt=%llu did=%llu",
		  rid, pasid, (unsigned long long)a,
		  (unsigned long long)vtd_pe_pgtt(pe),
		  (unsigned long long)vtd_pe_did(pe));
	/* Not-present entries are cached only in caching mode (CM). */
	if (vtd_cap_cm(hd->cap))
		return flush_pasid_entry(hd, (u16)vtd_pe_did(pe), pasid);
	return 0;
}

/* Checks common to the pIOMMU entry calls. */
static int check_guest_pasid(struct hostdrv *hd, u16 rid, u32 pasid, u16 did)
{
	struct hd_dev *d = find_dev(hd, rid);

	if (!d)
		return -ENODEV;
	if (pasid >= (1U << d->info.pasid_bits) || pasid == d->info.rid_pasid)
		return -EINVAL;
	if (did <= hd->cfg.host_dids ||
	    did > (1U << vtd_cap_did_bits(hd->cap)) - 1)
		return -EINVAL;
	return 0;
}

static int refuse(struct hostdrv *hd, int ret)
{
	if (ret)
		hd->st.errors++;
	return ret;
}

static int hd_set_nested(struct hostdrv *hd, u16 rid, u32 pasid, u16 did,
			 const struct piommu_fs_cfg *fs, struct sim_vm *vm)
{
	struct vtd_pasid_entry pe;
	int ret = check_guest_pasid(hd, rid, pasid, did);

	if (!ret && (!fs || !vm))
		ret = -EINVAL;
	if (!ret && !vtd_ecap_nest(hd->ecap))
		ret = -EOPNOTSUPP;
	if (ret)
		return refuse(hd, ret);
	pe_common(hd, &pe, VTD_PGTT_NESTED, did);
	ret = pe_set_fs(hd, &pe, fs, true);
	if (!ret)
		ret = pe_set_ss(hd, &pe, vm);
	if (!ret)
		ret = install(hd, rid, pasid, &pe);
	return refuse(hd, ret);
}

static int hd_set_ss(struct hostdrv *hd, u16 rid, u32 pasid, u16 did,
		     struct sim_vm *vm)
{
	struct vtd_pasid_entry pe;
	int ret = check_guest_pasid(hd, rid, pasid, did);

	if (!ret && !vm)
		ret = -EINVAL;
	if (!ret && !vtd_ecap_slts(hd->ecap))
		ret = -EOPNOTSUPP;
	if (ret)
		return refuse(hd, ret);
	pe_common(hd, &pe, VTD_PGTT_SS, did);
	ret = pe_set_ss(hd, &pe, vm);
	if (!ret)
		ret = install(hd, rid, pasid, &pe);
	return refuse(hd, ret);
}

static int hd_set_fs(struct hostdrv *hd, u16 rid, u32 pasid, u16 did,
		     const struct piommu_fs_cfg *fs)
{
	struct vtd_pasid_entry pe;
	int ret = check_guest_pasid(hd, rid, pasid, did);

	if (!ret && !fs)
		ret = -EINVAL;
	if (!ret && !vtd_ecap_flts(hd->ecap))
		ret = -EOPNOTSUPP;
	if (ret)
		return refuse(hd, ret);
	pe_common(hd, &pe, VTD_PGTT_FS, did);
	ret = pe_set_fs(hd, &pe, fs, false);
	if (!ret)
		ret = install(hd, rid, pasid, &pe);
	return refuse(hd, ret);
}

/* Second stage over a host-built table (software shadow SS). */
static int hd_set_ss_table(struct hostdrv *hd, u16 rid, u32 pasid, u16 did,
			   u64 root, u8 levels)
{
	struct vtd_pasid_entry pe;
	u8 aw = ss_aw(levels);
	int ret = check_guest_pasid(hd, rid, pasid, did);

	if (!ret && (!aw || (root & ~VSVA_PAGE_MASK) ||
		     (root & vtd_above_haw(hd->haw))))
		ret = -EINVAL;
	if (!ret && (!vtd_ecap_slts(hd->ecap) ||
		     !(vtd_cap_sagaw(hd->cap) & BIT(aw))))
		ret = -EOPNOTSUPP;
	if (ret)
		return refuse(hd, ret);
	pe_common(hd, &pe, VTD_PGTT_SS, did);
	vtd_pe_set_aw(&pe, aw);
	vtd_pe_set_slptptr(&pe, root);
	return refuse(hd, install(hd, rid, pasid, &pe));
}

int hostdrv_set_pt(struct hostdrv *hd, u16 rid, u32 pasid, u16 did)
{
	struct hd_dev *d = find_dev(hd, rid);
	struct vtd_pasid_entry pe;

	if (!d)
		return refuse(hd, -ENODEV);
	if (!vtd_ecap_pt(hd->ecap))
		return refuse(hd, -EOPNOTSUPP);
	if (!did || did > (1U << vtd_cap_did_bits(hd->cap)) - 1)
		return refuse(hd, -EINVAL);
	pe_common(hd, &pe, VTD_PGTT_PT, did);
	/* AW still bounds the input address of pass-through (9.6). */
	vtd_pe_set_aw(&pe, vtd_cap_sagaw(hd->cap) & VTD_SAGAW_57 ? 3 : 2);
	return refuse(hd, install(hd, rid, pasid, &pe));
}

/* intel_pasid_tear_down_entry(), for a present entry. */
static int teardown(struct hostdrv *hd, struct hd_dev *d, u32 pasid)
{
	struct vtd_pasid_entry pe;
	struct vsva_inv_op ops[3];
	unsigned int n = 0;
	u16 did;
	u8 pgtt;
	u64 a;
	int ret, ret2;

	ret = pasid_entry_addr(hd, d, pasid, false, &a);
	if (ret)
		return ret == -ENOENT ? -ENOENT : ret;
	ret = mrd(hd, a, pe.val, sizeof(pe.val));
	if (ret)
		return ret;
	if (!vtd_pe_p(&pe))
		return -ENOENT;
	did = (u16)vtd_pe_did(&pe);
	pgtt = (u8)vtd_pe_pgtt(&pe);
	/* 1. Clear P: the unit stops using the entry at its next read. */
	vtd_pe_clear_present(&pe);
	mwr(hd, a, &pe.val[0], 8);
	/* 2-4. PASID cache, IOTLB, device TLB: one submission. */
	memset(ops, 0, sizeof(ops));
	ops[n].kind = VSVA_INV_PC;
	ops[n].gran = VSVA_INV_G_PASID;
	ops[n].did = did;
	ops[n++].pasid = pasid;
	if (pgtt == VTD_PGTT_PT || pgtt == VTD_PGTT_FS) {
		ops[n].kind = VSVA_INV_PIOTLB;
		ops[n].gran = VSVA_INV_G_PASID;
		ops[n].did = did;
		ops[n++].pasid = pasid;
	} else {
		/* SS-tagged entries are DID-only: domain-selective (Linux). */
		ops[n].kind = VSVA_INV_IOTLB;
		ops[n].gran = VSVA_INV_G_DOMAIN;
		ops[n++].did = did;
	}
	if (d->info.ats) {
		ops[n].sid = d->rid;
		ops[n].pfsid = d->rid;
		ops[n].addr = 0;
		ops[n].size_lg2 = 64;
		if (pasid == d->info.rid_pasid) {
			ops[n++].kind = VSVA_INV_DEVTLB;
		} else {
			ops[n].kind = VSVA_INV_PDEVTLB;
			ops[n].gran = VSVA_INV_G_PASID;
			ops[n++].pasid = pasid;
		}
	}
	ret = iq_submit(hd, ops, n, false);
	/* 5. Clear the entry. */
	memset(pe.val, 0, sizeof(pe.val));
	mwr(hd, a, pe.val, sizeof(pe.val));
	hd->st.pasid_cleared++;
	sim_trace(hd->s, "hostdrv", "rid %04x pasid %#x: entry cleared (did %u)",
		  d->rid, pasid, did);
	/* 6. Drain page requests in flight for it (PD inv-wait). */
	ret2 = iq_submit(hd, NULL, 0, true);
	return ret ? ret : ret2;
}

static int hd_clear(struct hostdrv *hd, u16 rid, u32 pasid)
{
	struct hd_dev *d = find_dev(hd, rid);

	if (!d)
		return refuse(hd, -ENODEV);
	if (pasid >= (1U << d->info.pasid_bits) || pasid == d->info.rid_pasid)
		return refuse(hd, -EINVAL);
	return refuse(hd, teardown(hd, d, pasid));
}

/* ------------------------------------------------------------------ */
/* Devices                                                            */
/* ------------------------------------------------------------------ */
static u16 find_ext_cap(struct hd_dev *d, u16 id)
{
	u32 off = PCI_EXT_CAP_START;

	for (int n = 0; off && n < 64; n++) {
		u32 hdr = d->ops->cfg_read(d->dev, off, 4);

		if (!hdr || hdr == ~0u)
			return 0;
		if ((hdr & 0xffff) == id)
			return (u16)off;
		off = (hdr >> 20) & 0xffc;
		if (off < PCI_EXT_CAP_START)
			return 0;
	}
	return 0;
}

/* pci_enable_pasid/pri/ats, in Linux's order (PASID before ATS). */
static void enable_pci_caps(struct hostdrv *hd, struct hd_dev *d)
{
	struct hostdrv_dev_info *i = &d->info;

	d->pasid_off = find_ext_cap(d, PCI_EXT_CAP_ID_PASID);
	d->pri_off = find_ext_cap(d, PCI_EXT_CAP_ID_PRI);
	d->ats_off = find_ext_cap(d, PCI_EXT_CAP_ID_ATS);
	if (d->pasid_off) {
		u16 cap = (u16)d->ops->cfg_read(d->dev, d->pasid_off + PCI_PASID_CAP, 2);
		u16 ctl = PCI_PASID_CTRL_ENABLE;
		u8 w = (cap >> 8) & 0x1f;

		i->pasid_exec = (cap & PCI_PASID_CAP_EXEC) && vtd_ecap_ers(hd->ecap);
		i->pasid_priv = (cap & PCI_PASID_CAP_PRIV) && vtd_ecap_srs(hd->ecap);
		ctl |= i->pasid_exec ? PCI_PASID_CTRL_EXEC : 0;
		ctl |= i->pasid_priv ? PCI_PASID_CTRL_PRIV : 0;
		d->ops->cfg_write(d->dev, d->pasid_off + PCI_PASID_CTRL, 2, ctl);
		i->pasid = true;
		i->pasid_bits = min(w, hd->pasid_bits);
	}
	if (d->pri_off && i->pasid && vtd_ecap_prs(hd->ecap)) {
		u32 cap = d->ops->cfg_read(d->dev, d->pri_off + PCI_PRI_MAX_REQ, 4);

		d->ops->cfg_write(d->dev, d->pri_off + PCI_PRI_CTRL, 2,
				  PCI_PRI_CTRL_RESET);
		d->ops->cfg_write(d->dev, d->pri_off + PCI_PRI_ALLOC_REQ, 4, cap);
		d->ops->cfg_write(d->dev, d->pri_off + PCI_PRI_CTRL, 2,
				  PCI_PRI_CTRL_ENABLE);
		i->pri = true;
		i->pri_alloc = cap;
	}
	if (d->ats_off && vtd_ecap_dt(hd->ecap)) {
		/* STU 0: 4 KiB translations. */
		d->ops->cfg_write(d->dev, d->ats_off + PCI_ATS_CTRL, 2,
				  PCI_ATS_CTRL_ENABLE);
		i->ats = true;
	}
}

static void disable_pci_caps(struct hd_dev *d)
{
	if (d->info.ats)
		d->ops->cfg_write(d->dev, d->ats_off + PCI_ATS_CTRL, 2, 0);
	if (d->info.pri)
		d->ops->cfg_write(d->dev, d->pri_off + PCI_PRI_CTRL, 2, 0);
	if (d->info.pasid)
		d->ops->cfg_write(d->dev, d->pasid_off + PCI_PASID_CTRL, 2, 0);
}

static int write_context(struct hostdrv *hd, u16 rid,
			 const struct vtd_sm_context_entry *ce)
{
	u8 bus = rid >> 8, devfn = rid & 0xff;
	struct vtd_root_entry re;
	u64 ctp;
	int ret;

	ret = mrd(hd, hd->rta + 16ULL * bus, re.val, sizeof(re.val));
	if (ret)
		return ret;
	if (!vtd_sre_present(&re, devfn)) {
		ret = sim_mem_alloc_page(hd->m, &ctp);
		if (ret)
			return ret;
		hd->st.ctx_tables++;
		vtd_sre_set_ctp_present(&re, devfn, ctp);
		ret = mwr(hd, hd->rta + 16ULL * bus, re.val, sizeof(re.val));
		if (ret)
			return ret;
	}
	ctp = vtd_sre_ctp(&re, devfn);
	return write_entry(hd, ctp + 32ULL * (devfn & 127), ce->val, 4);
}

static void free_pasid_tables(struct hostdrv *hd, struct hd_dev *d)
{
	u64 entries = 1ULL << (d->info.pdts + 7);

	for (u64 i = 0; i < entries; i++) {
		struct vtd_pasid_dir_entry pde;

		if (mrd(hd, d->info.pasid_dir + 8 * i, pde.val, 8) ||
		    !vtd_pde_p(&pde))
			continue;
		sim_mem_free_page(hd->m, vtd_pde_smptblptr(&pde));
	}
	sim_mem_free_run(hd->m, d->info.pasid_dir, d->dir_pages);
}

int hostdrv_attach_device(struct hostdrv *hd, u16 rid,
			  const struct hostdrv_pci_ops *ops, void *dev,
			  struct sim_vm *vm)
{
	struct vtd_sm_context_entry ce;
	struct vtd_pasid_entry pe;
	struct hd_dev *d = NULL;
	u64 dir_bytes;
	int ret;

	if (!ops || !ops->cfg_read || !ops->cfg_write)
		return refuse(hd, -EINVAL);
	if (find_dev(hd, rid))
		return refuse(hd, -EEXIST);
	for (int i = 0; i < HD_MAX_DEVS && !d; i++)
		if (!hd->devs[i].used)
			d = &hd->devs[i];
	if (!d)
		return refuse(hd, -ENOSPC);
	memset(d, 0, sizeof(*d));
	d->rid = rid;
	d->ops = ops;
	d->dev = dev;
	enable_pci_caps(hd, d);
	if (!d->info.pasid) {
		disable_pci_caps(d);
		return refuse(hd, -ENODEV);
	}
	/* PASID bits 19:6 index the directory: 2^(PDTS + 7) entries. */
	d->info.pdts = d->info.pasid_bits > 13 ? d->info.pasid_bits - 13 : 0;
	dir_bytes = 8ULL << (d->info.pdts + 7);
	d->dir_pages = (dir_bytes + VSVA_PAGE_SIZE - 1) / VSVA_PAGE_SIZE;
	ret = sim_mem_alloc_run(hd->m, d->dir_pages, 12, &d->info.pasid_dir);
	if (ret) {
		disable_pci_caps(d);
		return refuse(hd, ret);
	}
	d->used = true;
	d->info.rid_pasid = VTD_RID_PASID_DEFAULT;
	/* RID_PASID: the VM's pass-through domain, or host identity. */
	if (vm) {
		d->info.rid_did = vm_get(hd, vm);
		d->vm = vm;
		pe_common(hd, &pe, VTD_PGTT_SS, d->info.rid_did);
		ret = d->info.rid_did ? pe_set_ss(hd, &pe, vm) : -ENOSPC;
	} else {
		d->info.rid_did = did_alloc(hd);
		pe_common(hd, &pe, VTD_PGTT_PT, d->info.rid_did);
		vtd_pe_set_aw(&pe, vtd_cap_sagaw(hd->cap) & VTD_SAGAW_57 ? 3 : 2);
		ret = d->info.rid_did ? 0 : -ENOSPC;
	}
	if (!ret)
		ret = install(hd, rid, d->info.rid_pasid, &pe);
	if (ret)
		goto fail;
	memset(&ce, 0, sizeof(ce));
	vtd_sce_set_paside(&ce, 1);
	vtd_sce_set_dte(&ce, d->info.ats);
	vtd_sce_set_pre(&ce, d->info.pri);
	vtd_sce_set_pdts(&ce, d->info.pdts);
	vtd_sce_set_pasiddirptr(&ce, d->info.pasid_dir);
	if (vtd_ecap_rps(hd->ecap))
		vtd_sce_set_rid_pasid(&ce, d->info.rid_pasid);
	vtd_sce_set_p(&ce, 1);
	ret = write_context(hd, rid, &ce);
	if (ret)
		goto fail;
	hd->st.devices_attached++;
	sim_trace(hd->s, "hostdrv", "rid %04x attached: dir %#llx pdts %u%s%s rid_pasid did %u (%s)",
		  rid, (unsigned long long)d->info.pasid_dir, d->info.pdts,
		  d->info.ats ? " DTE" : "", d->info.pri ? " PRE" : "",
		  d->info.rid_did, vm ? sim_vm_name(vm) : "host pass-through");
	/* Not-present context entries are cached only in caching mode. */
	if (vtd_cap_cm(hd->cap)) {
		struct vsva_inv_op op = { .kind = VSVA_INV_CC,
					  .gran = VSVA_INV_G_DEVICE,
					  .sid = rid };

		iq_submit(hd, &op, 1, false);
	}
	return 0;
fail:
	if (vm)
		vm_put(hd, vm);
	else
		did_free(hd, d->info.rid_did);
	free_pasid_tables(hd, d);
	disable_pci_caps(d);
	d->used = false;
	return refuse(hd, ret);
}

int hostdrv_detach_device(struct hostdrv *hd, u16 rid)
{
	struct hd_dev *d = find_dev(hd, rid);
	struct vtd_sm_context_entry ce;
	u64 entries;

	if (!d)
		return refuse(hd, -ENODEV);
	entries = 1ULL << (d->info.pdts + 7);
	for (u64 i = 0; i < entries; i++) {
		struct vtd_pasid_dir_entry pde;

		if (mrd(hd, d->info.pasid_dir + 8 * i, pde.val, 8) ||
		    !vtd_pde_p(&pde))
			continue;
		for (u32 p = 0; p < VTD_PASID_TBL_ENTRIES; p++)
			teardown(hd, d, (u32)(i << VTD_PASID_DIR_SHIFT) | p);
	}
	/* Context entry: clear, then context cache (device), PASID cache,
	 * IOTLB and device TLB of the RID (domain_context_clear_one). */
	memset(&ce, 0, sizeof(ce));
	write_context(hd, rid, &ce);
	{
		struct vsva_inv_op ops[4] = {
			{ .kind = VSVA_INV_CC, .gran = VSVA_INV_G_DEVICE,
			  .did = 0, .sid = rid },
			{ .kind = VSVA_INV_PC, .gran = VSVA_INV_G_DOMAIN,
			  .did = d->info.rid_did },
			{ .kind = VSVA_INV_IOTLB, .gran = VSVA_INV_G_DOMAIN,
			  .did = d->info.rid_did },
			{ .kind = VSVA_INV_DEVTLB, .sid = rid, .pfsid = rid,
			  .size_lg2 = 64 },
		};

		iq_submit(hd, ops, d->info.ats ? 4 : 3, false);
	}
	if (d->vm)
		vm_put(hd, d->vm);
	else
		did_free(hd, d->info.rid_did);
	free_pasid_tables(hd, d);
	disable_pci_caps(d);
	d->used = false;
	hd->st.devices_detached++;
	sim_trace(hd->s, "hostdrv", "rid %04x detached", rid);
	return 0;
}

int hostdrv_dev_info(struct hostdrv *hd, u16 rid, struct hostdrv_dev_info *out)
{
	struct hd_dev *d = find_dev(hd, rid);

	if (!d)
		return -ENODEV;
	*out = d->info;
	return 0;
}

int hostdrv_flush_vm(struct hostdrv *hd, const struct sim_vm *vm)
{
	struct vsva_inv_op ops[1 + HD_MAX_DEVS];
	u16 did = hostdrv_vm_did(hd, vm);
	unsigned int n = 0;

	if (!did)
		return refuse(hd, -ENOENT);
	memset(ops, 0, sizeof(ops));
	ops[n].kind = VSVA_INV_IOTLB;
	ops[n].gran = VSVA_INV_G_DOMAIN;
	ops[n++].did = did;
	for (int i = 0; i < HD_MAX_DEVS; i++) {
		struct hd_dev *d = &hd->devs[i];

		if (!d->used || d->vm != vm || !d->info.ats)
			continue;
		ops[n].kind = VSVA_INV_DEVTLB;
		ops[n].sid = d->rid;
		ops[n].pfsid = d->rid;
		ops[n++].size_lg2 = 64;
	}
	return iq_submit(hd, ops, n, false);
}

/* ------------------------------------------------------------------ */
/* pIOMMU ops                                                         */
/* ------------------------------------------------------------------ */
static int pi_get_caps(struct piommu *p, struct piommu_caps *caps)
{
	struct hostdrv *hd = hostdrv_from_piommu(p);

	caps->cap = rd(hd, VTD_CAP_REG, 8);
	caps->ecap = rd(hd, VTD_ECAP_REG, 8);
	caps->pasid_bits = hd->pasid_bits;
	caps->did_min = hd->cfg.host_dids + 1;
	caps->did_max = (u16)((1U << vtd_cap_did_bits(hd->cap)) - 1);
	return 0;
}

static int pi_set_nested(struct piommu *p, u16 rid, u32 pasid, u16 did,
			 const struct piommu_fs_cfg *fs, struct sim_vm *vm)
{
	return hd_set_nested(hostdrv_from_piommu(p), rid, pasid, did, fs, vm);
}

static int pi_set_ss(struct piommu *p, u16 rid, u32 pasid, u16 did,
		     struct sim_vm *vm)
{
	return hd_set_ss(hostdrv_from_piommu(p), rid, pasid, did, vm);
}

static int pi_set_fs(struct piommu *p, u16 rid, u32 pasid, u16 did,
		     const struct piommu_fs_cfg *fs)
{
	return hd_set_fs(hostdrv_from_piommu(p), rid, pasid, did, fs);
}

static int pi_set_ss_table(struct piommu *p, u16 rid, u32 pasid, u16 did,
			   u64 root, u8 levels)
{
	return hd_set_ss_table(hostdrv_from_piommu(p), rid, pasid, did, root,
			       levels);
}

static int pi_clear(struct piommu *p, u16 rid, u32 pasid)
{
	return hd_clear(hostdrv_from_piommu(p), rid, pasid);
}

static int pi_inv_submit(struct piommu *p, const struct vsva_inv_op *ops,
			 unsigned int n)
{
	return hostdrv_inv_submit(hostdrv_from_piommu(p), ops, n);
}

static int pi_page_response(struct piommu *p, u16 rid, bool pasid_present,
			    u32 pasid, u16 prg_index, u8 code)
{
	return hostdrv_page_response(hostdrv_from_piommu(p), rid, pasid_present,
				     pasid, prg_index, code);
}

static void pi_set_handlers(struct piommu *p, const struct piommu_handlers *h)
{
	hostdrv_set_handlers(hostdrv_from_piommu(p), h);
}

static void pi_poll(struct piommu *p)
{
	hostdrv_poll(hostdrv_from_piommu(p));
}

static const struct piommu_ops hd_piommu_ops = {
	.get_caps = pi_get_caps,
	.set_nested = pi_set_nested,
	.set_ss = pi_set_ss,
	.set_fs = pi_set_fs,
	.set_ss_table = pi_set_ss_table,
	.clear = pi_clear,
	.inv_submit = pi_inv_submit,
	.page_response = pi_page_response,
	.set_handlers = pi_set_handlers,
	.poll = pi_poll,
};

struct hostdrv *hostdrv_from_piommu(struct piommu *p)
{
	return container_of(p, struct hostdrv, pi);
}

struct piommu *hostdrv_piommu(struct hostdrv *hd)
{
	return &hd->pi;
}

struct sim_iommu *hostdrv_iommu(struct hostdrv *hd)
{
	return hd->it;
}

struct sim *hostdrv_sim(struct hostdrv *hd)
{
	return hd->s;
}

const struct hostdrv_stats *hostdrv_stats(const struct hostdrv *hd)
{
	return &hd->st;
}

/* ------------------------------------------------------------------ */
/* Init and teardown                                                  */
/* ------------------------------------------------------------------ */
void hostdrv_default_cfg(struct hostdrv_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->iq_qs = 0;
	cfg->prq_pqs = 0;
	cfg->host_dids = 255;
	cfg->sw_queue_len = 1024;
	cfg->wait_max_events = 1000000;
	cfg->irq_latency_ns = 0;
}

static int hd_init_qi(struct hostdrv *hd)
{
	u64 iqa = 0;
	int ret;

	hd->iq_size = VSVA_PAGE_SIZE << hd->cfg.iq_qs;
	ret = sim_mem_alloc_run(hd->m, 1ULL << hd->cfg.iq_qs, 12, &hd->iq);
	if (ret)
		return ret;
	ret = sim_mem_alloc_page(hd->m, &hd->status_hpa);
	if (ret)
		return ret;
	/* Touch the page so it has a buffer, then keep a pointer to poll. */
	mwr(hd, hd->status_hpa, &(u32){ 0 }, 4);
	hd->status = (volatile u32 *)sim_mem_page(hd->m, hd->status_hpa);
	if (!hd->status)
		return -ENOMEM;
	/* dmar_enable_qi(): IQT 0, IQA (DW = 1 for scalable mode), QIE. */
	hd->iq_tail = 0;
	wr(hd, VTD_IQT_REG, 8, 0);
	iqa = vtd_iqa_set_iqa(iqa, hd->iq);
	iqa = vtd_iqa_set_dw(iqa, 1);
	iqa = vtd_iqa_set_qs(iqa, hd->cfg.iq_qs);
	wr(hd, VTD_IQA_REG, 8, iqa);
	return gcmd(hd, VTD_GCMD_QIE, true, VTD_GSTS_QIES);
}

static int hd_init_root(struct hostdrv *hd)
{
	struct vsva_inv_op ops[3] = {
		{ .kind = VSVA_INV_CC, .gran = VSVA_INV_G_GLOBAL },
		{ .kind = VSVA_INV_PC, .gran = VSVA_INV_G_GLOBAL },
		{ .kind = VSVA_INV_IOTLB, .gran = VSVA_INV_G_GLOBAL },
	};
	u64 rtaddr = 0;
	int ret;

	ret = sim_mem_alloc_page(hd->m, &hd->rta);
	if (ret)
		return ret;
	rtaddr = vtd_rtaddr_set_rta(rtaddr, hd->rta);
	rtaddr = vtd_rtaddr_set_ttm(rtaddr, VTD_TTM_SCALABLE);
	wr(hd, VTD_RTADDR_REG, 8, rtaddr);
	ret = gcmd(hd, VTD_GCMD_SRTP, true, VTD_GSTS_RTPS);
	if (ret)
		return ret;
	/* iommu_set_root_entry(): unless ESRTPS, flush what was cached. */
	if (vtd_cap_esrtps(hd->cap))
		return 0;
	return iq_submit(hd, ops, 3, false);
}

static int hd_init_events(struct hostdrv *hd)
{
	u64 pqa = 0;
	int ret;

	/* Fault reporting: message, clear stale records, unmask. */
	wr(hd, VTD_FEDATA_REG, 4, HD_VEC_FAULT);
	wr(hd, VTD_FEADDR_REG, 4, HD_MSI_ADDR);
	wr(hd, VTD_FEUADDR_REG, 4, 0);
	for (u32 i = 0; i < hd->nfr; i++)
		wr(hd, hd->fro + VTD_FRCD_LEN * i + 8, 8, BIT_ULL(63));
	wr(hd, VTD_FSTS_REG, 4, VTD_FSTS_RW1C);
	wr(hd, VTD_FECTL_REG, 4, 0);
	/* Invalidation events: message only; completion is polled. */
	wr(hd, VTD_IEDATA_REG, 4, HD_VEC_INV);
	wr(hd, VTD_IEADDR_REG, 4, HD_MSI_ADDR);
	if (!vtd_ecap_prs(hd->ecap))
		return 0;
	/* intel_iommu_enable_prq(): PQH = PQT = 0, PQA, message, unmask. */
	hd->prq_size = VSVA_PAGE_SIZE << hd->cfg.prq_pqs;
	ret = sim_mem_alloc_run(hd->m, 1ULL << hd->cfg.prq_pqs, 12, &hd->prq);
	if (ret)
		return ret;
	wr(hd, VTD_PQH_REG, 8, 0);
	wr(hd, VTD_PQT_REG, 8, 0);
	pqa = vtd_pqa_set_pqa(pqa, hd->prq);
	pqa = vtd_pqa_set_pqs(pqa, hd->cfg.prq_pqs);
	wr(hd, VTD_PQA_REG, 8, pqa);
	wr(hd, VTD_PEDATA_REG, 4, HD_VEC_PRQ);
	wr(hd, VTD_PEADDR_REG, 4, HD_MSI_ADDR);
	wr(hd, VTD_PEUADDR_REG, 4, 0);
	wr(hd, VTD_PRS_REG, 4, VTD_PRS_PPR | VTD_PRS_PRO);
	wr(hd, VTD_PECTL_REG, 4, 0);
	return 0;
}

static void hd_free(struct hostdrv *hd)
{
	sim_cancel(hd->s, irq_fn, hd);
	if (hd->it)
		sim_iommu_destroy(hd->it);
	if (hd->m) {
		if (hd->rta) {
			for (u32 bus = 0; bus < VTD_ROOT_ENTRIES; bus++) {
				struct vtd_root_entry re;

				if (mrd(hd, hd->rta + 16ULL * bus, re.val, 16))
					continue;
				if (vtd_sre_lp(&re))
					sim_mem_free_page(hd->m, vtd_sre_lctp(&re));
				if (vtd_sre_up(&re))
					sim_mem_free_page(hd->m, vtd_sre_uctp(&re));
			}
			sim_mem_free_page(hd->m, hd->rta);
		}
		if (hd->iq)
			sim_mem_free_run(hd->m, hd->iq, 1ULL << hd->cfg.iq_qs);
		if (hd->prq)
			sim_mem_free_run(hd->m, hd->prq, 1ULL << hd->cfg.prq_pqs);
		if (hd->status_hpa)
			sim_mem_free_page(hd->m, hd->status_hpa);
	}
	free(hd->q);
	free(hd->did_used);
	free(hd);
}

struct hostdrv *hostdrv_create(struct sim *s, const struct sim_iommu_cfg *icfg,
			       const struct hostdrv_cfg *cfg)
{
	struct sim_iommu_cfg dflt;
	struct hostdrv *hd;

	if (!s || !s->mem)
		return NULL;
	if (!icfg) {
		sim_iommu_default_cfg(&dflt);
		icfg = &dflt;
	}
	hd = calloc(1, sizeof(*hd));
	if (!hd)
		return NULL;
	hd->pi.ops = &hd_piommu_ops;
	hd->s = s;
	hd->m = s->mem;
	if (cfg)
		hd->cfg = *cfg;
	else
		hostdrv_default_cfg(&hd->cfg);
	if (!hd->cfg.sw_queue_len)
		hd->cfg.sw_queue_len = 1024;
	if (hd->cfg.iq_qs > 7 || hd->cfg.prq_pqs > VSVA_PRQ_PQS_MAX)
		goto fail;
	hd->q = calloc(hd->cfg.sw_queue_len, sizeof(*hd->q));
	hd->did_used = calloc((size_t)hd->cfg.host_dids + 1, 1);
	if (!hd->q || !hd->did_used)
		goto fail;
	hd->it = sim_iommu_create(s, icfg, &hd_host_ops, hd);
	if (!hd->it)
		goto fail;
	hd->cap = rd(hd, VTD_CAP_REG, 8);
	hd->ecap = rd(hd, VTD_ECAP_REG, 8);
	hd->haw = icfg->haw;
	hd->nfr = (u8)min(vtd_cap_nfr_count(hd->cap), 256u);
	hd->fro = vtd_cap_frcd_offset(hd->cap);
	hd->pasid_bits = (u8)min(vtd_ecap_pasid_bits(hd->ecap),
				 (unsigned int)VSVA_PASID_BITS);
	if (!vtd_ecap_smts(hd->ecap) || !vtd_ecap_qi(hd->ecap) ||
	    !hd->pasid_bits ||
	    (u32)hd->cfg.host_dids + 1 >= (1U << vtd_cap_did_bits(hd->cap)))
		goto fail;
	sim_trace(s, "hostdrv", "probe: cap=%#llx ecap=%#llx pasid bits %u",
		  (unsigned long long)hd->cap, (unsigned long long)hd->ecap,
		  hd->pasid_bits);
	if (hd_init_qi(hd) || hd_init_root(hd) || hd_init_events(hd) ||
	    gcmd(hd, VTD_GCMD_TE, true, VTD_GSTS_TES))
		goto fail;
	sim_trace(s, "hostdrv", "translation enabled, root %#llx",
		  (unsigned long long)hd->rta);
	return hd;
fail:
	hd_free(hd);
	return NULL;
}

void hostdrv_destroy(struct hostdrv *hd)
{
	if (!hd)
		return;
	for (int i = 0; i < HD_MAX_DEVS; i++)
		if (hd->devs[i].used)
			hostdrv_detach_device(hd, hd->devs[i].rid);
	gcmd(hd, VTD_GCMD_TE, false, VTD_GSTS_TES);
	gcmd(hd, VTD_GCMD_QIE, false, VTD_GSTS_QIES);
	hd_free(hd);
}
