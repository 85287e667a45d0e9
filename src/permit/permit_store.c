/*
 * permit_store.c — reading a permit with its lists, storing an application (a draft), and
 * recording a gas test, as an actor (auth/actor.h): no request here.
 *
 * An application comes as a form (pages) or as JSON (API); both reach this code through a
 * struct permit_input (a field by name, and the JSON body for the lists), with the workers,
 * measures and related permits read from either "worker_N"/"measure_ID" form fields or JSON
 * arrays. Nothing is stored unless every field parses and the grade can be derived; the
 * blocking checks run again at submission.
 */
#include "permit/permit.h"
#include "auth/actor.h"
#include "base/clock.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "db/db.h"
#include "web/i18n.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void permit_free(struct permit *p)
{
	if (!p)
		return;
	free(p->number);
	free(p->type);
	free(p->grade);
	free(p->state);
	free(p->work_unit);
	free(p->content);
	free(p->hazards);
	free(p->hot_place);
	free(p->conflicts);
	for (int i = 0; i < p->nworkers; i++)
		free(p->workers[i].role);
	free(p->workers);
	free(p->measures);
	free(p->links);
	free(p);
}

struct permit *permit_load(struct db *c, int64_t id)
{
	struct db_stmt *st = db_query(c,
		"SELECT id, number, type, grade, state, area_id, COALESCE(equipment_id, 0), unit_id,"
		" applicant_id, COALESCE(guardian_id, 0), work_unit, contractor, content, hazards,"
		" planned_start, planned_end, hot_place, shutdown, holiday, wind, height_m, factors,"
		" load_t, hazardous_area, oxygen_enriched, medium_lel, hot_inside, chain_step, round,"
		" conflicts, started_at, suspended_at, closed_at, created_at FROM permits WHERE id = ?",
		"I", id);
	if (!st || db_step(st) != 1) {
		db_done(c, st);
		return NULL;
	}
	struct permit *p = xcalloc(1, sizeof(*p));
	p->id = db_col_i64(st, 0);
	p->number = xstrdup(db_col_text(st, 1));
	p->type = xstrdup(db_col_text(st, 2));
	p->grade = xstrdup(db_col_text(st, 3));
	p->state = xstrdup(db_col_text(st, 4));
	p->area_id = db_col_i64(st, 5);
	p->equipment_id = db_col_i64(st, 6);
	p->unit_id = db_col_i64(st, 7);
	p->applicant_id = db_col_i64(st, 8);
	p->guardian_id = db_col_i64(st, 9);
	p->work_unit = xstrdup(db_col_text(st, 10));
	p->contractor = (int)db_col_i64(st, 11);
	p->content = xstrdup(db_col_text(st, 12));
	p->hazards = xstrdup(db_col_text(st, 13));
	p->planned_start = db_col_i64(st, 14);
	p->planned_end = db_col_i64(st, 15);
	p->hot_place = xstrdup(db_col_text(st, 16));
	p->shutdown = (int)db_col_i64(st, 17);
	p->holiday = (int)db_col_i64(st, 18);
	p->wind = (int)db_col_i64(st, 19);
	p->height_m = db_col_double(st, 20);
	p->factors = (int)db_col_i64(st, 21);
	p->load_t = db_col_double(st, 22);
	p->hazardous_area = (int)db_col_i64(st, 23);
	p->oxygen_enriched = (int)db_col_i64(st, 24);
	p->medium_lel = db_col_double(st, 25);
	p->hot_inside = (int)db_col_i64(st, 26);
	p->chain_step = (int)db_col_i64(st, 27);
	p->round = (int)db_col_i64(st, 28);
	p->conflicts = xstrdup(db_col_text(st, 29));
	p->started_at = db_col_i64(st, 30);
	p->suspended_at = db_col_i64(st, 31);
	p->closed_at = db_col_i64(st, 32);
	p->created_at = db_col_i64(st, 33);
	db_done(c, st);

