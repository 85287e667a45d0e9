/*
 * clock.c — wall clock with a test override. The override is a single atomic so that the
 * scheduler thread and request threads agree on "now" without a lock. The override and the
 * test mode are compiled only into the test build (see clock.h).
 */
#include "base/clock.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef ANQUAN_TEST_BUILD
static _Atomic int64_t override_s;

int clock_test_mode(void)
{
	const char *v = getenv("ANQUAN_TEST_MODE");
	return v && strcmp(v, "1") == 0;
}

static int64_t override_now(void)
{
	return atomic_load(&override_s);
}
#else
/* the release build reads the wall clock only: no override, no mode to switch on */
static int64_t override_now(void)
{
	return 0;
}

int clock_test_mode(void)
{
	return 0;
}
#endif

int64_t clock_now(void)
{
	int64_t o = override_now();
	if (o)
		return o;
	return (int64_t)time(NULL);
}

int64_t clock_now_ms(void)
{
	struct timespec ts;
	int64_t o = override_now();
	if (o)
		return o * 1000;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#ifdef ANQUAN_TEST_BUILD
int clock_set(int64_t t)
{
	if (!clock_test_mode())
		return -1;
	atomic_store(&override_s, t);
	return 0;
}
#endif

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
