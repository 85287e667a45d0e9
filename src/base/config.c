/*
 * config.c — defaults, then file, then environment, then flags. Every key is declared once
 * in the table below with its type and where it lives in `struct config`.
 */
#include "base/config.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "build_info.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An installed build (debian/rules) has its own defaults: /var/lib/anquan and
 * /etc/anquan/anquan.conf. A build from the source tree keeps ./data and DATA/anquan.conf. */
#ifndef ANQUAN_DEFAULT_DATA
#define ANQUAN_DEFAULT_DATA "./data"
#endif

struct config cfg = {
	.listen = "127.0.0.1:8080",
	.data = ANQUAN_DEFAULT_DATA,
	.threads = 4,
	.max_connections = 512,
	.idle_timeout = 30,
	.head_timeout = 10,
	.max_per_address = 64,
	.secure_cookies = 0,
	.rate_per_address = 12000,
	.rate_per_token = 6000,
	.session_idle = 1800,
	.session_absolute = 43200,
	.lockout_attempts = 5,
	.lockout_seconds = 900,
	.password_min_length = 8,
	.password_min_classes = 3,
	.synchronous = "FULL",
	.mmap_mb = 2048,
	.lang = "zh",
	.notify_interval_ms = 2000,
	.retention_access_days = 183,
	.retention_notification_days = 365,
	.metrics_listen = "",
	.metrics_token = "",
	.db_url = "",
	.leader_retry = 5,
	.files_dir = "",
};

struct key {
	const char *name;
	char type;	/* 's' string, 'i' int */
	size_t off;
	int min, max;
	const char *source;
};

static struct key keys[] = {
	{"listen", 's', offsetof(struct config, listen), 0, 0, "default"},
	{"data", 's', offsetof(struct config, data), 0, 0, "default"},
	{"http.threads", 'i', offsetof(struct config, threads), 1, 64, "default"},
	{"http.max_connections", 'i', offsetof(struct config, max_connections), 4, 10000, "default"},
	{"http.idle_timeout", 'i', offsetof(struct config, idle_timeout), 1, 3600, "default"},
	{"http.head_timeout", 'i', offsetof(struct config, head_timeout), 1, 300, "default"},
	{"http.max_per_address", 'i', offsetof(struct config, max_per_address), 1, 10000, "default"},
	{"http.secure_cookies", 'i', offsetof(struct config, secure_cookies), 0, 1, "default"},
	{"http.rate_per_address", 'i', offsetof(struct config, rate_per_address), 0, 1000000, "default"},
	{"http.rate_per_token", 'i', offsetof(struct config, rate_per_token), 0, 1000000, "default"},
	{"session.idle", 'i', offsetof(struct config, session_idle), 60, 86400, "default"},
	{"session.absolute", 'i', offsetof(struct config, session_absolute), 300, 30 * 86400, "default"},
	{"auth.lockout_attempts", 'i', offsetof(struct config, lockout_attempts), 1, 100, "default"},
	{"auth.lockout_seconds", 'i', offsetof(struct config, lockout_seconds), 1, 86400, "default"},
	{"auth.password_min_length", 'i', offsetof(struct config, password_min_length), 6, 128, "default"},
	{"auth.password_min_classes", 'i', offsetof(struct config, password_min_classes), 1, 4, "default"},
	{"db.synchronous", 's', offsetof(struct config, synchronous), 0, 0, "default"},
	/* Debian's build maps at most 0x7fff0000 bytes, just under 2048 MiB, and caps a larger size */
	{"db.mmap_mb", 'i', offsetof(struct config, mmap_mb), 0, 2048, "default"},
	{"db.url", 's', offsetof(struct config, db_url), 0, 0, "default"},
	/* under half a minute: a dead leader's work is taken over within a minute */
	{"db.leader_retry", 'i', offsetof(struct config, leader_retry), 1, 30, "default"},
	{"files.dir", 's', offsetof(struct config, files_dir), 0, 0, "default"},
	{"lang", 's', offsetof(struct config, lang), 0, 0, "default"},
	{"notify.interval_ms", 'i', offsetof(struct config, notify_interval_ms), 0, 600000, "default"},
	/* 网络安全法 Art. 21(3): network logs kept no less than six months */
	{"retention.access_days", 'i', offsetof(struct config, retention_access_days), 183, 3650, "default"},
	{"retention.notification_days", 'i', offsetof(struct config, retention_notification_days), 183, 3650, "default"},
	{"metrics.listen", 's', offsetof(struct config, metrics_listen), 0, 0, "default"},
	{"metrics.token", 's', offsetof(struct config, metrics_token), 0, 0, "default"},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* String keys that take one of a few words. Without this, db.synchronous = "OFF" or a typo
 * was accepted and silently became FULL in db_open(): the operator believed a setting that
 * was not in force. */
static const struct {
	const char *key, *choices;	/* choices: space-separated, matched exactly */
} choices[] = {
	{"db.synchronous", "FULL NORMAL"},
	{"lang", "zh en"},
};

static int allowed(const char *name, const char *value)
{
	for (size_t i = 0; i < sizeof(choices) / sizeof(choices[0]); i++) {
		if (strcmp(choices[i].key, name) != 0)
			continue;
		size_t n = strlen(value);
		for (const char *c = choices[i].choices; *c; c += strcspn(c, " "), c += *c == ' ')
			if (n && strncmp(c, value, n) == 0 && (c[n] == ' ' || !c[n]))
				return 1;
		return 0;
	}
	return 1;
}

static const char *choices_of(const char *name)
{
	for (size_t i = 0; i < sizeof(choices) / sizeof(choices[0]); i++)
		if (!strcmp(choices[i].key, name))
			return choices[i].choices;
	return "";
}

static int set(const char *name, const char *value, const char *source, char **err)
{
	for (size_t i = 0; i < NKEYS; i++) {
		struct key *k = &keys[i];
		if (strcmp(k->name, name) != 0)
			continue;
		void *field = (char *)&cfg + k->off;
		if (k->type == 's') {
			if (!allowed(name, value)) {
				struct strbuf sb = STRBUF_INIT;
				sb_addf(&sb, "%s (%s): '%s' is not one of: %s", name, source, value,
					choices_of(name));
				*err = sb_detach(&sb, NULL);
				return -1;
			}
			*(const char **)field = xstrdup(value);
		} else {
			int64_t v;
			if (text_parse_i64(value, &v) || v < k->min || v > k->max) {
				struct strbuf sb = STRBUF_INIT;
				sb_addf(&sb, "%s (%s): '%s' is not a whole number from %d to %d",
					name, source, value, k->min, k->max);
				*err = sb_detach(&sb, NULL);
				return -1;
			}
			*(int *)field = (int)v;
		}
		k->source = source;
		return 0;
	}
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "unknown configuration key '%s' (%s); `anquan config` lists them", name, source);
	*err = sb_detach(&sb, NULL);
	return -1;
}

