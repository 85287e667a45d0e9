/*
 * hazard_search.c — full-text search over hazard numbers, descriptions and notes.
 *
 * Why a tokenizer of our own: most Chinese words are two characters (阀门, 漏油, 护栏), and
 * FTS5's trigram tokenizer in Debian's SQLite 3.40 finds nothing for a query under three
 * characters; unicode61 treats a whole run of Han characters as one token. So 'cjk2' makes
 * every CJK character and every pair of adjacent ones a token (安全阀 → 安, 安全, 全, 全阀, 阀),
 * every ASCII word a lower-case token and every ASCII punctuation mark a token of its own
 * (YH-2026-000123 → yh, -, 2026, -, 000123). A query is tokenized the same way and searched
 * as a phrase, so the characters must be adjacent: "安全阀" does not match "安全…阀", while
 * 漏, 3号 and 3号泵 find "3号泵渗漏". Changing these rules needs the index rebuilt (a migration
 * such as 0120_search_unigrams.sql).
 *
 * The tokenizer is registered on every connection as 'cjk2' (app/registry.c lists it; db.c
 * makes it an FTS5 tokenizer), before migrations, because the hazards_fts table names it; on
 * PostgreSQL the db layer runs it itself (db/fts.c) to fill a tsvector with the same tokens.
 */
#include "hazard/hazard.h"
#include "base/strbuf.h"
#include "db/db.h"

#include <stdlib.h>
#include <string.h>

/* Decode one UTF-8 code point at s (valid input assumed; bad bytes count as one unit). */
static int utf8_next(const unsigned char *s, int n, unsigned *cp)
{
	unsigned c = s[0];
	int len = c < 0x80 ? 1 : c >> 5 == 6 ? 2 : c >> 4 == 14 ? 3 : c >> 3 == 30 ? 4 : 1;
	if (len > n)
		len = 1;
	if (len == 1) {
		*cp = c;
		return 1;
	}
	unsigned v = c & (0x7f >> len);
	for (int i = 1; i < len; i++)
		v = (v << 6) | (s[i] & 0x3f);
	*cp = v;
	return len;
}

static int is_cjk(unsigned cp)
{
	return (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
	       (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3134f) ||
	       (cp >= 0x3040 && cp <= 0x30ff);	/* kana: same rule serves Japanese names */
}

static int is_word(unsigned cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
	/* other letters (accented Latin, Greek…) join words; CJK punctuation separates */
	return !is_cjk(cp) && !(cp >= 0x2000 && cp <= 0x206f) && !(cp >= 0x3000 && cp <= 0x303f) &&
	       !(cp >= 0xff00 && cp <= 0xffef);
}

void hazard_search_tokens(const char *text, int len, void *ctx,
			  void (*cb)(void *ctx, const char *tok, int n, int start, int end))
{
	const unsigned char *s = (const unsigned char *)text;
	struct strbuf w = STRBUF_INIT;
	int i = 0;
	while (i < len) {
		unsigned cp;
		int l = utf8_next(s + i, len - i, &cp);
		if (is_cjk(cp)) {
			/* a run of CJK characters: each character and each adjacent pair is a token, in
			 * reading order (号, 号泵, 泵), so one character alone (漏) and a word that starts
			 * after a digit (3号) are found, while a phrase still needs adjacent characters */
			int prev = -1, prevlen = 0;
			while (i < len) {
				l = utf8_next(s + i, len - i, &cp);
				if (!is_cjk(cp))
					break;
				if (prev >= 0)
					cb(ctx, text + prev, prevlen + l, prev, i + l);
				cb(ctx, text + i, l, i, i + l);
				prev = i;
				prevlen = l;
				i += l;
			}
		} else if (is_word(cp)) {
			int start = i;
			sb_reset(&w);
			while (i < len) {
				l = utf8_next(s + i, len - i, &cp);
				if (!is_word(cp) || is_cjk(cp))
					break;
				for (int k = 0; k < l; k++) {
					char c = (char)s[i + k];
					sb_addc(&w, cp < 0x80 && c >= 'A' && c <= 'Z' ? (char)(c + 32) : c);
				}
				i += l;
			}
			cb(ctx, w.buf, (int)w.len, start, i);
		} else {
			/* ASCII punctuation is a token of its own, so a search for a stray " or ' looks
			 * for that character instead of being an empty query that matches everything */
			if (cp > ' ' && cp < 0x7f)
				cb(ctx, text + i, 1, i, i + 1);
			i += l;
		}
	}
	sb_release(&w);
}

/* hazards_fts (0100_hazards.sql): one row per hazard, searched by hazard_web.c */
static const char *const fts_cols[] = {"number", "description", "notes"};
static const struct db_fts hazards_fts = {"hazards_fts", "cjk2", fts_cols, 3};

int hazard_search_sync(struct db *c, int64_t id)
{
	struct db_stmt *st = db_query(c, "SELECT h.number, h.description || ' ' || coalesce(e.name, '')"
				      " FROM hazards h LEFT JOIN equipment e ON e.id = h.equipment_id WHERE h.id = ?",
				      "I", id);
	if (!st)
		return DB_ERROR;
	int rc = db_step(st);
	if (rc <= 0) {
		db_done(c, st);
		return rc == 0 ? db_fts_delete(c, &hazards_fts, id) : rc;
	}
	char *number = xstrdup(db_col_text(st, 0)), *desc = xstrdup(db_col_text(st, 1));
	db_done(c, st);
	/* the notes of its events, in the order they were written, one space between */
	struct strbuf notes = STRBUF_INIT;
	st = db_query(c, "SELECT note FROM hazard_events WHERE hazard_id = ? AND note IS NOT NULL"
			 " ORDER BY id", "I", id);
	while (st && (rc = db_step(st)) == 1) {
		if (notes.len)
			sb_addc(&notes, ' ');
		sb_adds(&notes, db_col_text(st, 0));
	}
	db_done(c, st);
	const char *texts[] = {number, desc, notes.buf};
	rc = st && rc == 0 ? db_fts_put(c, &hazards_fts, id, texts) : DB_ERROR;
	free(number);
	free(desc);
	sb_release(&notes);
	return rc;
}

char *hazard_search_query(struct db *c, const char *text)
{
	return db_fts_query(c, &hazards_fts, text);
}
