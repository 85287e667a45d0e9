/*
 * hazard_jpeg.c — the JPEG encoder of stored photos, and the watermarked photo assembled
 * from the encoded original instead of encoded a second time.
 *
 * Every JPEG written here has a restart marker after each row of MCUs (16 px at 4:2:0, the
 * only subsampling used). A restart resets the entropy coder, and 4:2:0's chroma
 * downsampling never reaches across an MCU row, so the bytes of one MCU row depend only on
 * that row's pixels. The watermark band (hazard_watermark.c) changes the bottom of the
 * picture only: the marked photo is therefore the original's bytes up to the MCU row the
 * band starts in, followed by an encode of the rows from there down, their restart markers
 * renumbered. That is byte for byte what a whole encode of the marked pixels gives (a unit
 * test checks it) at the cost of encoding 15–20 % of the picture instead of all of it.
 *
 * The cost of the markers is two bytes per 16 px row (under 0.1 % of a 1500 px photo).
 * Huffman tables are the standard ones (no optimisation pass), so the two encodes share them.
 * libjpeg's own API is used because TurboJPEG 2.1 sets no restart interval.
 */
#include "hazard/hazard.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

#define MCU_ROWS 16	/* pixel rows per MCU at 4:2:0 */

struct jerr {
	struct jpeg_error_mgr mgr;
	jmp_buf jump;
};

static void jerr_exit(j_common_ptr ci)
{
	longjmp(((struct jerr *)(void *)ci->err)->jump, 1);
}

static void jerr_silent(j_common_ptr ci)
{
	(void)ci;
}

/* Feed the picture to libjpeg: RGB rows (colour-converted and downsampled by libjpeg), or
 * 4:2:0 planes as raw data, 16 luma and 8 chroma rows at a time; rows past the bottom edge
 * repeat the last one, as libjpeg does for RGB. */
static void feed_rgb(struct jpeg_compress_struct *ci, const unsigned char *px, int w)
{
	while (ci->next_scanline < ci->image_height) {
		JSAMPROW rows[MCU_ROWS];
		int k = 0;
		for (; k < MCU_ROWS && ci->next_scanline + (JDIMENSION)k < ci->image_height; k++)
			rows[k] = (JSAMPROW)(px + ((size_t)ci->next_scanline + (size_t)k) * (size_t)w * 3);
		jpeg_write_scanlines(ci, rows, (JDIMENSION)k);
	}
}

static void feed_yuv(struct jpeg_compress_struct *ci, const struct hazard_yuv *img)
{
	JSAMPROW ry[MCU_ROWS], rb[MCU_ROWS / 2], rr[MCU_ROWS / 2];
	JSAMPARRAY planes[3] = {ry, rb, rr};
	int ch = (img->h + 1) / 2;
	for (int y = 0; y < img->h; y += MCU_ROWS) {
		for (int k = 0; k < MCU_ROWS; k++) {
			int r = y + k < img->h ? y + k : img->h - 1;
			ry[k] = img->p[0] + (size_t)r * (size_t)img->stride[0];
		}
		for (int k = 0; k < MCU_ROWS / 2; k++) {
			int r = y / 2 + k < ch ? y / 2 + k : ch - 1;
			rb[k] = img->p[1] + (size_t)r * (size_t)img->stride[1];
			rr[k] = img->p[2] + (size_t)r * (size_t)img->stride[2];
		}
		jpeg_write_raw_data(ci, planes, MCU_ROWS);
	}
}

