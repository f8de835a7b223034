/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scenario of `nestmed run` (docs/scenario.md): the nested machine to
 * boot, the nested mdevs to create through sysfs, the L2 VMs with their
 * mdevs and workloads, and the teardown order.  Parsed from YAML with
 * libyaml; every error names the file and line ("FILE:LINE: message").
 *
 * The model is plain data: it does not include the machine's headers, so
 * the limits that mirror guest/sim/l1.h and l2.h are restated here and
 * checked against them where both are visible (host/cli/run_cmd.c).
 */
#ifndef _NESTMED_SCENARIO_H
#define _NESTMED_SCENARIO_H

#include <stddef.h>

#include <nestmed/compat.h>

#define SCN_MIB			(1ULL << 20)
#define SCN_PAGE		4096ULL
/* L1 physical RAM below this is the L1 kernel's (l1.h L1_L2_BASE). */
#define SCN_L1_L2_BASE		(32 * SCN_MIB)
#define SCN_L1_RAM_MIN		(64 * SCN_MIB)
#define SCN_L1_RAM_MAX		(16384 * SCN_MIB)
#define SCN_MAX_WQS		4096	/* siov_pf_cfg.nr_wqs */
#define SCN_MAX_MDEVS		SCN_MAX_WQS	/* one WQ each */
#define SCN_MAX_VMS		16
#define SCN_VM_MAX_MDEVS	8	/* l2.h L2_MAX_DEVS */
#define SCN_NAME_LEN		32	/* struct l2_vm name[] incl. NUL */
#define SCN_UUID_LEN		36
#define SCN_L2_RAM_MIN		(4 * SCN_MIB)
#define SCN_XFER_MAX		(2 * SCN_MIB)	/* PF max transfer (2^21) */
#define SCN_MEMMOVES_MAX	1000000
#define SCN_TRAP_NS_MAX		1000000000ULL	/* 1 s */
/* Pages of L1 RAM at most (16 GiB of 4 KiB pages). */
#define SCN_RECLAIM_MAX		(SCN_L1_RAM_MAX / SCN_PAGE)

enum scn_nmdev_mode {
	SCN_MODE_AUTO,		/* nmdev picks (PASID when the vIOMMU has it) */
	SCN_MODE_PASID,		/* hardware-assisted: PASID domain per mdev */
	SCN_MODE_SW,		/* software mediation: trapped portal */
};

enum scn_teardown {
	SCN_TD_MDEV_REMOVE_FIRST,	/* sysfs remove under running L2s */
	SCN_TD_L2_EXIT_FIRST,		/* L2s exit, then mdevs removed */
	SCN_TD_RMMOD,			/* rmmod nmdev under running L2s */
	SCN_TD_L1_CRASH,		/* the L1 kernel dies */
	SCN_TD_VM_DESTROY,		/* the host destroys the L1 VM */
	SCN_TD_NR
};

struct scn_machine {
	u64 seed;
	u64 l1_ram;		/* bytes */
	bool lazy_l1_ram;	/* host backs L1 RAM on first touch */
	bool vcmd;		/* PASIDs through the vIOMMU's VCMD */
	enum scn_nmdev_mode nmdev_mode;
	u32 pf_wqs;		/* PF work queues, 1..SCN_MAX_WQS */
	u64 trap_ns;		/* one trapped L2 access */
	/*
	 * Host memory pressure: before a second pass of each mdev's
	 * workload, the host reclaims this many L1 pages under its VM's
	 * destination buffer (0: one pass, nothing reclaimed).  Needs
	 * lazy_l1_ram: only memory the host backs on demand is taken back.
	 */
	u32 host_reclaim;
};

struct scn_mdev {
	char uuid[SCN_UUID_LEN + 1];	/* lower case */
	int vm;				/* index of the VM using it, -1 */
	int line;
};

struct scn_workload {
	u32 memmoves;		/* MEMMOVE descriptors per mdev */
	u32 size;		/* bytes each */
	u64 span;		/* buffer: source half + destination half */
};

struct scn_vm {
	char name[SCN_NAME_LEN];
	u64 ram;		/* bytes */
	u32 mdevs[SCN_VM_MAX_MDEVS];	/* indices into scenario.mdevs */
	u32 nmdevs;
	bool block_on_fault;
	struct scn_workload wl;
	int line;
};

struct scenario {
	struct scn_machine machine;
	struct scn_mdev *mdevs;		/* malloc'ed */
	u32 nmdevs;
	struct scn_vm vms[SCN_MAX_VMS];
	u32 nvms;
	enum scn_teardown teardown;
};

/* The scenario of `nestmed run` without --scenario (scenarios/default.yaml). */
extern const char scenario_default_yaml[];

/*
 * Parse @len bytes of YAML; @name is the file name used in messages.
 * 0, or -EINVAL with "name:LINE: message" in @err (-ENOMEM: out of
 * memory).  On error @sc holds nothing to free.
 */
int scenario_parse(struct scenario *sc, const char *name, const char *text,
		   size_t len, char *err, size_t errlen);
/* The same from a file; "path: <strerror>" when it cannot be read. */
int scenario_load(struct scenario *sc, const char *path, char *err,
		  size_t errlen);
/* The built-in default (scenario_default_yaml); 0 or -ENOMEM. */
int scenario_default(struct scenario *sc, char *err, size_t errlen);
void scenario_free(struct scenario *sc);

/* The generated UUID of mdev @index of a `count:` list. */
void scenario_gen_uuid(u32 index, char out[SCN_UUID_LEN + 1]);

const char *scenario_mode_name(enum scn_nmdev_mode mode);
const char *scenario_teardown_name(enum scn_teardown td);

#endif /* _NESTMED_SCENARIO_H */
