// SPDX-License-Identifier: GPL-2.0
/*
 * lk PCI core and memory against the simulated S-IOV PF (host/sim/
 * siov_pf.h): enumeration and capabilities from its real config space,
 * config accessor checks, a driver binding with managed BAR mappings, MSI-X
 * vectors programmed into the PF's table and its interrupt messages
 * dispatched to a handler, portal stores (MOVDIR64B) executed by the PF
 * into coherent DMA memory, the managed release on unbind, and the direct
 * map of L1 RAM.  A second, fake device with a hand-made config space
 * covers capability walks over malformed lists.
 *
 * The PF sits behind no IOMMU here: its DMA addresses are host-physical.
 */
#include <lk/linux.h>
#include <kunit/test.h>

#include "lk/lk_internal.h"
#include "lk_test_pf.h"
#include "gmem.h"
#include "siov_pf.h"

#define PT_RAM		(8ULL << 20)
#define PT_KERN_BASE	(4ULL << 20)	/* gmem: dma_alloc_coherent pages */
#define PT_BAR0		0xf0000000ULL
#define PT_BAR2		0xf1000000ULL
#define PT_DEVFN	0x18		/* 00:03.0 */
#define PT_FAKE_DEVFN	0x20		/* 00:04.0 */
#define PT_MSI_BASE	0x60

struct pt {
	struct sim s;
	struct sim_vm *vm;
	struct gmem g;
	struct siov_pf *pf;
	struct pci_dev *pdev;
	bool lk;
	u8 fake_cfg[PCI_CFG_SPACE_EXP_SIZE];
};

/* ---- the PF as a PCI device ----------------------------------------- */


/* The PF's MSI-X messages reach the L1 CPUs. */
static void pf_msi(void *ctx, u64 addr, u32 data, bool ims, u16 index)
{
	lk_msi(addr, data);
}

static const struct siov_pf_irq_ops pf_irq_ops = { .msi = pf_msi };

/* ---- a fake device: config space only ----------------------------------- */

static u32 fake_cfg_read(void *ctx, u32 off, unsigned int size)
{
	u8 *c = ctx;
	u32 v = 0;

	for (unsigned int i = 0; i < size; i++)
		v |= (u32)c[off + i] << (8 * i);
	return v;
}

static void fake_cfg_write(void *ctx, u32 off, unsigned int size, u32 val)
{
}

static u64 fake_mmio_read(void *ctx, unsigned int bar, u64 off,
			  unsigned int size)
{
	return 0;
}

static void fake_mmio_write(void *ctx, unsigned int bar, u64 off,
			    unsigned int size, u64 val)
{
}

static const struct lk_pci_ops fake_ops = {
	.cfg_read = fake_cfg_read, .cfg_write = fake_cfg_write,
	.mmio_read = fake_mmio_read, .mmio_write = fake_mmio_write,
};

static void put32(u8 *c, u32 off, u32 v)
{
	put_unaligned_le32(v, c + off);
}

/* ---- the test driver ---------------------------------------------------- */

static struct tdrv {
	void __iomem *bar0, *bar2;
	int nvec, irq;
	int fail_at;		/* probe step that fails (0: none) */
	bool keep_irq;		/* remove forgets free_irq */
	u32 probes, removes, irqs;
	int last_irq;
} td;

static irqreturn_t tdrv_irq(int irq, void *dev_id)
{
	struct tdrv *t = dev_id;

	t->irqs++;
	t->last_irq = irq;
	return IRQ_HANDLED;
}

static int tdrv_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	int ret;

	td.probes++;
	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	td.bar0 = pcim_iomap_region(pdev, SIOV_BAR0, "tdrv");
	if (IS_ERR(td.bar0))
		return PTR_ERR(td.bar0);
	td.bar2 = pcim_iomap_region(pdev, SIOV_BAR2, "tdrv");
	if (IS_ERR(td.bar2))
		return PTR_ERR(td.bar2);
	if (td.fail_at == 1)
		return -EIO;
	pci_set_master(pdev);
	td.nvec = pci_alloc_irq_vectors(pdev, 2, 4, PCI_IRQ_MSIX);
	if (td.nvec < 0)
		return td.nvec;
	if (td.fail_at == 2)
		return -EIO;
	td.irq = pci_irq_vector(pdev, SIOV_MSIX_VEC_ERR);
	ret = request_irq(td.irq, tdrv_irq, 0, "tdrv", &td);
	if (ret)
		return ret;
	pci_set_drvdata(pdev, &td);
	return 0;
}

static void tdrv_remove(struct pci_dev *pdev)
{
	td.removes++;
	if (!td.keep_irq)
		free_irq(td.irq, &td);
}

static const struct pci_device_id tdrv_ids[] = {
	{ PCI_DEVICE(SIOV_PCI_VENDOR_ID, SIOV_PCI_DEVICE_ID) },
	{ }
};

static struct pci_driver tdrv = {
	.name = "tdrv", .id_table = tdrv_ids,
	.probe = tdrv_probe, .remove = tdrv_remove,
};

/* ---- fixture -------------------------------------------------------------- */

