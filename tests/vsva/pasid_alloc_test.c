// SPDX-License-Identifier: GPL-2.0
/*
 * PASID allocator: the 20-bit space (PASIDs 1 .. 0xfffff, PASID 0 held
 * back as RID_PASID), quotas, owner checks, specific allocation, reserved
 * ranges, and create's unwind under allocation failure.
 */
#include <kunit/test.h>

#include "pasid_alloc.h"

#define NR_PASIDS	0x100000u	/* 2^20 */

static void destroy_action(void *a)
{
	vsva_pasid_alloc_destroy(a);
}

static struct vsva_pasid_allocator *pa_new(struct kunit *test, u32 owners,
					   u32 quota)
{
	struct vsva_pasid_allocator *a = vsva_pasid_alloc_create(owners, quota);

	KUNIT_ASSERT_NOT_NULL(test, a);
	kunit_add_action(test, destroy_action, a);
	return a;
}

static void pasid_create_reserves_rid_pasid(struct kunit *test)
{
	struct vsva_pasid_allocator *a = pa_new(test, 1, 0);

	KUNIT_EXPECT_EQ(test, vsva_pasid_owner(a, 0), (int)VSVA_PASID_NO_OWNER);
	/* 2^20 - 1 = 1048575 allocatable */
	KUNIT_EXPECT_EQ(test, vsva_pasid_nr_free(a), 1048575u);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 1);
	KUNIT_EXPECT_EQ(test, vsva_pasid_free(a, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc_specific(a, 0, 0), -EINVAL);
}

static void pasid_lowest_first(struct kunit *test)
{
	struct vsva_pasid_allocator *a = pa_new(test, 1, 0);

	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 1);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 2);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 3);
	KUNIT_EXPECT_EQ(test, vsva_pasid_free(a, 0, 2), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 2);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 4);
	KUNIT_EXPECT_EQ(test, vsva_pasid_usage(a, 0), 4u);
}

/* All 2^20 - 1 PASIDs, then -ENOSPC, then exactly the one freed. */
static void pasid_exhaust_whole_space(struct kunit *test)
{
	struct vsva_pasid_allocator *a = pa_new(test, 2, 0);
	u32 wrong = 0;

	for (u32 p = 1; p < NR_PASIDS; p++)
		wrong += vsva_pasid_alloc(a, p & 1) != (int)p;
	KUNIT_EXPECT_EQ(test, wrong, 0u);
	KUNIT_EXPECT_EQ(test, vsva_pasid_nr_free(a), 0u);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), -ENOSPC);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 1), -ENOSPC);
	/* 0xfffff and 524288 + 1 are odd: owner 1's */
	KUNIT_EXPECT_EQ(test, vsva_pasid_usage(a, 1), 524288u);
	KUNIT_EXPECT_EQ(test, vsva_pasid_free(a, 1, 777777), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 777777);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), -ENOSPC);
	KUNIT_EXPECT_EQ(test, vsva_pasid_free(a, 1, 0xfffff), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 1), 0xfffff);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc_stats(a)->enospc, 3ULL);
}

/* Each level of the bitmap turning full and free again. */
static void pasid_level_boundaries(struct kunit *test)
{
	struct vsva_pasid_allocator *a = pa_new(test, 1, 0);

	/* l0 word 0 holds PASIDs 0..63 */
	KUNIT_EXPECT_EQ(test, vsva_pasid_reserve_range(a, 1, 63), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 64);
	/* one l1 word covers 64 * 64 = 4096 PASIDs */
	KUNIT_EXPECT_EQ(test, vsva_pasid_reserve_range(a, 65, 4095), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 4096);
	/* one l2 word covers 64 * 4096 = 262144 PASIDs */
	KUNIT_EXPECT_EQ(test, vsva_pasid_reserve_range(a, 4097, 262143), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 262144);
	KUNIT_EXPECT_EQ(test, vsva_pasid_free(a, 0, 64), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 64);
	KUNIT_EXPECT_EQ(test, vsva_pasid_unreserve_range(a, 200000, 200000), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 200000);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 262145);
}

static void pasid_quota(struct kunit *test)
{
	struct vsva_pasid_allocator *a = pa_new(test, 2, 3);

	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 1);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 2);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 3);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), -EDQUOT);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 1), 4);
	KUNIT_EXPECT_EQ(test, vsva_pasid_usage(a, 0), 3u);
	KUNIT_EXPECT_EQ(test, vsva_pasid_usage(a, 1), 1u);
	KUNIT_EXPECT_EQ(test, vsva_pasid_free(a, 0, 2), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 2);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc_stats(a)->edquot, 1ULL);
}

static void pasid_quota_lowered(struct kunit *test)
{
	struct vsva_pasid_allocator *a = pa_new(test, 1, 0);

	for (int i = 0; i < 3; i++)
		KUNIT_EXPECT_GT(test, vsva_pasid_alloc(a, 0), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_set_quota(a, 0, 1), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), -EDQUOT);
	KUNIT_EXPECT_EQ(test, vsva_pasid_free(a, 0, 3), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_free(a, 0, 2), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), -EDQUOT);
	KUNIT_EXPECT_EQ(test, vsva_pasid_free(a, 0, 1), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 1);
	KUNIT_EXPECT_EQ(test, vsva_pasid_set_quota(a, 1, 1), -EINVAL);
}

