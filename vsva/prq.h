/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VT-d 3.x page request queue as the remapping hardware writes it
 * (spec 7.5 "Page Request Handling" and the PQH/PQT/PQA/PRS/PECTL/PEDATA/
 * PEADDR/PEUADDR registers of chapter 10), and the page-request-group
 * bookkeeping that software (the host fault router, the vIOMMU) keeps so a
 * device gets exactly one page group response per group.
 *
 * The ring lives in memory reached through vsva/mem.h: base and size come
 * from PQA, descriptors are 32 bytes (4 qwords, opaque here), PQH is owned by
 * software and PQT by hardware; both are byte offsets into the ring.  One
 * slot always stays empty, so a queue of N descriptors holds N - 1.
 *
 * Nothing here locks: the owner of a struct vsva_prq / vsva_prg_tracker
 * serializes calls on it.
 */
#ifndef _VSVA_PRQ_H
#define _VSVA_PRQ_H

#include <nestmed/vtd.h>
#include <nestmed/vtd_qi.h>

#include "vsva.h"
#include "mem.h"

#define VSVA_PRQ_DESC_SIZE	32	/* bytes per page request descriptor */
#define VSVA_PRQ_PQS_MAX	7	/* PQH/PQT are 18:5: 2^7 pages at most */

/* A page group response: what the device receives for one group. */
struct vsva_prg_resp {
	u16 rid;		/* requester id: bus << 8 | devfn */
	u16 prg_index;		/* 9-bit page request group index */
	u32 pasid;		/* meaningful when @pasid_present */
	bool pasid_present;
	u8 code;		/* enum vtd_prg_resp_code */
};

/*
 * What one register write or one enqueue asks the caller to deliver:
 * at most one page request event interrupt (an MSI with PEDATA at
 * PEUADDR:PEADDR) and at most one hardware-generated page group response.
 */
struct vsva_prq_event {
	bool irq;
	u32 irq_data;		/* PEDATA */
	u64 irq_addr;		/* PEUADDR << 32 | PEADDR */
	bool auto_resp;
	struct vsva_prg_resp resp;
};

/* Debug counters, one per condition the model distinguishes. */
struct vsva_prq_stats {
	u64 written;		/* descriptors written into the ring */
	u64 overflows;		/* PRO set because the queue was full */
	u64 full_drops;		/* requests dropped: queue full */
	u64 pro_drops;		/* requests dropped: PRO already set */
	u64 mem_faults;		/* requests dropped: ring write failed */
	u64 auto_responses;	/* page group responses made by hardware */
	u64 silent_drops;	/* dropped with no response owed */
	u64 interrupts;		/* page request event interrupts raised */
	u64 irq_held;		/* interrupt conditions held by PECTL.IM */
	u64 irq_unmasked;	/* held interrupts raised on IM clear */
	u64 reg_writes;
	u64 reg_bad_access;	/* no such register, bad size/alignment */
	u64 pqh_out_of_range;	/* PQH written beyond the queue size */
	u64 pqt_out_of_range;	/* PQT written beyond the queue size */
	u64 pro_cleared;	/* PRO cleared by software (RW1C) */
};

enum vsva_prq_reg_idx {
	VSVA_PRQ_PQH,
	VSVA_PRQ_PQT,
	VSVA_PRQ_PQA,
	VSVA_PRQ_PRS,
	VSVA_PRQ_PECTL,
	VSVA_PRQ_PEDATA,
	VSVA_PRQ_PEADDR,
	VSVA_PRQ_PEUADDR,
	VSVA_PRQ_NR_REGS,
};

struct vsva_prq {
	struct vsva_mem mem;
	u32 as;				/* address space PQA points into */
	u64 reg[VSVA_PRQ_NR_REGS];	/* raw register contents */
	struct vsva_prq_stats stats;
};

/* Registers at their reset value (all zero), counters cleared. */
void vsva_prq_init(struct vsva_prq *q, const struct vsva_mem *mem, u32 as);
void vsva_prq_reset(struct vsva_prq *q);

