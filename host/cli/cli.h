/* SPDX-License-Identifier: GPL-2.0 */
/* nestmed command-line tool: subcommand entry points and shared helpers. */
#ifndef _NESTMED_CLI_H
#define _NESTMED_CLI_H

#include <stdbool.h>
#include <stdint.h>

/* Exit codes shared by every subcommand. */
enum {
	CLI_OK = 0,
	CLI_FAIL = 1,	/* the command ran and the answer is "no" */
	CLI_USAGE = 2,	/* bad input: message on stderr */
};

int cmd_decode(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_demo_walk(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_run(int argc, char **argv);	/* run_cmd.c */
int cmd_host(int argc, char **argv);

/* Print "nestmed: <msg>" on stderr; returns CLI_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse one 64-bit hex word ("0x" optional, 1..16 digits); false if bad. */
bool cli_parse_hex64(const char *s, unsigned long long *out);

#endif /* _NESTMED_CLI_H */
