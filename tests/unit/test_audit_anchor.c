/*
 * test_audit_anchor.c — the keyed audit chain and its anchor outside the database against
 * what someone who can edit the database file, but not DATA/audit.key, can do: delete the
 * newest entries, empty the table, edit an entry and recompute the chain with plain SHA-256
 * (also after moving the switch-over row); and what must not raise an alarm: a rolled-back
 * entry, an anchor a line behind after a crash, rows from before the key (plain SHA-256).
 */
#include "unit.h"
#include "audit/audit.h"
#include "base/strbuf.h"
#include "db/db.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* Hide stderr around a call that is expected to log an ERROR line. */
static void quiet_stderr(int on)
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

static void fill(struct db *c, int n)
{
	struct audit_actor who = {7, "tester", "10.0.0.1"};
	for (int i = 1; i <= n; i++) {
		char summary[32];
		snprintf(summary, sizeof(summary), "entry %d 隐患", i);
		CHECK_INT(db_begin(c), DB_OK);	/* one commit each: one anchor line each */
		CHECK_INT(audit_append(c, &who, "hazard", i, "update", summary), DB_OK);
		CHECK_INT(db_commit(c), DB_OK);
	}
}

static enum audit_state check(struct db *c, int64_t *bad)
{
	struct audit_report r;
	CHECK_INT(audit_check(c, NULL, &r), 0);
	CHECK(r.state == AUDIT_INTACT || r.why != NULL);
	if (bad)
		*bad = r.bad_id;
	return r.state;
}

/* What a forger without the key does: recompute every hash from row `from` on with plain
 * SHA-256 over the same canonical form. */
static void recompute_plain(struct db *c, int64_t from)
{
	char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000";
	if (from > 1) {
		char *p = NULL;
		db_get_text(c, &p, "SELECT hash FROM audit_log WHERE id = ?", "I", from - 1);
		snprintf(prev, sizeof(prev), "%s", p ? p : "");
		free(p);
	}
	int64_t last = 0;
	db_get_i64(c, &last, "SELECT max(id) FROM audit_log", NULL);
	for (int64_t id = from; id <= last; id++) {
		struct db_stmt *st = db_query(c, "SELECT at, COALESCE(user_id, 0), username, client_ip, entity,"
					       " entity_id, action, summary FROM audit_log WHERE id = ?", "I", id);
		CHECK(st && db_step(st) == 1);
		json_t *a = json_pack("[I, I, I, s, s, s, I, s, s]", (json_int_t)id,
				      (json_int_t)db_col_i64(st, 0), (json_int_t)db_col_i64(st, 1),
				      db_col_text(st, 2), db_col_text(st, 3), db_col_text(st, 4),
				      (json_int_t)db_col_i64(st, 5), db_col_text(st, 6), db_col_text(st, 7));
		db_done(c, st);
		char *canon = json_dumps(a, JSON_COMPACT);
		struct strbuf sb = STRBUF_INIT;
		sb_adds(&sb, prev);
		sb_adds(&sb, canon);
		unsigned char h[32];
		crypto_hash_sha256(h, (const unsigned char *)sb.buf, sb.len);
		char hex[65];
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		CHECK_INT(db_exec(c, "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", "ttI",
				  prev, hex, id), DB_OK);
		memcpy(prev, hex, sizeof(prev));
		sb_release(&sb);
		free(canon);
		json_decref(a);
	}
}

TEST(audit_anchor_finds_truncation_and_emptying)
{
	int64_t bad = 0;
	struct db *c = unit_db();
	CHECK_INT(check(c, NULL), AUDIT_INTACT);	/* empty log, no anchor */
	fill(c, 5);
	CHECK_INT(check(c, NULL), AUDIT_INTACT);
	/* the two newest entries deleted: the rest is a valid chain, the anchor says 5 */
	CHECK_INT(db_exec(c, "DELETE FROM audit_log WHERE id > 3", NULL), DB_OK);
	CHECK_INT(check(c, &bad), AUDIT_TRUNCATED);
	CHECK_INT(bad, 4);
	/* the table emptied */
	CHECK_INT(db_exec(c, "DELETE FROM audit_log", NULL), DB_OK);
	CHECK_INT(check(c, &bad), AUDIT_EMPTIED);
	CHECK_INT(bad, 1);
	db_close(c);

	/* emptied, then the application writes again: the anchor is still ahead */
	c = unit_db();
	fill(c, 4);
	CHECK_INT(db_exec(c, "DELETE FROM audit_log", NULL), DB_OK);
	fill(c, 1);	/* anchors 1 after 4: the highest line still says 4 */
	CHECK_INT(check(c, NULL), AUDIT_TRUNCATED);
	db_close(c);
}

