#include "bot/season_sender.hpp"

#include <spdlog/spdlog.h>

#include <optional>

#include "bot/bot_catalog.hpp"
#include "bot/bot_delivery.hpp"
#include "bot/texts.hpp"
#include "db/database.hpp"
#include "util/backoff.hpp"
#include "util/clock.hpp"

namespace cmup::bot {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// A network fault or a long 429: the send waits, then tries the same album again.
const BackoffPolicy kRetry{2, 120, 0.25};
// Recording an album that Telegram accepted: retried on a busy database, never re-sent.
constexpr int kRecordAttempts = 10;
const BackoffPolicy kRecordRetry{0.05, 2, 0.25};
// With nothing to send, the thread still looks every so often (a send another process opened).
constexpr auto kIdlePoll = 30s;

struct Counts {
  int parts = 0, remaining = 0, episodes = 0;
};

Counts counts_of(SQLite::Database& db, std::int64_t send_id) {
  SQLite::Statement q(db,
                      "SELECT count(*), sum(status = 'pending'), count(DISTINCT variant_id) "
                      "FROM season_send_items WHERE send_id = ?");
  q.bind(1, static_cast<int64_t>(send_id));
  q.executeStep();
  return {q.getColumn(0).getInt(), q.getColumn(1).isNull() ? 0 : q.getColumn(1).getInt(),
          q.getColumn(2).getInt()};
}

void set_state(SQLite::Database& db, std::int64_t id, const char* state, const std::string& error) {
  SQLite::Statement q(db, "UPDATE season_sends SET state = ?, last_error = ?, updated_at = ? WHERE id = ?");
  q.bind(1, state);
  if (error.empty()) {
    q.bind(2);
  } else {
    q.bind(2, error.substr(0, 500));
  }
  q.bind(3, static_cast<int64_t>(now_ms()));
  q.bind(4, static_cast<int64_t>(id));
  q.exec();
}

}  // namespace

std::vector<EpisodeVariants> stored_season(SQLite::Database& db, std::int64_t title_id, int season) {
  std::vector<EpisodeVariants> out;
  for (const auto& e : episodes(db, title_id, season)) {
    EpisodeVariants ev;
    ev.episode = e.episode;
    for (const auto& q : qualities(db, title_id, e.id))
      ev.variants.push_back({q.variant_id, q.quality, q.part_count});
    out.push_back(std::move(ev));
  }
  return out;
}

SeasonSender::SeasonSender(const BotOptions& opts, ResourcePool<SQLite::Database>& dbs, ApiSender& api,
                           BotDelivery& delivery)
    : opts_(opts), dbs_(dbs), api_(api), delivery_(delivery) {}

SeasonSender::~SeasonSender() { stop(); }

