/*
 * audit.c — appending to and verifying the keyed hash chain.
 *
 * The canonical form of an entry is the compact JSON array
 *   [id, at, user_id, username, client_ip, entity, entity_id, action, summary]
 * which is unambiguous whatever the text contains. The id is part of it, and ids are
 * assigned here as last id + 1, so a deleted row shows as a gap. The hash of an entry is
 * HMAC-SHA256(key, prev_hash || canonical) from audit_chain.keyed_from on, and plain
 * SHA-256(prev_hash || canonical) before it (databases written before the key existed).
 * After each commit that appended entries, the new head goes to the anchor file
 * (audit_anchor.c), from a hook db_commit() calls with the write lock still held.
 */
#include "audit/audit.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "http/http.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* keyed: HMAC with the loaded key; else plain SHA-256 (rows before the switch-over) */
static void entry_hash(int keyed, const char *prev, int64_t id, int64_t at, int64_t user_id,
		       const char *username, const char *ip, const char *entity, int64_t entity_id,
		       const char *action, const char *summary, char out[65])
{
	json_t *a = json_pack("[I, I, I, s, s, s, I, s, s]", (json_int_t)id, (json_int_t)at,
			      (json_int_t)user_id, username, ip, entity, (json_int_t)entity_id,
			      action, summary);
	char *canon = json_dumps(a, JSON_COMPACT);
	unsigned char h[crypto_hash_sha256_BYTES];
	if (keyed) {
		crypto_auth_hmacsha256_state st;
		crypto_auth_hmacsha256_init(&st, audit_key(), crypto_auth_hmacsha256_KEYBYTES);
		crypto_auth_hmacsha256_update(&st, (const unsigned char *)prev, strlen(prev));
		crypto_auth_hmacsha256_update(&st, (const unsigned char *)canon, strlen(canon));
		crypto_auth_hmacsha256_final(&st, h);
	} else {
		crypto_hash_sha256_state st;
		crypto_hash_sha256_init(&st);
		crypto_hash_sha256_update(&st, (const unsigned char *)prev, strlen(prev));
		crypto_hash_sha256_update(&st, (const unsigned char *)canon, strlen(canon));
		crypto_hash_sha256_final(&st, h);
	}
	sodium_bin2hex(out, 65, h, sizeof(h));
	free(canon);
	json_decref(a);
}

/* The head appended by the transaction in progress. Only one write transaction runs in the
 * process at a time (db_begin's mutex), and this is read and cleared under it. */
static struct audit_head pending;

static void audit_tx_done(int committed)
{
	if (committed && pending.seq > 0)
		audit_anchor_write(pending.seq, pending.hash, NULL);
	pending.seq = 0;	/* a rolled-back entry is never anchored */
}

/* keyed_from and key_id of the chain: 1 found, 0 no keyed entry yet, <0 error */
static int chain_info(struct db *c, int64_t *keyed_from, char **kid)
{
	*keyed_from = 0;
	*kid = NULL;
	struct db_stmt *st = db_query(c, "SELECT keyed_from, key_id FROM audit_chain WHERE id = 1", NULL);
	if (!st)
		return DB_ERROR;
	int rc = db_step(st);
	if (rc == 1) {
		*keyed_from = db_col_i64(st, 0);
		*kid = xstrdup(db_col_text(st, 1));
	}
	db_done(c, st);
	return rc;
}

int audit_key_check(struct db *c, char **err)
{
	int64_t from = 0;
	char *kid = NULL;
	int rc = chain_info(c, &from, &kid);
	if (rc < 0) {
		*err = xstrdup("cannot read audit_chain");
		return -1;
	}
	if (rc == 1 && (!audit_key_id() || strcmp(kid, audit_key_id()) != 0)) {
		struct strbuf sb = STRBUF_INIT;
		sb_addf(&sb, "the audit log was chained with key %s, but audit.key holds %s: restore"
			     " the audit.key that belongs to this database", kid,
			audit_key_id() ? audit_key_id() : "no key");
		*err = sb_detach(&sb, NULL);
		free(kid);
		return -1;
	}
	free(kid);
	return 0;
}

