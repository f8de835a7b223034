// SPDX-License-Identifier: GPL-2.0
/*
 * Host driver: root, context and PASID tables; PASID entry install and
 * tear-down (Linux intel_pasid_tear_down_entry()).
 */
#include "hostdrv_internal.h"

/*
 * Write a table entry of @nqw qwords so that qword 0 (holding P) lands
 * last (6.5.3.3: every other field visible before P is set).
 */
static int write_entry(struct hostdrv *hd, u64 a, const u64 *val,
		       unsigned int nqw)
{
	int ret = 0;

	if (nqw > 1)
		ret = hd_mwr(hd, a + 8, &val[1], 8ULL * (nqw - 1));
	dma_wmb();
	return ret ? ret : hd_mwr(hd, a, &val[0], 8);
}

struct hd_dev *hd_find_dev(struct hostdrv *hd, u16 rid)
{
	for (int i = 0; i < HD_MAX_DEVS; i++)
		if (hd->devs[i].used && hd->devs[i].rid == rid)
			return &hd->devs[i];
	return NULL;
}

/* Address of the entry of @pasid; allocate its table when @alloc. */
static int pasid_entry_addr(struct hostdrv *hd, struct hd_dev *d, u32 pasid,
			    bool alloc, u64 *out)
{
	u64 pde_a = d->info.pasid_dir + 8ULL * (pasid >> VTD_PASID_DIR_SHIFT);
	struct vtd_pasid_dir_entry pde;
	u64 tbl;
	int ret;

	*out = 0;
	if (pasid >= (1U << d->info.pasid_bits))
		return -EINVAL;
	ret = hd_mrd(hd, pde_a, pde.val, 8);
	if (ret)
		return ret;
	if (!vtd_pde_p(&pde)) {
		if (!alloc)
			return -ENOENT;
		ret = sim_mem_alloc_page(hd->m, &tbl);
		if (ret)
			return ret;
		hd->st.pasid_tables++;
		pde.val[0] = 0;
		vtd_pde_set_smptblptr(&pde, tbl);
		vtd_pde_set_p(&pde, 1);
		ret = hd_mwr(hd, pde_a, pde.val, 8);
		if (ret)
			return ret;
		sim_trace(hd->s, "hostdrv", "rid %04x: PASID table %#llx for PASIDs %#x..%#x",
			  d->rid, (unsigned long long)tbl,
			  pasid & ~(VTD_PASID_TBL_ENTRIES - 1),
			  pasid | (VTD_PASID_TBL_ENTRIES - 1));
	}
	*out = vtd_pde_smptblptr(&pde) +
	       VTD_PASID_ENTRY_SIZE * (u64)(pasid % VTD_PASID_TBL_ENTRIES);
	return 0;
}

int hostdrv_read_pasid_entry(struct hostdrv *hd, u16 rid, u32 pasid,
			     struct vtd_pasid_entry *pe, u64 *hpa)
{
	struct hd_dev *d = hd_find_dev(hd, rid);
	u64 a;
	int ret;

	memset(pe, 0, sizeof(*pe));
	if (hpa)
		*hpa = 0;
	if (!d)
		return -ENODEV;
	ret = pasid_entry_addr(hd, d, pasid, false, &a);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return ret;
	if (hpa)
		*hpa = a;
	return hd_mrd(hd, a, pe->val, sizeof(pe->val));
}

static u8 ss_aw(u8 levels)
{
	return levels == 5 ? 3 : levels == 4 ? 2 : levels == 3 ? 1 : 0;
}

/* Fields shared by every entry the driver writes. */
void hd_pe_common(struct hostdrv *hd, struct vtd_pasid_entry *pe, u8 pgtt,
		  u16 did)
{
	memset(pe, 0, sizeof(*pe));
	vtd_pe_set_pgtt(pe, pgtt);
	vtd_pe_set_did(pe, did);
	/* Linux pasid_set_page_snoop(): PWSNP when walks are coherent. */
	vtd_pe_set_pwsnp(pe, vtd_ecap_smpwc(hd->ecap));
}

/* A pass-through entry of domain @did. */
void hd_pe_set_pt(struct hostdrv *hd, struct vtd_pasid_entry *pe, u16 did)
{
	hd_pe_common(hd, pe, VTD_PGTT_PT, did);
	/* AW still bounds the input address of pass-through (9.6). */
	vtd_pe_set_aw(pe, vtd_cap_sagaw(hd->cap) & VTD_SAGAW_57 ? 3 : 2);
}