	st = db_query(c, "SELECT user_id, role FROM permit_workers WHERE permit_id = ? ORDER BY position", "I", id);
	while (st && db_step(st) == 1) {
		p->workers = xrealloc(p->workers, (size_t)(p->nworkers + 1) * sizeof(*p->workers));
		p->workers[p->nworkers].user_id = db_col_i64(st, 0);
		p->workers[p->nworkers++].role = xstrdup(db_col_text(st, 1));
	}
	db_done(c, st);
	st = db_query(c, "SELECT measure_id, COALESCE(confirmed_by, 0) FROM permit_measures WHERE permit_id = ?"
			 " ORDER BY measure_id", "I", id);
	while (st && db_step(st) == 1) {
		p->measures = xrealloc(p->measures, (size_t)(p->nmeasures + 1) * sizeof(*p->measures));
		p->measures[p->nmeasures].measure_id = db_col_i64(st, 0);
		p->measures[p->nmeasures++].confirmed_by = db_col_i64(st, 1);
	}
	db_done(c, st);
	st = db_query(c, "SELECT other_id FROM permit_links WHERE permit_id = ? UNION"
			 " SELECT permit_id FROM permit_links WHERE other_id = ?", "II", id, id);
	while (st && db_step(st) == 1) {
		p->links = xrealloc(p->links, (size_t)(p->nlinks + 1) * sizeof(*p->links));
		p->links[p->nlinks++] = db_col_i64(st, 0);
	}
	db_done(c, st);
	return p;
}

int permit_visible_to(const struct actor *a, const struct permit *p)
{
	if (actor_scope_allows(a, p->unit_id, p->applicant_id))
		return 1;
	if (a->user_id == p->applicant_id || a->user_id == p->guardian_id)
		return 1;
	for (int i = 0; i < p->nworkers; i++)
		if (p->workers[i].user_id == a->user_id)
			return 1;
	return 0;
}

int64_t permit_setting_int(struct db *c, const char *key, int64_t dflt)
{
	char *v = NULL;
	int64_t n = dflt;
	if (db_get_text(c, &v, "SELECT value FROM settings WHERE key = ?", "t", key) == 1 &&
	    text_parse_i64(v, &n))
		n = dflt;
	free(v);
	return n;
}

/* --- reading the input --- */

static const char *in_field(const struct permit_input *in, const char *name)
{
	return in->field ? in->field(in->ctx, name) : NULL;
}

/* A time: UTC seconds, or "YYYY-MM-DDTHH:MM" in the plant's zone (a datetime-local input). */
int permit_parse_time(const char *s, int64_t *out)
{
	if (!s || !*s)
		return -1;
	if (!text_parse_i64(s, out))
		return *out > 0 ? 0 : -1;
	struct tm tm = {0};
	const char *end = strptime(s, "%Y-%m-%dT%H:%M", &tm);
	if (!end || (*end && *end != ':'))
		return -1;
	*out = (int64_t)timegm(&tm) - clock_local_offset();
	return 0;
}

static int field_i64(const struct permit_input *r, const char *name, int64_t *out, int64_t dflt)
{
	const char *v = in_field(r, name);
	if (!v || !*v) {
		*out = dflt;
		return 0;
	}
	return text_parse_i64(v, out);
}

static int field_double(const struct permit_input *r, const char *name, double *out, double dflt)
{
	const char *v = in_field(r, name);
	if (!v || !*v) {
		*out = dflt;
		return 0;
	}
	return text_parse_double(v, out);
}

static int field_flag(const struct permit_input *r, const char *name)
{
	const char *v = in_field(r, name);
	return v && (!strcmp(v, "1") || !strcmp(v, "on") || !strcmp(v, "true"));
}

static int user_exists(struct db *c, int64_t id)
{
	int64_t one = 0;
	return id > 0 && db_get_i64(c, &one, "SELECT 1 FROM users WHERE id = ? AND active = 1", "I", id) == 1;
}

