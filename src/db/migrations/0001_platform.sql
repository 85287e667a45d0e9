-- 0001_platform.sql — organization, identity, sessions, audit log, settings.
-- Written in the SQL subset that SQLite and PostgreSQL both accept; times are UTC seconds.

-- Units form a tree: group → company/plant → workshop/department → team. `path` is the
-- materialised chain of ids ("/1/4/9/") so that "this unit and everything below it" is one
-- indexed LIKE 'prefix%' and data-scope checks need no recursion.
CREATE TABLE units (
  id INTEGER PRIMARY KEY,
  parent_id INTEGER REFERENCES units(id),
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('group', 'company', 'workshop', 'department', 'team')),
  path TEXT NOT NULL DEFAULT '',
  head_user_id INTEGER,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE INDEX units_path ON units(path);
CREATE INDEX units_parent ON units(parent_id);

CREATE TABLE positions (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

-- A role is a set of permission strings plus a data scope:
-- own (records the user made or holds), unit (their unit only), subtree (their unit and
-- below), company (the whole company/plant their unit belongs to).
CREATE TABLE roles (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  permissions TEXT NOT NULL DEFAULT '',
  scope TEXT NOT NULL CHECK (scope IN ('own', 'unit', 'subtree', 'company')),
  builtin INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  employee_no TEXT UNIQUE,
  phone TEXT,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  position_id INTEGER REFERENCES positions(id),
  supervisor_id INTEGER REFERENCES users(id),
  active INTEGER NOT NULL DEFAULT 1,
  password_hash TEXT NOT NULL,
  must_change_password INTEGER NOT NULL DEFAULT 1,
  password_changed_at BIGINT NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until BIGINT NOT NULL DEFAULT 0,
  lang TEXT NOT NULL DEFAULT 'zh',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX users_unit ON users(unit_id);

CREATE TABLE user_roles (
  user_id INTEGER NOT NULL REFERENCES users(id),
  role_id INTEGER NOT NULL REFERENCES roles(id),
  PRIMARY KEY (user_id, role_id)
);

-- Places in the plant. qr_token is stable and unguessable: the QR code on the wall encodes
-- /a/<qr_token>, which survives renaming the area.
CREATE TABLE areas (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  latitude DOUBLE PRECISION,
  longitude DOUBLE PRECISION,
  radius_m INTEGER NOT NULL DEFAULT 100,
  qr_token TEXT NOT NULL UNIQUE,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE INDEX areas_unit ON areas(unit_id);

CREATE TABLE equipment (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'general',
  area_id INTEGER REFERENCES areas(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE INDEX equipment_area ON equipment(area_id);

-- Browser sessions. Only the SHA-256 of the cookie value is stored, so a copy of the database
-- does not hand out live sessions. preview_* hold the administrator's role preview.
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id),
  csrf TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  client_ip TEXT,
  preview_role_id INTEGER REFERENCES roles(id),
  preview_unit_id INTEGER REFERENCES units(id)
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Tokens for other systems (HR, EAM, the regulator's platform). Shown once; stored hashed;
-- limited to the listed permissions and never more than the owner holds.
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  permissions TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT NOT NULL DEFAULT 0,
  expires_at BIGINT NOT NULL DEFAULT 0,
  revoked INTEGER NOT NULL DEFAULT 0
);

-- The audit log: append-only and hash-chained. hash = SHA-256(prev_hash || the entry's
-- canonical text), so editing or deleting any row breaks every hash after it
-- (等保 2.0 GB/T 22239-2019: audit records protected from deletion and modification).
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at BIGINT NOT NULL,
  user_id INTEGER,
  username TEXT NOT NULL DEFAULT '',
  client_ip TEXT NOT NULL DEFAULT '',
  entity TEXT NOT NULL,
  entity_id BIGINT NOT NULL DEFAULT 0,
  action TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_at ON audit_log(at);

-- Per-company configuration (deadlines, policy values); key → text value.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at BIGINT NOT NULL DEFAULT 0
);

-- In-app inbox; later the notify module forwards the same rows to e-mail and robots.
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  link TEXT NOT NULL DEFAULT '',
  dedup_key TEXT UNIQUE,
  read_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX notifications_user ON notifications(user_id, read_at);
