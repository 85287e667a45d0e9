-- 0300_permits.sql — permits to work for the eight special operations (特殊作业票,
-- GB 30871-2022): the catalogue as data (types, validity, approval chains, standard safety
-- measures, toxic-gas limits) and the permits themselves with their workers, measures, gas
-- tests, approvals and lifecycle events. Times are UTC seconds.

-- The eight operations (§3.1). gas: 0 no gas analysis, 1 always (hot work §5.3, confined
-- space §6.3), 2 only in a fire/explosion-hazard area (temporary power §10.1).
-- retest_min: the longest gap between readings while work goes on (confined space §6.5:
-- a record at least every 2 h; 0 = no periodic re-test). extendable: may the planned end be
-- moved later, never past the grade's maximum validity.
CREATE TABLE permit_types (
  code TEXT PRIMARY KEY,
  prefix TEXT NOT NULL UNIQUE,
  operation TEXT NOT NULL,
  sort INTEGER NOT NULL,
  gas INTEGER NOT NULL DEFAULT 0,
  retest_min INTEGER NOT NULL DEFAULT 0,
  extendable INTEGER NOT NULL DEFAULT 0
);
INSERT INTO permit_types (code, prefix, operation, sort, gas, retest_min, extendable) VALUES
 ('hot_work', 'DH', 'hot_work', 1, 1, 0, 0),
 ('confined_space', 'SX', 'confined_space', 2, 1, 120, 0),
 ('blind_plate', 'MB', 'blind_plate', 3, 0, 0, 0),
 ('height', 'GC', 'height', 4, 0, 0, 1),
 ('lifting', 'DZ', 'lifting', 5, 0, 0, 1),
 ('temp_power', 'LD', 'temp_power', 6, 2, 0, 1),
 ('excavation', 'DT', 'excavation', 7, 0, 0, 1),
 ('road_closure', 'DL', 'road_closure', 8, 0, 0, 1);

-- Maximum validity per type and grade (§4.16–4.17 and each section). grade '' = no grade.
-- interrupt_min: after an interruption longer than this a new gas test is needed before
-- work resumes (hot work §5.3.1: 30 min for 特级/一级, 60 min for 二级; confined space §6.4: 60).
CREATE TABLE permit_validity (
  type TEXT NOT NULL REFERENCES permit_types(code),
  grade TEXT NOT NULL,
  max_hours INTEGER NOT NULL,
  interrupt_min INTEGER NOT NULL DEFAULT 0,
  sort INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (type, grade)
);
INSERT INTO permit_validity (type, grade, max_hours, interrupt_min, sort) VALUES
 ('hot_work', 'special', 8, 30, 1),
 ('hot_work', '1', 8, 30, 2),
 ('hot_work', '2', 72, 60, 3),
 ('confined_space', '', 24, 60, 1),
 ('blind_plate', '', 12, 0, 1),
 ('height', 'I', 168, 0, 1),
 ('height', 'II', 168, 0, 2),
 ('height', 'III', 168, 0, 3),
 ('height', 'IV', 168, 0, 4),
 ('lifting', '1', 12, 0, 1),
 ('lifting', '2', 12, 0, 2),
 ('lifting', '3', 12, 0, 3),
 ('temp_power', '', 360, 0, 1),
 ('excavation', '', 12, 0, 1),
 ('road_closure', '', 12, 0, 1);

