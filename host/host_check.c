// SPDX-License-Identifier: GPL-2.0
/*
 * `nestmed host check`: the judgement, without I/O.
 *
 * What the host component needs from the physical unit in front of the PF
 * (issue 4; DESIGN.md "The flows"):
 *  - scalable mode, PASIDs and queued invalidation, because every nested
 *    mdev is one PASID entry of the PF and the shadow engine writes
 *    physical PASID entries and flushes them through the queue;
 *  - first stage, second stage and nesting, because a guest first-stage
 *    entry becomes a physical nested entry (guest table's GPA over the
 *    VM's second stage);
 *  - PRS + PDS + DT, because nmdev demand-pins L2 memory on I/O page faults
 *    and Linux 6.12 enables PRI on a device only when its IOMMU has DT,
 *    PRS and PDS (intel_iommu_probe_device: ats_supported, then
 *    pri_supported).
 *
 * The vIOMMU column is what viommu_derive_caps() (host/viommu.c) would
 * show the L1 VM under the policy: the vIOMMU's own rules (never more
 * than the host can honour, caching mode on, first stage only when the
 * physical unit nests, SLTS only by policy, NEST never, PASID no wider
 * than the physical, PRS/PDS/DT only when the physical has them, VCS only
 * in the VCMD PASID namespace), read back field by field.
 */
#include <stdio.h>

#include <nestmed/vtd.h>

#include "host_check.h"


/* Fewer PASID bits than this: a warning (2^n - 1 usable PASIDs per PF). */
#define HOST_PASID_BITS_WARN	8

static const struct {
	const char *key;
	const char *label;
	enum host_check_need need;
} host_rows[HOST_CHK_COUNT] = {
	[HOST_CHK_SMTS]	 = { "smts", "scalable mode (ECAP.SMTS)", HOST_NEED_REQUIRED },
	[HOST_CHK_QI]	 = { "qi", "queued invalidation (ECAP.QI)", HOST_NEED_REQUIRED },
	[HOST_CHK_PASID] = { "pasid", "PASID (ECAP.PASID, PSS)", HOST_NEED_REQUIRED },
	[HOST_CHK_FLTS]	 = { "flts", "first stage (ECAP.FLTS)", HOST_NEED_REQUIRED },
	[HOST_CHK_SLTS]	 = { "slts", "second stage (ECAP.SLTS)", HOST_NEED_REQUIRED },
	[HOST_CHK_NEST]	 = { "nest", "nested translation (ECAP.NEST)", HOST_NEED_REQUIRED },
	[HOST_CHK_PRS]	 = { "prs", "page requests (ECAP.PRS)", HOST_NEED_REQUIRED },
	[HOST_CHK_PDS]	 = { "pds", "page-request drain (ECAP.PDS)", HOST_NEED_REQUIRED },
	[HOST_CHK_DT]	 = { "dt", "device TLB / ATS (ECAP.DT)", HOST_NEED_REQUIRED },
	[HOST_CHK_PT]	 = { "pt", "pass-through (ECAP.PT)", HOST_NEED_INFO },
	[HOST_CHK_SC]	 = { "sc", "snoop control (ECAP.SC)", HOST_NEED_RECOMMENDED },
	[HOST_CHK_FL5LP] = { "fl5lp", "5-level first stage (CAP.FL5LP)", HOST_NEED_INFO },
	[HOST_CHK_FL1GP] = { "fl1gp", "1G first-stage pages (CAP.FL1GP)", HOST_NEED_INFO },
	[HOST_CHK_CM]	 = { "cm", "caching mode off (CAP.CM)", HOST_NEED_RECOMMENDED },
	[HOST_CHK_SLADS] = { "slads", "second-stage A/D (ECAP.SLADS)", HOST_NEED_INFO },
	[HOST_CHK_VCS]	 = { "vcs", "virtual commands (ECAP.VCS)", HOST_NEED_INFO },
};

