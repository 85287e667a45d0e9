/*
 * notify_webhook.c — outbound webhooks for integrators: each message is POSTed as a JSON
 * event, signed with the subscriber's own secret so the receiver knows it came from this
 * server and was not replayed later:
 *   X-Anquan-Delivery:  the outbox idempotency key (the same on a retry: drop repeats by it)
 *   X-Anquan-Timestamp: UTC seconds at sending
 *   X-Anquan-Signature: sha256=hex(HMAC-SHA256(secret, timestamp + "." + body))
 * Any 2xx is delivered; anything else is retried by the sender with back-off.
 */
#include "notify/notify_chan.h"
#include "base/strbuf.h"

int notify_webhook_send(const struct notify_chan *ch, const struct notify_batch *b, struct strbuf *err)
{
	const struct notify_item *it = &b->items[0];
	json_t *ev = json_pack("{s:s, s:s, s:b, s:I, s:s, s:s, s:s, s:s, s:I}", "id", it->idem_key, "kind", it->kind,
			       "urgent", it->urgent, "user_id", (json_int_t)it->user_id, "lang", it->lang,
			       "title", it->title, "body", it->body, "link", it->link, "sent_at", (json_int_t)b->now);
	char *body = json_dumps(ev, JSON_COMPACT);
	struct strbuf signed_part = STRBUF_INIT, sig = STRBUF_INIT, h1 = STRBUF_INIT, h2 = STRBUF_INIT,
		      h3 = STRBUF_INIT, answer = STRBUF_INIT;
	sb_addf(&signed_part, "%lld.%s", (long long)b->now, body);
	notify_hmac_hex(ch->secret ? ch->secret : "", signed_part.buf, signed_part.len, &sig);
	sb_addf(&h1, "X-Anquan-Delivery: %s", it->idem_key);
	sb_addf(&h2, "X-Anquan-Timestamp: %lld", (long long)b->now);
	sb_addf(&h3, "X-Anquan-Signature: sha256=%s", sig.buf);
	const char *headers[] = {"Content-Type: application/json", h1.buf, h2.buf, h3.buf, NULL};
	long status = 0;
	int rc = NOTIFY_FAILED;
	if (notify_http_post(ch, ch->url, headers, body, &status, &answer, err) == 0) {
		if (status >= 200 && status <= 299)
			rc = NOTIFY_SENT;
		else if (status == 429)
			rc = NOTIFY_LIMITED;
		if (rc != NOTIFY_SENT)
			sb_addf(err, "HTTP %ld", status);
	}
	free(body);
	json_decref(ev);
	sb_release(&signed_part);
	sb_release(&sig);
	sb_release(&h1);
	sb_release(&h2);
	sb_release(&h3);
	sb_release(&answer);
	return rc;
}
