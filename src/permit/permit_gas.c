/*
 * permit_gas.c — gas analysis: which permits need it, what a possible reading is, and
 * whether a reading passes.
 *
 * Two different failures, kept apart on purpose: an impossible reading (a negative
 * concentration, oxygen over 100 %) is bad input and is refused without being stored; a
 * possible reading outside its limit (oxygen 25 %) is a real measurement, is stored as failed,
 * and blocks the start or suspends the work. Toxic limits are rows of permit_gas_limits, so
 * no gas or number for a toxic gas is written here.
 */
#include "permit/permit.h"
#include "base/strbuf.h"
#include "db/db.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* §5.3 hot work and §6.3 confined space always; §10.1 temporary power only in a
 * fire/explosion-hazard area. */
int permit_gas_required(const char *type, int hazardous_area)
{
	if (!strcmp(type, "hot_work") || !strcmp(type, "confined_space"))
		return 1;
	return !strcmp(type, "temp_power") && hazardous_area;
}

/* §5.3.2: a combustible whose LEL ≥ 4 % passes at ≤ 0.5 % (vol); LEL < 4 % at ≤ 0.2 % (vol). */
double permit_gas_comb_limit(double medium_lel)
{
	return medium_lel >= 4.0 ? 0.5 : 0.2;
}

static const struct permit_gas_limit *find_limit(const struct permit_gas_limit *lim, int n, const char *gas)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(lim[i].gas, gas))
			return &lim[i];
	return NULL;
}

static char *fmt(const char *f, double v)
{
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, f, v);
	return sb_detach(&sb, NULL);
}

int permit_gas_validate(const char *type, int hazardous_area, const struct permit_gas_reading *g,
			const struct permit_gas_limit *lim, int nlim, struct permit_err *e)
{
	if (g->has_o2 && (!isfinite(g->o2) || g->o2 < 0 || g->o2 > 100)) {
		permit_err_set(e, 422, "permit.err.gas_impossible", "o2", fmt("%g", g->o2));
		return -1;
	}
	if (g->has_comb && (!isfinite(g->combustible) || g->combustible < 0 || g->combustible > 100)) {
		permit_err_set(e, 422, "permit.err.gas_impossible", "combustible", fmt("%g", g->combustible));
		return -1;
	}
	for (int i = 0; i < g->ntoxic; i++) {
		if (!find_limit(lim, nlim, g->toxic[i].gas)) {
			permit_err_set(e, 422, "permit.err.gas_unknown", "toxic", xstrdup(g->toxic[i].gas));
			return -1;
		}
		if (!isfinite(g->toxic[i].value) || g->toxic[i].value < 0 || g->toxic[i].value > 1e6) {
			permit_err_set(e, 422, "permit.err.gas_impossible", "toxic", xstrdup(g->toxic[i].gas));
			return -1;
		}
	}
	/* what each type must measure: combustibles where the standard asks for them; oxygen
	 * for confined spaces (§6.4) */
	if (permit_gas_required(type, hazardous_area) && !g->has_comb) {
		permit_err_set(e, 422, "permit.err.gas_missing", "combustible", NULL);
		return -1;
	}
	if (!strcmp(type, "confined_space") && !g->has_o2) {
		permit_err_set(e, 422, "permit.err.gas_missing", "o2", NULL);
		return -1;
	}
	return 0;
}

int permit_gas_judge(const char *type, int oxygen_enriched, double medium_lel,
		     const struct permit_gas_reading *g, const struct permit_gas_limit *lim, int nlim,
		     struct permit_err *e)
{
	if (g->has_o2) {
		/* §6.4: 19.5–21 % in a confined space, up to 23.5 % in an oxygen-enriched one;
		 * §5.2.7: never above 23.5 % for hot work (oxygen equipment) */
		double lo = 0, hi = 23.5;
		if (!strcmp(type, "confined_space")) {
			lo = 19.5;
			hi = oxygen_enriched ? 23.5 : 21.0;
		}
		if (g->o2 < lo || g->o2 > hi) {
			permit_err_set(e, 422, "permit.err.gas_o2", "o2", fmt("%g %%", g->o2));
			return 0;
		}
	}
	if (g->has_comb && g->combustible > permit_gas_comb_limit(medium_lel)) {
		struct strbuf sb = STRBUF_INIT;
		sb_addf(&sb, "%g %% > %g %%", g->combustible, permit_gas_comb_limit(medium_lel));
		permit_err_set(e, 422, "permit.err.gas_comb", "combustible", sb_detach(&sb, NULL));
		return 0;
	}
	for (int i = 0; i < g->ntoxic; i++) {
		const struct permit_gas_limit *l = find_limit(lim, nlim, g->toxic[i].gas);
		if (l && g->toxic[i].value > l->value) {
			struct strbuf sb = STRBUF_INIT;
			sb_addf(&sb, "%s %g > %g %s", l->gas, g->toxic[i].value, l->value, l->unit);
			permit_err_set(e, 422, "permit.err.gas_toxic", "toxic", sb_detach(&sb, NULL));
			return 0;
		}
	}
	return 1;
}

struct permit_gas_limit *permit_gas_limits_load(struct db *c, int *n)
{
	struct permit_gas_limit *v = NULL;
	int cap = 0;
	*n = 0;
	struct db_stmt *st = db_query(c, "SELECT gas, unit, value FROM permit_gas_limits WHERE applies = 1"
				       " ORDER BY gas", NULL);
	while (st && db_step(st) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, (size_t)cap * sizeof(*v));
		}
		struct permit_gas_limit *l = &v[(*n)++];
		snprintf(l->gas, sizeof(l->gas), "%s", db_col_text(st, 0));
		snprintf(l->unit, sizeof(l->unit), "%s", db_col_text(st, 1));
		l->value = db_col_double(st, 2);
	}
	db_done(c, st);
	return v;
}
