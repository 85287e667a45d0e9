/*
 * permit.h — permits to work for the eight special operations of GB 30871-2022 (特殊作业票).
 *
 * The module is split by job:
 *   permit_types.c     the catalogue: types, grade derivation (§5.1, §8.1, §9.1), validity
 *   permit_gas.c       gas readings: input validation and limits (§5.3, §6.3–6.5, §10.1)
 *   permit_rules.c     the blocking checks, one small function each
 *   permit_approval.c  approval chains (Annex B Table B.1, as data) and who may sign a step
 *   permit_flow.c      the lifecycle as a transition table and the one engine that runs it
 *   permit_store.c     reading a permit and storing an application
 *   permit_web.c, permit_site_web.c, permit_print_web.c, permit_api.c   pages and the JSON API
 *   permit_picker.c    the form's person pickers: qualified and own unit first, searchable
 *   permit_sched.c     overdue re-tests (suspend) and permits past validity (escalate)
 *   permit_demo.c      demo permits in several states
 *
 * Rules return 0 when the permit passes, or -1 with an error naming a catalogue key, the field
 * at fault and (malloc'd) a detail such as the person's name.
 */
#ifndef ANQUAN_PERMIT_H
#define ANQUAN_PERMIT_H

#include <stdint.h>

#include "http/http.h"

struct actor;
struct db;
struct strbuf;

/* The certificate module's query (cert_may_operate in src/cert/cert.h): 1 may, 0 may not
 * (reason_key, detail). A user is passed as the negative of their id. Rules take it as a
 * parameter so that unit tests can substitute their own. */
#include "cert/cert.h"
typedef int (*permit_cert_fn)(struct db *c, int64_t person_or_user_id, const char *operation,
			      int64_t day, const char **reason_key, char **detail);
extern const permit_cert_fn permit_cert_default;
/* The certificate module's "day" for a UTC time. */
int64_t permit_cert_day(int64_t t);

/* An error for the user: HTTP status, catalogue key, field name, optional detail. */
struct permit_err {
	int status;
	const char *key;
	const char *field;
	char *detail;		/* malloc'd or NULL */
};
void permit_err_set(struct permit_err *e, int status, const char *key, const char *field,
		    char *detail);
void permit_err_clear(struct permit_err *e);

struct permit_worker {
	int64_t user_id;
	char *role;
};

struct permit_measure {
	int64_t measure_id;
	int64_t confirmed_by;
};

struct permit {
	int64_t id;
	char *number, *type, *grade, *state;
	int64_t area_id, equipment_id, unit_id, applicant_id, guardian_id;
	char *work_unit, *content, *hazards, *hot_place, *conflicts;
	int contractor;
	int64_t planned_start, planned_end;
	int shutdown, holiday, wind, factors, hazardous_area, oxygen_enriched, hot_inside;
	double height_m, load_t, medium_lel;
	int chain_step, round;
	int64_t started_at, suspended_at, closed_at, created_at;
	struct permit_worker *workers;
	int nworkers;
	struct permit_measure *measures;
	int nmeasures;
	int64_t *links;
	int nlinks;
};
void permit_free(struct permit *p);

/* --- permit_types.c --- */
struct permit_type {
	const char *code, *prefix, *operation;
};
extern const struct permit_type permit_type_list[];	/* the eight, ends with {0} */
const struct permit_type *permit_type_find(const char *code);
/* ?state= and ?type= of the permit lists (permit_web.c): a known value, or "" when absent; an
 * unknown one is recorded with req_bad_param() (a GET then answers 400 naming it) */
void permit_list_filters(struct req *r, const char **state, const char **type);
/* "Waiting for me" (?todo= of /permits: approve, guard, close): the list of those permits and
 * its count come from one query (permit_web.c), so the home page's number is the list's */
int64_t permit_todo_count(struct req *r, const char *todo);
/* the ?done= notices a permit page shows after an action (permit_web.c) */
extern const char *const permit_done_notices[];

struct permit_grade_in {
	const char *type;
	const char *hot_place;	/* hot work: running | bund | hazard_area | pipe_rack | other */
	int shutdown;		/* unit shut down, purged and isolated (§5.1 lowering) */
	int night, rest_day, wind;	/* 升级管理 (§5.1) */
	double height_m;
	int factors;		/* how many of §8.1.2's nine objective hazard factors apply */
	double load_t;
};
/* Derive the grade; 0 and *grade ("" for types without grades), or -1 with an error. */
int permit_grade_derive(const struct permit_grade_in *in, const char **grade, struct permit_err *e);
/* Does [start, end) touch the night (local hours night_start..night_end) or a weekend? */
int permit_touches_night(int64_t start, int64_t end, int night_start, int night_end);
int permit_touches_weekend(int64_t start, int64_t end);
/* Maximum validity in hours of a type and grade (table permit_validity), or -1. */
int permit_max_hours(struct db *c, const char *type, const char *grade, int *interrupt_min);
/* Allocate the next number ("DH-2026-000045"). Inside a transaction. malloc'd, or NULL. */
char *permit_next_number(struct db *c, const char *type, int64_t now);

