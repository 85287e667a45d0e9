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

/* `anquan audit export [--csv|--jsonl] [FILE]` and `anquan audit export --public-key` */
static int audit_export_cmd(int argc, char **argv)
{
	int jsonl = 1, pubkey = 0;
	const char *file = NULL;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--csv"))
			jsonl = 0;
		else if (!strcmp(argv[i], "--jsonl"))
			jsonl = 1;
		else if (!strcmp(argv[i], "--public-key"))
			pubkey = 1;
		else if (argv[i][0] != '-' && !file)
			file = argv[i];
		else {
			fprintf(stderr, "anquan audit export: unknown argument '%s'\n", argv[i]);
			return 2;
		}
	}
	struct db *c = cli_open_db_readonly_key();
	if (!c)
		return 1;
	if (pubkey) {
		char hex[65];
		int rc = audit_export_public_key(hex);
		db_close(c);
		audit_close();
		if (rc) {
			fprintf(stderr, "anquan audit export: no audit key in %s\n", cfg.data);
			return 1;
		}
		printf("%s\n", hex);
		return 0;
	}
	FILE *f = file ? fopen(file, "wx") : stdout;	/* never over an earlier export */
	if (!f) {
		fprintf(stderr, "anquan audit export: cannot create %s (it may exist already)\n", file);
		db_close(c);
		audit_close();
		return 1;
	}
	const char *why = NULL;
	int rc = audit_export(c, f, jsonl, &why);
	if ((file && fclose(f) != 0) || (!file && fflush(f) != 0))
		rc = -1, why = "writing the export failed";
	db_close(c);
	audit_close();
	if (rc < 0) {
		fprintf(stderr, "anquan audit export: %s\n", why);
		if (file)
			remove(file);
		return 1;
	}
	if (rc > 0)	/* written, so that the damage can be examined; said loudly */
		fprintf(stderr, "anquan audit export: WARNING, the chain is not intact: %s\n", why);
	return rc ? 1 : 0;
}

int cmd_audit(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "export") && !cli_wants_help(argc, argv))
		return audit_export_cmd(argc, argv);
	if (cli_wants_help(argc, argv) || argc != 2 || strcmp(argv[1], "verify")) {
		printf("usage: anquan audit verify\n"
		       "       anquan audit export [--jsonl|--csv] [FILE]\n"
		       "       anquan audit export --public-key\n\n"
		       "export writes the whole log (to FILE, which must not exist, or to standard\n"
		       "output) for a regulator: CSV to read, or JSON lines (the default) ending with a\n"
		       "trailer that holds the chain's head, the verify result and an Ed25519\n"
		       "signature of the lines' SHA-256; --public-key prints the key that checks it.\n\n"
		       "verify: Recompute the audit log's keyed hash chain (key in\n"
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
