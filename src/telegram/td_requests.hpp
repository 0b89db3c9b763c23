// Every TDLib request cmup sends, built in one place, in the shape of the td_api schema of
// the TDLib versions cmup supports (kTdlibMinVersion and newer; tested with
// kTdlibTestedVersion). TDLib ignores fields it does not know, so a misspelled field here
// would be dropped silently: tests/telegram/td_schema_tdlib_test.cpp checks each of these
// field by field against the real library's parser and the published schema.
//
// Contract: pure functions returning the JSON object to pass to TdClient::request (which
// adds "@extra"); no I/O, thread-safe. check_tdlib_version() throws TdVersionError saying
// which versions are supported and how to get one when `version` is older.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace cmup {

struct UploadFile;

// Oldest TDLib whose td_api matches these requests: 1.8.65 introduced inputVideo /
// inputDocument (nested under inputMessageVideo / inputMessageDocument).
inline constexpr const char* kTdlibMinVersion = "1.8.65";
// The version the real-library tests run against (scripts/tdlib/package.json).
inline constexpr const char* kTdlibTestedVersion = "1.8.67";

class TdVersionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "1.8.66" >= "1.8.65" etc.; an empty or malformed version compares as 0.0.0.
bool tdlib_version_at_least(const std::string& version, const std::string& minimum);
void check_tdlib_version(const std::string& version, const std::string& library_path = "");

struct TdlibParameters {
  std::string account;
  std::filesystem::path database_directory;  // <data_dir>/accounts/<name>
  std::int64_t api_id = 0;
  std::string api_hash;
  bool use_test_dc = false;
};

namespace td {

using nlohmann::json;

json get_option(const std::string& name);
json set_log_verbosity_level(int level);
json set_tdlib_parameters(const TdlibParameters& p);
json set_authentication_phone_number(const std::string& phone);
json check_authentication_code(const std::string& code);
json check_authentication_password(const std::string& password);
json get_me();
json get_chat(std::int64_t chat_id);
json load_chats(int limit);
json get_chat_member(std::int64_t chat_id, std::int64_t user_id);
// inputMessageVideo{video: inputVideo{...}} or inputMessageDocument{document: inputDocument}
// for a local file, with caption and (when file.thumbnail_path is set) a thumbnail.
json input_message_content(const UploadFile& file);
json send_message(std::int64_t chat_id, const json& content);
json search_chat_messages(std::int64_t chat_id, const std::string& query, int limit);
json get_message(std::int64_t chat_id, std::int64_t message_id);
json close();

}  // namespace td
}  // namespace cmup