/* Why a row is not OK, in the operator's words. */
static const char *const host_missing_note[HOST_CHK_COUNT] = {
	[HOST_CHK_SMTS] = "no scalable mode: the IOMMU has no PASID tables, so it cannot give each nested mdev its own translation",
	[HOST_CHK_QI] = "no queued invalidation: the host cannot flush the shadowed PASID entries and page tables",
	[HOST_CHK_PASID] = "no PASID support: nested mdevs are told apart by PASID, so the PF cannot be shared",
	[HOST_CHK_FLTS] = "no first-stage translation: the L1 guest's I/O page tables are first-stage tables and this IOMMU cannot walk them",
	[HOST_CHK_SLTS] = "no second-stage translation: the VM's memory cannot be mapped under the guest's page tables",
	[HOST_CHK_NEST] = "no nested translation: the guest's first-stage tables cannot run on top of the VM's second stage in hardware",
	[HOST_CHK_PRS] = "no page requests: nested mdevs demand-pin L2 memory through I/O page faults, which the device reports as page requests",
	[HOST_CHK_PDS] = "no page-request drain: PASID teardown cannot drain page requests in flight, and Linux enables PRI only with PRS and PDS",
	[HOST_CHK_DT] = "no device TLB: page requests need ATS on the PF, and Linux enables ATS only when the IOMMU has a device TLB",
	[HOST_CHK_PT] = "no pass-through: the host builds identity mappings from page tables instead (the vIOMMU's PT does not need it)",
	[HOST_CHK_SC] = "no snoop control: KVM cannot force the PF's DMA to be cache-coherent",
	[HOST_CHK_FL5LP] = "no 5-level first stage: the guest's I/O page tables are limited to 4 levels (48-bit I/O addresses)",
	[HOST_CHK_FL1GP] = "no 1-GByte first-stage pages: the guest maps with 4-KByte and 2-MByte pages",
	[HOST_CHK_CM] = "caching mode is set: this host is itself a VM with an emulated IOMMU, so nested mediation here is nested-of-nested and limited by the outer hypervisor",
	[HOST_CHK_SLADS] = "no second-stage accessed/dirty bits: no IOMMU dirty tracking when migrating the VM",
};

static const char note_pasid_narrow[] =
	"few PASID bits (under 8): only a handful of nested mdevs per PF";
static const char note_sw_shadow_nest[] =
	"no nested translation: the policy offers second stage instead, shadowed in software (slower map/unmap)";
static const char note_sw_shadow_flts[] =
	"no first-stage translation: the policy offers second stage instead, shadowed in software";
static const char note_policy_prs[] =
	"page requests are off in the vIOMMU policy: not needed";
static const char note_policy_dt[] =
	"device TLB is off in the vIOMMU policy: not needed";
static const char note_vcs_identity[] =
	"identity PASID namespace: guest PASID = PASID on the PF; no virtual commands";
static const char note_vcs_vcmd[] =
	"VCMD PASID namespace: the guest allocates PASIDs from the host through virtual commands";

const char *host_check_status_name(enum host_check_status st)
{
	switch (st) {
	case HOST_ST_OK:	return "ok";
	case HOST_ST_MISSING:	return "MISSING";
	case HOST_ST_WARN:	return "warn";
	case HOST_ST_INFO:	return "info";
	}
	return "?";
}

const char *host_check_need_name(enum host_check_need need)
{
	switch (need) {
	case HOST_NEED_REQUIRED:	return "required";
	case HOST_NEED_RECOMMENDED:	return "recommended";
	case HOST_NEED_INFO:		return "info";
	}
	return "?";
}

/* Parse 1..@maxdigits digits of @base at *@sp; advance *@sp. */
static int parse_num(const char **sp, unsigned int base, unsigned int maxdigits,
		     u64 *out)
{
	const char *s = *sp;
	unsigned int n = 0;
	u64 v = 0;

	for (;; s++, n++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		if (n == maxdigits)
			return -EINVAL;
		v = v * base + d;
	}
	if (!n)
		return -EINVAL;
	*sp = s;
	*out = v;
	return 0;
}

/* Nothing after the value but the newline sysfs_emit() ends it with. */
static int parse_end(const char *s)
{
	if (*s == '\n')
		s++;
	return *s ? -EINVAL : 0;
}

