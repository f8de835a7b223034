// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated platform's event loop: ordering, run control, randomness
 * and the trace.  User-space runner only (uses stdio to capture traces).
 */
#include <kunit/test.h>

#include <stdio.h>
#include <stdlib.h>

#include "sim.h"

struct order_log {
	u32 n;
	u32 id[256];
	u64 at[256];
};

struct order_ev {
	struct order_log *log;
	u32 id;
};

static void log_event(struct sim *s, void *arg)
{
	struct order_ev *ev = arg;

	ev->log->at[ev->log->n] = s->now;
	ev->log->id[ev->log->n++] = ev->id;
}

static void fini_action(void *s)
{
	sim_fini(s);
}

static struct sim *new_sim(struct kunit *test, u64 seed)
{
	struct sim *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, sim_init(s, seed), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action(test, fini_action, s), 0);
	return s;
}

static void heap_orders_by_time(struct kunit *test)
{
	static const u64 delay[] = { 50, 10, 30, 20, 40, 5, 45 };
	static const u32 want[] = { 5, 1, 3, 2, 4, 6, 0 };	/* ids by time */
	struct sim *s = new_sim(test, 1);
	struct order_log *log = kunit_kzalloc(test, sizeof(*log), GFP_KERNEL);
	struct order_ev ev[ARRAY_SIZE(delay)];

	KUNIT_ASSERT_NOT_NULL(test, log);
	for (u32 i = 0; i < ARRAY_SIZE(delay); i++) {
		ev[i].log = log;
		ev[i].id = i;
		KUNIT_ASSERT_EQ(test, sim_schedule(s, delay[i], log_event,
						   &ev[i]), 0);
	}
	KUNIT_EXPECT_EQ(test, sim_pending(s), 7u);
	KUNIT_EXPECT_EQ(test, sim_run(s, 0), 7ULL);
	KUNIT_ASSERT_EQ(test, log->n, 7u);
	for (u32 i = 0; i < 7; i++) {
		KUNIT_EXPECT_EQ(test, log->id[i], want[i]);
		KUNIT_EXPECT_EQ(test, log->at[i], delay[want[i]]);
	}
	KUNIT_EXPECT_EQ(test, s->now, 50ULL);
	KUNIT_EXPECT_EQ(test, s->events_run, 7ULL);
	KUNIT_EXPECT_FALSE(test, sim_step(s));
}

/* Events due at the same time run in the order they were scheduled. */
static void heap_equal_times_fifo(struct kunit *test)
{
	struct sim *s = new_sim(test, 1);
	struct order_log *log = kunit_kzalloc(test, sizeof(*log), GFP_KERNEL);
	struct order_ev *ev = kunit_kcalloc(test, 200, sizeof(*ev), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, log);
	KUNIT_ASSERT_NOT_NULL(test, ev);
	/* Ids 0..199: even ids at t = 100, odd ids at t = 7. */
	for (u32 i = 0; i < 200; i++) {
		ev[i].log = log;
		ev[i].id = i;
		KUNIT_ASSERT_EQ(test, sim_schedule(s, i & 1 ? 7 : 100,
						   log_event, &ev[i]), 0);
	}
	sim_run(s, 0);
	KUNIT_ASSERT_EQ(test, log->n, 200u);
	for (u32 i = 0; i < 100; i++) {
		KUNIT_EXPECT_EQ(test, log->id[i], 2 * i + 1);
		KUNIT_EXPECT_EQ(test, log->id[100 + i], 2 * i);
	}
}

struct chain {
	struct order_log *log;
	struct order_ev child, late;
};

static void spawn_child(struct sim *s, void *arg)
{
	struct chain *c = arg;

	sim_schedule(s, 0, log_event, &c->child);
}

