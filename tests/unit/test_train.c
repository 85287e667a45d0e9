/*
 * test_train.c — training: a requirement's state at each boundary day (never done, within
 * its grace, the due day itself, the day after; yearly re-training with its warning window
 * across a month end and 29 February; a transfer asking again for a course done before it),
 * the marking of each kind of question (a partial multiple choice is wrong), and the
 * competence answer: overdue training and a failed guardian exam block, and lift when met.
 */
#include "unit.h"
#include "base/day.h"
#include "cert/cert.h"
#include "db/db.h"
#include "http/range.h"
#include "train/train.h"

#include <stdlib.h>
#include <string.h>

static int64_t D(int y, int m, int d)
{
	return day_from_ymd(y, m, d);
}

TEST(train_state_never_done)
{
	int64_t due;
	/* started 1 Nov with 30 days' grace: due 1 Dec, overdue from 2 Dec */
	CHECK_INT(train_state_at(D(2026, 11, 1), DAY_NONE, D(2026, 11, 1), 30, 12, 0, &due), TRAIN_DUE);
	CHECK_INT(due, D(2026, 12, 1));
	CHECK_INT(train_state_at(D(2026, 12, 1), DAY_NONE, D(2026, 11, 1), 30, 12, 0, &due), TRAIN_DUE);
	CHECK_INT(train_state_at(D(2026, 12, 2), DAY_NONE, D(2026, 11, 1), 30, 12, 0, &due), TRAIN_OVERDUE);
	/* before starting work (三级安全教育, no grace): overdue the day after the start */
	CHECK_INT(train_state_at(D(2026, 11, 1), DAY_NONE, D(2026, 11, 1), 0, 0, 1, &due), TRAIN_DUE);
	CHECK_INT(train_state_at(D(2026, 11, 2), DAY_NONE, D(2026, 11, 1), 0, 0, 1, &due), TRAIN_OVERDUE);
}

TEST(train_state_yearly_boundaries)
{
	int64_t due;
	/* done once, never again: complete for good */
	CHECK_INT(train_state_at(D(2030, 1, 1), D(2020, 1, 1), D(2019, 1, 1), 0, 0, 0, &due), TRAIN_COMPLETE);
	CHECK_INT(due, DAY_NONE);
	/* yearly, done 31 Dec 2025: due 31 Dec 2026; due within 30 days from 1 Dec */
	int64_t done = D(2025, 12, 31);
	CHECK_INT(train_state_at(D(2026, 11, 30), done, D(2020, 1, 1), 0, 12, 0, &due), TRAIN_COMPLETE);
	CHECK_INT(train_state_at(D(2026, 12, 1), done, D(2020, 1, 1), 0, 12, 0, &due), TRAIN_DUE);
	CHECK_INT(due, D(2026, 12, 31));
	CHECK_INT(train_state_at(D(2026, 12, 31), done, D(2020, 1, 1), 0, 12, 0, &due), TRAIN_DUE);
	CHECK_INT(train_state_at(D(2027, 1, 1), done, D(2020, 1, 1), 0, 12, 0, &due), TRAIN_OVERDUE);
	/* done on 29 Feb: due 28 Feb next year, overdue 1 March */
	CHECK_INT(train_state_at(D(2029, 2, 28), D(2028, 2, 29), D(2020, 1, 1), 0, 12, 0, &due), TRAIN_DUE);
	CHECK_INT(due, D(2029, 2, 28));
	CHECK_INT(train_state_at(D(2029, 3, 1), D(2028, 2, 29), D(2020, 1, 1), 0, 12, 0, &due), TRAIN_OVERDUE);
	/* a transfer on 1 June asks again: a course done in May does not count, one in June does */
	CHECK_INT(train_state_at(D(2026, 6, 2), D(2026, 5, 20), D(2026, 6, 1), 0, 0, 1, &due), TRAIN_OVERDUE);
	CHECK_INT(train_state_at(D(2026, 6, 2), D(2026, 6, 1), D(2026, 6, 1), 0, 0, 1, &due), TRAIN_COMPLETE);
	/* an ordinary requirement counts what was done before the person's record began */
	CHECK_INT(train_state_at(D(2026, 6, 2), D(2026, 5, 20), D(2026, 6, 1), 30, 12, 0, &due), TRAIN_COMPLETE);
}

