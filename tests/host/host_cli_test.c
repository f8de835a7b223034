// SPDX-License-Identifier: GPL-2.0
/*
 * `nestmed host check` / `nestmed host xml`: the parsing, the judgement of
 * each capability, the vIOMMU column and the domain XML.  User-space runner
 * only.  The CLI's logic files are not part of the test link (the Makefile
 * links host/cli/ into build/nestmed only), so they are compiled here;
 * they do no I/O.  tests/cli/host.sh runs the real binary on sysfs trees.
 *
 * Fixtures, written as literals and decoded by hand:
 *  - QEMU 7.2 guest (../shared/refs/qemu-7.2-guest.md, measured): cap
 *    d2008c22260286, ecap 480080f00f4a; with x-pasid-mode ecap
 *    490080f00f4a.
 *  - a modern part: the simulated unit's defaults (host/sim/iommu.c
 *    sim_iommu_default_cfg), cap 1112078c60380c06, ecap 3ed9ca40050c6.
 */
#include <kunit/test.h>

#include "host_check.h"

#include "iommu.h"	/* host/sim: sim_iommu_default_cfg */

/*
 * QEMU 7.2 ecap 0x480080f00f4a = bits 1 QI, 3 IR, 6 PT, 8-11 (IRO 0xf),
 * 20-23 (MHMV 0xf), 31 SRS, 43 SMTS, 46 SLTS:
 *   0x2 + 0x8 + 0x40 + 0xf00 + 0xf00000 + 0x80000000
 *   + 0x80000000000 + 0x400000000000 = 0x480080f00f4a.
 * No PASID (40), FLTS (47), NEST (26), PRS (29), PDS (42), DT (2), SC (7).
 * cap 0xd2008c22260286: bit 7 CM = 1 (0x86 = 1000 0110b), bit 56 FL1GP
 * and bit 60 FL5LP clear (0x00d2... has bits 55, 54, 52 and 49 set).
 */
#define QEMU72_CAP		0xd2008c22260286ULL
#define QEMU72_ECAP		0x480080f00f4aULL
/* x-pasid-mode=on: + bit 40 PASID (0x10000000000), PSS stays 0. */
#define QEMU72_ECAP_PASID	0x490080f00f4aULL

/*
 * Simulated modern unit, CAP: ND 6 (0x6) | SAGAW 0xc << 8 (0xc00) |
 * MGAW 56 << 16 (0x380000) | FRO 0x60 << 24 (0x60000000) |
 * SLLPS 3 << 34 (0xc00000000) | PSI 1 << 39 (0x8000000000) |
 * NFR 7 << 40 (0x70000000000) | MAMV 18 << 48 (0x12000000000000) |
 * FL1GP 1 << 56 | FL5LP 1 << 60 = 0x1112078c60380c06.
 */
#define MODERN_CAP		0x1112078c60380c06ULL
/*
 * ECAP: QI 0x2 | DT 0x4 | PT 0x40 | SC 0x80 | IRO 0x50 << 8 (0x5000) |
 * NEST 1 << 26 (0x4000000) | PRS 1 << 29 (0x20000000) |
 * SRS 1 << 31 (0x80000000) | EAFS 1 << 34 (0x400000000) |
 * PSS 19 << 35 (0x9800000000) | PASID 1 << 40 | PDS 1 << 42 |
 * SMTS 1 << 43 | SLADS 1 << 45 | SLTS 1 << 46 | FLTS 1 << 47 |
 * SMPWC 1 << 48 | RPS 1 << 49 = 0x3ed9ca40050c6.
 */
#define MODERN_ECAP		0x3ed9ca40050c6ULL
/* CAP.CM is bit 7. */
#define CAP_CM			(1ULL << 7)

static void eval(struct host_check_unit *u, u64 cap, u64 ecap,
		 const struct viommu_policy *pol)
{
	struct viommu_policy def;

	if (!pol) {
		viommu_default_policy(&def);
		pol = &def;
	}
	memset(u, 0, sizeof(*u));
	u->cap = cap;
	u->ecap = ecap;
	host_check_eval(u, pol);
}

static enum host_check_status st(const struct host_check_unit *u,
				 enum host_check_id id)
{
	return u->items[id].status;
}

static enum host_offer off(const struct host_check_unit *u,
			   enum host_check_id id)
{
	return u->items[id].offer;
}

/* ------------------------------------------------------------------ */
/* sysfs value parsing                                                */
/* ------------------------------------------------------------------ */
struct ver_case {
	const char *desc, *in;
	u8 major, minor;
};

