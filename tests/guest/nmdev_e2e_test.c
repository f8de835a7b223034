// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end tests of DESIGN.md's five flows through the real nmdev
 * sources (guest/nmdev*.c) on the simulated Linux 6.12 L1 kernel: the
 * nested machine of guest/sim/l1.h (host, vIOMMU, shadow engine, fault
 * router, L1 with nmdev loaded) and L2 VMs with their own driver for the
 * nested mdev (guest/sim/l2.h).  Every case runs with the isolation
 * oracle fatal and ends with it untouched; the teardown cases check that
 * the host keeps nothing of the VM's nested mdevs (l1_host_residue).
 */
#include <kunit/test.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pci_regs.h>

#include "../../guest/sim/l2.h"

#define NT_TYPE_DIR	"/sys/class/mdev_bus/" L1_PF_NAME \
			"/mdev_supported_types/" L1_MDEV_TYPE
#define NT_L2_RAM	(4 * L1_MB)
#define NT_MAX_VMS	4

static const char *const uuid[] = {
	"0c6f1d2e-4b1a-4c8e-9f10-000000000001",
	"0c6f1d2e-4b1a-4c8e-9f10-000000000002",
	"0c6f1d2e-4b1a-4c8e-9f10-000000000003",
	"0c6f1d2e-4b1a-4c8e-9f10-000000000004",
};

struct nt {
	struct kunit *test;
	struct l1 m;
	struct l2_vm *vm[NT_MAX_VMS];
};

/* ---- fixture ------------------------------------------------------------ */

static struct nt *nt_boot(struct kunit *test, const struct l1_cfg *cfg)
{
	struct nt *t = calloc(1, sizeof(*t));

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->test = test;
	test->priv = t;
	KUNIT_ASSERT_EQ(test, l1_boot(&t->m, cfg), 0);
	t->m.p.s.oracle_fatal = true;
	KUNIT_ASSERT_TRUE(test, lk_pci_bound(t->m.pdev));
	return t;
}

static struct l2_vm *nt_vm(struct nt *t, u32 i)
{
	t->vm[i] = l2_vm_create(&t->m, "l2", NT_L2_RAM);
	KUNIT_ASSERT_NOT_NULL(t->test, t->vm[i]);
	return t->vm[i];
}

static void nt_vm_destroy(struct nt *t, u32 i)
{
	l2_vm_destroy(t->vm[i]);
	t->vm[i] = NULL;
}

static void nt_free(struct nt *t)
{
	for (u32 i = 0; i < NT_MAX_VMS; i++)
		nt_vm_destroy(t, i);
	l1_shutdown(&t->m);
	free(t);
}

/* The isolation oracle saw nothing, and the machine goes. */
static void nt_done(struct nt *t)
{
	struct kunit *test = t->test;

	KUNIT_EXPECT_EQ(test, t->m.p.s.oracle_violations, 0);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(t->m.p.pf)->oracle_violations, 0);
	test->priv = NULL;
	nt_free(t);
}

/* A clean end: nothing leaked by the L1 kernel either. */
static void nt_done_clean(struct nt *t)
{
	struct kunit *test = t->test;

	nt_done(t);
	KUNIT_EXPECT_EQ(test, lk_stats()->leaks, 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->lock_errors, 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->unmap_pin_leaks, 0);
}

static void nt_exit(struct kunit *test)
{
	if (test->priv)
		nt_free(test->priv);
	test->priv = NULL;
}

static void nt_create(struct nt *t, const char *id)
{
	KUNIT_ASSERT_EQ(t->test, l1_mdev_create(&t->m, id), 0);
}

static struct l2_dev *nt_attach(struct nt *t, struct l2_vm *vm,
				const char *id, bool bof)
{
	struct l2_dev *d = NULL;

	KUNIT_ASSERT_EQ(t->test, l2_dev_attach(vm, id, bof, &d), 0);
	KUNIT_ASSERT_NOT_NULL(t->test, d);
	return d;
}

/* MEMMOVE of @len bytes between fresh buffers; the data checked in L2. */
static void nt_copy(struct nt *t, struct l2_dev *d, u32 len, u8 seed)
{
	struct kunit *test = t->test;
	struct l2_vm *vm = d->vm;
	u64 src = l2_alloc(vm, len), dst = l2_alloc(vm, len);
	u64 cr = l2_alloc(vm, SIOV_CR_SIZE);

	KUNIT_ASSERT_TRUE(test, src && dst && cr);
	KUNIT_ASSERT_EQ(test, l2_fill(vm, src, len, seed), 0);
	KUNIT_ASSERT_EQ(test, l2_fill(vm, dst, len, (u8)~seed), 0);
	KUNIT_EXPECT_EQ(test, l2_memmove(d, src, dst, len, cr),
			SIOV_CS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, l2_check(vm, dst, len, seed));
}

/* The PGTT of the physical PASID entry (identity namespace). */
static u8 nt_phys_pgtt(struct nt *t, u32 pasid)
{
	struct vtd_pasid_entry pe = { { 0 } };

	KUNIT_EXPECT_EQ(t->test, hostdrv_read_pasid_entry(t->m.p.hd, t->m.p.rid,
							  pasid, &pe, NULL), 0);
	return (pe.val[0] & 1) ? vtd_pe_pgtt(&pe) : 0;
}

static void nt_sysfs_str(struct nt *t, const char *path, char *buf,
			 size_t len)
{
	ssize_t n = lk_sysfs_read(path, buf, len - 1);

	KUNIT_ASSERT_GT(t->test, n, 0);
	buf[n] = 0;
}

/* ---- flow 1: boot, load, create --------------------------------------------- */

