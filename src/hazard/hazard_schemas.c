/*
 * hazard_schemas.c — the JSON shapes of the hazard API (reports, actions, photos, metadata,
 * dispatch rules) for the OpenAPI document (struct module_schema, base/module.h). The
 * handlers are in hazard_api.c; tests/openapi checks every answer the HTTP tests receive
 * against these shapes, so a field added there without a line here fails the suite.
 */

#include "hazard/hazard.h"
#include "base/module.h"

#define QUERY "{\"type\":\"object\",\"properties\":{\"status\":{\"type\":\"string\",\"enum\":[\"open\"," \
	"\"valid\",\"reported\",\"assigned\",\"planning\",\"plan_review\",\"rectifying\",\"verifying\"," \
	"\"closed\",\"cancelled\"],\"description\":" \
	"\"open: not closed or cancelled; valid: not cancelled\"},\"level\":" LEVEL ",\"q\":{\"type\":" \
	"\"string\",\"description\":\"full text: number, description," \
	" area (Chinese substrings of one or two characters are found)\"},\"from\":{\"type\":\"string\"" \
	",\"format\":\"date\",\"description\":\"reported on or after this day\"},\"to\":{\"type\":" \
	"\"string\",\"format\":\"date\",\"description\":\"reported before the end of this day\"}," \
	"\"mine\":{\"type\":\"string\",\"enum\":[\"0\",\"1\"],\"description\":" \
	"\"1: reported by me or assigned to me\"},\"area_id\":{\"type\":\"integer\",\"minimum\":1}," \
	"\"unit_id\":{\"type\":\"integer\",\"minimum\":1,\"description\":\"the unit and its sub-units\"" \
	"},\"category_id\":{\"type\":\"integer\",\"minimum\":1},\"todo\":{\"type\":\"string\",\"enum\":" \
	"[\"rectify\",\"accept\",\"review\",\"verify\",\"reported\"],\"description\":" \
	"\"what waits for me at this step\"},\"overdue\":{\"type\":\"string\",\"enum\":[\"0\",\"1\"]}," \
	"\"repeat\":{\"type\":\"string\",\"enum\":[\"0\",\"1\"]},\"cursor\":{\"type\":\"string\"," \
	"\"maxLength\":63,\"description\":\"keyset paging: next_cursor or prev_cursor of an earlier answer with the" \
	" same filter, opaque; the page it names costs one page at any depth. Not with page; altered, or of" \
	" another filter or person: 422 naming cursor\"}}}"
#define STATUS "{\"type\":\"string\",\"enum\":[\"reported\",\"assigned\",\"planning\",\"plan_review\"," \
	"\"rectifying\",\"verifying\",\"closed\",\"cancelled\"]}"
#define LEVEL "{\"type\":\"string\",\"enum\":[\"general\",\"major\"],\"description\":\"一般隐患 / 重大隐患\"}"
#define URGENCY "{\"type\":\"string\",\"enum\":[\"A\",\"B\",\"C\"],\"description\":\"urgency: A within 24 h," \
	" B within 72 h, C by the due date\"}"
#define LIST_ITEM "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"number\":{\"type\":" \
	"\"string\"},\"status\":" STATUS ",\"level\":" LEVEL ",\"urgency\":" URGENCY ",\"description\":" \
	"{\"type\":\"string\"},\"area\":{\"type\":\"string\"},\"category\":{\"type\":\"string\"," \
	"\"description\":\"category name in the caller's language\"},\"reported_at\":{\"type\":" \
	"\"integer\",\"description\":\"UTC seconds\"},\"rectify_due\":{\"type\":\"integer\"}," \
	"\"overdue\":{\"type\":\"boolean\"},\"repeat\":{\"type\":\"boolean\",\"description\":" \
	"\"a repeat of an earlier hazard at the same place\"},\"reporter\":{\"type\":\"string\"," \
	"\"nullable\":true,\"description\":\"null when reported anonymously\"},\"assignee\":{\"type\":" \
	"\"string\"},\"unit\":{\"type\":\"string\"},\"near_miss\":{\"type\":\"boolean\"},\"on_spot\":{" \
	"\"type\":\"boolean\"},\"photo\":{\"type\":\"string\",\"nullable\":true,\"description\":" \
	"\"SHA-256 of the first photo (GET /photos/{sha256})\"}}}"
