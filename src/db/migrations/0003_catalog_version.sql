-- Catalog version counters for the web server's in-memory search index (src/web/search_service.hpp):
-- it polls this one row and rebuilds only when a counter moved. Triggers keep them exact for
-- every writer (importer, workers, tests), in the writer's own transaction.
--   titles        any change to what a title shows or is searched by
--   availability  a variant becomes deliverable or stops being so (state 'done' with stored parts)
CREATE TABLE catalog_version (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  titles       INTEGER NOT NULL DEFAULT 0,
  availability INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO catalog_version(id) VALUES (1);

CREATE TRIGGER catalog_version_title_insert AFTER INSERT ON titles BEGIN
  UPDATE catalog_version SET titles = titles + 1 WHERE id = 1;
END;
CREATE TRIGGER catalog_version_title_delete AFTER DELETE ON titles BEGIN
  UPDATE catalog_version SET titles = titles + 1 WHERE id = 1;
END;
-- A re-import that rewrites a title with the same values changes nothing a user sees.
CREATE TRIGGER catalog_version_title_update AFTER UPDATE ON titles
WHEN old.kind IS NOT new.kind OR old.title IS NOT new.title OR old.original_title IS NOT new.original_title
  OR old.year IS NOT new.year OR old.poster_url IS NOT new.poster_url OR old.genres IS NOT new.genres
  OR old.created_at IS NOT new.created_at
BEGIN
  UPDATE catalog_version SET titles = titles + 1 WHERE id = 1;
END;

CREATE TRIGGER catalog_version_variant_insert AFTER INSERT ON upload_variants WHEN new.state = 'done' BEGIN
  UPDATE catalog_version SET availability = availability + 1 WHERE id = 1;
END;
CREATE TRIGGER catalog_version_variant_delete AFTER DELETE ON upload_variants WHEN old.state = 'done' BEGIN
  UPDATE catalog_version SET availability = availability + 1 WHERE id = 1;
END;
-- Only the moves into or out of 'done' (and a done variant's quality or title changing), not
-- the progress updates a worker writes every few seconds.
CREATE TRIGGER catalog_version_variant_update AFTER UPDATE ON upload_variants
WHEN (old.state = 'done') <> (new.state = 'done')
  OR (new.state = 'done' AND (old.quality IS NOT new.quality OR old.title_id IS NOT new.title_id))
BEGIN
  UPDATE catalog_version SET availability = availability + 1 WHERE id = 1;
END;
-- Parts are stored before their variant is done; they matter once it is.
CREATE TRIGGER catalog_version_object_insert AFTER INSERT ON telegram_objects
WHEN (SELECT state FROM upload_variants WHERE id = new.variant_id) = 'done' BEGIN
  UPDATE catalog_version SET availability = availability + 1 WHERE id = 1;
END;
CREATE TRIGGER catalog_version_object_delete AFTER DELETE ON telegram_objects
WHEN (SELECT state FROM upload_variants WHERE id = old.variant_id) = 'done' BEGIN
  UPDATE catalog_version SET availability = availability + 1 WHERE id = 1;
END;
