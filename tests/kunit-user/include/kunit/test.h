/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A user-space implementation of the subset of the Linux KUnit API that the
 * nestmed suites use.  The same test sources build into a real KUnit kernel
 * (tests/kunit/) and, with this header first on the include path, into the
 * native runner built by `make check` (plain and under ASan+UBSan).
 *
 * Semantics follow include/kunit/test.h of Linux 6.12: EXPECT records a
 * failure and continues, ASSERT records a failure and ends the case,
 * parameterised cases run once per generated parameter as KTAP subtests,
 * kunit_kzalloc'ed memory is released when the case ends.
 */
#ifndef _KUNIT_USER_TEST_H
#define _KUNIT_USER_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>

#ifndef GFP_KERNEL
typedef unsigned int gfp_t;
#define GFP_KERNEL	0u
#define GFP_ATOMIC	1u
#endif

#define KUNIT_PARAM_DESC_SIZE 128

enum kunit_status {
	KUNIT_SUCCESS,
	KUNIT_FAILURE,
	KUNIT_SKIPPED,
};

struct kunit_resource_node;

struct kunit {
	void *priv;
	const char *name;
	const void *param_value;
	int param_index;
	/* runner-private */
	enum kunit_status status;
	char status_comment[256];
	jmp_buf abort_jmp;
	struct kunit_resource_node *resources;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	const void *(*generate_params)(const void *prev, char *desc);
	/* runner-private */
	enum kunit_status status;
};

struct kunit_suite {
	const char name[256];
	int (*suite_init)(struct kunit_suite *suite);
	void (*suite_exit)(struct kunit_suite *suite);
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
};

#define KUNIT_CASE(test_name) { .run_case = test_name, .name = #test_name }
#define KUNIT_CASE_SLOW(test_name) KUNIT_CASE(test_name)
#define KUNIT_CASE_PARAM(test_name, gen_params) \
	{ .run_case = test_name, .name = #test_name, \
	  .generate_params = gen_params }

#define KUNIT_ARRAY_PARAM(name, array, get_desc)			\
	static const void *name##_gen_params(const void *prev, char *desc) \
	{								\
		__typeof__((array)[0]) *__next =			\
			prev ? ((__typeof__(__next))prev) + 1 : (array); \
		if (__next - (array) < (long)(sizeof(array) / sizeof((array)[0]))) { \
			void (*__get_desc)(__typeof__(__next), char *) = get_desc; \
			if (__get_desc)					\
				__get_desc(__next, desc);		\
			return __next;					\
		}							\
		return NULL;						\
	}

#define KUNIT_ARRAY_PARAM_DESC(name, array, desc_member)		\
	static const void *name##_gen_params(const void *prev, char *desc) \
	{								\
		__typeof__((array)[0]) *__next =			\
			prev ? ((__typeof__(__next))prev) + 1 : (array); \
		if (__next - (array) < (long)(sizeof(array) / sizeof((array)[0]))) { \
			strncpy(desc, __next->desc_member,		\
				KUNIT_PARAM_DESC_SIZE - 1);		\
			desc[KUNIT_PARAM_DESC_SIZE - 1] = '\0';		\
			return __next;					\
		}							\
		return NULL;						\
	}

/* Registration: every suite named here is run by the native runner. */
void kunit_user_register(struct kunit_suite **suites, int n);

#define kunit_test_suites(...)						\
	static struct kunit_suite *__kunit_user_suites[] = { __VA_ARGS__ }; \
	__attribute__((constructor)) static void __kunit_user_ctor(void) \
	{								\
		kunit_user_register(__kunit_user_suites,		\
			(int)(sizeof(__kunit_user_suites) /		\
			      sizeof(__kunit_user_suites[0])));		\
	}
#define kunit_test_suite(suite) kunit_test_suites(&suite)

/* Managed allocation, freed when the case ends. */
void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size, gfp_t gfp);
void *kunit_kzalloc(struct kunit *test, size_t size, gfp_t gfp);
void kunit_kfree(struct kunit *test, const void *ptr);
static inline void *kunit_kmalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	return kunit_kmalloc_array(test, 1, size, gfp);
}
static inline void *kunit_kcalloc(struct kunit *test, size_t n, size_t size,
				  gfp_t gfp)
{
	void *p = kunit_kmalloc_array(test, n, size, gfp);

	if (p)
		memset(p, 0, n * size);
	return p;
}

