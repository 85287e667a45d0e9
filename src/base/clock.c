/*
 * clock.c — wall clock with a test override. The override is a single atomic so that the
 * scheduler thread and request threads agree on "now" without a lock.
 */
#include "base/clock.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static _Atomic int64_t override_s;

int clock_test_mode(void)
{
	const char *v = getenv("ANQUAN_TEST_MODE");
	return v && strcmp(v, "1") == 0;
}

int64_t clock_now(void)
{
	int64_t o = atomic_load(&override_s);
	if (o)
		return o;
	return (int64_t)time(NULL);
}

int64_t clock_now_ms(void)
{
	struct timespec ts;
	int64_t o = atomic_load(&override_s);
	if (o)
		return o * 1000;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int clock_set(int64_t t)
{
	if (!clock_test_mode())
		return -1;
	atomic_store(&override_s, t);
	return 0;
}

/* China has one zone and no daylight saving since 1991; a fixed offset avoids depending on
 * tzdata being installed on a minimal server. */
int64_t clock_local_offset(void)
{
	return 8 * 3600;
}

void clock_format(int64_t t, const char *fmt, char *buf, int size)
{
	time_t lt = (time_t)(t + clock_local_offset());
	struct tm tm;
	gmtime_r(&lt, &tm);
	if (size > 0 && strftime(buf, (size_t)size, fmt, &tm) == 0)
		buf[0] = '\0';
}
