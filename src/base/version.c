/*
 * version.c — the version and build date the Makefile writes into build_info.h.
 */
#include "base/version.h"
#include "build_info.h"

const char *version_string(void)
{
	return ANQUAN_VERSION;
}

const char *version_build_date(void)
{
	return ANQUAN_BUILD_DATE;
}
