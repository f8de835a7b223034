/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the vIOMMU (host/viommu*.c): its state and the calls between
 * its parts.  viommu.c's header comment maps the files.
 */
#ifndef _HOST_VIOMMU_INTERNAL_H
#define _HOST_VIOMMU_INTERNAL_H

#include "viommu.h"
#include "vtd_unit.h"
#include "prq.h"	/* vsva/prq.h */
#include "sim.h"
#include "memory.h"

#define VIOMMU_IRO	0x50	/* IVA/IOTLB_REG at 0x500 (as the sim) */
#define VIOMMU_FRO	0x60	/* FRCD registers from 0x600 */
#define VIOMMU_VER	0x10	/* VER_REG 1.0, as 3.x parts report */

struct viommu {
	struct sim *s;
	struct sim_vm *vm;
	u32 as;			/* the VM's guest-physical address space */
	struct vsva_mem mem;
	struct piommu_caps phys;
	struct viommu_policy pol;
	struct viommu_hooks hooks;
	u8 pasid_bits;		/* offered PASID width */

	struct vtd_unit u;	/* register file, fault recording, IQ */
	struct vsva_prq prq;	/* the guest's page request queue */

	/* The batch being gathered from the guest's queue (viommu_iq.c). */
	struct vsva_inv_op *batch;
	u32 nbatch, batch_cap;
	struct vsva_inv_op *resp;	/* page responses behind the batch */
	u32 nresp, resp_cap;
	bool in_iq;		/* processing: no re-entry from hooks */

	struct viommu_stats st;
};

/* viommu_iq.c */
void viommu_iq_kick(struct viommu *v);
void viommu_iq_reset(struct viommu *v);

/* viommu_prq.c */
void viommu_prq_reset(struct viommu *v);
bool viommu_is_prq_off(const struct viommu *v, u32 off);
u64 viommu_prq_read(struct viommu *v, u32 off, unsigned int size);
void viommu_prq_write(struct viommu *v, u32 off, unsigned int size, u64 val);

/* viommu.c */
void viommu_irq(void *ctx, enum vtd_unit_irq which, u32 data, u32 addr,
		u32 uaddr);

#endif /* _HOST_VIOMMU_INTERNAL_H */
