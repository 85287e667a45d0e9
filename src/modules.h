/*
 * modules.h — the list of every module (modules.c), for main() and the unit tests.
 */
#ifndef ANQUAN_MODULES_H
#define ANQUAN_MODULES_H

#include "base/module.h"

extern const struct module *const anquan_modules[];

/* Register anquan_modules with the platform (module_registry_set); 0 or -1. */
int modules_register(void);

#endif
