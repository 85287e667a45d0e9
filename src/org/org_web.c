/*
 * org_web.c — the administration area's front door and route table: the /admin landing
 * page, positions, and org_routes[], which lists the handlers of org_units_web.c,
 * org_areas_web.c, org_users_web.c, org_roles_web.c and org_tokens_web.c.
 *
 * Permissions: org.view / org.admin for units, areas and positions; user.view / user.admin
 * for people; role.admin for roles and the preview; token.admin for one's API tokens. The
 * three administrators of 等保 2.0 (三权分立, auth/auth_duty.h) split them: the system
 * administrator holds org.admin and user.admin, the security administrator role.admin, and the
 * auditor only audit.read, so the auditor is refused everything here; the handlers refuse
 * an account or role of another administrator kind.
 */
#include "org/org.h"
#include "org/org_web.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "db/db.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"

#include <string.h>

struct admin_link {
	const char *href, *label, *hint, *perm;
};

static const struct admin_link admin_links[] = {
	{"/admin/units", "org.units", "org.units_hint", "org.view"},
	{"/admin/areas", "org.areas", "org.areas_hint", "org.view"},
	{"/admin/positions", "org.positions", "org.positions_hint", "org.view"},
	{"/admin/users", "org.users", "org.users_hint", "user.view"},
	{"/admin/roles", "org.roles", "org.roles_hint", "role.admin"},
	{"/admin/preview", "org.preview", "org.preview_hint", "role.admin"},
	{"/admin/tokens", "org.tokens", "org.tokens_hint", "token.admin"},
	{"/admin/feeds/hr", "feeds.hr.title", "feeds.hr.admin_hint", "feeds.hr"},
	{"/admin/feeds/eam", "feeds.eam.title", "feeds.eam.admin_hint", "feeds.eam"},
	{NULL, NULL, NULL, NULL},
};

/* GET /admin — links to what the caller may use; 403 when that is nothing. */
static int admin_page(struct req *r)
{
	int any = 0;
	for (const struct admin_link *l = admin_links; l->href; l++)
		any |= auth_has(r, l->perm);
	if (!any) {
		resp_error(r, 403, "forbidden", T(r, "error.forbidden"), NULL);
		return 0;
	}
	page_begin(r, T(r, "nav.admin"));
	html_printf(&r->out, "<section class=\"hello\"><h1>%s</h1></section><section class=\"tiles\">",
		    T(r, "nav.admin"));
	for (const struct admin_link *l = admin_links; l->href; l++)
		if (auth_has(r, l->perm))
			html_printf(&r->out, "<a class=\"tile\" href=\"%s\"><strong>%s</strong><span>%s</span></a>",
				    l->href, T(r, l->label), T(r, l->hint));
	html_printf(&r->out, "</section>");
	page_end(r);
	return 0;
}

static const struct form_field position_fields[] = {
	{"name", "org.position_name", FORM_TEXT, FORM_REQUIRED, .max = ORG_NAME_MAX},
	{0},
};

static void positions_page(struct req *r, const struct form *f)
{
	page_begin(r, T(r, "org.positions"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><ul class=\"list\">", T(r, "org.positions"));
	struct db_stmt *st = db_query(r->db,
		"SELECT p.name, (SELECT count(*) FROM users u WHERE u.position_id = p.id AND u.active = 1)"
		" FROM positions p ORDER BY p.name", NULL);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<li>%s <small>%D %s</small></li>", db_col_text(st, 0),
			    db_col_i64(st, 1), T(r, "org.people"));
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
	if (auth_has(r, "org.admin")) {
		html_printf(&r->out, "<h2>%s</h2>", T(r, "org.position_new"));
		if (form_failed(f))
			page_notice(r, "error", f->err.msg);
		html_printf(&r->out, "<form method=\"post\" action=\"/admin/positions\" class=\"stack\">%r", page_csrf(r));
		form_render_fields(r, f);
		html_printf(&r->out, "<button class=\"primary\">%s</button></form>", T(r, "form.save"));
	}
	html_printf(&r->out, "</section>");
	page_end(r);
}

int org_positions_page(struct req *r)
{
	struct form f;
	form_init(r, &f, position_fields, NULL, NULL);
	positions_page(r, &f);
	return 0;
}

