/*
 * province_upload.c — one upload run and the dry run.
 *
 * A run sends, type by type in the chain's order (objects before the units that point at
 * them), the records updated after the type's cursor (update time, then id), in pages of
 * province.page_size. Each page is one batch: mapped (province_map.c), encrypted
 * (province_aes.c), posted as {"companyCode", "datas"} with HTTP Basic credentials, and the
 * province's answer recorded per record in province_items. The cursor moves past a page only
 * once the province has answered it: a refused record is recorded with the reason and goes
 * again when it is corrected (its update time moves past the cursor); a page that fails
 * (endpoint down, slow past the timeout, an answer we cannot read) leaves the cursor where it
 * was and waits province.backoff_s × 2^(attempts-1), at most province.backoff_max_s, before the
 * same records go again — nothing lost, and the province de-duplicates by our record id.
 * Records lacking a required field or a code are not sent ("incomplete"): the dry run lists
 * them before the first upload, and the log after.
 *
 * The expected answer (verify against the province's specification): {"code": 0, "msg",
 * "results": [{"id": "12", "ok": true|false, "reason": "..."}]}; a code other than 0 without
 * results is a failure of the whole batch (credentials, say), retried like an outage.
 */
#include "province/province.h"
#include "notify/notify_chan.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "db/leader.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;

static char *setting(struct db *c, const char *key, const char *def)
{
	char *v = NULL;
	if (db_get_text(c, &v, "SELECT value FROM settings WHERE key = ?", "t", key) == 1 && v)
		return v;
	free(v);
	return strdup(def);
}

static int64_t setting_i64(struct db *c, const char *key, int64_t def)
{
	char *v = setting(c, key, "");
	int64_t n = *v ? strtoll(v, NULL, 10) : def;
	free(v);
	return n;
}

void province_settings_read(struct db *c, struct province_settings *s)
{
	s->base_url = setting(c, "province.base_url", "");
	s->company_code = setting(c, "province.company_code", "");
	s->username = setting(c, "province.username", "");
	s->iv_rule = setting(c, "province.iv_rule", "prefix");
	s->page_size = setting_i64(c, "province.page_size", 50);
	s->timeout_ms = setting_i64(c, "province.timeout_ms", 10000);
	s->backoff_s = setting_i64(c, "province.backoff_s", 60);
	s->backoff_max_s = setting_i64(c, "province.backoff_max_s", 3600);
	s->interval_min = setting_i64(c, "province.interval_min", 120);
	s->enabled = setting_i64(c, "province.enabled", 0);
	s->max_pages = setting_i64(c, "province.max_pages", 20);
}

void province_settings_free(struct province_settings *s)
{
	free(s->base_url);
	free(s->company_code);
	free(s->username);
	free(s->iv_rule);
}

/* a secret opened for use (malloc'd), or NULL when none is stored */
static char *secret_open(struct db *c, const char *name)
{
	char *sealed = NULL, *out = NULL;
	if (db_get_text(c, &sealed, "SELECT sealed FROM province_secrets WHERE name = ?", "t", name) == 1)
		out = notify_secret_open(sealed);
	free(sealed);
	return out;
}

/* --- mapping one row --- */

static int col_index(const struct province_type *t, const char *name)
{
	if (!strcmp(name, "id"))
		return 0;
	for (int i = 0; t->cols[i]; i++)
		if (!strcmp(t->cols[i], name))
			return i + 2;
	return -1;
}

/* DOMAIN §7: a hazard's photos go as base64 JPEG/PNG of at most 5 MB each. */
#define PHOTO_MAX (5 * 1024 * 1024)

/* The photos named by a comma-separated list of blob hashes, as base64 strings; one that is
 * not a JPEG/PNG or is over PHOTO_MAX is left out (and said in the log). */
