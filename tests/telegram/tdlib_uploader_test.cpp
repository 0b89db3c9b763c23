// The TDLib backend driven by a scripted libtdjson stand-in that replays TDLib's real
// sequences: authorization states, sendMessage's temporary message, updateFile progress,
// updateMessageSendSucceeded / ...Failed (FLOOD_WAIT), searchChatMessages.
#include "telegram/tdlib_uploader.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <fstream>

#include "td_fixtures.hpp"
#include "telegram/channel_check.hpp"

namespace cmup {
namespace {

using nlohmann::json;
using namespace cmup::test;

TdlibUploaderOptions options(const test::TempDir& dir) { return uploader_options(dir); }

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

// Documents go nested too (inputMessageDocument{document: inputDocument}), with the
// thumbnail when there is one.
TEST(TdlibUploader, DocumentsGetTheNestedShapeWithTheirThumbnail) {
  test::TempDir dir;
  UploadFile f;
  f.bytes.file = dir / "x.mkv";
  f.caption = "CM_M000001_720P #n";
  f.as_video = false;
  f.thumbnail_path = (dir / "thumb.jpg").string();
  auto content = TdlibUploader::input_message_content(f);
  EXPECT_EQ(content["@type"], "inputMessageDocument");
  EXPECT_EQ(content["caption"]["text"], "CM_M000001_720P #n");
  EXPECT_EQ(content["document"]["@type"], "inputDocument");
  EXPECT_EQ(content["document"]["document"]["@type"], "inputFileLocal");
  EXPECT_EQ(content["document"]["document"]["path"], (dir / "x.mkv").string());
  EXPECT_EQ(content["document"]["thumbnail"]["thumbnail"]["path"], (dir / "thumb.jpg").string());
}

// A library older than the oldest supported TDLib is refused before anything is sent to it,
// with what to install; the client is still closed.
TEST(TdlibUploader, OlderTdlibIsRefusedWithAHint) {
  test::TempDir dir;
  auto td = std::make_shared<test::ScriptedTdJson>();
  script_logged_in(*td, "1.8.64");
  try {
    TdlibUploader up(td, options(dir));
    FAIL() << "expected TdVersionError";
  } catch (const TdVersionError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("TDLib 1.8.64"), std::string::npos) << what;
    EXPECT_NE(what.find("older than 1.8.65"), std::string::npos) << what;
    EXPECT_NE(what.find("telegram.tdjson_path"), std::string::npos) << what;
  }
  EXPECT_TRUE(td->sent_of("setTdlibParameters").empty());
  EXPECT_EQ(td->sent_of("close").size(), 1u);
  EXPECT_TRUE(tdlib_version_at_least("1.8.67", "1.8.65"));
  EXPECT_TRUE(tdlib_version_at_least("1.9.0", "1.8.65"));
  EXPECT_FALSE(tdlib_version_at_least("1.8.9", "1.8.65"));
  EXPECT_FALSE(tdlib_version_at_least("", "1.8.65"));
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
  // The constructor threw, and the client was still closed: a process that exits while
  // TDLib tears a session down crashes inside TDLib.
  EXPECT_EQ(td->sent_of("close").size(), 1u);
}

TEST(TdAuth, LoginWalksPhoneCodeRetryAndPasswordToReady) {
  test::TempDir dir;
  auto td = std::make_shared<test::ScriptedTdJson>();
  script_logged_in(*td, "1.8.66");
  script_login(*td);
  TdClient client(td);
  ScriptedPrompt prompt;
  TdlibParameters params = options(dir).params;
  authorize(client, params, &prompt, 5);
  EXPECT_EQ(client.auth_state(), "authorizationStateReady");
  EXPECT_EQ(client.version(), "1.8.66");
  EXPECT_EQ(prompt.code_calls, 2u);  // the wrong code was asked again
  // What the person heard: progress words, and the wrong code.
  EXPECT_EQ(prompt.said,
            (std::vector<std::string>{"Sending the phone number to Telegram...", "Checking the code...",
                                      "Telegram said: PHONE_CODE_INVALID - try again", "Checking the code...",
                                      "Checking the password..."}));
  EXPECT_EQ(prompt.hints, std::vector<std::string>{"horse"});
  EXPECT_EQ(td->sent_of("setAuthenticationPhoneNumber")[0]["phone_number"], "+10000000000");
  EXPECT_EQ(td->sent_of("checkAuthenticationPassword")[0]["password"], "correct horse");
}

// No network: TDLib stays "connecting" and never answers the phone number. The person
// hears what is going on and then "cannot reach Telegram", within the connect bound.
TEST(TdAuth, LoginWithoutNetworkSaysCannotReachTelegramInBoundedTime) {
  test::TempDir dir;
  auto td = std::make_shared<test::ScriptedTdJson>();
  script_logged_in(*td, "1.8.67");
  td->on("setTdlibParameters", [&](const json& q) {
    td->answer(q, {{"@type", "ok"}});
    td->push({{"@type", "updateConnectionState"}, {"state", {{"@type", "connectionStateConnecting"}}}});
    td->auth_state("authorizationStateWaitPhoneNumber");
  });
  td->on("setAuthenticationPhoneNumber", [](const json&) {});  // never answered offline
  TdClient client(td);
  ScriptedPrompt prompt;
  AuthLimits limits;
  limits.step_timeout_s = 30;
  limits.connect_timeout_s = 1.5;
  limits.progress_every_s = 0.5;
  auto start = std::chrono::steady_clock::now();
  try {
    authorize(client, options(dir).params, &prompt, limits);
    FAIL() << "expected TdAuthError";
  } catch (const TdAuthError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("cannot reach Telegram"), std::string::npos) << what;
    EXPECT_NE(what.find("connecting to Telegram"), std::string::npos) << what;
  }
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(took, 10.0) << "gave up long after connect_timeout_s";
  ASSERT_GE(prompt.said.size(), 2u);
  EXPECT_EQ(prompt.said[0], "Sending the phone number to Telegram...");
  EXPECT_NE(prompt.said[1].find("still sending the phone number (connecting to Telegram"), std::string::npos)
      << prompt.said[1];
}

