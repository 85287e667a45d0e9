/*
 * i18n.h — the message catalogue, for pages. The catalogue is base/i18n.h: the layers below
 * web (http errors, sign-in, the scheduler's messages) look strings up too, so it lives in
 * base; pages keep including it by this name beside page.h and html.h.
 */
#ifndef ANQUAN_WEB_I18N_H
#define ANQUAN_WEB_I18N_H

#include "base/i18n.h"

#endif
