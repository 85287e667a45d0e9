/*
 * emerg_tabletop.h — tabletop exercises (应急推演): a plan's scenario run step by step with
 * the people named in its roles. The facilitator injects events, each role records its
 * decisions; the server's clock stamps both. At the end each step of the plan is compared
 * with its target time (done, late by N minutes, missing) and each gap becomes an action
 * with an owner and a deadline, reminded when overdue.
 *
 * The files:
 *   emerg_tabletop.c       the step comparison (pure, unit-tested)
 *   emerg_tabletop_web.c   pages and JSON: list, create from a plan, join, inject, decide,
 *                          start, end with the comparison and its actions; the overdue job
 *   emerg_tabletop_demo.c  the multi-hazard demo: an earthquake with a gas leak and people
 *                          trapped in a lift, one exercise done with its gaps, one planned
 * The routes and API shapes are macros here so the module's tables take them in one line.
 */
#ifndef ANQUAN_EMERG_TABLETOP_H
#define ANQUAN_EMERG_TABLETOP_H

#include <stdint.h>

#include "http/http.h"

struct db;

#define EMERG_TT_MAX_STEPS 30
#define EMERG_TT_MAX_ROLES 30
#define EMERG_TT_MAX_EVENTS 500		/* a timeline longer than this is refused, not truncated */
#define EMERG_TT_ACTION_DAYS 14		/* a gap's action is due this many days after the end */

/* What became of a step of the plan in an exercise. */
enum emerg_tt_result { EMERG_TT_PENDING, EMERG_TT_DONE, EMERG_TT_LATE, EMERG_TT_MISSING };

/* Compare a step with its target: started, the exercise's start; target_min, minutes from the
 * start by which it should be done (<0: no target); done_at, when it was first recorded (0:
 * never); ended, whether the exercise is over (a step not done by then is missing, before
 * then pending). *late_min gets the whole minutes late, rounded up (a second late is one
 * minute), else 0. */
enum emerg_tt_result emerg_tt_compare(int64_t started, int target_min, int64_t done_at, int ended, int *late_min);
const char *emerg_tt_result_code(enum emerg_tt_result r);	/* pending, done, late, missing */

int emerg_tt_demo_load(struct db *c);
/* A new exercise of `plan` (its scenario, roles and steps copied), title "" for the plan's;
 * its id, or -1. Inside the caller's transaction. */
int64_t emerg_tt_insert(struct db *c, int64_t plan, const char *title, int64_t day, int64_t facilitator, int64_t now);

int emerg_tt_list(struct req *r);
int64_t emerg_tt_todo(struct req *r);	/* the caller's open gap actions */
int emerg_tt_create(struct req *r);
int emerg_tt_page(struct req *r);
int emerg_tt_api_get(struct req *r);
int emerg_tt_start(struct req *r);
int emerg_tt_end(struct req *r);
int emerg_tt_join(struct req *r);
int emerg_tt_inject(struct req *r);
int emerg_tt_decide(struct req *r);
int emerg_tt_action_done(struct req *r);
int emerg_tt_plan_inject(struct req *r);
/* On a plan's page: its steps' target times, its injects and (may: emerg.manage) the form of a
 * new inject, with the way to an exercise of it. */
void emerg_tt_plan_tail(struct req *r, int64_t plan, int may);

