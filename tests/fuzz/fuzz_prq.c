// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the page request queue model and the page request
 * group tracker.  Input bytes drive register writes, hardware enqueues,
 * software consuming the ring (feeding what it reads to the tracker),
 * responses, teardown and timeouts on a small ring.  A shadow model is
 * checked after every step; any disagreement abort()s:
 *
 *   - effective PQH/PQT inside the queue and 32-byte aligned;
 *   - descriptors pending == what the shadow wrote minus what it consumed;
 *   - a written descriptor is in memory at the old tail, exactly;
 *   - a drop is answered by hardware iff it was LPIG and not a stop marker;
 *   - every tracker return value is the one the shadow predicts;
 *   - each page request group is answered at most once, and only a group
 *     that exists; nothing complete disappears unanswered.
 *
 * clang -g -O1 -fsanitize=fuzzer,address,undefined -Iuapi -Ivsva \
 *   -o /tmp/fp tests/fuzz/fuzz_prq.c vsva/prq.c vsva/flatmem.c vsva/alloc.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prq.h"

#define MEM_BASE	0x10000ULL
#define MEM_SIZE	0x2000ULL	/* room for a PQS 0 or PQS 1 ring */
#define NR_OWNERS	2
#define OWNER_LIMIT	6
#define CAPACITY	10
#define NR_KEYS		256		/* rid 0..3, pp, pasid 0..3, prg 0..7 */

enum { G_NONE, G_PARTIAL, G_COMPLETE };

struct shadow_group {
	u8 state;
	u8 owner;
	u64 first;	/* time of the group's first request */
	u64 last;	/* time of its latest request (LPIG time once complete) */
};

struct fuzz {
	const u8 *data;
	size_t size, pos;
	u64 mem[MEM_SIZE / 8];
	struct vsva_flatmem fm;
	struct vsva_prq q;
	struct vsva_prg_tracker *t;
	u32 pending;		/* shadow of vsva_prq_count() */
	struct shadow_group g[NR_KEYS];
	u32 used[NR_OWNERS], total;
	u64 now;
	u32 deliveries;
	/* What the operation delivering responses right now may answer. */
	bool expiring;
	u64 timeout;
	u16 teardown_owner;
};

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static u8 get8(struct fuzz *f)
{
	return f->pos < f->size ? f->data[f->pos++] : 0;
}

static u64 get64(struct fuzz *f)
{
	u64 v = 0;

	for (int i = 0; i < 8; i++)
		v |= (u64)get8(f) << (8 * i);
	return v;
}

static u32 key_of(u16 rid, bool pp, u32 pasid, u16 prg)
{
	return (rid & 3) | (u32)pp << 2 | (pp ? (pasid & 3) : 0) << 3 |
	       (u32)(prg & 7) << 5;
}

/* Fields of a page request descriptor (VT-d 3.x 7.5.1.1). */
typedef struct vtd_page_req_desc prd;
static u16 d_rid(const prd *d) { return (u16)(d->qw[0] >> 16); }
static bool d_pp(const prd *d) { return d->qw[0] >> 8 & 1; }
static u32 d_pasid(const prd *d) { return (u32)(d->qw[0] >> 32) & 0xfffff; }
static bool d_rd(const prd *d) { return d->qw[1] & 1; }
static bool d_wr(const prd *d) { return d->qw[1] >> 1 & 1; }
static bool d_lpig(const prd *d) { return d->qw[1] >> 2 & 1; }
static u16 d_prg(const prd *d) { return (u16)(d->qw[1] >> 3) & 0x1ff; }

static bool in_shadow_space(const prd *d)
{
	return d_rid(d) < 4 && d_pasid(d) < 4 && d_prg(d) < 8;
}

