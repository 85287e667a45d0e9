/*
 * cert_persons_web.c — adding a person who may hold certificates (an employee, linked to
 * their account, or a contractor's worker): the page GET/POST /persons/new and
 * POST /api/v1/persons, on web/entity.c's generic pages over the fields declared here.
 *
 * A person's page (/persons/:id, with their certificates) and the API's list and record stay
 * in cert_web.c and cert_api.c. Data scope: the person's unit; owner: the linked account.
 * Refusals answer 400, as these routes always have.
 */
#include "cert/cert_web.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "db/db.h"
#include "web/entity.h"
#include "web/i18n.h"

#include <string.h>

struct person_row {
	int64_t id, unit_id, user_id;
	const char *name, *employee_no, *id_no, *employer, *username;
};

static void unit_options(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	struct db_stmt *st = db_query(r->db, "SELECT id, name FROM units WHERE path LIKE ? AND active = 1 ORDER BY path", "t",
				    auth_scope_pattern(r));
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<option value=\"%D\"%r>%s</option>", db_col_i64(st, 0),
			    db_col_i64(st, 0) == selected ? " selected" : "", db_col_text(st, 1));
	db_done(r->db, st);
}

enum { F_NAME, F_EMPNO, F_IDNO, F_EMPLOYER, F_USERNAME, F_UNIT };
static const struct form_field person_fields[] = {
	{"name", "cert.name", FORM_TEXT, FORM_REQUIRED, .max = 50},
	{"employee_no", "cert.employee_no", FORM_TEXT, 0, .max = 32},
	{"id_no", "cert.id_no", FORM_TEXT, 0, .max = 32},
	/* filled in: a contractor's worker (the contractor's name); empty: own staff */
	{"employer", "cert.employer", FORM_TEXT, 0, .max = 100},
	{"username", "cert.username", FORM_TEXT, 0, .max = 64},
	{"unit_id", "cert.unit", FORM_ID, FORM_REQUIRED, .options = unit_options},
	{0},
};

static int person_load(struct req *r, int64_t id, void *row)
{
	struct person_row *p = row;
	struct db_stmt *st = db_query(r->db, "SELECT p.id, p.name, COALESCE(p.employee_no, ''), COALESCE(p.id_no, ''),"
				    " p.employer, COALESCE(u.username, ''), p.unit_id, COALESCE(p.user_id, 0)"
				    " FROM persons p LEFT JOIN users u ON u.id = p.user_id WHERE p.id = ?", "I", id);
	int found = st && db_step(st) == 1;
	if (found) {
		p->id = db_col_i64(st, 0);
		p->name = arena_strdup(&r->arena, db_col_text(st, 1));
		p->employee_no = arena_strdup(&r->arena, db_col_text(st, 2));
		p->id_no = arena_strdup(&r->arena, db_col_text(st, 3));
		p->employer = arena_strdup(&r->arena, db_col_text(st, 4));
		p->username = arena_strdup(&r->arena, db_col_text(st, 5));
		p->unit_id = db_col_i64(st, 6);
		p->user_id = db_col_i64(st, 7);
	}
	db_done(r->db, st);
	return found && auth_scope_allows(r, p->unit_id, p->user_id) ? 0 : -1;
}

static void person_values(struct req *r, const void *row, const char **t)
{
	const struct person_row *p = row;
	t[F_NAME] = p->name;
	t[F_EMPNO] = p->employee_no;
	t[F_IDNO] = p->id_no;
	t[F_EMPLOYER] = p->employer;
	t[F_USERNAME] = p->username;
	t[F_UNIT] = arena_printf(&r->arena, "%lld", (long long)p->unit_id);
}

static const char *person_title(const void *row)
{
	return ((const struct person_row *)row)->name;
}

/* The account named, 0 for none, -1 when there is no such username. */
static int64_t account(struct req *r, const char *username)
{
	int64_t uid = 0;
	if (*username && db_get_i64(r->db, &uid, "SELECT id FROM users WHERE username = ?", "t", username) != 1)
		return -1;
	return uid;
}

static void person_check(struct req *r, const void *cur, struct form *f)
{
	const struct person_row *p = cur;
	int64_t uid = account(r, f->v[F_USERNAME].text), other = 0;
	if (!auth_scope_allows(r, f->v[F_UNIT].id, -1))
		form_fail(r, f, "unit_id", "form.err_choice");
	if (uid < 0)
		form_fail(r, f, "username", "cert.error.invalid");
	/* an account belongs to one person (persons.user_id is UNIQUE) */
	else if (uid && db_get_i64(r->db, &other, "SELECT id FROM persons WHERE user_id = ? AND id != ?", "II", uid,
				   p ? p->id : 0) == 1)
		form_fail(r, f, "username", "cert.error.person_linked");
}

static int64_t person_store(struct req *r, const void *cur, const struct form *f)
{
	const struct person_row *p = cur;
	const char *name = f->v[F_NAME].text, *empno = f->v[F_EMPNO].text, *idno = f->v[F_IDNO].text;
	const char *employer = f->v[F_EMPLOYER].text;
	int64_t uid = account(r, f->v[F_USERNAME].text), unit = f->v[F_UNIT].id;
	if (p)	/* no route changes a person yet */
		return -1;
	if (db_exec(r->db, "INSERT INTO persons (user_id, name, id_no, employee_no, employer, contractor, unit_id, created_at)"
			   " VALUES (NULLIF(?, 0), ?, NULLIF(?, ''), NULLIF(?, ''), ?, ?, ?, ?)",
		    "IttttiII", uid, name, idno, empno, employer, *employer ? 1 : 0, unit, clock_now()) != DB_OK)
		return -1;
	return db_last_id(r->db);
}

static json_t *person_json(struct req *r, const void *row)
{
	json_t *j = cert_api_person_json(r, ((const struct person_row *)row)->id);
	return j ? j : json_object();
}

static const struct entity person_entity = {
	.name = "person", .path = "/persons", .edit_perm = "cert.admin",
	.list_title = "nav.certs", .new_title = "cert.person_new", .hint = "cert.employer_hint",
	.fields = person_fields, .row_size = sizeof(struct person_row), .flags = ENTITY_SHOW_CREATED,
	.load = person_load, .values = person_values, .title = person_title, .check = person_check,
	.store = person_store, .json = person_json, .new_action = "/persons/new", .invalid_status = 400,
	.back_path = "/certs",
};

int cert_person_new(struct req *r)
{
	return entity_new_page(r, &person_entity);
}

int cert_person_create(struct req *r)
{
	return entity_create_post(r, &person_entity);
}

int cert_api_person_create(struct req *r)
{
	return entity_api_create(r, &person_entity);
}
