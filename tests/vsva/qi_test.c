// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the VT-d 3.x invalidation / page request codec
 * (vsva/qi.c, uapi/nestmed/vtd_qi.h).
 *
 * Every literal descriptor below was computed by hand from the spec field
 * positions (and, where named, from what a Linux 6.12 QI_* encoder puts in
 * it); the arithmetic is in the comment next to it.  None is produced by
 * our own encoder.
 */
#include <kunit/test.h>

#include "qi.h"

#define MAMV	9	/* CAP.MAMV of the model: up to 2^9 pages (2 MiB) */

/* ---- Spec vectors: encode(op) == literal, decode(literal) == op --------- */

struct qi_vec {
	const char *name;
	unsigned int width;
	u64 qw[4];
	struct vsva_inv_op op;
};

static const struct qi_vec qi_vectors[] = {
	{
		/* qw0 = G 1<<4 (0x10) | type 1 = 0x11 */
		.name = "cc-global", .width = 128,
		.qw = { 0x0000000000000011ULL, 0 },
		.op = { .kind = VSVA_INV_CC, .gran = VSVA_INV_G_GLOBAL },
	}, {
		/*
		 * Linux qi_flush_context(did 0x42, sid 0x0308, fm 3,
		 * DMA_CCMD_DEVICE_INVL): QI_CC_FM(3) 3<<48 = 0x0003000000000000
		 * | QI_CC_SID 0x0308<<32 = 0x0000030800000000
		 * | QI_CC_DID 0x42<<16 = 0x420000
		 * | QI_CC_GRAN (3<<61)>>57 = 0x30 | type 1
		 */
		.name = "cc-device", .width = 256,
		.qw = { 0x0003030800420031ULL, 0, 0, 0 },
		.op = { .kind = VSVA_INV_CC, .gran = VSVA_INV_G_DEVICE,
			.did = 0x42, .sid = 0x0308, .fm = 3 },
	}, {
		/* qw0 = DID 0xffff<<16 = 0xffff0000 | G 2<<4 (0x20) | type 2 */
		.name = "iotlb-domain", .width = 128,
		.qw = { 0x00000000ffff0022ULL, 0 },
		.op = { .kind = VSVA_INV_IOTLB, .gran = VSVA_INV_G_DOMAIN,
			.did = 0xffff },
	}, {
		/*
		 * qi_desc_iotlb(did 7, addr 0x40000|ih, order 2, PSI) with DR,
		 * DW: qw0 = DID 7<<16 (0x70000) | DR 1<<7 (0x80) | DW 1<<6
		 * (0x40) | G 3<<4 (0x30) | type 2 = 0x700f2;
		 * qw1 = ADDR 0x40000 | IH 1<<6 (0x40) | AM 2 = 0x40042
		 */
		.name = "iotlb-page", .width = 256,
		.qw = { 0x00000000000700f2ULL, 0x0000000000040042ULL, 0, 0 },
		.op = { .kind = VSVA_INV_IOTLB, .gran = VSVA_INV_G_PAGE,
			.did = 7, .dr = true, .dw = true, .addr = 0x40000,
			.am = 2, .ih = true },
	}, {
		/*
		 * qi_desc_dev_iotlb(sid 0x0100, pfsid 0x1234, qdep 0x1f,
		 * addr 0x10000, mask 4): qw0 = PFSID[15:4] 0x123<<52
		 * (0x1230000000000000) | SID 0x0100<<32 (0x0000010000000000)
		 * | QDEP/MIP 0x1f<<16 (0x1f0000) | PFSID[3:0] 4<<12 (0x4000)
		 * | type 3; qw1: addr |= (1<<(12+4-1))-1 -> 0x17fff, page
		 * part 0x17000 | S 1 = 0x17001 (bits 14:12 set, 15 clear:
		 * 64 KiB at 0x10000)
		 */
		.name = "devtlb-64k", .width = 128,
		.qw = { 0x12300100001f4003ULL, 0x0000000000017001ULL },
		.op = { .kind = VSVA_INV_DEVTLB, .sid = 0x0100,
			.pfsid = 0x1234, .mip = 0x1f, .addr = 0x10000,
			.size_lg2 = 16 },
	}, {
		/* qw0 = type 3 | SID 0x00ff<<32; qw1 = 0xabcde000, S 0: 4 KiB */
		.name = "devtlb-4k", .width = 256,
		.qw = { 0x000000ff00000003ULL, 0x00000000abcde000ULL, 0, 0 },
		.op = { .kind = VSVA_INV_DEVTLB, .sid = 0x00ff,
			.addr = 0xabcde000, .size_lg2 = 12 },
	}, {
		/* qi_global_iec(): qw0 = QI_IEC_TYPE = 4 */
		.name = "iec-global", .width = 128,
		.qw = { 0x0000000000000004ULL, 0 },
		.op = { .kind = VSVA_INV_IEC, .gran = VSVA_INV_G_GLOBAL },
	}, {
		/*
		 * QI_IEC_IIDX(0x40) 0x40<<32 | QI_IEC_IM(3) 3<<27 (0x18000000)
		 * | QI_IEC_SELECTIVE 1<<4 | type 4
		 */
		.name = "iec-index", .width = 128,
		.qw = { 0x0000004018000014ULL, 0 },
		.op = { .kind = VSVA_INV_IEC, .gran = VSVA_INV_G_INDEX,
			.iec = { .iidx = 0x40, .im = 3 } },
	}, {
		/*
		 * qi_submit_sync() wait with QI_OPT_WAIT_DRAIN and a fence:
		 * QI_IWD_STATUS_DATA(QI_DONE = 2) 2<<32 | PRQ_DRAIN 1<<7
		 * (0x80) | FENCE 1<<6 (0x40) | STATUS_WRITE 1<<5 (0x20)
		 * | type 5 = 0x2000000e5; qw1 = status address 0x123456788
		 */
		.name = "wait-sw-pd-fn", .width = 256,
		.qw = { 0x00000002000000e5ULL, 0x0000000123456788ULL, 0, 0 },
		.op = { .kind = VSVA_INV_WAIT,
			.wait = { .sw = true, .fn = true, .pd = true,
				  .status_data = 2,
				  .status_addr = 0x123456788ULL } },
	}, {
		/* IF 1<<4 | type 5 = 0x15: interrupt, no status write */
		.name = "wait-if", .width = 128,
		.qw = { 0x0000000000000015ULL, 0 },
		.op = { .kind = VSVA_INV_WAIT, .wait = { .iflag = true } },
	}, {
		/*
		 * qi_flush_piotlb(did 5, pasid 0x1234, addr 0x7000, npages 1,
		 * ih 1): mask = ilog2(1) = 0; qw0 = QI_EIOTLB_PASID 0x1234<<32
		 * (0x0000123400000000) | DID 5<<16 (0x50000) | GRAN
		 * QI_GRAN_PSI_PASID 3<<4 (0x30) | type 6 = 0x123400050036;
		 * qw1 = ADDR 0x7000 | IH 1<<6 (0x40) | AM 0 = 0x7040
		 */
		.name = "piotlb-page", .width = 256,
		.qw = { 0x0000123400050036ULL, 0x0000000000007040ULL, 0, 0 },
		.op = { .kind = VSVA_INV_PIOTLB, .gran = VSVA_INV_G_PASID_PAGE,
			.did = 5, .pasid = 0x1234, .addr = 0x7000, .am = 0,
			.ih = true },
	}, {
		/* npages -1: QI_GRAN_NONG_PASID 2<<4 (0x20); qw1 = 0 */
		.name = "piotlb-pasid", .width = 256,
		.qw = { 0x0000123400050026ULL, 0, 0, 0 },
		.op = { .kind = VSVA_INV_PIOTLB, .gran = VSVA_INV_G_PASID,
			.did = 5, .pasid = 0x1234 },
	}, {
		/*
		 * qi_flush_pasid_cache(did 0x10, QI_PC_PASID_SEL, 0xfffff):
		 * QI_PC_PASID 0xfffff<<32 (0x000fffff00000000) | QI_PC_DID
		 * 0x10<<16 (0x100000) | QI_PC_GRAN(1) 0x10 | type 7
		 */
		.name = "pc-pasid", .width = 256,
		.qw = { 0x000fffff00100017ULL, 0, 0, 0 },
		.op = { .kind = VSVA_INV_PC, .gran = VSVA_INV_G_PASID,
			.did = 0x10, .pasid = 0xfffff },
	}, {
		/* QI_PC_ALL_PASIDS (0) with DID 0x10<<16 | type 7 */
		.name = "pc-domain", .width = 256,
		.qw = { 0x0000000000100007ULL, 0, 0, 0 },
		.op = { .kind = VSVA_INV_PC, .gran = VSVA_INV_G_DOMAIN,
			.did = 0x10 },
	}, {
		/* QI_PC_GLOBAL 3<<4 (0x30) | type 7 */
		.name = "pc-global", .width = 256,
		.qw = { 0x0000000000000037ULL, 0, 0, 0 },
		.op = { .kind = VSVA_INV_PC, .gran = VSVA_INV_G_GLOBAL },
	}, {
		/*
		 * qi_desc_dev_iotlb_pasid(sid 0x0208, pfsid 0x0200, pasid 0x55,
		 * qdep 0, addr 0x200000, size_order 9): qw0 = PFSID[15:4]
		 * 0x020<<52 (0x0200000000000000) | PASID 0x55<<32
		 * (0x0000005500000000) | SID 0x0208<<16 (0x02080000) | type 8;
		 * qw1 = 0x200000 | GENMASK(20, 12) (0x1ff000) = 0x3ff000, bit
		 * 20 cleared -> 0x2ff000, | S 1<<11 (0x800) = 0x2ff800, G 0
		 */
		.name = "pdevtlb-2m", .width = 256,
		.qw = { 0x0200005502080008ULL, 0x00000000002ff800ULL, 0, 0 },
		.op = { .kind = VSVA_INV_PDEVTLB, .gran = VSVA_INV_G_PASID,
			.sid = 0x0208, .pfsid = 0x0200, .pasid = 0x55,
			.addr = 0x200000, .size_lg2 = 21 },
	}, {
		/*
		 * PFSID 0xffff: [15:4] 0xfff<<52 (0xfff0000000000000) | [3:0]
		 * 0xf<<12 (0xf000); MIP 0x11<<4 (0x110); SID 1<<16 (0x10000);
		 * PASID 0 | type 8 = 0xfff000000001f118; qw1 = ADDR 0x1000, S 0
		 */
		.name = "pdevtlb-mip-pfsid", .width = 256,
		.qw = { 0xfff000000001f118ULL, 0x0000000000001000ULL, 0, 0 },
		.op = { .kind = VSVA_INV_PDEVTLB, .gran = VSVA_INV_G_PASID,
			.sid = 1, .pfsid = 0xffff, .mip = 0x11,
			.addr = 0x1000, .size_lg2 = 12 },
	}, {
		/* G (bit 64) 1: all PASIDs; qw1 = 0x1000 | G 1 = 0x1001, S 0 */
		.name = "pdevtlb-all", .width = 256,
		.qw = { 0x0000000002080008ULL, 0x0000000000001001ULL, 0, 0 },
		.op = { .kind = VSVA_INV_PDEVTLB, .gran = VSVA_INV_G_GLOBAL,
			.sid = 0x0208, .addr = 0x1000, .size_lg2 = 12 },
	}, {
		/*
		 * Linux handle_bad_prq_event(rid 0x0300, pasid 0x2a present,
		 * prgi 0x1ff, lpig, QI_RESP_INVALID): qw0 = QI_PGRP_PASID
		 * 0x2a<<32 (0x0000002a00000000) | QI_PGRP_DID(rid) 0x0300<<16
		 * (0x03000000) | RESP_CODE 1<<12 (0x1000) | PASID_P 1<<4
		 * (0x10) | type 9 = 0x2a03001019; qw1 = IDX 0x1ff<<3 (0xff8)
		 * | LPIG 1<<2 (0x4) = 0xffc
		 */
		.name = "pgrp-invalid", .width = 256,
		.qw = { 0x0000002a03001019ULL, 0x0000000000000ffcULL, 0, 0 },
		.op = { .kind = VSVA_INV_PGRP_RESP, .pasid = 0x2a,
			.resp = { .rid = 0x0300, .pp = true, .lpig = true,
				  .code = VTD_PRG_RESP_INVALID,
				  .prg_index = 0x1ff } },
	}, {
		/* RC 0xf<<12 (0xf000) | RID 0x0300<<16 | type 9; qw1 IDX 5<<3 */
		.name = "pgrp-failure", .width = 256,
		.qw = { 0x000000000300f009ULL, 0x0000000000000028ULL, 0, 0 },
		.op = { .kind = VSVA_INV_PGRP_RESP,
			.resp = { .rid = 0x0300, .code = VTD_PRG_RESP_FAILURE,
				  .prg_index = 5 } },
	}, {
		/*
		 * VT-d 3.x PDP 1<<5 (0x20) | type 9, RID 0x0001<<16, RC 0
		 * (success), LPIG; private data in qw2/qw3
		 */
		.name = "pgrp-success-pdp", .width = 256,
		.qw = { 0x0000000000010029ULL, 0x0000000000000004ULL,
			0x0123456789abcdefULL, 0xfedcba9876543210ULL },
		.op = { .kind = VSVA_INV_PGRP_RESP,
			.resp = { .rid = 1, .pdp = true, .lpig = true,
				  .code = VTD_PRG_RESP_SUCCESS,
				  .private_data = { 0x0123456789abcdefULL,
						    0xfedcba9876543210ULL } } },
	},
};

