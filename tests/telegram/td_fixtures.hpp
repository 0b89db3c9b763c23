// Scripted TDLib sessions shared by the TDLib tests: a logged-in account, an upload with
// progress and its result, a login walk (phone, wrong code, password), a channel search.
// The objects the script hands to cmup are the shapes cmup reads; td_schema_tdlib_test.cpp
// checks every one of them (and every request cmup sent) against TDLib's schema, so these
// fixtures cannot drift from the real library unnoticed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "scripted_td_json.hpp"
#include "support/test_support.hpp"
#include "telegram/td_auth.hpp"
#include "telegram/tdlib_uploader.hpp"

namespace cmup::test {

constexpr std::int64_t kChannel = -1001000000001;
constexpr std::int64_t kServerId = 77;              // what the Bot API and t.me links call it
constexpr std::int64_t kTdlibId = kServerId << 20;  // what TDLib calls it

// Answers version and parameters like a TDLib whose session is already logged in.
void script_logged_in(ScriptedTdJson& td, const std::string& version);
// A client that is not logged in: parameters lead to WaitPhoneNumber; then phone -> code
// (PHONE_CODE_INVALID for any code but 22222) -> password -> Ready.
void script_login(ScriptedTdJson& td);
// sendMessage answers with the temporary message, then TDLib reports the upload in steps
// and finally the message's server id (or FLOOD_WAIT when `flood`).
void script_send(ScriptedTdJson& td, std::int64_t size, bool flood);
// getChatMember: the account is an administrator who may post.
void script_rights(ScriptedTdJson& td);

nlohmann::json file_object(std::int64_t id, std::int64_t size, std::int64_t uploaded, bool done);
nlohmann::json video_message(std::int64_t id, const nlohmann::json& file, const std::string& caption);
nlohmann::json document_message(std::int64_t id, const nlohmann::json& file, const std::string& caption);

TdlibUploaderOptions uploader_options(const TempDir& dir);
UploadFile local_video(const std::filesystem::path& p);
std::filesystem::path make_file(const TempDir& dir, std::size_t n);

class ScriptedPrompt : public TdAuthPrompt {
 public:
  std::string phone_number() override { return "+10000000000"; }
  std::string code(const std::string&) override { return codes.at(code_calls++); }
  std::string password(const std::string& hint) override {
    hints.push_back(hint);
    return "correct horse";
  }
  void say(const std::string& line) override { said.push_back(line); }
  std::vector<std::string> codes{"11111", "22222"};
  std::size_t code_calls = 0;
  std::vector<std::string> hints, said;
};

}  // namespace cmup::test
