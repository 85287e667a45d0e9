/*
 * log.h — plain lines to stderr: "LEVEL message". The access log is separate (one JSON line
 * per request, written by the HTTP layer) so that it can be shipped and kept (网络安全法 Art. 21:
 * network logs kept at least six months).
 */
#ifndef ANQUAN_LOG_H
#define ANQUAN_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_line(const char *line);	/* a preformatted line, written atomically */
void log_quiet(int quiet);

#endif
