/*
 * home.h — the home page, /healthz and the inbox: the pages that belong to no one module.
 */
#ifndef ANQUAN_HOME_H
#define ANQUAN_HOME_H

#include "http/http.h"

extern const struct route home_routes[];

/* A module's panel on the home page, drawn under the tiles into r->out (nothing if it has
 * nothing for this caller). home.c sits below the modules, so it walks this list, ended by
 * NULL, which app/registry.c fills. */
typedef void (*home_panel_fn)(struct req *r);
extern const home_panel_fn home_panels[];

#endif
