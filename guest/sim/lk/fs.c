// SPDX-License-Identifier: GPL-2.0
/*
 * lk fs: sysfs and debugfs (one small tree type, two roots), seq_file,
 * sysfs_emit and eventfds.
 *
 * A sysfs file is a show/store pair on a context; the driver's attribute
 * groups become files whose context is the file itself (device plus
 * device_attribute).  Errors follow kernfs: opening a file for an access
 * it has no method for is -EACCES, a directory is -EISDIR.
 */
#include "lk_internal.h"

#define LK_NAME_MAX	255
#define LK_PATH_MAX	512
#define LK_MAX_EVENTFDS	1024
#define LK_FIRST_FD	3	/* after stdin, stdout, stderr */

/*
 * A sysfs or debugfs node.  A directory finds a child by name through a
 * hash table (kernfs keeps an rbtree keyed by name hash for the same
 * reason: /sys/bus/mdev/devices/ holds thousands of entries, and every
 * path walk passes through it).  The children list is in creation order
 * and sorted by name only when listed, which is rare.
 */
struct dentry {
	struct dentry *parent;
	struct list_head children;
	struct list_head sibling;
	struct dentry **buckets;	/* children by d_hash(), chained */
	unsigned int nbuckets;		/* a power of two; 0: no child yet */
	unsigned int nchildren;
	bool sorted;			/* children is in name order */
	struct dentry *hnext;		/* the parent's bucket chain */
	u32 hash;
	bool dir;
	/* sysfs */
	lk_show_fn show;
	lk_store_fn store;
	void *ctx;
	struct device *dev;		/* a driver attribute's device */
	struct device_attribute *dattr;
	/* debugfs */
	void *data;
	const struct file_operations *fops;
	const char *name;		/* stored after the node */
	size_t namelen;
};

static struct dentry sysfs_root = {
	.dir = true, .children = LIST_HEAD_INIT(sysfs_root.children),
	.sorted = true, .name = "",
};
static struct dentry debugfs_root = {
	.dir = true, .children = LIST_HEAD_INIT(debugfs_root.children),
	.sorted = true, .name = "",
};

/* ------------------------------------------------------------------ */
/* the tree                                                           */
/* ------------------------------------------------------------------ */
#define D_MIN_BUCKETS	8

/* FNV-1a: names are short, and any spread does. */
static u32 d_hash(const char *name, size_t len)
{
	u32 h = 2166136261u;

	while (len--)
		h = (h ^ (u8)*name++) * 16777619u;
	return h;
}

static struct dentry *d_child(struct dentry *dir, const char *name,
			      size_t len)
{
	u32 hash = d_hash(name, len);
	struct dentry *d;

	if (!dir->nbuckets)
		return NULL;
	for (d = dir->buckets[hash & (dir->nbuckets - 1)]; d; d = d->hnext)
		if (d->hash == hash && d->namelen == len &&
		    !memcmp(d->name, name, len))
			return d;
	return NULL;
}

/*
 * Rehash @dir's children into @n buckets.  Only the first table is a
 * must: a table that cannot grow stays correct with longer chains.
 */
static int d_rehash(struct dentry *dir, unsigned int n)
{
	struct dentry **b = calloc(n, sizeof(*b)), *d;

	if (!b)
		return -ENOMEM;
	list_for_each_entry(d, &dir->children, sibling) {
		d->hnext = b[d->hash & (n - 1)];
		b[d->hash & (n - 1)] = d;
	}
	free(dir->buckets);
	dir->buckets = b;
	dir->nbuckets = n;
	return 0;
}

static struct dentry *d_new(struct dentry *dir, const char *name, size_t len,
			    bool is_dir)
{
	struct dentry *d, **b;

	if (!dir->nbuckets) {
		if (d_rehash(dir, D_MIN_BUCKETS))
			return NULL;
	} else if (dir->nchildren >= dir->nbuckets &&
		   dir->nbuckets <= UINT_MAX / 2) {
		d_rehash(dir, 2 * dir->nbuckets);	/* or longer chains */
	}
	d = calloc(1, sizeof(*d) + len + 1);
	if (!d)
		return NULL;
	d->name = memcpy(d + 1, name, len);
	d->namelen = len;
	d->hash = d_hash(name, len);
	d->dir = is_dir;
	d->parent = dir;
	d->sorted = true;
	INIT_LIST_HEAD(&d->children);
	b = &dir->buckets[d->hash & (dir->nbuckets - 1)];
	d->hnext = *b;
	*b = d;
	/* Appending to a sorted list keeps it sorted if the name is last. */
	if (dir->sorted && !list_empty(&dir->children) &&
	    strcmp(list_entry(dir->children.prev, struct dentry,
			      sibling)->name, d->name) > 0)
		dir->sorted = false;
	list_add_tail(&d->sibling, &dir->children);
	dir->nchildren++;
	return d;
}

