// SPDX-License-Identifier: GPL-2.0
/*
 * The core of the simulated L1 kernel (guest/sim/lk/{core,lib,sched,fs}.c)
 * against the Linux semantics the nmdev driver relies on.  Every case
 * boots the core alone (lk_core_init_for_test) on a fresh sim, so time
 * starts at 0 and the stats at zero.
 */
#include <linux/device.h>
#include <linux/debugfs.h>
#include <linux/eventfd.h>
#include <linux/iopoll.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <kunit/test.h>

#include "sim.h"
#include "lk/lk_internal.h"

/* ------------------------------------------------------------------ */
/* fixture                                                            */
/* ------------------------------------------------------------------ */
struct lk_fix {
	struct sim s;
	struct device dev;
};

static int lk_fix_init(struct kunit *test)
{
	struct lk_fix *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	if (!f || sim_init(&f->s, 1))
		return -ENOMEM;
	if (lk_core_init_for_test(&f->s)) {
		sim_fini(&f->s);
		return -ENOMEM;
	}
	lk_device_init(&f->dev, NULL, NULL);
	dev_set_name(&f->dev, "0000:00:03.0");
	test->priv = f;
	return 0;
}

static void lk_fix_exit(struct kunit *test)
{
	struct lk_fix *f = test->priv;

	lk_kmalloc_fail_nth = 0;
	lk_core_fini_for_test();
	sim_fini(&f->s);
}

static struct lk_fix *fix(struct kunit *test)
{
	return test->priv;
}

/* A register for read_poll_timeout, flipped by sim events. */
static u32 poll_reg;
static u32 poll_reads;

static u32 read_reg(const u32 *reg)
{
	poll_reads++;
	return *reg;
}

/* ------------------------------------------------------------------ */
/* xarray                                                             */
/* ------------------------------------------------------------------ */
static void xa_store_load_erase(struct kunit *test)
{
	struct xarray xa;
	int a, b;

	xa_init(&xa);
	KUNIT_EXPECT_TRUE(test, xa_empty(&xa));
	KUNIT_EXPECT_NULL(test, xa_load(&xa, 0));
	KUNIT_EXPECT_NULL(test, xa_store(&xa, 5, &a, GFP_KERNEL));
	KUNIT_EXPECT_PTR_EQ(test, xa_store(&xa, 5, &b, GFP_KERNEL), &a);
	KUNIT_EXPECT_PTR_EQ(test, xa_load(&xa, 5), &b);
	KUNIT_EXPECT_NULL(test, xa_load(&xa, 4));
	KUNIT_EXPECT_NULL(test, xa_load(&xa, 6));
	KUNIT_EXPECT_FALSE(test, xa_empty(&xa));
	/* Storing NULL erases. */
	KUNIT_EXPECT_PTR_EQ(test, xa_store(&xa, 5, NULL, GFP_KERNEL), &b);
	KUNIT_EXPECT_TRUE(test, xa_empty(&xa));
	KUNIT_EXPECT_NULL(test, xa_erase(&xa, 5));
	/* Value entries round-trip. */
	xa_store(&xa, 7, xa_mk_value(0x1234), GFP_KERNEL);
	KUNIT_EXPECT_TRUE(test, xa_is_value(xa_load(&xa, 7)));
	KUNIT_EXPECT_EQ(test, xa_to_value(xa_load(&xa, 7)), 0x1234);
	KUNIT_EXPECT_TRUE(test, xa_is_value(xa_erase(&xa, 7)));
	KUNIT_EXPECT_TRUE(test, xa_empty(&xa));
	/* The tree shrank back to nothing. */
	KUNIT_EXPECT_EQ(test, lk_stats()->kmalloc_live, 0);
	xa_destroy(&xa);
}

static void xa_huge_indexes(struct kunit *test)
{
	static const unsigned long idx[] = {
		0, 1, 63, 64, 4095, 1UL << 32, (1UL << 60) - 1, 1UL << 60,
		ULONG_MAX - 64, ULONG_MAX - 1, ULONG_MAX,
	};
	struct xarray xa;
	unsigned long i, index;
	void *entry;

	xa_init(&xa);
	for (i = 0; i < ARRAY_SIZE(idx); i++)
		KUNIT_ASSERT_NULL(test, xa_store(&xa, idx[i], xa_mk_value(i),
						 GFP_KERNEL));
	for (i = 0; i < ARRAY_SIZE(idx); i++)
		KUNIT_EXPECT_EQ(test, xa_to_value(xa_load(&xa, idx[i])), i);
	KUNIT_EXPECT_NULL(test, xa_load(&xa, ULONG_MAX - 2));
	KUNIT_EXPECT_NULL(test, xa_load(&xa, 1UL << 33));

	/* xa_for_each visits in index order and ends after ULONG_MAX. */
	i = 0;
	xa_for_each(&xa, index, entry) {
		KUNIT_ASSERT_LT(test, i, ARRAY_SIZE(idx));
		KUNIT_EXPECT_EQ(test, index, idx[i]);
		KUNIT_EXPECT_EQ(test, xa_to_value(entry), i);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, ARRAY_SIZE(idx));

	/* find at ULONG_MAX, find_after ULONG_MAX. */
	index = ULONG_MAX;
	KUNIT_EXPECT_NOT_NULL(test, xa_find(&xa, &index, ULONG_MAX,
					    XA_PRESENT));
	KUNIT_EXPECT_EQ(test, index, ULONG_MAX);
	KUNIT_EXPECT_NULL(test, xa_find_after(&xa, &index, ULONG_MAX,
					      XA_PRESENT));
	KUNIT_EXPECT_EQ(test, index, ULONG_MAX);

	for (i = 0; i < ARRAY_SIZE(idx); i++)
		KUNIT_EXPECT_EQ(test, xa_to_value(xa_erase(&xa, idx[i])), i);
	KUNIT_EXPECT_TRUE(test, xa_empty(&xa));
	KUNIT_EXPECT_EQ(test, lk_stats()->kmalloc_live, 0);
}

static void xa_find_ranges(struct kunit *test)
{
	struct xarray xa;
	unsigned long index;

	xa_init(&xa);
	xa_store(&xa, 10, xa_mk_value(10), GFP_KERNEL);
	xa_store(&xa, 1000, xa_mk_value(1000), GFP_KERNEL);
	xa_store(&xa, 1UL << 40, xa_mk_value(40), GFP_KERNEL);

	index = 0;
	KUNIT_EXPECT_NULL(test, xa_find(&xa, &index, 9, XA_PRESENT));
	KUNIT_EXPECT_EQ(test, index, 0);	/* untouched on a miss */
	KUNIT_EXPECT_NOT_NULL(test, xa_find(&xa, &index, 10, XA_PRESENT));
	KUNIT_EXPECT_EQ(test, index, 10);
	/* An entry exactly at start is found; find_after skips it. */
	KUNIT_EXPECT_NOT_NULL(test, xa_find(&xa, &index, ULONG_MAX,
					    XA_PRESENT));
	KUNIT_EXPECT_EQ(test, index, 10);
	KUNIT_EXPECT_NOT_NULL(test, xa_find_after(&xa, &index, ULONG_MAX,
						  XA_PRESENT));
	KUNIT_EXPECT_EQ(test, index, 1000);
	KUNIT_EXPECT_NULL(test, xa_find_after(&xa, &index, (1UL << 40) - 1,
					      XA_PRESENT));
	KUNIT_EXPECT_EQ(test, index, 1000);
	KUNIT_EXPECT_NOT_NULL(test, xa_find_after(&xa, &index, 1UL << 40,
						  XA_PRESENT));
	KUNIT_EXPECT_EQ(test, index, 1UL << 40);
	/* start > max finds nothing, even with entries at start. */
	index = 1000;
	KUNIT_EXPECT_NULL(test, xa_find(&xa, &index, 999, XA_PRESENT));
	/* Beyond the tree's span. */
	index = (1UL << 40) + 1;
	KUNIT_EXPECT_NULL(test, xa_find(&xa, &index, ULONG_MAX, XA_PRESENT));
	xa_destroy(&xa);
	KUNIT_EXPECT_TRUE(test, xa_empty(&xa));
	KUNIT_EXPECT_EQ(test, lk_stats()->kmalloc_live, 0);
}

