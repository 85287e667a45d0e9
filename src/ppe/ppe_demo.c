/*
 * ppe_demo.c — the demo's protective equipment: two stores (the safety department's and the
 * synthesis workshop's cabinet) with stock, each post's list (操作工, 班组长, 焊工, 电工,
 * 维修工, 车间安全员), a year of issues — gloves and ear plugs every month, the rest by their
 * cycle, the worn-out ones disposed — with everyone equipped except two operators of the
 * packing team (HR's list), the redemption catalogue, and a year of redemptions (gloves, time
 * off approved, one waiting for the team leader). The store's receipts are sized to the issues,
 * so its stock runs down over the year and receipts − issues = stock; everyone gets a hire day;
 * every seventh issue was signed on the store keeper's tablet. The worker 张三 (yuangong) has a harness
 * issued and not yet confirmed (his home page's 待签收 line).
 */
#include "ppe/ppe.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/strbuf.h"
#include "db/db.h"

#include <cairo.h>

#include <string.h>

struct demo_post {
	const char *position, *items;	/* item codes, space-separated */
};
static const struct demo_post posts[] = {
	{"操作工", "helmet goggles gloves safety_shoes antistatic earplugs"},
	{"班组长", "helmet goggles gloves safety_shoes antistatic"},
	{"车间安全员", "helmet goggles safety_shoes antistatic gas_mask"},
	{"焊工", "helmet face_shield_weld fr_clothing gloves safety_shoes"},
	{"电工", "helmet gloves safety_shoes"},
	{"维修工", "helmet goggles gloves safety_shoes harness"},
	{NULL, NULL},
};

struct demo_reward {
	const char *kind, *name, *item;
	int hours, cost;
};
static const struct demo_reward rewards[] = {
	{"item", "防护手套一副", "gloves", 0, 5},
	{"item", "防护眼镜", "goggles", 0, 10},
	{"item", "安全鞋一双", "safety_shoes", 0, 40},
	{"time_off", "调休1小时", NULL, 1, 10},
	{"time_off", "调休2小时", NULL, 2, 30},
	{"time_off", "调休4小时", NULL, 4, 55},
	{NULL, NULL, NULL, 0, 0},
};

static int64_t item_id(struct db *c, const char *code)
{
	int64_t id = 0;
	db_get_i64(c, &id, "SELECT id FROM ppe_items WHERE code = ?", "t", code);
	return id;
}

/* One piece issued on `day` (and disposed at its due day when that has passed). */
static int64_t last_holding;

static int issue(struct db *c, int64_t store, int64_t uid, int64_t unit, int64_t item, int64_t day, int64_t today,
		 int confirmed)
{
	int64_t cycle = 0, uses = 0;
	db_get_i64(c, &cycle, "SELECT coalesce(cycle_days, 0) FROM ppe_items WHERE id = ?", "I", item);
	db_get_i64(c, &uses, "SELECT coalesce(cycle_uses, 0) FROM ppe_items WHERE id = ?", "I", item);
	int64_t due = ppe_due_day(day, cycle, DAY_NONE, 0);
	int ended = due != DAY_NONE && due <= today;
	int64_t at = day_start_utc(day) + 9 * 3600, end_at = ended ? day_start_utc(due) + 9 * 3600 : 0;
	if (db_exec(c, "INSERT INTO ppe_holdings (user_id, unit_id, item_id, store_id, qty, issued_on, due_on, state, confirmed_at,"
		       " issued_at, ended_at) VALUES (?, ?, ?, ?, 1, ?, NULLIF(?, -1000000), ?, ?, ?, ?)", "IIIIIItIII", uid, unit, item,
		    store, day, due == DAY_NONE ? (int64_t)-1000000 : due, ended ? "disposed" : "held",
		    confirmed ? at + 600 : (int64_t)0, at, end_at) != DB_OK)
		return -1;
	int64_t hid = last_holding = db_last_id(c);
	if (db_exec(c, "INSERT INTO ppe_moves (store_id, item_id, kind, qty, holder_id, holding_id, at) VALUES (?, ?, 'issue', 1, ?, ?, ?)",
		    "IIIII", store, item, uid, hid, at) != DB_OK)
		return -1;
	if (ended && db_exec(c, "INSERT INTO ppe_moves (store_id, item_id, kind, qty, holder_id, holding_id, at) VALUES"
			       " (?, ?, 'dispose', 1, ?, ?, ?)", "IIIII", store, item, uid, hid, end_at) != DB_OK)
		return -1;
	return 0;
}