static json_t *photos_b64(struct db *c, const char *shas)
{
	json_t *arr = json_array();
	char sha[65];
	for (const char *p = shas; *p;) {
		size_t n = strcspn(p, ",");
		if (n == 64) {
			memcpy(sha, p, 64);
			sha[64] = '\0';
			struct db_stmt *st = db_query(c, "SELECT bytes, mime FROM blobs WHERE sha256 = ?", "t", sha);
			if (st && db_step(st) == 1) {
				const unsigned char *b = db_col_blob(st, 0);
				size_t len = db_col_bytes(st, 0);
				const char *mime = db_col_text(st, 1);
				if (b && len && len <= PHOTO_MAX && (!strcmp(mime, "image/jpeg") || !strcmp(mime, "image/png"))) {
					size_t bl = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
					char *out = malloc(bl);
					if (out) {
						sodium_bin2base64(out, bl, b, len, sodium_base64_VARIANT_ORIGINAL);
						json_array_append_new(arr, json_string(out));
						free(out);
					}
				} else {
					log_info("province: photo %.12s left out (%s, %zu bytes)", sha, mime, len);
				}
			}
			db_done(c, st);
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return arr;
}

/* The record as the log keeps it: photos by their hashes, not megabytes of base64. */
static json_t *log_copy(const struct province_type *t, json_t *fields, struct db_stmt *st, json_t *rec);

/* The province's record of the current row, or NULL with each missing field or unknown
 * code named in `problems` ({field, from, why: "missing"|"code", value}). */
static json_t *map_row(struct db *c, const struct province_type *t, json_t *fields, struct db_stmt *st, json_t *problems)
{
	json_t *rec = json_object();
	size_t i;
	json_t *e;
	int bad = 0;
	/* a deletion (the record deactivated or cancelled here) needs its id and the flag: a field
	 * it lacks or a code it has no translation for (a cancelled hazard's state) is left out */
	int ai = col_index(t, "active");
	int deleting = ai >= 0 && !db_col_null(st, ai) && db_col_i64(st, ai) == 0;
	json_array_foreach(fields, i, e) {
		const char *f = json_string_value(json_object_get(e, "field"));
		const char *from = json_string_value(json_object_get(e, "from"));
		const char *fmt = json_string_value(json_object_get(e, "format"));
		json_t *codes = json_object_get(e, "codes");
		int required = json_is_true(json_object_get(e, "required"));
		if (!from) {
			json_object_set(rec, f, json_object_get(e, "value"));
			continue;
		}
		int ci = col_index(t, from);
		if (ci < 0)
			continue;
		char buf[64];
		const char *text = db_col_text(st, ci);
		if (db_col_null(st, ci))
			text = "";
		else if (fmt && !strcmp(fmt, "time")) {
			int64_t v = db_col_i64(st, ci);
			buf[0] = '\0';
			if (v > 0)
				clock_format(v, "%Y-%m-%d %H:%M:%S", buf, sizeof(buf));
			text = buf;
		} else if (fmt && !strcmp(fmt, "hm")) {
			int64_t m = db_col_i64(st, ci);
			snprintf(buf, sizeof(buf), "%02d:%02d", (int)(m / 60), (int)(m % 60));
			text = buf;
		}
		if (fmt && !strcmp(fmt, "photos")) {
			json_t *ph = photos_b64(c, text);
			if (required && json_array_size(ph) == 0) {
				json_array_append_new(problems, json_pack("{s:s,s:s,s:s,s:s}", "field", f, "from", from, "why",
									  "missing", "value", ""));
				bad = 1;
			}
			json_object_set_new(rec, f, ph);
			continue;
		}
		const char *why = NULL;
		if (!*text) {
			if (required)
				why = "missing";
		} else if (codes) {
			const char *code = json_string_value(json_object_get(codes, text));
			if (!code)
				why = "code";
			else
				text = code;
		}
		if (why && deleting && strcmp(from, "active") && strcmp(from, "id"))
			continue;
		if (why) {
			json_array_append_new(problems, json_pack("{s:s,s:s,s:s,s:s}", "field", f, "from", from, "why", why,
								  "value", text));
			bad = 1;
			continue;
		}
		if (fmt && !strcmp(fmt, "number") && *text && !codes) {
			double d = db_col_double(st, ci);
			json_object_set_new(rec, f, d == (double)(json_int_t)d ? json_integer((json_int_t)d) : json_real(d));
		} else {
			json_object_set_new(rec, f, json_string(text));
		}
	}
	if (bad) {
		json_decref(rec);
		return NULL;
	}
	return rec;
}

static json_t *mapping_fields(struct db *c, const struct province_type *t, int *enabled, char **path)
{
	char *text = NULL;
	json_t *fields = NULL;
	struct db_stmt *st = db_query(c, "SELECT fields, enabled, path FROM province_mappings WHERE type = ?", "t", t->type);
	if (st && db_step(st) == 1) {
		fields = json_loads(db_col_text(st, 0), 0, NULL);
		*enabled = (int)db_col_i64(st, 1);
		if (path)
			*path = strdup(db_col_text(st, 2));
	}
	db_done(c, st);
	free(text);
	if (fields && province_mapping_problem(t, fields)) {
		json_decref(fields);
		fields = NULL;
	}
	return fields;
}

/* --- the dry run --- */

json_t *province_dry_run(struct db *c, int64_t now)
{
	struct province_settings s;
	province_settings_read(c, &s);
	json_t *missing = json_array();
	if (!*s.base_url)
		json_array_append_new(missing, json_string("base_url"));
	if (!*s.company_code)
		json_array_append_new(missing, json_string("company_code"));
	if (!*s.username)
		json_array_append_new(missing, json_string("username"));
	province_settings_free(&s);
	char *pw = secret_open(c, "password"), *key = secret_open(c, "aes_key");
	if (!pw)
		json_array_append_new(missing, json_string("password"));
	if (!key)
		json_array_append_new(missing, json_string("aes_key"));
	free(pw);
	free(key);
	province_mappings_ensure(c, now);
	json_t *types = json_array();
	int complete_all = 1;
	for (const struct province_type *t = province_types; t->type; t++) {
		int enabled = 0;
		json_t *fields = mapping_fields(c, t, &enabled, NULL);
		if (!fields || !enabled) {
			json_decref(fields);
			continue;
		}
		int64_t records = 0, complete = 0;
		json_t *lacks = json_object();	/* "field/why" -> {field, from, why, count, ids, values} */
		struct db_stmt *st = db_query(c, t->sql, NULL);
		while (st && db_step(st) == 1) {
			records++;
			json_t *problems = json_array();
			json_t *rec = map_row(c, t, fields, st, problems);
			if (rec)
				complete++;
			json_decref(rec);
			size_t i;
			json_t *p;
			json_array_foreach(problems, i, p) {
				char k[160];
				snprintf(k, sizeof(k), "%s/%s", json_string_value(json_object_get(p, "field")),
					 json_string_value(json_object_get(p, "why")));
				json_t *l = json_object_get(lacks, k);
				if (!l) {
					l = json_pack("{s:O,s:O,s:O,s:i,s:[],s:[]}", "field", json_object_get(p, "field"), "from",
						      json_object_get(p, "from"), "why", json_object_get(p, "why"), "count", 0,
						      "ids", "values");
					json_object_set_new(lacks, k, l);
				}
				json_object_set_new(l, "count", json_integer(json_integer_value(json_object_get(l, "count")) + 1));
				json_t *ids = json_object_get(l, "ids"), *vals = json_object_get(l, "values");
				if (json_array_size(ids) < 5)
					json_array_append_new(ids, json_integer(db_col_i64(st, 0)));
				const char *v = json_string_value(json_object_get(p, "value"));
				int seen = 0;
				size_t j;
				json_t *x;
				json_array_foreach(vals, j, x) seen |= !strcmp(json_string_value(x), v);
				if (*v && !seen && json_array_size(vals) < 5)
					json_array_append_new(vals, json_string(v));
			}
			json_decref(problems);
		}
		db_done(c, st);
		json_t *list = json_array();
		const char *k;
		json_t *v;
		json_object_foreach(lacks, k, v) json_array_append(list, v);
		json_decref(lacks);
		if (complete < records)
			complete_all = 0;
		json_array_append_new(types, json_pack("{s:s,s:I,s:I,s:o}", "type", t->type, "records", (json_int_t)records,
						       "complete", (json_int_t)complete, "lacking", list));
		json_decref(fields);
	}
	char when[32];
	snprintf(when, sizeof(when), "%lld", (long long)now);
	db_exec(c, "INSERT INTO settings (key, value, updated_at) VALUES ('province.dry_run_at', ?, ?)"
		   " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at", "tI", when, now);
	return json_pack("{s:b,s:b,s:o,s:o,s:I}", "ready", json_array_size(missing) == 0, "complete", complete_all,
			 "settings_missing", missing, "types", types, "at", (json_int_t)now);
}

/* --- posting --- */

#define ANSWER_MAX (1 << 20)

static size_t keep(char *p, size_t size, size_t n, void *ud)
{
	struct strbuf *sb = ud;
	size_t len = size * n;
	if (sb->len + len <= ANSWER_MAX)
		sb_add(sb, p, len);
	return len;
}

static int post(const struct province_settings *s, const char *path, const char *user, const char *pw,
		const char *body, long *status, struct strbuf *answer, struct strbuf *err)
{
	struct strbuf url = STRBUF_INIT;
	size_t bl = strlen(s->base_url);
	sb_add(&url, s->base_url, bl && s->base_url[bl - 1] == '/' ? bl - 1 : bl);
	sb_adds(&url, path);
	CURL *h = curl_easy_init();
	struct curl_slist *hl = curl_slist_append(NULL, "Content-Type: application/json");
	char ebuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(h, CURLOPT_URL, url.buf);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
	curl_easy_setopt(h, CURLOPT_USERNAME, user);
	curl_easy_setopt(h, CURLOPT_PASSWORD, pw);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)s->timeout_ms);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, answer);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	CURLcode rc = curl_easy_perform(h);
	*status = 0;
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	else
		sb_addf(err, "%s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
	curl_slist_free_all(hl);
	curl_easy_cleanup(h);
	sb_release(&url);
	return rc == CURLE_OK ? 0 : -1;
}

