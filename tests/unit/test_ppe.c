/*
 * test_ppe.c — protective equipment and points: a piece's replacement day (cycle from issue,
 * shelf life when earlier, across 29 February and the year's end), its state on each side of
 * that day and of its last use, the balance that never goes below zero, redemptions that
 * refuse to overdraw and give the points back when refused, and the permit check with
 * alternative items (受限空间: either breathing apparatus) at warn and at block.
 */
#include "unit.h"
#include "auth/actor.h"
#include "base/day.h"
#include "db/db.h"
#include "ppe/ppe.h"

#include <stdlib.h>
#include <string.h>

static int64_t D(int y, int m, int d)
{
	return day_from_ymd(y, m, d);
}

TEST(ppe_due_day_cycle_and_shelf)
{
	/* 365 days from 29 Feb 2028: 28 Feb 2029 */
	CHECK_INT(ppe_due_day(D(2028, 2, 29), 365, DAY_NONE, 0), D(2029, 2, 28));
	/* 30 days from 2 Dec: 1 Jan, across the year's end */
	CHECK_INT(ppe_due_day(D(2026, 12, 2), 30, DAY_NONE, 0), D(2027, 1, 1));
	/* a filter made a year and a half ago with two years' shelf life, issued with a
	 * three-year cycle: its shelf life comes first */
	CHECK_INT(ppe_due_day(D(2026, 12, 1), 1095, D(2025, 6, 1), 730), D(2027, 6, 1));
	/* the cycle first when the shelf life is longer */
	CHECK_INT(ppe_due_day(D(2026, 12, 1), 30, D(2026, 11, 1), 730), D(2026, 12, 31));
	/* replaced by uses only: no day */
	CHECK(ppe_due_day(D(2026, 12, 1), 0, DAY_NONE, 0) == DAY_NONE);
	CHECK_INT(ppe_due_day(D(2026, 12, 1), 0, D(2026, 1, 1), 100), D(2026, 4, 11));
}

TEST(ppe_state_boundaries)
{
	int64_t due = D(2027, 3, 1);
	/* warned 30 days ahead: from 30 Jan (2027 is no leap year) */
	CHECK_INT(ppe_state_at(D(2027, 1, 29), due, 0, 0, 30), PPE_OK);
	CHECK_INT(ppe_state_at(D(2027, 1, 30), due, 0, 0, 30), PPE_DUE_SOON);
	CHECK_INT(ppe_state_at(D(2027, 2, 28), due, 0, 0, 30), PPE_DUE_SOON);
	/* the due day is the day of replacement: not worn on it */
	CHECK_INT(ppe_state_at(due, due, 0, 0, 30), PPE_EXPIRED);
	/* by uses: the last use warns, the one after is expired, whatever the day */
	CHECK_INT(ppe_state_at(D(2027, 1, 1), DAY_NONE, 3, 5, 30), PPE_OK);
	CHECK_INT(ppe_state_at(D(2027, 1, 1), DAY_NONE, 4, 5, 30), PPE_DUE_SOON);
	CHECK_INT(ppe_state_at(D(2027, 1, 1), DAY_NONE, 5, 5, 30), PPE_EXPIRED);
	CHECK_STR(ppe_state_code(PPE_DUE_SOON), "due_soon");
	/* monthly gloves: warned in their last week, not on the day they are issued */
	CHECK_INT(ppe_warn_days(30, 30), 7);
	CHECK_INT(ppe_warn_days(30, 365), 30);
	CHECK_INT(ppe_warn_days(30, 3), 1);
	CHECK_INT(ppe_warn_days(30, 0), 30);
	int64_t issued = D(2026, 12, 2), gl = ppe_due_day(issued, 30, DAY_NONE, 0);
	CHECK_INT(ppe_state_at(issued, gl, 0, 0, ppe_warn_days(30, 30)), PPE_OK);
	CHECK_INT(ppe_state_at(gl - 7, gl, 0, 0, ppe_warn_days(30, 30)), PPE_DUE_SOON);
}

TEST(ppe_balance_never_below_zero)
{
	CHECK_INT(ppe_balance(10, 3), 7);
	CHECK_INT(ppe_balance(10, 10), 0);
	CHECK_INT(ppe_balance(3, 10), 0);	/* points taken back after a redemption: nothing to spend */
}

static void actor_of(struct db *c, int64_t uid, const char *scope, const char *pattern, struct actor *a)
{
	memset(a, 0, sizeof *a);
	a->db = c;
	a->user_id = uid;
	a->username = "t";
	a->ip = "local";
	a->unit_id = 1;
	a->unit_path = "/1/";
	a->perms = " ";
	a->scope = scope;
	a->scope_pattern = pattern;
	a->lang = "zh";
	a->now = day_start_utc(D(2026, 12, 2)) + 3600;
}

static void two_people(struct db *c)
{
	CHECK_INT(db_exec(c, "INSERT INTO units (id, name, kind, path, created_at) VALUES (1, '班组', 'team', '/1/', 0)", ""), DB_OK);
	CHECK_INT(db_exec(c, "INSERT INTO users (id, username, name, unit_id, password_hash, created_at, updated_at) VALUES"
			     " (1, 'w', '工人', 1, 'x', 0, 0), (2, 'l', '班长', 1, 'x', 0, 0)", ""), DB_OK);
}

