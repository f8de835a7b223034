/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the S-IOV PF model (siov_pf*.c): its state, the config-space
 * bits every part reads, and the functions the parts call in each other.
 *
 *   siov_pf.c       life cycle, error log, interrupts, queries
 *   siov_pf_regs.c  config space, BAR0 registers, commands, WQ enable
 *   siov_pf_dma.c   portals, run queue, descriptor engine, device TLB,
 *                   DMA with the isolation oracle, ATS and PRI
 */
#ifndef _HOST_SIM_SIOV_PF_INTERNAL_H
#define _HOST_SIM_SIOV_PF_INTERNAL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "siov_pf.h"

#define PRG_MAX		512	/* PRG index is 9 bits */
#define PAGE_SZ		4096ULL

enum job_state {
	J_FREE,
	J_PENDING,	/* accepted, not started */
	J_RESUME,	/* started, runnable again */
	J_PARKED,	/* waiting for a page group response */
	J_PRGWAIT,	/* waiting for a free PRG slot */
	J_CPL,		/* done, completion held for its translation time */
};

struct siov_job {
	struct siov_desc d;
	struct siov_job *next;
	u64 seq;
	u32 wq;
	u8 state;
	bool started;
	bool cr_phase;		/* data done, writing the completion record */
	u8 retries;
	u8 status, fi, prs_code;
	u32 done;		/* bytes completed */
	u64 fault_addr, result;
	u16 prg;
	u8 fault_access;
	u64 xl_ns;		/* translation time charged, not yet waited */
	u64 due;		/* J_CPL: when the completion goes out */
};

struct siov_wq {
	u64 cfg0, cfg1;
	u8 state, err;
	u32 occupancy, rejected;
	/* latched at enable */
	u16 size, handle;
	bool pasid_en, priv, bof, int_ims;
	u32 pasid;
	struct siov_job *jobs;
	u16 jobs_n;
	/*
	 * Free jobs: those released (a stack) on top of jobs[unused..size),
	 * never taken since the enable and not initialised.  Taking the
	 * unused ones in index order gives the slots a list of all of them
	 * would, without touching every slot at enable (4096 WQs: 64 MiB of
	 * host memory).  Only jobs[0..unused) are ever scanned.
	 */
	struct siov_job *free;
	u16 unused;
	struct siov_job *pend_h, *pend_t, *res_h, *res_t;
	u32 started;		/* started and not finished */
	u64 next_seq;
	u64 drain_seq;		/* active drain: jobs with seq < this */
	bool in_rq;
	struct sim_vm *owner;
};

/*
 * A device-TLB entry.  Entries live in an array (the replacement order of
 * the original linear design is kept: first free slot, else least recently
 * used) and are also chained in a hash on (PASID, page number, size), one
 * probe per page size present.  Each entry caches the host page it last
 * resolved (buffer and owner), valid while the memory generation holds.
 */
#define TLB_NIL		0xffffffffu

struct devtlb_ent {
	bool valid, pasid_valid;
	u8 size_lg2, perm;
	u32 pasid;
	u64 iova, hpa, stamp;
	u32 hnext;		/* hash chain, TLB_NIL ends */
	u32 pg_owner;		/* cached page: owner VM id */
	u64 pg_hpa;		/* cached page: its HPA (page aligned) */
	u64 pg_gen;		/* cached page: mem_gen() when resolved */
	struct sim_mem *pg_mem;	/* cached page: its memory */
	u8 *pg_buf;		/* cached page: its buffer, NULL: none */
};

struct siov_pf {
	struct sim *s;
	struct sim_iommu *iommu;
	struct siov_pf_cfg cfg;
	const struct siov_pf_irq_ops *irq;
	void *irq_ctx;
	struct sim_vm *owner;

	u8 cs[SIOV_CFG_SIZE], cs_w[SIOV_CFG_SIZE], cs_w1c[SIOV_CFG_SIZE];

	u32 genctrl, cmdsts, intcause, errhead, errtail, errsts;
	u32 cmd;		/* active command */
	struct siov_errlog errlog[SIOV_ERRLOG_ENTRIES];
	u32 err_seq;
	u64 *msix;		/* 2 qwords per vector */
	u8 *msix_pba;
	u64 *ims;		/* 2 qwords per entry */
	struct siov_wq *wqs;

	u16 *rq;
	u32 rq_head, rq_n;
	bool kick_pending;
	/*
	 * Translation time (docs/siov.md "Timing"): the engine starts no
	 * descriptor before busy_until + desc_latency_ns; completions held
	 * back until their translations are paid wait in cpl_h, by due time.
	 */
	u64 busy_until;
	struct siov_job *cpl_h;
	bool cpl_pending;
	u64 cpl_at;		/* time of the pending spf_cpl_run */

