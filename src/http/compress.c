/*
 * compress.c — content coding for responses: see compress.h.
 *
 * BREACH (a compressed HTTPS response that reflects what an attacker sends and also carries a
 * secret leaks the secret through its length): pages carry the CSRF token, and lists reflect
 * search terms. The token is therefore never sent as it is: page_csrf (web/page.c) masks it
 * with a fresh random pad on every response (auth_csrf_mask), so the bytes of the secret
 * differ in every page and lengths reveal nothing about it across requests. The session
 * token travels only in the Cookie header, which is never compressed. A new API token is
 * shown once, on the response to the POST that made it, which an attacker cannot repeat.
 */
#include "http/compress.h"
#include "http/http.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <brotli/encode.h>
#include <sodium.h>
#include <zlib.h>

#include "base/text.h"

int compress_accepts(const char *ae, const char *coding)
{
	if (!ae)
		return 0;
	size_t cl = strlen(coding);
	int star = -1;
	const char *p = ae;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		const char *name = p;
		while (*p && *p != ',' && *p != ';' && *p != ' ' && *p != '\t')
			p++;
		size_t nl = (size_t)(p - name);
		/* parameters: only q matters; "q=0", "q=0.0", "q=0.000" refuse */
		int refused = 0;
		while (*p && *p != ',') {
			if (*p == ';') {
				p++;
				while (*p == ' ' || *p == '\t')
					p++;
				if ((*p == 'q' || *p == 'Q') && p[1] == '=') {
					const char *v = p + 2;
					if (*v == '0') {
						v++;
						if (*v == '.')
							v++;
						while (*v == '0')
							v++;
						refused = !(*v >= '1' && *v <= '9');
					}
				}
				continue;
			}
			p++;
		}
		if (nl == cl && strncasecmp(name, coding, cl) == 0)
			return !refused;
		/* x-gzip is the same coding (RFC 9110 §8.4.1.3) */
		if (!strcmp(coding, "gzip") && nl == 6 && strncasecmp(name, "x-gzip", 6) == 0)
			return !refused;
		if (nl == 1 && *name == '*')
			star = !refused;
	}
	return star == 1;
}

unsigned char *compress_gzip(const void *in, size_t len, int level, size_t *out_len)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	/* 15 + 16: a gzip wrapper rather than zlib's; 8: the default memory level */
	if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	uLong cap = deflateBound(&z, (uLong)len);
	unsigned char *out = malloc(cap);
	if (!out) {
		deflateEnd(&z);
		return NULL;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	size_t n = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END || n >= len) {
		free(out);
		return NULL;
	}
	*out_len = n;
	return out;
}

unsigned char *compress_brotli(const void *in, size_t len, int quality, size_t *out_len)
{
	size_t cap = BrotliEncoderMaxCompressedSize(len);
	unsigned char *out = cap ? malloc(cap) : NULL;
	if (!out)
		return NULL;
	/* a 256 KiB window: a page or a list fits in it, and the encoder's state stays small */
	size_t n = cap;
	if (!BrotliEncoderCompress(quality, 18, BROTLI_MODE_TEXT, len, in, &n, out) || n >= len) {
		free(out);
		return NULL;
	}
	*out_len = n;
	return out;
}

static int compressible(const char *type)
{
	if (!type)
		return 1;	/* server.c's default: text/html */
	return strncasecmp(type, "text/", 5) == 0 || strncasecmp(type, "application/json", 16) == 0 ||
	       strncasecmp(type, "application/manifest+json", 25) == 0 ||
	       strncasecmp(type, "image/svg+xml", 13) == 0;
}

void compress_response(struct req *r)
{
	if (!compressible(r->resp_type))
		return;
	int vary = 0;
	for (struct kv *h = r->resp_headers; h; h = h->next) {
		if (strcasecmp(h->key, "Content-Encoding") == 0)
			return;	/* already encoded (a precompressed static file) */
		if (strcasecmp(h->key, "Vary") == 0)
			vary = 1;
	}
	if (!vary)
		resp_header(r, "Vary", "Accept-Encoding");
	if (r->out.len < COMPRESS_MIN_BYTES || r->status == 304 || r->status == 204)
		return;
	const char *ae = req_header(r, "Accept-Encoding");
	const char *coding = NULL;
	size_t n;
	unsigned char *z = NULL;
	/* Brotli where the client takes it (every current browser): quality 5 made the report
	 * page on a plant of 100 areas and 250 devices 5.7 KB against gzip's 7.1 (level 4; 6.6
	 * at level 6), for about twice gzip's time; quality 4 gave 6.4 KB */
	if (compress_accepts(ae, "br") && (z = compress_brotli(r->out.buf, r->out.len, 5, &n)))
		coding = "br";
	/* gzip level 4: most of level 6's saving on markup at about half its time per request */
	else if (compress_accepts(ae, "gzip") && (z = compress_gzip(r->out.buf, r->out.len, 4, &n)))
		coding = "gzip";
	if (!z)
		return;
	sb_reset(&r->out);
	sb_add(&r->out, (const char *)z, n);
	free(z);
	resp_header(r, "Content-Encoding", coding);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int unhex(const char *s, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(s[2 * i]), lo = hi < 0 ? -1 : hexval(s[2 * i + 1]);
		if (lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

#define CSRF_BYTES 32

const char *csrf_mask(struct req *r, const char *tok)
{
	unsigned char t[CSRF_BYTES], pad[CSRF_BYTES];
	if (!tok || strlen(tok) != 2 * CSRF_BYTES || unhex(tok, t, CSRF_BYTES))
		return tok;
	randombytes_buf(pad, sizeof(pad));
	char *out = arena_alloc(&r->arena, 4 * CSRF_BYTES + 1);
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < CSRF_BYTES; i++) {
		unsigned char m = pad[i] ^ t[i];
		out[2 * i] = hx[pad[i] >> 4];
		out[2 * i + 1] = hx[pad[i] & 15];
		out[2 * CSRF_BYTES + 2 * i] = hx[m >> 4];
		out[2 * CSRF_BYTES + 2 * i + 1] = hx[m & 15];
	}
	out[4 * CSRF_BYTES] = '\0';
	return out;
}

int csrf_matches(const char *sent, const char *tok)
{
	if (!sent || !tok || strlen(tok) != 2 * CSRF_BYTES)
		return 0;
	if (strlen(sent) != 4 * CSRF_BYTES)
		return text_ct_equal(sent, tok);
	unsigned char pad[CSRF_BYTES], m[CSRF_BYTES], t[CSRF_BYTES];
	if (unhex(sent, pad, CSRF_BYTES) || unhex(sent + 2 * CSRF_BYTES, m, CSRF_BYTES) ||
	    unhex(tok, t, CSRF_BYTES))
		return 0;
	unsigned char diff = 0;
	for (size_t i = 0; i < CSRF_BYTES; i++)
		diff |= (unsigned char)(pad[i] ^ m[i] ^ t[i]);
	return diff == 0;
}
