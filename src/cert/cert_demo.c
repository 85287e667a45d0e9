/*
 * cert_demo.c — demo certificates, dated relative to the current
 * clock so that every state shows up whenever the demo is loaded: valid, review due,
 * expiring, review overdue, expired and revoked, for employees and for contractors' workers.
 * The cert module's demo loader (cert_module.c), run by demo_load() inside its transaction;
 * the special equipment's dates are the equip module's (equip.c).
 */
#include "cert/cert.h"
#include "base/clock.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

struct demo_cert {
	const char *who;	/* a username, or a contractor worker's name */
	const char *code, *number;
	int issued_ago;		/* days before today it was issued */
	int expires_in;		/* days from today (negative: past) */
	int review_in;		/* days from today; 0 = none recorded */
	int revoked;
};

static const struct demo_cert certs[] = {
	{"yuangong", "weld.fusion", "T320102199001011234", 900, 1290, 200, 0},	/* valid */
	{"yuangong", "int.guardian", "JN-JH-0001", 300, 430, 0, 0},		/* valid */
	{"banzhang", "elec.low", "T320102198502021111", 2170, 20, 0, 0},	/* expiring */
	{"banzhang", "int.guardian", "JN-JH-0002", 200, 530, 0, 0},		/* valid */
	{"u001", "height.scaffold", "T320102199203033333", 1085, 1100, 10, 0},	/* review due */
	{"u002", "elec.high", "T320102198804044444", 1110, 1080, -5, 0},	/* review overdue */
	{"u003", "se.N1", "TS3201-N1-00017", 700, 760, 0, 0},			/* valid */
	{"u004", "int.gas_analyst", "JN-QT-0003", 100, 630, 0, 0},		/* valid */
	{"李铁柱", "weld.fusion", "T340103198011115555", 2200, -10, 0, 0},	/* expired */
	{"王大锤", "weld.fusion", "T340103198212126666", 500, 1700, 600, 1},	/* revoked */
	{"王大锤", "se.Q2", "TS3401-Q2-00088", 400, 1060, 0, 0},		/* valid */
	{"赵德柱", "height.install", "T340103199107077777", 2180, 12, 0, 0},	/* expiring */
	{NULL, NULL, NULL, 0, 0, 0, 0},
};

static const char *const contractor = "南京华建安装工程有限公司";

static int64_t person_of(struct db *c, const char *who, int64_t unit)
{
	int64_t uid = 0, pid = 0;
	if (db_get_i64(c, &uid, "SELECT id FROM users WHERE username = ?", "t", who) == 1)
		return cert_person_for_user(c, uid, 1);
	if (db_get_i64(c, &pid, "SELECT id FROM persons WHERE name = ? AND contractor = 1", "t", who) == 1)
		return pid;
	if (db_exec(c, "INSERT INTO persons (name, employer, contractor, unit_id, created_at) VALUES (?, ?, 1, ?, ?)",
		    "ttII", who, contractor, unit, clock_now()) != DB_OK)
		return 0;
	return db_last_id(c);
}

int cert_demo_load(struct db *c)
{
	int64_t today = cert_today(), ws1 = 0, now = clock_now();
	db_get_i64(c, &ws1, "SELECT id FROM units WHERE name = '合成一车间维修班'", NULL);
	if (!ws1 && db_get_i64(c, &ws1, "SELECT id FROM units ORDER BY id LIMIT 1", NULL) != 1)
		return -1;
	for (const struct demo_cert *d = certs; d->who; d++) {
		int64_t pid = person_of(c, d->who, ws1);
		if (!pid)
			return -1;
		const char *dot = strchr(d->code, '.');
		char category[32];
		snprintf(category, sizeof(category), "%.*s", (int)(dot ? dot - d->code : (long)strlen(d->code)), d->code);
		if (db_exec(c, "INSERT INTO certs (person_id, category, item, number, authority, issued_on, expires_on, review_on,"
			       " revoked_at, revoke_reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, -1000000),"
			       " ?, ?, ?, ?)",
			    "IttttIIIItII", pid, category, dot ? d->code : NULL, d->number, "南京市应急管理局",
			    today - d->issued_ago, today + d->expires_in,
			    d->review_in ? today + d->review_in : (int64_t)CERT_DAY_ARG_NULL,
			    d->revoked ? now : 0, d->revoked ? "违章动火，吊销" : "", now, now) != DB_OK)
			return -1;
	}
	return 0;	/* the equipment demo follows as the equip module's own (equip_module.c) */
}
