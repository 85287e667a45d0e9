/*
 * train_material.c — a course's page with its materials (培训资料: PDF, pictures, video
 * files), their upload by HR or the safety department, and serving them.
 *
 * An upload declares its kind (pdf, image, video); the bytes must prove it: the type is read
 * from the file's first bytes (train_sniff), never from its name, and a file whose contents
 * are not the declared kind — or not the type the browser said it sends — is refused with
 * nothing stored. Only the types a browser shows by itself are taken (PDF, JPEG, PNG, WebP,
 * MP4, WebM), so nothing stored can be served as HTML or script: a material goes out with its
 * sniffed type, X-Content-Type-Options: nosniff (every response, http/server.c) and a
 * Content-Disposition naming a file, and with Range support (206) so that a phone's video
 * player can seek without fetching the whole file.
 *
 * The bytes are content-addressed blobs (the hazard photos' table); hazard_sched_run's sweep
 * of unreferenced blobs keeps those named in train_materials.
 */
#include "train/train.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/text.h"
#include "db/blobstore.h"
#include "db/db.h"
#include "http/range.h"
#include "http/static.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRAIN_MAX_IMAGE (5u << 20)	/* a picture; PDF and video up to HTTP_MAX_FILE */
#define TRAIN_MAX_TITLE 100
#define TRAIN_MAX_MATERIALS 50		/* per course */

