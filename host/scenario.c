// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario files of `nestmed run` (docs/scenario.md), read with libyaml's
 * document loader: the file becomes a node graph with line marks, then a
 * walk driven by the schema below converts and checks every value.  The
 * walk only descends where the schema says a mapping or sequence is, so
 * the depth is bounded whatever the file holds (aliases included: libyaml
 * shares aliased nodes instead of copying them, so no alias bomb grows).
 *
 * Every error is "FILE:LINE: what: problem", LINE being where the
 * offending node starts; the first error ends the parse.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "scenario.h"

/* Larger than any sensible scenario (4096 UUIDs take ~180 KiB). */
#define SCN_FILE_MAX		(4 * SCN_MIB)

const char scenario_default_yaml[] =
	"# The main job (`make run`, `nestmed run` without --scenario runs exactly\n"
	"# this; the format is docs/scenario.md).  One L1 VM owns the S-IOV PF and\n"
	"# sees a vIOMMU; nmdev carves four nested mdevs out of the PF through the\n"
	"# mdev sysfs interface; two L2 VMs use two each, with their RAM\n"
	"# demand-faulted (block on fault: pages are pinned as the device touches\n"
	"# them) and the L1's RAM backed by the host on first touch.  The\n"
	"# workloads run twice; before an mdev's second pass the host reclaims\n"
	"# 16 pages of L1 RAM under its destination buffer, which the device\n"
	"# then faults back in through the second stage (ss-flt), while the\n"
	"# first pass's faults went to the L1 (fs-flt).\n"
	"version: 1\n"
	"machine:\n"
	"  seed: 1\n"
	"  l1_ram: 512MiB\n"
	"  lazy_l1_ram: true\n"
	"  vcmd: false\n"
	"  nmdev_mode: auto\n"
	"  pf_wqs: 64\n"
	"  trap_ns: 10000\n"
	"  host_reclaim: 16\n"
	"mdevs:\n"
	"  - 3f1c2a6e-8d4b-4c1e-9a7f-0b5d6e7f8a01\n"
	"  - 3f1c2a6e-8d4b-4c1e-9a7f-0b5d6e7f8a02\n"
	"  - 3f1c2a6e-8d4b-4c1e-9a7f-0b5d6e7f8a03\n"
	"  - 3f1c2a6e-8d4b-4c1e-9a7f-0b5d6e7f8a04\n"
	"vms:\n"
	"  - name: l2-a\n"
	"    ram: 128MiB\n"
	"    mdevs: [3f1c2a6e-8d4b-4c1e-9a7f-0b5d6e7f8a01, 3f1c2a6e-8d4b-4c1e-9a7f-0b5d6e7f8a02]\n"
	"    block_on_fault: true\n"
	"    workload: {memmoves: 256, size: 4096, span: 2MiB}\n"
	"  - name: l2-b\n"
	"    ram: 128MiB\n"
	"    mdevs: [3f1c2a6e-8d4b-4c1e-9a7f-0b5d6e7f8a03, 3f1c2a6e-8d4b-4c1e-9a7f-0b5d6e7f8a04]\n"
	"    block_on_fault: true\n"
	"    workload: {memmoves: 256, size: 4096, span: 2MiB}\n"
	"teardown: mdev-remove-first\n";

static const char *const mode_names[] = {
	[SCN_MODE_AUTO] = "auto",
	[SCN_MODE_PASID] = "pasid",
	[SCN_MODE_SW] = "sw",
};

static const char *const td_names[] = {
	[SCN_TD_MDEV_REMOVE_FIRST] = "mdev-remove-first",
	[SCN_TD_L2_EXIT_FIRST] = "l2-exit-first",
	[SCN_TD_RMMOD] = "rmmod",
	[SCN_TD_L1_CRASH] = "l1-crash",
	[SCN_TD_VM_DESTROY] = "vm-destroy",
};

const char *scenario_mode_name(enum scn_nmdev_mode mode)
{
	return (unsigned int)mode < ARRAY_SIZE(mode_names) ?
		mode_names[mode] : "?";
}

const char *scenario_teardown_name(enum scn_teardown td)
{
	return (unsigned int)td < ARRAY_SIZE(td_names) ? td_names[td] : "?";
}

