/*
 * arena.h — a bump allocator whose memory is all freed at once.
 *
 * Each HTTP request owns one arena: parsed parameters, cookies, strings built for the page
 * all live there and vanish when the request ends, so handlers never free piecemeal.
 */
#ifndef ANQUAN_ARENA_H
#define ANQUAN_ARENA_H

#include <stddef.h>

struct arena_chunk;
struct arena {
	struct arena_chunk *head;
	size_t total;	/* bytes handed out, for limits */
};

void arena_init(struct arena *a);
void arena_free(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);	/* zeroed, 16-byte aligned */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
