/*
 * province_schemas.c — the JSON shapes of the provincial upload's API for the OpenAPI document
 * (struct module_schema, base/module.h); tests/openapi checks every answer the HTTP tests
 * receive against them.
 */
#include "province/province.h"
#include "base/module.h"

#define SET_BODY \
	"{\"type\":\"object\",\"properties\":{\"base_url\":{\"type\":\"string\",\"maxLength\":300,\"descripti" \
	"on\":\"the province's endpoint, http(s)\"},\"company_code\":{\"type\":\"string\",\"maxLength\":64},\" \
	""username\":{\"type\":\"string\",\"maxLength\":128},\"iv_rule\":{\"type\":\"string\",\"enum\":[\"pre" \
	"fix\",\"zero\",\"key\"],\"description\":\"AES-CBC IV: random and written before the ciphertext, 16 z" \
	"ero bytes, or the key's first 16 bytes\"},\"page_size\":{\"type\":\"integer\",\"minimum\":1,\"maximu" \
	"m\":500},\"timeout_ms\":{\"type\":\"integer\",\"minimum\":100,\"maximum\":120000},\"backoff_s\":{\"t" \
	"ype\":\"integer\",\"minimum\":1,\"maximum\":86400},\"backoff_max_s\":{\"type\":\"integer\",\"minimum" \
	"\":1,\"maximum\":604800},\"interval_min\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10080},\"m" \
	"ax_pages\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":1000},\"enabled\":{\"type\":\"integer\",\" \
	""enum\":[0,1]},\"password\":{\"type\":\"string\",\"maxLength\":256,\"writeOnly\":true,\"description\" \
	"":\"write-only; empty keeps the stored one\"},\"aes_key\":{\"type\":\"string\",\"maxLength\":32,\"wr" \
	"iteOnly\":true,\"description\":\"16, 24 or 32 characters; write-only\"}},\"required\":[\"iv_rule\",\" \
	""page_size\",\"timeout_ms\",\"backoff_s\",\"backoff_max_s\",\"interval_min\",\"max_pages\",\"enabled" \
	"\"]}"
#define SET_ANS \
	"{\"type\":\"object\",\"properties\":{\"base_url\":{\"type\":\"string\",\"maxLength\":300,\"descripti" \
	"on\":\"the province's endpoint, http(s)\"},\"company_code\":{\"type\":\"string\",\"maxLength\":64},\" \
	""username\":{\"type\":\"string\",\"maxLength\":128},\"iv_rule\":{\"type\":\"string\",\"enum\":[\"pre" \
	"fix\",\"zero\",\"key\"],\"description\":\"AES-CBC IV: random and written before the ciphertext, 16 z" \
	"ero bytes, or the key's first 16 bytes\"},\"page_size\":{\"type\":\"integer\",\"minimum\":1,\"maximu" \
	"m\":500},\"timeout_ms\":{\"type\":\"integer\",\"minimum\":100,\"maximum\":120000},\"backoff_s\":{\"t" \
	"ype\":\"integer\",\"minimum\":1,\"maximum\":86400},\"backoff_max_s\":{\"type\":\"integer\",\"minimum" \
	"\":1,\"maximum\":604800},\"interval_min\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10080},\"m" \
	"ax_pages\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":1000},\"enabled\":{\"type\":\"integer\",\" \
	""enum\":[0,1]},\"password_set\":{\"type\":\"boolean\"},\"aes_key_set\":{\"type\":\"boolean\"},\"dry_" \
	"run_at\":{\"type\":\"integer\",\"description\":\"UTC seconds of the last dry run, 0 before the first" \
	"\"},\"last_run_at\":{\"type\":\"integer\"}}}"
#define MAPPINGS \
	"{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"" \
	"properties\":{\"type\":{\"type\":\"string\"},\"enabled\":{\"type\":\"boolean\"},\"path\":{\"type\":\" \
	""string\"},\"fields\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"field\":{" \
	"\"type\":\"string\",\"description\":\"the province's field name\"},\"from\":{\"type\":\"string\",\"d" \
	"escription\":\"our column\"},\"value\":{\"type\":\"string\",\"description\":\"a constant instead of " \
	"a column\"},\"required\":{\"type\":\"boolean\"},\"codes\":{\"type\":\"object\",\"additionalPropertie" \
	"s\":{\"type\":\"string\"},\"description\":\"our value -> the province's code\"},\"format\":{\"type\"" \
	":\"string\",\"enum\":[\"time\",\"hm\",\"number\"]}},\"required\":[\"field\"]},\"x-bounded\":\"at mos" \
	"t 64 fields\"},\"updated_at\":{\"type\":\"integer\"}}},\"x-bounded\":\"one per object type of the ch" \
	"ain\"}}}"
