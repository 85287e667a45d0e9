/*
 * html.c — escaping in one place, as cgit's html.c does.
 */
#include "web/html.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

void html_escape(struct strbuf *sb, const char *s)
{
	if (!s)
		return;
	/* the runs between special characters found by strcspn (glibc's is vectorised): a
	 * list page escapes every name of its rows and of its filter form's options */
	for (;;) {
		size_t n = strcspn(s, "&<>\"'");
		sb_add(sb, s, n);
		s += n;
		switch (*s) {
		case '\0': return;
		case '&': sb_add(sb, "&amp;", 5); break;
		case '<': sb_add(sb, "&lt;", 4); break;
		case '>': sb_add(sb, "&gt;", 4); break;
		case '"': sb_add(sb, "&quot;", 6); break;
		default: sb_add(sb, "&#39;", 5); break;
		}
		s++;
	}
}

/* A decimal integer, without printf: a list page writes a few hundred (ids of rows and of
 * options), and vsnprintf's setup was a tenth of such a page's CPU. */
static void add_int(struct strbuf *sb, int64_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	sb_add(sb, p, (size_t)(buf + sizeof(buf) - p));
}

void html_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *run = fmt;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		sb_add(sb, run, (size_t)(p - run));
		p++;
		switch (*p) {
		case 's':
			html_escape(sb, va_arg(ap, const char *));
			break;
		case 'r':
			sb_adds(sb, va_arg(ap, const char *));
			break;
		case 'd':
			add_int(sb, va_arg(ap, int));
			break;
		case 'D':
			add_int(sb, va_arg(ap, int64_t));
			break;
		case '%':
			sb_addc(sb, '%');
			break;
		case '\0':
			p--;
			break;
		default:
			/* An unknown conversion (a width such as %02d, say) is a programming error.
			 * Its argument's type is unknown, so taking any further argument could read
			 * garbage: print the rest of the format as it is and stop. */
			sb_addc(sb, '?');
			sb_adds(sb, p);
			va_end(ap);
			return;
		}
		run = p + 1;
	}
	sb_adds(sb, run);
	va_end(ap);
}

void url_encode(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			sb_addc(sb, (char)c);
		} else {
			sb_addc(sb, '%');
			sb_addc(sb, hex[c >> 4]);
			sb_addc(sb, hex[c & 15]);
		}
	}
}
