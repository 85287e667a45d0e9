/*
 * emerg_drill_web.c — drills (应急演练) as pages and JSON: the year's drills with each unit's
 * standing against the minimums of Art. 33 and the button that plans the missing ones; a
 * drill as an entity record (web/entity.h: the form, create, edit, the API) whose page shows
 * its state, the check-in QR code, the one-tap key actions with the times the server
 * measured, and the evaluation whose shortcomings become tracked actions.
 *
 * Data scope: the drill's unit; an unannounced drill still planned is seen only by those who
 * may manage drills (its day is the point of it). The check-in and commander pages are in
 * emerg_mode_web.c.
 */
#include "emerg/emerg.h"
#include "emerg/emerg_web.h"
#include "emerg/emerg_tabletop.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/text.h"
#include "db/db.h"
#include "notify/notify.h"
#include "org/org.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/qr.h"

#include <stdlib.h>
#include <string.h>

static const char *const kinds[] = {"comprehensive", "special", "onsite", NULL};
static const char *const yesno[] = {"1", "0", NULL};

static void plan_options(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	form_id_options(r, db_query(r->db, "SELECT p.id, p.title FROM emerg_plans p JOIN units u ON u.id = p.unit_id"
					   " WHERE p.active = 1 AND u.path LIKE ? ORDER BY p.title", "t", auth_scope_pattern(r)),
			selected);
}

enum { F_TITLE, F_KIND, F_UNIT, F_DAY, F_ANNOUNCED, F_MUSTER, F_COMMANDER, F_SCENARIO, F_PLAN };
static const struct form_field drill_fields[] = {
	{"title", "emerg.drill.title", FORM_TEXT, FORM_REQUIRED, .max = 100},
	{"kind", "emerg.kind", FORM_CHOICE, FORM_REQUIRED, .choices = kinds, .choice_prefix = "emerg.kind."},
	{"unit_id", "emerg.unit", FORM_ID, FORM_REQUIRED, .options = form_opts_scope_units},
	{"planned_on", "emerg.planned_on", FORM_DAY, FORM_REQUIRED, .max = 0},
	{"announced", "emerg.announced", FORM_CHOICE, FORM_REQUIRED, .choices = yesno, .choice_prefix = "emerg.announced."},
	{"muster", "emerg.muster", FORM_TEXT, 0, .max = 100},
	{"commander_id", "emerg.commander", FORM_ID, 0, .options = form_opts_scope_users, .empty = "emerg.none"},
	{"scenario", "emerg.scenario", FORM_TEXT, 0, .max = 500},
	/* the plan drilled: its steps become the drill's when none are given */
	{"plan_id", "emerg.plan", FORM_ID, 0, .options = plan_options, .empty = "emerg.none"},
	{0},
};

#define DRILL_COLS "d.id, d.unit_id, u.name, u.path, d.kind, d.title, d.scenario, d.announced, d.planned_on," \
		   " d.muster, COALESCE(d.commander_id, 0), d.status, d.started_at, d.ended_at, d.token," \
		   " d.eval_score, d.eval_summary, d.evaluated_at, COALESCE(c.name, ''), COALESCE(d.plan_id, 0)"
#define DRILL_FROM " FROM emerg_drills d JOIN units u ON u.id = d.unit_id LEFT JOIN users c ON c.id = d.commander_id"

static void drill_from_row(struct req *r, struct db_stmt *st, void *row)
{
	struct emerg_drill *d = row;
	d->id = db_col_i64(st, 0);
	d->unit_id = db_col_i64(st, 1);
	d->unit = arena_strdup(&r->arena, db_col_text(st, 2));
	d->unit_path = arena_strdup(&r->arena, db_col_text(st, 3));
	d->kind = arena_strdup(&r->arena, db_col_text(st, 4));
	d->title = arena_strdup(&r->arena, db_col_text(st, 5));
	d->scenario = arena_strdup(&r->arena, db_col_text(st, 6));
	d->announced = (int)db_col_i64(st, 7);
	d->planned_on = db_col_i64(st, 8);
	d->muster = arena_strdup(&r->arena, db_col_text(st, 9));
	d->commander_id = db_col_i64(st, 10);
	d->status = arena_strdup(&r->arena, db_col_text(st, 11));
	d->started_at = db_col_i64(st, 12);
	d->ended_at = db_col_i64(st, 13);
	d->token = arena_strdup(&r->arena, db_col_text(st, 14));
	d->has_score = !db_col_null(st, 15);
	d->eval_score = db_col_i64(st, 15);
	d->eval_summary = arena_strdup(&r->arena, db_col_text(st, 16));
	d->evaluated_at = db_col_i64(st, 17);
	d->commander = arena_strdup(&r->arena, db_col_text(st, 18));
	d->plan_id = db_col_i64(st, 19);
}

/* Who may see a drill: its unit in scope (or commanding it); an unannounced one still planned
 * only with emerg.manage. */
static int drill_visible(struct req *r, const struct emerg_drill *d)
{
	if (!auth_scope_allows(r, d->unit_id, d->commander_id))
		return 0;
	return d->announced || strcmp(d->status, "planned") || auth_has(r, "emerg.manage") ||
	       (r->who && d->commander_id == r->who->user_id);
}

int emerg_drill_load(struct req *r, int64_t id, void *row)
{
	struct db_stmt *st = db_query(r->db, "SELECT " DRILL_COLS DRILL_FROM " WHERE d.id = ?", "I", id);
	int found = st && db_step(st) == 1;
	if (found)
		drill_from_row(r, st, row);
	db_done(r->db, st);
	return found && drill_visible(r, row) ? 0 : -1;
}

static void drill_values(struct req *r, const void *row, const char **t)
{
	const struct emerg_drill *d = row;
	char day[16];
	t[F_TITLE] = d->title;
	t[F_KIND] = d->kind;
	t[F_UNIT] = entity_id_text(r, d->unit_id);
	t[F_DAY] = arena_strdup(&r->arena, day_format(d->planned_on, day));
	t[F_ANNOUNCED] = d->announced ? "1" : "0";
	t[F_MUSTER] = d->muster;
	t[F_COMMANDER] = entity_id_text(r, d->commander_id);
	t[F_SCENARIO] = d->scenario;
	t[F_PLAN] = entity_id_text(r, d->plan_id);
}

static void drill_defaults(struct req *r, const char **t)
{
	(void)r;
	t[F_KIND] = "onsite";
	t[F_ANNOUNCED] = "1";
}

static const char *drill_title(const void *row)
{
	return ((const struct emerg_drill *)row)->title;
}

/* The steps given when creating: a JSON array of strings, or the lines of the form's text
 * area. Each at most 200 characters, at most EMERG_MAX_STEPS. *n gets the count, or -1 when
 * one is too long or there are too many. */
static const char **read_steps(struct req *r, int *n)
{
	size_t k = 0;
	const char **given = req_field_list(r, "steps", &k);
	const char **out = arena_alloc(&r->arena, (EMERG_MAX_STEPS + 1) * sizeof *out);
	*n = 0;
	for (size_t i = 0; i < k; i++) {
		char *s = arena_strdup(&r->arena, given[i]);
		for (char *line = s; line && *line;) {
			char *nl = strchr(line, '\n');
			if (nl)
				*nl = 0;
			char *t = line;
			while (*t == ' ' || *t == '\t' || *t == '\r')
				t++;
			size_t len = strlen(t);
			while (len && (t[len - 1] == ' ' || t[len - 1] == '\r' || t[len - 1] == '\t'))
				t[--len] = 0;
			if (len) {
				if (*n >= EMERG_MAX_STEPS || !utf8_valid(t, len) || utf8_chars(t) > 200) {
					*n = -1;
					return out;
				}
				out[(*n)++] = t;
			}
			line = nl ? nl + 1 : NULL;
		}
	}
	return out;
}

static void drill_check(struct req *r, const void *cur, struct form *f)
{
	const struct emerg_drill *d = cur;
	if (d && strcmp(d->status, "planned"))
		form_fail(r, f, "status", "emerg.err.not_planned");
	if (!auth_scope_allows(r, f->v[F_UNIT].id, -1))
		form_fail(r, f, "unit_id", "form.err_choice");
	int64_t n = 0;
	if (f->v[F_COMMANDER].id &&
	    (db_get_i64(r->db, &n, "SELECT count(*) FROM users WHERE id = ? AND active = 1", "I", f->v[F_COMMANDER].id) != 1 || !n))
		form_fail(r, f, "commander_id", "form.err_choice");
	int64_t plan_unit = 0;
	if (f->v[F_PLAN].id &&
	    (db_get_i64(r->db, &plan_unit, "SELECT unit_id FROM emerg_plans WHERE id = ? AND active = 1", "I", f->v[F_PLAN].id) != 1 ||
	     !auth_scope_allows(r, plan_unit, -1)))
		form_fail(r, f, "plan_id", "form.err_choice");
	int64_t day = 0;
	if (!d && day_parse(f->v[F_DAY].text, &day) == 0 && day < day_today())
		form_fail(r, f, "planned_on", "emerg.err.past");
	int steps;
	if (!d) {
		read_steps(r, &steps);
		if (steps < 0)
			form_fail(r, f, "steps", "emerg.err.steps");
	}
}

