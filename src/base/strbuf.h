/*
 * strbuf.h — a growable string, the one way anquan builds text of unknown length.
 *
 * Modelled on git's strbuf: the buffer is always NUL-terminated, `len` excludes the NUL,
 * and an initialised but empty strbuf points at a shared "" so it never needs a NULL check.
 * Allocation failure aborts (there is no sane recovery for a web server out of memory).
 */
#ifndef ANQUAN_STRBUF_H
#define ANQUAN_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

extern char strbuf_empty[];
#define STRBUF_INIT { strbuf_empty, 0, 0 }

void sb_init(struct strbuf *sb, size_t hint);
void sb_release(struct strbuf *sb);
char *sb_detach(struct strbuf *sb, size_t *len);	/* caller frees; sb is reset */
void sb_grow(struct strbuf *sb, size_t extra);
void sb_reset(struct strbuf *sb);
void sb_add(struct strbuf *sb, const void *data, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void sb_trim(struct strbuf *sb);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
