/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How vsva reaches memory: 8-byte entries at an address in a named address
 * space.  The walker, the PASID-table reader and the queue models only ever
 * touch memory through this, so the same code runs over the simulated
 * platform's memory, a guest's memory seen from the host, or real memory.
 *
 * Address spaces are small integers chosen by the owner of the vsva_mem
 * (the simulated platform names host-physical space 0 and each VM's
 * guest-physical space after the VM); vsva itself only passes them through.
 */
#ifndef _VSVA_MEM_H
#define _VSVA_MEM_H

#include "vsva.h"

#define VSVA_AS_HPA	0u	/* host-physical: the conventional space 0 */

struct vsva_mem_ops {
	/* -EFAULT: nothing backs @addr; -EINVAL: not 8-byte aligned. */
	int (*read64)(void *ctx, u32 as, u64 addr, u64 *val);
	int (*write64)(void *ctx, u32 as, u64 addr, u64 val);
	/*
	 * Atomically replace @old by @new; *@cur receives the value found.
	 * Returns 0 whether or not the exchange happened (compare *@cur).
	 * (Not named cmpxchg64: that is a function-like macro in the kernel.)
	 */
	int (*cas64)(void *ctx, u32 as, u64 addr, u64 old, u64 new, u64 *cur);
};

struct vsva_mem {
	const struct vsva_mem_ops *ops;
	void *ctx;
};

static inline int vsva_read64(const struct vsva_mem *m, u32 as, u64 addr,
			      u64 *val)
{
	return m->ops->read64(m->ctx, as, addr, val);
}

static inline int vsva_write64(const struct vsva_mem *m, u32 as, u64 addr,
			       u64 val)
{
	return m->ops->write64(m->ctx, as, addr, val);
}

static inline int vsva_cmpxchg64(const struct vsva_mem *m, u32 as, u64 addr,
				 u64 old, u64 new, u64 *cur)
{
	return m->ops->cas64(m->ctx, as, addr, old, new, cur);
}

/* Read @n consecutive qwords (a 256/512-bit table entry or descriptor). */
static inline int vsva_read_qwords(const struct vsva_mem *m, u32 as, u64 addr,
				   u64 *val, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		int ret = vsva_read64(m, as, addr + 8 * i, &val[i]);

		if (ret)
			return ret;
	}
	return 0;
}

/*
 * flatmem: one address space backed by one contiguous buffer covering
 * [base, base + size).  Used by tests, fuzzers and the CLI demo; the
 * simulated platform has its own sparse, accounted memory.
 */
struct vsva_flatmem {
	u8 *buf;
	u64 base;
	u64 size;
	u32 as;		/* the only space it answers for */
	u64 reads, writes, cmpxchgs;
};

extern const struct vsva_mem_ops vsva_flatmem_ops;

static inline void vsva_flatmem_init(struct vsva_flatmem *fm, void *buf,
				     u64 base, u64 size, u32 as)
{
	fm->buf = buf;
	fm->base = base;
	fm->size = size;
	fm->as = as;
	fm->reads = fm->writes = fm->cmpxchgs = 0;
}

static inline struct vsva_mem vsva_flatmem_mem(struct vsva_flatmem *fm)
{
	struct vsva_mem m = { .ops = &vsva_flatmem_ops, .ctx = fm };

	return m;
}

/* Pointer to the qword at @addr, or NULL when outside the buffer. */
static inline u64 *vsva_flatmem_ptr(struct vsva_flatmem *fm, u64 addr)
{
	if (addr < fm->base || addr - fm->base > fm->size - 8 || (addr & 7))
		return NULL;
	return (u64 *)(fm->buf + (addr - fm->base));
}

#endif /* _VSVA_MEM_H */
