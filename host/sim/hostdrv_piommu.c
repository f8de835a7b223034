// SPDX-License-Identifier: GPL-2.0
/*
 * Host driver: the struct piommu ops, thin wrappers over the driver.
 */
#include "hostdrv_internal.h"

static int pi_get_caps(struct piommu *p, struct piommu_caps *caps)
{
	struct hostdrv *hd = hostdrv_from_piommu(p);

	caps->cap = hd_rd(hd, VTD_CAP_REG, 8);
	caps->ecap = hd_rd(hd, VTD_ECAP_REG, 8);
	caps->pasid_bits = hd->pasid_bits;
	caps->did_min = hd->cfg.host_dids + 1;
	caps->did_max = (u16)((1U << vtd_cap_did_bits(hd->cap)) - 1);
	return 0;
}

static int pi_set_nested(struct piommu *p, u16 rid, u32 pasid, u16 did,
			 const struct piommu_fs_cfg *fs, struct sim_vm *vm)
{
	return hd_set_nested(hostdrv_from_piommu(p), rid, pasid, did, fs, vm);
}

static int pi_set_ss(struct piommu *p, u16 rid, u32 pasid, u16 did,
		     struct sim_vm *vm)
{
	return hd_set_ss(hostdrv_from_piommu(p), rid, pasid, did, vm);
}

static int pi_set_fs(struct piommu *p, u16 rid, u32 pasid, u16 did,
		     const struct piommu_fs_cfg *fs)
{
	return hd_set_fs(hostdrv_from_piommu(p), rid, pasid, did, fs);
}

static int pi_set_ss_table(struct piommu *p, u16 rid, u32 pasid, u16 did,
			   u64 root, u8 levels)
{
	return hd_set_ss_table(hostdrv_from_piommu(p), rid, pasid, did, root,
			       levels);
}

static int pi_clear(struct piommu *p, u16 rid, u32 pasid)
{
	return hd_clear(hostdrv_from_piommu(p), rid, pasid);
}

static int pi_inv_submit(struct piommu *p, const struct vsva_inv_op *ops,
			 unsigned int n)
{
	return hostdrv_inv_submit(hostdrv_from_piommu(p), ops, n);
}

static int pi_page_response(struct piommu *p, u16 rid, bool pasid_present,
			    u32 pasid, u16 prg_index, u8 code)
{
	return hostdrv_page_response(hostdrv_from_piommu(p), rid, pasid_present,
				     pasid, prg_index, code);
}

static void pi_set_handlers(struct piommu *p, const struct piommu_handlers *h)
{
	hostdrv_set_handlers(hostdrv_from_piommu(p), h);
}

static void pi_poll(struct piommu *p)
{
	hostdrv_poll(hostdrv_from_piommu(p));
}

const struct piommu_ops hd_piommu_ops = {
	.get_caps = pi_get_caps,
	.set_nested = pi_set_nested,
	.set_ss = pi_set_ss,
	.set_fs = pi_set_fs,
	.set_ss_table = pi_set_ss_table,
	.clear = pi_clear,
	.inv_submit = pi_inv_submit,
	.page_response = pi_page_response,
	.set_handlers = pi_set_handlers,
	.poll = pi_poll,
};

struct hostdrv *hostdrv_from_piommu(struct piommu *p)
{
	return container_of(p, struct hostdrv, pi);
}

struct piommu *hostdrv_piommu(struct hostdrv *hd)
{
	return &hd->pi;
}
