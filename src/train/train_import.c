/*
 * train_import.c — a course's question bank (题库) imported from the Excel sheets plants keep
 * (XLSX, or CSV), with a dry run that reports what would be stored.
 *
 * The first row holds the column titles (题型, 题目, 选项, 答案, 分类, 难度 — or their English
 * names type, question, options, answer, category, difficulty), in any order. Each row is one
 * question:
 *   题型   单选/多选/判断/填空 (single, multi, judge, fill)
 *   选项   the options of a choice, one per line or separated by '|' ("A. …" labels dropped)
 *   答案   letters for a choice ("B", "ACD"), 对/错 for true/false, accepted texts joined by
 *          '|' for a fill-in — a row without one is refused, naming its row
 *   分类   free text (动火作业, 受限空间, …): an exam may draw from one category
 *   难度   1/2/3 or 易/中/难 (empty: 2)
 * The whole file is stored or nothing: every row is checked first, and any refused row
 * refuses the file with the list of rows and what is wrong with each. A question whose text
 * the course's bank already holds is left as it is (a sheet imported twice adds nothing).
 */
#include "train/train.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/sheet.h"
#include "base/text.h"
#include "db/db.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT_MAX_ROWS 5000
#define IMPORT_MAX_ERRORS 20
#define STEM_MAX 500		/* characters */
#define OPTION_MAX 200
#define CATEGORY_MAX 32

enum { C_TYPE, C_STEM, C_OPTIONS, C_ANSWER, C_CATEGORY, C_DIFFICULTY, C_N };
static const char *const titles[C_N][4] = {
	[C_TYPE] = {"题型", "type", NULL},
	[C_STEM] = {"题目", "question", "试题", NULL},
	[C_OPTIONS] = {"选项", "options", NULL},
	[C_ANSWER] = {"答案", "answer", "correct answer", NULL},
	[C_CATEGORY] = {"分类", "category", "类别", NULL},
	[C_DIFFICULTY] = {"难度", "difficulty", NULL},
};

static int eq_ci(const char *a, const char *b)
{
	return !strcasecmp(a, b);
}

/* trimmed copy of a cell (spaces, tabs, CR/LF and the ideographic space at both ends) */
static char *trimmed(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || !strncmp(s, "\xe3\x80\x80", 3))
		s += !strncmp(s, "\xe3\x80\x80", 3) ? 3 : 1;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	while (n >= 3 && !strncmp(s + n - 3, "\xe3\x80\x80", 3))
		n -= 3;
	char *o = xmalloc(n + 1);
	memcpy(o, s, n);
	o[n] = 0;
	return o;
}