KUNIT_ARRAY_PARAM_DESC(qi_vectors, qi_vectors, name);

static void qi_vector_encode(struct kunit *test)
{
	const struct qi_vec *v = test->param_value;
	u64 qw[4] = { ~0ULL, ~0ULL, ~0ULL, ~0ULL };
	unsigned int i;

	KUNIT_ASSERT_EQ(test, vsva_qi_encode(&v->op, v->width, qw), 0);
	for (i = 0; i < v->width / 64; i++)
		KUNIT_EXPECT_EQ_MSG(test, qw[i], v->qw[i], "qw%u", i);
	/* A 128-bit encode must not touch qw2/qw3. */
	if (v->width == 128) {
		KUNIT_EXPECT_EQ(test, qw[2], ~0ULL);
		KUNIT_EXPECT_EQ(test, qw[3], ~0ULL);
	}
}

static void qi_vector_decode(struct kunit *test)
{
	const struct qi_vec *v = test->param_value;
	struct vsva_inv_op op;

	KUNIT_ASSERT_EQ(test, vsva_qi_decode(v->qw, v->width, MAMV, &op), 0);
	KUNIT_EXPECT_EQ(test, op.kind, v->op.kind);
	KUNIT_EXPECT_EQ(test, op.gran, v->op.gran);
	KUNIT_EXPECT_EQ(test, op.did, v->op.did);
	KUNIT_EXPECT_EQ(test, op.sid, v->op.sid);
	KUNIT_EXPECT_EQ(test, op.pasid, v->op.pasid);
	KUNIT_EXPECT_EQ(test, op.addr, v->op.addr);
	KUNIT_EXPECT_EQ(test, op.am, v->op.am);
	KUNIT_EXPECT_EQ(test, op.size_lg2, v->op.size_lg2);
	KUNIT_EXPECT_EQ(test, op.pfsid, v->op.pfsid);
	KUNIT_EXPECT_TRUE(test, vsva_inv_op_equal(&op, &v->op));
}

/* ---- Accessors against the spec positions ------------------------------ */

static void qi_accessors(struct kunit *test)
{
	struct vtd_inv_desc d = { };

	/* DID, bits 31:16 of a PASID-cache descriptor */
	vtd_inv_pc_set_did(&d, 0xbeef);
	KUNIT_EXPECT_EQ(test, d.qw[0], 0x00000000beef0000ULL);
	/* PASID, bits 51:32 */
	vtd_inv_pc_set_pasid(&d, 0xfffff);
	KUNIT_EXPECT_EQ(test, d.qw[0], 0x000fffffbeef0000ULL);
	KUNIT_EXPECT_EQ(test, vtd_inv_pc_did(&d), 0xbeefULL);

	memset(&d, 0, sizeof(d));
	/* Type 0x7f: bits 3:0 = 0xf, bits 11:9 = 0x7 -> 0xe0f */
	vtd_inv_set_type(&d, 0x7f);
	KUNIT_EXPECT_EQ(test, d.qw[0], 0x0000000000000e0fULL);
	KUNIT_EXPECT_EQ(test, vtd_inv_type(&d), 0x7f);

	memset(&d, 0, sizeof(d));
	/* Status Address, bits 127:66: an address, low 2 bits dropped */
	vtd_inv_wait_set_status_addr_(&d, 0xfffffffffffffffcULL);
	KUNIT_EXPECT_EQ(test, d.qw[1], 0xfffffffffffffffcULL);
	/* S, bit 75 of the PASID-based device-TLB descriptor */
	memset(&d, 0, sizeof(d));
	vtd_inv_pdevtlb_set_s(&d, 1);
	KUNIT_EXPECT_EQ(test, d.qw[1], 0x800ULL);
	/* PFSID split over bits 15:12 and 63:52 */
	memset(&d, 0, sizeof(d));
	vtd_inv_devtlb_set_pfsid(&d, 0xabcd);
	KUNIT_EXPECT_EQ(test, d.qw[0], 0xabc000000000d000ULL);
	KUNIT_EXPECT_EQ(test, vtd_inv_devtlb_pfsid(&d), 0xabcd);
}

