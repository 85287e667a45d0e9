/*
 * checkgen.c — `build/bench/checkgen [N]`: how long the check scheduler takes to generate one
 * day's tasks for N control measures (default 5,000), on a fresh database built by the real
 * migrations: one workshop, N/4 risk objects with one event each and four measures per event
 * (cycles of hours, days, weeks and months, as a register has them), then check_generate_day
 * for one day, timed, and run again to show that a second run makes nothing (the unique key).
 */
#include "base/clock.h"
#include "base/day.h"
#include "check/check.h"
#include "db/db.h"
#include "modules.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double secs(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5000;
	char path[] = "/tmp/checkgen-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || n < 4)
		return 2;
	close(fd);
	char *err = NULL;
	struct db *c = db_open(path, &err);
	if (!c || modules_register() || db_migrate(c, 0) != DB_OK) {
		fprintf(stderr, "checkgen: %s\n", err ? err : "migrate failed");
		return 1;
	}
	int64_t now = clock_now();
	static const char *const units[4][2] = {{"hour", "4"}, {"day", "1"}, {"week", "1"}, {"month", "1"}};
	db_begin(c);
	if (db_exec(c, "INSERT INTO units (id, name, kind, path, created_at) VALUES (1, 'plant', 'company', '/1/', ?)", "I", now) != DB_OK) {
		fprintf(stderr, "checkgen: %s\n", db_errmsg(c));
		return 1;
	}
	for (int i = 0; i < n / 4; i++) {
		db_exec(c, "INSERT INTO risk_objects (kind, name, unit_id, created_at, updated_at) VALUES ('facility', 'o', 1, ?, ?)", "II",
			now, now);
		int64_t o = db_last_id(c);
		db_exec(c, "INSERT INTO risk_units (object_id, name, created_at, updated_at) VALUES (?, 'u', ?, ?)", "III", o, now, now);
		int64_t u = db_last_id(c);
		db_exec(c, "INSERT INTO risk_events (risk_unit_id, name, created_at, updated_at) VALUES (?, 'e', ?, ?)", "III", u, now, now);
		int64_t e = db_last_id(c);
		for (int k = 0; k < 4; k++)
			if (db_exec(c, "INSERT INTO risk_measures (event_id, description, classify1, check_cycle, check_cycle_unit, work_start,"
				   " work_end, created_at, updated_at) VALUES (?, 'm', 'eng', ?, ?, 480, 1080, ?, ?)", "IttII", e,
				units[k][1], units[k][0], now, now) != DB_OK) {
				fprintf(stderr, "checkgen: %s\n", db_errmsg(c));
				return 1;
			}
	}
	if (db_commit(c) != DB_OK) {
		fprintf(stderr, "checkgen: %s\n", db_errmsg(c));
		return 1;
	}
	int64_t day = day_of(now);
	double t0 = secs();
	int made = check_generate_day(c, day, now);
	double t1 = secs();
	int again = check_generate_day(c, day, now);
	double t2 = secs();
	printf("measures %d: %d tasks generated in %.3f s; a second run made %d in %.3f s\n", n, made, t1 - t0, again, t2 - t1);
	db_close(c);
	unlink(path);
	return made > 0 && again == 0 ? 0 : 1;
}
