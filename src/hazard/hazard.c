/*
 * hazard.c — the hazard module's rules and storage: numbers, deadlines, dispatch, visibility,
 * photos as blobs, repeat detection, points, and creating a hazard in one transaction.
 *
 * Why the rules are what they are:
 *  - Every hazard gets a rectifier at once (dispatch), so its clock has an owner from the
 *    first minute; 原安监总局令第16号 Art. 10 asks for "定治理责任、措施、资金、时限和预案".
 *  - Deadlines follow the urgency A/B/C the plant configures (settings hazard.respond_hours.X,
 *    hazard.rectify_hours.X); the defaults are A respond 2 h / control 24 h, B 72 h, C 7 days.
 *  - A hazard in the same area and category as one closed in the last 30 days is a repeat:
 *    the fix did not hold, which a safety officer wants to see in the list.
 */
#include "hazard/hazard.h"
#include "auth/actor.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "db/blobstore.h"
#include "db/db.h"
#include "notify/notify.h"
#include "web/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void hazard_format_number(char *out, size_t size, int year, int64_t seq)
{
	snprintf(out, size, "YH-%04d-%06lld", year, (long long)seq);
}

int hazard_local_year(int64_t t)
{
	time_t lt = (time_t)(t + clock_local_offset());
	struct tm tm;
	gmtime_r(&lt, &tm);
	return tm.tm_year + 1900;
}

int64_t hazard_setting(struct db *c, const char *key, int64_t def)
{
	char *v = NULL;
	int64_t n = def;
	if (db_get_text(c, &v, "SELECT value FROM settings WHERE key = ?", "t", key) == 1 &&
	    text_parse_i64(v, &n))
		n = def;
	free(v);
	return n;
}

struct hazard_deadlines hazard_deadlines_for(char urgency, int64_t from, const int respond_h[3],
					     const int rectify_h[3])
{
	int i = urgency == 'A' ? 0 : urgency == 'B' ? 1 : 2;
	struct hazard_deadlines d = {from + (int64_t)respond_h[i] * 3600,
				     from + (int64_t)rectify_h[i] * 3600};
	/* a response later than the rectification deadline makes no sense: cap it */
	if (d.respond_due > d.rectify_due)
		d.respond_due = d.rectify_due;
	return d;
}

struct hazard_deadlines hazard_deadlines(struct db *c, char urgency, int64_t from)
{
	/* C answers within 24 h like a general hazard should (0125); settings override */
	static const int def_respond[3] = {2, 24, 24}, def_rectify[3] = {24, 72, 168};
	int respond[3], rectify[3];
	const char *u = "ABC";
	for (int i = 0; i < 3; i++) {
		char key[48];
		snprintf(key, sizeof(key), "hazard.respond_hours.%c", u[i]);
		respond[i] = (int)hazard_setting(c, key, def_respond[i]);
		snprintf(key, sizeof(key), "hazard.rectify_hours.%c", u[i]);
		rectify[i] = (int)hazard_setting(c, key, def_rectify[i]);
	}
	return hazard_deadlines_for(urgency, from, respond, rectify);
}

int64_t hazard_remind_at(int64_t start, int64_t due, int percent)
{
	if (due <= start)
		return due;
	return start + (due - start) * percent / 100;
}

static int user_has_perm(struct db *c, int64_t uid, const char *perm)
{
	int64_t n = 0;
	db_get_i64(c, &n, "SELECT count(*) FROM user_roles ur JOIN roles ro ON ro.id = ur.role_id"
		   " JOIN users u ON u.id = ur.user_id WHERE ur.user_id = ? AND u.active = 1"
		   " AND (' ' || ro.permissions || ' ') LIKE '% ' || ? || ' %'", "It", uid, perm);
	return n > 0;
}

