/*
 * risk_bands.c — band sets as data (risk_band_sets, risk_band_edges): loading a set at a
 * version, the set in use for a method (settings risk.band_set.LEC / .LS), and a company's own
 * set saved as a new version so that every earlier assessment still names the edges that
 * produced its level.
 */
#include "risk/risk.h"
#include "auth/actor.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int risk_band_set_load(struct db *c, int64_t id, int version, struct risk_band_set *out)
{
	memset(out, 0, sizeof(*out));
	struct db_stmt *st = db_query(c, "SELECT id, version, method, code FROM risk_band_sets WHERE id = ?", "I", id);
	int found = st && db_step(st) == 1;
	if (found) {
		out->id = db_col_i64(st, 0);
		out->version = version > 0 ? version : (int)db_col_i64(st, 1);
		snprintf(out->method, sizeof(out->method), "%s", db_col_text(st, 2));
		snprintf(out->code, sizeof(out->code), "%s", db_col_text(st, 3));
	}
	db_done(c, st);
	if (!found)
		return -1;
	st = db_query(c, "SELECT e.level, e.lower_bound, e.lower_inclusive FROM risk_band_edges e"
			 " JOIN risk_levels l ON l.code = e.level WHERE e.band_set_id = ? AND e.version = ?"
			 " ORDER BY l.rank DESC", "Ii", out->id, out->version);
	while (st && db_step(st) == 1 && out->n < 4) {
		struct risk_band *b = &out->bands[out->n++];
		snprintf(b->level, sizeof(b->level), "%s", db_col_text(st, 0));
		b->lower = db_col_double(st, 1);
		b->inclusive = (int)db_col_i64(st, 2);
	}
	db_done(c, st);
	return out->n ? 0 : -1;
}

int risk_band_set_load_code(struct db *c, const char *code, int version, struct risk_band_set *out)
{
	int64_t id = 0;
	if (db_get_i64(c, &id, "SELECT id FROM risk_band_sets WHERE code = ?", "t", code) != 1)
		return -1;
	return risk_band_set_load(c, id, version, out);
}

int risk_band_set_in_use(struct db *c, const char *method, struct risk_band_set *out)
{
	char key[32], *code = NULL;
	snprintf(key, sizeof(key), "risk.band_set.%s", method);
	int rc = -1;
	if (db_get_text(c, &code, "SELECT value FROM settings WHERE key = ?", "t", key) == 1 && code)
		rc = risk_band_set_load_code(c, code, 0, out);
	free(code);
	if (rc)	/* a setting naming no set: the shipped default of the method */
		rc = risk_band_set_load_code(c, strcmp(method, "LS") ? "lec_default" : "ls_default", 0, out);
	return rc;
}

static int band_set_write(const struct actor *a, int64_t id, const char *code, const char *method, const char *name,
			  const struct risk_band *bands, int64_t *out_id, const char **field);

/* Edges must fall from major to low, low at 0: otherwise a level could never be reached. */
int risk_band_set_save(const struct actor *a, int64_t id, const char *code, const char *method, const char *name,
		       const struct risk_band *bands, int n, int64_t *out_id, const char **field)
{
	static const char *const order[] = {"major", "large", "general", "low"};
	*field = NULL;
	if (strcmp(method, "LEC") && strcmp(method, "LS")) {
		*field = "method";
		return -1;
	}
	if (n != 4) {
		*field = "bands";
		return -1;
	}
	for (int i = 0; i < 4; i++) {
		if (strcmp(bands[i].level, order[i]) || bands[i].lower < 0 || (i == 3 && bands[i].lower != 0) ||
		    (i > 0 && bands[i].lower >= bands[i - 1].lower && i < 3)) {
			*field = order[i];
			return -1;
		}
	}
	struct db *c = a->db;
	int own = !db_in_tx(c);	/* in the caller's transaction, or in one of its own */
	if (own && db_begin(c) != DB_OK)
		return -2;
	int rc = band_set_write(a, id, code, method, name, bands, out_id, field);
	if (rc) {
		if (own)
			db_rollback(c);
		return rc;
	}
	if (own && db_commit(c) != DB_OK) {
		db_rollback(c);
		return -2;
	}
	return 0;
}

static int band_set_write(const struct actor *a, int64_t id, const char *code, const char *method, const char *name,
			  const struct risk_band *bands, int64_t *out_id, const char **field)
{
	struct db *c = a->db;
	int version = 1;
	if (id) {
		int64_t builtin = 1, v = 0;
		if (db_get_i64(c, &builtin, "SELECT builtin FROM risk_band_sets WHERE id = ?", "I", id) != 1 || builtin) {
			*field = "id";
			return -1;
		}
		db_get_i64(c, &v, "SELECT version FROM risk_band_sets WHERE id = ?", "I", id);
		version = (int)v + 1;
		if (db_exec(c, "UPDATE risk_band_sets SET version = ?, name_zh = ?, name_en = ?, updated_at = ? WHERE id = ?",
			    "ittII", version, name, name, a->now, id) != DB_OK)
			return -2;
	} else {
		if (db_exec(c, "INSERT INTO risk_band_sets (code, method, name_zh, name_en, builtin, unit_id, version,"
			       " created_by, created_at, updated_at) VALUES (?, ?, ?, ?, 0, NULLIF(?, 0), 1, NULLIF(?, 0), ?, ?)",
			    "ttttIIII", code, method, name, name, a->unit_id, a->user_id, a->now, a->now) != DB_OK) {
			*field = "code";
			return -1;
		}
		id = db_last_id(c);
	}
	for (int i = 0; i < 4; i++)
		if (db_exec(c, "INSERT INTO risk_band_edges (band_set_id, version, level, lower_bound, lower_inclusive)"
			       " VALUES (?, ?, ?, ?, ?)", "Iitdi", id, version, bands[i].level, bands[i].lower,
			    bands[i].inclusive ? 1 : 0) != DB_OK)
			return -2;
	char sum[128];
	snprintf(sum, sizeof(sum), "%s v%d: %g/%g/%g", code ? code : "", version, bands[0].lower, bands[1].lower,
		 bands[2].lower);
	if (actor_audit(a, "risk_band_set", id, "save", sum) != DB_OK)
		return -2;
	*out_id = id;
	return 0;
}
