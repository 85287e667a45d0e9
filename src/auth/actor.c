/*
 * actor.c — building an actor from a request or for the program itself, and the permission,
 * scope and audit questions domain code asks of it (actor.h).
 */
#include "auth/actor.h"
#include "audit/audit.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "http/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void actor_from_req(struct req *r, struct actor *a)
{
	const struct identity *w = r->who;
	*a = (struct actor){
		.db = r->db,
		.ip = r->client_ip ? r->client_ip : "",
		.lang = r->lang ? r->lang : "zh",
		.now = clock_now(),
		.username = "",
	};
	if (!w)
		return;
	a->user_id = w->user_id;
	a->username = w->username ? w->username : "";
	a->unit_id = w->unit_id;
	a->unit_path = w->unit_path;
	a->perms = w->perms;
	a->scope = w->scope;
	a->scope_pattern = w->scope_pattern;
	a->preview = w->preview;
}

void actor_system(struct db *c, const char *name, struct actor *a)
{
	*a = (struct actor){
		.db = c,
		.username = name,
		.ip = "local",
		.system = 1,
		.scope = "company",
		.scope_pattern = "%",
		.lang = cfg.lang && !strcmp(cfg.lang, "en") ? "en" : "zh",	/* the plant's language */
		.now = clock_now(),
	};
}

int actor_perms_has(const char *perms, const char *perm)
{
	if (!perms)
		return 0;
	size_t n = strlen(perm);
	for (const char *p = strstr(perms, perm); p; p = strstr(p + 1, perm))
		if (p > perms && p[-1] == ' ' && p[n] == ' ')
			return 1;
	return 0;
}

int actor_has(const struct actor *a, const char *perm)
{
	return a->system || actor_perms_has(a->perms, perm);
}

int actor_user_has(struct db *c, int64_t user_id, const char *perm)
{
	if (user_id <= 0)
		return 0;
	/* the same test as on a signed-in person's list (actor_perms_has), role by role */
	struct db_stmt *st = db_query(c, "SELECT ro.permissions FROM user_roles ur JOIN roles ro ON ro.id = ur.role_id"
				       " JOIN users u ON u.id = ur.user_id WHERE ur.user_id = ? AND u.active = 1",
				    "I", user_id);
	int has = 0;
	while (!has && st && db_step(st) == 1) {
		const char *t = db_col_text(st, 0);
		size_t n = strlen(t);
		char *padded = malloc(n + 3);
		if (!padded)
			break;
		padded[0] = ' ';
		for (size_t i = 0; i < n; i++)
			padded[i + 1] = (t[i] == '\t' || t[i] == '\n' || t[i] == '\r') ? ' ' : t[i];
		padded[n + 1] = ' ';
		padded[n + 2] = 0;
		has = actor_perms_has(padded, perm);
		free(padded);
	}
	db_done(c, st);
	return has;
}

int actor_scope_allows(const struct actor *a, int64_t unit_id, int64_t owner_id)
{
	if (a->system)
		return 1;
	if (!a->user_id || !a->scope)
		return 0;
	if (!strcmp(a->scope, "own"))
		return owner_id == a->user_id;
	int64_t ok = 0;
	db_get_i64(a->db, &ok, "SELECT count(*) FROM units WHERE id = ? AND path LIKE ?", "It", unit_id,
		   a->scope_pattern);
	return ok > 0;
}

char *actor_pattern_of(struct db *c, const char *scope, const char *unit_path)
{
	const char *path = unit_path ? unit_path : "";
	struct strbuf sb = STRBUF_INIT;
	if (!scope)
		return xstrdup("");
	if (!strcmp(scope, "own"))
		return xstrdup("%");
	if (!strcmp(scope, "unit"))
		return xstrdup(path);
	if (!strcmp(scope, "subtree")) {
		sb_addf(&sb, "%s%%", path);
		return sb_detach(&sb, NULL);
	}
	if (strcmp(scope, "company"))
		return xstrdup("");
	/* the nearest company at or above the unit: its own path, then each ancestor's (a path
	 * is "/1/2/3/", its ancestors' "/1/2/" and "/1/"), one probe of units_path each. This
	 * runs on every signed-in request; a scan of the units for the longest company path
	 * that prefixes this one was a twentieth of a hazard list's CPU at a plant group's size. */
	char prefix[256];
	size_t len = strlen(path);
	char *company = NULL;
	if (len >= sizeof(prefix))	/* deeper than any real tree: the scan, as it was */
		db_get_text(c, &company, "SELECT path FROM units WHERE kind = 'company' AND ? LIKE path || '%'"
					 " ORDER BY length(path) DESC LIMIT 1", "t", path);
	while (!company && len > 1 && len < sizeof(prefix)) {
		memcpy(prefix, path, len);
		prefix[len] = 0;
		int64_t found = 0;
		if (db_get_i64(c, &found, "SELECT 1 FROM units WHERE path = ? AND kind = 'company'", "t", prefix) == 1 &&
		    found)
			company = xstrdup(prefix);
		len--;	/* back to the "/" that ends the parent's path */
		while (len > 0 && path[len - 1] != '/')
			len--;
	}
	if (company) {
		sb_addf(&sb, "%s%%", company);
		free(company);
		return sb_detach(&sb, NULL);
	}
	const char *second = *path ? strchr(path + 1, '/') : NULL;	/* the root of the path: "/1/" */
	if (!second)
		return xstrdup("%");
	sb_addf(&sb, "%.*s%%", (int)(second - path + 1), path);
	return sb_detach(&sb, NULL);
}

const char *actor_units_pattern(const struct actor *a)
{
	if (a->system)
		return "%";
	return a->scope_pattern ? a->scope_pattern : "";
}

int64_t actor_scope_owner(const struct actor *a)
{
	return !a->system && a->scope && !strcmp(a->scope, "own") ? a->user_id : 0;
}

int64_t actor_scope_root(const struct actor *a)
{
	const char *pat = actor_units_pattern(a);
	size_t n = strlen(pat);
	int64_t id = 0;
	if (n > 1 && pat[n - 1] == '%') {
		char *path = strndup(pat, n - 1);
		if (path)
			db_get_i64(a->db, &id, "SELECT id FROM units WHERE path = ?", "t", path);
		free(path);
	}
	return id ? id : a->unit_id;
}

static int scope_rank(const char *s)
{
	if (!s)
		return -1;
	if (!strcmp(s, "company"))
		return 3;
	if (!strcmp(s, "subtree"))
		return 2;
	if (!strcmp(s, "unit"))
		return 1;
	return 0;
}

char *actor_company_pattern(const struct actor *a)
{
	if (a->system || scope_rank(a->scope) >= scope_rank("company"))
		return xstrdup(actor_units_pattern(a));
	if (!a->user_id)
		return xstrdup("");
	return actor_pattern_of(a->db, "company", a->unit_path);
}

int actor_audit(const struct actor *a, const char *entity, int64_t entity_id, const char *action,
		const char *summary)
{
	struct audit_actor who = {a->user_id, a->username ? a->username : "", a->ip};
	return audit_append(a->db, &who, entity, entity_id, action, summary);
}
