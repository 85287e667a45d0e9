/*
 * audit_sql.h — the SQL behind /audit's filters and GET /api/v1/audit, shared with the unit
 * test that reads their query plans (tests/unit/test_audit_sql.c).
 *
 * The log only grows (every change of every module lands here), so the filters must not read
 * all of it. An "(? = '' OR action = ?)" condition can use no index, so each query comes in
 * variants that lead with the one chosen filter the indexes serve (0011_audit_filter_indexes.sql):
 * the object, the person, the action, the start date; the optional conditions follow for the
 * rest. The drop-downs list the distinct values by hopping through an index (one search per
 * value) instead of reading every row.
 *
 * Parameters, numbered: ?1 entity, ?2 entity_id, ?3 username, ?4 action, ?5 from, ?6 to
 * (0 or '' = not filtered); a list query adds LIMIT and OFFSET as ?7 and ?8.
 */
#ifndef ANQUAN_AUDIT_SQL_H
#define ANQUAN_AUDIT_SQL_H

#define AUDIT_COND " (?1 = '' OR entity = ?1) AND (?2 = 0 OR entity_id = ?2)" \
	" AND (?3 = '' OR username = ?3) AND (?4 = '' OR action = ?4)" \
	" AND (?5 = 0 OR at >= ?5) AND (?6 = 0 OR at <= ?6)"
#define AUDIT_BY_ENTITY " WHERE entity = ?1 AND" AUDIT_COND
#define AUDIT_BY_USER " WHERE username = ?3 AND" AUDIT_COND
#define AUDIT_BY_ACTION " WHERE action = ?4 AND" AUDIT_COND
#define AUDIT_BY_FROM " WHERE at >= ?5 AND" AUDIT_COND
#define AUDIT_BY_NONE " WHERE" AUDIT_COND
#define AUDIT_TYPES "tIttII"
#define AUDIT_ARGS(f) (f)->entity, (f)->entity_id, (f)->username, (f)->action, (f)->at_from, (f)->at_to

/* HEAD + the variant for filter f + TAIL, all string literals (the format checker reads them) */
#define AUDIT_SQL(f, HEAD, TAIL)                                                       \
	(*(f)->entity ? HEAD AUDIT_BY_ENTITY TAIL                                      \
	 : *(f)->username ? HEAD AUDIT_BY_USER TAIL                                    \
	 : *(f)->action ? HEAD AUDIT_BY_ACTION TAIL                                    \
	 : (f)->at_from ? HEAD AUDIT_BY_FROM TAIL : HEAD AUDIT_BY_NONE TAIL)

#define AUDIT_COUNT_HEAD "SELECT count(*) FROM audit_log"
#define AUDIT_LIST_HEAD "SELECT id, at, COALESCE(user_id, 0), username, client_ip, entity, entity_id, action," \
	" summary FROM audit_log"
#define AUDIT_LIST_TAIL " ORDER BY id DESC LIMIT ?7 OFFSET ?8"
/* the page's list: the names joined to the page of entries only */
#define AUDIT_PAGE_HEAD "SELECT a.id, a.at, a.username, a.client_ip, a.entity, a.entity_id," \
	" a.action, a.summary, COALESCE(u.name, ''), COALESCE(t.name, '')," \
	" CASE a.entity WHEN 'cert' THEN COALESCE((SELECT person_id FROM certs WHERE id = a.entity_id), 0)" \
	" ELSE a.entity_id END FROM (SELECT * FROM audit_log"
#define AUDIT_PAGE_TAIL AUDIT_LIST_TAIL ") a LEFT JOIN users u ON u.id = a.user_id" \
	" LEFT JOIN users t ON a.entity = 'user' AND t.id = a.entity_id ORDER BY a.id DESC"

/* The distinct values of an indexed column, smallest first, one index search each, at most
 * 500 (counted in n: PostgreSQL takes no LIMIT inside a recursive query). */
#define AUDIT_DISTINCT(col)                                                                    \
	"WITH RECURSIVE d(v, n) AS (SELECT min(" col "), 1 FROM audit_log WHERE " col " > ''"     \
	" UNION ALL SELECT (SELECT min(" col ") FROM audit_log WHERE " col " > d.v), n + 1 FROM d" \
	" WHERE d.v IS NOT NULL AND n < 500)"
#define AUDIT_ACTIONS_SQL AUDIT_DISTINCT("action") " SELECT v, '' FROM d WHERE v IS NOT NULL"
#define AUDIT_ENTITIES_SQL AUDIT_DISTINCT("entity") " SELECT v, '' FROM d WHERE v IS NOT NULL"
/* each account with the name of the person behind its latest entry ('' for demo, cli) */
#define AUDIT_USERS_SQL AUDIT_DISTINCT("username")                                            \
	" SELECT v, COALESCE((SELECT u.name FROM users u WHERE u.id = (SELECT a.user_id FROM audit_log a" \
	" WHERE a.username = d.v ORDER BY a.id DESC LIMIT 1)), '') AS name FROM d WHERE v IS NOT NULL"  \
	" ORDER BY 2, 1"

#endif
