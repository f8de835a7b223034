// SPDX-License-Identifier: GPL-2.0
/*
 * Host physical memory of the simulated machine and the VMs it backs.
 *
 * A host page is an entry in a hash map from page frame number to its
 * 4 KiB buffer and its owner (0: the host, else the id of the VM whose RAM
 * it is).  The buffer is allocated on the first write, so a VM with 1 GiB
 * pages costs only the pages it touches; an allocated page that was never
 * written reads as zeroes.  Frame numbers come from a bump pointer starting
 * at 1 MiB and from a stack of freed ranges, searched newest first.
 *
 * A VM's RAM is mapped twice: the CPU-side map (GPA unit -> HPA unit, one
 * hash entry per 4K, 2M or 1G unit) and a VT-d second-stage table (spec
 * 9.8) in host memory, which the physical IOMMU walks.  The table is
 * written here directly, never read back: vsva's walker is its judge.
 */
#include <stdio.h>
#include <stdlib.h>

#include "memory.h"
#include <nestmed/vtd_pte.h>

#define SIM_MEM_BASE_PFN	(0x100000ULL >> 12)	/* 1 MiB */

/* ------------------------------------------------------------------ */
/* A small open-addressing hash map, u64 key -> two u64 values        */
/* ------------------------------------------------------------------ */
struct sim_hent {
	u64 key;	/* key + 1; 0 marks an empty slot */
	u64 a, b;
};

struct sim_htab {
	struct sim_hent *e;
	u64 cap;	/* power of two, or 0 */
	u64 n;
};

static u64 ht_home(const struct sim_htab *t, u64 key)
{
	return ((key + 1) * 0x9e3779b97f4a7c15ULL >> 17) & (t->cap - 1);
}

static struct sim_hent *ht_find(const struct sim_htab *t, u64 key)
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

static struct sim_hent *ht_slot_for(struct sim_htab *t, u64 key)
{
	u64 i = ht_home(t, key);

	while (t->e[i].key)
		i = (i + 1) & (t->cap - 1);
	return &t->e[i];
}

/* Make room for @extra more entries at a load factor of at most 1/2. */
static int ht_reserve(struct sim_htab *t, u64 extra)
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
static struct sim_hent *ht_insert_reserved(struct sim_htab *t, u64 key)
{
	struct sim_hent *e = ht_slot_for(t, key);

	e->key = key + 1;
	e->a = e->b = 0;
	t->n++;
	return e;
}

/* Backward-shift deletion keeps every probe sequence unbroken. */
static void ht_remove(struct sim_htab *t, struct sim_hent *e)
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

static void ht_free(struct sim_htab *t)
{
	vsva_kfree(t->e);
	memset(t, 0, sizeof(*t));
}

/* ------------------------------------------------------------------ */
/* Host memory                                                        */
/* ------------------------------------------------------------------ */
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

