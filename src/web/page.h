/*
 * page.h — the page chrome every HTML page shares (cgit's ui-shared.c): head, top bar,
 * navigation drawn from the user's permissions, the role-preview banner, footer.
 */
#ifndef ANQUAN_PAGE_H
#define ANQUAN_PAGE_H

#include "http/http.h"
#include "web/html.h"

void page_begin(struct req *r, const char *title);
void page_end(struct req *r);
void page_error(struct req *r, int status, const char *message, const char *field);
/* The hidden CSRF input for a form (markup: pass with %r). */
html_raw page_csrf(struct req *r);
/* A notice box; kind is "ok", "warn" or "error". */
void page_notice(struct req *r, const char *kind, const char *text);
/* Format a UTC time for display in the plant's zone ("2026-11-23 09:30"). */
const char *page_time(struct req *r, int64_t t);

#endif
