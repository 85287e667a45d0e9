/*
 * notify_sms.c — SMS through a gateway. Operators in China send only templates approved
 * beforehand with an approved sign name, so a message is a template code plus parameters,
 * never free text: the parameters are the event's title (with the record number) and link.
 *
 * kind sms_http — a generic gateway: POST {url} with
 *   {"phone":…,"sign":…,"template":…,"params":{"title":…,"link":…},"id":idem_key}
 * and "Authorization: Bearer <secret>"; any 2xx is delivered.
 * kind sms_aliyun — Aliyun SendSms (2017-05-25), notify_aliyun.c signs it.
 */
#include "notify/notify_chan.h"
#include "base/strbuf.h"

#include <string.h>

int notify_aliyun_send(const struct notify_chan *ch, const struct notify_batch *b, struct strbuf *err);

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
	char *body = json_dumps(j, JSON_COMPACT);
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
