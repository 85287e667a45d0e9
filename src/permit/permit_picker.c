/*
 * permit_picker.c — the person pickers of the permit form (issue 12 §3): a guardian, the
 * workers and, per safety measure, who confirms it.
 *
 * Each picker is a plain <select> that works without JavaScript: the people qualified for the
 * role come first, own unit (the applicant's, or his team's workshop) before the rest, each
 * group an <optgroup>; the people who are not qualified come last, marked, with the reason in
 * data-why. "Qualified" is the rule the permit's checks apply (permit_rules.c): a guardian
 * holds permit.guard and a guardian's certificate, a worker the certificate of the type's
 * operation, both valid on the permit's planned start day. Every option carries a search key
 * (name, employee number, pinyin and its initials: base/pinyin.h) that static/picker.js
 * filters on, and that shows the refusal under the field as soon as an unqualified person is
 * picked; the store refuses the same people when the draft is saved.
 */
#include "permit/permit.h"
#include "base/arena.h"
#include "auth/actor.h"
#include "base/pinyin.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "ppe/ppe.h"
#include "web/i18n.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct permit_person {
	int64_t id;
	const char *name, *emp, *unit, *key, *why;
	const char *ppe_warn;	/* protective equipment missing at warn (permit_people_ppe), or NULL */
	int own, qualified;
};

struct permit_people {
	struct permit_person *v;
	int n;
	int judged;		/* qualification asked (permit_people_for) */
};

