/*
 * cmd_misc.c — the small sub-commands: migrate, audit verify, config, routes (backup and
 * restore are in cmd_backup.c).
 */
#include "cli/cli.h"
#include "audit/audit.h"
#include "base/config.h"
#include "db/db.h"
#include "http/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_migrate(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: anquan migrate\n\nCreate the database under the data directory, or apply\n"
		       "the migrations it lacks. Safe to run again.\n");
		return 0;
	}
	struct db *c = cli_open_db();
	if (!c)
		return 1;
	int64_t v = 0;
	db_get_i64(c, &v, "SELECT COALESCE(max(version), 0) FROM schema_migrations", NULL);
	printf("database %s at version %lld\n", cli_db_path(), (long long)v);
	db_close(c);
	return 0;
}

int cmd_audit(int argc, char **argv)
{
	if (cli_wants_help(argc, argv) || argc != 2 || strcmp(argv[1], "verify")) {
		printf("usage: anquan audit verify\n\nRecompute the audit log's keyed hash chain (key in\n"
		       "DATA/audit.key) and compare its head with DATA/audit.anchor. Reports the first\n"
		       "entry edited, reordered or deleted, the newest entries deleted (truncated), an\n"
		       "emptied log, and a chain recomputed without the key. Exit 0 if intact, 1 if not.\n");
		return cli_wants_help(argc, argv) ? 0 : 2;
	}
	struct db *c = cli_open_db_readonly_key();
	if (!c)
		return 1;
	struct audit_report r;
	int rc = audit_check(c, NULL, &r);
	db_close(c);
	const char *anchor = audit_anchor_path() ? audit_anchor_path() : "the anchor file";
	long long last = (long long)r.last_id, seq = (long long)r.anchor.seq;
	if (rc < 0) {
		fprintf(stderr, "anquan audit verify: %s\n", r.why);
		return 1;
	}
	switch (r.state) {
	case AUDIT_INTACT:
		printf("OK: %lld entries, chain intact", (long long)r.checked);
		if (seq)
			printf("; anchored head %lld in %s", seq, anchor);
		if (seq && last > seq)	/* a crash between a commit and its anchor line */
			printf(" (%lld newest not yet anchored)", last - seq);
		printf("\n");
		audit_close();
		return 0;
	case AUDIT_TRUNCATED:
		printf("TRUNCATED: the log ends at entry %lld, but %s records entry %lld: the %lld newest"
		       " entries were deleted\n", last, anchor, seq, seq - last);
		break;
	case AUDIT_EMPTIED:
		printf("EMPTIED: the log has no entries, but %s records %lld: the table was emptied\n",
		       anchor, seq);
		break;
	case AUDIT_REWRITTEN:
		printf("REWRITTEN at entry %lld: its hash is not the head recorded in %s: the log was"
		       " changed and its chain recomputed\n", (long long)r.bad_id, anchor);
		break;
	default:
		printf("BROKEN at entry %lld: %s (%lld entries read)\n", (long long)r.bad_id, r.why,
		       (long long)r.checked);
		break;
	}
	audit_close();
	return 1;
}

int cmd_config(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: anquan config\n\nPrint every configuration key, its effective value, where the\n"
		       "value came from, and the environment variable that sets it.\n");
		return 0;
	}
	config_print();
	return 0;
}

int cmd_routes(int argc, char **argv)
{
	int json = argc > 1 && !strcmp(argv[1], "--json");
	if (cli_wants_help(argc, argv)) {
		printf("usage: anquan routes [--json]\n\nList every route: method, pattern, permission, flags.\n");
		return 0;
	}
	json_t *all = json_array();
	for (int t = 0; http_route_table(t); t++) {
		for (const struct route *rt = http_route_table(t); rt->pattern; rt++) {
			if (json) {
				json_array_append_new(all, json_pack("{s:s, s:s, s:s?, s:b, s:b, s:s}",
					"method", rt->method, "pattern", rt->pattern, "perm", rt->perm,
					"public", (rt->flags & ROUTE_PUBLIC) != 0, "api",
					(rt->flags & ROUTE_API) != 0, "summary", rt->summary ? rt->summary : ""));
			} else {
				printf("%-6s %-40s %-18s %s\n", rt->method, rt->pattern,
				       rt->perm ? rt->perm : (rt->flags & ROUTE_PUBLIC) ? "(public)" : "(login)",
				       rt->summary ? rt->summary : "");
			}
		}
	}
	if (json) {
		char *s = json_dumps(all, JSON_INDENT(1));
		puts(s);
		free(s);
	}
	json_decref(all);
	return 0;
}
