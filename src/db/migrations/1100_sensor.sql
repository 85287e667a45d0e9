-- 1100_sensor.sql — sensors in the plant (gas, dust, temperature, pressure), their readings
-- and the alarms they raise. Times are UTC seconds.
--
-- Three thresholds per sensor, as the plant's alarm systems set them: warn (预警), alarm
-- (报警) and trip (联锁停机); direction 'above' for concentrations, temperatures, pressures,
-- 'below' for oxygen deficiency and the like. A NULL threshold is not set.
-- gas: for kind 'gas', what it measures: 'combustible' (% vol), 'O2' (% vol) or a toxic
-- gas code of permit_gas_limits (mg/m3), so that a reading can be judged against a live
-- permit's gas limits (GB 30871-2022 §5.3.2, §6.4).
-- token_hash: SHA-256 of the sensor's ingest token (shown once when issued); '' none.
-- level: the level of the latest reading (0 none, 1 warn, 2 alarm, 3 trip), so that an
-- alarm is raised when a reading crosses into a higher level, not on every reading.
CREATE TABLE sensors (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('gas', 'dust', 'temperature', 'pressure')),
  gas TEXT NOT NULL DEFAULT '',
  area_id INTEGER NOT NULL REFERENCES areas(id),
  equipment_id INTEGER REFERENCES equipment(id),
  uom TEXT NOT NULL DEFAULT '',
  direction TEXT NOT NULL DEFAULT 'above' CHECK (direction IN ('above', 'below')),
  warn DOUBLE PRECISION,
  alarm DOUBLE PRECISION,
  trip DOUBLE PRECISION,
  token_hash TEXT NOT NULL DEFAULT '',
  level INTEGER NOT NULL DEFAULT 0,
  last_value DOUBLE PRECISION,
  last_at BIGINT NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE INDEX sensors_area ON sensors (area_id);
CREATE INDEX sensors_token ON sensors (token_hash);

-- Raw readings, kept sensor.raw_days (7); one per sensor and second: a batch sent twice is
-- stored once.
CREATE TABLE sensor_readings (
  sensor_id INTEGER NOT NULL REFERENCES sensors(id),
  at BIGINT NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (sensor_id, at)
);

-- Minute averages of raw readings past sensor.raw_days, kept sensor.minute_days (365).
CREATE TABLE sensor_minutes (
  sensor_id INTEGER NOT NULL REFERENCES sensors(id),
  minute BIGINT NOT NULL,
  avg DOUBLE PRECISION NOT NULL,
  min DOUBLE PRECISION NOT NULL,
  max DOUBLE PRECISION NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (sensor_id, minute)
);

-- Alarms: a reading crossing into a higher level (warn, alarm, trip), or a gas reading over
-- a live permit's limit that suspended it ('permit', with the permit and the reason).
CREATE TABLE sensor_alarms (
  id INTEGER PRIMARY KEY,
  sensor_id INTEGER NOT NULL REFERENCES sensors(id),
  at BIGINT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('warn', 'alarm', 'trip', 'permit')),
  value DOUBLE PRECISION NOT NULL,
  threshold DOUBLE PRECISION,
  permit_id INTEGER REFERENCES permits(id),
  note TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX sensor_alarms_sensor ON sensor_alarms (sensor_id, at);

-- Policy: retention, how far ahead of the server clock a reading may be stamped, who is
-- told at each level (role codes), and the MQTT broker the subscriber of `serve` reads
-- (mqtt://host:port; empty: no subscriber) with its topic and credentials.
INSERT INTO settings (key, value) VALUES
 ('sensor.raw_days', '7'),
 ('sensor.minute_days', '365'),
 ('sensor.future_s', '300'),
 ('sensor.notify_warn', 'ws_safety'),
 ('sensor.notify_alarm', 'ws_safety safety_dept'),
 ('sensor.notify_trip', 'ws_safety safety_dept safety_director'),
 ('sensor.mqtt_url', ''),
 ('sensor.mqtt_topic', 'anquan/readings'),
 ('sensor.mqtt_user', ''),
 ('sensor.mqtt_password', '')
ON CONFLICT (key) DO NOTHING;