/* --- permit_gas.c --- */
struct permit_toxic {
	const char *gas;
	double value;
};
struct permit_gas_reading {
	int has_o2, has_comb;
	double o2, combustible;	/* % (vol) */
	struct permit_toxic *toxic;
	int ntoxic;
};
struct permit_gas_limit {
	char gas[16];
	char unit[16];
	double value;
};
/* Refuse impossible input (negative, over 100 %, unknown gas, missing required value). */
int permit_gas_validate(const char *type, int hazardous_area, const struct permit_gas_reading *g,
			const struct permit_gas_limit *lim, int nlim, struct permit_err *e);
/* Judge a valid reading against the limits: 1 pass, 0 fail with e naming the gas. */
int permit_gas_judge(const char *type, int oxygen_enriched, double medium_lel,
		     const struct permit_gas_reading *g, const struct permit_gas_limit *lim, int nlim,
		     struct permit_err *e);
/* The applying toxic limits from permit_gas_limits; *n gets the count. malloc'd. */
struct permit_gas_limit *permit_gas_limits_load(struct db *c, int *n);
/* Combustible-gas pass limit in % (vol) for a medium with this LEL (§5.3.2). */
double permit_gas_comb_limit(double medium_lel);
/* Does this type need gas analysis for this permit? (§5.3, §6.3, §10.1) */
int permit_gas_required(const char *type, int hazardous_area);

/* --- permit_rules.c: blocking checks --- */
int permit_check_window(struct db *c, const struct permit *p, int64_t now, struct permit_err *e);
/* The equipment warnings (items at level warn not held) of the permit's people, as a notice
 * on the permit page (permit_ppe_web.c); nothing when all is held. */
void permit_ppe_html(struct req *r, const struct permit *p);
int permit_check_workers(struct db *c, const struct permit *p, permit_cert_fn cert, struct permit_err *e);
int permit_check_guardian(struct db *c, const struct permit *p, permit_cert_fn cert, struct permit_err *e);
int permit_check_measures(const struct permit *p, struct permit_err *e);
int permit_check_analyst(struct db *c, int64_t analyst_id, int64_t at, permit_cert_fn cert,
			 struct permit_err *e);
/* The latest reading passed and was taken within 30 min before `now` (§5.3.1, §6.3). */
int permit_check_gas_fresh(struct db *c, const struct permit *p, int64_t now, int64_t since,
			   struct permit_err *e);
/* The applicant has no permit past its validity left unclosed ("no closing, no new permit"). */
int permit_check_no_overdue(struct db *c, const struct permit *p, int64_t now, struct permit_err *e);
/* SIMOPS (§4.6–4.7, §5.2.8–5.2.9, §6.7, §7.6): append one line per conflict to `out`;
 * returns how many. */
int permit_find_conflicts(struct db *c, const struct permit *p, struct strbuf *out);
/* Great-circle distance in metres (haversine). */
double permit_distance_m(double lat1, double lng1, double lat2, double lng2);

/* --- permit_approval.c --- */
struct permit_step {
	int step;
	char level[16];
	char *roles;
};
/* The chain for a type and grade; *n steps; malloc'd (permit_chain_free). */
struct permit_step *permit_chain_load(struct db *c, const char *type, const char *grade, int *n);
void permit_chain_free(struct permit_step *s, int n);
/* May user_id sign step `step` of p? 0 yes, else -1 with the reason. */
int permit_check_approver(struct db *c, const struct permit *p, int step, int64_t user_id,
			  struct permit_err *e);
/* Users who may sign `step` of p, for notifications: callback per user id. */
int permit_approvers_each(struct db *c, const struct permit *p, int step,
			  void (*fn)(int64_t user_id, void *arg), void *arg);

/* --- permit_flow.c --- */
struct permit_act_in {
	const char *password;	/* electronic signature */
	const char *reason;
	int has_loc;
	double lat, lng;
	int ack_conflicts;
	int site_clear;		/* closing: the site was checked (完工验收) */
	int64_t new_end;
	permit_cert_fn cert;	/* NULL: the certificate module */
};
struct permit_transition {
	const char *from, *action, *to, *perm;
	int who;		/* PERMIT_WHO_* */
	int (*when)(struct db *c, const struct permit *p);	/* picks among rows; NULL always */
};
enum { PERMIT_WHO_APPLICANT = 1, PERMIT_WHO_APPROVER, PERMIT_WHO_GUARDIAN, PERMIT_WHO_SITE,
       PERMIT_WHO_SCOPE };
extern const struct permit_transition permit_transitions[];
/* Run `action` on permit `id` as actor a: checks, state change, event, audit and notifications
 * in one transaction on a->db. A system actor (the scheduler, actor_system()) skips the checks
 * of who may act, the signature and the location. 0 ok, -1 with e. */
int permit_act(const struct actor *a, int64_t id, const char *action,
	       const struct permit_act_in *in, struct permit_err *e);
