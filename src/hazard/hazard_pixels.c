/*
 * hazard_pixels.c — the pixels a photo is worked on as: YCbCr 4:2:0 planes, the form a phone's
 * JPEG holds and a stored JPEG is written in. libjpeg-turbo decodes into them and the encoder
 * takes them back (raw data), so a photo is never converted to RGB and back, nor its colour
 * upsampled and downsampled again: at 1500 × 1125 px that had been a third of the decode and
 * a quarter of each encode. The watermark is blended into the planes too (hazard_watermark.c).
 *
 * Also here: the area-average shrink (planes, or RGB pixels of a PNG) and the EXIF rotation.
 * Colour conversion is JFIF's (full-range BT.601), in the same 16-bit fixed point as libjpeg.
 */
#include "hazard/hazard.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int align16(int n)
{
	return (n + 15) & ~15;
}

void hazard_yuv_alloc(struct hazard_yuv *y, int w, int h)
{
	y->w = w;
	y->h = h;
	/* rows padded to whole 16 px MCUs: the encoder reads blocks, not pixels (the padding
	 * holds the edge pixel repeated, as libjpeg's own RGB path does) */
	y->stride[0] = align16(w);
	y->stride[1] = y->stride[2] = align16(w) / 2;
	int ch = (h + 1) / 2;
	size_t ny = (size_t)y->stride[0] * (size_t)h, nc = (size_t)y->stride[1] * (size_t)ch;
	y->p[0] = xmalloc(ny + 2 * nc);
	y->p[1] = y->p[0] + ny;
	y->p[2] = y->p[1] + nc;
}

void hazard_yuv_free(struct hazard_yuv *y)
{
	free(y->p[0]);
	memset(y, 0, sizeof(*y));
}

void hazard_yuv_pad(struct hazard_yuv *y, int from_row)
{
	for (int c = 0; c < 3; c++) {
		int pw = c ? (y->w + 1) / 2 : y->w, ph = c ? (y->h + 1) / 2 : y->h, r0 = c ? from_row / 2 : from_row;
		for (int r = r0; r < ph; r++) {
			unsigned char *row = y->p[c] + (size_t)r * (size_t)y->stride[c];
			memset(row + pw, row[pw - 1], (size_t)(y->stride[c] - pw));
		}
	}
}

