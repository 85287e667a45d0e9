/*
 * notify_module.c — notifications' entry in the module table (base/module.h): the outbox
 * sender as a scheduler job (so the test tick delivers too, and the minute's run catches
 * anything the sender thread has not), the administrator's pages and the person's own
 * preferences. The pages need settings.admin: channels and their credentials are system
 * configuration, the system administrator's duty (GB/T 22239-2019 三权分立).
 */
#include "notify/notify.h"
#include "notify/notify_web.h"
#include "base/module.h"

static const struct module_job jobs[] = {
	{"notify", notify_job},
	{0},
};

static const struct module_tile tiles[] = {
	{55, "/admin/notify", "nav.notify", "notify.admin_hint", "settings.admin", 0, NULL},
	{0},
};

/* The outbox API in the OpenAPI document */
#define OUTBOX "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":{\"type\":" \
	"\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"kind\":{\"type\":\"string\"}," \
	"\"state\":{\"type\":\"string\",\"enum\":[\"queued\",\"sending\",\"sent\",\"retrying\",\"dead\"" \
	"]},\"attempts\":{\"type\":\"integer\"},\"address\":{\"type\":\"string\"},\"title\":{\"type\":" \
	"\"string\"},\"last_error\":{\"type\":\"string\"},\"created_at\":{\"type\":\"integer\"}," \
	"\"sent_at\":{\"type\":\"integer\"},\"channel\":{\"type\":\"string\"},\"channel_kind\":{" \
	"\"type\":\"string\"},\"idem_key\":{\"type\":\"string\",\"description\":" \
	"\"the delivery key a receiver de-duplicates on\"},\"due_at\":{\"type\":\"integer\"}}}}}}"
#define RESEND "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"state\":{\"type\":" \
	"\"string\",\"enum\":[\"queued\"]}}}"

static const struct module_schema notify_schemas[] = {
	{"GET", "/api/v1/notify/outbox", NULL, OUTBOX},
	{"POST", "/api/v1/notify/outbox/:id/resend", MODULE_NO_BODY, RESEND},
	{0},
};

const struct module notify_module = {
	.name = "notify",
	.migrations = "0020-0039 (platform)",
	.routes = notify_routes,
	.tiles = tiles,
	.jobs = jobs,
	.demo_load = notify_demo_load,
	.schemas = notify_schemas,
};
