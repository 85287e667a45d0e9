/*
 * fuzz_csv.c — libFuzzer target for the CSV side of certificate ledger imports:
 * csv_read() (src/base/csv_read.c), the RFC 4180 reader, and then cert_import() in dry-run
 * mode over the same bytes, which adds what an uploaded ledger really goes through: GB18030
 * detection and conversion, header matching by synonyms, and the per-row date, ID-number and
 * catalogue checks. Dry run (commit = 0) reads the database but writes nothing, so one
 * in-memory database, migrated once, serves every input.
 * Rows must arrive numbered upward, with at most SHEET_MAX_COLS non-NULL cells.
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
	int *last = ctx;
	if (rownum <= *last || ncells < 0 || ncells > SHEET_MAX_COLS)
		abort();
	*last = rownum;
	for (int i = 0; i < ncells; i++)
		if (!cells[i] || strlen(cells[i]) > (size_t)1 << 30)
			abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int last = 0;
	struct sheet_error why;
	if (csv_read((const char *)data, size, NULL, row, &last, &why) && !why.key)	/* a refusal names its reason */
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
