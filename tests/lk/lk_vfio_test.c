// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated L1 kernel's mdev core and VFIO core (guest/sim/lk/mdev.c,
 * vfio.c), driven through a small fake mdev driver and VFIO device defined
 * here, on a booted lk with 16 MiB of L1 RAM (no PCI except for the mmap
 * case, which needs a BAR).  Expected values follow Linux 6.12:
 * drivers/vfio/mdev/mdev_{core,sysfs}.c, vfio_main.c and
 * vfio_iommu_type1.c (errno values cited per case).
 *
 * Every case ends with the books balanced (exit): no slab allocation, pin
 * or leak left, and exactly the WARNs the case expected.
 */
#include "lk/lk_internal.h"

#include <kunit/test.h>

#include "memory.h"
#include "sim.h"

#define RAM		(16ULL << 20)
#define PG		PAGE_SIZE
#define IOVA		0x10000000ULL
#define L1		0x400000ULL		/* L2's RAM inside L1 */
#define PARENT		"tparent"
#define PARENT2		"tparent2"
#define TYPES		"/sys/class/mdev_bus/" PARENT "/mdev_supported_types"
#define TYPE_A		TYPES "/tmdev-a"
#define TYPE_B		TYPES "/tmdev-b"
#define TYPE_C		"/sys/class/mdev_bus/" PARENT2 \
			"/mdev_supported_types/tmcnt-c"
#define MDEVS		"/sys/bus/mdev/devices"
#define U1		"12345678-9abc-def0-1234-56789abcdef0"
#define U1_UPPER	"12345678-9ABC-DEF0-1234-56789ABCDEF0"
#define U2		"00000000-0000-0000-0000-000000000002"
#define BAR_PA		0xfd000000ULL

/* One VFIO device of the fake driver; pins are recorded one page each. */
struct tvdev {
	struct vfio_device vdev;
	u64 pinned[16];
	unsigned int npinned;
};

struct tfx {
	struct kunit *test;
	struct sim s;
	struct sim_vm *vm;
	u64 warns;			/* WARNs the case expects */
	bool down;			/* the case shut lk down itself */

	struct device pdev, pdev2;	/* mdev parents */
	struct mdev_parent parent, parent2;
	struct mdev_type type_a, type_b, type_c;
	struct mdev_type *types[2], *types2[1];
	bool registered, registered2;
	int probe_ret;
	unsigned int probes, removes, avail;
	struct mdev_device *last_mdev;

	struct device vdev_dev;		/* a VFIO device without mdev */
	int init_ret, open_ret, mmap_ret;
	unsigned int inits, releases, opens, closes, requests, unmaps;
	u64 unmap_iova, unmap_len;
	bool leaky;			/* dma_unmap/close leave the pins */
	bool no_remap;
	unsigned long mmap_pfn;
	struct vm_area_struct seen_vma;
	loff_t last_pos;
	size_t last_n;
	unsigned int last_cmd;
	unsigned long last_arg;
	unsigned int user_requests;
	bool user_closes;
	struct lk_vfio_fd *req_fd;
	unsigned int portal_writes, mmio_writes;
	u64 last_off, last_val;
	unsigned int last_bar;
};

static struct tfx *T;

/* ---- the fake VFIO device ---------------------------------------------- */

static struct tvdev *to_tv(struct vfio_device *vdev)
{
	return container_of(vdev, struct tvdev, vdev);
}

static int tv_pin(struct tvdev *tv, u64 iova, int prot)
{
	struct page *page;
	int ret = vfio_pin_pages(&tv->vdev, iova, 1, prot, &page);

	if (ret == 1 && tv->npinned < ARRAY_SIZE(tv->pinned))
		tv->pinned[tv->npinned++] = iova;
	return ret;
}

static void tv_unpin_range(struct tvdev *tv, u64 iova, u64 len)
{
	unsigned int i = 0;

	while (i < tv->npinned) {
		if (tv->pinned[i] >= iova && tv->pinned[i] - iova < len) {
			vfio_unpin_pages(&tv->vdev, tv->pinned[i], 1);
			tv->pinned[i] = tv->pinned[--tv->npinned];
		} else {
			i++;
		}
	}
}

static int tv_init(struct vfio_device *vdev)
{
	T->inits++;
	return T->init_ret;
}

static void tv_release(struct vfio_device *vdev)
{
	T->releases++;
}

static int tv_open(struct vfio_device *vdev)
{
	T->opens++;
	return T->open_ret;
}

static void tv_close(struct vfio_device *vdev)
{
	T->closes++;
	if (!T->leaky)
		tv_unpin_range(to_tv(vdev), 0, U64_MAX);
}

static void tv_dma_unmap(struct vfio_device *vdev, u64 iova, u64 len)
{
	T->unmaps++;
	T->unmap_iova = iova;
	T->unmap_len = len;
	if (!T->leaky)
		tv_unpin_range(to_tv(vdev), iova, len);
}

static ssize_t tv_read(struct vfio_device *vdev, char __user *buf,
		       size_t n, loff_t *ppos)
{
	T->last_pos = *ppos;
	T->last_n = n;
	memset(buf, 0xab, n);
	*ppos += n;
	return n;
}

static ssize_t tv_write(struct vfio_device *vdev, const char __user *buf,
			size_t n, loff_t *ppos)
{
	T->last_pos = *ppos;
	T->last_n = n;
	return n;
}

static long tv_ioctl(struct vfio_device *vdev, unsigned int cmd,
		     unsigned long arg)
{
	T->last_cmd = cmd;
	T->last_arg = arg;
	return cmd == 1 ? 0 : -ENOTTY;
}

static int tv_mmap(struct vfio_device *vdev, struct vm_area_struct *vma)
{
	T->seen_vma = *vma;
	if (T->mmap_ret || T->no_remap)
		return T->mmap_ret;
	return io_remap_pfn_range(vma, vma->vm_start, T->mmap_pfn,
				  vma->vm_end - vma->vm_start,
				  vma->vm_page_prot);
}

static void tv_request(struct vfio_device *vdev, unsigned int count)
{
	T->requests++;
}

static const struct vfio_device_ops tv_ops = {
	.name = "tv",
	.init = tv_init,
	.release = tv_release,
	.open_device = tv_open,
	.close_device = tv_close,
	.read = tv_read,
	.write = tv_write,
	.ioctl = tv_ioctl,
	.mmap = tv_mmap,
	.request = tv_request,
	.dma_unmap = tv_dma_unmap,
	.bind_iommufd = vfio_iommufd_emulated_bind,
	.unbind_iommufd = vfio_iommufd_emulated_unbind,
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
};

/* Without the iommufd callbacks: registration must refuse it. */
static const struct vfio_device_ops tv_ops_no_iommufd = {
	.name = "tv-bad",
	.dma_unmap = tv_dma_unmap,
};

static struct tvdev *tv_new_ops(struct device *dev,
				const struct vfio_device_ops *ops)
{
	struct tvdev *tv = vfio_alloc_device(tvdev, vdev, dev, ops);

	KUNIT_ASSERT_FALSE(T->test, IS_ERR(tv));
	return tv;
}

/* Allocated and registered on the plain device "vdev0". */
static struct tvdev *tv_new(void)
{
	struct tvdev *tv = tv_new_ops(&T->vdev_dev, &tv_ops);

	KUNIT_ASSERT_EQ(T->test, vfio_register_emulated_iommu_dev(&tv->vdev), 0);
	return tv;
}

static void tv_del(struct tvdev *tv)
{
	vfio_unregister_group_dev(&tv->vdev);
	vfio_put_device(&tv->vdev);
}

/* ---- the fake mdev driver ---------------------------------------------- */

static int tm_probe(struct mdev_device *mdev)
{
	struct tvdev *tv;
	int ret;

	T->probes++;
	if (T->probe_ret) {
		/* The driver core releases what a failed probe devm-allocated. */
		devm_kzalloc(&mdev->dev, 64, GFP_KERNEL);
		return T->probe_ret;
	}
	tv = vfio_alloc_device(tvdev, vdev, &mdev->dev, &tv_ops);
	if (IS_ERR(tv))
		return PTR_ERR(tv);
	ret = vfio_register_emulated_iommu_dev(&tv->vdev);
	if (ret) {
		vfio_put_device(&tv->vdev);
		return ret;
	}
	dev_set_drvdata(&mdev->dev, tv);
	T->last_mdev = mdev;
	return 0;
}

static void tm_remove(struct mdev_device *mdev)
{
	T->removes++;
	tv_del(dev_get_drvdata(&mdev->dev));
}

