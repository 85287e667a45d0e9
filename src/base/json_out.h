/*
 * json_out.h — JSON written straight into a strbuf, for the few responses whose size or rate
 * makes building a jansson tree and dumping it the larger part of their cost (the hazard
 * list: 20 items of 18 members at a plant group's request rate). Everything else keeps
 * jansson, whose trees are easier to get right.
 */
#ifndef ANQUAN_JSON_OUT_H
#define ANQUAN_JSON_OUT_H

#include "base/strbuf.h"

#include <stdint.h>

/* A JSON string of s (NULL as ""): quotes, backslashes and control characters escaped, valid
 * UTF-8 kept as it is, each byte of an invalid sequence written as U+FFFD. */
void json_out_str(struct strbuf *sb, const char *s);
/* The same, or null when s is NULL or empty. */
void json_out_str_or_null(struct strbuf *sb, const char *s);
void json_out_int(struct strbuf *sb, int64_t v);
void json_out_bool(struct strbuf *sb, int v);
/* "key": — the key is a literal of the caller's, written without escaping */
void json_out_key(struct strbuf *sb, const char *key);

#endif
