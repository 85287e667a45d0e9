/*
 * form.c — declared fields (see form.h): read and check the request against the
 * declaration, draw the inputs from it, and the pager that list pages share.
 *
 * Reading trims text, checks UTF-8, length in characters, ranges and choices, and records
 * only the first problem, with a message that names the field ("单位名称：必填"), so the
 * page and the API report the same thing. Values are kept as the person typed them, so a
 * refused form comes back exactly as it was sent.
 */
#include "web/form.h"
#include "base/text.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page_lang.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void form_err_set(struct req *r, struct form_err *e, const char *field, const char *label_key,
		  const char *problem_key)
{
	if (e->field)	/* the first problem is the one reported */
		return;
	e->field = field;
	e->msg = arena_printf(&r->arena, "%s%s%s", T(r, label_key), T(r, "form.colon"),
			      T(r, problem_key));
}

static const struct form_field *field_named(const struct form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->fields[i].name, name))
			return &f->fields[i];
	return NULL;
}

void form_fail(struct req *r, struct form *f, const char *field, const char *problem_key)
{
	const struct form_field *fd = field_named(f, field);
	form_err_set(r, &f->err, field, fd ? fd->label : field, problem_key);
}

const struct form_value *form_get(const struct form *f, const char *name)
{
	static const struct form_value none = {"", 0, 0, 0, NULL, 0};
	const struct form_field *fd = field_named(f, name);
	return fd ? &f->v[fd - f->fields] : &none;
}

static const char *trimmed(struct req *r, const char *v)
{
	while (*v == ' ' || *v == '\t')
		v++;
	size_t n = strlen(v);
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	return arena_strndup(&r->arena, v, n);
}

static int is_choice(const struct form_field *fd, const char *v)
{
	for (const char *const *c = fd->choices; c && *c; c++)
		if (!strcmp(*c, v))
			return 1;
	return fd->choices == NULL;
}

static int valid_day(const char *s)
{
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;
	char tail;
	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || s[4] != '-' ||
	    s[7] != '-' || y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return 0;
	return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

const char **req_field_list(struct req *r, const char *name, size_t *n)
{
	*n = 0;
	if (r->json && json_is_object(r->json)) {
		json_t *v = json_object_get(r->json, name), *x;
		size_t i;
		if (json_is_string(v)) {
			const char **one = arena_alloc(&r->arena, sizeof *one);
			one[0] = json_string_value(v);
			*n = 1;
			return one;
		}
		if (!json_is_array(v))
			return NULL;
		const char **out = arena_alloc(&r->arena, (json_array_size(v) + 1) * sizeof *out);
		json_array_foreach(v, i, x)
			if (json_is_string(x))
				out[(*n)++] = json_string_value(x);
		return out;
	}
	size_t count = 0;
	for (struct kv *k = r->form; k; k = k->next)
		count += !strcmp(k->key, name);
	if (!count)
		return NULL;
	const char **out = arena_alloc(&r->arena, count * sizeof *out);
	for (struct kv *k = r->form; k; k = k->next)
		if (!strcmp(k->key, name))
			out[(*n)++] = k->val;
	return out;
}

/* A stored list is kept as its values joined by newlines (form_init/form_read stored[]). */
static const char **split_lines(struct req *r, const char *s, size_t *n)
{
	*n = 0;
	if (!*s)
		return NULL;
	size_t cap = 1;
	for (const char *p = s; *p; p++)
		cap += *p == '\n';
	const char **out = arena_alloc(&r->arena, cap * sizeof *out);
	while (*s) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		out[(*n)++] = arena_strndup(&r->arena, s, len);
		s += len + (e != NULL);
	}
	return out;
}

