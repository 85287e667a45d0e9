/*
 * xlsx_read.c — read the first worksheet of an XLSX workbook, row by row.
 *
 * No Debian package reads XLSX (FreeXL 1.0.6 in Debian 12 reads only the old .xls), so this
 * opens the archive with libzip and stream-parses two parts with expat:
 *   xl/sharedStrings.xml      the workbook's string table (<si> items; rich text runs <r><t>
 *                             are joined; phonetic guides <rPh> are skipped), kept in memory;
 *   xl/worksheets/sheet1.xml  <row><c r="B3" t="s|inlineStr|str|n|b|e"><v>…</v> or
 *                             <is><t>…</t></is></c></row>, fed to expat 64 KiB at a time.
 * Each finished <row> goes to the callback and is forgotten, so a 50,000-row sheet needs the
 * memory of one row. Numbers are passed as stored ("46082" for a date cell: Excel keeps dates
 * as serial numbers, and the importer's date parser reads those).
 */
#include "cert/sheet.h"
#include "base/strbuf.h"

#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

/* the shared-string table may not exceed this (uncompressed), a guard against zip bombs */
#define XLSX_MAX_SHARED (64u << 20)

int xlsx_col_index(const char *ref)
{
	int col = 0, n = 0;
	if (!ref)
		return -1;
	for (; *ref >= 'A' && *ref <= 'Z'; ref++, n++) {
		col = col * 26 + (*ref - 'A' + 1);
		if (col > 16384)	/* XFD, Excel's last column */
			return -1;
	}
	if (!n)
		return -1;
	for (const char *p = ref; *p; p++)
		if (*p < '0' || *p > '9')
			return -1;
	return col - 1;
}

/* an element's local name: "x:row" → "row" (some writers use a namespace prefix) */
static const char *local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
	for (int i = 0; atts[i]; i += 2)
		if (!strcmp(local(atts[i]), name))
			return atts[i + 1];
	return NULL;
}

/* ---- shared strings ---- */
struct sst {
	char **items;
	size_t n, alloc;
	struct strbuf cur;
	int in_si, in_t, in_rph;
};

static void XMLCALL sst_start(void *ud, const char *name, const char **atts)
{
	struct sst *s = ud;
	(void)atts;
	name = local(name);
	if (!strcmp(name, "si")) {
		s->in_si = 1;
		sb_reset(&s->cur);
	} else if (!strcmp(name, "rPh")) {
		s->in_rph = 1;
	} else if (!strcmp(name, "t") && s->in_si && !s->in_rph) {
		s->in_t = 1;
	}
}

static void XMLCALL sst_end(void *ud, const char *name)
{
	struct sst *s = ud;
	name = local(name);
	if (!strcmp(name, "t")) {
		s->in_t = 0;
	} else if (!strcmp(name, "rPh")) {
		s->in_rph = 0;
	} else if (!strcmp(name, "si")) {
		if (s->n == s->alloc) {
			s->alloc = s->alloc ? s->alloc * 2 : 256;
			s->items = xrealloc(s->items, s->alloc * sizeof(*s->items));
		}
		s->items[s->n++] = xstrndup(s->cur.buf, s->cur.len);
		s->in_si = 0;
	}
}

static void XMLCALL sst_text(void *ud, const char *txt, int len)
{
	struct sst *s = ud;
	if (s->in_t)
		sb_add(&s->cur, txt, (size_t)len);
}

/* ---- the worksheet ---- */
struct sheet {
	struct sst *sst;
	sheet_row_fn fn;
	void *ctx;
	struct strbuf cells[SHEET_MAX_COLS];
	const char *ptrs[SHEET_MAX_COLS];
	int ncells, rownum, nextcol, col;
	char type[12];
	int in_v, in_t, in_is, in_c, stop;
	struct strbuf val;
	XML_Parser p;
};

static void XMLCALL ws_start(void *ud, const char *name, const char **atts)
{
	struct sheet *w = ud;
	name = local(name);
	if (!strcmp(name, "row")) {
		const char *r = attr(atts, "r");
		w->rownum = r ? atoi(r) : w->rownum + 1;
		w->ncells = 0;
		w->nextcol = 0;
	} else if (!strcmp(name, "c")) {
		const char *r = attr(atts, "r"), *t = attr(atts, "t");
		w->col = r ? xlsx_col_index(r) : w->nextcol;
		if (w->col < 0)
			w->col = w->nextcol;
		w->nextcol = w->col + 1;
		snprintf(w->type, sizeof(w->type), "%s", t ? t : "n");
		sb_reset(&w->val);
		w->in_c = 1;
	} else if (w->in_c && !strcmp(name, "v")) {
		w->in_v = 1;
	} else if (w->in_c && !strcmp(name, "is")) {
		w->in_is = 1;
	} else if (w->in_is && !strcmp(name, "t")) {
		w->in_t = 1;
	}
}

static void store_cell(struct sheet *w)
{
	if (w->col >= SHEET_MAX_COLS)
		return;
	struct strbuf *cell = &w->cells[w->col];
	sb_reset(cell);
	if (!strcmp(w->type, "s")) {
		char *end;
		unsigned long idx = strtoul(w->val.buf, &end, 10);
		if (end != w->val.buf && idx < w->sst->n)
			sb_adds(cell, w->sst->items[idx]);
	} else {
		sb_add(cell, w->val.buf, w->val.len);	/* n, str, inlineStr, b, e, d: as stored */
	}
	for (int i = w->ncells; i < w->col; i++)
		sb_reset(&w->cells[i]);
	if (w->col + 1 > w->ncells)
		w->ncells = w->col + 1;
}

