/*
 * hazard_list.c — the hazard list's SQL: a statement of the filters given (filter_terms), paged by
 * keyset (a cursor on the id) rather than by OFFSET, and its bounded count. The pages, the
 * JSON API, the exports, the home page's "waiting for me" counts and build/bench/sqlloop all
 * build their list here, so what the benchmark times is what the server runs.
 *
 * Why keyset: at a plant group's million hazards, OFFSET walks every skipped row through the
 * visibility rule (HAZARD_VISIBLE_SQL, hazard.h), so page 200 cost what 200 pages cost. The
 * list is ordered by id, newest first, and `h.id < ?` / `h.id > ?` are ranges on the table's
 * own B-tree (the rowid): a page at any depth reads the rows it shows plus the ones the filter
 * refuses between them, and the order needs no sort. tests/unit/test_hazard_list.c checks
 * that plan with EXPLAIN QUERY PLAN.
 *
 * Why the count is bounded and not always run: an exact count of what a person may see is a
 * walk of every visible row (the rule has involvement and place terms no counter table can
 * keep exact per person). So a list counts only where that is cheap: on a small table, or
 * when a filter narrows the set; the count then stops at HAZARD_COUNT_CAP + 1 and says
 * "more than" beyond it. An unfiltered list of a large table is not counted; it offers
 * next/previous by cursor instead.
 *
 * The cursor is opaque to clients: "n" (rows below) or "p" (rows above) an id, the
 * fingerprint of the list it belongs to (the filter and the person), and a check over both,
 * so a cursor altered by hand, cut short or carried to another filter is refused (422 naming
 * "cursor") instead of silently paging something else. It grants nothing: every row still
 * passes the visibility rule, so a well-formed cursor built by hand only selects a range the
 * person may page to anyway.
 */
#include "hazard/hazard.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "db/db.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The joins every list shares, and the visibility rule (?1–?3). The people and the
 * equipment a row names are looked up in HZ_COLS rather than LEFT JOINed: PostgreSQL spent
 * about 10 ms planning the seven-table join with its three outer joins, against 1 ms for
 * these four, at a million hazards (EXPLAIN (SUMMARY) of both; the statement itself runs in
 * 1 ms), and it plans a filtered list on every request (list_query). */
#define HZ_FROM \
	" FROM hazards h JOIN units u ON u.id = h.unit_id JOIN areas a ON a.id = h.area_id" \
	" JOIN hazard_categories c ON c.id = h.category_id WHERE" HAZARD_VISIBLE_SQL

#define HZ_NAME(col, table, key) "coalesce((SELECT x." col " FROM " table " x WHERE x.id = h." key "), '')"
#define HZ_COLS \
	"SELECT h.id, h.number, h.status, h.level, h.urgency, h.description, a.name, c.name_zh," \
	" c.name_en, h.reported_at, h.rectify_due, h.overdue, h.repeat_of, h.anonymous, " \
	HZ_NAME("name", "users", "reporter_id") ", " HZ_NAME("name", "users", "assignee_id") ", u.name," \
	" h.near_miss, h.on_spot, " HZ_NAME("code", "equipment", "equipment_id") ", h.closed_at," \
	" (SELECT p.sha256 FROM hazard_photos p WHERE p.hazard_id = h.id AND p.kind = 'before'" \
	" ORDER BY p.id LIMIT 1)"

/* "Waiting for me" (todo, ?22; hazard_todo_count): what this person must act on. Rectify:
 * assigned to him and not done; accept: a new report dispatched to him (the area's team
 * leader, hazard_dispatch) or in his unit scope; review, verify: in his unit scope at that
 * step (a verifier does not verify his own rectification); reported: his own reports still
 * open. The same terms as hazard_todo.c's counts (tests/http/home_todo.test.mjs compares). */
static const struct {
	const char *name, *sql;
} todo_terms[] = {
	{"rectify", " AND h.assignee_id = ?3 AND h.status IN ('assigned', 'planning', 'rectifying')"},
	{"reported", " AND h.reporter_id = ?3 AND h.status NOT IN ('closed', 'cancelled')"},
	{"accept", " AND h.status = 'reported' AND (h.assignee_id = ?3 OR (u.path LIKE ?1 AND (?2 = 0 OR h.reporter_id = ?2)))"},
	{"review", " AND h.status = 'plan_review' AND u.path LIKE ?1 AND (?2 = 0 OR h.reporter_id = ?2)"},
	{"verify", " AND h.status = 'verifying' AND coalesce(h.rectifier_id, 0) <> ?3"
		   " AND u.path LIKE ?1 AND (?2 = 0 OR h.reporter_id = ?2)"},
};

