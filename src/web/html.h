/*
 * html.h — the HTML writer. Values are escaped unless the call says they are markup.
 *
 * html_printf understands:
 *   %s  text, escaped (&, <, >, ", ' become entities); NULL prints nothing
 *   %r  raw markup the caller built with this writer (never request data)
 *   %d  int     %D  int64_t     %%  a percent sign
 * Anything else (widths, %x, …) is a programming error: it prints "?" followed by the rest
 * of the format unexpanded, and no further argument is read.
 */
#ifndef ANQUAN_HTML_H
#define ANQUAN_HTML_H

#include "base/strbuf.h"

void html_escape(struct strbuf *sb, const char *s);
void html_printf(struct strbuf *sb, const char *fmt, ...);
/* Percent-encode a value for use inside a URL query (then escape it as an attribute). */
void url_encode(struct strbuf *sb, const char *s);

#endif
