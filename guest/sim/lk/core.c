// SPDX-License-Identifier: GPL-2.0
/*
 * lk core: boot and shutdown, the kernel log, WARN/BUG, module parameters,
 * the slab (every allocation tracked, so lk_fini can report and free what
 * the driver leaked), user copies, devres and device names.
 */
#include "lk_internal.h"
#include "sim.h"

struct lk_cfg lk_cfg;
struct lk_stats lk_st;
bool lk_up;
unsigned long lk_kmalloc_fail_nth;

const struct lk_stats *lk_stats(void)
{
	return &lk_st;
}

/* ------------------------------------------------------------------ */
/* the kernel log                                                     */
/* ------------------------------------------------------------------ */
#define LK_LOG_BYTES	(64 * 1024)
#define LK_LOG_KEEP	(48 * 1024)	/* what a trim leaves, with the new line */

static char lk_log[LK_LOG_BYTES + 1];
static size_t lk_log_len;

/*
 * Keeps the newest text: when a line does not fit, the oldest lines go
 * down to LK_LOG_KEEP, so the copy is paid once per 16 KiB of log.
 */
static void lk_log_append(const char *s, size_t n)
{
	if (lk_log_len + n > LK_LOG_BYTES) {
		size_t from = lk_log_len + n - LK_LOG_KEEP;
		char *cut = memchr(lk_log + from, '\n', lk_log_len - from);
		size_t drop = cut ? (size_t)(cut + 1 - lk_log) : lk_log_len;

		memmove(lk_log, lk_log + drop, lk_log_len - drop);
		lk_log_len -= drop;
	}
	memcpy(lk_log + lk_log_len, s, n);
	lk_log_len += n;
	lk_log[lk_log_len] = '\0';
}

const char *lk_dmesg(void)
{
	return lk_log;
}

static void lk_vprintk(const char *level, const struct device *dev,
		       const char *fmt, va_list ap)
{
	int lvl = level && level[0] >= '0' && level[0] <= '7' ?
		  level[0] - '0' : 4;
	char line[1024];
	size_t n;
	int r;

	lk_st.printk[lvl]++;
	/* Debug messages are dynamic debug: kept only when asked for. */
	if (lvl == 7 && lk_cfg.loglevel < 7)
		return;
	/* "[<ns>] <driver> <device>: text", as dev_printk with times. */
	if (dev && dev->driver && dev->driver->name)
		snprintf(line, 128, "[%12llu] %s %s: ", lk_now_ns(),
			 dev->driver->name, dev_name(dev));
	else if (dev)
		snprintf(line, 128, "[%12llu] %s: ", lk_now_ns(),
			 dev_name(dev));
	else
		snprintf(line, 128, "[%12llu] ", lk_now_ns());
	n = strlen(line);
	r = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	n += r > 0 ? r : 0;
	if (n >= sizeof(line) - 1) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	} else if (line[n - 1] != '\n') {
		line[n++] = '\n';
		line[n] = '\0';
	}
	lk_log_append(line, n);
	if (lk_cfg.log && lvl <= lk_cfg.loglevel)
		fputs(line, lk_cfg.log);
}

void lk_printk(const char *level, const struct device *dev,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lk_vprintk(level, dev, fmt, ap);
	va_end(ap);
}

int dev_err_probe(const struct device *dev, int err, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* A deferral is expected to resolve itself: debug only, as Linux. */
	if (err == -EPROBE_DEFER)
		lk_printk(KERN_DEBUG, dev, "deferred probe pending: %s", msg);
	else
		lk_printk(KERN_ERR, dev, "error %d: %s", err, msg);
	return err;
}

bool lk_warn(bool cond, const char *file, int line, const char *expr)
{
	if (cond) {
		lk_st.warns++;
		lk_printk(KERN_WARNING, NULL, "WARNING: at %s:%d: %s\n",
			  file, line, expr);
	}
	return cond;
}

void lk_bug(const char *file, int line, const char *expr)
{
	lk_printk("0", NULL, "kernel BUG at %s:%d! (%s)\n", file, line, expr);
	fprintf(stderr, "lk: kernel BUG at %s:%d! (%s)\n", file, line, expr);
	abort();
}

/* ------------------------------------------------------------------ */
/* module parameters                                                  */
/* ------------------------------------------------------------------ */
#define LK_MAX_PARAMS	64
#define LK_CHARP_MAX	1024	/* param_set_charp's limit */

struct lk_param {
	const char *mod, *name;
	enum lk_param_type type;
	void *var;
	char *owned;		/* charp: the copy we made */
};
static struct lk_param lk_params[LK_MAX_PARAMS];
static unsigned int lk_nparams;

