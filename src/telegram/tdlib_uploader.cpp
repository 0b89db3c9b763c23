#include "telegram/tdlib_uploader.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <vector>

#include "catalog/coded_name.hpp"
#include "telegram/bot_reply.hpp"
#include "util/config.hpp"
#include "util/log.hpp"

namespace cmup {

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

std::int64_t server_message_id(std::int64_t tdlib_id) { return tdlib_id >> 20; }

std::string str(const json& o, const char* key) {
  return o.is_object() && o.contains(key) && o[key].is_string() ? o[key].get<std::string>() : "";
}
std::int64_t integer(const json& o, const char* key) {
  return o.is_object() && o.contains(key) && o[key].is_number_integer() ? o[key].get<std::int64_t>() : 0;
}

// The TDLib file object inside a message's content, or null.
const json* content_file(const json& content) {
  if (!content.is_object()) return nullptr;
  for (auto [outer, inner] :
       {std::pair{"video", "video"}, {"document", "document"}, {"animation", "animation"}}) {
    if (content.contains(outer) && content[outer].is_object() && content[outer].contains(inner) &&
        content[outer][inner].is_object())
      return &content[outer][inner];
  }
  return nullptr;
}

// A TDLib error (updateMessageSendFailed or a request) in Bot API terms, so one mapping
// serves both backends. TDLib reports FLOOD_WAIT it will not wait out as 429 "Too Many
// Requests: retry after N".
UploadError map_td_error(int code, const std::string& message, const UploadErrorContext& ctx) {
  return upload_error_from(BotApiError(code, message), ctx);
}

}  // namespace

TdlibUploaderOptions tdlib_options_from_config(const AccountConfig& account, const Config& config) {
  TdlibUploaderOptions o;
  o.params.account = account.name;
  o.params.database_directory = config.data_dir() / "accounts" / account.name;
  auto get = [&](const char* key) {
    auto it = account.extra.find(key);
    return it == account.extra.end() ? std::string() : it->second;
  };
  try {
    o.params.api_id = get("api_id").empty() ? 0 : std::stoll(get("api_id"));
  } catch (const std::exception&) {
    throw ConfigError("account " + account.name + ": api_id must be a number (from my.telegram.org)");
  }
  o.params.api_hash = get("api_hash");
  register_secret(o.params.api_hash);
  o.params.use_test_dc = get("test_dc") == "true";
  o.max_upload_bytes =
      account.max_upload_bytes > 0 ? account.max_upload_bytes : account_kind_limit(account.kind);
  o.stall_timeout_s = static_cast<double>(config.integer("telegram.tdlib_stall_timeout_s"));
  return o;
}

std::unique_ptr<Uploader> make_tdlib_uploader(const AccountConfig& account, const Config& config) {
  auto opts = tdlib_options_from_config(account, config);
  opts.spool_dir = config.path_or("media.spool_dir", "spool");
  prepare_account_dir(opts.params.database_directory);
  return std::make_unique<TdlibUploader>(load_tdjson(config.str("telegram.tdjson_path")), std::move(opts));
}

TdlibUploader::TdlibUploader(std::shared_ptr<TdJson> api, TdlibUploaderOptions opts)
    : opts_(std::move(opts)), client_(std::move(api)) {
  // When this throws (not logged in, old TDLib), client_'s destructor still closes it.
  authorize(client_, opts_.params, nullptr, opts_.auth_timeout_s);
}

TdlibUploader::~TdlibUploader() {
  // Let TDLib flush its database and stop its threads' work on this session (bounded).
  client_.close(10);
}

