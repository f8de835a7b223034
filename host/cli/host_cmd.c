// SPDX-License-Identifier: GPL-2.0
/*
 * `nestmed host check [--sysfs-root DIR] [--pf BDF] [--json]` and
 * `nestmed host xml --name VM --pf BDF [--memory MiB] [--vcpus N] [--iotlb]`:
 * arguments, sysfs reading and output.  The judgement is host_check.c, the
 * XML host_xml.c; docs/host-guide.md explains both to the operator.
 *
 * Exit codes (cli.h): 0 ready / XML printed, 1 not ready, 2 bad input or
 * an unreadable or garbled sysfs (message on stderr, nothing on stdout).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "host_check.h"

static const char host_usage[] =
	"usage: nestmed host check [--sysfs-root DIR] [--pf BDF] [--json]\n"
	"       nestmed host xml --name VM --pf BDF [--memory MiB] [--vcpus N] [--iotlb]\n"
	"\n"
	"check  judge each Intel IOMMU unit (DIR/sys/class/iommu/dmar*, DIR\n"
	"       defaults to /) for nested mediation; with --pf only the unit in\n"
	"       front of that PCI function.  Exit 0 ready, 1 not ready, 2 error.\n"
	"xml    print libvirt domain XML for the L1 VM that gets the PF BDF\n"
	"       (DDDD:BB:DD.F or BB:DD.F); memory default 4096 MiB, 2 vCPUs.\n"
	"See docs/host-guide.md.\n";

#define HOST_MAX_UNITS	256
#define HOST_ATTR_MAX	64	/* longest sysfs value we accept */

struct unit {
	char name[64];
	char verstr[16];
	bool selected;
	struct host_check_unit u;
};

struct check_args {
	const char *root;
	const char *pf;
	struct host_bdf bdf;
	bool json;
};

/*
 * Value-or-flag options: "--opt VAL" and "--opt=VAL".  Returns the value
 * and advances *@i, NULL when argv[*i] is not @opt; *@err on a missing
 * value.
 */
static const char *opt_val(int argc, char **argv, int *i, const char *opt,
			   bool *err)
{
	size_t n = strlen(opt);
	const char *a = argv[*i];

	if (strncmp(a, opt, n))
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n])
		return NULL;
	if (*i + 1 >= argc) {
		*err = true;
		return NULL;
	}
	return argv[++*i];
}

/* Printable, bounded copy of untrusted bytes for an error message. */
static void sanitize(char *dst, size_t len, const char *s)
{
	size_t i;

	for (i = 0; i + 1 < len && s[i]; i++)
		dst[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	dst[i] = 0;
}

/* Read a small sysfs attribute into @buf; message + -errno on failure. */
static int read_attr(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f) {
		int e = errno;

		fprintf(stderr, "nestmed: cannot read %s: %s\n", path, strerror(e));
		return -e;
	}
	n = fread(buf, 1, len - 1, f);
	if (ferror(f)) {
		fprintf(stderr, "nestmed: cannot read %s: I/O error\n", path);
		fclose(f);
		return -EIO;
	}
	/* More than a register's worth: not what intel-iommu writes. */
	if (n == len - 1 && fgetc(f) != EOF) {
		fprintf(stderr, "nestmed: %s: garbled (longer than %zu bytes)\n",
			path, len - 2);
		fclose(f);
		return -EINVAL;
	}
	fclose(f);
	if (memchr(buf, 0, n)) {
		fprintf(stderr, "nestmed: %s: garbled (NUL byte)\n", path);
		return -EINVAL;
	}
	buf[n] = 0;
	return 0;
}

