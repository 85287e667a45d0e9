/*
 * emerg_web.h — what the emergency module's page files share among themselves: the drill
 * record as loaded within the caller's scope, its JSON, the people still missing at the
 * muster point, and the insert the form and the demo both use. Not for other modules.
 */
#ifndef ANQUAN_EMERG_WEB_H
#define ANQUAN_EMERG_WEB_H

#include <stdint.h>
#include <jansson.h>

#include "http/http.h"

struct db;
struct db_stmt;

#define EMERG_MAX_STEPS 30	/* steps of a drill's response */
#define EMERG_MAX_FACTS 64	/* drills of a unit in a year, for the minimum check */
#define EMERG_MAX_SHORTCOMINGS 10
#define EMERG_NMARKS 4		/* emerg_mark_actions */

struct emerg_drill {
	int64_t id, unit_id, commander_id, plan_id, planned_on, started_at, ended_at, eval_score, evaluated_at;
	int announced, has_score;
	const char *kind, *title, *scenario, *muster, *status, *token, *eval_summary, *unit, *unit_path, *commander;
};

/* The drill if the caller may see it (entity load()): 0, else -1. */
int emerg_drill_load(struct req *r, int64_t id, void *row);
json_t *emerg_drill_json(struct req *r, const void *row);
/* Each key action's time (0: not yet), in emerg_mark_actions order. */
void emerg_marks_of(struct db *c, int64_t drill_id, int64_t at[EMERG_NMARKS]);
struct db_stmt *emerg_missing_query(struct db *c, const struct emerg_drill *d);
int64_t emerg_drill_insert(struct db *c, int64_t unit_id, const char *kind, const char *title, const char *scenario,
			   int announced, int64_t day, const char *muster, int64_t commander_id, int64_t by, int64_t now);
/* "3 min 05 s" in the request's language */
const char *emerg_duration(struct req *r, int64_t seconds);

int emerg_checkin_page(struct req *r);
int emerg_checkin_post(struct req *r);
int emerg_api_checkin(struct req *r);
int emerg_command_page(struct req *r);
int emerg_resource_check(struct req *r);
int emerg_resource_list_page(struct req *r);
/* the key-action buttons and times (the drill's page and the commander's); back: "drill" or
 * "command", where a tap returns */
void emerg_taps(struct req *r, const struct emerg_drill *d, const char *back);
/* the supplies' entity handlers (emerg_res_web.c) */
int emerg_res_new(struct req *r);
int emerg_res_create(struct req *r);
int emerg_res_edit(struct req *r);
int emerg_res_update(struct req *r);
int emerg_res_deact(struct req *r);
int emerg_res_api_list(struct req *r);
int emerg_res_api_get(struct req *r);
int emerg_res_api_create(struct req *r);
int emerg_res_api_update(struct req *r);
int emerg_res_api_deact(struct req *r);
extern const struct entity emerg_drill_entity;
/* plans (emerg_plan_web.c) */
extern const struct entity emerg_plan_entity;
int emerg_plan_list(struct req *r);
int emerg_plan_new(struct req *r);
int emerg_plan_create(struct req *r);
int emerg_plan_edit(struct req *r);
int emerg_plan_update(struct req *r);
int emerg_plan_deact(struct req *r);
int emerg_plan_api_list(struct req *r);
int emerg_plan_api_get(struct req *r);
int emerg_plan_api_create(struct req *r);
int emerg_plan_api_update(struct req *r);
int emerg_plan_api_deact(struct req *r);
int emerg_plan_pdf_post(struct req *r);
int emerg_plan_pdf_get(struct req *r);
int emerg_plan_part_post(struct req *r);
int emerg_area_card(struct req *r);

/* emergency mode of an incident (emerg_incident_web.c), teams and contacts (emerg_team_web.c) */
int emerg_incident_open(struct req *r);
int emerg_incident_mode_get(struct req *r);
void emerg_command_extra(struct req *r, const struct emerg_drill *d);
const char *emerg_checkin_url(struct req *r, const struct emerg_drill *d);
void emerg_contacts_card(struct req *r, int64_t unit_id);
int emerg_team_demo_load(struct db *c);	/* teams, contacts, an incident's emergency mode */
extern const struct entity emerg_team_entity, emerg_contact_entity;
int emerg_team_list(struct req *r);
int emerg_team_new(struct req *r);
int emerg_team_create(struct req *r);
int emerg_team_edit(struct req *r);
int emerg_team_update(struct req *r);
int emerg_team_deact(struct req *r);
int emerg_team_api_list(struct req *r);
int emerg_team_api_get(struct req *r);
int emerg_team_api_create(struct req *r);
int emerg_team_api_update(struct req *r);
int emerg_team_api_deact(struct req *r);
int emerg_team_member_post(struct req *r);
int emerg_contact_list(struct req *r);
int emerg_contact_new(struct req *r);
int emerg_contact_create(struct req *r);
int emerg_contact_edit(struct req *r);
int emerg_contact_update(struct req *r);
int emerg_contact_deact(struct req *r);
int emerg_contact_api_list(struct req *r);
int emerg_contact_api_get(struct req *r);
int emerg_contact_api_create(struct req *r);
int emerg_contact_api_update(struct req *r);
int emerg_contact_api_deact(struct req *r);

#endif