/* The default steps of a response when none are given (GB/T 29639-2020 §6: alarm, first
 * response, evacuation and headcount, rescue, end of the response). */
static const char *const default_steps[] = {"emerg.step.alarm", "emerg.step.isolate", "emerg.step.evacuate",
					    "emerg.step.headcount", "emerg.step.rescue", "emerg.step.end", NULL};

static int64_t drill_store(struct req *r, const void *cur, const struct form *f)
{
	const struct emerg_drill *d = cur;
	int64_t day = 0;
	day_parse(f->v[F_DAY].text, &day);
	int announced = !strcmp(f->v[F_ANNOUNCED].text, "1");
	if (d)
		return db_exec(r->db, "UPDATE emerg_drills SET title = ?, kind = ?, unit_id = ?, planned_on = ?, announced = ?,"
				      " muster = ?, commander_id = NULLIF(?, 0), scenario = ?, plan_id = NULLIF(?, 0) WHERE id = ?",
			       "ttIIitItII", f->v[F_TITLE].text, f->v[F_KIND].text, f->v[F_UNIT].id, day, announced,
			       f->v[F_MUSTER].text, f->v[F_COMMANDER].id, f->v[F_SCENARIO].text, f->v[F_PLAN].id, d->id) == DB_OK
			       ? d->id : -1;
	int64_t id = emerg_drill_insert(r->db, f->v[F_UNIT].id, f->v[F_KIND].text, f->v[F_TITLE].text,
					f->v[F_SCENARIO].text, announced, day, f->v[F_MUSTER].text,
					f->v[F_COMMANDER].id, r->who->user_id, clock_now());
	if (id < 0 || db_exec(r->db, "UPDATE emerg_drills SET plan_id = NULLIF(?, 0) WHERE id = ?", "II", f->v[F_PLAN].id, id) != DB_OK)
		return -1;
	int n;
	const char **steps = read_steps(r, &n);
	for (int i = 0; i < n; i++)
		if (db_exec(r->db, "INSERT INTO emerg_steps (drill_id, seq, text) VALUES (?, ?, ?)", "Iit", id, i + 1,
			    steps[i]) != DB_OK)
			return -1;
	int64_t copied = 0;
	if (n <= 0 && f->v[F_PLAN].id) {	/* none given: the plan's own steps */
		if (db_exec(r->db, "INSERT INTO emerg_steps (drill_id, seq, text) SELECT ?, seq, title FROM emerg_plan_parts"
				   " WHERE plan_id = ? AND kind = 'step' AND seq <= 30", "II", id, f->v[F_PLAN].id) != DB_OK ||
		    db_get_i64(r->db, &copied, "SELECT count(*) FROM emerg_steps WHERE drill_id = ?", "I", id) != 1)
			return -1;
	}
	for (int i = 0; n <= 0 && !copied && default_steps[i]; i++)
		if (db_exec(r->db, "INSERT INTO emerg_steps (drill_id, seq, text) VALUES (?, ?, ?)", "Iit", id, i + 1,
			    T(r, default_steps[i])) != DB_OK)
			return -1;
	return id;
}

int64_t emerg_drill_insert(struct db *c, int64_t unit_id, const char *kind, const char *title, const char *scenario,
			   int announced, int64_t day, const char *muster, int64_t commander_id, int64_t by, int64_t now)
{
	char token[33];
	text_random_token(token, 16);
	if (db_exec(c, "INSERT INTO emerg_drills (unit_id, kind, title, scenario, announced, planned_on, muster,"
		       " commander_id, token, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, NULLIF(?, 0), ?)",
		    "Ittti" "ItItII", unit_id, kind, title, scenario, announced, day, muster, commander_id, token, by, now) != DB_OK)
		return -1;
	return db_last_id(c);
}

/* ---- the drill's record as JSON: marks, measured times, people, steps, evaluation ---- */

static json_t *opt_time(int64_t t)
{
	return t ? json_integer(t) : json_null();
}

static json_t *day_json(int64_t day)
{
	char d[16];
	return json_string(day_format(day, d));
}

void emerg_marks_of(struct db *c, int64_t drill_id, int64_t at[EMERG_NMARKS])
{
	memset(at, 0, EMERG_NMARKS * sizeof at[0]);
	struct db_stmt *st = db_query(c, "SELECT action, at FROM emerg_marks WHERE drill_id = ?", "I", drill_id);
	while (st && db_step(st) == 1)
		for (int i = 0; emerg_mark_actions[i]; i++)
			if (!strcmp(db_col_text(st, 0), emerg_mark_actions[i]))
				at[i] = db_col_i64(st, 1);
	db_done(c, st);
}

/* Seconds from `from` to `to`, or null when either is missing. */
static json_t *span(int64_t from, int64_t to)
{
	return from && to ? json_integer(to - from) : json_null();
}

json_t *emerg_drill_json(struct req *r, const void *row)
{
	const struct emerg_drill *d = row;
	int64_t at[EMERG_NMARKS];
	emerg_marks_of(r->db, d->id, at);
	json_t *marks = json_object();
	for (int i = 0; emerg_mark_actions[i]; i++)
		json_object_set_new(marks, emerg_mark_actions[i], opt_time(at[i]));
	/* measured by the server's clock at each tap: from the start to the alarm, and from the
	 * alarm to the first response, the evacuation and the headcount */
	json_t *times = json_pack("{s:o, s:o, s:o, s:o}", "alarm_s", span(d->started_at, at[0]),
				  "response_s", span(at[0], at[1]), "evacuation_s", span(at[0], at[2]),
				  "headcount_s", span(at[0], at[3]));
	json_t *in = json_array(), *missing = json_array(), *steps = json_array(), *actions = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT us.id, us.name, us.username, k.at FROM emerg_checkins k"
				    " JOIN users us ON us.id = k.user_id WHERE k.drill_id = ? ORDER BY k.at, k.id", "I", d->id);
	while (st && db_step(st) == 1)
		json_array_append_new(in, json_pack("{s:I, s:s, s:s, s:I}", "user_id", (json_int_t)db_col_i64(st, 0),
						     "name", db_col_text(st, 1), "username", db_col_text(st, 2),
						     "at", (json_int_t)db_col_i64(st, 3)));
	db_done(r->db, st);
	st = emerg_missing_query(r->db, d);
	while (st && db_step(st) == 1)
		json_array_append_new(missing, json_pack("{s:I, s:s, s:s}", "user_id", (json_int_t)db_col_i64(st, 0),
							 "name", db_col_text(st, 1), "username", db_col_text(st, 3)));
	db_done(r->db, st);
	st = db_query(r->db, "SELECT seq, text, done_at FROM emerg_steps WHERE drill_id = ? ORDER BY seq", "I", d->id);
	while (st && db_step(st) == 1)
		json_array_append_new(steps, json_pack("{s:i, s:s, s:o}", "seq", (int)db_col_i64(st, 0), "text",
						       db_col_text(st, 1), "done_at", opt_time(db_col_i64(st, 2))));
	db_done(r->db, st);
	st = db_query(r->db, "SELECT a.id, a.text, a.owner_id, COALESCE(us.name, ''), a.due_on, a.done_at FROM emerg_actions a"
			     " LEFT JOIN users us ON us.id = a.owner_id WHERE a.drill_id = ? ORDER BY a.id", "I", d->id);
	while (st && db_step(st) == 1)
		json_array_append_new(actions, json_pack("{s:I, s:s, s:I, s:s, s:o, s:o}", "id", (json_int_t)db_col_i64(st, 0),
							 "text", db_col_text(st, 1), "owner_id", (json_int_t)db_col_i64(st, 2),
							 "owner", db_col_text(st, 3), "due_on", day_json(db_col_i64(st, 4)),
							 "done_at", opt_time(db_col_i64(st, 5))));
	db_done(r->db, st);
	json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:b, s:o, s:s, s:o, s:s, s:s, s:o, s:o, s:o, s:o,"
			      " s:i, s:i, s:o, s:o, s:o, s:o}",
		"id", (json_int_t)d->id, "unit_id", (json_int_t)d->unit_id, "unit", d->unit, "kind", d->kind,
		"title", d->title, "scenario", d->scenario, "announced", d->announced, "planned_on", day_json(d->planned_on),
		"muster", d->muster, "commander_id", entity_id_json(d->commander_id), "commander", d->commander,
		"status", d->status, "started_at", opt_time(d->started_at), "ended_at", opt_time(d->ended_at),
		"marks", marks, "times", times, "expected", (int)(json_array_size(in) + json_array_size(missing)),
		"checked_in_count", (int)json_array_size(in), "checked_in", in, "missing", missing, "steps", steps,
		"actions", actions);
	json_object_set_new(j, "plan_id", entity_id_json(d->plan_id));
	int64_t incident = 0;	/* emergency mode of a real incident (emerg_incident_web.c) */
	db_get_i64(r->db, &incident, "SELECT COALESCE(incident_id, 0) FROM emerg_drills WHERE id = ?", "I", d->id);
	json_object_set_new(j, "incident_id", entity_id_json(incident));
	json_object_set_new(j, "evaluation", d->evaluated_at
		? json_pack("{s:I, s:s, s:I}", "score", (json_int_t)d->eval_score, "summary", d->eval_summary, "at",
			    (json_int_t)d->evaluated_at)
		: json_null());
	/* the check-in token is for whoever runs the drill (it is on the QR code at the muster point) */
	json_object_set_new(j, "checkin_token", auth_has(r, "emerg.command") ? json_string(d->token) : json_null());
	return j;
}

