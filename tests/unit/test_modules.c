/*
 * test_modules.c — the module table (base/module.h, src/modules.c): every permission a
 * route, menu entry or home tile asks for is declared by some module, every label is in the
 * catalogue, the descriptors' default grants are exactly the default roles of a new
 * installation, and a default grant is made once, so that a permission an administrator
 * removed is not granted again at the next upgrade.
 */
#include "unit.h"
#include "base/module.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "http/http.h"
#include "modules.h"
#include "org/org.h"
#include "web/i18n.h"

#include <stdlib.h>

/* Each space-separated word of `list` must be a declared permission. */
static void check_perms_known(const char *where, const char *list)
{
	char *copy = xstrdup(list), *save = NULL;
	for (char *p = strtok_r(copy, " ", &save); p; p = strtok_r(NULL, " ", &save))
		if (!module_perm_known(p)) {
			char m[256];
			snprintf(m, sizeof(m), "%s asks for %s, which no module declares", where, p);
			unit_fail(__FILE__, __LINE__, m);
		}
	free(copy);
}

TEST(module_routes_ask_for_declared_permissions)
{
	int routes = 0, modules = 0;
	for (const struct module *const *m = module_registry(); *m; m++, modules++)
		for (const struct route *rt = (*m)->routes; rt && rt->pattern; rt++, routes++)
			if (rt->perm) {
				char where[200];
				snprintf(where, sizeof(where), "%s %s (%s)", rt->method, rt->pattern, (*m)->name);
				check_perms_known(where, rt->perm);
			}
	CHECK_INT(modules, 25);
	CHECK(routes > 100);
	/* the router walks the same tables */
	int tables = 0;
	while (http_route_table(tables))
		tables++;
	CHECK_INT(tables, modules);
}

TEST(module_permissions_are_unique_and_described)
{
	const char *const *all = module_permissions();
	int n = 0;
	for (; all[n]; n++) {
		CHECK(strchr(all[n], '.') != NULL);	/* module.action */
		for (int k = 0; k < n; k++)
			CHECK(strcmp(all[k], all[n]) != 0);
		char key[96];
		snprintf(key, sizeof(key), "perm.%s", all[n]);
		if (!i18n_has(key)) {
			char m[160];
			snprintf(m, sizeof(m), "no catalogue entry %s", key);
			unit_fail(__FILE__, __LINE__, m);
		}
	}
	CHECK_INT(n, 65);
	CHECK(org_perm_known("hazard.view"));
	CHECK(!org_perm_known("hazard.fly"));
}

TEST(module_menu_and_tiles_in_their_order_with_known_permissions)
{
	struct strbuf hrefs = STRBUF_INIT;
	for (const struct module_menu *const *e = module_menu_all(); *e; e++) {
		sb_addf(&hrefs, "%s ", (*e)->href);
		CHECK(i18n_has((*e)->label));
		if ((*e)->perms)
			check_perms_known((*e)->href, (*e)->perms);
	}
	/* the menu a plant has always had */
	CHECK_STR(hrefs.buf, "/ /hazards/new /checks /hazards /incidents /permits /risk /checks/missed /certs /train /ppe /equipment /sensors /contractors /emerg /duties /dashboard /inbox /admin /audit ");
	sb_reset(&hrefs);
	for (const struct module_tile *const *t = module_tiles_all(); *t; t++) {
		sb_addf(&hrefs, "%s ", (*t)->href);
		CHECK(i18n_has((*t)->label));
		CHECK(i18n_has((*t)->hint));
		if ((*t)->perms)
			check_perms_known((*t)->href, (*t)->perms);
	}
	CHECK_STR(hrefs.buf, "/hazards/new /hazards?mine=1&status=open /inbox /admin /audit /admin/notify /admin/province ");
	sb_release(&hrefs);
	int panels = 0;
	for (const struct module_panel *const *p = module_panels_all(); *p; p++)
		panels++;
	CHECK_INT(panels, 3);
	/* the scheduler's jobs, in the order they always ran; the outbox sender delivers what
	 * was queued before this run (the jobs after it queue for the next, 2 s later); retention: auth_retention.c */
	struct strbuf jobs = STRBUF_INIT;
	for (const struct module *const *m = module_registry(); *m; m++)
		for (const struct module_job *j = (*m)->jobs; j && j->name; j++)
			sb_addf(&jobs, "%s ", j->name);
	CHECK_STR(jobs.buf, "sessions retention notify hazards certs equipment permits risk check train accident ppe duty contractors emerg sensors province feeds ");
	sb_release(&jobs);
}

