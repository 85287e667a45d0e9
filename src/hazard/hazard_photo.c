/*
 * hazard_photo.c — turn an uploaded phone photo into what we store: a JPEG of at most
 * 1600 px on its long side and a 320 px thumbnail, both re-encoded from pixels so that no
 * metadata (EXIF GPS, camera serial) and no payload hidden after the image survives.
 *
 * Order matters for safety: the format is recognised from its magic bytes (never the file
 * name or the browser's Content-Type), then width × height is read from the header and
 * anything above 40 megapixels is refused *before* a pixel is decoded, so a small file that
 * claims 100000 × 100000 px (a decompression bomb) costs nothing. Large JPEGs are decoded
 * already scaled down by libjpeg-turbo (n/8, hazard_photo_decode_size), to a size that needs
 * no box filter (a 12 MP 4:3 photo) or a small one; the thumbnail is shrunk from that. A
 * phone's 4:2:0 JPEG is decoded into YCbCr planes and the stored JPEGs are encoded from them
 * (hazard_pixels.c): no colour conversion or chroma resampling either way.
 * The capture time (EXIF DateTimeOriginal) is read with libexif before re-encoding, and the
 * EXIF orientation is applied so the stored photo stands upright without its EXIF.
 */
#include "hazard/hazard.h"
#include "base/clock.h"
#include "base/strbuf.h"
#include "base/text.h"

#include <libexif/exif-data.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <turbojpeg.h>

struct rgb {
	unsigned char *px;
	int w, h;
};

/* Fit w×h inside max×max keeping the aspect ratio. */
static void fit(int w, int h, int max, int *dw, int *dh)
{
	if (w <= max && h <= max) {
		*dw = w;
		*dh = h;
	} else if (w >= h) {
		*dw = max;
		*dh = (int)((int64_t)h * max / w);
	} else {
		*dh = max;
		*dw = (int)((int64_t)w * max / h);
	}
	if (*dw < 1)
		*dw = 1;
	if (*dh < 1)
		*dh = 1;
}

/* The size to decode a w×h JPEG at: the largest of libjpeg-turbo's scales n/8 that fits in
 * HAZARD_PHOTO_MAX_SIDE when it lands within 1/16 of it (4000 × 3000 → 3/8, 1500 × 1125: no
 * resampling pass at all, and a photo 1/16 smaller per side is the same photo on a phone or
 * a printed report); otherwise the smallest scale still above it, shrunk after (4608 × 3456
 * → 3/8, 1728 × 1296 → 1600 × 1200). Scaled decoding does the IDCT on fewer coefficients,
 * so it costs less than decoding whole and resampling 12 megapixels. Never enlarges. */
void hazard_photo_decode_size(int w, int h, int *sw, int *sh)
{
	int nf = 0, max = HAZARD_PHOTO_MAX_SIDE, near = max - max / 16;
	tjscalingfactor *sf = tjGetScalingFactors(&nf);
	int fit_w = 0, fit_h = 0, over_w = 0, over_h = 0;
	for (int i = 0; sf && i < nf; i++) {
		if (sf[i].num > sf[i].denom)
			continue;
		int tw = TJSCALED(w, sf[i]), th = TJSCALED(h, sf[i]);
		int big = tw > th ? tw : th;
		if (big <= max) {
			if ((int64_t)tw * th > (int64_t)fit_w * fit_h) {
				fit_w = tw;
				fit_h = th;
			}
		} else if (!over_w || (int64_t)tw * th < (int64_t)over_w * over_h) {
			over_w = tw;
			over_h = th;
		}
	}
	int fit_big = fit_w > fit_h ? fit_w : fit_h;
	if (fit_w && (fit_big >= near || !over_w)) {
		*sw = fit_w;
		*sh = fit_h;
	} else if (over_w) {
		*sw = over_w;
		*sh = over_h;
	} else {	/* no scales (cannot happen with libjpeg-turbo): decode whole */
		*sw = w;
		*sh = h;
	}
}

