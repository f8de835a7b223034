// SPDX-License-Identifier: GPL-2.0
/*
 * Page request queue model and page-request-group tracker.
 *
 * Descriptors are built from the spec's bit positions (VT-d 3.x 7.5.1.1,
 * page request descriptor): qw0 = type 01h | PASID Present << 8 | RID << 16
 * | PASID << 32, qw1 = R | W << 1 | LPIG << 2 | PRG index << 3 | address.
 */
#include <kunit/test.h>

#include "prq.h"

#define RING_BASE	0x100000ULL

struct prq_fx {
	struct vsva_flatmem fm;
	struct vsva_prq q;
	u64 *buf;
	u64 size;
	u32 n;		/* descriptors the ring has room for, incl. the gap */
};

static u64 wr_ok(struct kunit *test, struct vsva_prq *q, u32 off,
		 unsigned int size, u64 val, struct vsva_prq_event *ev)
{
	KUNIT_EXPECT_EQ(test, vsva_prq_reg_write(q, off, size, val, ev), 0);
	return val;
}

static u64 rd(struct kunit *test, struct vsva_prq *q, u32 off,
	      unsigned int size)
{
	u64 v = 0xdeadbeef;

	KUNIT_EXPECT_EQ(test, vsva_prq_reg_read(q, off, size, &v), 0);
	return v;
}

static struct prq_fx *fx_new(struct kunit *test, u32 pqs)
{
	struct prq_fx *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	struct vsva_mem mem;

	KUNIT_ASSERT_NOT_NULL(test, fx);
	fx->size = 4096ULL << pqs;
	fx->n = (u32)(fx->size / 32);
	fx->buf = kunit_kzalloc(test, fx->size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx->buf);
	vsva_flatmem_init(&fx->fm, fx->buf, RING_BASE, fx->size, VSVA_AS_HPA);
	mem = vsva_flatmem_mem(&fx->fm);
	vsva_prq_init(&fx->q, &mem, VSVA_AS_HPA);
	wr_ok(test, &fx->q, VTD_PQA_REG, 8, RING_BASE | pqs, NULL);
	return fx;
}

static void mk(struct vtd_page_req_desc *d, u16 rid, bool pp, u32 pasid,
	       u16 prg, bool lpig, bool r, bool w, u64 addr)
{
	d->qw[0] = 0x1 | (u64)pp << 8 | (u64)rid << 16 | (u64)pasid << 32;
	d->qw[1] = (u64)r | (u64)w << 1 | (u64)lpig << 2 | (u64)prg << 3 |
		   addr;
	d->qw[2] = 0;
	d->qw[3] = 0;
}

/* A plain read request numbered @seq (address = seq pages). */
static void mk_seq(struct vtd_page_req_desc *d, u32 seq, bool lpig)
{
	mk(d, 0x0100, true, 5, seq & 0x1ff, lpig, true, false,
	   (u64)seq << 12);
}

static int enq(struct prq_fx *fx, u32 seq, struct vsva_prq_event *ev)
{
	struct vtd_page_req_desc d;

	mk_seq(&d, seq, false);
	return vsva_prq_enqueue(&fx->q, &d, ev);
}

/* Software consumes @k descriptors: PQH += k * 32 modulo the size. */
static void consume(struct kunit *test, struct prq_fx *fx, u32 k)
{
	u64 h = (vsva_prq_head(&fx->q) + (u64)k * 32) % fx->size;

	wr_ok(test, &fx->q, VTD_PQH_REG, 8, h, NULL);
}

/* Address field of the descriptor in ring slot @slot. */
static u64 slot_addr(struct prq_fx *fx, u32 slot)
{
	return fx->buf[slot * 4 + 1] & ~0xfffULL;
}

static const u32 pqs_params[] = { 0, 1, 2, 3, 4, 5, 6, 7 };

static void pqs_desc(const u32 *p, char *desc)
{
	memcpy(desc, "pqs=0", 6);
	desc[4] = (char)('0' + *p);
}

KUNIT_ARRAY_PARAM(pqs, pqs_params, pqs_desc);

/*
 * Fill, drain half, refill across the end of the ring, drain all: every
 * descriptor lands in slot seq % n and PQT wraps to the start.
 */
