/*
 * cmd_backup.c — `anquan backup FILE` and `anquan restore FILE`.
 *
 * backup: one consistent snapshot copied in one pass while the server goes on writing
 * (db_backup), to a temporary name in FILE's directory; checked (PRAGMA integrity_check, its
 * audit head equal to the head of the snapshot it was copied from, the audit chain walked
 * with the key); synced; renamed to FILE; then FILE.manifest (time, size, SHA-256, schema
 * version, audit head) written the same way. A backup that fails anywhere leaves nothing
 * under FILE's name.
 *
 * restore: refuses while a server runs on the data directory (it holds DATA/anquan.lock);
 * checks FILE against its manifest, its integrity and its audit chain with this data
 * directory's key; keeps the current database as DATA/anquan.db.before-restore-TIME (its WAL
 * checkpointed into it first); puts the copy in place by rename; and appends a "restore" line
 * to the audit anchor, so that verify compares with the restored head from then on.
 */
#include "cli/cli.h"
#include "audit/audit.h"
#include "base/config.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "db/db.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void dir_of(const char *path, struct strbuf *out)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		sb_adds(out, ".");
	else if (slash == path)
		sb_adds(out, "/");
	else
		sb_add(out, path, (size_t)(slash - path));
}

static int fsync_path(const char *path, int dir)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* SHA-256 of a file, hex, and its size. */
static int file_sha256(const char *path, char out[65], int64_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	unsigned char *buf = xmalloc(1 << 20);
	ssize_t n;
	*size = 0;
	while ((n = read(fd, buf, 1 << 20)) > 0) {
		crypto_hash_sha256_update(&st, buf, (size_t)n);
		*size += n;
	}
	free(buf);
	close(fd);
	if (n < 0)
		return -1;
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, 65, h, sizeof(h));
	return 0;
}

/* A name in dir that no one else uses, created empty (0600). malloc'd, or NULL. */
static char *temp_name(const char *final)
{
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "%s.tmp-XXXXXX", final);
	int fd = mkstemp(sb.buf);
	if (fd < 0) {
		sb_release(&sb);
		return NULL;
	}
	close(fd);
	return sb_detach(&sb, NULL);
}

/* A database file and whatever SQLite may have left beside it. */
static void remove_db_file(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	unlink(path);
	const char *ext[] = {"-journal", "-wal", "-shm"};
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		sb_reset(&sb);
		sb_addf(&sb, "%s%s", path, ext[i]);
		unlink(sb.buf);
	}
	sb_release(&sb);
}

static int64_t schema_version(struct db *c)
{
	int64_t v = 0;
	db_get_i64(c, &v, "SELECT COALESCE(max(version), 0) FROM schema_migrations", NULL);
	return v;
}

/* What a checked copy says about itself. */
struct copy_check {
	int64_t schema;
	struct audit_head head;
	struct audit_report audit;
};

/* integrity_check and the audit chain of the file at path (anchor: NULL to skip). */
static int check_copy(const char *path, const struct audit_head *anchor, struct copy_check *out,
		      struct strbuf *why)
{
	char *err = NULL, *ok = NULL;
	struct db *c = db_open_readonly(path, &err);
	if (!c) {
		sb_addf(why, "cannot open %s: %s", path, err ? err : "?");
		free(err);
		return -1;
	}
	int rc = -1;
	if (db_get_text(c, &ok, "PRAGMA integrity_check", NULL) != 1 || strcmp(ok, "ok") != 0) {
		sb_addf(why, "%s fails PRAGMA integrity_check: %s", path, ok ? ok : db_errmsg(c));
		goto done;
	}
	out->schema = schema_version(c);
	if (audit_head(c, &out->head) != DB_OK || audit_check_with(c, anchor, &out->audit) < 0) {
		sb_addf(why, "cannot read the audit log of %s", path);
		goto done;
	}
	rc = 0;
done:
	free(ok);
	db_close(c);
	return rc;
}

static void audit_summary(const struct audit_report *r, struct strbuf *sb)
{
	if (r->state == AUDIT_INTACT)
		sb_addf(sb, "intact (%lld entries)", (long long)r->checked);
	else
		sb_addf(sb, "NOT INTACT at entry %lld: %s", (long long)r->bad_id, r->why);
}

