// SPDX-License-Identifier: GPL-2.0
/*
 * lk PCI core: enumeration and driver binding, config space, MMIO routing,
 * MSI-X and irqs.
 *
 * A device is a set of callbacks (struct lk_pci_ops) plus its BARs' L1
 * physical addresses.  The kernel reaches it two ways: through __iomem
 * pointers from pcim_iomap_region() (an inaccessible reserved range per
 * mapping, so a stray CPU dereference faults instead of reading junk; the
 * read/write accessors translate the pointer back to BAR + offset), and
 * through L1 physical addresses (lk_iomem_store, for mmap'ed BAR pages).
 *
 * Interrupts: MSI-X vector n of a device is programmed with data
 * cfg.msi_base + n; lk_msi() maps an incoming message back to its irq by
 * that data.  irq numbers are global, LK_IRQ_BASE + slot.
 */
#include <sys/mman.h>

#include "lk_internal.h"

#define LK_IRQ_BASE	24		/* below: legacy and IOAPIC pins */
#define LK_MSI_ADDR	0xfee00000ULL	/* x86 interrupt message window */
#define LK_MSI_MASK	0xfff00000ULL
#define PCI_FIND_CAP_TTL	48	/* drivers/pci/pci.c */
#define LK_IORESOURCE_MEM	0x200
#define PCI_SLOT(devfn)		(((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)		((devfn) & 0x07)

struct lk_pci {
	struct pci_dev pdev;
	struct lk_pci_dev_cfg cfg;
	struct list_head node;
	u8 msix_cap;
	u32 msix_table;		/* PCI_MSIX_TABLE as read at enable */
	u32 nvec;
	int *irq;		/* irq number of vector n */
	bool managed;		/* pcim_enable_device() */
	u16 saved_cmd;
	u8 regions;		/* BARs taken by pcim_iomap_region() */
};

struct lk_iomap {
	u8 *base;
	u64 len;
	struct lk_pci *p;
	int bar;
	struct list_head node;
};

/* One request_irq() on a vector; several only with IRQF_SHARED. */
struct lk_irq_action {
	irq_handler_t handler;
	void *dev_id;
	const char *name;
	unsigned long flags;
	struct lk_irq_action *next;
};

struct lk_irq {
	struct lk_pci *p;	/* NULL: free slot */
	u32 data;
	struct lk_irq_action *action;	/* NULL: not requested */
};

static LIST_HEAD(devices);
static LIST_HEAD(drivers);
static LIST_HEAD(iomaps);
static struct lk_irq *irqs;
static u32 nr_irq_slots;

/* ---- config space --------------------------------------------------- */

static int cfg_read(const struct pci_dev *dev, int where, int size, u32 *val)
{
	const struct lk_pci *p = dev->lk;

	if (where < 0 || where > PCI_CFG_SPACE_EXP_SIZE - size ||
	    where & (size - 1)) {
		*val = ~0u;	/* PCI_SET_ERROR_RESPONSE */
		return PCIBIOS_BAD_REGISTER_NUMBER;
	}
	*val = p->cfg.ops->cfg_read(p->cfg.ctx, (u32)where, (unsigned int)size);
	return PCIBIOS_SUCCESSFUL;
}

static int cfg_write(const struct pci_dev *dev, int where, int size, u32 val)
{
	const struct lk_pci *p = dev->lk;

	if (where < 0 || where > PCI_CFG_SPACE_EXP_SIZE - size ||
	    where & (size - 1))
		return PCIBIOS_BAD_REGISTER_NUMBER;
	p->cfg.ops->cfg_write(p->cfg.ctx, (u32)where, (unsigned int)size, val);
	return PCIBIOS_SUCCESSFUL;
}

/* As Linux's PCI_OP_READ/PCI_OP_WRITE: one accessor per access size. */
#define LK_PCI_CFG_OPS(sfx, type, len)					\
int pci_read_config_##sfx(const struct pci_dev *dev, int where, type *val) \
{									\
	u32 v;								\
	int ret = cfg_read(dev, where, len, &v);			\
									\
	*val = (type)v;							\
	return ret;							\
}									\
int pci_write_config_##sfx(const struct pci_dev *dev, int where, type val) \
{									\
	return cfg_write(dev, where, len, val);				\
}
LK_PCI_CFG_OPS(byte, u8, 1)
LK_PCI_CFG_OPS(word, u16, 2)
LK_PCI_CFG_OPS(dword, u32, 4)

