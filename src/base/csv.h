/*
 * csv.h — the one CSV writer behind every export (hazards, certificates, dashboard tables).
 *
 * RFC 4180: fields separated by commas, rows by CRLF, every field quoted with a quote
 * doubled inside, so that commas, quotes and line breaks in a description stay data. A file
 * starts with a UTF-8 BOM: without it, Excel on Chinese Windows reads UTF-8 as GBK.
 *
 * CSV injection (OWASP, "CSV Injection"): a spreadsheet runs a cell that starts with = + - @
 * as a formula, and one that starts with TAB or CR as well (it drops the blank and reads
 * on). Such a cell gets a leading single quote, which Excel and LibreOffice show as text.
 * A plain number ("-3", "-0.25", "-12%") is left alone: it is not a formula, and quoting it
 * would turn a dashboard's negative trend into text.
 */
#ifndef ANQUAN_CSV_H
#define ANQUAN_CSV_H

#include "base/strbuf.h"

void csv_begin(struct strbuf *sb);	/* the UTF-8 BOM */
/* One field, guarded and quoted, then "," or, for the row's last field, CRLF. NULL is "". */
void csv_field(struct strbuf *sb, const char *v, int last);
/* A whole row of n fields. */
void csv_row(struct strbuf *sb, int n, const char *const *cells);
/* 1 if a spreadsheet would read v as a formula (and csv_field() prefixes a quote). */
int csv_formula_risk(const char *v);

#endif
