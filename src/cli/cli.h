/*
 * cli.h — the sub-commands of `anquan`, one file each (git's builtin/ layout).
 * Each returns the process exit status: 0 success, 1 failure, 2 bad usage.
 */
#ifndef ANQUAN_CLI_H
#define ANQUAN_CLI_H

struct db;

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_unit(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_sensors(int argc, char **argv);
int cmd_files(int argc, char **argv);
int cmd_migrate_pg(int argc, char **argv);

/* Open (creating the data directory if needed) and migrate the database, and load the audit
 * key (created at the first start) and anchor. NULL on error, logged. */
struct db *cli_open_db(void);
/* The same for commands that must work without the right audit key (backup, audit verify):
 * a missing key is not created, a wrong one is reported and kept for the report. */
struct db *cli_open_db_readonly_key(void);
/* umask 077: files this process creates are the owner's only. */
void cli_private_files(void);
const char *cli_db_path(void);
int cli_wants_help(int argc, char **argv);
/* Lock DATA/anquan.lock for this process's life: `serve` holds it, `restore` takes it to be
 * sure no server uses the database. Returns the fd, -2 if another process holds it, -1 on
 * error (logged). */
int cli_lock_data(void);
/* Load the demo company into an empty database; used by `demo` and `serve --demo`. */
int demo_load(struct db *c, int quiet);

#endif