static char *env_name(const char *key)
{
	struct strbuf sb = STRBUF_INIT;
	sb_adds(&sb, "ANQUAN_");
	for (const char *p = key; *p; p++)
		sb_addc(&sb, *p == '.' ? '_' : (char)toupper((unsigned char)*p));
	return sb_detach(&sb, NULL);
}

static int load_file(const char *path, int must_exist, char **err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (!must_exist)
			return 0;
		struct strbuf sb = STRBUF_INIT;
		sb_addf(&sb, "cannot read configuration file %s", path);
		*err = sb_detach(&sb, NULL);
		return -1;
	}
	char line[1024];
	int rc = 0;
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		struct strbuf k = STRBUF_INIT, v = STRBUF_INIT;
		char *eq = strchr(line, '=');
		if (line[0] == '#' || !eq) {
			continue;
		}
		sb_add(&k, line, (size_t)(eq - line));
		sb_adds(&v, eq + 1);
		sb_trim(&k);
		sb_trim(&v);
		if (k.len)
			rc = set(k.buf, v.buf, path, err);
		sb_release(&k);
		sb_release(&v);
	}
	fclose(f);
	return rc;
}

int config_load(int argc, char **argv, char **err)
{
	/* flags first only to learn --data / --config; applied last */
	const char *file = getenv("ANQUAN_CONFIG");
	const char *data = getenv("ANQUAN_DATA");
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--config=", 9) == 0)
			file = argv[i] + 9;
		else if (strncmp(argv[i], "--data=", 7) == 0)
			data = argv[i] + 7;
	}
#ifdef ANQUAN_DEFAULT_CONFIG
	/* installed: the file under /etc is the one an administrator edits; it may be absent
	 * (every key has a default), and a --data or ANQUAN_DATA does not move it */
	if (!file) {
		if (load_file(ANQUAN_DEFAULT_CONFIG, 0, err))
			return -1;
	} else
#endif
	if (file) {
		if (load_file(file, 1, err))
			return -1;
	} else {
		/* kept for the life of the process: keys set from the file point at this path as
		 * their source, which `anquan config` prints (freeing it was a use after free) */
		static char *default_file;
		struct strbuf sb = STRBUF_INIT;
		sb_addf(&sb, "%s/anquan.conf", data ? data : cfg.data);
		free(default_file);
		default_file = sb_detach(&sb, NULL);
		if (load_file(default_file, 0, err))
			return -1;
	}
	for (size_t i = 0; i < NKEYS; i++) {
		char *name = env_name(keys[i].name);
		const char *v = getenv(name);
		int rc = v ? set(keys[i].name, v, "environment", err) : 0;
		free(name);
		if (rc)
			return -1;
	}
	int out = 1;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (strncmp(a, "--", 2) == 0 && strchr(a, '=') && strncmp(a, "--config=", 9) != 0) {
			char *eq = strchr(a, '=');
			char *name = xstrndup(a + 2, (size_t)(eq - a - 2));
			int rc = set(name, eq + 1, "flag", err);
			free(name);
			if (rc)
				return -1;
			continue;
		}
		if (strncmp(a, "--config=", 9) == 0)
			continue;
		argv[out++] = a;
	}
	argv[out] = NULL;
	return out;
}

void config_print(void)
{
	for (size_t i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		void *field = (char *)&cfg + k->off;
		char *env = env_name(k->name);
		const char *sv = k->type == 's' ? *(const char **)field : NULL;
		if (sv && *sv && strstr(k->name, "token"))	/* a secret: say only that it is set */
			sv = "(set)";
		if (k->type == 's')
			printf("%-28s = %-20s # %s, env %s\n", k->name, sv, k->source, env);
		else
			printf("%-28s = %-20d # %s, env %s\n", k->name, *(int *)field, k->source, env);
		free(env);
	}
}
