-- 1150_province.sql — the provincial dual-prevention upload (双重预防机制数字化, DOMAIN §7): how
-- our records map to the province's objects, how far each object type has been sent, and the
-- log of every batch with the province's answer per record.
-- Settings (base URL, company code, page size, ...) live in `settings` under province.*; the
-- password and the AES key in province_secrets, sealed, never shown back.

CREATE TABLE province_secrets (
  name TEXT PRIMARY KEY CHECK (name IN ('password', 'aes_key')),
  sealed TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- One row per object type of the chain: whether it is sent, the path under the base URL it
-- is posted to, and its field mapping as JSON: [{"field": the province's name, "from": our
-- column, "required": true|false, "codes": {our value: their code}, "format": "time"|"int"}].
-- Defaults are filled by the module at first use (province_map.c), then edited as data.
CREATE TABLE province_mappings (
  type TEXT PRIMARY KEY,
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  path TEXT NOT NULL,
  fields TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- How far each type has been sent: every record with (updated, id) after (cursor_at,
-- cursor_id) is still to go. attempts/next_try_at: the back-off after a failed batch.
CREATE TABLE province_cursors (
  type TEXT PRIMARY KEY,
  cursor_at BIGINT NOT NULL DEFAULT 0,
  cursor_id BIGINT NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_try_at BIGINT NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT ''
);

CREATE TABLE province_batches (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  origin TEXT NOT NULL CHECK (origin IN ('job', 'button')),
  state TEXT NOT NULL CHECK (state IN ('accepted', 'partial', 'refused', 'failed', 'local')),
  started_at BIGINT NOT NULL,
  records INTEGER NOT NULL DEFAULT 0,
  accepted INTEGER NOT NULL DEFAULT 0,
  refused INTEGER NOT NULL DEFAULT 0,
  http_status INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  sent TEXT NOT NULL DEFAULT '[]'	-- the records as sent, before encryption (no secrets)
);
CREATE INDEX province_batches_type ON province_batches (type, id);

CREATE TABLE province_items (
  batch_id INTEGER NOT NULL REFERENCES province_batches(id),
  record_id BIGINT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('accepted', 'refused', 'incomplete', 'failed')),
  reason TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (batch_id, record_id)
);
