/*
 * precompress.c — build-time tool: writes a gzip (zlib, level 9) and a Brotli (quality 11)
 * copy of each static file, which tools/embed.c then carries into the binary beside the
 * original, so the server sends CSS and JavaScript compressed without compressing them on
 * each request (http/static.c picks the variant by Accept-Encoding).
 *
 * usage: precompress OUTDIR FILE... ; writes OUTDIR/FILE.gz and OUTDIR/FILE.br
 */
#include <brotli/encode.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	unsigned char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	*len = n;
	return buf;
}

static int put(const char *dir, const char *name, const char *ext, const void *data, size_t len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s%s", dir, name, ext);
	/* make the directories of NAME under DIR */
	for (char *s = path + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(path, 0755) && errno != EEXIST) {
			perror(path);
			return -1;
		}
		*s = '/';
	}
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: precompress OUTDIR FILE...\n");
		return 2;
	}
	if (mkdir(argv[1], 0755) && errno != EEXIST) {
		perror(argv[1]);
		return 1;
	}
	for (int i = 2; i < argc; i++) {
		size_t len;
		unsigned char *in = slurp(argv[i], &len);
		if (!in) {
			perror(argv[i]);
			return 1;
		}
		/* gzip: windowBits 15 + 16 asks zlib for the gzip wrapper; no name or time in it,
		 * so the output depends only on the input */
		z_stream z;
		memset(&z, 0, sizeof(z));
		if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
			return 1;
		uLong cap = deflateBound(&z, (uLong)len);
		unsigned char *gz = malloc(cap);
		z.next_in = in;
		z.avail_in = (uInt)len;
		z.next_out = gz;
		z.avail_out = (uInt)cap;
		if (!gz || deflate(&z, Z_FINISH) != Z_STREAM_END) {
			fprintf(stderr, "%s: deflate failed\n", argv[i]);
			return 1;
		}
		size_t gzlen = z.total_out;
		deflateEnd(&z);
		size_t brlen = BrotliEncoderMaxCompressedSize(len) + 64;
		unsigned char *br = malloc(brlen);
		if (!br || !BrotliEncoderCompress(BROTLI_MAX_QUALITY, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT,
						  len, in, &brlen, br)) {
			fprintf(stderr, "%s: brotli failed\n", argv[i]);
			return 1;
		}
		if (put(argv[1], argv[i], ".gz", gz, gzlen) || put(argv[1], argv[i], ".br", br, brlen))
			return 1;
		free(in);
		free(gz);
		free(br);
	}
	return 0;
}
