// The Delivery implementation (src/bot/delivery.hpp): sends a stored variant by the bot's
// own file ids, falling back to copyMessage from the storage channel.
//
// Order of a delivery: daily limit -> load the variant (done, all parts present) -> learn
// missing bot file ids through the index chat when one is configured -> send: one part with
// sendVideo/sendDocument; several in sendMediaGroup batches of at most 10 ("Part i of N"
// captions; a batch of one goes alone). A file id Telegram rejects, or one still unknown, is
// replaced by copyMessage of that part (or batch, in order), and the bot then learns and
// stores a fresh id. Every call writes one `deliveries` row with its latency.
// Thread-safe: database connections come from a pool, Bot API calls from the ApiSender.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "bot/api_sender.hpp"
#include "bot/bot_catalog.hpp"
#include "bot/bot_options.hpp"
#include "bot/delivery.hpp"
#include "bot/file_id_harvester.hpp"
#include "bot/resource_pool.hpp"

namespace cmup::bot {

inline constexpr size_t kMediaGroupMax = 10;

class BotDelivery : public Delivery {
 public:
  BotDelivery(const BotOptions& opts, ResourcePool<SQLite::Database>& dbs, ApiSender& api);
  DeliveryResult deliver(const DeliveryRequest& req) override;

 private:
  struct SendState {
    int parts_sent = 0;
    bool used_copy = false;
  };
  DeliveryResult deliver_variant(SQLite::Database& db, const DeliveryRequest& req, VariantToSend& v);
  void send_batch(SQLite::Database& db, std::int64_t chat_id, VariantToSend& v, size_t first, size_t count,
                  SendState& st);
  void send_one(std::int64_t chat_id, const VariantToSend& v, const StoredObject& o);
  void copy_one(std::int64_t chat_id, const VariantToSend& v, const StoredObject& o);
  void forget_and_relearn(SQLite::Database& db, StoredObject& o);
  std::string caption_for(const VariantToSend& v, const StoredObject& o) const;

  BotOptions opts_;
  ResourcePool<SQLite::Database>& dbs_;
  ApiSender& api_;
  FileIdHarvester harvester_;
};

// Whether a Bot API error means "this file id cannot be used" (as opposed to the chat or
// the network): then copyMessage from the storage channel is the way out.
bool is_file_id_rejection(const BotApiError& e);

}  // namespace cmup::bot
