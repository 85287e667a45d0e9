/*
 * test_province.c — the provincial upload's payload scheme (province_aes.c): AES-128-CBC with
 * PKCS#7 and base64 under each IV rule, checked against vectors made by openssl enc (zero IV)
 * and Node's crypto (IV = key); a random-prefix payload decrypts back; a key of the wrong
 * length is refused. And a default mapping of every object type is a valid mapping.
 */
#include "unit.h"
#include "province/province.h"
#include "base/strbuf.h"

#include <string.h>

#define KEY "0123456789abcdef"
#define PLAIN "[{\"id\":\"1\"}]"

TEST(province_aes_known_vectors)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	/* printf '[{"id":"1"}]' | openssl enc -aes-128-cbc -K 3031..6566 -iv 00..00 -a */
	CHECK(province_encrypt(KEY, "zero", PLAIN, strlen(PLAIN), &out, &err) == 0);
	CHECK_STR(out.buf, "ldqJfmKVX1JfOcH5jQ1N7A==");
	sb_reset(&out);
	CHECK(province_encrypt(KEY, "key", PLAIN, strlen(PLAIN), &out, &err) == 0);
	CHECK_STR(out.buf, "Q4/mYFwI9GgLmuZj7/feTg==");
	sb_release(&out);
	sb_release(&err);
}

TEST(province_aes_prefix_round_trip_and_bad_key)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, back = STRBUF_INIT, err = STRBUF_INIT;
	CHECK(province_encrypt(KEY, "prefix", PLAIN, strlen(PLAIN), &a, &err) == 0);
	CHECK(province_encrypt(KEY, "prefix", PLAIN, strlen(PLAIN), &b, &err) == 0);
	CHECK(strcmp(a.buf, b.buf) != 0);	/* a fresh IV each time */
	CHECK(province_decrypt(KEY, "prefix", a.buf, &back) == 0);
	CHECK_STR(back.buf, PLAIN);
	CHECK(province_decrypt("fedcba9876543210", "prefix", a.buf, &back) != 0 || strcmp(back.buf, PLAIN) != 0);
	CHECK(province_encrypt("short", "zero", PLAIN, strlen(PLAIN), &a, &err) == -1);
	CHECK(strstr(err.buf, "16, 24 or 32") != NULL);
	sb_release(&a);
	sb_release(&b);
	sb_release(&back);
	sb_release(&err);
}

TEST(province_default_mappings_are_valid)
{
	int n = 0;
	for (const struct province_type *t = province_types; t->type; t++, n++) {
		json_t *f = json_loads(t->defaults, 0, NULL);
		CHECK(f != NULL);
		CHECK(province_mapping_problem(t, f) == NULL);
		json_decref(f);
	}
	CHECK_INT(n, 9);	/* the chain of DOMAIN.md §7 and the permit approvals */
	json_t *bad = json_loads("[{\"field\":\"id\",\"from\":\"no_such_column\"}]", 0, NULL);
	CHECK_STR(province_mapping_problem(province_type_find("objects"), bad), "province.err_mapping_from");
	json_decref(bad);
}
