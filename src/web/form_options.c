/*
 * form_options.c — the <option>s of FORM_ID fields (web/form.h): one loop from query rows to
 * options, and the option lists many modules' forms share (units and people of the caller's
 * data scope, positions), so that a new module's form names its fields instead of copying
 * the loop and the scoped queries.
 */
#include "web/form.h"
#include "auth/auth.h"
#include "db/db.h"
#include "web/html.h"

void form_id_options(struct req *r, struct db_stmt *st, int64_t selected)
{
	while (st && db_step(st) == 1) {
		int64_t id = db_col_i64(st, 0);
		html_printf(&r->out, "<option value=\"%D\"%r>%s", id, id == selected ? " selected" : "", db_col_text(st, 1));
		for (int i = 2; i < db_col_count(st); i++)
			html_printf(&r->out, " · %s", db_col_text(st, i));
		html_printf(&r->out, "</option>");
	}
	db_done(r->db, st);
}

void form_opts_scope_units(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	form_id_options(r, db_query(r->db, "SELECT id, name FROM units WHERE path LIKE ? AND active = 1 ORDER BY path", "t",
				    auth_scope_pattern(r)), selected);
}

void form_opts_scope_users(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	form_id_options(r, db_query(r->db, "SELECT us.id, us.name, un.name FROM users us JOIN units un ON un.id = us.unit_id"
				    " WHERE us.active = 1 AND un.path LIKE ? ORDER BY un.path, us.name LIMIT 2000", "t",
				    auth_scope_pattern(r)), selected);
}

void form_opts_positions(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	form_id_options(r, db_query(r->db, "SELECT id, name FROM positions ORDER BY name LIMIT 1000", NULL), selected);
}