/* The people expected at the muster point (the active people of the drill's unit and the
 * units under it) who have not checked in: id, name, phone, username. */
struct db_stmt *emerg_missing_query(struct db *c, const struct emerg_drill *d)
{
	return db_query(c, "SELECT us.id, us.name, COALESCE(us.phone, ''), us.username FROM users us"
			   " JOIN units un ON un.id = us.unit_id WHERE us.active = 1 AND un.path LIKE ? || '%'"
			   " AND NOT EXISTS (SELECT 1 FROM emerg_checkins k WHERE k.drill_id = ? AND k.user_id = us.id)"
			   " ORDER BY un.path, us.name", "tI", d->unit_path, d->id);
}

/* ---- the list: the year's drills and each unit's standing ---- */

/* The year asked for (?year=, else this one); 0 after answering 400. */
static int year_of(struct req *r)
{
	int y, m, dd;
	day_to_ymd(day_today(), &y, &m, &dd);
	int64_t want = y;
	if (req_query_int(r, "year", 2000, 2100, &want) < 0)
		return 0;
	return (int)want;
}

/* Each company and workshop of the caller's scope with its drills of `year` (those of the
 * units under it count), judged by emerg_drill_minimum(). Calls back per unit. */
typedef void (*unit_cb)(struct req *r, int64_t unit_id, const char *name, const struct emerg_minimum *m,
			int is_short, void *ctx);
static void emerg_units_standing(struct req *r, int year, unit_cb cb, void *ctx)
{
	int64_t from = day_from_ymd(year, 1, 1), to = day_from_ymd(year + 1, 1, 1), today = day_today();
	struct db_stmt *st = db_query(r->db, "SELECT id, name, path FROM units WHERE active = 1 AND path LIKE ?"
				    " AND kind IN ('company', 'workshop') ORDER BY path LIMIT 200", "t", auth_scope_pattern(r));
	int64_t ids[200];
	const char *names[200], *paths[200];
	int n = 0;
	while (st && db_step(st) == 1 && n < 200) {
		ids[n] = db_col_i64(st, 0);
		names[n] = arena_strdup(&r->arena, db_col_text(st, 1));
		paths[n++] = arena_strdup(&r->arena, db_col_text(st, 2));
	}
	db_done(r->db, st);
	for (int i = 0; i < n; i++) {
		struct emerg_drill_fact v[EMERG_MAX_FACTS];
		int k = 0;
		st = db_query(r->db, "SELECT d.kind, d.planned_on, d.status FROM emerg_drills d JOIN units u ON u.id = d.unit_id"
				     " WHERE u.path LIKE ? || '%' AND d.planned_on >= ? AND d.planned_on < ? AND d.status != 'cancelled'"
				     " AND d.incident_id IS NULL"
				     " ORDER BY d.planned_on LIMIT 64", "tII", paths[i], from, to);
		while (st && db_step(st) == 1 && k < EMERG_MAX_FACTS) {
			const char *kind = db_col_text(st, 0);
			v[k].kind = !strcmp(kind, "onsite") ? "onsite" : !strcmp(kind, "special") ? "special" : "comprehensive";
			v[k].day = db_col_i64(st, 1);
			/* a drill started counts as held: it took place */
			v[k++].held = strcmp(db_col_text(st, 2), "planned") != 0;
		}
		db_done(r->db, st);
		struct emerg_minimum m;
		int s = emerg_drill_minimum(v, k, year, today, &m);
		cb(r, ids[i], names[i], &m, s, ctx);
	}
}

static void standing_row(struct req *r, int64_t unit_id, const char *name, const struct emerg_minimum *m, int s,
			 void *ctx)
{
	(void)ctx;
	html_printf(&r->out, "<tr data-unit=\"%D\" data-short=\"%d\"><td>%s</td><td>%d</td><td>%d</td><td>%d</td>"
			     "<td><span class=\"badge %r\">%s</span></td></tr>",
		    unit_id, s, name, m->main_count, m->onsite_h1, m->onsite_h2, s ? "bad" : "ok",
		    T(r, s ? "emerg.short" : "emerg.met"));
}

static void standing_json(struct req *r, int64_t unit_id, const char *name, const struct emerg_minimum *m, int s,
			  void *ctx)
{
	(void)r;
	json_array_append_new(ctx, json_pack("{s:I, s:s, s:i, s:i, s:i, s:b, s:b, s:b, s:b}", "unit_id", (json_int_t)unit_id,
					     "unit", name, "main", m->main_count, "onsite_h1", m->onsite_h1,
					     "onsite_h2", m->onsite_h2, "short", s, "short_main", m->short_main,
					     "short_h1", m->short_h1, "short_h2", m->short_h2));
}

/* The drills of `year` the caller may see, soonest first. */
static struct db_stmt *year_query(struct req *r, int year)
{
	return db_query(r->db, "SELECT " DRILL_COLS DRILL_FROM " WHERE u.path LIKE ? AND (? = 0 OR d.commander_id = ?)"
			       " AND d.incident_id IS NULL AND d.planned_on >= ? AND d.planned_on < ? AND (d.announced = 1 OR d.status != 'planned' OR ? = 1 OR d.commander_id = ?)"
			       " ORDER BY d.planned_on, d.id LIMIT 500",
			"tIIIIiI", auth_scope_pattern(r), auth_scope_owner(r), auth_scope_owner(r),
			day_from_ymd(year, 1, 1), day_from_ymd(year + 1, 1, 1), auth_has(r, "emerg.manage"), r->who->user_id);
}

