/*
 * test_hazard.c — the hazard module's rules without HTTP: the transition table, deadlines,
 * reminders, hazard numbers, the CJK bigram tokenizer and its use in FTS5, and photo checks.
 */
#include "unit.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "db/pg.h"
#include "hazard/hazard.h"

#include <stdint.h>
#include <stdlib.h>

static const char *const states[] = {"reported", "assigned", "planning", "plan_review", "rectifying",
				     "verifying", "closed", "cancelled", NULL};

static int known_state(const char *s)
{
	for (int i = 0; states[i]; i++)
		if (!strcmp(states[i], s))
			return 1;
	return 0;
}

TEST(hazard_transitions_are_well_formed)
{
	int rows = 0;
	for (const struct hazard_transition *t = hazard_transitions; t->from; t++, rows++) {
		CHECK(known_state(t->from));
		CHECK(known_state(t->to));
		CHECK(t->guard != NULL);
		CHECK(t->perm && !strncmp(t->perm, "hazard.", 7));
		/* closed and cancelled are final: nothing leaves them */
		CHECK(strcmp(t->from, "closed") && strcmp(t->from, "cancelled"));
	}
	CHECK(rows > 15);
}

TEST(hazard_lifecycle_paths_exist)
{
	/* the general path reported → assigned → rectifying → verifying → closed */
	const struct hazard_transition *t = hazard_flow_find("reported", "accept");
	CHECK(t && !strcmp(t->to, "assigned") && !strcmp(t->perm, "hazard.handle"));
	t = hazard_flow_find("assigned", "start");
	CHECK(t && !strcmp(t->to, "rectifying"));
	t = hazard_flow_find("rectifying", "submit");
	CHECK(t && !strcmp(t->to, "verifying") && !strcmp(t->perm, "hazard.rectify"));
	t = hazard_flow_find("verifying", "verify");
	CHECK(t && !strcmp(t->to, "closed") && !strcmp(t->perm, "hazard.verify"));
	t = hazard_flow_find("verifying", "reject");
	CHECK(t && !strcmp(t->to, "rectifying"));
	t = hazard_flow_find("reported", "fix_on_spot");
	CHECK(t && !strcmp(t->to, "closed"));
	/* the major path needs a plan and hazard.major approvals */
	t = hazard_flow_find("planning", "submit_plan");
	CHECK(t && !strcmp(t->to, "plan_review"));
	t = hazard_flow_find("plan_review", "approve_plan");
	CHECK(t && !strcmp(t->perm, "hazard.major"));
	/* what is not there */
	CHECK(hazard_flow_find("reported", "verify") == NULL);
	CHECK(hazard_flow_find("closed", "reject") == NULL);
	CHECK(hazard_flow_find("verifying", "cancel") == NULL);
	CHECK(hazard_flow_find("assigned", "submit") == NULL);
}

TEST(hazard_deadlines_by_urgency)
{
	const int respond[3] = {2, 24, 48}, rectify[3] = {24, 72, 168};
	int64_t t0 = 1800000000;
	struct hazard_deadlines a = hazard_deadlines_for('A', t0, respond, rectify);
	CHECK_INT(a.respond_due, t0 + 2 * 3600);
	CHECK_INT(a.rectify_due, t0 + 24 * 3600);
	struct hazard_deadlines b = hazard_deadlines_for('B', t0, respond, rectify);
	CHECK_INT(b.rectify_due, t0 + 72 * 3600);
	struct hazard_deadlines c = hazard_deadlines_for('C', t0, respond, rectify);
	CHECK_INT(c.rectify_due, t0 + 7 * 86400);
	/* a response window longer than the rectification window is capped */
	const int odd_respond[3] = {48, 48, 48};
	struct hazard_deadlines x = hazard_deadlines_for('A', t0, odd_respond, rectify);
	CHECK_INT(x.respond_due, x.rectify_due);
	/* reminders at 75 % of the way */
	CHECK_INT(hazard_remind_at(t0, t0 + 7200, 75), t0 + 5400);
	CHECK_INT(hazard_remind_at(t0, t0, 75), t0);
}