/* ---- Reserved masks: the literal masks, and a bit-by-bit sweep ---------- */

struct qi_rsvd_case {
	const char *name;
	unsigned int width;
	unsigned int qw;	/* the qword swept */
	u64 base[4];		/* a valid descriptor of the type */
	u64 mask;		/* its reserved bits in qword @qw, by hand */
};

/* Valid bases (hand-encoded, see qi_vectors) for each type. */
#define B_CC	{ 0x0003030800420031ULL, 0, 0, 0 }
#define B_IOTLB	{ 0x00000000000700f2ULL, 0x0000000000040042ULL, 0, 0 }
#define B_DTLB	{ 0x12300100001f4003ULL, 0x0000000000017001ULL, 0, 0 }
#define B_IEC	{ 0x0000004018000014ULL, 0, 0, 0 }
#define B_WAIT	{ 0x00000002000000e5ULL, 0x0000000123456788ULL, 0, 0 }
#define B_PIO	{ 0x0000123400050036ULL, 0x0000000000007040ULL, 0, 0 }
#define B_PC	{ 0x000fffff00100017ULL, 0, 0, 0 }
#define B_PDT	{ 0x0200005502080008ULL, 0x00000000002ff800ULL, 0, 0 }
#define B_PGRP	{ 0x0000002a03001019ULL, 0x0000000000000ffcULL, 0, 0 }

#define ALL	0xffffffffffffffffULL

/*
 * Masks by hand from the spec layouts (type bits 3:0 and 11:9 excluded):
 *  CC     qw0: 8:6 (0x1c0) | 15:12 (0xf000) | 63:50   qw1: all
 *  IOTLB  qw0: 8 (0x100) | 15:12 | 63:32               qw1: 11:7 (0xf80)
 *  DEVTLB qw0: 8:4 (0x1f0) | 31:21 (0xffe00000) | 51:48  qw1: 11:1 (0xffe)
 *  IEC    qw0: 8:5 (0x1e0) | 26:12 (0x7fff000) | 63:48  qw1: all
 *  WAIT   qw0: 8 | 31:12 (0xfffff000)                  qw1: 1:0
 *  P_IOTLB qw0: 8:6 | 15:12 | 63:52                    qw1: 11:7
 *  PC     qw0: 8:6 | 15:12 | 63:52                     qw1: all
 *  P_DTLB qw0: none                                    qw1: 10:1 (0x7fe)
 *  PGRP   qw0: 8:6 | 63:52        qw1: 1:0 | 63:12 (0xfffffffffffff003)
 *  256-bit qw2/qw3: all (PGRP with PDP = 0 too)
 * These agree with QEMU's VTD_INV_DESC_*_RSVD* except where QEMU has no
 * model of the field (PFSID, PD, PDP).
 */
static const struct qi_rsvd_case qi_rsvd_cases[] = {
	{ "cc/128/qw0", 128, 0, B_CC, 0xfffc00000000f1c0ULL },
	{ "cc/128/qw1", 128, 1, B_CC, ALL },
	{ "cc/256/qw0", 256, 0, B_CC, 0xfffc00000000f1c0ULL },
	{ "cc/256/qw1", 256, 1, B_CC, ALL },
	{ "cc/256/qw2", 256, 2, B_CC, ALL },
	{ "cc/256/qw3", 256, 3, B_CC, ALL },
	{ "iotlb/128/qw0", 128, 0, B_IOTLB, 0xffffffff0000f100ULL },
	{ "iotlb/128/qw1", 128, 1, B_IOTLB, 0x0000000000000f80ULL },
	{ "iotlb/256/qw0", 256, 0, B_IOTLB, 0xffffffff0000f100ULL },
	{ "iotlb/256/qw1", 256, 1, B_IOTLB, 0x0000000000000f80ULL },
	{ "iotlb/256/qw2", 256, 2, B_IOTLB, ALL },
	{ "iotlb/256/qw3", 256, 3, B_IOTLB, ALL },
	{ "devtlb/128/qw0", 128, 0, B_DTLB, 0x000f0000ffe001f0ULL },
	{ "devtlb/128/qw1", 128, 1, B_DTLB, 0x0000000000000ffeULL },
	{ "devtlb/256/qw0", 256, 0, B_DTLB, 0x000f0000ffe001f0ULL },
	{ "devtlb/256/qw1", 256, 1, B_DTLB, 0x0000000000000ffeULL },
	{ "devtlb/256/qw2", 256, 2, B_DTLB, ALL },
	{ "devtlb/256/qw3", 256, 3, B_DTLB, ALL },
	{ "iec/128/qw0", 128, 0, B_IEC, 0xffff000007fff1e0ULL },
	{ "iec/128/qw1", 128, 1, B_IEC, ALL },
	{ "iec/256/qw0", 256, 0, B_IEC, 0xffff000007fff1e0ULL },
	{ "iec/256/qw1", 256, 1, B_IEC, ALL },
	{ "iec/256/qw2", 256, 2, B_IEC, ALL },
	{ "iec/256/qw3", 256, 3, B_IEC, ALL },
	{ "wait/128/qw0", 128, 0, B_WAIT, 0x00000000fffff100ULL },
	{ "wait/128/qw1", 128, 1, B_WAIT, 0x0000000000000003ULL },
	{ "wait/256/qw0", 256, 0, B_WAIT, 0x00000000fffff100ULL },
	{ "wait/256/qw1", 256, 1, B_WAIT, 0x0000000000000003ULL },
	{ "wait/256/qw2", 256, 2, B_WAIT, ALL },
	{ "wait/256/qw3", 256, 3, B_WAIT, ALL },
	{ "piotlb/256/qw0", 256, 0, B_PIO, 0xfff000000000f1c0ULL },
	{ "piotlb/256/qw1", 256, 1, B_PIO, 0x0000000000000f80ULL },
	{ "piotlb/256/qw2", 256, 2, B_PIO, ALL },
	{ "piotlb/256/qw3", 256, 3, B_PIO, ALL },
	{ "pc/256/qw0", 256, 0, B_PC, 0xfff000000000f1c0ULL },
	{ "pc/256/qw1", 256, 1, B_PC, ALL },
	{ "pc/256/qw2", 256, 2, B_PC, ALL },
	{ "pc/256/qw3", 256, 3, B_PC, ALL },
	{ "pdevtlb/256/qw0", 256, 0, B_PDT, 0 },
	{ "pdevtlb/256/qw1", 256, 1, B_PDT, 0x00000000000007feULL },
	{ "pdevtlb/256/qw2", 256, 2, B_PDT, ALL },
	{ "pdevtlb/256/qw3", 256, 3, B_PDT, ALL },
	{ "pgrp/256/qw0", 256, 0, B_PGRP, 0xfff00000000001c0ULL },
	{ "pgrp/256/qw1", 256, 1, B_PGRP, 0xfffffffffffff003ULL },
	{ "pgrp/256/qw2", 256, 2, B_PGRP, ALL },
	{ "pgrp/256/qw3", 256, 3, B_PGRP, ALL },
};

KUNIT_ARRAY_PARAM_DESC(qi_rsvd, qi_rsvd_cases, name);

#define TYPE_HI_BITS	0x0000000000000e00ULL	/* bits 11:9 */
#define TYPE_LO_BITS	0x000000000000000fULL	/* bits 3:0 */

