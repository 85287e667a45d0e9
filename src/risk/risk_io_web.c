/*
 * risk_io_web.c — importing the 风险分级管控清单 (GET/POST /risk/import, POST
 * /api/v1/risk/import): the upload form with the target unit, a dry run that names each bad
 * row and column and what would be created, and the commit, all rows or none
 * (risk_import.c). The export is risk_export.c.
 */
#include "risk/risk.h"
#include "risk/risk_web.h"
#include "auth/actor.h"
#include "auth/auth.h"
#include "db/db.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

static void import_form(struct req *r, int64_t unit)
{
	html_printf(&r->out, "<form method=\"post\" action=\"/risk/import\" enctype=\"multipart/form-data\" class=\"stack\">%r"
			     "<label>%s<select name=\"unit_id\" required>", page_csrf(r), T(r, "risk.import.unit"));
	struct db_stmt *st = db_query(r->db, "SELECT id, name FROM units WHERE path LIKE ? AND active = 1 ORDER BY path", "t",
				    auth_scope_pattern(r));
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<option value=\"%D\"%r>%s</option>", db_col_i64(st, 0), db_col_i64(st, 0) == unit ? " selected" : "",
			    db_col_text(st, 1));
	db_done(r->db, st);
	html_printf(&r->out, "</select></label><label>%s<input type=\"file\" name=\"file\" required accept=\".xlsx,.csv\"></label>"
			     "<p class=\"hint\">%s</p><p class=\"actions\"><button name=\"dry_run\" value=\"1\">%s</button> "
			     "<button class=\"primary\" name=\"dry_run\" value=\"0\">%s</button></p></form>",
		    T(r, "risk.import.file"), T(r, "risk.import.hint"), T(r, "risk.import.dry_run"), T(r, "risk.import.commit"));
}

int risk_import_page(struct req *r)
{
	page_begin(r, T(r, "risk.import"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1>", T(r, "risk.import"));
	import_form(r, 0);
	html_printf(&r->out, "<p><a href=\"/risk/export.xlsx\">%s (XLSX)</a> · <a href=\"/risk/export.csv\">%s (CSV)</a></p></section>",
		    T(r, "risk.export"), T(r, "risk.export"));
	page_end(r);
	return 0;
}

static const char *message(struct req *r, const struct risk_import_error *e)
{
	return *e->field ? arena_printf(&r->arena, "%s: %s", e->field, T(r, e->key)) : T(r, e->key);
}

int risk_import_post(struct req *r)
{
	struct upload *u = req_upload(r, "file");
	const char *uid = req_field(r, "unit_id"), *dry = req_field(r, "dry_run");
	int64_t unit = uid ? strtoll(uid, NULL, 10) : 0;
	if (unit <= 0 || !auth_scope_allows(r, unit, -1)) {
		resp_error(r, 422, "invalid", arena_printf(&r->arena, "unit_id: %s", T(r, "form.err_choice")), "unit_id");
		return 0;
	}
	if (!u || !u->data.len) {
		resp_error(r, 422, "invalid", arena_printf(&r->arena, "file: %s", T(r, "form.err_required")), "file");
		return 0;
	}
	int dry_run = !dry || strcmp(dry, "0");	/* only an explicit 0 commits */
	struct actor a;
	actor_from_req(r, &a);
	struct risk_import_report rep;
	int rc = risk_import(&a, u->data.buf, u->data.len, unit, dry_run, &rep);
	if (rc == -2) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	int shown = rep.nerrors < 50 ? rep.nerrors : 50;
	if (r->is_api) {
		json_t *errs = json_array();
		for (int i = 0; i < shown; i++)
			json_array_append_new(errs, json_pack("{s:i, s:s, s:s, s:s}", "row", rep.errors[i].row, "field",
				rep.errors[i].field, "code", rep.errors[i].key, "message", message(r, &rep.errors[i])));
		json_t *o = json_pack("{s:b, s:b, s:i, s:i, s:i, s:i, s:i, s:i, s:o}", "dry_run", dry_run, "committed",
				      rc == 0 && !dry_run, "rows", rep.rows, "objects", rep.objects, "units", rep.units, "events",
				      rep.events, "measures", rep.measures, "error_count", rep.nerrors, "errors", errs);
		/* every API error carries {"error": …} (the OpenAPI document's one Error shape): the
		 * first problem, with every row's problems listed beside it */
		if (rc && rep.nerrors)
			json_object_set_new(o, "error", json_pack("{s:s, s:s, s:s?}", "code", rep.errors[0].key, "message",
								 message(r, &rep.errors[0]), "field",
								 *rep.errors[0].field ? rep.errors[0].field : NULL));
		else if (rc)
			json_object_set_new(o, "error", json_pack("{s:s, s:s, s:s}", "code", "risk.import.err_header",
								 "message", T(r, "risk.import.err_header"), "field", "file"));
		resp_json(r, rc == 0 ? 200 : rc == -1 ? 400 : 422, o);
		return 0;
	}
	if (rc)
		r->status = rc == -1 ? 400 : 422;
	page_begin(r, T(r, "risk.import"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1>", T(r, "risk.import"));
	if (rc == 0)
		html_printf(&r->out, "<p class=\"notice ok\" data-committed=\"%d\">%s</p>", !dry_run,
			    T(r, dry_run ? "risk.import.dry_ok" : "risk.import.done"));
	html_printf(&r->out, "<p class=\"import-counts\">%s <strong data-rows=\"%d\">%d</strong> · %s %d · %s %d · %s %d · %s %d</p>",
		    T(r, "risk.import.rows"), rep.rows, rep.rows, T(r, "risk.objects"), rep.objects, T(r, "risk.units"), rep.units,
		    T(r, "risk.events"), rep.events, T(r, "risk.measures"), rep.measures);
	if (shown) {
		html_printf(&r->out, "<div class=\"table-wrap\"><table class=\"import-problems\"><thead><tr><th>%s</th><th>%s</th>"
				     "<th>%s</th></tr></thead><tbody>", T(r, "risk.import.row"), T(r, "risk.import.column"),
			    T(r, "risk.import.problem"));
		for (int i = 0; i < shown; i++)
			html_printf(&r->out, "<tr data-row=\"%d\" data-field=\"%s\"><td>%d</td><td>%s</td><td>%s</td></tr>", rep.errors[i].row,
				    rep.errors[i].field, rep.errors[i].row, rep.errors[i].field, T(r, rep.errors[i].key));
		html_printf(&r->out, "</tbody></table></div>");
	}
	if (rc || dry_run)
		import_form(r, unit);
	else
		html_printf(&r->out, "<p><a href=\"/risk?unit_id=%D\">%s</a></p>", unit, T(r, "risk.register"));
	html_printf(&r->out, "</section>");
	page_end(r);
	return 0;
}
