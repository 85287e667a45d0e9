/*
 * test_photo.c — the photo pipeline's sizes and bytes (src/hazard/hazard_photo.c,
 * hazard_jpeg.c): the scale a phone photo is decoded at, the stored and thumbnail sizes,
 * EXIF orientation applied, and the marked photo assembled from the original's bytes being
 * exactly the JPEG a whole encode of the marked pixels gives (from RGB and from 4:2:0 planes),
 * and the planes keeping the picture.
 */
#include "unit.h"
#include "hazard/hazard.h"

#include <libexif/exif-data.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

/* Width, height and RGB pixels of a JPEG, decoded whole; -1 on any libjpeg warning (a
 * misnumbered restart marker is one). */
static int decode(const unsigned char *j, size_t len, int *w, int *h, unsigned char **px)
{
	tjhandle tj = tjInitDecompress();
	int sub, cs, rc = -1;
	if (tj && !tjDecompressHeader3(tj, j, (unsigned long)len, w, h, &sub, &cs)) {
		*px = malloc((size_t)*w * *h * 3);
		rc = tjDecompress2(tj, j, (unsigned long)len, *px, *w, 0, *h, TJPF_RGB, TJFLAG_STOPONWARNING) ? -1 : 0;
		if (rc) {
			free(*px);
			*px = NULL;
		}
	}
	if (tj)
		tjDestroy(tj);
	return rc;
}

TEST(photo_decode_size_lands_near_the_limit)
{
	static const int cases[][4] = {
		{4000, 3000, 1500, 1125},	/* 12 MP 4:3: 3/8, no resampling at all */
		{3000, 4000, 1125, 1500},	/* the same held upright */
		{4032, 3024, 1512, 1134},	/* 12 MP phones' other size: 3/8 */
		{4608, 3456, 1728, 1296},	/* 16 MP: 3/8 is above, 2/8 far below: 3/8 then a small shrink */
		{3264, 2448, 1632, 1224},	/* 8 MP: 4/8, 3/8 would be 1224 */
		{2400, 1200, 1500, 750},	/* 5/8 */
		{1600, 1200, 1600, 1200},	/* a photo the page already shrank: untouched */
		{800, 600, 800, 600},		/* never enlarged */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int sw = 0, sh = 0;
		hazard_photo_decode_size(cases[i][0], cases[i][1], &sw, &sh);
		CHECK_INT(sw, cases[i][2]);
		CHECK_INT(sh, cases[i][3]);
	}
}

TEST(photo_12mp_stored_at_the_scaled_size_with_a_thumbnail)
{
	size_t len = 0;
	unsigned char *jpg = hazard_image_synth(4000, 3000, 0x3366cc, 80, &len);
	struct hazard_image img;
	const char *why = NULL;
	CHECK(jpg && hazard_image_process(jpg, len, &img, &why) == 0);
	CHECK_INT(img.width, 1500);
	CHECK_INT(img.height, 1125);
	int w = 0, h = 0;
	unsigned char *px = NULL;
	CHECK(decode(img.jpeg, img.jpeg_len, &w, &h, &px) == 0);
	CHECK_INT(w, 1500);
	CHECK_INT(h, 1125);
	free(px);
	CHECK(decode(img.thumb, img.thumb_len, &w, &h, &px) == 0);
	CHECK_INT(w, 320);
	CHECK_INT(h, 240);
	free(px);
	hazard_image_free(&img);
	/* 16 MP: decoded at 1728 px, then shrunk to the limit */
	unsigned char *big = hazard_image_synth(4608, 3456, 0x3366cc, 80, &len);
	CHECK(big && hazard_image_process(big, len, &img, &why) == 0);
	CHECK_INT(img.width, 1600);
	CHECK_INT(img.height, 1200);
	hazard_image_free(&img);
	free(big);
	free(jpg);
}

/* A JPEG of w×h whose top-left quarter is red and the rest grey, with an EXIF APP1 segment
 * giving the orientation, as a phone held upright writes it. */
