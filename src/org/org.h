/*
 * org.h — the organization: units (a tree), areas, positions, users and roles, and the
 * administrator's pages for them, including the role preview (权限沙盒).
 */
#ifndef ANQUAN_ORG_H
#define ANQUAN_ORG_H

#include <stdint.h>

#include "http/http.h"

struct db;
struct audit_actor;

/* Create a unit under parent (0 for a root) and set its materialised path. Must run inside
 * a transaction. Returns the new id, or -1. */
int64_t org_unit_create(struct db *c, int64_t parent_id, const char *name, const char *kind);
/* Create an area with a fresh QR token. Inside a transaction. */
int64_t org_area_create(struct db *c, const char *name, int64_t unit_id, double lat, double lng,
			int radius_m, int has_coords);
/* Create a user with roles (space- or comma-separated role codes) and an argon2id hash from
 * auth_hash_password(). Inside a transaction. Returns the id, or -1 (taken name, unknown
 * unit or role). */
int64_t org_user_create(struct db *c, const char *username, const char *name,
			const char *employee_no, const char *phone, int64_t unit_id,
			const char *role_codes, const char *password_hash, int must_change);

extern const struct route org_routes[];

#endif
