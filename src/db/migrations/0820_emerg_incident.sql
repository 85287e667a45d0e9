-- 0820_emerg_incident.sql — emergency mode for a real incident: the commander opens it from
-- the incident, and it runs on the drill machinery (check-ins, key actions, steps) as a
-- "drill" of kind 'incident' tied to the incident. One per incident. Such rows are no drill:
-- they count towards no drill minimum and stay out of the year's drill list.
ALTER TABLE emerg_drills ADD COLUMN incident_id INTEGER REFERENCES incidents(id);
CREATE UNIQUE INDEX emerg_drills_incident ON emerg_drills (incident_id) WHERE incident_id IS NOT NULL;
