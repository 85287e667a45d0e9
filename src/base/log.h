/*
 * log.h — one format of line on stderr: "<P>LEVEL message", P the syslog priority journald
 * reads (<3>ERROR, <4>WARN, <6>INFO). The access log is "<6>ACCESS " and one JSON object per
 * request (written by the HTTP layer, with its request id) so that it can be shipped and kept
 * (网络安全法 Art. 21: network logs kept at least six months).
 */
#ifndef ANQUAN_LOG_H
#define ANQUAN_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_access(const char *json);	/* an access-log line, written atomically */
void log_quiet(int quiet);

#endif
