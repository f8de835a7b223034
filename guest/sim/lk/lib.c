// SPDX-License-Identifier: GPL-2.0
/*
 * lk lib: bitmaps and the xarray.
 *
 * The xarray is a radix tree of 64-slot nodes, as Linux's: a root whose
 * shift grows with the largest index stored (11 levels cover ULONG_MAX),
 * and per node a bitmap of occupied slots, so xa_find skips empty ranges
 * a word at a time and costs O(height) whatever the density.  Nodes come
 * from kmalloc: a failure is an error entry, and the xarray is unchanged.
 */
#include "lk_internal.h"

/* ------------------------------------------------------------------ */
/* bitmaps                                                            */
/* ------------------------------------------------------------------ */
/* First bit at or after @offset that is set in @addr ^ @invert. */
static unsigned long find_next(const unsigned long *addr, unsigned long size,
			       unsigned long offset, unsigned long invert)
{
	unsigned long w;

	if (offset >= size)
		return size;
	w = (addr[BIT_WORD(offset)] ^ invert) & (~0UL << (offset % BITS_PER_LONG));
	offset = ALIGN_DOWN(offset, BITS_PER_LONG);
	while (!w) {
		offset += BITS_PER_LONG;
		if (offset >= size)
			return size;
		w = addr[BIT_WORD(offset)] ^ invert;
	}
	return min(offset + __builtin_ctzl(w), size);
}

unsigned long find_first_zero_bit(const unsigned long *addr,
				  unsigned long size)
{
	return find_next(addr, size, 0, ~0UL);
}

unsigned long find_first_bit(const unsigned long *addr, unsigned long size)
{
	return find_next(addr, size, 0, 0);
}

unsigned long find_next_bit(const unsigned long *addr, unsigned long size,
			    unsigned long offset)
{
	return find_next(addr, size, offset, 0);
}

unsigned int bitmap_weight(const unsigned long *src, unsigned int nbits)
{
	unsigned int w = 0, i;

	for (i = 0; i < nbits / BITS_PER_LONG; i++)
		w += __builtin_popcountl(src[i]);
	if (nbits % BITS_PER_LONG)
		w += __builtin_popcountl(src[i] &
					 (~0UL >> (BITS_PER_LONG - nbits % BITS_PER_LONG)));
	return w;
}

unsigned long *bitmap_zalloc(unsigned int nbits, gfp_t flags)
{
	return kcalloc(BITS_TO_LONGS(nbits), sizeof(unsigned long), flags);
}

void bitmap_free(const unsigned long *bitmap)
{
	kfree(bitmap);
}

/* ------------------------------------------------------------------ */
/* xarray                                                             */
/* ------------------------------------------------------------------ */
#define XA_CHUNK_SHIFT	6
#define XA_CHUNK_SIZE	(1u << XA_CHUNK_SHIFT)
#define XA_CHUNK_MASK	(XA_CHUNK_SIZE - 1)

struct lk_xa_node {
	u64 present;			/* occupied slots */
	unsigned int shift;		/* index bits below this level */
	unsigned int offset;		/* our slot in the parent */
	struct lk_xa_node *parent;
	void *slots[XA_CHUNK_SIZE];	/* entries (shift 0) or children */
};

/* The largest index a node of @shift (as the root) spans. */
static unsigned long xa_span_max(unsigned int shift)
{
	return shift + XA_CHUNK_SHIFT >= BITS_PER_LONG ?
	       ULONG_MAX : (1UL << (shift + XA_CHUNK_SHIFT)) - 1;
}

static unsigned int xa_offset(const struct lk_xa_node *node,
			      unsigned long index)
{
	return (index >> node->shift) & XA_CHUNK_MASK;
}

static struct lk_xa_node *xa_node_alloc(unsigned int shift, gfp_t gfp)
{
	struct lk_xa_node *node = kzalloc(sizeof(*node), gfp);

	if (node)
		node->shift = shift;
	return node;
}

static void xa_node_link(struct lk_xa_node *parent, unsigned int off,
			 struct lk_xa_node *child)
{
	parent->slots[off] = child;
	parent->present |= 1ULL << off;
	child->parent = parent;
	child->offset = off;
}

/*
 * Frees empty nodes from @node up, then lowers the root while it only
 * holds slot 0, so the tree stays as small as its largest index.
 */
static void xa_shrink(struct xarray *xa, struct lk_xa_node *node)
{
	while (node && !node->present) {
		struct lk_xa_node *parent = node->parent;

		if (parent) {
			parent->slots[node->offset] = NULL;
			parent->present &= ~(1ULL << node->offset);
		} else {
			xa->lk_root = NULL;
		}
		kfree(node);
		node = parent;
	}
	while ((node = xa->lk_root) && node->shift && node->present == 1) {
		xa->lk_root = node->slots[0];
		xa->lk_root->parent = NULL;
		kfree(node);
	}
}

/* The leaf that holds @index, or NULL. */
static struct lk_xa_node *xa_leaf(struct xarray *xa, unsigned long index)
{
	struct lk_xa_node *node = xa->lk_root;

