/*
 * equip_sched.c — the scheduler job that warns before a special-equipment inspection falls
 * due: at 60 and 30 days (the application is due one month before, TSG 08-2017 §2.5 and
 * 特种设备安全法 §40), and once when it is overdue. The device's responsible person and the
 * equipment managers (role equip_manager) of its company are told, each stage once (dedup key
 * "equip:<id>:<stage>:<due day>:<user>", so a new due date warns again).
 */
#include "equip/equip.h"
#include "base/day.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "notify/notify.h"
#include "web/i18n.h"

#include <stdio.h>
#include <stdlib.h>

struct due {
	int64_t id, unit_id, resp, next;
	const char *stage;
	char *code, *name;
};

static int tell(struct db *c, const struct due *d, int64_t uid)
{
	char *lang = NULL, key[128], stagekey[48], day[16];
	if (db_get_text(c, &lang, "SELECT lang FROM users WHERE id = ? AND active = 1", "I", uid) != 1)
		return 0;
	snprintf(stagekey, sizeof(stagekey), "equip.warn.%s", d->stage);
	snprintf(key, sizeof(key), "equip:%lld:%s:%lld:%lld", (long long)d->id, d->stage, (long long)d->next,
		 (long long)uid);
	struct strbuf title = STRBUF_INIT, body = STRBUF_INIT, link = STRBUF_INIT;
	sb_addf(&title, "%s：%s %s", i18n_get(lang, stagekey), d->code, d->name);
	sb_addf(&body, "%s %s", i18n_get(lang, "equip.next_inspection"), day_format(d->next, day));
	sb_addf(&link, "/equipment/%lld", (long long)d->id);
	int rc = notify_user(c, uid, "equip_inspection", title.buf, body.buf, link.buf, key);
	sb_release(&title);
	sb_release(&body);
	sb_release(&link);
	free(lang);
	return rc > 0;
}

int equip_sched_warn(struct db *c, int64_t now)
{
	int64_t today = day_of(now);
	int acted = 0;
	if (db_begin(c) != DB_OK)
		return -1;
	struct db_stmt *st = db_query(c,
		"SELECT e.id, e.unit_id, COALESCE(e.responsible_user_id, 0), e.next_inspection_on, e.code, e.name"
		" FROM equipment e WHERE e.active = 1 AND e.next_inspection_on BETWEEN ? AND ?",
		"II", today - 30, today + 60);
	struct due *list = NULL;
	size_t n = 0, cap = 0;
	while (st && db_step(st) == 1) {
		int64_t left = db_col_i64(st, 3) - today;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			list = xrealloc(list, cap * sizeof(*list));
		}
		list[n++] = (struct due){db_col_i64(st, 0), db_col_i64(st, 1), db_col_i64(st, 2), db_col_i64(st, 3),
					 left < 0 ? "overdue" : left <= 30 ? "30" : "60",
					 xstrdup(db_col_text(st, 4)), xstrdup(db_col_text(st, 5))};
	}
	db_done(c, st);
	for (size_t i = 0; i < n; i++) {
		struct due *d = &list[i];
		if (d->resp)
			acted += tell(c, d, d->resp);
		char *cpath = NULL;
		if (db_get_text(c, &cpath, "SELECT co.path FROM units pu JOIN units co ON pu.path LIKE co.path || '%'"
					   " WHERE pu.id = ? AND co.kind = 'company' ORDER BY length(co.path) DESC LIMIT 1",
				"I", d->unit_id) != 1)
			cpath = xstrdup("/");
		int64_t ids[64];
		int nids = 0;
		st = db_query(c, "SELECT DISTINCT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id"
				 " JOIN roles ro ON ro.id = ur.role_id JOIN units hu ON hu.id = u.unit_id"
				 " WHERE ro.code = 'equip_manager' AND u.active = 1 AND hu.path LIKE ? || '%' AND u.id <> ?",
			      "tI", cpath, d->resp);
		while (st && db_step(st) == 1 && nids < 64)
			ids[nids++] = db_col_i64(st, 0);
		db_done(c, st);
		for (int k = 0; k < nids; k++)
			acted += tell(c, d, ids[k]);
		free(cpath);
		free(d->code);
		free(d->name);
	}
	free(list);
	if (db_commit(c) != DB_OK) {
		db_rollback(c);
		return -1;
	}
	return acted;
}
