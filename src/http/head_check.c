/*
 * head_check.c — is a request head valid HTTP/1.1 (RFC 9112)? The connection guard (guard.c)
 * feeds it the bytes of a head as they arrive and hands the connection to libmicrohttpd only
 * once the whole head has passed.
 *
 * Why our own check: libmicrohttpd 0.9.75 (Debian 12's) accepts heads on which two parsers
 * can disagree about where a request ends or what it asks for — a proxy in front and MHD, or
 * MHD and our handler. Each of these was accepted and is now refused with 400 and a closed
 * connection:
 *   "Content-Length : 4"   whitespace before the colon: MHD saw a field named
 *                          "Content-Length " and read the body as a second request (§5.1)
 *   obs-fold               a field line continued on the next line (§5.2)
 *   NUL or other controls  in the request target or a field value (§3.2, RFC 9110 §5.5)
 *   Host                   missing in HTTP/1.1, or given twice (§3.2)
 *   Transfer-Encoding      anything but "chunked" (e.g. "xchunked" hung until the idle
 *                          timeout), or in an HTTP/1.0 request (§6.1, §6.3)
 * Line ends must be CRLF (a bare LF or CR is refused, §2.2): every client we serve sends CRLF,
 * and accepting both is what lets parsers disagree. Two Content-Length fields, or one with
 * Transfer-Encoding, are refused later by server.c (its 400 names the field in the usual
 * error shape), so they are not checked twice.
 *
 * The check works line by line and remembers where it stopped, so a head that arrives a byte
 * at a time costs one pass over its bytes, not one per byte.
 */
#include "http/guard.h"

#include <string.h>
#include <strings.h>

/* tchar of RFC 9110 §5.6.2: the characters of a token (a method, a field name) */
static int is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 1;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static void copy_name(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static enum head_result bad(struct head_check *hc, int status, const char *field,
			    size_t flen, const char *reason)
{
	hc->status = status;
	hc->reason = reason;
	copy_name(hc->field, sizeof(hc->field), field ? field : "", field ? flen : 0);
	return HEAD_BAD;
}

static enum head_result bad_s(struct head_check *hc, int status, const char *field,
			      const char *reason)
{
	return bad(hc, status, field, field ? strlen(field) : 0, reason);
}

static int name_is(const char *s, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(s, name, n) == 0;
}

/* request-line = method SP request-target SP HTTP-version (RFC 9112 §3), single spaces */
static enum head_result request_line(struct head_check *hc, const char *buf, size_t off, size_t n)
{
	const unsigned char *s = (const unsigned char *)buf + off;
	static const char *const shape =
		"the request line is not METHOD SP TARGET SP HTTP/1.x (RFC 9112 §3)";
	size_t i = 0;
	while (i < n && is_tchar(s[i]))
		i++;
	if (i == 0 || i == n || s[i] != ' ')
		return bad_s(hc, 400, "request-line", shape);
	size_t t = ++i;
	for (; i < n && s[i] != ' '; i++)
		if (s[i] < 0x21 || s[i] == 0x7f)
			return bad_s(hc, 400, "path",
				     "a NUL or control character in the request target (RFC 9112 §3.2)");
	if (i == t || i == n)
		return bad_s(hc, 400, "request-line", shape);
	hc->target_off = off + t;
	hc->target_len = i - t;
	const unsigned char *v = s + i + 1;
	if (n - i - 1 != 8 || memcmp(v, "HTTP/", 5) != 0 || v[5] < '0' || v[5] > '9' ||
	    v[6] != '.' || v[7] < '0' || v[7] > '9')
		return bad_s(hc, 400, "request-line", shape);
	if (v[5] != '1')
		return bad_s(hc, 505, NULL, "an HTTP major version other than 1");
	hc->http11 = v[7] >= '1';
	return HEAD_MORE;
}

/* uri-host [":" port] (RFC 9112 §3.2, RFC 3986 §3.2.2): no spaces, slashes, "@" or
 * backslashes, which let a Host name one site to us and another to a cache or proxy */
static int host_valid(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c && strchr("-._~!$&'()*+,;=:[]%", c))))
			return 0;
	}
	return 1;
}

static int is_chunked(const char *s, size_t n)
{
	return n == 7 && strncasecmp(s, "chunked", 7) == 0;
}

/* Transfer-Encoding (RFC 9112 §6.1, §6.3): MHD decodes chunked and nothing else, so only
 * "chunked" alone is accepted. Another coding after it cannot be framed at all (400); one
 * before it would be passed to us undecoded (501, Not Implemented). */
