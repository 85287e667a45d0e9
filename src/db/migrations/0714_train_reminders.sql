-- 0714_train_reminders.sql — the days the training reminders ran: the job is ticked every
-- minute, but judging every person's requirements is a once-a-day task (train_remind.c).
CREATE TABLE train_reminder_days (
  day INTEGER PRIMARY KEY,
  ran_at BIGINT NOT NULL,
  sent INTEGER NOT NULL
);
