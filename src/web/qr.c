/*
 * qr.c — QR code to SVG with libqrencode.
 *
 * Each dark module becomes a 1×1 square in one <path>, and the viewBox scales the whole to
 * whatever size CSS gives it, so a label prints sharp at any size. Level M (15 % recovery)
 * survives the dirt and scratches a label on a plant wall collects without making the code
 * much denser than level L.
 */
#include "web/qr.h"

#include <qrencode.h>

#define QUIET 4	/* ISO/IEC 18004 asks for a 4-module quiet zone around the symbol */

int qr_svg(struct strbuf *out, const char *text)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return -1;
	int w = q->width, size = w + 2 * QUIET;
	sb_addf(out, "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\""
		     " shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR\">"
		     "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
		size, size, size, size);
	for (int y = 0; y < w; y++) {
		for (int x = 0; x < w; x++) {
			if (!(q->data[y * w + x] & 1))	/* bit 0: dark module */
				continue;
			int run = 1;	/* join a row's neighbouring modules into one rectangle */
			while (x + run < w && (q->data[y * w + x + run] & 1))
				run++;
			sb_addf(out, "M%d %dh%dv1h-%dz", x + QUIET, y + QUIET, run, run);
			x += run - 1;
		}
	}
	sb_adds(out, "\"/></svg>");
	QRcode_free(q);
	return 0;
}