int host_check_parse_version(const char *s, u8 *major, u8 *minor)
{
	u64 ma, mi;

	if (parse_num(&s, 10, 2, &ma) || *s++ != ':' ||
	    parse_num(&s, 10, 2, &mi) || parse_end(s))
		return -EINVAL;
	/* VER_REG.MAX bits 7:4, MIN bits 3:0. */
	if (ma > 15 || mi > 15)
		return -EINVAL;
	*major = ma;
	*minor = mi;
	return 0;
}

int host_check_parse_reg(const char *s, u64 *out)
{
	u64 v;

	if (parse_num(&s, 16, 16, &v) || parse_end(s))
		return -EINVAL;
	*out = v;
	return 0;
}

static void set_item(struct host_check_unit *u, enum host_check_id id,
		     bool host, enum host_offer offer)
{
	struct host_check_item *it = &u->items[id];

	it->id = id;
	it->key = host_rows[id].key;
	it->label = host_rows[id].label;
	it->need = host_rows[id].need;
	it->host = host;
	it->host_val = 0;
	it->offer = offer;
	it->offer_val = 0;
	it->note = NULL;
	/* Default judgement from the need; special rows adjust below. */
	if (host) {
		it->status = HOST_ST_OK;
	} else {
		it->note = host_missing_note[id];
		switch (it->need) {
		case HOST_NEED_REQUIRED:
			it->status = HOST_ST_MISSING;
			break;
		case HOST_NEED_RECOMMENDED:
			it->status = HOST_ST_WARN;
			break;
		case HOST_NEED_INFO:
			it->status = HOST_ST_INFO;
			break;
		}
	}
}

/* A row that the policy makes unnecessary: reported, not judged. */
static void relax(struct host_check_item *it, const char *note)
{
	it->need = HOST_NEED_INFO;
	if (!it->host) {
		it->status = HOST_ST_INFO;
		it->note = note;
	}
}

/* One vIOMMU field: "-" when there is no vIOMMU to ask. */
static enum host_offer offer(const struct host_check_unit *u, u64 field)
{
	if (!u->viommu_ok)
		return HOST_OFFER_NA;
	return field ? HOST_OFFER_YES : HOST_OFFER_NO;
}

