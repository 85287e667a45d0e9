/*
 * notify_chan.h — what the sender (notify_sender.c) hands a channel, and the channels.
 *
 * Each channel is one small file that turns a batch of outbox rows into one request through
 * libcurl: notify_smtp.c (e-mail), notify_wecom.c (企业微信 group robot), notify_dingtalk.c
 * (钉钉 custom robot), notify_sms.c (Aliyun SendSms and a generic HTTP template),
 * notify_webhook.c (integrators' signed JSON events). A batch holds one row, except for
 * robots (what is due at once is coalesced into one message, to stay under 20 a minute) and
 * digests (one person's held messages in one e-mail).
 */
#ifndef ANQUAN_NOTIFY_CHAN_H
#define ANQUAN_NOTIFY_CHAN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

struct notify_chan {
	int64_t id;
	char kind[16];
	char *url;
	json_t *settings;	/* non-secret settings (object) */
	char *secret;		/* opened from notify_channels.secret; NULL when none */
	int per_minute;
	long timeout_ms;
	const char *base_url;	/* notify.base_url: links in messages become absolute */
};

struct notify_item {
	int64_t id, user_id;
	char *idem_key, *address, *lang, *kind, *title, *body, *link;
	int urgent, digest;
};

struct notify_batch {
	struct notify_item *items;
	int n;
	int digest;		/* a digest: title the batch as one */
	int64_t now;
	int64_t more;		/* a robot's last message this minute: how many more due rows it
				 * stands for ("另有 N 条"), marked sent with it */
};

/* Channel results: sent; failed (retry with back-off); rate-limited by the service (retry
 * after its window, DingTalk's 10 minutes). `err` gets a one-line reason. */
enum { NOTIFY_SENT = 0, NOTIFY_FAILED = -1, NOTIFY_LIMITED = -2 };

int notify_smtp_send(const struct notify_chan *ch, const struct notify_batch *b, struct strbuf *err);
int notify_wecom_send(const struct notify_chan *ch, const struct notify_batch *b, struct strbuf *err);
int notify_dingtalk_send(const struct notify_chan *ch, const struct notify_batch *b, struct strbuf *err);
int notify_sms_send(const struct notify_chan *ch, const struct notify_batch *b, struct strbuf *err);
int notify_webhook_send(const struct notify_chan *ch, const struct notify_batch *b, struct strbuf *err);

/* The limits a robot accepts (bytes of the content field): the coalescer stays under them. */
#define NOTIFY_WECOM_TEXT_MAX 2048
#define NOTIFY_WECOM_MD_MAX 4096
#define NOTIFY_DINGTALK_MAX 4096

/* POST body to url with headers (NULL-terminated "Name: value" list); the status and up to
 * 64 KiB of the answer come back. 0 when an answer came, -1 on a transport error (err). */
int notify_http_post(const struct notify_chan *ch, const char *url, const char *const *headers,
		     const char *body, long *status, struct strbuf *answer, struct strbuf *err);

/* A robot's answer {"errcode":0,...}: NOTIFY_SENT, NOTIFY_LIMITED for `limited_code`, else
 * NOTIFY_FAILED with the service's message in err. */
int64_t notify_backoff(int attempts, int64_t base);	/* seconds, with jitter */
int notify_robot_answer(long status, const char *answer, long limited_code, struct strbuf *err);

/* Setting of a channel as text ("" when absent). */
const char *notify_chan_setting(const struct notify_chan *ch, const char *name);

/* The message text of a batch: each item's title, body and link (absolute with the
 * notify.base_url setting), separated by blank lines, and the "N more" line of a summary;
 * what robots and SMS-free channels say. */
void notify_batch_text(const struct notify_batch *b, struct strbuf *out, const char *base_url);

/* Seal a secret under DATA/notify.key (hex, malloc'd), or open one (malloc'd, NULL when it
 * does not open). */
char *notify_secret_seal(const char *secret);
char *notify_secret_open(const char *sealed);

/* An e-mail Subject as RFC 2047 encoded words (=?UTF-8?B?...?=), folded, none over 75
 * characters, no UTF-8 character split between two. */
void notify_mail_subject(struct strbuf *out, const char *s);

/* HMAC-SHA256(key, msg) as standard base64 (libsodium), into out. */
void notify_hmac_b64(const char *key, const char *msg, size_t len, struct strbuf *out);
void notify_hmac_hex(const char *key, const char *msg, size_t len, struct strbuf *out);

#endif
