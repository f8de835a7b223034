// SPDX-License-Identifier: GPL-2.0
/*
 * The sysfs/debugfs tree of the simulated L1 kernel (guest/sim/lk/fs.c)
 * with directories of thousands of entries, as /sys/bus/mdev/devices/
 * becomes with one mdev per WQ: lookups go through a per-directory hash
 * that grows, listing sorts on demand.  What is checked is what a list
 * gave before: every entry found by name, none found after its removal,
 * duplicates refused, listings in name order whatever the creation order.
 */
#include <linux/debugfs.h>

#include <kunit/test.h>

#include "sim.h"
#include "lk/lk_internal.h"

#define NR		3000u	/* table growths from 8 to 4096 buckets */
#define MDEVS		"/sys/bus/mdev/devices"

struct idx_fix {
	struct sim s;
	char list[NR * 16];
};

static int idx_init(struct kunit *test)
{
	struct idx_fix *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	if (!f || sim_init(&f->s, 1))
		return -ENOMEM;
	if (lk_core_init_for_test(&f->s)) {
		sim_fini(&f->s);
		return -ENOMEM;
	}
	test->priv = f;
	return 0;
}

static void idx_exit(struct kunit *test)
{
	struct idx_fix *f = test->priv;

	lk_core_fini_for_test();
	sim_fini(&f->s);
}

static ssize_t idx_show(void *ctx, char *buf)
{
	return sysfs_emit(buf, "%lu\n", (unsigned long)ctx);
}

/* Entry @i's name: created in an order that is not the name order. */
static unsigned int scrambled(unsigned int i)
{
	return (i * 1237u + 11u) % NR;	/* 1237 is prime to NR */
}

static void name_of(unsigned int n, char *buf, size_t len)
{
	snprintf(buf, len, "e%05u", n);
}

static int add(unsigned int n)
{
	char path[128], name[16];

	name_of(n, name, sizeof(name));
	snprintf(path, sizeof(path), MDEVS "/%s/value", name);
	return lk_sysfs_add(path, idx_show, NULL, (void *)(unsigned long)n);
}

static ssize_t read_value(unsigned int n, char *buf, size_t len)
{
	char path[128], name[16];

	name_of(n, name, sizeof(name));
	snprintf(path, sizeof(path), MDEVS "/%s/value", name);
	return lk_sysfs_read(path, buf, len);
}

static void remove_entry(unsigned int n)
{
	char path[128], name[16];

	name_of(n, name, sizeof(name));
	snprintf(path, sizeof(path), MDEVS "/%s", name);
	lk_sysfs_remove(path);
}

/* The listing holds the entries with (n % step == 0) in order, only. */
static void expect_listing(struct kunit *test, unsigned int step)
{
	struct idx_fix *f = test->priv;
	char name[16];
	const char *p = f->list;
	int n = lk_sysfs_list(MDEVS, f->list, sizeof(f->list));

	KUNIT_ASSERT_EQ(test, n, (int)((NR + step - 1) / step));
	for (unsigned int i = 0; i < NR; i += step) {
		name_of(i, name, sizeof(name));
		KUNIT_ASSERT_STREQ(test, p, name);
		p += strlen(p) + 1;
	}
}

