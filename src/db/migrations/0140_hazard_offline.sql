-- 0140_hazard_offline.sql — reports captured on a phone without signal, uploaded later.
--
-- hazard_idempotency: the key a phone gives each queued report, per user. A retry after a lost
-- response (the report was stored, the answer never reached the phone) finds its key here and
-- gets the first hazard back instead of a second one. The row is written in the transaction
-- that creates the hazard, so a key exists exactly when its hazard does.
CREATE TABLE hazard_idempotency (
  user_id INTEGER NOT NULL REFERENCES users(id),
  key TEXT NOT NULL,
  hazard_id INTEGER NOT NULL REFERENCES hazards(id),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, key)
);

-- hazard_voice: a spoken note recorded with the report (gloves on, typing is slow). The clip is
-- a blob (content-addressed like the photos); the hazard job keeps blobs named here.
CREATE TABLE hazard_voice (
  hazard_id INTEGER NOT NULL REFERENCES hazards(id),
  sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  PRIMARY KEY (hazard_id, sha256)
);
CREATE INDEX hazard_voice_sha ON hazard_voice(sha256);

-- A report may carry the time it was captured on the phone (its report time): accepted up to
-- hazard.capture_max_age_hours old, and no more than hazard.capture_skew_seconds ahead of the
-- server's clock (phone clocks drift). hazard.voice_max_seconds bounds a voice note; its size
-- limit follows from it (16 KB per second, above any speech codec a phone records with).
INSERT INTO settings (key, value) VALUES
 ('hazard.capture_max_age_hours', '72'),
 ('hazard.capture_skew_seconds', '300'),
 ('hazard.voice_max_seconds', '60');