static void check_invariants(struct fuzz *f)
{
	u64 size = vsva_prq_size(&f->q);
	u32 head = vsva_prq_head(&f->q), tail = vsva_prq_tail(&f->q);
	u32 used[NR_OWNERS] = { 0 }, total = 0;

	CHECK(head < size && tail < size);
	CHECK(!(head & 31) && !(tail & 31));
	CHECK(vsva_prq_count(&f->q) == f->pending);
	CHECK(f->pending <= vsva_prq_capacity(&f->q));
	for (u32 k = 0; k < NR_KEYS; k++) {
		const struct vsva_prg_group *g = vsva_prg_find(f->t, k & 3,
						(k >> 2) & 1, (k >> 3) & 3,
						(k >> 5) & 7);

		if (!((k >> 2) & 1) && ((k >> 3) & 3))
			continue;	/* no-PASID keys use pasid 0 only */
		CHECK(!!g == (f->g[k].state != G_NONE));
		if (!g)
			continue;
		CHECK(g->owner == f->g[k].owner);
		CHECK(g->last == (f->g[k].state == G_COMPLETE));
		used[g->owner]++;
		total++;
	}
	CHECK(total == f->total && total == vsva_prg_total(f->t));
	for (u32 o = 0; o < NR_OWNERS; o++)
		CHECK(used[o] == f->used[o] &&
		      used[o] == vsva_prg_outstanding(f->t, (u16)o));
}

static void shadow_retire(struct fuzz *f, u32 k)
{
	f->used[f->g[k].owner]--;
	f->total--;
	f->g[k].state = G_NONE;
}

static void on_deliver(void *ctx, const struct vsva_prg_group *g,
		       const struct vsva_prg_resp *r)
{
	struct fuzz *f = ctx;
	u32 k = key_of(r->rid, r->pasid_present, r->pasid, r->prg_index);

	/* Answered at most once, and only complete groups. */
	CHECK(g->last && f->g[k].state == G_COMPLETE);
	if (f->expiring)
		CHECK(f->now >= f->g[k].last &&
		      f->now - f->g[k].last >= f->timeout);
	else
		CHECK(f->teardown_owner == VSVA_PRG_ALL_OWNERS ||
		      f->teardown_owner == f->g[k].owner);
	CHECK(r->rid == g->rid && r->prg_index == g->prg_index);
	shadow_retire(f, k);
	f->deliveries++;
}

/*
 * After a teardown of @owner (@expire false) or a timeout sweep (@expire
 * true): exactly the partial groups the operation had to discard are gone,
 * and no complete group it had to answer is left.
 */
static void reconcile(struct fuzz *f, bool expire, u64 timeout,
			      u16 owner)
{
	for (u32 k = 0; k < NR_KEYS; k++) {
		struct shadow_group *s = &f->g[k];
		u64 since = s->state == G_PARTIAL ? s->first : s->last;
		bool gone, due;

		if (s->state == G_NONE)
			continue;
		gone = !vsva_prg_find(f->t, k & 3, (k >> 2) & 1, (k >> 3) & 3,
				      (k >> 5) & 7);
		if (expire)
			due = f->now >= since && f->now - since >= timeout;
		else
			due = owner == VSVA_PRG_ALL_OWNERS || s->owner == owner;
		/* Due complete groups went through on_deliver already. */
		if (s->state == G_COMPLETE) {
			CHECK(!gone && !due);
			continue;
		}
		CHECK(gone == due);
		if (gone)
			shadow_retire(f, k);
	}
}

static void op_reg_write(struct fuzz *f)
{
	static const u32 offs[] = { 0xc0, 0xc4, 0xc8, 0xcc, 0xd0, 0xd4, 0xdc,
				    0xe0, 0xe4, 0xe8, 0xec, 0xd8, 0xc2, 0xf0 };
	u8 b = get8(f);
	u32 off = offs[b % ARRAY_SIZE(offs)];
	unsigned int size = (b & 0x80) ? 8 : 4;
	u64 val = get64(f), back = 0;
	struct vsva_prq_event ev;
	int ret;

	/* Mostly point PQA at the backed memory, sometimes anywhere. */
	if (off == VTD_PQA_REG && !(b & 0x40))
		val = MEM_BASE + ((val >> 8) & 1) * 0x1000 * !(val & 1) +
		      (val & 1);
	ret = vsva_prq_reg_write(&f->q, off, size, val, &ev);
	CHECK(vsva_prq_reg_read(&f->q, off, size, &back) == ret);
	CHECK(ret || size == 8 || back <= 0xffffffffULL);
	/* Software moved the ring under the shadow: resynchronize. */
	f->pending = vsva_prq_count(&f->q);
}