static int write_manifest(const char *dest, const char *sha, int64_t size, int64_t schema,
			  const struct audit_head *h, const struct audit_report *r)
{
	struct strbuf path = STRBUF_INIT, body = STRBUF_INIT;
	sb_addf(&path, "%s.manifest", dest);
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	const char *base = strrchr(dest, '/');
	sb_addf(&body, "# anquan backup manifest; `anquan restore FILE` checks the file against it\n"
		       "file = %s\ncreated = %s\nsize = %lld\nsha256 = %s\nschema_version = %lld\n"
		       "audit_head_seq = %lld\naudit_head_hash = %s\naudit_key_id = %s\naudit_log = ",
		base ? base + 1 : dest, when, (long long)size, sha, (long long)schema,
		(long long)h->seq, h->hash, audit_key_id() ? audit_key_id() : "none");
	audit_summary(r, &body);
	sb_addc(&body, '\n');
	int rc = -1;
	char *tmp = temp_name(path.buf);
	if (!tmp)
		goto done;
	FILE *f = fopen(tmp, "w");
	if (f && fwrite(body.buf, 1, body.len, f) == body.len && fflush(f) == 0 &&
	    fsync(fileno(f)) == 0 && fclose(f) == 0) {
		f = NULL;
		if (rename(tmp, path.buf) == 0)
			rc = 0;
	}
	if (f)
		fclose(f);
	if (rc)
		unlink(tmp);
	free(tmp);
done:
	sb_release(&path);
	sb_release(&body);
	return rc;
}

int cmd_backup(int argc, char **argv)
{
	if (cli_wants_help(argc, argv) || argc != 2) {
		printf("usage: anquan backup FILE\n\nCopy the database to FILE while the server goes on\n"
		       "writing: one consistent snapshot, checked (integrity and audit chain) and synced\n"
		       "under a temporary name, then renamed; FILE.manifest records its time, size,\n"
		       "SHA-256, schema version and audit head. Photos are inside the database.\n");
		return argc == 2 ? 0 : 2;
	}
	const char *dest = argv[1];
	struct strbuf why = STRBUF_INIT, dir = STRBUF_INIT;
	char *err = NULL, *tmp = NULL;
	int status = 1;
	struct db *c = cli_open_db_readonly_key();
	if (!c)
		return 1;
	struct stat a, b;
	if (stat(dest, &a) == 0 && stat(cli_db_path(), &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino) {
		sb_addf(&why, "%s is the database itself", dest);
		goto done;
	}
	dir_of(dest, &dir);
	tmp = temp_name(dest);
	if (!tmp) {
		sb_addf(&why, "cannot create a file in %s: %s", dir.buf, strerror(errno));
		goto done;
	}
	/* the anchor before the snapshot: every head it records is in the snapshot */
	struct audit_head anchor, head;
	int have_anchor = audit_anchor_read(audit_anchor_path(), &anchor) >= 0 && audit_anchor_path();
	int64_t schema = 0;
	int rc = db_read_begin(c);
	if (rc == DB_OK) {
		schema = schema_version(c);	/* the first read starts the snapshot */
		rc = audit_head(c, &head);
	}
	if (rc == DB_OK)
		rc = db_backup(c, tmp, &err);
	db_read_end(c);
	if (rc != DB_OK) {
		sb_addf(&why, "copy failed: %s", err ? err : db_errmsg(c));
		goto done;
	}
	if (fsync_path(tmp, 0) != 0) {
		sb_addf(&why, "cannot sync %s: %s", tmp, strerror(errno));
		goto done;
	}
	struct copy_check cc;
	if (check_copy(tmp, have_anchor ? &anchor : NULL, &cc, &why))
		goto done;
	if (cc.head.seq != head.seq || strcmp(cc.head.hash, head.hash) != 0 || cc.schema != schema) {
		sb_addf(&why, "the copy's audit head (%lld) is not the snapshot's (%lld)",
			(long long)cc.head.seq, (long long)head.seq);
		goto done;
	}
	char sha[65];
	int64_t size = 0;
	if (file_sha256(tmp, sha, &size)) {
		sb_addf(&why, "cannot read %s back: %s", tmp, strerror(errno));
		goto done;
	}
	if (rename(tmp, dest) != 0) {
		sb_addf(&why, "cannot rename %s to %s: %s", tmp, dest, strerror(errno));
		goto done;
	}
	free(tmp);
	tmp = NULL;
	if (write_manifest(dest, sha, size, schema, &head, &cc.audit) != 0) {
		/* the copy is good; say that its description is missing */
		sb_addf(&why, "%s is written, but not %s.manifest: %s", dest, dest, strerror(errno));
		fsync_path(dir.buf, 1);
		goto done;
	}
	fsync_path(dir.buf, 1);
	printf("backed up to %s (%lld bytes, sha256 %s, schema %lld, audit head %lld)\n", dest,
	       (long long)size, sha, (long long)schema, (long long)head.seq);
	if (cc.audit.state != AUDIT_INTACT) {
		/* still a backup worth keeping (it is evidence too), but not a quiet one */
		struct strbuf s = STRBUF_INIT;
		audit_summary(&cc.audit, &s);
		fprintf(stderr, "anquan backup: WARNING: the audit log is %s; run `anquan audit verify`\n", s.buf);
		sb_release(&s);
	}
	status = 0;
done:
	if (status && why.len)
		fprintf(stderr, "anquan backup: %s; nothing written as %s\n", why.buf, dest);
	if (tmp) {
		remove_db_file(tmp);
		free(tmp);
	}
	free(err);
	db_close(c);
	audit_close();
	sb_release(&why);
	sb_release(&dir);
	return status;
}

/* "key = value" of a manifest, malloc'd, or NULL. */
static char *manifest_get(const char *path, const char *key)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char line[512], *val = NULL;
	size_t kl = strlen(key);
	while (!val && fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, kl) == 0 && strncmp(line + kl, " = ", 3) == 0) {
			line[strcspn(line, "\n")] = '\0';
			val = xstrdup(line + kl + 3);
		}
	}
	fclose(f);
	return val;
}

