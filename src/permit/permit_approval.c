/*
 * permit_approval.c — approval chains and who may sign each step.
 *
 * GB 30871-2022 Annex B Table B.1 names, per type and grade, the level that approves (it is
 * informative, so the chain is data in permit_chain). A permit climbs its chain one step at a
 * time: 所在基层单位 (the workshop the area belongs to), then 安全管理部门 / 专业部门, then
 * 主管领导. Nobody signs their own application, nobody signs two steps of one round, and a
 * step is signed only by a holder of one of its roles.
 */
#include "permit/permit.h"
#include "base/strbuf.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct permit_step *permit_chain_load(struct db *c, const char *type, const char *grade, int *n)
{
	struct permit_step *v = NULL;
	int cap = 0;
	*n = 0;
	struct db_stmt *st = db_query(c, "SELECT step, level, roles FROM permit_chain WHERE type = ? AND grade = ?"
				       " ORDER BY step", "tt", type, grade ? grade : "");
	while (st && db_step(st) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			v = xrealloc(v, (size_t)cap * sizeof(*v));
		}
		struct permit_step *s = &v[(*n)++];
		s->step = (int)db_col_i64(st, 0);
		snprintf(s->level, sizeof(s->level), "%s", db_col_text(st, 1));
		s->roles = xstrdup(db_col_text(st, 2));
	}
	db_done(c, st);
	return v;
}

void permit_chain_free(struct permit_step *s, int n)
{
	for (int i = 0; i < n; i++)
		free(s[i].roles);
	free(s);
}

static const struct permit_step *find_step(const struct permit_step *s, int n, int step)
{
	for (int i = 0; i < n; i++)
		if (s[i].step == step)
			return &s[i];
	return NULL;
}

/* The names of the roles that may sign, for the message ("车间主任 / 车间安全员"). */
static char *role_names(struct db *c, const char *roles)
{
	struct strbuf sb = STRBUF_INIT;
	struct db_stmt *st = db_query(c, "SELECT name_zh FROM roles WHERE (' ' || ? || ' ') LIKE ('% ' || code || ' %')"
				       " ORDER BY id", "t", roles);
	while (st && db_step(st) == 1) {
		if (sb.len)
			sb_adds(&sb, " / ");
		sb_adds(&sb, db_col_text(st, 0));
	}
	db_done(c, st);
	return sb_detach(&sb, NULL);
}

int permit_check_approver(struct db *c, const struct permit *p, int step, int64_t user_id,
			  struct permit_err *e)
{
	int n = 0, rc = -1;
	int64_t one = 0;
	struct permit_step *chain = permit_chain_load(c, p->type, p->grade, &n);
	const struct permit_step *s = find_step(chain, n, step);
	if (user_id == p->applicant_id) {
		permit_err_set(e, 403, "permit.err.self_approval", "approver", NULL);
		goto done;
	}
	if (!s) {
		permit_err_set(e, 409, "permit.err.no_step", "step", NULL);
		goto done;
	}
	/* the chain goes one level at a time: the step signed now is the next one */
	if (step != p->chain_step + 1) {
		permit_err_set(e, 409, "permit.err.skip_level", "step", NULL);
		goto done;
	}
	if (db_get_i64(c, &one, "SELECT 1 FROM user_roles ur JOIN roles ro ON ro.id = ur.role_id"
				" JOIN users u ON u.id = ur.user_id WHERE ur.user_id = ? AND u.active = 1"
				" AND (' ' || ? || ' ') LIKE ('% ' || ro.code || ' %')",
		       "It", user_id, s->roles) != 1) {
		permit_err_set(e, 403, "permit.err.wrong_role", "approver", role_names(c, s->roles));
		goto done;
	}
	/* 所在基层单位: the approver belongs to the unit the area belongs to, or above it */
	if (!strcmp(s->level, "unit") &&
	    db_get_i64(c, &one, "SELECT 1 FROM users u JOIN units uu ON uu.id = u.unit_id, units au"
				" WHERE u.id = ? AND au.id = ? AND au.path LIKE uu.path || '%'",
		       "II", user_id, p->unit_id) != 1) {
		permit_err_set(e, 403, "permit.err.wrong_unit", "approver", NULL);
		goto done;
	}
	if (db_get_i64(c, &one, "SELECT 1 FROM permit_approvals WHERE permit_id = ? AND round = ?"
				" AND user_id = ? AND decision = 'approve'",
		       "IiI", p->id, p->round, user_id) == 1) {
		permit_err_set(e, 403, "permit.err.signed_twice", "approver", NULL);
		goto done;
	}
	rc = 0;
done:
	permit_chain_free(chain, n);
	return rc;
}

int permit_approvers_each(struct db *c, const struct permit *p, int step,
			  void (*fn)(int64_t user_id, void *arg), void *arg)
{
	int n = 0, count = 0;
	struct permit_step *chain = permit_chain_load(c, p->type, p->grade, &n);
	const struct permit_step *s = find_step(chain, n, step);
	if (s) {
		int unit = !strcmp(s->level, "unit");
		struct db_stmt *st = db_query(c,
			"SELECT DISTINCT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id"
			" JOIN roles ro ON ro.id = ur.role_id JOIN units uu ON uu.id = u.unit_id, units au"
			" WHERE au.id = ? AND u.active = 1 AND u.id <> ?"
			" AND (' ' || ? || ' ') LIKE ('% ' || ro.code || ' %')"
			" AND (? = 0 OR au.path LIKE uu.path || '%') ORDER BY u.id",
			"IIti", p->unit_id, p->applicant_id, s->roles, unit);
		int64_t ids[64];
		int k = 0;
		while (st && db_step(st) == 1 && k < 64)
			ids[k++] = db_col_i64(st, 0);
		db_done(c, st);
		for (int i = 0; i < k; i++, count++)
			fn(ids[i], arg);
	}
	permit_chain_free(chain, n);
	return count;
}
