/*
 * auth_duty.h — the three administrators of 等保 2.0 (GB/T 22239-2019, level 3, §8.1.4.2
 * 安全管理中心: 系统管理、审计管理、安全管理) and the one rule that keeps them apart.
 *
 * Each permission belongs to at most one administrator kind ("duty"):
 *   system   系统管理员  org.admin user.admin settings.admin  (units, areas, users, configuration)
 *   security 安全管理员  role.admin                           (roles, permissions, role preview)
 *   audit    审计管理员  audit.read                           (reads the audit log)
 * Every other permission (the business ones, the *.view reads, token.admin for one's own API
 * tokens) belongs to none. A permission list — a role, or the union of a person's roles — has
 * the kind of its administrator permissions, and is "mixed" when it holds two kinds, or holds
 * audit.read together with anything that changes data (the audit administrator changes
 * nothing). Every separation check (role form, user form, role preview, sign-in, API tokens,
 * the command line) asks auth_duty_of() and nothing else.
 */
#ifndef ANQUAN_AUTH_DUTY_H
#define ANQUAN_AUTH_DUTY_H

enum auth_duty {
	AUTH_DUTY_NONE = 0,
	AUTH_DUTY_SYSTEM = 1,
	AUTH_DUTY_SECURITY = 2,
	AUTH_DUTY_AUDIT = 3,
	AUTH_DUTY_MIXED = -1,	/* two kinds, or audit.read with a write: never allowed */
};

/* The kind one permission belongs to (never MIXED). */
enum auth_duty auth_perm_duty(const char *perm);
/* Does the permission only read? ("*.view", "*.read") */
int auth_perm_reads_only(const char *perm);
/* The kind of a space-separated permission list. For MIXED, `clash` (if not NULL; size
 * AUTH_DUTY_CLASH_MAX) gets the offending pair, e.g. "audit.read + user.admin". */
#define AUTH_DUTY_CLASH_MAX 136
enum auth_duty auth_duty_of(const char *perms, char *clash);
/* May an administrator of kind `actor` assign, reset, preview or edit an account or role of
 * kind `target`? Only when the target is no administrator or of the actor's own kind. */
int auth_duty_may_manage(enum auth_duty actor, enum auth_duty target);
/* "system", "security", "audit", "none" or "mixed": for messages, audit summaries and JSON. */
const char *auth_duty_code(enum auth_duty d);
/* Copy `perms` into `out` (space-padded: " a.b c.d "), keeping only the permissions whose
 * kind is NONE or `keep` (pass AUTH_DUTY_NONE to drop every administrator permission); the
 * audit kind is dropped unless keep is AUTH_DUTY_AUDIT. `out` must hold strlen(perms) + 3. */
void auth_duty_filter(const char *perms, enum auth_duty keep, char *out);

#endif
