-- 0130_hazard_duplicate_of.sql — a new report at the place and category of a hazard still open.
--
-- At report time the hazard is marked as a probable duplicate of the newest open hazard with
-- the same area and category (repeat_of covers the closed ones). The accepter may then merge
-- it: it is cancelled with the merge recorded in its timeline, and this column keeps the link.
ALTER TABLE hazards ADD COLUMN duplicate_of INTEGER REFERENCES hazards(id);