/*
 * Register access as the CPU sees it, at offsets VTD_PQH_REG ..
 * VTD_PEUADDR_REG: @size 4 or 8, naturally aligned, 8 only on the 64-bit
 * registers (a 4-byte access reaches either half).
 * -ENOENT: @off is not a page request register (the caller dispatches the
 * rest of the register file); -EINVAL: bad size or alignment.  Writes apply
 * the register table (RW / RW1C / RO bits) and may raise an interrupt.
 * @ev may be NULL.
 */
int vsva_prq_reg_read(struct vsva_prq *q, u32 off, unsigned int size,
		      u64 *val);
int vsva_prq_reg_write(struct vsva_prq *q, u32 off, unsigned int size,
		       u64 val, struct vsva_prq_event *ev);

/*
 * Hardware receives one page request @desc.  0: written at PQT, PQT advanced.
 * -ENOSPC: dropped, queue full or PRO set; -EFAULT: dropped, the ring is
 * not backed by memory.  A dropped last-page-in-group request gets a
 * hardware page group response in @ev (see prq.c for the codes).
 */
int vsva_prq_enqueue(struct vsva_prq *q,
		     const struct vtd_page_req_desc *desc,
		     struct vsva_prq_event *ev);

/* Queue geometry as hardware uses it now. */
static inline u64 vsva_prq_size(const struct vsva_prq *q)
{
	return VSVA_PAGE_SIZE << vtd_pqa_pqs(q->reg[VSVA_PRQ_PQA]);
}

static inline u64 vsva_prq_base(const struct vsva_prq *q)
{
	return vtd_pqa_pqa(q->reg[VSVA_PRQ_PQA]);
}

/* Effective head/tail: the register offset within the queue (see prq.c). */
static inline u32 vsva_prq_head(const struct vsva_prq *q)
{
	return (u32)(q->reg[VSVA_PRQ_PQH] & VTD_PQH_PQH &
		     (vsva_prq_size(q) - 1));
}

static inline u32 vsva_prq_tail(const struct vsva_prq *q)
{
	return (u32)(q->reg[VSVA_PRQ_PQT] & VTD_PQT_PQT &
		     (vsva_prq_size(q) - 1));
}

/* Descriptors written by hardware and not yet consumed by software. */
static inline u32 vsva_prq_count(const struct vsva_prq *q)
{
	u64 n = vsva_prq_tail(q) + vsva_prq_size(q) - vsva_prq_head(q);

	return (u32)((n & (vsva_prq_size(q) - 1)) / VSVA_PRQ_DESC_SIZE);
}

/* Usable slots of the queue: one always stays empty. */
static inline u32 vsva_prq_capacity(const struct vsva_prq *q)
{
	return (u32)(vsva_prq_size(q) / VSVA_PRQ_DESC_SIZE) - 1;
}

/* ---------------------------------------------------------------------- */
/* Page request group bookkeeping. */

#define VSVA_PRG_DEFAULT_OWNER_LIMIT	512	/* DSA: PRI capacity 0x200 */
#define VSVA_PRG_ALL_OWNERS		0xffffu

struct vsva_prg_cfg {
	u32 capacity;		/* groups tracked in all; 0: nr_owners * limit */
	u16 nr_owners;		/* owners are 0 .. nr_owners - 1; 0: 1 */
	u32 owner_limit;	/* outstanding groups per owner; 0: 512 */
};

/* One outstanding page request group, keyed by rid/pasid/prg_index. */
struct vsva_prg_group {
	u16 rid;
	u16 prg_index;
	u32 pasid;		/* 0 when !pasid_present */
	bool pasid_present;
	bool last;		/* LPIG seen: the group awaits its response */
	u16 owner;
	u8 perm;		/* VSVA_PERM_* requested over the group */
	u32 nr_requests;
	u64 addr;		/* page address of the first request */
	u64 first_time;		/* caller's clock at the first request */
	u64 last_time;		/* ... at the last one (LPIG time if last) */
};

