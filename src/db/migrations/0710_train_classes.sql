-- 0710_train_classes.sql — classes (现场培训) and their QR sign-in: a class is a
-- course held at a place (an area) in a time window; the trainer shows a QR code whose
-- content changes every minute (a code derived from the class's secret), so that signing
-- in needs the code shown in the room now, inside the window. A sign-in gives the course's
-- hours on the person's record (train_records.class_id is the proof).
CREATE TABLE train_classes (
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
CREATE INDEX train_classes_starts ON train_classes(starts_at);

CREATE TABLE train_signins (
  id INTEGER PRIMARY KEY,
  class_id INTEGER NOT NULL REFERENCES train_classes(id),
  person_id INTEGER NOT NULL REFERENCES persons(id),
  signed_at BIGINT NOT NULL,
  record_id INTEGER REFERENCES train_records(id),
  UNIQUE (class_id, person_id)
);

ALTER TABLE train_records ADD COLUMN class_id INTEGER REFERENCES train_classes(id);
