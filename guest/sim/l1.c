// SPDX-License-Identifier: GPL-2.0
/*
 * The nested machine (see l1.h): the host of tests/host/e2e_fixture.c
 * (platform, shadow engine + vIOMMU, fault router) with the L1 VM booted
 * into the simulated Linux 6.12 (guest/sim/lk) and nmdev.ko on its PF.
 *
 * The L1 VMM (QEMU + VFIO) is here too: the PF's config space, BARs and
 * portals reach L1 unchanged but for PASID/ATS/PRI control (VFIO leaves
 * those to the host), its MSI-X messages are forwarded to L1, and a VM
 * reset or destroy resets the function.
 *
 * The host component's thread: the e2e fixture's test drives it
 * (hostdrv_run_until), but L1 also waits in loops of its own
 * (read_poll_timeout, flush_workqueue, trapped accesses) that run the sim
 * without polling the host driver, where a descriptor parked on a page
 * request would wait for nothing.  So while the PF has work, an event
 * polls every L1_HOST_POLL_NS, as the host thread runs beside the vCPUs.
 */
#include <stdlib.h>
#include <string.h>

#include "l1.h"

#define L1_TYPE_DIR	"/sys/class/mdev_bus/" L1_PF_NAME \
			"/mdev_supported_types/" L1_MDEV_TYPE
#define L1_RUN_EVENTS	4000000ULL

/* ---- the host thread -------------------------------------------------- */

static void host_thread(struct sim *s, void *arg);

static void host_thread_arm(struct l1 *m)
{
	if (!m->poll_armed &&
	    !sim_schedule(&m->p.s, L1_HOST_POLL_NS, host_thread, m))
		m->poll_armed = true;
}

static void host_thread(struct sim *s, void *arg)
{
	struct l1 *m = arg;

	m->poll_armed = false;
	hostdrv_poll(m->p.hd);
	if (!siov_pf_idle(m->p.pf) || hostdrv_pending(m->p.hd))
		host_thread_arm(m);
}

static bool never(void *ctx)
{
	return false;
}

void l1_run(struct l1 *m, u64 max_events)
{
	hostdrv_run_until(m->p.hd, never, NULL, max_events);
}

static bool pf_idle(void *pf)
{
	return siov_pf_idle(pf);
}

static void run_idle(struct l1 *m)
{
	hostdrv_run_until(m->p.hd, pf_idle, m->p.pf, L1_RUN_EVENTS);
}

/* ---- the PF and the vIOMMU as L1 sees them ------------------------------- */

static u32 pf_cfg_read(void *ctx, u32 off, unsigned int size)
{
	return siov_pf_cfg_read(((struct l1 *)ctx)->p.pf, off, size);
}

static void pf_cfg_write(void *ctx, u32 off, unsigned int size, u32 val)
{
	/* PASID, ATS and PRI control are the host IOMMU driver's. */
	if (off < SIOV_CFG_PASID)
		siov_pf_cfg_write(((struct l1 *)ctx)->p.pf, off, size, val);
}

static u64 pf_mmio_read(void *ctx, unsigned int bar, u64 off,
			unsigned int size)
{
	return siov_pf_mmio_read(((struct l1 *)ctx)->p.pf, bar, off, size);
}

static void pf_mmio_write(void *ctx, unsigned int bar, u64 off,
			  unsigned int size, u64 val)
{
	siov_pf_mmio_write(((struct l1 *)ctx)->p.pf, bar, off, size, val);
}

static int pf_portal_write(void *ctx, unsigned int bar, u64 off,
			   const void *data, unsigned int len)
{
	struct l1 *m = ctx;
	int ret;

	if (!m->up || bar != SIOV_BAR2)
		return m->up ? -EINVAL : -ENODEV;
	ret = siov_pf_portal_write(m->p.pf, off, data, len);
	host_thread_arm(m);
	return ret;
}

static const struct lk_pci_ops l1_pf_ops = {
	.cfg_read = pf_cfg_read,
	.cfg_write = pf_cfg_write,
	.mmio_read = pf_mmio_read,
	.mmio_write = pf_mmio_write,
	.portal_write = pf_portal_write,
};