-- Approval chains (Annex B Table B.1, informative: the defaults). Each permit is signed step
-- by step up to the level the table names; the lower levels sign first, so no level is
-- skipped. level: unit = 所在基层单位 (the area's workshop: the approver's unit must contain
-- the area's unit), dept = 安全管理部门 / 专业部门, leader = 主管领导 / 主管厂长 / 总工程师,
-- cosign = the co-signatures Table B.1 asks of 动土 (water, power, steam, process, equipment,
-- fire, safety) and 断路 (fire, safety): the default roles cover water, power, steam and
-- equipment by the equipment manager (设备动力部); fire and safety by the safety department,
-- which already signs the dept step, so 断路 needs no extra step.
-- roles: the role codes that may sign at that step.
CREATE TABLE permit_chain (
  type TEXT NOT NULL REFERENCES permit_types(code),
  grade TEXT NOT NULL,
  step INTEGER NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('unit', 'dept', 'leader', 'cosign')),
  roles TEXT NOT NULL,
  PRIMARY KEY (type, grade, step)
);
INSERT INTO permit_chain (type, grade, step, level, roles) VALUES
 ('hot_work', 'special', 1, 'unit', 'ws_director ws_safety'),
 ('hot_work', 'special', 2, 'dept', 'safety_dept'),
 ('hot_work', 'special', 3, 'leader', 'safety_director principal'),
 ('hot_work', '1', 1, 'unit', 'ws_director ws_safety'),
 ('hot_work', '1', 2, 'dept', 'safety_dept'),
 ('hot_work', '2', 1, 'unit', 'ws_director ws_safety'),
 ('confined_space', '', 1, 'unit', 'ws_director ws_safety'),
 ('blind_plate', '', 1, 'unit', 'ws_director ws_safety'),
 ('height', 'I', 1, 'unit', 'ws_director ws_safety'),
 ('height', 'II', 1, 'unit', 'ws_director ws_safety'),
 ('height', 'II', 2, 'dept', 'safety_dept'),
 ('height', 'III', 1, 'unit', 'ws_director ws_safety'),
 ('height', 'III', 2, 'dept', 'safety_dept'),
 ('height', 'IV', 1, 'unit', 'ws_director ws_safety'),
 ('height', 'IV', 2, 'dept', 'safety_dept'),
 ('height', 'IV', 3, 'leader', 'safety_director principal'),
 ('lifting', '1', 1, 'unit', 'ws_director ws_safety'),
 ('lifting', '1', 2, 'dept', 'safety_dept'),
 ('lifting', '1', 3, 'leader', 'safety_director principal'),
 ('lifting', '2', 1, 'unit', 'ws_director ws_safety'),
 ('lifting', '2', 2, 'dept', 'safety_dept'),
 ('lifting', '3', 1, 'unit', 'ws_director ws_safety'),
 ('lifting', '3', 2, 'dept', 'safety_dept'),
 ('temp_power', '', 1, 'unit', 'ws_director ws_safety'),
 ('excavation', '', 1, 'unit', 'ws_director ws_safety'),
 ('excavation', '', 2, 'dept', 'safety_dept'),
 ('excavation', '', 3, 'cosign', 'equip_manager'),
 ('road_closure', '', 1, 'unit', 'ws_director ws_safety'),
 ('road_closure', '', 2, 'dept', 'safety_dept');

