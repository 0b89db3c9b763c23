-- `cmup audit` (src/queue/storage_audit.hpp): does each stored Telegram message still exist?
-- audited_at: when the audit last saw the object intact (Unix ms); the bounded sweep takes
-- the objects never checked first, then the longest unchecked, so runs of `--limit N` cover
-- the whole store in turn instead of checking the same N again.
ALTER TABLE telegram_objects ADD COLUMN audited_at INTEGER;
CREATE INDEX telegram_objects_audited ON telegram_objects(ifnull(audited_at, 0), id);

-- What the audit found lost. The telegram_objects row itself goes when its variant is
-- re-queued for upload (queue_admin: --reupload), so this table is the record of the loss.
CREATE TABLE lost_objects (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  variant_id     INTEGER NOT NULL REFERENCES upload_variants(id),
  part_no        INTEGER NOT NULL,
  part_count     INTEGER NOT NULL,
  channel_id     INTEGER NOT NULL,
  message_id     INTEGER NOT NULL,
  file_unique_id TEXT    NOT NULL,
  reason         TEXT    NOT NULL CHECK (length(reason) BETWEEN 1 AND 512),
  requeued       INTEGER NOT NULL CHECK (requeued IN (0, 1)),
  found_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX lost_objects_variant ON lost_objects(variant_id);