/* modprobe nmdev on the booted L1: the PF is probed, one mdev type. */
static void nt_boot_load(struct kunit *test)
{
	struct nt *t = nt_boot(test, NULL);
	char buf[256];

	KUNIT_EXPECT_STREQ(test, lk_pci_name(t->m.pdev), L1_PF_NAME);
	KUNIT_EXPECT_EQ(test, lk_sysfs_list("/sys/class/mdev_bus/" L1_PF_NAME
					    "/mdev_supported_types", buf,
					    sizeof(buf)), 1);
	KUNIT_EXPECT_STREQ(test, buf, L1_MDEV_TYPE);
	/* Every WQ backs an mdev (beyond the vectors they share one). */
	KUNIT_EXPECT_EQ(test, l1_mdev_available(&t->m), SIOV_DEFAULT_WQS);
	nt_sysfs_str(t, NT_TYPE_DIR "/device_api", buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "vfio-pci\n");
	nt_sysfs_str(t, NT_TYPE_DIR "/description", buf, sizeof(buf));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "pasid"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "IOPF on"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(lk_dmesg(), "mode pasid"));
	/* The PF behind the L1 IOMMU with PASIDs, and nothing on the host. */
	KUNIT_EXPECT_GT(test, t->m.gdev->max_pasids, 1);
	KUNIT_EXPECT_TRUE(test, t->m.gdev->pri_enabled);
	KUNIT_EXPECT_EQ(test, l1_host_residue(&t->m), 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, 0);
	nt_done_clean(t);
}

/*
 * nmdev.mode=pasid on a PF the vIOMMU gives no PASIDs: the parent is
 * there, with nothing to offer, and a create is refused cleanly.
 */
static void nt_pasid_mode_without_pasids(struct kunit *test)
{
	struct nt *t = nt_boot(test, &(struct l1_cfg){ .no_pasid = true,
						       .nmdev_mode = "pasid" });

	KUNIT_EXPECT_EQ(test, t->m.gdev->max_pasids, 0);
	KUNIT_EXPECT_EQ(test, l1_mdev_available(&t->m), 0);
	KUNIT_EXPECT_LT(test, l1_mdev_create(&t->m, uuid[0]), 0);
	KUNIT_EXPECT_EQ(test, l1_host_residue(&t->m), 0);
	nt_done_clean(t);
}

/* rmmod and modprobe again: the parent comes back with every WQ free. */
static void nt_reload(struct kunit *test)
{
	struct nt *t = nt_boot(test, NULL);

	nt_create(t, uuid[0]);
	l1_nmdev_unload(&t->m);
	KUNIT_EXPECT_LT(test, l1_mdev_available(&t->m), 0);
	KUNIT_ASSERT_EQ(test, l1_nmdev_load(&t->m), 0);
	KUNIT_EXPECT_EQ(test, l1_mdev_available(&t->m), SIOV_DEFAULT_WQS);
	nt_create(t, uuid[0]);
	KUNIT_EXPECT_EQ(test, l1_mdev_remove(&t->m, uuid[0]), 0);
	KUNIT_EXPECT_EQ(test, l1_host_residue(&t->m), 0);
	nt_done_clean(t);
}

/* Orders in which four mdevs go, with re-creates in between. */
struct nt_order {
	const char *name;
	int ops[12];	/* i + 1: create uuid[i]; -(i + 1): remove it; 0 end */
};

static const struct nt_order nt_orders[] = {
	{ "fifo", .ops = { 1, 2, 3, 4, -1, -2, -3, -4 } },
	{ "lifo", .ops = { 1, 2, 3, 4, -4, -3, -2, -1 } },
	{ "middle-first", .ops = { 1, 2, 3, 4, -2, -3, -1, -4 } },
	{ "interleaved", .ops = { 1, 2, -1, 3, -2, 1, 4, 2, -3, -1, -4, -2 } },
};

static void nt_order_desc(const struct nt_order *o, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", o->name);
}
KUNIT_ARRAY_PARAM(nt_order, nt_orders, nt_order_desc);

/*
 * Four mdevs: each its own WQ and PASID, a nested physical PASID entry
 * each, available_instances counting; removed in every order, nothing
 * stays behind on the host or in L1.
 */
static void nt_create_remove(struct kunit *test)
{
	const struct nt_order *o = test->param_value;
	struct nt *t = nt_boot(test, NULL);
	long avail = l1_mdev_available(&t->m);
	bool live[4] = { false };
	int nlive = 0;

	for (int k = 0; k < 12 && o->ops[k]; k++) {
		int i = (o->ops[k] > 0 ? o->ops[k] : -o->ops[k]) - 1;

		if (o->ops[k] > 0) {
			nt_create(t, uuid[i]);
			live[i] = true;
			nlive++;
		} else {
			KUNIT_ASSERT_EQ(test, l1_mdev_remove(&t->m, uuid[i]), 0);
			live[i] = false;
			nlive--;
		}
		KUNIT_EXPECT_EQ(test, l1_mdev_available(&t->m), avail - nlive);
		KUNIT_EXPECT_EQ(test, shadow_live_pasids(t->m.sh), (u32)nlive);
		/* Live mdevs: distinct WQs and PASIDs, each shadowed nested. */
		for (int a = 0; a < 4; a++) {
			struct l1_mdev_info ia;

			if (!live[a])
				continue;
			KUNIT_ASSERT_EQ(test, l1_mdev_info(&t->m, uuid[a], &ia), 0);
			KUNIT_EXPECT_STREQ(test, ia.mode, "pasid");
			KUNIT_EXPECT_EQ(test, ia.shadow_entries, 1);
			KUNIT_EXPECT_EQ(test, nt_phys_pgtt(t, ia.pasid),
					VTD_PGTT_NESTED);
			KUNIT_EXPECT_EQ(test, ia.pinned, 0);
			for (int b = a + 1; b < 4; b++) {
				struct l1_mdev_info ib;

				if (!live[b])
					continue;
				KUNIT_ASSERT_EQ(test, l1_mdev_info(&t->m, uuid[b],
								   &ib), 0);
				KUNIT_EXPECT_NE(test, ia.wq, ib.wq);
				KUNIT_EXPECT_NE(test, ia.pasid, ib.pasid);
			}
		}
	}
	for (int i = 0; i < 4; i++)
		if (live[i])
			KUNIT_EXPECT_EQ(test, l1_mdev_remove(&t->m, uuid[i]), 0);
	KUNIT_EXPECT_EQ(test, l1_mdev_available(&t->m), avail);
	KUNIT_EXPECT_EQ(test, l1_host_residue(&t->m), 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->pasids_live, 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->domains_live, 0);
	nt_done_clean(t);
}

