// SPDX-License-Identifier: GPL-2.0
/*
 * The fault router (issue 4 item 5; rules in docs/fault-router.md).
 *
 * Classification re-walks the faulting address the way the physical unit
 * walked it: nested, the guest's first stage (its entry's root, levels,
 * SRE/WPE/EAFE) over the VM's second stage, through a read-only view of
 * host memory so that no A/D bit is set (that is the hardware's job when
 * the device retries).  A walk that ends in the second stage names the GPA
 * the host has not populated -- the final page or a guest table page -- and
 * the host backs it and walks again; a walk that ends in the first stage
 * is the guest's business.
 *
 * Groups that go to the guest are tracked in a vsva_prg_tracker under the
 * guest's key (guest RID, PASID, PRG index), so the guest's response, the
 * timeout and teardown all retire a group through the same tracker, and
 * the one that retires it is the one that answers the device: exactly
 * once.  A small map from the guest key to the physical PASID takes the
 * answer back to the device.
 */
#include <stdlib.h>
#include <string.h>

#include "fault_router.h"
#include "viommu.h"

#include <nestmed/vtd.h>
#include <nestmed/vtd_fault.h>
#include <nestmed/vtd_qi.h>

#include "prq.h"
#include "walk.h"
#include "sim/memory.h"
#include "sim/sim.h"

#define FR_MAP_BITS	10
#define FR_MAX_POPULATE	8	/* FS levels (5) + the final page, rounded */

/* The guest key of an outstanding group -> the physical PASID. */
struct fr_pend {
	u64 gkey;
	u32 phys_pasid;
	struct fr_pend *next;
};

struct fr_hub;

struct fault_router {
	struct fault_router_cfg cfg;
	struct shadow *sh;		/* fault_router_create_shadow */
	struct fr_hub *hub;
	struct fault_router *hub_next;
	struct vsva_prg_tracker *prg;
	struct fr_pend *map[1u << FR_MAP_BITS];
	u32 nmap;
	/* Read-only view of host memory for the classifying walk. */
	struct vsva_mem host_mem;
	struct vsva_mem ro_mem;
	u8 haw;
	bool fs1gp, sc, dt;
	bool timer_armed;
	u64 timer_at;
	u32 in_expire;
	struct fault_router_stats st;
};

/* ------------------------------------------------------------------ */
/* The hub: one per piommu, dispatch by physical RID                  */
/* ------------------------------------------------------------------ */
struct fr_hub {
	struct piommu *pi;
	struct fault_router *routers;
	struct fr_hub *next;
	struct fault_router_hub_stats st;
};

/* Every piommu with at least one router.  The host thread owns it. */
static struct fr_hub *fr_hubs;

static struct fr_hub *hub_find(const struct piommu *pi)
{
	struct fr_hub *h;

	for (h = fr_hubs; h; h = h->next)
		if (h->pi == pi)
			return h;
	return NULL;
}

static struct fault_router *hub_router(struct fr_hub *h, u16 rid)
{
	struct fault_router *fr;

	for (fr = h->routers; fr; fr = fr->hub_next)
		if (fr->cfg.phys_rid == rid)
			return fr;
	return NULL;
}

static void hub_page_request(void *ctx, const struct piommu_page_req *req)
{
	struct fr_hub *h = ctx;
	struct fault_router *fr = hub_router(h, req->rid);

	h->st.requests++;
	if (fr) {
		fault_router_page_request(fr, req);
		return;
	}
	/* Nobody owns the RID: Invalid Request for the group, at once. */
	h->st.unknown_rid_requests++;
	if (req->lpig && (req->r || req->w))
		h->pi->ops->page_response(h->pi, req->rid, req->pasid_present,
					  req->pasid, req->prg_index,
					  VTD_PRG_RESP_INVALID);
}

static void hub_fault(void *ctx, const struct piommu_fault *f)
{
	struct fr_hub *h = ctx;
	struct fault_router *fr = hub_router(h, f->sid);

	h->st.faults++;
	if (fr)
		fault_router_fault(fr, f);
	else
		h->st.unknown_rid_faults++;
}

static int hub_add(struct fault_router *fr)
{
	struct piommu *pi = fr->cfg.piommu;
	struct fr_hub *h = hub_find(pi);

	if (h && hub_router(h, fr->cfg.phys_rid))
		return -EEXIST;
	if (!h) {
		struct piommu_handlers hd = {
			.page_request = hub_page_request,
			.fault = hub_fault,
		};

		h = calloc(1, sizeof(*h));
		if (!h)
			return -ENOMEM;
		h->pi = pi;
		h->next = fr_hubs;
		fr_hubs = h;
		hd.ctx = h;
		pi->ops->set_handlers(pi, &hd);
	}
	fr->hub = h;
	fr->hub_next = h->routers;
	h->routers = fr;
	h->st.routers++;
	return 0;
}

