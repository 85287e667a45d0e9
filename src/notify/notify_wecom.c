/*
 * notify_wecom.c — 企业微信 group robot: POST {url} (https://qyapi.weixin.qq.com/cgi-bin/
 * webhook/send?key=KEY, the key is part of the URL the administrator pastes) with
 *   {"msgtype":"text","text":{"content":…,"mentioned_mobile_list":[…]}}
 * or, with the setting "format":"markdown", {"msgtype":"markdown","markdown":{"content":…}}
 * (markdown cannot @ by mobile; the numbers are then written as "@138…" text).
 * Content is at most 2048 bytes as text, 4096 as markdown (the sender's coalescer stays
 * under it; a single longer message is cut at a character boundary). The robot takes 20
 * messages a minute: errcode 45009 means over it.
 */
#include "notify/notify_chan.h"
#include "base/strbuf.h"

#include <string.h>

/* cut sb to at most max bytes without splitting a UTF-8 character */
static void cut_utf8(struct strbuf *sb, size_t max)
{
	if (sb->len <= max)
		return;
	size_t n = max;
	while (n > 0 && ((unsigned char)sb->buf[n] & 0xC0) == 0x80)
		n--;
	sb->len = n;
	sb->buf[n] = '\0';
}

int notify_wecom_send(const struct notify_chan *ch, const struct notify_batch *b, struct strbuf *err)
{
	int md = !strcmp(notify_chan_setting(ch, "format"), "markdown");
	struct strbuf text = STRBUF_INIT, answer = STRBUF_INIT;
	notify_batch_text(b, &text, ch->base_url);
	json_t *mobiles = json_array();
	for (int i = 0; i < b->n; i++) {
		const char *m = b->items[i].address;
		int dup = 0;
		for (size_t k = 0; k < json_array_size(mobiles); k++)
			dup |= !strcmp(json_string_value(json_array_get(mobiles, k)), m);
		if (*m && !dup)
			json_array_append_new(mobiles, json_string(m));
	}
	json_t *msg;
	if (md) {
		for (size_t k = 0; k < json_array_size(mobiles); k++)
			sb_addf(&text, "%s@%s", k ? " " : "\n", json_string_value(json_array_get(mobiles, k)));
		cut_utf8(&text, NOTIFY_WECOM_MD_MAX);
		msg = json_pack("{s:s, s:{s:s}}", "msgtype", "markdown", "markdown", "content", text.buf);
		json_decref(mobiles);
	} else {
		cut_utf8(&text, NOTIFY_WECOM_TEXT_MAX);
		msg = json_pack("{s:s, s:{s:s, s:o}}", "msgtype", "text", "text", "content", text.buf,
				"mentioned_mobile_list", mobiles);
	}
	char *body = json_dumps(msg, JSON_COMPACT);
	const char *headers[] = {"Content-Type: application/json", NULL};
	long status = 0;
	int rc = NOTIFY_FAILED;
	if (notify_http_post(ch, ch->url, headers, body, &status, &answer, err) == 0)
		rc = notify_robot_answer(status, answer.buf ? answer.buf : "", 45009, err);
	free(body);
	json_decref(msg);
	sb_release(&text);
	sb_release(&answer);
	return rc;
}
