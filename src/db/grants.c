/*
 * grants.c — the default grants of the module table: each module's descriptor names, per
 * permission, the default roles that get it (struct module_perm, base/module.h); at migrate
 * time they are added to those roles.
 *
 * Why at migrate time and recorded: a new module's permission must reach the default roles
 * of installations that already exist (a SQL migration per module would have to repeat the
 * role codes and could not tell an edited role from an untouched one), while a role's list
 * belongs to the administrators once installed (0002_default_roles.sql). So each
 * (permission, role) pair is applied once and recorded in module_grants; a grant already
 * recorded is never applied again, so a permission an administrator removed stays removed.
 * The grants the SQL migrations made before this ledger existed are recorded by
 * 0010_module_grants.sql. A role that does not exist (deleted, or not created yet) gets
 * nothing, and the pair is recorded all the same: a deleted role is not brought back.
 *
 * Everything happens in one transaction, so a failure grants nothing.
 */
#include "db/db.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/module.h"
#include "base/strbuf.h"

#include <stdlib.h>
#include <string.h>

/* Is `word` one of the space-separated words of `list`? */
static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; *p;) {
		p += strspn(p, " \t\n");
		size_t l = strcspn(p, " \t\n");
		if (l == n && !strncmp(p, word, n))
			return 1;
		p += l;
	}
	return 0;
}

/* Grant `perm` to the role `role` unless the pair is recorded; 0 or DB_ERROR. */
static int grant_once(struct db *c, const char *perm, const char *role, int verbose)
{
	int64_t done = 0;
	if (db_get_i64(c, &done, "SELECT count(*) FROM module_grants WHERE permission = ? AND role_code = ?",
		       "tt", perm, role) < 0)
		return DB_ERROR;
	if (done)
		return DB_OK;
	char *have = NULL;
	int found = db_get_text(c, &have, "SELECT permissions FROM roles WHERE code = ?", "t", role);
	int rc = found < 0 ? DB_ERROR : DB_OK;
	if (found == 1 && !has_word(have, perm)) {
		struct strbuf sb = STRBUF_INIT;
		sb_addf(&sb, "%s%s%s", have, have[0] ? " " : "", perm);
		rc = db_exec(c, "UPDATE roles SET permissions = ? WHERE code = ?", "tt", sb.buf, role);
		sb_release(&sb);
		if (rc == DB_OK && verbose)
			log_info("migrate: granted %s to the role %s", perm, role);
	}
	free(have);
	if (rc == DB_OK)
		rc = db_exec(c, "INSERT INTO module_grants (permission, role_code, granted_at) VALUES (?, ?, ?)",
			     "ttI", perm, role, clock_now());
	return rc;
}

int db_grant_defaults(struct db *c, int verbose)
{
	if (db_begin(c) != DB_OK)
		return DB_ERROR;
	int rc = DB_OK;
	for (const struct module *const *m = module_registry(); *m && rc == DB_OK; m++)
		for (const struct module_perm *p = (*m)->perms; p && p->name && rc == DB_OK; p++)
			for (const char *r = p->roles ? p->roles : ""; *r && rc == DB_OK;) {
				r += strspn(r, " ");
				size_t l = strcspn(r, " ");
				if (!l)
					break;
				char *role = xstrndup(r, l);
				rc = grant_once(c, p->name, role, verbose);
				free(role);
				r += l;
			}
	if (rc != DB_OK) {
		log_error("migrate: the modules' default grants failed");
		db_rollback(c);
		return DB_ERROR;
	}
	return db_commit(c) == DB_OK ? DB_OK : DB_ERROR;
}
