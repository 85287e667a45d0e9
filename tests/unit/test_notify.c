/*
 * test_notify.c — a notification is rendered in the language of the person who receives it,
 * whatever the language (or the absence of one: the scheduler) of what caused it.
 */
#include "unit.h"
#include "db/db.h"
#include "notify/notify.h"

#include <stdint.h>
#include <stdlib.h>

/* hazard.c's notifier for a new assignee (the path of the dispatch action and of the scheduler) */
int hazard_notify_assignee(struct db *c, int64_t hazard_id, int64_t uid, const char *number);

static char *title_of(struct db *c, int64_t uid, const char *kind)
{
	char *t = NULL;
	db_get_text(c, &t, "SELECT title FROM notifications WHERE user_id = ? AND kind = ?", "It", uid, kind);
	return t;
}

TEST(notification_is_in_the_recipients_language)
{
	struct db *c = unit_db();
	CHECK(db_exec(c, "INSERT INTO units (id, name, kind, path, created_at) VALUES (1, 'plant', 'company', '/1/', 0)",
		      "") == DB_OK);
	CHECK(db_exec(c, "INSERT INTO users (id, username, name, unit_id, password_hash, lang, created_at, updated_at)"
			 " VALUES (901, 'alice', 'Alice', 1, 'x', 'en', 0, 0), (902, 'wang', '王工', 1, 'x', 'zh', 0, 0)",
		      "") == DB_OK);
	CHECK(hazard_notify_assignee(c, 7, 901, "YH-2026-0007") == 0);
	CHECK(hazard_notify_assignee(c, 7, 902, "YH-2026-0007") == 0);
	char *en = title_of(c, 901, "hazard.assigned"), *zh = title_of(c, 902, "hazard.assigned");
	CHECK_STR(en, "A hazard was assigned to you: YH-2026-0007");
	CHECK_STR(zh, "您有新的隐患待整改 YH-2026-0007");
	free(en);
	free(zh);
	/* a catalogue body, and a body in the user's own words kept as written */
	CHECK_INT(notify_send(c, 901, &(struct notify_msg){"t.a", "hazard.notify_assigned", NULL, "hazard.clock_respond",
							      NULL, "/x", "k1"}), 1);
	CHECK_INT(notify_send(c, 901, &(struct notify_msg){"t.b", "hazard.notify_assigned", "N", NULL, "原文", "/x", "k2"}),
		  1);
	CHECK_INT(notify_send(c, 901, &(struct notify_msg){"t.b", "hazard.notify_assigned", "N", NULL, "原文", "/x", "k2"}),
		  0);	/* told once */
	char *body = NULL;
	CHECK_INT(db_get_text(c, &body, "SELECT body FROM notifications WHERE user_id = 901 AND kind = 't.b'", ""), 1);
	CHECK_STR(body, "原文");
	free(body);
	body = NULL;
	CHECK_INT(db_get_text(c, &body, "SELECT body FROM notifications WHERE user_id = 901 AND kind = 't.a'", ""), 1);
	CHECK_STR(body, "response deadline");
	free(body);
	db_close(c);
}
