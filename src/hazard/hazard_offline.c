/*
 * hazard_offline.c — what a report captured on a phone without signal brings with it when it
 * is uploaded later (static/offline.js keeps it in IndexedDB until then):
 *
 *  - an idempotency key, per user: the phone retries until it hears an answer, so the same
 *    report may arrive twice when the first answer was lost; the key finds the first hazard
 *    (hazard_idempotency, written in the creating transaction) and no duplicate is made;
 *  - the capture time, stored as the report time, within bounds (settings: not further ahead
 *    of the server's clock than a phone clock drifts, not older than a queue should wait);
 *  - a voice note (MediaRecorder: WebM/Opus on Android Chrome, Ogg in Firefox, MP4 in
 *    Safari), checked by its container's magic bytes and a size that follows from the
 *    configured length, and stored as a content-addressed blob like the photos.
 */
#include "hazard/hazard.h"
#include "base/text.h"
#include "db/blobstore.h"
#include "db/db.h"

#include <string.h>

/* a key the phone made (crypto.randomUUID or the like): 8–64 of [A-Za-z0-9_-] */
int hazard_idem_key_ok(const char *key)
{
	size_t n = strlen(key);
	return n >= 8 && n <= 64 &&
	       strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

int64_t hazard_idem_find(struct db *c, int64_t user_id, const char *key)
{
	int64_t id = 0;
	if (!key || !*key)
		return 0;
	db_get_i64(c, &id, "SELECT hazard_id FROM hazard_idempotency WHERE user_id = ? AND key = ?", "It",
		   user_id, key);
	return id;
}

int hazard_idem_store(struct db *c, int64_t user_id, const char *key, int64_t hazard_id, int64_t now)
{
	return db_exec(c, "INSERT INTO hazard_idempotency (user_id, key, hazard_id, created_at) VALUES (?, ?, ?, ?)",
		       "ItII", user_id, key, hazard_id, now);
}

int hazard_capture_check(struct db *c, int64_t now, int64_t captured, const char **msg_key)
{
	int64_t skew = hazard_setting(c, "hazard.capture_skew_seconds", 300);
	int64_t age_h = hazard_setting(c, "hazard.capture_max_age_hours", 72);
	if (captured <= 0) {
		*msg_key = "hazard.err_captured";
		return -1;
	}
	if (captured > now + skew) {
		*msg_key = "hazard.err_captured_future";
		return -1;
	}
	if (captured < now - age_h * 3600) {
		*msg_key = "hazard.err_captured_old";
		return -1;
	}
	return 0;
}

size_t hazard_voice_max_bytes(struct db *c)
{
	int64_t s = hazard_setting(c, "hazard.voice_max_seconds", 60);
	if (s < 1)
		s = 1;
	if (s > 600)
		s = 600;
	return (size_t)s * HAZARD_VOICE_BYTES_PER_SECOND;
}

/* The container by its first bytes: EBML with doc type "webm", "OggS", or an ISO BMFF
 * "ftyp" box. NULL for anything else — the stored type comes from here, never from what the
 * client claimed, so a page or a script can never be served back as audio. */
const char *hazard_voice_type(const unsigned char *d, size_t n)
{
	if (n >= 4 && !memcmp(d, "\x1a\x45\xdf\xa3", 4)) {
		size_t lim = n < 64 ? n : 64;
		for (size_t i = 4; i + 4 <= lim; i++)
			if (!memcmp(d + i, "webm", 4))
				return "audio/webm";
		return NULL;
	}
	if (n >= 4 && !memcmp(d, "OggS", 4))
		return "audio/ogg";
	if (n >= 12 && !memcmp(d + 4, "ftyp", 4))
		return "audio/mp4";
	return NULL;
}

int hazard_voice_check(struct db *c, const unsigned char *d, size_t n, const char **msg_key)
{
	if (n < 32 || !hazard_voice_type(d, n)) {
		*msg_key = "hazard.err_voice_type";
		return -1;
	}
	if (n > hazard_voice_max_bytes(c)) {
		*msg_key = "hazard.err_voice_size";
		return -1;
	}
	return 0;
}

int hazard_voice_blob(struct db *c, const unsigned char *d, size_t n, int64_t now, char sha[65])
{
	text_sha256_hex(d, n, sha);
	const struct blob_meta m = {.mime = hazard_voice_type(d, n), .created_at = now};
	return blob_put(c, sha, d, n, &m);
}

int64_t hazard_voice_seconds(struct db *c, const char *s)
{
	int64_t v = 0, max = hazard_setting(c, "hazard.voice_max_seconds", 60);
	if (!s || text_parse_i64(s, &v) || v < 0)
		return 0;
	return v > max ? max : v;
}

int hazard_voice_store(struct db *c, int64_t hazard_id, const unsigned char *d, size_t n, int64_t user_id, int64_t seconds,
		       int64_t event_id, int64_t now)
{
	char sha[65];
	if (hazard_voice_blob(c, d, n, now, sha) != DB_OK)
		return DB_ERROR;
	return db_exec(c, "INSERT INTO hazard_voice (hazard_id, sha256, user_id, at, seconds, event_id)"
			  " VALUES (?, ?, NULLIF(?, 0), ?, ?, NULLIF(?, 0)) ON CONFLICT DO NOTHING", "ItIIII",
		       hazard_id, sha, user_id, now, seconds, event_id);
}
