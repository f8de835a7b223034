// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the pure logic of nmdev's isolation modes: the "mode"
 * parameter and its selection, and software mediation's descriptor
 * decoding (the status the device would give, which fields are buffers,
 * splitting a buffer into DMA-contiguous chunks, FILL's pattern).  No
 * device, VFIO or IOMMU state: the functions of guest/nmdev_sw.c and
 * nmdev_main.c are called directly.
 */
#include <kunit/test.h>

#include "nmdev.h"

/* ---- mode parameter ---- */

static void nmdev_mode_parse_values(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, nmdev_mode_parse("auto"), NMDEV_MODE_REQ_AUTO);
	KUNIT_EXPECT_EQ(test, nmdev_mode_parse("pasid"), NMDEV_MODE_REQ_PASID);
	KUNIT_EXPECT_EQ(test, nmdev_mode_parse("sw"), NMDEV_MODE_REQ_SW);
	/* never set to NULL by the kernel, but defined: the default */
	KUNIT_EXPECT_EQ(test, nmdev_mode_parse(NULL), NMDEV_MODE_REQ_AUTO);
	/* anything else fails the probe */
	KUNIT_EXPECT_EQ(test, nmdev_mode_parse(""), -EINVAL);
	KUNIT_EXPECT_EQ(test, nmdev_mode_parse("SW"), -EINVAL);
	KUNIT_EXPECT_EQ(test, nmdev_mode_parse("sw\n"), -EINVAL);
	KUNIT_EXPECT_EQ(test, nmdev_mode_parse("pasid2"), -EINVAL);
	KUNIT_EXPECT_EQ(test, nmdev_mode_parse("none"), -EINVAL);
}

static void nmdev_mode_select_table(struct kunit *test)
{
	/* auto: PASID mode needs more than PASID 0 */
	KUNIT_EXPECT_EQ(test, nmdev_mode_select(NMDEV_MODE_REQ_AUTO, 0),
			NMDEV_MODE_SW);
	KUNIT_EXPECT_EQ(test, nmdev_mode_select(NMDEV_MODE_REQ_AUTO, 1),
			NMDEV_MODE_SW);
	KUNIT_EXPECT_EQ(test, nmdev_mode_select(NMDEV_MODE_REQ_AUTO, 2),
			NMDEV_MODE_PASID);
	KUNIT_EXPECT_EQ(test, nmdev_mode_select(NMDEV_MODE_REQ_AUTO, 1 << 20),
			NMDEV_MODE_PASID);
	/* pasid without PASIDs: no mode (no mdevs), never sw unasked */
	KUNIT_EXPECT_EQ(test, nmdev_mode_select(NMDEV_MODE_REQ_PASID, 0),
			NMDEV_MODE_NONE);
	KUNIT_EXPECT_EQ(test, nmdev_mode_select(NMDEV_MODE_REQ_PASID, 1),
			NMDEV_MODE_NONE);
	KUNIT_EXPECT_EQ(test, nmdev_mode_select(NMDEV_MODE_REQ_PASID, 256),
			NMDEV_MODE_PASID);
	/* sw whatever the IOMMU offers */
	KUNIT_EXPECT_EQ(test, nmdev_mode_select(NMDEV_MODE_REQ_SW, 0),
			NMDEV_MODE_SW);
	KUNIT_EXPECT_EQ(test, nmdev_mode_select(NMDEV_MODE_REQ_SW, 1 << 20),
			NMDEV_MODE_SW);

	KUNIT_EXPECT_STREQ(test, nmdev_mode_name(NMDEV_MODE_SW), "sw");
	KUNIT_EXPECT_STREQ(test, nmdev_mode_name(NMDEV_MODE_PASID), "pasid");
	KUNIT_EXPECT_STREQ(test, nmdev_mode_name(NMDEV_MODE_NONE), "none");
}

