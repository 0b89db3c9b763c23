#include "td_fixtures.hpp"

#include <fstream>

namespace cmup::test {

using nlohmann::json;

void script_logged_in(ScriptedTdJson& td, const std::string& version) {
  td.on("getOption", [&td, version](const json& q) {
    td.push({{"@type", "updateOption"},
             {"name", "version"},
             {"value", {{"@type", "optionValueString"}, {"value", version}}}});
    td.auth_state("authorizationStateWaitTdlibParameters");
    td.answer(q, {{"@type", "optionValueString"}, {"value", version}});
  });
  td.on("setTdlibParameters", [&td](const json& q) {
    td.answer(q, {{"@type", "ok"}});
    td.auth_state("authorizationStateReady");
  });
  td.on("getChat", [&td](const json& q) {
    td.answer(q, {{"@type", "chat"}, {"id", q["chat_id"]}, {"title", "s"}});
  });
  td.on("getMe", [&td](const json& q) {
    td.answer(q, {{"@type", "user"},
                  {"id", 5000001},
                  {"first_name", "Rora"},
                  {"usernames",
                   {{"@type", "usernames"},
                    {"active_usernames", {"rora_uploads"}},
                    {"disabled_usernames", json::array()},
                    {"editable_username", "rora_uploads"},
                    {"collectible_usernames", json::array()}}}});
  });
  td.on("close", [&td](const json& q) {
    td.answer(q, {{"@type", "ok"}});
    td.auth_state("authorizationStateClosing");
    td.auth_state("authorizationStateClosed");
  });
}

void script_login(ScriptedTdJson& td) {
  td.on("setTdlibParameters", [&td](const json& q) {
    td.answer(q, {{"@type", "ok"}});
    td.push({{"@type", "updateConnectionState"}, {"state", {{"@type", "connectionStateReady"}}}});
    td.auth_state("authorizationStateWaitPhoneNumber");
  });
  td.on("setAuthenticationPhoneNumber", [&td](const json& q) {
    td.answer(q, {{"@type", "ok"}});
    td.auth_state("authorizationStateWaitCode",
                  {{"code_info",
                    {{"@type", "authenticationCodeInfo"},
                     {"phone_number", "+10000000000"},
                     {"type", {{"@type", "authenticationCodeTypeTelegramMessage"}, {"length", 5}}},
                     {"timeout", 0}}}});
  });
  td.on("checkAuthenticationCode", [&td](const json& q) {
    if (q["code"] != "22222") return td.error(q, 400, "PHONE_CODE_INVALID");
    td.answer(q, {{"@type", "ok"}});
    td.auth_state("authorizationStateWaitPassword", {{"password_hint", "horse"}});
  });
  td.on("checkAuthenticationPassword", [&td](const json& q) {
    td.answer(q, {{"@type", "ok"}});
    td.auth_state("authorizationStateReady");
  });
}

json file_object(std::int64_t id, std::int64_t size, std::int64_t uploaded, bool done) {
  json remote = {{"@type", "remoteFile"},
                 {"id", done ? "BAACAgIAAxkDAAIBTWVhZ" : ""},
                 {"unique_id", done ? "AgADfwADnE0" : ""},
                 {"is_uploading_active", !done},
                 {"is_uploading_completed", done},
                 {"uploaded_size", uploaded}};
  return {{"@type", "file"}, {"id", id}, {"size", size}, {"expected_size", size}, {"remote", remote}};
}

json video_message(std::int64_t id, const json& file, const std::string& caption) {
  return {{"@type", "message"},
          {"id", id},
          {"chat_id", kChannel},
          {"content",
           {{"@type", "messageVideo"},
            {"video",
             {{"@type", "video"},
              {"duration", 61},
              {"width", 1920},
              {"height", 1080},
              {"file_name", "CM_M000321_1080P.mp4"},
              {"mime_type", "video/mp4"},
              {"supports_streaming", true},
              {"video", file}}},
            {"caption", {{"@type", "formattedText"}, {"text", caption}, {"entities", json::array()}}}}}};
}

json document_message(std::int64_t id, const json& file, const std::string& caption) {
  return {{"@type", "message"},
          {"id", id},
          {"chat_id", kChannel},
          {"content",
           {{"@type", "messageDocument"},
            {"document",
             {{"@type", "document"},
              {"file_name", "CM_M000321_1080P.mkv"},
              {"mime_type", "video/x-matroska"},
              {"document", file}}},
            {"caption", {{"@type", "formattedText"}, {"text", caption}, {"entities", json::array()}}}}}};
}

void script_send(ScriptedTdJson& td, std::int64_t size, bool flood) {
  td.on("sendMessage", [&td, size, flood](const json& q) {
    const std::int64_t temp = kTdlibId + 1;  // a yet-unsent message's local id
    const json& content = q["input_message_content"];
    std::string caption = content["caption"]["text"];
    const bool video = content["@type"] == "inputMessageVideo";
    auto message = [&](std::int64_t id, const json& file) {
      return video ? video_message(id, file, caption) : document_message(id, file, caption);
    };
    td.answer(q, message(temp, file_object(42, size, 0, false)));
    td.push({{"@type", "updateFile"}, {"file", file_object(42, size, size / 3, false)}});
    td.push({{"@type", "updateFile"}, {"file", file_object(99, 10, 5, false)}});  // someone else's file
    td.push({{"@type", "updateFile"}, {"file", file_object(42, size, 2 * size / 3, false)}});
    if (flood) {
      td.push({{"@type", "updateMessageSendFailed"},
               {"message", message(temp, file_object(42, size, size, false))},
               {"old_message_id", temp},
               {"error",
                {{"@type", "error"}, {"code", 429}, {"message", "Too Many Requests: retry after 1234"}}}});
      return;
    }
    td.push({{"@type", "updateFile"}, {"file", file_object(42, size, size, true)}});
    td.push({{"@type", "updateMessageSendSucceeded"},
             {"message", message(kTdlibId, file_object(42, size, size, true))},
             {"old_message_id", temp}});
  });
}

void script_rights(ScriptedTdJson& td) {
  td.on("getChatMember", [&td](const json& q) {
    td.answer(q, {{"@type", "chatMember"},
                  {"member_id", q["member_id"]},
                  {"status",
                   {{"@type", "chatMemberStatusAdministrator"},
                    {"can_be_edited", false},
                    {"rights", {{"@type", "chatAdministratorRights"}, {"can_post_messages", true}}}}}});
  });
}

TdlibUploaderOptions uploader_options(const TempDir& dir) {
  TdlibUploaderOptions o;
  o.params.account = "rora";
  o.params.database_directory = dir / "accounts" / "rora";
  o.params.api_id = 12345;
  o.params.api_hash = "0123456789abcdef";
  o.max_upload_bytes = 4000LL << 20;
  o.stall_timeout_s = 5;
  o.auth_timeout_s = 5;
  return o;
}

UploadFile local_video(const std::filesystem::path& p) {
  UploadFile f;
  f.bytes.file = p;
  f.file_name = "CM_M000321_1080P.mp4";
  f.caption = "CM_M000321_1080P #a1b2c3";
  f.duration_s = 61;
  f.width = 1920;
  f.height = 1080;
  return f;
}

std::filesystem::path make_file(const TempDir& dir, std::size_t n) {
  auto p = dir / "CM_M000321_1080P.mp4";
  std::ofstream(p, std::ios::binary) << std::string(n, 'v');
  return p;
}

}  // namespace cmup::test
