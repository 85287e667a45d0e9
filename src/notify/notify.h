/*
 * notify.h — tell a person something: the in-app inbox now; e-mail and WeCom/DingTalk
 * robots later read the same rows (the outbox pattern), so nothing is lost if a channel is
 * down.
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

#endif
