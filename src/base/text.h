/*
 * text.h — checks and conversions on untrusted text: UTF-8 validity, length in characters,
 * integers, and random tokens. Every field read from a request passes through one of these.
 */
#ifndef ANQUAN_TEXT_H
#define ANQUAN_TEXT_H

#include <stddef.h>
#include <stdint.h>

int utf8_valid(const char *s, size_t n);	/* 1 if valid UTF-8 without NUL or C0 controls but \t\n\r */
size_t utf8_chars(const char *s);		/* code points in a valid UTF-8 string */
int text_parse_i64(const char *s, int64_t *out);	/* 0 on a whole, in-range decimal integer */
int text_parse_double(const char *s, double *out);
void text_random_token(char *out, size_t bytes);	/* out gets 2*bytes hex chars + NUL */
void text_sha256_hex(const void *data, size_t n, char out[65]);
int text_ct_equal(const char *a, const char *b);	/* constant-time string compare */

#endif
