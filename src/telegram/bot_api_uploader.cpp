#include "telegram/bot_api_uploader.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "catalog/coded_name.hpp"
#include "telegram/bot_reply.hpp"
#include "util/config.hpp"

namespace cmup {

namespace {

bool truthy(const std::string& v) { return v == "true" || v == "1" || v == "yes"; }

std::string extra(const AccountConfig& a, const std::string& key) {
  auto it = a.extra.find(key);
  return it == a.extra.end() ? "" : it->second;
}

std::string file_uri(const std::filesystem::path& p) {
  // Telegram reads a bare "/abs/path" as a file_id; only the URI form is a local file.
  return "file://" + std::filesystem::absolute(p).lexically_normal().string();
}

}  // namespace

BotApiUploaderOptions BotApiUploaderOptions::from_config(const AccountConfig& account, const Config& config) {
  BotApiUploaderOptions o;
  o.account = account.name;
  o.token = account.token;
  o.base_url = account.api_url.empty() ? config.str("telegram.bot_api_url") : account.api_url;
  o.max_upload_bytes =
      account.max_upload_bytes > 0 ? account.max_upload_bytes : account_kind_limit(account.kind);
  std::string local = extra(account, "local_file_uri");
  o.local_file_uri = account.kind == "local_bot" &&
                     (local.empty() ? config.boolean("telegram.local_file_uri") : truthy(local));
  std::string index = extra(account, "index_chat_id");
  o.index_chat_id = config.integer("telegram.index_chat_id");
  if (!index.empty()) {
    // An integer in TOML arrives here as its decimal text; anything else is a mistake.
    char* end = nullptr;
    o.index_chat_id = std::strtoll(index.c_str(), &end, 10);
    if (!end || *end != '\0')
      throw ConfigError("account " + account.name +
                        ": index_chat_id must be a chat id (a number such as -100...)");
  }
  o.probe_max_missing = static_cast<int>(config.integer("telegram.probe_max_missing"));
  o.probe_max_messages = static_cast<int>(config.integer("telegram.probe_max_messages"));
  o.stall_timeout_s = static_cast<long>(config.integer("telegram.upload_stall_timeout_s"));
  return o;
}

BotApiUploader::BotApiUploader(BotApiUploaderOptions opts)
    : opts_(std::move(opts)), client_(opts_.base_url, opts_.token, opts_.call_timeout_ms) {
  if (opts_.token.empty())
    throw std::runtime_error("account " + opts_.account +
                             ": no bot token (set token in [[accounts]] or CMUP_ACCOUNT_<NAME>_TOKEN)");
}

UploadErrorContext BotApiUploader::context(std::int64_t channel_id, std::int64_t size) const {
  return UploadErrorContext{opts_.account, channel_id, size, opts_.max_upload_bytes};
}

UploadResult BotApiUploader::upload(const UploadFile& file, std::int64_t channel_id,
                                    const ProgressFn& progress) {
  const char* method = file.as_video ? "sendVideo" : "sendDocument";
  const char* field = file.as_video ? "video" : "document";
  std::int64_t size = file.bytes.size;
  if (file.bytes.is_file()) {
    std::error_code ec;
    size = static_cast<std::int64_t>(std::filesystem::file_size(file.bytes.file, ec));
    if (ec)
      throw UploadError(UploadError::Kind::Transient, "account " + opts_.account + ": cannot read " +
                                                          file.bytes.file.string() + ": " + ec.message());
  }
  if (size > opts_.max_upload_bytes)
    throw UploadError(UploadError::Kind::TooBig,
                      "account " + opts_.account + ": " + file.file_name + " has " + std::to_string(size) +
                          " bytes, above this account's limit of " + std::to_string(opts_.max_upload_bytes),
                      0, opts_.max_upload_bytes);

  // Bot API replies are small; a runaway body is not one.
  constexpr std::size_t kMaxReplyBytes = 16u << 20;
  HttpRequest req;
  req.method = "POST";
  req.url = client_.method_url(method);
  req.timeout_ms = 0;  // a large file takes what it takes; the stall limit ends a dead upload
  req.low_speed_bytes = 1;
  req.low_speed_time_s = opts_.stall_timeout_s;
  req.max_body_bytes = kMaxReplyBytes;
  req.form.push_back(HttpFormPart::text("chat_id", std::to_string(channel_id)));
  req.form.push_back(HttpFormPart::text("caption", file.caption));
  if (file.duration_s > 0)
    req.form.push_back(HttpFormPart::text("duration", std::to_string(std::lround(file.duration_s))));
  if (file.width > 0) req.form.push_back(HttpFormPart::text("width", std::to_string(file.width)));
  if (file.height > 0) req.form.push_back(HttpFormPart::text("height", std::to_string(file.height)));
  if (file.as_video) req.form.push_back(HttpFormPart::text("supports_streaming", "true"));
  req.form.push_back(HttpFormPart::text("disable_notification", "true"));
  const bool by_uri = opts_.local_file_uri && file.bytes.is_file();
  if (by_uri) req.form.push_back(HttpFormPart::text(field, file_uri(file.bytes.file)));
  std::int64_t thumb_bytes = 0;
  if (!file.thumbnail_path.empty() && std::filesystem::exists(file.thumbnail_path)) {
    ByteSource thumb;
    thumb.file = file.thumbnail_path;
    std::error_code ec;
    thumb_bytes = by_uri ? 0 : static_cast<std::int64_t>(std::filesystem::file_size(thumb.file, ec));
    req.form.push_back(HttpFormPart::bytes("thumbnail", "thumb.jpg", "image/jpeg", std::move(thumb)));
  }
  if (!by_uri) {
    ByteSource bytes = file.bytes;
    bytes.size = size;
    req.form.push_back(HttpFormPart::bytes(field, file.file_name, file.mime_type, std::move(bytes)));
  }

  // Thumbnail bytes count too, but they are tiny; progress is about the file.
  if (progress) {
    req.upload_progress = [&progress, thumb_bytes, size](const Progress& p) {
      Progress q = p;
      q.bytes_done = std::max<std::int64_t>(0, p.bytes_done - thumb_bytes);
      q.bytes_total = size;
      progress(q);
    };
  }
  auto resp = upload_http_.perform(req);
  if (by_uri && progress) {
    Progress done;
    done.stage = "upload";
    done.bytes_done = done.bytes_total = size;
    progress(done);
  }
  if (resp.status == 0) {
    const std::string why = resp.failure == HttpFailure::Stalled
                                ? "upload stalled (no progress for " + std::to_string(opts_.stall_timeout_s) + " s)"
                                : resp.error;
    throw UploadError(UploadError::Kind::Transient, "account " + opts_.account + ": " + method + " to " +
                                                        std::to_string(channel_id) + " failed: " + why);
  }
  nlohmann::json message;
  try {
    message = BotApiClient::parse_reply(resp.status, resp.body);
  } catch (const BotApiError& e) {
    throw upload_error_from(e, context(channel_id, size));
  }
  UploadResult r = upload_result_from_message(message);
  if (r.channel_id == 0) r.channel_id = channel_id;
  if (r.size_bytes == 0) r.size_bytes = size;
  if (r.mime_type.empty()) r.mime_type = file.mime_type;
  return r;
}

std::optional<UploadResult> BotApiUploader::find_by_nonce(std::int64_t channel_id,
                                                          std::int64_t after_message_id,
                                                          const std::string& nonce) {
  if (opts_.index_chat_id == 0) {
    spdlog::warn(
        "account {}: cannot look for nonce {} in channel {}: no index chat (set telegram.index_chat_id or "
        "the "
        "account's index_chat_id to a private chat of the bot); an interrupted upload may be repeated",
        opts_.account, nonce, channel_id);
    return std::nullopt;
  }
  int missing = 0;
  for (std::int64_t id = after_message_id + 1, probed = 0;
       missing < opts_.probe_max_missing && probed < opts_.probe_max_messages; ++id, ++probed) {
    probe_pacer_.acquire(opts_.index_chat_id);
    nlohmann::json forwarded;
    try {
      forwarded = client_.call("forwardMessage", {{"chat_id", opts_.index_chat_id},
                                                  {"from_chat_id", channel_id},
                                                  {"message_id", id},
                                                  {"disable_notification", true}});
    } catch (const BotApiError& e) {
      // Telegram: "Bad Request: message to forward not found" (a gap, or past the end).
      if (e.error_code == 400 && e.description.find("not found") != std::string::npos &&
          e.description.find("chat not found") == std::string::npos) {
        ++missing;
        continue;
      }
      throw upload_error_from(e, context(channel_id, 0));
    }
    missing = 0;
    if (forwarded.is_object() && forwarded.contains("message_id")) {
      try {
        client_.call("deleteMessage",
                     {{"chat_id", opts_.index_chat_id}, {"message_id", forwarded["message_id"]}});
      } catch (const BotApiError& e) {
        spdlog::warn("account {}: could not delete probe copy in index chat {}: {}", opts_.account,
                     opts_.index_chat_id, e.what());
      }
    }
    std::string caption =
        forwarded.is_object() && forwarded.contains("caption") && forwarded["caption"].is_string()
            ? forwarded["caption"].get<std::string>()
            : "";
    if (!caption_has_nonce(caption, nonce)) continue;
    try {
      UploadResult r = upload_result_from_message(forwarded);
      r.channel_id = channel_id;
      r.message_id = id;  // the stored message, not the probe copy
      return r;
    } catch (const UploadError&) {
      continue;  // a text post that mentions the nonce is not an upload
    }
  }
  return std::nullopt;
}

}  // namespace cmup