static void qi_rsvd_sweep(struct kunit *test)
{
	const struct qi_rsvd_case *c = test->param_value;
	struct vsva_inv_op op;
	unsigned int bit;
	u8 type = (u8)(c->base[0] & 0xf);

	KUNIT_ASSERT_EQ(test, vsva_qi_decode(c->base, c->width, MAMV, &op), 0);
	if (c->qw < 2)
		KUNIT_EXPECT_EQ(test, vtd_inv_rsvd_mask(type, c->qw), c->mask);

	for (bit = 0; bit < 64; bit++) {
		u64 qw[4];
		int ret;

		memcpy(qw, c->base, sizeof(qw));
		qw[c->qw] ^= BIT_ULL(bit);
		ret = vsva_qi_decode(qw, c->width, MAMV, &op);
		if (c->mask & BIT_ULL(bit)) {
			if (!(c->base[c->qw] & BIT_ULL(bit)))
				KUNIT_EXPECT_EQ_MSG(test, ret, VSVA_QI_ERR_RSVD,
						    "bit %u", bit);
		} else if (c->qw == 0 && (TYPE_HI_BITS & BIT_ULL(bit))) {
			KUNIT_EXPECT_EQ_MSG(test, ret, VSVA_QI_ERR_TYPE,
					    "bit %u", bit);
		} else if (c->qw == 0 && (TYPE_LO_BITS & BIT_ULL(bit))) {
			/* another type: whatever it is, not this one */
			if (!ret)
				KUNIT_EXPECT_NE_MSG(test, (u8)op.kind, type,
						    "bit %u", bit);
		} else {
			/* a field bit: never a reserved-bit error */
			KUNIT_EXPECT_NE_MSG(test, ret, VSVA_QI_ERR_RSVD,
					    "bit %u", bit);
		}
	}
}

/* ---- Types -------------------------------------------------------------- */

struct qi_type_case {
	const char *name;
	u64 qw0;
	unsigned int width;
	int ret;
};

static const struct qi_type_case qi_type_cases[] = {
	{ "type-0", 0x0, 256, VSVA_QI_ERR_TYPE },
	/* page stream response: VT-d 2.x extended mode only */
	{ "type-10-pstrm", 0xa, 256, VSVA_QI_ERR_TYPE },
	{ "type-11", 0xb, 256, VSVA_QI_ERR_TYPE },
	{ "type-12", 0xc, 256, VSVA_QI_ERR_TYPE },
	{ "type-13", 0xd, 256, VSVA_QI_ERR_TYPE },
	{ "type-14", 0xe, 256, VSVA_QI_ERR_TYPE },
	{ "type-15", 0xf, 128, VSVA_QI_ERR_TYPE },
	/* CC global (0x11) with type high bit 9, 10, 11 set: type 0x11+ */
	{ "type-high-bit9", 0x211, 256, VSVA_QI_ERR_TYPE },
	{ "type-high-bit10", 0x411, 256, VSVA_QI_ERR_TYPE },
	{ "type-high-bit11", 0x811, 128, VSVA_QI_ERR_TYPE },
	/* 256-bit-only types in a 128-bit queue */
	{ "piotlb-in-128", 0x0000123400050026ULL, 128, VSVA_QI_ERR_TYPE },
	{ "pc-in-128", 0x37, 128, VSVA_QI_ERR_TYPE },
	{ "pdevtlb-in-128", 0x0000000002080008ULL, 128, VSVA_QI_ERR_TYPE },
	{ "pgrp-in-128", 0x0000000003000009ULL, 128, VSVA_QI_ERR_TYPE },
	/* and the same accepted in a 256-bit queue */
	{ "pc-in-256", 0x37, 256, 0 },
	{ "pgrp-in-256", 0x0000000003000009ULL, 256, 0 },
};

KUNIT_ARRAY_PARAM_DESC(qi_types, qi_type_cases, name);

static void qi_type_check(struct kunit *test)
{
	const struct qi_type_case *c = test->param_value;
	u64 qw[4] = { c->qw0, 0, 0, 0 };
	struct vsva_inv_op op;

	KUNIT_EXPECT_EQ(test, vsva_qi_decode(qw, c->width, MAMV, &op), c->ret);
	if (c->ret)
		KUNIT_EXPECT_EQ(test, op.kind, VSVA_INV_NONE);
}

static void qi_encode_type_errors(struct kunit *test)
{
	struct vsva_inv_op op = { .kind = VSVA_INV_PC,
				  .gran = VSVA_INV_G_GLOBAL };
	u64 qw[4];

	KUNIT_EXPECT_EQ(test, vsva_qi_encode(&op, 128, qw), VSVA_QI_ERR_TYPE);
	KUNIT_EXPECT_EQ(test, vsva_qi_encode(&op, 256, qw), 0);
	KUNIT_EXPECT_EQ(test, vsva_qi_encode(&op, 192, qw), VSVA_QI_ERR_ARG);
	op.kind = (enum vsva_inv_kind)VTD_INV_PSTRM_RESP;
	KUNIT_EXPECT_EQ(test, vsva_qi_encode(&op, 256, qw), VSVA_QI_ERR_TYPE);
	op.kind = VSVA_INV_NONE;
	KUNIT_EXPECT_EQ(test, vsva_qi_encode(&op, 256, qw), VSVA_QI_ERR_TYPE);
	KUNIT_EXPECT_EQ(test, vsva_qi_decode(qw, 64, MAMV, &op),
			VSVA_QI_ERR_ARG);
	/* the four error codes are distinct */
	KUNIT_EXPECT_NE(test, VSVA_QI_ERR_TYPE, VSVA_QI_ERR_RSVD);
	KUNIT_EXPECT_NE(test, VSVA_QI_ERR_TYPE, VSVA_QI_ERR_FIELD);
	KUNIT_EXPECT_NE(test, VSVA_QI_ERR_RSVD, VSVA_QI_ERR_FIELD);
	KUNIT_EXPECT_NE(test, VSVA_QI_ERR_ARG, VSVA_QI_ERR_FIELD);
	KUNIT_EXPECT_NE(test, VSVA_QI_ERR_ARG, VSVA_QI_ERR_RSVD);
	KUNIT_EXPECT_NE(test, VSVA_QI_ERR_ARG, VSVA_QI_ERR_TYPE);
}

/* ---- Field errors ------------------------------------------------------- */

struct qi_field_case {
	const char *name;
	unsigned int width;
	u64 qw[4];
};

static const struct qi_field_case qi_field_cases[] = {
	/* G = 0 reserved: type 1 only */
	{ "cc-g0", 128, { 0x1, 0 } },
	{ "iotlb-g0", 128, { 0x2, 0 } },
	{ "piotlb-g0", 256, { 0x6, 0 } },
	/* G = 1 (0x10) reserved for P_IOTLB */
	{ "piotlb-g1", 256, { 0x16, 0 } },
	/* G = 2 (0x20) reserved for PASID-cache */
	{ "pc-g2", 256, { 0x27, 0 } },
	/* IOTLB PSI AM 10 > MAMV 9 (qw1 = 0x0 | AM 0xa) */
	{ "iotlb-am-over-mamv", 128, { 0x32, 0xa } },
	/* AM 2 needs ADDR aligned to 16 KiB: 0x41000 is not */
	{ "iotlb-addr-misaligned", 128, { 0x32, 0x41002 } },
	/* P_IOTLB PSI AM 1 at 0x3000 (not 8 KiB aligned) */
	{ "piotlb-addr-misaligned", 256, { 0x36, 0x3001 } },
	/* P_IOTLB PSI AM 0x3f > 52 (qw1 = 0x3f) */
	{ "piotlb-am-63", 256, { 0x36, 0x3f } },
	/* devTLB S = 1 with ADDR[63:12] all ones: no range */
	{ "devtlb-all-ones", 128, { 0x3, 0xfffffffffffff001ULL } },
	{ "pdevtlb-all-ones", 256, { 0x8, 0xfffffffffffff800ULL } },
	/* page group response code 2 (0x2000): reserved */
	{ "pgrp-rc2", 256, { 0x2009, 0 } },
	{ "pgrp-rc14", 256, { 0xe009, 0 } },
};

KUNIT_ARRAY_PARAM_DESC(qi_fields, qi_field_cases, name);

static void qi_field_check(struct kunit *test)
{
	const struct qi_field_case *c = test->param_value;
	struct vsva_inv_op op;

	KUNIT_EXPECT_EQ(test, vsva_qi_decode(c->qw, c->width, MAMV, &op),
			VSVA_QI_ERR_FIELD);
}

