/*
 * feeds_config.c — the feeds' settings, kept in the platform's settings table under
 * "feeds.*": per feed the URL, the sealed auth header, the JSON mapping and the pull
 * interval; the share of people one HR import may deactivate without confirmation; the
 * health weights and threshold. The pages and the API edit them (feeds_web.c).
 */
#include "feeds/feeds.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "db/db.h"

#include <stdlib.h>

char *feeds_setting(struct db *c, const char *key, const char *def)
{
	char *v = NULL;
	if (db_get_text(c, &v, "SELECT value FROM settings WHERE key = ?", "t", key) == 1 && v)
		return v;
	free(v);
	return xstrdup(def ? def : "");
}

int64_t feeds_setting_int(struct db *c, const char *key, int64_t def)
{
	char *v = feeds_setting(c, key, "");
	int64_t n = def;
	if (*v && text_parse_i64(v, &n))
		n = def;
	free(v);
	return n;
}

int feeds_setting_put(struct db *c, const char *key, const char *value, int64_t now)
{
	return db_exec(c, "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)"
			  " ON CONFLICT (key) DO UPDATE SET value = ?2, updated_at = ?3", "ttI", key, value, now);
}
