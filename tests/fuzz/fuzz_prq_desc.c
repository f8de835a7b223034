// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: arbitrary bytes as a page request descriptor (2 or 4
 * qwords), and the page group response built from every request that
 * decodes.  Decoded requests must encode and decode to the same request;
 * responses must encode (256-bit) and decode to the same operation.
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

static void check(const u64 *qw, unsigned int nqw, u8 code)
{
	struct vsva_page_req req, req2;
	struct vsva_inv_op op, op2;
	unsigned int nfields = 0;
	struct vsva_describe d = { .field = fuzz_field, .ctx = &nfields };
	u64 enc[4] = { }, resp[4] = { };
	int ret, dret;

	ret = vsva_page_req_decode(qw, nqw, &req);
	if (ret != 0 && ret != VSVA_QI_ERR_TYPE && ret != VSVA_QI_ERR_RSVD)
		abort();
	dret = vsva_page_req_describe(qw, nqw, &d);
	if (dret != ret || (!ret && !nfields) || (ret && nfields))
		abort();
	if (ret)
		return;
	if (vsva_page_req_encode(&req, enc))
		abort();
	if (vsva_page_req_decode(enc, 4, &req2) ||
	    !vsva_page_req_equal(&req, &req2))
		abort();

	vsva_page_resp_op(&req, code, &op);
	ret = vsva_qi_encode(&op, 256, resp);
	if (code != VTD_PRG_RESP_SUCCESS && code != VTD_PRG_RESP_INVALID &&
	    code != VTD_PRG_RESP_FAILURE) {
		if (ret != VSVA_QI_ERR_FIELD)
			abort();
		return;
	}
	if (ret || vsva_qi_decode(resp, 256, 0, &op2) ||
	    !vsva_inv_op_equal(&op, &op2))
		abort();
	/* A page group response never fits a 128-bit queue. */
	if (vsva_qi_encode(&op, 128, resp) != VSVA_QI_ERR_TYPE)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u64 qw[4] = { };
	u8 code;

	if (size < 1)
		return 0;
	code = data[0] & 0xf;
	data++;
	size--;
	memcpy(qw, data, size < sizeof(qw) ? size : sizeof(qw));
	check(qw, 2, code);
	check(qw, 4, code);
	return 0;
}
