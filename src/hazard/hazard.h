/*
 * hazard.h — the hazard module's public face (隐患排查治理): report, classify, dispatch,
 * rectify, verify and close hazards, with deadlines, escalation, repeats, search and points.
 *
 * The files, one job each:
 *   hazard.c         storage and rules: create, dispatch, numbers, deadlines, repeats, points
 *   hazard_flow.c    the lifecycle as a transition table and the one engine that applies it
 *   hazard_photo.c   photo checks and re-encoding (TurboJPEG, libpng, libexif)
 *   hazard_jpeg.c    the JPEG encoder, and the marked photo spliced from the original's bytes
 *   hazard_pixels.c  YCbCr 4:2:0 planes (decoded into, encoded from), shrink, EXIF rotation
 *   hazard_search.c  the CJK bigram FTS5 tokenizer and the search index
 *   hazard_sched.c   the scheduler job: reminders, overdue marking, escalation
 *   hazard_offline.c what a report from a phone's offline queue brings: idempotency key,
 *                    capture time, voice note
 *   hazard_web.c     the pages;  hazard_api.c  the JSON API;  hazard_demo.c  demo data
 */
#ifndef ANQUAN_HAZARD_H
#define ANQUAN_HAZARD_H

#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

struct actor;
struct db;
struct db_stmt;

/* ---- numbers and deadlines (hazard.c) ---- */

/* "YH-2026-000123" into out (at least 24 bytes). */
void hazard_format_number(char *out, size_t size, int year, int64_t seq);
/* The local (plant zone) calendar year of a UTC time. */
int hazard_local_year(int64_t t);

struct hazard_deadlines {
	int64_t respond_due;	/* accept by then */
	int64_t rectify_due;	/* rectified (submitted for verification) by then */
};
/* Deadlines for urgency 'A', 'B' or 'C' from `from`, with the given hours (configurable;
 * defaults A 2 h / 24 h, B 24 h / 72 h, C 48 h / 7 days). */
struct hazard_deadlines hazard_deadlines_for(char urgency, int64_t from, const int respond_h[3],
					     const int rectify_h[3]);
/* The same with the hours read from the settings table. */
struct hazard_deadlines hazard_deadlines(struct db *c, char urgency, int64_t from);
/* When a reminder is due: `percent` of the way from start to due. */
int64_t hazard_remind_at(int64_t start, int64_t due, int percent);

/* An integer setting (settings table) or def. */
int64_t hazard_setting(struct db *c, const char *key, int64_t def);

/* ---- storage ---- */

struct hazard_photo_in {
	const unsigned char *data;
	size_t len;
	const char *sha;	/* instead of data: an already stored blob */
};

/* A phone's GPS fix sent with a report or action (fields lat, lng, gps_acc in metres). */
struct hazard_gps {
	const char *lat_s, *lng_s, *acc_s;	/* as sent; parsed by hazard_gps_parse */
	int has;
	double lat, lng, acc;
};

struct hazard_new {
	int64_t reporter_id;
	int64_t area_id, category_id, equipment_id, criterion_id;
	const char *factor_code;
	const char *level;	/* "general" | "major" */
	const char *urgency;	/* "A" | "B" | "C" */
	const char *description;
	int anonymous, near_miss;
	struct hazard_photo_in photos[HTTP_MAX_FILES];
	int nphotos;
	struct hazard_gps gps;
	/* Optional, for a module that files a hazard from its own record (a failed check item):
	 * where it came from (hazard_sources code, 0: the default) and the control measure that
	 * failed (source 9), and a step run inside the creating transaction after the hazard is
	 * stored, which links the record to it; non-zero rolls everything back. */
	int source;
	int64_t measure_id;
	int (*link)(struct db *c, int64_t hazard_id, void *ctx);
	void *link_ctx;
	/* Optional, from a phone's offline queue (hazard_offline.c): the report's idempotency key,
	 * its capture time (0: now; -1: sent but unreadable) and a voice note. When the key
	 * was seen before, hazard_create returns that hazard and sets *replayed (if given). */
	const char *idem_key;
	int64_t captured_at;
	const unsigned char *voice;
	size_t voice_len;
	int64_t voice_seconds;
	int *replayed;
	/* Optional, for a hazard the system raises from a machine's record (a sensor's reading
	 * over its 报警 threshold): no person reported it, so there is no photo and no reporter
	 * (reporter_id 0 stores NULL); honoured only for a system actor. assignee_id, when set,
	 * is the owner instead of the dispatch rules' choice. */
	int system_raised;
	int64_t assignee_id;
};

