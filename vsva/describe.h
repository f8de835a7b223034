/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Field-by-field description of a decoded VT-d structure, for tools (the
 * `nestmed decode` CLI prints it as JSON) and debugfs.  A decoder calls
 * d->field() once per field, in spec order, with the spec field name in
 * lower case; addresses and pointers are passed as full addresses with
 * VSVA_FMT_ADDR (printed as "0x..." strings), everything else as numbers.
 */
#ifndef _VSVA_DESCRIBE_H
#define _VSVA_DESCRIBE_H

#include "vsva.h"

enum vsva_fmt {
	VSVA_FMT_NUM,	/* integer, JSON number */
	VSVA_FMT_ADDR,	/* address/pointer, JSON "0x..." string */
	VSVA_FMT_STR,	/* symbolic name: @str is set, @val is the raw value */
};

struct vsva_describe {
	void (*field)(struct vsva_describe *d, const char *name, u64 val,
		      enum vsva_fmt fmt, const char *str);
	void *ctx;
};

static inline void vsva_desc_num(struct vsva_describe *d, const char *name,
				 u64 val)
{
	d->field(d, name, val, VSVA_FMT_NUM, NULL);
}

static inline void vsva_desc_addr(struct vsva_describe *d, const char *name,
				  u64 val)
{
	d->field(d, name, val, VSVA_FMT_ADDR, NULL);
}

static inline void vsva_desc_str(struct vsva_describe *d, const char *name,
				 u64 val, const char *str)
{
	d->field(d, name, val, VSVA_FMT_STR, str);
}

#endif /* _VSVA_DESCRIBE_H */