int train_bank_row(const char *const cells[6], struct train_bank_q *q, const char **field_key)
{
	memset(q, 0, sizeof *q);
	char *type = trimmed(cells[C_TYPE]), *ans = trimmed(cells[C_ANSWER]), *cat = trimmed(cells[C_CATEGORY]);
	char *dif = trimmed(cells[C_DIFFICULTY]), *stem = trimmed(cells[C_STEM]);
	json_t *opts = json_array(), *key = NULL;
	int rc = -1;
	*field_key = NULL;
	q->kind = !strcmp(type, "单选") || !strcmp(type, "单选题") || eq_ci(type, "single") ? "single"
		: !strcmp(type, "多选") || !strcmp(type, "多选题") || eq_ci(type, "multi") ? "multi"
		: !strcmp(type, "判断") || !strcmp(type, "判断题") || eq_ci(type, "judge") || eq_ci(type, "true/false") ? "judge"
		: !strcmp(type, "填空") || !strcmp(type, "填空题") || eq_ci(type, "fill") ? "fill" : NULL;
	if (!q->kind) {
		*field_key = "train.import.err_type";
		goto out;
	}
	if (!*stem || !utf8_valid(stem, strlen(stem)) || utf8_chars(stem) > STEM_MAX) {
		*field_key = "train.import.err_stem";
		goto out;
	}
	int choice = !strcmp(q->kind, "single") || !strcmp(q->kind, "multi");
	if (choice) {
		/* options: one per line, or separated by '|' */
		const char *p = cells[C_OPTIONS];
		while (*p) {
			size_t n = strcspn(p, "|\n");
			char *one = xmalloc(n + 1);
			memcpy(one, p, n);
			one[n] = 0;
			char *t = trimmed(one);
			free(one);
			const char *text = t;
			/* a label "A." "A、" "A．" "A)" "A " is the sheet's, not the option's */
			if (isupper((unsigned char)t[0]) && (t[1] == '.' || t[1] == ')' || t[1] == ' ' || t[1] == ':'))
				text = t + 2;
			else if (isupper((unsigned char)t[0]) && (!strncmp(t + 1, "、", 3) || !strncmp(t + 1, "．", 3) ||
								 !strncmp(t + 1, "：", 3)))
				text = t + 4;
			while (*text == ' ')
				text++;
			if (*text) {
				if (!utf8_valid(text, strlen(text)) || utf8_chars(text) > OPTION_MAX) {
					free(t);
					*field_key = "train.import.err_options";
					goto out;
				}
				json_array_append_new(opts, json_string(text));
			}
			free(t);
			p += n;
			if (*p)
				p++;
		}
		if (json_array_size(opts) < 2 || json_array_size(opts) > 26) {
			*field_key = "train.import.err_options";
			goto out;
		}
	}
	if (!*ans) {
		*field_key = "train.import.err_no_answer";
		goto out;
	}
	if (choice) {
		key = json_array();
		int seen[26] = {0};
		for (const char *p = ans; *p; p++) {
			if (*p == ',' || *p == ' ' || *p == ';' || !strncmp(p, "，", 3) || !strncmp(p, "、", 3)) {
				if ((unsigned char)*p >= 0x80)
					p += 2;
				continue;
			}
			int k = toupper((unsigned char)*p) - 'A';
			if (k < 0 || k >= (int)json_array_size(opts) || seen[k]) {
				*field_key = "train.import.err_answer";
				goto out;
			}
			seen[k] = 1;
		}
		for (int k = 0; k < 26; k++)
			if (seen[k])
				json_array_append_new(key, json_integer(k));
		size_t nk = json_array_size(key);
		if (!nk || (!strcmp(q->kind, "single") && nk != 1)) {
			*field_key = "train.import.err_answer";
			goto out;
		}
		q->answer = json_dumps(key, JSON_COMPACT);
	} else if (!strcmp(q->kind, "judge")) {
		int t = !strcmp(ans, "对") || !strcmp(ans, "正确") || !strcmp(ans, "√") || !strcmp(ans, "是") ||
			eq_ci(ans, "true") || eq_ci(ans, "t") || eq_ci(ans, "y");
		int f = !strcmp(ans, "错") || !strcmp(ans, "错误") || !strcmp(ans, "×") || !strcmp(ans, "否") ||
			eq_ci(ans, "false") || eq_ci(ans, "f") || eq_ci(ans, "n");
		if (!t && !f) {
			*field_key = "train.import.err_answer";
			goto out;
		}
		q->answer = xstrdup(t ? "[1]" : "[0]");
	} else {
		if (!utf8_valid(ans, strlen(ans)) || utf8_chars(ans) > TRAIN_MAX_ANSWER) {
			*field_key = "train.import.err_answer";
			goto out;
		}
		q->answer = xstrdup(ans);
	}
	if (!utf8_valid(cat, strlen(cat)) || utf8_chars(cat) > CATEGORY_MAX) {
		*field_key = "train.import.err_category";
		goto out;
	}
	q->difficulty = !*dif ? 2 : !strcmp(dif, "1") || !strcmp(dif, "易") || !strcmp(dif, "简单") || eq_ci(dif, "easy") ? 1
		: !strcmp(dif, "2") || !strcmp(dif, "中") || !strcmp(dif, "中等") || eq_ci(dif, "medium") ? 2
		: !strcmp(dif, "3") || !strcmp(dif, "难") || !strcmp(dif, "困难") || eq_ci(dif, "hard") ? 3 : 0;
	if (!q->difficulty) {
		*field_key = "train.import.err_difficulty";
		goto out;
	}
	q->stem = stem;
	stem = NULL;
	q->category = cat;
	cat = NULL;
	q->options = json_dumps(opts, JSON_COMPACT);
	rc = 0;
out:
	if (rc) {
		free(q->answer);
		q->answer = NULL;
	}
	json_decref(opts);
	json_decref(key);
	free(type);
	free(ans);
	free(cat);
	free(dif);
	free(stem);
	return rc;
}

void train_bank_q_free(struct train_bank_q *q)
{
	free(q->stem);
	free(q->options);
	free(q->answer);
	free(q->category);
	memset(q, 0, sizeof *q);
}

/* ---- reading the file ---- */

struct imp {
	struct req *r;
	int64_t course;
	int col[C_N];
	int header, rows, created, existing, dry_run, db_failed;
	int kinds[4];
	json_t *errors;
	int nerrors;
};

static const char *col_title(int k)
{
	return titles[k][0];
}