static void hub_remove(struct fault_router *fr)
{
	struct fr_hub *h = fr->hub, **hp;
	struct fault_router **p;

	if (!h)
		return;
	for (p = &h->routers; *p; p = &(*p)->hub_next) {
		if (*p == fr) {
			*p = fr->hub_next;
			h->st.routers--;
			break;
		}
	}
	fr->hub = NULL;
	if (h->routers)
		return;
	h->pi->ops->set_handlers(h->pi, NULL);
	for (hp = &fr_hubs; *hp; hp = &(*hp)->next) {
		if (*hp == h) {
			*hp = h->next;
			break;
		}
	}
	free(h);
}

int fault_router_hub_stats(const struct piommu *pi,
			   struct fault_router_hub_stats *out)
{
	struct fr_hub *h = hub_find(pi);

	if (!h)
		return -ENOENT;
	*out = h->st;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Read-only memory view: table reads pass, A/D writes are refused     */
/* ------------------------------------------------------------------ */
static int ro_read64(void *ctx, u32 as, u64 addr, u64 *val)
{
	struct fault_router *fr = ctx;

	return vsva_read64(&fr->host_mem, as, addr, val);
}

static int ro_write64(void *ctx, u32 as, u64 addr, u64 val)
{
	struct fault_router *fr = ctx;

	fr->st.ro_writes++;
	return -EROFS;
}

static int ro_cas64(void *ctx, u32 as, u64 addr, u64 old, u64 new, u64 *cur)
{
	struct fault_router *fr = ctx;

	fr->st.ro_writes++;
	*cur = old;
	return -EROFS;
}

static const struct vsva_mem_ops fr_ro_ops = {
	.read64 = ro_read64,
	.write64 = ro_write64,
	.cas64 = ro_cas64,
};

/* ------------------------------------------------------------------ */
/* Guest key -> physical PASID                                        */
/* ------------------------------------------------------------------ */
static u64 gkey(bool pp, u32 pasid, u16 prg_index)
{
	return (u64)pp | (u64)(pp ? pasid & 0xfffff : 0) << 1 |
	       (u64)(prg_index & 0x1ff) << 21;
}

static u32 map_hash(u64 key)
{
	return (u32)((key * 0x9e3779b97f4a7c15ULL) >> (64 - FR_MAP_BITS));
}

static struct fr_pend **map_slot(struct fault_router *fr, u64 key)
{
	struct fr_pend **pp = &fr->map[map_hash(key)];

	while (*pp && (*pp)->gkey != key)
		pp = &(*pp)->next;
	return pp;
}

static int map_set(struct fault_router *fr, u64 key, u32 phys_pasid)
{
	struct fr_pend **pp = map_slot(fr, key), *e = *pp;

	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e)
			return -ENOMEM;
		e->gkey = key;
		*pp = e;
		fr->nmap++;
	}
	e->phys_pasid = phys_pasid;
	return 0;
}

static bool map_take(struct fault_router *fr, u64 key, u32 *phys_pasid)
{
	struct fr_pend **pp = map_slot(fr, key), *e = *pp;

	if (!e)
		return false;
	*phys_pasid = e->phys_pasid;
	*pp = e->next;
	free(e);
	fr->nmap--;
	return true;
}

/*
 * Drop entries whose group the tracker retired without an answer (partial
 * groups at timeout or teardown).  @all: every entry.
 */
