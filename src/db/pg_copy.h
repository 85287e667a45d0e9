/*
 * pg_copy.h — a plant's SQLite database copied into an empty PostgreSQL database
 * (`anquan migrate-to-pg`, src/cli/cmd_migrate_pg.c).
 */
#ifndef ANQUAN_PG_COPY_H
#define ANQUAN_PG_COPY_H

#include <stdio.h>

/* Copy every table of the SQLite file src into the empty PostgreSQL database at url: the
 * schema by running the migrations there, then the rows, table by table, in one transaction,
 * the identity sequences moved past the largest ids, every table's row count compared before
 * the commit. With files_dir (files.dir) the blobs' bytes go to that file store, each copy
 * verified, and the rows keep their bytes empty (db/blobstore.h); without it they are copied
 * into PostgreSQL. Progress goes to progress. 0 on success; 1 refused (a target that is not
 * empty, a source of another schema version); -1 failed; *err (malloc'd) says why. */
int pg_copy_from_sqlite(const char *src, const char *url, const char *files_dir, FILE *progress, char **err);

#endif
