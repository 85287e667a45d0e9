/*
 * notify_aliyun.c — Aliyun SMS SendSms (API version 2017-05-25), signed with Aliyun's
 * ACS3-HMAC-SHA256 scheme (its V3 signature; the older V1 needs HMAC-SHA1, which libsodium
 * does not have, and V3 is accepted by every RPC API):
 *
 *   CanonicalRequest = "POST\n/\n" + sorted query (RFC 3986 encoded k=v joined by &) + "\n"
 *                      + each signed header "name:value\n" (lower case, sorted) + "\n"
 *                      + signed header names joined by ";" + "\n" + hex(SHA-256(body))
 *   StringToSign     = "ACS3-HMAC-SHA256\n" + hex(SHA-256(CanonicalRequest))
 *   Authorization: ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<names>,
 *                  Signature=hex(HMAC-SHA256(AccessKeySecret, StringToSign))
 *
 * The parameters go in the query (PhoneNumbers, SignName, TemplateCode, TemplateParam as
 * JSON {"title":…,"link":…}), the body is empty. The answer {"Code":"OK"} is delivered;
 * "isv.BUSINESS_LIMIT_CONTROL" is the provider's rate limit. Settings: access_key_id,
 * sign_name, template_code; the secret is the AccessKey secret. url defaults to
 * https://dysmsapi.aliyuncs.com/.
 */
#include "notify/notify_chan.h"
#include "base/strbuf.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int notify_aliyun_send(const struct notify_chan *ch, const struct notify_batch *b, struct strbuf *err);

/* RFC 3986 percent-encoding: unreserved characters as they are, everything else %XX */
static void enc(struct strbuf *sb, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		    *p == '_' || *p == '.' || *p == '~')
			sb_addc(sb, (char)*p);
		else
			sb_addf(sb, "%%%02X", *p);
	}
}

static void sha256_hex(const char *s, size_t n, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)s, n);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

int notify_aliyun_send(const struct notify_chan *ch, const struct notify_batch *b, struct strbuf *err)
{
	const struct notify_item *it = &b->items[0];
	const char *base = *ch->url ? ch->url : "https://dysmsapi.aliyuncs.com/";
	if (!ch->secret) {
		sb_adds(err, "no AccessKey secret");
		return NOTIFY_FAILED;
	}
	/* host: what lies between "://" and the next "/" */
	const char *h0 = strstr(base, "://");
	h0 = h0 ? h0 + 3 : base;
	size_t hlen = strcspn(h0, "/?");
	char *host = xstrndup(h0, hlen);
	struct strbuf link = STRBUF_INIT, q = STRBUF_INIT, canon = STRBUF_INIT, sts = STRBUF_INIT, sig = STRBUF_INIT,
		      url = STRBUF_INIT, auth = STRBUF_INIT, hd[6] = {STRBUF_INIT, STRBUF_INIT, STRBUF_INIT,
							       STRBUF_INIT, STRBUF_INIT, STRBUF_INIT},
		      answer = STRBUF_INIT;
	if (*it->link)
		sb_addf(&link, "%s%s", ch->base_url ? ch->base_url : "", it->link);
	json_t *tp = json_pack("{s:s, s:s}", "title", it->title, "link", link.buf ? link.buf : "");
	char *tps = json_dumps(tp, JSON_COMPACT | JSON_SORT_KEYS);
	/* the query, its keys in byte order */
	sb_adds(&q, "PhoneNumbers=");
	enc(&q, it->address);
	sb_adds(&q, "&SignName=");
	enc(&q, notify_chan_setting(ch, "sign_name"));
	sb_adds(&q, "&TemplateCode=");
	enc(&q, notify_chan_setting(ch, "template_code"));
	sb_adds(&q, "&TemplateParam=");
	enc(&q, tps);
	char date[32], nonce[33], empty[65];
	time_t t = (time_t)b->now;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	unsigned char nb[16];
	randombytes_buf(nb, sizeof(nb));
	sodium_bin2hex(nonce, sizeof(nonce), nb, sizeof(nb));
	sha256_hex("", 0, empty);
	const char *signed_names = "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version";
	sb_addf(&canon, "POST\n/\n%s\nhost:%s\nx-acs-action:SendSms\nx-acs-content-sha256:%s\nx-acs-date:%s\n"
			"x-acs-signature-nonce:%s\nx-acs-version:2017-05-25\n\n%s\n%s",
		q.buf, host, empty, date, nonce, signed_names, empty);
	char ch_hex[65];
	sha256_hex(canon.buf, canon.len, ch_hex);
	sb_addf(&sts, "ACS3-HMAC-SHA256\n%s", ch_hex);
	notify_hmac_hex(ch->secret, sts.buf, sts.len, &sig);
	sb_addf(&auth, "Authorization: ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=%s,Signature=%s",
		notify_chan_setting(ch, "access_key_id"), signed_names, sig.buf);
	sb_addf(&hd[0], "x-acs-action: SendSms");
	sb_addf(&hd[1], "x-acs-version: 2017-05-25");
	sb_addf(&hd[2], "x-acs-date: %s", date);
	sb_addf(&hd[3], "x-acs-signature-nonce: %s", nonce);
	sb_addf(&hd[4], "x-acs-content-sha256: %s", empty);
	sb_addf(&url, "%.*s/?%s", (int)(h0 - base + hlen), base, q.buf);
	const char *headers[] = {hd[0].buf, hd[1].buf, hd[2].buf, hd[3].buf, hd[4].buf, auth.buf, NULL};
	long status = 0;
	int rc = NOTIFY_FAILED;
	if (notify_http_post(ch, url.buf, headers, "", &status, &answer, err) == 0) {
		json_t *j = json_loads(answer.buf ? answer.buf : "", 0, NULL);
		const char *code = json_string_value(json_object_get(j, "Code"));
		if (status >= 200 && status <= 299 && code && !strcmp(code, "OK"))
			rc = NOTIFY_SENT;
		else if (status == 429 || (code && !strcmp(code, "isv.BUSINESS_LIMIT_CONTROL")))
			rc = NOTIFY_LIMITED;
		if (rc != NOTIFY_SENT)
			sb_addf(err, "HTTP %ld %s", status, code ? code : "");
		json_decref(j);
	}
	free(host);
	free(tps);
	json_decref(tp);
	sb_release(&link);
	sb_release(&q);
	sb_release(&canon);
	sb_release(&sts);
	sb_release(&sig);
	sb_release(&url);
	sb_release(&auth);
	for (int i = 0; i < 6; i++)
		sb_release(&hd[i]);
	sb_release(&answer);
	return rc;
}
