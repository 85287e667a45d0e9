/*
 * cert.c — the rules around certificates: may a person do a permit operation (the blocking
 * query the permit module relies on), a person's worst state for badges, the person row of
 * an employee, and the catalogue lookups.
 *
 * The seed case: a welder whose 特种作业操作证 had lapsed started a fire, because the ledger
 * was in a stale spreadsheet. Hence cert_may_operate() looks only at stored certificates
 * and today's date, and treats a missed review as invalid (原安监总局令第30号 §27).
 */
#include "cert/cert.h"
#include "contractor/contractor.h"
#include "auth/actor.h"
#include "base/clock.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "train/train.h"
#include "web/html.h"
#include "web/i18n.h"

#include <stdlib.h>
#include <string.h>

static const char *const operations[] = {
	"hot_work", "confined_space", "blind_plate", "height", "lifting", "temp_power",
	"excavation", "road_closure", "guardian", "gas_analyst", NULL,
};

int cert_operation_known(const char *operation)
{
	for (int i = 0; operation && operations[i]; i++)
		if (!strcmp(operation, operations[i]))
			return 1;
	return 0;
}

int64_t cert_person_for_user(struct db *c, int64_t user_id, int create)
{
	int64_t pid = 0;
	if (db_get_i64(c, &pid, "SELECT id FROM persons WHERE user_id = ?", "I", user_id) == 1)
		return pid;
	if (!create)
		return 0;
	if (db_exec(c, "INSERT INTO persons (user_id, name, employee_no, unit_id, created_at)"
		       " SELECT id, name, employee_no, unit_id, ? FROM users WHERE id = ?",
		    "II", clock_now(), user_id) != DB_OK || db_changes(c) != 1)
		return 0;
	return db_last_id(c);
}

/* persons.id of the argument, 0 if there is none (a user without a person row holds no
 * certificates, which is not the same as "no such person"). *exists says which. */
static int64_t resolve_person(struct db *c, int64_t id, int *exists)
{
	int64_t n = 0;
	if (id < 0) {
		*exists = db_get_i64(c, &n, "SELECT count(*) FROM users WHERE id = ?", "I", -id) == 1 && n;
		return cert_person_for_user(c, -id, 0);
	}
	*exists = db_get_i64(c, &n, "SELECT count(*) FROM persons WHERE id = ?", "I", id) == 1 && n;
	return *exists ? id : 0;
}

static int64_t col_day(struct db_stmt *st, int i)
{
	return db_col_null(st, i) ? CERT_NODAY : db_col_i64(st, i);
}

static char *describe(const char *name, const char *number, int64_t day)
{
	char d[16];
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "%s · %s", name, number);
	if (day != CERT_NODAY)
		sb_addf(&sb, " · %s", cert_day_format(day, d));
	return sb_detach(&sb, NULL);
}

static int certs_allow(struct db *c, int64_t person_or_user_id, const char *operation, int64_t day,
		       const char **reason_key, char **detail)
{
	*reason_key = NULL;
	*detail = NULL;
	if (!cert_operation_known(operation)) {
		*reason_key = "cert.reason.unknown_operation";
		return 0;
	}
	int exists = 0;
	int64_t pid = resolve_person(c, person_or_user_id, &exists);
	if (!exists) {
		*reason_key = "cert.reason.no_person";
		return 0;
	}
	int64_t needed = 0;
	if (db_get_i64(c, &needed, "SELECT count(*) FROM cert_operation_map WHERE operation = ?", "t",
		       operation) != 1) {
		*reason_key = "cert.reason.error";
		return 0;
	}
	if (!needed)
		return 1;	/* DOMAIN.md: an operation without a mapping needs no certificate */

	struct db_stmt *st = db_query(c,
		"SELECT c.number, c.expires_on, c.review_on, c.revoked_at, k.name_zh"
		" FROM certs c JOIN cert_catalogue k ON k.code = COALESCE(c.item, c.category)"
		" WHERE c.person_id = ? AND EXISTS (SELECT 1 FROM cert_operation_map m"
		"  WHERE m.operation = ? AND (m.code = c.category OR m.code = c.item))"
		" ORDER BY c.expires_on DESC, c.id",
		"It", pid, operation);
	if (!st) {
		*reason_key = "cert.reason.error";
		return 0;
	}
	/* rank of a failure: the one closest to usable explains best what to do next */
	int best_rank = 0, ok = 0;
	while (db_step(st) == 1) {
		int64_t exp = col_day(st, 1), rev = col_day(st, 2);
		enum cert_status s = cert_status_at(day, exp, rev, db_col_i64(st, 3) != 0);
		if (cert_status_usable(s)) {
			free(*detail);
			*detail = describe(db_col_text(st, 4), db_col_text(st, 0), exp);
			ok = 1;
			break;
		}
		int rank = s == CERT_REVIEW_OVERDUE ? 3 : s == CERT_EXPIRED ? 2 : 1;
		if (rank > best_rank) {
			best_rank = rank;
			free(*detail);
			int64_t when = s == CERT_REVIEW_OVERDUE ? rev : s == CERT_EXPIRED ? exp : CERT_NODAY;
			if (s == CERT_REVOKED)
				when = cert_day_of(db_col_i64(st, 3));
			*detail = describe(db_col_text(st, 4), db_col_text(st, 0), when);
			*reason_key = rank == 3 ? "cert.reason.review_overdue"
				    : rank == 2 ? "cert.reason.expired" : "cert.reason.revoked";
		}
	}
	db_done(c, st);
	if (ok) {
		*reason_key = NULL;
		return 1;
	}
	if (!best_rank)
		*reason_key = "cert.reason.none";
	return 0;
}

