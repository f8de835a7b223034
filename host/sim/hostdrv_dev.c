// SPDX-License-Identifier: GPL-2.0
/*
 * Host driver: devices (PCI PASID/PRI/ATS enable, context entry, RID_PASID
 * domain) and the DIDs of host domains and VMs.
 */
#include "hostdrv_internal.h"

/* PCI config space (include/uapi/linux/pci_regs.h, Linux 6.12). */
#define PCI_EXT_CAP_START	0x100
#define PCI_EXT_CAP_ID_ATS	0x0f
#define PCI_EXT_CAP_ID_PRI	0x13
#define PCI_EXT_CAP_ID_PASID	0x1b
#define PCI_ATS_CTRL		0x06
#define PCI_ATS_CTRL_ENABLE	0x8000
#define PCI_PRI_CTRL		0x04
#define PCI_PRI_CTRL_ENABLE	0x0001
#define PCI_PRI_CTRL_RESET	0x0002
#define PCI_PRI_MAX_REQ		0x08
#define PCI_PRI_ALLOC_REQ	0x0c
#define PCI_PASID_CAP		0x04
#define PCI_PASID_CAP_EXEC	0x0002
#define PCI_PASID_CAP_PRIV	0x0004
#define PCI_PASID_CTRL		0x06
#define PCI_PASID_CTRL_ENABLE	0x0001
#define PCI_PASID_CTRL_EXEC	0x0002
#define PCI_PASID_CTRL_PRIV	0x0004

/* ------------------------------------------------------------------ */
/* DIDs and VMs                                                       */
/* ------------------------------------------------------------------ */
static u16 did_alloc(struct hostdrv *hd)
{
	for (u32 d = 1; d <= hd->cfg.host_dids; d++) {
		if (!hd->did_used[d]) {
			hd->did_used[d] = 1;
			hd->st.dids_allocated++;
			return (u16)d;
		}
	}
	return 0;
}

static void did_free(struct hostdrv *hd, u16 did)
{
	if (did && did <= hd->cfg.host_dids && hd->did_used[did]) {
		hd->did_used[did] = 0;
		hd->st.dids_freed++;
	}
}

static u16 vm_get(struct hostdrv *hd, struct sim_vm *vm)
{
	struct hd_vm *v = &hd->vms[sim_vm_id(vm)];

	if (!v->refs) {
		v->did = did_alloc(hd);
		if (!v->did)
			return 0;
	}
	v->refs++;
	return v->did;
}

static void vm_put(struct hostdrv *hd, const struct sim_vm *vm)
{
	struct hd_vm *v = &hd->vms[sim_vm_id(vm)];

	if (v->refs && !--v->refs) {
		did_free(hd, v->did);
		v->did = 0;
	}
}

u16 hostdrv_vm_did(struct hostdrv *hd, const struct sim_vm *vm)
{
	if (!vm || sim_vm_id(vm) > SIM_MAX_VMS)
		return 0;
	return hd->vms[sim_vm_id(vm)].refs ? hd->vms[sim_vm_id(vm)].did : 0;
}

/* ------------------------------------------------------------------ */
/* Devices                                                            */
/* ------------------------------------------------------------------ */
static u16 find_ext_cap(struct hd_dev *d, u16 id)
{
	u32 off = PCI_EXT_CAP_START;

	for (int n = 0; off && n < 64; n++) {
		u32 hdr = d->ops->cfg_read(d->dev, off, 4);

		if (!hdr || hdr == ~0u)
			return 0;
		if ((hdr & 0xffff) == id)
			return (u16)off;
		off = (hdr >> 20) & 0xffc;
		if (off < PCI_EXT_CAP_START)
			return 0;
	}
	return 0;
}