/* Workers: JSON [{"user_id":1,"role":"焊工"}] or form worker_1..worker_12 with worker_role_N. */
static int read_workers(const struct actor *a, const struct permit_input *r, struct permit *p, struct permit_err *e)
{
	json_t *arr = r->json ? json_object_get(r->json, "workers") : NULL;
	if (arr && json_is_array(arr)) {
		size_t i;
		json_t *w;
		json_array_foreach(arr, i, w) {
			json_t *u = json_object_get(w, "user_id"), *ro = json_object_get(w, "role");
			if (!json_is_integer(u) || !user_exists(a->db, json_integer_value(u))) {
				permit_err_set(e, 422, "permit.err.worker", "workers", NULL);
				return -1;
			}
			p->workers = xrealloc(p->workers, (size_t)(p->nworkers + 1) * sizeof(*p->workers));
			p->workers[p->nworkers].user_id = json_integer_value(u);
			p->workers[p->nworkers++].role = xstrdup(json_is_string(ro) ? json_string_value(ro) : "");
		}
		return 0;
	}
	for (int n = 1; n <= 12; n++) {
		char k[32], kr[32];
		snprintf(k, sizeof(k), "worker_%d", n);
		snprintf(kr, sizeof(kr), "worker_role_%d", n);
		int64_t uid;
		const char *v = in_field(r, k);
		if (!v || !*v)
			continue;
		if (text_parse_i64(v, &uid) || !user_exists(a->db, uid)) {
			permit_err_set(e, 422, "permit.err.worker", k, NULL);
			return -1;
		}
		const char *role = in_field(r, kr);
		p->workers = xrealloc(p->workers, (size_t)(p->nworkers + 1) * sizeof(*p->workers));
		p->workers[p->nworkers].user_id = uid;
		p->workers[p->nworkers++].role = xstrdup(role ? role : "");
	}
	for (int i = 0; i < p->nworkers; i++)
		for (int j = 0; j < i; j++)
			if (p->workers[i].user_id == p->workers[j].user_id) {
				permit_err_set(e, 422, "permit.err.worker_twice", "workers", NULL);
				return -1;
			}
	return 0;
}

/* Measures: every standard measure of the type; confirmations from JSON
 * [{"measure_id":1,"confirmed_by":7}] or form fields measure_ID = user id; a measure nobody
 * is named for is the guardian's to confirm (none yet when there is no guardian). */
static int read_measures(const struct actor *a, const struct permit_input *r, struct permit *p, struct permit_err *e)
{
	struct db_stmt *st = db_query(a->db, "SELECT id FROM permit_measure_std WHERE type = ? ORDER BY sort",
				    "t", p->type);
	while (st && db_step(st) == 1) {
		p->measures = xrealloc(p->measures, (size_t)(p->nmeasures + 1) * sizeof(*p->measures));
		p->measures[p->nmeasures].measure_id = db_col_i64(st, 0);
		p->measures[p->nmeasures++].confirmed_by = 0;
	}
	db_done(a->db, st);
	json_t *arr = r->json ? json_object_get(r->json, "measures") : NULL;
	for (int i = 0; i < p->nmeasures; i++) {
		int64_t by = 0;
		if (arr && json_is_array(arr)) {
			size_t k;
			json_t *m;
			json_array_foreach(arr, k, m) {
				json_t *id = json_object_get(m, "measure_id"), *b = json_object_get(m, "confirmed_by");
				if (json_is_integer(id) && json_integer_value(id) == p->measures[i].measure_id)
					by = json_is_integer(b) ? json_integer_value(b) : json_is_null(b) || !b ? 0 : -1;
			}
		} else {
			char k[40];
			snprintf(k, sizeof(k), "measure_%lld", (long long)p->measures[i].measure_id);
			const char *v = in_field(r, k);
			if (v && *v && text_parse_i64(v, &by))
				by = -1;
		}
		if (by && !user_exists(a->db, by)) {
			permit_err_set(e, 422, "permit.err.measure_person", "measures", NULL);
			return -1;
		}
		/* no one named: the guardian confirms it (he checks the site before work starts) */
		p->measures[i].confirmed_by = by ? by : p->guardian_id;
	}
	return 0;
}

