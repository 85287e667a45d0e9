/*
 * org_web.c — administration pages for units, areas, users and roles, and the role preview.
 */
#include "org/org.h"
#include "http/http.h"

const struct route org_routes[] = {
	{0},
};
