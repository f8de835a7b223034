/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lk: the simulated L1 kernel.  Exactly the Linux 6.12 API subset that
 * guest/nmdev*.c uses (the list at the top of guest/nmdev.h), with the
 * kernel's names, signatures and semantics, implemented in user space on
 * the simulated platform (the .c files of guest/sim/lk/).  The driver sources compile
 * unchanged against this header (through the <linux/...> wrappers next to
 * it) and against Debian's linux-headers-6.12.
 *
 * Execution model: single-threaded and deterministic.  "Sleeping" and
 * polling advance simulated time by running the sim's event loop
 * (lk_sleep_ns); work items and interrupt handlers run as sim events.
 * Locks are checked (a mutex taken twice, or released unheld, is a bug
 * report and a counter in lk_stats), never contended.
 *
 * Fields named lk_* are the simulation's private state: the driver never
 * touches them.  The machine side (boot, PCI hot-add, sysfs, the VFIO user
 * API for L2) is guest/sim/lk.h.
 */
#ifndef _LK_LINUX_H
#define _LK_LINUX_H

#include <nestmed/compat.h>

#include <assert.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <linux/pci_regs.h>	/* uapi: PCI_COMMAND, PCI_MSIX_FLAGS, ... */
#include <linux/vfio.h>		/* uapi: structures and ioctl numbers */

/* ------------------------------------------------------------------ */
/* compiler, types, errors                                            */
/* ------------------------------------------------------------------ */
#define __iomem
#define __user
#define __force
#define __init
#define __exit
#define __must_check	__attribute__((warn_unused_result))
#define __printf(a, b)	__attribute__((format(printf, a, b)))
/* The kernel's static_assert: the message is optional. */
#undef static_assert
#define static_assert(expr, ...)	__static_assert(expr, ##__VA_ARGS__, #expr)
#define __static_assert(expr, msg, ...)	_Static_assert(expr, msg)

typedef u64 phys_addr_t;
typedef u64 dma_addr_t;
typedef u64 resource_size_t;
typedef u32 ioasid_t;
typedef unsigned int gfp_t;
typedef unsigned short umode_t;
typedef struct { u8 b[16]; } guid_t;

#define GFP_KERNEL		0x1u
#define GFP_ATOMIC		0x2u
#define GFP_KERNEL_ACCOUNT	GFP_KERNEL
#define __GFP_ZERO		0x100u

#ifndef U8_MAX
#define U8_MAX		((u8)~0U)
#define U16_MAX		((u16)~0U)
#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)
#endif

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define BITS_PER_LONG	64
#define BIT_WORD(nr)	((nr) / BITS_PER_LONG)
#define BIT_MASK(nr)	(1UL << ((nr) % BITS_PER_LONG))
#define BITS_TO_LONGS(n)	(((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define ALIGN(x, a)		(((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define offsetofend(T, m)	(offsetof(T, m) + sizeof(((T *)0)->m))
#define min_t(t, a, b)		((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b)		((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define BUILD_BUG_ON_ZERO(e)	((int)(sizeof(struct { int:(-!!(e)); })))
#define lower_32_bits(n)	((u32)((n) & 0xffffffff))
#define upper_32_bits(n)	((u32)((u64)(n) >> 32))

#define MAX_ERRNO	4095
#define IS_ERR_VALUE(x)	((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline bool IS_ERR(const void *ptr) { return IS_ERR_VALUE(ptr); }
static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return !ptr || IS_ERR_VALUE(ptr);
}
#define ERR_CAST(p)	((void *)(p))

/* A WARN is a bug report: logged, counted in lk_stats()->warns. */
bool lk_warn(bool cond, const char *file, int line, const char *expr);
#define WARN_ON(c)	lk_warn(!!(c), __FILE__, __LINE__, #c)
#define WARN_ON_ONCE(c)	WARN_ON(c)
#define WARN(c, ...)	lk_warn(!!(c), __FILE__, __LINE__, #c)
#define BUG_ON(c)	do { if (c) lk_bug(__FILE__, __LINE__, #c); } while (0)
void lk_bug(const char *file, int line, const char *expr)
	__attribute__((noreturn));
static inline void might_sleep(void) { }
#define lockdep_assert_held(l)	WARN_ON(!(l)->lk_held)

/* ------------------------------------------------------------------ */
/* module                                                             */
/* ------------------------------------------------------------------ */
struct module;
#define THIS_MODULE	((struct module *)0)
#ifndef KBUILD_MODNAME
#define KBUILD_MODNAME	"lk"
#endif
#define MODULE_LICENSE(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_AUTHOR(x)
#define MODULE_DEVICE_TABLE(type, name)
#define MODULE_PARM_DESC(name, desc)
#define __LK_CAT2(a, b)	a##b
#define __LK_CAT(a, b)	__LK_CAT2(a, b)
/*
 * module_init(fn) defines <LK_MODULE>_module_init() (the build passes
 * -DLK_MODULE=nmdev): lk_module_load() of the machine side calls it.
 */
#define module_init(fn)						\
	int __LK_CAT(LK_MODULE, _module_init)(void);		\
	int __LK_CAT(LK_MODULE, _module_init)(void) { return fn(); }
