/*
 * feeds_pull.c — the HTTP JSON pull of a feed and the scheduler job that runs it.
 *
 * Settings per feed (hr, eam): feeds.<k>.url, feeds.<k>.auth (the value of the auth header,
 * sealed under DATA/notify.key as the notification channels' secrets are, never shown
 * back), feeds.<k>.auth_name (the header's name, default Authorization), feeds.<k>.mapping
 * (a JSON object: canonical field → member path, plus "_items" where the list is and "_next"
 * where the next page's URL is), feeds.<k>.interval_min (default 120: the EAM case study
 * pulls every two hours). A pull reads every page first (up to FEEDS_PULL_PAGES, 20 MB in
 * all), then applies the whole as one import: an endpoint that is down, answers an error
 * or malformed JSON leaves a failed run and changes nothing.
 */
#include "feeds/feeds.h"
#include "auth/actor.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "notify/notify_chan.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FEEDS_PULL_PAGES 50
#define FEEDS_PULL_BYTES (20u << 20)

static const char *kname(enum feeds_kind k)
{
	return k == FEEDS_HR ? "hr" : "eam";
}

static size_t keep(char *p, size_t size, size_t n, void *ctx)
{
	struct strbuf *sb = ctx;
	if (sb->len + size * n > FEEDS_PULL_BYTES)
		return 0;	/* curl stops with a write error */
	sb_add(sb, p, size * n);
	return size * n;
}

/* GET url into body; 0 ok, else -1 with the reason in err */
static int fetch(const char *url, const char *header, struct strbuf *body, struct strbuf *err)
{
	CURL *h = curl_easy_init();
	if (!h) {
		sb_adds(err, "curl");
		return -1;
	}
	char ebuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hl = curl_slist_append(NULL, "Accept: application/json");
	if (header && *header)
		hl = curl_slist_append(hl, header);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 30000L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	CURLcode rc = curl_easy_perform(h);
	long status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hl);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK) {
		sb_adds(err, *ebuf ? ebuf : curl_easy_strerror(rc));
		return -1;
	}
	if (status != 200) {
		sb_addf(err, "HTTP %ld", status);
		return -1;
	}
	return 0;
}

/* the next page's URL (mapping "_next"), malloc'd; NULL when none */
static char *next_url(const char *body, size_t len, const char *mapping)
{
	json_t *map = json_loads(mapping, 0, NULL), *root = json_loadb(body, len, 0, NULL);
	const char *path = json_string_value(json_object_get(map, "_next"));
	char *out = NULL;
	if (path && *path && json_is_object(root)) {
		json_t *v = root;
		char *p = xstrdup(path), *save = NULL;
		for (char *part = strtok_r(p, ".", &save); part && v; part = strtok_r(NULL, ".", &save))
			v = json_is_object(v) ? json_object_get(v, part) : NULL;
		free(p);
		if (json_is_string(v) && *json_string_value(v))
			out = xstrdup(json_string_value(v));
	}
	json_decref(map);
	json_decref(root);
	return out;
}

