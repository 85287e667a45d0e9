-- 0500_risk.sql — risk grading and control (风险分级管控), the first half of the dual prevention
-- mechanism (双重预防机制, 安全生产法 2021 Art. 4, 21, 41).
--
-- The chain follows the ministry's guide for digitalising the dual prevention mechanism
-- (《危险化学品企业双重预防机制数字化建设工作指南（试用）》, 2022), each object pointing to the one
-- before: 风险分析对象 (risk_objects) → 风险分析单元 (risk_units) → 风险事件 (risk_events) →
-- 管控措施 (risk_measures) → 隐患排查任务 (the check module, next migration range), and the hazard
-- points back at its event and measure. The provincial field names (hazardCode, riskUnitName,
-- riskMeasureDesc, classify1, troubleshootContent, checkCycle, ...) are the export mapping, not
-- our column names. Lists that differ between standards and provinces are data (accident
-- types, measure classes, band sets, levels); times are UTC seconds, days are local calendar
-- days counted from 1970-01-01 as in 0201_equipment.sql.

-- The four levels and their colours (四色: 重大 红 / 较大 橙 / 一般 黄 / 低 蓝). rank orders them
-- (4 highest) so that "the highest risk of an area" is max(rank).
CREATE TABLE risk_levels (
  code TEXT PRIMARY KEY CHECK (code IN ('major', 'large', 'general', 'low')),
  rank INTEGER NOT NULL UNIQUE,
  colour TEXT NOT NULL,			-- red / orange / yellow / blue
  rgb TEXT NOT NULL,			-- for the map, the cards and the badges
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL
);
INSERT INTO risk_levels (code, rank, colour, rgb, name_zh, name_en) VALUES
 ('major', 4, 'red', '#d9262c', '重大风险', 'Major risk'),
 ('large', 3, 'orange', '#f28c1c', '较大风险', 'Large risk'),
 ('general', 2, 'yellow', '#f5d01a', '一般风险', 'General risk'),
 ('low', 1, 'blue', '#2f6fd6', '低风险', 'Low risk');

