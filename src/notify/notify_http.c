/*
 * notify_http.c — what the HTTP channels share: one POST through libcurl (a fresh easy
 * handle per request: the sender is one thread and sends seconds apart, so a kept connection
 * buys little), the robots' {"errcode":...} answer, HMAC-SHA256 from libsodium, and the plain
 * text of a batch.
 */
#include "notify/notify_chan.h"
#include "base/i18n.h"
#include "base/strbuf.h"

#include <curl/curl.h>
#include <sodium.h>
#include <string.h>

#define ANSWER_MAX 65536

static size_t keep_answer(char *p, size_t size, size_t n, void *ud)
{
	struct strbuf *sb = ud;
	size_t len = size * n;
	if (sb->len + len <= ANSWER_MAX)
		sb_add(sb, p, len);
	return len;
}

int notify_http_post(const struct notify_chan *ch, const char *url, const char *const *headers,
		     const char *body, long *status, struct strbuf *answer, struct strbuf *err)
{
	CURL *h = curl_easy_init();
	if (!h) {
		sb_adds(err, "curl_easy_init failed");
		return -1;
	}
	struct curl_slist *hl = NULL;
	for (const char *const *p = headers; p && *p; p++)
		hl = curl_slist_append(hl, *p);
	char ebuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(h, CURLOPT_URL, url);
	/* only http and https: a channel URL typed by an administrator must not reach file:// */
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ch->timeout_ms > 0 ? ch->timeout_ms : 10000L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_answer);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, answer);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	CURLcode rc = curl_easy_perform(h);
	*status = 0;
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	else
		sb_addf(err, "%s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
	curl_slist_free_all(hl);
	curl_easy_cleanup(h);
	return rc == CURLE_OK ? 0 : -1;
}

int notify_robot_answer(long status, const char *answer, long limited_code, struct strbuf *err)
{
	if (status == 429) {
		sb_adds(err, "HTTP 429");
		return NOTIFY_LIMITED;
	}
	if (status < 200 || status > 299) {
		sb_addf(err, "HTTP %ld", status);
		return NOTIFY_FAILED;
	}
	json_t *j = json_loads(answer, 0, NULL);
	json_int_t code = j ? json_integer_value(json_object_get(j, "errcode")) : -1;
	const char *msg = j ? json_string_value(json_object_get(j, "errmsg")) : NULL;
	int rc = code == 0 ? NOTIFY_SENT : code == limited_code ? NOTIFY_LIMITED : NOTIFY_FAILED;
	if (rc != NOTIFY_SENT)
		sb_addf(err, "errcode %lld: %s", (long long)code, msg ? msg : "unreadable answer");
	json_decref(j);
	return rc;
}

const char *notify_chan_setting(const struct notify_chan *ch, const char *name)
{
	const char *v = json_string_value(json_object_get(ch->settings, name));
	return v ? v : "";
}

static void hmac(const char *key, const char *msg, size_t len, unsigned char out[crypto_auth_hmacsha256_BYTES])
{
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, strlen(key));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, len);
	crypto_auth_hmacsha256_final(&st, out);
}

void notify_hmac_b64(const char *key, const char *msg, size_t len, struct strbuf *out)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char b64[sodium_base64_ENCODED_LEN(sizeof(mac), sodium_base64_VARIANT_ORIGINAL)];
	hmac(key, msg, len, mac);
	sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac), sodium_base64_VARIANT_ORIGINAL);
	sb_adds(out, b64);
}

void notify_hmac_hex(const char *key, const char *msg, size_t len, struct strbuf *out)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char hex[sizeof(mac) * 2 + 1];
	hmac(key, msg, len, mac);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	sb_adds(out, hex);
}

void notify_batch_text(const struct notify_batch *b, struct strbuf *out, const char *base_url)
{
	for (int i = 0; i < b->n; i++) {
		const struct notify_item *it = &b->items[i];
		if (i)
			sb_adds(out, "\n\n");
		sb_adds(out, it->title);
		if (it->body && *it->body) {
			sb_addc(out, '\n');
			sb_adds(out, it->body);
		}
		if (it->link && *it->link) {
			sb_addc(out, '\n');
			sb_adds(out, base_url ? base_url : "");
			sb_adds(out, it->link);
		}
	}
	if (b->more > 0)
		sb_addf(out, "\n\n%s: %lld · %s/inbox", i18n_get(b->items[0].lang, "notify.more"), (long long)b->more,
			base_url ? base_url : "");
}
