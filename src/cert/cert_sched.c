/*
 * cert_sched.c — the scheduler job that keeps certificates from expiring unnoticed.
 *
 * For each certificate whose expiry or review date is 30 days ahead or closer (or passed up
 * to a week ago), the holder, their team leader (users.supervisor_id) and HR (users with the
 * hr role in the holder's company) are told at 30, 15 and 7 days before, and once when it has
 * expired or the review was missed. Each stage is sent once: the dedup key
 * "cert:<id>:<expiry|review>:<stage>:<date>:<user>" makes a repeated run harmless, and
 * includes the date so that a renewed certificate is warned about again.
 * Only the most advanced stage reached is sent: a certificate entered 5 days before expiry
 * gets the 7-day warning, not three at once.
 */
#include "cert/cert.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "notify/notify.h"
#include "web/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* stage of a date `left` days away: 30, 15, 7, 0 (passed), or -1 (nothing to say) */
static int stage_of(int64_t left)
{
	if (left < 0)
		return left >= -7 ? 0 : -1;
	return left <= 7 ? 7 : left <= 15 ? 15 : left <= 30 ? 30 : -1;
}

struct warn {
	int64_t cert_id, person_id, user_id, unit_id, date;
	const char *what;	/* "expiry" or "review" */
	int stage;
	const char *person, *item, *number;
};

static int tell(struct db *c, const struct warn *w, int64_t uid)
{
	char *lang = NULL, d[16], key[160];
	if (db_get_text(c, &lang, "SELECT lang FROM users WHERE id = ? AND active = 1", "I", uid) != 1)
		return 0;
	struct strbuf title = STRBUF_INIT, body = STRBUF_INIT, link = STRBUF_INIT;
	char stagekey[48];
	snprintf(stagekey, sizeof(stagekey), "cert.warn.%s.%d", w->what, w->stage);
	sb_addf(&title, "%s：%s %s", i18n_get(lang, stagekey), w->person, w->item);
	sb_addf(&body, "%s %s · %s %s", i18n_get(lang, "cert.number"), w->number,
		i18n_get(lang, !strcmp(w->what, "expiry") ? "cert.expires_on" : "cert.review_on"),
		cert_day_format(w->date, d));
	sb_addf(&link, "/persons/%lld", (long long)w->person_id);
	snprintf(key, sizeof(key), "cert:%lld:%s:%d:%lld:%lld", (long long)w->cert_id, w->what, w->stage,
		 (long long)w->date, (long long)uid);
	int rc = notify_user(c, uid, "cert_warning", title.buf, body.buf, link.buf, key);
	sb_release(&title);
	sb_release(&body);
	sb_release(&link);
	free(lang);
	return rc > 0;
}

/* holder, team leader, and HR of the holder's company */
static int warn_all(struct db *c, const struct warn *w)
{
	int n = 0;
	int64_t sup = 0;
	if (w->user_id) {
		n += tell(c, w, w->user_id);
		if (db_get_i64(c, &sup, "SELECT supervisor_id FROM users WHERE id = ? AND supervisor_id IS NOT NULL",
			       "I", w->user_id) == 1 && sup)
			n += tell(c, w, sup);
	}
	/* the company: the nearest ancestor unit of kind company (the whole tree if none) */
	char *cpath = NULL;
	if (db_get_text(c, &cpath, "SELECT co.path FROM units pu JOIN units co ON pu.path LIKE co.path || '%'"
				   " WHERE pu.id = ? AND co.kind = 'company' ORDER BY length(co.path) DESC LIMIT 1",
			"I", w->unit_id) != 1)
		cpath = xstrdup("/");
	struct db_stmt *st = db_query(c,
		"SELECT DISTINCT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles ro ON ro.id = ur.role_id"
		" JOIN units hu ON hu.id = u.unit_id WHERE ro.code = 'hr' AND u.active = 1 AND hu.path LIKE ? || '%'"
		" AND u.id <> ? AND u.id <> ?", "tII", cpath, w->user_id, sup);
	int64_t ids[64];
	int nids = 0;
	while (st && db_step(st) == 1 && nids < 64)
		ids[nids++] = db_col_i64(st, 0);
	db_done(c, st);
	for (int i = 0; i < nids; i++)
		n += tell(c, w, ids[i]);
	free(cpath);
	return n;
}

int cert_sched_warn(struct db *c, int64_t now)
{
	int64_t today = cert_day_of(now);
	int acted = 0;
	if (db_begin(c) != DB_OK)
		return -1;
	struct db_stmt *st = db_query(c,
		"SELECT ce.id, p.id, COALESCE(p.user_id, 0), p.unit_id, ce.expires_on, ce.review_on, p.name,"
		" k.name_zh, ce.number FROM certs ce JOIN persons p ON p.id = ce.person_id"
		" JOIN cert_catalogue k ON k.code = COALESCE(ce.item, ce.category)"
		" WHERE ce.revoked_at = 0 AND p.active = 1 AND ((ce.expires_on BETWEEN ? AND ?)"
		" OR (ce.review_on BETWEEN ? AND ?))",
		"IIII", today - 7, today + 30, today - 7, today + 30);
	/* collect first: notify_user writes while we would still be reading */
	struct warn *list = NULL;
	size_t n = 0, cap = 0;
	while (st && db_step(st) == 1) {
		for (int which = 0; which < 2; which++) {
			if (db_col_null(st, 4 + which))
				continue;
			int64_t date = db_col_i64(st, 4 + which);
			int stage = stage_of(date - today);
			if (stage < 0)
				continue;
			/* once expired, a missed review is beside the point */
			if (which == 1 && !db_col_null(st, 4) && db_col_i64(st, 4) < today)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				list = xrealloc(list, cap * sizeof(*list));
			}
			list[n++] = (struct warn){db_col_i64(st, 0), db_col_i64(st, 1), db_col_i64(st, 2),
						  db_col_i64(st, 3), date, which ? "review" : "expiry", stage,
						  xstrdup(db_col_text(st, 6)), xstrdup(db_col_text(st, 7)),
						  xstrdup(db_col_text(st, 8))};
		}
	}
	db_done(c, st);
	for (size_t i = 0; i < n; i++) {
		acted += warn_all(c, &list[i]);
		free((char *)list[i].person);
		free((char *)list[i].item);
		free((char *)list[i].number);
	}
	free(list);
	if (db_commit(c) != DB_OK) {
		db_rollback(c);
		return -1;
	}
	return acted;
}