static unsigned char *oriented(int w, int h, int orientation, size_t *len)
{
	unsigned char *px = malloc((size_t)w * h * 3), *j = NULL, *exif = NULL;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			unsigned char *p = px + ((size_t)y * w + x) * 3;
			int red = x < w / 2 && y < h / 2;
			p[0] = red ? 220 : 128;
			p[1] = red ? 30 : 128;
			p[2] = red ? 30 : 128;
		}
	size_t jl = 0;
	unsigned int el = 0;
	int rc = hazard_jpeg_encode(px, w, h, 90, &j, &jl);
	free(px);
	if (rc)
		return NULL;
	ExifData *ed = exif_data_new();
	exif_data_set_byte_order(ed, EXIF_BYTE_ORDER_INTEL);
	ExifEntry *e = exif_entry_new();
	exif_content_add_entry(ed->ifd[EXIF_IFD_0], e);
	exif_entry_initialize(e, EXIF_TAG_ORIENTATION);
	exif_set_short(e->data, EXIF_BYTE_ORDER_INTEL, (ExifShort)orientation);
	exif_data_save_data(ed, &exif, &el);
	exif_entry_unref(e);
	exif_data_unref(ed);
	/* SOI, APP1 (length counts itself), then the rest of the encoded file */
	unsigned char *out = malloc(jl + el + 4);
	memcpy(out, j, 2);
	out[2] = 0xff;
	out[3] = 0xe1;
	out[4] = (unsigned char)((el + 2) >> 8);
	out[5] = (unsigned char)(el + 2);
	memcpy(out + 6, exif, el);
	memcpy(out + 6 + el, j + 2, jl - 2);
	*len = jl + el + 4;
	free(exif);
	free(j);
	return out;
}

static int is_red(const unsigned char *px, int w, int x, int y)
{
	const unsigned char *p = px + ((size_t)y * w + x) * 3;
	return p[0] > 180 && p[1] < 80 && p[2] < 80;
}

TEST(photo_exif_orientation_applied_after_scaled_decoding)
{
	size_t len = 0;
	/* orientation 6: the camera's 4000 × 3000 is shown turned 90° clockwise, 3000 × 4000 */
	unsigned char *jpg = oriented(4000, 3000, 6, &len);
	struct hazard_image img;
	const char *why = NULL;
	CHECK(jpg && hazard_image_process(jpg, len, &img, &why) == 0);
	CHECK_INT(img.width, 1125);
	CHECK_INT(img.height, 1500);
	int w = 0, h = 0;
	unsigned char *px = NULL;
	CHECK(decode(img.jpeg, img.jpeg_len, &w, &h, &px) == 0);
	if (px) {
		/* the red top-left quarter turned clockwise is the top-right one */
		CHECK(is_red(px, w, w * 3 / 4, h / 4));
		CHECK(!is_red(px, w, w / 4, h / 4));
		CHECK(!is_red(px, w, w * 3 / 4, h * 3 / 4));
		free(px);
	}
	CHECK(decode(img.thumb, img.thumb_len, &w, &h, &px) == 0);
	CHECK_INT(w, 240);
	CHECK_INT(h, 320);
	free(px);
	hazard_image_free(&img);
	free(jpg);
	/* orientation 8: counter-clockwise, the red quarter ends bottom-left */
	jpg = oriented(4000, 3000, 8, &len);
	CHECK(jpg && hazard_image_process(jpg, len, &img, &why) == 0);
	CHECK(decode(img.jpeg, img.jpeg_len, &w, &h, &px) == 0);
	if (px) {
		CHECK_INT(w, 1125);
		CHECK(is_red(px, w, w / 4, h * 3 / 4));
		CHECK(!is_red(px, w, w / 4, h / 4));
		free(px);
	}
	hazard_image_free(&img);
	free(jpg);
}

