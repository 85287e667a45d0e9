/*
 * fuzz_cookies.c — libFuzzer target for the Cookie header parser (src/http/request.c).
 * Every byte string must parse without reading out of bounds; names are never empty.
 */
#include "base/arena.h"
#include "base/strbuf.h"
#include "http/http.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);	/* a header value is a C string */
	struct arena a;
	arena_init(&a);
	for (struct kv *kv = http_parse_cookies(&a, s); kv; kv = kv->next)
		if (!*kv->key || strlen(kv->val) != kv->len)
			abort();
	arena_free(&a);
	free(s);
	return 0;
}
