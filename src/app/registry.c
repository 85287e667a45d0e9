/*
 * registry.c — the database extensions (SQL functions, FTS5 tokenizers) that db.c registers
 * on every connection. db sits below the modules and may not include their headers
 * (tools/layers), so it names the hook's type and this file, in the modules' layer, names the
 * functions. The one hook not yet in the module descriptors (base/module.h): it must be in
 * place before the migrations run, earlier than the module table is walked for anything else.
 */
#include "db/db.h"
#include "hazard/hazard.h"

const db_extension_fn db_extensions[] = {
	hazard_search_register,	/* the 'cjk2' FTS5 tokenizer of hazards_fts */
	NULL,
};
