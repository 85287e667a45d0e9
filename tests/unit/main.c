/*
 * main.c — runs every registered unit test, optionally only those whose name contains
 * argv[1].
 */
#include "unit.h"
#include "db/db.h"

#include <sodium.h>
#include <stdlib.h>

struct test {
	const char *name, *file;
	unit_fn fn;
};

static struct test tests[1024];
static int ntests;
int unit_failures_in_test;

void unit_register(const char *name, const char *file, unit_fn fn)
{
	if (ntests < 1024)
		tests[ntests++] = (struct test){name, file, fn};
}

void unit_fail(const char *file, int line, const char *what)
{
	unit_failures_in_test++;
	fprintf(stderr, "    %s:%d: CHECK failed: %s\n", file, line, what);
}

struct db *unit_db(void)
{
	char *err = NULL;
	struct db *c = db_open(":memory:", &err);
	if (!c || db_migrate(c, 0) != DB_OK) {
		fprintf(stderr, "unit_db: %s\n", err ? err : "migration failed");
		exit(1);
	}
	return c;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	setenv("ANQUAN_TEST_MODE", "1", 1);
	if (sodium_init() < 0)
		return 1;
	for (int i = 0; i < ntests; i++) {
		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		unit_failures_in_test = 0;
		tests[i].fn();
		if (unit_failures_in_test) {
			failed++;
			fprintf(stderr, "not ok %s (%s)\n", tests[i].name, tests[i].file);
		} else {
			passed++;
		}
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
