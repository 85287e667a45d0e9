/*
 * train_module.c — the training module's entry in the module table (base/module.h): routes,
 * permissions (HR and the safety department manage, team leaders and workshop staff see the
 * files of their scope, everyone with a business role takes courses and exams), the menu
 * entry, the job that closes sittings whose time ran out, the API shapes and the demo.
 */
#include "train/train.h"
#include "base/module.h"
#include "web/entity.h"

static const struct module_perm perms[] = {
	{"train.take", "worker team_leader ws_safety ws_director safety_dept safety_director principal hr equip_manager"},
	{"train.view", "team_leader ws_safety ws_director safety_dept safety_director principal hr"},
	{"train.manage", "hr safety_dept"},
	{0},
};

static const struct module_menu menu[] = {
	{55, "/train", "nav.train", "train.take"},
	{0},
};

static const struct module_job jobs[] = {
	{"train", train_sched_run},
	{0},
};

#define ATTEMPT_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"id\",\"exam_id\",\"deadline\",\"seconds_left\",\"submitted\",\"questions\"]," \
	"\"properties\":{\"id\":{\"type\":\"integer\"},\"exam_id\":{\"type\":\"integer\"},\"title\":{\"type\":\"string\"}," \
	"\"deadline\":{\"type\":\"integer\"},\"seconds_left\":{\"type\":\"integer\"},\"submitted\":{\"type\":\"boolean\"}," \
	"\"score\":{\"type\":\"integer\"},\"passed\":{\"type\":\"boolean\"},\"late\":{\"type\":\"boolean\"}," \
	"\"questions\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}," \
	"\"kind\":{\"enum\":[\"single\",\"multi\",\"judge\",\"fill\"]},\"stem\":{\"type\":\"string\"}," \
	"\"options\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"key\":{\"type\":\"integer\"}," \
	"\"text\":{\"type\":\"string\"}}}},\"answer\":{}}}}}}"
#define ANSWERS_SCHEMA \
	"{\"type\":\"object\",\"properties\":{\"answers\":{\"type\":\"object\",\"description\":" \
	"\"question id → option keys (array), one key, true/false, or text\",\"additionalProperties\":" \
	"{\"oneOf\":[{\"type\":\"array\",\"items\":{\"type\":\"integer\"}},{\"type\":\"integer\"},{\"type\":\"boolean\"}," \
	"{\"type\":\"string\",\"maxLength\":200}]}}}}"
#define FILE_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"requirements\",\"records\",\"exams\",\"hours\"],\"properties\":{" \
	"\"requirements\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"course_id\":{\"type\":\"integer\"}," \
	"\"course\":{\"type\":\"string\"},\"hours\":{\"type\":\"integer\"},\"applies\":{\"type\":\"string\"}," \
	"\"state\":{\"enum\":[\"complete\",\"due\",\"overdue\"]},\"due\":{\"type\":\"string\",\"nullable\":true,\"format\":\"date\"}," \
	"\"done_on\":{\"type\":\"string\",\"nullable\":true,\"format\":\"date\"}}}},\"records\":{\"type\":\"array\"}," \
	"\"exams\":{\"type\":\"array\"},\"hours\":{\"type\":\"integer\"}}}"
#define MATRIX_SCHEMA \
	"{\"type\":\"object\",\"properties\":{\"courses\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"}}," \
	"\"people\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}," \
	"\"name\":{\"type\":\"string\"},\"cells\":{\"type\":\"object\"}}}}}}"

#define RECORD_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"person_id\",\"course_id\"],\"properties\":{" \
	"\"person_id\":{\"type\":\"integer\"},\"course_id\":{\"type\":\"integer\"}," \
	"\"done_on\":{\"type\":\"string\",\"format\":\"date\"},\"hours\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":200}}}"

#define SIGNIN_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"code\"],\"properties\":{\"code\":{\"type\":\"string\",\"maxLength\":16," \
	"\"description\":\"the code in the class's QR link (changes every minute)\"}}}"
#define SIGNED_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"class_id\",\"signed_at\",\"hours\"],\"properties\":{" \
	"\"class_id\":{\"type\":\"integer\"},\"signed_at\":{\"type\":\"integer\"},\"course\":{\"type\":\"string\"}," \
	"\"hours\":{\"type\":\"integer\"},\"day\":{\"type\":\"string\",\"format\":\"date\"}}}"