/* What the admin gets wrong: a defined answer each, nothing created. */
static void nt_create_bad_input(struct kunit *test)
{
	struct nt *t = nt_boot(test, NULL);
	long avail = l1_mdev_available(&t->m);

	nt_create(t, uuid[0]);
	KUNIT_EXPECT_EQ(test, l1_mdev_create(&t->m, uuid[0]), -EEXIST);
	KUNIT_EXPECT_EQ(test, l1_mdev_create(&t->m, "not-a-uuid"), -EINVAL);
	KUNIT_EXPECT_LT(test, l1_mdev_remove(&t->m, uuid[1]), 0);
	KUNIT_EXPECT_LT(test, l1_mdev_attr(&t->m, uuid[1], "pasid"), 0);
	KUNIT_EXPECT_EQ(test, l1_mdev_available(&t->m), avail - 1);
	KUNIT_EXPECT_EQ(test, l1_mdev_remove(&t->m, uuid[0]), 0);
	KUNIT_EXPECT_EQ(test, l1_host_residue(&t->m), 0);
	nt_done_clean(t);
}

/* Every WQ taken: the next create is refused, and leaves nothing. */
static void nt_create_exhausted(struct kunit *test)
{
	struct nt *t = nt_boot(test, &(struct l1_cfg){ .nr_wqs = 3 });

	KUNIT_ASSERT_EQ(test, l1_mdev_available(&t->m), 3);
	for (int i = 0; i < 3; i++)
		nt_create(t, uuid[i]);
	KUNIT_EXPECT_EQ(test, l1_mdev_available(&t->m), 0);
	KUNIT_EXPECT_LT(test, l1_mdev_create(&t->m, uuid[3]), 0);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t->m.sh), 3);
	KUNIT_EXPECT_EQ(test, lk_stats()->pasids_live, 3);
	for (int i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, l1_mdev_remove(&t->m, uuid[i]), 0);
	KUNIT_EXPECT_EQ(test, l1_host_residue(&t->m), 0);
	nt_done_clean(t);
}

/*
 * Every error path of create unwinds: the Nth allocation of the L1 kernel
 * (N = 1, 2, ...) or the Nth page of its IOMMU structures fails in turn
 * until create succeeds; after each failure nothing of the mdev is left
 * (sysfs, instances, L1 allocations, host state), and the mdev finally
 * created works.
 */
static void nt_create_fail_nth(struct kunit *test)
{
	struct nt *t = nt_boot(test, NULL);
	const struct lk_stats *st = lk_stats();
	long avail = l1_mdev_available(&t->m);
	u64 live = st->kmalloc_live, domains = st->domains_live;
	u64 pasids = st->pasids_live;
	char path[128];
	u32 failures[2] = { 0, 0 };
	int ret = -1;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/remove", uuid[0]);
	for (int kind = 0; kind < 2; kind++) {
		for (unsigned long n = 1; n < 400; n++) {
			if (kind == 0)
				lk_inject_kmalloc_failure(n);
			else
				t->m.g.fail_after = n;
			ret = l1_mdev_create(&t->m, uuid[0]);
			lk_inject_kmalloc_failure(0);
			t->m.g.fail_after = 0;
			if (!ret)
				break;
			failures[kind]++;
			KUNIT_EXPECT_EQ(test, l1_mdev_available(&t->m), avail);
			KUNIT_EXPECT_EQ(test, st->kmalloc_live, live);
			KUNIT_EXPECT_EQ(test, st->domains_live, domains);
			KUNIT_EXPECT_EQ(test, st->pasids_live, pasids);
			KUNIT_EXPECT_EQ(test, l1_host_residue(&t->m), 0);
			KUNIT_EXPECT_EQ(test, lk_sysfs_write(path, "1"), -ENOENT);
		}
		KUNIT_ASSERT_EQ(test, ret, 0);
		if (kind == 0) {
			nt_vm(t, 0);
			nt_copy(t, nt_attach(t, t->vm[0], uuid[0], true), 8192,
				0x5a);
			nt_vm_destroy(t, 0);
		}
		KUNIT_ASSERT_EQ(test, l1_mdev_remove(&t->m, uuid[0]), 0);
	}
	/*
	 * Both kinds were reached: vfio_alloc_device and the paging domain
	 * (kmalloc), the domain's top-level table (a page).
	 */
	KUNIT_EXPECT_GE(test, failures[0], 2);
	KUNIT_EXPECT_GE(test, failures[1], 1);
	KUNIT_EXPECT_EQ(test, st->warns, 0);
	nt_done_clean(t);
}


/* ---- flows 2-4: L2 VMs, DMA through the mdevs --------------------------------- */

/*
 * The L2 flows run in each mediation mode: PASID domains shadowed by the
 * host (demand-faulted), and software mediation (nmdev.mode=sw, or auto
 * on a PF the vIOMMU gives no PASIDs): trapped portal, descriptors
 * rewritten and their pages pinned on submission.
 */
struct nt_mode {
	const char *name;
	const char *param;	/* nmdev.mode */
	bool no_pasid;
	bool sw;		/* what nmdev must pick */
};

static const struct nt_mode nt_modes[] = {
	{ "pasid", NULL, false, false },
	{ "sw", "sw", false, true },
	{ "auto-no-pasid", NULL, true, true },
};

static void nt_mode_desc(const struct nt_mode *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", p->name);
}
KUNIT_ARRAY_PARAM(nt_mode, nt_modes, nt_mode_desc);

static struct nt *nt_boot_mode(struct kunit *test, bool lazy)
{
	const struct nt_mode *p = test->param_value;

	return nt_boot(test, &(struct l1_cfg){ .nmdev_mode = p->param,
					       .no_pasid = p->no_pasid,
					       .lazy = lazy });
}

