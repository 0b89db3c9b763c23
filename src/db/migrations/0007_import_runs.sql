-- Finished `cmup import` runs from CM (src/cm/import_plan.hpp): the next run asks CM only for
-- what changed since the last one started (updated_since), and sweeps the whole catalog (for
-- vanished links) every cm.full_sweep_every runs or with --full. Times are Unix seconds.
CREATE TABLE import_runs (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at    INTEGER NOT NULL,
  finished_at   INTEGER NOT NULL,
  full          INTEGER NOT NULL CHECK (full IN (0, 1)),
  updated_since INTEGER,
  items         INTEGER NOT NULL DEFAULT 0
) STRICT;
