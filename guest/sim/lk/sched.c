// SPDX-License-Identifier: GPL-2.0
/*
 * lk sched: simulated time, checked locks and workqueues.
 *
 * There is one CPU and no preemption: "sleeping" runs the sim's events
 * until the time has passed, and a work item is a sim event work_ns after
 * queue_work.  Works of one workqueue run in the order they were queued
 * (same delay, and the sim breaks ties by scheduling order), which is
 * what lets flush_workqueue wait for a count rather than for each item.
 */
#include "lk_internal.h"
#include "sim.h"

/* Time outside a boot: a sleep there is a WARN but still ends polls. */
static u64 lk_unbooted_ns;

u64 lk_now_ns(void)
{
	return lk_up && lk_cfg.s ? lk_cfg.s->now : lk_unbooted_ns;
}

/* ------------------------------------------------------------------ */
/* locks                                                              */
/* ------------------------------------------------------------------ */
static unsigned int lk_atomic_depth;	/* spinlocks held */

static void lock_error(const char *what, const void *lock)
{
	lk_st.lock_errors++;
	pr_warn("WARNING: lock misuse: %s (%p)\n", what, lock);
}

void mutex_init(struct mutex *m)
{
	m->lk_held = false;
	m->lk_init = true;
}

void mutex_destroy(struct mutex *m)
{
	if (m->lk_held)
		lock_error("mutex destroyed while held", m);
	m->lk_held = false;
	m->lk_init = false;
}

void mutex_lock(struct mutex *m)
{
	if (!m->lk_init)
		lock_error("mutex not initialised", m);
	if (m->lk_held)
		lock_error("mutex locked twice (deadlock)", m);
	m->lk_held = true;
}

void mutex_unlock(struct mutex *m)
{
	if (!m->lk_held)
		lock_error("mutex unlocked while not held", m);
	m->lk_held = false;
}

int mutex_trylock(struct mutex *m)
{
	if (!m->lk_init)
		lock_error("mutex not initialised", m);
	if (m->lk_held)
		return 0;
	m->lk_held = true;
	return 1;
}

void spin_lock_init(spinlock_t *l)
{
	l->lk_held = false;
}

void spin_lock(spinlock_t *l)
{
	if (l->lk_held) {
		lock_error("spinlock locked twice (deadlock)", l);
		return;
	}
	l->lk_held = true;
	lk_atomic_depth++;
}

void spin_unlock(spinlock_t *l)
{
	if (!l->lk_held) {
		lock_error("spinlock unlocked while not held", l);
		return;
	}
	l->lk_held = false;
	lk_atomic_depth--;
}

/* ------------------------------------------------------------------ */
/* sleeping                                                           */
/* ------------------------------------------------------------------ */
/*
 * A sleep ends when its marker event fires.  Sleeps nest (a sleep inside
 * an event handler that runs during another sleep), so the markers of
 * the sleeps in progress form a stack; the event carries the marker's
 * id, not a pointer, so a marker outliving its sleeper is harmless.
 */
#define LK_SLEEP_NEST	64

static struct {
	unsigned long id;
	bool fired;
} lk_sleepers[LK_SLEEP_NEST];
static unsigned int lk_nsleepers;
static unsigned long lk_sleep_id;

static void sleep_marker(struct sim *s, void *arg)
{
	for (unsigned int i = 0; i < lk_nsleepers; i++)
		if (lk_sleepers[i].id == (unsigned long)arg)
			lk_sleepers[i].fired = true;
}

static bool sleep_done(void *ctx)
{
	return lk_sleepers[(unsigned long)ctx].fired;
}

/* Without a marker: run what is due by @until, then jump there. */
static void sleep_until_by_hand(struct sim *s, u64 until)
{
	while (s->nheap && s->heap[0].time <= until)
		sim_step(s);
	if (s->now < until)
		s->now = until;
}

void lk_sleep_ns(u64 ns)
{
	struct sim *s = lk_up ? lk_cfg.s : NULL;
	u64 until;
	unsigned long depth, id;

	if (WARN_ON(!s)) {
		lk_unbooted_ns += ns;
		return;
	}
	if (lk_atomic_depth)
		lock_error("sleeping while holding a spinlock", NULL);
	until = s->now + ns < s->now ? ~0ULL : s->now + ns;
	depth = lk_nsleepers;
	id = ++lk_sleep_id;
	if (depth == LK_SLEEP_NEST ||
	    sim_schedule(s, ns, sleep_marker, (void *)id)) {
		sleep_until_by_hand(s, until);
		return;
	}
	lk_sleepers[depth].id = id;
	lk_sleepers[depth].fired = false;
	lk_nsleepers++;
	sim_run_until(s, sleep_done, (void *)depth, 0);
	lk_nsleepers = depth;
}