TEST(ppe_redeem_balance_and_refund)
{
	struct db *c = unit_db();
	two_people(c);
	CHECK_INT(db_exec(c, "INSERT INTO points (user_id, unit_id, reason, points, at) VALUES (1, 1, 'report', 6, 0), (1, 1, 'rectify', 4, 0)", ""), DB_OK);
	CHECK_INT(db_exec(c, "INSERT INTO ppe_rewards (id, kind, name, hours, cost, created_at) VALUES (1, 'time_off', '调休', 2, 7, 0)", ""), DB_OK);
	struct actor w, l;
	actor_of(c, 1, "own", "%", &w);
	actor_of(c, 2, "unit", "/1/", &l);
	struct ppe_err e = {0};
	CHECK_INT(ppe_user_earned(c, 1), 10);
	int64_t rid = ppe_redeem(&w, 1, NULL, &e);
	CHECK(rid > 0);
	CHECK_INT(ppe_user_spent(c, 1), 7);
	/* 3 left: a second one is refused and nothing is recorded */
	CHECK_INT(ppe_redeem(&w, 1, NULL, &e), -1);
	CHECK_INT(e.status, 409);
	CHECK_STR(e.key, "ppe.err.balance");
	int64_t n = 0;
	db_get_i64(c, &n, "SELECT count(*) FROM ppe_redemptions", "");
	CHECK_INT(n, 1);
	/* nobody decides their own; the leader refuses it and the points come back */
	CHECK_INT(ppe_decide(&w, rid, 1, &e), -1);
	CHECK_INT(ppe_decide(&l, rid, 0, &e), 0);
	CHECK_INT(ppe_user_spent(c, 1), 0);
	CHECK_INT(ppe_decide(&l, rid, 1, &e), -1);	/* decided once */
	CHECK_INT(ppe_balance(ppe_user_earned(c, 1), ppe_user_spent(c, 1)), 10);
	db_close(c);
}

TEST(ppe_permit_check_alternatives_warn_and_block)
{
	struct db *c = unit_db();
	two_people(c);
	int64_t day = D(2026, 12, 2), scba = 0, airline = 0;
	db_get_i64(c, &scba, "SELECT id FROM ppe_items WHERE code = 'scba'", "");
	db_get_i64(c, &airline, "SELECT id FROM ppe_items WHERE code = 'airline'", "");
	CHECK(scba > 0 && airline > 0);
	const char *why;
	char *detail;
	/* shipped at warn: let through, naming both alternatives */
	CHECK_INT(ppe_permit_check(c, "confined_space", "workers", 1, day, &why, &detail), 2);
	CHECK_STR(why, "ppe.reason.warn");
	CHECK_STR(detail, "正压式空气呼吸器/长管呼吸器");
	free(detail);
	/* the guardian stays outside: nothing asked of him here */
	CHECK_INT(ppe_permit_check(c, "confined_space", "guardian", 1, day, &why, &detail), 1);
	free(detail);
	/* one alternative at block: refused */
	CHECK_INT(db_exec(c, "UPDATE ppe_permit_items SET level = 'block' WHERE item_id = ?", "I", scba), DB_OK);
	CHECK_INT(ppe_permit_check(c, "confined_space", "workers", 1, day, &why, &detail), 0);
	CHECK_STR(why, "ppe.reason.missing");
	free(detail);
	/* holding the other alternative, in date: allowed; past its day: refused again */
	CHECK_INT(db_exec(c, "INSERT INTO ppe_stores (id, unit_id, name, created_at) VALUES (1, 1, 'S', 0)", ""), DB_OK);
	CHECK_INT(db_exec(c, "INSERT INTO ppe_holdings (user_id, unit_id, item_id, store_id, qty, issued_on, due_on, issued_at)"
			     " VALUES (1, 1, ?, 1, 1, ?, ?, 0)", "III", airline, day - 10, day + 1), DB_OK);
	CHECK_INT(ppe_permit_check(c, "confined_space", "workers", 1, day, &why, &detail), 1);
	free(detail);
	CHECK_INT(ppe_permit_check(c, "confined_space", "workers", 1, day + 1, &why, &detail), 0);
	free(detail);
	/* another type asks nothing of him */
	CHECK_INT(ppe_permit_check(c, "excavation", "workers", 1, day, &why, &detail), 1);
	free(detail);
	db_close(c);
}

/* An item replaced by uses: each tap adds one, the last use warns, the one after expires it
 * and the permit check (SQL, its own copy of the rule) agrees; only the holder or a store
 * keeper records one, and not on an item counted in days. */