/*
 * "6e6d6465-76" is "nmdev" in ASCII; the index fills the node field, so
 * the UUIDs of a `count:` list are the same on every run and host.
 */
void scenario_gen_uuid(u32 index, char out[SCN_UUID_LEN + 1])
{
	snprintf(out, SCN_UUID_LEN + 1, "6e6d6465-7600-4000-8000-%012x",
		 index + 1);
}

struct scn_ctx {
	const char *name;
	yaml_document_t *doc;
	struct scenario *sc;
	char *err;
	size_t errlen;
};

static int line_of(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 1;
}

static int __attribute__((format(printf, 3, 4)))
fail(struct scn_ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	int off;

	if (!c->err || !c->errlen)
		return -EINVAL;
	off = snprintf(c->err, c->errlen, "%s:%d: ", c->name, line_of(n));
	if (off >= 0 && (size_t)off < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + off, c->errlen - off, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static const char *node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	default:
		return "a scalar";
	}
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* An empty plain scalar: "key:" with nothing after it (YAML null). */
static bool is_null(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE &&
	       n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!n->data.scalar.length || !strcmp(scalar(n), "~") ||
		!strcmp(scalar(n), "null"));
}

static bool is_plain(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE &&
	       n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* ---------------------------------------------------------------- */
/* Mappings: known keys, each at most once                          */
/* ---------------------------------------------------------------- */
static int check_map(struct scn_ctx *c, yaml_node_t *n, const char *what,
		     const char *const *keys)
{
	yaml_node_pair_t *p, *q;

	if (n->type != YAML_MAPPING_NODE)
		return fail(c, n, "%s: expected a mapping, got %s", what,
			    node_kind(n));
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		const char *const *kk;

		if (!k || k->type != YAML_SCALAR_NODE)
			return fail(c, k, "%s: keys must be plain words", what);
		for (kk = keys; *kk; kk++)
			if (!strcmp(*kk, scalar(k)))
				break;
		if (!*kk) {
			char list[256];
			size_t o = 0;

			list[0] = 0;
			for (kk = keys; *kk && o < sizeof(list); kk++)
				o += snprintf(list + o, sizeof(list) - o,
					      "%s%s", kk == keys ? "" : ", ",
					      *kk);
			return fail(c, k, "%s: unknown key '%.64s' (known: %s)",
				    what, scalar(k), list);
		}
		for (q = n->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *k2 = yaml_document_get_node(c->doc,
								 q->key);

			if (!strcmp(scalar(k2), scalar(k)))
				return fail(c, k,
					    "%s: duplicate key '%s' (first at line %d)",
					    what, scalar(k), line_of(k2));
		}
	}
	return 0;
}

/* The value of @key in a mapping that check_map() accepted; NULL if absent. */
static yaml_node_t *map_get(struct scn_ctx *c, yaml_node_t *n, const char *key)
{
	yaml_node_pair_t *p;

	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);

		if (!strcmp(scalar(k), key))
			return yaml_document_get_node(c->doc, p->value);
	}
	return NULL;
}

/* ---------------------------------------------------------------- */
/* Scalars                                                          */
/* ---------------------------------------------------------------- */
static int want_plain(struct scn_ctx *c, yaml_node_t *n, const char *what,
		      const char *type)
{
	if (n->type != YAML_SCALAR_NODE)
		return fail(c, n, "%s: expected %s, got %s", what, type,
			    node_kind(n));
	if (is_null(n))
		return fail(c, n, "%s: expected %s, got nothing", what, type);
	if (!is_plain(n))
		return fail(c, n, "%s: expected %s, got the quoted string \"%.64s\"",
			    what, type, scalar(n));
	return 0;
}

/* Decimal or 0x hex, no sign; *@end at the first byte not taken. */
static bool parse_u64(const char *s, u64 *out, const char **end)
{
	unsigned int base = 10;
	u64 v = 0;
	int n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (;; s++, n++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else if (*s == '_' && n)	/* YAML 1.1: 1_000_000 */
			continue;
		else
			break;
		if (v > (~0ULL - d) / base)
			return false;
		v = v * base + d;
	}
	*end = s;
	*out = v;
	return n > 0;
}