struct vsva_prg_stats {
	u64 requests;		/* requests accounted to a group */
	u64 groups_completed;	/* groups whose LPIG request arrived */
	u64 stop_markers;	/* stop markers seen (never tracked) */
	u64 responses;		/* responses accepted for delivery */
	u64 early_responses;	/* ... of them for a group without LPIG */
	u64 unknown_responses;	/* no such group: ignored */
	u64 foreign_responses;	/* group belongs to another owner */
	u64 prg_reuse;		/* request for a group already complete */
	u64 owner_limit_hits;	/* -EDQUOT */
	u64 capacity_hits;	/* -ENOSPC */
	u64 teardown_responses;	/* answered by vsva_prg_respond_all */
	u64 timeout_responses;	/* answered by vsva_prg_expire */
	u64 partial_discarded;	/* groups without LPIG dropped unanswered */
};

struct vsva_prg_tracker;

struct vsva_prg_tracker *
vsva_prg_tracker_create(const struct vsva_prg_cfg *cfg);
void vsva_prg_tracker_destroy(struct vsva_prg_tracker *t);
const struct vsva_prg_stats *vsva_prg_stats(const struct vsva_prg_tracker *t);
int vsva_prg_set_owner_limit(struct vsva_prg_tracker *t, u16 owner, u32 limit);
u32 vsva_prg_outstanding(const struct vsva_prg_tracker *t, u16 owner);
u32 vsva_prg_total(const struct vsva_prg_tracker *t);

/* Return values of vsva_prg_track() besides negative errnos. */
#define VSVA_PRG_PARTIAL	0	/* request added, group still open */
#define VSVA_PRG_COMPLETE	1	/* LPIG: group awaits one response */
#define VSVA_PRG_STOP_MARKER	2	/* stop marker: nothing to answer */

/*
 * Account the page request @desc to @owner at time @now.
 * -EINVAL: bad owner; -EDQUOT: owner at its limit of outstanding groups;
 * -ENOSPC: tracker full; -EPERM: the group is another owner's; -EBUSY:
 * the group is complete and not yet answered (PRG index reused too early).
 * On error nothing is recorded.
 */
int vsva_prg_track(struct vsva_prg_tracker *t, u16 owner,
		   const struct vtd_page_req_desc *desc, u64 now);

const struct vsva_prg_group *vsva_prg_find(const struct vsva_prg_tracker *t,
					   u16 rid, bool pasid_present,
					   u32 pasid, u16 prg_index);

/*
 * Software answers a group.  0: the group is retired and the response
 * must be delivered to the device (once, now).  -ENOENT: no such group
 * (never seen or already answered), -EPERM: not @owner's; both ignored.
 */
int vsva_prg_respond(struct vsva_prg_tracker *t, u16 owner,
		     const struct vsva_prg_resp *resp);

/* Called once per response the caller must deliver to the device. */
typedef void (*vsva_prg_deliver_fn)(void *ctx,
				    const struct vsva_prg_group *g,
				    const struct vsva_prg_resp *resp);

/*
 * Teardown of @owner (VSVA_PRG_ALL_OWNERS: everyone): every complete group
 * is answered with @code through @deliver and retired; groups without
 * LPIG are retired unanswered (the device owes their last request, which
 * will then find no group).  Returns the number of responses delivered.
 */
u32 vsva_prg_respond_all(struct vsva_prg_tracker *t, u16 owner, u8 code,
			 vsva_prg_deliver_fn deliver, void *ctx);

/*
 * Timeouts at time @now: complete groups whose LPIG arrived @timeout or
 * more ago are answered with @code and retired; partial groups whose first
 * request is that old are retired unanswered.  Returns responses delivered.
 */
u32 vsva_prg_expire(struct vsva_prg_tracker *t, u64 now, u64 timeout,
		    u8 code, vsva_prg_deliver_fn deliver, void *ctx);

/* Visit every outstanding group; stop early when @fn returns non-zero. */
int vsva_prg_for_each(const struct vsva_prg_tracker *t,
		      int (*fn)(void *ctx, const struct vsva_prg_group *g),
		      void *ctx);

#endif /* _VSVA_PRQ_H */
