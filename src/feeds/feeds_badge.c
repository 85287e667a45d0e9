/*
 * feeds_badge.c — the health score as the equipment pages show it (equip_web.c: the list's
 * column and the device page): the last score, marked low below the threshold, with a note
 * when a preventive task is open, linking to the task. Nothing before the first scoring.
 */
#include "feeds/feeds.h"
#include "base/arena.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "web/html.h"
#include "web/i18n.h"

html_raw feeds_health_html(struct req *r, int64_t equipment_id)
{
	struct db_stmt *st = db_query(r->db, "SELECT f.score, COALESCE((SELECT max(t.id) FROM feeds_health_tasks t"
				      " WHERE t.equipment_id = f.equipment_id AND t.closed_at = 0), 0)"
				      " FROM feeds_equipment f WHERE f.equipment_id = ? AND f.score IS NOT NULL", "I", equipment_id);
	if (!st || db_step(st) != 1) {
		db_done(r->db, st);
		return "";
	}
	int64_t score = db_col_i64(st, 0), open = db_col_i64(st, 1);
	db_done(r->db, st);
	int64_t threshold = feeds_setting_int(r->db, "feeds.health.threshold", 60);
	struct strbuf sb = STRBUF_INIT;
	html_printf(&sb, "<span class=\"badge %s\" data-health=\"%D\" title=\"%s\">%s %D</span>",
		    score < threshold ? "bad" : "ok", score, T(r, "feeds.health.title"), T(r, "feeds.health.score"), score);
	/* the open preventive task, linked to its page (feeds_tasks_web.c) */
	if (open)
		html_printf(&sb, " <a class=\"ht-link\" href=\"/health-tasks/%D\">%s</a>", open, T(r, "feeds.health.task_open"));
	char *s = arena_strdup(&r->arena, sb.buf);
	sb_release(&sb);
	return s;
}