static void prq_wraparound(struct kunit *test)
{
	u32 pqs = *(const u32 *)test->param_value;
	struct prq_fx *fx = fx_new(test, pqs);
	u32 n = fx->n, half = n / 2, seq = 0, bad = 0;

	/* 2^PQS pages of 4096 bytes, 32 bytes per descriptor: 128 << PQS. */
	KUNIT_ASSERT_EQ(test, n, 128u << pqs);
	KUNIT_ASSERT_EQ(test, vsva_prq_capacity(&fx->q), n - 1);
	for (; seq < n - 1; seq++)
		bad += enq(fx, seq, NULL) != 0;
	KUNIT_EXPECT_EQ(test, bad, 0u);
	KUNIT_EXPECT_EQ(test, vsva_prq_tail(&fx->q), (n - 1) * 32);
	consume(test, fx, half);
	for (; seq < n - 1 + half; seq++)
		bad += enq(fx, seq, NULL) != 0;
	KUNIT_EXPECT_EQ(test, bad, 0u);
	/* n - 1 + half descriptors written: tail at slot half - 1. */
	KUNIT_EXPECT_EQ(test, vsva_prq_tail(&fx->q), (half - 1) * 32);
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PQT_REG, 8),
			(u64)(half - 1) * 32);
	KUNIT_EXPECT_EQ(test, vsva_prq_count(&fx->q), n - 1);
	for (u32 s = 0; s < seq; s++)
		bad += slot_addr(fx, s % n) != (u64)s << 12 &&
		       s >= half;	/* slots < half were overwritten */
	KUNIT_EXPECT_EQ(test, bad, 0u);
	/* seq n - 1 went to the last slot, seq n wrapped to slot 0 */
	KUNIT_EXPECT_EQ(test, slot_addr(fx, n - 1), (u64)(n - 1) << 12);
	KUNIT_EXPECT_EQ(test, slot_addr(fx, 0), (u64)n << 12);
	consume(test, fx, n - 1);
	KUNIT_EXPECT_EQ(test, vsva_prq_count(&fx->q), 0u);
	KUNIT_EXPECT_EQ(test, vsva_prq_head(&fx->q), vsva_prq_tail(&fx->q));
	KUNIT_EXPECT_EQ(test, fx->q.stats.written, (u64)seq);
	KUNIT_EXPECT_EQ(test, fx->q.stats.full_drops, 0ULL);
}

/* Exactly size/32 - 1 descriptors fit; the next one overflows. */
static void prq_full_exact(struct kunit *test)
{
	u32 pqs = *(const u32 *)test->param_value;
	struct prq_fx *fx = fx_new(test, pqs);
	struct vsva_prq_event ev;
	u32 ok = 0;

	for (u32 s = 0; s < fx->n - 1; s++)
		ok += enq(fx, s, NULL) == 0;
	KUNIT_EXPECT_EQ(test, ok, fx->n - 1);
	KUNIT_EXPECT_EQ(test, vsva_prq_count(&fx->q), fx->n - 1);
	KUNIT_EXPECT_EQ(test, fx->q.reg[VSVA_PRQ_PRS] & VTD_PRS_PRO, 0ULL);
	KUNIT_EXPECT_EQ(test, enq(fx, fx->n, &ev), -ENOSPC);
	KUNIT_EXPECT_EQ(test, fx->q.reg[VSVA_PRQ_PRS] & VTD_PRS_PRO,
			VTD_PRS_PRO);
	KUNIT_EXPECT_EQ(test, vsva_prq_tail(&fx->q), (fx->n - 1) * 32);
	KUNIT_EXPECT_EQ(test, fx->q.stats.overflows, 1ULL);
	KUNIT_EXPECT_EQ(test, fx->q.stats.written, (u64)fx->n - 1);
	/* The gap slot was never written. */
	KUNIT_EXPECT_EQ(test, fx->buf[(fx->n - 1) * 4 + 1], 0ULL);
}

static void fill(struct kunit *test, struct prq_fx *fx)
{
	u32 ok = 0;

	for (u32 s = 0; s < fx->n - 1; s++)
		ok += enq(fx, s, NULL) == 0;
	KUNIT_ASSERT_EQ(test, ok, fx->n - 1);
}

/*
 * Hand-encoded request dropped on overflow: RID 03:02.0, PASID 0x12345,
 * PRG index 0x1a5, write, LPIG, address 0x7f0000401000.
 *   qw0 = 0x1 | 1 << 8 | 0x0310 << 16 | 0x12345 << 32 = 0x0001234503100101
 *   qw1 = W 0x2 | LPIG 0x4 | 0x1a5 << 3 (0xd28) | 0x7f0000401000
 *       = 0x00007f0000401d2e
 * Hardware answers it with Response Code Success (spec 7.5.1).
 */
static void prq_overflow_auto_response(struct kunit *test)
{
	struct prq_fx *fx = fx_new(test, 0);
	const struct vtd_page_req_desc d = {
		.qw = { 0x0001234503100101ULL, 0x00007f0000401d2eULL, 0, 0 },
	};
	struct vsva_prq_event ev;

	fill(test, fx);
	KUNIT_EXPECT_EQ(test, vsva_prq_enqueue(&fx->q, &d, &ev), -ENOSPC);
	KUNIT_EXPECT_TRUE(test, ev.auto_resp);
	KUNIT_EXPECT_EQ(test, ev.resp.rid, 0x0310);
	KUNIT_EXPECT_TRUE(test, ev.resp.pasid_present);
	KUNIT_EXPECT_EQ(test, ev.resp.pasid, 0x12345u);
	KUNIT_EXPECT_EQ(test, ev.resp.prg_index, 0x1a5);
	KUNIT_EXPECT_EQ(test, ev.resp.code, VTD_PRG_RESP_SUCCESS);
	KUNIT_EXPECT_EQ(test, fx->q.stats.auto_responses, 1ULL);
	KUNIT_EXPECT_EQ(test, fx->q.reg[VSVA_PRQ_PRS],
			VTD_PRS_PPR | VTD_PRS_PRO);
}

