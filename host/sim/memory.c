// SPDX-License-Identifier: GPL-2.0
/*
 * Host physical memory of the simulated machine (see memory.h; the VMs it
 * backs are vm.c's).
 *
 * A host page is an entry in a hash map from page frame number to its
 * 4 KiB buffer and its owner (0: the host, else the id of the VM whose RAM
 * it is).  The buffer is allocated on the first write, so a VM with 1 GiB
 * pages costs only the pages it touches; an allocated page that was never
 * written reads as zeroes.  Frame numbers come from a bump pointer starting
 * at 1 MiB and from a stack of freed ranges, searched newest first.
 */
#include "memory.h"
#include "memory_internal.h"
#include "hash.h"

#define SIM_MEM_BASE_PFN	(0x100000ULL >> 12)	/* 1 MiB */

struct sim_range {
	u64 pfn, n;
};

struct sim_mem {
	struct sim *s;
	u64 limit_pages;
	u64 next_pfn;		/* bump pointer */
	struct sim_htab pages;	/* pfn -> a: buffer (or 0), b: owner */
	struct sim_range *free;	/* stack of freed ranges */
	u32 nfree, free_cap;
	struct sim_mem_stats st;
};

static const struct vsva_mem_ops sim_mem_ops;

struct sim_mem *sim_mem_create(struct sim *s, u64 limit_pages)
{
	struct sim_mem *m;

	if (s && s->mem)
		return NULL;
	m = vsva_kzalloc(sizeof(*m));
	if (!m)
		return NULL;
	m->s = s;
	m->limit_pages = limit_pages;
	m->next_pfn = SIM_MEM_BASE_PFN;
	if (s)
		s->mem = m;
	return m;
}

void sim_mem_destroy(struct sim_mem *m)
{
	if (!m)
		return;
	if (m->s) {
		for (u32 id = 1; id <= SIM_MAX_VMS; id++)
			if (m->s->vms[id])
				sim_vm_destroy(m->s->vms[id]);
		if (m->s->mem == m)
			m->s->mem = NULL;
	}
	for (u64 i = 0; i < m->pages.cap; i++)
		if (m->pages.e[i].key)
			vsva_kfree((void *)(uintptr_t)m->pages.e[i].a);
	ht_free(&m->pages);
	vsva_kfree(m->free);
	vsva_kfree(m);
}

const struct sim_mem_stats *sim_mem_stats(const struct sim_mem *m)
{
	return &m->st;
}

static int free_reserve(struct sim_mem *m, u32 extra)
{
	struct sim_range *r;
	u32 cap = m->free_cap ? m->free_cap : 16;

	while (m->nfree + extra > cap)
		cap *= 2;
	if (cap == m->free_cap)
		return 0;
	r = vsva_kcalloc(cap, sizeof(*r));
	if (!r)
		return -ENOMEM;
	if (m->nfree)
		memcpy(r, m->free, m->nfree * sizeof(*r));
	vsva_kfree(m->free);
	m->free = r;
	m->free_cap = cap;
	return 0;
}

/* Push a freed range, merging with the newest one when adjacent. */
static void free_push(struct sim_mem *m, u64 pfn, u64 n)
{
	struct sim_range *top = m->nfree ? &m->free[m->nfree - 1] : NULL;

	if (top && top->pfn + top->n == pfn) {
		top->n += n;
		return;
	}
	if (top && pfn + n == top->pfn) {
		top->pfn = pfn;
		top->n += n;
		return;
	}
	/* Without room the frames are only lost to reuse, not to accounting. */
	if (free_reserve(m, 1))
		return;
	m->free[m->nfree].pfn = pfn;
	m->free[m->nfree].n = n;
	m->nfree++;
}

/*
 * Carve @npages frames aligned to @align frames out of the freed ranges,
 * newest first.  Room for one more range must have been reserved.
 */
