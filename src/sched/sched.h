/*
 * sched.h — the scheduler: one thread that wakes every minute and runs each module's job
 * (deadline reminders and escalation, certificate and inspection warnings, overdue permits).
 *
 * A job receives a connection and "now" from clock_now(). It must be idempotent: a reminder
 * already sent is not sent again (use notify_user's dedup_key), so a job may run late, twice,
 * or after a crash without harm. Each job does its own transactions.
 *
 * In the test build and test mode, `POST /api/v1/test/tick` runs every job once, at once, so
 * tests move the clock and tick instead of sleeping.
 */
#ifndef ANQUAN_SCHED_H
#define ANQUAN_SCHED_H

#include <stdint.h>

#include "http/http.h"

struct db;

/* The jobs are the modules' (struct module_job in base/module.h, listed in each module's
 * descriptor); sched_run_all() runs them in module order. */

int sched_run_all(struct db *c, int64_t now);	/* total acted on */
int sched_start(int interval_s);
void sched_stop(void);

extern const struct route sched_routes[];
/* its entry in the module table (base/module.h), listed in src/modules.c */
struct module;
extern const struct module sched_module;

#endif
