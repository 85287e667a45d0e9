/*
 * shell.h — the installable app (web/shell.c): manifest, icons, service worker, offline page.
 */
#ifndef ANQUAN_SHELL_H
#define ANQUAN_SHELL_H

/* The app shell's version: 12 hex digits over the program's version and its static files
 * (the service worker's cache is named after it). */
const char *shell_version_string(void);
/* its entry in the module table (base/module.h), listed in src/modules.c */
struct module;
extern const struct module shell_module;

#endif