/* pci_find_capability(): the list is the device's, so the walk is bounded. */
static u8 find_cap(struct pci_dev *dev, u8 cap)
{
	int ttl = PCI_FIND_CAP_TTL;
	u16 status, ent;
	u8 pos;

	pci_read_config_word(dev, PCI_STATUS, &status);
	if (!(status & PCI_STATUS_CAP_LIST))
		return 0;
	pci_read_config_byte(dev, PCI_CAPABILITY_LIST, &pos);
	while (ttl--) {
		pos &= ~3;
		if (pos < 0x40)
			break;
		pci_read_config_word(dev, pos, &ent);
		if ((ent & 0xff) == 0xff)
			break;
		if ((ent & 0xff) == cap)
			return pos;
		pos = (u8)(ent >> 8);
	}
	return 0;
}

/* pci_find_next_ext_capability(): one 8-byte header at least per cap. */
static u16 next_ext_cap(struct pci_dev *dev, u16 start, int cap)
{
	int ttl = (PCI_CFG_SPACE_EXP_SIZE - PCI_CFG_SPACE_SIZE) / 8;
	u16 pos = start ? start : PCI_CFG_SPACE_SIZE;
	u32 header;

	if (pci_read_config_dword(dev, pos, &header) || !header)
		return 0;
	while (ttl-- > 0) {
		if (PCI_EXT_CAP_ID(header) == cap && pos != start)
			return pos;
		pos = PCI_EXT_CAP_NEXT(header);
		if (pos < PCI_CFG_SPACE_SIZE ||
		    pci_read_config_dword(dev, pos, &header))
			break;
	}
	return 0;
}

u16 pci_find_ext_capability(struct pci_dev *dev, int cap)
{
	return next_ext_cap(dev, 0, cap);
}

/*
 * As Linux, plus a bound on the outer loop: two DVSECs pointing at each
 * other would otherwise keep it going for ever.
 */
u16 pci_find_dvsec_capability(struct pci_dev *dev, u16 vendor, u16 dvsec)
{
	int ttl = (PCI_CFG_SPACE_EXP_SIZE - PCI_CFG_SPACE_SIZE) / 8;
	u16 pos = next_ext_cap(dev, 0, PCI_EXT_CAP_ID_DVSEC);

	while (pos && ttl-- > 0) {
		u16 v, id;

		pci_read_config_word(dev, pos + PCI_DVSEC_HEADER1, &v);
		pci_read_config_word(dev, pos + PCI_DVSEC_HEADER2, &id);
		if (v == vendor && id == dvsec)
			return pos;
		pos = next_ext_cap(dev, pos, PCI_EXT_CAP_ID_DVSEC);
	}
	return 0;
}

bool pci_ats_supported(struct pci_dev *dev)
{
	return dev->ats_cap;
}

bool pci_pri_supported(struct pci_dev *pdev)
{
	return pdev->pri_cap;
}

static void cmd_update(struct pci_dev *dev, u16 clear, u16 set)
{
	u16 cmd;

	pci_read_config_word(dev, PCI_COMMAND, &cmd);
	pci_write_config_word(dev, PCI_COMMAND, (cmd & ~clear) | set);
}

void pci_set_master(struct pci_dev *dev)
{
	cmd_update(dev, 0, PCI_COMMAND_MASTER);
}

void pci_clear_master(struct pci_dev *dev)
{
	cmd_update(dev, PCI_COMMAND_MASTER, 0);
}

/* pcim_release(): vectors freed, bus master off, memory space as found. */
static void pcim_release(void *data)
{
	struct lk_pci *p = data;

	pci_free_irq_vectors(&p->pdev);
	cmd_update(&p->pdev, PCI_COMMAND_MASTER |
		   (p->saved_cmd & PCI_COMMAND_MEMORY ? 0 : PCI_COMMAND_MEMORY),
		   0);
	p->managed = false;
}

int pcim_enable_device(struct pci_dev *pdev)
{
	struct lk_pci *p = pdev->lk;

	if (p->managed)
		return 0;
	pci_read_config_word(pdev, PCI_COMMAND, &p->saved_cmd);
	cmd_update(pdev, 0, PCI_COMMAND_MEMORY);
	p->managed = true;
	return devm_add_action_or_reset(&pdev->dev, pcim_release, p);
}