/* The people chosen are refused when chosen, not only at submission (issue 12: a guardian or
 * worker nobody may use leaves a draft that can never go on): the guardian and each worker
 * must hold what the submission's checks ask, on the planned start day. A draft may still
 * lack them; submission asks for them. */
static int check_people(struct db *c, const struct permit *p, struct permit_err *e)
{
	if (p->guardian_id && permit_check_guardian(c, p, permit_cert_default, e))
		return -1;
	return p->nworkers ? permit_check_workers(c, p, permit_cert_default, e) : 0;
}

/* Related permits: JSON [ids] or a form field "related" with ids separated by commas. */
static int read_links(const struct actor *a, const struct permit_input *r, struct permit *p, struct permit_err *e)
{
	json_t *arr = r->json ? json_object_get(r->json, "related") : NULL;
	struct strbuf ids = STRBUF_INIT;
	if (arr && json_is_array(arr)) {
		size_t i;
		json_t *v;
		json_array_foreach(arr, i, v)
			if (json_is_integer(v))
				sb_addf(&ids, "%lld,", (long long)json_integer_value(v));
	} else {
		const char *v = in_field(r, "related");
		sb_adds(&ids, v ? v : "");
	}
	char *save = NULL;
	int rc = 0;
	for (char *t = ids.len ? strtok_r(ids.buf, ", ", &save) : NULL; t; t = strtok_r(NULL, ", ", &save)) {
		int64_t id = 0;
		/* an id, or a number such as DH-2026-000045 */
		if (text_parse_i64(t, &id) || db_get_i64(a->db, &id, "SELECT id FROM permits WHERE id = ?", "I", id) != 1) {
			if (db_get_i64(a->db, &id, "SELECT id FROM permits WHERE number = ?", "t", t) != 1) {
				permit_err_set(e, 422, "permit.err.related", "related", xstrdup(t));
				rc = -1;
				break;
			}
		}
		p->links = xrealloc(p->links, (size_t)(p->nlinks + 1) * sizeof(*p->links));
		p->links[p->nlinks++] = id;
	}
	sb_release(&ids);
	return rc;
}

