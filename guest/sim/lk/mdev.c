// SPDX-License-Identifier: GPL-2.0
/*
 * lk: the mdev core (drivers/vfio/mdev/ of Linux 6.12).  A parent publishes
 * its types under /sys/class/mdev_bus/<parent>/mdev_supported_types/; a
 * UUID written to a type's "create" makes an mdev_device that the parent's
 * mdev driver probes, published as /sys/bus/mdev/devices/<uuid>/.  A sysfs
 * write runs in the writer's context (mdevctl's write(2)), synchronously.
 *
 * Differences from Linux: no struct bus_type or kobjects (the sysfs tree is
 * fs.c's registry), so driver binding is the direct probe/remove call that
 * device_driver_attach and device_del end in; the parent's own type
 * directory entries stand in for the kobject symlinks.
 */
#include "lk_internal.h"

#define MDEV_UUID_LEN	36	/* UUID_STRING_LEN */
#define MDEV_PATH_MAX	256
#define MDEV_HASH_BITS	12

/*
 * An mdev_device with the core's index by UUID.  Linux checks a new UUID
 * against its global mdev_list; device_add's kernfs name lookup is what
 * keeps that cheap there, so here the duplicate check is a hash lookup.
 * Every mdev on a parent's lk_mdevs is in the table, and only those.
 */
struct lk_mdev {
	struct mdev_device mdev;
	struct lk_mdev *hnext;
};

static LIST_HEAD(mdev_drivers);
static LIST_HEAD(mdev_parents);
static struct lk_mdev *mdev_hash[1 << MDEV_HASH_BITS];

static bool mdev_driver_registered(const struct mdev_driver *drv)
{
	struct mdev_driver *d;

	list_for_each_entry(d, &mdev_drivers, lk_node)
		if (d == drv)
			return true;
	return false;
}

static bool mdev_parent_registered(const struct mdev_parent *parent)
{
	struct mdev_parent *p;

	list_for_each_entry(p, &mdev_parents, lk_node)
		if (p == parent)
			return true;
	return false;
}

/* @file NULL: the type's directory. */
static int mdev_type_path(char *buf, const struct mdev_type *type,
			  const char *file)
{
	int n = snprintf(buf, MDEV_PATH_MAX,
			 "/sys/class/mdev_bus/%s/mdev_supported_types/%s%s%s",
			 dev_name(type->parent->dev), type->lk_dir,
			 file ? "/" : "", file ? file : "");

	return n < MDEV_PATH_MAX ? 0 : -ENAMETOOLONG;
}

static void mdev_dev_path(char *buf, const struct mdev_device *mdev)
{
	snprintf(buf, MDEV_PATH_MAX, "/sys/bus/mdev/devices/%s",
		 dev_name(&mdev->dev));
}

/* ---- UUIDs ---------------------------------------------------------- */

static int mdev_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * guid_parse(): "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", hex in either case.
 * A guid stores its first three fields little-endian; %pUl prints them
 * back in string order, in lower case, which is what @name gets.
 */
static int mdev_guid_parse(const char *s, guid_t *guid, char *name)
{
	static const u8 le[16] = { 3, 2, 1, 0, 5, 4, 7, 6,
				   8, 9, 10, 11, 12, 13, 14, 15 };
	u8 raw[16];
	int i, nib = 0;

	for (i = 0; i < MDEV_UUID_LEN; i++) {
		int h;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -EINVAL;
			name[i] = '-';
			continue;
		}
		h = mdev_hex(s[i]);
		if (h < 0)
			return -EINVAL;
		name[i] = "0123456789abcdef"[h];
		if (nib & 1)
			raw[nib / 2] |= h;
		else
			raw[nib / 2] = h << 4;
		nib++;
	}
	name[MDEV_UUID_LEN] = '\0';
	for (i = 0; i < 16; i++)
		guid->b[le[i]] = raw[i];
	return 0;
}

static struct lk_mdev **mdev_bucket(const guid_t *uuid)
{
	u32 h = 2166136261u;	/* FNV-1a */

	for (unsigned int i = 0; i < sizeof(uuid->b); i++)
		h = (h ^ uuid->b[i]) * 16777619u;
	return &mdev_hash[h >> (32 - MDEV_HASH_BITS)];
}

static struct mdev_device *mdev_find(const guid_t *uuid)
{
	struct lk_mdev *m;

	for (m = *mdev_bucket(uuid); m; m = m->hnext)
		if (!memcmp(&m->mdev.uuid, uuid, sizeof(*uuid)))
			return &m->mdev;
	return NULL;
}

