#include "queue/queue_status.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <ctime>
#include <optional>

#include "db/job_state.hpp"
#include "util/clock.hpp"

namespace cmup {

namespace {

std::string clock_time(std::int64_t ms) {
  if (ms <= 0) return "-";
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);  // not std::gmtime: its shared buffer races other threads
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string human_bytes(double b) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1000 && u < 4) {
    b /= 1000;
    ++u;
  }
  return u == 0 ? fmt::format("{:.0f} {}", b, units[u]) : fmt::format("{:.1f} {}", b, units[u]);
}

std::string shorten(std::string s, std::size_t n) {
  for (auto& c : s)
    if (c == '\n') c = ' ';
  return s.size() <= n ? s : s.substr(0, n - 3) + "...";
}

}  // namespace

QueueStatus read_queue_status(SQLite::Database& db, std::int64_t now, int failures) {
  QueueStatus s;
  s.now = now;
  // One snapshot for every query below (the caller's, when it already holds one).
  std::optional<SQLite::Transaction> tx;
  if (sqlite3_get_autocommit(db.getHandle())) tx.emplace(db, SQLite::TransactionBehavior::DEFERRED);
  for (const auto& st : kJobStates) s.states[st.name] = 0;
  {
    SQLite::Statement q(db, "SELECT state, count(*) FROM upload_variants GROUP BY state");
    while (q.executeStep()) s.states[q.getColumn(0).getString()] = q.getColumn(1).getInt64();
  }
  // Every account that is configured or has uploaded, by name.
  std::map<std::string, AccountStatus> accounts;
  {
    SQLite::Statement q(db, "SELECT name, backend, kind, enabled, flood_until FROM accounts");
    while (q.executeStep()) {
      auto& a = accounts[q.getColumn(0).getString()];
      a.backend = q.getColumn(1).getString();
      a.kind = q.getColumn(2).getString();
      a.enabled = q.getColumn(3).getInt() != 0;
      a.flood_until = q.getColumn(4).getInt64();
    }
  }
  const std::int64_t day_start = utc_day_start_ms(now);
  const std::int64_t window_start = now - kThroughputWindowMs;
  {
    // One pass over telegram_objects for every figure.
    SQLite::Statement q(db,
                        "SELECT account, count(*), sum(size_bytes), sum(created_at >= ?1), "
                        "sum(CASE WHEN created_at >= ?1 THEN size_bytes ELSE 0 END), "
                        "sum(CASE WHEN created_at >= ?2 THEN size_bytes ELSE 0 END) "
                        "FROM telegram_objects GROUP BY account");
    q.bind(1, static_cast<int64_t>(day_start));
    q.bind(2, static_cast<int64_t>(window_start));
    while (q.executeStep()) {
      auto& a = accounts[q.getColumn(0).getString()];
      a.uploads = q.getColumn(1).getInt64();
      a.bytes = q.getColumn(2).getInt64();
      a.files_today = q.getColumn(3).getInt64();
      a.bytes_today = q.getColumn(4).getInt64();
      a.bytes_window = q.getColumn(5).getInt64();
      a.bytes_per_s =
          static_cast<double>(a.bytes_window) / (static_cast<double>(kThroughputWindowMs) / 1000.0);
    }
  }
  {
    SQLite::Statement q(db,
                        state_sql("SELECT w.account, w.id, ifnull(w.host, ''), w.last_seen_at, "
                                  "ifnull(v.id, 0), ifnull(v.coded_name, ''), ifnull(w.progress, '') "
                                  "FROM workers w LEFT JOIN upload_variants v ON v.id = w.current_variant "
                                  "AND v.state = {claimed} ORDER BY w.account, w.id"));
    while (q.executeStep()) {
      WorkerStatus w{q.getColumn(1).getString(), q.getColumn(0).getString(), q.getColumn(2).getString(),
                     q.getColumn(3).getInt64(),  q.getColumn(4).getInt64(),  q.getColumn(5).getString(),
                     q.getColumn(6).getString()};
      if (w.current.empty()) w.progress.clear();
      accounts[w.account].workers.push_back(std::move(w));
    }
  }
  for (auto& [name, a] : accounts) {
    a.name = name;
    s.accounts.push_back(std::move(a));
  }
  {
    SQLite::Statement q(
        db,
        "SELECT a.variant_id, v.coded_name, a.account, a.worker, a.outcome, ifnull(a.error, ''), "
        "ifnull(a.ended_at, 0) FROM upload_attempts a JOIN upload_variants v ON v.id = a.variant_id "
        "WHERE a.outcome IN ('failed', 'flood_wait', 'lease_lost', 'abandoned') "
        "ORDER BY a.ended_at DESC, a.id DESC LIMIT ?");
    q.bind(1, failures);
    while (q.executeStep())
      s.recent_failures.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                                   q.getColumn(2).getString(), q.getColumn(3).getString(),
                                   q.getColumn(4).getString(), q.getColumn(5).getString(),
                                   q.getColumn(6).getInt64()});
  }
  {
    SQLite::Statement q(
        db, state_sql("SELECT id, coded_name, ifnull(dead_reason, ''), updated_at FROM upload_variants "
                      "WHERE state = {dead} ORDER BY updated_at DESC, id DESC LIMIT ?"));
    q.bind(1, failures);
    while (q.executeStep())
      s.dead.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), "", "",
                        state_name(JobState::Dead), q.getColumn(2).getString(), q.getColumn(3).getInt64()});
  }
  s.channels = list_channels(db);
  if (tx) tx->commit();
  return s;
}

