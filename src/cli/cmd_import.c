/*
 * cmd_import.c — `anquan import certs FILE [--commit]`: the certificate ledger import from
 * the command line, with the same code as the /certs/import page (cert_import). Without
 * --commit it is a dry run that lists the problems; with it, all rows are written in one
 * transaction or none is. Exit status 0 when the file is clean (and committed), 1 otherwise.
 */
#include "cli/cli.h"
#include "auth/actor.h"
#include "base/strbuf.h"
#include "cert/cert.h"
#include "db/db.h"
#include "web/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --help asks for it: stdout and success; a wrong call: stderr and status 2. */
static int usage(int asked)
{
	fprintf(asked ? stdout : stderr, "usage: anquan import certs FILE [--commit] [--lang=zh|en]\n\n"
			"Check a certificate ledger (XLSX or CSV with the columns 姓名, 工号, 工种/作业类别,\n"
			"证件编号, 发证机关, 初领日期, 有效期至, 复审日期, 所属车间) and list each row's problems.\n"
			"With --commit, write every row in one transaction if none has a problem.\n");
	return asked ? 0 : 2;
}

int cmd_import(int argc, char **argv)
{
	const char *file = NULL, *lang = "zh";
	int commit = 0;
	if (cli_wants_help(argc, argv))
		return usage(1);
	if (argc < 3 || strcmp(argv[1], "certs"))
		return usage(0);
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--commit"))
			commit = 1;
		else if (!strncmp(argv[i], "--lang=", 7))
			lang = argv[i] + 7;
		else if (!file)
			file = argv[i];
		else
			return usage(0);
	}
	if (!file)
		return usage(0);
	FILE *f = fopen(file, "rb");
	if (!f) {
		fprintf(stderr, "anquan import: cannot open %s\n", file);
		return 1;
	}
	struct strbuf data = STRBUF_INIT;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(&data, buf, n);
	fclose(f);
	i18n_init();
	struct db *c = cli_open_db();
	if (!c) {
		sb_release(&data);
		return 1;
	}
	struct actor cli;	/* the command line: the program acting, "cli" in the audit log */
	actor_system(c, "cli", &cli);
	struct cert_import_result res;
	int rc = cert_import(&cli, data.buf, data.len, commit, &res);
	sb_release(&data);
	if (rc) {
		printf("%s%s%s\n", i18n_get(lang, res.fatal_key), res.fatal_detail ? ": " : "",
		       res.fatal_detail ? res.fatal_detail : "");
	} else {
		printf("%s %s · %d rows · %d ok · %d with problems\n", res.format, res.encoding, res.rows, res.ok, res.bad);
		for (int i = 0; i < res.shown; i++)
			printf("  row %d  %s  %s  %s\n", res.problems[i].row, res.problems[i].field,
			       i18n_get(lang, res.problems[i].key), res.problems[i].value);
		if (res.nproblems > res.shown)
			printf("  … %d more problems\n", res.nproblems - res.shown);
		if (commit)
			printf("%d certificates written, %d persons created\n", res.committed, res.persons_created);
	}
	int ok = !rc && !res.bad && (!commit || res.committed);
	cert_import_result_free(&res);
	db_close(c);
	return ok ? 0 : 1;
}
