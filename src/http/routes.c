/*
 * routes.c — every module's route table, taken from the module table (base/module.h) that
 * main() registers; src/modules.c is where a module is listed. The router, the OpenAPI
 * document and `anquan routes` (which the access-matrix test reads) walk the same tables
 * through http_route_table(), so none of them names a module.
 */
#include "http/http.h"
#include "base/module.h"

static const struct route no_routes[] = {{0}};

const struct route *http_route_table(int i)
{
	const struct module *const *m = module_registry();
	for (int k = 0; m[k]; k++)
		if (k == i)
			return m[k]->routes ? m[k]->routes : no_routes;
	return NULL;
}
