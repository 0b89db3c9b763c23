-- cmup core schema. Times are Unix milliseconds. Every table is STRICT.
-- Invariants are constraints, so no code path can break them:
--   one upload_variant per (title, episode, quality); one telegram_object per (variant, part_no);
--   coded names unique and of the documented alphabet; variant states from a closed set.

-- Local title ids are AUTOINCREMENT: assigned once, never reused, so coded names stay stable.
CREATE TABLE titles (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  kind           TEXT    NOT NULL CHECK (kind IN ('movie', 'show')),
  cm_id          TEXT    NOT NULL CHECK (length(cm_id) BETWEEN 1 AND 128),
  title          TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 1000),
  original_title TEXT,
  year           INTEGER CHECK (year IS NULL OR year BETWEEN 1870 AND 2200),
  poster_url     TEXT,
  overview       TEXT,
  genres         TEXT    NOT NULL DEFAULT '[]',   -- JSON array, sorted, unique
  content_hash   TEXT    NOT NULL DEFAULT '',     -- of the normalized CM item: re-import detects change
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  UNIQUE (kind, cm_id)
) STRICT;

CREATE TABLE episodes (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  title_id     INTEGER NOT NULL REFERENCES titles(id),
  cm_id        TEXT    NOT NULL CHECK (length(cm_id) BETWEEN 1 AND 128),
  season       INTEGER NOT NULL CHECK (season BETWEEN 0 AND 9999),
  episode      INTEGER NOT NULL CHECK (episode BETWEEN 0 AND 99999),
  name         TEXT,
  air_date     TEXT,
  content_hash TEXT    NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  UNIQUE (title_id, cm_id),
  UNIQUE (title_id, season, episode)
) STRICT;