/* The driver's pin tracking: one entry per page, 100k+ of them. */
static void xa_many_entries(struct kunit *test)
{
	const unsigned long n = 120000, base = 0x80000;
	unsigned long index, count = 0, expect;
	struct xarray xa;
	void *entry;

	xa_init(&xa);
	for (unsigned long i = 0; i < n; i++)
		KUNIT_ASSERT_NULL(test, xa_store(&xa, base + 2 * i,
						 xa_mk_value(i), GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, xa.lk_count, n);

	/* A sub-range, as unmapping an IOVA window does. */
	expect = 1000;
	xa_for_each_range(&xa, index, entry, base + 2000, base + 2 * 1999 + 1) {
		KUNIT_ASSERT_EQ(test, index, base + 2 * expect);
		KUNIT_ASSERT_EQ(test, xa_to_value(entry), expect);
		xa_erase(&xa, index);	/* erasing while iterating is fine */
		expect++;
		count++;
	}
	KUNIT_EXPECT_EQ(test, count, 1000);
	KUNIT_EXPECT_EQ(test, xa.lk_count, n - 1000);
	KUNIT_EXPECT_NULL(test, xa_load(&xa, base + 2000));
	KUNIT_EXPECT_NOT_NULL(test, xa_load(&xa, base + 1998));
	KUNIT_EXPECT_NOT_NULL(test, xa_load(&xa, base + 4000));

	count = 0;
	xa_for_each(&xa, index, entry)
		count++;
	KUNIT_EXPECT_EQ(test, count, n - 1000);
	xa_destroy(&xa);
	KUNIT_EXPECT_EQ(test, lk_stats()->kmalloc_live, 0);
}

/* A node allocation that fails is an error entry; nothing changes. */
static void xa_store_nomem(struct kunit *test)
{
	struct xarray xa;
	void *ret;
	int a;

	xa_init(&xa);
	lk_kmalloc_fail_nth = 1;
	ret = xa_store(&xa, 3, &a, GFP_KERNEL);
	KUNIT_EXPECT_TRUE(test, xa_is_err(ret));
	KUNIT_EXPECT_EQ(test, xa_err(ret), -ENOMEM);
	KUNIT_EXPECT_TRUE(test, xa_empty(&xa));

	KUNIT_ASSERT_NULL(test, xa_store(&xa, 3, &a, GFP_KERNEL));
	/*
	 * 1 << 20 needs three more levels above the leaf, then three below
	 * the new root: fail while growing (2) and while descending (4).
	 */
	for (unsigned long nth = 2; nth <= 4; nth += 2) {
		lk_kmalloc_fail_nth = nth;
		ret = xa_store(&xa, 1UL << 20, &a, GFP_KERNEL);
		KUNIT_EXPECT_EQ(test, xa_err(ret), -ENOMEM);
		KUNIT_EXPECT_EQ(test, lk_stats()->kmalloc_live, 1);
		KUNIT_EXPECT_PTR_EQ(test, xa_load(&xa, 3), &a);
		KUNIT_EXPECT_NULL(test, xa_load(&xa, 1UL << 20));
		KUNIT_EXPECT_EQ(test, xa.lk_count, 1);
	}
	lk_kmalloc_fail_nth = 0;
	KUNIT_EXPECT_NULL(test, xa_store(&xa, 1UL << 20, &a, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, lk_stats()->kmalloc_live, 7);
	KUNIT_EXPECT_PTR_EQ(test, xa_erase(&xa, 1UL << 20), &a);
	KUNIT_EXPECT_EQ(test, lk_stats()->kmalloc_live, 1);
	/* Internal entries cannot be stored: a WARN and -EINVAL. */
	ret = xa_store(&xa, 4, xa_mk_internal(5), GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, xa_err(ret), -EINVAL);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, 1);
	KUNIT_EXPECT_EQ(test, xa_err(xa_mk_value(3)), 0);
	KUNIT_EXPECT_EQ(test, xa_err(&a), 0);
	xa_destroy(&xa);
}

/* ------------------------------------------------------------------ */
/* bitmaps                                                            */
/* ------------------------------------------------------------------ */
static void bitmap_ops(struct kunit *test)
{
	unsigned long *bm = bitmap_zalloc(130, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, bm);
	KUNIT_EXPECT_EQ(test, find_first_bit(bm, 130), 130);
	KUNIT_EXPECT_EQ(test, find_first_zero_bit(bm, 130), 0);
	KUNIT_EXPECT_EQ(test, bitmap_weight(bm, 130), 0);
	for (unsigned int i = 0; i < 129; i++)
		set_bit(i, bm);
	KUNIT_EXPECT_EQ(test, find_first_zero_bit(bm, 130), 129);
	KUNIT_EXPECT_EQ(test, find_first_zero_bit(bm, 129), 129);
	KUNIT_EXPECT_EQ(test, bitmap_weight(bm, 130), 129);
	KUNIT_EXPECT_EQ(test, bitmap_weight(bm, 65), 65);
	clear_bit(64, bm);
	KUNIT_EXPECT_EQ(test, find_first_zero_bit(bm, 130), 64);
	bitmap_free(bm);

	bm = bitmap_zalloc(200, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bm);
	set_bit(3, bm);
	set_bit(70, bm);
	set_bit(199, bm);
	KUNIT_EXPECT_EQ(test, find_first_bit(bm, 200), 3);
	KUNIT_EXPECT_EQ(test, find_next_bit(bm, 200, 3), 3);
	KUNIT_EXPECT_EQ(test, find_next_bit(bm, 200, 4), 70);
	KUNIT_EXPECT_EQ(test, find_next_bit(bm, 200, 71), 199);
	KUNIT_EXPECT_EQ(test, find_next_bit(bm, 199, 71), 199);
	KUNIT_EXPECT_EQ(test, find_next_bit(bm, 200, 200), 200);
	KUNIT_EXPECT_EQ(test, find_next_bit(bm, 200, 1000), 200);
	/* Bits past @size do not count. */
	KUNIT_EXPECT_EQ(test, find_first_bit(bm, 3), 3);
	bitmap_free(bm);
	KUNIT_EXPECT_EQ(test, lk_stats()->kmalloc_live, 0);
}

/* ------------------------------------------------------------------ */
/* slab, user copies                                                  */
/* ------------------------------------------------------------------ */
static void slab_accounting(struct kunit *test)
{
	const struct lk_stats *st = lk_stats();
	char src[8] = "abcdefg";
	char *p, *q, *z;

	p = kmalloc(16, GFP_KERNEL);
	z = kzalloc(32, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, z);
	KUNIT_EXPECT_EQ(test, st->kmalloc_live, 2);
	KUNIT_EXPECT_EQ(test, z[0] | z[31], 0);
	q = kmemdup(src, sizeof(src), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_STREQ(test, q, "abcdefg");
	KUNIT_EXPECT_NULL(test, kcalloc(SIZE_MAX / 2, 4, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, st->kmalloc_live, 3);
	kfree(p);
	kfree(q);
	kfree(z);
	kfree(NULL);
	KUNIT_EXPECT_EQ(test, st->kmalloc_live, 0);
	KUNIT_EXPECT_EQ(test, st->kmalloc_total, 3);
	/* A pointer that kmalloc did not return: WARN, not a crash. */
	p = kmalloc(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	kfree(p + 32);
	KUNIT_EXPECT_EQ(test, st->warns, 1);
	KUNIT_EXPECT_EQ(test, st->kmalloc_live, 1);
	kfree(p);

	lk_kmalloc_fail_nth = 2;
	p = kmalloc(1, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, p);
	KUNIT_EXPECT_NULL(test, kmalloc(1, GFP_KERNEL));
	kfree(p);
}

static void slab_leak_swept(struct kunit *test)
{
	KUNIT_ASSERT_NOT_NULL(test, kmalloc(100, GFP_KERNEL));
	KUNIT_ASSERT_NOT_NULL(test, kmalloc(28, GFP_KERNEL));
	lk_core_fini_for_test();
	KUNIT_EXPECT_EQ(test, lk_stats()->leaks, 2);
	KUNIT_EXPECT_EQ(test, lk_stats()->kmalloc_live, 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(lk_dmesg(),
				"2 allocations (128 bytes) leaked"));
	/* The fixture's exit runs fini again: harmless. */
}

static void user_copies(struct kunit *test)
{
	char user[6] = "hello", k[6] = { 0 };
	void *p;

	KUNIT_EXPECT_EQ(test, copy_from_user(k, user, 6), 0);
	KUNIT_EXPECT_STREQ(test, k, "hello");
	KUNIT_EXPECT_EQ(test, copy_from_user(k, NULL, 6), 6);
	KUNIT_EXPECT_EQ(test, copy_to_user(NULL, k, 4), 4);
	memset(user, 0, sizeof(user));
	KUNIT_EXPECT_EQ(test, copy_to_user(user, "bye", 4), 0);
	KUNIT_EXPECT_STREQ(test, user, "bye");

	p = memdup_user(user, 4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p));
	KUNIT_EXPECT_STREQ(test, p, "bye");
	kfree(p);
	KUNIT_EXPECT_EQ(test, PTR_ERR(memdup_user(NULL, 4)), -EFAULT);
	lk_kmalloc_fail_nth = 1;
	KUNIT_EXPECT_EQ(test, PTR_ERR(memdup_user(user, 4)), -ENOMEM);
	KUNIT_EXPECT_EQ(test, lk_stats()->kmalloc_live, 0);
}

/* ------------------------------------------------------------------ */
/* devres                                                             */
/* ------------------------------------------------------------------ */
struct release_log {
	int order[8];
	int n;
};
static struct release_log rlog;

static void log_release(void *data)
{
	rlog.order[rlog.n++] = (int)(long)data;
}

static void devres_order(struct kunit *test)
{
	struct device *dev = &fix(test)->dev;
	const struct lk_stats *st = lk_stats();
	struct mutex m;
	unsigned long *bm;
	void *p;

	memset(&rlog, 0, sizeof(rlog));
	KUNIT_EXPECT_EQ(test, devm_add_action(dev, log_release, (void *)1), 0);
	p = devm_kzalloc(dev, 40, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, (unsigned long)p % 16, 0);
	KUNIT_EXPECT_EQ(test, devm_add_action_or_reset(dev, log_release,
						       (void *)2), 0);
	bm = devm_bitmap_zalloc(dev, 100, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bm);
	KUNIT_EXPECT_EQ(test, devm_mutex_init(dev, &m), 0);
	KUNIT_EXPECT_NOT_NULL(test, devm_kcalloc(dev, 4, 8, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, devm_kcalloc(dev, SIZE_MAX, 8, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, devm_add_action(dev, log_release, (void *)3), 0);
	KUNIT_EXPECT_EQ(test, st->devres_live, 7);

	devm_kfree(dev, p);
	KUNIT_EXPECT_EQ(test, st->devres_live, 6);
	devm_kfree(dev, &m);		/* not a devm allocation */
	KUNIT_EXPECT_EQ(test, st->warns, 1);

	mutex_lock(&m);
	mutex_unlock(&m);
	lk_devres_release_all(dev);
	KUNIT_EXPECT_EQ(test, rlog.n, 3);
	KUNIT_EXPECT_EQ(test, rlog.order[0], 3);	/* newest first */
	KUNIT_EXPECT_EQ(test, rlog.order[1], 2);
	KUNIT_EXPECT_EQ(test, rlog.order[2], 1);
	KUNIT_EXPECT_FALSE(test, m.lk_init);		/* mutex_destroy ran */
	KUNIT_EXPECT_EQ(test, st->devres_live, 0);
	KUNIT_EXPECT_EQ(test, st->kmalloc_live, 0);
	KUNIT_EXPECT_EQ(test, st->lock_errors, 0);
}

/* or_reset: a failed registration runs the action at once. */
static void devres_or_reset(struct kunit *test)
{
	struct device *dev = &fix(test)->dev;

	memset(&rlog, 0, sizeof(rlog));
	lk_kmalloc_fail_nth = 1;
	KUNIT_EXPECT_EQ(test, devm_add_action_or_reset(dev, log_release,
						       (void *)7), -ENOMEM);
	KUNIT_EXPECT_EQ(test, rlog.n, 1);
	KUNIT_EXPECT_EQ(test, rlog.order[0], 7);
	lk_kmalloc_fail_nth = 1;
	KUNIT_EXPECT_EQ(test, devm_add_action(dev, log_release, (void *)8),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, rlog.n, 1);
	/* devm_bitmap_zalloc: the bitmap is freed when devres fails. */
	lk_kmalloc_fail_nth = 2;
	KUNIT_EXPECT_NULL(test, devm_bitmap_zalloc(dev, 64, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, lk_stats()->kmalloc_live, 0);
	lk_devres_release_all(dev);
	KUNIT_EXPECT_EQ(test, rlog.n, 1);
	KUNIT_EXPECT_EQ(test, lk_stats()->devres_live, 0);
}

/* ------------------------------------------------------------------ */
/* time, workqueues, polling                                          */
/* ------------------------------------------------------------------ */
struct twork {
	struct work_struct work;
	struct workqueue_struct *wq;
	struct work_struct *chain;	/* queued from inside the work */
	u64 ran_at[4];
	int runs;
};

static void twork_fn(struct work_struct *work)
{
	struct twork *t = container_of(work, struct twork, work);

	t->ran_at[t->runs++ & 3] = lk_now_ns();
	if (t->chain)
		queue_work(t->wq, t->chain);
}

static void workqueue_timing(struct kunit *test)
{
	struct lk_fix *f = fix(test);
	struct workqueue_struct *wq = alloc_workqueue("t-%d", WQ_UNBOUND, 0, 7);
	struct twork a = { 0 }, b = { 0 };

	KUNIT_ASSERT_NOT_NULL(test, wq);
	INIT_WORK(&a.work, twork_fn);
	INIT_WORK(&b.work, twork_fn);
	a.wq = wq;
	a.chain = &b.work;

	lk_sleep_ns(500);
	KUNIT_EXPECT_EQ(test, f->s.now, 500);
	KUNIT_EXPECT_TRUE(test, queue_work(wq, &a.work));
	KUNIT_EXPECT_FALSE(test, queue_work(wq, &a.work));	/* pending */
	KUNIT_EXPECT_EQ(test, a.runs, 0);			/* not inline */

	/* flush waits for a (queued before), not for b (queued by a). */
	flush_workqueue(wq);
	KUNIT_EXPECT_EQ(test, a.runs, 1);
	KUNIT_EXPECT_EQ(test, a.ran_at[0], 500 + LK_DEFAULT_WORK_NS);
	KUNIT_EXPECT_EQ(test, f->s.now, 500 + LK_DEFAULT_WORK_NS);
	KUNIT_EXPECT_EQ(test, b.runs, 0);
	KUNIT_EXPECT_TRUE(test, b.work.lk_pending);

	/* destroy drains. */
	destroy_workqueue(wq);
	KUNIT_EXPECT_EQ(test, b.runs, 1);
	KUNIT_EXPECT_EQ(test, b.ran_at[0], 500 + 2 * LK_DEFAULT_WORK_NS);
	KUNIT_EXPECT_EQ(test, lk_stats()->works_queued, 2);
	KUNIT_EXPECT_EQ(test, lk_stats()->works_run, 2);
	KUNIT_EXPECT_EQ(test, lk_stats()->kmalloc_live, 0);
}

/* A work may queue itself again once it runs (PENDING is clear). */
static void workqueue_requeue_self(struct kunit *test)
{
	struct workqueue_struct *wq = alloc_workqueue("self", 0, 0);
	struct twork a = { 0 };

	KUNIT_ASSERT_NOT_NULL(test, wq);
	INIT_WORK(&a.work, twork_fn);
	a.wq = wq;
	a.chain = &a.work;
	queue_work(wq, &a.work);
	flush_workqueue(wq);
	KUNIT_EXPECT_EQ(test, a.runs, 1);
	KUNIT_EXPECT_TRUE(test, a.work.lk_pending);
	a.chain = NULL;
	flush_workqueue(wq);
	KUNIT_EXPECT_EQ(test, a.runs, 2);
	KUNIT_EXPECT_EQ(test, a.ran_at[1] - a.ran_at[0], LK_DEFAULT_WORK_NS);
	KUNIT_EXPECT_FALSE(test, a.work.lk_pending);
	destroy_workqueue(wq);
}

/* A workqueue left at shutdown: its work never runs, its memory goes. */
static void workqueue_leak(struct kunit *test)
{
	struct lk_fix *f = fix(test);
	struct workqueue_struct *wq = alloc_workqueue("leak", 0, 0);
	struct twork a = { 0 };

	KUNIT_ASSERT_NOT_NULL(test, wq);
	INIT_WORK(&a.work, twork_fn);
	queue_work(wq, &a.work);
	lk_core_fini_for_test();
	KUNIT_EXPECT_EQ(test, sim_pending(&f->s), 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->leaks, 1);
	sim_run(&f->s, 0);
	KUNIT_EXPECT_EQ(test, a.runs, 0);
}


static void set_reg(struct sim *s, void *arg)
{
	poll_reg = 1;
}

static void poll_times_out(struct kunit *test)
{
	struct lk_fix *f = fix(test);
	u32 val;
	int ret;

	poll_reg = 0;
	poll_reads = 0;
	ret = read_poll_timeout(read_reg, val, val == 1, 10, 1000, false,
				&poll_reg);
	KUNIT_EXPECT_EQ(test, ret, -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, val, 0);
	/* Linux: the first read past the deadline, at 1010 us, then one more. */
	KUNIT_EXPECT_EQ(test, f->s.now, 1010 * 1000);
	KUNIT_EXPECT_EQ(test, poll_reads, 103);
}

static void poll_sees_event(struct kunit *test)
{
	struct lk_fix *f = fix(test);
	u32 val;
	int ret;

	poll_reg = 0;
	KUNIT_ASSERT_EQ(test, sim_schedule(&f->s, 55 * 1000, set_reg, NULL), 0);
	ret = read_poll_timeout(read_reg, val, val == 1, 10, 1000, false,
				&poll_reg);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, val, 1);
	KUNIT_EXPECT_EQ(test, f->s.now, 60 * 1000);	/* the next poll */
}

/* A sleep inside an event (the IOMMU model waits like this). */
static u64 nested_woke;

static void nested_sleeper(struct sim *s, void *arg)
{
	lk_sleep_ns(300);
	nested_woke = s->now;
}

static void sleep_nested(struct kunit *test)
{
	struct lk_fix *f = fix(test);

	nested_woke = 0;
	sim_schedule(&f->s, 100, nested_sleeper, NULL);
	lk_sleep_ns(200);
	/* The outer sleep ended inside the event's longer sleep. */
	KUNIT_EXPECT_EQ(test, nested_woke, 400);
	KUNIT_EXPECT_EQ(test, f->s.now, 400);
	lk_sleep_ns(0);
	KUNIT_EXPECT_EQ(test, f->s.now, 400);
	udelay(2);
	KUNIT_EXPECT_EQ(test, f->s.now, 2400);
	KUNIT_EXPECT_EQ(test, lk_now_ns(), 2400);
	KUNIT_EXPECT_EQ(test, sim_pending(&f->s), 0);
}

/* ------------------------------------------------------------------ */
/* locks                                                              */
/* ------------------------------------------------------------------ */
static void lock_misuse(struct kunit *test)
{
	const struct lk_stats *st = lk_stats();
	struct mutex m, raw = { 0 };
	spinlock_t l;
	DEFINE_MUTEX(stat);

	mutex_init(&m);
	mutex_lock(&m);
	KUNIT_EXPECT_TRUE(test, mutex_is_locked(&m));
	KUNIT_EXPECT_EQ(test, mutex_trylock(&m), 0);
	mutex_unlock(&m);
	KUNIT_EXPECT_EQ(test, mutex_trylock(&m), 1);
	mutex_unlock(&m);
	mutex_lock(&stat);
	mutex_unlock(&stat);
	KUNIT_EXPECT_EQ(test, st->lock_errors, 0);

	mutex_lock(&m);
	mutex_lock(&m);			/* self-deadlock */
	KUNIT_EXPECT_EQ(test, st->lock_errors, 1);
	mutex_unlock(&m);
	mutex_unlock(&m);		/* not held */
	KUNIT_EXPECT_EQ(test, st->lock_errors, 2);
	mutex_lock(&m);
	mutex_destroy(&m);		/* held */
	KUNIT_EXPECT_EQ(test, st->lock_errors, 3);
	mutex_lock(&raw);		/* never initialised */
	KUNIT_EXPECT_EQ(test, st->lock_errors, 4);

	spin_lock_init(&l);
	spin_lock(&l);
	spin_lock(&l);
	KUNIT_EXPECT_EQ(test, st->lock_errors, 5);
	udelay(1);			/* sleeping in atomic context */
	KUNIT_EXPECT_EQ(test, st->lock_errors, 6);
	spin_unlock(&l);
	spin_unlock(&l);
	KUNIT_EXPECT_EQ(test, st->lock_errors, 7);
	KUNIT_EXPECT_NOT_NULL(test, strstr(lk_dmesg(),
				"lock misuse: mutex locked twice"));
}

/* ------------------------------------------------------------------ */
/* sysfs                                                              */
/* ------------------------------------------------------------------ */
struct knob {
	int val;
	char last[32];
	int fail;
};

static ssize_t knob_show(void *ctx, char *buf)
{
	struct knob *k = ctx;

	if (k->fail)
		return k->fail;
	return sysfs_emit(buf, "%d\n", k->val);
}

static int knob_store(void *ctx, const char *buf, size_t len)
{
	struct knob *k = ctx;

	snprintf(k->last, sizeof(k->last), "%s", buf);
	if (k->fail)
		return k->fail;
	k->val = (int)len;
	return 0;
}

/* Claims the whole page: Linux logs a bad count and keeps PAGE_SIZE - 1. */
static ssize_t big_show(void *ctx, char *buf)
{
	memset(buf, 'x', PAGE_SIZE);
	return PAGE_SIZE;
}

/* sysfs_emit needs the page start, as Linux (sysfs_emit_at is not here). */
static ssize_t bad_emit_show(void *ctx, char *buf)
{
	return sysfs_emit(buf + 1, "x\n");
}

static void sysfs_files(struct kunit *test)
{
	struct knob k = { .val = 42 };
	char buf[64], list[128];

	KUNIT_ASSERT_EQ(test, lk_sysfs_add("/sys/a/b/knob", knob_show,
					   knob_store, &k), 0);
	KUNIT_ASSERT_EQ(test, lk_sysfs_add("/sys/a/b/ro", knob_show, NULL,
					   &k), 0);
	KUNIT_ASSERT_EQ(test, lk_sysfs_add("/sys/a/b/wo", NULL, knob_store,
					   &k), 0);
	KUNIT_ASSERT_EQ(test, lk_sysfs_mkdir("/sys/a/b/devices"), 0);
	KUNIT_EXPECT_EQ(test, lk_sysfs_mkdir("/sys/a/b/devices"), 0);
	KUNIT_EXPECT_EQ(test, lk_sysfs_mkdir("/sys/a/b/ro"), -EEXIST);
	KUNIT_EXPECT_EQ(test, lk_sysfs_add("/sys/a/b/knob", knob_show, NULL,
					   &k), -EEXIST);
	KUNIT_EXPECT_EQ(test, lk_sysfs_add("/sys/a/b/ro/x", knob_show, NULL,
					   &k), -ENOTDIR);

	KUNIT_EXPECT_EQ(test, lk_sysfs_read("/sys/a/b/knob", buf, sizeof(buf)), 3);
	KUNIT_EXPECT_STREQ(test, buf, "42\n");
	KUNIT_EXPECT_EQ(test, lk_sysfs_read("/sys/a/b/knob", buf, 2), 1);
	KUNIT_EXPECT_STREQ(test, buf, "4");
	/* `echo 12345 > knob`: the store sees "12345", len 5. */
	KUNIT_EXPECT_EQ(test, lk_sysfs_write("/sys/a/b/knob", "12345\n"), 0);
	KUNIT_EXPECT_STREQ(test, k.last, "12345");
	KUNIT_EXPECT_EQ(test, k.val, 5);
	KUNIT_EXPECT_EQ(test, lk_sysfs_write("/sys/a/b/knob", "ab"), 0);
	KUNIT_EXPECT_EQ(test, k.val, 2);
	KUNIT_EXPECT_EQ(test, lk_sysfs_write("/sys/a/b/knob", "ab\n\n"), 0);
	KUNIT_EXPECT_EQ(test, k.val, 3);	/* only one newline goes */

	/* Errors. */
	KUNIT_EXPECT_EQ(test, lk_sysfs_write("/sys/a/b/ro", "1"), -EACCES);
	KUNIT_EXPECT_EQ(test, lk_sysfs_read("/sys/a/b/wo", buf, sizeof(buf)),
			-EACCES);
	KUNIT_EXPECT_EQ(test, lk_sysfs_read("/sys/a/b", buf, sizeof(buf)),
			-EISDIR);
	KUNIT_EXPECT_EQ(test, lk_sysfs_write("/sys/a/b", "1"), -EISDIR);
	KUNIT_EXPECT_EQ(test, lk_sysfs_read("/sys/a/b/none", buf, sizeof(buf)),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, lk_sysfs_write("/sys/x/knob", "1"), -ENOENT);
	KUNIT_EXPECT_EQ(test, lk_sysfs_read("/sys/a/b/knob/x", buf, sizeof(buf)),
			-ENOTDIR);
	k.fail = -EBUSY;
	KUNIT_EXPECT_EQ(test, lk_sysfs_write("/sys/a/b/knob", "1"), -EBUSY);
	KUNIT_EXPECT_EQ(test, lk_sysfs_read("/sys/a/b/knob", buf, sizeof(buf)),
			-EBUSY);
	k.fail = 0;

	/* Listing: sorted names, NUL-separated. */
	KUNIT_EXPECT_EQ(test, lk_sysfs_list("/sys/a/b", list, sizeof(list)), 4);
	KUNIT_EXPECT_MEMEQ(test, list, "devices\0knob\0ro\0wo\0", 19);
	KUNIT_EXPECT_EQ(test, lk_sysfs_list("/sys/a/b/devices", list,
					    sizeof(list)), 0);
	KUNIT_EXPECT_EQ(test, lk_sysfs_list("/sys/a/b", list, 10), -ENOSPC);
	KUNIT_EXPECT_EQ(test, lk_sysfs_list("/sys/a/b/ro", list, sizeof(list)),
			-ENOTDIR);
	KUNIT_EXPECT_EQ(test, lk_sysfs_list("/sys/q", list, sizeof(list)),
			-ENOENT);

	/* A show that fills the page is cut at PAGE_SIZE - 1. */
	KUNIT_ASSERT_EQ(test, lk_sysfs_add("/sys/a/big", big_show, NULL, NULL),
			0);
	KUNIT_ASSERT_EQ(test, lk_sysfs_add("/sys/a/bad", bad_emit_show, NULL,
					   NULL), 0);
	KUNIT_EXPECT_EQ(test, lk_sysfs_read("/sys/a/bad", buf, sizeof(buf)), 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, 1);
	lk_sysfs_remove("/sys/a/bad");
	{
		char *page = kunit_kzalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, page);
		KUNIT_EXPECT_EQ(test, lk_sysfs_read("/sys/a/big", page,
						    2 * PAGE_SIZE),
				PAGE_SIZE - 1);
	}

	/* remove takes the subtree. */
	lk_sysfs_remove("/sys/a/b");
	KUNIT_EXPECT_EQ(test, lk_sysfs_read("/sys/a/b/knob", buf, sizeof(buf)),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, lk_sysfs_list("/sys/a", list, sizeof(list)), 1);
	lk_sysfs_remove("/sys/a/b");	/* gone already: nothing */
	lk_sysfs_remove("/sys/a");
	KUNIT_EXPECT_EQ(test, lk_stats()->leaks, 0);
}

/* Driver attribute groups, as mdev creates them for dev_groups. */
static ssize_t level_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s %ld\n", dev_name(dev),
			  (long)dev_get_drvdata(dev));
}

static ssize_t level_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	/* What `echo` wrote, newline included. */
	if (count < 2 || buf[count - 1] != '\n')
		return -EINVAL;
	dev_set_drvdata(dev, (void *)(long)(buf[0] - '0'));
	return count;
}
static DEVICE_ATTR_RW(level);

static ssize_t name_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "nm\n");
}
static DEVICE_ATTR_RO(name);