static struct pci_dev *pt_add_pf(struct pt *t)
{
	struct lk_pci_dev_cfg pc = {
		.bus = 0, .devfn = PT_DEVFN, .ops = &lk_test_pf_ops, .ctx = t->pf,
		.msi_base = PT_MSI_BASE,
	};

	pc.bar_addr[SIOV_BAR0] = PT_BAR0;
	pc.bar_len[SIOV_BAR0] = siov_pf_bar_size(t->pf, SIOV_BAR0);
	pc.bar_addr[SIOV_BAR2] = PT_BAR2;
	pc.bar_len[SIOV_BAR2] = siov_pf_bar_size(t->pf, SIOV_BAR2);
	return lk_pci_add(&pc);
}

static void pt_exit(struct kunit *test)
{
	struct pt *t = test->priv;

	if (!t)
		return;
	if (t->lk) {
		if (tdrv.lk_node.next)
			pci_unregister_driver(&tdrv);
		lk_fini();
		/* Every test cleans up after itself. */
		KUNIT_EXPECT_EQ(test, lk_stats()->leaks, 0);
	}
	siov_pf_destroy(t->pf);
	gmem_fini(&t->g);
	sim_fini(&t->s);
	test->priv = NULL;
}

static struct pt *pt_init(struct kunit *test, bool lazy)
{
	struct sim_vm_cfg vc = {
		.name = "l1", .ram_bytes = PT_RAM, .lazy = lazy,
		.ss_levels = 4, .ss_page_lg2 = 12,
	};
	struct pt *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct siov_pf_cfg pc;
	struct lk_cfg lc = { 0 };

	KUNIT_ASSERT_NOT_NULL(test, t);
	memset(&td, 0, sizeof(td));
	memset(&tdrv.lk_node, 0, sizeof(tdrv.lk_node));
	KUNIT_ASSERT_EQ(test, sim_init(&t->s, 1), 0);
	test->priv = t;
	t->s.mem = sim_mem_create(&t->s, 0);
	KUNIT_ASSERT_NOT_NULL(test, t->s.mem);
	t->vm = sim_vm_create(&t->s, &vc);
	KUNIT_ASSERT_NOT_NULL(test, t->vm);
	KUNIT_ASSERT_EQ(test, gmem_init_vm(&t->g, t->s.mem, t->vm,
					   PT_KERN_BASE, PT_RAM - PT_KERN_BASE),
			0);
	siov_pf_default_cfg(&pc);
	pc.rid = PT_DEVFN;
	t->pf = siov_pf_create(&t->s, &pc, NULL, &pf_irq_ops, t);
	KUNIT_ASSERT_NOT_NULL(test, t->pf);
	siov_pf_set_owner(t->pf, t->vm);
	lc.s = &t->s;
	lc.vm = t->vm;
	lc.ram_bytes = PT_RAM;
	lc.mem = &t->g;
	KUNIT_ASSERT_EQ(test, lk_init(&lc), 0);
	t->lk = true;
	t->pdev = pt_add_pf(t);
	KUNIT_ASSERT_NOT_NULL(test, t->pdev);
	return t;
}

/* A device whose extended list loops: DVSEC 0x100 <-> DVSEC 0x140. */
static struct pci_dev *pt_add_fake(struct pt *t)
{
	struct lk_pci_dev_cfg pc = {
		.bus = 0, .devfn = PT_FAKE_DEVFN, .ops = &fake_ops,
		.ctx = t->fake_cfg,
	};
	u8 *c = t->fake_cfg;

	memset(c, 0, sizeof(t->fake_cfg));
	put32(c, PCI_VENDOR_ID, 0x00011111);
	put32(c, 0x100, PCI_EXT_CAP_ID_DVSEC | 1u << 16 | 0x140u << 20);
	put32(c, 0x100 + PCI_DVSEC_HEADER1, 0x1111);
	put32(c, 0x100 + PCI_DVSEC_HEADER2, 7);
	put32(c, 0x140, PCI_EXT_CAP_ID_DVSEC | 1u << 16 | 0x100u << 20);
	put32(c, 0x140 + PCI_DVSEC_HEADER1, 0x2222);
	put32(c, 0x140 + PCI_DVSEC_HEADER2, 9);
	return lk_pci_add(&pc);
}

static void pt_run(struct pt *t)
{
	sim_run(&t->s, 1000000);
}

/* ---- enumeration and config space --------------------------------------- */

