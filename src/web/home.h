/*
 * home.h — the home page, /healthz and the inbox: the pages that belong to no one module.
 */
#ifndef ANQUAN_HOME_H
#define ANQUAN_HOME_H

#include "http/http.h"

extern const struct route home_routes[];

#endif
