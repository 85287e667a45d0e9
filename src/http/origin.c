/*
 * origin.c — does a state-changing request come from this site? Defence in depth beside the
 * CSRF token (router.c): if the token ever leaked (a page cached by a shared proxy, a log), a
 * browser still tells us which site's page sent the request, in Origin (every POST from a
 * current browser) or, failing that, in Referer. A request that names another site is
 * refused. A request with neither header passes: old browsers and privacy tools drop them,
 * and the CSRF token alone then stands, as before.
 *
 * "This site" is the authority (host[:port]) the request was sent to, from its Host header:
 * anquan has no configured public address, and nginx in front passes the browser's Host on
 * (`proxy_set_header Host $host`, docs/operations.md). The scheme is not compared: behind
 * TLS termination anquan cannot see it, and a page on the same host and port is this site.
 */
#include "http/http.h"

#include <string.h>
#include <strings.h>

/* The authority of an absolute http(s) URL ("https://a.example:8443/x" → "a.example:8443"),
 * with its length in *n and the default port of its scheme in *def; NULL if not one. */
static const char *url_authority(const char *url, size_t *n, const char **def)
{
	const char *p;
	if (!strncasecmp(url, "http://", 7)) {
		p = url + 7;
		*def = ":80";
	} else if (!strncasecmp(url, "https://", 8)) {
		p = url + 8;
		*def = ":443";
	} else {
		return NULL;
	}
	*n = strcspn(p, "/?#");
	/* userinfo ("http://site@evil/") would make the host ambiguous: no browser sends it */
	if (!*n || memchr(p, '@', *n))
		return NULL;
	return p;
}

/* Equal authorities, ignoring case and a default port written on one side only. */
static int same_authority(const char *a, size_t an, const char *b, size_t bn, const char *def)
{
	size_t dn = strlen(def);
	if (an > dn && !strncasecmp(a + an - dn, def, dn))
		an -= dn;
	if (bn > dn && !strncasecmp(b + bn - dn, def, dn))
		bn -= dn;
	return an == bn && !strncasecmp(a, b, an);
}

int http_origin_ok(struct req *r)
{
	const char *from = req_header(r, "Origin");
	if (!from || !*from)
		from = req_header(r, "Referer");
	if (!from || !*from)
		return 1;
	/* "Origin: null" comes from sandboxed frames and data: pages — never from our own pages */
	const char *host = req_header(r, "Host"), *def;
	size_t n;
	const char *auth = url_authority(from, &n, &def);
	if (!auth || !host || !*host)
		return 0;
	return same_authority(auth, n, host, strlen(host), def);
}
