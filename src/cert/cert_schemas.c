/*
 * cert_schemas.c — the JSON shapes of the certificate and people API (certificates, the
 * catalogue, the ledger import, verifications, people and the "may this person work"
 * query) for the OpenAPI document (struct module_schema, base/module.h), beside the
 * handlers in cert_api.c and cert_web.c; tests/openapi checks every answer against them.
 */

#include "cert/cert.h"
#include "base/module.h"

#define QUERY "{\"type\":\"object\",\"properties\":{\"status\":" STATUS ",\"unit_id\":{\"type\":\"integer\"," \
	"\"minimum\":1},\"person_id\":{\"type\":\"integer\",\"minimum\":1}}}"
#define EXPIRING_QUERY "{\"type\":\"object\",\"properties\":{\"days\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":" \
	"3660,\"default\":90,\"description\":\"expiring or due for review within this many days\"}}}"
#define MAY_QUERY "{\"type\":\"object\",\"required\":[\"operation\"],\"properties\":{\"operation\":{\"type\":" \
	"\"string\",\"description\":\"a permit operation: hot_work, confined_space, height, lifting," \
	" temp_power, guardian, gas_analyst …\"},\"date\":{\"type\":\"string\",\"format\":\"date\"," \
	"\"description\":\"the day of the work; default today\"}}}"
#define STATUS "{\"type\":\"string\",\"enum\":[\"valid\",\"review_due\",\"expiring\",\"review_overdue\"," \
	"\"expired\",\"revoked\"]}"
#define CERT "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"person_id\":{\"type\":" \
	"\"integer\"},\"person\":{\"type\":\"string\"},\"category\":{\"type\":\"string\"," \
	"\"description\":\"catalogue code (GET /api/v1/certs/catalogue)\"},\"item\":{\"type\":" \
	"\"string\",\"nullable\":true},\"number\":{\"type\":\"string\"},\"authority\":{\"type\":" \
	"\"string\"},\"issued_on\":{\"type\":\"string\",\"format\":\"date\",\"nullable\":true}," \
	"\"expires_on\":{\"type\":\"string\",\"format\":\"date\",\"nullable\":true},\"review_on\":{" \
	"\"type\":\"string\",\"format\":\"date\",\"nullable\":true,\"description\":" \
	"\"the next review (复审) date where the category has one\"},\"status\":" STATUS ",\"usable\":{" \
	"\"type\":\"boolean\",\"description\":\"may the holder work on it today\"},\"revoke_reason\":{" \
	"\"type\":\"string\"},\"has_image\":{\"type\":\"boolean\"},\"unit_id\":{\"type\":\"integer\"}," \
	"\"unit\":{\"type\":\"string\"}}}"
#define VERIFICATION "{\"type\":\"object\",\"properties\":{\"method\":{\"type\":\"string\"},\"result\":{\"type\":" \
	"\"string\"},\"note\":{\"type\":\"string\"},\"verified_by\":{\"type\":\"integer\"}," \
	"\"verified_at\":{\"type\":\"integer\"}}}"
#define CERT_FULL "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"person_id\":{\"type\":" \
	"\"integer\"},\"person\":{\"type\":\"string\"},\"category\":{\"type\":\"string\"," \
	"\"description\":\"catalogue code (GET /api/v1/certs/catalogue)\"},\"item\":{\"type\":" \
	"\"string\",\"nullable\":true},\"number\":{\"type\":\"string\"},\"authority\":{\"type\":" \
	"\"string\"},\"issued_on\":{\"type\":\"string\",\"format\":\"date\",\"nullable\":true}," \
	"\"expires_on\":{\"type\":\"string\",\"format\":\"date\",\"nullable\":true},\"review_on\":{" \
	"\"type\":\"string\",\"format\":\"date\",\"nullable\":true,\"description\":" \
	"\"the next review (复审) date where the category has one\"},\"status\":" STATUS ",\"usable\":{" \
	"\"type\":\"boolean\",\"description\":\"may the holder work on it today\"},\"revoke_reason\":{" \
	"\"type\":\"string\"},\"has_image\":{\"type\":\"boolean\"},\"unit_id\":{\"type\":\"integer\"}," \
	"\"unit\":{\"type\":\"string\"},\"verifications\":{\"type\":\"array\",\"items\":" VERIFICATION \
	"}}}"
