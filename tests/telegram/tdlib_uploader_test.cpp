// The TDLib backend driven by a scripted libtdjson stand-in that replays TDLib's real
// sequences: authorization states, sendMessage's temporary message, updateFile progress,
// updateMessageSendSucceeded / ...Failed (FLOOD_WAIT), searchChatMessages.
#include "telegram/tdlib_uploader.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include <fstream>

#include "scripted_td_json.hpp"
#include "support/test_support.hpp"

namespace cmup {
namespace {

using nlohmann::json;
constexpr std::int64_t kChannel = -1001000000001;
constexpr std::int64_t kServerId = 77;              // what the Bot API and t.me links call it
constexpr std::int64_t kTdlibId = kServerId << 20;  // what TDLib calls it

// Answers version and parameters like a TDLib whose session is already logged in.
void script_logged_in(test::ScriptedTdJson& td, const std::string& version) {
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
  td.on("close", [&td](const json& q) {
    td.answer(q, {{"@type", "ok"}});
    td.auth_state("authorizationStateClosing");
    td.auth_state("authorizationStateClosed");
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
              {"video", file}}},
            {"caption", {{"@type", "formattedText"}, {"text", caption}}}}}};
}

TdlibUploaderOptions options(const test::TempDir& dir) {
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

std::filesystem::path make_file(const test::TempDir& dir, std::size_t n) {
  auto p = dir / "CM_M000321_1080P.mp4";
  std::ofstream(p, std::ios::binary) << std::string(n, 'v');
  return p;
}

// sendMessage answers with the temporary message, then TDLib reports the upload in steps
// and finally the message's server id.
void script_send(test::ScriptedTdJson& td, std::int64_t size, bool flood) {
  td.on("sendMessage", [&td, size, flood](const json& q) {
    const std::int64_t temp = kTdlibId + 1;  // a yet-unsent message's local id
    std::string caption = q["input_message_content"]["caption"]["text"];
    td.answer(q, video_message(temp, file_object(42, size, 0, false), caption));
    td.push({{"@type", "updateFile"}, {"file", file_object(42, size, size / 3, false)}});
    td.push({{"@type", "updateFile"}, {"file", file_object(99, 10, 5, false)}});  // someone else's file
    td.push({{"@type", "updateFile"}, {"file", file_object(42, size, 2 * size / 3, false)}});
    if (flood) {
      td.push({{"@type", "updateMessageSendFailed"},
               {"message", video_message(temp, file_object(42, size, size, false), caption)},
               {"old_message_id", temp},
               {"error",
                {{"@type", "error"}, {"code", 429}, {"message", "Too Many Requests: retry after 1234"}}}});
      return;
    }
    td.push({{"@type", "updateFile"}, {"file", file_object(42, size, size, true)}});
    td.push({{"@type", "updateMessageSendSucceeded"},
             {"message", video_message(kTdlibId, file_object(42, size, size, true), caption)},
             {"old_message_id", temp}});
  });
}

TEST(TdlibUploader, UploadFollowsProgressAndConvertsTheMessageId) {
  test::TempDir dir;
  auto td = std::make_shared<test::ScriptedTdJson>();
  script_logged_in(*td, "1.8.66");
  script_send(*td, 3000, false);
  auto path = make_file(dir, 3000);
  std::vector<std::int64_t> progress;
  UploadResult r;
  {
    TdlibUploader up(td, options(dir));
    r = up.upload(local_video(path), kChannel, [&](const Progress& p) { progress.push_back(p.bytes_done); });
  }
  EXPECT_EQ(r.message_id, kServerId);
  EXPECT_EQ(r.channel_id, kChannel);
  EXPECT_EQ(r.file_id, "BAACAgIAAxkDAAIBTWVhZ");
  EXPECT_EQ(r.file_unique_id, "AgADfwADnE0");
  EXPECT_EQ(r.size_bytes, 3000);
  EXPECT_EQ(r.duration_s, 61);
  EXPECT_EQ(r.width, 1920);
  EXPECT_EQ(r.caption, "CM_M000321_1080P #a1b2c3");
  EXPECT_EQ(progress, (std::vector<std::int64_t>{1000, 2000, 3000, 3000}));

  // TDLib 1.8.66 wants the nested shape; parameters carried the account's api id.
  auto sends = td->sent_of("sendMessage");
  ASSERT_EQ(sends.size(), 1u);
  const auto& content = sends[0]["input_message_content"];
  EXPECT_EQ(content["@type"], "inputMessageVideo");
  EXPECT_EQ(content["video"]["@type"], "inputVideo");
  EXPECT_EQ(content["video"]["video"]["@type"], "inputFileLocal");
  EXPECT_EQ(content["video"]["video"]["path"], path.string());
  EXPECT_EQ(content["video"]["supports_streaming"], true);
  EXPECT_EQ(sends[0]["chat_id"], kChannel);
  auto params = td->sent_of("setTdlibParameters");
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0]["api_id"], 12345);
  EXPECT_EQ(params[0]["database_directory"], (dir / "accounts" / "rora").string());
  EXPECT_EQ(td->sent_of("close").size(), 1u);
}