#define EVENT "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"at\":{\"type\":" \
	"\"integer\"},\"action\":{\"type\":\"string\"},\"from\":{\"type\":\"string\"},\"to\":{\"type\":" \
	"\"string\"},\"note\":{\"type\":\"string\"},\"user_id\":{\"type\":\"integer\",\"nullable\":true" \
	",\"description\":\"null for an anonymous reporter\"}}}"
#define PHOTO "{\"type\":\"object\",\"properties\":{\"sha256\":{\"type\":\"string\",\"pattern\":" \
	"\"^[0-9a-f]{64}$\"},\"kind\":{\"type\":\"string\",\"description\":\"report," \
	" rectify or verify\"},\"event_id\":{\"type\":\"integer\"},\"taken_at\":{\"type\":\"integer\"}," \
	"\"width\":{\"type\":\"integer\"},\"height\":{\"type\":\"integer\"}}}"
/* a voice note: played from url (GET /voice/{sha256}); by is null for an anonymous reporter */
#define VOICE "{\"type\":\"object\",\"properties\":{\"url\":{\"type\":\"string\"},\"type\":{\"type\":\"string\"," \
	"\"enum\":[\"audio/webm\",\"audio/ogg\",\"audio/mp4\"]},\"seconds\":{\"type\":\"integer\",\"minimum\":0}," \
	"\"by\":{\"type\":\"integer\",\"nullable\":true},\"at\":{\"type\":\"integer\"},\"event_id\":{\"type\":\"integer\"," \
	"\"nullable\":true,\"description\":\"the action it came with; null: the report\"}}}"
#define PLAN "{\"type\":\"object\",\"description\":" \
	"\"the rectification plan of a major hazard (事故隐患排查治理暂行规定 Art. 15)\",\"properties\":{\"goal\":{" \
	"\"type\":\"string\"},\"method\":{\"type\":\"string\"},\"funding\":{\"type\":\"string\"}," \
	"\"organization\":{\"type\":\"string\"},\"deadline_text\":{\"type\":\"string\"},\"safety\":{" \
	"\"type\":\"string\"},\"due_at\":{\"type\":\"integer\"},\"director_at\":{\"type\":\"integer\"}," \
	"\"principal_at\":{\"type\":\"integer\"}}}"
