/*
 * org_web.h — private to the administration pages (org_*_web.c): the handlers that
 * org_web.c lists in org_routes[], and the form and list helpers they share.
 *
 * Validation: every page declares its fields (web/form.h); units, areas and roles go through
 * the generic record pages (web/entity.c; a role adds its permission checkboxes and the
 * separation-of-duties checks through the entity's hooks), users, positions and tokens read
 * and draw their declared fields themselves. Either way a refused
 * form comes back with status 422, the message under the field and the values kept, and the
 * API answers 422 with the same field and message.
 */
#ifndef ANQUAN_ORG_WEB_H
#define ANQUAN_ORG_WEB_H

#include <stdint.h>

#include "http/http.h"
#include "web/form.h"
#include "web/html.h"


/* Limits on input length, in characters (names: 64 as the brief of the users table says). */
#define ORG_NAME_MAX 64
#define ORG_CODE_MAX 32
#define ORG_EMPNO_MAX 32
#define ORG_SEARCH_MAX 64
#define ORG_PER_PAGE 50
#define ORG_PER_PAGE_MAX 200

/* The values a request gives a list field, space-separated: the JSON member json_name (an
 * array, or one string of space-separated values), or the form's repeated form_name fields
 * when the hidden sent_name says the list was on the form (so that unticking every box is
 * told apart from leaving the list alone). NULL when the request does not set the list. */
const char *org_requested_list(struct req *r, const char *json_name, const char *form_name,
			       const char *sent_name);

void org_not_found(struct req *r);
/* End a write begun with db_begin(): rc is how the statements went; on DB_OK add the audit
 * entry and commit, then redirect to `to`; else (or when that fails) roll back and answer
 * 503, nothing stored. Returns 0 (a handler's answer). */
int org_commit_redirect(struct req *r, int rc, const char *entity, int64_t id, const char *action,
			const char *summary, const char *to);
/* 409 for a rule that refuses the change (not the input's shape): message as given. */
void org_refuse(struct req *r, const char *field, const char *message);

/* --- separation of duties (等保 2.0 三权分立, auth/auth_duty.h) --- */
/* The administrator kind of the caller's permissions. */
int org_caller_duty(struct req *r);
/* May the caller assign, reset, preview or edit an account or role of kind `target`? */
int org_may_manage(struct req *r, int target);
/* Record a refused attempt on an account or role of another kind in the audit log (its own
 * transaction: the refusal is the event). `what` says what was tried. */
void org_audit_refusal(struct req *r, const char *entity, int64_t id, const char *what, int target);
/* When the caller may not manage a target of kind `target`: audit the attempt, answer 403
 * and return 1. Otherwise return 0. */
int org_duty_refused(struct req *r, const char *entity, int64_t id, const char *what, int target);

/* The administrator kind of a permission set about to be granted (a role's permissions, or
 * the union of a person's roles), unless e is set already: when it mixes kinds, or is
 * another administrator's kind than the caller's, set e on `field` (the second also names the
 * kind and is audited as an attempt on `entity`: "what"). */
void org_check_grant(struct req *r, struct form_err *e, const char *field, const char *label,
		     const char *perms, const char *entity, const char *what);

/* --- form pieces --- */
/* Open a list field of checkboxes (<fieldset class="cls"> with its legend and the hidden
 * sent_name marker of org_requested_list()) and return the values to tick: those submitted
 * after a refusal, else the stored ones. The caller draws the boxes and closes the fieldset. */
const char *org_checks_open(struct req *r, const struct form *f, const char *cls,
			    const char *legend_key, const char *sent_name, const char *stored,
			    const char *json_name, const char *form_name);
/* <option>s for the active units in the caller's scope, indented by depth */
void org_unit_options(struct req *r, int64_t selected);
/* <option>s for users in the caller's scope (optionally within a unit's subtree) */
void org_user_options(struct req *r, int64_t selected, int64_t within_unit);
/* ?unit_id= ?role= ?active= of the user lists; active: 1, 0, -1 for all, def when absent */
void org_user_filters(struct req *r, int64_t *unit, const char **role, int *active, int def);
/* A LIKE pattern "%q%" with the wildcards in q escaped (use ESCAPE '\'). */
const char *org_like(struct req *r, const char *q);
/* Append "field: old → new; " to an audit summary when they differ. */
void org_diff(struct strbuf *sb, const char *field, const char *old, const char *new_value);
/* Is this unit active and in the caller's data scope? */
int org_unit_usable(struct req *r, int64_t unit_id);

/* --- handlers (the route table is in org_web.c) --- */
int org_units_page(struct req *r);
int org_unit_new_page(struct req *r);
int org_unit_create_post(struct req *r);
int org_unit_edit_page(struct req *r);
int org_unit_update_post(struct req *r);
int org_unit_deactivate_post(struct req *r);
int org_api_units(struct req *r);
int org_api_unit(struct req *r);
int org_api_unit_create(struct req *r);
int org_api_unit_update(struct req *r);
int org_api_unit_deactivate(struct req *r);

int org_areas_page(struct req *r);
int org_area_new_page(struct req *r);
int org_area_create_post(struct req *r);
int org_area_edit_page(struct req *r);
int org_area_update_post(struct req *r);
int org_area_deactivate_post(struct req *r);
int org_area_scan(struct req *r);
int org_api_areas(struct req *r);
int org_api_area(struct req *r);
int org_api_area_create(struct req *r);
int org_api_area_update(struct req *r);
int org_api_area_deactivate(struct req *r);

int org_users_page(struct req *r);
int org_user_new_page(struct req *r);
int org_user_create_post(struct req *r);
int org_user_edit_page(struct req *r);
int org_user_update_post(struct req *r);
int org_user_deactivate_post(struct req *r);
int org_user_reactivate_post(struct req *r);
int org_user_reset_post(struct req *r);
int org_user_unlock_post(struct req *r);
int org_api_users(struct req *r);
int org_api_user(struct req *r);
int org_api_user_create(struct req *r);
int org_api_user_update(struct req *r);
int org_api_user_deactivate(struct req *r);

int org_roles_page(struct req *r);
int org_role_new_page(struct req *r);
int org_role_create_post(struct req *r);
int org_role_edit_page(struct req *r);
int org_role_update_post(struct req *r);
int org_preview_page(struct req *r);
int org_preview_post(struct req *r);
int org_preview_exit_post(struct req *r);

int org_positions_page(struct req *r);
int org_position_create_post(struct req *r);

int org_tokens_page(struct req *r);
int org_token_create_post(struct req *r);
int org_token_revoke_post(struct req *r);

/* the units' and areas' records (org_units_web.c, org_areas_web.c), for the module table */
struct entity;
extern const struct entity unit_entity, area_entity;

#endif
