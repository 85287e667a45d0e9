/*
 * train_remind.c — reminders before a training requirement falls due: the person and their
 * team leader (users.supervisor_id) are told 30 and 7 days before the due day, and once when
 * it has passed (the person may no longer be named on a permit: train_may_operate), through
 * notify_user() — the inbox and the outbox's channels.
 *
 * Once a day: the module's job runs every minute, but reads every person's requirements only
 * on the first run of a local day (train_reminder_days). Each message is sent once: the dedup
 * key "train:<person>:<course>:<stage>:<due day>:<user>" makes a repeated run harmless, and
 * holds the due day, so that the next year's re-training is reminded of again. Only the most
 * advanced stage reached is sent (a requirement created 5 days before its day gets the 7-day
 * reminder, not both).
 */
#include "train/train.h"
#include "base/day.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "notify/notify.h"
#include "web/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 30, 7, 0 (passed, up to a week ago) or -1 (nothing to say) for a due day `left` days away */
static int stage_of(int64_t left)
{
	if (left < 0)
		return left >= -7 ? 0 : -1;
	return left <= 7 ? 7 : left <= TRAIN_WARN_DAYS ? 30 : -1;
}

struct remind {
	int64_t person, user, course, due;
	int stage;
	char *name, *course_name;
};

static int tell(struct db *c, const struct remind *m, int64_t uid, int leader)
{
	char *lang = NULL, d[16], key[160], link[64];
	if (db_get_text(c, &lang, "SELECT lang FROM users WHERE id = ? AND active = 1", "I", uid) != 1)
		return 0;
	struct strbuf title = STRBUF_INIT, body = STRBUF_INIT;
	sb_addf(&title, "%s：%s %s", i18n_get(lang, m->stage ? "train.remind.due" : "train.remind.overdue"), m->name,
		m->course_name);
	sb_addf(&body, "%s %s", i18n_get(lang, "train.due"), day_format(m->due, d));
	if (leader)
		snprintf(link, sizeof link, "/train/people/%lld", (long long)m->person);
	else
		snprintf(link, sizeof link, "/train");
	snprintf(key, sizeof key, "train:%lld:%lld:%d:%lld:%lld", (long long)m->person, (long long)m->course, m->stage,
		 (long long)m->due, (long long)uid);
	int rc = notify_user(c, uid, "train_due", title.buf, body.buf, link, key);
	sb_release(&title);
	sb_release(&body);
	free(lang);
	return rc < 0 ? -1 : rc;
}

int train_remind_run(struct db *c, int64_t now)
{
	int64_t today = day_of(now), done = 0;
	if (db_get_i64(c, &done, "SELECT count(*) FROM train_reminder_days WHERE day = ?", "I", today) != 1)
		return -1;
	if (done)
		return 0;
	/* read (no write lock held): the people with an account, and what each must do */
	struct db_stmt *st = db_query(c, "SELECT p.id, p.user_id, p.name FROM persons p JOIN users u ON u.id = p.user_id"
				      " WHERE p.active = 1 AND u.active = 1 ORDER BY p.id LIMIT 100000", "");
	struct { int64_t id, user; char *name; } *people = NULL;
	size_t np = 0, cap = 0;
	while (st && db_step(st) == 1) {
		if (np == cap)
			people = xrealloc(people, (cap = cap ? 2 * cap : 256) * sizeof *people);
		people[np].id = db_col_i64(st, 0);
		people[np].user = db_col_i64(st, 1);
		people[np].name = xstrdup(db_col_text(st, 2));
		np++;
	}
	db_done(c, st);
	struct remind *list = NULL;
	size_t n = 0, lcap = 0;
	for (size_t i = 0; i < np; i++) {
		struct train_req_status *v;
		int k = train_person_status(c, people[i].id, today, &v);
		for (int j = 0; j < k; j++) {
			int stage = v[j].due == DAY_NONE ? -1 : stage_of(v[j].due - today);
			/* complete: done for this round (a renewal coming up shows as due) */
			if (stage < 0 || v[j].state == TRAIN_COMPLETE)
				continue;
			if (n == lcap)
				list = xrealloc(list, (lcap = lcap ? 2 * lcap : 64) * sizeof *list);
			list[n++] = (struct remind){people[i].id, people[i].user, v[j].course_id, v[j].due, stage,
						     xstrdup(people[i].name), xstrdup(v[j].course)};
		}
		if (k > 0)
			train_status_free(v, k);
		free(people[i].name);
	}
	free(people);
	int sent = 0, rc = 0;
	if (db_begin(c) != DB_OK)
		rc = -1;
	for (size_t i = 0; i < n && rc >= 0; i++) {
		int64_t sup = 0;
		int a = tell(c, &list[i], list[i].user, 0), b = 0;
		if (a >= 0 && db_get_i64(c, &sup, "SELECT supervisor_id FROM users WHERE id = ? AND supervisor_id IS NOT NULL",
					 "I", list[i].user) == 1 && sup && sup != list[i].user)
			b = tell(c, &list[i], sup, 1);
		if (a < 0 || b < 0)
			rc = -1;
		sent += (a > 0) + (b > 0);
	}
	if (rc >= 0 && (db_exec(c, "INSERT INTO train_reminder_days (day, ran_at, sent) VALUES (?, ?, ?)", "IIi", today, now,
				sent) != DB_OK || db_commit(c) != DB_OK))
		rc = -1;
	if (rc < 0)
		db_rollback(c);
	for (size_t i = 0; i < n; i++) {
		free(list[i].name);
		free(list[i].course_name);
	}
	free(list);
	return rc < 0 ? -1 : sent;
}