#define module_exit(fn)						\
	void __LK_CAT(LK_MODULE, _module_exit)(void);		\
	void __LK_CAT(LK_MODULE, _module_exit)(void) { fn(); }
/*
 * module_param(name, type, perm): registered at program start under
 * "<KBUILD_MODNAME>.<name>"; lk_module_param_set() parses as the kernel
 * does for the types below (charp points into lk-owned storage).
 */
enum lk_param_type { LK_PARAM_bool, LK_PARAM_int, LK_PARAM_uint,
		     LK_PARAM_charp };
void lk_param_register(const char *mod, const char *name,
		       enum lk_param_type type, void *var);
#define module_param(name, type, perm)					\
	__attribute__((constructor)) static void __lk_param_##name(void) \
	{ lk_param_register(KBUILD_MODNAME, #name, LK_PARAM_##type, &name); }
/* The same, for a parameter @name kept in the variable @value. */
#define module_param_named(name, value, type, perm)			\
	__attribute__((constructor)) static void __lk_param_##name(void) \
	{ lk_param_register(KBUILD_MODNAME, #name, LK_PARAM_##type, &value); }

/* ------------------------------------------------------------------ */
/* logging                                                            */
/* ------------------------------------------------------------------ */
#define KERN_ERR	"3"
#define KERN_WARNING	"4"
#define KERN_NOTICE	"5"
#define KERN_INFO	"6"
#define KERN_DEBUG	"7"
struct device;
void lk_printk(const char *level, const struct device *dev, const char *fmt,
	       ...) __printf(3, 4);
#define dev_err(d, ...)		lk_printk(KERN_ERR, d, __VA_ARGS__)
#define dev_warn(d, ...)	lk_printk(KERN_WARNING, d, __VA_ARGS__)
#define dev_notice(d, ...)	lk_printk(KERN_NOTICE, d, __VA_ARGS__)
#define dev_info(d, ...)	lk_printk(KERN_INFO, d, __VA_ARGS__)
#define dev_dbg(d, ...)		lk_printk(KERN_DEBUG, d, __VA_ARGS__)
#define pr_err(...)		lk_printk(KERN_ERR, NULL, __VA_ARGS__)
#define pr_warn(...)		lk_printk(KERN_WARNING, NULL, __VA_ARGS__)
#define pr_info(...)		lk_printk(KERN_INFO, NULL, __VA_ARGS__)
#define pr_debug(...)		lk_printk(KERN_DEBUG, NULL, __VA_ARGS__)
/* Logs unless @err is -EPROBE_DEFER; returns @err. */
int dev_err_probe(const struct device *dev, int err, const char *fmt, ...)
	__printf(3, 4);
#ifndef EPROBE_DEFER
#define EPROBE_DEFER	517
#endif
#ifndef ENOTSUPP
#define ENOTSUPP	524
#endif

/* ------------------------------------------------------------------ */
/* atomics, lists, bitmaps                                            */
/* ------------------------------------------------------------------ */
typedef struct { int counter; } atomic_t;
typedef struct { s64 counter; } atomic64_t;
#define ATOMIC_INIT(i)		{ (i) }
#define ATOMIC64_INIT(i)	{ (i) }
static inline int atomic_read(const atomic_t *v) { return READ_ONCE(v->counter); }
static inline void atomic_set(atomic_t *v, int i) { WRITE_ONCE(v->counter, i); }
static inline void atomic_inc(atomic_t *v) { v->counter++; }
static inline void atomic_dec(atomic_t *v) { v->counter--; }
static inline int atomic_inc_return(atomic_t *v) { return ++v->counter; }
static inline int atomic_dec_return(atomic_t *v) { return --v->counter; }
static inline bool atomic_dec_and_test(atomic_t *v) { return --v->counter == 0; }
static inline s64 atomic64_read(const atomic64_t *v) { return READ_ONCE(v->counter); }
static inline void atomic64_set(atomic64_t *v, s64 i) { WRITE_ONCE(v->counter, i); }
static inline void atomic64_inc(atomic64_t *v) { v->counter++; }
static inline void atomic64_dec(atomic64_t *v) { v->counter--; }
static inline void atomic64_add(s64 i, atomic64_t *v) { v->counter += i; }
static inline void atomic64_sub(s64 i, atomic64_t *v) { v->counter -= i; }
static inline s64 atomic64_inc_return(atomic64_t *v) { return ++v->counter; }

struct list_head {
	struct list_head *next, *prev;
};
#define LIST_HEAD_INIT(name)	{ &(name), &(name) }
#define LIST_HEAD(name)		struct list_head name = LIST_HEAD_INIT(name)
static inline void INIT_LIST_HEAD(struct list_head *l)
{
	l->next = l;
	l->prev = l;
}
static inline void __list_add(struct list_head *n, struct list_head *prev,
			      struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}
static inline void list_add(struct list_head *n, struct list_head *head)
{
	__list_add(n, head, head->next);
}
static inline void list_add_tail(struct list_head *n, struct list_head *head)
{
	__list_add(n, head->prev, head);
}
static inline void list_del(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	e->next = NULL;
	e->prev = NULL;
}
static inline void list_del_init(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	INIT_LIST_HEAD(e);
}
static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}
#define list_entry(ptr, type, member)	container_of(ptr, type, member)
#define list_first_entry(ptr, type, member) \
	list_entry((ptr)->next, type, member)
#define list_first_entry_or_null(ptr, type, member) \
	(list_empty(ptr) ? NULL : list_first_entry(ptr, type, member))
#define list_next_entry(pos, member) \
	list_entry((pos)->member.next, __typeof__(*(pos)), member)
#define list_for_each_entry(pos, head, member)				\
	for (pos = list_first_entry(head, __typeof__(*pos), member);	\
	     &pos->member != (head);					\
	     pos = list_next_entry(pos, member))
#define list_for_each_entry_safe(pos, n, head, member)			\
	for (pos = list_first_entry(head, __typeof__(*pos), member),	\
	     n = list_next_entry(pos, member);				\
	     &pos->member != (head);					\
	     pos = n, n = list_next_entry(n, member))

static inline void set_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}
static inline void clear_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}
static inline bool test_bit(unsigned long nr, const unsigned long *addr)
{
	return addr[BIT_WORD(nr)] & BIT_MASK(nr);
}
#define __set_bit	set_bit
#define __clear_bit	clear_bit
unsigned long find_first_zero_bit(const unsigned long *addr,
				  unsigned long size);
unsigned long find_first_bit(const unsigned long *addr, unsigned long size);
unsigned long find_next_bit(const unsigned long *addr, unsigned long size,
			    unsigned long offset);
unsigned int bitmap_weight(const unsigned long *src, unsigned int nbits);
unsigned long *bitmap_zalloc(unsigned int nbits, gfp_t flags);
void bitmap_free(const unsigned long *bitmap);

/* ------------------------------------------------------------------ */
/* locks (checked, never contended)                                   */
/* ------------------------------------------------------------------ */
struct mutex {
	bool lk_held;
	bool lk_init;
};
void mutex_init(struct mutex *m);
void mutex_destroy(struct mutex *m);
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);
int mutex_trylock(struct mutex *m);
static inline bool mutex_is_locked(struct mutex *m) { return m->lk_held; }
#define DEFINE_MUTEX(name)	struct mutex name = { false, true }

