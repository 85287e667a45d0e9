/*
 * ppe.h — protective equipment and incentives (劳动防护用品 · 积分兑换 · 安全贡献): the
 * catalogue and what each post and permit type requires (GB 39800.1-2020, as data), the
 * signed issue ledger with stock per store, what each person holds and when it is due, the
 * permit check of a worker's and guardian's equipment, the points people earn (the `points`
 * ledger the hazard module began) and what they buy with them, and the yearly nomination
 * list of 安全贡献奖.
 *
 *   ppe_rules.c     due dates and states (pure functions, unit-tested)
 *   ppe_ledger.c    stock, receipts, issue, confirmation, return, disposal
 *   ppe_sign.c      a signature on the store keeper's tablet as the receipt of an issue
 *   ppe_use.c       uses of items counted in uses (a tap, and each closed permit)
 *   ppe_points.c    earning (the job), balances, redemption, approval, statements
 *   ppe_permit.c    what a permit's people must wear, for the permit module's checks
 *   ppe_web.c, ppe_api.c, ppe_admin_web.c   pages and the JSON API
 *   ppe_demo.c      catalogue per post, stores, a year of issues and redemptions
 */
#ifndef ANQUAN_PPE_H
#define ANQUAN_PPE_H

#include <stdint.h>

#include "http/http.h"

struct actor;
struct db;

/* ---- rules (ppe_rules.c) ---- */
enum ppe_state { PPE_OK, PPE_DUE_SOON, PPE_EXPIRED };
/* The replacement day of a piece issued on `issued`: issued + cycle_days, or received +
 * shelf_days if earlier (either may be 0: not set); DAY_NONE when neither applies. */
int64_t ppe_due_day(int64_t issued, int64_t cycle_days, int64_t received, int64_t shelf_days);
/* A piece's state on `today`: expired after its due day or once its uses reach cycle_uses
 * (0: not counted); due soon within warn_days of the due day or at the last use. */
enum ppe_state ppe_state_at(int64_t today, int64_t due, int64_t uses, int64_t cycle_uses, int warn_days);
/* The warning window of an item: the setting (ppe.due_warn_days), at most a quarter of the
 * item's cycle in days, at least one day. */
int ppe_warn_days(int setting, int64_t cycle_days);
const char *ppe_state_code(enum ppe_state s);	/* ok, due_soon, expired */
/* What may still be spent: earned − spent, never below 0 (a refund is never more than paid). */
int64_t ppe_balance(int64_t earned, int64_t spent);

/* An error for the user: status, catalogue key, field. */
struct ppe_err {
	int status;
	const char *key;
	const char *field;
};

/* ---- ledger (ppe_ledger.c): each in one transaction with its audit entry ---- */
struct ppe_issue_in {
	int64_t store_id, item_id, user_id, qty;
	const char *size, *permit_no;
	int64_t redemption_id;	/* set by a redemption */
	/* a signature drawn on the store keeper's tablet (PNG, ppe_sign.c), or NULL: stored with
	 * the issue, and it stands for the holder's confirmation */
	const unsigned char *signature;
	size_t signature_len;
};
/* Inside the caller's transaction: stock decremented if enough (one conditional UPDATE),
 * the holding and the move row. Returns the holding id, or -1 with e. */
int64_t ppe_issue_tx(const struct actor *a, const struct ppe_issue_in *in, struct ppe_err *e);
int64_t ppe_issue(const struct actor *a, const struct ppe_issue_in *in, struct ppe_err *e);
int ppe_receive(const struct actor *a, int64_t store_id, int64_t item_id, int64_t qty, int64_t made_on,
		struct ppe_err *e);
int ppe_confirm(const struct actor *a, int64_t holding_id, struct ppe_err *e);
/* kind "return" (back to stock) or "dispose" (判废) */
int ppe_end(const struct actor *a, int64_t holding_id, const char *kind, struct ppe_err *e);

/* ---- signatures (ppe_sign.c) ---- */
#define PPE_SIGNATURE_MAX (200u * 1024u)	/* a line drawing on a tablet: a few tens of KB */
/* A PNG by its magic bytes and IHDR, at most PPE_SIGNATURE_MAX: 0 with its size, else -1. */
int ppe_signature_check(const unsigned char *b, size_t n, int *w, int *h);
/* base64, with or without a "data:image/png;base64," prefix: 0 with *out malloc'd (NULL and
 * *n 0 when text is empty), -1 when it is not base64 or too long. */
int ppe_signature_decode(const char *text, unsigned char **out, size_t *n);
/* Inside the caller's transaction: the blob (once per content) and the holding's receipt. */
int ppe_signature_store(struct db *c, int64_t holding_id, const unsigned char *b, size_t n, int64_t now);

/* ---- uses (ppe_use.c) ---- */
/* One use of a piece counted in uses: by its holder, or a store keeper (ppe.issue) in scope. */
int ppe_use(const struct actor *a, int64_t holding_id, struct ppe_err *e);
/* The job's part, in the caller's transaction: one use per counted item a closed permit's
 * type required of each of its people, each permit once. Uses recorded, or -1. */
int ppe_permit_uses_run(struct db *c, int64_t now);

/* ---- points (ppe_points.c) ---- */
int64_t ppe_user_earned(struct db *c, int64_t user_id);
int64_t ppe_user_spent(struct db *c, int64_t user_id);
/* Redeem reward for the actor: debit, and for an item the issue from stock, atomically.
 * Returns the redemption id or -1 with e. */
int64_t ppe_redeem(const struct actor *a, int64_t reward_id, const char *size, struct ppe_err *e);
/* A team leader decides a time-off redemption: approve, or refuse (the points go back). */
int ppe_decide(const struct actor *a, int64_t redemption_id, int approve, struct ppe_err *e);
int ppe_sched_run(struct db *c, int64_t now);
int ppe_award_records(struct db *c, int64_t now);	/* the job's work, in the caller's transaction */

/* ---- permits (ppe_permit.c) ----
 * Does user hold, on `day`, what permit type requires of `role` ("workers" or "guardian")?
 * 1 yes; 0 a block (*reason_key, *detail malloc'd naming the item); 2 held except items
 * marked warn (*detail names them). */
int ppe_permit_check(struct db *c, const char *permit_type, const char *role, int64_t user_id, int64_t day,
		     const char **reason_key, char **detail);

/* ---- web ---- */
int ppe_demo_load(struct db *c);
int64_t ppe_todo_confirm(struct req *r);
int64_t ppe_todo_approve(struct req *r);
void ppe_err_answer(struct req *r, const struct ppe_err *e, const char *back);
extern const struct route ppe_routes[];
struct module;
extern const struct module ppe_module;

#endif
