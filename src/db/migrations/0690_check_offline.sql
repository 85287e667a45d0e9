-- 0690_check_offline.sql — rounds of checks filled on a phone without signal and uploaded later
-- (docs/offline.md). A record's idempotency key was already unique and written in the insert
-- of the record itself (check_records.idem_key, 0600), so a retry finds the first record; what
-- the queue adds is:
--
-- captured_at: when the person filled the check on site (the phone's clock corrected by the
-- server's, within hazard.capture_skew_seconds / capture_max_age_hours, as a queued hazard
-- report); the record's finished_at is that time, not the upload's. 0: recorded online.
ALTER TABLE check_records ADD COLUMN captured_at BIGINT NOT NULL DEFAULT 0;

-- check_voice: a spoken note with a record (hold to record on the check form); the clip is a
-- content-addressed blob like the photos, kept by the hazard job's blob clean-up.
CREATE TABLE check_voice (
  record_id INTEGER NOT NULL REFERENCES check_records(id),
  sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  user_id INTEGER NOT NULL REFERENCES users(id),
  at BIGINT NOT NULL,
  seconds INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (record_id, sha256)
);
CREATE INDEX check_voice_sha ON check_voice(sha256);
