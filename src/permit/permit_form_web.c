/*
 * permit_form_web.c — the permit application form, drawn from values: empty for a new
 * application, the request's values after a refusal (status 422, the message under the field
 * it names, with the field's label), or the stored draft when the applicant edits it
 * (GET /permits/:id/edit, saved by POST /permits/:id through permit_save_application).
 *
 * Values are read through a struct permit_input (the same reader the store uses), so the
 * form and the store name every field alike: what is sent back is what was submitted.
 */
#include "permit/permit.h"
#include "auth/actor.h"
#include "base/clock.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "http/static.h"
#include "web/form.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the value of field `name`, "" when absent or when the form is fresh */
static const char *val(const struct permit_input *v, const char *name)
{
	const char *s = v ? v->field(v->ctx, name) : NULL;
	return s ? s : "";
}

static int on(const struct permit_input *v, const char *name)
{
	const char *s = val(v, name);
	return !strcmp(s, "1") || !strcmp(s, "on") || !strcmp(s, "true");
}

static int64_t id_of(const struct permit_input *v, const char *name)
{
	return strtoll(val(v, name), NULL, 10);
}

static const char *local_input(struct req *r, int64_t t)
{
	char buf[32];
	clock_format(t, "%Y-%m-%dT%H:%M", buf, sizeof(buf));
	return arena_strdup(&r->arena, buf);
}

/* the label of the field an error names; where it is shown (worker_3 under the workers) */
static const struct {
	const char *field, *label, *shown;
} labels[] = {
	{"type", "permit.f.type", "type"}, {"area_id", "permit.f.area", "area_id"},
	{"equipment_id", "permit.f.equipment", "equipment_id"}, {"content", "permit.f.content", "content"},
	{"planned_start", "permit.f.planned_start", "planned_start"},
	{"planned_end", "permit.f.planned_end", "planned_end"}, {"guardian_id", "permit.f.guardian", "guardian_id"},
	{"hot_place", "permit.f.hot_place", "hot_place"}, {"wind", "permit.f.wind", "wind"},
	{"factors", "permit.f.factors", "factors"}, {"height_m", "permit.f.height_m", "height_m"},
	{"load_t", "permit.f.load_t", "load_t"}, {"medium_lel", "permit.f.medium_lel", "medium_lel"},
	{"related", "permit.f.related", "related"}, {"workers", "permit.f.workers", "workers"},
	{"worker_", "permit.f.workers", "workers"}, {"measures", "permit.f.measures", "measures"},
	{"measure_", "permit.f.measures", "measures"}, {"applicant_id", "permit.f.applicant", ""},
};

static void form_error_of(struct req *r, const struct permit_err *e, struct form_err *fe)
{
	memset(fe, 0, sizeof(*fe));
	if (!e || !e->key)
		return;
	const char *label = NULL, *shown = "";
	for (size_t i = 0; e->field && i < sizeof(labels) / sizeof(labels[0]); i++) {
		size_t n = strlen(labels[i].field);
		if (labels[i].field[n - 1] == '_' ? !strncmp(e->field, labels[i].field, n) : !strcmp(e->field, labels[i].field)) {
			label = labels[i].label;
			shown = labels[i].shown;
			break;
		}
	}
	const char *msg = T(r, e->key);
	if (e->detail)
		msg = arena_printf(&r->arena, "%s %s", msg, e->detail);
	fe->field = shown;
	fe->msg = label ? arena_printf(&r->arena, "%s%s%s", T(r, label), T(r, "form.colon"), msg) : msg;
}

static html_raw invalid(const struct form_err *fe, const char *name)
{
	return fe->field && !strcmp(fe->field, name) ? " aria-invalid=\"true\"" : "";
}

static void check(struct req *r, const char *name, const char *label, int checked)
{
	html_printf(&r->out, "<label class=\"inline\"><input type=\"checkbox\" name=\"%s\" value=\"1\"%r>%s</label>",
		    name, checked ? " checked" : "", label);
}

static void number(struct req *r, const struct permit_input *v, const struct form_err *fe, const char *name,
		   const char *label, html_raw attrs, const char *dflt)
{
	const char *s = v ? val(v, name) : dflt;
	html_printf(&r->out, "<label>%s<input type=\"number\" name=\"%s\" value=\"%s\"%r%r>", T(r, label), name, s,
		    attrs, invalid(fe, name));
	form_field_error(r, fe, name);
	html_printf(&r->out, "</label>");
}

