#include "queue/sqlite_job_store.hpp"

#include <sqlite3.h>

#include <array>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "db/database.hpp"
#include "queue/job_json.hpp"
#include "queue/sqlite_job_store_tx.hpp"
#include "telegram/storage_channels.hpp"
#include "util/clock.hpp"
#include "util/random.hpp"
#include "util/safe_text.hpp"

namespace cmup {

// Several worker processes write the same file in short transactions. SQLite's own busy
// handler sleeps in steps of 1..100 ms, far longer than a queue transaction (~0.1 ms), so
// waiting writers would idle while the lock is free. This one polls after 50 us, backing off
// to ~1.6-3.2 ms (randomized, so waiters do not retry in lockstep) until the busy timeout.
struct SqliteJobStore::BusyWait {
  std::int64_t timeout_us;
  std::chrono::steady_clock::time_point start;
  std::minstd_rand rng{std::random_device{}()};
};

namespace {

int busy_wait(void* ctx, int count) {
  auto* b = static_cast<SqliteJobStore::BusyWait*>(ctx);
  auto now = std::chrono::steady_clock::now();
  if (count == 0) b->start = now;
  if (std::chrono::duration_cast<std::chrono::microseconds>(now - b->start).count() >= b->timeout_us)
    return 0;
  // 50 us, doubling to 1.6 ms at most, randomized by up to 100 %.
  std::int64_t step = std::int64_t{50} << std::min(count, 5);
  std::this_thread::sleep_for(std::chrono::microseconds(step + static_cast<std::int64_t>(b->rng() % step)));
  return 1;
}

}  // namespace

SqliteJobStore::SqliteJobStore(const std::filesystem::path& db_path, QueueOptions opts, int busy_timeout_ms)
    : opts_(opts), rng_(std::random_device{}()) {
  db::OpenOptions o;
  o.busy_timeout_ms = busy_timeout_ms;
  db_ = db::open(db_path, o);
  busy_ = std::make_unique<BusyWait>();
  busy_->timeout_us = std::int64_t{busy_timeout_ms} * 1000;
  sqlite3_busy_handler(db_->getHandle(), &busy_wait, busy_.get());
}

SqliteJobStore::~SqliteJobStore() {
  stmts_.clear();  // statements before their connection
}

SQLite::Statement& SqliteJobStore::stmt(const char* sql) {
  auto it = stmts_.find(sql);
  if (it == stmts_.end()) {
    // Prepare before inserting: a statement that fails to prepare (e.g. an old schema) must
    // not leave an empty entry behind for later resets to trip over.
    auto fresh = std::make_unique<SQLite::Statement>(*db_, state_sql(sql));
    it = stmts_.emplace(sql, std::move(fresh)).first;
  } else {
    it->second->reset();
    it->second->clearBindings();
  }
  return *it->second;
}

SqliteJobStore::Fenced SqliteJobStore::fence(const LeaseRef& lease) {
  auto& q = stmt(
      "SELECT attempts, lease_worker, channel_id FROM upload_variants "
      "WHERE id = ? AND lease_token = ? AND state = {claimed}");
  q.bind(1, static_cast<int64_t>(lease.variant_id));
  q.bind(2, lease.token);
  if (!q.executeStep())
    throw LeaseLost("variant " + std::to_string(lease.variant_id) +
                    ": the lease moved on (expired and taken by another worker, requeued, or ended)");
  Fenced f;
  f.attempts = q.getColumn(0).getInt();
  f.worker = q.getColumn(1).getString();
  if (!q.getColumn(2).isNull()) f.channel_id = q.getColumn(2).getInt64();
  return f;
}

std::string SqliteJobStore::attempt_outcome(const LeaseRef& lease) {
  auto& q = stmt("SELECT outcome FROM upload_attempts WHERE id = ? AND variant_id = ? AND lease_token = ?");
  q.bind(1, static_cast<int64_t>(lease.attempt_id));
  q.bind(2, static_cast<int64_t>(lease.variant_id));
  q.bind(3, lease.token);
  return q.executeStep() ? q.getColumn(0).getString() : std::string();
}

void SqliteJobStore::register_worker(const WorkerInfo& w) {
  std::lock_guard lk(mu_);
  auto now = now_ms();
  tx([&] {
    auto& a = stmt(
        "INSERT INTO accounts(name, backend, kind, max_upload_bytes, updated_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(name) DO NOTHING");
    a.bind(1, w.account);
    a.bind(2, w.backend);
    a.bind(3, w.kind);
    a.bind(4, static_cast<int64_t>(w.max_upload_bytes > 0 ? w.max_upload_bytes : account_kind_limit(w.kind)));
    a.bind(5, static_cast<int64_t>(now));
    a.exec();
    auto& q = stmt(
        "INSERT INTO workers(id, account, host, last_seen_at, registered_at, registered_attempt_id) "
        "VALUES (?1, ?2, ?3, ?4, ?4, (SELECT ifnull(max(id), 0) FROM upload_attempts)) "
        "ON CONFLICT(id) DO UPDATE SET account = excluded.account, host = excluded.host, "
        "last_seen_at = excluded.last_seen_at, registered_at = excluded.registered_at, "
        "registered_attempt_id = excluded.registered_attempt_id, current_variant = NULL, progress = NULL");
    q.bind(1, w.worker_id);
    q.bind(2, w.account);
    q.bind(3, w.host);
    q.bind(4, static_cast<int64_t>(now));
    q.exec();
  });
}

std::optional<std::int64_t> SqliteJobStore::pick_candidate(const std::string& worker_id,
                                                           const std::string& account, std::int64_t now) {
  // A restarted worker first takes back what it held: its files may still be in the spool.
  // Only leases taken before its latest registration: the ones it holds now are in use.
  auto& own = stmt(
      "SELECT v.id FROM upload_variants v WHERE v.state = {claimed} AND v.lease_expires_at > ?1 "
      "AND v.lease_worker = ?2 AND v.lease_account = ?3 AND EXISTS (SELECT 1 FROM upload_attempts a "
      "  WHERE a.variant_id = v.id AND a.lease_token = v.lease_token "
      "  AND a.id <= (SELECT registered_attempt_id FROM workers WHERE id = ?2)) "
      "ORDER BY v.priority DESC, v.id LIMIT 1");
  own.bind(1, static_cast<int64_t>(now));
  own.bind(2, worker_id);
  own.bind(3, account);
  if (own.executeStep()) return own.getColumn(0).getInt64();

  // Three index-ordered probes (one per kind of eligibility), then the best of them:
  // highest priority, then oldest. Each probe reads one index entry.
  struct Cand {
    std::int64_t id, priority;
  };
  std::optional<Cand> best;
  auto consider = [&](SQLite::Statement& q) {
    if (!q.executeStep()) return;
    Cand c{q.getColumn(0).getInt64(), q.getColumn(1).getInt64()};
    if (!best || c.priority > best->priority || (c.priority == best->priority && c.id < best->id)) best = c;
  };
  // The redundant "state IN (...)" lets SQLite use the partial index upload_variants_claimable
  // (it only matches a partial index whose WHERE appears literally in the query).
  consider(
      stmt("SELECT id, priority FROM upload_variants WHERE state IN ({pending}, {retrying}) "
           "AND state = {pending} ORDER BY priority DESC, next_attempt_at, id LIMIT 1"));
  auto& retrying = stmt(
      "SELECT id, priority FROM upload_variants WHERE state IN ({pending}, {retrying}) "
      "AND state = {retrying} AND next_attempt_at <= ? "
      "ORDER BY priority DESC, next_attempt_at, id LIMIT 1");
  retrying.bind(1, static_cast<int64_t>(now));
  consider(retrying);
  if (!best) return std::nullopt;
  return best->id;
}

Job SqliteJobStore::load_job(std::int64_t variant_id) {
  Job j;
  auto& v = stmt(
      "SELECT v.id, v.coded_name, t.kind, v.quality, v.lease_token, v.lease_expires_at, v.attempts, "
      "v.channel_id "
      "FROM upload_variants v JOIN titles t ON t.id = v.title_id WHERE v.id = ?");
  v.bind(1, static_cast<int64_t>(variant_id));
  if (!v.executeStep()) throw JobStoreError("variant " + std::to_string(variant_id) + " vanished");
  j.variant_id = v.getColumn(0).getInt64();
  j.coded_name = v.getColumn(1).getString();
  j.kind = v.getColumn(2).getString() == "show" ? "tv" : "movie";
  j.quality = v.getColumn(3).getString();
  j.lease_token = v.getColumn(4).getString();
  j.lease_expires_at = v.getColumn(5).getInt64();
  j.attempts = v.getColumn(6).getInt();
  if (!v.getColumn(7).isNull()) j.channel_id = v.getColumn(7).getInt64();

  if (j.channel_id) {
    auto& c = stmt("SELECT last_message_id FROM storage_channels WHERE chat_id = ?");
    c.bind(1, static_cast<int64_t>(*j.channel_id));
    if (c.executeStep()) j.channel_last_message_id = c.getColumn(0).getInt64();
  }
  auto& s = stmt(
      "SELECT s.id, s.url, s.quality, ifnull(s.container, ''), ifnull(s.size_bytes, 0), s.failures "
      "FROM variant_sources vs JOIN source_links s ON s.id = vs.source_id "
      "WHERE vs.variant_id = ? AND s.state = {source_live} ORDER BY vs.rank, s.id");
  s.bind(1, static_cast<int64_t>(variant_id));
  while (s.executeStep())
    j.sources.push_back({s.getColumn(0).getInt64(), s.getColumn(1).getString(), s.getColumn(2).getString(),
                         s.getColumn(3).getString(), s.getColumn(4).getInt64(), s.getColumn(5).getInt()});
  auto& p = stmt(
      "SELECT part_no, part_count, account, channel_id, message_id, file_id, file_unique_id, file_name, "
      "size_bytes, ifnull(duration_s, 0), ifnull(width, 0), ifnull(height, 0), ifnull(mime_type, '') "
      "FROM telegram_objects WHERE variant_id = ? ORDER BY part_no");
  p.bind(1, static_cast<int64_t>(variant_id));
  while (p.executeStep()) {
    StoredPart sp;
    sp.part_no = p.getColumn(0).getInt();
    sp.part_count = p.getColumn(1).getInt();
    sp.account = p.getColumn(2).getString();
    sp.channel_id = p.getColumn(3).getInt64();
    sp.message_id = p.getColumn(4).getInt64();
    sp.file_id = p.getColumn(5).getString();
    sp.file_unique_id = p.getColumn(6).getString();
    sp.file_name = p.getColumn(7).getString();
    sp.size_bytes = p.getColumn(8).getInt64();
    sp.duration_s = p.getColumn(9).getDouble();
    sp.width = p.getColumn(10).getInt();
    sp.height = p.getColumn(11).getInt();
    sp.mime_type = p.getColumn(12).getString();
    j.stored_parts.push_back(std::move(sp));
  }
  // Earlier attempts that chose a channel (so may have uploaded) and did not finish cleanly.
  // A flood-wait release is left out: Telegram refused that upload.
  auto& a = stmt(
      "SELECT id, nonce, channel_id, ifnull(after_message_id, 0) FROM upload_attempts "
      "WHERE variant_id = ? AND channel_id IS NOT NULL AND nonce IS NOT NULL "
      "AND outcome NOT IN ('ok', 'flood_wait') ORDER BY id DESC LIMIT 5");
  a.bind(1, static_cast<int64_t>(variant_id));
  while (a.executeStep()) {
    PriorUpload pu{a.getColumn(0).getInt64(), a.getColumn(1).getString(), a.getColumn(2).getInt64(),
                   a.getColumn(3).getInt64()};
    j.previous_nonces.push_back(pu.nonce);
    j.prior_uploads.push_back(std::move(pu));
  }
  return j;
}

std::optional<Job> SqliteJobStore::claim(const std::string& worker_id, const std::string& account) {
  std::lock_guard lk(mu_);
  auto now = now_ms();
  return tx([&]() -> std::optional<Job> {
    auto& acc = stmt("SELECT flood_until, enabled FROM accounts WHERE name = ?");
    acc.bind(1, account);
    if (acc.executeStep() && (acc.getColumn(0).getInt64() > now || acc.getColumn(1).getInt() == 0))
      return std::nullopt;
    rescue_expired_leases(now);
    std::optional<std::int64_t> id;
    while ((id = pick_candidate(worker_id, account, now))) {
      // Its own lease, taken back after a restart: that restart ended an attempt too, so a
      // worker that crashes on this job every time cannot hold it forever.
      auto& own = stmt("SELECT attempts FROM upload_variants WHERE id = ? AND state = {claimed}");
      own.bind(1, static_cast<int64_t>(*id));
      if (!own.executeStep() || own.getColumn(0).getInt() < opts_.max_attempts) break;
      end_lost_attempt(*id, own.getColumn(0).getInt(), "worker restarted while holding it", now);
    }
    if (!id) return std::nullopt;

    // Whatever attempt still runs on this variant lost its lease now.
    auto& ab = stmt(
        "UPDATE upload_attempts SET outcome = 'abandoned', ended_at = ?, "
        "error = ifnull(error, 'worker restarted while holding the lease') WHERE variant_id = ? AND outcome "
        "= "
        "'running'");
    ab.bind(1, static_cast<int64_t>(now));
    ab.bind(2, static_cast<int64_t>(*id));
    ab.exec();

    std::string token = random_hex(16);
    auto& up = stmt(
        "UPDATE upload_variants SET state = {claimed}, lease_worker = ?, lease_account = ?, lease_token = ?, "
        "lease_expires_at = ?, attempts = attempts + 1, progress = NULL, updated_at = ? WHERE id = ?");
    up.bind(1, worker_id);
    up.bind(2, account);
    up.bind(3, token);
    up.bind(4, static_cast<int64_t>(now + opts_.lease_ms));
    up.bind(5, static_cast<int64_t>(now));
    up.bind(6, static_cast<int64_t>(*id));
    up.exec();

    std::string nonce = random_hex(6);
    auto& at = stmt(
        "INSERT INTO upload_attempts(variant_id, worker, account, lease_token, nonce, started_at) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    at.bind(1, static_cast<int64_t>(*id));
    at.bind(2, worker_id);
    at.bind(3, account);
    at.bind(4, token);
    at.bind(5, nonce);
    at.bind(6, static_cast<int64_t>(now));
    at.exec();
    auto attempt_id = db_->getLastInsertRowid();

    auto& w = stmt("UPDATE workers SET current_variant = ?, last_seen_at = ?, progress = NULL WHERE id = ?");
    w.bind(1, static_cast<int64_t>(*id));
    w.bind(2, static_cast<int64_t>(now));
    w.bind(3, worker_id);
    w.exec();

    Job j = load_job(*id);
    j.attempt_id = attempt_id;
    j.nonce = nonce;
    return j;
  });
}

bool SqliteJobStore::heartbeat(const LeaseRef& lease) {
  std::lock_guard lk(mu_);
  auto now = now_ms();
  return tx([&] {
    auto& q = stmt(
        "UPDATE upload_variants SET lease_expires_at = ?, updated_at = ? "
        "WHERE id = ? AND lease_token = ? AND state = {claimed}");
    q.bind(1, static_cast<int64_t>(now + opts_.lease_ms));
    q.bind(2, static_cast<int64_t>(now));
    q.bind(3, static_cast<int64_t>(lease.variant_id));
    q.bind(4, lease.token);
    if (q.exec() == 0) return false;
    auto& w = stmt(
        "UPDATE workers SET last_seen_at = ? WHERE id = (SELECT lease_worker FROM upload_variants WHERE id = "
        "?)");
    w.bind(1, static_cast<int64_t>(now));
    w.bind(2, static_cast<int64_t>(lease.variant_id));
    w.exec();
    return true;
  });
}

void SqliteJobStore::progress(const LeaseRef& lease, const Progress& p) {
  std::lock_guard lk(mu_);
  auto now = now_ms();
  auto text = safe_dump(progress_to_json(p));
  tx([&] {
    auto f = fence(lease);
    auto& q = stmt("UPDATE upload_variants SET progress = ?, updated_at = ? WHERE id = ?");
    q.bind(1, text);
    q.bind(2, static_cast<int64_t>(now));
    q.bind(3, static_cast<int64_t>(lease.variant_id));
    q.exec();
    auto& w = stmt("UPDATE workers SET progress = ?, last_seen_at = ?, current_variant = ? WHERE id = ?");
    w.bind(1, text);
    w.bind(2, static_cast<int64_t>(now));
    w.bind(3, static_cast<int64_t>(lease.variant_id));
    w.bind(4, f.worker);
    w.exec();
  });
}

std::int64_t SqliteJobStore::choose_channel(const LeaseRef& lease, const std::string& kind) {
  std::lock_guard lk(mu_);
  return tx([&] {
    auto f = fence(lease);
    std::int64_t channel = 0;
    if (f.channel_id) {
      channel = *f.channel_id;
    } else {
      try {
        channel = pick_storage_channel(*db_, kind);  // the documented choice rule, one place
      } catch (const NoStorageChannel& e) {
        throw JobStoreError(e.what());
      }
      auto& v = stmt("UPDATE upload_variants SET channel_id = ?, updated_at = ? WHERE id = ?");
      v.bind(1, static_cast<int64_t>(channel));
      v.bind(2, static_cast<int64_t>(now_ms()));
      v.bind(3, static_cast<int64_t>(lease.variant_id));
      v.exec();
    }
    auto& a = stmt(
        "UPDATE upload_attempts SET channel_id = ?1, "
        "after_message_id = (SELECT last_message_id FROM storage_channels WHERE chat_id = ?1) "
        "WHERE id = ?2 AND channel_id IS NULL");
    a.bind(1, static_cast<int64_t>(channel));
    a.bind(2, static_cast<int64_t>(lease.attempt_id));
    a.exec();
    return channel;
  });
}

void SqliteJobStore::record_part(const LeaseRef& lease, const StoredPart& part) {
  std::lock_guard lk(mu_);
  auto now = now_ms();
  tx([&] {
    fence(lease);
    auto& ex =
        stmt("SELECT channel_id, message_id FROM telegram_objects WHERE variant_id = ? AND part_no = ?");
    ex.bind(1, static_cast<int64_t>(lease.variant_id));
    ex.bind(2, part.part_no);
    if (ex.executeStep()) {
      if (ex.getColumn(0).getInt64() == part.channel_id && ex.getColumn(1).getInt64() == part.message_id)
        return;
      throw JobStoreError("variant " + std::to_string(lease.variant_id) + " part " +
                          std::to_string(part.part_no) + " is already stored as another message");
    }
    auto& q = stmt(
        "INSERT INTO telegram_objects(variant_id, part_no, part_count, account, channel_id, message_id, "
        "file_id, "
        "file_unique_id, file_name, size_bytes, duration_s, width, height, mime_type, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, static_cast<int64_t>(lease.variant_id));
    q.bind(2, part.part_no);
    q.bind(3, part.part_count);
    q.bind(4, part.account);
    q.bind(5, static_cast<int64_t>(part.channel_id));
    q.bind(6, static_cast<int64_t>(part.message_id));
    q.bind(7, part.file_id);
    q.bind(8, part.file_unique_id);
    q.bind(9, part.file_name);
    q.bind(10, static_cast<int64_t>(part.size_bytes));
    q.bind(11, part.duration_s);
    q.bind(12, part.width);
    q.bind(13, part.height);
    q.bind(14, part.mime_type);
    q.bind(15, static_cast<int64_t>(now));
    q.exec();
    auto& c = stmt(
        "UPDATE storage_channels SET last_message_id = max(last_message_id, ?), updated_at = ? WHERE chat_id "
        "= ?");
    c.bind(1, static_cast<int64_t>(part.message_id));
    c.bind(2, static_cast<int64_t>(now));
    c.bind(3, static_cast<int64_t>(part.channel_id));
    c.exec();
    auto& a = stmt("UPDATE upload_attempts SET bytes_moved = bytes_moved + ? WHERE id = ?");
    a.bind(1, static_cast<int64_t>(part.size_bytes));
    a.bind(2, static_cast<int64_t>(lease.attempt_id));
    a.exec();
  });
}

void SqliteJobStore::count_source_failures(const std::vector<SourceFailure>& failures, std::int64_t now) {
  for (const auto& sf : failures) {
    auto& s = stmt(
        "UPDATE source_links SET failures = failures + 1, last_error = ?, updated_at = ?, "
        "state = CASE WHEN failures + 1 >= ? THEN {source_dead} ELSE state END WHERE id = ? AND state = "
        "{source_live}");
    s.bind(1, sf.reason);
    s.bind(2, static_cast<int64_t>(now));
    s.bind(3, opts_.source_max_failures);
    s.bind(4, static_cast<int64_t>(sf.source_id));
    s.exec();
  }
}

void SqliteJobStore::complete(const LeaseRef& lease, const CompleteInfo& info) {
  std::lock_guard lk(mu_);
  auto now = now_ms();
  tx([&] {
    if (attempt_outcome(lease) == "ok") return;  // a repeated request after a lost answer
    fence(lease);
    auto& parts = stmt(
        "SELECT count(*), ifnull(min(part_count), 0), ifnull(max(part_count), 0), ifnull(sum(size_bytes), "
        "0), "
        "ifnull(min(part_no), 0), ifnull(max(part_no), 0) FROM telegram_objects WHERE variant_id = ?");
    parts.bind(1, static_cast<int64_t>(lease.variant_id));
    parts.executeStep();
    int count = parts.getColumn(0).getInt();
    int pc_min = parts.getColumn(1).getInt(), pc_max = parts.getColumn(2).getInt();
    std::int64_t bytes = parts.getColumn(3).getInt64();
    int first = parts.getColumn(4).getInt(), last = parts.getColumn(5).getInt();
    if (count == 0 || pc_min != pc_max || count != pc_max || first != 1 || last != pc_max)
      throw JobStoreError("variant " + std::to_string(lease.variant_id) + ": " + std::to_string(count) +
                          " of " + std::to_string(pc_max) +
                          " parts stored; record every part before completing");
    count_source_failures(info.source_failures, now);

    auto& v = stmt(
        "UPDATE upload_variants SET state = {done}, lease_token = NULL, lease_worker = NULL, lease_account = "
        "NULL, "
        "lease_expires_at = NULL, size_bytes = ?, part_count = ?, done_at = ?, updated_at = ?, progress = "
        "NULL, "
        "last_error = NULL, probed_quality = coalesce(?, probed_quality) WHERE id = ?");
    v.bind(1, static_cast<int64_t>(bytes));
    v.bind(2, count);
    v.bind(3, static_cast<int64_t>(now));
    v.bind(4, static_cast<int64_t>(now));
    if (info.probed_quality)
      v.bind(5, *info.probed_quality);
    else
      v.bind(5);
    v.bind(6, static_cast<int64_t>(lease.variant_id));
    v.exec();

    auto& a = stmt(
        "UPDATE upload_attempts SET outcome = 'ok', ended_at = ?, path = ?, source_id = ?, "
        "bytes_moved = max(bytes_moved, ?), probed_quality = ? WHERE id = ?");
    a.bind(1, static_cast<int64_t>(now));
    bind_attempt_reach(a, 2, info);
    if (info.probed_quality)
      a.bind(5, *info.probed_quality);
    else
      a.bind(5);
    a.bind(6, static_cast<int64_t>(lease.attempt_id));
    a.exec();

    // Per channel (all parts normally share one); read by variant so that the growing
    // channel never has to be scanned.
    auto& per = stmt(
        "SELECT channel_id, count(*), sum(size_bytes) FROM telegram_objects WHERE variant_id = ? GROUP BY "
        "channel_id");
    per.bind(1, static_cast<int64_t>(lease.variant_id));
    std::vector<std::array<std::int64_t, 3>> sums;
    while (per.executeStep())
      sums.push_back({per.getColumn(0).getInt64(), per.getColumn(1).getInt64(), per.getColumn(2).getInt64()});
    // A stored file proves the channel takes our posts: its rights-failure count restarts.
    for (const auto& [chat, files, nbytes] : sums) note_channel_success(*db_, chat, 0, nbytes, files);

    clear_worker_job(lease.variant_id, now);
  });
}

void SqliteJobStore::clear_worker_job(std::int64_t variant_id, std::optional<std::int64_t> seen_at) {
  auto& w = stmt(
      "UPDATE workers SET current_variant = NULL, progress = NULL, last_seen_at = coalesce(?, last_seen_at) "
      "WHERE current_variant = ?");
  if (seen_at)
    w.bind(1, static_cast<int64_t>(*seen_at));
  else
    w.bind(1);
  w.bind(2, static_cast<int64_t>(variant_id));
  w.exec();
}

}  // namespace cmup