typedef struct {
	bool lk_held;
} spinlock_t;
void spin_lock_init(spinlock_t *l);
void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);
#define spin_lock_irqsave(l, flags)	do { (flags) = 0; spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, flags) do { (void)(flags); spin_unlock(l); } while (0)
#define spin_lock_irq(l)	spin_lock(l)
#define spin_unlock_irq(l)	spin_unlock(l)

/* ------------------------------------------------------------------ */
/* memory: slab, user copies, unaligned                               */
/* ------------------------------------------------------------------ */
/* Every allocation is counted (lk_stats()->kmalloc_live) for leak checks. */
void *kmalloc(size_t size, gfp_t flags);
void *kzalloc(size_t size, gfp_t flags);
void *kcalloc(size_t n, size_t size, gfp_t flags);
void *kmemdup(const void *src, size_t len, gfp_t flags);
void kfree(const void *p);
#define kvzalloc	kzalloc
#define kvcalloc	kcalloc
#define kvfree		kfree
/* User pointers are host pointers of the L1 process (the L2's VMM). */
unsigned long copy_from_user(void *to, const void __user *from,
			     unsigned long n);
unsigned long copy_to_user(void __user *to, const void *from,
			   unsigned long n);
void *memdup_user(const void __user *src, size_t len);

static inline u16 get_unaligned_le16(const void *p)
{
	const u8 *b = p;

	return (u16)(b[0] | b[1] << 8);
}
static inline u32 get_unaligned_le32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 | (u32)b[3] << 24;
}
static inline u64 get_unaligned_le64(const void *p)
{
	return get_unaligned_le32(p) | (u64)get_unaligned_le32((const u8 *)p + 4) << 32;
}
static inline void put_unaligned_le16(u16 v, void *p)
{
	u8 *b = p;

	b[0] = (u8)v;
	b[1] = (u8)(v >> 8);
}
static inline void put_unaligned_le32(u32 v, void *p)
{
	put_unaligned_le16((u16)v, p);
	put_unaligned_le16((u16)(v >> 16), (u8 *)p + 2);
}
static inline void put_unaligned_le64(u64 v, void *p)
{
	put_unaligned_le32((u32)v, p);
	put_unaligned_le32((u32)(v >> 32), (u8 *)p + 4);
}

/* ------------------------------------------------------------------ */
/* xarray                                                             */
/* ------------------------------------------------------------------ */
struct lk_xa_node;
struct xarray {
	struct lk_xa_node *lk_root;	/* implementation's own */
	unsigned long lk_count;
};
#define XA_PRESENT	((unsigned int)8)
#define XA_FLAGS_ALLOC	0u
static inline void *xa_mk_value(unsigned long v)
{
	return (void *)((v << 1) | 1);
}
static inline unsigned long xa_to_value(const void *entry)
{
	return (unsigned long)entry >> 1;
}
static inline bool xa_is_value(const void *entry)
{
	return (unsigned long)entry & 1;
}
/* Errors come back as internal entries, as in Linux. */
static inline void *xa_mk_internal(unsigned long v)
{
	return (void *)((v << 2) | 2);
}
static inline bool xa_is_err(const void *entry)
{
	return ((unsigned long)entry & 3) == 2 &&
	       (unsigned long)entry >= (unsigned long)xa_mk_internal(-MAX_ERRNO);
}
static inline int xa_err(void *entry)
{
	return xa_is_err(entry) ? (int)((long)entry >> 2) : 0;
}
void xa_init(struct xarray *xa);
#define xa_init_flags(xa, f)	xa_init(xa)
void *xa_load(struct xarray *xa, unsigned long index);
/* NULL @entry erases.  Returns the old entry or an error entry. */
void *xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp);
void *xa_erase(struct xarray *xa, unsigned long index);
bool xa_empty(const struct xarray *xa);
void xa_destroy(struct xarray *xa);
/* First present entry in [*@index, @max]; *@index set to it.  NULL: none. */
void *xa_find(struct xarray *xa, unsigned long *index, unsigned long max,
	      unsigned int filter);