int64_t hazard_dispatch(struct db *c, int64_t area_id, int64_t category_id)
{
	int64_t uid = 0, pos = 0, unit = 0;
	char *path = NULL;
	/* the most specific rule: area and category (3), area only (2), category only (1) */
	struct db_stmt *st = db_query(c,
		"SELECT coalesce(r.user_id, 0), coalesce(r.position_id, 0) FROM hazard_rules r"
		" WHERE (r.area_id = ? OR r.area_id IS NULL) AND (r.category_id = ? OR r.category_id IS NULL)"
		" ORDER BY (CASE WHEN r.area_id IS NULL THEN 0 ELSE 2 END)"
		" + (CASE WHEN r.category_id IS NULL THEN 0 ELSE 1 END) DESC, r.id LIMIT 1", "II",
		area_id, category_id);
	if (st && db_step(st) == 1) {
		uid = db_col_i64(st, 0);
		pos = db_col_i64(st, 1);
	}
	db_done(c, st);
	if (uid) {
		int64_t ok = 0;
		db_get_i64(c, &ok, "SELECT count(*) FROM users WHERE id = ? AND active = 1", "I", uid);
		if (ok)
			return uid;
		uid = 0;
	}
	db_get_i64(c, &unit, "SELECT unit_id FROM areas WHERE id = ?", "I", area_id);
	db_get_text(c, &path, "SELECT path FROM units WHERE id = ?", "I", unit);
	if (pos && path) {
		/* a holder of the position in the area's unit or below, else anywhere */
		db_get_i64(c, &uid, "SELECT u.id FROM users u JOIN units n ON n.id = u.unit_id"
			   " WHERE u.position_id = ? AND u.active = 1"
			   " ORDER BY (CASE WHEN n.path LIKE ? || '%' THEN 0 ELSE 1 END), length(n.path), u.id"
			   " LIMIT 1", "It", pos, path);
		if (uid)
			goto done;
	}
	/* fallback: walk up from the area's unit; at each level the head if they can rectify,
	 * else a team leader below it, else the head anyway */
	while (unit && !uid) {
		int64_t head = 0, parent = 0;
		char *p = NULL;
		db_get_i64(c, &head, "SELECT coalesce(head_user_id, 0) FROM units WHERE id = ?", "I", unit);
		db_get_text(c, &p, "SELECT path FROM units WHERE id = ?", "I", unit);
		if (head && user_has_perm(c, head, "hazard.rectify"))
			uid = head;
		if (!uid && p)
			db_get_i64(c, &uid, "SELECT u.id FROM users u JOIN units n ON n.id = u.unit_id"
				   " JOIN user_roles ur ON ur.user_id = u.id JOIN roles ro ON ro.id = ur.role_id"
				   " WHERE ro.code = 'team_leader' AND u.active = 1 AND n.path LIKE ? || '%'"
				   " ORDER BY length(n.path), u.id LIMIT 1", "t", p);
		if (!uid && head)
			uid = head;
		free(p);
		db_get_i64(c, &parent, "SELECT coalesce(parent_id, 0) FROM units WHERE id = ?", "I", unit);
		unit = parent;
	}
done:
	free(path);
	return uid;
}

int hazard_load(struct db *c, int64_t id, struct hazard_row *h)
{
	memset(h, 0, sizeof(*h));
	struct db_stmt *st = db_query(c,
		"SELECT id, version, coalesce(reporter_id, 0), coalesce(assignee_id, 0),"
		" coalesce(rectifier_id, 0), coalesce(verifier_id, 0), unit_id, area_id, category_id,"
		" coalesce(equipment_id, 0), reported_at, rectify_due, status, level, urgency, number, on_spot"
		" FROM hazards WHERE id = ?", "I", id);
	int rc = -1;
	if (st && db_step(st) == 1) {
		h->id = db_col_i64(st, 0);
		h->version = db_col_i64(st, 1);
		h->reporter_id = db_col_i64(st, 2);
		h->assignee_id = db_col_i64(st, 3);
		h->rectifier_id = db_col_i64(st, 4);
		h->verifier_id = db_col_i64(st, 5);
		h->unit_id = db_col_i64(st, 6);
		h->area_id = db_col_i64(st, 7);
		h->category_id = db_col_i64(st, 8);
		h->equipment_id = db_col_i64(st, 9);
		h->reported_at = db_col_i64(st, 10);
		h->rectify_due = db_col_i64(st, 11);
		snprintf(h->status, sizeof(h->status), "%s", db_col_text(st, 12));
		snprintf(h->level, sizeof(h->level), "%s", db_col_text(st, 13));
		snprintf(h->urgency, sizeof(h->urgency), "%s", db_col_text(st, 14));
		snprintf(h->number, sizeof(h->number), "%s", db_col_text(st, 15));
		h->on_spot = (int)db_col_i64(st, 16);
		rc = 0;
	}
	db_done(c, st);
	return rc;
}

int hazard_visible(const struct actor *a, int64_t id)
{
	if (a->system)
		return 1;
	if (!a->user_id)
		return 0;
	int64_t n = 0;
	db_get_i64(a->db, &n, "SELECT count(*) FROM hazards h JOIN units u ON u.id = h.unit_id WHERE h.id = ?4 AND"
		   HAZARD_VISIBLE_SQL, "tIII", actor_units_pattern(a), actor_scope_owner(a), a->user_id, id);
	return n > 0;
}

