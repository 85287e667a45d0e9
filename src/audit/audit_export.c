/*
 * audit_export.c — the audit log for a regulator or an auditor, as CSV (to read) or as
 * signed JSON lines (to check).
 *
 * JSON lines: one object per entry (id, at, time, user, ip, entity, entity_id, action,
 * summary, prev_hash, hash), then one trailer: the entry count, the chain's head (last id
 * and hash), the result of walking the chain with the key (audit verify), the key id, the
 * SHA-256 of every byte before the trailer, an Ed25519 public key and the signature of that
 * SHA-256 (hex, as text). The signing key is derived from DATA/audit.key (HMAC-SHA256 of a
 * fixed label as the seed), so the same installation always signs with the same key: the
 * public key is given to the regulator once (`anquan audit export --public-key`) and every
 * later export checks against it. A reader without the audit key can still check that the
 * entries link up (each prev_hash is the previous hash) and end at the signed head.
 *
 * 等保 2.0 (GB/T 22239-2019 §8.1.4.3): audit records protected and available for analysis.
 */
#include "audit/audit.h"
#include "base/clock.h"
#include "base/csv.h"
#include "base/strbuf.h"
#include "db/db.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {"intact", "broken", "rewritten", "truncated", "emptied",
					  "no_anchor", "wrong_key", "no_key"};

/* The export signing key pair, derived from the audit key. -1 without a key. */
static int signing_keys(unsigned char pk[crypto_sign_PUBLICKEYBYTES],
			unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
	const unsigned char *k = audit_key();
	if (!k)
		return -1;
	unsigned char seed[crypto_auth_hmacsha256_BYTES];
	static const char label[] = "anquan audit export signing key v1";
	crypto_auth_hmacsha256(seed, (const unsigned char *)label, sizeof(label) - 1, k);
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(seed, sizeof(seed));
	return 0;
}

int audit_export_public_key(char hex[2 * crypto_sign_PUBLICKEYBYTES + 1])
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	if (signing_keys(pk, sk))
		return -1;
	sodium_memzero(sk, sizeof(sk));
	sodium_bin2hex(hex, 2 * crypto_sign_PUBLICKEYBYTES + 1, pk, sizeof(pk));
	return 0;
}

/* write and hash */
struct out {
	FILE *f;
	crypto_hash_sha256_state sha;
	int failed;
};

static void put(struct out *o, const char *s, size_t n)
{
	crypto_hash_sha256_update(&o->sha, (const unsigned char *)s, n);
	if (fwrite(s, 1, n, o->f) != n)
		o->failed = 1;
}

