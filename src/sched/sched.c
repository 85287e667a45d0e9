/*
 * sched.c — the scheduler thread. It sleeps on a condition variable so that shutdown does
 * not wait out the minute, and it runs the jobs one after another on its own connection.
 *
 * Only the leader runs them (db/leader.h): with several app servers on one PostgreSQL
 * database, a follower's thread looks each second whether it has become the leader, and runs
 * its first round as soon as it has, so that a dead leader's minute is taken over within
 * db.leader_retry + 1 seconds of the lock's release.
 */
#include "sched/sched.h"
#include "base/module.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/metrics.h"
#include "db/db.h"
#include "db/leader.h"
#include "base/i18n.h"

#include <pthread.h>
#include <time.h>

static pthread_t thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int stopping, running, interval = 60;
/* the HTTP tick and the thread never run jobs at the same time */
static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;

int sched_run_all(struct db *c, int64_t now)
{
	int total = 0;
	pthread_mutex_lock(&run_lock);
	for (const struct module *const *m = module_registry(); *m; m++)
		for (const struct module_job *j = (*m)->jobs; j && j->name; j++) {
			double t0 = metrics_now();
			int n = j->run(c, now);
			double took = metrics_now() - t0;
			if (n < 0)
				log_error("sched: job %s failed", j->name);
			else
				total += n;
			/* a job that holds the write lock for seconds stalls every report behind it */
			if (took >= 1.0)
				log_info("sched: job %s took %.1f s (%d actions)", j->name, took, n);
		}
	pthread_mutex_unlock(&run_lock);
	return total;
}

/* One round of every job; planned: when it was due (for the lag gauge), moved to the next. */
static void run_round(double *planned)
{
	/* lag: how late this round starts against its plan (the last round's end plus the
	 * interval): a machine starved of CPU shows here */
	double start = metrics_now();
	metrics_gauge_set("anquan_scheduler_lag_seconds", "How late the scheduler's last round started.",
			  start > *planned ? start - *planned : 0);
	struct db *c = db_acquire();
	if (c) {
		int n = sched_run_all(c, clock_now());
		if (n > 0)
			log_info("sched: %d actions", n);
		db_release(c);
	}
	metrics_gauge_set("anquan_scheduler_round_seconds", "How long the scheduler's last round of jobs ran.",
			  metrics_now() - start);
	*planned = metrics_now() + interval;
}

static void *loop(void *arg)
{
	(void)arg;
	double planned = metrics_now();
	pthread_mutex_lock(&lock);
	while (!stopping) {
		pthread_mutex_unlock(&lock);
		int wait = interval;
		if (db_leader_term()) {
			run_round(&planned);
		} else {
			wait = 1;	/* a follower: look again in a second */
			planned = metrics_now() + 1;
		}
		pthread_mutex_lock(&lock);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += wait;
		while (!stopping && pthread_cond_timedwait(&wake, &lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int sched_start(int interval_s)
{
	interval = interval_s > 0 ? interval_s : 60;
	stopping = 0;
	if (pthread_create(&thread, NULL, loop, NULL) != 0)
		return -1;
	running = 1;
	return 0;
}

void sched_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	running = 0;
}

#ifdef ANQUAN_TEST_BUILD
/* Only in the test build (see base/clock.h): the release binary has no such route. */
static int test_tick(struct req *r)
{
	if (!clock_test_mode()) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	int n = sched_run_all(r->db, clock_now());
	resp_json(r, 200, json_pack("{s:i, s:I}", "actions", n, "now", (json_int_t)clock_now()));
	return 0;
}
#endif

const struct route sched_routes[] = {
#ifdef ANQUAN_TEST_BUILD
	{"POST", "/api/v1/test/tick", test_tick, NULL, ROUTE_PUBLIC | ROUTE_API | ROUTE_NO_CSRF,
	 "Run every scheduled job now (test build in test mode only; 404 otherwise)"},
#endif
	{0},
};

/* the scheduler's own routes (the test tick); its jobs come from the other modules */
const struct module sched_module = {.name = "sched", .routes = sched_routes};
