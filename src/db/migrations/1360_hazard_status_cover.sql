-- 1360_hazard_status_cover.sql — the open hazards' lines of work read from one index.
--
-- The home page's "waiting for me" counts (hazard_todo.c) and a list filtered by status and
-- "mine" (hazard_list.c) seek the hazards in a status, then test the visibility rule and the
-- person's terms on each: unit, area, assignee, reporter, rectifier, verifier, anonymity.
-- hazards_closed_kpi (status, unit_id, closed_at, …) lacks most of those, so each of the
-- thousands of hazards awaiting verification across a group cost a table row (a safety
-- officer's verify count at a million hazards: 10 ms; 1–2 ms from this index; the mine
-- list's count 26 → 14 ms). equipment_id is here because the list's statement joins the
-- equipment table by it, and without it SQLite would not read this index alone.
CREATE INDEX hazards_status_cover ON hazards(status, unit_id, area_id, category_id, assignee_id, reporter_id,
	rectifier_id, verifier_id, anonymous, equipment_id);