#define HAZARD "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"number\":{\"type\":" \
	"\"string\"},\"status\":" STATUS ",\"version\":{\"type\":\"integer\",\"description\":" \
	"\"send back to detect a concurrent change\"},\"level\":" LEVEL ",\"urgency\":" URGENCY "," \
	"\"description\":{\"type\":\"string\"},\"area_id\":{\"type\":\"integer\"},\"area\":{\"type\":" \
	"\"string\"},\"category_id\":{\"type\":\"integer\"},\"category\":{\"type\":\"string\"}," \
	"\"unit_id\":{\"type\":\"integer\"},\"anonymous\":{\"type\":\"boolean\"},\"reporter_id\":{" \
	"\"type\":\"integer\",\"nullable\":true},\"near_miss\":{\"type\":\"boolean\"},\"on_spot\":{" \
	"\"type\":\"boolean\"},\"equipment_id\":{\"type\":\"integer\",\"nullable\":true}," \
	"\"factor_code\":{\"type\":\"string\",\"nullable\":true},\"criterion_id\":{\"type\":\"integer\"" \
	",\"nullable\":true},\"reported_at\":{\"type\":\"integer\"},\"accepted_at\":{\"type\":" \
	"\"integer\"},\"respond_due\":{\"type\":\"integer\"},\"rectify_due\":{\"type\":\"integer\"}," \
	"\"submitted_at\":{\"type\":\"integer\"},\"closed_at\":{\"type\":\"integer\"},\"overdue\":{" \
	"\"type\":\"boolean\"},\"repeat_of\":{\"type\":\"integer\",\"nullable\":true}," \
	"\"regulator_reported_at\":{\"type\":\"integer\"},\"duplicate_of\":{\"type\":\"integer\"," \
	"\"nullable\":true,\"description\":\"a probable duplicate, or the hazard it was merged into\"}," \
	"\"assignee_id\":{\"type\":\"integer\",\"nullable\":true},\"rectifier_id\":{\"type\":" \
	"\"integer\",\"nullable\":true},\"verifier_id\":{\"type\":\"integer\",\"nullable\":true}," \
	"\"events\":{\"type\":\"array\",\"items\":" EVENT "},\"photos\":{\"type\":\"array\",\"items\":" \
	PHOTO "},\"voice\":{\"type\":\"array\",\"items\":" VOICE "},\"plan\":" PLAN ",\"actions\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}," \
	"\"description\":\"the actions the caller may take now\"}}}"
#define NEW "{\"type\":\"object\",\"required\":[\"area_id\",\"category_id\",\"description\"]," \
	"\"properties\":{\"area_id\":{\"type\":\"integer\",\"minimum\":1},\"category_id\":{\"type\":" \
	"\"integer\",\"minimum\":1},\"equipment_id\":{\"type\":\"integer\",\"minimum\":1}," \
	"\"criterion_id\":{\"type\":\"integer\",\"minimum\":1,\"description\":" \
	"\"the major-hazard criterion it meets (GET /api/v1/hazard-meta)\"},\"factor_code\":{\"type\":" \
	"\"string\"},\"level\":" LEVEL ",\"urgency\":" URGENCY ",\"description\":{\"type\":\"string\"," \
	"\"maxLength\":2000},\"anonymous\":{\"type\":\"boolean\"},\"near_miss\":{\"type\":\"boolean\"}," \
	"\"photos\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"pattern\":\"^[0-9a-f]{64}$\"}," \
	"\"maxItems\":9,\"description\":\"SHA-256s from POST /api/v1/photos\"},\"photo_sha\":{\"type\":" \
	"\"string\",\"pattern\":\"^[0-9a-f]{64}$\"},\"lat\":{\"type\":\"number\",\"minimum\":-90," \
	"\"maximum\":90},\"lng\":{\"type\":\"number\",\"minimum\":-180,\"maximum\":180},\"gps_acc\":{" \
	"\"type\":\"number\",\"minimum\":0,\"description\":\"metres\"}},\"example\":{\"area_id\":3," \
	"\"category_id\":2,\"description\":\"储罐区 3 号罐消防栓缺少扳手\",\"urgency\":\"B\",\"photos\":[]}}"
