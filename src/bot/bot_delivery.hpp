// The Delivery implementation (src/bot/delivery.hpp): sends a stored variant by the bot's
// own file ids, falling back to copyMessage from the storage channel.
//
// Order of a delivery: daily limit -> load the variant (done, all parts present) -> send at
// once, never waiting for learning: a batch whose bot file ids are all known goes by file id
// (one part with sendVideo/sendDocument; several in sendMediaGroup albums of at most 10 with
// "Part i of N" captions); a batch with an id still unknown is copied from the storage channel
// (one part: copyMessage with the user-facing caption; several: one copyMessages call, in part
// order, captions removed since the stored ones hold coded names; parts that cannot go in one
// call go one copyMessage each, in order). A file id Telegram rejects is replaced the same way
// and marked for re-learning. After a copy, the learner (`wake_learner`) is told to learn the
// missing ids in the background (FileIdHarvester), so the next delivery goes by file id.
// Every call writes one `deliveries` row with its latency.
// Thread-safe: database connections come from a pool, Bot API calls from the ApiSender.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "bot/api_sender.hpp"
#include "bot/bot_catalog.hpp"
#include "bot/bot_options.hpp"
#include "bot/delivery.hpp"
#include "bot/resource_pool.hpp"

namespace cmup::bot {

inline constexpr size_t kMediaGroupMax = 10;

class BotDelivery : public Delivery {
 public:
  // `wake_learner` is called (from the delivering thread, after the send) when a part went
  // without the bot's own file id; it must not block.
  BotDelivery(const BotOptions& opts, ResourcePool<SQLite::Database>& dbs, ApiSender& api,
              std::function<void()> wake_learner = {});
  DeliveryResult deliver(const DeliveryRequest& req) override;
  // Sends `v.parts` in order as deliver() sends a variant's parts (albums of up to 10 by file
  // id, copyMessage for a part without one), without the daily limit, the learning step or a
  // deliveries row. Throws BotApiError (403: the user blocked the bot) to the caller, who
  // keeps its own progress (the season sender). Returns the parts sent. Once `cancel` is set
  // (by another thread), a paced or 429 wait ends and the call in flight is abandoned
  // (BotApiError code 0), as ApiSender::send describes.
  int send_parts(std::int64_t chat_id, VariantToSend& v, const std::atomic<bool>* cancel = nullptr);

 private:
  struct SendState {
    int parts_sent = 0;
    bool used_copy = false;
    const std::atomic<bool>* cancel = nullptr;  // passed to every ApiSender::send
  };
  DeliveryResult deliver_variant(SQLite::Database& db, const DeliveryRequest& req, VariantToSend& v);
  void send_batch(SQLite::Database& db, std::int64_t chat_id, VariantToSend& v, size_t first, size_t count,
                  SendState& st);
  void send_one(std::int64_t chat_id, const VariantToSend& v, const StoredObject& o, const SendState& st);
  void copy_batch(std::int64_t chat_id, const VariantToSend& v,
                  std::vector<StoredObject>::const_iterator begin,
                  std::vector<StoredObject>::const_iterator end, SendState& st);
  void copy_one(std::int64_t chat_id, const VariantToSend& v, const StoredObject& o, const SendState& st);
  void forget_and_relearn(SQLite::Database& db, StoredObject& o);
  std::string caption_for(const VariantToSend& v, const StoredObject& o) const;

  BotOptions opts_;
  ResourcePool<SQLite::Database>& dbs_;
  ApiSender& api_;
  std::function<void()> wake_learner_;
};

// Whether a Bot API error means "this file id cannot be used" (as opposed to the chat or
// the network): then copyMessage from the storage channel is the way out.
bool is_file_id_rejection(const BotApiError& e);

}  // namespace cmup::bot
