/*
 * risk_rules.c — the assessment rules of 风险分级管控 (DOMAIN.md §3): the LEC value tables
 * offered as choices with their words, the LS scale 1–5, the LEC table's own five danger
 * classes of D, levels and their colours, control levels, band lookup, and evaluation of a
 * set of scores into a value and a level. No storage here except the settings read by
 * risk_default_control_level(), so that the rules are tested without a server.
 */
#include "risk/risk.h"
#include "db/db.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* LEC (格雷厄姆–金尼法): L likelihood, E exposure, C consequence, each from its table. */
const struct risk_choice risk_lec_l[] = {
	{10, "risk.lec.l.10"}, {6, "risk.lec.l.6"}, {3, "risk.lec.l.3"}, {1, "risk.lec.l.1"},
	{0.5, "risk.lec.l.0_5"}, {0.2, "risk.lec.l.0_2"}, {0.1, "risk.lec.l.0_1"}, {0, NULL},
};
const struct risk_choice risk_lec_e[] = {
	{10, "risk.lec.e.10"}, {6, "risk.lec.e.6"}, {3, "risk.lec.e.3"}, {2, "risk.lec.e.2"},
	{1, "risk.lec.e.1"}, {0.5, "risk.lec.e.0_5"}, {0, NULL},
};
const struct risk_choice risk_lec_c[] = {
	{100, "risk.lec.c.100"}, {40, "risk.lec.c.40"}, {15, "risk.lec.c.15"}, {7, "risk.lec.c.7"},
	{3, "risk.lec.c.3"}, {1, "risk.lec.c.1"}, {0, NULL},
};
/* LS (风险矩阵): L likelihood and S severity, each a whole number 1–5. */
const struct risk_choice risk_ls_l[] = {
	{5, "risk.ls.l.5"}, {4, "risk.ls.l.4"}, {3, "risk.ls.l.3"}, {2, "risk.ls.l.2"}, {1, "risk.ls.l.1"}, {0, NULL},
};
const struct risk_choice risk_ls_s[] = {
	{5, "risk.ls.s.5"}, {4, "risk.ls.s.4"}, {3, "risk.ls.s.3"}, {2, "risk.ls.s.2"}, {1, "risk.ls.s.1"}, {0, NULL},
};

int risk_choice_valid(const struct risk_choice *table, double v)
{
	if (!isfinite(v))
		return 0;
	for (const struct risk_choice *c = table; c->key; c++)
		if (fabs(c->value - v) < 1e-9)
			return 1;
	return 0;
}

/* The LEC table's classes: D > 320 极其危险, 160 < D ≤ 320 高度危险, 70 < D ≤ 160 显著危险,
 * 20 < D ≤ 70 一般危险, D ≤ 20 稍有危险 (an edge value belongs to the class below it). */
const char *risk_lec_class(double d)
{
	if (d > 320)
		return "risk.lec.class.5";
	if (d > 160)
		return "risk.lec.class.4";
	if (d > 70)
		return "risk.lec.class.3";
	if (d > 20)
		return "risk.lec.class.2";
	return "risk.lec.class.1";
}

static const struct {
	const char *code, *colour;
	int rank;
} levels[] = {
	{"major", "red", 4}, {"large", "orange", 3}, {"general", "yellow", 2}, {"low", "blue", 1},
};

int risk_level_rank(const char *level)
{
	for (size_t i = 0; level && i < sizeof(levels) / sizeof(levels[0]); i++)
		if (!strcmp(level, levels[i].code))
			return levels[i].rank;
	return 0;
}

const char *risk_level_colour(const char *level)
{
	for (size_t i = 0; level && i < sizeof(levels) / sizeof(levels[0]); i++)
		if (!strcmp(level, levels[i].code))
			return levels[i].colour;
	return NULL;
}

int risk_level_valid(const char *level)
{
	return risk_level_rank(level) > 0;
}

static const char *const control_levels[] = {"post", "team", "workshop", "company"};

int risk_control_level_rank(const char *cl)
{
	for (int i = 0; cl && i < 4; i++)
		if (!strcmp(cl, control_levels[i]))
			return i + 1;
	return 0;
}

int risk_control_level_valid(const char *cl)
{
	return risk_control_level_rank(cl) > 0;
}

/* Levels are static strings so that a result outlives the band set it came from. */
static const char *level_static(const char *level)
{
	for (size_t i = 0; level && i < sizeof(levels) / sizeof(levels[0]); i++)
		if (!strcmp(level, levels[i].code))
			return levels[i].code;
	return NULL;
}

const char *risk_band_level(const struct risk_band_set *s, double value)
{
	for (int i = 0; i < s->n; i++) {
		const struct risk_band *b = &s->bands[i];
		if (b->inclusive ? value >= b->lower - 1e-9 : value > b->lower + 1e-9)
			return level_static(b->level);
	}
	return "low";
}

int risk_evaluate(const struct risk_band_set *bs, const struct risk_scores *in, struct risk_result *out,
		  const char **field)
{
	*field = NULL;
	if (strcmp(in->method, "LEC") && strcmp(in->method, "LS")) {
		*field = "method";
		return -1;
	}
	if (!bs || strcmp(bs->method, in->method)) {
		*field = "method";
		return -1;
	}
	if (!strcmp(in->method, "LEC")) {
		if (!risk_choice_valid(risk_lec_l, in->l))
			*field = "l";
		else if (!risk_choice_valid(risk_lec_e, in->e))
			*field = "e";
		else if (!risk_choice_valid(risk_lec_c, in->c))
			*field = "c";
		if (*field)
			return -1;
		/* products of the tables' values: rounded to 2 places so that 0.1 × 0.5 × 1 is 0.05 */
		out->value = round(in->l * in->e * in->c * 100.0) / 100.0;
	} else {
		if (!risk_choice_valid(risk_ls_l, in->l))
			*field = "l";
		else if (!risk_choice_valid(risk_ls_s, in->s))
			*field = "s";
		if (*field)
			return -1;
		out->value = in->l * in->s;
	}
	out->level = risk_band_level(bs, out->value);
	out->band_set_id = bs->id;
	out->band_version = bs->version;
	return 0;
}

/* 重大 risk is controlled at company level whatever the setting says (DOMAIN.md §3: the
 * highest risks at the highest level); the others follow risk.control_level.<level>. */
const char *risk_default_control_level(struct db *c, const char *level)
{
	if (!level || !strcmp(level, "major"))
		return "company";
	char key[48], *v = NULL;
	snprintf(key, sizeof(key), "risk.control_level.%s", level);
	const char *out = !strcmp(level, "large") ? "company" : !strcmp(level, "general") ? "workshop" : "team";
	if (c && db_get_text(c, &v, "SELECT value FROM settings WHERE key = ?", "t", key) == 1 && v) {
		for (int i = 0; i < 4; i++)
			if (!strcmp(v, control_levels[i]))
				out = control_levels[i];
	}
	free(v);
	return out;
}

int risk_control_level_allowed(const char *level, const char *cl)
{
	if (!risk_control_level_valid(cl))
		return 0;
	return strcmp(level ? level : "", "major") || !strcmp(cl, "company");
}

/* 重大 and 较大 results are approved by the safety department before they count. */
int risk_needs_approval(const char *level)
{
	return level && (!strcmp(level, "major") || !strcmp(level, "large"));
}
