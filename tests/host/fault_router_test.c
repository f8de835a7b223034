// SPDX-License-Identifier: GPL-2.0
/*
 * The fault router (issue 4 items 5 and 8): classification, the guest
 * round trip, limits, teardown, bad guest input, multi-page groups, fault
 * record routing, a page-request storm, and the whole path end to end on
 * the simulated platform (the S-IOV PF blocking on fault, the physical
 * unit's PRQ, the host driver) with a model guest that maps the page in its
 * first-stage table and answers.
 *
 * Two fixtures.  "Unit": a sim with memory and a VM, a fake piommu that
 * counts every response per (PASID, PRG index) -- the device's view, so
 * "exactly once" is checked where it matters -- and a model guest side.
 * "Platform": sim_platform with the real host driver and PF; the physical
 * nested entry is programmed through the piommu as the shadow engine
 * would, and the model guest stands in for shadow lookup and the vIOMMU.
 */
#include <kunit/test.h>
#include <string.h>

#include "fault_router.h"
#include "platform.h"
#include <nestmed/vtd_fault.h>

#define MB		(1ULL << 20)
#define IOVA		0x7f0000000000ULL	/* guest FS input base */
#define TBL_GPA		(15 * MB)		/* guest FS tables: 15..16 MiB */
#define PTE_TBL		0x7ULL			/* FS P|RW|US */
#define PTE_RO		0x5ULL			/* FS P|US, read-only */
#define PTE_A		0x20ULL			/* FS A, bit 5 */
#define PHYS_RID	0x0100
#define GUEST_RID	0x0018
#define NPASID		8
#define PHYS_PASID0	0x40			/* phys = guest + 0x30 */
#define GUEST_PASID0	0x10
#define DID		0x300

/* ---------------------------------------------------------------- */
/* The fake piommu: the device's side of every response             */
/* ---------------------------------------------------------------- */
struct fake_pi {
	struct piommu pi;
	struct piommu_handlers h;
	u32 responses;
	u32 by_code[16];
	u8 count[NPASID + 1][512];	/* [NPASID]: no PASID / foreign */
	u8 last_code;
	u16 last_rid;
	u32 last_pasid;
	void (*on_resp)(void *ctx, u32 idx, u16 prgi, u8 code);
	void *on_resp_ctx;
};

static struct fake_pi *fake_of(struct piommu *p)
{
	return (struct fake_pi *)p;
}

static int fake_caps(struct piommu *p, struct piommu_caps *c)
{
	memset(c, 0, sizeof(*c));
	c->cap = vtd_cap_set_mgaw(0, 46);	/* 47 bits */
	c->cap = vtd_cap_set_fl1gp(c->cap, 1);
	c->pasid_bits = 20;
	return 0;
}

static int fake_resp(struct piommu *p, u16 rid, bool pp, u32 pasid, u16 prgi,
		     u8 code)
{
	struct fake_pi *f = fake_of(p);
	u32 i = pp && pasid >= PHYS_PASID0 && pasid < PHYS_PASID0 + NPASID ?
		pasid - PHYS_PASID0 : NPASID;

	f->responses++;
	f->by_code[code & 0xf]++;
	f->count[i][prgi & 511]++;
	f->last_code = code;
	f->last_rid = rid;
	f->last_pasid = pasid;
	if (f->on_resp)
		f->on_resp(f->on_resp_ctx, i, prgi & 511, code);
	return 0;
}

static void fake_set_handlers(struct piommu *p, const struct piommu_handlers *h)
{
	struct fake_pi *f = fake_of(p);

	if (h)
		f->h = *h;
	else
		memset(&f->h, 0, sizeof(f->h));
}

static const struct piommu_ops fake_ops = {
	.get_caps = fake_caps,
	.page_response = fake_resp,
	.set_handlers = fake_set_handlers,
};

/* ---------------------------------------------------------------- */
/* The model guest                                                  */
/* ---------------------------------------------------------------- */
enum guest_mode {
	G_HOLD,		/* keep requests, answer when the test says */
	G_ANSWER,	/* map the page and answer after a delay */
	G_RANDOM,	/* storm: random delay, some never answered */
};

struct rt;

struct guest_ev {
	struct rt *t;
	struct piommu_page_req req;
	bool used;
};

#define MAX_EV	1024

struct rt {
	struct kunit *test;
	struct sim s_own;		/* unit fixture */
	struct sim *s;
	struct sim_vm *vm;
	struct sim_platform p;		/* platform fixture */
	bool platform;
	struct fake_pi fake;
	struct fault_router *fr;
	u64 root;			/* guest FS root (GPA) */
	u64 tbl_next;
	bool owned[NPASID];
	u8 pgtt[NPASID];
	/* guest side */
	enum guest_mode mode;
	u64 delay;
	u32 injected, lpig_injected, stop_injected;
	struct piommu_page_req last_inj;
	int inject_ret;
	u32 faults_recorded;
	struct piommu_fault last_fault;
	struct guest_ev ev[MAX_EV];
	u32 answered_by_guest;
	u32 never;			/* G_RANDOM: requests left unanswered */
};

static int g_lookup(void *ctx, u32 phys_pasid, struct shadow_pasid_info *out)
{
	struct rt *t = ctx;
	u32 i = phys_pasid - PHYS_PASID0;

	if (phys_pasid < PHYS_PASID0 || i >= NPASID || !t->owned[i])
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	out->phys_pasid = phys_pasid;
	out->guest_pasid = GUEST_PASID0 + i;
	out->guest_did = 1;
	out->host_did = DID;
	out->guest_pgtt = t->pgtt[i];
	out->phys_pgtt = VTD_PGTT_NESTED;
	out->fs_root = t->root;
	out->fs_levels = 4;
	out->sre = true;
	return 0;
}

static u64 rd64(struct rt *t, u64 gpa)
{
	u64 v = 0;

	sim_mem_read(t->s->mem, sim_vm_id(t->vm), gpa, &v, 8);
	return v;
}

static void wr64(struct rt *t, u64 gpa, u64 v)
{
	sim_mem_write(t->s->mem, sim_vm_id(t->vm), gpa, &v, 8);
}

/* The guest's FS PTE slot for @va, creating tables on the way. */
static u64 fs_slot(struct rt *t, u64 va)
{
	u64 table = t->root;

	for (int l = 4; l > 1; l--) {
		u64 ea = table + 8 * ((va >> (12 + 9 * (l - 1))) & 511);
		u64 e = rd64(t, ea);

		if (!(e & 1)) {
			e = t->tbl_next | PTE_TBL;
			t->tbl_next += 4096;
			wr64(t, ea, e);
		}
		table = e & GENMASK_ULL(51, 12);
	}
	return table + 8 * ((va >> 12) & 511);
}

static void fs_map(struct rt *t, u64 va, u64 gpa, u64 flags)
{
	wr64(t, fs_slot(t, va), gpa | flags);
}

static void guest_answer_ev(struct sim *s, void *arg)
{
	struct guest_ev *e = arg;
	struct rt *t = e->t;

	e->used = false;
	/* The guest's fault handler: map IOVA + x -> GPA x, then answer. */
	if (e->req.addr >= IOVA)
		fs_map(t, e->req.addr, e->req.addr - IOVA, PTE_TBL);
	t->answered_by_guest++;
	fault_router_guest_response(t->fr, e->req.rid, e->req.pasid_present,
				    e->req.pasid, e->req.prg_index,
				    VTD_PRG_RESP_SUCCESS);
}