/* Input that must be refused. */
struct bad_case {
	const char *desc, *in;
};

static const struct ver_case ver_ok_cases[] = {
	{ "qemu 1:0 newline", "1:0\n", 1, 0 },
	{ "no newline", "6:1", 6, 1 },
	{ "max 15:15", "15:15\n", 15, 15 },
	{ "zero", "0:0\n", 0, 0 },
};
KUNIT_ARRAY_PARAM_DESC(ver_ok, ver_ok_cases, desc);

static void version_parses(struct kunit *test)
{
	const struct ver_case *c = test->param_value;
	u8 ma = 0xff, mi = 0xff;

	KUNIT_ASSERT_EQ(test, host_check_parse_version(c->in, &ma, &mi), 0);
	KUNIT_EXPECT_EQ(test, ma, c->major);
	KUNIT_EXPECT_EQ(test, mi, c->minor);
}

static const struct bad_case ver_bad_cases[] = {
	{ "empty", "" },
	{ "newline only", "\n" },
	{ "no minor", "1:" },
	{ "no major", ":0" },
	{ "no colon", "10" },
	{ "three parts", "1:0:0" },
	{ "hex", "a:b" },
	{ "two newlines", "1:0\n\n" },
	{ "leading space", " 1:0" },
	{ "major 16 (4-bit field)", "16:0" },
	{ "dot", "1.0" },
};
KUNIT_ARRAY_PARAM_DESC(ver_bad, ver_bad_cases, desc);

static void version_rejects_garbage(struct kunit *test)
{
	const struct bad_case *c = test->param_value;
	u8 ma = 0x5a, mi = 0x5a;

	KUNIT_EXPECT_EQ(test, host_check_parse_version(c->in, &ma, &mi), -EINVAL);
	KUNIT_EXPECT_EQ(test, ma, 0x5a);
	KUNIT_EXPECT_EQ(test, mi, 0x5a);
}

struct reg_case {
	const char *desc, *in;
	u64 val;
};

static const struct reg_case reg_ok_cases[] = {
	{ "qemu cap", "d2008c22260286\n", 0xd2008c22260286ULL },
	{ "qemu ecap", "480080f00f4a\n", 0x480080f00f4aULL },
	{ "zero", "0\n", 0 },
	{ "16 digits", "ffffffffffffffff\n", ~0ULL },
	{ "upper case, no newline", "ABCdef", 0xabcdefULL },
};
KUNIT_ARRAY_PARAM_DESC(reg_ok, reg_ok_cases, desc);

static void reg_parses(struct kunit *test)
{
	const struct reg_case *c = test->param_value;
	u64 v = 0x5a5a;

	KUNIT_ASSERT_EQ(test, host_check_parse_reg(c->in, &v), 0);
	KUNIT_EXPECT_EQ(test, v, c->val);
}

static const struct bad_case reg_bad_cases[] = {
	{ "empty", "" },
	{ "newline only", "\n" },
	{ "0x prefix (cap_show prints none)", "0x12\n" },
	{ "not hex", "12g4\n" },
	{ "17 digits", "11111111111111111\n" },
	{ "trailing space", "12 \n" },
	{ "negative", "-1\n" },
	{ "two values", "12\n34\n" },
};
KUNIT_ARRAY_PARAM_DESC(reg_bad, reg_bad_cases, desc);