static void type_fields(struct req *r, const char *type, const struct permit_input *v, const struct form_err *fe)
{
	if (!strcmp(type, "hot_work")) {
		static const char *const places[] = {"running", "bund", "hazard_area", "pipe_rack", "other", NULL};
		html_printf(&r->out, "<label>%s<select name=\"hot_place\" required>", T(r, "permit.f.hot_place"));
		for (int i = 0; places[i]; i++)
			html_printf(&r->out, "<option value=\"%s\"%r>%s</option>", places[i],
				    !strcmp(val(v, "hot_place"), places[i]) ? " selected" : "",
				    permit_tr(r, "permit.hot_place", places[i]));
		html_printf(&r->out, "</select>");
		form_field_error(r, fe, "hot_place");
		html_printf(&r->out, "</label>");
		check(r, "shutdown", T(r, "permit.f.shutdown"), on(v, "shutdown"));
		check(r, "holiday", T(r, "permit.f.holiday"), on(v, "holiday"));
		number(r, v, fe, "wind", "permit.f.wind", " min=\"0\" max=\"17\"", "0");
		html_printf(&r->out, "<p class=\"hint\">%s</p>", T(r, "permit.upgrade_hint"));
	}
	if (!strcmp(type, "height")) {
		number(r, v, fe, "height_m", "permit.f.height_m", " step=\"0.1\" min=\"2\" required", "");
		html_printf(&r->out, "<fieldset><legend>%s</legend>", T(r, "permit.f.factors"));
		for (int i = 1; i <= 9; i++) {
			char name[24], key[40];
			snprintf(name, sizeof(name), "factor_%d", i);
			snprintf(key, sizeof(key), "permit.factor.%d", i);
			check(r, name, i18n_get(r->lang, key), on(v, name));
		}
		form_field_error(r, fe, "factors");
		html_printf(&r->out, "</fieldset>");
	}
	if (!strcmp(type, "lifting"))
		number(r, v, fe, "load_t", "permit.f.load_t", " step=\"0.1\" min=\"0.1\" required", "");
	if (!strcmp(type, "temp_power"))
		check(r, "hazardous_area", T(r, "permit.f.hazardous_area"), on(v, "hazardous_area"));
	if (!strcmp(type, "confined_space")) {
		check(r, "oxygen_enriched", T(r, "permit.f.oxygen_enriched"), on(v, "oxygen_enriched"));
		check(r, "hot_inside", T(r, "permit.f.hot_inside"), on(v, "hot_inside"));
	}
	if (!strcmp(type, "hot_work") || !strcmp(type, "confined_space") || !strcmp(type, "temp_power")) {
		number(r, v, fe, "medium_lel", "permit.f.medium_lel", " step=\"0.1\" min=\"0.1\"", "5");
		html_printf(&r->out, "<small>%s</small>", T(r, "permit.medium_lel_hint"));
	}
}