static void drill_list_html(struct req *r)
{
	int year = year_of(r);
	if (!year) {
		html_printf(&r->out, "<p>%s</p>", T(r, "emerg.err.year"));
		return;
	}
	html_printf(&r->out, "<p class=\"actions\"><a class=\"button\" href=\"/emerg?year=%d\">%d</a> "
			     "<a class=\"button\" href=\"/emerg?year=%d\">%d</a> "
			     "<a class=\"button\" href=\"/emerg/plans\">%s</a> <a class=\"button\" href=\"/emerg/resources\">%s</a> <a class=\"button\" href=\"/emerg/actions\">%s</a>"
			     " <a class=\"button\" href=\"/emerg/tabletops\">%s</a> <a class=\"button\" href=\"/emerg/teams\">%s</a></p>",
		    year - 1, year - 1, year + 1, year + 1, T(r, "emerg.plans"), T(r, "emerg.resources"), T(r, "emerg.actions"),
		    T(r, "emerg.tt.title"), T(r, "emerg.teams"));
	html_printf(&r->out, "<h2>%s %d</h2><p class=\"hint\">%s</p><div class=\"table-wrap\"><table class=\"emerg-standing\">"
			     "<thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th></th></tr></thead><tbody>",
		    T(r, "emerg.year_plan"), year, T(r, "emerg.minimum_hint"), T(r, "emerg.unit"), T(r, "emerg.main_drills"),
		    T(r, "emerg.onsite_h1"), T(r, "emerg.onsite_h2"));
	emerg_units_standing(r, year, standing_row, NULL);
	html_printf(&r->out, "</tbody></table></div>");
	if (auth_has(r, "emerg.manage"))
		html_printf(&r->out, "<form method=\"post\" action=\"/emerg/plan\">%r<input type=\"hidden\" name=\"year\" value=\"%d\">"
				     "<button>%s</button></form>", page_csrf(r), year, T(r, "emerg.plan_generate"));
	html_printf(&r->out, "<h2>%s</h2><ul class=\"list\">", T(r, "emerg.drills"));
	struct emerg_drill d;
	struct db_stmt *st = year_query(r, year);
	while (st && db_step(st) == 1) {
		drill_from_row(r, st, &d);
		char day[16], key[40], st_key[40];
		snprintf(key, sizeof key, "emerg.kind.%s", d.kind);
		snprintf(st_key, sizeof st_key, "emerg.status.%s", d.status);
		html_printf(&r->out, "<li data-drill=\"%D\"><a href=\"/emerg/drills/%D\"><strong>%s</strong></a><br>"
				     "<small>%s · %s · %s · %s</small>",
			    d.id, d.id, d.title, day_format(d.planned_on, day), T(r, key), d.unit, T(r, st_key));
		if (!d.announced)
			html_printf(&r->out, " <span class=\"badge warn\">%s</span>", T(r, "emerg.announced.0"));
		html_printf(&r->out, "</li>");
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
}

static int drill_list_json(struct req *r, json_t *items)
{
	int year = year_of(r);
	if (!year)
		return -1;
	struct emerg_drill d;
	return entity_json_rows(r, year_query(r, year), drill_from_row, &d, emerg_drill_json, items);
}

const char *emerg_duration(struct req *r, int64_t s)
{
	if (s < 0)
		s = 0;
	return arena_printf(&r->arena, "%lld%s%02lld%s", (long long)(s / 60), T(r, "emerg.min"), (long long)(s % 60),
			    T(r, "emerg.sec"));
}

/* The one-tap key actions with their times: a button per action not yet tapped. */
void emerg_taps(struct req *r, const struct emerg_drill *d, const char *back)
{
	int64_t at[EMERG_NMARKS];
	emerg_marks_of(r->db, d->id, at);
	int may = auth_has(r, "emerg.command") && !strcmp(d->status, "running");
	html_printf(&r->out, "<ul class=\"list emerg-marks\">");
	for (int i = 0; emerg_mark_actions[i]; i++) {
		char key[48];
		snprintf(key, sizeof key, "emerg.mark.%s", emerg_mark_actions[i]);
		html_printf(&r->out, "<li data-mark=\"%s\"><strong>%s</strong> ", emerg_mark_actions[i], T(r, key));
		if (at[i]) {
			int64_t from = i == 0 ? d->started_at : at[0];
			html_printf(&r->out, "%s <span class=\"badge ok\">+%s</span>", page_time(r, at[i]),
				    from ? emerg_duration(r, at[i] - from) : "");
		} else if (may) {
			html_printf(&r->out, "<form method=\"post\" action=\"/emerg/drills/%D/marks\">%r"
					     "<input type=\"hidden\" name=\"action\" value=\"%s\"><input type=\"hidden\" name=\"back\" value=\"%s\">"
					     "<button class=\"primary\">%s</button></form>",
				    d->id, page_csrf(r), emerg_mark_actions[i], back, T(r, "emerg.tap"));
		} else {
			html_printf(&r->out, "—");
		}
		html_printf(&r->out, "</li>");
	}
	html_printf(&r->out, "</ul>");
}

/* The check-in link of a drill (what its QR code holds): this server's address as the area
 * labels build it (org_qr_url), with the drill's path. */
const char *emerg_checkin_url(struct req *r, const struct emerg_drill *d)
{
	const char *area = org_qr_url(r, "x");
	size_t n = strlen(area) - strlen("/a/x");
	return arena_printf(&r->arena, "%.*s/emerg/c/%s", (int)n, area, d->token);
}

static void drill_head(struct req *r, const void *row)
{
	const struct emerg_drill *d = row;
	if (!d)
		return;
	char day[16], key[40], st_key[40];
	snprintf(key, sizeof key, "emerg.kind.%s", d->kind);
	snprintf(st_key, sizeof st_key, "emerg.status.%s", d->status);
	html_printf(&r->out, "<p><span class=\"badge\" data-status=\"%s\">%s</span></p><dl class=\"facts\">"
			     "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
			     "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>",
		    d->status, T(r, st_key), T(r, "emerg.kind"), T(r, key), T(r, "emerg.unit"), d->unit,
		    T(r, "emerg.planned_on"), day_format(d->planned_on, day), T(r, "emerg.announced"),
		    T(r, d->announced ? "emerg.announced.1" : "emerg.announced.0"), T(r, "emerg.muster"), d->muster,
		    T(r, "emerg.commander"), d->commander);
	if (d->started_at)
		html_printf(&r->out, "<dt>%s</dt><dd>%s</dd>", T(r, "emerg.started_at"), page_time(r, d->started_at));
	if (d->ended_at)
		html_printf(&r->out, "<dt>%s</dt><dd>%s</dd>", T(r, "emerg.ended_at"), page_time(r, d->ended_at));
	html_printf(&r->out, "</dl>");
	int cmd = auth_has(r, "emerg.command");
	if (cmd && !strcmp(d->status, "planned"))
		html_printf(&r->out, "<form method=\"post\" action=\"/emerg/drills/%D/start\">%r<button class=\"primary\">%s</button></form>",
			    d->id, page_csrf(r), T(r, "emerg.start"));
	if (!strcmp(d->status, "running")) {
		html_printf(&r->out, "<p class=\"actions\"><a class=\"button primary\" href=\"/emerg/drills/%D/command\">%s</a></p>",
			    d->id, T(r, "emerg.mode"));
		if (cmd) {
			const char *url = emerg_checkin_url(r, d);
			struct strbuf svg = STRBUF_INIT;
			qr_svg(&svg, url);
			html_printf(&r->out, "<div class=\"qr-label\"><h2>%s</h2>%r<p><small>%s</small></p></div>",
				    T(r, "emerg.checkin_qr"), html_raw_sb(&svg), url);
			sb_release(&svg);
		}
	}
	if (strcmp(d->status, "planned")) {
		html_printf(&r->out, "<h2>%s</h2>", T(r, "emerg.key_actions"));
		emerg_taps(r, d, "drill");
	}
	if (cmd && !strcmp(d->status, "running"))
		html_printf(&r->out, "<form method=\"post\" action=\"/emerg/drills/%D/end\">%r<button class=\"danger\">%s</button></form>",
			    d->id, page_csrf(r), T(r, "emerg.end"));
}

/* The evaluation form, with what was submitted when it is drawn again after a refusal. */
static void eval_form(struct req *r, const struct emerg_drill *d)
{
	const char *score = req_field(r, "score"), *summary = req_field(r, "summary");
	html_printf(&r->out, "<form method=\"post\" action=\"/emerg/drills/%D/evaluate\" class=\"stack\">%r"
			     "<label>%s<input type=\"number\" name=\"score\" min=\"0\" max=\"100\" step=\"1\" required value=\"%s\"></label>"
			     "<label>%s<textarea name=\"summary\" maxlength=\"2000\" required>%s</textarea></label>"
			     "<p class=\"hint\">%s</p>",
		    d->id, page_csrf(r), T(r, "emerg.score"), score ? score : "", T(r, "emerg.summary"), summary ? summary : "",
		    T(r, "emerg.shortcoming_hint"));
	for (int i = 1; i <= 3; i++) {
		const char *t = req_field(r, arena_printf(&r->arena, "shortcoming_%d", i));
		const char *o = req_field(r, arena_printf(&r->arena, "owner_%d", i));
		const char *due = req_field(r, arena_printf(&r->arena, "due_%d", i));
		int64_t sel = 0;
		if (o)
			text_parse_i64(o, &sel);
		html_printf(&r->out, "<fieldset><legend>%s %d</legend><label>%s<input name=\"shortcoming_%d\" maxlength=\"200\" value=\"%s\"></label>"
				     "<label>%s<select name=\"owner_%d\"><option value=\"\">—</option>",
			    T(r, "emerg.shortcoming"), i, T(r, "emerg.shortcoming_text"), i, t ? t : "", T(r, "emerg.owner"), i);
		form_opts_scope_users(r, NULL, sel);
		html_printf(&r->out, "</select></label><label>%s<input type=\"date\" name=\"due_%d\" value=\"%s\"></label></fieldset>",
			    T(r, "emerg.due_on"), i, due ? due : "");
	}
	html_printf(&r->out, "<button class=\"primary\">%s</button></form>", T(r, "emerg.evaluate"));
}

static void drill_tail(struct req *r, const void *row)
{
	const struct emerg_drill *d = row;
	html_printf(&r->out, "<h2>%s</h2>", T(r, "emerg.evaluation"));
	if (d->evaluated_at)
		html_printf(&r->out, "<p data-score=\"%D\"><strong>%s %D</strong></p><p>%s</p>", d->eval_score,
			    T(r, "emerg.score"), d->eval_score, d->eval_summary);
	else if (!strcmp(d->status, "ended") && auth_has(r, "emerg.manage"))
		eval_form(r, d);
	else
		html_printf(&r->out, "<p class=\"hint\">%s</p>", T(r, "emerg.eval_after_end"));
	html_printf(&r->out, "<h2>%s</h2><ul class=\"list\">", T(r, "emerg.actions"));
	struct db_stmt *st = db_query(r->db, "SELECT a.id, a.text, COALESCE(us.name, ''), a.due_on, a.done_at FROM emerg_actions a"
				    " LEFT JOIN users us ON us.id = a.owner_id WHERE a.drill_id = ? ORDER BY a.id", "I", d->id);
	while (st && db_step(st) == 1) {
		char day[16];
		html_printf(&r->out, "<li data-action=\"%D\">%s<br><small>%s · %s · %s</small></li>", db_col_i64(st, 0),
			    db_col_text(st, 1), db_col_text(st, 2), day_format(db_col_i64(st, 3), day),
			    T(r, db_col_i64(st, 4) ? "emerg.action.done" : "emerg.action.open"));
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
}

static void drill_extra(struct req *r, const void *row, const struct form *f)
{
	(void)f;
	if (row)
		return;
	const char *s = req_field(r, "steps");
	html_printf(&r->out, "<label>%s<textarea name=\"steps\" rows=\"6\" maxlength=\"6000\">%s</textarea>%r</label>"
			     "<p class=\"hint\">%s</p>",
		    T(r, "emerg.steps"), s ? s : "", "", T(r, "emerg.steps_hint"));
}

const struct entity emerg_drill_entity = {
	.name = "emerg_drill", .path = "/emerg/drills", .edit_perm = "emerg.manage",
	.list_title = "emerg.title", .new_title = "emerg.drill_new", .hint = NULL,
	.fields = drill_fields, .row_size = sizeof(struct emerg_drill),
	.flags = ENTITY_SHOW_CREATED | ENTITY_SHOW_UPDATED,
	.load = emerg_drill_load, .values = drill_values, .title = drill_title, .defaults = drill_defaults,
	.check = drill_check, .store = drill_store, .json = emerg_drill_json,
	.list_html = drill_list_html, .list_json = drill_list_json, .show_head = drill_head, .show_tail = drill_tail,
	.extra_inputs = drill_extra, .back_path = "/emerg",
	.api_path = "/api/v1/emerg/drills",
};

ENTITY_HANDLERS(emerg_drill_entity, emerg_drill_list, emerg_drill_new, emerg_drill_create, emerg_drill_edit, emerg_drill_update, emerg_drill_deact,
		emerg_drill_api_list, emerg_drill_api_get, emerg_drill_api_create, emerg_drill_api_update, emerg_drill_api_deact)

/* ---- the drill's life: start, taps, steps, end, evaluation ---- */

/* Load :id for an action (404 when out of reach). */
static struct emerg_drill *drill_param(struct req *r)
{
	int64_t id;
	struct emerg_drill *d = arena_alloc(&r->arena, sizeof *d);
	if (req_param_id(r, "id", &id) || emerg_drill_load(r, id, d)) {
		entity_not_found(r);
		return NULL;
	}
	return d;
}

static void refuse(struct req *r, int status, const char *key, const char *field)
{
	resp_error(r, status, status == 409 ? "conflict" : status == 503 ? "unavailable" : "invalid", T(r, key), field);
}

/* Answer a done action: the drill as JSON (API), or back to its page or the commander's. */
static void answer(struct req *r, struct emerg_drill *d, int status)
{
	if (r->is_api) {
		emerg_drill_load(r, d->id, d);
		resp_json(r, status, emerg_drill_json(r, d));
		return;
	}
	const char *back = req_field(r, "back");
	resp_redirect(r, arena_printf(&r->arena, "/emerg/drills/%lld%s", (long long)d->id,
				      back && !strcmp(back, "command") ? "/command" : ""));
}

/* Begin a write; 503 answered when the database cannot. 0 begun. */
static int begin(struct req *r)
{
	if (db_begin(r->db) == DB_OK)
		return 0;
	refuse(r, 503, "error.unavailable", NULL);
	return -1;
}

/* Finish a write begun with begin(): rc is its statement's result (a statement that changed
 * no row was raced: DB_NOTFOUND); the audit entry and COMMIT, or ROLLBACK with 409 (raced, or
 * a second of what is once only) or 503. 0 when committed. */
static int finish(struct req *r, int rc, int64_t id, const char *action, const char *summary)
{
	if (rc == DB_OK && db_changes(r->db) < 1)
		rc = DB_NOTFOUND;
	if (rc == DB_OK)
		rc = audit_req(r, "emerg_drill", id, action, summary);
	if (rc == DB_OK && db_commit(r->db) == DB_OK)
		return 0;
	db_rollback(r->db);
	int clash = rc == DB_CONSTRAINT || rc == DB_NOTFOUND;
	refuse(r, clash ? 409 : 503, clash ? "emerg.err.twice" : "error.unavailable", NULL);
	return -1;
}

static int drill_start(struct req *r)
{
	struct emerg_drill *d = drill_param(r);
	if (!d)
		return 0;
	if (strcmp(d->status, "planned")) {
		refuse(r, 409, "emerg.err.not_planned", "status");
		return 0;
	}
	if (begin(r) || finish(r, db_exec(r->db, "UPDATE emerg_drills SET status = 'running', started_at = ?"
						      " WHERE id = ? AND status = 'planned'", "II", clock_now(), d->id),
				  d->id, "start", d->title))
		return 0;
	answer(r, d, 200);
	return 0;
}

static int drill_end(struct req *r)
{
	struct emerg_drill *d = drill_param(r);
	if (!d)
		return 0;
	if (strcmp(d->status, "running")) {
		refuse(r, 409, "emerg.err.not_running", "status");
		return 0;
	}
	if (begin(r) || finish(r, db_exec(r->db, "UPDATE emerg_drills SET status = 'ended', ended_at = ?"
						      " WHERE id = ? AND status = 'running'", "II", clock_now(), d->id),
				  d->id, "end", d->title))
		return 0;
	answer(r, d, 200);
	return 0;
}

/* A key action tapped: the server's clock is the time (nothing typed). Once per action. */
static int drill_mark(struct req *r)
{
	struct emerg_drill *d = drill_param(r);
	if (!d)
		return 0;
	const char *action = req_field(r, "action");
	if (!emerg_mark_known(action)) {
		refuse(r, 422, "emerg.err.action", "action");
		return 0;
	}
	if (strcmp(d->status, "running")) {
		refuse(r, 409, "emerg.err.not_running", "action");
		return 0;
	}
	int64_t n = 0;
	db_get_i64(r->db, &n, "SELECT count(*) FROM emerg_marks WHERE drill_id = ? AND action = ?", "It", d->id, action);
	if (n) {
		refuse(r, 409, "emerg.err.twice", "action");
		return 0;
	}
	if (begin(r) || finish(r, db_exec(r->db, "INSERT INTO emerg_marks (drill_id, action, at, user_id) VALUES (?, ?, ?, ?)",
						      "ItII", d->id, action, clock_now(), r->who->user_id),
				  d->id, "mark", action))
		return 0;
	answer(r, d, 201);
	return 0;
}

static int drill_step(struct req *r)
{
	struct emerg_drill *d = drill_param(r);
	if (!d)
		return 0;
	int64_t seq = 0;
	const char *s = req_param(r, "seq");
	if (!s || text_parse_i64(s, &seq) || seq < 1 || seq > EMERG_MAX_STEPS) {
		entity_not_found(r);
		return 0;
	}
	if (strcmp(d->status, "running")) {
		refuse(r, 409, "emerg.err.not_running", "seq");
		return 0;
	}
	int64_t done = -1;
	if (db_get_i64(r->db, &done, "SELECT done_at FROM emerg_steps WHERE drill_id = ? AND seq = ?", "II", d->id, seq) != 1) {
		entity_not_found(r);
		return 0;
	}
	if (done) {
		refuse(r, 409, "emerg.err.twice", "seq");
		return 0;
	}
	if (begin(r) || finish(r, db_exec(r->db, "UPDATE emerg_steps SET done_at = ?, done_by = ? WHERE drill_id = ?"
						      " AND seq = ? AND done_at = 0", "IIII", clock_now(), r->who->user_id, d->id, seq),
				  d->id, "step", arena_printf(&r->arena, "%lld", (long long)seq)))
		return 0;
	answer(r, d, 200);
	return 0;
}

/* One shortcoming of an evaluation, as read from the form (shortcoming_N, owner_N, due_N) or
 * the JSON body (shortcomings: [{text, owner_id, due_on}]). */
struct shortcoming {
	const char *text;
	int64_t owner, due;
};

/* Read the shortcomings; the count, or -1 with *field and *key naming what is wrong. */
static int read_shortcomings(struct req *r, struct shortcoming *v, const char **field, const char **key)
{
	int n = 0;
	json_t *arr = r->json ? json_object_get(r->json, "shortcomings") : NULL;
	int total = arr ? (json_is_array(arr) ? (int)json_array_size(arr) : -1) : (r->json ? 0 : 3);
	*field = "shortcomings";
	if (total < 0 || total > EMERG_MAX_SHORTCOMINGS) {
		*key = "emerg.err.shortcomings";
		return -1;
	}
	for (int i = 0; i < total; i++) {
		const char *t = NULL, *o = NULL, *due = NULL;
		char buf[24];
		if (arr) {
			json_t *x = json_array_get(arr, (size_t)i);
			t = json_string_value(json_object_get(x, "text"));
			json_t *oj = json_object_get(x, "owner_id");
			if (json_is_integer(oj)) {
				snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(oj));
				o = buf;
			}
			due = json_string_value(json_object_get(x, "due_on"));
		} else {
			t = req_field(r, arena_printf(&r->arena, "shortcoming_%d", i + 1));
			o = req_field(r, arena_printf(&r->arena, "owner_%d", i + 1));
			due = req_field(r, arena_printf(&r->arena, "due_%d", i + 1));
			*field = arena_printf(&r->arena, "shortcoming_%d", i + 1);
			if ((!t || !*t) && (!o || !*o) && (!due || !*due))
				continue;	/* an empty row of the form */
		}
		if (!t || !*t || !utf8_valid(t, strlen(t)) || utf8_chars(t) > 200) {
			*key = "emerg.err.shortcoming_text";
			return -1;
		}
		int64_t owner = 0, active = 0;
		if (!arr)
			*field = arena_printf(&r->arena, "owner_%d", i + 1);
		if (!o || text_parse_i64(o, &owner) || owner <= 0 ||
		    db_get_i64(r->db, &active, "SELECT unit_id FROM users WHERE id = ? AND active = 1", "I", owner) != 1 ||
		    !auth_scope_allows(r, active, -1)) {
			*key = "emerg.err.owner";
			return -1;
		}
		int64_t day = 0;
		if (!arr)
			*field = arena_printf(&r->arena, "due_%d", i + 1);
		if (!due || day_parse(due, &day) || day < day_today()) {
			*key = "emerg.err.due";
			return -1;
		}
		v[n++] = (struct shortcoming){t, owner, day};
	}
	return n;
}

/* The evaluation refused: the page again with the message and every value typed (422). */
static void eval_refused(struct req *r, const struct emerg_drill *d, const char *field, const char *key)
{
	if (r->is_api) {
		refuse(r, 422, key, field);
		return;
	}
	r->status = 422;
	page_begin(r, d->title);
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1>", d->title);
	page_notice(r, "error", arena_printf(&r->arena, "%s: %s", field, T(r, key)));
	html_printf(&r->out, "<h2>%s</h2>", T(r, "emerg.evaluation"));
	eval_form(r, d);
	html_printf(&r->out, "</section>");
	page_end(r);
}

static int drill_evaluate(struct req *r)
{
	struct emerg_drill *d = drill_param(r);
	if (!d)
		return 0;
	if (strcmp(d->status, "ended")) {
		refuse(r, 409, "emerg.err.not_ended", "status");
		return 0;
	}
	if (d->evaluated_at) {
		refuse(r, 409, "emerg.err.evaluated", "status");
		return 0;
	}
	const char *score_s = req_field(r, "score"), *summary = req_field(r, "summary");
	int64_t score = -1;
	if (!score_s || text_parse_i64(score_s, &score) || score < 0 || score > 100) {
		eval_refused(r, d, "score", "emerg.err.score");
		return 0;
	}
	if (!summary || !*summary || !utf8_valid(summary, strlen(summary)) || utf8_chars(summary) > 2000) {
		eval_refused(r, d, "summary", "emerg.err.summary");
		return 0;
	}
	struct shortcoming v[EMERG_MAX_SHORTCOMINGS];
	const char *field, *key;
	int n = read_shortcomings(r, v, &field, &key);
	if (n < 0) {
		eval_refused(r, d, field, key);
		return 0;
	}
	if (begin(r))
		return 0;
	int64_t now = clock_now();
	int rc = db_exec(r->db, "UPDATE emerg_drills SET eval_score = ?, eval_summary = ?, evaluated_by = ?, evaluated_at = ?"
				" WHERE id = ? AND evaluated_at = 0", "ItIII", score, summary, r->who->user_id, now, d->id);
	if (rc == DB_OK && db_changes(r->db) < 1)
		rc = DB_NOTFOUND;
	/* each shortcoming becomes an action with its owner and deadline, told to the owner */
	for (int i = 0; i < n && rc == DB_OK; i++) {
		rc = db_exec(r->db, "INSERT INTO emerg_actions (drill_id, text, owner_id, due_on, created_at) VALUES (?, ?, ?, ?, ?)",
			     "ItIII", d->id, v[i].text, v[i].owner, v[i].due, now);
		int64_t aid = db_last_id(r->db);
		struct notify_msg m = {.kind = "emerg.action", .title_key = "emerg.notify.action", .subject = d->title,
				       .body = v[i].text, .link = "/emerg/actions?todo=1",
				       .dedup_key = arena_printf(&r->arena, "emerg:action:%lld", (long long)aid)};
		if (rc == DB_OK && notify_send(r->db, v[i].owner, &m) < 0)
			rc = DB_ERROR;
	}
	if (finish(r, rc, d->id, "evaluate", arena_printf(&r->arena, "score %lld, %d actions", (long long)score, n)))
		return 0;
	answer(r, d, 200);
	return 0;
}

/* ---- the yearly plan: plan the drills each short unit misses ---- */

struct plan_ctx {
	int year, added;
	int64_t by;
	int failed;
	json_t *units;
};

static void plan_unit(struct req *r, int64_t unit_id, const char *name, const struct emerg_minimum *m, int s, void *ctx)
{
	struct plan_ctx *p = ctx;
	if (!s || p->failed)
		return;
	struct emerg_proposal v[3];
	int n = emerg_plan_proposals(m, p->year, day_today(), v);
	for (int i = 0; i < n && !p->failed; i++) {
		char key[40];
		snprintf(key, sizeof key, "emerg.kind.%s", v[i].kind);
		const char *title = arena_printf(&r->arena, "%s · %s", name, T(r, key));
		if (emerg_drill_insert(r->db, unit_id, v[i].kind, title, "", 1, v[i].day, "", 0, p->by, clock_now()) < 0 ||
		    db_exec(r->db, "INSERT INTO emerg_steps (drill_id, seq, text) SELECT ?, 1, ?", "It", db_last_id(r->db),
			    T(r, "emerg.step.alarm")) != DB_OK)
			p->failed = 1;
		else
			p->added++;
	}
}

static int plan_generate(struct req *r)
{
	const char *ys = req_field(r, "year");
	int64_t year = 0;
	if (!ys || text_parse_i64(ys, &year) || year < 2000 || year > 2100) {
		refuse(r, 422, "emerg.err.year", "year");
		return 0;
	}
	if (begin(r))
		return 0;
	struct plan_ctx p = {.year = (int)year, .by = r->who->user_id};
	emerg_units_standing(r, (int)year, plan_unit, &p);
	if (p.failed || audit_req(r, "emerg_drill", 0, "plan", arena_printf(&r->arena, "%lld: %d drills planned",
									    (long long)year, p.added)) != DB_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		refuse(r, 503, "error.unavailable", NULL);
		return 0;
	}
	if (r->is_api) {
		json_t *units = json_array();
		emerg_units_standing(r, (int)year, standing_json, units);
		resp_json(r, 200, json_pack("{s:i, s:i, s:o}", "year", (int)year, "added", p.added, "units", units));
	} else {
		resp_redirect(r, arena_printf(&r->arena, "/emerg?year=%lld", (long long)year));
	}
	return 0;
}

static int plan_api(struct req *r)
{
	int year = year_of(r);
	if (!year)
		return 0;
	json_t *units = json_array();
	emerg_units_standing(r, year, standing_json, units);
	resp_json(r, 200, json_pack("{s:i, s:o}", "year", year, "units", units));
	return 0;
}

/* ---- actions: the shortcomings to remedy ---- */

#define ACTION_WHERE " FROM emerg_actions a JOIN emerg_drills d ON d.id = a.drill_id JOIN units u ON u.id = d.unit_id" \
		     " JOIN users us ON us.id = a.owner_id WHERE (a.owner_id = ?1 OR (?2 = 0 AND u.path LIKE ?3))" \
		     " AND (?4 = 0 OR (a.owner_id = ?1 AND a.done_at = 0))"

int64_t emerg_todo_actions(struct req *r)
{
	int64_t n = 0;
	db_get_i64(r->db, &n, "SELECT count(*)" ACTION_WHERE, "IItI", r->who->user_id, auth_scope_owner(r),
		   auth_scope_pattern(r), (int64_t)1);
	return n;
}

static int actions_list(struct req *r)
{
	int todo = req_query_flag(r, "todo", 0), page, per_page;
	req_page(r, 50, &page, &per_page);
	if (r->bad_param)
		return 0;
	int64_t total = 0;
	db_get_i64(r->db, &total, "SELECT count(*)" ACTION_WHERE, "IItI", r->who->user_id, auth_scope_owner(r),
		   auth_scope_pattern(r), (int64_t)todo);
	struct db_stmt *st = db_query(r->db, "SELECT a.id, a.text, us.name, a.due_on, a.done_at, d.id, d.title, a.owner_id"
				      ACTION_WHERE " ORDER BY a.done_at != 0, a.due_on, a.id LIMIT ?5 OFFSET ?6",
				      "IItIII", r->who->user_id, auth_scope_owner(r), auth_scope_pattern(r), (int64_t)todo,
				      (int64_t)per_page, (int64_t)(page - 1) * per_page);
	json_t *items = json_array();
	struct strbuf rows = STRBUF_INIT;
	int64_t today = day_today();
	while (st && db_step(st) == 1) {
		char day[16];
		int64_t due = db_col_i64(st, 3), done = db_col_i64(st, 4);
		if (r->is_api) {
			json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:o, s:o, s:I, s:s, s:b}", "id",
				(json_int_t)db_col_i64(st, 0), "text", db_col_text(st, 1), "owner", db_col_text(st, 2),
				"due_on", day_json(due), "done_at", opt_time(done), "drill_id", (json_int_t)db_col_i64(st, 5),
				"drill", db_col_text(st, 6), "overdue", !done && due < today));
			continue;
		}
		html_printf(&rows, "<li data-emerg-row=\"%D\"><strong>%s</strong><br><small>%s · %s · <a href=\"/emerg/drills/%D\">%s</a>"
				   " · %s</small>", db_col_i64(st, 0), db_col_text(st, 1), db_col_text(st, 2),
			    day_format(due, day), db_col_i64(st, 5), db_col_text(st, 6),
			    T(r, done ? "emerg.action.done" : !done && due < today ? "emerg.action.overdue" : "emerg.action.open"));
		if (!done && db_col_i64(st, 7) == r->who->user_id)
			html_printf(&rows, "<form method=\"post\" action=\"/emerg/actions/%D/done\">%r<button>%s</button></form>",
				    db_col_i64(st, 0), page_csrf(r), T(r, "emerg.action.close"));
		html_printf(&rows, "</li>");
	}
	db_done(r->db, st);
	if (r->is_api) {
		sb_release(&rows);
		resp_json(r, 200, json_pack("{s:o, s:i, s:i, s:I}", "items", items, "page", page, "per_page", per_page,
					    "total", (json_int_t)total));
		return 0;
	}
	json_decref(items);
	page_begin(r, T(r, "emerg.actions"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><p><a href=\"/emerg/actions?todo=1\">%s</a></p>"
			     "<ul class=\"list\">%r</ul>", T(r, "emerg.actions"), T(r, "emerg.actions_mine"), html_raw_sb(&rows));
	form_pager(r, todo ? "/emerg/actions?todo=1" : "/emerg/actions", page, per_page, total);
	html_printf(&r->out, "<p><a href=\"/emerg\">%s</a></p></section>", T(r, "form.back"));
	page_end(r);
	sb_release(&rows);
	return 0;
}