const char *train_sniff(const unsigned char *b, size_t n, const char **kind)
{
	const char *mime = NULL;
	*kind = NULL;
	if (n >= 5 && !memcmp(b, "%PDF-", 5))
		mime = "application/pdf", *kind = "pdf";
	else if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
		mime = "image/jpeg", *kind = "image";
	else if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
		mime = "image/png", *kind = "image";
	else if (n >= 12 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WEBP", 4))
		mime = "image/webp", *kind = "image";
	else if (n >= 4 && !memcmp(b, "\x1a\x45\xdf\xa3", 4))	/* EBML: WebM (Matroska) */
		mime = "video/webm", *kind = "video";
	else if (n >= 12 && !memcmp(b + 4, "ftyp", 4) && memcmp(b + 8, "qt  ", 4) != 0 &&
		 memcmp(b + 8, "heic", 4) != 0 && memcmp(b + 8, "mif1", 4) != 0)
		mime = "video/mp4", *kind = "video";	/* ISO base media: mp41, mp42, isom, avc1, ... */
	return mime;
}

static const char *ext_of(const char *mime)
{
	return !strcmp(mime, "application/pdf") ? "pdf" : !strcmp(mime, "image/jpeg") ? "jpg"
		: !strcmp(mime, "image/png") ? "png" : !strcmp(mime, "image/webp") ? "webp"
		: !strcmp(mime, "video/webm") ? "webm" : "mp4";
}

/* ---- upload ---- */

struct mat_err {
	int status;
	const char *key, *field;
};

/* Check and store one upload for course `course`. The material id, or -1 with e set. */
static int64_t material_store(struct req *r, int64_t course, struct mat_err *e)
{
	const char *kind = req_form(r, "kind"), *title = req_form(r, "title");
	struct upload *u = req_upload(r, "file");
	const char *sniffed_kind, *mime;
	if (!kind || (strcmp(kind, "pdf") && strcmp(kind, "image") && strcmp(kind, "video"))) {
		*e = (struct mat_err){422, "train.err.material_kind", "kind"};
		return -1;
	}
	if (title && (!utf8_valid(title, strlen(title)) || utf8_chars(title) > TRAIN_MAX_TITLE)) {
		*e = (struct mat_err){422, "train.err.material_title", "title"};
		return -1;
	}
	if (!u || !u->data.len) {
		*e = (struct mat_err){422, "train.err.material_file", "file"};
		return -1;
	}
	mime = train_sniff((const unsigned char *)u->data.buf, u->data.len, &sniffed_kind);
	if (!mime || strcmp(sniffed_kind, kind)) {
		*e = (struct mat_err){422, "train.err.material_type", "file"};
		return -1;
	}
	/* the type the browser sent with the file, when it says one, must be what the bytes are */
	const char *ct = u->content_type;
	size_t ctn = ct ? strcspn(ct, "; ") : 0;
	if (ctn && !(ctn == 24 && !strncmp(ct, "application/octet-stream", 24)) &&
	    !(ctn == strlen(mime) && !strncasecmp(ct, mime, ctn))) {
		*e = (struct mat_err){422, "train.err.material_type", "file"};
		return -1;
	}
	if (!strcmp(kind, "image") && u->data.len > TRAIN_MAX_IMAGE) {
		*e = (struct mat_err){413, "train.err.material_size", "file"};
		return -1;
	}
	int64_t n = 0;
	db_get_i64(r->db, &n, "SELECT count(*) FROM train_materials WHERE course_id = ? AND active = 1", "I", course);
	if (n >= TRAIN_MAX_MATERIALS) {
		*e = (struct mat_err){409, "train.err.material_many", NULL};
		return -1;
	}
	unsigned char h[crypto_hash_sha256_BYTES];
	char sha[2 * crypto_hash_sha256_BYTES + 1];
	crypto_hash_sha256(h, (const unsigned char *)u->data.buf, u->data.len);
	sodium_bin2hex(sha, sizeof sha, h, sizeof h);
	const char *name = title && *title ? title : u->filename && *u->filename && utf8_valid(u->filename, strlen(u->filename))
		&& utf8_chars(u->filename) <= TRAIN_MAX_TITLE ? u->filename : ext_of(mime);
	int64_t now = clock_now(), id = -1;
	const struct blob_meta bm = {.mime = mime, .created_at = now};
	if (db_begin(r->db) == DB_OK && blob_put(r->db, sha, u->data.buf, u->data.len, &bm) == DB_OK &&
	    db_exec(r->db, "INSERT INTO train_materials (course_id, sha256, kind, mime, title, size, created_by, created_at)"
			   " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "IttttIII", course, sha, kind, mime, name, (int64_t)u->data.len,
		    r->who->user_id, now) == DB_OK &&
	    (id = db_last_id(r->db)) > 0 &&
	    audit_req(r, "train_material", id, "create", arena_printf(&r->arena, "course %lld, %s, %s, %zu bytes",
				 (long long)course, kind, sha, u->data.len)) == DB_OK &&
	    db_commit(r->db) == DB_OK)
		return id;
	db_rollback(r->db);
	*e = (struct mat_err){503, "error.unavailable", NULL};
	return -1;
}

/* ---- the course page ---- */

static int course_of(struct req *r, int64_t *id, char **name, int64_t *hours)
{
	struct db_stmt *st = req_param_id(r, "id", id) ? NULL
		: db_query(r->db, "SELECT name, hours FROM train_courses WHERE id = ?", "I", *id);
	int ok = st && db_step(st) == 1;
	if (ok) {
		*name = arena_strdup(&r->arena, db_col_text(st, 0));
		*hours = db_col_i64(st, 1);
	}
	db_done(r->db, st);
	if (!ok) {
		if (r->is_api) {
			resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		} else {
			r->status = 404;
			page_error(r, 404, T(r, "error.not_found"), NULL);
		}
	}
	return ok ? 0 : -1;
}

static void course_html(struct req *r, int64_t id, const char *name, int64_t hours, const struct mat_err *e,
			const char *kept_title, const char *kept_kind)
{
	page_begin(r, name);
	html_printf(&r->out, "<h1>%s</h1><p class=\"hint\">%D %s</p><div class=\"stack train-materials\">", name, hours,
		    T(r, "train.hours"));
	struct db_stmt *st = db_query(r->db, "SELECT id, kind, title FROM train_materials WHERE course_id = ? AND active = 1"
				      " ORDER BY id LIMIT ?", "Ii", id, TRAIN_MAX_MATERIALS);
	int n = 0;
	while (st && db_step(st) == 1) {
		int64_t m = db_col_i64(st, 0);
		const char *kind = db_col_text(st, 1), *title = db_col_text(st, 2);
		n++;
		html_printf(&r->out, "<section class=\"card train-material\" data-kind=\"%s\"><h2>%s</h2>", kind, title);
		if (!strcmp(kind, "video"))
			html_printf(&r->out, "<video controls preload=\"metadata\" playsinline src=\"/train/materials/%D\""
				    " class=\"train-video\"></video>", m);
		else if (!strcmp(kind, "image"))
			html_printf(&r->out, "<img src=\"/train/materials/%D\" alt=\"%s\" loading=\"lazy\" class=\"train-image\">",
				    m, title);
		else
			html_printf(&r->out, "<p><a class=\"button\" href=\"/train/materials/%D\">%s</a></p>", m,
				    T(r, "train.open_pdf"));
		html_printf(&r->out, "</section>");
	}
	db_done(r->db, st);
	if (!n)
		html_printf(&r->out, "<p class=\"empty\">%s</p>", T(r, "train.no_materials"));
	else	/* self-study: the page's heartbeats while visible count (train_study.c, static/train.js) */
		html_printf(&r->out, "<p class=\"hint train-study\" data-study=\"/api/v1/train/courses/%D/study\">%s %D / %D %s</p>"
			    "<script src=\"%s\" defer></script>", id, T(r, "train.study_time"), train_study_seconds(r, id) / 60,
			    hours * 60, T(r, "train.minutes"), static_url("train.js"));
	if (auth_has(r, "train.manage")) {
		static const char *const kinds[] = {"pdf", "image", "video"};
		html_printf(&r->out, "<form method=\"post\" enctype=\"multipart/form-data\" action=\"/train/courses/%D/materials\""
			    " class=\"card stack train-upload\">%r<h2>%s</h2>", id, page_csrf(r), T(r, "train.material_add"));
		if (e)
			page_notice(r, "error", T(r, e->key));
		html_printf(&r->out, "<label>%s<select name=\"kind\">", T(r, "train.material_kind"));
		for (int i = 0; i < 3; i++)
			html_printf(&r->out, "<option value=\"%s\"%s>%s</option>", kinds[i],
				    kept_kind && !strcmp(kept_kind, kinds[i]) ? " selected" : "",
				    T(r, i == 0 ? "train.kind_pdf" : i == 1 ? "train.kind_image" : "train.kind_video"));
		html_printf(&r->out, "</select></label><label>%s<input name=\"title\" maxlength=\"%d\" value=\"%s\"></label>"
			    "<label>%s<input type=\"file\" name=\"file\" required accept=\"application/pdf,image/jpeg,image/png,"
			    "image/webp,video/mp4,video/webm\"></label>", T(r, "train.material_title"), TRAIN_MAX_TITLE,
			    kept_title ? kept_title : "", T(r, "train.material_file"));
		if (e && e->field)
			html_printf(&r->out, "<span class=\"field-error\" id=\"err-%s\">%s</span>", e->field, T(r, e->key));
		html_printf(&r->out, "<p class=\"hint\">%s</p><button class=\"primary\">%s</button></form>",
			    T(r, "train.material_hint"), T(r, "train.material_upload"));
	}
	if (auth_has(r, "train.manage"))
		html_printf(&r->out, "<form method=\"post\" enctype=\"multipart/form-data\""
			    " action=\"/train/courses/%D/questions/import\" class=\"card stack train-import-form\">%r<h2>%s</h2>"
			    "<p class=\"hint\">%s</p><label>%s<input type=\"file\" name=\"file\" required"
			    " accept=\".xlsx,.csv\"></label><label class=\"inline\"><input type=\"checkbox\" name=\"dry_run\""
			    " value=\"1\" checked> %s</label><button class=\"primary\">%s</button></form>", id, page_csrf(r),
			    T(r, "train.import.title"), T(r, "train.import.hint"), T(r, "train.material_file"),
			    T(r, "train.import.dry_run"), T(r, "train.import.go"));
	html_printf(&r->out, "<p><a href=\"/train\">%s</a></p></div>", T(r, "train.back"));
	page_end(r);
}

int train_course_page(struct req *r)
{
	int64_t id, hours;
	char *name;
	if (course_of(r, &id, &name, &hours))
		return 0;
	course_html(r, id, name, hours, NULL, NULL, NULL);
	return 0;
}

int train_material_post(struct req *r)
{
	int64_t id, hours;
	char *name;
	if (course_of(r, &id, &name, &hours))
		return 0;
	struct mat_err e;
	if (material_store(r, id, &e) < 0) {
		r->status = e.status;
		course_html(r, id, name, hours, &e, req_form(r, "title"), req_form(r, "kind"));
		return 0;
	}
	resp_redirect(r, arena_printf(&r->arena, "/train/courses/%lld", (long long)id));
	return 0;
}

static json_t *material_json(struct db_stmt *st)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:I}", "id", (json_int_t)db_col_i64(st, 0), "course_id",
			 (json_int_t)db_col_i64(st, 1), "kind", db_col_text(st, 2), "mime", db_col_text(st, 3), "title",
			 db_col_text(st, 4), "size", (json_int_t)db_col_i64(st, 5), "sha256", db_col_text(st, 6), "created_at",
			 (json_int_t)db_col_i64(st, 7));
}
#define MAT_COLS "id, course_id, kind, mime, title, size, sha256, created_at"

