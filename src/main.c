/*
 * main.c — `anquan`: dispatch to a sub-command after loading the configuration.
 */
#include "base/config.h"
#include "base/version.h"
#include "cli/cli.h"
#include "modules.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} commands[] = {
	{"serve", cmd_serve, "run the web server (add --demo to load the demo company when empty)"},
	{"migrate", cmd_migrate, "create or upgrade the database"},
	{"demo", cmd_demo, "load the demo company into an empty database"},
	{"unit", cmd_unit, "create the first units of an empty installation (unit add | unit list)"},
	{"user", cmd_user, "add a user or set a password (user add | user passwd)"},
	{"backup", cmd_backup, "copy the database to FILE, consistently, while serving"},
	{"restore", cmd_restore, "replace the database with a checked backup (server stopped)"},
	{"audit", cmd_audit, "check the audit log's hash chain (audit verify)"},
	{"config", cmd_config, "print the effective configuration and where each value came from"},
	{"import", cmd_import, "import a certificate ledger (import certs FILE [--commit])"},
	{"files", cmd_files, "move photos and files out of the database into files.dir (files export)"},
	{"migrate-to-pg", cmd_migrate_pg, "copy an SQLite database into an empty PostgreSQL one"},
	{"sensors", cmd_sensors, "feed synthetic sensor readings for the demo (sensors simulate)"},
	{"routes", cmd_routes, "list every route with its permission (for tests and docs)"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: anquan [--key=value ...] COMMAND [ARGS]\n\n"
		   "安全生产管理系统 — safety production management.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "  %-8s %s\n", "--version", "print the version and build date");
	fprintf(f, "\nEach command takes --help. Configuration: file, then ANQUAN_* environment,\n"
		   "then --key=value flags; `anquan config` prints the effective values.\n");
}

int main(int argc, char **argv)
{
	char *err = NULL;
	/* before the configuration: a broken file must not hide which program this is */
	if (argc == 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version"))) {
		printf("anquan %s (built %s)\n", version_string(), version_build_date());
		return 0;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "anquan: libsodium failed to initialise\n");
		return 1;
	}
	if (modules_register()) {	/* before anything walks routes, menus or jobs */
		fprintf(stderr, "anquan: out of memory\n");
		return 1;
	}
	argc = config_load(argc, argv, &err);
	if (argc < 0) {
		fprintf(stderr, "anquan: %s\n", err);
		free(err);
		return 2;
	}
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "anquan: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