static void nmdev_mode_max_xfer(struct kunit *test)
{
	struct nmdev_pf pf = { };

	/* capped at 2 MiB (2^21) in sw mode, smaller values kept */
	pf.gencap = FIELD_PREP(SIOV_GENCAP_MAX_XFER_LG2, 31);
	KUNIT_EXPECT_EQ(test, nmdev_sw_max_xfer_lg2(&pf), 21u);
	pf.gencap = FIELD_PREP(SIOV_GENCAP_MAX_XFER_LG2, 21);
	KUNIT_EXPECT_EQ(test, nmdev_sw_max_xfer_lg2(&pf), 21u);
	pf.gencap = FIELD_PREP(SIOV_GENCAP_MAX_XFER_LG2, 16) | SIOV_GENCAP_BOF;
	KUNIT_EXPECT_EQ(test, nmdev_sw_max_xfer_lg2(&pf), 16u);
	/* opcodes nmdev cannot decode are hidden from L2: 0x3b | bit 6 */
	pf.opcap = SIOV_OPCAP_DEFAULT | BIT_ULL(6) | BIT_ULL(63);
	KUNIT_EXPECT_EQ(test, nmdev_sw_opcap(&pf), 0x3bull);
	pf.opcap = BIT_ULL(SIOV_OP_MEMMOVE);
	KUNIT_EXPECT_EQ(test, nmdev_sw_opcap(&pf), 0x8ull);
}

static struct kunit_case nmdev_mode_cases[] = {
	KUNIT_CASE(nmdev_mode_parse_values),
	KUNIT_CASE(nmdev_mode_select_table),
	KUNIT_CASE(nmdev_mode_max_xfer),
	{}
};

static struct kunit_suite nmdev_mode_suite = {
	.name = "nmdev_mode",
	.test_cases = nmdev_mode_cases,
};

/* ---- descriptor check: the status the device would give ---- */

#define KT_CRAV		SIOV_F_CRAV
#define KT_RCR		SIOV_F_RCR
#define KT_MAX_LG2	21		/* 2 MiB */

struct nmdev_kt_desc_case {
	const char *name;
	u8 op;
	u32 flags;
	u64 src, dst;
	u32 size;
	int rsvd_qw;		/* >= 0: that qword gets a reserved bit */
	u64 opcap;		/* 0: SIOV_OPCAP_DEFAULT */
	u8 status;
};