static void lk_pci_enumerates_pf(struct kunit *test)
{
	struct pt *t = pt_init(test, false);
	struct pci_dev *pdev = t->pdev;

	KUNIT_EXPECT_STREQ(test, lk_pci_name(pdev), "0000:00:03.0");
	KUNIT_EXPECT_STREQ(test, pci_name(pdev), "0000:00:03.0");
	KUNIT_EXPECT_EQ(test, pdev->vendor, SIOV_PCI_VENDOR_ID);
	KUNIT_EXPECT_EQ(test, pdev->device, SIOV_PCI_DEVICE_ID);
	KUNIT_EXPECT_EQ(test, pdev->subsystem_vendor, SIOV_PCI_SUBSYS_VENDOR);
	KUNIT_EXPECT_EQ(test, pdev->subsystem_device, SIOV_PCI_SUBSYS_ID);
	KUNIT_EXPECT_EQ(test, pdev->class, SIOV_PCI_CLASS);
	KUNIT_EXPECT_EQ(test, pdev->revision, SIOV_PCI_REVISION);
	KUNIT_EXPECT_EQ(test, pdev->devfn, PT_DEVFN);
	/* Capabilities found by walking the PF's extended list. */
	KUNIT_EXPECT_EQ(test, pdev->pasid_cap, SIOV_CFG_PASID);
	KUNIT_EXPECT_EQ(test, pdev->ats_cap, SIOV_CFG_ATS);
	KUNIT_EXPECT_EQ(test, pdev->pri_cap, SIOV_CFG_PRI);
	KUNIT_EXPECT_TRUE(test, pci_ats_supported(pdev));
	KUNIT_EXPECT_TRUE(test, pci_pri_supported(pdev));
	KUNIT_EXPECT_EQ(test, pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_DVSEC),
			SIOV_CFG_DVSEC);
	KUNIT_EXPECT_EQ(test, pci_find_ext_capability(pdev, 0x01), 0);
	/* BARs as given, absent ones zero-length. */
	KUNIT_EXPECT_EQ(test, pci_resource_start(pdev, SIOV_BAR0), PT_BAR0);
	KUNIT_EXPECT_EQ(test, pci_resource_len(pdev, SIOV_BAR0),
			siov_pf_bar_size(t->pf, SIOV_BAR0));
	KUNIT_EXPECT_EQ(test, pci_resource_len(pdev, SIOV_BAR2),
			siov_pf_bar_size(t->pf, SIOV_BAR2));
	KUNIT_EXPECT_EQ(test, pci_resource_len(pdev, 4), 0);
	KUNIT_EXPECT_PTR_EQ(test, pdev->dev.iommu, NULL);
	KUNIT_EXPECT_FALSE(test, lk_pci_bound(pdev));
	/* A second device on the same BDF is refused. */
	KUNIT_EXPECT_PTR_EQ(test, pt_add_pf(t), NULL);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, 1);
}

static void lk_pci_dvsec_lookup(struct kunit *test)
{
	struct pt *t = pt_init(test, false);
	struct pci_dev *fake;
	u32 v;

	KUNIT_EXPECT_EQ(test, pci_find_dvsec_capability(t->pdev,
							SIOV_DVSEC_VENDOR,
							SIOV_DVSEC_ID),
			SIOV_CFG_DVSEC);
	KUNIT_EXPECT_EQ(test, pci_read_config_dword(t->pdev, SIOV_CFG_DVSEC +
						    SIOV_DVSEC_CAP, &v), 0);
	KUNIT_EXPECT_TRUE(test, v & SIOV_DVSEC_CAP_IMS);
	KUNIT_EXPECT_EQ(test, pci_find_dvsec_capability(t->pdev,
							SIOV_DVSEC_VENDOR, 6), 0);
	KUNIT_EXPECT_EQ(test, pci_find_dvsec_capability(t->pdev, 0x1234,
							SIOV_DVSEC_ID), 0);

	/* A looping list: found when present, bounded when not. */
	fake = pt_add_fake(t);
	KUNIT_ASSERT_NOT_NULL(test, fake);
	KUNIT_EXPECT_EQ(test, pci_find_dvsec_capability(fake, 0x2222, 9), 0x140);
	KUNIT_EXPECT_EQ(test, pci_find_dvsec_capability(fake, 0x1111, 7), 0x100);
	KUNIT_EXPECT_EQ(test, pci_find_dvsec_capability(fake, 0x8086, 5), 0);
	KUNIT_EXPECT_EQ(test, pci_find_ext_capability(fake, PCI_EXT_CAP_ID_ATS),
			0);
	KUNIT_EXPECT_EQ(test, fake->ats_cap, 0);
	/* No capability list: no MSI-X. */
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(fake, 1, 1, PCI_IRQ_MSIX),
			-ENOSPC);
	lk_pci_remove(fake);
}

static void lk_pci_config_access_checks(struct kunit *test)
{
	struct pt *t = pt_init(test, false);
	u16 w = 0;
	u32 d = 0;
	u8 b = 0;

	KUNIT_EXPECT_EQ(test, pci_read_config_word(t->pdev, 1, &w),
			PCIBIOS_BAD_REGISTER_NUMBER);
	KUNIT_EXPECT_EQ(test, w, 0xffff);
	KUNIT_EXPECT_EQ(test, pci_read_config_dword(t->pdev, 0x102, &d),
			PCIBIOS_BAD_REGISTER_NUMBER);
	KUNIT_EXPECT_EQ(test, pci_read_config_dword(t->pdev, 4096, &d),
			PCIBIOS_BAD_REGISTER_NUMBER);
	KUNIT_EXPECT_EQ(test, pci_read_config_byte(t->pdev, -1, &b),
			PCIBIOS_BAD_REGISTER_NUMBER);
	KUNIT_EXPECT_EQ(test, pci_write_config_word(t->pdev, 4095, 0),
			PCIBIOS_BAD_REGISTER_NUMBER);
	KUNIT_EXPECT_EQ(test, pci_read_config_byte(t->pdev, 4095, &b), 0);
	KUNIT_EXPECT_EQ(test, pci_read_config_dword(t->pdev, 0, &d), 0);
	KUNIT_EXPECT_EQ(test, d, SIOV_PCI_DEVICE_ID << 16 | SIOV_PCI_VENDOR_ID);
	/* The PF never saw the bad accesses. */
	KUNIT_EXPECT_EQ(test, siov_pf_stats(t->pf)->cfg_bad, 0);
}