static void l1_pf_msi(void *ctx, u64 addr, u32 data, bool ims, u16 index)
{
	if (((struct l1 *)ctx)->up)
		lk_msi(addr, data);
}

/*
 * vIOMMU registers: an exit the host completes before L1 goes on (a dead
 * L1's leftover interrupt threads read nothing pending).
 */
static u64 viommu_access(struct l1 *m, u32 off, unsigned int size, u64 val,
			 bool write)
{
	bool in_lk = m->lk_live;

	if (!m->up || !m->v)
		return 0;
	if (in_lk)
		lk_cpu_exit_enter();
	if (write)
		viommu_write(m->v, off, size, val);
	else
		val = viommu_read(m->v, off, size);
	if (in_lk)
		lk_cpu_exit_leave();
	return val;
}

static u64 viommu_mmio_read(void *ctx, u32 off, unsigned int size)
{
	return viommu_access(ctx, off, size, 0, false);
}

static void viommu_mmio_write(void *ctx, u32 off, unsigned int size, u64 val)
{
	viommu_access(ctx, off, size, val, true);
}

static void l1_viommu_irq(void *ctx, u32 data, u64 addr)
{
	struct l1 *m = ctx;

	m->guest_irqs++;
	if (m->up)
		gvtd_irq(&m->u, data, addr);
}

/* ---- boot and the end of L1 ----------------------------------------------- */

static int host_up(struct l1 *m)
{
	struct sim_platform_cfg pc;
	struct shadow_cfg sc = { 0 };
	int ret;

	sim_platform_default_cfg(&pc);
	pc.seed = m->cfg.seed;
	pc.trace = m->cfg.trace;
	pc.vm.ram_bytes = m->cfg.ram_bytes;
	pc.vm.ss_page_lg2 = 12;
	pc.vm.lazy = m->cfg.lazy;
	pc.pf.nr_wqs = m->cfg.nr_wqs;
	if (m->cfg.nr_msix)
		pc.pf.nr_msix = m->cfg.nr_msix;
	ret = sim_platform_init(&m->p, &pc);
	if (ret) {
		memset(&m->p, 0, sizeof(m->p));	/* it tore itself down */
		return ret;
	}
	sim_platform_set_msi(&m->p, l1_pf_msi, m);
	ret = hostdrv_dev_info(m->p.hd, m->p.rid, &m->di);
	if (ret)
		return ret;
	sc.s = &m->p.s;
	sc.vm = m->p.vm;
	sc.piommu = m->p.pi;
	sc.phys_rid = m->p.rid;
	sc.guest_rid = L1_PF_GRID;
	viommu_default_policy(&sc.policy);
	sc.guest_irq = l1_viommu_irq;
	sc.irq_ctx = m;
	m->sh = shadow_create(&sc);
	m->v = m->sh ? shadow_viommu(m->sh) : NULL;
	m->fr = m->v ? fault_router_create_shadow(m->sh, &m->p.s,
						  m->di.rid_pasid, NULL) : NULL;
	return m->fr ? 0 : -ENOMEM;
}

/*
 * intel_iommu_init(): the unit, the PF (without a PASID capability for
 * cfg.no_pasid: the vIOMMU cannot hide ECAP.PASID), translation on, the
 * RID in an identity domain (iommu=pt) so that L1's DMA API hands out L1
 * physical addresses, which the host's RID_PASID domain translates.
 */
static int guest_iommu_up(struct l1 *m)
{
	struct gvtd_cfg c = {
		.mmio = { viommu_mmio_read, viommu_mmio_write, m },
		.s = &m->p.s, .mem = &m->g,
		.fault_vector = L1_FAULT_VEC, .prq_vector = L1_PRQ_VEC,
	};
	struct gvtd_dev_cfg dc = {
		.rid = L1_PF_GRID, .ats = true, .pri = true,
		.pasid_bits = m->cfg.no_pasid ? 0 : SIOV_PASID_WIDTH,
		.prg_resp_pasid_required = true,
	};
	int ret;

	ret = gmem_init_vm(&m->g, m->p.s.mem, m->p.vm, L1_KERN_BASE,
			   L1_L2_BASE - L1_KERN_BASE);
	if (ret)
		return ret;
	m->gvtd_live = true;
	ret = gvtd_probe(&m->u, &c);
	if (ret)
		return ret;
	m->gdev = gvtd_probe_device(&m->u, &dc);
	if (!m->gdev)
		return -ENODEV;
	gvtd_enable_translation(&m->u);
	m->rid_dom = gvtd_domain_alloc(&m->u, GVTD_DOMAIN_IDENTITY);
	return m->rid_dom ? gvtd_attach_dev(m->rid_dom, m->gdev) : -ENOMEM;
}

