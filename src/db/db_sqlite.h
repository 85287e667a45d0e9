/*
 * db_sqlite.h — the SQLite connection under a struct db, for the one program that must talk
 * to SQLite itself: bench/gen.c, which writes a million rows with its own prepared statements
 * at a speed the typed db_* calls would halve. Nothing in src/ outside src/db includes it
 * (tests/check-static); a second backend has no such header.
 */
#ifndef ANQUAN_DB_SQLITE_H
#define ANQUAN_DB_SQLITE_H

#include <sqlite3.h>

struct db;

sqlite3 *db_sqlite_handle(struct db *c);

#endif