static bool d_before(const struct list_head *a, const struct list_head *b)
{
	return strcmp(list_entry(a, struct dentry, sibling)->name,
		      list_entry(b, struct dentry, sibling)->name) < 0;
}

/* Merge sort of a chain of @n siblings, by name; the result ends in NULL. */
static struct list_head *d_sort_chain(struct list_head *l, unsigned int n)
{
	struct list_head *r = l, *head = NULL, **tail = &head;
	unsigned int i;

	if (n < 2) {
		if (n)
			l->next = NULL;
		return l;
	}
	for (i = 0; i < n / 2; i++)
		r = r->next;
	l = d_sort_chain(l, n / 2);
	r = d_sort_chain(r, n - n / 2);
	while (l && r) {
		struct list_head **min = d_before(l, r) ? &l : &r;

		*tail = *min;
		tail = &(*min)->next;
		*min = (*min)->next;
	}
	*tail = l ? l : r;
	return head;
}

/* Puts @dir's children in name order, as listing shows them. */
static void d_sort(struct dentry *dir)
{
	struct list_head *head = &dir->children, *p, *prev = head;

	if (dir->sorted || dir->nchildren < 2) {
		dir->sorted = true;
		return;
	}
	p = d_sort_chain(head->next, dir->nchildren);
	for (head->next = p; p; prev = p, p = p->next)
		p->prev = prev;
	prev->next = head;
	head->prev = prev;
	dir->sorted = true;
}

static unsigned int d_free(struct dentry *d);

/* Frees what is below @d; returns how many files that was. */
static unsigned int d_free_children(struct dentry *d)
{
	unsigned int files = 0;

	while (!list_empty(&d->children))
		files += d_free(list_first_entry(&d->children, struct dentry,
						 sibling));
	free(d->buckets);
	d->buckets = NULL;
	d->nbuckets = 0;
	d->sorted = true;
	return files;
}

/* Frees @d and its subtree (a root: the subtree); returns the files. */
static unsigned int d_free(struct dentry *d)
{
	unsigned int files = d_free_children(d) + !d->dir;
	struct dentry *dir = d->parent, **pp;

	if (!dir)
		return files;
	for (pp = &dir->buckets[d->hash & (dir->nbuckets - 1)]; *pp != d;
	     pp = &(*pp)->hnext)
		;
	*pp = d->hnext;
	list_del(&d->sibling);
	dir->nchildren--;
	free(d);
	return files;
}

/* Next component of *@p; its length, 0 at the end. */
static size_t path_next(const char **p, const char **name)
{
	const char *s = *p;

	while (*s == '/')
		s++;
	*name = s;
	while (*s && *s != '/')
		s++;
	*p = s;
	return s - *name;
}

/*
 * The node at @path below @root, or NULL and *@err.  With @leaf, stops at
 * the directory that holds the last component and returns that in
 * @leaf/@leaflen; with @mkdirs, missing directories on the way are made.
 */
static struct dentry *d_walk(struct dentry *root, const char *path,
			     bool mkdirs, const char **leaf, size_t *leaflen,
			     int *err)
{
	struct dentry *d = root, *child;
	const char *name, *next, *p = path;
	size_t len, next_len;

	if (!path) {
		*err = -EINVAL;
		return NULL;
	}
	for (len = path_next(&p, &name); len; name = next, len = next_len) {
		next_len = path_next(&p, &next);
		if (len > LK_NAME_MAX) {
			*err = -ENAMETOOLONG;
			return NULL;
		}
		if (!d->dir) {
			*err = -ENOTDIR;
			return NULL;
		}
		if (leaf && !next_len) {
			*leaf = name;
			*leaflen = len;
			return d;
		}
		child = d_child(d, name, len);
		if (!child && mkdirs) {
			child = d_new(d, name, len, true);
			if (!child) {
				*err = -ENOMEM;
				return NULL;
			}
		}
		if (!child) {
			*err = -ENOENT;
			return NULL;
		}
		d = child;
	}
	if (leaf) {
		*err = -EINVAL;		/* no last component */
		return NULL;
	}
	return d;
}