/* On a parent's list and in the index, or off both. */
static void mdev_link(struct mdev_device *mdev, struct mdev_parent *parent)
{
	struct lk_mdev *m = container_of(mdev, struct lk_mdev, mdev),
		       **b = mdev_bucket(&mdev->uuid);

	list_add_tail(&mdev->lk_node, &parent->lk_mdevs);
	m->hnext = *b;
	*b = m;
}

static void mdev_unlink(struct mdev_device *mdev)
{
	struct lk_mdev *m = container_of(mdev, struct lk_mdev, mdev), **pp;

	list_del(&mdev->lk_node);
	for (pp = mdev_bucket(&mdev->uuid); *pp; pp = &(*pp)->hnext)
		if (*pp == m) {
			*pp = m->hnext;
			break;
		}
}

static void mdev_free(struct mdev_device *mdev)
{
	kfree(container_of(mdev, struct lk_mdev, mdev));
}

/* kstrtoul(buf, 0, ...): '+', 0x/0 prefixes, one trailing newline. */
static int mdev_parse_ulong(const char *s, size_t len, unsigned long *val)
{
	char num[32], *end;
	size_t d;

	if (len && s[len - 1] == '\n')
		len--;
	d = len && s[0] == '+';
	/* strtoul would also take blanks and a minus sign */
	if (len >= sizeof(num) || d >= len || s[d] < '0' || s[d] > '9')
		return -EINVAL;
	memcpy(num, s, len);
	num[len] = '\0';
	errno = 0;
	*val = strtoul(num, &end, 0);
	return *end || errno ? -EINVAL : 0;
}

/* ---- mdev devices ----------------------------------------------------- */

static ssize_t mdev_type_link_show(void *ctx, char *buf)
{
	struct mdev_device *mdev = ctx;

	return sysfs_emit(buf, "%s\n", mdev->type->lk_dir);
}

/* The type's devices/<uuid> entry: a symlink to the device in Linux. */
static ssize_t mdev_devices_link_show(void *ctx, char *buf)
{
	struct mdev_device *mdev = ctx;

	return sysfs_emit(buf, "/sys/bus/mdev/devices/%s\n",
			  dev_name(&mdev->dev));
}

static void mdev_unpublish(struct mdev_device *mdev)
{
	char path[MDEV_PATH_MAX];

	mdev_dev_path(path, mdev);
	lk_sysfs_remove(path);
	if (!mdev_type_path(path, mdev->type, "devices")) {
		size_t n = strlen(path);

		snprintf(path + n, sizeof(path) - n, "/%s", dev_name(&mdev->dev));
		lk_sysfs_remove(path);
	}
}

static int mdev_remove_store(void *ctx, const char *buf, size_t len);

/* What device_add, really_probe (dev_groups) and mdev_create_sysfs_files add. */
static int mdev_publish(struct mdev_device *mdev)
{
	const struct attribute_group **groups =
		mdev->type->parent->mdev_driver->driver.dev_groups;
	char dir[MDEV_PATH_MAX], path[2 * MDEV_PATH_MAX];
	int ret;

	mdev_dev_path(dir, mdev);
	snprintf(path, sizeof(path), "%s/remove", dir);
	ret = lk_sysfs_add(path, NULL, mdev_remove_store, mdev);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/mdev_type", dir);
	ret = lk_sysfs_add(path, mdev_type_link_show, NULL, mdev);
	if (!ret && groups)
		ret = lk_sysfs_add_groups(dir, &mdev->dev, groups);
	if (!ret)
		ret = mdev_type_path(dir, mdev->type, "devices");
	if (!ret) {
		snprintf(path, sizeof(path), "%s/%s", dir, dev_name(&mdev->dev));
		ret = lk_sysfs_add(path, mdev_devices_link_show, NULL, mdev);
	}
	if (ret)
		mdev_unpublish(mdev);
	return ret;
}

/* Unbind (sysfs first, then the driver's remove, then devres) and free. */
static void mdev_device_remove(struct mdev_device *mdev)
{
	struct mdev_parent *parent = mdev->type->parent;
	struct mdev_driver *drv = parent->mdev_driver;

	mdev->active = false;
	mdev_unpublish(mdev);
	if (drv->remove)
		drv->remove(mdev);
	lk_devres_release_all(&mdev->dev);
	mdev->dev.driver = NULL;
	mdev_unlink(mdev);
	if (!drv->get_available)
		atomic_inc(&parent->available_instances);
	dev_dbg(&mdev->dev, "MDEV: destroyed\n");
	mdev_free(mdev);
}