/* An mdev, checked for the mode it was created in. */
static void nt_create_mode(struct nt *t, const char *id)
{
	const struct nt_mode *p = t->test->param_value;
	struct l1_mdev_info info;

	nt_create(t, id);
	KUNIT_ASSERT_EQ(t->test, l1_mdev_info(&t->m, id, &info), 0);
	KUNIT_EXPECT_STREQ(t->test, info.mode, p->sw ? "sw" : "pasid");
	KUNIT_EXPECT_EQ(t->test, info.shadow_entries, p->sw ? 0ULL : 1ULL);
	if (p->sw)
		KUNIT_EXPECT_EQ(t->test, info.pasid, ~0u);
}

/* Block on fault only where faults are the design (PASID mode). */
static struct l2_dev *nt_attach_mode(struct nt *t, struct l2_vm *vm,
				     const char *id)
{
	const struct nt_mode *p = t->test->param_value;
	struct l2_dev *d = nt_attach(t, vm, id, true);

	/* Software mode: no BOF offered, the portal trapped. */
	KUNIT_EXPECT_EQ(t->test, d->bof, !p->sw);
	KUNIT_EXPECT_EQ(t->test, !d->portal, p->sw);
	return d;
}

/*
 * Two L2 VMs with two mdevs each: MEMMOVE on every device with its own
 * data, completion interrupts through the eventfds.
 */
static void nt_two_vms_memmove(struct kunit *test)
{
	struct nt *t = nt_boot_mode(test, false);
	struct l2_dev *d[4];

	for (int i = 0; i < 4; i++)
		nt_create_mode(t, uuid[i]);
	nt_vm(t, 0);
	nt_vm(t, 1);
	for (int i = 0; i < 4; i++)
		d[i] = nt_attach_mode(t, t->vm[i / 2], uuid[i]);
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 4; i++)
			nt_copy(t, d[i], 5000 + 1000 * i, (u8)(0x10 * i + round));
	for (int i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, d[i]->st.ops, 2);
		KUNIT_EXPECT_EQ(test, d[i]->st.errors, 0);
		KUNIT_EXPECT_EQ(test, d[i]->st.irqs, 2);
		KUNIT_EXPECT_EQ(test, d[i]->st.bytes, 2ULL * (5000 + 1000 * i));
	}
	KUNIT_EXPECT_EQ(test, lk_stats()->portal_refused, 0);
	for (int i = 0; i < 2; i++)
		nt_vm_destroy(t, i);
	KUNIT_EXPECT_EQ(test, lk_stats()->pins_live, 0);
	for (int i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, l1_mdev_remove(&t->m, uuid[i]), 0);
	KUNIT_EXPECT_EQ(test, l1_host_residue(&t->m), 0);
	nt_done_clean(t);
}

/*
 * A PF with more WQs than MSI-X vectors (4 WQs, vector 0 + 2): WQs share
 * vectors, every WQ still backs an mdev, and each L2 gets its completion
 * interrupts (plus, on a shared vector, the other one's as spurious).
 */
static void nt_shared_vectors(struct kunit *test)
{
	struct l1_cfg cfg = { .nr_wqs = 4, .nr_msix = 3 };
	struct nt *t = nt_boot(test, &cfg);
	struct l2_dev *d[4];

	KUNIT_EXPECT_EQ(test, l1_mdev_available(&t->m), 4);
	for (int i = 0; i < 4; i++)
		nt_create(t, uuid[i]);
	KUNIT_EXPECT_EQ(test, l1_mdev_available(&t->m), 0);
	nt_vm(t, 0);
	nt_vm(t, 1);
	for (int i = 0; i < 4; i++)
		d[i] = nt_attach(t, t->vm[i / 2], uuid[i], true);
	for (int i = 0; i < 4; i++)
		nt_copy(t, d[i], 4096, (u8)(0x21 * i));
	for (int i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, d[i]->st.ops, 1);
		KUNIT_EXPECT_EQ(test, d[i]->st.errors, 0);
		KUNIT_EXPECT_GE(test, d[i]->st.irqs, 1);
	}
	KUNIT_EXPECT_EQ(test, lk_stats()->irqs_spurious, 0);
	for (int i = 0; i < 2; i++)
		nt_vm_destroy(t, i);
	for (int i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, l1_mdev_remove(&t->m, uuid[i]), 0);
	KUNIT_EXPECT_EQ(test, l1_host_residue(&t->m), 0);
	nt_done_clean(t);
}

/*
 * Pinning on demand: nothing pinned up front; after one MEMMOVE exactly
 * the L2 pages the device touched are pinned (three source pages, two
 * destination pages, the record's page) -- through I/O page faults in
 * PASID mode, at submission in software mode -- a repeat pins nothing
 * new, and L2 exit releases them all.
 */