#define CERT_IN "{\"type\":\"object\",\"required\":[\"code\",\"number\",\"expires_on\"],\"properties\":{" \
	"\"person_id\":{\"type\":\"integer\",\"minimum\":1,\"description\":\"create only\"},\"code\":{" \
	"\"type\":\"string\",\"description\":\"catalogue code\"},\"number\":{\"type\":\"string\"," \
	"\"maxLength\":64},\"authority\":{\"type\":\"string\",\"maxLength\":100},\"issued_on\":{" \
	"\"type\":\"string\",\"format\":\"date\"},\"expires_on\":{\"type\":\"string\",\"format\":" \
	"\"date\"},\"review_on\":{\"type\":\"string\",\"format\":\"date\"},\"image\":{\"type\":" \
	"\"string\",\"format\":\"binary\",\"description\":" \
	"\"a photo of the certificate (multipart only)\"}},\"example\":{\"person_id\":12,\"code\":" \
	"\"hot_work\",\"number\":\"T320102198001011234\",\"authority\":\"南京市应急管理局\",\"issued_on\":" \
	"\"2024-03-01\",\"expires_on\":\"2030-03-01\",\"review_on\":\"2027-03-01\"}}"
#define REVOKE_IN "{\"type\":\"object\",\"required\":[\"reason\"],\"properties\":{\"reason\":{\"type\":\"string\"" \
	",\"maxLength\":500}}}"
#define VERIF_IN "{\"type\":\"object\",\"properties\":{\"method\":{\"type\":\"string\",\"description\":" \
	"\"a verifier: manual by default\"},\"result\":{\"type\":\"string\",\"enum\":[\"genuine\"," \
	"\"not_found\",\"mismatch\",\"error\"],\"description\":" \
	"\"what the check found (manual verification)\"},\"note\":{\"type\":\"string\",\"maxLength\":" \
	"500}}}"
#define VERIF_OUT "{\"type\":\"object\",\"properties\":{\"cert_id\":{\"type\":\"integer\"},\"method\":{\"type\":" \
	"\"string\"}}}"
#define CATALOGUE "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":{\"type\":" \
	"\"object\",\"properties\":{\"code\":{\"type\":\"string\"},\"parent\":{\"type\":\"string\"," \
	"\"nullable\":true},\"kind\":{\"type\":\"string\"},\"name_zh\":{\"type\":\"string\"}," \
	"\"name_en\":{\"type\":\"string\"}}},\"x-bounded\":\"the whole catalogue\"},\"operations\":{" \
	"\"type\":\"object\",\"description\":" \
	"\"permit operation → the certificate codes that qualify for it\",\"additionalProperties\":{" \
	"\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}}"
#define IMPORT_IN "{\"type\":\"object\",\"required\":[\"file\"],\"properties\":{\"file\":{\"type\":\"string\"," \
	"\"format\":\"binary\",\"description\":\"XLSX or CSV (UTF-8 or GB18030)\"},\"commit\":{" \
	"\"type\":\"string\",\"enum\":[\"0\",\"1\"],\"description\":" \
	"\"1: store the rows; otherwise a dry run\"}},\"x-media\":\"multipart/form-data\"}"
#define PROBLEM "{\"type\":\"object\",\"properties\":{\"row\":{\"type\":\"integer\"},\"field\":{\"type\":" \
	"\"string\"},\"code\":{\"type\":\"string\"},\"message\":{\"type\":\"string\"},\"value\":{" \
	"\"type\":\"string\"}}}"
#define IMPORT_OUT "{\"type\":\"object\",\"properties\":{\"format\":{\"type\":\"string\",\"nullable\":true}," \
	"\"encoding\":{\"type\":\"string\"},\"rows\":{\"type\":\"integer\"},\"ok\":{\"type\":" \
	"\"integer\"},\"bad\":{\"type\":\"integer\"},\"problems_total\":{\"type\":\"integer\"}," \
	"\"committed\":{\"type\":\"integer\"},\"persons_created\":{\"type\":\"integer\"},\"problems\":{" \
	"\"type\":\"array\",\"items\":" PROBLEM "}}}"