/* Runs from constructors, before main: nothing else may be assumed. */
void lk_param_register(const char *mod, const char *name,
		       enum lk_param_type type, void *var)
{
	if (lk_nparams == LK_MAX_PARAMS) {
		fprintf(stderr, "lk: too many module parameters (%s.%s)\n",
			mod, name);
		return;
	}
	lk_params[lk_nparams++] = (struct lk_param){
		.mod = mod, .name = name, .type = type, .var = var,
	};
}

/* The digits of kstrtoull: base 0 (0x hex, 0 octal), one trailing '\n'. */
static int lk_kstrtoull(const char *s, unsigned long long *res)
{
	unsigned long long v = 0;
	unsigned int base = 10, d;
	const char *start;

	if (s[0] == '0' && (s[1] | 0x20) == 'x' &&
	    ((s[2] >= '0' && s[2] <= '9') || (s[2] | 0x20) - 'a' < 6u)) {
		base = 16;
		s += 2;
	} else if (s[0] == '0') {
		base = 8;
	}
	for (start = s; *s; s++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'f')
			d = (*s | 0x20) - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		if (v > (ULLONG_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (s == start || (s[0] == '\n' ? s[1] : s[0]))
		return -EINVAL;
	*res = v;
	return 0;
}

/* kstrtoint or kstrtouint: -EINVAL unparsable, -ERANGE out of range. */
static int lk_kstrtoint(const char *s, bool is_signed, long long *res)
{
	bool neg = is_signed && *s == '-';
	unsigned long long v, lim = is_signed ? INT_MAX + (u64)neg : UINT_MAX;
	int ret;

	ret = lk_kstrtoull(s + (neg || *s == '+'), &v);
	if (ret)
		return ret;
	if (v > lim)
		return -ERANGE;
	*res = neg ? -(long long)v : (long long)v;
	return 0;
}

/* kstrtobool: only the first one or two characters count. */
static int lk_kstrtobool(const char *s, bool *res)
{
	switch (s[0]) {
	case 'y': case 'Y': case 't': case 'T': case '1':
		*res = true;
		return 0;
	case 'n': case 'N': case 'f': case 'F': case '0':
		*res = false;
		return 0;
	case 'o': case 'O':
		if ((s[1] | 0x20) == 'n' || (s[1] | 0x20) == 'f') {
			*res = (s[1] | 0x20) == 'n';
			return 0;
		}
		break;
	}
	return -EINVAL;
}

static int lk_param_parse(struct lk_param *p, const char *val)
{
	bool b = true;
	long long v;
	char *copy;
	int ret;

	/* A bare "name" means true for a bool, and nothing for the rest. */
	if (!val && p->type != LK_PARAM_bool)
		return -EINVAL;
	switch (p->type) {
	case LK_PARAM_bool:
		ret = val ? lk_kstrtobool(val, &b) : 0;
		if (!ret)
			*(bool *)p->var = b;
		return ret;
	case LK_PARAM_int:
	case LK_PARAM_uint:
		ret = lk_kstrtoint(val, p->type == LK_PARAM_int, &v);
		if (!ret && p->type == LK_PARAM_int)
			*(int *)p->var = (int)v;
		else if (!ret)
			*(unsigned int *)p->var = (unsigned int)v;
		return ret;
	case LK_PARAM_charp:
		if (strlen(val) > LK_CHARP_MAX)
			return -ENOSPC;
		copy = strdup(val);
		if (!copy)
			return -ENOMEM;
		free(p->owned);
		p->owned = copy;
		*(char **)p->var = copy;
		return 0;
	}
	return -EINVAL;
}

int lk_module_param_set(const char *mod, const char *name, const char *val)
{
	if (!mod || !name)
		return -EINVAL;
	for (unsigned int i = 0; i < lk_nparams; i++)
		if (!strcmp(lk_params[i].mod, mod) &&
		    !strcmp(lk_params[i].name, name))
			return lk_param_parse(&lk_params[i], val);
	return -ENOENT;
}

/* ------------------------------------------------------------------ */
/* slab                                                               */
/* ------------------------------------------------------------------ */
#define LK_SLAB_MAGIC	0x6c6b736c6162ULL	/* "lkslab" */

/*
 * 32 bytes, so the object after it keeps malloc's 16-byte alignment (not
 * an aligned attribute: list walks form container_of of the list head).
 */
struct lk_slab_hdr {
	struct list_head node;
	size_t size;
	u64 magic;
};
BUILD_BUG_ON(sizeof(struct lk_slab_hdr) % 16);

static LIST_HEAD(lk_slab);

void lk_inject_kmalloc_failure(unsigned long nth)
{
	lk_kmalloc_fail_nth = nth;
}

void *kmalloc(size_t size, gfp_t flags)
{
	struct lk_slab_hdr *h;

	if (lk_kmalloc_fail_nth && !--lk_kmalloc_fail_nth)
		return NULL;
	if (size > SIZE_MAX - sizeof(*h))
		return NULL;
	h = malloc(sizeof(*h) + size);
	if (!h)
		return NULL;
	if (flags & __GFP_ZERO)
		memset(h + 1, 0, size);
	h->size = size;
	h->magic = LK_SLAB_MAGIC;
	list_add(&h->node, &lk_slab);
	lk_st.kmalloc_live++;
	lk_st.kmalloc_total++;
	return h + 1;
}

void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}

void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return kzalloc(n * size, flags);
}

