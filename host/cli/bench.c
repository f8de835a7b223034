// SPDX-License-Identifier: GPL-2.0
/*
 * `nestmed bench [--json]`: runs every bench group once and prints all
 * metrics of that one run.  Ratios are formed inside a run, because the
 * machines are shared and absolute times are noisy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "cli.h"

#define BENCH_MAX 128

static struct {
	const char *key;
	double value;
} metrics[BENCH_MAX];
static int nmetrics;

void bench_report(const char *key, double value)
{
	for (int i = 0; i < nmetrics; i++) {
		if (!strcmp(metrics[i].key, key)) {
			metrics[i].value = value;
			return;
		}
	}
	if (nmetrics < BENCH_MAX) {
		metrics[nmetrics].key = key;
		metrics[nmetrics].value = value;
		nmetrics++;
	}
}

double bench_value(const char *key)
{
	for (int i = 0; i < nmetrics; i++)
		if (!strcmp(metrics[i].key, key))
			return metrics[i].value;
	return __builtin_nan("");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double bench_median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void print_value(double v)
{
	if (v != v)
		fputs("null", stdout);
	else if (v > -1e15 && v < 1e15 && v == (double)(long long)v)
		printf("%.0f", v);
	else
		printf("%.3f", v);
}

int cmd_bench(int argc, char **argv)
{
	bool json = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else
			return cli_usage_error("bench: unknown option '%s'", argv[i]);
	}
	bench_walk();
	bench_sim();
	bench_iopf();
	bench_shadow();
	bench_nested();
	if (json) {
		fputs("{", stdout);
		for (int i = 0; i < nmetrics; i++) {
			printf("%s\n  \"%s\": ", i ? "," : "", metrics[i].key);
			print_value(metrics[i].value);
		}
		fputs("\n}\n", stdout);
	} else {
		for (int i = 0; i < nmetrics; i++) {
			printf("%-36s ", metrics[i].key);
			print_value(metrics[i].value);
			putchar('\n');
		}
	}
	return CLI_OK;
}
