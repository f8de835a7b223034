/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small open-addressing hash map, u64 key -> two u64 values, private to
 * the simulated platform's memory (host pages by frame number, a VM's
 * CPU-side map by GPA unit).  Linear probing at a load factor of at most
 * 1/2; the caller reserves room before inserting.
 */
#ifndef _HOST_SIM_HASH_H
#define _HOST_SIM_HASH_H

#include "vsva.h"	/* vsva/vsva.h: u64, vsva_kcalloc */

struct sim_hent {
	u64 key;	/* key + 1; 0 marks an empty slot */
	u64 a, b;
};

struct sim_htab {
	struct sim_hent *e;
	u64 cap;	/* power of two, or 0 */
	u64 n;
};

static inline u64 ht_home(const struct sim_htab *t, u64 key)
{
	return ((key + 1) * 0x9e3779b97f4a7c15ULL >> 17) & (t->cap - 1);
}

static inline struct sim_hent *ht_find(const struct sim_htab *t, u64 key)
{
	if (!t->n)
		return NULL;
	for (u64 i = ht_home(t, key);; i = (i + 1) & (t->cap - 1)) {
		if (!t->e[i].key)
			return NULL;
		if (t->e[i].key == key + 1)
			return &t->e[i];
	}
}

static inline struct sim_hent *ht_slot_for(struct sim_htab *t, u64 key)
{
	u64 i = ht_home(t, key);

	while (t->e[i].key)
		i = (i + 1) & (t->cap - 1);
	return &t->e[i];
}

/* Make room for @extra more entries at a load factor of at most 1/2. */
static inline int ht_reserve(struct sim_htab *t, u64 extra)
{
	struct sim_htab nt = { .cap = t->cap ? t->cap : 64 };

	while (2 * (t->n + extra) > nt.cap)
		nt.cap *= 2;
	if (nt.cap == t->cap)
		return 0;
	nt.e = vsva_kcalloc(nt.cap, sizeof(*nt.e));
	if (!nt.e)
		return -ENOMEM;
	for (u64 i = 0; i < t->cap; i++)
		if (t->e[i].key)
			*ht_slot_for(&nt, t->e[i].key - 1) = t->e[i];
	nt.n = t->n;
	vsva_kfree(t->e);
	*t = nt;
	return 0;
}

/* Insert @key (not present); room must have been reserved. */
static inline struct sim_hent *ht_insert_reserved(struct sim_htab *t, u64 key)
{
	struct sim_hent *e = ht_slot_for(t, key);

	e->key = key + 1;
	e->a = e->b = 0;
	t->n++;
	return e;
}

/* Backward-shift deletion keeps every probe sequence unbroken. */
static inline void ht_remove(struct sim_htab *t, struct sim_hent *e)
{
	u64 hole = (u64)(e - t->e), mask = t->cap - 1;

	for (u64 i = (hole + 1) & mask; t->e[i].key; i = (i + 1) & mask) {
		u64 home = ht_home(t, t->e[i].key - 1);

		/* Move entry i to the hole unless its home is in (hole, i]. */
		if (((i - home) & mask) >= ((i - hole) & mask)) {
			t->e[hole] = t->e[i];
			hole = i;
		}
	}
	t->e[hole].key = 0;
	t->n--;
}

static inline void ht_free(struct sim_htab *t)
{
	vsva_kfree(t->e);
	memset(t, 0, sizeof(*t));
}

#endif /* _HOST_SIM_HASH_H */
