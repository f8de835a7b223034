// SPDX-License-Identifier: GPL-2.0
#include <kunit/test.h>

#include "mem.h"

static void flatmem_roundtrip(struct kunit *test)
{
	u64 *buf = kunit_kzalloc(test, 4096, GFP_KERNEL);
	struct vsva_flatmem fm;
	struct vsva_mem m;
	u64 v = 0, cur = 0;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	vsva_flatmem_init(&fm, buf, 0x1000, 4096, VSVA_AS_HPA);
	m = vsva_flatmem_mem(&fm);
	KUNIT_EXPECT_EQ(test, vsva_write64(&m, VSVA_AS_HPA, 0x1008, 0xabcd), 0);
	KUNIT_EXPECT_EQ(test, buf[1], 0xabcdULL);
	KUNIT_EXPECT_EQ(test, vsva_read64(&m, VSVA_AS_HPA, 0x1008, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0xabcdULL);
	KUNIT_EXPECT_EQ(test, vsva_read64(&m, VSVA_AS_HPA, 0x2000, &v), -EFAULT);
	KUNIT_EXPECT_EQ(test, vsva_read64(&m, VSVA_AS_HPA, 0x1004, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_read64(&m, 1, 0x1008, &v), -EFAULT);
	KUNIT_EXPECT_EQ(test, vsva_cmpxchg64(&m, VSVA_AS_HPA, 0x1008, 0xabcd, 7, &cur), 0);
	KUNIT_EXPECT_EQ(test, cur, 0xabcdULL);
	KUNIT_EXPECT_EQ(test, buf[1], 7ULL);
	KUNIT_EXPECT_EQ(test, vsva_cmpxchg64(&m, VSVA_AS_HPA, 0x1008, 0xabcd, 9, &cur), 0);
	KUNIT_EXPECT_EQ(test, cur, 7ULL);
	KUNIT_EXPECT_EQ(test, buf[1], 7ULL);
}

static struct kunit_case mem_cases[] = {
	KUNIT_CASE(flatmem_roundtrip),
	{}
};

static struct kunit_suite mem_suite = {
	.name = "vsva-mem",
	.test_cases = mem_cases,
};

kunit_test_suites(&mem_suite);