-- Accident types of GB 6441 as data, both lists: `list` '1986' (GB/T 6441-1986, 20 types) and
-- '2025' (GB 6441-2025《生产安全事故分类与编码》, in force 2026-07-01, 27 types). The 2025
-- standard's own codes (WSA...) go in std_code once checked against the published text
-- (**verify**); code is ours and stable. New events default to the 2025 list (setting
-- risk.accident_list).
CREATE TABLE risk_accident_types (
  id INTEGER PRIMARY KEY,
  list TEXT NOT NULL CHECK (list IN ('1986', '2025')),
  code TEXT NOT NULL,
  std_code TEXT NOT NULL DEFAULT '',
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  sort INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  UNIQUE (list, code)
);
INSERT INTO risk_accident_types (list, code, name_zh, name_en, sort) VALUES
 ('1986', 'struck', '物体打击', 'Struck by object', 1),
 ('1986', 'vehicle', '车辆伤害', 'Vehicle injury', 2),
 ('1986', 'machinery', '机械伤害', 'Machinery injury', 3),
 ('1986', 'lifting', '起重伤害', 'Lifting injury', 4),
 ('1986', 'electric', '触电', 'Electric shock', 5),
 ('1986', 'drowning', '淹溺', 'Drowning', 6),
 ('1986', 'burn', '灼烫', 'Burns and scalds', 7),
 ('1986', 'fire', '火灾', 'Fire', 8),
 ('1986', 'fall', '高处坠落', 'Fall from height', 9),
 ('1986', 'collapse', '坍塌', 'Collapse', 10),
 ('1986', 'roof_fall', '冒顶片帮', 'Roof and side fall', 11),
 ('1986', 'water_inrush', '透水', 'Water inrush', 12),
 ('1986', 'blasting', '放炮', 'Blasting', 13),
 ('1986', 'explosive', '火药爆炸', 'Explosive explosion', 14),
 ('1986', 'gas_explosion', '瓦斯爆炸', 'Firedamp explosion', 15),
 ('1986', 'boiler', '锅炉爆炸', 'Boiler explosion', 16),
 ('1986', 'vessel', '容器爆炸', 'Vessel explosion', 17),
 ('1986', 'other_explosion', '其他爆炸', 'Other explosion', 18),
 ('1986', 'poisoning', '中毒和窒息', 'Poisoning and asphyxiation', 19),
 ('1986', 'other', '其他伤害', 'Other injury', 20),
 ('2025', 'struck', '物体打击', 'Struck by object', 1),
 ('2025', 'plant_vehicle', '厂（场）内车辆致害', 'In-plant vehicle', 2),
 ('2025', 'road_vehicle', '道路（轨道）车辆致害', 'Road or rail vehicle', 3),
 ('2025', 'machinery', '机械致害', 'Machinery', 4),
 ('2025', 'lifting', '起重致害', 'Lifting', 5),
 ('2025', 'electric', '触电', 'Electric shock', 6),
 ('2025', 'drowning', '淹溺', 'Drowning', 7),
 ('2025', 'burn', '灼烫', 'Burns and scalds', 8),
 ('2025', 'fire', '火灾', 'Fire', 9),
 ('2025', 'fall', '高处坠落', 'Fall from height', 10),
 ('2025', 'slip_fall', '跌落', 'Fall on the same level', 11),
 ('2025', 'collapse', '坍塌', 'Collapse', 12),
 ('2025', 'water', '水害', 'Water hazard', 13),
 ('2025', 'vessel', '容器爆炸', 'Vessel explosion', 14),
 ('2025', 'pipe', '管道爆炸', 'Pipe explosion', 15),
 ('2025', 'gas_explosion', '可燃气体爆炸', 'Flammable gas explosion', 16),
 ('2025', 'vapour_explosion', '可燃液体蒸气爆炸', 'Flammable vapour explosion', 17),
 ('2025', 'dust_explosion', '粉尘爆炸', 'Dust explosion', 18),
 ('2025', 'civil_explosive', '民用爆炸物品爆炸', 'Civil explosive explosion', 19),
 ('2025', 'fireworks', '烟花爆竹爆炸', 'Fireworks explosion', 20),
 ('2025', 'solid_explosion', '其他可燃固体爆炸', 'Other combustible solid explosion', 21),
 ('2025', 'molten', '高温熔融物爆炸', 'Molten metal explosion', 22),
 ('2025', 'poisoning', '中毒', 'Poisoning', 23),
 ('2025', 'asphyxiation', '窒息', 'Asphyxiation', 24),
 ('2025', 'landslide', '滑坡', 'Landslide', 25),
 ('2025', 'leak', '泄漏', 'Leak', 26),
 ('2025', 'other', '其他事故', 'Other accident', 27);