/* Validate and store a new hazard with its photos, number, dispatch, deadlines, repeat mark,
 * event, audit entry, search row and notifications — in one transaction. Returns the id, or
 * -1 with *field and *msg_key set to the offending field and a catalogue key. */
int64_t hazard_create(const struct actor *a, const struct hazard_new *in, const char **field,
		      const char **msg_key);

/* The rectifier by the dispatch rules (area × category → position or person), falling back
 * to the area's unit head or a team leader there, walking up the unit tree. 0 if none. */
int64_t hazard_dispatch(struct db *c, int64_t area_id, int64_t category_id);

/*
 * Who may read a hazard — the one rule; hazard_visible(), the list query (page, API, export,
 * its counts) all use this SQL condition on `hazards h JOIN units u ON u.id = h.unit_id`,
 * binding ?1 the actor's units pattern (actor_units_pattern), ?2 the "own"-scope owner
 * (actor_scope_owner, 0 otherwise) and ?3 the actor's user id.
 *
 * By involvement: the reporter, the assignee, the rectifier, the verifier and anyone who
 * acted on it (a hazard_events row) keep read access, whatever their scope — a team leader
 * who dispatched a hazard to another team can still open it.
 * By place (scopes wider than "own"): the hazard's unit, the unit responsible for its area,
 * or the unit of its assignee or its (non-anonymous) reporter lies in the scope. Hazards are
 * filed under the workshop that owns the area, so without the last two a team leader, whose
 * scope is his team, would see none of his team's hazards.
 * Tried and undone: the place terms as non-correlated sets (h.area_id IN the scope's areas,
 * and so on). A count walking thousands of other plants' hazards got faster (a safety
 * officer's "mine, open" 68 → 111 a second), but building the sets costs ~250 µs a
 * statement, and a list page that meets a few hazards of another plant (the bench's data,
 * where plants interleave) fell 3–4× (JSON list 13.7 k → 3.1 k a second in build/bench/sqlloop).
 * The assignee's and the reporter's units are two EXISTS, each tied to the hazard by one
 * equality, not one EXISTS over "vp.id = assignee OR vp.id = reporter": PostgreSQL can run
 * such an EXISTS as a hashed set built once per statement, where the OR made it join users
 * and units again for every hazard of another plant a count walked (a safety officer's
 * "mine, open" at a million hazards: 113 ms, of which 60 in that subquery). SQLite looks
 * both up by primary key as before.
 * tests/unit/test_hazard_visible.c checks each term on its own.
 */
#define HAZARD_VISIBLE_SQL \
	" ((?2 = 0 AND (u.path LIKE ?1" \
	"   OR EXISTS (SELECT 1 FROM areas va JOIN units vu ON vu.id = va.unit_id" \
	"              WHERE va.id = h.area_id AND vu.path LIKE ?1)" \
	"   OR EXISTS (SELECT 1 FROM users vp JOIN units vu ON vu.id = vp.unit_id" \
	"              WHERE vp.id = h.assignee_id AND vu.path LIKE ?1)" \
	"   OR (h.anonymous = 0 AND EXISTS (SELECT 1 FROM users vp JOIN units vu ON vu.id = vp.unit_id" \
	"              WHERE vp.id = h.reporter_id AND vu.path LIKE ?1))))" \
	"  OR h.reporter_id = ?3 OR h.assignee_id = ?3 OR h.rectifier_id = ?3 OR h.verifier_id = ?3" \
	"  OR EXISTS (SELECT 1 FROM hazard_events ve WHERE ve.hazard_id = h.id AND ve.user_id = ?3)) "

/* Is this hazard visible to the actor? (HAZARD_VISIBLE_SQL; the system sees everything) */
int hazard_visible(const struct actor *a, int64_t hazard_id);

/*
 * Sections other modules draw on a hazard's page (the co-working group and its thread of
 * src/duty, 协同任务组). The hazard module names no module above it: src/modules.c hands it
 * the list at start-up. draw() writes into r->out after the hazard's own card, for a hazard
 * the caller sees; `again` is NULL, or what the section's module gave hazard_page_again()
 * after refusing its own form there (the message and what was typed).
 */
