// getUpdates (long polling) and the webhook settings.
#include <algorithm>
#include <chrono>

#include "api_error.hpp"
#include "methods.hpp"

namespace cmup::simtg {

using nlohmann::json;

namespace {

constexpr std::int64_t kMaxPollSeconds = 60;

void set_allowed_updates(BotState& b, const json& allowed) {
  if (!allowed.is_array()) return;
  b.allowed_updates.clear();
  for (const auto& a : allowed) {
    if (a.is_string()) b.allowed_updates.push_back(a.get<std::string>());
  }
}

}  // namespace

json get_updates(Sim& sim, const BotInfo& bot, Params& p) {
  const auto offset = p.int64("offset");
  const auto limit = std::clamp<std::int64_t>(p.int64("limit").value_or(100), 1, 100);
  const auto timeout = std::clamp<std::int64_t>(p.int64("timeout").value_or(0), 0, kMaxPollSeconds);
  const json allowed = p.json_value("allowed_updates");
  Store& store = sim.store;
  std::unique_lock lk(store.mu);
  BotState& b = store.st.bots[bot.id];
  if (!b.webhook_url.empty()) throw ApiError(409, text::kWebhookActive);
  set_allowed_updates(b, allowed);
  const std::uint64_t generation = ++b.poll_generation;
  store.updates_cv.notify_all();  // an older poll of this bot ends with 409
  bool dropped = false;
  if (offset && *offset > 0) {
    while (!b.updates.empty() && b.updates.front().at("update_id").get<std::int64_t>() < *offset) {
      b.updates.pop_front();
      dropped = true;
    }
  } else if (offset && *offset < 0) {
    while (static_cast<std::int64_t>(b.updates.size()) > -*offset) {
      b.updates.pop_front();
      dropped = true;
    }
  }
  if (dropped || allowed.is_array()) store.save_locked();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout);
  store.updates_cv.wait_until(lk, deadline, [&] {
    return !b.updates.empty() || b.poll_generation != generation || !b.webhook_url.empty() || store.stopping;
  });
  if (!b.webhook_url.empty()) throw ApiError(409, "Conflict: terminated by setWebhook request");
  if (b.poll_generation != generation) throw ApiError(409, text::kOtherGetUpdates);
  json out = json::array();
  for (const auto& u : b.updates) {
    if (static_cast<std::int64_t>(out.size()) >= limit) break;
    out.push_back(u);
  }
  return out;
}

json set_webhook(Sim& sim, const BotInfo& bot, Params& p) {
  const std::string url = p.str("url");
  const std::string secret = p.str("secret_token");
  if (!url.empty() && url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    throw bad_request("invalid webhook URL specified");
  }
  if (secret.size() > 256) throw bad_request("secret token is too long");
  for (char c : secret) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
      throw bad_request("secret token contains unallowed characters");
    }
  }
  std::lock_guard lk(sim.store.mu);
  BotState& b = sim.store.st.bots[bot.id];
  b.webhook_url = url;
  b.webhook_secret = url.empty() ? "" : secret;
  b.webhook_retry_at_ms = 0;
  set_allowed_updates(b, p.json_value("allowed_updates"));
  if (p.boolean("drop_pending_updates")) b.updates.clear();
  sim.store.save_locked();
  sim.store.updates_cv.notify_all();
  return true;
}

json delete_webhook(Sim& sim, const BotInfo& bot, Params& p) {
  std::lock_guard lk(sim.store.mu);
  BotState& b = sim.store.st.bots[bot.id];
  b.webhook_url.clear();
  b.webhook_secret.clear();
  if (p.boolean("drop_pending_updates")) b.updates.clear();
  sim.store.save_locked();
  sim.store.updates_cv.notify_all();
  return true;
}

json get_webhook_info(Sim& sim, const BotInfo& bot, Params&) {
  std::lock_guard lk(sim.store.mu);
  const BotState& b = sim.store.st.bots[bot.id];
  json j = {{"url", b.webhook_url},
            {"has_custom_certificate", false},
            {"pending_update_count", b.updates.size()},
            {"max_connections", 40}};
  if (!b.allowed_updates.empty()) j["allowed_updates"] = b.allowed_updates;
  if (b.webhook_last_error_date) {
    j["last_error_date"] = b.webhook_last_error_date;
    j["last_error_message"] = b.webhook_last_error_message;
  }
  return j;
}

}  // namespace cmup::simtg
