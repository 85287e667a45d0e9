/*
 * fuzz_xlsx.c — libFuzzer target for the XLSX side of certificate ledger imports:
 * xlsx_read() (src/base/xlsx_read.c: libzip for the archive, expat for the shared strings
 * and the first worksheet), and then cert_import() in dry-run
 * mode over the same bytes, which adds what an uploaded ledger really goes through:
 * header matching by synonyms and the per-row date (Excel serial numbers), ID-number and
 * catalogue checks. Dry run (commit = 0) reads the database but writes nothing, so one
 * in-memory database, migrated once, serves every input.
 * Every row must have at most SHEET_MAX_COLS non-NULL cells (row numbers come from the
 * file's r attributes, so any order is the file's own business).
 */
#include "auth/actor.h"
#include "base/log.h"
#include "cert/cert.h"
#include "base/sheet.h"
#include "db/db.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static struct db *db;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_quiet(1);
	db = db_open(":memory:", NULL);
	if (!db || db_migrate(db, 0) != DB_OK)
		abort();
	return 0;
}

static int row(void *ctx, int rownum, int ncells, const char *const *cells)
{
	int *count = ctx;
	if (ncells < 0 || ncells > SHEET_MAX_COLS)
		abort();
	(*count)++;
	(void)rownum;
	for (int i = 0; i < ncells; i++)
		if (!cells[i] || strlen(cells[i]) > (size_t)1 << 30)
			abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int last = 0;
	struct sheet_error why;
	if (xlsx_read(data, size, NULL, row, &last, &why) && !why.key)	/* a refusal names its reason */
		abort();
	struct actor who;
	actor_system(db, "fuzz", &who);
	struct cert_import_result res;
	cert_import(&who, data, size, 0, &res);
	if (res.committed)	/* a dry run never writes */
		abort();
	cert_import_result_free(&res);
	return 0;
}
