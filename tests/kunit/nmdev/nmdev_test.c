// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for nmdev's Linux glue, run in a UML kernel with the real
 * mdev core, VFIO and IOMMU API built in.  The driver's sources are linked
 * unchanged beside this file (Kbuild); its module_init already put
 * nmdev_mdev_driver on the mdev bus.
 *
 * The PF is a fake: a registered struct device inside a zeroed pci_dev, a
 * BAR0 ioremap()ed from a logic_iomem region (UML's MMIO emulation)
 * backed by RAM, and a dev_iommu without an IOMMU behind it.  The fake
 * BAR0 keeps what is written, except: WQ_CTL sets that WQ's WQ_STS to
 * ENABLED (or ERROR with an injected code) or DISABLED, and CMD is logged
 * and completes at once (CMDSTS 0).  UML has no IOMMU, so
 * create fails at iommu_alloc_global_pasid (max_pasids 0) or at
 * iommu_paging_domain_alloc (-ENODEV): the suites check that each failure
 * reaches the caller through the mdev core and unwinds everything.
 *
 * User pointers for the VFIO read/write/ioctl handlers come from
 * kunit_vm_mmap().
 */
#include <kunit/test.h>
#include <linux/device.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/logic_iomem.h>
#include <linux/mman.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>

#include "nmdev.h"

#define NMDEV_KT_WQS		4
#define NMDEV_KT_WQ_SIZE	32
#define NMDEV_KT_UUID		"8c2ad4b8-6f5e-4d0e-9c1a-3b7e2f10a001"

struct nmdev_kt {
	struct pci_dev *pdev;
	struct nmdev_pf *pf;
	struct dev_iommu iommu;
	bool registered;
	void __user *ubuf;
};

/* ---- the fake BAR0 ---- */

struct nmdev_kt_mmio {
	u8 regs[SIOV_BAR0_SIZE];
	u8 wq_err;		/* non-zero: the next WQ enable is refused */
	unsigned int cmds;	/* CMD writes */
	u32 last_cmd;
};

static struct nmdev_kt_mmio *nmdev_kt_mmio;

static unsigned long nmdev_kt_mmio_read(void *priv, unsigned int off,
					int size)
{
	u64 val = 0;

	if (nmdev_kt_mmio && off + size <= SIOV_BAR0_SIZE)
		memcpy(&val, nmdev_kt_mmio->regs + off, size);
	return val;
}

static void nmdev_kt_mmio_write(void *priv, unsigned int off, int size,
				unsigned long val)
{
	struct nmdev_kt_mmio *m = nmdev_kt_mmio;
	unsigned int wq, reg;
	u64 sts;

	if (!m || off + size > SIOV_BAR0_SIZE)
		return;
	memcpy(m->regs + off, &val, size);
	if (off == SIOV_REG_CMD) {
		m->cmds++;
		m->last_cmd = val;
		return;
	}
	if (off < SIOV_REG_WQCFG || off >= SIOV_REG_IMS)
		return;
	wq = (off - SIOV_REG_WQCFG) / SIOV_WQCFG_STRIDE;
	reg = (off - SIOV_REG_WQCFG) % SIOV_WQCFG_STRIDE;
	if (reg != SIOV_WQ_CTL)
		return;
	if (!(val & SIOV_WQ_CTL_ENABLE))
		sts = FIELD_PREP(SIOV_WQ_STS_STATE, SIOV_WQ_DISABLED);
	else if (m->wq_err)
		sts = FIELD_PREP(SIOV_WQ_STS_STATE, SIOV_WQ_ERROR) |
		      FIELD_PREP(SIOV_WQ_STS_ERR, m->wq_err);
	else
		sts = FIELD_PREP(SIOV_WQ_STS_STATE, SIOV_WQ_ENABLED);
	memcpy(m->regs + siov_wqcfg_offset(wq, SIOV_WQ_STS), &sts, 8);
}

static u64 nmdev_kt_reg(struct nmdev_kt_mmio *m, unsigned int off)
{
	u64 val;

	memcpy(&val, m->regs + off, 8);
	return val;
}

/* The fake BAR0's register @reg of the mdev's real WQ */
static u64 nmdev_kt_wq_reg(struct nmdev_mdev *nm, u32 reg)
{
	return nmdev_kt_reg(nmdev_kt_mmio, siov_wqcfg_offset(nm->wq, reg));
}

static const struct logic_iomem_ops nmdev_kt_mmio_ops = {
	.read = nmdev_kt_mmio_read,
	.write = nmdev_kt_mmio_write,
};

static long nmdev_kt_mmio_map(unsigned long offset, size_t size,
			      const struct logic_iomem_ops **ops, void **priv)
{
	*ops = &nmdev_kt_mmio_ops;
	*priv = NULL;
	return 0;
}

static const struct logic_iomem_region_ops nmdev_kt_region_ops = {
	.map = nmdev_kt_mmio_map,
};

/* Above UML's virtual PCI windows (0xf0000000-0xffffffff). */
static struct resource nmdev_kt_res = {
	.name = "nmdev kunit BAR0",
	.start = 0x200000000ull,
	.end = 0x200000000ull + SIOV_BAR0_SIZE - 1,
	.flags = IORESOURCE_MEM,
};

static int nmdev_kt_mmio_setup(struct kunit *test, struct nmdev_pf *pf)
{
	static bool added;
	int ret;

	if (!added) {
		ret = logic_iomem_add_region(&nmdev_kt_res,
					     &nmdev_kt_region_ops);
		if (ret)
			return ret;
		added = true;
	}
	nmdev_kt_mmio = kunit_kzalloc(test, sizeof(*nmdev_kt_mmio),
				      GFP_KERNEL);
	if (!nmdev_kt_mmio)
		return -ENOMEM;
	pf->bar0 = ioremap(nmdev_kt_res.start, SIOV_BAR0_SIZE);
	return pf->bar0 ? 0 : -ENOMEM;
}

static void nmdev_kt_dev_release(struct device *dev)
{
	/* kunit_kzalloc'd: freed with the test */
}

static int nmdev_kt_init(struct kunit *test)
{
	struct nmdev_kt *kt;
	struct nmdev_pf *pf;
	unsigned long addr;
	int ret;

	kt = kunit_kzalloc(test, sizeof(*kt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kt);
	kt->pdev = kunit_kzalloc(test, sizeof(*kt->pdev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kt->pdev);
	pf = kunit_kzalloc(test, sizeof(*pf), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pf);
	ret = nmdev_kt_mmio_setup(test, pf);
	KUNIT_ASSERT_EQ(test, ret, 0);
	pf->wq_used = kunit_kcalloc(test, BITS_TO_LONGS(NMDEV_KT_WQS),
				    sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pf->wq_used);

	pf->pdev = kt->pdev;
	pf->nr_wqs = NMDEV_KT_WQS;
	pf->usable_wqs = NMDEV_KT_WQS;
	pf->wq_size = NMDEV_KT_WQ_SIZE;
	pf->gencap = SIOV_GENCAP_BOF;
	pf->mode = NMDEV_MODE_PASID;
	mutex_init(&pf->lock);
	INIT_LIST_HEAD(&pf->mdevs);
	kt->pf = pf;

	mutex_init(&kt->iommu.lock);
	device_initialize(&kt->pdev->dev);
	kt->pdev->dev.release = nmdev_kt_dev_release;
	kt->pdev->dev.iommu = &kt->iommu;	/* no iommu_dev: no IOMMU */
	ret = dev_set_name(&kt->pdev->dev, "nmdev-kunit-pf");
	KUNIT_ASSERT_EQ(test, ret, 0);
	ret = device_add(&kt->pdev->dev);
	if (ret) {
		put_device(&kt->pdev->dev);
		KUNIT_ASSERT_EQ(test, ret, 0);
	}
	kt->registered = true;
	test->priv = kt;

	ret = nmdev_parent_register(pf);
	KUNIT_ASSERT_EQ(test, ret, 0);

	addr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, addr, 0, "kunit_vm_mmap failed");
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	kt->ubuf = (void __user *)addr;
	return 0;
}

static void nmdev_kt_exit(struct kunit *test)
{
	struct nmdev_kt *kt = test->priv;

	if (!kt || !kt->registered)
		return;
	if (kt->pf->parent.dev)
		nmdev_parent_unregister(kt->pf);
	kt->pdev->dev.iommu = NULL;
	device_unregister(&kt->pdev->dev);
	iounmap(kt->pf->bar0);
	nmdev_kt_mmio = NULL;
}

/* ---- sysfs attributes of the mdev type, through the kobject's ops ---- */

static struct attribute *nmdev_kt_type_attr(struct kunit *test,
					    struct mdev_type *mtype,
					    const char *name)
{
	const struct attribute_group **grp;
	struct attribute **a;

	KUNIT_ASSERT_NOT_NULL(test, mtype->kobj.ktype);
	for (grp = mtype->kobj.ktype->default_groups; grp && *grp; grp++)
		for (a = (*grp)->attrs; *a; a++)
			if (!strcmp((*a)->name, name))
				return *a;
	KUNIT_FAIL(test, "mdev type has no attribute %s", name);
	return NULL;
}

static ssize_t nmdev_kt_type_show(struct kunit *test, const char *name,
				  char *buf)
{
	struct mdev_type *mtype = &((struct nmdev_kt *)test->priv)->pf->type_1wq;
	struct attribute *attr = nmdev_kt_type_attr(test, mtype, name);

	if (!attr)
		return -ENOENT;
	memset(buf, 0, PAGE_SIZE);
	return mtype->kobj.ktype->sysfs_ops->show(&mtype->kobj, attr, buf);
}

static ssize_t nmdev_kt_create(struct kunit *test, const char *uuid)
{
	struct mdev_type *mtype = &((struct nmdev_kt *)test->priv)->pf->type_1wq;
	struct attribute *attr = nmdev_kt_type_attr(test, mtype, "create");

	if (!attr)
		return -ENOENT;
	return mtype->kobj.ktype->sysfs_ops->store(&mtype->kobj, attr, uuid,
						   strlen(uuid));
}

static int nmdev_kt_count_child(struct device *dev, void *data)
{
	(*(int *)data)++;
	return 0;
}

static int nmdev_kt_children(struct nmdev_kt *kt)
{
	int n = 0;

	device_for_each_child(&kt->pdev->dev, &n, nmdev_kt_count_child);
	return n;
}

/* ---- suite 1: type registration ---- */

static void nmdev_type_names(struct kunit *test)
{
	struct nmdev_kt *kt = test->priv;
	struct mdev_type *mtype = &kt->pf->type_1wq;
	const char *kname = kobject_name(&mtype->kobj);
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	char expect[64];

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_PTR_EQ(test, kt->pf->types[0], mtype);
	KUNIT_EXPECT_PTR_EQ(test, mtype->parent, &kt->pf->parent);
	KUNIT_EXPECT_PTR_EQ(test, kt->pf->parent.dev, &kt->pdev->dev);
	KUNIT_EXPECT_PTR_EQ(test, kt->pf->parent.mdev_driver,
			    &nmdev_mdev_driver);
	/* "<driver string>-<sysfs_name>", as mdevctl lists it */
	snprintf(expect, sizeof(expect), "%s-1wq",
		 dev_driver_string(&kt->pdev->dev));
	KUNIT_EXPECT_STREQ(test, kname, expect);

	KUNIT_EXPECT_EQ(test, nmdev_kt_type_show(test, "name", buf), 28);
	KUNIT_EXPECT_STREQ(test, buf, "nestmed S-IOV, 1 work queue\n");
	KUNIT_EXPECT_EQ(test, nmdev_kt_type_show(test, "device_api", buf), 9);
	KUNIT_EXPECT_STREQ(test, buf, "vfio-pci\n");
}

static void nmdev_type_available(struct kunit *test)
{
	struct nmdev_kt *kt = test->priv;
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	nmdev_kt_type_show(test, "available_instances", buf);
	KUNIT_EXPECT_STREQ(test, buf, "4\n");

	/* WQs 0 and 2 taken: 4 - 2 */
	set_bit(0, kt->pf->wq_used);
	set_bit(2, kt->pf->wq_used);
	nmdev_kt_type_show(test, "available_instances", buf);
	KUNIT_EXPECT_STREQ(test, buf, "2\n");

	/* WQ 3 has no vector: usable_wqs 3, one of them (1) free */
	kt->pf->usable_wqs = 3;
	nmdev_kt_type_show(test, "available_instances", buf);
	KUNIT_EXPECT_STREQ(test, buf, "1\n");

	/* No PASID support: nothing can be created */
	kt->pf->mode = NMDEV_MODE_NONE;
	nmdev_kt_type_show(test, "available_instances", buf);
	KUNIT_EXPECT_STREQ(test, buf, "0\n");
}

static void nmdev_type_description(struct kunit *test)
{
	struct nmdev_kt *kt = test->priv;
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	nmdev_kt_type_show(test, "description", buf);
	KUNIT_EXPECT_STREQ(test, buf,
			   "1 dedicated WQ, 32 descriptors, pasid, IOPF off\n");
	kt->pf->iopf = true;
	kt->pf->mode = NMDEV_MODE_NONE;
	nmdev_kt_type_show(test, "description", buf);
	KUNIT_EXPECT_STREQ(test, buf,
			   "1 dedicated WQ, 32 descriptors, none, IOPF on\n");
}

static void nmdev_type_unregister(struct kunit *test)
{
	struct nmdev_kt *kt = test->priv;
	struct mdev_type *mtype = &kt->pf->type_1wq;

	KUNIT_EXPECT_NOT_NULL(test, kt->pf->parent.mdev_types_kset);
	KUNIT_EXPECT_TRUE(test, mtype->kobj.state_in_sysfs);
	KUNIT_EXPECT_NOT_NULL(test, mtype->devices_kobj);
	nmdev_parent_unregister(kt->pf);
	kt->pf->parent.dev = NULL;	/* exit: already gone */
	/* the type's sysfs directory is gone */
	KUNIT_EXPECT_FALSE(test, mtype->kobj.state_in_sysfs);
	KUNIT_EXPECT_EQ(test, nmdev_kt_children(kt), 0);
}

static struct kunit_case nmdev_type_cases[] = {
	KUNIT_CASE(nmdev_type_names),
	KUNIT_CASE(nmdev_type_available),
	KUNIT_CASE(nmdev_type_description),
	KUNIT_CASE(nmdev_type_unregister),
	{}
};

static struct kunit_suite nmdev_type_suite = {
	.name = "nmdev_type",
	.init = nmdev_kt_init,
	.exit = nmdev_kt_exit,
	.test_cases = nmdev_type_cases,
};

/* ---- suite 2: create through the mdev core, error unwinding ---- */

static void nmdev_kt_expect_clean(struct kunit *test, struct nmdev_kt *kt,
				  unsigned long used)
{
	KUNIT_EXPECT_EQ(test, *kt->pf->wq_used, used);
	KUNIT_EXPECT_TRUE(test, list_empty(&kt->pf->mdevs));
	KUNIT_EXPECT_EQ(test, nmdev_kt_children(kt), 0);
}

static void nmdev_create_mode_none(struct kunit *test)
{
	struct nmdev_kt *kt = test->priv;

	kt->pf->mode = NMDEV_MODE_NONE;
	KUNIT_EXPECT_EQ(test, nmdev_kt_create(test, NMDEV_KT_UUID),
			(ssize_t)-EOPNOTSUPP);
	nmdev_kt_expect_clean(test, kt, 0);
}

static void nmdev_create_bad_uuid(struct kunit *test)
{
	struct nmdev_kt *kt = test->priv;

	KUNIT_EXPECT_EQ(test, nmdev_kt_create(test, "not-a-uuid"),
			(ssize_t)-EINVAL);
	/* right length, bad hex digit */
	KUNIT_EXPECT_EQ(test,
			nmdev_kt_create(test,
					"8c2ad4b8-6f5e-4d0e-9c1a-3b7e2f10a00g"),
			(ssize_t)-EINVAL);
	nmdev_kt_expect_clean(test, kt, 0);
}

static void nmdev_create_no_wq(struct kunit *test)
{
	struct nmdev_kt *kt = test->priv;

	/* All 4 WQs taken: bits 3:0 */
	bitmap_set(kt->pf->wq_used, 0, NMDEV_KT_WQS);
	KUNIT_EXPECT_EQ(test, nmdev_kt_create(test, NMDEV_KT_UUID),
			(ssize_t)-ENOSPC);
	nmdev_kt_expect_clean(test, kt, 0xf);
}

static void nmdev_create_no_pasid(struct kunit *test)
{
	struct nmdev_kt *kt = test->priv;
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* WQ 0 busy: the attempt takes WQ 1, then must give it back */
	set_bit(0, kt->pf->wq_used);
	kt->iommu.max_pasids = 0;
	KUNIT_EXPECT_EQ(test, nmdev_kt_create(test, NMDEV_KT_UUID),
			(ssize_t)-ENOSPC);
	nmdev_kt_expect_clean(test, kt, 0x1);
	nmdev_kt_type_show(test, "available_instances", buf);
	KUNIT_EXPECT_STREQ(test, buf, "3\n");
}

static void nmdev_create_no_domain(struct kunit *test)
{
	struct nmdev_kt *kt = test->priv;
	struct device *dev = &kt->pdev->dev;
	ioasid_t before, after;

	/* PASIDs exist, but there is no IOMMU to allocate a domain from. */
	kt->iommu.max_pasids = 1 << 8;
	before = iommu_alloc_global_pasid(dev);
	KUNIT_ASSERT_NE(test, before, IOMMU_PASID_INVALID);
	iommu_free_global_pasid(before);

	KUNIT_EXPECT_EQ(test, nmdev_kt_create(test, NMDEV_KT_UUID),
			(ssize_t)-ENODEV);
	nmdev_kt_expect_clean(test, kt, 0);

	/* The PASID went back to the IDA: the lowest free one is the same. */
	after = iommu_alloc_global_pasid(dev);
	KUNIT_EXPECT_EQ(test, after, before);
	if (after != IOMMU_PASID_INVALID)
		iommu_free_global_pasid(after);
}

static void nmdev_create_repeated(struct kunit *test)
{
	struct nmdev_kt *kt = test->priv;
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	kt->iommu.max_pasids = 1 << 8;
	/* Twice as many attempts as WQs: a leaked WQ would show as -ENOSPC */
	for (i = 0; i < 2 * NMDEV_KT_WQS; i++)
		KUNIT_EXPECT_EQ(test, nmdev_kt_create(test, NMDEV_KT_UUID),
				(ssize_t)-ENODEV);
	nmdev_kt_expect_clean(test, kt, 0);
	nmdev_kt_type_show(test, "available_instances", buf);
	KUNIT_EXPECT_STREQ(test, buf, "4\n");
}

static struct kunit_case nmdev_create_cases[] = {
	KUNIT_CASE(nmdev_create_mode_none),
	KUNIT_CASE(nmdev_create_bad_uuid),
	KUNIT_CASE(nmdev_create_no_wq),
	KUNIT_CASE(nmdev_create_no_pasid),
	KUNIT_CASE(nmdev_create_no_domain),
	KUNIT_CASE(nmdev_create_repeated),
	{}
};

static struct kunit_suite nmdev_create_suite = {
	.name = "nmdev_create",
	.init = nmdev_kt_init,
	.exit = nmdev_kt_exit,
	.test_cases = nmdev_create_cases,
};

/* ---- suite 3: the VFIO device ---- */

struct nmdev_kt_vfio {
	struct mdev_device mdev;
	struct nmdev_mdev *nm;
};

static void nmdev_kt_put_vdev(void *data)
{
	vfio_put_device(data);
}

/* A vfio_device with the driver's ops, on an mdev of the fake PF's type. */
static struct nmdev_mdev *nmdev_kt_vdev(struct kunit *test)
{
	struct nmdev_kt *kt = test->priv;
	struct nmdev_kt_vfio *v;
	struct nmdev_mdev *nm;
	int ret;

	v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);
	v->mdev.type = &kt->pf->type_1wq;
	v->mdev.dev.init_name = "nmdev-kunit-mdev";
	nm = vfio_alloc_device(nmdev_mdev, vdev, &v->mdev.dev, &nmdev_vfio_ops);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(nm));
	ret = kunit_add_action_or_reset(test, nmdev_kt_put_vdev, &nm->vdev);
	KUNIT_ASSERT_EQ(test, ret, 0);
	/* init */
	KUNIT_EXPECT_PTR_EQ(test, nm->pf, kt->pf);
	KUNIT_EXPECT_PTR_EQ(test, nm->mdev, &v->mdev);
	KUNIT_EXPECT_EQ(test, nm->pasid, IOMMU_PASID_INVALID);
	return nm;
}