static struct attribute *grp_attrs[] = {
	&dev_attr_level.attr, &dev_attr_name.attr, NULL,
};
static const struct attribute_group grp_named = {
	.name = "nmdev", .attrs = grp_attrs,
};
static const struct attribute_group grp_flat = { .attrs = grp_attrs };
static const struct attribute_group *grps[] = { &grp_named, &grp_flat, NULL };
static const struct attribute_group *grps_rev[] = {
	&grp_flat, &grp_named, NULL
};

static void sysfs_groups(struct kunit *test)
{
	struct device *dev = &fix(test)->dev;
	const char *d = "/sys/bus/mdev/devices/u1";
	char buf[64];

	KUNIT_ASSERT_EQ(test, lk_sysfs_add_groups(d, dev, grps), 0);
	KUNIT_EXPECT_EQ(test, lk_sysfs_read("/sys/bus/mdev/devices/u1/nmdev/level",
					    buf, sizeof(buf)), 15);
	KUNIT_EXPECT_STREQ(test, buf, "0000:00:03.0 0\n");
	KUNIT_EXPECT_EQ(test, lk_sysfs_write("/sys/bus/mdev/devices/u1/level",
					     "7"), 0);
	KUNIT_EXPECT_EQ(test, (long)dev_get_drvdata(dev), 7);
	KUNIT_EXPECT_EQ(test, lk_sysfs_write("/sys/bus/mdev/devices/u1/nmdev/name",
					     "x"), -EACCES);
	KUNIT_EXPECT_EQ(test, lk_sysfs_list(d, NULL, 0), 3);

	/* A second time: the named group exists; nothing new is left. */
	KUNIT_EXPECT_EQ(test, lk_sysfs_add_groups(d, dev, grps), -EEXIST);
	KUNIT_EXPECT_EQ(test, lk_sysfs_list(d, NULL, 0), 3);
	lk_sysfs_remove(d);
	/* The flat group fails: the named one, added first, is undone. */
	KUNIT_ASSERT_EQ(test, lk_sysfs_add("/sys/bus/mdev/devices/u1/name",
					   NULL, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, lk_sysfs_add_groups(d, dev, grps), -EEXIST);
	KUNIT_EXPECT_EQ(test, lk_sysfs_list(d, NULL, 0), 1);
	/* The named group fails: the flat one, added first, is undone. */
	lk_sysfs_remove(d);
	KUNIT_ASSERT_EQ(test, lk_sysfs_mkdir("/sys/bus/mdev/devices/u1/nmdev"),
			0);
	KUNIT_EXPECT_EQ(test, lk_sysfs_add_groups(d, dev, grps_rev), -EEXIST);
	KUNIT_EXPECT_EQ(test, lk_sysfs_list(d, NULL, 0), 1);
	KUNIT_EXPECT_EQ(test, lk_sysfs_list("/sys/bus/mdev/devices/u1/nmdev",
					    NULL, 0), 0);
	lk_sysfs_remove("/sys");
}

/* ------------------------------------------------------------------ */
/* debugfs                                                            */
/* ------------------------------------------------------------------ */
struct dbg_data {
	int n;
};

static int dbg_show(struct seq_file *m, void *unused)
{
	struct dbg_data *d = m->private;

	seq_puts(m, "header\n");
	for (int i = 0; i < d->n; i++)
		seq_printf(m, "line %d\n", i);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dbg);

static void debugfs_show(struct kunit *test)
{
	struct dbg_data data = { .n = 2 };
	struct dentry *root, *pf;
	char *buf = kunit_kzalloc(test, 16384, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	root = debugfs_create_dir("nmdev", NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(root));
	pf = debugfs_create_dir("0000:00:03.0", root);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(pf));
	KUNIT_EXPECT_FALSE(test, IS_ERR(debugfs_create_file("mdevs", 0400, pf,
							    &data, &dbg_fops)));
	KUNIT_EXPECT_EQ(test, PTR_ERR(debugfs_create_dir("nmdev", NULL)),
			-EEXIST);

	KUNIT_EXPECT_EQ(test, lk_debugfs_read("nmdev/0000:00:03.0/mdevs", buf,
					      16384), 21);
	KUNIT_EXPECT_STREQ(test, buf, "header\nline 0\nline 1\n");
	KUNIT_EXPECT_EQ(test, lk_debugfs_read("/sys/kernel/debug/nmdev/0000:00:03.0/mdevs",
					      buf, 16384), 21);
	/* Beyond one page: the seq_file grows. */
	data.n = 1000;
	KUNIT_EXPECT_EQ(test, lk_debugfs_read("nmdev/0000:00:03.0/mdevs", buf,
					      16384), 7 + 10 * 7 + 90 * 8 +
					      900 * 9);
	KUNIT_EXPECT_EQ(test, lk_debugfs_read("nmdev/0000:00:03.0/mdevs", buf,
					      8), 7);
	KUNIT_EXPECT_STREQ(test, buf, "header\n");
	KUNIT_EXPECT_EQ(test, lk_debugfs_read("nmdev", buf, 16), -EISDIR);
	KUNIT_EXPECT_EQ(test, lk_debugfs_read("nmdev/x", buf, 16), -ENOENT);

	/* An ERR_PTR parent passes the error on; removal of it is a no-op. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(debugfs_create_file("f", 0400,
							  ERR_PTR(-ENOMEM),
							  NULL, &dbg_fops)),
			-ENOMEM);
	debugfs_remove_recursive(NULL);
	debugfs_remove_recursive(ERR_PTR(-EEXIST));
	debugfs_remove_recursive(root);
	KUNIT_EXPECT_EQ(test, lk_debugfs_read("nmdev/0000:00:03.0/mdevs", buf,
					      16), -ENOENT);
	root = debugfs_create_dir("nmdev", NULL);
	KUNIT_EXPECT_FALSE(test, IS_ERR_OR_NULL(root));
	debugfs_remove(root);
	KUNIT_EXPECT_EQ(test, lk_stats()->leaks, 0);
}

/* ------------------------------------------------------------------ */
/* eventfd                                                            */
/* ------------------------------------------------------------------ */
static int notified;

static void efd_notify(void *ctx)
{
	notified += *(int *)ctx;
}

static void eventfd_refs(struct kunit *test)
{
	const struct lk_stats *st = lk_stats();
	struct eventfd_ctx *ctx;
	int fd, fd2, one = 1;

	notified = 0;
	fd = lk_eventfd_create();
	fd2 = lk_eventfd_create();
	KUNIT_EXPECT_EQ(test, fd, 3);
	KUNIT_EXPECT_EQ(test, fd2, 4);
	KUNIT_EXPECT_EQ(test, PTR_ERR(eventfd_ctx_fdget(2)), -EBADF);
	KUNIT_EXPECT_EQ(test, PTR_ERR(eventfd_ctx_fdget(99)), -EBADF);
	KUNIT_EXPECT_EQ(test, PTR_ERR(eventfd_ctx_fdget(-1)), -EBADF);

	ctx = eventfd_ctx_fdget(fd);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx));
	lk_eventfd_set_notify(fd, efd_notify, &one);
	eventfd_signal(ctx);
	eventfd_signal(ctx);
	KUNIT_EXPECT_EQ(test, notified, 2);
	KUNIT_EXPECT_EQ(test, lk_eventfd_read(fd), 2);
	KUNIT_EXPECT_EQ(test, lk_eventfd_read(fd), 0);	/* read resets */

	/* The VMM closes; the kernel's reference keeps the ctx alive. */
	lk_eventfd_close(fd);
	KUNIT_EXPECT_EQ(test, PTR_ERR(eventfd_ctx_fdget(fd)), -EBADF);
	KUNIT_EXPECT_EQ(test, st->kmalloc_live, 2);
	eventfd_signal(ctx);		/* nobody listens any more */
	KUNIT_EXPECT_EQ(test, notified, 2);
	/* The lowest free fd is reused. */
	KUNIT_EXPECT_EQ(test, lk_eventfd_create(), 3);
	KUNIT_EXPECT_EQ(test, st->kmalloc_live, 3);
	eventfd_ctx_put(ctx);
	KUNIT_EXPECT_EQ(test, st->kmalloc_live, 2);
	lk_eventfd_close(3);
	lk_eventfd_close(fd2);
	lk_eventfd_close(fd2);		/* twice: ignored */
	KUNIT_EXPECT_EQ(test, st->kmalloc_live, 0);
	KUNIT_EXPECT_EQ(test, lk_eventfd_read(fd2), 0);
	KUNIT_EXPECT_EQ(test, st->warns, 0);
}

