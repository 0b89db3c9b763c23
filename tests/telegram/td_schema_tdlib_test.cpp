// Every request cmup sends to TDLib and every object it reads from TDLib, checked against
// the real library (libtdjson.so of TDLib 1.8.67, scripts/install-tdlib) and the td_api
// schema published as TypeScript (@prebuilt-tdlib/types; the newest published is 1.8.65).
// TDLib ignores unknown fields silently, so a misspelled field would otherwise only show
// up as an upload that goes wrong in production.
//   requests: built by td_requests.hpp directly, and recorded from cmup's real code paths
//             (upload video/document, nonce search, login, doctor) run against the script;
//             each must parse in the real library, each field must be one the real parser
//             knows (probe_with_parser), and each must match the schema field by field.
//   objects:  every object the scripted TDLib hands to cmup in those paths (the shapes the
//             unit tests prove cmup reads) must match the schema, and each field name must
//             exist in the real 1.8.67 library.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <optional>
#include <set>

#include "td_fixtures.hpp"
#include "td_schema.hpp"
#include "tdlib_paths.hpp"
#include "telegram/channel_check.hpp"
#include "telegram/td_requests.hpp"

namespace cmup {
namespace {

using nlohmann::json;
using namespace cmup::test;

class TdSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(tdjson_path())) << missing_tdlib_hint();
    lib_ = load_tdjson(tdjson_path().string());
    lib_->execute(td::set_log_verbosity_level(0).dump());
    schema_ = std::make_unique<TdSchema>(TdSchema::load(tdlib_types_path()));
  }

  // Every problem of `request` against the schema and the real parser.
  std::vector<std::string> problems(const json& request) {
    auto out = schema_->check_request(request);
    for (auto& p : probe_with_parser(*lib_, request)) out.push_back(p);
    return out;
  }

  std::shared_ptr<TdJson> lib_;
  std::unique_ptr<TdSchema> schema_;
};

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += "\n  " + x;
  return s;
}

UploadFile with_thumbnail(UploadFile f, const TempDir& dir) {
  f.thumbnail_path = (dir / "thumb.jpg").string();
  return f;
}

// The requests of every code path that talks to TDLib, run against the scripted library:
// what cmup really sends, not a list written by hand.
std::vector<json> requests_of_every_flow(const TempDir& dir, std::vector<json>* objects) {
  std::vector<json> sent;
  auto keep = [&](const ScriptedTdJson& td) {
    sent.insert(sent.end(), td.sent().begin(), td.sent().end());
    if (objects) objects->insert(objects->end(), td.emitted().begin(), td.emitted().end());
  };
  auto path = make_file(dir, 3000);
  for (bool video : {true, false}) {
    for (bool thumb : {false, true}) {
      auto td = std::make_shared<ScriptedTdJson>();
      script_logged_in(*td, kTdlibTestedVersion);
      script_send(*td, 3000, false);
      {
        TdlibUploader up(td, uploader_options(dir));
        UploadFile f = local_video(path);
        f.as_video = video;
        if (thumb) f = with_thumbnail(f, dir);
        up.upload(f, kChannel, {});
      }
      keep(*td);
    }
  }
  {  // FLOOD_WAIT: updateMessageSendFailed
    auto td = std::make_shared<ScriptedTdJson>();
    script_logged_in(*td, kTdlibTestedVersion);
    script_send(*td, 3000, true);
    {
      TdlibUploader up(td, uploader_options(dir));
      EXPECT_THROW(up.upload(local_video(path), kChannel, {}), UploadError);
    }
    keep(*td);
  }
  {  // a chat the session has not loaded yet: getChat fails, loadChats, getChat
    auto td = std::make_shared<ScriptedTdJson>();
    script_logged_in(*td, kTdlibTestedVersion);
    bool loaded = false;
    td->on("getChat", [&](const json& q) {
      if (!loaded) return td->error(q, 400, "Chat not found");
      td->answer(q, {{"@type", "chat"}, {"id", q["chat_id"]}, {"title", "s"}});
    });
    td->on("loadChats", [&](const json& q) {
      loaded = true;
      td->answer(q, {{"@type", "ok"}});
    });
    td->on("searchChatMessages", [&](const json& q) {
      td->answer(q,
                 {{"@type", "foundChatMessages"},
                  {"total_count", 1},
                  {"messages", {video_message(80LL << 20, file_object(7, 100, 100, true), "CM_M1 #a1b2c3")}},
                  {"next_from_message_id", 0}});
    });
    {
      TdlibUploader up(td, uploader_options(dir));
      EXPECT_TRUE(up.find_by_nonce(kChannel, 0, "a1b2c3").has_value());
    }
    keep(*td);
  }
  {  // login: phone, a wrong code, the right one, the password
    auto td = std::make_shared<ScriptedTdJson>();
    script_logged_in(*td, kTdlibTestedVersion);
    script_login(*td);
    {
      TdClient client(td);
      ScriptedPrompt prompt;
      authorize(client, uploader_options(dir).params, &prompt, 5);
      client.request(td::get_me());
    }
    keep(*td);
  }
  {  // doctor
    auto td = std::make_shared<ScriptedTdJson>();
    script_logged_in(*td, kTdlibTestedVersion);
    script_rights(*td);
    {
      TdClient client(td);
      authorize(client, uploader_options(dir).params, nullptr, 5);
      auto checks = check_tdlib(client, "account rora", {kChannel});
      EXPECT_EQ(checks.size(), 1u);
      EXPECT_TRUE(checks.at(0).ok) << checks.at(0).problem;
    }
    keep(*td);
  }
  return sent;
}

