#include "bot/bot_delivery.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <iterator>

#include "bot/file_id_learning.hpp"
#include "bot/texts.hpp"
#include "db/database.hpp"
#include "util/clock.hpp"

namespace cmup::bot {
namespace {

using nlohmann::json;

const char* outcome_name(DeliveryResult::Outcome o) {
  switch (o) {
    case DeliveryResult::Outcome::Sent:
      return "sent";
    case DeliveryResult::Outcome::FallbackCopy:
      return "fallback_copy";
    case DeliveryResult::Outcome::NotAvailable:
      return "not_available";
    case DeliveryResult::Outcome::RateLimited:
      return "rate_limited";
    case DeliveryResult::Outcome::Failed:
      return "failed";
  }
  return "failed";
}

std::string valid_via(const std::string& via) {
  if (via == "deep_link" || via == "search" || via == "mini_app" || via == "api") return via;
  return "api";
}

}  // namespace

bool is_file_id_rejection(const BotApiError& e) {
  if (e.error_code != 400) return false;
  std::string d = e.description;
  std::transform(d.begin(), d.end(), d.begin(), [](unsigned char c) { return std::tolower(c); });
  // "wrong file identifier/HTTP URL specified", "wrong remote file identifier specified",
  // "file reference expired", "wrong type of the web page content", "FILE_ID_INVALID".
  return d.find("file") != std::string::npos || d.find("wrong type") != std::string::npos;
}

BotDelivery::BotDelivery(const BotOptions& opts, ResourcePool<SQLite::Database>& dbs, ApiSender& api,
                         std::function<void()> wake_learner)
    : opts_(opts), dbs_(dbs), api_(api), wake_learner_(std::move(wake_learner)) {}

std::string BotDelivery::caption_for(const VariantToSend& v, const StoredObject& o) const {
  CaptionInfo c = o.caption ? *o.caption : v.caption;
  c.part_no = o.part_no;
  c.part_count = o.part_count;
  return texts::caption(c);
}

DeliveryResult BotDelivery::deliver(const DeliveryRequest& req) {
  auto t0 = std::chrono::steady_clock::now();
  auto db = dbs_.borrow();
  DeliveryResult r;
  std::string error;
  try {
    if (daily_limit_reached(*db, req.user_id, opts_.daily_limit)) {
      r.outcome = DeliveryResult::Outcome::RateLimited;
      r.message = texts::daily_limit_reached(opts_.daily_limit);
    } else if (auto v = load_variant(*db, req.variant_id)) {
      r = deliver_variant(*db, req, *v);
    } else {
      r.outcome = DeliveryResult::Outcome::NotAvailable;
      r.message = texts::not_available();
    }
  } catch (const std::exception& e) {
    // A 403 (the user blocked the bot), the network, the database: the user gets a short
    // sentence, the operator the reason in the log and the deliveries row.
    spdlog::warn("bot: delivery of variant {} to chat {} failed: {}", req.variant_id, req.chat_id, e.what());
    error = e.what();
    r.outcome = DeliveryResult::Outcome::Failed;
    r.message = texts::send_failed();
  }
  auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  try {
    log_delivery(*db, DeliveryLogRow{req.user_id, req.chat_id, req.variant_id, valid_via(req.via),
                                     outcome_name(r.outcome), error, latency.count(), now_ms()});
  } catch (const std::exception& e) {
    spdlog::error("bot: cannot write the delivery log: {}", e.what());
  }
  return r;
}

DeliveryResult BotDelivery::deliver_variant(SQLite::Database& db, const DeliveryRequest& req,
                                            VariantToSend& v) {
  SendState st;
  for (size_t first = 0; first < v.parts.size(); first += kMediaGroupMax) {
    size_t count = std::min(kMediaGroupMax, v.parts.size() - first);
    send_batch(db, req.chat_id, v, first, count, st);
  }
  // The user has the file: now (in the background) learn the ids that were missing.
  if (st.used_copy && wake_learner_) wake_learner_();
  DeliveryResult r;
  r.outcome = st.used_copy ? DeliveryResult::Outcome::FallbackCopy : DeliveryResult::Outcome::Sent;
  r.parts_sent = st.parts_sent;
  return r;
}

int BotDelivery::send_parts(std::int64_t chat_id, VariantToSend& v, const std::atomic<bool>* cancel) {
  auto db = dbs_.borrow();
  SendState st;
  st.cancel = cancel;
  for (size_t first = 0; first < v.parts.size(); first += kMediaGroupMax)
    send_batch(*db, chat_id, v, first, std::min(kMediaGroupMax, v.parts.size() - first), st);
  return st.parts_sent;
}

void BotDelivery::send_batch(SQLite::Database& db, std::int64_t chat_id, VariantToSend& v, size_t first,
                             size_t count, SendState& st) {
  auto begin = v.parts.begin() + static_cast<std::ptrdiff_t>(first);
  auto end = begin + static_cast<std::ptrdiff_t>(count);
  bool all_known = std::all_of(begin, end, [](const StoredObject& o) { return !o.bot_file_id.empty(); });
  bool all_video = std::all_of(begin, end, [](const StoredObject& o) { return o.is_video(); });
  bool all_doc = std::none_of(begin, end, [](const StoredObject& o) { return o.is_video(); });

  if (all_known) {
    try {
      if (count == 1) {
        send_one(chat_id, v, *begin, st);
      } else if (all_video || all_doc) {
        json media = json::array();
        for (auto it = begin; it != end; ++it) {
          json m = {{"type", all_video ? "video" : "document"},
                    {"media", it->bot_file_id},
                    {"caption", caption_for(v, *it)}};
          if (all_video) {
            m["supports_streaming"] = true;
            if (it->duration_s) m["duration"] = static_cast<int>(*it->duration_s);
            if (it->width) m["width"] = *it->width;
            if (it->height) m["height"] = *it->height;
          }
          media.push_back(std::move(m));
        }
        json p = {{"chat_id", chat_id}, {"media", media}};
        if (opts_.protect_content) p["protect_content"] = true;
        api_.send(chat_id, "sendMediaGroup", p, st.cancel);
      } else {
        // Videos and documents cannot share an album: each goes alone, still in order.
        for (auto it = begin; it != end; ++it) {
          send_one(chat_id, v, *it, st);
          ++st.parts_sent;
        }
        return;
      }
      st.parts_sent += static_cast<int>(count);
      return;
    } catch (const BotApiError& e) {
      if (!is_file_id_rejection(e)) throw;
      spdlog::warn("bot: Telegram rejected a stored file id of variant {} ({}); sending by copyMessage",
                   v.variant_id, e.description);
    }
    // Which id of the batch was bad is not said: relearn them all after the copies went out.
    copy_batch(chat_id, v, begin, end, st);
    for (auto it = begin; it != end; ++it) forget_and_relearn(db, *it);
    return;
  }
  copy_batch(chat_id, v, begin, end, st);
}

void BotDelivery::copy_batch(std::int64_t chat_id, const VariantToSend& v,
                             std::vector<StoredObject>::const_iterator begin,
                             std::vector<StoredObject>::const_iterator end, SendState& st) {
  st.used_copy = true;
  // copyMessages takes one source chat and strictly increasing ids (Bot API); parts stored
  // otherwise go one by one, still in part order.
  bool one_call = std::distance(begin, end) > 1;
  for (auto it = begin; one_call && it != end; ++it)
    if (it->channel_id != begin->channel_id || (it != begin && it->message_id <= std::prev(it)->message_id))
      one_call = false;
  if (!one_call) {
    for (auto it = begin; it != end; ++it) {
      copy_one(chat_id, v, *it, st);
      ++st.parts_sent;
    }
    return;
  }
  json ids = json::array();
  for (auto it = begin; it != end; ++it) ids.push_back(it->message_id);
  // One call for every part: no per-part caption can be given, and the stored captions hold
  // coded names and nonces, so they are removed. The copies are separate messages (album
  // grouping is kept only for sources that were an album; stored parts never are).
  json p = {{"chat_id", chat_id},
            {"from_chat_id", begin->channel_id},
            {"message_ids", ids},
            {"remove_caption", true}};
  if (opts_.protect_content) p["protect_content"] = true;
  auto sent = api_.send(chat_id, "copyMessages", p, st.cancel);
  auto want = std::distance(begin, end);
  if (!sent.is_array() || static_cast<std::ptrdiff_t>(sent.size()) != want) {
    // Telegram skips messages it cannot find: the user got fewer parts than stored.
    throw BotApiError(400, "copyMessages sent " + std::to_string(sent.is_array() ? sent.size() : 0) + " of " +
                               std::to_string(want) +
                               " parts; a stored message is missing from its storage channel");
  }
  st.parts_sent += static_cast<int>(want);
}

void BotDelivery::send_one(std::int64_t chat_id, const VariantToSend& v, const StoredObject& o,
                           const SendState& st) {
  bool video = o.is_video();
  json p = {
      {"chat_id", chat_id}, {video ? "video" : "document", o.bot_file_id}, {"caption", caption_for(v, o)}};
  if (video) {
    p["supports_streaming"] = true;
    if (o.duration_s) p["duration"] = static_cast<int>(*o.duration_s);
    if (o.width) p["width"] = *o.width;
    if (o.height) p["height"] = *o.height;
  }
  if (opts_.protect_content) p["protect_content"] = true;
  api_.send(chat_id, video ? "sendVideo" : "sendDocument", p, st.cancel);
}

void BotDelivery::copy_one(std::int64_t chat_id, const VariantToSend& v, const StoredObject& o,
                           const SendState& st) {
  // The storage caption holds the coded name: the copy gets the user-facing one instead.
  json p = {{"chat_id", chat_id},
            {"from_chat_id", o.channel_id},
            {"message_id", o.message_id},
            {"caption", caption_for(v, o)}};
  if (opts_.protect_content) p["protect_content"] = true;
  api_.send(chat_id, "copyMessage", p, st.cancel);
}

void BotDelivery::forget_and_relearn(SQLite::Database& db, StoredObject& o) {
  // The bad id is dropped, so the next delivery copies at once instead of failing first;
  // the learner (after wake_learner_) or a channel_post brings a new one.
  db::write_tx(db, [&] {
    SQLite::Statement q(db, "UPDATE telegram_objects SET bot_file_id = NULL WHERE id = ?");
    q.bind(1, static_cast<int64_t>(o.id));
    q.exec();
    learning::relearn(db, o.id);
  });
  o.bot_file_id.clear();
}

}  // namespace cmup::bot