/* A reference the driver never drops is a leak at shutdown. */
static void eventfd_leak(struct kunit *test)
{
	int fd = lk_eventfd_create();

	KUNIT_ASSERT_FALSE(test, IS_ERR(eventfd_ctx_fdget(fd)));
	lk_core_fini_for_test();
	KUNIT_EXPECT_EQ(test, lk_stats()->leaks, 1);
}

/* ------------------------------------------------------------------ */
/* module parameters                                                  */
/* ------------------------------------------------------------------ */
static bool lkt_bool;
module_param(lkt_bool, bool, 0644);
static int lkt_int = 5;
module_param(lkt_int, int, 0644);
static unsigned int lkt_uint;
module_param(lkt_uint, uint, 0644);
static char *lkt_charp = "auto";
module_param(lkt_charp, charp, 0444);

struct param_case {
	const char *name, *val;
	int ret;
	long long want;		/* bool/int/uint: the value after */
};

static const struct param_case param_cases[] = {
	{ "lkt_bool", "y", 0, 1 }, { "lkt_bool", "N", 0, 0 },
	{ "lkt_bool", "1", 0, 1 }, { "lkt_bool", "0", 0, 0 },
	{ "lkt_bool", "true", 0, 1 }, { "lkt_bool", "false", 0, 0 },
	{ "lkt_bool", "Y\n", 0, 1 }, { "lkt_bool", "on", 0, 1 },
	{ "lkt_bool", "off", 0, 0 }, { "lkt_bool", NULL, 0, 1 },
	{ "lkt_bool", "maybe", -EINVAL, 1 }, { "lkt_bool", "", -EINVAL, 1 },
	{ "lkt_int", "-17", 0, -17 }, { "lkt_int", "0x10", 0, 16 },
	{ "lkt_int", "010", 0, 8 }, { "lkt_int", "-0x10", 0, -16 },
	{ "lkt_int", "+3\n", 0, 3 },
	{ "lkt_int", "2147483648", -ERANGE, 3 },
	{ "lkt_int", "-2147483648", 0, INT_MIN },
	{ "lkt_int", "12abc", -EINVAL, INT_MIN }, { "lkt_int", "", -EINVAL, INT_MIN },
	{ "lkt_int", "08", -EINVAL, INT_MIN }, { "lkt_int", "-+5", -EINVAL, INT_MIN }, { "lkt_int", "1\n\n", -EINVAL, INT_MIN },
	{ "lkt_uint", "4294967295", 0, 4294967295LL },
	{ "lkt_uint", "4294967296", -ERANGE, 4294967295LL },
	{ "lkt_uint", "-1", -EINVAL, 4294967295LL },
	{ "lkt_uint", "+-1", -EINVAL, 4294967295LL },
	{ "lkt_uint", "99999999999999999999", -ERANGE, 4294967295LL },
	{ "lkt_uint", "0X1f", 0, 31 },
	{ "nosuch", "1", -ENOENT, 0 },
};

