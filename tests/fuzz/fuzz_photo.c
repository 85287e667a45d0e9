/*
 * fuzz_photo.c — libFuzzer target for the uploaded-photo path (src/hazard/hazard_photo.c):
 * hazard_image_process() takes the raw bytes of an upload, recognises JPEG or PNG by magic,
 * reads EXIF, refuses decompression bombs from the header, decodes, orients, shrinks and
 * re-encodes. Any byte string must either be refused with a message key and nothing
 * allocated, or give a photo within the size limits whose stored JPEG and thumbnail decode
 * back to the dimensions claimed — what the database would keep must be a real image.
 */
#include "hazard/hazard.h"

#include <stdint.h>
#include <stdlib.h>
#include <turbojpeg.h>

static void check_jpeg(const unsigned char *p, size_t n, int max_side, int want_w, int want_h)
{
	tjhandle tj = tjInitDecompress();
	int w = 0, h = 0, sub, cs;
	if (!tj || !p || !n || tjDecompressHeader3(tj, p, (unsigned long)n, &w, &h, &sub, &cs))
		abort();
	if (w < 1 || h < 1 || w > max_side || h > max_side || (want_w && (w != want_w || h != want_h)))
		abort();
	tjDestroy(tj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hazard_image img;
	const char *why = NULL;
	if (hazard_image_process(data, size, &img, &why)) {
		if (!why || img.jpeg || img.thumb)
			abort();
		return 0;
	}
	check_jpeg(img.jpeg, img.jpeg_len, HAZARD_PHOTO_MAX_SIDE, img.width, img.height);
	check_jpeg(img.thumb, img.thumb_len, HAZARD_THUMB_MAX_SIDE, 0, 0);
	hazard_image_free(&img);
	return 0;
}
