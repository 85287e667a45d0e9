-- 0601_check_resource_origin.sql for PostgreSQL, run instead of the shared file of the same
-- name (migrate.c): the shared file rebuilds check_tasks because SQLite cannot alter a CHECK
-- constraint; PostgreSQL can, in place, so every row stays where it is (and check_records'
-- foreign key keeps pointing at the same table). ADD CONSTRAINT validates the existing rows.
ALTER TABLE check_tasks DROP CONSTRAINT IF EXISTS check_tasks_origin_check;
ALTER TABLE check_tasks ADD CONSTRAINT check_tasks_origin_check
  CHECK (origin IN ('measure', 'plan', 'baobao', 'resource'));
