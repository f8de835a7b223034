// SPDX-License-Identifier: GPL-2.0
/*
 * Host memory of the simulated platform, VMs, their second-stage tables
 * (judged by vsva's walker, not by our own reader) and the isolation
 * oracle.  User-space runner only.
 */
#include <kunit/test.h>

#include <stdio.h>
#include <stdlib.h>

#include "memory.h"
#include "walk.h"
#include <nestmed/vtd_fault.h>

#define MiB(x)	((u64)(x) << 20)
#define GiB(x)	((u64)(x) << 30)

static void fini_action(void *s)
{
	sim_fini(s);
}

/* A sim with host memory of @limit pages (0: unlimited). */
static struct sim *new_sim(struct kunit *test, u64 limit)
{
	struct sim *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, sim_init(s, 1), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action(test, fini_action, s), 0);
	KUNIT_ASSERT_NOT_NULL(test, sim_mem_create(s, limit));
	return s;
}

static struct sim_vm *new_vm(struct kunit *test, struct sim *s, u64 ram,
			     bool lazy, u8 levels, u8 page_lg2)
{
	struct sim_vm_cfg cfg = {
		.name = "test", .ram_bytes = ram, .lazy = lazy,
		.ss_levels = levels, .ss_page_lg2 = page_lg2,
	};
	struct sim_vm *vm = sim_vm_create(s, &cfg);

	KUNIT_ASSERT_NOT_NULL(test, vm);
	return vm;
}

/* ------------------------------------------------------------------ */
/* Host memory                                                        */
/* ------------------------------------------------------------------ */
static void mem_alloc_free_reuse(struct kunit *test)
{
	struct sim *s = new_sim(test, 0);
	u64 a, b, c, d;
	u8 *p;

	KUNIT_ASSERT_EQ(test, sim_mem_alloc_page(s->mem, &a), 0);
	KUNIT_ASSERT_EQ(test, sim_mem_alloc_page(s->mem, &b), 0);
	KUNIT_EXPECT_EQ(test, a, 0x100000ULL);	/* 1 MiB */
	KUNIT_EXPECT_EQ(test, b, 0x101000ULL);
	p = sim_mem_page(s->mem, a);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 0xa5, SIM_PAGE_SIZE);
	sim_mem_free_page(s->mem, a);
	KUNIT_EXPECT_FALSE(test, sim_mem_backed(s->mem, a));
	KUNIT_EXPECT_NULL(test, sim_mem_page(s->mem, a));
	/* The freed page comes back first, and zeroed. */
	KUNIT_ASSERT_EQ(test, sim_mem_alloc_page(s->mem, &c), 0);
	KUNIT_EXPECT_EQ(test, c, a);
	p = sim_mem_page(s->mem, c);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (u32 i = 0; i < SIM_PAGE_SIZE; i++)
		if (p[i])
			KUNIT_FAIL(test, "byte %u of a reused page is %#x", i, p[i]);
	KUNIT_ASSERT_EQ(test, sim_mem_alloc_page(s->mem, &d), 0);
	KUNIT_EXPECT_EQ(test, d, 0x102000ULL);
}

static void mem_limit_and_accounting(struct kunit *test)
{
	struct sim *s = new_sim(test, 4);
	const struct sim_mem_stats *st = sim_mem_stats(s->mem);
	u64 hpa[5];

	for (u32 i = 0; i < 4; i++)
		KUNIT_ASSERT_EQ(test, sim_mem_alloc_page(s->mem, &hpa[i]), 0);
	KUNIT_EXPECT_EQ(test, sim_mem_alloc_page(s->mem, &hpa[4]), -ENOMEM);
	KUNIT_EXPECT_EQ(test, sim_mem_alloc_run(s->mem, 2, 12, &hpa[4]),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, st->pages_live, 4ULL);
	KUNIT_EXPECT_EQ(test, st->pages_peak, 4ULL);
	sim_mem_free_page(s->mem, hpa[1]);
	sim_mem_free_page(s->mem, hpa[2]);
	KUNIT_EXPECT_EQ(test, st->pages_live, 2ULL);
	KUNIT_EXPECT_EQ(test, st->pages_freed, 2ULL);
	KUNIT_EXPECT_EQ(test, sim_mem_alloc_page(s->mem, &hpa[4]), 0);
	KUNIT_EXPECT_EQ(test, st->pages_live, 3ULL);
	KUNIT_EXPECT_EQ(test, st->pages_peak, 4ULL);
	/* Freeing what is not allocated is counted, not fatal. */
	sim_mem_free_page(s->mem, 0x4000);
	KUNIT_EXPECT_EQ(test, st->bad_accesses, 1ULL);
	KUNIT_EXPECT_EQ(test, st->pages_live, 3ULL);
}