static int g_inject(void *ctx, const struct piommu_page_req *req)
{
	struct rt *t = ctx;
	u64 delay = t->delay;

	if (t->inject_ret)
		return t->inject_ret;
	t->injected++;
	t->last_inj = *req;
	if (!req->r && !req->w) {
		t->stop_injected++;
		return 0;
	}
	if (!req->lpig)
		return 0;
	t->lpig_injected++;
	if (t->mode == G_HOLD)
		return 0;
	if (t->mode == G_RANDOM) {
		if (sim_rand_below(t->s, 10) == 0) {
			t->never++;
			return 0;
		}
		delay = sim_rand_below(t->s, 20000);
	}
	for (u32 i = 0; i < MAX_EV; i++) {
		if (!t->ev[i].used) {
			t->ev[i] = (struct guest_ev){ t, *req, true };
			sim_schedule(t->s, delay, guest_answer_ev, &t->ev[i]);
			return 0;
		}
	}
	return 0;
}

static int g_record(void *ctx, const struct piommu_fault *f)
{
	struct rt *t = ctx;

	t->faults_recorded++;
	t->last_fault = *f;
	return 0;
}

static void rt_cfg(struct rt *t, struct fault_router_cfg *c, u16 rid,
		   struct piommu *pi)
{
	memset(c, 0, sizeof(*c));
	c->s = t->s;
	c->vm = t->vm;
	c->piommu = pi;
	c->phys_rid = rid;
	c->guest_rid = GUEST_RID;
	c->rid_pasid = 0;
	c->limits.max_outstanding = 64;
	c->limits.response_timeout_ns = 1000000;
	c->guest.lookup_phys = g_lookup;
	c->guest.inject_page_request = g_inject;
	c->guest.record_fault = g_record;
	c->guest.ctx = t;
}

/* Guest tables at 15 MiB (populated); [0, 2 MiB) populated and mapped. */
static void guest_tables(struct rt *t)
{
	for (u64 g = TBL_GPA; g < TBL_GPA + MB; g += 4096)
		KUNIT_ASSERT_EQ(t->test, sim_vm_populate(t->vm, g), 0);
	for (u64 g = 0; g < 2 * MB; g += 4096)
		KUNIT_ASSERT_EQ(t->test, sim_vm_populate(t->vm, g), 0);
	t->root = TBL_GPA;
	t->tbl_next = TBL_GPA + 4096;
	for (u64 g = 0; g < 2 * MB; g += 4096)
		fs_map(t, IOVA + g, g, PTE_TBL);
	for (u32 i = 0; i < NPASID; i++) {
		t->owned[i] = i < NPASID - 1;	/* the last one: unknown */
		t->pgtt[i] = VTD_PGTT_FS;
	}
}

static struct rt *rt_unit(struct kunit *test, u32 max_out, u64 timeout)
{
	struct rt *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct sim_vm_cfg vc = { .name = "l1", .ram_bytes = 16 * MB,
				 .lazy = true, .ss_levels = 4,
				 .ss_page_lg2 = 12 };
	struct fault_router_cfg c;

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->test = test;
	t->s = &t->s_own;
	KUNIT_ASSERT_EQ(test, sim_init(t->s, 7), 0);
	t->s->mem = sim_mem_create(t->s, 0);
	KUNIT_ASSERT_NOT_NULL(test, t->s->mem);
	t->vm = sim_vm_create(t->s, &vc);
	KUNIT_ASSERT_NOT_NULL(test, t->vm);
	t->fake.pi.ops = &fake_ops;
	guest_tables(t);
	rt_cfg(t, &c, PHYS_RID, &t->fake.pi);
	if (max_out)
		c.limits.max_outstanding = max_out;
	if (timeout)
		c.limits.response_timeout_ns = timeout;
	t->fr = fault_router_create(&c);
	KUNIT_ASSERT_NOT_NULL(test, t->fr);
	return t;
}

static void rt_fini(struct rt *t)
{
	fault_router_destroy(t->fr);
	t->fr = NULL;
	if (t->platform) {
		sim_platform_fini(&t->p);
	} else {
		sim_fini(t->s);
	}
}

/* A request from the device, through the hub as the piommu delivers it. */
static void dev_req(struct rt *t, u32 idx, u64 addr, bool w, bool lpig,
		    u16 prgi)
{
	struct piommu_page_req r = {
		.rid = PHYS_RID, .pasid_present = true,
		.pasid = PHYS_PASID0 + idx, .addr = addr, .r = !w, .w = w,
		.lpig = lpig, .prg_index = prgi,
	};

	t->fake.h.page_request(t->fake.h.ctx, &r);
}

static const struct fault_router_stats *ST(struct rt *t)
{
	return fault_router_stats(t->fr);
}

/* ---------------------------------------------------------------- */
/* Classification                                                   */
/* ---------------------------------------------------------------- */
static void fs_not_present_goes_to_guest(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);

	t->mode = G_HOLD;
	dev_req(t, 0, IOVA + 4 * MB, true, true, 5);
	KUNIT_EXPECT_EQ(test, t->injected, 1);
	KUNIT_EXPECT_EQ(test, t->last_inj.rid, GUEST_RID);
	KUNIT_EXPECT_EQ(test, t->last_inj.pasid, GUEST_PASID0);
	KUNIT_EXPECT_EQ(test, t->last_inj.addr, IOVA + 4 * MB);
	KUNIT_EXPECT_TRUE(test, t->last_inj.w);
	KUNIT_EXPECT_EQ(test, t->last_inj.prg_index, 5);
	KUNIT_EXPECT_EQ(test, ST(t)->by_class[FR_CLASS_FS], 1);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 0);
	KUNIT_EXPECT_EQ(test, fault_router_outstanding(t->fr), 1);
	fault_router_guest_response(t->fr, GUEST_RID, true, GUEST_PASID0, 5,
				    VTD_PRG_RESP_SUCCESS);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 1);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][5], 1);
	KUNIT_EXPECT_EQ(test, t->fake.last_pasid, PHYS_PASID0);
	KUNIT_EXPECT_EQ(test, t->fake.last_rid, PHYS_RID);
	KUNIT_EXPECT_EQ(test, fault_router_outstanding(t->fr), 0);
	rt_fini(t);
}

static void fs_write_to_readonly_goes_to_guest(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);

	t->mode = G_HOLD;
	fs_map(t, IOVA + 3 * MB, 0x3000, PTE_RO);
	dev_req(t, 1, IOVA + 3 * MB, true, true, 1);
	KUNIT_EXPECT_EQ(test, ST(t)->by_class[FR_CLASS_FS], 1);
	KUNIT_EXPECT_EQ(test, t->last_inj.pasid, GUEST_PASID0 + 1);
	/* A read of the same page translates: stale, answered at once. */
	dev_req(t, 1, IOVA + 3 * MB, false, true, 2);
	KUNIT_EXPECT_EQ(test, ST(t)->by_class[FR_CLASS_STALE], 1);
	KUNIT_EXPECT_EQ(test, t->fake.count[1][2], 1);
	KUNIT_EXPECT_EQ(test, t->fake.last_code, VTD_PRG_RESP_SUCCESS);
	rt_fini(t);
}

static void ss_fault_resolved_by_host(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);
	u64 hpa;

	fs_map(t, IOVA + 8 * MB, 8 * MB, PTE_TBL);
	KUNIT_EXPECT_NE(test, sim_vm_gpa_to_hpa(t->vm, 8 * MB, &hpa), 0);
	dev_req(t, 0, IOVA + 8 * MB, true, true, 9);
	KUNIT_EXPECT_EQ(test, ST(t)->by_class[FR_CLASS_SS], 1);
	KUNIT_EXPECT_EQ(test, ST(t)->ss_populated, 1);
	KUNIT_EXPECT_EQ(test, t->injected, 0);	/* vPRQ untouched */
	KUNIT_EXPECT_EQ(test, sim_vm_gpa_to_hpa(t->vm, 8 * MB, &hpa), 0);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][9], 1);
	KUNIT_EXPECT_EQ(test, t->fake.last_code, VTD_PRG_RESP_SUCCESS);
	rt_fini(t);
}