static int encode(const unsigned char *px, const struct hazard_yuv *yuv, int w, int h, int quality,
		  unsigned char **out, size_t *len)
{
	struct jpeg_compress_struct ci;
	struct jerr err;
	/* a first buffer of about what a 1500 px photo at quality 82 takes, so that the
	 * destination rarely grows (libjpeg then copies to a new buffer of its own) */
	size_t cap = (size_t)w * h / 8 + 4096;
	unsigned char *first = xmalloc(cap), *buf = first;
	unsigned long n = cap;
	ci.err = jpeg_std_error(&err.mgr);
	err.mgr.error_exit = jerr_exit;
	err.mgr.output_message = jerr_silent;
	if (setjmp(err.jump)) {
		/* buf is set only by jpeg_finish_compress: first is still ours (a buffer libjpeg
		 * grew into is lost, on an error that only running out of memory causes) */
		jpeg_destroy_compress(&ci);
		free(first);
		return -1;
	}
	jpeg_create_compress(&ci);
	jpeg_mem_dest(&ci, &buf, &n);
	ci.image_width = (JDIMENSION)w;
	ci.image_height = (JDIMENSION)h;
	ci.input_components = 3;
	ci.in_color_space = yuv ? JCS_YCbCr : JCS_RGB;
	jpeg_set_defaults(&ci);	/* YCbCr 4:2:0, standard Huffman tables */
	jpeg_set_quality(&ci, quality, TRUE);
	/* the fast forward DCT: its loss is far below what quality 82 throws away, and it is
	 * what TurboJPEG used here before */
	ci.dct_method = JDCT_IFAST;
	ci.restart_in_rows = 1;
	ci.raw_data_in = yuv ? TRUE : FALSE;
	jpeg_start_compress(&ci, TRUE);
	if (yuv)
		feed_yuv(&ci, yuv);
	else
		feed_rgb(&ci, px, w);
	jpeg_finish_compress(&ci);
	jpeg_destroy_compress(&ci);
	if (buf != first)
		free(first);	/* libjpeg outgrew it and left it to us */
	*out = buf;
	*len = n;
	return 0;
}

int hazard_jpeg_encode(const unsigned char *px, int w, int h, int quality, unsigned char **out, size_t *len)
{
	return encode(px, NULL, w, h, quality, out, len);
}

int hazard_jpeg_encode_yuv(const struct hazard_yuv *img, int quality, unsigned char **out, size_t *len)
{
	return encode(NULL, img, img->w, img->h, quality, out, len);
}

/* Offset of the first byte of entropy-coded data (after the SOS segment), or 0. */
static size_t scan_start(const unsigned char *j, size_t len)
{
	size_t i = 2;	/* after SOI */
	while (i + 4 <= len) {
		if (j[i] != 0xff)
			return 0;
		unsigned m = j[i + 1];
		size_t seg = (size_t)j[i + 2] << 8 | j[i + 3];
		if (m == 0xd8 || m == 0xd9 || (m >= 0xd0 && m <= 0xd7) || seg < 2)
			return 0;
		i += 2 + seg;
		if (m == 0xda)
			return i <= len ? i : 0;
	}
	return 0;
}

/* Offset just after the k-th restart marker (1-based) of the scan starting at s, or 0. In
 * entropy-coded data a 0xFF byte is always followed by 0x00 (stuffing) or a marker. */
static size_t after_restart(const unsigned char *j, size_t len, size_t s, int k)
{
	for (size_t i = s; i + 1 < len; i++)
		if (j[i] == 0xff && j[i + 1] >= 0xd0 && j[i + 1] <= 0xd7 && --k == 0)
			return i + 2;
	return 0;
}

int hazard_jpeg_splice(const unsigned char *orig, size_t orig_len, const unsigned char *tail, size_t tail_len,
		       int from_row, unsigned char **out, size_t *len)
{
	if (from_row <= 0 || from_row % MCU_ROWS)
		return -1;
	int k = from_row / MCU_ROWS;
	size_t os = scan_start(orig, orig_len), ts = scan_start(tail, tail_len);
	size_t cut = os ? after_restart(orig, orig_len, os, k) : 0;
	/* the tail's entropy-coded data ends with EOI */
	if (!cut || !ts || tail_len < ts + 2 || tail[tail_len - 2] != 0xff || tail[tail_len - 1] != 0xd9)
		return -1;
	size_t n = cut + (tail_len - ts);
	unsigned char *j = xmalloc(n);
	memcpy(j, orig, cut);
	memcpy(j + cut, tail + ts, tail_len - ts);
	/* the tail's restart markers count from RST0; in the whole picture they continue after
	 * the k that came before */
	for (size_t i = cut; i + 1 < n - 2; i++)
		if (j[i] == 0xff && j[i + 1] >= 0xd0 && j[i + 1] <= 0xd7) {
			j[i + 1] = (unsigned char)(0xd0 + (j[i + 1] - 0xd0 + k) % 8);
			i++;
		}
	*out = j;
	*len = n;
	return 0;
}

int hazard_jpeg_band_start(int h, int band)
{
	int y0 = h - band;
	return y0 < 0 ? 0 : y0 / MCU_ROWS * MCU_ROWS;
}
