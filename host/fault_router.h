/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fault router of one L1 VM: physical page requests and fault records
 * of the VM's assigned PF, classified by the stage that faulted.
 *
 *   physical PRQ --> hub (by RID) --> router --+-- unknown owner: INVALID now
 *                                               +-- second stage: populate,
 *                                               |   SUCCESS, guest untouched
 *                                               +-- first stage: guest vPRQ
 *   device <-- page group response, once <-----+   (guest RID/PASID), and
 *                                                  the guest's response back
 *
 * Rules, limits and what the device gets in each case: docs/fault-router.md.
 *
 * The router reaches the guest side through struct fault_router_guest
 * (lookup of a physical PASID, vPRQ injection, fault recording): the shadow
 * engine and the vIOMMU (fault_router_create_shadow), or a test's model.
 * It reaches the device only through struct piommu, and the VM's memory
 * through the simulated platform (host/sim/memory.h).
 *
 * Several routers may share one piommu (several VMs, each with its own PF):
 * a hub per piommu takes the piommu's handlers and dispatches by physical
 * RID; requests of a RID no router owns are answered INVALID by the hub.
 *
 * Single-threaded, like the host component's thread of the sim: handlers
 * run from hostdrv_poll(), the timeout from a sim event.
 */
#ifndef _HOST_FAULT_ROUTER_H
#define _HOST_FAULT_ROUTER_H

#include "piommu.h"
#include "shadow.h"

struct sim;
struct sim_vm;
struct fault_router;

/* The guest side, as the router needs it.  All ids in *out are the guest's. */
struct fault_router_guest {
	/* Physical PASID -> the guest's view; -ENOENT if not shadowed. */
	int (*lookup_phys)(void *ctx, u32 phys_pasid,
			   struct shadow_pasid_info *out);
	/*
	 * A page request for the guest's vPRQ (guest RID and PASID):
	 * 0, -ENOSPC (vPRQ full), -EPERM (guest refuses page requests).
	 */
	int (*inject_page_request)(void *ctx, const struct piommu_page_req *req);
	/* A fault for the guest's fault recording registers. */
	int (*record_fault)(void *ctx, const struct piommu_fault *f);
	void *ctx;
};

/* Per-VM limits of the fault path. */
struct fault_router_limits {
	u32 max_outstanding;		/* groups in flight to the guest */
	u64 response_timeout_ns;	/* sim time the guest has to answer */
};

#define FAULT_ROUTER_DEFAULT_OUTSTANDING	512	/* DSA PRI capacity */
#define FAULT_ROUTER_DEFAULT_TIMEOUT_NS		(100ULL * 1000 * 1000)

struct fault_router_cfg {
	struct sim *s;
	struct sim_vm *vm;		/* the L1 VM: memory, second stage */
	struct piommu *piommu;
	u16 phys_rid;			/* the assigned PF */
	u16 guest_rid;			/* the PF as the guest sees it */
	/*
	 * Physical PASID of requests without a PASID (the context entry's
	 * RID_PASID; hostdrv_dev_info().rid_pasid).  When the guest has no
	 * shadowed entry there, such requests are in the VM's own second
	 * stage (the host's pass-through domain): the address is a GPA.
	 */
	u32 rid_pasid;
	struct fault_router_limits limits;	/* zeroes: defaults */
	struct fault_router_guest guest;
};

/*
 * A router for @cfg, registered with the hub of cfg->piommu (which takes
 * the piommu's handlers).  NULL on a bad config, no memory, or when the
 * RID already has a router on that piommu.
 */
struct fault_router *fault_router_create(const struct fault_router_cfg *cfg);
/*
 * The router of the VM behind @sh: guest side = shadow_lookup_phys +
 * viommu_inject_page_request / viommu_record_fault of shadow_viommu(@sh),
 * and it registers itself as @sh's fault sink (guest page group responses).
 * @lim NULL: defaults.  Destroy it before shadow_destroy().
 */
struct fault_router *fault_router_create_shadow(struct shadow *sh,
						struct sim *s, u32 rid_pasid,
						const struct fault_router_limits *lim);
/*
 * VM destroy: every group outstanding to the guest is answered INVALID,
 * the timer cancelled, the router leaves its hub (the last one gives the
 * piommu's handlers back).
 */