TEST(photo_marked_jpeg_spliced_is_the_whole_encode)
{
	int w = 1500, h = 1125;	/* 1125 is not a multiple of 16: the last MCU row is partial */
	unsigned char *px = malloc((size_t)w * h * 3);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			unsigned char *p = px + ((size_t)y * w + x) * 3;
			p[0] = (unsigned char)(x * 7 + y);
			p[1] = (unsigned char)(200 - y / 8);
			p[2] = (unsigned char)((x / 16 + y / 16) % 2 ? 230 : 40);
		}
	struct hazard_mark m = {.at = 1796106600, .person = "张三", .place = "3号泵房",
				.has_gps = 1, .lat = 31.2304, .lng = 121.4737, .acc = 15};
	unsigned char *orig = NULL, *whole = NULL, *tail = NULL, *spliced = NULL;
	size_t ol = 0, wl = 0, tl = 0, sl = 0;
	CHECK(hazard_jpeg_encode(px, w, h, 82, &orig, &ol) == 0);
	CHECK(hazard_watermark_rgb(px, w, h, &m) == 0);
	CHECK(hazard_jpeg_encode(px, w, h, 82, &whole, &wl) == 0);
	int y = hazard_jpeg_band_start(h, hazard_watermark_band(w, h, 3));
	CHECK(y > h / 2 && y % 16 == 0 && y <= h - hazard_watermark_band(w, h, 3));
	CHECK(hazard_jpeg_encode(px + (size_t)y * w * 3, w, h - y, 82, &tail, &tl) == 0);
	CHECK(hazard_jpeg_splice(orig, ol, tail, tl, y, &spliced, &sl) == 0);
	CHECK(sl == wl && spliced && !memcmp(spliced, whole, wl));
	/* a cut that is not on an MCU row is refused rather than producing a broken picture */
	unsigned char *bad = NULL;
	size_t bl = 0;
	CHECK(hazard_jpeg_splice(orig, ol, tail, tl, y + 8, &bad, &bl) < 0 && !bad);
	free(orig);
	free(whole);
	free(tail);
	free(spliced);
	free(px);
}

TEST(photo_marked_shares_the_originals_rows_above_the_band)
{
	size_t len = 0;
	unsigned char *jpg = hazard_image_synth(4000, 3000, 0xd32f2f, 80, &len);
	struct hazard_mark m = {.at = 1796106600, .person = "张三", .place = "3号泵房"};
	struct hazard_image img;
	const char *why = NULL;
	CHECK(jpg && hazard_image_process_marked(jpg, len, &m, &img, &why) == 0);
	int w = 0, h = 0, ow = 0, oh = 0;
	unsigned char *a = NULL, *b = NULL;
	/* both decode cleanly (restart markers in sequence), at the same size */
	CHECK(decode(img.jpeg, img.jpeg_len, &w, &h, &a) == 0);
	CHECK(decode(img.orig, img.orig_len, &ow, &oh, &b) == 0);
	CHECK(w == ow && h == oh && w == 1500);
	int band = hazard_watermark_band(w, h, 2);
	int start = hazard_jpeg_band_start(h, band);
	if (a && b) {
		/* the decoder's chroma upsampling looks one row across the start, into the band */
		size_t above = (size_t)(start - 2) * w * 3;
		CHECK(!memcmp(a, b, above));
		CHECK(memcmp(a + above, b + above, (size_t)w * h * 3 - above));
	}
	/* and the file is the original's bytes down to there: most of it */
	size_t same = 0;
	while (same < img.jpeg_len && same < img.orig_len && img.jpeg[same] == img.orig[same])
		same++;
	CHECK(same > img.orig_len * 3 / 4 && same < img.orig_len);
	free(a);
	free(b);
	hazard_image_free(&img);
	free(jpg);
}

/* Peak signal-to-noise ratio of b against a, both w×h RGB, in dB. */
static double psnr(const unsigned char *a, const unsigned char *b, int w, int h)
{
	double se = 0;
	size_t n = (size_t)w * h * 3;
	for (size_t i = 0; i < n; i++)
		se += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
	return se == 0 ? 99 : 10 * log10(255.0 * 255.0 * (double)n / se);
}