static void nt_demand_pinning(struct kunit *test)
{
	const struct nt_mode *p = test->param_value;
	struct nt *t = nt_boot_mode(test, false);
	u64 src, dst, cr, pins;
	long long faults;
	struct l2_vm *vm;
	struct l2_dev *d;

	nt_create_mode(t, uuid[0]);
	vm = nt_vm(t, 0);
	d = nt_attach_mode(t, vm, uuid[0]);
	KUNIT_EXPECT_EQ(test, l1_mdev_attr(&t->m, uuid[0], "pinned_pages"), 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->pins_live, 0);

	src = l2_alloc(vm, 4 * SIM_PAGE_SIZE) + 0x800;	/* 3 pages */
	dst = l2_alloc(vm, 2 * SIM_PAGE_SIZE);		/* 2 pages */
	cr = l2_alloc(vm, SIM_PAGE_SIZE) + 0x40;	/* 1 page */
	l2_fill(vm, src, 0x2000, 0x5a);
	KUNIT_ASSERT_EQ(test, l2_memmove(d, src, dst, 0x2000, cr),
			SIOV_CS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, l2_check(vm, dst, 0x2000, 0x5a));
	KUNIT_EXPECT_EQ(test, l1_mdev_attr(&t->m, uuid[0], "pinned_pages"), 6);
	KUNIT_EXPECT_EQ(test, lk_stats()->pins_live, 6);
	faults = l1_mdev_attr(&t->m, uuid[0], "faults");
	if (p->sw) {
		KUNIT_EXPECT_EQ(test, faults, 0);
		KUNIT_EXPECT_EQ(test, fault_router_stats(t->m.fr)->requests, 0);
	} else {
		KUNIT_EXPECT_GE(test, faults, 6);
	}
	KUNIT_EXPECT_EQ(test, l1_mdev_attr(&t->m, uuid[0], "faults_invalid"), 0);

	/* The same pages again: no fault, no new pin. */
	pins = lk_stats()->pins_total;
	KUNIT_EXPECT_EQ(test, l2_memmove(d, src, dst, 0x2000, cr),
			SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, l1_mdev_attr(&t->m, uuid[0], "faults"), faults);
	KUNIT_EXPECT_EQ(test, l1_mdev_attr(&t->m, uuid[0], "pinned_pages"), 6);
	KUNIT_EXPECT_EQ(test, lk_stats()->pins_total, pins);

	nt_vm_destroy(t, 0);
	KUNIT_EXPECT_EQ(test, l1_mdev_attr(&t->m, uuid[0], "pinned_pages"), 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->pins_live, 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->unmap_pin_leaks, 0);
	KUNIT_EXPECT_EQ(test, l1_mdev_remove(&t->m, uuid[0]), 0);
	KUNIT_EXPECT_EQ(test, l1_host_residue(&t->m), 0);
	nt_done_clean(t);
}

/*
 * Second-stage faults are the host's alone.  L1 RAM is backed on first
 * touch; once L1 has pinned and mapped the destination, the host
 * reclaims those pages of L1 (its second stage loses them, L1 cannot
 * know).  The next MEMMOVE faults in the host's stage only: the fault
 * router backs the pages again and answers, the guest sees no request.
 */
static void nt_fs_guest_ss_host(struct kunit *test)
{
	struct nt *t = nt_boot(test, &(struct l1_cfg){ .lazy = true });
	const struct fault_router_stats *fs;
	u64 src, dst, cr, prq, fwd, ss;
	long long faults;
	struct l2_vm *vm;
	struct l2_dev *d;

	nt_create(t, uuid[0]);
	vm = nt_vm(t, 0);
	d = nt_attach(t, vm, uuid[0], true);
	src = l2_alloc(vm, 0x3000);
	dst = l2_alloc(vm, 0x3000);
	cr = l2_alloc(vm, SIM_PAGE_SIZE);
	l2_fill(vm, src, 0x3000, 0x33);
	KUNIT_ASSERT_EQ(test, l2_memmove(d, src, dst, 0x3000, cr),
			SIOV_CS_SUCCESS);
	fs = fault_router_stats(t->m.fr);
	faults = l1_mdev_attr(&t->m, uuid[0], "faults");
	KUNIT_EXPECT_GT(test, faults, 0);
	KUNIT_EXPECT_GT(test, fs->by_class[FR_CLASS_FS], 0);
	KUNIT_EXPECT_GT(test, lk_stats()->iopf_groups, 0);
	/* The guest's queue saw exactly what the router forwarded. */
	KUNIT_EXPECT_EQ(test, t->m.u.st.prq_reqs, fs->forwarded);
	prq = t->m.u.st.prq_reqs;
	fwd = fs->forwarded;
	ss = fs->by_class[FR_CLASS_SS];

	for (u64 off = 0; off < 0x3000; off += SIM_PAGE_SIZE)
		KUNIT_ASSERT_EQ(test, sim_vm_unpopulate(t->m.p.vm,
							vm->ram_l1 + dst + off),
				0);
	KUNIT_ASSERT_EQ(test, shadow_vm_ss_changed(t->m.sh), 0);
	l2_fill(vm, src, 0x3000, 0x34);
	KUNIT_ASSERT_EQ(test, l2_memmove(d, src, dst, 0x3000, cr),
			SIOV_CS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, l2_check(vm, dst, 0x3000, 0x34));
	KUNIT_EXPECT_GE(test, fs->by_class[FR_CLASS_SS], ss + 3);
	KUNIT_EXPECT_GE(test, fs->ss_populated, 3);
	KUNIT_EXPECT_EQ(test, fs->forwarded, fwd);
	KUNIT_EXPECT_EQ(test, t->m.u.st.prq_reqs, prq);
	KUNIT_EXPECT_EQ(test, l1_mdev_attr(&t->m, uuid[0], "faults"), faults);
	KUNIT_EXPECT_EQ(test, fs->by_class[FR_CLASS_BAD], 0);
	nt_vm_destroy(t, 0);
	KUNIT_EXPECT_EQ(test, l1_mdev_remove(&t->m, uuid[0]), 0);
	KUNIT_EXPECT_EQ(test, l1_host_residue(&t->m), 0);
	nt_done_clean(t);
}

/*
 * An L2 descriptor reaching outside the L2's RAM: L1 cannot pin it (an
 * I/O page fault answered INVALID, or a refusal at submission in
 * software mode) and the descriptor completes with a fault status;
 * nothing lands outside either VM and the other L2 carries on.
 */
