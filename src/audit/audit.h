/*
 * audit.h — the tamper-evident audit log.
 *
 * Every state change appends one entry in the same transaction as the change: who, when,
 * from which address, which entity, what action, and a summary of what changed. Entries are
 * chained with a key: hash = HMAC-SHA256(key, prev_hash || canonical JSON of the entry), the
 * key in DATA/audit.key outside the database, and the chain's head is written after each
 * commit to DATA/audit.anchor (audit_anchor.c). So editing, reordering or deleting any entry,
 * deleting the newest ones or emptying the table, and recomputing the chain without the key
 * are all found, and `anquan audit verify` names the first entry that does not fit (等保 2.0,
 * GB/T 22239-2019 §8.1.4.3 audit records protected from deletion and modification).
 *
 * Databases from before the key: their rows were chained with plain SHA-256. The first
 * append with a key records the switch-over in audit_chain (keyed_from = the first keyed id);
 * rows before it are verified as plain SHA-256, rows from it on with the key, and the anchor
 * covers both (an edit of an old row changes every hash after it, the anchored head too).
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

/* A chain head: the last entry's id and hash (seq 0: empty). */
struct audit_head {
	int64_t seq;
	int64_t at;		/* anchor lines: when it was written */
	char hash[65];
};

/* Load DATA/audit.key, creating it (0600, random) if absent (*created set to 1 then), and
 * open DATA/audit.anchor for appending. Once per process, after the database is migrated
 * and before the first append. Again with another directory replaces the first. */
int audit_open(const char *data_dir, int *created, char **err);
void audit_close(void);
/* Check the loaded key against the one the database's chain was written with: 0 same or no
 * keyed entry yet, -1 different (with *err); the server refuses to start then. */
int audit_key_check(struct db *c, char **err);
const unsigned char *audit_key(void);	/* NULL before audit_open */
const char *audit_key_id(void);		/* 16 hex digits naming the key, or NULL */
const char *audit_anchor_path(void);	/* NULL before audit_open */
/* Append a line to the anchor (tag NULL, or "restore"); 0 also when no anchor is open. */
int audit_anchor_write(int64_t seq, const char *hash, const char *tag);
void audit_anchor_sync(void);
/* The anchored head of the file at path: 0 found, 1 none yet, -1 unreadable. */
int audit_anchor_read(const char *path, struct audit_head *out);
/* The last entry of the database's log (seq 0 if empty). */
int audit_head(struct db *c, struct audit_head *out);

/* Append an entry. Must run inside the caller's write transaction. */
int audit_append(struct db *c, const struct audit_actor *who, const char *entity,
		 int64_t entity_id, const char *action, const char *summary);
/* The same, with the actor taken from the request. */
int audit_req(struct req *r, const char *entity, int64_t entity_id, const char *action,
	      const char *summary);

/* What a full check found. */
enum audit_state {
	AUDIT_INTACT,
	AUDIT_BROKEN,		/* an entry edited, reordered or deleted in the middle */
	AUDIT_REWRITTEN,	/* chain recomputed: its head differs from the anchor */
	AUDIT_TRUNCATED,	/* the newest entries deleted: the anchor is ahead of the table */
	AUDIT_EMPTIED,		/* no entries, the anchor records some */
	AUDIT_NO_ANCHOR,	/* keyed entries but no anchor line: the anchor file was removed */
	AUDIT_WRONG_KEY,	/* audit.key is not the key the chain was written with */
	AUDIT_NO_KEY,		/* keyed entries and no key loaded */
};

struct audit_report {
	enum audit_state state;
	int64_t checked;	/* entries read */
	int64_t bad_id;		/* first entry that does not fit (or the first missing) */
	int64_t last_id;	/* the table's head */
	int64_t keyed_from;	/* first keyed id; 0: no keyed entry yet (all plain SHA-256) */
	struct audit_head anchor;	/* seq 0: no anchor line */
	const char *why;	/* static English sentence, NULL if intact */
};

/* Walk the chain and compare its head with the anchor file at anchor_path (NULL: the one
 * audit_open opened). Returns 0 if the walk ran (see r->state), -1 if the log is unreadable. */
int audit_check(struct db *c, const char *anchor_path, struct audit_report *r);
/* The same against an anchored head read earlier (NULL: no anchor to compare with). */
int audit_check_with(struct db *c, const struct audit_head *anchor, struct audit_report *r);

/* The same, for pages: returns 0 if intact; else the id of the first bad entry, with *why
 * set to a static English description; -1 if unreadable. *checked gets the entries read. */
int64_t audit_verify(struct db *c, int64_t *checked, const char **why);

/* The log for a regulator (audit_export.c): CSV, or JSON lines with a signed trailer (the
 * chain's head, the chain check's result, Ed25519 over the SHA-256 of the lines). Returns 0
 * written and the chain intact, 1 written but the chain is not (*why says how), -1 not
 * written (*why). The public key as 64 hex digits: 0, or -1 without a key. */
#include <stdio.h>
int audit_export(struct db *c, FILE *f, int jsonl, const char **why);
int audit_export_public_key(char hex[65]);

extern const struct route audit_routes[];
/* its entry in the module table (base/module.h), listed in src/modules.c */
struct module;
extern const struct module audit_module;

#endif
