// The Bot API uploader and `cmup doctor` against the real simulator (cmup-sim-telegram):
// what the simulator stored (bytes by sha256, captions, order) must be what the
// UploadResults say, failures must surface as the kinds the worker acts on.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "support/test_support.hpp"
#include "telegram/bot_api_uploader.hpp"
#include "util/http_client.hpp"

namespace cmup {
namespace {

constexpr std::int64_t kMovies = -1001000000001;
constexpr std::int64_t kNoPost = -1001000000002;
constexpr std::int64_t kIndex = -1001000000099;
const std::string kEmberToken = "7001:AAEmberTestTokenForTheSimulator0";
const std::string kLocalToken = "7003:AALocalTestTokenForTheSimulator0";

class SimTelegram : public ::testing::Test {
 protected:
  void SetUp() override {
    nlohmann::json world = {
        {"bots",
         {{{"id", 7001}, {"username", "ember_bot"}, {"token", kEmberToken}},
          {{"id", 7003}, {"username", "local_bot"}, {"token", kLocalToken}, {"local_mode", true}}}},
        {"channels",
         {{{"id", kMovies}, {"title", "movies"}, {"admins", {"ember_bot", "local_bot"}}},
          {{"id", kNoPost},
           {"title", "no post"},
           {"admins", {{{"bot", "ember_bot"}, {"can_post_messages", false}}}}},
          {{"id", kIndex}, {"title", "index"}, {"admins", {"ember_bot"}}}}},
        {"users", nlohmann::json::array()}};
    std::ofstream(dir_ / "sim.json") << world.dump(2);
    port_ = test::free_port();
    sim_ = std::make_unique<test::Process>(
        std::vector<std::string>{
            test::sim_telegram_binary(), "--listen", "127.0.0.1:" + std::to_string(port_), "--config",
            (dir_ / "sim.json").string(), "--data-dir", (dir_ / "simdata").string(), "--control"},
        std::map<std::string, std::string>{}, dir_ / "sim.log");
    ASSERT_TRUE(test::wait_for_port(port_)) << sim_->log();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  BotApiUploaderOptions ember() const {
    BotApiUploaderOptions o;
    o.account = "ember";
    o.base_url = url();
    o.token = kEmberToken;
    o.index_chat_id = kIndex;
    return o;
  }

  nlohmann::json messages(std::int64_t chat) {
    HttpClient http;
    auto r = http.get(url() + "/control/chats/" + std::to_string(chat) + "/messages");
    if (r.status == 404 && r.body.find("no channel") != std::string::npos) return nlohmann::json::array();
    EXPECT_EQ(r.status, 200) << r.body << r.error;
    nlohmann::json live = nlohmann::json::array();
    const auto chat_json = nlohmann::json::parse(r.body);
    for (const auto& m : chat_json["messages"])
      if (!m.value("deleted", false)) live.push_back(m);
    return live;
  }

  std::filesystem::path media(const std::string& name, std::size_t size, unsigned seed) {
    std::mt19937 gen(seed);
    std::string s(size, '\0');
    for (auto& c : s) c = static_cast<char>(gen() & 0xff);
    auto p = dir_ / name;
    std::ofstream(p, std::ios::binary) << s;
    return p;
  }

  static UploadFile file(const std::filesystem::path& p, const std::string& coded, const std::string& nonce) {
    UploadFile f;
    f.bytes.file = p;
    f.file_name = coded + ".mp4";
    f.caption = coded + " #" + nonce;
    f.duration_s = 42;
    f.width = 1280;
    f.height = 720;
    return f;
  }

  test::TempDir dir_;
  int port_ = 0;
  std::unique_ptr<test::Process> sim_;
};

TEST_F(SimTelegram, SingleFileAndThreePartsLandInOrderWithCodedCaptionsOnly) {
  BotApiUploader up(ember());
  std::vector<std::filesystem::path> paths;
  std::vector<UploadResult> results;
  paths.push_back(media("single.mp4", 200'000, 1));
  results.push_back(up.upload(file(paths.back(), "CM_M000321_1080P", "a1b2c3"), kMovies, {}));
  for (int i = 1; i <= 3; ++i) {
    std::string coded = "CM_T000007_S01E02_720P_P" + std::to_string(i) + "of3";
    paths.push_back(
        media(coded + ".mp4", 150'000 + static_cast<std::size_t>(i), static_cast<unsigned>(10 + i)));
    results.push_back(up.upload(file(paths.back(), coded, "d4e5f6"), kMovies, {}));
  }
  auto stored = messages(kMovies);
  ASSERT_EQ(stored.size(), 4u);
  const std::vector<std::string> captions = {
      "CM_M000321_1080P #a1b2c3", "CM_T000007_S01E02_720P_P1of3 #d4e5f6",
      "CM_T000007_S01E02_720P_P2of3 #d4e5f6", "CM_T000007_S01E02_720P_P3of3 #d4e5f6"};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& m = stored[i];
    EXPECT_EQ(m["caption"], captions[i]);
    EXPECT_EQ(m["kind"], "video");
    EXPECT_EQ(m["file"]["sha256"], test::sha256_file(paths[i]));
    // The file name is the coded name, whatever the local file was called.
    EXPECT_EQ(m["file"]["file_name"], captions[i].substr(0, captions[i].find(' ')) + ".mp4");
    EXPECT_EQ(m["file"]["duration"], 42);
    EXPECT_EQ(m["file"]["width"], 1280);
    EXPECT_EQ(m["file"]["supports_streaming"], true);
    EXPECT_EQ(results[i].message_id, m["message_id"].get<std::int64_t>());
    EXPECT_EQ(results[i].file_unique_id, m["file"]["file_unique_id"].get<std::string>());
    EXPECT_EQ(results[i].size_bytes, m["file"]["size"].get<std::int64_t>());
    EXPECT_EQ(results[i].channel_id, kMovies);
    EXPECT_FALSE(results[i].file_id.empty());
  }
}

TEST_F(SimTelegram, TooManyRequestsIsFloodWaitThenTheRetrySucceeds) {
  HttpClient http;
  auto r =
      http.post_json(url() + "/control/faults",
                     R"({"kind":"429","bot":"ember_bot","method":"sendVideo","count":1,"retry_after":7})");
  ASSERT_EQ(r.status, 200) << r.body;
  BotApiUploader up(ember());
  auto p = media("a.mp4", 10'000, 2);
  try {
    up.upload(file(p, "CM_M000001_720P", "f1f1f1"), kMovies, {});
    FAIL() << "expected FloodWait";
  } catch (const UploadError& e) {
    EXPECT_EQ(e.kind, UploadError::Kind::FloodWait) << e.what();
    EXPECT_EQ(e.retry_after_s, 7);
  }
  EXPECT_TRUE(messages(kMovies).empty());
  auto ok = up.upload(file(p, "CM_M000001_720P", "f1f1f1"), kMovies, {});
  auto stored = messages(kMovies);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(ok.message_id, stored[0]["message_id"].get<std::int64_t>());
}

TEST_F(SimTelegram, ChannelWithoutPostRightFailsWithOperatorMessage) {
  BotApiUploader up(ember());
  auto p = media("a.mp4", 1000, 3);
  try {
    up.upload(file(p, "CM_M000002_720P", "r1r1r1"), kNoPost, {});
    FAIL() << "expected Rights";
  } catch (const UploadError& e) {
    EXPECT_EQ(e.kind, UploadError::Kind::Rights) << e.what();
    std::string m = e.what();
    EXPECT_NE(m.find("account ember cannot post to channel -1001000000002"), std::string::npos) << m;
    EXPECT_NE(m.find("'Post messages'"), std::string::npos) << m;
  }
}

TEST_F(SimTelegram, StreamSourceIsStoredByteIdentical) {
  BotApiUploader up(ember());
  auto p = media("source.bin", 4'000'000, 4);
  std::ifstream in(p, std::ios::binary);
  UploadFile f;
  f.file_name = "CM_M000003_1080P.mp4";
  f.caption = "CM_M000003_1080P #s1s1s1";
  f.bytes.size = 4'000'000;
  // Reads the source in small pieces as a network download would hand them over.
  f.bytes.read = [&in](char* buf, std::size_t cap) -> std::ptrdiff_t {
    in.read(buf, static_cast<std::streamsize>(std::min<std::size_t>(cap, 16384)));
    return in.gcount();
  };
  std::int64_t last = 0;
  auto r = up.upload(f, kMovies, [&](const Progress& pr) { last = pr.bytes_done; });
  auto stored = messages(kMovies);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0]["file"]["sha256"], test::sha256_file(p));
  EXPECT_EQ(r.size_bytes, 4'000'000);
  EXPECT_EQ(last, 4'000'000);
}

// The direct path's promise: memory does not grow with the file. 256 MiB go through a
// stream source; this process's peak RSS may not grow by more than a small buffer's worth.
TEST_F(SimTelegram, StreamingALargeFileKeepsMemoryFlat) {
  auto o = ember();
  o.account = "local";
  o.token = kLocalToken;  // a local-mode bot: 2000 MB cap, so the file may be large
  o.max_upload_bytes = 2'000'000'000;
  BotApiUploader up(o);
  const std::int64_t size = 256LL << 20;
  std::int64_t given = 0;
  UploadFile f;
  f.file_name = "CM_M000008_2160P.mp4";
  f.caption = "CM_M000008_2160P #b1g000";
  f.bytes.size = size;
  f.bytes.read = [&](char* buf, std::size_t cap) -> std::ptrdiff_t {
    auto n = static_cast<std::size_t>(std::min<std::int64_t>(static_cast<std::int64_t>(cap), size - given));
    for (std::size_t i = 0; i < n; ++i)
      buf[i] = static_cast<char>((given + static_cast<std::int64_t>(i)) * 131 >> 7);
    given += static_cast<std::int64_t>(n);
    return static_cast<std::ptrdiff_t>(n);
  };
  auto peak_kb = [] {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
  };
  const long before = peak_kb();
  auto r = up.upload(f, kMovies, {});
  const long grown_kb = peak_kb() - before;
  EXPECT_EQ(r.size_bytes, size);
  auto stored = messages(kMovies);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0]["file"]["size"], size);
  EXPECT_LT(grown_kb, 32 * 1024) << "peak RSS grew by " << grown_kb << " KiB for a " << (size >> 20)
                                 << " MiB upload";
  std::fprintf(stderr, "streamed %lld MiB; peak RSS grew by %ld KiB\n", static_cast<long long>(size >> 20),
               grown_kb);
}

TEST_F(SimTelegram, LocalModeBotHandsOverAFileUri) {
  auto o = ember();
  o.account = "local";
  o.token = kLocalToken;
  o.local_file_uri = true;
  BotApiUploader up(o);
  auto p = media("CM_M000004_2160P.mp4", 300'000, 5);
  auto f = file(p, "CM_M000004_2160P", "l0l0l0");
  f.as_video = false;
  auto r = up.upload(f, kMovies, {});
  auto stored = messages(kMovies);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0]["file"]["sha256"], test::sha256_file(p));
  EXPECT_EQ(r.file_unique_id, stored[0]["file"]["file_unique_id"].get<std::string>());
}

TEST_F(SimTelegram, FindByNonceFindsTheEarlierUploadAndIgnoresOthers) {
  BotApiUploader up(ember());
  auto first = up.upload(file(media("x.mp4", 1000, 6), "CM_M000005_720P", "aaaaaa"), kMovies, {});
  auto mine = up.upload(file(media("y.mp4", 2000, 7), "CM_M000006_720P", "bbbbbb"), kMovies, {});
  up.upload(file(media("z.mp4", 3000, 8), "CM_M000007_720P", "bbbbbbb"), kMovies, {});

  auto found = up.find_by_nonce(kMovies, first.message_id - 1, "bbbbbb");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->message_id, mine.message_id);
  EXPECT_EQ(found->file_unique_id, mine.file_unique_id);
  EXPECT_EQ(found->caption, "CM_M000006_720P #bbbbbb");
  EXPECT_FALSE(up.find_by_nonce(kMovies, mine.message_id, "bbbbbb").has_value());
  EXPECT_FALSE(up.find_by_nonce(kMovies, 0, "cccccc").has_value());
  // The probe copies were deleted from the index chat; the storage channel is untouched.
  EXPECT_TRUE(messages(kIndex).empty());
  EXPECT_EQ(messages(kMovies).size(), 3u);
}

TEST_F(SimTelegram, DoctorNamesTheMissingRight) {
  std::ofstream(dir_ / "cmup.toml")
      << "[general]\ndata_dir = \"" << (dir_ / "data").string() << "\"\n"
      << "[telegram]\nbot_api_url = \"" << url() << "\"\nindex_chat_id = " << kIndex
      << "\n[[accounts]]\nname = \"ember\"\nbackend = \"botapi\"\nkind = \"cloud_bot\"\n"
      << "[[channels]]\nchat_id = " << kMovies << "\nkind = \"movie\"\n"
      << "[[channels]]\nchat_id = " << kNoPost << "\nkind = \"movie\"\n";
  auto r = test::run({test::cmup_binary(), "--config", (dir_ / "cmup.toml").string(), "doctor"},
                     {{"CMUP_ACCOUNT_EMBER_TOKEN", kEmberToken}});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("ok       account ember (@ember_bot) -> storage chat -1001000000001"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(
                "MISSING  account ember (@ember_bot) -> storage chat -1001000000002: missing: Post messages"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find(kEmberToken), std::string::npos) << "the token must not be printed";
}

}  // namespace
}  // namespace cmup
