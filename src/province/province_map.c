/*
 * province_map.c — the object types of the provincial chain (DOMAIN §7) and where each comes
 * from in our tables, with the default mapping of each to the province's field names and code
 * lists. The mapping is data (province_mappings.fields, editable on the settings page): each
 * entry names the province's field, our column ("from") or a constant ("value"), whether the
 * province requires it, a code list translating our values to theirs, and a format.
 *
 * The check task of the chain (隐患排查任务) is a recurring task of a control measure (checkCycle,
 * checkCycleUnit), so it comes from the measures with a check cycle, and its id is the
 * measure's; a check record (排查记录) points at it through its task's measure. A stoppage is
 * ours per risk object; the province wants riskUnitId: the object's first analysis unit.
 *
 * Deletions: a record deactivated here (active = 0) goes again with deleted = 1; a hazard is
 * never deleted, it is cancelled, and a cancelled one goes (as a deletion) only when the
 * province had accepted it. Check records are neither deleted nor voided in this system, so
 * they have no deletion to send. The daily safety commitment (安全承诺) is not sent: no module
 * records one (the duty module keeps responsibility letters and meetings, not a daily
 * commitment of operations under way and equipment running).
 */
#include "province/province.h"
#include "db/db.h"

#include <string.h>

static const char *const c_objects[] = {"name", "kind", "code", "hazard_code", "hazard_level", "resp_unit", "resp_user",
					"active", NULL};
static const char *const c_units[] = {"object_id", "name", "resp_unit", "resp_user", "active", NULL};
static const char *const c_events[] = {"risk_unit_id", "name", "accident_code", "method", "value", "level", "active", NULL};
static const char *const c_measures[] = {"event_id", "description", "classify1", "classify2", "classify3",
					 "check_content", "active", NULL};
static const char *const c_tasks[] = {"measure_id", "check_content", "check_cycle", "check_cycle_unit", "created_at",
				      "work_start", "work_end", "work_day_type", "work_type", "active", NULL};
static const char *const c_records[] = {"task_id", "finished_at", "mobile", "is_defend", "check_status", NULL};
static const char *const c_hazards[] = {"number", "level", "source", "on_spot", "category", "status", "description",
					"reported_at", "rectify_due", "measure_id", "photos", "active", NULL};
static const char *const c_stops[] = {"risk_unit_id", "start_at", "end_at", "reason", "active", NULL};
static const char *const c_approvals[] = {"permit_id", "permit_number", "work_type", "round", "step", "node", "approver",
					  "decision", "opinion", "approved_at", "active", NULL};

#define DELETED "{\"field\":\"deleted\",\"from\":\"active\",\"required\":true,\"codes\":{\"1\":\"0\",\"0\":\"1\"}}"

