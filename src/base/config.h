/*
 * config.h — the effective configuration, read once at start and only read afterwards.
 *
 * Precedence, lowest to highest: built-in defaults, the file (ANQUAN_CONFIG or
 * DATA/anquan.conf, lines "key = value"), environment variables (ANQUAN_ + the key in upper
 * case with dots as underscores), command-line flags (--key=value). `anquan config` prints the
 * effective values and where each came from.
 */
#ifndef ANQUAN_CONFIG_H
#define ANQUAN_CONFIG_H

struct config {
	const char *listen;		/* listen: 127.0.0.1:8080 */
	const char *data;		/* data: ./data (database, blobs) */
	int threads;			/* http.threads */
	int max_connections;		/* http.max_connections */
	int idle_timeout;		/* http.idle_timeout (s) */
	int head_timeout;		/* http.head_timeout (s): the whole request head, from accept */
	int max_per_address;		/* http.max_per_address: connections from one address */
	int secure_cookies;		/* http.secure_cookies: set behind TLS */
	int rate_per_address;		/* http.rate_per_address: requests a minute, 0 off */
	int rate_per_token;		/* http.rate_per_token: requests a minute, 0 off */
	int session_idle;		/* session.idle (s), 1800: 等保 session timeout */
	int session_absolute;		/* session.absolute (s), 43200 */
	int lockout_attempts;		/* auth.lockout_attempts, 5 */
	int lockout_seconds;		/* auth.lockout_seconds, 900 */
	int password_min_length;	/* auth.password_min_length, 8 */
	int password_min_classes;	/* auth.password_min_classes, 3 (of lower/upper/digit/other) */
	const char *synchronous;	/* db.synchronous: FULL or NORMAL */
	int mmap_mb;			/* db.mmap_mb, 2048: the SQLite file read through a memory
					 * map up to this size (db.c); 0 reads every page with pread */
	const char *db_url;		/* db.url: postgresql://… selects PostgreSQL; "" is SQLite */
	int leader_retry;		/* db.leader_retry (s), 5: on PostgreSQL, how often a server
					 * that does not run the background work (db/leader.h) asks
					 * again, and the leader checks it still holds the lock */
	const char *files_dir;		/* files.dir: "" keeps photos and files inside the database;
					 * a directory (shared by every app server) keeps their bytes
					 * there, named by SHA-256 (db/blobstore.h) */
	const char *metrics_listen;	/* metrics.listen: "" or HOST:PORT for /metrics alone */
	const char *metrics_token;	/* metrics.token: "" or the bearer token for /metrics */
	int retention_access_days;	/* retention.access_days, 183: sign-in attempts kept */
	int retention_notification_days;	/* retention.notification_days, 365 */
	const char *lang;		/* lang: the plant's language, zh or en — what the program
					 * itself writes in (actor_system()) */
	int notify_interval_ms;		/* notify.interval_ms, 2000: how often the outbox sender
					 * looks for due messages; 0 = no sender thread (tests
					 * deliver with POST /api/v1/test/tick) */
};

extern struct config cfg;

/* Apply file, environment and flags (argv entries "--key=value" are consumed: the rest are
 * compacted to the front and the new argc is returned). Returns -1 with a message on error. */
int config_load(int argc, char **argv, char **err);
void config_print(void);

#endif
