-- Full-text search over titles (FTS5, external content): words and prefixes, diacritics
-- removed. Kept in sync by triggers so every writer (import, tests) updates it.
CREATE VIRTUAL TABLE titles_fts USING fts5(
  title, original_title, year,
  content = 'titles', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);
-- Trigram index for typo tolerance: candidates share trigrams with the query, then are
-- ranked by edit distance (src/web/search.cpp).
CREATE VIRTUAL TABLE titles_trigram USING fts5(
  title, content = 'titles', content_rowid = 'id', tokenize = 'trigram'
);

CREATE TRIGGER titles_fts_ai AFTER INSERT ON titles BEGIN
  INSERT INTO titles_fts(rowid, title, original_title, year) VALUES (new.id, new.title, new.original_title, new.year);
  INSERT INTO titles_trigram(rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER titles_fts_ad AFTER DELETE ON titles BEGIN
  INSERT INTO titles_fts(titles_fts, rowid, title, original_title, year) VALUES ('delete', old.id, old.title, old.original_title, old.year);
  INSERT INTO titles_trigram(titles_trigram, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER titles_fts_au AFTER UPDATE OF title, original_title, year ON titles BEGIN
  INSERT INTO titles_fts(titles_fts, rowid, title, original_title, year) VALUES ('delete', old.id, old.title, old.original_title, old.year);
  INSERT INTO titles_trigram(titles_trigram, rowid, title) VALUES ('delete', old.id, old.title);
  INSERT INTO titles_fts(rowid, title, original_title, year) VALUES (new.id, new.title, new.original_title, new.year);
  INSERT INTO titles_trigram(rowid, title) VALUES (new.id, new.title);
END;
-- Orders the catalog is browsed in (src/web/catalog_reader.cpp), and exact-title lookups.
CREATE INDEX titles_newest ON titles(created_at, id);
CREATE INDEX titles_by_year ON titles(ifnull(year, 0), id);
CREATE INDEX titles_title_nocase ON titles(title COLLATE NOCASE, id);

-- Existing titles (an upgrade from version 1).
INSERT INTO titles_fts(titles_fts) VALUES ('rebuild');
INSERT INTO titles_trigram(titles_trigram) VALUES ('rebuild');
