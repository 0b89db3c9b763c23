-- The delivery bot learning its own file ids (src/bot/file_id_learning.hpp): one row per stored
-- object the bot has tried to learn by forwarding its message into the bot's index chat. The row
-- is written, in a transaction, before the forward leaves: two learners never forward the same
-- message, and a restart never forwards again what was forwarded before. A forward Telegram
-- refused is tried again at next_attempt_at (util/backoff), so objects that keep failing wait
-- their turn instead of blocking the others. Times are Unix milliseconds.
CREATE TABLE bot_file_id_learning (
  object_id       INTEGER PRIMARY KEY REFERENCES telegram_objects(id) ON DELETE CASCADE,
  state           TEXT    NOT NULL CHECK (state IN ('forwarding', 'learnt', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  claimed_at      INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT
) STRICT;

CREATE INDEX bot_file_id_learning_due ON bot_file_id_learning(state, next_attempt_at);
