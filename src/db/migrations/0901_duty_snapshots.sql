-- 0901_duty_snapshots.sql — the duty evaluation of a closed month, stored once on the month's
-- first day (src/duty/duty_snapshot.c), so that a record changed later (a duty retired or
-- added, a check record edited) does not rewrite a past month's radar chart. The current
-- month is always computed live. duty_snapshot_months marks a month as taken (the job is
-- idempotent through it); duty_snapshots holds each person's lines as they were.
CREATE TABLE duty_snapshot_months (
  month INTEGER PRIMARY KEY,           -- YYYYMM in the plant's time zone
  people INTEGER NOT NULL,
  taken_at BIGINT NOT NULL
);
CREATE TABLE duty_snapshots (
  month INTEGER NOT NULL REFERENCES duty_snapshot_months(month),
  user_id INTEGER NOT NULL REFERENCES users(id),
  item_id INTEGER NOT NULL REFERENCES duty_items(id),
  title TEXT NOT NULL,
  measure TEXT NOT NULL,
  frequency TEXT NOT NULL,
  target DOUBLE PRECISION NOT NULL,
  records BIGINT NOT NULL,
  ok BIGINT NOT NULL,
  actual DOUBLE PRECISION NOT NULL,
  required DOUBLE PRECISION NOT NULL,
  no_data INTEGER NOT NULL,
  fulfil INTEGER NOT NULL,
  PRIMARY KEY (month, user_id, item_id)
);