int hazard_award(struct db *c, int64_t hazard_id, int64_t user_id, const char *reason, int64_t pts)
{
	if (!user_id || pts <= 0)
		return DB_OK;
	/* UNIQUE (hazard, user, reason): a hazard earns each award once, even if an action is
	 * replayed */
	return db_exec(c, "INSERT INTO points (user_id, unit_id, hazard_id, reason, points, at)"
			  " SELECT id, unit_id, ?, ?, ?, ? FROM users WHERE id = ?"
			  " ON CONFLICT (hazard_id, user_id, reason) DO NOTHING",
		       "ItIII", hazard_id, reason, pts, clock_now(), user_id);
}

/* A watermarked photo's original: a blob without a thumbnail (so it can never be attached by
 * its hash, hazard_photos_link asks for one) linked to the marked photo; only
 * hazard.photo_original reads it (GET /photos/:sha/original). */
static int blob_put_original(struct db *c, const struct hazard_image *img, const char *sha, int64_t now)
{
	if (!img->orig)
		return DB_OK;
	const char *osha = img->orig_sha;
	const struct blob_meta om = {.mime = "image/jpeg", .width = img->width, .height = img->height,
				     .created_at = now};
	if (blob_put(c, osha, img->orig, img->orig_len, &om) != DB_OK)
		return DB_ERROR;
	return db_exec(c, "INSERT INTO photo_originals (sha256, original_sha256) VALUES (?, ?)"
			  " ON CONFLICT (sha256) DO NOTHING", "tt", sha, osha);
}

int hazard_gps_parse(struct hazard_gps *g, const char **field, const char **msg_key)
{
	const char *lat = g->lat_s, *lng = g->lng_s, *acc = g->acc_s;
	g->has = 0;
	g->lat = g->lng = g->acc = 0;
	if ((!lat || !*lat) && (!lng || !*lng))
		return 0;	/* no fix: the band names the area only */
	char *end;
	*msg_key = "hazard.err_gps";
	*field = "lat";
	g->lat = lat ? strtod(lat, &end) : 0;
	if (!lat || end == lat || *end || !(g->lat >= -90 && g->lat <= 90))
		return -1;
	*field = "lng";
	g->lng = lng ? strtod(lng, &end) : 0;
	if (!lng || end == lng || *end || !(g->lng >= -180 && g->lng <= 180))
		return -1;
	*field = "gps_acc";
	g->acc = 0;
	if (acc && *acc) {
		g->acc = strtod(acc, &end);
		if (end == acc || *end || !(g->acc >= 0 && g->acc <= 100000))
			return -1;
	}
	g->has = 1;
	*field = *msg_key = NULL;
	return 0;
}

/* The watermark of photos taken by user_id at area_id now, with the phone's fix if any. An
 * anonymous report's band says so instead of the name (the band is seen by everyone who sees
 * the photo). The band is in the plant's language, like its paper records. */
void hazard_mark_fill(struct db *c, int64_t user_id, int anonymous, int64_t area_id,
		      const struct hazard_gps *g, int64_t now, struct hazard_mark *m)
{
	memset(m, 0, sizeof(*m));
	char *person = NULL, *place = NULL;
	if (anonymous)
		person = xstrdup(i18n_get("zh_CN", "hazard.mark_anonymous"));
	else
		db_get_text(c, &person, "SELECT name FROM users WHERE id = ?", "I", user_id);
	db_get_text(c, &place, "SELECT name FROM areas WHERE id = ?", "I", area_id);
	m->at = now;
	m->person = person;
	m->place = place;
	if (g && g->has) {
		m->has_gps = 1;
		m->lat = g->lat;
		m->lng = g->lng;
		m->acc = g->acc;
	}
}

void hazard_mark_release(struct hazard_mark *m)
{
	free((char *)m->person);
	free((char *)m->place);
	m->person = m->place = NULL;
}

/* Insert a processed image and its thumbnail (dedup by content). Inside a transaction. */
static int image_put(struct db *c, const struct hazard_image *img, char sha[65])
{
	/* hashed with the image (hazard_image_hash), outside the transaction */
	const char *tsha = img->thumb_sha;
	memcpy(sha, img->sha, 65);
	int64_t now = clock_now();
	const struct blob_meta tm = {.mime = "image/jpeg", .created_at = now};
	if (blob_put(c, tsha, img->thumb, img->thumb_len, &tm) != DB_OK)
		return DB_ERROR;
	/* the same bytes may already be stored as a watermarked photo's original (no thumbnail):
	 * someone who uploads them has the picture anyway, so it becomes an ordinary photo
	 * (blob_put gives a row without a thumbnail this one) */
	const struct blob_meta pm = {.mime = "image/jpeg", .width = img->width, .height = img->height,
				     .taken_at = img->taken_at, .thumb_sha = tsha, .created_at = now};
	return blob_put(c, sha, img->jpeg, img->jpeg_len, &pm) != DB_OK ? DB_ERROR
									: blob_put_original(c, img, sha, now);
}