struct page {
	json_t *sent;		/* records to send */
	json_t *logged;		/* the same as the log keeps them (photos by hash) */
	json_t *ids;		/* their ids, in order */
	json_t *incomplete;	/* [{id, reason}] */
	int64_t last_upd, last_id;
	int rows;
};

static void page_read(struct db *c, const struct province_type *t, json_t *fields, int64_t at, int64_t id, int64_t n,
		      struct page *pg)
{
	memset(pg, 0, sizeof(*pg));
	pg->sent = json_array();
	pg->logged = json_array();
	pg->ids = json_array();
	pg->incomplete = json_array();
	struct strbuf sql = STRBUF_INIT;
	/* t->sql is one of the constant queries of province_types, never input */
	sb_adds(&sql, "SELECT * FROM (");
	sb_adds(&sql, t->sql);
	sb_adds(&sql, ") q WHERE pupd > ? OR (pupd = ? AND pid > ?) ORDER BY pupd, pid LIMIT ?");
	struct db_stmt *st = db_query(c, sql.buf, "IIII", at, at, id, n);
	while (st && db_step(st) == 1) {
		pg->rows++;
		pg->last_id = db_col_i64(st, 0);
		pg->last_upd = db_col_i64(st, 1);
		json_t *problems = json_array();
		json_t *rec = map_row(c, t, fields, st, problems);
		if (rec) {
			json_array_append_new(pg->logged, log_copy(t, fields, st, rec));
			json_array_append_new(pg->sent, rec);
			json_array_append_new(pg->ids, json_integer(pg->last_id));
		} else {
			struct strbuf why = STRBUF_INIT;
			size_t i;
			json_t *p;
			json_array_foreach(problems, i, p) sb_addf(&why, "%s%s: %s", i ? "; " : "",
								   json_string_value(json_object_get(p, "field")),
								   json_string_value(json_object_get(p, "why")));
			json_array_append_new(pg->incomplete, json_pack("{s:I,s:s}", "id", (json_int_t)pg->last_id, "reason", why.buf));
			sb_release(&why);
		}
		json_decref(problems);
	}
	db_done(c, st);
	sb_release(&sql);
}

