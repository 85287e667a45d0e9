/*
 * entity.h — generic record pages: a module declares a record's fields (web/form.h), how to
 * load one within the caller's data scope, how to store one, its JSON view and its list,
 * and gets the pages (list, new, create, show/edit, update, deactivate) and the /api/v1
 * handlers (list, get, create, update, deactivate) with one shape:
 *
 *	load (scope check: out of scope is 404; admit() may answer 403) → read declared
 *	fields → check → 422 with the form re-rendered, values kept | BEGIN → store → verify
 *	(422, rolled back) → audit entry → COMMIT (503 if any step fails, nothing stored) →
 *	redirect (page) or the stored record (API).
 *
 * The route table stays with the module (permissions are declared there, as for every
 * route); ENTITY_HANDLERS() writes the one-line handlers the table names.
 */
#ifndef ANQUAN_WEB_ENTITY_H
#define ANQUAN_WEB_ENTITY_H

#include "web/form.h"

#define ENTITY_SHOW_CREATED 1u	/* after creating, go to the new record (else to the list) */
#define ENTITY_SHOW_UPDATED 2u	/* after changing, go to the record's page (else to the list) */

struct entity {
	const char *name;		/* the audit entity: "area" */
	const char *path;		/* where its pages live: "/admin/areas" */
	const char *edit_perm;		/* who is shown the form and the buttons */
	const char *list_title, *new_title, *hint;	/* catalogue keys; hint may be NULL */
	const struct form_field *fields;
	size_t row_size;		/* the module's record struct */
	unsigned flags;
	/* The record if it lies in the caller's data scope: 0, else -1. */
	int (*load)(struct req *r, int64_t id, void *row);
	/* The stored text of each declared field, in declaration order (the form shows them, a
	 * PATCH keeps those it does not carry, the audit entry lists what changed). */
	void (*values)(struct req *r, const void *row, const char **text);
	const char *(*title)(const void *row);
	int (*active)(const void *row);
	/* Optional: the texts a new form starts with (values() of no record). */
	void (*defaults)(struct req *r, const char **text);
	/* Optional: rules beyond each field's shape (scope, uniqueness, one field needs another);
	 * report with form_fail(). cur is NULL when creating. */
	void (*check)(struct req *r, const void *cur, struct form *f);
	/* Store inside the open transaction; the record's id, or -1. */
	int64_t (*store)(struct req *r, const void *cur, const struct form *f);
	/* Optional: why this record may not be deactivated (a catalogue key), or NULL. */
	const char *(*refuse_deactivate)(struct req *r, const void *row);
	const char *deactivate_sql;	/* "UPDATE areas SET active = 0 WHERE id = ?" */
	json_t *(*json)(struct req *r, const void *row);
	/* The list page's body, and the API's items (return -1 when it answered an error). */
	void (*list_html)(struct req *r);
	int (*list_json)(struct req *r, json_t *items);
	/* Optional: markup above the form, and at the end of the record's page. */
	void (*show_head)(struct req *r, const void *row);
	void (*show_tail)(struct req *r, const void *row);
	/* Optional, for a module whose routes predate the entity: where the new form posts
	 * (else path) and what follows path/:id where the edit form posts ("/edit"; else
	 * nothing), and the status of a refused form when its tests hold it at 400 (else 422).
	 * With active NULL there is no deactivate button (the module has no such route). */
	const char *new_action, *edit_suffix;
	int invalid_status;
	const char *back_path;	/* Optional: where "back" leads when path has no list page */
	/* Optional, for records some holders of edit_perm may see listed but not touch (a role
	 * of another kind of administrator, 三权分立): after load(), refuse `action` ("edit",
	 * "update", "deactivate", "view") by answering (403, audited) and returning -1; else 0. */
	int (*admit)(struct req *r, const void *row, const char *action);
	/* Optional: the title in the request's language (instead of title(), then NULL). */
	const char *(*title_in)(struct req *r, const void *row);
	/* Optional: inputs drawn inside the form after the declared fields (a list of
	 * checkboxes whose values are not a declared field); row is NULL when creating. */
	void (*extra_inputs)(struct req *r, const void *row, const struct form *f);
	/* Optional: a rule that needs the stored record, run inside the transaction right after
	 * store() (a role's new permissions against what each holder's other roles grant):
	 * report with form_fail()/form_err_set() and the whole write rolls back (422). */
	void (*verify)(struct req *r, const void *cur, int64_t id, struct form *f);
	/* Optional: the audit summary of a stored write (else each declared field's change);
	 * id is the stored record, readable inside the transaction. */
	void (*summary)(struct req *r, const void *cur, int64_t id, const struct form *f,
			struct strbuf *sum);
	/* Optional: where ENTITY_API_ROUTES serves it ("/api/v1/areas"); with the entity listed
	 * in its module's .entities, the OpenAPI document's request and response schemas of
	 * those routes come from .fields (web/entity_schema.c) */
	const char *api_path;
};