/*
 * The filter terms: only those of the filters given, each a fixed fragment naming its bound
 * parameter (?4–?22, the same numbers whichever are present, so the binding never changes).
 * Why not one statement with "?N = '' OR …" for every filter: a statement is planned once
 * (SQLite when prepared, PostgreSQL's generic plan after five runs) without knowing which
 * filters are empty, so no filter could be sought by an index and a filtered list's count
 * walked every hazard the person may see — 450 ms for a worker's "mine" at a million
 * hazards. Here each narrowing is a plain conjunct the planner seeks by (hazards_assignee
 * for mine, hazards_status, hazards_area_cat, hazards_unit, the search's own index…). The
 * text depends only on which filters are given (and on status "open"/"valid", mine's
 * roles and the todo line), so there are a bounded number of shapes for the statement
 * caches to hold; a value never enters the text. The values still matter to PostgreSQL
 * (the person's scope, whose assignments "mine" seeks): a filtered list's statements go
 * through db_query_replan, planned with their values every time (list_query).
 */
static void filter_terms(struct strbuf *sb, const struct hazard_list_args *a, int page)
{
	/* A status is shared by a large part of the table (the open states by thousands of
	 * hazards across every plant): the count, which has no order, seeks it by
	 * hazards_status, but a page, in id order, finds its 21 rows sooner walking the ids
	 * newest first (where the open hazards are) than by collecting and sorting every
	 * hazard in that status; `|| ''` keeps the index out of that statement's plan. The
	 * person's own terms (mine's assignee) and the place filters drive both. */
	const char *st = page ? "(h.status || '')" : "h.status";
	if (!strcmp(a->status, "open"))	/* the open states by name, which hazards_status seeks */
		sb_addf(sb, " AND %s IN ('reported', 'assigned', 'planning', 'plan_review', 'rectifying', 'verifying')", st);
	else if (!strcmp(a->status, "valid"))
		sb_addf(sb, " AND %s <> 'cancelled'", st);
	else if (*a->status)
		sb_addf(sb, " AND %s = ?4", st);
	if (*a->level)
		sb_adds(sb, " AND h.level = ?5");
	if (a->area_id)
		sb_adds(sb, " AND h.area_id = ?6");
	if (a->unit_id)	/* the unit and those under it, as units the hazards_unit index seeks */
		sb_adds(sb, " AND h.unit_id IN (SELECT su.id FROM units su WHERE su.path LIKE"
			    " (SELECT path FROM units WHERE id = ?7) || '%')");
	if (a->category_id)
		sb_adds(sb, " AND h.category_id = ?8");
	if (a->from)
		sb_adds(sb, " AND h.reported_at >= ?9");
	if (a->to)
		sb_adds(sb, " AND h.reported_at < ?10");
	if (a->overdue)
		sb_adds(sb, " AND h.overdue = 1");
	if (a->repeat)
		sb_adds(sb, " AND h.repeat_of IS NOT NULL");
	if (a->mine) {	/* assigned to me and not done, and what my roles act on (?14–?16) */
		sb_adds(sb, " AND ((h.assignee_id = ?3 AND h.status IN ('reported', 'assigned', 'planning', 'rectifying'))");
		if (a->handle == 1)
			sb_addf(sb, " OR %s = 'reported'", st);
		if (a->verify == 1)
			sb_addf(sb, " OR (%s = 'verifying' AND coalesce(h.rectifier_id, 0) <> ?3)", st);
		if (a->major == 1)
			sb_addf(sb, " OR %s = 'plan_review'", st);
		sb_adds(sb, ")");
	}
	if (a->fts)
		sb_adds(sb, " AND h.id IN (SELECT rowid FROM hazards_fts WHERE hazards_fts MATCH ?17)");
	if (a->equipment_id)
		sb_adds(sb, " AND h.equipment_id = ?18");
	if (a->closed_from)
		sb_adds(sb, " AND h.closed_at >= ?19");
	if (a->closed_to)
		sb_adds(sb, " AND h.closed_at > 0 AND h.closed_at < ?20");
	if (*a->factor)
		sb_adds(sb, " AND h.factor_code LIKE ?21 || '%'");
	if (*a->todo) {
		const char *t = " AND 1 = 0";	/* a line no one has: nothing waits on it */
		for (size_t i = 0; i < sizeof(todo_terms) / sizeof(*todo_terms); i++)
			if (!strcmp(todo_terms[i].name, a->todo))
				t = todo_terms[i].sql;
		sb_adds(sb, t);
	}
}