static void reg_rejects_garbage(struct kunit *test)
{
	const struct bad_case *c = test->param_value;
	u64 v = 0x5a5a;

	KUNIT_EXPECT_EQ(test, host_check_parse_reg(c->in, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, v, 0x5a5a);
}

/* ------------------------------------------------------------------ */
/* verdicts                                                           */
/* ------------------------------------------------------------------ */
static void qemu72_not_ready(struct kunit *test)
{
	static const enum host_check_id missing[] = {
		HOST_CHK_PASID, HOST_CHK_FLTS, HOST_CHK_NEST, HOST_CHK_PRS,
		HOST_CHK_PDS, HOST_CHK_DT,
	};
	struct host_check_unit u;
	unsigned int i;

	eval(&u, QEMU72_CAP, QEMU72_ECAP, NULL);
	KUNIT_EXPECT_FALSE(test, u.ready);
	KUNIT_EXPECT_EQ(test, u.nmissing, ARRAY_SIZE(missing));
	for (i = 0; i < ARRAY_SIZE(missing); i++) {
		KUNIT_EXPECT_EQ(test, st(&u, missing[i]), HOST_ST_MISSING);
		KUNIT_EXPECT_NOT_NULL(test, u.items[missing[i]].note);
	}
	KUNIT_EXPECT_EQ(test, st(&u, HOST_CHK_SMTS), HOST_ST_OK);
	KUNIT_EXPECT_EQ(test, st(&u, HOST_CHK_SLTS), HOST_ST_OK);
	KUNIT_EXPECT_EQ(test, st(&u, HOST_CHK_QI), HOST_ST_OK);
	/* A QEMU guest's unit has CM = 1: nested-of-nested, a warning. */
	KUNIT_EXPECT_EQ(test, st(&u, HOST_CHK_CM), HOST_ST_WARN);
	KUNIT_EXPECT_EQ(test, st(&u, HOST_CHK_SC), HOST_ST_WARN);
	KUNIT_EXPECT_EQ(test, u.nwarn, 2);
	KUNIT_EXPECT_STREQ(test, u.items[HOST_CHK_FLTS].key, "flts");
}

static void qemu72_pasid_mode_is_narrow(struct kunit *test)
{
	struct host_check_unit u;
	char buf[32];

	eval(&u, QEMU72_CAP, QEMU72_ECAP_PASID, NULL);
	KUNIT_EXPECT_FALSE(test, u.ready);
	/* PSS 0: one PASID bit, present but a warning. */
	KUNIT_EXPECT_EQ(test, st(&u, HOST_CHK_PASID), HOST_ST_WARN);
	KUNIT_EXPECT_EQ(test, u.items[HOST_CHK_PASID].host_val, 1);
	host_check_host_text(&u.items[HOST_CHK_PASID], buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "1 bits");
	KUNIT_EXPECT_EQ(test, u.nmissing, 5);
}

static void modern_part_ready(struct kunit *test)
{
	struct host_check_unit u;
	unsigned int i;

	eval(&u, MODERN_CAP, MODERN_ECAP, NULL);
	KUNIT_EXPECT_TRUE(test, u.ready);
	KUNIT_EXPECT_EQ(test, u.nmissing, 0);
	KUNIT_EXPECT_EQ(test, u.nwarn, 0);
	KUNIT_EXPECT_EQ(test, u.items[HOST_CHK_PASID].host_val, 20);
	for (i = 0; i < HOST_CHK_COUNT; i++) {
		KUNIT_EXPECT_EQ(test, u.items[i].id, i);
		if (i != HOST_CHK_VCS)
			KUNIT_EXPECT_EQ_MSG(test, st(&u, i), HOST_ST_OK,
					    "row %s", u.items[i].key);
	}
}

/* The fixture is the simulated unit's configuration, not a guess. */
static void sim_default_cfg_is_the_fixture(struct kunit *test)
{
	struct sim_iommu_cfg cfg;
	struct host_check_unit u;

	sim_iommu_default_cfg(&cfg);
	KUNIT_EXPECT_EQ(test, cfg.cap, MODERN_CAP);
	KUNIT_EXPECT_EQ(test, cfg.ecap, MODERN_ECAP);
	eval(&u, cfg.cap, cfg.ecap, NULL);
	KUNIT_EXPECT_TRUE(test, u.ready);
}

static void host_caching_mode_warns(struct kunit *test)
{
	struct host_check_unit u;
	char buf[32];

	eval(&u, MODERN_CAP | CAP_CM, MODERN_ECAP, NULL);
	KUNIT_EXPECT_TRUE(test, u.ready);
	KUNIT_EXPECT_EQ(test, st(&u, HOST_CHK_CM), HOST_ST_WARN);
	KUNIT_EXPECT_EQ(test, u.nwarn, 1);
	host_check_host_text(&u.items[HOST_CHK_CM], buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "CM=1");
}

struct req_case {
	const char *desc;
	enum host_check_id id;
	bool in_cap;
	unsigned int bit;
};

/* VT-d 3.x 11.4.3 ECAP_REG bit positions (Linux 6.12 iommu.h agrees). */
static const struct req_case req_cases[] = {
	{ "SMTS ecap 43", HOST_CHK_SMTS, false, 43 },
	{ "QI ecap 1", HOST_CHK_QI, false, 1 },
	{ "PASID ecap 40", HOST_CHK_PASID, false, 40 },
	{ "FLTS ecap 47", HOST_CHK_FLTS, false, 47 },
	{ "SLTS ecap 46", HOST_CHK_SLTS, false, 46 },
	{ "NEST ecap 26", HOST_CHK_NEST, false, 26 },
	{ "PRS ecap 29", HOST_CHK_PRS, false, 29 },
	{ "PDS ecap 42", HOST_CHK_PDS, false, 42 },
	{ "DT ecap 2", HOST_CHK_DT, false, 2 },
};
KUNIT_ARRAY_PARAM_DESC(req, req_cases, desc);

static void each_required_bit_blocks(struct kunit *test)
{
	const struct req_case *c = test->param_value;
	struct host_check_unit u;
	unsigned int i;

	eval(&u, MODERN_CAP, MODERN_ECAP & ~(1ULL << c->bit), NULL);
	KUNIT_EXPECT_FALSE(test, u.ready);
	KUNIT_EXPECT_EQ(test, u.nmissing, 1);
	KUNIT_EXPECT_EQ(test, st(&u, c->id), HOST_ST_MISSING);
	KUNIT_EXPECT_EQ(test, u.items[c->id].need, HOST_NEED_REQUIRED);
	KUNIT_EXPECT_NOT_NULL(test, u.items[c->id].note);
	for (i = 0; i < HOST_CHK_COUNT; i++)
		if (i != c->id)
			KUNIT_EXPECT_NE(test, st(&u, i), HOST_ST_MISSING);
}

/* CAP.FL1GP 56, CAP.FL5LP 60, ECAP.PT 6, ECAP.SLADS 45: never blocking. */
static const struct req_case info_cases[] = {
	{ "FL5LP cap 60", HOST_CHK_FL5LP, true, 60 },
	{ "FL1GP cap 56", HOST_CHK_FL1GP, true, 56 },
	{ "PT ecap 6", HOST_CHK_PT, false, 6 },
	{ "SLADS ecap 45", HOST_CHK_SLADS, false, 45 },
};
KUNIT_ARRAY_PARAM_DESC(info, info_cases, desc);

static void optional_bits_only_inform(struct kunit *test)
{
	const struct req_case *c = test->param_value;
	u64 cap = MODERN_CAP, ecap = MODERN_ECAP;
	struct host_check_unit u;

	if (c->in_cap)
		cap &= ~(1ULL << c->bit);
	else
		ecap &= ~(1ULL << c->bit);
	eval(&u, cap, ecap, NULL);
	KUNIT_EXPECT_TRUE(test, u.ready);
	KUNIT_EXPECT_EQ(test, u.nwarn, 0);
	KUNIT_EXPECT_EQ(test, st(&u, c->id), HOST_ST_INFO);
	KUNIT_EXPECT_NOT_NULL(test, u.items[c->id].note);
	/* What the host lacks, the vIOMMU does not offer. */
	KUNIT_EXPECT_EQ(test, off(&u, c->id), HOST_OFFER_NO);
}

static void snoop_control_recommended(struct kunit *test)
{
	struct host_check_unit u;

	/* ECAP.SC is bit 7. */
	eval(&u, MODERN_CAP, MODERN_ECAP & ~(1ULL << 7), NULL);
	KUNIT_EXPECT_TRUE(test, u.ready);
	KUNIT_EXPECT_EQ(test, st(&u, HOST_CHK_SC), HOST_ST_WARN);
	KUNIT_EXPECT_EQ(test, u.nwarn, 1);
}

/* ------------------------------------------------------------------ */
/* the vIOMMU column and the policy                                   */
/* ------------------------------------------------------------------ */
static void viommu_offers_first_stage_only(struct kunit *test)
{
	struct host_check_unit u;

	eval(&u, MODERN_CAP, MODERN_ECAP, NULL);
	KUNIT_ASSERT_TRUE(test, u.viommu_ok);
	KUNIT_EXPECT_EQ(test, off(&u, HOST_CHK_SMTS), HOST_OFFER_YES);
	KUNIT_EXPECT_EQ(test, off(&u, HOST_CHK_FLTS), HOST_OFFER_YES);
	KUNIT_EXPECT_EQ(test, off(&u, HOST_CHK_SLTS), HOST_OFFER_NO);
	KUNIT_EXPECT_EQ(test, off(&u, HOST_CHK_NEST), HOST_OFFER_NO);
	KUNIT_EXPECT_EQ(test, off(&u, HOST_CHK_PRS), HOST_OFFER_YES);
	KUNIT_EXPECT_EQ(test, off(&u, HOST_CHK_PDS), HOST_OFFER_YES);
	KUNIT_EXPECT_EQ(test, off(&u, HOST_CHK_DT), HOST_OFFER_YES);
	KUNIT_EXPECT_EQ(test, off(&u, HOST_CHK_VCS), HOST_OFFER_NO);
	/* Caching mode is always on in the vIOMMU. */
	KUNIT_EXPECT_EQ(test, off(&u, HOST_CHK_CM), HOST_OFFER_YES);
	KUNIT_EXPECT_EQ(test, u.items[HOST_CHK_PASID].offer_val, 20);
	/* Cross-check the row against the register: ECAP.FLTS bit 47. */
	KUNIT_EXPECT_TRUE(test, (u.vecap >> 47) & 1);
	KUNIT_EXPECT_TRUE(test, (u.vcap >> 7) & 1);
}

static void viommu_needs_nesting_for_first_stage(struct kunit *test)
{
	struct host_check_unit u;

	/* ECAP.NEST bit 26 clear. */
	eval(&u, MODERN_CAP, MODERN_ECAP & ~(1ULL << 26), NULL);
	KUNIT_EXPECT_EQ(test, st(&u, HOST_CHK_NEST), HOST_ST_MISSING);
	KUNIT_EXPECT_EQ(test, off(&u, HOST_CHK_FLTS), HOST_OFFER_NO);
	/* Without a first stage there are no first-stage page sizes. */
	KUNIT_EXPECT_EQ(test, off(&u, HOST_CHK_FL5LP), HOST_OFFER_NO);
	KUNIT_EXPECT_EQ(test, off(&u, HOST_CHK_FL1GP), HOST_OFFER_NO);
}

static void slts_policy_shadows_without_nesting(struct kunit *test)
{
	struct viommu_policy pol;
	struct host_check_unit u;

	viommu_default_policy(&pol);
	pol.slts = true;
	/* No NEST (26), no FLTS (47): software shadow of second stage. */
	eval(&u, MODERN_CAP, MODERN_ECAP & ~(1ULL << 26) & ~(1ULL << 47), &pol);
	KUNIT_EXPECT_TRUE(test, u.ready);
	KUNIT_EXPECT_EQ(test, st(&u, HOST_CHK_NEST), HOST_ST_WARN);
	KUNIT_EXPECT_EQ(test, st(&u, HOST_CHK_FLTS), HOST_ST_WARN);
	KUNIT_EXPECT_EQ(test, u.items[HOST_CHK_NEST].need, HOST_NEED_RECOMMENDED);
	KUNIT_EXPECT_EQ(test, off(&u, HOST_CHK_SLTS), HOST_OFFER_YES);
	KUNIT_EXPECT_EQ(test, off(&u, HOST_CHK_FLTS), HOST_OFFER_NO);
	/* The same unit under the default policy is not ready. */
	eval(&u, MODERN_CAP, MODERN_ECAP & ~(1ULL << 26) & ~(1ULL << 47), NULL);
	KUNIT_EXPECT_FALSE(test, u.ready);
	KUNIT_EXPECT_EQ(test, u.nmissing, 2);
}

static void policy_pasid_width_is_clipped(struct kunit *test)
{
	struct viommu_policy pol;
	struct host_check_unit u;

	viommu_default_policy(&pol);
	pol.pasid_bits = 10;
	eval(&u, MODERN_CAP, MODERN_ECAP, &pol);
	KUNIT_EXPECT_EQ(test, u.items[HOST_CHK_PASID].offer_val, 10);
	/* Never wider than the physical (PSS 19: 20 bits). */
	pol.pasid_bits = 24;
	eval(&u, MODERN_CAP, MODERN_ECAP, &pol);
	KUNIT_EXPECT_EQ(test, u.items[HOST_CHK_PASID].offer_val, 20);
}

static void policy_prs_off_relaxes_prs(struct kunit *test)
{
	struct viommu_policy pol;
	struct host_check_unit u;

	viommu_default_policy(&pol);
	pol.prs = false;
	pol.dt = false;
	/* No PRS (29), PDS (42), DT (2) on the host: fine by this policy. */
	eval(&u, MODERN_CAP,
	     MODERN_ECAP & ~(1ULL << 29) & ~(1ULL << 42) & ~(1ULL << 2), &pol);
	KUNIT_EXPECT_TRUE(test, u.ready);
	KUNIT_EXPECT_EQ(test, st(&u, HOST_CHK_PRS), HOST_ST_INFO);
	KUNIT_EXPECT_EQ(test, st(&u, HOST_CHK_PDS), HOST_ST_INFO);
	KUNIT_EXPECT_EQ(test, st(&u, HOST_CHK_DT), HOST_ST_INFO);
	/* With the host having them, the policy still withholds them. */
	eval(&u, MODERN_CAP, MODERN_ECAP, &pol);
	KUNIT_EXPECT_EQ(test, off(&u, HOST_CHK_PRS), HOST_OFFER_NO);
	KUNIT_EXPECT_EQ(test, off(&u, HOST_CHK_DT), HOST_OFFER_NO);
}

static void vcmd_policy_offers_vcs(struct kunit *test)
{
	struct viommu_policy pol;
	struct host_check_unit u;

	viommu_default_policy(&pol);
	pol.pasid_ns = VIOMMU_PASID_VCMD;
	eval(&u, MODERN_CAP, MODERN_ECAP, &pol);
	KUNIT_EXPECT_EQ(test, off(&u, HOST_CHK_VCS), HOST_OFFER_YES);
	KUNIT_ASSERT_NOT_NULL(test, u.items[HOST_CHK_VCS].note);
	KUNIT_EXPECT_NOT_NULL(test, strstr(u.items[HOST_CHK_VCS].note, "VCMD PASID namespace"));
	/* ECAP.VCS is bit 44 of what the guest would read. */
	KUNIT_EXPECT_TRUE(test, (u.vecap >> 44) & 1);
}

static void no_viommu_without_scalable_mode(struct kunit *test)
{
	struct host_check_unit u;
	char buf[32];

	/* Legacy-only unit: ECAP.SMTS (43) clear. */
	eval(&u, MODERN_CAP, MODERN_ECAP & ~(1ULL << 43), NULL);
	KUNIT_EXPECT_FALSE(test, u.viommu_ok);
	KUNIT_EXPECT_EQ(test, u.viommu_err, -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, off(&u, HOST_CHK_FLTS), HOST_OFFER_NA);
	host_check_offer_text(&u.items[HOST_CHK_FLTS], buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "-");
}

static void names_are_stable(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, host_check_status_name(HOST_ST_MISSING), "MISSING");
	KUNIT_EXPECT_STREQ(test, host_check_status_name(HOST_ST_OK), "ok");
	KUNIT_EXPECT_STREQ(test, host_check_need_name(HOST_NEED_REQUIRED), "required");
	KUNIT_EXPECT_STREQ(test, host_check_need_name(HOST_NEED_INFO), "info");
}

