/*
 * cert_badge_web.c — the certificate badge and catalogue names for pages: the requester as
 * an actor, the domain functions of cert.c (cert_badge_write(), cert_catalogue_name_of()),
 * and the result kept in the request's arena so that it can be passed straight to
 * html_printf. The rules themselves take an actor, not the request.
 */
#include "cert/cert.h"
#include "auth/actor.h"
#include "base/strbuf.h"
#include "cert/cert_web.h"

#include <stdlib.h>

static html_raw badge(struct req *r, int64_t person_or_user_id)
{
	struct actor a;
	actor_from_req(r, &a);
	struct strbuf sb = STRBUF_INIT;
	cert_badge_write(&a, &sb, person_or_user_id);
	html_raw s = arena_strdup(&r->arena, html_raw_sb(&sb));
	sb_release(&sb);
	return s;
}

html_raw cert_badge_html(struct req *r, int64_t user_id)
{
	return badge(r, CERT_USER(user_id));
}

html_raw cert_person_badge_html(struct req *r, int64_t person_id)
{
	return badge(r, person_id);
}

const char *cert_catalogue_name(struct req *r, const char *code)
{
	struct actor a;
	actor_from_req(r, &a);
	char *name = cert_catalogue_name_of(&a, code);
	const char *s = arena_strdup(&r->arena, name);
	free(name);
	return s;
}
