#include "web/admin_stats.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <optional>

#include "db/job_state.hpp"

namespace cmup::web {

namespace {

using nlohmann::json;

json nullable_text(const SQLite::Column& c) { return c.isNull() ? json(nullptr) : json(c.getString()); }

json queue_by_state(SQLite::Database& db) {
  json out = json::object();
  for (const auto& st : kJobStates) out[st.name] = 0;
  SQLite::Statement q(db, "SELECT state, count(*) FROM upload_variants GROUP BY state");
  while (q.executeStep()) out[q.getColumn(0).getString()] = q.getColumn(1).getInt64();
  return out;
}

json accounts(SQLite::Database& db, std::int64_t now_ms) {
  // Every account that is configured or has uploaded, with totals and the last hour's rate.
  std::map<std::string, json> by_name;
  auto entry = [&](const std::string& name) -> json& {
    auto [it, fresh] = by_name.try_emplace(name, json{{"name", name},
                                                      {"backend", nullptr},
                                                      {"kind", nullptr},
                                                      {"enabled", true},
                                                      {"uploads", 0},
                                                      {"bytes", 0},
                                                      {"bytes_last_hour", 0},
                                                      {"bytes_per_s_last_hour", 0.0},
                                                      {"flood_wait_s", 0},
                                                      {"flood_until", 0}});
    return it->second;
  };
  SQLite::Statement a(db, "SELECT name, backend, kind, enabled, flood_until FROM accounts");
  while (a.executeStep()) {
    json& e = entry(a.getColumn(0).getString());
    e["backend"] = a.getColumn(1).getString();
    e["kind"] = a.getColumn(2).getString();
    e["enabled"] = a.getColumn(3).getInt() != 0;
    std::int64_t until = a.getColumn(4).getInt64();
    e["flood_until"] = until;
    e["flood_wait_s"] = until > now_ms ? (until - now_ms + 999) / 1000 : 0;
  }
  SQLite::Statement u(db,
                      "SELECT account, count(*), sum(size_bytes), "
                      "sum(CASE WHEN created_at >= ? THEN size_bytes ELSE 0 END) "
                      "FROM telegram_objects GROUP BY account");
  u.bind(1, now_ms - kThroughputWindowMs);
  while (u.executeStep()) {
    json& e = entry(u.getColumn(0).getString());
    e["uploads"] = u.getColumn(1).getInt64();
    e["bytes"] = u.getColumn(2).getInt64();
    std::int64_t hour = u.getColumn(3).getInt64();
    e["bytes_last_hour"] = hour;
    e["bytes_per_s_last_hour"] = static_cast<double>(hour) / (kThroughputWindowMs / 1000.0);
  }
  json out = json::array();
  for (auto& [name, e] : by_name) out.push_back(std::move(e));
  return out;
}

json workers(SQLite::Database& db) {
  json out = json::array();
  SQLite::Statement q(db,
                      "SELECT id, account, host, last_seen_at, current_variant, progress FROM workers "
                      "ORDER BY id");
  while (q.executeStep()) {
    json progress = nullptr;
    if (!q.getColumn(5).isNull()) {
      progress = json::parse(q.getColumn(5).getString(), nullptr, false);
      if (progress.is_discarded()) progress = nullptr;
    }
    out.push_back(
        {{"id", q.getColumn(0).getString()},
         {"account", q.getColumn(1).getString()},
         {"host", nullable_text(q.getColumn(2))},
         {"last_seen_at", q.getColumn(3).getInt64()},
         {"current_variant", q.getColumn(4).isNull() ? json(nullptr) : json(q.getColumn(4).getInt64())},
         {"progress", progress}});
  }
  return out;
}

json recent_failures(SQLite::Database& db) {
  json out = json::array();
  SQLite::Statement q(
      db,
      "SELECT a.variant_id, v.coded_name, a.worker, a.account, a.outcome, a.error, a.ended_at "
      "FROM upload_attempts a JOIN upload_variants v ON v.id = a.variant_id "
      "WHERE a.outcome IN ('failed', 'flood_wait', 'lease_lost', 'abandoned') "
      "ORDER BY a.ended_at DESC, a.id DESC LIMIT ?");
  q.bind(1, kRecentFailures);
  while (q.executeStep())
    out.push_back({{"variant_id", q.getColumn(0).getInt64()},
                   {"coded_name", q.getColumn(1).getString()},
                   {"worker", q.getColumn(2).getString()},
                   {"account", q.getColumn(3).getString()},
                   {"outcome", q.getColumn(4).getString()},
                   {"error", nullable_text(q.getColumn(5))},
                   {"at", q.getColumn(6).isNull() ? json(nullptr) : json(q.getColumn(6).getInt64())}});
  return out;
}

json dead_variants(SQLite::Database& db) {
  json out = json::array();
  SQLite::Statement q(db, state_sql("SELECT id, coded_name, dead_reason, updated_at FROM upload_variants "
                                    "WHERE state = {dead} ORDER BY updated_at DESC LIMIT ?"));
  q.bind(1, kRecentFailures);
  while (q.executeStep())
    out.push_back({{"variant_id", q.getColumn(0).getInt64()},
                   {"coded_name", q.getColumn(1).getString()},
                   {"reason", nullable_text(q.getColumn(2))},
                   {"at", q.getColumn(3).getInt64()}});
  return out;
}

json channels(SQLite::Database& db) {
  json out = json::array();
  SQLite::Statement q(
      db,
      "SELECT chat_id, kind, enabled, files_stored, bytes_stored, last_message_id, disabled_reason "
      "FROM storage_channels ORDER BY chat_id");
  while (q.executeStep())
    out.push_back({{"chat_id", q.getColumn(0).getInt64()},
                   {"kind", q.getColumn(1).getString()},
                   {"enabled", q.getColumn(2).getInt() != 0},
                   {"files_stored", q.getColumn(3).getInt64()},
                   {"bytes_stored", q.getColumn(4).getInt64()},
                   {"last_message_id", q.getColumn(5).getInt64()},
                   {"disabled_reason", nullable_text(q.getColumn(6))}});
  return out;
}

json deliveries(SQLite::Database& db) {
  json out = {{"sent", 0}, {"fallback_copy", 0}, {"not_available", 0}, {"rate_limited", 0}, {"failed", 0}};
  SQLite::Statement q(db, "SELECT outcome, count(*) FROM deliveries GROUP BY outcome");
  while (q.executeStep()) out[q.getColumn(0).getString()] = q.getColumn(1).getInt64();
  return out;
}

std::string label_value(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"')
      out += std::string("\\") + c;
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

void family(std::string& out, const char* name, const char* type, const char* help) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

std::string number(const json& j) {
  if (j.is_number_float()) return std::to_string(j.get<double>());
  if (j.is_boolean()) return j.get<bool>() ? "1" : "0";
  return std::to_string(j.get<std::int64_t>());
}

}  // namespace

json collect_stats(SQLite::Database& db, std::int64_t now_ms) {
  // One read transaction: every figure on the page describes the same moment (the caller's,
  // when it already holds one).
  std::optional<SQLite::Transaction> tx;
  if (sqlite3_get_autocommit(db.getHandle())) tx.emplace(db, SQLite::TransactionBehavior::DEFERRED);
  json out = {{"generated_at", now_ms},
              {"queue", queue_by_state(db)},
              {"accounts", accounts(db, now_ms)},
              {"workers", workers(db)},
              {"recent_failures", recent_failures(db)},
              {"dead_variants", dead_variants(db)},
              {"channels", channels(db)},
              {"deliveries", deliveries(db)}};
  return out;
}

std::string metrics_text(const json& s) {
  std::string out;
  family(out, "cmup_variants", "gauge", "Upload variants by queue state.");
  for (const auto& [state, n] : s["queue"].items())
    out += "cmup_variants{state=\"" + label_value(state) + "\"} " + number(n) + "\n";
  family(out, "cmup_account_uploads_total", "counter", "Files (parts) stored in Telegram by each account.");
  for (const auto& a : s["accounts"])
    out += "cmup_account_uploads_total{account=\"" + label_value(a["name"]) + "\"} " + number(a["uploads"]) +
           "\n";
  family(out, "cmup_account_uploaded_bytes_total", "counter", "Bytes stored in Telegram by each account.");
  for (const auto& a : s["accounts"])
    out += "cmup_account_uploaded_bytes_total{account=\"" + label_value(a["name"]) + "\"} " +
           number(a["bytes"]) + "\n";
  family(out, "cmup_account_throughput_bytes_per_second", "gauge",
         "Bytes per second stored over the last hour.");
  for (const auto& a : s["accounts"])
    out += "cmup_account_throughput_bytes_per_second{account=\"" + label_value(a["name"]) + "\"} " +
           number(a["bytes_per_s_last_hour"]) + "\n";
  family(out, "cmup_account_flood_wait_seconds", "gauge",
         "Seconds until the account may upload again (FloodWait).");
  for (const auto& a : s["accounts"])
    out += "cmup_account_flood_wait_seconds{account=\"" + label_value(a["name"]) + "\"} " +
           number(a["flood_wait_s"]) + "\n";
  family(out, "cmup_channel_files", "gauge", "Files stored in each storage channel.");
  for (const auto& c : s["channels"])
    out += "cmup_channel_files{channel=\"" + number(c["chat_id"]) + "\",kind=\"" + label_value(c["kind"]) +
           "\"} " + number(c["files_stored"]) + "\n";
  family(out, "cmup_channel_bytes", "gauge", "Bytes stored in each storage channel.");
  for (const auto& c : s["channels"])
    out += "cmup_channel_bytes{channel=\"" + number(c["chat_id"]) + "\",kind=\"" + label_value(c["kind"]) +
           "\"} " + number(c["bytes_stored"]) + "\n";
  family(out, "cmup_deliveries_total", "counter", "Deliveries to users by outcome.");
  for (const auto& [outcome, n] : s["deliveries"].items())
    out += "cmup_deliveries_total{outcome=\"" + label_value(outcome) + "\"} " + number(n) + "\n";
  family(out, "cmup_workers", "gauge", "Workers known to the coordinator.");
  out += "cmup_workers " + std::to_string(s["workers"].size()) + "\n";
  return out;
}

}  // namespace cmup::web