int hazard_store_photo(struct db *c, const unsigned char *data, size_t len, const struct hazard_mark *mark,
		       char sha_out[65], const char **msg_key)
{
	struct hazard_image img;
	if (hazard_image_process_marked(data, len, mark, &img, msg_key))
		return -1;
	int rc = image_put(c, &img, sha_out);
	hazard_image_free(&img);
	if (rc != DB_OK)
		*msg_key = "hazard.photo_failed";
	return rc == DB_OK ? 0 : -1;
}

int hazard_store_image(struct db *c, const struct hazard_image *img, char sha_out[65])
{
	return image_put(c, img, sha_out) == DB_OK ? 0 : -1;
}

int hazard_photo_uploaded(struct db *c, const char *sha, int64_t user_id)
{
	return db_exec(c, "INSERT INTO photo_uploads (sha256, user_id, uploaded_at) VALUES (?, ?, ?)"
			  " ON CONFLICT (sha256, user_id) DO UPDATE SET uploaded_at = excluded.uploaded_at",
		       "tII", sha, user_id, clock_now());
}

/* A hash is a capability only for the person who uploaded the bytes: attaching a photo
 * grants read access to it (photo_get in hazard_web.c follows the hazards that use it), and
 * hashes are visible in every page showing a photo. The window is bounded so that an old
 * upload cannot be re-attached later to regain a photo whose hazard has since left the
 * uploader's scope; 24 h covers the real use — a phone uploads the photo first, then sends
 * the report, possibly after a shift's worth of lost signal (the offline queue). Unknown
 * hashes, other people's and stale ones get one answer, so the check reveals nothing. */
int hazard_photos_check(struct db *c, int64_t user_id, const struct hazard_photo_in *p, int n,
			const char **msg_key)
{
	for (int i = 0; i < n; i++) {
		if (!p[i].sha)
			continue;
		int64_t ok = 0;
		if (db_get_i64(c, &ok, "SELECT count(*) FROM photo_uploads WHERE sha256 = ? AND user_id = ?"
				       " AND uploaded_at >= ?", "tII", p[i].sha, user_id,
			       clock_now() - HAZARD_PHOTO_REF_SECONDS) != 1 || !ok) {
			*msg_key = "hazard.photo_not_uploaded";
			return -1;
		}
	}
	return 0;
}

/* A photo uploaded alone (POST /api/v1/photos) and now attached by its hash: it was stored
 * without a band, as the upload knows neither the place nor the step. It gets the band now,
 * like a photo sent with the form; the upload itself (already re-encoded, metadata-free)
 * becomes the original, so the safety department sees exactly what the phone sent. A hash
 * that is already a marked photo is attached as it is. 1 when img was filled, 0 when the
 * photo is attached unchanged, -1 on a bad image. */
static int prepare_uploaded(struct db *c, const char *sha, const struct hazard_mark *mark,
			    struct hazard_image *img, const char **msg_key)
{
	int64_t marked = 0;
	db_get_i64(c, &marked, "SELECT count(*) FROM photo_originals WHERE sha256 = ?", "t", sha);
	if (marked || !mark)
		return 0;
	int64_t uploaded = 0;
	db_get_i64(c, &uploaded, "SELECT count(*) FROM blobs WHERE sha256 = ? AND thumb_sha256 IS NOT NULL", "t", sha);
	struct blob b;
	int got = uploaded ? blob_get(c, sha, &b) : 0;
	if (got == 0)
		return 0;	/* hazard_photos_link answers for an unknown hash */
	if (got < 0) {		/* its file is missing or was changed on disk (logged) */
		*msg_key = "hazard.photo_failed";
		return -1;
	}
	int rc = !hazard_image_process_marked(b.bytes, b.len, mark, img, msg_key) ? 1 : -1;
	if (rc == 1) {
		free(img->orig);
		img->orig = b.bytes;	/* handed over */
		img->orig_len = b.len;
		b.bytes = NULL;
		hazard_image_hash(img);
	}
	blob_free(&b);
	return rc;
}

/* Decode and shrink every photo before the write transaction: seconds of CPU for a large
 * photo must not hold the database's write lock. */
int hazard_photos_prepare(struct db *c, const struct hazard_photo_in *p, int n, const struct hazard_mark *mark,
			  struct hazard_image *imgs, const char **msg_key);
