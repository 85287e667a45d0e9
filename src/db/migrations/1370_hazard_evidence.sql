-- 1370_hazard_evidence.sql — whether a hazard has its evidence: a "before" and an "after"
-- photo (hazards.evidence, kept by hazard_photos_link, the one place photos are attached).
--
-- The on-time figure (report/kpi.c: closed in time *with* evidence, DOMAIN.md) probed
-- hazard_photos twice for every hazard of the period closed in time: at a million hazards,
-- 14 of a plant's 17 ms for "reported in the last 30 days", run for the period and the one
-- before on every dashboard and every safety officer's home page, and again after every
-- report, which changes the figures (18,000 index seeks against one column read here).
-- The column joins hazards_rep_kpi, so the figure is read from that index alone again.
ALTER TABLE hazards ADD COLUMN evidence INTEGER NOT NULL DEFAULT 0;
UPDATE hazards SET evidence = 1
 WHERE EXISTS (SELECT 1 FROM hazard_photos p WHERE p.hazard_id = hazards.id AND p.kind = 'before')
   AND EXISTS (SELECT 1 FROM hazard_photos p WHERE p.hazard_id = hazards.id AND p.kind = 'after');
DROP INDEX hazards_rep_kpi;
CREATE INDEX hazards_rep_kpi ON hazards(unit_id, reported_at, status, category_id, factor_code,
  accepted_at, submitted_at, rectify_due, repeat_of, reporter_id, area_id, evidence);