-- Control-measure classes (classify1 / classify2 / classify3 of the data exchange
-- specification; the lists as integrators' public uploaders carry them, **verify** against the
-- province's own specification). parent '' marks a classify1; depth is 1, 2 or 3.
CREATE TABLE risk_measure_classes (
  code TEXT PRIMARY KEY,
  parent TEXT NOT NULL DEFAULT '',
  depth INTEGER NOT NULL CHECK (depth IN (1, 2, 3)),
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  sort INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1
);
INSERT INTO risk_measure_classes (code, parent, depth, name_zh, name_en, sort) VALUES
 ('eng', '', 1, '工程技术', 'Engineering', 1),
 ('maint', '', 1, '维护保养', 'Maintenance', 2),
 ('oper', '', 1, '操作行为', 'Operation and behaviour', 3),
 ('emerg', '', 1, '应急措施', 'Emergency', 4),
 ('eng.process', 'eng', 2, '工艺控制', 'Process control', 1),
 ('eng.key_equipment', 'eng', 2, '关键设备/部件', 'Key equipment and parts', 2),
 ('eng.safety_fittings', 'eng', 2, '安全附件', 'Safety fittings', 3),
 ('eng.interlock', 'eng', 2, '安全仪表', 'Safety instrumentation and interlocks', 4),
 ('eng.other', 'eng', 2, '其他', 'Other', 9),
 ('maint.rotating', 'maint', 2, '动设备', 'Rotating equipment', 1),
 ('maint.static', 'maint', 2, '静设备', 'Static equipment', 2),
 ('maint.other', 'maint', 2, '其他', 'Other', 9),
 ('oper.staffing', 'oper', 2, '人员资质', 'Staff qualification', 1),
 ('oper.procedure', 'oper', 2, '操作规程', 'Operating procedure', 2),
 ('oper.record', 'oper', 2, '操作记录', 'Operating records', 3),
 ('oper.handover', 'oper', 2, '交接班', 'Shift handover', 4),
 ('oper.other', 'oper', 2, '其他', 'Other', 9),
 ('emerg.facilities', 'emerg', 2, '应急设施', 'Emergency facilities', 1),
 ('emerg.ppe', 'emerg', 2, '个体防护', 'Personal protection', 2),
 ('emerg.fire', 'emerg', 2, '消防设施', 'Fire-fighting equipment', 3),
 ('emerg.plan', 'emerg', 2, '应急预案', 'Emergency plan', 4),
 ('emerg.other', 'emerg', 2, '其他', 'Other', 9),
 ('eng.process.temperature', 'eng.process', 3, '温度', 'Temperature', 1),
 ('eng.process.pressure', 'eng.process', 3, '压力', 'Pressure', 2),
 ('eng.process.level', 'eng.process', 3, '液位', 'Level', 3),
 ('eng.process.flow', 'eng.process', 3, '流量', 'Flow', 4),
 ('eng.process.composition', 'eng.process', 3, '组分', 'Composition', 5),
 ('eng.safety_fittings.relief', 'eng.safety_fittings', 3, '安全阀、爆破片', 'Relief valves and bursting discs', 1),
 ('eng.safety_fittings.flame', 'eng.safety_fittings', 3, '阻火器', 'Flame arresters', 2),
 ('eng.safety_fittings.gauge', 'eng.safety_fittings', 3, '压力表、液位计', 'Gauges', 3),
 ('eng.interlock.sis', 'eng.interlock', 3, '安全仪表系统', 'Safety instrumented system', 1),
 ('eng.interlock.gas', 'eng.interlock', 3, '可燃有毒气体检测报警', 'Gas detection and alarm', 2),
 ('eng.interlock.alarm', 'eng.interlock', 3, '报警联锁', 'Alarms and interlocks', 3);

-- Band sets: which level a value (D of LEC, R of LS) falls in. Named presets (builtin = 1,
-- unit_id NULL) plus a company's own (unit_id its company unit). A set is edited by writing a
-- new version of its edges; every assessment records the set and version that produced its
-- level, so changing the edges never rewrites history.
CREATE TABLE risk_band_sets (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  method TEXT NOT NULL CHECK (method IN ('LEC', 'LS')),
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  builtin INTEGER NOT NULL DEFAULT 0,
  unit_id INTEGER REFERENCES units(id),
  version INTEGER NOT NULL DEFAULT 1,	-- the current version of its edges
  active INTEGER NOT NULL DEFAULT 1,
  created_by INTEGER REFERENCES users(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- The edges of one version of a band set: a value is at `level` when it is above `lower_bound`
-- (lower_inclusive 0) or at least `lower_bound` (1), trying the levels from the highest rank down;
-- 'low' has lower_bound 0 inclusive. One row per (set, version, level).
CREATE TABLE risk_band_edges (
  band_set_id INTEGER NOT NULL REFERENCES risk_band_sets(id),
  version INTEGER NOT NULL,
  level TEXT NOT NULL REFERENCES risk_levels(code),
  lower_bound DOUBLE PRECISION NOT NULL,
  lower_inclusive INTEGER NOT NULL CHECK (lower_inclusive IN (0, 1)),
  PRIMARY KEY (band_set_id, version, level)
);

-- The presets (DOMAIN.md §3). lec_default: D > 320 重大, 160 < D ≤ 320 较大, 70 < D ≤ 160 一般,
-- D ≤ 70 低 (the LEC table's 极其/高度/显著 bands). lec_160: > 160 red, 70 < D ≤ 160 orange,
-- 20 ≤ D ≤ 70 yellow, < 20 blue. ls_default: R ≥ 20, 15–16, 9–12, ≤ 8. ls_20_10_4: 20–25,
-- 10–16, 4–9, 1–3. ls_17_11_5: 17–25, 11–16, 5–10, 1–4. ls_15_9_4: ≥ 15, ≥ 9, ≥ 4, < 4.
INSERT INTO risk_band_sets (code, method, name_zh, name_en, builtin, created_at, updated_at) VALUES
 ('lec_default', 'LEC', 'LEC 默认（>320/160/70）', 'LEC default (>320/160/70)', 1, 0, 0),
 ('lec_160', 'LEC', 'LEC 四级（>160/70/20）', 'LEC four bands (>160/70/20)', 1, 0, 0),
 ('ls_default', 'LS', 'LS 默认（20/15/9）', 'LS default (20/15/9)', 1, 0, 0),
 ('ls_20_10_4', 'LS', 'LS（20/10/4）', 'LS (20/10/4)', 1, 0, 0),
 ('ls_17_11_5', 'LS', 'LS（17/11/5）', 'LS (17/11/5)', 1, 0, 0),
 ('ls_15_9_4', 'LS', 'LS（15/9/4）', 'LS (15/9/4)', 1, 0, 0);
INSERT INTO risk_band_edges (band_set_id, version, level, lower_bound, lower_inclusive)
SELECT id, 1, 'major', 320, 0 FROM risk_band_sets WHERE code = 'lec_default' UNION ALL
SELECT id, 1, 'large', 160, 0 FROM risk_band_sets WHERE code = 'lec_default' UNION ALL
SELECT id, 1, 'general', 70, 0 FROM risk_band_sets WHERE code = 'lec_default' UNION ALL
SELECT id, 1, 'low', 0, 1 FROM risk_band_sets WHERE code = 'lec_default' UNION ALL
SELECT id, 1, 'major', 160, 0 FROM risk_band_sets WHERE code = 'lec_160' UNION ALL
SELECT id, 1, 'large', 70, 0 FROM risk_band_sets WHERE code = 'lec_160' UNION ALL
SELECT id, 1, 'general', 20, 1 FROM risk_band_sets WHERE code = 'lec_160' UNION ALL
SELECT id, 1, 'low', 0, 1 FROM risk_band_sets WHERE code = 'lec_160' UNION ALL
SELECT id, 1, 'major', 20, 1 FROM risk_band_sets WHERE code = 'ls_default' UNION ALL
SELECT id, 1, 'large', 15, 1 FROM risk_band_sets WHERE code = 'ls_default' UNION ALL
SELECT id, 1, 'general', 9, 1 FROM risk_band_sets WHERE code = 'ls_default' UNION ALL
SELECT id, 1, 'low', 0, 1 FROM risk_band_sets WHERE code = 'ls_default' UNION ALL
SELECT id, 1, 'major', 20, 1 FROM risk_band_sets WHERE code = 'ls_20_10_4' UNION ALL
SELECT id, 1, 'large', 10, 1 FROM risk_band_sets WHERE code = 'ls_20_10_4' UNION ALL
SELECT id, 1, 'general', 4, 1 FROM risk_band_sets WHERE code = 'ls_20_10_4' UNION ALL
SELECT id, 1, 'low', 0, 1 FROM risk_band_sets WHERE code = 'ls_20_10_4' UNION ALL
SELECT id, 1, 'major', 17, 1 FROM risk_band_sets WHERE code = 'ls_17_11_5' UNION ALL
SELECT id, 1, 'large', 11, 1 FROM risk_band_sets WHERE code = 'ls_17_11_5' UNION ALL
SELECT id, 1, 'general', 5, 1 FROM risk_band_sets WHERE code = 'ls_17_11_5' UNION ALL
SELECT id, 1, 'low', 0, 1 FROM risk_band_sets WHERE code = 'ls_17_11_5' UNION ALL
SELECT id, 1, 'major', 15, 1 FROM risk_band_sets WHERE code = 'ls_15_9_4' UNION ALL
SELECT id, 1, 'large', 9, 1 FROM risk_band_sets WHERE code = 'ls_15_9_4' UNION ALL
SELECT id, 1, 'general', 4, 1 FROM risk_band_sets WHERE code = 'ls_15_9_4' UNION ALL
SELECT id, 1, 'low', 0, 1 FROM risk_band_sets WHERE code = 'ls_15_9_4';

-- 风险分析对象: an area, a piece of equipment or facility, an operation, or a post. unit_id is
-- the data-scope unit. A 重大危险源 carries its code (hazardCode) and level (一级–四级, GB 18218)
-- and the three 包保 people (应急厅〔2021〕12号: 主要负责人, 技术负责人, 操作负责人).
-- Never deleted while anything points at it: active = 0 instead, audited.
CREATE TABLE risk_objects (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('area', 'equipment', 'facility', 'operation', 'post')),
  code TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  unit_id INTEGER NOT NULL REFERENCES units(id),
  area_id INTEGER REFERENCES areas(id),
  equipment_id INTEGER REFERENCES equipment(id),
  position_id INTEGER REFERENCES positions(id),		-- kind 'post'
  hazard_code TEXT NOT NULL DEFAULT '',		-- 重大危险源 code; '' when it is not one
  hazard_level INTEGER CHECK (hazard_level IS NULL OR hazard_level BETWEEN 1 AND 4),
  principal_user_id INTEGER REFERENCES users(id),	-- 包保 主要负责人
  technical_user_id INTEGER REFERENCES users(id),	-- 包保 技术负责人
  operations_user_id INTEGER REFERENCES users(id),	-- 包保 操作负责人
  resp_unit_id INTEGER REFERENCES units(id),		-- hazardDep
  resp_user_id INTEGER REFERENCES users(id),		-- hazardLiablePerson
  active INTEGER NOT NULL DEFAULT 1,
  created_by INTEGER REFERENCES users(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX risk_objects_unit ON risk_objects(unit_id, active);
CREATE INDEX risk_objects_area ON risk_objects(area_id);
CREATE INDEX risk_objects_equipment ON risk_objects(equipment_id);
CREATE INDEX risk_objects_position ON risk_objects(position_id);

-- 风险分析单元 (riskUnitName): a part of an object with its responsible unit and person.
CREATE TABLE risk_units (
  id INTEGER PRIMARY KEY,
  object_id INTEGER NOT NULL REFERENCES risk_objects(id),
  name TEXT NOT NULL,
  resp_unit_id INTEGER REFERENCES units(id),
  resp_user_id INTEGER REFERENCES users(id),
  active INTEGER NOT NULL DEFAULT 1,
  created_by INTEGER REFERENCES users(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX risk_units_object ON risk_units(object_id);
CREATE INDEX risk_units_resp ON risk_units(resp_user_id);

-- 风险事件 (riskEventName): what can happen, its accident type, and the current (approved)
-- assessment copied from risk_assessments so that lists and maps read one row. level is the
-- current (residual when there is one) level; inherent_level the level before measures.
-- needs_reassessment is set by a change or a linked hazard; review_due is the next periodic
-- re-assessment day (yearly; 重大 half-yearly by default, settings risk.review_months*).
CREATE TABLE risk_events (
  id INTEGER PRIMARY KEY,
  risk_unit_id INTEGER NOT NULL REFERENCES risk_units(id),
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  accident_type_id INTEGER REFERENCES risk_accident_types(id),
  consequence TEXT NOT NULL DEFAULT '',		-- 可能导致的后果, free text beside the type
  emergency TEXT NOT NULL DEFAULT '',		-- 应急处置: for the notice card and 岗位告知
  method TEXT CHECK (method IS NULL OR method IN ('LEC', 'LS')),
  l_value DOUBLE PRECISION,
  e_value DOUBLE PRECISION,
  c_value DOUBLE PRECISION,
  s_value DOUBLE PRECISION,
  value DOUBLE PRECISION,
  level TEXT REFERENCES risk_levels(code),
  inherent_level TEXT REFERENCES risk_levels(code),
  inherent_value DOUBLE PRECISION,
  band_set_id INTEGER REFERENCES risk_band_sets(id),
  band_version INTEGER,
  assessment_id INTEGER,				-- the current risk_assessments row
  assessed_at BIGINT NOT NULL DEFAULT 0,
  control_level TEXT CHECK (control_level IS NULL OR control_level IN ('company', 'workshop', 'team', 'post')),
  needs_reassessment INTEGER NOT NULL DEFAULT 0,
  reassess_reason TEXT NOT NULL DEFAULT '',
  reassess_due BIGINT NOT NULL DEFAULT 0,
  review_due INTEGER NOT NULL DEFAULT 0,		-- a day; 0 before the first assessment
  active INTEGER NOT NULL DEFAULT 1,
  created_by INTEGER REFERENCES users(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX risk_events_unit ON risk_events(risk_unit_id);
CREATE INDEX risk_events_level ON risk_events(level, active);
CREATE INDEX risk_events_review ON risk_events(review_due, active);
CREATE INDEX risk_events_accident ON risk_events(accident_type_id);

-- Further accident types of an event beyond its first (a register row's 可能导致的事故 often
-- names two or three: 火灾、爆炸、中毒).
CREATE TABLE risk_event_accidents (
  event_id INTEGER NOT NULL REFERENCES risk_events(id),
  accident_type_id INTEGER NOT NULL REFERENCES risk_accident_types(id),
  PRIMARY KEY (event_id, accident_type_id)
);

-- 管控措施 (riskMeasureDesc): what controls the event, its class, what a check looks at
-- (troubleshootContent), the control level and who answers for it, and what the check module
-- needs to schedule its 隐患排查任务: check_cycle + check_cycle_unit (checkCycle,
-- checkCycleUnit), the working window in minutes of the day (workStartTime, workEndTime),
-- work_day_type (workDayType) and work_type (workType: routine or 包保).
CREATE TABLE risk_measures (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL REFERENCES risk_events(id),
  description TEXT NOT NULL,
  classify1 TEXT NOT NULL REFERENCES risk_measure_classes(code),
  classify2 TEXT REFERENCES risk_measure_classes(code),
  classify3 TEXT REFERENCES risk_measure_classes(code),
  check_content TEXT NOT NULL DEFAULT '',
  control_level TEXT NOT NULL DEFAULT 'team' CHECK (control_level IN ('company', 'workshop', 'team', 'post')),
  resp_user_id INTEGER REFERENCES users(id),
  resp_position_id INTEGER REFERENCES positions(id),
  check_cycle INTEGER NOT NULL DEFAULT 0 CHECK (check_cycle >= 0),	-- 0: no periodic check
  check_cycle_unit TEXT NOT NULL DEFAULT 'day' CHECK (check_cycle_unit IN ('hour', 'day', 'week', 'month', 'year')),
  work_start INTEGER NOT NULL DEFAULT 0 CHECK (work_start BETWEEN 0 AND 1440),
  work_end INTEGER NOT NULL DEFAULT 1440 CHECK (work_end BETWEEN 0 AND 1440),
  work_day_type TEXT NOT NULL DEFAULT 'every_day' CHECK (work_day_type IN ('every_day', 'work_day')),
  work_type TEXT NOT NULL DEFAULT 'routine' CHECK (work_type IN ('routine', 'baobao')),
  sort INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created_by INTEGER REFERENCES users(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX risk_measures_event ON risk_measures(event_id, active);
CREATE INDEX risk_measures_resp ON risk_measures(resp_user_id);

-- Re-assessment tasks: opened by the scheduler (N hazards of one accident type on one object
-- in D days, a control-measure failure, the periodic review) or by hand; due_at is the
-- deadline, escalation raises it one step (the unit head, then the safety department) every
-- risk.task_escalate_hours past due; closed by the assessment that answers it.
CREATE TABLE risk_tasks (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL REFERENCES risk_events(id),
  reason TEXT NOT NULL CHECK (reason IN ('hazard_count', 'measure_failure', 'hazard', 'periodic', 'change')),
  hazard_id INTEGER REFERENCES hazards(id),	-- the hazard that triggered it, if one did
  note TEXT NOT NULL DEFAULT '',
  opened_at BIGINT NOT NULL,
  due_at BIGINT NOT NULL,
  assignee_id INTEGER REFERENCES users(id),
  escalation INTEGER NOT NULL DEFAULT 0,		-- 0 none, 1 unit head, 2 safety department
  escalated_to INTEGER REFERENCES users(id),
  escalated_at BIGINT NOT NULL DEFAULT 0,
  closed_at BIGINT NOT NULL DEFAULT 0,
  assessment_id INTEGER,				-- the risk_assessments row that closed it
  closed_by INTEGER REFERENCES users(id)
);
-- One open task per event and reason: the scheduler may run twice.
CREATE UNIQUE INDEX risk_tasks_open ON risk_tasks(event_id, reason) WHERE closed_at = 0;
CREATE INDEX risk_tasks_assignee ON risk_tasks(assignee_id, closed_at);
CREATE INDEX risk_tasks_due ON risk_tasks(closed_at, due_at);

-- Assessments, versioned per event (1, 2, ...): the method and scores, the value, the band set
-- and version that produced the level, inherent (before measures) or residual, why it was
-- made, the level before it, and the approval: a 重大 or 较大 result waits for the safety
-- department (approval 'pending') before it becomes the event's current level.
CREATE TABLE risk_assessments (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL REFERENCES risk_events(id),
  version INTEGER NOT NULL,
  stage TEXT NOT NULL DEFAULT 'residual' CHECK (stage IN ('inherent', 'residual')),
  method TEXT NOT NULL CHECK (method IN ('LEC', 'LS')),
  l_value DOUBLE PRECISION NOT NULL,
  e_value DOUBLE PRECISION,			-- LEC
  c_value DOUBLE PRECISION,			-- LEC
  s_value DOUBLE PRECISION,			-- LS
  value DOUBLE PRECISION NOT NULL,
  band_set_id INTEGER NOT NULL REFERENCES risk_band_sets(id),
  band_version INTEGER NOT NULL,
  level TEXT NOT NULL REFERENCES risk_levels(code),
  control_level TEXT NOT NULL CHECK (control_level IN ('company', 'workshop', 'team', 'post')),
  reason TEXT NOT NULL CHECK (reason IN ('initial', 'periodic', 'change', 'hazard', 'import')),
  note TEXT NOT NULL DEFAULT '',
  task_id INTEGER REFERENCES risk_tasks(id),
  old_level TEXT REFERENCES risk_levels(code),
  old_value DOUBLE PRECISION,
  assessed_by INTEGER REFERENCES users(id),
  assessed_at BIGINT NOT NULL,
  approval TEXT NOT NULL DEFAULT 'none' CHECK (approval IN ('none', 'pending', 'approved', 'rejected')),
  approver_id INTEGER REFERENCES users(id),
  approved_at BIGINT NOT NULL DEFAULT 0,
  approval_note TEXT NOT NULL DEFAULT '',
  UNIQUE (event_id, version)
);
CREATE INDEX risk_assessments_approval ON risk_assessments(approval, assessed_at);

-- 岗位风险告知: who must read and confirm which event at which level and version. Asked when a
-- risk of their area, equipment or post is added or changes level; reminded until confirmed.
CREATE TABLE risk_acks (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL REFERENCES risk_events(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  level TEXT NOT NULL REFERENCES risk_levels(code),
  version INTEGER NOT NULL,			-- the assessment version asked about
  asked_at BIGINT NOT NULL,
  confirmed_at BIGINT NOT NULL DEFAULT 0,
  reminded_at BIGINT NOT NULL DEFAULT 0,
  reminders INTEGER NOT NULL DEFAULT 0,
  UNIQUE (event_id, user_id, version)
);
CREATE INDEX risk_acks_user ON risk_acks(user_id, confirmed_at);

-- What the scheduler made of each hazard it scanned: the object and event it resolved to (by
-- the hazard's risk_event_id, or its equipment's or area's object) and what it did. One row
-- per hazard and event; the scan resumes after the highest hazard id seen
-- (settings risk.hazard_scan_after).
CREATE TABLE risk_hazard_links (
  hazard_id INTEGER NOT NULL REFERENCES hazards(id),
  event_id INTEGER NOT NULL REFERENCES risk_events(id),
  object_id INTEGER NOT NULL REFERENCES risk_objects(id),
  accident_type_id INTEGER REFERENCES risk_accident_types(id),
  via TEXT NOT NULL CHECK (via IN ('event', 'measure', 'equipment', 'area')),
  reported_at BIGINT NOT NULL,
  linked_at BIGINT NOT NULL,
  PRIMARY KEY (hazard_id, event_id)
);
CREATE INDEX risk_hazard_links_event ON risk_hazard_links(event_id);
CREATE INDEX risk_hazard_links_count ON risk_hazard_links(object_id, accident_type_id, reported_at);

-- Where a hazard came from (dangerSrc of the data exchange specification, **verify** per
-- province): 9 is a control-measure failure, which points at the measure that failed.
CREATE TABLE hazard_sources (
  code INTEGER PRIMARY KEY,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL
);
INSERT INTO hazard_sources (code, name_zh, name_en) VALUES
 (1, '日常排查', 'Routine check'),
 (2, '综合性排查', 'Comprehensive check'),
 (3, '专业性排查', 'Specialist check'),
 (4, '季节性排查', 'Seasonal check'),
 (5, '重点时段及节假日前排查', 'Check before holidays and key periods'),
 (6, '事故类比排查', 'Check after a similar accident'),
 (7, '复产复工前排查', 'Check before restarting'),
 (8, '外聘专家诊断式排查', 'External expert check'),
 (9, '管控措施失效', 'Control-measure failure'),
 (10, '其他', 'Other');

ALTER TABLE hazards ADD COLUMN source INTEGER NOT NULL DEFAULT 1;
ALTER TABLE hazards ADD COLUMN risk_event_id INTEGER REFERENCES risk_events(id);
ALTER TABLE hazards ADD COLUMN measure_id INTEGER REFERENCES risk_measures(id);
CREATE INDEX hazards_risk_event ON hazards(risk_event_id, status);
CREATE INDEX hazards_measure ON hazards(measure_id);
CREATE INDEX hazards_source ON hazards(source, id);

-- Settings (per company): the method and the band set of each method in use; the trigger
-- (risk.trigger_count hazards of one accident type on one object in risk.trigger_days days);
-- the deadline and escalation step of a re-assessment task; the periodic review (months;
-- 重大 its own); the default control level of each level (DOMAIN.md §3: 重大 company, 较大 the
-- plant's departments = company, 一般 workshop, 低 team/post); the accident-type list for new
-- events; the 岗位告知 reminder interval; the hazard scan's resume point.
INSERT INTO settings (key, value) VALUES
 ('risk.method', 'LEC'),
 ('risk.band_set.LEC', 'lec_default'),
 ('risk.band_set.LS', 'ls_default'),
 ('risk.trigger_count', '3'),
 ('risk.trigger_days', '30'),
 ('risk.task_due_days', '7'),
 ('risk.task_escalate_hours', '48'),
 ('risk.review_months', '12'),
 ('risk.review_months_major', '6'),
 ('risk.control_level.major', 'company'),
 ('risk.control_level.large', 'company'),
 ('risk.control_level.general', 'workshop'),
 ('risk.control_level.low', 'team'),
 ('risk.accident_list', '2025'),
 ('risk.ack_remind_hours', '24'),
 ('risk.hazard_scan_after', '0');
