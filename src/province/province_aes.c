/*
 * province_aes.c — the payload encryption of the provincial upload: the records of a batch as a
 * JSON array, AES-CBC with PKCS#7 padding under the company's key, then base64, posted as
 * {"datas": "..."} (DOMAIN §7, as integrators' public uploaders do it; the IV rule differs
 * between provinces and is a setting). The cipher is OpenSSL's libcrypto: never our own AES.
 */
#include "province/province.h"
#include "base/strbuf.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

const char *const province_iv_rules[] = {"prefix", "zero", "key", NULL};

static const EVP_CIPHER *cipher_for(size_t keylen)
{
	return keylen == 16 ? EVP_aes_128_cbc() : keylen == 24 ? EVP_aes_192_cbc() : keylen == 32 ? EVP_aes_256_cbc() : NULL;
}

int province_encrypt(const char *key, const char *iv_rule, const char *plain, size_t len, struct strbuf *out,
		     struct strbuf *err)
{
	size_t klen = key ? strlen(key) : 0;
	const EVP_CIPHER *ci = cipher_for(klen);
	if (!ci) {
		sb_adds(err, "AES key must be 16, 24 or 32 characters");
		return -1;
	}
	unsigned char iv[16] = {0};
	int prefix = !strcmp(iv_rule, "prefix");
	if (prefix && RAND_bytes(iv, sizeof(iv)) != 1) {
		sb_adds(err, "no random IV");
		return -1;
	}
	if (!strcmp(iv_rule, "key"))
		memcpy(iv, key, 16);
	size_t cap = (prefix ? 16 : 0) + len + 16;
	unsigned char *buf = malloc(cap);
	int n1 = 0, n2 = 0, ok = 0;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	if (buf && ctx) {
		size_t off = 0;
		if (prefix) {
			memcpy(buf, iv, 16);
			off = 16;
		}
		ok = EVP_EncryptInit_ex(ctx, ci, NULL, (const unsigned char *)key, iv) == 1 &&
		     EVP_EncryptUpdate(ctx, buf + off, &n1, (const unsigned char *)plain, (int)len) == 1 &&
		     EVP_EncryptFinal_ex(ctx, buf + off + n1, &n2) == 1;
		if (ok) {
			size_t blen = off + (size_t)n1 + (size_t)n2;
			size_t b64len = sodium_base64_ENCODED_LEN(blen, sodium_base64_VARIANT_ORIGINAL);
			char *b64 = malloc(b64len);
			if (b64) {
				sodium_bin2base64(b64, b64len, buf, blen, sodium_base64_VARIANT_ORIGINAL);
				sb_adds(out, b64);
				free(b64);
			} else {
				ok = 0;
			}
		}
	}
	if (!ok)
		sb_adds(err, "encryption failed");
	EVP_CIPHER_CTX_free(ctx);
	free(buf);
	return ok ? 0 : -1;
}

int province_decrypt(const char *key, const char *iv_rule, const char *b64, struct strbuf *out)
{
	size_t klen = key ? strlen(key) : 0, blen = 0, l = strlen(b64);
	const EVP_CIPHER *ci = cipher_for(klen);
	if (!ci)
		return -1;
	unsigned char *bin = malloc(l + 1), *plain = malloc(l + 32);
	unsigned char iv[16] = {0};
	int ok = 0, n1 = 0, n2 = 0;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	if (bin && plain && ctx &&
	    sodium_base642bin(bin, l + 1, b64, l, NULL, &blen, NULL, sodium_base64_VARIANT_ORIGINAL) == 0) {
		size_t off = 0;
		if (!strcmp(iv_rule, "prefix")) {
			if (blen < 16)
				goto done;
			memcpy(iv, bin, 16);
			off = 16;
		} else if (!strcmp(iv_rule, "key")) {
			memcpy(iv, key, 16);
		}
		ok = EVP_DecryptInit_ex(ctx, ci, NULL, (const unsigned char *)key, iv) == 1 &&
		     EVP_DecryptUpdate(ctx, plain, &n1, bin + off, (int)(blen - off)) == 1 &&
		     EVP_DecryptFinal_ex(ctx, plain + n1, &n2) == 1;
		if (ok)
			sb_add(out, (const char *)plain, (size_t)(n1 + n2));
	}
done:
	EVP_CIPHER_CTX_free(ctx);
	free(bin);
	free(plain);
	return ok ? 0 : -1;
}
