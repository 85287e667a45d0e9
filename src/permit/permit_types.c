/*
 * permit_types.c — the eight special operations, how a grade follows from the inputs, how
 * long a permit of each grade may run, and permit numbers.
 *
 * Grades are derived, not picked, wherever GB 30871-2022 defines them: hot work from the
 * place and circumstances (§5.1, with 升级管理), work at height from the height and the
 * objective hazard factors (§8.1), lifting from the load (§9.1). Validity limits and the
 * approval chains are data (migration 0300) so a company can tighten them.
 */
#include "permit/permit.h"
#include "base/clock.h"
#include "base/strbuf.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct permit_type permit_type_list[] = {
	{"hot_work", "DH", "hot_work"},
	{"confined_space", "SX", "confined_space"},
	{"blind_plate", "MB", "blind_plate"},
	{"height", "GC", "height"},
	{"lifting", "DZ", "lifting"},
	{"temp_power", "LD", "temp_power"},
	{"excavation", "DT", "excavation"},
	{"road_closure", "DL", "road_closure"},
	{NULL, NULL, NULL},
};

const struct permit_type *permit_type_find(const char *code)
{
	for (const struct permit_type *t = permit_type_list; code && t->code; t++)
		if (!strcmp(t->code, code))
			return t;
	return NULL;
}

void permit_err_set(struct permit_err *e, int status, const char *key, const char *field, char *detail)
{
	if (!e) {
		free(detail);
		return;
	}
	free(e->detail);
	e->status = status;
	e->key = key;
	e->field = field;
	e->detail = detail;
}

void permit_err_clear(struct permit_err *e)
{
	free(e->detail);
	memset(e, 0, sizeof(*e));
}

/* §5.1: 特级 on running equipment in a fire/explosion-hazard area (incl. hot tapping) or in the
 * bund of a major-hazard tank farm; 一级 elsewhere in such an area and on pipe racks; 二级 the
 * rest. A shut-down, purged and isolated unit may be lowered to 二级; at night, on rest days
 * or in wind of force 5 or more the grade goes up one step. */
static int grade_hot_work(const struct permit_grade_in *in, const char **grade, struct permit_err *e)
{
	static const char *const steps[] = {"2", "1", "special"};
	int g;
	const char *place = in->hot_place ? in->hot_place : "";
	if (!strcmp(place, "running") || !strcmp(place, "bund"))
		g = 2;
	else if (!strcmp(place, "hazard_area") || !strcmp(place, "pipe_rack"))
		g = 1;
	else if (!strcmp(place, "other"))
		g = 0;
	else {
		permit_err_set(e, 422, "permit.err.hot_place", "hot_place", NULL);
		return -1;
	}
	if (in->wind < 0 || in->wind > 17) {
		permit_err_set(e, 422, "permit.err.wind", "wind", NULL);
		return -1;
	}
	if (in->shutdown)
		g = 0;
	if (in->night || in->rest_day || in->wind >= 5)
		g = g < 2 ? g + 1 : 2;
	*grade = steps[g];
	return 0;
}

/* §8.1: bands 2–5, 5–15, 15–30, > 30 m are I/II/III/IV; with any of the nine objective hazard
 * factors of §8.1.2 they are II/III/IV/IV. Under 2 m is not work at height. */
static int grade_height(const struct permit_grade_in *in, const char **grade, struct permit_err *e)
{
	static const char *const g[] = {"I", "II", "III", "IV"};
	double h = in->height_m;
	if (!(h >= 2.0) || h > 500) {
		permit_err_set(e, 422, h < 2.0 && h >= 0 ? "permit.err.height_below" : "permit.err.height",
			       "height_m", NULL);
		return -1;
	}
	if (in->factors < 0 || in->factors > 9) {
		permit_err_set(e, 422, "permit.err.factors", "factors", NULL);
		return -1;
	}
	int band = h <= 5 ? 0 : h <= 15 ? 1 : h <= 30 ? 2 : 3;
	if (in->factors > 0 && band < 3)
		band++;
	*grade = g[band];
	return 0;
}

