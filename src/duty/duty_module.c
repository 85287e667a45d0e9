/*
 * duty_module.c — the duty module's entry in the module table (base/module.h): routes,
 * permissions (everyone with a business role reads the lists, sees their own evaluation,
 * signs their letter and attends meetings; managers evaluate their scope and issue letters;
 * the safety department keeps the lists), the menu entry, the silence-is-consent job, the
 * "waiting for me" lines, the API shapes and the demo.
 */
#include "duty/duty.h"
#include "base/module.h"

static const struct module_perm perms[] = {
	{"duty.view", "worker team_leader ws_safety ws_director safety_dept safety_director principal equip_manager hr"},
	{"duty.evaluate", "team_leader ws_safety ws_director safety_dept safety_director principal"},
	{"duty.manage", "safety_dept safety_director"},
	{"duty.letter", "team_leader ws_director safety_dept safety_director principal"},
	{"duty.meeting", "team_leader ws_safety ws_director safety_dept safety_director principal"},
	{"duty.cowork", "team_leader ws_safety ws_director safety_dept safety_director principal equip_manager"},
	{0},
};

static const struct module_menu menu[] = {
	{66, "/duties", "nav.duties", "duty.view"},
	{0},
};

static const struct module_job jobs[] = {
	{"duty", duty_sched_run},
	{0},
};

static const struct module_todo todo[] = {
	{24, "/duties/letters?todo=sign", "duty.todo.sign", "duty.view", duty_todo_letters},
	{40, "/duties/resolutions?todo=open", "duty.todo.resolutions", "duty.view", duty_todo_resolutions},
	{0},
};

#define LINE_SCHEMA \
	"{\"type\":\"object\",\"properties\":{\"item_id\":{\"type\":\"integer\"},\"title\":{\"type\":\"string\"}," \
	"\"measure\":{\"enum\":[\"none\",\"checks\",\"hazards\",\"training\",\"meetings\"]},\"frequency\":{\"enum\":[\"week\",\"month\"]}," \
	"\"target\":{\"type\":\"number\"},\"actual\":{\"type\":\"number\",\"nullable\":true},\"required\":{\"type\":\"number\",\"nullable\":true}," \
	"\"records\":{\"type\":\"integer\"},\"no_data\":{\"type\":\"boolean\"},\"fulfil\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":100}," \
	"\"declared\":{\"type\":\"boolean\"},\"confirmed\":{\"type\":\"boolean\"}}}"
#define PERSON_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"user_id\",\"month\",\"score\",\"items\"],\"properties\":{\"user_id\":{\"type\":\"integer\"}," \
	"\"month\":{\"type\":\"string\"},\"score\":{\"type\":\"integer\"},\"snapshot_at\":{\"type\":\"integer\"," \
	"\"description\":\"when the closed month's evaluation was stored (UTC seconds), 0: computed from the records now\"}," \
	"\"items\":{\"type\":\"array\"," \
	"\"x-bounded\":\"the duties of one person's post\",\"items\":" LINE_SCHEMA "}}}"
#define LETTER_PROPS \
	"\"id\":{\"type\":\"integer\"},\"year\":{\"type\":\"integer\"},\"level\":{\"enum\":[\"company\",\"department\",\"team\",\"person\"]}," \
	"\"unit_id\":{\"type\":\"integer\"},\"unit\":{\"type\":\"string\"},\"signer_id\":{\"type\":\"integer\"},\"signer\":{\"type\":\"string\"}," \
	"\"issuer_id\":{\"type\":\"integer\",\"nullable\":true},\"issuer\":{\"type\":\"string\"},\"targets\":{\"type\":\"string\"}," \
	"\"signed\":{\"type\":\"boolean\"},\"signed_at\":{\"type\":\"integer\"}"
#define LETTER_SCHEMA "{\"type\":\"object\",\"properties\":{" LETTER_PROPS ",\"below\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}}}"
#define LETTER_REQ \
	"{\"type\":\"object\",\"required\":[\"level\",\"signer_id\",\"targets\"],\"properties\":{\"level\":{\"enum\":[\"company\",\"department\",\"team\",\"person\"]}," \
	"\"signer_id\":{\"type\":\"integer\"},\"year\":{\"type\":\"integer\"},\"targets\":{\"type\":\"string\",\"maxLength\":2000}}}"
#define SIGN_REQ "{\"type\":\"object\",\"required\":[\"password\"],\"properties\":{\"password\":{\"type\":\"string\"}}}"
#define ITEM_REQ \
	"{\"type\":\"object\",\"required\":[\"position_id\",\"title\"],\"properties\":{\"position_id\":{\"type\":\"integer\"}," \
	"\"title\":{\"type\":\"string\",\"maxLength\":120},\"measure\":{\"enum\":[\"none\",\"checks\",\"hazards\",\"training\",\"meetings\"]}," \
	"\"frequency\":{\"enum\":[\"week\",\"month\"]},\"target\":{\"type\":\"number\",\"minimum\":0.1,\"maximum\":1000}}}"
#define POST_REQ \
	"{\"type\":\"object\",\"required\":[\"kind\",\"body\"],\"properties\":{\"kind\":{\"enum\":[\"comment\",\"proposal\",\"objection\"]}," \
	"\"body\":{\"type\":\"string\",\"maxLength\":2000},\"proposal_id\":{\"type\":\"integer\"}}}"
