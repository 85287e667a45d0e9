/*
 * bench/photo.c — the photo side of `make bench`: a 12-megapixel-class phone photo for the
 * report scenario, and the CPU each step of hazard_image_process_marked costs on it.
 *
 *   build/bench/photo --write FILE [KB [W H]]  W × H (4000 × 3000) px of about KB (300) kilobytes
 *   build/bench/photo --time FILE [N]     N (50) runs of the real processing (watermark on),
 *                                         printing ms per photo and photos per second
 *
 * Kept apart from bench/gen.c because the generator's text keys the cached data set.
 */
#include "hazard/hazard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <turbojpeg.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* smooth shading and a few edges, with light noise: a camera photo's statistics at a phone's
 * usual compression, so 12 MP land near 300 KB */
static int write_photo(const char *path, long kb, int w, int h)
{
	unsigned char *px = malloc((size_t)w * h * 3), *buf = NULL;
	unsigned seed = 17;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			unsigned char *p = px + ((size_t)y * w + x) * 3;
			seed = seed * 1103515245u + 12345u;
			int n = (int)(seed >> 28);
			p[0] = (unsigned char)(x * 200 / w + 30 + n);
			p[1] = (unsigned char)(y * 200 / h + 20 + n);
			p[2] = (unsigned char)(((x / 250 + y / 250) % 2) * 80 + 60 + n);
		}
	unsigned long len = 0;
	tjhandle tj = tjInitCompress();
	for (int q = 95; q >= 10; q -= 3) {
		tjFree(buf);
		buf = NULL;
		if (tjCompress2(tj, px, w, 0, h, TJPF_RGB, &buf, &len, TJSAMP_420, q, 0))
			return -1;
		if ((long)len <= kb * 1024)
			break;
	}
	FILE *f = fopen(path, "wb");
	int rc = f && fwrite(buf, 1, len, f) == len ? 0 : -1;
	if (f)
		fclose(f);
	tjFree(buf);
	tjDestroy(tj);
	free(px);
	fprintf(stderr, "photo: %s: %d × %d px, %lu bytes\n", path, w, h, len);
	return rc;
}

static int time_photo(const char *path, int n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	static unsigned char data[16 << 20];
	size_t len = fread(data, 1, sizeof(data), f);
	fclose(f);
	struct hazard_mark mark = {.at = 1764547200, .person = "张三", .place = "一车间 配电房"};
	double t0 = now_ms();
	clock_t c0 = clock();
	for (int i = 0; i < n; i++) {
		struct hazard_image img;
		const char *why;
		if (hazard_image_process_marked(data, len, &mark, &img, &why)) {
			fprintf(stderr, "photo: %s\n", why);
			return -1;
		}
		hazard_image_free(&img);
	}
	double ms = (now_ms() - t0) / n, cpu = (double)(clock() - c0) * 1000 / CLOCKS_PER_SEC / n;
	/* CPU time, not wall time, is what a loaded machine cannot distort */
	printf("photo: %zu bytes, %.1f ms CPU a photo (%.1f ms wall), %.0f photos/s per core\n", len, cpu,
	       ms, 1000 / cpu);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "--write"))
		return write_photo(argv[2], argc > 3 ? atol(argv[3]) : 300, argc > 5 ? atoi(argv[4]) : 4000,
				   argc > 5 ? atoi(argv[5]) : 3000) ? 1 : 0;
	if (argc >= 3 && !strcmp(argv[1], "--time"))
		return time_photo(argv[2], argc > 3 ? atoi(argv[3]) : 50) ? 1 : 0;
	fprintf(stderr, "usage: photo --write FILE [KB [W H]] | --time FILE [N]\n");
	return 2;
}