/* The same strictly after *@index. */
void *xa_find_after(struct xarray *xa, unsigned long *index,
		    unsigned long max, unsigned int filter);
#define xa_for_each_range(xa, index, entry, start, last)		\
	for (index = (start),						\
	     entry = xa_find(xa, &index, last, XA_PRESENT);		\
	     entry;							\
	     entry = xa_find_after(xa, &index, last, XA_PRESENT))
#define xa_for_each(xa, index, entry) \
	xa_for_each_range(xa, index, entry, 0, ULONG_MAX)

/* ------------------------------------------------------------------ */
/* time                                                               */
/* ------------------------------------------------------------------ */
/* Simulated time: these run the sim's events until the time has passed. */
u64 lk_now_ns(void);
void lk_sleep_ns(u64 ns);
static inline void udelay(unsigned long us) { lk_sleep_ns((u64)us * 1000); }
static inline void usleep_range(unsigned long min, unsigned long max)
{
	lk_sleep_ns((u64)min * 1000);
}
static inline void msleep(unsigned int ms) { lk_sleep_ns((u64)ms * 1000000); }
static inline void cpu_relax(void) { }

/* <linux/iopoll.h> with its exact contract, on simulated time. */
#define read_poll_timeout(op, val, cond, sleep_us, timeout_us,		\
			  sleep_before_read, args...)			\
({									\
	u64 __timeout_us = (timeout_us);				\
	unsigned long __sleep_us = (sleep_us);				\
	u64 __deadline = lk_now_ns() + __timeout_us * 1000;		\
	if ((sleep_before_read) && __sleep_us)				\
		lk_sleep_ns((u64)__sleep_us * 1000);			\
	for (;;) {							\
		(val) = op(args);					\
		if (cond)						\
			break;						\
		if (__timeout_us && lk_now_ns() > __deadline) {		\
			(val) = op(args);				\
			break;						\
		}							\
		lk_sleep_ns(__sleep_us ? (u64)__sleep_us * 1000 : 100);	\
	}								\
	(cond) ? 0 : -ETIMEDOUT;					\
})

/* ------------------------------------------------------------------ */
/* workqueues (work items run as sim events)                          */
/* ------------------------------------------------------------------ */
struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);
struct workqueue_struct;
struct work_struct {
	work_func_t func;
	struct list_head lk_entry;
	struct workqueue_struct *lk_wq;
	bool lk_pending;
};
#define WQ_UNBOUND	(1u << 1)
#define WQ_MEM_RECLAIM	(1u << 3)
#define INIT_WORK(w, f)							\
	do {								\
		(w)->func = (f);					\
		INIT_LIST_HEAD(&(w)->lk_entry);				\
		(w)->lk_wq = NULL;					\
		(w)->lk_pending = false;				\
	} while (0)
struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags,
					 int max_active, ...) __printf(1, 4);
/* false if @work was already pending. */
bool queue_work(struct workqueue_struct *wq, struct work_struct *work);
/* Runs the sim until every work queued before the call has run. */
void flush_workqueue(struct workqueue_struct *wq);
/* Drains (runs every pending work), then frees. */
void destroy_workqueue(struct workqueue_struct *wq);

/* ------------------------------------------------------------------ */
/* devices, devres, sysfs, debugfs, eventfd                           */
/* ------------------------------------------------------------------ */
struct attribute {
	const char *name;
	umode_t mode;
};
struct device_attribute {
	struct attribute attr;
	ssize_t (*show)(struct device *dev, struct device_attribute *attr,
			char *buf);
	ssize_t (*store)(struct device *dev, struct device_attribute *attr,
			 const char *buf, size_t count);
};
#define __ATTR_RO(n)	{ .attr = { .name = #n, .mode = 0444 }, .show = n##_show }
#define __ATTR_RW(n)	{ .attr = { .name = #n, .mode = 0644 }, \
			  .show = n##_show, .store = n##_store }
#define DEVICE_ATTR_RO(n)	struct device_attribute dev_attr_##n = __ATTR_RO(n)
#define DEVICE_ATTR_RW(n)	struct device_attribute dev_attr_##n = __ATTR_RW(n)
struct attribute_group {
	const char *name;
	struct attribute **attrs;
};
/* Formats into a PAGE_SIZE sysfs buffer. */
int sysfs_emit(char *buf, const char *fmt, ...) __printf(2, 3);