// TDLib cannot read from a stream: the bytes go to a spool file first (memory stays flat;
// the disk holds one file), which is removed whatever happens.
UploadResult TdlibUploader::upload_spooled(const UploadFile& file, std::int64_t channel_id,
                                           const ProgressFn& progress) {
  if (!file.bytes.read)
    throw UploadError(UploadError::Kind::Fatal,
                      "account " + account() + ": upload without a file or a stream");
  std::filesystem::create_directories(opts_.spool_dir);
  auto path = opts_.spool_dir / (file.file_name + ".tdlib-" + std::to_string(::getpid()));
  struct Remove {
    std::filesystem::path p;
    ~Remove() {
      std::error_code ec;
      std::filesystem::remove(p, ec);
    }
  } remove{path};
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    std::vector<char> buf(1 << 16);
    std::int64_t done = 0;
    while (true) {
      auto n = file.bytes.read(buf.data(), buf.size());
      if (n < 0)
        throw UploadError(UploadError::Kind::Transient,
                          "account " + account() + ": source stream failed: " +
                              (file.bytes.error ? file.bytes.error() : std::string("read error")));
      if (n == 0) break;
      out.write(buf.data(), n);
      if (!out)
        throw UploadError(UploadError::Kind::Transient,
                          "account " + account() + ": cannot write " + path.string());
      done += n;
      if (progress) {
        Progress p;
        p.stage = "download";
        p.bytes_done = done;
        p.bytes_total = file.bytes.size;
        progress(p);
      }
    }
  }
  UploadFile local = file;
  local.bytes = ByteSource{};
  local.bytes.file = path;
  local.bytes.size = file.bytes.size;
  return upload(local, channel_id, progress);
}

json TdlibUploader::input_message_content(const UploadFile& file) { return td::input_message_content(file); }

UploadResult TdlibUploader::result_from_message(const json& message) {
  UploadResult r;
  r.channel_id = integer(message, "chat_id");
  r.message_id = server_message_id(integer(message, "id"));
  static const json kNone;
  const json& content = message.is_object() && message.contains("content") ? message["content"] : kNone;
  const json* f = content_file(content);
  if (!f || r.message_id <= 0) throw UploadError(UploadError::Kind::Fatal, "TDLib's message carries no file");
  const json& media = content.contains("video")      ? content["video"]
                      : content.contains("document") ? content["document"]
                                                     : content["animation"];
  r.duration_s = static_cast<double>(integer(media, "duration"));
  r.width = static_cast<int>(integer(media, "width"));
  r.height = static_cast<int>(integer(media, "height"));
  r.mime_type = str(media, "mime_type");
  r.size_bytes = integer(*f, "size");
  if (r.size_bytes == 0) r.size_bytes = integer(*f, "expected_size");
  if (f->contains("remote") && (*f)["remote"].is_object()) {
    r.file_id = str((*f)["remote"], "id");
    r.file_unique_id = str((*f)["remote"], "unique_id");
  }
  if (content.contains("caption")) r.caption = str(content["caption"], "text");
  return r;
}

void TdlibUploader::open_chat(std::int64_t channel_id) {
  UploadErrorContext ctx{account(), channel_id, 0, opts_.max_upload_bytes};
  try {
    client_.request(td::get_chat(channel_id));
    return;
  } catch (const TdError& e) {
    if (e.code == 0)
      throw UploadError(UploadError::Kind::Transient, "account " + account() + ": " + e.what());
    // A fresh session knows only the chats it has loaded: load the main list once.
  }
  try {
    client_.request(td::load_chats(200));
  } catch (const TdError&) {
    // 404 means every chat is loaded already.
  }
  try {
    client_.request(td::get_chat(channel_id));
  } catch (const TdError& e) {
    throw map_td_error(e.code == 0 ? 500 : 400, e.message.empty() ? "chat not found" : e.message, ctx);
  }
}

