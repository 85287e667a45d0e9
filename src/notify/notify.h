/*
 * notify.h — tell a person something: the in-app inbox, and through the outbox
 * (notify_outbox.c, migration 0020) e-mail, 企业微信 and 钉钉 robots, SMS and webhooks, as
 * the routing table and the person's preferences say. The outbox rows are written in the
 * same transaction as the inbox row, and a sender thread (notify_sender.c) delivers them
 * with retries, so nothing is lost if a channel is down.
 *
 * A notification is written in the caller's transaction, next to the change it reports.
 * `dedup_key` makes it idempotent: the scheduler may run a step twice (after a crash, or on
 * two overlapping ticks) and the person is still told once ("hazard:42:remind:1").
 */
#ifndef ANQUAN_NOTIFY_H
#define ANQUAN_NOTIFY_H

#include <stdint.h>

struct db;

/* Returns 1 if written, 0 if dedup_key was already used, <0 on error. Inside a transaction. */
int notify_user(struct db *c, int64_t user_id, const char *kind, const char *title,
		const char *body, const char *link, const char *dedup_key);

/*
 * The same, rendered in the RECIPIENT's language (users.lang), not the language of whoever
 * or whatever caused it: a scheduler tick has no language, and a Chinese-speaking reporter's
 * action must still reach an English-speaking assignee in English. The title is the catalogue
 * text of title_key, a space and subject (a hazard or permit number, a name); the body is the
 * catalogue text of body_key, or body as given when body_key is NULL (the user's own words).
 */
struct notify_msg {
	const char *kind;
	const char *title_key;
	const char *subject;	/* may be NULL */
	const char *body_key;	/* may be NULL */
	const char *body;	/* used when body_key is NULL; may be NULL */
	const char *link;
	const char *dedup_key;
};

int notify_send(struct db *c, int64_t user_id, const struct notify_msg *m);

/* Queue the outbox rows of a new inbox row (called by notify_user). Returns how many rows
 * were written, <0 on error. Inside the caller's transaction. */
int notify_outbox_route(struct db *c, int64_t user_id, const char *kind, const char *title, const char *body,
			const char *link, const char *dedup_key);

/* The digest goes out at 08:00 local time. */
#define NOTIFY_DIGEST_MINUTE (8 * 60)
int notify_in_quiet(int64_t t, int from_minute, int to_minute);
int64_t notify_digest_at(int64_t t);	/* the next 08:00 local at or after t */

/*
 * The sender (notify_sender.c). notify_deliver() sends what is due now on connection c:
 * claims rows (state sending, committed), sends, records the outcome: sent, retrying with
 * exponential back-off and jitter, or dead after notify.max_attempts. Returns how many rows
 * reached a final or retry state, <0 on error. Safe to call from two threads (one runs at a
 * time). notify_recover() puts rows a crash left in `sending` back to retrying (start-up).
 */
int notify_deliver(struct db *c, int64_t now);
int notify_recover(struct db *c);
/* The scheduler's job: notify_deliver(), after notify_recover() when this server has just
 * become the leader (db/leader.h). */
int notify_job(struct db *c, int64_t now);
/* The sender thread of `serve`: delivers every interval_ms (0: no thread, only the test
 * tick and the scheduler deliver). */
int notify_sender_start(int interval_ms);
void notify_sender_stop(void);

#endif