struct device_driver {
	const char *name;
	struct module *owner;
	const char *mod_name;
	const struct attribute_group **dev_groups;
};

struct dev_iommu {
	u32 max_pasids;
	struct lk_iommu_dev *lk;	/* the IOMMU model's device */
};

struct lk_devres;
struct device {
	struct device *parent;
	char lk_name[64];
	void *driver_data;
	struct device_driver *driver;
	struct dev_iommu *iommu;	/* NULL: not behind an IOMMU */
	struct list_head lk_devres;	/* released in reverse on unbind */
	void *lk_owner;			/* pci_dev or mdev_device (lk side) */
};
static inline const char *dev_name(const struct device *dev)
{
	return dev->lk_name;
}
int dev_set_name(struct device *dev, const char *fmt, ...) __printf(2, 3);
static inline void *dev_get_drvdata(const struct device *dev)
{
	return dev->driver_data;
}
static inline void dev_set_drvdata(struct device *dev, void *data)
{
	dev->driver_data = data;
}
void *devm_kzalloc(struct device *dev, size_t size, gfp_t gfp);
void *devm_kcalloc(struct device *dev, size_t n, size_t size, gfp_t gfp);
void devm_kfree(struct device *dev, const void *p);
unsigned long *devm_bitmap_zalloc(struct device *dev, unsigned int nbits,
				  gfp_t flags);
int devm_mutex_init(struct device *dev, struct mutex *lock);
int devm_add_action(struct device *dev, void (*action)(void *), void *data);
/* On failure runs @action(@data) and returns the error, as Linux. */
int devm_add_action_or_reset(struct device *dev, void (*action)(void *),
			     void *data);

struct inode;
struct file;
struct seq_file {
	char *buf;
	size_t size, count;
	void *private;
};
int seq_printf(struct seq_file *m, const char *fmt, ...) __printf(2, 3);
void seq_puts(struct seq_file *m, const char *s);
struct file_operations {
	struct module *owner;
	/* DEFINE_SHOW_ATTRIBUTE's show; what lk_debugfs_read() calls. */
	int (*lk_show)(struct seq_file *m, void *unused);
};
#define DEFINE_SHOW_ATTRIBUTE(__name)					\
	static const struct file_operations __name##_fops = {		\
		.owner = THIS_MODULE,					\
		.lk_show = __name##_show,				\
	}
struct dentry;
struct dentry *debugfs_create_dir(const char *name, struct dentry *parent);
struct dentry *debugfs_create_file(const char *name, umode_t mode,
				   struct dentry *parent, void *data,
				   const struct file_operations *fops);
void debugfs_remove_recursive(struct dentry *dentry);
#define debugfs_remove	debugfs_remove_recursive

struct eventfd_ctx;
/* @fd from lk_eventfd_create(); ERR_PTR(-EBADF) otherwise (takes a ref). */
struct eventfd_ctx *eventfd_ctx_fdget(int fd);
void eventfd_ctx_put(struct eventfd_ctx *ctx);
void eventfd_signal(struct eventfd_ctx *ctx);

/* ------------------------------------------------------------------ */
/* PCI, MMIO, interrupts, DMA                                         */
/* ------------------------------------------------------------------ */
#define PCI_ANY_ID	(~0u)
struct pci_device_id {
	u32 vendor, device;
	u32 subvendor, subdevice;
	u32 class, class_mask;
	unsigned long driver_data;
};
#define PCI_DEVICE_SUB(vend, dev, subvend, subdev) \
	.vendor = (vend), .device = (dev), \
	.subvendor = (subvend), .subdevice = (subdev)
#define PCI_DEVICE(vend, dev) \
	PCI_DEVICE_SUB(vend, dev, PCI_ANY_ID, PCI_ANY_ID)

#define PCI_STD_NUM_BARS	6
struct resource {
	resource_size_t start, end;
	unsigned long flags;
	const char *name;
};
static inline resource_size_t resource_size(const struct resource *r)
{
	return r->end - r->start + 1;
}

struct pci_driver;
struct lk_pci;
struct pci_dev {
	struct device dev;
	u16 vendor, device;
	u16 subsystem_vendor, subsystem_device;
	u32 class;
	u8 revision;
	u8 bus_nr;
	unsigned int devfn;
	u16 ats_cap, pri_cap, pasid_cap;	/* 0: absent */
	bool msix_enabled;
	struct resource resource[PCI_STD_NUM_BARS];
	struct pci_driver *driver;
	struct lk_pci *lk;			/* backend, irqs, iomaps */
};
static inline struct pci_dev *to_pci_dev(struct device *dev)
{
	return container_of(dev, struct pci_dev, dev);
}
struct pci_driver {
	const char *name;
	const struct pci_device_id *id_table;
	int (*probe)(struct pci_dev *dev, const struct pci_device_id *id);
	void (*remove)(struct pci_dev *dev);
	struct device_driver driver;
	struct list_head lk_node;
};
/* Binds every matching device present now or hot-added later. */
int pci_register_driver(struct pci_driver *drv);
/* Unbinds (remove, then devres release) every bound device. */
void pci_unregister_driver(struct pci_driver *drv);
static inline const char *pci_name(const struct pci_dev *pdev)
{
	return dev_name(&pdev->dev);
}
static inline void *pci_get_drvdata(struct pci_dev *pdev)
{
	return dev_get_drvdata(&pdev->dev);
}
static inline void pci_set_drvdata(struct pci_dev *pdev, void *data)
{
	dev_set_drvdata(&pdev->dev, data);
}
#define pci_resource_start(dev, bar)	((dev)->resource[(bar)].start)
#define pci_resource_end(dev, bar)	((dev)->resource[(bar)].end)
#define pci_resource_len(dev, bar)					\
	((dev)->resource[(bar)].end ?					\
	 resource_size(&(dev)->resource[(bar)]) : 0)