/* The permissions of the role `code`, or NULL; malloc'd. */
static char *role_perms(struct db *c, const char *code)
{
	char *perms = NULL;
	if (db_get_text(c, &perms, "SELECT permissions FROM roles WHERE code = ?", "t", code) != 1)
		return NULL;
	return perms;
}

static int has_word(const char *list, const char *word)
{
	return list && org_perms_has(list, word);
}

TEST(module_default_grants_are_the_default_roles)
{
	struct db *c = unit_db();
	int pairs = 0;
	/* every grant a descriptor declares is in its role, and recorded as done */
	for (const struct module *const *m = module_registry(); *m; m++)
		for (const struct module_perm *p = (*m)->perms; p && p->name; p++) {
			char *roles = xstrdup(p->roles ? p->roles : ""), *save = NULL;
			for (char *r = strtok_r(roles, " ", &save); r; r = strtok_r(NULL, " ", &save)) {
				char *have = role_perms(c, r);
				int64_t done = 0;
				db_get_i64(c, &done, "SELECT count(*) FROM module_grants WHERE permission = ?"
						     " AND role_code = ?", "tt", p->name, r);
				if (!have || !has_word(have, p->name) || done != 1) {
					char msg[200];
					snprintf(msg, sizeof(msg), "%s for role %s: %s", p->name, r,
						 !have ? "no such role" : done != 1 ? "not recorded" : "not granted");
					unit_fail(__FILE__, __LINE__, msg);
				}
				free(have);
				pairs++;
			}
			free(roles);
		}
	/* and the default roles hold nothing the descriptors do not declare for them */
	int64_t held = 0, recorded = 0;
	struct db_stmt *st = db_query(c, "SELECT permissions FROM roles WHERE builtin = 1", NULL);
	while (st && db_step(st) == 1) {
		char *copy = xstrdup(db_col_text(st, 0)), *save = NULL;
		for (char *p = strtok_r(copy, " ", &save); p; p = strtok_r(NULL, " ", &save))
			held++;
		free(copy);
	}
	db_done(c, st);
	db_get_i64(c, &recorded, "SELECT count(*) FROM module_grants", NULL);
	CHECK_INT(held, pairs);
	CHECK_INT(recorded, pairs);
	db_close(c);
}

/* A module added later, with a permission for two default roles. */
static const struct module_perm later_perms[] = {
	{"later.view", "worker hr"},
	{"later.admin", NULL},
	{0},
};
static const struct module later_module = {.name = "later", .perms = later_perms};

TEST(module_default_grant_is_made_once)
{
	/* an installation that exists before the module does */
	struct db *c = unit_db();
	char *w = role_perms(c, "worker");
	CHECK(!has_word(w, "later.view"));
	free(w);

	/* the upgrade that brings the module grants its permission to the named roles */
	const struct module *with_later[64];
	int n = 0;
	for (const struct module *const *m = anquan_modules; *m && n < 62; m++)
		with_later[n++] = *m;
	with_later[n++] = &later_module;
	with_later[n] = NULL;
	CHECK(module_registry_set(with_later) == 0);
	CHECK(db_migrate(c, 0) == DB_OK);
	char *worker = role_perms(c, "worker"), *hr = role_perms(c, "hr"), *aud = role_perms(c, "auditor");
	CHECK(has_word(worker, "later.view"));
	CHECK(has_word(worker, "hazard.report"));	/* and keeps what it had */
	CHECK(has_word(hr, "later.view"));
	CHECK(!has_word(aud, "later.view"));
	CHECK(!has_word(worker, "later.admin"));
	free(worker), free(hr), free(aud);

	/* an administrator takes it from the worker; the next upgrade does not give it back */
	CHECK(db_exec(c, "UPDATE roles SET permissions = 'hazard.report hazard.view' WHERE code = 'worker'",
		      NULL) == DB_OK);
	CHECK(db_migrate(c, 0) == DB_OK);
	CHECK(db_migrate(c, 0) == DB_OK);
	worker = role_perms(c, "worker");
	CHECK_STR(worker, "hazard.report hazard.view");
	free(worker);
	int64_t rows = 0;
	db_get_i64(c, &rows, "SELECT count(*) FROM module_grants WHERE permission = 'later.view'", NULL);
	CHECK_INT(rows, 2);

	CHECK(modules_register() == 0);
	db_close(c);
}