/* ---- MMIO ----------------------------------------------------------- */

static void iomap_release(void *data)
{
	struct lk_iomap *m = data;

	list_del(&m->node);
	m->p->regions &= ~(1u << m->bar);
	munmap(m->base, m->len);
	free(m);
}

void __iomem *pcim_iomap_region(struct pci_dev *pdev, int bar,
				const char *name)
{
	struct lk_pci *p = pdev->lk;
	struct lk_iomap *m;
	int ret;

	if (bar < 0 || bar >= PCI_STD_NUM_BARS || !p->cfg.bar_len[bar])
		return ERR_PTR(-EINVAL);
	if (p->regions & (1u << bar))
		return ERR_PTR(-EBUSY);	/* __pcim_request_region() */
	m = calloc(1, sizeof(*m));
	if (!m)
		return ERR_PTR(-ENOMEM);
	m->len = ALIGN(p->cfg.bar_len[bar], (u64)PAGE_SIZE);
	m->base = mmap(NULL, m->len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->base == MAP_FAILED) {
		free(m);
		return ERR_PTR(-ENOMEM);
	}
	m->p = p;
	m->bar = bar;
	list_add_tail(&m->node, &iomaps);
	p->regions |= 1u << bar;
	ret = devm_add_action_or_reset(&pdev->dev, iomap_release, m);
	return ret ? ERR_PTR(ret) : m->base;
}

static struct lk_iomap *iomap_find(const volatile void *addr,
				   unsigned int size, u64 *off)
{
	const u8 *a = (const u8 *)addr;
	struct lk_iomap *m;

	list_for_each_entry(m, &iomaps, node)
		if (a >= m->base && a < m->base + m->len &&
		    size <= m->len - (u64)(a - m->base)) {
			*off = (u64)(a - m->base);
			return m;
		}
	return NULL;
}

static u64 mmio_read(const volatile void *addr, unsigned int size)
{
	u64 off = 0;
	struct lk_iomap *m = iomap_find(addr, size, &off);
	bool unknown_iomem_address = !m;

	if (WARN_ON(unknown_iomem_address)) {
		lk_st.mmio_bad++;
		return ~0ULL >> (64 - 8 * size);
	}
	lk_st.mmio_reads++;
	return m->p->cfg.ops->mmio_read(m->p->cfg.ctx, (unsigned int)m->bar,
					off, size);
}

static void mmio_write(volatile void *addr, unsigned int size, u64 val)
{
	u64 off = 0;
	struct lk_iomap *m = iomap_find(addr, size, &off);
	bool unknown_iomem_address = !m;

	if (WARN_ON(unknown_iomem_address)) {
		lk_st.mmio_bad++;
		return;
	}
	lk_st.mmio_writes++;
	m->p->cfg.ops->mmio_write(m->p->cfg.ctx, (unsigned int)m->bar, off,
				  size, val);
}

#define LK_MMIO_OPS(r, w, type)						\
type r(const volatile void __iomem *addr)				\
{									\
	return (type)mmio_read(addr, sizeof(type));			\
}									\
void w(type val, volatile void __iomem *addr)				\
{									\
	mmio_write(addr, sizeof(type), val);				\
}
LK_MMIO_OPS(readb, writeb, u8)
LK_MMIO_OPS(readl, writel, u32)
LK_MMIO_OPS(readq, writeq, u64)

/* One MOVDIR64B: the submitter learns nothing, the refusal is counted. */
static int portal_store(struct lk_pci *p, int bar, u64 off, const void *src)
{
	int ret = -EOPNOTSUPP;

	lk_st.portal_writes++;
	if (p->cfg.ops->portal_write)
		ret = p->cfg.ops->portal_write(p->cfg.ctx, (unsigned int)bar,
					       off, src, 64);
	if (ret)
		lk_st.portal_refused++;
	return ret;
}

/* MOVDIR64B needs a 64-byte aligned destination (#GP otherwise). */
void iosubmit_cmds512(void __iomem *dst, const void *src, size_t count)
{
	u64 off = 0;
	struct lk_iomap *m = iomap_find(dst, 64, &off);
	bool bad_portal_address = !m || off & 63;

	if (WARN_ON(bad_portal_address)) {
		lk_st.mmio_bad++;
		return;
	}
	for (size_t i = 0; i < count; i++)
		portal_store(m->p, m->bar, off, (const u8 *)src + 64 * i);
}