static void nt_dma_outside_l2_ram(struct kunit *test)
{
	struct nt *t = nt_boot_mode(test, false);
	struct l2_vm *a, *b;
	struct l2_dev *da, *db;
	u64 dst, cr;
	int st;

	nt_create_mode(t, uuid[0]);
	nt_create_mode(t, uuid[1]);
	a = nt_vm(t, 0);
	b = nt_vm(t, 1);
	da = nt_attach_mode(t, a, uuid[0]);
	db = nt_attach_mode(t, b, uuid[1]);
	dst = l2_alloc(a, SIM_PAGE_SIZE);
	cr = l2_alloc(a, SIM_PAGE_SIZE);
	/* B's RAM follows A's in L1: A's GPA just past its end is B's. */
	st = l2_memmove(da, NT_L2_RAM + 0x1000, dst, 256, cr);
	KUNIT_EXPECT_TRUE(test, st == SIOV_CS_PRS_INVALID ||
				st == SIOV_CS_PAGE_FAULT);
	KUNIT_EXPECT_EQ(test, da->st.errors, 1);
	st = l2_memmove(da, dst, 0x7fff0000000ULL, 256, cr);
	KUNIT_EXPECT_TRUE(test, st == SIOV_CS_PRS_INVALID ||
				st == SIOV_CS_PAGE_FAULT);
	KUNIT_EXPECT_GT(test, lk_stats()->pin_refused, 0);
	/* Both still work. */
	nt_copy(t, db, 3000, 0x77);
	nt_copy(t, da, 3000, 0x78);
	KUNIT_EXPECT_EQ(test, fault_router_outstanding(t->m.fr), 0);
	nt_vm_destroy(t, 0);
	nt_vm_destroy(t, 1);
	KUNIT_EXPECT_EQ(test, l1_mdev_remove(&t->m, uuid[0]), 0);
	KUNIT_EXPECT_EQ(test, l1_mdev_remove(&t->m, uuid[1]), 0);
	KUNIT_EXPECT_EQ(test, l1_host_residue(&t->m), 0);
	nt_done_clean(t);
}

static u64 nt_bar0_rd(struct l2_dev *d, u32 reg)
{
	u64 v = ~0ULL;

	lk_vfio_pread(d->fd, &v, 8, d->bar0_off + reg);
	return v;
}

static void nt_bar0_wr(struct l2_dev *d, u32 reg, u64 v)
{
	lk_vfio_pwrite(d->fd, &v, 8, d->bar0_off + reg);
}

/*
 * L2 asks for PASID on its WQ: its device has no PASID, the enable is
 * refused with PASID_DISABLED and the real WQ never runs with a PASID of
 * L2's choosing; then L2 configures it properly and it works.
 */
static void nt_l2_pasid_refused(struct kunit *test)
{
	const struct nt_mode *p = test->param_value;
	struct nt *t = nt_boot_mode(test, false);
	struct l1_mdev_info info;
	struct l2_dev *d;
	u64 sts, real;

	nt_create_mode(t, uuid[0]);
	d = nt_attach_mode(t, nt_vm(t, 0), uuid[0]);
	KUNIT_ASSERT_EQ(test, l1_mdev_info(&t->m, uuid[0], &info), 0);
	nt_bar0_wr(d, siov_wqcfg_offset(0, SIOV_WQ_CTL), 0);
	nt_bar0_wr(d, siov_wqcfg_offset(0, SIOV_WQ_CFG0),
		   FIELD_PREP(SIOV_WQ_CFG0_SIZE, 16ULL) | SIOV_WQ_CFG0_PASID_EN |
		   FIELD_PREP(SIOV_WQ_CFG0_PASID, (u64)info.pasid + 1));
	nt_bar0_wr(d, siov_wqcfg_offset(0, SIOV_WQ_CTL), SIOV_WQ_CTL_ENABLE);
	sts = nt_bar0_rd(d, siov_wqcfg_offset(0, SIOV_WQ_STS));
	KUNIT_EXPECT_EQ(test, FIELD_GET(SIOV_WQ_STS_STATE, sts), SIOV_WQ_ERROR);
	KUNIT_EXPECT_EQ(test, FIELD_GET(SIOV_WQ_STS_ERR, sts),
			SIOV_WQERR_PASID_DISABLED);
	real = siov_pf_mmio_read(t->m.p.pf, SIOV_BAR0,
				 siov_wqcfg_offset(info.wq, SIOV_WQ_STS), 8);
	KUNIT_EXPECT_NE(test, FIELD_GET(SIOV_WQ_STS_STATE, real),
			SIOV_WQ_ENABLED);

	/* Properly: no PASID (the real WQ: the mdev's PASID, or none). */
	nt_bar0_wr(d, siov_wqcfg_offset(0, SIOV_WQ_CTL), 0);
	nt_bar0_wr(d, siov_wqcfg_offset(0, SIOV_WQ_CFG0),
		   FIELD_PREP(SIOV_WQ_CFG0_SIZE, 16ULL) |
		   (p->sw ? 0 : SIOV_WQ_CFG0_BOF_EN));
	nt_bar0_wr(d, siov_wqcfg_offset(0, SIOV_WQ_CTL), SIOV_WQ_CTL_ENABLE);
	sts = nt_bar0_rd(d, siov_wqcfg_offset(0, SIOV_WQ_STS));
	KUNIT_EXPECT_EQ(test, FIELD_GET(SIOV_WQ_STS_STATE, sts),
			SIOV_WQ_ENABLED);
	real = siov_pf_mmio_read(t->m.p.pf, SIOV_BAR0,
				 siov_wqcfg_offset(info.wq, SIOV_WQ_CFG0), 8);
	KUNIT_EXPECT_EQ(test, !!(real & SIOV_WQ_CFG0_PASID_EN), !p->sw);
	if (!p->sw)
		KUNIT_EXPECT_EQ(test, FIELD_GET(SIOV_WQ_CFG0_PASID, real),
				info.pasid);
	nt_copy(t, d, 4096, 0x42);
	nt_vm_destroy(t, 0);
	KUNIT_EXPECT_EQ(test, l1_mdev_remove(&t->m, uuid[0]), 0);
	KUNIT_EXPECT_EQ(test, l1_host_residue(&t->m), 0);
	nt_done_clean(t);
}

/* A stream keeps the WQ full; every descriptor succeeds, data right. */
static void nt_stream(struct kunit *test)
{
	struct nt *t = nt_boot_mode(test, false);
	struct l2_vm *vm;
	struct l2_dev *d;
	u64 src, dst, ns = 0;

	nt_create_mode(t, uuid[0]);
	vm = nt_vm(t, 0);
	d = nt_attach_mode(t, vm, uuid[0]);
	src = l2_alloc(vm, 8192);
	dst = l2_alloc(vm, 8192);
	l2_fill(vm, src, 8192, 0x21);
	KUNIT_EXPECT_EQ(test, l2_stream(d, src, dst, 8192, 300, &ns), 300);
	KUNIT_EXPECT_TRUE(test, l2_check(vm, dst, 8192, 0x21));
	KUNIT_EXPECT_GT(test, ns, 0);
	KUNIT_EXPECT_EQ(test, d->st.ops, 300);
	KUNIT_EXPECT_EQ(test, d->st.errors, 0);
	KUNIT_EXPECT_EQ(test, fault_router_stats(t->m.fr)->timeouts, 0);
	nt_done_clean(t);
}