static long nmdev_kt_ioctl(struct kunit *test, struct nmdev_mdev *nm,
			   unsigned int cmd, void *arg, size_t size)
{
	struct nmdev_kt *kt = test->priv;
	long ret;

	KUNIT_ASSERT_LE(test, size, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, copy_to_user(kt->ubuf, arg, size), 0);
	ret = nm->vdev.ops->ioctl(&nm->vdev, cmd, (unsigned long)kt->ubuf);
	KUNIT_ASSERT_EQ(test, copy_from_user(arg, kt->ubuf, size), 0);
	return ret;
}

static void nmdev_vfio_device_info(struct kunit *test)
{
	struct nmdev_mdev *nm = nmdev_kt_vdev(test);
	struct vfio_device_info info = { .argsz = sizeof(info) };

	KUNIT_EXPECT_EQ(test, nmdev_kt_ioctl(test, nm, VFIO_DEVICE_GET_INFO,
					     &info, sizeof(info)), 0);
	/* RESET bit 0 | PCI bit 1 */
	KUNIT_EXPECT_EQ(test, info.flags, 0x3u);
	KUNIT_EXPECT_EQ(test, info.num_regions, 9u);	/* BAR0-5 ROM CFG VGA */
	KUNIT_EXPECT_EQ(test, info.num_irqs, 5u);	/* INTX MSI MSIX ERR REQ */

	info.argsz = 8;		/* below offsetofend(num_irqs) = 16 */
	KUNIT_EXPECT_EQ(test, nmdev_kt_ioctl(test, nm, VFIO_DEVICE_GET_INFO,
					     &info, sizeof(info)), -EINVAL);
	KUNIT_EXPECT_EQ(test, nmdev_kt_ioctl(test, nm, VFIO_DEVICE_BIND_IOMMUFD,
					     &info, sizeof(info)), -ENOTTY);
}

