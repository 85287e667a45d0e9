/*
 * cert_status.c — the one function that says what state a certificate is in on a day.
 *
 * Order of precedence: revoked, expired, review overdue, expiring, review due, valid.
 * A certificate is usable through its expiry day and its review day inclusive; the day after
 * it is expired, or invalid for want of review (原安监总局令第30号 §27: 未按期复审或复审不
 * 合格的，特种作业操作证失效). "Expiring" and "review due" mean within CERT_WARN_DAYS days
 * (on day = date - 30 and later), and stay usable.
 */
#include "cert/cert.h"

#include <string.h>

enum cert_status cert_status_at(int64_t day, int64_t expires_on, int64_t review_on, int revoked)
{
	if (revoked)
		return CERT_REVOKED;
	if (expires_on != CERT_NODAY && day > expires_on)
		return CERT_EXPIRED;
	if (review_on != CERT_NODAY && day > review_on)
		return CERT_REVIEW_OVERDUE;
	if (expires_on != CERT_NODAY && expires_on - day <= CERT_WARN_DAYS)
		return CERT_EXPIRING;
	if (review_on != CERT_NODAY && review_on - day <= CERT_WARN_DAYS)
		return CERT_REVIEW_DUE;
	return CERT_VALID;
}

int cert_status_usable(enum cert_status s)
{
	return s == CERT_VALID || s == CERT_REVIEW_DUE || s == CERT_EXPIRING;
}

static const char *const codes[] = {"valid", "review_due", "expiring", "review_overdue", "expired", "revoked"};
static const char *const keys[] = {"cert.status.valid", "cert.status.review_due", "cert.status.expiring",
				   "cert.status.review_overdue", "cert.status.expired", "cert.status.revoked"};

const char *cert_status_code(enum cert_status s)
{
	return (unsigned)s < 6 ? codes[s] : "valid";
}

const char *cert_status_key(enum cert_status s)
{
	return (unsigned)s < 6 ? keys[s] : keys[0];
}

const char *cert_status_badge(enum cert_status s)
{
	switch (s) {
	case CERT_VALID:
		return "ok";
	case CERT_REVIEW_DUE:
	case CERT_EXPIRING:
		return "warn";
	default:
		return "bad";
	}
}

int cert_status_parse(const char *code)
{
	for (int i = 0; code && i < 6; i++)
		if (!strcmp(code, codes[i]))
			return i;
	return -1;
}