TEST(TdlibUploader, OlderTdlibGetsTheFlatShape) {
  test::TempDir dir;
  UploadFile f;
  f.bytes.file = dir / "x.mp4";
  f.caption = "CM_M000001_720P #n";
  f.as_video = false;
  auto flat = TdlibUploader::input_message_content(f, "1.8.30");
  EXPECT_EQ(flat["@type"], "inputMessageDocument");
  EXPECT_EQ(flat["document"]["@type"], "inputFileLocal");
  EXPECT_EQ(flat["caption"]["text"], "CM_M000001_720P #n");
  auto nested = TdlibUploader::input_message_content(f, "1.8.66");
  EXPECT_EQ(nested["document"]["@type"], "inputDocument");
  EXPECT_EQ(nested["document"]["document"]["@type"], "inputFileLocal");
}

TEST(TdlibUploader, SendFailedWithFloodWaitIsFloodWait) {
  test::TempDir dir;
  auto td = std::make_shared<test::ScriptedTdJson>();
  script_logged_in(*td, "1.8.66");
  script_send(*td, 3000, true);
  auto path = make_file(dir, 3000);
  TdlibUploader up(td, options(dir));
  try {
    up.upload(local_video(path), kChannel, {});
    FAIL() << "expected FloodWait";
  } catch (const UploadError& e) {
    EXPECT_EQ(e.kind, UploadError::Kind::FloodWait);
    EXPECT_EQ(e.retry_after_s, 1234);
  }
}

TEST(TdlibUploader, ChannelWithoutRightsIsRightsWithOperatorMessage) {
  test::TempDir dir;
  auto td = std::make_shared<test::ScriptedTdJson>();
  script_logged_in(*td, "1.8.66");
  td->on("sendMessage", [&](const json& q) { td->error(q, 400, "Have no rights to send a message"); });
  auto path = make_file(dir, 10);
  TdlibUploader up(td, options(dir));
  try {
    up.upload(local_video(path), kChannel, {});
    FAIL() << "expected Rights";
  } catch (const UploadError& e) {
    EXPECT_EQ(e.kind, UploadError::Kind::Rights);
    EXPECT_NE(std::string(e.what()).find("account rora cannot post to channel -1001000000001"),
              std::string::npos);
  }
}

TEST(TdlibUploader, NotLoggedInTellsTheOperatorToLogIn) {
  test::TempDir dir;
  auto td = std::make_shared<test::ScriptedTdJson>();
  script_logged_in(*td, "1.8.66");
  td->on("setTdlibParameters", [&](const json& q) {
    td->answer(q, {{"@type", "ok"}});
    td->auth_state("authorizationStateWaitPhoneNumber");
  });
  try {
    TdlibUploader up(td, options(dir));
    FAIL() << "expected TdAuthError";
  } catch (const TdAuthError& e) {
    EXPECT_NE(std::string(e.what()).find("cmup account login rora"), std::string::npos) << e.what();
  }
}

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

TEST(TdAuth, LoginWalksPhoneCodeRetryAndPasswordToReady) {
  test::TempDir dir;
  auto td = std::make_shared<test::ScriptedTdJson>();
  script_logged_in(*td, "1.8.66");
  td->on("setTdlibParameters", [&](const json& q) {
    td->answer(q, {{"@type", "ok"}});
    td->auth_state("authorizationStateWaitPhoneNumber");
  });
  td->on("setAuthenticationPhoneNumber", [&](const json& q) {
    td->answer(q, {{"@type", "ok"}});
    td->auth_state("authorizationStateWaitCode",
                   {{"code_info",
                     {{"phone_number", "+10000000000"},
                      {"type", {{"@type", "authenticationCodeTypeTelegramMessage"}}}}}});
  });
  td->on("checkAuthenticationCode", [&](const json& q) {
    if (q["code"] != "22222") return td->error(q, 400, "PHONE_CODE_INVALID");
    td->answer(q, {{"@type", "ok"}});
    td->auth_state("authorizationStateWaitPassword", {{"password_hint", "horse"}});
  });
  td->on("checkAuthenticationPassword", [&](const json& q) {
    td->answer(q, {{"@type", "ok"}});
    td->auth_state("authorizationStateReady");
  });
  TdClient client(td);
  ScriptedPrompt prompt;
  TdlibParameters params = options(dir).params;
  authorize(client, params, &prompt, 5);
  EXPECT_EQ(client.auth_state(), "authorizationStateReady");
  EXPECT_EQ(client.version(), "1.8.66");
  EXPECT_EQ(prompt.code_calls, 2u);  // the wrong code was asked again
  ASSERT_EQ(prompt.said.size(), 1u);
  EXPECT_NE(prompt.said[0].find("PHONE_CODE_INVALID"), std::string::npos);
  EXPECT_EQ(prompt.hints, std::vector<std::string>{"horse"});
  EXPECT_EQ(td->sent_of("setAuthenticationPhoneNumber")[0]["phone_number"], "+10000000000");
  EXPECT_EQ(td->sent_of("checkAuthenticationPassword")[0]["password"], "correct horse");
}

