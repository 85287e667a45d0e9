/*
 * permit_cert_shim.c — TEMPORARY: stands in for the certificate module until it is merged.
 *
 * It knows no certificates, so it refuses everyone with an explicit "no certificate module"
 * reason: a permit can never be approved on the strength of a check that did not happen.
 * Delete this file when src/cert/cert.h (cert_may_operate) is present.
 */
#include "permit/permit.h"

#include <stddef.h>

#if !__has_include("cert/cert.h")
int cert_may_operate(struct db *c, int64_t person_or_user_id, const char *operation, int64_t day,
		     const char **reason_key, char **detail)
{
	(void)c;
	(void)person_or_user_id;
	(void)operation;
	(void)day;
	if (reason_key)
		*reason_key = "permit.err.no_cert_module";
	if (detail)
		*detail = NULL;
	return 0;
}
#endif