/* ------------------------------------------------------------------ */
/* host xml                                                           */
/* ------------------------------------------------------------------ */
struct bdf_case {
	const char *desc, *in;
	u16 domain;
	u8 bus, dev, fn;
};

static const struct bdf_case bdf_ok_cases[] = {
	{ "full", "0000:3b:00.0", 0, 0x3b, 0, 0 },
	{ "short", "3b:00.1", 0, 0x3b, 0, 1 },
	{ "max", "ffff:ff:1f.7", 0xffff, 0xff, 0x1f, 7 },
	{ "upper case", "00AB:CD:1E.6", 0xab, 0xcd, 0x1e, 6 },
};
KUNIT_ARRAY_PARAM_DESC(bdf_ok, bdf_ok_cases, desc);

static void bdf_parses(struct kunit *test)
{
	const struct bdf_case *c = test->param_value;
	struct host_bdf b;

	memset(&b, 0xa5, sizeof(b));
	KUNIT_ASSERT_EQ(test, host_xml_parse_bdf(c->in, &b), 0);
	KUNIT_EXPECT_EQ(test, b.domain, c->domain);
	KUNIT_EXPECT_EQ(test, b.bus, c->bus);
	KUNIT_EXPECT_EQ(test, b.dev, c->dev);
	KUNIT_EXPECT_EQ(test, b.fn, c->fn);
}

