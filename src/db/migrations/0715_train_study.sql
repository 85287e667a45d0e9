-- 0715_train_study.sql — self-study time on a course's page (自学): counted from the page's
-- heartbeats while it is visible, never from the time between two visits; when the time
-- reaches the course's hours the course is recorded once (credited).
CREATE TABLE train_study (
  person_id INTEGER NOT NULL REFERENCES persons(id),
  course_id INTEGER NOT NULL REFERENCES train_courses(id),
  seconds INTEGER NOT NULL DEFAULT 0,
  last_beat BIGINT NOT NULL DEFAULT 0,
  credited_record INTEGER REFERENCES train_records(id),
  PRIMARY KEY (person_id, course_id)
);
