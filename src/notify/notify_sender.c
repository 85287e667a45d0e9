/*
 * notify_sender.c — delivering the outbox.
 *
 * One channel at a time, oldest row first: a batch is claimed (state `sending`, attempts + 1,
 * and a row in notify_sends for the per-minute limit, all committed) before the request goes
 * out, and its outcome is recorded after. So a crash before the claim leaves the rows queued
 * (sent later, once), and a crash during the request leaves them `sending`, which
 * notify_recover() at the next start turns back into `retrying` with the same idempotency key
 * (a receiver that saw the first try can drop the repeat by it: Message-ID, X-Anquan-Delivery).
 * A row already `sent` is never sent again, whatever happens.
 *
 * Failures back off exponentially with jitter (half the delay fixed, half random, so robots
 * that failed together do not all come back in the same second): notify.backoff_seconds
 * (30) × 2^(attempt-1), at most 6 h. After notify.max_attempts (5) the row is `dead` and waits
 * for an administrator's re-send (/admin/notify/outbox). A service that says "too many"
 * (HTTP 429, WeCom 45009, DingTalk 130101) is left alone for a minute, DingTalk for the 10
 * minutes it blocks the robot.
 *
 * The per-minute limit (notify_channels.per_minute, 20 for the robots) counts requests of
 * the last 60 s in notify_sends, so it holds across restarts. Robots coalesce: whatever is
 * due for one robot goes out as one message, up to its size limit, so a burst of 50 events
 * is 2–3 messages rather than a blocked robot. And in a flood, the minute's last request
 * carries what fits plus "另有 N 条" (N more, see the inbox) and stands for all the rest, which
 * is marked sent with it: a group robot that falls hours behind helps nobody, and every
 * person still has each message in the in-app inbox. A person's digest rows go out as one
 * e-mail.
 *
 * Several app servers on one PostgreSQL database: only the leader's thread sends (db/leader.h),
 * and the server that takes over recovers the dead leader's `sending` rows as after a crash.
 * A delivery started elsewhere (an administrator's test send) claims row by row like the
 * leader, and a row whose claim finds it already claimed is left to the one that claimed it,
 * so no row goes out twice from two servers.
 *
 * With the setting notify.viewer = 1 (the demo) nothing leaves the machine: each delivery is
 * written to notify_viewer, shown at /admin/notify/viewer.
 */
#include "notify/notify.h"
#include "notify/notify_chan.h"
#include "base/metrics.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "db/db.h"
#include "db/leader.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH_ROWS 100
#define MAX_CHANNELS 256

static pthread_mutex_t deliver_lock = PTHREAD_MUTEX_INITIALIZER;

static int64_t setting_i64(struct db *c, const char *key, int64_t def)
{
	char *v = NULL;
	int64_t n = def;
	if (db_get_text(c, &v, "SELECT value FROM settings WHERE key = ?", "t", key) == 1 && text_parse_i64(v, &n))
		n = def;
	free(v);
	return n;
}

struct opts {
	int64_t max_attempts, backoff, timeout_ms, viewer;
	char *base_url;
};

static void item_free(struct notify_item *it)
{
	free(it->idem_key);
	free(it->address);
	free(it->lang);
	free(it->kind);
	free(it->title);
	free(it->body);
	free(it->link);
}

static int robot(const char *kind)
{
	return !strcmp(kind, "wecom") || !strcmp(kind, "dingtalk");
}

static size_t robot_max(const struct notify_chan *ch)
{
	if (!strcmp(ch->kind, "dingtalk"))
		return NOTIFY_DINGTALK_MAX;
	return !strcmp(notify_chan_setting(ch, "format"), "markdown") ? NOTIFY_WECOM_MD_MAX : NOTIFY_WECOM_TEXT_MAX;
}

static size_t item_size(const struct notify_item *it, const char *base_url)
{
	return strlen(it->title) + strlen(it->body) + strlen(it->link) + strlen(base_url) + strlen(it->address) + 8;
}

int64_t notify_backoff(int attempts, int64_t base)
{
	int64_t d = base > 0 ? base : 30;
	for (int i = 1; i < attempts && d < 6 * 3600; i++)
		d *= 2;
	if (d > 6 * 3600)
		d = 6 * 3600;
	return d / 2 + (int64_t)randombytes_uniform((uint32_t)(d / 2 + 1));
}