/* Config accessors: 0 or a PCIBIOS error (positive, as Linux). */
#define PCIBIOS_SUCCESSFUL		0x00
#define PCIBIOS_BAD_REGISTER_NUMBER	0x87
int pci_read_config_byte(const struct pci_dev *dev, int where, u8 *val);
int pci_read_config_word(const struct pci_dev *dev, int where, u16 *val);
int pci_read_config_dword(const struct pci_dev *dev, int where, u32 *val);
int pci_write_config_byte(const struct pci_dev *dev, int where, u8 val);
int pci_write_config_word(const struct pci_dev *dev, int where, u16 val);
int pci_write_config_dword(const struct pci_dev *dev, int where, u32 val);
u16 pci_find_ext_capability(struct pci_dev *dev, int cap);
u16 pci_find_dvsec_capability(struct pci_dev *dev, u16 vendor, u16 dvsec);
/* Managed: the command register is restored and vectors freed on unbind. */
int pcim_enable_device(struct pci_dev *pdev);
void __iomem *pcim_iomap_region(struct pci_dev *pdev, int bar,
				const char *name);
void pci_set_master(struct pci_dev *dev);
void pci_clear_master(struct pci_dev *dev);
bool pci_ats_supported(struct pci_dev *dev);
bool pci_pri_supported(struct pci_dev *pdev);
#define PCI_IRQ_INTX	(1u << 0)
#define PCI_IRQ_MSI	(1u << 1)
#define PCI_IRQ_MSIX	(1u << 2)
int pci_alloc_irq_vectors(struct pci_dev *dev, unsigned int min_vecs,
			  unsigned int max_vecs, unsigned int flags);
void pci_free_irq_vectors(struct pci_dev *dev);
int pci_irq_vector(struct pci_dev *dev, unsigned int nr);

/*
 * MMIO: an __iomem pointer is an address in a reserved, inaccessible
 * range per mapping (a stray dereference faults); these route it to the
 * device model.  Unknown addresses are a WARN (reads return ~0).
 */
u8 readb(const volatile void __iomem *addr);
u32 readl(const volatile void __iomem *addr);
u64 readq(const volatile void __iomem *addr);
void writeb(u8 val, volatile void __iomem *addr);
void writel(u32 val, volatile void __iomem *addr);
void writeq(u64 val, volatile void __iomem *addr);
/* MOVDIR64B: one 64-byte direct store (the portal's submission). */
void iosubmit_cmds512(void __iomem *dst, const void *src, size_t count);
/* <asm/barrier.h>: earlier stores before a later (MMIO) store. */
#define wmb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define ioread32	readl
#define iowrite32	writel

typedef int irqreturn_t;
#define IRQ_NONE	0
#define IRQ_HANDLED	1
#define IRQ_WAKE_THREAD	2
typedef irqreturn_t (*irq_handler_t)(int irq, void *dev_id);
#define IRQF_SHARED	0x80ul
/* Handlers run in the sim event that delivers the interrupt message. */
int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags,
		const char *name, void *dev);
const void *free_irq(unsigned int irq, void *dev_id);

#define DMA_BIT_MASK(n)	(((n) == 64) ? ~0ULL : ((1ULL << (n)) - 1))
enum dma_data_direction {
	DMA_BIDIRECTIONAL = 0,
	DMA_TO_DEVICE = 1,
	DMA_FROM_DEVICE = 2,
	DMA_NONE = 3,
};
#define DMA_MAPPING_ERROR	(~(dma_addr_t)0)
int dma_set_mask_and_coherent(struct device *dev, u64 mask);
/*
 * The PF's own DMA domain: L1 runs its PF's RID in identity (passthrough),
 * so a DMA address is the L1 physical address.
 */
struct page;
dma_addr_t dma_map_page(struct device *dev, struct page *page, size_t offset,
			size_t size, enum dma_data_direction dir);
void dma_unmap_page(struct device *dev, dma_addr_t addr, size_t size,
		    enum dma_data_direction dir);
static inline int dma_mapping_error(struct device *dev, dma_addr_t addr)
{
	return addr == DMA_MAPPING_ERROR ? -ENOMEM : 0;
}
/* Zeroed, page-aligned L1 memory; the CPU pointer is its direct map. */
void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *handle,
			 gfp_t gfp);
void dma_free_coherent(struct device *dev, size_t size, void *cpu_addr,
		       dma_addr_t handle);