static void check_value(struct req *r, struct form *f, const struct form_field *fd,
			struct form_value *v)
{
	const char *s = v->text;
	v->present = *s != '\0';
	switch (fd->kind) {
	case FORM_TEXT:
		if (!v->present)
			break;
		if (!utf8_valid(s, strlen(s)) || strpbrk(s, "\n\r\t"))
			form_fail(r, f, fd->name, "form.err_bad_text");
		else if (fd->max && utf8_chars(s) > fd->max)
			form_fail(r, f, fd->name, "form.err_too_long");
		break;
	case FORM_NUMBER:
		if (!v->present)
			break;
		if (strlen(s) > 32 || text_parse_double(s, &v->num) || !isfinite(v->num)) {
			form_fail(r, f, fd->name, "form.err_number");
		} else if (v->num < fd->lo || v->num > fd->hi) {
			form_fail(r, f, fd->name, "form.err_range");
			if (!strcmp(f->err.field, fd->name))
				f->err.msg = arena_printf(&r->arena, "%s %g–%g", f->err.msg, fd->lo, fd->hi);
		} else if (fd->decimals == 0 && v->num != floor(v->num)) {
			form_fail(r, f, fd->name, "form.err_whole");
		}
		break;
	case FORM_DAY:
		if (v->present && !valid_day(s))
			form_fail(r, f, fd->name, "form.err_day");
		break;
	case FORM_CHOICE:
		if (v->present && !is_choice(fd, s))
			form_fail(r, f, fd->name, "form.err_choice");
		break;
	case FORM_ID:
		/* "" and "0" mean none; anything else must be a positive id */
		if (v->present && (text_parse_i64(s, &v->id) || v->id < 0))
			form_fail(r, f, fd->name, "form.err_choice");
		if (v->id < 0)
			v->id = 0;
		v->present = v->id > 0;
		break;
	case FORM_LIST:
		v->present = v->n > 0;
		for (size_t i = 0; i < v->n; i++)
			if (!is_choice(fd, v->list[i]))
				form_fail(r, f, fd->name, "form.err_choice");
		if (fd->max && v->n > fd->max)
			form_fail(r, f, fd->name, "form.err_too_many");
		break;
	}
	if (!v->present && (fd->flags & FORM_REQUIRED))
		form_fail(r, f, fd->name, "form.err_required");
}

/* Is the field read (and stored) on this form? A field fixed at creation is not read after. */
static int field_read(const struct form *f, const struct form_field *fd)
{
	return !((fd->flags & FORM_CREATE_ONLY) && !f->creating);
}

/* Is the field drawn on this form? */
static int field_drawn(const struct form *f, const struct form_field *fd)
{
	return field_read(f, fd) && !((fd->flags & FORM_EDIT_ONLY) && f->creating);
}

static void form_setup(struct req *r, struct form *f, const struct form_field *fields,
		       const char **stored, const void *row)
{
	memset(f, 0, sizeof *f);
	f->fields = fields;
	while (fields[f->n].name)
		f->n++;
	f->v = arena_alloc(&r->arena, (f->n + 1) * sizeof *f->v);
	memset(f->v, 0, (f->n + 1) * sizeof *f->v);
	f->creating = stored == NULL;
	f->row = row;
}

void form_init(struct req *r, struct form *f, const struct form_field *fields, const char **stored,
	       const void *row)
{
	form_setup(r, f, fields, stored, row);
	for (size_t i = 0; i < f->n; i++) {
		struct form_value *v = &f->v[i];
		v->text = stored && stored[i] ? stored[i] : "";
		if (fields[i].kind == FORM_LIST)
			v->list = split_lines(r, v->text, &v->n);
		if (fields[i].kind == FORM_ID)
			text_parse_i64(v->text, &v->id);
		v->present = *v->text != '\0';
	}
}