static const struct nmdev_kt_desc_case nmdev_kt_desc_cases[] = {
	{ "memmove ok", SIOV_OP_MEMMOVE, KT_CRAV | KT_RCR | SIOV_F_RCI,
	  0x10000, 0x20000, 4096, -1, 0, SIOV_CS_NONE },
	{ "fill ok, pattern not an address", SIOV_OP_FILL, KT_CRAV,
	  ~0ull, 0x20000, 100, -1, 0, SIOV_CS_NONE },
	{ "compare ok, buffers may overlap", SIOV_OP_COMPARE, 0,
	  0x10000, 0x10010, 64, -1, 0, SIOV_CS_NONE },
	{ "noop ok", SIOV_OP_NOOP, KT_CRAV | KT_RCR, 0, 0, 0, -1, 0,
	  SIOV_CS_NONE },
	{ "drain with fence ok", SIOV_OP_DRAIN, SIOV_F_FENCE, 0, 0, 0, -1, 0,
	  SIOV_CS_NONE },
	/* RCR without CRAV comes first, even before the opcode */
	{ "rcr without crav", 0x7f, KT_RCR, 0, 0, 0, -1, 0,
	  SIOV_CS_INVALID_FLAGS },
	{ "opcode 2 not in opcap", 0x02, 0, 0, 0, 0, -1, 0,
	  SIOV_CS_INVALID_OPCODE },
	{ "opcode 64 and above", 0x40, 0, 0, 0, 0, -1, ~0ull,
	  SIOV_CS_INVALID_OPCODE },
	{ "in opcap, unknown to nmdev", 0x06, 0, 0, 0, 0, -1,
	  SIOV_OPCAP_DEFAULT | BIT_ULL(6), SIOV_CS_INVALID_OPCODE },
	{ "compare not in opcap", SIOV_OP_COMPARE, 0, 0x1000, 0x2000, 8, -1,
	  BIT_ULL(SIOV_OP_MEMMOVE), SIOV_CS_INVALID_OPCODE },
	/* the opcode is checked before the flags and reserved fields */
	{ "bad opcode and reserved", 0x02, SIOV_F_BOF, 0, 0, 0, 5, 0,
	  SIOV_CS_INVALID_OPCODE },
	/* L2's WQ has no BOF_EN in sw mode */
	{ "bof", SIOV_OP_MEMMOVE, SIOV_F_BOF, 0x10000, 0x20000, 8, -1, 0,
	  SIOV_CS_INVALID_FLAGS },
	{ "reserved flag 5", SIOV_OP_NOOP, BIT(5), 0, 0, 0, -1, 0,
	  SIOV_CS_INVALID_FLAGS },
	{ "reserved flag 23", SIOV_OP_NOOP, BIT(23), 0, 0, 0, -1, 0,
	  SIOV_CS_INVALID_FLAGS },
	{ "reserved dword 0", SIOV_OP_NOOP, 0, 0, 0, 0, 0, 0,
	  SIOV_CS_INVALID_RSVD },
	{ "reserved bits 319:288", SIOV_OP_MEMMOVE, 0, 0x10000, 0x20000, 8, 4,
	  0, SIOV_CS_INVALID_RSVD },
	{ "reserved qword 7", SIOV_OP_MEMMOVE, 0, 0x10000, 0x20000, 8, 7, 0,
	  SIOV_CS_INVALID_RSVD },
	{ "noop with an address", SIOV_OP_NOOP, 0, 0, 0x1000, 0, -1, 0,
	  SIOV_CS_INVALID_RSVD },
	{ "drain with a size", SIOV_OP_DRAIN, 0, 0, 0, 8, -1, 0,
	  SIOV_CS_INVALID_SIZE },
	{ "memmove size 0", SIOV_OP_MEMMOVE, 0, 0x10000, 0x20000, 0, -1, 0,
	  SIOV_CS_INVALID_SIZE },
	{ "memmove 2 MiB", SIOV_OP_MEMMOVE, 0, 0x1000000, 0x2000000,
	  1u << 21, -1, 0, SIOV_CS_NONE },
	{ "memmove 2 MiB + 1", SIOV_OP_MEMMOVE, 0, 0x1000000, 0x2000000,
	  (1u << 21) + 1, -1, 0, SIOV_CS_INVALID_SIZE },
	{ "dst wraps", SIOV_OP_FILL, 0, 0, ~0ull - 10, 100, -1, 0,
	  SIOV_CS_INVALID_SIZE },
	{ "dst ends at 2^64", SIOV_OP_FILL, 0, 0, ~0ull - 99, 100, -1, 0,
	  SIOV_CS_INVALID_SIZE },
	{ "src wraps", SIOV_OP_COMPARE, 0, ~0ull - 10, 0x1000, 100, -1, 0,
	  SIOV_CS_INVALID_SIZE },
	{ "memmove overlap", SIOV_OP_MEMMOVE, 0, 0x10000, 0x10fff, 0x1000, -1,
	  0, SIOV_CS_OVERLAP },
	{ "memmove overlap, dst below", SIOV_OP_MEMMOVE, 0, 0x10010, 0x10000,
	  0x20, -1, 0, SIOV_CS_OVERLAP },
	{ "memmove adjacent", SIOV_OP_MEMMOVE, 0, 0x10000, 0x10100, 0x100, -1,
	  0, SIOV_CS_NONE },
};