/* ---- binding, MMIO, portals ----------------------------------------- */

static void lk_pci_bind_iomap_reads_version(struct kunit *test)
{
	static const struct pci_device_id other_ids[] = {
		{ PCI_DEVICE(SIOV_PCI_VENDOR_ID, 0x1111) }, { }
	};
	static struct pci_driver other = {
		.name = "other", .id_table = other_ids, .probe = tdrv_probe,
	};
	struct pt *t = pt_init(test, false);
	u16 cmd;

	memset(&other.lk_node, 0, sizeof(other.lk_node));
	KUNIT_ASSERT_EQ(test, pci_register_driver(&other), 0);
	KUNIT_EXPECT_FALSE(test, lk_pci_bound(t->pdev));
	KUNIT_ASSERT_EQ(test, pci_register_driver(&tdrv), 0);
	KUNIT_EXPECT_EQ(test, pci_register_driver(&tdrv), -EBUSY);
	KUNIT_ASSERT_TRUE(test, lk_pci_bound(t->pdev));
	KUNIT_EXPECT_EQ(test, td.probes, 1);
	KUNIT_EXPECT_PTR_EQ(test, pci_get_drvdata(t->pdev), &td);
	pci_read_config_word(t->pdev, PCI_COMMAND, &cmd);
	KUNIT_EXPECT_TRUE(test, cmd & PCI_COMMAND_MEMORY);
	KUNIT_EXPECT_TRUE(test, cmd & PCI_COMMAND_MASTER);
	KUNIT_EXPECT_EQ(test, readl(td.bar0 + SIOV_REG_VERSION), SIOV_VERSION);
	KUNIT_EXPECT_EQ(test, readq(td.bar0 + SIOV_REG_OFFSETS) >> 16 & 0xffff,
			SIOV_REG_WQCFG >> 12);
	KUNIT_EXPECT_EQ(test, lk_stats()->mmio_reads, 2);
	/* The BAR is taken: a second mapping is refused. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(pcim_iomap_region(t->pdev, SIOV_BAR0,
							"x")), -EBUSY);
	KUNIT_EXPECT_EQ(test, PTR_ERR(pcim_iomap_region(t->pdev, 4, "x")),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(pcim_iomap_region(t->pdev, 6, "x")),
			-EINVAL);
	pci_unregister_driver(&tdrv);
	pci_unregister_driver(&other);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, 0);
}

/* A hot-added device binds to the driver already registered. */
static void lk_pci_hot_add_binds(struct kunit *test)
{
	struct pt *t = pt_init(test, false);

	lk_pci_remove(t->pdev);
	KUNIT_ASSERT_EQ(test, pci_register_driver(&tdrv), 0);
	KUNIT_EXPECT_EQ(test, td.probes, 0);
	t->pdev = pt_add_pf(t);
	KUNIT_ASSERT_NOT_NULL(test, t->pdev);
	KUNIT_EXPECT_TRUE(test, lk_pci_bound(t->pdev));
	KUNIT_EXPECT_EQ(test, td.probes, 1);
	/* Hot-remove: remove(), then the managed resources. */
	lk_pci_remove(t->pdev);
	t->pdev = NULL;
	KUNIT_EXPECT_EQ(test, td.removes, 1);
	KUNIT_EXPECT_EQ(test, lk_stats()->irqs_live, 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->devres_live, 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, 0);
	pci_unregister_driver(&tdrv);
}

static void wq_enable(struct kunit *test, u32 wq)
{
	void __iomem *r = td.bar0 + siov_wqcfg_offset(wq, 0);

	writeq(FIELD_PREP(SIOV_WQ_CFG0_SIZE, 8ULL), r + SIOV_WQ_CFG0);
	writeq(0, r + SIOV_WQ_CFG1);
	writeq(SIOV_WQ_CTL_ENABLE, r + SIOV_WQ_CTL);
	KUNIT_ASSERT_EQ(test, FIELD_GET(SIOV_WQ_STS_STATE,
					readq(r + SIOV_WQ_STS)),
			(u64)SIOV_WQ_ENABLED);
}

/* A NOOP whose completion record lands in @cr (host-physical: no IOMMU). */
static struct siov_desc noop_desc(struct pt *t, dma_addr_t cr)
{
	struct siov_desc d;
	u64 hpa = 0;

	sim_vm_gpa_to_hpa(t->vm, cr, &hpa);
	siov_desc_init(&d, SIOV_OP_NOOP, SIOV_F_CRAV | SIOV_F_RCR);
	siov_desc_set_cr_addr(&d, hpa);
	return d;
}

static void lk_pci_portal_store(struct kunit *test)
{
	struct pt *t = pt_init(test, true);
	struct siov_desc d;
	struct siov_cr *cr;
	dma_addr_t cr_dma;
	u64 pages;

	KUNIT_ASSERT_EQ(test, pci_register_driver(&tdrv), 0);
	KUNIT_ASSERT_TRUE(test, lk_pci_bound(t->pdev));
	writel(SIOV_GENCTRL_ENABLE, td.bar0 + SIOV_REG_GENCTRL);
	wq_enable(test, 0);
	/* Coherent memory: zeroed, its CPU pointer the direct map. */
	pages = sim_vm_pages(t->vm);
	cr = dma_alloc_coherent(&t->pdev->dev, 64, &cr_dma, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cr);
	KUNIT_EXPECT_GT(test, sim_vm_pages(t->vm), pages);
	KUNIT_EXPECT_TRUE(test, lk_phys_is_ram(cr_dma));
	KUNIT_EXPECT_PTR_EQ(test, (void *)cr, lk_phys_ptr(cr_dma));
	KUNIT_EXPECT_EQ(test, cr->val[0], 0);

	/* MOVDIR64B through the iomap... */
	d = noop_desc(t, cr_dma);
	iosubmit_cmds512(td.bar2 + siov_portal_offset(0), &d, 1);
	pt_run(t);
	KUNIT_EXPECT_EQ(test, siov_cr_status(cr), SIOV_CS_SUCCESS);
	/* ...and as a CPU store to the BAR's L1 physical address. */
	memset(cr, 0, sizeof(*cr));
	KUNIT_EXPECT_TRUE(test, lk_phys_is_iomem(PT_BAR2));
	KUNIT_EXPECT_FALSE(test, lk_phys_is_iomem(cr_dma));
	KUNIT_EXPECT_EQ(test, lk_iomem_store(PT_BAR2 + siov_portal_offset(0),
					     &d, 64), 0);
	pt_run(t);
	KUNIT_EXPECT_EQ(test, siov_cr_status(cr), SIOV_CS_SUCCESS);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(t->pf)->descs_completed, 2);
	KUNIT_EXPECT_EQ(test, lk_stats()->portal_writes, 2);
	KUNIT_EXPECT_EQ(test, lk_stats()->portal_refused, 0);

	/* A disabled WQ refuses; other stores are defined errors. */
	KUNIT_EXPECT_EQ(test, lk_iomem_store(PT_BAR2 + siov_portal_offset(1),
					     &d, 64), -ENODEV);
	KUNIT_EXPECT_EQ(test, lk_stats()->portal_refused, 1);
	KUNIT_EXPECT_EQ(test, lk_iomem_store(PT_BAR2 + 32, &d, 64), -EINVAL);
	KUNIT_EXPECT_EQ(test, lk_iomem_store(PT_BAR2, &d, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, lk_iomem_store(cr_dma, &d, 4), -EFAULT);
	KUNIT_EXPECT_EQ(test, lk_iomem_store(PT_BAR0 + SIOV_REG_GENCTRL, &d, 4),
			0);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, 0);

	/* Coherent buffers are one page at most (see mm.c). */
	KUNIT_EXPECT_PTR_EQ(test, dma_alloc_coherent(&t->pdev->dev, 8192,
						     &cr_dma, GFP_KERNEL), NULL);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, 1);
	dma_free_coherent(&t->pdev->dev, 64, cr, cr_dma);
	KUNIT_EXPECT_EQ(test, t->g.pages_live, 0);
	dma_free_coherent(&t->pdev->dev, 64, cr, cr_dma);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, 2);
}