/* the demo's delivery: into notify_viewer instead of the network */
static int to_viewer(struct db *c, const struct notify_chan *ch, const struct notify_batch *b, const char *base_url)
{
	struct strbuf text = STRBUF_INIT;
	notify_batch_text(b, &text, base_url);
	int rc = db_exec(c, "INSERT INTO notify_viewer (channel_kind, address, title, body, created_at)"
			    " VALUES (?, ?, ?, ?, ?)", "ttttI", ch->kind, b->items[0].address, b->items[0].title,
			 text.buf ? text.buf : "", b->now);
	sb_release(&text);
	return rc == DB_OK ? NOTIFY_SENT : NOTIFY_FAILED;
}

static int send_batch(struct db *c, const struct notify_chan *ch, const struct notify_batch *b, const struct opts *o,
		      struct strbuf *err)
{
	if (o->viewer)
		return to_viewer(c, ch, b, o->base_url);
	if (!strcmp(ch->kind, "smtp"))
		return notify_smtp_send(ch, b, err);
	if (!strcmp(ch->kind, "wecom"))
		return notify_wecom_send(ch, b, err);
	if (!strcmp(ch->kind, "dingtalk"))
		return notify_dingtalk_send(ch, b, err);
	if (!strncmp(ch->kind, "sms_", 4))
		return notify_sms_send(ch, b, err);
	if (!strcmp(ch->kind, "webhook"))
		return notify_webhook_send(ch, b, err);
	sb_addf(err, "unknown channel kind %s", ch->kind);
	return NOTIFY_FAILED;
}

static int chan_load(struct db *c, int64_t id, struct notify_chan *ch, const struct opts *o)
{
	memset(ch, 0, sizeof(*ch));
	struct db_stmt *st = db_query(c, "SELECT kind, url, settings, secret, per_minute FROM notify_channels"
				      " WHERE id = ? AND active = 1", "I", id);
	int found = st && db_step(st) == 1;
	if (found) {
		ch->id = id;
		snprintf(ch->kind, sizeof(ch->kind), "%s", db_col_text(st, 0));
		ch->url = xstrdup(db_col_text(st, 1));
		ch->settings = json_loads(db_col_text(st, 2), 0, NULL);
		if (!json_is_object(ch->settings)) {
			json_decref(ch->settings);
			ch->settings = json_object();
		}
		ch->secret = notify_secret_open(db_col_text(st, 3));
		ch->per_minute = (int)db_col_i64(st, 4);
		ch->timeout_ms = (long)o->timeout_ms;
		ch->base_url = o->base_url;
	}
	db_done(c, st);
	return found;
}

static void chan_free(struct notify_chan *ch)
{
	free(ch->url);
	json_decref(ch->settings);
	if (ch->secret) {
		sodium_memzero(ch->secret, strlen(ch->secret));
		free(ch->secret);
	}
}

/* due rows of a channel, oldest first; returns how many were read into items */
static int due_rows(struct db *c, int64_t chan, int64_t now, struct notify_item *items)
{
	struct db_stmt *st = db_query(c, "SELECT id, user_id, idem_key, address, lang, kind, title, body, link, urgent,"
				      " digest FROM notify_outbox WHERE channel_id = ? AND state IN ('queued', 'retrying')"
				      " AND due_at <= ? ORDER BY id LIMIT 100", "II", chan, now);
	int n = 0;
	while (st && n < BATCH_ROWS && db_step(st) == 1) {
		struct notify_item *it = &items[n++];
		it->id = db_col_i64(st, 0);
		it->user_id = db_col_i64(st, 1);
		it->idem_key = xstrdup(db_col_text(st, 2));
		it->address = xstrdup(db_col_text(st, 3));
		it->lang = xstrdup(db_col_text(st, 4));
		it->kind = xstrdup(db_col_text(st, 5));
		it->title = xstrdup(db_col_text(st, 6));
		it->body = xstrdup(db_col_text(st, 7));
		it->link = xstrdup(db_col_text(st, 8));
		it->urgent = (int)db_col_i64(st, 9);
		it->digest = (int)db_col_i64(st, 10);
	}
	db_done(c, st);
	return n;
}