TEST(photo_planes_keep_the_picture)
{
	/* a 12 MP upload's stored photo (decoded into 4:2:0 planes, encoded from them) against
	 * libjpeg-turbo's own RGB decode of the upload at the same scale: only the one encode's
	 * loss between them, not a misplaced plane or a colour-conversion slip */
	size_t len = 0;
	unsigned char *jpg = hazard_image_synth(4000, 3000, 0x2e7d32, 90, &len);
	struct hazard_image img;
	const char *why = NULL;
	CHECK(jpg && hazard_image_process(jpg, len, &img, &why) == 0);
	tjhandle tj = tjInitDecompress();
	unsigned char *ref = malloc((size_t)1500 * 1125 * 3), *got = NULL;
	CHECK(tjDecompress2(tj, jpg, (unsigned long)len, ref, 1500, 0, 1125, TJPF_RGB, 0) == 0);
	tjDestroy(tj);
	int w = 0, h = 0;
	CHECK(decode(img.jpeg, img.jpeg_len, &w, &h, &got) == 0);
	CHECK(w == 1500 && h == 1125);
	if (got && w == 1500 && h == 1125) {
		double db = psnr(ref, got, w, h);
		CHECK(db > 34);
	}
	free(got);
	free(ref);
	hazard_image_free(&img);
	free(jpg);
	/* a PNG (RGB, converted to planes here): a flat colour comes back as itself */
	struct hazard_yuv y;
	unsigned char flat[64 * 48 * 3];
	for (size_t i = 0; i < sizeof(flat); i += 3) {
		flat[i] = 200;
		flat[i + 1] = 120;
		flat[i + 2] = 40;
	}
	hazard_yuv_alloc(&y, 64, 48);
	hazard_yuv_from_rgb(&y, flat, 0);
	unsigned char *j = NULL, *back = NULL;
	size_t jl = 0;
	CHECK(hazard_jpeg_encode_yuv(&y, 82, &j, &jl) == 0);
	CHECK(decode(j, jl, &w, &h, &back) == 0 && w == 64 && h == 48);
	int worst = 0;
	for (size_t i = 0; back && i < sizeof(flat); i++) {
		int d = abs((int)flat[i] - back[i]);
		worst = d > worst ? d : worst;
	}
	CHECK(worst <= 4);
	free(j);
	free(back);
	hazard_yuv_free(&y);
}

TEST(photo_band_on_planes_is_the_band_on_rgb)
{
	/* the watermark blended into the planes against the same band drawn on RGB and then
	 * converted: equal but for rounding, above the band untouched; h odd, so one chroma
	 * row is half in the band */
	int w = 801, h = 601;
	unsigned char *px = malloc((size_t)w * h * 3);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			unsigned char *p = px + ((size_t)y * w + x) * 3;
			p[0] = (unsigned char)(x * 3 + y);
			p[1] = (unsigned char)(220 - y / 4);
			p[2] = (unsigned char)((x / 16 + y / 16) % 2 ? 230 : 40);
		}
	struct hazard_mark m = {.at = 1796106600, .person = "张三", .place = "3号泵房",
				.has_gps = 1, .lat = 31.2304, .lng = 121.4737, .acc = 15};
	struct hazard_yuv a, b;
	hazard_yuv_alloc(&a, w, h);
	hazard_yuv_alloc(&b, w, h);
	hazard_yuv_from_rgb(&a, px, 0);
	CHECK(hazard_watermark_yuv(&a, &m) == 0);
	CHECK(hazard_watermark_rgb(px, w, h, &m) == 0);
	hazard_yuv_from_rgb(&b, px, 0);
	/* luma to rounding; chroma too, except a few samples at the text's edges: a chroma
	 * sample spans 2 × 2 pixels, and where the text's coverage and the scene's colour both
	 * vary inside them the planes (one colour, the mean coverage) cannot match RGB (four) */
	int worst_y = 0, worst_c = 0;
	long off = 0, changed = 0;
	for (int c = 0; c < 3; c++) {
		int pw = c ? (w + 1) / 2 : w, ph = c ? (h + 1) / 2 : h;
		for (int y = 0; y < ph; y++)
			for (int x = 0; x < pw; x++) {
				int d = abs(a.p[c][(size_t)y * a.stride[c] + x] - b.p[c][(size_t)y * b.stride[c] + x]);
				int *worst = c ? &worst_c : &worst_y;
				*worst = d > *worst ? d : *worst;
				off += c && d > 2;
			}
	}
	CHECK(worst_y <= 2);
	CHECK(worst_c <= 16 && off < (long)w * h / 1000);
	/* and it is there: the band's luma rows darkened or lit */
	int band = hazard_watermark_band(w, h, 3);
	unsigned char *orig = malloc((size_t)w * h * 3);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			unsigned char *p = orig + ((size_t)y * w + x) * 3;
			p[0] = (unsigned char)(x * 3 + y);
			p[1] = (unsigned char)(220 - y / 4);
			p[2] = (unsigned char)((x / 16 + y / 16) % 2 ? 230 : 40);
		}
	hazard_yuv_from_rgb(&b, orig, 0);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			if (a.p[0][(size_t)y * a.stride[0] + x] != b.p[0][(size_t)y * b.stride[0] + x]) {
				CHECK(y >= h - band);
				changed++;
			}
	CHECK(changed > (long)band * w * 9 / 10);
	free(orig);
	free(px);
	hazard_yuv_free(&a);
	hazard_yuv_free(&b);
}