static int mark(const char *kind, const char *key, const char *given)
{
	json_t *g = json_loads(given, JSON_DECODE_ANY, NULL);
	int r = train_answer_correct(kind, key, g);
	json_decref(g);
	return r;
}

TEST(train_marking_each_kind)
{
	CHECK_INT(mark("single", "[1]", "[1]"), 1);
	CHECK_INT(mark("single", "[1]", "1"), 1);
	CHECK_INT(mark("single", "[1]", "[2]"), 0);
	CHECK_INT(mark("single", "[1]", "[1,2]"), 0);
	/* multiple choice: all or nothing, in any order; partial and excessive answers are wrong */
	CHECK_INT(mark("multi", "[0,2,3]", "[3,0,2]"), 1);
	CHECK_INT(mark("multi", "[0,2,3]", "[0,2]"), 0);
	CHECK_INT(mark("multi", "[0,2,3]", "[0,1,2,3]"), 0);
	CHECK_INT(mark("multi", "[0,2,3]", "[0,2,2]"), 0);
	CHECK_INT(mark("multi", "[0,2,3]", "[]"), 0);
	CHECK_INT(mark("judge", "[1]", "true"), 1);
	CHECK_INT(mark("judge", "[1]", "false"), 0);
	CHECK_INT(mark("judge", "[0]", "false"), 1);
	CHECK_INT(mark("fill", "23.5", "\" 23.5 \""), 1);
	CHECK_INT(mark("fill", "焊接与热切割作业|焊接与热切割", "\"焊接与热切割\""), 1);
	CHECK_INT(mark("fill", "1|一", "\"2\""), 0);
	CHECK_INT(mark("fill", "1|一", "\"\""), 0);
	CHECK_INT(mark("fill", "1", "1"), 0);	/* a number is not a fill-in text */
	/* shapes the server accepts before storing an answer */
	json_t *j = json_loads("[0,4]", 0, NULL);
	CHECK_INT(train_answer_valid("multi", 4, j), 0);	/* no option 4 of four */
	CHECK_INT(train_answer_valid("multi", 5, j), 1);
	CHECK_INT(train_answer_valid("single", 5, j), 0);	/* two answers to a single choice */
	json_decref(j);
}