static int mdev_device_create(struct mdev_type *type, const guid_t *uuid,
			      const char *name)
{
	struct mdev_parent *parent = type->parent;
	struct mdev_driver *drv = parent->mdev_driver;
	struct mdev_device *mdev;
	struct lk_mdev *m;
	int ret;

	if (mdev_find(uuid))
		return -EEXIST;
	if (!mdev_driver_registered(drv))
		return -ENODEV;
	/* Without get_available the core counts instances itself. */
	if (!drv->get_available) {
		if (!atomic_read(&parent->available_instances))
			return -EUSERS;
		atomic_dec(&parent->available_instances);
	}

	ret = -ENOMEM;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		goto err_avail;
	mdev = &m->mdev;
	lk_device_init(&mdev->dev, parent->dev, mdev);
	ret = dev_set_name(&mdev->dev, "%s", name);
	if (ret)
		goto err_free;
	mdev->uuid = *uuid;
	mdev->type = type;
	mdev_link(mdev, parent);

	/* really_probe: dev->driver is set while probe runs. */
	mdev->dev.driver = &drv->driver;
	ret = drv->probe ? drv->probe(mdev) : -ENODEV;
	if (ret)
		goto err_unbind;
	ret = mdev_publish(mdev);
	if (ret) {
		if (drv->remove)
			drv->remove(mdev);
		goto err_unbind;
	}
	mdev->active = true;
	dev_dbg(&mdev->dev, "MDEV: created\n");
	return 0;

err_unbind:
	lk_devres_release_all(&mdev->dev);
	mdev_unlink(mdev);
err_free:
	mdev_free(mdev);
err_avail:
	if (!drv->get_available)
		atomic_inc(&parent->available_instances);
	return ret;
}

/* /sys/bus/mdev/devices/<uuid>/remove: 0 is accepted and does nothing. */
static int mdev_remove_store(void *ctx, const char *buf, size_t len)
{
	struct mdev_device *mdev = ctx;
	unsigned long val;

	if (mdev_parse_ulong(buf, len, &val))
		return -EINVAL;
	if (!val)
		return 0;
	if (!mdev->active)
		return -EAGAIN;
	mdev_device_remove(mdev);
	return 0;
}

/* ---- types and parents ------------------------------------------------ */

static struct mdev_driver *mdev_type_driver(void *ctx)
{
	return ((struct mdev_type *)ctx)->parent->mdev_driver;
}

static ssize_t mdev_type_name_show(void *ctx, char *buf)
{
	struct mdev_type *type = ctx;

	return sysfs_emit(buf, "%s\n",
			  type->pretty_name ? type->pretty_name : type->sysfs_name);
}

static ssize_t mdev_type_description_show(void *ctx, char *buf)
{
	return mdev_type_driver(ctx)->show_description(ctx, buf);
}

static ssize_t mdev_type_available_show(void *ctx, char *buf)
{
	struct mdev_driver *drv = mdev_type_driver(ctx);
	struct mdev_type *type = ctx;

	if (drv->get_available)
		return sysfs_emit(buf, "%u\n", drv->get_available(type));
	return sysfs_emit(buf, "%u\n",
			  atomic_read(&type->parent->available_instances));
}

static ssize_t mdev_type_device_api_show(void *ctx, char *buf)
{
	return sysfs_emit(buf, "%s\n", mdev_type_driver(ctx)->device_api);
}

static int mdev_type_create_store(void *ctx, const char *buf, size_t len)
{
	char name[MDEV_UUID_LEN + 1];
	guid_t uuid;
	int ret;

	/* As create_store: the UUID, optionally one more character. */
	if (len < MDEV_UUID_LEN || len > MDEV_UUID_LEN + 1)
		return -EINVAL;
	ret = mdev_guid_parse(buf, &uuid, name);
	if (ret)
		return ret;
	return mdev_device_create(ctx, &uuid, name);
}

static const struct {
	const char *name;
	lk_show_fn show;
	lk_store_fn store;
} mdev_type_files[] = {
	{ "name", mdev_type_name_show, NULL },
	{ "description", mdev_type_description_show, NULL },
	{ "available_instances", mdev_type_available_show, NULL },
	{ "device_api", mdev_type_device_api_show, NULL },
	{ "create", NULL, mdev_type_create_store },
};

static int mdev_type_add(struct mdev_parent *parent, struct mdev_type *type,
			 const char *drv_name)
{
	char path[MDEV_PATH_MAX];
	unsigned int i;
	int ret;

	if (!type || !type->sysfs_name)
		return -EINVAL;
	type->parent = parent;
	if (snprintf(type->lk_dir, sizeof(type->lk_dir), "%s-%s", drv_name,
		     type->sysfs_name) >= (int)sizeof(type->lk_dir))
		return -ENAMETOOLONG;

	for (i = 0; i < ARRAY_SIZE(mdev_type_files); i++) {
		/* Linux hides description without show_description. */
		if (mdev_type_files[i].show == mdev_type_description_show &&
		    !parent->mdev_driver->show_description)
			continue;
		ret = mdev_type_path(path, type, mdev_type_files[i].name);
		if (!ret)
			ret = lk_sysfs_add(path, mdev_type_files[i].show,
					   mdev_type_files[i].store, type);
		if (ret)
			return ret;
	}
	ret = mdev_type_path(path, type, "devices");
	return ret ? ret : lk_sysfs_mkdir(path);
}

