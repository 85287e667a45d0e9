/*
 * feeds_table.c — every source of a feed becomes a struct feeds_table (feeds.h): a file's
 * rows with their headers matched by synonyms (the XLSX and CSV readers of base/sheet.h, the
 * ones the certificate and risk imports use), or a JSON answer's items with their members
 * named by the configured mapping (jansson). Also the result's problem and change lists.
 */
#include "feeds/feeds.h"
#include "base/sheet.h"
#include "base/strbuf.h"
#include "base/text.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const hr_fields[] = {"employee_no", "name", "unit", "parent_unit", "position", "leader_no",
					"phone", "status", "hired_on", NULL};
static const char *const eam_fields[] = {"code", "name", "type", "area", "special_class", "maintained_on",
					 "status", NULL};

const char *const *feeds_fields(enum feeds_kind k)
{
	return k == FEEDS_HR ? hr_fields : eam_fields;
}

/* header texts accepted for each field, after the canonical name */
static const char *const hr_syn[HR_NFIELDS][5] = {
	[HR_EMPNO] = {"工号", "员工编号", NULL},
	[HR_NAME] = {"姓名", NULL},
	[HR_UNIT] = {"部门", "所属部门", "单位", "班组", NULL},
	[HR_PARENT] = {"上级部门", "上级单位", NULL},
	[HR_POSITION] = {"岗位", "职位", NULL},
	[HR_LEADER] = {"直属上级工号", "上级工号", "班组长工号", NULL},
	[HR_PHONE] = {"手机", "手机号", "电话", NULL},
	[HR_STATUS] = {"状态", "在职状态", NULL},
	[HR_HIRED] = {"入职日期", "入职时间", NULL},
};
static const char *const eam_syn[EAM_NFIELDS][5] = {
	[EAM_CODE] = {"设备编号", "设备编码", "编号", NULL},
	[EAM_NAME] = {"设备名称", "名称", NULL},
	[EAM_TYPE] = {"设备类型", "类型", NULL},
	[EAM_AREA] = {"区域", "所在区域", "位置", NULL},
	[EAM_CLASS] = {"特种设备类别", "特种设备", NULL},
	[EAM_MAINTAINED] = {"最近维护日期", "上次维护", "维护日期", NULL},
	[EAM_STATUS] = {"状态", "设备状态", NULL},
};

void feeds_table_free(struct feeds_table *t)
{
	for (int i = 0; i < t->n; i++)
		for (int k = 0; k < FEEDS_MAX_FIELDS; k++)
			free(t->rows[i].f[k]);
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

static struct feeds_row *table_add(struct feeds_table *t, int line)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->rows = xrealloc(t->rows, (size_t)t->cap * sizeof(*t->rows));
	}
	struct feeds_row *r = &t->rows[t->n++];
	memset(r, 0, sizeof(*r));
	r->line = line;
	return r;
}

/* a value as a problem shows it: at most 100 characters */
static char *shown(const char *v)
{
	size_t chars = 0, i = 0;
	for (; v[i]; i++)
		if (((unsigned char)v[i] & 0xC0) != 0x80 && ++chars > 100)
			break;
	if (!v[i])
		return xstrdup(v);
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, v, i);
	sb_adds(&sb, "…");
	return sb_detach(&sb, NULL);
}

void feeds_problem(struct feeds_result *res, int row, const char *field, const char *key, const char *value)
{
	res->nproblems++;
	if (res->nproblems_shown >= FEEDS_SHOW)
		return;
	if (!res->problems)
		res->problems = xcalloc(FEEDS_SHOW, sizeof(*res->problems));
	struct feeds_problem *p = &res->problems[res->nproblems_shown++];
	p->row = row;
	p->field = field ? field : "";
	p->key = key;
	p->value = shown(value ? value : "");
}

void feeds_change(struct feeds_result *res, const char *subject, const char *action, const char *detail)
{
	res->nchanges++;
	if (res->nchanges_shown >= FEEDS_SHOW)
		return;
	if (!res->changes)
		res->changes = xcalloc(FEEDS_SHOW, sizeof(*res->changes));
	struct feeds_change *c = &res->changes[res->nchanges_shown++];
	c->subject = shown(subject ? subject : "");
	c->action = action;
	c->detail = shown(detail ? detail : "");
}

void feeds_result_free(struct feeds_result *res)
{
	for (int i = 0; i < res->nproblems_shown; i++)
		free(res->problems[i].value);
	for (int i = 0; i < res->nchanges_shown; i++) {
		free(res->changes[i].subject);
		free(res->changes[i].detail);
	}
	free(res->problems);
	free(res->changes);
	free(res->fatal_detail);
	memset(res, 0, sizeof(*res));
}

/* ---- files ---- */
struct reading {
	enum feeds_kind kind;
	int nfields, header_seen;
	int col[FEEDS_MAX_FIELDS];
	struct feeds_table *t;
	struct feeds_result *res;
};

static const char *synonym(enum feeds_kind k, int field, int i)
{
	return k == FEEDS_HR ? hr_syn[field][i] : eam_syn[field][i];
}