/* Read and check every scalar field of an application into p. */
static int read_application(const struct actor *a, const struct permit_input *r, struct permit *p, struct permit_err *e)
{
	int64_t v;
	const char *s;
	s = in_field(r, "type");
	if (!permit_type_find(s)) {
		permit_err_set(e, 422, "permit.err.type", "type", NULL);
		return -1;
	}
	p->type = xstrdup(s);
	if (field_i64(r, "area_id", &p->area_id, 0) ||
	    db_get_i64(a->db, &p->unit_id, "SELECT unit_id FROM areas WHERE id = ? AND active = 1", "I",
		       p->area_id) != 1) {
		permit_err_set(e, 422, "permit.err.area", "area_id", NULL);
		return -1;
	}
	if (field_i64(r, "equipment_id", &p->equipment_id, 0) ||
	    (p->equipment_id && db_get_i64(a->db, &v, "SELECT 1 FROM equipment WHERE id = ?", "I",
					   p->equipment_id) != 1)) {
		permit_err_set(e, 422, "permit.err.equipment", "equipment_id", NULL);
		return -1;
	}
	s = in_field(r, "content");
	if (!s || !*s || utf8_chars(s) > 2000) {
		permit_err_set(e, 422, "permit.err.content", "content", NULL);
		return -1;
	}
	p->content = xstrdup(s);
	s = in_field(r, "hazards");
	p->hazards = xstrdup(s ? s : "");
	s = in_field(r, "work_unit");
	p->contractor = field_flag(r, "contractor");
	if (s && *s)
		p->work_unit = xstrdup(s);
	else if (db_get_text(a->db, &p->work_unit, "SELECT name FROM units WHERE id = ?", "I", a->unit_id) != 1)
		p->work_unit = xstrdup("");	/* the actor's own unit by default; the system has none */
	if (permit_parse_time(in_field(r, "planned_start"), &p->planned_start)) {
		permit_err_set(e, 422, "permit.err.time", "planned_start", NULL);
		return -1;
	}
	if (permit_parse_time(in_field(r, "planned_end"), &p->planned_end)) {
		permit_err_set(e, 422, "permit.err.time", "planned_end", NULL);
		return -1;
	}
	if (field_i64(r, "guardian_id", &p->guardian_id, 0) || (p->guardian_id && !user_exists(a->db, p->guardian_id))) {
		permit_err_set(e, 422, "permit.err.guardian", "guardian_id", NULL);
		return -1;
	}
	/* only a person holding permit.guard may start, resume or close the work: a guardian
	 * without it would leave an approved permit nobody can start, so refuse them when chosen */
	if (p->guardian_id && !actor_user_has(a->db, p->guardian_id, "permit.guard")) {
		permit_err_set(e, 422, "permit.err.guardian_not_guard", "guardian_id", NULL);
		return -1;
	}
	s = in_field(r, "hot_place");
	p->hot_place = xstrdup(s ? s : "");
	p->shutdown = field_flag(r, "shutdown");
	p->holiday = field_flag(r, "holiday");
	p->hazardous_area = field_flag(r, "hazardous_area");
	p->oxygen_enriched = field_flag(r, "oxygen_enriched");
	p->hot_inside = field_flag(r, "hot_inside");
	int64_t wind = 0, factors = 0;
	if (field_i64(r, "wind", &wind, 0) || wind < 0 || wind > 17) {
		permit_err_set(e, 422, "permit.err.wind", "wind", NULL);
		return -1;
	}
	p->wind = (int)wind;
	if (field_i64(r, "factors", &factors, -1)) {
		permit_err_set(e, 422, "permit.err.factors", "factors", NULL);
		return -1;
	}
	if (factors < 0) {	/* the form's nine checkboxes (§8.1.2) */
		factors = 0;
		for (int i = 1; i <= 9; i++) {
			char k[24];
			snprintf(k, sizeof(k), "factor_%d", i);
			factors += field_flag(r, k);
		}
	}
	p->factors = (int)factors;
	if (field_double(r, "height_m", &p->height_m, 0)) {
		permit_err_set(e, 422, "permit.err.height", "height_m", NULL);
		return -1;
	}
	if (field_double(r, "load_t", &p->load_t, 0)) {
		permit_err_set(e, 422, "permit.err.load", "load_t", NULL);
		return -1;
	}
	if (field_double(r, "medium_lel", &p->medium_lel, 5) || !(p->medium_lel > 0) || p->medium_lel > 100) {
		permit_err_set(e, 422, "permit.err.medium_lel", "medium_lel", NULL);
		return -1;
	}
	return 0;
}

/* Derive the grade from the inputs and the planned window (night and rest days, §5.1). */
static int derive(struct db *c, struct permit *p, struct permit_err *e)
{
	const char *grade = "";
	int ns = (int)permit_setting_int(c, "permit.night_start", 18);
	int ne = (int)permit_setting_int(c, "permit.night_end", 8);
	struct permit_grade_in in = {
		.type = p->type, .hot_place = p->hot_place, .shutdown = p->shutdown,
		.night = p->planned_end > p->planned_start &&
			 permit_touches_night(p->planned_start, p->planned_end, ns, ne),
		.rest_day = p->holiday || (p->planned_end > p->planned_start &&
					   permit_touches_weekend(p->planned_start, p->planned_end)),
		.wind = p->wind, .height_m = p->height_m, .factors = p->factors, .load_t = p->load_t,
	};
	if (permit_grade_derive(&in, &grade, e))
		return -1;
	free(p->grade);
	p->grade = xstrdup(grade);
	return 0;
}

