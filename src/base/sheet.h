/*
 * sheet.h — reading a spreadsheet row by row, for ledger imports (certificates, the risk
 * register): XLSX (xlsx_read.c) and CSV (csv_read.c). Rows are handed to a callback one at a time and forgotten, so memory
 * stays bounded by one row (plus, for XLSX, the workbook's shared-string table).
 *
 * An uploaded file is untrusted: a 2 MB XLSX can hold a cell that inflates to 2 GiB. So
 * every quantity the reader inflates, parses or keeps has a limit (struct sheet_limits),
 * and crossing one refuses the whole file with a catalogue key that names the limit.
 */
#ifndef ANQUAN_SHEET_H
#define ANQUAN_SHEET_H

#include <stddef.h>

#define SHEET_MAX_COLS 256	/* cells beyond this column are ignored */

/* What one file may make the readers inflate or hold. The numbers are quoted by the
 * messages cert.import.limit_* in po/cert.tsv: change both together. */
struct sheet_limits {
	size_t cell_chars;	/* characters in one cell or shared string */
	size_t sheet_bytes;	/* the worksheet's XML, inflated */
	size_t shared_bytes;	/* the shared-string table's XML, inflated */
	size_t total_bytes;	/* every member read, inflated, together */
	size_t shared_count;	/* items in the shared-string table */
	size_t members;		/* entries in the zip archive */
	size_t xml_memory;	/* what the XML parser may allocate (its buffers, tag stack) */
	long rows;		/* <row> elements in the worksheet, and the highest row number */
	long row_cells;		/* <c> elements in one row */
};
/* 32,767 characters, 1,048,576 rows and 16,384 columns are Excel's own limits; 100 MB of
 * worksheet XML is about three times a 50,000-row ledger written with inline strings. */
extern const struct sheet_limits sheet_limits_default;

/* Why a file was refused: a catalogue key, and where (a cell "B3", or an archive member),
 * "" when the key says it all. */
struct sheet_error {
	const char *key;
	char where[96];
};

/* One row: cells[0..ncells) are the texts of columns A, B, … ("" for an empty cell).
 * rownum is 1-based as the spreadsheet shows it. Return nonzero to stop reading. */
typedef int (*sheet_row_fn)(void *ctx, int rownum, int ncells, const char *const *cells);

/* Read the first worksheet of an XLSX file held in memory, within lim (NULL: the
 * defaults). Numbers come as their stored text (dates are Excel serial numbers, e.g.
 * "46082"). 0 ok, -1 with err set (not an XLSX, no worksheet, damaged, a limit crossed). */
int xlsx_read(const void *data, size_t len, const struct sheet_limits *lim, sheet_row_fn fn, void *ctx,
	      struct sheet_error *err);
/* The 0-based column of a cell reference ("A1" → 0, "AB12" → 27); -1 if malformed. */
int xlsx_col_index(const char *ref);
/* A cell's reference from its 0-based column and 1-based row: (27, 12) → "AB12". */
void sheet_cell_ref(char out[24], int col, long row);

/* Read CSV (RFC 4180: commas, "quoted, fields" with "" for a quote, CRLF or LF) that is
 * valid UTF-8; a leading BOM is skipped. 0 ok, -1 with err set when a field is longer than
 * lim->cell_chars (lim NULL: the defaults). */
int csv_read(const char *data, size_t len, const struct sheet_limits *lim, sheet_row_fn fn, void *ctx,
	     struct sheet_error *err);

/* A cell as an import reads it: ASCII and full-width (U+3000) spaces and a required-mark "*"
 * trimmed from both ends (header rows of templates mark required columns so). Malloc'd. */
char *sheet_clean(const char *s);
/* 1 when every cell of a row is empty or only spaces, tabs and CRs: the blank rows common at
 * the end of a ledger, which imports skip. */
int sheet_row_blank(int ncells, const char *const *cells);

#endif
