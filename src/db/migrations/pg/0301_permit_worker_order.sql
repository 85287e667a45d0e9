-- 0301_permit_worker_order.sql for PostgreSQL, run instead of the shared file of the same
-- name (migrate.c).
--
-- The shared file numbers the rows already there by SQLite's rowid, which PostgreSQL does not
-- have; a row's physical place (ctid) is the nearest there is to the order it was inserted in.
ALTER TABLE permit_workers ADD COLUMN position INTEGER NOT NULL DEFAULT 0;

UPDATE permit_workers SET position = n.position
  FROM (SELECT ctid AS at, row_number() OVER (PARTITION BY permit_id ORDER BY ctid) - 1 AS position
        FROM permit_workers) n
  WHERE permit_workers.ctid = n.at;