static void nmdev_kt_desc_case_desc(const struct nmdev_kt_desc_case *c,
				    char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(nmdev_kt_desc, nmdev_kt_desc_cases, nmdev_kt_desc_case_desc);

static void nmdev_sw_desc_check_status(struct kunit *test)
{
	const struct nmdev_kt_desc_case *c = test->param_value;
	struct siov_desc d;

	siov_desc_init(&d, c->op, c->flags);
	siov_desc_set_cr_addr(&d, 0x3000);
	siov_desc_set_src(&d, c->src);
	siov_desc_set_dst(&d, c->dst);
	siov_desc_set_xfer_size(&d, c->size);
	if (c->rsvd_qw == 0)
		d.val[0] |= 1;		/* bits 31:0 */
	else if (c->rsvd_qw == 4)
		d.val[4] |= BIT_ULL(40);
	else if (c->rsvd_qw > 0)
		d.val[c->rsvd_qw] = 1;
	KUNIT_EXPECT_EQ(test,
			nmdev_sw_desc_check(&d, c->opcap ?: SIOV_OPCAP_DEFAULT,
					    KT_MAX_LG2),
			c->status);
}

/* ---- which fields are buffers, and how the device uses them ---- */

static void nmdev_sw_desc_bufs_by_opcode(struct kunit *test)
{
	struct nmdev_sw_buf b[2];
	struct siov_desc d;

	siov_desc_init(&d, SIOV_OP_MEMMOVE, 0);
	siov_desc_set_src(&d, 0x1000);
	siov_desc_set_dst(&d, 0x9000);
	KUNIT_ASSERT_EQ(test, nmdev_sw_desc_bufs(&d, b), 2u);
	/* source first: the device reads it before writing the destination */
	KUNIT_EXPECT_EQ(test, b[0].addr, 0x1000ull);
	KUNIT_EXPECT_EQ(test, b[0].prot, IOMMU_READ);
	KUNIT_EXPECT_FALSE(test, b[0].dst);
	KUNIT_EXPECT_EQ(test, b[1].addr, 0x9000ull);
	KUNIT_EXPECT_EQ(test, b[1].prot, IOMMU_WRITE);
	KUNIT_EXPECT_TRUE(test, b[1].dst);

	/* FILL: src is the pattern, only dst is a buffer */
	siov_desc_init(&d, SIOV_OP_FILL, 0);
	siov_desc_set_pattern(&d, 0xdeadbeefcafef00dull);
	siov_desc_set_dst(&d, 0x5000);
	KUNIT_ASSERT_EQ(test, nmdev_sw_desc_bufs(&d, b), 1u);
	KUNIT_EXPECT_EQ(test, b[0].addr, 0x5000ull);
	KUNIT_EXPECT_EQ(test, b[0].prot, IOMMU_WRITE);
	KUNIT_EXPECT_TRUE(test, b[0].dst);

	/* COMPARE: two buffers, both only read; the second is in dst */
	siov_desc_init(&d, SIOV_OP_COMPARE, 0);
	siov_desc_set_src(&d, 0x2000);
	siov_desc_set_dst(&d, 0x3000);
	KUNIT_ASSERT_EQ(test, nmdev_sw_desc_bufs(&d, b), 2u);
	KUNIT_EXPECT_EQ(test, b[0].addr, 0x2000ull);
	KUNIT_EXPECT_EQ(test, b[0].prot, IOMMU_READ);
	KUNIT_EXPECT_FALSE(test, b[0].dst);
	KUNIT_EXPECT_EQ(test, b[1].addr, 0x3000ull);
	KUNIT_EXPECT_EQ(test, b[1].prot, IOMMU_READ);
	KUNIT_EXPECT_TRUE(test, b[1].dst);

	siov_desc_init(&d, SIOV_OP_NOOP, 0);
	KUNIT_EXPECT_EQ(test, nmdev_sw_desc_bufs(&d, b), 0u);
	siov_desc_init(&d, SIOV_OP_DRAIN, SIOV_F_FENCE);
	KUNIT_EXPECT_EQ(test, nmdev_sw_desc_bufs(&d, b), 0u);
}

/* ---- pages of a range, DMA-contiguous runs, chunks ---- */

static void nmdev_sw_buf_pages_count(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, nmdev_sw_buf_pages(0x1000, 0), 0u);
	KUNIT_EXPECT_EQ(test, nmdev_sw_buf_pages(0x1000, 1), 1u);
	KUNIT_EXPECT_EQ(test, nmdev_sw_buf_pages(0x1000, 4096), 1u);
	KUNIT_EXPECT_EQ(test, nmdev_sw_buf_pages(0x1001, 4096), 2u);
	/* last byte of a page + 1: two pages */
	KUNIT_EXPECT_EQ(test, nmdev_sw_buf_pages(0x1fff, 2), 2u);
	KUNIT_EXPECT_EQ(test, nmdev_sw_buf_pages(0x1fff, 1), 1u);
	/* the sw-mode worst case: 2 MiB from the last byte of a page */
	KUNIT_EXPECT_EQ(test, nmdev_sw_buf_pages(0xfff, 1u << 21), 513u);
	KUNIT_EXPECT_EQ(test, nmdev_sw_buf_pages(0x0, 1u << 21), 512u);
	/* near the top of the address space */
	KUNIT_EXPECT_EQ(test, nmdev_sw_buf_pages(~0ull - 0xfff, 0x1000), 1u);
}

