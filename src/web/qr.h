/*
 * qr.h — QR codes as inline SVG, for the printable labels on areas, checkpoints and
 * equipment. The markup is generated here from the module grid alone, so it can be written
 * into a page with %r; the encoded text never appears in it.
 */
#ifndef ANQUAN_QR_H
#define ANQUAN_QR_H

#include "base/strbuf.h"

/* Append an <svg> of `text` (error correction M, 4-module quiet zone). Returns 0, or -1 when
 * the text cannot be encoded (too long), in which case nothing is appended. */
int qr_svg(struct strbuf *out, const char *text);

#endif