/* ------------------------------------------------------------------ */
/* workqueues                                                         */
/* ------------------------------------------------------------------ */
struct workqueue_struct {
	char name[32];
	struct list_head pending;	/* queued works, oldest first */
	u64 queued, done;		/* counts, for flush */
	unsigned int running;		/* our works executing (nested) */
	struct list_head node;		/* lk_wqs */
};

static LIST_HEAD(lk_wqs);

static void work_run(struct work_struct *work)
{
	struct workqueue_struct *wq = work->lk_wq;

	/* Not pending any more before it runs: it may queue itself again. */
	list_del_init(&work->lk_entry);
	work->lk_pending = false;
	wq->running++;
	if (!WARN_ON(!work->func))
		work->func(work);
	wq->running--;
	wq->done++;
	lk_st.works_run++;
}

/* lk_cpu_exit_enter() depth: the CPU is with the host. */
static unsigned int lk_exit_depth;

void lk_cpu_exit_enter(void)
{
	lk_exit_depth++;
}

void lk_cpu_exit_leave(void)
{
	if (!WARN_ON(!lk_exit_depth))
		lk_exit_depth--;
}

static void work_event(struct sim *s, void *arg)
{
	/* A kworker cannot run on a CPU that is in an exit: later. */
	if (lk_exit_depth && !sim_schedule(s, lk_cfg.work_ns, work_event, arg))
		return;
	work_run(arg);
}

struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags,
					 int max_active, ...)
{
	struct workqueue_struct *wq = kzalloc(sizeof(*wq), GFP_KERNEL);
	va_list ap;

	if (!wq)
		return NULL;
	va_start(ap, max_active);
	vsnprintf(wq->name, sizeof(wq->name), fmt, ap);
	va_end(ap);
	INIT_LIST_HEAD(&wq->pending);
	list_add_tail(&wq->node, &lk_wqs);
	return wq;
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	if (WARN_ON(!wq) || work->lk_pending)
		return false;
	work->lk_pending = true;
	work->lk_wq = wq;
	list_add_tail(&work->lk_entry, &wq->pending);
	wq->queued++;
	lk_st.works_queued++;
	/* If the event cannot be queued, flush_workqueue runs the work. */
	if (!lk_up || !lk_cfg.s ||
	    sim_schedule(lk_cfg.s, lk_cfg.work_ns, work_event, work))
		pr_warn("workqueue %s: no event for a work, deferred to flush\n",
			wq->name);
	return true;
}

struct wq_flush {
	struct workqueue_struct *wq;
	u64 target;
};

static bool wq_flushed(void *ctx)
{
	struct wq_flush *f = ctx;

	return f->wq->done >= f->target;
}

void flush_workqueue(struct workqueue_struct *wq)
{
	struct wq_flush f = { wq, wq->queued };

	/*
	 * A work waiting for its own queue deadlocks in Linux; here it is
	 * also what a flush from a work that sleeps inside another work of
	 * @wq would need, which one CPU cannot give.
	 */
	if (WARN_ON(wq->running))
		return;
	if (lk_up && lk_cfg.s)
		sim_run_until(lk_cfg.s, wq_flushed, &f, 0);
	/* Works whose event was never queued, or was dropped. */
	while (!wq_flushed(&f) && !list_empty(&wq->pending)) {
		struct work_struct *work = list_first_entry(&wq->pending,
							    struct work_struct,
							    lk_entry);

		if (lk_cfg.s)
			sim_cancel(lk_cfg.s, work_event, work);
		work_run(work);
	}
}

/* Drops the events of works that will never run. */
static void wq_cancel_all(struct workqueue_struct *wq)
{
	struct work_struct *work, *n;

	list_for_each_entry_safe(work, n, &wq->pending, lk_entry) {
		if (lk_cfg.s)
			sim_cancel(lk_cfg.s, work_event, work);
		list_del_init(&work->lk_entry);
		work->lk_pending = false;
	}
}

void destroy_workqueue(struct workqueue_struct *wq)
{
	/* From inside its own work: leave it (the shutdown sweep frees it). */
	if (WARN_ON(wq->running))
		return;
	/* Works may queue more works; Linux warns when draining drags on. */
	for (int round = 0; !list_empty(&wq->pending); round++) {
		if (WARN_ON(round == 100)) {
			wq_cancel_all(wq);
			break;
		}
		flush_workqueue(wq);
	}
	list_del(&wq->node);
	kfree(wq);
}

int lk_sched_init(void)
{
	lk_atomic_depth = 0;
	lk_nsleepers = 0;
	lk_exit_depth = 0;
	return 0;
}

/* Leaked workqueues: their memory goes with the slab sweep. */
void lk_sched_fini(void)
{
	struct workqueue_struct *wq, *n;

	list_for_each_entry_safe(wq, n, &lk_wqs, node) {
		pr_err("lk: workqueue %s not destroyed\n", wq->name);
		wq_cancel_all(wq);
		list_del(&wq->node);
	}
	if (lk_atomic_depth)
		pr_err("lk: %u spinlocks held at shutdown\n", lk_atomic_depth);
}