/* The keyset: ?23 and ?24 are plain ranges on h.id (never "?23 = 0 OR …", which would hide
 * the range from the planner and walk the table from its end). */
char *hazard_list_sql(int which, const struct hazard_list_args *a)
{
	struct strbuf sb;
	sb_init(&sb, 3072);
	sb_adds(&sb, which == 0 ? HZ_COLS HZ_FROM : which == 1 ? "SELECT h.id" HZ_FROM : "SELECT count(*) FROM (SELECT 1" HZ_FROM);
	filter_terms(&sb, a, which != 2);
	sb_adds(&sb, which == 0 ? " AND h.id < ?23 AND h.id > ?24 ORDER BY h.id DESC LIMIT ?25 OFFSET ?26"
		     : which == 1 ? " AND h.id > ?23 ORDER BY h.id LIMIT ?24"
				  : " LIMIT ?23) AS matches");
	return sb_detach(&sb, NULL);
}

/* Every filter value is bound whether its term is in the text or not (db.c and pg.c accept
 * a parameter number the text leaves out), so one binding serves every shape. */
#define HZ_ARGS_FMT "tIIttIIIIIiiiiiitIIItt"
#define HZ_ARGS(a) (a)->pattern, (a)->owner, (a)->me, (a)->status, (a)->level, (a)->area_id, (a)->unit_id, \
	(a)->category_id, (a)->from, (a)->to, (a)->overdue, (a)->repeat, (a)->mine, (a)->handle, (a)->verify, \
	(a)->major, (a)->fts, (a)->equipment_id, (a)->closed_from, (a)->closed_to, (a)->factor, (a)->todo

/* How a list statement is run. Filtered, planned with its values every time (db_query_replan):
 * PostgreSQL's generic plan of "mine, open" took 310 ms against 28 ms. Unfiltered, its
 * generic plan serves (the newest ids, walked down), and planning every request would cost
 * the JSON list a fifth of its throughput there (1,197 → 983 a second). */
typedef struct db_stmt *query_fn(struct db *c, const char *sql, const char *types, ...);
static query_fn *list_query(const struct hazard_list_args *a)
{
	return hazard_list_narrowed(a) ? db_query_replan : db_query;
}

int hazard_list_rows(struct db *c, const struct hazard_list_args *a, int64_t below, int64_t above, int limit,
		     int offset, void (*row)(struct db_stmt *st, void *ctx), void *ctx)
{
	char *sql = hazard_list_sql(0, a);
	struct db_stmt *st = list_query(a)(c, sql, HZ_ARGS_FMT "IIii", HZ_ARGS(a), below, above, limit, offset);
	free(sql);
	int n = 0;
	while (st && db_step(st) == 1) {
		row(st, ctx);
		n++;
	}
	db_done(c, st);
	return st ? n : -1;
}

int hazard_list_ids_up(struct db *c, const struct hazard_list_args *a, int64_t above, int limit, int64_t *ids)
{
	char *sql = hazard_list_sql(1, a);
	struct db_stmt *st = list_query(a)(c, sql, HZ_ARGS_FMT "Ii", HZ_ARGS(a), above, limit);
	free(sql);
	int n = 0;
	while (st && db_step(st) == 1 && n < limit)
		ids[n++] = db_col_i64(st, 0);
	db_done(c, st);
	return st ? n : -1;
}

int hazard_list_count(struct db *c, const struct hazard_list_args *a, int64_t cap, int64_t *total)
{
	*total = 0;
	char *sql = hazard_list_sql(2, a);
	struct db_stmt *st = db_query_replan(c, sql, HZ_ARGS_FMT "I", HZ_ARGS(a), cap + 1);
	free(sql);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == 1)
		*total = db_col_i64(st, 0);
	db_done(c, st);
	return rc == 1 ? 0 : -1;
}