/* An event scheduled at "now" runs after events already due now. */
static void heap_zero_delay_from_event(struct kunit *test)
{
	struct sim *s = new_sim(test, 1);
	struct chain *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct order_log *log = kunit_kzalloc(test, sizeof(*log), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_NOT_NULL(test, log);
	c->child = (struct order_ev){ .log = log, .id = 1 };
	c->late = (struct order_ev){ .log = log, .id = 2 };
	KUNIT_ASSERT_EQ(test, sim_schedule(s, 10, spawn_child, c), 0);
	KUNIT_ASSERT_EQ(test, sim_schedule(s, 10, log_event, &c->late), 0);
	sim_run(s, 0);
	KUNIT_ASSERT_EQ(test, log->n, 2u);
	KUNIT_EXPECT_EQ(test, log->id[0], 2u);
	KUNIT_EXPECT_EQ(test, log->id[1], 1u);
	KUNIT_EXPECT_EQ(test, log->at[1], 10ULL);
}

struct stress {
	u64 last_time;
	u64 ran;
	bool ordered;
};

static void stress_event(struct sim *s, void *arg)
{
	struct stress *st = arg;

	if (s->now < st->last_time)
		st->ordered = false;
	st->last_time = s->now;
	st->ran++;
}

/* Thousands of random times, interleaved with runs: never out of order. */
static void heap_random_stress(struct kunit *test)
{
	struct sim *s = new_sim(test, 42);
	struct stress st = { .ordered = true };

	for (u32 round = 0; round < 20; round++) {
		for (u32 i = 0; i < 500; i++)
			KUNIT_ASSERT_EQ(test, sim_schedule(s,
					sim_rand_below(s, 10000), stress_event,
					&st), 0);
		sim_run(s, 250);
	}
	sim_run(s, 0);
	KUNIT_EXPECT_TRUE(test, st.ordered);
	KUNIT_EXPECT_EQ(test, st.ran, 10000ULL);
	KUNIT_EXPECT_EQ(test, sim_pending(s), 0u);
}

static void sched_at_and_cancel(struct kunit *test)
{
	struct sim *s = new_sim(test, 1);
	struct order_log *log = kunit_kzalloc(test, sizeof(*log), GFP_KERNEL);
	struct order_ev a = { .log = log, .id = 1 }, b = { .log = log, .id = 2 };

	KUNIT_ASSERT_NOT_NULL(test, log);
	KUNIT_ASSERT_EQ(test, sim_schedule(s, 100, log_event, &a), 0);
	KUNIT_ASSERT_EQ(test, sim_schedule_at(s, 300, log_event, &b), 0);
	KUNIT_ASSERT_EQ(test, sim_schedule(s, 200, log_event, &a), 0);
	KUNIT_ASSERT_EQ(test, sim_schedule(s, 400, log_event, &b), 0);
	KUNIT_EXPECT_EQ(test, sim_cancel(s, log_event, &a), 2u);
	KUNIT_EXPECT_EQ(test, sim_cancel(s, log_event, &a), 0u);
	KUNIT_EXPECT_EQ(test, sim_pending(s), 2u);
	KUNIT_EXPECT_TRUE(test, sim_step(s));
	KUNIT_EXPECT_EQ(test, s->now, 300ULL);
	/* A time in the past means now. */
	KUNIT_ASSERT_EQ(test, sim_schedule_at(s, 5, log_event, &a), 0);
	KUNIT_EXPECT_TRUE(test, sim_step(s));
	KUNIT_EXPECT_EQ(test, s->now, 300ULL);
	KUNIT_EXPECT_EQ(test, log->id[1], 1u);
	/* A huge delay saturates instead of wrapping into the past. */
	KUNIT_ASSERT_EQ(test, sim_schedule(s, ~0ULL, log_event, &a), 0);
	KUNIT_EXPECT_EQ(test, sim_run(s, 0), 2ULL);
	KUNIT_EXPECT_EQ(test, log->id[2], 2u);
	KUNIT_EXPECT_EQ(test, s->now, ~0ULL);
}

struct counter {
	u32 n;
	u32 goal;
};

static void count_event(struct sim *s, void *arg)
{
	struct counter *c = arg;

	c->n++;
}

static bool counter_done(void *ctx)
{
	struct counter *c = ctx;

	return c->n >= c->goal;
}

static void run_limits_and_until(struct kunit *test)
{
	struct sim *s = new_sim(test, 1);
	struct counter c = { .goal = 5 };

	for (u32 i = 0; i < 10; i++)
		KUNIT_ASSERT_EQ(test, sim_schedule(s, i, count_event, &c), 0);
	KUNIT_EXPECT_EQ(test, sim_run(s, 2), 2ULL);
	KUNIT_EXPECT_EQ(test, c.n, 2u);
	KUNIT_EXPECT_TRUE(test, sim_run_until(s, counter_done, &c, 0));
	KUNIT_EXPECT_EQ(test, c.n, 5u);
	KUNIT_EXPECT_EQ(test, s->now, 4ULL);
	KUNIT_EXPECT_EQ(test, sim_pending(s), 5u);
	/* Already done: nothing runs. */
	KUNIT_EXPECT_TRUE(test, sim_run_until(s, counter_done, &c, 0));
	KUNIT_EXPECT_EQ(test, c.n, 5u);
	/* Bounded by max_events. */
	c.goal = 100;
	KUNIT_EXPECT_FALSE(test, sim_run_until(s, counter_done, &c, 3));
	KUNIT_EXPECT_EQ(test, c.n, 8u);
	/* The queue drains before the goal. */
	KUNIT_EXPECT_FALSE(test, sim_run_until(s, counter_done, &c, 0));
	KUNIT_EXPECT_EQ(test, c.n, 10u);
	KUNIT_EXPECT_EQ(test, sim_pending(s), 0u);
}

static void rand_deterministic(struct kunit *test)
{
	struct sim *a = new_sim(test, 7), *b = new_sim(test, 7);
	struct sim *c = new_sim(test, 8), *z = new_sim(test, 0);
	u32 diff = 0, zero_out = 0;
	u64 prev = 0, same_z = 0;

	for (u32 i = 0; i < 1000; i++) {
		u64 x = sim_rand(a), zx = sim_rand(z);

		KUNIT_EXPECT_EQ(test, x, sim_rand(b));
		diff += x != sim_rand(c);
		zero_out += !zx;
		same_z += zx == prev;
		prev = zx;
	}
	KUNIT_EXPECT_GE(test, diff, 999u);
	/* Seed 0 gets a non-zero state: a live stream, not all zeroes. */
	KUNIT_EXPECT_NE(test, z->rng, 0ULL);
	KUNIT_EXPECT_EQ(test, zero_out, 0u);
	KUNIT_EXPECT_EQ(test, same_z, 0ULL);
	/* Re-initialising restarts the stream. */
	sim_init(b, 7);
	sim_init(a, 7);
	KUNIT_EXPECT_EQ(test, sim_rand(a), sim_rand(b));
}

/*
 * xorshift64* (Vigna, shifts 12/25/27, multiplier 0x2545f4914f6cdd1d) from
 * state 1: 1 >> 12 = 0; 1 ^ (1 << 25) = 0x2000001; 0x2000001 >> 27 = 0, so
 * the new state is 0x2000001 and the output is
 * 0x2000001 * 0x2545f4914f6cdd1d = (0x2545f4914f6cdd1d << 25) +
 * 0x2545f4914f6cdd1d mod 2^64 = 0x47e4ce4b896cdd1d.
 */
static void rand_xorshift_vector(struct kunit *test)
{
	struct sim *s = new_sim(test, 1);

	s->rng = 1;
	KUNIT_EXPECT_EQ(test, sim_rand(s), 0x47e4ce4b896cdd1dULL);
	KUNIT_EXPECT_EQ(test, s->rng, 0x2000001ULL);
}

static void rand_below_range(struct kunit *test)
{
	struct sim *s = new_sim(test, 3);
	u32 hits[7] = { 0 };

	for (u32 i = 0; i < 7000; i++) {
		u64 r = sim_rand_below(s, 7);

		KUNIT_ASSERT_LT(test, r, 7ULL);
		hits[r]++;
	}
	for (u32 i = 0; i < 7; i++) {
		KUNIT_EXPECT_GT(test, hits[i], 800u);
		KUNIT_EXPECT_LT(test, hits[i], 1200u);
	}
	KUNIT_EXPECT_EQ(test, sim_rand_below(s, 1), 0ULL);
	KUNIT_EXPECT_LT(test, sim_rand_below(s, ~0ULL), ~0ULL);
}

static void trace_line_format(struct kunit *test)
{
	struct sim *s = new_sim(test, 1);
	char *buf = kunit_kzalloc(test, 256, GFP_KERNEL);
	FILE *f;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	sim_trace(s, "iommu", "dropped %d", 1);	/* tracing off: nothing */
	KUNIT_EXPECT_EQ(test, s->trace_lines, 0ULL);
	f = fmemopen(buf, 256, "w");
	KUNIT_ASSERT_NOT_NULL(test, f);
	s->trace = f;
	KUNIT_EXPECT_TRUE(test, sim_tracing(s));
	s->now = 1234;
	sim_trace(s, "iommu", "GCMD %#x", 0x80000000u);
	s->now = 12345678901ULL;
	sim_trace(s, "siov-pf0", "wq %u enabled", 3u);
	fclose(f);
	s->trace = NULL;
	KUNIT_EXPECT_STREQ(test, buf,
			   "[      1234] iommu    GCMD 0x80000000\n"
			   "[12345678901] siov-pf0 wq 3 enabled\n");
	KUNIT_EXPECT_EQ(test, s->trace_lines, 2ULL);
}

/*
 * A randomized event program: each event traces, then with random delays
 * spawns up to two more, until a budget runs out.
 */
struct prog;

struct prog_ev {
	struct prog *p;
	u32 id;
};

struct prog {
	u32 budget;
	u32 next_id;
	struct prog_ev ev[2048];
};

static void prog_event(struct sim *s, void *arg)
{
	struct prog_ev *ev = arg;
	struct prog *p = ev->p;
	u32 kids = 1 + (u32)sim_rand_below(s, 2);

	sim_trace(s, "prog", "event %u rand %llu", ev->id,
		  (unsigned long long)sim_rand_below(s, 1000000));
	for (u32 k = 0; k < kids && p->budget; k++, p->budget--) {
		struct prog_ev *kid = &p->ev[p->next_id];

		kid->p = p;
		kid->id = p->next_id++;
		sim_schedule(s, sim_rand_below(s, 50), prog_event, kid);
	}
}

static char *run_program(struct kunit *test, u64 seed, size_t *len)
{
	struct sim *s = new_sim(test, seed);
	struct prog *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	char *out = NULL;
	FILE *f;

	KUNIT_ASSERT_NOT_NULL(test, p);
	f = open_memstream(&out, len);
	KUNIT_ASSERT_NOT_NULL(test, f);
	s->trace = f;
	p->budget = 2000;
	for (u32 i = 0; i < 4; i++) {
		p->ev[i].p = p;
		p->ev[i].id = i;
		sim_schedule(s, sim_rand_below(s, 10), prog_event, &p->ev[i]);
	}
	p->next_id = 4;
	sim_run(s, 0);
	fclose(f);
	s->trace = NULL;
	KUNIT_EXPECT_GT(test, s->events_run, 100ULL);
	KUNIT_EXPECT_EQ(test, s->trace_lines, s->events_run);
	kunit_add_action(test, free, out);
	return out;
}

static void trace_same_seed_same_bytes(struct kunit *test)
{
	size_t la, lb, lc;
	char *a = run_program(test, 2024, &la);
	char *b = run_program(test, 2024, &lb);
	char *c = run_program(test, 2025, &lc);
	bool differ;

	KUNIT_ASSERT_GT(test, la, (size_t)0);
	KUNIT_EXPECT_EQ(test, la, lb);
	KUNIT_EXPECT_MEMEQ(test, a, b, min(la, lb));
	differ = la != lc || memcmp(a, c, la);
	KUNIT_EXPECT_TRUE(test, differ);
}

static struct kunit_case sim_cases[] = {
	KUNIT_CASE(heap_orders_by_time),
	KUNIT_CASE(heap_equal_times_fifo),
	KUNIT_CASE(heap_zero_delay_from_event),
	KUNIT_CASE(heap_random_stress),
	KUNIT_CASE(sched_at_and_cancel),
	KUNIT_CASE(run_limits_and_until),
	KUNIT_CASE(rand_deterministic),
	KUNIT_CASE(rand_xorshift_vector),
	KUNIT_CASE(rand_below_range),
	KUNIT_CASE(trace_line_format),
	KUNIT_CASE(trace_same_seed_same_bytes),
	{}
};

static struct kunit_suite sim_suite = {
	.name = "sim-loop",
	.test_cases = sim_cases,
};

kunit_test_suites(&sim_suite);
