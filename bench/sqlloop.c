/*
 * sqlloop.c — `build/bench/sqlloop`: the SQL a read handler runs, in a tight loop, without
 * HTTP. `make bench` divides the server's throughput by this to show what the HTTP layer,
 * sessions and HTML/JSON rendering cost on top of the database work.
 *
 *   build/bench/sqlloop --db FILE --user NAME --what list|api|deep|detail [--ids FILE] [--seconds S]
 *                       [--cursor-page N] [--page 1] [--filter QUERY] [--explain 1]
 *
 *   list    what GET /hazards runs: the first page of the list (hazard_list_page: the keyset
 *           query, and the count where the list gets one) and the filter form's option
 *           lists (areas, units, categories)
 *   api     what GET /api/v1/hazards runs: hazard_list_page for the first page
 *   deep    what GET /api/v1/hazards?cursor=… runs for a deep page: hazard_list_page from
 *           a cursor found once, before the loop, at page N of 20 (--cursor-page, 5000:
 *           100,000 rows in); bench/run asks the server for its cursor the same way;
 *           with --page 1 also the option lists: what GET /hazards?cursor=… runs
 *   detail  what GET /hazards/:id runs: hazard_visible as the signed-in user, hazard_load,
 *           the card, its photos (one statement for the strip and every step), voice notes,
 *           plan, the actions offered and the timeline (hazard_detail.c); the ids come from --ids (one per line), the
 *           same file the wrk script walks
 *
 * --filter narrows the list as the same query string narrows GET /hazards (mine, status,
 * level, area_id, unit_id, category_id, overdue, todo, q; e.g. "mine=1&status=open"; mine
 * with the user's roles as hazard_list_args_of gives them), so a filtered list has its
 * SQL-only figure too; --explain 1 prints the query plans of the list's three statements
 * (rows, ids upwards, count) and their text for that filter instead of looping.
 *
 * Every scenario runs the hazard module's own functions, not a copy of their SQL: the list
 * its query builder (src/hazard/hazard_list.c), the detail page the statements of
 * src/hazard/hazard_detail.c and the visibility check, so the ratio compares the server with
 * exactly the SQL it runs.
 * One connection opened by db_open (the server's pragmas), statements cached by db_query as
 * in the server. Prints one line: ops/s, median and p99 latency; then the statement cache's
 * hits, misses, evictions and hit rate over the run (the setup's few queries included).
 */
#include "auth/actor.h"
#include "base/clock.h"
#include "base/log.h"
#include "db/db.h"
#include "hazard/hazard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile size_t sink;	/* keeps the column reads from being optimised away */

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Step every row and touch every column, as a handler that renders them would. */
static int drain(struct db *c, struct db_stmt *st)
{
	int n = 0;
	while (st && db_step(st) == 1) {
		for (int i = 0; i < db_col_count(st); i++)
			sink += strlen(db_col_text(st, i));
		n++;
	}
	db_done(c, st);
	return n;
}

static void no_row(struct db_stmt *st, void *ctx)
{
	for (int i = 0; i < db_col_count(st); i++)
		sink += strlen(db_col_text(st, i));
	(void)ctx;
}

/* One list request: the page as the handler asks for it (hazard_list_page), and for the
 * HTML page the filter form's option lists. */
static void list(struct db *c, const struct hazard_list_args *a, const char *cursor, int page)
{
	struct hazard_list_result res;
	if (hazard_list_page(c, a, cursor, 1, 20, no_row, NULL, &res))
		fprintf(stderr, "sqlloop: the list query failed\n"), exit(1);
	sink += (size_t)res.n + strlen(res.next);
	if (page) {
		drain(c, db_query(c, "SELECT id, name FROM areas WHERE active = 1 ORDER BY name", NULL));
		drain(c, db_query(c, "SELECT id, name FROM units WHERE active = 1 AND kind <> 'team' ORDER BY path", NULL));
		drain(c, db_query(c, "SELECT id, name_zh, name_en FROM hazard_categories ORDER BY sort, id", NULL));
	}
}

/* One detail page: what detail_render (src/hazard/hazard_web.c) runs, through the same
 * functions: the visibility check, the hazard, its card, its photos (read once: the strip and
 * each step's own), voice notes, plan, the actions offered, and the timeline. The sections other modules
 * draw on the page (the co-working group, src/duty) are not included. */