void form_read(struct req *r, struct form *f, const struct form_field *fields, const char **stored,
	       const void *row)
{
	form_setup(r, f, fields, stored, row);
	f->submitted = 1;
	for (size_t i = 0; i < f->n; i++) {
		const struct form_field *fd = &fields[i];
		struct form_value *v = &f->v[i];
		const char *old = stored && stored[i] ? stored[i] : "";
		v->text = "";
		if (!field_read(f, fd))
			continue;
		if (fd->kind == FORM_LIST) {
			v->list = req_field_list(r, fd->name, &v->n);
			if (!v->list && !r->form && !r->json)
				v->list = split_lines(r, old, &v->n);
			else if (!v->list && r->json && !json_object_get(r->json, fd->name))
				v->list = split_lines(r, old, &v->n);	/* a PATCH leaving it alone */
		} else {
			const char *raw = req_field(r, fd->name);
			v->text = raw ? (fd->kind == FORM_ID ? raw : trimmed(r, raw)) : old;
		}
		check_value(r, f, fd, v);
	}
}

/* ---- drawing ---- */

void form_field_error(struct req *r, const struct form_err *e, const char *name)
{
	if (e && e->field && !strcmp(e->field, name))
		html_printf(&r->out, "<span class=\"field-error\" id=\"err-%s\">%s</span>", name,
			    e->msg);
}

static void input_attrs(struct req *r, const struct form *f, const struct form_field *fd)
{
	if (fd->flags & FORM_REQUIRED)
		sb_adds(&r->out, " required");
	if (f->err.field && !strcmp(f->err.field, fd->name))
		html_printf(&r->out, " aria-invalid=\"true\" aria-describedby=\"err-%s\"", fd->name);
	if (fd->attrs)
		html_printf(&r->out, " %r", fd->attrs);
}

static void choice_option(struct req *r, const struct form_field *fd, const char *value,
			  int selected, int checkbox)
{
	const char *label = fd->choice_prefix
		? T(r, arena_printf(&r->arena, "%s%s", fd->choice_prefix, value)) : value;
	if (checkbox)
		html_printf(&r->out, "<label class=\"check\"><input type=\"checkbox\" name=\"%s\""
				     " value=\"%s\"%r>%s</label>", fd->name, value,
			    selected ? " checked" : "", label);
	else
		html_printf(&r->out, "<option value=\"%s\"%r>%s</option>", value,
			    selected ? " selected" : "", label);
}

static int list_has(const struct form_value *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->list[i], s))
			return 1;
	return 0;
}

void form_render_field(struct req *r, const struct form *f, const struct form_field *fd)
{
	const struct form_value *v = &f->v[fd - f->fields];
	if (fd->kind == FORM_LIST) {
		html_printf(&r->out, "<fieldset><legend>%s</legend>", T(r, fd->label));
		for (const char *const *c = fd->choices; c && *c; c++)
			choice_option(r, fd, *c, list_has(v, *c), 1);
		form_field_error(r, &f->err, fd->name);
		html_printf(&r->out, "</fieldset>");
		return;
	}
	html_printf(&r->out, "<label>%s", T(r, fd->label));
	if (fd->kind == FORM_CHOICE || fd->kind == FORM_ID) {
		html_printf(&r->out, "<select name=\"%s\"", fd->name);
		input_attrs(r, f, fd);
		html_printf(&r->out, "><option value=\"\">%s</option>", fd->empty ? T(r, fd->empty) : "");
		if (fd->kind == FORM_ID && fd->options)
			fd->options(r, f->row, v->id);
		if (fd->kind == FORM_CHOICE && fd->choice_options)
			fd->choice_options(r, v->text);
		for (const char *const *c = fd->choices; fd->kind == FORM_CHOICE && c && *c; c++)
			choice_option(r, fd, *c, !strcmp(v->text, *c), 0);
		html_printf(&r->out, "</select>");
	} else {
		html_printf(&r->out, "<input name=\"%s\" value=\"%s\"", fd->name, v->text);
		if (fd->kind == FORM_DAY)
			html_printf(&r->out, " type=\"date\"");
		else if (fd->kind == FORM_NUMBER && fd->decimals == 0)
			html_printf(&r->out, " type=\"number\" step=\"1\" min=\"%s\" max=\"%s\"",
				    arena_printf(&r->arena, "%g", fd->lo),
				    arena_printf(&r->arena, "%g", fd->hi));
		else if (fd->kind == FORM_NUMBER)
			html_printf(&r->out, " inputmode=\"decimal\" maxlength=\"32\"");
		else if (fd->max)
			html_printf(&r->out, " maxlength=\"%d\"", (int)fd->max);
		input_attrs(r, f, fd);
		html_printf(&r->out, ">");
	}
	form_field_error(r, &f->err, fd->name);
	if (fd->kind == FORM_DAY)	/* the browser shows the date in its own language's format */
		html_printf(&r->out, "%r", page_date_hint(r));
	html_printf(&r->out, "</label>");
}

