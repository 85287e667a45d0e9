/*
 * i18n.c — loads the embedded po/NAME.tsv catalogues into an open-addressing hash table.
 * The table is built once (pthread_once) and only read afterwards, so lookups need no lock.
 */
#include "base/i18n.h"
#include "base/embed.h"
#include "base/log.h"
#include "base/strbuf.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct msg {
	char *key, *zh, *en;
};

#define SLOTS 8192	/* power of two, well above the number of messages */
static struct msg table[SLOTS];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;	/* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void put(char *key, char *zh, char *en)
{
	unsigned i = hash(key) & (SLOTS - 1);
	while (table[i].key) {
		if (strcmp(table[i].key, key) == 0) {
			log_warn("i18n: duplicate key %s", key);
			return;
		}
		i = (i + 1) & (SLOTS - 1);
	}
	table[i].key = key;
	table[i].zh = zh;
	table[i].en = en;
}

static void load_file(const char *text)
{
	const char *line = text;
	while (*line) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		if (n && line[0] != '#') {
			char *copy = xstrndup(line, n);
			char *t1 = strchr(copy, '\t');
			char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
			if (t1 && t2) {
				*t1 = *t2 = '\0';
				put(copy, t1 + 1, t2 + 1);
			} else {
				free(copy);
			}
		}
		line += n + (end ? 1 : 0);
	}
}

static void load(void)
{
	for (const struct embedded_file *f = embedded_files; f->name; f++) {
		size_t l = strlen(f->name);
		if (strncmp(f->name, "po/", 3) == 0 && l > 4 && strcmp(f->name + l - 4, ".tsv") == 0)
			load_file((const char *)f->data);
	}
}

void i18n_init(void)
{
	pthread_once(&once, load);
}

static const struct msg *find(const char *key)
{
	i18n_init();
	unsigned i = hash(key) & (SLOTS - 1);
	while (table[i].key) {
		if (strcmp(table[i].key, key) == 0)
			return &table[i];
		i = (i + 1) & (SLOTS - 1);
	}
	return NULL;
}

const char *i18n_get(const char *lang, const char *key)
{
	const struct msg *m = find(key);
	if (!m)
		return key;
	return lang && strcmp(lang, "en") == 0 && *m->en ? m->en : m->zh;
}

int i18n_has(const char *key)
{
	return find(key) != NULL;
}
