/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Field-table machinery for VT-d registers and memory-resident entries.
 *
 * Every register and every table entry is described once, as an X-macro
 * list of (name, hi, lo, kind, spec description) with absolute bit
 * positions.  From that one list come the named accessors
 * (vtd_cap_nd(), vtd_pe_set_pgtt(), ...) and the field table that tools
 * walk to print a structure, so the accessor and the decoder can never
 * disagree about a bit position.
 */
#ifndef _UAPI_NESTMED_VTD_FIELD_H
#define _UAPI_NESTMED_VTD_FIELD_H

#include <nestmed/compat.h>

/* How a field's value is presented. */
enum vtd_field_kind {
	VTD_NUM,	/* an integer field; accessor returns it shifted down */
	VTD_ADDR,	/* a 4K-aligned pointer; accessor returns the address */
};

struct vtd_field {
	const char *name;	/* spec field name, lower case */
	u16 hi, lo;		/* absolute bit range */
	u8 kind;		/* enum vtd_field_kind */
	const char *desc;	/* spec description */
};

/* Value of a field described by @f in the little-endian qword array @qw. */
static inline u64 vtd_field_get(const u64 *qw, const struct vtd_field *f)
{
	u64 m = GENMASK_ULL(f->hi % 64, f->lo % 64);
	u64 v = qw[f->lo / 64] & m;

	return f->kind == VTD_ADDR ? v : v >> (f->lo % 64);
}

/*
 * Accessors for a field of a 64-bit register: vtd_<reg>_<name>(v) and
 * vtd_<reg>_set_<name>(v, x) (returns the new register value).
 */
#define VTD_REG_ACCESSORS(reg, name, hi, lo, kind, desc)		\
static inline u64 vtd_##reg##_##name(u64 v)				\
{									\
	u64 __v = v & GENMASK_ULL(hi, lo);				\
	return (kind) == VTD_ADDR ? __v : __v >> (lo);			\
}									\
static inline u64 vtd_##reg##_set_##name(u64 v, u64 x)			\
{									\
	u64 __x = (kind) == VTD_ADDR ? x : x << (lo);			\
	return (v & ~GENMASK_ULL(hi, lo)) | (__x & GENMASK_ULL(hi, lo));	\
}

/*
 * Accessors for a field of a multi-qword entry type @type (a struct with
 * u64 val[]): vtd_<pfx>_<name>(e) and vtd_<pfx>_set_<name>(e, x).  The
 * setter writes the qword once (WRITE_ONCE), as the hardware may be
 * reading the entry concurrently.
 */
#define VTD_ENTRY_ACCESSORS(type, pfx, name, hi, lo, kind, desc)	\
static inline u64 vtd_##pfx##_##name(const struct type *e)		\
{									\
	u64 __m = GENMASK_ULL((hi) % 64, (lo) % 64);			\
	u64 __v = READ_ONCE(e->val[(lo) / 64]) & __m;			\
	return (kind) == VTD_ADDR ? __v : __v >> ((lo) % 64);		\
}									\
static inline void vtd_##pfx##_set_##name(struct type *e, u64 x)	\
{									\
	u64 __m = GENMASK_ULL((hi) % 64, (lo) % 64);			\
	u64 __x = (kind) == VTD_ADDR ? x : x << ((lo) % 64);		\
	WRITE_ONCE(e->val[(lo) / 64],					\
		   (e->val[(lo) / 64] & ~__m) | (__x & __m));		\
}

#define VTD_FIELD_TABLE_ENTRY(name, hi, lo, kind, desc) \
	{ #name, hi, lo, kind, desc },

#endif /* _UAPI_NESTMED_VTD_FIELD_H */
