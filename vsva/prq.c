// SPDX-License-Identifier: GPL-2.0
/*
 * Page request queue model (VT-d 3.x spec 7.5) and page request group
 * bookkeeping.  See prq.h for the interface.
 *
 * Behaviour chosen where the spec leaves room, and why:
 *
 * - Overflow.  When PQT + 32 == PQH (modulo the queue size) hardware does
 *   not write the request, sets PRS.PRO and, while PRO stays set, drops every
 *   further request, even once software has made room (QEMU's PRI model and
 *   Linux's prq_event_thread, which clears PRO only once head == tail, agree).
 *   A dropped request with Last Page In Group set, other than a stop marker
 *   (LPIG=1, R=W=0, which needs no response), is answered by hardware with a
 *   page group response of Response Code Success, our reading of spec 7.5.1
 *   (its text was not at hand to quote; the reasoning below is what makes it
 *   the only workable code): Success makes the device retry its ATS
 *   translation, fault again and resend the whole group, so nothing is lost
 *   once software has drained the queue, whereas Invalid Request would fail
 *   the device's DMA and Response Failure would disable its PRI.  The RISC-V
 *   IOMMU, whose page request queue follows VT-d's, specifies Success for
 *   the same case for the same reason (riscv-non-isa/riscv-iommu issue #262).
 *
 * - Ring memory fault.  VT-d defines no error for a queue that is not backed
 *   by memory.  The request is dropped without advancing PQT and without
 *   setting PRO; an LPIG request is answered Invalid Request: a guest that
 *   misprograms PQA gets failed DMA on its device, bounded, instead of a
 *   retry storm (Success) or a device with PRI disabled (Response Failure).
 *
 * - Page request event (spec 7.5, PECTL in chapter 10).  An interrupt
 *   condition arises when hardware sets PPR or PRO while both were clear
 *   (as the fault event logic does with the fault status fields).  With
 *   PECTL.IM clear the interrupt is raised at once; with IM set PECTL.IP is
 *   set and the interrupt is raised, clearing IP, when software clears IM.
 *   Software clearing both PPR and PRO in PRS clears a pending IP.
 *
 * - PQH/PQT beyond the queue.  The offset fields are bits 18:5, enough for
 *   the largest queue (2^7 pages).  Writes store those bits (bits 4:0 and
 *   63:19 are reserved and read as zero, so a misaligned offset is simply
 *   truncated to the descriptor boundary), and hardware uses the offset
 *   modulo the queue size, as the bit width of a queue of 2^PQS pages
 *   dictates.  So no value software writes can make hardware touch memory
 *   outside [PQA, PQA + size); such writes are counted, not faulted, as the
 *   spec defines no error for them.
 */
#include "prq.h"

/* Descriptor fields through the accessors of <nestmed/vtd_qi.h>. */
static inline u8 prd_perm(const struct vtd_page_req_desc *d)
{
	return (vtd_prq_rdr(d) ? VSVA_PERM_R : 0) |
	       (vtd_prq_wrr(d) ? VSVA_PERM_W : 0) |
	       (vtd_prq_exr(d) ? VSVA_PERM_X : 0);
}

/* A stop marker: LPIG with neither read nor write requested (PCIe PRI). */
static inline bool prd_stop_marker(const struct vtd_page_req_desc *d)
{
	return vtd_prq_lpig(d) && !vtd_prq_rdr(d) && !vtd_prq_wrr(d);
}

/* ---------------------------------------------------------------------- */
/* Registers. */