static int get_u64(struct scn_ctx *c, yaml_node_t *n, const char *what,
		   u64 min, u64 max, u64 *out)
{
	const char *end;
	u64 v;
	int ret = want_plain(c, n, what, "an integer");

	if (ret)
		return ret;
	if (!parse_u64(scalar(n), &v, &end) || *end)
		return fail(c, n, "%s: expected an integer, got '%.64s'", what,
			    scalar(n));
	if (v < min || v > max)
		return fail(c, n, "%s: %llu out of range (%llu..%llu)", what, v,
			    min, max);
	*out = v;
	return 0;
}

static int get_u32(struct scn_ctx *c, yaml_node_t *n, const char *what,
		   u32 min, u32 max, u32 *out)
{
	u64 v;
	int ret = get_u64(c, n, what, min, max, &v);

	if (!ret)
		*out = (u32)v;
	return ret;
}

/* Bytes: an integer with an optional binary suffix, multiple of @align. */
static int get_size(struct scn_ctx *c, yaml_node_t *n, const char *what,
		    u64 min, u64 max, u64 align, u64 *out)
{
	static const struct {
		const char *sfx;
		unsigned int shift;
	} sfx[] = {
		{ "", 0 }, { "K", 10 }, { "KiB", 10 }, { "M", 20 },
		{ "MiB", 20 }, { "G", 30 }, { "GiB", 30 },
	};
	const char *end;
	u64 v;
	size_t i;
	int ret = want_plain(c, n, what, "a size");

	if (ret)
		return ret;
	if (!parse_u64(scalar(n), &v, &end))
		goto bad;
	for (i = 0; i < ARRAY_SIZE(sfx); i++)
		if (!strcmp(end, sfx[i].sfx))
			break;
	if (i == ARRAY_SIZE(sfx))
		goto bad;
	if (v > (~0ULL >> sfx[i].shift))
		return fail(c, n, "%s: %s is too large (at most %llu MiB)",
			    what, scalar(n), max >> 20);
	v <<= sfx[i].shift;
	if (v < min || v > max) {
		if (min >= SCN_MIB)
			return fail(c, n, "%s: %s out of range (%llu MiB..%llu MiB)",
				    what, scalar(n), min >> 20, max >> 20);
		return fail(c, n, "%s: %s out of range (%llu..%llu bytes)",
			    what, scalar(n), min, max);
	}
	if (v % align)
		return fail(c, n, "%s: %s is not a multiple of %llu KiB", what,
			    scalar(n), align >> 10);
	*out = v;
	return 0;
bad:
	return fail(c, n,
		    "%s: expected a size (bytes, or with K, KiB, M, MiB, G, GiB), got '%.64s'",
		    what, scalar(n));
}

static int get_bool(struct scn_ctx *c, yaml_node_t *n, const char *what,
		    bool *out)
{
	/* YAML 1.1 booleans, as libyaml's users (PyYAML) resolve them. */
	static const char *const yes[] = { "true", "True", "TRUE", "yes",
					   "Yes", "YES", "on", "On", "ON" };
	static const char *const no[] = { "false", "False", "FALSE", "no",
					  "No", "NO", "off", "Off", "OFF" };
	int ret = want_plain(c, n, what, "true or false");

	if (ret)
		return ret;
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(scalar(n), yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(scalar(n), no[i])) {
			*out = false;
			return 0;
		}
	}
	return fail(c, n, "%s: expected true or false, got '%.64s'", what,
		    scalar(n));
}

static int get_enum(struct scn_ctx *c, yaml_node_t *n, const char *what,
		    const char *const *names, unsigned int nr, unsigned int *out)
{
	char list[128];
	size_t o = 0;
	int ret = want_plain(c, n, what, "a word");

	if (ret)
		return ret;
	list[0] = 0;
	for (unsigned int i = 0; i < nr; i++) {
		if (!strcmp(scalar(n), names[i])) {
			*out = i;
			return 0;
		}
		o += snprintf(list + o, o < sizeof(list) ? sizeof(list) - o : 0,
			      "%s%s", i ? " | " : "", names[i]);
	}
	return fail(c, n, "%s: unknown value '%.64s' (expected %s)", what,
		    scalar(n), list);
}

