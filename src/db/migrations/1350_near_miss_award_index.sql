-- 1350_near_miss_award_index.sql — the points job finds near misses to award by an index.
--
-- src/ppe/ppe_points.c awards points once per near miss reported by name. Its query read the
-- hazards table in id order until it had 500 near misses not yet awarded: once the early ones
-- were all awarded, every round read the whole table (a million hazards: the table's every
-- page, a 'near_miss:' || id string per near miss) inside the job's write transaction, which
-- every report then waited behind. Near misses are a few per cent of hazards; this index
-- holds only them, in id order, so a round reads those and probes points_ref for each.
CREATE INDEX hazards_near_miss_award ON hazards(id, reporter_id, status) WHERE near_miss = 1 AND anonymous = 0;
