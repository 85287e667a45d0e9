/*
 * sensor_module.c — the sensor module's entry in the module table (base/module.h): routes,
 * permissions with their default roles, the menu entry beside the equipment, the
 * downsampling job, the JSON shapes of the routes the entity layer does not describe, and
 * the demo sensors.
 */
#include "sensor/sensor.h"
#include "base/module.h"

static const struct module_perm perms[] = {
	{"sensor.view", "team_leader ws_safety ws_director safety_dept safety_director principal equip_manager"},
	{"sensor.admin", "safety_dept equip_manager"},
	/* posting readings for any sensor: for an API token of the plant's monitoring system */
	{"sensor.ingest", "safety_dept equip_manager"},
	{0},
};

static const struct module_menu menu[] = {
	{61, "/sensors", "nav.sensors", "sensor.view"},
	{0},
};

static const struct module_job jobs[] = {
	{"sensors", sensor_sched_run},
	{0},
};

#define RESULT "{\"type\":\"object\",\"properties\":{\"index\":{\"type\":\"integer\"},\"status\":{\"type\":" \
	"\"string\",\"enum\":[\"stored\",\"duplicate\",\"refused\"]},\"reason\":{\"type\":\"string\",\"enum\":" \
	"[\"not_object\",\"unknown_sensor\",\"not_your_sensor\",\"not_number\",\"bad_time\",\"future\"," \
	"\"too_old\"]}}}"
#define BATCH_IN "{\"type\":\"array\",\"maxItems\":1000,\"items\":{\"type\":\"object\",\"properties\":{" \
	"\"sensor_id\":{\"type\":\"integer\"},\"sensor\":{\"type\":\"string\",\"description\":" \
	"\"the sensor's code, instead of sensor_id\"},\"at\":{\"type\":\"integer\",\"description\":" \
	"\"UTC seconds; absent: now\"},\"value\":{\"type\":\"number\"}},\"required\":[\"value\"]}," \
	"\"example\":[{\"sensor\":\"GD-101\",\"at\":1780000000,\"value\":3.2}]}"
#define BATCH_OUT "{\"type\":\"object\",\"properties\":{\"stored\":{\"type\":\"integer\"},\"refused\":{" \
	"\"type\":\"integer\"},\"duplicate\":{\"type\":\"integer\"},\"results\":{\"type\":\"array\",\"x-bounded\":" \
	"true,\"items\":" RESULT "}}}"
#define READINGS "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":{\"type\":" \
	"\"object\",\"properties\":{\"at\":{\"type\":\"integer\"},\"value\":{\"type\":\"number\"},\"kind\":{" \
	"\"type\":\"string\",\"enum\":[\"raw\",\"minute\"],\"description\":\"minute: the average of a minute" \
	" past the raw retention\"}}}}}}"
#define ALARMS "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":{\"type\":" \
	"\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"at\":{\"type\":\"integer\"},\"level\":{" \
	"\"type\":\"string\",\"enum\":[\"warn\",\"alarm\",\"trip\",\"permit\"],\"description\":" \
	"\"permit: a gas reading over a live permit's limit suspended it\"},\"value\":{\"type\":\"number\"}," \
	"\"threshold\":{\"type\":\"number\",\"nullable\":true},\"permit_id\":{\"type\":\"integer\"," \
	"\"nullable\":true},\"note\":{\"type\":\"string\"},\"hazard_id\":{\"type\":\"integer\",\"nullable\":true," \
	"\"description\":\"the hazard this alarm filed (raised) or was recorded on (joined)\"},\"hazard_state\":{" \
	"\"type\":\"string\",\"enum\":[\"\",\"pending\",\"raised\",\"joined\",\"failed\"]}}}}}}"
#define TOKEN "{\"type\":\"object\",\"properties\":{\"sensor_id\":{\"type\":\"integer\"},\"token\":{\"type\":" \
	"\"string\",\"description\":\"shown once; send as Authorization: Bearer TOKEN\"}}}"

#define MQTT_IN "{\"type\":\"object\",\"properties\":{\"url\":{\"type\":\"string\",\"maxLength\":300," \
	"\"description\":\"mqtt://host:port; empty: no subscriber\"},\"topic\":{\"type\":\"string\",\"maxLength\":200}," \
	"\"user\":{\"type\":\"string\",\"maxLength\":120},\"password\":{\"type\":\"string\",\"maxLength\":256," \
	"\"writeOnly\":true,\"description\":\"sealed at rest, never answered; blank or absent keeps the stored one\"}," \
	"\"clear_password\":{\"type\":\"boolean\",\"description\":\"remove the stored password\"}},\"required\":[\"topic\"]}"
#define MQTT "{\"type\":\"object\",\"properties\":{\"url\":{\"type\":\"string\"},\"topic\":{\"type\":\"string\"}," \
	"\"user\":{\"type\":\"string\"},\"password_set\":{\"type\":\"boolean\",\"description\":\"the password itself" \
	" is never answered\"},\"connected\":{\"type\":" \
	"\"boolean\"},\"connections\":{\"type\":\"integer\"},\"messages\":{\"type\":\"integer\"},\"stored\":{" \
	"\"type\":\"integer\"},\"refused\":{\"type\":\"integer\"},\"errors\":{\"type\":\"integer\"}," \
	"\"last_error\":{\"type\":\"string\"}}}"

static const struct module_schema schemas[] = {
	{"GET", "/api/v1/sensor-mqtt", "{\"type\":\"object\",\"properties\":{}}", MQTT},
	{"POST", "/api/v1/sensor-mqtt", MQTT_IN, MQTT},
	{"POST", "/api/v1/sensor-readings", BATCH_IN, BATCH_OUT},
	{"GET", "/api/v1/sensors/:id/readings", "{\"type\":\"object\",\"properties\":{\"since\":{\"type\":"
	 "\"integer\",\"minimum\":1,\"description\":\"UTC seconds\"}}}", READINGS},
	{"GET", "/api/v1/sensors/:id/alarms", "{\"type\":\"object\",\"properties\":{}}", ALARMS},
	{"POST", "/api/v1/sensors/:id/token", MODULE_NO_BODY, TOKEN},
	{0},
};

extern const struct entity sensor_entity;	/* sensor_web.c */
static const struct entity *const entities[] = {&sensor_entity, NULL};

const struct module sensor_module = {
	.name = "sensor",
	.migrations = "1100-1149",
	.routes = sensor_routes,
	.perms = perms,
	.menu = menu,
	.jobs = jobs,
	.schemas = schemas,
	.demo_load = sensor_demo_load,
	.entities = entities,
};