-- The standard safety measures of each permit form (GB 30871-2022 Annex A), as a checklist.
CREATE TABLE permit_measure_std (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL REFERENCES permit_types(code),
  sort INTEGER NOT NULL,
  text_zh TEXT NOT NULL,
  text_en TEXT NOT NULL
);
INSERT INTO permit_measure_std (type, sort, text_zh, text_en) VALUES
 ('hot_work', 1, '动火设备内部构件清洗干净，蒸汽吹扫或水洗、置换合格，达到动火条件', 'Equipment internals cleaned, steamed or washed and purged; ready for hot work'),
 ('hot_work', 2, '与动火点相连的管道已断开或加盲板隔绝，并挂牌', 'Lines to the hot-work point disconnected or blinded, and tagged'),
 ('hot_work', 3, '动火点周围及附近的孔洞、窨井、地沟、水封设施等已清除易燃物并封盖', 'Openings, manholes, trenches and water seals near the point cleared and covered'),
 ('hot_work', 4, '动火点周围易燃物已清除，距离动火点30 m内无可燃气体排放、15 m内无可燃液体排放', 'Combustibles removed; no combustible gas release within 30 m nor liquid within 15 m'),
 ('hot_work', 5, '高处动火已采取防火花飞溅措施', 'Spark containment for hot work at height'),
 ('hot_work', 6, '电焊回路线已接在焊件上，把线未穿过下水井或与其他设备搭接', 'Welding return lead on the workpiece, not through drains or other equipment'),
 ('hot_work', 7, '乙炔气瓶直立放置并有防倾倒措施，氧气瓶与乙炔气瓶间距不小于5 m，二者与动火点间距不小于10 m', 'Acetylene upright and secured; O2 and C2H2 cylinders ≥ 5 m apart and ≥ 10 m from the point'),
 ('hot_work', 8, '现场配备灭火器、消防蒸汽带或灭火毯，专人监护', 'Extinguishers, steam hose or fire blanket on site; guardian present'),
 ('confined_space', 1, '与受限空间相连的管道、阀门已断开或加盲板，不得以关闭阀门代替盲板', 'Connected lines disconnected or blinded (a closed valve is not a blind)'),
 ('confined_space', 2, '已清洗、置换，通风良好，必要时强制通风', 'Cleaned, purged and ventilated; forced ventilation where needed'),
 ('confined_space', 3, '带有搅拌器等用电设备已切断电源，上锁挂牌', 'Agitators and other electrical equipment isolated, locked and tagged'),
 ('confined_space', 4, '作业照明使用安全电压，潮湿环境不大于12 V', 'Lighting at safety voltage, ≤ 12 V in wet spaces'),
 ('confined_space', 5, '出入口畅通，设置警示标识，外部配备应急救援器材', 'Entrances clear, warning signs, rescue equipment outside'),
 ('confined_space', 6, '监护人在外部监护，登记进出人员和工器具', 'Guardian outside logging people and tools in and out'),
 ('confined_space', 7, '配备并正确佩戴呼吸防护用品和便携式气体检测仪', 'Respiratory protection and portable gas detectors worn'),
 ('blind_plate', 1, '在管道、设备上作业时降低系统压力，作业点应为常压', 'System depressurised; work at atmospheric pressure'),
 ('blind_plate', 2, '盲板位置图已确认，盲板编号挂牌', 'Blind-location drawing confirmed; each blind numbered and tagged'),
 ('blind_plate', 3, '介质为易燃易爆时使用防爆工具，距作业点30 m内无动火作业', 'Non-sparking tools for flammable media; no hot work within 30 m'),
 ('blind_plate', 4, '作业人员佩戴防护用品，有毒介质时佩戴空气呼吸器', 'PPE worn; breathing apparatus for toxic media'),
 ('blind_plate', 5, '同一管道一次只进行一处盲板抽堵作业', 'One blind job per pipeline at a time'),
 ('height', 1, '作业人员身体条件符合要求，着装符合要求', 'Workers fit and properly dressed'),
 ('height', 2, '作业人员佩戴安全帽、系挂安全带，高挂低用', 'Helmets worn; harnesses attached high'),
 ('height', 3, '脚手架、梯子等登高设施经验收合格', 'Scaffolds and ladders inspected and accepted'),
 ('height', 4, '作业下方设置警戒区，有专人监护', 'Exclusion zone below; guardian present'),
 ('height', 5, '工具、材料有防坠落措施，不得上下抛掷', 'Tools and materials secured; nothing thrown up or down'),
 ('height', 6, '遇五级以上大风、雷雨等恶劣天气停止作业', 'Work stops in wind of force 5 or more, thunderstorms and similar'),
 ('lifting', 1, '吊装方案已编制并经审批（一级、二级吊装）', 'Lift plan written and approved (grade 1 and 2 lifts)'),
 ('lifting', 2, '起重机械、吊索具经检查合格，在检验有效期内', 'Crane and rigging inspected and within inspection validity'),
 ('lifting', 3, '吊装区域设置警戒线，无关人员撤离', 'Lifting zone cordoned; others cleared'),
 ('lifting', 4, '明确指挥人员，指挥信号统一', 'One signaller named; signals agreed'),
 ('lifting', 5, '地基承载力满足要求，支腿垫板符合规定', 'Ground bearing adequate; outrigger pads as required'),
 ('lifting', 6, '与输电线路保持安全距离', 'Safe distance from overhead power lines'),
 ('temp_power', 1, '临时用电线路由持证电工安装，使用合格的电气设备', 'Installed by a certified electrician with sound equipment'),
 ('temp_power', 2, '配电箱设置漏电保护器，做到一机一闸一保护', 'RCD in the box; one switch and one protector per machine'),
 ('temp_power', 3, '线路架空或埋地，穿越道路有防护措施', 'Cables overhead or buried; protected at road crossings'),
 ('temp_power', 4, '在火灾爆炸危险场所使用防爆电气设备，并进行可燃气体检测', 'Ex-rated equipment and a combustible-gas test in hazardous areas'),
 ('temp_power', 5, '临时用电设施有接地或接零保护', 'Earthing or neutral protection fitted'),
 ('excavation', 1, '地下电力、通信、工艺管道等隐蔽设施已查明并标识', 'Buried power, telecom and process lines located and marked'),
 ('excavation', 2, '作业现场设置围栏、警示标识，夜间设警示灯', 'Fencing and signs; warning lights at night'),
 ('excavation', 3, '挖掘深度超过1.5 m时采取放坡或支撑措施', 'Battering or shoring beyond 1.5 m depth'),
 ('excavation', 4, '弃土距坑边不小于1 m，堆土高度不大于1.5 m', 'Spoil ≥ 1 m from the edge and ≤ 1.5 m high'),
 ('excavation', 5, '使用机械挖掘时与地下设施保持安全距离', 'Machines keep a safe distance from buried services'),
 ('road_closure', 1, '断路方案已报消防、安全部门，通知相关单位', 'Closure plan sent to fire and safety; units informed'),
 ('road_closure', 2, '在断路口设置交通警示标识和路障，夜间设警示红灯', 'Signs and barriers at each end; red lights at night'),
 ('road_closure', 3, '明确绕行路线，保证消防通道畅通', 'Detour marked; fire lanes kept open'),
 ('road_closure', 4, '作业结束后及时清理现场，恢复交通', 'Site cleared and traffic restored when done');