/* the routes, inside the module's table */
#define EMERG_TABLETOP_ROUTES \
	{"GET", "/emerg/tabletops", emerg_tt_list, "emerg.view", ROUTE_PAGED, "Tabletop exercises in scope"}, \
	{"POST", "/emerg/tabletops", emerg_tt_create, "emerg.command", 0, "Tabletop: create from a plan"}, \
	{"GET", "/emerg/tabletops/:id", emerg_tt_page, "emerg.view", 0, "Tabletop: timeline, decisions and the comparison"}, \
	{"POST", "/emerg/tabletops/:id/start", emerg_tt_start, "emerg.command", 0, "Tabletop: start"}, \
	{"POST", "/emerg/tabletops/:id/end", emerg_tt_end, "emerg.command", 0, "Tabletop: end, compare, raise the gaps"}, \
	{"POST", "/emerg/tabletops/:id/join", emerg_tt_join, "emerg.view", 0, "Tabletop: join in one's role"}, \
	{"POST", "/emerg/tabletops/:id/injects", emerg_tt_inject, "emerg.command", 0, "Tabletop: inject an event"}, \
	{"POST", "/emerg/tabletops/:id/decisions", emerg_tt_decide, "emerg.view", 0, "Tabletop: record a decision"}, \
	{"POST", "/emerg/tt-actions/:id/done", emerg_tt_action_done, "emerg.view", 0, "Tabletop: close one's own gap action"}, \
	{"POST", "/emerg/plans/:id/injects", emerg_tt_plan_inject, "emerg.manage", 0, "Plan: add an event to inject in its exercises"}, \
	{"GET", "/api/v1/emerg/tabletops", emerg_tt_list, "emerg.view", ROUTE_API | ROUTE_PAGED, "Tabletop exercises in scope"}, \
	{"POST", "/api/v1/emerg/tabletops", emerg_tt_create, "emerg.command", ROUTE_API, "Tabletop: create from a plan"}, \
	{"GET", "/api/v1/emerg/tabletops/:id", emerg_tt_api_get, "emerg.view", ROUTE_API, "Tabletop: one, with the comparison"}, \
	{"POST", "/api/v1/emerg/tabletops/:id/start", emerg_tt_start, "emerg.command", ROUTE_API | ROUTE_NO_BODY, "Tabletop: start"}, \
	{"POST", "/api/v1/emerg/tabletops/:id/end", emerg_tt_end, "emerg.command", ROUTE_API | ROUTE_NO_BODY, "Tabletop: end, compare, raise the gaps"}, \
	{"POST", "/api/v1/emerg/tabletops/:id/join", emerg_tt_join, "emerg.view", ROUTE_API | ROUTE_NO_BODY, "Tabletop: join in one's role"}, \
	{"POST", "/api/v1/emerg/tabletops/:id/injects", emerg_tt_inject, "emerg.command", ROUTE_API, "Tabletop: inject an event"}, \
	{"POST", "/api/v1/emerg/tabletops/:id/decisions", emerg_tt_decide, "emerg.view", ROUTE_API, "Tabletop: record a decision"}, \
	{"POST", "/api/v1/emerg/tt-actions/:id/done", emerg_tt_action_done, "emerg.view", ROUTE_API | ROUTE_NO_BODY, "Tabletop: close one's own gap action"}, \
	{"POST", "/api/v1/emerg/plans/:id/injects", emerg_tt_plan_inject, "emerg.manage", ROUTE_API, "Plan: add an event to inject in its exercises"},

#define EMERG_TT_NT "{\"type\":\"integer\",\"nullable\":true}"
#define EMERG_TT_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"id\",\"status\",\"roles\",\"steps\",\"events\",\"actions\"],\"properties\":{" \
	"\"id\":{\"type\":\"integer\"},\"plan_id\":{\"type\":\"integer\"},\"plan\":{\"type\":\"string\"},\"unit_id\":{\"type\":\"integer\"}," \
	"\"unit\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"},\"scenario\":{\"type\":\"string\"}," \
	"\"planned_on\":{\"type\":\"string\",\"format\":\"date\"},\"facilitator_id\":{\"type\":\"integer\"},\"facilitator\":{\"type\":\"string\"}," \
	"\"status\":{\"enum\":[\"planned\",\"running\",\"ended\"]},\"started_at\":" EMERG_TT_NT ",\"ended_at\":" EMERG_TT_NT "," \
	"\"my_role\":{\"type\":\"string\",\"nullable\":true},\"joined\":{\"type\":\"boolean\"}," \
	"\"roles\":{\"type\":\"array\",\"x-bounded\":true,\"items\":{\"type\":\"object\",\"properties\":{\"role\":{\"type\":\"string\"}," \
	"\"user_id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"},\"joined_at\":" EMERG_TT_NT "}}}," \
	"\"steps\":{\"type\":\"array\",\"x-bounded\":true,\"items\":{\"type\":\"object\",\"properties\":{\"seq\":{\"type\":\"integer\"}," \
	"\"text\":{\"type\":\"string\"},\"target_min\":" EMERG_TT_NT ",\"owner_id\":" EMERG_TT_NT ",\"done_at\":" EMERG_TT_NT "," \
	"\"result\":{\"enum\":[\"pending\",\"done\",\"late\",\"missing\"]},\"late_min\":{\"type\":\"integer\"}}}}," \
	"\"injects\":{\"type\":\"array\",\"x-bounded\":true,\"items\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"text\":{\"type\":\"string\"}}}}," \
	"\"events\":{\"type\":\"array\",\"x-bounded\":true,\"items\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}," \
	"\"kind\":{\"enum\":[\"inject\",\"decision\"]},\"at\":{\"type\":\"integer\"},\"offset_s\":" EMERG_TT_NT "," \
	"\"user_id\":{\"type\":\"integer\"},\"user\":{\"type\":\"string\"},\"role\":{\"type\":\"string\"},\"step_seq\":" EMERG_TT_NT "," \
	"\"text\":{\"type\":\"string\"}}}}," \
	"\"actions\":{\"type\":\"array\",\"x-bounded\":true,\"items\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}," \
	"\"step_seq\":{\"type\":\"integer\"},\"text\":{\"type\":\"string\"},\"owner_id\":{\"type\":\"integer\"},\"owner\":{\"type\":\"string\"}," \
	"\"due_on\":{\"type\":\"string\",\"format\":\"date\"},\"done_at\":" EMERG_TT_NT ",\"overdue\":{\"type\":\"boolean\"}}}}}}"