static unsigned int tm_get_available(struct mdev_type *mtype)
{
	return T->avail;
}

static ssize_t tm_description(struct mdev_type *mtype, char *buf)
{
	return sysfs_emit(buf, "test type %s\n", mtype->sysfs_name);
}

static ssize_t info_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "mdev %s\n", dev_name(dev));
}
static DEVICE_ATTR_RO(info);

static struct attribute *tm_attrs[] = { &dev_attr_info.attr, NULL };
static const struct attribute_group tm_group = {
	.name = "tm",
	.attrs = tm_attrs,
};
static const struct attribute_group *tm_groups[] = { &tm_group, NULL };

static struct mdev_driver tm_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.driver = { .name = "tmdev", .dev_groups = tm_groups },
	.probe = tm_probe,
	.remove = tm_remove,
	.get_available = tm_get_available,
	.show_description = tm_description,
};

/* No get_available: the core counts max_instances itself. */
static struct mdev_driver tm_counted = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.max_instances = 2,
	.driver = { .name = "tmcnt" },
	.probe = tm_probe,
	.remove = tm_remove,
};

/* ---- fixture --------------------------------------------------------- */

static int tfx_init(struct kunit *test)
{
	struct sim_vm_cfg vc = { .name = "l1", .ram_bytes = RAM };
	struct lk_cfg cfg = { .ram_bytes = RAM };
	struct tfx *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	if (!f || sim_init(&f->s, 1))
		return -ENOMEM;
	f->test = test;
	f->s.mem = sim_mem_create(&f->s, 0);
	f->vm = f->s.mem ? sim_vm_create(&f->s, &vc) : NULL;
	cfg.s = &f->s;
	cfg.vm = f->vm;
	if (!f->vm || lk_init(&cfg)) {
		sim_fini(&f->s);
		return -ENOMEM;
	}
	test->priv = f;
	T = f;

	lk_device_init(&f->pdev, NULL, NULL);
	dev_set_name(&f->pdev, PARENT);
	lk_device_init(&f->pdev2, NULL, NULL);
	dev_set_name(&f->pdev2, PARENT2);
	lk_device_init(&f->vdev_dev, NULL, NULL);
	dev_set_name(&f->vdev_dev, "vdev0");
	f->type_a.sysfs_name = "a";
	f->type_a.pretty_name = "Type A";
	f->type_b.sysfs_name = "b";
	f->type_c.sysfs_name = "c";
	f->types[0] = &f->type_a;
	f->types[1] = &f->type_b;
	f->types2[0] = &f->type_c;
	if (mdev_register_driver(&tm_driver) ||
	    mdev_register_driver(&tm_counted))
		return -EINVAL;
	return 0;
}

static void tfx_exit(struct kunit *test)
{
	struct tfx *f = test->priv;

	if (!f)
		return;
	if (f->down)
		goto out;
	if (f->registered)
		mdev_unregister_parent(&f->parent);
	if (f->registered2)
		mdev_unregister_parent(&f->parent2);
	mdev_unregister_driver(&tm_driver);
	mdev_unregister_driver(&tm_counted);
	KUNIT_EXPECT_EQ(test, lk_stats()->kmalloc_live, 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->pins_live, 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, f->warns);
	lk_fini();
	KUNIT_EXPECT_EQ(test, lk_stats()->leaks, 0);
out:
	sim_fini(&f->s);
	T = NULL;
}

static void parent_register(struct tfx *f)
{
	KUNIT_ASSERT_EQ(f->test, mdev_register_parent(&f->parent, &f->pdev,
						      &tm_driver, f->types, 2), 0);
	f->registered = true;
}

static void parent2_register(struct tfx *f)
{
	KUNIT_ASSERT_EQ(f->test, mdev_register_parent(&f->parent2, &f->pdev2,
						      &tm_counted, f->types2,
						      1), 0);
	f->registered2 = true;
}

static char rbuf[512];

/* The text of a sysfs file, or "" if it cannot be read. */
static const char *rd(const char *path)
{
	if (lk_sysfs_read(path, rbuf, sizeof(rbuf)) < 0)
		rbuf[0] = '\0';
	return rbuf;
}

static int create(const char *type_dir, const char *uuid)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/create", type_dir);
	return lk_sysfs_write(path, uuid);
}

static int remove_mdev(const char *uuid, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), MDEVS "/%s/remove", uuid);
	return lk_sysfs_write(path, val);
}

static ssize_t mdev_type_of(const char *uuid)
{
	char path[256];

	snprintf(path, sizeof(path), MDEVS "/%s/mdev_type", uuid);
	return lk_sysfs_read(path, rbuf, sizeof(rbuf));
}

static int nlist(const char *dir)
{
	return lk_sysfs_list(dir, rbuf, sizeof(rbuf));
}

/* ---- mdev ----------------------------------------------------------- */

static void mdev_type_files(struct kunit *test)
{
	struct tfx *f = test->priv;

	parent_register(f);
	KUNIT_EXPECT_EQ(test, nlist(TYPES), 2);
	KUNIT_EXPECT_STREQ(test, rbuf, "tmdev-a");
	KUNIT_EXPECT_STREQ(test, rbuf + strlen("tmdev-a") + 1, "tmdev-b");
	/* available_instances create description device_api devices name */
	KUNIT_EXPECT_EQ(test, nlist(TYPE_A), 6);
	KUNIT_EXPECT_STREQ(test, rd(TYPE_A "/name"), "Type A\n");
	KUNIT_EXPECT_STREQ(test, rd(TYPE_B "/name"), "b\n");
	KUNIT_EXPECT_STREQ(test, rd(TYPE_A "/description"), "test type a\n");
	KUNIT_EXPECT_STREQ(test, rd(TYPE_A "/device_api"), "vfio-pci\n");
	f->avail = 7;
	KUNIT_EXPECT_STREQ(test, rd(TYPE_A "/available_instances"), "7\n");
	f->avail = 0;
	KUNIT_EXPECT_STREQ(test, rd(TYPE_B "/available_instances"), "0\n");
	KUNIT_EXPECT_EQ(test, nlist(TYPE_A "/devices"), 0);
	/* create is write-only */
	KUNIT_EXPECT_EQ(test, lk_sysfs_read(TYPE_A "/create", rbuf, 8), -EACCES);
}

static void mdev_create_good(struct kunit *test)
{
	static const u8 guid[16] = { 0x78, 0x56, 0x34, 0x12, 0xbc, 0x9a,
				     0xf0, 0xde, 0x12, 0x34, 0x56, 0x78,
				     0x9a, 0xbc, 0xde, 0xf0 };
	struct tfx *f = test->priv;
	struct mdev_device *mdev;

	parent_register(f);
	/* Upper case and echo's newline: the name is %pUl, lower case. */
	KUNIT_ASSERT_EQ(test, create(TYPE_A, U1_UPPER "\n"), 0);
	KUNIT_EXPECT_EQ(test, f->probes, 1);
	mdev = f->last_mdev;
	KUNIT_ASSERT_NOT_NULL(test, mdev);
	KUNIT_EXPECT_STREQ(test, dev_name(&mdev->dev), U1);
	KUNIT_EXPECT_MEMEQ(test, mdev->uuid.b, guid, 16);
	KUNIT_EXPECT_PTR_EQ(test, mdev->type, &f->type_a);
	KUNIT_EXPECT_PTR_EQ(test, mdev->dev.parent, &f->pdev);
	KUNIT_EXPECT_PTR_EQ(test, mdev->dev.driver, &tm_driver.driver);
	KUNIT_EXPECT_TRUE(test, mdev->active);

	KUNIT_EXPECT_GT(test, mdev_type_of(U1), 0);
	KUNIT_EXPECT_STREQ(test, rbuf, "tmdev-a\n");
	KUNIT_EXPECT_EQ(test, nlist(TYPE_A "/devices"), 1);
	KUNIT_EXPECT_STREQ(test, rbuf, U1);
	KUNIT_EXPECT_EQ(test, nlist(TYPE_B "/devices"), 0);
	/* The driver's dev_groups, readable */
	KUNIT_EXPECT_STREQ(test, rd(MDEVS "/" U1 "/tm/info"), "mdev " U1 "\n");
	/* remove, mdev_type, tm/ */
	KUNIT_EXPECT_EQ(test, nlist(MDEVS "/" U1), 3);
}

struct bad_uuid {
	const char *val;
	int ret;
};

