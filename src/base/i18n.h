/*
 * i18n.h — the message catalogue. Every user-facing string is looked up by key here.
 *
 * Catalogues are po/<module>.tsv files (key TAB zh_CN TAB en), embedded in the binary and
 * loaded once at start. Chinese is the default; a user can switch to English. A key missing
 * from the catalogue shows as the key itself, and tests/unit/test_i18n.c fails the build's
 * tests when a key used in src/ is absent.
 */
#ifndef ANQUAN_I18N_H
#define ANQUAN_I18N_H

void i18n_init(void);
const char *i18n_get(const char *lang, const char *key);
int i18n_has(const char *key);

#define T(r, key) i18n_get((r)->lang, (key))

#endif
