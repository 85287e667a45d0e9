/*
 * auth_retention.c — how long the network logs the database holds are kept: sign-in
 * attempts (who signed in from where, and who failed) and in-app notifications. Both are
 * kept at least six months (网络安全法 Art. 21(3): network logs kept no less than six
 * months; the config keys retention.access_days and retention.notification_days cannot go
 * lower), then deleted by this scheduler job. The audit log is never deleted.
 */
#include "auth/auth.h"
#include "base/config.h"
#include "db/db.h"

int auth_retention_sweep(struct db *c, int64_t now)
{
	if (db_begin(c) != DB_OK)
		return -1;
	int rc = db_exec(c, "DELETE FROM login_attempts WHERE at < ?", "I",
			 now - (int64_t)cfg.retention_access_days * 86400);
	if (rc == DB_OK)
		rc = db_exec(c, "DELETE FROM notifications WHERE created_at < ?", "I",
			     now - (int64_t)cfg.retention_notification_days * 86400);
	if (rc != DB_OK || db_commit(c) != DB_OK) {
		db_rollback(c);
		return -1;
	}
	return 0;	/* housekeeping: not counted as actions */
}
