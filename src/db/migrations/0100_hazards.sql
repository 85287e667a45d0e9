-- 0100_hazards.sql — hazard investigation and governance (隐患排查治理).
--
-- Rules come from 原安监总局令第16号《安全生产事故隐患排查治理暂行规定》 and
-- 应急管理部令第10号《工贸企业重大事故隐患判定标准》(2023). Configuration lives in data
-- (categories, factor classes, criteria, dispatch rules, settings) so that a plant adapts it
-- without a new release. Times are UTC seconds.

-- Photos: content-addressed by the SHA-256 of the stored (re-encoded) bytes, so the same photo
-- uploaded twice is stored once and one database backup holds every photo.
CREATE TABLE blobs (
  sha256 TEXT PRIMARY KEY,
  mime TEXT NOT NULL,
  bytes BLOB NOT NULL,
  width INTEGER NOT NULL DEFAULT 0,
  height INTEGER NOT NULL DEFAULT 0,
  taken_at BIGINT NOT NULL DEFAULT 0,		-- EXIF DateTimeOriginal, 0 if unknown
  thumb_sha256 TEXT,				-- the ≤320 px copy (itself a blob)
  created_at BIGINT NOT NULL
);

CREATE TABLE hazard_categories (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  sort INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1
);
INSERT INTO hazard_categories (code, name_zh, name_en, sort) VALUES
 ('electrical', '电气', 'Electrical', 1),
 ('mechanical', '机械', 'Mechanical', 2),
 ('fire', '消防', 'Fire', 3),
 ('chemical', '化学品', 'Chemicals', 4),
 ('height', '高处', 'Working at height', 5),
 ('housekeeping', '现场管理', 'Housekeeping', 6),
 ('ppe', '劳动防护', 'PPE', 7),
 ('management', '安全管理', 'Safety management', 8);

-- Hazard-factor classes of GB/T 13861-2022《生产过程危险和有害因素分类与代码》: four classes and
-- their subclasses. parent '' marks a class.
CREATE TABLE hazard_factors (
  code TEXT PRIMARY KEY,
  parent TEXT NOT NULL DEFAULT '',
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL
);
INSERT INTO hazard_factors (code, parent, name_zh, name_en) VALUES
 ('1', '', '人的因素', 'Human factors'),
 ('11', '1', '心理、生理性危险和有害因素', 'Psychological and physiological'),
 ('12', '1', '行为性危险和有害因素', 'Behavioural'),
 ('2', '', '物的因素', 'Material factors'),
 ('21', '2', '物理性危险和有害因素', 'Physical'),
 ('22', '2', '化学性危险和有害因素', 'Chemical'),
 ('23', '2', '生物性危险和有害因素', 'Biological'),
 ('3', '', '环境因素', 'Environmental factors'),
 ('31', '3', '室内作业场所环境不良', 'Indoor workplace'),
 ('32', '3', '室外作业场地环境不良', 'Outdoor workplace'),
 ('33', '3', '地下（含水下）作业环境不良', 'Underground (incl. underwater)'),
 ('39', '3', '其他作业环境不良', 'Other environment'),
 ('4', '', '管理因素', 'Management factors'),
 ('41', '4', '职业安全卫生管理机构设置和人员配备不健全', 'Organisation and staffing'),
 ('42', '4', '职业安全卫生责任制不完善或未落实', 'Responsibility system'),
 ('43', '4', '职业安全卫生管理制度不完善或未落实', 'Rules and procedures'),
 ('44', '4', '职业安全卫生投入不足', 'Investment'),
 ('45', '4', '职业健康管理不完善', 'Occupational health management'),
 ('49', '4', '其他管理因素缺陷', 'Other management defects');

