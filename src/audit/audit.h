/*
 * audit.h — the tamper-evident audit log.
 *
 * Every state change appends one entry in the same transaction as the change: who, when,
 * from which address, which entity, what action, and a summary of what changed. Entries are
 * hash-chained: hash = SHA-256(prev_hash || canonical JSON of the entry), so editing,
 * reordering or deleting any entry breaks the chain from there on, and `anquan audit verify`
 * names the first entry that does not fit (等保 2.0, GB/T 22239-2019 §8.1.4.3 audit records).
 */
#ifndef ANQUAN_AUDIT_H
#define ANQUAN_AUDIT_H

#include <stdint.h>

#include "http/http.h"

struct db;
struct req;

struct audit_actor {
	int64_t user_id;
	const char *username;
	const char *ip;
};

/* Append an entry. Must run inside the caller's write transaction. */
int audit_append(struct db *c, const struct audit_actor *who, const char *entity,
		 int64_t entity_id, const char *action, const char *summary);
/* The same, with the actor taken from the request. */
int audit_req(struct req *r, const char *entity, int64_t entity_id, const char *action,
	      const char *summary);

/* Walk the chain. Returns 0 if intact; else the id of the first bad entry, with *why set to
 * a static English description. *checked gets the number of entries read. */
int64_t audit_verify(struct db *c, int64_t *checked, const char **why);

extern const struct route audit_routes[];

#endif