int audit_head(struct db *c, struct audit_head *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->hash, GENESIS, sizeof(out->hash));
	struct db_stmt *st = db_query(c, "SELECT id, at, hash FROM audit_log ORDER BY id DESC LIMIT 1", NULL);
	if (!st)
		return DB_ERROR;
	int rc = db_step(st);
	if (rc == 1) {
		out->seq = db_col_i64(st, 0);
		out->at = db_col_i64(st, 1);
		snprintf(out->hash, sizeof(out->hash), "%s", db_col_text(st, 2));
	}
	db_done(c, st);
	return rc < 0 ? DB_ERROR : DB_OK;
}

int audit_append(struct db *c, const struct audit_actor *who, const char *entity,
		 int64_t entity_id, const char *action, const char *summary)
{
	if (!db_in_tx(c)) {
		log_error("audit: append outside a transaction (%s %s)", entity, action);
		return DB_ERROR;
	}
	if (!audit_key()) {
		log_error("audit: no key loaded (audit_open); %s %s not recorded", entity, action);
		return DB_ERROR;
	}
	int64_t last_id = 0, keyed_from = 0;
	char prev[65] = GENESIS, hash[65], *kid = NULL;
	struct db_stmt *st = db_query(c, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", NULL);
	if (!st)
		return DB_ERROR;
	if (db_step(st) == 1) {
		last_id = db_col_i64(st, 0);
		snprintf(prev, sizeof(prev), "%s", db_col_text(st, 1));
	}
	db_done(c, st);

	int rc = chain_info(c, &keyed_from, &kid);
	if (rc < 0)
		return DB_ERROR;
	if (rc == 0) {
		/* the switch-over: everything after the rows already here is keyed */
		if (db_exec(c, "INSERT INTO audit_chain (id, keyed_from, key_id, created_at)"
			       " VALUES (1, ?, ?, ?)", "ItI", last_id + 1, audit_key_id(),
			    clock_now()) != DB_OK)
			return DB_ERROR;
	} else if (strcmp(kid, audit_key_id()) != 0) {
		/* never extend a chain with a key it was not written with: it would not verify */
		log_error("audit: audit.key (%s) is not the key of this log (%s); %s %s not recorded",
			  audit_key_id(), kid, entity, action);
		free(kid);
		return DB_ERROR;
	}
	free(kid);

	int64_t id = last_id + 1, at = clock_now();
	int64_t uid = who ? who->user_id : 0;
	const char *uname = who && who->username ? who->username : "";
	const char *ip = who && who->ip ? who->ip : "";
	if (!summary)
		summary = "";
	entry_hash(1, prev, id, at, uid, uname, ip, entity, entity_id, action, summary, hash);
	rc = db_exec(c,
		     "INSERT INTO audit_log (id, at, user_id, username, client_ip, entity, entity_id,"
		     " action, summary, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		     "IIItttItttt", id, at, uid ? uid : 0, uname, ip, entity, entity_id, action,
		     summary, prev, hash);
	if (rc == DB_OK) {
		db_set_tx_hook(audit_tx_done);
		pending.seq = id;
		memcpy(pending.hash, hash, sizeof(hash));
	}
	return rc;
}

int audit_req(struct req *r, const char *entity, int64_t entity_id, const char *action,
	      const char *summary)
{
	struct audit_actor a = {r->who ? r->who->user_id : 0, r->who ? r->who->username : "",
				r->client_ip};
	return audit_append(r->db, &a, entity, entity_id, action, summary);
}

int audit_check(struct db *c, const char *anchor_path, struct audit_report *r)
{
	struct audit_head anchor;
	const char *path = anchor_path ? anchor_path : audit_anchor_path();
	/* The anchor first, the table after: a line is written only after its commit, so every
	 * line read now is covered by the snapshot the SELECT below starts; read the other way
	 * round, a commit in between would look like a truncation. */
	if (audit_anchor_read(path, &anchor) < 0) {
		memset(r, 0, sizeof(*r));
		r->why = "cannot read the anchor file";
		return -1;
	}
	return audit_check_with(c, path ? &anchor : NULL, r);
}

int audit_check_with(struct db *c, const struct audit_head *anchor, struct audit_report *r)
{
	char prev[65] = GENESIS, hash[65];
	int64_t expect_id = 1;
	char *kid = NULL;
	memset(r, 0, sizeof(*r));
	if (anchor)
		r->anchor = *anchor;
	int rc = chain_info(c, &r->keyed_from, &kid);
	if (rc < 0) {
		r->why = "cannot read the audit log";
		return -1;
	}
	if (rc == 1 && !audit_key()) {
		r->state = AUDIT_NO_KEY;
		r->bad_id = r->keyed_from;
		r->why = "no audit key is loaded, and the log is chained with one";
		free(kid);
		return 0;
	}
	if (rc == 1 && strcmp(kid, audit_key_id()) != 0) {
		r->state = AUDIT_WRONG_KEY;
		r->bad_id = r->keyed_from;
		r->why = "audit.key is not the key this log was chained with";
		free(kid);
		return 0;
	}
	free(kid);
	int anchor_seen = 0;
	struct db_stmt *st = db_query(c,
		"SELECT id, at, COALESCE(user_id, 0), username, client_ip, entity, entity_id, action,"
		" summary, prev_hash, hash FROM audit_log ORDER BY id", NULL);
	if (!st) {
		r->why = "cannot read the audit log";
		return -1;
	}
	while ((rc = db_step(st)) == 1) {
		int64_t id = db_col_i64(st, 0);
		r->checked++;
		r->last_id = id;
		if (id != expect_id) {
			r->state = AUDIT_BROKEN;
			r->bad_id = expect_id;
			r->why = "entries are missing before this id (deleted rows)";
			break;
		}
		if (strcmp(db_col_text(st, 9), prev) != 0) {
			r->state = AUDIT_BROKEN;
			r->bad_id = id;
			r->why = "prev_hash does not match the previous entry's hash";
			break;
		}
		int keyed = r->keyed_from > 0 && id >= r->keyed_from;
		entry_hash(keyed, prev, id, db_col_i64(st, 1), db_col_i64(st, 2), db_col_text(st, 3),
			   db_col_text(st, 4), db_col_text(st, 5), db_col_i64(st, 6),
			   db_col_text(st, 7), db_col_text(st, 8), hash);
		if (strcmp(hash, db_col_text(st, 10)) != 0) {
			r->state = AUDIT_BROKEN;
			r->bad_id = id;
			r->why = keyed ? "the entry's content was changed after it was written"
					 " (its keyed hash does not match)"
				       : "the entry's content was changed after it was written";
			break;
		}
		if (id == r->anchor.seq) {
			anchor_seen = 1;
			if (strcmp(hash, r->anchor.hash) != 0) {
				/* a chain that verifies but is not the one anchored: recomputed */
				r->state = AUDIT_REWRITTEN;
				r->bad_id = id;
				r->why = "the log was rewritten: this entry's hash differs from the"
					 " head recorded in the anchor file outside the database";
				break;
			}
		}
		memcpy(prev, hash, sizeof(prev));
		expect_id = id + 1;
	}
	db_done(c, st);
	if (rc < 0 && r->state == AUDIT_INTACT) {
		r->why = "cannot read the audit log";
		return -1;
	}
	if (r->state != AUDIT_INTACT)
		return 0;
	if (r->anchor.seq > 0 && r->checked == 0) {
		r->state = AUDIT_EMPTIED;
		r->bad_id = 1;
		r->why = "the log is empty, but the anchor file outside the database records"
			 " entries: the table was emptied";
	} else if (r->anchor.seq > 0 && !anchor_seen) {
		r->state = AUDIT_TRUNCATED;
		r->bad_id = r->last_id + 1;
		r->why = "the newest entries were deleted: the anchor file outside the database"
			 " records entries after the last one in the log";
	} else if (anchor && r->anchor.seq == 0 && r->keyed_from > 0 &&
		   r->last_id >= r->keyed_from) {
		r->state = AUDIT_NO_ANCHOR;
		r->bad_id = r->keyed_from;
		r->why = "the anchor file that records the log's head is missing or empty";
	}
	return 0;
}

int64_t audit_verify(struct db *c, int64_t *checked, const char **why)
{
	struct audit_report r;
	int rc = audit_check(c, NULL, &r);
	*checked = r.checked;
	*why = r.why;
	if (rc < 0)
		return -1;
	return r.state == AUDIT_INTACT ? 0 : (r.bad_id > 0 ? r.bad_id : 1);
}