void fault_router_destroy(struct fault_router *fr);
/* Guest reset of its vIOMMU: answer every outstanding group INVALID. */
u32 fault_router_guest_reset(struct fault_router *fr);
/* The guest tore down @phys_pasid: answer its groups INVALID. */
u32 fault_router_pasid_gone(struct fault_router *fr, u32 phys_pasid);

/* Entry points (the hub calls the first two; tests may call them too). */
void fault_router_page_request(struct fault_router *fr,
			       const struct piommu_page_req *req);
void fault_router_fault(struct fault_router *fr, const struct piommu_fault *f);
/* A guest page group response (guest ids), as the fault sink gets it. */
void fault_router_guest_response(struct fault_router *fr, u16 guest_rid,
				 bool pasid_present, u32 guest_pasid,
				 u16 prg_index, u8 code);
/* Run the timeout now (the sim event does this on its own). */
u32 fault_router_expire(struct fault_router *fr);

/* How the router classified a request (also the trace names). */
enum fault_router_class {
	FR_CLASS_UNKNOWN,	/* no owner: INVALID */
	FR_CLASS_FS,		/* guest stage: the guest's vPRQ */
	FR_CLASS_SS,		/* host stage: populated, SUCCESS */
	FR_CLASS_STALE,		/* translates now: SUCCESS (device retries) */
	FR_CLASS_BAD,		/* cannot be resolved: INVALID */
	FR_CLASS_NR,
};

struct fault_router_stats {
	u64 requests;			/* page requests received */
	u64 partial_requests;		/* ... without LPIG (multi-page groups) */
	u64 stop_markers;
	u64 by_class[FR_CLASS_NR];
	u64 ss_populated;		/* GPA units backed for SS faults */
	u64 ss_table_populated;		/* ... of them under guest FS tables */
	u64 ss_outside_ram;		/* guest points outside its RAM */
	u64 walk_errors;		/* impossible walk config: BAD */
	u64 forwarded;			/* injected into the guest's vPRQ */
	u64 vprq_full;			/* -ENOSPC from the vIOMMU */
	u64 guest_refused;		/* -EPERM or other injection error */
	u64 overflows;			/* max_outstanding / tracker full */
	u64 prg_reuse;			/* device reused a PRG too early: dropped */
	u64 groups_tracked;		/* groups that went to the guest */
	u64 guest_responses;		/* page group responses from the guest */
	u64 guest_bad_rid;		/* ... for another RID: dropped */
	u64 guest_bad_code;		/* ... reserved code: sent as INVALID */
	u64 guest_unknown;		/* ... no such group / answered: dropped */
	u64 timeouts;			/* groups answered by the timeout */
	u64 teardown;			/* groups answered by teardown/reset */
	u64 partial_dropped;		/* incomplete groups retired unanswered */
	u64 responses[16];		/* sent to the device, by code */
	u64 response_errors;		/* piommu page_response failed */
	u64 peak_outstanding;
	u64 faults;			/* physical fault records received */
	u64 faults_to_guest;		/* routed into guest fault recording */
	u64 faults_guest_errors;	/* ... the vIOMMU refused */
	u64 faults_host;		/* host-side, counted and traced */
	u64 ro_writes;			/* A/D writes the read-only view refused */
};

const struct fault_router_stats *fault_router_stats(const struct fault_router *fr);
/* Groups outstanding to the guest now. */
u32 fault_router_outstanding(const struct fault_router *fr);
/* Responses sent to the device in all (sum of stats.responses). */
u64 fault_router_responses(const struct fault_router *fr);
const char *fault_router_class_name(enum fault_router_class c);

/* The hub of a piommu: requests and faults no router owns. */
struct fault_router_hub_stats {
	u64 requests, faults;		/* dispatched */
	u64 unknown_rid_requests;	/* answered INVALID (LPIG) */
	u64 unknown_rid_faults;		/* counted */
	u32 routers;
};
/* -ENOENT when no router uses @pi. */
int fault_router_hub_stats(const struct piommu *pi,
			   struct fault_router_hub_stats *out);

#endif /* _HOST_FAULT_ROUTER_H */