/* A guest table page the host dropped: backed, then the FS fault shows. */
static void ss_fault_on_guest_table_page(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);
	u64 slot = fs_slot(t, IOVA + 12 * MB);	/* a fresh leaf table */
	u64 hpa;

	KUNIT_ASSERT_EQ(test, sim_vm_unpopulate(t->vm, slot & VSVA_PAGE_MASK),
			0);
	t->mode = G_HOLD;
	dev_req(t, 0, IOVA + 12 * MB, false, true, 3);
	KUNIT_EXPECT_EQ(test, ST(t)->ss_table_populated, 1);
	KUNIT_EXPECT_EQ(test, sim_vm_gpa_to_hpa(t->vm, slot, &hpa), 0);
	KUNIT_EXPECT_EQ(test, ST(t)->by_class[FR_CLASS_FS], 1);
	KUNIT_EXPECT_EQ(test, t->injected, 1);
	rt_fini(t);
}

static void stale_request_answered_success(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);
	u64 pte_before = rd64(t, fs_slot(t, IOVA + 0x5000));

	dev_req(t, 0, IOVA + 0x5000, true, true, 4);
	KUNIT_EXPECT_EQ(test, ST(t)->by_class[FR_CLASS_STALE], 1);
	KUNIT_EXPECT_EQ(test, ST(t)->ss_populated, 0);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][4], 1);
	KUNIT_EXPECT_EQ(test, t->fake.last_code, VTD_PRG_RESP_SUCCESS);
	/* The classifying walk set no A/D bit: the device's retry will. */
	KUNIT_EXPECT_EQ(test, rd64(t, fs_slot(t, IOVA + 0x5000)), pte_before);
	KUNIT_EXPECT_EQ(test, pte_before & PTE_A, 0);
	KUNIT_EXPECT_GT(test, ST(t)->ro_writes, 0);
	rt_fini(t);
}

static void unknown_pasid_invalid_at_once(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);

	dev_req(t, NPASID - 1, IOVA, true, true, 7);
	KUNIT_EXPECT_EQ(test, ST(t)->by_class[FR_CLASS_UNKNOWN], 1);
	KUNIT_EXPECT_EQ(test, t->fake.count[NPASID - 1][7], 1);
	KUNIT_EXPECT_EQ(test, t->fake.last_code, VTD_PRG_RESP_INVALID);
	KUNIT_EXPECT_EQ(test, t->injected, 0);
	/* Non-LPIG requests of an unknown owner owe nothing. */
	dev_req(t, NPASID - 1, IOVA, true, false, 8);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 1);
	rt_fini(t);
}

static void unknown_rid_invalid_by_hub(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);
	struct fault_router_hub_stats hs;
	struct piommu_page_req r = {
		.rid = 0x0200, .pasid_present = true, .pasid = PHYS_PASID0,
		.addr = IOVA, .w = true, .lpig = true, .prg_index = 3,
	};

	t->fake.h.page_request(t->fake.h.ctx, &r);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 1);
	KUNIT_EXPECT_EQ(test, t->fake.last_rid, 0x0200);
	KUNIT_EXPECT_EQ(test, t->fake.last_code, VTD_PRG_RESP_INVALID);
	KUNIT_ASSERT_EQ(test, fault_router_hub_stats(&t->fake.pi, &hs), 0);
	KUNIT_EXPECT_EQ(test, hs.unknown_rid_requests, 1);
	KUNIT_EXPECT_EQ(test, hs.routers, 1);
	KUNIT_EXPECT_EQ(test, ST(t)->requests, 0);
	rt_fini(t);
	KUNIT_EXPECT_EQ(test, fault_router_hub_stats(&t->fake.pi, &hs),
			-ENOENT);
	KUNIT_EXPECT_NULL(test, t->fake.h.page_request);
}

/* No PASID, RID_PASID not the guest's: the VM's own SS, addr a GPA. */
static void no_pasid_request_in_vm_second_stage(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);
	struct piommu_page_req r = {
		.rid = PHYS_RID, .addr = 9 * MB, .w = true, .lpig = true,
		.prg_index = 2,
	};
	u64 hpa;

	t->fake.h.page_request(t->fake.h.ctx, &r);
	KUNIT_EXPECT_EQ(test, ST(t)->by_class[FR_CLASS_SS], 1);
	KUNIT_EXPECT_EQ(test, sim_vm_gpa_to_hpa(t->vm, 9 * MB, &hpa), 0);
	KUNIT_EXPECT_EQ(test, t->fake.count[NPASID][2], 1);
	KUNIT_EXPECT_EQ(test, t->fake.last_code, VTD_PRG_RESP_SUCCESS);
	/* Outside the VM's RAM: nothing to populate, INVALID. */
	r.addr = 64 * MB;
	r.prg_index = 3;
	t->fake.h.page_request(t->fake.h.ctx, &r);
	KUNIT_EXPECT_EQ(test, ST(t)->by_class[FR_CLASS_BAD], 1);
	KUNIT_EXPECT_EQ(test, ST(t)->ss_outside_ram, 1);
	KUNIT_EXPECT_EQ(test, t->fake.count[NPASID][3], 1);
	KUNIT_EXPECT_EQ(test, t->fake.last_code, VTD_PRG_RESP_INVALID);
	rt_fini(t);
}

static void guest_pass_through_pasid_is_second_stage(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);
	u64 hpa;

	t->pgtt[2] = VTD_PGTT_PT;
	dev_req(t, 2, 10 * MB, false, true, 11);
	KUNIT_EXPECT_EQ(test, ST(t)->by_class[FR_CLASS_SS], 1);
	KUNIT_EXPECT_EQ(test, sim_vm_gpa_to_hpa(t->vm, 10 * MB, &hpa), 0);
	KUNIT_EXPECT_EQ(test, t->injected, 0);
	KUNIT_EXPECT_EQ(test, t->fake.count[2][11], 1);
	rt_fini(t);
}

/* FS leaf pointing outside guest RAM: the host cannot back it. */
static void fs_leaf_outside_ram_invalid(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);

	fs_map(t, IOVA + 5 * MB, 1ULL << 40, PTE_TBL);
	dev_req(t, 0, IOVA + 5 * MB, true, true, 6);
	KUNIT_EXPECT_EQ(test, ST(t)->by_class[FR_CLASS_BAD], 1);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][6], 1);
	KUNIT_EXPECT_EQ(test, t->fake.last_code, VTD_PRG_RESP_INVALID);
	rt_fini(t);
}

/* ---------------------------------------------------------------- */
/* Limits and teardown: each answered exactly once                  */
/* ---------------------------------------------------------------- */
static void overflow_answers_success_once(struct kunit *test)
{
	struct rt *t = rt_unit(test, 2, 0);

	t->mode = G_HOLD;
	for (u16 i = 0; i < 4; i++)
		dev_req(t, 0, IOVA + 4 * MB + i * 4096ULL, true, true, i);
	KUNIT_EXPECT_EQ(test, t->injected, 2);
	KUNIT_EXPECT_EQ(test, ST(t)->overflows, 2);
	KUNIT_EXPECT_EQ(test, fault_router_outstanding(t->fr), 2);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][2], 1);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][3], 1);
	KUNIT_EXPECT_EQ(test, t->fake.by_code[VTD_PRG_RESP_SUCCESS], 2);
	/* A guest answer for an overflowed group is dropped. */
	fault_router_guest_response(t->fr, GUEST_RID, true, GUEST_PASID0, 3,
				    VTD_PRG_RESP_SUCCESS);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][3], 1);
	KUNIT_EXPECT_EQ(test, ST(t)->guest_unknown, 1);
	rt_fini(t);
	for (u16 i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, t->fake.count[0][i], 1);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 4);
}

