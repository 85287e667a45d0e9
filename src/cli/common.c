/*
 * common.c — what the sub-commands share: opening the database under the data directory.
 */
#include "cli/cli.h"
#include "base/config.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "db/db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *db_file;

const char *cli_db_path(void)
{
	if (!db_file) {
		struct strbuf sb = STRBUF_INIT;
		sb_addf(&sb, "%s/anquan.db", cfg.data);
		db_file = sb_detach(&sb, NULL);
	}
	return db_file;
}

struct db *cli_open_db(void)
{
	char *err = NULL;
	if (mkdir(cfg.data, 0750) && errno != EEXIST) {
		log_error("cannot create data directory %s: %s", cfg.data, strerror(errno));
		return NULL;
	}
	struct db *c = db_open(cli_db_path(), &err);
	if (!c) {
		log_error("cannot open %s: %s", cli_db_path(), err ? err : "?");
		free(err);
		return NULL;
	}
	if (db_migrate(c, 0) != DB_OK) {
		db_close(c);
		return NULL;
	}
	return c;
}

int cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}
