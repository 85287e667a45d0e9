/*
 * metrics.h — counters and gauges for Prometheus (/metrics, docs/operations.md "Monitoring").
 *
 * Lowest layer, so that every layer can report: the HTTP layer counts requests by route
 * pattern (never by path: a path holds ids, and the series would grow without bound), the
 * database adds the time spent in statements, the scheduler its lag, and any module may set a
 * named gauge (an outbox's depth). Thread-safe; nothing here allocates per request.
 */
#ifndef ANQUAN_METRICS_H
#define ANQUAN_METRICS_H

#include "base/strbuf.h"

/* One finished request. method and pattern must live as long as the process (a route's). */
void metrics_request(const char *method, const char *pattern, int status, double seconds);
void metrics_db_time(double seconds);
/* A gauge by name (letters, digits and '_'; at most 32 gauges); help is a static string. */
void metrics_gauge_set(const char *name, const char *help, double value);
/* The text exposition format (version 0.0.4). */
void metrics_render(struct strbuf *out);
/* Monotonic seconds, for durations. */
double metrics_now(void);

#endif