TEST(TdlibUploader, FindByNonceSearchesTheChannel) {
  test::TempDir dir;
  auto td = std::make_shared<test::ScriptedTdJson>();
  script_logged_in(*td, "1.8.66");
  td->on("searchChatMessages", [&](const json& q) {
    auto f = file_object(7, 100, 100, true);
    td->answer(q, {{"@type", "foundChatMessages"},
                   {"total_count", 3},
                   {"messages",
                    {video_message(90LL << 20, f, "CM_M000321_1080P_P2of2 #a1b2c3"),
                     video_message(80LL << 20, f, "CM_M000321_1080P_P1of2 #a1b2c3"),
                     video_message(81LL << 20, f, "CM_M000322_1080P #a1b2c3d"),
                     video_message(20LL << 20, f, "CM_M000321_1080P_P1of2 #a1b2c3")}}});
  });
  TdlibUploader up(td, options(dir));
  auto found = up.find_by_nonce(kChannel, 50, "a1b2c3");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->message_id, 80);  // the oldest match after id 50
  EXPECT_EQ(found->caption, "CM_M000321_1080P_P1of2 #a1b2c3");
  auto next = up.find_by_nonce(kChannel, 80, "a1b2c3");
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->message_id, 90);
  EXPECT_FALSE(up.find_by_nonce(kChannel, 90, "a1b2c3").has_value());
  EXPECT_EQ(td->sent_of("searchChatMessages")[0]["query"], "#a1b2c3");
}

// TDLib reads local files only: a direct-path stream is spooled to disk first, sent as a
// local file, and the spool file is gone afterwards; a broken stream sends nothing.
TEST(TdlibUploader, StreamSourcesAreSpooledThenSentAndCleanedUp) {
  test::TempDir dir;
  auto td = std::make_shared<test::ScriptedTdJson>();
  script_logged_in(*td, "1.8.66");
  script_send(*td, 3000, false);
  auto opts = options(dir);
  opts.spool_dir = dir / "spool";
  TdlibUploader up(td, opts);
  std::string payload(3000, 'x');
  std::size_t off = 0;
  UploadFile f = local_video(dir / "unused");
  f.bytes = ByteSource{};
  f.bytes.size = 3000;
  f.bytes.read = [&](char* buf, std::size_t cap) -> std::ptrdiff_t {
    auto n = std::min(cap, payload.size() - off);
    std::memcpy(buf, payload.data() + off, n);
    off += n;
    return static_cast<std::ptrdiff_t>(n);
  };
  auto r = up.upload(f, kChannel, {});
  EXPECT_EQ(r.message_id, kServerId);
  auto sends = td->sent_of("sendMessage");
  ASSERT_EQ(sends.size(), 1u);
  std::string sent_path = sends[0]["input_message_content"]["video"]["video"]["path"];
  EXPECT_EQ(std::filesystem::path(sent_path).parent_path(), dir / "spool");
  EXPECT_FALSE(std::filesystem::exists(sent_path)) << "the spool file must be removed";

  UploadFile broken = f;
  broken.bytes.read = [](char*, std::size_t) -> std::ptrdiff_t { return -1; };
  broken.bytes.error = [] { return std::string("connection reset"); };
  try {
    up.upload(broken, kChannel, {});
    FAIL() << "expected Transient";
  } catch (const UploadError& e) {
    EXPECT_EQ(e.kind, UploadError::Kind::Transient);
    EXPECT_NE(std::string(e.what()).find("connection reset"), std::string::npos);
  }
  EXPECT_EQ(td->sent_of("sendMessage").size(), 1u);
  EXPECT_TRUE(std::filesystem::is_empty(dir / "spool"));
}

}  // namespace
}  // namespace cmup