/* ------------------------------------------------------------------ */
/* mm                                                                 */
/* ------------------------------------------------------------------ */
/* One per L1 RAM page (FLATMEM mem_map); the driver never looks inside. */
struct page {
	unsigned long lk_pfn;
	int lk_pins;		/* vfio_pin_pages references */
};
phys_addr_t page_to_phys(const struct page *page);
unsigned long page_to_pfn(const struct page *page);
struct page *pfn_to_page(unsigned long pfn);
/* The page's direct map (the backing of the L1 page in the sim). */
void *kmap_local_page(struct page *page);
void kunmap_local(const void *addr);
#define page_address	kmap_local_page

typedef struct { unsigned long pgprot; } pgprot_t;
static inline pgprot_t pgprot_noncached(pgprot_t p)
{
	p.pgprot |= 0x18;	/* _PAGE_PCD | _PAGE_PWT */
	return p;
}
typedef unsigned long vm_flags_t;
#define VM_READ		0x00000001ul
#define VM_WRITE	0x00000002ul
#define VM_SHARED	0x00000008ul
#define VM_IO		0x00004000ul
#define VM_DONTEXPAND	0x00040000ul
#define VM_DONTDUMP	0x04000000ul
#define VM_PFNMAP	0x00000400ul
struct vm_area_struct {
	unsigned long vm_start, vm_end;
	unsigned long vm_pgoff;
	vm_flags_t vm_flags;
	pgprot_t vm_page_prot;
	unsigned long lk_pfn;	/* io_remap_pfn_range's first pfn */
	bool lk_mapped;
};
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t f)
{
	vma->vm_flags |= f;
}
int io_remap_pfn_range(struct vm_area_struct *vma, unsigned long addr,
		       unsigned long pfn, unsigned long size, pgprot_t prot);

/* ------------------------------------------------------------------ */
/* IOMMU (on the L1 intel-iommu model, guest/sim/intel_iommu.h)       */
/* ------------------------------------------------------------------ */
#define IOMMU_READ	(1 << 0)
#define IOMMU_WRITE	(1 << 1)
#define IOMMU_NO_PASID	(0U)
#define IOMMU_PASID_INVALID	(-1U)
#define IOMMU_DOMAIN_UNMANAGED	0x2u
enum iommu_dev_features {
	IOMMU_DEV_FEAT_SVA,
	IOMMU_DEV_FEAT_IOPF,
};
struct iopf_group;
struct gvtd_domain;
struct gvtd_attach_handle;
struct iommu_domain {
	unsigned int type;
	int (*iopf_handler)(struct iopf_group *group);
	void *fault_data;
	struct gvtd_domain *lk_gd;
};
struct iommu_attach_handle {
	struct iommu_domain *domain;
	struct gvtd_attach_handle *lk_gh;
};
enum iommu_fault_type {
	IOMMU_FAULT_PAGE_REQ = 1,
};
#define IOMMU_FAULT_PERM_READ	(1 << 0)
#define IOMMU_FAULT_PERM_WRITE	(1 << 1)
#define IOMMU_FAULT_PERM_EXEC	(1 << 2)
#define IOMMU_FAULT_PERM_PRIV	(1 << 3)
#define IOMMU_FAULT_PAGE_REQUEST_PASID_VALID	(1 << 0)
#define IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE	(1 << 1)
#define IOMMU_FAULT_PAGE_REQUEST_PRIV_DATA	(1 << 2)
#define IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID	(1 << 3)
struct iommu_fault_page_request {
	u32 flags;
	u32 pasid;
	u32 grpid;
	u32 perm;
	u64 addr;
	u64 private_data[2];
};
struct iommu_fault {
	u32 type;
	struct iommu_fault_page_request prm;
};
enum iommu_page_response_code {
	IOMMU_PAGE_RESP_SUCCESS = 0,
	IOMMU_PAGE_RESP_INVALID,
	IOMMU_PAGE_RESP_FAILURE,
};
struct iopf_fault {
	struct iommu_fault fault;
	struct list_head list;
};
struct gvtd_iopf_group;
struct iopf_group {
	struct iopf_fault last_fault;
	struct list_head faults;
	size_t fault_count;
	struct list_head pending_node;
	struct work_struct work;
	struct iommu_attach_handle *attach_handle;
	struct iommu_fault_param *fault_param;
	struct list_head node;
	u32 cookie;
	struct gvtd_iopf_group *lk_g;	/* the model's group, answered through */
};
int iommu_dev_enable_feature(struct device *dev, enum iommu_dev_features f);
int iommu_dev_disable_feature(struct device *dev, enum iommu_dev_features f);
ioasid_t iommu_alloc_global_pasid(struct device *dev);
void iommu_free_global_pasid(ioasid_t pasid);
struct iommu_domain *iommu_paging_domain_alloc(struct device *dev);
void iommu_domain_free(struct iommu_domain *domain);
int iommu_attach_device_pasid(struct iommu_domain *domain, struct device *dev,
			      ioasid_t pasid,
			      struct iommu_attach_handle *handle);
void iommu_detach_device_pasid(struct iommu_domain *domain,
			       struct device *dev, ioasid_t pasid);
int iommu_map(struct iommu_domain *domain, unsigned long iova,
	      phys_addr_t paddr, size_t size, int prot, gfp_t gfp);
size_t iommu_unmap(struct iommu_domain *domain, unsigned long iova,
		   size_t size);