/* Decode a JPEG, scaled by libjpeg-turbo to the size hazard_photo_decode_size picks: a
 * 4:2:0 JPEG (what phones write) straight into planes, skipping the decoder's colour
 * upsampling and conversion; any other (4:4:4, 4:2:2, grey) as RGB, converted after the shrink. */
static int jpeg_decode(const unsigned char *data, size_t len, struct hazard_yuv *yuv, struct rgb *out,
		       const char **why)
{
	tjhandle tj = tjInitDecompress();
	int w, h, sub, cs, rc = -1;
	if (!tj)
		return -1;
	if (tjDecompressHeader3(tj, data, (unsigned long)len, &w, &h, &sub, &cs) || w <= 0 || h <= 0) {
		*why = "hazard.photo_not_image";
		goto done;
	}
	if ((int64_t)w * h > HAZARD_PHOTO_MAX_PIXELS) {
		*why = "hazard.photo_too_many_pixels";
		goto done;
	}
	int sw, sh;
	hazard_photo_decode_size(w, h, &sw, &sh);
	/* TJFLAG_STOPONWARNING: a truncated photo (an upload cut short) is refused, not stored
	 * with a grey lower half */
	if (sub == TJSAMP_420 && cs == TJCS_YCbCr) {
		hazard_yuv_alloc(yuv, sw, sh);
		if (tjDecompressToYUVPlanes(tj, data, (unsigned long)len, yuv->p, sw, yuv->stride, sh,
					    TJFLAG_STOPONWARNING)) {
			hazard_yuv_free(yuv);
			*why = "hazard.photo_not_image";
			goto done;
		}
		hazard_yuv_pad(yuv, 0);
		rc = 0;
		goto done;
	}
	out->px = xmalloc((size_t)sw * sh * 3);
	out->w = sw;
	out->h = sh;
	if (tjDecompress2(tj, data, (unsigned long)len, out->px, sw, 0, sh, TJPF_RGB, TJFLAG_STOPONWARNING)) {
		free(out->px);
		out->px = NULL;
		*why = "hazard.photo_not_image";
		goto done;
	}
	rc = 0;
done:
	tjDestroy(tj);
	return rc;
}

struct png_src {
	const unsigned char *p;
	size_t len, off;
};

static int png_decode(const unsigned char *data, size_t len, struct rgb *out, const char **why)
{
	/* IHDR is always the first chunk: width and height are bytes 16–23, read before libpng
	 * allocates anything, so a bomb header is refused for free */
	if (len < 33 || memcmp(data + 12, "IHDR", 4)) {
		*why = "hazard.photo_not_image";
		return -1;
	}
	uint32_t w = (uint32_t)data[16] << 24 | (uint32_t)data[17] << 16 | (uint32_t)data[18] << 8 | data[19];
	uint32_t h = (uint32_t)data[20] << 24 | (uint32_t)data[21] << 16 | (uint32_t)data[22] << 8 | data[23];
	if (!w || !h) {
		*why = "hazard.photo_not_image";
		return -1;
	}
	if ((uint64_t)w * h > (uint64_t)HAZARD_PHOTO_MAX_PIXELS) {
		*why = "hazard.photo_too_many_pixels";
		return -1;
	}
	png_image img;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, data, len)) {
		*why = "hazard.photo_not_image";
		return -1;
	}
	img.format = PNG_FORMAT_RGB;
	out->w = (int)img.width;
	out->h = (int)img.height;
	out->px = xmalloc(PNG_IMAGE_SIZE(img));
	/* transparent areas go on white, as a viewer shows them */
	png_color bg = {255, 255, 255};
	if (!png_image_finish_read(&img, &bg, out->px, 0, NULL)) {
		free(out->px);
		out->px = NULL;
		png_image_free(&img);
		*why = "hazard.photo_not_image";
		return -1;
	}
	return 0;
}