static const struct bad_case bdf_bad_cases[] = {
	{ "empty", "" },
	{ "no function", "3b:00" },
	{ "device 0x20", "0000:3b:20.0" },
	{ "function 8", "0000:3b:00.8" },
	{ "5-digit domain", "00000:3b:00.0" },
	{ "1-digit device", "3b:0.0" },
	{ "trailing space", "3b:00.0 " },
	{ "not hex", "zz:00.0" },
	{ "dash", "0000-3b:00.0" },
	{ "quote injection", "3b:00.0'" },
};
KUNIT_ARRAY_PARAM_DESC(bdf_bad, bdf_bad_cases, desc);

static void bdf_rejects_garbage(struct kunit *test)
{
	const struct bad_case *c = test->param_value;
	struct host_bdf b;

	KUNIT_EXPECT_EQ(test, host_xml_parse_bdf(c->in, &b), -EINVAL);
}

static void name_rules(struct kunit *test)
{
	char longest[HOST_XML_NAME_MAX + 2];

	KUNIT_EXPECT_EQ(test, host_xml_check_name("l1-vm"), 0);
	KUNIT_EXPECT_EQ(test, host_xml_check_name("a&b <c> 'd' \"e\""), 0);
	KUNIT_EXPECT_EQ(test, host_xml_check_name(""), -EINVAL);
	KUNIT_EXPECT_EQ(test, host_xml_check_name(" lead"), -EINVAL);
	KUNIT_EXPECT_EQ(test, host_xml_check_name("a/b"), -EINVAL);
	KUNIT_EXPECT_EQ(test, host_xml_check_name("tab\there"), -EINVAL);
	KUNIT_EXPECT_EQ(test, host_xml_check_name("caf\xc3\xa9"), -EINVAL);
	memset(longest, 'x', sizeof(longest));
	longest[HOST_XML_NAME_MAX] = 0;
	KUNIT_EXPECT_EQ(test, host_xml_check_name(longest), 0);
	longest[HOST_XML_NAME_MAX] = 'x';
	longest[HOST_XML_NAME_MAX + 1] = 0;
	KUNIT_EXPECT_EQ(test, host_xml_check_name(longest), -EINVAL);
}

