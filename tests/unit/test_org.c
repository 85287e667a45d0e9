/*
 * test_org.c — the administration rules: input checks, the unit tree's levels, the
 * separation of duties, dates for token expiry, generated passwords, QR codes as SVG.
 */
#include "unit.h"
#include "auth/auth.h"
#include "auth/auth_duty.h"
#include "base/clock.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "org/org.h"
#include "web/i18n.h"
#include "web/qr.h"

#include <stdint.h>
#include <stdlib.h>

TEST(usernames_are_short_plain_ascii)
{
	CHECK(org_check_username("li.ming") == NULL);
	CHECK(org_check_username("u_01-a") == NULL);
	CHECK(org_check_username("abc") == NULL);
	CHECK(org_check_username("ab") != NULL);
	CHECK(org_check_username("") != NULL);
	CHECK(org_check_username(NULL) != NULL);
	CHECK(org_check_username("LiMing") != NULL);		/* upper case */
	CHECK(org_check_username("li ming") != NULL);
	CHECK(org_check_username("李明abc") != NULL);
	CHECK(org_check_username("a'; drop") != NULL);
	CHECK(org_check_username("abcdefghijabcdefghijabcdefghij12") == NULL);	/* 32 */
	CHECK(org_check_username("abcdefghijabcdefghijabcdefghij123") != NULL);	/* 33 */
}

TEST(phones_are_digits_plus_and_dash)
{
	CHECK(org_check_phone("") == NULL);
	CHECK(org_check_phone(NULL) == NULL);
	CHECK(org_check_phone("13800000001") == NULL);
	CHECK(org_check_phone("+86-25-8888-0000") == NULL);
	CHECK(org_check_phone("12345678901234567890") == NULL);
	CHECK(org_check_phone("123456789012345678901") != NULL);
	CHECK(org_check_phone("138 0000") != NULL);
	CHECK(org_check_phone("call me") != NULL);
}

TEST(names_are_counted_in_characters)
{
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < 64; i++)
		sb_adds(&sb, "隐");
	CHECK(org_check_text(sb.buf, 64, 1) == NULL);	/* 64 characters, 192 bytes */
	sb_adds(&sb, "患");
	CHECK_STR(org_check_text(sb.buf, 64, 1), "org.err_too_long");
	sb_release(&sb);
	CHECK_STR(org_check_text("", 64, 1), "org.err_required");
	CHECK(org_check_text("", 64, 0) == NULL);
	CHECK_STR(org_check_text("a\nb", 64, 1), "org.err_bad_text");
	CHECK_STR(org_check_text("\xc3\x28", 64, 1), "org.err_bad_text");
	CHECK_STR(org_check_text(" a", 64, 1), "org.err_spaces");
	CHECK(org_check_text("<script>", 64, 1) == NULL);	/* stored as typed, escaped on output */
}

TEST(role_codes_and_scopes)
{
	CHECK(org_check_role_code("inspector") == NULL);
	CHECK(org_check_role_code("ws_2") == NULL);
	CHECK(org_check_role_code("x") != NULL);
	CHECK(org_check_role_code("Bad") != NULL);
	CHECK(org_check_role_code("a.b") != NULL);
	CHECK(org_scope_valid("own") && org_scope_valid("unit") && org_scope_valid("subtree") &&
	      org_scope_valid("company"));
	CHECK(!org_scope_valid("group") && !org_scope_valid("") && !org_scope_valid(NULL));
}

TEST(unit_kinds_follow_the_tree)
{
	CHECK(org_unit_kind_fits("group", "company"));
	CHECK(org_unit_kind_fits("group", "group"));
	CHECK(org_unit_kind_fits("company", "workshop"));
	CHECK(org_unit_kind_fits("company", "department"));
	CHECK(org_unit_kind_fits("workshop", "team"));
	CHECK(org_unit_kind_fits("department", "team"));
	CHECK(org_unit_kind_fits("company", "team"));
	CHECK(!org_unit_kind_fits("team", "team"));
	CHECK(!org_unit_kind_fits("workshop", "company"));
	CHECK(!org_unit_kind_fits("workshop", "department"));
	CHECK(!org_unit_kind_fits("company", "company"));
	CHECK(!org_unit_kind_fits(NULL, "team"));
	CHECK(!org_unit_kind_fits("company", "plant"));
	CHECK(org_unit_kind_valid("team") && !org_unit_kind_valid("plant"));
}