-- Every source link CM ever gave, never deleted: a link that vanished from CM is 'gone',
-- one that failed too often is 'dead'.
CREATE TABLE source_links (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  title_id       INTEGER NOT NULL REFERENCES titles(id),
  episode_id     INTEGER REFERENCES episodes(id),
  url            TEXT    NOT NULL CHECK (length(url) BETWEEN 8 AND 4096),
  url_norm       TEXT    NOT NULL,
  quality        TEXT    NOT NULL CHECK (quality IN ('2160P','1440P','1080P','720P','576P','480P','UNKNOWN')),
  quality_from   TEXT    NOT NULL CHECK (quality_from IN ('explicit','label','url','none')),
  label          TEXT,
  size_bytes     INTEGER CHECK (size_bytes IS NULL OR size_bytes >= 0),
  container      TEXT,
  host           TEXT,
  cm_order       INTEGER NOT NULL DEFAULT 0,
  state          TEXT    NOT NULL DEFAULT 'live' CHECK (state IN ('live','dead','gone')),
  failures       INTEGER NOT NULL DEFAULT 0,
  last_error     TEXT,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX source_links_owner_url ON source_links(title_id, ifnull(episode_id, 0), url_norm);
CREATE INDEX source_links_episode ON source_links(episode_id);

-- The work queue: one row per upload target. States (see src/queue/job_state.hpp):
--   pending -> claimed -> done
--   claimed -> retrying (next_attempt_at) -> claimed
--   claimed | retrying -> dead (dead_reason)
CREATE TABLE upload_variants (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  title_id         INTEGER NOT NULL REFERENCES titles(id),
  episode_id       INTEGER REFERENCES episodes(id),
  quality          TEXT    NOT NULL CHECK (quality IN ('2160P','1440P','1080P','720P','576P','480P','UNKNOWN')),
  coded_name       TEXT    NOT NULL UNIQUE
                   CHECK (coded_name GLOB 'CM_[MT][0-9]*' AND coded_name NOT GLOB '*[^A-Z0-9_]*'),
  state            TEXT    NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending','claimed','retrying','done','dead')),
  priority         INTEGER NOT NULL DEFAULT 0,
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL DEFAULT 0,
  lease_worker     TEXT,
  lease_account    TEXT,
  lease_token      TEXT,
  lease_expires_at INTEGER,
  channel_id       INTEGER,          -- storage channel chosen at first upload; all parts go there
  probed_quality   TEXT CHECK (probed_quality IS NULL OR probed_quality IN ('2160P','1440P','1080P','720P','576P','480P','UNKNOWN')),
  size_bytes       INTEGER,          -- total bytes stored, once done
  part_count       INTEGER,          -- once done
  progress         TEXT,             -- JSON: stage, bytes_done, bytes_total, rate, eta (while claimed)
  last_error       TEXT,
  dead_reason      TEXT,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  done_at          INTEGER,
  CHECK ((state = 'claimed') = (lease_token IS NOT NULL)),
  CHECK (state <> 'dead' OR dead_reason IS NOT NULL)
) STRICT;
CREATE UNIQUE INDEX upload_variants_target ON upload_variants(title_id, ifnull(episode_id, 0), quality);
CREATE INDEX upload_variants_claimable ON upload_variants(state, priority DESC, next_attempt_at, id)
  WHERE state IN ('pending', 'retrying');
CREATE INDEX upload_variants_lease ON upload_variants(lease_expires_at) WHERE state = 'claimed';

-- A variant's sources in retry order (rank 0 first).
CREATE TABLE variant_sources (
  variant_id INTEGER NOT NULL REFERENCES upload_variants(id),
  source_id  INTEGER NOT NULL REFERENCES source_links(id),
  rank       INTEGER NOT NULL,
  PRIMARY KEY (variant_id, source_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE storage_channels (
  chat_id         INTEGER PRIMARY KEY,
  kind            TEXT    NOT NULL CHECK (kind IN ('movie','tv')),
  enabled         INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0,1)),
  files_stored    INTEGER NOT NULL DEFAULT 0,
  bytes_stored    INTEGER NOT NULL DEFAULT 0,
  last_message_id INTEGER NOT NULL DEFAULT 0,
  failures        INTEGER NOT NULL DEFAULT 0,
  disabled_reason TEXT,
  updated_at      INTEGER NOT NULL
) STRICT;

-- Where each stored file (or part) is, and how to send it again.
CREATE TABLE telegram_objects (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  variant_id     INTEGER NOT NULL REFERENCES upload_variants(id),
  part_no        INTEGER NOT NULL CHECK (part_no >= 1),
  part_count     INTEGER NOT NULL CHECK (part_count >= 1 AND part_no <= part_count),
  account        TEXT    NOT NULL,
  channel_id     INTEGER NOT NULL,
  message_id     INTEGER NOT NULL CHECK (message_id > 0),  -- server message id (Bot API numbering)
  file_id        TEXT    NOT NULL,   -- the uploading account's own id
  file_unique_id TEXT    NOT NULL,
  bot_file_id    TEXT,               -- the delivery bot's own file id, once known
  file_name      TEXT    NOT NULL,
  size_bytes     INTEGER NOT NULL CHECK (size_bytes >= 0),
  duration_s     REAL,
  width          INTEGER,
  height         INTEGER,
  mime_type      TEXT,
  created_at     INTEGER NOT NULL,
  UNIQUE (variant_id, part_no),
  UNIQUE (channel_id, message_id)
) STRICT;

CREATE TABLE upload_attempts (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  variant_id     INTEGER NOT NULL REFERENCES upload_variants(id),
  worker         TEXT    NOT NULL,
  account        TEXT    NOT NULL,
  lease_token    TEXT,
  nonce          TEXT,               -- goes into captions, to adopt an upload after a crash
  source_id      INTEGER REFERENCES source_links(id),
  path           TEXT CHECK (path IS NULL OR path IN ('direct','remux','split','adopt')),
  outcome        TEXT    NOT NULL DEFAULT 'running'
                 CHECK (outcome IN ('running','ok','failed','released','flood_wait','lease_lost','abandoned')),
  error          TEXT,
  bytes_moved    INTEGER NOT NULL DEFAULT 0,
  probed_quality TEXT,
  -- Set when the attempt chose its storage channel, right before uploading: a later attempt
  -- searches that channel after after_message_id for this attempt's nonce (adoption).
  channel_id       INTEGER,
  after_message_id INTEGER,
  started_at     INTEGER NOT NULL,
  ended_at       INTEGER
) STRICT;
CREATE INDEX upload_attempts_variant ON upload_attempts(variant_id);
CREATE INDEX upload_attempts_recent_failures ON upload_attempts(ended_at) WHERE outcome = 'failed';

CREATE TABLE accounts (
  name             TEXT    PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 32 AND name NOT GLOB '*[^a-z0-9_-]*'),
  backend          TEXT    NOT NULL CHECK (backend IN ('botapi','tdlib')),
  kind             TEXT    NOT NULL CHECK (kind IN ('regular','premium','cloud_bot','local_bot')),
  max_upload_bytes INTEGER NOT NULL CHECK (max_upload_bytes > 0),
  concurrency      INTEGER NOT NULL DEFAULT 1 CHECK (concurrency >= 1),
  flood_until      INTEGER NOT NULL DEFAULT 0,
  enabled          INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0,1)),
  updated_at       INTEGER NOT NULL
) STRICT;

-- Workers known to the coordinator (local and remote), for status and fencing.
CREATE TABLE workers (
  id             TEXT    PRIMARY KEY,
  account        TEXT    NOT NULL REFERENCES accounts(name),
  host           TEXT,
  last_seen_at   INTEGER NOT NULL,
  registered_at  INTEGER NOT NULL DEFAULT 0,
  -- upload_attempts.id high-water mark at the last (re)start: this worker's leases from
  -- attempts up to it belong to its previous life and are re-taken first.
  registered_attempt_id INTEGER NOT NULL DEFAULT 0,
  current_variant INTEGER,
  progress       TEXT
) STRICT;

-- Small persistent settings and cursors (e.g. the bot's getUpdates offset, CM import cursor).
CREATE TABLE kv (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE deliveries (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id     INTEGER NOT NULL,
  chat_id     INTEGER NOT NULL,
  variant_id  INTEGER REFERENCES upload_variants(id),
  via         TEXT    NOT NULL CHECK (via IN ('deep_link','search','mini_app','api')),
  outcome     TEXT    NOT NULL CHECK (outcome IN ('sent','fallback_copy','not_available','rate_limited','failed')),
  error       TEXT,
  latency_ms  INTEGER,
  created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX deliveries_user_day ON deliveries(user_id, created_at);
