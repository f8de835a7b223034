// SPDX-License-Identifier: GPL-2.0
/*
 * PASID allocator: a three-level 64-ary bitmap over 2^20 PASIDs.
 *
 *   l0: 16384 words, bit set = PASID taken (allocated or reserved)
 *   l1:   256 words, bit set = that l0 word is full
 *   l2:     4 words, bit set = that l1 word is full
 *
 * The lowest free PASID is found with one scan of l2 and one bit search in
 * each level below, and taking or releasing a PASID updates at most one
 * word per level.  l0 and the per-PASID owner live in chunks of 1024
 * PASIDs, so no allocation is larger than a few KiB (kernel-friendly).
 */
#include "pasid_alloc.h"

#define CHUNK_SHIFT	10
#define CHUNK_PASIDS	(1u << CHUNK_SHIFT)
#define NR_CHUNKS	(VSVA_PASID_MAX >> CHUNK_SHIFT)		/* 1024 */
#define L0_WORDS	(VSVA_PASID_MAX / 64)			/* 16384 */
#define L1_WORDS	(L0_WORDS / 64)				/* 256 */
#define L2_WORDS	(L1_WORDS / 64)				/* 4 */
#define QUOTA_NONE	0xffffffffu

struct pasid_chunk {
	u64 map[CHUNK_PASIDS / 64];
	u16 owner[CHUNK_PASIDS];
};

struct vsva_pasid_allocator {
	struct pasid_chunk **chunk;	/* NR_CHUNKS */
	u32 *usage;			/* per owner */
	u32 *quota;			/* per owner; QUOTA_NONE: unlimited */
	u32 nr_owners;
	u32 nr_free;
	u64 l1[L1_WORDS];
	u64 l2[L2_WORDS];
	struct vsva_pasid_stats stats;
};

static u64 *l0_word(const struct vsva_pasid_allocator *a, u32 w)
{
	return &a->chunk[w / (CHUNK_PASIDS / 64)]->map[w % (CHUNK_PASIDS / 64)];
}

static u16 *owner_slot(const struct vsva_pasid_allocator *a, u32 pasid)
{
	return &a->chunk[pasid >> CHUNK_SHIFT]->owner[pasid & (CHUNK_PASIDS - 1)];
}

static bool taken(const struct vsva_pasid_allocator *a, u32 pasid)
{
	return *l0_word(a, pasid / 64) & BIT_ULL(pasid % 64);
}

static void take(struct vsva_pasid_allocator *a, u32 pasid, u16 owner)
{
	u32 w = pasid / 64;
	u64 *p = l0_word(a, w);

	*p |= BIT_ULL(pasid % 64);
	*owner_slot(a, pasid) = owner;
	a->nr_free--;
	if (*p != ~0ULL)
		return;
	a->l1[w / 64] |= BIT_ULL(w % 64);
	if (a->l1[w / 64] == ~0ULL)
		a->l2[w / 4096] |= BIT_ULL((w / 64) % 64);
}

static void release(struct vsva_pasid_allocator *a, u32 pasid)
{
	u32 w = pasid / 64;

	*l0_word(a, w) &= ~BIT_ULL(pasid % 64);
	*owner_slot(a, pasid) = 0;
	a->nr_free++;
	a->l1[w / 64] &= ~BIT_ULL(w % 64);
	a->l2[w / 4096] &= ~BIT_ULL((w / 64) % 64);
}

/* Lowest PASID not taken, or -ENOSPC. */
static int find_free(const struct vsva_pasid_allocator *a)
{
	for (u32 i = 0; i < L2_WORDS; i++) {
		u32 j, w;

		if (a->l2[i] == ~0ULL)
			continue;
		j = i * 64 + (u32)__builtin_ctzll(~a->l2[i]);
		w = j * 64 + (u32)__builtin_ctzll(~a->l1[j]);
		return (int)(w * 64 + (u32)__builtin_ctzll(~*l0_word(a, w)));
	}
	return -ENOSPC;
}

void vsva_pasid_alloc_destroy(struct vsva_pasid_allocator *a)
{
	if (!a)
		return;
	if (a->chunk)
		for (u32 i = 0; i < NR_CHUNKS; i++)
			vsva_kfree(a->chunk[i]);
	vsva_kfree(a->chunk);
	vsva_kfree(a->usage);
	vsva_kfree(a->quota);
	vsva_kfree(a);
}

struct vsva_pasid_allocator *vsva_pasid_alloc_create(u32 nr_owners,
						     u32 default_quota)
{
	struct vsva_pasid_allocator *a;

	if (!nr_owners || nr_owners > VSVA_PASID_MAX_OWNERS)
		return NULL;
	a = vsva_kzalloc(sizeof(*a));
	if (!a)
		return NULL;
	a->nr_owners = nr_owners;
	a->chunk = vsva_kcalloc(NR_CHUNKS, sizeof(*a->chunk));
	a->usage = vsva_kcalloc(nr_owners, sizeof(*a->usage));
	a->quota = vsva_kcalloc(nr_owners, sizeof(*a->quota));
	if (!a->chunk || !a->usage || !a->quota)
		goto fail;
	for (u32 i = 0; i < NR_CHUNKS; i++) {
		a->chunk[i] = vsva_kzalloc(sizeof(*a->chunk[i]));
		if (!a->chunk[i])
			goto fail;
	}
	for (u32 o = 0; o < nr_owners; o++)
		a->quota[o] = default_quota ? default_quota : QUOTA_NONE;
	a->nr_free = VSVA_PASID_MAX;
	take(a, VSVA_PASID_RID_PASID, VSVA_PASID_NO_OWNER);
	return a;
fail:
	vsva_pasid_alloc_destroy(a);
	return NULL;
}