/* First whether the person may be on site at all (contractor/contractor.h: a suspended
 * contractor, its lapsed qualification, or the person's lapsed entry permission bars every
 * operation, whatever the certificates say), then the certificates, then the person's
 * training (train/train.h): overdue required training, or a failed exam of the permit role,
 * blocks as a lapsed certificate does ("学完即考，不合格者自动冻结作业权限"), with the
 * training's reason and date as the detail. */
int cert_may_operate(struct db *c, int64_t person_or_user_id, const char *operation, int64_t day,
		     const char **reason_key, char **detail)
{
	const char *why = NULL;
	char *d = NULL;
	if (cert_operation_known(operation) && contractor_may_operate(c, person_or_user_id, day, &why, &d) != 1) {
		*reason_key = why;
		*detail = d;
		return 0;
	}
	if (certs_allow(c, person_or_user_id, operation, day, reason_key, detail) != 1)
		return 0;
	if (train_may_operate(c, person_or_user_id, operation, day, &why, &d) == 1) {
		free(d);
		return 1;
	}
	free(*detail);
	*detail = d;
	*reason_key = why;
	return 0;
}

int cert_person_worst(struct db *c, int64_t person_or_user_id, int64_t day)
{
	int exists = 0;
	int64_t pid = resolve_person(c, person_or_user_id, &exists);
	if (!pid)
		return -1;
	int worst = -1;
	struct db_stmt *st = db_query(c, "SELECT expires_on, review_on FROM certs WHERE person_id = ? AND revoked_at = 0",
				    "I", pid);
	while (st && db_step(st) == 1) {
		int s = (int)cert_status_at(day, col_day(st, 0), col_day(st, 1), 0);
		if (s > worst)
			worst = s;
	}
	db_done(c, st);
	return worst;
}

void cert_badge_write(const struct actor *a, struct strbuf *o, int64_t person_or_user_id)
{
	int worst = cert_person_worst(a->db, person_or_user_id, cert_day_of(a->now));
	if (worst < 0 || worst == CERT_VALID)
		return;
	int bad = !cert_status_usable((enum cert_status)worst);
	html_printf(o, "<span class=\"badge %s cert-flag\" title=\"%s\">%s</span>", bad ? "bad" : "warn",
		    T(a, cert_status_key((enum cert_status)worst)),
		    T(a, bad ? "cert.badge.invalid" : "cert.badge.expiring"));
}

char *cert_catalogue_name_of(const struct actor *a, const char *code)
{
	char *name = NULL;
	int en = a->lang && !strcmp(a->lang, "en");
	if (!code || !*code ||
	    db_get_text(a->db, &name, en ? "SELECT name_en FROM cert_catalogue WHERE code = ?"
					 : "SELECT name_zh FROM cert_catalogue WHERE code = ?", "t", code) != 1) {
		free(name);
		return xstrdup("");
	}
	return name;
}

static int lookup_exact(struct db *c, const char *t, size_t n, char **category, char **item)
{
	char *s = xstrndup(t, n);
	char *prefixed = xmalloc(n + 4);
	memcpy(prefixed, "se.", 3);
	memcpy(prefixed + 3, s, n + 1);
	int found = 0;
	struct db_stmt *st = db_query(c,
		"SELECT code, parent_code FROM cert_catalogue WHERE code = ? OR name_zh = ? OR lower(name_en) = lower(?)"
		" OR code = ? ORDER BY sort LIMIT 1",
		"tttt", s, s, s, prefixed);
	if (st && db_step(st) == 1) {
		found = 1;
		if (db_col_null(st, 1)) {
			*category = xstrdup(db_col_text(st, 0));
			*item = NULL;
		} else {
			*category = xstrdup(db_col_text(st, 1));
			*item = xstrdup(db_col_text(st, 0));
		}
	}
	db_done(c, st);
	free(s);
	free(prefixed);
	return found;
}

int cert_catalogue_lookup(struct db *c, const char *text, char **category, char **item)
{
	*category = *item = NULL;
	if (!text)
		return -1;
	while (*text == ' ')
		text++;
	size_t n = strlen(text);
	while (n && text[n - 1] == ' ')
		n--;
	if (!n)
		return -1;
	if (lookup_exact(c, text, n, category, item))
		return 0;
	/* "焊接与热切割作业/熔化焊接与热切割作业": category and item in one cell — the item wins */
	static const char *const seps[] = {"/", "／", "-", "·", "—", NULL};
	for (int i = 0; seps[i]; i++) {
		const char *p = strstr(text, seps[i]);
		if (!p || (size_t)(p - text) >= n)
			continue;
		const char *rest = p + strlen(seps[i]);
		if (lookup_exact(c, rest, n - (size_t)(rest - text), category, item))
			return 0;
		if (lookup_exact(c, text, (size_t)(p - text), category, item))
			return 0;
	}
	return -1;
}
