-- 0950_contractor.sql — contractors (相关方): the companies working on site, their
-- qualifications (资质), their people (persons rows with an entry permission, 入厂许可), the
-- guardian's score of each job (作业质量评分), the hazards found in their work and the
-- yearly rating that decides next year's eligibility.

-- unit_id: the host unit responsible for the contractor (属地单位), the data scope;
-- manager_id: the person there who answers for it and is reminded of expiries.
-- status: active or suspended; a suspended one's people are refused on permits from
-- suspended_on (a day) on. An expired qualification blocks without changing the status.
CREATE TABLE contractors (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  credit_code TEXT NOT NULL DEFAULT '',
  unit_id INTEGER NOT NULL REFERENCES units(id),
  manager_id INTEGER REFERENCES users(id),
  contact_name TEXT NOT NULL DEFAULT '',
  contact_phone TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  suspended_on INTEGER,
  suspend_reason TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE INDEX contractors_unit ON contractors(unit_id);

-- 资质: kind (e.g. 安全生产许可证, 建筑业企业资质), number, valid from/to (days)
CREATE TABLE contractor_quals (
  id INTEGER PRIMARY KEY,
  contractor_id INTEGER NOT NULL REFERENCES contractors(id),
  kind TEXT NOT NULL,
  number TEXT NOT NULL,
  valid_from INTEGER NOT NULL,
  valid_to INTEGER NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX contractor_quals_c ON contractor_quals(contractor_id, valid_to);

-- a person works for one contractor at a time; entry_until: the last day of the entry
-- permission (入厂许可)
CREATE TABLE contractor_people (
  id INTEGER PRIMARY KEY,
  contractor_id INTEGER NOT NULL REFERENCES contractors(id),
  person_id INTEGER NOT NULL UNIQUE REFERENCES persons(id),
  job TEXT NOT NULL DEFAULT '',
  entry_until INTEGER NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX contractor_people_c ON contractor_people(contractor_id, entry_until);

-- the guardian's score of a closed permit's work, one per permit
CREATE TABLE contractor_ratings (
  id INTEGER PRIMARY KEY,
  contractor_id INTEGER NOT NULL REFERENCES contractors(id),
  permit_id INTEGER NOT NULL UNIQUE REFERENCES permits(id),
  score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
  comment TEXT NOT NULL DEFAULT '',
  rated_by INTEGER NOT NULL REFERENCES users(id),
  rated_at BIGINT NOT NULL
);
CREATE INDEX contractor_ratings_c ON contractor_ratings(contractor_id, rated_at);

-- hazards found in a contractor's work
CREATE TABLE contractor_hazards (
  contractor_id INTEGER NOT NULL REFERENCES contractors(id),
  hazard_id INTEGER NOT NULL REFERENCES hazards(id),
  linked_by INTEGER REFERENCES users(id),
  linked_at BIGINT NOT NULL,
  PRIMARY KEY (contractor_id, hazard_id)
);

-- the yearly rating (one row per contractor and year, written by the year-end job):
-- score NULL when there was no rated job that year (no rating, eligibility unchanged)
CREATE TABLE contractor_years (
  contractor_id INTEGER NOT NULL REFERENCES contractors(id),
  year INTEGER NOT NULL,
  jobs INTEGER NOT NULL,
  avg_score DOUBLE PRECISION,
  hazards INTEGER NOT NULL,
  major_hazards INTEGER NOT NULL,
  score INTEGER,
  eligible INTEGER NOT NULL,
  rated_at BIGINT NOT NULL,
  PRIMARY KEY (contractor_id, year)
);

-- below this yearly score a contractor is suspended for the next year
INSERT INTO settings (key, value, updated_at) VALUES ('contractor.threshold', '60', 0);
