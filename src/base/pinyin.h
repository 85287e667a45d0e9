/*
 * pinyin.h — the search key of a Chinese name in Latin letters, so that a person picker finds
 * 赵磊 by "zhaolei", "zhao" or the initials "zl" that people type on a phone keyboard.
 *
 * The reading comes from ICU's Han-Latin/Names transliterator (Debian's libicu), which knows
 * the readings of surnames (单 shàn, 曾 zēng); nothing here keeps a table of characters.
 */
#ifndef ANQUAN_PINYIN_H
#define ANQUAN_PINYIN_H

/* "zhaolei zl" for 赵磊: the syllables joined, a space, their initials; lower-case ASCII.
 * Latin letters and digits in the text are kept, each word giving its initial. malloc'd;
 * "" when the text has no letters, NULL only when memory runs out. */
char *pinyin_key(const char *utf8);

#endif
