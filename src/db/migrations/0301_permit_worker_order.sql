-- 0301: the workers on a permit keep the order they were named in (the first is the one
-- doing the work, the rest assist: permit_demo.c, the form's list). It was SQLite's rowid,
-- which PostgreSQL does not have; an explicit position both databases read the same way.
ALTER TABLE permit_workers ADD COLUMN position INTEGER NOT NULL DEFAULT 0;

-- the rows already there keep the order they were inserted in
UPDATE permit_workers SET position = (SELECT count(*) FROM permit_workers o
  WHERE o.permit_id = permit_workers.permit_id AND o.rowid < permit_workers.rowid);
