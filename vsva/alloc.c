// SPDX-License-Identifier: GPL-2.0
/* User-space allocation for vsva, with fail-nth injection for unwind tests. */
#ifndef __KERNEL__
#include <stdlib.h>

#include "vsva.h"

static unsigned long fail_at;	/* 0: off; else fail when count reaches it */
static unsigned long alloc_count;

unsigned long vsva_fail_nth(unsigned long n)
{
	unsigned long made = alloc_count;

	alloc_count = 0;
	fail_at = n;
	return made;
}

static bool inject(void)
{
	alloc_count++;
	if (fail_at && alloc_count == fail_at) {
		fail_at = 0;
		return true;
	}
	return false;
}

void *vsva_kzalloc(size_t size)
{
	return inject() ? NULL : calloc(1, size ? size : 1);
}

void *vsva_kcalloc(size_t n, size_t size)
{
	return inject() ? NULL : calloc(n ? n : 1, size ? size : 1);
}

void vsva_kfree(const void *p)
{
	free((void *)p);
}
#endif
