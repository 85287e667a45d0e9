/*
 * test_org.c — the administration rules: input checks, the unit tree's levels, the
 * separation of duties, dates for token expiry, generated passwords, QR codes as SVG.
 */
#include "unit.h"
#include "auth/auth.h"
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

TEST(separation_of_duties)
{
	CHECK(org_perms_conflict("audit.read") == NULL);
	CHECK(org_perms_conflict("org.admin user.admin role.admin token.admin") == NULL);
	CHECK_STR(org_perms_conflict("audit.read user.admin"), "user.admin");
	CHECK_STR(org_perms_conflict("role.admin hazard.view audit.read"), "role.admin");
	CHECK(org_perms_conflict("audit.reader user.admins") == NULL);	/* whole words only */
	CHECK(org_perms_has(" a.b c.d ", "c.d"));
	CHECK(org_perms_has("a.b\tc.d", "c.d"));
	CHECK(!org_perms_has("a.bc", "a.b"));
	CHECK(!org_perms_has("xa.b", "a.b"));
	CHECK(!org_perms_has("", "a.b"));
}

TEST(vocabulary_covers_the_default_roles)
{
	struct db *c = unit_db();
	sqlite3_stmt *st = db_query(c, "SELECT permissions FROM roles", NULL);
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
	CHECK_INT(roles, 11);
	/* and no default role breaks the separation of duties */
	int64_t bad = 0;
	db_get_i64(c, &bad, "SELECT count(*) FROM roles WHERE (' ' || permissions || ' ') LIKE '% audit.read %'"
		   " AND ((' ' || permissions || ' ') LIKE '% user.admin %' OR (' ' || permissions || ' ') LIKE '% role.admin %')",
		   NULL);
	CHECK_INT(bad, 0);
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