/* ---- interrupts ----------------------------------------------------- */

static void lk_pci_msix_dispatch(struct kunit *test)
{
	struct pt *t = pt_init(test, false);
	const struct lk_stats *st = lk_stats();
	u16 ctrl;

	KUNIT_ASSERT_EQ(test, pci_register_driver(&tdrv), 0);
	KUNIT_ASSERT_EQ(test, td.nvec, 4);
	KUNIT_EXPECT_TRUE(test, t->pdev->msix_enabled);
	pci_read_config_word(t->pdev, SIOV_CFG_MSIX + PCI_MSIX_FLAGS, &ctrl);
	KUNIT_EXPECT_TRUE(test, ctrl & PCI_MSIX_FLAGS_ENABLE);
	KUNIT_EXPECT_FALSE(test, ctrl & PCI_MSIX_FLAGS_MASKALL);
	/* What the PF's table holds. */
	for (u32 n = 0; n < 4; n++) {
		u64 e = SIOV_REG_MSIX_TABLE + n * SIOV_MSIX_ENTRY_SIZE;

		KUNIT_EXPECT_EQ(test, siov_pf_mmio_read(t->pf, SIOV_BAR0, e, 8),
				0xfee00000ULL);
		KUNIT_EXPECT_EQ(test, siov_pf_mmio_read(t->pf, SIOV_BAR0,
							e + 8, 4),
				PT_MSI_BASE + n);
		KUNIT_EXPECT_EQ(test, siov_pf_mmio_read(t->pf, SIOV_BAR0,
							e + 12, 4), 0);
	}
	KUNIT_EXPECT_NE(test, pci_irq_vector(t->pdev, 0),
			pci_irq_vector(t->pdev, 1));
	KUNIT_EXPECT_EQ(test, pci_irq_vector(t->pdev, 4), -EINVAL);

	/* A command with completion interrupt: vector 0 reaches the handler. */
	writel(FIELD_PREP(SIOV_CMD_CODE, SIOV_CMD_RESET_WQ) | SIOV_CMD_INT,
	       td.bar0 + SIOV_REG_CMD);
	pt_run(t);
	KUNIT_EXPECT_EQ(test, siov_pf_stats(t->pf)->irqs_sent, 1);
	KUNIT_EXPECT_EQ(test, td.irqs, 1);
	KUNIT_EXPECT_EQ(test, td.last_irq, td.irq);
	KUNIT_EXPECT_EQ(test, st->irqs_delivered, 1);
	/* A vector without a handler, an unknown vector, a non-MSI address. */
	lk_msi(0xfee00000ULL, PT_MSI_BASE + 1);
	lk_msi(0xfee00000ULL, 0x7);
	lk_msi(0xfed00000ULL, PT_MSI_BASE);
	KUNIT_EXPECT_EQ(test, st->irqs_spurious, 3);
	KUNIT_EXPECT_EQ(test, td.irqs, 1);

	KUNIT_EXPECT_EQ(test, request_irq(td.irq, tdrv_irq, 0, "x", &td),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, request_irq(5, tdrv_irq, 0, "x", &td), -EINVAL);
	KUNIT_EXPECT_EQ(test, st->irqs_live, 1);
	/* Already enabled; more vectors than the table has. */
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(t->pdev, 1, 1, PCI_IRQ_MSIX),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, st->warns, 1);
	KUNIT_EXPECT_PTR_EQ(test, free_irq(pci_irq_vector(t->pdev, 1), &td),
			    NULL);
	KUNIT_EXPECT_EQ(test, st->warns, 2);
	pci_unregister_driver(&tdrv);
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(t->pdev, 66, 80,
						    PCI_IRQ_MSIX), -ENOSPC);
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(t->pdev, 2, 1,
						    PCI_IRQ_MSIX), -ERANGE);
	KUNIT_EXPECT_EQ(test, st->warns, 2);
}