static void mem_contiguous_runs(struct kunit *test)
{
	struct sim *s = new_sim(test, 0);
	u64 one, run, again, gap;

	KUNIT_ASSERT_EQ(test, sim_mem_alloc_page(s->mem, &one), 0);
	KUNIT_ASSERT_EQ(test, sim_mem_alloc_run(s->mem, 512, 21, &run), 0);
	/* First 2 MiB boundary above 1 MiB + 4 KiB. */
	KUNIT_EXPECT_EQ(test, run, MiB(2));
	for (u64 p = 0; p < 512; p++)
		KUNIT_EXPECT_TRUE(test, sim_mem_backed(s->mem, run + p * 4096));
	KUNIT_EXPECT_FALSE(test, sim_mem_backed(s->mem, run + MiB(2)));
	/* The alignment gap [1 MiB + 4 KiB, 2 MiB) is reused. */
	KUNIT_ASSERT_EQ(test, sim_mem_alloc_page(s->mem, &gap), 0);
	KUNIT_EXPECT_EQ(test, gap, 0x101000ULL);
	/* A freed run is found again by a run of the same shape. */
	sim_mem_free_run(s->mem, run, 512);
	KUNIT_EXPECT_EQ(test, sim_mem_stats(s->mem)->pages_live, 2ULL);
	KUNIT_ASSERT_EQ(test, sim_mem_alloc_run(s->mem, 512, 21, &again), 0);
	KUNIT_EXPECT_EQ(test, again, run);
	KUNIT_EXPECT_EQ(test, sim_mem_alloc_run(s->mem, 0, 12, &again),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, sim_mem_alloc_run(s->mem, 1, 11, &again),
			-EINVAL);
}

static void mem_cross_page_rw(struct kunit *test)
{
	struct sim *s = new_sim(test, 0);
	u8 in[64], out[64];
	u8 *p0, *p1;
	u64 base;

	for (u32 i = 0; i < sizeof(in); i++)
		in[i] = (u8)(i * 7 + 1);
	KUNIT_ASSERT_EQ(test, sim_mem_alloc_run(s->mem, 2, 12, &base), 0);
	KUNIT_ASSERT_EQ(test, sim_mem_write(s->mem, VSVA_AS_HPA,
					    base + 4096 - 24, in, 64), 0);
	memset(out, 0, sizeof(out));
	KUNIT_ASSERT_EQ(test, sim_mem_read(s->mem, VSVA_AS_HPA,
					   base + 4096 - 24, out, 64), 0);
	KUNIT_EXPECT_MEMEQ(test, in, out, 64);
	/* The bytes really landed on both pages: 24 on the first, 40 next. */
	p0 = sim_mem_page(s->mem, base);
	p1 = sim_mem_page(s->mem, base + 4096);
	KUNIT_ASSERT_NOT_NULL(test, p0);
	KUNIT_ASSERT_NOT_NULL(test, p1);
	KUNIT_EXPECT_MEMEQ(test, p0 + 4096 - 24, in, 24);
	KUNIT_EXPECT_MEMEQ(test, p1, in + 24, 40);
	/* An allocated page never written reads as zeroes. */
	KUNIT_ASSERT_EQ(test, sim_mem_alloc_page(s->mem, &base), 0);
	memset(out, 0xff, sizeof(out));
	KUNIT_ASSERT_EQ(test, sim_mem_read(s->mem, VSVA_AS_HPA, base + 100,
					   out, 64), 0);
	for (u32 i = 0; i < 64; i++)
		KUNIT_EXPECT_EQ(test, out[i], 0);
}

static void mem_unbacked_errors(struct kunit *test)
{
	struct sim *s = new_sim(test, 0);
	const struct sim_mem_stats *st = sim_mem_stats(s->mem);
	u8 buf[32], zero[32] = { 0 };
	u64 hpa;

	memset(buf, 0x5a, sizeof(buf));
	KUNIT_EXPECT_EQ(test, sim_mem_read(s->mem, VSVA_AS_HPA, 0, buf, 8),
			-EFAULT);
	KUNIT_ASSERT_EQ(test, sim_mem_alloc_page(s->mem, &hpa), 0);
	/* The next page is unbacked: a straddling write changes nothing. */
	KUNIT_EXPECT_EQ(test, sim_mem_write(s->mem, VSVA_AS_HPA,
					    hpa + 4096 - 16, buf, 32), -EFAULT);
	KUNIT_EXPECT_EQ(test, sim_mem_read(s->mem, VSVA_AS_HPA,
					   hpa + 4096 - 16, buf, 32), -EFAULT);
	KUNIT_ASSERT_EQ(test, sim_mem_read(s->mem, VSVA_AS_HPA,
					   hpa + 4096 - 32, buf, 32), 0);
	KUNIT_EXPECT_MEMEQ(test, buf, zero, 32);
	/* No such VM address space. */
	KUNIT_EXPECT_EQ(test, sim_mem_read(s->mem, 5, 0, buf, 8), -EFAULT);
	KUNIT_EXPECT_EQ(test, sim_mem_write(s->mem, VSVA_AS_HPA, ~0ULL - 3,
					    buf, 8), -EFAULT);
	KUNIT_EXPECT_EQ(test, st->bad_accesses, 5ULL);
	KUNIT_EXPECT_NULL(test, sim_mem_page(s->mem, hpa + 4096));
	KUNIT_EXPECT_EQ(test, sim_mem_owner(s->mem, hpa), 0u);
}

