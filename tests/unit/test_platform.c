/*
 * test_platform.c — the platform's promises at their boundaries: the password policy,
 * argon2id parameters, the audit hash chain against edits, deletions and reordering,
 * idempotent migrations, transaction rollback, the arena, and route pattern matching.
 */
#include "unit.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/arena.h"
#include "base/config.h"
#include "db/db.h"
#include "http/http.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/* Silence stderr around calls that are expected to fail and log an ERROR line, so the
 * runner's output shows only real failures. quiet(1) hides, quiet(0) restores. */
static void quiet(int on)
{
	static int saved = -1;
	if (on && saved < 0) {
		int null = open("/dev/null", O_WRONLY);
		saved = dup(2);
		if (null >= 0) {
			dup2(null, 2);
			close(null);
		}
	} else if (!on && saved >= 0) {
		dup2(saved, 2);
		close(saved);
		saved = -1;
	}
}

TEST(password_policy_boundaries)
{
	/* 等保 2.0 complexity as configured by default: 8 characters, 3 of 4 classes */
	CHECK_INT(cfg.password_min_length, 8);
	CHECK_INT(cfg.password_min_classes, 3);
	CHECK_STR(auth_password_problem("Abcdef1"), "auth.pw_short");	/* 7 chars, 3 classes */
	CHECK(auth_password_problem("Abcdefg1") == NULL);		/* 8 chars, 3 classes */
	CHECK_STR(auth_password_problem("abcdefg1"), "auth.pw_classes");	/* 8 chars, 2 classes */
	CHECK_STR(auth_password_problem("abcdefgh"), "auth.pw_classes");	/* 1 class */
	CHECK(auth_password_problem("abcdef-1") == NULL);		/* symbol counts as a class */
	CHECK(auth_password_problem("ABCDEF-1") == NULL);
	CHECK_STR(auth_password_problem(""), "auth.pw_short");
	/* length is in characters, not bytes: 7 Chinese characters are 21 bytes but too short */
	CHECK_STR(auth_password_problem("安全生产管理A"), "auth.pw_short");
	CHECK(auth_password_problem("安全生产管理a1") == NULL);	/* 8 chars: other, lower, digit */
	char longpw[300];
	memset(longpw, 'a', sizeof(longpw) - 1);
	longpw[sizeof(longpw) - 1] = '\0';
	longpw[0] = 'A';
	longpw[1] = '1';
	CHECK_STR(auth_password_problem(longpw), "auth.pw_long");
}

