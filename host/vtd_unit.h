/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The register-level core shared by every VT-d 3.x unit model in host/:
 * the simulated physical unit (host/sim/iommu*.c) and the vIOMMU shown to
 * an L1 VM (host/viommu*.c).  Both are "a VT-d register file driven by
 * software"; what differs is what they do with the commands (caches and
 * devices for the physical unit, hooks into the host component for the
 * vIOMMU).  This module owns the parts that are the same:
 *
 *   vtd_unit_regs.c   the register table (reset / RW / RW1C as data),
 *                     MMIO reads and masked writes, GCMD -> GSTS, the
 *                     event control registers (FECTL, IECTL) and ICS
 *   vtd_unit_fault.c  FSTS, fault events (7.3), fault recording (7.2)
 *   vtd_unit_iq.c     invalidation queue walking (6.5.2): tail check,
 *                     fetch, vsva_qi_decode, IQE/IQEI, ITE abort of the
 *                     waits behind a timeout, with a per-descriptor
 *                     callback that executes the operation
 *
 * Page request registers are vsva_prq's (vsva/prq.h): owners dispatch
 * PQH..PEUADDR to it before calling vtd_unit_mmio_*.
 */
#ifndef _HOST_VTD_UNIT_H
#define _HOST_VTD_UNIT_H

#include <nestmed/vtd.h>

#include "mem.h"	/* vsva/mem.h */
#include "qi.h"		/* vsva/qi.h */

struct sim;

#define VTD_UNIT_MMIO_SIZE	0x1000
#define VTD_UNIT_MAX_FRCD	16

/* FSTS fields whose setting makes a fault event (7.3). */
#define VTD_UNIT_FSTS_EVENTS	(VTD_FSTS_PFO | VTD_FSTS_PPF | VTD_FSTS_IQE | \
				 VTD_FSTS_ICE | VTD_FSTS_ITE)

/* Registers by index into rd[] / rv[]. */
enum vtd_reg_id {
	VTD_R_VER, VTD_R_CAP, VTD_R_ECAP, VTD_R_GCMD, VTD_R_GSTS,
	VTD_R_RTADDR, VTD_R_CCMD,
	VTD_R_FSTS, VTD_R_FECTL, VTD_R_FEDATA, VTD_R_FEADDR, VTD_R_FEUADDR,
	VTD_R_IQH, VTD_R_IQT, VTD_R_IQA, VTD_R_ICS, VTD_R_IECTL,
	VTD_R_IEDATA, VTD_R_IEADDR, VTD_R_IEUADDR, VTD_R_IQERCD,
	VTD_R_IVA, VTD_R_IOTLB,
	/* Optional: absent (name NULL) unless the owner enables them. */
	VTD_R_VCCAP, VTD_R_VCMD, VTD_R_VCRSP,
	VTD_R_FRCD0,	/* NFR + 1 pairs (lo, hi) from here */
};

#define VTD_UNIT_NR_REGS	(VTD_R_FRCD0 + 2 * VTD_UNIT_MAX_FRCD)

struct vtd_reg_desc {
	const char *name;	/* NULL: no register here */
	u32 off;
	u8 size;		/* bytes: 4 or 8 */
	u64 reset;
	u64 wmask;		/* bits software writes */
	u64 w1cmask;		/* bits a written 1 clears */
};

/* The three interrupt messages of a unit (FECTL/IECTL/PECTL, 10.4.x). */
enum vtd_unit_irq {
	VTD_UNIT_IRQ_FAULT,
	VTD_UNIT_IRQ_INV,
	VTD_UNIT_IRQ_PRQ,
};

struct vtd_unit;

struct vtd_unit_ops {
	/* Send an interrupt message (data, address = uaddr:addr). */
	void (*irq)(void *ctx, enum vtd_unit_irq which, u32 data, u32 addr,
		    u32 uaddr);
	/* Invalidation queue has work: IQT written, QIE set, IQE/ITE clear. */
	void (*kick)(void *ctx);
	/*
	 * Unit-specific side effects of a write to @id (value stored, the
	 * generic ones done): CCMD, IOTLB, VCMD, ...  @val is the written
	 * value shifted into register position.  Optional.
	 */
	void (*written)(void *ctx, u32 id, u64 old, u64 val);
	/* SRTP latched RTADDR.  Optional. */
	void (*srtp)(void *ctx);
};

/* Counters the unit bumps; they live in the owner's stats (may be NULL). */
struct vtd_unit_counters {
	u64 *bad_mmio;		/* unknown register, bad size or alignment */
	u64 *mmio_writes;	/* register writes accepted */
	u64 *gcmd_bad;		/* GCMD writes changing more than one command */
};

struct vtd_unit {
	struct sim *s;		/* for sim_trace */
	const char *who;	/* trace prefix: "iommu", "viommu" */
	u64 cap, ecap;
	u8 haw;

	struct vtd_reg_desc rd[VTD_UNIT_NR_REGS];
	u64 rv[VTD_UNIT_NR_REGS];
	u32 nregs;
	u32 nfr;

	/* Latched state (hardware copies taken by commands). */
	u64 rtaddr;		/* by SRTP */
	u64 iq_base;		/* by QIE: IQA */
	u8 iq_qs;
	bool iq_dw;
	u32 ite_abort;		/* descriptors whose waits an ITE aborted */
	u32 fr_index;		/* next fault record */