int org_position_create_post(struct req *r)
{
	struct form f;
	int64_t n = 0;
	form_read(r, &f, position_fields, NULL, NULL);
	const char *name = f.v[0].text;
	if (!form_failed(&f) && db_get_i64(r->db, &n, "SELECT count(*) FROM positions WHERE name = ?", "t", name) == 1 && n)
		form_fail(r, &f, "name", "org.err_taken");
	if (form_failed(&f)) {
		r->status = FORM_STATUS_INVALID;
		positions_page(r, &f);
		return 0;
	}
	int rc = db_begin(r->db);
	if (rc == DB_OK)
		rc = db_exec(r->db, "INSERT INTO positions (name) VALUES (?)", "t", name);
	return org_commit_redirect(r, rc, "position", db_last_id(r->db), "create", name, "/admin/positions");
}

const struct route org_routes[] = {
	{"GET", "/admin", admin_page, NULL, 0, "Administration: links to what the caller may manage"},

	ENTITY_PAGE_ROUTES("/admin/units", "org.view", "org.admin", "org.admin", "Unit", org_units_page,
			   org_unit_new_page, org_unit_create_post, org_unit_edit_page,
			   org_unit_update_post, org_unit_deactivate_post),
	ENTITY_PAGE_ROUTES("/admin/areas", "org.view", "org.view", "org.admin", "Area", org_areas_page,
			   org_area_new_page, org_area_create_post, org_area_edit_page,
			   org_area_update_post, org_area_deactivate_post),
	{"GET", "/a/:token", org_area_scan, NULL, 0, "Scanned area QR code: on to the hazard report form"},

	{"GET", "/admin/positions", org_positions_page, "org.view", 0, "Positions"},
	{"POST", "/admin/positions", org_position_create_post, "org.admin", 0, "Create a position"},

	ENTITY_PAGE_ROUTES("/admin/users", "user.view", "user.admin", "user.admin", "User", org_users_page,
			   org_user_new_page, org_user_create_post, org_user_edit_page,
			   org_user_update_post, org_user_deactivate_post),
	{"POST", "/admin/users/:id/reactivate", org_user_reactivate_post, "user.admin", 0, "Reactivate a user"},
	{"POST", "/admin/users/:id/reset-password", org_user_reset_post, "user.admin", 0,
	 "New initial password, shown once; must be changed at sign-in"},
	{"POST", "/admin/users/:id/unlock", org_user_unlock_post, "user.admin", 0, "Unlock a locked account"},

	{"GET", "/admin/roles", org_roles_page, "role.admin", 0, "Roles"},
	{"GET", "/admin/roles/new", org_role_new_page, "role.admin", 0, "New role form"},
	{"POST", "/admin/roles", org_role_create_post, "role.admin", 0, "Create a role"},
	{"GET", "/admin/roles/:id", org_role_edit_page, "role.admin", 0, "Edit a role"},
	{"POST", "/admin/roles/:id", org_role_update_post, "role.admin", 0,
	 "Save a role's permissions and scope (三权分立 enforced)"},
	{"GET", "/admin/preview", org_preview_page, "role.admin", 0, "Role preview: pick a role and unit"},
	{"POST", "/admin/preview", org_preview_post, "role.admin", 0, "Start a read-only role preview"},
	{"POST", "/admin/preview/exit", org_preview_exit_post, NULL, ROUTE_PREVIEW_OK, "Leave the role preview"},

	{"GET", "/admin/tokens", org_tokens_page, "token.admin", 0, "API tokens"},
	{"POST", "/admin/tokens", org_token_create_post, "token.admin", 0, "Create an API token; shown once"},
	{"POST", "/admin/tokens/:id/revoke", org_token_revoke_post, "token.admin", 0, "Revoke an API token"},

	ENTITY_API_ROUTES("/api/v1/units", "org.view", "org.admin", "Unit", org_api_units, org_api_unit,
			  org_api_unit_create, org_api_unit_update, org_api_unit_deactivate),
	ENTITY_API_ROUTES("/api/v1/areas", "org.view", "org.admin", "Area", org_api_areas, org_api_area,
			  org_api_area_create, org_api_area_update, org_api_area_deactivate),
	{"GET", "/api/v1/users", org_api_users, "user.view", ROUTE_API | ROUTE_PAGED,
	 "People in the caller's scope; ?page=&per_page=&unit_id=&role=&active=&q="},
	{"GET", "/api/v1/users/:id", org_api_user, "user.view", ROUTE_API, "One person"},
	{"POST", "/api/v1/users", org_api_user_create, "user.admin", ROUTE_API,
	 "Create a user; answers initial_password once"},
	{"PATCH", "/api/v1/users/:id", org_api_user_update, "user.admin", ROUTE_API, "Change a user"},
	{"POST", "/api/v1/users/:id/deactivate", org_api_user_deactivate, "user.admin", ROUTE_API,
	 "Deactivate a user and end their sessions"},
	{0},
};
