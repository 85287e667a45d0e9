/*
 * province_schemas.c — the JSON shapes of the provincial upload's API for the OpenAPI document
 * (struct module_schema, base/module.h); tests/openapi checks every answer the HTTP tests
 * receive against them.
 */
#include "province/province.h"
#include "base/module.h"

#define SET_BODY \
	"{\"type\":\"object\",\"properties\":{\"base_url\":{\"type\":\"string\",\"maxLength\":300,\"description\":\"" \
	"the province's endpoint, http(s)\"},\"company_code\":{\"type\":\"string\",\"maxLength\":64},\"userna" \
	"me\":{\"type\":\"string\",\"maxLength\":128},\"iv_rule\":{\"type\":\"string\",\"enum\":[\"prefix\",\"zero\",\"" \
	"key\"],\"description\":\"AES-CBC IV: random and written before the ciphertext, 16 zero bytes, " \
	"or the key's first 16 bytes\"},\"page_size\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":500},\"ti" \
	"meout_ms\":{\"type\":\"integer\",\"minimum\":100,\"maximum\":120000},\"backoff_s\":{\"type\":\"integer\"," \
	"\"minimum\":1,\"maximum\":86400},\"backoff_max_s\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":60480" \
	"0},\"interval_min\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10080},\"max_pages\":{\"type\":\"inte" \
	"ger\",\"minimum\":1,\"maximum\":1000},\"enabled\":{\"type\":\"integer\",\"enum\":[0,1]},\"password\":{\"ty" \
	"pe\":\"string\",\"maxLength\":256,\"writeOnly\":true,\"description\":\"write-only; empty keeps the s" \
	"tored one\"},\"aes_key\":{\"type\":\"string\",\"maxLength\":32,\"writeOnly\":true,\"description\":\"16, " \
	"24 or 32 characters; write-only\"}},\"required\":[\"iv_rule\",\"page_size\",\"timeout_ms\",\"backoff" \
	"_s\",\"backoff_max_s\",\"interval_min\",\"max_pages\",\"enabled\"]}"
#define SET_ANS \
	"{\"type\":\"object\",\"properties\":{\"base_url\":{\"type\":\"string\",\"maxLength\":300,\"description\":\"" \
	"the province's endpoint, http(s)\"},\"company_code\":{\"type\":\"string\",\"maxLength\":64},\"userna" \
	"me\":{\"type\":\"string\",\"maxLength\":128},\"iv_rule\":{\"type\":\"string\",\"enum\":[\"prefix\",\"zero\",\"" \
	"key\"],\"description\":\"AES-CBC IV: random and written before the ciphertext, 16 zero bytes, " \
	"or the key's first 16 bytes\"},\"page_size\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":500},\"ti" \
	"meout_ms\":{\"type\":\"integer\",\"minimum\":100,\"maximum\":120000},\"backoff_s\":{\"type\":\"integer\"," \
	"\"minimum\":1,\"maximum\":86400},\"backoff_max_s\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":60480" \
	"0},\"interval_min\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10080},\"max_pages\":{\"type\":\"inte" \
	"ger\",\"minimum\":1,\"maximum\":1000},\"enabled\":{\"type\":\"integer\",\"enum\":[0,1]},\"password_set\":" \
	"{\"type\":\"boolean\"},\"aes_key_set\":{\"type\":\"boolean\"},\"dry_run_at\":{\"type\":\"integer\",\"descri" \
	"ption\":\"UTC seconds of the last dry run, 0 before the first\"},\"last_run_at\":{\"type\":\"integ" \
	"er\"},\"cursors\":{\"type\":\"array\",\"x-bounded\":\"one per object type\",\"items\":{\"type\":\"object\"," \
	"\"properties\":{\"type\":{\"type\":\"string\"},\"cursor_at\":{\"type\":\"integer\",\"description\":\"update" \
	" time of the last record answered\"},\"cursor_id\":{\"type\":\"integer\"},\"attempts\":{\"type\":\"int" \
	"eger\",\"description\":\"failed batches in a row\"},\"next_try_at\":{\"type\":\"integer\"},\"last_erro" \
	"r\":{\"type\":\"string\"}}}}}}"
#define MAPPINGS \
	"{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"propertie" \
	"s\":{\"type\":{\"type\":\"string\"},\"enabled\":{\"type\":\"boolean\"},\"path\":{\"type\":\"string\"},\"fields" \
	"\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"field\":{\"type\":\"string\",\"descrip" \
	"tion\":\"the province's field name\"},\"from\":{\"type\":\"string\",\"description\":\"our column\"},\"va" \
	"lue\":{\"type\":\"string\",\"description\":\"a constant instead of a column\"},\"required\":{\"type\":\"" \
	"boolean\"},\"codes\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"},\"description\":" \
	"\"our value -> the province's code\"},\"format\":{\"type\":\"string\",\"enum\":[\"time\",\"hm\",\"number\",\"photos\"" \
	"]}},\"required\":[\"field\"]},\"x-bounded\":\"at most 64 fields\"},\"updated_at\":{\"type\":\"integer\"}" \
	"}},\"x-bounded\":\"one per object type of the chain\"}}}"
