-- 0821_emerg_teams.sql — emergency teams and outside contacts per unit (生产安全事故应急条例
-- Art. 10: a unit sets up its emergency rescue team or names part-time rescuers, and keeps
-- the contacts it needs when an accident happens). Shown on the commander's page and the
-- area's on-site response card.

-- A team (应急救援队伍): its leader and deputy (who takes over when the leader is away).
CREATE TABLE emerg_teams (
  id INTEGER PRIMARY KEY,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  name TEXT NOT NULL,
  duty TEXT NOT NULL DEFAULT '',
  leader_id INTEGER NOT NULL REFERENCES users(id),
  deputy_id INTEGER REFERENCES users(id),
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE INDEX emerg_teams_unit ON emerg_teams (unit_id, active);

-- A member of a team with the role in it (抢险, 救护, 警戒, ...) and the phone to call.
CREATE TABLE emerg_team_members (
  id INTEGER PRIMARY KEY,
  team_id INTEGER NOT NULL REFERENCES emerg_teams(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  role TEXT NOT NULL,
  phone TEXT NOT NULL DEFAULT '',
  UNIQUE (team_id, user_id)
);

-- An outside contact of a unit: kind fire (消防), hospital (医院), authority (应急管理部门),
-- other.
CREATE TABLE emerg_contacts (
  id INTEGER PRIMARY KEY,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  phone TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE INDEX emerg_contacts_unit ON emerg_contacts (unit_id, active);