/* 8-4-4-4-12 hex digits; stored in lower case as the mdev core names it. */
static bool uuid_parse(const char *s, size_t len, char out[SCN_UUID_LEN + 1])
{
	if (len != SCN_UUID_LEN)
		return false;
	for (size_t i = 0; i < SCN_UUID_LEN; i++) {
		char ch = s[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (ch != '-')
				return false;
		} else if (ch >= 'A' && ch <= 'F') {
			ch += 'a' - 'A';
		} else if (!((ch >= '0' && ch <= '9') ||
			     (ch >= 'a' && ch <= 'f'))) {
			return false;
		}
		out[i] = ch;
	}
	out[SCN_UUID_LEN] = 0;
	return true;
}

/* ---------------------------------------------------------------- */
/* Sections                                                         */
/* ---------------------------------------------------------------- */
static int parse_machine(struct scn_ctx *c, yaml_node_t *n)
{
	static const char *const keys[] = {
		"seed", "l1_ram", "lazy_l1_ram", "vcmd", "nmdev_mode",
		"pf_wqs", "trap_ns", "host_reclaim", NULL
	};
	struct scn_machine *m = &c->sc->machine;
	yaml_node_t *v;
	unsigned int e;
	int ret = 0;

	if (is_null(n))
		return 0;
	ret = check_map(c, n, "machine", keys);
	if (!ret && (v = map_get(c, n, "seed")))
		ret = get_u64(c, v, "machine.seed", 1, ~0ULL, &m->seed);
	if (!ret && (v = map_get(c, n, "l1_ram")))
		ret = get_size(c, v, "machine.l1_ram", SCN_L1_RAM_MIN,
			       SCN_L1_RAM_MAX, SCN_MIB, &m->l1_ram);
	if (!ret && (v = map_get(c, n, "lazy_l1_ram")))
		ret = get_bool(c, v, "machine.lazy_l1_ram", &m->lazy_l1_ram);
	if (!ret && (v = map_get(c, n, "vcmd")))
		ret = get_bool(c, v, "machine.vcmd", &m->vcmd);
	if (!ret && (v = map_get(c, n, "nmdev_mode"))) {
		ret = get_enum(c, v, "machine.nmdev_mode", mode_names,
			       ARRAY_SIZE(mode_names), &e);
		if (!ret)
			m->nmdev_mode = e;
	}
	if (!ret && (v = map_get(c, n, "pf_wqs")))
		ret = get_u32(c, v, "machine.pf_wqs", 1, SCN_MAX_WQS,
			      &m->pf_wqs);
	if (!ret && (v = map_get(c, n, "trap_ns")))
		ret = get_u64(c, v, "machine.trap_ns", 1, SCN_TRAP_NS_MAX,
			      &m->trap_ns);
	if (!ret && (v = map_get(c, n, "host_reclaim"))) {
		ret = get_u32(c, v, "machine.host_reclaim", 0, SCN_RECLAIM_MAX,
			      &m->host_reclaim);
		/*
		 * RAM the host backed up front stays backed: there is no
		 * second-stage fault to take it back through.
		 */
		if (!ret && m->host_reclaim && !m->lazy_l1_ram)
			ret = fail(c, v, "machine.host_reclaim: %u needs lazy_l1_ram: true (the host reclaims only RAM it backs on demand)",
				   m->host_reclaim);
	}
	return ret;
}

static int add_mdev(struct scn_ctx *c, yaml_node_t *n, const char *uuid)
{
	struct scenario *sc = c->sc;

	for (u32 i = 0; i < sc->nmdevs; i++)
		if (!strcmp(sc->mdevs[i].uuid, uuid))
			return fail(c, n, "mdevs[%u]: duplicate UUID %s (first at line %d)",
				    sc->nmdevs, uuid, sc->mdevs[i].line);
	memcpy(sc->mdevs[sc->nmdevs].uuid, uuid, SCN_UUID_LEN + 1);
	sc->mdevs[sc->nmdevs].vm = -1;
	sc->mdevs[sc->nmdevs].line = line_of(n);
	sc->nmdevs++;
	return 0;
}

/*
 * Either a list (items: a UUID, or {uuid: UUID}) or {count: N} with
 * generated UUIDs.  One WQ per mdev: more than the PF has is an error
 * here rather than a sysfs failure halfway through the run.
 */