static json_t *log_copy(const struct province_type *t, json_t *fields, struct db_stmt *st, json_t *rec)
{
	json_t *copy = json_copy(rec), *e;
	size_t i;
	json_array_foreach(fields, i, e) {
		const char *fmt = json_string_value(json_object_get(e, "format"));
		const char *from = json_string_value(json_object_get(e, "from"));
		if (!fmt || strcmp(fmt, "photos") || !from)
			continue;
		int ci = col_index(t, from);
		json_t *refs = json_array();
		const char *shas = ci >= 0 && !db_col_null(st, ci) ? db_col_text(st, ci) : "";
		for (const char *p = shas; *p;) {
			size_t n = strcspn(p, ",");
			char ref[80];
			snprintf(ref, sizeof(ref), "sha256:%.*s", (int)(n < 64 ? n : 64), p);
			if (n)
				json_array_append_new(refs, json_string(ref));
			p += n;
			if (*p == ',')
				p++;
		}
		json_object_set_new(copy, json_string_value(json_object_get(e, "field")), refs);
	}
	return copy;
}

static void page_free(struct page *pg)
{
	json_decref(pg->sent);
	json_decref(pg->logged);
	json_decref(pg->ids);
	json_decref(pg->incomplete);
}

/* Write one batch and its items, and move (or hold) the cursor, in one transaction. */
static int batch_store(struct db *c, const char *type, const char *origin, int64_t now, const char *state,
		       struct page *pg, json_t *answers, long status, const char *error, int move, int64_t attempts,
		       int64_t next_try, struct province_run *out)
{
	char *sent = json_dumps(pg->logged, JSON_COMPACT);
	int accepted = 0, refused = 0;
	int ok = db_begin(c) == DB_OK &&
		 db_exec(c, "INSERT INTO province_batches (type, origin, state, started_at, records, http_status, error, sent)"
			    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "tttIIIt" "t", type, origin, state, now,
			 (int64_t)(json_array_size(pg->ids) + json_array_size(pg->incomplete)), (int64_t)status, error,
			 sent ? sent : "[]") == DB_OK;
	int64_t batch = ok ? db_last_id(c) : 0;
	size_t i;
	json_t *v;
	json_array_foreach(pg->ids, i, v) {
		if (!ok)
			break;
		char idt[32];
		snprintf(idt, sizeof(idt), "%lld", (long long)json_integer_value(v));
		const char *st = "failed", *reason = error;
		if (answers) {
			json_t *a = json_object_get(answers, idt);
			if (!a) {
				st = "refused";
				reason = "no answer for this record";
			} else if (json_is_true(json_object_get(a, "ok"))) {
				st = "accepted";
				reason = "";
			} else {
				st = "refused";
				reason = json_string_value(json_object_get(a, "reason"));
				if (!reason)
					reason = "refused";
			}
		}
		accepted += !strcmp(st, "accepted");
		refused += !strcmp(st, "refused");
		ok = db_exec(c, "INSERT INTO province_items (batch_id, record_id, status, reason) VALUES (?, ?, ?, ?)", "IItt",
			     batch, (int64_t)json_integer_value(v), st, reason) == DB_OK;
	}
	json_array_foreach(pg->incomplete, i, v) {
		if (!ok)
			break;
		ok = db_exec(c, "INSERT INTO province_items (batch_id, record_id, status, reason) VALUES (?, ?, 'incomplete', ?)",
			     "IIt", batch, (int64_t)json_integer_value(json_object_get(v, "id")),
			     json_string_value(json_object_get(v, "reason"))) == DB_OK;
	}
	if (answers && ok && json_array_size(pg->ids)) {
		const char *fin = refused == 0 ? "accepted" : accepted == 0 ? "refused" : "partial";
		ok = db_exec(c, "UPDATE province_batches SET state = ?, accepted = ?, refused = ? WHERE id = ?", "tIII", fin,
			     (int64_t)accepted, (int64_t)refused, batch) == DB_OK;
	}
	if (ok)
		ok = move ? db_exec(c, "UPDATE province_cursors SET cursor_at = ?, cursor_id = ?, attempts = 0, next_try_at = 0,"
				       " last_error = '' WHERE type = ?", "IIt", pg->last_upd, pg->last_id, type) == DB_OK
			  : db_exec(c, "UPDATE province_cursors SET attempts = ?, next_try_at = ?, last_error = ? WHERE type = ?",
				    "IItt", attempts, next_try, error, type) == DB_OK;
	if (ok)
		ok = db_commit(c) == DB_OK;
	else
		db_rollback(c);
	free(sent);
	if (ok) {
		out->batches++;
		out->records += (int)json_array_size(pg->ids);
		out->accepted += accepted;
		out->refused += refused;
		out->skipped += (int)json_array_size(pg->incomplete);
		if (!answers && json_array_size(pg->ids))
			out->failed += (int)json_array_size(pg->ids);
	}
	return ok ? 0 : -1;
}

