/*
 * notify_dingtalk.c — 钉钉 custom robot with 加签 (signed requests):
 *   POST {url}&timestamp=MS&sign=S   (url: https://oapi.dingtalk.com/robot/send?access_token=T)
 *   S = urlencode(base64(HMAC-SHA256(key = secret, msg = MS + "\n" + secret)))
 * DingTalk refuses a timestamp more than an hour from its own clock, so MS is taken at the
 * moment of sending (the real clock; in test mode the settable one, which the test receiver
 * checks against). Body: {"msgtype":"markdown","markdown":{"title":…,"text":…},
 * "at":{"atMobiles":[…]}}; a mobile is @-mentioned only when "@mobile" also appears in the
 * text. 20 messages a minute; over it (errcode 130101) the robot is blocked for 10 minutes.
 */
#include "notify/notify_chan.h"
#include "base/strbuf.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

int notify_dingtalk_send(const struct notify_chan *ch, const struct notify_batch *b, struct strbuf *err)
{
	if (!ch->secret) {
		sb_adds(err, "no signing secret");
		return NOTIFY_FAILED;
	}
	struct strbuf text = STRBUF_INIT, answer = STRBUF_INIT, sig = STRBUF_INIT, url = STRBUF_INIT,
		      msg = STRBUF_INIT;
	notify_batch_text(b, &text, ch->base_url);
	json_t *mobiles = json_array();
	for (int i = 0; i < b->n; i++) {
		const char *m = b->items[i].address;
		int dup = 0;
		for (size_t k = 0; k < json_array_size(mobiles); k++)
			dup |= !strcmp(json_string_value(json_array_get(mobiles, k)), m);
		if (*m && !dup) {
			json_array_append_new(mobiles, json_string(m));
			sb_addf(&text, "%s@%s", json_array_size(mobiles) == 1 ? "\n\n" : " ", m);
		}
	}
	if (text.len > NOTIFY_DINGTALK_MAX) {
		size_t n = NOTIFY_DINGTALK_MAX;
		while (n > 0 && ((unsigned char)text.buf[n] & 0xC0) == 0x80)
			n--;
		text.len = n;
		text.buf[n] = '\0';
	}
	long long ms = (long long)b->now * 1000;
	sb_addf(&msg, "%lld\n%s", ms, ch->secret);
	notify_hmac_b64(ch->secret, msg.buf, msg.len, &sig);
	char *esc = curl_easy_escape(NULL, sig.buf, (int)sig.len);
	sb_addf(&url, "%s%ctimestamp=%lld&sign=%s", ch->url, strchr(ch->url, '?') ? '&' : '?', ms, esc ? esc : "");
	curl_free(esc);
	const char *title = b->items[0].title;
	json_t *j = json_pack("{s:s, s:{s:s, s:s}, s:{s:o}}", "msgtype", "markdown", "markdown", "title", title,
			      "text", text.buf, "at", "atMobiles", mobiles);
	char *body = json_dumps(j, JSON_COMPACT);
	const char *headers[] = {"Content-Type: application/json", NULL};
	long status = 0;
	int rc = NOTIFY_FAILED;
	if (notify_http_post(ch, url.buf, headers, body, &status, &answer, err) == 0)
		rc = notify_robot_answer(status, answer.buf ? answer.buf : "", 130101, err);
	free(body);
	json_decref(j);
	sb_release(&text);
	sb_release(&answer);
	sb_release(&sig);
	sb_release(&url);
	sb_release(&msg);
	return rc;
}
