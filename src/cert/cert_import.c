/*
 * cert_import.c — bulk import of people and certificates from the Excel ledger (台账) most
 * plants keep: 姓名, 工号, 工种/作业类别, 证件编号, 发证机关, 初领日期, 有效期至, 复审日期,
 * 所属车间 (headers matched by name, in any order, extra columns ignored).
 *
 * The file is recognised by content (XLSX is a zip; the old binary .xls is refused with a
 * hint; anything else with no NUL bytes is CSV). Rows are streamed (sheet.h) and checked one
 * by one: unknown unit, unknown category, bad date, missing value, duplicate number within
 * the file or against the database. Only the first CERT_IMPORT_SHOW problems are kept for the
 * preview, the rest are counted, so a 50,000-row file of errors needs little memory.
 *
 * Commit is all-or-nothing: the rows are written inside one transaction as they pass, and
 * the transaction is rolled back if any row had a problem.
 *
 * Lookups are remembered for the length of one import (struct memo): a unit's id by name,
 * the catalogue's answer for a category cell, the numbers already in the database for a
 * category (read once, when the category first appears), and a person by unit and name or
 * by 工号 (a unit's persons read once). A ledger names a few units and categories thousands
 * of times, and on PostgreSQL every query is a round trip to the server: a 50,000-row file
 * took about six queries a row, and now takes the two INSERTs of each new row. A CSV that is not UTF-8 (old
 * Excel saves GBK) is converted from GB18030 with glibc's iconv, and the preview says so.
 */
#include "cert/cert.h"
#include "auth/actor.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "base/sheet.h"
#include "db/db.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

enum col { C_NAME, C_EMPNO, C_CATEGORY, C_NUMBER, C_AUTHORITY, C_ISSUED, C_EXPIRES, C_REVIEW,
	   C_UNIT, C_EMPLOYER, C_IDNO, C_COUNT };

/* the ledger layout: the first nine are the common layout, in export order */
const char *const cert_ledger_columns[] = {"姓名", "工号", "工种/作业类别", "证件编号", "发证机关",
					   "初领日期", "有效期至", "复审日期", "所属车间", "所属单位",
					   "身份证号", NULL};

/* header texts accepted for each column (first is the canonical one) */
static const char *const synonyms[C_COUNT][6] = {
	[C_NAME] = {"姓名", "name", NULL},
	[C_EMPNO] = {"工号", "员工编号", "employee_no", NULL},
	[C_CATEGORY] = {"工种/作业类别", "工种", "作业类别", "准操项目", "作业项目", NULL},
	[C_NUMBER] = {"证件编号", "证书编号", "证号", "number", NULL},
	[C_AUTHORITY] = {"发证机关", "authority", NULL},
	[C_ISSUED] = {"初领日期", "发证日期", "issued_on", NULL},
	[C_EXPIRES] = {"有效期至", "有效期", "有效期截止", "expires_on", NULL},
	[C_REVIEW] = {"复审日期", "应复审日期", "review_on", NULL},
	[C_UNIT] = {"所属车间", "车间", "部门", "所属部门", "unit", NULL},
	[C_EMPLOYER] = {"所属单位", "用工单位", "承包商", "employer", NULL},
	[C_IDNO] = {"身份证号", "身份证号码", "id_no", NULL},
};
static const int required[] = {C_NAME, C_CATEGORY, C_NUMBER, C_EXPIRES, C_UNIT, -1};

/* ---- a set of strings, for duplicate numbers within the file ---- */
struct strset {
	char **slots;
	size_t cap, n;
};

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* 1 if s was new (and is now in the set), 0 if it was there */
static int strset_add(struct strset *set, const char *s)
{
	if (set->n * 2 >= set->cap) {
		size_t ncap = set->cap ? set->cap * 2 : 1024;
		char **ns = xcalloc(ncap, sizeof(*ns));
		for (size_t i = 0; i < set->cap; i++) {
			if (!set->slots[i])
				continue;
			size_t j = fnv(set->slots[i]) & (ncap - 1);
			while (ns[j])
				j = (j + 1) & (ncap - 1);
			ns[j] = set->slots[i];
		}
		free(set->slots);
		set->slots = ns;
		set->cap = ncap;
	}
	size_t j = fnv(s) & (set->cap - 1);
	while (set->slots[j]) {
		if (!strcmp(set->slots[j], s))
			return 0;
		j = (j + 1) & (set->cap - 1);
	}
	set->slots[j] = xstrdup(s);
	set->n++;
	return 1;
}