TEST(hazard_deadlines_from_settings)
{
	struct db *c = unit_db();
	struct hazard_deadlines d = hazard_deadlines(c, 'B', 1000);
	CHECK_INT(d.respond_due, 1000 + 24 * 3600);
	CHECK_INT(d.rectify_due, 1000 + 72 * 3600);
	db_exec(c, "UPDATE settings SET value = '48' WHERE key = 'hazard.rectify_hours.B'", NULL);
	d = hazard_deadlines(c, 'B', 1000);
	CHECK_INT(d.rectify_due, 1000 + 48 * 3600);
	CHECK_INT(hazard_setting(c, "hazard.no_such_key", 7), 7);
	/* a new installation answers a general hazard (default urgency C) within 24 hours */
	d = hazard_deadlines(c, 'C', 1000);
	CHECK_INT(d.respond_due, 1000 + 24 * 3600);
	CHECK_INT(d.rectify_due, 1000 + 168 * 3600);
	db_close(c);
}

static int64_t told(struct db *c, int64_t uid, const char *kind)
{
	int64_t n = -1;
	db_get_i64(c, &n, "SELECT count(*) FROM notifications WHERE user_id = ? AND kind = ?", "It", uid, kind);
	return n;
}

/* The supervisor is also the head of the assignee's team: step 2 goes on up the tree to the
 * workshop head instead of telling the supervisor a second time. */
TEST(hazard_escalation_skips_supervisor_who_is_unit_head)
{
	struct db *c = unit_db();
	const char *setup[] = {
		"INSERT INTO units (id, parent_id, name, kind, path, created_at) VALUES"
		" (901, NULL, 'W', 'workshop', '/901/', 0), (902, 901, 'T', 'team', '/901/902/', 0)",
		"INSERT INTO users (id, username, name, unit_id, password_hash, created_at, updated_at) VALUES"
		" (901, 'ws', '车间主任', 901, 'x', 0, 0), (902, 'lead', '班长', 902, 'x', 0, 0)",
		"INSERT INTO users (id, username, name, unit_id, supervisor_id, password_hash, created_at,"
		" updated_at) VALUES (903, 'fix', '维修工', 902, 902, 'x', 0, 0)",
		"UPDATE units SET head_user_id = id WHERE id IN (901, 902)",
		"INSERT INTO areas (id, name, unit_id, qr_token, created_at) VALUES (901, 'A', 902, 'tok901', 0)",
		"INSERT INTO hazards (id, number, status, area_id, unit_id, category_id, reported_at,"
		" respond_due, rectify_due, assignee_id, updated_at) VALUES (901, 'YH-2026-900001', 'reported', 901, 902,"
		" (SELECT min(id) FROM hazard_categories), 1000, 1000 + 7200, 1000 + 86400, 903, 1000)",
	};
	int rc = DB_OK;
	for (size_t i = 0; i < sizeof(setup) / sizeof(setup[0]) && rc == DB_OK; i++)
		if ((rc = db_exec(c, setup[i], NULL)) != DB_OK)
			fprintf(stderr, "setup %zu failed\n", i);	/* names the broken row */
	CHECK_INT(rc, DB_OK);
	CHECK_INT(hazard_sched_run(c, 1000 + 7200 + 60), 3);	/* overdue mark, assignee, step 1 */
	CHECK_INT(told(c, 902, "hazard.escalate"), 1);
	CHECK(hazard_sched_run(c, 1000 + 7200 + 24 * 3600 + 60) > 0);	/* step 2 */
	CHECK_INT(told(c, 902, "hazard.escalate"), 1);
	CHECK_INT(told(c, 901, "hazard.escalate"), 1);
	db_close(c);
}

TEST(hazard_numbers)
{
	char buf[32];
	hazard_format_number(buf, sizeof(buf), 2026, 123);
	CHECK_STR(buf, "YH-2026-000123");
	hazard_format_number(buf, sizeof(buf), 2027, 1234567);
	CHECK_STR(buf, "YH-2027-1234567");
	/* the year is the plant's (UTC+8): 2026-12-31 17:00 UTC is already 2027 */
	CHECK_INT(hazard_local_year(1798736400), 2027);
	CHECK_INT(hazard_local_year(1798736400 - 3600 * 8), 2026);
}

