/*
 * check_voice_web.c — a check record's voice notes (hold to record on the check form, kept
 * with a round on a phone without signal; docs/offline.md). The clip is checked and stored by
 * the hazard module's voice code (container magic bytes, size, content-addressed blob); here it
 * is served to those who may see the record, as the record's photos are (check_photo_web.c):
 * the type the magic bytes gave, nosniff (every response), a plain file name.
 */
#include "check/check.h"
#include "check/check_web.h"
#include "db/blobstore.h"
#include "db/db.h"
#include "web/entity.h"

#include <string.h>

int check_record_voice_get(struct req *r)
{
	int64_t id, user = 0, n = 0;
	struct check_task t;
	const char *sha = req_param(r, "sha");
	if (req_param_id(r, "id", &id) || !sha || strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64 ||
	    check_record_load(r, id, &t, &user) ||
	    db_get_i64(r->db, &n, "SELECT count(*) FROM check_voice WHERE record_id = ? AND sha256 = ?", "It", id, sha) != 1 || !n) {
		entity_not_found(r);
		return 0;
	}
	struct blob b = {0};
	if (blob_get(r->db, sha, &b) == 1) {
		int ogg = !strcmp(b.mime, "audio/ogg"), mp4 = !strcmp(b.mime, "audio/mp4");
		resp_text(r, 200, ogg ? "audio/ogg" : mp4 ? "audio/mp4" : "audio/webm", (const char *)b.bytes, b.len);
		resp_header(r, "Content-Disposition", arena_printf(&r->arena, "inline; filename=\"voice-%.12s.%s\"", sha,
								   ogg ? "ogg" : mp4 ? "m4a" : "webm"));
		resp_header(r, "Cache-Control", "private, max-age=31536000, immutable");
	} else {
		entity_not_found(r);
	}
	blob_free(&b);
	return 0;
}
