-- 1320_list_option_indexes.sql — the hazard list's filter form reads its option lists from
-- indexes alone, in order.
--
-- Every GET /hazards draws the form's area, unit and category lists (hazard_web.c, options):
-- at a plant group's 300 areas, sorting the areas by name on each request was the largest
-- part of the page's database work after the list itself, and the units' list read each
-- unit's row beside units_path. With (active, name) the active areas come out of the index in
-- name order with their id (the rowid); with (path, active, kind, name) the units come out in
-- path order with everything the list shows or filters on, and the company probe of the data
-- scope (actor_pattern_of: path and kind) reads it alone too. Both tables are small and
-- rarely written; the categories are a handful of rows.
CREATE INDEX areas_active_name ON areas(active, name);
CREATE INDEX units_options ON units(path, active, kind, name);
