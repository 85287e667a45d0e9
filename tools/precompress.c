/*
 * precompress.c — build-time tool: writes each static file as it is served, then a gzip
 * (zlib, level 9) and a Brotli (quality 11) copy of it, which tools/embed.c then carries
 * into the binary, so the server sends CSS and JavaScript compressed without compressing them
 * on each request (http/static.c picks the variant by Accept-Encoding).
 *
 * As served, a stylesheet or script is the source without its comments (and a stylesheet
 * without runs of white space): they are written for the people who edit them, and were a
 * fifth of the report page's CSS and scripts even after compression (app.css 7.1 KB → 5.9,
 * hazard.js 2.4 → 1.9). Only what cannot change meaning goes: in CSS, comments outside
 * strings and white space next to { } ; (a space elsewhere, as in "a :hover", is kept as
 * one space); in JavaScript, comments that begin a line ("/" "*" up to its end, or a whole
 * line of "//"). A script with a template literal over several lines, in which a line could
 * begin so, is served as it is.
 *
 * usage: precompress OUTDIR FILE... ; writes OUTDIR/FILE, OUTDIR/FILE.gz and OUTDIR/FILE.br
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

static int ends_with(const char *s, const char *ext)
{
	size_t n = strlen(s), e = strlen(ext);
	return n >= e && strcmp(s + n - e, ext) == 0;
}

static int css_tight(int c)
{
	return c == '{' || c == '}' || c == ';';
}

/* CSS without comments, runs of white space as one space, none beside { } ; */
static size_t shrink_css(const unsigned char *in, size_t len, unsigned char *out)
{
	size_t n = 0;
	int space = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = in[i];
		if (c == '/' && i + 1 < len && in[i + 1] == '*') {
			const unsigned char *end = NULL;
			for (size_t j = i + 2; j + 1 < len; j++)
				if (in[j] == '*' && in[j + 1] == '/') {
					end = in + j;
					break;
				}
			i = end ? (size_t)(end - in) + 1 : len;
			space = 1;	/* a comment separates like white space */
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
			space = 1;
			continue;
		}
		if (space && n && !css_tight(out[n - 1]) && !css_tight(c))
			out[n++] = ' ';
		space = 0;
		if (c == '"' || c == '\'') {	/* a string, copied as it is */
			out[n++] = c;
			for (i++; i < len && in[i] != c; i++) {
				if (in[i] == '\\' && i + 1 < len)
					out[n++] = in[i++];
				out[n++] = in[i];
			}
			if (i < len)
				out[n++] = c;
			continue;
		}
		out[n++] = c;
	}
	if (n)
		out[n++] = '\n';
	return n;
}

/* JavaScript without the comments that begin a line: a block from its opening to its close
 * and the rest of that line, or a line that is only a // comment */
static size_t shrink_js(const unsigned char *in, size_t len, unsigned char *out)
{
	size_t n = 0, i = 0;
	while (i < len) {
		size_t eol = i;
		while (eol < len && in[eol] != '\n')
			eol++;
		size_t t = i;
		while (t < eol && (in[t] == ' ' || in[t] == '\t'))
			t++;
		if (t + 1 < eol && in[t] == '/' && in[t + 1] == '/') {
			i = eol + 1;
			continue;
		}
		if (t + 1 < len && in[t] == '/' && in[t + 1] == '*') {
			size_t j = t + 2;
			while (j + 1 < len && !(in[j] == '*' && in[j + 1] == '/'))
				j++;
			size_t after = j + 2;
			size_t k = after;
			while (k < len && (in[k] == ' ' || in[k] == '\t'))
				k++;
			if (k >= len || in[k] == '\n') {	/* nothing after it on its last line */
				i = k + 1;
				continue;
			}
		}
		size_t end = eol < len ? eol + 1 : eol;
		memcpy(out + n, in + i, end - i);
		n += end - i;
		i = end;
	}
	return n;
}

/* Does a `template literal` span lines? Counted crudely (a backtick in a comment or a string
 * counts too), which errs towards keeping a script as it is. */
static int multiline_template(const unsigned char *in, size_t len)
{
	int open = 0;
	for (size_t i = 0; i < len; i++) {
		if (in[i] == '\\' && open)
			i++;
		else if (in[i] == '`')
			open = !open;
		else if (in[i] == '\n' && open)
			return 1;
	}
	return 0;
}

/* the bytes as served: see the top of the file */
static size_t shrink(const char *name, const unsigned char *in, size_t len, unsigned char *out)
{
	if (ends_with(name, ".css"))
		return shrink_css(in, len, out);
	if (ends_with(name, ".js") && !multiline_template(in, len))
		return shrink_js(in, len, out);
	memcpy(out, in, len);
	return len;
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
		size_t srclen, len;
		unsigned char *src = slurp(argv[i], &srclen);
		unsigned char *in = src ? malloc(srclen + 1) : NULL;
		if (!in) {
			perror(argv[i]);
			return 1;
		}
		len = shrink(argv[i], src, srclen, in);
		free(src);
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
		if (put(argv[1], argv[i], "", in, len) || put(argv[1], argv[i], ".gz", gz, gzlen) ||
		    put(argv[1], argv[i], ".br", br, brlen))
			return 1;
		free(in);
		free(gz);
		free(br);
	}
	return 0;
}
