// The states of an upload variant (one row of upload_variants) and the moves between them:
// the one definition every folder uses (queue drives it, web and bot read it, app reports it).
// It lives in db/ because it is a schema fact (migration 0001's CHECK) that queue, web and
// bot all depend on; the retry delay is util/backoff.hpp's formula.
//
//   pending ──claim──► claimed ──complete──► done
//      ▲                │ │ │
//      └─── release ────┘ │ └── fail: otherwise, or lease expired with no attempts left ──► dead
//                         │                                                       (dead_reason)
//                         └── fail: retryable, attempts left; or lease expired ──► retrying
//   retrying ──claim (next_attempt_at <= now)──► claimed
//   operator, from any state: `cmup requeue`, `cmup retry --dead` ──► pending
//
// A lease that expires is a failed attempt like any other (River's "rescuer"): the next claim
// first moves every expired `claimed` row to `retrying` with backoff, or to `dead` once
// queue.max_attempts attempts were made, with a dead_reason naming the workers that lost it.
// So a job that crashes or hangs its worker cannot be retried forever. The one exception is a
// worker that restarts (same id) while its own lease is still valid: it re-takes that job at
// once (its spool files may still be there), which also counts as an attempt.
// kJobTransitions below is that drawing as data; docs/ARCHITECTURE.md is drawn from it.
//
// SQL: never write a state as a string literal in a query. Write `{done}`, `{claimed}`, ... (and
// `{source_live}`, `{source_dead}`, `{source_gone}` for source_links.state) in the query text and
// pass it through state_sql(), which puts each state's quoted name there (an unknown `{name}`
// throws, so a typo fails at once instead of matching no rows). The one exception is a
// migration: its text is history, and tests/db/job_state_test.cpp checks that the schema's
// CHECK accepts exactly the names below.
//
// Thread-safety: everything here is immutable data and pure functions.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace cmup {

enum class JobState { Pending, Claimed, Retrying, Done, Dead };

struct JobStateInfo {
  JobState state;
  const char* name;     // as stored in upload_variants.state
  const char* meaning;  // for operators (docs, `cmup status --help`)
};

inline constexpr std::array<JobStateInfo, 5> kJobStates{{
    {JobState::Pending, "pending", "waiting for a worker; claimable now"},
    {JobState::Claimed, "claimed",
     "a worker holds the lease and is uploading; moved to retrying (or dead) once lease_expires_at passes"},
    {JobState::Retrying, "retrying", "failed, waits until next_attempt_at (backoff), then claimable"},
    {JobState::Done, "done", "every part stored in Telegram; what users may get (view available_variants)"},
    {JobState::Dead, "dead", "given up (dead_reason); only an operator brings it back"},
}};

// What moves a row, and who does it.
enum class JobEvent {
  Claim,
  RetakeOwn,
  LeaseExpired,
  Complete,
  FailRetry,
  FailDead,
  Release,
  OperatorRequeue
};

struct JobTransition {
  JobState from;
  JobState to;
  JobEvent event;
  const char* what;  // one line for the docs
};

inline constexpr std::array<JobTransition, 14> kJobTransitions{{
    {JobState::Pending, JobState::Claimed, JobEvent::Claim, "a worker claims it (new lease token)"},
    {JobState::Retrying, JobState::Claimed, JobEvent::Claim,
     "a worker claims it once next_attempt_at <= now"},
    {JobState::Claimed, JobState::Claimed, JobEvent::RetakeOwn,
     "its worker restarted (same id) while the lease was valid and takes it back (new token; counted)"},
    {JobState::Claimed, JobState::Retrying, JobEvent::LeaseExpired,
     "the lease expired (worker lost): a failed attempt, claimable again after backoff"},
    {JobState::Claimed, JobState::Dead, JobEvent::LeaseExpired,
     "the lease expired and queue.max_attempts attempts were made: dead, naming the lost workers"},
    {JobState::Claimed, JobState::Done, JobEvent::Complete,
     "the lease holder completes it: every part is stored"},
    {JobState::Claimed, JobState::Retrying, JobEvent::FailRetry,
     "the lease holder fails it: retryable, attempts left, a source alive (next_attempt_at = now + backoff)"},
    {JobState::Claimed, JobState::Dead, JobEvent::FailDead,
     "the lease holder fails it: not retryable, attempts exhausted or every source dead"},
    {JobState::Claimed, JobState::Pending, JobEvent::Release,
     "the lease holder gives it back (shutdown, flood wait); the attempt is not counted"},
    {JobState::Pending, JobState::Pending, JobEvent::OperatorRequeue, "`cmup requeue` (resets attempts)"},
    {JobState::Claimed, JobState::Pending, JobEvent::OperatorRequeue, "`cmup requeue --force` takes it back"},
    {JobState::Retrying, JobState::Pending, JobEvent::OperatorRequeue, "`cmup requeue`"},
    {JobState::Done, JobState::Pending, JobEvent::OperatorRequeue, "`cmup requeue --reupload`"},
    {JobState::Dead, JobState::Pending, JobEvent::OperatorRequeue, "`cmup requeue`, `cmup retry --dead`"},
}};

const char* state_name(JobState s);                       // "pending", ...
std::optional<JobState> parse_state(std::string_view s);  // nullopt for anything else
const char* event_name(JobEvent e);                       // "claim", ...

// True when kJobTransitions has a row from `from` to `to` for `event`.
bool transition_allowed(JobState from, JobState to, JobEvent event);

// A source link's state (source_links.state): `live` is tried, `dead` failed
// queue.source_max_failures times (an operator requeue revives it), `gone` vanished from CM.
enum class SourceState { Live, Dead, Gone };
inline constexpr std::array<std::pair<SourceState, const char*>, 3> kSourceStates{
    {{SourceState::Live, "live"}, {SourceState::Dead, "dead"}, {SourceState::Gone, "gone"}}};
const char* source_state_name(SourceState s);
std::optional<SourceState> parse_source_state(std::string_view s);  // nullopt for anything else

// The quoted SQL literal of a state: "'done'".
std::string sql_literal(JobState s);
std::string sql_literal(SourceState s);

// `sql` with every `{pending}`, `{claimed}`, `{retrying}`, `{done}`, `{dead}` replaced by that
// job state's quoted literal and `{source_live}`, `{source_dead}`, `{source_gone}` by the source
// state's. Throws std::logic_error naming the token for any other `{...}`.
std::string state_sql(std::string_view sql);

}  // namespace cmup
