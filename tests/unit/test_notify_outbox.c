/*
 * test_notify_outbox.c — the outbox's rules without a network: routing writes one row per
 * channel and person in the caller's transaction (and none when it rolls back), a second
 * write of the same event adds nothing, a robot hears only its unit's subtree; quiet hours
 * across midnight; the 08:00 digest; back-off bounds; sealed secrets open only unchanged; an
 * e-mail subject in RFC 2047 words that never split a character.
 */
#include "unit.h"
#include "base/clock.h"
#include "base/config.h"
#include "db/db.h"
#include "notify/notify.h"
#include "notify/notify_chan.h"
#include "base/strbuf.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int64_t rows(struct db *c, const char *where)
{
	int64_t n = -1;
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM notify_outbox WHERE %s", where);
	db_get_i64(c, &n, sql, "");
	return n;
}

TEST(outbox_rows_go_with_the_event_once_and_robots_by_unit)
{
	struct db *c = unit_db();
	CHECK(db_exec(c, "INSERT INTO units (id, name, kind, path, created_at) VALUES (1, 'plant', 'company', '/1/', 0),"
			 " (2, 'ws1', 'workshop', '/1/2/', 0), (3, 'ws2', 'workshop', '/1/3/', 0)", "") == DB_OK);
	CHECK(db_exec(c, "INSERT INTO users (id, username, name, unit_id, phone, password_hash, created_at, updated_at)"
			 " VALUES (901, 'a', 'A', 2, '13800000001', 'x', 0, 0)", "") == DB_OK);
	/* a webhook for everything, a robot of ws1 and one of ws2 (hazard.assigned → robots) */
	CHECK(db_exec(c, "INSERT INTO notify_channels (id, kind, name, unit_id, url, created_at, updated_at) VALUES"
			 " (1, 'webhook', 'w', NULL, 'http://127.0.0.1:9/', 0, 0),"
			 " (2, 'wecom', 'r1', 2, 'http://127.0.0.1:9/', 0, 0),"
			 " (3, 'wecom', 'r2', 3, 'http://127.0.0.1:9/', 0, 0)", "") == DB_OK);
	CHECK(db_begin(c) == DB_OK);
	CHECK_INT(notify_user(c, 901, "hazard.assigned", "t", "b", "/hazards/1", "hazard:1:assigned:901"), 1);
	db_rollback(c);
	CHECK_INT(rows(c, "1 = 1"), 0);	/* rolled back with the event */
	CHECK(db_begin(c) == DB_OK);
	CHECK_INT(notify_user(c, 901, "hazard.assigned", "t", "b", "/hazards/1", "hazard:1:assigned:901"), 1);
	CHECK_INT(notify_user(c, 901, "hazard.assigned", "t", "b", "/hazards/1", "hazard:1:assigned:901"), 0);
	CHECK(db_commit(c) == DB_OK);
	CHECK_INT(rows(c, "channel_id = 1"), 1);
	CHECK_INT(rows(c, "channel_id = 2 AND address = '13800000001'"), 1);
	CHECK_INT(rows(c, "channel_id = 3"), 0);	/* another workshop's robot */
	/* the outbox key itself is unique: an event queued twice by any path is one row */
	CHECK_INT(notify_outbox_route(c, 901, "hazard.assigned", "t", "b", "/hazards/1", "hazard:1:assigned:901"), 0);
	CHECK_INT(rows(c, "1 = 1"), 2);
	db_close(c);
}

TEST(quiet_hours_and_the_digest_follow_the_local_clock)
{
	int64_t off = clock_local_offset();
	int64_t midnight = 20000 * 86400LL - off;	/* a local midnight */
	CHECK(notify_in_quiet(midnight + 23 * 3600, 22 * 60, 7 * 60));
	CHECK(notify_in_quiet(midnight + 6 * 3600 + 59 * 60, 22 * 60, 7 * 60));
	CHECK(!notify_in_quiet(midnight + 7 * 3600, 22 * 60, 7 * 60));
	CHECK(notify_in_quiet(midnight + 13 * 3600, 12 * 60, 14 * 60));
	CHECK(!notify_in_quiet(midnight + 13 * 3600, 0, 0));	/* none set */
	CHECK_INT(notify_digest_at(midnight + 7 * 3600), midnight + 8 * 3600);
	CHECK_INT(notify_digest_at(midnight + 8 * 3600), midnight + 8 * 3600);
	CHECK_INT(notify_digest_at(midnight + 9 * 3600), midnight + 86400 + 8 * 3600);
}

TEST(backoff_doubles_with_jitter_and_stops_at_six_hours)
{
	for (int i = 0; i < 200; i++) {
		int64_t a1 = notify_backoff(1, 30), a3 = notify_backoff(3, 30), a30 = notify_backoff(30, 30);
		CHECK(a1 >= 15 && a1 <= 30);
		CHECK(a3 >= 60 && a3 <= 120);
		CHECK(a30 >= 3 * 3600 && a30 <= 6 * 3600);
	}
}