/* pci_enable_pasid/pri/ats, in Linux's order (PASID before ATS). */
static void enable_pci_caps(struct hostdrv *hd, struct hd_dev *d)
{
	struct hostdrv_dev_info *i = &d->info;

	d->pasid_off = find_ext_cap(d, PCI_EXT_CAP_ID_PASID);
	d->pri_off = find_ext_cap(d, PCI_EXT_CAP_ID_PRI);
	d->ats_off = find_ext_cap(d, PCI_EXT_CAP_ID_ATS);
	if (d->pasid_off) {
		u16 cap = (u16)d->ops->cfg_read(d->dev, d->pasid_off + PCI_PASID_CAP, 2);
		u16 ctl = PCI_PASID_CTRL_ENABLE;
		u8 w = (cap >> 8) & 0x1f;

		i->pasid_exec = (cap & PCI_PASID_CAP_EXEC) && vtd_ecap_ers(hd->ecap);
		i->pasid_priv = (cap & PCI_PASID_CAP_PRIV) && vtd_ecap_srs(hd->ecap);
		ctl |= i->pasid_exec ? PCI_PASID_CTRL_EXEC : 0;
		ctl |= i->pasid_priv ? PCI_PASID_CTRL_PRIV : 0;
		d->ops->cfg_write(d->dev, d->pasid_off + PCI_PASID_CTRL, 2, ctl);
		i->pasid = true;
		i->pasid_bits = min(w, hd->pasid_bits);
	}
	if (d->pri_off && i->pasid && vtd_ecap_prs(hd->ecap)) {
		u32 cap = d->ops->cfg_read(d->dev, d->pri_off + PCI_PRI_MAX_REQ, 4);

		d->ops->cfg_write(d->dev, d->pri_off + PCI_PRI_CTRL, 2,
				  PCI_PRI_CTRL_RESET);
		d->ops->cfg_write(d->dev, d->pri_off + PCI_PRI_ALLOC_REQ, 4, cap);
		d->ops->cfg_write(d->dev, d->pri_off + PCI_PRI_CTRL, 2,
				  PCI_PRI_CTRL_ENABLE);
		i->pri = true;
		i->pri_alloc = cap;
	}
	if (d->ats_off && vtd_ecap_dt(hd->ecap)) {
		/* STU 0: 4 KiB translations. */
		d->ops->cfg_write(d->dev, d->ats_off + PCI_ATS_CTRL, 2,
				  PCI_ATS_CTRL_ENABLE);
		i->ats = true;
	}
}

static void disable_pci_caps(struct hd_dev *d)
{
	if (d->info.ats)
		d->ops->cfg_write(d->dev, d->ats_off + PCI_ATS_CTRL, 2, 0);
	if (d->info.pri)
		d->ops->cfg_write(d->dev, d->pri_off + PCI_PRI_CTRL, 2, 0);
	if (d->info.pasid)
		d->ops->cfg_write(d->dev, d->pasid_off + PCI_PASID_CTRL, 2, 0);
}

int hostdrv_attach_device(struct hostdrv *hd, u16 rid,
			  const struct hostdrv_pci_ops *ops, void *dev,
			  struct sim_vm *vm)
{
	struct vtd_sm_context_entry ce;
	struct vtd_pasid_entry pe;
	struct hd_dev *d = NULL;
	u64 dir_bytes;
	int ret;

	if (!ops || !ops->cfg_read || !ops->cfg_write)
		return hd_refuse(hd, -EINVAL);
	if (hd_find_dev(hd, rid))
		return hd_refuse(hd, -EEXIST);
	for (int i = 0; i < HD_MAX_DEVS && !d; i++)
		if (!hd->devs[i].used)
			d = &hd->devs[i];
	if (!d)
		return hd_refuse(hd, -ENOSPC);
	memset(d, 0, sizeof(*d));
	d->rid = rid;
	d->ops = ops;
	d->dev = dev;
	enable_pci_caps(hd, d);
	if (!d->info.pasid) {
		disable_pci_caps(d);
		return hd_refuse(hd, -ENODEV);
	}
	/* PASID bits 19:6 index the directory: 2^(PDTS + 7) entries. */
	d->info.pdts = d->info.pasid_bits > 13 ? d->info.pasid_bits - 13 : 0;
	dir_bytes = 8ULL << (d->info.pdts + 7);
	d->dir_pages = (dir_bytes + VSVA_PAGE_SIZE - 1) / VSVA_PAGE_SIZE;
	ret = sim_mem_alloc_run(hd->m, d->dir_pages, 12, &d->info.pasid_dir);
	if (ret) {
		disable_pci_caps(d);
		return hd_refuse(hd, ret);
	}
	d->used = true;
	d->info.rid_pasid = VTD_RID_PASID_DEFAULT;
	/* RID_PASID: the VM's pass-through domain, or host identity. */
	if (vm) {
		d->info.rid_did = vm_get(hd, vm);
		d->vm = vm;
		hd_pe_common(hd, &pe, VTD_PGTT_SS, d->info.rid_did);
		ret = d->info.rid_did ? hd_pe_set_ss(hd, &pe, vm) : -ENOSPC;
	} else {
		d->info.rid_did = did_alloc(hd);
		hd_pe_set_pt(hd, &pe, d->info.rid_did);
		ret = d->info.rid_did ? 0 : -ENOSPC;
	}
	if (!ret)
		ret = hd_install(hd, rid, d->info.rid_pasid, &pe);
	if (ret)
		goto fail;
	memset(&ce, 0, sizeof(ce));
	vtd_sce_set_paside(&ce, 1);
	vtd_sce_set_dte(&ce, d->info.ats);
	vtd_sce_set_pre(&ce, d->info.pri);
	vtd_sce_set_pdts(&ce, d->info.pdts);
	vtd_sce_set_pasiddirptr(&ce, d->info.pasid_dir);
	if (vtd_ecap_rps(hd->ecap))
		vtd_sce_set_rid_pasid(&ce, d->info.rid_pasid);
	vtd_sce_set_p(&ce, 1);
	ret = hd_write_context(hd, rid, &ce);
	if (ret)
		goto fail;
	hd->st.devices_attached++;
	sim_trace(hd->s, "hostdrv", "rid %04x attached: dir %#llx pdts %u%s%s rid_pasid did %u (%s)",
		  rid, (unsigned long long)d->info.pasid_dir, d->info.pdts,
		  d->info.ats ? " DTE" : "", d->info.pri ? " PRE" : "",
		  d->info.rid_did, vm ? sim_vm_name(vm) : "host pass-through");
	/* Not-present context entries are cached only in caching mode. */
	if (vtd_cap_cm(hd->cap)) {
		struct vsva_inv_op op = { .kind = VSVA_INV_CC,
					  .gran = VSVA_INV_G_DEVICE,
					  .sid = rid };

		hd_iq_submit(hd, &op, 1, false);
	}
	return 0;
fail:
	if (vm)
		vm_put(hd, vm);
	else
		did_free(hd, d->info.rid_did);
	hd_free_pasid_tables(hd, d);
	disable_pci_caps(d);
	d->used = false;
	return hd_refuse(hd, ret);
}

