/*
 * main.c — runs every registered unit test, optionally only those whose name contains
 * argv[1].
 */
#include "unit.h"
#include "audit/audit.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "modules.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* The audit key and anchor of the test databases: one directory for the run, with a fresh
 * anchor for each new database (the anchor records one database's head). */
static char audit_dir[] = "/tmp/anquan-unit-XXXXXX";

const char *unit_audit_dir(void)
{
	return audit_dir;
}

static char *in_audit_dir(const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "%s/%s", audit_dir, name);
	return sb_detach(&sb, NULL);
}

/* With ANQUAN_TEST_PG=1 (make test-pg), a fresh PostgreSQL database on the cluster of
 * ANQUAN_TEST_PG_URL instead of an SQLite one in memory: copied from a template migrated
 * once, as migrating each anew would take a second. */
static char *pg_db_url(void)
{
	const char *admin = getenv("ANQUAN_TEST_PG_URL");
	if (!getenv("ANQUAN_TEST_PG") || strcmp(getenv("ANQUAN_TEST_PG"), "1") || !admin || !*admin)
		return NULL;
	static int n;
	char *err = NULL;
	struct db *a = db_open(admin, &err);
	if (!a) {
		fprintf(stderr, "unit_db: %s\n", err ? err : "?");
		exit(1);
	}
	const char *slash = strrchr(admin, '/');
	struct strbuf base = STRBUF_INIT, sql = STRBUF_INIT;
	sb_add(&base, admin, (size_t)(slash - admin + 1));
	if (n == 0) {	/* the template, migrated once per run */
		sb_addf(&sql, "CREATE DATABASE unit_tpl_%d", (int)getpid());
		struct strbuf url = STRBUF_INIT;
		sb_addf(&url, "%sunit_tpl_%d", base.buf, (int)getpid());
		struct db *t = db_exec_script(a, sql.buf) == DB_OK ? db_open(url.buf, &err) : NULL;
		if (!t || db_migrate(t, 0) != DB_OK) {
			fprintf(stderr, "unit_db: cannot make the template: %s\n", err ? err : "?");
			exit(1);
		}
		db_close(t);
		sb_release(&url);
		sb_reset(&sql);
	}
	n++;
	sb_addf(&sql, "CREATE DATABASE unit_%d_%d TEMPLATE unit_tpl_%d", (int)getpid(), n, (int)getpid());
	if (db_exec_script(a, sql.buf) != DB_OK) {
		fprintf(stderr, "unit_db: cannot create a database\n");
		exit(1);
	}
	db_close(a);
	sb_addf(&base, "unit_%d_%d", (int)getpid(), n);
	sb_release(&sql);
	return sb_detach(&base, NULL);
}

struct db *unit_db(void)
{
	char *err = NULL;
	char *url = pg_db_url();
	struct db *c = db_open(url ? url : ":memory:", &err);
	free(url);
	if (!c || db_migrate(c, 0) != DB_OK) {
		fprintf(stderr, "unit_db: %s\n", err ? err : "migration failed");
		exit(1);
	}
	char *anchor = in_audit_dir("audit.anchor");
	unlink(anchor);
	free(anchor);
	if (audit_open(audit_dir, NULL, &err)) {
		fprintf(stderr, "unit_db: %s\n", err);
		exit(1);
	}
	return c;
}

static char file_path[96];

const char *unit_file_new(const char *name)
{
	snprintf(file_path, sizeof file_path, "/tmp/anquan-%s-%d.db", name, (int)getpid());
	unit_file_remove();
	return file_path;
}

struct db *unit_file_open(void)
{
	char *err = NULL;
	struct db *c = db_open(file_path, &err);
	if (!c) {
		fprintf(stderr, "unit_file_open: %s\n", err ? err : "?");
		exit(1);
	}
	return c;
}

void unit_file_remove(void)
{
	char p[128];
	unlink(file_path);
	snprintf(p, sizeof p, "%s-wal", file_path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", file_path);
	unlink(p);
}

static void audit_dir_remove(void)
{
	audit_close();
	const char *names[] = {"audit.key", "audit.anchor"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *p = in_audit_dir(names[i]);
		unlink(p);
		free(p);
	}
	rmdir(audit_dir);
}

/* Is this test named in ANQUAN_UNIT_SKIP (names separated by spaces)? */
static int skipped(const char *name)
{
	const char *list = getenv("ANQUAN_UNIT_SKIP");
	size_t n = strlen(name);
	for (const char *p = list ? strstr(list, name) : NULL; p; p = strstr(p + 1, name))
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	setenv("ANQUAN_TEST_MODE", "1", 1);
	if (sodium_init() < 0)
		return 1;
	if (modules_register())
		return 1;
	if (!mkdtemp(audit_dir)) {
		perror("mkdtemp");
		return 1;
	}
	atexit(audit_dir_remove);
	for (int i = 0; i < ntests; i++) {
		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		if (skipped(tests[i].name)) {	/* tests/pg-passing names those that fail on PostgreSQL */
			fprintf(stderr, "skip %s (ANQUAN_UNIT_SKIP)\n", tests[i].name);
			continue;
		}
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
