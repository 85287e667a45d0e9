-- 0201_equipment.sql — special equipment (特种设备): registration, responsible person,
-- periodic inspection dates, safety grade, and inspection and maintenance records.
-- Extends the platform's equipment table so that hazards and risks keep one equipment.id.
-- Inspection dates are local calendar days counted from 1970-01-01 (Asia/Shanghai).
ALTER TABLE equipment ADD COLUMN reg_no TEXT NOT NULL DEFAULT '';
ALTER TABLE equipment ADD COLUMN responsible_user_id INTEGER REFERENCES users(id);
ALTER TABLE equipment ADD COLUMN last_inspection_on INTEGER;
ALTER TABLE equipment ADD COLUMN next_inspection_on INTEGER;
ALTER TABLE equipment ADD COLUMN interval_months INTEGER;
ALTER TABLE equipment ADD COLUMN safety_grade INTEGER;
ALTER TABLE equipment ADD COLUMN location TEXT NOT NULL DEFAULT '';

-- Kinds of equipment and their default periodic inspection interval (DOMAIN.md §5, to be
-- verified against the TSG rules of each kind). special = 1 for 特种设备 under the
-- 特种设备安全法 (2014) catalogue. interval_months NULL: no default, set per device.
CREATE TABLE equip_kinds (
  code TEXT PRIMARY KEY,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  special INTEGER NOT NULL DEFAULT 1,
  interval_months INTEGER,
  sort INTEGER NOT NULL DEFAULT 0
);
INSERT INTO equip_kinds (code, name_zh, name_en, special, interval_months, sort) VALUES
 ('boiler', '锅炉', 'Boiler', 1, 12, 10),
 ('pressure_vessel', '压力容器', 'Pressure vessel', 1, 36, 20),
 ('pressure_piping', '压力管道', 'Pressure piping', 1, NULL, 30),
 ('elevator', '电梯', 'Elevator', 1, 12, 40),
 ('crane', '起重机械（塔式、流动式、升降机、电动葫芦）', 'Crane (tower, mobile, hoist)', 1, 12, 50),
 ('crane_bridge', '起重机械（桥式、门式、门座、机械式停车）', 'Crane (bridge, gantry, portal, parking)', 1, 24, 51),
 ('forklift', '场（厂）内专用机动车辆', 'In-plant motor vehicle', 1, 12, 60),
 ('tank', '储罐', 'Storage tank', 0, NULL, 90),
 ('general', '一般设备', 'General equipment', 0, NULL, 99);

CREATE TABLE equip_inspections (
  id INTEGER PRIMARY KEY,
  equipment_id INTEGER NOT NULL REFERENCES equipment(id),
  inspected_on INTEGER NOT NULL,
  kind TEXT NOT NULL DEFAULT 'periodic',
  agency TEXT NOT NULL DEFAULT '',
  report_no TEXT NOT NULL DEFAULT '',
  result TEXT NOT NULL DEFAULT 'pass' CHECK (result IN ('pass', 'conditional', 'fail')),
  safety_grade INTEGER,
  next_due_on INTEGER,
  note TEXT NOT NULL DEFAULT '',
  recorded_by INTEGER REFERENCES users(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX equip_inspections_equipment ON equip_inspections(equipment_id);

CREATE TABLE equip_maintenance (
  id INTEGER PRIMARY KEY,
  equipment_id INTEGER NOT NULL REFERENCES equipment(id),
  done_on INTEGER NOT NULL,
  description TEXT NOT NULL,
  done_by TEXT NOT NULL DEFAULT '',
  recorded_by INTEGER REFERENCES users(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX equip_maintenance_equipment ON equip_maintenance(equipment_id);
CREATE INDEX equipment_next ON equipment(next_inspection_on);