static void vsva_view_hpa(struct kunit *test)
{
	struct sim *s = new_sim(test, 0);
	struct vsva_mem m = sim_mem_vsva(s->mem);
	u64 hpa, v = 1, cur = 0;

	KUNIT_ASSERT_EQ(test, sim_mem_alloc_page(s->mem, &hpa), 0);
	KUNIT_EXPECT_EQ(test, vsva_read64(&m, VSVA_AS_HPA, hpa + 8, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0ULL);
	KUNIT_EXPECT_EQ(test, vsva_write64(&m, VSVA_AS_HPA, hpa + 8,
					   0x1122334455667788ULL), 0);
	KUNIT_EXPECT_EQ(test, vsva_read64(&m, VSVA_AS_HPA, hpa + 8, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0x1122334455667788ULL);
	/* Little-endian bytes, as the hardware sees them. */
	KUNIT_EXPECT_EQ(test, ((u8 *)sim_mem_page(s->mem, hpa))[8], 0x88);
	KUNIT_EXPECT_EQ(test, vsva_cmpxchg64(&m, VSVA_AS_HPA, hpa + 8,
					     0x1122334455667788ULL, 3, &cur), 0);
	KUNIT_EXPECT_EQ(test, cur, 0x1122334455667788ULL);
	KUNIT_EXPECT_EQ(test, vsva_cmpxchg64(&m, VSVA_AS_HPA, hpa + 8,
					     0x1122334455667788ULL, 4, &cur), 0);
	KUNIT_EXPECT_EQ(test, cur, 3ULL);
	KUNIT_EXPECT_EQ(test, vsva_read64(&m, VSVA_AS_HPA, hpa + 8, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 3ULL);
	KUNIT_EXPECT_EQ(test, vsva_read64(&m, VSVA_AS_HPA, hpa + 4, &v),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vsva_read64(&m, VSVA_AS_HPA, hpa + 4096, &v),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, vsva_write64(&m, VSVA_AS_HPA, 0x1000, 1),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, vsva_cmpxchg64(&m, VSVA_AS_HPA, 0x1000, 0, 1,
					     &cur), -EFAULT);
	KUNIT_EXPECT_EQ(test, sim_mem_stats(s->mem)->cmpxchgs, 3ULL);
}

static void vsva_view_gpa(struct kunit *test)
{
	struct sim *s = new_sim(test, 0);
	struct sim_vm *vm = new_vm(test, s, MiB(1), false, 4, 12);
	struct vsva_mem m = sim_mem_vsva(s->mem);
	u32 as = sim_vm_id(vm);
	u64 hpa, v = 0, cur = 0;
	u8 bytes[16];

	KUNIT_EXPECT_EQ(test, as, 1u);
	KUNIT_EXPECT_EQ(test, vsva_write64(&m, as, 0x5ff8, 0xfeedULL), 0);
	KUNIT_ASSERT_EQ(test, sim_vm_gpa_to_hpa(vm, 0x5ff8, &hpa), 0);
	KUNIT_EXPECT_EQ(test, vsva_read64(&m, VSVA_AS_HPA, hpa, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0xfeedULL);
	KUNIT_EXPECT_EQ(test, vsva_cmpxchg64(&m, as, 0x5ff8, 0xfeed, 0xbeef,
					     &cur), 0);
	KUNIT_EXPECT_EQ(test, cur, 0xfeedULL);
	KUNIT_EXPECT_EQ(test, vsva_read64(&m, VSVA_AS_HPA, hpa, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0xbeefULL);
	/* Byte access across GPA pages 5 and 6 (separate host pages). */
	KUNIT_EXPECT_EQ(test, sim_mem_read(s->mem, as, 0x5ff8, bytes, 16), 0);
	KUNIT_EXPECT_EQ(test, bytes[0], 0xef);
	KUNIT_EXPECT_EQ(test, bytes[1], 0xbe);
	KUNIT_EXPECT_EQ(test, vsva_read64(&m, as, MiB(1), &v), -EFAULT);
	KUNIT_EXPECT_EQ(test, vsva_read64(&m, as + 1, 0, &v), -EFAULT);
	KUNIT_EXPECT_EQ(test, sim_mem_write(s->mem, as, MiB(1) - 8, bytes,
					    16), -EFAULT);
}

/* ------------------------------------------------------------------ */
/* VMs                                                                */
/* ------------------------------------------------------------------ */
static void vm_eager(struct kunit *test)
{
	struct sim *s = new_sim(test, 0);
	struct sim_vm *vm = new_vm(test, s, MiB(8), false, 4, 12);
	u64 hpa, prev = 0;

	KUNIT_EXPECT_EQ(test, sim_vm_pages(vm), 2048ULL);
	/* Root + PDPT + PD + 4 PTs (8 MiB = 4 x 2 MiB). */
	KUNIT_EXPECT_EQ(test, sim_vm_table_pages(vm), 7ULL);
	KUNIT_EXPECT_EQ(test, sim_mem_stats(s->mem)->pages_live, 2048ULL + 7);
	KUNIT_EXPECT_PTR_EQ(test, sim_vm_by_id(s, sim_vm_id(vm)), vm);
	KUNIT_EXPECT_STREQ(test, sim_vm_name(vm), "test");
	KUNIT_EXPECT_EQ(test, sim_vm_ss_levels(vm), 4);
	KUNIT_EXPECT_EQ(test, sim_vm_ss_root(vm) & 0xfff, 0ULL);
	for (u64 gpa = 0; gpa < MiB(8); gpa += 4096) {
		KUNIT_ASSERT_EQ(test, sim_vm_gpa_to_hpa(vm, gpa + 9, &hpa), 0);
		KUNIT_EXPECT_EQ(test, hpa & 0xfff, 9ULL);
		KUNIT_EXPECT_TRUE(test, sim_vm_owns(vm, hpa));
		KUNIT_EXPECT_NE(test, hpa & ~0xfffULL, prev);
		prev = hpa & ~0xfffULL;
	}
	KUNIT_EXPECT_EQ(test, sim_vm_gpa_to_hpa(vm, MiB(8), &hpa), -EFAULT);
	KUNIT_EXPECT_FALSE(test, sim_vm_owns(vm, sim_vm_ss_root(vm)));
	KUNIT_EXPECT_TRUE(test, sim_vm_in_ram(vm, MiB(8) - 1));
	KUNIT_EXPECT_FALSE(test, sim_vm_in_ram(vm, MiB(8)));
}

static void vm_lazy_populate(struct kunit *test)
{
	struct sim *s = new_sim(test, 0);
	struct sim_vm *vm = new_vm(test, s, MiB(4), true, 4, 12);
	u64 live = sim_mem_stats(s->mem)->pages_live;
	u64 hpa, hpa2, v;
	struct vsva_mem m = sim_mem_vsva(s->mem);

	KUNIT_EXPECT_EQ(test, sim_vm_pages(vm), 0ULL);
	KUNIT_EXPECT_EQ(test, live, 1ULL);	/* the SS root only */
	KUNIT_EXPECT_EQ(test, sim_vm_gpa_to_hpa(vm, 0x3000, &hpa), -EFAULT);
	KUNIT_EXPECT_EQ(test, vsva_read64(&m, sim_vm_id(vm), 0x3000, &v),
			-EFAULT);
	KUNIT_ASSERT_EQ(test, sim_vm_populate(vm, 0x3123), 0);
	KUNIT_ASSERT_EQ(test, sim_vm_gpa_to_hpa(vm, 0x3000, &hpa), 0);
	KUNIT_EXPECT_EQ(test, sim_vm_pages(vm), 1ULL);
	KUNIT_EXPECT_EQ(test, vsva_read64(&m, sim_vm_id(vm), 0x3000, &v), 0);
	/* Populating again keeps the page. */
	KUNIT_EXPECT_EQ(test, sim_vm_populate(vm, 0x3ff8), 0);
	KUNIT_ASSERT_EQ(test, sim_vm_gpa_to_hpa(vm, 0x3000, &hpa2), 0);
	KUNIT_EXPECT_EQ(test, hpa2, hpa);
	KUNIT_EXPECT_EQ(test, sim_vm_pages(vm), 1ULL);
	/* One data page and three new tables (PDPT, PD, PT). */
	KUNIT_EXPECT_EQ(test, sim_mem_stats(s->mem)->pages_live, live + 4);
	KUNIT_EXPECT_EQ(test, sim_vm_populate(vm, MiB(4)), -EINVAL);
	KUNIT_EXPECT_EQ(test, sim_vm_gpa_to_hpa(vm, 0x4000, &hpa), -EFAULT);
}

/* A walker configured as the physical IOMMU walks a VM's pass-through. */
static int ss_translate(struct sim *s, struct sim_vm *vm, u64 gpa, u8 access,
			struct vsva_walk_result *res)
{
	struct vsva_mem m = sim_mem_vsva(s->mem);
	struct vsva_walk_cfg cfg = {
		.mem = &m,
		.as = VSVA_AS_HPA,
		.mode = VSVA_WALK_SS,
		.haw = 52,
		.ss = {
			.ssptptr = sim_vm_ss_root(vm),
			.levels = sim_vm_ss_levels(vm),
			.ssee = true,
		},
	};
	struct vsva_walk_req req = { .addr = gpa, .access = access };

	memset(res, 0, sizeof(*res));
	return vsva_walk(&cfg, &req, res);
}

static void vm_unpopulate(struct kunit *test)
{
	struct sim *s = new_sim(test, 0);
	struct sim_vm *vm = new_vm(test, s, MiB(2), false, 4, 12);
	const struct sim_mem_stats *st = sim_mem_stats(s->mem);
	struct vsva_walk_result res;
	u64 live = st->pages_live, hpa;

	KUNIT_ASSERT_EQ(test, sim_vm_gpa_to_hpa(vm, 0x7000, &hpa), 0);
	KUNIT_ASSERT_EQ(test, ss_translate(s, vm, 0x7008, VSVA_PERM_W, &res),
			0);
	KUNIT_EXPECT_EQ(test, res.oaddr, hpa + 8);
	KUNIT_ASSERT_EQ(test, sim_vm_unpopulate(vm, 0x7abc), 0);
	KUNIT_EXPECT_EQ(test, st->pages_live, live - 1);
	KUNIT_EXPECT_FALSE(test, sim_mem_backed(s->mem, hpa));
	KUNIT_EXPECT_FALSE(test, sim_vm_owns(vm, hpa));
	KUNIT_EXPECT_EQ(test, sim_vm_pages(vm), 511ULL);
	KUNIT_EXPECT_EQ(test, sim_vm_gpa_to_hpa(vm, 0x7000, &hpa), -EFAULT);
	KUNIT_EXPECT_EQ(test, ss_translate(s, vm, 0x7008, VSVA_PERM_R, &res),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, res.fault, VTD_FR_SM_SS_NOT_PRESENT);
	KUNIT_EXPECT_EQ(test, res.fault_level, 1);
	KUNIT_EXPECT_EQ(test, sim_vm_unpopulate(vm, 0x7000), -ENOENT);
	KUNIT_EXPECT_EQ(test, sim_vm_unpopulate(vm, MiB(2)), -EINVAL);
	/* Neighbours are untouched; repopulating maps the GPA again. */
	KUNIT_EXPECT_EQ(test, ss_translate(s, vm, 0x6000, VSVA_PERM_R, &res),
			0);
	KUNIT_ASSERT_EQ(test, sim_vm_populate(vm, 0x7000), 0);
	KUNIT_ASSERT_EQ(test, sim_vm_gpa_to_hpa(vm, 0x7000, &hpa), 0);
	KUNIT_ASSERT_EQ(test, ss_translate(s, vm, 0x7000, VSVA_PERM_R, &res),
			0);
	KUNIT_EXPECT_EQ(test, res.oaddr, hpa);
	KUNIT_EXPECT_EQ(test, st->pages_live, live);
}

struct ss_case {
	const char *desc;
	u64 ram;
	u8 levels;
	u8 page_lg2;
	u64 stride;		/* GPAs checked: every stride bytes */
	/* Expected mapping sizes: [0, big_end) big, then 2M up to mid_end. */
	u8 big_lg2;
	u64 big_end;
	u64 mid_end;
	u64 want_pages;
	u64 want_tables;
};

/*
 * 8 MiB of 4K: 2048 pages, root + PDPT + PD + 4 PTs = 7 tables.
 * 5-level 4 MiB: 1024 pages, PML5 + PML4 + PDPT + PD + 2 PTs = 6.
 * 2M, 9 MiB: 4 x 2M (0..8M) + 256 x 4K (8M..9M); root + PDPT + PD + 1 PT.
 * 1G, 1G + 2M + 8K: 1G leaf, 2M leaf, 2 x 4K; root + PDPT + PD (for 1G..2G)
 * + PT = 4 tables; pages 262144 + 512 + 2.
 */
static const struct ss_case ss_cases[] = {
	{ "4K-4level", MiB(8), 4, 12, 4096, 12, 0, 0, 2048, 7 },
	{ "4K-5level", MiB(4), 5, 12, 4096, 12, 0, 0, 1024, 6 },
	{ "2M", MiB(9), 4, 21, 4096, 21, MiB(8), MiB(8), 2304, 4 },
	{ "1G", GiB(1) + MiB(2) + 8192, 4, 30, 61 * 4096, 30, GiB(1),
	  GiB(1) + MiB(2), 262144 + 512 + 2, 4 },
};

KUNIT_ARRAY_PARAM_DESC(ss_cases, ss_cases, desc);

/* Every populated GPA translates, through the walker, to the CPU's HPA. */
static void ss_table_matches_walker(struct kunit *test)
{
	const struct ss_case *c = test->param_value;
	struct sim *s = new_sim(test, 0);
	struct sim_vm *vm = new_vm(test, s, c->ram, false, c->levels,
				   c->page_lg2);
	struct vsva_walk_result res;
	u32 bad = 0;

	KUNIT_EXPECT_EQ(test, sim_vm_pages(vm), c->want_pages);
	KUNIT_EXPECT_EQ(test, sim_vm_table_pages(vm), c->want_tables);
	for (u64 gpa = 0; gpa < c->ram; gpa += c->stride) {
		/* Probe the last qword of each page, and the last page. */
		u64 probe = min(gpa, c->ram - 4096) + 4088, hpa;
		u8 want = probe < c->big_end ? c->big_lg2 :
			  probe < c->mid_end ? 21 : 12, lg2 = 0;

		KUNIT_ASSERT_EQ(test, sim_vm_lookup(vm, probe, &hpa, &lg2), 0);
		KUNIT_EXPECT_EQ(test, lg2, want);
		KUNIT_EXPECT_TRUE(test, sim_vm_owns(vm, hpa));
		if (ss_translate(s, vm, probe, VSVA_PERM_W, &res) ||
		    res.oaddr != hpa || res.size_lg2 != want ||
		    res.perm != (VSVA_PERM_RW | VSVA_PERM_X)) {
			if (!bad++)
				KUNIT_FAIL(test, "GPA %#llx: walk %#llx/%u fault %#x, map %#llx/%u",
					   (unsigned long long)probe,
					   (unsigned long long)res.oaddr,
					   res.size_lg2, res.fault,
					   (unsigned long long)hpa, want);
		}
	}
	KUNIT_EXPECT_EQ(test, bad, 0u);
	/* Past RAM but inside the address width: not present. */
	KUNIT_EXPECT_EQ(test, ss_translate(s, vm, GiB(4), VSVA_PERM_R, &res),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, res.fault, VTD_FR_SM_SS_NOT_PRESENT);
	KUNIT_EXPECT_EQ(test, ss_translate(s, vm, c->ram, VSVA_PERM_R, &res),
			-EFAULT);
}

static void ss_lazy_faults_until_populated(struct kunit *test)
{
	struct sim *s = new_sim(test, 0);
	struct sim_vm *vm = new_vm(test, s, MiB(16), true, 4, 21);
	struct vsva_walk_result res;
	u64 hpa;

	for (u64 gpa = 0; gpa < MiB(16); gpa += MiB(1)) {
		KUNIT_EXPECT_EQ(test, ss_translate(s, vm, gpa, VSVA_PERM_R,
						   &res), -EFAULT);
		KUNIT_EXPECT_EQ(test, res.fault, VTD_FR_SM_SS_NOT_PRESENT);
	}
	/* A lazily populated 2M unit: one leaf, its whole range valid. */
	KUNIT_ASSERT_EQ(test, sim_vm_populate(vm, MiB(5) + 0x1234), 0);
	KUNIT_EXPECT_EQ(test, sim_vm_pages(vm), 512ULL);
	KUNIT_ASSERT_EQ(test, sim_vm_gpa_to_hpa(vm, MiB(4), &hpa), 0);
	KUNIT_EXPECT_EQ(test, hpa & (MiB(2) - 1), 0ULL);
	for (u64 gpa = MiB(4); gpa < MiB(6); gpa += 4096) {
		KUNIT_ASSERT_EQ(test, ss_translate(s, vm, gpa, VSVA_PERM_R,
						   &res), 0);
		KUNIT_EXPECT_EQ(test, res.oaddr, hpa + gpa - MiB(4));
	}
	KUNIT_EXPECT_EQ(test, ss_translate(s, vm, MiB(6), VSVA_PERM_R, &res),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, ss_translate(s, vm, MiB(4) - 8, VSVA_PERM_R,
					   &res), -EFAULT);
	/* Unpopulating the 2M unit removes all of it. */
	KUNIT_ASSERT_EQ(test, sim_vm_unpopulate(vm, MiB(5)), 0);
	KUNIT_EXPECT_EQ(test, sim_vm_pages(vm), 0ULL);
	KUNIT_EXPECT_EQ(test, ss_translate(s, vm, MiB(4), VSVA_PERM_R, &res),
			-EFAULT);
}

struct destroy_case {
	const char *desc;
	u64 ram;
	u8 levels;
	u8 page_lg2;
	bool lazy;
};

static const struct destroy_case destroy_cases[] = {
	{ "4K-eager", MiB(8), 4, 12, false },
	{ "4K-lazy", MiB(8), 5, 12, true },
	{ "2M-mixed", MiB(11), 4, 21, false },
	{ "1G-mixed", GiB(1) + MiB(4), 4, 30, false },
};

KUNIT_ARRAY_PARAM_DESC(destroy_cases, destroy_cases, desc);

/* Destroy frees every data and table page: accounting returns to before. */
static void vm_destroy_leaves_nothing(struct kunit *test)
{
	const struct destroy_case *c = test->param_value;
	struct sim *s = new_sim(test, 0);
	const struct sim_mem_stats *st = sim_mem_stats(s->mem);
	struct sim_vm *keep = new_vm(test, s, MiB(1), false, 4, 12);
	u64 before = st->pages_live, root;
	struct sim_vm *vm;
	u32 id;

	vm = new_vm(test, s, c->ram, c->lazy, c->levels, c->page_lg2);
	id = sim_vm_id(vm);
	root = sim_vm_ss_root(vm);
	if (c->lazy) {
		for (u64 gpa = 0; gpa < c->ram; gpa += 3 * 4096 + 4096 * 509)
			KUNIT_ASSERT_EQ(test, sim_vm_populate(vm, gpa), 0);
		KUNIT_ASSERT_EQ(test, sim_vm_unpopulate(vm, 0), 0);
	}
	KUNIT_EXPECT_GT(test, st->pages_live, before);
	sim_vm_destroy(vm);
	KUNIT_EXPECT_EQ(test, st->pages_live, before);
	KUNIT_EXPECT_NULL(test, sim_vm_by_id(s, id));
	KUNIT_EXPECT_FALSE(test, sim_mem_backed(s->mem, root));
	/* The other VM is intact; the id is handed out again. */
	KUNIT_EXPECT_EQ(test, sim_vm_pages(keep), 256ULL);
	vm = new_vm(test, s, MiB(1), false, 4, 12);
	KUNIT_EXPECT_EQ(test, sim_vm_id(vm), id);
}

static void vm_bad_configs(struct kunit *test)
{
	struct sim *s = new_sim(test, 0);
	struct sim bare;
	struct sim_vm_cfg cfg = { .ram_bytes = MiB(1) };
	struct sim_vm *vm;

	cfg.ss_levels = 6;
	KUNIT_EXPECT_NULL(test, sim_vm_create(s, &cfg));
	cfg.ss_levels = 4;
	cfg.ss_page_lg2 = 13;
	KUNIT_EXPECT_NULL(test, sim_vm_create(s, &cfg));
	cfg.ss_page_lg2 = 0;
	cfg.ram_bytes = MiB(1) + 1;
	KUNIT_EXPECT_NULL(test, sim_vm_create(s, &cfg));
	cfg.ram_bytes = 0;
	KUNIT_EXPECT_NULL(test, sim_vm_create(s, &cfg));
	cfg.ram_bytes = 1ULL << 49;	/* beyond a 4-level (48-bit) SS */
	KUNIT_EXPECT_NULL(test, sim_vm_create(s, &cfg));
	cfg.ram_bytes = 4096;
	sim_init(&bare, 1);		/* no host memory */
	KUNIT_EXPECT_NULL(test, sim_vm_create(&bare, &cfg));
	sim_fini(&bare);
	/* Defaults: 4 levels, 4K pages, a generated name. */
	vm = sim_vm_create(s, &cfg);
	KUNIT_ASSERT_NOT_NULL(test, vm);
	KUNIT_EXPECT_EQ(test, sim_vm_ss_levels(vm), 4);
	KUNIT_EXPECT_STREQ(test, sim_vm_name(vm), "vm1");
	KUNIT_EXPECT_EQ(test, sim_mem_stats(s->mem)->pages_live, 5ULL);
	/* Ids run out at SIM_MAX_VMS. */
	for (u32 i = 2; i <= SIM_MAX_VMS; i++)
		KUNIT_ASSERT_NOT_NULL(test, sim_vm_create(s, &cfg));
	KUNIT_EXPECT_NULL(test, sim_vm_create(s, &cfg));
}

/* Out of host memory half way through an eager VM: nothing is left. */
static void vm_create_unwinds(struct kunit *test)
{
	struct sim *s = new_sim(test, 300);
	struct sim_vm_cfg cfg = { .ram_bytes = MiB(2) };	/* 512 + 4 pages */
	const struct sim_mem_stats *st = sim_mem_stats(s->mem);
	unsigned long n, made;
	struct sim_vm *vm;

	KUNIT_EXPECT_NULL(test, sim_vm_create(s, &cfg));
	KUNIT_EXPECT_EQ(test, st->pages_live, 0ULL);
	KUNIT_EXPECT_NULL(test, sim_vm_by_id(s, 1));
	/* Fail-nth: every allocation of a creation fails once, in turn. */
	cfg.ram_bytes = MiB(1);
	for (n = 1; n < 10000; n++) {
		vsva_fail_nth(n);
		vm = sim_vm_create(s, &cfg);
		made = vsva_fail_nth(0);
		if (vm) {
			KUNIT_EXPECT_LT(test, (unsigned long)made, n);
			break;
		}
		KUNIT_EXPECT_EQ(test, st->pages_live, 0ULL);
		KUNIT_EXPECT_NULL(test, sim_vm_by_id(s, 1));
	}
	KUNIT_ASSERT_NOT_NULL(test, vm);
	KUNIT_EXPECT_GT(test, n, 3UL);
	KUNIT_EXPECT_EQ(test, sim_vm_pages(vm), 256ULL);
}

/* ------------------------------------------------------------------ */
/* Isolation                                                          */
/* ------------------------------------------------------------------ */
static void vms_never_share_pages(struct kunit *test)
{
	struct sim *s = new_sim(test, 0);
	struct sim_vm *a = new_vm(test, s, MiB(4), false, 4, 12);
	struct sim_vm *b = new_vm(test, s, MiB(4), false, 4, 21);
	struct sim_vm *vms[2] = { a, b };
	u64 hpa;

	KUNIT_EXPECT_NE(test, sim_vm_id(a), sim_vm_id(b));
	for (u32 i = 0; i < 2; i++) {
		for (u64 gpa = 0; gpa < MiB(4); gpa += 4096) {
			KUNIT_ASSERT_EQ(test, sim_vm_gpa_to_hpa(vms[i], gpa,
								&hpa), 0);
			KUNIT_EXPECT_TRUE(test, sim_vm_owns(vms[i], hpa));
			KUNIT_EXPECT_FALSE(test, sim_vm_owns(vms[!i], hpa));
			KUNIT_EXPECT_EQ(test, sim_mem_owner(s->mem, hpa),
					sim_vm_id(vms[i]));
		}
	}
	/* Same GPA, different host pages; tables belong to neither. */
	KUNIT_ASSERT_EQ(test, sim_vm_gpa_to_hpa(a, 0, &hpa), 0);
	KUNIT_EXPECT_FALSE(test, sim_vm_owns(b, hpa));
	KUNIT_EXPECT_FALSE(test, sim_vm_owns(a, sim_vm_ss_root(b)));
	KUNIT_EXPECT_FALSE(test, sim_vm_owns(a, sim_vm_ss_root(a)));
}

static void oracle_accepts_own_pages(struct kunit *test)
{
	struct sim *s = new_sim(test, 0);
	struct sim_vm *vm = new_vm(test, s, MiB(1), false, 4, 12);
	struct vsva_walk_result res;

	s->oracle_fatal = true;		/* any violation would abort here */
	for (u64 gpa = 0; gpa < MiB(1); gpa += 4096) {
		KUNIT_ASSERT_EQ(test, ss_translate(s, vm, gpa, VSVA_PERM_W,
						   &res), 0);
		KUNIT_EXPECT_TRUE(test, sim_oracle_check(s, vm, res.oaddr,
							 "test"));
	}
	KUNIT_EXPECT_EQ(test, s->oracle_violations, 0ULL);
}

/* A wrong second-stage entry sends DMA to a foreign page: caught. */
static void oracle_catches_corrupt_ss(struct kunit *test)
{
	struct sim *s = new_sim(test, 0);
	struct sim_vm *a = new_vm(test, s, MiB(1), false, 4, 12);
	struct sim_vm *b = new_vm(test, s, MiB(1), false, 4, 12);
	struct vsva_walk_result res;
	u64 mine, foreign, cpu;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	KUNIT_ASSERT_EQ(test, sim_vm_gpa_to_hpa(a, 0x3000, &mine), 0);
	KUNIT_ASSERT_EQ(test, sim_vm_gpa_to_hpa(b, 0x9000, &foreign), 0);
	KUNIT_ASSERT_EQ(test, sim_vm_corrupt_ss(a, 0x3000, foreign), 0);
	/* The CPU map still has the right page; the IOMMU's table does not. */
	KUNIT_ASSERT_EQ(test, sim_vm_gpa_to_hpa(a, 0x3000, &cpu), 0);
	KUNIT_EXPECT_EQ(test, cpu, mine);
	KUNIT_ASSERT_EQ(test, ss_translate(s, a, 0x3010, VSVA_PERM_W, &res), 0);
	KUNIT_EXPECT_EQ(test, res.oaddr, foreign + 0x10);

	f = open_memstream(&buf, &len);
	KUNIT_ASSERT_NOT_NULL(test, f);
	s->trace = f;
	KUNIT_EXPECT_FALSE(test, sim_oracle_check(s, a, res.oaddr, "dsa0"));
	KUNIT_EXPECT_EQ(test, s->oracle_violations, 1ULL);
	/* A host page (b's table root) and unbacked memory count too. */
	KUNIT_EXPECT_FALSE(test, sim_oracle_check(s, a, sim_vm_ss_root(b),
						  "dsa0"));
	KUNIT_EXPECT_FALSE(test, sim_oracle_check(s, a, 0x10, "dsa0"));
	KUNIT_EXPECT_EQ(test, s->oracle_violations, 3ULL);
	fclose(f);
	s->trace = NULL;
	KUNIT_ASSERT_NOT_NULL(test, buf);	/* NUL-terminated by fclose */
	kunit_add_action(test, free, buf);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "VIOLATION: dsa0 DMA for vm 1"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "another VM's page"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "a host page"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "unbacked"));
	/* Other GPAs of a are still clean. */
	KUNIT_ASSERT_EQ(test, ss_translate(s, a, 0x4000, VSVA_PERM_W, &res), 0);
	KUNIT_EXPECT_TRUE(test, sim_oracle_check(s, a, res.oaddr, "dsa0"));
	KUNIT_EXPECT_EQ(test, s->oracle_violations, 3ULL);
}

static void corrupt_ss_errors(struct kunit *test)
{
	struct sim *s = new_sim(test, 0);
	struct sim_vm *lazy = new_vm(test, s, MiB(4), true, 4, 12);
	struct sim_vm *big = new_vm(test, s, MiB(4), false, 4, 21);

	KUNIT_EXPECT_EQ(test, sim_vm_corrupt_ss(lazy, 0x1000, 0x100000),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, sim_vm_corrupt_ss(big, 0x1000, 0x100000),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, s->oracle_violations, 0ULL);
}

static struct kunit_case memory_cases[] = {
	KUNIT_CASE(mem_alloc_free_reuse),
	KUNIT_CASE(mem_limit_and_accounting),
	KUNIT_CASE(mem_contiguous_runs),
	KUNIT_CASE(mem_cross_page_rw),
	KUNIT_CASE(mem_unbacked_errors),
	KUNIT_CASE(vsva_view_hpa),
	KUNIT_CASE(vsva_view_gpa),
	KUNIT_CASE(vm_eager),
	KUNIT_CASE(vm_lazy_populate),
	KUNIT_CASE(vm_unpopulate),
	KUNIT_CASE_PARAM(ss_table_matches_walker, ss_cases_gen_params),
	KUNIT_CASE(ss_lazy_faults_until_populated),
	KUNIT_CASE_PARAM(vm_destroy_leaves_nothing, destroy_cases_gen_params),
	KUNIT_CASE(vm_bad_configs),
	KUNIT_CASE(vm_create_unwinds),
	KUNIT_CASE(vms_never_share_pages),
	KUNIT_CASE(oracle_accepts_own_pages),
	KUNIT_CASE(oracle_catches_corrupt_ss),
	KUNIT_CASE(corrupt_ss_errors),
	{}
};

static struct kunit_suite memory_suite = {
	.name = "sim-memory",
	.test_cases = memory_cases,
};

kunit_test_suites(&memory_suite);
