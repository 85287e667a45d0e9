/*
 * test_hazard_list.c — the hazard list pages by keyset (src/hazard/hazard_list.c): each of
 * its statements reads hazards by a range of the table's own id B-tree in the list's order,
 * with no sort and no OFFSET walk, and probes the events through a covering index (migration
 * 0142); and its cursor refuses what was altered, cut short or carried to another list.
 */
#include "unit.h"
#include "db/db.h"
#include "hazard/hazard.h"

#include <stdio.h>
#include <string.h>

struct plan {
	char text[8192];
};

static void add_line(const char *detail, void *ctx)
{
	struct plan *p = ctx;
	size_t n = strlen(p->text);
	snprintf(p->text + n, sizeof(p->text) - n, "%s | ", detail);
}

static void check_plan(struct db *c, int which, const char *range)
{
	struct hazard_list_args a = {.pattern = "/1/%", .me = 1, .status = "", .level = "", .factor = "", .todo = ""};
	struct plan p = {""};
	CHECK(hazard_list_explain(c, which, &a, add_line, &p) == 0);
	char m[8400];
	snprintf(m, sizeof(m), "statement %d: %s", which, p.text);
	/* the order comes from the id B-tree itself: no temporary sort of the matches */
	if (strstr(p.text, "TEMP B-TREE"))
		unit_fail(__FILE__, __LINE__, m);
	/* the page starts at the cursor: a range on the id, not a walk from the table's end */
	if (range && !strstr(p.text, range))
		unit_fail(__FILE__, __LINE__, m);
	/* "did this person act on it": one seek in an index holding both columns */
	if (!strstr(p.text, "SEARCH ve USING COVERING INDEX hazard_events_user"))
		unit_fail(__FILE__, __LINE__, m);
}

TEST(hazard_list_pages_by_the_id_btree_without_sorting)
{
	struct db *c = unit_db();
	SKIP_ON_PG(c, "SQLite query plans");
	CHECK(c != NULL);
	if (!c)
		return;
	check_plan(c, 0, "SEARCH h USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)");
	check_plan(c, 1, "SEARCH h USING INTEGER PRIMARY KEY (rowid>?)");
	check_plan(c, 2, NULL);	/* the count walks its matches, bounded by LIMIT */
	db_close(c);
}

/* A filter narrows the count by an index: the statement holds only the filters given, so the
 * planner sees each as a plain conjunct (hazard_list.c, filter_terms) and seeks by it, rather
 * than walking every hazard the person may see. */
static void check_count_seeks(struct db *c, const struct hazard_list_args *a, const char *want)
{
	struct plan p = {""};
	CHECK(hazard_list_explain(c, 2, a, add_line, &p) == 0);
	if (!strstr(p.text, want) || strstr(p.text, "SCAN h ") || strstr(p.text, "SCAN h |")) {
		char m[8400];
		snprintf(m, sizeof(m), "count should seek %s: %s", want, p.text);
		unit_fail(__FILE__, __LINE__, m);
	}
}

TEST(hazard_list_count_seeks_by_the_filter_given)
{
	struct db *c = unit_db();
	SKIP_ON_PG(c, "SQLite query plans");
	CHECK(c != NULL);
	if (!c)
		return;
	struct hazard_list_args a = {.pattern = "/1/%", .me = 7, .status = "", .level = "", .factor = "", .todo = ""};
	a.mine = 1;	/* a worker's "mine": assigned to him */
	check_count_seeks(c, &a, "SEARCH h USING INDEX hazards_assignee (assignee_id=?");
	a.status = "open";
	check_count_seeks(c, &a, "SEARCH h USING INDEX hazards_assignee (assignee_id=?");
	a.mine = 0;
	check_count_seeks(c, &a, "(status=?)");
	a.status = "";
	a.area_id = 3;
	check_count_seeks(c, &a, "SEARCH h USING INDEX hazards_area_cat (area_id=?)");
	a.area_id = 0;
	a.unit_id = 2;
	check_count_seeks(c, &a, "(unit_id=?)");
	db_close(c);
}

TEST(hazard_cursor_refuses_altered_short_and_foreign_cursors)
{
	struct hazard_list_args a = {.pattern = "/1/2/%", .me = 7, .status = "open", .level = "", .factor = "", .todo = ""};
	char cur[HAZARD_CURSOR_MAX], dir = 0;
	int64_t id = 0;
	hazard_cursor_make(cur, 'n', 123456, &a);
	CHECK(hazard_cursor_parse(cur, &a, &dir, &id) == 0);
	CHECK(dir == 'n' && id == 123456);
	hazard_cursor_make(cur, 'p', 1, &a);
	CHECK(hazard_cursor_parse(cur, &a, &dir, &id) == 0);
	CHECK(dir == 'p' && id == 1);

	/* one character changed anywhere: refused */
	hazard_cursor_make(cur, 'n', 123456, &a);
	for (size_t i = 0; cur[i]; i++) {
		char bad[HAZARD_CURSOR_MAX];
		memcpy(bad, cur, sizeof(bad));
		bad[i] = bad[i] == '1' ? '2' : bad[i] == 'n' ? 'p' : bad[i] == '-' ? '0' : '1';
		if (!strcmp(bad, cur))
			continue;
		if (hazard_cursor_parse(bad, &a, &dir, &id) != -1) {
			char m[128];
			snprintf(m, sizeof(m), "altered at %zu accepted: %s", i, bad);
			unit_fail(__FILE__, __LINE__, m);
		}
	}
	/* cut short, empty, garbage, a number past int64 */
	char shorter[HAZARD_CURSOR_MAX];
	snprintf(shorter, sizeof(shorter), "%.*s", (int)strlen(cur) - 1, cur);
	CHECK(hazard_cursor_parse(shorter, &a, &dir, &id) == -1);
	CHECK(hazard_cursor_parse("", &a, &dir, &id) == -1);
	CHECK(hazard_cursor_parse("n99999999999999999999-0000000000000000-00000000", &a, &dir, &id) == -1);
	CHECK(hazard_cursor_parse("x12-0000000000000000-00000000", &a, &dir, &id) == -1);
	CHECK(hazard_cursor_parse("n12-00000000000000000000000000", &a, &dir, &id) == -1);

	/* the same cursor with another filter, or for another person: "another list" */
	struct hazard_list_args b = a;
	b.status = "closed";
	CHECK(hazard_cursor_parse(cur, &b, &dir, &id) == -2);
	b = a;
	b.me = 8;
	CHECK(hazard_cursor_parse(cur, &b, &dir, &id) == -2);
	b = a;
	b.fts = "\"配电\"";
	CHECK(hazard_cursor_parse(cur, &b, &dir, &id) == -2);
}