static void param_desc(const struct param_case *c, char *desc)
{
	char *nl;

	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s=%s", c->name,
		 c->val ? c->val : "(bare)");
	while ((nl = strchr(desc, '\n')))
		*nl = '~';	/* KTAP names are one line */
}
KUNIT_ARRAY_PARAM(param, param_cases, param_desc);

static void module_param_parse(struct kunit *test)
{
	static const struct param_case *prev;
	const struct param_case *c = test->param_value;

	/* Cases of one parameter build on the previous value. */
	if (!prev || strcmp(prev->name, c->name)) {
		lkt_bool = true;
		lkt_int = 3;
		lkt_uint = 4294967295U;
	}
	prev = c;
	KUNIT_EXPECT_EQ(test, lk_module_param_set("nmdev", c->name, c->val),
			c->ret);
	if (!strcmp(c->name, "lkt_bool"))
		KUNIT_EXPECT_EQ(test, lkt_bool, c->want);
	else if (!strcmp(c->name, "lkt_int"))
		KUNIT_EXPECT_EQ(test, lkt_int, c->want);
	else if (!strcmp(c->name, "lkt_uint"))
		KUNIT_EXPECT_EQ(test, lkt_uint, c->want);
}

static void module_param_charp(struct kunit *test)
{
	char big[1100];

	KUNIT_EXPECT_STREQ(test, lkt_charp, "auto");
	KUNIT_EXPECT_EQ(test, lk_module_param_set("nmdev", "lkt_charp",
						  "pasid"), 0);
	KUNIT_EXPECT_STREQ(test, lkt_charp, "pasid");
	KUNIT_EXPECT_EQ(test, lk_module_param_set("nmdev", "lkt_charp", "sw"),
			0);
	KUNIT_EXPECT_STREQ(test, lkt_charp, "sw");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	KUNIT_EXPECT_EQ(test, lk_module_param_set("nmdev", "lkt_charp", big),
			-ENOSPC);
	KUNIT_EXPECT_STREQ(test, lkt_charp, "sw");
	KUNIT_EXPECT_EQ(test, lk_module_param_set("other", "lkt_charp", "x"),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, lk_module_param_set("nmdev", "lkt_charp", NULL),
			-EINVAL);
}

