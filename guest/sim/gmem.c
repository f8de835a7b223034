// SPDX-License-Identifier: GPL-2.0
/*
 * Page allocator over the L1 VM's guest RAM (or host memory), see gmem.h.
 */
#include <stdlib.h>

#include "gmem.h"

#define GMEM_PAGE	SIM_PAGE_SIZE

int gmem_init_vm(struct gmem *g, struct sim_mem *m, struct sim_vm *vm,
		 u64 base, u64 size)
{
	memset(g, 0, sizeof(*g));
	if (!m || !vm || (base | size) & (GMEM_PAGE - 1) || !size)
		return -EINVAL;
	g->m = m;
	g->vm = vm;
	g->as = sim_vm_id(vm);
	g->base = base;
	g->npages = size / GMEM_PAGE;
	g->used = calloc(g->npages, 1);
	return g->used ? 0 : -ENOMEM;
}

int gmem_init_host(struct gmem *g, struct sim_mem *m)
{
	memset(g, 0, sizeof(*g));
	if (!m)
		return -EINVAL;
	g->m = m;
	g->as = VSVA_AS_HPA;
	return 0;
}

void gmem_fini(struct gmem *g)
{
	free(g->used);
	g->used = NULL;
}

static int gmem_vm_alloc(struct gmem *g, unsigned int order, u64 *addr)
{
	u64 n = 1ULL << order;
	/* Runs aligned to their size in guest-physical terms. */
	u64 align = n;
	u64 first = ((g->base / GMEM_PAGE + align - 1) & ~(align - 1)) -
		    g->base / GMEM_PAGE;

	for (u64 i = first; i + n <= g->npages; i += align) {
		u64 j;

		for (j = 0; j < n && !g->used[i + j]; j++)
			;
		if (j < n)
			continue;
		for (j = 0; j < n; j++) {
			u64 gpa = g->base + (i + j) * GMEM_PAGE;

			if (sim_vm_populate(g->vm, gpa))
				return -ENOMEM;
		}
		memset(g->used + i, 1, n);
		*addr = g->base + i * GMEM_PAGE;
		return 0;
	}
	return -ENOMEM;
}

int gmem_alloc_pages(struct gmem *g, unsigned int order, u64 *addr)
{
	u64 n = 1ULL << order;
	int ret;

	if (order > 10)
		return -EINVAL;
	if (g->fail_after && !--g->fail_after)
		return -ENOMEM;
	if (g->vm)
		ret = gmem_vm_alloc(g, order, addr);
	else
		ret = sim_mem_alloc_run(g->m, n, (u8)(12 + order), addr);
	if (ret)
		return -ENOMEM;
	ret = gmem_zero(g, *addr, n * GMEM_PAGE);
	if (ret)
		return ret;
	g->allocs++;
	g->pages_live += n;
	if (g->pages_live > g->pages_peak)
		g->pages_peak = g->pages_live;
	return 0;
}

void gmem_free_pages(struct gmem *g, u64 addr, unsigned int order)
{
	u64 n = 1ULL << order;

	if (!addr)
		return;
	if (g->vm) {
		u64 i = (addr - g->base) / GMEM_PAGE;

		if (addr < g->base || i + n > g->npages)
			return;
		memset(g->used + i, 0, n);
	} else {
		sim_mem_free_run(g->m, addr, n);
	}
	g->frees++;
	g->pages_live -= n;
}

int gmem_read(struct gmem *g, u64 addr, void *buf, u64 len)
{
	return sim_mem_read(g->m, g->as, addr, buf, len);
}

int gmem_write(struct gmem *g, u64 addr, const void *buf, u64 len)
{
	return sim_mem_write(g->m, g->as, addr, buf, len);
}

u64 gmem_read64(struct gmem *g, u64 addr)
{
	u64 v = 0;

	gmem_read(g, addr, &v, 8);
	return v;
}

void gmem_write64(struct gmem *g, u64 addr, u64 val)
{
	gmem_write(g, addr, &val, 8);
}

u32 gmem_read32(struct gmem *g, u64 addr)
{
	u32 v = 0;

	gmem_read(g, addr, &v, 4);
	return v;
}

void gmem_write32(struct gmem *g, u64 addr, u32 val)
{
	gmem_write(g, addr, &val, 4);
}

int gmem_zero(struct gmem *g, u64 addr, u64 len)
{
	static const u8 zero[4096];

	while (len) {
		u64 n = len < sizeof(zero) ? len : sizeof(zero);
		int ret = gmem_write(g, addr, zero, n);

		if (ret)
			return ret;
		addr += n;
		len -= n;
	}
	return 0;
}
