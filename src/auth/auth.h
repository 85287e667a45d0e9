/*
 * auth.h — who is asking and what they may do: passwords, sessions, tokens, permissions and
 * data scope.
 *
 * Passwords are hashed with argon2id (libsodium crypto_pwhash_str, 2 passes, 19 MiB, the
 * OWASP minimum). Sessions and tokens are random 256-bit values of which only the SHA-256 is
 * stored. A user's permissions are the union of their roles'; their data scope is the widest.
 */
#ifndef ANQUAN_AUTH_H
#define ANQUAN_AUTH_H

#include <stdint.h>

#include "http/http.h"

struct db;

/* Resolve r->who from the session cookie or bearer token; sets r->lang. */
void auth_identify(struct req *r);
/* Does the requester hold `perm`? */
int auth_has(struct req *r, const char *perm);
/* ... any one of the space-separated permissions in `perms`? */
int auth_has_any(struct req *r, const char *perms);
/* The double-submit CSRF token for forms shown before login (sets the cookie if needed). */
const char *auth_form_csrf(struct req *r);

/* Data scope. A record belongs to a unit and, optionally, an owner (reporter, holder). */
int auth_scope_allows(struct req *r, int64_t unit_id, int64_t owner_id);
/* For list queries: "... JOIN units u ON u.id = x.unit_id WHERE u.path LIKE ? AND (? = 0 OR owner = ?)"
 * bind auth_scope_pattern(r) with 't' and auth_scope_owner(r) twice with 'I'. */
const char *auth_scope_pattern(struct req *r);
int64_t auth_scope_owner(struct req *r);
/* The units.path LIKE pattern of the caller's plant (company), or of their whole scope if that
 * is wider: for choosing people and places that work in one plant brings together. */
const char *auth_company_pattern(struct req *r);

/* Passwords */
int auth_hash_password(const char *password, char **hash);	/* 0 ok; *hash malloc'd */
int auth_verify_password(const char *hash, const char *password);	/* 1 match */
/* NULL if acceptable, else a catalogue key naming what is wrong (等保 2.0 complexity). */
const char *auth_password_problem(const char *password);

/* Login (auth_login.c): 0 and *user_id on success; else -1 and *why = catalogue key
 * ("auth.bad_login", "auth.locked" or "auth.address_throttled"). Throttles by address and by
 * account, spends one argon2 verification on every answer it gives, and writes the audit
 * entries. `address` is what auth_login_address() returns. */
int auth_login(struct db *c, const char *username, const char *password, const char *address,
	       int64_t *user_id, const char **why);
/* The client address sign-in throttling counts: the peer, or behind a reverse proxy on this
 * machine the address that proxy appended to X-Forwarded-For. */
const char *auth_login_address(struct req *r);
/* Create a session for user_id; returns the raw token (arena) or NULL. */
const char *auth_session_create(struct req *r, int64_t user_id);
void auth_session_end(struct req *r);
/* Set a user's password (hash, clear lockout, audit). `initial` forces a change at next login. */
int auth_set_password(struct db *c, int64_t user_id, const char *password, int initial);

/* API tokens: create returns the raw token once (malloc'd). */
char *auth_token_create(struct db *c, int64_t user_id, const char *name, const char *perms,
			int64_t expires_at, int64_t *id);

/* Routes: login/logout/password/me/lang pages and the auth API. */
extern const struct route auth_routes[];
/* its entry in the module table (base/module.h), listed in src/modules.c */
struct module;
extern const struct module auth_module;

/* The retention job (auth_retention.c): sign-in attempts and notifications older than
 * retention.access_days / retention.notification_days are deleted. */
int auth_retention_sweep(struct db *c, int64_t now);

#endif
