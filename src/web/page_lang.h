/*
 * page_lang.h — form controls whose visible words follow the page's language, not the
 * browser's. A browser draws a file input's button ("Choose File" / "选择文件"), a month input's
 * month names and a date input's format in its own interface language, whatever the page's
 * lang attribute says (Chromium ignores it), so a Chinese page on an English phone showed
 * English controls. The functions below draw the words themselves (page_lang.c).
 */
#ifndef ANQUAN_PAGE_LANG_H
#define ANQUAN_PAGE_LANG_H

#include "http/http.h"
#include "web/html.h"

/* A file input (name, its attributes such as accept/required/multiple as markup) under a
 * button that says `button_key` in the page's language and a line naming the chosen files;
 * the real input lies over the button, transparent, so it is the thing tapped and focused
 * (keyboard, screen readers and tests use it as an ordinary file input). */
html_raw page_file_input(struct req *r, const char *name, const char *button_key, html_raw attrs);

/* The date format in the page's language, shown beside a date input (whose own format the
 * browser's language sets). */
html_raw page_date_hint(struct req *r);

/* "2026-03" as "2026年3月" / "March 2026" (the text itself when it is no month). */
const char *page_month_name(struct req *r, const char *yyyymm);

/* A <select name=name> of months ("2026年3月" / "March 2026") from this month back two
 * years, `current` ("YYYY-MM") selected and listed even when older. */
void page_month_select(struct req *r, const char *name, const char *current);

#endif
