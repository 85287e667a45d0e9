/*
 * common.c — what the sub-commands share: opening the database under the data directory,
 * with the audit log's key and anchor beside it.
 */
#include "cli/cli.h"
#include "audit/audit.h"
#include "base/config.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "db/db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static char *db_file;

/* The SQLite file under the data directory, or the PostgreSQL URL of db.url when set. */
const char *cli_db_path(void)
{
	if (cfg.db_url && *cfg.db_url)
		return cfg.db_url;
	if (!db_file) {
		struct strbuf sb = STRBUF_INIT;
		sb_addf(&sb, "%s/anquan.db", cfg.data);
		db_file = sb_detach(&sb, NULL);
	}
	return db_file;
}

void cli_private_files(void)
{
	/* Owner only, for everything this process creates: the database holds password hashes
	 * and photos, audit.key protects the audit log, backups are copies of both. SQLite gives
	 * -wal and -shm the database's mode, but the umask also covers journals, temporary
	 * files and a database created by a process other than this one. */
	umask(077);
}

/* strict: create audit.key at the first start and refuse a key that is not this log's (the
 * commands that write). Otherwise (backup, audit verify) load the key only if it is there and
 * go on without it or with the wrong one, so that they can still copy or report. */
static struct db *open_db(int strict)
{
	char *err = NULL;
	cli_private_files();
	if (mkdir(cfg.data, 0700) && errno != EEXIST) {
		log_error("cannot create data directory %s: %s", cfg.data, strerror(errno));
		return NULL;
	}
	struct db *c = db_open(cli_db_path(), &err);
	if (!c) {
		log_error("cannot open %s: %s", cli_db_path(), err ? err : "?");
		free(err);
		return NULL;
	}
	if (db_migrate(c, 0) != DB_OK) {
		db_close(c);
		return NULL;
	}
	struct strbuf kpath = STRBUF_INIT;
	sb_addf(&kpath, "%s/audit.key", cfg.data);
	int created = 0;
	if (!strict && access(kpath.buf, F_OK) != 0) {
		log_warn("no audit key at %s: the keyed part of the audit log cannot be checked",
			 kpath.buf);
	} else if (audit_open(cfg.data, strict ? &created : NULL, &err)) {
		log_error("audit log: %s", err ? err : "?");
		free(err);
		err = NULL;
		if (strict) {
			db_close(c);
			c = NULL;
		}
	} else if (audit_key_check(c, &err)) {
		if (created) {
			/* the database's key is missing, not new: leave no stray key behind */
			audit_close();
			unlink(kpath.buf);
			log_error("audit log: %s was missing; %s", kpath.buf, err);
		} else {
			log_error("audit log: %s", err);
		}
		free(err);
		if (strict) {
			audit_close();
			db_close(c);
			c = NULL;
		}
	}
	sb_release(&kpath);
	return c;
}

struct db *cli_open_db(void)
{
	return open_db(1);
}

struct db *cli_open_db_readonly_key(void)
{
	return open_db(0);
}

int cli_lock_data(void)
{
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "%s/anquan.lock", cfg.data);
	int fd = open(sb.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_error("cannot open %s: %s", sb.buf, strerror(errno));
		sb_release(&sb);
		return -1;
	}
	sb_release(&sb);
	/* flock, not SQLite's fcntl locks: held for the process's life, released by the kernel
	 * when it dies however it dies, and independent of the connections SQLite opens */
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int busy = errno == EWOULDBLOCK;
		if (!busy)
			log_error("cannot lock %s/anquan.lock: %s", cfg.data, strerror(errno));
		close(fd);
		return busy ? -2 : -1;
	}
	return fd;
}

int cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}