static int store_lists(struct db *c, const struct permit *p)
{
	if (db_exec(c, "DELETE FROM permit_workers WHERE permit_id = ?", "I", p->id) != DB_OK ||
	    db_exec(c, "DELETE FROM permit_measures WHERE permit_id = ?", "I", p->id) != DB_OK ||
	    db_exec(c, "DELETE FROM permit_links WHERE permit_id = ?", "I", p->id) != DB_OK)
		return -1;
	for (int i = 0; i < p->nworkers; i++)
		if (db_exec(c, "INSERT INTO permit_workers (permit_id, user_id, role, position) VALUES (?, ?, ?, ?)",
			    "IIti", p->id, p->workers[i].user_id, p->workers[i].role, i) != DB_OK)
			return -1;
	for (int i = 0; i < p->nmeasures; i++) {
		int64_t by = p->measures[i].confirmed_by;
		if ((by ? db_exec(c, "INSERT INTO permit_measures (permit_id, measure_id, confirmed_by) VALUES (?, ?, ?)",
				  "III", p->id, p->measures[i].measure_id, by)
			: db_exec(c, "INSERT INTO permit_measures (permit_id, measure_id) VALUES (?, ?)", "II",
				  p->id, p->measures[i].measure_id)) != DB_OK)
			return -1;
	}
	for (int i = 0; i < p->nlinks; i++)
		if (p->links[i] != p->id &&
		    db_exec(c, "INSERT INTO permit_links (permit_id, other_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
			    "II", p->id, p->links[i]) != DB_OK)
			return -1;
	return 0;
}

int permit_save_application(const struct actor *a, const struct permit_input *r, int64_t *id,
			    struct permit_err *e)
{
	struct permit *p = xcalloc(1, sizeof(*p));
	struct permit *old = NULL;
	int rc = -1;
	int64_t now = a->now;
	if (*id) {
		old = permit_load(a->db, *id);
		if (!old || !permit_visible_to(a, old)) {
			permit_err_set(e, 404, "error.not_found", NULL, NULL);
			goto out;
		}
		if (strcmp(old->state, "draft") || old->applicant_id != a->user_id) {
			permit_err_set(e, 409, "permit.err.not_editable", "state", NULL);
			goto out;
		}
	}
	p->id = *id;
	p->applicant_id = a->user_id;
	if (read_application(a, r, p, e) || derive(a->db, p, e) || permit_check_window(a->db, p, now, e) ||
	    read_workers(a, r, p, e) || check_people(a->db, p, e) || read_measures(a, r, p, e) ||
	    read_links(a, r, p, e))
		goto out;
	if (db_begin(a->db) != DB_OK) {
		permit_err_set(e, 503, "error.unavailable", NULL, NULL);
		goto out;
	}
	if (!*id) {
		char *num = permit_next_number(a->db, p->type, now);
		if (!num || db_exec(a->db,
			"INSERT INTO permits (number, type, area_id, unit_id, applicant_id, content,"
			" planned_start, planned_end, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			"ttIIItIIII", num, p->type, p->area_id, p->unit_id, p->applicant_id, p->content,
			p->planned_start, p->planned_end, now, now) != DB_OK) {
			free(num);
			goto fail;
		}
		p->number = num;
		p->id = db_last_id(a->db);
	}
	if (db_exec(a->db,
		"UPDATE permits SET type = ?, grade = ?, area_id = ?, equipment_id = NULLIF(?, 0), unit_id = ?,"
		" guardian_id = NULLIF(?, 0), work_unit = ?, contractor = ?, content = ?, hazards = ?,"
		" planned_start = ?, planned_end = ?, hot_place = ?, shutdown = ?, holiday = ?, wind = ?,"
		" height_m = ?, factors = ?, load_t = ?, hazardous_area = ?, oxygen_enriched = ?,"
		" medium_lel = ?, hot_inside = ?, updated_at = ? WHERE id = ?",
		"ttIIIItittIItiiididiidiII", p->type, p->grade, p->area_id, p->equipment_id, p->unit_id,
		p->guardian_id, p->work_unit, p->contractor, p->content, p->hazards, p->planned_start,
		p->planned_end, p->hot_place, p->shutdown, p->holiday, p->wind, p->height_m, p->factors,
		p->load_t, p->hazardous_area, p->oxygen_enriched, p->medium_lel, p->hot_inside, now,
		p->id) != DB_OK)
		goto fail;
	if (store_lists(a->db, p))
		goto fail;
	if (actor_audit(a, "permit", p->id, *id ? "update" : "create", p->number ? p->number : old->number) != DB_OK)
		goto fail;
	if (db_commit(a->db) != DB_OK)
		goto fail;
	*id = p->id;
	rc = 0;
	goto out;
fail:
	db_rollback(a->db);
	permit_err_set(e, 500, "permit.err.store", NULL, NULL);
out:
	permit_free(p);
	permit_free(old);
	return rc;
}

