/*
 * actor.h — who does a domain action, on which database, in which language, at what time:
 * what domain functions (hazard_create(), hazard_act(), ...) take instead of the HTTP request.
 *
 * The web layer builds one from the request (actor_from_req()), the scheduler and the command
 * line build their own (actor_system()), and a unit test builds one by hand; so the rules can
 * be called, and tested, without a request. It grew from struct audit_actor (audit.h), which
 * is still what an audit entry records (actor_audit() fills it).
 *
 * An actor borrows everything it points to (the request's identity, string literals); it
 * owns nothing and needs no freeing.
 */
#ifndef ANQUAN_ACTOR_H
#define ANQUAN_ACTOR_H

#include <stdint.h>

struct db;
struct req;

struct actor {
	struct db *db;
	int64_t user_id;		/* 0: the system (scheduler, command line, demo) */
	const char *username;		/* for the audit entry: the login, or "system", "cli", ... */
	const char *ip;			/* the client's address, or "local" */
	int system;			/* the program itself: holds every permission and scope */
	int64_t unit_id;
	const char *unit_path;		/* "/1/4/9/" */
	const char *perms;		/* " a.b c.d " — padded, as struct identity's */
	const char *scope;		/* own | unit | subtree | company */
	const char *scope_pattern;	/* LIKE pattern on units.path the scope allows */
	int preview;			/* previewing a role: may look, may not act */
	const char *lang;		/* "zh" or "en": T(a, key) works on an actor as on a request */
	int64_t now;			/* the clock of this action (UTC seconds) */
};

/* The requester (r->who; all zero but db, ip, lang and now when not logged in). */
void actor_from_req(struct req *r, struct actor *a);
/* The program acting on its own, under `name` ("system", "cli", "demo") in the audit log, in
 * the plant's language (the `lang` setting). */
void actor_system(struct db *c, const char *name, struct actor *a);

/* Does the actor hold `perm`? */
int actor_has(const struct actor *a, const char *perm);
/* Is `perm` one of the space-padded list " a.b c.d "? (the test under auth_has()) */
int actor_perms_has(const char *perms, const char *perm);
/* Does the active person user_id hold `perm` through their roles? For choosing people: the one
 * put on a hazard or a permit must hold the permission of the step they will have to take. */
int actor_user_has(struct db *c, int64_t user_id, const char *perm);
/* May the actor see a record of unit_id owned by owner_id (0: nobody), by their data scope? */
int actor_scope_allows(const struct actor *a, int64_t unit_id, int64_t owner_id);
/*
 * Visible units — the one place a person's data scope becomes units. Every list query, the
 * dashboards' starting unit and the permit options ask these (through auth_scope_*() on a
 * request), so that "what may this person see" is computed once.
 *
 * The LIKE pattern on units.path that `scope` gives a person placed at unit_path:
 *   own      "%"  (every unit: the rows are then limited to the person's own, actor_scope_owner)
 *   unit     the unit alone ("/1/2/5/": a team leader's team)
 *   subtree  the unit and below ("/1/2/%": a workshop director's workshop)
 *   company  the nearest company (plant) above and below it; a person placed above every
 *            company (at group level) gets the whole tree from its root ("/1/%")
 * malloc'd ("" for an unknown scope, which matches nothing).
 */
char *actor_pattern_of(struct db *c, const char *scope, const char *unit_path);
/* The actor's pattern: "%" for the system, "" (nothing) for nobody signed in. */
const char *actor_units_pattern(const struct actor *a);
/* The owner a list is limited to: the actor's user id under the "own" scope, else 0. */
int64_t actor_scope_owner(const struct actor *a);
/* The unit at the top of the actor's scope (where a dashboard starts): the unit the pattern
 * names, or the actor's own unit under "own" or "unit". */
int64_t actor_scope_root(const struct actor *a);
/* The pattern of the actor's plant (company), or of their whole scope when it is wider. malloc'd. */
char *actor_company_pattern(const struct actor *a);

/* Append the audit entry for this actor (inside the caller's write transaction). */
int actor_audit(const struct actor *a, const char *entity, int64_t entity_id, const char *action,
		const char *summary);

#endif