/* 三权分立 (等保 2.0 §8.1.4.2): one derivation, auth_duty_of(), decides every check. */
TEST(separation_of_duties)
{
	char clash[AUTH_DUTY_CLASH_MAX];
	/* each permission is at most one administrator's */
	CHECK(auth_perm_duty("user.admin") == AUTH_DUTY_SYSTEM);
	CHECK(auth_perm_duty("org.admin") == AUTH_DUTY_SYSTEM);
	CHECK(auth_perm_duty("settings.admin") == AUTH_DUTY_SYSTEM);
	CHECK(auth_perm_duty("role.admin") == AUTH_DUTY_SECURITY);
	CHECK(auth_perm_duty("audit.read") == AUTH_DUTY_AUDIT);
	for (const char *const *p = (const char *const[]){"hazard.report", "user.view", "org.view",
							   "token.admin", "audit.reader", "", NULL}; *p; p++)
		CHECK(auth_perm_duty(*p) == AUTH_DUTY_NONE);
	/* a list is the kind of its administrator permissions */
	CHECK(auth_duty_of("", NULL) == AUTH_DUTY_NONE);
	CHECK(auth_duty_of(NULL, NULL) == AUTH_DUTY_NONE);
	CHECK(auth_duty_of("hazard.report hazard.view user.view", NULL) == AUTH_DUTY_NONE);
	CHECK(auth_duty_of("org.view org.admin user.view user.admin settings.admin token.admin", NULL) == AUTH_DUTY_SYSTEM);
	CHECK(auth_duty_of(" role.admin token.admin\tuser.view ", NULL) == AUTH_DUTY_SECURITY);
	CHECK(auth_duty_of("audit.read user.view dashboard.view", NULL) == AUTH_DUTY_AUDIT);
	/* two kinds in one list are mixed, and the pair is named */
	CHECK(auth_duty_of("audit.read user.admin", clash) == AUTH_DUTY_MIXED);
	CHECK_STR(clash, "audit.read + user.admin");
	CHECK(auth_duty_of("user.admin,role.admin", clash) == AUTH_DUTY_MIXED);
	CHECK_STR(clash, "user.admin + role.admin");
	CHECK(auth_duty_of("hazard.view role.admin\naudit.read", clash) == AUTH_DUTY_MIXED);
	CHECK_STR(clash, "role.admin + audit.read");
	/* the audit administrator changes nothing: audit.read with any write is mixed */
	CHECK(auth_duty_of("audit.read hazard.report", clash) == AUTH_DUTY_MIXED);
	CHECK_STR(clash, "audit.read + hazard.report");
	CHECK(auth_duty_of("token.admin audit.read", clash) == AUTH_DUTY_MIXED);
	CHECK_STR(clash, "audit.read + token.admin");
	CHECK(auth_duty_of("audit.reader user.admins", NULL) == AUTH_DUTY_NONE);	/* whole words only */
	CHECK(auth_perm_reads_only("user.view") && auth_perm_reads_only("audit.read"));
	CHECK(!auth_perm_reads_only("token.admin") && !auth_perm_reads_only("hazard.viewer"));
	/* who may touch whose account or role */
	for (int a = AUTH_DUTY_NONE; a <= AUTH_DUTY_AUDIT; a++) {
		CHECK(auth_duty_may_manage(a, AUTH_DUTY_NONE));
		CHECK(auth_duty_may_manage(a, a));
		CHECK(!auth_duty_may_manage(a, AUTH_DUTY_MIXED));
		CHECK(!auth_duty_may_manage(AUTH_DUTY_MIXED, a));
		for (int t = AUTH_DUTY_SYSTEM; t <= AUTH_DUTY_AUDIT; t++)
			if (t != a)
				CHECK(!auth_duty_may_manage(a, t));
	}
	/* what a preview or a mixed account keeps */
	char out[128];
	auth_duty_filter("hazard.view audit.read role.admin user.admin", AUTH_DUTY_SECURITY, out);
	CHECK_STR(out, " hazard.view role.admin ");
	auth_duty_filter("hazard.view\taudit.read  user.admin ", AUTH_DUTY_NONE, out);
	CHECK_STR(out, " hazard.view ");
	auth_duty_filter("audit.read user.view", AUTH_DUTY_AUDIT, out);
	CHECK_STR(out, " audit.read user.view ");
	auth_duty_filter("", AUTH_DUTY_NONE, out);
	CHECK_STR(out, " ");
	CHECK_STR(auth_duty_code(AUTH_DUTY_AUDIT), "audit");
	CHECK_STR(auth_duty_code(AUTH_DUTY_MIXED), "mixed");

	CHECK(org_perms_has(" a.b c.d ", "c.d"));
	CHECK(org_perms_has("a.b\tc.d", "c.d"));
	CHECK(!org_perms_has("a.bc", "a.b"));
	CHECK(!org_perms_has("xa.b", "a.b"));
	CHECK(!org_perms_has("", "a.b"));
}