int audit_export(struct db *c, FILE *f, int jsonl, const char **why)
{
	struct audit_report rep;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES] = {0}, sk[crypto_sign_SECRETKEYBYTES] = {0};
	*why = NULL;
	if (jsonl && signing_keys(pk, sk)) {
		*why = "no audit key: a signed export needs DATA/audit.key";
		return -1;
	}
	/* one snapshot: the chain walked, the rows written and the head are the same log */
	if (db_read_begin(c) != DB_OK) {
		*why = "cannot read the database";
		return -1;
	}
	int rc = -1;
	struct out o = {.f = f};
	crypto_hash_sha256_init(&o.sha);
	if (audit_check(c, NULL, &rep) < 0) {
		*why = "the audit log is unreadable";
		goto out;
	}
	struct db_stmt *st = db_query(c, "SELECT id, at, COALESCE(user_id, 0), username, client_ip,"
				      " entity, entity_id, action, summary, prev_hash, hash"
				      " FROM audit_log ORDER BY id", NULL);
	if (!st) {
		*why = "cannot read the audit log";
		goto out;
	}
	struct strbuf sb = STRBUF_INIT;
	if (!jsonl) {
		csv_begin(&sb);
		const char *head[] = {"id", "time", "user_id", "username", "ip", "entity", "entity_id",
				      "action", "summary", "prev_hash", "hash"};
		csv_row(&sb, 11, head);
	}
	int64_t n = 0, last_id = 0;
	char last_hash[65] = "";
	int step;
	while ((step = db_step(st)) == 1) {
		char when[32], id[24], uid[24], eid[24];
		int64_t at = db_col_i64(st, 1);
		clock_format(at, "%Y-%m-%dT%H:%M:%S+08:00", when, sizeof(when));
		last_id = db_col_i64(st, 0);
		snprintf(last_hash, sizeof(last_hash), "%s", db_col_text(st, 10));
		if (jsonl) {
			json_t *e = json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s}",
					      "id", (json_int_t)last_id, "at", (json_int_t)at, "time", when,
					      "user_id", (json_int_t)db_col_i64(st, 2), "username",
					      db_col_text(st, 3), "ip", db_col_text(st, 4), "entity",
					      db_col_text(st, 5), "entity_id", (json_int_t)db_col_i64(st, 6),
					      "action", db_col_text(st, 7), "summary", db_col_text(st, 8),
					      "prev_hash", db_col_text(st, 9), "hash", last_hash);
			char *line = e ? json_dumps(e, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
			json_decref(e);
			if (!line) {
				o.failed = 1;
				break;
			}
			sb_adds(&sb, line);
			sb_addc(&sb, '\n');
			free(line);
		} else {
			snprintf(id, sizeof(id), "%lld", (long long)last_id);
			snprintf(uid, sizeof(uid), "%lld", (long long)db_col_i64(st, 2));
			snprintf(eid, sizeof(eid), "%lld", (long long)db_col_i64(st, 6));
			const char *row[] = {id, when, uid, db_col_text(st, 3), db_col_text(st, 4),
					     db_col_text(st, 5), eid, db_col_text(st, 7), db_col_text(st, 8),
					     db_col_text(st, 9), last_hash};
			csv_row(&sb, 11, row);
		}
		n++;
		if (sb.len > 64 * 1024) {
			put(&o, sb.buf, sb.len);
			sb_reset(&sb);
		}
	}
	db_done(c, st);
	put(&o, sb.buf, sb.len);
	sb_release(&sb);
	if (step < 0 || o.failed) {
		*why = step < 0 ? "reading the audit log failed" : "writing the export failed";
		goto out;
	}
	if (jsonl) {
		unsigned char digest[crypto_hash_sha256_BYTES], sig[crypto_sign_BYTES];
		char digest_hex[2 * sizeof(digest) + 1], sig_hex[2 * sizeof(sig) + 1];
		char pk_hex[2 * sizeof(pk) + 1];
		crypto_hash_sha256_final(&o.sha, digest);
		sodium_bin2hex(digest_hex, sizeof(digest_hex), digest, sizeof(digest));
		crypto_sign_detached(sig, NULL, (const unsigned char *)digest_hex, strlen(digest_hex), sk);
		sodium_bin2hex(sig_hex, sizeof(sig_hex), sig, sizeof(sig));
		sodium_bin2hex(pk_hex, sizeof(pk_hex), pk, sizeof(pk));
		char when[32];
		clock_format(clock_now(), "%Y-%m-%dT%H:%M:%S+08:00", when, sizeof(when));
		json_t *t = json_pack("{s:s, s:I, s:{s:I, s:s}, s:s, s:s?, s:s?, s:s, s:s, s:s, s:s, s:s}",
				      "type", "trailer", "count", (json_int_t)n, "head", "id",
				      (json_int_t)last_id, "hash", n ? last_hash : "", "chain",
				      state_names[rep.state], "chain_problem", rep.why, "key_id",
				      audit_key_id(), "exported_at", when, "sha256", digest_hex,
				      "signature_alg", "ed25519", "public_key", pk_hex, "signature", sig_hex);
		char *line = t ? json_dumps(t, JSON_COMPACT) : NULL;
		json_decref(t);
		if (!line || fprintf(f, "%s\n", line) < 0) {
			free(line);
			*why = "writing the export failed";
			goto out;
		}
		free(line);
	}
	rc = rep.state == AUDIT_INTACT ? 0 : 1;
	if (rc)
		*why = rep.why ? rep.why : state_names[rep.state];
out:
	if (jsonl)
		sodium_memzero(sk, sizeof(sk));
	db_read_end(c);
	return rc;
}