static void pasid_free_wrong_owner(struct kunit *test)
{
	struct vsva_pasid_allocator *a = pa_new(test, 2, 0);

	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 1);
	KUNIT_EXPECT_EQ(test, vsva_pasid_free(a, 1, 1), -EPERM);
	KUNIT_EXPECT_EQ(test, vsva_pasid_owner(a, 1), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_usage(a, 0), 1u);
	KUNIT_EXPECT_EQ(test, vsva_pasid_usage(a, 1), 0u);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc_stats(a)->eperm, 1ULL);
	KUNIT_EXPECT_EQ(test, vsva_pasid_free(a, 0, 1), 0);
}

static void pasid_double_free(struct kunit *test)
{
	struct vsva_pasid_allocator *a = pa_new(test, 1, 0);

	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 1);
	KUNIT_EXPECT_EQ(test, vsva_pasid_free(a, 0, 1), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_free(a, 0, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_pasid_usage(a, 0), 0u);
	KUNIT_EXPECT_EQ(test, vsva_pasid_nr_free(a), 1048575u);
}

static void pasid_free_invalid(struct kunit *test)
{
	struct vsva_pasid_allocator *a = pa_new(test, 1, 0);

	KUNIT_EXPECT_EQ(test, vsva_pasid_free(a, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_pasid_free(a, 0, NR_PASIDS), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_pasid_free(a, 0, 0xffffffff), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_pasid_free(a, 0, 12), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 1);
	KUNIT_EXPECT_EQ(test, vsva_pasid_free(a, 1, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_pasid_reserve_range(a, 5, 5), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_free(a, 0, 5), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_pasid_owner(a, 12), -ENOENT);
	KUNIT_EXPECT_EQ(test, vsva_pasid_owner(a, NR_PASIDS), -ENOENT);
}

static void pasid_specific(struct kunit *test)
{
	struct vsva_pasid_allocator *a = pa_new(test, 2, 0);

	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc_specific(a, 1, 0x12345), 0x12345);
	KUNIT_EXPECT_EQ(test, vsva_pasid_owner(a, 0x12345), 1);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc_specific(a, 0, 1), 1);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 2);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc_specific(a, 0, 0xfffff), 0xfffff);
	KUNIT_EXPECT_EQ(test, vsva_pasid_usage(a, 0), 3u);
	KUNIT_EXPECT_EQ(test, vsva_pasid_free(a, 1, 0x12345), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc_specific(a, 0, 0x12345), 0x12345);
}

static void pasid_specific_refused(struct kunit *test)
{
	struct vsva_pasid_allocator *a = pa_new(test, 2, 1);

	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc_specific(a, 0, 7), 7);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc_specific(a, 1, 7), -EBUSY);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc_specific(a, 0, 8), -EDQUOT);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc_specific(a, 1, NR_PASIDS),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc_specific(a, 2, 9), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_pasid_reserve_range(a, 100, 100), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc_specific(a, 1, 100), -EBUSY);
	KUNIT_EXPECT_EQ(test, vsva_pasid_usage(a, 1), 0u);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc_stats(a)->ebusy, 2ULL);
}

static void pasid_reserve_range(struct kunit *test)
{
	struct vsva_pasid_allocator *a = pa_new(test, 1, 0);

	KUNIT_EXPECT_EQ(test, vsva_pasid_reserve_range(a, 1, 0xffff), 0);
	/* 1048575 - 65535 = 983040 */
	KUNIT_EXPECT_EQ(test, vsva_pasid_nr_free(a), 983040u);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), 0x10000);
	KUNIT_EXPECT_EQ(test, vsva_pasid_owner(a, 5), (int)VSVA_PASID_NO_OWNER);
	/* Reserving an already reserved range again is fine. */
	KUNIT_EXPECT_EQ(test, vsva_pasid_reserve_range(a, 10, 20), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_reserve_range(a, 20, 10), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_pasid_reserve_range(a, 5, NR_PASIDS),
			-EINVAL);
}

/* All or nothing: one allocated PASID in the range refuses the lot. */
static void pasid_reserve_busy(struct kunit *test)
{
	struct vsva_pasid_allocator *a = pa_new(test, 1, 0);

	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc_specific(a, 0, 10), 10);
	KUNIT_EXPECT_EQ(test, vsva_pasid_reserve_range(a, 5, 15), -EBUSY);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc_specific(a, 0, 5), 5);
	KUNIT_EXPECT_EQ(test, vsva_pasid_owner(a, 15), -ENOENT);
	KUNIT_EXPECT_EQ(test, vsva_pasid_unreserve_range(a, 5, 15), -EBUSY);
}