static void op_enqueue(struct fuzz *f)
{
	u8 a = get8(f), b = get8(f);
	u32 old_tail = vsva_prq_tail(&f->q);
	u64 base = vsva_prq_base(&f->q);
	struct vsva_prq_event ev;
	prd dd, *d = &dd;
	int ret;

	/* type 1, PP bit 8, RID 31:16, PASID 51:32, ER bit 52 */
	d->qw[0] = 0x1 | (u64)((a >> 2) & 1) << 8 | (u64)(a & 3) << 16 |
		   (u64)((a >> 3) & 3) << 32 | (u64)((a >> 5) & 1) << 52;
	/* R bit 64, W bit 65, LPIG bit 66, PRG index 75:67, address */
	d->qw[1] = (u64)(b & 7) | (u64)((b >> 3) & 7) << 3 |
		   (u64)(b >> 6) << 12;
	d->qw[2] = a;
	d->qw[3] = b;
	ret = vsva_prq_enqueue(&f->q, d, &ev);
	if (ret == 0) {
		const u64 *slot = vsva_flatmem_ptr(&f->fm, base + old_tail);

		CHECK(slot && !memcmp(slot, d->qw, sizeof(d->qw)));
		CHECK(!ev.auto_resp);
		f->pending++;
		return;
	}
	CHECK(ret == -ENOSPC || ret == -EFAULT);
	CHECK(ev.auto_resp == (d_lpig(d) && (d_rd(d) || d_wr(d))));
	if (ev.auto_resp) {
		CHECK(ev.resp.rid == d_rid(d) && ev.resp.prg_index == d_prg(d));
		CHECK(ev.resp.pasid_present == d_pp(d));
		CHECK(ev.resp.code == (ret == -ENOSPC ? VTD_PRG_RESP_SUCCESS :
				       VTD_PRG_RESP_INVALID));
	}
}

/* Software tracks one descriptor it read from the ring. */
static void track(struct fuzz *f, const prd *d)
{
	/* Owner from a bit outside the key, so keys can collide across owners. */
	u16 owner = (d->qw[0] >> 52) & 1;
	u32 k = key_of(d_rid(d), d_pp(d), d_pasid(d), d_prg(d));
	struct shadow_group *s = &f->g[k];
	int want, ret;

	if (!in_shadow_space(d))
		return;
	ret = vsva_prg_track(f->t, owner, d, f->now);
	if (d_lpig(d) && !d_rd(d) && !d_wr(d))
		want = VSVA_PRG_STOP_MARKER;
	else if (s->state != G_NONE && s->owner != owner)
		want = -EPERM;
	else if (s->state == G_COMPLETE)
		want = -EBUSY;
	else if (s->state == G_NONE && f->used[owner] >= OWNER_LIMIT)
		want = -EDQUOT;
	else if (s->state == G_NONE && f->total >= CAPACITY)
		want = -ENOSPC;
	else
		want = d_lpig(d) ? VSVA_PRG_COMPLETE : VSVA_PRG_PARTIAL;
	CHECK(ret == want);
	if (ret < 0 || ret == VSVA_PRG_STOP_MARKER)
		return;
	if (s->state == G_NONE) {
		s->owner = (u8)owner;
		s->first = f->now;
		f->used[owner]++;
		f->total++;
	}
	s->state = ret == VSVA_PRG_COMPLETE ? G_COMPLETE : G_PARTIAL;
	s->last = f->now;
}