void permit_form_page(struct req *r, const char *type, const struct permit_input *v, int64_t id,
		      const struct permit_err *e)
{
	struct form_err fe;
	form_error_of(r, e, &fe);
	struct strbuf *o = &r->out;
	int64_t now = clock_now() / 3600 * 3600 + 3600;
	const char *title = id ? T(r, "permit.edit") : T(r, "permit.new");
	page_begin(r, title);
	if (fe.msg)
		page_notice(r, "error", fe.msg);
	html_printf(o, "<section class=\"card\"><h1>%s · %s</h1><form class=\"stack\" method=\"post\" action=\"%s\">%r"
		       "<input type=\"hidden\" name=\"type\" value=\"%s\">",
		    title, permit_tr(r, "permit.type", type),
		    id ? arena_printf(&r->arena, "/permits/%lld", (long long)id) : "/permits", page_csrf(r), type);
	int64_t area = id_of(v, "area_id");
	html_printf(o, "<label>%s<select name=\"area_id\" required%r>", T(r, "permit.f.area"), invalid(&fe, "area_id"));
	struct db_stmt *st = db_query(r->db, "SELECT id, name FROM areas WHERE active = 1 ORDER BY name", NULL);
	while (st && db_step(st) == 1)
		html_printf(o, "<option value=\"%D\"%r>%s</option>", db_col_i64(st, 0),
			    db_col_i64(st, 0) == area ? " selected" : "", db_col_text(st, 1));
	db_done(r->db, st);
	html_printf(o, "</select>");
	form_field_error(r, &fe, "area_id");
	int64_t equip = id_of(v, "equipment_id");
	html_printf(o, "</label><label>%s<select name=\"equipment_id\"><option value=\"\">—</option>", T(r, "permit.f.equipment"));
	st = db_query(r->db, "SELECT id, code, name FROM equipment WHERE active = 1 ORDER BY code", NULL);
	while (st && db_step(st) == 1)
		html_printf(o, "<option value=\"%D\"%r>%s %s</option>", db_col_i64(st, 0),
			    db_col_i64(st, 0) == equip ? " selected" : "", db_col_text(st, 1), db_col_text(st, 2));
	db_done(r->db, st);
	html_printf(o, "</select>");
	form_field_error(r, &fe, "equipment_id");
	html_printf(o, "</label><label>%s<textarea name=\"content\" rows=\"3\" required%r>%s</textarea>",
		    T(r, "permit.f.content"), invalid(&fe, "content"), val(v, "content"));
	form_field_error(r, &fe, "content");
	html_printf(o, "</label><label>%s<textarea name=\"hazards\" rows=\"3\">%s</textarea></label>"
		       "<label>%s<input name=\"work_unit\" value=\"%s\"></label>",
		    T(r, "permit.f.hazards"), val(v, "hazards"), T(r, "permit.f.work_unit"),
		    v ? val(v, "work_unit") : r->who->unit_name);
	check(r, "contractor", T(r, "permit.f.contractor"), on(v, "contractor"));
	static const char *const tname[2] = {"planned_start", "planned_end"};
	static const char *const tlabel[2] = {"permit.f.planned_start", "permit.f.planned_end"};
	for (int i = 0; i < 2; i++) {
		const char *name = tname[i];
		const char *value = v ? val(v, name) : local_input(r, now + (i ? 4 * 3600 : 0));
		html_printf(o, "<label>%s<input type=\"datetime-local\" name=\"%s\" value=\"%s\" required%r>",
			    T(r, tlabel[i]), name, value, invalid(&fe, name));
		form_field_error(r, &fe, name);
		html_printf(o, "</label>");
	}
	type_fields(r, type, v, &fe);
	/* people are judged on the planned start day, as the checks at submission judge them */
	int64_t start = now;
	if (v)
		permit_parse_time(val(v, "planned_start"), &start);
	int64_t day = permit_cert_day(start);
	const struct permit_type *pt = permit_type_find(type);
	int64_t guardian = id_of(v, "guardian_id");
	html_printf(o, "<label>%s", T(r, "permit.f.guardian"));
	struct permit_people *guards = permit_people_for(r, "guardian", day);
	permit_people_ppe(r, guards, type, "guardian", day);	/* what the type asks them to wear */
	permit_picker(r, guards, "guardian_id", 1, invalid(&fe, "guardian_id"), NULL, NULL, guardian);
	form_field_error(r, &fe, "guardian_id");
	html_printf(o, "</label><fieldset><legend>%s</legend>", T(r, "permit.f.workers"));
	struct permit_people *workers = permit_people_for(r, pt ? pt->operation : type, day);
	permit_people_ppe(r, workers, type, "workers", day);
	for (int i = 1; i <= 4; i++) {
		char name[32], role[32];
		snprintf(name, sizeof(name), "worker_%d", i);
		snprintf(role, sizeof(role), "worker_role_%d", i);
		html_printf(o, "<div class=\"permit-worker\">");
		permit_picker(r, workers, name, 0, "", arena_printf(&r->arena, "%s %d", T(r, "permit.f.worker"), i), NULL,
			      id_of(v, name));
		html_printf(o, "<input name=\"%s\" value=\"%s\" placeholder=\"%s\"></div>", role, val(v, role),
			    T(r, "permit.f.worker_role"));
	}
	form_field_error(r, &fe, "workers");
	html_printf(o, "</fieldset><fieldset><legend>%s</legend><p class=\"hint\">%s</p>", T(r, "permit.f.measures"),
		    T(r, "permit.measures_hint"));
	/* Annex A: each measure is confirmed by a named person — the guardian unless another
	 * person is picked for it (the guardian checks the site before work starts, §4.10) */
	struct permit_people *anyone = permit_people_load(r);
	html_printf(o, "<ol class=\"permit-measures-form\">");
	st = db_query(r->db, "SELECT id, text_zh, text_en FROM permit_measure_std WHERE type = ? ORDER BY sort", "t", type);
	while (st && db_step(st) == 1) {
		char name[40];
		snprintf(name, sizeof(name), "measure_%lld", (long long)db_col_i64(st, 0));
		int64_t by = id_of(v, name);
		const char *text = db_col_text(st, strcmp(r->lang, "en") ? 1 : 2);
		html_printf(o, "<li class=\"permit-measure\">%s<details%r><summary>%s</summary><label>%s", text,
			    by && by != guardian ? " open" : "", T(r, "permit.measure_by_guardian"),
			    T(r, "permit.measure_other"));
		permit_picker(r, anyone, name, 0, "", NULL, T(r, "permit.measure_guardian_blank"), by);
		html_printf(o, "</label></details></li>");
	}
	db_done(r->db, st);
	html_printf(o, "</ol>");
	form_field_error(r, &fe, "measures");
	html_printf(o, "</fieldset><label>%s<input name=\"related\" value=\"%s\" placeholder=\"DH-2026-000001\"%r>",
		    T(r, "permit.f.related"), val(v, "related"), invalid(&fe, "related"));
	form_field_error(r, &fe, "related");
	html_printf(o, "</label><button class=\"primary\">%s</button></form></section><script src=\"%s\" defer></script>",
		    T(r, "permit.save_draft"), static_url("picker.js"));
	page_end(r);
}