int hd_pe_set_ss(struct hostdrv *hd, struct vtd_pasid_entry *pe,
		 const struct sim_vm *vm)
{
	u8 aw = ss_aw(sim_vm_ss_levels(vm));

	if (!aw || !(vtd_cap_sagaw(hd->cap) & BIT(aw)))
		return -EOPNOTSUPP;
	vtd_pe_set_aw(pe, aw);
	vtd_pe_set_slptptr(pe, sim_vm_ss_root(vm));
	return 0;
}

static int pe_set_fs(struct hostdrv *hd, struct vtd_pasid_entry *pe,
		     const struct piommu_fs_cfg *fs, bool gpa)
{
	if (fs->levels != 4 && fs->levels != 5)
		return -EINVAL;
	if (fs->levels == 5 && !vtd_cap_fl5lp(hd->cap))
		return -EOPNOTSUPP;
	if ((fs->sre && !vtd_ecap_srs(hd->ecap)) ||
	    (fs->eafe && !vtd_ecap_eafs(hd->ecap)))
		return -EOPNOTSUPP;
	if ((fs->root & ~VSVA_PAGE_MASK) ||
	    (!gpa && (fs->root & vtd_above_haw(hd->haw))))
		return -EINVAL;
	vtd_pe_set_flptptr(pe, fs->root);
	vtd_pe_set_flpm(pe, fs->levels == 5 ? VTD_FSPM_5LVL : VTD_FSPM_4LVL);
	vtd_pe_set_sre(pe, fs->sre);
	vtd_pe_set_wpe(pe, fs->wpe);
	vtd_pe_set_eafe(pe, fs->eafe);
	return 0;
}

/* PASID cache + IOTLB flush of a PASID's entry (pasid_flush_caches). */
static int flush_pasid_entry(struct hostdrv *hd, u16 did, u32 pasid)
{
	struct vsva_inv_op ops[2] = {
		{ .kind = VSVA_INV_PC, .gran = VSVA_INV_G_PASID, .did = did,
		  .pasid = pasid },
		{ .kind = VSVA_INV_PIOTLB, .gran = VSVA_INV_G_PASID, .did = did,
		  .pasid = pasid },
	};

	return hd_iq_submit(hd, ops, 2, false);
}

/* Install @pe (P set here, last) where no present entry is. */
int hd_install(struct hostdrv *hd, u16 rid, u32 pasid,
	       struct vtd_pasid_entry *pe)
{
	struct hd_dev *d = hd_find_dev(hd, rid);
	struct vtd_pasid_entry cur;
	u64 a;
	int ret;

	if (!d)
		return -ENODEV;
	ret = pasid_entry_addr(hd, d, pasid, true, &a);
	if (ret)
		return ret;
	ret = hd_mrd(hd, a, cur.val, sizeof(cur.val));
	if (ret)
		return ret;
	if (vtd_pe_p(&cur))
		return -EBUSY;
	vtd_pe_set_p(pe, 1);
	ret = write_entry(hd, a, pe->val, 8);
	if (ret)
		return ret;
	hd->st.pasid_set[vtd_pe_pgtt(pe)]++;
	sim_trace(hd->s, "hostdrv", "rid %04x pasid %#x: entry at %#llx pgtt=%llu did=%llu",
		  rid, pasid, (unsigned long long)a,
		  (unsigned long long)vtd_pe_pgtt(pe),
		  (unsigned long long)vtd_pe_did(pe));
	/* Not-present entries are cached only in caching mode (CM). */
	if (vtd_cap_cm(hd->cap))
		return flush_pasid_entry(hd, (u16)vtd_pe_did(pe), pasid);
	return 0;
}

/* Checks common to the pIOMMU entry calls. */
static int check_guest_pasid(struct hostdrv *hd, u16 rid, u32 pasid, u16 did)
{
	struct hd_dev *d = hd_find_dev(hd, rid);

	if (!d)
		return -ENODEV;
	if (pasid >= (1U << d->info.pasid_bits) || pasid == d->info.rid_pasid)
		return -EINVAL;
	if (did <= hd->cfg.host_dids ||
	    did > (1U << vtd_cap_did_bits(hd->cap)) - 1)
		return -EINVAL;
	return 0;
}

int hd_set_nested(struct hostdrv *hd, u16 rid, u32 pasid, u16 did,
		  const struct piommu_fs_cfg *fs, struct sim_vm *vm)
{
	struct vtd_pasid_entry pe;
	int ret = check_guest_pasid(hd, rid, pasid, did);

	if (!ret && (!fs || !vm))
		ret = -EINVAL;
	if (!ret && !vtd_ecap_nest(hd->ecap))
		ret = -EOPNOTSUPP;
	if (ret)
		return hd_refuse(hd, ret);
	hd_pe_common(hd, &pe, VTD_PGTT_NESTED, did);
	ret = pe_set_fs(hd, &pe, fs, true);
	if (!ret)
		ret = hd_pe_set_ss(hd, &pe, vm);
	if (!ret)
		ret = hd_install(hd, rid, pasid, &pe);
	return hd_refuse(hd, ret);
}