static void op_consume(struct fuzz *f)
{
	u32 k = (get8(f) & 7) + 1;
	u64 size = vsva_prq_size(&f->q);

	while (k-- && f->pending) {
		u32 head = vsva_prq_head(&f->q);
		prd d;

		if (!vsva_read_qwords(&f->q.mem, f->q.as,
				      vsva_prq_base(&f->q) + head, d.qw, 4))
			track(f, &d);
		CHECK(!vsva_prq_reg_write(&f->q, VTD_PQH_REG, 8,
					  (head + 32) % size, NULL));
		f->pending--;
	}
}

static void op_respond(struct fuzz *f)
{
	u8 a = get8(f), b = get8(f);
	struct vsva_prg_resp r = {
		.rid = a & 3, .pasid_present = (a >> 2) & 1,
		.pasid = (a >> 3) & 3, .prg_index = b & 7, .code = b >> 4,
	};
	u16 owner = (a >> 7) & 1;
	u32 k;
	int ret;

	if (!r.pasid_present)
		r.pasid = 0;
	k = key_of(r.rid, r.pasid_present, r.pasid, r.prg_index);
	ret = vsva_prg_respond(f->t, owner, &r);
	if (f->g[k].state == G_NONE) {
		CHECK(ret == -ENOENT);
	} else if (f->g[k].owner != owner) {
		CHECK(ret == -EPERM);
	} else {
		CHECK(ret == 0);
		shadow_retire(f, k);
		f->deliveries++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz fz;
	struct fuzz *f = &fz;
	struct vsva_prg_cfg cfg = {
		.capacity = CAPACITY, .nr_owners = NR_OWNERS,
		.owner_limit = OWNER_LIMIT,
	};
	struct vsva_mem mem;

	memset(f, 0, sizeof(*f));
	f->data = data;
	f->size = size;
	vsva_flatmem_init(&f->fm, f->mem, MEM_BASE, MEM_SIZE, VSVA_AS_HPA);
	mem = vsva_flatmem_mem(&f->fm);
	vsva_prq_init(&f->q, &mem, VSVA_AS_HPA);
	CHECK(!vsva_prq_reg_write(&f->q, VTD_PQA_REG, 8, MEM_BASE, NULL));
	f->t = vsva_prg_tracker_create(&cfg);
	CHECK(f->t);

	while (f->pos < f->size) {
		u8 op = get8(f);
		u16 owner;
		u8 arg;

		switch (op % 12) {
		case 0:
			op_reg_write(f);
			break;
		case 1: case 2: case 3: case 4:
			op_enqueue(f);
			break;
		case 5: case 6:
			op_consume(f);
			break;
		case 7:
			op_respond(f);
			break;
		case 8:
			vsva_prq_reg_write(&f->q, VTD_PRS_REG, 4,
					   get8(f) & 3, NULL);
			break;
		case 9:
			arg = get8(f) & 0x3f;
			f->expiring = true;
			f->timeout = arg;
			vsva_prg_expire(f->t, f->now, arg,
					VTD_PRG_RESP_FAILURE, on_deliver, f);
			f->expiring = false;
			reconcile(f, true, arg, 0);
			break;
		case 10:
			arg = get8(f);
			owner = (arg & 0x80) ? VSVA_PRG_ALL_OWNERS : arg & 1;
			f->teardown_owner = owner;
			vsva_prg_respond_all(f->t, owner,
					     VTD_PRG_RESP_INVALID, on_deliver,
					     f);
			reconcile(f, false, 0, owner);
			break;
		case 11:
			f->now += get8(f);
			break;
		}
		check_invariants(f);
	}
	/* Teardown answers the rest: afterwards nothing is outstanding. */
	f->teardown_owner = VSVA_PRG_ALL_OWNERS;
	vsva_prg_respond_all(f->t, VSVA_PRG_ALL_OWNERS, VTD_PRG_RESP_INVALID,
			     on_deliver, f);
	reconcile(f, false, 0, VSVA_PRG_ALL_OWNERS);
	CHECK(f->total == 0 && vsva_prg_total(f->t) == 0);
	vsva_prg_tracker_destroy(f->t);
	return 0;
}