static int strset_has(const struct strset *set, const char *s)
{
	if (!set->cap)
		return 0;
	for (size_t j = fnv(s) & (set->cap - 1); set->slots[j]; j = (j + 1) & (set->cap - 1))
		if (!strcmp(set->slots[j], s))
			return 1;
	return 0;
}

static void strset_free(struct strset *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slots[i]);
	free(set->slots);
}

/* ---- what one import has already looked up: key → id and an optional text ---- */
struct memo_entry {
	char *key;
	int64_t id;
	char *text;	/* NULL when the entry has none */
};
struct memo {
	struct memo_entry *slots;
	size_t cap, n;
};

static struct memo_entry *memo_find(const struct memo *m, const char *key)
{
	if (!m->cap)
		return NULL;
	for (size_t j = fnv(key) & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1))
		if (!strcmp(m->slots[j].key, key))
			return &m->slots[j];
	return NULL;
}

/* Remember key → (id, text); an existing entry is replaced. text is copied (NULL for none). */
static void memo_put(struct memo *m, const char *key, int64_t id, const char *text)
{
	struct memo_entry *e = memo_find(m, key);
	if (e) {
		free(e->text);
		e->id = id;
		e->text = text ? xstrdup(text) : NULL;
		return;
	}
	if (m->n * 2 >= m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 256;
		struct memo_entry *ns = xcalloc(ncap, sizeof(*ns));
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->slots[i].key)
				continue;
			size_t j = fnv(m->slots[i].key) & (ncap - 1);
			while (ns[j].key)
				j = (j + 1) & (ncap - 1);
			ns[j] = m->slots[i];
		}
		free(m->slots);
		m->slots = ns;
		m->cap = ncap;
	}
	size_t j = fnv(key) & (m->cap - 1);
	while (m->slots[j].key)
		j = (j + 1) & (m->cap - 1);
	m->slots[j] = (struct memo_entry){xstrdup(key), id, text ? xstrdup(text) : NULL};
	m->n++;
}

static void memo_free(struct memo *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->slots[i].key);
		free(m->slots[i].text);
	}
	free(m->slots);
}

/* ---- the import ---- */
struct imp {
	struct db *c;
	int commit, header_seen, stop;
	int col[C_COUNT];
	struct cert_import_result *res;
	struct strset seen;
	/* keys, each with its kind first: "u\x1fNAME" unit id; "c\x1fCELL" the catalogue's
	 * answer (text "CATEGORY\x1fITEM", NULL when unknown); "n\x1fCATEGORY" the category's
	 * numbers are read into in_db; "p\x1fUNIT" the unit's persons without 工号 are read;
	 * "q\x1fUNIT\x1fNAME" and "e\x1f工号" a person's id */
	struct memo memo;
	struct strset in_db;	/* "CATEGORY\x1fNUMBER" already in certs */
	int64_t now;
};

static void memo_key(struct strbuf *k, const char *kind, const char *a, const char *b)
{
	sb_reset(k);
	sb_addf(k, "%s\x1f%s%s%s", kind, a, b ? "\x1f" : "", b ? b : "");
}

/* A cell's text as a problem shows it: at most PROBLEM_VALUE_CHARS characters and "…", so
 * that 200 problems of 32,767-character cells are not megabytes of preview. malloc'd. */
#define PROBLEM_VALUE_CHARS 100
static char *shown_value(const char *v)
{
	size_t chars = 0, i = 0;
	for (; v[i]; i++)
		if (((unsigned char)v[i] & 0xC0) != 0x80 && ++chars > PROBLEM_VALUE_CHARS)
			break;
	if (!v[i])
		return xstrdup(v);
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, v, i);
	sb_adds(&sb, "…");
	return sb_detach(&sb, NULL);
}

