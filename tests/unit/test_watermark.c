/*
 * test_watermark.c — the evidence band of hazard photos (src/hazard/hazard_watermark.c):
 * drawn inside the bottom band only, with the GPS line only when the phone gave a fix.
 */
#include "unit.h"
#include "hazard/hazard.h"

#include <stdlib.h>

static unsigned char *stripes(int w, int h)
{
	unsigned char *px = malloc((size_t)w * h * 3);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			unsigned char *p = px + ((size_t)y * w + x) * 3;
			p[0] = (unsigned char)(x * 7 + y);
			p[1] = (unsigned char)(200 - y);
			p[2] = (unsigned char)((x / 16 + y / 16) % 2 ? 230 : 40);
		}
	return px;
}

TEST(hazard_watermark_changes_the_band_only)
{
	int w = 800, h = 600;
	unsigned char *px = stripes(w, h), *before = stripes(w, h);
	struct hazard_mark m = {.at = 1795000000, .person = "张三", .place = "3号泵房",
				.has_gps = 1, .lat = 31.2304, .lng = 121.4737, .acc = 15};
	CHECK(hazard_watermark_rgb(px, w, h, &m) == 0);
	int band = hazard_watermark_band(w, h, 3);
	CHECK(band >= 3 * 20 && band < h / 2);	/* three lines a phone can read, not half the photo */
	size_t above = (size_t)(h - band) * w * 3;
	CHECK(memcmp(px, before, above) == 0);
	/* every band row is darkened (the translucent backing) and some pixels are near white
	 * (the text) */
	long changed = 0, white = 0;
	for (size_t i = above; i < (size_t)w * h * 3; i += 3) {
		if (memcmp(px + i, before + i, 3))
			changed++;
		if (px[i] > 220 && px[i + 1] > 220 && px[i + 2] > 220)
			white++;
	}
	long total = (long)band * w;
	CHECK(changed > total * 9 / 10);
	CHECK(white > 500);
	free(px);
	free(before);
}

TEST(hazard_watermark_lines_say_time_person_place_gps)
{
	char buf[3][256];
	const char *lines[3];
	/* 2026-12-01 06:30 UTC is 14:30 in the plant (UTC+8) */
	struct hazard_mark m = {.at = 1796106600, .person = "张三", .place = "3号泵房"};
	CHECK(hazard_mark_lines(&m, buf, lines) == 2);
	CHECK_STR(lines[0], "2026-12-01 14:30  张三");
	CHECK_STR(lines[1], "3号泵房");
	m.has_gps = 1;
	m.lat = 31.2304;
	m.lng = 121.4737;
	m.acc = 15.4;
	CHECK(hazard_mark_lines(&m, buf, lines) == 3);
	CHECK_STR(lines[2], "GPS 31.230400, 121.473700  ±15 m");
}

TEST(hazard_gps_parse_names_the_bad_field)
{
	const char *field = NULL, *key = NULL;
	struct hazard_gps g = {.lat_s = "31.23", .lng_s = "121.47", .acc_s = "12"};
	CHECK(hazard_gps_parse(&g, &field, &key) == 0 && g.has && g.acc == 12);
	struct hazard_gps none = {0};
	CHECK(hazard_gps_parse(&none, &field, &key) == 0 && !none.has);
	struct hazard_gps bad = {.lat_s = "91", .lng_s = "121"};
	CHECK(hazard_gps_parse(&bad, &field, &key) < 0);
	CHECK_STR(field, "lat");
	struct hazard_gps bad2 = {.lat_s = "31", .lng_s = "east"};
	CHECK(hazard_gps_parse(&bad2, &field, &key) < 0);
	CHECK_STR(field, "lng");
	CHECK_STR(key, "hazard.err_gps");
}

TEST(hazard_marked_photo_keeps_its_original)
{
	size_t len = 0;
	unsigned char *jpg = hazard_image_synth(640, 480, 0x3366cc, 90, &len);
	struct hazard_mark m = {.at = 1796106600, .person = "张三", .place = "3号泵房"};
	struct hazard_image plain, marked;
	const char *why = NULL;
	CHECK(hazard_image_process(jpg, len, &plain, &why) == 0 && !plain.orig);
	CHECK(hazard_image_process_marked(jpg, len, &m, &marked, &why) == 0);
	CHECK(marked.orig && marked.orig_len == plain.jpeg_len && !memcmp(marked.orig, plain.jpeg, plain.jpeg_len));
	CHECK(marked.jpeg_len != plain.jpeg_len || memcmp(marked.jpeg, plain.jpeg, plain.jpeg_len));
	hazard_image_free(&plain);
	hazard_image_free(&marked);
	free(jpg);
}
