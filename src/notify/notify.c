/*
 * notify.c — the inbox row. ON CONFLICT DO NOTHING on the unique dedup_key keeps repeated
 * scheduler runs from telling anyone twice; SQLite and PostgreSQL both accept the syntax.
 * notify_send renders the text in the recipient's language first. A new inbox row is routed to
 * the outbox in the same transaction (notify_outbox.c).
 */
#include "notify/notify.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "base/i18n.h"

#include <stdio.h>
#include <stdlib.h>

int notify_user(struct db *c, int64_t user_id, const char *kind, const char *title,
		const char *body, const char *link, const char *dedup_key)
{
	if (!user_id)
		return 0;
	int rc = db_exec(c,
			 "INSERT INTO notifications (user_id, created_at, kind, title, body, link, dedup_key)"
			 " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING",
			 "IIttttt", user_id, clock_now(), kind, title, body ? body : "", link ? link : "",
			 dedup_key);
	if (rc != DB_OK) {
		log_error("notify: cannot write %s for user %lld", kind, (long long)user_id);
		return rc;
	}
	if (db_changes(c) == 0)
		return 0;
	/* without a dedup key the inbox row's id names the event */
	char key[40];
	if (!dedup_key) {
		snprintf(key, sizeof(key), "inbox:%lld", (long long)db_last_id(c));
		dedup_key = key;
	}
	rc = notify_outbox_route(c, user_id, kind, title, body, link, dedup_key);
	return rc < 0 ? rc : 1;
}

int notify_send(struct db *c, int64_t user_id, const struct notify_msg *m)
{
	if (!user_id)
		return 0;
	char *lang = NULL;
	if (db_get_text(c, &lang, "SELECT lang FROM users WHERE id = ?", "I", user_id) < 0)
		return DB_ERROR;
	const char *l = lang && *lang ? lang : "zh";
	struct strbuf title = STRBUF_INIT;
	sb_adds(&title, i18n_get(l, m->title_key));
	if (m->subject && *m->subject) {
		sb_addc(&title, ' ');
		sb_adds(&title, m->subject);
	}
	const char *body = m->body_key ? i18n_get(l, m->body_key) : m->body;
	int rc = notify_user(c, user_id, m->kind, title.buf, body, m->link, m->dedup_key);
	sb_release(&title);
	free(lang);
	return rc;
}