phys_addr_t iommu_iova_to_phys(struct iommu_domain *domain, dma_addr_t iova);
void iopf_group_response(struct iopf_group *group,
			 enum iommu_page_response_code status);
void iopf_free_group(struct iopf_group *group);

/* ------------------------------------------------------------------ */
/* mdev                                                               */
/* ------------------------------------------------------------------ */
struct mdev_parent;
struct mdev_type {
	const char *sysfs_name;
	const char *pretty_name;
	struct mdev_parent *parent;
	char lk_dir[64];		/* "<driver>-<sysfs_name>" */
};
struct mdev_driver;
struct mdev_parent {
	struct device *dev;
	struct mdev_driver *mdev_driver;
	struct mdev_type **types;
	unsigned int nr_types;
	atomic_t available_instances;
	struct list_head lk_node;
	struct list_head lk_mdevs;
};
struct mdev_device {
	struct device dev;
	guid_t uuid;
	struct mdev_type *type;
	bool active;
	struct list_head lk_node;
};
static inline struct mdev_device *to_mdev_device(struct device *dev)
{
	return container_of(dev, struct mdev_device, dev);
}
struct mdev_driver {
	const char *device_api;
	unsigned int max_instances;
	int (*probe)(struct mdev_device *dev);
	void (*remove)(struct mdev_device *dev);
	unsigned int (*get_available)(struct mdev_type *mtype);
	ssize_t (*show_description)(struct mdev_type *mtype, char *buf);
	struct device_driver driver;
	struct list_head lk_node;
};
int mdev_register_driver(struct mdev_driver *drv);
void mdev_unregister_driver(struct mdev_driver *drv);
int mdev_register_parent(struct mdev_parent *parent, struct device *dev,
			 struct mdev_driver *mdev_driver,
			 struct mdev_type **types, unsigned int nr_types);
/* Removes every mdev of @parent first (driver remove), as Linux. */
void mdev_unregister_parent(struct mdev_parent *parent);

/* ------------------------------------------------------------------ */
/* VFIO (kernel side)                                                 */
/* ------------------------------------------------------------------ */
struct vfio_device;
struct iommufd_ctx;
struct vfio_device_ops {
	char *name;
	int (*init)(struct vfio_device *vdev);
	void (*release)(struct vfio_device *vdev);
	int (*bind_iommufd)(struct vfio_device *vdev, struct iommufd_ctx *ictx,
			    u32 *out_device_id);
	void (*unbind_iommufd)(struct vfio_device *vdev);
	int (*attach_ioas)(struct vfio_device *vdev, u32 *pt_id);
	void (*detach_ioas)(struct vfio_device *vdev);
	int (*open_device)(struct vfio_device *vdev);
	void (*close_device)(struct vfio_device *vdev);
	ssize_t (*read)(struct vfio_device *vdev, char __user *buf,
			size_t count, loff_t *ppos);
	ssize_t (*write)(struct vfio_device *vdev, const char __user *buf,
			 size_t count, loff_t *ppos);
	long (*ioctl)(struct vfio_device *vdev, unsigned int cmd,
		      unsigned long arg);
	int (*mmap)(struct vfio_device *vdev, struct vm_area_struct *vma);
	void (*request)(struct vfio_device *vdev, unsigned int count);
	void (*dma_unmap)(struct vfio_device *vdev, u64 iova, u64 length);
};
struct lk_vfio;
struct vfio_device {
	struct device *dev;
	const struct vfio_device_ops *ops;
	unsigned int open_count;
	struct lk_vfio *lk;		/* registration, container, refcount */
};
struct vfio_device *_vfio_alloc_device(size_t size, struct device *dev,
				       const struct vfio_device_ops *ops);
#define vfio_alloc_device(dev_struct, member, dev, ops)			\
	container_of(_vfio_alloc_device(sizeof(struct dev_struct) +	\
					BUILD_BUG_ON_ZERO(offsetof(	\
						struct dev_struct, member)), \
					dev, ops),			\
		     struct dev_struct, member)
void vfio_put_device(struct vfio_device *device);
int vfio_register_emulated_iommu_dev(struct vfio_device *device);
/* Asks the user to close (ops->request), then waits for the close. */
void vfio_unregister_group_dev(struct vfio_device *device);
/* The container's IOVA -> L1 pages, as type1 (pinned, refcounted). */
int vfio_pin_pages(struct vfio_device *device, dma_addr_t iova, int npage,
		   int prot, struct page **pages);
void vfio_unpin_pages(struct vfio_device *device, dma_addr_t iova, int npage);
int vfio_dma_rw(struct vfio_device *device, dma_addr_t iova, void *data,
		size_t len, bool write);
int vfio_set_irqs_validate_and_prepare(struct vfio_irq_set *hdr, int num_irqs,
				       int max_irq_type, size_t *data_size);
int vfio_iommufd_emulated_bind(struct vfio_device *vdev,
			       struct iommufd_ctx *ictx, u32 *out_device_id);
void vfio_iommufd_emulated_unbind(struct vfio_device *vdev);
int vfio_iommufd_emulated_attach_ioas(struct vfio_device *vdev, u32 *pt_id);
void vfio_iommufd_emulated_detach_ioas(struct vfio_device *vdev);

#endif /* _LK_LINUX_H */
