// SPDX-License-Identifier: GPL-2.0
/*
 * The demo machine (see platform.h): the glue between the S-IOV PF model
 * and the host IOMMU driver, and the PF driver's few register writes.
 */
#include "platform.h"

static u32 pf_cfg_read(void *dev, u32 off, unsigned int size)
{
	return siov_pf_cfg_read(dev, off, size);
}

static void pf_cfg_write(void *dev, u32 off, unsigned int size, u32 val)
{
	siov_pf_cfg_write(dev, off, size, val);
}

static const struct hostdrv_pci_ops pf_pci_ops = {
	.cfg_read = pf_cfg_read,
	.cfg_write = pf_cfg_write,
};

/* A PF whose ATS/PRI capabilities are hidden from the IOMMU driver. */
static u32 pf_cfg_read_no_ats(void *dev, u32 off, unsigned int size)
{
	u32 v = siov_pf_cfg_read(dev, off, size);

	/* Skip ATS and PRI in the chain: PASID's next is the DVSEC. */
	if (off == SIOV_CFG_PASID && size == 4)
		v = (v & 0xfffff) | (u32)SIOV_CFG_DVSEC << 20;
	return v;
}

static const struct hostdrv_pci_ops pf_pci_ops_no_ats = {
	.cfg_read = pf_cfg_read_no_ats,
	.cfg_write = pf_cfg_write,
};

static void pf_msi(void *ctx, u64 addr, u32 data, bool ims, u16 index)
{
	struct sim_platform *p = ctx;

	if (p->msi)
		p->msi(p->msi_ctx, addr, data, ims, index);
}

static const struct siov_pf_irq_ops pf_irq_ops = { .msi = pf_msi };

void sim_platform_set_msi(struct sim_platform *p,
			  void (*fn)(void *ctx, u64 addr, u32 data, bool ims,
				     u16 index),
			  void *ctx)
{
	p->msi = fn;
	p->msi_ctx = ctx;
}

void sim_platform_default_cfg(struct sim_platform_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->seed = 1;
	cfg->vm.name = "vm1";
	cfg->vm.ram_bytes = 16ULL << 20;
	cfg->vm.ss_levels = 4;
	cfg->vm.ss_page_lg2 = 12;
	sim_iommu_default_cfg(&cfg->iommu);
	siov_pf_default_cfg(&cfg->pf);
	hostdrv_default_cfg(&cfg->hd);
}

int sim_platform_init(struct sim_platform *p, const struct sim_platform_cfg *cfg)
{
	int ret;

	memset(p, 0, sizeof(*p));
	ret = sim_init(&p->s, cfg->seed);
	if (ret)
		return ret;
	p->s.trace = cfg->trace;
	p->s.mem = sim_mem_create(&p->s, cfg->host_pages);
	if (!p->s.mem)
		goto nomem;
	if (cfg->vm.ram_bytes) {
		p->vm = sim_vm_create(&p->s, &cfg->vm);
		if (!p->vm)
			goto nomem;
	}
	p->hd = hostdrv_create(&p->s, &cfg->iommu, &cfg->hd);
	if (!p->hd)
		goto nomem;
	p->pi = hostdrv_piommu(p->hd);
	p->pf = siov_pf_create(&p->s, &cfg->pf, hostdrv_iommu(p->hd),
			       &pf_irq_ops, p);
	if (!p->pf)
		goto nomem;
	p->rid = siov_pf_rid(p->pf);
	siov_pf_set_owner(p->pf, p->vm);
	/* PCI core: memory space + bus master; then the IOMMU driver. */
	siov_pf_cfg_write(p->pf, 0x04, 2, 0x0006);
	ret = hostdrv_attach_device(p->hd, p->rid,
				    cfg->no_ats ? &pf_pci_ops_no_ats : &pf_pci_ops,
				    p->pf, p->vm);
	if (ret)
		goto fail;
	/* The PF driver: device enable. */
	siov_pf_mmio_write(p->pf, SIOV_BAR0, SIOV_REG_GENCTRL, 4,
			   SIOV_GENCTRL_ENABLE);
	return 0;
nomem:
	ret = -ENOMEM;
fail:
	sim_platform_fini(p);
	return ret;
}

void sim_platform_fini(struct sim_platform *p)
{
	if (p->hd && p->pf)
		hostdrv_detach_device(p->hd, p->rid);
	siov_pf_destroy(p->pf);
	hostdrv_destroy(p->hd);
	p->pf = NULL;
	p->hd = NULL;
	sim_fini(&p->s);
}

int sim_platform_wq_enable(struct sim_platform *p, u32 wq, bool pasid_en,
			   u32 pasid, bool bof)
{
	u64 cfg0 = FIELD_PREP(SIOV_WQ_CFG0_SIZE, 32ULL);
	u64 sts;

	if (pasid_en)
		cfg0 |= SIOV_WQ_CFG0_PASID_EN |
			FIELD_PREP(SIOV_WQ_CFG0_PASID, (u64)pasid);
	if (bof)
		cfg0 |= SIOV_WQ_CFG0_BOF_EN;
	siov_pf_mmio_write(p->pf, SIOV_BAR0, siov_wqcfg_offset(wq, SIOV_WQ_CFG0),
			   8, cfg0);
	siov_pf_mmio_write(p->pf, SIOV_BAR0, siov_wqcfg_offset(wq, SIOV_WQ_CFG1),
			   8, 0);
	siov_pf_mmio_write(p->pf, SIOV_BAR0, siov_wqcfg_offset(wq, SIOV_WQ_CTL),
			   8, SIOV_WQ_CTL_ENABLE);
	sts = siov_pf_mmio_read(p->pf, SIOV_BAR0,
				siov_wqcfg_offset(wq, SIOV_WQ_STS), 8);
	return FIELD_GET(SIOV_WQ_STS_STATE, sts) == SIOV_WQ_ENABLED ? 0 : -EIO;
}

int sim_platform_wq_disable(struct sim_platform *p, u32 wq)
{
	siov_pf_mmio_write(p->pf, SIOV_BAR0, siov_wqcfg_offset(wq, SIOV_WQ_CTL),
			   8, 0);
	return 0;
}

int sim_platform_submit(struct sim_platform *p, u32 wq,
			const struct siov_desc *d)
{
	return siov_pf_portal_write(p->pf, siov_portal_offset(wq), d,
				    SIOV_DESC_SIZE);
}

static bool pf_idle(void *arg)
{
	return siov_pf_idle(arg);
}

bool sim_platform_run_idle(struct sim_platform *p, u64 max_events)
{
	return hostdrv_run_until(p->hd, pf_idle, p->pf, max_events);
}