int hd_set_ss(struct hostdrv *hd, u16 rid, u32 pasid, u16 did,
	      struct sim_vm *vm)
{
	struct vtd_pasid_entry pe;
	int ret = check_guest_pasid(hd, rid, pasid, did);

	if (!ret && !vm)
		ret = -EINVAL;
	if (!ret && !vtd_ecap_slts(hd->ecap))
		ret = -EOPNOTSUPP;
	if (ret)
		return hd_refuse(hd, ret);
	hd_pe_common(hd, &pe, VTD_PGTT_SS, did);
	ret = hd_pe_set_ss(hd, &pe, vm);
	if (!ret)
		ret = hd_install(hd, rid, pasid, &pe);
	return hd_refuse(hd, ret);
}

int hd_set_fs(struct hostdrv *hd, u16 rid, u32 pasid, u16 did,
	      const struct piommu_fs_cfg *fs)
{
	struct vtd_pasid_entry pe;
	int ret = check_guest_pasid(hd, rid, pasid, did);

	if (!ret && !fs)
		ret = -EINVAL;
	if (!ret && !vtd_ecap_flts(hd->ecap))
		ret = -EOPNOTSUPP;
	if (ret)
		return hd_refuse(hd, ret);
	hd_pe_common(hd, &pe, VTD_PGTT_FS, did);
	ret = pe_set_fs(hd, &pe, fs, false);
	if (!ret)
		ret = hd_install(hd, rid, pasid, &pe);
	return hd_refuse(hd, ret);
}

/* Second stage over a host-built table (software shadow SS). */
int hd_set_ss_table(struct hostdrv *hd, u16 rid, u32 pasid, u16 did,
		    u64 root, u8 levels)
{
	struct vtd_pasid_entry pe;
	u8 aw = ss_aw(levels);
	int ret = check_guest_pasid(hd, rid, pasid, did);

	if (!ret && (!aw || (root & ~VSVA_PAGE_MASK) ||
		     (root & vtd_above_haw(hd->haw))))
		ret = -EINVAL;
	if (!ret && (!vtd_ecap_slts(hd->ecap) ||
		     !(vtd_cap_sagaw(hd->cap) & BIT(aw))))
		ret = -EOPNOTSUPP;
	if (ret)
		return hd_refuse(hd, ret);
	hd_pe_common(hd, &pe, VTD_PGTT_SS, did);
	vtd_pe_set_aw(&pe, aw);
	vtd_pe_set_slptptr(&pe, root);
	return hd_refuse(hd, hd_install(hd, rid, pasid, &pe));
}

int hostdrv_set_pt(struct hostdrv *hd, u16 rid, u32 pasid, u16 did)
{
	struct hd_dev *d = hd_find_dev(hd, rid);
	struct vtd_pasid_entry pe;

	if (!d)
		return hd_refuse(hd, -ENODEV);
	if (!vtd_ecap_pt(hd->ecap))
		return hd_refuse(hd, -EOPNOTSUPP);
	if (!did || did > (1U << vtd_cap_did_bits(hd->cap)) - 1)
		return hd_refuse(hd, -EINVAL);
	hd_pe_set_pt(hd, &pe, did);
	return hd_refuse(hd, hd_install(hd, rid, pasid, &pe));
}

