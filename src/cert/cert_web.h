/*
 * cert_web.h — what the certificate pages (cert_web.c) and the JSON API (cert_api.c) share:
 * reading a certificate or person from a form or JSON body, saving it with its audit entry,
 * and loading a record in the requester's data scope.
 */
#ifndef ANQUAN_CERT_WEB_H
#define ANQUAN_CERT_WEB_H

#include <stdint.h>

#include "http/http.h"
#include "web/html.h"

#define CERT_IMAGE_MAX (5u << 20)	/* a scanned certificate: a phone photo or one-page PDF */

/* Load person id if the requester's scope allows it; 0 ok, -1 (404 already answered). */
int cert_web_person_in_scope(struct req *r, int64_t person_id, int64_t *unit_id);
/* Load the person of a certificate if in scope; 0 ok, -1 (404 answered). */
int cert_web_cert_in_scope(struct req *r, int64_t cert_id, int64_t *person_id);
/* Create (cert_id 0, for person_id) or update a certificate from the request's fields
 * (code, number, authority, issued_on, expires_on, review_on; an "image" upload). Returns the
 * id, or -1 with *field and *key naming the problem (-2: database error). */
int64_t cert_web_save(struct req *r, int64_t cert_id, int64_t person_id, const char **field, const char **key);
int cert_web_revoke(struct req *r, int64_t cert_id, const char *reason);
/* Parse a date field ("" → CERT_NODAY); 0 ok. */
int cert_web_day(struct req *r, const char *name, int64_t *day);

/* the API handlers (cert_api.c); cert_routes in cert_web.c lists them */
int cert_api_list(struct req *r);
int cert_api_expiring(struct req *r);
int cert_api_catalogue(struct req *r);
int cert_api_show(struct req *r);
int cert_api_create(struct req *r);
int cert_api_update(struct req *r);
int cert_api_revoke(struct req *r);
int cert_api_import(struct req *r);
int cert_api_persons(struct req *r);
int cert_api_person(struct req *r);
/* A person as the API shows them (without certificates); NULL when there is no such id. */
json_t *cert_api_person_json(struct req *r, int64_t id);
/* the person pages and the API's create (cert_persons_web.c, on web/entity.c) */
int cert_person_new(struct req *r);
int cert_person_create(struct req *r);
int cert_api_person_create(struct req *r);
int cert_api_may(struct req *r);

/* cert_badge_web.c: the badge (markup for %r, "" when all is well) of a user or a person,
 * and a catalogue name, in the requester's language, kept in the request's arena */
html_raw cert_badge_html(struct req *r, int64_t user_id);
html_raw cert_person_badge_html(struct req *r, int64_t person_id);
const char *cert_catalogue_name(struct req *r, const char *code);

#endif
