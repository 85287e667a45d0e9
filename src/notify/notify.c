/*
 * notify.c — the inbox row. ON CONFLICT DO NOTHING on the unique dedup_key keeps repeated
 * scheduler runs from telling anyone twice; SQLite and PostgreSQL both accept the syntax.
 */
#include "notify/notify.h"
#include "base/clock.h"
#include "base/log.h"
#include "db/db.h"

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
	return db_changes(c) > 0;
}
