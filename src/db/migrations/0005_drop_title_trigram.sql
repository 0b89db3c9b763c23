-- The web search answers from memory with its own typo dictionary (src/web/search_index.hpp,
-- src/web/typo_dictionary.hpp): nothing reads the trigram index of migration 0002 any more,
-- and every title write paid for it. The word index (titles_fts) stays: the bot searches it.
DROP TRIGGER titles_fts_ai;
DROP TRIGGER titles_fts_ad;
DROP TRIGGER titles_fts_au;
DROP TABLE titles_trigram;

CREATE TRIGGER titles_fts_ai AFTER INSERT ON titles BEGIN
  INSERT INTO titles_fts(rowid, title, original_title, year) VALUES (new.id, new.title, new.original_title, new.year);
END;
CREATE TRIGGER titles_fts_ad AFTER DELETE ON titles BEGIN
  INSERT INTO titles_fts(titles_fts, rowid, title, original_title, year) VALUES ('delete', old.id, old.title, old.original_title, old.year);
END;
CREATE TRIGGER titles_fts_au AFTER UPDATE OF title, original_title, year ON titles BEGIN
  INSERT INTO titles_fts(titles_fts, rowid, title, original_title, year) VALUES ('delete', old.id, old.title, old.original_title, old.year);
  INSERT INTO titles_fts(rowid, title, original_title, year) VALUES (new.id, new.title, new.original_title, new.year);
END;