int entity_list_page(struct req *r, const struct entity *e);
int entity_new_page(struct req *r, const struct entity *e);
int entity_create_post(struct req *r, const struct entity *e);
int entity_edit_page(struct req *r, const struct entity *e);
int entity_update_post(struct req *r, const struct entity *e);
/* The record's page again (status, the refusal msg above its forms, naming field) after a
 * refused write of one of the forms its show_tail draws; the tail keeps what was typed. */
int entity_show_refused(struct req *r, const struct entity *e, int status, const char *field, const char *msg);
int entity_deactivate_post(struct req *r, const struct entity *e);
int entity_api_list(struct req *r, const struct entity *e);
int entity_api_get(struct req *r, const struct entity *e);
int entity_api_create(struct req *r, const struct entity *e);
int entity_api_update(struct req *r, const struct entity *e);
int entity_api_deactivate(struct req *r, const struct entity *e);

/* A load() for the common case: sql selects one record and binds the id, then the caller's
 * scope pattern (auth_scope_pattern); from_row fills row from the statement. 0, else -1. */
struct db_stmt;
int entity_load_scoped(struct req *r, const char *sql, int64_t id,
		       void (*from_row)(struct req *r, struct db_stmt *st, void *row), void *row);

/* A list_json() for the common case: each row of st, read into row by from_row, appended
 * to items as json() draws it; finishes st. Returns 0. */
int entity_json_rows(struct req *r, struct db_stmt *st,
		     void (*from_row)(struct req *r, struct db_stmt *st, void *row), void *row,
		     json_t *(*json)(struct req *r, const void *row), json_t *items);

/* 404 in the caller's language (also for a record outside the caller's scope). */
void entity_not_found(struct req *r);

/* An optional reference (0: none) as a form value ("" for none, in the request's arena) and
 * as JSON (null for none): what to_text() and json() write for FORM_ID fields. */
const char *entity_id_text(struct req *r, int64_t id);
json_t *entity_id_json(int64_t id);

/* The route rows of an entity's pages and of its /api/v1 handlers, in a module's route table:
 * `what` names the record in each summary ("Area"), the permissions are given per use (who
 * lists and views, who may open a record's page, who changes). */
#define ENTITY_PAGE_ROUTES(path, view_perm, show_perm, admin_perm, what, list, new_, create, edit, \
			   update, deact)                                                     \
	{"GET", path, list, view_perm, 0, what "s: the list"},                                \
	{"GET", path "/new", new_, admin_perm, 0, what ": the form for a new one"},             \
	{"POST", path, create, admin_perm, 0, what ": create"},                               \
	{"GET", path "/:id", edit, show_perm, 0, what ": one, and its form for " admin_perm},  \
	{"POST", path "/:id", update, admin_perm, 0, what ": save"},                          \
	{"POST", path "/:id/deactivate", deact, admin_perm, 0, what ": deactivate"}
#define ENTITY_API_ROUTES(path, view_perm, admin_perm, what, list, get, create, update, deact)  \
	{"GET", path, list, view_perm, ROUTE_API | ROUTE_PAGED, what "s in the caller's scope"}, \
	{"GET", path "/:id", get, view_perm, ROUTE_API, what ": one"},                         \
	{"POST", path, create, admin_perm, ROUTE_API, what ": create"},                       \
	{"PATCH", path "/:id", update, admin_perm, ROUTE_API, what ": change"},               \
	{"POST", path "/:id/deactivate", deact, admin_perm, ROUTE_API | ROUTE_NO_BODY, what ": deactivate"}

/* The handlers a route table names, each passing the entity on. */
#define ENTITY_HANDLERS(ent, list, new_, create, edit, update, deact, api_list, api_get,   \
			api_create, api_update, api_deact)                                 \
	int list(struct req *r) { return entity_list_page(r, &(ent)); }                    \
	int new_(struct req *r) { return entity_new_page(r, &(ent)); }                     \
	int create(struct req *r) { return entity_create_post(r, &(ent)); }                \
	int edit(struct req *r) { return entity_edit_page(r, &(ent)); }                    \
	int update(struct req *r) { return entity_update_post(r, &(ent)); }                \
	int deact(struct req *r) { return entity_deactivate_post(r, &(ent)); }             \
	int api_list(struct req *r) { return entity_api_list(r, &(ent)); }                 \
	int api_get(struct req *r) { return entity_api_get(r, &(ent)); }                   \
	int api_create(struct req *r) { return entity_api_create(r, &(ent)); }             \
	int api_update(struct req *r) { return entity_api_update(r, &(ent)); }             \
	int api_deact(struct req *r) { return entity_api_deactivate(r, &(ent)); }

#endif