struct nmdev_kt_region {
	u32 index;
	u32 flags;
	u64 size;
};

/* READ 1 | WRITE 2 | MMAP 4 */
static const struct nmdev_kt_region nmdev_kt_regions[] = {
	{ 0, 0x3, 0x40000 },	/* BAR0: SIOV_BAR0_SIZE */
	{ 1, 0x0, 0 },		/* BAR1: upper half of BAR0 */
	{ 2, 0x7, 0x1000 },	/* BAR2: the 4 KiB portal, mmap */
	{ 4, 0x0, 0 },
	{ 6, 0x0, 0 },		/* ROM */
	{ 7, 0x3, 0x100 },	/* config space */
	{ 8, 0x0, 0 },		/* VGA */
};

static void nmdev_vfio_region_info(struct kunit *test)
{
	struct nmdev_mdev *nm = nmdev_kt_vdev(test);
	struct vfio_region_info info;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nmdev_kt_regions); i++) {
		const struct nmdev_kt_region *r = &nmdev_kt_regions[i];

		memset(&info, 0, sizeof(info));
		info.argsz = sizeof(info);
		info.index = r->index;
		KUNIT_EXPECT_EQ(test, nmdev_kt_ioctl(test, nm,
						     VFIO_DEVICE_GET_REGION_INFO,
						     &info, sizeof(info)), 0);
		KUNIT_EXPECT_EQ_MSG(test, info.flags, r->flags, "index %u",
				    r->index);
		KUNIT_EXPECT_EQ_MSG(test, info.size, r->size, "index %u",
				    r->index);
		/* index in bits 63:40 */
		KUNIT_EXPECT_EQ_MSG(test, info.offset, (u64)r->index << 40,
				    "index %u", r->index);
	}
	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	info.index = 9;
	KUNIT_EXPECT_EQ(test, nmdev_kt_ioctl(test, nm,
					     VFIO_DEVICE_GET_REGION_INFO,
					     &info, sizeof(info)), -EINVAL);
	info.index = 0;
	info.argsz = 16;	/* below offsetofend(offset) = 32 */
	KUNIT_EXPECT_EQ(test, nmdev_kt_ioctl(test, nm,
					     VFIO_DEVICE_GET_REGION_INFO,
					     &info, sizeof(info)), -EINVAL);
}

