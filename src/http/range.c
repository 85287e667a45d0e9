/*
 * range.c — parsing a single byte range (see range.h). Only "bytes=a-b", "bytes=a-" and
 * "bytes=-n" are honoured; a list of ranges is answered with the whole body, which RFC 9110
 * allows, so no multipart/byteranges writer is needed.
 */
#include "http/range.h"

#include <string.h>

/* digits at *p → *v (no sign, no overflow past 2^62); 0 ok, -1 none or too big */
static int number(const char **p, unsigned long long *v)
{
	const char *s = *p;
	*v = 0;
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (*v > (1ull << 62) / 10)
			return -1;
		*v = *v * 10 + (unsigned long long)(*s - '0');
	}
	*p = s;
	return 0;
}

int http_range(const char *header, size_t len, size_t *from, size_t *to)
{
	if (!header || strncmp(header, "bytes=", 6) != 0 || strchr(header, ','))
		return 0;
	const char *p = header + 6;
	unsigned long long a, b;
	if (*p == '-') {	/* the last n bytes */
		p++;
		if (number(&p, &b) || *p || b == 0)
			return b == 0 && !*p ? -1 : 0;
		if (len == 0)
			return -1;
		*from = b >= len ? 0 : len - (size_t)b;
		*to = len - 1;
		return 1;
	}
	if (number(&p, &a) || *p++ != '-')
		return 0;
	if (!*p) {
		b = len ? len - 1 : 0;
	} else if (number(&p, &b) || *p || b < a) {
		return 0;
	}
	if (a >= len)
		return -1;
	*from = (size_t)a;
	*to = b >= len ? len - 1 : (size_t)b;
	return 1;
}