/* intel_pasid_tear_down_entry(), for a present entry. */
static int teardown(struct hostdrv *hd, struct hd_dev *d, u32 pasid)
{
	struct vtd_pasid_entry pe;
	struct vsva_inv_op ops[3];
	unsigned int n = 0;
	u16 did;
	u8 pgtt;
	u64 a;
	int ret, ret2;

	ret = pasid_entry_addr(hd, d, pasid, false, &a);
	if (ret)
		return ret == -ENOENT ? -ENOENT : ret;
	ret = hd_mrd(hd, a, pe.val, sizeof(pe.val));
	if (ret)
		return ret;
	if (!vtd_pe_p(&pe))
		return -ENOENT;
	did = (u16)vtd_pe_did(&pe);
	pgtt = (u8)vtd_pe_pgtt(&pe);
	/* 1. Clear P: the unit stops using the entry at its next read. */
	vtd_pe_clear_present(&pe);
	hd_mwr(hd, a, &pe.val[0], 8);
	/* 2-4. PASID cache, IOTLB, device TLB: one submission. */
	memset(ops, 0, sizeof(ops));
	ops[n].kind = VSVA_INV_PC;
	ops[n].gran = VSVA_INV_G_PASID;
	ops[n].did = did;
	ops[n++].pasid = pasid;
	if (pgtt == VTD_PGTT_PT || pgtt == VTD_PGTT_FS) {
		ops[n].kind = VSVA_INV_PIOTLB;
		ops[n].gran = VSVA_INV_G_PASID;
		ops[n].did = did;
		ops[n++].pasid = pasid;
	} else {
		/* SS-tagged entries are DID-only: domain-selective (Linux). */
		ops[n].kind = VSVA_INV_IOTLB;
		ops[n].gran = VSVA_INV_G_DOMAIN;
		ops[n++].did = did;
	}
	if (d->info.ats) {
		ops[n].sid = d->rid;
		ops[n].pfsid = d->rid;
		ops[n].addr = 0;
		ops[n].size_lg2 = 64;
		if (pasid == d->info.rid_pasid) {
			ops[n++].kind = VSVA_INV_DEVTLB;
		} else {
			ops[n].kind = VSVA_INV_PDEVTLB;
			ops[n].gran = VSVA_INV_G_PASID;
			ops[n++].pasid = pasid;
		}
	}
	ret = hd_iq_submit(hd, ops, n, false);
	/* 5. Clear the entry. */
	memset(pe.val, 0, sizeof(pe.val));
	hd_mwr(hd, a, pe.val, sizeof(pe.val));
	hd->st.pasid_cleared++;
	sim_trace(hd->s, "hostdrv", "rid %04x pasid %#x: entry cleared (did %u)",
		  d->rid, pasid, did);
	/* 6. Drain page requests in flight for it (PD inv-wait). */
	ret2 = hd_iq_submit(hd, NULL, 0, true);
	return ret ? ret : ret2;
}

int hd_clear(struct hostdrv *hd, u16 rid, u32 pasid)
{
	struct hd_dev *d = hd_find_dev(hd, rid);

	if (!d)
		return hd_refuse(hd, -ENODEV);
	if (pasid >= (1U << d->info.pasid_bits) || pasid == d->info.rid_pasid)
		return hd_refuse(hd, -EINVAL);
	return hd_refuse(hd, teardown(hd, d, pasid));
}

int hd_write_context(struct hostdrv *hd, u16 rid,
		     const struct vtd_sm_context_entry *ce)
{
	u8 bus = rid >> 8, devfn = rid & 0xff;
	struct vtd_root_entry re;
	u64 ctp;
	int ret;

	ret = hd_mrd(hd, hd->rta + 16ULL * bus, re.val, sizeof(re.val));
	if (ret)
		return ret;
	if (!vtd_sre_present(&re, devfn)) {
		ret = sim_mem_alloc_page(hd->m, &ctp);
		if (ret)
			return ret;
		hd->st.ctx_tables++;
		vtd_sre_set_ctp_present(&re, devfn, ctp);
		ret = hd_mwr(hd, hd->rta + 16ULL * bus, re.val, sizeof(re.val));
		if (ret)
			return ret;
	}
	ctp = vtd_sre_ctp(&re, devfn);
	return write_entry(hd, ctp + 32ULL * (devfn & 127), ce->val, 4);
}

/* Whether directory entry @i is present; its PASID table in @tbl. */
static bool pasid_table_at(struct hostdrv *hd, struct hd_dev *d, u64 i,
			   u64 *tbl)
{
	struct vtd_pasid_dir_entry pde;

	if (hd_mrd(hd, d->info.pasid_dir + 8 * i, pde.val, 8) ||
	    !vtd_pde_p(&pde))
		return false;
	*tbl = vtd_pde_smptblptr(&pde);
	return true;
}

/* Tear down every present PASID entry of @d. */
void hd_teardown_all(struct hostdrv *hd, struct hd_dev *d)
{
	u64 entries = 1ULL << (d->info.pdts + 7);

	for (u64 i = 0; i < entries; i++) {
		u64 tbl;

		if (!pasid_table_at(hd, d, i, &tbl))
			continue;
		for (u32 p = 0; p < VTD_PASID_TBL_ENTRIES; p++)
			teardown(hd, d, (u32)(i << VTD_PASID_DIR_SHIFT) | p);
	}
}

void hd_free_pasid_tables(struct hostdrv *hd, struct hd_dev *d)
{
	u64 entries = 1ULL << (d->info.pdts + 7);

	for (u64 i = 0; i < entries; i++) {
		u64 tbl;

		if (pasid_table_at(hd, d, i, &tbl))
			sim_mem_free_page(hd->m, tbl);
	}
	sim_mem_free_run(hd->m, d->info.pasid_dir, d->dir_pages);
}

