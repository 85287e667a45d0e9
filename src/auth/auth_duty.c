/*
 * auth_duty.c — which administrator a permission, a role or a person is (等保 2.0 三权分立);
 * see auth_duty.h for the table and the rule. Pure functions: no database, no allocation,
 * so the sign-in path, the forms and the command line share them and the unit tests pin them.
 */
#include "auth/auth_duty.h"

#include <stdio.h>
#include <string.h>

/* The administrator permissions. Anything not listed is no administrator's. Role preview
 * goes with role.admin: seeing the system as a role is part of defining roles. */
static const struct {
	const char *perm;
	enum auth_duty duty;
} duty_table[] = {
	{"org.admin", AUTH_DUTY_SYSTEM},
	{"user.admin", AUTH_DUTY_SYSTEM},
	{"settings.admin", AUTH_DUTY_SYSTEM},
	{"role.admin", AUTH_DUTY_SECURITY},
	{"audit.read", AUTH_DUTY_AUDIT},
};

enum auth_duty auth_perm_duty(const char *perm)
{
	for (size_t i = 0; i < sizeof(duty_table) / sizeof(duty_table[0]); i++)
		if (!strcmp(duty_table[i].perm, perm))
			return duty_table[i].duty;
	return AUTH_DUTY_NONE;
}

static int ends_with(const char *s, size_t n, const char *tail)
{
	size_t t = strlen(tail);
	return n >= t && !memcmp(s + n - t, tail, t);
}

static int reads_only(const char *p, size_t n)
{
	return ends_with(p, n, ".view") || ends_with(p, n, ".read");
}

int auth_perm_reads_only(const char *perm)
{
	return reads_only(perm, strlen(perm));
}

#define SEPS " \t\n\r,"

enum auth_duty auth_duty_of(const char *perms, char *clash)
{
	enum auth_duty kind = AUTH_DUTY_NONE;
	const char *kind_perm = NULL, *write_perm = NULL;
	size_t kind_len = 0, write_len = 0;
	char one[65];
	if (clash)
		clash[0] = '\0';
	for (const char *p = perms ? perms : ""; *p;) {
		p += strspn(p, SEPS);
		size_t n = strcspn(p, SEPS);
		if (!n)
			break;
		if (!write_perm && !reads_only(p, n)) {
			write_perm = p;
			write_len = n;
		}
		enum auth_duty d = AUTH_DUTY_NONE;
		if (n < sizeof(one)) {	/* longer words are no permission of ours */
			memcpy(one, p, n);
			one[n] = '\0';
			d = auth_perm_duty(one);
		}
		if (d != AUTH_DUTY_NONE && kind != AUTH_DUTY_NONE && d != kind) {
			if (clash)
				snprintf(clash, AUTH_DUTY_CLASH_MAX, "%.*s + %.*s", (int)(kind_len > 64 ? 64 : kind_len),
					 kind_perm, (int)(n > 64 ? 64 : n), p);
			return AUTH_DUTY_MIXED;
		}
		if (d != AUTH_DUTY_NONE && kind == AUTH_DUTY_NONE) {
			kind = d;
			kind_perm = p;
			kind_len = n;
		}
		p += n;
	}
	/* the audit administrator reads and changes nothing (GB/T 22239-2019 §8.1.4.2 c) */
	if (kind == AUTH_DUTY_AUDIT && write_perm) {
		if (clash)
			snprintf(clash, AUTH_DUTY_CLASH_MAX, "audit.read + %.*s",
				 (int)(write_len > 64 ? 64 : write_len), write_perm);
		return AUTH_DUTY_MIXED;
	}
	return kind;
}

int auth_duty_may_manage(enum auth_duty actor, enum auth_duty target)
{
	if (actor == AUTH_DUTY_MIXED || target == AUTH_DUTY_MIXED)
		return 0;
	return target == AUTH_DUTY_NONE || target == actor;
}

const char *auth_duty_code(enum auth_duty d)
{
	switch (d) {
	case AUTH_DUTY_NONE:
		return "none";
	case AUTH_DUTY_SYSTEM:
		return "system";
	case AUTH_DUTY_SECURITY:
		return "security";
	case AUTH_DUTY_AUDIT:
		return "audit";
	case AUTH_DUTY_MIXED:
		break;
	}
	return "mixed";
}

void auth_duty_filter(const char *perms, enum auth_duty keep, char *out)
{
	char one[65];
	size_t len = 0;
	out[len++] = ' ';
	for (const char *p = perms ? perms : ""; *p;) {
		p += strspn(p, SEPS);
		size_t n = strcspn(p, SEPS);
		if (!n)
			break;
		enum auth_duty d = AUTH_DUTY_NONE;
		if (n < sizeof(one)) {
			memcpy(one, p, n);
			one[n] = '\0';
			d = auth_perm_duty(one);
		}
		if (d == AUTH_DUTY_NONE || d == keep) {
			memcpy(out + len, p, n);
			len += n;
			out[len++] = ' ';
		}
		p += n;
	}
	out[len] = '\0';
}
