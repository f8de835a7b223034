// SPDX-License-Identifier: GPL-2.0
/*
 * `nestmed decode KIND HEX...`: print one raw VT-d structure as a JSON
 * object keyed by the spec's field names in lower case.  Integers are JSON
 * numbers, addresses and pointers full "0x..." strings.  This is also how
 * an operator reads a raw dump (debugfs, a crash log, a trace).
 */
#include <stdio.h>
#include <string.h>

#include <nestmed/vtd.h>

#include "cli.h"
#include "qi.h"
#include "vtd_fields.h"

/* Fields are collected first and printed only if decoding succeeds. */
struct json_out {
	struct vsva_describe d;
	int n;
	size_t len;
	char buf[8192];
};

static void json_field(struct vsva_describe *d, const char *name, u64 val,
		       enum vsva_fmt fmt, const char *str)
{
	struct json_out *j = container_of(d, struct json_out, d);
	size_t room = sizeof(j->buf) - j->len;
	int w;

	switch (fmt) {
	case VSVA_FMT_ADDR:
		w = snprintf(j->buf + j->len, room, "%s\n  \"%s\": \"0x%llx\"",
			     j->n ? "," : "", name, (unsigned long long)val);
		break;
	case VSVA_FMT_STR:
		w = snprintf(j->buf + j->len, room, "%s\n  \"%s\": \"%s\"",
			     j->n ? "," : "", name, str);
		break;
	default:
		w = snprintf(j->buf + j->len, room, "%s\n  \"%s\": %llu",
			     j->n ? "," : "", name, (unsigned long long)val);
		break;
	}
	if (w > 0 && (size_t)w < room) {
		j->len += (size_t)w;
		j->n++;
	}
}

static const char *decode_strerror(int err)
{
	switch (err) {
	case VSVA_QI_ERR_TYPE:
		return "unknown or reserved descriptor type";
	case VSVA_QI_ERR_RSVD:
		return "reserved bit set";
	case VSVA_QI_ERR_FIELD:
		return "invalid field value";
	default:
		return "invalid input";
	}
}

struct kind {
	const char *name;
	unsigned int min_qw, max_qw;	/* accepted counts (max 8) */
	const struct vtd_field *fields;	/* field-table kinds */
	const unsigned int *nfields;
	int (*describe)(const u64 *qw, unsigned int nqw,
			struct vsva_describe *d);
};

static const struct kind kinds[] = {
	{ "pasid-entry", 8, 8, vtd_pasid_entry_fields, &vtd_pasid_entry_nfields, NULL },
	{ "context-entry", 2, 4, vtd_sm_ctx_fields, &vtd_sm_ctx_nfields, NULL },
	{ "legacy-context-entry", 2, 2, vtd_ctx_fields, &vtd_ctx_nfields, NULL },
	{ "root-entry", 2, 2, vtd_sm_root_fields, &vtd_sm_root_nfields, NULL },
	{ "legacy-root-entry", 2, 2, vtd_root_fields, &vtd_root_nfields, NULL },
	{ "pasid-dir-entry", 1, 1, vtd_pde_fields, &vtd_pde_nfields, NULL },
	{ "cap", 1, 1, vtd_cap_fields, &vtd_cap_nfields, NULL },
	{ "ecap", 1, 1, vtd_ecap_fields, &vtd_ecap_nfields, NULL },
	{ "frcd", 2, 2, vtd_frcd_fields, &vtd_frcd_nfields, NULL },
	{ "fs-pte", 1, 1, vtd_fspte_fields, &vtd_fspte_nfields, NULL },
	{ "ss-pte", 1, 1, vtd_sspte_fields, &vtd_sspte_nfields, NULL },
	{ "inv-desc", 2, 4, NULL, NULL, vsva_qi_describe },
	{ "page-request", 2, 4, NULL, NULL, vsva_page_req_describe },
};

int cmd_decode(int argc, char **argv)
{
	static struct json_out j = { .d = { .field = json_field } };
	const struct kind *k = NULL;
	u64 qw[8] = { 0 };
	unsigned int nqw;
	int ret;

	if (argc < 2)
		return cli_usage_error("decode: missing KIND (see nestmed help)");
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(argv[1], kinds[i].name))
			k = &kinds[i];
	if (!k)
		return cli_usage_error("decode: unknown KIND '%s'", argv[1]);
	nqw = (unsigned int)(argc - 2);
	if (nqw < k->min_qw || nqw > k->max_qw ||
	    (k->describe && nqw != 2 && nqw != 4)) {
		if (k->min_qw == k->max_qw)
			return cli_usage_error("decode %s: expected %u hex qword(s), got %u",
					       k->name, k->min_qw, nqw);
		return cli_usage_error("decode %s: expected %u to %u hex qwords%s, got %u",
				       k->name, k->min_qw, k->max_qw,
				       k->describe ? " (2 or 4)" : "", nqw);
	}
	for (unsigned int i = 0; i < nqw; i++)
		if (!cli_parse_hex64(argv[2 + i], &qw[i]))
			return cli_usage_error("decode %s: '%s' is not a 64-bit hex number",
					       k->name, argv[2 + i]);
	if (k->describe) {
		ret = k->describe(qw, nqw, &j.d);
		if (ret < 0)
			return cli_usage_error("decode %s: malformed: %s", k->name,
					       decode_strerror(ret));
	} else {
		vtd_describe_fields(qw, k->fields, *k->nfields, &j.d);
	}
	printf("{%.*s\n}\n", (int)j.len, j.buf);
	return CLI_OK;
}