int feeds_pull(const struct actor *a, enum feeds_kind k, int dry_run, int confirm, struct feeds_result *res)
{
	struct db *c = a->db;
	char key[48];
	struct feeds_opts o = {.dry_run = dry_run, .confirm = confirm, .via = "pull"};
	snprintf(key, sizeof(key), "feeds.%s.url", kname(k));
	char *url = feeds_setting(c, key, "");
	snprintf(key, sizeof(key), "feeds.%s.mapping", kname(k));
	char *mapping = feeds_setting(c, key, "{}");
	snprintf(key, sizeof(key), "feeds.%s.auth", kname(k));
	char *sealed = feeds_setting(c, key, "");
	snprintf(key, sizeof(key), "feeds.%s.auth_name", kname(k));
	char *aname = feeds_setting(c, key, "Authorization");
	char *secret = *sealed ? notify_secret_open(sealed) : NULL;
	struct strbuf header = STRBUF_INIT, err = STRBUF_INIT;
	struct feeds_table t = {0};
	int rc = -1;
	if (!*url) {
		res->fatal_key = "feeds.no_url";
		goto fail;
	}
	if (*sealed && !secret) {
		res->fatal_key = "feeds.secret_unreadable";
		goto fail;
	}
	if (secret)
		sb_addf(&header, "%s: %s", aname, secret);
	char *page = xstrdup(url);
	for (int n = 0; page; n++) {
		if (n >= FEEDS_PULL_PAGES) {
			res->fatal_key = "feeds.too_many_pages";
			break;
		}
		struct strbuf body = STRBUF_INIT;
		if (fetch(page, header.buf, &body, &err)) {
			res->fatal_key = "feeds.pull_failed";
			res->fatal_detail = xstrdup(err.buf);
			sb_release(&body);
			break;
		}
		if (feeds_table_from_json(k, body.buf ? body.buf : "", body.len, mapping, &t, res)) {
			sb_release(&body);
			break;
		}
		free(page);
		page = next_url(body.buf ? body.buf : "", body.len, mapping);
		sb_release(&body);
	}
	free(page);
	if (res->fatal_key)
		goto fail;
	rc = k == FEEDS_HR ? feeds_hr_apply(a, &t, &o, res) : feeds_eam_apply(a, &t, &o, res);
	goto done;
fail:
	log_warn("feeds: %s pull failed: %s %s", kname(k), res->fatal_key, res->fatal_detail ? res->fatal_detail : "");
	res->run_id = feeds_run_record(c, k, "pull", &o, res, a->user_id, a->now);
done:
	feeds_table_free(&t);
	sb_release(&header);
	sb_release(&err);
	free(url);
	free(mapping);
	free(sealed);
	free(aname);
	if (secret) {
		memset(secret, 0, strlen(secret));
		free(secret);
	}
	return rc;
}

int feeds_sched_run(struct db *c, int64_t now)
{
	int acted = 0;
	for (int k = FEEDS_HR; k <= FEEDS_EAM; k++) {
		char key[48];
		snprintf(key, sizeof(key), "feeds.%s.url", kname(k));
		char *url = feeds_setting(c, key, "");
		int has = *url != 0;
		free(url);
		if (!has)
			continue;
		snprintf(key, sizeof(key), "feeds.%s.interval_min", kname(k));
		int64_t every = feeds_setting_int(c, key, 120) * 60;
		snprintf(key, sizeof(key), "feeds.%s.last_pull", kname(k));
		int64_t last = feeds_setting_int(c, key, 0);
		/* a clock set back (a test, a corrected server clock) must not stop the pulls */
		if (every <= 0 || (now >= last && now - last < every))
			continue;
		char stamp[24];
		snprintf(stamp, sizeof(stamp), "%lld", (long long)now);
		if (db_begin(c) != DB_OK || feeds_setting_put(c, key, stamp, now) != DB_OK || db_commit(c) != DB_OK) {
			db_rollback(c);
			return -1;
		}
		struct actor a;
		actor_system(c, "feeds", &a);
		a.now = now;
		struct feeds_result res = {0};
		if (!feeds_pull(&a, (enum feeds_kind)k, 0, 0, &res))
			acted++;
		feeds_result_free(&res);
	}
	int64_t last = feeds_setting_int(c, "feeds.health.last_run", 0);
	if (now < last || now - last >= 3600) {
		char stamp[24];
		snprintf(stamp, sizeof(stamp), "%lld", (long long)now);
		if (db_begin(c) != DB_OK || feeds_setting_put(c, "feeds.health.last_run", stamp, now) != DB_OK ||
		    db_commit(c) != DB_OK) {
			db_rollback(c);
			return -1;
		}
		int opened = feeds_health_run(c, now);
		if (opened < 0)
			return -1;
		acted += opened;
	}
	return acted;
}