/* The province's answer as {id: {ok, reason}}, or NULL when the batch as a whole failed. */
static json_t *read_answer(long status, const char *body, struct strbuf *err)
{
	if (status != 200) {
		sb_addf(err, "HTTP %ld", status);
		return NULL;
	}
	json_t *j = json_loads(body, 0, NULL);
	json_t *results = json_object_get(j, "results");
	if (!j || !json_is_array(results)) {
		const char *msg = json_string_value(json_object_get(j, "msg"));
		sb_addf(err, "code %lld: %s", (long long)json_integer_value(json_object_get(j, "code")),
			msg ? msg : "unreadable answer");
		json_decref(j);
		return NULL;
	}
	json_t *by = json_object();
	size_t i;
	json_t *a;
	json_array_foreach(results, i, a) {
		json_t *id = json_object_get(a, "id");
		char k[32];
		if (json_is_string(id))
			snprintf(k, sizeof(k), "%s", json_string_value(id));
		else if (json_is_integer(id))
			snprintf(k, sizeof(k), "%lld", (long long)json_integer_value(id));
		else
			continue;
		json_object_set(by, k, a);
	}
	json_decref(j);
	return by;
}

static int run_type(struct db *c, const struct province_settings *s, const struct province_type *t, const char *user,
		    const char *pw, const char *key, int64_t now, int force, const char *origin, struct province_run *out)
{
	int enabled = 0;
	char *path = NULL;
	json_t *fields = mapping_fields(c, t, &enabled, &path);
	int rc = 0;
	if (!fields || !enabled)
		goto done;
	db_exec(c, "INSERT INTO province_cursors (type) VALUES (?) ON CONFLICT (type) DO NOTHING", "t", t->type);
	for (int64_t p = 0; p < s->max_pages; p++) {
		int64_t at = 0, id = 0, attempts = 0, next_try = 0;
		struct db_stmt *st = db_query(c, "SELECT cursor_at, cursor_id, attempts, next_try_at FROM province_cursors"
					      " WHERE type = ?", "t", t->type);
		if (st && db_step(st) == 1) {
			at = db_col_i64(st, 0);
			id = db_col_i64(st, 1);
			attempts = db_col_i64(st, 2);
			next_try = db_col_i64(st, 3);
		}
		db_done(c, st);
		if (!force && attempts > 0 && now < next_try)
			break;
		struct page pg;
		page_read(c, t, fields, at, id, s->page_size, &pg);
		if (pg.rows == 0) {
			page_free(&pg);
			break;
		}
		if (json_array_size(pg.sent) == 0) {
			rc = batch_store(c, t->type, origin, now, "local", &pg, NULL, 0, "", 1, 0, 0, out);
			int last = pg.rows < s->page_size;
			page_free(&pg);
			if (rc || last)
				break;
			continue;
		}
		char *plain = json_dumps(pg.sent, JSON_COMPACT);
		struct strbuf enc = STRBUF_INIT, err = STRBUF_INIT, answer = STRBUF_INIT;
		long status = 0;
		json_t *answers = NULL;
		if (plain && province_encrypt(key, s->iv_rule, plain, strlen(plain), &enc, &err) == 0) {
			json_t *body = json_pack("{s:s,s:s}", "companyCode", s->company_code, "datas", enc.buf);
			char *b = json_dumps(body, JSON_COMPACT);
			if (post(s, path, user, pw, b, &status, &answer, &err) == 0)
				answers = read_answer(status, answer.buf ? answer.buf : "", &err);
			free(b);
			json_decref(body);
		}
		free(plain);
		if (answers) {
			rc = batch_store(c, t->type, origin, now, "accepted", &pg, answers, status, "", 1, 0, 0, out);
		} else {
			int64_t wait = s->backoff_s;
			for (int64_t k = 0; k < attempts && wait < s->backoff_max_s; k++)
				wait *= 2;
			if (wait > s->backoff_max_s)
				wait = s->backoff_max_s;
			log_info("province: %s batch failed (%s); next try in %llds", t->type, err.buf ? err.buf : "",
				 (long long)wait);
			rc = batch_store(c, t->type, origin, now, "failed", &pg, NULL, status, err.buf ? err.buf : "error", 0,
					 attempts + 1, now + wait, out);
		}
		int last = pg.rows < s->page_size;
		json_decref(answers);
		sb_release(&enc);
		sb_release(&err);
		sb_release(&answer);
		page_free(&pg);
		if (rc || !answers || last)
			break;
	}
done:
	json_decref(fields);
	free(path);
	return rc;
}