static void vprq_full_answers_success_once(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);

	t->inject_ret = -ENOSPC;
	dev_req(t, 0, IOVA + 4 * MB, true, true, 1);
	KUNIT_EXPECT_EQ(test, ST(t)->vprq_full, 1);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][1], 1);
	KUNIT_EXPECT_EQ(test, t->fake.last_code, VTD_PRG_RESP_SUCCESS);
	KUNIT_EXPECT_EQ(test, fault_router_outstanding(t->fr), 0);
	fault_router_guest_response(t->fr, GUEST_RID, true, GUEST_PASID0, 1,
				    VTD_PRG_RESP_SUCCESS);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][1], 1);
	rt_fini(t);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 1);
}

static void guest_refusal_answers_invalid_once(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);

	t->inject_ret = -EPERM;
	dev_req(t, 0, IOVA + 4 * MB, true, true, 1);
	KUNIT_EXPECT_EQ(test, ST(t)->guest_refused, 1);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][1], 1);
	KUNIT_EXPECT_EQ(test, t->fake.last_code, VTD_PRG_RESP_INVALID);
	rt_fini(t);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 1);
}

static void noop_ev(struct sim *s, void *arg)
{
}

static void timeout_answers_invalid_once(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 50000);

	t->mode = G_HOLD;
	dev_req(t, 0, IOVA + 4 * MB, true, true, 1);
	sim_schedule(t->s, 20000, noop_ev, NULL);
	KUNIT_ASSERT_TRUE(test, sim_step(t->s));	/* now = 20000 */
	KUNIT_ASSERT_EQ(test, t->s->now, 20000);
	dev_req(t, 0, IOVA + 4 * MB + 4096, true, true, 2);
	sim_run(t->s, 0);	/* both deadlines pass */
	KUNIT_EXPECT_EQ(test, ST(t)->timeouts, 2);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][1], 1);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][2], 1);
	KUNIT_EXPECT_EQ(test, t->fake.by_code[VTD_PRG_RESP_INVALID], 2);
	KUNIT_EXPECT_GE(test, t->s->now, 70000);
	/* The late answer finds nothing. */
	fault_router_guest_response(t->fr, GUEST_RID, true, GUEST_PASID0, 1,
				    VTD_PRG_RESP_SUCCESS);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][1], 1);
	KUNIT_EXPECT_EQ(test, ST(t)->guest_unknown, 1);
	rt_fini(t);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 2);
}

/*
 * The response timer is armed only while a group waits for the guest:
 * once every group is answered the router leaves no event behind, so a
 * run until idle ends with the last answer instead of jumping the
 * simulated clock to the timeout (1 ms here).
 */
static void timer_gone_when_all_answered(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);

	t->mode = G_ANSWER;
	t->delay = 3000;
	dev_req(t, 0, IOVA + 4 * MB, true, true, 1);
	dev_req(t, 1, IOVA + 4 * MB, true, true, 2);
	KUNIT_EXPECT_EQ(test, fault_router_outstanding(t->fr), 2);
	/* Two guest answers and the timer. */
	KUNIT_EXPECT_EQ(test, sim_pending(t->s), 3);
	sim_run(t->s, 0);
	KUNIT_EXPECT_EQ(test, t->answered_by_guest, 2);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 2);
	KUNIT_EXPECT_EQ(test, ST(t)->timeouts, 0);
	KUNIT_EXPECT_EQ(test, t->s->now, 3000);
	KUNIT_EXPECT_EQ(test, sim_pending(t->s), 0);

	/* Answered from outside any event: the timer goes at once. */
	t->mode = G_HOLD;
	dev_req(t, 0, IOVA + 5 * MB, true, true, 3);
	KUNIT_EXPECT_EQ(test, sim_pending(t->s), 1);
	fault_router_guest_response(t->fr, GUEST_RID, true, GUEST_PASID0, 3,
				    VTD_PRG_RESP_SUCCESS);
	KUNIT_EXPECT_EQ(test, sim_pending(t->s), 0);

	/* And when the PASID goes away with its groups. */
	dev_req(t, 0, IOVA + 5 * MB, true, true, 4);
	KUNIT_EXPECT_EQ(test, sim_pending(t->s), 1);
	KUNIT_EXPECT_EQ(test, fault_router_pasid_gone(t->fr, PHYS_PASID0), 1);
	KUNIT_EXPECT_EQ(test, sim_pending(t->s), 0);
	KUNIT_EXPECT_EQ(test, t->s->now, 3000);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 4);
	rt_fini(t);
}

/*
 * One of two groups answered: the other still times out at its own
 * deadline, then nothing is left queued.
 */
static void timer_kept_for_the_rest(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 50000);

	t->mode = G_HOLD;
	dev_req(t, 0, IOVA + 4 * MB, true, true, 1);
	sim_schedule(t->s, 20000, noop_ev, NULL);
	KUNIT_ASSERT_TRUE(test, sim_step(t->s));	/* now = 20000 */
	dev_req(t, 1, IOVA + 4 * MB, true, true, 2);
	fault_router_guest_response(t->fr, GUEST_RID, true, GUEST_PASID0, 1,
				    VTD_PRG_RESP_SUCCESS);
	KUNIT_EXPECT_EQ(test, sim_pending(t->s), 1);
	sim_run(t->s, 0);
	KUNIT_EXPECT_EQ(test, ST(t)->timeouts, 1);
	KUNIT_EXPECT_EQ(test, t->fake.count[1][2], 1);
	KUNIT_EXPECT_EQ(test, t->fake.last_code, VTD_PRG_RESP_INVALID);
	KUNIT_EXPECT_EQ(test, t->s->now, 70000);
	KUNIT_EXPECT_EQ(test, sim_pending(t->s), 0);
	rt_fini(t);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 2);
}

static void destroy_answers_outstanding_once(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);

	t->mode = G_HOLD;
	for (u16 i = 0; i < 5; i++)
		dev_req(t, i % 3, IOVA + 4 * MB, true, true, i);
	/* A partial group: nothing owed, nothing sent. */
	dev_req(t, 0, IOVA + 4 * MB, true, false, 40);
	KUNIT_EXPECT_EQ(test, fault_router_outstanding(t->fr), 6);
	rt_fini(t);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 5);
	KUNIT_EXPECT_EQ(test, t->fake.by_code[VTD_PRG_RESP_INVALID], 5);
	for (u16 i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, t->fake.count[i % 3][i], 1);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][40], 0);
}

static void guest_reset_answers_and_router_lives_on(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);

	t->mode = G_HOLD;
	dev_req(t, 0, IOVA + 4 * MB, true, true, 1);
	dev_req(t, 1, IOVA + 4 * MB, true, true, 1);
	KUNIT_EXPECT_EQ(test, fault_router_guest_reset(t->fr), 2);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 2);
	KUNIT_EXPECT_EQ(test, ST(t)->teardown, 2);
	/* The same PRG index again after the reset: a new group. */
	dev_req(t, 0, IOVA + 4 * MB, true, true, 1);
	fault_router_guest_response(t->fr, GUEST_RID, true, GUEST_PASID0, 1,
				    VTD_PRG_RESP_SUCCESS);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][1], 2);
	KUNIT_EXPECT_EQ(test, t->fake.last_code, VTD_PRG_RESP_SUCCESS);
	rt_fini(t);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 3);
}