-- Toxic-gas limits (GBZ 2.1-2019 as reproduced with GB/T 50493-2019; verify locally). One row
-- per gas and limit type; `applies` marks the limit a spot reading before entry is checked
-- against: MAC where the gas has one, else PC-TWA, the conservative choice for work lasting
-- hours. Administrators may change any row; nothing in the code names a gas.
CREATE TABLE permit_gas_limits (
  gas TEXT NOT NULL,
  name_zh TEXT NOT NULL,
  unit TEXT NOT NULL,
  limit_type TEXT NOT NULL CHECK (limit_type IN ('MAC', 'PC-TWA', 'PC-STEL')),
  value DOUBLE PRECISION NOT NULL,
  applies INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (gas, limit_type)
);
INSERT INTO permit_gas_limits (gas, name_zh, unit, limit_type, value, applies) VALUES
 ('H2S', '硫化氢', 'mg/m3', 'MAC', 10, 1),
 ('CO', '一氧化碳', 'mg/m3', 'PC-TWA', 20, 1),
 ('CO', '一氧化碳', 'mg/m3', 'PC-STEL', 30, 0),
 ('NH3', '氨', 'mg/m3', 'PC-TWA', 20, 1),
 ('NH3', '氨', 'mg/m3', 'PC-STEL', 30, 0),
 ('Cl2', '氯气', 'mg/m3', 'MAC', 1, 1),
 ('SO2', '二氧化硫', 'mg/m3', 'PC-TWA', 5, 1),
 ('SO2', '二氧化硫', 'mg/m3', 'PC-STEL', 10, 0),
 ('NO2', '二氧化氮', 'mg/m3', 'PC-TWA', 5, 1),
 ('NO2', '二氧化氮', 'mg/m3', 'PC-STEL', 10, 0),
 ('HCN', '氰化氢', 'mg/m3', 'MAC', 1, 1),
 ('HCl', '氯化氢', 'mg/m3', 'MAC', 7.5, 1),
 ('COCl2', '光气', 'mg/m3', 'MAC', 0.5, 1);