/* --- a stored draft as form values --- */

struct stored {
	struct req *r;
	const struct permit *p;
};

static const char *num(struct req *r, double d)
{
	return d ? arena_printf(&r->arena, "%g", d) : "";
}

static const char *stored_field(void *ctx, const char *name)
{
	struct stored *s = ctx;
	struct req *r = s->r;
	const struct permit *p = s->p;
	int n;
	if (!strcmp(name, "type"))
		return p->type;
	if (!strcmp(name, "area_id"))
		return arena_printf(&r->arena, "%lld", (long long)p->area_id);
	if (!strcmp(name, "equipment_id"))
		return p->equipment_id ? arena_printf(&r->arena, "%lld", (long long)p->equipment_id) : "";
	if (!strcmp(name, "guardian_id"))
		return p->guardian_id ? arena_printf(&r->arena, "%lld", (long long)p->guardian_id) : "";
	if (!strcmp(name, "content"))
		return p->content;
	if (!strcmp(name, "hazards"))
		return p->hazards;
	if (!strcmp(name, "work_unit"))
		return p->work_unit;
	if (!strcmp(name, "hot_place"))
		return p->hot_place;
	if (!strcmp(name, "planned_start"))
		return local_input(r, p->planned_start);
	if (!strcmp(name, "planned_end"))
		return local_input(r, p->planned_end);
	if (!strcmp(name, "wind"))
		return arena_printf(&r->arena, "%d", p->wind);
	if (!strcmp(name, "height_m"))
		return num(r, p->height_m);
	if (!strcmp(name, "load_t"))
		return num(r, p->load_t);
	if (!strcmp(name, "medium_lel"))
		return num(r, p->medium_lel);
	int flag = !strcmp(name, "contractor") ? p->contractor : !strcmp(name, "shutdown") ? p->shutdown
		 : !strcmp(name, "holiday") ? p->holiday : !strcmp(name, "hazardous_area") ? p->hazardous_area
		 : !strcmp(name, "oxygen_enriched") ? p->oxygen_enriched : !strcmp(name, "hot_inside") ? p->hot_inside : -1;
	if (flag >= 0)
		return flag ? "1" : "";
	/* the store keeps how many of the nine factors were ticked (§8.1.2 counts them) */
	if (sscanf(name, "factor_%d", &n) == 1)
		return n <= p->factors ? "1" : "";
	if (sscanf(name, "worker_role_%d", &n) == 1)
		return n >= 1 && n <= p->nworkers ? p->workers[n - 1].role : "";
	if (sscanf(name, "worker_%d", &n) == 1)
		return n >= 1 && n <= p->nworkers ? arena_printf(&r->arena, "%lld", (long long)p->workers[n - 1].user_id) : "";
	long long mid;
	if (sscanf(name, "measure_%lld", &mid) == 1) {
		/* the guardian's own confirmation is the default: shown as such, it follows a new
		 * guardian when the draft's guardian is changed */
		for (int i = 0; i < p->nmeasures; i++)
			if (p->measures[i].measure_id == mid && p->measures[i].confirmed_by &&
			    p->measures[i].confirmed_by != p->guardian_id)
				return arena_printf(&r->arena, "%lld", (long long)p->measures[i].confirmed_by);
		return "";
	}
	if (!strcmp(name, "related")) {
		struct strbuf sb = STRBUF_INIT;
		for (int i = 0; i < p->nlinks; i++) {
			char *number = NULL;
			if (db_get_text(r->db, &number, "SELECT number FROM permits WHERE id = ?", "I", p->links[i]) == 1)
				sb_addf(&sb, "%s%s", sb.len ? ", " : "", number);
			free(number);
		}
		const char *out = arena_strdup(&r->arena, sb.len ? sb.buf : "");
		sb_release(&sb);
		return out;
	}
	return NULL;
}