static void pasid_gone_answers_only_its_groups(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);

	t->mode = G_HOLD;
	dev_req(t, 0, IOVA + 4 * MB, true, true, 1);
	dev_req(t, 0, IOVA + 4 * MB, true, true, 2);
	dev_req(t, 1, IOVA + 4 * MB, true, true, 1);
	KUNIT_EXPECT_EQ(test, fault_router_pasid_gone(t->fr, PHYS_PASID0), 2);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][1], 1);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][2], 1);
	KUNIT_EXPECT_EQ(test, t->fake.count[1][1], 0);
	KUNIT_EXPECT_EQ(test, fault_router_outstanding(t->fr), 1);
	rt_fini(t);
	KUNIT_EXPECT_EQ(test, t->fake.count[1][1], 1);
}

/* ---------------------------------------------------------------- */
/* Bad guest responses                                              */
/* ---------------------------------------------------------------- */
static void guest_response_unknown_group_dropped(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);

	fault_router_guest_response(t->fr, GUEST_RID, true, GUEST_PASID0, 77,
				    VTD_PRG_RESP_SUCCESS);
	fault_router_guest_response(t->fr, GUEST_RID, true, 0xfffff, 1,
				    VTD_PRG_RESP_SUCCESS);
	fault_router_guest_response(t->fr, GUEST_RID, false, 0, 1,
				    VTD_PRG_RESP_INVALID);
	KUNIT_EXPECT_EQ(test, ST(t)->guest_unknown, 3);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 0);
	rt_fini(t);
}

static void guest_double_response_dropped(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);

	t->mode = G_HOLD;
	dev_req(t, 0, IOVA + 4 * MB, true, true, 1);
	for (int i = 0; i < 3; i++)
		fault_router_guest_response(t->fr, GUEST_RID, true,
					    GUEST_PASID0, 1,
					    VTD_PRG_RESP_SUCCESS);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][1], 1);
	KUNIT_EXPECT_EQ(test, ST(t)->guest_unknown, 2);
	rt_fini(t);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 1);
}

static void guest_response_wrong_rid_dropped(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);

	t->mode = G_HOLD;
	dev_req(t, 0, IOVA + 4 * MB, true, true, 1);
	/* The physical RID is not the guest's name for the PF. */
	fault_router_guest_response(t->fr, PHYS_RID, true, GUEST_PASID0, 1,
				    VTD_PRG_RESP_SUCCESS);
	/* The physical PASID is not the guest's either. */
	fault_router_guest_response(t->fr, GUEST_RID, true, PHYS_PASID0, 1,
				    VTD_PRG_RESP_SUCCESS);
	KUNIT_EXPECT_EQ(test, ST(t)->guest_bad_rid, 1);
	KUNIT_EXPECT_EQ(test, ST(t)->guest_unknown, 1);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 0);
	rt_fini(t);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 1);	/* teardown */
}

static void guest_reserved_code_sent_as_invalid(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);

	t->mode = G_HOLD;
	dev_req(t, 0, IOVA + 4 * MB, true, true, 1);
	fault_router_guest_response(t->fr, GUEST_RID, true, GUEST_PASID0, 1,
				    0x5);
	KUNIT_EXPECT_EQ(test, ST(t)->guest_bad_code, 1);
	KUNIT_EXPECT_EQ(test, t->fake.last_code, VTD_PRG_RESP_INVALID);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][1], 1);
	rt_fini(t);
}

/* ---------------------------------------------------------------- */
/* Multi-page groups, PRG reuse, stop markers                       */
/* ---------------------------------------------------------------- */
static void multi_page_group_to_guest(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);

	t->mode = G_HOLD;
	dev_req(t, 0, IOVA + 4 * MB, true, false, 9);
	dev_req(t, 0, IOVA + 4 * MB + 4096, true, false, 9);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 0);
	dev_req(t, 0, IOVA + 4 * MB + 8192, true, true, 9);
	KUNIT_EXPECT_EQ(test, t->injected, 3);
	KUNIT_EXPECT_EQ(test, ST(t)->groups_tracked, 1);
	KUNIT_EXPECT_EQ(test, ST(t)->partial_requests, 2);
	KUNIT_EXPECT_EQ(test, fault_router_outstanding(t->fr), 1);
	fault_router_guest_response(t->fr, GUEST_RID, true, GUEST_PASID0, 9,
				    VTD_PRG_RESP_SUCCESS);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][9], 1);
	rt_fini(t);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 1);
}

static void multi_page_group_host_only(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);

	for (int i = 0; i < 3; i++)
		fs_map(t, IOVA + 8 * MB + i * 4096ULL, 8 * MB + i * 4096ULL,
		       PTE_TBL);
	dev_req(t, 0, IOVA + 8 * MB, true, false, 4);
	dev_req(t, 0, IOVA + 8 * MB + 4096, true, false, 4);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 0);
	dev_req(t, 0, IOVA + 8 * MB + 8192, true, true, 4);
	KUNIT_EXPECT_EQ(test, ST(t)->ss_populated, 3);
	KUNIT_EXPECT_EQ(test, t->injected, 0);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][4], 1);
	rt_fini(t);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 1);
}

/* First page the guest's, last page the host's: the guest answers all. */
static void multi_page_group_mixed(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);

	t->mode = G_HOLD;
	fs_map(t, IOVA + 8 * MB, 8 * MB, PTE_TBL);
	dev_req(t, 0, IOVA + 4 * MB, true, false, 6);
	dev_req(t, 0, IOVA + 8 * MB, true, true, 6);
	KUNIT_EXPECT_EQ(test, ST(t)->ss_populated, 1);
	KUNIT_EXPECT_EQ(test, t->injected, 2);
	KUNIT_EXPECT_TRUE(test, t->last_inj.lpig);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 0);
	fault_router_guest_response(t->fr, GUEST_RID, true, GUEST_PASID0, 6,
				    VTD_PRG_RESP_SUCCESS);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][6], 1);
	rt_fini(t);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 1);
}

static void prg_reuse_while_outstanding_dropped(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);

	t->mode = G_HOLD;
	dev_req(t, 0, IOVA + 4 * MB, true, true, 3);
	dev_req(t, 0, IOVA + 4 * MB + 4096, true, true, 3);
	KUNIT_EXPECT_EQ(test, ST(t)->prg_reuse, 1);
	KUNIT_EXPECT_EQ(test, t->injected, 1);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 0);
	rt_fini(t);
	KUNIT_EXPECT_EQ(test, t->fake.count[0][3], 1);
}

static void stop_marker_owes_nothing(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);
	struct piommu_page_req r = {
		.rid = PHYS_RID, .pasid_present = true, .pasid = PHYS_PASID0,
		.lpig = true, .prg_index = 2,
	};

	t->fake.h.page_request(t->fake.h.ctx, &r);
	r.pasid = PHYS_PASID0 + NPASID - 1;	/* unknown owner too */
	t->fake.h.page_request(t->fake.h.ctx, &r);
	KUNIT_EXPECT_EQ(test, ST(t)->stop_markers, 1);
	KUNIT_EXPECT_EQ(test, t->stop_injected, 1);
	KUNIT_EXPECT_EQ(test, fault_router_outstanding(t->fr), 0);
	rt_fini(t);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 0);
}

/* ---------------------------------------------------------------- */
/* Fault records                                                    */
/* ---------------------------------------------------------------- */
struct fault_case {
	const char *name;
	u8 reason;
	u32 pasid_idx;
	bool write;
	u64 addr;
	bool to_guest;
};

static const struct fault_case fault_cases[] = {
	{ "fs-not-present", VTD_FR_SM_FS_NOT_PRESENT, 0, false, IOVA + 4 * MB, true },
	{ "fs-rsvd", VTD_FR_SM_FS_RSVD, 0, false, IOVA, true },
	{ "user-supervisor", VTD_FR_SM_US, 1, false, IOVA, true },
	{ "no-write-fs-readonly", VTD_FR_SM_NO_WRITE, 0, true, IOVA + 3 * MB, true },
	{ "no-write-fs-writable", VTD_FR_SM_NO_WRITE, 0, true, IOVA, false },
	{ "ss-not-present", VTD_FR_SM_SS_NOT_PRESENT, 0, false, IOVA, false },
	{ "nested-read", VTD_FR_SM_FS_NESTED_READ, 0, false, IOVA, false },
	{ "pasid-not-present", VTD_FR_SM_PASID_NOT_PRESENT, 0, false, IOVA, false },
	{ "unknown-pasid", VTD_FR_SM_FS_NOT_PRESENT, NPASID - 1, false, IOVA, false },
};