/*
 * A buffer at L2 address 0x7000800 of 0x5000 bytes spans 6 pages; in DMA
 * space pages 0-1 and 2-4 are contiguous, page 5 stands alone.
 */
static const dma_addr_t nmdev_kt_dma6[] = {
	0x10000, 0x11000, 0x50000, 0x51000, 0x52000, 0x20000,
};

static void nmdev_sw_contig_runs(struct kunit *test)
{
	const u64 addr = 0x7000800;
	const u32 len = 0x5000;

	KUNIT_EXPECT_EQ(test, nmdev_sw_buf_pages(addr, len), 6u);
	/* 0x800 bytes left in page 0, all of page 1 */
	KUNIT_EXPECT_EQ(test, nmdev_sw_contig(nmdev_kt_dma6, addr, 0, len),
			0x1800u);
	/* from inside that run: to its end */
	KUNIT_EXPECT_EQ(test, nmdev_sw_contig(nmdev_kt_dma6, addr, 0x100, len),
			0x1700u);
	/* pages 2-4 */
	KUNIT_EXPECT_EQ(test, nmdev_sw_contig(nmdev_kt_dma6, addr, 0x1800, len),
			0x3000u);
	/* page 5 up to the buffer's end (0x800 bytes of it) */
	KUNIT_EXPECT_EQ(test, nmdev_sw_contig(nmdev_kt_dma6, addr, 0x4800, len),
			0x800u);
	KUNIT_EXPECT_EQ(test, nmdev_sw_contig(nmdev_kt_dma6, addr, 0x4fff, len),
			1u);

	/* byte addresses keep the L2 offset in the page */
	KUNIT_EXPECT_EQ(test, nmdev_sw_dma(nmdev_kt_dma6, addr, 0), 0x10800ull);
	KUNIT_EXPECT_EQ(test, nmdev_sw_dma(nmdev_kt_dma6, addr, 0x7ff),
			0x10fffull);
	KUNIT_EXPECT_EQ(test, nmdev_sw_dma(nmdev_kt_dma6, addr, 0x800),
			0x11000ull);
	KUNIT_EXPECT_EQ(test, nmdev_sw_dma(nmdev_kt_dma6, addr, 0x1800),
			0x50000ull);
	KUNIT_EXPECT_EQ(test, nmdev_sw_dma(nmdev_kt_dma6, addr, 0x4fff),
			0x207ffull);

	/* a range within one page is one run, whatever follows */
	KUNIT_EXPECT_EQ(test, nmdev_sw_contig(nmdev_kt_dma6, 0x2000, 0, 0x1000),
			0x1000u);
}

/* Walk a descriptor's chunks as nmdev_sw_split() does. */
static unsigned int nmdev_kt_chunks(struct kunit *test, dma_addr_t *const dma[],
				    unsigned int nbufs,
				    const struct nmdev_sw_buf *bufs, u32 len,
				    u32 *lens, unsigned int max)
{
	unsigned int n = 0;
	u32 off, c;

	for (off = 0; off < len; off += c) {
		c = nmdev_sw_chunk(dma, nbufs, bufs, off, len);
		KUNIT_ASSERT_GT(test, c, 0u);
		KUNIT_ASSERT_LE(test, c, len - off);
		KUNIT_ASSERT_LT(test, n, max);
		lens[n++] = c;
	}
	return n;
}