struct hazard_section {
	const char *perm;	/* drawn for holders of it; NULL: for whoever sees the hazard */
	void (*draw)(struct req *r, int64_t hazard_id, const void *again);
};
void hazard_sections_set(const struct hazard_section *const *list);	/* NULL-terminated */
/* The hazard's page answered with `status` (422 of a refused form), section s drawn with
 * `again`. 404 when the caller does not see the hazard. Returns 0. */
int hazard_page_again(struct req *r, int64_t hazard_id, int status, const struct hazard_section *s, const void *again);

/* Award points (ledger row for the person; and their team's share). Inside a transaction. */
int hazard_award(struct db *c, int64_t hazard_id, int64_t user_id, const char *reason, int64_t pts);

/* How long after uploading a photo its uploader may still attach it by its hash. */
#define HAZARD_PHOTO_REF_SECONDS (24 * 3600)
/* Record that user_id uploaded the photo `sha` now (inside the upload's transaction). */
int hazard_photo_uploaded(struct db *c, const char *sha, int64_t user_id);
/* Each photo named by hash must have been uploaded by user_id within HAZARD_PHOTO_REF_SECONDS:
 * 0 if so, else -1 with *msg_key set (the caller answers 422 naming "photos"). */
int hazard_photos_check(struct db *c, int64_t user_id, const struct hazard_photo_in *p, int n,
			const char **msg_key);
struct hazard_gps;
struct hazard_mark;
/* Store a photo (re-encoded, watermarked when mark is given, the original kept beside it)
 * and its thumbnail as blobs; sha_out gets the stored SHA-256.
 * Inside a transaction, so it decodes with the write lock held: for the demo data only
 * (tests/check-static holds request handlers to hazard_store_image). Returns 0, or -1 with
 * *msg_key set. */
/* Store a photo already processed (hazard_image_process*, done before the transaction so
 * decoding never holds the write lock). Inside a transaction. 0 or -1. */
struct hazard_image;
int hazard_store_image(struct db *c, const struct hazard_image *img, char sha_out[65]);
int hazard_store_photo(struct db *c, const unsigned char *data, size_t len, const struct hazard_mark *mark,
		       char sha_out[65], const char **msg_key);
/* hazards.evidence (1370): set from its photos, after they change, in the caller's transaction */
int hazard_evidence_mark(struct db *c, int64_t hazard_id);
/* The watermark of photos taken by user_id (or "anonymous") at area_id at `now`, with the
 * phone's fix if any; names are malloc'd, hazard_mark_release frees them. */
void hazard_mark_fill(struct db *c, int64_t user_id, int anonymous, int64_t area_id,
		      const struct hazard_gps *g, int64_t now, struct hazard_mark *m);
void hazard_mark_release(struct hazard_mark *m);

/* ---- offline capture (hazard_offline.c) ---- */

/* A voice note may take this many bytes per configured second (hazard.voice_max_seconds):
 * 128 kbit/s, above what a phone's speech codec records. */
#define HAZARD_VOICE_BYTES_PER_SECOND 16000
int hazard_idem_key_ok(const char *key);
/* The hazard created earlier by user_id with this key, or 0. */
int64_t hazard_idem_find(struct db *c, int64_t user_id, const char *key);
/* Record the key of a hazard just created (inside its transaction). */
int hazard_idem_store(struct db *c, int64_t user_id, const char *key, int64_t hazard_id, int64_t now);
/* Is a client's capture time acceptable at `now`? 0, or -1 with *msg_key. */
int hazard_capture_check(struct db *c, int64_t now, int64_t captured, const char **msg_key);
size_t hazard_voice_max_bytes(struct db *c);
/* "audio/webm", "audio/ogg" or "audio/mp4" by the magic bytes, or NULL. */
const char *hazard_voice_type(const unsigned char *d, size_t n);
/* Type and size of a voice note: 0, or -1 with *msg_key. */
int hazard_voice_check(struct db *c, const unsigned char *d, size_t n, const char **msg_key);
/* Store the clip as a content-addressed blob (its type from the magic bytes); sha gets its
 * SHA-256. Inside a transaction; the check module's notes go through here too. */
int hazard_voice_blob(struct db *c, const unsigned char *d, size_t n, int64_t now, char sha[65]);
/* The recorder's length of a clip as the phone sent it (voice_seconds), within 0 and
 * hazard.voice_max_seconds: shown beside the player, never trusted for anything else. */