static void nmdev_vfio_irq_info(struct kunit *test)
{
	struct nmdev_mdev *nm = nmdev_kt_vdev(test);
	/* EVENTFD bit 0, NORESIZE bit 3 */
	static const u32 flags[5] = { 0x1, 0x1, 0x9, 0x1, 0x1 };
	static const u32 count[5] = { 0, 0, 2, 0, 0 };
	struct vfio_irq_info info;
	u32 i;

	for (i = 0; i < 5; i++) {
		memset(&info, 0, sizeof(info));
		info.argsz = sizeof(info);
		info.index = i;
		KUNIT_EXPECT_EQ(test, nmdev_kt_ioctl(test, nm,
						     VFIO_DEVICE_GET_IRQ_INFO,
						     &info, sizeof(info)), 0);
		KUNIT_EXPECT_EQ_MSG(test, info.flags, flags[i], "irq %u", i);
		KUNIT_EXPECT_EQ_MSG(test, info.count, count[i], "irq %u", i);
	}
	info.index = 5;
	KUNIT_EXPECT_EQ(test, nmdev_kt_ioctl(test, nm, VFIO_DEVICE_GET_IRQ_INFO,
					     &info, sizeof(info)), -EINVAL);
}

struct nmdev_kt_irq_set {
	struct vfio_irq_set hdr;
	s32 fds[2];
};

static long nmdev_kt_set_irqs(struct kunit *test, struct nmdev_mdev *nm,
			      u32 flags, u32 index, u32 start, u32 count)
{
	struct nmdev_kt_irq_set s = {
		.hdr = {
			.argsz = sizeof(s),
			.flags = flags,
			.index = index,
			.start = start,
			.count = count,
		},
		.fds = { -1, -1 },
	};

	return nmdev_kt_ioctl(test, nm, VFIO_DEVICE_SET_IRQS, &s, sizeof(s));
}

static void nmdev_vfio_set_irqs(struct kunit *test)
{
	struct nmdev_mdev *nm = nmdev_kt_vdev(test);
	const u32 trig = VFIO_IRQ_SET_ACTION_TRIGGER;
	const u32 msix = VFIO_PCI_MSIX_IRQ_INDEX;

	const u32 none = VFIO_IRQ_SET_DATA_NONE | trig;
	const u32 efd = VFIO_IRQ_SET_DATA_EVENTFD | trig;
	const u32 intx = VFIO_PCI_INTX_IRQ_INDEX;
	long ret;

	/* Disable all MSI-X: DATA_NONE, count 0 */
	ret = nmdev_kt_set_irqs(test, nm, none, msix, 0, 0);
	KUNIT_EXPECT_EQ(test, ret, 0);
	/* fd -1 on both vectors: no triggers, accepted */
	ret = nmdev_kt_set_irqs(test, nm, efd, msix, 0, 2);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_NULL(test, nm->trigger[0]);
	KUNIT_EXPECT_NULL(test, nm->trigger[1]);
	/* Loopback on vector 1 without a trigger: nothing to signal */
	ret = nmdev_kt_set_irqs(test, nm, none, msix, 1, 1);
	KUNIT_EXPECT_EQ(test, ret, 0);
	/* start 1 + count 2 > 2 vectors */
	ret = nmdev_kt_set_irqs(test, nm, efd, msix, 1, 2);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	/* Two data types at once */
	ret = nmdev_kt_set_irqs(test, nm, efd | VFIO_IRQ_SET_DATA_BOOL, msix,
				0, 1);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	/* MASK is not supported on MSI-X */
	ret = nmdev_kt_set_irqs(test, nm, VFIO_IRQ_SET_DATA_NONE |
				VFIO_IRQ_SET_ACTION_MASK, msix, 0, 1);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	/*
	 * INTx has no vectors: the VFIO core already refuses every
	 * SET_IRQS on it (start 0 >= 0 vectors), even "disable all"
	 */
	ret = nmdev_kt_set_irqs(test, nm, none, intx, 0, 0);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	ret = nmdev_kt_set_irqs(test, nm, none, intx, 0, 1);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	/* index 5 is past VFIO_PCI_NUM_IRQS */
	ret = nmdev_kt_set_irqs(test, nm, none, 5, 0, 0);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
}

/* ---- config space and BAR0 through vfio_device_ops read/write ---- */

static u32 nmdev_kt_read32(struct kunit *test, struct nmdev_mdev *nm,
			   unsigned int index, u32 off)
{
	struct nmdev_kt *kt = test->priv;
	loff_t pos = ((loff_t)index << 40) | off;
	u32 val = 0xdeadbeef;

	KUNIT_EXPECT_EQ(test, nm->vdev.ops->read(&nm->vdev, kt->ubuf, 4, &pos),
			4);
	KUNIT_EXPECT_EQ(test, copy_from_user(&val, kt->ubuf, 4), 0);
	return le32_to_cpu(val);
}

static void nmdev_kt_write(struct kunit *test, struct nmdev_mdev *nm,
			   unsigned int index, u32 off, u32 val, size_t size)
{
	struct nmdev_kt *kt = test->priv;
	loff_t pos = ((loff_t)index << 40) | off;
	__le32 le = cpu_to_le32(val);

	KUNIT_ASSERT_EQ(test, copy_to_user(kt->ubuf, &le, size), 0);
	KUNIT_EXPECT_EQ(test, nm->vdev.ops->write(&nm->vdev, kt->ubuf, size,
						  &pos), (ssize_t)size);
}

#define CFG	VFIO_PCI_CONFIG_REGION_INDEX
#define BAR0	VFIO_PCI_BAR0_REGION_INDEX

static void nmdev_cfg_identity(struct kunit *test)
{
	struct nmdev_mdev *nm = nmdev_kt_vdev(test);

	/* device 0x5349 : vendor 0x1234 */
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, CFG, 0x00), 0x53491234u);
	/* status CAP_LIST (bit 4) : command 0 */
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, CFG, 0x04), 0x00100000u);
	/* class 0x088000, revision 0x01 */
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, CFG, 0x08), 0x08800001u);
	/* subsystem 0x4d44 ("MD") : subsystem vendor 0x1234 */
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, CFG, 0x2c), 0x4d441234u);
	/* capabilities pointer 0x40 */
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, CFG, 0x34), 0x40u);
	/* MSI-X: flags table size 2 - 1 = 1 : next 0 : ID 0x11 */
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, CFG, 0x40), 0x00010011u);
	/* table at BAR0 + 0x2000, PBA at BAR0 + 0xa000 (BIR 0) */
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, CFG, 0x44), 0x2000u);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, CFG, 0x48), 0xa000u);
}

static void nmdev_cfg_bar_sizing(struct kunit *test)
{
	struct nmdev_mdev *nm = nmdev_kt_vdev(test);

	/* BAR0 at reset: 64-bit memory, type bits 2:1 = 10b -> 0x4 */
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, CFG, 0x10), 0x4u);
	/* size 0x40000: ~0x3ffff & 0xfffffff0 | 0x4 = 0xfffc0004 */
	nmdev_kt_write(test, nm, CFG, 0x10, 0xffffffff, 4);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, CFG, 0x10), 0xfffc0004u);
	/* upper half of a 64-bit BAR: all bits RW */
	nmdev_kt_write(test, nm, CFG, 0x14, 0xffffffff, 4);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, CFG, 0x14), 0xffffffffu);
	/* BAR2, size 0x1000: 0xfffff000 | 0x4 */
	nmdev_kt_write(test, nm, CFG, 0x18, 0xffffffff, 4);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, CFG, 0x18), 0xfffff004u);
	/* an address keeps its aligned bits: 0x12345678 -> 0x12340000 | 4 */
	nmdev_kt_write(test, nm, CFG, 0x10, 0x12345678, 4);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, CFG, 0x10), 0x12340004u);
	/* BAR4 is not implemented: reads 0 */
	nmdev_kt_write(test, nm, CFG, 0x20, 0xffffffff, 4);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, CFG, 0x20), 0u);
	/* a 2-byte BAR write is dropped */
	nmdev_kt_write(test, nm, CFG, 0x18, 0x0000, 2);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, CFG, 0x18), 0xfffff004u);
}