TEST(ppe_due_by_uses)
{
	struct db *c = unit_db();
	two_people(c);
	int64_t day = D(2026, 12, 2), item = 0, gloves = 0;
	CHECK_INT(db_exec(c, "INSERT INTO ppe_items (code, name, kind, cycle_uses, created_at) VALUES ('filter', '滤毒盒', 'respiratory', 3, 0)", ""), DB_OK);
	item = db_last_id(c);
	db_get_i64(c, &gloves, "SELECT id FROM ppe_items WHERE code = 'gloves'", "");
	CHECK_INT(db_exec(c, "INSERT INTO ppe_permit_items (permit_type, item_id, who, level) VALUES ('height', ?, 'workers', 'block')", "I", item), DB_OK);
	CHECK_INT(db_exec(c, "INSERT INTO ppe_stores (id, unit_id, name, created_at) VALUES (1, 1, 'S', 0)", ""), DB_OK);
	CHECK_INT(db_exec(c, "INSERT INTO ppe_holdings (id, user_id, unit_id, item_id, store_id, qty, issued_on, issued_at) VALUES"
			     " (1, 1, 1, ?, 1, 1, ?, 0), (2, 1, 1, ?, 1, 1, ?, 0)", "IIII", item, day, gloves, day), DB_OK);
	struct actor w, l;
	actor_of(c, 1, "own", "%", &w);
	actor_of(c, 2, "unit", "/1/", &l);
	struct ppe_err e = {0};
	int64_t uses = -1;
	const char *why;
	char *detail;
	/* the leader holds no ppe.issue: not his to record */
	CHECK_INT(ppe_use(&l, 1, &e), -1);
	CHECK_INT(e.status, 404);
	/* gloves are replaced by days */
	CHECK_INT(ppe_use(&w, 2, &e), -1);
	CHECK_STR(e.key, "ppe.err.not_counted");
	CHECK_INT(ppe_use(&w, 1, &e), 0);
	db_get_i64(c, &uses, "SELECT uses FROM ppe_holdings WHERE id = 1", "");
	CHECK_INT(ppe_state_at(day, DAY_NONE, uses, 3, 30), PPE_OK);
	CHECK_INT(ppe_use(&w, 1, &e), 0);
	db_get_i64(c, &uses, "SELECT uses FROM ppe_holdings WHERE id = 1", "");
	CHECK_INT(uses, 2);
	CHECK_INT(ppe_state_at(day, DAY_NONE, uses, 3, 30), PPE_DUE_SOON);
	/* not blocked (2: the harness, at warn, is still missing) */
	CHECK_INT(ppe_permit_check(c, "height", "workers", 1, day, &why, &detail), 2);
	free(detail);
	/* a store keeper taps the third: worn out, and the permit is refused */
	l.perms = " ppe.issue ";
	CHECK_INT(ppe_use(&l, 1, &e), 0);
	db_get_i64(c, &uses, "SELECT uses FROM ppe_holdings WHERE id = 1", "");
	CHECK_INT(ppe_state_at(day, DAY_NONE, uses, 3, 30), PPE_EXPIRED);
	CHECK_INT(ppe_permit_check(c, "height", "workers", 1, day, &why, &detail), 0);
	free(detail);
	int64_t n = 0;
	db_get_i64(c, &n, "SELECT count(*) FROM audit_log WHERE entity = 'ppe_holding' AND action = 'use'", "");
	CHECK_INT(n, 3);
	db_close(c);
}

/* A tablet signature is taken only as a PNG: its magic bytes, an IHDR of sane size, and no
 * more than PPE_SIGNATURE_MAX bytes. */
TEST(ppe_signature_png_only)
{
	static unsigned char png[64] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
					0, 0, 1, 0x2c, 0, 0, 0, 0x96, 8, 6, 0, 0, 0};
	int w = 0, h = 0;
	CHECK_INT(ppe_signature_check(png, sizeof png, &w, &h), 0);
	CHECK_INT(w, 300);
	CHECK_INT(h, 150);
	unsigned char jpeg[64];
	memcpy(jpeg, png, sizeof jpeg);
	jpeg[0] = 0xff, jpeg[1] = 0xd8;
	CHECK_INT(ppe_signature_check(jpeg, sizeof jpeg, &w, &h), -1);
	CHECK_INT(ppe_signature_check(png, 20, &w, &h), -1);	/* cut short */
	CHECK_INT(ppe_signature_check(png, PPE_SIGNATURE_MAX + 1, &w, &h), -1);	/* too large (not read past 64) */
	png[19] = 0;	/* width 0x000100 → 256: still fine; a zero width is not */
	png[16] = png[17] = png[18] = png[19] = 0;
	CHECK_INT(ppe_signature_check(png, sizeof png, &w, &h), -1);
	/* base64 with the canvas's data: prefix, and refused when not base64 */
	unsigned char *out = NULL;
	size_t n = 0;
	CHECK_INT(ppe_signature_decode("data:image/png;base64,iVBORw0KGgo=", &out, &n), 0);
	CHECK_INT((int)n, 8);
	CHECK(out && out[0] == 0x89 && out[1] == 'P');
	free(out);
	CHECK_INT(ppe_signature_decode("not base64!", &out, &n), -1);
	CHECK_INT(ppe_signature_decode("", &out, &n), 0);
	CHECK(out == NULL);
}
