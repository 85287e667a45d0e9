/*
 * accident_types.c — which edition of GB 6441 a new report's accident type comes from: the
 * setting accident.type_edition, '1986' (GB 6441-1986, 20 types) or '2025' (GB 6441-2025,
 * in force 2026-07-01, 27 types; the default). Both editions stay as rows of accident_types:
 * an incident keeps the type it was reported with, and the statistics count each type under
 * its own edition.
 */
#include "accident/accident.h"
#include "db/db.h"

#include <stdlib.h>
#include <string.h>

const char *const accident_type_editions[] = {"2025", "1986", NULL};

const char *accident_type_edition(struct db *c)
{
	char *v = NULL;
	const char *e = ACCIDENT_TYPE_EDITION_DEFAULT;
	if (db_get_text(c, &v, "SELECT value FROM settings WHERE key = 'accident.type_edition'", NULL) == 1 && v)
		for (int i = 0; accident_type_editions[i]; i++)
			if (!strcmp(v, accident_type_editions[i]))
				e = accident_type_editions[i];
	free(v);
	return e;
}