static bool free_take(struct sim_mem *m, u64 npages, u64 align, u64 *startp)
{
	for (u32 i = m->nfree; i > 0; i--) {
		struct sim_range *r = &m->free[i - 1];
		u64 start = (r->pfn + align - 1) & ~(align - 1);
		u64 end = r->pfn + r->n;

		if (start + npages > end)
			continue;
		if (start == r->pfn) {
			r->pfn += npages;
			r->n -= npages;
		} else {
			r->n = start - r->pfn;
			if (start + npages < end) {
				/* Split: the tail becomes the newest range. */
				m->free[m->nfree].pfn = start + npages;
				m->free[m->nfree].n = end - start - npages;
				m->nfree++;
			}
		}
		if (!r->n) {
			memmove(r, r + 1, (m->nfree - i) * sizeof(*r));
			m->nfree--;
		}
		*startp = start;
		return true;
	}
	return false;
}

int sim_mem_alloc_owned(struct sim_mem *m, u64 npages, u8 align_lg2,
			u32 owner, u64 *hpa)
{
	u64 align, start;
	int ret;

	if (!npages || align_lg2 < 12 || align_lg2 > 40)
		return -EINVAL;
	align = 1ULL << (align_lg2 - 12);
	if (m->limit_pages && m->st.pages_live + npages > m->limit_pages)
		return -ENOMEM;
	ret = ht_reserve(&m->pages, npages);
	if (!ret)
		ret = free_reserve(m, 1);
	if (ret)
		return ret;

	if (!free_take(m, npages, align, &start)) {
		start = (m->next_pfn + align - 1) & ~(align - 1);
		if (start != m->next_pfn)	/* the gap goes to reuse */
			free_push(m, m->next_pfn, start - m->next_pfn);
		m->next_pfn = start + npages;
	}
	for (u64 p = 0; p < npages; p++)
		ht_insert_reserved(&m->pages, start + p)->b = owner;
	m->st.pages_live += npages;
	if (m->st.pages_live > m->st.pages_peak)
		m->st.pages_peak = m->st.pages_live;
	*hpa = start << 12;
	return 0;
}

int sim_mem_alloc_run(struct sim_mem *m, u64 npages, u8 align_lg2, u64 *hpa)
{
	return sim_mem_alloc_owned(m, npages, align_lg2, 0, hpa);
}

int sim_mem_alloc_page(struct sim_mem *m, u64 *hpa)
{
	return sim_mem_alloc_owned(m, 1, 12, 0, hpa);
}

void sim_mem_free_page(struct sim_mem *m, u64 hpa)
{
	struct sim_hent *e = ht_find(&m->pages, hpa >> 12);

	if (!e) {
		m->st.bad_accesses++;
		return;
	}
	vsva_kfree((void *)(uintptr_t)e->a);
	ht_remove(&m->pages, e);
	m->st.pages_live--;
	m->st.pages_freed++;
	free_push(m, hpa >> 12, 1);
}

void sim_mem_free_run(struct sim_mem *m, u64 hpa, u64 npages)
{
	for (u64 p = 0; p < npages; p++)
		sim_mem_free_page(m, hpa + (p << 12));
}

bool sim_mem_backed(const struct sim_mem *m, u64 hpa)
{
	return ht_find(&m->pages, hpa >> 12) != NULL;
}

u32 sim_mem_owner(const struct sim_mem *m, u64 hpa)
{
	struct sim_hent *e = ht_find(&m->pages, hpa >> 12);

	return e ? (u32)e->b : 0;
}

/* The buffer of a host page entry, allocating it when @create. */
static u8 *page_buf(struct sim_hent *e, bool create)
{
	if (!e->a && create)
		e->a = (uintptr_t)vsva_kzalloc(SIM_PAGE_SIZE);
	return (u8 *)(uintptr_t)e->a;
}

void *sim_mem_page(struct sim_mem *m, u64 hpa)
{
	struct sim_hent *e = ht_find(&m->pages, hpa >> 12);

	return e ? page_buf(e, true) : NULL;
}

/* Host page entry behind @addr of address space @as, or NULL. */
static struct sim_hent *mem_resolve(struct sim_mem *m, u32 as, u64 addr)
{
	u64 hpa = addr;

