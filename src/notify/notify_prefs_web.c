/*
 * notify_prefs_web.c — /me/notify: how a person wants to be told. Their e-mail address, the
 * personal channels they accept (e-mail, SMS; the in-app inbox always), quiet hours during
 * which non-urgent messages wait (urgent ones — a major hazard, a gas alarm — never do), and
 * a digest at 08:00 instead of single messages. notify_outbox.c applies them when it queues.
 */
#include "notify/notify_web.h"
#include "notify/notify.h"
#include "audit/audit.h"
#include "base/arena.h"
#include "base/clock.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "web/form.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const personal[] = {"smtp", "sms", NULL};

static const struct form_field pref_fields[] = {
	{"email", "notify.email", FORM_TEXT, 0, .max = 128, .attrs = " type=\"email\" inputmode=\"email\""},
	{"channels", "notify.my_channels", FORM_LIST, 0, .max = 2, .choices = personal, .choice_prefix = "notify.pref_"},
	{"quiet_from", "notify.quiet_from", FORM_TEXT, 0, .max = 5, .attrs = " type=\"time\""},
	{"quiet_to", "notify.quiet_to", FORM_TEXT, 0, .max = 5, .attrs = " type=\"time\""},
	{"digest", "notify.digest", FORM_NUMBER, 0, .lo = 0, .hi = 1},
	{0},
};

/* "HH:MM" → minute of the day; -1 when malformed */
static int parse_hhmm(const char *s)
{
	int h, m;
	char tail;
	if (sscanf(s, "%2d:%2d%c", &h, &m, &tail) != 2 || h < 0 || h > 23 || m < 0 || m > 59 || strlen(s) != 5)
		return -1;
	return h * 60 + m;
}

static void prefs_page(struct req *r, struct form *f)
{
	page_begin(r, T(r, "notify.prefs"));
	html_printf(&r->out, "<h1>%s</h1><section class=\"card\"><p>%s</p><form method=\"post\" action=\"/me/notify\""
			     " class=\"stack\">%r",
		    T(r, "notify.prefs"), T(r, "notify.prefs_hint"), page_csrf(r));
	form_render_fields(r, f);
	html_printf(&r->out, "<button class=\"primary\">%s</button></form></section>", T(r, "notify.save"));
	page_end(r);
}

static void stored(struct req *r, const char **out)
{
	struct db_stmt *st = db_query(r->db, "SELECT email, channels, quiet_from, quiet_to, digest FROM notify_prefs"
				      " WHERE user_id = ?", "I", r->who->user_id);
	out[0] = out[1] = out[2] = out[3] = "";
	out[4] = "0";
	if (st && db_step(st) == 1) {
		out[0] = arena_strdup(&r->arena, db_col_text(st, 0));
		out[1] = arena_strdup(&r->arena, db_col_text(st, 1));
		int from = (int)db_col_i64(st, 2), to = (int)db_col_i64(st, 3);
		if (from != to) {
			out[2] = arena_printf(&r->arena, "%02d:%02d", from / 60, from % 60);
			out[3] = arena_printf(&r->arena, "%02d:%02d", to / 60, to % 60);
		}
		out[4] = db_col_i64(st, 4) ? "1" : "0";
	}
	db_done(r->db, st);
}

int notify_prefs_get(struct req *r)
{
	const char *old[5];
	stored(r, old);
	struct form f;
	form_init(r, &f, pref_fields, old, NULL);
	prefs_page(r, &f);
	return 0;
}

int notify_prefs_post(struct req *r)
{
	const char *old[5];
	stored(r, old);
	struct form f;
	form_read(r, &f, pref_fields, old, NULL);
	const char *email = form_get(&f, "email")->text, *qf = form_get(&f, "quiet_from")->text,
		   *qt = form_get(&f, "quiet_to")->text;
	const char *at = strchr(email, '@');
	if (!form_failed(&f) && *email && (!at || at == email || !strchr(at, '.') || strpbrk(email, " <>,;\"")))
		form_fail(r, &f, "email", "notify.err_email");
	int from = *qf ? parse_hhmm(qf) : 0, to = *qt ? parse_hhmm(qt) : 0;
	if (!form_failed(&f) && from < 0)
		form_fail(r, &f, "quiet_from", "notify.err_time");
	if (!form_failed(&f) && to < 0)
		form_fail(r, &f, "quiet_to", "notify.err_time");
	if (!form_failed(&f) && (!*qf) != (!*qt))
		form_fail(r, &f, *qf ? "quiet_to" : "quiet_from", "notify.err_both_times");
	if (form_failed(&f)) {
		r->status = FORM_STATUS_INVALID;
		if (r->is_api)
			form_api_invalid(r, &f.err);
		else
			prefs_page(r, &f);
		return 0;
	}
	const struct form_value *ch = form_get(&f, "channels");
	struct strbuf chans = STRBUF_INIT, sum = STRBUF_INIT;
	for (size_t i = 0; i < ch->n; i++)
		sb_addf(&chans, "%s%s", i ? " " : "", ch->list[i]);
	form_audit_summary(r, &sum, &f, old);
	int64_t now = clock_now();
	int ok = db_begin(r->db) == DB_OK &&
		 db_exec(r->db, "INSERT INTO notify_prefs (user_id, email, channels, quiet_from, quiet_to, digest, updated_at)"
				" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (user_id) DO UPDATE SET email = ?2,"
				" channels = ?3, quiet_from = ?4, quiet_to = ?5, digest = ?6, updated_at = ?7",
			 "Ittiii" "I", r->who->user_id, email, chans.buf ? chans.buf : "", from, to,
			 form_get(&f, "digest")->num > 0, now) == DB_OK &&
		 audit_req(r, "notify_prefs", r->who->user_id, "update", sum.buf ? sum.buf : "") == DB_OK &&
		 db_commit(r->db) == DB_OK;
	sb_release(&chans);
	sb_release(&sum);
	if (!ok) {
		db_rollback(r->db);
		form_unavailable(r);
		return 0;
	}
	if (r->is_api)
		resp_json(r, 200, json_pack("{s:b}", "ok", 1));
	else
		resp_redirect(r, "/me/notify");
	return 0;
}

int64_t notify_unread(struct req *r)
{
	int64_t n = 0;
	if (r->who)
		db_get_i64(r->db, &n, "SELECT count(*) FROM notifications WHERE user_id = ? AND read_at = 0", "I",
			   r->who->user_id);
	return n;
}
