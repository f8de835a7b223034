/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The demo machine: sim + memory + one VM + IOMMU + host driver + PF.
 * It comes up as a host boots: the PCI core enables the PF, the host
 * IOMMU driver (hostdrv.h) attaches it with the VM's pass-through domain,
 * the PF driver enables the device; the work-queue calls below are the
 * rest of the PF driver.
 */
#ifndef _HOST_SIM_PLATFORM_H
#define _HOST_SIM_PLATFORM_H

#include "hostdrv.h"
#include "siov_pf.h"

struct sim_platform_cfg {
	u64 seed;
	FILE *trace;
	u64 host_pages;			/* host memory limit (0: none) */
	struct sim_vm_cfg vm;		/* ram_bytes 0: no VM */
	struct sim_iommu_cfg iommu;
	struct siov_pf_cfg pf;
	struct hostdrv_cfg hd;
	bool no_ats;			/* hide ATS/PRI: untranslated DMA */
};

struct sim_platform {
	struct sim s;
	struct sim_vm *vm;
	struct hostdrv *hd;
	struct piommu *pi;
	struct siov_pf *pf;
	u16 rid;
	/*
	 * The PF's interrupt messages (MSI-X and IMS), for whoever the PF is
	 * assigned to: an L1 VMM forwards them into its guest.  NULL: they
	 * go nowhere (the PF still counts them as sent).
	 */
	void (*msi)(void *ctx, u64 addr, u32 data, bool ims, u16 index);
	void *msi_ctx;
};

void sim_platform_default_cfg(struct sim_platform_cfg *cfg);
/*
 * Bring the machine up: memory, the VM (its pass-through domain on the
 * PF's RID_PASID), the unit and host driver, the PF with its config space
 * enabled (memory space, bus master, MSI-X) and the device enabled.
 */
int sim_platform_init(struct sim_platform *p, const struct sim_platform_cfg *cfg);
void sim_platform_fini(struct sim_platform *p);
/* Where the PF's interrupt messages go from now on (@fn NULL: nowhere). */
void sim_platform_set_msi(struct sim_platform *p,
			  void (*fn)(void *ctx, u64 addr, u32 data, bool ims,
				     u16 index),
			  void *ctx);
/*
 * The PF driver's part: configure and enable WQ @wq (size 32, dedicated)
 * with or without PASID, block-on-fault allowed when @bof.  0 or the
 * WQ_STS error as -EIO.
 */
int sim_platform_wq_enable(struct sim_platform *p, u32 wq, bool pasid_en,
			   u32 pasid, bool bof);
int sim_platform_wq_disable(struct sim_platform *p, u32 wq);
/* Submit one descriptor to @wq's portal (MOVDIR64B). */
int sim_platform_submit(struct sim_platform *p, u32 wq,
			const struct siov_desc *d);
/* Run the host loop until the PF is idle; false if it never got there. */
bool sim_platform_run_idle(struct sim_platform *p, u64 max_events);

#endif /* _HOST_SIM_PLATFORM_H */