int l1_boot(struct l1 *m, const struct l1_cfg *cfg)
{
	struct lk_pci_dev_cfg pc = {
		.bus = L1_PF_GRID >> 8, .devfn = L1_PF_GRID & 0xff,
		.bar_addr = { [SIOV_BAR0] = L1_BAR0_ADDR,
			      [SIOV_BAR2] = L1_BAR2_ADDR },
		.ops = &l1_pf_ops, .ctx = m, .msi_base = L1_PF_MSI_BASE,
	};
	struct lk_cfg lc;
	int ret;

	memset(m, 0, sizeof(*m));
	if (cfg)
		m->cfg = *cfg;
	m->cfg.seed = m->cfg.seed ? m->cfg.seed : 1;
	m->cfg.ram_bytes = m->cfg.ram_bytes ? m->cfg.ram_bytes : L1_DEFAULT_RAM;
	m->cfg.nr_wqs = m->cfg.nr_wqs ? m->cfg.nr_wqs : SIOV_DEFAULT_WQS;
	if (m->cfg.ram_bytes <= L1_L2_BASE || m->cfg.ram_bytes >= L1_BAR0_ADDR)
		return -EINVAL;
	/*
	 * Linux 6.12 takes PASIDs from its own IDA (of VCMD only the
	 * capability bits remain in drivers/iommu/intel): under a VCMD-only
	 * vIOMMU every entry it wrote would be refused.
	 */
	if (m->cfg.vcmd)
		return -EOPNOTSUPP;
	m->l2_next = L1_L2_BASE;
	ret = host_up(m);
	m->up = !ret;
	ret = ret ?: guest_iommu_up(m);
	if (ret)
		goto fail;
	lc = (struct lk_cfg){
		.s = &m->p.s, .vm = m->p.vm, .ram_bytes = m->cfg.ram_bytes,
		.mem = &m->g, .iommu = &m->u, .work_ns = m->cfg.work_ns,
		.trap_ns = m->cfg.trap_ns, .log = m->cfg.klog,
		.loglevel = m->cfg.loglevel,
	};
	ret = lk_init(&lc);
	if (ret)
		goto fail;
	m->lk_live = true;
	pc.bar_len[SIOV_BAR0] = siov_pf_bar_size(m->p.pf, SIOV_BAR0);
	pc.bar_len[SIOV_BAR2] = siov_pf_bar_size(m->p.pf, SIOV_BAR2);
	pc.iommu_dev = m->gdev;
	m->pdev = lk_pci_add(&pc);
	ret = m->pdev ? l1_nmdev_load(m) : -ENOMEM;
	if (!ret)
		return 0;
fail:
	l1_shutdown(m);
	return ret;
}

int l1_nmdev_load(struct l1 *m)
{
	int ret;

	if (!m->up || m->nmdev_loaded)
		return m->up ? -EEXIST : -ENODEV;
	/* Always: the parameter is the driver's static, it outlives L1. */
	ret = lk_module_param_set("nmdev", "mode", m->cfg.nmdev_mode ?
				  m->cfg.nmdev_mode : "auto");
	if (ret && (ret != -ENOENT || m->cfg.nmdev_mode))
		return ret;
	ret = nmdev_module_init();
	m->nmdev_loaded = !ret;
	return ret;
}

void l1_nmdev_unload(struct l1 *m)
{
	if (m->up && m->nmdev_loaded)
		nmdev_module_exit();
	m->nmdev_loaded = false;
}

/*
 * The L1 VM stops: its kernel is gone at once (lk_fini drops its pending
 * work and counts what it held as leaks), and the host resets the PF as
 * VFIO does when the VM resets or lets the device go.
 */