#define ACT "{\"type\":\"object\",\"description\":" \
	"\"the fields an action reads; each action uses the ones it needs\",\"properties\":{\"note\":{" \
	"\"type\":\"string\",\"maxLength\":2000,\"description\":\"required to reject," \
	" cancel or return a plan\"},\"level\":" LEVEL ",\"urgency\":" URGENCY ",\"criterion_id\":{" \
	"\"type\":\"integer\",\"minimum\":1},\"assignee_id\":{\"type\":\"integer\",\"minimum\":1," \
	"\"description\":\"accept, reassign\"},\"goal\":{\"type\":\"string\"},\"method\":{\"type\":" \
	"\"string\"},\"funding\":{\"type\":\"string\"},\"organization\":{\"type\":\"string\"}," \
	"\"deadline_text\":{\"type\":\"string\"},\"safety\":{\"type\":\"string\"},\"due_date\":{" \
	"\"type\":\"string\",\"format\":\"date\",\"description\":\"the plan's deadline (submit_plan)\"}" \
	",\"photos\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"pattern\":\"^[0-9a-f]{64}$\"}" \
	",\"maxItems\":9},\"photo_sha\":{\"type\":\"string\",\"pattern\":\"^[0-9a-f]{64}$\"},\"lat\":{" \
	"\"type\":\"number\",\"minimum\":-90,\"maximum\":90},\"lng\":{\"type\":\"number\",\"minimum\":" \
	"-180,\"maximum\":180},\"gps_acc\":{\"type\":\"number\",\"minimum\":0,\"description\":" \
	"\"metres\"},\"voice\":{\"type\":\"string\",\"format\":\"binary\",\"description\":\"a voice note (multipart):" \
	" WebM, Ogg or MP4 by its magic bytes\"},\"voice_seconds\":{\"type\":\"integer\",\"minimum\":0}},\"example\":{\"note\":\"已更换扳手并张贴标识\"}}"
#define PHOTO_IN "{\"type\":\"object\",\"required\":[\"photo\"],\"properties\":{\"photo\":{\"type\":\"string\"," \
	"\"format\":\"binary\",\"description\":\"JPEG or PNG; shrunk and watermarked by the server\"}," \
	"\"lat\":{\"type\":\"number\",\"minimum\":-90,\"maximum\":90},\"lng\":{\"type\":\"number\"," \
	"\"minimum\":-180,\"maximum\":180},\"gps_acc\":{\"type\":\"number\",\"minimum\":0," \
	"\"description\":\"metres\"}},\"x-media\":\"multipart/form-data\"}"
#define PHOTO_OUT "{\"type\":\"object\",\"properties\":{\"sha256\":{\"type\":\"string\",\"pattern\":" \
	"\"^[0-9a-f]{64}$\"},\"width\":{\"type\":\"integer\"},\"height\":{\"type\":\"integer\"}}}"
#define META "{\"type\":\"object\",\"properties\":{\"categories\":{\"type\":\"array\",\"items\":{\"type\":" \
	"\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"code\":{\"type\":\"string\"}," \
	"\"name_zh\":{\"type\":\"string\"},\"name_en\":{\"type\":\"string\"}}}},\"factors\":{\"type\":" \
	"\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"code\":{\"type\":\"string\"}," \
	"\"parent\":{\"type\":\"string\"},\"name_zh\":{\"type\":\"string\"},\"name_en\":{\"type\":" \
	"\"string\"}}},\"description\":\"GB/T 13861 factor classes\"},\"criteria\":{\"type\":\"array\"," \
	"\"items\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"article\":{" \
	"\"type\":\"integer\"},\"item\":{\"type\":\"integer\"},\"text\":{\"type\":\"string\"}}}," \
	"\"description\":\"major-hazard criteria (重大事故隐患判定标准)\"},\"areas\":{\"type\":\"array\"," \
	"\"items\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"name\":{" \
	"\"type\":\"string\"},\"unit_id\":{\"type\":\"integer\"},\"lat\":{\"type\":\"number\"," \
	"\"nullable\":true},\"lng\":{\"type\":\"number\",\"nullable\":true}}}},\"allow_anonymous\":{" \
	"\"type\":\"boolean\"},\"allow_near_miss\":{\"type\":\"boolean\"}}}"
#define RULE "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"area_id\":{\"type\":" \
	"\"integer\",\"nullable\":true},\"category_id\":{\"type\":\"integer\",\"nullable\":true}," \
	"\"position_id\":{\"type\":\"integer\",\"nullable\":true},\"user_id\":{\"type\":\"integer\"," \
	"\"nullable\":true}}}"
#define RULE_IN "{\"type\":\"object\",\"description\":" \
	"\"a position or a user is required; area and category narrow the rule\",\"properties\":{" \
	"\"area_id\":{\"type\":\"integer\",\"minimum\":1},\"category_id\":{\"type\":\"integer\"," \
	"\"minimum\":1},\"position_id\":{\"type\":\"integer\",\"minimum\":1},\"user_id\":{\"type\":" \
	"\"integer\",\"minimum\":1}}}"