static int load_unit(const char *dir, struct unit *un)
{
	static const char *const what[] = {
		"version", "cap", "ecap",
	};
	static const char *const expect[] = {
		"MAJOR:MINOR in decimal, e.g. 1:0",
		"up to 16 hex digits without 0x",
		"up to 16 hex digits without 0x",
	};
	char path[4096], val[HOST_ATTR_MAX], shown[HOST_ATTR_MAX];
	unsigned int i;
	int ret;

	for (i = 0; i < 3; i++) {
		if (snprintf(path, sizeof(path), "%s/%s/intel-iommu/%s", dir,
			     un->name, what[i]) >= (int)sizeof(path)) {
			fprintf(stderr, "nestmed: %s: path too long\n", dir);
			return -ENAMETOOLONG;
		}
		ret = read_attr(path, val, sizeof(val));
		if (ret)
			return ret;
		if (i == 0)
			ret = host_check_parse_version(val, &un->u.ver_major,
						       &un->u.ver_minor);
		else
			ret = host_check_parse_reg(val, i == 1 ? &un->u.cap :
							       &un->u.ecap);
		if (ret) {
			size_t n = strlen(val);

			if (n && val[n - 1] == '\n')
				val[n - 1] = 0;
			sanitize(shown, sizeof(shown), val);
			fprintf(stderr, "nestmed: %s: garbled '%s' (expected %s)\n",
				path, shown, expect[i]);
			return ret;
		}
	}
	snprintf(un->verstr, sizeof(un->verstr), "%u:%u", un->u.ver_major,
		 un->u.ver_minor);
	return 0;
}

static int dmar_filter(const struct dirent *d)
{
	return !strncmp(d->d_name, "dmar", 4);
}

/* Load every dmar* unit under @dir; returns the count or -errno. */
static int load_units(const char *dir, struct unit **out)
{
	struct dirent **names;
	struct unit *units = NULL;
	int n, i, ret = 0;

	n = scandir(dir, &names, dmar_filter, versionsort);
	if (n < 0) {
		int e = errno;

		if (e == ENOENT)
			fprintf(stderr, "nestmed: no IOMMU found: %s does not exist "
				"(VT-d off in the firmware, or the kernel booted "
				"without intel_iommu=on?)\n", dir);
		else
			fprintf(stderr, "nestmed: cannot read %s: %s\n", dir,
				strerror(e));
		return -e;
	}
	if (!n) {
		fprintf(stderr, "nestmed: no Intel IOMMU found: %s has no dmar* "
			"unit (VT-d off in the firmware, intel_iommu=off, or not "
			"an Intel host)\n", dir);
		free(names);
		return -ENODEV;
	}
	if (n > HOST_MAX_UNITS) {
		fprintf(stderr, "nestmed: %s: %d units, more than %d\n", dir, n,
			HOST_MAX_UNITS);
		ret = -E2BIG;
		goto out;
	}
	units = calloc(n, sizeof(*units));
	if (!units) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (strlen(names[i]->d_name) >= sizeof(units[i].name)) {
			fprintf(stderr, "nestmed: %s/%.32s...: name too long\n",
				dir, names[i]->d_name);
			ret = -EINVAL;
			goto out;
		}
		strcpy(units[i].name, names[i]->d_name);
		ret = load_unit(dir, &units[i]);
		if (ret)
			goto out;
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (ret) {
		free(units);
		return ret;
	}
	*out = units;
	return n;
}

/* Mark the unit whose devices/ holds @a->pf; -ENODEV if none. */
static int select_pf(const char *dir, struct unit *units, int n,
		     const struct check_args *a)
{
	char path[4096], bdf[16];
	struct stat st;
	int i, found = 0;

	snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%x", a->bdf.domain,
		 a->bdf.bus, a->bdf.dev, a->bdf.fn);
	for (i = 0; i < n; i++) {
		if (snprintf(path, sizeof(path), "%s/%s/devices/%s", dir,
			     units[i].name, bdf) >= (int)sizeof(path)) {
			fprintf(stderr, "nestmed: %s: path too long\n", dir);
			return -ENAMETOOLONG;
		}
		units[i].selected = !lstat(path, &st);
		found += units[i].selected;
	}
	if (!found) {
		fprintf(stderr, "nestmed: %s is behind no IOMMU unit in %s "
			"(not present, or not translated by VT-d)\n", bdf, dir);
		return -ENODEV;
	}
	return 0;
}