/* Deferred actions, run in reverse order when the case ends. */
typedef void (kunit_action_t)(void *);
int kunit_add_action(struct kunit *test, kunit_action_t *action, void *ctx);

void kunit_log_msg(struct kunit *test, const char *level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define kunit_info(test, fmt, ...) kunit_log_msg(test, "", fmt, ##__VA_ARGS__)
#define kunit_warn(test, fmt, ...) kunit_log_msg(test, "warning: ", fmt, ##__VA_ARGS__)
#define kunit_err(test, fmt, ...) kunit_log_msg(test, "error: ", fmt, ##__VA_ARGS__)

void kunit_mark_skipped_msg(struct kunit *test, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define kunit_mark_skipped(test, fmt, ...) \
	kunit_mark_skipped_msg(test, fmt, ##__VA_ARGS__)
#define kunit_skip(test, fmt, ...) do {					\
		kunit_mark_skipped_msg(test, fmt, ##__VA_ARGS__);	\
		kunit_user_abort(test);					\
	} while (0)

/* Failure reporting, used by the macros below. */
__attribute__((noreturn)) void kunit_user_abort(struct kunit *test);
void kunit_user_fail(struct kunit *test, const char *file, int line,
		     const char *kind, const char *expr, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

#define __KUNIT_REPORT(test, fatal, kind, expr, fmt, ...) do {		\
		kunit_user_fail(test, __FILE__, __LINE__, kind, expr,	\
				fmt, ##__VA_ARGS__);			\
		if (fatal)						\
			kunit_user_abort(test);				\
	} while (0)

#define __KUNIT_BINARY_INT(test, fatal, kind, left, op, right, fmt, ...) do { \
		const __typeof__(left) __l = (left);			\
		const __typeof__(right) __r = (right);			\
		if (!(__l op __r))					\
			__KUNIT_REPORT(test, fatal, kind,		\
				#left " " #op " " #right,		\
				"    %s == %lld (0x%llx)\n    %s == %lld (0x%llx)\n" fmt, \
				#left, (long long)__l, (unsigned long long)__l, \
				#right, (long long)__r, (unsigned long long)__r, \
				##__VA_ARGS__);				\
	} while (0)

#define __KUNIT_BINARY_PTR(test, fatal, kind, left, op, right, fmt, ...) do { \
		const void *__l = (left);				\
		const void *__r = (right);				\
		if (!(__l op __r))					\
			__KUNIT_REPORT(test, fatal, kind,		\
				#left " " #op " " #right,		\
				"    %s == %p\n    %s == %p\n" fmt, \
				#left, __l, #right, __r, ##__VA_ARGS__);		\
	} while (0)

#define __KUNIT_BINARY_STR(test, fatal, kind, left, op, right, fmt, ...) do { \
		const char *__l = (left);				\
		const char *__r = (right);				\
		if (!(strcmp(__l, __r) op 0))				\
			__KUNIT_REPORT(test, fatal, kind,		\
				#left " " #op " " #right,		\
				"    %s == \"%s\"\n    %s == \"%s\"\n" fmt, \
				#left, __l, #right, __r, ##__VA_ARGS__);		\
	} while (0)

#define __KUNIT_MEM(test, fatal, kind, left, op, right, size, fmt, ...) do { \
		const void *__l = (left);				\
		const void *__r = (right);				\
		if (!(memcmp(__l, __r, (size)) op 0))			\
			__KUNIT_REPORT(test, fatal, kind,		\
				#left " " #op " " #right,		\
				"    (%zu bytes)\n" fmt, (size_t)(size),	\
				##__VA_ARGS__);				\
	} while (0)

#define __KUNIT_TRUE(test, fatal, kind, cond, want, fmt, ...) do {	\
		if (((bool)(cond)) != (want))				\
			__KUNIT_REPORT(test, fatal, kind, #cond,	\
				"    %s is %s\n" fmt, #cond,		\
				(want) ? "false" : "true", ##__VA_ARGS__); \
	} while (0)

#define __KUNIT_PTR_ERR(test, fatal, kind, ptr, fmt, ...) do {		\
		const void *__p = (ptr);				\
		if (!__p || (uintptr_t)__p >= (uintptr_t)-4095)		\
			__KUNIT_REPORT(test, fatal, kind,		\
				#ptr " is not null and not error",	\
				"    %s == %p\n" fmt, #ptr, __p, ##__VA_ARGS__); \
	} while (0)

#define KUNIT_FAIL(test, fmt, ...) \
	__KUNIT_REPORT(test, 0, "EXPECTATION", "KUNIT_FAIL", fmt "\n", ##__VA_ARGS__)

/* EXPECT: record and continue. */
#define KUNIT_EXPECT_TRUE(t, c)  __KUNIT_TRUE(t, 0, "EXPECTATION", c, true, "")
#define KUNIT_EXPECT_FALSE(t, c) __KUNIT_TRUE(t, 0, "EXPECTATION", c, false, "")
#define KUNIT_EXPECT_TRUE_MSG(t, c, fmt, ...)  __KUNIT_TRUE(t, 0, "EXPECTATION", c, true, fmt "\n", ##__VA_ARGS__)
#define KUNIT_EXPECT_FALSE_MSG(t, c, fmt, ...) __KUNIT_TRUE(t, 0, "EXPECTATION", c, false, fmt "\n", ##__VA_ARGS__)
#define KUNIT_EXPECT_EQ(t, l, r) __KUNIT_BINARY_INT(t, 0, "EXPECTATION", l, ==, r, "")
#define KUNIT_EXPECT_NE(t, l, r) __KUNIT_BINARY_INT(t, 0, "EXPECTATION", l, !=, r, "")
#define KUNIT_EXPECT_LT(t, l, r) __KUNIT_BINARY_INT(t, 0, "EXPECTATION", l, <, r, "")
#define KUNIT_EXPECT_LE(t, l, r) __KUNIT_BINARY_INT(t, 0, "EXPECTATION", l, <=, r, "")
#define KUNIT_EXPECT_GT(t, l, r) __KUNIT_BINARY_INT(t, 0, "EXPECTATION", l, >, r, "")
#define KUNIT_EXPECT_GE(t, l, r) __KUNIT_BINARY_INT(t, 0, "EXPECTATION", l, >=, r, "")
#define KUNIT_EXPECT_EQ_MSG(t, l, r, fmt, ...) __KUNIT_BINARY_INT(t, 0, "EXPECTATION", l, ==, r, fmt "\n", ##__VA_ARGS__)
#define KUNIT_EXPECT_NE_MSG(t, l, r, fmt, ...) __KUNIT_BINARY_INT(t, 0, "EXPECTATION", l, !=, r, fmt "\n", ##__VA_ARGS__)
#define KUNIT_EXPECT_LT_MSG(t, l, r, fmt, ...) __KUNIT_BINARY_INT(t, 0, "EXPECTATION", l, <, r, fmt "\n", ##__VA_ARGS__)
#define KUNIT_EXPECT_LE_MSG(t, l, r, fmt, ...) __KUNIT_BINARY_INT(t, 0, "EXPECTATION", l, <=, r, fmt "\n", ##__VA_ARGS__)
#define KUNIT_EXPECT_GT_MSG(t, l, r, fmt, ...) __KUNIT_BINARY_INT(t, 0, "EXPECTATION", l, >, r, fmt "\n", ##__VA_ARGS__)
#define KUNIT_EXPECT_GE_MSG(t, l, r, fmt, ...) __KUNIT_BINARY_INT(t, 0, "EXPECTATION", l, >=, r, fmt "\n", ##__VA_ARGS__)
#define KUNIT_EXPECT_PTR_EQ(t, l, r) __KUNIT_BINARY_PTR(t, 0, "EXPECTATION", l, ==, r, "")
#define KUNIT_EXPECT_PTR_NE(t, l, r) __KUNIT_BINARY_PTR(t, 0, "EXPECTATION", l, !=, r, "")
#define KUNIT_EXPECT_NULL(t, p) __KUNIT_BINARY_PTR(t, 0, "EXPECTATION", p, ==, NULL, "")
#define KUNIT_EXPECT_NOT_NULL(t, p) __KUNIT_BINARY_PTR(t, 0, "EXPECTATION", p, !=, NULL, "")
#define KUNIT_EXPECT_NOT_ERR_OR_NULL(t, p) __KUNIT_PTR_ERR(t, 0, "EXPECTATION", p, "")
#define KUNIT_EXPECT_STREQ(t, l, r) __KUNIT_BINARY_STR(t, 0, "EXPECTATION", l, ==, r, "")
#define KUNIT_EXPECT_STRNEQ(t, l, r) __KUNIT_BINARY_STR(t, 0, "EXPECTATION", l, !=, r, "")
#define KUNIT_EXPECT_MEMEQ(t, l, r, n) __KUNIT_MEM(t, 0, "EXPECTATION", l, ==, r, n, "")
#define KUNIT_EXPECT_MEMNEQ(t, l, r, n) __KUNIT_MEM(t, 0, "EXPECTATION", l, !=, r, n, "")

/* ASSERT: record and end the case. */
#define KUNIT_ASSERT_TRUE(t, c)  __KUNIT_TRUE(t, 1, "ASSERTION", c, true, "")
#define KUNIT_ASSERT_FALSE(t, c) __KUNIT_TRUE(t, 1, "ASSERTION", c, false, "")
#define KUNIT_ASSERT_TRUE_MSG(t, c, fmt, ...)  __KUNIT_TRUE(t, 1, "ASSERTION", c, true, fmt "\n", ##__VA_ARGS__)
#define KUNIT_ASSERT_FALSE_MSG(t, c, fmt, ...) __KUNIT_TRUE(t, 1, "ASSERTION", c, false, fmt "\n", ##__VA_ARGS__)
#define KUNIT_ASSERT_EQ(t, l, r) __KUNIT_BINARY_INT(t, 1, "ASSERTION", l, ==, r, "")
#define KUNIT_ASSERT_NE(t, l, r) __KUNIT_BINARY_INT(t, 1, "ASSERTION", l, !=, r, "")
#define KUNIT_ASSERT_LT(t, l, r) __KUNIT_BINARY_INT(t, 1, "ASSERTION", l, <, r, "")
#define KUNIT_ASSERT_LE(t, l, r) __KUNIT_BINARY_INT(t, 1, "ASSERTION", l, <=, r, "")
#define KUNIT_ASSERT_GT(t, l, r) __KUNIT_BINARY_INT(t, 1, "ASSERTION", l, >, r, "")
#define KUNIT_ASSERT_GE(t, l, r) __KUNIT_BINARY_INT(t, 1, "ASSERTION", l, >=, r, "")
#define KUNIT_ASSERT_EQ_MSG(t, l, r, fmt, ...) __KUNIT_BINARY_INT(t, 1, "ASSERTION", l, ==, r, fmt "\n", ##__VA_ARGS__)
#define KUNIT_ASSERT_NE_MSG(t, l, r, fmt, ...) __KUNIT_BINARY_INT(t, 1, "ASSERTION", l, !=, r, fmt "\n", ##__VA_ARGS__)
#define KUNIT_ASSERT_PTR_EQ(t, l, r) __KUNIT_BINARY_PTR(t, 1, "ASSERTION", l, ==, r, "")
#define KUNIT_ASSERT_PTR_NE(t, l, r) __KUNIT_BINARY_PTR(t, 1, "ASSERTION", l, !=, r, "")
#define KUNIT_ASSERT_NULL(t, p) __KUNIT_BINARY_PTR(t, 1, "ASSERTION", p, ==, NULL, "")
#define KUNIT_ASSERT_NOT_NULL(t, p) __KUNIT_BINARY_PTR(t, 1, "ASSERTION", p, !=, NULL, "")
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(t, p) __KUNIT_PTR_ERR(t, 1, "ASSERTION", p, "")
#define KUNIT_ASSERT_STREQ(t, l, r) __KUNIT_BINARY_STR(t, 1, "ASSERTION", l, ==, r, "")
#define KUNIT_ASSERT_MEMEQ(t, l, r, n) __KUNIT_MEM(t, 1, "ASSERTION", l, ==, r, n, "")

#endif /* _KUNIT_USER_TEST_H */