#define RULES "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":" RULE "}}}"
#define ID_OUT "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}}"

/* POST /api/v1/hazards/:id/merge in the OpenAPI document: what it takes and what it answers
 * (the hazard as GET /api/v1/hazards/:id gives it, the fields a client of a merge reads) */
static const char merge_request[] = "{\"type\": \"object\", \"properties\": {"
	"\"note\": {\"type\": \"string\", \"maxLength\": 4000, \"description\": \"Why, for the timeline\"}}}";
static const char merge_response[] = "{\"type\": \"object\", \"required\": [\"id\", \"number\", \"status\", \"version\","
	" \"duplicate_of\", \"events\"], \"properties\": {\"id\": {\"type\": \"integer\"},"
	" \"number\": {\"type\": \"string\"}, \"status\": {\"type\": \"string\", \"enum\": [\"cancelled\"]},"
	" \"version\": {\"type\": \"integer\"}, \"duplicate_of\": {\"type\": \"integer\","
	" \"description\": \"The open hazard this report repeats\"}, \"events\": {\"type\": \"array\","
	" \"items\": {\"type\": \"object\", \"properties\": {\"action\": {\"type\": \"string\"},"
	" \"from\": {\"type\": \"string\"}, \"to\": {\"type\": \"string\"}}}}}}";

const struct module_schema hazard_schemas[] = {
	{"GET", "/api/v1/hazards", QUERY, "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":" LIST_ITEM
	 "},\"next_cursor\":{\"type\":\"string\",\"nullable\":true,\"description\":\"the older rows after these (null:"
	 " none)\"},\"prev_cursor\":{\"type\":\"string\",\"nullable\":true,\"description\":\"the newer rows before these"
	 " (null: none)\"},\"total\":{\"type\":\"integer\",\"nullable\":true,\"description\":\"exact up to 10000 (then"
	 " total_capped); null where not counted: no narrowing filter on a large table, or a page reached by cursor\"}}}"},
	{"POST", "/api/v1/hazards", NEW, HAZARD},
	{"GET", "/api/v1/hazards/:id", NULL, HAZARD},
	{"POST", "/api/v1/hazards/:id/accept", ACT, HAZARD},
	{"POST", "/api/v1/hazards/:id/reassign", ACT, HAZARD},
	{"POST", "/api/v1/hazards/:id/start", ACT, HAZARD},
	{"POST", "/api/v1/hazards/:id/submit", ACT, HAZARD},
	{"POST", "/api/v1/hazards/:id/verify", ACT, HAZARD},
	{"POST", "/api/v1/hazards/:id/reject", ACT, HAZARD},
	{"POST", "/api/v1/hazards/:id/assess", ACT, HAZARD},
	{"POST", "/api/v1/hazards/:id/submit_plan", ACT, HAZARD},
	{"POST", "/api/v1/hazards/:id/approve_plan", ACT, HAZARD},
	{"POST", "/api/v1/hazards/:id/return_plan", ACT, HAZARD},
	{"POST", "/api/v1/hazards/:id/report_regulator", ACT, HAZARD},
	{"POST", "/api/v1/hazards/:id/merge", merge_request, merge_response},
	{"POST", "/api/v1/hazards/:id/cancel", ACT, HAZARD},
	{"POST", "/api/v1/hazards/:id/fix_on_spot", ACT, HAZARD},
	{"POST", "/api/v1/photos", PHOTO_IN, PHOTO_OUT},
	{"GET", "/api/v1/hazard-meta", NULL, META},
	{"GET", "/api/v1/hazard-rules", NULL, RULES},
	{"POST", "/api/v1/hazard-rules", RULE_IN, ID_OUT},
	{0},
};
