/*
 * duty_common.c — what the duty pages share: an error answered as JSON or as a page, the
 * data-scope test on a person, and numbers written without needless decimals.
 */
#include "duty/duty.h"
#include "auth/auth.h"
#include "db/db.h"
#include "web/i18n.h"
#include "web/page.h"

#include <math.h>
#include <stdio.h>

void duty_fail(struct req *r, int status, const char *key, const char *field)
{
	if (r->is_api) {
		resp_error(r, status, status == 404 ? "not_found" : status == 403 ? "forbidden" : status == 409 ? "conflict"
			   : status == 503 ? "unavailable" : "invalid", T(r, key), field);
		return;
	}
	r->status = status;
	page_error(r, status, T(r, key), field);
}

int duty_user_in_scope(struct req *r, int64_t user_id)
{
	int64_t unit = 0;
	if (user_id <= 0 || db_get_i64(r->db, &unit, "SELECT unit_id FROM users WHERE id = ?", "I", user_id) != 1)
		return 0;
	return auth_scope_allows(r, unit, user_id);
}

void duty_fmt(char *buf, size_t n, double v)
{
	if (fabs(v - floor(v)) < 1e-9)
		snprintf(buf, n, "%.0f", v);
	else
		snprintf(buf, n, "%.1f", v);
}
