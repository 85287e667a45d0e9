-- 0712_train_bank_import.sql — question banks imported from Excel carry a category (动火,
-- 受限空间, 个体防护, ...) and a difficulty (1 easy, 2 medium, 3 hard); an exam may draw from
-- one category and a band of difficulty only (NULL category: all of the course's bank).
ALTER TABLE train_questions ADD COLUMN category TEXT NOT NULL DEFAULT '';
ALTER TABLE train_questions ADD COLUMN difficulty INTEGER NOT NULL DEFAULT 2;
ALTER TABLE train_exams ADD COLUMN category TEXT;
ALTER TABLE train_exams ADD COLUMN difficulty_min INTEGER NOT NULL DEFAULT 1;
ALTER TABLE train_exams ADD COLUMN difficulty_max INTEGER NOT NULL DEFAULT 3;