int train_api_material_create(struct req *r)
{
	int64_t id, hours;
	char *name;
	if (course_of(r, &id, &name, &hours))
		return 0;
	struct mat_err e;
	int64_t m = material_store(r, id, &e);
	if (m < 0) {
		resp_error(r, e.status, e.status == 413 ? "too_large" : e.status == 409 ? "conflict"
			   : e.status == 503 ? "unavailable" : "invalid", T(r, e.key), e.field);
		return 0;
	}
	struct db_stmt *st = db_query(r->db, "SELECT " MAT_COLS " FROM train_materials WHERE id = ?", "I", m);
	json_t *o = st && db_step(st) == 1 ? material_json(st) : json_object();
	db_done(r->db, st);
	resp_json(r, 201, o);
	return 0;
}

int train_api_materials(struct req *r)
{
	int64_t id, hours;
	char *name;
	int page, per_page;
	req_page(r, 50, &page, &per_page);
	if (r->bad_param || course_of(r, &id, &name, &hours))
		return 0;
	int64_t total = 0;
	db_get_i64(r->db, &total, "SELECT count(*) FROM train_materials WHERE course_id = ? AND active = 1", "I", id);
	json_t *items = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT " MAT_COLS " FROM train_materials WHERE course_id = ? AND active = 1"
				      " ORDER BY id LIMIT ? OFFSET ?", "III", id, (int64_t)per_page,
				      (int64_t)(page - 1) * per_page);
	while (st && db_step(st) == 1)
		json_array_append_new(items, material_json(st));
	db_done(r->db, st);
	resp_json(r, 200, json_pack("{s:o, s:i, s:i, s:I}", "items", items, "page", page, "per_page", per_page, "total",
				    (json_int_t)total));
	return 0;
}

