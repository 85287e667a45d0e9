-- 1300_http_rate.sql — the request-rate buckets shared by the app servers of one database
-- (src/db/rate.c). Used on PostgreSQL only, where several servers answer for one site and a
-- client's allowance must be counted once for all of them; a lone SQLite server keeps its
-- buckets in memory (src/http/ratelimit.c) and leaves this table empty. On PostgreSQL the
-- table is UNLOGGED (migrations/pg/1300_http_rate.sql): a minute's counts are not worth a
-- WAL record per request, and a crash that empties them only forgives a minute.
--
-- key: a hash of the kind ('a' address, 't' bearer token) and the value, never the token;
-- tokens: what is left of the minute's allowance; at: when it was last taken (epoch seconds,
-- the database server's clock, the one clock the servers share); granted: how many requests
-- the last take got (0: refused).
CREATE TABLE http_rate (
	key TEXT PRIMARY KEY,
	tokens REAL NOT NULL,
	at REAL NOT NULL,
	granted INTEGER NOT NULL DEFAULT 0
);
