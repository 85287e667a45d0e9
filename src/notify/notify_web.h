/*
 * notify_web.h — the notification pages (notify_web.c, notify_admin_web.c) and the module
 * descriptor (notify_module.c).
 */
#ifndef ANQUAN_NOTIFY_WEB_H
#define ANQUAN_NOTIFY_WEB_H

#include <stdint.h>
#include "http/http.h"

struct db;
struct module;
extern const struct route notify_routes[];
extern const struct module notify_module;
int notify_demo_load(struct db *c);
/* /me/notify: a person's own preferences (notify_prefs_web.c) */
int notify_prefs_get(struct req *r);
int notify_prefs_post(struct req *r);
/* the unread count of the header's inbox link */
int64_t notify_unread(struct req *r);

#endif
