#include "bot/bot_service.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "bot/bot_delivery.hpp"
#include "bot/chat_dispatcher.hpp"
#include "bot/conversation.hpp"
#include "bot/file_id_harvester.hpp"
#include "bot/update_inbox.hpp"
#include "db/database.hpp"
#include "util/config.hpp"
#include "util/log.hpp"

namespace cmup::bot {
namespace {

const nlohmann::json kAllowedUpdates = {"message", "callback_query", "channel_post"};

bool constant_time_equal(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

BotService::BotService(BotOptions opts, std::filesystem::path db_path)
    : opts_(std::move(opts)),
      db_path_(std::move(db_path)),
      dbs_([this] {
        db::OpenOptions o;
        o.migrate = false;  // done once, by the first connection below
        return db::open(db_path_, o);
      }),
      api_(opts_.api_url, opts_.token, opts_.limits, clock_) {
  register_secret(opts_.token);
  register_secret(opts_.webhook_secret);
  db::open(db_path_);  // creates and migrates the database if needed
  delivery_ = std::make_unique<BotDelivery>(opts_, dbs_, api_);
  conversation_ = std::make_unique<Conversation>(opts_, dbs_, api_, *delivery_);
  harvester_ = std::make_unique<FileIdHarvester>(api_, opts_.index_chat_id);
}

std::unique_ptr<BotService> BotService::from_config(const Config& cfg) {
  return std::make_unique<BotService>(BotOptions::from_config(cfg), cfg.database_path());
}

BotService::~BotService() { stop(); }

Delivery& BotService::delivery() { return *delivery_; }

void BotService::set_send_observer(SendObserver o) { api_.set_send_observer(std::move(o)); }

void BotService::start() {
  {
    std::lock_guard lk(mu_);
    if (running_) return;
  }
  if (opts_.token.empty())
    throw std::runtime_error("bot.token is empty: set CMUP_BOT_TOKEN to the delivery bot's token");
  try {
    auto me = api_.call("getMe", nlohmann::json::object(), 20000);
    spdlog::info("bot: running as @{} ({} mode)", me.value("username", opts_.username), opts_.mode);
  } catch (const BotApiError& e) {
    if (e.error_code == 401 || e.error_code == 404)
      throw std::runtime_error("bot.token was refused by Telegram: check CMUP_BOT_TOKEN (" + e.description +
                               ")");
    throw std::runtime_error(std::string("bot: cannot reach the Bot API at bot.api_url: ") + e.what());
  }
  if (opts_.mode == "webhook" && !opts_.webhook_url.empty()) {
    api_.call("setWebhook", {{"url", opts_.webhook_url},
                             {"secret_token", opts_.webhook_secret},
                             {"allowed_updates", kAllowedUpdates}});
  }
  {
    std::lock_guard lk(mu_);
    running_ = true;
    stopping_ = false;
  }
  dispatcher_ = std::make_unique<ChatDispatcher>(opts_.workers, [this](const Update& u) { handle(u); });
  {
    auto db = dbs_.borrow();
    auto left = UpdateInbox::pending(*db);
    if (!left.empty()) spdlog::info("bot: handling {} update(s) left from the previous run", left.size());
    dispatch(std::move(left));
  }
  if (opts_.mode == "polling") poller_ = std::thread([this] { poll_loop(); });
  if (harvester_->can_harvest()) harvester_thread_ = std::thread([this] { harvest_loop(); });
}

void BotService::stop() {
  {
    std::lock_guard lk(mu_);
    if (!running_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (poller_.joinable()) poller_.join();
  if (harvester_thread_.joinable()) harvester_thread_.join();
  if (dispatcher_) dispatcher_->stop();
  dispatcher_.reset();
  std::lock_guard lk(mu_);
  running_ = false;
}

bool BotService::wait_stopping(std::chrono::milliseconds d) {
  std::unique_lock lk(mu_);
  return cv_.wait_for(lk, d, [&] { return stopping_; });
}

void BotService::dispatch(std::vector<Update> updates) {
  for (auto& u : updates) {
    ++accepted_;
    dispatcher_->post(std::move(u));
  }
}

void BotService::handle(const Update& u) {
  conversation_->handle(u);
  try {
    auto db = dbs_.borrow();
    UpdateInbox::done(*db, u.update_id);
  } catch (const std::exception& e) {
    spdlog::error("bot: cannot mark update {} handled: {}", u.update_id, e.what());
  }
  ++handled_;
}

void BotService::poll_loop() {
  int failures = 0;
  bool webhook_deleted = false;
  while (!wait_stopping(std::chrono::milliseconds(0))) {
    try {
      std::int64_t offset = 0;
      {
        auto db = dbs_.borrow();
        offset = UpdateInbox::offset(*db);
      }
      nlohmann::json params = {{"timeout", opts_.poll_timeout_s}, {"allowed_updates", kAllowedUpdates}};
      if (offset > 0) params["offset"] = offset;
      auto result = api_.call("getUpdates", params, (opts_.poll_timeout_s + 15) * 1000L);
      std::vector<Update> fresh;
      {
        auto db = dbs_.borrow();
        fresh = UpdateInbox::accept(*db, result);
      }
      dispatch(std::move(fresh));
      failures = 0;
      continue;
    } catch (const BotApiError& e) {
      if (e.error_code == 409 && !webhook_deleted) {
        // A webhook is registered, so getUpdates is refused: polling mode means drop it.
        spdlog::warn("bot: a webhook is set although bot.mode = polling; deleting it");
        webhook_deleted = true;
        try {
          api_.call("deleteWebhook", nlohmann::json::object());
          continue;
        } catch (const BotApiError&) {
        }
      }
      if (e.error_code == 429 && e.retry_after > 0) {
        wait_stopping(std::chrono::seconds(e.retry_after));
        continue;
      }
      spdlog::warn("bot: getUpdates failed: {}", e.what());
    } catch (const std::exception& e) {
      spdlog::error("bot: cannot record updates: {}", e.what());
    }
    ++failures;
    wait_stopping(std::chrono::milliseconds(std::min(30000, 500 * (1 << std::min(failures, 6)))));
  }
}

void BotService::harvest_loop() {
  do {
    try {
      auto db = dbs_.borrow();
      int n = harvester_->harvest_missing(*db, 50);
      if (n > 0) spdlog::info("bot: learnt {} file id(s) through the index chat", n);
    } catch (const std::exception& e) {
      spdlog::warn("bot: file id harvest: {}", e.what());
    }
  } while (!wait_stopping(std::chrono::seconds(opts_.harvest_interval_s)));
}

int BotService::handle_webhook(const std::string& secret_header, const std::string& body) {
  if (opts_.mode != "webhook") return 403;
  if (opts_.webhook_secret.empty() || !constant_time_equal(secret_header, opts_.webhook_secret)) return 401;
  {
    std::lock_guard lk(mu_);
    if (!running_ || stopping_) return 503;  // Telegram retries later
  }
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return 200;  // garbage: nothing to retry
  try {
    std::vector<Update> fresh;
    {
      auto db = dbs_.borrow();
      fresh = UpdateInbox::accept(*db, nlohmann::json::array({j}));
    }
    dispatch(std::move(fresh));
    return 200;
  } catch (const std::exception& e) {
    spdlog::error("bot: cannot record a webhook update: {}", e.what());
    return 503;
  }
}

void BotService::mount_webhook(Router& router) {
  // Telegram's updates are far smaller; the bound only keeps a forged body from costing memory.
  constexpr std::size_t kMaxUpdateBytes = 4 << 20;
  router.post(opts_.webhook_path,
              [this](const ServerRequest& req, ServerResponse& res) {
                res.status = handle_webhook(req.header("X-Telegram-Bot-Api-Secret-Token"), req.body);
                res.set_content(res.status == 200 ? "{}" : "{\"error\":\"refused\"}", "application/json");
              },
              {RunOn::Pool, kMaxUpdateBytes});
}

}  // namespace cmup::bot