/* EXIF: capture time (as plant local time → UTC) and orientation. */
static void exif_read(const unsigned char *data, size_t len, int64_t *taken, int *orientation)
{
	*taken = 0;
	*orientation = 1;
	ExifData *ed = exif_data_new_from_data(data, (unsigned int)len);
	if (!ed)
		return;
	ExifEntry *e = exif_data_get_entry(ed, EXIF_TAG_DATE_TIME_ORIGINAL);
	if (e) {
		char buf[64] = "";
		exif_entry_get_value(e, buf, sizeof(buf));
		struct tm tm;
		memset(&tm, 0, sizeof(tm));
		if (sscanf(buf, "%d:%d:%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
			   &tm.tm_min, &tm.tm_sec) == 6 && tm.tm_year > 1990) {
			tm.tm_year -= 1900;
			tm.tm_mon -= 1;
			*taken = (int64_t)timegm(&tm) - clock_local_offset();
		}
	}
	e = exif_data_get_entry(ed, EXIF_TAG_ORIENTATION);
	if (e && e->format == EXIF_FORMAT_SHORT && e->size >= 2)
		*orientation = exif_get_short(e->data, exif_data_get_byte_order(ed));
	exif_data_unref(ed);
}

#define PHOTO_QUALITY 82
#define THUMB_QUALITY 75

/* The marked photo: the original's bytes above the band's first MCU row, then those rows
 * encoded again with the band blended into the planes. A band covering the whole (tiny)
 * picture, or an original that does not parse as expected, is encoded whole instead. The
 * planes come back marked, for the thumbnail. */
static int mark_encode(struct hazard_yuv *img, const struct hazard_mark *mark, struct hazard_image *out)
{
	char buf[3][256];
	const char *lines[3];
	int band = hazard_watermark_band(img->w, img->h, hazard_mark_lines(mark, buf, lines));
	int y = hazard_jpeg_band_start(img->h, band), rc;
	if (hazard_watermark_yuv(img, mark))
		return -1;
	if (y > 0) {
		/* the rows from y down, as a picture of their own */
		struct hazard_yuv tail_rows = {{img->p[0] + (size_t)y * (size_t)img->stride[0],
						img->p[1] + (size_t)(y / 2) * (size_t)img->stride[1],
						img->p[2] + (size_t)(y / 2) * (size_t)img->stride[2]},
					       img->w, img->h - y, {img->stride[0], img->stride[1], img->stride[2]}};
		unsigned char *tail = NULL;
		size_t tail_len = 0;
		if (hazard_jpeg_encode_yuv(&tail_rows, PHOTO_QUALITY, &tail, &tail_len))
			return -1;
		rc = hazard_jpeg_splice(out->orig, out->orig_len, tail, tail_len, y, &out->jpeg, &out->jpeg_len);
		free(tail);
		if (!rc)
			return 0;
	}
	return hazard_jpeg_encode_yuv(img, PHOTO_QUALITY, &out->jpeg, &out->jpeg_len);
}

/* RGB pixels (a PNG, a JPEG not in 4:2:0) shrunk to fit the stored size, as planes. */
static void rgb_to_planes(struct rgb *src, struct hazard_yuv *out)
{
	int dw, dh;
	fit(src->w, src->h, HAZARD_PHOTO_MAX_SIDE, &dw, &dh);
	if (dw != src->w || dh != src->h) {
		unsigned char *px = xmalloc((size_t)dw * dh * 3);
		hazard_area_shrink(src->px, src->w, src->h, (size_t)src->w * 3, 3, px, dw, dh, (size_t)dw * 3);
		free(src->px);
		src->px = px;
		src->w = dw;
		src->h = dh;
	}
	hazard_yuv_alloc(out, src->w, src->h);
	hazard_yuv_from_rgb(out, src->px, 0);
	free(src->px);
	src->px = NULL;
}

int hazard_image_process(const unsigned char *data, size_t len, struct hazard_image *out,
			 const char **msg_key)
{
	return hazard_image_process_marked(data, len, NULL, out, msg_key);
}