/* A new file at @path (parent directories made); NULL and *@err. */
static struct dentry *d_add_file(struct dentry *root, const char *path,
				 int *err)
{
	const char *leaf;
	size_t len;
	struct dentry *dir = d_walk(root, path, true, &leaf, &len, err);
	struct dentry *d;

	if (!dir)
		return NULL;
	if (d_child(dir, leaf, len)) {
		*err = -EEXIST;
		return NULL;
	}
	d = d_new(dir, leaf, len, false);
	if (!d)
		*err = -ENOMEM;
	return d;
}

/* ------------------------------------------------------------------ */
/* sysfs                                                              */
/* ------------------------------------------------------------------ */
static int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);

	if (n < 0 || !size)
		return 0;
	return (size_t)n >= size ? (int)size - 1 : n;
}

int sysfs_emit(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* As Linux: @buf is the page show() was given, not a place in it. */
	if (WARN_ON(!buf || ((unsigned long)buf & (PAGE_SIZE - 1))))
		return 0;
	va_start(ap, fmt);
	n = vscnprintf(buf, PAGE_SIZE, fmt, ap);
	va_end(ap);
	return n;
}

int lk_sysfs_add(const char *path, lk_show_fn show, lk_store_fn store,
		 void *ctx)
{
	int err = 0;
	struct dentry *d = d_add_file(&sysfs_root, path, &err);

	if (!d)
		return err;
	d->show = show;
	d->store = store;
	d->ctx = ctx;
	return 0;
}

int lk_sysfs_mkdir(const char *path)
{
	int err = 0;
	struct dentry *d = d_walk(&sysfs_root, path, true, NULL, NULL, &err);

	if (!d)
		return err;
	return d->dir ? 0 : -EEXIST;
}

void lk_sysfs_remove(const char *path)
{
	int err;
	struct dentry *d = d_walk(&sysfs_root, path, false, NULL, NULL, &err);

	if (d)
		d_free(d);
}

/* A driver attribute: the file is its own context. */
static ssize_t attr_show(void *ctx, char *buf)
{
	struct dentry *d = ctx;

	return d->dattr->show(d->dev, d->dattr, buf);
}

/* The driver sees what `echo` writes: the value and a newline. */
static int attr_store(void *ctx, const char *buf, size_t len)
{
	struct dentry *d = ctx;
	char val[PAGE_SIZE];
	ssize_t ret;

	if (len + 1 >= sizeof(val))
		return -EINVAL;
	memcpy(val, buf, len);
	val[len] = '\n';
	val[len + 1] = '\0';
	ret = d->dattr->store(d->dev, d->dattr, val, len + 1);
	return ret < 0 ? (int)ret : 0;
}

static int join(char *path, const char *dir, const char *a, const char *b)
{
	int n = b ? snprintf(path, LK_PATH_MAX, "%s/%s/%s", dir, a, b) :
		    snprintf(path, LK_PATH_MAX, "%s/%s", dir, a);

	return n < 0 || n >= LK_PATH_MAX ? -ENAMETOOLONG : 0;
}

/* The first @nattrs files of @g (a named group: its directory). */
static void sysfs_remove_group(const char *dir,
			       const struct attribute_group *g,
			       unsigned int nattrs)
{
	char path[LK_PATH_MAX];

	if (g->name) {
		if (!join(path, dir, g->name, NULL))
			lk_sysfs_remove(path);
		return;
	}
	for (unsigned int i = 0; i < nattrs && g->attrs && g->attrs[i]; i++)
		if (!join(path, dir, g->attrs[i]->name, NULL))
			lk_sysfs_remove(path);
}

