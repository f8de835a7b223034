/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the simulated VT-d unit (host/sim/iommu*.c): its state and
 * the calls between its parts.  iommu.c's header comment maps the files.
 */
#ifndef _HOST_SIM_IOMMU_INTERNAL_H
#define _HOST_SIM_IOMMU_INTERNAL_H

#include "iommu.h"
#include "prq.h"	/* vsva/prq.h */
#include "vtd_unit.h"	/* host/vtd_unit.h: registers, faults, IQ */

#define IOMMU_MMIO_SIZE		VTD_UNIT_MMIO_SIZE
#define IOMMU_IRO		0x50	/* IVA/IOTLB_REG at 0x500 */
#define IOMMU_FRO		0x60	/* FRCD registers from 0x600 */
#define IOMMU_MAX_FRCD		VTD_UNIT_MAX_FRCD
#define IOMMU_MAX_DEVS		64
#define IOMMU_VER		0x10	/* VER_REG: architecture 1.0 (3.x parts
					 * report 1.0, as Linux and QEMU show) */

struct iommu_dev {
	bool used;
	u16 rid;
	const struct sim_iommu_dev_ops *ops;
	void *dev;
	enum sim_devtlb_err inj;
	u32 inj_count;
};

struct sim_iommu {
	struct sim *s;
	struct sim_mem *m;
	struct vsva_mem mem;
	struct sim_iommu_cfg cfg;
	const struct sim_iommu_host_ops *host;
	void *host_ctx;
	struct vsva_caches *caches;
	struct vsva_prq prq;

	/* Register file, fault recording, IQ walking (host/vtd_unit.h). */
	struct vtd_unit u;

	bool iq_scheduled;
	u64 prq_issued, prq_done;	/* latency-delayed page requests */
	u64 pd_target;		/* inv-wait PD stalled until prq_done >= */
	bool pd_stalled;
	/* Page requests on their way to the queue (FIFO: same latency). */
	struct sim_page_req *prq_fifo;
	u32 prq_fifo_head, prq_fifo_n, prq_fifo_cap;

	struct iommu_dev devs[IOMMU_MAX_DEVS];
	struct sim_iommu_stats st;
};

/* A fault as recorded in a fault recording register (7.2). */
struct fault_info {
	u16 rid;
	bool pp;
	u32 pasid;
	u64 addr;
	u8 fr;
	u8 at;		/* 0 untranslated, 1 translation request */
	bool write, exe, priv;
	bool page_req;	/* T2 */
};

/* What the root -> context -> PASID lookup found for a request. */
struct xl {
	u8 fr;
	bool fpd;		/* FPD of an entry read so far */
	struct vtd_sm_context_entry ce;
	struct vtd_pasid_entry pe;
	u32 pasid;		/* effective PASID (RID_PASID without one) */
};

/* iommu.c: devices and interrupt messages */
struct iommu_dev *iommu_find_dev(struct sim_iommu *it, u16 rid);
void iommu_deliver_response(struct sim_iommu *it, u16 rid, bool pp,
			    u32 pasid, u16 prg_index, u8 code);
void iommu_send_irq(struct sim_iommu *it, enum sim_iommu_irq which,
		    u32 data, u32 addr, u32 uaddr);

/* iommu_regs.c: the register file */
void iommu_regs_init(struct sim_iommu *it);

/* iommu_fault.c: fault recording (FSTS and events are vtd_unit's) */
/* Returns true if a record was written. */
bool iommu_record_fault(struct sim_iommu *it, const struct fault_info *fi,
			bool fpd);

/* iommu_xlate.c: root / context / PASID structures */
u8 iommu_lookup_context(struct sim_iommu *it, u16 rid, struct xl *x);
u8 iommu_ttm_fault(const struct sim_iommu *it, bool pp, bool page_req);

/* iommu_qi.c: the invalidation queue */
void iommu_iq_process(struct sim_iommu *it);
void iommu_iq_kick(struct sim_iommu *it);
void iommu_iq_event_fn(struct sim *s, void *arg);

/* iommu_prq.c: page requests */
void iommu_prq_event_fn(struct sim *s, void *arg);

#endif /* _HOST_SIM_IOMMU_INTERNAL_H */
