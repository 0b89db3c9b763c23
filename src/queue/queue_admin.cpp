#include "queue/queue_admin.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>

#include "db/database.hpp"
#include "db/job_state.hpp"
#include "util/clock.hpp"

namespace cmup {

namespace {

struct Found {
  std::int64_t id = 0;
  std::string coded, worker;
  JobState state = JobState::Pending;
};

std::optional<Found> find_variant(SQLite::Database& db, const std::string& name) {
  bool numeric =
      !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isdigit(c); });
  SQLite::Statement q(
      db, numeric ? "SELECT id, coded_name, state, ifnull(lease_worker, '') FROM upload_variants WHERE id = ?"
                  : "SELECT id, coded_name, state, ifnull(lease_worker, '') FROM upload_variants WHERE "
                    "coded_name = ?");
  if (numeric) {
    q.bind(1, static_cast<int64_t>(std::stoll(name)));
  } else {
    std::string upper = name;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    q.bind(1, upper);
  }
  if (!q.executeStep()) return std::nullopt;
  auto state = parse_state(q.getColumn(2).getString());
  if (!state)
    throw std::runtime_error("variant " + q.getColumn(1).getString() + " has unknown state '" +
                             q.getColumn(2).getString() + "': is this cmup older than the database?");
  return Found{q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(3).getString(), *state};
}

// Back to pending, in the caller's transaction.
void reset_variant(SQLite::Database& db, std::int64_t id, bool reupload) {
  auto now = static_cast<int64_t>(now_ms());
  if (reupload) {
    SQLite::Statement c(
        db,
        "UPDATE storage_channels SET "
        "files_stored = max(0, files_stored - (SELECT count(*) FROM telegram_objects o "
        "  WHERE o.variant_id = ?1 AND o.channel_id = storage_channels.chat_id)), "
        "bytes_stored = max(0, bytes_stored - (SELECT ifnull(sum(size_bytes), 0) FROM telegram_objects o "
        "  WHERE o.variant_id = ?1 AND o.channel_id = storage_channels.chat_id)), updated_at = ?2 "
        "WHERE chat_id IN (SELECT channel_id FROM telegram_objects WHERE variant_id = ?1)");
    c.bind(1, static_cast<int64_t>(id));
    c.bind(2, now);
    c.exec();
    SQLite::Statement d(db, "DELETE FROM telegram_objects WHERE variant_id = ?");
    d.bind(1, static_cast<int64_t>(id));
    d.exec();
  }
  SQLite::Statement v(
      db, state_sql("UPDATE upload_variants SET state = {pending}, attempts = 0, next_attempt_at = 0, "
                    "lease_token = NULL, "
                    "lease_worker = NULL, lease_account = NULL, lease_expires_at = NULL, last_error = NULL, "
                    "dead_reason = NULL, progress = NULL, updated_at = ?2, "
                    "done_at = CASE WHEN ?3 THEN NULL ELSE done_at END, "
                    "size_bytes = CASE WHEN ?3 THEN NULL ELSE size_bytes END, "
                    "part_count = CASE WHEN ?3 THEN NULL ELSE part_count END, "
                    "channel_id = CASE WHEN ?3 THEN NULL ELSE channel_id END WHERE id = ?1"));
  v.bind(1, static_cast<int64_t>(id));
  v.bind(2, now);
  v.bind(3, reupload ? 1 : 0);
  v.exec();
  SQLite::Statement a(
      db,
      "UPDATE upload_attempts SET outcome = 'abandoned', ended_at = ?2, "
      "error = ifnull(error, 'requeued by the operator') WHERE variant_id = ?1 AND outcome = 'running'");
  a.bind(1, static_cast<int64_t>(id));
  a.bind(2, now);
  a.exec();
  SQLite::Statement s(
      db, state_sql("UPDATE source_links SET state = {source_live}, failures = 0, updated_at = ?2 "
                    "WHERE state = {source_dead} "
                    "AND id IN (SELECT source_id FROM variant_sources WHERE variant_id = ?1)"));
  s.bind(1, static_cast<int64_t>(id));
  s.bind(2, now);
  s.exec();
}

}  // namespace

RequeueOutcome requeue_variant_in_tx(SQLite::Database& db, const std::string& name, bool reupload, bool force) {
  RequeueOutcome r{name, false, ""};
  auto v = find_variant(db, name);
  if (!v) {
    r.message = "no such variant (give a coded name like CM_M000321_1080P or a variant id)";
    return r;
  }
  // Every state may go back to pending (kJobTransitions); these two need the operator to say so.
  if (v->state == JobState::Claimed && !force) {
    r.message = v->coded + " is being uploaded by " + v->worker + "; add --force to take it back";
    return r;
  }
  if (v->state == JobState::Done && !reupload) {
    r.message =
        v->coded + " is already stored; add --reupload to upload it again (its stored messages stay in the channel)";
    return r;
  }
  if (!transition_allowed(v->state, JobState::Pending, JobEvent::OperatorRequeue))
    throw std::logic_error(std::string("requeue: ") + state_name(v->state) + " -> pending is not a job transition");
  reset_variant(db, v->id, v->state == JobState::Done && reupload);
  r.requeued = true;
  r.message = v->coded + ": " + state_name(v->state) + " -> " + state_name(JobState::Pending);
  return r;
}

std::vector<RequeueOutcome> requeue_variants(SQLite::Database& db, const std::vector<std::string>& variants,
                                             bool reupload, bool force) {
  std::vector<RequeueOutcome> out;
  out.reserve(variants.size());
  for (const auto& name : variants)
    out.push_back(db::write_tx(db, [&] { return requeue_variant_in_tx(db, name, reupload, force); }));
  return out;
}

int retry_dead_variants(SQLite::Database& db) {
  return db::write_tx(db, [&] {
    std::vector<std::int64_t> ids;
    SQLite::Statement q(db, state_sql("SELECT id FROM upload_variants WHERE state = {dead}"));
    while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
    q.reset();
    for (auto id : ids) reset_variant(db, id, false);
    return static_cast<int>(ids.size());
  });
}

}  // namespace cmup