/* ------------------------------------------------------------------ */
/* printk, WARN                                                       */
/* ------------------------------------------------------------------ */
static void printk_dmesg(struct kunit *test)
{
	struct lk_fix *f = fix(test);
	struct device_driver drv = { .name = "nmdev" };
	const struct lk_stats *st = lk_stats();
	char *line;

	lk_sleep_ns(1234);
	dev_info(&f->dev, "unbound %d\n", 1);
	f->dev.driver = &drv;
	dev_err(&f->dev, "bound %s", "x");	/* a newline is added */
	pr_info("plain\n");
	dev_dbg(&f->dev, "debug is dropped\n");
	KUNIT_EXPECT_STREQ(test, lk_dmesg(),
			   "[        1234] 0000:00:03.0: unbound 1\n"
			   "[        1234] nmdev 0000:00:03.0: bound x\n"
			   "[        1234] plain\n");
	KUNIT_EXPECT_EQ(test, st->printk[3], 1);
	KUNIT_EXPECT_EQ(test, st->printk[6], 2);
	KUNIT_EXPECT_EQ(test, st->printk[7], 1);

	KUNIT_EXPECT_EQ(test, dev_err_probe(&f->dev, -ENODEV, "no %s\n",
					    "DVSEC"), -ENODEV);
	KUNIT_EXPECT_NOT_NULL(test, strstr(lk_dmesg(),
				"nmdev 0000:00:03.0: error -19: no DVSEC\n"));
	KUNIT_EXPECT_EQ(test, dev_err_probe(&f->dev, -EPROBE_DEFER, "later\n"),
			-EPROBE_DEFER);
	KUNIT_EXPECT_NULL(test, strstr(lk_dmesg(), "later"));
	KUNIT_EXPECT_EQ(test, st->printk[3], 2);

	KUNIT_EXPECT_FALSE(test, WARN_ON(0));
	KUNIT_EXPECT_EQ(test, st->warns, 0);
	KUNIT_EXPECT_TRUE(test, WARN_ON(1 + 1 == 2));
	KUNIT_EXPECT_EQ(test, st->warns, 1);
	line = strstr(lk_dmesg(), "WARNING: at ");
	KUNIT_ASSERT_NOT_NULL(test, line);
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, "lk_core_test.c:"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, "1 + 1 == 2"));
}

