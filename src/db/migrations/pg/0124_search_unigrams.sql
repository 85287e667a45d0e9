-- 0124_search_unigrams.sql for PostgreSQL, run instead of the shared file of the same name
-- (migrate.c).
--
-- The shared file rebuilds SQLite's FTS5 index with FTS5's own 'rebuild' command, which has
-- no PostgreSQL form. Nothing to rebuild here: on PostgreSQL, hazards_fts was created after
-- the cjk2 tokenizer gained its single-character tokens, and every row of it is written by
-- the current tokenizer (hazard_search_sync), so its tokens already follow the new rules.
SELECT 1;