static const struct bad_uuid bad_uuids[] = {
	{ "", -EINVAL },
	{ "12345678", -EINVAL },
	{ "12345678-9abc-def0-1234-56789abcdef", -EINVAL },	/* 35 */
	{ U1 "00", -EINVAL },					/* 38 */
	{ "123456789-abc-def0-1234-56789abcdef0", -EINVAL },	/* hyphen */
	{ "12345678-9abc-def0-1234_56789abcdef0", -EINVAL },
	{ "12345678-9abc-def0-1234-56789abcdefg", -EINVAL },	/* not hex */
	{ "1234567 -9abc-def0-1234-56789abcdef0", -EINVAL },
	/* create_store takes 37 characters and parses the first 36 */
	{ U1 "x", 0 },
};

static void bad_uuid_desc(const struct bad_uuid *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%s\" -> %d", p->val, p->ret);
}
KUNIT_ARRAY_PARAM(bad_uuid, bad_uuids, bad_uuid_desc);

static void mdev_create_bad(struct kunit *test)
{
	const struct bad_uuid *p = test->param_value;
	struct tfx *f = test->priv;

	parent_register(f);
	KUNIT_EXPECT_EQ(test, create(TYPE_A, p->val), p->ret);
	KUNIT_EXPECT_EQ(test, f->probes, p->ret ? 0 : 1);
	KUNIT_EXPECT_EQ(test, nlist(TYPE_A "/devices"), p->ret ? 0 : 1);
}

static void mdev_create_dup(struct kunit *test)
{
	struct tfx *f = test->priv;

	parent_register(f);
	parent2_register(f);
	KUNIT_ASSERT_EQ(test, create(TYPE_A, U1), 0);
	KUNIT_EXPECT_EQ(test, create(TYPE_A, U1), -EEXIST);
	/* The same UUID in another case, type or parent */
	KUNIT_EXPECT_EQ(test, create(TYPE_B, U1_UPPER), -EEXIST);
	KUNIT_EXPECT_EQ(test, create(TYPE_C, U1), -EEXIST);
	KUNIT_EXPECT_EQ(test, f->probes, 1);
	/* tm_counted did not lose an instance to the refused create */
	KUNIT_EXPECT_STREQ(test, rd(TYPE_C "/available_instances"), "2\n");
	KUNIT_EXPECT_EQ(test, create(TYPE_C, U2), 0);
	KUNIT_EXPECT_EQ(test, f->probes, 2);
}

static void mdev_probe_fail(struct kunit *test)
{
	struct tfx *f = test->priv;
	u64 live, devres;

	parent_register(f);
	parent2_register(f);
	live = lk_stats()->kmalloc_live;
	devres = lk_stats()->devres_live;
	f->probe_ret = -ENOSPC;
	KUNIT_EXPECT_EQ(test, create(TYPE_A, U1), -ENOSPC);
	KUNIT_EXPECT_EQ(test, create(TYPE_C, U2), -ENOSPC);
	KUNIT_EXPECT_EQ(test, f->probes, 2);
	KUNIT_EXPECT_EQ(test, f->removes, 0);
	/* Nothing left: no device files, no entry, no memory, no instance */
	KUNIT_EXPECT_EQ(test, mdev_type_of(U1), -ENOENT);
	KUNIT_EXPECT_LT(test, nlist(MDEVS "/" U1), 0);
	KUNIT_EXPECT_EQ(test, nlist(TYPE_A "/devices"), 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->kmalloc_live, live);
	KUNIT_EXPECT_EQ(test, lk_stats()->devres_live, devres);
	KUNIT_EXPECT_STREQ(test, rd(TYPE_C "/available_instances"), "2\n");
	/* ... and no stale UUID */
	f->probe_ret = 0;
	KUNIT_EXPECT_EQ(test, create(TYPE_A, U1), 0);
}

static void mdev_remove(struct kunit *test)
{
	struct tfx *f = test->priv;
	u64 live;

	parent_register(f);
	live = lk_stats()->kmalloc_live;
	KUNIT_ASSERT_EQ(test, create(TYPE_A, U1), 0);
	KUNIT_ASSERT_EQ(test, create(TYPE_B, U2), 0);
	/* kstrtoul semantics: 0 does nothing, garbage is -EINVAL */
	KUNIT_EXPECT_EQ(test, remove_mdev(U1, "0"), 0);
	KUNIT_EXPECT_EQ(test, remove_mdev(U1, "abc"), -EINVAL);
	KUNIT_EXPECT_EQ(test, remove_mdev(U1, "-1"), -EINVAL);
	KUNIT_EXPECT_EQ(test, remove_mdev(U1, ""), -EINVAL);
	KUNIT_EXPECT_EQ(test, f->removes, 0);
	KUNIT_EXPECT_GT(test, mdev_type_of(U1), 0);

	KUNIT_EXPECT_EQ(test, remove_mdev(U1, "1\n"), 0);
	KUNIT_EXPECT_EQ(test, f->removes, 1);
	KUNIT_EXPECT_EQ(test, mdev_type_of(U1), -ENOENT);
	KUNIT_EXPECT_EQ(test, nlist(TYPE_A "/devices"), 0);
	KUNIT_EXPECT_EQ(test, nlist(TYPE_B "/devices"), 1);
	KUNIT_EXPECT_EQ(test, remove_mdev(U2, "0x10"), 0);
	KUNIT_EXPECT_EQ(test, f->removes, 2);
	KUNIT_EXPECT_EQ(test, f->releases, 2);
	KUNIT_EXPECT_EQ(test, lk_stats()->kmalloc_live, live);
	KUNIT_EXPECT_EQ(test, remove_mdev(U2, "1"), -ENOENT);
	/* The UUID is free again */
	KUNIT_EXPECT_EQ(test, create(TYPE_B, U1), 0);
}

static void mdev_parent_unregister(struct kunit *test)
{
	struct tfx *f = test->priv;

	parent_register(f);
	KUNIT_ASSERT_EQ(test, create(TYPE_A, U1), 0);
	KUNIT_ASSERT_EQ(test, create(TYPE_A, U2), 0);
	mdev_unregister_parent(&f->parent);
	f->registered = false;
	KUNIT_EXPECT_EQ(test, f->removes, 2);
	KUNIT_EXPECT_EQ(test, f->releases, 2);
	KUNIT_EXPECT_EQ(test, nlist("/sys/class/mdev_bus/" PARENT), -ENOENT);
	KUNIT_EXPECT_EQ(test, nlist(MDEVS), 0);
	/* Registered again: a clean slate */
	parent_register(f);
	KUNIT_EXPECT_EQ(test, create(TYPE_A, U1), 0);
}

static void mdev_available_counted(struct kunit *test)
{
	struct tfx *f = test->priv;

	parent2_register(f);
	/* No show_description: the file is hidden (is_visible). */
	KUNIT_EXPECT_EQ(test, lk_sysfs_read(TYPE_C "/description", rbuf, 8),
			-ENOENT);
	KUNIT_EXPECT_STREQ(test, rd(TYPE_C "/available_instances"), "2\n");
	KUNIT_ASSERT_EQ(test, create(TYPE_C, U1), 0);
	KUNIT_EXPECT_STREQ(test, rd(TYPE_C "/available_instances"), "1\n");
	KUNIT_ASSERT_EQ(test, create(TYPE_C, U2), 0);
	KUNIT_EXPECT_STREQ(test, rd(TYPE_C "/available_instances"), "0\n");
	KUNIT_EXPECT_EQ(test, create(TYPE_C, "00000000-0000-0000-0000-000000000003"),
			-EUSERS);
	KUNIT_EXPECT_EQ(test, f->probes, 2);
	KUNIT_EXPECT_EQ(test, remove_mdev(U1, "1"), 0);
	KUNIT_EXPECT_STREQ(test, rd(TYPE_C "/available_instances"), "1\n");
	/* Type directory named after the mdev driver: the parent has none */
	KUNIT_EXPECT_GT(test, mdev_type_of(U2), 0);
	KUNIT_EXPECT_STREQ(test, rbuf, "tmcnt-c\n");
}

static void mdev_register_errors(struct kunit *test)
{
	struct tfx *f = test->priv;
	struct mdev_parent other;

	memset(&other, 0, sizeof(other));
	parent_register(f);
	KUNIT_EXPECT_EQ(test, mdev_register_parent(&f->parent, &f->pdev2,
						   &tm_driver, f->types2, 1),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, mdev_register_parent(&other, &f->pdev,
						   &tm_driver, f->types2, 1),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, mdev_register_driver(&tm_driver), -EBUSY);
	/* Still intact after the refusals */
	KUNIT_EXPECT_EQ(test, create(TYPE_A, U1), 0);
	mdev_unregister_parent(&other);
	f->warns++;
}

