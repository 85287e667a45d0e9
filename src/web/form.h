/*
 * form.h — declared fields: a field is described once (name, label, kind, required, limits)
 * and that one declaration reads the request (url-encoded form or JSON body), validates it,
 * renders the input, and re-renders the form after a refused submission with the error
 * under its field and every submitted value kept.
 *
 * The idea is Kore's (a route declares its parameters and their validators; nothing
 * undeclared reaches the handler): form_read() reads only the declared fields, so a stray
 * member of a JSON body is never stored. Rules that span fields or need the database (a unit
 * in the caller's scope, both coordinates or neither) stay with the module, which reports
 * them through form_fail() so that every module speaks with one error type and one status:
 * 422 for input, 503 for storage trouble (FORM_STATUS_INVALID, FORM_STATUS_UNAVAILABLE).
 *
 * Usage:
 *	static const struct form_field fields[] = {
 *		{"name", "org.area_name", FORM_TEXT, FORM_REQUIRED, .max = 64},
 *		{"radius_m", "org.area_radius", FORM_NUMBER, 0, .lo = 10, .hi = 5000},
 *		{0},
 *	};
 *	struct form f;
 *	form_read(r, &f, fields, stored_texts_or_NULL);
 *	if (form_failed(&f)) ... form_render(r, &f) with r->status = 422 ...
 */
#ifndef ANQUAN_WEB_FORM_H
#define ANQUAN_WEB_FORM_H

#include <stddef.h>
#include <stdint.h>

#include "http/http.h"
#include "web/html.h"

#define FORM_STATUS_INVALID 422		/* the input is wrong: say which field */
#define FORM_STATUS_UNAVAILABLE 503	/* storing failed: nothing was stored, try again */

enum form_kind {
	FORM_TEXT,	/* one line of text, trimmed, at most .max characters */
	FORM_NUMBER,	/* a decimal in [.lo, .hi] with .decimals places (0: a whole number) */
	FORM_DAY,	/* YYYY-MM-DD */
	FORM_CHOICE,	/* one of .choices; labels are .choice_prefix + value in the catalogue */
	FORM_ID,	/* a record id, 0 for none; .options draws the <option>s */
	FORM_LIST,	/* several values (repeated form fields, or a JSON array of strings) */
};

/* flags */
#define FORM_REQUIRED 1u
#define FORM_CREATE_ONLY 2u	/* read and shown only when creating (fixed afterwards) */
#define FORM_EDIT_ONLY 4u	/* drawn only when changing a record (the API may set it at creation) */

struct form;

struct form_field {
	const char *name;	/* the form field and JSON member */
	const char *label;	/* catalogue key of the label */
	enum form_kind kind;
	unsigned flags;
	size_t max;		/* FORM_TEXT: characters; FORM_LIST: values */
	double lo, hi;		/* FORM_NUMBER bounds */
	int decimals;		/* FORM_NUMBER: places kept (and shown); 0 also refuses fractions */
	const char *const *choices;	/* FORM_CHOICE / FORM_LIST: the allowed values, NULL-ended */
	const char *choice_prefix;	/* catalogue key prefix of a choice's label */
	/* FORM_ID: write the <option>s, marking `selected`; `row` is the record being edited
	 * (NULL when creating) */
	void (*options)(struct req *r, const void *row, int64_t selected);
	html_raw attrs;	/* extra constant markup for the input (placeholder, inputmode) */
	const char *empty;	/* FORM_ID: the text of the "none" option */
	/* FORM_CHOICE whose values live in the database (.choices NULL): write the <option>s,
	 * marking `selected`; the module's check() tells a stored value from a forged one */
	void (*choice_options)(struct req *r, const char *selected);
};

/* One field's value as read. text is never NULL ("" when empty). */
struct form_value {
	const char *text;	/* as submitted (trimmed), or normalised for numbers */
	int present;		/* not empty */
	double num;		/* FORM_NUMBER */
	int64_t id;		/* FORM_ID */
	const char **list;	/* FORM_LIST, n values */
	size_t n;
};

