/*
 * cmd_user.c — `anquan user add` and `anquan user passwd`, for the first administrators and
 * for recovery when nobody can sign in.
 *
 * 三权分立 (等保 2.0, auth/auth_duty.h): the web pages never create a security or audit
 * administrator — the system administrator may not assign those roles and the others may
 * not create accounts — so the first of each is made here, by whoever runs the server:
 * `anquan user add --role secadmin ...` and `anquan user add --role auditor ...`. Roles that
 * together would make one person two kinds of administrator are refused here too.
 */
#include "cli/cli.h"
#include "auth/actor.h"
#include "auth/auth.h"
#include "auth/auth_duty.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
	printf("usage: anquan user add --role ROLE [--role ROLE ...] USERNAME NAME UNIT_ID PASSWORD\n"
	       "       anquan user add USERNAME NAME UNIT_ID ROLES PASSWORD\n"
	       "       anquan user passwd USERNAME PASSWORD\n\n"
	       "ROLES is a comma-separated list of role codes (worker, team_leader, ws_safety,\n"
	       "ws_director, safety_dept, safety_director, principal, equip_manager, hr, and the\n"
	       "three administrators sysadmin, secadmin, auditor). One person is at most one of the\n"
	       "three administrators (三权分立); the security administrator (secadmin) and the audit\n"
	       "administrator (auditor) are created only here. The password must meet the policy;\n"
	       "the user must change it at first sign-in.\n");
}

int cmd_user(int argc, char **argv)
{
	if (cli_wants_help(argc, argv) || argc < 2) {
		usage();
		return argc < 2 ? 2 : 0;
	}
	int add = !strcmp(argv[1], "add"), passwd = !strcmp(argv[1], "passwd");
	/* `--role CODE` (repeatable) stands for the ROLES argument; "--role=CODE" would be read
	 * as a configuration flag before we see it, so only the two-word form exists */
	struct strbuf role_opt = STRBUF_INIT;
	const char *pos[8];
	int npos = 0, bad = !add && !passwd;
	for (int i = 2; i < argc && !bad; i++) {
		if (add && !strcmp(argv[i], "--role")) {
			if (i + 1 >= argc || !*argv[i + 1]) {
				bad = 1;
				break;
			}
			if (role_opt.len)
				sb_addc(&role_opt, ',');
			sb_adds(&role_opt, argv[++i]);
		} else if (npos < 8) {
			pos[npos++] = argv[i];
		} else {
			bad = 1;
		}
	}
	if (add && role_opt.len) {	/* USERNAME NAME UNIT_ID PASSWORD, roles from --role */
		bad |= npos != 4;
		if (!bad) {
			pos[4] = pos[3];
			pos[3] = role_opt.buf;
			npos = 5;
		}
	}
	if (bad || (add && npos != 5) || (passwd && npos != 2)) {
		sb_release(&role_opt);
		usage();
		return 2;
	}
	const char *pw = add ? pos[4] : pos[1];
	const char *problem = auth_password_problem(pw);
	if (problem) {
		fprintf(stderr, "anquan user: password rejected (%s): at least 8 characters and 3 of:"
				" lower case, upper case, digits, symbols\n", problem);
		sb_release(&role_opt);
		return 1;
	}
	char *hash = NULL;
	if (auth_hash_password(pw, &hash)) {
		sb_release(&role_opt);
		return 1;
	}
	struct db *c = cli_open_db();
	if (!c || db_begin(c) != DB_OK) {
		free(hash);
		sb_release(&role_opt);
		return 1;
	}
	struct actor cli;	/* the command line: the program acting, "cli" in the audit log */
	actor_system(c, "cli", &cli);
	int64_t id = 0;
	int rc = 0;
	const char *why = "unknown user, unit or role, or name taken";
	if (add) {
		struct strbuf perms = STRBUF_INIT;
		char clash[AUTH_DUTY_CLASH_MAX];
		if (org_roles_perms(c, pos[3], &perms)) {
			rc = -1;
			why = "unknown role";
		} else if (auth_duty_of(perms.buf, clash) == AUTH_DUTY_MIXED) {
			rc = -1;
			why = "separation of duties (三权分立): these roles would make one person two kinds"
			      " of administrator, or an audit administrator who can change data";
			fprintf(stderr, "anquan user: %s\n", clash);
		}
		sb_release(&perms);
		if (!rc) {
			id = org_user_create(c, pos[0], pos[1], NULL, NULL, atoll(pos[2]), pos[3], hash, 1);
			struct strbuf sum = STRBUF_INIT;
			sb_addf(&sum, "%s; roles: %s", pos[0], pos[3]);
			rc = id > 0 ? actor_audit(&cli, "user", id, "create", sum.buf) : -1;
			sb_release(&sum);
		}
	} else {
		rc = db_get_i64(c, &id, "SELECT id FROM users WHERE username = ?", "t", pos[0]) == 1 ? 0 : -1;
		if (!rc)
			rc = auth_set_password(c, id, pw, 1);	/* hashes again: one code path for resets */
		if (!rc)
			rc = actor_audit(&cli, "user", id, "password_reset", pos[0]);
	}
	free(hash);
	if (rc || db_commit(c) != DB_OK) {
		db_rollback(c);
		db_close(c);
		fprintf(stderr, "anquan user: failed (%s)\n", why);
		sb_release(&role_opt);
		return 1;
	}
	db_close(c);
	printf("%s: %s\n", add ? "added" : "password set", pos[0]);
	sb_release(&role_opt);
	return 0;
}