int64_t hazard_voice_seconds(struct db *c, const char *s);
/* Store the clip and link it to the hazard: spoken by user_id, `seconds` long, with event_id
 * (0: with the report), at now (inside a transaction). */
int hazard_voice_store(struct db *c, int64_t hazard_id, const unsigned char *d, size_t n, int64_t user_id, int64_t seconds,
		       int64_t event_id, int64_t now);

/* ---- the lifecycle (hazard_flow.c) ---- */

struct hazard_row {
	int64_t id, version, reporter_id, assignee_id, rectifier_id, verifier_id, unit_id;
	int64_t area_id, category_id, equipment_id, reported_at, rectify_due;
	char status[24], level[12], urgency[4], number[32];
	int on_spot;
};
int hazard_load(struct db *c, int64_t id, struct hazard_row *h);	/* 0 ok, -1 none */

/* The input an action may carry. */
struct hazard_action_in {
	const char *note;		/* reason / rectification note / assessment */
	const char *level, *urgency;	/* accept: confirm or change the classification */
	int64_t criterion_id;		/* accept as major: the criterion item */
	int64_t assignee_id;		/* reassign / accept: a new rectifier */
	struct hazard_photo_in photos[HTTP_MAX_FILES];
	int nphotos;
	/* submit_plan: the six parts and a due date */
	const char *plan[6];
	int64_t plan_due;
	struct hazard_gps gps;	/* drawn into the photos' watermark */
	/* a voice note spoken with the action (hold to record on the rectification form) */
	const unsigned char *voice;
	size_t voice_len;
	int64_t voice_seconds;
};

struct hazard_transition {
	const char *from, *action, *to, *perm;
	/* NULL if allowed; else a catalogue key saying why not. Rows with the same from and
	 * action differ by guard: the engine takes the first whose guard passes. */
	const char *(*guard)(const struct actor *a, const struct hazard_row *h,
			     const struct hazard_action_in *in);
};
extern const struct hazard_transition hazard_transitions[];

/* Apply `action` to hazard `id`. Returns 0, or an HTTP status (403, 404, 409, 400) with
 * *msg_key and *field set. Everything happens in one transaction or not at all. */
int hazard_act(const struct actor *a, int64_t id, const char *action,
	       const struct hazard_action_in *in, const char **msg_key, const char **field);
/* Which actions may this actor take now (for buttons)? Fills acts (up to max), returns count. */
int hazard_actions_for(const struct actor *a, const struct hazard_row *h, const char **acts, int max);
/* Pure table check for unit tests: is there a row from `from` with `action`? */
const struct hazard_transition *hazard_flow_find(const char *from, const char *action);

/* ---- photos (hazard_photo.c) ---- */

struct hazard_image {
	unsigned char *jpeg;	/* malloc'd, re-encoded without metadata */
	size_t jpeg_len;
	unsigned char *thumb;
	size_t thumb_len;
	int width, height;
	int64_t taken_at;	/* EXIF DateTimeOriginal as UTC, 0 if none */
	unsigned char *orig;	/* watermarked photos: the same picture without the band */
	size_t orig_len;
	/* SHA-256 (hex) of jpeg, thumb and orig ("" for none), worked out with the image so
	 * that hashing, like decoding, happens before the write transaction */
	char sha[65], thumb_sha[65], orig_sha[65];
};

/* What the evidence watermark says (hazard_watermark.c). */
struct hazard_mark {
	int64_t at;		/* UTC; shown in the plant's zone */
	const char *person, *place;
	int has_gps;
	double lat, lng, acc;
};
/* The band's lines (2, or 3 with GPS) into buf, pointers in lines; returns the count. */
int hazard_mark_lines(const struct hazard_mark *m, char buf[3][256], const char *lines[3]);
/* Height in pixels of the band drawn on a w×h image with nlines lines. */
int hazard_watermark_band(int w, int h, int nlines);
/* Draw the band onto the bottom of RGB pixels in place; rows above it are untouched. */
int hazard_watermark_rgb(unsigned char *px, int w, int h, const struct hazard_mark *m);
/* The same on 4:2:0 planes (hazard_pixels.c). */
struct hazard_yuv;
int hazard_watermark_yuv(struct hazard_yuv *img, const struct hazard_mark *m);
/* Parse the GPS fields as sent (none is fine): 0, or -1 with *field and *msg_key. */
int hazard_gps_parse(struct hazard_gps *g, const char **field, const char **msg_key);
#define HAZARD_PHOTO_MAX_SIDE 1600
#define HAZARD_THUMB_MAX_SIDE 320
#define HAZARD_PHOTO_MAX_PIXELS 40000000LL	/* refuse decompression bombs */
/* Check, decode, orient, shrink and re-encode. 0, or -1 with *msg_key. */
int hazard_image_process(const unsigned char *data, size_t len, struct hazard_image *out,
			 const char **msg_key);