static void bad(struct imp *im, int row, int k, const char *key)
{
	if (im->nerrors++ >= IMPORT_MAX_ERRORS)
		return;
	json_array_append_new(im->errors, json_pack("{s:i, s:s, s:s}", "row", row, "column", k >= 0 ? col_title(k) : "",
						    "message", T(im->r, key)));
}

static int on_row(void *ctx, int rownum, int ncells, const char *const *cells)
{
	struct imp *im = ctx;
	if (!im->header) {
		int found = 0;
		for (int k = 0; k < C_N; k++)
			im->col[k] = -1;
		for (int i = 0; i < ncells; i++)
			for (int k = 0; k < C_N; k++)
				for (int t = 0; titles[k][t]; t++) {
					char *c = trimmed(cells[i]);
					if (im->col[k] < 0 && eq_ci(c, titles[k][t])) {
						im->col[k] = i;
						found++;
					}
					free(c);
				}
		if (!found)
			return 0;	/* a title line above the header */
		im->header = rownum;
		for (int k = 0; k <= C_ANSWER; k++)	/* category and difficulty may be left out */
			if (im->col[k] < 0 && k != C_OPTIONS)
				bad(im, rownum, k, "train.import.err_column");
		return im->nerrors ? 1 : 0;
	}
	const char *v[C_N];
	int any = 0;
	for (int k = 0; k < C_N; k++) {
		v[k] = im->col[k] >= 0 && im->col[k] < ncells ? cells[im->col[k]] : "";
		any |= v[k][0] != 0;
	}
	if (!any)
		return 0;	/* an empty line */
	if (++im->rows > IMPORT_MAX_ROWS) {
		bad(im, rownum, -1, "train.import.err_rows");
		return 1;
	}
	struct train_bank_q q;
	const char *why;
	if (train_bank_row(v, &q, &why)) {
		int k = !strcmp(why, "train.import.err_type") ? C_TYPE : !strcmp(why, "train.import.err_stem") ? C_STEM
			: !strcmp(why, "train.import.err_options") ? C_OPTIONS : !strcmp(why, "train.import.err_category")
			? C_CATEGORY : !strcmp(why, "train.import.err_difficulty") ? C_DIFFICULTY : C_ANSWER;
		bad(im, rownum, k, why);
		return 0;	/* keep checking: the report lists every bad row (up to its limit) */
	}
	int64_t have = 0;
	db_get_i64(im->r->db, &have, "SELECT count(*) FROM train_questions WHERE course_id = ? AND stem = ? AND active = 1",
		   "It", im->course, q.stem);
	if (have) {
		im->existing++;
	} else if (!im->nerrors) {
		/* stored as it goes, inside the caller's transaction: rolled back on any bad row or a dry run */
		if (db_exec(im->r->db, "INSERT INTO train_questions (course_id, kind, stem, options, answer, category, difficulty)"
			    " VALUES (?, ?, ?, ?, ?, ?, ?)", "Ittttti", im->course, q.kind, q.stem, q.options, q.answer,
			    q.category, q.difficulty) != DB_OK)
			im->db_failed = 1;
		im->created++;
		im->kinds[!strcmp(q.kind, "single") ? 0 : !strcmp(q.kind, "multi") ? 1 : !strcmp(q.kind, "judge") ? 2 : 3]++;
	}
	train_bank_q_free(&q);
	return im->db_failed;
}

/* Read the upload and import it into course `course` (dry run: check and count only). The
 * report {dry_run, rows, created, existing, by_kind, errors}; *status 200/201, 422 with
 * errors, 503. */