static void memory_and_vcpus(struct kunit *test)
{
	unsigned int n = 0;
	u64 m = 0;

	KUNIT_EXPECT_EQ(test, host_xml_parse_mib("4096", &m), 0);
	KUNIT_EXPECT_EQ(test, m, 4096);
	KUNIT_EXPECT_EQ(test, host_xml_parse_mib("256", &m), 0);
	KUNIT_EXPECT_EQ(test, host_xml_parse_mib("255", &m), -ERANGE);
	/* 16 TiB = 16777216 MiB is the top; one more is out. */
	KUNIT_EXPECT_EQ(test, host_xml_parse_mib("16777216", &m), 0);
	KUNIT_EXPECT_EQ(test, host_xml_parse_mib("16777217", &m), -ERANGE);
	KUNIT_EXPECT_EQ(test, host_xml_parse_mib("99999999999999999999999", &m),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, host_xml_parse_mib("4G", &m), -EINVAL);
	KUNIT_EXPECT_EQ(test, host_xml_parse_mib("-4096", &m), -EINVAL);
	KUNIT_EXPECT_EQ(test, host_xml_parse_mib("", &m), -EINVAL);
	KUNIT_EXPECT_EQ(test, host_xml_parse_vcpus("8", &n), 0);
	KUNIT_EXPECT_EQ(test, n, 8);
	KUNIT_EXPECT_EQ(test, host_xml_parse_vcpus("0", &n), -ERANGE);
	KUNIT_EXPECT_EQ(test, host_xml_parse_vcpus("256", &n), -ERANGE);
}