	if (!node || index > xa_span_max(node->shift))
		return NULL;
	while (node && node->shift)
		node = node->slots[xa_offset(node, index)];
	return node;
}

void xa_init(struct xarray *xa)
{
	xa->lk_root = NULL;
	xa->lk_count = 0;
}

void *xa_load(struct xarray *xa, unsigned long index)
{
	struct lk_xa_node *leaf = xa_leaf(xa, index);

	return leaf ? leaf->slots[index & XA_CHUNK_MASK] : NULL;
}

void *xa_erase(struct xarray *xa, unsigned long index)
{
	struct lk_xa_node *leaf = xa_leaf(xa, index);
	unsigned int off = index & XA_CHUNK_MASK;
	void *old;

	if (!leaf || !leaf->slots[off])
		return NULL;
	old = leaf->slots[off];
	leaf->slots[off] = NULL;
	leaf->present &= ~(1ULL << off);
	xa->lk_count--;
	xa_shrink(xa, leaf);
	return old;
}

void *xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp)
{
	struct lk_xa_node *node = xa->lk_root, *child;
	unsigned int off;
	void *old;

	if (!entry)
		return xa_erase(xa, index);
	/* Internal entries are the xarray's own (errors, retry markers). */
	if (WARN_ON(((unsigned long)entry & 3) == 2))
		return xa_mk_internal(-EINVAL);
	if (!node) {
		unsigned int shift = 0;

		while (index > xa_span_max(shift))
			shift += XA_CHUNK_SHIFT;
		node = xa_node_alloc(shift, gfp);
		if (!node)
			return xa_mk_internal(-ENOMEM);
		xa->lk_root = node;
	}
	/* Grow upwards until the root spans @index. */
	while (index > xa_span_max(node->shift)) {
		struct lk_xa_node *root = xa_node_alloc(node->shift +
							XA_CHUNK_SHIFT, gfp);

		if (!root) {
			xa_shrink(xa, NULL);
			return xa_mk_internal(-ENOMEM);
		}
		xa_node_link(root, 0, node);
		node = root;
		xa->lk_root = root;
	}
	while (node->shift) {
		off = xa_offset(node, index);
		child = node->slots[off];
		if (!child) {
			child = xa_node_alloc(node->shift - XA_CHUNK_SHIFT, gfp);
			if (!child) {
				xa_shrink(xa, node);
				return xa_mk_internal(-ENOMEM);
			}
			xa_node_link(node, off, child);
		}
		node = child;
	}
	off = index & XA_CHUNK_MASK;
	old = node->slots[off];
	if (!old)
		xa->lk_count++;
	node->slots[off] = entry;
	node->present |= 1ULL << off;
	return old;
}

bool xa_empty(const struct xarray *xa)
{
	return !xa->lk_count;
}

static void xa_free_node(struct lk_xa_node *node)
{
	if (node->shift)
		for (u64 p = node->present; p; p &= p - 1)
			xa_free_node(node->slots[__builtin_ctzll(p)]);
	kfree(node);
}

void xa_destroy(struct xarray *xa)
{
	if (xa->lk_root)
		xa_free_node(xa->lk_root);
	xa_init(xa);
}

/*
 * First entry in [@start, @max] below @node (@start lies in its span).
 * Only the first occupied slot can come back empty-handed (its entries
 * may all lie before @start); every later one starts at its own base, so
 * its first entry is the answer or already beyond @max.
 */
static void *xa_node_find(const struct lk_xa_node *node, unsigned long start,
			  unsigned long max, unsigned long *found)
{
	unsigned int shift = node->shift, first = xa_offset(node, start);
	unsigned long base = start & ~xa_span_max(shift);
	u64 bits = node->present & (~0ULL << first);

	for (; bits; bits &= bits - 1) {
		unsigned int s = __builtin_ctzll(bits);
		unsigned long from = s == first ?
				     start : base + ((unsigned long)s << shift);
		void *entry;

		if (from > max)
			return NULL;
		if (!shift) {
			*found = from;
			return node->slots[s];
		}
		entry = xa_node_find(node->slots[s], from, max, found);
		if (entry)
			return entry;
	}
	return NULL;
}

static void *xa_find_from(struct xarray *xa, unsigned long start,
			  unsigned long *indexp, unsigned long max)
{
	struct lk_xa_node *root = xa->lk_root;
	unsigned long found;
	void *entry;

	if (!root || start > max || start > xa_span_max(root->shift))
		return NULL;
	entry = xa_node_find(root, start, max, &found);
	if (entry)
		*indexp = found;
	return entry;
}

/* Only XA_PRESENT exists here: marks are not part of the subset. */
void *xa_find(struct xarray *xa, unsigned long *indexp, unsigned long max,
	      unsigned int filter)
{
	return xa_find_from(xa, *indexp, indexp, max);
}

void *xa_find_after(struct xarray *xa, unsigned long *indexp,
		    unsigned long max, unsigned int filter)
{
	/* Past ULONG_MAX there is nothing: that ends xa_for_each. */
	if (*indexp == ULONG_MAX)
		return NULL;
	return xa_find_from(xa, *indexp + 1, indexp, max);
}
