-- 0090_audit_key.sql — the switch-over of the audit log from a plain SHA-256 chain to a
-- keyed one (HMAC-SHA256, key in DATA/audit.key outside the database; src/audit/audit.h).
-- One row, written by the first append made with a key: entries with id >= keyed_from are
-- keyed, older ones (written before the key existed) keep their plain SHA-256 and are
-- verified as such. key_id names the key (an HMAC of a constant, not the key), so that a
-- missing or wrong audit.key is reported as such rather than as a broken chain. Editing
-- this row does not help a forger: the anchor file outside the database holds the head.
CREATE TABLE audit_chain (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  keyed_from BIGINT NOT NULL,
  key_id TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