int province_run(struct db *c, int64_t now, int force, const char *origin, struct province_run *out)
{
	memset(out, 0, sizeof(*out));
	if (pthread_mutex_trylock(&run_lock) != 0) {
		out->busy = 1;
		return 0;
	}
	/* and one run among the app servers sharing the database: a button pressed on one
	 * while the leader's job runs (db/leader.h), held on c until the run ends */
	int locked = db_lock_try(c, DB_LOCK_PROVINCE_UPLOAD);
	if (locked != 1) {
		pthread_mutex_unlock(&run_lock);
		out->busy = 1;
		return locked < 0 ? -1 : 0;
	}
	struct province_settings s;
	province_settings_read(c, &s);
	char *pw = secret_open(c, "password"), *key = secret_open(c, "aes_key");
	int rc = 0;
	if (!*s.base_url || !*s.company_code || !*s.username || !pw || !key ||
	    setting_i64(c, "province.dry_run_at", 0) == 0) {
		out->not_ready = 1;
		goto done;
	}
	province_mappings_ensure(c, now);
	for (const struct province_type *t = province_types; t->type && rc == 0; t++)
		rc = run_type(c, &s, t, s.username, pw, key, now, force, origin, out);
	char when[32];
	snprintf(when, sizeof(when), "%lld", (long long)now);
	db_exec(c, "INSERT INTO settings (key, value, updated_at) VALUES ('province.last_run_at', ?, ?)"
		   " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at", "tI", when, now);
done:
	free(pw);
	free(key);
	province_settings_free(&s);
	db_lock_release(c, DB_LOCK_PROVINCE_UPLOAD);
	pthread_mutex_unlock(&run_lock);
	return rc;
}

int province_sched_run(struct db *c, int64_t now)
{
	struct province_settings s;
	province_settings_read(c, &s);
	int64_t enabled = s.enabled, interval = s.interval_min;
	province_settings_free(&s);
	if (!enabled)
		return 0;
	int64_t last = setting_i64(c, "province.last_run_at", 0), retry = 0;
	db_get_i64(c, &retry, "SELECT count(*) FROM province_cursors WHERE attempts > 0 AND next_try_at <= ?", "I", now);
	if (now < last + interval * 60 && !retry)
		return 0;
	struct province_run out;
	if (province_run(c, now, 0, "job", &out) < 0)
		return -1;
	return out.batches;
}
