/*
 * audit_web.c — the auditor's pages: browse and filter the audit log, check the chain.
 */
#include "audit/audit.h"
#include "http/http.h"

const struct route audit_routes[] = {
	{0},
};
