/*
 * ppe_permit.c — what a permit's people must wear. The permit module calls
 * ppe_permit_check() beside cert_may_operate() for each worker and the guardian (its
 * permit_rules.c): each row of ppe_permit_items for the permit type and the role must be met
 * by a piece the person holds, confirmed or not, within its life on the permit's day; items
 * of one alt_group are alternatives (受限空间: either breathing apparatus). A row at level
 * block refuses the permit as a lapsed certificate does; a row at warn is reported and let
 * through (the permit page shows it).
 */
#include "ppe/ppe.h"
#include "base/day.h"
#include "base/strbuf.h"
#include "db/db.h"

#include <stdlib.h>
#include <string.h>

struct req_row {
	char *group;	/* the alt_group, or the item's code when alone */
	char *name;
	int block;
	int met;
};

int ppe_permit_check(struct db *c, const char *permit_type, const char *role, int64_t user_id, int64_t day,
		     const char **reason_key, char **detail)
{
	*reason_key = NULL;
	*detail = NULL;
	struct req_row *v = NULL;
	int n = 0, cap = 0;
	/* held: state held, not past its due day nor its uses (ppe_state_at's rule, in SQL) */
	struct db_stmt *st = db_query(c,
		"SELECT CASE WHEN q.alt_group = '' THEN i.code ELSE q.alt_group END, i.name, q.level = 'block',"
		" EXISTS (SELECT 1 FROM ppe_holdings h WHERE h.user_id = ? AND h.item_id = q.item_id AND h.state = 'held'"
		"  AND (h.due_on IS NULL OR h.due_on > ?) AND (i.cycle_uses IS NULL OR h.uses < i.cycle_uses))"
		" FROM ppe_permit_items q JOIN ppe_items i ON i.id = q.item_id"
		" WHERE q.permit_type = ? AND (q.who = ? OR q.who = 'all') ORDER BY i.id, q.id",
		"IItt", user_id, day, permit_type, role);
	while (st && db_step(st) == 1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			v = xrealloc(v, (size_t)cap * sizeof *v);
		}
		v[n].group = xstrdup(db_col_text(st, 0));
		v[n].name = xstrdup(db_col_text(st, 1));
		v[n].block = (int)db_col_i64(st, 2);
		v[n].met = (int)db_col_i64(st, 3);
		n++;
	}
	db_done(c, st);
	/* a group is met when any of its items is; it blocks when any unmet item of it blocks */
	struct strbuf blocked = STRBUF_INIT, warned = STRBUF_INIT;
	for (int i = 0; i < n; i++) {
		int met = 0, block = 0, first = 1;
		for (int j = 0; j < n; j++)
			if (!strcmp(v[j].group, v[i].group)) {
				met |= v[j].met;
				block |= v[j].block;
				if (j < i)
					first = 0;
			}
		if (met || !first)
			continue;
		struct strbuf *o = block ? &blocked : &warned;
		if (o->len)
			sb_adds(o, "、");
		for (int j = i, k = 0; j < n; j++)
			if (!strcmp(v[j].group, v[i].group)) {
				if (k++)
					sb_adds(o, "/");
				sb_adds(o, v[j].name);
			}
	}
	for (int i = 0; i < n; i++) {
		free(v[i].group);
		free(v[i].name);
	}
	free(v);
	if (blocked.len) {
		*reason_key = "ppe.reason.missing";
		*detail = sb_detach(&blocked, NULL);
		sb_release(&warned);
		return 0;
	}
	if (warned.len) {
		*reason_key = "ppe.reason.warn";
		*detail = sb_detach(&warned, NULL);
		return 2;
	}
	return 1;
}