static void policy_words(const struct viommu_policy *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s, %s PASIDs",
		 p->slts ? "first and second stage (software shadow)" :
			   "first stage only",
		 p->pt ? ", PT" : "", p->prs ? ", PRS" : "", p->dt ? ", DT" : "",
		 p->pasid_ns == VIOMMU_PASID_VCMD ? "host-allocated (VCMD)" :
						    "identity");
}

static void print_table(const struct check_args *a, const char *dir,
			const struct unit *units, int n,
			const struct viommu_policy *pol, bool ready)
{
	char pw[160], h[32], o[32];
	int i, sel = 0;

	policy_words(pol, pw, sizeof(pw));
	printf("nestmed host check: %d IOMMU unit%s in %s\n", n, n == 1 ? "" : "s",
	       dir);
	printf("vIOMMU policy: %s\n", pw);
	for (i = 0; i < n; i++) {
		const struct unit *un = &units[i];
		const struct host_check_unit *u = &un->u;
		unsigned int k;

		if (!un->selected)
			continue;
		sel++;
		printf("\n%s: VT-d %s, cap %llx, ecap %llx\n", un->name,
		       un->verstr, (unsigned long long)u->cap,
		       (unsigned long long)u->ecap);
		if (u->viommu_ok)
			printf("  the vIOMMU would show L1: cap %llx, ecap %llx\n",
			       (unsigned long long)u->vcap,
			       (unsigned long long)u->vecap);
		else if (u->viommu_err != -ENOENT)
			printf("  no vIOMMU can run on this unit (%s)\n",
			       u->viommu_err == -EOPNOTSUPP ?
			       "it needs scalable mode and queued invalidation" :
			       strerror(-u->viommu_err));
		printf("  %-36s %-9s %-12s %s\n", "capability", "host",
		       "vIOMMU->L1", "status");
		for (k = 0; k < HOST_CHK_COUNT; k++) {
			const struct host_check_item *it = &u->items[k];

			host_check_host_text(it, h, sizeof(h));
			host_check_offer_text(it, o, sizeof(o));
			printf("  %-36s %-9s %-12s %s\n", it->label, h, o,
			       host_check_status_name(it->status));
		}
		if (u->ready)
			printf("  => READY%s\n", u->nwarn ? ", with warnings:" : "");
		else
			printf("  => NOT READY: %u required capabilit%s missing:\n",
			       u->nmissing, u->nmissing == 1 ? "y" : "ies");
		for (k = 0; k < HOST_CHK_COUNT; k++) {
			const struct host_check_item *it = &u->items[k];

			if (it->status == HOST_ST_MISSING)
				printf("     - %s\n", it->note);
		}
		for (k = 0; k < HOST_CHK_COUNT; k++) {
			const struct host_check_item *it = &u->items[k];

			if (it->status == HOST_ST_WARN)
				printf("     ! %s\n", it->note);
		}
	}
	printf("\nverdict: %s", ready ? "READY" : "NOT READY");
	if (a->pf)
		printf(" (for the unit in front of %s)", a->pf);
	else if (sel > 1)
		printf(" (%s)", ready ? "every unit is ready" :
				    "every unit must be ready; use --pf BDF to "
				    "judge only the PF's unit");
	printf("\n");
}

