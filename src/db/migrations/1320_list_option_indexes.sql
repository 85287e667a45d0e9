-- 1320_list_option_indexes.sql — the hazard list's filter form reads its option lists in order.
--
-- Every GET /hazards draws the form's area, unit and category lists (hazard_web.c, options):
-- at a plant group's 300 areas, sorting the areas by name on each request was the largest
-- part of the page's database work after the list itself. With (active, name) the active
-- areas come out of the index in name order, id beside them (the rowid; on PostgreSQL an
-- index-ordered scan of a small table), with no sort; the units' list (path) is read in the
-- order of units_path already, and the categories are a handful of rows.
CREATE INDEX areas_active_name ON areas(active, name);