/* --- gas tests --- */

static int read_reading(const struct permit_input *r, struct permit_gas_reading *g, const struct permit_gas_limit *lim,
			int nlim, struct permit_err *e)
{
	const char *v;
	memset(g, 0, sizeof(*g));
	if ((v = in_field(r, "o2")) && *v) {
		if (text_parse_double(v, &g->o2)) {
			permit_err_set(e, 422, "permit.err.gas_number", "o2", NULL);
			return -1;
		}
		g->has_o2 = 1;
	}
	if ((v = in_field(r, "combustible")) && *v) {
		if (text_parse_double(v, &g->combustible)) {
			permit_err_set(e, 422, "permit.err.gas_number", "combustible", NULL);
			return -1;
		}
		g->has_comb = 1;
	}
	/* toxic gases: JSON {"toxic": {"H2S": 1.5}} or form fields toxic_H2S */
	g->toxic = xcalloc((size_t)nlim + 32, sizeof(*g->toxic));	/* freed by the caller */
	json_t *obj = r->json ? json_object_get(r->json, "toxic") : NULL;
	if (obj && json_is_object(obj)) {
		const char *k;
		json_t *x;
		json_object_foreach(obj, k, x) {
			if (g->ntoxic >= nlim + 32 || !json_is_number(x)) {
				permit_err_set(e, 422, "permit.err.gas_number", "toxic", xstrdup(k));
				return -1;
			}
			g->toxic[g->ntoxic].gas = k;	/* the input's JSON outlives the call */
			g->toxic[g->ntoxic++].value = json_number_value(x);
		}
	} else {
		for (int i = 0; i < nlim; i++) {
			char k[40];
			snprintf(k, sizeof(k), "toxic_%s", lim[i].gas);
			if ((v = in_field(r, k)) && *v) {
				double d;
				if (text_parse_double(v, &d)) {
					permit_err_set(e, 422, "permit.err.gas_number", k, NULL);
					return -1;
				}
				g->toxic[g->ntoxic].gas = lim[i].gas;
				g->toxic[g->ntoxic++].value = d;
			}
		}
	}
	return 0;
}