const struct province_type province_types[] = {
	{"objects", "/riskObject",
	 "SELECT o.id AS pid, o.updated_at AS pupd, o.name, o.kind, o.code, o.hazard_code, coalesce(o.hazard_level, 0),"
	 " coalesce(ru.name, ''), coalesce(uu.name, ''), o.active FROM risk_objects o"
	 " LEFT JOIN units ru ON ru.id = o.resp_unit_id LEFT JOIN users uu ON uu.id = o.resp_user_id",
	 c_objects,
	 "[{\"field\":\"id\",\"from\":\"id\",\"required\":true},"
	 "{\"field\":\"riskObjectName\",\"from\":\"name\",\"required\":true},"
	 "{\"field\":\"hazardCode\",\"from\":\"hazard_code\"},"
	 "{\"field\":\"hazardDep\",\"from\":\"resp_unit\",\"required\":true},"
	 "{\"field\":\"hazardLiablePerson\",\"from\":\"resp_user\",\"required\":true}," DELETED "]"},
	{"units", "/riskUnit",
	 "SELECT ru.id AS pid, ru.updated_at AS pupd, ru.object_id, ru.name, coalesce(un.name, ''), coalesce(us.name, ''), ru.active"
	 " FROM risk_units ru LEFT JOIN units un ON un.id = ru.resp_unit_id LEFT JOIN users us ON us.id = ru.resp_user_id",
	 c_units,
	 "[{\"field\":\"id\",\"from\":\"id\",\"required\":true},"
	 "{\"field\":\"riskObjectId\",\"from\":\"object_id\",\"required\":true},"
	 "{\"field\":\"riskUnitName\",\"from\":\"name\",\"required\":true},"
	 "{\"field\":\"hazardDep\",\"from\":\"resp_unit\",\"required\":true},"
	 "{\"field\":\"hazardLiablePerson\",\"from\":\"resp_user\",\"required\":true}," DELETED "]"},
	{"events", "/riskEvent",
	 "SELECT e.id AS pid, e.updated_at AS pupd, e.risk_unit_id, e.name,"
	 " CASE WHEN a.list = '1986' THEN a.code ELSE coalesce(a.list || ':' || a.code, '') END,"
	 " coalesce(e.method, ''), coalesce(e.value, 0), coalesce(e.level, ''), e.active"
	 " FROM risk_events e LEFT JOIN risk_accident_types a ON a.id = e.accident_type_id",
	 c_events,
	 /* GB 6441-1986 accident types in the standard's order, 1-20 */
	 "[{\"field\":\"id\",\"from\":\"id\",\"required\":true},"
	 "{\"field\":\"riskUnitId\",\"from\":\"risk_unit_id\",\"required\":true},"
	 "{\"field\":\"riskEventName\",\"from\":\"name\",\"required\":true},"
	 "{\"field\":\"accidentType\",\"from\":\"accident_code\",\"required\":true,\"codes\":{\"struck\":\"1\","
	 "\"vehicle\":\"2\",\"machinery\":\"3\",\"lifting\":\"4\",\"electric\":\"5\",\"drowning\":\"6\",\"burn\":\"7\","
	 "\"fire\":\"8\",\"fall\":\"9\",\"collapse\":\"10\",\"roof_fall\":\"11\",\"water_inrush\":\"12\",\"blasting\":\"13\","
	 "\"explosive\":\"14\",\"gas_explosion\":\"15\",\"boiler\":\"16\",\"vessel\":\"17\",\"other_explosion\":\"18\","
	 "\"poisoning\":\"19\",\"other\":\"20\","
	 /* GB 6441-2025's types translated to the 1986 numbering the interfaces seen use (verify) */
	 "\"2025:struck\":\"1\",\"2025:plant_vehicle\":\"2\",\"2025:road_vehicle\":\"2\",\"2025:machinery\":\"3\","
	 "\"2025:lifting\":\"4\",\"2025:electric\":\"5\",\"2025:drowning\":\"6\",\"2025:burn\":\"7\",\"2025:fire\":\"8\","
	 "\"2025:fall\":\"9\",\"2025:slip_fall\":\"20\",\"2025:collapse\":\"10\",\"2025:water\":\"12\",\"2025:vessel\":\"17\","
	 "\"2025:pipe\":\"18\",\"2025:gas_explosion\":\"18\",\"2025:vapour_explosion\":\"18\",\"2025:dust_explosion\":\"18\","
	 "\"2025:civil_explosive\":\"14\",\"2025:fireworks\":\"14\",\"2025:solid_explosion\":\"18\",\"2025:molten\":\"18\","
	 "\"2025:poisoning\":\"19\",\"2025:asphyxiation\":\"19\",\"2025:landslide\":\"10\",\"2025:leak\":\"20\","
	 "\"2025:other\":\"20\"}},"
	 "{\"field\":\"evaluateMethod\",\"from\":\"method\"},"
	 "{\"field\":\"riskValue\",\"from\":\"value\",\"format\":\"number\"},"
	 "{\"field\":\"riskLevel\",\"from\":\"level\",\"required\":true,\"codes\":{\"major\":\"1\",\"large\":\"2\","
	 "\"general\":\"3\",\"low\":\"4\"}}," DELETED "]"},
	{"measures", "/riskMeasure",
	 "SELECT m.id AS pid, m.updated_at AS pupd, m.event_id, m.description, m.classify1, coalesce(m.classify2, ''),"
	 " coalesce(m.classify3, ''), m.check_content, m.active FROM risk_measures m",
	 c_measures,
	 "[{\"field\":\"id\",\"from\":\"id\",\"required\":true},"
	 "{\"field\":\"riskEventId\",\"from\":\"event_id\",\"required\":true},"
	 "{\"field\":\"riskMeasureDesc\",\"from\":\"description\",\"required\":true},"
	 "{\"field\":\"classify1\",\"from\":\"classify1\",\"required\":true,\"codes\":{\"eng\":\"1\",\"maint\":\"2\","
	 "\"oper\":\"3\",\"emerg\":\"4\"}},"
	 "{\"field\":\"classify2\",\"from\":\"classify2\"},{\"field\":\"classify3\",\"from\":\"classify3\"},"
	 "{\"field\":\"troubleshootContent\",\"from\":\"check_content\",\"required\":true},"
	 "{\"field\":\"dataSrc\",\"value\":\"2\"}," DELETED "]"},
	{"tasks", "/checkTask",
	 "SELECT m.id AS pid, m.updated_at AS pupd, m.id, m.check_content, m.check_cycle, m.check_cycle_unit, m.created_at,"
	 " m.work_start, m.work_end, m.work_day_type, m.work_type, m.active FROM risk_measures m WHERE m.check_cycle > 0",
	 c_tasks,
	 "[{\"field\":\"id\",\"from\":\"id\",\"required\":true},"
	 "{\"field\":\"riskMeasureId\",\"from\":\"measure_id\",\"required\":true},"
	 "{\"field\":\"troubleshootContent\",\"from\":\"check_content\",\"required\":true},"
	 "{\"field\":\"checkCycle\",\"from\":\"check_cycle\",\"required\":true,\"format\":\"number\"},"
	 "{\"field\":\"checkCycleUnit\",\"from\":\"check_cycle_unit\",\"required\":true,\"codes\":{\"hour\":\"小时\","
	 "\"day\":\"天\",\"week\":\"周\",\"month\":\"月\",\"year\":\"年\"}},"
	 "{\"field\":\"taskStartTime\",\"from\":\"created_at\",\"required\":true,\"format\":\"time\"},"
	 "{\"field\":\"workStartTime\",\"from\":\"work_start\",\"required\":true,\"format\":\"hm\"},"
	 "{\"field\":\"workEndTime\",\"from\":\"work_end\",\"required\":true,\"format\":\"hm\"},"
	 "{\"field\":\"workDayType\",\"from\":\"work_day_type\",\"required\":true,\"codes\":{\"every_day\":\"0\","
	 "\"work_day\":\"1\"}},"
	 "{\"field\":\"workType\",\"from\":\"work_type\",\"required\":true,\"codes\":{\"routine\":\"0\",\"baobao\":\"1\"}},"
	 "{\"field\":\"taskNum\",\"value\":\"1\"}," DELETED "]"},
	{"records", "/checkRecord",
	 "SELECT cr.id AS pid, cr.finished_at AS pupd, t.measure_id, cr.finished_at, coalesce(u.phone, ''), cr.is_defend,"
	 " CASE WHEN cr.failed > 0 THEN 1 ELSE 0 END FROM check_records cr JOIN check_tasks t ON t.id = cr.task_id"
	 " JOIN users u ON u.id = cr.user_id WHERE t.measure_id IS NOT NULL",
	 c_records,
	 "[{\"field\":\"id\",\"from\":\"id\",\"required\":true},"
	 "{\"field\":\"checkTaskId\",\"from\":\"task_id\",\"required\":true},"
	 "{\"field\":\"checkTime\",\"from\":\"finished_at\",\"required\":true,\"format\":\"time\"},"
	 "{\"field\":\"mobileMe\",\"from\":\"mobile\",\"required\":true},"
	 "{\"field\":\"isDefend\",\"from\":\"is_defend\",\"required\":true,\"codes\":{\"0\":\"0\",\"1\":\"1\"}},"
	 "{\"field\":\"checkStatus\",\"from\":\"check_status\",\"required\":true,\"codes\":{\"0\":\"0\",\"1\":\"1\"}}]"},
	{"hazards", "/danger",
	 /* a cancelled hazard goes only when the province holds it (accepted before): as its deletion */
	 "SELECT h.id AS pid, h.updated_at AS pupd, h.number, h.level, h.source, h.on_spot, c.code, h.status, h.description,"
	 " h.reported_at, h.rectify_due, h.measure_id,"
	 " (SELECT string_agg(hp.sha256, ',') FROM hazard_photos hp WHERE hp.hazard_id = h.id AND hp.kind = 'before'),"
	 " CASE WHEN h.status = 'cancelled' THEN 0 ELSE 1 END FROM hazards h"
	 " JOIN hazard_categories c ON c.id = h.category_id WHERE h.status <> 'cancelled'"
	 " OR EXISTS (SELECT 1 FROM province_items pi JOIN province_batches pb ON pb.id = pi.batch_id"
	 " WHERE pb.type = 'hazards' AND pi.record_id = h.id AND pi.status = 'accepted')",
	 c_hazards,
	 "[{\"field\":\"id\",\"from\":\"id\",\"required\":true},"
	 "{\"field\":\"dangerName\",\"from\":\"number\",\"required\":true},"
	 "{\"field\":\"dangerLevel\",\"from\":\"level\",\"required\":true,\"codes\":{\"general\":\"0\",\"major\":\"1\"}},"
	 "{\"field\":\"dangerSrc\",\"from\":\"source\",\"required\":true,\"codes\":{\"1\":\"1\",\"2\":\"2\",\"3\":\"3\","
	 "\"4\":\"4\",\"5\":\"5\",\"6\":\"6\",\"7\":\"7\",\"8\":\"8\",\"9\":\"9\",\"10\":\"10\"}},"
	 "{\"field\":\"dangerManageType\",\"from\":\"on_spot\",\"required\":true,\"codes\":{\"1\":\"0\",\"0\":\"1\"}},"
	 "{\"field\":\"hazardDangerType\",\"from\":\"category\",\"required\":true,\"codes\":{\"height\":\"1\","
	 "\"chemical\":\"2\",\"electrical\":\"3\",\"fire\":\"5\",\"housekeeping\":\"6\",\"mechanical\":\"7\","
	 "\"ppe\":\"8\",\"management\":\"8\"}},"
	 "{\"field\":\"hazardCategory\",\"value\":\"0\"},"
	 "{\"field\":\"dangerState\",\"from\":\"status\",\"required\":true,\"codes\":{\"reported\":\"0\",\"assigned\":\"0\","
	 "\"planning\":\"0\",\"plan_review\":\"0\",\"rectifying\":\"0\",\"verifying\":\"1\",\"closed\":\"9\"}},"
	 "{\"field\":\"dangerDesc\",\"from\":\"description\",\"required\":true},"
	 "{\"field\":\"registTime\",\"from\":\"reported_at\",\"required\":true,\"format\":\"time\"},"
	 "{\"field\":\"dangerManageDeadline\",\"from\":\"rectify_due\",\"format\":\"time\"},"
	 "{\"field\":\"riskMeasureId\",\"from\":\"measure_id\"},"
	 /* the photos taken when it was reported, base64; none for a hazard a sensor raised */
	 "{\"field\":\"photos\",\"from\":\"photos\",\"format\":\"photos\"}," DELETED "]"},
	{"stops", "/stopRecord",
	 "SELECT s.id AS pid, s.updated_at AS pupd, (SELECT min(ru.id) FROM risk_units ru WHERE ru.object_id = s.object_id),"
	 " s.start_at, s.end_at, s.reason, s.active FROM check_stops s",
	 c_stops,
	 "[{\"field\":\"id\",\"from\":\"id\",\"required\":true},"
	 "{\"field\":\"riskUnitId\",\"from\":\"risk_unit_id\",\"required\":true},"
	 "{\"field\":\"stopStartTime\",\"from\":\"start_at\",\"required\":true,\"format\":\"time\"},"
	 "{\"field\":\"stopEndTime\",\"from\":\"end_at\",\"required\":true,\"format\":\"time\"},"
	 "{\"field\":\"stopReason\",\"from\":\"reason\",\"required\":true}," DELETED "]"},
	/* special-operation permit approvals (DOMAIN §7, optional in the chain): one record per
	 * approval given (an electronic signature: the approver re-entered the password), its node
	 * in the permit's chain, the approver, the decision and opinion, the time; sent again
	 * when its permit changes, and as a deletion when the permit was cancelled after the
	 * province had accepted it */
	{"approvals", "/workApproval",
	 "SELECT a.id AS pid, CASE WHEN p.updated_at > a.at THEN p.updated_at ELSE a.at END AS pupd, a.permit_id, p.number,"
	 " p.type, a.round, a.step, a.level, coalesce(u.name, ''), a.decision, a.reason, a.at,"
	 " CASE WHEN p.state = 'cancelled' THEN 0 ELSE 1 END FROM permit_approvals a JOIN permits p ON p.id = a.permit_id"
	 " LEFT JOIN users u ON u.id = a.user_id WHERE p.state <> 'cancelled'"
	 " OR EXISTS (SELECT 1 FROM province_items pi JOIN province_batches pb ON pb.id = pi.batch_id"
	 " WHERE pb.type = 'approvals' AND pi.record_id = a.id AND pi.status = 'accepted')",
	 c_approvals,
	 /* work types in GB 30871-2022's order (§5–§12) */
	 "[{\"field\":\"id\",\"from\":\"id\",\"required\":true},"
	 "{\"field\":\"workTicketId\",\"from\":\"permit_id\",\"required\":true},"
	 "{\"field\":\"workTicketNo\",\"from\":\"permit_number\",\"required\":true},"
	 "{\"field\":\"workType\",\"from\":\"work_type\",\"required\":true,\"codes\":{\"hot_work\":\"1\","
	 "\"confined_space\":\"2\",\"blind_plate\":\"3\",\"height\":\"4\",\"lifting\":\"5\",\"temp_power\":\"6\","
	 "\"excavation\":\"7\",\"road_closure\":\"8\"}},"
	 "{\"field\":\"approvalRound\",\"from\":\"round\",\"format\":\"number\"},"
	 "{\"field\":\"approvalStep\",\"from\":\"step\",\"required\":true,\"format\":\"number\"},"
	 "{\"field\":\"approvalNode\",\"from\":\"node\",\"required\":true},"
	 "{\"field\":\"approvalPerson\",\"from\":\"approver\",\"required\":true},"
	 "{\"field\":\"approvalResult\",\"from\":\"decision\",\"required\":true,\"codes\":{\"approve\":\"1\","
	 "\"refuse\":\"0\"}},"
	 "{\"field\":\"approvalOpinion\",\"from\":\"opinion\"},"
	 "{\"field\":\"approvalTime\",\"from\":\"approved_at\",\"required\":true,\"format\":\"time\"}," DELETED "]"},
	{0},
};