static void collect(void *ctx, const char *tok, int n, int start, int end)
{
	struct strbuf *sb = ctx;
	(void)start;
	(void)end;
	if (sb->len)
		sb_addc(sb, '|');
	sb_add(sb, tok, (size_t)n);
}

static void tokens(const char *text, struct strbuf *out)
{
	sb_reset(out);
	hazard_search_tokens(text, (int)strlen(text), out, collect);
}

TEST(hazard_bigram_tokenizer)
{
	struct strbuf sb = STRBUF_INIT;
	tokens("安全阀", &sb);
	CHECK_STR(sb.buf, "安|安全|全|全阀|阀");
	tokens("阀门漏，地面", &sb);
	CHECK_STR(sb.buf, "阀|阀门|门|门漏|漏|地|地面|面");
	tokens("YH-2026-000123 Pump P-101", &sb);
	CHECK_STR(sb.buf, "yh|-|2026|-|000123|pump|p|-|101");
	tokens("R-101反应釜", &sb);
	CHECK_STR(sb.buf, "r|-|101|反|反应|应|应釜|釜");
	tokens("\"'", &sb);		/* quotes are searchable text, not nothing */
	CHECK_STR(sb.buf, "\"|'");
	tokens("泵 坏", &sb);		/* lone characters stay searchable as themselves */
	CHECK_STR(sb.buf, "泵|坏");
	tokens("", &sb);
	CHECK_STR(sb.buf, "");
	tokens("\xe4\xb8", &sb);		/* truncated UTF-8 does not crash */
	sb_release(&sb);
}

TEST(hazard_search_query_quotes_terms)
{
	struct db *c = unit_db();
	char *q = hazard_search_query(c, "漏油  阀\"门");
	CHECK_STR(q, db_pg(c) ? "('漏' <-> '漏油' <-> '油') & ('阀' <-> '\"' <-> '门')"
			      : "\"漏油\" \"阀\"\"门\"");
	free(q);
	CHECK(hazard_search_query(c, "  ，。 ") == NULL);
	q = hazard_search_query(c, "\"");	/* a stray quote is a phrase of itself */
	CHECK_STR(q, db_pg(c) ? "('\"')" : "\"\"\"\"");
	free(q);
	CHECK(hazard_search_query(c, "") == NULL);
	db_close(c);
}

TEST(hazard_fts_finds_two_character_words)
{
	struct db *c = unit_db();
	/* the same table and tokenizer as hazard_search.c's, written as that file writes it */
	static const char *const cols[] = {"number", "description", "notes"};
	static const struct db_fts fts = {"hazards_fts", "cjk2", cols, 3};
	const char *rows[][3] = {{"YH-2026-000001", "回流泵机封渗漏，地面有物料", ""},
				 {"YH-2026-000002", "配电柜门未关闭", "已联系电工"},
				 {"YH-2026-000003", "3号泵出口法兰松动", ""},
				 {"YH-2026-000004", "表单可注入<script>XSS</script>", ""},
				 {"YH-2026-000005", "标牌写着\"禁止烟火\"", ""},
				 {"YH-2026-000006", "operator's cabin door", ""}};
	for (int i = 0; i < 6; i++)
		CHECK_INT(db_fts_put(c, &fts, i + 1, rows[i]), DB_OK);
	const char *cases[][2] = {{"渗漏", "1"}, {"机封", "1"}, {"电工", "2"}, {"柜门", "2"},
				  {"000002", "2"}, {"yh-2026-000001", "1"}, {"泵渗", "0"},
				  /* one character, digits before Han, ASCII words, stray quotes */
				  {"漏", "1"}, {"3号", "3"}, {"3号泵", "3"}, {"XSS", "4"}, {"\"", "5"},
				  {"'", "6"}, {"4号", "0"},
				  /* every piece must match; a phrase does not span two columns */
				  {"配电 电工", "2"}, {"配电 渗漏", "0"}, {"000002 配", "2"}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *q = hazard_search_query(c, cases[i][0]);
		int64_t id = 0;
		db_get_i64(c, &id, "SELECT coalesce(min(rowid), 0) FROM hazards_fts WHERE hazards_fts MATCH ?", "t", q);
		char want[8];
		snprintf(want, sizeof(want), "%lld", (long long)id);
		CHECK_STR(want, cases[i][1]);
		free(q);
	}
	db_close(c);
}

