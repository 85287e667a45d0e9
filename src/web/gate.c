/*
 * gate.c — fills http's access gate (http.h, struct http_gate): the router identifies the
 * caller and checks route permissions with auth, and resp_error draws its HTML page with the
 * page layout. Defined here, in the lowest layer that sees both auth and the page layout, so
 * that http includes neither.
 */
#include "http/http.h"
#include "auth/auth.h"
#include "web/page.h"

const struct http_gate http_gate = {
	.identify = auth_identify,
	.allowed = auth_has,
	.error_page = page_error,
};
