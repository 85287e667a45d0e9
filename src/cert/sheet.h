/*
 * sheet.h — reading a spreadsheet row by row, for ledger imports: XLSX (xlsx_read.c) and
 * CSV (csv_read.c). Rows are handed to a callback one at a time and forgotten, so memory
 * stays bounded by one row (plus, for XLSX, the workbook's shared-string table).
 */
#ifndef ANQUAN_SHEET_H
#define ANQUAN_SHEET_H

#include <stddef.h>

#define SHEET_MAX_COLS 256	/* cells beyond this column are ignored */

/* One row: cells[0..ncells) are the texts of columns A, B, … ("" for an empty cell).
 * rownum is 1-based as the spreadsheet shows it. Return nonzero to stop reading. */
typedef int (*sheet_row_fn)(void *ctx, int rownum, int ncells, const char *const *cells);

/* Read the first worksheet of an XLSX file held in memory. Numbers come as their stored
 * text (dates are Excel serial numbers, e.g. "46082"). 0 ok, -1 with *err_key set to a
 * catalogue key (not an XLSX, no worksheet, damaged). */
int xlsx_read(const void *data, size_t len, sheet_row_fn fn, void *ctx, const char **err_key);
/* The 0-based column of a cell reference ("A1" → 0, "AB12" → 27); -1 if malformed. */
int xlsx_col_index(const char *ref);

/* Read CSV (RFC 4180: commas, "quoted, fields" with "" for a quote, CRLF or LF) that is
 * valid UTF-8; a leading BOM is skipped. Returns 0. */
int csv_read(const char *data, size_t len, sheet_row_fn fn, void *ctx);

#endif
