/*
 * log.c — line-buffered logging. Each line is written with one write(2) so that lines from
 * different threads never interleave. Every line starts with its syslog priority in angle
 * brackets (sd-daemon(3)): journald takes it as the line's priority and strips it, so
 * `journalctl -u anquan -p warning` shows warnings and errors only.
 */
#include "base/log.h"
#include "base/strbuf.h"

#include <stdarg.h>
#include <unistd.h>

static int quiet;

void log_quiet(int q)
{
	quiet = q;
}

static void logv(const char *level, const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	sb_adds(&sb, level);
	sb_addc(&sb, ' ');
	sb_vaddf(&sb, fmt, ap);
	sb_addc(&sb, '\n');
	ssize_t r = write(2, sb.buf, sb.len);
	(void)r;
	sb_release(&sb);
}

void log_access(const char *line)
{
	struct strbuf sb = STRBUF_INIT;
	if (quiet)
		return;
	sb_adds(&sb, "<6>ACCESS ");
	sb_adds(&sb, line);
	sb_addc(&sb, '\n');
	ssize_t r = write(2, sb.buf, sb.len);
	(void)r;
	sb_release(&sb);
}

void log_info(const char *fmt, ...)
{
	va_list ap;
	if (quiet)
		return;
	va_start(ap, fmt);
	logv("<6>INFO", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	logv("<4>WARN", fmt, ap);
	va_end(ap);
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	logv("<3>ERROR", fmt, ap);
	va_end(ap);
}
