/*
 * embed.h — files compiled into the binary by tools/embed.c: SQL migrations
 * (src/db/migrations/), message catalogues (po/) and static assets (static/).
 * Each file's data is NUL-terminated so text files can be used as C strings.
 */
#ifndef ANQUAN_EMBED_H
#define ANQUAN_EMBED_H

#include <stddef.h>

struct embedded_file {
	const char *name;	/* path relative to the repository root */
	const unsigned char *data;
	size_t len;
};

extern const struct embedded_file embedded_files[];	/* ends with a NULL name */
const struct embedded_file *embed_find(const char *name);

#endif
