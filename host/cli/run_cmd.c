// SPDX-License-Identifier: GPL-2.0
/*
 * `nestmed run [--scenario FILE] [--json] [--seed N] [--trace FILE]
 * [--klog FILE]`: the main job.  A scenario (docs/scenario.md; the
 * built-in default without --scenario) on the nested machine of
 * guest/sim/l1.h: boot the host and the L1 VM with nmdev, create the
 * nested mdevs through sysfs, start the L2 VMs and bring their mdevs up,
 * run every workload with its data verified, report per nested mdev,
 * tear down in the scenario's order and check that nothing was left
 * behind.  Exit 0 only when every check held; 1 when one did not; 2 on
 * bad input.
 *
 * Workloads run one mdev at a time, so the machine-wide fault-router
 * counts taken before and after an mdev's workload are that mdev's own
 * first- and second-stage faults.  With machine.host_reclaim they run
 * twice, the host reclaiming L1 pages under each mdev's destination
 * before its second pass.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "scenario.h"
#include "../../guest/sim/l2.h"

#define RUN_MAX_CHECKS	16

struct run_mdev {
	const struct scn_mdev *sm;
	int create_err;			/* l1_mdev_create */
	int attach_err;			/* l2_dev_attach */
	struct l2_dev *dev;
	struct l1_mdev_info info;
	bool have_info;
	u64 ops, bytes, errors;		/* completed, moved, failed */
	u64 resumed;			/* partial completions resubmitted */
	u64 bad_data;			/* moves whose destination was wrong */
	u64 fs_faults, ss_faults;	/* during its workload */
	u64 reclaimed;			/* L1 pages the host took back */
};

struct run_vm {
	const struct scn_vm *sv;
	struct l2_vm *vm;
	u64 buf, cr;			/* L2 GPAs */
	u64 used_slots;			/* destination slots written so far */
};

struct run_check {
	const char *name;
	bool ok;
	char detail[96];
};

struct run {
	struct scenario sc;
	const char *scn_name;
	struct l1 m;
	bool booted;
	int boot_err;
	struct run_mdev *md;
	struct run_vm vms[SCN_MAX_VMS];
	u32 passes;			/* of every workload */
	int reclaim_err;		/* first failed invalidation */
	u64 oracle_violations;
	u64 sim_time_ns;		/* boot to the end of the workloads */
	u64 teardown_ns;
	/* Teardown. */
	bool l1_died;			/* l1-crash, vm-destroy */
	u64 host_residue;
	u64 lk_leaks, lk_warns, lk_lock_errors, lk_pins_live;
	u64 lk_warns_before;		/* WARN_ONs up to the teardown */
	u64 lk_unmap_pin_leaks;
	int remove_err;			/* first failing sysfs remove */
	bool teardown_clean;
	struct run_check checks[RUN_MAX_CHECKS];
	u32 nchecks;
};

static void check(struct run *r, const char *name, bool ok, const char *fmt,
		  ...) __attribute__((format(printf, 4, 5)));