/* Choose the next batch among the due rows: indexes into sel, how many. */
static int pick_batch(const struct notify_chan *ch, struct notify_item *items, int n, int *sel, int *digest,
		      const char *base_url)
{
	int k = 0, mail = !strcmp(ch->kind, "smtp");
	*digest = 0;
	for (int i = 0; i < n; i++) {
		if (items[i].id == 0)
			continue;	/* already sent in this run */
		if (k == 0) {
			sel[k++] = i;
			/* only an e-mail gathers a digest: an SMS is one approved template each */
			*digest = items[i].digest && mail;
			if (!robot(ch->kind) && !*digest)
				break;
			continue;
		}
		if (robot(ch->kind)) {
			size_t total = 0;
			for (int j = 0; j < k; j++)
				total += item_size(&items[sel[j]], base_url);
			/* 64 bytes kept for a summary's "N more" line */
			if (total + item_size(&items[i], base_url) + 64 > robot_max(ch))
				break;
			sel[k++] = i;
		} else if (items[i].digest && items[i].user_id == items[sel[0]].user_id) {
			sel[k++] = i;
		}
	}
	return k;
}

static int deliver_channel(struct db *c, int64_t chan, int64_t now, const struct opts *o)
{
	struct notify_chan ch;
	if (!chan_load(c, chan, &ch, o))
		return 0;
	/* a robot over its limit: nothing to read (its backlog may be thousands of rows) */
	int64_t used0 = 0;
	if (ch.per_minute > 0 &&
	    db_get_i64(c, &used0, "SELECT count(*) FROM notify_sends WHERE channel_id = ? AND at > ?", "II", chan,
		       now - 60) == 1 && used0 >= ch.per_minute) {
		chan_free(&ch);
		return 0;
	}
	struct notify_item *items = xcalloc(BATCH_ROWS, sizeof(*items));
	int sel[BATCH_ROWS];
	int done = 0, n = due_rows(c, chan, now, items), failed = 0;
	while (!failed) {
		int64_t used = 0;
		if (ch.per_minute > 0) {
			db_get_i64(c, &used, "SELECT count(*) FROM notify_sends WHERE channel_id = ? AND at > ?", "II",
				   chan, now - 60);
			if (used >= ch.per_minute)
				break;
		}
		int digest = 0, k = pick_batch(&ch, items, n, sel, &digest, o->base_url);
		if (k == 0) {
			/* this read is used up: read again (more may be due than one read holds) */
			for (int i = 0; i < n; i++)
				item_free(&items[i]);
			memset(items, 0, BATCH_ROWS * sizeof(*items));
			n = due_rows(c, chan, now, items);
			if (n == 0 || (k = pick_batch(&ch, items, n, sel, &digest, o->base_url)) == 0)
				break;
		}
		/* the robot's last request this minute: a summary of everything due (see above) */
		int64_t more = 0;
		if (robot(ch.kind) && ch.per_minute > 0 && used == ch.per_minute - 1) {
			db_get_i64(c, &more, "SELECT count(*) FROM notify_outbox WHERE channel_id = ? AND state IN"
					     " ('queued', 'retrying') AND due_at <= ?", "II", chan, now);
			more = more > k ? more - k : 0;
		}
		/* claim: committed before the request, so a crash leaves evidence (`sending`) */
		if (db_begin(c) != DB_OK)
			break;
		int rc = DB_OK, claimed = 0;
		for (int j = 0; j < k && rc == DB_OK; j++) {
			rc = db_exec(c, "UPDATE notify_outbox SET state = 'sending', attempts = attempts + 1"
					" WHERE id = ? AND state IN ('queued', 'retrying')", "I", items[sel[j]].id);
			/* a row another sender claimed since it was read (an administrator's test
			 * send on another app server, db/leader.h) is that sender's to deliver */
			if (rc == DB_OK && db_changes(c) == 1) {
				sel[claimed++] = sel[j];
			} else if (rc == DB_OK) {
				item_free(&items[sel[j]]);
				memset(&items[sel[j]], 0, sizeof(items[sel[j]]));
			}
		}
		k = claimed;
		if (rc == DB_OK && k == 0) {
			if (db_commit(c) != DB_OK && db_in_tx(c))
				db_rollback(c);
			continue;	/* nothing of this batch is left: read again */
		}
		if (rc == DB_OK && more)
			rc = db_exec(c, "UPDATE notify_outbox SET state = 'sending', attempts = attempts + 1"
					" WHERE channel_id = ? AND state IN ('queued', 'retrying') AND due_at <= ?",
				     "II", chan, now);
		if (rc == DB_OK)
			rc = db_exec(c, "INSERT INTO notify_sends (channel_id, at) VALUES (?, ?)", "II", chan, now);
		if (rc != DB_OK || db_commit(c) != DB_OK) {
			if (db_in_tx(c))
				db_rollback(c);
			break;
		}
		struct notify_item *batch = xcalloc((size_t)k, sizeof(*batch));
		for (int j = 0; j < k; j++)
			batch[j] = items[sel[j]];
		struct notify_batch b = {batch, k, digest, now, more};
		struct strbuf err = STRBUF_INIT;
		int res = send_batch(c, &ch, &b, o, &err);
		free(batch);
		if (res != NOTIFY_SENT)
			log_warn("notify: channel %lld (%s): %s", (long long)chan, ch.kind, err.buf ? err.buf : "failed");
		if (db_begin(c) == DB_OK) {
			for (int j = 0; j < k; j++) {
				int64_t id = items[sel[j]].id;
				if (res == NOTIFY_SENT) {
					db_exec(c, "UPDATE notify_outbox SET state = 'sent', sent_at = ?, last_error = ''"
						   " WHERE id = ?", "II", now, id);
					continue;
				}
				int64_t attempts = 0;
				db_get_i64(c, &attempts, "SELECT attempts FROM notify_outbox WHERE id = ?", "I", id);
				int64_t wait = notify_backoff((int)attempts, o->backoff);
				if (res == NOTIFY_LIMITED) {
					int64_t pause = !strcmp(ch.kind, "dingtalk") ? 600 : 60;
					wait = wait > pause ? wait : pause;
				}
				db_exec(c, "UPDATE notify_outbox SET state = ?, due_at = ?, last_error = ? WHERE id = ?",
					"tItI", attempts >= o->max_attempts ? "dead" : "retrying", now + wait,
					err.buf ? err.buf : "", id);
			}
			/* the rows a summary stood for: sent with it, or due again after the same wait */
			if (more && res == NOTIFY_SENT)
				db_exec(c, "UPDATE notify_outbox SET state = 'sent', sent_at = ?, last_error = ''"
					   " WHERE channel_id = ? AND state = 'sending'", "II", now, chan);
			else if (more)
				db_exec(c, "UPDATE notify_outbox SET state = CASE WHEN attempts >= ? THEN 'dead'"
					   " ELSE 'retrying' END, due_at = ?, last_error = ? WHERE channel_id = ? AND state = 'sending'",
					"IItI", o->max_attempts,
					now + notify_backoff(1, o->backoff) + (res == NOTIFY_LIMITED ? 600 : 0),
					err.buf ? err.buf : "", chan);
			if (db_commit(c) != DB_OK && db_in_tx(c))
				db_rollback(c);
		}
		sb_release(&err);
		for (int j = 0; j < k; j++) {
			item_free(&items[sel[j]]);
			memset(&items[sel[j]], 0, sizeof(items[sel[j]]));
		}
		done += k;
		failed = res != NOTIFY_SENT;	/* a channel that fails is not hammered in this run */
	}
	for (int i = 0; i < n; i++)
		item_free(&items[i]);
	free(items);
	chan_free(&ch);
	return done;
}

