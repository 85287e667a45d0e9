/*
 * module.h — the module table: what each module (hazard, cert, permit, ...) declares about
 * itself in one descriptor, and the registry through which the platform walks them.
 *
 * A module exports one `const struct module X_module` (in src/X/X_module.c) naming its
 * routes, its permissions with the default roles that get them, its menu entries, home
 * tiles and panels, scheduler jobs and demo loader. src/modules.c is the only file that
 * names every module; main() hands its list to module_registry_set() at start-up, and the
 * lower layers read it from here: the router and OpenAPI (routes), page.c (menu), home.c
 * (tiles, panels), sched.c (jobs), db_migrate (default grants), the demo, the roles editor
 * (permissions). So the platform includes no module's header, and a new module is one
 * descriptor plus one line in src/modules.c (docs/new-module.md).
 *
 * Everything here is a constant the module defines; the registry only keeps pointers and,
 * for the menu, tiles and panels, an order across modules. Types of higher layers (routes,
 * requests) are named by pointer only, so this header includes nothing.
 */
#ifndef ANQUAN_MODULE_H
#define ANQUAN_MODULE_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct req;
struct route;

/* A permission the module checks, and the default roles (codes, space-separated) that get
 * it. A grant is applied once per (permission, role), at migrate time, and recorded in
 * module_grants: an administrator who removes it later is not overruled (src/db/grants.c). */
struct module_perm {
	const char *name;	/* "hazard.view": module.action */
	const char *roles;	/* "worker team_leader", or NULL: no default role */
};

/* An entry of the main menu, shown to whoever holds any one of `perms`. */
struct module_menu {
	int order;		/* place among all modules' entries (10, 20, ...) */
	const char *href;
	const char *label;	/* catalogue key */
	const char *perms;	/* space-separated, any one; NULL: anyone signed in */
};

/* A tile on the home page: a link with a hint, or with a count before the hint. */
struct module_tile {
	int order;
	const char *href;
	const char *label;	/* catalogue keys */
	const char *hint;
	const char *perms;	/* as for the menu */
	int main;		/* the large first tile */
	int64_t (*count)(struct req *r);	/* NULL: no number */
};

/* A block on the home page under the tiles, drawn by the module for the signed-in person. */
struct module_panel {
	int order;
	void (*render)(struct req *r);
};

/* A line of the home page's "waiting for me" list: how many things wait for the signed-in
 * person to act on them (accept, rectify, approve, ...). home.c asks every module's lines,
 * keeps those with a count above zero and shows them most urgent first, so a new module adds
 * its waiting work here and the home page stays unchanged. */
struct module_todo {
	int urgency;		/* lower is more urgent: shown first */
	const char *href;
	const char *label;	/* catalogue key */
	const char *perms;	/* as for the menu */
	int64_t (*count)(struct req *r);
};

/* A scheduler job: idempotent, does its own transactions, returns how many things it acted
 * on or <0 (src/sched/sched.h). */
struct module_job {
	const char *name;
	int (*run)(struct db *c, int64_t now);
};

/* The JSON shapes of one of the module's /api/v1 routes, for the OpenAPI document: the request
 * body and the success answer as JSON Schema text (NULL: a plain object; MODULE_NO_BODY: a
 * write that takes no body, such as a deactivation). openapi.c finds a route's entry by
 * method and pattern; a route without one keeps the plain object. A request that is not JSON
 * (an upload) names its content type in the schema as "x-media": "multipart/form-data". A GET
 * has no body: its "request" object lists the query parameters it reads, one property each. */
#define MODULE_NO_BODY ""
struct module_schema {
	const char *method, *pattern;
	const char *request, *response;
};

struct entity;

struct module {
	const char *name;
	const char *migrations;		/* its number range in src/db/migrations, for readers */
	/* each list ends with a zeroed entry; NULL when the module has none */
	const struct route *routes;
	const struct module_perm *perms;
	const struct module_menu *menu;
	const struct module_tile *tiles;
	const struct module_panel *panels;
	const struct module_job *jobs;
	const struct module_todo *todo;	/* its lines of "waiting for me" */
	const struct module_schema *schemas;	/* its API's request and response shapes */
	/* its demo records, inside `anquan demo`'s transaction, after the organization */
	int (*demo_load)(struct db *c);
	/* its records served by the entity layer (web/entity.h) that have an api_path: the
	 * OpenAPI document describes their bodies from their field declarations */
	const struct entity *const *entities;
	/* Called inside check_record_store()'s transaction after a check record is stored, for
	 * every module that sets it: a module whose own job makes check tasks of its own origin
	 * (the emergency supplies' monthly checks) acts on the record there. DB_OK, else an error
	 * that rolls the record back. NULL: none. */
	int (*check_recorded)(struct db *c, int64_t task_id, int64_t record_id, int64_t at);
};

/* Set the modules (NULL-terminated) before anything walks them; returns 0, or -1 when out
 * of memory. Called again (by tests), it replaces the list. Not thread-safe: start-up only. */
int module_registry_set(const struct module *const *list);

/* The registered modules, NULL-terminated (an empty list before module_registry_set). */
const struct module *const *module_registry(void);

/* Across all modules, in `order` (ties in module order); NULL-terminated. */
const struct module_menu *const *module_menu_all(void);
const struct module_tile *const *module_tiles_all(void);
const struct module_panel *const *module_panels_all(void);

/* Every declared permission name, in module order; NULL-terminated. */
const char *const *module_permissions(void);
int module_perm_known(const char *perm);

#endif