int permit_record_gas(const struct actor *a, const struct permit_input *r, int64_t id, int *passed, struct permit_err *e)
{
	struct permit *p = permit_load(a->db, id);
	int nlim = 0, rc = -1;
	struct permit_gas_limit *lim = permit_gas_limits_load(a->db, &nlim);
	struct permit_gas_reading g = {0};
	struct permit_err why = {0};
	int64_t now = a->now, analyst = 0, taken = now;
	if (!p || !permit_visible_to(a, p)) {
		permit_err_set(e, 404, "error.not_found", NULL, NULL);
		goto out;
	}
	if (strcmp(p->state, "approved") && strcmp(p->state, "in_progress") && strcmp(p->state, "suspended")) {
		permit_err_set(e, 409, "permit.err.gas_state", "state", NULL);
		goto out;
	}
	if (!permit_gas_required(p->type, p->hazardous_area)) {
		permit_err_set(e, 422, "permit.err.gas_not_needed", "type", NULL);
		goto out;
	}
	if (field_i64(r, "analyst_id", &analyst, 0) || !analyst) {
		permit_err_set(e, 422, "permit.err.analyst", "analyst_id", NULL);
		goto out;
	}
	const char *tv = in_field(r, "taken_at");
	if (tv && *tv && (permit_parse_time(tv, &taken) || taken > now + 60 || taken < now - 86400)) {
		permit_err_set(e, 422, "permit.err.time", "taken_at", NULL);
		goto out;
	}
	if (a->user_id != analyst && a->user_id != p->guardian_id && !actor_has(a, "permit.guard")) {
		permit_err_set(e, 403, "permit.err.gas_who", "analyst_id", NULL);
		goto out;
	}
	if (read_reading(r, &g, lim, nlim, e) ||
	    permit_gas_validate(p->type, p->hazardous_area, &g, lim, nlim, e) ||
	    permit_check_analyst(a->db, analyst, taken, permit_cert_default, e))
		goto out;
	*passed = permit_gas_judge(p->type, p->oxygen_enriched, p->medium_lel, &g, lim, nlim, &why);
	struct strbuf reason = STRBUF_INIT;
	if (!*passed) {
		sb_adds(&reason, T(a, why.key));
		if (why.detail)
			sb_addf(&reason, ": %s", why.detail);
	}
	if (db_begin(a->db) != DB_OK) {
		sb_release(&reason);
		permit_err_set(e, 503, "error.unavailable", NULL, NULL);
		goto out;
	}
	const char *point = in_field(r, "point");
	int ok = db_exec(a->db,
		"INSERT INTO permit_gas_tests (permit_id, taken_at, analyst_id, point, o2, combustible, passed,"
		" reason, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		"IIItddItII", p->id, taken, analyst, point ? point : "", g.o2, g.combustible,
		(int64_t)*passed, reason.buf, a->user_id, now) == DB_OK;
	int64_t test_id = db_last_id(a->db);
	if (ok && !g.has_o2)
		ok = db_exec(a->db, "UPDATE permit_gas_tests SET o2 = NULL WHERE id = ?", "I", test_id) == DB_OK;
	if (ok && !g.has_comb)
		ok = db_exec(a->db, "UPDATE permit_gas_tests SET combustible = NULL WHERE id = ?", "I", test_id) == DB_OK;
	for (int i = 0; ok && i < g.ntoxic; i++)
		ok = db_exec(a->db, "INSERT INTO permit_gas_toxic (test_id, gas, value) VALUES (?, ?, ?)", "Itd",
			     test_id, g.toxic[i].gas, g.toxic[i].value) == DB_OK;
	if (ok)
		ok = actor_audit(a, "permit", p->id, *passed ? "gas_pass" : "gas_fail", reason.len ? reason.buf : p->number) == DB_OK;
	/* a reading out of limit while work goes on stops the work (§5.3, §6.5) */
	if (ok && !*passed && !strcmp(p->state, "in_progress")) {
		struct permit_act_in in = {.reason = reason.buf};
		struct actor sys;	/* the rule suspends, not the person who measured */
		actor_system(a->db, "system", &sys);
		ok = permit_act_in_tx(&sys, p, "suspend", &in, e) == 0;
	}
	sb_release(&reason);
	if (!ok || db_commit(a->db) != DB_OK) {
		db_rollback(a->db);
		if (!e->key)
			permit_err_set(e, 500, "permit.err.store", NULL, NULL);
		goto out;
	}
	rc = 0;
out:
	permit_err_clear(&why);
	free(g.toxic);
	free(lim);
	permit_free(p);
	return rc;
}
