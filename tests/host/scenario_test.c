// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario files of `nestmed run` (host/scenario.c, docs/scenario.md):
 * a complete file with every key, the defaults of omitted keys, the
 * built-in default scenario (and that it is scenarios/default.yaml),
 * generated UUIDs, and one case per error class checking the reported
 * line and message.  Every prefix of the default file must parse or fail
 * with a "FILE:LINE:" message, never crash (run under ASan too).
 */
#include <kunit/test.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

#define U1 "3f1c2a6e-8d4b-4c1e-9a7f-0b5d6e7f8a01"
#define U2 "3f1c2a6e-8d4b-4c1e-9a7f-0b5d6e7f8a02"
#define U3 "3f1c2a6e-8d4b-4c1e-9a7f-0b5d6e7f8a03"

static int parse(struct scenario *sc, const char *text, char *err,
		 size_t errlen)
{
	return scenario_parse(sc, "t.yaml", text, strlen(text), err, errlen);
}

static const char full[] =
	"version: 1\n"
	"machine:\n"
	"  seed: 0x2a\n"
	"  l1_ram: 1GiB\n"
	"  lazy_l1_ram: yes\n"
	"  vcmd: true\n"
	"  nmdev_mode: sw\n"
	"  pf_wqs: 8\n"
	"  trap_ns: 2500\n"
	"  host_reclaim: 1_024\n"
	"mdevs:\n"
	"  - " U1 "\n"
	"  - uuid: 3F1C2A6E-8D4B-4C1E-9A7F-0B5D6E7F8A02\n"
	"  - " U3 "\n"
	"vms:\n"
	"  - name: alpha\n"
	"    ram: 256MiB\n"
	"    mdevs: [" U2 ", 0]\n"
	"    block_on_fault: false\n"
	"    workload:\n"
	"      memmoves: 1_000\n"
	"      size: 64K\n"
	"      span: 16MiB\n"
	"  - name: beta\n"
	"    mdevs: [2]\n"
	"teardown: l1-crash\n";

static void scenario_full_file(struct kunit *test)
{
	struct scenario sc;
	char err[256];

	KUNIT_ASSERT_EQ_MSG(test, parse(&sc, full, err, sizeof(err)), 0,
			    "%s", err);
	KUNIT_EXPECT_EQ(test, sc.machine.seed, 42ULL);
	KUNIT_EXPECT_EQ(test, sc.machine.l1_ram, 1024 * SCN_MIB);
	KUNIT_EXPECT_TRUE(test, sc.machine.lazy_l1_ram);
	KUNIT_EXPECT_TRUE(test, sc.machine.vcmd);
	KUNIT_EXPECT_EQ(test, sc.machine.nmdev_mode, SCN_MODE_SW);
	KUNIT_EXPECT_EQ(test, sc.machine.pf_wqs, 8u);
	KUNIT_EXPECT_EQ(test, sc.machine.trap_ns, 2500ULL);
	KUNIT_EXPECT_EQ(test, sc.machine.host_reclaim, 1024u);
	KUNIT_ASSERT_EQ(test, sc.nmdevs, 3u);
	KUNIT_EXPECT_STREQ(test, sc.mdevs[0].uuid, U1);
	/* Upper case in the file, lower case as the mdev core names it. */
	KUNIT_EXPECT_STREQ(test, sc.mdevs[1].uuid, U2);
	KUNIT_EXPECT_EQ(test, sc.mdevs[1].line, 13);
	KUNIT_ASSERT_EQ(test, sc.nvms, 2u);
	KUNIT_EXPECT_STREQ(test, sc.vms[0].name, "alpha");
	KUNIT_EXPECT_EQ(test, sc.vms[0].ram, 256 * SCN_MIB);
	KUNIT_ASSERT_EQ(test, sc.vms[0].nmdevs, 2u);
	KUNIT_EXPECT_EQ(test, sc.vms[0].mdevs[0], 1u);	/* by UUID */
	KUNIT_EXPECT_EQ(test, sc.vms[0].mdevs[1], 0u);	/* by index */
	KUNIT_EXPECT_FALSE(test, sc.vms[0].block_on_fault);
	KUNIT_EXPECT_EQ(test, sc.vms[0].wl.memmoves, 1000u);
	KUNIT_EXPECT_EQ(test, sc.vms[0].wl.size, 65536u);
	KUNIT_EXPECT_EQ(test, sc.vms[0].wl.span, 16 * SCN_MIB);
	KUNIT_EXPECT_EQ(test, sc.vms[0].line, 16);
	KUNIT_EXPECT_EQ(test, sc.mdevs[0].vm, 0);
	KUNIT_EXPECT_EQ(test, sc.mdevs[1].vm, 0);
	KUNIT_EXPECT_EQ(test, sc.mdevs[2].vm, 1);
	KUNIT_EXPECT_EQ(test, sc.teardown, SCN_TD_L1_CRASH);
	scenario_free(&sc);
}

