-- What users may get: a variant whose upload finished (state 'done': the queue set it in the
-- transaction that saw every part stored) with its stored objects present. The one definition
-- of "available", read by the web API (titles, facets, detail, deliver) and the bot (search,
-- seasons, episodes, qualities, delivery); nothing else spells it out.
-- 'done' is JobState::Done of src/db/job_state.hpp (tests/db/job_state_test.cpp checks the
-- schema against it). Columns are upload_variants' as of this version: a migration that adds
-- columns there and needs them here recreates the view.
CREATE VIEW available_variants AS
  SELECT v.* FROM upload_variants v
  WHERE v.state = 'done' AND EXISTS (SELECT 1 FROM telegram_objects o WHERE o.variant_id = v.id);
