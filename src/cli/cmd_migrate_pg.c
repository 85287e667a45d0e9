/*
 * cmd_migrate_pg.c — `anquan migrate-to-pg FILE POSTGRES_URL`: a plant (its database FILE)
 * grows into a group's PostgreSQL (db/pg_copy.h does the copy; this file reads the arguments and reports).
 */
#include "cli/cli.h"
#include "base/config.h"
#include "db/pg_copy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: anquan migrate-to-pg FILE POSTGRES_URL   (files.dir, e.g. --files.dir=DIR: the file store)\n\n"
		   "Copy a plant's SQLite database FILE (the server may keep running: the copy is one snapshot)\n"
		   "into a new, empty PostgreSQL database: the schema by this anquan's migrations, then\n"
		   "every table's rows in one transaction, ids and the audit log's chain as they are, each\n"
		   "table's row count checked before the commit. A target that has any table is refused.\n"
		   "With files.dir, photos and files go to that file store (each copy verified) instead of\n"
		   "into PostgreSQL. Afterwards, with the same data directory (audit.key, audit.anchor):\n"
		   "  anquan --db.url=POSTGRES_URL audit verify\n");
}

int cmd_migrate_pg(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		usage(stdout);
		return 0;
	}
	if (argc != 3) {
		usage(stderr);
		return 2;
	}
	cli_private_files();
	char *err = NULL;
	printf("migrate-to-pg: %s → PostgreSQL\n", argv[1]);
	fflush(stdout);
	int rc = pg_copy_from_sqlite(argv[1], argv[2], cfg.files_dir, stdout, &err);
	if (rc) {
		fprintf(stderr, "anquan migrate-to-pg: %s%s\n", rc > 0 ? "refused: " : "", err ? err : "failed");
		free(err);
		return rc > 0 ? 2 : 1;
	}
	printf("migrate-to-pg: done; check the audit log there: anquan --db.url=… audit verify\n");
	return 0;
}