/* The number after "key=" in an argon2 string such as "$argon2id$v=19$m=19456,t=2,p=1$...". */
static long argon_param(const char *hash, const char *key)
{
	const char *p = strstr(hash, key);
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

TEST(argon2id_round_trip_and_parameters)
{
	char *hash = NULL;
	CHECK_INT(auth_hash_password("Correct-Horse-9", &hash), 0);
	if (!hash)
		return;
	CHECK(strncmp(hash, "$argon2id$", 10) == 0);
	CHECK(argon_param(hash, "$m=") >= 19 * 1024);	/* KiB: at least 19 MiB (OWASP) */
	CHECK(argon_param(hash, ",t=") >= 2);		/* at least 2 passes */
	CHECK(auth_verify_password(hash, "Correct-Horse-9"));
	CHECK(!auth_verify_password(hash, "Correct-Horse-8"));
	CHECK(!auth_verify_password(hash, ""));
	char *again = NULL;
	CHECK_INT(auth_hash_password("Correct-Horse-9", &again), 0);
	CHECK(again && strcmp(hash, again) != 0);	/* salted: same password, new hash */
	/* anything that is not an argon2id string never verifies */
	CHECK(!auth_verify_password(NULL, "x"));
	CHECK(!auth_verify_password("", ""));
	CHECK(!auth_verify_password("$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA", "x"));
	CHECK(!auth_verify_password("plain-text-password", "plain-text-password"));
	free(hash);
	free(again);
}

static void audit_fill(struct db *c, int n)
{
	struct audit_actor who = {7, "tester", "10.0.0.1"};
	CHECK_INT(db_begin(c), DB_OK);
	for (int i = 1; i <= n; i++) {
		char summary[32];
		snprintf(summary, sizeof(summary), "entry %d \"quoted\" 隐患", i);
		CHECK_INT(audit_append(c, &who, "hazard", i, "update", summary), DB_OK);
	}
	CHECK_INT(db_commit(c), DB_OK);
}

static int64_t verify(struct db *c, int64_t *checked)
{
	const char *why = NULL;
	int64_t bad = audit_verify(c, checked, &why);
	CHECK(bad == 0 || why != NULL);
	return bad;
}

TEST(audit_chain_detects_edit_delete_reorder)
{
	int64_t checked = 0;
	struct db *c = unit_db();
	CHECK_INT(verify(c, &checked), 0);	/* an empty log is intact */
	/* appending outside a transaction is refused: the entry must commit with its change */
	struct audit_actor who = {1, "x", ""};
	quiet(1);
	CHECK(audit_append(c, &who, "user", 1, "login", "") != DB_OK);
	quiet(0);
	audit_fill(c, 5);
	CHECK_INT(verify(c, &checked), 0);
	CHECK_INT(checked, 5);
	/* edited */
	CHECK_INT(db_exec(c, "UPDATE audit_log SET summary = 'changed' WHERE id = 3", NULL), DB_OK);
	CHECK_INT(verify(c, &checked), 3);
	db_close(c);

	/* edited in a field other than the summary: who did it */
	c = unit_db();
	audit_fill(c, 5);
	CHECK_INT(db_exec(c, "UPDATE audit_log SET username = 'someone' WHERE id = 4", NULL), DB_OK);
	CHECK_INT(verify(c, &checked), 4);
	db_close(c);

	/* deleted in the middle, and the last one deleted (then found by the next append's id) */
	c = unit_db();
	audit_fill(c, 5);
	CHECK_INT(db_exec(c, "DELETE FROM audit_log WHERE id = 2", NULL), DB_OK);
	CHECK_INT(verify(c, &checked), 2);
	db_close(c);

	/* reordered: rows 2 and 3 swap places (ids exchanged) */
	c = unit_db();
	audit_fill(c, 5);
	CHECK_INT(db_exec(c, "UPDATE audit_log SET id = 100 WHERE id = 2", NULL), DB_OK);
	CHECK_INT(db_exec(c, "UPDATE audit_log SET id = 2 WHERE id = 3", NULL), DB_OK);
	CHECK_INT(db_exec(c, "UPDATE audit_log SET id = 3 WHERE id = 100", NULL), DB_OK);
	CHECK_INT(verify(c, &checked), 2);
	db_close(c);

	/* an edit whose hashes were recomputed for that row alone still breaks the next link */
	c = unit_db();
	audit_fill(c, 3);
	/* change the first hex digit whatever it is: a hash that already began with 'f' (one
	 * time in 16, the time is in the hash) was left as it was and the check failed */
	CHECK_INT(db_exec(c, "UPDATE audit_log SET hash = CASE WHEN hash LIKE 'f%' THEN 'e' ELSE 'f' END"
			     " || substr(hash, 2) WHERE id = 2", NULL), DB_OK);
	CHECK_INT(verify(c, &checked), 2);
	db_close(c);
}

TEST(migrations_are_idempotent)
{
	struct db *c = unit_db();
	int64_t versions = 0, roles = 0, max = 0;
	CHECK_INT(db_get_i64(c, &versions, "SELECT count(*) FROM schema_migrations", NULL), 1);
	CHECK_INT(db_get_i64(c, &max, "SELECT max(version) FROM schema_migrations", NULL), 1);
	CHECK_INT(db_get_i64(c, &roles, "SELECT count(*) FROM roles", NULL), 1);
	CHECK(versions >= 2);
	CHECK_INT(roles, 12);	/* eleven defaults and the security administrator (0003) */
	CHECK_INT(db_migrate(c, 0), DB_OK);
	CHECK_INT(db_migrate(c, 0), DB_OK);
	int64_t v2 = 0, r2 = 0, m2 = 0;
	db_get_i64(c, &v2, "SELECT count(*) FROM schema_migrations", NULL);
	db_get_i64(c, &m2, "SELECT max(version) FROM schema_migrations", NULL);
	db_get_i64(c, &r2, "SELECT count(*) FROM roles", NULL);
	CHECK_INT(v2, versions);
	CHECK_INT(m2, max);
	CHECK_INT(r2, 12);
	CHECK(!db_in_tx(c));
	db_close(c);
}

TEST(transaction_rollback_leaves_nothing)
{
	struct db *c = unit_db();
	int64_t units = -1, audits = -1;
	CHECK_INT(db_begin(c), DB_OK);
	CHECK(db_in_tx(c));
	quiet(1);
	CHECK_INT(db_begin(c), DB_ERROR);	/* no nesting */
	quiet(0);
	CHECK_INT(db_exec(c, "INSERT INTO units (name, kind, path, created_at) VALUES (?, ?, ?, 0)", "ttt", "甲班",
			  "team", "/1/"), DB_OK);
	struct audit_actor who = {0, "t", ""};
	CHECK_INT(audit_append(c, &who, "unit", db_last_id(c), "create", "甲班"), DB_OK);
	db_rollback(c);
	CHECK(!db_in_tx(c));
	db_get_i64(c, &units, "SELECT count(*) FROM units", NULL);
	db_get_i64(c, &audits, "SELECT count(*) FROM audit_log", NULL);
	CHECK_INT(units, 0);
	CHECK_INT(audits, 0);
	/* the write lock was released: the next transaction starts and commits */
	CHECK_INT(db_begin(c), DB_OK);
	CHECK_INT(db_exec(c, "INSERT INTO units (name, kind, path, created_at) VALUES (?, ?, ?, 0)", "ttt", "乙班",
			  "team", "/1/"), DB_OK);
	CHECK_INT(db_commit(c), DB_OK);
	db_get_i64(c, &units, "SELECT count(*) FROM units", NULL);
	CHECK_INT(units, 1);
	/* a failed statement inside a transaction, then rollback: still nothing of it */
	CHECK_INT(db_begin(c), DB_OK);
	CHECK_INT(db_exec(c, "INSERT INTO units (name, kind, path, created_at) VALUES (?, ?, ?, 0)", "ttt", "丙班",
			  "team", "/1/"), DB_OK);
	quiet(1);
	CHECK(db_exec(c, "INSERT INTO no_such_table VALUES (1)", NULL) != DB_OK);
	quiet(0);
	db_rollback(c);
	db_get_i64(c, &units, "SELECT count(*) FROM units", NULL);
	CHECK_INT(units, 1);
	CHECK_INT(db_commit(c), DB_ERROR);	/* nothing open */
	db_close(c);
}

TEST(arena_allocates_aligned_zeroed_and_large)
{
	struct arena a;
	arena_init(&a);
	char *prev = NULL;
	for (int i = 0; i < 5000; i++) {	/* many chunks */
		size_t n = (size_t)(i % 37) + 1;
		unsigned char *p = arena_alloc(&a, n);
		CHECK(((uintptr_t)p & 15) == 0);
		for (size_t k = 0; k < n; k++)
			if (p[k]) {
				CHECK(!"arena memory is zeroed");
				break;
			}
		memset(p, 0xab, n);
		CHECK((char *)p != prev);
		prev = (char *)p;
	}
	char *small = arena_strdup(&a, "before");
	char *big = arena_alloc(&a, 1 << 20);	/* its own chunk */
	CHECK(((uintptr_t)big & 15) == 0);
	CHECK(big[0] == 0 && big[(1 << 20) - 1] == 0);
	memset(big, 1, 1 << 20);
	char *after = arena_strdup(&a, "after");	/* still from the small chunk */
	CHECK_STR(small, "before");
	CHECK_STR(after, "after");
	CHECK_STR(arena_strndup(&a, "abcdef", 3), "abc");
	CHECK(arena_strdup(&a, NULL) == NULL);
	CHECK_STR(arena_printf(&a, "%s-%d-%s", "隐患", 42, ""), "隐患-42-");
	CHECK_STR(arena_printf(&a, "%s", ""), "");
	CHECK(a.total >= (1 << 20));
	CHECK(arena_alloc(&a, 0) != NULL);
	arena_free(&a);
	CHECK(a.head == NULL);
	CHECK_INT(a.total, 0);
	arena_free(&a);	/* twice is harmless */
}

static const char *param(struct kv *kv, const char *name)
{
	for (; kv; kv = kv->next)
		if (!strcmp(kv->key, name))
			return kv->val;
	return NULL;
}

TEST(router_pattern_matching)
{
	struct arena a;
	arena_init(&a);
	struct kv *p = NULL;
	CHECK(router_match_path(&a, "/", "/", &p));
	CHECK(router_match_path(&a, "/api/v1/me", "/api/v1/me", &p));
	CHECK(p == NULL);
	CHECK(!router_match_path(&a, "/api/v1/me", "/api/v1/me/", &p));
	CHECK(!router_match_path(&a, "/api/v1/me", "/api/v1/m", &p));
	CHECK(!router_match_path(&a, "/api/v1/me", "/api/v1/mex", &p));
	CHECK(!router_match_path(&a, "/api/v1/me", "/API/v1/me", &p));
	CHECK(router_match_path(&a, "/hazards/:id", "/hazards/42", &p));
	CHECK_STR(param(p, "id"), "42");
	CHECK(!router_match_path(&a, "/hazards/:id", "/hazards/", &p));	/* empty segment */
	CHECK(!router_match_path(&a, "/hazards/:id", "/hazards/4/2", &p));
	CHECK(!router_match_path(&a, "/hazards/:id", "/hazards", &p));
	p = NULL;
	CHECK(router_match_path(&a, "/hazards/:id/photos/:n", "/hazards/7/photos/隐患", &p));
	CHECK_STR(param(p, "id"), "7");
	CHECK_STR(param(p, "n"), "隐患");
	CHECK(!router_match_path(&a, "/hazards/:id/photos/:n", "/hazards/7/files/1", &p));
	CHECK(router_match_path(&a, "/static/:name", "/static/app.css", &p));
	CHECK_STR(param(p, "name"), "app.css");
	/* a parameter never spans a slash, so "../" tricks stay one segment or fail */
	CHECK(!router_match_path(&a, "/static/:name", "/static/../anquan.db", &p));
	arena_free(&a);
}
