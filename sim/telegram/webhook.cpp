#include "webhook.hpp"

#include <httplib.h>

#include <chrono>
#include <map>

namespace cmup::simtg {

namespace {

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct Delivery {
  std::int64_t bot_id = 0;
  std::string url;
  std::string secret;
  nlohmann::json update;
};

// Returns an empty string on success, else the error to report.
std::string post_update(const Delivery& d) {
  const auto scheme_end = d.url.find("://");
  const auto path_start = d.url.find('/', scheme_end + 3);
  const std::string origin = d.url.substr(0, path_start);
  const std::string path = path_start == std::string::npos ? "/" : d.url.substr(path_start);
  httplib::Client cli(origin);
  cli.set_connection_timeout(5);
  cli.set_read_timeout(30);
  httplib::Headers headers;
  if (!d.secret.empty()) headers.emplace("X-Telegram-Bot-Api-Secret-Token", d.secret);
  auto res = cli.Post(path, headers, d.update.dump(), "application/json");
  if (!res) return "Connection refused";
  if (res->status < 200 || res->status > 299) return "Wrong response from the webhook: " + std::to_string(res->status);
  return "";
}

}  // namespace

void WebhookPusher::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void WebhookPusher::stop() {
  {
    std::lock_guard lk(sim_.store.mu);
    sim_.store.stopping = true;
    sim_.store.updates_cv.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void WebhookPusher::run() {
  Store& store = sim_.store;
  std::map<std::int64_t, int> failures;
  std::unique_lock lk(store.mu);
  while (!store.stopping) {
    std::optional<Delivery> next;
    const std::int64_t now = steady_ms();
    for (auto& [id, b] : store.st.bots) {
      if (b.webhook_url.empty() || b.updates.empty() || b.webhook_retry_at_ms > now) continue;
      next = Delivery{id, b.webhook_url, b.webhook_secret, b.updates.front()};
      break;
    }
    if (!next) {
      store.updates_cv.wait_for(lk, std::chrono::milliseconds(200));
      continue;
    }
    lk.unlock();
    const std::string error = post_update(*next);
    lk.lock();
    BotState& b = store.st.bots[next->bot_id];
    if (error.empty()) {
      failures[next->bot_id] = 0;
      if (!b.updates.empty() && b.updates.front() == next->update) {
        b.updates.pop_front();
        store.save_locked();
      }
    } else {
      const int n = ++failures[next->bot_id];
      b.webhook_retry_at_ms = steady_ms() + std::min(30000, 250 * (1 << std::min(n, 7)));
      b.webhook_last_error_date =
          std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
              .count();
      b.webhook_last_error_message = error;
    }
  }
}

}  // namespace cmup::simtg
