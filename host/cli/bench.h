/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `nestmed bench`: every metric of one run is reported through
 * bench_report(); ratios are computed from metrics of the same run, never
 * compared against absolute thresholds in tests.
 */
#ifndef _NESTMED_CLI_BENCH_H
#define _NESTMED_CLI_BENCH_H

#include <stdint.h>

/* Record one metric (key as in docs/bench.md, e.g. "iotlb_hit_ns"). */
void bench_report(const char *key, double value);
/* A metric reported earlier in this run (NaN when absent). */
double bench_value(const char *key);
/* The median of @v[0..@n) (sorts @v in place; @n > 0). */
double bench_median(double *v, unsigned int n);
/* Monotonic clock in nanoseconds. */
uint64_t bench_now_ns(void);
/* Keep @p alive and opaque to the optimiser. */
static inline void bench_sink(const void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

/* Bench groups, one per module, each a file in host/cli/. */
void bench_walk(void);		/* bench_walk.c: walker, chase24, IOTLB hit */
void bench_sim(void);		/* bench_sim.c: PF DMA vs memcpy, PRQ round trip */
void bench_iopf(void);		/* bench_iopf.c: fault router FS/SS round trips */
void bench_shadow(void);	/* bench_host.c: shadow sync, batched invalidations */
/* bench_nested.c: the nested machine: throughputs (simulated time),
 * 4096 mdevs, demand pinning */
void bench_nested(void);

#endif /* _NESTMED_CLI_BENCH_H */