static void nmdev_cfg_ro_bits(struct kunit *test)
{
	struct nmdev_mdev *nm = nmdev_kt_vdev(test);

	/* IDs are read-only */
	nmdev_kt_write(test, nm, CFG, 0x00, 0xffffffff, 4);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, CFG, 0x00), 0x53491234u);
	/*
	 * command: MEMORY (bit 1) | MASTER (bit 2) | INTX_DISABLE (bit 10)
	 * = 0x0406 writable; status stays 0x0010
	 */
	nmdev_kt_write(test, nm, CFG, 0x04, 0xffffffff, 4);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, CFG, 0x04), 0x00100406u);
	/* interrupt line (0x3c) RW, interrupt pin (0x3d) RO */
	nmdev_kt_write(test, nm, CFG, 0x3c, 0xffff, 2);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, CFG, 0x3c), 0xffu);
	/* MSI-X flags: ENABLE (15) | MASKALL (14) writable, size RO: 0xc001 */
	nmdev_kt_write(test, nm, CFG, 0x42, 0xffff, 2);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, CFG, 0x40), 0xc0010011u);
	/* the MSI-X table offset is RO */
	nmdev_kt_write(test, nm, CFG, 0x44, 0xffffffff, 4);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, CFG, 0x44), 0x2000u);
}

static void nmdev_rw_bounds(struct kunit *test)
{
	struct nmdev_mdev *nm = nmdev_kt_vdev(test);
	struct nmdev_kt *kt = test->priv;
	loff_t pos;

	/* past the end of config space (0x100) */
	pos = ((loff_t)CFG << 40) | 0xfe;
	KUNIT_EXPECT_EQ(test, nm->vdev.ops->read(&nm->vdev, kt->ubuf, 4, &pos),
			(ssize_t)-EINVAL);
	/* BAR2 is mmap-only */
	pos = (loff_t)VFIO_PCI_BAR2_REGION_INDEX << 40;
	KUNIT_EXPECT_EQ(test, nm->vdev.ops->read(&nm->vdev, kt->ubuf, 4, &pos),
			(ssize_t)-EINVAL);
	/* BAR0 takes dword accesses only */
	pos = (loff_t)BAR0 << 40;
	KUNIT_EXPECT_EQ(test, nm->vdev.ops->read(&nm->vdev, kt->ubuf, 2, &pos),
			(ssize_t)-EINVAL);
	/* an unimplemented region has size 0 */
	pos = (loff_t)VFIO_PCI_ROM_REGION_INDEX << 40;
	KUNIT_EXPECT_EQ(test, nm->vdev.ops->read(&nm->vdev, kt->ubuf, 1, &pos),
			(ssize_t)-EINVAL);
	/* a good read moves *ppos */
	pos = ((loff_t)CFG << 40) | 0x10;
	KUNIT_EXPECT_EQ(test, nm->vdev.ops->read(&nm->vdev, kt->ubuf, 8, &pos),
			8);
	KUNIT_EXPECT_EQ(test, pos, ((loff_t)CFG << 40) | 0x18);
}

/* WQ 0 of the L2 view: WQCFG at 0x10000; CFG0 +0, CTL +0x10, STS +0x18 */
#define L2_CFG0		(SIOV_REG_WQCFG + SIOV_WQ_CFG0)
#define L2_CFG1		(SIOV_REG_WQCFG + SIOV_WQ_CFG1)
#define L2_CTL		(SIOV_REG_WQCFG + SIOV_WQ_CTL)
#define L2_STS		(SIOV_REG_WQCFG + SIOV_WQ_STS)

/* Enable the L2 device with bus mastering, write CFG0/1, enable WQ 0. */
static void nmdev_kt_l2_enable(struct kunit *test, struct nmdev_mdev *nm,
			       u64 cfg0, u32 cfg1)
{
	nmdev_kt_write(test, nm, CFG, 0x04, 0x0006, 2);
	nmdev_kt_write(test, nm, BAR0, SIOV_REG_GENCTRL, 1, 4);
	nmdev_kt_write(test, nm, BAR0, L2_CFG0, lower_32_bits(cfg0), 4);
	nmdev_kt_write(test, nm, BAR0, L2_CFG0 + 4, upper_32_bits(cfg0), 4);
	nmdev_kt_write(test, nm, BAR0, L2_CFG1, cfg1, 4);
	nmdev_kt_write(test, nm, BAR0, L2_CTL, 1, 4);
}

static void nmdev_kt_expect_real_wq_untouched(struct kunit *test,
					      struct nmdev_mdev *nm)
{
	/* the fake BAR0's WQ registers were never written */
	KUNIT_EXPECT_EQ(test, nmdev_kt_wq_reg(nm, SIOV_WQ_CFG0), 0ull);
	KUNIT_EXPECT_EQ(test, nmdev_kt_wq_reg(nm, SIOV_WQ_CFG1), 0ull);
	KUNIT_EXPECT_EQ(test, nmdev_kt_wq_reg(nm, SIOV_WQ_CTL), 0ull);
}

static void nmdev_bar0_pasid_refused(struct kunit *test)
{
	struct nmdev_mdev *nm = nmdev_kt_vdev(test);

	/* SIZE 16 | PASID_EN (bit 18) | PASID 5 (bits 51:32) */
	nmdev_kt_l2_enable(test, nm, 0x0000000500040010ull, 1);
	/* STS: ERR (15:8) = 4 PASID_DISABLED, STATE (1:0) = 2 ERROR */
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR0, L2_STS), 0x402u);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR0, L2_CTL), 0u);
	/* L2 reads back what it wrote; the device never saw it */
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR0, L2_CFG0),
			0x00040010u);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR0, L2_CFG0 + 4),
			0x5u);
	nmdev_kt_expect_real_wq_untouched(test, nm);
}

static void nmdev_bar0_priv_refused(struct kunit *test)
{
	struct nmdev_mdev *nm = nmdev_kt_vdev(test);

	/* SIZE 16 | PRIV (bit 19) */
	nmdev_kt_l2_enable(test, nm, 0x0000000000080010ull, 1);
	/* ERR 5 PRIV_DISABLED, STATE 2 ERROR */
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR0, L2_STS), 0x502u);
	nmdev_kt_expect_real_wq_untouched(test, nm);

	/* WQ_CTL = 0 clears the error (and disables the real WQ) */
	nmdev_kt_write(test, nm, BAR0, L2_CTL, 0, 4);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR0, L2_STS), 0u);
	/* interrupt handle 2 >= 2 vectors: ERR 7 INT_HANDLE, STATE 2 */
	nmdev_kt_l2_enable(test, nm, 0x10, 2);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR0, L2_STS), 0x702u);
	KUNIT_EXPECT_EQ(test, nmdev_kt_wq_reg(nm, SIOV_WQ_CFG0), 0ull);
}

static void nmdev_bar0_enable_forces_pasid(struct kunit *test)
{
	struct nmdev_mdev *nm = nmdev_kt_vdev(test);

	nm->wq = 2;
	nm->pasid = 0x42;
	/* L2: SIZE 16, no PASID; vector 1 */
	nmdev_kt_l2_enable(test, nm, 0x10, 1);
	/*
	 * The real WQ 2 (WQCFG + 2 * 0x20): SIZE 16 | PASID_EN (bit 18) |
	 * PASID 0x42 (bits 51:32) = 0x0000004200040010; CFG1 INT_HANDLE =
	 * the PF's vector of WQ 2 = 2 + 1 = 3
	 */
	KUNIT_EXPECT_EQ(test, nmdev_kt_reg(nmdev_kt_mmio, 0x10040),
			0x0000004200040010ull);
	KUNIT_EXPECT_EQ(test, nmdev_kt_reg(nmdev_kt_mmio, 0x10048), 0x3ull);
	KUNIT_EXPECT_EQ(test, nmdev_kt_reg(nmdev_kt_mmio, 0x10050), 0x1ull);
	/* L2 sees its own values, enabled (STS state 1) */
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR0, L2_CFG0), 0x10u);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR0, L2_CFG1), 0x1u);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR0, L2_CTL), 0x1u);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR0, L2_STS), 0x1u);
	/* Clearing GENCTRL.ENABLE disables the real WQ */
	nmdev_kt_write(test, nm, BAR0, SIOV_REG_GENCTRL, 0, 4);
	KUNIT_EXPECT_EQ(test, nmdev_kt_reg(nmdev_kt_mmio, 0x10050), 0x0ull);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR0, L2_STS), 0x0u);
}