static void problem(struct imp *im, int row, int column, const char *key, const char *value)
{
	struct cert_import_result *res = im->res;
	res->nproblems++;
	if (res->shown >= CERT_IMPORT_SHOW)
		return;
	if (!res->problems)
		res->problems = xcalloc(CERT_IMPORT_SHOW, sizeof(*res->problems));
	struct cert_import_problem *p = &res->problems[res->shown++];
	p->row = row;
	p->field = column >= 0 ? synonyms[column][0] : "";
	p->key = key;
	p->value = shown_value(value ? value : "");
}

static int read_header(struct imp *im, int ncells, const char *const *cells)
{
	for (int k = 0; k < C_COUNT; k++)
		im->col[k] = -1;
	for (int i = 0; i < ncells; i++) {
		char *h = sheet_clean(cells[i]);
		for (int k = 0; k < C_COUNT; k++)
			for (int s = 0; synonyms[k][s]; s++)
				if (im->col[k] < 0 && !strcasecmp(h, synonyms[k][s]))
					im->col[k] = i;
		free(h);
	}
	struct strbuf missing = STRBUF_INIT;
	for (int i = 0; required[i] >= 0; i++)
		if (im->col[required[i]] < 0)
			sb_addf(&missing, "%s%s", missing.len ? "、" : "", synonyms[required[i]][0]);
	if (missing.len) {
		im->res->fatal_key = "cert.import.missing_column";
		im->res->fatal_detail = sb_detach(&missing, NULL);
		return 1;
	}
	sb_release(&missing);
	return 0;
}

/* The trimmed cell of a column ("" when the column or cell is absent); malloc'd. */
static char *cell(struct imp *im, int k, int ncells, const char *const *cells)
{
	int i = im->col[k];
	return sheet_clean(i >= 0 && i < ncells ? cells[i] : "");
}

static int64_t find_unit(struct imp *im, const char *name)
{
	if (!*name)
		return 0;
	struct strbuf k = STRBUF_INIT;
	memo_key(&k, "u", name, NULL);
	struct memo_entry *e = memo_find(&im->memo, k.buf);
	int64_t id = 0;
	if (e) {
		id = e->id;
	} else {
		if (db_get_i64(im->c, &id, "SELECT id FROM units WHERE name = ? AND active = 1 ORDER BY id LIMIT 1",
			       "t", name) != 1)
			id = 0;
		memo_put(&im->memo, k.buf, id, NULL);
	}
	sb_release(&k);
	return id;
}

/* cert_catalogue_lookup, remembered by the cell's text: 0 and *category (and *item, or NULL)
 * malloc'd when known, -1 when not. */
static int find_category(struct imp *im, const char *text, char **category, char **item)
{
	*category = *item = NULL;
	struct strbuf k = STRBUF_INIT;
	memo_key(&k, "c", text, NULL);
	struct memo_entry *e = memo_find(&im->memo, k.buf);
	if (!e) {
		char *cat = NULL, *it = NULL;
		if (!cert_catalogue_lookup(im->c, text, &cat, &it)) {
			struct strbuf v = STRBUF_INIT;
			sb_addf(&v, "%s\x1f%s", cat, it ? it : "");
			memo_put(&im->memo, k.buf, it ? 1 : 0, v.buf);
			sb_release(&v);
		} else {
			memo_put(&im->memo, k.buf, 0, NULL);
		}
		free(cat);
		free(it);
		e = memo_find(&im->memo, k.buf);
	}
	sb_release(&k);
	if (!e->text)
		return -1;
	const char *sep = strchr(e->text, '\x1f');
	*category = xstrndup(e->text, (size_t)(sep - e->text));
	if (e->id)
		*item = xstrdup(sep + 1);
	return 0;
}

/* Whether certs holds (category, number): the category's numbers are read once, the first
 * time it appears in the file. -1 when the database fails. */