void SeasonSender::wake() {
  {
    std::lock_guard lk(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

SeasonStart SeasonSender::request_season(const SeasonAsk& ask) {
  auto db = dbs_.borrow();
  SeasonStart r;
  if (daily_limit_reached(*db, ask.user_id, opts_.daily_limit)) {
    r.outcome = SeasonStart::Outcome::RateLimited;
    r.message = texts::daily_limit_reached(opts_.daily_limit);
    return r;
  }
  auto title = title_by_id(*db, ask.season.title_id);
  if (!title || title->kind != "show") {
    r.message = texts::not_available();
    return r;
  }
  r = db::write_tx(*db, [&] {
    SeasonStart s;
    auto now = static_cast<int64_t>(now_ms());
    SQLite::Statement open(*db,
                           "SELECT id FROM season_sends WHERE chat_id = ? AND title_id = ? AND season = ? "
                           "AND state IN ('sending', 'blocked')");
    open.bind(1, static_cast<int64_t>(ask.chat_id));
    open.bind(2, static_cast<int64_t>(ask.season.title_id));
    open.bind(3, ask.season.season);
    if (open.executeStep()) {
      // Asked again: the same plan goes on from its next unsent part, nothing is sent twice.
      s.send_id = open.getColumn(0).getInt64();
      set_state(*db, s.send_id, "sending", "");
      s.outcome = SeasonStart::Outcome::Resumed;
    } else {
      auto plan = plan_season(stored_season(*db, ask.season.title_id, ask.season.season), ask.season.quality);
      if (plan.empty()) {
        s.message = texts::not_available();
        return s;
      }
      SQLite::Statement ins(
          *db,
          "INSERT INTO season_sends(user_id, chat_id, title_id, season, quality, via, state, "
          "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'sending', ?, ?)");
      ins.bind(1, static_cast<int64_t>(ask.user_id));
      ins.bind(2, static_cast<int64_t>(ask.chat_id));
      ins.bind(3, static_cast<int64_t>(ask.season.title_id));
      ins.bind(4, ask.season.season);
      ins.bind(5, ask.season.quality);
      ins.bind(6, ask.via);
      ins.bind(7, now);
      ins.bind(8, now);
      ins.exec();
      s.send_id = db->getLastInsertRowid();
      SQLite::Statement item(*db,
                             "INSERT INTO season_send_items(send_id, position, variant_id, part_no) "
                             "VALUES (?, ?, ?, ?)");
      for (size_t i = 0; i < plan.size(); ++i) {
        item.bind(1, static_cast<int64_t>(s.send_id));
        item.bind(2, static_cast<int64_t>(i));
        item.bind(3, static_cast<int64_t>(plan[i].variant_id));
        item.bind(4, plan[i].part_no);
        item.exec();
        item.reset();
      }
      s.outcome = SeasonStart::Outcome::Started;
    }
    auto c = counts_of(*db, s.send_id);
    s.parts = c.parts;
    s.remaining = c.remaining;
    s.episodes = c.episodes;
    return s;
  });
  if (r.outcome == SeasonStart::Outcome::Started || r.outcome == SeasonStart::Outcome::Resumed) {
    // Said before the first album can leave, so the user reads what is coming first.
    auto text = r.outcome == SeasonStart::Outcome::Started
                    ? texts::season_starting(title->title, ask.season.season, r.episodes, r.parts)
                    : texts::season_resuming(title->title, ask.season.season, r.remaining);
    try {
      api_.send(ask.chat_id, "sendMessage", {{"chat_id", ask.chat_id}, {"text", text}});
    } catch (const BotApiError& e) {
      spdlog::info("bot: season {} announcement to chat {}: {}", r.send_id, ask.chat_id, e.description);
    }
    {
      std::lock_guard lk(mu_);
      not_before_.erase(r.send_id);
      failures_.erase(r.send_id);
    }
    wake();
  }
  return r;
}

int SeasonSender::resume_chat(std::int64_t chat_id) {
  auto db = dbs_.borrow();
  // Every message of every user passes here: a read first, so the common case writes nothing.
  {
    SQLite::Statement any(*db, "SELECT 1 FROM season_sends WHERE chat_id = ? AND state = 'blocked' LIMIT 1");
    any.bind(1, static_cast<int64_t>(chat_id));
    if (!any.executeStep()) return 0;
  }  // (closed before the write: an open read would pin an old snapshot)
  SQLite::Statement q(*db,
                      "UPDATE season_sends SET state = 'sending', last_error = NULL, updated_at = ? "
                      "WHERE chat_id = ? AND state = 'blocked'");
  q.bind(1, static_cast<int64_t>(now_ms()));
  q.bind(2, static_cast<int64_t>(chat_id));
  int n = q.exec();
  if (n > 0) {
    spdlog::info("bot: chat {} is reachable again; resuming {} season send(s)", chat_id, n);
    wake();
  }
  return n;
}

void SeasonSender::start() {
  std::lock_guard lk(mu_);
  if (running_) return;
  running_ = true;
  stopping_ = false;
  cancel_ = false;
  thread_ = std::thread([this] { loop(); });
}

void SeasonSender::stop() {
  {
    std::lock_guard lk(mu_);
    if (!running_) return;
    stopping_ = true;
    cancel_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lk(mu_);
  running_ = false;
}

void SeasonSender::loop() {
  for (;;) {
    std::int64_t id = 0, chat = 0;
    auto wake_at = steady::now() + kIdlePoll;
    try {
      auto db = dbs_.borrow();
      // Oldest progress first: the open sends take turns, one album each.
      SQLite::Statement q(
          *db, "SELECT id, chat_id FROM season_sends WHERE state = 'sending' ORDER BY updated_at, id");
      std::lock_guard lk(mu_);
      while (q.executeStep()) {
        auto sid = q.getColumn(0).getInt64();
        auto it = not_before_.find(sid);
        if (it == not_before_.end() || it->second <= steady::now()) {
          id = sid;
          chat = q.getColumn(1).getInt64();
          break;
        }
        wake_at = std::min(wake_at, it->second);
      }
    } catch (const std::exception& e) {
      spdlog::warn("bot: season sends: {}", e.what());
    }
    if (id != 0) {
      try {
        auto db = dbs_.borrow();
        step(*db, id, chat);
      } catch (const std::exception& e) {
        if (cancel_) return;  // stopping: the album is sent again (or first) after the restart
        spdlog::warn("bot: season send {}: {}", id, e.what());
        std::lock_guard lk(mu_);
        not_before_[id] =
            steady::now() + std::chrono::milliseconds(backoff_delay_ms_random(kRetry, ++failures_[id]));
      }
    }
    std::unique_lock lk(mu_);
    if (stopping_) return;
    if (id == 0) cv_.wait_until(lk, wake_at, [&] { return stopping_ || woken_; });
    woken_ = false;
    if (stopping_) return;
  }
}

void SeasonSender::step(SQLite::Database& db, std::int64_t id, std::int64_t chat_id) {
  struct Item {
    std::int64_t position = 0, variant_id = 0;
    int part_no = 1;
  };
  std::vector<Item> items;
  {
    SQLite::Statement q(db,
                        "SELECT position, variant_id, part_no FROM season_send_items "
                        "WHERE send_id = ? AND status = 'pending' ORDER BY position LIMIT ?");
    q.bind(1, static_cast<int64_t>(id));
    q.bind(2, static_cast<int>(kAlbumMax));
    while (q.executeStep())
      items.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt()});
  }
  std::int64_t user_id = 0;
  std::string via, title;
  int season = 0;
  {
    // Read and closed before anything is sent: a statement left open would keep a read
    // snapshot that the write after the send could not upgrade (SQLITE_BUSY_SNAPSHOT).
    SQLite::Statement info(db,
                           "SELECT s.user_id, s.via, s.season, t.title FROM season_sends s "
                           "JOIN titles t ON t.id = s.title_id WHERE s.id = ?");
    info.bind(1, static_cast<int64_t>(id));
    if (!info.executeStep()) throw std::runtime_error("season send " + std::to_string(id) + " vanished");
    user_id = info.getColumn(0).getInt64();
    via = info.getColumn(1).getString();
    season = info.getColumn(2).getInt();
    title = info.getColumn(3).getString();
  }

  if (items.empty()) {
    auto c = counts_of(db, id);
    set_state(db, id, "done", "");
    spdlog::info("bot: season send {} to chat {} done ({} part(s))", id, chat_id, c.parts);
    try {
      api_.send(chat_id, "sendMessage", {{"chat_id", chat_id}, {"text", texts::season_done(title, season)}},
                &cancel_);
    } catch (const BotApiError& e) {
      spdlog::debug("bot: season {} done message: {}", id, e.description);
    }
    return;
  }

  // The parts as stored now: a variant re-queued since the plan (cmup audit) is skipped.
  std::map<std::int64_t, std::optional<VariantToSend>> variants;
  VariantToSend batch;
  std::vector<PartToSend> kinds;
  std::vector<std::int64_t> positions, skipped, variant_of;
  for (const auto& it : items) {
    auto& v = variants[it.variant_id];
    if (!v) v = load_variant(db, it.variant_id);
    if (!v || it.part_no > static_cast<int>(v->parts.size())) {
      skipped.push_back(it.position);
      if (!batch.parts.empty()) break;
      continue;
    }
    StoredObject o = v->parts[static_cast<size_t>(it.part_no - 1)];
    o.caption = v->caption;
    kinds.push_back({o.is_video(), !o.bot_file_id.empty()});
    batch.parts.push_back(std::move(o));
    positions.push_back(it.position);
    variant_of.push_back(it.variant_id);
  }
  size_t n = album_size(kinds);
  batch.parts.resize(n);
  positions.resize(n);
  if (!batch.parts.empty()) batch.variant_id = items.front().variant_id;

  try {
    if (n > 0) delivery_.send_parts(chat_id, batch, &cancel_);
  } catch (const BotApiError& e) {
    if (e.error_code == 403) {
      spdlog::info("bot: season send {} stopped: chat {} blocked the bot ({})", id, chat_id, e.description);
      set_state(db, id, "blocked", e.description);
      return;
    }
    if (e.error_code == 0 || e.error_code == 429 || e.error_code >= 500) throw;  // backoff, same album again
    spdlog::warn("bot: season send {} to chat {} failed: {}", id, chat_id, e.description);
    set_state(db, id, "failed", e.description);
    return;
  }
  // Telegram has the album: recording that must not fail into a resend (a duplicate), so a
  // busy database is waited out here rather than by sending the album again.
  auto record = [&] {
    auto now = static_cast<int64_t>(now_ms());
    SQLite::Statement mark(
        db, "UPDATE season_send_items SET status = ?, sent_at = ? WHERE send_id = ? AND position = ?");
    auto set = [&](std::int64_t pos, const char* status) {
      mark.bind(1, status);
      mark.bind(2, now);
      mark.bind(3, static_cast<int64_t>(id));
      mark.bind(4, static_cast<int64_t>(pos));
      mark.exec();
      mark.reset();
    };
    for (auto p : positions) set(p, "sent");
    for (auto p : skipped) set(p, "skipped");
    SQLite::Statement touch(db, "UPDATE season_sends SET updated_at = ? WHERE id = ?");
    touch.bind(1, now);
    touch.bind(2, static_cast<int64_t>(id));
    touch.exec();
    // One deliveries row per episode file, when its last part went out (daily limits, status).
    for (size_t i = 0; i < n; ++i) {
      const auto& o = batch.parts[i];
      if (o.part_no == o.part_count)
        log_delivery(db, DeliveryLogRow{user_id, chat_id, variant_of[i], via,
                                        o.bot_file_id.empty() ? "fallback_copy" : "sent", "", 0, now});
    }
  };
  for (int attempt = 1;; ++attempt) {
    try {
      db::write_tx(db, record);
      break;
    } catch (const SQLite::Exception& e) {
      if (attempt == kRecordAttempts) throw;
      spdlog::warn("bot: season send {}: recording sent parts: {}; trying again", id, e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(backoff_delay_ms_random(kRecordRetry, attempt)));
    }
  }
  std::lock_guard lk(mu_);
  failures_.erase(id);
  // Telegram counts each album item as a message: leave the chat alone accordingly.
  double rate = opts_.limits.chat_per_s > 0 ? opts_.limits.chat_per_s : 1.0;
  not_before_[id] = steady::now() + std::chrono::milliseconds(static_cast<std::int64_t>(1000.0 * n / rate));
}

}  // namespace cmup::bot