/* The draft's form with its stored values (and the message of a refused submit). The caller
 * has checked that the requester may edit it. */
void permit_form_stored(struct req *r, const struct permit *p, const struct permit_err *e)
{
	struct stored s = {r, p};
	struct permit_input v = {.field = stored_field, .ctx = &s};
	permit_form_page(r, p->type, &v, p->id, e);
}

/* May the requester edit p? The store's rule (the applicant's draft), said before the form. */
int permit_editable(struct req *r, const struct permit *p)
{
	return !strcmp(p->state, "draft") && p->applicant_id == r->who->user_id;
}

int permit_edit_page(struct req *r)
{
	int64_t id;
	struct permit *p = NULL;
	if (req_param_id(r, "id", &id) || !(p = permit_load(r->db, id)) || !permit_visible(r, p)) {
		permit_free(p);
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	if (!permit_editable(r, p)) {
		resp_error(r, 409, "conflict", T(r, "permit.err.not_editable"), "state");
		permit_free(p);
		return 0;
	}
	permit_form_stored(r, p, NULL);
	permit_free(p);
	return 0;
}

/* Save the application (new: id 0); a refused one comes back with the values kept. */
int permit_save_post(struct req *r, int64_t id)
{
	struct permit_err e = {0};
	struct actor a;
	struct permit_input in;
	actor_from_req(r, &a);
	permit_input_req(r, &in);
	int64_t saved = id;
	if (permit_save_application(&a, &in, &saved, &e)) {
		const char *type = req_field(r, "type");
		if (e.status != 422 || !permit_type_find(type)) {
			permit_err_respond(r, &e);
			return 0;
		}
		r->status = 422;
		permit_form_page(r, type, &in, id, &e);
		permit_err_clear(&e);
		return 0;
	}
	resp_redirect(r, arena_printf(&r->arena, "/permits/%lld?done=%s", (long long)saved, id ? "saved" : "created"));
	return 0;
}

int permit_update_post(struct req *r)
{
	int64_t id;
	if (req_param_id(r, "id", &id)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	return permit_save_post(r, id);
}

/* --- what happened, and who acts next --- */

struct names {
	struct req *r;
	struct strbuf sb;
	int n;
};

static void add_name(int64_t user_id, void *arg)
{
	struct names *x = arg;
	if (x->n++ < 5)
		sb_addf(&x->sb, "%s%s", x->n > 1 ? T(x->r, "permit.name_sep") : "", permit_user_name(x->r, user_id));
}

/* The confirmation after action `done` on p: names who acts next where there is one (the
 * signers of the next approval step; the applicant after a refusal or a revision). */
const char *permit_done_text(struct req *r, const struct permit *p, const char *done)
{
	const char *plain = permit_tr(r, "permit.done", done);
	struct names x = {r, STRBUF_INIT, 0};
	int waiting = !strcmp(p->state, "submitted") || !strcmp(p->state, "approving");
	if ((!strcmp(done, "submit") || !strcmp(done, "approve")) && waiting)
		permit_approvers_each(r->db, p, p->chain_step + 1, add_name, &x);
	else if ((!strcmp(done, "refuse") || !strcmp(done, "revise")) && !strcmp(p->state, "draft"))
		add_name(p->applicant_id, &x);
	if (!x.n)
		return plain;
	const char *tmpl = permit_tr(r, "permit.done_next", done), *at = strstr(tmpl, "{who}");
	const char *out = at ? arena_printf(&r->arena, "%.*s%s%s", (int)(at - tmpl), tmpl, x.sb.buf, at + 5) : plain;
	sb_release(&x.sb);
	return out;
}
