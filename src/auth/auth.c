/*
 * auth.c — identity resolution, permissions, data scope, passwords and sessions. Sign-in
 * itself, with its throttling and lockout, is in auth_login.c.
 */
#include "auth/auth.h"
#include "auth/auth_duty.h"
#include "audit/audit.h"
#include "auth/actor.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/log.h"
#include "base/text.h"
#include "db/db.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define SESSION_COOKIE "aq_session"
#define CSRF_COOKIE "aq_csrf"

/* argon2id at 2 passes and 19 MiB: OWASP's minimum for argon2id, ~60 ms here. */
#define PW_OPS 2
#define PW_MEM (19u << 20)

int auth_hash_password(const char *password, char **hash)
{
	char out[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str_alg(out, password, strlen(password), PW_OPS, PW_MEM,
				  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return -1;
	*hash = xstrdup(out);
	return 0;
}

int auth_verify_password(const char *hash, const char *password)
{
	char buf[crypto_pwhash_STRBYTES] = {0};	/* the API reads a full-size buffer */
	if (!hash || strncmp(hash, "$argon2id$", 10) != 0 || strlen(hash) >= sizeof(buf))
		return 0;
	memcpy(buf, hash, strlen(hash));
	return crypto_pwhash_str_verify(buf, password, strlen(password)) == 0;
}

const char *auth_password_problem(const char *pw)
{
	int lower = 0, upper = 0, digit = 0, other = 0;
	if ((int)utf8_chars(pw) < cfg.password_min_length)
		return "auth.pw_short";
	if (strlen(pw) > 256)
		return "auth.pw_long";
	for (const char *p = pw; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 'a' && c <= 'z')
			lower = 1;
		else if (c >= 'A' && c <= 'Z')
			upper = 1;
		else if (c >= '0' && c <= '9')
			digit = 1;
		else
			other = 1;
	}
	if (lower + upper + digit + other < cfg.password_min_classes)
		return "auth.pw_classes";
	return NULL;
}

static const char *hash_token(struct req *r, const char *token)
{
	char h[65];
	text_sha256_hex(token, strlen(token), h);
	return arena_strdup(&r->arena, h);
}

int auth_has(struct req *r, const char *perm)
{
	return r->who && actor_perms_has(r->who->perms, perm);
}

int auth_has_any(struct req *r, const char *perms)
{
	char one[64];
	for (const char *p = perms; *p;) {
		size_t n = strcspn(p, " ");
		if (n && n < sizeof(one)) {
			memcpy(one, p, n);
			one[n] = '\0';
			if (auth_has(r, one))
				return 1;
		}
		p += n;
		p += strspn(p, " ");
	}
	return 0;
}

static int scope_rank(const char *s)
{
	if (!strcmp(s, "company"))
		return 3;
	if (!strcmp(s, "subtree"))
		return 2;
	if (!strcmp(s, "unit"))
		return 1;
	return 0;
}

/* The LIKE pattern on units.path that a scope allows (actor_pattern_of()), in the arena. */
static const char *scope_pattern(struct req *r, const char *scope, const char *path)
{
	char *p = actor_pattern_of(r->db, scope, path);
	const char *s = arena_strdup(&r->arena, p);
	free(p);
	return s;
}

/* The union of a user's roles' permissions (space-padded), their widest scope and the
 * roles' names — or of one role when role_id is set. */
static void gather_roles(struct req *r, int64_t user_id, int64_t role_id, struct strbuf *perms,
			 struct strbuf *names, const char **scope)
{
	struct db_stmt *st;
	if (role_id)
		st = db_query(r->db, "SELECT permissions, scope, name_zh, name_en FROM roles WHERE id = ?",
			      "I", role_id);
	else
		st = db_query(r->db,
			      "SELECT ro.permissions, ro.scope, ro.name_zh, ro.name_en FROM user_roles ur"
			      " JOIN roles ro ON ro.id = ur.role_id WHERE ur.user_id = ? ORDER BY ro.id",
			      "I", user_id);
	sb_reset(perms);
	sb_reset(names);
	*scope = "own";
	sb_addc(perms, ' ');
	while (st && db_step(st) == 1) {
		sb_adds(perms, db_col_text(st, 0));
		sb_addc(perms, ' ');
		if (scope_rank(db_col_text(st, 1)) > scope_rank(*scope))
			*scope = arena_strdup(&r->arena, db_col_text(st, 1));
		if (names->len)
			sb_adds(names, "、");
		sb_adds(names, db_col_text(st, strcmp(r->lang, "en") == 0 ? 3 : 2));
	}
	db_done(r->db, st);
	/* normalise whitespace so " perm " matching works on any spacing in the table */
	for (char *p = perms->buf; *p; p++)
		if (*p == '\t' || *p == '\n' || *p == '\r')
			*p = ' ';
}

/* The person's columns, read in the same statement as the session or token they sign in
 * with (one lookup a request instead of two): only an active user's row joins. */
#define USER_COLS \
	" u.username, u.name, u.unit_id, un.name, un.path, u.must_change_password, u.lang"
#define SESSION_USER_JOIN " JOIN users u ON u.id = s.user_id AND u.active = 1 JOIN units un ON un.id = u.unit_id"
#define TOKEN_USER_JOIN " JOIN users u ON u.id = t.user_id AND u.active = 1 JOIN units un ON un.id = u.unit_id"

/* A new identity for user_id from USER_COLS, which start at column col of st's row; *lang
 * the language they chose, for load_identity. */
static struct identity *identity_from_row(struct req *r, struct db_stmt *st, int col, int64_t user_id,
					  const char **lang)
{
	struct identity *w = arena_alloc(&r->arena, sizeof(*w));
	w->user_id = user_id;
	w->username = arena_strdup(&r->arena, db_col_text(st, col));
	w->name = arena_strdup(&r->arena, db_col_text(st, col + 1));
	w->unit_id = db_col_i64(st, col + 2);
	w->unit_name = arena_strdup(&r->arena, db_col_text(st, col + 3));
	w->unit_path = arena_strdup(&r->arena, db_col_text(st, col + 4));
	w->must_change_password = (int)db_col_i64(st, col + 5);
	*lang = strcmp(db_col_text(st, col + 6), "en") == 0 ? "en" : "zh";
	return w;
}

/* Make w (identity_from_row) r->who, with the permissions of their roles — or, while an
 * administrator previews a role, of that role and unit.
 *
 * 三权分立 is enforced here as well as on every form, so that a database edited by hand (or
 * roles written before the rule) never yields a person who is two administrators: a mixed
 * set loses every administrator permission (it fails closed), and a preview shows only the
 * business permissions and those of the previewer's own kind — never audit.read. */
static void load_identity(struct req *r, struct identity *w, const char *lang, int64_t preview_role,
			  int64_t preview_unit)
{
	int64_t user_id = w->user_id;
	r->lang = lang;
	struct db_stmt *st;
	struct strbuf perms = STRBUF_INIT, names = STRBUF_INIT;
	const char *scope = "own";
	gather_roles(r, user_id, 0, &perms, &names, &scope);
	char clash[AUTH_DUTY_CLASH_MAX];
	enum auth_duty duty = auth_duty_of(perms.buf, clash);
	if (duty == AUTH_DUTY_MIXED) {
		log_error("user %lld holds two administrator kinds (%s): administrator permissions dropped",
			  (long long)user_id, clash);
		duty = AUTH_DUTY_NONE;
	}
	/* only the security administrator (role.admin, and nothing of another kind) previews */
	int previewing = preview_role && duty == AUTH_DUTY_SECURITY;
	if (previewing)
		gather_roles(r, user_id, preview_role, &perms, &names, &scope);
	char *kept = arena_alloc(&r->arena, perms.len + 3);
	auth_duty_filter(perms.buf, duty, kept);
	w->perms = kept;
	w->role_names = arena_strdup(&r->arena, names.buf);
	sb_release(&perms);
	sb_release(&names);

	if (previewing) {
		w->preview = 1;
		st = db_query(r->db, "SELECT id, name, path FROM units WHERE id = ?", "I", preview_unit);
		if (st && db_step(st) == 1) {
			w->unit_id = db_col_i64(st, 0);
			w->unit_name = arena_strdup(&r->arena, db_col_text(st, 1));
			w->unit_path = arena_strdup(&r->arena, db_col_text(st, 2));
		}
		db_done(r->db, st);
	}
	w->scope = scope;
	w->scope_pattern = scope_pattern(r, scope, w->unit_path);
	r->who = w;
}

static int identify_session(struct req *r, const char *token, int bearer)
{
	int64_t now = clock_now();
	struct db_stmt *st = db_query(r->db,
		"SELECT s.id, s.user_id, s.csrf, s.created_at, s.last_seen, COALESCE(s.preview_role_id, 0),"
		" COALESCE(s.preview_unit_id, 0)," USER_COLS " FROM sessions s" SESSION_USER_JOIN
		" WHERE s.token_hash = ?",
		"t", hash_token(r, token));
	if (!st || db_step(st) != 1) {
		db_done(r->db, st);
		return -1;
	}
	int64_t sid = db_col_i64(st, 0), uid = db_col_i64(st, 1);
	const char *csrf = arena_strdup(&r->arena, db_col_text(st, 2));
	int64_t created = db_col_i64(st, 3), seen = db_col_i64(st, 4);
	int64_t prole = db_col_i64(st, 5), punit = db_col_i64(st, 6);
	const char *lang;
	struct identity *w = identity_from_row(r, st, 7, uid, &lang);
	db_done(r->db, st);
	/* idle and absolute timeouts (等保 2.0: session timeout) */
	if (now - seen > cfg.session_idle || now - created > cfg.session_absolute) {
		if (db_begin(r->db) == DB_OK) {
			db_exec(r->db, "DELETE FROM sessions WHERE id = ?", "I", sid);
			db_commit(r->db);
		}
		return -1;
	}
	load_identity(r, w, lang, prole, punit);
	r->who->session_id = sid;
	r->who->csrf = csrf;
	r->who->bearer = bearer;
	if (now - seen >= 60 && db_begin(r->db) == DB_OK) {	/* at most one write a minute */
		db_exec(r->db, "UPDATE sessions SET last_seen = ? WHERE id = ?", "II", now, sid);
		db_commit(r->db);
	}
	return 0;
}

static int identify_token(struct req *r, const char *token)
{
	int64_t now = clock_now();
	struct db_stmt *st = db_query(r->db,
		"SELECT t.id, t.user_id, t.permissions, t.expires_at," USER_COLS " FROM api_tokens t" TOKEN_USER_JOIN
		" WHERE t.token_hash = ? AND t.revoked = 0", "t", hash_token(r, token));
	if (!st || db_step(st) != 1) {
		db_done(r->db, st);
		return -1;
	}
	int64_t tid = db_col_i64(st, 0), uid = db_col_i64(st, 1), exp = db_col_i64(st, 3);
	const char *tperms = arena_strdup(&r->arena, db_col_text(st, 2));
	const char *lang;
	struct identity *w = identity_from_row(r, st, 4, uid, &lang);
	db_done(r->db, st);
	if (exp && now > exp)
		return -1;
	load_identity(r, w, lang, 0, 0);
	/* a token holds only the permissions listed for it that its owner also holds */
	struct strbuf sb = STRBUF_INIT;
	sb_addc(&sb, ' ');
	char *copy = arena_strdup(&r->arena, tperms), *save = NULL;
	for (char *p = strtok_r(copy, " ", &save); p; p = strtok_r(NULL, " ", &save))
		if (auth_has(r, p)) {
			sb_adds(&sb, p);
			sb_addc(&sb, ' ');
		}
	r->who->perms = arena_strdup(&r->arena, sb.buf);
	sb_release(&sb);
	r->who->token_id = tid;
	r->who->bearer = 1;
	r->who->must_change_password = 0;	/* tokens are for systems, not people */
	return 0;
}

void auth_identify(struct req *r)
{
	const char *lang = req_cookie(r, "lang");
	if (lang && !strcmp(lang, "en"))
		r->lang = "en";
	const char *authz = req_header(r, "Authorization");
	if (authz && strncmp(authz, "Bearer ", 7) == 0) {
		const char *tok = authz + 7;
		if (strlen(tok) > 200)
			return;
		if (identify_session(r, tok, 1) != 0)
			identify_token(r, tok);
		return;
	}
	const char *cookie = req_cookie(r, SESSION_COOKIE);
	if (cookie && strlen(cookie) <= 200)
		identify_session(r, cookie, 0);
}

const char *auth_form_csrf(struct req *r)
{
	const char *c = req_cookie(r, CSRF_COOKIE);
	if (c && strlen(c) == 64)
		return c;
	char tok[65];
	text_random_token(tok, 32);
	resp_cookie(r, CSRF_COOKIE, tok, 7200, 1);
	/* make it visible to a second form on the same page without a second cookie */
	struct kv *kv = arena_alloc(&r->arena, sizeof(*kv));
	kv->key = CSRF_COOKIE;
	kv->val = arena_strdup(&r->arena, tok);
	kv->next = r->cookies;
	r->cookies = kv;
	return kv->val;
}

int auth_scope_allows(struct req *r, int64_t unit_id, int64_t owner_id)
{
	struct actor a;
	actor_from_req(r, &a);
	return actor_scope_allows(&a, unit_id, owner_id);
}

const char *auth_scope_pattern(struct req *r)
{
	struct actor a;
	actor_from_req(r, &a);
	return actor_units_pattern(&a);
}

const char *auth_company_pattern(struct req *r)
{
	struct actor a;
	actor_from_req(r, &a);
	char *p = actor_company_pattern(&a);
	const char *s = arena_strdup(&r->arena, p);
	free(p);
	return s;
}

int64_t auth_scope_owner(struct req *r)
{
	struct actor a;
	actor_from_req(r, &a);
	return actor_scope_owner(&a);
}

const char *auth_session_create(struct req *r, int64_t user_id)
{
	char token[65], csrf[65];
	int64_t now = clock_now();
	text_random_token(token, 32);
	text_random_token(csrf, 32);
	if (db_begin(r->db) != DB_OK)
		return NULL;
	/* a fresh token at every login defeats session fixation: a cookie planted before
	 * login is never promoted */
	int rc = db_exec(r->db, "DELETE FROM sessions WHERE user_id = ? AND last_seen < ?", "II",
			 user_id, now - cfg.session_absolute);
	if (rc == DB_OK)
		rc = db_exec(r->db,
			     "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen, client_ip)"
			     " VALUES (?, ?, ?, ?, ?, ?)", "tItIIt", hash_token(r, token), user_id, csrf,
			     now, now, r->client_ip);
	if (rc != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return NULL;
	}
	return arena_strdup(&r->arena, token);
}

void auth_session_end(struct req *r)
{
	if (!r->who || !r->who->session_id)
		return;
	if (db_begin(r->db) != DB_OK)
		return;
	db_exec(r->db, "DELETE FROM sessions WHERE id = ?", "I", r->who->session_id);
	audit_req(r, "user", r->who->user_id, "logout", "");
	db_commit(r->db);
}

int auth_set_password(struct db *c, int64_t user_id, const char *password, int initial)
{
	char *hash = NULL;
	if (auth_hash_password(password, &hash))
		return -1;
	int rc = db_exec(c,
			 "UPDATE users SET password_hash = ?, must_change_password = ?,"
			 " password_changed_at = ?, failed_logins = 0, locked_until = 0, updated_at = ?"
			 " WHERE id = ?", "tiIII", hash, initial, clock_now(), clock_now(), user_id);
	free(hash);
	return rc;
}

char *auth_token_create(struct db *c, int64_t user_id, const char *name, const char *perms,
			int64_t expires_at, int64_t *id)
{
	char token[65], h[65];
	text_random_token(token, 32);
	text_sha256_hex(token, strlen(token), h);
	if (db_exec(c,
		    "INSERT INTO api_tokens (user_id, name, token_hash, permissions, created_at, expires_at)"
		    " VALUES (?, ?, ?, ?, ?, ?)", "ItttII", user_id, name, h, perms, clock_now(),
		    expires_at) != DB_OK)
		return NULL;
	*id = db_last_id(c);
	return xstrdup(token);
}
