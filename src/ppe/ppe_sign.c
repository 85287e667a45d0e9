/*
 * ppe_sign.c — a signature drawn on the store keeper's tablet as the receipt of an issue
 * (签字, beside the holder's own confirmation on the phone): the page's canvas sends it as a
 * PNG data URL, the API as base64. It is accepted only as a PNG (its eight magic bytes and an
 * IHDR of sane size) of at most PPE_SIGNATURE_MAX bytes, and stored once by its SHA-256 in
 * `blobs` (content-addressed, as photos are); the holding points at it, and the hazard job's
 * clean-up of unreferenced blobs keeps it (src/hazard/hazard_sched.c).
 */
#include "ppe/ppe.h"
#include "base/text.h"
#include "db/blobstore.h"
#include "db/db.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

int ppe_signature_check(const unsigned char *b, size_t n, int *w, int *h)
{
	static const unsigned char magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	/* the signature, then the first chunk: length 13, "IHDR", width, height */
	if (!b || n < 8 + 8 + 13 + 4 || n > PPE_SIGNATURE_MAX || memcmp(b, magic, 8) || be32(b + 8) != 13 ||
	    memcmp(b + 12, "IHDR", 4))
		return -1;
	uint32_t wd = be32(b + 16), ht = be32(b + 20);
	if (wd < 1 || wd > 4000 || ht < 1 || ht > 4000)
		return -1;
	*w = (int)wd;
	*h = (int)ht;
	return 0;
}

int ppe_signature_decode(const char *text, unsigned char **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!text || !*text)
		return 0;
	static const char prefix[] = "data:image/png;base64,";
	if (!strncmp(text, prefix, sizeof prefix - 1))
		text += sizeof prefix - 1;
	size_t len = strlen(text);
	if (len > (PPE_SIGNATURE_MAX / 3 + 1) * 4)
		return -1;	/* larger than the limit once decoded: not worth decoding */
	unsigned char *buf = malloc(len / 4 * 3 + 3);
	if (!buf)
		return -1;
	if (sodium_base642bin(buf, len / 4 * 3 + 3, text, len, " \r\n", n, NULL, sodium_base64_VARIANT_ORIGINAL)) {
		free(buf);
		*n = 0;
		return -1;
	}
	*out = buf;
	return 0;
}

int ppe_signature_store(struct db *c, int64_t holding_id, const unsigned char *b, size_t n, int64_t now)
{
	int w, h;
	if (ppe_signature_check(b, n, &w, &h))
		return DB_ERROR;
	char sha[65];
	text_sha256_hex(b, n, sha);
	const struct blob_meta m = {.mime = "image/png", .width = w, .height = h, .created_at = now};
	if (blob_put(c, sha, b, n, &m) != DB_OK)
		return DB_ERROR;
	/* signed on the tablet: that is the holder's receipt, as a confirmation on the phone is */
	return db_exec(c, "UPDATE ppe_holdings SET signature_sha = ?, confirmed_at = ? WHERE id = ?", "tII", sha, now, holding_id);
}