static void nmdev_bar0_device_refusal(struct kunit *test)
{
	struct nmdev_mdev *nm = nmdev_kt_vdev(test);

	nm->pasid = 0x42;
	/* the device refuses with SIZE_TOO_BIG (2) */
	nmdev_kt_mmio->wq_err = SIOV_WQERR_SIZE_TOO_BIG;
	nmdev_kt_l2_enable(test, nm, 0xffff, 1);
	/* L2 sees ERR 2, STATE 2 ERROR; CTL reads 0 */
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR0, L2_STS), 0x202u);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR0, L2_CTL), 0x0u);
	/* the driver wrote WQ_CTL = 0 after the refusal: WQ 0 at 0x10010 */
	KUNIT_EXPECT_EQ(test, nmdev_kt_reg(nmdev_kt_mmio, 0x10010), 0x0ull);
}

static void nmdev_cmd_mediated(struct kunit *test)
{
	struct nmdev_mdev *nm = nmdev_kt_vdev(test);
	struct vfio_device_info info = { .argsz = sizeof(info) };
	unsigned int cmds;

	nm->wq = 3;
	/* L2 DRAIN_WQ (code 3, bits 27:24) of its WQ 0 -> the real WQ 3 */
	nmdev_kt_write(test, nm, BAR0, SIOV_REG_CMD, 0x03000000, 4);
	KUNIT_EXPECT_EQ(test, nmdev_kt_mmio->cmds, 1u);
	KUNIT_EXPECT_EQ(test, nmdev_kt_mmio->last_cmd, 0x03000003u);
	/* CMDSTS 0, INTCAUSE.CMD set */
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR0, SIOV_REG_CMDSTS),
			0u);
	KUNIT_EXPECT_NE(test, nmdev_kt_read32(test, nm, BAR0,
					      SIOV_REG_INTCAUSE), 0u);
	/* L2 has one WQ: RESET_WQ of WQ 1 is BAD_WQ (2), nothing sent */
	nmdev_kt_write(test, nm, BAR0, SIOV_REG_CMD, 0x02000001, 4);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR0, SIOV_REG_CMDSTS),
			2u);
	KUNIT_EXPECT_EQ(test, nmdev_kt_mmio->cmds, 1u);
	/* DRAIN_PASID (code 4): L2 has no PASIDs, BAD_CODE */
	nmdev_kt_write(test, nm, BAR0, SIOV_REG_CMD, 0x04000000, 4);
	KUNIT_EXPECT_NE(test, nmdev_kt_read32(test, nm, BAR0, SIOV_REG_CMDSTS),
			0u);
	KUNIT_EXPECT_EQ(test, nmdev_kt_mmio->cmds, 1u);
	/* VFIO_DEVICE_RESET: RESET_WQ (code 2) of the real WQ 3 */
	cmds = nmdev_kt_mmio->cmds;
	KUNIT_EXPECT_EQ(test, nmdev_kt_ioctl(test, nm, VFIO_DEVICE_RESET,
					     &info, sizeof(info)), 0);
	KUNIT_EXPECT_EQ(test, nmdev_kt_mmio->cmds, cmds + 1);
	KUNIT_EXPECT_EQ(test, nmdev_kt_mmio->last_cmd, 0x02000003u);
}

static void nmdev_bar0_ro_regs(struct kunit *test)
{
	struct nmdev_mdev *nm = nmdev_kt_vdev(test);
	u32 gencap_lo = nmdev_kt_read32(test, nm, BAR0, SIOV_REG_GENCAP);
	u32 wqcap_lo = nmdev_kt_read32(test, nm, BAR0, SIOV_REG_WQCAP);

	/* WQCAP of the L2 view: one dedicated WQ of the PF's size */
	KUNIT_EXPECT_EQ(test, (u64)wqcap_lo |
			(u64)nmdev_kt_read32(test, nm, BAR0,
					     SIOV_REG_WQCAP + 4) << 32,
			FIELD_PREP(SIOV_WQCAP_NR_WQS, 1) |
			FIELD_PREP(SIOV_WQCAP_MAX_SIZE, NMDEV_KT_WQ_SIZE) |
			SIOV_WQCAP_DEDICATED);
	nmdev_kt_write(test, nm, BAR0, SIOV_REG_VERSION, 0xffffffff, 4);
	nmdev_kt_write(test, nm, BAR0, SIOV_REG_GENCAP, 0xffffffff, 4);
	nmdev_kt_write(test, nm, BAR0, SIOV_REG_WQCAP, 0xffffffff, 4);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR0, SIOV_REG_VERSION),
			(u32)SIOV_VERSION);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR0, SIOV_REG_GENCAP),
			gencap_lo);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR0, SIOV_REG_WQCAP),
			wqcap_lo);
	/* three ignored writes counted */
	KUNIT_EXPECT_EQ(test, atomic64_read(&nm->stats.bad_mmio), 3);
	/* CFG0 is RO while the WQ is enabled: the real WQ reports ENABLED */
	nmdev_kt_mmio->regs[SIOV_REG_WQCFG + SIOV_WQ_STS] = SIOV_WQ_ENABLED;
	nmdev_kt_write(test, nm, BAR0, L2_CFG0, 0x40010, 4);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR0, L2_CFG0), 0u);
	KUNIT_EXPECT_EQ(test, atomic64_read(&nm->stats.bad_mmio), 4);
}

static struct kunit_case nmdev_vfio_cases[] = {
	KUNIT_CASE(nmdev_vfio_device_info),
	KUNIT_CASE(nmdev_vfio_region_info),
	KUNIT_CASE(nmdev_vfio_irq_info),
	KUNIT_CASE(nmdev_vfio_set_irqs),
	KUNIT_CASE(nmdev_cfg_identity),
	KUNIT_CASE(nmdev_cfg_bar_sizing),
	KUNIT_CASE(nmdev_cfg_ro_bits),
	KUNIT_CASE(nmdev_rw_bounds),
	KUNIT_CASE(nmdev_bar0_pasid_refused),
	KUNIT_CASE(nmdev_bar0_priv_refused),
	KUNIT_CASE(nmdev_bar0_ro_regs),
	KUNIT_CASE(nmdev_bar0_enable_forces_pasid),
	KUNIT_CASE(nmdev_bar0_device_refusal),
	KUNIT_CASE(nmdev_cmd_mediated),
	{}
};

static struct kunit_suite nmdev_vfio_suite = {
	.name = "nmdev_vfio",
	.init = nmdev_kt_init,
	.exit = nmdev_kt_exit,
	.test_cases = nmdev_vfio_cases,
};

/* ---- suite 4: the same glue in software mode ---- */

#define BAR2	VFIO_PCI_BAR2_REGION_INDEX

/* The fake PF in software mode: no PASID from the IOMMU, the PF's ops. */
static struct nmdev_mdev *nmdev_kt_sw_vdev(struct kunit *test)
{
	struct nmdev_kt *kt = test->priv;

	kt->pf->mode = NMDEV_MODE_SW;
	kt->pf->opcap = SIOV_OPCAP_DEFAULT;
	kt->pf->gencap = SIOV_GENCAP_BOF |
			 FIELD_PREP(SIOV_GENCAP_MAX_XFER_LG2, 31);
	return nmdev_kt_vdev(test);
}

static void nmdev_kt_portal_write(struct kunit *test, struct nmdev_mdev *nm,
				  u32 off, const struct siov_desc *d)
{
	struct nmdev_kt *kt = test->priv;
	loff_t pos = ((loff_t)BAR2 << 40) | off;

	KUNIT_ASSERT_EQ(test, copy_to_user(kt->ubuf, d, sizeof(*d)), 0);
	KUNIT_EXPECT_EQ(test, nm->vdev.ops->write(&nm->vdev, kt->ubuf,
						  sizeof(*d), &pos),
			(ssize_t)sizeof(*d));
	KUNIT_EXPECT_EQ(test, pos, (((loff_t)BAR2 << 40) | off) + 64);
}

static s64 nmdev_kt_stat(atomic64_t *v)
{
	return atomic64_read(v);
}