void *kmemdup(const void *src, size_t len, gfp_t flags)
{
	void *p = kmalloc(len, flags);

	if (p)
		memcpy(p, src, len);
	return p;
}

void kfree(const void *p)
{
	struct lk_slab_hdr *h;

	if (!p)
		return;
	h = (struct lk_slab_hdr *)p - 1;
	if (WARN_ON(h->magic != LK_SLAB_MAGIC))
		return;		/* not ours, or freed twice: leave it */
	h->magic = 0;
	list_del(&h->node);
	lk_st.kmalloc_live--;
	free(h);
}

/* Frees what is still allocated; it is counted as leaked. */
static void lk_slab_sweep(void)
{
	struct lk_slab_hdr *h, *n;
	u64 bytes = 0;

	if (!lk_st.kmalloc_live)
		return;
	list_for_each_entry(h, &lk_slab, node)
		bytes += h->size;
	pr_err("lk: %llu allocations (%llu bytes) leaked\n",
	       lk_st.kmalloc_live, bytes);
	lk_st.leaks += lk_st.kmalloc_live;
	list_for_each_entry_safe(h, n, &lk_slab, node) {
		h->magic = 0;
		free(h);
	}
	INIT_LIST_HEAD(&lk_slab);
	lk_st.kmalloc_live = 0;
	lk_st.devres_live = 0;
}

/* ------------------------------------------------------------------ */
/* user copies                                                        */
/* ------------------------------------------------------------------ */
/* The L1 process's pointers are host pointers; NULL is the bad address. */
unsigned long copy_from_user(void *to, const void __user *from,
			     unsigned long n)
{
	if (!from || !to)
		return n;
	memcpy(to, from, n);
	return 0;
}

unsigned long copy_to_user(void __user *to, const void *from,
			   unsigned long n)
{
	if (!to || !from)
		return n;
	memcpy(to, from, n);
	return 0;
}

void *memdup_user(const void __user *src, size_t len)
{
	void *p = kmalloc(len, GFP_KERNEL);

	if (!p)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(p, src, len)) {
		kfree(p);
		return ERR_PTR(-EFAULT);
	}
	return p;
}

/* ------------------------------------------------------------------ */
/* devices and devres                                                 */
/* ------------------------------------------------------------------ */
struct lk_devres {
	struct list_head node;
	void (*action)(void *data);	/* NULL: a devm_kzalloc block */
	void *data;
	u8 payload[];			/* 16-byte aligned, as kmalloc's */
};
BUILD_BUG_ON(offsetof(struct lk_devres, payload) % 16);

void lk_device_init(struct device *dev, struct device *parent, void *owner)
{
	dev->parent = parent;
	dev->lk_owner = owner;
	INIT_LIST_HEAD(&dev->lk_devres);
}

/* A device nobody ran lk_device_init on still gets a devres list. */
static struct list_head *devres_list(struct device *dev)
{
	if (!dev->lk_devres.next)
		INIT_LIST_HEAD(&dev->lk_devres);
	return &dev->lk_devres;
}

static struct lk_devres *devres_new(struct device *dev, size_t size,
				    void (*action)(void *), void *data)
{
	struct lk_devres *dr;

	if (size > SIZE_MAX - sizeof(*dr))
		return NULL;
	dr = kzalloc(sizeof(*dr) + size, GFP_KERNEL);
	if (!dr)
		return NULL;
	dr->action = action;
	dr->data = action ? data : dr->payload;
	list_add(&dr->node, devres_list(dev));
	lk_st.devres_live++;
	return dr;
}

static void devres_free(struct lk_devres *dr)
{
	list_del(&dr->node);
	lk_st.devres_live--;
	kfree(dr);
}

void lk_devres_release_all(struct device *dev)
{
	struct list_head *head = devres_list(dev);

	/* An action may add or free entries: take the newest each time. */
	while (!list_empty(head)) {
		struct lk_devres *dr = list_first_entry(head, struct lk_devres,
							node);

		list_del(&dr->node);
		lk_st.devres_live--;
		if (dr->action)
			dr->action(dr->data);
		kfree(dr);
	}
}

void *devm_kzalloc(struct device *dev, size_t size, gfp_t gfp)
{
	struct lk_devres *dr = devres_new(dev, size, NULL, NULL);

	return dr ? dr->payload : NULL;
}