/* Copy src to dst (created, 0600 by the umask), synced. */
static int copy_file(const char *src, const char *dst)
{
	int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
	if (in < 0)
		return -1;
	out = open(dst, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (out < 0)
		goto done;
	unsigned char *buf = xmalloc(1 << 20);
	ssize_t n;
	while ((n = read(in, buf, 1 << 20)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	free(buf);
	if (n == 0 && fsync(out) == 0)
		rc = 0;
done:
	if (out >= 0)
		close(out);
	close(in);
	return rc;
}

int cmd_restore(int argc, char **argv)
{
	if (cli_wants_help(argc, argv) || argc != 2) {
		printf("usage: anquan restore FILE\n\nReplace the database of the data directory with the\n"
		       "backup FILE. Refuses while a server runs on it. Checks FILE first (its manifest's\n"
		       "size and SHA-256, PRAGMA integrity_check, the audit chain with this directory's\n"
		       "audit.key); keeps the current database as anquan.db.before-restore-TIME.\n");
		return argc == 2 ? 0 : 2;
	}
	const char *src = argv[1];
	struct strbuf why = STRBUF_INIT, mpath = STRBUF_INIT, kept = STRBUF_INIT, tmp = STRBUF_INIT;
	char *want_sha = NULL, *want_size = NULL, *err = NULL;
	int status = 1, lock = -1, placed = 0;
	cli_private_files();
	if (mkdir(cfg.data, 0700) && errno != EEXIST) {
		sb_addf(&why, "cannot create data directory %s: %s", cfg.data, strerror(errno));
		goto done;
	}
	lock = cli_lock_data();
	if (lock == -2) {
		sb_addf(&why, "a server is running on %s (it holds anquan.lock); stop it first", cfg.data);
		goto done;
	}
	if (lock < 0)
		goto done;

	/* 1. the file is what its manifest says, whole, and its audit chain is ours */
	sb_addf(&mpath, "%s.manifest", src);
	want_sha = manifest_get(mpath.buf, "sha256");
	want_size = manifest_get(mpath.buf, "size");
	char sha[65];
	int64_t size = 0;
	if (file_sha256(src, sha, &size)) {
		sb_addf(&why, "cannot read %s: %s", src, strerror(errno));
		goto done;
	}
	if (!want_sha) {
		log_warn("restore: no %s: the file's checksum cannot be checked", mpath.buf);
	} else if (strcmp(want_sha, sha) != 0 || !want_size || atoll(want_size) != size) {
		sb_addf(&why, "%s does not match its manifest (size %lld, sha256 %s; the manifest says"
			      " %s, %s)", src, (long long)size, sha, want_size ? want_size : "?", want_sha);
		goto done;
	}
	struct strbuf kpath = STRBUF_INIT;
	sb_addf(&kpath, "%s/audit.key", cfg.data);
	int have_key = access(kpath.buf, F_OK) == 0;
	sb_release(&kpath);
	if (have_key && audit_open(cfg.data, NULL, &err)) {
		sb_addf(&why, "%s", err);
		goto done;
	}
	struct copy_check cc;
	if (check_copy(src, NULL, &cc, &why))
		goto done;
	if (cc.audit.state != AUDIT_INTACT) {
		sb_addf(&why, "the audit log in %s is not intact at entry %lld: %s", src,
			(long long)cc.audit.bad_id, cc.audit.why);
		goto done;
	}

	/* 2. the current database, WAL and all, kept under a dated name */
	const char *db = cli_db_path();
	if (access(db, F_OK) == 0) {
		struct db *old = db_open(db, &err);
		if (!old) {
			sb_addf(&why, "cannot open the current database: %s", err ? err : "?");
			goto done;
		}
		db_checkpoint(old);
		int64_t left = -1;
		db_get_i64(old, &left, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
		db_close(old);
		if (left != 0) {
			sb_adds(&why, "the current database's WAL could not be checkpointed into it");
			goto done;
		}
		char when[32];
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		strftime(when, sizeof(when), "%Y%m%d-%H%M%S", &tm);
		sb_addf(&kept, "%s.before-restore-%s", db, when);
		if (link(db, kept.buf) != 0) {
			sb_addf(&why, "cannot keep the current database as %s: %s", kept.buf, strerror(errno));
			goto done;
		}
	}
	/* 3. the copy beside it, synced, then renamed over it (no moment without a database) */
	char *t = temp_name(db);
	if (!t) {
		sb_addf(&why, "cannot create a file in %s: %s", cfg.data, strerror(errno));
		goto done;
	}
	sb_adds(&tmp, t);
	free(t);
	if (copy_file(src, tmp.buf) != 0) {
		sb_addf(&why, "cannot copy %s: %s", src, strerror(errno));
		goto done;
	}
	struct strbuf side = STRBUF_INIT;
	sb_addf(&side, "%s-wal", db);	/* empty after the checkpoint; must not meet the new file */
	unlink(side.buf);
	sb_reset(&side);
	sb_addf(&side, "%s-shm", db);
	unlink(side.buf);
	sb_release(&side);
	if (rename(tmp.buf, db) != 0) {
		sb_addf(&why, "cannot rename %s to %s: %s", tmp.buf, db, strerror(errno));
		goto done;
	}
	placed = 1;
	fsync_path(cfg.data, 1);

	/* 4. the anchor follows the restored head; what it recorded after is in the kept copy */
	struct audit_head before;
	int had = audit_anchor_read(audit_anchor_path(), &before) == 0;
	if (audit_anchor_path()) {
		audit_anchor_write(cc.head.seq, cc.head.hash, "restore");
		audit_anchor_sync();
	}
	printf("restored %s (schema %lld, audit head %lld) into %s\n", src, (long long)cc.schema,
	       (long long)cc.head.seq, db);
	if (kept.len)
		printf("the previous database is kept as %s\n", kept.buf);
	if (had && before.seq > cc.head.seq)
		printf("audit entries %lld to %lld are not in the restored database (they are in the"
		       " previous one)\n", (long long)cc.head.seq + 1, (long long)before.seq);
	status = 0;
done:
	if (status && why.len)
		fprintf(stderr, "anquan restore: %s; the database was not changed\n", why.buf);
	if (status && kept.len && !placed)
		unlink(kept.buf);	/* only a second name of the unchanged database */
	if (tmp.len && !placed)
		unlink(tmp.buf);
	if (lock >= 0)
		close(lock);
	audit_close();
	free(want_sha);
	free(want_size);
	free(err);
	sb_release(&why);
	sb_release(&mpath);
	sb_release(&kept);
	sb_release(&tmp);
	return status;
}
