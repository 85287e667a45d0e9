/*
 * test_pinyin.c — the person pickers' search key (base/pinyin.h): syllables and initials,
 * surnames read as surnames, Latin text and digits kept, nothing odd in the output.
 */
#include "unit.h"
#include "base/pinyin.h"

#include <stdlib.h>

static void key_is(const char *in, const char *want)
{
	char *k = pinyin_key(in);
	CHECK_STR(k, want);
	free(k);
}

TEST(pinyin_key_syllables_and_initials)
{
	key_is("赵磊", "zhaolei zl");
	key_is("张晓东", "zhangxiaodong zxd");
	/* surnames with their surname reading: 单 shàn (not dān), 曾 zēng (not céng) */
	key_is("单雄信", "shanxiongxin sxx");
	key_is("曾国庆", "zengguoqing zgq");
	key_is("3号泵 A", "3haobenga 3hba");
	key_is("", "");
	key_is(NULL, "");
}