/* GET /train/materials/:id — the bytes, as their sniffed type, whole or one range. */
int train_material_get(struct req *r)
{
	int64_t id;
	char *mime = NULL, *sha = NULL;
	int64_t len = 0;
	struct db_stmt *st = req_param_id(r, "id", &id) ? NULL
		: db_query(r->db, "SELECT mime, size, sha256 FROM train_materials WHERE id = ? AND active = 1", "I", id);
	if (st && db_step(st) == 1) {
		mime = arena_strdup(&r->arena, db_col_text(st, 0));
		len = db_col_i64(st, 1);
		sha = arena_strdup(&r->arena, db_col_text(st, 2));
	}
	db_done(r->db, st);
	if (!mime) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	size_t from = 0, to = len ? (size_t)len - 1 : 0;
	int k = http_range(req_header(r, "Range"), (size_t)len, &from, &to);
	resp_header(r, "Accept-Ranges", "bytes");
	resp_header(r, "Content-Disposition", arena_printf(&r->arena, "inline; filename=\"material-%lld.%s\"", (long long)id,
							     ext_of(mime)));
	resp_header(r, "Cache-Control", "private, max-age=86400");
	if (k < 0) {
		resp_header(r, "Content-Range", arena_printf(&r->arena, "bytes */%lld", (long long)len));
		resp_text(r, 416, "text/plain; charset=utf-8", "", 0);
		return 0;
	}
	struct blob b;
	if (blob_get_range(r->db, sha, from, to - from + 1, &b) != 1) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	resp_text(r, k ? 206 : 200, mime, (const char *)b.bytes, b.len);
	if (k)
		resp_header(r, "Content-Range", arena_printf(&r->arena, "bytes %zu-%zu/%lld", from, to, (long long)len));
	blob_free(&b);
	return 0;
}
