/*
 * sheet.c — what the two spreadsheet readers (xlsx_read.c, csv_read.c) share: the default
 * limits on what an uploaded file may make them inflate or hold, and cell references for
 * the messages that name the cell which crossed one; and the trimming of a cell every import
 * does (sheet_clean).
 */
#include "base/sheet.h"
#include "base/strbuf.h"

#include <stdio.h>
#include <string.h>

const struct sheet_limits sheet_limits_default = {
	.cell_chars = 32767,		/* Excel's own limit for one cell */
	.sheet_bytes = 100u << 20,
	.shared_bytes = 32u << 20,
	.total_bytes = 120u << 20,
	.shared_count = 1000000,	/* 50,000 rows × 20 distinct texts */
	.members = 10000,		/* a workbook is a dozen parts, a few hundred with images */
	.xml_memory = 8u << 20,
	.rows = 1048576,		/* Excel's own limit */
	.row_cells = 16384,		/* Excel's own limit (column XFD) */
};

void sheet_cell_ref(char out[24], int col, long row)
{
	char letters[8];
	int n = 0;
	if (col < 0)
		col = 0;
	for (unsigned long c = (unsigned long)col + 1; c > 0 && n < (int)sizeof(letters); c = (c - 1) / 26)
		letters[n++] = (char)('A' + (c - 1) % 26);
	int k = 0;
	while (n > 0)
		out[k++] = letters[--n];
	snprintf(out + k, (size_t)(24 - k), "%ld", row);
}

char *sheet_clean(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '*' || !strncmp(s, "\xE3\x80\x80", 3))
		s += (*s == ' ' || *s == '\t' || *s == '*') ? 1 : 3;
	size_t n = strlen(s);
	for (;;) {
		if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '*' || s[n - 1] == '\r'))
			n--;
		else if (n >= 3 && !memcmp(s + n - 3, "\xE3\x80\x80", 3))
			n -= 3;
		else
			break;
	}
	return xstrndup(s, n);
}

int sheet_row_blank(int ncells, const char *const *cells)
{
	for (int i = 0; i < ncells; i++)
		for (const char *p = cells[i]; *p; p++)
			if (*p != ' ' && *p != '\t' && *p != '\r')
				return 0;
	return 1;
}