static int sysfs_add_group(const char *dir, struct device *dev,
			   const struct attribute_group *g)
{
	char path[LK_PATH_MAX];
	int err = 0;

	if (g->name) {
		err = join(path, dir, g->name, NULL);
		if (err)
			return err;
		if (d_walk(&sysfs_root, path, false, NULL, NULL, &err))
			return -EEXIST;
		err = lk_sysfs_mkdir(path);
		if (err)
			return err;
	}
	for (unsigned int i = 0; g->attrs && g->attrs[i]; i++) {
		struct attribute *a = g->attrs[i];
		struct device_attribute *da =
			container_of(a, struct device_attribute, attr);
		struct dentry *d = NULL;

		err = join(path, dir, g->name ? g->name : a->name,
			   g->name ? a->name : NULL);
		if (!err)
			d = d_add_file(&sysfs_root, path, &err);
		if (!d) {
			sysfs_remove_group(dir, g, i);
			return err;
		}
		d->ctx = d;
		d->dev = dev;
		d->dattr = da;
		if ((a->mode & 0444) && da->show)
			d->show = attr_show;
		if ((a->mode & 0222) && da->store)
			d->store = attr_store;
	}
	return 0;
}

int lk_sysfs_add_groups(const char *dir, struct device *dev,
			const struct attribute_group **groups)
{
	for (unsigned int i = 0; groups && groups[i]; i++) {
		int err = sysfs_add_group(dir, dev, groups[i]);

		if (err) {
			while (i--)
				sysfs_remove_group(dir, groups[i], UINT_MAX);
			return err;
		}
	}
	return 0;
}

/* A regular file at @path, or NULL and *@err. */
static struct dentry *sysfs_file(const char *path, int *err)
{
	struct dentry *d = d_walk(&sysfs_root, path, false, NULL, NULL, err);

	if (d && d->dir) {
		*err = -EISDIR;
		return NULL;
	}
	return d;
}

/*
 * The zeroed page show() and store() are handed.  One is kept between
 * accesses: a page-aligned allocation per access cost more than the
 * attribute itself (mdev creation reads one per device).  A show or store
 * that accesses sysfs itself gets a page of its own.
 */
static char *sysfs_page;
static bool sysfs_page_busy;

static char *sysfs_page_get(void)
{
	char *page = sysfs_page_busy ? NULL : sysfs_page;

	if (!page) {
		page = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
		if (!page)
			return NULL;
		if (!sysfs_page_busy)
			sysfs_page = page;
	}
	sysfs_page_busy |= page == sysfs_page;
	memset(page, 0, PAGE_SIZE);
	return page;
}

static void sysfs_page_put(char *page)
{
	if (page == sysfs_page)
		sysfs_page_busy = false;
	else
		free(page);
}

/* The text, NUL-terminated and cut to @len - 1; its length or -errno. */
ssize_t lk_sysfs_read(const char *path, char *buf, size_t len)
{
	int err = 0;
	struct dentry *d = sysfs_file(path, &err);
	char *page;
	ssize_t ret;

	if (!d)
		return err;
	if (!d->show)
		return -EACCES;
	if (!buf || !len)
		return -EINVAL;
	/* The kernel hands show() a zeroed page. */
	page = sysfs_page_get();
	if (!page)
		return -ENOMEM;
	ret = d->show(d->ctx, page);
	if (ret >= (ssize_t)PAGE_SIZE) {
		pr_err("sysfs: %s: show returned bad count %zd\n", path, ret);
		ret = PAGE_SIZE - 1;
	}
	if (ret >= 0) {
		ret = min((size_t)ret, len - 1);
		memcpy(buf, page, ret);
		buf[ret] = '\0';
	}
	sysfs_page_put(page);
	return ret;
}

int lk_sysfs_write(const char *path, const char *val)
{
	int err = 0;
	struct dentry *d = sysfs_file(path, &err);
	char *page;
	size_t len;

	if (!d)
		return err;
	if (!d->store)
		return -EACCES;
	if (!val)
		return -EINVAL;
	len = strlen(val);
	if (len && val[len - 1] == '\n')
		len--;
	if (len >= PAGE_SIZE)
		return -EINVAL;
	page = sysfs_page_get();
	if (!page)
		return -ENOMEM;
	memcpy(page, val, len);
	err = d->store(d->ctx, page, len);
	sysfs_page_put(page);
	return err < 0 ? err : 0;
}