int hazard_list_explain(struct db *c, int which, const struct hazard_list_args *a,
			void (*line)(const char *detail, void *ctx), void *ctx)
{
	char *q = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&q, &n);
	if (!f)
		return -1;
	char *sql = hazard_list_sql(which, a);
	fprintf(f, "EXPLAIN QUERY PLAN %s", sql);
	fclose(f);
	free(sql);
	struct db_stmt *st = which == 0 ? db_query(c, q, HZ_ARGS_FMT "IIii", HZ_ARGS(a), (int64_t)1000, (int64_t)0, 20, 0)
			   : which == 1 ? db_query(c, q, HZ_ARGS_FMT "Ii", HZ_ARGS(a), (int64_t)1000, 21)
					: db_query(c, q, HZ_ARGS_FMT "I", HZ_ARGS(a), (int64_t)HAZARD_COUNT_CAP + 1);
	while (st && db_step(st) == 1)
		line(db_col_text(st, 3), ctx);
	db_done(c, st);
	free(q);
	return st ? 0 : -1;
}

int hazard_list_narrowed(const struct hazard_list_args *a)
{
	return *a->status || *a->level || a->area_id || a->unit_id || a->category_id || a->from || a->to ||
	       a->overdue || a->repeat || a->mine || a->fts || a->equipment_id || a->closed_from ||
	       a->closed_to || *a->factor || *a->todo;
}

/* ---- the cursor ---- */

/* The list a cursor belongs to: every bound value but the keyset, hashed. */
static void fingerprint(const struct hazard_list_args *a, char out[17])
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	if (!f) {
		snprintf(out, 17, "0000000000000000");
		return;
	}
	fprintf(f, "%s|%" PRId64 "|%" PRId64 "|%s|%s|%" PRId64 "|%" PRId64 "|%" PRId64 "|%" PRId64 "|%" PRId64
		   "|%d|%d|%d|%d|%d|%d|%s|%" PRId64 "|%" PRId64 "|%" PRId64 "|%s|%s",
		a->pattern, a->owner, a->me, a->status, a->level, a->area_id, a->unit_id, a->category_id, a->from,
		a->to, a->overdue, a->repeat, a->mine, a->handle, a->verify, a->major, a->fts ? a->fts : "\x01",
		a->equipment_id, a->closed_from, a->closed_to, a->factor, a->todo);
	fclose(f);
	char hex[65];
	text_sha256_hex(s, n, hex);
	free(s);
	memcpy(out, hex, 16);
	out[16] = 0;
}

static void check_of(char dir, int64_t id, const char *fp, char out[9])
{
	char body[64], hex[65];
	int n = snprintf(body, sizeof(body), "hazard-cursor|%c|%" PRId64 "|%s", dir, id, fp);
	text_sha256_hex(body, (size_t)n, hex);
	memcpy(out, hex, 8);
	out[8] = 0;
}

void hazard_cursor_make(char out[HAZARD_CURSOR_MAX], char dir, int64_t id, const struct hazard_list_args *a)
{
	char fp[17], chk[9];
	fingerprint(a, fp);
	check_of(dir, id, fp, chk);
	snprintf(out, HAZARD_CURSOR_MAX, "%c%" PRId64 "-%s-%s", dir, id, fp, chk);
}