static int number_in_db(struct imp *im, const char *category, const char *number)
{
	struct strbuf k = STRBUF_INIT;
	memo_key(&k, "n", category, NULL);
	if (!memo_find(&im->memo, k.buf)) {
		struct db_stmt *st = db_query(im->c, "SELECT number FROM certs WHERE category = ?", "t", category);
		int rc;
		struct strbuf key = STRBUF_INIT;
		while (st && (rc = db_step(st)) == 1) {
			sb_reset(&key);
			sb_addf(&key, "%s\x1f%s", category, db_col_text(st, 0));
			strset_add(&im->in_db, key.buf);
		}
		db_done(im->c, st);
		sb_release(&key);
		if (!st || rc < 0) {
			sb_release(&k);
			return -1;
		}
		memo_put(&im->memo, k.buf, 0, NULL);
	}
	sb_reset(&k);
	sb_addf(&k, "%s\x1f%s", category, number);
	int found = strset_has(&im->in_db, k.buf);
	sb_release(&k);
	return found;
}

/* Find or create the person a row is about: by 工号 (a person, else an account), else by
 * name within the unit. 0 on error. */
static int64_t find_person(struct imp *im, const char *name, const char *empno, const char *idno,
			   const char *employer, int64_t unit)
{
	struct db *c = im->c;
	int64_t id = 0;
	char unitid[24];
	snprintf(unitid, sizeof(unitid), "%lld", (long long)unit);
	struct strbuf k = STRBUF_INIT;
	if (*empno) {
		memo_key(&k, "e", empno, NULL);
		struct memo_entry *e = memo_find(&im->memo, k.buf);
		if (e) {
			id = e->id;
			goto done;
		}
		if (db_get_i64(c, &id, "SELECT min(id) FROM persons WHERE employee_no = ? HAVING count(*) > 0", "t", empno) == 1)
			goto found;
		int64_t uid = 0;
		if (db_get_i64(c, &uid, "SELECT id FROM users WHERE employee_no = ?", "t", empno) == 1) {
			id = cert_person_for_user(c, uid, 1);
			if (id)
				im->res->persons_created++;
			goto found;
		}
	} else {
		/* the unit's persons without 工号, read once: min(id) by name, as one query per row did */
		memo_key(&k, "p", unitid, NULL);
		if (!memo_find(&im->memo, k.buf)) {
			struct db_stmt *st = db_query(c, "SELECT name, min(id) FROM persons WHERE unit_id = ?"
						  " AND COALESCE(employee_no, '') = '' GROUP BY name", "I", unit);
			int rc;
			while (st && (rc = db_step(st)) == 1) {
				memo_key(&k, "q", unitid, db_col_text(st, 0));
				memo_put(&im->memo, k.buf, db_col_i64(st, 1), NULL);
			}
			db_done(c, st);
			if (!st || rc < 0)
				goto done;
			memo_key(&k, "p", unitid, NULL);
			memo_put(&im->memo, k.buf, 0, NULL);
		}
		memo_key(&k, "q", unitid, name);
		struct memo_entry *e = memo_find(&im->memo, k.buf);
		if (e) {
			id = e->id;
			goto done;
		}
	}
	if (db_exec(c, "INSERT INTO persons (name, id_no, employee_no, employer, contractor, unit_id, created_at)"
		       " VALUES (?, NULLIF(?, ''), NULLIF(?, ''), ?, ?, ?, ?)",
		    "ttttiII", name, idno, empno, employer, *employer ? 1 : 0, unit, im->now) != DB_OK)
		goto done;
	im->res->persons_created++;
	id = db_last_id(c);
found:	/* k holds the memo key of this person */
	if (id)
		memo_put(&im->memo, k.buf, id, NULL);
done:
	sb_release(&k);
	return id;
}

static int parse_day(struct imp *im, int row, int k, const char *s, int64_t *day)
{
	*day = CERT_NODAY;
	if (!*s)
		return 0;
	if (cert_parse_date(s, day)) {
		problem(im, row, k, "cert.import.bad_date", s);
		return -1;
	}
	return 0;
}

