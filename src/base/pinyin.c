/*
 * pinyin.c — pinyin search keys through ICU (see pinyin.h).
 *
 * One transliterator for the process, opened on first use; ICU's transliterators are not safe
 * to share between threads while they work, so the calls take turns under a mutex (a key is
 * a few microseconds; a picker asks for a few dozen).
 */
#include "base/pinyin.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static UTransliterator *trans;
static int failed;

/* "zhao lei" (ASCII words) from the text, into out (size n); -1 when ICU cannot. */
static int romanize(const char *utf8, char *out, int32_t n)
{
	UChar buf[512];
	int32_t len = 0, limit;
	UErrorCode err = U_ZERO_ERROR;
	u_strFromUTF8(buf, 256, &len, utf8, -1, &err);	/* room to grow: a syllable is longer */
	if (U_FAILURE(err))
		return -1;
	pthread_mutex_lock(&lock);
	if (!trans && !failed) {
		UChar id[64];
		u_uastrcpy(id, "Han-Latin/Names; Latin-ASCII; Lower");
		trans = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &err);
		failed = U_FAILURE(err) || !trans;
	}
	if (!failed) {
		limit = len;
		utrans_transUChars(trans, buf, &len, (int32_t)(sizeof(buf) / sizeof(buf[0])), 0, &limit, &err);
	}
	int ok = !failed && U_SUCCESS(err);
	pthread_mutex_unlock(&lock);
	if (!ok)
		return -1;
	u_strToUTF8(out, n, NULL, buf, len, &err);
	return U_SUCCESS(err) && err != U_STRING_NOT_TERMINATED_WARNING ? 0 : -1;
}

char *pinyin_key(const char *utf8)
{
	char latin[1024];
	if (!utf8 || strlen(utf8) > 240 || romanize(utf8, latin, sizeof(latin)))
		return strdup("");
	size_t n = strlen(latin);
	char *out = malloc(2 * n + 2), *joined = out, *initials = malloc(n + 1), *ip = initials;
	if (!out || !initials) {
		free(out);
		free(initials);
		return NULL;
	}
	int start = 1;
	for (const char *s = latin; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c)) {
			*joined++ = (char)c;
			if (start)
				*ip++ = (char)c;
			start = 0;
		} else {
			start = 1;
		}
	}
	*ip = 0;
	if (joined > out && ip > initials)
		*joined++ = ' ';
	strcpy(joined, initials);
	free(initials);
	return out;
}
