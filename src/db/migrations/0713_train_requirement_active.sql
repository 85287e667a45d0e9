-- 0713_train_requirement_active.sql — a requirement is withdrawn, not deleted (its history
-- explains past matrices and audits): only active requirements apply.
ALTER TABLE train_requirements ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