static void qi_mamv_limit(struct kunit *test)
{
	/* IOTLB PSI, ADDR 0x200000, AM 9 (2 MiB): qw1 = 0x200009 */
	u64 qw[2] = { 0x32, 0x200009 };
	struct vsva_inv_op op;

	KUNIT_EXPECT_EQ(test, vsva_qi_decode(qw, 128, 9, &op), 0);
	KUNIT_EXPECT_EQ(test, op.am, 9);
	KUNIT_EXPECT_EQ(test, vsva_qi_decode(qw, 128, 8, &op),
			VSVA_QI_ERR_FIELD);
	/* AM 52, ADDR 0: the whole space, allowed with MAMV 63 */
	qw[1] = 52;
	KUNIT_EXPECT_EQ(test, vsva_qi_decode(qw, 128, 63, &op), 0);
	qw[1] = 53;
	KUNIT_EXPECT_EQ(test, vsva_qi_decode(qw, 128, 63, &op),
			VSVA_QI_ERR_FIELD);
}

static void qi_encode_field_errors(struct kunit *test)
{
	struct vsva_inv_op op;
	u64 qw[4];

	memset(&op, 0, sizeof(op));
	op.kind = VSVA_INV_PC;
	op.gran = VSVA_INV_G_PASID;
	op.pasid = 0x100000;		/* 21 bits */
	KUNIT_EXPECT_EQ(test, vsva_qi_encode(&op, 256, qw), VSVA_QI_ERR_FIELD);
	op.gran = VSVA_INV_G_PAGE;	/* not a PASID-cache granularity */
	op.pasid = 1;
	KUNIT_EXPECT_EQ(test, vsva_qi_encode(&op, 256, qw), VSVA_QI_ERR_FIELD);

	memset(&op, 0, sizeof(op));
	op.kind = VSVA_INV_CC;
	op.gran = VSVA_INV_G_DEVICE;
	op.fm = 4;
	KUNIT_EXPECT_EQ(test, vsva_qi_encode(&op, 128, qw), VSVA_QI_ERR_FIELD);

	memset(&op, 0, sizeof(op));
	op.kind = VSVA_INV_IOTLB;
	op.gran = VSVA_INV_G_PAGE;
	op.addr = 0x1000;
	op.am = 1;			/* 8 KiB range at 4 KiB */
	KUNIT_EXPECT_EQ(test, vsva_qi_encode(&op, 128, qw), VSVA_QI_ERR_FIELD);
	op.addr = 0x1234;		/* not a page address */
	op.am = 0;
	KUNIT_EXPECT_EQ(test, vsva_qi_encode(&op, 128, qw), VSVA_QI_ERR_FIELD);

	memset(&op, 0, sizeof(op));
	op.kind = VSVA_INV_WAIT;
	op.wait.sw = true;
	op.wait.status_addr = 0x1002;	/* not dword aligned */
	KUNIT_EXPECT_EQ(test, vsva_qi_encode(&op, 128, qw), VSVA_QI_ERR_FIELD);

	memset(&op, 0, sizeof(op));
	op.kind = VSVA_INV_DEVTLB;
	op.size_lg2 = 11;
	KUNIT_EXPECT_EQ(test, vsva_qi_encode(&op, 128, qw), VSVA_QI_ERR_FIELD);
	op.size_lg2 = 65;
	KUNIT_EXPECT_EQ(test, vsva_qi_encode(&op, 128, qw), VSVA_QI_ERR_FIELD);
	op.size_lg2 = 13;
	op.addr = 0x1000;		/* 8 KiB range at 4 KiB */
	KUNIT_EXPECT_EQ(test, vsva_qi_encode(&op, 128, qw), VSVA_QI_ERR_FIELD);
	op.mip = 0x20;
	op.addr = 0;
	KUNIT_EXPECT_EQ(test, vsva_qi_encode(&op, 128, qw), VSVA_QI_ERR_FIELD);

	memset(&op, 0, sizeof(op));
	op.kind = VSVA_INV_PGRP_RESP;
	op.resp.code = 2;
	KUNIT_EXPECT_EQ(test, vsva_qi_encode(&op, 256, qw), VSVA_QI_ERR_FIELD);
	op.resp.code = 0;
	op.resp.prg_index = 0x200;	/* 10 bits */
	KUNIT_EXPECT_EQ(test, vsva_qi_encode(&op, 256, qw), VSVA_QI_ERR_FIELD);
}

/* ---- Device-TLB range encoding (PCIe ATS, VT-d 6.5.2.5) ---------------- */

struct qi_range_case {
	const char *name;
	bool s;
	u64 enc;
	int ret;
	u64 addr;
	u8 size_lg2;
};

static const struct qi_range_case qi_range_cases[] = {
	/* S = 0: one 4 KiB page */
	{ "s0-4k", false, 0x5000, 0, 0x5000, 12 },
	/* bit 12 clear: 8 KiB at 0x4000 (0x4000 = bits 14) */
	{ "s1-8k", true, 0x4000, 0, 0x4000, 13 },
	/* bits 12 set, 13 clear: 16 KiB at 0x8000 (0x9000 -> base 0x8000) */
	{ "s1-16k", true, 0x9000, 0, 0x8000, 14 },
	/* bits 13:12 set, 14 clear: 32 KiB */
	{ "s1-32k", true, 0x3000, 0, 0x0, 15 },
	/* bits 19:12 set, 20 clear: 2 MiB at 0x40000000 */
	{ "s1-2m", true, 0x400ff000, 0, 0x40000000, 21 },
	/* bits 62:12 set, 63 clear: all 2^64 */
	{ "s1-all", true, 0x7ffffffffffff000ULL, 0, 0, 64 },
	/* bits 63:12 set: no clear bit, invalid */
	{ "s1-none", true, 0xfffffffffffff000ULL, VSVA_QI_ERR_FIELD, 0, 0 },
};

KUNIT_ARRAY_PARAM_DESC(qi_ranges, qi_range_cases, name);

static void qi_range_check(struct kunit *test)
{
	const struct qi_range_case *c = test->param_value;
	u64 addr = 0, enc = 0;
	u8 lg2 = 0;
	bool s;

	KUNIT_ASSERT_EQ(test, vsva_devtlb_range_decode(c->s, c->enc, &addr,
						       &lg2), c->ret);
	if (c->ret)
		return;
	KUNIT_EXPECT_EQ(test, addr, c->addr);
	KUNIT_EXPECT_EQ(test, lg2, c->size_lg2);
	/* the encoder gives back the canonical S/ADDR (the one Linux uses) */
	KUNIT_ASSERT_EQ(test, vsva_devtlb_range_encode(addr, lg2, &s, &enc), 0);
	KUNIT_EXPECT_EQ(test, s, c->s);
	/* every vector above is already in canonical form */
	KUNIT_EXPECT_EQ(test, enc, c->enc);
}

/* ---- Round trips, every type and granularity --------------------------- */

struct qi_rt_case {
	const char *name;
	unsigned int width;
	struct vsva_inv_op op;
};