static void json_str(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_opt_str(const char *s)
{
	if (s)
		json_str(s);
	else
		fputs("null", stdout);
}

static void print_json(const struct check_args *a, const char *dir,
		       const struct unit *units, int n,
		       const struct viommu_policy *pol, bool ready)
{
	char h[32], o[32];
	int i;

	printf("{\n  \"iommu_dir\": ");
	json_str(dir);
	printf(",\n  \"pf\": ");
	json_opt_str(a->pf);
	printf(",\n  \"policy\": {\"slts\": %s, \"pt\": %s, "
	       "\"prs\": %s, \"dt\": %s, \"pasid_bits\": %u, \"pasid_ns\": \"%s\"},\n",
	       pol->slts ? "true" : "false", pol->pt ? "true" : "false",
	       pol->prs ? "true" : "false", pol->dt ? "true" : "false",
	       pol->pasid_bits,
	       pol->pasid_ns == VIOMMU_PASID_VCMD ? "vcmd" : "identity");
	printf("  \"units\": [");
	for (i = 0; i < n; i++) {
		const struct unit *un = &units[i];
		const struct host_check_unit *u = &un->u;
		unsigned int k;

		printf("%s\n    {\"name\": ", i ? "," : "");
		json_str(un->name);
		printf(", \"version\": \"%s\", \"cap\": \"%llx\", \"ecap\": \"%llx\",\n"
		       "     \"selected\": %s, \"ready\": %s, \"missing\": %u, "
		       "\"warnings\": %u,\n",
		       un->verstr, (unsigned long long)u->cap,
		       (unsigned long long)u->ecap,
		       un->selected ? "true" : "false",
		       u->ready ? "true" : "false", u->nmissing, u->nwarn);
		if (u->viommu_ok)
			printf("     \"viommu_regs\": {\"cap\": \"%llx\", "
			       "\"ecap\": \"%llx\"},\n",
			       (unsigned long long)u->vcap,
			       (unsigned long long)u->vecap);
		else
			printf("     \"viommu_regs\": null,\n");
		printf("     \"checks\": [");
		for (k = 0; k < HOST_CHK_COUNT; k++) {
			const struct host_check_item *it = &u->items[k];

			host_check_host_text(it, h, sizeof(h));
			host_check_offer_text(it, o, sizeof(o));
			printf("%s\n       {\"id\": \"%s\", \"label\": ", k ? "," : "",
			       it->key);
			json_str(it->label);
			printf(", \"need\": \"%s\", \"host\": ",
			       host_check_need_name(it->need));
			if (it->id == HOST_CHK_VCS)
				fputs("null", stdout);
			else
				fputs(it->host ? "true" : "false", stdout);
			printf(", \"host_text\": \"%s\", \"viommu\": %s, "
			       "\"viommu_text\": \"%s\"", h,
			       it->offer == HOST_OFFER_NA ? "null" :
			       it->offer == HOST_OFFER_YES ? "true" : "false", o);
			if (it->id == HOST_CHK_PASID)
				printf(", \"host_bits\": %u, \"viommu_bits\": %u",
				       it->host_val, it->offer_val);
			printf(", \"status\": \"%s\", \"note\": ",
			       it->status == HOST_ST_MISSING ? "missing" :
			       host_check_status_name(it->status));
			json_opt_str(it->note);
			putchar('}');
		}
		printf("\n     ]}");
	}
	printf("\n  ],\n  \"ready\": %s,\n  \"verdict\": \"%s\"\n}\n",
	       ready ? "true" : "false", ready ? "ready" : "not ready");
}

static int cmd_host_check(int argc, char **argv)
{
	struct check_args a = { .root = "/" };
	struct viommu_policy pol;
	struct unit *units = NULL;
	char dir[4096];
	bool ready = true;
	int i, n, ret;

	for (i = 1; i < argc; i++) {
		bool err = false;
		const char *v;

		if (!strcmp(argv[i], "--json")) {
			a.json = true;
		} else if ((v = opt_val(argc, argv, &i, "--sysfs-root", &err))) {
			a.root = v;
		} else if ((v = opt_val(argc, argv, &i, "--pf", &err))) {
			a.pf = v;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(host_usage, stdout);
			return CLI_OK;
		} else if (!err) {
			return cli_usage_error("host check: unknown argument '%s'",
					       argv[i]);
		}
		if (err)
			return cli_usage_error("host check: %s needs a value",
					       argv[i]);
	}
	if (!*a.root)
		return cli_usage_error("host check: empty --sysfs-root");
	if (a.pf && host_xml_parse_bdf(a.pf, &a.bdf))
		return cli_usage_error("host check: bad PCI address '%s' "
				       "(want DDDD:BB:DD.F or BB:DD.F)", a.pf);

	/* "/" + "/sys/..." would print as "//sys": drop trailing slashes. */
	n = strlen(a.root);
	while (n > 1 && a.root[n - 1] == '/')
		n--;
	if (n == 1 && a.root[0] == '/')
		n = 0;
	if ((size_t)n + sizeof("/sys/class/iommu") > sizeof(dir))
		return cli_usage_error("host check: --sysfs-root too long");
	snprintf(dir, sizeof(dir), "%.*s/sys/class/iommu", n, a.root);

	n = load_units(dir, &units);
	if (n < 0)
		return CLI_USAGE;
	for (i = 0; i < n; i++)
		units[i].selected = true;
	if (a.pf && select_pf(dir, units, n, &a)) {
		free(units);
		return CLI_USAGE;
	}

	viommu_default_policy(&pol);
	for (i = 0; i < n; i++) {
		host_check_eval(&units[i].u, &pol);
		if (units[i].selected && !units[i].u.ready)
			ready = false;
	}
	if (a.json)
		print_json(&a, dir, units, n, &pol, ready);
	else
		print_table(&a, dir, units, n, &pol, ready);
	free(units);
	ret = ready ? CLI_OK : CLI_FAIL;
	return ret;
}

static int cmd_host_xml(int argc, char **argv)
{
	struct host_xml_cfg c = { .memory_mib = 4096, .vcpus = 2 };
	const char *pf = NULL;
	static char buf[16384];
	int i, ret;

	for (i = 1; i < argc; i++) {
		bool err = false;
		const char *v;

		if (!strcmp(argv[i], "--iotlb")) {
			c.iotlb = true;
		} else if ((v = opt_val(argc, argv, &i, "--name", &err))) {
			if (host_xml_check_name(v))
				return cli_usage_error("host xml: bad VM name "
					"(1..%d printable ASCII characters, no '/', "
					"not starting with a space)",
					HOST_XML_NAME_MAX);
			c.name = v;
		} else if ((v = opt_val(argc, argv, &i, "--pf", &err))) {
			if (host_xml_parse_bdf(v, &c.pf))
				return cli_usage_error("host xml: bad PCI address "
					"'%s' (want DDDD:BB:DD.F or BB:DD.F, "
					"device <= 1f, function <= 7)", v);
			pf = v;
		} else if ((v = opt_val(argc, argv, &i, "--memory", &err))) {
			if (host_xml_parse_mib(v, &c.memory_mib))
				return cli_usage_error("host xml: bad --memory "
					"'%s' (MiB, %llu..%llu)", v,
					HOST_XML_MEM_MIN, HOST_XML_MEM_MAX);
		} else if ((v = opt_val(argc, argv, &i, "--vcpus", &err))) {
			if (host_xml_parse_vcpus(v, &c.vcpus))
				return cli_usage_error("host xml: bad --vcpus "
					"'%s' (1..%d)", v, HOST_XML_VCPUS_MAX);
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(host_usage, stdout);
			return CLI_OK;
		} else if (!err) {
			return cli_usage_error("host xml: unknown argument '%s'",
					       argv[i]);
		}
		if (err)
			return cli_usage_error("host xml: %s needs a value",
					       argv[i]);
	}
	if (!c.name)
		return cli_usage_error("host xml: --name VM is required");
	if (!pf)
		return cli_usage_error("host xml: --pf BDF is required");
	ret = host_xml_render(buf, sizeof(buf), &c);
	if (ret < 0)
		return cli_usage_error("host xml: cannot render (%s)",
				       strerror(-ret));
	fputs(buf, stdout);
	return CLI_OK;
}

int cmd_host(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "check"))
		return cmd_host_check(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "xml"))
		return cmd_host_xml(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "help") || !strcmp(argv[1], "-h") ||
			  !strcmp(argv[1], "--help"))) {
		fputs(host_usage, stdout);
		return CLI_OK;
	}
	fputs(host_usage, stderr);
	if (argc < 2)
		return cli_usage_error("host: which command? (check or xml)");
	return cli_usage_error("host: unknown command '%s'", argv[1]);
}
