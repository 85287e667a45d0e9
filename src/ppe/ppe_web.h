/*
 * ppe_web.h — what the PPE pages (ppe_web.c) and the JSON API (ppe_api.c) share: the records
 * read as JSON once (ppe_query.c), so that a page and its API answer show the same thing.
 */
#ifndef ANQUAN_PPE_WEB_H
#define ANQUAN_PPE_WEB_H

#include <jansson.h>
#include <stdint.h>

#include "http/http.h"

/* A person's page: balance, what they hold with its due day and state, what they redeemed;
 * with rewards set, the redemption catalogue with stock. NULL: no such person. */
json_t *ppe_person_json(struct req *r, int64_t user_id, int rewards);
/* 0 when the person is in the caller's scope; else answered 404 */
int ppe_person_scope(struct req *r, int64_t user_id);
/* Stock per store and item. */
json_t *ppe_stock_json(struct req *r);
/* People hired within ppe.new_hire_days whose position's list is not all held, in scope. */
json_t *ppe_unequipped_json(struct req *r, int page, int per_page);
/* A team's month: each member's earned, spent, balance; unit and month as read (0 ok, else
 * answered). */
int ppe_statement_args(struct req *r, int64_t *unit, int *year, int *month);
json_t *ppe_statement_json(struct req *r, int64_t unit, int year, int month);
/* The yearly 安全贡献奖 list of a unit's subtree, with the evidence. */
int ppe_award_args(struct req *r, int64_t *unit, int *year);
json_t *ppe_award_json(struct req *r, int64_t unit, int year);
/* The catalogue, each position's list and each permit type's requirements. */
json_t *ppe_catalogue_json(struct req *r);
/* Time off waiting for the caller's decision. */
json_t *ppe_pending_json(struct req *r);
json_t *ppe_day_json(int64_t day);

/* the pages (ppe_web.c), listed in the route table of ppe_api.c */
int ppe_page_me(struct req *r);
int ppe_page_confirm(struct req *r);
int ppe_page_redeem(struct req *r);
int ppe_page_store(struct req *r);
int ppe_page_issue(struct req *r);
int ppe_page_receive(struct req *r);
int ppe_page_person(struct req *r);
int ppe_page_end(struct req *r);
int ppe_page_use(struct req *r);
int ppe_page_unequipped(struct req *r);
int ppe_page_statement(struct req *r);
int ppe_page_award(struct req *r);
int ppe_page_approvals(struct req *r);
int ppe_page_decide(struct req *r);
int ppe_page_catalogue(struct req *r);

/* the safety department's pages (ppe_admin_web.c) */
#define PPE_ADMIN_DECL(pfx)                                                                      \
	int pfx##_list(struct req *r);                                                          \
	int pfx##_new(struct req *r);                                                           \
	int pfx##_create(struct req *r);                                                        \
	int pfx##_edit(struct req *r);                                                          \
	int pfx##_update(struct req *r);                                                        \
	int pfx##_deact(struct req *r);
PPE_ADMIN_DECL(ppe_adm_item)
PPE_ADMIN_DECL(ppe_adm_pi)
PPE_ADMIN_DECL(ppe_adm_reward)
int ppe_adm_positions(struct req *r);
/* the issue ledger (ppe_ledger_web.c) */
int ppe_page_ledger(struct req *r);
int ppe_api_ledger(struct req *r);
int ppe_page_signature(struct req *r);
int ppe_ledger_xlsx(struct req *r);
int ppe_ledger_pdf(struct req *r);
int ppe_adm_position(struct req *r);
int ppe_adm_position_save(struct req *r);

#endif