TEST(train_blocks_failed_guardian_and_overdue)
{
	struct db *c = unit_db();
	CHECK_INT(db_exec(c, "INSERT INTO units (id, name, kind, path, created_at) VALUES (1, 'U', 'company', '/1/', 0)", ""), DB_OK);
	CHECK_INT(db_exec(c, "INSERT INTO persons (id, name, unit_id, created_at) VALUES (1, 'P', 1, 0)", ""), DB_OK);
	CHECK_INT(db_exec(c, "INSERT INTO train_courses (id, code, name, hours, renew_months, permit_role, created_at)"
			     " VALUES (1, 'g', '监护人培训', 8, 12, 'guardian', 0), (2, 'y', '年度再培训', 20, 12, NULL, 0)", ""), DB_OK);
	CHECK_INT(db_exec(c, "INSERT INTO train_exams (id, course_id, title, questions, minutes, pass_mark, max_attempts,"
			     " created_at) VALUES (1, 1, 'G', 5, 10, 80, 3, 0)", ""), DB_OK);
	int64_t day = D(2026, 11, 30);
	const char *why;
	char *detail;
	CHECK_INT(train_may_operate(c, 1, "guardian", day, &why, &detail), 1);
	CHECK(why == NULL);
	/* a failed guardian exam on 30 Nov (local): refused as guardian with the day, not as worker */
	int64_t at = day_start_utc(day) + 10 * 3600;
	CHECK_INT(db_exec(c, "INSERT INTO train_attempts (exam_id, person_id, started_at, deadline, submitted_at, paper,"
			     " score, passed) VALUES (1, 1, ?, ?, ?, '[]', 40, 0)", "III", at - 600, at, at), DB_OK);
	CHECK_INT(train_may_operate(c, 1, "guardian", day, &why, &detail), 0);
	CHECK_STR(why, "train.reason.failed.guardian");
	CHECK_STR(detail, "2026-11-30");
	free(detail);
	CHECK_INT(train_may_operate(c, 1, "hot_work", day, &why, &detail), 1);
	free(detail);
	/* the certificate module's answer carries it (the person holds no certificates, and
	 * guardian needs one: so the certificate's reason comes first) */
	CHECK_INT(cert_may_operate(c, 1, "excavation", day, &why, &detail), 1);
	free(detail);
	/* passed on a retake: lifted */
	CHECK_INT(db_exec(c, "INSERT INTO train_attempts (exam_id, person_id, started_at, deadline, submitted_at, paper,"
			     " score, passed) VALUES (1, 1, ?, ?, ?, '[]', 90, 1)", "III", at, at + 600, at + 600), DB_OK);
	CHECK_INT(train_may_operate(c, 1, "guardian", day, &why, &detail), 1);
	free(detail);
	/* a yearly course required of everyone, never done: due 30 days after the person's
	 * record began (1 Jan 1970 here), so long overdue; the certificate module refuses with it */
	CHECK_INT(db_exec(c, "INSERT INTO train_requirements (course_id, applies, within_days, created_at) VALUES (2, 'all', 30, 0)", ""), DB_OK);
	CHECK_INT(cert_may_operate(c, 1, "excavation", day, &why, &detail), 0);
	CHECK_STR(why, "train.reason.overdue");
	CHECK(detail && strstr(detail, "年度再培训"));
	free(detail);
	CHECK_INT(db_exec(c, "INSERT INTO train_records (person_id, course_id, done_on, hours, source, created_at)"
			     " VALUES (1, 2, ?, 20, 'class', 0)", "I", day - 10), DB_OK);
	CHECK_INT(cert_may_operate(c, 1, "excavation", day, &why, &detail), 1);
	free(detail);
	db_close(c);
}

/* A material's type comes from its first bytes: each accepted format, and what is refused
 * (HTML, a QuickTime or HEIC file in an ISO box, too few bytes). */
TEST(train_sniff_magic_bytes)
{
	const char *kind;
	CHECK_STR(train_sniff((const unsigned char *)"%PDF-1.7\n", 9, &kind), "application/pdf");
	CHECK_STR(kind, "pdf");
	CHECK_STR(train_sniff((const unsigned char *)"\xff\xd8\xff\xe0", 4, &kind), "image/jpeg");
	CHECK_STR(train_sniff((const unsigned char *)"\x89PNG\r\n\x1a\n", 8, &kind), "image/png");
	CHECK_STR(train_sniff((const unsigned char *)"RIFF\0\0\0\0WEBPVP8 ", 16, &kind), "image/webp");
	CHECK_STR(kind, "image");
	CHECK_STR(train_sniff((const unsigned char *)"\0\0\0\x18" "ftypmp42", 12, &kind), "video/mp4");
	CHECK_STR(kind, "video");
	CHECK_STR(train_sniff((const unsigned char *)"\x1a\x45\xdf\xa3", 4, &kind), "video/webm");
	CHECK(!train_sniff((const unsigned char *)"\0\0\0\x14" "ftypqt  ", 12, &kind));
	CHECK(!train_sniff((const unsigned char *)"\0\0\0\x18" "ftypheic", 12, &kind));
	CHECK(!train_sniff((const unsigned char *)"<html><body>", 12, &kind));
	CHECK(kind == NULL);
	CHECK(!train_sniff((const unsigned char *)"%PDF", 4, &kind));
}

