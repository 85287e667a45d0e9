/*
 * sensor_mqtt.c — readings by MQTT: a subscriber thread of `serve` (libmosquitto) on the
 * broker and topic of the settings sensor.mqtt_url ("mqtt://host:port"; empty: off),
 * sensor.mqtt_topic, sensor.mqtt_user and the password sealed in sensor_secrets (a write-only
 * secret set on /sensors/mqtt, opened here with notify_secret_open). A message carries what an
 * HTTP batch carries (a JSON array of readings, or one reading) and goes through the same
 * sensor_ingest(), so the same refusals and the same "stored once" hold; the broker
 * authenticates the publisher, so a message may name any sensor.
 *
 * The thread reads the settings before each connection, and a saved change
 * (sensor_mqtt_reload) drops the current one, so it takes effect at once; when the broker goes away it connects again after 1, 2, 4 … up to
 * 10 s, and subscribes again on every connection (a clean session keeps no subscription).
 * Subscribed at QoS 1: a message the broker sent again after a lost acknowledgement is
 * simply a duplicate batch. Its counters are shown by GET /api/v1/sensor-mqtt.
 *
 * With several app servers on one database only the leader subscribes (db/leader.h): a
 * follower's thread waits as if the setting were empty, and a leader that loses the lock
 * disconnects; the counters are those of the server that answers.
 */
#include "sensor/sensor.h"
#include "base/clock.h"
#include "base/log.h"
#include "db/db.h"
#include "db/leader.h"
#include "notify/notify_chan.h"

#include <mosquitto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_t thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int stopping, running, reload;
static struct sensor_mqtt_stats stats;
static char topic[256];

void sensor_mqtt_get_stats(struct sensor_mqtt_stats *out)
{
	pthread_mutex_lock(&lock);
	*out = stats;
	pthread_mutex_unlock(&lock);
}

static void count(int connected, int messages, int stored, int refused, int errors, const char *err)
{
	pthread_mutex_lock(&lock);
	if (connected >= 0)
		stats.connected = connected;
	if (connected == 1)
		stats.connections++;
	stats.messages += messages;
	stats.stored += stored;
	stats.refused += refused;
	stats.errors += errors;
	if (err)
		snprintf(stats.last_error, sizeof(stats.last_error), "%s", err);
	pthread_mutex_unlock(&lock);
}

/* Wait ms or until stopped; 1 when stopping. */
static int pause_ms(int ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&lock);
	while (!stopping && !reload && pthread_cond_timedwait(&wake, &lock, &until) == 0)
		;
	int s = stopping;
	pthread_mutex_unlock(&lock);
	return s;
}

static void on_connect(struct mosquitto *m, void *arg, int rc)
{
	(void)arg;
	if (rc) {
		count(0, 0, 0, 0, 1, mosquitto_connack_string(rc));
		return;
	}
	if (mosquitto_subscribe(m, NULL, topic, 1) != MOSQ_ERR_SUCCESS) {
		count(0, 0, 0, 0, 1, "subscribe failed");
		return;
	}
}

static void on_subscribe(struct mosquitto *m, void *arg, int mid, int n, const int *granted)
{
	(void)m, (void)arg, (void)mid;
	/* connected for readings only once the broker granted the subscription */
	if (n >= 1 && granted[0] <= 2)
		count(1, 0, 0, 0, 0, NULL);
}

static void on_message(struct mosquitto *m, void *arg, const struct mosquitto_message *msg)
{
	(void)m, (void)arg;
	if (msg->payloadlen <= 0 || msg->payloadlen > (int)HTTP_MAX_JSON) {
		count(-1, 1, 0, 0, 1, "message empty or over 1 MiB");
		return;
	}
	json_error_t jerr;
	json_t *batch = json_loadb(msg->payload, (size_t)msg->payloadlen, 0, &jerr);
	if (json_is_object(batch)) {
		json_t *one = json_array();
		json_array_append_new(one, batch);
		batch = one;
	}
	if (!json_is_array(batch) || json_array_size(batch) > SENSOR_BATCH_MAX) {
		json_decref(batch);
		count(-1, 1, 0, 0, 1, "not a JSON array of at most 1000 readings");
		return;
	}
	json_t *results = json_array();
	int stored = 0, refused = 0;
	struct db *c = db_acquire();
	int rc = c ? sensor_ingest(c, batch, 0, clock_now(), results, &stored, &refused) : -1;
	if (c)
		db_release(c);
	count(-1, 1, stored, refused, rc ? 1 : 0, rc ? "database" : NULL);
	json_decref(results);
	json_decref(batch);
}