	struct devtlb_ent *tlb;
	u64 tlb_stamp;
	u32 *tlb_hash;		/* bucket heads */
	u32 tlb_hash_bits;
	u64 tlb_sizes;		/* bit n: some valid entry has size_lg2 n */
	u16 tlb_size_n[64];	/* valid entries per size_lg2 */
	u32 jobs_live;		/* sum of the WQs' occupancy */

	struct siov_job *prg_job[PRG_MAX];
	bool prg_busy[PRG_MAX];
	bool prg_pasid_valid[PRG_MAX];
	u32 prg_pasid[PRG_MAX];
	u32 prg_outstanding;
	struct siov_job *wait_h, *wait_t;

	struct siov_pf_stats st;
};

#define TRACE(pf, ...) do {						\
		if (sim_tracing((pf)->s))				\
			sim_trace((pf)->s, "siov", __VA_ARGS__);	\
	} while (0)

/* Config-space state the parts read. */
static inline u32 cs_get(const struct siov_pf *pf, u32 off, unsigned int size)
{
	u32 v = 0;

	for (unsigned int i = 0; i < size; i++)
		v |= (u32)pf->cs[off + i] << (8 * i);
	return v;
}

static inline bool cs_bit(const struct siov_pf *pf, u32 off, u32 bit)
{
	return cs_get(pf, off, 4) & bit;
}

static inline bool mse(const struct siov_pf *pf) { return cs_bit(pf, 0x04, 0x2); }
static inline bool bme(const struct siov_pf *pf) { return cs_bit(pf, 0x04, 0x4); }
static inline bool pasid_enabled(const struct siov_pf *pf) { return cs_bit(pf, SIOV_CFG_PASID + 6, 0x1); }
static inline bool pasid_priv_enabled(const struct siov_pf *pf) { return cs_bit(pf, SIOV_CFG_PASID + 6, 0x4); }
static inline bool ats_enabled(const struct siov_pf *pf) { return cs_get(pf, SIOV_CFG_ATS + 6, 2) & 0x8000; }
static inline bool pri_enabled(const struct siov_pf *pf) { return cs_bit(pf, SIOV_CFG_PRI + 4, 0x1); }
static inline bool pri_rf(const struct siov_pf *pf) { return cs_bit(pf, SIOV_CFG_PRI + 6, 0x1); }
static inline bool msix_enabled(const struct siov_pf *pf) { return cs_get(pf, SIOV_CFG_MSIX + 2, 2) & 0x8000; }
static inline bool msix_fmask(const struct siov_pf *pf) { return cs_get(pf, SIOV_CFG_MSIX + 2, 2) & 0x4000; }

static inline u32 pri_alloc(const struct siov_pf *pf)
{
	u32 a = cs_get(pf, SIOV_CFG_PRI + 12, 4);

	return min(a, (u32)pf->cfg.pri_capacity);
}

/* siov_pf.c: error log and interrupts */
struct err_info {
	int wq;			/* -1: none */
	bool pasid_valid, addr_valid;
	u32 pasid;
	u64 addr;
	u8 status;
	u32 detail;
};

void spf_log_err(struct siov_pf *pf, enum siov_err code,
		 const struct err_info *ei);
void spf_log_simple(struct siov_pf *pf, enum siov_err code, int wq,
		    u64 addr, u32 detail);
void spf_deliver(struct siov_pf *pf, u64 addr, u32 data, bool ims, u16 idx);
void spf_send_msix(struct siov_pf *pf, u16 vec);
void spf_msix_flush_pending(struct siov_pf *pf);
void spf_send_ims(struct siov_pf *pf, struct siov_wq *wq, u16 idx);

/* siov_pf_regs.c */
u64 spf_bar2_size(const struct siov_pf *pf);
void spf_cs_init(struct siov_pf *pf);
void spf_pri_update_stopped(struct siov_pf *pf);
void spf_bar0_reset(struct siov_pf *pf);
void spf_cmd_check(struct siov_pf *pf);
void spf_wq_check_disabled(struct siov_pf *pf, struct siov_wq *wq);

/* siov_pf_dma.c */
void spf_pf_run(struct sim *s, void *arg);
void spf_cpl_run(struct sim *s, void *arg);
void spf_tlb_flush_all(struct siov_pf *pf);
void spf_dev_devtlb_invalidate(void *dev, bool pasid_valid, u32 pasid,
			       u64 addr, u8 size_lg2, bool global);
void spf_dev_page_response(void *dev, bool pasid_present, u32 pasid,
			   u16 prg, u8 code);
void spf_job_complete(struct siov_pf *pf, struct siov_wq *wq,
		      struct siov_job *j, bool quiet);
void spf_job_fail(struct siov_pf *pf, struct siov_wq *wq,
		  struct siov_job *j, u8 status);
void spf_prg_free(struct siov_pf *pf, u16 prg);
void spf_prg_wake(struct siov_pf *pf);
void spf_wq_abort(struct siov_pf *pf, struct siov_wq *wq);

#endif /* _HOST_SIM_SIOV_PF_INTERNAL_H */