/* The device and BAR decoding [pa, pa + len). */
static struct lk_pci *bar_find(phys_addr_t pa, u64 len, int *bar, u64 *off)
{
	struct lk_pci *p;

	list_for_each_entry(p, &devices, node)
		for (int i = 0; i < PCI_STD_NUM_BARS; i++) {
			u64 base = p->cfg.bar_addr[i], blen = p->cfg.bar_len[i];

			if (blen && pa >= base && pa - base < blen &&
			    len <= blen - (pa - base)) {
				*bar = i;
				*off = pa - base;
				return p;
			}
		}
	return NULL;
}

bool lk_phys_is_iomem(phys_addr_t pa)
{
	int bar;
	u64 off;

	return bar_find(pa, 1, &bar, &off);
}

int lk_iomem_store(phys_addr_t pa, const void *data, unsigned int len)
{
	int bar;
	u64 off;
	struct lk_pci *p = bar_find(pa, len, &bar, &off);

	if (!p)
		return -EFAULT;
	if (len == 64)
		return pa & 63 ? -EINVAL : portal_store(p, bar, off, data);
	if (len != 4 && len != 8)
		return -EINVAL;
	lk_st.mmio_writes++;
	p->cfg.ops->mmio_write(p->cfg.ctx, (unsigned int)bar, off, len,
			       len == 4 ? get_unaligned_le32(data) :
					  get_unaligned_le64(data));
	return 0;
}

/* ---- MSI-X and irqs --------------------------------------------------- */

static struct lk_irq *irq_desc(unsigned int irq)
{
	if (irq < LK_IRQ_BASE || irq - LK_IRQ_BASE >= nr_irq_slots ||
	    !irqs[irq - LK_IRQ_BASE].p)
		return NULL;
	return &irqs[irq - LK_IRQ_BASE];
}

static int irq_slot_alloc(struct lk_pci *p, u32 data)
{
	u32 i;

	for (i = 0; i < nr_irq_slots && irqs[i].p; i++)
		;
	if (i == nr_irq_slots) {
		u32 n = nr_irq_slots ? 2 * nr_irq_slots : 64;
		struct lk_irq *t = realloc(irqs, n * sizeof(*t));

		if (!t)
			return -ENOMEM;
		memset(t + nr_irq_slots, 0, (n - nr_irq_slots) * sizeof(*t));
		irqs = t;
		nr_irq_slots = n;
	}
	irqs[i] = (struct lk_irq){ .p = p, .data = data };
	return (int)(LK_IRQ_BASE + i);
}

static void msix_entry_write(struct lk_pci *p, u32 n, u32 reg, u32 val)
{
	lk_st.mmio_writes++;
	p->cfg.ops->mmio_write(p->cfg.ctx, p->msix_table & PCI_MSIX_TABLE_BIR,
			       (p->msix_table & PCI_MSIX_TABLE_OFFSET) +
			       (u64)n * PCI_MSIX_ENTRY_SIZE + reg, 4, val);
}

/*
 * MSI-X only (the S-IOV PF has neither MSI nor INTx): every vector's table
 * entry is programmed and unmasked under the function mask, then MSI-X is
 * enabled with the mask lifted.
 */
