-- Posters (and backdrops) cmup keeps itself (issue 18): the catalog renders with CM gone.
-- One row per (title, role). The bytes live in the content-addressed image store
-- (src/catalog/image_store.hpp, <data_dir>/images); `sha256` names them.
--   source_url   the CM URL last tried
--   stored_from  the CM URL the stored sha256 came from: a title whose CM URL differs (new
--                title, changed poster, failed fetch) is fetched again on the next import
--   sha256       NULL until a fetch succeeded; a later failure keeps it (the old image stays)
CREATE TABLE title_images (
  title_id    INTEGER NOT NULL REFERENCES titles(id),
  role        TEXT    NOT NULL CHECK (role IN ('poster', 'backdrop')),
  source_url  TEXT    NOT NULL,
  stored_from TEXT,
  sha256      TEXT    CHECK (sha256 IS NULL OR (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (title_id, role)
) STRICT, WITHOUT ROWID;

-- The web's search index pre-renders poster URLs: a stored image changes what a title shows.
CREATE TRIGGER catalog_version_image_insert AFTER INSERT ON title_images WHEN new.sha256 IS NOT NULL BEGIN
  UPDATE catalog_version SET titles = titles + 1 WHERE id = 1;
END;
CREATE TRIGGER catalog_version_image_update AFTER UPDATE ON title_images
WHEN old.sha256 IS NOT new.sha256 BEGIN
  UPDATE catalog_version SET titles = titles + 1 WHERE id = 1;
END;