static void nmdev_swdev_select_mode(struct kunit *test)
{
	struct nmdev_kt *kt = test->priv;
	struct nmdev_pf *pf = kt->pf;

	/* a bad value fails (the probe) and changes nothing */
	KUNIT_EXPECT_EQ(test, nmdev_pf_select_mode(pf, "software"), -EINVAL);
	KUNIT_EXPECT_EQ(test, pf->mode, NMDEV_MODE_PASID);
	/* the default: PASID when offered, else software */
	pf->max_pasids = 0;
	KUNIT_EXPECT_EQ(test, nmdev_pf_select_mode(pf, "auto"), 0);
	KUNIT_EXPECT_EQ(test, pf->mode, NMDEV_MODE_SW);
	pf->max_pasids = 1 << 20;
	KUNIT_EXPECT_EQ(test, nmdev_pf_select_mode(pf, "auto"), 0);
	KUNIT_EXPECT_EQ(test, pf->mode, NMDEV_MODE_PASID);
	KUNIT_EXPECT_EQ(test, nmdev_pf_select_mode(pf, "sw"), 0);
	KUNIT_EXPECT_EQ(test, pf->mode, NMDEV_MODE_SW);
	pf->max_pasids = 0;
	KUNIT_EXPECT_EQ(test, nmdev_pf_select_mode(pf, "pasid"), 0);
	KUNIT_EXPECT_EQ(test, pf->mode, NMDEV_MODE_NONE);
}

static void nmdev_swdev_type(struct kunit *test)
{
	struct nmdev_kt *kt = test->priv;
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	kt->pf->mode = NMDEV_MODE_SW;
	/* software mode needs no PASID: every usable WQ is available */
	nmdev_kt_type_show(test, "available_instances", buf);
	KUNIT_EXPECT_STREQ(test, buf, "4\n");
	nmdev_kt_type_show(test, "description", buf);
	KUNIT_EXPECT_STREQ(test, buf,
			   "1 dedicated WQ, 32 descriptors, sw, IOPF off\n");
}

static void nmdev_swdev_create_no_pasid(struct kunit *test)
{
	struct nmdev_kt *kt = test->priv;
	struct device *dev = &kt->pdev->dev;
	ioasid_t before, after;
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	kt->pf->mode = NMDEV_MODE_SW;
	/*
	 * No PASID and no IOMMU domain: create gets past both (PASID mode
	 * fails with -ENOSPC or -ENODEV here) to the WQ's interrupt vector,
	 * which the fake PF (no MSI-X) does not have.
	 */
	kt->iommu.max_pasids = 0;
	KUNIT_EXPECT_EQ(test, nmdev_kt_create(test, NMDEV_KT_UUID),
			(ssize_t)-EINVAL);
	nmdev_kt_expect_clean(test, kt, 0);

	kt->iommu.max_pasids = 1 << 8;
	before = iommu_alloc_global_pasid(dev);
	KUNIT_ASSERT_NE(test, before, IOMMU_PASID_INVALID);
	iommu_free_global_pasid(before);
	KUNIT_EXPECT_EQ(test, nmdev_kt_create(test, NMDEV_KT_UUID),
			(ssize_t)-EINVAL);
	nmdev_kt_expect_clean(test, kt, 0);
	/* no PASID was taken (or leaked) */
	after = iommu_alloc_global_pasid(dev);
	KUNIT_EXPECT_EQ(test, after, before);
	if (after != IOMMU_PASID_INVALID)
		iommu_free_global_pasid(after);
	nmdev_kt_type_show(test, "available_instances", buf);
	KUNIT_EXPECT_STREQ(test, buf, "4\n");
}

static void nmdev_swdev_region_info(struct kunit *test)
{
	struct nmdev_mdev *nm = nmdev_kt_sw_vdev(test);
	struct vfio_region_info info;
	/* READ 1 | WRITE 2, no MMAP 4: the VMM traps the portal */
	static const u32 flags[] = { [0] = 0x3, [2] = 0x3, [7] = 0x3 };
	static const u64 size[] = { [0] = 0x40000, [2] = 0x1000, [7] = 0x100 };
	u32 i;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		memset(&info, 0, sizeof(info));
		info.argsz = sizeof(info);
		info.index = i;
		KUNIT_EXPECT_EQ(test, nmdev_kt_ioctl(test, nm,
						     VFIO_DEVICE_GET_REGION_INFO,
						     &info, sizeof(info)), 0);
		KUNIT_EXPECT_EQ_MSG(test, info.flags, flags[i], "index %u", i);
		KUNIT_EXPECT_EQ_MSG(test, info.size, size[i], "index %u", i);
	}
}

static void nmdev_swdev_mmap_refused(struct kunit *test)
{
	struct nmdev_mdev *nm = nmdev_kt_sw_vdev(test);
	struct vm_area_struct *vma = kunit_kzalloc(test, sizeof(*vma),
						   GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, vma);
	/* what PASID mode would map: BAR2, offset 0, 4 KiB, shared */
	vma->vm_pgoff = (u64)BAR2 << (40 - PAGE_SHIFT);
	vma->vm_start = 0x100000;
	vma->vm_end = vma->vm_start + PAGE_SIZE;
	vm_flags_init(vma, VM_SHARED | VM_READ | VM_WRITE);
	KUNIT_EXPECT_EQ(test, nm->vdev.ops->mmap(&nm->vdev, vma), -EINVAL);
}

static u64 nmdev_kt_read64(struct kunit *test, struct nmdev_mdev *nm, u32 off)
{
	return nmdev_kt_read32(test, nm, BAR0, off) |
	       (u64)nmdev_kt_read32(test, nm, BAR0, off + 4) << 32;
}

static void nmdev_swdev_caps(struct kunit *test)
{
	struct nmdev_mdev *nm = nmdev_kt_sw_vdev(test);

	nm->pf->opcap = SIOV_OPCAP_DEFAULT | BIT_ULL(6);
	/* GENCAP: no BOF, MAX_XFER 31 capped to 21, 2 MSI-X vectors */
	KUNIT_EXPECT_EQ(test, nmdev_kt_read64(test, nm, SIOV_REG_GENCAP),
			FIELD_PREP(SIOV_GENCAP_MAX_XFER_LG2, 21) |
			FIELD_PREP(SIOV_GENCAP_NR_MSIX, 2));
	/* OPCAP: the opcodes nmdev decodes, not bit 6 */
	KUNIT_EXPECT_EQ(test, nmdev_kt_read64(test, nm, SIOV_REG_OPCAP),
			0x3bull);
	/* PASID mode shows the PF's values, as before */
	nm->pf->mode = NMDEV_MODE_PASID;
	KUNIT_EXPECT_EQ(test, nmdev_kt_read64(test, nm, SIOV_REG_GENCAP),
			SIOV_GENCAP_BOF |
			FIELD_PREP(SIOV_GENCAP_MAX_XFER_LG2, 31) |
			FIELD_PREP(SIOV_GENCAP_NR_MSIX, 2));
	KUNIT_EXPECT_EQ(test, nmdev_kt_read64(test, nm, SIOV_REG_OPCAP),
			0x7bull);
}

static void nmdev_swdev_wq_no_pasid(struct kunit *test)
{
	struct nmdev_mdev *nm = nmdev_kt_sw_vdev(test);

	nm->wq = 2;
	/* L2: SIZE 16, vector 1 */
	nmdev_kt_l2_enable(test, nm, 0x10, 1);
	/* the real WQ 2: SIZE 16, no PASID_EN, no PASID; vector 2 + 1 */
	KUNIT_EXPECT_EQ(test, nmdev_kt_reg(nmdev_kt_mmio, 0x10040), 0x10ull);
	KUNIT_EXPECT_EQ(test, nmdev_kt_reg(nmdev_kt_mmio, 0x10048), 0x3ull);
	KUNIT_EXPECT_EQ(test, nmdev_kt_reg(nmdev_kt_mmio, 0x10050), 0x1ull);
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR0, L2_STS), 0x1u);
}

static void nmdev_swdev_bof_refused(struct kunit *test)
{
	struct nmdev_mdev *nm = nmdev_kt_sw_vdev(test);

	/* even with IOPF on the PF: pinned pages never fault */
	nm->pf->iopf = true;
	/* SIZE 16 | BOF_EN (bit 20) */
	nmdev_kt_l2_enable(test, nm, 0x100010, 1);
	/* ERR 6 BOF_NO_PRI, STATE 2 ERROR */
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR0, L2_STS), 0x602u);
	nmdev_kt_expect_real_wq_untouched(test, nm);
}