static int on_row(void *ctx, int rownum, int ncells, const char *const *cells)
{
	struct imp *im = ctx;
	if (sheet_row_blank(ncells, cells))
		return 0;	/* blank rows are common at the end of a ledger */
	if (!im->header_seen) {
		im->header_seen = 1;
		return read_header(im, ncells, cells);
	}
	struct cert_import_result *res = im->res;
	if (++res->rows > CERT_IMPORT_MAX_ROWS) {
		res->fatal_key = "cert.import.too_many_rows";
		return 1;
	}
	int before = res->nproblems;
	char *v[C_COUNT];
	for (int k = 0; k < C_COUNT; k++)
		v[k] = cell(im, k, ncells, cells);
	char *category = NULL, *item = NULL;
	int64_t unit = 0, issued, expires, review;

	if (!*v[C_NAME])
		problem(im, rownum, C_NAME, "cert.import.missing_value", "");
	else if (!utf8_valid(v[C_NAME], strlen(v[C_NAME])) || utf8_chars(v[C_NAME]) > 50)
		problem(im, rownum, C_NAME, "cert.import.bad_value", v[C_NAME]);
	if (!*v[C_UNIT])
		problem(im, rownum, C_UNIT, "cert.import.missing_value", "");
	else if (!(unit = find_unit(im, v[C_UNIT])))
		problem(im, rownum, C_UNIT, "cert.import.unknown_unit", v[C_UNIT]);
	if (!*v[C_CATEGORY])
		problem(im, rownum, C_CATEGORY, "cert.import.missing_value", "");
	else if (find_category(im, v[C_CATEGORY], &category, &item))
		problem(im, rownum, C_CATEGORY, "cert.import.unknown_category", v[C_CATEGORY]);
	if (!*v[C_NUMBER]) {
		problem(im, rownum, C_NUMBER, "cert.import.missing_value", "");
	} else if (strlen(v[C_NUMBER]) > 64) {
		problem(im, rownum, C_NUMBER, "cert.import.bad_value", v[C_NUMBER]);
	} else if (category) {
		struct strbuf key = STRBUF_INIT;
		sb_addf(&key, "%s\x1f%s", category, v[C_NUMBER]);
		int in_db;
		if (!strset_add(&im->seen, key.buf)) {
			problem(im, rownum, C_NUMBER, "cert.import.duplicate_in_file", v[C_NUMBER]);
		} else if ((in_db = number_in_db(im, category, v[C_NUMBER])) < 0) {
			res->fatal_key = "cert.import.db_error";
			im->stop = 1;
		} else if (in_db) {
			problem(im, rownum, C_NUMBER, "cert.import.duplicate_in_db", v[C_NUMBER]);
		}
		sb_release(&key);
	}
	parse_day(im, rownum, C_ISSUED, v[C_ISSUED], &issued);
	int exp_bad = parse_day(im, rownum, C_EXPIRES, v[C_EXPIRES], &expires);
	parse_day(im, rownum, C_REVIEW, v[C_REVIEW], &review);
	/* 原安监总局令第30号 §19: valid six years — the default when only the issue date is known */
	if (!exp_bad && expires == CERT_NODAY) {
		if (issued != CERT_NODAY)
			expires = cert_day_add_years(issued, CERT_VALID_YEARS);
		else
			problem(im, rownum, C_EXPIRES, "cert.import.missing_value", "");
	}
	if (issued != CERT_NODAY && expires != CERT_NODAY && expires < issued)
		problem(im, rownum, C_EXPIRES, "cert.import.date_order", v[C_EXPIRES]);
	for (int k = 0; k < C_COUNT; k++)
		if (k != C_NAME && !utf8_valid(v[k], strlen(v[k])))
			problem(im, rownum, k, "cert.import.bad_value", "");

	if (res->nproblems == before) {
		res->ok++;
		/* write only while the whole file is still clean: one bad row dooms the commit */
		if (im->commit && !res->bad) {
			int64_t pid = find_person(im, v[C_NAME], v[C_EMPNO], v[C_IDNO], v[C_EMPLOYER], unit);
			if (!pid || db_exec(im->c,
				"INSERT INTO certs (person_id, category, item, number, authority, issued_on, expires_on,"
				" review_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, NULLIF(?, -1000000),"
				" NULLIF(?, -1000000), NULLIF(?, -1000000), ?, ?)",
				"IttttIIIII", pid, category, item, v[C_NUMBER], v[C_AUTHORITY],
				cert_day_arg(issued), cert_day_arg(expires), cert_day_arg(review), im->now, im->now) != DB_OK) {
				res->fatal_key = "cert.import.db_error";
				im->stop = 1;
			} else {
				res->committed++;
			}
		}
	} else {
		res->bad++;
	}
	free(category);
	free(item);
	for (int k = 0; k < C_COUNT; k++)
		free(v[k]);
	return im->stop;
}