/* Settings read fresh at each connection. 0 with a broker to connect to, -1 when off. */
static int read_settings(char *host, size_t hn, int *port, char *user, char *pass, size_t n)
{
	struct db *c = db_acquire();
	if (!c)
		return -1;
	char *url = NULL, *t = NULL, *u = NULL, *p = NULL;
	db_get_text(c, &url, "SELECT value FROM settings WHERE key = 'sensor.mqtt_url'", NULL);
	db_get_text(c, &t, "SELECT value FROM settings WHERE key = 'sensor.mqtt_topic'", NULL);
	db_get_text(c, &u, "SELECT value FROM settings WHERE key = 'sensor.mqtt_user'", NULL);
	db_get_text(c, &p, "SELECT sealed FROM sensor_secrets WHERE name = 'mqtt_password'", NULL);
	db_release(c);
	if (p) {
		char *plain = notify_secret_open(p);
		free(p);
		p = plain;	/* NULL when the key changed: connect without, and say so */
		if (!p)
			count(-1, 0, 0, 0, 1, "the stored password does not open (server key changed?)");
	}
	int rc = -1;
	*port = 1883;
	/* mqtt://host[:port] */
	if (url && !strncmp(url, "mqtt://", 7) && url[7]) {
		const char *h = url + 7, *colon = strrchr(h, ':');
		size_t len = colon ? (size_t)(colon - h) : strlen(h);
		if (colon)
			*port = atoi(colon + 1);
		if (len > 0 && len < hn && *port > 0 && *port < 65536) {
			memcpy(host, h, len);
			host[len] = '\0';
			rc = 0;
		}
	}
	pthread_mutex_lock(&lock);
	snprintf(topic, sizeof(topic), "%s", t && *t ? t : "anquan/readings");
	pthread_mutex_unlock(&lock);
	snprintf(user, n, "%s", u ? u : "");
	snprintf(pass, n, "%s", p ? p : "");
	free(url), free(t), free(u), free(p);
	return rc;
}

static void *loop(void *arg)
{
	(void)arg;
	int backoff = 1000;
	char host[256], user[128], pass[128], id[48];
	snprintf(id, sizeof(id), "anquan-%ld", (long)getpid());
	while (!stopping) {
		int port;
		pthread_mutex_lock(&lock);
		reload = 0;
		pthread_mutex_unlock(&lock);
		/* one subscriber among the app servers sharing a database (db/leader.h): on two,
		 * the broker would hand every message to both */
		if (!db_leader_term() || read_settings(host, sizeof(host), &port, user, pass, sizeof(user))) {
			if (pause_ms(2000))	/* off: look again shortly, a setting may have been made */
				break;
			continue;
		}
		struct mosquitto *m = mosquitto_new(id, true, NULL);
		if (!m) {
			pause_ms(backoff);
			continue;
		}
		mosquitto_connect_callback_set(m, on_connect);
		mosquitto_subscribe_callback_set(m, on_subscribe);
		mosquitto_message_callback_set(m, on_message);
		if (*user)
			mosquitto_username_pw_set(m, user, pass);
		int rc = mosquitto_connect(m, host, port, 30);
		if (rc == MOSQ_ERR_SUCCESS) {
			while (!stopping && (rc = mosquitto_loop(m, 500, 1)) == MOSQ_ERR_SUCCESS) {
				pthread_mutex_lock(&lock);
				int up = stats.connected, again = reload;
				pthread_mutex_unlock(&lock);
				if (again || !db_leader_term())
					break;	/* the settings changed, or another server leads now */
				if (up)
					backoff = 1000;
			}
			mosquitto_disconnect(m);
		}
		if (!stopping) {
			count(0, 0, 0, 0, 1, mosquitto_strerror(rc));
			log_warn("sensor mqtt: %s:%d: %s; connecting again in %d ms", host, port, mosquitto_strerror(rc),
				 backoff);
		}
		mosquitto_destroy(m);
		count(0, 0, 0, 0, 0, NULL);
		pthread_mutex_lock(&lock);
		int again = reload;
		pthread_mutex_unlock(&lock);
		if (again) {
			backoff = 1000;
			continue;
		}
		if (pause_ms(backoff))
			break;
		backoff = backoff * 2 > 10000 ? 10000 : backoff * 2;
	}
	return NULL;
}

void sensor_mqtt_reload(void)
{
	pthread_mutex_lock(&lock);
	reload = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}

/* A password a plant had put in the old plain setting sensor.mqtt_password: sealed into
 * sensor_secrets and the setting emptied, once, at start-up (SQL cannot seal it). */
static void seal_plain_password(void)
{
	struct db *c = db_acquire();
	if (!c)
		return;
	char *p = NULL;
	if (db_get_text(c, &p, "SELECT value FROM settings WHERE key = 'sensor.mqtt_password'", NULL) == 1 && p && *p) {
		char *sealed = notify_secret_seal(p);
		int64_t now = clock_now();
		if (sealed && db_begin(c) == DB_OK) {
			if (db_exec(c, "INSERT INTO sensor_secrets (name, sealed, updated_at) VALUES ('mqtt_password', ?, ?)"
				       " ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at",
				    "tI", sealed, now) == DB_OK &&
			    db_exec(c, "UPDATE settings SET value = '' WHERE key = 'sensor.mqtt_password'", NULL) == DB_OK &&
			    db_commit(c) == DB_OK)
				log_info("sensor mqtt: the plain password setting was sealed and emptied");
			else
				db_rollback(c);
		}
		free(sealed);
	}
	free(p);
	db_release(c);
}

int sensor_mqtt_start(void)
{
	seal_plain_password();
	mosquitto_lib_init();
	stopping = 0;
	if (pthread_create(&thread, NULL, loop, NULL) != 0)
		return -1;
	running = 1;
	return 0;
}

void sensor_mqtt_stop(void)
{
	if (running) {
		pthread_mutex_lock(&lock);
		stopping = 1;
		pthread_cond_signal(&wake);
		pthread_mutex_unlock(&lock);
		pthread_join(thread, NULL);
		running = 0;
	}
	mosquitto_lib_cleanup();
}