/* Interrupt message registers (same layout as FEDATA/FEADDR/FEUADDR). */
#define PEDATA_IMD	GENMASK_ULL(15, 0)	/* IMD, bits 15:0 */
#define PEDATA_EIMD	GENMASK_ULL(31, 16)	/* EIMD, bits 31:16 */
#define PEADDR_MA	GENMASK_ULL(31, 2)	/* MA, bits 31:2 */
#define PEUADDR_MUA	GENMASK_ULL(31, 0)	/* MUA, bits 31:0 */
#define PQA_RW		(GENMASK_ULL(63, 12) | GENMASK_ULL(2, 0)) /* PQA, PQS */
#define PRS_STATUS	((u64)(VTD_PRS_PPR | VTD_PRS_PRO))
#define PECTL_IP	((u64)VTD_xECTL_IP)
#define PECTL_IM	((u64)VTD_xECTL_IM)

/*
 * The register table, QEMU style: per register its offset, width, the bits
 * software may write (wmask) and the bits a written 1 clears (w1cmask).
 * Bits in neither are read-only (reserved, or set by hardware only).
 */
struct prq_reg_desc {
	u16 off;
	u8 width;	/* bytes */
	u64 wmask;
	u64 w1cmask;
};

static const struct prq_reg_desc prq_regs[VSVA_PRQ_NR_REGS] = {
	[VSVA_PRQ_PQH] = { VTD_PQH_REG, 8, VTD_PQH_PQH, 0 },
	[VSVA_PRQ_PQT] = { VTD_PQT_REG, 8, VTD_PQT_PQT, 0 },
	[VSVA_PRQ_PQA] = { VTD_PQA_REG, 8, PQA_RW, 0 },
	[VSVA_PRQ_PRS] = { VTD_PRS_REG, 4, 0, PRS_STATUS },
	[VSVA_PRQ_PECTL] = { VTD_PECTL_REG, 4, PECTL_IM, 0 },
	[VSVA_PRQ_PEDATA] = { VTD_PEDATA_REG, 4, PEDATA_IMD | PEDATA_EIMD, 0 },
	[VSVA_PRQ_PEADDR] = { VTD_PEADDR_REG, 4, PEADDR_MA, 0 },
	[VSVA_PRQ_PEUADDR] = { VTD_PEUADDR_REG, 4, PEUADDR_MUA, 0 },
};

void vsva_prq_reset(struct vsva_prq *q)
{
	memset(q->reg, 0, sizeof(q->reg));
}

void vsva_prq_init(struct vsva_prq *q, const struct vsva_mem *mem, u32 as)
{
	memset(q, 0, sizeof(*q));
	q->mem = *mem;
	q->as = as;
	vsva_prq_reset(q);
}

static void ev_clear(struct vsva_prq_event *ev)
{
	if (ev)
		memset(ev, 0, sizeof(*ev));
}

static void prq_raise_irq(struct vsva_prq *q, struct vsva_prq_event *ev)
{
	q->reg[VSVA_PRQ_PECTL] &= ~PECTL_IP;
	q->stats.interrupts++;
	if (ev) {
		ev->irq = true;
		ev->irq_data = (u32)q->reg[VSVA_PRQ_PEDATA];
		ev->irq_addr = q->reg[VSVA_PRQ_PEUADDR] << 32 |
			       q->reg[VSVA_PRQ_PEADDR];
	}
}

/* Hardware just set PPR or PRO; @old_prs is PRS before it did. */
static void prq_event(struct vsva_prq *q, u64 old_prs,
		      struct vsva_prq_event *ev)
{
	if (old_prs & (VTD_PRS_PPR | VTD_PRS_PRO))
		return;
	if (q->reg[VSVA_PRQ_PECTL] & PECTL_IM) {
		q->reg[VSVA_PRQ_PECTL] |= PECTL_IP;
		q->stats.irq_held++;
		return;
	}
	prq_raise_irq(q, ev);
}

/* Find the register @off/@size falls in; returns its index or -errno. */
static int prq_reg_lookup(u32 off, unsigned int size, unsigned int *shift)
{
	for (int i = 0; i < VSVA_PRQ_NR_REGS; i++) {
		const struct prq_reg_desc *r = &prq_regs[i];

		if (off < r->off || off >= r->off + r->width)
			continue;
		if ((size != 4 && size != 8) || size > r->width ||
		    (off & (size - 1)))
			return -EINVAL;
		*shift = (off - r->off) * 8;
		return i;
	}
	return -ENOENT;
}