static const struct qi_rt_case qi_rt_cases[] = {
	{ "cc-global-128", 128, { .kind = VSVA_INV_CC, .gran = VSVA_INV_G_GLOBAL } },
	{ "cc-domain-128", 128, { .kind = VSVA_INV_CC, .gran = VSVA_INV_G_DOMAIN, .did = 0xfffe } },
	{ "cc-device-128", 128, { .kind = VSVA_INV_CC, .gran = VSVA_INV_G_DEVICE, .did = 1, .sid = 0xffff, .fm = 1 } },
	{ "cc-global-256", 256, { .kind = VSVA_INV_CC, .gran = VSVA_INV_G_GLOBAL } },
	{ "cc-domain-256", 256, { .kind = VSVA_INV_CC, .gran = VSVA_INV_G_DOMAIN, .did = 3 } },
	{ "cc-device-256", 256, { .kind = VSVA_INV_CC, .gran = VSVA_INV_G_DEVICE, .did = 2, .sid = 0x10, .fm = 2 } },
	{ "iotlb-global-128", 128, { .kind = VSVA_INV_IOTLB, .gran = VSVA_INV_G_GLOBAL, .dr = true } },
	{ "iotlb-domain-128", 128, { .kind = VSVA_INV_IOTLB, .gran = VSVA_INV_G_DOMAIN, .did = 9, .dw = true } },
	{ "iotlb-page-128", 128, { .kind = VSVA_INV_IOTLB, .gran = VSVA_INV_G_PAGE, .did = 9, .addr = 0xfffffffffffff000ULL, .am = 0 } },
	{ "iotlb-global-256", 256, { .kind = VSVA_INV_IOTLB, .gran = VSVA_INV_G_GLOBAL } },
	{ "iotlb-domain-256", 256, { .kind = VSVA_INV_IOTLB, .gran = VSVA_INV_G_DOMAIN, .did = 0xffff } },
	{ "iotlb-page-256", 256, { .kind = VSVA_INV_IOTLB, .gran = VSVA_INV_G_PAGE, .did = 1, .addr = 0x200000, .am = 9, .ih = true } },
	{ "devtlb-4k-128", 128, { .kind = VSVA_INV_DEVTLB, .sid = 0x100, .addr = 0x1000, .size_lg2 = 12 } },
	{ "devtlb-8k-128", 128, { .kind = VSVA_INV_DEVTLB, .sid = 0x100, .pfsid = 0xffff, .addr = 0x2000, .size_lg2 = 13 } },
	{ "devtlb-1g-256", 256, { .kind = VSVA_INV_DEVTLB, .sid = 0x100, .mip = 31, .addr = 0x40000000, .size_lg2 = 30 } },
	{ "devtlb-all-256", 256, { .kind = VSVA_INV_DEVTLB, .sid = 0x100, .addr = 0, .size_lg2 = 64 } },
	{ "iec-global-128", 128, { .kind = VSVA_INV_IEC, .gran = VSVA_INV_G_GLOBAL } },
	{ "iec-index-128", 128, { .kind = VSVA_INV_IEC, .gran = VSVA_INV_G_INDEX, .iec = { .iidx = 0xffff, .im = 31 } } },
	{ "iec-global-256", 256, { .kind = VSVA_INV_IEC, .gran = VSVA_INV_G_GLOBAL } },
	{ "iec-index-256", 256, { .kind = VSVA_INV_IEC, .gran = VSVA_INV_G_INDEX, .iec = { .iidx = 8, .im = 3 } } },
	{ "wait-if-128", 128, { .kind = VSVA_INV_WAIT, .wait = { .iflag = true } } },
	{ "wait-sw-128", 128, { .kind = VSVA_INV_WAIT, .wait = { .sw = true, .status_data = 0xffffffff, .status_addr = 0xfffffffffffffffcULL } } },
	{ "wait-fn-pd-256", 256, { .kind = VSVA_INV_WAIT, .wait = { .fn = true, .pd = true } } },
	{ "wait-all-256", 256, { .kind = VSVA_INV_WAIT, .wait = { .iflag = true, .sw = true, .fn = true, .pd = true, .status_data = 1, .status_addr = 0x1004 } } },
	{ "piotlb-pasid", 256, { .kind = VSVA_INV_PIOTLB, .gran = VSVA_INV_G_PASID, .did = 0xffff, .pasid = 0xfffff } },
	{ "piotlb-page", 256, { .kind = VSVA_INV_PIOTLB, .gran = VSVA_INV_G_PASID_PAGE, .did = 1, .pasid = 1, .addr = 0x7fffffe00000ULL, .am = 9, .ih = true } },
	{ "pc-domain", 256, { .kind = VSVA_INV_PC, .gran = VSVA_INV_G_DOMAIN, .did = 0xabcd } },
	{ "pc-pasid", 256, { .kind = VSVA_INV_PC, .gran = VSVA_INV_G_PASID, .did = 0xabcd, .pasid = 0x12345 } },
	{ "pc-global", 256, { .kind = VSVA_INV_PC, .gran = VSVA_INV_G_GLOBAL } },
	{ "pdevtlb-pasid", 256, { .kind = VSVA_INV_PDEVTLB, .gran = VSVA_INV_G_PASID, .sid = 0xffff, .pfsid = 0xabcd, .mip = 7, .pasid = 0xfffff, .addr = 0xffffffffff000000ULL, .size_lg2 = 24 } },
	{ "pdevtlb-all", 256, { .kind = VSVA_INV_PDEVTLB, .gran = VSVA_INV_G_GLOBAL, .sid = 1, .addr = 0, .size_lg2 = 64 } },
	{ "pgrp-success", 256, { .kind = VSVA_INV_PGRP_RESP, .pasid = 0xfffff, .resp = { .rid = 0xffff, .pp = true, .lpig = true, .code = VTD_PRG_RESP_SUCCESS, .prg_index = 0x1ff } } },
	{ "pgrp-invalid", 256, { .kind = VSVA_INV_PGRP_RESP, .resp = { .rid = 2, .code = VTD_PRG_RESP_INVALID, .prg_index = 1 } } },
	{ "pgrp-failure", 256, { .kind = VSVA_INV_PGRP_RESP, .pasid = 3, .resp = { .rid = 2, .pp = true, .code = VTD_PRG_RESP_FAILURE } } },
	{ "pgrp-pdp", 256, { .kind = VSVA_INV_PGRP_RESP, .resp = { .rid = 2, .pdp = true, .code = VTD_PRG_RESP_SUCCESS, .private_data = { ~0ULL, 1 } } } },
};

KUNIT_ARRAY_PARAM_DESC(qi_rt, qi_rt_cases, name);

static void qi_roundtrip(struct kunit *test)
{
	const struct qi_rt_case *c = test->param_value;
	struct vsva_inv_op op;
	u64 qw[4] = { }, qw2[4] = { };

	KUNIT_ASSERT_EQ(test, vsva_qi_encode(&c->op, c->width, qw), 0);
	KUNIT_ASSERT_EQ(test, vsva_qi_decode(qw, c->width, 63, &op), 0);
	KUNIT_EXPECT_TRUE(test, vsva_inv_op_equal(&op, &c->op));
	KUNIT_ASSERT_EQ(test, vsva_qi_encode(&op, c->width, qw2), 0);
	KUNIT_EXPECT_MEMEQ(test, qw, qw2, sizeof(qw));
	/* the type in the descriptor is the kind */
	KUNIT_EXPECT_EQ(test, qw[0] & 0xf, (u64)c->op.kind);
}

/* Fields a granularity does not use are ignored: decode drops them. */
static void qi_ignored_fields(struct kunit *test)
{
	/* IOTLB global (0x12) with DID 5 and qw1 ADDR/AM set */
	u64 qw[2] = { 0x0000000000050012ULL, 0x0000000000001003ULL };
	u64 enc[2];
	struct vsva_inv_op op;

	KUNIT_ASSERT_EQ(test, vsva_qi_decode(qw, 128, MAMV, &op), 0);
	KUNIT_EXPECT_EQ(test, op.gran, VSVA_INV_G_GLOBAL);
	KUNIT_EXPECT_EQ(test, op.did, 0);
	KUNIT_EXPECT_EQ(test, op.addr, 0ULL);
	KUNIT_ASSERT_EQ(test, vsva_qi_encode(&op, 128, enc), 0);
	KUNIT_EXPECT_EQ(test, enc[0], 0x12ULL);
	KUNIT_EXPECT_EQ(test, enc[1], 0ULL);

	/* Linux's prq drain wait: data 2 without SW -> status unused */
	qw[0] = 0x0000000200000045ULL;	/* STATUS_DATA(2) | FENCE | type 5 */
	qw[1] = 0;
	KUNIT_ASSERT_EQ(test, vsva_qi_decode(qw, 128, MAMV, &op), 0);
	KUNIT_EXPECT_TRUE(test, op.wait.fn);
	KUNIT_EXPECT_FALSE(test, op.wait.sw);
	KUNIT_EXPECT_EQ(test, op.wait.status_data, 0U);
}

/* ---- Page requests ------------------------------------------------------ */

/*
 * rid 0x0300, PASID 0x2a present, execute, read+write, LPIG, PRGI 0x1ff,
 * ADDR 0x7ffffffff000.  qw0 = type 1 | PP 1<<8 (0x100) | RID 0x0300<<16
 * (0x03000000) | PASID 0x2a<<32 (0x0000002a00000000) | ER 1<<52
 * (0x0010000000000000) = 0x0010002a03000101; qw1 = RDR 1 | WRR 2 | LPIG 4
 * | PRGI 0x1ff<<3 (0xff8) = 0xfff, | ADDR 0x7ffffffff000 = 0x7fffffffffff
 */
static const u64 prq_vec[4] = {
	0x0010002a03000101ULL, 0x00007fffffffffffULL, 0, 0
};

