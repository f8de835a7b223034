// SPDX-License-Identifier: GPL-2.0
/*
 * The VMs of the simulated machine and the isolation oracle (see
 * memory.h).
 *
 * A VM's RAM is mapped twice: the CPU-side map (GPA unit -> HPA unit, one
 * hash entry per 4K, 2M or 1G unit) and a VT-d second-stage table (spec
 * 9.8) in host memory, which the physical IOMMU walks.  The table is
 * written here directly, never read back: vsva's walker is its judge.
 */
#include <stdio.h>
#include <stdlib.h>

#include "memory.h"
#include "memory_internal.h"
#include "hash.h"
#include <nestmed/vtd_pte.h>

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
	ret = sim_mem_alloc_owned(vm->m, npages, lg2, vm->id, &hpa);
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

struct sim_mem *sim_vm_mem(const struct sim_vm *vm)
{
	return vm->m;
}

/* ------------------------------------------------------------------ */
/* The isolation oracle                                               */
/* ------------------------------------------------------------------ */
bool sim_vm_owns(const struct sim_vm *vm, u64 hpa)
{
	return sim_mem_owner(vm->m, hpa) == vm->id;
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