/* The store's receipts for the year, made to fit what was issued from it: a first delivery
 * before the first issue (two thirds of the year's need), a second half a year later (the
 * rest), and what is left over on the shelf; so receipts − issues = stock for every item and
 * the stock runs down between deliveries. */
static int demo_receipts(struct db *c, int64_t store, int64_t today)
{
	struct db_stmt *st = db_query(c, "SELECT i.id, i.permit_only, (SELECT count(*) FROM ppe_moves m WHERE m.store_id = ?"
				      " AND m.item_id = i.id AND m.kind = 'issue') FROM ppe_items i ORDER BY i.id", "I", store);
	int rc = 0;
	while (rc == 0 && st && db_step(st) == 1) {
		int64_t item = db_col_i64(st, 0), issued = db_col_i64(st, 2);
		int64_t left = db_col_i64(st, 1) ? 6 : 40, first = (issued * 2 + 2) / 3 + left / 2, second = issued + left - first;
		rc = db_exec(c, "INSERT INTO ppe_moves (store_id, item_id, kind, qty, made_on, at) VALUES (?, ?, 'receipt', ?, ?, ?)",
			     "IIIII", store, item, first, today - 400, day_start_utc(today - 380) + 9 * 3600);
		if (rc == 0 && second > 0)
			rc = db_exec(c, "INSERT INTO ppe_moves (store_id, item_id, kind, qty, made_on, at) VALUES (?, ?, 'receipt', ?, ?, ?)",
				     "IIIII", store, item, second, today - 200, day_start_utc(today - 182) + 9 * 3600);
		if (rc == 0)
			rc = db_exec(c, "INSERT INTO ppe_stock (store_id, item_id, qty) VALUES (?, ?, ?)", "III", store, item, left);
	}
	db_done(c, st);
	return rc;
}

/* A signature as a tablet would send it: a PNG of a stroke that differs from person to
 * person (drawn with cairo, which the ledger's PDF uses anyway). */
static cairo_status_t png_out(void *closure, const unsigned char *data, unsigned int length)
{
	sb_add(closure, data, length);
	return CAIRO_STATUS_SUCCESS;
}

static int demo_signature_png(int64_t uid, struct strbuf *out)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 240, 120);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 0.07, 0.07, 0.07);
	cairo_set_line_width(cr, 3);
	cairo_move_to(cr, 20, 80);
	for (int k = 1; k <= 6; k++)
		cairo_curve_to(cr, 20 + k * 32 - 20, 30 + (double)((uid * 37 + k * 11) % 60), 20 + k * 32 - 10,
			       90 - (double)((uid * 13 + k * 7) % 50), 20 + k * 32, 70 + (double)((uid + k) % 20));
	cairo_stroke(cr);
	cairo_destroy(cr);
	int rc = cairo_surface_write_to_png_stream(s, png_out, out) == CAIRO_STATUS_SUCCESS ? 0 : -1;
	cairo_surface_destroy(s);
	return rc;
}

/* Every seventh confirmed issue was signed on the store keeper's tablet instead. */
static int demo_signatures(struct db *c)
{
	struct db_stmt *st = db_query(c, "SELECT id, user_id, issued_at FROM ppe_holdings WHERE confirmed_at <> 0 AND id % 7 = 1"
				      " ORDER BY id", NULL);
	int rc = 0;
	while (rc == 0 && st && db_step(st) == 1) {
		struct strbuf png = STRBUF_INIT;
		rc = demo_signature_png(db_col_i64(st, 1), &png) ? -1
		     : ppe_signature_store(c, db_col_i64(st, 0), (const unsigned char *)png.buf, png.len, db_col_i64(st, 2) + 60) != DB_OK;
		sb_release(&png);
	}
	db_done(c, st);
	return rc;
}

/* Hire days (入职日期): everyone years back, spread over a decade, except the two operators
 * of the packing team who are HR's new hires not yet equipped (3 and 6 weeks ago). */
static int demo_hire_days(struct db *c, int64_t pack, int64_t today)
{
	if (db_exec(c, "UPDATE users SET hired_on = ? - 400 - (id * 97) % 3650 WHERE hired_on IS NULL", "I", today) != DB_OK)
		return -1;
	struct db_stmt *st = db_query(c, "SELECT id FROM users WHERE unit_id = ? AND username LIKE 'u%' ORDER BY id DESC LIMIT 2",
				      "I", pack);
	int k = 0, rc = 0;
	while (rc == 0 && st && db_step(st) == 1)
		rc = db_exec(c, "UPDATE users SET hired_on = ? WHERE id = ?", "II", today - 21 * ++k, db_col_i64(st, 0));
	db_done(c, st);
	return rc;
}

