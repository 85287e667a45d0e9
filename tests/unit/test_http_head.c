/*
 * test_http_head.c — the request-head check the connection guard runs (src/http/head_check.c):
 * what RFC 9112 allows passes, whole or a byte at a time; each shape it forbids is refused
 * with the status and field the guard answers with.
 */
#include "unit.h"
#include "http/guard.h"

#include <string.h>

/* Feed `len` bytes in pieces of `step` (0: all at once), as the guard does when a head
 * arrives in several reads; return the final result. */
static enum head_result feed(struct head_check *hc, const char *s, size_t len, size_t step)
{
	memset(hc, 0, sizeof(*hc));
	enum head_result rc = HEAD_MORE;
	for (size_t have = step ? step : len;; have += step ? step : len) {
		if (have > len)
			have = len;
		rc = head_check_feed(hc, s, have);
		if (rc != HEAD_MORE || have == len)
			return rc;
	}
}

static enum head_result check(struct head_check *hc, const char *s)
{
	return feed(hc, s, strlen(s), 0);
}

TEST(head_check_accepts_what_clients_send)
{
	struct head_check hc;
	const char *get = "GET /hazards?q=%E7%81%AB HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
			  "User-Agent: Mozilla/5.0 (Linux; Android 9)\r\nCookie: sid=ab; lang=en\r\n"
			  "Accept-Language: zh-CN,zh;q=0.9\r\n\r\n";
	CHECK_INT(check(&hc, get), HEAD_DONE);
	CHECK_INT(hc.end, strlen(get));
	CHECK_INT(feed(&hc, get, strlen(get), 1), HEAD_DONE);	/* a byte at a time */
	CHECK_INT(hc.end, strlen(get));
	/* a body after the head is not part of it */
	const char *post = "POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}";
	CHECK_INT(check(&hc, post), HEAD_DONE);
	CHECK_INT(hc.end, strlen(post) - 2);
	CHECK_INT(hc.target_len, strlen("/api/v1/auth/login"));
	CHECK_INT(check(&hc, "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: Chunked \r\n\r\n"),
		  HEAD_DONE);
	CHECK_INT(check(&hc, "GET / HTTP/1.0\r\n\r\n"), HEAD_DONE);	/* Host optional in 1.0 */
	CHECK_INT(check(&hc, "GET / HTTP/1.1\r\nHost:\r\n\r\n"), HEAD_DONE);	/* empty Host */
	CHECK_INT(check(&hc, "GET / HTTP/1.1\r\nHost: [::1]:8080\r\nX-Empty:\r\n\r\n"), HEAD_DONE);
	CHECK_INT(check(&hc, "\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n"), HEAD_DONE);	/* §2.2 */
	CHECK_INT(check(&hc, "GET / HTTP/1.1\r\nX-Utf8: \xe5\xae\x89\xe5\x85\xa8\r\nHost: t\r\n\r\n"),
		  HEAD_DONE);	/* obs-text in a value */
	CHECK_INT(check(&hc, "GET / HTTP/1.1\r\nHost: t\r\n"), HEAD_MORE);
	CHECK_INT(check(&hc, "GET / HT"), HEAD_MORE);
}

TEST(head_check_refuses_what_rfc_9112_forbids)
{
#define S(lit) lit, sizeof(lit) - 1	/* a literal and its length, NULs included */
	static const struct {
		const char *head;
		size_t len;
		int status;
		const char *field;
	} bad[] = {
		{S("POST / HTTP/1.1\r\nHost: t\r\nContent-Length : 4\r\n\r\nabcd"), 400, "Content-Length"},
		{S("GET / HTTP/1.1\r\nHost: t\r\nX-A\t: 1\r\n\r\n"), 400, "X-A"},
		{S("GET / HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n b\r\n\r\n"), 400, "X-A"},
		{S("GET / HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n\tb\r\n\r\n"), 400, "X-A"},
		{S("GET / HTTP/1.1\r\n Host: t\r\n\r\n"), 400, ""},
		{S("GET /a\0b HTTP/1.1\r\nHost: t\r\n\r\n"), 400, "path"},
		{S("GET /a\x7f HTTP/1.1\r\nHost: t\r\n\r\n"), 400, "path"},
		{S("GET / HTTP/1.1\r\nHost: t\r\nX-A: a\0b\r\n\r\n"), 400, "X-A"},
		{S("GET / HTTP/1.1\r\nHost: t\r\nX-A: a\x01\r\n\r\n"), 400, "X-A"},
		{S("GET / HTTP/1.1\r\nHost: t\r\nX-\0A: a\r\n\r\n"), 400, "X-"},
		{S("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"), 400, "Host"},
		{S("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"), 400, "Host"},
		{S("GET / HTTP/1.0\r\nHost: a\r\nHOST: b\r\n\r\n"), 400, "Host"},
		{S("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"), 400, "Host"},
		{S("GET / HTTP/1.1\r\nHost: evil.example/x\r\n\r\n"), 400, "Host"},
		{S("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: xchunked\r\n\r\n"), 400, "Transfer-Encoding"},
		{S("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"), 400, "Transfer-Encoding"},
		{S("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), 501, "Transfer-Encoding"},
		{S("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"), 400, "Transfer-Encoding"},
		{S("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400, "Transfer-Encoding"},
		{S("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: +4\r\n\r\n"), 400, "Content-Length"},
		{S("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 4, 4\r\n\r\n"), 400, "Content-Length"},
		{S("POST / HTTP/1.1\r\nHost: t\r\nContent-Length:\r\n\r\n"), 400, "Content-Length"},
		{S("GET / HTTP/1.1\nHost: t\n\n"), 400, ""},
		{S("GET / HTTP/1.1\r\nHost: t\rX: 1\r\n\r\n"), 400, ""},
		{S("GET  / HTTP/1.1\r\nHost: t\r\n\r\n"), 400, "request-line"},
		{S("GET / HTTP/1.1 \r\nHost: t\r\n\r\n"), 400, "request-line"},
		{S("GET /\r\n\r\n"), 400, "request-line"},
		{S("GET / HTTP/11\r\nHost: t\r\n\r\n"), 400, "request-line"},
		{S("G(T / HTTP/1.1\r\nHost: t\r\n\r\n"), 400, "request-line"},
		{S("GET / HTTP/2.0\r\nHost: t\r\n\r\n"), 505, ""},
		{S("GET / HTTP/1.1\r\nHost: t\r\nNoColon\r\n\r\n"), 400, "NoColon"},
		{S("GET / HTTP/1.1\r\nHost: t\r\n: empty name\r\n\r\n"), 400, ""},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = bad[i].len;
		for (size_t step = 0; step <= 1; step++) {
			struct head_check hc;
			enum head_result rc = feed(&hc, bad[i].head, len, step);
			if (rc != HEAD_BAD || hc.status != bad[i].status || strcmp(hc.field, bad[i].field)) {
				fprintf(stderr, "    case %zu (step %zu): rc %d status %d field '%s'\n", i,
					step, rc, hc.status, hc.field);
				CHECK(!"refused with the expected status and field");
			}
			CHECK(rc != HEAD_BAD || (hc.reason && *hc.reason));
		}
	}
}