static unsigned char clamp255(int v)
{
	return (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
}

#define FIX(x) ((int)((x) * 65536.0 + 0.5))
#define HALF (1 << 15)

void hazard_yuv_from_rgb(struct hazard_yuv *y, const unsigned char *rgb, int row0)
{
	int w = y->w;
	for (int r = row0; r < y->h; r++) {
		const unsigned char *p = rgb + (size_t)(r - row0) * (size_t)w * 3;
		unsigned char *q = y->p[0] + (size_t)r * (size_t)y->stride[0];
		for (int x = 0; x < w; x++, p += 3)
			q[x] = (unsigned char)((FIX(0.299) * p[0] + FIX(0.587) * p[1] + FIX(0.114) * p[2] + HALF) >> 16);
	}
	/* chroma: each sample from the average of the 2 × 2 pixels it covers (fewer at an odd
	 * edge), as libjpeg's downsampler does (without its alternating rounding bias) */
	for (int cr = row0 / 2; cr < (y->h + 1) / 2; cr++) {
		int ra = cr * 2, rb = ra + 1 < y->h ? ra + 1 : ra;
		const unsigned char *a = rgb + (size_t)(ra - row0) * (size_t)w * 3;
		const unsigned char *b = rgb + (size_t)(rb - row0) * (size_t)w * 3;
		unsigned char *cb = y->p[1] + (size_t)cr * (size_t)y->stride[1];
		unsigned char *crp = y->p[2] + (size_t)cr * (size_t)y->stride[2];
		for (int cx = 0; cx < (w + 1) / 2; cx++) {
			int xa = cx * 2 * 3, xb = (cx * 2 + 1 < w ? cx * 2 + 1 : cx * 2) * 3;
			int s[3];
			for (int k = 0; k < 3; k++)
				s[k] = a[xa + k] + a[xb + k] + b[xa + k] + b[xb + k];	/* 4 × the mean */
			/* the 128 offset inside keeps the sum non-negative, so the shift rounds */
			cb[cx] = clamp255((-FIX(0.16874) * s[0] - FIX(0.33126) * s[1] + FIX(0.5) * s[2] + (128 << 18) +
					   (1 << 17)) >> 18);
			crp[cx] = clamp255((FIX(0.5) * s[0] - FIX(0.41869) * s[1] - FIX(0.08131) * s[2] + (128 << 18) +
					    (1 << 17)) >> 18);
		}
	}
	hazard_yuv_pad(y, row0);
}

/* GCC's -O2 vectorises only loops whose trip count needs no scalar remainder; these two,
 * the column sums of the area average below, are most of its time (the thumbnail of a 1500
 * px photo adds up 2.5 million bytes) and run 3–4 × faster in SIMD. Clang vectorises at -O2. */
#if defined(__GNUC__) && !defined(__clang__)
#define VECTORISE __attribute__((optimize("vect-cost-model=dynamic")))
#else
#define VECTORISE
#endif

VECTORISE static void col_set(uint32_t *restrict col, const unsigned char *restrict row, size_t n)
{
	for (size_t i = 0; i < n; i++)
		col[i] = row[i];
}

VECTORISE static void col_add(uint32_t *restrict col, const unsigned char *restrict row, size_t n)
{
	for (size_t i = 0; i < n; i++)
		col[i] += row[i];
}

/* run[i + nc] = run[i] + col[i] (run[0..nc-1] = 0), with the running sums in registers: read
 * back from run[] each step waits on the store just made (store forwarding, ~5 cycles), which
 * had made this loop most of the thumbnail's time. */
static void prefix_sums(uint32_t *restrict run, const uint32_t *restrict col, size_t sn, int nc)
{
	if (nc == 1) {
		uint32_t a = 0;
		run[0] = 0;
		for (size_t i = 0; i < sn; i++) {
			a += col[i];
			run[i + 1] = a;
		}
		return;
	}
	uint32_t a0 = 0, a1 = 0, a2 = 0;	/* nc == 3 */
	run[0] = run[1] = run[2] = 0;
	for (size_t i = 0; i + 2 < sn; i += 3) {
		a0 += col[i];
		a1 += col[i + 1];
		a2 += col[i + 2];
		run[i + 3] = a0;
		run[i + 4] = a1;
		run[i + 5] = a2;
	}
}

/* Area-average downscale (each output pixel averages the source pixels it covers) of pixels
 * of nc bytes (1 for a plane, 3 for RGB; nothing else), in integers without a branch or a division per
 * pixel: the source rows of an output row are added up column by column (sequential,
 * vectorised), a running sum along that row gives any box's total as a difference, and the
 * division is a multiplication by a reciprocal kept per column for each of the two box
 * heights (⌊h/dh⌋ and one more) a shrink can have. */
void hazard_area_shrink(const unsigned char *s, int sw, int sh, size_t sstride, int nc, unsigned char *d, int dw,
			int dh, size_t dstride)
{
	size_t sn = (size_t)sw * (size_t)nc;
	int *x0 = xmalloc(sizeof(int) * (size_t)dw * 2), *x1 = x0 + dw;
	uint32_t *col = xmalloc(sizeof(uint32_t) * sn);			/* column sums of the band */
	uint32_t *run = xmalloc(sizeof(uint32_t) * (sn + (size_t)nc));	/* running sums along it */
	uint64_t *inv = xmalloc(sizeof(uint64_t) * (size_t)dw * 2);
	int hlo = sh / dh > 0 ? sh / dh : 1;	/* box heights are hlo or hlo + 1 */
	for (int x = 0; x < dw; x++) {
		x0[x] = (int)((int64_t)x * sw / dw);
		x1[x] = (int)((int64_t)(x + 1) * sw / dw);
		if (x1[x] <= x0[x])
			x1[x] = x0[x] + 1;
		/* round(sum / n) as (sum + n/2) * ceil(2^40 / n) >> 40: exact while
		 * sum < 2^40 / n², i.e. for any box under 250 × 250 source pixels */
		for (int k = 0; k < 2; k++) {
			uint64_t n = (uint64_t)(x1[x] - x0[x]) * (uint64_t)(hlo + k);
			inv[k * dw + x] = ((1ull << 40) + n - 1) / n;
		}
	}
	for (int y = 0; y < dh; y++) {
		int y0 = (int)((int64_t)y * sh / dh), y1 = (int)((int64_t)(y + 1) * sh / dh);
		if (y1 <= y0)
			y1 = y0 + 1;
		col_set(col, s + (size_t)y0 * sstride, sn);
		for (int yy = y0 + 1; yy < y1; yy++)
			col_add(col, s + (size_t)yy * sstride, sn);
		prefix_sums(run, col, sn, nc);
		int bh = y1 - y0;
		const uint64_t *iv = inv + (bh > hlo ? dw : 0);
		unsigned char *q = d + (size_t)y * dstride;
		for (int x = 0; x < dw; x++) {
			uint64_t half = (uint64_t)(x1[x] - x0[x]) * (uint64_t)bh / 2;
			const uint32_t *a = run + (size_t)x0[x] * (size_t)nc, *b = run + (size_t)x1[x] * (size_t)nc;
			for (int k = 0; k < nc; k++)
				q[x * nc + k] = (unsigned char)(((b[k] - a[k] + half) * iv[x]) >> 40);
		}
	}
	free(x0);
	free(col);
	free(run);
	free(inv);
}

void hazard_yuv_shrink(const struct hazard_yuv *s, struct hazard_yuv *d, int dw, int dh)
{
	hazard_yuv_alloc(d, dw, dh);
	for (int c = 0; c < 3; c++) {
		int sw = c ? (s->w + 1) / 2 : s->w, sh = c ? (s->h + 1) / 2 : s->h;
		int tw = c ? (dw + 1) / 2 : dw, th = c ? (dh + 1) / 2 : dh;
		hazard_area_shrink(s->p[c], sw, sh, (size_t)s->stride[c], 1, d->p[c], tw, th, (size_t)d->stride[c]);
	}
	hazard_yuv_pad(d, 0);
}

/* One plane turned: EXIF orientation 3 (180°), 6 (90° clockwise), 8 (90° counter-clockwise). */
static void plane_turn(const unsigned char *s, int w, int h, size_t ss, unsigned char *d, size_t ds, int orientation)
{
	for (int y = 0; y < h; y++) {
		const unsigned char *row = s + (size_t)y * ss;
		for (int x = 0; x < w; x++) {
			int nx, ny;
			if (orientation == 3) {
				nx = w - 1 - x;
				ny = h - 1 - y;
			} else if (orientation == 6) {
				nx = h - 1 - y;
				ny = x;
			} else {
				nx = y;
				ny = w - 1 - x;
			}
			d[(size_t)ny * ds + (size_t)nx] = row[x];
		}
	}
}

void hazard_yuv_orient(struct hazard_yuv *img, int orientation)
{
	if (orientation != 3 && orientation != 6 && orientation != 8)
		return;
	struct hazard_yuv t;
	if (orientation == 3)
		hazard_yuv_alloc(&t, img->w, img->h);
	else
		hazard_yuv_alloc(&t, img->h, img->w);
	/* chroma planes turn as planes: with an odd side their samples' 2 × 2 boxes shift by one
	 * pixel, a sixteenth of what 4:2:0 already blurs */
	for (int c = 0; c < 3; c++) {
		int w = c ? (img->w + 1) / 2 : img->w, h = c ? (img->h + 1) / 2 : img->h;
		plane_turn(img->p[c], w, h, (size_t)img->stride[c], t.p[c], (size_t)t.stride[c], orientation);
	}
	hazard_yuv_pad(&t, 0);
	hazard_yuv_free(img);
	*img = t;
}