const struct province_type *province_type_find(const char *type)
{
	for (const struct province_type *t = province_types; type && t->type; t++)
		if (!strcmp(t->type, type))
			return t;
	return NULL;
}

int province_mappings_ensure(struct db *c, int64_t now)
{
	for (const struct province_type *t = province_types; t->type; t++)
		if (db_exec(c, "INSERT INTO province_mappings (type, path, fields, updated_at) VALUES (?, ?, ?, ?)"
			       " ON CONFLICT (type) DO NOTHING", "tttI", t->type, t->path, t->defaults, now) != DB_OK)
			return -1;
	return 0;
}

static int has_col(const struct province_type *t, const char *name)
{
	if (!strcmp(name, "id"))
		return 1;
	for (const char *const *c = t->cols; *c; c++)
		if (!strcmp(*c, name))
			return 1;
	return 0;
}

const char *province_mapping_problem(const struct province_type *t, json_t *fields)
{
	if (!json_is_array(fields) || json_array_size(fields) == 0 || json_array_size(fields) > 64)
		return "province.err_mapping_array";
	size_t i;
	json_t *e;
	int has_id = 0;
	json_array_foreach(fields, i, e) {
		const char *f = json_string_value(json_object_get(e, "field"));
		const char *from = json_string_value(json_object_get(e, "from"));
		json_t *value = json_object_get(e, "value"), *codes = json_object_get(e, "codes");
		const char *fmt = json_string_value(json_object_get(e, "format"));
		if (!json_is_object(e) || !f || !*f || strlen(f) > 64)
			return "province.err_mapping_field";
		if (!strcmp(f, "id"))
			has_id = 1;
		if ((from == NULL) == (value == NULL) || (from && !has_col(t, from)) || (value && !json_is_string(value)))
			return "province.err_mapping_from";
		if (codes && !json_is_object(codes))
			return "province.err_mapping_codes";
		const char *k;
		json_t *v;
		json_object_foreach(codes, k, v) if (!json_is_string(v)) return "province.err_mapping_codes";
		if (fmt && strcmp(fmt, "time") && strcmp(fmt, "hm") && strcmp(fmt, "number") && strcmp(fmt, "photos"))
			return "province.err_mapping_format";
		json_t *req = json_object_get(e, "required");
		if (req && !json_is_boolean(req))
			return "province.err_mapping_field";
	}
	return has_id ? NULL : "province.err_mapping_id";
}
