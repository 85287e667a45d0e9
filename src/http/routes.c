/*
 * routes.c — the list of every module's route table. A module adds one line here; the
 * access-matrix test and the OpenAPI check read the same list (`anquan routes`).
 */
#include "http/http.h"
#include "http/static.h"
#include "auth/auth.h"
#include "audit/audit.h"
#include "web/home.h"
#include "org/org.h"
#include "sched/sched.h"
#include "hazard/hazard.h"
#include "cert/cert.h"
#include "equip/equip.h"
#include "permit/permit.h"
#include "report/report.h"

const struct route *const http_route_tables[] = {
	static_routes,
	home_routes,
	auth_routes,
	org_routes,
	audit_routes,
	sched_routes,
	openapi_routes,
	hazard_routes,
	cert_routes, equip_routes,
	permit_routes,
	report_routes,
	NULL,
};
