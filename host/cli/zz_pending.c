// SPDX-License-Identifier: GPL-2.0
/* TEMPORARY (lead): weak stand-ins until demo_walk.c / bench_walk.c land. */
#include "bench.h"
#include "cli.h"

__attribute__((weak)) int cmd_demo_walk(int argc, char **argv)
{
	return cli_usage_error("demo walk: not built yet");
}

__attribute__((weak)) void bench_walk(void)
{
}
