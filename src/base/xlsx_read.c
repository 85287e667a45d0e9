/*
 * xlsx_read.c — read the first worksheet of an XLSX workbook, row by row, within limits.
 *
 * No Debian package reads XLSX (FreeXL 1.0.6 in Debian 12 reads only the old .xls), so this
 * opens the archive with libzip and stream-parses two parts with expat:
 *   xl/sharedStrings.xml      the workbook's string table (<si> items; rich text runs <r><t>
 *                             are joined; phonetic guides <rPh> are skipped), kept in memory
 *                             as one pool of texts and an array of offsets;
 *   xl/worksheets/sheet1.xml  <row><c r="B3" t="s|inlineStr|str|n|b|e"><v>…</v> or
 *                             <is><t>…</t></is></c></row>, fed to expat 64 KiB at a time.
 * Each finished <row> goes to the callback and is forgotten, so a 50,000-row sheet needs the
 * memory of one row. Numbers are passed as stored ("46082" for a date cell: Excel keeps dates
 * as serial numbers, and the importer's date parser reads those). No other member (styles,
 * workbook, relationships) is ever inflated.
 *
 * The file is untrusted, and deflate inflates up to 1,032 times, so nothing here grows with
 * what the archive holds beyond struct sheet_limits (sheet.h):
 *   - the archive's entry count is read from its end record before libzip opens it (libzip
 *     allocates for every entry of the central directory as it opens);
 *   - a member whose declared size is over its limit is refused before it is inflated, and
 *     the bytes actually inflated are counted too (a declared size is the attacker's word);
 *   - each cell and shared string stops at cell_chars characters, the string table at
 *     shared_count items, a row at row_cells cells, the sheet at rows rows;
 *   - expat allocates through a counting allocator capped at xml_memory, which bounds what
 *     it buffers for one huge tag or attribute, or a deep nesting; a DOCTYPE (no part of
 *     an XLSX, and the way to entity expansion) is refused outright.
 */
#include "base/sheet.h"
#include "base/strbuf.h"

#include <expat.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define CHUNK (64 * 1024)

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

/* ---- expat's memory, counted ----
 * XML_Memory_Handling_Suite passes no context, so the budget of the parse running on this
 * thread is found through a thread-local pointer, set for the length of xlsx_read(). Each
 * block carries its size in front, so that free and realloc can give it back. */
struct xml_budget {
	size_t used, cap;
};
static _Thread_local struct xml_budget *xml_budget;

#define XML_HDR sizeof(max_align_t)

static void *xml_malloc(size_t n)
{
	struct xml_budget *b = xml_budget;
	if (!b || n > b->cap - b->used)
		return NULL;	/* expat answers XML_ERROR_NO_MEMORY */
	unsigned char *p = malloc(XML_HDR + n);
	if (!p)
		return NULL;
	memcpy(p, &n, sizeof(n));
	b->used += n;
	return p + XML_HDR;
}

static void xml_free(void *q)
{
	if (!q)
		return;
	unsigned char *p = (unsigned char *)q - XML_HDR;
	size_t n;
	memcpy(&n, p, sizeof(n));
	if (xml_budget)
		xml_budget->used -= n;
	free(p);
}

static void *xml_realloc(void *q, size_t n)
{
	if (!q)
		return xml_malloc(n);
	struct xml_budget *b = xml_budget;
	unsigned char *p = (unsigned char *)q - XML_HDR;
	size_t old;
	memcpy(&old, p, sizeof(old));
	if (!b || (n > old && n - old > b->cap - b->used))
		return NULL;
	unsigned char *np = realloc(p, XML_HDR + n);
	if (!np)
		return NULL;
	b->used = b->used - old + n;
	memcpy(np, &n, sizeof(n));
	return np + XML_HDR;
}

static const XML_Memory_Handling_Suite xml_mem = {xml_malloc, xml_realloc, xml_free};

/* ---- one read ---- */
struct xlsx {
	const struct sheet_limits *lim;
	struct sheet_error *err;
	size_t inflated;	/* bytes inflated so far, all members */
	int stopped;		/* the row callback asked to stop: not an error */
	XML_Parser p;		/* the parser running now */
	struct xml_budget budget;
};

