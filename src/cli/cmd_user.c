/*
 * cmd_user.c — `anquan user add` and `anquan user passwd`, for the first administrator and
 * for recovery when nobody can sign in.
 */
#include "cli/cli.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "db/db.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
	printf("usage: anquan user add USERNAME NAME UNIT_ID ROLES PASSWORD\n"
	       "       anquan user passwd USERNAME PASSWORD\n\n"
	       "ROLES is a comma-separated list of role codes (worker, team_leader, ws_safety,\n"
	       "ws_director, safety_dept, safety_director, principal, equip_manager, hr, sysadmin,\n"
	       "auditor). The password must meet the policy; the user must change it at first\n"
	       "sign-in.\n");
}

int cmd_user(int argc, char **argv)
{
	if (cli_wants_help(argc, argv) || argc < 2) {
		usage();
		return argc < 2 ? 2 : 0;
	}
	int add = !strcmp(argv[1], "add"), passwd = !strcmp(argv[1], "passwd");
	if ((add && argc != 7) || (passwd && argc != 4) || (!add && !passwd)) {
		usage();
		return 2;
	}
	const char *pw = add ? argv[6] : argv[3];
	const char *problem = auth_password_problem(pw);
	if (problem) {
		fprintf(stderr, "anquan user: password rejected (%s): at least 8 characters and 3 of:"
				" lower case, upper case, digits, symbols\n", problem);
		return 1;
	}
	char *hash = NULL;
	if (auth_hash_password(pw, &hash))
		return 1;
	struct db *c = cli_open_db();
	if (!c || db_begin(c) != DB_OK) {
		free(hash);
		return 1;
	}
	struct audit_actor cli = {0, "cli", "local"};
	int64_t id = 0;
	int rc = 0;
	if (add) {
		id = org_user_create(c, argv[2], argv[3], NULL, NULL, atoll(argv[4]), argv[5], hash, 1);
		rc = id > 0 ? audit_append(c, &cli, "user", id, "create", argv[2]) : -1;
	} else {
		rc = db_get_i64(c, &id, "SELECT id FROM users WHERE username = ?", "t", argv[2]) == 1 ? 0 : -1;
		if (!rc)
			rc = auth_set_password(c, id, pw, 1);	/* hashes again: one code path for resets */
		if (!rc)
			rc = audit_append(c, &cli, "user", id, "password_reset", argv[2]);
	}
	free(hash);
	if (rc || db_commit(c) != DB_OK) {
		db_rollback(c);
		db_close(c);
		fprintf(stderr, "anquan user: failed (unknown user, unit or role, or name taken)\n");
		return 1;
	}
	db_close(c);
	printf("%s: %s\n", add ? "added" : "password set", argv[2]);
	return 0;
}