int notify_deliver(struct db *c, int64_t now)
{
	pthread_mutex_lock(&deliver_lock);
	struct opts o = {
		.max_attempts = setting_i64(c, "notify.max_attempts", 5),
		.backoff = setting_i64(c, "notify.backoff_seconds", 30),
		.timeout_ms = setting_i64(c, "notify.timeout_ms", 10000),
		.viewer = setting_i64(c, "notify.viewer", 0),
	};
	if (db_get_text(c, &o.base_url, "SELECT value FROM settings WHERE key = 'notify.base_url'", NULL) != 1) {
		free(o.base_url);
		o.base_url = xstrdup("");
	}
	int64_t chans[MAX_CHANNELS];
	int n = 0, total = 0;
	struct db_stmt *st = db_query(c, "SELECT DISTINCT channel_id FROM notify_outbox WHERE state IN"
				      " ('queued', 'retrying') AND due_at <= ? ORDER BY channel_id", "I", now);
	while (st && n < MAX_CHANNELS && db_step(st) == 1)
		chans[n++] = db_col_i64(st, 0);
	db_done(c, st);
	for (int i = 0; i < n; i++)
		total += deliver_channel(c, chans[i], now, &o);
	/* the per-minute counts need an hour at most */
	if (n && db_begin(c) == DB_OK) {
		db_exec(c, "DELETE FROM notify_sends WHERE at < ?", "I", now - 3600);
		if (db_commit(c) != DB_OK && db_in_tx(c))
			db_rollback(c);
	}
	/* what waits and what gave up, for /metrics (docs/operations.md "Monitoring"): a depth
	 * that only grows means a channel is down; dead letters want the administrator */
	int64_t waiting = 0, dead = 0;
	db_get_i64(c, &waiting, "SELECT count(*) FROM notify_outbox WHERE state IN ('queued', 'retrying', 'sending')", NULL);
	db_get_i64(c, &dead, "SELECT count(*) FROM notify_outbox WHERE state = 'dead'", NULL);
	metrics_gauge_set("anquan_outbox_depth", "Notifications queued, retrying or being sent", (double)waiting);
	metrics_gauge_set("anquan_outbox_dead", "Notifications given up after their last attempt", (double)dead);
	free(o.base_url);
	pthread_mutex_unlock(&deliver_lock);
	return total;
}