/* The log keeps the newest ~64 KiB, in whole lines. */
static void dmesg_ring(struct kunit *test)
{
	const char *log;

	for (int i = 0; i < 5000; i++)
		pr_info("message number %05d with some padding text\n", i);
	log = lk_dmesg();
	KUNIT_EXPECT_LE(test, strlen(log), 64 * 1024);
	KUNIT_EXPECT_GE(test, strlen(log), 40 * 1024);
	KUNIT_EXPECT_EQ(test, log[0], '[');
	KUNIT_EXPECT_NOT_NULL(test, strstr(log, "number 04999 with"));
	KUNIT_EXPECT_NULL(test, strstr(log, "number 00000 with"));
	KUNIT_EXPECT_EQ(test, log[strlen(log) - 1], '\n');
}

static void core_boot_twice(struct kunit *test)
{
	struct sim s2;

	KUNIT_EXPECT_EQ(test, lk_core_init_for_test(&fix(test)->s), -EBUSY);
	lk_core_fini_for_test();
	KUNIT_EXPECT_EQ(test, lk_core_init_for_test(NULL), -EINVAL);
	KUNIT_ASSERT_EQ(test, sim_init(&s2, 2), 0);
	KUNIT_EXPECT_EQ(test, lk_core_init_for_test(&s2), 0);
	lk_sleep_ns(10);
	KUNIT_EXPECT_EQ(test, s2.now, 10);
	KUNIT_EXPECT_EQ(test, fix(test)->s.now, 0);
	lk_core_fini_for_test();
	sim_fini(&s2);

	/* Not booted: a poll still times out (on a clock of its own). */
	{
		u64 t0 = lk_now_ns(), warns = lk_stats()->warns;
		u32 val;

		poll_reg = 0;
		KUNIT_EXPECT_EQ(test, read_poll_timeout(read_reg, val, val,
							10, 100, false,
							&poll_reg),
				-ETIMEDOUT);
		KUNIT_EXPECT_EQ(test, lk_now_ns() - t0, 110 * 1000);
		KUNIT_EXPECT_EQ(test, lk_stats()->warns - warns, 11);
	}
}