int vsva_pasid_set_quota(struct vsva_pasid_allocator *a, u32 owner,
			 u32 quota)
{
	if (owner >= a->nr_owners)
		return -EINVAL;
	a->quota[owner] = quota;
	return 0;
}

u32 vsva_pasid_usage(const struct vsva_pasid_allocator *a, u32 owner)
{
	return owner < a->nr_owners ? a->usage[owner] : 0;
}

u32 vsva_pasid_nr_free(const struct vsva_pasid_allocator *a)
{
	return a->nr_free;
}

const struct vsva_pasid_stats *
vsva_pasid_alloc_stats(const struct vsva_pasid_allocator *a)
{
	return &a->stats;
}

static bool allocated(const struct vsva_pasid_allocator *a, u32 pasid)
{
	return taken(a, pasid) && *owner_slot(a, pasid) != VSVA_PASID_NO_OWNER;
}

static int check_range(const struct vsva_pasid_allocator *a, u32 first,
		       u32 last)
{
	if (first > last || last >= VSVA_PASID_MAX)
		return -EINVAL;
	for (u32 p = first; p <= last; p++)
		if (allocated(a, p))
			return -EBUSY;
	return 0;
}

int vsva_pasid_reserve_range(struct vsva_pasid_allocator *a, u32 first,
			     u32 last)
{
	int ret = check_range(a, first, last);

	if (ret)
		return ret;
	for (u32 p = first; p <= last; p++)
		if (!taken(a, p))
			take(a, p, VSVA_PASID_NO_OWNER);
	return 0;
}

int vsva_pasid_unreserve_range(struct vsva_pasid_allocator *a, u32 first,
			       u32 last)
{
	int ret;

	if (first == VSVA_PASID_RID_PASID)
		return -EINVAL;
	ret = check_range(a, first, last);
	if (ret)
		return ret;
	for (u32 p = first; p <= last; p++)
		if (taken(a, p))
			release(a, p);
	return 0;
}

static int owner_may_alloc(struct vsva_pasid_allocator *a, u32 owner)
{
	if (owner >= a->nr_owners) {
		a->stats.einval++;
		return -EINVAL;
	}
	if (a->usage[owner] >= a->quota[owner]) {
		a->stats.edquot++;
		return -EDQUOT;
	}
	return 0;
}

int vsva_pasid_alloc(struct vsva_pasid_allocator *a, u32 owner)
{
	int ret = owner_may_alloc(a, owner);
	int pasid;

	if (ret)
		return ret;
	pasid = find_free(a);
	if (pasid < 0) {
		a->stats.enospc++;
		return pasid;
	}
	take(a, (u32)pasid, (u16)owner);
	a->usage[owner]++;
	a->stats.allocs++;
	return pasid;
}

int vsva_pasid_alloc_specific(struct vsva_pasid_allocator *a, u32 owner,
			      u32 pasid)
{
	int ret;

	if (pasid == VSVA_PASID_RID_PASID || pasid >= VSVA_PASID_MAX ||
	    owner >= a->nr_owners) {
		a->stats.einval++;
		return -EINVAL;
	}
	if (taken(a, pasid)) {
		a->stats.ebusy++;
		return -EBUSY;
	}
	ret = owner_may_alloc(a, owner);
	if (ret)
		return ret;
	take(a, pasid, (u16)owner);
	a->usage[owner]++;
	a->stats.allocs++;
	return (int)pasid;
}

int vsva_pasid_free(struct vsva_pasid_allocator *a, u32 owner, u32 pasid)
{
	if (pasid >= VSVA_PASID_MAX || owner >= a->nr_owners ||
	    !allocated(a, pasid)) {
		a->stats.einval++;
		return -EINVAL;
	}
	if (*owner_slot(a, pasid) != owner) {
		a->stats.eperm++;
		return -EPERM;
	}
	release(a, pasid);
	a->usage[owner]--;
	a->stats.frees++;
	return 0;
}

u32 vsva_pasid_free_all(struct vsva_pasid_allocator *a, u32 owner)
{
	u32 n = 0;

	if (owner >= a->nr_owners)
		return 0;
	for (u32 w = 0; w < L0_WORDS && a->usage[owner]; w++) {
		u64 bits = *l0_word(a, w);

		while (bits) {
			u32 pasid = w * 64 + (u32)__builtin_ctzll(bits);

			bits &= bits - 1;
			if (*owner_slot(a, pasid) != owner)
				continue;
			release(a, pasid);
			a->usage[owner]--;
			a->stats.frees++;
			n++;
		}
	}
	return n;
}

int vsva_pasid_owner(const struct vsva_pasid_allocator *a, u32 pasid)
{
	if (pasid >= VSVA_PASID_MAX || !taken(a, pasid))
		return -ENOENT;
	return *owner_slot(a, pasid);
}