static void detail(struct db *c, const struct actor *who, int64_t id)
{
	struct hazard_row h;
	if (!hazard_visible(who, id) || hazard_load(c, id, &h))
		return;
	drain(c, hazard_detail_row(c, id));
	drain(c, hazard_detail_photos(c, id));
	drain(c, hazard_detail_voice(c, id));
	drain(c, hazard_detail_plan(c, id));
	const char *acts[16];
	sink += (size_t)hazard_actions_for(who, &h, acts, 16);
	struct db_stmt *st = hazard_detail_events(c, id);
	while (st && db_step(st) == 1)
		sink += strlen(db_col_text(st, 5)) + strlen(db_col_text(st, 6));
	db_done(c, st);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* --filter: "key=value&…" into the list's arguments, as hazard_list_args_of reads them.
 * The values point into `q` (kept for the run). 0, or -1 for a key it does not know. */
static int set_filter(struct db *c, struct hazard_list_args *a, char *q, const char *perms)
{
	for (char *kv = strtok(q, "&"); kv; kv = strtok(NULL, "&")) {
		char *v = strchr(kv, '=');
		if (!v)
			return -1;
		*v++ = 0;
		if (!strcmp(kv, "mine")) {
			a->mine = atoi(v) != 0;
			a->handle = a->mine && strstr(perms, " hazard.handle ") != NULL;
			a->verify = a->mine && strstr(perms, " hazard.verify ") != NULL;
			a->major = a->mine && strstr(perms, " hazard.major ") != NULL;
		} else if (!strcmp(kv, "status")) {
			a->status = v;
		} else if (!strcmp(kv, "level")) {
			a->level = v;
		} else if (!strcmp(kv, "todo")) {
			a->todo = v;
		} else if (!strcmp(kv, "area_id")) {
			a->area_id = atoll(v);
		} else if (!strcmp(kv, "unit_id")) {
			a->unit_id = atoll(v);
		} else if (!strcmp(kv, "category_id")) {
			a->category_id = atoll(v);
		} else if (!strcmp(kv, "q")) {
			a->fts = hazard_search_query(c, v);	/* as the handler: NULL when nothing to find */
		} else if (!strcmp(kv, "overdue")) {
			a->overdue = atoi(v) != 0;
		} else {
			return -1;
		}
	}
	return 0;
}

static void print_line(const char *detail, void *ctx)
{
	(void)ctx;
	printf("  %s\n", detail);
}

int main(int argc, char **argv)
{
	const char *path = NULL, *user = NULL, *what = "list", *idfile = NULL;
	char *filter = NULL;
	double seconds = 10;
	int cursor_page = 5000, html = 0, explain = 0;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--db"))
			path = argv[i + 1];
		else if (!strcmp(argv[i], "--user"))
			user = argv[i + 1];
		else if (!strcmp(argv[i], "--what"))
			what = argv[i + 1];
		else if (!strcmp(argv[i], "--ids"))
			idfile = argv[i + 1];
		else if (!strcmp(argv[i], "--seconds"))
			seconds = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--cursor-page"))
			cursor_page = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--page"))
			html = atoi(argv[i + 1]) != 0;
		else if (!strcmp(argv[i], "--filter"))
			filter = argv[i + 1];
		else if (!strcmp(argv[i], "--explain"))
			explain = atoi(argv[i + 1]) != 0;
	}
	if (!path || !user ||
	    (strcmp(what, "list") && strcmp(what, "api") && strcmp(what, "deep") && strcmp(what, "detail")) ||
	    (!strcmp(what, "detail") && !idfile) || cursor_page < 1) {
		fprintf(stderr, "usage: sqlloop --db FILE --user NAME --what list|api|deep|detail [--ids FILE] [--seconds S]"
				" [--cursor-page N] [--page 1] [--filter QUERY] [--explain 1]\n");
		return 2;
	}
	log_quiet(1);
	char *err = NULL;
	struct db *c = db_open(path, &err);
	if (!c) {
		fprintf(stderr, "sqlloop: %s: %s\n", path, err ? err : "?");
		return 1;
	}
	/* the user's data scope, as auth.c computes it: the widest scope of their roles, made a
	 * units pattern by the one function that does it (actor_pattern_of) */
	int64_t uid = 0;
	char *scope = NULL, *upath = NULL;
	db_get_i64(c, &uid, "SELECT id FROM users WHERE username = ?", "t", user);
	db_get_text(c, &scope, "SELECT r.scope FROM roles r JOIN user_roles ur ON ur.role_id = r.id WHERE ur.user_id = ?"
			       " ORDER BY CASE r.scope WHEN 'company' THEN 0 WHEN 'subtree' THEN 1 WHEN 'unit' THEN 2"
			       " ELSE 3 END LIMIT 1", "I", uid);
	db_get_text(c, &upath, "SELECT n.path FROM users u JOIN units n ON n.id = u.unit_id WHERE u.id = ?", "I", uid);
	if (!uid || !scope || !upath) {
		fprintf(stderr, "sqlloop: no user %s\n", user);
		return 1;
	}
	char *pattern = actor_pattern_of(c, scope, upath);
	/* the same person as the actor the detail page checks visibility and actions with */
	char *perms = NULL;
	db_get_text(c, &perms, "SELECT ' ' || string_agg(r.permissions, ' ') || ' ' FROM roles r"
			       " JOIN user_roles ur ON ur.role_id = r.id WHERE ur.user_id = ?", "I", uid);
	struct actor who = {.db = c, .user_id = uid, .username = user, .ip = "local", .unit_path = upath,
			    .perms = perms ? perms : " ", .scope = scope, .scope_pattern = pattern, .lang = "zh", .now = clock_now()};
	db_get_i64(c, &who.unit_id, "SELECT unit_id FROM users WHERE id = ?", "I", uid);
	/* an unfiltered list, as GET /hazards and GET /api/v1/hazards without parameters */
	struct hazard_list_args a = {.pattern = pattern, .owner = !strcmp(scope, "own") ? uid : 0, .me = uid,
				     .status = "", .level = "", .factor = "", .todo = ""};
	if (filter && set_filter(c, &a, filter, perms ? perms : "")) {
		fprintf(stderr, "sqlloop: bad --filter %s\n", filter);
		return 2;
	}
	if (explain) {
		printf("as %s: pattern %s, owner %lld, me %lld\n", user, a.pattern, (long long)a.owner, (long long)a.me);
		for (int which = 0; which < 3; which++) {
			char *sql = hazard_list_sql(which, &a);
			printf("%s: %s\n", which == 0 ? "rows" : which == 1 ? "ids upwards" : "count", sql);
			free(sql);
			hazard_list_explain(c, which, &a, print_line, NULL);
		}
		db_close(c);
		return 0;
	}
	/* the deep page's cursor: the next cursor of page N, found once, as bench/run does */
	char cursor[HAZARD_CURSOR_MAX] = "";
	if (!strcmp(what, "deep")) {
		struct hazard_list_result res;
		if (hazard_list_page(c, &a, NULL, cursor_page, 20, no_row, NULL, &res) || !*res.next) {
			fprintf(stderr, "sqlloop: no page %d to start the deep page from\n", cursor_page);
			return 1;
		}
		snprintf(cursor, sizeof(cursor), "%s", res.next);
	}
	int64_t *ids = NULL;
	size_t nids = 0, cap = 0;
	if (idfile) {
		FILE *f = fopen(idfile, "r");
		long long v;
		while (f && fscanf(f, "%lld", &v) == 1) {
			if (nids == cap)
				ids = realloc(ids, (cap = cap ? 2 * cap : 1024) * sizeof(*ids));
			ids[nids++] = v;
		}
		if (f)
			fclose(f);
		if (!nids) {
			fprintf(stderr, "sqlloop: no ids in %s\n", idfile);
			return 1;
		}
	}
	size_t n = 0, lcap = 1 << 16;
	double *lat = malloc(lcap * sizeof(*lat));
	double t0 = now_ms(), end = t0 + seconds * 1000;
	while (now_ms() < end) {
		double t = now_ms();
		if (!strcmp(what, "detail"))
			detail(c, &who, ids[n % nids]);
		else
			list(c, &a, *cursor ? cursor : NULL, html || !strcmp(what, "list"));
		if (n == lcap)
			lat = realloc(lat, (lcap *= 2) * sizeof(*lat));
		lat[n++] = now_ms() - t;
	}
	double el = (now_ms() - t0) / 1000;
	qsort(lat, n, sizeof(*lat), cmp);
	printf("sqlloop %s: %zu ops in %.1f s: %.1f/s p50 %.2f ms p99 %.2f ms\n", what, n, el, n / el,
	       n ? lat[n / 2] : 0, n ? lat[n * 99 / 100] : 0);
	struct db_cache_stats cs;
	db_cache_stats(&cs);
	uint64_t all = cs.hits + cs.misses;
	printf("sqlloop %s cache: %llu hits %llu misses %llu evictions, hit rate %.2f%%\n", what,
	       (unsigned long long)cs.hits, (unsigned long long)cs.misses, (unsigned long long)cs.evictions,
	       all ? 100.0 * (double)cs.hits / (double)all : 0.0);
	free(lat);
	free(ids);
	free(scope);
	free(upath);
	free(pattern);
	free(perms);
	db_close(c);
	return 0;
}
