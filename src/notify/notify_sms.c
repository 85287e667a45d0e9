/*
 * notify_sms.c — SMS through a gateway. Operators in China send only templates approved
 * beforehand with an approved sign name, so a message is a template code plus parameters,
 * never free text: the parameters are the event's title (with the record number) and link.
 *
 * kind sms_http — a generic gateway: POST {url} with "Authorization: Bearer <secret>" and
 *   {"phone":…,"sign":…,"template":…,"params":{"title":…,"link":…},"id":idem_key}
 * or, when the channel has a "body" setting, that text with {phone}, {sign}, {template},
 * {title}, {link} and {id} replaced by the values as JSON strings (quotes included), so
 * another provider's shape is a setting, not code. Any 2xx is delivered.
 * kind sms_aliyun — Aliyun SendSms (2017-05-25), notify_aliyun.c signs it.
 */
#include "notify/notify_chan.h"
#include "base/strbuf.h"

#include <stdlib.h>
#include <string.h>

int notify_aliyun_send(const struct notify_chan *ch, const struct notify_batch *b, struct strbuf *err);

/* the "body" template with each {name} replaced by the JSON string of its value */
static char *fill(const char *tpl, const char *const *names, const char *const *values)
{
	struct strbuf out = STRBUF_INIT;
	for (const char *p = tpl; *p;) {
		int hit = 0;
		for (int i = 0; names[i] && *p == '{'; i++) {
			size_t n = strlen(names[i]);
			if (!strncmp(p + 1, names[i], n) && p[1 + n] == '}') {
				json_t *v = json_string(values[i]);
				char *j = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
				sb_adds(&out, j ? j : "\"\"");
				free(j);
				json_decref(v);
				p += n + 2;
				hit = 1;
				break;
			}
		}
		if (!hit)
			sb_addc(&out, *p++);
	}
	return sb_detach(&out, NULL);
}

int notify_sms_send(const struct notify_chan *ch, const struct notify_batch *b, struct strbuf *err)
{
	if (!strcmp(ch->kind, "sms_aliyun"))
		return notify_aliyun_send(ch, b, err);
	const struct notify_item *it = &b->items[0];
	struct strbuf link = STRBUF_INIT, auth = STRBUF_INIT, answer = STRBUF_INIT;
	if (*it->link)
		sb_addf(&link, "%s%s", ch->base_url ? ch->base_url : "", it->link);
	json_t *j = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:s}", "phone", it->address, "sign",
			      notify_chan_setting(ch, "sign_name"), "template", notify_chan_setting(ch, "template_code"),
			      "params", "title", it->title, "link", link.buf ? link.buf : "", "id", it->idem_key);
	char *body;
	const char *tpl = notify_chan_setting(ch, "body");
	if (*tpl) {
		const char *names[] = {"phone", "sign", "template", "title", "link", "id", NULL};
		const char *values[] = {it->address, notify_chan_setting(ch, "sign_name"), notify_chan_setting(ch, "template_code"),
					it->title, link.buf ? link.buf : "", it->idem_key, NULL};
		body = fill(tpl, names, values);
	} else {
		body = json_dumps(j, JSON_COMPACT);
	}
	sb_addf(&auth, "Authorization: Bearer %s", ch->secret ? ch->secret : "");
	const char *headers[] = {"Content-Type: application/json", auth.buf, NULL};
	long status = 0;
	int rc = NOTIFY_FAILED;
	if (notify_http_post(ch, ch->url, headers, body, &status, &answer, err) == 0) {
		rc = status >= 200 && status <= 299 ? NOTIFY_SENT : status == 429 ? NOTIFY_LIMITED : NOTIFY_FAILED;
		if (rc != NOTIFY_SENT)
			sb_addf(err, "HTTP %ld", status);
	}
	free(body);
	json_decref(j);
	sb_release(&link);
	sb_release(&auth);
	sb_release(&answer);
	return rc;
}