/* §9.1: 一级 m > 100 t, 二级 40 ≤ m ≤ 100 t, 三级 m < 40 t. */
static int grade_lifting(const struct permit_grade_in *in, const char **grade, struct permit_err *e)
{
	double m = in->load_t;
	if (!(m > 0) || m > 100000) {
		permit_err_set(e, 422, "permit.err.load", "load_t", NULL);
		return -1;
	}
	*grade = m > 100 ? "1" : m >= 40 ? "2" : "3";
	return 0;
}

int permit_grade_derive(const struct permit_grade_in *in, const char **grade, struct permit_err *e)
{
	if (!permit_type_find(in->type)) {
		permit_err_set(e, 422, "permit.err.type", "type", NULL);
		return -1;
	}
	if (!strcmp(in->type, "hot_work"))
		return grade_hot_work(in, grade, e);
	if (!strcmp(in->type, "height"))
		return grade_height(in, grade, e);
	if (!strcmp(in->type, "lifting"))
		return grade_lifting(in, grade, e);
	*grade = "";	/* 受限空间, 盲板抽堵, 临时用电, 动土, 断路 have no grades */
	return 0;
}

/* Walk the window hour by hour in local time; permits last hours to days, so this is cheap. */
int permit_touches_night(int64_t start, int64_t end, int night_start, int night_end)
{
	int64_t off = clock_local_offset();
	for (int64_t t = start; t < end; t += 1800) {
		int h = (int)(((t + off) % 86400 + 86400) % 86400 / 3600);
		int night = night_start > night_end ? (h >= night_start || h < night_end)
						    : (h >= night_start && h < night_end);
		if (night)
			return 1;
	}
	return 0;
}

int permit_touches_weekend(int64_t start, int64_t end)
{
	int64_t off = clock_local_offset();
	for (int64_t t = start; t < end; t += 1800) {
		int64_t day = (t + off) / 86400;
		int wd = (int)((day + 4) % 7);	/* 1970-01-01 was a Thursday (4); 0 = Sunday */
		if (wd == 0 || wd == 6)
			return 1;
	}
	return 0;
}

int permit_max_hours(struct db *c, const char *type, const char *grade, int *interrupt_min)
{
	struct db_stmt *st = db_query(c, "SELECT max_hours, interrupt_min FROM permit_validity"
				       " WHERE type = ? AND grade = ?", "tt", type, grade ? grade : "");
	int h = -1;
	if (st && db_step(st) == 1) {
		h = (int)db_col_i64(st, 0);
		if (interrupt_min)
			*interrupt_min = (int)db_col_i64(st, 1);
	}
	db_done(c, st);
	return h;
}

char *permit_next_number(struct db *c, const char *type, int64_t now)
{
	const struct permit_type *t = permit_type_find(type);
	char yb[8];
	if (!t)
		return NULL;
	clock_format(now, "%Y", yb, sizeof(yb));
	int year = atoi(yb);
	if (db_exec(c, "INSERT INTO permit_seq (prefix, year, n) VALUES (?, ?, 1)"
		       " ON CONFLICT (prefix, year) DO UPDATE SET n = permit_seq.n + 1",
		    "ti", t->prefix, year) != DB_OK)
		return NULL;
	int64_t n = 0;
	if (db_get_i64(c, &n, "SELECT n FROM permit_seq WHERE prefix = ? AND year = ?", "ti",
		       t->prefix, year) != 1)
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "%s-%d-%06lld", t->prefix, year, (long long)n);
	return sb_detach(&sb, NULL);
}

const permit_cert_fn permit_cert_default = cert_may_operate;

/* The certificate module counts days in the plant's zone since 1970-01-01 (base/day.c). */
int64_t permit_cert_day(int64_t t)
{
	return cert_day_of(t);
}
