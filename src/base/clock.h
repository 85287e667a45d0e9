/*
 * clock.h — the one source of "now" in anquan.
 *
 * Deadlines, certificate expiry and escalation are all tested by moving this clock, never by
 * sleeping. The override exists only in the test build (-DANQUAN_TEST_BUILD, the sanitizer,
 * TSan and fuzz builds), and even there only while ANQUAN_TEST_MODE=1: the release ./anquan
 * has no code that could move its clock, so a production server cannot be talked into
 * backdating a signature by an environment variable left set.
 */
#ifndef ANQUAN_CLOCK_H
#define ANQUAN_CLOCK_H

#include <stdint.h>

int64_t clock_now(void);		/* UTC seconds */
int64_t clock_now_ms(void);		/* UTC milliseconds, for durations and logs */
int clock_test_mode(void);		/* always 0 in the release build */
#ifdef ANQUAN_TEST_BUILD
int clock_set(int64_t utc_seconds);	/* -1 outside test mode; 0 clears the override */
#endif
/* Format UTC seconds in the plant's zone (Asia/Shanghai, UTC+8, no DST) into buf. */
void clock_format(int64_t t, const char *fmt, char *buf, int size);
int64_t clock_local_offset(void);	/* seconds east of UTC for display */

#endif
