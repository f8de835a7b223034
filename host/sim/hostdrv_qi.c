// SPDX-License-Identifier: GPL-2.0
/*
 * Host driver: queued invalidation (Linux qi_submit_sync()): descriptors
 * encoded by vsva_qi_encode, batched to what the queue holds, each batch
 * closed by one inv-wait whose status write is polled, then
 * qi_check_fault() recovery (IQE drops the batch, ITE aborts the waits).
 */
#include <stdlib.h>

#include "hostdrv_internal.h"

struct wait_ctx {
	struct hostdrv *hd;
	u32 seq;
};

/*
 * Every inv-wait writes its sequence number to the one status word, and
 * the unit completes them in queue order: a submission made while another
 * waits (from a sim event during the wait) overwrites the waiter's number
 * with a later one.  So a wait is done once the word holds its number or a
 * later one (serial-number order; sequence 0 is never used).
 */
static bool seq_reached(const struct hostdrv *hd, u32 seq)
{
	u32 now = *hd->status;

	return now && (s32)(now - seq) >= 0;
}

static bool wait_done(void *arg)
{
	struct wait_ctx *w = arg;
	struct hostdrv *hd = w->hd;

	if (seq_reached(hd, w->seq))
		return true;
	return hd_rd(hd, VTD_FSTS_REG, 4) & (VTD_FSTS_IQE | VTD_FSTS_ITE);
}

static bool iq_idle(void *arg)
{
	struct hostdrv *hd = arg;
	u64 head = hd_rd(hd, VTD_IQH_REG, 8) & VTD_IQH_QH;

	return head == hd->iq_tail ||
	       (hd_rd(hd, VTD_FSTS_REG, 4) & (VTD_FSTS_IQE | VTD_FSTS_ITE));
}

/* What the unit reported for the submission (qi_check_fault). */
static int iq_check(struct hostdrv *hd, bool done)
{
	u32 fsts = (u32)hd_rd(hd, VTD_FSTS_REG, 4);
	int ret = done ? 0 : -ETIMEDOUT;

	if (fsts & VTD_FSTS_IQE) {
		u64 iqercd = hd_rd(hd, VTD_IQERCD_REG, 8);
		u64 head = hd_rd(hd, VTD_IQH_REG, 8) & VTD_IQH_QH;

		hd->st.iqe++;
		sim_trace(hd->s, "hostdrv", "IQE iqei=%llu at %#llx: batch dropped",
			  (unsigned long long)vtd_iqercd_iqei(iqercd),
			  (unsigned long long)head);
		/* Drop the bad descriptor and the rest: tail back to head. */
		hd->iq_tail = (u32)head;
		hd_wr(hd, VTD_IQT_REG, 8, head);
		hd_wr(hd, VTD_FSTS_REG, 4, VTD_FSTS_IQE);
		ret = -EIO;
	} else if (fsts & VTD_FSTS_ITE) {
		hd->st.ite++;
		sim_trace(hd->s, "hostdrv", "ITE sid=%04llx: waits aborted",
			  (unsigned long long)vtd_iqercd_itesid(
				  hd_rd(hd, VTD_IQERCD_REG, 8)));
		/* The unit resumes and aborts the waits up to the tail. */
		hd_wr(hd, VTD_FSTS_REG, 4, VTD_FSTS_ITE);
		sim_run_until(hd->s, iq_idle, hd, hd->cfg.wait_max_events);
		ret = -ETIMEDOUT;
	}
	if (fsts & VTD_FSTS_ICE) {
		hd->st.ice++;
		hd_wr(hd, VTD_FSTS_REG, 4, VTD_FSTS_ICE);
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

		hd_mwr(hd, hd->iq + hd->iq_tail, d, HD_DESC_SIZE);
		hd->iq_tail = (u32)((hd->iq_tail + HD_DESC_SIZE) % hd->iq_size);
	}
	hd->st.submissions++;
	hd->st.descs += n;
	hd->st.inv_waits++;
	sim_trace(hd->s, "hostdrv", "submit %u desc%s + inv-wait seq %u%s", n,
		  n == 1 ? "" : "s", w.seq, wait.wait.pd ? " (PD)" : "");
	hd_wr(hd, VTD_IQT_REG, 8, hd->iq_tail);
	done = sim_run_until(hd->s, wait_done, &w, hd->cfg.wait_max_events) &&
	       seq_reached(hd, w.seq);
	hd->st.wait_events += hd->s->events_run - ev0;
	return iq_check(hd, done);
}

int hd_iq_submit(struct hostdrv *hd, const struct vsva_inv_op *ops,
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
	ret = hd_iq_submit(hd, ops, n, false);
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