/* The same, with the evidence watermark drawn (mark may be NULL): out->orig then holds the
 * unmarked photo. */
int hazard_image_process_marked(const unsigned char *data, size_t len, const struct hazard_mark *mark,
				struct hazard_image *out, const char **msg_key);
void hazard_image_free(struct hazard_image *img);
/* Fill img's hashes from its bytes (again after changing img->orig). */
void hazard_image_hash(struct hazard_image *img);
/* The size a w×h JPEG is decoded at (libjpeg-turbo's scaled decoding, chosen so that the
 * photo needs no resampling pass, or a small one). */
void hazard_photo_decode_size(int w, int h, int *sw, int *sh);
/* hazard_jpeg.c: encode RGB pixels as a 4:2:0 JPEG with a restart marker per MCU row
 * (malloc'd *out), 0 or -1; the first MCU row the band of a picture h px high starts in;
 * and a JPEG whose rows from from_row (a multiple of 16) down are tail's, above are orig's. */
int hazard_jpeg_encode(const unsigned char *px, int w, int h, int quality, unsigned char **out, size_t *len);
int hazard_jpeg_band_start(int h, int band);
int hazard_jpeg_splice(const unsigned char *orig, size_t orig_len, const unsigned char *tail, size_t tail_len,
		       int from_row, unsigned char **out, size_t *len);
/* The same from 4:2:0 planes (hazard_pixels.c), rows and chroma taken as they are. */
int hazard_jpeg_encode_yuv(const struct hazard_yuv *img, int quality, unsigned char **out, size_t *len);

/* hazard_pixels.c: YCbCr 4:2:0 planes, Y w×h then Cb and Cr ⌈w/2⌉×⌈h/2⌉, each row padded
 * to whole MCUs with its edge pixel (hazard_yuv_pad after writing rows). */
struct hazard_yuv {
	unsigned char *p[3];
	int w, h;
	int stride[3];
};
void hazard_yuv_alloc(struct hazard_yuv *y, int w, int h);
void hazard_yuv_free(struct hazard_yuv *y);
/* Repeat each row's last pixel into its padding, from luma row from_row (even) down. */
void hazard_yuv_pad(struct hazard_yuv *y, int from_row);
/* Rows row0 (even)..h-1 from packed RGB holding just those rows. */
void hazard_yuv_from_rgb(struct hazard_yuv *y, const unsigned char *rgb, int row0);
/* Area-average shrink of sw×sh pixels of nc bytes into dw×dh (strides in bytes). */
void hazard_area_shrink(const unsigned char *s, int sw, int sh, size_t sstride, int nc, unsigned char *d, int dw,
			int dh, size_t dstride);
/* d (allocated here) = s shrunk to dw×dh. */
void hazard_yuv_shrink(const struct hazard_yuv *s, struct hazard_yuv *d, int dw, int dh);
/* Turn by EXIF orientation 3, 6 or 8 (others leave it). */
void hazard_yuv_orient(struct hazard_yuv *img, int orientation);

/* A solid-colour test/demo JPEG with stripes (malloc'd). */
unsigned char *hazard_image_synth(int w, int h, unsigned rgb, int quality, size_t *len);

/* ---- search (hazard_search.c) ---- */

/* Rewrite this hazard's search row from its current text. Inside a transaction. */
int hazard_search_sync(struct db *c, int64_t hazard_id);
/* Turn user text into an FTS5 query of quoted phrases (malloc'd), NULL if nothing to find. */
char *hazard_search_query(struct db *c, const char *text);
/* Tokenize with the bigram rules; calls cb for each token: the 'cjk2' tokenizer of hazards_fts
 * (app/registry.c hands it to db), and the unit tests. */
void hazard_search_tokens(const char *text, int len, void *ctx,
			  void (*cb)(void *ctx, const char *tok, int n, int start, int end));