TEST_F(TdSchemaTest, TheLibraryIsTheTestedVersionAndTheSchemaIsNoOlderThanTheMinimum) {
  auto answer = json::parse(lib_->execute(td::get_option("version").dump()));
  EXPECT_EQ(answer.value("value", ""), kTdlibTestedVersion) << answer.dump();
  EXPECT_NO_THROW(check_tdlib_version(answer.value("value", "")));
  EXPECT_TRUE(tdlib_version_at_least(schema_->version(), kTdlibMinVersion)) << schema_->version();
  EXPECT_GT(schema_->class_count(), 1000u);
}

// The builders with every option cmup uses; and every request a real code path sent.
TEST_F(TdSchemaTest, EveryRequestCmupSendsIsAcceptedFieldByField) {
  TempDir dir;
  TdlibParameters params{"ember", dir / "accounts" / "ember", 12345, "0123456789abcdef0123456789abcdef",
                         false};
  UploadFile video = local_video(dir / "CM_M000321_1080P.mp4");
  UploadFile document = video;
  document.as_video = false;
  std::vector<json> requests = {
      td::get_option("version"),
      td::set_log_verbosity_level(1),
      td::set_tdlib_parameters(params),
      td::set_authentication_phone_number("+15550000000"),
      td::check_authentication_code("12345"),
      td::check_authentication_password("secret"),
      td::get_me(),
      td::get_chat(kChannel),
      td::load_chats(200),
      td::get_chat_member(kChannel, 5000001),
      td::send_message(kChannel, td::input_message_content(video)),
      td::send_message(kChannel, td::input_message_content(with_thumbnail(video, dir))),
      td::send_message(kChannel, td::input_message_content(document)),
      td::send_message(kChannel, td::input_message_content(with_thumbnail(document, dir))),
      td::search_chat_messages(kChannel, "#a1b2c3", 100),
      td::get_message(kChannel, kTdlibId),
      td::close(),
  };
  auto flows = requests_of_every_flow(dir, nullptr);
  requests.insert(requests.end(), flows.begin(), flows.end());
  std::set<std::string> types;
  for (const auto& r : requests) {
    types.insert(r.value("@type", ""));
    auto p = problems(r);
    EXPECT_TRUE(p.empty()) << r.dump() << joined(p);
  }
  // The flows reached every kind of request cmup has.
  for (const char* t : {"getOption", "setTdlibParameters", "setAuthenticationPhoneNumber",
                        "checkAuthenticationCode", "checkAuthenticationPassword", "getMe", "getChat",
                        "loadChats", "getChatMember", "sendMessage", "searchChatMessages", "close"})
    EXPECT_TRUE(types.count(t)) << t;
}