#define PERSON "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"name\":{\"type\":" \
	"\"string\"},\"employee_no\":{\"type\":\"string\"},\"employer\":{\"type\":\"string\"," \
	"\"description\":\"a contractor's name; empty for own staff\"},\"contractor\":{\"type\":" \
	"\"boolean\"},\"unit_id\":{\"type\":\"integer\"},\"unit\":{\"type\":\"string\"},\"user_id\":{" \
	"\"type\":\"integer\",\"description\":\"0 when the person has no login\"},\"worst_status\":{" \
	"\"type\":\"string\",\"enum\":[\"valid\",\"review_due\",\"expiring\",\"review_overdue\"," \
	"\"expired\",\"revoked\",null],\"nullable\":true,\"description\":" \
	"\"the worst status among the person's certificates; null without any\"}}}"
#define PERSON_FULL "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"name\":{\"type\":" \
	"\"string\"},\"employee_no\":{\"type\":\"string\"},\"employer\":{\"type\":\"string\"," \
	"\"description\":\"a contractor's name; empty for own staff\"},\"contractor\":{\"type\":" \
	"\"boolean\"},\"unit_id\":{\"type\":\"integer\"},\"unit\":{\"type\":\"string\"},\"user_id\":{" \
	"\"type\":\"integer\",\"description\":\"0 when the person has no login\"},\"worst_status\":{" \
	"\"type\":\"string\",\"enum\":[\"valid\",\"review_due\",\"expiring\",\"review_overdue\"," \
	"\"expired\",\"revoked\",null],\"nullable\":true,\"description\":" \
	"\"the worst status among the person's certificates; null without any\"},\"certs\":{\"type\":" \
	"\"array\",\"items\":" CERT "}}}"
#define PERSON_IN "{\"type\":\"object\",\"required\":[\"name\",\"unit_id\"],\"properties\":{\"name\":{\"type\":" \
	"\"string\",\"maxLength\":50},\"employee_no\":{\"type\":\"string\",\"maxLength\":32},\"id_no\":" \
	"{\"type\":\"string\",\"maxLength\":32},\"employer\":{\"type\":\"string\",\"maxLength\":100}," \
	"\"username\":{\"type\":\"string\",\"maxLength\":64,\"description\":" \
	"\"links the person to a login\"},\"unit_id\":{\"type\":\"integer\",\"minimum\":1}}}"
#define MAY "{\"type\":\"object\",\"properties\":{\"person_id\":{\"type\":\"integer\"},\"operation\":{" \
	"\"type\":\"string\"},\"date\":{\"type\":\"string\",\"format\":\"date\"},\"allowed\":{\"type\":" \
	"\"boolean\"},\"reason\":{\"type\":\"string\",\"nullable\":true,\"description\":" \
	"\"a catalogue key when refused\"},\"message\":{\"type\":\"string\",\"nullable\":true," \
	"\"description\":\"the reason in the caller's language\"},\"detail\":{\"type\":\"string\"," \
	"\"nullable\":true}}}"
#define CERTS "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":" CERT "}}}"
#define PERSONS "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":" PERSON "}}}"

const struct module_schema cert_schemas[] = {
	{"GET", "/api/v1/certs", QUERY, CERTS},
	{"GET", "/api/v1/certs/expiring", EXPIRING_QUERY, CERTS},
	{"GET", "/api/v1/certs/catalogue", NULL, CATALOGUE},
	{"POST", "/api/v1/certs/import", IMPORT_IN, IMPORT_OUT},
	{"POST", "/api/v1/certs", CERT_IN, CERT_FULL},
	{"GET", "/api/v1/certs/:id", NULL, CERT_FULL},
	{"POST", "/api/v1/certs/:id", CERT_IN, CERT_FULL},
	{"POST", "/api/v1/certs/:id/revoke", REVOKE_IN, CERT_FULL},
	{"POST", "/api/v1/certs/:id/verifications", VERIF_IN, VERIF_OUT},
	{"GET", "/api/v1/persons", NULL, PERSONS},
	{"POST", "/api/v1/persons", PERSON_IN, PERSON},
	{"GET", "/api/v1/persons/:id", NULL, PERSON_FULL},
	{"GET", "/api/v1/persons/:id/may", MAY_QUERY, MAY},
	{0},
};
