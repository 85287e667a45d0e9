/*
 * risk_web.h — what the risk module's page files share among themselves (not a public
 * header: other modules use risk.h): the event record as the pages load it, the entities of
 * the chain, and the pieces the event's page, the register and the API draw.
 */
#ifndef ANQUAN_RISK_WEB_H
#define ANQUAN_RISK_WEB_H

#include "http/http.h"
#include "web/html.h"

struct entity;
extern const struct entity risk_object_entity, risk_unit_entity, risk_event_entity, risk_measure_entity;

struct risk_event_row {
	int64_t id, risk_unit_id, object_id, unit_id, owner, unit_owner, accident_type_id, reassess_due, review_due,
		assessment_id;
	int needs_reassessment, active;
	double value;
	char level[12], inherent_level[12], method[4], control_level[12];
	const char *name, *description, *consequence, *emergency, *reassess_reason, *object_name, *unit_name;
};

/* The event in the caller's scope: 0, else -1. */
int risk_event_load(struct req *r, int64_t id, struct risk_event_row *e);
json_t *risk_event_json(struct req *r, const struct risk_event_row *e);
/* Every version of an event's assessment, newest first. */
json_t *risk_assessments_json(struct req *r, int64_t event_id);

/* A coloured badge of a level ("" for none), and a day as YYYY-MM-DD. */
html_raw risk_level_badge(struct req *r, const char *level);
const char *risk_day_s(struct req *r, int64_t day);

/* The register (risk_register_web.c): the events in scope with the list's filters. */
void risk_register_table(struct req *r);
int risk_register_json(struct req *r, json_t *items);
/* Counts by colour per unit of the caller's scope, as a table (the register, the home panel). */
void risk_counts_html(struct req *r);

/* The event's page around its form (risk_event_web.c). */
void risk_event_head(struct req *r, const void *row);
void risk_event_tail(struct req *r, const void *row);

/* Handlers of risk_event_web.c, risk_register_web.c, risk_ack_web.c, risk_io_web.c named by the
 * route table (risk_web.c). */
int risk_assess_post(struct req *r);
int risk_approve_post(struct req *r);
int risk_event_delete(struct req *r);
int risk_hazard_link_post(struct req *r);
int risk_register_page(struct req *r);
int64_t risk_register_todo_count(struct req *r, const char *todo);
int risk_counts_api(struct req *r);
int risk_tasks_api(struct req *r);
int risk_acks_page(struct req *r);
int risk_ack_confirm_post(struct req *r);
int risk_choices_api(struct req *r);
int risk_settings_get(struct req *r);
int risk_settings_post(struct req *r);
int risk_import_page(struct req *r);
int risk_import_post(struct req *r);
int risk_export_xlsx(struct req *r);
int risk_export_csv(struct req *r);

#endif