static const struct entity *const entities[] = {&train_class_entity, &train_course_entity, &train_requirement_entity,
						       &train_exam_entity, NULL};

/* uploads (multipart), the bank import's report and the self-study heartbeat */
#define MATERIAL_IN \
	"{\"type\":\"object\",\"x-media\":\"multipart/form-data\",\"required\":[\"file\",\"kind\",\"title\"],\"properties\":{" \
	"\"file\":{\"type\":\"string\",\"format\":\"binary\",\"description\":\"PDF, JPEG/PNG/WebP or MP4/WebM, checked by its first bytes\"}," \
	"\"kind\":{\"type\":\"string\",\"enum\":[\"pdf\",\"image\",\"video\"]},\"title\":{\"type\":\"string\",\"maxLength\":100}}}"
#define MATERIAL_OUT \
	"{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"course_id\":{\"type\":\"integer\"}," \
	"\"kind\":{\"type\":\"string\"},\"mime\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"},\"size\":{\"type\":\"integer\"}," \
	"\"sha256\":{\"type\":\"string\"},\"created_at\":{\"type\":\"integer\"}}}"
#define BANK_IN \
	"{\"type\":\"object\",\"x-media\":\"multipart/form-data\",\"required\":[\"file\"],\"properties\":{" \
	"\"file\":{\"type\":\"string\",\"format\":\"binary\",\"description\":\"XLSX or CSV, columns found by their titles\"}," \
	"\"dry_run\":{\"type\":\"string\",\"enum\":[\"0\",\"1\"],\"description\":\"1: check and count only\"}}}"
#define BANK_OUT \
	"{\"type\":\"object\",\"properties\":{\"dry_run\":{\"type\":\"boolean\"},\"rows\":{\"type\":\"integer\"}," \
	"\"created\":{\"type\":\"integer\"},\"existing\":{\"type\":\"integer\"},\"by_kind\":{\"type\":\"object\",\"properties\":{" \
	"\"single\":{\"type\":\"integer\"},\"multi\":{\"type\":\"integer\"},\"judge\":{\"type\":\"integer\"},\"fill\":{\"type\":\"integer\"}}}," \
	"\"errors\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"row\":{\"type\":\"integer\"}," \
	"\"column\":{\"type\":\"string\"},\"message\":{\"type\":\"string\"}}}},\"error_count\":{\"type\":\"integer\"}}}"
#define STUDY_OUT \
	"{\"type\":\"object\",\"properties\":{\"seconds\":{\"type\":\"integer\",\"description\":\"time counted on the course page\"}," \
	"\"required_seconds\":{\"type\":\"integer\"},\"completed\":{\"type\":\"boolean\"},\"beat_every\":{\"type\":\"integer\"}}}"

static const struct module_schema schemas[] = {
	{"POST", "/api/v1/train/courses/:id/materials", MATERIAL_IN, MATERIAL_OUT},
	{"POST", "/api/v1/train/courses/:id/questions/import", BANK_IN, BANK_OUT},
	{"POST", "/api/v1/train/courses/:id/study", MODULE_NO_BODY, STUDY_OUT},
	{"GET", "/api/v1/train/me", NULL, FILE_SCHEMA},
	{"GET", "/api/v1/train/people/:id", NULL, FILE_SCHEMA},
	{"GET", "/api/v1/train/matrix", NULL, MATRIX_SCHEMA},
	{"POST", "/api/v1/train/exams/:id/attempts", MODULE_NO_BODY, ATTEMPT_SCHEMA},
	{"GET", "/api/v1/train/attempts/:id", NULL, ATTEMPT_SCHEMA},
	{"POST", "/api/v1/train/attempts/:id/answers", ANSWERS_SCHEMA, ATTEMPT_SCHEMA},
	{"POST", "/api/v1/train/attempts/:id/submit", ANSWERS_SCHEMA, ATTEMPT_SCHEMA},
	{"POST", "/api/v1/train/records", RECORD_SCHEMA, FILE_SCHEMA},
	{"POST", "/api/v1/train/classes/:id/signin", SIGNIN_SCHEMA, SIGNED_SCHEMA},
	{0},
};

const struct module train_module = {
	.name = "train",
	.migrations = "0700-0749",
	.routes = train_routes,
	.perms = perms,
	.menu = menu,
	.jobs = jobs,
	.schemas = schemas,
	.demo_load = train_demo_load,
	.entities = entities,
};
