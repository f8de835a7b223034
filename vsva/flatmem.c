// SPDX-License-Identifier: GPL-2.0
#include "mem.h"

#ifdef __KERNEL__
#include <linux/atomic.h>
#endif

static u64 *flat_entry(struct vsva_flatmem *fm, u32 as, u64 addr, int *err)
{
	u64 *p;

	if (addr & 7) {
		*err = -EINVAL;
		return NULL;
	}
	p = as == fm->as ? vsva_flatmem_ptr(fm, addr) : NULL;
	*err = p ? 0 : -EFAULT;
	return p;
}

static int flat_read64(void *ctx, u32 as, u64 addr, u64 *val)
{
	struct vsva_flatmem *fm = ctx;
	int err;
	u64 *p = flat_entry(fm, as, addr, &err);

	if (!p)
		return err;
	fm->reads++;
	*val = READ_ONCE(*p);
	return 0;
}

static int flat_write64(void *ctx, u32 as, u64 addr, u64 val)
{
	struct vsva_flatmem *fm = ctx;
	int err;
	u64 *p = flat_entry(fm, as, addr, &err);

	if (!p)
		return err;
	fm->writes++;
	WRITE_ONCE(*p, val);
	return 0;
}

static int flat_cmpxchg64(void *ctx, u32 as, u64 addr, u64 old, u64 new,
			  u64 *cur)
{
	struct vsva_flatmem *fm = ctx;
	int err;
	u64 *p = flat_entry(fm, as, addr, &err);

	if (!p)
		return err;
	fm->cmpxchgs++;
#ifdef __KERNEL__
	*cur = cmpxchg64(p, old, new);
#else
	*cur = old;
	__atomic_compare_exchange_n(p, cur, new, false, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
#endif
	return 0;
}

const struct vsva_mem_ops vsva_flatmem_ops = {
	.read64 = flat_read64,
	.write64 = flat_write64,
	.cas64 = flat_cmpxchg64,
};