TEST(secrets_are_sealed_under_the_key_file)
{
	char dir[] = "/tmp/anquan-unit-notify-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	const char *saved = cfg.data;
	cfg.data = dir;
	char *a = notify_secret_seal("机器人密钥 SEC123"), *b = notify_secret_seal("机器人密钥 SEC123");
	CHECK(a && b && strcmp(a, b) != 0);	/* a fresh nonce each time */
	CHECK(a && !strstr(a, "SEC123"));
	char *open = notify_secret_open(a);
	CHECK_STR(open, "机器人密钥 SEC123");
	free(open);
	a[strlen(a) - 1] = a[strlen(a) - 1] == '0' ? '1' : '0';	/* one bit changed */
	CHECK(notify_secret_open(a) == NULL);
	char key[512];
	snprintf(key, sizeof(key), "%s/notify.key", dir);
	struct stat st;
	CHECK(stat(key, &st) == 0 && (st.st_mode & 0777) == 0600);
	unlink(key);
	rmdir(dir);
	free(a);
	free(b);
	cfg.data = saved;
}

TEST(mail_subject_is_encoded_words_that_never_split_a_character)
{
	/* 3-byte characters: a 45-byte word boundary falls inside one unless it is moved */
	const char *subject = "特种设备60天内需定期检验，请提前一个月申报：QZ-02 10t桥式起重机 (2#车间)";
	struct strbuf sb = STRBUF_INIT, back = STRBUF_INIT;
	notify_mail_subject(&sb, subject);
	int words = 0;
	for (char *p = sb.buf; (p = strstr(p, "=?UTF-8?B?"));) {
		char *end = strstr(p, "?=");
		CHECK(end != NULL);
		if (!end)
			break;
		CHECK(end + 2 - p <= 75);	/* RFC 2047 §2 */
		unsigned char bin[64];
		size_t n = 0;
		CHECK(sodium_base642bin(bin, sizeof(bin), p + 10, (size_t)(end - p - 10), NULL, &n, NULL,
					sodium_base64_VARIANT_ORIGINAL) == 0);
		CHECK(n > 0 && (bin[0] & 0xC0) != 0x80);	/* starts on a character */
		sb_add(&back, bin, n);
		words++;
		p = end + 2;
	}
	CHECK(words >= 2);
	CHECK_STR(back.buf, subject);
	sb_release(&sb);
	sb_release(&back);
}

/* Batching, seen through the viewer (notify.viewer = 1, no network): a person's digest is one
 * e-mail, but each SMS stays its own approved-template message. */
TEST(a_digest_is_one_email_but_never_one_sms)
{
	struct db *c = unit_db();
	CHECK(db_exec(c, "INSERT INTO units (id, name, kind, path, created_at) VALUES (1, 'plant', 'company', '/1/', 0)",
		      "") == DB_OK);
	CHECK(db_exec(c, "INSERT INTO users (id, username, name, unit_id, password_hash, created_at, updated_at)"
			 " VALUES (901, 'a', 'A', 1, 'x', 0, 0)", "") == DB_OK);
	CHECK(db_exec(c, "INSERT INTO settings (key, value) VALUES ('notify.viewer', '1')", "") == DB_OK);
	CHECK(db_exec(c, "INSERT INTO notify_channels (id, kind, name, url, created_at, updated_at) VALUES"
			 " (1, 'smtp', 'm', 'smtp://127.0.0.1:9', 0, 0), (2, 'sms_http', 's', 'http://127.0.0.1:9/', 0, 0)",
		      "") == DB_OK);
	const char *ins = "INSERT INTO notify_outbox (idem_key, channel_id, user_id, address, kind, digest, title, due_at,"
			  " created_at) VALUES (?, ?, 901, ?, 'k', 1, ?, 100, 0)";
	CHECK(db_exec(c, ins, "tItt", "m1", (int64_t)1, "a@x.test", "one") == DB_OK);
	CHECK(db_exec(c, ins, "tItt", "m2", (int64_t)1, "a@x.test", "two") == DB_OK);
	CHECK(db_exec(c, ins, "tItt", "s1", (int64_t)2, "13800000001", "one") == DB_OK);
	CHECK(db_exec(c, ins, "tItt", "s2", (int64_t)2, "13800000001", "two") == DB_OK);
	CHECK_INT(notify_deliver(c, 200), 4);
	int64_t mails = 0, sms = 0, left = -1;
	db_get_i64(c, &mails, "SELECT count(*) FROM notify_viewer WHERE channel_kind = 'smtp'", "");
	db_get_i64(c, &sms, "SELECT count(*) FROM notify_viewer WHERE channel_kind = 'sms_http'", "");
	db_get_i64(c, &left, "SELECT count(*) FROM notify_outbox WHERE state <> 'sent'", "");
	CHECK_INT(mails, 1);
	CHECK_INT(sms, 2);
	CHECK_INT(left, 0);
	char *body = NULL;
	db_get_text(c, &body, "SELECT body FROM notify_viewer WHERE channel_kind = 'smtp'", "");
	CHECK(body && strstr(body, "one") && strstr(body, "two"));
	free(body);
	db_close(c);
}
