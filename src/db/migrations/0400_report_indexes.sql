-- 0400_report_indexes.sql — covering indexes for the dashboards and reports (看板 · 报表).
--
-- The KPIs are computed from the hazards table itself, exactly, on every request; these
-- indexes hold every column the dashboard's queries read, so SQLite answers them from the
-- index alone (no table lookups), one range per unit of the scope (unit_id first, which also
-- hands the rows over already grouped by unit). With 1,000,000 hazards the plant dashboard
-- stays under 100 ms (bench/dashboard.md). No summary table: nothing to keep in step,
-- nothing that can drift from the records.

-- Hazards reported in [from, to): counts, closure, on-time, repeats, response, categories,
-- factor classes, unit rankings, the reported trend.
CREATE INDEX hazards_rep_kpi ON hazards(unit_id, reported_at, status, category_id, factor_code,
  accepted_at, submitted_at, rectify_due, repeat_of, reporter_id, area_id);

-- Hazards closed in [from, to): the closed trend and the rectification cycle.
CREATE INDEX hazards_closed_kpi ON hazards(status, unit_id, closed_at, reported_at, reporter_id);

-- Open hazards now: overdue, major, the area heat map.
CREATE INDEX hazards_open_kpi ON hazards(unit_id, status, level, overdue, area_id, reporter_id);

-- Participation: did this person report in [from, to)? One probe per person.
CREATE INDEX hazards_reporter_kpi ON hazards(reporter_id, reported_at, status, unit_id);

-- Evidence for on-time closure: a before and an after photo of the hazard.
CREATE INDEX hazard_photos_kind ON hazard_photos(hazard_id, kind);

-- Participation: the active people of a unit subtree.
CREATE INDEX users_unit_active ON users(unit_id, active);