static void check(struct run *r, const char *name, bool ok, const char *fmt,
		  ...)
{
	struct run_check *c;
	va_list ap;

	if (r->nchecks == RUN_MAX_CHECKS)
		return;
	c = &r->checks[r->nchecks++];
	c->name = name;
	c->ok = ok;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

static bool all_ok(const struct run *r)
{
	for (u32 i = 0; i < r->nchecks; i++)
		if (!r->checks[i].ok)
			return false;
	return r->nchecks > 0;
}

/* ---------------------------------------------------------------- */
/* The run                                                          */
/* ---------------------------------------------------------------- */
static int boot(struct run *r, FILE *trace, FILE *klog)
{
	static const char *const modes[] = {
		[SCN_MODE_AUTO] = NULL, [SCN_MODE_PASID] = "pasid",
		[SCN_MODE_SW] = "sw",
	};
	const struct scn_machine *mc = &r->sc.machine;
	struct l1_cfg cfg = {
		.seed = mc->seed,
		.trace = trace,
		.klog = klog,
		.ram_bytes = mc->l1_ram,
		.lazy = mc->lazy_l1_ram,
		.vcmd = mc->vcmd,
		.nmdev_mode = modes[mc->nmdev_mode],
		.nr_wqs = (u16)mc->pf_wqs,
		.trap_ns = mc->trap_ns,
	};

	r->boot_err = l1_boot(&r->m, &cfg);
	r->booted = !r->boot_err;
	return r->boot_err;
}

static void create_mdevs(struct run *r)
{
	for (u32 i = 0; i < r->sc.nmdevs; i++) {
		r->md[i].sm = &r->sc.mdevs[i];
		r->md[i].create_err = l1_mdev_create(&r->m, r->sc.mdevs[i].uuid);
	}
}

static void start_vms(struct run *r)
{
	for (u32 v = 0; v < r->sc.nvms; v++) {
		const struct scn_vm *sv = &r->sc.vms[v];
		struct run_vm *rv = &r->vms[v];

		rv->sv = sv;
		rv->vm = l2_vm_create(&r->m, sv->name, sv->ram);
		if (!rv->vm)
			continue;
		rv->buf = l2_alloc(rv->vm, sv->wl.span);
		rv->cr = l2_alloc(rv->vm, SCN_PAGE);
		for (u32 i = 0; i < sv->nmdevs; i++) {
			struct run_mdev *md = &r->md[sv->mdevs[i]];

			if (md->create_err) {
				md->attach_err = md->create_err;
				continue;
			}
			md->attach_err = l2_dev_attach(rv->vm, md->sm->uuid,
						       sv->block_on_fault,
						       &md->dev);
		}
	}
}

static void fault_counts(struct run *r, u64 *fs, u64 *ss)
{
	const struct fault_router_stats *st;

	*fs = *ss = 0;
	if (!r->m.fr)
		return;
	st = fault_router_stats(r->m.fr);
	*fs = st->by_class[FR_CLASS_FS];
	*ss = st->by_class[FR_CLASS_SS];
}

struct cr_wait {
	struct l2_vm *vm;
	u64 cr;
};

static bool cr_written(void *ctx)
{
	struct cr_wait *w = ctx;
	struct siov_cr rec;

	return !l2_read(w->vm, w->cr, &rec, sizeof(rec)) &&
	       siov_cr_status(&rec);
}

/*
 * A NOOP with a completion record before the first move: the record's
 * page faults in on its own.  The device gives a descriptor only so many
 * page requests; a large first move over cold memory would spend them on
 * data and could not write its record at all.
 */
static int prime_cr(struct run_vm *rv, struct run_mdev *md, u64 cr)
{
	struct cr_wait w = { rv->vm, cr };
	struct siov_cr zero = { { 0 } };
	struct siov_desc d;
	int ret;

	siov_desc_init(&d, SIOV_OP_NOOP, SIOV_F_CRAV | SIOV_F_RCR |
		       (md->dev->bof ? SIOV_F_BOF : 0));
	siov_desc_set_cr_addr(&d, cr);
	ret = l2_write(rv->vm, cr, &zero, sizeof(zero));
	ret = ret ?: l2_submit(md->dev, &d);
	if (ret)
		return ret;
	if (!hostdrv_run_until(rv->vm->m->p.hd, cr_written, &w, 4000000))
		return -ETIMEDOUT;
	l2_read(rv->vm, cr, &zero, sizeof(zero));
	return siov_cr_status(&zero) == SIOV_CS_SUCCESS ? 0 : -EIO;
}

/*
 * One move as a DSA user does it: a descriptor that stops at a page fault
 * (the device retries a block-on-fault descriptor only so many times, and
 * a large move over cold memory needs a page request per page) reports
 * the bytes done in its record; the rest is submitted again while it
 * makes progress.
 */
static int move(struct run_vm *rv, struct run_mdev *md, u64 src, u64 dst,
		u32 len, u64 cr)
{
	u32 done = 0;

	for (;;) {
		struct siov_cr rec;
		u32 n;
		int st = l2_memmove(md->dev, src + done, dst + done,
				    len - done, cr);

		if (st != SIOV_CS_PAGE_FAULT ||
		    l2_read(rv->vm, cr, &rec, sizeof(rec)))
			return st;
		n = siov_cr_bytes(&rec);
		if (!n || n >= len - done)
			return st;
		done += n;
		md->resumed++;
	}
}

/* No page of L1 RAM under L2's [gpa, + len) is backed by the host. */
static bool reclaimed_by_host(struct run *r, struct run_vm *rv, u64 gpa,
			      u64 len)
{
	u64 l1 = rv->vm->ram_l1 + gpa, hpa;

	for (u64 a = l1 & ~(SCN_PAGE - 1); a < l1 + len; a += SCN_PAGE)
		if (!sim_vm_gpa_to_hpa(r->m.p.vm, a, &hpa))
			return false;
	return true;
}

/*
 * The device can wait for the host to back a page of L1 under this mdev:
 * PASID mode (portal mmap'ed, page requests on) with block on fault.
 * Software mediation runs its WQs without page requests; there, as for
 * any device that cannot fault, the host keeps what it may DMA to (VFIO
 * type1 pins a guest's RAM), so it reclaims nothing.
 */
static bool device_faults_on_l1(const struct run_mdev *md)
{
	return md->dev->portal && md->dev->bof;
}

/*
 * Memory pressure on the host (machine.host_reclaim): it takes back the
 * first pages of L1 RAM under the destination half of the VM's buffer.
 * The device faults on the second stage, so nothing pins L1's memory on
 * the host, and L1 cannot tell: nmdev keeps its pins and first-stage
 * mappings, and the device's next access faults in the host's stage
 * only.  The model drops the content (it has no swap), so only
 * destination pages are taken, which the next moves write before anyone
 * reads them.  As after any change of the VM's second stage, what the
 * IOMMU and the device cached of it is invalidated.
 */
static u64 host_reclaim(struct run *r, struct run_vm *rv)
{
	u64 half = rv->sv->wl.span / 2, base = rv->vm->ram_l1 + rv->buf + half;
	u64 n = r->sc.machine.host_reclaim, done = 0;
	int ret;

	if (n > half / SCN_PAGE)
		n = half / SCN_PAGE;
	for (u64 p = 0; p < n; p++)
		done += !sim_vm_unpopulate(r->m.p.vm, base + p * SCN_PAGE);
	ret = done ? shadow_vm_ss_changed(r->m.sh) ?:
		     hostdrv_flush_vm(r->m.p.hd, r->m.p.vm) : 0;
	if (ret && !r->reclaim_err)
		r->reclaim_err = ret;
	return done;
}

/*
 * Move i copies [o, o + size) of the source half to the destination
 * half, o = (i mod slots) * size.  Where no earlier move of the VM wrote,
 * the destination is fresh L2 RAM (zero: the device's write is its first
 * touch); so is one whose L1 pages the host reclaimed (it comes back
 * zero, through a second-stage fault).  Elsewhere it is first filled with
 * another pattern.  Either way a move that did not happen cannot pass the
 * check.
 */
static void workload(struct run *r, struct run_vm *rv, u32 slot,
		     struct run_mdev *md)
{
	const struct scn_workload *wl = &rv->sv->wl;
	u64 half = wl->span / 2, slots = half / wl->size;
	u64 cr = rv->cr + (u64)slot * SIOV_CR_SIZE;
	u64 fs0, ss0, fs1, ss1;

	fault_counts(r, &fs0, &ss0);
	if (wl->memmoves && prime_cr(rv, md, cr)) {
		md->errors += wl->memmoves;
		return;
	}
	for (u32 i = 0; i < wl->memmoves; i++) {
		u64 o = (i % slots) * wl->size;
		u8 seed = (u8)(i * 37 + slot * 101 + 1);
		int st;

		if (l2_fill(rv->vm, rv->buf + o, wl->size, seed) ||
		    ((i >= slots || i < rv->used_slots) &&
		     !reclaimed_by_host(r, rv, rv->buf + half + o, wl->size) &&
		     l2_fill(rv->vm, rv->buf + half + o, wl->size,
			     (u8)(seed ^ 0x5a)))) {
			md->errors++;
			continue;
		}
		st = move(rv, md, rv->buf + o, rv->buf + half + o, wl->size,
			  cr);
		if (st != SIOV_CS_SUCCESS) {
			md->errors++;
			continue;
		}
		md->ops++;
		md->bytes += wl->size;
		if (!l2_check(rv->vm, rv->buf + half + o, wl->size, seed))
			md->bad_data++;
	}
	if (rv->used_slots < wl->memmoves)
		rv->used_slots = wl->memmoves < slots ? wl->memmoves : slots;
	fault_counts(r, &fs1, &ss1);
	md->fs_faults += fs1 - fs0;
	md->ss_faults += ss1 - ss0;
}

static void run_workloads(struct run *r)
{
	for (u32 pass = 0; pass < r->passes; pass++) {
		for (u32 v = 0; v < r->sc.nvms; v++) {
			struct run_vm *rv = &r->vms[v];

			if (!rv->vm || !rv->buf || !rv->cr)
				continue;
			for (u32 i = 0; i < rv->sv->nmdevs; i++) {
				struct run_mdev *md = &r->md[rv->sv->mdevs[i]];

				if (!md->dev || md->attach_err)
					continue;
				if (pass && device_faults_on_l1(md))
					md->reclaimed += host_reclaim(r, rv);
				workload(r, rv, i, md);
			}
		}
	}
	for (u32 i = 0; i < r->sc.nmdevs; i++)
		if (!r->md[i].create_err)
			r->md[i].have_info = !l1_mdev_info(&r->m,
							   r->md[i].sm->uuid,
							   &r->md[i].info);
}

static void destroy_vms(struct run *r)
{
	for (u32 v = 0; v < r->sc.nvms; v++) {
		if (r->vms[v].vm)
			l2_vm_destroy(r->vms[v].vm);
		r->vms[v].vm = NULL;
	}
}

static void remove_mdevs(struct run *r)
{
	for (u32 i = 0; i < r->sc.nmdevs; i++) {
		int ret;

		if (r->md[i].create_err)
			continue;
		ret = l1_mdev_remove(&r->m, r->md[i].sm->uuid);
		if (ret && !r->remove_err)
			r->remove_err = ret;
	}
}

static void teardown(struct run *r)
{
	const struct lk_stats *ls;
	u64 t0 = r->m.p.s.now;

	r->lk_warns_before = lk_stats()->warns;
	switch (r->sc.teardown) {
	case SCN_TD_MDEV_REMOVE_FIRST:
		remove_mdevs(r);
		destroy_vms(r);
		break;
	case SCN_TD_L2_EXIT_FIRST:
		destroy_vms(r);
		remove_mdevs(r);
		break;
	case SCN_TD_RMMOD:
		l1_nmdev_unload(&r->m);
		destroy_vms(r);
		break;
	case SCN_TD_L1_CRASH:
		l1_crash(&r->m);
		r->l1_died = true;
		destroy_vms(r);
		break;
	case SCN_TD_VM_DESTROY:
		l1_host_vm_destroy(&r->m);
		r->l1_died = true;
		destroy_vms(r);
		break;
	default:
		break;
	}
	r->teardown_ns = r->m.p.s.now - t0;
	r->oracle_violations = r->m.p.s.oracle_violations;
	r->host_residue = l1_host_residue(&r->m);
	l1_shutdown(&r->m);
	ls = lk_stats();
	r->lk_leaks = ls->leaks;
	r->lk_warns = ls->warns;
	r->lk_lock_errors = ls->lock_errors;
	r->lk_pins_live = ls->pins_live;
	r->lk_unmap_pin_leaks = ls->unmap_pin_leaks;
	/* A dead L1 leaves its kernel's memory behind by definition. */
	r->teardown_clean = !r->host_residue && !r->remove_err &&
			    (r->l1_died ||
			     (!r->lk_leaks && !r->lk_unmap_pin_leaks));
}

static void judge(struct run *r)
{
	u64 created = 0, attached = 0, want_attach = 0, ops = 0, want_ops = 0;
	u64 errors = 0, bad = 0;

	for (u32 i = 0; i < r->sc.nmdevs; i++)
		created += !r->md[i].create_err;
	check(r, "mdevs_created", created == r->sc.nmdevs,
	      "%llu of %u", created, r->sc.nmdevs);
	for (u32 v = 0; v < r->sc.nvms; v++) {
		const struct scn_vm *sv = &r->sc.vms[v];

		for (u32 i = 0; i < sv->nmdevs; i++) {
			const struct run_mdev *md = &r->md[sv->mdevs[i]];

			want_attach++;
			attached += md->dev && !md->attach_err;
			want_ops += (u64)sv->wl.memmoves * r->passes;
			ops += md->ops;
			errors += md->errors;
			bad += md->bad_data;
		}
	}
	check(r, "l2_devices_up", attached == want_attach,
	      "%llu of %llu", attached, want_attach);
	check(r, "memmoves_completed", ops == want_ops && !errors,
	      "%llu of %llu, %llu failed", ops, want_ops, errors);
	check(r, "data_verified", !bad, "%llu moves with wrong data", bad);
	check(r, "isolation_oracle", !r->oracle_violations, "%llu violations",
	      r->oracle_violations);
	if (r->sc.machine.host_reclaim)
		check(r, "host_reclaim", !r->reclaim_err,
		      "invalidation after reclaim: %s",
		      r->reclaim_err ? strerror(-r->reclaim_err) : "ok");
	check(r, "host_residue", !r->host_residue,
	      "%llu objects held for the L1 VM", r->host_residue);
	check(r, "mdev_remove", !r->remove_err, "%s",
	      r->remove_err ? strerror(-r->remove_err) : "ok");
	if (!r->l1_died)
		check(r, "l1_kernel_clean",
		      !r->lk_leaks && !r->lk_unmap_pin_leaks &&
		      !r->lk_lock_errors,
		      "%llu leaks, %llu pins left after unmap, %llu lock errors",
		      r->lk_leaks, r->lk_unmap_pin_leaks, r->lk_lock_errors);
	/*
	 * A dead L1 is finished off without its drivers' cooperation: what
	 * its kernel WARNs about then is not a finding.
	 */
	if (r->l1_died)
		check(r, "l1_kernel_warnings", !r->lk_warns_before,
		      "%llu WARN_ON before the L1 died", r->lk_warns_before);
	else
		check(r, "l1_kernel_warnings", !r->lk_warns, "%llu WARN_ON",
		      r->lk_warns);
}

/* ---------------------------------------------------------------- */
/* Output                                                           */
/* ---------------------------------------------------------------- */
static const char *vm_name(const struct run *r, const struct scn_mdev *sm)
{
	return sm->vm >= 0 ? r->sc.vms[sm->vm].name : "-";
}

static bool has_pasid(const struct run_mdev *md)
{
	return md->have_info && md->info.pasid != ~0u &&
	       strcmp(md->info.mode, "sw");
}

/* The per-mdev table, totals, oracle, time and teardown lines. */
static void print_table(const struct run *r)
{
	u64 t_ops = 0, t_bytes = 0, t_fs = 0, t_ss = 0, t_pin = 0, t_sh = 0;
	u64 t_rec = 0;

	printf("\n%-36s  %-12s %4s %7s %-5s %8s %10s %6s %6s %6s %6s\n",
	       "nested mdev", "L2 VM", "WQ", "PASID", "mode", "ops", "bytes",
	       "fs-flt", "ss-flt", "pinned", "shadow");
	for (u32 i = 0; i < r->sc.nmdevs; i++) {
		const struct run_mdev *md = &r->md[i];
		char pasid[16] = "-", wq[8] = "-";

		if (md->create_err) {
			printf("%-36s  %-12s create failed: %s\n", md->sm->uuid,
			       vm_name(r, md->sm), strerror(-md->create_err));
			continue;
		}
		if (has_pasid(md))
			snprintf(pasid, sizeof(pasid), "%#x", md->info.pasid);
		if (md->have_info)
			snprintf(wq, sizeof(wq), "%u", md->info.wq);
		printf("%-36s  %-12s %4s %7s %-5s %8llu %10llu %6llu %6llu %6lld %6llu",
		       md->sm->uuid, vm_name(r, md->sm), wq, pasid,
		       md->have_info ? md->info.mode : "?", md->ops, md->bytes,
		       md->fs_faults, md->ss_faults,
		       md->have_info ? md->info.pinned : 0,
		       md->have_info ? md->info.shadow_entries : 0);
		if (md->attach_err)
			printf("  (attach failed: %s)", strerror(-md->attach_err));
		else if (md->errors || md->bad_data)
			printf("  (%llu failed, %llu bad data)", md->errors,
			       md->bad_data);
		putchar('\n');
		t_ops += md->ops;
		t_bytes += md->bytes;
		t_fs += md->fs_faults;
		t_ss += md->ss_faults;
		t_pin += md->have_info && md->info.pinned > 0 ? md->info.pinned : 0;
		t_sh += md->have_info ? md->info.shadow_entries : 0;
		t_rec += md->reclaimed;
	}
	printf("%-36s  %-12s %4s %7s %-5s %8llu %10llu %6llu %6llu %6llu %6llu\n",
	       "total", "", "", "", "", t_ops, t_bytes, t_fs, t_ss, t_pin, t_sh);
	if (r->sc.machine.host_reclaim)
		printf("\nhost reclaim: %llu L1 pages taken back under the destinations before the second pass; %llu second-stage faults resolved by the host\n",
		       t_rec, t_ss);
	printf("\nisolation oracle: %llu violations\n", r->oracle_violations);
	printf("simulated time: %llu.%03llu ms to the end of the workloads, teardown %llu.%03llu ms\n",
	       r->sim_time_ns / 1000000, r->sim_time_ns / 1000 % 1000,
	       r->teardown_ns / 1000000, r->teardown_ns / 1000 % 1000);
	printf("teardown (%s): %s; host residue %llu",
	       scenario_teardown_name(r->sc.teardown),
	       r->teardown_clean ? "clean" : "NOT clean", r->host_residue);
	if (r->l1_died)
		printf("; L1 kernel died (its %llu live objects are not leaks)\n",
		       r->lk_leaks);
	else
		printf("; L1 kernel leaks %llu, pins left %llu\n", r->lk_leaks,
		       r->lk_unmap_pin_leaks);
}

static void print_text(const struct run *r)
{
	const struct scn_machine *mc = &r->sc.machine;

	printf("nestmed run: %s, seed %llu\n", r->scn_name, mc->seed);
	printf("machine: L1 %llu MiB%s, vIOMMU PASIDs %s, nmdev.mode=%s, PF %u WQs, trap %llu ns\n",
	       mc->l1_ram >> 20, mc->lazy_l1_ram ? " (host-backed on first touch)" : "",
	       mc->vcmd ? "by VCMD" : "per PF", scenario_mode_name(mc->nmdev_mode),
	       mc->pf_wqs, mc->trap_ns);
	if (mc->host_reclaim)
		printf("workloads: 2 passes; before the second the host reclaims %u L1 pages under each mdev's destination\n",
		       mc->host_reclaim);
	if (r->booted)
		print_table(r);
	for (u32 i = 0; i < r->nchecks; i++)
		if (!r->checks[i].ok)
			printf("check failed: %s: %s\n", r->checks[i].name,
			       r->checks[i].detail);
	printf("result: %s (%u checks)\n", all_ok(r) ? "ok" : "FAILED",
	       r->nchecks);
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_json(const struct run *r)
{
	const struct scn_machine *mc = &r->sc.machine;
	u64 t_ops = 0, t_bytes = 0, t_fs = 0, t_ss = 0, t_pin = 0, t_sh = 0;
	u64 t_rec = 0;

	fputs("{\n  \"scenario\": ", stdout);
	json_str(r->scn_name);
	printf(",\n  \"seed\": %llu,\n", mc->seed);
	printf("  \"machine\": {\"l1_ram\": %llu, \"lazy_l1_ram\": %s, \"vcmd\": %s, \"nmdev_mode\": \"%s\", \"pf_wqs\": %u, \"trap_ns\": %llu, \"host_reclaim\": %u},\n",
	       mc->l1_ram, mc->lazy_l1_ram ? "true" : "false",
	       mc->vcmd ? "true" : "false", scenario_mode_name(mc->nmdev_mode),
	       mc->pf_wqs, mc->trap_ns, mc->host_reclaim);
	printf("  \"workload_passes\": %u,\n", r->passes);
	printf("  \"booted\": %s,\n", r->booted ? "true" : "false");
	if (!r->booted)
		printf("  \"boot_error\": %d,\n", r->boot_err);
	fputs("  \"mdevs\": [", stdout);
	for (u32 i = 0; r->booted && i < r->sc.nmdevs; i++) {
		const struct run_mdev *md = &r->md[i];
		long long pinned = md->have_info && md->info.pinned > 0 ?
				   md->info.pinned : 0;

		printf("%s\n    {\"uuid\": \"%s\", \"vm\": ", i ? "," : "",
		       md->sm->uuid);
		if (md->sm->vm >= 0)
			json_str(vm_name(r, md->sm));
		else
			fputs("null", stdout);
		printf(", \"created\": %s, \"create_error\": %d, \"attach_error\": %d",
		       md->create_err ? "false" : "true", md->create_err,
		       md->attach_err);
		if (md->have_info)
			printf(", \"wq\": %u", md->info.wq);
		else
			fputs(", \"wq\": null", stdout);
		if (has_pasid(md))
			printf(", \"pasid\": %u", md->info.pasid);
		else
			fputs(", \"pasid\": null", stdout);
		printf(", \"mode\": ");
		if (md->have_info)
			json_str(md->info.mode);
		else
			fputs("null", stdout);
		printf(", \"operations\": %llu, \"bytes\": %llu, \"errors\": %llu, \"bad_data\": %llu, \"resumed\": %llu",
		       md->ops, md->bytes, md->errors, md->bad_data,
		       md->resumed);
		printf(", \"fs_faults\": %llu, \"ss_faults\": %llu, \"host_reclaimed_pages\": %llu, \"pinned_pages\": %lld, \"shadow_entries\": %llu}",
		       md->fs_faults, md->ss_faults, md->reclaimed, pinned,
		       md->have_info ? md->info.shadow_entries : 0);
		t_ops += md->ops;
		t_bytes += md->bytes;
		t_fs += md->fs_faults;
		t_ss += md->ss_faults;
		t_pin += (u64)pinned;
		t_sh += md->have_info ? md->info.shadow_entries : 0;
		t_rec += md->reclaimed;
	}
	fputs("\n  ],\n", stdout);
	printf("  \"totals\": {\"operations\": %llu, \"bytes\": %llu, \"fs_faults\": %llu, \"ss_faults\": %llu, \"host_reclaimed_pages\": %llu, \"pinned_pages\": %llu, \"shadow_entries\": %llu},\n",
	       t_ops, t_bytes, t_fs, t_ss, t_rec, t_pin, t_sh);
	printf("  \"oracle_violations\": %llu,\n", r->oracle_violations);
	printf("  \"sim_time_ns\": %llu,\n", r->sim_time_ns);
	printf("  \"teardown\": {\"order\": \"%s\", \"clean\": %s, \"sim_ns\": %llu,\n",
	       scenario_teardown_name(r->sc.teardown),
	       r->teardown_clean ? "true" : "false", r->teardown_ns);
	printf("    \"host_residue\": %llu, \"l1_died\": %s, \"remove_error\": %d,\n",
	       r->host_residue, r->l1_died ? "true" : "false", r->remove_err);
	printf("    \"lk_leaks\": %llu, \"lk_pins_live\": %llu, \"lk_unmap_pin_leaks\": %llu,\n",
	       r->lk_leaks, r->lk_pins_live, r->lk_unmap_pin_leaks);
	printf("    \"lk_warns\": %llu, \"lk_warns_before_teardown\": %llu, \"lk_lock_errors\": %llu},\n",
	       r->lk_warns, r->lk_warns_before, r->lk_lock_errors);
	fputs("  \"checks\": [", stdout);
	for (u32 i = 0; i < r->nchecks; i++) {
		printf("%s\n    {\"name\": \"%s\", \"ok\": %s, \"detail\": ",
		       i ? "," : "", r->checks[i].name,
		       r->checks[i].ok ? "true" : "false");
		json_str(r->checks[i].detail);
		putchar('}');
	}
	printf("\n  ],\n  \"ok\": %s\n}\n", all_ok(r) ? "true" : "false");
}

/* ---------------------------------------------------------------- */
/* Command line                                                     */
/* ---------------------------------------------------------------- */
static const char run_usage[] =
	"usage: nestmed run [--scenario FILE] [--json] [--seed N] [--trace FILE] [--klog FILE]\n";

static int open_out(const char *opt, const char *path, FILE **f)
{
	if (!strcmp(path, "-")) {
		*f = stderr;
		return 0;
	}
	*f = fopen(path, "w");
	if (!*f)
		return cli_usage_error("run: %s %s: %s", opt, path,
				       strerror(errno));
	return 0;
}

int cmd_run(int argc, char **argv)
{
	const char *scn = NULL, *trace_path = NULL, *klog_path = NULL;
	FILE *trace = NULL, *klog = NULL;
	bool json = false, have_seed = false;
	unsigned long long seed = 0;
	char err[512];
	struct run *r;
	int ret;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(run_usage, stdout);
			return CLI_OK;
		} else if (!strcmp(a, "--scenario") || !strcmp(a, "--seed") ||
			   !strcmp(a, "--trace") || !strcmp(a, "--klog")) {
			if (i + 1 >= argc)
				return cli_usage_error("run: %s needs a value", a);
			if (!strcmp(a, "--scenario")) {
				scn = argv[++i];
			} else if (!strcmp(a, "--trace")) {
				trace_path = argv[++i];
			} else if (!strcmp(a, "--klog")) {
				klog_path = argv[++i];
			} else {
				char *end;

				errno = 0;
				seed = strtoull(argv[++i], &end, 0);
				if (errno || end == argv[i] || *end ||
				    argv[i][0] == '-' || !seed)
					return cli_usage_error("run: --seed: '%s' is not a number >= 1",
							       argv[i]);
				have_seed = true;
			}
		} else {
			fputs(run_usage, stderr);
			return cli_usage_error("run: unknown option '%s'", a);
		}
	}

	r = calloc(1, sizeof(*r));
	if (!r)
		return cli_usage_error("run: out of memory");
	ret = scn ? scenario_load(&r->sc, scn, err, sizeof(err)) :
		    scenario_default(&r->sc, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s\n", err);
		free(r);
		return CLI_USAGE;
	}
	r->scn_name = scn ? scn : "default scenario";
	if (have_seed)
		r->sc.machine.seed = seed;
	r->passes = r->sc.machine.host_reclaim ? 2 : 1;
	r->md = calloc(r->sc.nmdevs ? r->sc.nmdevs : 1, sizeof(*r->md));
	if (!r->md) {
		scenario_free(&r->sc);
		free(r);
		return cli_usage_error("run: out of memory");
	}
	for (u32 i = 0; i < r->sc.nmdevs; i++)
		r->md[i].sm = &r->sc.mdevs[i];
	ret = CLI_USAGE;
	if ((trace_path && open_out("--trace", trace_path, &trace)) ||
	    (klog_path && open_out("--klog", klog_path, &klog)))
		goto out;

	if (!boot(r, trace, klog)) {
		create_mdevs(r);
		start_vms(r);
		run_workloads(r);
		r->sim_time_ns = r->m.p.s.now;
		teardown(r);
		judge(r);
	} else {
		/* Linux 6.12 never allocates PASIDs through VCMD. */
		check(r, "boot", false, "%s%s", strerror(-r->boot_err),
		      r->boot_err == -EOPNOTSUPP && r->sc.machine.vcmd ?
		      " (vcmd: the L1's Linux 6.12 cannot use VCMD PASIDs)" :
		      "");
	}
	if (json)
		print_json(r);
	else
		print_text(r);
	ret = all_ok(r) ? CLI_OK : CLI_FAIL;
	if (ret && !klog) {
		const char *d = lk_dmesg();
		size_t n = d ? strlen(d) : 0;

		if (n)
			fprintf(stderr, "nestmed run: L1 kernel log (last lines):\n%s",
				d + (n > 4000 ? n - 4000 : 0));
	}
out:
	if (trace && trace != stderr)
		fclose(trace);
	if (klog && klog != stderr)
		fclose(klog);
	free(r->md);
	scenario_free(&r->sc);
	free(r);
	return ret;
}
