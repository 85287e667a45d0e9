/*
 * modules.c — the module table: the one place that names every module. main() registers
 * this list at start-up (module_registry_set, base/module.h), and the platform walks it for
 * routes, permissions and their default grants, the menu, home tiles and panels, scheduler
 * jobs and demo records. Adding a module is one line here plus its descriptor
 * (docs/new-module.md).
 *
 * The order matters in three places: routes are matched table by table in this order,
 * scheduler jobs and demo loaders run in it (the permit demo uses a certificate of the cert
 * demo's), and the role form lists permissions in it. Menus, tiles and panels carry their
 * own order numbers.
 */
#include "modules.h"
#include "accident/accident.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "cert/cert.h"
#include "equip/equip.h"
#include "feeds/feeds.h"
#include "hazard/hazard.h"
#include "http/http.h"
#include "http/static.h"
#include "notify/notify_web.h"
#include "org/org.h"
#include "permit/permit.h"
#include "ppe/ppe.h"
#include "report/report.h"
#include "risk/risk.h"
#include "check/check.h"
#include "contractor/contractor.h"
#include "emerg/emerg.h"
#include "sensor/sensor.h"
#include "province/province.h"
#include "sched/sched.h"
#include "train/train.h"
#include "duty/duty.h"
#include "web/home.h"
#include "web/shell.h"

const struct module *const anquan_modules[] = {
	/* the platform */
	&static_module,
	&home_module,
	&shell_module,
	&auth_module,
	&org_module,
	&audit_module,
	&sched_module,
	&openapi_module,
	&notify_module,
	/* the safety modules */
	&hazard_module,
	&cert_module,
	&equip_module,
	&permit_module,
	&report_module,
	&risk_module,
	&check_module,
	&train_module,
	&accident_module,
	&ppe_module,
	&duty_module,
	&contractor_module,
	&emerg_module,
	&sensor_module,
	&province_module,
	&feeds_module,
	NULL,
};

/* the sections other modules draw on a hazard's page (hazard.h) */
static const struct hazard_section *const hazard_sections[] = {&duty_hazard_section, &sensor_hazard_section, NULL};

int modules_register(void)
{
	hazard_sections_set(hazard_sections);
	/* a device's health score counts the threshold alarms of the sensors on it (feeds_health.c) */
	feeds_readings_hook_set(sensor_equipment_alarms);
	return module_registry_set(anquan_modules);
}