static void pasid_unreserve(struct kunit *test)
{
	struct vsva_pasid_allocator *a = pa_new(test, 1, 0);

	KUNIT_EXPECT_EQ(test, vsva_pasid_reserve_range(a, 100, 200), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_unreserve_range(a, 150, 200), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc_specific(a, 0, 150), 150);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc_specific(a, 0, 120), -EBUSY);
	KUNIT_EXPECT_EQ(test, vsva_pasid_unreserve_range(a, 0, 5), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_pasid_owner(a, 0), (int)VSVA_PASID_NO_OWNER);
	/* 1048575 - 101 reserved + 51 unreserved - 1 allocated */
	KUNIT_EXPECT_EQ(test, vsva_pasid_nr_free(a), 1048524u);
}

/* A unit with ECAP.PSS = 9 has 2^10 PASIDs: reserve the rest. */
static void pasid_small_space(struct kunit *test)
{
	struct vsva_pasid_allocator *a = pa_new(test, 1, 0);
	u32 n = 0;

	KUNIT_EXPECT_EQ(test, vsva_pasid_reserve_range(a, 1024, NR_PASIDS - 1),
			0);
	while (vsva_pasid_alloc(a, 0) > 0 && n < 2000)
		n++;
	KUNIT_EXPECT_EQ(test, n, 1023u);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 0), -ENOSPC);
}

static void pasid_free_all(struct kunit *test)
{
	struct vsva_pasid_allocator *a = pa_new(test, 2, 0);

	for (int i = 0; i < 5; i++)
		KUNIT_EXPECT_GT(test, vsva_pasid_alloc(a, 0), 0);
	for (int i = 0; i < 3; i++)
		KUNIT_EXPECT_GT(test, vsva_pasid_alloc(a, 1), 0);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc_specific(a, 0, 0xabcde), 0xabcde);
	KUNIT_EXPECT_EQ(test, vsva_pasid_free_all(a, 0), 6u);
	KUNIT_EXPECT_EQ(test, vsva_pasid_usage(a, 0), 0u);
	KUNIT_EXPECT_EQ(test, vsva_pasid_usage(a, 1), 3u);
	KUNIT_EXPECT_EQ(test, vsva_pasid_owner(a, 0xabcde), -ENOENT);
	KUNIT_EXPECT_EQ(test, vsva_pasid_owner(a, 6), 1);
	KUNIT_EXPECT_EQ(test, vsva_pasid_free_all(a, 7), 0u);
	KUNIT_EXPECT_EQ(test, vsva_pasid_nr_free(a), 1048572u);
}

static void pasid_bad_owner(struct kunit *test)
{
	struct vsva_pasid_allocator *a = pa_new(test, 3, 0);

	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 3), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_pasid_usage(a, 3), 0u);
	KUNIT_EXPECT_NULL(test, vsva_pasid_alloc_create(0, 1));
	KUNIT_EXPECT_NULL(test, vsva_pasid_alloc_create(0xffff, 1));
}

/* Every allocation failure during create unwinds to NULL, no leak. */
static void pasid_create_fail_nth(struct kunit *test)
{
#ifdef __KERNEL__
	kunit_skip(test, "fail-nth injection is user-space only");
#else
	struct vsva_pasid_allocator *a = NULL;
	u32 n, not_null = 0;

	for (n = 1; n < 4096; n++) {
		vsva_fail_nth(n);
		a = vsva_pasid_alloc_create(2, 0);
		if (vsva_fail_nth(0) < n)
			break;	/* create made fewer than n allocations */
		not_null += a != NULL;
		vsva_pasid_alloc_destroy(a);
	}
	KUNIT_EXPECT_EQ(test, not_null, 0u);
	KUNIT_ASSERT_NOT_NULL(test, a);
	/* allocator + chunk table + usage + quota + 1024 chunks = 1028 */
	KUNIT_EXPECT_EQ(test, n, 1029u);
	KUNIT_EXPECT_EQ(test, vsva_pasid_alloc(a, 1), 1);
	vsva_pasid_alloc_destroy(a);
#endif
}

static struct kunit_case pasid_cases[] = {
	KUNIT_CASE(pasid_create_reserves_rid_pasid),
	KUNIT_CASE(pasid_lowest_first),
	KUNIT_CASE_SLOW(pasid_exhaust_whole_space),
	KUNIT_CASE(pasid_level_boundaries),
	KUNIT_CASE(pasid_quota),
	KUNIT_CASE(pasid_quota_lowered),
	KUNIT_CASE(pasid_free_wrong_owner),
	KUNIT_CASE(pasid_double_free),
	KUNIT_CASE(pasid_free_invalid),
	KUNIT_CASE(pasid_specific),
	KUNIT_CASE(pasid_specific_refused),
	KUNIT_CASE(pasid_reserve_range),
	KUNIT_CASE(pasid_reserve_busy),
	KUNIT_CASE(pasid_unreserve),
	KUNIT_CASE(pasid_small_space),
	KUNIT_CASE(pasid_free_all),
	KUNIT_CASE(pasid_bad_owner),
	KUNIT_CASE_SLOW(pasid_create_fail_nth),
	{}
};

static struct kunit_suite pasid_suite = {
	.name = "vsva-pasid-alloc",
	.test_cases = pasid_cases,
};

kunit_test_suites(&pasid_suite);