static void XMLCALL ws_end(void *ud, const char *name)
{
	struct sheet *w = ud;
	name = local(name);
	if (!strcmp(name, "v")) {
		w->in_v = 0;
	} else if (!strcmp(name, "t")) {
		w->in_t = 0;
	} else if (!strcmp(name, "is")) {
		w->in_is = 0;
	} else if (!strcmp(name, "c")) {
		store_cell(w);
		w->in_c = 0;
	} else if (!strcmp(name, "row")) {
		for (int i = 0; i < w->ncells; i++)
			w->ptrs[i] = w->cells[i].buf;
		if (!w->stop && w->fn(w->ctx, w->rownum, w->ncells, w->ptrs)) {
			w->stop = 1;
			XML_StopParser(w->p, XML_FALSE);
		}
		for (int i = 0; i < w->ncells; i++)
			sb_reset(&w->cells[i]);
		w->ncells = 0;
	}
}

static void XMLCALL ws_text(void *ud, const char *txt, int len)
{
	struct sheet *w = ud;
	if (w->in_v || w->in_t)
		sb_add(&w->val, txt, (size_t)len);
}

/* Stream one archive member through an expat parser. 0 ok, -1 damaged. */
static int parse_member(zip_t *z, const char *name, XML_Parser p, size_t max, int *stopped)
{
	zip_file_t *f = zip_fopen(z, name, 0);
	if (!f)
		return -1;
	char *buf = xmalloc(64 * 1024);
	size_t total = 0;
	int rc = 0;
	for (;;) {
		zip_int64_t n = zip_fread(f, buf, 64 * 1024);
		if (n < 0) {
			rc = -1;
			break;
		}
		total += (size_t)n;
		if (max && total > max) {
			rc = -1;
			break;
		}
		if (XML_Parse(p, buf, (int)n, n == 0) == XML_STATUS_ERROR) {
			if (stopped && *stopped)
				break;	/* the callback asked to stop */
			rc = -1;
			break;
		}
		if (n == 0)
			break;
	}
	free(buf);
	zip_fclose(f);
	return rc;
}

/* The first worksheet: sheet1.xml as Excel, WPS and libxlsxwriter name it, else the
 * first xl/worksheets/ member ending in .xml in the archive. */
static char *first_sheet(zip_t *z)
{
	if (zip_name_locate(z, "xl/worksheets/sheet1.xml", 0) >= 0)
		return xstrdup("xl/worksheets/sheet1.xml");
	zip_int64_t n = zip_get_num_entries(z, 0);
	for (zip_int64_t i = 0; i < n; i++) {
		const char *nm = zip_get_name(z, (zip_uint64_t)i, 0);
		size_t l = nm ? strlen(nm) : 0;
		if (l > 18 && !strncmp(nm, "xl/worksheets/", 14) && !strcmp(nm + l - 4, ".xml") &&
		    !strchr(nm + 14, '/'))
			return xstrdup(nm);
	}
	return NULL;
}

int xlsx_read(const void *data, size_t len, sheet_row_fn fn, void *ctx, const char **err_key)
{
	zip_error_t zerr;
	zip_error_init(&zerr);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &zerr);
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &zerr) : NULL;
	struct sst sst = {0};
	struct sheet *w = NULL;
	char *sheet_name = NULL;
	int rc = -1;
	sb_init(&sst.cur, 0);
	if (!z) {
		if (src)
			zip_source_free(src);
		*err_key = "cert.import.not_xlsx";
		goto out;
	}
	sheet_name = first_sheet(z);
	if (!sheet_name) {
		*err_key = "cert.import.no_sheet";
		goto out;
	}
	if (zip_name_locate(z, "xl/sharedStrings.xml", 0) >= 0) {
		XML_Parser p = XML_ParserCreate("UTF-8");
		XML_SetUserData(p, &sst);
		XML_SetElementHandler(p, sst_start, sst_end);
		XML_SetCharacterDataHandler(p, sst_text);
		int bad = parse_member(z, "xl/sharedStrings.xml", p, XLSX_MAX_SHARED, NULL);
		XML_ParserFree(p);
		if (bad) {
			*err_key = "cert.import.damaged";
			goto out;
		}
	}
	w = xcalloc(1, sizeof(*w));
	w->sst = &sst;
	w->fn = fn;
	w->ctx = ctx;
	for (int i = 0; i < SHEET_MAX_COLS; i++)
		sb_init(&w->cells[i], 0);
	sb_init(&w->val, 0);
	w->p = XML_ParserCreate("UTF-8");
	XML_SetUserData(w->p, w);
	XML_SetElementHandler(w->p, ws_start, ws_end);
	XML_SetCharacterDataHandler(w->p, ws_text);
	int bad = parse_member(z, sheet_name, w->p, 0, &w->stop);
	XML_ParserFree(w->p);
	if (bad) {
		*err_key = "cert.import.damaged";
		goto out;
	}
	rc = 0;
out:
	if (w) {
		for (int i = 0; i < SHEET_MAX_COLS; i++)
			sb_release(&w->cells[i]);
		sb_release(&w->val);
		free(w);
	}
	for (size_t i = 0; i < sst.n; i++)
		free(sst.items[i]);
	free(sst.items);
	sb_release(&sst.cur);
	free(sheet_name);
	if (z)
		zip_discard(z);
	return rc;
}