	if (as != VSVA_AS_HPA) {
		struct sim_vm *vm = m->s ? sim_vm_by_id(m->s, as) : NULL;

		if (!vm || sim_vm_mem(vm) != m ||
		    sim_vm_gpa_to_hpa(vm, addr, &hpa))
			return NULL;
	}
	return ht_find(&m->pages, hpa >> 12);
}

static int mem_copy(struct sim_mem *m, u32 as, u64 addr, u8 *rbuf,
		    const u8 *wbuf, u64 len)
{
	u64 a, done;

	if (!len)
		return 0;
	if (addr + len < addr)
		goto bad;
	/* Check every page first so that a failed access changes nothing. */
	for (a = addr & VSVA_PAGE_MASK; a < addr + len; a += SIM_PAGE_SIZE)
		if (!mem_resolve(m, as, a))
			goto bad;
	for (a = addr, done = 0; done < len;) {
		struct sim_hent *e = mem_resolve(m, as, a);
		u64 off = a & (SIM_PAGE_SIZE - 1);
		u64 n = min(SIM_PAGE_SIZE - off, len - done);
		u8 *p = page_buf(e, wbuf != NULL);

		if (wbuf) {
			if (!p)
				return -ENOMEM;
			memcpy(p + off, wbuf + done, n);
		} else if (p) {
			memcpy(rbuf + done, p + off, n);
		} else {
			memset(rbuf + done, 0, n);
		}
		a += n;
		done += n;
	}
	return 0;
bad:
	m->st.bad_accesses++;
	return -EFAULT;
}

int sim_mem_read(struct sim_mem *m, u32 as, u64 addr, void *buf, u64 len)
{
	m->st.reads++;
	return mem_copy(m, as, addr, buf, NULL, len);
}

int sim_mem_write(struct sim_mem *m, u32 as, u64 addr, const void *buf,
		  u64 len)
{
	m->st.writes++;
	return mem_copy(m, as, addr, NULL, buf, len);
}

/* The qword at @addr of space @as for vsva; NULL and *@ret on failure. */
static u64 *mem_qword(struct sim_mem *m, u32 as, u64 addr, bool create,
		      int *ret)
{
	struct sim_hent *e;
	u8 *p;

	*ret = 0;
	if (addr & 7) {
		*ret = -EINVAL;
		return NULL;
	}
	e = mem_resolve(m, as, addr);
	if (!e) {
		m->st.bad_accesses++;
		*ret = -EFAULT;
		return NULL;
	}
	p = page_buf(e, create);
	if (!p && create)
		*ret = -ENOMEM;
	return p ? (u64 *)(p + (addr & (SIM_PAGE_SIZE - 1))) : NULL;
}

static int sim_mem_read64(void *ctx, u32 as, u64 addr, u64 *val)
{
	struct sim_mem *m = ctx;
	int ret;
	u64 *q = mem_qword(m, as, addr, false, &ret);

	m->st.reads++;
	if (ret)
		return ret;
	*val = q ? *q : 0;
	return 0;
}

static int sim_mem_write64(void *ctx, u32 as, u64 addr, u64 val)
{
	struct sim_mem *m = ctx;
	int ret;
	u64 *q = mem_qword(m, as, addr, true, &ret);

	m->st.writes++;
	if (ret)
		return ret;
	*q = val;
	return 0;
}

static int sim_mem_cmpxchg64(void *ctx, u32 as, u64 addr, u64 old, u64 new,
			     u64 *cur)
{
	struct sim_mem *m = ctx;
	int ret;
	u64 *q = mem_qword(m, as, addr, true, &ret);

	m->st.cmpxchgs++;
	if (ret)
		return ret;
	*cur = *q;
	if (*q == old)
		*q = new;
	return 0;
}

static const struct vsva_mem_ops sim_mem_ops = {
	.read64 = sim_mem_read64,
	.write64 = sim_mem_write64,
	.cas64 = sim_mem_cmpxchg64,
};

struct vsva_mem sim_mem_vsva(struct sim_mem *m)
{
	struct vsva_mem vm = { .ops = &sim_mem_ops, .ctx = m };

	return vm;
}