/* Convert GB18030 (a superset of GBK, what Chinese Excel saves as "CSV") to UTF-8.
 * NULL if the bytes are not GB18030 either. */
static char *from_gb18030(const char *data, size_t len, size_t *outlen)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		return NULL;
	size_t cap = len * 2 + 16, left = cap;
	char *out = xmalloc(cap), *o = out;
	char *in = (char *)data;
	size_t inleft = len;
	size_t rc = iconv(cd, &in, &inleft, &o, &left);
	iconv_close(cd);
	if (rc == (size_t)-1 || inleft) {
		free(out);
		return NULL;
	}
	*outlen = cap - left;
	return out;
}

int cert_import(const struct actor *a, const void *data, size_t len, int commit,
		struct cert_import_result *res)
{
	struct db *c = a->db;
	struct imp im = {.c = c, .commit = commit, .res = res, .now = a->now};
	const unsigned char *b = data;
	char *converted = NULL;
	struct sheet_error err = {0};
	memset(res, 0, sizeof(*res));
	res->encoding = "utf-8";
	if (!len) {
		res->fatal_key = "cert.import.empty";
		return -1;
	}
	int xlsx = len >= 4 && !memcmp(b, "PK\x03\x04", 4);
	if (!xlsx) {
		if (len >= 4 && !memcmp(b, "\xD0\xCF\x11\xE0", 4)) {
			res->fatal_key = "cert.import.old_xls";
			return -1;
		}
		if (memchr(b, 0, len < 8192 ? len : 8192) || (len >= 4 && !memcmp(b, "%PDF", 4))) {
			res->fatal_key = "cert.import.bad_type";
			return -1;
		}
		if (!utf8_valid(data, len)) {
			size_t n = 0;
			converted = from_gb18030(data, len, &n);
			if (!converted || !utf8_valid(converted, n)) {
				free(converted);
				res->fatal_key = "cert.import.not_utf8";
				return -1;
			}
			res->encoding = "gb18030";
			data = converted;
			len = n;
		}
	}
	res->format = xlsx ? "xlsx" : "csv";
	if (commit && db_begin(c) != DB_OK) {
		free(converted);
		res->fatal_key = "cert.import.db_error";
		return -1;
	}
	int rc = xlsx ? xlsx_read(data, len, NULL, on_row, &im, &err) : csv_read(data, len, NULL, on_row, &im, &err);
	if (rc && !res->fatal_key) {
		res->fatal_key = err.key ? err.key : "cert.import.damaged";
		if (err.where[0])
			res->fatal_detail = xstrdup(err.where);
	}
	if (!res->fatal_key && !im.header_seen)
		res->fatal_key = "cert.import.empty";
	if (!res->fatal_key && !res->rows)
		res->fatal_key = "cert.import.no_rows";
	if (commit) {
		if (res->fatal_key || res->bad) {
			db_rollback(c);
			res->committed = 0;
			res->persons_created = 0;
		} else {
			char summary[128];
			snprintf(summary, sizeof(summary), "imported %d certificates (%s), %d new persons",
				 res->committed, res->format, res->persons_created);
			if (actor_audit(a, "cert", 0, "import", summary) != DB_OK || db_commit(c) != DB_OK) {
				db_rollback(c);
				res->committed = 0;
				res->fatal_key = "cert.import.db_error";
			}
		}
	}
	strset_free(&im.seen);
	strset_free(&im.in_db);
	memo_free(&im.memo);
	free(converted);
	return res->fatal_key ? -1 : 0;
}

void cert_import_result_free(struct cert_import_result *res)
{
	for (int i = 0; i < res->shown; i++)
		free(res->problems[i].value);
	free(res->problems);
	free(res->fatal_detail);
	memset(res, 0, sizeof(*res));
}
