#include "bot/bot_service.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "bot/bot_delivery.hpp"
#include "bot/chat_dispatcher.hpp"
#include "bot/conversation.hpp"
#include "bot/file_id_harvester.hpp"
#include "bot/inline_query.hpp"
#include "bot/season_sender.hpp"
#include "bot/update_inbox.hpp"
#include "db/database.hpp"
#include "util/backoff.hpp"
#include "util/config.hpp"
#include "util/log.hpp"

namespace cmup::bot {
namespace {

// my_chat_member: a user blocking or unblocking the bot (resumes stopped season sends).
const nlohmann::json kAllowedUpdates = {"message", "callback_query", "channel_post", "inline_query",
                                        "my_chat_member"};

bool constant_time_equal(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

namespace {

// The delivery's work is BotDelivery's; whether it can go now is the service's.
class GatedDelivery : public Delivery {
 public:
  GatedDelivery(BotService& service, Delivery& work) : service_(service), work_(work) {}
  DeliveryResult deliver(const DeliveryRequest& req) override { return work_.deliver(req); }
  DeliveryStatus status() override { return service_.status(); }

 private:
  BotService& service_;
  Delivery& work_;
};

// Reaching Telegram at start: first retry after 1 s, doubling to 30 s (a refused token: to
// 5 min, it needs the operator).
const BackoffPolicy kConnectRetry{1, 30, 0.25};
const BackoffPolicy kRefusedRetry{30, 300, 0.25};
// Once ready: a failing getUpdates waits 0.5 s, doubling to 30 s.
const BackoffPolicy kPollRetry{0.5, 30, 0.25};

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
  delivery_ = std::make_unique<BotDelivery>(opts_, dbs_, api_, [this] { wake_learner(); });
  conversation_ = std::make_unique<Conversation>(opts_, dbs_, api_, *delivery_);
  harvester_ = std::make_unique<FileIdHarvester>(
      api_, opts_.index_chat_id, BackoffPolicy{opts_.learn_retry_base_s, opts_.learn_retry_max_s, 0.25});
  gate_ = std::make_unique<GatedDelivery>(*this, *delivery_);
  seasons_ = std::make_unique<SeasonSender>(opts_, dbs_, api_, *delivery_);
  inline_ = std::make_unique<InlineQueries>(dbs_, api_);
  conversation_->set_season_sender(seasons_.get());
  conversation_->set_inline_queries(inline_.get());
}

std::unique_ptr<BotService> BotService::from_config(const Config& cfg) {
  return std::make_unique<BotService>(BotOptions::from_config(cfg), cfg.database_path());
}

BotService::~BotService() { stop(); }

Delivery& BotService::delivery() { return *gate_; }

SeasonDelivery& BotService::seasons() { return *seasons_; }

void BotService::set_send_observer(SendObserver o) { api_.set_send_observer(std::move(o)); }

void BotService::start() {
  if (opts_.token.empty())
    throw std::runtime_error("bot.token is empty: set CMUP_BOT_TOKEN to the delivery bot's token");
  {
    std::lock_guard lk(mu_);
    if (running_) return;
    running_ = true;
    stopping_ = false;
    ready_ = false;
    learn_now_ = false;
    state_ = "connecting";
    state_reason_ = "reaching the Bot API (getMe)";
    retry_at_ = {};
  }
  stop_flag_ = false;
  dispatcher_ = std::make_unique<ChatDispatcher>(opts_.workers, [this](const Update& u) { handle(u); });
  runner_ = std::thread([this] { run(); });
}

void BotService::stop() {
  {
    std::lock_guard lk(mu_);
    if (!running_) return;
    stopping_ = true;
  }
  stop_flag_ = true;  // the long poll and a forward in flight end now
  cv_.notify_all();
  if (runner_.joinable()) runner_.join();
  if (harvester_thread_.joinable()) harvester_thread_.join();
  seasons_->stop();
  if (dispatcher_) dispatcher_->stop();
  dispatcher_.reset();
  std::lock_guard lk(mu_);
  running_ = false;
  ready_ = false;
  state_ = "stopped";
  state_reason_ = "the bot was stopped";
}

bool BotService::wait_stopping(std::chrono::milliseconds d) {
  std::unique_lock lk(mu_);
  return cv_.wait_for(lk, d, [&] { return stopping_; });
}

void BotService::set_state(const std::string& state, const std::string& reason, int retry_after_s) {
  {
    std::lock_guard lk(mu_);
    state_ = state;
    state_reason_ = reason;
    retry_at_ = std::chrono::steady_clock::now() + std::chrono::seconds(retry_after_s);
  }
  cv_.notify_all();
}

DeliveryStatus BotService::wait_first_attempt(std::chrono::milliseconds max) {
  {
    std::unique_lock lk(mu_);
    cv_.wait_for(lk, max, [&] { return stopping_ || state_ != "connecting"; });
  }
  return status();
}

DeliveryStatus BotService::status() {
  DeliveryStatus st;
  {
    std::lock_guard lk(mu_);
    st.ready = ready_ && !stopping_;
    st.state = stopping_ && running_ ? "stopped" : state_;
    st.reason = st.ready ? "" : state_reason_;
    if (!st.ready) {
      auto left =
          std::chrono::duration_cast<std::chrono::seconds>(retry_at_ - std::chrono::steady_clock::now());
      st.retry_after_s = static_cast<int>(std::max<std::int64_t>(1, left.count() + 1));
    }
  }
  st.rate_limited_total = api_.rate_limited_total();
  return st;
}

void BotService::wake_learner() {
  {
    std::lock_guard lk(mu_);
    learn_now_ = true;
  }
  cv_.notify_all();
}

bool BotService::connect() {
  for (int failures = 0;;) {
    if (wait_stopping(std::chrono::milliseconds(0))) return false;
    try {
      auto me = api_.call("getMe", nlohmann::json::object(), 20000, &stop_flag_);
      if (opts_.mode == "webhook" && !opts_.webhook_url.empty()) {
        api_.call("setWebhook",
                  {{"url", opts_.webhook_url},
                   {"secret_token", opts_.webhook_secret},
                   {"allowed_updates", kAllowedUpdates}},
                  20000, &stop_flag_);
      }
      spdlog::info("bot: running as @{} ({} mode)", me.value("username", opts_.username), opts_.mode);
      return true;
    } catch (const BotApiError& e) {
      if (wait_stopping(std::chrono::milliseconds(0))) return false;
      ++failures;
      bool refused = e.error_code == 401 || e.error_code == 404;
      int wait_ms =
          static_cast<int>(backoff_delay_ms_random(refused ? kRefusedRetry : kConnectRetry, failures));
      if (e.error_code == 429 && e.retry_after > 0) wait_ms = std::max(wait_ms, e.retry_after * 1000);
      int wait_s = (wait_ms + 999) / 1000;
      if (refused) {
        set_state("token_refused",
                  "Telegram refused bot.token (" + e.description + "): check CMUP_BOT_TOKEN and restart",
                  wait_s);
        spdlog::error("bot: Telegram refused bot.token ({}): check CMUP_BOT_TOKEN; trying again in {} s",
                      e.description, wait_s);
      } else {
        set_state("unreachable", std::string("cannot reach the Bot API at bot.api_url: ") + e.what(), wait_s);
        // The first failure and then every tenth, so a long outage does not flood the log.
        if (failures == 1 || failures % 10 == 0)
          spdlog::warn(
              "bot: cannot reach the Bot API at bot.api_url ({}); website, API and coordinator keep "
              "serving; trying again in {} s",
              e.what(), wait_s);
      }
      if (wait_stopping(std::chrono::milliseconds(wait_ms))) return false;
    }
  }
}

void BotService::run() {
  if (!connect()) return;
  try {
    auto db = dbs_.borrow();
    auto left = UpdateInbox::pending(*db);
    if (!left.empty()) spdlog::info("bot: handling {} update(s) left from the previous run", left.size());
    dispatch(std::move(left));
  } catch (const std::exception& e) {
    spdlog::error("bot: cannot read the update inbox: {}", e.what());
  }
  {
    std::lock_guard lk(mu_);
    if (stopping_) return;
    ready_ = true;
    state_ = "ready";
    state_reason_.clear();
  }
  cv_.notify_all();
  if (harvester_->can_harvest()) harvester_thread_ = std::thread([this] { harvest_loop(); });
  seasons_->start();  // also goes on with season sends a previous run left open
  if (opts_.mode == "polling") poll_loop();
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
      // Cancelled by stop(): shutdown does not wait for the long poll to end.
      auto result = api_.call("getUpdates", params, (opts_.poll_timeout_s + 15) * 1000L, &stop_flag_);
      std::vector<Update> fresh;
      {
        auto db = dbs_.borrow();
        fresh = UpdateInbox::accept(*db, result);
      }
      dispatch(std::move(fresh));
      failures = 0;
      continue;
    } catch (const BotApiError& e) {
      if (stop_flag_) break;
      if (e.error_code == 409 && !webhook_deleted) {
        // A webhook is registered, so getUpdates is refused: polling mode means drop it.
        spdlog::warn("bot: a webhook is set although bot.mode = polling; deleting it");
        webhook_deleted = true;
        try {
          api_.call("deleteWebhook", nlohmann::json::object(), 20000, &stop_flag_);
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
    wait_stopping(std::chrono::milliseconds(backoff_delay_ms_random(kPollRetry, failures)));
  }
}

void BotService::harvest_loop() {
  // Batches are small so a wake-up after a delivery is served soon; due objects come in the
  // order they became due, so ones that keep failing wait their backoff and never block.
  constexpr int kBatch = 20;
  while (!stop_flag_) {
    FileIdHarvester::Round round;
    try {
      auto db = dbs_.borrow();
      round = harvester_->learn_due(*db, kBatch, stop_flag_);
      if (round.learnt > 0) spdlog::info("bot: learnt {} file id(s) through the index chat", round.learnt);
    } catch (const std::exception& e) {
      spdlog::warn("bot: file id learning: {}", e.what());
    }
    ++learning_rounds_;
    std::unique_lock lk(mu_);
    // A full batch: more may be due, go on at once (the index chat's pacing still applies).
    if (round.tried == kBatch) learn_now_ = true;
    cv_.wait_for(lk, std::chrono::seconds(opts_.harvest_interval_s), [&] { return stopping_ || learn_now_; });
    learn_now_ = false;
  }
}

int BotService::handle_webhook(const std::string& secret_header, const std::string& body) {
  if (opts_.mode != "webhook") return 403;
  if (opts_.webhook_secret.empty() || !constant_time_equal(secret_header, opts_.webhook_secret)) return 401;
  {
    std::lock_guard lk(mu_);
    if (!running_ || stopping_ || !ready_) return 503;  // Telegram retries later
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