static void fault_case_desc(const struct fault_case *c, char *desc)
{
	strcpy(desc, c->name);
}

KUNIT_ARRAY_PARAM(fault_case, fault_cases, fault_case_desc);

static void fault_record_routing(struct kunit *test)
{
	const struct fault_case *c = test->param_value;
	struct rt *t = rt_unit(test, 0, 0);
	struct piommu_fault f = {
		.sid = PHYS_RID, .pasid_present = true,
		.pasid = PHYS_PASID0 + c->pasid_idx, .addr = c->addr,
		.reason = c->reason, .write = c->write,
	};

	fs_map(t, IOVA + 3 * MB, 0x3000, PTE_RO);
	t->fake.h.fault(t->fake.h.ctx, &f);
	KUNIT_EXPECT_EQ(test, ST(t)->faults, 1);
	KUNIT_EXPECT_EQ(test, t->faults_recorded, c->to_guest ? 1u : 0u);
	KUNIT_EXPECT_EQ(test, ST(t)->faults_host, c->to_guest ? 0ull : 1ull);
	if (c->to_guest) {
		KUNIT_EXPECT_EQ(test, t->last_fault.sid, GUEST_RID);
		KUNIT_EXPECT_EQ(test, t->last_fault.pasid,
				GUEST_PASID0 + c->pasid_idx);
		KUNIT_EXPECT_EQ(test, t->last_fault.reason, c->reason);
		KUNIT_EXPECT_EQ(test, t->last_fault.addr, c->addr);
	}
	rt_fini(t);
}

/* Two VMs' PFs on one piommu: dispatched by RID, each its own router. */
static void two_routers_share_a_piommu(struct kunit *test)
{
	struct rt *t = rt_unit(test, 0, 0);
	struct fault_router_hub_stats hs;
	struct fault_router_cfg c;
	struct fault_router *fr2;
	struct piommu_page_req r = {
		.rid = 0x0300, .pasid_present = true, .pasid = PHYS_PASID0,
		.addr = IOVA + 4 * MB, .w = true, .lpig = true, .prg_index = 1,
	};

	rt_cfg(t, &c, PHYS_RID, &t->fake.pi);
	KUNIT_EXPECT_NULL(test, fault_router_create(&c));	/* same RID */
	rt_cfg(t, &c, 0x0300, &t->fake.pi);
	fr2 = fault_router_create(&c);
	KUNIT_ASSERT_NOT_NULL(test, fr2);
	t->mode = G_HOLD;
	t->fake.h.page_request(t->fake.h.ctx, &r);
	KUNIT_EXPECT_EQ(test, fault_router_stats(fr2)->requests, 1);
	KUNIT_EXPECT_EQ(test, ST(t)->requests, 0);
	KUNIT_ASSERT_EQ(test, fault_router_hub_stats(&t->fake.pi, &hs), 0);
	KUNIT_EXPECT_EQ(test, hs.routers, 2);
	fault_router_destroy(fr2);
	KUNIT_EXPECT_EQ(test, t->fake.responses, 1);	/* fr2's teardown */
	KUNIT_EXPECT_EQ(test, t->fake.last_rid, 0x0300);
	KUNIT_EXPECT_NOT_NULL(test, t->fake.h.page_request);
	rt_fini(t);
}

/* ---------------------------------------------------------------- */
/* The storm                                                        */
/* ---------------------------------------------------------------- */
#define STORM_SENDS	3000

/*
 * The device: a PRG index is free again only once its group is answered
 * (PCIe PRI), so "exactly once" is checked response by response.
 */
struct storm {
	struct rt *t;
	u8 busy[NPASID][512];
	u32 groups, requests, answered, unexpected, skipped;
};

static void storm_resp(void *ctx, u32 idx, u16 prgi, u8 code)
{
	struct storm *st = ctx;

	if (idx >= NPASID || !st->busy[idx][prgi]) {
		st->unexpected++;
		return;
	}
	st->busy[idx][prgi] = 0;
	st->answered++;
}

static void storm_send(struct sim *s, void *arg)
{
	struct storm *st = arg;
	struct rt *t = st->t;
	u32 idx = (u32)sim_rand_below(s, NPASID);
	u32 start = (u32)sim_rand_below(s, 512), npages;
	u16 prgi = 0;
	u32 i;

	for (i = 0; i < 512; i++) {
		prgi = (u16)((start + i) & 511);
		if (!st->busy[idx][prgi])
			break;
	}
	if (i == 512) {
		st->skipped++;
		return;
	}
	st->busy[idx][prgi] = 1;
	st->groups++;
	/* One group in four spans several pages (LPIG on the last). */
	npages = sim_rand_below(s, 4) ? 1 : 2 + (u32)sim_rand_below(s, 3);
	for (u32 n = 0; n < npages; n++) {
		u64 page = sim_rand_below(s, 128);
		/* Pages 0..63: guest-mapped, host-unbacked; else not mapped. */
		u64 addr = page < 64 ? IOVA + 8 * MB + page * 4096 :
				       IOVA + 4 * MB + page * 4096;

		st->requests++;
		dev_req(t, idx, addr, true, n == npages - 1, prgi);
	}
}

static void page_request_storm(struct kunit *test)
{
	struct rt *t = rt_unit(test, 96, 30000);
	struct storm *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	u32 still_busy = 0;

	KUNIT_ASSERT_NOT_NULL(test, st);
	st->t = t;
	t->fake.on_resp = storm_resp;
	t->fake.on_resp_ctx = st;
	t->mode = G_RANDOM;
	for (u64 g = 0; g < 64; g++)
		fs_map(t, IOVA + 8 * MB + g * 4096, 8 * MB + g * 4096, PTE_TBL);
	for (u32 n = 0; n < STORM_SENDS; n++)
		sim_schedule(t->s, n * 20 + sim_rand_below(t->s, 4000),
			     storm_send, st);
	sim_run(t->s, 0);
	for (u32 i = 0; i < NPASID; i++)
		for (u32 p = 0; p < 512; p++)
			still_busy += st->busy[i][p];
	/* Every group answered exactly once, whatever path it took. */
	KUNIT_EXPECT_EQ(test, st->unexpected, 0);
	KUNIT_EXPECT_EQ(test, still_busy, 0);
	KUNIT_EXPECT_EQ(test, st->answered, st->groups);
	KUNIT_EXPECT_GT(test, st->requests, STORM_SENDS);
	KUNIT_EXPECT_EQ(test, ST(t)->requests, st->requests);
	KUNIT_EXPECT_EQ(test, fault_router_responses(t->fr), st->groups);
	KUNIT_EXPECT_EQ(test, ST(t)->prg_reuse, 0);
	/* No leak, bounded: nothing outstanding, the limit held. */
	KUNIT_EXPECT_EQ(test, fault_router_outstanding(t->fr), 0);
	KUNIT_EXPECT_LE(test, ST(t)->peak_outstanding, 96);
	/* Every path was taken. */
	KUNIT_EXPECT_GT(test, ST(t)->timeouts, 0);
	KUNIT_EXPECT_GT(test, ST(t)->overflows, 0);
	KUNIT_EXPECT_GT(test, ST(t)->by_class[FR_CLASS_SS], 0);
	KUNIT_EXPECT_GT(test, ST(t)->by_class[FR_CLASS_STALE], 0);
	KUNIT_EXPECT_GT(test, ST(t)->by_class[FR_CLASS_UNKNOWN], 0);
	KUNIT_EXPECT_GT(test, t->answered_by_guest, 0);
	rt_fini(t);
	KUNIT_EXPECT_EQ(test, st->unexpected, 0);
}

