/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vsva: the VT-d 3.x translation and protocol engine shared by the host
 * (physical IOMMU model, vIOMMU, shadow engine) and usable inside the kernel.
 * Freestanding: no libc beyond <linux/string.h>-equivalents, errors are
 * negative errno values, allocation goes through vsva_kzalloc()/vsva_kfree().
 */
#ifndef _VSVA_VSVA_H
#define _VSVA_VSVA_H

#include <nestmed/compat.h>

#ifdef __KERNEL__
#include <linux/slab.h>
#include <linux/mm.h>
/*
 * vsva_kzalloc() serves small objects that the IOMMU fault and
 * invalidation paths may create, which cannot sleep: atomic.
 * vsva_kcalloc() serves the arrays of a structure's create() (an IOTLB,
 * a PASID bitmap), which run in process context and can be large (the
 * default IOTLB is ~230 KB): kvcalloc, which falls back to vmalloc
 * instead of failing on fragmentation.  vsva_kfree() frees either.
 */
static inline void *vsva_kzalloc(size_t size)
{
	return kzalloc(size, GFP_ATOMIC);
}

static inline void *vsva_kcalloc(size_t n, size_t size)
{
	return kvcalloc(n, size, GFP_KERNEL);
}

static inline void vsva_kfree(const void *p)
{
	kvfree(p);
}

/*
 * No allocation fault injection in the kernel: the fail-nth suites skip
 * themselves there (kunit_skip), but their code must still compile.
 */
static inline unsigned long vsva_fail_nth(unsigned long n)
{
	return 0;
}
#else
void *vsva_kzalloc(size_t size);
void *vsva_kcalloc(size_t n, size_t size);
void vsva_kfree(const void *p);
/*
 * Fault injection for fail-nth tests (user space only): make the n-th
 * allocation from now fail (1 = the next one); 0 disables.  Returns the
 * number of allocations made since the last call, so a runner can sweep n
 * from 1 until a sequence completes without hitting the injected failure.
 */
unsigned long vsva_fail_nth(unsigned long n);
#endif

/* Access kinds of a request, and permissions of a translation. */
#define VSVA_PERM_R		BIT(0)
#define VSVA_PERM_W		BIT(1)
#define VSVA_PERM_X		BIT(2)
#define VSVA_PERM_RW		(VSVA_PERM_R | VSVA_PERM_W)

/* The two translation stages of VT-d scalable mode. */
enum vsva_stage {
	VSVA_STAGE_NONE = 0,
	VSVA_STAGE_FS = 1,	/* first stage (IOVA/GVA -> GPA or HPA) */
	VSVA_STAGE_SS = 2,	/* second stage (GPA -> HPA) */
};

/* PASIDs are 20 bits (VT-d 3.x ECAP.PSS up to 19, i.e. 2^20 PASIDs). */
#define VSVA_PASID_BITS		20
#define VSVA_PASID_MAX		(1U << VSVA_PASID_BITS)

#define VSVA_PAGE_SHIFT		12
#define VSVA_PAGE_SIZE		(1ULL << VSVA_PAGE_SHIFT)
#define VSVA_PAGE_MASK		(~(VSVA_PAGE_SIZE - 1))

#endif /* _VSVA_VSVA_H */
