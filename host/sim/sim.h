/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated platform: an explicit, deterministic event loop that every
 * model (host memory, VMs, the physical VT-d IOMMU, the S-IOV PF) runs on.
 *
 * Time is simulated nanoseconds.  Events fire in (time, sequence) order, so
 * a run depends only on its seed and its inputs: the same seed gives the
 * same trace, line for line.  Randomness (fault injection, jitter) comes
 * only from sim_rand().  With tracing on, every decoded event (register
 * write, descriptor, translation fault, page request, ...) prints one line.
 */
#ifndef _HOST_SIM_SIM_H
#define _HOST_SIM_SIM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <nestmed/compat.h>

struct sim;
struct sim_mem;
struct sim_vm;

/* VM ids (and their guest-physical address-space ids) are 1..SIM_MAX_VMS. */
#define SIM_MAX_VMS	64

typedef void (*sim_event_fn)(struct sim *s, void *arg);

struct sim_event {
	u64 time;
	u64 seq;
	sim_event_fn fn;
	void *arg;
};

struct sim {
	u64 now;		/* simulated ns */
	u64 seq;		/* tie-breaker: scheduling order */
	u64 rng;		/* xorshift64* state, never 0 */
	u64 seed;
	struct sim_event *heap;	/* min-heap on (time, seq) */
	u32 nheap, heap_cap;
	u64 events_run;
	FILE *trace;		/* NULL: tracing off */
	u64 trace_lines;
	struct sim_mem *mem;	/* host physical memory (sim_mem_create) */
	struct sim_vm *vms[SIM_MAX_VMS + 1];	/* by id; [0] unused */
	/* Isolation oracle: violations seen on device DMA (must stay 0). */
	u64 oracle_violations;
	bool oracle_fatal;	/* abort() on a violation (tests of the invariant) */
};

/* An empty event queue at time 0, no memory, tracing off. */
int sim_init(struct sim *s, u64 seed);
/* Drops queued events; destroys s->mem (and with it every VM) if set. */
void sim_fini(struct sim *s);

/* Run @fn(@arg) @delay ns from now.  -ENOMEM if the queue cannot grow. */
int sim_schedule(struct sim *s, u64 delay, sim_event_fn fn, void *arg);
/* The same at absolute time @time (a time in the past means now). */
int sim_schedule_at(struct sim *s, u64 time, sim_event_fn fn, void *arg);
/* Drop every queued event with this @fn and @arg; returns how many. */
u32 sim_cancel(struct sim *s, sim_event_fn fn, void *arg);
static inline u32 sim_pending(const struct sim *s)
{
	return s->nheap;
}
/* Run the earliest event; false when none is queued. */
bool sim_step(struct sim *s);
/* Run events until the queue is empty or @max_events ran (0: no limit). */
u64 sim_run(struct sim *s, u64 max_events);
/*
 * Run events until @done(@ctx) is true, the queue is empty or @max_events
 * ran (0: no limit); returns @done(@ctx) at the end.
 */
bool sim_run_until(struct sim *s, bool (*done)(void *ctx), void *ctx,
		   u64 max_events);

/* Deterministic pseudo-random numbers from the seed (xorshift64*). */
u64 sim_rand(struct sim *s);
/* Uniform in [0, n); n > 0. */
u64 sim_rand_below(struct sim *s, u64 n);

/*
 * One trace line, "[%10llu] %-8s %s\n": the simulated time in ns, the
 * model that speaks ("iommu", "siov", "mem", ...) and the text.
 */
void sim_trace(struct sim *s, const char *who, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline bool sim_tracing(const struct sim *s)
{
	return s->trace != NULL;
}

#endif /* _HOST_SIM_SIM_H */
