/*
 * registry.c — the lists that the platform walks and the modules fill, for the hooks that
 * have no list of their own yet: database extensions (db.c registers each on every
 * connection) and home-page panels (web/home.c draws each). The platform layers sit below the
 * modules and may not include their headers (tools/layers), so they name the hook's type and
 * this file, in the modules' layer, names the functions. A module adds one line here, as it
 * does to http/routes.c for its routes, until module descriptors replace both.
 */
#include "db/db.h"
#include "hazard/hazard.h"
#include "report/report.h"
#include "web/home.h"

const db_extension_fn db_extensions[] = {
	hazard_search_register,	/* the 'cjk2' FTS5 tokenizer of hazards_fts */
	NULL,
};

const home_panel_fn home_panels[] = {
	report_home_panel,	/* the role panel: what this role looks at first */
	NULL,
};