/* What an omitted key means, at every level. */
static void scenario_defaults(struct kunit *test)
{
	struct scenario sc;
	char err[256];

	KUNIT_ASSERT_EQ_MSG(test, parse(&sc, "{}\n", err, sizeof(err)), 0,
			    "%s", err);
	KUNIT_EXPECT_EQ(test, sc.machine.seed, 1ULL);
	KUNIT_EXPECT_EQ(test, sc.machine.l1_ram, 256 * SCN_MIB);
	KUNIT_EXPECT_FALSE(test, sc.machine.lazy_l1_ram);
	KUNIT_EXPECT_FALSE(test, sc.machine.vcmd);
	KUNIT_EXPECT_EQ(test, sc.machine.nmdev_mode, SCN_MODE_AUTO);
	KUNIT_EXPECT_EQ(test, sc.machine.pf_wqs, 64u);
	KUNIT_EXPECT_EQ(test, sc.machine.trap_ns, 10000ULL);
	KUNIT_EXPECT_EQ(test, sc.machine.host_reclaim, 0u);	/* one pass */
	KUNIT_EXPECT_EQ(test, sc.nmdevs, 0u);
	KUNIT_EXPECT_EQ(test, sc.nvms, 0u);
	KUNIT_EXPECT_EQ(test, sc.teardown, SCN_TD_MDEV_REMOVE_FIRST);
	scenario_free(&sc);

	/* An empty section is an empty section; a bare VM gets defaults. */
	KUNIT_ASSERT_EQ_MSG(test, parse(&sc, "machine:\nmdevs:\nvms:\n  - {}\n  - {}\n",
					err, sizeof(err)), 0, "%s", err);
	KUNIT_ASSERT_EQ(test, sc.nvms, 2u);
	KUNIT_EXPECT_STREQ(test, sc.vms[0].name, "l2-0");
	KUNIT_EXPECT_STREQ(test, sc.vms[1].name, "l2-1");
	KUNIT_EXPECT_EQ(test, sc.vms[1].ram, 64 * SCN_MIB);
	KUNIT_EXPECT_TRUE(test, sc.vms[1].block_on_fault);
	KUNIT_EXPECT_EQ(test, sc.vms[1].nmdevs, 0u);
	KUNIT_EXPECT_EQ(test, sc.vms[1].wl.memmoves, 64u);
	KUNIT_EXPECT_EQ(test, sc.vms[1].wl.size, 4096u);
	KUNIT_EXPECT_EQ(test, sc.vms[1].wl.span, SCN_MIB);
	scenario_free(&sc);
}

/*
 * The main job: 4 mdevs, two L2 VMs with two each, and what makes
 * its report show both kinds of fault (tests/cli/run.sh checks the
 * counts in the JSON): demand pinning through I/O page faults (PASID
 * mode, which auto picks with this vIOMMU, and block on fault) for the
 * first stage; L1 RAM the host backs on demand and reclaims between two
 * passes for the second.
 */
static void scenario_builtin_default(struct kunit *test)
{
	struct scenario sc;
	char err[256];

	KUNIT_ASSERT_EQ_MSG(test, scenario_default(&sc, err, sizeof(err)), 0,
			    "%s", err);
	KUNIT_EXPECT_EQ(test, sc.nmdevs, 4u);
	KUNIT_ASSERT_EQ(test, sc.nvms, 2u);
	for (u32 v = 0; v < 2; v++) {
		KUNIT_EXPECT_EQ(test, sc.vms[v].nmdevs, 2u);
		KUNIT_EXPECT_TRUE(test, sc.vms[v].block_on_fault);
		KUNIT_EXPECT_GT(test, sc.vms[v].wl.memmoves, 0u);
		/* Reclaimed pages lie under moves of the second pass. */
		KUNIT_EXPECT_LE(test, (u64)sc.machine.host_reclaim * SCN_PAGE,
				sc.vms[v].wl.span / 2);
		KUNIT_EXPECT_LE(test, (u64)sc.machine.host_reclaim * SCN_PAGE,
				(u64)sc.vms[v].wl.memmoves * sc.vms[v].wl.size);
	}
	for (u32 i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, sc.mdevs[i].vm, (int)(i / 2));
	KUNIT_EXPECT_TRUE(test, sc.machine.lazy_l1_ram);
	KUNIT_EXPECT_NE(test, sc.machine.nmdev_mode, SCN_MODE_SW);
	KUNIT_EXPECT_GT(test, sc.machine.host_reclaim, 0u);
	scenario_free(&sc);
}

