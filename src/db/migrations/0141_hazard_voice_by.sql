-- 0141_hazard_voice_by.sql — who spoke a hazard's voice note, when, how long, at which step.
--
-- The report's note came alone (0140); the rectifier and the verifier may now speak one with
-- their action too (gloves on at the repair as at the report), so a note says whose it is:
-- user_id (NULL in the API when it is an anonymous reporter's), at (UTC seconds), seconds (the
-- recorder's length, bounded by hazard.voice_max_seconds) and the event it came with (NULL:
-- the report). Notes stored before this carry the report's reporter and time.
ALTER TABLE hazard_voice ADD COLUMN user_id INTEGER REFERENCES users(id);
ALTER TABLE hazard_voice ADD COLUMN at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE hazard_voice ADD COLUMN seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE hazard_voice ADD COLUMN event_id INTEGER REFERENCES hazard_events(id);
UPDATE hazard_voice SET user_id = (SELECT reporter_id FROM hazards h WHERE h.id = hazard_voice.hazard_id),
  at = (SELECT reported_at FROM hazards h WHERE h.id = hazard_voice.hazard_id);