#define MAP_BODY \
	"{\"type\":\"object\",\"properties\":{\"fields\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properti" \
	"es\":{\"field\":{\"type\":\"string\",\"description\":\"the province's field name\"},\"from\":{\"type\":\"s" \
	"tring\",\"description\":\"our column\"},\"value\":{\"type\":\"string\",\"description\":\"a constant inst" \
	"ead of a column\"},\"required\":{\"type\":\"boolean\"},\"codes\":{\"type\":\"object\",\"additionalProper" \
	"ties\":{\"type\":\"string\"},\"description\":\"our value -> the province's code\"},\"format\":{\"type\"" \
	":\"string\",\"enum\":[\"time\",\"hm\",\"number\",\"photos\"]}},\"required\":[\"field\"]},\"maxItems\":64},\"enabled\":{" \
	"\"type\":\"boolean\"},\"path\":{\"type\":\"string\",\"maxLength\":200}},\"required\":[\"fields\"]}"
#define DRY \
	"{\"type\":\"object\",\"properties\":{\"ready\":{\"type\":\"boolean\",\"description\":\"every setting and " \
	"secret is present\"},\"complete\":{\"type\":\"boolean\",\"description\":\"every record has every req" \
	"uired field and code\"},\"settings_missing\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"x-bou" \
	"nded\":\"the settings\"},\"types\":{\"type\":\"array\",\"x-bounded\":\"one per object type\",\"items\":{\"" \
	"type\":\"object\",\"properties\":{\"type\":{\"type\":\"string\"},\"records\":{\"type\":\"integer\"},\"comple" \
	"te\":{\"type\":\"integer\"},\"lacking\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"f" \
	"ield\":{\"type\":\"string\"},\"from\":{\"type\":\"string\"},\"why\":{\"type\":\"string\",\"enum\":[\"missing\"," \
	"\"code\"]},\"count\":{\"type\":\"integer\"},\"ids\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"x-bo" \
	"unded\":\"the first five\"},\"values\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"x-bounded\":\"t" \
	"he first five\"}}},\"x-bounded\":\"one per field and problem\"}}}},\"at\":{\"type\":\"integer\"}}}"
#define RUN \
	"{\"type\":\"object\",\"properties\":{\"batches\":{\"type\":\"integer\"},\"records\":{\"type\":\"integer\"},\"" \
	"accepted\":{\"type\":\"integer\"},\"refused\":{\"type\":\"integer\"},\"failed\":{\"type\":\"integer\"},\"inc" \
	"omplete\":{\"type\":\"integer\"}}}"
#define LIST \
	"{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"propertie" \
	"s\":{\"id\":{\"type\":\"integer\"},\"type\":{\"type\":\"string\"},\"origin\":{\"type\":\"string\",\"enum\":[\"jo" \
	"b\",\"button\"]},\"state\":{\"type\":\"string\",\"enum\":[\"accepted\",\"partial\",\"refused\",\"failed\",\"lo" \
	"cal\"]},\"started_at\":{\"type\":\"integer\"},\"records\":{\"type\":\"integer\"},\"accepted\":{\"type\":\"in" \
	"teger\"},\"refused\":{\"type\":\"integer\"},\"http_status\":{\"type\":\"integer\"},\"error\":{\"type\":\"str" \
	"ing\"}}}},\"page\":{\"type\":\"integer\"},\"per_page\":{\"type\":\"integer\"},\"total\":{\"type\":\"integer\"" \
	"}}}"
#define LIST_Q \
	"{\"type\":\"object\",\"properties\":{\"state\":{\"type\":\"string\",\"enum\":[\"accepted\",\"partial\",\"refu" \
	"sed\",\"failed\",\"local\"]},\"type\":{\"type\":\"string\",\"enum\":[\"objects\",\"units\",\"events\"," \
	"\"measures\",\"tasks\",\"records\",\"hazards\",\"stops\"]}}}"
#define BATCH \
	"{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"type\":{\"type\":\"string\"},\"origin\":{" \
	"\"type\":\"string\",\"enum\":[\"job\",\"button\"]},\"state\":{\"type\":\"string\",\"enum\":[\"accepted\",\"part" \
	"ial\",\"refused\",\"failed\",\"local\"]},\"started_at\":{\"type\":\"integer\"},\"records\":{\"type\":\"integ" \
	"er\"},\"accepted\":{\"type\":\"integer\"},\"refused\":{\"type\":\"integer\"},\"http_status\":{\"type\":\"int" \
	"eger\"},\"error\":{\"type\":\"string\"},\"sent\":{\"type\":\"array\",\"items\":{\"type\":\"object\"},\"x-bound" \
	"ed\":\"one page\",\"description\":\"the records as sent, before encryption\"},\"items\":{\"type\":\"ar" \
	"ray\",\"x-bounded\":\"one page\",\"items\":{\"type\":\"object\",\"properties\":{\"record_id\":{\"type\":\"in" \
	"teger\"},\"status\":{\"type\":\"string\",\"enum\":[\"accepted\",\"refused\",\"incomplete\",\"failed\"]},\"re" \
	"ason\":{\"type\":\"string\"}}}}}}"

const struct module_schema province_schemas[] = {
	{"GET", "/api/v1/province/settings", NULL, SET_ANS},
	{"POST", "/api/v1/province/settings", SET_BODY, SET_ANS},
	{"GET", "/api/v1/province/mappings", NULL, MAPPINGS},
	{"POST", "/api/v1/province/mappings/:type", MAP_BODY, MAPPINGS},
	{"POST", "/api/v1/province/dry-run", MODULE_NO_BODY, DRY},
	{"POST", "/api/v1/province/run", MODULE_NO_BODY, RUN},
	{"GET", "/api/v1/province/batches", LIST_Q, LIST},
	{"GET", "/api/v1/province/batches/:id", NULL, BATCH},
	{0},
};
