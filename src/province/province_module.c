/*
 * province_module.c — the provincial upload's entry in the module table (base/module.h). Its
 * pages live under /admin/province, reached from a home tile of the safety department (the
 * department that answers to the regulator for the dual-prevention data, DOMAIN §7); the
 * upload runs as the "province" scheduler job every province.interval_min minutes when
 * enabled, and at once with the "upload now" button.
 */
#include "province/province.h"
#include "base/module.h"

static const struct module_perm perms[] = {
	{"province.manage", "safety_dept"},
	{0},
};

static const struct module_tile tiles[] = {
	{58, "/admin/province", "nav.province", "province.tile_hint", "province.manage", 0, NULL},
	{0},
};

static const struct module_job jobs[] = {
	{"province", province_sched_run},
	{0},
};

extern const struct module_schema province_schemas[];

const struct module province_module = {
	.name = "province",
	.migrations = "1150-1199",
	.routes = province_routes,
	.perms = perms,
	.tiles = tiles,
	.jobs = jobs,
	.schemas = province_schemas,
};