/* ---------------------------------------------------------------- */
/* End to end on the simulated platform                             */
/* ---------------------------------------------------------------- */
#define E2E_PASID_IDX	0
#define CR_GPA		0x1f0000ULL

static struct rt *rt_platform(struct kunit *test, u64 timeout)
{
	struct rt *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct sim_platform_cfg pc;
	struct hostdrv_dev_info di;
	struct piommu_fs_cfg fs = { .levels = 4, .sre = true };
	struct fault_router_cfg c;

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->test = test;
	t->platform = true;
	sim_platform_default_cfg(&pc);
	pc.vm.lazy = true;
	KUNIT_ASSERT_EQ(test, sim_platform_init(&t->p, &pc), 0);
	t->s = &t->p.s;
	t->vm = t->p.vm;
	guest_tables(t);
	fs.root = t->root;
	KUNIT_ASSERT_EQ(test, t->p.pi->ops->set_nested(t->p.pi, t->p.rid,
						       PHYS_PASID0, DID, &fs,
						       t->vm), 0);
	KUNIT_ASSERT_EQ(test, hostdrv_dev_info(t->p.hd, t->p.rid, &di), 0);
	rt_cfg(t, &c, t->p.rid, t->p.pi);
	c.rid_pasid = di.rid_pasid;
	if (timeout)
		c.limits.response_timeout_ns = timeout;
	t->fr = fault_router_create(&c);
	KUNIT_ASSERT_NOT_NULL(test, t->fr);
	KUNIT_ASSERT_EQ(test, sim_platform_wq_enable(&t->p, 0, true,
						     PHYS_PASID0, true), 0);
	return t;
}

static struct siov_cr e2e_fill(struct rt *t, u64 dst_iova, u64 pattern,
			       u32 len)
{
	struct siov_cr cr = { { 0 } };
	struct siov_desc d;

	sim_mem_write(t->s->mem, sim_vm_id(t->vm), CR_GPA, &cr, sizeof(cr));
	siov_desc_init(&d, SIOV_OP_FILL,
		       SIOV_F_BOF | SIOV_F_CRAV | SIOV_F_RCR);
	siov_desc_set_cr_addr(&d, IOVA + CR_GPA);
	siov_desc_set_pattern(&d, pattern);
	siov_desc_set_dst(&d, dst_iova);
	siov_desc_set_xfer_size(&d, len);
	KUNIT_EXPECT_EQ(t->test, sim_platform_submit(&t->p, 0, &d), 0);
	KUNIT_EXPECT_TRUE(t->test, sim_platform_run_idle(&t->p, 2000000));
	sim_mem_read(t->s->mem, sim_vm_id(t->vm), CR_GPA, &cr, sizeof(cr));
	return cr;
}

static bool gpa_filled(struct rt *t, u64 gpa, u64 pattern, u32 len)
{
	for (u32 i = 0; i < len; i += 8) {
		u64 v = 0;

		if (sim_mem_read(t->s->mem, sim_vm_id(t->vm), gpa + i, &v, 8) ||
		    v != pattern)
			return false;
	}
	return true;
}

static void e2e_fs_fault_guest_round_trip(struct kunit *test)
{
	struct rt *t = rt_platform(test, 0);
	const u64 pat = 0x1122334455667788ULL;
	struct siov_cr cr;

	t->mode = G_ANSWER;
	t->delay = 2000;
	/* GPA 0x100000 is populated; IOVA + that is not in the guest FS. */
	fs_map(t, IOVA + 0x100000, 0, 0);
	cr = e2e_fill(t, IOVA + 0x100000, pat, 4096);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, gpa_filled(t, 0x100000, pat, 4096));
	KUNIT_EXPECT_EQ(test, t->injected, 1);
	KUNIT_EXPECT_EQ(test, t->last_inj.rid, GUEST_RID);
	KUNIT_EXPECT_EQ(test, t->last_inj.pasid, GUEST_PASID0);
	KUNIT_EXPECT_EQ(test, ST(t)->by_class[FR_CLASS_FS], 1);
	KUNIT_EXPECT_EQ(test, ST(t)->responses[VTD_PRG_RESP_SUCCESS], 1);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(t->p.pf)->page_responses, 1);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(t->p.pf)->prs_retries, 1);
	KUNIT_EXPECT_EQ(test, siov_pf_prg_outstanding(t->p.pf), 0);
	KUNIT_EXPECT_EQ(test, t->s->oracle_violations, 0);
	rt_fini(t);
}

static void e2e_ss_fault_host_only(struct kunit *test)
{
	struct rt *t = rt_platform(test, 0);
	const u64 pat = 0xa5a5a5a55a5a5a5aULL;
	struct siov_cr cr;

	/* The guest maps IOVA -> GPA 6 MiB, which the host never backed. */
	fs_map(t, IOVA + 6 * MB, 6 * MB, PTE_TBL);
	fs_map(t, IOVA + 6 * MB + 4096, 6 * MB + 4096, PTE_TBL);
	cr = e2e_fill(t, IOVA + 6 * MB, pat, 8192);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, gpa_filled(t, 6 * MB, pat, 8192));
	KUNIT_EXPECT_EQ(test, t->injected, 0);
	KUNIT_EXPECT_EQ(test, ST(t)->by_class[FR_CLASS_SS], 2);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(t->p.pf)->page_responses, 2);
	KUNIT_EXPECT_EQ(test, t->s->oracle_violations, 0);
	rt_fini(t);
}

static void e2e_unknown_pasid_invalid(struct kunit *test)
{
	struct rt *t = rt_platform(test, 0);
	struct piommu_fs_cfg fs = { .levels = 4, .sre = true, .root = TBL_GPA };
	u32 other = PHYS_PASID0 + NPASID - 1;
	struct siov_cr cr;

	/* Physically present, but the VM's shadow does not know it. */
	KUNIT_ASSERT_EQ(test, sim_platform_wq_disable(&t->p, 0), 0);
	KUNIT_ASSERT_EQ(test, t->p.pi->ops->set_nested(t->p.pi, t->p.rid,
						       other, DID + 1, &fs,
						       t->vm), 0);
	KUNIT_ASSERT_EQ(test, sim_platform_wq_enable(&t->p, 0, true, other,
						     true), 0);
	cr = e2e_fill(t, IOVA + 4 * MB, 1, 64);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_PRS_INVALID);
	KUNIT_EXPECT_EQ(test, ST(t)->by_class[FR_CLASS_UNKNOWN], 1);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(t->p.pf)->page_responses, 1);
	KUNIT_EXPECT_EQ(test, t->injected, 0);
	rt_fini(t);
}

static void e2e_timeout_invalid(struct kunit *test)
{
	struct rt *t = rt_platform(test, 200000);
	struct siov_cr cr;

	t->mode = G_HOLD;	/* the guest never answers */
	cr = e2e_fill(t, IOVA + 4 * MB, 1, 64);
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_PRS_INVALID);
	KUNIT_EXPECT_EQ(test, ST(t)->timeouts, 1);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(t->p.pf)->page_responses, 1);
	KUNIT_EXPECT_EQ(test, siov_pf_prg_outstanding(t->p.pf), 0);
	KUNIT_EXPECT_GE(test, t->s->now, 200000);
	rt_fini(t);
}

static bool pf_parked(void *ctx)
{
	struct rt *t = ctx;

	return t->injected > 0;
}