int ppe_demo_load(struct db *c)
{
	int64_t now = clock_now(), today = day_of(now), hse = 0, ws1 = 0, pack = 0;
	db_get_i64(c, &hse, "SELECT unit_id FROM users WHERE username = 'anhuan'", NULL);
	db_get_i64(c, &ws1, "SELECT unit_id FROM users WHERE username = 'ws1anquan'", NULL);
	if (!hse || !ws1)
		return 0;	/* not the demo company */
	if (db_exec(c, "INSERT INTO ppe_stores (unit_id, name, created_at) VALUES (?, '安环部劳保库', ?)", "II", hse, now) != DB_OK)
		return -1;
	int64_t store = db_last_id(c);
	if (db_exec(c, "INSERT INTO ppe_stores (unit_id, name, created_at) VALUES (?, '合成一车间劳保柜', ?)", "II", ws1, now) != DB_OK)
		return -1;
	int64_t cabinet = db_last_id(c);
	/* the cabinet's receipt a month ago (the store's receipts follow its year of issues) */
	if (db_exec(c, "INSERT INTO ppe_stock (store_id, item_id, qty) SELECT ?, id, 20 FROM ppe_items WHERE code IN"
		       " ('gloves', 'earplugs', 'dust_mask', 'goggles')", "I", cabinet) != DB_OK ||
	    db_exec(c, "INSERT INTO ppe_moves (store_id, item_id, kind, qty, at) SELECT ?, id, 'receipt', 20, ? FROM ppe_items WHERE code IN"
		       " ('gloves', 'earplugs', 'dust_mask', 'goggles')", "II", cabinet, now - 30 * 86400) != DB_OK)
		return -1;
	for (const struct demo_post *p = posts; p->position; p++) {
		char buf[128];
		strncpy(buf, p->items, sizeof buf - 1);
		buf[sizeof buf - 1] = '\0';
		char *save = NULL;
		for (char *code = strtok_r(buf, " ", &save); code; code = strtok_r(NULL, " ", &save))
			if (db_exec(c, "INSERT INTO ppe_position_items (position_id, item_id, qty) SELECT id, ?, ? FROM positions WHERE name = ?",
				    "Iit", item_id(c, code), !strcmp(code, "gloves") ? 2 : 1, p->position) != DB_OK)
				return -1;
	}
	/* two operators of the last team with a list are the new hires not yet equipped */
	db_get_i64(c, &pack, "SELECT max(u.unit_id) FROM users u JOIN ppe_position_items x ON x.position_id = u.position_id", NULL);
	struct db_stmt *st = db_query(c, "SELECT u.id, u.unit_id, x.item_id, x.qty, coalesce(i.cycle_days, 365) FROM users u"
		" JOIN ppe_position_items x ON x.position_id = u.position_id JOIN ppe_items i ON i.id = x.item_id"
		" WHERE u.id NOT IN (SELECT id FROM users WHERE unit_id = ? AND username LIKE 'u%' ORDER BY id DESC LIMIT 2)"
		" ORDER BY u.id, x.item_id", "I", pack);
	int rc = 0;
	while (rc == 0 && st && db_step(st) == 1) {
		int64_t uid = db_col_i64(st, 0), unit = db_col_i64(st, 1), item = db_col_i64(st, 2), qty = db_col_i64(st, 3);
		int64_t cycle = db_col_i64(st, 4);
		/* the first issue a year back (spread over a fortnight), then one per cycle */
		int64_t day = today - 365 + uid % 14;
		while (rc == 0 && day <= today) {
			for (int64_t k = 0; k < qty && rc == 0; k++)
				rc = issue(c, store, uid, unit, item, day, today, 1);
			day += cycle;
		}
	}
	db_done(c, st);
	if (rc)
		return -1;
	/* 张三's harness: issued this morning, his confirmation outstanding */
	int64_t zhang = 0, zunit = 0;
	db_get_i64(c, &zhang, "SELECT id FROM users WHERE username = 'yuangong'", NULL);
	db_get_i64(c, &zunit, "SELECT unit_id FROM users WHERE username = 'yuangong'", NULL);
	if (zhang && issue(c, store, zhang, zunit, item_id(c, "harness"), today, today, 0))
		return -1;
	for (const struct demo_reward *w = rewards; w->kind; w++)
		if (db_exec(c, "INSERT INTO ppe_rewards (kind, name, item_id, store_id, hours, cost, created_at) VALUES"
			       " (?, ?, NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), ?, ?)", "ttIIiiI", w->kind, w->name,
			    w->item ? item_id(c, w->item) : 0, w->item ? store : 0, w->hours, w->cost, now - 365 * 86400) != DB_OK)
			return -1;
	/* the points of the demo's near misses and checks, as the job would award them */
	for (int k = 0; k < 20; k++) {
		int got = ppe_award_records(c, now);
		if (got < 0)
			return -1;
		if (got == 0)
			break;
	}
	/* a year of redemptions by those with points to spend: gloves a month after they earned
	 * enough, and time off approved by their team leader; one request waits for him */
	int64_t gloves_reward = 0, off_reward = 0, off1_reward = 0, leader = 0, gloves = item_id(c, "gloves");
	db_get_i64(c, &gloves_reward, "SELECT id FROM ppe_rewards WHERE name = '防护手套一副'", NULL);
	db_get_i64(c, &off_reward, "SELECT id FROM ppe_rewards WHERE name = '调休2小时'", NULL);
	db_get_i64(c, &off1_reward, "SELECT id FROM ppe_rewards WHERE name = '调休1小时'", NULL);
	db_get_i64(c, &leader, "SELECT id FROM users WHERE username = 'banzhang'", NULL);
	st = db_query(c, "SELECT p.user_id, u.unit_id, sum(p.points), min(p.at), coalesce(u.supervisor_id, 0),"
		      " n.path LIKE (SELECT path FROM units WHERE id = ?) || '_%' FROM points p JOIN users u ON u.id = p.user_id"
		      " JOIN units n ON n.id = u.unit_id WHERE u.username <> 'yuangong'"
		      " GROUP BY p.user_id, u.unit_id, u.supervisor_id, n.path HAVING sum(p.points) >= 5 ORDER BY p.user_id", "I", ws1);
	int pending = 0;
	while (rc == 0 && st && db_step(st) == 1) {
		int64_t uid = db_col_i64(st, 0), unit = db_col_i64(st, 1), pts = db_col_i64(st, 2), first = db_col_i64(st, 3);
		int64_t boss = db_col_i64(st, 4);
		int64_t at = first + 3 * 86400 < now ? first + 3 * 86400 : now - 3600, spent = 5;
		rc = db_exec(c, "INSERT INTO ppe_redemptions (user_id, unit_id, reward_id, cost, state, at) VALUES (?, ?, ?, 5, 'done', ?)",
			     "IIII", uid, unit, gloves_reward, at);
		int64_t rid = db_last_id(c);
		if (rc == 0)
			rc = issue(c, store, uid, unit, gloves, day_of(at), today, 1);
		if (rc == 0)
			rc = db_exec(c, "UPDATE ppe_holdings SET redemption_id = ? WHERE id = ?", "II", rid, last_holding);
		if (rc == 0)
			rc = db_exec(c, "UPDATE ppe_redemptions SET holding_id = ? WHERE id = ?", "II", last_holding, rid);
		/* one hour off asked by someone of the synthesis workshop's teams waits for a decision
		 * (their team leader's or the workshop director's); two hours, approved, for those
		 * with more to spend */
		int wait = rc == 0 && !pending && db_col_i64(st, 5) && uid != leader && pts - spent >= 10;
		if (wait || (rc == 0 && pts - spent >= 30)) {
			int64_t t = wait ? now - 3600 : at + 86400, cost = wait ? 10 : 30;
			pending += wait;
			rc = db_exec(c, "INSERT INTO ppe_redemptions (user_id, unit_id, reward_id, cost, hours, state, at, decided_by, decided_at)"
				     " VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?)", "IIIIItIII", uid, unit, wait ? off1_reward : off_reward,
				     cost, wait ? (int64_t)1 : (int64_t)2, wait ? "pending" : "approved", t, wait ? (int64_t)0 : boss,
				     wait ? (int64_t)0 : t + 86400);
			spent += cost;
		}
		if (rc == 0)
			rc = db_exec(c, "INSERT INTO ppe_wallets (user_id, spent) VALUES (?, ?)", "II", uid, spent);
	}
	db_done(c, st);
	if (rc || demo_receipts(c, store, today) || demo_hire_days(c, pack, today) || demo_signatures(c))
		return -1;
	return 0;
}
