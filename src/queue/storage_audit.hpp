// `cmup audit`: do the stored Telegram messages still exist? (issue 17)
//
// A bot cannot read a channel's history (TELEGRAM.md); the one way it can look at a known
// message id is to forward (or copy) it. So the audit forwards each stored message, as the
// delivery bot, into the bot's own check chat (bot.index_chat_id), compares the file it
// carries with the stored file_unique_id, and deletes the forwarded copy again.
//
// Contract: run() checks at most `limit` objects of done variants, never-checked first, then
// the longest unchecked, and paces its forwards into the check chat at per_minute
// (telegram/message_pacer.hpp on the given clock; Telegram allows a group or channel about 20
// messages a minute; a 429 blocks the chat for its retry_after and the object is checked
// again). Per object, in one write transaction:
//   - intact: audited_at = now (and the bot's file id stored when it had none);
//   - lost ("message to forward not found", or the message now holds another file): a
//     lost_objects row, and its variant re-queued for upload (requeue_variant_in_tx with
//     reupload: the telegram_objects rows go, workers upload the variant again);
//   - any other refusal is not a loss: a channel the bot cannot read is reported once and
//     its other objects are skipped this run; an unreachable Bot API ends the run.
// With dry_run nothing is written. run() throws std::runtime_error only for setup faults
// (no check chat); what it found is in the report. Not thread-safe: one run at a time.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "telegram/bot_api.hpp"
#include "telegram/message_pacer.hpp"

namespace cmup {

struct AuditOptions {
  int limit = 200;                 // objects checked in this run
  double per_minute = 20;          // forwards into the check chat per minute
  std::int64_t check_chat_id = 0;  // where the bot forwards (bot.index_chat_id)
  bool dry_run = false;            // report only
};

struct AuditFinding {
  std::int64_t object_id = 0;
  std::int64_t variant_id = 0;
  std::string coded_name;
  int part_no = 1, part_count = 1;
  std::int64_t channel_id = 0, message_id = 0;
  std::string reason;
  bool requeued = false;
};

struct AuditReport {
  int checked = 0, intact = 0, lost = 0, errors = 0;
  int skipped = 0;             // objects of channels the bot could not read, or of re-queued variants
  int never_checked_left = 0;  // objects of done variants the audit has never seen, after this run
  std::vector<AuditFinding> lost_objects;
  std::vector<std::string> problems;  // what went wrong that is not a loss, with the next step
  bool stopped_early = false;         // the Bot API could not be reached
  nlohmann::json to_json() const;
  std::string to_text() const;
};

// What one forward told about one stored message.
struct CheckVerdict {
  enum class Kind { Intact, Lost, RetryAfter, ChannelProblem, Unreachable, OtherError };
  Kind kind = Kind::OtherError;
  std::string detail;                     // the reason (Lost) or Telegram's description
  int retry_after_s = 0;                  // RetryAfter
  std::string file_id;                    // Intact: the bot's own file id, from the forwarded message
  std::int64_t forwarded_message_id = 0;  // Intact or Lost by content: the copy to delete
};
// The verdict for a forwardMessage reply (`message`) or its error; pure, for the unit tests.
CheckVerdict verdict_of_forward(const nlohmann::json& message, const std::string& expected_unique_id);
CheckVerdict verdict_of_error(const BotApiError& e);

class StorageAudit {
 public:
  StorageAudit(SQLite::Database& db, BotApiClient& api, AuditOptions opts, PacerClock& clock);
  AuditReport run();

 private:
  struct Object {
    std::int64_t id = 0, variant_id = 0, channel_id = 0, message_id = 0;
    int part_no = 1, part_count = 1;
    std::string coded_name, file_unique_id;
    bool has_bot_file_id = false;
  };
  std::vector<Object> next_objects();
  CheckVerdict check(const Object& o);
  void record_intact(const Object& o, const CheckVerdict& v);
  AuditFinding record_lost(const Object& o, const std::string& reason);
  int count_never_checked();

  SQLite::Database& db_;
  BotApiClient& api_;
  AuditOptions opts_;
  PacerClock& clock_;
};

}  // namespace cmup