/* IRQF_SHARED: every action runs; mixing with an exclusive one is -EBUSY. */
static int shared_hits[2];

static irqreturn_t shared_irq(int irq, void *dev_id)
{
	int *hit = dev_id;

	(*hit)++;
	return hit == &shared_hits[0] ? IRQ_HANDLED : IRQ_NONE;
}

static void lk_pci_shared_irq(struct kunit *test)
{
	struct pt *t = pt_init(test, false);
	const struct lk_stats *st = lk_stats();
	int irq;

	KUNIT_ASSERT_EQ(test, pci_register_driver(&tdrv), 0);
	irq = pci_irq_vector(t->pdev, 1);
	memset(shared_hits, 0, sizeof(shared_hits));
	KUNIT_ASSERT_EQ(test, request_irq(irq, shared_irq, IRQF_SHARED, "a",
					  &shared_hits[0]), 0);
	KUNIT_EXPECT_EQ(test, request_irq(irq, shared_irq, 0, "x",
					  &shared_hits[1]), -EBUSY);
	KUNIT_EXPECT_EQ(test, request_irq(irq, shared_irq, IRQF_SHARED, "x",
					  NULL), -EINVAL);
	KUNIT_ASSERT_EQ(test, request_irq(irq, shared_irq, IRQF_SHARED, "b",
					  &shared_hits[1]), 0);
	/* An exclusive vector refuses a shared second action too. */
	KUNIT_EXPECT_EQ(test, request_irq(td.irq, shared_irq, IRQF_SHARED, "x",
					  &shared_hits[1]), -EBUSY);
	lk_msi(0xfee00000ULL, PT_MSI_BASE + 1);
	KUNIT_EXPECT_EQ(test, shared_hits[0], 1);
	KUNIT_EXPECT_EQ(test, shared_hits[1], 1);
	KUNIT_EXPECT_EQ(test, st->irqs_delivered, 1);
	/* free_irq takes out the action of that dev_id only. */
	KUNIT_EXPECT_STREQ(test, (const char *)free_irq(irq, &shared_hits[0]),
			   "a");
	lk_msi(0xfee00000ULL, PT_MSI_BASE + 1);
	KUNIT_EXPECT_EQ(test, shared_hits[0], 1);
	KUNIT_EXPECT_EQ(test, shared_hits[1], 2);
	KUNIT_EXPECT_EQ(test, st->irqs_spurious, 1);	/* b says IRQ_NONE */
	KUNIT_EXPECT_STREQ(test, (const char *)free_irq(irq, &shared_hits[1]),
			   "b");
	KUNIT_EXPECT_EQ(test, st->irqs_live, 1);	/* the driver's own */
	KUNIT_EXPECT_EQ(test, st->warns, 0);
	pci_unregister_driver(&tdrv);
}

/* ---- MMIO through unknown pointers ------------------------------------- */

