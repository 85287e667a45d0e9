/*
 * notify_smtp.c — e-mail through an SMTP server with libcurl: smtp://host:587 with
 * STARTTLS required (setting "tls":"starttls"), smtps://host:465, or plain smtp:// for a
 * relay on the same host; AUTH with the "user" setting and the sealed password. The server's
 * certificate is checked against the system's CAs, or the file named by "ca_file" (a plant's
 * own CA for an internal mail server); never skipped.
 *
 * The message is MIME multipart/alternative: a text/plain part and a text/html one written by
 * the escaping writer (web/html.c), both UTF-8 in base64 (libsodium). The Subject is an
 * RFC 2047 encoded-word (=?UTF-8?B?...?=), split so no encoded word passes 75 characters and
 * no character is cut between two. Message-ID is derived from the outbox idempotency key,
 * so a message re-sent after a crash carries the same id and mail systems can drop it.
 */
#include "notify/notify_chan.h"
#include "base/i18n.h"
#include "base/strbuf.h"
#include "web/html.h"

#include <curl/curl.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

static void b64(struct strbuf *out, const void *p, size_t n)
{
	size_t len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *buf = xmalloc(len);
	sodium_bin2base64(buf, len, p, n, sodium_base64_VARIANT_ORIGINAL);
	sb_adds(out, buf);
	free(buf);
}

/* base64 in lines of 76 (RFC 2045 §6.8) */
static void b64_lines(struct strbuf *out, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i += 57) {
		b64(out, s + i, n - i < 57 ? n - i : 57);
		sb_adds(out, "\r\n");
	}
}

/* RFC 2047 B-encoding: at most 45 bytes of UTF-8 per word (60 base64 characters plus 12 of
 * =?UTF-8?B?...?=), breaking only before a character's first byte. */
void notify_mail_subject(struct strbuf *out, const char *s)
{
	size_t n = strlen(s), i = 0;
	int first = 1;
	while (i < n) {
		size_t take = n - i < 45 ? n - i : 45;
		while (i + take < n && take > 0 && ((unsigned char)s[i + take] & 0xC0) == 0x80)
			take--;
		sb_adds(out, first ? "=?UTF-8?B?" : "\r\n =?UTF-8?B?");
		b64(out, s + i, take);
		sb_adds(out, "?=");
		i += take;
		first = 0;
	}
}

struct upload {
	const char *p;
	size_t left;
};

static size_t feed(char *buf, size_t size, size_t n, void *ud)
{
	struct upload *u = ud;
	size_t len = size * n < u->left ? size * n : u->left;
	memcpy(buf, u->p, len);
	u->p += len;
	u->left -= len;
	return len;
}

int notify_smtp_send(const struct notify_chan *ch, const struct notify_batch *b, struct strbuf *err)
{
	const char *to = b->items[0].address, *from = notify_chan_setting(ch, "from");
	struct strbuf text = STRBUF_INIT, html = STRBUF_INIT, mail = STRBUF_INIT, subj = STRBUF_INIT,
		      rcpt = STRBUF_INIT, mfrom = STRBUF_INIT;
	notify_batch_text(b, &text, ch->base_url);
	html_printf(&html, "<!DOCTYPE html><html><body>");
	for (int i = 0; i < b->n; i++) {
		const struct notify_item *it = &b->items[i];
		html_printf(&html, "<h3>%s</h3><p>%s</p>", it->title, it->body);
		if (*it->link)
			html_printf(&html, "<p><a href=\"%s%s\">%s%s</a></p>", ch->base_url ? ch->base_url : "",
				    it->link, ch->base_url ? ch->base_url : "", it->link);
	}
	html_printf(&html, "</body></html>");
	const char *title = b->digest ? i18n_get(b->items[0].lang, "notify.digest_title") : b->items[0].title;
	notify_mail_subject(&subj, title);
	char date[64];
	time_t t = (time_t)b->now;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	const char *boundary = "anquan-alt-7f3a9c";
	sb_addf(&mail, "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s@anquan>\r\n"
		       "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n",
		date, from, to, subj.buf, b->items[0].idem_key, boundary);
	sb_addf(&mail, "--%s\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
		boundary);
	b64_lines(&mail, text.buf);
	sb_addf(&mail, "--%s\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
		boundary);
	b64_lines(&mail, html.buf);
	sb_addf(&mail, "--%s--\r\n", boundary);

	int rc = NOTIFY_FAILED;
	CURL *h = curl_easy_init();
	if (!h) {
		sb_adds(err, "curl_easy_init failed");
		goto done;
	}
	sb_addf(&mfrom, "<%s>", from);
	sb_addf(&rcpt, "<%s>", to);
	struct curl_slist *rl = curl_slist_append(NULL, rcpt.buf);
	struct upload up = {mail.buf, mail.len};
	char ebuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(h, CURLOPT_URL, ch->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	if (!strcmp(notify_chan_setting(ch, "tls"), "starttls"))
		curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (*notify_chan_setting(ch, "ca_file"))
		curl_easy_setopt(h, CURLOPT_CAINFO, notify_chan_setting(ch, "ca_file"));
	if (*notify_chan_setting(ch, "user")) {
		curl_easy_setopt(h, CURLOPT_USERNAME, notify_chan_setting(ch, "user"));
		curl_easy_setopt(h, CURLOPT_PASSWORD, ch->secret ? ch->secret : "");
	}
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, mfrom.buf);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rl);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, feed);
	curl_easy_setopt(h, CURLOPT_READDATA, &up);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ch->timeout_ms > 0 ? ch->timeout_ms : 10000L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	CURLcode cc = curl_easy_perform(h);
	if (cc == CURLE_OK)
		rc = NOTIFY_SENT;
	else
		sb_addf(err, "%s", ebuf[0] ? ebuf : curl_easy_strerror(cc));
	curl_slist_free_all(rl);
	curl_easy_cleanup(h);
done:
	sb_release(&text);
	sb_release(&html);
	sb_release(&mail);
	sb_release(&subj);
	sb_release(&rcpt);
	sb_release(&mfrom);
	return rc;
}