void host_check_eval(struct host_check_unit *u,
		     const struct viommu_policy *pol)
{
	u64 cap = u->cap, ecap = u->ecap, vc, ve;
	bool smts = vtd_ecap_smts(ecap);
	bool pasid = vtd_ecap_pasid(ecap);
	bool flts = vtd_ecap_flts(ecap);
	bool slts = vtd_ecap_slts(ecap);
	bool nest = vtd_ecap_nest(ecap);
	unsigned int pbits = vtd_ecap_pasid_bits(ecap);
	struct piommu_caps phys = { .cap = cap, .ecap = ecap };
	struct host_check_item *it;
	unsigned int i;

	u->vcap = 0;
	u->vecap = 0;
	u->viommu_ok = false;
	u->viommu_err = -ENOENT;
	u->viommu_err = viommu_derive_caps(&phys, pol, &u->vcap, &u->vecap);
	u->viommu_ok = !u->viommu_err;
	if (!u->viommu_ok) {
		/* No vIOMMU can be made here: it offers nothing. */
		u->vcap = 0;
		u->vecap = 0;
	}
	vc = u->vcap;
	ve = u->vecap;

	set_item(u, HOST_CHK_SMTS, smts, offer(u, vtd_ecap_smts(ve)));
	set_item(u, HOST_CHK_QI, vtd_ecap_qi(ecap), offer(u, vtd_ecap_qi(ve)));

	set_item(u, HOST_CHK_PASID, pasid, offer(u, vtd_ecap_pasid(ve)));
	it = &u->items[HOST_CHK_PASID];
	it->host_val = pbits;
	it->offer_val = vtd_ecap_pasid_bits(ve);
	if (pasid && pbits < HOST_PASID_BITS_WARN) {
		it->status = HOST_ST_WARN;
		it->note = note_pasid_narrow;
	}

	set_item(u, HOST_CHK_FLTS, flts, offer(u, vtd_ecap_flts(ve)));
	set_item(u, HOST_CHK_SLTS, slts, offer(u, vtd_ecap_slts(ve)));
	set_item(u, HOST_CHK_NEST, nest, offer(u, vtd_ecap_nest(ve)));
	if (pol->slts && smts && slts) {
		/* Software shadow of the guest's second stage: no NEST/FLTS. */
		it = &u->items[HOST_CHK_NEST];
		if (!nest) {
			it->status = HOST_ST_WARN;
			it->note = note_sw_shadow_nest;
		}
		it->need = HOST_NEED_RECOMMENDED;
		it = &u->items[HOST_CHK_FLTS];
		if (!flts) {
			it->status = HOST_ST_WARN;
			it->note = note_sw_shadow_flts;
		}
		it->need = HOST_NEED_RECOMMENDED;
	}

	set_item(u, HOST_CHK_PRS, vtd_ecap_prs(ecap), offer(u, vtd_ecap_prs(ve)));
	set_item(u, HOST_CHK_PDS, vtd_ecap_pds(ecap), offer(u, vtd_ecap_pds(ve)));
	if (!pol->prs) {
		relax(&u->items[HOST_CHK_PRS], note_policy_prs);
		relax(&u->items[HOST_CHK_PDS], note_policy_prs);
	}
	set_item(u, HOST_CHK_DT, vtd_ecap_dt(ecap), offer(u, vtd_ecap_dt(ve)));
	if (!pol->dt)
		relax(&u->items[HOST_CHK_DT], note_policy_dt);

	set_item(u, HOST_CHK_PT, vtd_ecap_pt(ecap), offer(u, vtd_ecap_pt(ve)));
	set_item(u, HOST_CHK_SC, vtd_ecap_sc(ecap), offer(u, vtd_ecap_sc(ve)));
	set_item(u, HOST_CHK_FL5LP, vtd_cap_fl5lp(cap),
		 offer(u, vtd_cap_fl5lp(vc)));
	set_item(u, HOST_CHK_FL1GP, vtd_cap_fl1gp(cap),
		 offer(u, vtd_cap_fl1gp(vc)));
	/* "host" here means "CM is clear", which is what we want. */
	set_item(u, HOST_CHK_CM, !vtd_cap_cm(cap), offer(u, vtd_cap_cm(vc)));
	set_item(u, HOST_CHK_SLADS, vtd_ecap_slads(ecap),
		 offer(u, vtd_ecap_slads(ve)));

	/* VCS is the vIOMMU's own: nothing to ask of the host. */
	set_item(u, HOST_CHK_VCS, true, offer(u, vtd_ecap_vcs(ve)));
	it = &u->items[HOST_CHK_VCS];
	it->status = HOST_ST_INFO;
	it->note = pol->pasid_ns == VIOMMU_PASID_VCMD ? note_vcs_vcmd :
							note_vcs_identity;

	u->nmissing = 0;
	u->nwarn = 0;
	for (i = 0; i < HOST_CHK_COUNT; i++) {
		if (u->items[i].status == HOST_ST_MISSING)
			u->nmissing++;
		else if (u->items[i].status == HOST_ST_WARN)
			u->nwarn++;
	}
	u->ready = !u->nmissing;
}

int host_check_host_text(const struct host_check_item *it, char *buf,
			 size_t len)
{
	switch (it->id) {
	case HOST_CHK_VCS:
		return snprintf(buf, len, "n/a");
	case HOST_CHK_CM:
		return snprintf(buf, len, "CM=%d", !it->host);
	case HOST_CHK_PASID:
		if (it->host)
			return snprintf(buf, len, "%u bits", it->host_val);
		break;
	default:
		break;
	}
	return snprintf(buf, len, "%s", it->host ? "yes" : "no");
}

int host_check_offer_text(const struct host_check_item *it, char *buf,
			  size_t len)
{
	switch (it->offer) {
	case HOST_OFFER_NA:
		return snprintf(buf, len, "-");
	case HOST_OFFER_NO:
		return snprintf(buf, len, it->id == HOST_CHK_CM ? "CM=0" : "no");
	case HOST_OFFER_YES:
		break;
	}
	if (it->id == HOST_CHK_PASID)
		return snprintf(buf, len, "%u bits", it->offer_val);
	if (it->id == HOST_CHK_CM)
		return snprintf(buf, len, "CM=1");
	return snprintf(buf, len, "yes");
}
