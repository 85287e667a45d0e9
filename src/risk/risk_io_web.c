/*
 * risk_io_web.c — import and export of the 风险分级管控清单 (pages and API).
 */
#include "risk/risk.h"
#include "risk/risk_web.h"
#include "web/i18n.h"
#include "web/page.h"

int risk_import_page(struct req *r)
{
	resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
	return 0;
}
int risk_import_post(struct req *r) { return risk_import_page(r); }
int risk_export_xlsx(struct req *r) { return risk_import_page(r); }
int risk_export_csv(struct req *r) { return risk_import_page(r); }
