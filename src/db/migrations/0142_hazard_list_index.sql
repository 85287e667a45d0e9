-- 0142_hazard_list_index.sql — the hazard list's visibility probe reads an index alone.
--
-- The list (src/hazard/hazard_list.c) walks hazards newest first by id and keeps those the
-- person may read (HAZARD_VISIBLE_SQL): for a hazard outside their units the last test is
-- "did this person act on it", a probe of hazard_events by hazard and user. Through
-- hazard_events_hazard (hazard_id, id) that probe read every event row of the hazard to see
-- its user_id; with the user beside the hazard in the index it is one index seek. At a plant
-- group's million hazards two in three rows a plant's safety officer pages past are another
-- plant's, so this is most of the list's work.
CREATE INDEX hazard_events_user ON hazard_events(hazard_id, user_id);