-- 工贸企业重大事故隐患判定标准 (应急管理部令第10号, in force 2023-05-15): a representative set of
-- items, kept as data so that a 重大 hazard cites the article and item it meets.
CREATE TABLE hazard_criteria (
  id INTEGER PRIMARY KEY,
  article INTEGER NOT NULL,
  item INTEGER NOT NULL,
  text TEXT NOT NULL,
  UNIQUE (article, item)
);
INSERT INTO hazard_criteria (article, item, text) VALUES
 (3, 1, '未对承包单位、承租单位的安全生产工作统一协调、管理，或者未定期进行安全检查的'),
 (3, 2, '特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业的'),
 (3, 3, '金属冶炼企业主要负责人、安全生产管理人员未按照规定经考核合格的'),
 (4, 1, '会议室、活动室、休息室、操作室、交接班室、更衣室（含澡堂）等6类人员聚集场所，以及钢铁水罐冷（热）修工位设置在铁水、钢水、液渣吊运跨的地坪区域内的'),
 (4, 2, '生产期间冶炼、精炼和铸造生产区域的事故坑、炉下渣坑，以及熔融金属泄漏和喷溅影响范围内的炉前平台、炉基区域、厂房内吊运和地面运输通道等6类区域存在积水的'),
 (5, 1, '会议室、活动室、休息室、更衣室、交接班室等5类人员聚集场所设置在熔融金属吊运跨的地坪区域内的'),
 (6, 1, '水泥工厂煤磨袋式收尘器、煤粉仓未设置温度和固定式一氧化碳浓度监测报警装置，或者未设置气体灭火装置的'),
 (7, 1, '使用非水性漆料的喷涂作业场所未按照规定安装通风设施，或者通风设施未正常运行的'),
 (8, 1, '食品制造企业烘制、油炸设备未按照规定安装超温报警装置，或者超温报警装置未正常运行的'),
 (9, 1, '纺织企业纱、线、织物加工的烧毛、开幅、烘干等热定型工艺的汽化室、燃气储配站等未与生产加工区域保持安全距离的'),
 (10, 1, '烟草企业熏蒸作业场所未配备磷化氢气体浓度监测报警仪器，或者未配备空气呼吸器的'),
 (11, 1, '粉尘爆炸危险场所设置在非框架结构的多层建（构）筑物内，或者粉尘爆炸危险场所内设有员工宿舍、会议室、办公室、休息室等人员聚集场所的'),
 (11, 2, '不同类别的可燃性粉尘、可燃性粉尘与可燃气体等易加剧爆炸危险的介质共用一套除尘系统，或者不同建（构）筑物、不同防火分区共用一套除尘系统、除尘系统互联互通的'),
 (11, 3, '干式除尘系统未采取泄爆、惰化、抑爆等任一种爆炸防控措施的'),
 (11, 6, '粉碎、研磨、造粒等易产生机械点燃源的工艺设备前，未设置铁、石等杂物去除装置，或者木制品加工企业与砂光机连接的风管未设置火花探测消除装置的'),
 (12, 1, '包装间、分割间、产品整理间等人员较多生产场所的空调系统采用氨直接蒸发制冷的'),
 (12, 2, '快速冻结装置未设置在单独的作业间内，或者快速冻结装置作业间内作业人员数量超过9人的'),
 (13, 1, '未对有限空间进行辨识、建立安全管理台账，并且未设置明显的安全警示标志的'),
 (13, 2, '未落实有限空间作业审批，或者未执行“先通风、再检测、后作业”要求，或者作业现场未设置监护人员的'),
 (14, 1, '涉及可燃性粉尘、液氨、有限空间作业的安全监测报警装置、防护装置未按照规定设置或者失效的'),
 (14, 2, '煤气生产、回收、输送、储存、使用等环节的固定式一氧化碳浓度监测报警装置失效的');

-- Dispatch rules: area × category → a position or a person. NULL area or category means any;
-- the most specific matching rule wins (area and category, then area, then category).
CREATE TABLE hazard_rules (
  id INTEGER PRIMARY KEY,
  area_id INTEGER REFERENCES areas(id),
  category_id INTEGER REFERENCES hazard_categories(id),
  position_id INTEGER REFERENCES positions(id),
  user_id INTEGER REFERENCES users(id),
  created_at BIGINT NOT NULL,
  CHECK (position_id IS NOT NULL OR user_id IS NOT NULL)
);

-- The per-year sequence behind the human-readable number YH-2026-000123.
CREATE TABLE hazard_seq (
  year INTEGER PRIMARY KEY,
  last INTEGER NOT NULL
);

CREATE TABLE hazards (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,		-- bumped by every action: a stale action fails
  reporter_id INTEGER REFERENCES users(id),
  anonymous INTEGER NOT NULL DEFAULT 0,
  near_miss INTEGER NOT NULL DEFAULT 0,		-- 未遂事件
  area_id INTEGER NOT NULL REFERENCES areas(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),	-- the area's responsible unit: data scope
  equipment_id INTEGER REFERENCES equipment(id),
  category_id INTEGER NOT NULL REFERENCES hazard_categories(id),
  factor_code TEXT REFERENCES hazard_factors(code),
  level TEXT NOT NULL DEFAULT 'general' CHECK (level IN ('general', 'major')),
  criterion_id INTEGER REFERENCES hazard_criteria(id),
  urgency TEXT NOT NULL DEFAULT 'C' CHECK (urgency IN ('A', 'B', 'C')),
  description TEXT NOT NULL DEFAULT '',
  assignee_id INTEGER REFERENCES users(id),
  rectifier_id INTEGER REFERENCES users(id),
  verifier_id INTEGER REFERENCES users(id),
  reported_at BIGINT NOT NULL,
  accepted_at BIGINT NOT NULL DEFAULT 0,
  respond_due BIGINT NOT NULL DEFAULT 0,
  rectify_due BIGINT NOT NULL DEFAULT 0,
  submitted_at BIGINT NOT NULL DEFAULT 0,
  closed_at BIGINT NOT NULL DEFAULT 0,
  overdue INTEGER NOT NULL DEFAULT 0,
  overdue_at BIGINT NOT NULL DEFAULT 0,
  repeat_of INTEGER REFERENCES hazards(id),
  on_spot INTEGER NOT NULL DEFAULT 0,		-- 立查立改
  regulator_reported_at BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL
);
CREATE INDEX hazards_unit ON hazards(unit_id, status);
CREATE INDEX hazards_area_cat ON hazards(area_id, category_id, closed_at);
CREATE INDEX hazards_equipment ON hazards(equipment_id, category_id, reported_at);
CREATE INDEX hazards_assignee ON hazards(assignee_id, status);
CREATE INDEX hazards_reporter ON hazards(reporter_id);
CREATE INDEX hazards_status ON hazards(status, rectify_due);

