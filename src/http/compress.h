/*
 * compress.h — content coding for responses (RFC 9110 §8.4, §12.5.3): which codings a client
 * accepts, Brotli or gzip for HTML and JSON bodies above a threshold (server.c calls
 * compress_response just before sending), and the choice among the variants of a static
 * file precompressed at build time (tools/precompress.c; served by static.c).
 */
#ifndef ANQUAN_COMPRESS_H
#define ANQUAN_COMPRESS_H

#include <stddef.h>

struct req;

/* bodies shorter than this go as they are: below about one packet compression saves no
 * round trip and costs a deflate stream per request */
#define COMPRESS_MIN_BYTES 1024

/* Does the Accept-Encoding value accept CODING ("gzip", "br")? A coding named with q=0 is
 * refused; "*" accepts any coding not named. NULL (no header) accepts none. */
int compress_accepts(const char *accept_encoding, const char *coding);

/* gzip IN into a malloc'd buffer; returns NULL on failure or when the result would not be
 * shorter than IN. */
unsigned char *compress_gzip(const void *in, size_t len, int level, size_t *out_len);

/* Brotli IN (QUALITY 0 to 11), the same way. */
unsigned char *compress_brotli(const void *in, size_t len, int quality, size_t *out_len);

/* The response in r->out, compressed with Brotli or else gzip when the client accepts it, the type is text
 * (HTML, JSON, CSS, JS, CSV, plain), it has no Content-Encoding yet and is long enough.
 * Adds Vary: Accept-Encoding to every response of a compressible type, compressed or not. */
void compress_response(struct req *r);

/* BREACH: the CSRF token as a page carries it, masked with a fresh random pad (hex of pad,
 * then hex of pad XOR token), so no two responses hold the same bytes for it. TOK is the
 * 64-hex-digit token; the result (128 hex digits) lives in r's arena. */
const char *csrf_mask(struct req *r, const char *tok);
/* Does SENT (masked as above, or the bare token) stand for TOK? Constant time in the token. */
int csrf_matches(const char *sent, const char *tok);

#endif