/* No path that stores an account can make it two administrators. */
TEST(no_account_is_two_administrators)
{
	struct db *c = unit_db();
	CHECK(db_begin(c) == DB_OK);
	int64_t unit = org_unit_create(c, 0, "测试公司", "company");
	CHECK(unit > 0);
	CHECK(org_user_create(c, "sys1", "甲", NULL, NULL, unit, "sysadmin", "x", 1) > 0);
	CHECK(org_user_create(c, "sec1", "乙", NULL, NULL, unit, "secadmin worker", "x", 1) > 0);
	CHECK(org_user_create(c, "aud1", "丙", NULL, NULL, unit, "auditor", "x", 1) > 0);
	CHECK(org_user_create(c, "mix1", "丁", NULL, NULL, unit, "sysadmin,secadmin", "x", 1) < 0);
	CHECK(org_user_create(c, "mix2", "戊", NULL, NULL, unit, "sysadmin,auditor", "x", 1) < 0);
	CHECK(org_user_create(c, "mix3", "己", NULL, NULL, unit, "secadmin,auditor", "x", 1) < 0);
	CHECK(org_user_create(c, "mix4", "庚", NULL, NULL, unit, "auditor,worker", "x", 1) < 0);	/* a write */
	struct strbuf sb = STRBUF_INIT;
	CHECK(org_roles_perms(c, "auditor hr", &sb) == 0);
	CHECK(auth_duty_of(sb.buf, NULL) == AUTH_DUTY_MIXED);	/* hr writes certificates */
	CHECK(org_roles_perms(c, "auditor nosuchrole", &sb) < 0);
	sb_release(&sb);
	db_rollback(c);
	db_close(c);
}

TEST(vocabulary_covers_the_default_roles)
{
	struct db *c = unit_db();
	struct db_stmt *st = db_query(c, "SELECT permissions FROM roles", NULL);
	int roles = 0;
	while (st && db_step(st) == 1) {
		char *copy = xstrdup(db_col_text(st, 0)), *save = NULL;
		for (char *p = strtok_r(copy, " ", &save); p; p = strtok_r(NULL, " ", &save))
			if (!org_perm_known(p)) {
				char m[128];
				snprintf(m, sizeof(m), "permission %s is not in org_permissions[]", p);
				unit_fail(__FILE__, __LINE__, m);
			}
		free(copy);
		roles++;
	}
	db_done(c, st);
	CHECK_INT(roles, 12);
	/* the three administrators are one kind each, and every business role is none */
	st = db_query(c, "SELECT code, permissions FROM roles", NULL);
	while (st && db_step(st) == 1) {
		const char *code = db_col_text(st, 0);
		int want = !strcmp(code, "sysadmin") ? AUTH_DUTY_SYSTEM
			 : !strcmp(code, "secadmin") ? AUTH_DUTY_SECURITY
			 : !strcmp(code, "auditor")  ? AUTH_DUTY_AUDIT
						     : AUTH_DUTY_NONE;
		if (auth_duty_of(db_col_text(st, 1), NULL) != want) {
			char m[128];
			snprintf(m, sizeof(m), "role %s is administrator kind %s", code,
				 auth_duty_code(auth_duty_of(db_col_text(st, 1), NULL)));
			unit_fail(__FILE__, __LINE__, m);
		}
	}
	db_done(c, st);
	db_close(c);
	/* every permission has a description in both languages */
	for (int i = 0; org_permissions[i]; i++) {
		char key[80];
		snprintf(key, sizeof(key), "perm.%s", org_permissions[i]);
		CHECK(i18n_has(key));
	}
}

TEST(expiry_dates_end_at_plant_midnight)
{
	int64_t t;
	CHECK(org_parse_date_end("1970-01-01", &t) == 0);
	CHECK_INT(t, 86399 - clock_local_offset());
	CHECK(org_parse_date_end("2024-02-29", &t) == 0);	/* leap year */
	CHECK_INT(t, 1709251199 - clock_local_offset());
	CHECK(org_parse_date_end("2026-12-31", &t) == 0);
	CHECK_INT(t, 1798761599 - clock_local_offset());
	CHECK(org_parse_date_end("2023-02-29", &t) != 0);
	CHECK(org_parse_date_end("2026-13-01", &t) != 0);
	CHECK(org_parse_date_end("2026-1-01", &t) != 0);
	CHECK(org_parse_date_end("2026-01-01x", &t) != 0);
	CHECK(org_parse_date_end("", &t) != 0);
	CHECK(org_parse_date_end(NULL, &t) != 0);
	CHECK(org_parse_date_end("yesterday!", &t) != 0);
}

TEST(generated_passwords_meet_the_policy_and_differ)
{
	char a[24], b[24];
	org_gen_password(a);
	org_gen_password(b);
	CHECK(auth_password_problem(a) == NULL);
	CHECK(strcmp(a, b) != 0);
	CHECK(strlen(a) >= 12);
}

TEST(qr_codes_render_as_svg)
{
	struct strbuf sb = STRBUF_INIT;
	CHECK(qr_svg(&sb, "https://plant.example/a/0123456789abcdef0123456789abcdef") == 0);
	CHECK(strncmp(sb.buf, "<svg class=\"qr\"", 15) == 0);
	CHECK(strstr(sb.buf, "viewBox=\"0 0 41 41\"") != NULL);	/* version 3: 29 + 2 × 4 quiet */
	CHECK(strstr(sb.buf, "<path") != NULL);
	CHECK(strstr(sb.buf, "example") == NULL);	/* the text is encoded, never echoed */
	CHECK(strcmp(sb.buf + sb.len - 6, "</svg>") == 0);
	sb_release(&sb);
}
