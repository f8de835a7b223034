// SPDX-License-Identifier: GPL-2.0
/*
 * nestmed: the operator's tool.  Subcommands grow with the project; each
 * lives in its own file in host/cli/.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: nestmed <command> [args]\n"
	"\n"
	"commands:\n"
	"  decode KIND HEX...   decode a raw VT-d structure as JSON; KIND is one of\n"
	"                       pasid-entry (8 qwords), context-entry (2 or 4),\n"
	"                       root-entry (2), inv-desc (2 or 4), page-request (2 or 4),\n"
	"                       cap, ecap, fs-pte, ss-pte (1); qwords lowest first\n"
	"  bench [--json]       measure the engine (see docs/bench.md)\n"
	"  demo walk            print a cold 4-level-over-4-level nested walk\n"
	"  run [--scenario FILE] [--json] [--seed N] [--trace FILE] [--klog FILE]\n"
	"                       the main job: L1 with nmdev, nested mdevs, L2 VMs\n"
	"                       (docs/scenario.md); exit 0 only if every check held\n"
	"  sim [--seed N] [--trace] [--json]\n"
	"                       run a short scenario on the simulated platform\n"
	"  host check [--sysfs-root DIR] [--pf BDF] [--json]\n"
	"                       is this host's IOMMU fit for nested mediation?\n"
	"                       exit 0 ready, 1 not ready, 2 error\n"
	"  host xml --name VM --pf BDF [--memory MiB] [--vcpus N] [--iotlb]\n"
	"                       libvirt domain XML for the L1 VM (docs/host-guide.md)\n"
	"  help                 this text\n";

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("nestmed: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_USAGE;
}

bool cli_parse_hex64(const char *s, unsigned long long *out)
{
	uint64_t v = 0;
	int n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++, n++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return false;
		if (n == 16)
			return false;
		v = v << 4 | (uint64_t)d;
	}
	if (!n)
		return false;
	*out = v;
	return true;
}

static int cmd_demo(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "walk"))
		return cmd_demo_walk(argc - 1, argv + 1);
	return cli_usage_error("demo: unknown demo '%s' (try: nestmed demo walk)",
			       argc >= 2 ? argv[1] : "");
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} cmds[] = {
		{ "decode", cmd_decode },
		{ "bench", cmd_bench },
		{ "demo", cmd_demo },
		{ "run", cmd_run },
		{ "sim", cmd_sim },
		{ "host", cmd_host },
	};

	if (argc < 2) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		fputs(usage, stdout);
		return CLI_OK;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fputs(usage, stderr);
	return cli_usage_error("unknown command '%s'", argv[1]);
}