int pci_alloc_irq_vectors(struct pci_dev *dev, unsigned int min_vecs,
			  unsigned int max_vecs, unsigned int flags)
{
	struct lk_pci *p = dev->lk;
	u32 table, nvec, bir;
	u16 ctrl;

	if (max_vecs < min_vecs)
		return -ERANGE;
	if (WARN_ON(dev->msix_enabled))
		return -EINVAL;
	if (!(flags & PCI_IRQ_MSIX) || !p->msix_cap || !min_vecs)
		return -ENOSPC;
	pci_read_config_word(dev, p->msix_cap + PCI_MSIX_FLAGS, &ctrl);
	pci_read_config_dword(dev, p->msix_cap + PCI_MSIX_TABLE, &table);
	nvec = (ctrl & PCI_MSIX_FLAGS_QSIZE) + 1u;
	if (nvec < min_vecs)
		return -ENOSPC;
	nvec = min_t(u32, nvec, max_vecs);
	/* A table outside its BAR is the device's bug: no MSI-X. */
	bir = table & PCI_MSIX_TABLE_BIR;
	if (bir >= PCI_STD_NUM_BARS || (table & PCI_MSIX_TABLE_OFFSET) +
	    (u64)nvec * PCI_MSIX_ENTRY_SIZE > p->cfg.bar_len[bir])
		return -EINVAL;
	p->irq = calloc(nvec, sizeof(*p->irq));
	if (!p->irq)
		return -ENOMEM;
	p->msix_table = table;
	for (p->nvec = 0; p->nvec < nvec; p->nvec++) {
		int irq = irq_slot_alloc(p, p->cfg.msi_base + p->nvec);

		if (irq < 0) {
			pci_free_irq_vectors(dev);
			return irq;
		}
		p->irq[p->nvec] = irq;
	}
	pci_write_config_word(dev, p->msix_cap + PCI_MSIX_FLAGS,
			      ctrl | PCI_MSIX_FLAGS_ENABLE |
			      PCI_MSIX_FLAGS_MASKALL);
	for (u32 n = 0; n < nvec; n++) {
		msix_entry_write(p, n, PCI_MSIX_ENTRY_LOWER_ADDR,
				 (u32)LK_MSI_ADDR);
		msix_entry_write(p, n, PCI_MSIX_ENTRY_UPPER_ADDR, 0);
		msix_entry_write(p, n, PCI_MSIX_ENTRY_DATA, p->cfg.msi_base + n);
		msix_entry_write(p, n, PCI_MSIX_ENTRY_VECTOR_CTRL, 0);
	}
	pci_write_config_word(dev, p->msix_cap + PCI_MSIX_FLAGS,
			      (ctrl & ~PCI_MSIX_FLAGS_MASKALL) |
			      PCI_MSIX_FLAGS_ENABLE);
	dev->msix_enabled = true;
	return (int)nvec;
}

/* Vectors with a handler still installed are a driver bug (Linux WARNs). */
void pci_free_irq_vectors(struct pci_dev *dev)
{
	struct lk_pci *p = dev->lk;
	u16 ctrl;

	if (!p->irq)
		return;
	for (u32 n = 0; n < p->nvec; n++) {
		struct lk_irq *d = irq_desc((unsigned int)p->irq[n]);
		bool irq_still_requested = d->action;

		WARN_ON(irq_still_requested);
		while (d->action) {
			struct lk_irq_action *a = d->action;

			d->action = a->next;
			free(a);
			lk_st.irqs_live--;
		}
		*d = (struct lk_irq){ 0 };
		if (dev->msix_enabled)
			msix_entry_write(p, n, PCI_MSIX_ENTRY_VECTOR_CTRL,
					 PCI_MSIX_ENTRY_CTRL_MASKBIT);
	}
	if (dev->msix_enabled) {
		pci_read_config_word(dev, p->msix_cap + PCI_MSIX_FLAGS, &ctrl);
		pci_write_config_word(dev, p->msix_cap + PCI_MSIX_FLAGS,
				      ctrl & ~PCI_MSIX_FLAGS_ENABLE);
	}
	free(p->irq);
	p->irq = NULL;
	p->nvec = 0;
	dev->msix_enabled = false;
}

int pci_irq_vector(struct pci_dev *dev, unsigned int nr)
{
	struct lk_pci *p = dev->lk;

	return nr < p->nvec ? p->irq[nr] : -EINVAL;
}

int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags,
		const char *name, void *dev)
{
	struct lk_irq *d = irq_desc(irq);
	struct lk_irq_action *a, **tail;

	if (!d || !handler)
		return -EINVAL;
	/* __setup_irq(): sharing needs IRQF_SHARED on every action, and a dev_id. */
	if (d->action && (!(flags & IRQF_SHARED) ||
			  !(d->action->flags & IRQF_SHARED)))
		return -EBUSY;
	if ((flags & IRQF_SHARED) && !dev)
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	*a = (struct lk_irq_action){ handler, dev, name, flags, NULL };
	for (tail = &d->action; *tail; tail = &(*tail)->next)
		;
	*tail = a;
	lk_st.irqs_live++;
	return 0;
}

