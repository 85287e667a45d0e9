-- 1380_hazard_open_duplicate.sql — a new report's "same place, same category, still open"
-- check (hazard.c, hazard_create: duplicate_of) reads one index entry.
--
-- It read every hazard of the area and category from the table (hazards_area_cat has no
-- status) and sorted them by time, inside the report's write transaction: 1.8 ms a report
-- where an area and category hold 1,800 hazards of the years, as at a million; growing with
-- every report there. The index holds the open ones only (a couple of per cent), newest last.
CREATE INDEX hazards_area_cat_open ON hazards(area_id, category_id, reported_at, id)
	WHERE status NOT IN ('closed', 'cancelled');