// Each field of what cmup sends carries a value the field's type allows: caption, thumbnail,
// streaming, dimensions and duration of a video really arrive where TDLib reads them.
TEST_F(TdSchemaTest, VideoRequestsCarryEveryMediaField) {
  TempDir dir;
  auto content = td::input_message_content(with_thumbnail(local_video(dir / "v.mp4"), dir));
  const json& v = content.at("video");
  EXPECT_EQ(content.at("caption").at("text"), "CM_M000321_1080P #a1b2c3");
  EXPECT_EQ(v.at("duration"), 61);
  EXPECT_EQ(v.at("width"), 1920);
  EXPECT_EQ(v.at("height"), 1080);
  EXPECT_EQ(v.at("supports_streaming"), true);
  EXPECT_EQ(v.at("thumbnail").at("@type"), "inputThumbnail");
  EXPECT_TRUE(problems(td::send_message(kChannel, content)).empty());
}

// The checks can fail: a misspelled field, a field at the wrong level, and a nested object
// of the wrong class are each reported, by the schema and (where the parser can tell) by the
// real library.
TEST_F(TdSchemaTest, MisspelledOrMisplacedFieldsAreCaught) {
  TempDir dir;
  json good =
      td::send_message(kChannel, td::input_message_content(with_thumbnail(local_video(dir / "v.mp4"), dir)));
  ASSERT_TRUE(problems(good).empty());

  json misspelled = good;
  misspelled["input_message_content"]["video"]["widht"] =
      misspelled["input_message_content"]["video"]["width"];
  misspelled["input_message_content"]["video"].erase("width");
  auto by_schema = schema_->check_request(misspelled);
  auto by_parser = probe_with_parser(*lib_, misspelled);
  ASSERT_EQ(by_schema.size(), 1u) << joined(by_schema);
  EXPECT_NE(by_schema[0].find("inputVideo has no field 'widht'"), std::string::npos) << by_schema[0];
  ASSERT_EQ(by_parser.size(), 1u) << joined(by_parser);
  EXPECT_NE(by_parser[0].find("/input_message_content/video/widht"), std::string::npos) << by_parser[0];

  json flat = good;  // the pre-1.8.65 shape: fields directly on inputMessageVideo
  flat["input_message_content"]["supports_streaming"] = true;
  EXPECT_FALSE(schema_->check_request(flat).empty());
  EXPECT_FALSE(probe_with_parser(*lib_, flat).empty());

  json wrong_class = good;  // TDLib's parser does not look at a concrete class's @type
  wrong_class["input_message_content"]["video"]["@type"] = "inputDocument";
  EXPECT_FALSE(schema_->check_request(wrong_class).empty());

  json int_as_text = good;
  int_as_text["chat_id"] = "x";
  EXPECT_FALSE(problems(int_as_text).empty());

  json unknown = good;
  unknown["@type"] = "sendMesage";
  EXPECT_FALSE(problems(unknown).empty());

  json read = file_object(42, 3000, 1000, false);
  read["remote"]["uploaded_szie"] = 1000;
  auto obj = schema_->check_object(read);
  ASSERT_EQ(obj.size(), 1u) << joined(obj);
  EXPECT_NE(obj[0].find("remoteFile has no field 'uploaded_szie'"), std::string::npos) << obj[0];
}

// Collects every field name of an object tree.
void field_names(const json& v, std::set<std::string>& out) {
  if (v.is_array()) {
    for (const auto& x : v) field_names(x, out);
  } else if (v.is_object()) {
    for (const auto& [k, x] : v.items()) {
      if (k[0] != '@') out.insert(k);
      field_names(x, out);
    }
  }
}

