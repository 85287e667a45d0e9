-- 0710_train_sessions.sql — classroom sessions (现场培训) and their QR sign-in: a session is a
-- course held at a place (an area) in a time window; the trainer shows a QR code whose
-- content changes every minute (a code derived from the session's secret), so that signing
-- in needs the code shown in the room now, inside the window. A sign-in gives the course's
-- hours on the person's record (train_records.session_id is the proof).
CREATE TABLE train_sessions (
  id INTEGER PRIMARY KEY,
  course_id INTEGER NOT NULL REFERENCES train_courses(id),
  area_id INTEGER NOT NULL REFERENCES areas(id),
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  secret TEXT NOT NULL,
  trainer_id INTEGER REFERENCES users(id),
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE INDEX train_sessions_starts ON train_sessions(starts_at);

CREATE TABLE train_signins (
  id INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES train_sessions(id),
  person_id INTEGER NOT NULL REFERENCES persons(id),
  signed_at BIGINT NOT NULL,
  record_id INTEGER REFERENCES train_records(id),
  UNIQUE (session_id, person_id)
);

ALTER TABLE train_records ADD COLUMN session_id INTEGER REFERENCES train_sessions(id);
