/*
 * ppe_api.c — the PPE JSON API under /api/v1/ppe: the catalogue and its settings (safety
 * department), stock and the issue ledger (store keepers), a person's holdings and points,
 * redemptions and their approval, the monthly statement and the nomination list. Errors
 * name the field; each write is one transaction with its audit entry (ppe_ledger.c,
 * ppe_points.c). The shapes are in ppe_module.c.
 */
#include "ppe/ppe.h"
#include "ppe/ppe_web.h"
#include "audit/audit.h"
#include "auth/actor.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/day.h"
#include "db/db.h"
#include "web/entity.h"
#include "web/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An integer member: *out set and 0; absent (optional) leaves *out; -1 answered 422. */
static int get_int(struct req *r, const char *name, int64_t min, int64_t max, int required, int64_t *out)
{
	json_t *v = r->json ? json_object_get(r->json, name) : NULL;
	if (!v || json_is_null(v)) {
		if (!required)
			return 0;
	} else if (json_is_integer(v) && json_integer_value(v) >= min && json_integer_value(v) <= max) {
		*out = json_integer_value(v);
		return 0;
	}
	char key[48];
	snprintf(key, sizeof key, "ppe.err.%s", name);
	resp_error(r, 422, "invalid", T(r, key), name);
	return -1;
}