/* ---- VFIO: pins and the container ------------------------------------ */

static struct lk_vfio_container *cont(struct tfx *f, u64 iova, u64 l1,
				      u64 pages, u32 flags)
{
	struct lk_vfio_container *c = lk_vfio_container_create();

	KUNIT_ASSERT_NOT_NULL(f->test, c);
	if (pages)
		KUNIT_ASSERT_EQ(f->test, lk_vfio_map_dma(c, iova, l1,
							 pages * PG, flags), 0);
	return c;
}

#define RW	(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)
#define PROT_RW	(IOMMU_READ | IOMMU_WRITE)

static struct lk_vfio_fd *open_ok(struct tfx *f, struct lk_vfio_container *c,
				  const char *name)
{
	int err = 1;
	struct lk_vfio_fd *fd = lk_vfio_open(c, name, &err);

	KUNIT_ASSERT_NOT_NULL(f->test, fd);
	KUNIT_ASSERT_EQ(f->test, err, 0);
	return fd;
}

static void vfio_pin_within(struct kunit *test)
{
	struct tfx *f = test->priv;
	struct tvdev *tv = tv_new();
	struct lk_vfio_container *c = cont(f, IOVA, L1, 16, RW);
	struct lk_vfio_fd *fd = open_ok(f, c, "vdev0");
	struct page *pages[2], *one;

	KUNIT_ASSERT_EQ(test, vfio_pin_pages(&tv->vdev, IOVA + PG, 2, PROT_RW,
					     pages), 2);
	KUNIT_EXPECT_PTR_EQ(test, pages[0], pfn_to_page((L1 + PG) >> PAGE_SHIFT));
	KUNIT_EXPECT_PTR_EQ(test, pages[1],
			    pfn_to_page((L1 + 2 * PG) >> PAGE_SHIFT));
	KUNIT_EXPECT_EQ(test, page_to_phys(pages[0]), L1 + PG);
	KUNIT_EXPECT_EQ(test, pages[0]->lk_pins, 1);
	KUNIT_EXPECT_EQ(test, lk_stats()->pins_live, 2);
	/* A second pin of the same IOVA: refcounted */
	KUNIT_ASSERT_EQ(test, vfio_pin_pages(&tv->vdev, IOVA + PG, 1,
					     IOMMU_READ, &one), 1);
	KUNIT_EXPECT_PTR_EQ(test, one, pages[0]);
	KUNIT_EXPECT_EQ(test, pages[0]->lk_pins, 2);
	KUNIT_EXPECT_EQ(test, lk_stats()->pins_total, 3);

	vfio_unpin_pages(&tv->vdev, IOVA + PG, 1);
	KUNIT_EXPECT_EQ(test, pages[0]->lk_pins, 1);
	vfio_unpin_pages(&tv->vdev, IOVA + PG, 2);
	KUNIT_EXPECT_EQ(test, pages[0]->lk_pins, 0);
	KUNIT_EXPECT_EQ(test, pages[1]->lk_pins, 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->unpins_total, 3);
	KUNIT_EXPECT_EQ(test, lk_stats()->pin_refused, 0);

	lk_vfio_close(fd);
	lk_vfio_container_destroy(c);
	tv_del(tv);
}