int hazard_cursor_parse(const char *s, const struct hazard_list_args *a, char *dir, int64_t *id)
{
	char fp[17], want[9];
	size_t len = s ? strlen(s) : 0;
	/* "n" or "p", 1 to 19 digits, "-", 16 hex, "-", 8 hex */
	if (len < 1 + 1 + 1 + 16 + 1 + 8 || len >= HAZARD_CURSOR_MAX || (s[0] != 'n' && s[0] != 'p'))
		return -1;
	const char *dash = strchr(s + 1, '-');
	if (!dash || dash - (s + 1) < 1 || dash - (s + 1) > 19 || strlen(dash) != 1 + 16 + 1 + 8 || dash[17] != '-')
		return -1;
	int64_t v = 0;
	for (const char *p = s + 1; p < dash; p++) {
		if (*p < '0' || *p > '9' || v > (INT64_MAX - (*p - '0')) / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (v < 1 || v == INT64_MAX)
		return -1;
	for (int i = 1; i < 26; i++)
		if (i != 17 && !((dash[i] >= '0' && dash[i] <= '9') || (dash[i] >= 'a' && dash[i] <= 'f')))
			return -1;
	memcpy(fp, dash + 1, 16);
	fp[16] = 0;
	check_of(s[0], v, fp, want);
	if (memcmp(want, dash + 18, 8))
		return -1;	/* altered by hand */
	char mine[17];
	fingerprint(a, mine);
	if (strcmp(mine, fp))
		return -2;	/* a cursor of another filter, or of another person */
	*dir = s[0];
	*id = v;
	return 0;
}

/* ---- one page ---- */

struct page_ctx {
	void (*row)(struct db_stmt *st, void *ctx);
	void *ctx;
	int limit, n;
	int64_t first, last;
	int more;
};

static void page_row(struct db_stmt *st, void *p)
{
	struct page_ctx *pc = p;
	int64_t id = db_col_i64(st, 0);
	if (pc->n >= pc->limit) {	/* the one row past the page: there is a next page */
		pc->more = 1;
		return;
	}
	if (!pc->n)
		pc->first = id;
	pc->last = id;
	pc->n++;
	pc->row(st, pc->ctx);
}

int hazard_list_page(struct db *c, const struct hazard_list_args *a, const char *cursor, int page, int per_page,
		     void (*row)(struct db_stmt *st, void *ctx), void *ctx, struct hazard_list_result *out)
{
	memset(out, 0, sizeof(*out));
	out->total = -1;
	char dir = 0;
	int64_t at = 0;
	if (cursor && *cursor) {
		int rc = hazard_cursor_parse(cursor, a, &dir, &at);
		if (rc)
			return rc == -2 ? HAZARD_LIST_OTHER_CURSOR : HAZARD_LIST_BAD_CURSOR;
	}
	struct page_ctx pc = {row, ctx, per_page, 0, 0, 0, 0};
	int64_t below = INT64_MAX, above = 0;
	int offset = 0;
	if (dir == 'n') {
		below = at;
	} else if (dir == 'p') {
		/* the per_page rows just above the cursor, found upwards; then shown newest first
		 * like every page, between the cursor and the highest of them */
		int64_t *ids = malloc(sizeof(*ids) * ((size_t)per_page + 1));
		int n = ids ? hazard_list_ids_up(c, a, at, per_page + 1, ids) : -1;
		if (n < 0) {
			free(ids);
			return -1;
		}
		above = at;
		if (n > per_page) {
			below = ids[per_page - 1] + 1;
			out->has_prev = 1;
		}
		free(ids);
	} else {
		offset = (page - 1) * per_page;
		out->has_prev = page > 1;
		/* counted where that is cheap (the header comment): a narrowing filter, or a table
		 * small enough that its largest id, an upper bound of its rows, is under the cap */
		int64_t top = 0;
		if (hazard_list_narrowed(a) || (db_get_i64(c, &top, "SELECT coalesce(max(id), 0) FROM hazards", NULL) == 1 &&
						top <= HAZARD_COUNT_CAP)) {
			if (hazard_list_count(c, a, HAZARD_COUNT_CAP, &out->total))
				return -1;
			out->capped = out->total > HAZARD_COUNT_CAP;
			if (out->capped)
				out->total = HAZARD_COUNT_CAP;
		}
	}
	if (hazard_list_rows(c, a, below, above, per_page + (dir == 'p' ? 0 : 1), offset, page_row, &pc) < 0)
		return -1;
	out->n = pc.n;
	if (dir == 'p') {
		out->has_next = 1;	/* the rows the cursor came from */
		if (pc.n)
			hazard_cursor_make(out->next, 'n', pc.last, a);
		else
			hazard_cursor_make(out->next, 'n', at + 1, a);
	} else if (pc.more) {
		out->has_next = 1;
		hazard_cursor_make(out->next, 'n', pc.last, a);
	}
	if (dir == 'n')
		out->has_prev = 1;	/* the page the cursor came from */
	/* the previous page by cursor: the rows above this page's first (or, on a page left
	 * empty by rows gone meanwhile, above the place the cursor pointed at) */
	int64_t key = pc.n ? pc.first : dir == 'n' ? at - 1 : 0;
	if (out->has_prev && key >= 1)
		hazard_cursor_make(out->prev, 'p', key, a);
	return 0;
}