TEST(photo_marked_planes_spliced_are_the_whole_encode)
{
	/* the same identity as for RGB, on the planes the photo path encodes from */
	int w = 1500, h = 1125;
	unsigned char *px = malloc((size_t)w * h * 3);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			unsigned char *p = px + ((size_t)y * w + x) * 3;
			p[0] = (unsigned char)(x * 5 + y);
			p[1] = (unsigned char)(180 - y / 8);
			p[2] = (unsigned char)((x / 16 + y / 16) % 2 ? 210 : 50);
		}
	struct hazard_yuv img;
	hazard_yuv_alloc(&img, w, h);
	hazard_yuv_from_rgb(&img, px, 0);
	struct hazard_mark m = {.at = 1796106600, .person = "张三", .place = "3号泵房"};
	unsigned char *orig = NULL, *whole = NULL, *tail = NULL, *spliced = NULL;
	size_t ol = 0, wl = 0, tl = 0, sl = 0;
	CHECK(hazard_jpeg_encode_yuv(&img, 82, &orig, &ol) == 0);
	int y = hazard_jpeg_band_start(h, hazard_watermark_band(w, h, 2));
	CHECK(hazard_watermark_yuv(&img, &m) == 0);
	CHECK(hazard_jpeg_encode_yuv(&img, 82, &whole, &wl) == 0);
	struct hazard_yuv rows = {{img.p[0] + (size_t)y * img.stride[0], img.p[1] + (size_t)(y / 2) * img.stride[1],
				   img.p[2] + (size_t)(y / 2) * img.stride[2]},
				  w, h - y, {img.stride[0], img.stride[1], img.stride[2]}};
	CHECK(hazard_jpeg_encode_yuv(&rows, 82, &tail, &tl) == 0);
	CHECK(hazard_jpeg_splice(orig, ol, tail, tl, y, &spliced, &sl) == 0);
	CHECK(sl == wl && spliced && !memcmp(spliced, whole, wl));
	/* the band is drawn: the marked picture differs from the original */
	CHECK(ol != wl || memcmp(orig, whole, ol));
	hazard_yuv_free(&img);
	free(orig);
	free(whole);
	free(tail);
	free(spliced);
	free(px);
}