/* The same inside the caller's transaction, on a loaded permit (updated in place). */
int permit_act_in_tx(const struct actor *a, struct permit *p, const char *action,
		     const struct permit_act_in *in, struct permit_err *e);
/* Actions actor a may take on p (the buttons a page offers), NULL-terminated, in table order. */
int permit_actions_for(const struct actor *a, const struct permit *p, const char **out, int max);

/* --- permit_store.c --- */
struct permit *permit_load(struct db *c, int64_t id);
/* Where an application or a gas reading is read from: field(ctx, name) gives a form field or
 * JSON member as text (NULL when absent), json the JSON body for the lists (workers, measures,
 * related, toxic) or NULL for a form. Pages and the API read the request through it
 * (permit_input_req() in permit_web.c); a test or the command line gives its own. */
struct permit_input {
	const char *(*field)(void *ctx, const char *name);
	void *ctx;
	json_t *json;
};
/* Read an application from in, derive the grade, check what can be checked before
 * submission, and store it as a draft of actor a, the applicant (id > 0: replace that draft),
 * with its audit entry in the same transaction. 0 and *id, or -1. */
int permit_save_application(const struct actor *a, const struct permit_input *in, int64_t *id,
			    struct permit_err *e);
/* Record a gas test read from in on permit id, measured by a (or witnessed by the guardian or
 * a holder of permit.guard). 0 and *passed, or -1. */
int permit_record_gas(const struct actor *a, const struct permit_input *in, int64_t id, int *passed,
		      struct permit_err *e);
/* A time: UTC seconds, or "YYYY-MM-DDTHH:MM" in the plant's zone (a datetime-local input). */
int permit_parse_time(const char *s, int64_t *out);
/* The request as a permit_input (permit_web.c). */
void permit_input_req(struct req *r, struct permit_input *in);
/* May the requester (the actor) see p? (data scope, or they are on the permit) */
int permit_visible(struct req *r, const struct permit *p);
int permit_visible_to(const struct actor *a, const struct permit *p);
const char *permit_user_name(struct req *r, int64_t user_id);
int64_t permit_setting_int(struct db *c, const char *key, int64_t dflt);
const char *permit_setting(struct req *r, const char *key, const char *dflt);

/* --- pages and API --- */
extern const struct route permit_routes[];
/* its entry in the module table (base/module.h), listed in src/modules.c */
struct module;
extern const struct module permit_module;
/* Answer with the error: JSON for the API, an error page otherwise. Clears e. */
void permit_err_respond(struct req *r, struct permit_err *e);
/* The signature, reason, location and other inputs of an action, from a form or JSON. */
int permit_read_act_in(struct req *r, struct permit_act_in *in, struct permit_err *e);
/* Catalogue text for prefix + "." + code ("permit.state" + "approved"). */
const char *permit_tr(struct req *r, const char *prefix, const char *code);
/* A grade as shown ("一级", "II") — "" for types without grades. */
const char *permit_grade_label(struct req *r, const char *type, const char *grade);
/* Page handlers shared between files */
int permit_site_page(struct req *r);
/* permit_picker.c: person pickers (own unit first, the qualified first, searchable) */
struct permit_people;
struct permit_people *permit_people_load(struct req *r);
/* role: "guardian", or the operation the workers need a certificate for; day as cert.h's */
struct permit_people *permit_people_for(struct req *r, const char *role, int64_t day);
/* ... and marked for the permit type's protective equipment of role "workers" or "guardian"
 * (a block: unqualified, the item named; a warn: marked beside the name). */
void permit_people_ppe(struct req *r, struct permit_people *pp, const char *type, const char *role, int64_t day);
void permit_picker(struct req *r, const struct permit_people *pp, const char *name, int required, html_raw attrs,
		   const char *aria_label, const char *blank, int64_t selected);
/* permit_form_web.c: the application form and the draft's edit page */
void permit_form_page(struct req *r, const char *type, const struct permit_input *v, int64_t id,
		      const struct permit_err *e);
void permit_form_stored(struct req *r, const struct permit *p, const struct permit_err *e);
int permit_editable(struct req *r, const struct permit *p);
int permit_edit_page(struct req *r);
int permit_save_post(struct req *r, int64_t id);
int permit_update_post(struct req *r);
const char *permit_done_text(struct req *r, const struct permit *p, const char *done);
int permit_print_page(struct req *r);
int permit_api_list(struct req *r);
int permit_api_create(struct req *r);
int permit_api_show(struct req *r);
int permit_api_update(struct req *r);
int permit_api_act(struct req *r);
int permit_api_gas(struct req *r);
int permit_api_catalogue(struct req *r);
int permit_api_grade(struct req *r);
int permit_api_calendar(struct req *r);
int permit_api_areas(struct req *r);
int permit_api_site(struct req *r);
int permit_api_options(struct req *r);
html_raw permit_qr_svg(struct req *r, const char *text);	/* inline SVG markup */

/* --- permit_sched.c --- */
int permit_sched_run(struct db *c, int64_t now);

/* --- permit_demo.c --- */
int permit_demo_load(struct db *c);

#endif
