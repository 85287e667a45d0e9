/*
 * province.h — the provincial dual-prevention upload (双重预防机制数字化, DOMAIN §7): our risk
 * chain, checks, hazards and stoppages sent to the regulator's platform as the ministry's data
 * chain (风险分析对象 → 单元 → 事件 → 管控措施 → 排查任务 → 排查记录, 隐患, 停用检修), each object type
 * incrementally by update time, in pages, encrypted with the company's AES key.
 *
 *   province_aes.c     AES (OpenSSL libcrypto) and base64: the province's payload scheme
 *   province_map.c     the object types, what each reads from our tables, default mappings
 *   province_upload.c  a run (job or button), the dry run, the cursors and the back-off
 *   province_web.c     settings, mapping, dry run and log pages, and their JSON API
 */
#ifndef ANQUAN_PROVINCE_H
#define ANQUAN_PROVINCE_H

#include <jansson.h>
#include <stdint.h>

#include "http/http.h"

struct db;
struct strbuf;

/* --- AES (province_aes.c) --- */
/* IV rules: "prefix" (a random IV written before the ciphertext; the default), "zero" (16
 * zero bytes), "key" (the key's first 16 bytes, as several provincial SDKs do). */
extern const char *const province_iv_rules[];
/* AES-CBC with PKCS#7 padding, key of 16/24/32 bytes (AES-128/192/256), then base64
 * (standard alphabet, padded). 0 ok, -1 a bad key or an OpenSSL failure (err says which). */
int province_encrypt(const char *key, const char *iv_rule, const char *plain, size_t len, struct strbuf *out,
		     struct strbuf *err);
/* The reverse, for the tests' round trip; 0 ok. */
int province_decrypt(const char *key, const char *iv_rule, const char *b64, struct strbuf *out);

/* --- object types and mappings (province_map.c) --- */
struct province_type {
	const char *type;	/* "objects", "units", ... */
	const char *path;	/* default path under the base URL */
	const char *sql;	/* pid, pupd (update time), then cols[] */
	const char *const *cols;
	const char *defaults;	/* the default mapping, JSON */
};
extern const struct province_type province_types[];
const struct province_type *province_type_find(const char *type);
/* Fill province_mappings with the defaults of types it lacks (idempotent). 0 ok. */
int province_mappings_ensure(struct db *c, int64_t now);
/* Is `fields` a usable mapping for type t? NULL if so, else a message naming what is wrong. */
const char *province_mapping_problem(const struct province_type *t, json_t *fields);

/* --- settings (province_upload.c) --- */
struct province_settings {
	char *base_url, *company_code, *username, *iv_rule;
	int64_t page_size, timeout_ms, backoff_s, backoff_max_s, interval_min, enabled, max_pages;
};
void province_settings_read(struct db *c, struct province_settings *s);
void province_settings_free(struct province_settings *s);

/* --- runs (province_upload.c) --- */
struct province_run {
	int batches, records, accepted, refused, failed, skipped;
	int busy;	/* another run was under way: nothing done */
	int not_ready;	/* no dry run yet, or settings missing: nothing done */
};
/* Send what changed since each type's cursor. force: the "upload now" button (ignores the
 * interval and the back-off wait). origin "job" or "button". 0 done (see *out), <0 failed. */
int province_run(struct db *c, int64_t now, int force, const char *origin, struct province_run *out);
/* The dry run: per type, records on hand and the required fields or codes they lack; the
 * settings that are missing. Records the time of the dry run. New JSON object. */
json_t *province_dry_run(struct db *c, int64_t now);
int province_sched_run(struct db *c, int64_t now);

extern const struct route province_routes[];
struct module;
extern const struct module province_module;

#endif
