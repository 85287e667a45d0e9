/*
 * check_photo_web.c — the photos of a check record (GET /checks/records/:id/photos/:sha,
 * ?thumb=1 for the thumbnail). /photos serves a photo to those who may see a hazard using it;
 * a check result's photo that never became a hazard is served here instead, under the
 * record's own rule: its maker, or whoever may see its task (the task's unit in the viewer's
 * data scope, check_record_load). Anyone else, and a photo the record does not carry, is 404
 * (not 403: the record's existence is not told).
 */
#include "check/check.h"
#include "check/check_web.h"
#include "db/blobstore.h"
#include "db/db.h"
#include "web/entity.h"

#include <string.h>

int check_record_photo_get(struct req *r)
{
	int64_t id, user = 0, n = 0;
	struct check_task t;
	const char *sha = req_param(r, "sha");
	if (req_param_id(r, "id", &id) || !sha || strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64 ||
	    check_record_load(r, id, &t, &user) ||
	    db_get_i64(r->db, &n, "SELECT count(*) FROM check_results WHERE record_id = ? AND photo_sha = ?", "It", id, sha) != 1 || !n) {
		entity_not_found(r);
		return 0;
	}
	struct db_stmt *st = db_query(r->db, req_query_flag(r, "thumb", 0)
						 ? "SELECT thumb_sha256 FROM blobs WHERE sha256 = ? AND thumb_sha256 IS NOT NULL"
						 : "SELECT sha256 FROM blobs WHERE sha256 = ?", "t", sha);
	struct blob b = {0};
	int got = st && db_step(st) == 1 ? blob_get(r->db, db_col_text(st, 0), &b) : 0;
	db_done(r->db, st);
	if (got == 1) {
		resp_text(r, 200, "image/jpeg", (const char *)b.bytes, b.len);
		resp_header(r, "Content-Disposition", "inline");
		/* content-addressed: the bytes behind a URL never change */
		resp_header(r, "Cache-Control", "private, max-age=31536000, immutable");
	} else {
		entity_not_found(r);
	}
	blob_free(&b);
	return 0;
}