static void lk_pci_stray_iomem_warns(struct kunit *test)
{
	struct pt *t = pt_init(test, false);
	const struct lk_stats *st = lk_stats();
	u8 junk[64] = { 0 };
	void __iomem *stray = junk;

	KUNIT_EXPECT_EQ(test, readl(stray), 0xffffffffu);
	KUNIT_EXPECT_EQ(test, readq(stray), ~0ULL);
	KUNIT_EXPECT_EQ(test, readb(stray), 0xff);
	writel(1, stray);
	iosubmit_cmds512(stray, junk, 1);
	KUNIT_EXPECT_EQ(test, st->warns, 5);
	KUNIT_EXPECT_EQ(test, st->mmio_bad, 5);
	KUNIT_EXPECT_EQ(test, junk[0], 0);

	/* A real mapping, but a portal store off its 64-byte alignment. */
	KUNIT_ASSERT_EQ(test, pci_register_driver(&tdrv), 0);
	iosubmit_cmds512(td.bar2 + 8, junk, 1);
	KUNIT_EXPECT_EQ(test, st->warns, 6);
	KUNIT_EXPECT_EQ(test, st->portal_writes, 0);
	/* Past the end of the BAR. */
	KUNIT_EXPECT_EQ(test, readl(td.bar0 + siov_pf_bar_size(t->pf, 0)),
			0xffffffffu);
	KUNIT_EXPECT_EQ(test, st->warns, 7);
	pci_unregister_driver(&tdrv);
}

/* ---- managed release ----------------------------------------------------- */

static void lk_pci_unbind_releases_managed(struct kunit *test)
{
	struct pt *t = pt_init(test, false);
	const struct lk_stats *st = lk_stats();
	void __iomem *bar0;
	u16 cmd, ctrl;

	KUNIT_ASSERT_EQ(test, pci_register_driver(&tdrv), 0);
	KUNIT_ASSERT_TRUE(test, lk_pci_bound(t->pdev));
	KUNIT_EXPECT_GT(test, st->devres_live, 0);
	bar0 = td.bar0;
	pci_unregister_driver(&tdrv);
	KUNIT_EXPECT_EQ(test, td.removes, 1);
	KUNIT_EXPECT_FALSE(test, lk_pci_bound(t->pdev));
	KUNIT_EXPECT_PTR_EQ(test, pci_get_drvdata(t->pdev), NULL);
	KUNIT_EXPECT_EQ(test, st->devres_live, 0);
	KUNIT_EXPECT_EQ(test, st->irqs_live, 0);
	KUNIT_EXPECT_FALSE(test, t->pdev->msix_enabled);
	pci_read_config_word(t->pdev, SIOV_CFG_MSIX + PCI_MSIX_FLAGS, &ctrl);
	KUNIT_EXPECT_FALSE(test, ctrl & PCI_MSIX_FLAGS_ENABLE);
	pci_read_config_word(t->pdev, PCI_COMMAND, &cmd);
	KUNIT_EXPECT_FALSE(test, cmd & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER));
	KUNIT_EXPECT_EQ(test, st->warns, 0);
	/* The mapping is gone with the driver. */
	KUNIT_EXPECT_EQ(test, readl(bar0 + SIOV_REG_VERSION), 0xffffffffu);
	KUNIT_EXPECT_EQ(test, st->warns, 1);

	/* A remove that forgets free_irq: a WARN, and the vector still goes. */
	td.keep_irq = true;
	KUNIT_ASSERT_EQ(test, pci_register_driver(&tdrv), 0);
	KUNIT_EXPECT_EQ(test, st->irqs_live, 1);
	pci_unregister_driver(&tdrv);
	KUNIT_EXPECT_EQ(test, st->irqs_live, 0);
	KUNIT_EXPECT_EQ(test, st->warns, 2);
}

/* A failed probe leaves nothing behind, at either failure point. */
static void lk_pci_probe_failure_unwinds(struct kunit *test)
{
	struct pt *t = pt_init(test, false);
	const struct lk_stats *st = lk_stats();
	u16 cmd;

	for (int step = 1; step <= 2; step++) {
		td.fail_at = step;
		KUNIT_ASSERT_EQ(test, pci_register_driver(&tdrv), 0);
		KUNIT_EXPECT_FALSE(test, lk_pci_bound(t->pdev));
		KUNIT_EXPECT_EQ(test, st->devres_live, 0);
		KUNIT_EXPECT_FALSE(test, t->pdev->msix_enabled);
		pci_read_config_word(t->pdev, PCI_COMMAND, &cmd);
		KUNIT_EXPECT_FALSE(test, cmd & PCI_COMMAND_MEMORY);
		pci_unregister_driver(&tdrv);
	}
	KUNIT_EXPECT_EQ(test, td.probes, 2);
	KUNIT_EXPECT_EQ(test, td.removes, 0);
	KUNIT_EXPECT_EQ(test, st->warns, 0);
	KUNIT_EXPECT_EQ(test, st->printk[3], 2);	/* "probe ... failed" */
	/* And a clean probe still works afterwards. */
	td.fail_at = 0;
	KUNIT_ASSERT_EQ(test, pci_register_driver(&tdrv), 0);
	KUNIT_EXPECT_TRUE(test, lk_pci_bound(t->pdev));
	pci_unregister_driver(&tdrv);
}