static void prq_vector(struct kunit *test)
{
	struct vsva_page_req req;
	u64 qw[4];

	KUNIT_ASSERT_EQ(test, vsva_page_req_decode(prq_vec, 4, &req), 0);
	KUNIT_EXPECT_EQ(test, req.rid, 0x0300);
	KUNIT_EXPECT_TRUE(test, req.pasid_present);
	KUNIT_EXPECT_EQ(test, req.pasid, 0x2aU);
	KUNIT_EXPECT_TRUE(test, req.x);
	KUNIT_EXPECT_FALSE(test, req.priv);
	KUNIT_EXPECT_TRUE(test, req.r);
	KUNIT_EXPECT_TRUE(test, req.w);
	KUNIT_EXPECT_TRUE(test, req.lpig);
	KUNIT_EXPECT_EQ(test, req.prg_index, 0x1ff);
	KUNIT_EXPECT_EQ(test, req.addr, 0x7ffffffff000ULL);
	KUNIT_EXPECT_FALSE(test, req.pdp);

	KUNIT_ASSERT_EQ(test, vsva_page_req_encode(&req, qw), 0);
	KUNIT_EXPECT_MEMEQ(test, qw, prq_vec, sizeof(qw));
	/* the same from the first 128 bits only */
	KUNIT_ASSERT_EQ(test, vsva_page_req_decode(prq_vec, 2, &req), 0);
	KUNIT_EXPECT_EQ(test, req.addr, 0x7ffffffff000ULL);
}

/* PMR bit 53 (0x0020000000000000), PDP bit 9 (0x200), private data */
static void prq_priv_and_private_data(struct kunit *test)
{
	/* type 1 | PDP 0x200 | PMR 1<<53; qw1 = RDR | ADDR 0x1000 */
	u64 qw[4] = { 0x0020000000000201ULL, 0x1001ULL, 0xaaULL, 0xbbULL };
	struct vsva_page_req req;

	KUNIT_ASSERT_EQ(test, vsva_page_req_decode(qw, 4, &req), 0);
	KUNIT_EXPECT_TRUE(test, req.priv);
	KUNIT_EXPECT_FALSE(test, req.pasid_present);
	KUNIT_EXPECT_TRUE(test, req.pdp);
	KUNIT_EXPECT_EQ(test, req.private_data[0], 0xaaULL);
	KUNIT_EXPECT_EQ(test, req.private_data[1], 0xbbULL);
	/* without PDP, qw2/qw3 are reserved */
	qw[0] = 0x0020000000000001ULL;
	KUNIT_EXPECT_EQ(test, vsva_page_req_decode(qw, 4, &req),
			VSVA_QI_ERR_RSVD);
	qw[2] = 0;
	qw[3] = 0;
	KUNIT_EXPECT_EQ(test, vsva_page_req_decode(qw, 4, &req), 0);
	KUNIT_EXPECT_EQ(test, vsva_page_req_decode(qw, 3, &req),
			VSVA_QI_ERR_ARG);
}

struct prq_bad_case {
	const char *name;
	u64 qw0;
	int ret;
};

static const struct prq_bad_case prq_bad_cases[] = {
	{ "type-0", 0x0, VSVA_QI_ERR_TYPE },
	/* type 2: a 2.x-era page stream / no 3.x meaning */
	{ "type-2", 0x2, VSVA_QI_ERR_TYPE },
	{ "type-0xff", 0xff, VSVA_QI_ERR_TYPE },
	/* type 0x81: bit 7 of the eight-bit type */
	{ "type-0x81", 0x81, VSVA_QI_ERR_TYPE },
	{ "rsvd-bit10", 0x401, VSVA_QI_ERR_RSVD },
	{ "rsvd-bit15", 0x8001, VSVA_QI_ERR_RSVD },
	{ "rsvd-bit54", 0x0040000000000001ULL, VSVA_QI_ERR_RSVD },
	{ "rsvd-bit63", 0x8000000000000001ULL, VSVA_QI_ERR_RSVD },
};

KUNIT_ARRAY_PARAM_DESC(prq_bad, prq_bad_cases, name);

static void prq_reject(struct kunit *test)
{
	const struct prq_bad_case *c = test->param_value;
	u64 qw[4] = { c->qw0, 0x1000, 0, 0 };
	struct vsva_page_req req;

	KUNIT_EXPECT_EQ(test, vsva_page_req_decode(qw, 4, &req), c->ret);
	KUNIT_EXPECT_EQ(test, vsva_page_req_decode(qw, 2, &req), c->ret);
}

static void prq_rsvd_sweep(struct kunit *test)
{
	unsigned int bit;

	/* VTD_PRQ_RSVD0 by hand: 15:10 (0xfc00) | 63:54 (0xffc0000000000000) */
	KUNIT_EXPECT_EQ(test, (u64)VTD_PRQ_RSVD0, 0xffc000000000fc00ULL);
	for (bit = 0; bit < 64; bit++) {
		u64 qw[4];
		struct vsva_page_req req;
		int ret;

		memcpy(qw, prq_vec, sizeof(qw));
		qw[0] ^= BIT_ULL(bit);
		ret = vsva_page_req_decode(qw, 4, &req);
		if (bit < 8)
			KUNIT_EXPECT_EQ_MSG(test, ret, VSVA_QI_ERR_TYPE,
					    "bit %u", bit);
		else if (0xffc000000000fc00ULL & BIT_ULL(bit))
			KUNIT_EXPECT_EQ_MSG(test, ret, VSVA_QI_ERR_RSVD,
					    "bit %u", bit);
		else
			KUNIT_EXPECT_EQ_MSG(test, ret, 0, "bit %u", bit);
		/* qw1 has no reserved bits */
		memcpy(qw, prq_vec, sizeof(qw));
		qw[1] ^= BIT_ULL(bit);
		KUNIT_EXPECT_EQ(test, vsva_page_req_decode(qw, 4, &req), 0);
	}
}

struct prq_rt_case {
	const char *name;
	struct vsva_page_req req;
};

static const struct prq_rt_case prq_rt_cases[] = {
	{ "read-no-pasid", { .rid = 0x10, .r = true, .addr = 0x1000 } },
	{ "write-pasid", { .rid = 0xffff, .pasid_present = true, .pasid = 0xfffff, .w = true, .addr = 0xfffffffffffff000ULL } },
	{ "exec-priv-lpig", { .rid = 1, .pasid_present = true, .pasid = 1, .x = true, .priv = true, .r = true, .lpig = true, .prg_index = 0x1ff } },
	{ "private-data", { .rid = 2, .r = true, .w = true, .pdp = true, .prg_index = 3, .private_data = { 1, ~0ULL } } },
};

KUNIT_ARRAY_PARAM_DESC(prq_rt, prq_rt_cases, name);

static void prq_roundtrip(struct kunit *test)
{
	const struct prq_rt_case *c = test->param_value;
	struct vsva_page_req req;
	u64 qw[4];

	KUNIT_ASSERT_EQ(test, vsva_page_req_encode(&c->req, qw), 0);
	KUNIT_EXPECT_EQ(test, qw[0] & 0xff, 1ULL);
	KUNIT_ASSERT_EQ(test, vsva_page_req_decode(qw, 4, &req), 0);
	KUNIT_EXPECT_TRUE(test, vsva_page_req_equal(&req, &c->req));
}

static void prq_encode_errors(struct kunit *test)
{
	struct vsva_page_req req = { .addr = 0x1000 };
	u64 qw[4];

	req.pasid = 0x100000;
	KUNIT_EXPECT_EQ(test, vsva_page_req_encode(&req, qw), VSVA_QI_ERR_FIELD);
	req.pasid = 0;
	req.prg_index = 0x200;
	KUNIT_EXPECT_EQ(test, vsva_page_req_encode(&req, qw), VSVA_QI_ERR_FIELD);
	req.prg_index = 0;
	req.addr = 0x1800;
	KUNIT_EXPECT_EQ(test, vsva_page_req_encode(&req, qw), VSVA_QI_ERR_FIELD);
	req.addr = 0x1000;
	req.private_data[0] = 1;	/* without PDP */
	KUNIT_EXPECT_EQ(test, vsva_page_req_encode(&req, qw), VSVA_QI_ERR_FIELD);
	req.pdp = true;
	KUNIT_EXPECT_EQ(test, vsva_page_req_encode(&req, qw), 0);
}