	const struct vtd_unit_ops *ops;
	void *ctx;
	struct vtd_unit_counters ctr;
};

/*
 * Build the register table for @cap/@ecap/@haw (haw 32..52) and reset
 * every register: FECTL/IECTL with IM set, queue and translation off.
 * VCCAP/VCMD/VCRSP stay absent; vtd_unit_enable_vcmd() adds them.
 */
void vtd_unit_init(struct vtd_unit *u, struct sim *s, const char *who,
		   u64 cap, u64 ecap, u8 haw, u32 ver,
		   const struct vtd_unit_ops *ops, void *ctx);
/* Add the virtual command registers (ECAP.VCS) at @layout's offsets. */
void vtd_unit_enable_vcmd(struct vtd_unit *u, enum vtd_vcmd_layout layout,
			  u64 vccap);
/* Every register back to its reset value, latched state cleared. */
void vtd_unit_reset(struct vtd_unit *u);

/*
 * MMIO (@size 4 or 8, naturally aligned): 0, or -EINVAL/-ENOENT for a
 * bad access (counted in ctr.bad_mmio, reads give 0, writes ignored).
 */
int vtd_unit_mmio_read(struct vtd_unit *u, u32 off, unsigned int size,
		       u64 *val);
int vtd_unit_mmio_write(struct vtd_unit *u, u32 off, unsigned int size,
			u64 val);

/* Fault status and recording (vtd_unit_fault.c). */
void vtd_unit_fsts_set(struct vtd_unit *u, u64 bits);
void vtd_unit_update_ppf(struct vtd_unit *u);
/*
 * Record @r (F set by the caller) in the next fault recording register
 * (7.2.1): the record index, or -ENOSPC when it overflowed (PFO set now
 * or already set; the fault is dropped).
 */
int vtd_unit_record_fault(struct vtd_unit *u, const struct vtd_frcd *r);
void vtd_unit_fault_irq(struct vtd_unit *u);
void vtd_unit_inv_irq(struct vtd_unit *u);
/* An inv-wait with IF completed: ICS.IWC, then interrupt or IECTL.IP. */
void vtd_unit_wait_irq(struct vtd_unit *u);
/* Invalidation completion / timeout errors (6.5.2.10) with their SID. */
void vtd_unit_ice(struct vtd_unit *u, u16 sid);
void vtd_unit_ite(struct vtd_unit *u, u16 sid);

/* Invalidation queue walking (vtd_unit_iq.c). */
enum vtd_iq_verdict {
	VTD_IQ_NEXT = 0,	/* done, go on */
	VTD_IQ_STOP_AFTER,	/* ITE: IQH moves past it, waits up to the
				 * tail are aborted, processing stops */
};

struct vtd_iq_ops {
	/* Processing is held (e.g. a page-drain wait): stop.  Optional. */
	bool (*stalled)(void *ctx);
	/*
	 * Decoded @op at @head: return true to hold it (IQH stays, nothing
	 * counted) before the ITE abort bookkeeping.  Optional.
	 */
	bool (*hold)(void *ctx, const struct vsva_inv_op *op);
	/* Execute @op; @abort_wait: an inv-wait an earlier ITE aborted. */
	enum vtd_iq_verdict (*exec)(void *ctx, u32 head,
				    const struct vsva_inv_op *op,
				    bool abort_wait);
	/*
	 * A queue error at @head (qw[] valid for FETCH-less errors, @ret
	 * the decode error or 0), called before FSTS.IQE is set.
	 */
	void (*error)(void *ctx, enum vtd_iqei iqei, u32 head, const u64 *qw,
		      int ret);
};

/*
 * Walk the queue from IQH to IQT (descriptors fetched from @mem/@as) until
 * it is empty, an error stops it, or a callback does.
 */
void vtd_unit_iq_process(struct vtd_unit *u, const struct vsva_mem *mem,
			 u32 as, const struct vtd_iq_ops *ops, void *ctx);

/*
 * Scalable-mode structures (vtd_unit_tables.c), read from @mem/@as with
 * the checks the unit's CAP/ECAP/HAW imply; no caching here.  Each
 * returns 0 or the fault reason (VTD_FR_SM_*).
 */
/* Root -> context entry of @rid under the latched RTADDR (TTM not checked). */
u8 vtd_unit_walk_context(const struct vtd_unit *u, const struct vsva_mem *mem,
			 u32 as, u16 rid, struct vtd_sm_context_entry *ce);
/*
 * PASID directory -> PASID entry of @pasid under @ce; *@pde_fpd is the
 * directory entry's FPD once that entry was found present and valid.
 */
u8 vtd_unit_walk_pasid(const struct vtd_unit *u, const struct vsva_mem *mem,
		       u32 as, const struct vtd_sm_context_entry *ce,
		       u32 pasid, struct vtd_pasid_entry *pe, bool *pde_fpd);
/* Reserved-bit check of a present context entry, capability-gated. */
bool vtd_unit_sce_rsvd(const struct vtd_unit *u,
		       const struct vtd_sm_context_entry *ce);
/* A present PASID entry: 0, VTD_FR_SM_PASID_RSVD or _INVALID. */
u8 vtd_unit_pe_check(const struct vtd_unit *u,
		     const struct vtd_pasid_entry *pe);

#endif /* _HOST_VTD_UNIT_H */