static void l1_stop(struct l1 *m)
{
	m->up = false;
	m->nmdev_loaded = false;
	m->pdev = NULL;
	if (m->lk_live)
		lk_fini();
	m->lk_live = false;
	siov_pf_mmio_write(m->p.pf, SIOV_BAR0, SIOV_REG_GENCTRL, 4, 0);
	siov_pf_mmio_write(m->p.pf, SIOV_BAR0, SIOV_REG_CMD, 4,
			   FIELD_PREP(SIOV_CMD_CODE, SIOV_CMD_RESET_DEVICE));
}

void l1_crash(struct l1 *m)
{
	if (!m->up)
		return;
	l1_stop(m);
	/* The router answers what is outstanding, then entries go. */
	shadow_guest_reset(m->sh);
	run_idle(m);
}

static void host_vm_gone(struct l1 *m)
{
	fault_router_destroy(m->fr);
	shadow_destroy(m->sh);
	m->fr = NULL;
	m->sh = NULL;
	m->v = NULL;
}

void l1_host_vm_destroy(struct l1 *m)
{
	if (m->up)
		l1_stop(m);
	host_vm_gone(m);
	if (m->p.hd)
		run_idle(m);
}

void l1_shutdown(struct l1 *m)
{
	if (m->up) {
		l1_nmdev_unload(m);
		if (m->pdev)
			lk_pci_remove(m->pdev);
		if (m->gdev)
			gvtd_release_device(m->gdev);
		gvtd_domain_free(m->rid_dom);
		m->gdev = NULL;
		m->rid_dom = NULL;
		if (m->gvtd_live)
			gvtd_remove(&m->u);
		m->up = false;
	}
	if (m->lk_live)
		lk_fini();
	m->lk_live = false;
	if (m->gvtd_live) {
		/* A dead L1's IOMMU driver: its memory, no word to the unit. */
		if (m->gdev) {
			free(m->gdev->pasid_array);
			free(m->gdev->partial);
			free(m->gdev);
		}
		gvtd_domain_free(m->rid_dom);
		free(m->u.domain_ids);
		free(m->u.pasid_ida);
		free(m->u.devs);
		gmem_fini(&m->g);
		m->gvtd_live = false;
	}
	if (m->p.hd)
		sim_cancel(&m->p.s, host_thread, m);
	host_vm_gone(m);
	if (m->p.s.mem)
		sim_platform_fini(&m->p);
	memset(&m->p, 0, sizeof(m->p));
}

/* ---- the L1 admin ---------------------------------------------------------- */

static long long read_number(const char *path)
{
	char buf[64], *end;
	ssize_t n = lk_sysfs_read(path, buf, sizeof(buf) - 1);
	long long v;

	if (n < 0)
		return n;
	buf[n] = 0;
	v = strtoll(buf, &end, 0);
	return end == buf ? -EINVAL : v;
}

long long l1_mdev_attr(struct l1 *m, const char *uuid, const char *attr)
{
	char path[160];

	if (!m->up)
		return -ENODEV;
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/nmdev/%s",
		 uuid, attr);
	return read_number(path);
}

long l1_mdev_available(struct l1 *m)
{
	return m->up ? read_number(L1_TYPE_DIR "/available_instances") :
		       -ENODEV;
}

/* The physical PASID of a guest PASID (identity unless shadowed else). */
static u32 phys_pasid(struct l1 *m, u32 pasid)
{
	struct shadow_pasid_info si;

	return m->sh && !shadow_lookup_guest(m->sh, pasid, &si) ?
	       si.phys_pasid : pasid;
}

int l1_mdev_create(struct l1 *m, const char *uuid)
{
	long long pasid;
	int ret;

	if (!m->up)
		return -ENODEV;
	ret = lk_sysfs_write(L1_TYPE_DIR "/create", uuid);
	pasid = ret ? -1 : l1_mdev_attr(m, uuid, "pasid");
	if (pasid > 0 && pasid < (1LL << SIOV_PASID_WIDTH)) {
		u32 i, phys = phys_pasid(m, (u32)pasid);

		for (i = 0; i < m->nphys_pasids && m->phys_pasids[i] != phys;)
			i++;
		if (i == m->nphys_pasids && i < L1_MAX_PASIDS)
			m->phys_pasids[m->nphys_pasids++] = phys;
	}
	return ret;
}