const void *free_irq(unsigned int irq, void *dev_id)
{
	struct lk_irq *d = irq_desc(irq);
	struct lk_irq_action **pp = d ? &d->action : NULL, *a;
	const char *name;

	while (pp && *pp && (*pp)->dev_id != dev_id)
		pp = &(*pp)->next;
	if (WARN_ON(!pp || !*pp))	/* free of an unrequested irq */
		return NULL;
	a = *pp;
	*pp = a->next;
	name = a->name;
	free(a);
	lk_st.irqs_live--;
	return name;
}

/* No handler, or one that says IRQ_NONE: spurious (note_interrupt). */
void lk_msi(u64 addr, u32 data)
{
	u32 i = lk_up && (addr & LK_MSI_MASK) == LK_MSI_ADDR ? 0 : nr_irq_slots;

	irqreturn_t ret = IRQ_NONE;

	while (i < nr_irq_slots && (!irqs[i].p || irqs[i].data != data))
		i++;
	/* Every action of a shared vector runs (__handle_irq_event_percpu). */
	for (struct lk_irq_action *a = i < nr_irq_slots ? irqs[i].action : NULL,
	     *next; a; a = next) {
		next = a->next;
		ret |= a->handler((int)(LK_IRQ_BASE + i), a->dev_id);
	}
	if (ret != IRQ_NONE)
		lk_st.irqs_delivered++;
	else
		lk_st.irqs_spurious++;
}

/* ---- driver binding --------------------------------------------------- */

static bool id_field(u32 want, u32 have)
{
	return want == PCI_ANY_ID || want == have;
}

/* pci_match_id(): the table ends with an all-zero entry. */
static const struct pci_device_id *match_id(const struct pci_device_id *id,
					    const struct pci_dev *d)
{
	for (; id && (id->vendor || id->subvendor || id->class_mask); id++)
		if (id_field(id->vendor, d->vendor) &&
		    id_field(id->device, d->device) &&
		    id_field(id->subvendor, d->subsystem_vendor) &&
		    id_field(id->subdevice, d->subsystem_device) &&
		    !((id->class ^ d->class) & id->class_mask))
			return id;
	return NULL;
}

/* device_unbind_cleanup(): devres newest first, then the driver is gone. */
static void unbind_cleanup(struct lk_pci *p)
{
	bool vectors_not_managed;

	lk_devres_release_all(&p->pdev.dev);
	vectors_not_managed = p->nvec;
	if (WARN_ON(vectors_not_managed))
		pci_free_irq_vectors(&p->pdev);
	p->pdev.driver = NULL;
	p->pdev.dev.driver = NULL;
	dev_set_drvdata(&p->pdev.dev, NULL);
}

/* -ENODEV: @drv does not match. */
static int probe(struct lk_pci *p, struct pci_driver *drv)
{
	const struct pci_device_id *id = match_id(drv->id_table, &p->pdev);
	int ret;

	if (!id)
		return -ENODEV;
	p->pdev.driver = drv;
	p->pdev.dev.driver = &drv->driver;
	ret = drv->probe(&p->pdev, id);
	if (ret) {
		if (ret != -ENODEV && ret != -ENXIO)
			dev_err(&p->pdev.dev,
				"probe with driver %s failed with error %d\n",
				drv->name, ret);
		unbind_cleanup(p);
	}
	return ret;
}

static void unbind(struct lk_pci *p)
{
	if (!p->pdev.driver)
		return;
	if (p->pdev.driver->remove)
		p->pdev.driver->remove(&p->pdev);
	unbind_cleanup(p);
}

int pci_register_driver(struct pci_driver *drv)
{
	struct pci_driver *d;
	struct lk_pci *p;

	if (WARN_ON(!drv || !drv->probe))
		return -EINVAL;
	list_for_each_entry(d, &drivers, lk_node)
		if (d == drv)
			return -EBUSY;
	drv->driver.name = drv->name;
	list_add_tail(&drv->lk_node, &drivers);
	list_for_each_entry(p, &devices, node)
		if (!p->pdev.driver)
			probe(p, drv);
	return 0;
}

void pci_unregister_driver(struct pci_driver *drv)
{
	struct pci_driver *d;
	struct lk_pci *p;

	list_for_each_entry(d, &drivers, lk_node)
		if (d == drv)
			break;
	if (WARN_ON(&d->lk_node == &drivers))
		return;
	list_for_each_entry(p, &devices, node)
		if (p->pdev.driver == drv)
			unbind(p);
	list_del(&drv->lk_node);
}