int hazard_photos_prepare(struct db *c, const struct hazard_photo_in *p, int n, const struct hazard_mark *mark,
			  struct hazard_image *imgs, const char **msg_key)
{
	for (int i = 0; i < n; i++) {
		memset(&imgs[i], 0, sizeof(imgs[i]));
		int bad = p[i].sha ? prepare_uploaded(c, p[i].sha, mark, &imgs[i], msg_key) < 0
				   : hazard_image_process_marked(p[i].data, p[i].len, mark, &imgs[i], msg_key) != 0;
		if (bad) {
			for (int k = 0; k < i; k++)
				hazard_image_free(&imgs[k]);
			return -1;
		}
	}
	return 0;
}

/* hazards.evidence (migration 1370): a "before" and an "after" photo, which the on-time
 * figure asks for; kept here, where photos are attached, in the same transaction */
int hazard_evidence_mark(struct db *c, int64_t hazard_id)
{
	return db_exec(c, "UPDATE hazards SET evidence = CASE WHEN EXISTS (SELECT 1 FROM hazard_photos p"
			  " WHERE p.hazard_id = hazards.id AND p.kind = 'before') AND EXISTS (SELECT 1 FROM hazard_photos p"
			  " WHERE p.hazard_id = hazards.id AND p.kind = 'after') THEN 1 ELSE 0 END WHERE id = ?",
		       "I", hazard_id);
}

/* Store prepared photos and link them to the hazard and event. Inside a transaction. */
int hazard_photos_link(struct db *c, int64_t hazard_id, int64_t event_id, const char *kind,
		       const struct hazard_photo_in *p, int n, struct hazard_image *imgs,
		       const char **msg_key);
int hazard_photos_link(struct db *c, int64_t hazard_id, int64_t event_id, const char *kind,
		       const struct hazard_photo_in *p, int n, struct hazard_image *imgs,
		       const char **msg_key)
{
	for (int i = 0; i < n; i++) {
		char sha[65];
		if (p[i].sha) {
			int64_t ok = 0;
			db_get_i64(c, &ok, "SELECT count(*) FROM blobs WHERE sha256 = ? AND thumb_sha256 IS NOT NULL",
				   "t", p[i].sha);
			if (!ok) {
				*msg_key = "hazard.photo_unknown";
				return -1;
			}
			snprintf(sha, sizeof(sha), "%s", p[i].sha);
			/* marked now (prepare_uploaded): the marked copy is attached, the upload is its original */
			if (imgs[i].jpeg && image_put(c, &imgs[i], sha) != DB_OK) {
				*msg_key = "hazard.photo_failed";
				return -1;
			}
		} else if (image_put(c, &imgs[i], sha) != DB_OK) {
			*msg_key = "hazard.photo_failed";
			return -1;
		}
		if (db_exec(c, "INSERT INTO hazard_photos (hazard_id, event_id, kind, sha256, created_at)"
			       " VALUES (?, ?, ?, ?, ?)", "IIttI", hazard_id, event_id, kind, sha,
			    clock_now()) != DB_OK) {
			*msg_key = "hazard.photo_failed";
			return -1;
		}
	}
	if (n > 0 && hazard_evidence_mark(c, hazard_id) != DB_OK) {
		*msg_key = "hazard.photo_failed";
		return -1;
	}
	return 0;
}

static int exists(struct db *c, const char *sql, int64_t id)
{
	int64_t n = 0;
	db_get_i64(c, &n, sql, "I", id);
	return n > 0;
}

/* Three hazards of one category on one piece of equipment within the window: warn the
 * equipment managers once per cluster (keyed by the first hazard of the window). */
static int equipment_check(struct db *c, int64_t equipment_id, int64_t category_id, int64_t now)
{
	if (!equipment_id)
		return 0;
	int64_t days = hazard_setting(c, "hazard.repeat_days", 30);
	int64_t need = hazard_setting(c, "hazard.equipment_repeat_count", 3);
	int64_t count = 0, first = 0;
	db_get_i64(c, &count, "SELECT count(*) FROM hazards WHERE equipment_id = ? AND category_id = ?"
		   " AND reported_at >= ? AND status <> 'cancelled'", "III", equipment_id, category_id,
		   now - days * 86400);
	if (count < need)
		return 0;
	db_get_i64(c, &first, "SELECT min(id) FROM hazards WHERE equipment_id = ? AND category_id = ?"
		   " AND reported_at >= ? AND status <> 'cancelled'", "III", equipment_id, category_id,
		   now - days * 86400);
	char *ename = NULL;
	db_get_text(c, &ename, "SELECT code || ' ' || name FROM equipment WHERE id = ?", "I", equipment_id);
	char key[96];
	snprintf(key, sizeof(key), "equipment:%lld:category:%lld:since:%lld", (long long)equipment_id,
		 (long long)category_id, (long long)first);
	struct strbuf link = STRBUF_INIT;
	sb_addf(&link, "/hazards?equipment_id=%lld", (long long)equipment_id);
	struct db_stmt *st = db_query(c, "SELECT DISTINCT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id"
				       " JOIN roles ro ON ro.id = ur.role_id WHERE ro.code = 'equip_manager' AND u.active = 1",
				    NULL);
	int64_t ids[32];
	int n = 0;
	while (st && db_step(st) == 1 && n < 32)
		ids[n++] = db_col_i64(st, 0);
	db_done(c, st);
	int rc = 0;
	for (int i = 0; i < n && rc >= 0; i++) {
		char k2[128];
		snprintf(k2, sizeof(k2), "%s:user:%lld", key, (long long)ids[i]);
		rc = notify_send(c, ids[i], &(struct notify_msg){"hazard.equipment", "hazard.equipment_warning", ename,
								  "hazard.equipment_warning_body", NULL, link.buf, k2});
	}
	free(ename);
	sb_release(&link);
	return rc < 0 ? -1 : 0;
}