/* Dropped requests that are not last in their group get no response. */
static void prq_overflow_non_lpig_silent(struct kunit *test)
{
	struct prq_fx *fx = fx_new(test, 0);
	struct vsva_prq_event ev;
	struct vtd_page_req_desc d;

	fill(test, fx);
	mk(&d, 0x10, true, 7, 3, false, true, true, 0x5000);
	KUNIT_EXPECT_EQ(test, vsva_prq_enqueue(&fx->q, &d, &ev), -ENOSPC);
	KUNIT_EXPECT_FALSE(test, ev.auto_resp);
	/* Stop marker: LPIG with R = W = 0 needs no response either. */
	mk(&d, 0x10, true, 7, 3, true, false, false, 0);
	KUNIT_EXPECT_EQ(test, vsva_prq_enqueue(&fx->q, &d, &ev), -ENOSPC);
	KUNIT_EXPECT_FALSE(test, ev.auto_resp);
	KUNIT_EXPECT_EQ(test, fx->q.stats.silent_drops, 2ULL);
	KUNIT_EXPECT_EQ(test, fx->q.stats.auto_responses, 0ULL);
}

/* While PRO is set, requests are dropped even when there is room. */
static void prq_pro_drops_until_cleared(struct kunit *test)
{
	struct prq_fx *fx = fx_new(test, 0);
	struct vsva_prq_event ev;
	struct vtd_page_req_desc d;

	fill(test, fx);
	KUNIT_EXPECT_EQ(test, enq(fx, 999, NULL), -ENOSPC);
	consume(test, fx, fx->n - 1);
	KUNIT_EXPECT_EQ(test, vsva_prq_count(&fx->q), 0u);
	mk(&d, 0x22, true, 9, 0x44, true, true, false, 0x9000);
	KUNIT_EXPECT_EQ(test, vsva_prq_enqueue(&fx->q, &d, &ev), -ENOSPC);
	KUNIT_EXPECT_TRUE(test, ev.auto_resp);
	KUNIT_EXPECT_EQ(test, ev.resp.prg_index, 0x44);
	KUNIT_EXPECT_EQ(test, ev.resp.code, VTD_PRG_RESP_SUCCESS);
	KUNIT_EXPECT_EQ(test, fx->q.stats.pro_drops, 1ULL);
	KUNIT_EXPECT_EQ(test, fx->q.stats.overflows, 1ULL);
	KUNIT_EXPECT_EQ(test, vsva_prq_count(&fx->q), 0u);
}

/* PRO is RW1C: writing 0 keeps it, writing 1 clears it, then recovery. */
static void prq_pro_rw1c_recovery(struct kunit *test)
{
	struct prq_fx *fx = fx_new(test, 0);
	u32 tail;

	fill(test, fx);
	KUNIT_EXPECT_EQ(test, enq(fx, 999, NULL), -ENOSPC);
	wr_ok(test, &fx->q, VTD_PRS_REG, 4, 0, NULL);
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PRS_REG, 4), 0x3ULL);
	consume(test, fx, fx->n - 1);
	/* Clear PRO only (0x2): PPR stays. */
	wr_ok(test, &fx->q, VTD_PRS_REG, 4, 0x2, NULL);
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PRS_REG, 4), 0x1ULL);
	KUNIT_EXPECT_EQ(test, fx->q.stats.pro_cleared, 1ULL);
	tail = vsva_prq_tail(&fx->q);
	KUNIT_EXPECT_EQ(test, enq(fx, 1000, NULL), 0);
	KUNIT_EXPECT_EQ(test, vsva_prq_count(&fx->q), 1u);
	KUNIT_EXPECT_EQ(test, slot_addr(fx, tail / 32), 1000ULL << 12);
}

/* PPR 0 -> 1 raises one interrupt; more requests do not until cleared. */
static void prq_ppr_interrupt(struct kunit *test)
{
	struct prq_fx *fx = fx_new(test, 0);
	struct vsva_prq_event ev;

	wr_ok(test, &fx->q, VTD_PEDATA_REG, 4, 0x4041, NULL);
	wr_ok(test, &fx->q, VTD_PEADDR_REG, 4, 0xfee00000, NULL);
	wr_ok(test, &fx->q, VTD_PEUADDR_REG, 4, 0x1, NULL);
	KUNIT_EXPECT_EQ(test, enq(fx, 1, &ev), 0);
	KUNIT_EXPECT_TRUE(test, ev.irq);
	KUNIT_EXPECT_EQ(test, ev.irq_data, 0x4041u);
	KUNIT_EXPECT_EQ(test, ev.irq_addr, 0x1fee00000ULL);
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PRS_REG, 4), 0x1ULL);
	KUNIT_EXPECT_EQ(test, enq(fx, 2, &ev), 0);
	KUNIT_EXPECT_FALSE(test, ev.irq);
	/* Software clears PPR (as Linux does first thing in its handler). */
	wr_ok(test, &fx->q, VTD_PRS_REG, 4, 0x1, NULL);
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PRS_REG, 4), 0ULL);
	KUNIT_EXPECT_EQ(test, enq(fx, 3, &ev), 0);
	KUNIT_EXPECT_TRUE(test, ev.irq);
	KUNIT_EXPECT_EQ(test, fx->q.stats.interrupts, 2ULL);
}

