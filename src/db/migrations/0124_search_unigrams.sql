-- 0124_search_unigrams.sql — rebuild the hazard search index under the new cjk2 rules.
--
-- The cjk2 tokenizer (hazard_search.c) now also makes each CJK character and each ASCII
-- punctuation mark a token, so a search for 漏, 3号 or a stray quote finds the text. Rows
-- indexed under the old rules lack those tokens; rebuilding re-reads every stored row.
INSERT INTO hazards_fts (hazards_fts) VALUES ('rebuild');
