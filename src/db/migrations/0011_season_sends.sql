-- "Send the whole season" (src/bot/season_sender.hpp): one request, every stored episode of a
-- season in order, sent in the background as albums. The plan and its progress live here so
-- that a user who blocks the bot, or a restart of cmup, resumes at the next unsent part
-- instead of sending again what already arrived. Times are Unix milliseconds.
--   sending -> done            every item sent (or skipped: no longer stored)
--   sending -> blocked         403 "bot was blocked by the user"; back to sending when the
--                              user writes to the bot again or asks for the season again
--   sending -> failed          Telegram refused the chat for good (last_error says why)
CREATE TABLE season_sends (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id     INTEGER NOT NULL,
  chat_id     INTEGER NOT NULL,
  title_id    INTEGER NOT NULL REFERENCES titles(id),
  season      INTEGER NOT NULL CHECK (season BETWEEN 0 AND 9999),
  quality     TEXT    NOT NULL DEFAULT '',  -- '' = the best stored quality of each episode
  via         TEXT    NOT NULL CHECK (via IN ('search','deep_link','mini_app','api')),
  state       TEXT    NOT NULL CHECK (state IN ('sending','blocked','done','failed')),
  last_error  TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;
-- At most one unfinished send of a season per chat: asking again resumes it.
CREATE UNIQUE INDEX season_sends_open ON season_sends(chat_id, title_id, season)
  WHERE state IN ('sending', 'blocked');
CREATE INDEX season_sends_state ON season_sends(state, updated_at);

-- The plan: each part of each chosen variant, in the order it is sent (episode, then part).
CREATE TABLE season_send_items (
  send_id     INTEGER NOT NULL REFERENCES season_sends(id),
  position    INTEGER NOT NULL CHECK (position >= 0),
  variant_id  INTEGER NOT NULL REFERENCES upload_variants(id),
  part_no     INTEGER NOT NULL CHECK (part_no >= 1),
  status      TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','skipped')),
  sent_at     INTEGER,
  PRIMARY KEY (send_id, position)
) STRICT, WITHOUT ROWID;
