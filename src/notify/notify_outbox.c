/*
 * notify_outbox.c — routing an in-app notification to the outbox, in the caller's
 * transaction (the event and its messages are stored together or not at all).
 *
 * notify_user() calls notify_outbox_route() after it wrote a new inbox row. The routing table
 * (notify_routes) says which channel kinds the event kind goes by and whether it is urgent;
 * for each active channel of those kinds that reaches the recipient (a robot of the
 * recipient's unit or above, any SMTP/SMS/webhook channel), one outbox row is written whose
 * idempotency key is (event dedup key, channel, person): a second write of the same event
 * adds nothing. The recipient's preferences then apply to the personal channels (e-mail,
 * SMS): the kinds they accept, quiet hours (a non-urgent message waits for their end) and a
 * digest (held until 08:00, then sent as one). Robots and webhooks are group channels and
 * go at once.
 */
#include "notify/notify.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* local minute of the day of a UTC instant */
static int local_minute(int64_t t)
{
	int64_t l = t + clock_local_offset();
	int64_t m = (l % 86400 + 86400) % 86400;
	return (int)(m / 60);
}

/* the next UTC instant at local minute `minute` after t (t itself when it is that minute) */
static int64_t next_local(int64_t t, int minute)
{
	int64_t start = day_start_utc(day_of(t));
	int64_t at = start + (int64_t)minute * 60;
	return at >= t ? at : day_start_utc(day_of(t) + 1) + (int64_t)minute * 60;
}

int notify_in_quiet(int64_t t, int from, int to)
{
	if (from == to)
		return 0;
	int m = local_minute(t);
	return from < to ? m >= from && m < to : m >= from || m < to;
}

int64_t notify_digest_at(int64_t t)
{
	return next_local(t, NOTIFY_DIGEST_MINUTE);
}

/* is kind listed in the space-separated list (empty list: everything) */
static int accepts(const char *list, const char *kind)
{
	if (!*list)
		return 1;
	size_t n = strlen(kind);
	for (const char *p = list; (p = strstr(p, kind)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
	/* "sms" in a preference covers both SMS gateways */
	if (!strncmp(kind, "sms_", 4))
		return accepts(list, "sms");
	return 0;
}

int notify_outbox_route(struct db *c, int64_t user_id, const char *kind, const char *title, const char *body,
			const char *link, const char *dedup_key)
{
	int64_t now = clock_now();
	char *lang = NULL, *phone = NULL, *path = NULL, *email = NULL, *chans = NULL;
	int64_t quiet_from = 0, quiet_to = 0, digest = 0;
	int rc = 0, written = 0;
	struct db_stmt *st = db_query(c, "SELECT u.lang, coalesce(u.phone, ''), n.path, coalesce(p.email, ''),"
				      " coalesce(p.channels, ''), coalesce(p.quiet_from, 0), coalesce(p.quiet_to, 0),"
				      " coalesce(p.digest, 0) FROM users u JOIN units n ON n.id = u.unit_id"
				      " LEFT JOIN notify_prefs p ON p.user_id = u.id WHERE u.id = ?", "I", user_id);
	if (st && db_step(st) == 1) {
		lang = xstrdup(db_col_text(st, 0));
		phone = xstrdup(db_col_text(st, 1));
		path = xstrdup(db_col_text(st, 2));
		email = xstrdup(db_col_text(st, 3));
		chans = xstrdup(db_col_text(st, 4));
		quiet_from = db_col_i64(st, 5);
		quiet_to = db_col_i64(st, 6);
		digest = db_col_i64(st, 7);
	}
	db_done(c, st);
	if (!lang)
		goto done;
	/* every active channel whose kind the routing table names for this event kind, once,
	 * with the strongest urgency of the matching rules; a robot only for its unit's subtree */
	st = db_query(c, "SELECT ch.id, ch.kind, max(r.urgent) FROM notify_routes r"
			 " JOIN notify_channels ch ON ch.kind = r.channel_kind AND ch.active = 1"
			 " LEFT JOIN units u ON u.id = ch.unit_id"
			 " WHERE (r.kind = ?1 OR r.kind = '*' OR (substr(r.kind, length(r.kind)) = '*'"
			 "   AND substr(?1, 1, length(r.kind) - 1) = substr(r.kind, 1, length(r.kind) - 1)))"
			 " AND (ch.unit_id IS NULL OR ?2 LIKE u.path || '%')"
			 " GROUP BY ch.id, ch.kind ORDER BY ch.id", "tt", kind, path);
	struct row {
		int64_t id;
		char kind[16];
		int urgent;
	} rows[64];
	int n = 0;
	while (st && n < 64 && (rc = db_step(st)) == 1) {
		rows[n].id = db_col_i64(st, 0);
		snprintf(rows[n].kind, sizeof(rows[n].kind), "%s", db_col_text(st, 1));
		rows[n].urgent = (int)db_col_i64(st, 2);
		n++;
	}
	db_done(c, st);
	if (rc < 0 || !st) {
		rc = DB_ERROR;
		goto done;
	}
	rc = 0;
	for (int i = 0; i < n; i++) {
		const char *ck = rows[i].kind;
		int personal = !strcmp(ck, "smtp") || !strncmp(ck, "sms_", 4);
		const char *addr = !strcmp(ck, "smtp") ? email : !strcmp(ck, "webhook") ? "" : phone;
		if (personal && (!*addr || !accepts(chans, ck)))
			continue;
		int64_t due = now;
		int held = 0;
		if (personal && !rows[i].urgent) {
			if (digest) {
				due = notify_digest_at(now);
				held = 1;
			} else if (notify_in_quiet(now, (int)quiet_from, (int)quiet_to)) {
				due = next_local(now, (int)quiet_to);
			}
		}
		struct strbuf key = STRBUF_INIT;
		sb_addf(&key, "%s|%lld|%lld", dedup_key, (long long)rows[i].id, (long long)user_id);
		rc = db_exec(c, "INSERT INTO notify_outbox (idem_key, channel_id, user_id, address, lang, kind, urgent,"
				" digest, title, body, link, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
				" ON CONFLICT (idem_key) DO NOTHING",
			     "tIItttiitttII", key.buf, rows[i].id, user_id, addr, lang, kind, rows[i].urgent, held, title,
			     body ? body : "", link ? link : "", due, now);
		sb_release(&key);
		if (rc != DB_OK) {
			log_error("notify: cannot queue %s for user %lld", kind, (long long)user_id);
			goto done;
		}
		written += db_changes(c) > 0;
	}
	rc = written;
done:
	free(lang);
	free(phone);
	free(path);
	free(email);
	free(chans);
	return rc;
}
