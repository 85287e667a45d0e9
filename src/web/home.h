/*
 * home.h — the home page, /healthz and the inbox: the pages that belong to no one module.
 */
#ifndef ANQUAN_HOME_H
#define ANQUAN_HOME_H

#include "http/http.h"

extern const struct route home_routes[];
/* its entry in the module table (base/module.h), listed in src/modules.c */
struct module;
extern const struct module home_module;

#endif