/* IM holds the interrupt in IP; clearing IM raises it and clears IP. */
static void prq_im_ip(struct kunit *test)
{
	struct prq_fx *fx = fx_new(test, 0);
	struct vsva_prq_event ev;

	/* IM is bit 31: 0x80000000. */
	wr_ok(test, &fx->q, VTD_PECTL_REG, 4, 0x80000000, NULL);
	KUNIT_EXPECT_EQ(test, enq(fx, 1, &ev), 0);
	KUNIT_EXPECT_FALSE(test, ev.irq);
	/* IM | IP (bit 30) = 0xc0000000. */
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PECTL_REG, 4),
			0xc0000000ULL);
	KUNIT_EXPECT_EQ(test, fx->q.stats.irq_held, 1ULL);
	wr_ok(test, &fx->q, VTD_PECTL_REG, 4, 0, &ev);
	KUNIT_EXPECT_TRUE(test, ev.irq);
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PECTL_REG, 4), 0ULL);
	/* Unmasking again with nothing pending raises nothing. */
	wr_ok(test, &fx->q, VTD_PECTL_REG, 4, 0x80000000, NULL);
	wr_ok(test, &fx->q, VTD_PECTL_REG, 4, 0, &ev);
	KUNIT_EXPECT_FALSE(test, ev.irq);
	KUNIT_EXPECT_EQ(test, fx->q.stats.interrupts, 1ULL);
}

/* Software servicing PPR while masked clears IP: no stale interrupt. */
static void prq_prs_clear_clears_ip(struct kunit *test)
{
	struct prq_fx *fx = fx_new(test, 0);
	struct vsva_prq_event ev;

	wr_ok(test, &fx->q, VTD_PECTL_REG, 4, 0x80000000, NULL);
	KUNIT_EXPECT_EQ(test, enq(fx, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PECTL_REG, 4),
			0xc0000000ULL);
	wr_ok(test, &fx->q, VTD_PRS_REG, 4, 0x1, NULL);
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PECTL_REG, 4),
			0x80000000ULL);
	wr_ok(test, &fx->q, VTD_PECTL_REG, 4, 0, &ev);
	KUNIT_EXPECT_FALSE(test, ev.irq);
	KUNIT_EXPECT_EQ(test, fx->q.stats.interrupts, 0ULL);
}

/* With PPR already cleared by software, the overflow itself interrupts. */
static void prq_overflow_event(struct kunit *test)
{
	struct prq_fx *fx = fx_new(test, 0);
	struct vsva_prq_event ev;

	fill(test, fx);
	wr_ok(test, &fx->q, VTD_PRS_REG, 4, 0x1, NULL);
	KUNIT_EXPECT_EQ(test, enq(fx, 999, &ev), -ENOSPC);
	KUNIT_EXPECT_TRUE(test, ev.irq);
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PRS_REG, 4), 0x2ULL);
	/* A second drop while PRO is set: no new event. */
	KUNIT_EXPECT_EQ(test, enq(fx, 1000, &ev), -ENOSPC);
	KUNIT_EXPECT_FALSE(test, ev.irq);
}

/* The register table: RW, RW1C and read-only bits. */
static void prq_reg_table(struct kunit *test)
{
	struct prq_fx *fx = fx_new(test, 0);

	/* PQA: 63:12 and 2:0 writable, 11:3 reserved. */
	wr_ok(test, &fx->q, VTD_PQA_REG, 8, ~0ULL, NULL);
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PQA_REG, 8),
			0xfffffffffffff007ULL);
	/* PQH: 18:5 only; 0x7ffff & ~0x1f = 0x7ffe0. */
	wr_ok(test, &fx->q, VTD_PQH_REG, 8, ~0ULL, NULL);
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PQH_REG, 8),
			0x7ffe0ULL);
	wr_ok(test, &fx->q, VTD_PQT_REG, 8, 0x12345, NULL);
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PQT_REG, 8),
			0x12340ULL);
	/* PRS: nothing writable, writing 1s to clear bits only clears. */
	wr_ok(test, &fx->q, VTD_PRS_REG, 4, 0xffffffff, NULL);
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PRS_REG, 4), 0ULL);
	/* PECTL: IM writable, IP read-only. */
	wr_ok(test, &fx->q, VTD_PECTL_REG, 4, 0x40000000, NULL);
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PECTL_REG, 4), 0ULL);
	wr_ok(test, &fx->q, VTD_PECTL_REG, 4, 0xffffffff, NULL);
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PECTL_REG, 4),
			0x80000000ULL);
	/* PEADDR: 31:2. */
	wr_ok(test, &fx->q, VTD_PEADDR_REG, 4, 0xfee00003, NULL);
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PEADDR_REG, 4),
			0xfee00000ULL);
	wr_ok(test, &fx->q, VTD_PEDATA_REG, 4, 0xffffffff, NULL);
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PEDATA_REG, 4),
			0xffffffffULL);
}

/* 32-bit halves of the 64-bit registers. */
static void prq_reg_halves(struct kunit *test)
{
	struct prq_fx *fx = fx_new(test, 0);

	wr_ok(test, &fx->q, VTD_PQA_REG, 8, 0, NULL);
	wr_ok(test, &fx->q, VTD_PQA_REG + 4, 4, 0x12, NULL);
	wr_ok(test, &fx->q, VTD_PQA_REG, 4, 0x34567ffb, NULL);
	/* low: 0x34567ffb & 0xfffff007 = 0x34567003 */
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PQA_REG, 8),
			0x0000001234567003ULL);
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PQA_REG + 4, 4),
			0x12ULL);
	KUNIT_EXPECT_EQ(test, vsva_prq_base(&fx->q), 0x1234567000ULL);
	KUNIT_EXPECT_EQ(test, vsva_prq_size(&fx->q), 0x8000ULL);
}