static u64 size_mask(unsigned int size)
{
	return size == 8 ? ~0ULL : GENMASK_ULL(size * 8 - 1, 0);
}

int vsva_prq_reg_read(struct vsva_prq *q, u32 off, unsigned int size,
		      u64 *val)
{
	unsigned int shift = 0;
	int i = prq_reg_lookup(off, size, &shift);

	if (i < 0) {
		q->stats.reg_bad_access++;
		return i;
	}
	*val = (q->reg[i] >> shift) & size_mask(size);
	return 0;
}

int vsva_prq_reg_write(struct vsva_prq *q, u32 off, unsigned int size,
		       u64 val, struct vsva_prq_event *ev)
{
	unsigned int shift = 0;
	int i = prq_reg_lookup(off, size, &shift);
	const struct prq_reg_desc *r;
	u64 bytes, old, new;

	ev_clear(ev);
	if (i < 0) {
		q->stats.reg_bad_access++;
		return i;
	}
	r = &prq_regs[i];
	bytes = size_mask(size) << shift;
	val = (val & size_mask(size)) << shift;
	old = q->reg[i];
	new = (old & ~(r->wmask & bytes)) | (val & r->wmask & bytes);
	new &= ~(val & r->w1cmask & bytes);
	q->reg[i] = new;
	q->stats.reg_writes++;

	switch (i) {
	case VSVA_PRQ_PQH:
		if ((new & VTD_PQH_PQH) >= vsva_prq_size(q))
			q->stats.pqh_out_of_range++;
		break;
	case VSVA_PRQ_PQT:
		if ((new & VTD_PQT_PQT) >= vsva_prq_size(q))
			q->stats.pqt_out_of_range++;
		break;
	case VSVA_PRQ_PRS:
		if ((old & ~new) & VTD_PRS_PRO)
			q->stats.pro_cleared++;
		/* Software serviced every status field: nothing pending. */
		if (!(new & (VTD_PRS_PPR | VTD_PRS_PRO)))
			q->reg[VSVA_PRQ_PECTL] &= ~PECTL_IP;
		break;
	case VSVA_PRQ_PECTL:
		if ((new & PECTL_IP) && !(new & PECTL_IM)) {
			q->stats.irq_unmasked++;
			prq_raise_irq(q, ev);
		}
		break;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Hardware side of the ring. */

static void prq_drop(struct vsva_prq *q,
		     const struct vtd_page_req_desc *desc, u8 code,
		     struct vsva_prq_event *ev)
{
	if (!vtd_prq_lpig(desc) || prd_stop_marker(desc)) {
		q->stats.silent_drops++;
		return;
	}
	q->stats.auto_responses++;
	if (!ev)
		return;
	ev->auto_resp = true;
	ev->resp.rid = vtd_prq_rid(desc);
	ev->resp.pasid_present = vtd_prq_pp(desc);
	ev->resp.pasid = ev->resp.pasid_present ? vtd_prq_pasid(desc) : 0;
	ev->resp.prg_index = vtd_prq_prgi(desc);
	ev->resp.code = code;
}

int vsva_prq_enqueue(struct vsva_prq *q,
		     const struct vtd_page_req_desc *desc,
		     struct vsva_prq_event *ev)
{
	u64 prs = q->reg[VSVA_PRQ_PRS];
	u64 size = vsva_prq_size(q);
	u32 head = vsva_prq_head(q);
	u32 tail = vsva_prq_tail(q);
	u32 next = (u32)((tail + VSVA_PRQ_DESC_SIZE) & (size - 1));
	u64 slot = vsva_prq_base(q) + tail;

	ev_clear(ev);
	if (prs & VTD_PRS_PRO) {
		q->stats.pro_drops++;
		prq_drop(q, desc, VTD_PRG_RESP_SUCCESS, ev);
		return -ENOSPC;
	}
	if (next == head) {
		q->reg[VSVA_PRQ_PRS] = prs | VTD_PRS_PRO;
		q->stats.overflows++;
		q->stats.full_drops++;
		prq_event(q, prs, ev);
		prq_drop(q, desc, VTD_PRG_RESP_SUCCESS, ev);
		return -ENOSPC;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(desc->qw); i++) {
		if (vsva_write64(&q->mem, q->as, slot + 8 * i, desc->qw[i])) {
			q->stats.mem_faults++;
			prq_drop(q, desc, VTD_PRG_RESP_INVALID, ev);
			return -EFAULT;
		}
	}
	/* The descriptor is visible before the tail that publishes it. */
	dma_wmb();
	q->reg[VSVA_PRQ_PQT] = next;
	q->reg[VSVA_PRQ_PRS] = prs | VTD_PRS_PPR;
	q->stats.written++;
	prq_event(q, prs, ev);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Page request group tracker. */

#define PRG_NONE	0xffffffffu

struct prg_slot {
	struct vsva_prg_group g;
	u64 key;
	u32 next;	/* hash chain, or free list */
	bool live;
};

struct vsva_prg_tracker {
	struct prg_slot *slots;
	u32 *buckets;
	u32 *used;		/* per owner */
	u32 *limit;		/* per owner */
	u32 capacity;
	u32 bucket_bits;
	u32 nr_live;
	u32 free_head;
	u16 nr_owners;
	struct vsva_prg_stats stats;
};

/* rid 15:0, pasid present 16, pasid 36:17, prg index 45:37. */
static u64 prg_key(u16 rid, bool pasid_present, u32 pasid, u16 prg_index)
{
	return (u64)rid | (u64)pasid_present << 16 |
	       (u64)(pasid_present ? pasid & 0xfffff : 0) << 17 |
	       (u64)(prg_index & 0x1ff) << 37;
}

static u32 prg_hash(const struct vsva_prg_tracker *t, u64 key)
{
	return (u32)((key * 0x9e3779b97f4a7c15ULL) >> (64 - t->bucket_bits));
}

struct vsva_prg_tracker *
vsva_prg_tracker_create(const struct vsva_prg_cfg *cfg)
{
	struct vsva_prg_tracker *t;
	u16 nr_owners = cfg && cfg->nr_owners ? cfg->nr_owners : 1;
	u32 limit = cfg && cfg->owner_limit ? cfg->owner_limit :
		    VSVA_PRG_DEFAULT_OWNER_LIMIT;
	u64 capacity = cfg && cfg->capacity ? cfg->capacity :
		       (u64)nr_owners * limit;
	u32 bits = 4;

	if (capacity >= PRG_NONE || capacity > (1u << 24))
		return NULL;
	while ((1ULL << bits) < capacity && bits < 24)
		bits++;

	t = vsva_kzalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->capacity = (u32)capacity;
	t->bucket_bits = bits;
	t->nr_owners = nr_owners;
	t->slots = vsva_kcalloc(t->capacity, sizeof(*t->slots));
	t->buckets = vsva_kcalloc(1u << bits, sizeof(*t->buckets));
	t->used = vsva_kcalloc(nr_owners, sizeof(*t->used));
	t->limit = vsva_kcalloc(nr_owners, sizeof(*t->limit));
	if (!t->slots || !t->buckets || !t->used || !t->limit) {
		vsva_prg_tracker_destroy(t);
		return NULL;
	}
	for (u32 i = 0; i < (1u << bits); i++)
		t->buckets[i] = PRG_NONE;
	for (u32 i = 0; i < t->capacity; i++)
		t->slots[i].next = i + 1 < t->capacity ? i + 1 : PRG_NONE;
	t->free_head = 0;
	for (u16 o = 0; o < nr_owners; o++)
		t->limit[o] = limit;
	return t;
}

void vsva_prg_tracker_destroy(struct vsva_prg_tracker *t)
{
	if (!t)
		return;
	vsva_kfree(t->slots);
	vsva_kfree(t->buckets);
	vsva_kfree(t->used);
	vsva_kfree(t->limit);
	vsva_kfree(t);
}

const struct vsva_prg_stats *vsva_prg_stats(const struct vsva_prg_tracker *t)
{
	return &t->stats;
}

int vsva_prg_set_owner_limit(struct vsva_prg_tracker *t, u16 owner, u32 limit)
{
	if (owner >= t->nr_owners)
		return -EINVAL;
	t->limit[owner] = limit;
	return 0;
}

u32 vsva_prg_outstanding(const struct vsva_prg_tracker *t, u16 owner)
{
	return owner < t->nr_owners ? t->used[owner] : 0;
}

u32 vsva_prg_total(const struct vsva_prg_tracker *t)
{
	return t->nr_live;
}

static u32 prg_lookup(const struct vsva_prg_tracker *t, u64 key)
{
	u32 i = t->buckets[prg_hash(t, key)];

	while (i != PRG_NONE && t->slots[i].key != key)
		i = t->slots[i].next;
	return i;
}

static void prg_retire(struct vsva_prg_tracker *t, u32 idx)
{
	struct prg_slot *s = &t->slots[idx];
	u32 *link = &t->buckets[prg_hash(t, s->key)];

	while (*link != idx)
		link = &t->slots[*link].next;
	*link = s->next;
	t->used[s->g.owner]--;
	t->nr_live--;
	s->live = false;
	s->next = t->free_head;
	t->free_head = idx;
}

int vsva_prg_track(struct vsva_prg_tracker *t, u16 owner,
		   const struct vtd_page_req_desc *desc, u64 now)
{
	bool pp = vtd_prq_pp(desc);
	u64 key = prg_key(vtd_prq_rid(desc), pp, vtd_prq_pasid(desc),
			  vtd_prq_prgi(desc));
	struct prg_slot *s;
	u32 idx, b;

	if (owner >= t->nr_owners)
		return -EINVAL;
	if (prd_stop_marker(desc)) {
		t->stats.stop_markers++;
		return VSVA_PRG_STOP_MARKER;
	}
	idx = prg_lookup(t, key);
	if (idx != PRG_NONE) {
		s = &t->slots[idx];
		if (s->g.owner != owner)
			return -EPERM;
		if (s->g.last) {
			t->stats.prg_reuse++;
			return -EBUSY;
		}
	} else {
		if (t->used[owner] >= t->limit[owner]) {
			t->stats.owner_limit_hits++;
			return -EDQUOT;
		}
		if (t->free_head == PRG_NONE) {
			t->stats.capacity_hits++;
			return -ENOSPC;
		}
		idx = t->free_head;
		s = &t->slots[idx];
		t->free_head = s->next;
		memset(&s->g, 0, sizeof(s->g));
		s->key = key;
		s->live = true;
		s->g.rid = vtd_prq_rid(desc);
		s->g.pasid_present = pp;
		s->g.pasid = pp ? vtd_prq_pasid(desc) : 0;
		s->g.prg_index = vtd_prq_prgi(desc);
		s->g.owner = owner;
		s->g.addr = vtd_prq_addr(desc);
		s->g.first_time = now;
		b = prg_hash(t, key);
		s->next = t->buckets[b];
		t->buckets[b] = idx;
		t->used[owner]++;
		t->nr_live++;
	}
	s->g.nr_requests++;
	s->g.perm |= prd_perm(desc);
	s->g.last_time = now;
	t->stats.requests++;
	if (!vtd_prq_lpig(desc))
		return VSVA_PRG_PARTIAL;
	s->g.last = true;
	t->stats.groups_completed++;
	return VSVA_PRG_COMPLETE;
}

const struct vsva_prg_group *vsva_prg_find(const struct vsva_prg_tracker *t,
					   u16 rid, bool pasid_present,
					   u32 pasid, u16 prg_index)
{
	u32 idx = prg_lookup(t, prg_key(rid, pasid_present, pasid, prg_index));

	return idx == PRG_NONE ? NULL : &t->slots[idx].g;
}

int vsva_prg_respond(struct vsva_prg_tracker *t, u16 owner,
		     const struct vsva_prg_resp *resp)
{
	u32 idx = prg_lookup(t, prg_key(resp->rid, resp->pasid_present,
					resp->pasid, resp->prg_index));

	if (idx == PRG_NONE) {
		t->stats.unknown_responses++;
		return -ENOENT;
	}
	if (t->slots[idx].g.owner != owner) {
		t->stats.foreign_responses++;
		return -EPERM;
	}
	/*
	 * A response before LPIG is unusual but legal PCIe: the device
	 * retires the PRG index, and its remaining requests form a new group.
	 */
	if (!t->slots[idx].g.last)
		t->stats.early_responses++;
	t->stats.responses++;
	prg_retire(t, idx);
	return 0;
}

static void prg_answer(struct vsva_prg_tracker *t, u32 idx, u8 code,
		       vsva_prg_deliver_fn deliver, void *ctx)
{
	struct vsva_prg_group g = t->slots[idx].g;
	struct vsva_prg_resp resp = {
		.rid = g.rid,
		.prg_index = g.prg_index,
		.pasid = g.pasid,
		.pasid_present = g.pasid_present,
		.code = code,
	};

	/* Retire first, so @deliver may call back into the tracker. */
	prg_retire(t, idx);
	if (deliver)
		deliver(ctx, &g, &resp);
}

u32 vsva_prg_respond_all(struct vsva_prg_tracker *t, u16 owner, u8 code,
			 vsva_prg_deliver_fn deliver, void *ctx)
{
	u32 answered = 0;

	for (u32 i = 0; i < t->capacity; i++) {
		struct prg_slot *s = &t->slots[i];

		if (!s->live ||
		    (owner != VSVA_PRG_ALL_OWNERS && s->g.owner != owner))
			continue;
		if (!s->g.last) {
			t->stats.partial_discarded++;
			prg_retire(t, i);
			continue;
		}
		t->stats.teardown_responses++;
		answered++;
		prg_answer(t, i, code, deliver, ctx);
	}
	return answered;
}

static bool prg_older(u64 now, u64 then, u64 timeout)
{
	return now >= then && now - then >= timeout;
}

u32 vsva_prg_expire(struct vsva_prg_tracker *t, u64 now, u64 timeout,
		    u8 code, vsva_prg_deliver_fn deliver, void *ctx)
{
	u32 answered = 0;

	for (u32 i = 0; i < t->capacity; i++) {
		struct prg_slot *s = &t->slots[i];

		if (!s->live)
			continue;
		if (!s->g.last) {
			if (prg_older(now, s->g.first_time, timeout)) {
				t->stats.partial_discarded++;
				prg_retire(t, i);
			}
			continue;
		}
		if (!prg_older(now, s->g.last_time, timeout))
			continue;
		t->stats.timeout_responses++;
		answered++;
		prg_answer(t, i, code, deliver, ctx);
	}
	return answered;
}

int vsva_prg_for_each(const struct vsva_prg_tracker *t,
		      int (*fn)(void *ctx, const struct vsva_prg_group *g),
		      void *ctx)
{
	for (u32 i = 0; i < t->capacity; i++) {
		int ret;

		if (!t->slots[i].live)
			continue;
		ret = fn(ctx, &t->slots[i].g);
		if (ret)
			return ret;
	}
	return 0;
}