#define THREAD_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"hazard_id\",\"members\",\"posts\"],\"properties\":{\"hazard_id\":{\"type\":\"integer\"},\"member\":{\"type\":\"boolean\"}," \
	"\"members\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},\"posts\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{" \
	"\"id\":{\"type\":\"integer\"},\"kind\":{\"enum\":[\"comment\",\"proposal\",\"objection\"]},\"body\":{\"type\":\"string\"}," \
	"\"proposal_id\":{\"type\":\"integer\",\"nullable\":true},\"deadline\":{\"type\":\"integer\"}," \
	"\"outcome\":{\"enum\":[\"\",\"open\",\"agreed\",\"objected\"]},\"decided_at\":{\"type\":\"integer\"}}}}}}"
#define MEETING_REQ \
	"{\"type\":\"object\",\"required\":[\"kind\",\"unit_id\",\"title\"],\"properties\":{\"kind\":{\"enum\":[\"committee\",\"preshift\"]}," \
	"\"unit_id\":{\"type\":\"integer\"},\"title\":{\"type\":\"string\",\"maxLength\":120}}}"

#define ITEM_OUT \
	"{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"position_id\":{\"type\":\"integer\"}," \
	"\"position\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"},\"measure\":{\"type\":\"string\"}," \
	"\"frequency\":{\"type\":\"string\"},\"target\":{\"type\":\"number\"},\"active\":{\"type\":\"boolean\"}}}"
#define RANKING \
	"{\"type\":\"object\",\"properties\":{\"month\":{\"type\":\"string\"},\"units\":{\"type\":\"array\"," \
	"\"x-bounded\":\"the units of the scope\",\"items\":{\"type\":\"object\",\"properties\":{\"rank\":{\"type\":\"integer\"}," \
	"\"unit_id\":{\"type\":\"integer\"},\"unit\":{\"type\":\"string\"},\"people\":{\"type\":\"integer\"}," \
	"\"fulfil\":{\"type\":\"integer\",\"description\":\"mean fulfilment, per cent\"}}}}}}"
#define DECLARE_REQ \
	"{\"type\":\"object\",\"required\":[\"item_id\",\"month\"],\"properties\":{\"item_id\":{\"type\":\"integer\"}," \
	"\"month\":{\"type\":\"string\",\"pattern\":\"^[0-9]{4}-[0-9]{2}$\"},\"note\":{\"type\":\"string\"}}}"
#define DECLARED \
	"{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"declared\":{\"type\":\"boolean\"}," \
	"\"confirmed\":{\"type\":\"boolean\"}}}"
#define MEETING_OUT \
	"{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"kind\":{\"type\":\"string\"}," \
	"\"title\":{\"type\":\"string\"},\"held_at\":{\"type\":\"integer\"},\"unit_id\":{\"type\":\"integer\"}," \
	"\"unit\":{\"type\":\"string\"},\"minutes\":{\"type\":\"string\"},\"attendees\":{\"type\":\"integer\"}," \
	"\"attend_path\":{\"type\":\"string\",\"description\":\"the QR sign-in page\"}}}"

static const struct module_schema schemas[] = {
	{"GET", "/api/v1/duty/eval/:user", NULL, PERSON_SCHEMA},
	{"POST", "/api/v1/duty/items", ITEM_REQ, ITEM_OUT},
	{"GET", "/api/v1/duty/ranking", NULL, RANKING},
	{"POST", "/api/v1/duty/eval/:user/declare", DECLARE_REQ, DECLARED},
	{"POST", "/api/v1/duty/eval/:user/confirm", DECLARE_REQ, DECLARED},
	{"POST", "/api/v1/duty/hazards/:id/members", "{\"type\":\"object\",\"required\":[\"user_id\"],\"properties\":{"
	 "\"user_id\":{\"type\":\"integer\"}}}", THREAD_SCHEMA},
	{"POST", "/api/v1/duty/attend/:meeting_token", MODULE_NO_BODY,
	 "{\"type\":\"object\",\"properties\":{\"meeting_id\":{\"type\":\"integer\"},\"attended\":{\"type\":\"boolean\"}}}"},
	{"POST", "/api/v1/duty/settings", "{\"type\":\"object\",\"required\":[\"consent_hours\"],\"properties\":{\"consent_hours\":"
		"{\"type\":\"integer\",\"minimum\":1,\"maximum\":168}}}",
	 "{\"type\":\"object\",\"properties\":{\"consent_hours\":{\"type\":\"integer\"}}}"},
	{"POST", "/api/v1/duty/letters", LETTER_REQ, LETTER_SCHEMA},
	{"GET", "/api/v1/duty/letters/:id", NULL, LETTER_SCHEMA},
	{"POST", "/api/v1/duty/letters/:id/sign", SIGN_REQ, LETTER_SCHEMA},
	{"GET", "/api/v1/duty/hazards/:id", NULL, THREAD_SCHEMA},
	{"POST", "/api/v1/duty/hazards/:id/posts", POST_REQ, THREAD_SCHEMA},
	{"POST", "/api/v1/duty/meetings", MEETING_REQ, MEETING_OUT},
	{0},
};

const struct module duty_module = {
	.name = "duty",
	.migrations = "0900-0949",
	.routes = duty_routes,
	.perms = perms,
	.menu = menu,
	.jobs = jobs,
	.todo = todo,
	.schemas = schemas,
	.demo_load = duty_demo_load,
};