nlohmann::json channel_to_json(const StorageChannel& c) {
  using nlohmann::json;
  const auto fix = channel_fix(c);
  return {{"chat_id", c.chat_id},
          {"kind", c.kind},
          {"enabled", c.enabled},
          {"files_stored", c.files_stored},
          {"bytes_stored", c.bytes_stored},
          {"last_message_id", c.last_message_id},
          // Rights / not-found refusals in a row (disabled at telegram.channel_max_rights_failures).
          {"rights_failures", c.failures},
          {"disabled_reason", c.disabled_reason.empty() ? json(nullptr) : json(c.disabled_reason)},
          {"fix", fix.empty() ? json(nullptr) : json(fix)}};
}

nlohmann::json status_to_json(const QueueStatus& s) {
  using nlohmann::json;
  json accounts = json::array();
  for (const auto& a : s.accounts) {
    json workers = json::array();
    for (const auto& w : a.workers) {
      json p = w.progress.empty() ? json(nullptr) : json::parse(w.progress, nullptr, false);
      workers.push_back({{"id", w.id},
                         {"host", w.host},
                         {"last_seen_at", w.last_seen_at},
                         {"current", w.current.empty() ? json(nullptr) : json(w.current)},
                         {"progress", p.is_discarded() ? json(nullptr) : p}});
    }
    accounts.push_back({{"name", a.name},
                        {"kind", a.kind},
                        {"enabled", a.enabled},
                        {"flood_until", a.flood_until},
                        {"flood_wait_s", a.flood_until > s.now ? (a.flood_until - s.now + 999) / 1000 : 0},
                        {"uploads", a.uploads},
                        {"bytes", a.bytes},
                        {"files_today", a.files_today},
                        {"bytes_today", a.bytes_today},
                        {"bytes_per_s", a.bytes_per_s},
                        {"throughput_window_s", kThroughputWindowMs / 1000},
                        {"workers", workers}});
  }
  auto rows = [](const std::vector<FailureStatus>& v) {
    json out = json::array();
    for (const auto& f : v)
      out.push_back({{"variant_id", f.variant_id},
                     {"coded_name", f.coded_name},
                     {"outcome", f.outcome},
                     {"account", f.account},
                     {"worker", f.worker},
                     {"error", f.error},
                     {"at", f.ended_at}});
    return out;
  };
  json channels = json::array();
  for (const auto& c : s.channels) channels.push_back(channel_to_json(c));
  return {{"now", s.now},
          {"states", s.states},
          {"channels", channels},
          {"accounts", accounts},
          {"recent_failures", rows(s.recent_failures)},
          {"dead", rows(s.dead)}};
}

std::string format_status(const QueueStatus& s) {
  std::string out = "Queue\n";
  for (const auto& st : kJobStates)
    out += fmt::format("  {:<9} {:>8}\n", st.name, s.states.count(st.name) ? s.states.at(st.name) : 0);
  out += "\nAccounts\n";
  out += fmt::format("  {:<12} {:<9} {:>8} {:>10} {:>11} {:>10}  {}\n", "ACCOUNT", "KIND", "FILES", "TODAY",
                     "RATE", "FLOOD", "CURRENT JOB");
  if (s.accounts.empty()) out += "  (none yet: an account appears when its worker first starts)\n";
  for (const auto& a : s.accounts) {
    std::string flood =
        a.flood_until > s.now ? fmt::format("{} s", (a.flood_until - s.now + 999) / 1000) : "-";
    if (!a.enabled) flood = "disabled";
    std::string current;
    for (const auto& w : a.workers) {
      if (w.current.empty()) continue;
      auto p = nlohmann::json::parse(w.progress.empty() ? "{}" : w.progress, nullptr, false);
      std::string stage = p.is_object() ? p.value("stage", "") : "";
      current += (current.empty() ? "" : ", ") + w.current + (stage.empty() ? "" : " (" + stage + ")");
    }
    if (current.empty()) current = a.workers.empty() ? "no worker" : "idle";
    out += fmt::format("  {:<12} {:<9} {:>8} {:>10} {:>9}/s {:>10}  {}\n", a.name, a.kind, a.files_today,
                       human_bytes(static_cast<double>(a.bytes_today)), human_bytes(a.bytes_per_s), flood,
                       current);
  }
  out += "\nStorage channels\n";
  out += fmt::format("  {:<16} {:<6} {:>8} {:>10} {:>7}  {}\n", "CHANNEL", "KIND", "FILES", "BYTES",
                     "REFUSED", "STATE");
  if (s.channels.empty())
    out += "  (none: list them under [[channels]]; a worker or `cmup serve` adds them here)\n";
  for (const auto& c : s.channels) {
    out += fmt::format("  {:<16} {:<6} {:>8} {:>10} {:>7}  {}\n", c.chat_id, c.kind, c.files_stored,
                       human_bytes(static_cast<double>(c.bytes_stored)), c.failures,
                       c.enabled ? "enabled" : "DISABLED: " + shorten(c.disabled_reason, 160));
    if (!c.enabled) out += fmt::format("  {:<16} fix: {}\n", "", channel_fix(c));
  }
  out += "\nRecent failures\n";
  if (s.recent_failures.empty()) out += "  none\n";
  for (const auto& f : s.recent_failures)
    out += fmt::format("  {}  {:<22} {:<8} {:<10} {}\n", clock_time(f.ended_at), f.coded_name, f.account,
                       f.outcome, shorten(f.error, 100));
  if (!s.dead.empty()) {
    out += "\nDead (retry with `cmup retry --dead` or `cmup requeue NAME`)\n";
    for (const auto& f : s.dead) out += fmt::format("  {:<22} {}\n", f.coded_name, shorten(f.error, 120));
  }
  return out;
}

}  // namespace cmup