/* The owner closes an action. */
static int action_done(struct req *r)
{
	int64_t id, drill = 0;
	if (req_param_id(r, "id", &id) ||
	    db_get_i64(r->db, &drill, "SELECT drill_id FROM emerg_actions WHERE id = ? AND owner_id = ?", "II", id,
		       r->who->user_id) != 1) {
		entity_not_found(r);
		return 0;
	}
	if (begin(r) || finish(r, db_exec(r->db, "UPDATE emerg_actions SET done_at = ? WHERE id = ? AND done_at = 0", "II",
					  clock_now(), id), drill, "action_done", arena_printf(&r->arena, "%lld", (long long)id)))
		return 0;
	if (r->is_api)
		resp_json(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "done", 1));
	else
		resp_redirect(r, "/emerg/actions?todo=1");
	return 0;
}

const struct route emerg_routes[] = {
	{"GET", "/emerg", emerg_drill_list, "emerg.view", 0, "Drills of a year and each unit against the drill minimums"},
	{"POST", "/emerg/plan", plan_generate, "emerg.manage", 0, "Plan the drills each short unit misses this year"},
	{"GET", "/emerg/drills/new", emerg_drill_new, "emerg.manage", 0, "Drill: the form for a new one"},
	{"POST", "/emerg/drills", emerg_drill_create, "emerg.manage", 0, "Drill: create"},
	{"GET", "/emerg/drills/:id", emerg_drill_edit, "emerg.view", 0, "Drill: its state, key actions, evaluation"},
	{"POST", "/emerg/drills/:id", emerg_drill_update, "emerg.manage", 0, "Drill: save (while planned)"},
	{"POST", "/emerg/drills/:id/start", drill_start, "emerg.command", 0, "Drill: start"},
	{"POST", "/emerg/drills/:id/end", drill_end, "emerg.command", 0, "Drill: end"},
	{"POST", "/emerg/drills/:id/marks", drill_mark, "emerg.command", 0, "Drill: time-stamp a key action"},
	{"POST", "/emerg/drills/:id/steps/:seq", drill_step, "emerg.command", 0, "Drill: tick off a step"},
	{"POST", "/emerg/drills/:id/evaluate", drill_evaluate, "emerg.manage", 0, "Drill: evaluation and actions"},
	{"GET", "/emerg/drills/:id/command", emerg_command_page, "emerg.command", 0, "Drill: the commander's page"},
	{"POST", "/emerg/incidents/:id/mode", emerg_incident_open, "emerg.command", 0, "Incident: open emergency mode"},
	{"GET", "/emerg/c/:checkin", emerg_checkin_page, "emerg.view", 0, "Check-in page of a drill's QR code"},
	{"POST", "/emerg/c/:checkin", emerg_checkin_post, "emerg.view", 0, "Check in safe at the muster point"},
	{"GET", "/emerg/actions", actions_list, "emerg.view", ROUTE_PAGED, "Actions from drill evaluations"},
	{"POST", "/emerg/actions/:id/done", action_done, "emerg.view", 0, "Close one's own action"},
	{"GET", "/emerg/plans", emerg_plan_list, "emerg.view", 0, "Emergency plans with their review state"},
	{"GET", "/emerg/plans/new", emerg_plan_new, "emerg.manage", 0, "Plan: the form for a new one"},
	{"POST", "/emerg/plans", emerg_plan_create, "emerg.manage", 0, "Plan: create"},
	{"GET", "/emerg/plans/:id", emerg_plan_edit, "emerg.view", 0, "Plan: its versions and parts, and its form"},
	{"POST", "/emerg/plans/:id", emerg_plan_update, "emerg.manage", 0, "Plan: save"},
	{"POST", "/emerg/plans/:id/deactivate", emerg_plan_deact, "emerg.manage", 0, "Plan: withdraw"},
	{"POST", "/emerg/plans/:id/pdf", emerg_plan_pdf_post, "emerg.manage", 0, "Plan: a new approved version (PDF)"},
	{"GET", "/emerg/plans/:id/pdf", emerg_plan_pdf_get, "emerg.view", 0, "Plan: a version's PDF"},
	{"POST", "/emerg/plans/:id/parts", emerg_plan_part_post, "emerg.manage", 0, "Plan: add a structured part"},
	{"GET", "/emerg/areas/:id/card", emerg_area_card, "emerg.view", 0, "The on-site response cards of an area (its label)"},
	{"GET", "/emerg/resources", emerg_resource_list_page, "emerg.view", 0, "Emergency supplies"},
	{"GET", "/emerg/resources/new", emerg_res_new, "emerg.manage", 0, "Supply: the form for a new one"},
	{"POST", "/emerg/resources", emerg_res_create, "emerg.manage", 0, "Supply: create"},
	{"GET", "/emerg/resources/:id", emerg_res_edit, "emerg.view", 0, "Supply: one, and its form"},
	{"POST", "/emerg/resources/:id", emerg_res_update, "emerg.manage", 0, "Supply: save"},
	{"POST", "/emerg/resources/:id/deactivate", emerg_res_deact, "emerg.manage", 0, "Supply: deactivate"},
	{"POST", "/emerg/resources/:id/check", emerg_resource_check, "emerg.view", 0, "Supply: the monthly check"},
	{"GET", "/emerg/teams", emerg_team_list, "emerg.view", 0, "Emergency teams"},
	{"GET", "/emerg/teams/new", emerg_team_new, "emerg.manage", 0, "Team: the form for a new one"},
	{"POST", "/emerg/teams", emerg_team_create, "emerg.manage", 0, "Team: create"},
	{"GET", "/emerg/teams/:id", emerg_team_edit, "emerg.view", 0, "Team: its members, and its form"},
	{"POST", "/emerg/teams/:id", emerg_team_update, "emerg.manage", 0, "Team: save"},
	{"POST", "/emerg/teams/:id/deactivate", emerg_team_deact, "emerg.manage", 0, "Team: disband"},
	{"POST", "/emerg/teams/:id/members", emerg_team_member_post, "emerg.manage", 0, "Team: add a member"},
	{"GET", "/emerg/contacts", emerg_contact_list, "emerg.view", 0, "Outside emergency contacts"},
	{"GET", "/emerg/contacts/new", emerg_contact_new, "emerg.manage", 0, "Contact: the form for a new one"},
	{"POST", "/emerg/contacts", emerg_contact_create, "emerg.manage", 0, "Contact: create"},
	{"GET", "/emerg/contacts/:id", emerg_contact_edit, "emerg.view", 0, "Contact: one, and its form"},
	{"POST", "/emerg/contacts/:id", emerg_contact_update, "emerg.manage", 0, "Contact: save"},
	{"POST", "/emerg/contacts/:id/deactivate", emerg_contact_deact, "emerg.manage", 0, "Contact: remove"},
	{"GET", "/api/v1/emerg/teams", emerg_team_api_list, "emerg.view", ROUTE_API | ROUTE_PAGED, "Teams in scope"},
	{"GET", "/api/v1/emerg/teams/:id", emerg_team_api_get, "emerg.view", ROUTE_API, "Team: one, with members"},
	{"POST", "/api/v1/emerg/teams", emerg_team_api_create, "emerg.manage", ROUTE_API, "Team: create"},
	{"PATCH", "/api/v1/emerg/teams/:id", emerg_team_api_update, "emerg.manage", ROUTE_API, "Team: change"},
	{"POST", "/api/v1/emerg/teams/:id/deactivate", emerg_team_api_deact, "emerg.manage", ROUTE_API | ROUTE_NO_BODY, "Team: disband"},
	{"POST", "/api/v1/emerg/teams/:id/members", emerg_team_member_post, "emerg.manage", ROUTE_API, "Team: add a member"},
	{"GET", "/api/v1/emerg/contacts", emerg_contact_api_list, "emerg.view", ROUTE_API | ROUTE_PAGED, "Contacts in scope"},
	{"GET", "/api/v1/emerg/contacts/:id", emerg_contact_api_get, "emerg.view", ROUTE_API, "Contact: one"},
	{"POST", "/api/v1/emerg/contacts", emerg_contact_api_create, "emerg.manage", ROUTE_API, "Contact: create"},
	{"PATCH", "/api/v1/emerg/contacts/:id", emerg_contact_api_update, "emerg.manage", ROUTE_API, "Contact: change"},
	{"POST", "/api/v1/emerg/contacts/:id/deactivate", emerg_contact_api_deact, "emerg.manage", ROUTE_API | ROUTE_NO_BODY, "Contact: remove"},
	{"GET", "/api/v1/emerg/drills", emerg_drill_api_list, "emerg.view", ROUTE_API | ROUTE_PAGED, "Drills of a year in scope"},
	{"GET", "/api/v1/emerg/drills/:id", emerg_drill_api_get, "emerg.view", ROUTE_API, "Drill: one, with measured times"},
	{"POST", "/api/v1/emerg/drills", emerg_drill_api_create, "emerg.manage", ROUTE_API, "Drill: create"},
	{"PATCH", "/api/v1/emerg/drills/:id", emerg_drill_api_update, "emerg.manage", ROUTE_API, "Drill: change (while planned)"},
	{"POST", "/api/v1/emerg/drills/:id/start", drill_start, "emerg.command", ROUTE_API, "Drill: start"},
	{"POST", "/api/v1/emerg/drills/:id/end", drill_end, "emerg.command", ROUTE_API, "Drill: end"},
	{"POST", "/api/v1/emerg/drills/:id/marks", drill_mark, "emerg.command", ROUTE_API, "Drill: time-stamp a key action"},
	{"POST", "/api/v1/emerg/drills/:id/steps/:seq", drill_step, "emerg.command", ROUTE_API, "Drill: tick off a step"},
	{"POST", "/api/v1/emerg/drills/:id/evaluate", drill_evaluate, "emerg.manage", ROUTE_API, "Drill: evaluation and actions"},
	{"POST", "/api/v1/emerg/checkin", emerg_api_checkin, "emerg.view", ROUTE_API, "Check in safe with a drill's QR token"},
	{"POST", "/api/v1/emerg/incidents/:id/mode", emerg_incident_open, "emerg.command", ROUTE_API, "Incident: open emergency mode"},
	{"GET", "/api/v1/emerg/incidents/:id/mode", emerg_incident_mode_get, "emerg.view", ROUTE_API, "Incident: its emergency mode's record"},
	{"GET", "/api/v1/emerg/plan", plan_api, "emerg.view", ROUTE_API, "Each unit against the drill minimums of a year"},
	{"POST", "/api/v1/emerg/plan", plan_generate, "emerg.manage", ROUTE_API, "Plan the drills each short unit misses"},
	{"GET", "/api/v1/emerg/actions", actions_list, "emerg.view", ROUTE_API | ROUTE_PAGED, "Actions from drill evaluations"},
	{"POST", "/api/v1/emerg/actions/:id/done", action_done, "emerg.view", ROUTE_API, "Close one's own action"},
	{"GET", "/api/v1/emerg/plans", emerg_plan_api_list, "emerg.view", ROUTE_API | ROUTE_PAGED, "Plans in scope"},
	{"GET", "/api/v1/emerg/plans/:id", emerg_plan_api_get, "emerg.view", ROUTE_API, "Plan: one, with parts and versions"},
	{"POST", "/api/v1/emerg/plans", emerg_plan_api_create, "emerg.manage", ROUTE_API, "Plan: create"},
	{"PATCH", "/api/v1/emerg/plans/:id", emerg_plan_api_update, "emerg.manage", ROUTE_API, "Plan: change"},
	{"POST", "/api/v1/emerg/plans/:id/deactivate", emerg_plan_api_deact, "emerg.manage", ROUTE_API | ROUTE_NO_BODY, "Plan: withdraw"},
	{"POST", "/api/v1/emerg/plans/:id/pdf", emerg_plan_pdf_post, "emerg.manage", ROUTE_API, "Plan: a new approved version (multipart PDF)"},
	{"POST", "/api/v1/emerg/plans/:id/parts", emerg_plan_part_post, "emerg.manage", ROUTE_API, "Plan: add a structured part"},
	{"GET", "/api/v1/emerg/resources", emerg_res_api_list, "emerg.view", ROUTE_API | ROUTE_PAGED, "Supplies in scope"},
	{"GET", "/api/v1/emerg/resources/:id", emerg_res_api_get, "emerg.view", ROUTE_API, "Supply: one"},
	{"POST", "/api/v1/emerg/resources", emerg_res_api_create, "emerg.manage", ROUTE_API, "Supply: create"},
	{"PATCH", "/api/v1/emerg/resources/:id", emerg_res_api_update, "emerg.manage", ROUTE_API, "Supply: change"},
	{"POST", "/api/v1/emerg/resources/:id/deactivate", emerg_res_api_deact, "emerg.manage", ROUTE_API | ROUTE_NO_BODY, "Supply: deactivate"},
	{"POST", "/api/v1/emerg/resources/:id/check", emerg_resource_check, "emerg.view", ROUTE_API, "Supply: the monthly check"},
	EMERG_TABLETOP_ROUTES
	{0},
};