static void xml_escape(struct kunit *test)
{
	char buf[64], tiny[4];

	KUNIT_EXPECT_EQ(test, host_xml_escape(buf, sizeof(buf), "a&b<'\">"),
			(int)strlen("a&amp;b&lt;&apos;&quot;&gt;"));
	KUNIT_EXPECT_STREQ(test, buf, "a&amp;b&lt;&apos;&quot;&gt;");
	KUNIT_EXPECT_EQ(test, host_xml_escape(buf, sizeof(buf), "plain"), 5);
	KUNIT_EXPECT_STREQ(test, buf, "plain");
	KUNIT_EXPECT_EQ(test, host_xml_escape(tiny, sizeof(tiny), "&"), -ENOSPC);
	KUNIT_EXPECT_EQ(test, host_xml_escape(tiny, sizeof(tiny), "abcd"), -ENOSPC);
	KUNIT_EXPECT_EQ(test, host_xml_escape(tiny, sizeof(tiny), "abc"), 3);
}

static char xml_buf[16384];

static void xml_render_default(struct kunit *test)
{
	struct host_xml_cfg c = {
		.name = "l1 & <co>", .memory_mib = 8192, .vcpus = 4,
	};
	int n;

	KUNIT_ASSERT_EQ(test, host_xml_parse_bdf("0000:3b:00.0", &c.pf), 0);
	n = host_xml_render(xml_buf, sizeof(xml_buf), &c);
	KUNIT_ASSERT_GT(test, n, 0);
	KUNIT_EXPECT_EQ(test, (size_t)n, strlen(xml_buf));
	KUNIT_EXPECT_NOT_NULL(test, strstr(xml_buf, "<name>l1 &amp; &lt;co&gt;</name>"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(xml_buf, "machine='q35'"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(xml_buf, "<memory unit='MiB'>8192</memory>"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(xml_buf, "<vcpu placement='static'>4</vcpu>"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(xml_buf, "<ioapic driver='qemu'/>"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(xml_buf,
		"<hostdev mode='subsystem' type='pci' managed='yes'>"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(xml_buf,
		"<address domain='0x0000' bus='0x3b' slot='0x00' function='0x0'/>"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(xml_buf,
		"<driver intremap='on' caching_mode='on' iotlb='off' aw_bits='48'/>"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(xml_buf,
		"xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(xml_buf, "intel-iommu.x-scalable-mode=on"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(xml_buf, "intel-iommu.x-pasid-mode=on"));
	KUNIT_EXPECT_NULL(test, strstr(xml_buf, "l1 & <co>"));
}

static void xml_render_iotlb_drops_pasid_mode(struct kunit *test)
{
	struct host_xml_cfg c = {
		.name = "vm", .memory_mib = 4096, .vcpus = 2, .iotlb = true,
		.pf = { .domain = 0x12, .bus = 0x80, .dev = 0x1f, .fn = 7 },
	};

	KUNIT_ASSERT_GT(test, host_xml_render(xml_buf, sizeof(xml_buf), &c), 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(xml_buf, "iotlb='on'"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(xml_buf, "x-scalable-mode=on"));
	KUNIT_EXPECT_NULL(test, strstr(xml_buf, "intel-iommu.x-pasid-mode"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(xml_buf,
		"<address domain='0x0012' bus='0x80' slot='0x1f' function='0x7'/>"));
}

static void xml_render_refuses(struct kunit *test)
{
	struct host_xml_cfg c = { .name = "vm", .memory_mib = 4096, .vcpus = 2 };
	char small[200];

	KUNIT_EXPECT_EQ(test, host_xml_render(small, sizeof(small), &c), -ENOSPC);
	c.name = "a/b";
	KUNIT_EXPECT_EQ(test, host_xml_render(xml_buf, sizeof(xml_buf), &c), -EINVAL);
	c.name = "vm";
	c.memory_mib = 1;
	KUNIT_EXPECT_EQ(test, host_xml_render(xml_buf, sizeof(xml_buf), &c), -EINVAL);
	c.memory_mib = 4096;
	c.pf.dev = 0x20;
	KUNIT_EXPECT_EQ(test, host_xml_render(xml_buf, sizeof(xml_buf), &c), -EINVAL);
	c.pf.dev = 0;
	c.vcpus = 0;
	KUNIT_EXPECT_EQ(test, host_xml_render(xml_buf, sizeof(xml_buf), &c), -EINVAL);
}

static struct kunit_case host_cli_cases[] = {
	KUNIT_CASE_PARAM(version_parses, ver_ok_gen_params),
	KUNIT_CASE_PARAM(version_rejects_garbage, ver_bad_gen_params),
	KUNIT_CASE_PARAM(reg_parses, reg_ok_gen_params),
	KUNIT_CASE_PARAM(reg_rejects_garbage, reg_bad_gen_params),
	KUNIT_CASE(qemu72_not_ready),
	KUNIT_CASE(qemu72_pasid_mode_is_narrow),
	KUNIT_CASE(modern_part_ready),
	KUNIT_CASE(sim_default_cfg_is_the_fixture),
	KUNIT_CASE(host_caching_mode_warns),
	KUNIT_CASE_PARAM(each_required_bit_blocks, req_gen_params),
	KUNIT_CASE_PARAM(optional_bits_only_inform, info_gen_params),
	KUNIT_CASE(snoop_control_recommended),
	KUNIT_CASE(viommu_offers_first_stage_only),
	KUNIT_CASE(viommu_needs_nesting_for_first_stage),
	KUNIT_CASE(slts_policy_shadows_without_nesting),
	KUNIT_CASE(policy_pasid_width_is_clipped),
	KUNIT_CASE(policy_prs_off_relaxes_prs),
	KUNIT_CASE(vcmd_policy_offers_vcs),
	KUNIT_CASE(no_viommu_without_scalable_mode),
	KUNIT_CASE(names_are_stable),
	KUNIT_CASE_PARAM(bdf_parses, bdf_ok_gen_params),
	KUNIT_CASE_PARAM(bdf_rejects_garbage, bdf_bad_gen_params),
	KUNIT_CASE(name_rules),
	KUNIT_CASE(memory_and_vcpus),
	KUNIT_CASE(xml_escape),
	KUNIT_CASE(xml_render_default),
	KUNIT_CASE(xml_render_iotlb_drops_pasid_mode),
	KUNIT_CASE(xml_render_refuses),
	{}
};

static struct kunit_suite host_cli_suite = {
	.name = "host_cli",
	.test_cases = host_cli_cases,
};
kunit_test_suites(&host_cli_suite);