TEST(photo_odd_sizes_and_other_subsamplings_through_the_planes)
{
	/* 4:2:0 uploads of sizes whose chroma planes round up, with the band and without;
	 * 4:4:4 and grey ones (decoded as RGB, converted); each stored at its own size */
	static const int sizes[][2] = {{1, 1}, {1, 17}, {17, 1}, {3, 3}, {31, 33}, {640, 481}};
	struct hazard_mark m = {.at = 1796106600, .person = "张三", .place = "3号泵房"};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		int w = sizes[i][0], h = sizes[i][1];
		size_t len = 0;
		unsigned char *jpg = hazard_image_synth(w, h, 0x3366cc, 85, &len);
		struct hazard_image img;
		const char *why = NULL;
		CHECK(jpg && hazard_image_process_marked(jpg, len, &m, &img, &why) == 0);
		CHECK(img.width == w && img.height == h);
		int dw = 0, dh = 0;
		unsigned char *px = NULL;
		CHECK(decode(img.jpeg, img.jpeg_len, &dw, &dh, &px) == 0 && dw == w && dh == h);
		free(px);
		CHECK(decode(img.orig, img.orig_len, &dw, &dh, &px) == 0 && dw == w && dh == h);
		free(px);
		hazard_image_free(&img);
		free(jpg);
	}
	int w = 99, h = 75;
	unsigned char *rgb = malloc((size_t)w * h * 3);
	for (size_t k = 0; k < (size_t)w * h * 3; k++)
		rgb[k] = (unsigned char)(k * 7);
	static const int subs[] = {TJSAMP_444, TJSAMP_422, TJSAMP_GRAY};
	tjhandle tj = tjInitCompress();
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		unsigned char *jpg = NULL;
		unsigned long len = 0;
		CHECK(tjCompress2(tj, rgb, w, 0, h, TJPF_RGB, &jpg, &len, subs[i], 85, 0) == 0);
		struct hazard_image img;
		const char *why = NULL;
		CHECK(hazard_image_process_marked(jpg, len, &m, &img, &why) == 0);
		CHECK(img.width == w && img.height == h);
		int dw = 0, dh = 0;
		unsigned char *px = NULL;
		CHECK(decode(img.jpeg, img.jpeg_len, &dw, &dh, &px) == 0 && dw == w && dh == h);
		free(px);
		hazard_image_free(&img);
		tjFree(jpg);
	}
	tjDestroy(tj);
	free(rgb);
}

TEST(photo_area_shrink_is_the_box_average)
{
	/* against the plain sum over each box, for RGB and for one plane, shrinking by a
	 * fraction (boxes of 2 and 3 pixels) and by several times */
	static const int cases[][4] = {{7, 5, 3, 2}, {1500, 1125, 320, 240}, {1728, 1296, 1600, 1200}};
	for (size_t t = 0; t < sizeof(cases) / sizeof(cases[0]); t++)
		for (int nc = 1; nc <= 3; nc += 2) {
			int sw = cases[t][0], sh = cases[t][1], dw = cases[t][2], dh = cases[t][3];
			unsigned char *s = malloc((size_t)sw * sh * nc), *d = malloc((size_t)dw * dh * nc);
			for (size_t i = 0; i < (size_t)sw * sh * nc; i++)
				s[i] = (unsigned char)((i * 2654435761u) >> 24);
			hazard_area_shrink(s, sw, sh, (size_t)sw * nc, nc, d, dw, dh, (size_t)dw * nc);
			int bad = 0;
			for (int y = 0; y < dh; y++)
				for (int x = 0; x < dw; x++)
					for (int k = 0; k < nc; k++) {
						int y0 = y * sh / dh, y1 = (y + 1) * sh / dh, x0 = x * sw / dw, x1 = (x + 1) * sw / dw;
						long sum = 0, n = 0;
						for (int yy = y0; yy < y1; yy++)
							for (int xx = x0; xx < x1; xx++, n++)
								sum += s[((size_t)yy * sw + xx) * nc + k];
						bad += d[((size_t)y * dw + x) * nc + k] != (unsigned char)((sum + n / 2) / n);
					}
			CHECK_INT(bad, 0);
			free(s);
			free(d);
		}
}