/* ------------------------------------------------------------------ */
static struct kunit_case lk_xarray_cases[] = {
	KUNIT_CASE(xa_store_load_erase),
	KUNIT_CASE(xa_huge_indexes),
	KUNIT_CASE(xa_find_ranges),
	KUNIT_CASE(xa_many_entries),
	KUNIT_CASE(xa_store_nomem),
	KUNIT_CASE(bitmap_ops),
	{}
};

static struct kunit_case lk_core_cases[] = {
	KUNIT_CASE(slab_accounting),
	KUNIT_CASE(slab_leak_swept),
	KUNIT_CASE(user_copies),
	KUNIT_CASE(devres_order),
	KUNIT_CASE(devres_or_reset),
	KUNIT_CASE_PARAM(module_param_parse, param_gen_params),
	KUNIT_CASE(module_param_charp),
	KUNIT_CASE(printk_dmesg),
	KUNIT_CASE(dmesg_ring),
	KUNIT_CASE(core_boot_twice),
	{}
};

static struct kunit_case lk_sched_cases[] = {
	KUNIT_CASE(workqueue_timing),
	KUNIT_CASE(workqueue_requeue_self),
	KUNIT_CASE(workqueue_leak),
	KUNIT_CASE(poll_times_out),
	KUNIT_CASE(poll_sees_event),
	KUNIT_CASE(sleep_nested),
	KUNIT_CASE(lock_misuse),
	{}
};

static struct kunit_case lk_fs_cases[] = {
	KUNIT_CASE(sysfs_files),
	KUNIT_CASE(sysfs_groups),
	KUNIT_CASE(debugfs_show),
	KUNIT_CASE(eventfd_refs),
	KUNIT_CASE(eventfd_leak),
	{}
};

static struct kunit_suite lk_xarray_suite = {
	.name = "lk_xarray",
	.init = lk_fix_init,
	.exit = lk_fix_exit,
	.test_cases = lk_xarray_cases,
};

static struct kunit_suite lk_core_suite = {
	.name = "lk_core",
	.init = lk_fix_init,
	.exit = lk_fix_exit,
	.test_cases = lk_core_cases,
};

static struct kunit_suite lk_sched_suite = {
	.name = "lk_sched",
	.init = lk_fix_init,
	.exit = lk_fix_exit,
	.test_cases = lk_sched_cases,
};

static struct kunit_suite lk_fs_suite = {
	.name = "lk_fs",
	.init = lk_fix_init,
	.exit = lk_fix_exit,
	.test_cases = lk_fs_cases,
};

kunit_test_suites(&lk_xarray_suite, &lk_core_suite, &lk_sched_suite,
		  &lk_fs_suite);