int l1_mdev_remove(struct l1 *m, const char *uuid)
{
	char path[128];

	if (!m->up)
		return -ENODEV;
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/remove", uuid);
	return lk_sysfs_write(path, "1");
}

static bool phys_entry_present(struct l1 *m, u32 phys)
{
	struct vtd_pasid_entry pe = { { 0 } };

	return m->p.hd && !hostdrv_read_pasid_entry(m->p.hd, m->p.rid, phys,
						     &pe, NULL) &&
	       (pe.val[0] & 1);
}

int l1_mdev_info(struct l1 *m, const char *uuid, struct l1_mdev_info *info)
{
	char path[160];
	long long pasid;
	ssize_t n;

	memset(info, 0, sizeof(*info));
	if (!m->up)
		return -ENODEV;
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/nmdev/mode",
		 uuid);
	n = lk_sysfs_read(path, info->mode, sizeof(info->mode) - 1);
	if (n < 0)
		return (int)n;
	info->mode[strcspn(info->mode, "\n")] = 0;
	snprintf(info->uuid, sizeof(info->uuid), "%s", uuid);
	info->wq = (u32)l1_mdev_attr(m, uuid, "wq");
	pasid = l1_mdev_attr(m, uuid, "pasid");
	info->pasid = pasid < 0 ? ~0u : (u32)pasid;	/* "none": sw mode */
	info->pinned = l1_mdev_attr(m, uuid, "pinned_pages");
	info->faults = l1_mdev_attr(m, uuid, "faults");
	info->faults_invalid = l1_mdev_attr(m, uuid, "faults_invalid");
	if (pasid >= 0)
		info->shadow_entries = phys_entry_present(m, phys_pasid(m,
								       (u32)pasid));
	/*
	 * The fault router counts per VM, not per PASID: these are the
	 * page requests of the machine's one L1 VM, by class.
	 */
	if (m->fr) {
		info->fs_faults = fault_router_stats(m->fr)->by_class[FR_CLASS_FS];
		info->ss_faults = fault_router_stats(m->fr)->by_class[FR_CLASS_SS];
	}
	return 0;
}

/* ---- memory and invariants ----------------------------------------------------- */

u64 l1_alloc_l2_ram(struct l1 *m, u64 bytes)
{
	u64 base = m->l2_next;

	bytes = (bytes + SIM_PAGE_SIZE - 1) & ~(SIM_PAGE_SIZE - 1);
	if (!bytes || bytes > m->cfg.ram_bytes - base)
		return 0;
	m->l2_next += bytes;
	return base;
}

/* The CPU touches [gpa, + len): a lazy VM's pages are backed first. */
static int l1_touch(struct l1 *m, u64 gpa, u64 len)
{
	if (!m->p.vm || !len || gpa + len < gpa ||
	    gpa + len > m->cfg.ram_bytes)
		return -EFAULT;
	for (u64 a = gpa & ~(SIM_PAGE_SIZE - 1); m->cfg.lazy && a < gpa + len;
	     a += SIM_PAGE_SIZE)
		if (sim_vm_populate(m->p.vm, a))
			return -ENOMEM;
	return 0;
}

int l1_read(struct l1 *m, u64 gpa, void *buf, u64 len)
{
	return l1_touch(m, gpa, len) ?:
	       sim_mem_read(m->p.s.mem, sim_vm_id(m->p.vm), gpa, buf, len);
}

int l1_write(struct l1 *m, u64 gpa, const void *buf, u64 len)
{
	return l1_touch(m, gpa, len) ?:
	       sim_mem_write(m->p.s.mem, sim_vm_id(m->p.vm), gpa, buf, len);
}

u64 l1_host_residue(struct l1 *m)
{
	u64 r = m->p.pf ? siov_pf_prg_outstanding(m->p.pf) : 0;

	if (m->sh)
		r += shadow_live_pasids(m->sh) + shadow_live_dids(m->sh) +
		     shadow_stats(m->sh)->sst_pages;
	if (m->fr)
		r += fault_router_outstanding(m->fr);
	for (u32 i = 0; i < m->nphys_pasids; i++)
		r += phys_entry_present(m, m->phys_pasids[i]);
	return r;
}