UploadResult TdlibUploader::upload(const UploadFile& file, std::int64_t channel_id,
                                   const ProgressFn& progress) {
  if (!file.bytes.is_file()) return upload_spooled(file, channel_id, progress);
  std::error_code ec;
  auto size = static_cast<std::int64_t>(std::filesystem::file_size(file.bytes.file, ec));
  if (ec)
    throw UploadError(UploadError::Kind::Transient, "account " + account() + ": cannot read " +
                                                        file.bytes.file.string() + ": " + ec.message());
  UploadErrorContext ctx{account(), channel_id, size, opts_.max_upload_bytes};
  if (size > opts_.max_upload_bytes)
    throw UploadError(UploadError::Kind::TooBig,
                      "account " + account() + ": " + file.file_name + " has " + std::to_string(size) +
                          " bytes, above this account's limit of " + std::to_string(opts_.max_upload_bytes),
                      0, opts_.max_upload_bytes);
  open_chat(channel_id);
  json sent;
  try {
    sent = client_.request(td::send_message(channel_id, input_message_content(file)));
  } catch (const TdError& e) {
    throw map_td_error(e.code == 0 ? 500 : e.code, e.message, ctx);
  }
  const std::int64_t temp_id = integer(sent, "id");
  const json* f = sent.contains("content") ? content_file(sent["content"]) : nullptr;
  const std::int64_t file_id = f ? integer(*f, "id") : 0;

  auto last_move = Clock::now();
  auto stalled = [&] {
    return std::chrono::duration<double>(Clock::now() - last_move).count() >= opts_.stall_timeout_s;
  };
  while (!stalled()) {
    double left = opts_.stall_timeout_s - std::chrono::duration<double>(Clock::now() - last_move).count();
    auto u = client_.next_update(std::min(left, 1.0));
    if (!u) continue;
    const std::string type = str(*u, "@type");
    if (type == "updateFile" && u->contains("file") && integer((*u)["file"], "id") == file_id) {
      last_move = Clock::now();
      const json& fo = (*u)["file"];
      if (progress && fo.contains("remote")) {
        Progress p;
        p.stage = "upload";
        p.bytes_done = integer(fo["remote"], "uploaded_size");
        p.bytes_total = integer(fo, "size") > 0 ? integer(fo, "size") : size;
        progress(p);
      }
    } else if ((type == "updateMessageSendSucceeded" || type == "updateMessageSendFailed") &&
               integer(*u, "old_message_id") == temp_id) {
      if (type == "updateMessageSendFailed") {
        const json& error = u->contains("error") ? (*u)["error"] : json();
        int code = static_cast<int>(integer(error, "code"));
        std::string msg = str(error, "message");
        throw map_td_error(code, msg, ctx);
      }
      UploadResult r = result_from_message((*u)["message"]);
      if (r.channel_id == 0) r.channel_id = channel_id;
      if (r.size_bytes == 0) r.size_bytes = size;
      if (r.mime_type.empty()) r.mime_type = file.mime_type;
      if (progress) {
        Progress p;
        p.stage = "upload";
        p.bytes_done = p.bytes_total = size;
        progress(p);
      }
      return r;
    } else if (type == "updateMessageSendAcknowledged") {
      last_move = Clock::now();
    }
  }
  throw UploadError(UploadError::Kind::Transient,
                    "account " + account() + ": TDLib upload of " + file.file_name +
                        " made no progress for " + std::to_string(static_cast<int>(opts_.stall_timeout_s)) +
                        " s");
}

std::optional<UploadResult> TdlibUploader::find_by_nonce(std::int64_t channel_id,
                                                         std::int64_t after_message_id,
                                                         const std::string& nonce) {
  std::string tag = nonce_tag(nonce);
  open_chat(channel_id);
  json found;
  try {
    found = client_.request(td::search_chat_messages(channel_id, tag, 100));
  } catch (const TdError& e) {
    throw map_td_error(e.code == 0 ? 500 : e.code, e.message,
                       {account(), channel_id, 0, opts_.max_upload_bytes});
  }
  std::optional<UploadResult> best;
  if (!found.contains("messages") || !found["messages"].is_array()) return best;
  for (const auto& m : found["messages"]) {
    if (server_message_id(integer(m, "id")) <= after_message_id) continue;
    try {
      UploadResult r = result_from_message(m);
      if (!caption_has_nonce(r.caption, nonce)) continue;
      if (!best || r.message_id < best->message_id) best = r;
    } catch (const UploadError&) {
    }
  }
  return best;
}

}  // namespace cmup