/* Refuse the file: remember why (the first reason wins) and stop the parser. */
static void refuse(struct xlsx *x, const char *key, const char *where)
{
	if (!x->err->key) {
		x->err->key = key;
		snprintf(x->err->where, sizeof(x->err->where), "%s", where ? where : "");
		/* a member's name is the file's own text: shown as printable ASCII only */
		for (char *c = x->err->where; *c; c++)
			if (*c < 0x20 || *c > 0x7e)
				*c = '?';
	}
	if (x->p)
		XML_StopParser(x->p, XML_FALSE);
}

/* Add text to a cell or shared string, counting its characters (UTF-8 lead bytes) against
 * the limit. -1 when it would cross it. */
static int add_text(struct xlsx *x, struct strbuf *sb, size_t *chars, const char *txt, int len)
{
	for (int i = 0; i < len; i++)
		if (((unsigned char)txt[i] & 0xC0) != 0x80)
			++*chars;
	if (*chars > x->lim->cell_chars)
		return -1;
	sb_add(sb, txt, (size_t)len);
	return 0;
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

/* ---- shared strings: one pool of NUL-terminated texts, an offset per item ---- */
struct sst {
	struct xlsx *x;		/* first, as parse_member() requires */
	struct strbuf pool;
	size_t *off;
	size_t n, alloc;
	struct strbuf cur;
	size_t cur_chars;
	int in_si, in_t, in_rph;
};

static const char *sst_item(const struct sst *s, size_t i)
{
	return s->pool.buf + s->off[i];
}

static void XMLCALL sst_start(void *ud, const char *name, const char **atts)
{
	struct sst *s = ud;
	(void)atts;
	name = local(name);
	if (!strcmp(name, "si")) {
		s->in_si = 1;
		sb_reset(&s->cur);
		s->cur_chars = 0;
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
		if (s->n >= s->x->lim->shared_count) {
			refuse(s->x, "cert.import.limit_shared_count", "");
			return;
		}
		if (s->n == s->alloc) {
			s->alloc = s->alloc ? s->alloc * 2 : 256;
			if (s->alloc > s->x->lim->shared_count)
				s->alloc = s->x->lim->shared_count;
			s->off = xrealloc(s->off, s->alloc * sizeof(*s->off));
		}
		s->off[s->n++] = s->pool.len;
		sb_add(&s->pool, s->cur.buf, s->cur.len);
		sb_addc(&s->pool, 0);
		s->in_si = 0;
	}
}

static void XMLCALL sst_text(void *ud, const char *txt, int len)
{
	struct sst *s = ud;
	if (s->in_t && add_text(s->x, &s->cur, &s->cur_chars, txt, len)) {
		char where[48];	/* the item, numbered from 0 as cells refer to it */
		snprintf(where, sizeof(where), "xl/sharedStrings.xml#%zu", s->n);
		refuse(s->x, "cert.import.limit_cell", where);
	}
}

/* ---- the worksheet ---- */
struct sheet {
	struct xlsx *x;		/* first, as parse_member() requires */
	struct sst *sst;
	sheet_row_fn fn;
	void *ctx;
	struct strbuf cells[SHEET_MAX_COLS];
	const char *ptrs[SHEET_MAX_COLS];
	int ncells, nextcol, col;
	long rownum, rows, row_cells;
	char type[12];
	int in_v, in_t, in_is, in_c;
	struct strbuf val;
	size_t val_chars;
};

static void XMLCALL ws_start(void *ud, const char *name, const char **atts)
{
	struct sheet *w = ud;
	const struct sheet_limits *lim = w->x->lim;
	name = local(name);
	if (!strcmp(name, "row")) {
		const char *r = attr(atts, "r");
		char *end;
		long n = r ? strtol(r, &end, 10) : w->rownum + 1;
		if (r && (end == r || *end || n < 1))
			n = w->rownum + 1;	/* a malformed number: the row after the last */
		if (++w->rows > lim->rows || n > lim->rows) {
			refuse(w->x, "cert.import.limit_rows", "");
			return;
		}
		w->rownum = n;
		w->ncells = 0;
		w->nextcol = 0;
		w->row_cells = 0;
	} else if (!strcmp(name, "c")) {
		if (++w->row_cells > lim->row_cells) {
			char ref[24];
			snprintf(ref, sizeof(ref), "%ld", w->rownum);
			refuse(w->x, "cert.import.limit_row_cells", ref);
			return;
		}
		const char *r = attr(atts, "r"), *t = attr(atts, "t");
		w->col = r ? xlsx_col_index(r) : w->nextcol;
		if (w->col < 0)
			w->col = w->nextcol;
		w->nextcol = w->col < 16384 ? w->col + 1 : 16384;
		snprintf(w->type, sizeof(w->type), "%s", t ? t : "n");
		sb_reset(&w->val);
		w->val_chars = 0;
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
			sb_adds(cell, sst_item(w->sst, idx));
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
		if (!w->x->stopped && w->fn(w->ctx, (int)w->rownum, w->ncells, w->ptrs)) {
			w->x->stopped = 1;
			XML_StopParser(w->x->p, XML_FALSE);
		}
		for (int i = 0; i < w->ncells; i++)
			sb_reset(&w->cells[i]);
		w->ncells = 0;
	}
}

static void XMLCALL ws_text(void *ud, const char *txt, int len)
{
	struct sheet *w = ud;
	if ((w->in_v || w->in_t) && add_text(w->x, &w->val, &w->val_chars, txt, len)) {
		char ref[24];
		sheet_cell_ref(ref, w->col, w->rownum);
		refuse(w->x, "cert.import.limit_cell", ref);
	}
}

/* A DOCTYPE is no part of an XLSX, and it is how entity expansion gets in: refuse it. */
static void XMLCALL no_doctype(void *ud, const char *name, const char *sysid, const char *pubid, int internal)
{
	struct xlsx *x = *(struct xlsx **)ud;
	(void)name, (void)sysid, (void)pubid, (void)internal;
	refuse(x, "cert.import.damaged", "DOCTYPE");
}

/* Stream one archive member through a new expat parser with the given handlers; ud must
 * start with a struct xlsx pointer. max is the member's limit, and key the message that
 * names it. 0 ok (or stopped by the row callback), -1 with x->err set. */
static int parse_member(struct xlsx *x, zip_t *z, const char *name, size_t max, const char *key, void *ud,
			XML_StartElementHandler start, XML_EndElementHandler end, XML_CharacterDataHandler text)
{
	zip_stat_t st;
	zip_stat_init(&st);
	if (zip_stat(z, name, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE)) {
		if (st.size > max) {
			refuse(x, key, "");
			return -1;
		}
		if (st.size > x->lim->total_bytes - x->inflated) {
			refuse(x, "cert.import.limit_total", "");
			return -1;
		}
	}
	zip_file_t *f = zip_fopen(z, name, 0);
	if (!f) {
		refuse(x, "cert.import.damaged", name);
		return -1;
	}
	x->p = XML_ParserCreate_MM("UTF-8", &xml_mem, NULL);
	if (!x->p) {
		zip_fclose(f);
		refuse(x, "cert.import.limit_xml", name);
		return -1;
	}
	XML_SetUserData(x->p, ud);
	XML_SetElementHandler(x->p, start, end);
	XML_SetCharacterDataHandler(x->p, text);
	XML_SetStartDoctypeDeclHandler(x->p, no_doctype);
	char *buf = xmalloc(CHUNK);
	size_t member = 0;
	for (;;) {
		zip_int64_t n = zip_fread(f, buf, CHUNK);
		if (n < 0) {
			refuse(x, "cert.import.damaged", name);
			break;
		}
		member += (size_t)n;
		x->inflated += (size_t)n;
		/* counted as inflated, whatever the header said */
		if (member > max) {
			refuse(x, key, "");
			break;
		}
		if (x->inflated > x->lim->total_bytes) {
			refuse(x, "cert.import.limit_total", "");
			break;
		}
		if (XML_Parse(x->p, buf, (int)n, n == 0) == XML_STATUS_ERROR) {
			if (x->stopped || x->err->key)
				break;	/* the callback asked to stop, or a limit was crossed */
			refuse(x, XML_GetErrorCode(x->p) == XML_ERROR_NO_MEMORY ? "cert.import.limit_xml"
										 : "cert.import.damaged", name);
			break;
		}
		if (n == 0)
			break;
	}
	free(buf);
	XML_ParserFree(x->p);
	x->p = NULL;
	zip_fclose(f);
	return x->err->key ? -1 : 0;
}

/* The number of entries the archive's end record(s) claim, before libzip reads them:
 * the largest over every end-of-central-directory signature in the last 64 KiB (the
 * comment's maximum), and the ZIP64 record when one is pointed to. -1 if none is found. */
static int64_t zip_claimed_entries(const unsigned char *d, size_t len)
{
	int64_t most = -1;
	if (len < 22)
		return -1;
	size_t lo = len > 22 + 65535 ? len - 22 - 65535 : 0;
	for (size_t i = len - 22 + 1; i-- > lo;) {
		if (memcmp(d + i, "PK\x05\x06", 4))
			continue;
		int64_t n = d[i + 10] | d[i + 11] << 8;
		/* a ZIP64 locator sits just before the end record and points to the ZIP64 one */
		if (i >= 20 && !memcmp(d + i - 20, "PK\x06\x07", 4)) {
			uint64_t at = 0;
			for (int k = 7; k >= 0; k--)
				at = at << 8 | d[i - 20 + 8 + k];
			if (len >= 56 && at <= len - 56 && !memcmp(d + at, "PK\x06\x06", 4)) {
				uint64_t n64 = 0;
				for (int k = 7; k >= 0; k--)
					n64 = n64 << 8 | d[at + 32 + k];
				n = n64 > INT64_MAX ? INT64_MAX : (int64_t)n64;
			}
		}
		if (n > most)
			most = n;
	}
	return most;
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

int xlsx_read(const void *data, size_t len, const struct sheet_limits *lim, sheet_row_fn fn, void *ctx,
	      struct sheet_error *err)
{
	if (!lim)
		lim = &sheet_limits_default;
	memset(err, 0, sizeof(*err));
	struct xlsx x = {.lim = lim, .err = err, .budget = {0, lim->xml_memory}};
	struct xml_budget *outer = xml_budget;
	xml_budget = &x.budget;
	zip_t *z = NULL;
	struct sst sst = {.x = &x};
	struct sheet *w = NULL;
	char *sheet_name = NULL;
	sb_init(&sst.pool, 0);
	sb_init(&sst.cur, 0);

	int64_t claimed = zip_claimed_entries(data, len);
	if (claimed > (int64_t)lim->members) {
		refuse(&x, "cert.import.limit_members", "");
		goto out;
	}
	zip_error_t zerr;
	zip_error_init(&zerr);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &zerr);
	z = src ? zip_open_from_source(src, ZIP_RDONLY, &zerr) : NULL;
	zip_error_fini(&zerr);
	if (!z) {
		if (src)
			zip_source_free(src);
		refuse(&x, "cert.import.not_xlsx", "");
		goto out;
	}
	if (zip_get_num_entries(z, 0) > (zip_int64_t)lim->members) {
		refuse(&x, "cert.import.limit_members", "");
		goto out;
	}
	sheet_name = first_sheet(z);
	if (!sheet_name) {
		refuse(&x, "cert.import.no_sheet", "");
		goto out;
	}
	if (zip_name_locate(z, "xl/sharedStrings.xml", 0) >= 0 &&
	    parse_member(&x, z, "xl/sharedStrings.xml", lim->shared_bytes, "cert.import.limit_shared", &sst,
			 sst_start, sst_end, sst_text))
		goto out;
	w = xcalloc(1, sizeof(*w));
	w->x = &x;
	w->sst = &sst;
	w->fn = fn;
	w->ctx = ctx;
	for (int i = 0; i < SHEET_MAX_COLS; i++)
		sb_init(&w->cells[i], 0);
	sb_init(&w->val, 0);
	parse_member(&x, z, sheet_name, lim->sheet_bytes, "cert.import.limit_sheet", w, ws_start, ws_end, ws_text);
out:
	if (w) {
		for (int i = 0; i < SHEET_MAX_COLS; i++)
			sb_release(&w->cells[i]);
		sb_release(&w->val);
		free(w);
	}
	free(sst.off);
	sb_release(&sst.pool);
	sb_release(&sst.cur);
	free(sheet_name);
	if (z)
		zip_discard(z);
	xml_budget = outer;
	return err->key ? -1 : 0;
}
