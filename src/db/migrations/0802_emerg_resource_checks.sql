-- 0802_emerg_resource_checks.sql — the monthly check of each emergency supply (应急物资月检)
-- as a check task (origin 'resource', 0601): the supply it checks, and the starter checklist
-- the emergency module's job generates the tasks from. A record of the task sets the supply's
-- checked_on; a failed item warns its owner (docs/emergency.md "Supplies").
ALTER TABLE check_tasks ADD COLUMN resource_id INTEGER REFERENCES emerg_resources(id);
CREATE INDEX check_tasks_resource ON check_tasks(resource_id, window_start);

-- The starter checklist, built in (every unit's); it may be edited into new versions like any
-- other. emerg.check_template names it (a plant may point the setting at its own checklist).
INSERT INTO check_templates (unit_id, name, kind, source, version, created_at, updated_at)
VALUES (NULL, '应急物资月检', 'other', 1, 1, 0, 0);
INSERT INTO check_template_items (template_id, version, seq, kind, label)
SELECT id, 1, 1, 'pass_fail', '数量齐全 / Quantity present' FROM check_templates WHERE name = '应急物资月检' AND unit_id IS NULL;
INSERT INTO check_template_items (template_id, version, seq, kind, label)
SELECT id, 1, 2, 'pass_fail', '在有效期内 / Within expiry' FROM check_templates WHERE name = '应急物资月检' AND unit_id IS NULL;
INSERT INTO check_template_items (template_id, version, seq, kind, label)
SELECT id, 1, 3, 'pass_fail', '封条完好 / Seal intact' FROM check_templates WHERE name = '应急物资月检' AND unit_id IS NULL;
INSERT INTO check_template_items (template_id, version, seq, kind, label)
SELECT id, 1, 4, 'pass_fail', '取用通道畅通 / Accessible' FROM check_templates WHERE name = '应急物资月检' AND unit_id IS NULL;
INSERT INTO settings (key, value)
SELECT 'emerg.check_template', CAST(min(id) AS TEXT) FROM check_templates WHERE name = '应急物资月检' AND unit_id IS NULL;