static void sysfs_many(struct kunit *test)
{
	char buf[32], want[32];
	unsigned int i;

	for (i = 0; i < NR; i++)
		KUNIT_ASSERT_EQ(test, add(scrambled(i)), 0);
	for (i = 0; i < NR; i++)
		KUNIT_ASSERT_EQ(test, add(i), -EEXIST);
	for (i = 0; i < NR; i++) {
		snprintf(want, sizeof(want), "%u\n", i);
		KUNIT_ASSERT_EQ(test, read_value(i, buf, sizeof(buf)),
				(ssize_t)strlen(want));
		KUNIT_ASSERT_STREQ(test, buf, want);
	}
	expect_listing(test, 1);

	/* Every odd one goes: the rest still found, the odd ones not. */
	for (i = 0; i < NR; i++)
		if (scrambled(i) & 1)
			remove_entry(scrambled(i));
	for (i = 0; i < NR; i++)
		KUNIT_ASSERT_EQ(test, read_value(i, buf, sizeof(buf)) < 0,
				(bool)(i & 1));
	KUNIT_EXPECT_EQ(test, read_value(1, buf, sizeof(buf)), -ENOENT);
	expect_listing(test, 2);

	/* Back, in reverse order: listed in name order again. */
	for (i = NR; i--;)
		if (i & 1)
			KUNIT_ASSERT_EQ(test, add(i), 0);
	expect_listing(test, 1);

	lk_sysfs_remove("/sys/bus");
	KUNIT_EXPECT_EQ(test, lk_sysfs_list(MDEVS, NULL, 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, lk_sysfs_list("/sys", NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->leaks, 0);
}

/* Names that share a prefix, or differ in length only, stay apart. */
static void sysfs_similar_names(struct kunit *test)
{
	struct idx_fix *f = test->priv;
	static const char * const names[] = {
		"ab", "a", "abc", "b", "aa", "ba", "abd",
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(names); i++) {
		char path[64];

		snprintf(path, sizeof(path), "/sys/x/%s", names[i]);
		KUNIT_ASSERT_EQ(test, lk_sysfs_add(path, idx_show, NULL,
						   (void *)(unsigned long)i),
				0);
	}
	KUNIT_EXPECT_EQ(test, lk_sysfs_list("/sys/x", f->list,
					    sizeof(f->list)), 7);
	KUNIT_EXPECT_MEMEQ(test, f->list, "a\0aa\0ab\0abc\0abd\0b\0ba\0", 21);
	KUNIT_EXPECT_EQ(test, lk_sysfs_read("/sys/x/ab", f->list, 8), 2);
	KUNIT_EXPECT_STREQ(test, f->list, "0\n");
	KUNIT_EXPECT_EQ(test, lk_sysfs_read("/sys/x/abc", f->list, 8), 2);
	KUNIT_EXPECT_STREQ(test, f->list, "2\n");
	KUNIT_EXPECT_EQ(test, lk_sysfs_read("/sys/x/abcd", f->list, 8),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, lk_sysfs_read("/sys/x/ab/c", f->list, 8),
			-ENOTDIR);
	lk_sysfs_remove("/sys/x/ab");
	KUNIT_EXPECT_EQ(test, lk_sysfs_read("/sys/x/abc", f->list, 8), 2);
	KUNIT_EXPECT_EQ(test, lk_sysfs_list("/sys/x", f->list,
					    sizeof(f->list)), 6);
	KUNIT_EXPECT_MEMEQ(test, f->list, "a\0aa\0abc\0abd\0b\0ba\0", 18);
	lk_sysfs_remove("/sys/x");
}

/* debugfs shares the tree: many children, found and refused alike. */
static void debugfs_many(struct kunit *test)
{
	struct dentry *dir = debugfs_create_dir("nmdev", NULL), *d;
	char name[16];
	unsigned int i;

	KUNIT_ASSERT_FALSE(test, IS_ERR(dir));
	for (i = 0; i < NR; i++) {
		name_of(scrambled(i), name, sizeof(name));
		d = debugfs_create_dir(name, dir);
		KUNIT_ASSERT_FALSE(test, IS_ERR(d));
	}
	for (i = 0; i < NR; i += 97) {
		name_of(i, name, sizeof(name));
		KUNIT_EXPECT_EQ(test, PTR_ERR(debugfs_create_dir(name, dir)),
				-EEXIST);
	}
	debugfs_remove_recursive(dir);
	/* Gone with its children: the name is free again. */
	dir = debugfs_create_dir("nmdev", NULL);
	KUNIT_EXPECT_FALSE(test, IS_ERR(dir));
	debugfs_remove_recursive(dir);
}

static struct kunit_case lk_fs_index_cases[] = {
	KUNIT_CASE(sysfs_many),
	KUNIT_CASE(sysfs_similar_names),
	KUNIT_CASE(debugfs_many),
	{}
};

static struct kunit_suite lk_fs_index_suite = {
	.name = "lk_fs_index",
	.init = idx_init,
	.exit = idx_exit,
	.test_cases = lk_fs_index_cases,
};

kunit_test_suites(&lk_fs_index_suite);