struct sim_vm {
	struct sim *s;
	struct sim_mem *m;
	u32 id;
	char name[32];
	u64 ram_bytes;
	u8 levels;
	u8 page_lg2;
	bool lazy;
	bool quiet;		/* no trace lines (eager population) */
	u64 ss_root;
	struct sim_htab map;	/* GPA unit frame -> a: HPA, b: size_lg2 */
	u64 pages;
	u64 table_pages;
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

static int mem_alloc_run(struct sim_mem *m, u64 npages, u8 align_lg2,
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
	return mem_alloc_run(m, npages, align_lg2, 0, hpa);
}

int sim_mem_alloc_page(struct sim_mem *m, u64 *hpa)
{
	return mem_alloc_run(m, 1, 12, 0, hpa);
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

		if (!vm || vm->m != m || sim_vm_gpa_to_hpa(vm, addr, &hpa))
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

/* ------------------------------------------------------------------ */
/* VMs: the CPU-side map and the second-stage table                   */
/* ------------------------------------------------------------------ */
#define SS_PRESENT	(VTD_SSPTE_R | VTD_SSPTE_W)

static unsigned int lg2_level(u8 lg2)
{
	return (lg2 - 12) / VTD_PT_LEVEL_BITS + 1;
}

/* Entry @idx of the table page at @table (always a materialised page). */
static u64 *ss_slot(struct sim_mem *m, u64 table, unsigned int idx)
{
	u64 *t = sim_mem_page(m, table);

	return t ? &t[idx] : NULL;
}

/* A next-level table pointer or a leaf: R, W and X granted at every level. */
static u64 ss_entry(u64 addr, bool large_leaf)
{
	u64 v = 0;

	v = vtd_sspte_set_r(v, 1);
	v = vtd_sspte_set_w(v, 1);
	v = vtd_sspte_set_x(v, 1);
	v = vtd_sspte_set_ps(v, large_leaf);
	return vtd_sspte_set_addr(v, addr);
}

/*
 * The slot for @gpa at @level, creating missing tables above it when
 * @create.  -ENOENT: a table is missing; -EEXIST: a leaf above @level maps
 * @gpa already; -ENOMEM.
 */
static int ss_find(struct sim_vm *vm, u64 gpa, unsigned int level, bool create,
		   u64 **slotp)
{
	u64 table = vm->ss_root;

	for (unsigned int l = vm->levels;; l--) {
		u64 *slot = ss_slot(vm->m, table, vtd_pt_index(gpa, l));
		u64 next;

		if (!slot)
			return -ENOMEM;
		if (l == level) {
			*slotp = slot;
			return 0;
		}
		if (*slot & SS_PRESENT) {
			if (l <= 3 && vtd_sspte_ps(*slot))
				return -EEXIST;
			table = vtd_sspte_addr(*slot);
			continue;
		}
		if (!create)
			return -ENOENT;
		if (sim_mem_alloc_page(vm->m, &next))
			return -ENOMEM;
		if (!sim_mem_page(vm->m, next)) {
			sim_mem_free_page(vm->m, next);
			return -ENOMEM;
		}
		vm->table_pages++;
		*slot = ss_entry(next, false);
		table = next;
	}
}

static void ss_free_table(struct sim_vm *vm, u64 table, unsigned int level)
{
	u64 *t = sim_mem_page(vm->m, table);

	for (unsigned int i = 0; t && level > 1 && i < VTD_PT_ENTRIES; i++)
		if ((t[i] & SS_PRESENT) && !(level <= 3 && vtd_sspte_ps(t[i])))
			ss_free_table(vm, vtd_sspte_addr(t[i]), level - 1);
	sim_mem_free_page(vm->m, table);
	vm->table_pages--;
}

/* The CPU-side map entry of the unit holding @gpa. */
static struct sim_hent *map_find(const struct sim_vm *vm, u64 gpa)
{
	if (gpa >= vm->ram_bytes)
		return NULL;
	for (u8 lg2 = 12; lg2 <= 30; lg2 += VTD_PT_LEVEL_BITS) {
		struct sim_hent *e =
			ht_find(&vm->map, (gpa & ~((1ULL << lg2) - 1)) >> 12);

		if (e && e->b == lg2)
			return e;
	}
	return NULL;
}

int sim_vm_lookup(const struct sim_vm *vm, u64 gpa, u64 *hpa, u8 *size_lg2)
{
	struct sim_hent *e = map_find(vm, gpa);

	if (!e)
		return -EFAULT;
	if (hpa)
		*hpa = e->a + (gpa & ((1ULL << e->b) - 1));
	if (size_lg2)
		*size_lg2 = (u8)e->b;
	return 0;
}

int sim_vm_gpa_to_hpa(const struct sim_vm *vm, u64 gpa, u64 *hpa)
{
	return sim_vm_lookup(vm, gpa, hpa, NULL);
}

/* Map the unit of 2^@lg2 bytes at @base; -EEXIST if the table objects. */
static int vm_map_unit(struct sim_vm *vm, u64 base, u8 lg2)
{
	unsigned int level = lg2_level(lg2);
	u64 npages = 1ULL << (lg2 - 12), hpa;
	struct sim_hent *e;
	u64 *slot;
	int ret;

	ret = ss_find(vm, base, level, false, &slot);
	if (ret == -EEXIST || (!ret && *slot))
		return -EEXIST;
	ret = ht_reserve(&vm->map, 1);
	if (ret)
		return ret;
	ret = mem_alloc_run(vm->m, npages, lg2, vm->id, &hpa);
	if (ret)
		return ret;
	ret = ss_find(vm, base, level, true, &slot);
	if (ret) {
		sim_mem_free_run(vm->m, hpa, npages);
		return ret;
	}
	*slot = ss_entry(hpa, level > 1);
	e = ht_insert_reserved(&vm->map, base >> 12);
	e->a = hpa;
	e->b = lg2;
	vm->pages += npages;
	if (!vm->quiet)
		sim_trace(vm->s, "mem",
			  "vm %u: map GPA %#llx -> HPA %#llx (%s)", vm->id,
			  (unsigned long long)base, (unsigned long long)hpa,
			  lg2 == 30 ? "1G" : lg2 == 21 ? "2M" : "4K");
	return 0;
}

/* Populate the unit holding @gpa; *@lg2 receives its size. */
static int vm_populate(struct sim_vm *vm, u64 gpa, u8 *lg2)
{
	struct sim_hent *e = map_find(vm, gpa);
	int ret = -ENOMEM;

	if (gpa >= vm->ram_bytes)
		return -EINVAL;
	if (e) {
		*lg2 = (u8)e->b;
		return 0;
	}
	/* Largest unit that fits RAM, the table and the backing store. */
	for (int l = vm->page_lg2; l >= 12; l -= VTD_PT_LEVEL_BITS) {
		u64 base = gpa & ~((1ULL << l) - 1);

		if (base + (1ULL << l) > vm->ram_bytes)
			continue;
		ret = vm_map_unit(vm, base, (u8)l);
		if (!ret) {
			*lg2 = (u8)l;
			return 0;
		}
		if (ret != -EEXIST && ret != -ENOMEM)
			return ret;
	}
	return ret;
}

int sim_vm_populate(struct sim_vm *vm, u64 gpa)
{
	u8 lg2;

	return vm_populate(vm, gpa, &lg2);
}

int sim_vm_unpopulate(struct sim_vm *vm, u64 gpa)
{
	struct sim_hent *e = map_find(vm, gpa);
	u64 base, hpa, npages, *slot;
	u8 lg2;

	if (gpa >= vm->ram_bytes)
		return -EINVAL;
	if (!e)
		return -ENOENT;
	lg2 = (u8)e->b;
	base = (e->key - 1) << 12;
	hpa = e->a;
	npages = 1ULL << (lg2 - 12);
	if (!ss_find(vm, base, lg2_level(lg2), false, &slot))
		*slot = 0;
	ht_remove(&vm->map, e);
	sim_mem_free_run(vm->m, hpa, npages);
	vm->pages -= npages;
	if (!vm->quiet)
		sim_trace(vm->s, "mem", "vm %u: unmap GPA %#llx (HPA %#llx)",
			  vm->id, (unsigned long long)base,
			  (unsigned long long)hpa);
	return 0;
}

struct sim_vm *sim_vm_create(struct sim *s, const struct sim_vm_cfg *cfg)
{
	u8 levels = cfg->ss_levels ? cfg->ss_levels : 4;
	u8 page_lg2 = cfg->ss_page_lg2 ? cfg->ss_page_lg2 : 12;
	struct sim_vm *vm;
	u32 id;

	if (!s->mem || levels < 3 || levels > 5 ||
	    (page_lg2 != 12 && page_lg2 != 21 && page_lg2 != 30) ||
	    !cfg->ram_bytes || (cfg->ram_bytes & (SIM_PAGE_SIZE - 1)) ||
	    cfg->ram_bytes > (1ULL << (12 + VTD_PT_LEVEL_BITS * levels)))
		return NULL;
	for (id = 1; id <= SIM_MAX_VMS && s->vms[id]; id++)
		;
	if (id > SIM_MAX_VMS)
		return NULL;
	vm = vsva_kzalloc(sizeof(*vm));
	if (!vm)
		return NULL;
	vm->s = s;
	vm->m = s->mem;
	vm->id = id;
	if (cfg->name)
		snprintf(vm->name, sizeof(vm->name), "%s", cfg->name);
	else
		snprintf(vm->name, sizeof(vm->name), "vm%u", id);
	vm->ram_bytes = cfg->ram_bytes;
	vm->levels = levels;
	vm->page_lg2 = page_lg2;
	vm->lazy = cfg->lazy;
	if (sim_mem_alloc_page(vm->m, &vm->ss_root) ||
	    !sim_mem_page(vm->m, vm->ss_root)) {
		if (sim_mem_backed(vm->m, vm->ss_root))
			sim_mem_free_page(vm->m, vm->ss_root);
		vsva_kfree(vm);
		return NULL;
	}
	vm->table_pages = 1;
	s->vms[id] = vm;

	vm->quiet = true;
	for (u64 gpa = 0; !vm->lazy && gpa < vm->ram_bytes;) {
		u8 lg2;

		if (vm_populate(vm, gpa, &lg2)) {
			sim_vm_destroy(vm);
			return NULL;
		}
		gpa += 1ULL << lg2;
	}
	vm->quiet = false;
	sim_trace(s, "mem",
		  "vm %u '%s': %llu KiB RAM, %s, SS %u-level root %#llx",
		  id, vm->name, (unsigned long long)(vm->ram_bytes >> 10),
		  vm->lazy ? "lazy" : "eager", levels,
		  (unsigned long long)vm->ss_root);
	return vm;
}

void sim_vm_destroy(struct sim_vm *vm)
{
	struct sim_mem *m;

	if (!vm)
		return;
	m = vm->m;
	vm->quiet = true;
	for (u64 i = 0; i < vm->map.cap; i++) {
		struct sim_hent *e = &vm->map.e[i];

		if (e->key)
			sim_mem_free_run(m, e->a, 1ULL << (e->b - 12));
	}
	ss_free_table(vm, vm->ss_root, vm->levels);
	ht_free(&vm->map);
	vm->s->vms[vm->id] = NULL;
	sim_trace(vm->s, "mem", "vm %u '%s': destroyed", vm->id, vm->name);
	vsva_kfree(vm);
}

u32 sim_vm_id(const struct sim_vm *vm)
{
	return vm->id;
}

const char *sim_vm_name(const struct sim_vm *vm)
{
	return vm->name;
}

struct sim_vm *sim_vm_by_id(struct sim *s, u32 id)
{
	return id && id <= SIM_MAX_VMS ? s->vms[id] : NULL;
}

u64 sim_vm_ss_root(const struct sim_vm *vm)
{
	return vm->ss_root;
}

u8 sim_vm_ss_levels(const struct sim_vm *vm)
{
	return vm->levels;
}

bool sim_vm_in_ram(const struct sim_vm *vm, u64 gpa)
{
	return gpa < vm->ram_bytes;
}

u64 sim_vm_pages(const struct sim_vm *vm)
{
	return vm->pages;
}

u64 sim_vm_table_pages(const struct sim_vm *vm)
{
	return vm->table_pages;
}

/* ------------------------------------------------------------------ */
/* The isolation oracle                                               */
/* ------------------------------------------------------------------ */
bool sim_vm_owns(const struct sim_vm *vm, u64 hpa)
{
	struct sim_hent *e = ht_find(&vm->m->pages, hpa >> 12);

	return e && e->b == vm->id;
}

bool sim_oracle_check(struct sim *s, const struct sim_vm *vm, u64 hpa,
		      const char *who)
{
	u32 owner;

	if (sim_vm_owns(vm, hpa))
		return true;
	owner = sim_mem_owner(vm->m, hpa);
	s->oracle_violations++;
	if (!sim_mem_backed(vm->m, hpa))
		owner = ~0u;
	sim_trace(s, "oracle",
		  "VIOLATION: %s DMA for vm %u '%s' hit HPA %#llx (%s)",
		  who ? who : "?", vm->id, vm->name, (unsigned long long)hpa,
		  owner == ~0u ? "unbacked" : owner ? "another VM's page" :
		  "a host page");
	if (s->oracle_fatal) {
		fprintf(stderr,
			"isolation oracle: %s DMA for vm %u hit HPA %#llx\n",
			who ? who : "?", vm->id, (unsigned long long)hpa);
		abort();
	}
	return false;
}

int sim_vm_corrupt_ss(struct sim_vm *vm, u64 gpa, u64 foreign_hpa)
{
	u64 *slot;
	u8 lg2;
	int ret;

	if (sim_vm_lookup(vm, gpa, NULL, &lg2))
		return -ENOENT;
	if (lg2 != 12)
		return -EOPNOTSUPP;
	ret = ss_find(vm, gpa, 1, false, &slot);
	if (ret)
		return ret;
	*slot = ss_entry(foreign_hpa & VSVA_PAGE_MASK, false);
	sim_trace(vm->s, "mem", "vm %u: CORRUPT SS GPA %#llx -> HPA %#llx",
		  vm->id, (unsigned long long)(gpa & VSVA_PAGE_MASK),
		  (unsigned long long)(foreign_hpa & VSVA_PAGE_MASK));
	return 0;
}