static const char *get_str(struct req *r, const char *name)
{
	json_t *v = r->json ? json_object_get(r->json, name) : NULL;
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int64_t me(struct req *r)
{
	return r->who ? r->who->user_id : 0;
}

static int api_me(struct req *r)
{
	json_t *o = ppe_person_json(r, me(r), 1);
	if (!o) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	resp_json(r, 200, o);
	return 0;
}

static int api_person(struct req *r)
{
	int64_t id;
	if (req_param_id(r, "id", &id)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	if (ppe_person_scope(r, id))
		return 0;
	resp_json(r, 200, ppe_person_json(r, id, 0));
	return 0;
}

/* a list as the one paginated envelope */
static void paged(struct req *r, json_t *all)
{
	int page, per_page;
	req_page(r, 50, &page, &per_page);	/* out of range: the router answers 400/422 */
	json_t *items = json_array();
	size_t n = json_array_size(all);
	for (size_t i = (size_t)(page - 1) * (size_t)per_page; i < n && i < (size_t)page * (size_t)per_page; i++)
		json_array_append(items, json_array_get(all, i));
	json_decref(all);
	resp_json(r, 200, json_pack("{s:o, s:i, s:i, s:I}", "items", items, "page", page, "per_page", per_page, "total",
				    (json_int_t)n));
}

static int api_items(struct req *r)
{
	json_t *c = ppe_catalogue_json(r);
	json_t *items = json_incref(json_object_get(c, "items"));
	json_decref(c);
	paged(r, items);
	return 0;
}

static int api_catalogue(struct req *r)
{
	resp_json(r, 200, ppe_catalogue_json(r));
	return 0;
}

static const char *const kinds[] = {"head", "eye_face", "hearing", "respiratory", "hand", "foot", "body", "fall", "other", NULL};

static int in_list(const char *s, const char *const *list)
{
	for (int i = 0; s && list[i]; i++)
		if (!strcmp(s, list[i]))
			return 1;
	return 0;
}

/* POST /api/v1/ppe/items (new) and /api/v1/ppe/items/:id (change): a cycle of 0 or below is
 * refused (an item that never wears out is not an item the ledger can track). */
static int api_item_save(struct req *r)
{
	int64_t id = 0, cycle = 0, uses = 0, shelf = 0, permit_only = 0;
	int update = req_param(r, "id") != NULL;
	if (update && (req_param_id(r, "id", &id) || db_get_i64(r->db, &cycle, "SELECT id FROM ppe_items WHERE id = ?", "I", id) != 1)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	cycle = 0;
	const char *code = get_str(r, "code"), *name = get_str(r, "name"), *kind = get_str(r, "kind");
	const char *std = get_str(r, "standard"), *cls = get_str(r, "protection_class"), *sizes = get_str(r, "sizes");
	const char *name_en = get_str(r, "name_en");
	if (!update && (!code || !*code || strlen(code) > 40)) {
		resp_error(r, 422, "invalid", T(r, "ppe.err.code"), "code");
		return 0;
	}
	if ((!update || name) && (!name || !*name || strlen(name) > 100)) {
		resp_error(r, 422, "invalid", T(r, "ppe.err.name"), "name");
		return 0;
	}
	if ((!update || kind) && !in_list(kind, kinds)) {
		resp_error(r, 422, "invalid", T(r, "ppe.err.kind"), "kind");
		return 0;
	}
	if ((std && strlen(std) > 100) || (cls && strlen(cls) > 100) || (sizes && strlen(sizes) > 100) ||
	    (name_en && strlen(name_en) > 100)) {
		resp_error(r, 422, "invalid", T(r, "ppe.err.text"), std && strlen(std) > 100 ? "standard" : "sizes");
		return 0;
	}
	if (get_int(r, "cycle_days", 1, 36500, 0, &cycle) || get_int(r, "cycle_uses", 1, 100000, 0, &uses) ||
	    get_int(r, "shelf_days", 1, 36500, 0, &shelf) || get_int(r, "permit_only", 0, 1, 0, &permit_only))
		return 0;
	if (!update && !cycle && !uses) {
		resp_error(r, 422, "invalid", T(r, "ppe.err.cycle_days"), "cycle_days");
		return 0;
	}
	if (db_begin(r->db) != DB_OK)
		goto unavailable;
	int rc;
	if (update)
		rc = db_exec(r->db, "UPDATE ppe_items SET name = coalesce(?, name), name_en = coalesce(?, name_en), kind = coalesce(?, kind),"
			     " standard = coalesce(?, standard), protection_class = coalesce(?, protection_class), sizes = coalesce(?, sizes),"
			     " cycle_days = coalesce(NULLIF(?, 0), cycle_days), cycle_uses = coalesce(NULLIF(?, 0), cycle_uses),"
			     " shelf_days = coalesce(NULLIF(?, 0), shelf_days), permit_only = coalesce(NULLIF(?, -1), permit_only) WHERE id = ?",
			     "ttttttIIIII", name, name_en, kind, std, cls, sizes, cycle, uses, shelf,
			     json_object_get(r->json, "permit_only") ? permit_only : (int64_t)-1, id);
	else
		rc = db_exec(r->db, "INSERT INTO ppe_items (code, name, name_en, kind, standard, protection_class, sizes, cycle_days,"
			     " cycle_uses, shelf_days, permit_only, created_at) VALUES (?, ?, coalesce(?, ''), ?, coalesce(?, ''),"
			     " coalesce(?, ''), coalesce(?, ''), NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), ?, ?)",
			     "ttttttt" "IIIII", code, name, name_en, kind, std, cls, sizes, cycle, uses, shelf, permit_only, clock_now());
	if (rc == DB_CONSTRAINT) {
		db_rollback(r->db);
		resp_error(r, 409, "conflict", T(r, "ppe.err.code_taken"), "code");
		return 0;
	}
	if (!update)
		id = db_last_id(r->db);
	if (rc != DB_OK || audit_req(r, "ppe_item", id, update ? "update" : "create", update ? "changed" : code) != DB_OK ||
	    db_commit(r->db) != DB_OK)
		goto unavailable;
	json_t *c = ppe_catalogue_json(r), *x;
	size_t i;
	json_array_foreach(json_object_get(c, "items"), i, x) if (json_integer_value(json_object_get(x, "id")) == id) {
		resp_json(r, update ? 200 : 201, json_incref(x));
		break;
	}
	json_decref(c);
	return 0;
unavailable:
	db_rollback(r->db);
	resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
	return 0;
}

static const char *const permit_types[] = {"hot_work", "confined_space", "blind_plate", "height", "lifting", "temp_power",
					   "excavation", "road_closure", NULL};
static const char *const whos[] = {"workers", "guardian", "all", NULL};
static const char *const levels[] = {"warn", "block", NULL};

/* POST /api/v1/ppe/permit-items: what a permit type asks, at which level (set, or changed) */
static int api_permit_item(struct req *r)
{
	int64_t item = 0;
	const char *type = get_str(r, "permit_type"), *who = get_str(r, "who"), *level = get_str(r, "level");
	const char *group = get_str(r, "alt_group");
	if (!in_list(type, permit_types)) {
		resp_error(r, 422, "invalid", T(r, "ppe.err.permit_type"), "permit_type");
		return 0;
	}
	if (get_int(r, "item_id", 1, INT64_MAX, 1, &item))
		return 0;
	if (db_get_i64(r->db, &item, "SELECT id FROM ppe_items WHERE id = ? AND active = 1", "I", item) != 1) {
		resp_error(r, 422, "invalid", T(r, "ppe.err.item_id"), "item_id");
		return 0;
	}
	if (!who)
		who = "workers";
	if (!in_list(who, whos)) {
		resp_error(r, 422, "invalid", T(r, "ppe.err.who"), "who");
		return 0;
	}
	if (!in_list(level, levels)) {
		resp_error(r, 422, "invalid", T(r, "ppe.err.level"), "level");
		return 0;
	}
	if (group && strlen(group) > 40) {
		resp_error(r, 422, "invalid", T(r, "ppe.err.text"), "alt_group");
		return 0;
	}
	char sum[96];
	snprintf(sum, sizeof sum, "%s item %lld %s: %s", type, (long long)item, who, level);
	if (db_begin(r->db) != DB_OK ||
	    db_exec(r->db, "INSERT INTO ppe_permit_items (permit_type, item_id, who, alt_group, level) VALUES (?, ?, ?, coalesce(?, ''), ?)"
			   " ON CONFLICT (permit_type, item_id, who) DO UPDATE SET level = excluded.level,"
			   " alt_group = coalesce(?, ppe_permit_items.alt_group)", "tItttt", type, item, who, group, level, group) != DB_OK ||
	    audit_req(r, "ppe_permit_item", item, "set", sum) != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	json_t *c = ppe_catalogue_json(r);
	resp_json(r, 200, json_incref(json_object_get(c, "permits")));
	json_decref(c);
	return 0;
}

/* POST /api/v1/ppe/position-items {position_id, item_id, qty}: a position's list; qty 0 removes */
static int api_position_item(struct req *r)
{
	int64_t pos = 0, item = 0, qty = 1, x;
	if (get_int(r, "position_id", 1, INT64_MAX, 1, &pos) || get_int(r, "item_id", 1, INT64_MAX, 1, &item) ||
	    get_int(r, "qty", 0, 100, 0, &qty))
		return 0;
	if (db_get_i64(r->db, &x, "SELECT id FROM positions WHERE id = ?", "I", pos) != 1) {
		resp_error(r, 422, "invalid", T(r, "ppe.err.position_id"), "position_id");
		return 0;
	}
	if (db_get_i64(r->db, &x, "SELECT id FROM ppe_items WHERE id = ? AND active = 1", "I", item) != 1) {
		resp_error(r, 422, "invalid", T(r, "ppe.err.item_id"), "item_id");
		return 0;
	}
	int rc = db_begin(r->db);
	if (rc == DB_OK)
		rc = qty ? db_exec(r->db, "INSERT INTO ppe_position_items (position_id, item_id, qty) VALUES (?, ?, ?)"
					  " ON CONFLICT (position_id, item_id) DO UPDATE SET qty = excluded.qty", "III", pos, item, qty)
			 : db_exec(r->db, "DELETE FROM ppe_position_items WHERE position_id = ? AND item_id = ?", "II", pos, item);
	char sum[64];
	snprintf(sum, sizeof sum, "item %lld x%lld", (long long)item, (long long)qty);
	if (rc != DB_OK || audit_req(r, "ppe_position", pos, "set", sum) != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	json_t *c = ppe_catalogue_json(r);
	resp_json(r, 200, json_incref(json_object_get(c, "positions")));
	json_decref(c);
	return 0;
}

static int api_stock(struct req *r)
{
	paged(r, ppe_stock_json(r));
	return 0;
}

static void stock_row(struct req *r, int status, int64_t store, int64_t item)
{
	int64_t qty = 0;
	db_get_i64(r->db, &qty, "SELECT qty FROM ppe_stock WHERE store_id = ? AND item_id = ?", "II", store, item);
	resp_json(r, status, json_pack("{s:I, s:I, s:I}", "store_id", (json_int_t)store, "item_id", (json_int_t)item, "qty",
				       (json_int_t)qty));
}

static int api_receipt(struct req *r)
{
	int64_t store = 0, item = 0, qty = 0, made = DAY_NONE;
	if (get_int(r, "store_id", 1, INT64_MAX, 1, &store) || get_int(r, "item_id", 1, INT64_MAX, 1, &item) ||
	    get_int(r, "qty", 1, 10000, 1, &qty))
		return 0;
	const char *m = get_str(r, "made_on");
	if (m && day_parse(m, &made)) {
		resp_error(r, 422, "invalid", T(r, "ppe.err.made_on"), "made_on");
		return 0;
	}
	struct actor a;
	actor_from_req(r, &a);
	struct ppe_err e = {0};
	if (ppe_receive(&a, store, item, qty, made, &e))
		ppe_err_answer(r, &e, NULL);
	else
		stock_row(r, 201, store, item);
	return 0;
}

static int api_issue(struct req *r)
{
	struct ppe_issue_in in = {0};
	if (get_int(r, "store_id", 1, INT64_MAX, 1, &in.store_id) || get_int(r, "item_id", 1, INT64_MAX, 1, &in.item_id) ||
	    get_int(r, "user_id", 1, INT64_MAX, 1, &in.user_id) || get_int(r, "qty", 1, 10000, 1, &in.qty))
		return 0;
	in.size = get_str(r, "size");
	in.permit_no = get_str(r, "permit_no");
	if (in.permit_no && strlen(in.permit_no) > 40) {
		resp_error(r, 422, "invalid", T(r, "ppe.err.permit_no"), "permit_no");
		return 0;
	}
	unsigned char *sig = NULL;
	if (ppe_signature_decode(get_str(r, "signature_png"), &sig, &in.signature_len) ||
	    (sig && ppe_signature_check(sig, in.signature_len, &(int){0}, &(int){0}))) {
		free(sig);
		resp_error(r, 422, "invalid", T(r, "ppe.err.signature"), "signature_png");
		return 0;
	}
	in.signature = sig;
	struct actor a;
	actor_from_req(r, &a);
	struct ppe_err e = {0};
	int64_t id = ppe_issue(&a, &in, &e);
	free(sig);
	if (id < 0) {
		ppe_err_answer(r, &e, NULL);
		return 0;
	}
	int64_t qty = 0;
	db_get_i64(r->db, &qty, "SELECT qty FROM ppe_stock WHERE store_id = ? AND item_id = ?", "II", in.store_id, in.item_id);
	resp_json(r, 201, json_pack("{s:I, s:I, s:I}", "holding_id", (json_int_t)id, "user_id", (json_int_t)in.user_id,
				    "stock", (json_int_t)qty));
	return 0;
}

static int api_holding(struct req *r)
{
	int64_t id;
	if (req_param_id(r, "id", &id)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	struct actor a;
	actor_from_req(r, &a);
	struct ppe_err e = {0};
	const char *act = strrchr(r->path, '/') + 1;
	int rc = !strcmp(act, "confirm") ? ppe_confirm(&a, id, &e) : !strcmp(act, "use") ? ppe_use(&a, id, &e)
		 : ppe_end(&a, id, act, &e);
	if (rc) {
		ppe_err_answer(r, &e, NULL);
		return 0;
	}
	int64_t uid = 0;
	db_get_i64(r->db, &uid, "SELECT user_id FROM ppe_holdings WHERE id = ?", "I", id);
	resp_json(r, 200, ppe_person_json(r, uid, 0));
	return 0;
}

static int api_unequipped(struct req *r)
{
	int page, per_page;
	req_page(r, 50, &page, &per_page);
	resp_json(r, 200, ppe_unequipped_json(r, page, per_page));
	return 0;
}

static int api_rewards(struct req *r)
{
	json_t *p = ppe_person_json(r, me(r), 1);
	json_t *rw = p ? json_incref(json_object_get(p, "rewards")) : json_array();
	json_decref(p);
	paged(r, rw);
	return 0;
}

/* POST /api/v1/ppe/rewards: the safety department's redemption catalogue */
static int api_reward_save(struct req *r)
{
	int64_t item = 0, store = 0, hours = 0, cost = 0, x;
	const char *kind = get_str(r, "kind"), *name = get_str(r, "name");
	static const char *const rkinds[] = {"item", "time_off", NULL};
	if (!in_list(kind, rkinds)) {
		resp_error(r, 422, "invalid", T(r, "ppe.err.reward_kind"), "kind");
		return 0;
	}
	if (!name || !*name || strlen(name) > 100) {
		resp_error(r, 422, "invalid", T(r, "ppe.err.name"), "name");
		return 0;
	}
	if (get_int(r, "cost", 1, 100000, 1, &cost))
		return 0;
	int is_item = !strcmp(kind, "item");
	if (is_item && (get_int(r, "item_id", 1, INT64_MAX, 1, &item) || get_int(r, "store_id", 1, INT64_MAX, 1, &store)))
		return 0;
	if (!is_item && get_int(r, "hours", 1, 80, 1, &hours))
		return 0;
	if (is_item && db_get_i64(r->db, &x, "SELECT id FROM ppe_items WHERE id = ? AND active = 1", "I", item) != 1) {
		resp_error(r, 422, "invalid", T(r, "ppe.err.item_id"), "item_id");
		return 0;
	}
	if (is_item && db_get_i64(r->db, &x, "SELECT id FROM ppe_stores WHERE id = ?", "I", store) != 1) {
		resp_error(r, 422, "invalid", T(r, "ppe.err.store_id"), "store_id");
		return 0;
	}
	int64_t id = 0;
	if (db_begin(r->db) != DB_OK ||
	    db_exec(r->db, "INSERT INTO ppe_rewards (kind, name, item_id, store_id, hours, cost, created_at) VALUES"
			   " (?, ?, NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), ?, ?)", "ttIIIII", kind, name, item, store, hours, cost,
		    clock_now()) != DB_OK ||
	    audit_req(r, "ppe_reward", id = db_last_id(r->db), "create", name) != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	resp_json(r, 201, json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)id, "kind", kind, "name", name,
				    "cost", (json_int_t)cost));
	return 0;
}

static int api_redeem(struct req *r)
{
	int64_t reward = 0;
	if (get_int(r, "reward_id", 1, INT64_MAX, 1, &reward))
		return 0;
	const char *size = get_str(r, "size");
	struct actor a;
	actor_from_req(r, &a);
	struct ppe_err e = {0};
	int64_t id = ppe_redeem(&a, reward, size, &e);
	if (id < 0) {
		ppe_err_answer(r, &e, NULL);
		return 0;
	}
	json_t *o = ppe_person_json(r, me(r), 0);
	json_object_set_new(o, "redemption_id", json_integer(id));
	resp_json(r, 201, o);
	return 0;
}

static int api_decide(struct req *r)
{
	int64_t id;
	if (req_param_id(r, "id", &id)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	struct actor a;
	actor_from_req(r, &a);
	struct ppe_err e = {0};
	int approve = !strcmp(strrchr(r->path, '/') + 1, "approve");
	if (ppe_decide(&a, id, approve, &e)) {
		ppe_err_answer(r, &e, NULL);
		return 0;
	}
	resp_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id, "state", approve ? "approved" : "refused"));
	return 0;
}

static int api_pending(struct req *r)
{
	paged(r, ppe_pending_json(r));
	return 0;
}

static int api_statement(struct req *r)
{
	int64_t unit;
	int y, m;
	if (ppe_statement_args(r, &unit, &y, &m))
		return 0;
	resp_json(r, 200, ppe_statement_json(r, unit, y, m));
	return 0;
}

static int api_award(struct req *r)
{
	int64_t unit;
	int y;
	if (ppe_award_args(r, &unit, &y))
		return 0;
	resp_json(r, 200, ppe_award_json(r, unit, y));
	return 0;
}

const struct route ppe_routes[] = {
	{"GET", "/ppe", ppe_page_me, "ppe.use", 0, "My protective equipment, points and rewards"},
	{"POST", "/ppe/holdings/:id/confirm", ppe_page_confirm, "ppe.use", 0, "Confirm receipt of an issued piece"},
	{"POST", "/ppe/redeem", ppe_page_redeem, "ppe.use", 0, "Redeem points for a reward"},
	{"GET", "/ppe/store", ppe_page_store, "ppe.issue", 0, "Stock, receipts and issues"},
	{"POST", "/ppe/issue", ppe_page_issue, "ppe.issue", 0, "Issue items to a person"},
	{"POST", "/ppe/receive", ppe_page_receive, "ppe.issue", 0, "Receive items into a store"},
	{"GET", "/ppe/people/:id", ppe_page_person, "ppe.view", 0, "A person's equipment and points"},
	{"POST", "/ppe/holdings/:id/use", ppe_page_use, "ppe.use", 0, "Record one use of a piece counted in uses"},
	{"POST", "/ppe/holdings/:id/end", ppe_page_end, "ppe.issue", 0, "Return or dispose of a piece"},
	{"GET", "/ppe/unequipped", ppe_page_unequipped, "ppe.view", 0, "New hires not yet equipped"},
	{"GET", "/ppe/statement", ppe_page_statement, "ppe.view", 0, "A team's monthly points statement"},
	{"GET", "/ppe/award", ppe_page_award, "ppe.view", 0, "The yearly 安全贡献奖 nomination list"},
	{"GET", "/ppe/approvals", ppe_page_approvals, "ppe.approve", 0, "Time off waiting for my decision"},
	{"POST", "/ppe/redemptions/:id/decide", ppe_page_decide, "ppe.approve", 0, "Approve or refuse time off"},
	{"GET", "/ppe/catalogue", ppe_page_catalogue, "ppe.view", 0, "Items, position lists, permit requirements"},
	ENTITY_PAGE_ROUTES("/ppe/admin/items", "ppe.view", "ppe.view", "ppe.manage", "PPE item", ppe_adm_item_list, ppe_adm_item_new,
			   ppe_adm_item_create, ppe_adm_item_edit, ppe_adm_item_update, ppe_adm_item_deact),
	ENTITY_PAGE_ROUTES("/ppe/admin/permit-items", "ppe.view", "ppe.view", "ppe.manage", "Permit type PPE requirement",
			   ppe_adm_pi_list, ppe_adm_pi_new, ppe_adm_pi_create, ppe_adm_pi_edit, ppe_adm_pi_update, ppe_adm_pi_deact),
	ENTITY_PAGE_ROUTES("/ppe/admin/rewards", "ppe.view", "ppe.view", "ppe.manage", "Reward", ppe_adm_reward_list,
			   ppe_adm_reward_new, ppe_adm_reward_create, ppe_adm_reward_edit, ppe_adm_reward_update, ppe_adm_reward_deact),
	{"GET", "/ppe/admin/positions", ppe_adm_positions, "ppe.view", 0, "Positions and the size of each one's PPE list"},
	{"GET", "/ppe/admin/positions/:id", ppe_adm_position, "ppe.view", 0, "A position's PPE list, and its form"},
	{"POST", "/ppe/admin/positions/:id", ppe_adm_position_save, "ppe.manage", 0, "Save a position's PPE list (0 takes an item off)"},
	{"GET", "/ppe/ledger", ppe_page_ledger, "ppe.view", 0, "The issue ledger (发放台账) with each receipt: signature or confirmation"},
	{"GET", "/ppe/ledger.xlsx", ppe_ledger_xlsx, "ppe.view", 0, "The issue ledger as a spreadsheet, signatures in their cells"},
	{"GET", "/ppe/ledger.pdf", ppe_ledger_pdf, "ppe.view", 0, "The issue ledger as an A4 PDF to print"},
	{"GET", "/ppe/holdings/:id/signature.png", ppe_page_signature, "ppe.view", 0, "The signature drawn at an issue (PNG)"},
	{"GET", "/api/v1/ppe/ledger", ppe_api_ledger, "ppe.view", ROUTE_API | ROUTE_PAGED, "The issue ledger in scope, newest first"},
	{"GET", "/api/v1/ppe/me", api_me, "ppe.use", ROUTE_API, "My protective equipment, what is due, my points and the rewards"},
	{"GET", "/api/v1/ppe/people/:id", api_person, "ppe.view", ROUTE_API, "A person's equipment and points"},
	{"GET", "/api/v1/ppe/catalogue", api_catalogue, "ppe.view", ROUTE_API, "Items, each position's list, each permit type's requirements"},
	{"GET", "/api/v1/ppe/items", api_items, "ppe.view", ROUTE_API | ROUTE_PAGED, "PPE items"},
	{"POST", "/api/v1/ppe/items", api_item_save, "ppe.manage", ROUTE_API, "Add an item to the catalogue"},
	{"POST", "/api/v1/ppe/items/:id", api_item_save, "ppe.manage", ROUTE_API, "Change an item (cycle, shelf life, standard)"},
	{"POST", "/api/v1/ppe/permit-items", api_permit_item, "ppe.manage", ROUTE_API, "Set what a permit type requires, warn or block"},
	{"POST", "/api/v1/ppe/position-items", api_position_item, "ppe.manage", ROUTE_API, "Set a position's list (qty 0 removes)"},
	{"GET", "/api/v1/ppe/stock", api_stock, "ppe.view", ROUTE_API | ROUTE_PAGED, "Stock per store and item"},
	{"POST", "/api/v1/ppe/receipts", api_receipt, "ppe.issue", ROUTE_API, "Receive items into a store"},
	{"POST", "/api/v1/ppe/issues", api_issue, "ppe.issue", ROUTE_API, "Issue items to a person from a store"},
	{"POST", "/api/v1/ppe/holdings/:id/confirm", api_holding, "ppe.use", ROUTE_API, "Confirm receipt (the holder)"},
	{"POST", "/api/v1/ppe/holdings/:id/return", api_holding, "ppe.issue", ROUTE_API, "Return a piece to stock"},
	{"POST", "/api/v1/ppe/holdings/:id/dispose", api_holding, "ppe.issue", ROUTE_API, "Dispose of a piece (判废)"},
	{"POST", "/api/v1/ppe/holdings/:id/use", api_holding, "ppe.use", ROUTE_API, "Record one use of a piece counted in uses"},
	{"GET", "/api/v1/ppe/unequipped", api_unequipped, "ppe.view", ROUTE_API | ROUTE_PAGED, "New hires not yet equipped"},
	{"GET", "/api/v1/ppe/rewards", api_rewards, "ppe.use", ROUTE_API | ROUTE_PAGED, "The redemption catalogue"},
	{"POST", "/api/v1/ppe/rewards", api_reward_save, "ppe.manage", ROUTE_API, "Add a reward"},
	{"POST", "/api/v1/ppe/redemptions", api_redeem, "ppe.use", ROUTE_API, "Redeem points for a reward"},
	{"GET", "/api/v1/ppe/redemptions/pending", api_pending, "ppe.approve", ROUTE_API | ROUTE_PAGED, "Time off waiting for my decision"},
	{"POST", "/api/v1/ppe/redemptions/:id/approve", api_decide, "ppe.approve", ROUTE_API, "Approve time off"},
	{"POST", "/api/v1/ppe/redemptions/:id/refuse", api_decide, "ppe.approve", ROUTE_API, "Refuse time off (points returned)"},
	{"GET", "/api/v1/ppe/statement", api_statement, "ppe.view", ROUTE_API, "A team's monthly points statement"},
	{"GET", "/api/v1/ppe/award", api_award, "ppe.view", ROUTE_API, "The yearly 安全贡献奖 nomination list with evidence"},
	{0},
};
