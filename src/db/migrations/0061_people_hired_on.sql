-- 0061_people_hired_on.sql — the day a person was hired (入职日期), as a local calendar day
-- (days since 1970-01-01, base/day.h), or NULL when not known. Account creation is not a hire:
-- accounts are made in bulk at installation, so "new hires" (the PPE module's list of people
-- not yet equipped for their post) need the day HR records.
ALTER TABLE users ADD COLUMN hired_on INTEGER;