TEST(hazard_photos_checked_and_shrunk)
{
	struct hazard_image img;
	const char *why = NULL;
	CHECK(hazard_image_process((const unsigned char *)"hello, not an image", 19, &img, &why) < 0);
	CHECK_STR(why, "hazard.photo_not_image");
	/* a PNG header claiming 100000 × 100000 px is refused before decoding */
	unsigned char png[33] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
				 0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0, 8, 2, 0, 0, 0, 0, 0, 0, 0};
	CHECK(hazard_image_process(png, sizeof(png), &img, &why) < 0);
	CHECK_STR(why, "hazard.photo_too_many_pixels");
	size_t len = 0;
	unsigned char *jpg = hazard_image_synth(2400, 1200, 0xd32f2f, 85, &len);
	CHECK(jpg != NULL);
	CHECK(hazard_image_process(jpg, len, &img, &why) == 0);
	/* decoded at 5/8: 1500 px is within 1/16 of the 1600 px limit, so no resampling pass */
	CHECK_INT(img.width, 1500);
	CHECK_INT(img.height, 750);
	CHECK(img.thumb_len > 0 && img.thumb_len < img.jpeg_len);
	CHECK(img.jpeg[0] == 0xff && img.jpeg[1] == 0xd8);
	hazard_image_free(&img);
	/* a truncated JPEG header is not an image */
	CHECK(hazard_image_process(jpg, 20, &img, &why) < 0);
	free(jpg);
}

/* A voice note's type comes from its first bytes only (hazard_offline.c): the three containers
 * MediaRecorder writes, nothing else, whatever the upload claimed. */
TEST(hazard_voice_type_by_magic_bytes)
{
	static const unsigned char webm[] = {0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01,
					     0x42, 0x82, 0x84, 'w', 'e', 'b', 'm', 0, 0};
	static const unsigned char mkv[] = {0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01,
					    0x42, 0x82, 0x88, 'm', 'a', 't', 'r', 'o', 's', 'k', 'a'};
	static const unsigned char mp4[] = {0, 0, 0, 0x1c, 'f', 't', 'y', 'p', 'M', '4', 'A', ' '};
	CHECK_STR(hazard_voice_type(webm, sizeof(webm)), "audio/webm");
	CHECK(hazard_voice_type(mkv, sizeof(mkv)) == NULL);	/* Matroska video is not WebM audio */
	CHECK_STR(hazard_voice_type((const unsigned char *)"OggS\0\2", 6), "audio/ogg");
	CHECK_STR(hazard_voice_type(mp4, sizeof(mp4)), "audio/mp4");
	CHECK(hazard_voice_type((const unsigned char *)"<html><script>", 14) == NULL);
	CHECK(hazard_voice_type(webm, 3) == NULL);
	CHECK(hazard_voice_type(mp4, 8) == NULL);
}

TEST(hazard_idempotency_key_shape)
{
	CHECK(hazard_idem_key_ok("1703a6f5-d9ed-4776-9b01-9655274ef23f"));
	CHECK(hazard_idem_key_ok("k_0123456789"));
	CHECK(!hazard_idem_key_ok("short"));
	CHECK(!hazard_idem_key_ok("has space in it"));
	CHECK(!hazard_idem_key_ok("quote'or\"1=1--"));
	char long_key[66];
	memset(long_key, 'a', 65);
	long_key[65] = '\0';
	CHECK(!hazard_idem_key_ok(long_key));
}
