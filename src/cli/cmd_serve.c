/*
 * cmd_serve.c — `anquan serve [--demo]`: open and migrate the database, optionally load the
 * demo company into an empty one, then serve until SIGTERM/SIGINT, finishing requests in
 * flight and checkpointing the WAL on the way out. SIGHUP is ignored (logged): the server logs
 * to standard error, which it does not reopen, and its configuration is read once at start.
 */
#include "audit/audit.h"
#include "cli/cli.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/log.h"
#include "db/db.h"
#include "db/leader.h"
#include "http/http.h"
#include "notify/notify.h"
#include "sched/sched.h"
#include "web/i18n.h"
#include "sensor/sensor.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cmd_serve(int argc, char **argv)
{
	int demo = 0;
	if (cli_wants_help(argc, argv)) {
		printf("usage: anquan serve [--demo] [--listen=HOST:PORT] [--data=DIR]\n\n"
		       "Serve the web pages and the JSON API. --demo loads the demo company when\n"
		       "the database is empty. Stop with SIGTERM or Ctrl-C.\n");
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--demo")) {
			demo = 1;
		} else {
			fprintf(stderr, "anquan serve: unknown argument '%s'\n", argv[i]);
			return 2;
		}
	}
	/* signals go to sigwait() in this thread, not to the server's threads */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	/* blocked here, before any thread starts, so that no thread gets the default action
	 * (which for SIGHUP is to end the process without a clean stop) */
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (clock_test_mode())
		log_warn("test mode: the clock can be set through /api/v1/test/clock");
	cli_private_files();
	if (mkdir(cfg.data, 0700) && errno != EEXIST) {
		log_error("cannot create data directory %s: %s", cfg.data, strerror(errno));
		return 1;
	}
	int lock = cli_lock_data();
	if (lock == -2)
		log_error("another anquan serve is running on %s; stop it first", cfg.data);
	if (lock < 0)
		return 1;
	struct db *c = cli_open_db();
	if (!c) {
		close(lock);
		return 1;
	}
	if (demo) {
		int64_t users = 0;
		db_get_i64(c, &users, "SELECT count(*) FROM users", NULL);
		if (!users && demo_load(c, 0)) {
			db_close(c);
			audit_close();
			close(lock);
			return 1;
		}
	}
	db_close(c);
	i18n_init();
	char *err = NULL;
	if (db_pool_init(cli_db_path(), cfg.threads + 2, &err)) {
		log_error("database: %s", err ? err : "?");
		audit_close();
		close(lock);
		return 1;
	}
	struct http_config hc = {cfg.listen, cfg.threads, cfg.max_connections, cfg.idle_timeout,
				 cfg.secure_cookies, cfg.head_timeout, cfg.max_per_address,
				 cfg.metrics_listen, cfg.metrics_token, cfg.rate_per_address,
				 cfg.rate_per_token};
	if (http_start(&hc)) {
		db_pool_close();
		audit_close();
		close(lock);
		return 1;
	}
	/* which of the app servers on this database runs the background work below (one on
	 * SQLite, this one); asked before they start, so a lone server runs them at once */
	if (db_leader_start(cli_db_path(), cfg.leader_retry)) {
		http_stop();
		db_pool_close();
		audit_close();
		close(lock);
		return 1;
	}
	if (sched_start(60)) {
		db_leader_stop();
		http_stop();
		db_pool_close();
		audit_close();
		close(lock);
		return 1;
	}
	/* after the scheduler: a start that fails stops both */
	if (notify_sender_start(cfg.notify_interval_ms)) {
		sched_stop();
		db_leader_stop();
		http_stop();
		db_pool_close();
		audit_close();
		close(lock);
		return 1;
	}
	/* readings by MQTT (sensor.mqtt_url; idle while it is empty) */
	if (sensor_mqtt_start())
		log_warn("sensor mqtt: the subscriber thread did not start; readings come by HTTP only");
	log_info("anquan serving on http://%s (data %s)", cfg.listen, cfg.data);
	http_wait_for_signal();
	sensor_mqtt_stop();
	notify_sender_stop();
	sched_stop();
	db_leader_stop();	/* after the work it guards: another server may take over now */
	http_stop();
	db_pool_close();
	audit_close();	/* fsyncs the anchor */
	close(lock);
	log_info("stopped cleanly");
	return 0;
}