static int on_row(void *ctx, int rownum, int ncells, const char *const *cells)
{
	struct reading *rd = ctx;
	if (sheet_row_blank(ncells, cells))
		return 0;
	const char *const *names = feeds_fields(rd->kind);
	if (!rd->header_seen) {
		rd->header_seen = 1;
		for (int k = 0; k < rd->nfields; k++)
			rd->col[k] = -1;
		for (int i = 0; i < ncells; i++) {
			char *h = sheet_clean(cells[i]);
			for (int k = 0; k < rd->nfields; k++) {
				int hit = !strcasecmp(h, names[k]);
				for (int s = 0; !hit && synonym(rd->kind, k, s); s++)
					hit = !strcmp(h, synonym(rd->kind, k, s));
				if (hit && rd->col[k] < 0)
					rd->col[k] = i;
			}
			free(h);
		}
		/* the key and the name are needed in every file; the rest may be left out */
		for (int k = 0; k < 2; k++)
			if (rd->col[k] < 0) {
				rd->res->fatal_key = "feeds.missing_column";
				rd->res->fatal_detail = xstrdup(synonym(rd->kind, k, 0));
				return 1;
			}
		return 0;
	}
	if (rd->t->n >= FEEDS_MAX_ROWS) {
		rd->res->fatal_key = "feeds.too_many_rows";
		return 1;
	}
	struct feeds_row *r = table_add(rd->t, rownum);
	for (int k = 0; k < rd->nfields; k++)
		r->f[k] = sheet_clean(rd->col[k] >= 0 && rd->col[k] < ncells ? cells[rd->col[k]] : "");
	return 0;
}

int feeds_table_from_file(enum feeds_kind k, const void *data, size_t len, struct feeds_table *t,
			  struct feeds_result *res)
{
	struct reading rd = {.kind = k, .nfields = k == FEEDS_HR ? HR_NFIELDS : EAM_NFIELDS, .t = t, .res = res};
	struct sheet_error err = {0};
	const unsigned char *b = data;
	if (!len) {
		res->fatal_key = "feeds.empty";
		return -1;
	}
	int xlsx = len >= 4 && !memcmp(b, "PK\x03\x04", 4);
	if (!xlsx && (memchr(b, 0, len < 8192 ? len : 8192) || !utf8_valid(data, len))) {
		res->fatal_key = "feeds.bad_type";	/* not XLSX, not UTF-8 text */
		return -1;
	}
	int rc = xlsx ? xlsx_read(data, len, NULL, on_row, &rd, &err) : csv_read(data, len, NULL, on_row, &rd, &err);
	if (rc && !res->fatal_key) {
		res->fatal_key = err.key ? err.key : "feeds.bad_type";
		if (err.where[0])
			res->fatal_detail = xstrdup(err.where);
	}
	if (!res->fatal_key && !t->n)
		res->fatal_key = "feeds.empty";
	res->rows = t->n;
	return res->fatal_key ? -1 : 0;
}

/* ---- JSON ---- */

/* The value at a dotted path ("dept.name") of an object; NULL when absent. */
static json_t *at_path(json_t *v, const char *path)
{
	char *p = xstrdup(path), *save = NULL;
	for (char *part = strtok_r(p, ".", &save); part && v; part = strtok_r(NULL, ".", &save))
		v = json_is_object(v) ? json_object_get(v, part) : NULL;
	free(p);
	return v;
}

int feeds_table_from_json(enum feeds_kind k, const char *json, size_t len, const char *mapping,
			  struct feeds_table *t, struct feeds_result *res)
{
	json_error_t e;
	json_t *root = json_loadb(json, len, 0, &e);
	json_t *map = mapping && *mapping ? json_loads(mapping, 0, &e) : json_object();
	int nfields = k == FEEDS_HR ? HR_NFIELDS : EAM_NFIELDS;
	const char *const *names = feeds_fields(k);
	int rc = -1;
	if (!root) {
		res->fatal_key = "feeds.bad_json";
		char where[64];
		snprintf(where, sizeof(where), "%d:%d", e.line, e.column);
		res->fatal_detail = xstrdup(where);
		goto done;
	}
	if (!json_is_object(map)) {
		res->fatal_key = "feeds.bad_mapping";
		goto done;
	}
	json_t *items = root;
	const char *ip = json_string_value(json_object_get(map, "_items"));
	if (ip && *ip && json_is_object(root))
		items = at_path(root, ip);
	if (!json_is_array(items)) {
		res->fatal_key = "feeds.bad_json";
		res->fatal_detail = xstrdup(ip && *ip ? ip : "[]");
		goto done;
	}
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		if (t->n >= FEEDS_MAX_ROWS) {
			res->fatal_key = "feeds.too_many_rows";
			goto done;
		}
		int line = t->n + 1;
		if (!json_is_object(it)) {
			feeds_problem(res, line, "", "feeds.bad_item", "");
			table_add(t, line);	/* an empty row: apply reports its missing key too */
			continue;
		}
		struct feeds_row *r = table_add(t, line);
		for (int f = 0; f < nfields; f++) {
			const char *src = json_string_value(json_object_get(map, names[f]));
			json_t *v = at_path(it, src && *src ? src : names[f]);
			char num[64];
			const char *s = "";
			if (json_is_string(v)) {
				s = json_string_value(v);
			} else if (json_is_integer(v)) {
				snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
				s = num;
			} else if (json_is_real(v)) {
				snprintf(num, sizeof(num), "%g", json_real_value(v));
				s = num;
			} else if (json_is_boolean(v)) {
				s = json_is_true(v) ? "1" : "0";
			}
			r->f[f] = sheet_clean(s);
		}
		for (int f = nfields; f < FEEDS_MAX_FIELDS; f++)
			r->f[f] = NULL;
	}
	rc = 0;
done:
	json_decref(root);
	json_decref(map);
	res->rows = t->n;
	return rc;
}
