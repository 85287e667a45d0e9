-- 0700_train.sql — training and competence (安全教育培训): courses, who must take them
-- (requirements as data), what each person has done (records), question banks, exams and
-- the attempts at them. Days are local calendar days (days since 1970-01-01, base/day.h).

-- A course. renew_months > 0: to be repeated (年度再培训: 12). permit_role: the permit
-- operation the course qualifies for (guardian, gas_analyst, hot_work, ...): a failed exam
-- of the course blocks that role. cert_category: the certificate category it prepares for.
CREATE TABLE train_courses (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  hours INTEGER NOT NULL,
  renew_months INTEGER NOT NULL DEFAULT 0,
  permit_role TEXT,
  cert_category TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);

-- Who must take a course. applies: all (every employee), position (position_id),
-- contractor (contractors' people), new_hire / transfer / return (from the day of that
-- event in train_events); within_days: the grace after the person's start or the event.
CREATE TABLE train_requirements (
  id INTEGER PRIMARY KEY,
  course_id INTEGER NOT NULL REFERENCES train_courses(id),
  applies TEXT NOT NULL,
  position_id INTEGER REFERENCES positions(id),
  within_days INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX train_requirements_course ON train_requirements(course_id);

-- Events that start requirements: a new hire, a transfer, a return after long absence.
CREATE TABLE train_events (
  id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES persons(id),
  kind TEXT NOT NULL,
  on_day INTEGER NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX train_events_person ON train_events(person_id, kind);

-- A course done: by a passed exam (attempt_id), a class, or entered by HR.
CREATE TABLE train_records (
  id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES persons(id),
  course_id INTEGER NOT NULL REFERENCES train_courses(id),
  done_on INTEGER NOT NULL,
  hours INTEGER NOT NULL,
  source TEXT NOT NULL,
  attempt_id INTEGER,
  created_at BIGINT NOT NULL
);
CREATE INDEX train_records_person ON train_records(person_id, course_id, done_on);

-- A question of a course's bank. kind: single, multi, judge, fill. options: a JSON array of
-- texts (judge: none, the answer is true/false). answer: a JSON array of the correct option
-- indexes (single, multi), [1] true / [0] false (judge), or the accepted texts separated by
-- '|' (fill).
CREATE TABLE train_questions (
  id INTEGER PRIMARY KEY,
  course_id INTEGER NOT NULL REFERENCES train_courses(id),
  kind TEXT NOT NULL,
  stem TEXT NOT NULL,
  options TEXT NOT NULL DEFAULT '[]',
  answer TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX train_questions_course ON train_questions(course_id, active);

CREATE TABLE train_exams (
  id INTEGER PRIMARY KEY,
  course_id INTEGER NOT NULL REFERENCES train_courses(id),
  title TEXT NOT NULL,
  questions INTEGER NOT NULL,
  minutes INTEGER NOT NULL,
  pass_mark INTEGER NOT NULL,
  max_attempts INTEGER NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);

-- One sitting. paper: the drawn questions with their shuffled option order (JSON);
-- answers: what was saved so far ({"question id": answer}); submitted_at 0 while open.
CREATE TABLE train_attempts (
  id INTEGER PRIMARY KEY,
  exam_id INTEGER NOT NULL REFERENCES train_exams(id),
  person_id INTEGER NOT NULL REFERENCES persons(id),
  started_at BIGINT NOT NULL,
  deadline BIGINT NOT NULL,
  submitted_at BIGINT NOT NULL DEFAULT 0,
  paper TEXT NOT NULL,
  answers TEXT NOT NULL DEFAULT '{}',
  score INTEGER,
  passed INTEGER,
  late INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX train_attempts_person ON train_attempts(person_id, exam_id);

-- Class-hour minimums of 生产经营单位安全培训规定 (原安监总局令第3号, amended 2015) Art. 9,
-- 13: initial and yearly hours for employees and for principals/safety managers, by
-- industry group (high: hazardous chemicals, mines, fireworks, metal smelting).
CREATE TABLE train_hour_rules (
  industry TEXT NOT NULL,
  who TEXT NOT NULL,
  initial_hours INTEGER NOT NULL,
  yearly_hours INTEGER NOT NULL,
  PRIMARY KEY (industry, who)
);
INSERT INTO train_hour_rules VALUES ('general', 'employee', 24, 20);
INSERT INTO train_hour_rules VALUES ('high', 'employee', 72, 20);
INSERT INTO train_hour_rules VALUES ('general', 'manager', 32, 12);
INSERT INTO train_hour_rules VALUES ('high', 'manager', 48, 16);