/* One byte range of a Range header against a 100-byte body. */
TEST(train_http_range)
{
	size_t a = 7, b = 7;
	CHECK_INT(http_range(NULL, 100, &a, &b), 0);
	CHECK_INT(http_range("bytes=0-9", 100, &a, &b), 1);
	CHECK_INT(a, 0);
	CHECK_INT(b, 9);
	CHECK_INT(http_range("bytes=90-", 100, &a, &b), 1);
	CHECK_INT(b, 99);
	CHECK_INT(http_range("bytes=50-500", 100, &a, &b), 1);	/* clipped to the end */
	CHECK_INT(b, 99);
	CHECK_INT(http_range("bytes=-10", 100, &a, &b), 1);
	CHECK_INT(a, 90);
	CHECK_INT(http_range("bytes=-500", 100, &a, &b), 1);	/* more than there is: all */
	CHECK_INT(a, 0);
	CHECK_INT(http_range("bytes=100-", 100, &a, &b), -1);	/* past the end: 416 */
	CHECK_INT(http_range("bytes=-0", 100, &a, &b), -1);
	CHECK_INT(http_range("bytes=0-", 0, &a, &b), -1);
	CHECK_INT(http_range("bytes=9-3", 100, &a, &b), 0);	/* malformed: the whole body */
	CHECK_INT(http_range("bytes=0-1,5-6", 100, &a, &b), 0);	/* several: the whole body */
	CHECK_INT(http_range("items=0-1", 100, &a, &b), 0);
	CHECK_INT(http_range("bytes=x-1", 100, &a, &b), 0);
	CHECK_INT(http_range("bytes=99999999999999999999-", 100, &a, &b), 0);
}

/* A question bank row as plants write it: labels dropped from options, letters for the
 * answer; a row without an answer, or with an answer that is no option, refused. */
TEST(train_bank_row_checks)
{
	struct train_bank_q q;
	const char *why;
	const char *multi[6] = {"多选", " 动火前应做什么？ ", "A、清除可燃物\nB. 配备灭火器\nC) 关闭报警", "a,b", "动火作业", "难"};
	CHECK_INT(train_bank_row(multi, &q, &why), 0);
	CHECK_STR(q.kind, "multi");
	CHECK_STR(q.stem, "动火前应做什么？");
	CHECK_STR(q.options, "[\"清除可燃物\",\"配备灭火器\",\"关闭报警\"]");
	CHECK_STR(q.answer, "[0,1]");
	CHECK_STR(q.category, "动火作业");
	CHECK_INT(q.difficulty, 3);
	train_bank_q_free(&q);
	const char *judge[6] = {"判断", "可以不办作业证。", "", "×", "", ""};
	CHECK_INT(train_bank_row(judge, &q, &why), 0);
	CHECK_STR(q.answer, "[0]");
	CHECK_INT(q.difficulty, 2);
	train_bank_q_free(&q);
	const char *none[6] = {"单选", "题目", "A. 甲|B. 乙", " ", "", ""};
	CHECK_INT(train_bank_row(none, &q, &why), -1);
	CHECK_STR(why, "train.import.err_no_answer");
	const char *off[6] = {"单选", "题目", "A. 甲|B. 乙", "C", "", ""};
	CHECK_INT(train_bank_row(off, &q, &why), -1);
	CHECK_STR(why, "train.import.err_answer");
	const char *two[6] = {"单选", "题目", "A. 甲|B. 乙", "AB", "", ""};
	CHECK_INT(train_bank_row(two, &q, &why), -1);
	const char *kind[6] = {"问答", "题目", "", "x", "", ""};
	CHECK_INT(train_bank_row(kind, &q, &why), -1);
	CHECK_STR(why, "train.import.err_type");
	const char *dif[6] = {"填空", "题目", "", "通风", "", "很难"};
	CHECK_INT(train_bank_row(dif, &q, &why), -1);
	CHECK_STR(why, "train.import.err_difficulty");
}
