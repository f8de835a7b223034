// SPDX-License-Identifier: GPL-2.0
/*
 * The deterministic event loop of the simulated platform.
 *
 * Events sit in a binary min-heap ordered by (time, seq); seq grows with
 * every sim_schedule(), so events due at the same time run in the order
 * they were scheduled.  Nothing here reads a clock or the environment: a
 * run is a function of the seed and of what the models schedule.
 */
#include <stdlib.h>

#include "sim.h"
#include "memory.h"

/* Used for seed 0, which would otherwise leave xorshift stuck at 0. */
#define SIM_SEED0	0x9e3779b97f4a7c15ULL

/*
 * splitmix64 finaliser: spreads nearby seeds (1, 2, 3 ...) over the whole
 * state space, so their streams differ from the first number on.
 */
static u64 sim_mix(u64 x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

int sim_init(struct sim *s, u64 seed)
{
	memset(s, 0, sizeof(*s));
	s->seed = seed;
	s->rng = sim_mix(seed ? seed : SIM_SEED0);
	if (!s->rng)
		s->rng = SIM_SEED0;
	return 0;
}

void sim_fini(struct sim *s)
{
	if (s->mem)
		sim_mem_destroy(s->mem);
	free(s->heap);
	s->heap = NULL;
	s->nheap = s->heap_cap = 0;
}

static bool ev_before(const struct sim_event *a, const struct sim_event *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static void ev_swap(struct sim_event *a, struct sim_event *b)
{
	struct sim_event t = *a;

	*a = *b;
	*b = t;
}

static void sift_up(struct sim *s, u32 i)
{
	while (i) {
		u32 parent = (i - 1) / 2;

		if (!ev_before(&s->heap[i], &s->heap[parent]))
			break;
		ev_swap(&s->heap[i], &s->heap[parent]);
		i = parent;
	}
}

static void sift_down(struct sim *s, u32 i)
{
	for (;;) {
		u32 l = 2 * i + 1, r = l + 1, min = i;

		if (l < s->nheap && ev_before(&s->heap[l], &s->heap[min]))
			min = l;
		if (r < s->nheap && ev_before(&s->heap[r], &s->heap[min]))
			min = r;
		if (min == i)
			return;
		ev_swap(&s->heap[i], &s->heap[min]);
		i = min;
	}
}

/* Remove heap slot @i, keeping the heap ordered. */
static void heap_remove(struct sim *s, u32 i)
{
	s->nheap--;
	if (i == s->nheap)
		return;
	s->heap[i] = s->heap[s->nheap];
	sift_down(s, i);
	sift_up(s, i);
}

int sim_schedule_at(struct sim *s, u64 time, sim_event_fn fn, void *arg)
{
	struct sim_event *ev;

	if (s->nheap == s->heap_cap) {
		u32 cap = s->heap_cap ? 2 * s->heap_cap : 64;
		struct sim_event *h;

		if (cap < s->heap_cap)
			return -ENOMEM;
		h = realloc(s->heap, (size_t)cap * sizeof(*h));
		if (!h)
			return -ENOMEM;
		s->heap = h;
		s->heap_cap = cap;
	}
	ev = &s->heap[s->nheap];
	ev->time = time < s->now ? s->now : time;
	ev->seq = s->seq++;
	ev->fn = fn;
	ev->arg = arg;
	sift_up(s, s->nheap++);
	return 0;
}

int sim_schedule(struct sim *s, u64 delay, sim_event_fn fn, void *arg)
{
	u64 t = s->now + delay;

	if (t < s->now)		/* saturate: "never" stays last */
		t = ~0ULL;
	return sim_schedule_at(s, t, fn, arg);
}

u32 sim_cancel(struct sim *s, sim_event_fn fn, void *arg)
{
	u32 n = 0;

	for (u32 i = 0; i < s->nheap;) {
		if (s->heap[i].fn == fn && s->heap[i].arg == arg) {
			heap_remove(s, i);
			n++;
			/* Slot i now holds another event, or is past the end. */
			continue;
		}
		i++;
	}
	return n;
}

bool sim_step(struct sim *s)
{
	struct sim_event ev;

	if (!s->nheap)
		return false;
	ev = s->heap[0];
	heap_remove(s, 0);
	s->now = ev.time;
	s->events_run++;
	ev.fn(s, ev.arg);
	return true;
}

u64 sim_run(struct sim *s, u64 max_events)
{
	u64 n = 0;

	while ((!max_events || n < max_events) && sim_step(s))
		n++;
	return n;
}

bool sim_run_until(struct sim *s, bool (*done)(void *ctx), void *ctx,
		   u64 max_events)
{
	u64 n = 0;

	while (!done(ctx)) {
		if (max_events && n == max_events)
			return false;
		if (!sim_step(s))
			break;
		n++;
	}
	return done(ctx);
}

u64 sim_rand(struct sim *s)
{
	u64 x = s->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	s->rng = x;
	return x * 0x2545f4914f6cdd1dULL;
}

u64 sim_rand_below(struct sim *s, u64 n)
{
	/* Reject the top partial range so every residue is equally likely. */
	u64 floor = -n % n;
	u64 r;

	do
		r = sim_rand(s);
	while (r < floor);
	return r % n;
}

void sim_trace(struct sim *s, const char *who, const char *fmt, ...)
{
	va_list ap;

	if (!s->trace)
		return;
	fprintf(s->trace, "[%10llu] %-8s ", (unsigned long long)s->now, who);
	va_start(ap, fmt);
	vfprintf(s->trace, fmt, ap);
	va_end(ap);
	fputc('\n', s->trace);
	s->trace_lines++;
}
