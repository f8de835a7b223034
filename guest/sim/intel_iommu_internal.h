/* SPDX-License-Identifier: GPL-2.0 */
/* Shared between the guest driver model's files (see intel_iommu.h). */
#ifndef _GUEST_SIM_INTEL_IOMMU_INTERNAL_H
#define _GUEST_SIM_INTEL_IOMMU_INTERNAL_H

#include "intel_iommu.h"
#include "sim.h"	/* host/sim/sim.h */

#define GVTD_PAGE	4096ULL

static inline void gvtd_trace(struct gvtd_iommu *u, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void gvtd_trace(struct gvtd_iommu *u, const char *fmt, ...)
{
	char buf[192];
	va_list ap;

	if (!u->cfg.s || !sim_tracing(u->cfg.s))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sim_trace(u->cfg.s, "l1-vtd", "%s", buf);
}

/* Run the sim one step; false when nothing is left or the budget is gone. */
bool gvtd_poll_step(struct gvtd_iommu *u, u64 *budget);

/* iommu.c */
int gvtd_domain_id_alloc(struct gvtd_iommu *u);
void gvtd_domain_id_free(struct gvtd_iommu *u, u16 did);
void gvtd_iotlb_global_flush(struct gvtd_iommu *u);

/* intel_pasid.c */
int gvtd_pasid_alloc_table(struct gvtd_device *dev);
void gvtd_pasid_free_table(struct gvtd_device *dev);
int gvtd_pasid_setup_sm_context(struct gvtd_device *dev);
void gvtd_pasid_teardown_sm_context(struct gvtd_device *dev);
int gvtd_context_flip_pri(struct gvtd_device *dev, bool enable);
void gvtd_devtlb_invalidation_with_pasid(struct gvtd_iommu *u,
					 struct gvtd_device *dev, u32 pasid);

/* intel_domain.c */
struct gvtd_pasid_handle *gvtd_pasid_array_find(struct gvtd_device *dev,
						u32 pasid);

/* intel_prq.c */
int gvtd_prq_enable(struct gvtd_iommu *u);
void gvtd_prq_finish(struct gvtd_iommu *u);
void gvtd_iopf_queue_remove_device(struct gvtd_device *dev);
void gvtd_iopf_discard_partial(struct gvtd_iommu *u);

#endif /* _GUEST_SIM_INTEL_IOMMU_INTERNAL_H */