/*
 * WQ full: L2 shrinks its WQ to two descriptors and parks two on pages
 * not yet mapped; the portal refuses the third until the faults are
 * resolved, and l2_memmove runs the machine and resubmits.
 */
static void nt_wq_full_retry(struct kunit *test)
{
	struct nt *t = nt_boot(test, NULL);
	struct siov_desc desc;
	struct l2_vm *vm;
	struct l2_dev *d;
	u64 buf, cr;

	nt_create(t, uuid[0]);
	vm = nt_vm(t, 0);
	d = nt_attach(t, vm, uuid[0], true);
	nt_bar0_wr(d, siov_wqcfg_offset(0, SIOV_WQ_CTL), 0);
	nt_bar0_wr(d, siov_wqcfg_offset(0, SIOV_WQ_CFG0),
		   FIELD_PREP(SIOV_WQ_CFG0_SIZE, 2ULL) | SIOV_WQ_CFG0_BOF_EN);
	nt_bar0_wr(d, siov_wqcfg_offset(0, SIOV_WQ_CTL), SIOV_WQ_CTL_ENABLE);
	buf = l2_alloc(vm, 4 * SIM_PAGE_SIZE);
	cr = l2_alloc(vm, SIM_PAGE_SIZE);
	for (int i = 0; i < 2; i++) {
		siov_desc_init(&desc, SIOV_OP_FILL, SIOV_F_BOF);
		siov_desc_set_dst(&desc, buf + i * SIM_PAGE_SIZE);
		siov_desc_set_xfer_size(&desc, 64);
		KUNIT_ASSERT_EQ(test, l2_submit(d, &desc), 0);
	}
	KUNIT_EXPECT_EQ(test, l2_submit(d, &desc), -EBUSY);
	l2_fill(vm, buf + 2 * SIM_PAGE_SIZE, 128, 0x3c);
	KUNIT_EXPECT_EQ(test, l2_memmove(d, buf + 2 * SIM_PAGE_SIZE,
					 buf + 3 * SIM_PAGE_SIZE, 128, cr),
			SIOV_CS_SUCCESS);
	KUNIT_EXPECT_GT(test, d->st.retries, 0);
	KUNIT_EXPECT_TRUE(test, l2_check(vm, buf + 3 * SIM_PAGE_SIZE, 128,
					 0x3c));
	nt_done_clean(t);
}

/* ---- flow 5: teardown in every order ------------------------------------------- */

enum nt_teardown {
	NT_TD_MDEV_REMOVE,	/* mdev removed while L2 has it open */
	NT_TD_L2_EXIT,		/* the L2 VM exits, then the mdevs go */
	NT_TD_RMMOD,		/* rmmod with mdevs (one open) present */
	NT_TD_L1_CRASH,		/* L1 crashes with work in flight */
	NT_TD_HOST_DESTROY,	/* the host destroys the VM under L1 */
	NT_TD_SHUTDOWN,		/* L1 shuts down with everything up */
};

struct nt_td {
	const char *name;
	enum nt_teardown how;
	bool lazy;
	bool in_flight;		/* a page request with the guest at the end */
	bool sw;		/* nmdev.mode=sw */
};

static const struct nt_td nt_tds[] = {
	{ "mdev-remove-open", .how = NT_TD_MDEV_REMOVE },
	{ "mdev-remove-in-flight", .how = NT_TD_MDEV_REMOVE, .in_flight = true },
	{ "l2-exit", .how = NT_TD_L2_EXIT },
	{ "l2-exit-lazy", .how = NT_TD_L2_EXIT, .lazy = true },
	{ "rmmod", .how = NT_TD_RMMOD },
	{ "rmmod-in-flight", .how = NT_TD_RMMOD, .in_flight = true },
	{ "l1-crash", .how = NT_TD_L1_CRASH },
	{ "l1-crash-in-flight", .how = NT_TD_L1_CRASH, .in_flight = true },
	{ "host-destroy-in-flight", .how = NT_TD_HOST_DESTROY, .in_flight = true },
	{ "host-destroy", .how = NT_TD_HOST_DESTROY },
	{ "shutdown", .how = NT_TD_SHUTDOWN },
	{ "sw-mdev-remove-open", .how = NT_TD_MDEV_REMOVE, .sw = true },
	{ "sw-l2-exit", .how = NT_TD_L2_EXIT, .sw = true },
	{ "sw-rmmod", .how = NT_TD_RMMOD, .sw = true },
	{ "sw-l1-crash", .how = NT_TD_L1_CRASH, .sw = true },
	{ "sw-host-destroy", .how = NT_TD_HOST_DESTROY, .sw = true },
};

static void nt_td_desc(const struct nt_td *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", p->name);
}
KUNIT_ARRAY_PARAM(nt_td, nt_tds, nt_td_desc);

static bool nt_forwarded(void *ctx)
{
	struct nt *t = ctx;

	return fault_router_outstanding(t->m.fr) > 0;
}

/*
 * Two mdevs (one in an L2 that has used it, one idle), then one teardown.
 * With in_flight, a descriptor on fresh pages is left where its page
 * request sits with the guest.  Every path ends with the host holding
 * nothing of the VM's mdevs and the device with no request unanswered.
 */