/* Tell the assignee they have a hazard (once per hazard and person). Inside a transaction. */
int hazard_notify_assignee(struct db *c, int64_t hazard_id, int64_t uid, const char *number);
int hazard_notify_assignee(struct db *c, int64_t hazard_id, int64_t uid, const char *number)
{
	if (!uid)
		return 0;
	char key[64], link[48];
	snprintf(key, sizeof(key), "hazard:%lld:assigned:%lld", (long long)hazard_id, (long long)uid);
	snprintf(link, sizeof(link), "/hazards/%lld", (long long)hazard_id);
	int rc = notify_send(c, uid, &(struct notify_msg){"hazard.assigned", "hazard.notify_assigned", number,
							   NULL, "", link, key});
	return rc < 0 ? -1 : 0;
}

/* A major hazard (重大事故隐患) alerts, at once and once each, the head of the workshop the
 * place belongs to, the safety director(s) and the principal person in charge (主要负责人):
 * the case studies' 双预警, rather than waiting for the team leader to pass it on. Each in
 * their own language (notify_send). Also when accepting raises a general report to major
 * (hazard_flow.c). Inside the action's transaction. */
int hazard_major_alert(struct db *c, int64_t hazard_id, int64_t unit, const char *number);
int hazard_major_alert(struct db *c, int64_t hazard_id, int64_t unit, const char *number)
{
	int64_t ids[34];
	int n = 0;
	/* the nearest workshop up the tree that has a head; else the nearest head at all */
	int64_t head = 0, any = 0;
	for (int depth = 0; unit && depth < 16 && !head; depth++) {
		int64_t h = 0, parent = 0, workshop = 0;
		db_get_i64(c, &h, "SELECT coalesce(head_user_id, 0) FROM units WHERE id = ?", "I", unit);
		db_get_i64(c, &workshop, "SELECT kind = 'workshop' FROM units WHERE id = ?", "I", unit);
		if (h && workshop)
			head = h;
		if (h && !any)
			any = h;
		db_get_i64(c, &parent, "SELECT coalesce(parent_id, 0) FROM units WHERE id = ?", "I", unit);
		unit = parent;
	}
	if (head || any)
		ids[n++] = head ? head : any;
	struct db_stmt *st = db_query(c, "SELECT DISTINCT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id"
				       " JOIN roles ro ON ro.id = ur.role_id WHERE ro.code IN ('safety_director', 'principal')"
				       " AND u.active = 1 ORDER BY u.id", NULL);
	while (st && db_step(st) == 1 && n < 34)
		ids[n++] = db_col_i64(st, 0);
	db_done(c, st);
	char link[48];
	snprintf(link, sizeof(link), "/hazards/%lld", (long long)hazard_id);
	for (int i = 0; i < n; i++) {
		/* the dedup key makes a person who is both head and director hear it once */
		char key[80];
		snprintf(key, sizeof(key), "hazard:%lld:major:%lld", (long long)hazard_id, (long long)ids[i]);
		if (notify_send(c, ids[i], &(struct notify_msg){"hazard.major", "hazard.notify_major", number,
								"hazard.notify_major_body", NULL, link, key}) < 0)
			return -1;
	}
	return 0;
}

