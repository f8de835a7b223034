/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PASID allocator over the 20-bit PASID space of VT-d 3.x / PCIe (PASIDs
 * 1 .. 2^20 - 1; PASID 0 stays reserved, it is the RID_PASID that Linux
 * uses for requests without PASID).  Owners are small integers (a VM, a
 * nested mdev parent, ...), each with a quota; freeing checks the owner.
 *
 * Allocation of "any" PASID takes the lowest free one and costs a constant
 * number of word scans (a three-level 64-ary bitmap), never a walk over the
 * 2^20 bits.  Memory: about 2.2 MiB, allocated at create in 2 KiB pieces.
 *
 * Not locked: the owner of the allocator serializes calls.
 */
#ifndef _VSVA_PASID_ALLOC_H
#define _VSVA_PASID_ALLOC_H

#include "vsva.h"

#define VSVA_PASID_RID_PASID	0u		/* reserved at create */
#define VSVA_PASID_NO_OWNER	0xffffu		/* owner of a reserved PASID */
#define VSVA_PASID_MAX_OWNERS	0xfffeu

struct vsva_pasid_stats {
	u64 allocs;
	u64 frees;
	u64 enospc;		/* allocation failed: space exhausted */
	u64 edquot;		/* allocation failed: owner at its quota */
	u64 ebusy;		/* specific allocation of a PASID in use */
	u64 eperm;		/* free of a PASID someone else owns */
	u64 einval;		/* free of a PASID not allocated, bad args */
};

struct vsva_pasid_allocator;

/*
 * Owners 0 .. @nr_owners - 1, each with quota @default_quota (0 means no
 * limit but the space).  NULL on bad arguments or allocation failure.
 */
struct vsva_pasid_allocator *vsva_pasid_alloc_create(u32 nr_owners,
						     u32 default_quota);
void vsva_pasid_alloc_destroy(struct vsva_pasid_allocator *a);

/* Quota below the current usage is allowed: it only stops new allocations. */
int vsva_pasid_set_quota(struct vsva_pasid_allocator *a, u32 owner,
			 u32 quota);
u32 vsva_pasid_usage(const struct vsva_pasid_allocator *a, u32 owner);
u32 vsva_pasid_nr_free(const struct vsva_pasid_allocator *a);
const struct vsva_pasid_stats *
vsva_pasid_alloc_stats(const struct vsva_pasid_allocator *a);

/*
 * Take [@first, @last] out of the allocatable space (e.g. PASIDs beyond
 * ECAP.PSS, or a range handed out by someone else).  All or nothing:
 * -EBUSY if any of them is allocated (reserved ones are fine), -EINVAL if
 * the range is empty or leaves the space.  Unreserving PASID 0 is refused.
 */
int vsva_pasid_reserve_range(struct vsva_pasid_allocator *a, u32 first,
			     u32 last);
int vsva_pasid_unreserve_range(struct vsva_pasid_allocator *a, u32 first,
			       u32 last);

/*
 * The lowest free PASID for @owner: the PASID (> 0), or -EINVAL (bad
 * owner), -EDQUOT (owner at its quota), -ENOSPC (none free).
 */
int vsva_pasid_alloc(struct vsva_pasid_allocator *a, u32 owner);

/*
 * Exactly @pasid for @owner (identity mode): @pasid, or -EINVAL (bad owner
 * or PASID 0 / beyond 20 bits), -EBUSY (allocated or reserved), -EDQUOT.
 */
int vsva_pasid_alloc_specific(struct vsva_pasid_allocator *a, u32 owner,
			      u32 pasid);

/*
 * 0, or -EINVAL (not allocated: double free, never allocated, reserved,
 * out of range, bad owner), -EPERM (allocated to another owner).
 */
int vsva_pasid_free(struct vsva_pasid_allocator *a, u32 owner, u32 pasid);

/* Teardown: free every PASID of @owner; returns how many. */
u32 vsva_pasid_free_all(struct vsva_pasid_allocator *a, u32 owner);

/* The owner of @pasid, VSVA_PASID_NO_OWNER if reserved, -ENOENT if free. */
int vsva_pasid_owner(const struct vsva_pasid_allocator *a, u32 pasid);

#endif /* _VSVA_PASID_ALLOC_H */