void *devm_kcalloc(struct device *dev, size_t n, size_t size, gfp_t gfp)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return devm_kzalloc(dev, n * size, gfp);
}

void devm_kfree(struct device *dev, const void *p)
{
	struct lk_devres *dr;

	if (!p)
		return;
	list_for_each_entry(dr, devres_list(dev), node) {
		if (!dr->action && dr->payload == p) {
			devres_free(dr);
			return;
		}
	}
	WARN_ON(1);	/* not a devm allocation of @dev */
}

int devm_add_action(struct device *dev, void (*action)(void *), void *data)
{
	if (WARN_ON(!action))
		return -EINVAL;
	return devres_new(dev, 0, action, data) ? 0 : -ENOMEM;
}

int devm_add_action_or_reset(struct device *dev, void (*action)(void *),
			     void *data)
{
	int ret = devm_add_action(dev, action, data);

	if (ret && action)
		action(data);
	return ret;
}

static void devm_bitmap_free(void *bitmap)
{
	bitmap_free(bitmap);
}

unsigned long *devm_bitmap_zalloc(struct device *dev, unsigned int nbits,
				  gfp_t flags)
{
	unsigned long *bitmap = bitmap_zalloc(nbits, flags);

	if (!bitmap)
		return NULL;
	if (devm_add_action_or_reset(dev, devm_bitmap_free, bitmap))
		return NULL;
	return bitmap;
}

static void devm_mutex_release(void *lock)
{
	mutex_destroy(lock);
}

int devm_mutex_init(struct device *dev, struct mutex *lock)
{
	mutex_init(lock);
	return devm_add_action_or_reset(dev, devm_mutex_release, lock);
}

int dev_set_name(struct device *dev, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(dev->lk_name, sizeof(dev->lk_name), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	return n < (int)sizeof(dev->lk_name) ? 0 : -ENAMETOOLONG;
}

/* ------------------------------------------------------------------ */
/* boot and shutdown                                                  */
/* ------------------------------------------------------------------ */
static const struct {
	int (*init)(void);
	void (*fini)(void);
} lk_parts[] = {
	{ lk_sched_init, lk_sched_fini },
	{ lk_fs_init, lk_fs_fini },
	{ lk_mm_init, lk_mm_fini },
	{ lk_pci_init, lk_pci_fini },
	{ lk_iommu_init, lk_iommu_fini },
	{ lk_mdev_init, lk_mdev_fini },
	{ lk_vfio_init, lk_vfio_fini },
};
/* The core suites boot only sched and fs (lk_core_init_for_test). */
#define LK_CORE_PARTS	2

static unsigned int lk_nr_up;	/* lk_parts[] set up */

static void lk_stop(void)
{
	while (lk_nr_up)
		lk_parts[--lk_nr_up].fini();
	lk_slab_sweep();
	lk_up = false;
	if (lk_st.leaks)
		pr_err("lk: shutdown with %llu leaked objects\n", lk_st.leaks);
}

static int lk_start(const struct lk_cfg *cfg, unsigned int nr_parts)
{
	u64 live = lk_st.kmalloc_live, devres = lk_st.devres_live;
	int ret = 0;

	if (lk_up)
		return -EBUSY;
	if (!cfg || !cfg->s)
		return -EINVAL;
	lk_cfg = *cfg;
	if (!lk_cfg.work_ns)
		lk_cfg.work_ns = LK_DEFAULT_WORK_NS;
	if (!lk_cfg.trap_ns)
		lk_cfg.trap_ns = LK_DEFAULT_TRAP_NS;
	if (!lk_cfg.loglevel)
		lk_cfg.loglevel = 6;
	/* Allocations made outside a boot stay counted. */
	memset(&lk_st, 0, sizeof(lk_st));
	lk_st.kmalloc_live = live;
	lk_st.devres_live = devres;
	lk_log_len = 0;
	lk_log[0] = '\0';
	lk_up = true;
	for (lk_nr_up = 0; lk_nr_up < nr_parts; lk_nr_up++) {
		ret = lk_parts[lk_nr_up].init();
		if (ret) {
			pr_err("lk: boot failed (part %u): %d\n", lk_nr_up, ret);
			lk_stop();
			return ret;
		}
	}
	return 0;
}

int lk_init(const struct lk_cfg *cfg)
{
	return lk_start(cfg, ARRAY_SIZE(lk_parts));
}

void lk_fini(void)
{
	if (lk_up)
		lk_stop();
}

int lk_core_init_for_test(struct sim *s)
{
	struct lk_cfg cfg = { .s = s };

	return lk_start(&cfg, LK_CORE_PARTS);
}

void lk_core_fini_for_test(void)
{
	lk_fini();
}