-- Per-company policy for permits (see also the shared settings table):
--   permit.site_outside: refuse | record (a check-in outside the area's radius)
--   permit.night_start / permit.night_end: local hours counted as night for 升级管理 (§5.1)
INSERT INTO settings (key, value) VALUES
 ('permit.site_outside', 'refuse'),
 ('permit.night_start', '18'),
 ('permit.night_end', '8')
ON CONFLICT (key) DO NOTHING;

-- Permit numbers: one counter per prefix and year ("DH-2026-000045").
CREATE TABLE permit_seq (
  prefix TEXT NOT NULL,
  year INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (prefix, year)
);

CREATE TABLE permits (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL REFERENCES permit_types(code),
  grade TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'draft',
  area_id INTEGER NOT NULL REFERENCES areas(id),
  equipment_id INTEGER REFERENCES equipment(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  applicant_id INTEGER NOT NULL REFERENCES users(id),
  guardian_id INTEGER REFERENCES users(id),
  work_unit TEXT NOT NULL DEFAULT '',
  contractor INTEGER NOT NULL DEFAULT 0,
  content TEXT NOT NULL,
  hazards TEXT NOT NULL DEFAULT '',
  planned_start BIGINT NOT NULL,
  planned_end BIGINT NOT NULL,
  -- the inputs grades are derived from
  hot_place TEXT NOT NULL DEFAULT '',
  shutdown INTEGER NOT NULL DEFAULT 0,
  holiday INTEGER NOT NULL DEFAULT 0,
  wind INTEGER NOT NULL DEFAULT 0,
  height_m DOUBLE PRECISION NOT NULL DEFAULT 0,
  factors INTEGER NOT NULL DEFAULT 0,
  load_t DOUBLE PRECISION NOT NULL DEFAULT 0,
  hazardous_area INTEGER NOT NULL DEFAULT 0,
  oxygen_enriched INTEGER NOT NULL DEFAULT 0,
  medium_lel DOUBLE PRECISION NOT NULL DEFAULT 5,
  hot_inside INTEGER NOT NULL DEFAULT 0,
  -- approval and site
  chain_step INTEGER NOT NULL DEFAULT 0,
  round INTEGER NOT NULL DEFAULT 0,
  conflicts TEXT NOT NULL DEFAULT '',
  started_at BIGINT NOT NULL DEFAULT 0,
  start_lat DOUBLE PRECISION,
  start_lng DOUBLE PRECISION,
  start_distance_m DOUBLE PRECISION,
  start_exception TEXT NOT NULL DEFAULT '',
  suspended_at BIGINT NOT NULL DEFAULT 0,
  closed_at BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX permits_area ON permits(area_id, state);
CREATE INDEX permits_state ON permits(state);
CREATE INDEX permits_unit ON permits(unit_id);

CREATE TABLE permit_workers (
  permit_id INTEGER NOT NULL REFERENCES permits(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  role TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (permit_id, user_id)
);

CREATE TABLE permit_measures (
  permit_id INTEGER NOT NULL REFERENCES permits(id),
  measure_id INTEGER NOT NULL REFERENCES permit_measure_std(id),
  confirmed_by INTEGER REFERENCES users(id),
  PRIMARY KEY (permit_id, measure_id)
);

-- Related permits (§4.6: a job that involves several special operations needs each permit;
-- hot work inside a confined space needs both).
CREATE TABLE permit_links (
  permit_id INTEGER NOT NULL REFERENCES permits(id),
  other_id INTEGER NOT NULL REFERENCES permits(id),
  PRIMARY KEY (permit_id, other_id)
);

CREATE TABLE permit_gas_tests (
  id INTEGER PRIMARY KEY,
  permit_id INTEGER NOT NULL REFERENCES permits(id),
  taken_at BIGINT NOT NULL,
  analyst_id INTEGER NOT NULL REFERENCES users(id),
  point TEXT NOT NULL DEFAULT '',
  o2 DOUBLE PRECISION,
  combustible DOUBLE PRECISION,
  passed INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  recorded_by INTEGER NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX permit_gas_permit ON permit_gas_tests(permit_id, taken_at);

CREATE TABLE permit_gas_toxic (
  test_id INTEGER NOT NULL REFERENCES permit_gas_tests(id),
  gas TEXT NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (test_id, gas)
);

-- Each approval is an electronic signature: the password was re-entered and checked.
CREATE TABLE permit_approvals (
  id INTEGER PRIMARY KEY,
  permit_id INTEGER NOT NULL REFERENCES permits(id),
  round INTEGER NOT NULL,
  step INTEGER NOT NULL,
  level TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  decision TEXT NOT NULL CHECK (decision IN ('approve', 'refuse')),
  reason TEXT NOT NULL DEFAULT '',
  conflicts_ack TEXT NOT NULL DEFAULT '',
  at BIGINT NOT NULL,
  lat DOUBLE PRECISION,
  lng DOUBLE PRECISION
);
CREATE INDEX permit_approvals_permit ON permit_approvals(permit_id);

-- Every lifecycle step, with who, when and where.
CREATE TABLE permit_events (
  id INTEGER PRIMARY KEY,
  permit_id INTEGER NOT NULL REFERENCES permits(id),
  at BIGINT NOT NULL,
  user_id INTEGER REFERENCES users(id),
  action TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  lat DOUBLE PRECISION,
  lng DOUBLE PRECISION
);
CREATE INDEX permit_events_permit ON permit_events(permit_id);