static void nt_teardown(struct kunit *test)
{
	const struct nt_td *p = test->param_value;
	struct nt *t = nt_boot(test, &(struct l1_cfg){
		.lazy = p->lazy, .nmdev_mode = p->sw ? "sw" : NULL });
	struct l2_vm *vm;
	struct l2_dev *d;
	bool clean = true;

	nt_create(t, uuid[0]);
	nt_create(t, uuid[1]);
	vm = nt_vm(t, 0);
	d = nt_attach(t, vm, uuid[0], true);
	KUNIT_EXPECT_EQ(test, d->bof, !p->sw);
	nt_copy(t, d, 6000, 0x61);
	KUNIT_EXPECT_GT(test, l1_mdev_attr(&t->m, uuid[0], "pinned_pages"), 0);
	KUNIT_EXPECT_EQ(test, shadow_live_pasids(t->m.sh), p->sw ? 0u : 2u);
	if (p->in_flight) {
		u64 src = l2_alloc(vm, 0x2000), dst = l2_alloc(vm, 0x2000);
		u64 cr = l2_alloc(vm, SIM_PAGE_SIZE);
		struct siov_desc desc;

		siov_desc_init(&desc, SIOV_OP_MEMMOVE, SIOV_F_CRAV | SIOV_F_RCR |
			       SIOV_F_BOF);
		siov_desc_set_cr_addr(&desc, cr);
		siov_desc_set_src(&desc, src);
		siov_desc_set_dst(&desc, dst);
		siov_desc_set_xfer_size(&desc, 0x2000);
		KUNIT_ASSERT_EQ(test, l2_submit(d, &desc), 0);
		KUNIT_ASSERT_TRUE(test, hostdrv_run_until(t->m.p.hd,
							  nt_forwarded, t,
							  1000000));
		KUNIT_EXPECT_GT(test, l1_host_residue(&t->m), 0);
	}

	switch (p->how) {
	case NT_TD_MDEV_REMOVE:
		KUNIT_EXPECT_EQ(test, l1_mdev_remove(&t->m, uuid[0]), 0);
		KUNIT_EXPECT_TRUE(test, d->closed);
		KUNIT_EXPECT_EQ(test, l2_memmove(d, 0x1000, 0x2000, 64, 0x3000),
				-ENODEV);
		KUNIT_EXPECT_EQ(test, lk_stats()->pins_live, 0);
		KUNIT_EXPECT_EQ(test, l1_mdev_remove(&t->m, uuid[1]), 0);
		nt_vm_destroy(t, 0);
		break;
	case NT_TD_L2_EXIT:
		nt_vm_destroy(t, 0);
		KUNIT_EXPECT_EQ(test, lk_stats()->pins_live, 0);
		KUNIT_EXPECT_EQ(test, lk_stats()->unmap_pin_leaks, 0);
		KUNIT_EXPECT_EQ(test, l1_mdev_attr(&t->m, uuid[0],
						   "pinned_pages"), 0);
		KUNIT_EXPECT_EQ(test, l1_mdev_remove(&t->m, uuid[0]), 0);
		KUNIT_EXPECT_EQ(test, l1_mdev_remove(&t->m, uuid[1]), 0);
		break;
	case NT_TD_RMMOD:
		l1_nmdev_unload(&t->m);
		KUNIT_EXPECT_TRUE(test, d->closed);
		KUNIT_EXPECT_EQ(test, lk_stats()->pins_live, 0);
		KUNIT_EXPECT_EQ(test, lk_stats()->pasids_live, 0);
		KUNIT_EXPECT_EQ(test, lk_stats()->domains_live, 0);
		nt_vm_destroy(t, 0);
		break;
	case NT_TD_L1_CRASH:
		l1_crash(&t->m);
		clean = false;
		break;
	case NT_TD_HOST_DESTROY:
		l1_host_vm_destroy(&t->m);
		clean = false;
		break;
	case NT_TD_SHUTDOWN:
		break;
	}
	if (p->how != NT_TD_SHUTDOWN) {
		l1_run(&t->m, 1000000);
		KUNIT_EXPECT_EQ(test, l1_host_residue(&t->m), 0);
		KUNIT_EXPECT_EQ(test, siov_pf_prg_outstanding(t->m.p.pf), 0);
		if (t->m.sh)
			KUNIT_EXPECT_EQ(test, shadow_live_pasids(t->m.sh), 0);
	}
	if (clean)
		nt_done_clean(t);
	else
		nt_done(t);
}

/*
 * Linux 6.12 allocates PASIDs from its own IDA and has no VCMD: on a
 * vIOMMU that hands out PASIDs only through VCMD its PASID entries would
 * all be refused.  The machine says so instead of booting a broken L1.
 */
static void nt_vcmd_refused(struct kunit *test)
{
	struct l1 *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_EXPECT_EQ(test, l1_boot(m, &(struct l1_cfg){ .vcmd = true }),
			-EOPNOTSUPP);
	KUNIT_EXPECT_FALSE(test, m->up);
	KUNIT_EXPECT_NULL(test, m->sh);
}

static struct kunit_case nt_cases[] = {
	KUNIT_CASE(nt_boot_load),
	KUNIT_CASE(nt_pasid_mode_without_pasids),
	KUNIT_CASE(nt_reload),
	KUNIT_CASE_PARAM(nt_create_remove, nt_order_gen_params),
	KUNIT_CASE(nt_create_bad_input),
	KUNIT_CASE(nt_create_exhausted),
	KUNIT_CASE(nt_create_fail_nth),
	KUNIT_CASE_PARAM(nt_two_vms_memmove, nt_mode_gen_params),
	KUNIT_CASE(nt_shared_vectors),
	KUNIT_CASE_PARAM(nt_demand_pinning, nt_mode_gen_params),
	KUNIT_CASE(nt_fs_guest_ss_host),
	KUNIT_CASE_PARAM(nt_dma_outside_l2_ram, nt_mode_gen_params),
	KUNIT_CASE_PARAM(nt_l2_pasid_refused, nt_mode_gen_params),
	KUNIT_CASE_PARAM(nt_stream, nt_mode_gen_params),
	KUNIT_CASE(nt_wq_full_retry),
	KUNIT_CASE_PARAM(nt_teardown, nt_td_gen_params),
	KUNIT_CASE(nt_vcmd_refused),
	{}
};

static struct kunit_suite nt_suite = {
	.name = "nmdev-e2e",
	.exit = nt_exit,
	.test_cases = nt_cases,
};

kunit_test_suites(&nt_suite);

