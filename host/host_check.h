/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `nestmed host`: the host operator's commands.
 *
 *   host_check.c  is this host's IOMMU fit for nested mediation?  Parses the
 *                 Linux sysfs attributes of an Intel IOMMU unit
 *                 (/sys/class/iommu/dmarN/intel-iommu/{version,cap,ecap})
 *                 and judges each capability the host component needs,
 *                 next to what the vIOMMU would offer the L1 VM.
 *   host_xml.c    libvirt domain XML for the L1 VM.
 *   host_cmd.c    argument parsing, sysfs reading, output.
 *
 * host_check.c and host_xml.c do no I/O, so tests/host/host_cli_test.c
 * compiles them into the KUnit runner.  docs/host-guide.md is the
 * operator's side of this file.
 */
#ifndef _NESTMED_CLI_HOST_H
#define _NESTMED_CLI_HOST_H

#include <stddef.h>

#include <nestmed/compat.h>

#include "viommu.h"	/* struct viommu_policy */

/* ------------------------------------------------------------------ */
/* host check                                                         */
/* ------------------------------------------------------------------ */

/* How much nested mediation depends on a capability. */
enum host_check_need {
	HOST_NEED_REQUIRED,	/* missing: the host is not ready */
	HOST_NEED_RECOMMENDED,	/* missing: a warning */
	HOST_NEED_INFO,		/* reported, never judged */
};

enum host_check_status {
	HOST_ST_OK,		/* present (or, for CM, absent) as wanted */
	HOST_ST_MISSING,	/* a required capability is absent */
	HOST_ST_WARN,		/* works, with a limitation the note explains */
	HOST_ST_INFO,		/* no judgement */
};

/* Stable ids: they name the rows of the table and the JSON "id" keys. */
enum host_check_id {
	HOST_CHK_SMTS,		/* ECAP.SMTS scalable mode */
	HOST_CHK_QI,		/* ECAP.QI queued invalidation */
	HOST_CHK_PASID,		/* ECAP.PASID + PSS */
	HOST_CHK_FLTS,		/* ECAP.FLTS first stage */
	HOST_CHK_SLTS,		/* ECAP.SLTS second stage */
	HOST_CHK_NEST,		/* ECAP.NEST nested */
	HOST_CHK_PRS,		/* ECAP.PRS page requests */
	HOST_CHK_PDS,		/* ECAP.PDS page-request drain */
	HOST_CHK_DT,		/* ECAP.DT device TLB */
	HOST_CHK_PT,		/* ECAP.PT pass-through */
	HOST_CHK_SC,		/* ECAP.SC snoop control */
	HOST_CHK_FL5LP,		/* CAP.FL5LP 5-level first stage */
	HOST_CHK_FL1GP,		/* CAP.FL1GP 1-GByte first-stage pages */
	HOST_CHK_CM,		/* CAP.CM caching mode of the host's own unit */
	HOST_CHK_SLADS,		/* ECAP.SLADS second-stage A/D */
	HOST_CHK_VCS,		/* ECAP.VCS virtual commands (vIOMMU only) */
	HOST_CHK_COUNT
};

/* What the vIOMMU would show the L1 VM for one row. */
enum host_offer {
	HOST_OFFER_NO,
	HOST_OFFER_YES,
	HOST_OFFER_NA,		/* the vIOMMU has no such knob */
};

struct host_check_item {
	enum host_check_id id;
	const char *key;	/* "smts" */
	const char *label;	/* "scalable mode (ECAP.SMTS)" */
	enum host_check_need need;
	bool host;		/* the host unit has it */
	unsigned int host_val;	/* PASID: bits; 0 elsewhere */
	enum host_offer offer;
	unsigned int offer_val;	/* PASID: bits offered; 0 elsewhere */
	enum host_check_status status;
	const char *note;	/* operator's words; NULL when nothing to say */
};

struct host_check_unit {
	u64 cap, ecap;		/* the unit's CAP_REG / ECAP_REG */
	u8 ver_major, ver_minor;
	/* What viommu_derive_caps() makes of it (0 when !viommu_ok). */
	u64 vcap, vecap;
	bool viommu_ok;
	int viommu_err;		/* its error; -ENOENT: vIOMMU not linked */
	struct host_check_item items[HOST_CHK_COUNT];
	unsigned int nmissing, nwarn;
	bool ready;
};

/*
 * "1:0\n" (version_show: "%d:%d\n" of VER_REG.MAX/MIN, 4 bits each) into
 * @major/@minor.  -EINVAL if garbled; the trailing newline is optional.
 */
int host_check_parse_version(const char *s, u8 *major, u8 *minor);
/* "d2008c22260286\n" (cap_show/ecap_show: "%llx\n"): -EINVAL if garbled. */
int host_check_parse_reg(const char *s, u64 *out);

/* Judge @u->cap / @u->ecap under @policy: fills items[], counts, ready. */
void host_check_eval(struct host_check_unit *u,
		     const struct viommu_policy *policy);

/* The table's "host" and "vIOMMU" cells ("yes", "20 bits", "CM=1"...). */
int host_check_host_text(const struct host_check_item *it, char *buf,
			 size_t len);
int host_check_offer_text(const struct host_check_item *it, char *buf,
			  size_t len);

const char *host_check_status_name(enum host_check_status st);
const char *host_check_need_name(enum host_check_need need);

/* ------------------------------------------------------------------ */
/* host xml                                                           */
/* ------------------------------------------------------------------ */

struct host_bdf {
	u16 domain;
	u8 bus, dev, fn;
};

/* "DDDD:BB:DD.F" or "BB:DD.F", hex, device <= 0x1f, function <= 7. */
int host_xml_parse_bdf(const char *s, struct host_bdf *bdf);
/* libvirt domain name: 1..64 printable ASCII, no '/', no leading space. */
int host_xml_check_name(const char *s);
/* Decimal MiB in [HOST_XML_MEM_MIN, HOST_XML_MEM_MAX]. */
int host_xml_parse_mib(const char *s, u64 *mib);
/* Decimal vCPU count in [1, HOST_XML_VCPUS_MAX]. */
int host_xml_parse_vcpus(const char *s, unsigned int *vcpus);

#define HOST_XML_NAME_MAX	64
#define HOST_XML_MEM_MIN	256ULL
#define HOST_XML_MEM_MAX	(16ULL << 20)	/* 16 TiB in MiB */
#define HOST_XML_VCPUS_MAX	255		/* no EIM: xAPIC ids */

/*
 * XML-escape @s (& < > ' ") into @dst of @len bytes, NUL-terminated.
 * Returns the escaped length (without NUL), or -ENOSPC.
 */
int host_xml_escape(char *dst, size_t len, const char *s);

struct host_xml_cfg {
	const char *name;	/* checked by host_xml_check_name() */
	struct host_bdf pf;
	u64 memory_mib;
	unsigned int vcpus;
	/*
	 * QEMU 7.2 refuses device-iotlb together with x-pasid-mode ("PASID
	 * based device IOTLB is not supported"): true gives iotlb='on'
	 * without x-pasid-mode, false (default) PASIDs without device IOTLB.
	 */
	bool iotlb;
};

/* Render the domain XML into @buf: its length, or -EINVAL / -ENOSPC. */
int host_xml_render(char *buf, size_t len, const struct host_xml_cfg *cfg);

#endif /* _NESTMED_CLI_HOST_H */