/* scenarios/default.yaml is the built-in text (when run from the tree). */
static void scenario_default_is_the_file(struct kunit *test)
{
	FILE *f = fopen("scenarios/default.yaml", "rb");
	size_t want = strlen(scenario_default_yaml), n;
	char *buf;

	if (!f)
		kunit_skip(test, "scenarios/default.yaml not reachable from the cwd");
	buf = kunit_kzalloc(test, want + 2, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	n = fread(buf, 1, want + 1, f);
	fclose(f);
	KUNIT_EXPECT_EQ(test, n, want);
	KUNIT_EXPECT_STREQ(test, buf, scenario_default_yaml);
}

static void scenario_count_uuids(struct kunit *test)
{
	struct scenario sc;
	char err[256], u[SCN_UUID_LEN + 1];

	KUNIT_ASSERT_EQ_MSG(test, parse(&sc, "machine: {pf_wqs: 4096}\n"
					"mdevs: {count: 4096}\n"
					"vms: [{mdevs: [4095, 6e6d6465-7600-4000-8000-000000000001]}]\n",
					err, sizeof(err)), 0, "%s", err);
	KUNIT_ASSERT_EQ(test, sc.nmdevs, 4096u);
	KUNIT_EXPECT_STREQ(test, sc.mdevs[0].uuid,
			   "6e6d6465-7600-4000-8000-000000000001");
	KUNIT_EXPECT_STREQ(test, sc.mdevs[4095].uuid,
			   "6e6d6465-7600-4000-8000-000000001000");
	scenario_gen_uuid(41, u);
	KUNIT_EXPECT_STREQ(test, sc.mdevs[41].uuid, u);
	KUNIT_EXPECT_EQ(test, sc.vms[0].mdevs[0], 4095u);
	KUNIT_EXPECT_EQ(test, sc.vms[0].mdevs[1], 0u);
	scenario_free(&sc);
}

struct scn_err_case {
	const char *desc;
	const char *yaml;
	int line;
	const char *msg;	/* a substring of the message */
};

static const struct scn_err_case err_cases[] = {
	{ "yaml_syntax", "machine:\n  seed: 1\n    vcmd: true\n", 3,
	  "YAML syntax" },
	{ "yaml_unclosed_flow", "vms:\n  - mdevs: [0, 1\nteardown: rmmod\n", 3,
	  "YAML syntax" },
	{ "yaml_bad_utf8", "machine:\n  seed: 1\n  vcmd: \xc3\x28\n", 3,
	  "YAML syntax" },
	{ "yaml_undefined_alias", "machine:\n  seed: *nope\n", 2, "alias" },
	{ "empty", "", 1, "empty scenario" },
	{ "second_document", "machine: {}\n---\nvms: []\n", 3,
	  "second YAML document" },
	{ "root_not_mapping", "- 1\n- 2\n", 1, "expected a mapping" },
	{ "unknown_top_key", "machine: {}\nmdev: {count: 1}\n", 2,
	  "unknown key 'mdev'" },
	{ "unknown_machine_key", "machine:\n  seed: 1\n  lazy: true\n", 3,
	  "machine: unknown key 'lazy'" },
	{ "unknown_workload_key",
	  "vms:\n  - name: a\n    workload:\n      count: 3\n", 4,
	  "vms[0].workload: unknown key 'count'" },
	{ "duplicate_key", "machine:\n  pf_wqs: 8\n  pf_wqs: 9\n", 3,
	  "duplicate key 'pf_wqs' (first at line 2)" },
	{ "type_int", "machine:\n  seed: twelve\n", 2,
	  "machine.seed: expected an integer" },
	{ "type_quoted_int", "machine:\n  pf_wqs: \"8\"\n", 2,
	  "quoted string" },
	{ "type_negative", "machine:\n  seed: -1\n", 2, "expected an integer" },
	{ "type_overflow", "machine:\n  seed: 18446744073709551616\n", 2,
	  "expected an integer" },
	{ "type_bool", "machine:\n  vcmd: maybe\n", 2,
	  "expected true or false" },
	{ "type_size", "vms:\n  - ram: 64MB\n", 2, "expected a size" },
	{ "type_section", "machine: [1]\n", 1, "expected a mapping, got a list" },
	{ "type_vms", "vms: {name: a}\n", 1, "vms: expected a list" },
	{ "type_null_value", "machine:\n  seed:\n", 2, "got nothing" },
	{ "enum_mode", "machine:\n  nmdev_mode: hw\n", 2,
	  "unknown value 'hw' (expected auto | pasid | sw)" },
	{ "enum_teardown", "teardown: reboot\n", 1, "unknown value 'reboot'" },
	{ "range_wqs", "machine:\n  pf_wqs: 4097\n", 2,
	  "4097 out of range (1..4096)" },
	{ "range_wqs_zero", "machine:\n  pf_wqs: 0\n", 2, "out of range" },
	{ "range_seed_zero", "machine:\n  seed: 0\n", 2,
	  "0 out of range (1..18446744073709551615)" },
	{ "range_l1_ram", "machine:\n  l1_ram: 32MiB\n", 2, "out of range" },
	{ "range_l1_ram_huge", "machine:\n  l1_ram: 99999999999999999999G\n", 2,
	  "expected a size" },
	{ "align_l1_ram", "machine:\n  l1_ram: 100000000\n", 2,
	  "not a multiple" },
	{ "range_trap", "machine:\n  trap_ns: 0\n", 2, "out of range" },
	{ "range_reclaim", "machine:\n  lazy_l1_ram: true\n  host_reclaim: 4194305\n",
	  3, "4194305 out of range (0..4194304)" },
	{ "reclaim_not_lazy", "machine:\n  host_reclaim: 8\n  seed: 3\n", 2,
	  "machine.host_reclaim: 8 needs lazy_l1_ram: true" },
	{ "reclaim_lazy_false", "machine:\n  lazy_l1_ram: off\n  host_reclaim: 1\n",
	  3, "needs lazy_l1_ram: true" },
	{ "range_version", "version: 2\n", 1, "out of range (1..1)" },
	{ "range_xfer", "vms:\n  - workload: {size: 4MiB}\n", 2,
	  "workload.size: 4MiB out of range" },
	{ "range_memmoves", "vms:\n  - workload:\n      memmoves: 1000001\n",
	  3, "out of range" },
	{ "span_small", "vms:\n  - workload: {size: 8K, span: 8K}\n", 2,
	  "span/2 >= size" },
	{ "span_ram", "vms:\n  - ram: 4MiB\n    workload: {span: 4MiB}\n", 3,
	  "do not fit in ram" },
	{ "l2_ram_total", "vms:\n  - ram: 128MiB\n  - ram: 128MiB\n", 3,
	  "would total 256 MiB" },
	{ "too_many_mdevs", "machine: {pf_wqs: 2}\nmdevs:\n  - " U1 "\n  - " U2
	  "\n  - " U3 "\n", 3, "the PF has 2" },
	{ "count_over_wqs", "mdevs:\n  count: 65\n", 2, "the PF has 64" },
	{ "uuid_bad", "mdevs:\n  - " U1 "\n  - 3f1c2a6e-8d4b-4c1e-9a7f\n", 3,
	  "is not a UUID" },
	{ "uuid_duplicate", "mdevs:\n  - " U1 "\n  - " U2 "\n  - "
	  "3F1C2A6E-8d4b-4c1e-9a7f-0b5d6e7f8a01\n", 4,
	  "duplicate UUID " U1 " (first at line 2)" },
	{ "mdev_ref_unknown_uuid", "mdevs: [" U1 "]\nvms:\n  - mdevs:\n      - "
	  U2 "\n", 4, "vms[0].mdevs[0]: unknown mdev " U2 },
	{ "mdev_ref_bad_index", "mdevs: {count: 2}\nvms:\n  - mdevs: [0, 2]\n",
	  3, "unknown mdev index 2 (2 mdevs)" },
	{ "mdev_ref_garbage", "mdevs: {count: 2}\nvms:\n  - mdevs: [first]\n",
	  3, "neither an mdev UUID nor an index" },
	{ "mdev_shared", "mdevs: {count: 2}\nvms:\n  - mdevs: [0]\n"
	  "  - mdevs: [1, 0]\n", 4, "already used by VM 'l2-0'" },
	{ "mdevs_per_vm", "mdevs: {count: 9}\nvms:\n"
	  "  - mdevs: [0, 1, 2, 3, 4, 5, 6, 7, 8]\n", 3, "at most 8 per VM" },
	{ "vm_name_dup", "vms:\n  - name: a\n  - name: a\n", 3,
	  "duplicate name 'a' (first at line 2)" },
	{ "vm_name_bad", "vms:\n  - name: 'a b'\n", 2, "vms[0].name" },
	{ "alias_cycle", "machine: &m {seed: *m}\n", 1,
	  "machine.seed: expected an integer, got a mapping" },
};

static void err_desc(const struct scn_err_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(scn_err, err_cases, err_desc);

/* Each error class: -EINVAL, "t.yaml:LINE: ...", nothing left to free. */
static void scenario_errors(struct kunit *test)
{
	const struct scn_err_case *c = test->param_value;
	struct scenario sc;
	char err[512], prefix[32];

	KUNIT_ASSERT_EQ(test, parse(&sc, c->yaml, err, sizeof(err)), -EINVAL);
	snprintf(prefix, sizeof(prefix), "t.yaml:%d: ", c->line);
	KUNIT_EXPECT_TRUE_MSG(test, !strncmp(err, prefix, strlen(prefix)),
			      "want '%s...', got '%s'", prefix, err);
	KUNIT_EXPECT_TRUE_MSG(test, strstr(err, c->msg) != NULL,
			      "want '%s' in '%s'", c->msg, err);
	KUNIT_EXPECT_NULL(test, sc.mdevs);
	KUNIT_EXPECT_EQ(test, sc.nvms, 0u);
}

/* A missing file names the file and the reason, and has no line. */
static void scenario_missing_file(struct kunit *test)
{
	struct scenario sc;
	char err[256];

	KUNIT_EXPECT_EQ(test, scenario_load(&sc, "/nonexistent/s.yaml", err,
					    sizeof(err)), -ENOENT);
	KUNIT_EXPECT_STREQ(test, err, "/nonexistent/s.yaml: No such file or directory");
}

/*
 * Every prefix of the default scenario, and every one with a byte
 * replaced by a YAML indicator: each parses or fails with a located
 * message; none crashes or leaks (ASan run).
 */
static void scenario_truncated_and_mutated(struct kunit *test)
{
	static const char marks[] = ":-[{&*\"\t";
	size_t len = strlen(scenario_default_yaml);
	char *buf = kunit_kzalloc(test, len + 1, GFP_KERNEL);
	char err[512];
	u32 ok = 0, bad = 0;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (size_t n = 0; n <= len; n++) {
		for (size_t m = 0; m <= sizeof(marks) - 1; m++) {
			struct scenario sc;
			int ret;

			memcpy(buf, scenario_default_yaml, len);
			if (m < sizeof(marks) - 1 && n < len)
				buf[n] = marks[m];
			else if (m < sizeof(marks) - 1)
				continue;
			ret = scenario_parse(&sc, "t.yaml", buf,
					     m == sizeof(marks) - 1 ? n : len,
					     err, sizeof(err));
			if (!ret) {
				ok++;
				scenario_free(&sc);
				continue;
			}
			bad++;
			KUNIT_ASSERT_EQ(test, ret, -EINVAL);
			KUNIT_ASSERT_TRUE_MSG(test, !strncmp(err, "t.yaml:", 7) &&
					      err[7] >= '1' && err[7] <= '9',
					      "unlocated: '%s'", err);
		}
	}
	/* Both outcomes happen (the full text parses, cut keys do not). */
	KUNIT_EXPECT_GT(test, ok, 0u);
	KUNIT_EXPECT_GT(test, bad, 0u);
}

static struct kunit_case scenario_cases[] = {
	KUNIT_CASE(scenario_full_file),
	KUNIT_CASE(scenario_defaults),
	KUNIT_CASE(scenario_builtin_default),
	KUNIT_CASE(scenario_default_is_the_file),
	KUNIT_CASE(scenario_count_uuids),
	KUNIT_CASE_PARAM(scenario_errors, scn_err_gen_params),
	KUNIT_CASE(scenario_missing_file),
	KUNIT_CASE(scenario_truncated_and_mutated),
	{}
};

static struct kunit_suite scenario_suite = {
	.name = "scenario",
	.test_cases = scenario_cases,
};

kunit_test_suites(&scenario_suite);
