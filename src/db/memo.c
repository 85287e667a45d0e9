/*
 * memo.c — the rows of earlier reads, kept while the database has not changed.
 *
 * A dashboard at a million hazards counts the same index ranges on every request (30–50 ms
 * of CPU), though the hazards change far less often than plant managers look at them. The
 * store keeps a read's rows under its SQL and parameters and under the data stamp they were
 * read at (db_stamp: it moves on with every commit that changed a row, this process's or
 * another's). Only one stamp is ever held: a put at a newer stamp drops everything older,
 * a get at any other stamp misses. So a figure served from here is the figure the query
 * would give now, and the store's size is bounded by what one unchanged database is asked.
 *
 * Entries are reference counted: a reader replaying rows keeps them after the store has
 * dropped them.
 */
#include "db/memo.h"
#include "base/strbuf.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 512		/* a power of two */
#define MAX_BYTES (32u << 20)	/* past this the store starts again empty */
#define MAX_ENTRY (4u << 20)	/* a bigger result is not kept: replaying it saves little */

struct memo_rows {
	int ncols, nrows, cap;
	struct memo_cell *cells;
	char *bytes;		/* texts and blobs, each NUL-terminated; bytes[0] is "" */
	size_t blen, bcap;
	int refs;		/* under lock once put */
};

struct entry {
	char *key;
	size_t klen;
	uint32_t hash;
	struct memo_rows *rows;
	struct entry *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry *bucket[BUCKETS];
static uint64_t held_stamp;
static size_t held_bytes;
static struct memo_stats stats;

struct memo_rows *memo_rows_new(int ncols)
{
	struct memo_rows *m = xcalloc(1, sizeof(*m));
	m->ncols = ncols;
	m->bcap = 256;
	m->bytes = xmalloc(m->bcap);
	m->bytes[0] = 0;
	m->blen = 1;
	m->refs = 1;
	return m;
}

static size_t add_bytes(struct memo_rows *m, const char *p, size_t n)
{
	if (!p || !n)
		return 0;
	if (m->blen + n + 1 > m->bcap) {
		while (m->blen + n + 1 > m->bcap)
			m->bcap *= 2;
		m->bytes = xrealloc(m->bytes, m->bcap);
	}
	size_t off = m->blen;
	memcpy(m->bytes + off, p, n);
	m->bytes[off + n] = 0;
	m->blen += n + 1;
	return off;
}

void memo_rows_add(struct memo_rows *m, const struct memo_cell *row, const char *const *texts)
{
	if (m->nrows == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->cells = xrealloc(m->cells, (size_t)m->cap * (size_t)m->ncols * sizeof(*m->cells));
	}
	struct memo_cell *out = &m->cells[(size_t)m->nrows * (size_t)m->ncols];
	for (int i = 0; i < m->ncols; i++) {
		out[i] = row[i];
		out[i].off = add_bytes(m, texts[i], row[i].len);
	}
	m->nrows++;
}

static size_t rows_size(const struct memo_rows *m)
{
	return sizeof(*m) + (size_t)m->cap * (size_t)m->ncols * sizeof(*m->cells) + m->bcap;
}

void memo_rows_free(struct memo_rows *m)
{
	if (!m)
		return;
	free(m->cells);
	free(m->bytes);
	free(m);
}

int memo_rows_count(const struct memo_rows *m)
{
	return m->nrows;
}

int memo_rows_cols(const struct memo_rows *m)
{
	return m->ncols;
}

const struct memo_cell *memo_cell(const struct memo_rows *m, int row, int col)
{
	return &m->cells[(size_t)row * (size_t)m->ncols + (size_t)col];
}

const char *memo_text(const struct memo_rows *m, const struct memo_cell *cell)
{
	return m->bytes + cell->off;
}

static uint32_t hash_key(const char *k, size_t n)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 16777619u;
	return h;
}

static void unref(struct memo_rows *m)	/* under lock */
{
	if (--m->refs == 0)
		memo_rows_free(m);
}

static void drop_all(void)	/* under lock */
{
	for (int b = 0; b < BUCKETS; b++) {
		struct entry *e = bucket[b];
		while (e) {
			struct entry *next = e->next;
			unref(e->rows);
			free(e->key);
			free(e);
			stats.dropped++;
			e = next;
		}
		bucket[b] = NULL;
	}
	held_bytes = 0;
}

struct memo_rows *memo_get(const char *key, size_t klen, uint64_t stamp)
{
	uint32_t h = hash_key(key, klen);
	struct memo_rows *found = NULL;
	pthread_mutex_lock(&lock);
	if (stamp == held_stamp)
		for (struct entry *e = bucket[h & (BUCKETS - 1)]; e; e = e->next)
			if (e->hash == h && e->klen == klen && !memcmp(e->key, key, klen)) {
				found = e->rows;
				found->refs++;
				break;
			}
	if (found)
		stats.hits++;
	else
		stats.misses++;
	pthread_mutex_unlock(&lock);
	return found;
}

void memo_put(const char *key, size_t klen, uint64_t stamp, struct memo_rows *m)
{
	size_t size = rows_size(m) + klen;
	uint32_t h = hash_key(key, klen);
	pthread_mutex_lock(&lock);
	if (stamp < held_stamp || size > MAX_ENTRY) {	/* read before a newer commit was seen */
		unref(m);
		pthread_mutex_unlock(&lock);
		return;
	}
	if (stamp > held_stamp || held_bytes + size > MAX_BYTES) {
		drop_all();
		held_stamp = stamp;
	}
	struct entry **p = &bucket[h & (BUCKETS - 1)];
	for (struct entry *e = *p; e; e = e->next)
		if (e->hash == h && e->klen == klen && !memcmp(e->key, key, klen)) {
			unref(m);	/* another reader put the same rows first */
			pthread_mutex_unlock(&lock);
			return;
		}
	struct entry *e = xcalloc(1, sizeof(*e));
	e->key = xmalloc(klen);
	memcpy(e->key, key, klen);
	e->klen = klen;
	e->hash = h;
	e->rows = m;	/* the caller's reference is the store's now */
	e->next = *p;
	*p = e;
	held_bytes += size;
	stats.stored++;
	pthread_mutex_unlock(&lock);
}

void memo_release(struct memo_rows *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&lock);
	unref(m);
	pthread_mutex_unlock(&lock);
}

void memo_stats(struct memo_stats *out)
{
	pthread_mutex_lock(&lock);
	*out = stats;
	out->bytes = held_bytes;
	pthread_mutex_unlock(&lock);
}