static json_t *import_bank(struct req *r, int64_t course, int *status)
{
	struct upload *u = req_upload(r, "file");
	const char *dry = req_form(r, "dry_run");
	struct imp im = {.r = r, .course = course, .errors = json_array()};
	im.dry_run = dry && (!strcmp(dry, "1") || !strcmp(dry, "true") || !strcmp(dry, "on"));
	*status = 422;
	if (!u || !u->data.len) {
		bad(&im, 0, -1, "train.import.err_file");
		goto report;
	}
	if (db_begin(r->db) != DB_OK) {
		*status = 503;
		goto report;
	}
	struct sheet_error se = {0};
	int rc = u->data.len >= 4 && !memcmp(u->data.buf, "PK\x03\x04", 4)
		? xlsx_read(u->data.buf, u->data.len, NULL, on_row, &im, &se)
		: utf8_valid(u->data.buf, u->data.len) || (u->data.len >= 3 && !memcmp(u->data.buf, "\xef\xbb\xbf", 3))
		? csv_read(u->data.buf, u->data.len, NULL, on_row, &im, &se) : -1;
	if (rc) {
		if (!se.key)
			se.key = "train.import.err_file";
		bad(&im, 0, -1, se.key);
	} else if (!im.header) {
		bad(&im, 0, -1, "train.import.err_header");
	} else if (!im.rows && !im.nerrors) {
		bad(&im, 0, -1, "train.import.err_empty");
	}
	if (im.db_failed) {
		db_rollback(r->db);
		*status = 503;
		goto report;
	}
	if (im.nerrors || im.dry_run) {
		db_rollback(r->db);
		*status = im.nerrors ? 422 : 200;
		goto report;
	}
	if (audit_req(r, "train_course", course, "import_bank", arena_printf(&r->arena, "%d questions (%d already there)",
			im.created, im.existing)) != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		*status = 503;
		goto report;
	}
	*status = 201;
report:
	return json_pack("{s:b, s:i, s:i, s:i, s:{s:i, s:i, s:i, s:i}, s:o, s:i}", "dry_run", im.dry_run, "rows", im.rows,
			 "created", im.nerrors ? 0 : im.created, "existing", im.existing, "by_kind", "single", im.kinds[0],
			 "multi", im.kinds[1], "judge", im.kinds[2], "fill", im.kinds[3], "errors", im.errors, "error_count",
			 im.nerrors);
}

static int course_exists(struct req *r, int64_t *id)
{
	int64_t n = 0;
	if (!req_param_id(r, "id", id))
		db_get_i64(r->db, &n, "SELECT count(*) FROM train_courses WHERE id = ?", "I", *id);
	if (!n) {
		if (r->is_api) {
			resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		} else {
			r->status = 404;
			page_error(r, 404, T(r, "error.not_found"), NULL);
		}
	}
	return n ? 0 : -1;
}

/* POST /api/v1/train/courses/:id/questions/import (multipart: file, dry_run) — the report;
 * refused, it also carries the one API error shape {"error": …} naming the first bad row */
int train_api_bank_import(struct req *r)
{
	int64_t id;
	int status;
	if (course_exists(r, &id))
		return 0;
	json_t *rep = import_bank(r, id, &status);
	if (status == 503) {
		json_decref(rep);
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	json_t *first = json_array_get(json_object_get(rep, "errors"), 0);
	if (first)
		json_object_set_new(rep, "error", json_pack("{s:s, s:s, s:s}", "code", "invalid", "message",
			arena_printf(&r->arena, "%s %d: %s: %s", T(r, "train.import.row"),
				     (int)json_integer_value(json_object_get(first, "row")),
				     json_string_value(json_object_get(first, "column")),
				     json_string_value(json_object_get(first, "message"))), "field", "file"));
	resp_json(r, status, rep);
	return 0;
}

/* POST /train/courses/:id/questions/import — the same from the course page: the report */
int train_bank_import_post(struct req *r)
{
	int64_t id;
	int status;
	if (course_exists(r, &id))
		return 0;
	json_t *rep = import_bank(r, id, &status);
	r->status = status == 201 ? 200 : status;
	page_begin(r, T(r, "train.import.title"));
	html_printf(&r->out, "<section class=\"card stack train-import\"><h1>%s</h1>", T(r, "train.import.title"));
	size_t i;
	json_t *e;
	if (json_array_size(json_object_get(rep, "errors"))) {
		page_notice(r, "error", T(r, "train.import.refused"));
		html_printf(&r->out, "<ul class=\"list train-import-errors\">");
		json_array_foreach(json_object_get(rep, "errors"), i, e)
			html_printf(&r->out, "<li>%s %D · %s · %s</li>", T(r, "train.import.row"),
				    (int64_t)json_integer_value(json_object_get(e, "row")),
				    json_string_value(json_object_get(e, "column")), json_string_value(json_object_get(e, "message")));
		html_printf(&r->out, "</ul>");
	} else if (status == 503) {
		page_notice(r, "error", T(r, "error.unavailable"));
	} else {
		page_notice(r, "ok", T(r, json_is_true(json_object_get(rep, "dry_run")) ? "train.import.checked" : "train.import.done"));
		html_printf(&r->out, "<p class=\"train-import-count\">%s %D · %s %D</p>", T(r, "train.import.new"),
			    (int64_t)json_integer_value(json_object_get(rep, "created")), T(r, "train.import.existing"),
			    (int64_t)json_integer_value(json_object_get(rep, "existing")));
	}
	html_printf(&r->out, "<p><a class=\"button\" href=\"/train/courses/%D\">%s</a></p></section>", id, T(r, "train.back"));
	json_decref(rep);
	page_end(r);
	return 0;
}
