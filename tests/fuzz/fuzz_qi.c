// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: arbitrary bytes as a 128- and a 256-bit invalidation
 * descriptor.  Whatever decodes must encode, and decode again to the very
 * same operation; the re-encoded descriptor must be a fixed point.  The
 * describe path runs too (it must agree with decode about validity).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qi.h"

static void fuzz_field(struct vsva_describe *d, const char *name, u64 val,
		       enum vsva_fmt fmt, const char *str)
{
	unsigned int *n = d->ctx;

	if (!name || (fmt == VSVA_FMT_STR && !str))
		abort();
	(*n)++;
}

static void check(const u64 *qw, unsigned int width, unsigned int mamv)
{
	struct vsva_inv_op op, op2;
	u64 enc[4] = { }, enc2[4] = { };
	unsigned int nfields = 0;
	struct vsva_describe d = { .field = fuzz_field, .ctx = &nfields };
	int ret, dret;

	ret = vsva_qi_decode(qw, width, mamv, &op);
	if (ret != 0 && ret != VSVA_QI_ERR_TYPE && ret != VSVA_QI_ERR_RSVD &&
	    ret != VSVA_QI_ERR_FIELD)
		abort();
	if (mamv == 63) {
		/* describe decodes with the widest AM, i.e. the same rules */
		dret = vsva_qi_describe(qw, width / 64, &d);
		if (dret != ret || (!ret && !nfields) || (ret && nfields))
			abort();
	}
	if (ret)
		return;
	if (vsva_qi_encode(&op, width, enc))
		abort();
	if (vsva_qi_decode(enc, width, mamv, &op2))
		abort();
	if (!vsva_inv_op_equal(&op, &op2))
		abort();
	if (vsva_qi_encode(&op2, width, enc2) ||
	    memcmp(enc, enc2, width / 8))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u64 qw[4] = { };
	unsigned int mamv = 63;

	if (size < 1)
		return 0;
	/* The first byte picks CAP.MAMV, the rest is the descriptor. */
	mamv = data[0] & 0x3f;
	data++;
	size--;
	memcpy(qw, data, size < sizeof(qw) ? size : sizeof(qw));
	check(qw, 128, mamv);
	check(qw, 256, mamv);
	check(qw, 128, 63);
	check(qw, 256, 63);
	return 0;
}