#define EMERG_TT_PAGE \
	"{\"type\":\"object\",\"required\":[\"items\",\"page\",\"per_page\",\"total\"],\"properties\":{\"items\":{\"type\":\"array\",\"items\":" \
	EMERG_TT_SCHEMA "},\"page\":{\"type\":\"integer\"},\"per_page\":{\"type\":\"integer\"},\"total\":{\"type\":\"integer\"}}}"

/* the API shapes, inside the module's schema table */
#define EMERG_TABLETOP_SCHEMAS \
	{"GET", "/api/v1/emerg/tabletops", "{\"type\":\"object\",\"properties\":{" \
	 "\"status\":{\"enum\":[\"planned\",\"running\",\"ended\"]},\"todo\":{\"type\":\"integer\",\"enum\":[0,1]," \
	 "\"description\":\"1: only those with a gap action of mine still open\"}}}", EMERG_TT_PAGE}, \
	{"POST", "/api/v1/emerg/tabletops", "{\"type\":\"object\",\"required\":[\"plan_id\",\"planned_on\"],\"properties\":{" \
	 "\"plan_id\":{\"type\":\"integer\"},\"title\":{\"type\":\"string\",\"maxLength\":100},\"planned_on\":{\"type\":\"string\",\"format\":\"date\"}}}", \
	 EMERG_TT_SCHEMA}, \
	{"GET", "/api/v1/emerg/tabletops/:id", NULL, EMERG_TT_SCHEMA}, \
	{"POST", "/api/v1/emerg/tabletops/:id/start", MODULE_NO_BODY, EMERG_TT_SCHEMA}, \
	{"POST", "/api/v1/emerg/tabletops/:id/end", MODULE_NO_BODY, EMERG_TT_SCHEMA}, \
	{"POST", "/api/v1/emerg/tabletops/:id/join", MODULE_NO_BODY, EMERG_TT_SCHEMA}, \
	{"POST", "/api/v1/emerg/tabletops/:id/injects", "{\"type\":\"object\",\"properties\":{\"inject_id\":{\"type\":\"integer\"," \
	 "\"description\":\"one of the plan's prepared events\"},\"text\":{\"type\":\"string\",\"maxLength\":500,\"description\":\"or a free one\"}}}", \
	 EMERG_TT_SCHEMA}, \
	{"POST", "/api/v1/emerg/tabletops/:id/decisions", "{\"type\":\"object\",\"required\":[\"text\"],\"properties\":{" \
	 "\"text\":{\"type\":\"string\",\"maxLength\":500},\"step_seq\":{\"type\":\"integer\",\"description\":\"the plan's step it carries out\"}}}", \
	 EMERG_TT_SCHEMA}, \
	{"POST", "/api/v1/emerg/tt-actions/:id/done", MODULE_NO_BODY, "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"done\":{\"type\":\"boolean\"}}}"}, \
	{"POST", "/api/v1/emerg/plans/:id/injects", "{\"type\":\"object\",\"required\":[\"text\"],\"properties\":{\"text\":{\"type\":\"string\",\"maxLength\":500}}}", \
	 "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"plan_id\":{\"type\":\"integer\"},\"seq\":{\"type\":\"integer\"},\"text\":{\"type\":\"string\"}}}"},

#endif
