/*
 * unit.h — a minimal unit-test harness. A test is a function declared with TEST(name); it
 * registers itself before main() runs. CHECK records a failure and goes on; a test passes
 * when none of its checks failed. The runner prints one line per failure and a closing
 * "unit: N passed, N failed".
 */
#ifndef ANQUAN_UNIT_H
#define ANQUAN_UNIT_H

#include "db/db.h"
#include "db/pg.h"

#include <stdio.h>
#include <string.h>

typedef void (*unit_fn)(void);
void unit_register(const char *name, const char *file, unit_fn fn);
void unit_fail(const char *file, int line, const char *what);
extern int unit_failures_in_test;

#define TEST(name)                                                                \
	static void test_##name(void);                                            \
	__attribute__((constructor)) static void register_##name(void)            \
	{                                                                         \
		unit_register(#name, __FILE__, test_##name);                      \
	}                                                                         \
	static void test_##name(void)

#define CHECK(cond)                                                               \
	do {                                                                      \
		if (!(cond))                                                      \
			unit_fail(__FILE__, __LINE__, #cond);                     \
	} while (0)

#define CHECK_STR(a, b)                                                           \
	do {                                                                      \
		const char *a_ = (a), *b_ = (b);                                  \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                          \
			char m_[512];                                             \
			snprintf(m_, sizeof(m_), "%s == %s (\"%s\" vs \"%s\")", #a, #b, \
				 a_ ? a_ : "(null)", b_ ? b_ : "(null)");         \
			unit_fail(__FILE__, __LINE__, m_);                        \
		}                                                                 \
	} while (0)

#define CHECK_INT(a, b)                                                           \
	do {                                                                      \
		long long a_ = (long long)(a), b_ = (long long)(b);               \
		if (a_ != b_) {                                                   \
			char m_[256];                                             \
			snprintf(m_, sizeof(m_), "%s == %s (%lld vs %lld)", #a, #b, a_, b_); \
			unit_fail(__FILE__, __LINE__, m_);                        \
		}                                                                 \
	} while (0)

/* A fresh, migrated in-memory database for a test (closed with db_close). */
struct db *unit_db(void);
/* A test of SQLite itself (its query plans, its statement cache), when the unit tests run on
 * PostgreSQL (ANQUAN_TEST_PG=1, make test-pg): says so and leaves the test. */
#define SKIP_ON_PG(c, why)                                                         \
	do {                                                                      \
		if (db_pg(c)) {                                                   \
			fprintf(stderr, "    skipped on PostgreSQL: %s\n", why);      \
			db_close(c);                                              \
			return;                                                   \
		}                                                                 \
	} while (0)
/* An SQLite file of its own, for tests that open several connections (or processes) on one
 * database: unit_file_new removes any earlier file at /tmp/anquan-<name>-<pid>.db and gives
 * its path, unit_file_open opens it (exits on failure), unit_file_remove removes the file
 * with its -wal and -shm. */
const char *unit_file_new(const char *name);
struct db *unit_file_open(void);
void unit_file_remove(void);
/* The directory of the test databases' audit key and anchor (unit_db gives a fresh anchor). */
const char *unit_audit_dir(void);

#endif
