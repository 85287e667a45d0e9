/*
 * version.h — the program's version and build date, as `anquan --version` and /healthz
 * report them (never in a response header: a version there only helps someone matching
 * known vulnerabilities).
 */
#ifndef ANQUAN_VERSION_H
#define ANQUAN_VERSION_H

const char *version_string(void);	/* "0.1.0", from the VERSION file */
const char *version_build_date(void);	/* "YYYY-MM-DD" (UTC; SOURCE_DATE_EPOCH when set) */

#endif
