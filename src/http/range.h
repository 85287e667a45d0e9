/*
 * range.h — one byte range of an HTTP Range header (RFC 9110 §14), for the files a browser's
 * video player seeks in. libmicrohttpd leaves ranges to the application for responses built
 * from memory, so the few handlers that serve large stored files answer 206 themselves.
 */
#ifndef ANQUAN_HTTP_RANGE_H
#define ANQUAN_HTTP_RANGE_H

#include <stddef.h>

/* The range `header` asks of a body of `len` bytes. 0: no usable range, send the whole
 * body (no header, another unit, several ranges — a server may ignore those); 1: bytes
 * [*from, *to] inclusive; -1: a range beyond the end (416, Content-Range: bytes star/len). */
int http_range(const char *header, size_t len, size_t *from, size_t *to);

#endif