static void prq_reg_bad_access(struct kunit *test)
{
	struct prq_fx *fx = fx_new(test, 0);
	u64 v;

	KUNIT_EXPECT_EQ(test, vsva_prq_reg_read(&fx->q, 0xd8, 4, &v), -ENOENT);
	KUNIT_EXPECT_EQ(test, vsva_prq_reg_read(&fx->q, 0x80, 8, &v), -ENOENT);
	KUNIT_EXPECT_EQ(test, vsva_prq_reg_read(&fx->q, 0xf0, 4, &v), -ENOENT);
	KUNIT_EXPECT_EQ(test, vsva_prq_reg_read(&fx->q, 0xc2, 4, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_prq_reg_read(&fx->q, 0xc4, 8, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_prq_reg_read(&fx->q, 0xe0, 8, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_prq_reg_read(&fx->q, 0xc0, 2, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_prq_reg_write(&fx->q, 0xdc, 8, 3, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, fx->q.stats.reg_bad_access, 8ULL);
}

/*
 * PQH beyond the queue: the register keeps bits 18:5, hardware uses the
 * offset modulo the queue size and never leaves the ring.
 */
static void prq_pqh_out_of_range(struct kunit *test)
{
	struct prq_fx *fx = fx_new(test, 0);	/* 4 KiB ring */

	wr_ok(test, &fx->q, VTD_PQH_REG, 8, 0x1040, NULL);
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PQH_REG, 8), 0x1040ULL);
	KUNIT_EXPECT_EQ(test, fx->q.stats.pqh_out_of_range, 1ULL);
	/* 0x1040 mod 0x1000 = 0x40 */
	KUNIT_EXPECT_EQ(test, vsva_prq_head(&fx->q), 0x40u);
	/* tail 0, head 0x40: two slots in use by the ring arithmetic */
	KUNIT_EXPECT_EQ(test, vsva_prq_count(&fx->q), fx->n - 2);
	KUNIT_EXPECT_EQ(test, enq(fx, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, enq(fx, 2, NULL), -ENOSPC);
	KUNIT_EXPECT_EQ(test, fx->fm.writes, 4ULL);
}

/* A queue that is not backed by memory: dropped, Invalid Request. */
static void prq_mem_fault(struct kunit *test)
{
	struct prq_fx *fx = fx_new(test, 0);
	struct vsva_prq_event ev;
	struct vtd_page_req_desc d;

	wr_ok(test, &fx->q, VTD_PQA_REG, 8, 0x40000000, NULL);
	mk(&d, 0x8, true, 1, 2, true, true, false, 0x1000);
	KUNIT_EXPECT_EQ(test, vsva_prq_enqueue(&fx->q, &d, &ev), -EFAULT);
	KUNIT_EXPECT_TRUE(test, ev.auto_resp);
	KUNIT_EXPECT_EQ(test, ev.resp.code, VTD_PRG_RESP_INVALID);
	KUNIT_EXPECT_EQ(test, vsva_prq_tail(&fx->q), 0u);
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PRS_REG, 4), 0ULL);
	KUNIT_EXPECT_EQ(test, fx->q.stats.mem_faults, 1ULL);
}

/* The ring holds exactly the 4 qwords hardware was given. */
static void prq_descriptor_written(struct kunit *test)
{
	struct prq_fx *fx = fx_new(test, 0);
	const struct vtd_page_req_desc d = {
		.qw = { 0x0001234503100101ULL, 0x00007f0000401d2eULL,
			0x1111, 0x2222 },
	};

	KUNIT_EXPECT_EQ(test, enq(fx, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, vsva_prq_enqueue(&fx->q, &d, NULL), 0);
	KUNIT_EXPECT_MEMEQ(test, &fx->buf[4], d.qw, sizeof(d.qw));
	KUNIT_EXPECT_EQ(test, rd(test, &fx->q, VTD_PQT_REG, 8), 0x40ULL);
}

/* ---------------------------------------------------------------------- */
/* Group tracker. */

struct deliveries {
	u32 n;
	struct vsva_prg_resp r[16];
};

static void deliver(void *ctx, const struct vsva_prg_group *g,
		    const struct vsva_prg_resp *resp)
{
	struct deliveries *d = ctx;

	if (d->n < ARRAY_SIZE(d->r))
		d->r[d->n] = *resp;
	d->n++;
}

static void tr_destroy(void *t)
{
	vsva_prg_tracker_destroy(t);
}

static struct vsva_prg_tracker *tr_new(struct kunit *test, u16 owners,
				       u32 limit, u32 capacity)
{
	struct vsva_prg_cfg cfg = {
		.capacity = capacity, .nr_owners = owners, .owner_limit = limit,
	};
	struct vsva_prg_tracker *t = vsva_prg_tracker_create(&cfg);

	KUNIT_ASSERT_NOT_NULL(test, t);
	kunit_add_action(test, tr_destroy, t);
	return t;
}

static int track(struct vsva_prg_tracker *t, u16 owner, u16 rid, u32 pasid,
		 u16 prg, bool lpig, u64 now)
{
	struct vtd_page_req_desc d;

	mk(&d, rid, true, pasid, prg, lpig, true, !lpig, 0x1000ULL * (prg + 1));
	return vsva_prg_track(t, owner, &d, now);
}

static struct vsva_prg_resp resp_of(u16 rid, u32 pasid, u16 prg)
{
	struct vsva_prg_resp r = {
		.rid = rid, .pasid = pasid, .pasid_present = true,
		.prg_index = prg, .code = VTD_PRG_RESP_SUCCESS,
	};

	return r;
}

static void prg_multi_request_group(struct kunit *test)
{
	struct vsva_prg_tracker *t = tr_new(test, 1, 0, 0);
	const struct vsva_prg_group *g;

	KUNIT_EXPECT_EQ(test, track(t, 0, 0x100, 5, 7, false, 10),
			VSVA_PRG_PARTIAL);
	KUNIT_EXPECT_EQ(test, track(t, 0, 0x100, 5, 7, false, 11),
			VSVA_PRG_PARTIAL);
	KUNIT_EXPECT_EQ(test, track(t, 0, 0x100, 5, 7, true, 12),
			VSVA_PRG_COMPLETE);
	KUNIT_EXPECT_EQ(test, vsva_prg_total(t), 1u);
	g = vsva_prg_find(t, 0x100, true, 5, 7);
	KUNIT_ASSERT_NOT_NULL(test, g);
	KUNIT_EXPECT_EQ(test, g->nr_requests, 3u);
	KUNIT_EXPECT_TRUE(test, g->last);
	KUNIT_EXPECT_EQ(test, g->first_time, 10ULL);
	KUNIT_EXPECT_EQ(test, g->last_time, 12ULL);
	KUNIT_EXPECT_EQ(test, g->perm, (u8)VSVA_PERM_RW);
	KUNIT_EXPECT_EQ(test, g->addr, 0x8000ULL);
	/* Same PRG index, other PASID / no PASID: different groups. */
	KUNIT_EXPECT_NULL(test, vsva_prg_find(t, 0x100, true, 6, 7));
	KUNIT_EXPECT_NULL(test, vsva_prg_find(t, 0x100, false, 0, 7));
	KUNIT_EXPECT_EQ(test, vsva_prg_outstanding(t, 0), 1u);
}

static void prg_exactly_once(struct kunit *test)
{
	struct vsva_prg_tracker *t = tr_new(test, 1, 0, 0);
	struct vsva_prg_resp r = resp_of(0x100, 5, 7);

	KUNIT_EXPECT_EQ(test, track(t, 0, 0x100, 5, 7, true, 0),
			VSVA_PRG_COMPLETE);
	KUNIT_EXPECT_EQ(test, vsva_prg_respond(t, 0, &r), 0);
	KUNIT_EXPECT_EQ(test, vsva_prg_respond(t, 0, &r), -ENOENT);
	KUNIT_EXPECT_EQ(test, vsva_prg_stats(t)->responses, 1ULL);
	KUNIT_EXPECT_EQ(test, vsva_prg_stats(t)->unknown_responses, 1ULL);
	KUNIT_EXPECT_EQ(test, vsva_prg_total(t), 0u);
	/* The index is free again: a new group may use it. */
	KUNIT_EXPECT_EQ(test, track(t, 0, 0x100, 5, 7, true, 1),
			VSVA_PRG_COMPLETE);
}

static void prg_unknown_and_foreign(struct kunit *test)
{
	struct vsva_prg_tracker *t = tr_new(test, 2, 0, 0);
	struct vsva_prg_resp r = resp_of(0x200, 9, 1);

	KUNIT_EXPECT_EQ(test, vsva_prg_respond(t, 0, &r), -ENOENT);
	KUNIT_EXPECT_EQ(test, track(t, 1, 0x200, 9, 1, true, 0),
			VSVA_PRG_COMPLETE);
	KUNIT_EXPECT_EQ(test, vsva_prg_respond(t, 0, &r), -EPERM);
	KUNIT_EXPECT_EQ(test, track(t, 0, 0x200, 9, 1, false, 0), -EPERM);
	r.pasid_present = false;
	KUNIT_EXPECT_EQ(test, vsva_prg_respond(t, 1, &r), -ENOENT);
	r.pasid_present = true;
	KUNIT_EXPECT_EQ(test, vsva_prg_respond(t, 1, &r), 0);
	KUNIT_EXPECT_EQ(test, vsva_prg_stats(t)->unknown_responses, 2ULL);
	KUNIT_EXPECT_EQ(test, vsva_prg_stats(t)->foreign_responses, 1ULL);
}

/* A DSA-like owner has 512 outstanding groups; the 513th is refused. */
static void prg_owner_limit(struct kunit *test)
{
	struct vsva_prg_tracker *t = tr_new(test, 2, 0, 0);
	u32 ok = 0;

	for (u32 i = 0; i < 512; i++)
		ok += track(t, 0, (u16)(i >> 9), 1, i & 0x1ff, true, 0) ==
		      VSVA_PRG_COMPLETE;
	KUNIT_EXPECT_EQ(test, ok, 512u);
	KUNIT_EXPECT_EQ(test, track(t, 0, 0x7, 1, 0, true, 0), -EDQUOT);
	/* Another owner is not affected. */
	KUNIT_EXPECT_EQ(test, track(t, 1, 0x8, 1, 0, true, 0),
			VSVA_PRG_COMPLETE);
	KUNIT_EXPECT_EQ(test, vsva_prg_outstanding(t, 0), 512u);
	KUNIT_EXPECT_EQ(test, vsva_prg_stats(t)->owner_limit_hits, 1ULL);
	/* A limit lowered to the current usage stops new groups. */
	KUNIT_EXPECT_EQ(test, vsva_prg_set_owner_limit(t, 1, 1), 0);
	KUNIT_EXPECT_EQ(test, track(t, 1, 0x9, 1, 0, false, 0), -EDQUOT);
	KUNIT_EXPECT_EQ(test, vsva_prg_set_owner_limit(t, 2, 1), -EINVAL);
}

static void prg_capacity(struct kunit *test)
{
	struct vsva_prg_tracker *t = tr_new(test, 2, 0, 3);

	KUNIT_EXPECT_EQ(test, track(t, 0, 1, 1, 1, false, 0), 0);
	KUNIT_EXPECT_EQ(test, track(t, 1, 2, 1, 1, false, 0), 0);
	KUNIT_EXPECT_EQ(test, track(t, 1, 3, 1, 1, false, 0), 0);
	KUNIT_EXPECT_EQ(test, track(t, 0, 4, 1, 1, false, 0), -ENOSPC);
	KUNIT_EXPECT_EQ(test, track(t, 0, 1, 1, 1, true, 0), 1);
	KUNIT_EXPECT_EQ(test, vsva_prg_stats(t)->capacity_hits, 1ULL);
	KUNIT_EXPECT_EQ(test, track(t, 2, 1, 1, 1, true, 0), -EINVAL);
}

/* Teardown answers every complete group once, drops partial ones. */
static void prg_teardown(struct kunit *test)
{
	struct vsva_prg_tracker *t = tr_new(test, 2, 0, 0);
	struct deliveries d = { 0 };

	KUNIT_EXPECT_EQ(test, track(t, 0, 0x10, 1, 1, true, 0), 1);
	KUNIT_EXPECT_EQ(test, track(t, 0, 0x10, 1, 2, true, 0), 1);
	KUNIT_EXPECT_EQ(test, track(t, 0, 0x10, 1, 3, false, 0), 0);
	KUNIT_EXPECT_EQ(test, track(t, 1, 0x20, 1, 1, true, 0), 1);
	KUNIT_EXPECT_EQ(test, vsva_prg_respond_all(t, 0, VTD_PRG_RESP_INVALID,
						   deliver, &d), 2u);
	KUNIT_EXPECT_EQ(test, d.n, 2u);
	KUNIT_EXPECT_EQ(test, d.r[0].code, VTD_PRG_RESP_INVALID);
	KUNIT_EXPECT_EQ(test, d.r[0].rid, 0x10);
	KUNIT_EXPECT_EQ(test, d.r[0].prg_index + d.r[1].prg_index, 3);
	KUNIT_EXPECT_EQ(test, vsva_prg_outstanding(t, 0), 0u);
	KUNIT_EXPECT_EQ(test, vsva_prg_outstanding(t, 1), 1u);
	KUNIT_EXPECT_EQ(test, vsva_prg_stats(t)->partial_discarded, 1ULL);
	/* Nothing is answered twice: a second teardown finds nothing. */
	KUNIT_EXPECT_EQ(test, vsva_prg_respond_all(t, 0, 0, deliver, &d), 0u);
	KUNIT_EXPECT_EQ(test, vsva_prg_respond_all(t, VSVA_PRG_ALL_OWNERS, 0,
						   deliver, &d), 1u);
	KUNIT_EXPECT_EQ(test, d.n, 3u);
	KUNIT_EXPECT_EQ(test, vsva_prg_total(t), 0u);
}

static void prg_timeouts(struct kunit *test)
{
	struct vsva_prg_tracker *t = tr_new(test, 1, 0, 0);
	struct deliveries d = { 0 };
	struct vsva_prg_resp r = resp_of(0x10, 1, 1);

	KUNIT_EXPECT_EQ(test, track(t, 0, 0x10, 1, 1, true, 100), 1);
	KUNIT_EXPECT_EQ(test, track(t, 0, 0x10, 1, 2, false, 100), 0);
	/* group 3 starts at 100 but completes at 250: its age counts from 250 */
	KUNIT_EXPECT_EQ(test, track(t, 0, 0x10, 1, 3, false, 100), 0);
	KUNIT_EXPECT_EQ(test, track(t, 0, 0x10, 1, 3, true, 250), 1);
	/* timeout 200: at 299 nothing is old enough */
	KUNIT_EXPECT_EQ(test, vsva_prg_expire(t, 299, 200, VTD_PRG_RESP_FAILURE,
					      deliver, &d), 0u);
	KUNIT_EXPECT_EQ(test, vsva_prg_total(t), 3u);
	/* at 300: group 1 (LPIG at 100) answered, partial group 2 dropped */
	KUNIT_EXPECT_EQ(test, vsva_prg_expire(t, 300, 200, VTD_PRG_RESP_FAILURE,
					      deliver, &d), 1u);
	KUNIT_EXPECT_EQ(test, d.r[0].prg_index, 1);
	KUNIT_EXPECT_EQ(test, d.r[0].code, VTD_PRG_RESP_FAILURE);
	KUNIT_EXPECT_EQ(test, vsva_prg_total(t), 1u);
	/* A late software response to the expired group is ignored. */
	KUNIT_EXPECT_EQ(test, vsva_prg_respond(t, 0, &r), -ENOENT);
	KUNIT_EXPECT_EQ(test, vsva_prg_expire(t, 450, 200, 0, deliver, &d), 1u);
	KUNIT_EXPECT_EQ(test, d.n, 2u);
	KUNIT_EXPECT_EQ(test, vsva_prg_stats(t)->timeout_responses, 2ULL);
}

static void prg_stop_marker_and_reuse(struct kunit *test)
{
	struct vsva_prg_tracker *t = tr_new(test, 1, 0, 0);
	struct vtd_page_req_desc d;

	mk(&d, 0x10, true, 1, 4, true, false, false, 0);
	KUNIT_EXPECT_EQ(test, vsva_prg_track(t, 0, &d, 0), VSVA_PRG_STOP_MARKER);
	KUNIT_EXPECT_EQ(test, vsva_prg_total(t), 0u);
	KUNIT_EXPECT_EQ(test, track(t, 0, 0x10, 1, 4, true, 0), 1);
	/* The device reuses the index before the response: refused. */
	KUNIT_EXPECT_EQ(test, track(t, 0, 0x10, 1, 4, false, 0), -EBUSY);
	KUNIT_EXPECT_EQ(test, vsva_prg_stats(t)->prg_reuse, 1ULL);
	KUNIT_EXPECT_EQ(test, vsva_prg_find(t, 0x10, true, 1, 4)->nr_requests,
			1u);
}

static void prg_early_response(struct kunit *test)
{
	struct vsva_prg_tracker *t = tr_new(test, 1, 0, 0);
	struct vsva_prg_resp r = resp_of(0x10, 1, 5);

	KUNIT_EXPECT_EQ(test, track(t, 0, 0x10, 1, 5, false, 0), 0);
	KUNIT_EXPECT_EQ(test, vsva_prg_respond(t, 0, &r), 0);
	KUNIT_EXPECT_EQ(test, vsva_prg_stats(t)->early_responses, 1ULL);
	KUNIT_EXPECT_EQ(test, vsva_prg_respond(t, 0, &r), -ENOENT);
}

static int count_group(void *ctx, const struct vsva_prg_group *g)
{
	(*(u32 *)ctx)++;
	return g->prg_index == 3 ? 7 : 0;
}

static void prg_for_each(struct kunit *test)
{
	struct vsva_prg_tracker *t = tr_new(test, 1, 0, 0);
	u32 n = 0;

	for (u16 i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, track(t, 0, 0x10, 1, i, true, 0), 1);
	KUNIT_EXPECT_EQ(test, vsva_prg_for_each(t, count_group, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 3u);
	KUNIT_EXPECT_EQ(test, track(t, 0, 0x10, 1, 3, true, 0), 1);
	n = 0;
	KUNIT_EXPECT_EQ(test, vsva_prg_for_each(t, count_group, &n), 7);
}

/* Every allocation failure during create unwinds to NULL, no leak. */
static void prg_create_fail_nth(struct kunit *test)
{
#ifdef __KERNEL__
	kunit_skip(test, "fail-nth injection is user-space only");
#else
	struct vsva_prg_cfg cfg = { .nr_owners = 4 };
	struct vsva_prg_tracker *t = NULL;
	u32 n;

	for (n = 1; n < 32; n++) {
		vsva_fail_nth(n);
		t = vsva_prg_tracker_create(&cfg);
		if (vsva_fail_nth(0) < n)
			break;	/* create made fewer than n allocations */
		KUNIT_EXPECT_NULL(test, t);
		vsva_prg_tracker_destroy(t);
	}
	KUNIT_EXPECT_NOT_NULL(test, t);
	KUNIT_EXPECT_EQ(test, n, 6u);	/* tracker + 4 arrays succeed */
	vsva_prg_tracker_destroy(t);
#endif
}

static struct kunit_case prq_cases[] = {
	KUNIT_CASE_PARAM(prq_wraparound, pqs_gen_params),
	KUNIT_CASE_PARAM(prq_full_exact, pqs_gen_params),
	KUNIT_CASE(prq_overflow_auto_response),
	KUNIT_CASE(prq_overflow_non_lpig_silent),
	KUNIT_CASE(prq_pro_drops_until_cleared),
	KUNIT_CASE(prq_pro_rw1c_recovery),
	KUNIT_CASE(prq_ppr_interrupt),
	KUNIT_CASE(prq_im_ip),
	KUNIT_CASE(prq_prs_clear_clears_ip),
	KUNIT_CASE(prq_overflow_event),
	KUNIT_CASE(prq_reg_table),
	KUNIT_CASE(prq_reg_halves),
	KUNIT_CASE(prq_reg_bad_access),
	KUNIT_CASE(prq_pqh_out_of_range),
	KUNIT_CASE(prq_mem_fault),
	KUNIT_CASE(prq_descriptor_written),
	KUNIT_CASE(prg_multi_request_group),
	KUNIT_CASE(prg_exactly_once),
	KUNIT_CASE(prg_unknown_and_foreign),
	KUNIT_CASE(prg_owner_limit),
	KUNIT_CASE(prg_capacity),
	KUNIT_CASE(prg_teardown),
	KUNIT_CASE(prg_timeouts),
	KUNIT_CASE(prg_stop_marker_and_reuse),
	KUNIT_CASE(prg_early_response),
	KUNIT_CASE(prg_for_each),
	KUNIT_CASE(prg_create_fail_nth),
	{}
};

static struct kunit_suite prq_suite = {
	.name = "vsva-prq",
	.test_cases = prq_cases,
};

kunit_test_suites(&prq_suite);
