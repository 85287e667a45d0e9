-- 0501_risk_import_limit.sql — the largest risk register one import may hold (rows): the
-- import is one transaction holding the database's write lock, and 5,000 rows take about a
-- second, so a larger register is imported unit by unit (src/risk/risk_import.c).
INSERT INTO settings (key, value) VALUES ('risk.import_max_rows', '20000');
