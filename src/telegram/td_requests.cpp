#include "telegram/td_requests.hpp"

#include <cmath>
#include <cstdio>

#include "telegram/uploader.hpp"

namespace cmup {

namespace {

struct Version {
  int major = 0, minor = 0, patch = 0;
};

Version parse_version(const std::string& v) {
  Version out;
  if (std::sscanf(v.c_str(), "%d.%d.%d", &out.major, &out.minor, &out.patch) < 1) return {};
  return out;
}

}  // namespace

bool tdlib_version_at_least(const std::string& version, const std::string& minimum) {
  Version a = parse_version(version), b = parse_version(minimum);
  if (a.major != b.major) return a.major > b.major;
  if (a.minor != b.minor) return a.minor > b.minor;
  return a.patch >= b.patch;
}

void check_tdlib_version(const std::string& version, const std::string& library_path) {
  if (tdlib_version_at_least(version, kTdlibMinVersion)) return;
  throw TdVersionError(
      "TDLib " + (version.empty() ? std::string("of unknown version") : version) +
      (library_path.empty() ? std::string() : " (" + library_path + ")") + " is older than " +
      kTdlibMinVersion + ", the oldest cmup supports (tested with " + kTdlibTestedVersion +
      "): install a newer libtdjson.so (`scripts/install-tdlib` puts TDLib " + kTdlibTestedVersion +
      " from npm's @prebuilt-tdlib/linux-x64-glibc in /var/cache/cmup/tdlib, or build tdlib/td) and point "
      "telegram.tdjson_path at it");
}

namespace td {

namespace {

json local_file(const std::filesystem::path& p) {
  return {{"@type", "inputFileLocal"}, {"path", std::filesystem::absolute(p).string()}};
}

}  // namespace

json get_option(const std::string& name) { return {{"@type", "getOption"}, {"name", name}}; }

json set_log_verbosity_level(int level) {
  return {{"@type", "setLogVerbosityLevel"}, {"new_verbosity_level", level}};
}

json set_tdlib_parameters(const TdlibParameters& p) {
  return {
      {"@type", "setTdlibParameters"},
      {"use_test_dc", p.use_test_dc},
      {"database_directory", p.database_directory.string()},
      {"files_directory", (p.database_directory / "files").string()},
      {"database_encryption_key", ""},
      {"use_file_database", true},
      {"use_chat_info_database", true},
      {"use_message_database", true},
      {"use_secret_chats", false},
      {"api_id", p.api_id},
      {"api_hash", p.api_hash},
      {"system_language_code", "en"},
      {"device_model", "cmup"},
      {"system_version", ""},
      {"application_version", CMUP_VERSION},
  };
}

json set_authentication_phone_number(const std::string& phone) {
  return {{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", phone}, {"settings", nullptr}};
}

json check_authentication_code(const std::string& code) {
  return {{"@type", "checkAuthenticationCode"}, {"code", code}};
}

json check_authentication_password(const std::string& password) {
  return {{"@type", "checkAuthenticationPassword"}, {"password", password}};
}

json get_me() { return {{"@type", "getMe"}}; }

json get_chat(std::int64_t chat_id) { return {{"@type", "getChat"}, {"chat_id", chat_id}}; }

json load_chats(int limit) { return {{"@type", "loadChats"}, {"chat_list", nullptr}, {"limit", limit}}; }

json get_chat_member(std::int64_t chat_id, std::int64_t user_id) {
  return {{"@type", "getChatMember"},
          {"chat_id", chat_id},
          {"member_id", {{"@type", "messageSenderUser"}, {"user_id", user_id}}}};
}

json input_message_content(const UploadFile& file) {
  json caption = {{"@type", "formattedText"}, {"text", file.caption}, {"entities", json::array()}};
  json thumb = nullptr;
  if (!file.thumbnail_path.empty())
    // 0 x 0: "unknown"; TDLib reads the JPEG's size itself.
    thumb = {{"@type", "inputThumbnail"},
             {"thumbnail", local_file(file.thumbnail_path)},
             {"width", 0},
             {"height", 0}};
  if (file.as_video) {
    json video = {{"@type", "inputVideo"},
                  {"video", local_file(file.bytes.file)},
                  {"thumbnail", thumb},
                  {"added_sticker_file_ids", json::array()},
                  {"duration", static_cast<int>(std::lround(file.duration_s))},
                  {"width", file.width},
                  {"height", file.height},
                  {"supports_streaming", true}};
    return {{"@type", "inputMessageVideo"}, {"video", video}, {"caption", caption}};
  }
  json document = {{"@type", "inputDocument"},
                   {"document", local_file(file.bytes.file)},
                   {"thumbnail", thumb},
                   {"disable_content_type_detection", true}};
  return {{"@type", "inputMessageDocument"}, {"document", document}, {"caption", caption}};
}

json send_message(std::int64_t chat_id, const json& content) {
  return {{"@type", "sendMessage"},
          {"chat_id", chat_id},
          {"options", {{"@type", "messageSendOptions"}, {"disable_notification", true}}},
          {"input_message_content", content}};
}

json search_chat_messages(std::int64_t chat_id, const std::string& query, int limit) {
  return {{"@type", "searchChatMessages"},
          {"chat_id", chat_id},
          {"query", query},
          {"from_message_id", 0},
          {"offset", 0},
          {"limit", limit},
          {"filter", nullptr}};
}

json get_message(std::int64_t chat_id, std::int64_t message_id) {
  return {{"@type", "getMessage"}, {"chat_id", chat_id}, {"message_id", message_id}};
}

json close() { return {{"@type", "close"}}; }

}  // namespace td
}  // namespace cmup
