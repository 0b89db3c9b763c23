// What the /admin dashboard and /metrics show: the queue by state, per-account throughput and
// flood wait, workers, recent failures, storage channel fill, and deliveries.
//
// Contract: collect_stats() reads a consistent snapshot (one read transaction) and returns the
// JSON documented in docs/api.md ("Admin status"); metrics_text() renders that snapshot in the
// Prometheus text exposition format (version 0.0.4), every label value escaped. Only reads.
// Not thread-safe per connection.
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "bot/delivery.hpp"

namespace cmup::web {

// Throughput is measured over queue/queue_status.hpp's kThroughputWindowMs (one hour), the
// same window `cmup status` shows.
inline constexpr int kRecentFailures = 20;

nlohmann::json collect_stats(SQLite::Database& db, std::int64_t now_ms);
std::string metrics_text(const nlohmann::json& stats);
// The delivery bot's part of /metrics: whether it is connected, and the 429s it got.
std::string delivery_metrics_text(const DeliveryStatus& st);

}  // namespace cmup::web