int notify_recover(struct db *c)
{
	/* under the delivery lock: the scheduler thread, started first, may be delivering, and
	 * its rows in `sending` are not a crash's */
	pthread_mutex_lock(&deliver_lock);
	int rc0 = db_begin(c);
	if (rc0 != DB_OK) {
		pthread_mutex_unlock(&deliver_lock);
		return DB_ERROR;
	}
	int rc = db_exec(c, "UPDATE notify_outbox SET state = 'retrying', due_at = ?,"
			    " last_error = 'interrupted: the server stopped during sending'"
			    " WHERE state = 'sending'", "I", clock_now());
	int n = db_changes(c);
	if (rc != DB_OK || db_commit(c) != DB_OK) {
		if (db_in_tx(c))
			db_rollback(c);
		pthread_mutex_unlock(&deliver_lock);
		return DB_ERROR;
	}
	pthread_mutex_unlock(&deliver_lock);
	if (n)
		log_warn("notify: %d message(s) were being sent when the server stopped; sending again", n);
	return n;
}

/* The leader's term whose interrupted sends were recovered (db/leader.h): a server that
 * takes over from a dead leader finds that leader's claimed rows in `sending` and sends them
 * again, exactly as after a crash of a lone server. A follower must not: the rows in `sending`
 * are the living leader's. */
static _Atomic uint64_t recovered_term;

static void recover_on_taking_over(struct db *c)
{
	uint64_t t = db_leader_term();
	if (t && atomic_exchange(&recovered_term, t) != t)
		notify_recover(c);
}

int notify_job(struct db *c, int64_t now)
{
	recover_on_taking_over(c);
	return notify_deliver(c, now);
}

/* the thread of `serve` */
static pthread_t thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int stopping, running, interval_ms;

static void *loop(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!stopping) {
		pthread_mutex_unlock(&lock);
		/* only the leader sends (db/leader.h); a follower looks again within a second */
		int wait_ms = interval_ms;
		if (db_leader_term()) {
			struct db *c = db_acquire();
			if (c) {
				notify_job(c, clock_now());
				db_release(c);
			}
		} else if (wait_ms > 1000) {
			wait_ms = 1000;
		}
		pthread_mutex_lock(&lock);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += wait_ms / 1000;
		until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!stopping && pthread_cond_timedwait(&wake, &lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int notify_sender_start(int every_ms)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct db *c = db_acquire();
	if (c) {
		recover_on_taking_over(c);	/* a follower leaves `sending` rows to the leader */
		db_release(c);
	}
	if (every_ms <= 0)
		return 0;
	interval_ms = every_ms;
	stopping = 0;
	if (pthread_create(&thread, NULL, loop, NULL) != 0)
		return -1;
	running = 1;
	return 0;
}

void notify_sender_stop(void)
{
	if (!running) {
		curl_global_cleanup();
		return;
	}
	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	running = 0;
	curl_global_cleanup();
}