int64_t hazard_create(const struct actor *a, const struct hazard_new *in, const char **field,
		      const char **msg_key)
{
	struct db *c = a->db;
	struct hazard_image imgs[HTTP_MAX_FILES];
	int64_t now = a->now, id = -1;
	*field = NULL;
	*msg_key = "error.invalid";
	if (in->replayed)
		*in->replayed = 0;

	/* a retry of a report already stored (its answer was lost on the way to the phone) gets
	 * the first hazard back, whatever changed since (the area may have been deactivated) */
	if (in->idem_key && *in->idem_key) {
		if (!hazard_idem_key_ok(in->idem_key)) {
			*field = "idem_key";
			*msg_key = "hazard.err_idem_key";
			return -1;
		}
		int64_t prev = hazard_idem_find(c, a->user_id, in->idem_key);
		if (prev > 0) {
			if (in->replayed)
				*in->replayed = 1;
			return prev;
		}
	}
	/* the time the phone captured it is the report time; the deadlines still run from now,
	 * when the rectifier can first learn of it */
	int64_t at = now;
	if (in->captured_at) {
		if (hazard_capture_check(c, now, in->captured_at, msg_key)) {
			*field = "captured_at";
			return -1;
		}
		at = in->captured_at;
	}

	/* ---- validate every field, naming the first bad one ---- */
	if (!in->area_id || !exists(c, "SELECT count(*) FROM areas WHERE id = ? AND active = 1", in->area_id)) {
		*field = "area_id";
		*msg_key = "hazard.err_area";
		return -1;
	}
	if (!in->category_id ||
	    !exists(c, "SELECT count(*) FROM hazard_categories WHERE id = ? AND active = 1", in->category_id)) {
		*field = "category_id";
		*msg_key = "hazard.err_category";
		return -1;
	}
	int machine = in->system_raised && a->system;
	if (in->nphotos < 1 && !machine) {
		*field = "photo";
		*msg_key = "hazard.err_photo_required";
		return -1;
	}
	if (in->description && utf8_chars(in->description) > 2000) {
		*field = "description";
		*msg_key = "hazard.err_description";
		return -1;
	}
	if (in->equipment_id && !exists(c, "SELECT count(*) FROM equipment WHERE id = ?", in->equipment_id)) {
		*field = "equipment_id";
		*msg_key = "hazard.err_equipment";
		return -1;
	}
	const char *level = in->level && *in->level ? in->level : "general";
	if (strcmp(level, "general") && strcmp(level, "major")) {
		*field = "level";
		*msg_key = "hazard.err_level";
		return -1;
	}
	const char *urgency = in->urgency && *in->urgency ? in->urgency : !strcmp(level, "major") ? "A" : "C";
	if (strlen(urgency) != 1 || !strchr("ABC", urgency[0])) {
		*field = "urgency";
		*msg_key = "hazard.err_urgency";
		return -1;
	}
	if (in->criterion_id && !exists(c, "SELECT count(*) FROM hazard_criteria WHERE id = ?", in->criterion_id)) {
		*field = "criterion_id";
		*msg_key = "hazard.err_criterion";
		return -1;
	}
	if (in->factor_code && *in->factor_code) {
		int64_t n = 0;
		db_get_i64(c, &n, "SELECT count(*) FROM hazard_factors WHERE code = ?", "t", in->factor_code);
		if (!n) {
			*field = "factor_code";
			*msg_key = "hazard.err_factor";
			return -1;
		}
	}
	if (in->anonymous && !hazard_setting(c, "hazard.allow_anonymous", 0)) {
		*field = "anonymous";
		*msg_key = "hazard.err_anonymous_off";
		return -1;
	}
	if (in->near_miss && !hazard_setting(c, "hazard.allow_near_miss", 0)) {
		*field = "near_miss";
		*msg_key = "hazard.err_near_miss_off";
		return -1;
	}
	if (hazard_photos_check(c, a->user_id, in->photos, in->nphotos, msg_key)) {
		*field = "photos";
		return -1;
	}
	if (in->voice_len && hazard_voice_check(c, in->voice, in->voice_len, msg_key)) {
		*field = "voice";
		return -1;
	}
	struct hazard_gps gps = in->gps;
	if (hazard_gps_parse(&gps, field, msg_key))
		return -1;
	struct hazard_mark mark;
	hazard_mark_fill(c, a->user_id, in->anonymous, in->area_id, &gps, at, &mark);
	int prc = hazard_photos_prepare(c, in->photos, in->nphotos, &mark, imgs, msg_key);
	hazard_mark_release(&mark);
	if (prc) {
		*field = "photo";
		return -1;
	}

	/* ---- one transaction: nothing is stored unless everything is ---- */
	int64_t unit = 0, seq = 0, repeat_of = 0, event = 0;
	char number[32];
	db_get_i64(c, &unit, "SELECT unit_id FROM areas WHERE id = ?", "I", in->area_id);
	if (db_begin(c) != DB_OK)
		goto out;
	/* two retries racing: the write lock orders them, the second finds the first's key */
	if (in->idem_key && *in->idem_key) {
		int64_t prev = hazard_idem_find(c, a->user_id, in->idem_key);
		if (prev > 0) {
			db_rollback(c);
			if (in->replayed)
				*in->replayed = 1;
			id = prev;
			goto out;
		}
	}
	int year = hazard_local_year(now);
	if (db_get_i64(c, &seq, "INSERT INTO hazard_seq (year, last) VALUES (?, 1) ON CONFLICT (year)"
			  " DO UPDATE SET last = hazard_seq.last + 1 RETURNING last", "i", year) != 1)
		goto fail;
	hazard_format_number(number, sizeof(number), year, seq);
	int64_t assignee = machine && in->assignee_id ? in->assignee_id : hazard_dispatch(c, in->area_id, in->category_id);
	struct hazard_deadlines d = hazard_deadlines(c, urgency[0], now);
	int64_t days = hazard_setting(c, "hazard.repeat_days", 30);
	db_get_i64(c, &repeat_of, "SELECT id FROM hazards WHERE area_id = ? AND category_id = ?"
		   " AND status = 'closed' AND closed_at >= ? ORDER BY closed_at DESC LIMIT 1", "III",
		   in->area_id, in->category_id, now - days * 86400);
	/* the same place and category still open: probably the same hazard seen twice */
	int64_t duplicate_of = 0;
	db_get_i64(c, &duplicate_of, "SELECT id FROM hazards WHERE area_id = ? AND category_id = ?"
		   " AND status NOT IN ('closed', 'cancelled') ORDER BY reported_at DESC, id DESC LIMIT 1", "II",
		   in->area_id, in->category_id);
	if (db_exec(c, "INSERT INTO hazards (number, status, reporter_id, anonymous, near_miss, area_id,"
		       " unit_id, equipment_id, category_id, factor_code, level, criterion_id, urgency,"
		       " description, assignee_id, reported_at, respond_due, rectify_due, repeat_of, updated_at,"
		       " duplicate_of)"
		       " VALUES (?, 'reported', NULLIF(?, 0), ?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?, NULLIF(?, 0), ?, ?, NULLIF(?, 0),"
		       " ?, ?, ?, NULLIF(?, 0), ?, NULLIF(?, 0))",
		    "tIiiIIIIttIttIIIIIII", number, in->reporter_id,
		    in->anonymous, in->near_miss, in->area_id, unit, in->equipment_id ? in->equipment_id : 0,
		    in->category_id, in->factor_code && *in->factor_code ? in->factor_code : NULL, level,
		    in->criterion_id, urgency, in->description ? in->description : "", assignee, at,
		    d.respond_due, d.rectify_due, repeat_of, now, duplicate_of) != DB_OK)
		goto fail;
	id = db_last_id(c);
	if (in->idem_key && *in->idem_key && hazard_idem_store(c, a->user_id, in->idem_key, id, now) != DB_OK)
		goto fail;
	if (in->voice_len && hazard_voice_store(c, id, in->voice, in->voice_len, in->reporter_id, in->voice_seconds, 0, at) != DB_OK)
		goto fail;
	if ((in->source > 0 || in->measure_id) &&
	    db_exec(c, "UPDATE hazards SET source = CASE WHEN ? > 0 THEN ? ELSE source END, measure_id = NULLIF(?, 0)"
		       " WHERE id = ?", "iiII", in->source, in->source, in->measure_id, id) != DB_OK)
		goto fail;
	if (in->link && in->link(c, id, in->link_ctx))
		goto fail;
	if (db_exec(c, "INSERT INTO hazard_events (hazard_id, at, user_id, action, from_status, to_status, note)"
		       " VALUES (?, ?, NULLIF(?, 0), 'report', '', 'reported', ?)", "IIIt", id, at, in->reporter_id,
		    in->description ? in->description : "") != DB_OK)
		goto fail;
	event = db_last_id(c);
	if (hazard_photos_link(c, id, event, "before", in->photos, in->nphotos, imgs, msg_key)) {
		*field = "photo";
		goto fail;
	}
	if (actor_audit(a, "hazard", id, "report", number) != DB_OK ||
	    hazard_notify_assignee(c, id, assignee, number) ||
	    (!strcmp(level, "major") && hazard_major_alert(c, id, unit, number)) ||
	    equipment_check(c, in->equipment_id, in->category_id, now) ||
	    hazard_search_sync(c, id) != DB_OK)
		goto fail;
	if (db_commit(c) != DB_OK)
		goto failed;
	goto out;
fail:
	db_rollback(c);
failed:
	log_error("hazard: create failed: %s", db_errmsg(c));
	if (!*field)
		*msg_key = "error.unavailable";
	id = -1;
out:
	for (int i = 0; i < in->nphotos; i++)
		hazard_image_free(&imgs[i]);
	return id;
}