static void map_sweep(struct fault_router *fr, bool all)
{
	u16 grid = fr->cfg.guest_rid;

	for (u32 b = 0; b < ARRAY_SIZE(fr->map); b++) {
		struct fr_pend **pp = &fr->map[b];

		while (*pp) {
			struct fr_pend *e = *pp;
			bool pp_ = e->gkey & 1;

			if (!all && vsva_prg_find(fr->prg, grid, pp_,
						  (u32)(e->gkey >> 1) & 0xfffff,
						  (u16)(e->gkey >> 21))) {
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			free(e);
			fr->nmap--;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Answers to the device                                              */
/* ------------------------------------------------------------------ */
static void send_response(struct fault_router *fr, bool pp, u32 phys_pasid,
			  u16 prg_index, u8 code)
{
	struct piommu *pi = fr->cfg.piommu;
	struct sim *s = fr->cfg.s;

	fr->st.responses[code & 0xf]++;
	if (sim_tracing(s))
		sim_trace(s, "router", "response rid=%04x pasid=%s%x prgi=%u code=%#x",
			  fr->cfg.phys_rid, pp ? "" : "-/", phys_pasid,
			  prg_index, code);
	if (pi->ops->page_response(pi, fr->cfg.phys_rid, pp, pp ? phys_pasid : 0,
				   prg_index, code))
		fr->st.response_errors++;
}

/* Tracker delivery (guest response, timeout, teardown): map back, send. */
static void deliver(void *ctx, const struct vsva_prg_group *g,
		    const struct vsva_prg_resp *resp)
{
	struct fault_router *fr = ctx;
	u32 phys_pasid = resp->pasid;

	/* The map entry exists for every tracked group (set before track). */
	map_take(fr, gkey(resp->pasid_present, resp->pasid, resp->prg_index),
		 &phys_pasid);
	send_response(fr, resp->pasid_present, phys_pasid, resp->prg_index,
		      resp->code);
}

/* ------------------------------------------------------------------ */
/* The response timeout                                               */
/* ------------------------------------------------------------------ */
static void timer_fire(struct sim *s, void *arg);

struct due_ctx {
	u64 due;
	u64 timeout;
};

static int group_due(void *ctx, const struct vsva_prg_group *g)
{
	struct due_ctx *d = ctx;
	u64 t = (g->last ? g->last_time : g->first_time) + d->timeout;

	if (t < d->due)
		d->due = t;
	return 0;
}

/*
 * Keep one sim event armed at the earliest deadline while a group waits,
 * and none once every group is answered: a timer with nothing to expire
 * would keep a run-until-idle loop going to the timeout.  Not from the
 * tracker's callbacks (deliver): it walks the tracker.
 */
static void timer_rearm(struct fault_router *fr)
{
	struct due_ctx d = { .due = ~0ULL,
			     .timeout = fr->cfg.limits.response_timeout_ns };

	if (!vsva_prg_total(fr->prg)) {
		if (fr->timer_armed)
			sim_cancel(fr->cfg.s, timer_fire, fr);
		fr->timer_armed = false;
		return;
	}
	vsva_prg_for_each(fr->prg, group_due, &d);
	if (fr->timer_armed && fr->timer_at <= d.due)
		return;
	if (fr->timer_armed)
		sim_cancel(fr->cfg.s, timer_fire, fr);
	fr->timer_armed = !sim_schedule_at(fr->cfg.s, d.due, timer_fire, fr);
	fr->timer_at = d.due;
}

u32 fault_router_expire(struct fault_router *fr)
{
	const struct vsva_prg_stats *ps = vsva_prg_stats(fr->prg);
	u64 partial = ps->partial_discarded;
	u32 n;

	if (fr->in_expire)
		return 0;
	fr->in_expire++;
	/*
	 * INVALID, not FAILURE: Response Failure stops PRI for the whole
	 * function (PCIe 10.4.2.1), every PASID of the PF, for one slow group.
	 */
	n = vsva_prg_expire(fr->prg, fr->cfg.s->now,
			    fr->cfg.limits.response_timeout_ns,
			    VTD_PRG_RESP_INVALID, deliver, fr);
	fr->st.timeouts += n;
	if (ps->partial_discarded != partial) {
		fr->st.partial_dropped += ps->partial_discarded - partial;
		map_sweep(fr, false);
	}
	fr->in_expire--;
	timer_rearm(fr);
	return n;
}

static void timer_fire(struct sim *s, void *arg)
{
	struct fault_router *fr = arg;

	fr->timer_armed = false;
	fault_router_expire(fr);
	timer_rearm(fr);
}

/* ------------------------------------------------------------------ */
/* Classification                                                     */
/* ------------------------------------------------------------------ */
struct fr_req {
	const struct piommu_page_req *req;
	u32 phys_pasid;
	bool owned;			/* a shadowed guest PASID */
	struct shadow_pasid_info info;
};

static u8 req_access(const struct piommu_page_req *req)
{
	return (req->r ? VSVA_PERM_R : 0) | (req->w ? VSVA_PERM_W : 0) |
	       (req->x ? VSVA_PERM_X : 0);
}

/*
 * A GPA the VM's second stage lacks: back it.  FR_CLASS_SS when it was
 * populated now, FR_CLASS_STALE when it already was, BAD outside RAM.
 */
static enum fault_router_class ss_resolve(struct fault_router *fr, u64 gpa,
					  bool table)
{
	struct sim_vm *vm = fr->cfg.vm;
	u64 hpa;

	if (!sim_vm_in_ram(vm, gpa)) {
		fr->st.ss_outside_ram++;
		return FR_CLASS_BAD;
	}
	if (!sim_vm_gpa_to_hpa(vm, gpa, &hpa))
		return FR_CLASS_STALE;
	if (sim_vm_populate(vm, gpa))
		return FR_CLASS_BAD;
	fr->st.ss_populated++;
	if (table)
		fr->st.ss_table_populated++;
	return FR_CLASS_SS;
}

static void walk_cfg(struct fault_router *fr, const struct shadow_pasid_info *i,
		     struct vsva_walk_cfg *w)
{
	memset(w, 0, sizeof(*w));
	w->mem = &fr->ro_mem;
	w->as = VSVA_AS_HPA;
	w->mode = VSVA_WALK_NESTED;
	w->haw = fr->haw;
	w->sc = fr->sc;
	w->dt = fr->dt;
	w->fs.fsptptr = i->fs_root;
	w->fs.levels = i->fs_levels;
	w->fs.sre = i->sre;
	w->fs.wpe = i->wpe;
	w->fs.eafe = i->eafe;
	/*
	 * ERE and XD: an execute request reached the PRQ, so the unit let it
	 * through the PASID entry; classify by the tables alone.
	 */
	w->fs.ere = true;
	w->fs.nxe = true;
	w->fs.fs1gp = fr->fs1gp;
	w->ss.ssptptr = sim_vm_ss_root(fr->cfg.vm);
	w->ss.levels = sim_vm_ss_levels(fr->cfg.vm);
}

/* Which FS level's table the last second-stage reference was for. */
static void walk_ref(void *ctx, const struct vsva_walk_ref *ref)
{
	if (ref->stage == VSVA_STAGE_SS)
		*(u8 *)ctx = ref->for_fs_level;
}

/*
 * Walk the guest's first stage over the VM's second stage.  Second-stage
 * holes are populated and the walk redone (one request may need the guest
 * table pages and the final page); the first fault left says who owns it.
 */
static enum fault_router_class classify_nested(struct fault_router *fr,
					       const struct fr_req *r,
					       u64 addr, u8 access, bool priv,
					       struct vsva_walk_result *res)
{
	struct vsva_walk_req wr = { .addr = addr, .access = access,
				    .priv = priv };
	enum fault_router_class c = FR_CLASS_STALE;
	struct vsva_walk_cfg w;
	u8 for_fs_level = 0;

	walk_cfg(fr, &r->info, &w);
	w.trace = walk_ref;
	w.trace_ctx = &for_fs_level;
	for (int i = 0; i < FR_MAX_POPULATE; i++) {
		enum fault_router_class sc;
		int ret = vsva_walk(&w, &wr, res);

		if (!ret)
			return c;
		if (ret != -EFAULT) {
			fr->st.walk_errors++;
			return FR_CLASS_BAD;
		}
		if (res->fault_stage != VSVA_STAGE_SS)
			return FR_CLASS_FS;
		if (res->fault != VTD_FR_SM_SS_NOT_PRESENT &&
		    res->fault != VTD_FR_SM_SS_ACCESS)
			return FR_CLASS_BAD;	/* SS denies: host's own choice */
		sc = ss_resolve(fr, res->fault_addr, for_fs_level != 0);
		if (sc != FR_CLASS_SS)
			return FR_CLASS_BAD;	/* still missing: host error */
		c = FR_CLASS_SS;
	}
	return FR_CLASS_BAD;
}

static enum fault_router_class classify(struct fault_router *fr,
					const struct fr_req *r)
{
	const struct piommu_page_req *req = r->req;
	struct vsva_walk_result res;

	if (!r->owned)		/* the VM's own second stage: addr is a GPA */
		return ss_resolve(fr, req->addr, false);
	switch (r->info.guest_pgtt) {
	case VTD_PGTT_FS:
		return classify_nested(fr, r, req->addr, req_access(req),
				       req->priv, &res);
	case VTD_PGTT_PT:
		return ss_resolve(fr, req->addr, false);
	default:
		/*
		 * Guest second stage (software shadow, SLTS policy): the guest
		 * table is not in the info; its domain, its fault.
		 */
		return FR_CLASS_FS;
	}
}

/* Owner of the request's PASID; false: nobody in this VM. */
static bool resolve_owner(struct fault_router *fr, bool pp, u32 pasid,
			  struct fr_req *r)
{
	const struct fault_router_guest *g = &fr->cfg.guest;

	r->phys_pasid = pp ? pasid : fr->cfg.rid_pasid;
	r->owned = !g->lookup_phys(g->ctx, r->phys_pasid, &r->info);
	/* No PASID: RID_PASID, the guest's entry or else the VM's own SS. */
	return r->owned || !pp;
}

/* ------------------------------------------------------------------ */
/* Page requests                                                      */
/* ------------------------------------------------------------------ */
static void encode_guest_desc(const struct fault_router *fr,
			      const struct piommu_page_req *gr,
			      struct vtd_page_req_desc *d)
{
	memset(d, 0, sizeof(*d));
	vtd_prq_set_rid(d, gr->rid);
	vtd_prq_set_pp(d, gr->pasid_present);
	vtd_prq_set_pasid(d, gr->pasid_present ? gr->pasid : 0);
	vtd_prq_set_rdr(d, gr->r);
	vtd_prq_set_wrr(d, gr->w);
	vtd_prq_set_exr(d, gr->x);
	vtd_prq_set_pmr(d, gr->priv);
	vtd_prq_set_lpig(d, gr->lpig);
	vtd_prq_set_prgi(d, gr->prg_index);
	vtd_prq_set_addr(d, gr->addr & VSVA_PAGE_MASK);	/* ADDR kind: in place */
}

/* Retire a tracked group with @code and answer the device (once). */
static void answer_tracked(struct fault_router *fr, bool pp, u32 guest_pasid,
			   u16 prg_index, u8 code)
{
	struct vsva_prg_resp resp = {
		.rid = fr->cfg.guest_rid, .prg_index = prg_index,
		.pasid = pp ? guest_pasid : 0, .pasid_present = pp,
		.code = code,
	};
	struct vsva_prg_group g = { 0 };

	/* -ENOENT: already answered (the vIOMMU's own overflow answer). */
	if (!vsva_prg_respond(fr->prg, 0, &resp))
		deliver(fr, &g, &resp);
	timer_rearm(fr);
}

static void forward(struct fault_router *fr, const struct fr_req *r)
{
	const struct fault_router_guest *g = &fr->cfg.guest;
	const struct piommu_page_req *req = r->req;
	struct piommu_page_req gr = *req;
	struct vtd_page_req_desc d;
	bool fresh;
	u64 key;
	int ret;
	u8 code;

	gr.rid = fr->cfg.guest_rid;
	gr.pasid = req->pasid_present ? r->info.guest_pasid : 0;
	encode_guest_desc(fr, &gr, &d);
	key = gkey(gr.pasid_present, gr.pasid, gr.prg_index);
	fresh = !vsva_prg_find(fr->prg, gr.rid, gr.pasid_present, gr.pasid,
			       gr.prg_index);
	ret = map_set(fr, key, r->phys_pasid);
	if (!ret)
		ret = vsva_prg_track(fr->prg, 0, &d, fr->cfg.s->now);
	if (ret >= 0 && fresh)
		fr->st.groups_tracked++;
	if (ret == -EBUSY) {
		/* Same PRG index while the group awaits its answer: the
		 * device broke PRI; the pending answer covers it. */
		fr->st.prg_reuse++;
		return;
	}
	if (ret < 0) {
		/*
		 * Over the VM's limit: SUCCESS, the answer a full PRQ gets
		 * from the hardware (7.5.1); the device retries later.
		 */
		if (fresh) {
			u32 ignore;

			map_take(fr, key, &ignore);
		}
		fr->st.overflows++;
		if (req->lpig)
			send_response(fr, req->pasid_present, r->phys_pasid,
				      req->prg_index, VTD_PRG_RESP_SUCCESS);
		return;
	}
	if (vsva_prg_total(fr->prg) > fr->st.peak_outstanding)
		fr->st.peak_outstanding = vsva_prg_total(fr->prg);
	ret = g->inject_page_request(g->ctx, &gr);
	if (!ret) {
		fr->st.forwarded++;
		timer_rearm(fr);
		return;
	}
	if (ret == -ENOSPC) {
		/* vPRQ full: what the hardware answers for a full PRQ. */
		fr->st.vprq_full++;
		code = VTD_PRG_RESP_SUCCESS;
	} else {
		/* The guest's context refuses page requests (PRE = 0). */
		fr->st.guest_refused++;
		code = VTD_PRG_RESP_INVALID;
	}
	if (req->lpig)
		answer_tracked(fr, gr.pasid_present, gr.pasid, gr.prg_index,
			       code);
	else
		timer_rearm(fr);
}

void fault_router_page_request(struct fault_router *fr,
			       const struct piommu_page_req *req)
{
	enum fault_router_class c;
	struct fr_req r = { .req = req };
	bool in_guest;

	fr->st.requests++;
	if (!req->lpig)
		fr->st.partial_requests++;
	if (!resolve_owner(fr, req->pasid_present, req->pasid, &r)) {
		c = FR_CLASS_UNKNOWN;
		fr->st.by_class[c]++;
		if (req->lpig && (req->r || req->w))
			send_response(fr, req->pasid_present, req->pasid,
				      req->prg_index, VTD_PRG_RESP_INVALID);
		return;
	}
	if (req->lpig && !req->r && !req->w) {
		/* Stop marker (PCIe 10.4.1.2): no response is owed. */
		fr->st.stop_markers++;
		if (r.owned && r.info.guest_pgtt == VTD_PGTT_FS) {
			struct piommu_page_req gr = *req;

			gr.rid = fr->cfg.guest_rid;
			gr.pasid = r.info.guest_pasid;
			fr->cfg.guest.inject_page_request(fr->cfg.guest.ctx,
							  &gr);
		}
		return;
	}
	c = classify(fr, &r);
	fr->st.by_class[c]++;
	if (sim_tracing(fr->cfg.s))
		sim_trace(fr->cfg.s, "router",
			  "request pasid=%s%x addr=%#llx prgi=%u%s -> %s",
			  req->pasid_present ? "" : "-/", req->pasid,
			  (unsigned long long)req->addr, req->prg_index,
			  req->lpig ? " lpig" : "", fault_router_class_name(c));
	/* A group the guest has seen part of is the guest's to answer. */
	in_guest = r.owned &&
		   vsva_prg_find(fr->prg, fr->cfg.guest_rid, req->pasid_present,
				 req->pasid_present ? r.info.guest_pasid : 0,
				 req->prg_index);
	if (c == FR_CLASS_FS || in_guest) {
		forward(fr, &r);
		return;
	}
	if (!req->lpig)
		return;		/* answered with the group's last request */
	send_response(fr, req->pasid_present, r.phys_pasid, req->prg_index,
		      c == FR_CLASS_BAD ? VTD_PRG_RESP_INVALID :
					  VTD_PRG_RESP_SUCCESS);
}

void fault_router_guest_response(struct fault_router *fr, u16 guest_rid,
				 bool pasid_present, u32 guest_pasid,
				 u16 prg_index, u8 code)
{
	struct vsva_prg_resp resp = {
		.rid = guest_rid, .prg_index = prg_index,
		.pasid = pasid_present ? guest_pasid : 0,
		.pasid_present = pasid_present, .code = code,
	};
	struct vsva_prg_group g = { 0 };

	fr->st.guest_responses++;
	if (guest_rid != fr->cfg.guest_rid) {
		fr->st.guest_bad_rid++;
		return;
	}
	if (code != VTD_PRG_RESP_SUCCESS && code != VTD_PRG_RESP_INVALID &&
	    code != VTD_PRG_RESP_FAILURE) {
		/* Reserved codes (7.6.2): the device must not see them. */
		fr->st.guest_bad_code++;
		resp.code = VTD_PRG_RESP_INVALID;
	}
	if (vsva_prg_respond(fr->prg, 0, &resp)) {
		fr->st.guest_unknown++;
		return;
	}
	deliver(fr, &g, &resp);
	timer_rearm(fr);
}

/* ------------------------------------------------------------------ */
/* Teardown                                                           */
/* ------------------------------------------------------------------ */
static u32 answer_all(struct fault_router *fr)
{
	const struct vsva_prg_stats *ps = vsva_prg_stats(fr->prg);
	u64 partial = ps->partial_discarded;
	u32 n;

	n = vsva_prg_respond_all(fr->prg, 0, VTD_PRG_RESP_INVALID, deliver,
				 fr);
	fr->st.teardown += n;
	fr->st.partial_dropped += ps->partial_discarded - partial;
	map_sweep(fr, true);
	if (fr->timer_armed) {
		sim_cancel(fr->cfg.s, timer_fire, fr);
		fr->timer_armed = false;
	}
	return n;
}

u32 fault_router_guest_reset(struct fault_router *fr)
{
	return answer_all(fr);
}

/*
 * By the physical PASID, through the map: the shadow may already have
 * forgotten the PASID when its teardown tells the router.
 */
u32 fault_router_pasid_gone(struct fault_router *fr, u32 phys_pasid)
{
	u64 *keys;
	u32 n = 0, answered = 0;

	if (!fr->nmap)
		return 0;
	keys = calloc(fr->nmap, sizeof(*keys));
	if (!keys)
		return 0;
	for (u32 b = 0; b < ARRAY_SIZE(fr->map); b++)
		for (struct fr_pend *e = fr->map[b]; e; e = e->next)
			if ((e->gkey & 1) && e->phys_pasid == phys_pasid &&
			    n < fr->nmap)
				keys[n++] = e->gkey;
	for (u32 i = 0; i < n; i++) {
		u32 gpasid = (u32)(keys[i] >> 1) & 0xfffff;
		u16 prgi = (u16)(keys[i] >> 21);
		const struct vsva_prg_group *g;

		g = vsva_prg_find(fr->prg, fr->cfg.guest_rid, true, gpasid,
				  prgi);
		if (!g || !g->last)
			continue;	/* partial: owes nothing yet */
		answer_tracked(fr, true, gpasid, prgi, VTD_PRG_RESP_INVALID);
		answered++;
	}
	fr->st.teardown += answered;
	free(keys);
	return answered;
}

/* ------------------------------------------------------------------ */
/* Fault records                                                      */
/* ------------------------------------------------------------------ */
enum fault_owner { FO_HOST, FO_GUEST, FO_WALK };

/* Who caused a fault of a nested (guest FS over host SS) PASID. */
static enum fault_owner fault_owner(u8 reason)
{
	switch (reason) {
	case VTD_FR_SM_PASID_ERE:
	case VTD_FR_SM_PASID_SRE:
	case VTD_FR_SM_FS_ACCESS:
	case VTD_FR_SM_FS_NOT_PRESENT:
	case VTD_FR_SM_FS_RSVD:
	case VTD_FR_SM_FS_ROOT_ACCESS:
	case VTD_FR_SM_FS_NESTED_MGAW:
	case VTD_FR_SM_NONCANONICAL:
	case VTD_FR_SM_US:
	case VTD_FR_SM_FS_AD_NOSNOOP:
		return FO_GUEST;
	case VTD_FR_SM_NO_EXEC:
	case VTD_FR_SM_NO_WRITE:
	case VTD_FR_SM_NO_READ:
		return FO_WALK;		/* either stage: walk to see which */
	default:
		/* Context/PASID entries, SS walk, SS denies FS table access. */
		return FO_HOST;
	}
}

void fault_router_fault(struct fault_router *fr, const struct piommu_fault *f)
{
	const struct fault_router_guest *g = &fr->cfg.guest;
	enum fault_owner o = FO_HOST;
	struct fr_req r = { 0 };

	fr->st.faults++;
	if (resolve_owner(fr, f->pasid_present, f->pasid, &r) && r.owned) {
		if (r.info.guest_pgtt == VTD_PGTT_FS)
			o = fault_owner(f->reason);
		else if (r.info.guest_pgtt != VTD_PGTT_PT)
			o = FO_GUEST;	/* guest SS, shadowed: its table */
	}
	if (o == FO_WALK) {
		struct vsva_walk_result res;
		struct vsva_walk_cfg w;
		struct vsva_walk_req wr = {
			.addr = f->addr,
			.access = f->write ? VSVA_PERM_W : VSVA_PERM_R,
			.priv = false,
		};

		walk_cfg(fr, &r.info, &w);
		o = vsva_walk(&w, &wr, &res) == -EFAULT &&
		    res.fault_stage == VSVA_STAGE_FS ? FO_GUEST : FO_HOST;
		/*
		 * The walk asks R or W only: a denied execute with the SS
		 * granting the page is the guest's XD.
		 */
		if (f->reason == VTD_FR_SM_NO_EXEC && o == FO_HOST &&
		    res.fault_stage != VSVA_STAGE_SS)
			o = FO_GUEST;
	}
	if (o == FO_GUEST) {
		struct piommu_fault gf = *f;

		gf.sid = fr->cfg.guest_rid;
		gf.pasid = f->pasid_present ? r.info.guest_pasid : 0;
		if (g->record_fault(g->ctx, &gf))
			fr->st.faults_guest_errors++;
		else
			fr->st.faults_to_guest++;
		return;
	}
	fr->st.faults_host++;
	if (sim_tracing(fr->cfg.s))
		sim_trace(fr->cfg.s, "router",
			  "host fault sid=%04x pasid=%s%x addr=%#llx reason=%#x (%s)",
			  f->sid, f->pasid_present ? "" : "-/", f->pasid,
			  (unsigned long long)f->addr, f->reason,
			  vtd_fault_reason_str(f->reason));
}

/* ------------------------------------------------------------------ */
/* Lifetime and inspection                                            */
/* ------------------------------------------------------------------ */
struct fault_router *fault_router_create(const struct fault_router_cfg *cfg)
{
	struct vsva_prg_cfg pc = { 0 };
	struct piommu_caps caps;
	struct fault_router *fr;

	if (!cfg || !cfg->s || !cfg->s->mem || !cfg->vm || !cfg->piommu ||
	    !cfg->guest.lookup_phys || !cfg->guest.inject_page_request ||
	    !cfg->guest.record_fault)
		return NULL;
	if (cfg->piommu->ops->get_caps(cfg->piommu, &caps))
		return NULL;
	fr = calloc(1, sizeof(*fr));
	if (!fr)
		return NULL;
	fr->cfg = *cfg;
	if (!fr->cfg.limits.max_outstanding)
		fr->cfg.limits.max_outstanding =
			FAULT_ROUTER_DEFAULT_OUTSTANDING;
	if (!fr->cfg.limits.response_timeout_ns)
		fr->cfg.limits.response_timeout_ns =
			FAULT_ROUTER_DEFAULT_TIMEOUT_NS;
	fr->haw = (u8)min(vtd_cap_mgaw_bits(caps.cap), 52u);
	if (fr->haw < 32)
		fr->haw = 32;
	fr->fs1gp = vtd_cap_fl1gp(caps.cap);
	fr->sc = vtd_ecap_sc(caps.ecap);
	fr->dt = vtd_ecap_dt(caps.ecap);
	fr->host_mem = sim_mem_vsva(cfg->s->mem);
	fr->ro_mem.ops = &fr_ro_ops;
	fr->ro_mem.ctx = fr;
	pc.nr_owners = 1;
	pc.owner_limit = fr->cfg.limits.max_outstanding;
	pc.capacity = fr->cfg.limits.max_outstanding;
	fr->prg = vsva_prg_tracker_create(&pc);
	if (!fr->prg || hub_add(fr)) {
		vsva_prg_tracker_destroy(fr->prg);
		free(fr);
		return NULL;
	}
	return fr;
}

/* ------------------------------------------------------------------ */
/* The guest side through the shadow engine and its vIOMMU            */
/* ------------------------------------------------------------------ */
static int sh_lookup(void *ctx, u32 phys_pasid, struct shadow_pasid_info *out)
{
	return shadow_lookup_phys(ctx, phys_pasid, out);
}

static int sh_inject(void *ctx, const struct piommu_page_req *req)
{
	struct viommu *v = shadow_viommu(ctx);

	return v ? viommu_inject_page_request(v, req) : -EOPNOTSUPP;
}

static int sh_record(void *ctx, const struct piommu_fault *f)
{
	struct viommu *v = shadow_viommu(ctx);

	return v ? viommu_record_fault(v, f) : -EOPNOTSUPP;
}

static void sh_sink(void *ctx, u16 guest_rid, bool pasid_present,
		    u32 guest_pasid, u16 prg_index, u8 code)
{
	fault_router_guest_response(ctx, guest_rid, pasid_present, guest_pasid,
				    prg_index, code);
}

static void sh_sink_reset(void *ctx)
{
	fault_router_guest_reset(ctx);
}

struct fault_router *fault_router_create_shadow(struct shadow *sh,
						struct sim *s, u32 rid_pasid,
						const struct fault_router_limits *lim)
{
	struct fault_router_cfg c = {
		.s = s, .vm = shadow_vm(sh), .piommu = shadow_piommu(sh),
		.phys_rid = shadow_phys_rid(sh),
		.guest_rid = shadow_guest_rid(sh), .rid_pasid = rid_pasid,
		.guest = { .lookup_phys = sh_lookup,
			   .inject_page_request = sh_inject,
			   .record_fault = sh_record, .ctx = sh },
	};
	struct shadow_fault_sink sink = { .guest_page_response = sh_sink,
					  .guest_reset = sh_sink_reset };
	struct fault_router *fr;

	if (lim)
		c.limits = *lim;
	fr = fault_router_create(&c);
	if (!fr)
		return NULL;
	sink.ctx = fr;
	fr->sh = sh;
	shadow_set_fault_sink(sh, &sink);
	return fr;
}

void fault_router_destroy(struct fault_router *fr)
{
	if (!fr)
		return;
	if (fr->sh) {
		struct shadow_fault_sink none = { 0 };

		shadow_set_fault_sink(fr->sh, &none);
	}
	answer_all(fr);
	hub_remove(fr);
	vsva_prg_tracker_destroy(fr->prg);
	free(fr);
}

const struct fault_router_stats *fault_router_stats(const struct fault_router *fr)
{
	return &fr->st;
}

u32 fault_router_outstanding(const struct fault_router *fr)
{
	return vsva_prg_total(fr->prg);
}

u64 fault_router_responses(const struct fault_router *fr)
{
	u64 n = 0;

	for (u32 i = 0; i < ARRAY_SIZE(fr->st.responses); i++)
		n += fr->st.responses[i];
	return n;
}

const char *fault_router_class_name(enum fault_router_class c)
{
	static const char *const names[FR_CLASS_NR] = {
		[FR_CLASS_UNKNOWN] = "unknown-owner",
		[FR_CLASS_FS] = "first-stage",
		[FR_CLASS_SS] = "second-stage",
		[FR_CLASS_STALE] = "stale",
		[FR_CLASS_BAD] = "bad",
	};

	return (unsigned int)c < FR_CLASS_NR ? names[c] : "?";
}