static void nmdev_sw_chunk_split(struct kunit *test)
{
	/* src page aligned, DMA pages 0 | 1-2 */
	dma_addr_t src[] = { 0x100000, 0x200000, 0x201000 };
	/* dst at offset 0x800, DMA pages 0-2 | 3 */
	dma_addr_t dst[] = { 0x300000, 0x301000, 0x302000, 0x400000 };
	dma_addr_t six[ARRAY_SIZE(nmdev_kt_dma6)];
	dma_addr_t *dma[2] = { src, dst };
	struct nmdev_sw_buf bufs[2] = {
		{ .addr = 0x40000, .prot = IOMMU_READ },
		{ .addr = 0x80800, .prot = IOMMU_WRITE, .dst = true },
	};
	u32 lens[8];
	unsigned int n;

	/* boundaries of both buffers: 0x1000 (src), 0x2800 (dst) */
	n = nmdev_kt_chunks(test, dma, 2, bufs, 0x3000, lens, ARRAY_SIZE(lens));
	KUNIT_ASSERT_EQ(test, n, 3u);
	KUNIT_EXPECT_EQ(test, lens[0], 0x1000u);
	KUNIT_EXPECT_EQ(test, lens[1], 0x1800u);
	KUNIT_EXPECT_EQ(test, lens[2], 0x800u);

	/* only the source: its own two runs */
	n = nmdev_kt_chunks(test, dma, 1, bufs, 0x3000, lens, ARRAY_SIZE(lens));
	KUNIT_ASSERT_EQ(test, n, 2u);
	KUNIT_EXPECT_EQ(test, lens[0], 0x1000u);
	KUNIT_EXPECT_EQ(test, lens[1], 0x2000u);

	/* contiguous everywhere: one chunk, the direct submission */
	src[0] = 0x1ff000;
	dst[3] = 0x303000;
	KUNIT_EXPECT_EQ(test, nmdev_sw_chunk(dma, 2, bufs, 0, 0x3000), 0x3000u);

	/* no buffer (NOOP, DRAIN): everything */
	KUNIT_EXPECT_EQ(test, nmdev_sw_chunk(dma, 0, bufs, 0, 0), 0u);
	KUNIT_EXPECT_EQ(test, nmdev_sw_chunk(dma, 0, bufs, 0x10, 0x40), 0x30u);

	/* fully discontiguous pages: one chunk per page */
	memcpy(six, nmdev_kt_dma6, sizeof(six));
	six[1] = 0x90000;
	six[3] = 0x60000;
	dma[0] = six;
	bufs[0].addr = 0x7000800;
	n = nmdev_kt_chunks(test, dma, 1, bufs, 0x5000, lens, ARRAY_SIZE(lens));
	KUNIT_ASSERT_EQ(test, n, 6u);
	KUNIT_EXPECT_EQ(test, lens[0], 0x800u);
	KUNIT_EXPECT_EQ(test, lens[1], 0x1000u);
	KUNIT_EXPECT_EQ(test, lens[5], 0x800u);
}

static void nmdev_sw_fill_pattern_rotation(struct kunit *test)
{
	const u64 p = 0x0807060504030201ull;
	u32 off, k;

	KUNIT_EXPECT_EQ(test, nmdev_sw_fill_pattern(p, 0), p);
	KUNIT_EXPECT_EQ(test, nmdev_sw_fill_pattern(p, 8), p);
	KUNIT_EXPECT_EQ(test, nmdev_sw_fill_pattern(p, 1), 0x0108070605040302ull);
	KUNIT_EXPECT_EQ(test, nmdev_sw_fill_pattern(p, 0x803),
			0x0302010807060504ull);
	/* byte k of a chunk at @off is byte (off + k) % 8 of the pattern */
	for (off = 0; off < 16; off++) {
		u64 r = nmdev_sw_fill_pattern(p, off);

		for (k = 0; k < 8; k++)
			KUNIT_EXPECT_EQ_MSG(test, (u8)(r >> (8 * k)),
					    (u8)(p >> (8 * ((off + k) % 8))),
					    "off %u byte %u", off, k);
	}
}

static struct kunit_case nmdev_sw_cases[] = {
	KUNIT_CASE_PARAM(nmdev_sw_desc_check_status, nmdev_kt_desc_gen_params),
	KUNIT_CASE(nmdev_sw_desc_bufs_by_opcode),
	KUNIT_CASE(nmdev_sw_buf_pages_count),
	KUNIT_CASE(nmdev_sw_contig_runs),
	KUNIT_CASE(nmdev_sw_chunk_split),
	KUNIT_CASE(nmdev_sw_fill_pattern_rotation),
	{}
};

static struct kunit_suite nmdev_sw_suite = {
	.name = "nmdev_sw",
	.test_cases = nmdev_sw_cases,
};

kunit_test_suites(&nmdev_mode_suite, &nmdev_sw_suite);
