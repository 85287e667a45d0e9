/*
 * html.h — the HTML writer. Values are escaped unless the call says they are markup.
 *
 * html_printf understands:
 *   %s  text, escaped (&, <, >, ", ' become entities); NULL prints nothing
 *   %r  raw markup, an html_raw (below)
 *   %d  int     %D  int64_t     %%  a percent sign
 * Anything else (widths, %x, …) is a programming error: it prints "?" followed by the rest
 * of the format unexpanded, and no further argument is read.
 */
#ifndef ANQUAN_HTML_H
#define ANQUAN_HTML_H

#include "base/strbuf.h"

/*
 * Markup that this writer built, or that the source spells as a literal: the only values %r
 * takes. To the compiler it is a plain string (html_printf's arguments are not checked by it
 * anyway); tests/check-static checks every %r argument and accepts only an html_raw (a
 * function or variable declared with this type), a string literal, or a choice between
 * literals, and it rejects a cast to html_raw. So a string from a request can reach %r only
 * by being written through html_printf first, which escapes it.
 */
typedef const char *html_raw;

/* The markup a strbuf holds after html_printf wrote it ("" when nothing was written). */
static inline html_raw html_raw_sb(const struct strbuf *sb)
{
	return sb->buf;
}

void html_escape(struct strbuf *sb, const char *s);
void html_printf(struct strbuf *sb, const char *fmt, ...);
/* Percent-encode a value for use inside a URL query (then escape it as an attribute). */
void url_encode(struct strbuf *sb, const char *s);

#endif
