/*
 * test_base.c — strings, UTF-8, numbers, HTML escaping, the CSV writer, cookies and the
 * catalogue.
 */
#include "unit.h"
#include "base/arena.h"
#include "base/csv.h"
#include "base/embed.h"
#include "base/json_out.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "http/http.h"
#include "web/html.h"
#include "web/i18n.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

TEST(strbuf_grows_and_formats)
{
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < 1000; i++)
		sb_addf(&sb, "%d,", i);
	CHECK(sb.len > 3000);
	CHECK(strncmp(sb.buf, "0,1,2,", 6) == 0);
	CHECK(sb.buf[sb.len] == '\0');
	sb_reset(&sb);
	sb_adds(&sb, "  x y \n");
	sb_trim(&sb);
	CHECK_STR(sb.buf, "x y");
	sb_release(&sb);
	CHECK_STR(sb.buf, "");
}

TEST(utf8_validation)
{
	CHECK(utf8_valid("隐患 hazard", strlen("隐患 hazard")));
	CHECK(!utf8_valid("\xc3\x28", 2));		/* bad continuation */
	CHECK(!utf8_valid("\xc0\xaf", 2));		/* overlong '/' */
	CHECK(!utf8_valid("\xed\xa0\x80", 3));		/* surrogate */
	CHECK(!utf8_valid("\xf4\x90\x80\x80", 4));	/* beyond U+10FFFF */
	CHECK(!utf8_valid("a\0b", 3));			/* NUL */
	CHECK(!utf8_valid("a\x01", 2));			/* control */
	CHECK(utf8_valid("a\tb\r\n", 5));
	CHECK_INT(utf8_chars("隐患ab"), 4);
}

TEST(integers_parse_strictly)
{
	int64_t v;
	CHECK(text_parse_i64("42", &v) == 0 && v == 42);
	CHECK(text_parse_i64("-7", &v) == 0 && v == -7);
	CHECK(text_parse_i64("", &v) != 0);
	CHECK(text_parse_i64("12a", &v) != 0);
	CHECK(text_parse_i64("99999999999999999999", &v) != 0);
	CHECK(text_parse_i64("1 OR 1=1", &v) != 0);
	double d;
	CHECK(text_parse_double("31.93", &d) == 0 && d > 31.9 && d < 32);
	CHECK(text_parse_double("nan", &d) != 0);
	CHECK(text_parse_double("inf", &d) != 0);
}

TEST(html_escapes_by_default)
{
	struct strbuf sb = STRBUF_INIT;
	html_printf(&sb, "<p title=\"%s\">%s</p>%r", "\"><script>", "<b>&'", "<i>ok</i>");
	CHECK_STR(sb.buf, "<p title=\"&quot;&gt;&lt;script&gt;\">&lt;b&gt;&amp;&#39;</p><i>ok</i>");
	sb_reset(&sb);
	html_printf(&sb, "%d/%D/%%/%s", 7, (int64_t)1 << 40, (const char *)NULL);
	CHECK_STR(sb.buf, "7/1099511627776/%/");
	sb_reset(&sb);
	html_printf(&sb, "%d|%d|%D|%D|%D", 0, -42, (int64_t)INT64_MAX, (int64_t)INT64_MIN, (int64_t)-1);
	CHECK_STR(sb.buf, "0|-42|9223372036854775807|-9223372036854775808|-1");
	sb_reset(&sb);
	html_printf(&sb, "%s:%02d:%s", "a", 5, (const char *)NULL);	/* unsupported width */
	CHECK_STR(sb.buf, "a:?02d:%s");
	sb_reset(&sb);
	url_encode(&sb, "a b&c=隐");
	CHECK_STR(sb.buf, "a%20b%26c%3D%E9%9A%90");
	sb_release(&sb);
}

/* The hazard list's JSON, written without jansson (base/json_out.h), is JSON jansson reads
 * back to the same strings; bytes of no valid UTF-8 sequence become U+FFFD. */
