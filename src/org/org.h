/*
 * org.h — the organization: units (a tree), areas, positions, users and roles, and the
 * administrator's pages for them, including the role preview (权限沙盒).
 */
#ifndef ANQUAN_ORG_H
#define ANQUAN_ORG_H

#include <stdint.h>

#include "base/module.h"
#include "http/http.h"

struct db;
struct audit_actor;
struct strbuf;

/* Create a unit under parent (0 for a root) and set its materialised path. Must run inside
 * a transaction. Returns the new id, or -1. */
int64_t org_unit_create(struct db *c, int64_t parent_id, const char *name, const char *kind);
/* Create an area with a fresh QR token. Inside a transaction. */
int64_t org_area_create(struct db *c, const char *name, int64_t unit_id, double lat, double lng,
			int radius_m, int has_coords);
/* Create a user with roles (space- or comma-separated role codes) and an argon2id hash from
 * auth_hash_password(). Inside a transaction. Returns the id, or -1 (taken name, unknown
 * unit or role, or roles that together are two kinds of administrator). */
int64_t org_user_create(struct db *c, const char *username, const char *name,
			const char *employee_no, const char *phone, int64_t unit_id,
			const char *role_codes, const char *password_hash, int must_change);

/* --- rules shared by the pages, the API and the tests (pure unless they take a db) --- */

/* The permission vocabulary a role may be given: every module's declared permissions
 * (struct module_perm in base/module.h), in module order, which is the order the role form
 * shows them; permissions found in the roles table are offered as well. NULL-terminated. */
#define org_permissions (module_permissions())
int org_perm_known(const char *perm);
/* Is `perm` one of the words of the space-separated list? */
int org_perms_has(const char *list, const char *perm);
/* Separation of duties (等保 2.0 三权分立, auth/auth_duty.h): the administrator kind of the
 * union of a user's roles (inside the caller's transaction); AUTH_DUTY_MIXED is never
 * stored by any path that checks. */
int org_user_duty(struct db *c, int64_t user_id);
/* The union of the permissions of the roles named in `codes` (space- or comma-separated)
 * into *out; -1 when a code is unknown. */
int org_roles_perms(struct db *c, const char *codes, struct strbuf *out);

/* Input checks: NULL when fine, else the catalogue key of the problem. */
const char *org_check_text(const char *s, size_t max_chars, int required);
const char *org_check_username(const char *s);	/* 3–32 of [a-z0-9_.-] */
const char *org_check_phone(const char *s);	/* digits, + and -, up to 20; empty allowed */
const char *org_check_role_code(const char *s);	/* 2–32 of [a-z0-9_] */
int org_scope_valid(const char *scope);
/* May a unit of `kind` sit under a parent of `parent_kind`? group → company →
 * workshop/department → team, each level strictly below its parent. */
int org_unit_kind_fits(const char *parent_kind, const char *kind);
int org_unit_kind_valid(const char *kind);
/* "YYYY-MM-DD" in the plant's zone → the UTC second that day ends (23:59:59). 0 ok. */
int org_parse_date_end(const char *s, int64_t *out);
/* An initial password that meets the default policy (4 classes, 17 characters). */
void org_gen_password(char out[24]);

extern const struct route org_routes[];
/* its entry in the module table (base/module.h), listed in src/modules.c */
/* `path` (local, starting with /) as an absolute URL on the host the request came to, for
 * a QR code a phone scans; the path alone when the Host header is not a plain host name. */
const char *org_abs_url(struct req *r, const char *path);
/* The link a printed QR code carries: scheme and host of this request, then /a/<token> (the
 * area labels, and the risk notice cards that send a scan to the hazard report of the place). */
const char *org_qr_url(struct req *r, const char *token);

struct module;
extern const struct module org_module;

#endif
