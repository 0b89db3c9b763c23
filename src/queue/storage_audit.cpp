#include "queue/storage_audit.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>

#include "db/database.hpp"
#include "db/job_state.hpp"
#include "queue/queue_admin.hpp"
#include "util/clock.hpp"

namespace cmup {
namespace {

using nlohmann::json;

// A 429 is waited out this many times for one object before the run gives up on it.
constexpr int kMaxRetriesPerObject = 5;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool contains(const std::string& haystack, const char* needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

CheckVerdict verdict_of_forward(const json& message, const std::string& expected_unique_id) {
  CheckVerdict v;
  v.forwarded_message_id = message.is_object() ? message.value("message_id", std::int64_t{0}) : 0;
  for (const char* key : {"video", "document"}) {
    if (!message.is_object() || !message.contains(key) || !message[key].is_object()) continue;
    const json& f = message[key];
    std::string uid = f.value("file_unique_id", "");
    if (uid == expected_unique_id) {
      v.kind = CheckVerdict::Kind::Intact;
      v.file_id = f.value("file_id", "");
      return v;
    }
    v.kind = CheckVerdict::Kind::Lost;
    v.detail = "the message now holds another file (file_unique_id " + uid + ")";
    return v;
  }
  v.kind = CheckVerdict::Kind::Lost;
  v.detail = "the message holds no video or document any more";
  return v;
}

CheckVerdict verdict_of_error(const BotApiError& e) {
  CheckVerdict v;
  v.detail = e.description;
  std::string d = lower(e.description);
  if (e.error_code == 429) {
    v.kind = CheckVerdict::Kind::RetryAfter;
    v.retry_after_s = std::max(1, e.retry_after);
  } else if (e.error_code == 0 || e.error_code >= 500) {
    v.kind = CheckVerdict::Kind::Unreachable;
  } else if (e.error_code == 400 && (contains(d, "message to forward not found") ||
                                     contains(d, "message_id_invalid") || contains(d, "message not found"))) {
    // The channel answered, the message is gone (deleted by someone, or never there).
    v.kind = CheckVerdict::Kind::Lost;
    v.detail = "message not found in the storage channel";
  } else if (e.error_code == 403 || contains(d, "chat not found") || contains(d, "rights") ||
             contains(d, "not a member")) {
    v.kind = CheckVerdict::Kind::ChannelProblem;
  } else {
    v.kind = CheckVerdict::Kind::OtherError;
  }
  return v;
}

StorageAudit::StorageAudit(SQLite::Database& db, BotApiClient& api, AuditOptions opts, PacerClock& clock)
    : db_(db), api_(api), opts_(opts), clock_(clock) {}

std::vector<StorageAudit::Object> StorageAudit::next_objects() {
  SQLite::Statement q(
      db_, state_sql("SELECT o.id, o.variant_id, o.channel_id, o.message_id, o.part_no, o.part_count, "
                     "v.coded_name, o.file_unique_id, o.bot_file_id IS NOT NULL "
                     "FROM telegram_objects o JOIN upload_variants v ON v.id = o.variant_id "
                     "WHERE v.state = {done} ORDER BY ifnull(o.audited_at, 0), o.id LIMIT ?"));
  q.bind(1, opts_.limit);
  std::vector<Object> out;
  while (q.executeStep()) {
    Object o;
    o.id = q.getColumn(0).getInt64();
    o.variant_id = q.getColumn(1).getInt64();
    o.channel_id = q.getColumn(2).getInt64();
    o.message_id = q.getColumn(3).getInt64();
    o.part_no = q.getColumn(4).getInt();
    o.part_count = q.getColumn(5).getInt();
    o.coded_name = q.getColumn(6).getString();
    o.file_unique_id = q.getColumn(7).getString();
    o.has_bot_file_id = q.getColumn(8).getInt() != 0;
    out.push_back(std::move(o));
  }
  return out;
}

int StorageAudit::count_never_checked() {
  SQLite::Statement q(db_, state_sql("SELECT count(*) FROM telegram_objects o JOIN upload_variants v ON "
                                     "v.id = o.variant_id WHERE v.state = {done} AND o.audited_at IS NULL"));
  q.executeStep();
  return q.getColumn(0).getInt();
}

CheckVerdict StorageAudit::check(const Object& o) {
  CheckVerdict v;
  try {
    json msg = api_.call("forwardMessage", {{"chat_id", opts_.check_chat_id},
                                            {"from_chat_id", o.channel_id},
                                            {"message_id", o.message_id},
                                            {"disable_notification", true}});
    v = verdict_of_forward(msg, o.file_unique_id);
  } catch (const BotApiError& e) {
    return verdict_of_error(e);
  }
  // The copy has served its purpose; the check chat should not fill up with audits. A copy
  // that cannot be deleted is harmless (the check chat is the bot's own).
  if (v.forwarded_message_id > 0) {
    try {
      api_.call("deleteMessage", {{"chat_id", opts_.check_chat_id}, {"message_id", v.forwarded_message_id}});
    } catch (const BotApiError& e) {
      spdlog::debug("audit: cannot delete the check copy {}: {}", v.forwarded_message_id, e.description);
    }
  }
  return v;
}

void StorageAudit::record_intact(const Object& o, const CheckVerdict& v) {
  db::write_tx(db_, [&] {
    SQLite::Statement q(db_,
                        "UPDATE telegram_objects SET audited_at = ?, "
                        "bot_file_id = CASE WHEN bot_file_id IS NULL AND ? <> '' THEN ? ELSE bot_file_id END "
                        "WHERE id = ?");
    q.bind(1, static_cast<int64_t>(now_ms()));
    q.bind(2, v.file_id);
    q.bind(3, v.file_id);
    q.bind(4, static_cast<int64_t>(o.id));
    q.exec();
  });
}

AuditFinding StorageAudit::record_lost(const Object& o, const std::string& reason) {
  AuditFinding f{o.id,         o.variant_id, o.coded_name, o.part_no, o.part_count,
                 o.channel_id, o.message_id, reason,       false};
  if (opts_.dry_run) return f;
  db::write_tx(db_, [&] {
    // The variant may have moved on since the sweep began (an operator's requeue): re-queue
    // only a variant that is still done, and record the loss either way.
    auto r = requeue_variant_in_tx(db_, std::to_string(o.variant_id), /*reupload=*/true, /*force=*/false);
    f.requeued = r.requeued;
    SQLite::Statement q(db_,
                        "INSERT INTO lost_objects(variant_id, part_no, part_count, channel_id, message_id, "
                        "file_unique_id, reason, requeued, found_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, static_cast<int64_t>(o.variant_id));
    q.bind(2, o.part_no);
    q.bind(3, o.part_count);
    q.bind(4, static_cast<int64_t>(o.channel_id));
    q.bind(5, static_cast<int64_t>(o.message_id));
    q.bind(6, o.file_unique_id);
    q.bind(7, reason.substr(0, 512));
    q.bind(8, f.requeued ? 1 : 0);
    q.bind(9, static_cast<int64_t>(now_ms()));
    q.exec();
  });
  return f;
}

AuditReport StorageAudit::run() {
  if (opts_.check_chat_id == 0)
    throw std::runtime_error(
        "the audit needs a chat of the bot's own to forward into: set bot.index_chat_id (a private channel "
        "where the bot is an admin) or pass --chat");
  if (opts_.limit < 1) throw std::runtime_error("--limit must be at least 1");
  if (!(opts_.per_minute > 0)) throw std::runtime_error("--per-minute must be above 0");
  // Every forward lands in the one check chat, at the operator's pace (no burst); the
  // group-minute rule is left to that pace (--per-minute says what Telegram allows).
  MessagePacer pacer(PacingLimits{0, opts_.per_minute / 60.0, 1, 0}, clock_);

  AuditReport rep;
  std::set<std::int64_t> bad_channels, requeued_variants;
  for (const Object& o : next_objects()) {
    if (bad_channels.count(o.channel_id) || requeued_variants.count(o.variant_id)) {
      ++rep.skipped;
      continue;
    }
    CheckVerdict v;
    for (int attempt = 0;; ++attempt) {
      pacer.acquire(opts_.check_chat_id);
      v = check(o);
      if (v.kind != CheckVerdict::Kind::RetryAfter || attempt == kMaxRetriesPerObject) break;
      spdlog::info("audit: Telegram asks to wait {} s", v.retry_after_s);
      pacer.block_chat(opts_.check_chat_id, clock_.now_us() + std::int64_t{v.retry_after_s} * 1'000'000);
    }
    switch (v.kind) {
      case CheckVerdict::Kind::Intact:
        ++rep.checked;
        ++rep.intact;
        if (!opts_.dry_run) record_intact(o, v);
        break;
      case CheckVerdict::Kind::Lost: {
        ++rep.checked;
        ++rep.lost;
        auto f = record_lost(o, v.detail);
        if (f.requeued) requeued_variants.insert(o.variant_id);
        spdlog::warn("audit: {} part {} (channel {}, message {}) is lost: {}{}", o.coded_name, o.part_no,
                     o.channel_id, o.message_id, v.detail, f.requeued ? "; re-queued for upload" : "");
        rep.lost_objects.push_back(std::move(f));
        break;
      }
      case CheckVerdict::Kind::ChannelProblem:
        ++rep.errors;
        bad_channels.insert(o.channel_id);
        rep.problems.push_back(fmt::format(
            "channel {}: {} (its objects were skipped; the bot must be an admin of every storage channel and "
            "of the check chat {}: run `cmup doctor`)",
            o.channel_id, v.detail, opts_.check_chat_id));
        break;
      case CheckVerdict::Kind::Unreachable:
        ++rep.errors;
        rep.stopped_early = true;
        rep.problems.push_back("cannot reach the Bot API (" + v.detail +
                               "): check bot.api_url and the network, then run `cmup audit` again");
        break;
      case CheckVerdict::Kind::RetryAfter:
      case CheckVerdict::Kind::OtherError:
        ++rep.errors;
        rep.problems.push_back(fmt::format("{} part {} (channel {}, message {}): {}", o.coded_name, o.part_no,
                                           o.channel_id, o.message_id, v.detail));
        break;
    }
    if (rep.stopped_early) break;
  }
  rep.never_checked_left = count_never_checked();
  return rep;
}

json AuditReport::to_json() const {
  json lost_list = json::array();
  for (const auto& f : lost_objects)
    lost_list.push_back({{"object_id", f.object_id},
                         {"variant_id", f.variant_id},
                         {"coded_name", f.coded_name},
                         {"part_no", f.part_no},
                         {"part_count", f.part_count},
                         {"channel_id", f.channel_id},
                         {"message_id", f.message_id},
                         {"reason", f.reason},
                         {"requeued", f.requeued}});
  return {{"checked", checked},
          {"intact", intact},
          {"lost", lost},
          {"errors", errors},
          {"skipped", skipped},
          {"never_checked_left", never_checked_left},
          {"stopped_early", stopped_early},
          {"lost_objects", lost_list},
          {"problems", problems}};
}

std::string AuditReport::to_text() const {
  std::string s = fmt::format("checked {} stored message(s): {} intact, {} lost", checked, intact, lost);
  if (errors) s += fmt::format(", {} error(s)", errors);
  if (skipped) s += fmt::format(", {} skipped", skipped);
  s += "\n";
  for (const auto& f : lost_objects)
    s += fmt::format("  lost: {} part {}/{} (channel {}, message {}): {}{}\n", f.coded_name, f.part_no,
                     f.part_count, f.channel_id, f.message_id, f.reason,
                     f.requeued ? " -> re-queued for upload" : " (not re-queued)");
  for (const auto& p : problems) s += "  problem: " + p + "\n";
  s += fmt::format("{} stored message(s) never checked yet{}\n", never_checked_left,
                   never_checked_left ? ": run `cmup audit` again to go on" : "");
  return s;
}

}  // namespace cmup
