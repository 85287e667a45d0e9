-- 0200_certs.sql — people (employees and contractors' workers), their certificates, the
-- official catalogue of special operations as data, and the permit-operation mapping.
-- Dates of certificates are local calendar days counted from 1970-01-01 (Asia/Shanghai),
-- because a certificate is valid "until 2026-03-01", not until an instant.

-- A person who may hold certificates. Employees link to their account (user_id); a
-- contractor's worker has no account and names the employer instead.
CREATE TABLE persons (
  id INTEGER PRIMARY KEY,
  user_id INTEGER UNIQUE REFERENCES users(id),
  name TEXT NOT NULL,
  id_no TEXT,
  employee_no TEXT,
  employer TEXT NOT NULL DEFAULT '',
  contractor INTEGER NOT NULL DEFAULT 0,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
-- (unit_id, name): the importer matches a person without 工号 by name within the unit
CREATE INDEX persons_unit_name ON persons(unit_id, name);
CREATE INDEX persons_empno ON persons(employee_no);

-- The catalogue: a category (parent_code NULL) and its operation items. kind separates the
-- special-operations certificate (特种作业操作证, 原安监总局令第30号 附件 目录), the special
-- equipment operator certificate (特种设备作业人员证, TSG Z6001), the safety manager
-- certificate (安全生产管理人员证) and internal qualifications.
CREATE TABLE cert_catalogue (
  code TEXT PRIMARY KEY,
  parent_code TEXT REFERENCES cert_catalogue(code),
  kind TEXT NOT NULL CHECK (kind IN ('special_op', 'special_equip', 'safety_manager', 'internal')),
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  sort INTEGER NOT NULL DEFAULT 0
);

INSERT INTO cert_catalogue (code, parent_code, kind, name_zh, name_en, sort) VALUES
 ('elec', NULL, 'special_op', '电工作业', 'Electrical work', 10),
 ('elec.low', 'elec', 'special_op', '低压电工作业', 'Low-voltage electrician', 11),
 ('elec.high', 'elec', 'special_op', '高压电工作业', 'High-voltage electrician', 12),
 ('elec.exproof', 'elec', 'special_op', '防爆电气作业', 'Explosion-proof electrical work', 13),
 ('weld', NULL, 'special_op', '焊接与热切割作业', 'Welding and thermal cutting', 20),
 ('weld.fusion', 'weld', 'special_op', '熔化焊接与热切割作业', 'Fusion welding and thermal cutting', 21),
 ('weld.pressure', 'weld', 'special_op', '压力焊作业', 'Pressure welding', 22),
 ('weld.braze', 'weld', 'special_op', '钎焊作业', 'Brazing', 23),
 ('height', NULL, 'special_op', '高处作业', 'Work at height', 30),
 ('height.scaffold', 'height', 'special_op', '登高架设作业', 'Scaffolding erection', 31),
 ('height.install', 'height', 'special_op', '高处安装、维护、拆除作业', 'Installation, maintenance and dismantling at height', 32),
 ('refrig', NULL, 'special_op', '制冷与空调作业', 'Refrigeration and air conditioning', 40),
 ('refrig.op', 'refrig', 'special_op', '制冷与空调设备运行操作作业', 'Refrigeration equipment operation', 41),
 ('refrig.install', 'refrig', 'special_op', '制冷与空调设备安装修理作业', 'Refrigeration equipment installation and repair', 42),
 ('coal', NULL, 'special_op', '煤矿安全作业', 'Coal mine safety work', 50),
 ('mine', NULL, 'special_op', '金属非金属矿山安全作业', 'Metal and non-metal mine safety work', 60),
 ('oilgas', NULL, 'special_op', '石油天然气安全作业', 'Oil and gas safety work', 70),
 ('metal', NULL, 'special_op', '冶金（有色）生产安全作业', 'Metallurgy (non-ferrous) safety work', 80),
 ('chem', NULL, 'special_op', '危险化学品安全作业', 'Hazardous chemicals safety work', 90),
 ('chem.phosgene', 'chem', 'special_op', '光气及光气化工艺作业', 'Phosgene and phosgenation process', 91),
 ('chem.chloralkali', 'chem', 'special_op', '氯碱电解工艺作业', 'Chlor-alkali electrolysis process', 92),
 ('chem.chlorination', 'chem', 'special_op', '氯化工艺作业', 'Chlorination process', 93),
 ('chem.nitration', 'chem', 'special_op', '硝化工艺作业', 'Nitration process', 94),
 ('chem.ammonia', 'chem', 'special_op', '合成氨工艺作业', 'Ammonia synthesis process', 95),
 ('chem.cracking', 'chem', 'special_op', '裂解（裂化）工艺作业', 'Cracking process', 96),
 ('chem.fluorination', 'chem', 'special_op', '氟化工艺作业', 'Fluorination process', 97),
 ('chem.hydrogenation', 'chem', 'special_op', '加氢工艺作业', 'Hydrogenation process', 98),
 ('chem.diazotization', 'chem', 'special_op', '重氮化工艺作业', 'Diazotization process', 99),
 ('chem.oxidation', 'chem', 'special_op', '氧化工艺作业', 'Oxidation process', 100),
 ('chem.peroxidation', 'chem', 'special_op', '过氧化工艺作业', 'Peroxidation process', 101),
 ('chem.amination', 'chem', 'special_op', '胺基化工艺作业', 'Amination process', 102),
 ('chem.sulfonation', 'chem', 'special_op', '磺化工艺作业', 'Sulfonation process', 103),
 ('chem.polymerization', 'chem', 'special_op', '聚合工艺作业', 'Polymerization process', 104),
 ('chem.alkylation', 'chem', 'special_op', '烷基化工艺作业', 'Alkylation process', 105),
 ('chem.instrument', 'chem', 'special_op', '化工自动化控制仪表作业', 'Chemical automation and instrumentation', 106),
 ('fireworks', NULL, 'special_op', '烟花爆竹安全作业', 'Fireworks safety work', 110),
 ('se', NULL, 'special_equip', '特种设备作业人员证', 'Special equipment operator certificate', 200),
 ('se.Q1', 'se', 'special_equip', 'Q1 起重机指挥', 'Q1 crane signaller', 201),
 ('se.Q2', 'se', 'special_equip', 'Q2 起重机司机', 'Q2 crane operator', 202),
 ('se.N1', 'se', 'special_equip', 'N1 叉车司机', 'N1 forklift driver', 203),
 ('se.G1', 'se', 'special_equip', 'G1 工业锅炉司炉', 'G1 industrial boiler operator', 204),
 ('se.R1', 'se', 'special_equip', 'R1 快开门式压力容器操作', 'R1 quick-opening pressure vessel operator', 205),
 ('se.A', 'se', 'special_equip', 'A 特种设备安全管理', 'A special equipment safety management', 206),
 ('sm', NULL, 'safety_manager', '安全生产管理人员证', 'Safety manager certificate', 300),
 ('sm.principal', 'sm', 'safety_manager', '主要负责人', 'Principal person in charge', 301),
 ('sm.manager', 'sm', 'safety_manager', '安全生产管理人员', 'Safety management staff', 302),
 ('int', NULL, 'internal', '内部资格', 'Internal qualification', 400),
 ('int.guardian', 'int', 'internal', '监护人', 'Guardian', 401),
 ('int.gas_analyst', 'int', 'internal', '气体分析人', 'Gas analyst', 402);

-- A certificate or qualification held by a person. category is the catalogue's top level,
-- item the operation item (NULL when the category has none). The number is unique within a
-- category: special-operations certificate numbers are often the holder's ID number, so the
-- same number legitimately appears under two categories.
CREATE TABLE certs (
  id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES persons(id),
  category TEXT NOT NULL REFERENCES cert_catalogue(code),
  item TEXT REFERENCES cert_catalogue(code),
  number TEXT NOT NULL,
  authority TEXT NOT NULL DEFAULT '',
  issued_on INTEGER,
  expires_on INTEGER,
  review_on INTEGER,
  revoked_at BIGINT NOT NULL DEFAULT 0,
  revoke_reason TEXT NOT NULL DEFAULT '',
  image BLOB,
  image_type TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (category, number)
);
CREATE INDEX certs_person ON certs(person_id);
CREATE INDEX certs_expires ON certs(expires_on);
CREATE INDEX certs_review ON certs(review_on);

-- Which certificates a permit operation needs (DOMAIN.md "Typical mapping to permits"):
-- any one certificate whose category or item equals code qualifies. An operation with no
-- row needs no certificate. Administrators may edit these rows.
CREATE TABLE cert_operation_map (
  operation TEXT NOT NULL,
  code TEXT NOT NULL REFERENCES cert_catalogue(code),
  PRIMARY KEY (operation, code)
);
INSERT INTO cert_operation_map (operation, code) VALUES
 ('hot_work', 'weld'),
 ('temp_power', 'elec.low'),
 ('temp_power', 'elec.high'),
 ('height', 'height'),
 ('lifting', 'se.Q1'),
 ('lifting', 'se.Q2'),
 ('guardian', 'int.guardian'),
 ('gas_analyst', 'int.gas_analyst');

-- How a certificate was checked: by hand against the national query site (应急管理部
-- 特种作业操作证查询), later by an online verifier. One row per check.
CREATE TABLE cert_verifications (
  id INTEGER PRIMARY KEY,
  cert_id INTEGER NOT NULL REFERENCES certs(id),
  method TEXT NOT NULL,
  result TEXT NOT NULL CHECK (result IN ('genuine', 'not_found', 'mismatch', 'error')),
  note TEXT NOT NULL DEFAULT '',
  verified_by INTEGER REFERENCES users(id),
  verified_at BIGINT NOT NULL
);
CREATE INDEX cert_verifications_cert ON cert_verifications(cert_id);

-- An uploaded ledger between preview and commit, so the user confirms what they saw
-- without uploading again. Rows older than a day are removed on the next upload.
CREATE TABLE cert_import_files (
  id INTEGER PRIMARY KEY,
  token TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id),
  filename TEXT NOT NULL DEFAULT '',
  data BLOB NOT NULL,
  created_at BIGINT NOT NULL
);
