/*
 * json_out.c — JSON written straight into a strbuf (json_out.h says when and why).
 */
#include "base/json_out.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (1–4), or 0 if the bytes there are not one:
 * RFC 3629, no overlong forms, no surrogates, nothing above U+10FFFF. */
static int utf8_seq(const unsigned char *s)
{
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

void json_out_str(struct strbuf *sb, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	sb_addc(sb, '"');
	const unsigned char *run = s;	/* bytes copied as they are, in one piece */
	while (*s) {
		if (*s >= 0x20 && *s != '"' && *s != '\\' && *s < 0x80) {
			s++;
			continue;
		}
		int n = *s >= 0x80 ? utf8_seq(s) : 0;
		if (n) {
			s += n;
			continue;
		}
		sb_add(sb, run, (size_t)(s - run));
		if (*s == '"' || *s == '\\') {
			char esc[2] = {'\\', (char)*s};
			sb_add(sb, esc, 2);
		} else if (*s < 0x20) {
			char esc[8];
			int k = *s == '\n' ? snprintf(esc, sizeof(esc), "\\n") : *s == '\t' ? snprintf(esc, sizeof(esc), "\\t")
			      : *s == '\r' ? snprintf(esc, sizeof(esc), "\\r") : snprintf(esc, sizeof(esc), "\\u%04x", *s);
			sb_add(sb, esc, (size_t)k);
		} else {
			sb_adds(sb, "\xef\xbf\xbd");	/* a byte of no valid sequence */
		}
		run = ++s;
	}
	sb_add(sb, run, (size_t)(s - run));
	sb_addc(sb, '"');
}

void json_out_str_or_null(struct strbuf *sb, const char *s)
{
	if (s && *s)
		json_out_str(sb, s);
	else
		sb_add(sb, "null", 4);
}

void json_out_int(struct strbuf *sb, int64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%" PRId64, v);
	sb_add(sb, buf, (size_t)n);
}

void json_out_bool(struct strbuf *sb, int v)
{
	if (v)
		sb_add(sb, "true", 4);
	else
		sb_add(sb, "false", 5);
}

void json_out_key(struct strbuf *sb, const char *key)
{
	sb_addc(sb, '"');
	sb_adds(sb, key);
	sb_add(sb, "\":", 2);
}
