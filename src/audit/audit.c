/*
 * audit.c — appending to and verifying the hash chain.
 *
 * The canonical form of an entry is the compact JSON array
 *   [id, at, user_id, username, client_ip, entity, entity_id, action, summary]
 * which is unambiguous whatever the text contains. The id is part of it, and ids are
 * assigned here as last id + 1, so a deleted row shows as a gap.
 */
#include "audit/audit.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "db/db.h"
#include "http/http.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

static void entry_hash(const char *prev, int64_t id, int64_t at, int64_t user_id,
		       const char *username, const char *ip, const char *entity, int64_t entity_id,
		       const char *action, const char *summary, char out[65])
{
	json_t *a = json_pack("[I, I, I, s, s, s, I, s, s]", (json_int_t)id, (json_int_t)at,
			      (json_int_t)user_id, username, ip, entity, (json_int_t)entity_id,
			      action, summary);
	char *canon = json_dumps(a, JSON_COMPACT);
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)prev, strlen(prev));
	crypto_hash_sha256_update(&st, (const unsigned char *)canon, strlen(canon));
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, 65, h, sizeof(h));
	free(canon);
	json_decref(a);
}

int audit_append(struct db *c, const struct audit_actor *who, const char *entity,
		 int64_t entity_id, const char *action, const char *summary)
{
	if (!db_in_tx(c)) {
		log_error("audit: append outside a transaction (%s %s)", entity, action);
		return DB_ERROR;
	}
	int64_t last_id = 0;
	char prev[65] = GENESIS, hash[65];
	sqlite3_stmt *st = db_query(c, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", NULL);
	if (!st)
		return DB_ERROR;
	if (db_step(st) == 1) {
		last_id = db_col_i64(st, 0);
		snprintf(prev, sizeof(prev), "%s", db_col_text(st, 1));
	}
	db_done(c, st);

	int64_t id = last_id + 1, at = clock_now();
	int64_t uid = who ? who->user_id : 0;
	const char *uname = who && who->username ? who->username : "";
	const char *ip = who && who->ip ? who->ip : "";
	if (!summary)
		summary = "";
	entry_hash(prev, id, at, uid, uname, ip, entity, entity_id, action, summary, hash);
	return db_exec(c,
		       "INSERT INTO audit_log (id, at, user_id, username, client_ip, entity, entity_id,"
		       " action, summary, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		       "IIItttItttt", id, at, uid ? uid : 0, uname, ip, entity, entity_id, action,
		       summary, prev, hash);
}

int audit_req(struct req *r, const char *entity, int64_t entity_id, const char *action,
	      const char *summary)
{
	struct audit_actor a = {r->who ? r->who->user_id : 0, r->who ? r->who->username : "",
				r->client_ip};
	return audit_append(r->db, &a, entity, entity_id, action, summary);
}

int64_t audit_verify(struct db *c, int64_t *checked, const char **why)
{
	char prev[65] = GENESIS, hash[65];
	int64_t expect_id = 1, bad = 0;
	*checked = 0;
	*why = NULL;
	sqlite3_stmt *st = db_query(c,
		"SELECT id, at, COALESCE(user_id, 0), username, client_ip, entity, entity_id, action,"
		" summary, prev_hash, hash FROM audit_log ORDER BY id", NULL);
	if (!st) {
		*why = "cannot read the audit log";
		return -1;
	}
	int rc;
	while ((rc = db_step(st)) == 1) {
		int64_t id = db_col_i64(st, 0);
		(*checked)++;
		if (id != expect_id) {
			bad = expect_id;
			*why = "entries are missing before this id (deleted rows)";
			break;
		}
		if (strcmp(db_col_text(st, 9), prev) != 0) {
			bad = id;
			*why = "prev_hash does not match the previous entry's hash";
			break;
		}
		entry_hash(prev, id, db_col_i64(st, 1), db_col_i64(st, 2), db_col_text(st, 3),
			   db_col_text(st, 4), db_col_text(st, 5), db_col_i64(st, 6),
			   db_col_text(st, 7), db_col_text(st, 8), hash);
		if (strcmp(hash, db_col_text(st, 10)) != 0) {
			bad = id;
			*why = "the entry's content was changed after it was written";
			break;
		}
		memcpy(prev, hash, sizeof(prev));
		expect_id = id + 1;
	}
	db_done(c, st);
	if (rc < 0 && !bad) {
		*why = "cannot read the audit log";
		return -1;
	}
	return bad;
}