#define MAP_BODY \
	"{\"type\":\"object\",\"properties\":{\"fields\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\" \
	""properties\":{\"field\":{\"type\":\"string\",\"description\":\"the province's field name\"},\"from\" \
	"":{\"type\":\"string\",\"description\":\"our column\"},\"value\":{\"type\":\"string\",\"description\" \
	"":\"a constant instead of a column\"},\"required\":{\"type\":\"boolean\"},\"codes\":{\"type\":\"obje" \
	"ct\",\"additionalProperties\":{\"type\":\"string\"},\"description\":\"our value -> the province's co" \
	"de\"},\"format\":{\"type\":\"string\",\"enum\":[\"time\",\"hm\",\"number\"]}},\"required\":[\"field\" \
	""]},\"maxItems\":64},\"enabled\":{\"type\":\"boolean\"},\"path\":{\"type\":\"string\",\"maxLength\":" \
	"200}},\"required\":[\"fields\"]}"
#define DRY \
	"{\"type\":\"object\",\"properties\":{\"ready\":{\"type\":\"boolean\",\"description\":\"every setting" \
	" and secret is present\"},\"complete\":{\"type\":\"boolean\",\"description\":\"every record has ever" \
	"y required field and code\"},\"settings_missing\":{\"type\":\"array\",\"items\":{\"type\":\"string\"" \
	"},\"x-bounded\":\"the settings\"},\"types\":{\"type\":\"array\",\"x-bounded\":\"one per object type\" \
	"",\"items\":{\"type\":\"object\",\"properties\":{\"type\":{\"type\":\"string\"},\"records\":{\"type\" \
	"":\"integer\"},\"complete\":{\"type\":\"integer\"},\"lacking\":{\"type\":\"array\",\"items\":{\"type" \
	"\":\"object\",\"properties\":{\"field\":{\"type\":\"string\"},\"from\":{\"type\":\"string\"},\"why\"" \
	":{\"type\":\"string\",\"enum\":[\"missing\",\"code\"]},\"count\":{\"type\":\"integer\"},\"ids\":{\"t" \
	"ype\":\"array\",\"items\":{\"type\":\"integer\"},\"x-bounded\":\"the first five\"},\"values\":{\"typ" \
	"e\":\"array\",\"items\":{\"type\":\"string\"},\"x-bounded\":\"the first five\"}}},\"x-bounded\":\"on" \
	"e per field and problem\"}}}},\"at\":{\"type\":\"integer\"}}}"
#define RUN \
	"{\"type\":\"object\",\"properties\":{\"batches\":{\"type\":\"integer\"},\"records\":{\"type\":\"inte" \
	"ger\"},\"accepted\":{\"type\":\"integer\"},\"refused\":{\"type\":\"integer\"},\"failed\":{\"type\":\" \
	""integer\"},\"incomplete\":{\"type\":\"integer\"}}}"
#define LIST \
	"{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"" \
	"properties\":{\"id\":{\"type\":\"integer\"},\"type\":{\"type\":\"string\"},\"origin\":{\"type\":\"st" \
	"ring\",\"enum\":[\"job\",\"button\"]},\"state\":{\"type\":\"string\",\"enum\":[\"accepted\",\"partia" \
	"l\",\"refused\",\"failed\",\"local\"]},\"started_at\":{\"type\":\"integer\"},\"records\":{\"type\":\" \
	""integer\"},\"accepted\":{\"type\":\"integer\"},\"refused\":{\"type\":\"integer\"},\"http_status\":{" \
	"\"type\":\"integer\"},\"error\":{\"type\":\"string\"}}}},\"page\":{\"type\":\"integer\"},\"per_page\" \
	"":{\"type\":\"integer\"},\"total\":{\"type\":\"integer\"}}}"
#define LIST_Q \
	"{\"type\":\"object\",\"properties\":{\"state\":{\"type\":\"string\",\"enum\":[\"accepted\",\"partial" \
	"\",\"refused\",\"failed\",\"local\"]},\"type\":{\"type\":\"string\",\"description\":\"objects, units" \
	", events, measures, tasks, records, hazards, stops\"}}}"
#define BATCH \
	"{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"type\":{\"type\":\"string\"},\"" \
	"origin\":{\"type\":\"string\",\"enum\":[\"job\",\"button\"]},\"state\":{\"type\":\"string\",\"enum\"" \
	":[\"accepted\",\"partial\",\"refused\",\"failed\",\"local\"]},\"started_at\":{\"type\":\"integer\"}," \
	"\"records\":{\"type\":\"integer\"},\"accepted\":{\"type\":\"integer\"},\"refused\":{\"type\":\"integ" \
	"er\"},\"http_status\":{\"type\":\"integer\"},\"error\":{\"type\":\"string\"},\"sent\":{\"type\":\"ar" \
	"ray\",\"items\":{\"type\":\"object\"},\"x-bounded\":\"one page\",\"description\":\"the records as se" \
	"nt, before encryption\"},\"items\":{\"type\":\"array\",\"x-bounded\":\"one page\",\"items\":{\"type\" \
	"":\"object\",\"properties\":{\"record_id\":{\"type\":\"integer\"},\"status\":{\"type\":\"string\",\"" \
	"enum\":[\"accepted\",\"refused\",\"incomplete\",\"failed\"]},\"reason\":{\"type\":\"string\"}}}}}}"

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