static void nmdev_swdev_portal_other_access(struct kunit *test)
{
	struct nmdev_mdev *nm = nmdev_kt_sw_vdev(test);
	struct nmdev_kt *kt = test->priv;
	struct siov_desc d;
	loff_t pos;
	u8 *buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* reads return all ones, as the PF's portal */
	KUNIT_EXPECT_EQ(test, nmdev_kt_read32(test, nm, BAR2, 0), 0xffffffffu);
	KUNIT_EXPECT_EQ(test, nmdev_kt_stat(&nm->stats.bad_mmio), 1);
	pos = ((loff_t)BAR2 << 40) | 0x40;
	KUNIT_EXPECT_EQ(test, nm->vdev.ops->read(&nm->vdev, kt->ubuf, 64, &pos),
			64);
	KUNIT_EXPECT_EQ(test, copy_from_user(buf, kt->ubuf, 64), 0);
	for (i = 0; i < 64; i++)
		KUNIT_EXPECT_EQ_MSG(test, buf[i], 0xff, "byte %d", i);
	KUNIT_EXPECT_EQ(test, nmdev_kt_stat(&nm->stats.bad_mmio), 2);
	/* a dword write, a 64-byte write not at offset 0: ignored */
	nmdev_kt_write(test, nm, BAR2, 0, 0x12345678, 4);
	KUNIT_EXPECT_EQ(test, nmdev_kt_stat(&nm->stats.bad_mmio), 3);
	siov_desc_init(&d, SIOV_OP_NOOP, 0);
	nmdev_kt_portal_write(test, nm, 0x40, &d);
	KUNIT_EXPECT_EQ(test, nmdev_kt_stat(&nm->stats.bad_mmio), 4);
	/* past the 4 KiB region: refused, not counted */
	pos = ((loff_t)BAR2 << 40) | 0xfe0;
	KUNIT_EXPECT_EQ(test, nm->vdev.ops->write(&nm->vdev, kt->ubuf, 64,
						  &pos), (ssize_t)-EINVAL);
	KUNIT_EXPECT_EQ(test, nmdev_kt_stat(&nm->stats.bad_mmio), 4);
	/* none of it was a submission */
	KUNIT_EXPECT_EQ(test, nmdev_kt_stat(&nm->stats.sw_dropped), 0);
	KUNIT_EXPECT_EQ(test, nmdev_kt_stat(&nm->stats.sw_invalid), 0);
}

static void nmdev_swdev_submit_dropped(struct kunit *test)
{
	struct nmdev_mdev *nm = nmdev_kt_sw_vdev(test);
	u64 sts;
	struct siov_desc d;

	/* L2's WQ not enabled: the portal drops it */
	siov_desc_init(&d, SIOV_OP_NOOP, 0);
	nmdev_kt_portal_write(test, nm, 0, &d);
	KUNIT_EXPECT_EQ(test, nmdev_kt_stat(&nm->stats.sw_dropped), 1);

	nmdev_kt_l2_enable(test, nm, 0x10, 1);
	/* record address not 32-byte aligned: a no-op, no completion */
	siov_desc_init(&d, SIOV_OP_NOOP, SIOV_F_CRAV | SIOV_F_RCR);
	siov_desc_set_cr_addr(&d, 0x1010);
	nmdev_kt_portal_write(test, nm, 0, &d);
	KUNIT_EXPECT_EQ(test, nmdev_kt_stat(&nm->stats.sw_dropped), 2);

	/* WQ full: occupancy 16 of 16 */
	sts = FIELD_PREP(SIOV_WQ_STS_STATE, SIOV_WQ_ENABLED) |
	      FIELD_PREP(SIOV_WQ_STS_OCCUPANCY, 16);
	memcpy(nmdev_kt_mmio->regs + siov_wqcfg_offset(nm->wq, SIOV_WQ_STS),
	       &sts, 8);
	siov_desc_init(&d, SIOV_OP_NOOP, 0);
	nmdev_kt_portal_write(test, nm, 0, &d);
	KUNIT_EXPECT_EQ(test, nmdev_kt_stat(&nm->stats.sw_dropped), 3);

	/* a valid NOOP, but the device is not open: nothing is sent */
	sts = FIELD_PREP(SIOV_WQ_STS_STATE, SIOV_WQ_ENABLED) |
	      FIELD_PREP(SIOV_WQ_STS_OCCUPANCY, 15);
	memcpy(nmdev_kt_mmio->regs + siov_wqcfg_offset(nm->wq, SIOV_WQ_STS),
	       &sts, 8);
	nmdev_kt_portal_write(test, nm, 0, &d);
	KUNIT_EXPECT_EQ(test, nmdev_kt_stat(&nm->stats.sw_dropped), 4);

	KUNIT_EXPECT_EQ(test, nmdev_kt_stat(&nm->stats.sw_submits), 0);
	KUNIT_EXPECT_EQ(test, nmdev_kt_stat(&nm->stats.sw_invalid), 0);
	KUNIT_EXPECT_EQ(test, nmdev_kt_stat(&nm->stats.bad_mmio), 0);
}

static void nmdev_swdev_submit_invalid(struct kunit *test)
{
	struct nmdev_mdev *nm = nmdev_kt_sw_vdev(test);
	struct siov_desc d;

	nmdev_kt_l2_enable(test, nm, 0x10, 1);
	/* opcode 2: not in OPCAP; RCI: L2 still gets its interrupt */
	siov_desc_init(&d, 0x02, SIOV_F_RCI);
	nmdev_kt_portal_write(test, nm, 0, &d);
	KUNIT_EXPECT_EQ(test, nmdev_kt_stat(&nm->stats.sw_invalid), 1);
	KUNIT_EXPECT_EQ(test, nmdev_kt_stat(&nm->stats.irqs), 1);
	/* BOF: L2's WQ never has BOF_EN in software mode */
	siov_desc_init(&d, SIOV_OP_MEMMOVE, SIOV_F_BOF);
	siov_desc_set_src(&d, 0x10000);
	siov_desc_set_dst(&d, 0x20000);
	siov_desc_set_xfer_size(&d, 64);
	nmdev_kt_portal_write(test, nm, 0, &d);
	KUNIT_EXPECT_EQ(test, nmdev_kt_stat(&nm->stats.sw_invalid), 2);
	/* 4 MiB: the PF takes 2^31, L2 is told (and held to) 2^21 */
	siov_desc_init(&d, SIOV_OP_MEMMOVE, 0);
	siov_desc_set_src(&d, 0x1000000);
	siov_desc_set_dst(&d, 0x2000000);
	siov_desc_set_xfer_size(&d, 1u << 22);
	nmdev_kt_portal_write(test, nm, 0, &d);
	KUNIT_EXPECT_EQ(test, nmdev_kt_stat(&nm->stats.sw_invalid), 3);
	/* no interrupt without RCI; nothing reached the device */
	KUNIT_EXPECT_EQ(test, nmdev_kt_stat(&nm->stats.irqs), 1);
	KUNIT_EXPECT_EQ(test, nmdev_kt_stat(&nm->stats.sw_submits), 0);
	KUNIT_EXPECT_EQ(test, nmdev_kt_stat(&nm->stats.sw_dropped), 0);
	KUNIT_EXPECT_EQ(test, nmdev_kt_stat(&nm->stats.faults), 0);
}

static struct kunit_case nmdev_swdev_cases[] = {
	KUNIT_CASE(nmdev_swdev_select_mode),
	KUNIT_CASE(nmdev_swdev_type),
	KUNIT_CASE(nmdev_swdev_create_no_pasid),
	KUNIT_CASE(nmdev_swdev_region_info),
	KUNIT_CASE(nmdev_swdev_mmap_refused),
	KUNIT_CASE(nmdev_swdev_caps),
	KUNIT_CASE(nmdev_swdev_wq_no_pasid),
	KUNIT_CASE(nmdev_swdev_bof_refused),
	KUNIT_CASE(nmdev_swdev_portal_other_access),
	KUNIT_CASE(nmdev_swdev_submit_dropped),
	KUNIT_CASE(nmdev_swdev_submit_invalid),
	{}
};

static struct kunit_suite nmdev_swdev_suite = {
	.name = "nmdev_swdev",
	.init = nmdev_kt_init,
	.exit = nmdev_kt_exit,
	.test_cases = nmdev_swdev_cases,
};

kunit_test_suites(&nmdev_type_suite, &nmdev_create_suite, &nmdev_vfio_suite,
		  &nmdev_swdev_suite);