/* ---- the scheduler job (hazard_sched.c) ---- */
int hazard_sched_run(struct db *c, int64_t now);

/* ---- demo data (hazard_demo.c) ---- */
int hazard_demo_load(struct db *c);

/* ---- routes (hazard_web.c + hazard_api.c) ---- */
extern const struct route hazard_routes[];
/* its entry in the module table (base/module.h), listed in src/modules.c */
struct module;
extern const struct module hazard_module;

/* shared between the page and API files (hazard_web.c) */
struct hazard_filter {
	const char *status, *level, *q, *from, *to, *mine;
	const char *todo;	/* a line of the home page's "waiting for me" (hazard_todo_count) */
	int64_t area_id, unit_id, category_id;
	int overdue, repeat;
	int page, per_page;
	const char *cursor;	/* ?cursor= (hazard_list.c), read by hazard_list_cursor_refused */
};
void hazard_filter_read(struct req *r, struct hazard_filter *f);
/* Read ?cursor= into f; a cursor sent with a page number is answered 422 naming "page":
 * returns 1 then, else 0. */
int hazard_list_cursor_refused(struct req *r, struct hazard_filter *f);
/* Lists count their matches only up to this many and show "10000+" beyond: an exact count
 * over a plant's million hazards costs seconds (bench/results), and nobody pages that far
 * instead of filtering. Page numbers are offered up to this many matches; beyond it, and
 * wherever the list was not counted, next/previous by cursor (hazard_list.c). */
#define HAZARD_COUNT_CAP 10000

/* ---- the list query (hazard_list.c): its SQL, keyset cursor and bounded count ---- */

/* The bound values of the list statements: the person (?1–?3, HAZARD_VISIBLE_SQL) and
 * the filter ("" or 0: not filtered). hazard_list_args_of() fills them from a request;
 * build/bench/sqlloop fills them from a user name. */
struct hazard_list_args {
	const char *pattern;		/* actor_units_pattern */
	int64_t owner, me;		/* actor_scope_owner, the user id */
	const char *status, *level;
	int64_t area_id, unit_id, category_id, from, to;	/* from/to: UTC seconds, to exclusive */
	int overdue, repeat, mine, handle, verify, major;
	const char *fts;		/* hazard_search_query() of q, or NULL */
	int64_t equipment_id, closed_from, closed_to;
	const char *factor, *todo;
};
/* Rows in h.id order, newest first, with below > id > above (INT64_MAX and 0: no bound),
 * limit and offset; row() per row (columns: HZ_COLS in hazard_list.c). The count of rows,
 * or -1. */
int hazard_list_rows(struct db *c, const struct hazard_list_args *a, int64_t below, int64_t above, int limit,
		     int offset, void (*row)(struct db_stmt *st, void *ctx), void *ctx);
/* The ids of the first `limit` rows above `above`, oldest first, into ids: count or -1. */
int hazard_list_ids_up(struct db *c, const struct hazard_list_args *a, int64_t above, int limit, int64_t *ids);
/* Count the matches, stopping at cap + 1: 0 or -1. */
int hazard_list_count(struct db *c, const struct hazard_list_args *a, int64_t cap, int64_t *total);
/* Does any filter narrow the list (then it is counted)? */
int hazard_list_narrowed(const struct hazard_list_args *a);
/* The statements for the filters in `a`: 0 rows, 1 ids upwards, 2 count (malloc'd); and their
 * query plans (SQLite's EXPLAIN QUERY PLAN, bound as the list binds them), line() per step:
 * tests/unit/test_hazard_list.c. */
char *hazard_list_sql(int which, const struct hazard_list_args *a);
int hazard_list_explain(struct db *c, int which, const struct hazard_list_args *a,
			void (*line)(const char *detail, void *ctx), void *ctx);

#define HAZARD_CURSOR_MAX 64
/* A cursor: dir 'n' (rows below id) or 'p' (rows above id) of the list `a` describes. */
void hazard_cursor_make(char out[HAZARD_CURSOR_MAX], char dir, int64_t id, const struct hazard_list_args *a);
/* 0 and *dir, *id set; -1 malformed or altered; -2 a cursor of another filter or person. */
int hazard_cursor_parse(const char *s, const struct hazard_list_args *a, char *dir, int64_t *id);