static enum head_result transfer_encoding(struct head_check *hc, const char *v, size_t n)
{
	if (!hc->http11)
		return bad_s(hc, 400, "Transfer-Encoding",
			     "Transfer-Encoding in an HTTP/1.0 request (RFC 9112 §6.1)");
	if (++hc->te > 1)
		return bad_s(hc, 400, "Transfer-Encoding",
			     "more than one Transfer-Encoding field (RFC 9112 §6.1)");
	if (is_chunked(v, n))
		return HEAD_MORE;
	size_t k = n;
	while (k && v[k - 1] != ',')
		k--;
	const char *last = v + k;	/* the last coding of the list */
	size_t ln = n - k;
	while (ln && (*last == ' ' || *last == '\t'))
		last++, ln--;
	if (is_chunked(last, ln))
		return bad_s(hc, 501, "Transfer-Encoding",
			     "a transfer coding other than chunked (RFC 9112 §6.1)");
	return bad_s(hc, 400, "Transfer-Encoding",
		     "chunked is not the final transfer coding (RFC 9112 §6.3)");
}

/* field-line = field-name ":" OWS field-value OWS (RFC 9112 §5) */
static enum head_result field_line(struct head_check *hc, const char *buf, size_t off, size_t n)
{
	const char *s = buf + off;
	if (s[0] == ' ' || s[0] == '\t')
		return bad_s(hc, 400, hc->last,
			     hc->lines == 1 ? "whitespace between the request line and the first "
					      "field (RFC 9112 §2.2)"
					    : "obs-fold: a field line continued on the next line "
					      "(RFC 9112 §5.2)");
	size_t i = 0;
	while (i < n && is_tchar((unsigned char)s[i]))
		i++;
	if (i < n && (s[i] == ' ' || s[i] == '\t'))
		return bad(hc, 400, s, i,
			   "whitespace between the field name and the colon (RFC 9112 §5.1)");
	if (i == n || s[i] != ':' || i == 0)
		return bad(hc, 400, s, i, "a field line without a valid name and colon (RFC 9112 §5)");
	copy_name(hc->last, sizeof(hc->last), s, i);
	const char *name = s;
	size_t nlen = i;
	/* field-value: VCHAR, obs-text, SP and HTAB; NUL, CR, LF and other controls are invalid
	 * (RFC 9110 §5.5) */
	for (size_t j = i + 1; j < n; j++) {
		unsigned char c = (unsigned char)s[j];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return bad(hc, 400, name, nlen,
				   "a NUL or control character in a field value (RFC 9110 §5.5)");
	}
	const char *v = s + i + 1;
	size_t vn = n - i - 1;
	while (vn && (*v == ' ' || *v == '\t'))
		v++, vn--;
	while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
		vn--;
	if (name_is(name, nlen, "Host")) {
		if (++hc->hosts > 1)
			return bad_s(hc, 400, "Host", "more than one Host field (RFC 9112 §3.2)");
		if (!host_valid(v, vn))
			return bad_s(hc, 400, "Host", "an invalid Host value (RFC 9112 §3.2)");
	} else if (name_is(name, nlen, "Transfer-Encoding")) {
		return transfer_encoding(hc, v, vn);
	} else if (name_is(name, nlen, "Content-Length")) {
		if (!vn || strspn(v, "0123456789") < vn)
			return bad_s(hc, 400, "Content-Length",
				     "Content-Length is not a number (RFC 9110 §8.6)");
	}
	return HEAD_MORE;
}

enum head_result head_check_feed(struct head_check *hc, const char *buf, size_t len)
{
	while (hc->pos < len) {
		size_t off = hc->pos;
		const char *nl = memchr(buf + off, '\n', len - off);
		if (!nl)
			return HEAD_MORE;
		size_t n = (size_t)(nl - (buf + off));
		if (n == 0 || buf[off + n - 1] != '\r')
			return bad_s(hc, 400, NULL, "a line not ended by CRLF (RFC 9112 §2.2)");
		n--;
		if (memchr(buf + off, '\r', n))
			return bad_s(hc, 400, NULL, "a bare CR (RFC 9112 §2.2)");
		hc->pos = off + n + 2;
		enum head_result rc;
		if (hc->lines == 0) {
			if (n == 0)	/* empty lines before the request line are ignored (§2.2) */
				continue;
			rc = request_line(hc, buf, off, n);
		} else if (n == 0) {
			/* RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without
			 * Host (two are refused as the second arrives) */
			if (hc->http11 && hc->hosts == 0)
				return bad_s(hc, 400, "Host", "an HTTP/1.1 request without Host (RFC 9112 §3.2)");
			hc->end = hc->pos;
			return HEAD_DONE;
		} else {
			rc = field_line(hc, buf, off, n);
		}
		hc->lines++;
		if (rc == HEAD_BAD)
			return rc;
	}
	return HEAD_MORE;
}