/* The response to a request is what Linux's prq.c would submit. */
static void prq_response(struct kunit *test)
{
	struct vsva_page_req req;
	struct vsva_inv_op op;
	u64 qw[4];

	KUNIT_ASSERT_EQ(test, vsva_page_req_decode(prq_vec, 4, &req), 0);
	vsva_page_resp_op(&req, VTD_PRG_RESP_INVALID, &op);
	KUNIT_ASSERT_EQ(test, vsva_qi_encode(&op, 256, qw), 0);
	/* = the "pgrp-invalid" vector (handle_bad_prq_event) */
	KUNIT_EXPECT_EQ(test, qw[0], 0x0000002a03001019ULL);
	KUNIT_EXPECT_EQ(test, qw[1], 0x0000000000000ffcULL);
	KUNIT_EXPECT_EQ(test, qw[2], 0ULL);
	KUNIT_EXPECT_EQ(test, qw[3], 0ULL);

	vsva_page_resp_op(&req, VTD_PRG_RESP_SUCCESS, &op);
	KUNIT_ASSERT_EQ(test, vsva_qi_encode(&op, 256, qw), 0);
	KUNIT_EXPECT_EQ(test, qw[0], 0x0000002a03000019ULL);	/* RC 0 */

	vsva_page_resp_op(&req, VTD_PRG_RESP_FAILURE, &op);
	KUNIT_ASSERT_EQ(test, vsva_qi_encode(&op, 256, qw), 0);
	KUNIT_EXPECT_EQ(test, qw[0], 0x0000002a0300f019ULL);	/* RC 0xf */

	/* a response cannot go through a 128-bit queue */
	KUNIT_EXPECT_EQ(test, vsva_qi_encode(&op, 128, qw), VSVA_QI_ERR_TYPE);
	/* and a reserved code is refused */
	vsva_page_resp_op(&req, 3, &op);
	KUNIT_EXPECT_EQ(test, vsva_qi_encode(&op, 256, qw), VSVA_QI_ERR_FIELD);
}

/* ---- Describe ----------------------------------------------------------- */

#define DESC_MAX 24

struct desc_rec {
	unsigned int n;
	const char *name[DESC_MAX];
	u64 val[DESC_MAX];
	enum vsva_fmt fmt[DESC_MAX];
	const char *str[DESC_MAX];
};

static void desc_field(struct vsva_describe *d, const char *name, u64 val,
		       enum vsva_fmt fmt, const char *str)
{
	struct desc_rec *r = d->ctx;

	if (r->n >= DESC_MAX)
		return;
	r->name[r->n] = name;
	r->val[r->n] = val;
	r->fmt[r->n] = fmt;
	r->str[r->n] = str;
	r->n++;
}

static int desc_find(const struct desc_rec *r, const char *name)
{
	unsigned int i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->name[i], name))
			return (int)i;
	return -1;
}

static void qi_describe_piotlb(struct kunit *test)
{
	struct desc_rec *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct vsva_describe d = { .field = desc_field };
	const u64 qw[4] = { 0x0000123400050036ULL, 0x7040ULL, 0, 0 };
	int i;

	KUNIT_ASSERT_NOT_NULL(test, r);
	d.ctx = r;
	KUNIT_ASSERT_EQ(test, vsva_qi_describe(qw, 4, &d), 0);
	KUNIT_ASSERT_GE(test, r->n, 7U);
	KUNIT_EXPECT_STREQ(test, r->name[0], "type");
	KUNIT_EXPECT_EQ(test, r->fmt[0], VSVA_FMT_STR);
	KUNIT_EXPECT_STREQ(test, r->str[0], "pasid-iotlb");
	KUNIT_EXPECT_EQ(test, r->val[0], 6ULL);
	i = desc_find(r, "g");
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_EXPECT_EQ(test, r->val[i], 3ULL);
	i = desc_find(r, "did");
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_EXPECT_EQ(test, r->val[i], 5ULL);
	i = desc_find(r, "pasid");
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_EXPECT_EQ(test, r->val[i], 0x1234ULL);
	i = desc_find(r, "addr");
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_EXPECT_EQ(test, r->val[i], 0x7000ULL);
	KUNIT_EXPECT_EQ(test, r->fmt[i], VSVA_FMT_ADDR);
	i = desc_find(r, "ih");
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_EXPECT_EQ(test, r->val[i], 1ULL);
	i = desc_find(r, "am");
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_EXPECT_EQ(test, r->val[i], 0ULL);
}

static void qi_describe_devtlb_and_errors(struct kunit *test)
{
	struct desc_rec *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct vsva_describe d = { .field = desc_field };
	const u64 dt[2] = { 0x12300100001f4003ULL, 0x17001ULL };
	const u64 bad[2] = { 0x11 | BIT_ULL(63), 0 };
	int i;

	KUNIT_ASSERT_NOT_NULL(test, r);
	d.ctx = r;
	KUNIT_ASSERT_EQ(test, vsva_qi_describe(dt, 2, &d), 0);
	KUNIT_EXPECT_STREQ(test, r->str[0], "device-tlb");
	i = desc_find(r, "pfsid");
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_EXPECT_EQ(test, r->val[i], 0x1234ULL);
	KUNIT_EXPECT_LT(test, desc_find(r, "pfsid_hi"), 0);
	i = desc_find(r, "mip");
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_EXPECT_EQ(test, r->val[i], 0x1fULL);
	i = desc_find(r, "range_size_lg2");
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_EXPECT_EQ(test, r->val[i], 16ULL);
	i = desc_find(r, "range_addr");
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_EXPECT_EQ(test, r->val[i], 0x10000ULL);

	/* malformed: error, and nothing emitted */
	r->n = 0;
	KUNIT_EXPECT_EQ(test, vsva_qi_describe(bad, 2, &d), VSVA_QI_ERR_RSVD);
	KUNIT_EXPECT_EQ(test, r->n, 0U);
	KUNIT_EXPECT_EQ(test, vsva_qi_describe(bad, 3, &d), VSVA_QI_ERR_ARG);
	KUNIT_EXPECT_EQ(test, r->n, 0U);
}

static void prq_describe(struct kunit *test)
{
	struct desc_rec *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct vsva_describe d = { .field = desc_field };
	const u64 bad[4] = { 0x2, 0, 0, 0 };
	int i;

	KUNIT_ASSERT_NOT_NULL(test, r);
	d.ctx = r;
	KUNIT_ASSERT_EQ(test, vsva_page_req_describe(prq_vec, 4, &d), 0);
	KUNIT_EXPECT_STREQ(test, r->name[0], "type");
	KUNIT_EXPECT_STREQ(test, r->str[0], "page-request");
	i = desc_find(r, "rid");
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_EXPECT_EQ(test, r->val[i], 0x300ULL);
	i = desc_find(r, "prgi");
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_EXPECT_EQ(test, r->val[i], 0x1ffULL);
	i = desc_find(r, "addr");
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_EXPECT_EQ(test, r->fmt[i], VSVA_FMT_ADDR);
	KUNIT_EXPECT_EQ(test, r->val[i], 0x7ffffffff000ULL);
	/* no private data without PDP */
	KUNIT_EXPECT_LT(test, desc_find(r, "private_data_lo"), 0);

	r->n = 0;
	KUNIT_EXPECT_EQ(test, vsva_page_req_describe(bad, 4, &d),
			VSVA_QI_ERR_TYPE);
	KUNIT_EXPECT_EQ(test, r->n, 0U);
}

static struct kunit_case qi_cases[] = {
	KUNIT_CASE_PARAM(qi_vector_encode, qi_vectors_gen_params),
	KUNIT_CASE_PARAM(qi_vector_decode, qi_vectors_gen_params),
	KUNIT_CASE(qi_accessors),
	KUNIT_CASE_PARAM(qi_rsvd_sweep, qi_rsvd_gen_params),
	KUNIT_CASE_PARAM(qi_type_check, qi_types_gen_params),
	KUNIT_CASE(qi_encode_type_errors),
	KUNIT_CASE_PARAM(qi_field_check, qi_fields_gen_params),
	KUNIT_CASE(qi_mamv_limit),
	KUNIT_CASE(qi_encode_field_errors),
	KUNIT_CASE_PARAM(qi_range_check, qi_ranges_gen_params),
	KUNIT_CASE_PARAM(qi_roundtrip, qi_rt_gen_params),
	KUNIT_CASE(qi_ignored_fields),
	KUNIT_CASE(qi_describe_piotlb),
	KUNIT_CASE(qi_describe_devtlb_and_errors),
	{}
};

static struct kunit_suite qi_suite = {
	.name = "vsva-qi",
	.test_cases = qi_cases,
};

static struct kunit_case prq_cases[] = {
	KUNIT_CASE(prq_vector),
	KUNIT_CASE(prq_priv_and_private_data),
	KUNIT_CASE_PARAM(prq_reject, prq_bad_gen_params),
	KUNIT_CASE(prq_rsvd_sweep),
	KUNIT_CASE_PARAM(prq_roundtrip, prq_rt_gen_params),
	KUNIT_CASE(prq_encode_errors),
	KUNIT_CASE(prq_response),
	KUNIT_CASE(prq_describe),
	{}
};

static struct kunit_suite prq_suite = {
	.name = "vsva-prq-desc",
	.test_cases = prq_cases,
};

kunit_test_suites(&qi_suite, &prq_suite);
