#include "web/admin_stats.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <optional>

#include "queue/queue_status.hpp"

namespace cmup::web {

namespace {

using nlohmann::json;


// The queue, accounts, workers, failures and dead variants come from the one reader that
// `cmup status` uses (queue/queue_status.hpp); this file only shapes them for the dashboard.
json accounts(const QueueStatus& s) {
  json out = json::array();
  for (const auto& a : s.accounts)
    out.push_back({{"name", a.name},
                   {"backend", a.backend.empty() ? json(nullptr) : json(a.backend)},
                   {"kind", a.kind.empty() ? json(nullptr) : json(a.kind)},
                   {"enabled", a.enabled},
                   {"uploads", a.uploads},
                   {"bytes", a.bytes},
                   {"bytes_last_hour", a.bytes_window},
                   {"bytes_per_s_last_hour", a.bytes_per_s},
                   {"flood_wait_s", a.flood_until > s.now ? (a.flood_until - s.now + 999) / 1000 : 0},
                   {"flood_until", a.flood_until}});
  return out;
}

json workers(const QueueStatus& s) {
  json out = json::array();
  for (const auto& a : s.accounts)
    for (const auto& w : a.workers) {
      json progress = nullptr;
      if (!w.progress.empty()) {
        progress = json::parse(w.progress, nullptr, false);
        if (progress.is_discarded()) progress = nullptr;
      }
      out.push_back({{"id", w.id},
                     {"account", w.account},
                     {"host", w.host.empty() ? json(nullptr) : json(w.host)},
                     {"last_seen_at", w.last_seen_at},
                     {"current_variant", w.current_variant ? json(w.current_variant) : json(nullptr)},
                     {"progress", progress}});
    }
  return out;
}

json recent_failures(const QueueStatus& s) {
  json out = json::array();
  for (const auto& f : s.recent_failures)
    out.push_back({{"variant_id", f.variant_id},
                   {"coded_name", f.coded_name},
                   {"worker", f.worker},
                   {"account", f.account},
                   {"outcome", f.outcome},
                   {"error", f.error.empty() ? json(nullptr) : json(f.error)},
                   {"at", f.ended_at ? json(f.ended_at) : json(nullptr)}});
  return out;
}

json dead_variants(const QueueStatus& s) {
  json out = json::array();
  for (const auto& d : s.dead)
    out.push_back({{"variant_id", d.variant_id},
                   {"coded_name", d.coded_name},
                   {"reason", d.error.empty() ? json(nullptr) : json(d.error)},
                   {"at", d.ended_at}});
  return out;
}

json channels(const QueueStatus& s) {
  json out = json::array();
  for (const auto& c : s.channels) out.push_back(channel_to_json(c));
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
  auto queue = read_queue_status(db, now_ms, kRecentFailures);
  json out = {{"generated_at", now_ms},
              {"queue", queue.states},
              {"accounts", accounts(queue)},
              {"workers", workers(queue)},
              {"recent_failures", recent_failures(queue)},
              {"dead_variants", dead_variants(queue)},
              {"channels", channels(queue)},
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
  family(out, "cmup_channel_enabled", "gauge",
         "1 while the storage channel takes uploads; 0 once disabled (see /admin for the reason).");
  for (const auto& c : s["channels"])
    out += "cmup_channel_enabled{channel=\"" + number(c["chat_id"]) + "\",kind=\"" + label_value(c["kind"]) +
           "\"} " + number(c["enabled"]) + "\n";
  family(out, "cmup_channel_rights_failures", "gauge",
         "Rights / not-found refusals in a row by each storage channel.");
  for (const auto& c : s["channels"])
    out += "cmup_channel_rights_failures{channel=\"" + number(c["chat_id"]) + "\",kind=\"" +
           label_value(c["kind"]) + "\"} " + number(c["rights_failures"]) + "\n";
  family(out, "cmup_deliveries_total", "counter", "Deliveries to users by outcome.");
  for (const auto& [outcome, n] : s["deliveries"].items())
    out += "cmup_deliveries_total{outcome=\"" + label_value(outcome) + "\"} " + number(n) + "\n";
  family(out, "cmup_workers", "gauge", "Workers known to the coordinator.");
  out += "cmup_workers " + std::to_string(s["workers"].size()) + "\n";
  return out;
}

std::string delivery_metrics_text(const DeliveryStatus& st) {
  std::string out;
  family(out, "cmup_bot_ready", "gauge",
         "1 while the delivery bot is connected to Telegram; 0 while it retries (reason on /api/v1/health).");
  out += "cmup_bot_ready{state=\"" + label_value(st.state) + "\"} " + (st.ready ? "1" : "0") + "\n";
  family(out, "cmup_bot_rate_limited_total", "counter",
         "429 Too Many Requests answers the delivery bot got from the Bot API (each honoured with retry_after).");
  out += "cmup_bot_rate_limited_total " + std::to_string(st.rate_limited_total) + "\n";
  return out;
}

}  // namespace cmup::web