/* ---- memory --------------------------------------------------------- */

static void lk_mm_direct_map(struct kunit *test)
{
	struct pt *t = pt_init(test, true);
	struct vm_area_struct vma = { .vm_start = 0x10000, .vm_end = 0x11000 };
	struct page *pg = pfn_to_page(3);
	u8 buf[16], *p;
	u64 pages = sim_vm_pages(t->vm);

	KUNIT_ASSERT_NOT_NULL(test, pg);
	KUNIT_EXPECT_EQ(test, page_to_pfn(pg), 3);
	KUNIT_EXPECT_EQ(test, page_to_phys(pg), 3 * PAGE_SIZE);
	/* First CPU touch of a lazy page backs it. */
	p = kmap_local_page(pg);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, sim_vm_pages(t->vm), pages + 1);
	memcpy(p + 4090, "abcdef", 6);
	kunmap_local(p);
	/* Copies cross into the next page (its own direct map). */
	KUNIT_EXPECT_EQ(test, lk_phys_write(4 * PAGE_SIZE, "ghij", 4), 0);
	KUNIT_EXPECT_EQ(test, lk_phys_read(3 * PAGE_SIZE + 4090, buf, 10), 0);
	KUNIT_EXPECT_MEMEQ(test, buf, "abcdefghij", 10);
	KUNIT_EXPECT_EQ(test, sim_mem_read(t->s.mem, sim_vm_id(t->vm),
					   4 * PAGE_SIZE, buf, 4), 0);
	KUNIT_EXPECT_MEMEQ(test, buf, "ghij", 4);
	KUNIT_EXPECT_EQ(test, lk_phys_read(PT_RAM - 4, buf, 8), -EFAULT);
	KUNIT_EXPECT_PTR_EQ(test, lk_phys_ptr(PT_RAM), NULL);
	KUNIT_EXPECT_EQ(test, dma_map_page(&t->pdev->dev, pg, 16, 32,
					   DMA_TO_DEVICE), 3 * PAGE_SIZE + 16);
	KUNIT_EXPECT_EQ(test, dma_set_mask_and_coherent(&t->pdev->dev,
							DMA_BIT_MASK(64)), 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, 0);
	KUNIT_EXPECT_PTR_EQ(test, pfn_to_page(PT_RAM >> PAGE_SHIFT), NULL);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, 1);
	/* Streaming DMA may run into the next page, not out of RAM. */
	KUNIT_EXPECT_EQ(test, dma_map_page(&t->pdev->dev, pg, 4000, 200,
					   DMA_FROM_DEVICE), 3 * PAGE_SIZE + 4000);
	KUNIT_EXPECT_EQ(test, dma_map_page(&t->pdev->dev,
					   pfn_to_page((PT_RAM >> PAGE_SHIFT) - 1),
					   0, 2 * PAGE_SIZE, DMA_TO_DEVICE),
			DMA_MAPPING_ERROR);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, 2);

	/* io_remap_pfn_range: BAR pages only, the whole vma. */
	KUNIT_EXPECT_EQ(test, io_remap_pfn_range(&vma, vma.vm_start, 3, 4096,
						 vma.vm_page_prot), -EINVAL);
	KUNIT_EXPECT_EQ(test, io_remap_pfn_range(&vma, vma.vm_start,
						 PT_BAR2 >> PAGE_SHIFT, 8192,
						 vma.vm_page_prot), -EINVAL);
	KUNIT_EXPECT_FALSE(test, vma.lk_mapped);
	KUNIT_EXPECT_EQ(test, io_remap_pfn_range(&vma, vma.vm_start,
						 (PT_BAR2 >> PAGE_SHIFT) + 1,
						 4096, vma.vm_page_prot), 0);
	KUNIT_EXPECT_TRUE(test, vma.lk_mapped);
	KUNIT_EXPECT_EQ(test, vma.lk_pfn, (PT_BAR2 >> PAGE_SHIFT) + 1);
	KUNIT_EXPECT_TRUE(test, vma.vm_flags & VM_PFNMAP);
}

static struct kunit_case lk_pci_cases[] = {
	KUNIT_CASE(lk_pci_enumerates_pf),
	KUNIT_CASE(lk_pci_dvsec_lookup),
	KUNIT_CASE(lk_pci_config_access_checks),
	KUNIT_CASE(lk_pci_bind_iomap_reads_version),
	KUNIT_CASE(lk_pci_hot_add_binds),
	KUNIT_CASE(lk_pci_portal_store),
	KUNIT_CASE(lk_pci_msix_dispatch),
	KUNIT_CASE(lk_pci_shared_irq),
	KUNIT_CASE(lk_pci_stray_iomem_warns),
	KUNIT_CASE(lk_pci_unbind_releases_managed),
	KUNIT_CASE(lk_pci_probe_failure_unwinds),
	KUNIT_CASE(lk_mm_direct_map),
	{}
};

static struct kunit_suite lk_pci_suite = {
	.name = "lk-pci",
	.exit = pt_exit,
	.test_cases = lk_pci_cases,
};

kunit_test_suites(&lk_pci_suite);
