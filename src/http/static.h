/*
 * static.h — the CSS, JavaScript and icons under static/, embedded in the binary and served
 * at /static/NAME with a content hash in the URL so browsers may cache them for a year.
 */
#ifndef ANQUAN_STATIC_H
#define ANQUAN_STATIC_H

#include "http/http.h"

void static_init(void);
const char *static_url(const char *name);	/* "/static/app.css?v=1a2b3c4d" */
int static_serve(struct req *r);
const char *static_url_at(int i);	/* the i-th file's URL, NULL past the last */
extern const struct route static_routes[];
/* its entry in the module table (base/module.h), listed in src/modules.c */
struct module;
extern const struct module static_module;

#endif