TEST(audit_keyed_chain_refuses_plain_sha256_recomputation)
{
	int64_t bad = 0;
	struct db *c = unit_db();
	fill(c, 5);
	CHECK_INT(db_exec(c, "UPDATE audit_log SET summary = 'nothing happened' WHERE id = 2", NULL), DB_OK);
	recompute_plain(c, 2);
	CHECK_INT(check(c, &bad), AUDIT_BROKEN);
	CHECK_INT(bad, 2);
	/* ... and moving the switch-over past the edit, so that the rows "are" plain SHA-256:
	 * the chain then verifies, but its head is not the anchored one */
	CHECK_INT(db_exec(c, "UPDATE audit_chain SET keyed_from = 1000", NULL), DB_OK);
	recompute_plain(c, 1);
	CHECK_INT(check(c, &bad), AUDIT_REWRITTEN);
	CHECK_INT(bad, 5);
	/* ... or deleting the switch-over row: the same */
	CHECK_INT(db_exec(c, "DELETE FROM audit_chain", NULL), DB_OK);
	CHECK_INT(check(c, NULL), AUDIT_REWRITTEN);
	db_close(c);
}

TEST(audit_rollback_crash_and_wrong_key)
{
	struct db *c = unit_db();
	fill(c, 3);
	/* a rolled-back entry is never anchored (the anchor would be ahead of the table) */
	struct audit_actor who = {1, "x", ""};
	CHECK_INT(db_begin(c), DB_OK);
	CHECK_INT(audit_append(c, &who, "user", 1, "login", ""), DB_OK);
	db_rollback(c);
	CHECK_INT(check(c, NULL), AUDIT_INTACT);
	fill(c, 1);
	CHECK_INT(check(c, NULL), AUDIT_INTACT);

	/* a crash between COMMIT and the anchor line: the anchor is behind, which is fine */
	char *anchor = NULL;
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "%s/audit.anchor", unit_audit_dir());
	anchor = sb_detach(&sb, NULL);
	FILE *f = fopen(anchor, "r");
	char lines[8][128];
	int n = 0;
	while (f && n < 8 && fgets(lines[n], sizeof(lines[n]), f))
		n++;
	if (f)
		fclose(f);
	CHECK_INT(n, 4);	/* one line per commit */
	f = fopen(anchor, "w");
	for (int i = 0; f && i < n - 1; i++)
		fputs(lines[i], f);
	if (f)
		fclose(f);
	struct audit_report r;
	CHECK_INT(audit_check(c, NULL, &r), 0);
	CHECK_INT(r.state, AUDIT_INTACT);
	CHECK_INT(r.last_id, 4);
	CHECK_INT(r.anchor.seq, 3);
	/* ... and a torn last line after a power cut is skipped */
	f = fopen(anchor, "a");
	if (f) {
		fputs("4 0123", f);
		fclose(f);
	}
	CHECK_INT(check(c, NULL), AUDIT_INTACT);

	/* another key: verify says so, and nothing is appended with it */
	char other[] = "/tmp/anquan-unit-key-XXXXXX";
	CHECK(mkdtemp(other) != NULL);
	char *err = NULL;
	CHECK_INT(audit_open(other, NULL, &err), 0);
	CHECK_INT(check(c, NULL), AUDIT_WRONG_KEY);
	CHECK(audit_key_check(c, &err) != 0);
	free(err);
	CHECK_INT(db_begin(c), DB_OK);
	quiet_stderr(1);
	CHECK(audit_append(c, &who, "user", 1, "login", "") != DB_OK);
	quiet_stderr(0);
	db_rollback(c);
	audit_close();
	sb_addf(&sb, "%s/audit.key", other);
	unlink(sb.buf);
	sb_reset(&sb);
	sb_addf(&sb, "%s/audit.anchor", other);
	unlink(sb.buf);
	sb_release(&sb);
	rmdir(other);
	free(anchor);
	db_close(c);
	c = unit_db();	/* back to the run's key */
	db_close(c);
}

TEST(audit_rows_from_before_the_key_verify_as_plain_sha256)
{
	int64_t bad = 0;
	struct db *c = unit_db();
	/* a database of the previous version: three rows chained with plain SHA-256, no
	 * switch-over row, no anchor line */
	for (int i = 1; i <= 3; i++)
		CHECK_INT(db_exec(c, "INSERT INTO audit_log (id, at, user_id, username, client_ip, entity,"
				     " entity_id, action, summary, prev_hash, hash)"
				     " VALUES (?, 1700000000, 1, 'old', '', 'unit', 1, 'create', 'x', '', '')",
				  "I", (int64_t)i), DB_OK);
	recompute_plain(c, 1);
	CHECK_INT(check(c, NULL), AUDIT_INTACT);
	/* the first append with the key is the switch-over */
	fill(c, 2);
	int64_t from = 0;
	CHECK_INT(db_get_i64(c, &from, "SELECT keyed_from FROM audit_chain", NULL), 1);
	CHECK_INT(from, 4);
	CHECK_INT(check(c, NULL), AUDIT_INTACT);
	/* an old row edited (and only its own hash recomputed) still breaks the chain */
	CHECK_INT(db_exec(c, "UPDATE audit_log SET summary = 'y' WHERE id = 2", NULL), DB_OK);
	CHECK_INT(check(c, &bad), AUDIT_BROKEN);
	CHECK_INT(bad, 2);
	/* recomputing all of it with plain SHA-256 does not help: the keyed rows say so */
	recompute_plain(c, 2);
	CHECK_INT(check(c, &bad), AUDIT_BROKEN);
	CHECK_INT(bad, 4);
	db_close(c);
}
