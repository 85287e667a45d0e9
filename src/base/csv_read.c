/*
 * csv_read.c — a streaming CSV reader (RFC 4180) for ledger imports: one pass over the
 * bytes, one row's cells in reusable buffers, each row handed to the caller and forgotten.
 * The whole upload is in memory already (bounded by the request body limit); what this adds
 * is bounded too: columns past SHEET_MAX_COLS are dropped, and a field longer than
 * cell_chars characters (a line with no separator, an unclosed quote) refuses the file, so
 * that no single cell is copied, trimmed and shown megabytes at a time.
 */
#include "base/sheet.h"
#include "base/strbuf.h"

#include <stdlib.h>
#include <string.h>

struct csv_row {
	struct strbuf cells[SHEET_MAX_COLS];
	size_t chars[SHEET_MAX_COLS];
	const char *ptrs[SHEET_MAX_COLS];
	int n;
};

static int emit(struct csv_row *row, int rownum, sheet_row_fn fn, void *ctx)
{
	for (int i = 0; i < row->n; i++)
		row->ptrs[i] = row->cells[i].buf;
	int stop = fn(ctx, rownum, row->n, row->ptrs);
	for (int i = 0; i < row->n; i++) {
		sb_reset(&row->cells[i]);
		row->chars[i] = 0;
	}
	row->n = 0;
	return stop;
}

int csv_read(const char *data, size_t len, const struct sheet_limits *lim, sheet_row_fn fn, void *ctx,
	     struct sheet_error *err)
{
	if (!lim)
		lim = &sheet_limits_default;
	memset(err, 0, sizeof(*err));
	struct csv_row *row = xcalloc(1, sizeof(*row));
	for (int i = 0; i < SHEET_MAX_COLS; i++)
		sb_init(&row->cells[i], 0);
	size_t i = 0;
	int rownum = 1, quoted = 0, col = 0, stop = 0, any = 0;
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		i = 3;
	row->n = 1;
	for (; i < len && !stop; i++) {
		char ch = data[i];
		int keep = 0;	/* ch is a character of the current field */
		if (quoted) {
			if (ch == '"') {
				if (i + 1 < len && data[i + 1] == '"') {
					keep = 1;
					i++;
				} else {
					quoted = 0;
				}
			} else {
				keep = 1;
			}
		} else if (ch == '"') {
			quoted = 1;
			any = 1;
		} else if (ch == ',') {
			col++;
			if (col < SHEET_MAX_COLS)
				row->n = col + 1;
		} else if (ch == '\n' || ch == '\r') {
			if (ch == '\r' && i + 1 < len && data[i + 1] == '\n')
				i++;
			stop = emit(row, rownum++, fn, ctx);
			row->n = 1;
			col = 0;
			any = 0;
		} else {
			keep = 1;
			any = 1;
		}
		if (!keep || col >= SHEET_MAX_COLS)
			continue;
		/* count characters: every byte but UTF-8 continuation bytes */
		if (((unsigned char)ch & 0xC0) != 0x80 && ++row->chars[col] > lim->cell_chars) {
			err->key = "cert.import.limit_cell";
			sheet_cell_ref(err->where, col, rownum);
			break;
		}
		sb_addc(&row->cells[col], ch);
	}
	if (!err->key && !stop && (any || col > 0))
		emit(row, rownum, fn, ctx);
	for (int k = 0; k < SHEET_MAX_COLS; k++)
		sb_release(&row->cells[k]);
	free(row);
	return err->key ? -1 : 0;
}