/* The first problem found: the field's name and a message naming the field. */
struct form_err {
	const char *field;	/* NULL while nothing is wrong */
	const char *msg;
};

struct form {
	const struct form_field *fields;
	struct form_value *v;	/* one per field, in the arena */
	size_t n;
	int creating;
	int submitted;		/* values come from the request (re-render keeps them) */
	const void *row;	/* the record being edited, for options() */
	struct form_err err;
	int status;		/* the API's status for err when not 422 (409: clashes with a record) */
};

/* Record a problem with a field (the first one wins). problem_key names it in the catalogue. */
void form_fail(struct req *r, struct form *f, const char *field, const char *problem_key);
/* The same, for code that has only a struct form_err (message: label, colon, problem). */
void form_err_set(struct req *r, struct form_err *e, const char *field, const char *label_key,
		  const char *problem_key);
static inline int form_failed(const struct form *f)
{
	return f->err.field != NULL;
}

/* Prepare a form showing stored values (stored[i] is field i's text; NULL: a new record). */
void form_init(struct req *r, struct form *f, const struct form_field *fields, const char **stored,
	       const void *row);
/* Read and check every declared field from the request. A field the request does not carry
 * keeps its stored value (a PATCH that leaves it alone); when creating it is empty. */
void form_read(struct req *r, struct form *f, const struct form_field *fields, const char **stored,
	       const void *row);
/* The value of a declared field by name (aborting nothing: an unknown name reads as empty). */
const struct form_value *form_get(const struct form *f, const char *name);

/* Every value a request carries under `name`: repeated form fields, or a JSON array of
 * strings (or one JSON string). *n gets the count; the array lives in the arena. */
const char **req_field_list(struct req *r, const char *name, size_t *n);

/* Draw the inputs of every field in declaration order, each as <label>Label<input>error
 * </label>, values from the form (submitted ones after a refusal). */
void form_render_fields(struct req *r, const struct form *f);
/* One field's input; for a field drawn among other markup. */
void form_render_field(struct req *r, const struct form *f, const struct form_field *fd);
/* The error span of a field when it is the one that failed. */
void form_field_error(struct req *r, const struct form_err *e, const char *name);

/* Append "field: old → new" to an audit summary for each field whose text changed, or
 * "field: value" for each present field when old is NULL (a new record). */
void form_audit_summary(struct req *r, struct strbuf *sb, const struct form *f, const char **old);

/* Answer 422 with the field and message (the API); HTML handlers re-render instead. */
void form_api_invalid(struct req *r, const struct form_err *e);
/* Answer 503: storing failed and nothing was stored. */
void form_unavailable(struct req *r);

/* --- <option>s of FORM_ID fields --- */
struct db_stmt;
/* Write one <option> per row of `st` — (id, label, more labels…), the labels joined by " · " —
 * marking `selected`, then finish the statement. Each module keeps its own query (its scope
 * and order); this is the one loop that turns rows into options. */
void form_id_options(struct req *r, struct db_stmt *st, int64_t selected);
/* Option lists many forms share: the units of the caller's data scope (in tree order), the
 * active people of that scope (by unit, name · unit), and the positions (岗位). */
void form_opts_scope_units(struct req *r, const void *row, int64_t selected);
void form_opts_scope_users(struct req *r, const void *row, int64_t selected);
void form_opts_positions(struct req *r, const void *row, int64_t selected);

/* --- links and pager (one place for the chrome of list pages, as cgit's ui-shared.c) --- */
/* "Total 12 · ← 2 / 5 →" linking base?page=N (base may carry a query already). */
void form_pager(struct req *r, const char *base, int page, int per_page, int64_t total);
/* ?page= and ?per_page= (capped at max_per_page; def when absent). Malformed ones are
 * recorded for the 400 that names them. */
void form_page_args(struct req *r, int def_per_page, int max_per_page, int *page, int *per_page);

#endif
