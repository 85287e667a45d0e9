-- 1101_sensor_hazard.sql — an optional hazard at 报警: a reading that crosses a sensor's
-- alarm threshold files a hazard in the sensor's area, raised by the system without a photo.
--
-- sensors.hazard: 'default' follows the setting sensor.hazard_at_alarm ('1' on, '0' off),
-- 'on' and 'off' decide for this sensor alone.
-- sensor_alarms.hazard_state: '' no hazard asked for; 'pending' asked for by the crossing and
-- not yet filed (filed after the readings' transaction, or by the sensor job after a crash);
-- 'raised' this alarm filed hazard_id; 'joined' a hazard this sensor raised earlier was still
-- open, so the alarm is recorded on it instead of filing a second one; 'failed' the hazard
-- could not be filed (no category, area gone), the reason in hazard_note.
ALTER TABLE sensors ADD COLUMN hazard TEXT NOT NULL DEFAULT 'default';
ALTER TABLE sensor_alarms ADD COLUMN hazard_state TEXT NOT NULL DEFAULT '';
ALTER TABLE sensor_alarms ADD COLUMN hazard_id INTEGER REFERENCES hazards(id);
ALTER TABLE sensor_alarms ADD COLUMN hazard_note TEXT NOT NULL DEFAULT '';
CREATE INDEX sensor_alarms_hazard ON sensor_alarms (hazard_state);
CREATE INDEX sensor_alarms_hazard_id ON sensor_alarms (hazard_id);

-- sensor.hazard_category: the hazard category (hazard_categories.code) of the hazards filed;
-- sensor.hazard_urgency: their urgency (A/B/C, hazard deadlines).
INSERT INTO settings (key, value) VALUES
 ('sensor.hazard_at_alarm', '0'),
 ('sensor.hazard_category', 'chemical'),
 ('sensor.hazard_urgency', 'A')
ON CONFLICT (key) DO NOTHING;