/* ---- the machine side ------------------------------------------------- */

struct pci_dev *lk_pci_add(const struct lk_pci_dev_cfg *cfg)
{
	const struct lk_pci_ops *ops = cfg ? cfg->ops : NULL;
	struct pci_driver *drv;
	struct pci_dev *pdev;
	struct lk_pci *p;
	u32 v;

	if (WARN_ON(!ops || !ops->cfg_read || !ops->cfg_write ||
		    !ops->mmio_read || !ops->mmio_write))
		return NULL;
	list_for_each_entry(p, &devices, node)
		if (WARN_ON(p->cfg.bus == cfg->bus && p->cfg.devfn == cfg->devfn))
			return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->cfg = *cfg;
	pdev = &p->pdev;
	pdev->lk = p;
	lk_device_init(&pdev->dev, NULL, pdev);
	dev_set_name(&pdev->dev, "0000:%02x:%02x.%d", cfg->bus,
		     PCI_SLOT(cfg->devfn), PCI_FUNC(cfg->devfn));
	pdev->bus_nr = cfg->bus;
	pdev->devfn = cfg->devfn;
	pci_read_config_word(pdev, PCI_VENDOR_ID, &pdev->vendor);
	pci_read_config_word(pdev, PCI_DEVICE_ID, &pdev->device);
	pci_read_config_dword(pdev, PCI_CLASS_REVISION, &v);
	pdev->revision = (u8)v;
	pdev->class = v >> 8;
	pci_read_config_word(pdev, PCI_SUBSYSTEM_VENDOR_ID,
			     &pdev->subsystem_vendor);
	pci_read_config_word(pdev, PCI_SUBSYSTEM_ID, &pdev->subsystem_device);
	for (int i = 0; i < PCI_STD_NUM_BARS; i++) {
		if (!cfg->bar_len[i])
			continue;
		pdev->resource[i].start = cfg->bar_addr[i];
		pdev->resource[i].end = cfg->bar_addr[i] + cfg->bar_len[i] - 1;
		pdev->resource[i].flags = LK_IORESOURCE_MEM;
		pdev->resource[i].name = dev_name(&pdev->dev);
	}
	pdev->ats_cap = pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_ATS);
	pdev->pri_cap = pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_PRI);
	pdev->pasid_cap = pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_PASID);
	p->msix_cap = find_cap(pdev, PCI_CAP_ID_MSIX);
	if (cfg->iommu_dev && lk_iommu_probe_device(&pdev->dev, cfg->iommu_dev)) {
		free(p);
		return NULL;
	}
	list_add_tail(&p->node, &devices);
	list_for_each_entry(drv, &drivers, lk_node)
		if (!probe(p, drv))
			break;
	return pdev;
}

void lk_pci_remove(struct pci_dev *pdev)
{
	struct lk_pci *p;
	struct lk_iomap *m, *n;

	if (!pdev)
		return;
	p = pdev->lk;
	unbind(p);
	lk_iommu_release_device(&pdev->dev);
	list_for_each_entry_safe(m, n, &iomaps, node)
		if (m->p == p)
			iomap_release(m);
	list_del(&p->node);
	free(p);
}

const char *lk_pci_name(const struct pci_dev *pdev)
{
	return dev_name(&pdev->dev);
}

bool lk_pci_bound(const struct pci_dev *pdev)
{
	return pdev->driver;
}

int lk_pci_init(void)
{
	INIT_LIST_HEAD(&devices);
	INIT_LIST_HEAD(&drivers);
	INIT_LIST_HEAD(&iomaps);
	irqs = NULL;
	nr_irq_slots = 0;
	return 0;
}

/* Devices go with the kernel; a driver still bound is a leak. */
void lk_pci_fini(void)
{
	while (!list_empty(&devices)) {
		struct lk_pci *p = list_first_entry(&devices, struct lk_pci,
						    node);

		if (p->pdev.driver)
			lk_st.leaks++;
		lk_pci_remove(&p->pdev);
	}
	INIT_LIST_HEAD(&drivers);
	free(irqs);
	irqs = NULL;
	nr_irq_slots = 0;
}