// doctor for a logged-in account whose host cannot reach Telegram: one bounded wait, then
// every channel fails with "cannot reach Telegram" (not 30 s of silence per request).
TEST(TdChannelCheck, UnreachableTelegramFailsEveryChannelAfterOneBoundedWait) {
  test::TempDir dir;
  auto td = std::make_shared<test::ScriptedTdJson>();
  script_logged_in(*td, "1.8.67");
  td->on("getMe", [&](const json& q) {
    td->push({{"@type", "updateConnectionState"}, {"state", {{"@type", "connectionStateConnecting"}}}});
    td->answer(q, {{"@type", "user"}, {"id", 5000001}, {"first_name", "Rora"}});  // from the local database
  });
  td->on("getChatMember", [](const json&) {});  // needs the server: never answered offline
  TdClient client(td);
  authorize(client, options(dir).params, nullptr, 5);
  auto checks = check_tdlib(client, "account rora", {kChannel, kChannel - 1}, 1);
  ASSERT_EQ(checks.size(), 2u);
  for (const auto& c : checks) {
    EXPECT_FALSE(c.ok);
    EXPECT_NE(c.problem.find("account rora: cannot reach Telegram"), std::string::npos) << c.problem;
  }
  EXPECT_EQ(td->sent_of("getChatMember").size(), 1u) << "the second channel must not wait again";
  script_rights(*td);  // reachable again: the same check passes
  td->push({{"@type", "updateConnectionState"}, {"state", {{"@type", "connectionStateReady"}}}});
  auto ok = check_tdlib(client, "account rora", {kChannel}, 1);
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_TRUE(ok[0].ok) << ok[0].problem;
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