int mdev_register_parent(struct mdev_parent *parent, struct device *dev,
			 struct mdev_driver *mdev_driver,
			 struct mdev_type **types, unsigned int nr_types)
{
	char path[MDEV_PATH_MAX];
	const char *drv_name;
	struct mdev_parent *p;
	unsigned int i;
	int ret;

	if (!parent || !dev || !mdev_driver || (nr_types && !types))
		return -EINVAL;
	/* Checked before the memset: a registered parent is on the list. */
	list_for_each_entry(p, &mdev_parents, lk_node)
		if (p == parent || p->dev == dev)
			return -EEXIST;

	memset(parent, 0, sizeof(*parent));
	parent->dev = dev;
	parent->mdev_driver = mdev_driver;
	parent->types = types;
	parent->nr_types = nr_types;
	atomic_set(&parent->available_instances, mdev_driver->max_instances);
	INIT_LIST_HEAD(&parent->lk_mdevs);

	/* Type directories are named after the parent's driver, as Linux. */
	drv_name = dev->driver && dev->driver->name ? dev->driver->name :
		   mdev_driver->driver.name;
	snprintf(path, sizeof(path), "/sys/class/mdev_bus/%s/mdev_supported_types",
		 dev_name(dev));
	ret = lk_sysfs_mkdir(path);
	for (i = 0; !ret && i < nr_types; i++)
		ret = mdev_type_add(parent, types[i], drv_name ? drv_name : "");
	if (ret) {
		snprintf(path, sizeof(path), "/sys/class/mdev_bus/%s",
			 dev_name(dev));
		lk_sysfs_remove(path);
		return ret;
	}
	list_add_tail(&parent->lk_node, &mdev_parents);
	dev_info(dev, "MDEV: Registered\n");
	return 0;
}

void mdev_unregister_parent(struct mdev_parent *parent)
{
	char path[MDEV_PATH_MAX];

	if (WARN_ON(!parent || !mdev_parent_registered(parent)))
		return;
	dev_info(parent->dev, "MDEV: Unregistering\n");
	while (!list_empty(&parent->lk_mdevs))
		mdev_device_remove(list_first_entry(&parent->lk_mdevs,
						    struct mdev_device, lk_node));
	snprintf(path, sizeof(path), "/sys/class/mdev_bus/%s",
		 dev_name(parent->dev));
	lk_sysfs_remove(path);
	list_del(&parent->lk_node);
}

int mdev_register_driver(struct mdev_driver *drv)
{
	if (!drv)
		return -EINVAL;
	if (mdev_driver_registered(drv))
		return -EBUSY;
	list_add_tail(&drv->lk_node, &mdev_drivers);
	return 0;
}

/* Linux detaches the driver from its devices; here they are removed. */
void mdev_unregister_driver(struct mdev_driver *drv)
{
	struct mdev_parent *p;

	if (WARN_ON(!drv || !mdev_driver_registered(drv)))
		return;
	list_for_each_entry(p, &mdev_parents, lk_node) {
		if (p->mdev_driver != drv)
			continue;
		WARN_ON(!list_empty(&p->lk_mdevs));
		while (!list_empty(&p->lk_mdevs))
			mdev_device_remove(list_first_entry(&p->lk_mdevs,
							    struct mdev_device,
							    lk_node));
	}
	list_del(&drv->lk_node);
}

int lk_mdev_init(void)
{
	INIT_LIST_HEAD(&mdev_drivers);
	INIT_LIST_HEAD(&mdev_parents);
	memset(mdev_hash, 0, sizeof(mdev_hash));
	return 0;
}

/* What the unloaded drivers left behind: counted, freed without them. */
void lk_mdev_fini(void)
{
	struct mdev_parent *p, *pn;
	struct mdev_device *mdev, *mn;
	char path[MDEV_PATH_MAX];

	list_for_each_entry_safe(p, pn, &mdev_parents, lk_node) {
		lk_st.leaks++;
		list_for_each_entry_safe(mdev, mn, &p->lk_mdevs, lk_node) {
			lk_st.leaks++;
			mdev_unpublish(mdev);
			mdev_unlink(mdev);
			mdev_free(mdev);
		}
		snprintf(path, sizeof(path), "/sys/class/mdev_bus/%s",
			 dev_name(p->dev));
		lk_sysfs_remove(path);
		list_del(&p->lk_node);
	}
	INIT_LIST_HEAD(&mdev_drivers);
}
