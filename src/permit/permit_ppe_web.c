/*
 * permit_ppe_web.c — the permit page's notice of protective equipment a worker or the
 * guardian lacks where the item is set to warn (an item set to block never gets this far:
 * permit_rules.c refuses the permit). The rule is the PPE module's (ppe/ppe.h).
 */
#include "permit/permit.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "ppe/ppe.h"
#include "web/html.h"
#include "web/i18n.h"

#include <stdlib.h>

static void one(struct req *r, const struct permit *p, const char *role, int64_t uid, struct strbuf *sb)
{
	const char *why = NULL;
	char *detail = NULL, *name = NULL;
	if (ppe_permit_check(r->db, p->type, role, uid, permit_cert_day(p->planned_start), &why, &detail) == 2) {
		db_get_text(r->db, &name, "SELECT name FROM users WHERE id = ?", "I", uid);
		html_printf(sb, "<li class=\"ppe-warn\">%s: %s</li>", name ? name : "", detail ? detail : "");
	}
	free(name);
	free(detail);
}

void permit_ppe_html(struct req *r, const struct permit *p)
{
	struct strbuf sb = STRBUF_INIT;
	if (p->guardian_id)
		one(r, p, "guardian", p->guardian_id, &sb);
	for (int i = 0; i < p->nworkers; i++)
		one(r, p, "workers", p->workers[i].user_id, &sb);
	if (sb.len)
		html_printf(&r->out, "<div class=\"notice notice-warn permit-ppe\" role=\"status\"><strong>%s</strong><ul>%r</ul></div>",
			    T(r, "ppe.permit_warn"), html_raw_sb(&sb));
	sb_release(&sb);
}