TEST_F(TdSchemaTest, EveryObjectCmupReadsMatchesTheSchemaAndTheRealLibrary) {
  TempDir dir;
  std::vector<json> objects;
  requests_of_every_flow(dir, &objects);
  std::set<std::string> types, names;
  for (auto o : objects) {
    types.insert(o.value("@type", ""));
    field_names(o, names);
    auto p = schema_->check_object(o);
    EXPECT_TRUE(p.empty()) << o.dump() << joined(p);
  }
  for (const char* t :
       {"updateFile", "updateMessageSendSucceeded", "updateMessageSendFailed", "message",
        "updateAuthorizationState", "updateOption", "updateConnectionState", "foundChatMessages",
        "optionValueString", "error", "ok", "user", "chatMember", "chat"})
    EXPECT_TRUE(types.count(t)) << "no flow handed cmup a " << t;
  // The schema is 1.8.65's; the library is 1.8.67: each field name cmup reads must also
  // occur in the real library's strings, where its JSON writer keeps every name. (A weak
  // check - the linker merges "size" into "expected_size" - but a misspelling fails it.)
  std::ifstream in(tdjson_path(), std::ios::binary);
  std::string binary((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(binary.size(), 1000000u);
  for (const auto& n : names)
    EXPECT_NE(binary.find(n + std::string(1, '\0')), std::string::npos)
        << "TDLib " << kTdlibTestedVersion << " has no field named " << n;
}

// The real library as cmup sees it, keeping a copy of everything it hands over.
class RecordingTdJson : public TdJson {
 public:
  explicit RecordingTdJson(std::shared_ptr<TdJson> real) : real_(std::move(real)) {}
  int create_client_id() override { return real_->create_client_id(); }
  void send(int id, const std::string& request) override { real_->send(id, request); }
  std::optional<std::string> receive(double timeout_s) override {
    auto r = real_->receive(timeout_s);
    if (r) received.push_back(json::parse(*r));
    return r;
  }
  std::string execute(const std::string& request) override { return real_->execute(request); }
  std::vector<json> received;

 private:
  std::shared_ptr<TdJson> real_;
};

struct StopAtPhone : std::runtime_error {
  StopAtPhone() : std::runtime_error("stop at the phone number") {}
};
class StopAtPhonePrompt : public TdAuthPrompt {
 public:
  std::string phone_number() override { throw StopAtPhone(); }
  std::string code(const std::string&) override { return ""; }
  std::string password(const std::string&) override { return ""; }
  void say(const std::string&) override {}
};

// What the real 1.8.67 library sends of the classes cmup reads during a session's start
// and close (this binary has no network) matches the schema too.
TEST_F(TdSchemaTest, RealObjectsOfTheClassesCmupReadsMatchTheSchema) {
  TempDir dir;
  TdlibParameters params{"ember", dir / "accounts" / "ember", 12345, "0123456789abcdef0123456789abcdef",
                         false};
  prepare_account_dir(params.database_directory);
  auto rec = std::make_shared<RecordingTdJson>(lib_);
  {
    TdClient client(rec);
    StopAtPhonePrompt prompt;
    EXPECT_THROW(authorize(client, params, &prompt, 20), StopAtPhone);
    EXPECT_THROW(client.request(td::get_chat(kChannel), 20), TdError);  // an error object
    EXPECT_TRUE(client.close(10));
  }
  const std::set<std::string> read = {"updateAuthorizationState", "updateConnectionState",
                                      "optionValueString", "ok", "error"};
  std::set<std::string> seen;
  for (const auto& o : rec->received) {
    std::string type = o.value("@type", "");
    if (type == "updateOption" && o.value("name", "") == "version")
      type = "updateOption(version)";
    else if (!read.count(type))
      continue;
    seen.insert(type);
    auto p = schema_->check_object(o);
    EXPECT_TRUE(p.empty()) << o.dump() << joined(p);
  }
  for (const char* t : {"updateAuthorizationState", "updateConnectionState", "optionValueString", "ok",
                        "error", "updateOption(version)"})
    EXPECT_TRUE(seen.count(t)) << "the real library sent no " << t;
}

}  // namespace
}  // namespace cmup
