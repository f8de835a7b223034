/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The end-to-end fixture of the host component (tests/host/e2e_test.c):
 * one simulated machine (host memory, the physical VT-d unit with its host
 * driver, the S-IOV PF), an L1 VM that owns the PF (the host driver's
 * pass-through domain of the VM on RID_PASID), the host component for that
 * VM (shadow engine + its vIOMMU, fault router), and the L1 guest: the
 * Linux 6.12 intel-iommu model probing the vIOMMU through its registers,
 * with its structures in the VM's guest-physical memory.
 *
 *   gvtd (L1 Linux) --MMIO--> viommu --hooks--> shadow --piommu--> hostdrv
 *        ^   guest RAM (GPA)     |                  ^                 |
 *        '---- gvtd_irq <--------'   fault router <-'-- page requests -'
 *
 * The PF's work queues are the host PF driver's (sim_platform_wq_enable)
 * and carry guest PASIDs (identity namespace, or host-allocated through the
 * vIOMMU's virtual command interface).
 *
 * VM RAM layout (GPA): data buffers from E2E_BUF_BASE (e2e_buf), the guest
 * kernel's pages for IOMMU structures in [E2E_GMEM_BASE, RAM) (gmem).
 */
#ifndef _TESTS_HOST_E2E_FIXTURE_H
#define _TESTS_HOST_E2E_FIXTURE_H

#include <kunit/test.h>
#include <stdio.h>

#include "platform.h"
#include "shadow.h"
#include "fault_router.h"
#include "viommu.h"
#include "pasid_alloc.h"
#include "../../guest/sim/intel_iommu.h"

#define E2E_MB		(1ULL << 20)
#define E2E_RAM		(32 * E2E_MB)
#define E2E_BUF_BASE	(1 * E2E_MB)
#define E2E_GMEM_BASE	(16 * E2E_MB)
#define E2E_GRID	0x0018		/* the PF as the guest sees it: 00:03.0 */
#define E2E_FAULT_VEC	0x41
#define E2E_PRQ_VEC	0x42
#define E2E_IOVA	0x7f0000000000ULL	/* every domain's window */
#define E2E_OWNER	5		/* VCMD: the VM's owner id */
#define E2E_MAX_DOMS	80
#define E2E_MAX_HELD	64

struct e2e_opts {
	u64 seed;		/* 0: 1 */
	FILE *trace;
	bool lazy;		/* VM RAM backed on first touch */
	bool vcmd;		/* PASIDs host-allocated through VCMD */
};

/* How the guest's iopf handler answers a page-request group. */
enum e2e_iopf_mode {
	E2E_IOPF_MAP,		/* map each faulting page, then SUCCESS */
	E2E_IOPF_INVALID,	/* answer INVALID */
	E2E_IOPF_HOLD,		/* keep the group unanswered */
};

struct e2e;

/* One guest paging domain (iommu_paging_domain_alloc) and its PASID. */
struct e2e_dom {
	struct e2e *t;
	struct gvtd_domain *d;
	struct gvtd_attach_handle h;
	u32 pasid;
	bool attached;
	/* The iopf handler maps IOVA x -> gpa_base + (x - E2E_IOVA). */
	u64 gpa_base;
};

struct e2e {
	struct kunit *test;
	struct e2e_opts o;
	struct sim_platform p;
	struct hostdrv_dev_info di;
	struct shadow *sh;
	struct viommu *v;
	struct fault_router *fr;
	struct vsva_pasid_allocator *pa;

	/* The L1 guest (the Linux model).  guest_up: probed, not forgotten. */
	bool guest_up;
	struct gmem g;
	struct gvtd_iommu u;
	struct gvtd_device *dev;
	struct gvtd_domain *rid_dom;	/* the default DMA domain on the RID */
	struct e2e_dom *doms[E2E_MAX_DOMS];
	u32 ndoms;
	u64 buf_next;

	/* The guest's iopf handler. */
	enum e2e_iopf_mode iopf_mode;
	u32 iopf_groups, iopf_faults;
	struct gvtd_fault last_fault;
	struct gvtd_iopf_group *held[E2E_MAX_HELD];
	u32 nheld;
	u32 guest_irqs;
};

/* Bring everything up (KUNIT_ASSERTs on the way); test->priv = the fixture. */
struct e2e *e2e_init(struct kunit *test, const struct e2e_opts *o);
/* Guest teardown as Linux does it (if up), router, shadow, machine. */
void e2e_fini(struct e2e *t);
/* Suite exit: e2e_fini(test->priv) when a case stopped on an assertion. */
void e2e_exit(struct kunit *test);

/* The L1 guest boots: gmem, gvtd_probe, the PF, default domain, IOPF. */
void e2e_guest_boot(struct e2e *t);
/*
 * The guest vanishes without a word to the hardware (reset, VM gone):
 * held groups dropped unanswered, the model's memory freed.
 */
void e2e_guest_forget(struct e2e *t);
/* Host side of a guest reset of its vIOMMU: router, then shadow. */
void e2e_host_guest_reset(struct e2e *t);
/* VM destroy: router, then shadow (the machine stays). */
void e2e_host_vm_destroy(struct e2e *t);

/* ---- the guest ---------------------------------------------------- */
/* A guest PASID: iommu_alloc_global_pasid(), or VCMD allocate. */
u32 e2e_alloc_pasid(struct e2e *t);
/* VCMD free (VCMD fixtures only); the VCRSP status code. */
u64 e2e_vcmd_free(struct e2e *t, u32 pasid);
/* A paging domain (first level on this vIOMMU) with the fixture's handler. */
struct e2e_dom *e2e_dom_new(struct e2e *t, u64 gpa_base);
/* iommu_attach_device_pasid() / iommu_detach_device_pasid(). */
int e2e_attach(struct e2e_dom *dm, u32 pasid);
void e2e_detach(struct e2e_dom *dm);
/* iommu_map() of [E2E_IOVA + off, + len) -> [gpa_base + off, + len). */
void e2e_map(struct e2e_dom *dm, u64 off, u64 len);

/* Data buffers in L1 RAM (page aligned); @populate: lazy VMs only. */
u64 e2e_buf(struct e2e *t, u64 len, bool populate);
/* Guest CPU accesses to its RAM. */
void e2e_fill(struct e2e *t, u64 gpa, u32 len, u8 seed);
bool e2e_equal(struct e2e *t, u64 a, u64 b, u32 len);
u8 e2e_byte(struct e2e *t, u64 gpa);
void e2e_rd(struct e2e *t, u64 gpa, void *buf, u32 len);
void e2e_wr(struct e2e *t, u64 gpa, const void *buf, u32 len);

/* ---- the device (the host's PF driver) ---------------------------- */
void e2e_wq(struct e2e *t, u32 wq, u32 pasid, bool bof);
/* Queue one descriptor (CR at @cr_iova, RCR); the CR is cleared at @cr_gpa. */
void e2e_submit(struct e2e *t, u32 wq, u8 op, u32 flags, u64 src, u64 dst,
		u32 len, u64 cr_iova, u64 cr_gpa);
/* Run the host loop until the PF is idle. */
bool e2e_run_idle(struct e2e *t);
struct siov_cr e2e_cr(struct e2e *t, u64 cr_gpa);
/* Submit + run + the CR. */
struct siov_cr e2e_desc(struct e2e *t, u32 wq, u8 op, u32 flags, u64 src,
			u64 dst, u32 len, u64 cr_iova, u64 cr_gpa);

/* ---- the physical side -------------------------------------------- */
struct vtd_pasid_entry e2e_phys_pe(struct e2e *t, u32 pasid);

#endif /* _TESTS_HOST_E2E_FIXTURE_H */