int hazard_image_process_marked(const unsigned char *data, size_t len, const struct hazard_mark *mark,
				struct hazard_image *out, const char **msg_key)
{
	struct rgb src = {0};
	struct hazard_yuv big = {0}, small = {0};
	int is_jpeg = len > 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff;
	int is_png = len > 8 && !memcmp(data, "\x89PNG\r\n\x1a\n", 8);
	int orientation = 1, rc = -1;
	memset(out, 0, sizeof(*out));
	*msg_key = "hazard.photo_not_image";
	if (!is_jpeg && !is_png)
		return -1;
	if (is_jpeg) {
		exif_read(data, len, &out->taken_at, &orientation);
		if (jpeg_decode(data, len, &big, &src, msg_key))
			return -1;
	} else if (png_decode(data, len, &src, msg_key)) {
		return -1;
	}
	int dw, dh;
	if (src.px) {
		rgb_to_planes(&src, &big);
	} else {
		fit(big.w, big.h, HAZARD_PHOTO_MAX_SIDE, &dw, &dh);
		if (dw != big.w || dh != big.h) {	/* decoded a little above the limit */
			struct hazard_yuv shrunk;
			hazard_yuv_shrink(&big, &shrunk, dw, dh);
			hazard_yuv_free(&big);
			big = shrunk;
		}
	}
	hazard_yuv_orient(&big, orientation);
	*msg_key = "hazard.photo_failed";
	/* the original is the same upright, shrunk, metadata-free picture before the band; the
	 * marked photo shares its bytes above the band (hazard_jpeg.c), so only the rows from
	 * the band's MCU row down are encoded again */
	if (mark) {
		if (hazard_jpeg_encode_yuv(&big, PHOTO_QUALITY, &out->orig, &out->orig_len) ||
		    mark_encode(&big, mark, out))
			goto done;
	} else if (hazard_jpeg_encode_yuv(&big, PHOTO_QUALITY, &out->jpeg, &out->jpeg_len)) {
		goto done;
	}
	/* the thumbnail from the stored picture (band included), not from the upload again */
	fit(big.w, big.h, HAZARD_THUMB_MAX_SIDE, &dw, &dh);
	hazard_yuv_shrink(&big, &small, dw, dh);
	if (hazard_jpeg_encode_yuv(&small, THUMB_QUALITY, &out->thumb, &out->thumb_len))
		goto done;
	out->width = big.w;
	out->height = big.h;
	hazard_image_hash(out);
	*msg_key = NULL;
	rc = 0;
done:
	hazard_yuv_free(&big);
	hazard_yuv_free(&small);
	if (rc)
		hazard_image_free(out);
	return rc;
}

void hazard_image_hash(struct hazard_image *img)
{
	text_sha256_hex(img->jpeg, img->jpeg_len, img->sha);
	text_sha256_hex(img->thumb, img->thumb_len, img->thumb_sha);
	if (img->orig)
		text_sha256_hex(img->orig, img->orig_len, img->orig_sha);
	else
		img->orig_sha[0] = '\0';
}

void hazard_image_free(struct hazard_image *img)
{
	free(img->jpeg);
	free(img->thumb);
	free(img->orig);
	img->jpeg = img->thumb = img->orig = NULL;
}

unsigned char *hazard_image_synth(int w, int h, unsigned rgb, int quality, size_t *len)
{
	struct rgb img = {xmalloc((size_t)w * h * 3), w, h};
	unsigned char r = (unsigned char)(rgb >> 16), g = (unsigned char)(rgb >> 8), b = (unsigned char)rgb;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			unsigned char *p = img.px + ((size_t)y * w + x) * 3;
			/* diagonal warning stripes over the colour, like hazard tape */
			int stripe = ((x + y) / (w / 8 + 1)) % 2;
			p[0] = stripe ? r : (unsigned char)(r / 2 + 100);
			p[1] = stripe ? g : (unsigned char)(g / 2 + 100);
			p[2] = stripe ? b : (unsigned char)(b / 3);
		}
	unsigned char *out = NULL;
	if (hazard_jpeg_encode(img.px, img.w, img.h, quality, &out, len))
		out = NULL;
	free(img.px);
	return out;
}