void form_render_fields(struct req *r, const struct form *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (field_drawn(f, &f->fields[i]))
			form_render_field(r, f, &f->fields[i]);
}

/* ---- answers ---- */

static const char *value_text(struct req *r, const struct form_field *fd, const struct form_value *v)
{
	if (fd->kind == FORM_NUMBER && v->present)
		return arena_printf(&r->arena, "%.*f", fd->decimals, v->num);
	if (fd->kind == FORM_ID)
		return arena_printf(&r->arena, "%lld", (long long)v->id);
	if (fd->kind != FORM_LIST)
		return v->text;
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < v->n; i++)
		sb_addf(&sb, "%s%s", i ? "," : "", v->list[i]);
	const char *s = arena_strdup(&r->arena, sb.buf ? sb.buf : "");
	sb_release(&sb);
	return s;
}

void form_audit_summary(struct req *r, struct strbuf *sb, const struct form *f, const char **old)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct form_field *fd = &f->fields[i];
		if (!field_read(f, fd))
			continue;
		const char *now = value_text(r, fd, &f->v[i]);
		const char *was = old && old[i] ? old[i] : "";
		if (fd->kind == FORM_LIST && old)
			was = value_text(r, fd, &(struct form_value){.list = split_lines(r, was, &(size_t){0})});
		if (old && strcmp(was, now))
			sb_addf(sb, "%s%s: %s → %s", sb->len ? "; " : "", fd->name, was, now);
		else if (!old && f->v[i].present)
			sb_addf(sb, "%s%s: %s", sb->len ? "; " : "", fd->name, now);
	}
}

void form_api_invalid(struct req *r, const struct form_err *e)
{
	resp_error(r, FORM_STATUS_INVALID, "invalid", e->msg, e->field);
}

void form_unavailable(struct req *r)
{
	resp_error(r, FORM_STATUS_UNAVAILABLE, "unavailable", T(r, "error.unavailable"), NULL);
}

/* ---- pager ---- */

void form_page_args(struct req *r, int def_per_page, int max_per_page, int *page, int *per_page)
{
	/* one maximum for every list (HTTP_PER_PAGE_MAX, in the OpenAPI document): a larger
	 * per_page is a 422 naming it, no longer silently capped; max_per_page stays in the
	 * signature for the callers */
	(void)max_per_page;
	req_page(r, def_per_page, page, per_page);
}

void form_pager(struct req *r, const char *base, int page, int per_page, int64_t total)
{
	int64_t pages = (total + per_page - 1) / per_page;
	html_printf(&r->out, "<nav class=\"pager\"><span>%s %D</span><span>", T(r, "form.total"),
		    total);
	const char *sep = strchr(base, '?') ? "&" : "?";
	if (page > 1)
		html_printf(&r->out, "<a href=\"%s%spage=%d\" rel=\"prev\">%s</a> ", base, sep,
			    page - 1, T(r, "form.prev"));
	if (pages > 1)
		html_printf(&r->out, "%d / %D ", page, pages);
	if (page < pages)
		html_printf(&r->out, "<a href=\"%s%spage=%d\" rel=\"next\">%s</a>", base, sep,
			    page + 1, T(r, "form.next"));
	html_printf(&r->out, "</span></nav>");
}