int lk_sysfs_list(const char *dir, char *buf, size_t len)
{
	int err = 0, n = 0;
	struct dentry *d = d_walk(&sysfs_root, dir, false, NULL, NULL, &err);
	struct dentry *c;
	size_t off = 0;

	if (!d)
		return err;
	if (!d->dir)
		return -ENOTDIR;
	d_sort(d);
	list_for_each_entry(c, &d->children, sibling) {
		size_t sz = strlen(c->name) + 1;

		if (buf) {
			if (sz > len - off)
				return -ENOSPC;
			memcpy(buf + off, c->name, sz);
		}
		off += sz;
		n++;
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* seq_file and debugfs                                               */
/* ------------------------------------------------------------------ */
/* An overflowed seq_file has count == size (as Linux); only on ENOMEM. */
static bool seq_grow(struct seq_file *m, size_t more)
{
	size_t size = m->size ? m->size : PAGE_SIZE;
	char *buf;

	if (m->size && m->count == m->size)
		return false;
	while (size - m->count <= more) {
		if (size > SIZE_MAX / 2)
			goto overflow;
		size *= 2;
	}
	if (size == m->size)
		return true;
	buf = realloc(m->buf, size);
	if (!buf)
		goto overflow;
	m->buf = buf;
	m->size = size;
	return true;
overflow:
	m->count = m->size;
	return false;
}

int seq_printf(struct seq_file *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !seq_grow(m, n))
		return -1;
	va_start(ap, fmt);
	vsnprintf(m->buf + m->count, m->size - m->count, fmt, ap);
	va_end(ap);
	m->count += n;
	return 0;
}

void seq_puts(struct seq_file *m, const char *s)
{
	size_t n = strlen(s);

	if (!seq_grow(m, n))
		return;
	memcpy(m->buf + m->count, s, n + 1);
	m->count += n;
}

static struct dentry *debugfs_new(const char *name, struct dentry *parent,
				  bool is_dir)
{
	struct dentry *dir = parent ? parent : &debugfs_root;
	struct dentry *d;
	size_t len;

	if (IS_ERR(parent))
		return parent;
	if (!name || !*name || strchr(name, '/'))
		return ERR_PTR(-EINVAL);
	len = strlen(name);
	if (len > LK_NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	if (!dir->dir)
		return ERR_PTR(-ENOTDIR);
	if (d_child(dir, name, len)) {
		pr_err("debugfs: '%s' already exists in '%s'\n", name,
		       dir->name);
		return ERR_PTR(-EEXIST);
	}
	d = d_new(dir, name, len, is_dir);
	return d ? d : ERR_PTR(-ENOMEM);
}

struct dentry *debugfs_create_dir(const char *name, struct dentry *parent)
{
	return debugfs_new(name, parent, true);
}

struct dentry *debugfs_create_file(const char *name, umode_t mode,
				   struct dentry *parent, void *data,
				   const struct file_operations *fops)
{
	struct dentry *d = debugfs_new(name, parent, false);

	if (!IS_ERR(d)) {
		d->data = data;
		d->fops = fops;
	}
	return d;
}

void debugfs_remove_recursive(struct dentry *dentry)
{
	if (!IS_ERR_OR_NULL(dentry))
		d_free(dentry);
}

ssize_t lk_debugfs_read(const char *path, char *buf, size_t len)
{
	static const char mnt[] = "/sys/kernel/debug";
	struct seq_file m = { 0 };
	struct dentry *d;
	int err = 0, ret;

	if (path && !strncmp(path, mnt, sizeof(mnt) - 1) &&
	    (!path[sizeof(mnt) - 1] || path[sizeof(mnt) - 1] == '/'))
		path += sizeof(mnt) - 1;
	d = d_walk(&debugfs_root, path, false, NULL, NULL, &err);
	if (!d)
		return err;
	if (d->dir)
		return -EISDIR;
	if (!d->fops || !d->fops->lk_show)
		return -EINVAL;
	if (!buf || !len)
		return -EINVAL;
	m.private = d->data;
	ret = min(d->fops->lk_show(&m, NULL), 0);
	if (!ret && m.size && m.count == m.size)
		ret = -ENOMEM;
	if (!ret) {
		ret = min(m.count, len - 1);
		memcpy(buf, m.buf, ret);
		buf[ret] = '\0';
	}
	free(m.buf);
	return ret;
}

/* ------------------------------------------------------------------ */
/* eventfd                                                            */
/* ------------------------------------------------------------------ */
struct eventfd_ctx {
	unsigned int refs;	/* the fd's, and each eventfd_ctx_fdget */
	u64 count;
	void (*notify)(void *ctx);
	void *notify_ctx;
};

static struct eventfd_ctx **lk_efds;	/* by fd - LK_FIRST_FD */
static unsigned int lk_nefds;
static bool lk_in_eventfd;

static struct eventfd_ctx *efd_lookup(int fd)
{
	if (fd < LK_FIRST_FD || (unsigned int)(fd - LK_FIRST_FD) >= lk_nefds)
		return NULL;
	return lk_efds[fd - LK_FIRST_FD];
}

/* The lowest free fd, as open(2). */
int lk_eventfd_create(void)
{
	struct eventfd_ctx *ctx;
	unsigned int i;

	for (i = 0; i < lk_nefds && lk_efds[i]; i++)
		;
	if (i == LK_MAX_EVENTFDS)
		return -EMFILE;
	if (i == lk_nefds) {
		unsigned int n = lk_nefds ? 2 * lk_nefds : 16;
		struct eventfd_ctx **t = realloc(lk_efds, n * sizeof(*t));

		if (!t)
			return -ENOMEM;
		memset(t + lk_nefds, 0, (n - lk_nefds) * sizeof(*t));
		lk_efds = t;
		lk_nefds = n;
	}
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->refs = 1;
	lk_efds[i] = ctx;
	return i + LK_FIRST_FD;
}

struct eventfd_ctx *eventfd_ctx_fdget(int fd)
{
	struct eventfd_ctx *ctx = efd_lookup(fd);

	if (!ctx)
		return ERR_PTR(-EBADF);
	ctx->refs++;
	return ctx;
}

void eventfd_ctx_put(struct eventfd_ctx *ctx)
{
	if (WARN_ON(IS_ERR_OR_NULL(ctx)))
		return;
	if (!--ctx->refs)
		kfree(ctx);
}

void eventfd_signal(struct eventfd_ctx *ctx)
{
	/* Linux refuses to signal from inside an eventfd wakeup. */
	if (WARN_ON(IS_ERR_OR_NULL(ctx) || lk_in_eventfd))
		return;
	if (ctx->count < ULLONG_MAX)
		ctx->count++;
	if (ctx->notify) {
		lk_in_eventfd = true;
		ctx->notify(ctx->notify_ctx);
		lk_in_eventfd = false;
	}
}

u64 lk_eventfd_read(int fd)
{
	struct eventfd_ctx *ctx = efd_lookup(fd);
	u64 count;

	if (!ctx)
		return 0;
	count = ctx->count;
	ctx->count = 0;
	return count;
}

void lk_eventfd_set_notify(int fd, void (*fn)(void *ctx), void *ctx)
{
	struct eventfd_ctx *e = efd_lookup(fd);

	if (e) {
		e->notify = fn;
		e->notify_ctx = ctx;
	}
}

/* The context lives on while the kernel holds references. */
void lk_eventfd_close(int fd)
{
	struct eventfd_ctx *ctx = efd_lookup(fd);

	if (!ctx)
		return;
	lk_efds[fd - LK_FIRST_FD] = NULL;
	ctx->notify = NULL;	/* nobody polls it any more */
	eventfd_ctx_put(ctx);
}

int lk_fs_init(void)
{
	lk_in_eventfd = false;
	return 0;
}

/* What the parts above left behind is counted as leaked. */
void lk_fs_fini(void)
{
	unsigned int files = d_free_children(&sysfs_root) +
			     d_free_children(&debugfs_root);

	free(sysfs_page);
	sysfs_page = NULL;
	sysfs_page_busy = false;

	if (files) {
		pr_err("lk: %u sysfs/debugfs files left at shutdown\n", files);
		lk_st.leaks += files;
	}
	for (unsigned int i = 0; i < lk_nefds; i++)
		if (lk_efds[i])
			lk_eventfd_close(i + LK_FIRST_FD);
	free(lk_efds);
	lk_efds = NULL;
	lk_nefds = 0;
}
