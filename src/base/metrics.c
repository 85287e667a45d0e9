/*
 * metrics.c — the counters behind /metrics. Requests are kept per (method, route pattern)
 * in a small fixed table (the routes are a fixed set), each with its count by status class
 * and a latency histogram; the database time is one counter; gauges are set by name.
 */
#include "base/metrics.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#define MAX_SERIES 1024
#define MAX_GAUGES 32

/* seconds; the last bucket is +Inf */
static const double bounds[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define NB (sizeof(bounds) / sizeof(bounds[0]))

struct series {
	const char *method, *pattern;
	unsigned long long by_class[6];	/* [status / 100], 1xx to 5xx */
	unsigned long long buckets[NB + 1];
	double sum;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct series series[MAX_SERIES];
static int nseries;
static struct {
	const char *name, *help;
	double value;
} gauges[MAX_GAUGES];
static int ngauges;
static _Atomic unsigned long long db_ns;

double metrics_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void metrics_request(const char *method, const char *pattern, int status, double seconds)
{
	pthread_mutex_lock(&lock);
	struct series *s = NULL;
	for (int i = 0; i < nseries; i++)
		if (series[i].pattern == pattern && !strcmp(series[i].method, method)) {
			s = &series[i];
			break;
		}
	if (!s && nseries < MAX_SERIES) {
		s = &series[nseries++];
		s->method = method;
		s->pattern = pattern;
	}
	if (s) {
		int c = status / 100;
		s->by_class[c >= 1 && c <= 5 ? c : 5]++;
		size_t b = 0;
		while (b < NB && seconds > bounds[b])
			b++;
		s->buckets[b]++;
		s->sum += seconds;
	}
	pthread_mutex_unlock(&lock);
}

void metrics_db_time(double seconds)
{
	atomic_fetch_add(&db_ns, (unsigned long long)(seconds * 1e9));
}

void metrics_gauge_set(const char *name, const char *help, double value)
{
	pthread_mutex_lock(&lock);
	int i = 0;
	while (i < ngauges && strcmp(gauges[i].name, name) != 0)
		i++;
	if (i == ngauges && ngauges < MAX_GAUGES) {
		gauges[i].name = name;
		gauges[i].help = help;
		ngauges++;
	}
	if (i < ngauges)
		gauges[i].value = value;
	pthread_mutex_unlock(&lock);
}

/* a label value: backslash, double quote and newline escaped */
static void label(struct strbuf *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			sb_addc(out, '\\');
		if (*v == '\n') {
			sb_adds(out, "\\n");
			continue;
		}
		sb_addc(out, *v);
	}
}

static void labels(struct strbuf *out, const struct series *s)
{
	sb_adds(out, "method=\"");
	label(out, s->method);
	sb_adds(out, "\",route=\"");
	label(out, s->pattern);
	sb_addc(out, '"');
}

void metrics_render(struct strbuf *out)
{
	pthread_mutex_lock(&lock);
	sb_adds(out, "# HELP anquan_http_requests_total Requests answered, by method, route pattern and status class.\n"
		     "# TYPE anquan_http_requests_total counter\n");
	for (int i = 0; i < nseries; i++)
		for (int c = 1; c <= 5; c++) {
			if (!series[i].by_class[c])
				continue;
			sb_adds(out, "anquan_http_requests_total{");
			labels(out, &series[i]);
			sb_addf(out, ",code=\"%dxx\"} %llu\n", c, series[i].by_class[c]);
		}
	sb_adds(out, "# HELP anquan_http_request_duration_seconds Time from the request's first byte to its answer.\n"
		     "# TYPE anquan_http_request_duration_seconds histogram\n");
	for (int i = 0; i < nseries; i++) {
		unsigned long long cum = 0;
		for (size_t b = 0; b <= NB; b++) {
			cum += series[i].buckets[b];
			sb_adds(out, "anquan_http_request_duration_seconds_bucket{");
			labels(out, &series[i]);
			if (b < NB)
				sb_addf(out, ",le=\"%g\"} %llu\n", bounds[b], cum);
			else
				sb_addf(out, ",le=\"+Inf\"} %llu\n", cum);
		}
		sb_adds(out, "anquan_http_request_duration_seconds_sum{");
		labels(out, &series[i]);
		sb_addf(out, "} %.6f\nanquan_http_request_duration_seconds_count{", series[i].sum);
		labels(out, &series[i]);
		sb_addf(out, "} %llu\n", cum);
	}
	for (int i = 0; i < ngauges; i++)
		sb_addf(out, "# HELP %s %s\n# TYPE %s gauge\n%s %.6g\n", gauges[i].name, gauges[i].help,
			gauges[i].name, gauges[i].name, gauges[i].value);
	pthread_mutex_unlock(&lock);
	sb_addf(out, "# HELP anquan_db_seconds_total Time spent running database statements.\n"
		     "# TYPE anquan_db_seconds_total counter\nanquan_db_seconds_total %.6f\n",
		(double)atomic_load(&db_ns) / 1e9);
}