int hostdrv_detach_device(struct hostdrv *hd, u16 rid)
{
	struct hd_dev *d = hd_find_dev(hd, rid);
	struct vtd_sm_context_entry ce;

	if (!d)
		return hd_refuse(hd, -ENODEV);
	hd_teardown_all(hd, d);
	/* Context entry: clear, then context cache (device), PASID cache,
	 * IOTLB and device TLB of the RID (domain_context_clear_one). */
	memset(&ce, 0, sizeof(ce));
	hd_write_context(hd, rid, &ce);
	{
		struct vsva_inv_op ops[4] = {
			{ .kind = VSVA_INV_CC, .gran = VSVA_INV_G_DEVICE,
			  .did = 0, .sid = rid },
			{ .kind = VSVA_INV_PC, .gran = VSVA_INV_G_DOMAIN,
			  .did = d->info.rid_did },
			{ .kind = VSVA_INV_IOTLB, .gran = VSVA_INV_G_DOMAIN,
			  .did = d->info.rid_did },
			{ .kind = VSVA_INV_DEVTLB, .sid = rid, .pfsid = rid,
			  .size_lg2 = 64 },
		};

		hd_iq_submit(hd, ops, d->info.ats ? 4 : 3, false);
	}
	if (d->vm)
		vm_put(hd, d->vm);
	else
		did_free(hd, d->info.rid_did);
	hd_free_pasid_tables(hd, d);
	disable_pci_caps(d);
	d->used = false;
	hd->st.devices_detached++;
	sim_trace(hd->s, "hostdrv", "rid %04x detached", rid);
	return 0;
}

int hostdrv_dev_info(struct hostdrv *hd, u16 rid, struct hostdrv_dev_info *out)
{
	struct hd_dev *d = hd_find_dev(hd, rid);

	if (!d)
		return -ENODEV;
	*out = d->info;
	return 0;
}

int hostdrv_flush_vm(struct hostdrv *hd, const struct sim_vm *vm)
{
	struct vsva_inv_op ops[1 + HD_MAX_DEVS];
	u16 did = hostdrv_vm_did(hd, vm);
	unsigned int n = 0;

	if (!did)
		return hd_refuse(hd, -ENOENT);
	memset(ops, 0, sizeof(ops));
	ops[n].kind = VSVA_INV_IOTLB;
	ops[n].gran = VSVA_INV_G_DOMAIN;
	ops[n++].did = did;
	for (int i = 0; i < HD_MAX_DEVS; i++) {
		struct hd_dev *d = &hd->devs[i];

		if (!d->used || d->vm != vm || !d->info.ats)
			continue;
		ops[n].kind = VSVA_INV_DEVTLB;
		ops[n].sid = d->rid;
		ops[n].pfsid = d->rid;
		ops[n++].size_lg2 = 64;
	}
	return hd_iq_submit(hd, ops, n, false);
}