static int parse_mdevs(struct scn_ctx *c, yaml_node_t *n)
{
	static const char *const count_keys[] = { "count", NULL };
	static const char *const item_keys[] = { "uuid", NULL };
	struct scenario *sc = c->sc;
	u32 pf_wqs = sc->machine.pf_wqs;
	char uuid[SCN_UUID_LEN + 1];
	char what[48];
	int ret;

	if (is_null(n))
		return 0;
	if (n->type == YAML_MAPPING_NODE) {
		u32 count = 0;
		yaml_node_t *v;

		ret = check_map(c, n, "mdevs", count_keys);
		if (ret)
			return ret;
		v = map_get(c, n, "count");
		if (!v)
			return fail(c, n, "mdevs: 'count' missing");
		ret = get_u32(c, v, "mdevs.count", 0, SCN_MAX_MDEVS, &count);
		if (ret)
			return ret;
		if (count > pf_wqs)
			return fail(c, v, "mdevs.count: %u mdevs need %u work queues, the PF has %u (machine.pf_wqs)",
				    count, count, pf_wqs);
		sc->mdevs = calloc(count ? count : 1, sizeof(*sc->mdevs));
		if (!sc->mdevs)
			return -ENOMEM;
		for (u32 i = 0; i < count; i++) {
			scenario_gen_uuid(i, uuid);
			ret = add_mdev(c, v, uuid);
			if (ret)
				return ret;
		}
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(c, n, "mdevs: expected a list of UUIDs or {count: N}, got %s",
			    node_kind(n));
	{
		yaml_node_item_t *it = n->data.sequence.items.start;
		size_t nr = n->data.sequence.items.top - it;

		if (nr > pf_wqs || nr > SCN_MAX_MDEVS)
			return fail(c, n, "mdevs: %zu mdevs need %zu work queues, the PF has %u (machine.pf_wqs)",
				    nr, nr, pf_wqs);
		sc->mdevs = calloc(nr ? nr : 1, sizeof(*sc->mdevs));
		if (!sc->mdevs)
			return -ENOMEM;
		for (size_t i = 0; i < nr; i++) {
			yaml_node_t *item = yaml_document_get_node(c->doc,
								   it[i]);
			yaml_node_t *u = item;

			snprintf(what, sizeof(what), "mdevs[%zu]", i);
			if (item->type == YAML_MAPPING_NODE) {
				ret = check_map(c, item, what, item_keys);
				if (ret)
					return ret;
				u = map_get(c, item, "uuid");
				if (!u)
					return fail(c, item, "%s: 'uuid' missing",
						    what);
			}
			if (u->type != YAML_SCALAR_NODE || is_null(u))
				return fail(c, u, "%s: expected a UUID, got %s",
					    what, is_null(u) ? "nothing" :
					    node_kind(u));
			if (!uuid_parse(scalar(u), u->data.scalar.length, uuid))
				return fail(c, u, "%s: '%.64s' is not a UUID (8-4-4-4-12 hex digits)",
					    what, scalar(u));
			ret = add_mdev(c, u, uuid);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* An mdev by UUID or by its index in the mdevs list. */
static int mdev_ref(struct scn_ctx *c, yaml_node_t *n, const char *what,
		    u32 *idx)
{
	struct scenario *sc = c->sc;
	char uuid[SCN_UUID_LEN + 1];
	const char *end;
	u64 v;

	if (n->type != YAML_SCALAR_NODE || is_null(n))
		return fail(c, n, "%s: expected an mdev UUID or index, got %s",
			    what, is_null(n) ? "nothing" : node_kind(n));
	if (is_plain(n) && parse_u64(scalar(n), &v, &end) && !*end) {
		if (v >= sc->nmdevs)
			return fail(c, n, "%s: unknown mdev index %llu (%u mdevs)",
				    what, v, sc->nmdevs);
		*idx = (u32)v;
		return 0;
	}
	if (!uuid_parse(scalar(n), n->data.scalar.length, uuid))
		return fail(c, n, "%s: '%.64s' is neither an mdev UUID nor an index",
			    what, scalar(n));
	for (u32 i = 0; i < sc->nmdevs; i++) {
		if (!strcmp(sc->mdevs[i].uuid, uuid)) {
			*idx = i;
			return 0;
		}
	}
	return fail(c, n, "%s: unknown mdev %s (not in mdevs)", what, uuid);
}

static int parse_workload(struct scn_ctx *c, yaml_node_t *n, u32 vi,
			  struct scn_vm *vm)
{
	static const char *const keys[] = { "memmoves", "size", "span", NULL };
	struct scn_workload *wl = &vm->wl;
	char what[64];
	yaml_node_t *v;
	u64 size = wl->size;
	int ret;

	snprintf(what, sizeof(what), "vms[%u].workload", vi);
	ret = check_map(c, n, what, keys);
	if (ret)
		return ret;
	if ((v = map_get(c, n, "memmoves"))) {
		snprintf(what, sizeof(what), "vms[%u].workload.memmoves", vi);
		ret = get_u32(c, v, what, 0, SCN_MEMMOVES_MAX, &wl->memmoves);
		if (ret)
			return ret;
	}
	if ((v = map_get(c, n, "size"))) {
		snprintf(what, sizeof(what), "vms[%u].workload.size", vi);
		ret = get_size(c, v, what, 1, SCN_XFER_MAX, 1, &size);
		if (ret)
			return ret;
		wl->size = (u32)size;
	}
	if ((v = map_get(c, n, "span"))) {
		snprintf(what, sizeof(what), "vms[%u].workload.span", vi);
		ret = get_size(c, v, what, 2 * SCN_PAGE, 1ULL << 40,
			       2 * SCN_PAGE, &wl->span);
		if (ret)
			return ret;
	}
	/* Each move stays inside one half: source, then destination. */
	if (wl->span / 2 < wl->size)
		return fail(c, v ? v : n,
			    "vms[%u].workload: span %llu holds no %u-byte move (span/2 >= size)",
			    vi, wl->span, wl->size);
	return 0;
}

static bool name_ok(const char *s, size_t len)
{
	if (!len || len >= SCN_NAME_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') ||
		      (i && (s[i] == '-' || s[i] == '_' || s[i] == '.'))))
			return false;
	return true;
}

static int parse_vm(struct scn_ctx *c, yaml_node_t *n, u32 vi, u64 *l2_ram)
{
	static const char *const keys[] = {
		"name", "ram", "mdevs", "block_on_fault", "workload", NULL
	};
	struct scenario *sc = c->sc;
	struct scn_vm *vm = &sc->vms[vi];
	u64 room = sc->machine.l1_ram - SCN_L1_L2_BASE;
	char what[64];
	yaml_node_t *v;
	int ret;

	snprintf(what, sizeof(what), "vms[%u]", vi);
	ret = check_map(c, n, what, keys);
	if (ret)
		return ret;
	vm->line = line_of(n);
	snprintf(vm->name, sizeof(vm->name), "l2-%u", vi);
	vm->ram = 64 * SCN_MIB;
	vm->block_on_fault = true;
	vm->wl.memmoves = 64;
	vm->wl.size = 4096;
	vm->wl.span = SCN_MIB;

	if ((v = map_get(c, n, "name"))) {
		snprintf(what, sizeof(what), "vms[%u].name", vi);
		if (v->type != YAML_SCALAR_NODE || is_null(v))
			return fail(c, v, "%s: expected a name, got %s", what,
				    is_null(v) ? "nothing" : node_kind(v));
		if (!name_ok(scalar(v), v->data.scalar.length))
			return fail(c, v, "%s: '%.64s': 1..%d letters, digits, '-', '_', '.', starting with a letter or digit",
				    what, scalar(v), SCN_NAME_LEN - 1);
		memcpy(vm->name, scalar(v), v->data.scalar.length + 1);
	}
	for (u32 i = 0; i < vi; i++)
		if (!strcmp(sc->vms[i].name, vm->name))
			return fail(c, v ? v : n, "vms[%u].name: duplicate name '%s' (first at line %d)",
				    vi, vm->name, sc->vms[i].line);
	if ((v = map_get(c, n, "ram"))) {
		snprintf(what, sizeof(what), "vms[%u].ram", vi);
		ret = get_size(c, v, what, SCN_L2_RAM_MIN, SCN_L1_RAM_MAX,
			       SCN_PAGE, &vm->ram);
		if (ret)
			return ret;
	}
	if (*l2_ram + vm->ram > room)
		return fail(c, v ? v : n,
			    "vms[%u].ram: L2 RAM would total %llu MiB; L1 RAM above %llu MiB has %llu MiB (machine.l1_ram)",
			    vi, (*l2_ram + vm->ram) >> 20,
			    SCN_L1_L2_BASE >> 20, room >> 20);
	*l2_ram += vm->ram;
	if ((v = map_get(c, n, "block_on_fault"))) {
		snprintf(what, sizeof(what), "vms[%u].block_on_fault", vi);
		ret = get_bool(c, v, what, &vm->block_on_fault);
		if (ret)
			return ret;
	}
	if ((v = map_get(c, n, "workload")) && !is_null(v)) {
		ret = parse_workload(c, v, vi, vm);
		if (ret)
			return ret;
	}
	/* The workload's buffer and one page of completion records. */
	if (vm->wl.span + SCN_PAGE > vm->ram)
		return fail(c, v ? v : n,
			    "vms[%u].workload.span: %llu bytes + a completion-record page do not fit in ram (%llu)",
			    vi, vm->wl.span, vm->ram);
	v = map_get(c, n, "mdevs");
	if (v && !is_null(v)) {
		yaml_node_item_t *it;
		size_t nr;

		if (v->type != YAML_SEQUENCE_NODE)
			return fail(c, v, "vms[%u].mdevs: expected a list, got %s",
				    vi, node_kind(v));
		it = v->data.sequence.items.start;
		nr = v->data.sequence.items.top - it;
		if (nr > SCN_VM_MAX_MDEVS)
			return fail(c, v, "vms[%u].mdevs: %zu mdevs, at most %d per VM",
				    vi, nr, SCN_VM_MAX_MDEVS);
		for (size_t i = 0; i < nr; i++) {
			yaml_node_t *r = yaml_document_get_node(c->doc, it[i]);
			struct scn_mdev *md;
			u32 idx = 0;

			snprintf(what, sizeof(what), "vms[%u].mdevs[%zu]", vi, i);
			ret = mdev_ref(c, r, what, &idx);
			if (ret)
				return ret;
			md = &sc->mdevs[idx];
			/* A VFIO device is open in one container at a time. */
			if (md->vm >= 0)
				return fail(c, r, "%s: mdev %s is already used by VM '%s'",
					    what, md->uuid, sc->vms[md->vm].name);
			md->vm = (int)vi;
			vm->mdevs[vm->nmdevs++] = idx;
		}
	}
	return 0;
}

static int parse_vms(struct scn_ctx *c, yaml_node_t *n)
{
	yaml_node_item_t *it;
	u64 l2_ram = 0;
	size_t nr;
	int ret;

	if (is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(c, n, "vms: expected a list, got %s", node_kind(n));
	it = n->data.sequence.items.start;
	nr = n->data.sequence.items.top - it;
	if (nr > SCN_MAX_VMS)
		return fail(c, n, "vms: %zu VMs, at most %d", nr, SCN_MAX_VMS);
	for (size_t i = 0; i < nr; i++) {
		ret = parse_vm(c, yaml_document_get_node(c->doc, it[i]),
			       (u32)i, &l2_ram);
		if (ret)
			return ret;
		c->sc->nvms++;
	}
	return 0;
}

static int parse_root(struct scn_ctx *c, yaml_node_t *root)
{
	static const char *const keys[] = {
		"version", "machine", "mdevs", "vms", "teardown", NULL
	};
	struct scenario *sc = c->sc;
	yaml_node_t *v;
	unsigned int e;
	u64 version;
	int ret;

	ret = check_map(c, root, "scenario", keys);
	if (ret)
		return ret;
	if ((v = map_get(c, root, "version"))) {
		ret = get_u64(c, v, "version", 1, 1, &version);
		if (ret)
			return ret;
	}
	/* In dependency order, whatever the order in the file. */
	if ((v = map_get(c, root, "machine")) && (ret = parse_machine(c, v)))
		return ret;
	if ((v = map_get(c, root, "mdevs")) && (ret = parse_mdevs(c, v)))
		return ret;
	if ((v = map_get(c, root, "vms")) && (ret = parse_vms(c, v)))
		return ret;
	if ((v = map_get(c, root, "teardown"))) {
		ret = get_enum(c, v, "teardown", td_names, ARRAY_SIZE(td_names),
			       &e);
		if (ret)
			return ret;
		sc->teardown = e;
	}
	return 0;
}

static void scenario_init(struct scenario *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->machine.seed = 1;
	sc->machine.l1_ram = 256 * SCN_MIB;
	sc->machine.lazy_l1_ram = false;
	sc->machine.vcmd = false;
	sc->machine.nmdev_mode = SCN_MODE_AUTO;
	sc->machine.pf_wqs = 64;
	sc->machine.trap_ns = 10000;
	sc->teardown = SCN_TD_MDEV_REMOVE_FIRST;
}

/* The line of byte @off (reader errors carry an offset, not a mark). */
static int line_at(const char *text, size_t len, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off && i < len; i++)
		line += text[i] == '\n';
	return line;
}

static int yaml_error(struct scn_ctx *c, yaml_parser_t *p, const char *text,
		      size_t len)
{
	const char *what = p->problem ? p->problem : "cannot parse";
	int line;

	if (p->error == YAML_MEMORY_ERROR)
		return -ENOMEM;
	if (p->error == YAML_READER_ERROR)
		line = line_at(text, len, p->problem_offset);
	else
		line = (int)p->problem_mark.line + 1;
	if (c->err && c->errlen) {
		if (p->context)
			snprintf(c->err, c->errlen, "%s:%d: YAML syntax: %s (%s at line %d)",
				 c->name, line, what, p->context,
				 (int)p->context_mark.line + 1);
		else
			snprintf(c->err, c->errlen, "%s:%d: YAML syntax: %s",
				 c->name, line, what);
	}
	return -EINVAL;
}

int scenario_parse(struct scenario *sc, const char *name, const char *text,
		   size_t len, char *err, size_t errlen)
{
	struct scn_ctx c = {
		.name = name, .sc = sc, .err = err, .errlen = errlen,
	};
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	yaml_node_t *root;
	int ret;

	scenario_init(sc);
	if (err && errlen)
		err[0] = 0;
	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		ret = yaml_error(&c, &parser, text, len);
		yaml_parser_delete(&parser);
		return ret;
	}
	c.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		ret = fail(&c, NULL, "empty scenario (expected a mapping with machine, mdevs, vms, teardown)");
		goto out;
	}
	ret = parse_root(&c, root);
	if (ret)
		goto out;
	/* A second document would be silently ignored: refuse it. */
	if (!yaml_parser_load(&parser, &extra)) {
		ret = yaml_error(&c, &parser, text, len);
		goto out;
	}
	if (yaml_document_get_root_node(&extra))
		ret = fail(&c, yaml_document_get_root_node(&extra),
			   "a second YAML document: a scenario is one document");
	yaml_document_delete(&extra);
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (ret) {
		free(sc->mdevs);
		sc->mdevs = NULL;
		sc->nmdevs = 0;
		sc->nvms = 0;
		if (ret == -ENOMEM && err && errlen)
			snprintf(err, errlen, "%s: out of memory", name);
	}
	return ret;
}

int scenario_load(struct scenario *sc, const char *path, char *err,
		  size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	int ret;

	scenario_init(sc);
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	buf = malloc(SCN_FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	n = fread(buf, 1, SCN_FILE_MAX + 1, f);
	if (ferror(f)) {
		ret = -EIO;
		snprintf(err, errlen, "%s: read error", path);
	} else if (n > SCN_FILE_MAX) {
		ret = -EFBIG;
		snprintf(err, errlen, "%s: larger than %llu MiB", path,
			 SCN_FILE_MAX >> 20);
	} else {
		ret = scenario_parse(sc, path, buf, n, err, errlen);
	}
	free(buf);
	fclose(f);
	return ret;
}

int scenario_default(struct scenario *sc, char *err, size_t errlen)
{
	return scenario_parse(sc, "(default scenario)", scenario_default_yaml,
			      sizeof(scenario_default_yaml) - 1, err, errlen);
}

void scenario_free(struct scenario *sc)
{
	free(sc->mdevs);
	sc->mdevs = NULL;
	sc->nmdevs = 0;
	sc->nvms = 0;
}
