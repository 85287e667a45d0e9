/*
 * registry.c — the modules' full-text tokenizers that db.c registers on every connection.
 * db sits below the modules and may not include their headers (tools/layers), so it names the
 * hook's type (struct db_tokenizer) and this file, in the modules' layer, names the functions.
 * The one hook not yet in the module descriptors (base/module.h): it must be in place before
 * the migrations run, earlier than the module table is walked for anything else.
 */
#include "db/db.h"
#include "hazard/hazard.h"

const struct db_tokenizer db_tokenizers[] = {
	{"cjk2", hazard_search_tokens},	/* the tokenizer of hazards_fts */
	{NULL, NULL},
};