struct hazard_list_result {
	int n;				/* rows given to row() */
	int64_t total;			/* the count; -1 when not counted */
	int capped;			/* total stopped at HAZARD_COUNT_CAP: there are more */
	int has_next, has_prev;		/* by cursor (and has_prev also by page number) */
	char next[HAZARD_CURSOR_MAX], prev[HAZARD_CURSOR_MAX];	/* "" when none */
};
enum { HAZARD_LIST_BAD_CURSOR = -2, HAZARD_LIST_OTHER_CURSOR = -3 };
/* One page: by cursor when given (then not counted), else page number `page` (counted when a
 * filter narrows it or the table is small). 0, -1 (the query failed), or HAZARD_LIST_*. */
int hazard_list_page(struct db *c, const struct hazard_list_args *a, const char *cursor, int page, int per_page,
		     void (*row)(struct db_stmt *st, void *ctx), void *ctx, struct hazard_list_result *out);

/* The statements of a hazard's page (hazard_detail.c), stepped by the caller, ended with
 * db_done; NULL on error. Columns:
 *   row     0 description, 1 area, 2 category zh, 3 category en, 4 unit, 5 reporter, 6 assignee,
 *           7 reported_at, 8 respond_due, 9 rectify_due, 10 overdue, 11 repeat_of, 12 anonymous,
 *           13 near_miss, 14 on_spot, 15 equipment, 16 criterion, 17 factor, 18 closed_at,
 *           19 regulator_reported_at, 20 repeat's number, 21 verifier, 22 rectifier,
 *           23 duplicate_of, 24 its number, 25 its status
 *   photos  sha256, kind, has an unmarked original, event id (0: none), all of the hazard's
 *   voice   sha256, speaker ("" when the anonymous reporter), at, seconds
 *   plan    goal, method, funding, organization, deadline_text, safety, due_at, director_at,
 *           principal_at
 *   events  id, at, action, from_status, to_status, note, user name, anonymous, by the reporter */
struct db_stmt *hazard_detail_row(struct db *c, int64_t id);
struct db_stmt *hazard_detail_photos(struct db *c, int64_t id);
struct db_stmt *hazard_detail_voice(struct db *c, int64_t id);
struct db_stmt *hazard_detail_plan(struct db *c, int64_t id);
struct db_stmt *hazard_detail_events(struct db *c, int64_t id);

/* The list arguments of a request's filter (allocated in r's arena; a malformed drill-down
 * parameter is recorded for the router's 400). */
void hazard_list_args_of(struct req *r, const struct hazard_filter *f, struct hazard_list_args *a);
/* Run the filtered, scoped list by page number; cb per row (the exports, the todo counts). */

int hazard_list_query(struct req *r, const struct hazard_filter *f, int limit, int offset,
		      void (*cb)(struct req *r, struct db_stmt *st, void *ctx), void *ctx,
		      int64_t *total);
/* The count of a "waiting for me" line (rectify, accept, review, verify, reported): the total
 * of the list /hazards?todo=<name> shows (bounded at HAZARD_COUNT_CAP + 1), by a statement of
 * the line's own that seeks by its narrowing (hazard_todo.c). hazard_todo_count_of: the same
 * for a person given by scope pattern, owner and id (0, or -1 for an unknown line);
 * hazard_todo_sql: its statement, NULL for an unknown line (the plan test). */
int64_t hazard_todo_count(struct req *r, const char *todo);
int hazard_todo_count_of(struct db *c, const char *todo, const char *pattern, int64_t owner, int64_t me,
			 int64_t *total);
const char *hazard_todo_sql(const char *todo);
int hazard_api_list(struct req *r);
int hazard_api_get(struct req *r);
int hazard_api_create(struct req *r);
int hazard_api_action(struct req *r);
int hazard_api_photo(struct req *r);
int hazard_api_meta(struct req *r);
int hazard_api_rules(struct req *r);
int hazard_api_rule_add(struct req *r);
/* Read action input from a form or JSON body; uploads "photo" become photos. */
void hazard_action_read(struct req *r, struct hazard_action_in *in);
/* The hold-to-record box (static/voice.js); input: with the hidden file input a plain form
 * post sends the clip in (rectification, check forms). */
struct strbuf;
void hazard_voice_box(struct req *r, struct strbuf *o, int input);
/* Read a new hazard from a form or JSON body. */
void hazard_new_read(struct req *r, struct hazard_new *in);

#endif