TEST(json_out_writes_strings_jansson_reads_back)
{
	static const char *const cases[][2] = {
		{"plain", "plain"}, {"", ""}, {"q\"b\\s/", "q\"b\\s/"}, {"a\nb\tc\rd\x01" "e\x1f", "a\nb\tc\rd\x01" "e\x1f"},
		{"配电柜门未关闭", "配电柜门未关闭"}, {"\xf0\x9f\x98\x80 4 bytes", "\xf0\x9f\x98\x80 4 bytes"},
		{"bad \xff end", "bad \xef\xbf\xbd end"}, {"cut \xe9\x9a", "cut \xef\xbf\xbd\xef\xbf\xbd"},
		{"overlong \xc0\xaf", "overlong \xef\xbf\xbd\xef\xbf\xbd"},
		{"surrogate \xed\xa0\x80", "surrogate \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf sb = STRBUF_INIT;
		sb_addc(&sb, '[');
		json_out_str(&sb, cases[i][0]);
		sb_addc(&sb, ',');
		json_out_str_or_null(&sb, cases[i][0]);
		sb_addc(&sb, ',');
		json_out_int(&sb, INT64_MIN);
		sb_addc(&sb, ',');
		json_out_bool(&sb, 2);
		sb_addc(&sb, ']');
		json_error_t err;
		json_t *v = json_loads(sb.buf, 0, &err);
		CHECK(v != NULL);
		if (v) {
			CHECK_STR(json_string_value(json_array_get(v, 0)), cases[i][1]);
			CHECK(*cases[i][0] ? json_is_string(json_array_get(v, 1)) : json_is_null(json_array_get(v, 1)));
			CHECK(json_integer_value(json_array_get(v, 2)) == INT64_MIN);
			CHECK(json_is_true(json_array_get(v, 3)));
		}
		json_decref(v);
		sb_release(&sb);
	}
}

TEST(cookies_parse_leniently)
{
	struct arena a;
	arena_init(&a);
	struct kv *kv = http_parse_cookies(&a, "a=1; b=\"two\";c; =x; d = 4 ;");
	int seen = 0;
	for (; kv; kv = kv->next) {
		if (!strcmp(kv->key, "a")) { CHECK_STR(kv->val, "1"); seen |= 1; }
		if (!strcmp(kv->key, "b")) { CHECK_STR(kv->val, "two"); seen |= 2; }
		if (!strcmp(kv->key, "d")) { CHECK_STR(kv->val, "4"); seen |= 4; }
		CHECK(strcmp(kv->key, "c") != 0);
		CHECK(*kv->key);
	}
	CHECK_INT(seen, 7);
	arena_free(&a);
}

TEST(catalogue_has_both_languages)
{
	CHECK_STR(i18n_get("zh", "nav.home"), "首页");
	CHECK_STR(i18n_get("en", "nav.home"), "Home");
	CHECK_STR(i18n_get("zh", "no.such.key"), "no.such.key");
	/* every catalogue line has a key, a Chinese and an English text */
	for (const struct embedded_file *f = embedded_files; f->name; f++) {
		if (strncmp(f->name, "po/", 3))
			continue;
		const char *line = (const char *)f->data;
		while (*line) {
			const char *end = strchr(line, '\n');
			size_t n = end ? (size_t)(end - line) : strlen(line);
			if (n && line[0] != '#') {
				int tabs = 0;
				for (size_t i = 0; i < n; i++)
					tabs += line[i] == '\t';
				if (tabs != 2) {
					char m[200];
					snprintf(m, sizeof(m), "%s: bad line: %.80s", f->name, line);
					unit_fail(__FILE__, __LINE__, m);
				}
			}
			line += n + (end ? 1 : 0);
		}
	}
}

/* the one CSV writer: RFC 4180 quoting, and the formula guard of OWASP's CSV-injection
 * advice (= + - @ TAB CR get a leading quote; a plain number does not) */
static const char *csv1(const char *v)
{
	static char out[256];
	struct strbuf sb = STRBUF_INIT;
	csv_field(&sb, v, 1);
	snprintf(out, sizeof(out), "%s", sb.buf);
	sb_release(&sb);
	return out;
}

TEST(csv_writer_guard_and_quoting)
{
	CHECK_STR(csv1("plain"), "\"plain\"\r\n");
	CHECK_STR(csv1(NULL), "\"\"\r\n");
	CHECK_STR(csv1("a,b \"c\"\nd"), "\"a,b \"\"c\"\"\nd\"\r\n");
	CHECK_STR(csv1("=1+1"), "\"'=1+1\"\r\n");
	CHECK_STR(csv1("+1"), "\"'+1\"\r\n");
	CHECK_STR(csv1("@SUM(A1)"), "\"'@SUM(A1)\"\r\n");
	CHECK_STR(csv1("-1+1|cmd"), "\"'-1+1|cmd\"\r\n");
	CHECK_STR(csv1("\t=HYPERLINK(\"x\")"), "\"'\t=HYPERLINK(\"\"x\"\")\"\r\n");
	CHECK_STR(csv1("\r=cmd"), "\"'\r=cmd\"\r\n");
	CHECK_STR(csv1("\"=cmd"), "\"\"\"=cmd\"\r\n");	/* a quote first: Excel reads text */
	/* numbers stay numbers */
	CHECK_STR(csv1("-3"), "\"-3\"\r\n");
	CHECK_STR(csv1("-0.25"), "\"-0.25\"\r\n");
	CHECK_STR(csv1("-12%"), "\"-12%\"\r\n");
	CHECK_STR(csv1("-"), "\"'-\"\r\n");
	CHECK_STR(csv1("-1."), "\"'-1.\"\r\n");
	CHECK_STR(csv1("-1e5"), "\"'-1e5\"\r\n");
	CHECK_STR(csv1(" =x"), "\" =x\"\r\n");
	CHECK(csv_formula_risk("\t") && csv_formula_risk("\r") && !csv_formula_risk("") && !csv_formula_risk(NULL));
	/* a row, and the BOM */
	struct strbuf sb = STRBUF_INIT;
	const char *cells[] = {"编号", "=x", ""};
	csv_begin(&sb);
	csv_row(&sb, 3, cells);
	CHECK_STR(sb.buf, "\xEF\xBB\xBF\"编号\",\"'=x\",\"\"\r\n");
	sb_release(&sb);
}