/* VM destroy with a request in flight: the parked descriptor ends. */
static void e2e_teardown_in_flight(struct kunit *test)
{
	struct rt *t = rt_platform(test, 0);
	struct siov_cr cr = { { 0 } };
	struct siov_desc d;

	t->mode = G_HOLD;
	siov_desc_init(&d, SIOV_OP_FILL, SIOV_F_BOF | SIOV_F_CRAV | SIOV_F_RCR);
	siov_desc_set_cr_addr(&d, IOVA + CR_GPA);
	siov_desc_set_pattern(&d, 7);
	siov_desc_set_dst(&d, IOVA + 4 * MB);
	siov_desc_set_xfer_size(&d, 64);
	sim_mem_write(t->s->mem, sim_vm_id(t->vm), CR_GPA, &cr, sizeof(cr));
	KUNIT_ASSERT_EQ(test, sim_platform_submit(&t->p, 0, &d), 0);
	KUNIT_ASSERT_TRUE(test, hostdrv_run_until(t->p.hd, pf_parked, t,
						  1000000));
	KUNIT_EXPECT_EQ(test, siov_pf_prg_outstanding(t->p.pf), 1);
	fault_router_destroy(t->fr);
	t->fr = NULL;
	KUNIT_EXPECT_TRUE(test, sim_platform_run_idle(&t->p, 1000000));
	sim_mem_read(t->s->mem, sim_vm_id(t->vm), CR_GPA, &cr, sizeof(cr));
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_PRS_INVALID);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(t->p.pf)->page_responses, 1);
	KUNIT_EXPECT_EQ(test, siov_pf_prg_outstanding(t->p.pf), 0);
	rt_fini(t);
}

/* The router on the real shadow engine and vIOMMU: nothing shadowed yet. */
static void e2e_shadow_binding_unknown_owner(struct kunit *test)
{
	struct sim_platform_cfg pc;
	struct sim_platform *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct hostdrv_dev_info di;
	struct shadow_cfg sc;
	struct fault_router *fr;
	struct shadow *sh;
	struct siov_cr cr = { { 0 } };
	struct siov_desc d;

	KUNIT_ASSERT_NOT_NULL(test, p);
	sim_platform_default_cfg(&pc);
	KUNIT_ASSERT_EQ(test, sim_platform_init(p, &pc), 0);
	memset(&sc, 0, sizeof(sc));
	sc.s = &p->s;
	sc.vm = p->vm;
	sc.piommu = p->pi;
	sc.phys_rid = p->rid;
	sc.guest_rid = GUEST_RID;
	viommu_default_policy(&sc.policy);
	sh = shadow_create(&sc);
	KUNIT_ASSERT_NOT_NULL(test, sh);
	KUNIT_ASSERT_EQ(test, hostdrv_dev_info(p->hd, p->rid, &di), 0);
	fr = fault_router_create_shadow(sh, &p->s, di.rid_pasid, NULL);
	KUNIT_ASSERT_NOT_NULL(test, fr);
	/* A PASID the host programmed but the guest never asked for. */
	KUNIT_ASSERT_EQ(test, p->pi->ops->set_ss(p->pi, p->rid, PHYS_PASID0,
						 DID, p->vm), 0);
	KUNIT_ASSERT_EQ(test, sim_platform_wq_enable(p, 0, true, PHYS_PASID0,
						     true), 0);
	KUNIT_ASSERT_EQ(test, sim_vm_unpopulate(p->vm, 4 * MB), 0);
	siov_desc_init(&d, SIOV_OP_FILL, SIOV_F_BOF | SIOV_F_CRAV | SIOV_F_RCR);
	siov_desc_set_cr_addr(&d, CR_GPA);
	siov_desc_set_pattern(&d, 3);
	siov_desc_set_dst(&d, 4 * MB);
	siov_desc_set_xfer_size(&d, 64);
	sim_mem_write(p->s.mem, sim_vm_id(p->vm), CR_GPA, &cr, sizeof(cr));
	KUNIT_ASSERT_EQ(test, sim_platform_submit(p, 0, &d), 0);
	KUNIT_EXPECT_TRUE(test, sim_platform_run_idle(p, 1000000));
	sim_mem_read(p->s.mem, sim_vm_id(p->vm), CR_GPA, &cr, sizeof(cr));
	KUNIT_EXPECT_EQ(test, siov_cr_status(&cr), SIOV_CS_PRS_INVALID);
	KUNIT_EXPECT_EQ(test, fault_router_stats(fr)->by_class[FR_CLASS_UNKNOWN],
			1);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(p->pf)->page_responses, 1);
	/* A stray guest response through the shadow's sink is dropped. */
	{
		struct viommu_hooks h;

		shadow_hooks(sh, &h);
		h.page_response(h.ctx, GUEST_RID, true, PHYS_PASID0, 0,
				VTD_PRG_RESP_SUCCESS);
		KUNIT_EXPECT_EQ(test, fault_router_stats(fr)->guest_unknown, 1);
	}
	fault_router_destroy(fr);
	shadow_destroy(sh);
	sim_platform_fini(p);
}

static struct kunit_case fault_router_cases[] = {
	KUNIT_CASE(fs_not_present_goes_to_guest),
	KUNIT_CASE(fs_write_to_readonly_goes_to_guest),
	KUNIT_CASE(ss_fault_resolved_by_host),
	KUNIT_CASE(ss_fault_on_guest_table_page),
	KUNIT_CASE(stale_request_answered_success),
	KUNIT_CASE(unknown_pasid_invalid_at_once),
	KUNIT_CASE(unknown_rid_invalid_by_hub),
	KUNIT_CASE(no_pasid_request_in_vm_second_stage),
	KUNIT_CASE(guest_pass_through_pasid_is_second_stage),
	KUNIT_CASE(fs_leaf_outside_ram_invalid),
	KUNIT_CASE(overflow_answers_success_once),
	KUNIT_CASE(vprq_full_answers_success_once),
	KUNIT_CASE(guest_refusal_answers_invalid_once),
	KUNIT_CASE(timeout_answers_invalid_once),
	KUNIT_CASE(timer_gone_when_all_answered),
	KUNIT_CASE(timer_kept_for_the_rest),
	KUNIT_CASE(destroy_answers_outstanding_once),
	KUNIT_CASE(guest_reset_answers_and_router_lives_on),
	KUNIT_CASE(pasid_gone_answers_only_its_groups),
	KUNIT_CASE(guest_response_unknown_group_dropped),
	KUNIT_CASE(guest_double_response_dropped),
	KUNIT_CASE(guest_response_wrong_rid_dropped),
	KUNIT_CASE(guest_reserved_code_sent_as_invalid),
	KUNIT_CASE(multi_page_group_to_guest),
	KUNIT_CASE(multi_page_group_host_only),
	KUNIT_CASE(multi_page_group_mixed),
	KUNIT_CASE(prg_reuse_while_outstanding_dropped),
	KUNIT_CASE(stop_marker_owes_nothing),
	KUNIT_CASE_PARAM(fault_record_routing, fault_case_gen_params),
	KUNIT_CASE(two_routers_share_a_piommu),
	KUNIT_CASE(page_request_storm),
	KUNIT_CASE(e2e_fs_fault_guest_round_trip),
	KUNIT_CASE(e2e_ss_fault_host_only),
	KUNIT_CASE(e2e_unknown_pasid_invalid),
	KUNIT_CASE(e2e_timeout_invalid),
	KUNIT_CASE(e2e_teardown_in_flight),
	KUNIT_CASE(e2e_shadow_binding_unknown_owner),
	{}
};

static struct kunit_suite fault_router_suite = {
	.name = "host-fault-router",
	.test_cases = fault_router_cases,
};

kunit_test_suites(&fault_router_suite);
