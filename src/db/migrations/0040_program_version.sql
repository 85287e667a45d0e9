-- 0040_program_version.sql — which anquan last migrated this database, so that an older
-- anquan started on it (a downgrade, a restored old package) refuses naming both versions
-- instead of running on tables it does not know.
CREATE TABLE program_version (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	version TEXT NOT NULL,
	migrated_at BIGINT NOT NULL
);