/* everyone active, own unit first; no qualification asked */
struct permit_people *permit_people_load(struct req *r)
{
	struct permit_people *pp = arena_alloc(&r->arena, sizeof(*pp));
	int64_t count = 0;
	db_get_i64(r->db, &count, "SELECT count(*) FROM users WHERE active = 1", NULL);
	pp->v = arena_alloc(&r->arena, (size_t)(count + 1) * sizeof(*pp->v));
	/* own unit: the applicant's unit and those below it; a team's, its workshop's (the
	 * guardian and the other teams' welders a team leader asks for are the workshop's), with
	 * the applicant's own team at the top */
	struct db_stmt *st = db_query(r->db,
		"SELECT u.id, u.name, COALESCE(u.employee_no, ''), un.name,"
		" un.path LIKE (SELECT CASE WHEN m.kind = 'team' AND p.id IS NOT NULL THEN p.path ELSE m.path END"
		"  FROM units m LEFT JOIN units p ON p.id = m.parent_id WHERE m.id = ?1) || '%'"
		" FROM users u JOIN units un ON un.id = u.unit_id WHERE u.active = 1"
		" ORDER BY 5 DESC, u.unit_id = ?1 DESC, un.path, u.name", "I", r->who->unit_id);
	while (st && db_step(st) == 1 && pp->n < count) {
		struct permit_person *p = &pp->v[pp->n++];
		p->id = db_col_i64(st, 0);
		p->name = arena_strdup(&r->arena, db_col_text(st, 1));
		p->emp = arena_strdup(&r->arena, db_col_text(st, 2));
		p->unit = arena_strdup(&r->arena, db_col_text(st, 3));
		p->own = (int)db_col_i64(st, 4);
		p->qualified = 1;
		p->why = p->ppe_warn = NULL;
		char *py = pinyin_key(p->name);
		struct strbuf k = STRBUF_INIT;
		sb_addf(&k, "%s %s %s", p->name, py ? py : "", p->emp);
		for (char *c = k.buf; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		p->key = arena_strdup(&r->arena, k.buf);
		sb_release(&k);
		free(py);
	}
	db_done(r->db, st);
	return pp;
}

/* The same people judged for a role: "guardian", or a permit type's operation for workers. */
struct permit_people *permit_people_for(struct req *r, const char *role, int64_t day)
{
	struct permit_people *pp = permit_people_load(r);
	int guardian = !strcmp(role, "guardian");
	pp->judged = 1;
	for (int i = 0; i < pp->n; i++) {
		struct permit_person *p = &pp->v[i];
		const char *why = NULL;
		char *detail = NULL;
		if (guardian && !actor_user_has(r->db, p->id, "permit.guard"))
			why = "permit.err.guardian_not_guard";
		else if (permit_cert_default(r->db, -p->id, role, day, &why, &detail) == 1)
			why = NULL;
		else if (!why)
			why = "permit.err.no_cert";
		p->qualified = !why;
		p->why = why ? T(r, why) : NULL;
		/* a training or contractor block carries its date ("监护人培训考试未通过: 2026-11-30",
		 * "承包商已暂停: 南京华建… · 2026-11-30") */
		if (why && (!strncmp(why, "train.", 6) || !strncmp(why, "contractor.", 11)) && detail && *detail)
			p->why = arena_printf(&r->arena, "%s: %s", p->why, detail);
		free(detail);
	}
	return pp;
}

/* The permit type's protective equipment (ppe/ppe.h, the rule permit_rules.c applies on
 * saving): someone missing an item at block joins the unqualified with the item named in
 * data-why, so the picker shows the refusal as soon as he is picked; at warn he stays where he
 * was, marked ⚠ with the item beside his name. The already unqualified are left as they are. */
void permit_people_ppe(struct req *r, struct permit_people *pp, const char *type, const char *role, int64_t day)
{
	for (int i = 0; i < pp->n; i++) {
		struct permit_person *p = &pp->v[i];
		if (!p->qualified)
			continue;
		const char *why = NULL;
		char *detail = NULL;
		int ok = ppe_permit_check(r->db, type, role, p->id, day, &why, &detail);
		if (ok == 0) {
			p->qualified = 0;
			p->why = arena_printf(&r->arena, "%s: %s", T(r, why), detail ? detail : "");
		} else if (ok == 2)
			p->ppe_warn = arena_strdup(&r->arena, detail ? detail : "");
		free(detail);
	}
}

static void group(struct req *r, const struct permit_people *pp, int qualified, int own, const char *label,
		  int64_t selected)
{
	int open = 0;
	for (int i = 0; i < pp->n; i++) {
		const struct permit_person *p = &pp->v[i];
		if (p->qualified != qualified || (own >= 0 && p->own != own))
			continue;
		if (!open++)
			html_printf(&r->out, "<optgroup label=\"%s\">", label);
		html_printf(&r->out, "<option value=\"%D\" data-key=\"%s\"", p->id, p->key);
		if (p->why)
			html_printf(&r->out, " data-why=\"%s\"", p->why);
		if (p->ppe_warn)
			html_printf(&r->out, " data-ppe-warn=\"%s\"", p->ppe_warn);
		html_printf(&r->out, "%r>%s%s · %s · %s", p->id == selected ? " selected" : "",
			    p->why ? "✗ " : p->ppe_warn ? "⚠ " : "", p->name, p->emp, p->unit);
		if (p->ppe_warn)
			html_printf(&r->out, " · %s %s", T(r, "ppe.picker_lacks"), p->ppe_warn);
		html_printf(&r->out, "</option>");
	}
	if (open)
		html_printf(&r->out, "</optgroup>");
}

/* <select name> of pp: qualified own unit, qualified elsewhere, then the unqualified; blank
 * is the empty choice's text. The script adds the search box (data-picker). */
void permit_picker(struct req *r, const struct permit_people *pp, const char *name, int required, html_raw attrs,
		   const char *aria_label, const char *blank, int64_t selected)
{
	html_printf(&r->out, "<select name=\"%s\" data-picker=\"1\" data-picker-hint=\"%s\" data-picker-colon=\"%s\"%r%r",
		    name, T(r, "permit.picker.search"), T(r, "form.colon"), required ? " required" : "", attrs);
	if (aria_label)
		html_printf(&r->out, " aria-label=\"%s\"", aria_label);
	html_printf(&r->out, "><option value=\"\">%s</option>", blank ? blank : "—");
	int judged = pp->judged;
	group(r, pp, 1, 1, T(r, judged ? "permit.picker.own_ok" : "permit.picker.own"), selected);
	group(r, pp, 1, 0, T(r, judged ? "permit.picker.other_ok" : "permit.picker.other"), selected);
	group(r, pp, 0, -1, T(r, "permit.picker.unqualified"), selected);
	html_printf(&r->out, "</select>");
}