static void vfio_pin_refused(struct kunit *test)
{
	struct tfx *f = test->priv;
	struct tvdev *tv = tv_new();
	struct lk_vfio_container *c = cont(f, IOVA, L1, 4, RW);
	struct lk_vfio_fd *fd;
	struct page *pages[2];
	u64 ro = IOVA + 0x100000;

	KUNIT_ASSERT_EQ(test, lk_vfio_map_dma(c, ro, L1 + 0x10000, 2 * PG,
					      VFIO_DMA_MAP_FLAG_READ), 0);
	/* Closed: not in the container yet (vfio_assert_device_open) */
	KUNIT_EXPECT_EQ(test, vfio_pin_pages(&tv->vdev, IOVA, 1, IOMMU_READ,
					     pages), -EINVAL);
	f->warns++;
	fd = open_ok(f, c, "vdev0");

	/* type1: no vfio_dma -EINVAL, prot not within the dma's -EPERM */
	KUNIT_EXPECT_EQ(test, vfio_pin_pages(&tv->vdev, IOVA + 0x80000, 1,
					     IOMMU_READ, pages), -EINVAL);
	pages[0] = pages[1] = (struct page *)1;
	KUNIT_EXPECT_EQ(test, vfio_pin_pages(&tv->vdev, IOVA + 3 * PG, 2,
					     IOMMU_READ, pages), -EINVAL);
	KUNIT_EXPECT_NULL(test, pages[0]);	/* unwound */
	KUNIT_EXPECT_NULL(test, pages[1]);
	KUNIT_EXPECT_EQ(test, lk_stats()->pins_live, 0);
	KUNIT_EXPECT_EQ(test, pfn_to_page((L1 + 3 * PG) >> PAGE_SHIFT)->lk_pins, 0);
	KUNIT_EXPECT_EQ(test, vfio_pin_pages(&tv->vdev, ro, 1, PROT_RW, pages),
			-EPERM);
	KUNIT_EXPECT_EQ(test, vfio_pin_pages(&tv->vdev, IOVA + 1, 1,
					     IOMMU_READ, pages), -EINVAL);
	KUNIT_EXPECT_EQ(test, lk_stats()->pin_refused, 4);
	KUNIT_EXPECT_EQ(test, vfio_pin_pages(&tv->vdev, IOVA, 0, IOMMU_READ,
					     pages), -EINVAL);
	KUNIT_EXPECT_EQ(test, vfio_pin_pages(&tv->vdev, IOVA, 1, IOMMU_READ,
					     NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, vfio_pin_pages(&tv->vdev, IOVA, 513, IOMMU_READ,
					     pages), -E2BIG);
	KUNIT_EXPECT_EQ(test, lk_stats()->pins_live, 0);
	/* Read-only mapping, read-only pin */
	KUNIT_EXPECT_EQ(test, tv_pin(tv, ro + PG, IOMMU_READ), 1);

	lk_vfio_close(fd);		/* close_device unpins it */
	KUNIT_EXPECT_EQ(test, lk_stats()->unmap_pin_leaks, 0);
	lk_vfio_container_destroy(c);
	tv_del(tv);
}

static void vfio_unpin_unpinned(struct kunit *test)
{
	struct tfx *f = test->priv;
	struct tvdev *tv = tv_new();
	struct lk_vfio_container *c = cont(f, IOVA, L1, 4, RW);
	struct lk_vfio_fd *fd = open_ok(f, c, "vdev0");

	KUNIT_ASSERT_EQ(test, tv_pin(tv, IOVA, IOMMU_READ), 1);
	vfio_unpin_pages(&tv->vdev, IOVA + PG, 1);
	f->warns++;
	/* Pages 0 and 1: the first is unpinned, the second WARNs */
	vfio_unpin_pages(&tv->vdev, IOVA, 2);
	f->warns++;
	tv->npinned = 0;
	KUNIT_EXPECT_EQ(test, lk_stats()->pins_live, 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->unpins_total, 1);
	KUNIT_EXPECT_EQ(test, lk_stats()->warns, f->warns);
	lk_vfio_close(fd);
	lk_vfio_container_destroy(c);
	tv_del(tv);
}

static void vfio_unmap_notifies(struct kunit *test)
{
	struct tfx *f = test->priv;
	struct tvdev *tv = tv_new();
	struct lk_vfio_container *c = cont(f, IOVA, L1, 4, RW);
	struct lk_vfio_fd *fd = open_ok(f, c, "vdev0");
	u64 b = IOVA + 4 * PG;

	KUNIT_ASSERT_EQ(test, lk_vfio_map_dma(c, b, L1 + 0x10000, 4 * PG, RW), 0);
	/* type1 notifies only for a vfio_dma with pinned pages */
	KUNIT_EXPECT_EQ(test, lk_vfio_unmap_dma(c, b, 4 * PG), 0);
	KUNIT_EXPECT_EQ(test, f->unmaps, 0);
	KUNIT_ASSERT_EQ(test, lk_vfio_map_dma(c, b, L1 + 0x10000, 4 * PG, RW), 0);

	KUNIT_ASSERT_EQ(test, tv_pin(tv, b + PG, PROT_RW), 1);
	KUNIT_ASSERT_EQ(test, tv_pin(tv, b + 3 * PG, IOMMU_READ), 1);
	KUNIT_EXPECT_EQ(test, lk_vfio_unmap_dma(c, IOVA, 8 * PG), 0);
	KUNIT_EXPECT_EQ(test, f->unmaps, 1);
	KUNIT_EXPECT_EQ(test, f->unmap_iova, b);	/* the whole vfio_dma */
	KUNIT_EXPECT_EQ(test, f->unmap_len, 4 * PG);
	KUNIT_EXPECT_EQ(test, lk_stats()->unmap_pin_leaks, 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->pins_live, 0);
	KUNIT_EXPECT_EQ(test, tv_pin(tv, IOVA, IOMMU_READ), -EINVAL);
	KUNIT_EXPECT_EQ(test, tv_pin(tv, b, IOMMU_READ), -EINVAL);

	lk_vfio_close(fd);
	lk_vfio_container_destroy(c);
	tv_del(tv);
}

static void vfio_unmap_leak(struct kunit *test)
{
	struct tfx *f = test->priv;
	struct tvdev *tv = tv_new();
	struct lk_vfio_container *c = cont(f, IOVA, L1, 4, RW);
	struct lk_vfio_fd *fd = open_ok(f, c, "vdev0");
	struct page *p0 = pfn_to_page(L1 >> PAGE_SHIFT);

	f->leaky = true;
	KUNIT_ASSERT_EQ(test, tv_pin(tv, IOVA, IOMMU_READ), 1);
	KUNIT_ASSERT_EQ(test, tv_pin(tv, IOVA, IOMMU_READ), 1);
	KUNIT_ASSERT_EQ(test, tv_pin(tv, IOVA + 2 * PG, IOMMU_WRITE), 1);
	KUNIT_EXPECT_EQ(test, p0->lk_pins, 2);
	KUNIT_EXPECT_EQ(test, lk_vfio_unmap_dma(c, IOVA, 4 * PG), 0);
	KUNIT_EXPECT_EQ(test, f->unmaps, 1);
	/* Two pages stayed pinned: counted, and dropped so nothing dangles */
	KUNIT_EXPECT_EQ(test, lk_stats()->unmap_pin_leaks, 2);
	KUNIT_EXPECT_EQ(test, lk_stats()->pins_live, 0);
	KUNIT_EXPECT_EQ(test, p0->lk_pins, 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(lk_dmesg(), "still pinned"));
	tv->npinned = 0;

	/* A pin close_device leaves behind is a leak as well */
	KUNIT_ASSERT_EQ(test, lk_vfio_map_dma(c, IOVA, L1, 4 * PG, RW), 0);
	KUNIT_ASSERT_EQ(test, tv_pin(tv, IOVA + PG, IOMMU_READ), 1);
	lk_vfio_close(fd);
	KUNIT_EXPECT_EQ(test, f->closes, 1);
	KUNIT_EXPECT_EQ(test, lk_stats()->unmap_pin_leaks, 3);
	KUNIT_EXPECT_EQ(test, lk_stats()->pins_live, 0);
	lk_vfio_container_destroy(c);
	tv_del(tv);
}

static void vfio_map_unmap_rules(struct kunit *test)
{
	struct tfx *f = test->priv;
	struct lk_vfio_container *c = cont(f, IOVA, L1, 4, RW);

	/* VFIO_IOMMU_MAP_DMA */
	KUNIT_EXPECT_EQ(test, lk_vfio_map_dma(c, IOVA + PG, L1, PG, RW), -EEXIST);
	KUNIT_EXPECT_EQ(test, lk_vfio_map_dma(c, IOVA - PG, L1, 8 * PG, RW),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, lk_vfio_map_dma(c, IOVA + 1, L1, PG, RW), -EINVAL);
	KUNIT_EXPECT_EQ(test, lk_vfio_map_dma(c, 0, L1 + 1, PG, RW), -EINVAL);
	KUNIT_EXPECT_EQ(test, lk_vfio_map_dma(c, 0, L1, PG + 1, RW), -EINVAL);
	KUNIT_EXPECT_EQ(test, lk_vfio_map_dma(c, 0, L1, 0, RW), -EINVAL);
	KUNIT_EXPECT_EQ(test, lk_vfio_map_dma(c, 0, L1, PG, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, lk_vfio_map_dma(c, 0, L1, PG,
					      RW | VFIO_DMA_MAP_FLAG_VADDR),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lk_vfio_map_dma(c, -PG, L1, 2 * PG, RW), -EINVAL);
	/* Not L1 RAM */
	KUNIT_EXPECT_EQ(test, lk_vfio_map_dma(c, 0, RAM - PG, 2 * PG, RW),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, lk_vfio_map_dma(c, IOVA + 4 * PG, L1, PG, RW), 0);

	/* VFIO_IOMMU_UNMAP_DMA, type1v2: no bisecting */
	KUNIT_EXPECT_EQ(test, lk_vfio_unmap_dma(c, IOVA + PG, 3 * PG), -EINVAL);
	KUNIT_EXPECT_EQ(test, lk_vfio_unmap_dma(c, IOVA, 2 * PG), -EINVAL);
	KUNIT_EXPECT_EQ(test, lk_vfio_unmap_dma(c, IOVA + 1, PG), -EINVAL);
	KUNIT_EXPECT_EQ(test, lk_vfio_unmap_dma(c, IOVA, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, lk_vfio_unmap_dma(c, IOVA, PG + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, lk_vfio_unmap_dma(c, -PG, 2 * PG), -EINVAL);
	KUNIT_EXPECT_EQ(test, lk_vfio_unmap_dma(c, 0, PG), 0);	/* empty */
	KUNIT_EXPECT_EQ(test, lk_vfio_map_dma(c, IOVA, L1, PG, RW), -EEXIST);
	/* Covering both mappings removes both */
	KUNIT_EXPECT_EQ(test, lk_vfio_unmap_dma(c, IOVA - PG, 8 * PG), 0);
	KUNIT_EXPECT_EQ(test, lk_vfio_map_dma(c, IOVA, L1, 5 * PG, RW), 0);
	lk_vfio_container_destroy(c);
}

static void vfio_dma_rw_case(struct kunit *test)
{
	struct tfx *f = test->priv;
	struct tvdev *tv = tv_new();
	/* Two IOVA-adjacent mappings, 8 pages apart in L1 */
	struct lk_vfio_container *c = cont(f, IOVA, L1, 2, RW);
	struct lk_vfio_fd *fd;
	u8 in[64], out[64];
	u64 ro = IOVA + 0x100000;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, lk_vfio_map_dma(c, IOVA + 2 * PG, L1 + 8 * PG,
					      2 * PG, RW), 0);
	KUNIT_ASSERT_EQ(test, lk_vfio_map_dma(c, ro, L1 + 0x20000, PG,
					      VFIO_DMA_MAP_FLAG_READ), 0);
	for (i = 0; i < sizeof(in); i++)
		in[i] = i + 1;
	/* Closed: vfio_assert_device_open WARNs */
	KUNIT_EXPECT_EQ(test, vfio_dma_rw(&tv->vdev, IOVA, in, 8, true), -EINVAL);
	f->warns++;
	fd = open_ok(f, c, "vdev0");

	KUNIT_EXPECT_EQ(test, vfio_dma_rw(&tv->vdev, IOVA + 2 * PG - 32, in, 64,
					  true), 0);
	KUNIT_ASSERT_EQ(test, lk_phys_read(L1 + 2 * PG - 32, out, 32), 0);
	KUNIT_EXPECT_MEMEQ(test, out, in, 32);
	KUNIT_ASSERT_EQ(test, lk_phys_read(L1 + 8 * PG, out, 32), 0);
	KUNIT_EXPECT_MEMEQ(test, out, in + 32, 32);
	memset(out, 0, sizeof(out));
	KUNIT_EXPECT_EQ(test, vfio_dma_rw(&tv->vdev, IOVA + 2 * PG - 32, out, 64,
					  false), 0);
	KUNIT_EXPECT_MEMEQ(test, out, in, 64);

	/* type1: read-only -EPERM for writes, unmapped -EINVAL */
	KUNIT_EXPECT_EQ(test, vfio_dma_rw(&tv->vdev, ro, in, 8, true), -EPERM);
	KUNIT_EXPECT_EQ(test, vfio_dma_rw(&tv->vdev, ro, out, 8, false), 0);
	KUNIT_EXPECT_EQ(test, vfio_dma_rw(&tv->vdev, IOVA + 0x80000, out, 8,
					  false), -EINVAL);
	/* Runs off the end of the second mapping */
	KUNIT_EXPECT_EQ(test, vfio_dma_rw(&tv->vdev, IOVA + 4 * PG - 8, out, 16,
					  false), -EINVAL);
	KUNIT_EXPECT_EQ(test, vfio_dma_rw(&tv->vdev, IOVA, out, 0, false),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vfio_dma_rw(&tv->vdev, IOVA, NULL, 8, false),
			-EINVAL);

	lk_vfio_close(fd);
	lk_vfio_container_destroy(c);
	tv_del(tv);
}

/* ---- VFIO: vfio_set_irqs_validate_and_prepare -------------------------- */

struct irqs_case {
	const char *name;
	u32 argsz, flags, index, start, count;
	int num_irqs, max_irq_type;
	bool no_data_size;
	int ret;
	size_t data_size;
};

#define MINSZ	20	/* offsetofend(struct vfio_irq_set, count) */
#define TRIG	VFIO_IRQ_SET_ACTION_TRIGGER
#define DNONE	(VFIO_IRQ_SET_DATA_NONE | TRIG)
#define DBOOL	(VFIO_IRQ_SET_DATA_BOOL | TRIG)
#define DEFD	(VFIO_IRQ_SET_DATA_EVENTFD | TRIG)

static const struct irqs_case irqs_cases[] = {
	{ "none_ok", MINSZ, DNONE, 2, 0, 4, 4, 5, false, 0, 0 },
	{ "disable_all", MINSZ, DNONE, 2, 0, 0, 4, 5, true, 0, 0 },
	{ "argsz_short", MINSZ - 1, DNONE, 2, 0, 1, 4, 5, false, -EINVAL, 0 },
	{ "index_max", MINSZ, DNONE, 5, 0, 1, 4, 5, false, -EINVAL, 0 },
	{ "count_wrap", MINSZ, DNONE, 2, 1, U32_MAX - 1, 4, 5, false, -EINVAL, 0 },
	{ "unknown_flag", MINSZ, DNONE | 0x40, 2, 0, 1, 4, 5, false, -EINVAL, 0 },
	{ "start_beyond", MINSZ, DNONE, 2, 4, 0, 4, 5, false, -EINVAL, 0 },
	{ "end_beyond", MINSZ, DNONE, 2, 2, 3, 4, 5, false, -EINVAL, 0 },
	{ "no_irqs", MINSZ, DNONE, 2, 0, 0, 0, 5, false, -EINVAL, 0 },
	{ "two_data_types", MINSZ + 8, VFIO_IRQ_SET_DATA_BOOL |
	  VFIO_IRQ_SET_DATA_EVENTFD | TRIG, 2, 0, 2, 4, 5, false, -EINVAL, 0 },
	{ "eventfd_ok", MINSZ + 8, DEFD, 2, 1, 2, 4, 5, false, 0, 8 },
	{ "eventfd_short", MINSZ + 7, DEFD, 2, 1, 2, 4, 5, false, -EINVAL, 0 },
	{ "eventfd_no_size", MINSZ + 8, DEFD, 2, 1, 2, 4, 5, true, -EINVAL, 0 },
	{ "bool_ok", MINSZ + 3, DBOOL, 0, 0, 3, 3, 5, false, 0, 3 },
	{ "bool_extra_argsz", MINSZ + 100, DBOOL, 0, 0, 3, 3, 5, false, 0, 3 },
	/* action bits are not checked here, only that they are action bits */
	{ "unmask_none", MINSZ, VFIO_IRQ_SET_DATA_NONE |
	  VFIO_IRQ_SET_ACTION_UNMASK | VFIO_IRQ_SET_ACTION_MASK, 0, 0, 1, 1, 5,
	  false, 0, 0 },
};

static void irqs_desc(const struct irqs_case *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", p->name);
}
KUNIT_ARRAY_PARAM(irqs, irqs_cases, irqs_desc);

static void vfio_set_irqs_validate(struct kunit *test)
{
	const struct irqs_case *p = test->param_value;
	struct vfio_irq_set hdr = {
		.argsz = p->argsz, .flags = p->flags, .index = p->index,
		.start = p->start, .count = p->count,
	};
	size_t data_size = 12345;

	KUNIT_EXPECT_EQ(test, vfio_set_irqs_validate_and_prepare(&hdr,
				p->num_irqs, p->max_irq_type,
				p->no_data_size ? NULL : &data_size), p->ret);
	if (!p->ret && !p->no_data_size)
		KUNIT_EXPECT_EQ(test, data_size, p->data_size);
}

/* ---- VFIO: device life cycle ------------------------------------------ */

static void user_request(void *ctx)
{
	struct tfx *f = ctx;

	f->user_requests++;
	if (f->user_closes)
		lk_vfio_close(f->req_fd);
}

static void vfio_request_on_unregister(struct kunit *test)
{
	struct tfx *f = test->priv;
	struct tvdev *tv = tv_new();
	struct lk_vfio_container *c = cont(f, IOVA, L1, 4, RW);

	f->req_fd = open_ok(f, c, "vdev0");
	lk_vfio_set_request(f->req_fd, user_request, f);
	f->user_closes = true;
	KUNIT_ASSERT_EQ(test, tv_pin(tv, IOVA, IOMMU_READ), 1);
	vfio_unregister_group_dev(&tv->vdev);
	KUNIT_EXPECT_EQ(test, f->requests, 1);
	KUNIT_EXPECT_EQ(test, f->user_requests, 1);
	KUNIT_EXPECT_EQ(test, f->closes, 1);
	KUNIT_EXPECT_NULL(test, strstr(lk_dmesg(), "still in use"));
	KUNIT_EXPECT_EQ(test, lk_stats()->pins_live, 0);
	KUNIT_EXPECT_EQ(test, lk_stats()->unmap_pin_leaks, 0);
	vfio_put_device(&tv->vdev);
	KUNIT_EXPECT_EQ(test, f->releases, 1);
	lk_vfio_container_destroy(c);
}

static void vfio_forced_close(struct kunit *test)
{
	struct tfx *f = test->priv;
	struct tvdev *tv = tv_new();
	struct lk_vfio_container *c = cont(f, IOVA, L1, 4, RW);
	struct lk_vfio_fd *fd2;
	u8 buf[4];
	int err;

	f->req_fd = open_ok(f, c, "vdev0");
	fd2 = open_ok(f, c, "vdev0");
	lk_vfio_set_request(f->req_fd, user_request, f);
	lk_vfio_set_request(fd2, user_request, f);
	vfio_unregister_group_dev(&tv->vdev);
	/* Both fds asked, neither closed: the kernel closes in their place */
	KUNIT_EXPECT_EQ(test, f->user_requests, 2);
	KUNIT_EXPECT_EQ(test, f->closes, 1);
	KUNIT_EXPECT_EQ(test, tv->vdev.open_count, 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(lk_dmesg(), "still in use"));
	KUNIT_EXPECT_EQ(test, lk_vfio_pread(f->req_fd, buf, 4, 0), -ENODEV);
	KUNIT_EXPECT_EQ(test, lk_vfio_ioctl(fd2, 1, NULL), -ENODEV);
	KUNIT_EXPECT_NULL(test, lk_vfio_open(c, "vdev0", &err));
	KUNIT_EXPECT_EQ(test, err, -ENODEV);
	lk_vfio_close(f->req_fd);
	KUNIT_EXPECT_EQ(test, f->closes, 1);
	vfio_put_device(&tv->vdev);
	KUNIT_EXPECT_EQ(test, f->releases, 1);
	/* fd2 goes with the container */
	lk_vfio_container_destroy(c);
}

static void vfio_refcount(struct kunit *test)
{
	struct tfx *f = test->priv;
	u64 live = lk_stats()->kmalloc_live;
	struct lk_vfio_container *c;
	struct tvdev *tv;

	tv = tv_new_ops(&f->vdev_dev, &tv_ops);
	KUNIT_EXPECT_EQ(test, f->inits, 1);
	KUNIT_EXPECT_PTR_EQ(test, tv->vdev.dev, &f->vdev_dev);
	vfio_put_device(&tv->vdev);
	KUNIT_EXPECT_EQ(test, f->releases, 1);
	KUNIT_EXPECT_EQ(test, lk_stats()->kmalloc_live, live);

	/* init fails: freed, release not called */
	f->init_ret = -EIO;
	tv = vfio_alloc_device(tvdev, vdev, &f->vdev_dev, &tv_ops);
	KUNIT_EXPECT_EQ(test, PTR_ERR(tv), -EIO);
	KUNIT_EXPECT_EQ(test, f->releases, 1);
	KUNIT_EXPECT_EQ(test, lk_stats()->kmalloc_live, live);
	f->init_ret = 0;

	/* Forced close on unregister, then the last put: one release */
	tv = tv_new();
	c = cont(f, 0, 0, 0, 0);
	open_ok(f, c, "vdev0");
	tv_del(tv);
	KUNIT_EXPECT_EQ(test, f->releases, 2);
	lk_vfio_container_destroy(c);
	KUNIT_EXPECT_EQ(test, f->releases, 2);
	KUNIT_EXPECT_EQ(test, lk_stats()->kmalloc_live, live);
}

static void vfio_open_rules(struct kunit *test)
{
	struct tfx *f = test->priv;
	struct lk_vfio_container *c1 = cont(f, 0, 0, 0, 0);
	struct lk_vfio_container *c2 = cont(f, 0, 0, 0, 0);
	struct lk_vfio_fd *a, *b;
	struct tvdev *tv, *bad;
	int err = 0;

	KUNIT_EXPECT_NULL(test, lk_vfio_open(c1, "vdev0", &err));
	KUNIT_EXPECT_EQ(test, err, -ENODEV);
	tv = tv_new();
	/* A second device of the same name; one without iommufd ops */
	bad = tv_new_ops(&f->vdev_dev, &tv_ops);
	KUNIT_EXPECT_EQ(test, vfio_register_emulated_iommu_dev(&bad->vdev),
			-EEXIST);
	vfio_put_device(&bad->vdev);
	bad = tv_new_ops(&f->pdev, &tv_ops_no_iommufd);
	KUNIT_EXPECT_EQ(test, vfio_register_emulated_iommu_dev(&bad->vdev),
			-EINVAL);
	f->warns++;
	vfio_put_device(&bad->vdev);

	a = open_ok(f, c1, "vdev0");
	b = open_ok(f, c1, "vdev0");
	KUNIT_EXPECT_EQ(test, f->opens, 1);
	KUNIT_EXPECT_EQ(test, tv->vdev.open_count, 2);
	/* The group is in c1 */
	KUNIT_EXPECT_NULL(test, lk_vfio_open(c2, "vdev0", &err));
	KUNIT_EXPECT_EQ(test, err, -EBUSY);
	lk_vfio_close(a);
	KUNIT_EXPECT_EQ(test, f->closes, 0);
	lk_vfio_close(b);
	KUNIT_EXPECT_EQ(test, f->closes, 1);

	/* A failed first open leaves the device free */
	f->open_ret = -EIO;
	KUNIT_EXPECT_NULL(test, lk_vfio_open(c2, "vdev0", &err));
	KUNIT_EXPECT_EQ(test, err, -EIO);
	KUNIT_EXPECT_EQ(test, tv->vdev.open_count, 0);
	KUNIT_EXPECT_EQ(test, f->closes, 1);
	f->open_ret = 0;
	a = open_ok(f, c1, "vdev0");
	KUNIT_EXPECT_EQ(test, f->opens, 3);
	lk_vfio_container_destroy(c1);	/* closes a */
	KUNIT_EXPECT_EQ(test, f->closes, 2);
	lk_vfio_container_destroy(c2);
	tv_del(tv);
}

static void vfio_traps(struct kunit *test)
{
	struct tfx *f = test->priv;
	struct tvdev *tv = tv_new();
	struct lk_vfio_container *c = cont(f, 0, 0, 0, 0);
	struct lk_vfio_fd *fd = open_ok(f, c, "vdev0");
	u64 t0 = f->s.now;
	u8 buf[8] = { 0 };
	int x;

	KUNIT_EXPECT_EQ(test, lk_vfio_pread(fd, buf, 8, 0x1234), 8);
	KUNIT_EXPECT_EQ(test, f->last_pos, 0x1234);
	KUNIT_EXPECT_EQ(test, buf[7], 0xab);
	KUNIT_EXPECT_EQ(test, f->s.now - t0, LK_DEFAULT_TRAP_NS);
	KUNIT_EXPECT_EQ(test, lk_vfio_pwrite(fd, buf, 4, 0x40), 4);
	KUNIT_EXPECT_EQ(test, f->last_pos, 0x40);
	KUNIT_EXPECT_EQ(test, f->last_n, 4);
	KUNIT_EXPECT_EQ(test, lk_vfio_ioctl(fd, 1, &x), 0);
	KUNIT_EXPECT_EQ(test, f->last_arg, (unsigned long)&x);
	KUNIT_EXPECT_EQ(test, lk_vfio_ioctl(fd, 2, NULL), -ENOTTY);
	KUNIT_EXPECT_EQ(test, lk_stats()->traps, 4);
	KUNIT_EXPECT_EQ(test, f->s.now - t0, 4 * LK_DEFAULT_TRAP_NS);
	/* A negative file offset */
	KUNIT_EXPECT_EQ(test, lk_vfio_pread(fd, buf, 8, 1ULL << 63), -EINVAL);
	lk_vfio_close(fd);
	lk_vfio_container_destroy(c);
	tv_del(tv);
}

/* ---- VFIO: mmap of a BAR page ----------------------------------------- */

static u32 bar_cfg_read(void *ctx, u32 off, unsigned int size)
{
	return 0;
}

static void bar_cfg_write(void *ctx, u32 off, unsigned int size, u32 val)
{
}

static u64 bar_mmio_read(void *ctx, unsigned int bar, u64 off,
			 unsigned int size)
{
	return 0;
}

static void bar_mmio_write(void *ctx, unsigned int bar, u64 off,
			   unsigned int size, u64 val)
{
	T->mmio_writes++;
	T->last_bar = bar;
	T->last_off = off;
	T->last_val = val;
}

static int bar_portal_write(void *ctx, unsigned int bar, u64 off,
			    const void *data, unsigned int len)
{
	T->portal_writes++;
	T->last_bar = bar;
	T->last_off = off;
	return 0;
}

static const struct lk_pci_ops bar_ops = {
	.cfg_read = bar_cfg_read,
	.cfg_write = bar_cfg_write,
	.mmio_read = bar_mmio_read,
	.mmio_write = bar_mmio_write,
	.portal_write = bar_portal_write,
};

static void vfio_mmap(struct kunit *test)
{
	struct lk_pci_dev_cfg pc = { .bus = 1, .ops = &bar_ops };
	struct tfx *f = test->priv;
	struct tvdev *tv = tv_new();
	struct lk_vfio_container *c = cont(f, 0, 0, 0, 0);
	struct lk_vfio_fd *fd = open_ok(f, c, "vdev0");
	struct vm_area_struct *vma, *vma2;
	struct pci_dev *pdev;
	u8 desc[64] = { 0 };
	u32 v = 0x1234;
	int err;

	pc.bar_addr[2] = BAR_PA;
	pc.bar_len[2] = 4 * PG;
	pdev = lk_pci_add(&pc);
	KUNIT_ASSERT_NOT_NULL(test, pdev);
	f->mmap_pfn = (BAR_PA + PG) >> PAGE_SHIFT;

	vma = lk_vfio_mmap(fd, 2ULL << 40, PG, &err);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, f->seen_vma.vm_pgoff, (2ULL << 40) >> PAGE_SHIFT);
	KUNIT_EXPECT_EQ(test, f->seen_vma.vm_flags,
			VM_SHARED | VM_READ | VM_WRITE);
	KUNIT_EXPECT_EQ(test, vma->vm_end - vma->vm_start, PG);
	/* Lengths round up to pages; each vma has its own addresses */
	vma2 = lk_vfio_mmap(fd, 2ULL << 40, 100, &err);
	KUNIT_ASSERT_NOT_NULL(test, vma2);
	KUNIT_EXPECT_EQ(test, vma2->vm_end - vma2->vm_start, PG);
	KUNIT_EXPECT_TRUE(test, vma2->vm_start >= vma->vm_end ||
				vma2->vm_end <= vma->vm_start);

	KUNIT_EXPECT_EQ(test, lk_vma_write(vma, 0, desc, 64), 0);
	KUNIT_EXPECT_EQ(test, f->portal_writes, 1);
	KUNIT_EXPECT_EQ(test, f->last_bar, 2);
	KUNIT_EXPECT_EQ(test, f->last_off, PG);
	KUNIT_EXPECT_EQ(test, lk_vma_write(vma, 8, &v, 4), 0);
	KUNIT_EXPECT_EQ(test, f->mmio_writes, 1);
	KUNIT_EXPECT_EQ(test, f->last_off, PG + 8);
	KUNIT_EXPECT_EQ(test, f->last_val, 0x1234);
	KUNIT_EXPECT_EQ(test, lk_vma_write(vma, PG - 32, desc, 64), -EFAULT);
	KUNIT_EXPECT_EQ(test, lk_vma_write(vma, PG, &v, 4), -EFAULT);
	KUNIT_EXPECT_EQ(test, lk_stats()->traps, 0);	/* not trapped */
	lk_munmap(vma2);

	/* Refusals: the driver's, no mapping made, RAM, bad arguments */
	f->mmap_ret = -EPERM;
	KUNIT_EXPECT_NULL(test, lk_vfio_mmap(fd, 0, PG, &err));
	KUNIT_EXPECT_EQ(test, err, -EPERM);
	f->mmap_ret = 0;
	f->no_remap = true;
	KUNIT_EXPECT_NULL(test, lk_vfio_mmap(fd, 0, PG, &err));
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
	f->no_remap = false;
	f->mmap_pfn = L1 >> PAGE_SHIFT;
	KUNIT_EXPECT_NULL(test, lk_vfio_mmap(fd, 0, PG, &err));
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
	KUNIT_EXPECT_NULL(test, lk_vfio_mmap(fd, 1, PG, &err));
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
	KUNIT_EXPECT_NULL(test, lk_vfio_mmap(fd, 0, 0, &err));
	KUNIT_EXPECT_EQ(test, err, -EINVAL);

	/* The mapping dies with the fd */
	lk_vfio_close(fd);
	KUNIT_EXPECT_EQ(test, lk_vma_write(vma, 0, desc, 64), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->portal_writes, 1);
	lk_munmap(vma);
	lk_vfio_container_destroy(c);
	tv_del(tv);
	lk_pci_remove(pdev);
}

/* ---- mdev + VFIO: remove with the device open ------------------------- */

static void mdev_remove_open_fd(struct kunit *test)
{
	struct tfx *f = test->priv;
	struct lk_vfio_container *c;

	parent_register(f);
	KUNIT_ASSERT_EQ(test, create(TYPE_A, U1), 0);
	c = cont(f, IOVA, L1, 4, RW);
	f->req_fd = open_ok(f, c, U1);
	lk_vfio_set_request(f->req_fd, user_request, f);
	f->user_closes = true;
	KUNIT_EXPECT_EQ(test, f->opens, 1);
	KUNIT_EXPECT_EQ(test, remove_mdev(U1, "1"), 0);
	KUNIT_EXPECT_EQ(test, f->requests, 1);
	KUNIT_EXPECT_EQ(test, f->user_requests, 1);
	KUNIT_EXPECT_EQ(test, f->closes, 1);
	KUNIT_EXPECT_EQ(test, f->removes, 1);
	KUNIT_EXPECT_EQ(test, f->releases, 1);
	lk_vfio_container_destroy(c);
}

/* create, map, open, pin: the steps the L1 admin and the L2 VMM take. */
static int setup_seq(struct tfx *f, struct lk_vfio_container **c,
		     struct lk_vfio_fd **fd)
{
	int ret = create(TYPE_A, U1);

	if (ret)
		return ret;
	*c = lk_vfio_container_create();
	if (!*c)
		return -ENOMEM;
	ret = lk_vfio_map_dma(*c, IOVA, L1, 4 * PG, RW);
	if (ret)
		return ret;
	*fd = lk_vfio_open(*c, U1, &ret);
	if (!*fd)
		return ret;
	ret = tv_pin(dev_get_drvdata(&f->last_mdev->dev), IOVA, IOMMU_READ);
	return ret == 1 ? 0 : ret;
}

/* Every allocation of the sequence fails once; each unwind is clean. */
static void lk_fail_nth(struct kunit *test)
{
	struct tfx *f = test->priv;
	u64 live;
	bool done;
	int n, ret;

	parent_register(f);
	live = lk_stats()->kmalloc_live;
	for (n = 1, done = false; !done; n++) {
		struct lk_vfio_container *c = NULL;
		struct lk_vfio_fd *fd = NULL;

		KUNIT_ASSERT_LT(test, n, 64);
		lk_kmalloc_fail_nth = n;
		ret = setup_seq(f, &c, &fd);
		done = lk_kmalloc_fail_nth;	/* not reached: all succeeded */
		lk_kmalloc_fail_nth = 0;
		if (done)
			KUNIT_EXPECT_EQ(test, ret, 0);
		else
			KUNIT_EXPECT_EQ_MSG(test, ret, -ENOMEM, "step %d", n);
		lk_vfio_close(fd);
		lk_vfio_container_destroy(c);
		remove_mdev(U1, "1");
		KUNIT_EXPECT_EQ_MSG(test, lk_stats()->kmalloc_live, live,
				    "step %d", n);
		KUNIT_EXPECT_EQ(test, lk_stats()->pins_live, 0);
		KUNIT_EXPECT_LE(test, nlist(MDEVS), 0);	/* none, or no dir */
		KUNIT_EXPECT_EQ(test, f->releases, f->removes);
	}
	/* mdev, vfio device, container, dma, fd, xarray node */
	KUNIT_EXPECT_GE(test, n, 6);
	KUNIT_EXPECT_EQ(test, lk_stats()->unmap_pin_leaks, 0);
}

/* Shutdown with everything still up: counted, reclaimed, no crash. */
static void lk_fini_reclaims(struct kunit *test)
{
	struct tfx *f = test->priv;
	struct lk_vfio_container *c;
	struct tvdev *tv;

	parent_register(f);
	KUNIT_ASSERT_EQ(test, create(TYPE_A, U1), 0);
	tv = dev_get_drvdata(&f->last_mdev->dev);
	c = cont(f, IOVA, L1, 4, RW);
	open_ok(f, c, U1);
	KUNIT_ASSERT_EQ(test, tv_pin(tv, IOVA, IOMMU_READ), 1);
	f->down = true;
	lk_fini();
	/* parent, mdev, container, the pinned page, the device's memory */
	KUNIT_EXPECT_GE(test, lk_stats()->leaks, 5);
	KUNIT_EXPECT_EQ(test, lk_stats()->kmalloc_live, 0);
}

static struct kunit_case mdev_cases[] = {
	KUNIT_CASE(mdev_type_files),
	KUNIT_CASE(mdev_create_good),
	KUNIT_CASE_PARAM(mdev_create_bad, bad_uuid_gen_params),
	KUNIT_CASE(mdev_create_dup),
	KUNIT_CASE(mdev_probe_fail),
	KUNIT_CASE(mdev_remove),
	KUNIT_CASE(mdev_parent_unregister),
	KUNIT_CASE(mdev_available_counted),
	KUNIT_CASE(mdev_register_errors),
	KUNIT_CASE(mdev_remove_open_fd),
	KUNIT_CASE(lk_fini_reclaims),
	{}
};

static struct kunit_case vfio_cases[] = {
	KUNIT_CASE(vfio_pin_within),
	KUNIT_CASE(vfio_pin_refused),
	KUNIT_CASE(vfio_unpin_unpinned),
	KUNIT_CASE(vfio_unmap_notifies),
	KUNIT_CASE(vfio_unmap_leak),
	KUNIT_CASE(vfio_map_unmap_rules),
	KUNIT_CASE(vfio_dma_rw_case),
	KUNIT_CASE_PARAM(vfio_set_irqs_validate, irqs_gen_params),
	KUNIT_CASE(vfio_request_on_unregister),
	KUNIT_CASE(vfio_forced_close),
	KUNIT_CASE(vfio_refcount),
	KUNIT_CASE(vfio_open_rules),
	KUNIT_CASE(vfio_traps),
	KUNIT_CASE(vfio_mmap),
	KUNIT_CASE(lk_fail_nth),
	{}
};

static struct kunit_suite mdev_suite = {
	.name = "lk_mdev",
	.init = tfx_init,
	.exit = tfx_exit,
	.test_cases = mdev_cases,
};

static struct kunit_suite vfio_suite = {
	.name = "lk_vfio",
	.init = tfx_init,
	.exit = tfx_exit,
	.test_cases = vfio_cases,
};

kunit_test_suites(&mdev_suite, &vfio_suite);
