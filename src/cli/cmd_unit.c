/*
 * cmd_unit.c — `anquan unit add NAME KIND [PARENT_ID]` and `anquan unit list`: enough
 * organisation to create the first administrator of an empty installation; everything
 * after that is done on the administration pages.
 */
#include "cli/cli.h"
#include "auth/actor.h"
#include "db/db.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(int status)
{
	printf("usage: anquan unit add NAME KIND [PARENT_ID]\n"
	       "       anquan unit list\n\n"
	       "KIND is group, company, workshop, department or team. A new installation:\n"
	       "  anquan unit add 某某化工有限公司 company\n"
	       "  anquan user add admin 管理员 1 sysadmin 'Initial-Pass-1'\n");
	return status;
}

int cmd_unit(int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return usage(0);
	if (argc == 2 && !strcmp(argv[1], "list")) {
		struct db *c = cli_open_db();
		if (!c)
			return 1;
		struct db_stmt *st = db_query(c, "SELECT id, kind, path, name FROM units ORDER BY path", NULL);
		while (st && db_step(st) == 1)
			printf("%5lld  %-10s %-16s %s\n", (long long)db_col_i64(st, 0), db_col_text(st, 1),
			       db_col_text(st, 2), db_col_text(st, 3));
		db_done(c, st);
		db_close(c);
		return 0;
	}
	if (argc < 4 || argc > 5 || strcmp(argv[1], "add"))
		return usage(2);
	const char *kinds[] = {"group", "company", "workshop", "department", "team", NULL};
	int ok = 0;
	for (int i = 0; kinds[i]; i++)
		ok |= !strcmp(argv[3], kinds[i]);
	if (!ok || !*argv[2] || strlen(argv[2]) > 200) {
		fprintf(stderr, "anquan unit: KIND must be one of group, company, workshop, department, team\n");
		return 2;
	}
	struct db *c = cli_open_db();
	if (!c || db_begin(c) != DB_OK)
		return 1;
	struct actor cli;	/* the command line: the program acting, "cli" in the audit log */
	actor_system(c, "cli", &cli);
	int64_t id = org_unit_create(c, argc == 5 ? atoll(argv[4]) : 0, argv[2], argv[3]);
	if (id < 0 || actor_audit(&cli, "unit", id, "create", argv[2]) != DB_OK ||
	    db_commit(c) != DB_OK) {
		db_rollback(c);
		db_close(c);
		fprintf(stderr, "anquan unit: failed (unknown parent?)\n");
		return 1;
	}
	db_close(c);
	printf("unit %lld: %s\n", (long long)id, argv[2]);
	return 0;
}