-- Every step of a hazard's life, timed: the timeline on the detail page.
CREATE TABLE hazard_events (
  id INTEGER PRIMARY KEY,
  hazard_id INTEGER NOT NULL REFERENCES hazards(id),
  at BIGINT NOT NULL,
  user_id INTEGER REFERENCES users(id),
  action TEXT NOT NULL,
  from_status TEXT NOT NULL DEFAULT '',
  to_status TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX hazard_events_hazard ON hazard_events(hazard_id, id);

-- Photos of a hazard: before (at report), after (at rectification), and any step's evidence.
CREATE TABLE hazard_photos (
  id INTEGER PRIMARY KEY,
  hazard_id INTEGER NOT NULL REFERENCES hazards(id),
  event_id INTEGER REFERENCES hazard_events(id),
  kind TEXT NOT NULL CHECK (kind IN ('before', 'after', 'other')),
  sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  created_at BIGINT NOT NULL
);
CREATE INDEX hazard_photos_hazard ON hazard_photos(hazard_id);
CREATE INDEX hazard_photos_sha ON hazard_photos(sha256);

-- 重大隐患治理方案: the six parts of 原安监总局令第16号 Art. 15, and the two approvals.
CREATE TABLE hazard_plans (
  hazard_id INTEGER PRIMARY KEY REFERENCES hazards(id),
  goal TEXT NOT NULL,			-- 目标和任务
  method TEXT NOT NULL,			-- 方法和措施
  funding TEXT NOT NULL,		-- 经费和物资
  organization TEXT NOT NULL,		-- 负责的机构和人员
  deadline_text TEXT NOT NULL,		-- 时限和要求
  safety TEXT NOT NULL,			-- 安全措施和应急预案
  due_at BIGINT NOT NULL,
  submitted_by INTEGER REFERENCES users(id),
  submitted_at BIGINT NOT NULL,
  director_id INTEGER REFERENCES users(id),
  director_at BIGINT NOT NULL DEFAULT 0,
  principal_id INTEGER REFERENCES users(id),
  principal_at BIGINT NOT NULL DEFAULT 0
);

-- 评估: a major hazard is closed only after its result is assessed (原安监总局令第16号 Art. 18).
CREATE TABLE hazard_assessments (
  id INTEGER PRIMARY KEY,
  hazard_id INTEGER NOT NULL REFERENCES hazards(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  at BIGINT NOT NULL,
  conclusion TEXT NOT NULL
);

-- 积分: a ledger, one row per award; rankings sum it.
CREATE TABLE points (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  hazard_id INTEGER REFERENCES hazards(id),
  reason TEXT NOT NULL,
  points INTEGER NOT NULL,
  at BIGINT NOT NULL,
  UNIQUE (hazard_id, user_id, reason)
);
CREATE INDEX points_at ON points(at, unit_id);

-- Search over number, description and notes with the CJK bigram tokenizer (hazard_search.c):
-- "hazard text" is the one row per hazard kept in step by hazard_search_sync().
CREATE VIRTUAL TABLE hazards_fts USING fts5(number, description, notes, tokenize = 'cjk2');

INSERT INTO settings (key, value) VALUES
 ('hazard.allow_anonymous', '1'),
 ('hazard.allow_near_miss', '1'),
 ('hazard.respond_hours.A', '2'),
 ('hazard.respond_hours.B', '24'),
 ('hazard.respond_hours.C', '48'),
 ('hazard.rectify_hours.A', '24'),
 ('hazard.rectify_hours.B', '72'),
 ('hazard.rectify_hours.C', '168'),
 ('hazard.remind_percent', '75'),
 ('hazard.escalate_step_hours', '24'),
 ('hazard.repeat_days', '30'),
 ('hazard.equipment_repeat_count', '3'),
 ('hazard.points.report', '2'),
 ('hazard.points.rectify', '3');
