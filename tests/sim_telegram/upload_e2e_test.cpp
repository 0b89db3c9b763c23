// Uploads into cmup-sim-telegram: bytes stored exactly, Telegram's size caps and their
// error shapes, local-mode file:// inputs, and getFile/download of what was stored.
#include "sim_fixture.hpp"

namespace cmup::simtg::test {
namespace {

class Upload : public ::testing::Test {
 protected:
  cmup::test::TempDir dir;
  Sim sim{dir};
};

TEST_F(Upload, MultipartVideoIsStoredByteIdenticalWithItsAttributes) {
  const std::string bytes = random_bytes(150000, 1);
  const std::string src = write_file(dir / "CM_M000321_1080P.mp4", bytes);
  auto r = sim.upload(kStoreToken, "sendVideo",
                      {{"chat_id", std::to_string(kStore)}, {"caption", "CM_M000321_1080P #a1b2c3"}, {"duration", "42"},
                       {"width", "1920"}, {"height", "1080"}, {"supports_streaming", "true"}},
                      {{"video", "CM_M000321_1080P.mp4", bytes}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  ASSERT_TRUE(r.body["ok"].get<bool>());
  const json& msg = r.body["result"];
  EXPECT_EQ(msg["message_id"], 1);
  EXPECT_EQ(msg["chat"]["id"], kStore);
  EXPECT_EQ(msg["chat"]["type"], "channel");
  EXPECT_EQ(msg["sender_chat"]["id"], kStore);
  EXPECT_EQ(msg["caption"], "CM_M000321_1080P #a1b2c3");
  const json& v = msg["video"];
  EXPECT_EQ(v["file_name"], "CM_M000321_1080P.mp4");
  EXPECT_EQ(v["mime_type"], "video/mp4");
  EXPECT_EQ(v["file_size"], 150000);
  EXPECT_EQ(v["duration"], 42);
  EXPECT_EQ(v["width"], 1920);
  EXPECT_EQ(v["height"], 1080);
  EXPECT_FALSE(v["file_id"].get<std::string>().empty());
  EXPECT_FALSE(v["file_unique_id"].get<std::string>().empty());

  auto listed = sim.messages(kStore);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["file"]["sha256"], cmup::test::sha256_file(src));
  EXPECT_EQ(listed[0]["file"]["size"], 150000);
  EXPECT_EQ(listed[0]["sender"]["username"], "store_bot");
  EXPECT_EQ(cmup::test::sha256_file(listed[0]["file"]["path"].get<std::string>()), cmup::test::sha256_file(src));
}

TEST_F(Upload, ChannelMessageIdsAreSequentialAndDocumentsKeepTheirName) {
  for (int i = 1; i <= 3; ++i) {
    auto r = sim.upload(kStoreToken, "sendDocument",
                        {{"chat_id", std::to_string(kStore)}, {"caption", "CM_M1_720P part " + std::to_string(i)}},
                        {{"document", "CM_M1_720P.part" + std::to_string(i) + ".mkv", random_bytes(1000, i)}});
    ASSERT_EQ(r.status, 200) << r.body.dump();
    EXPECT_EQ(r.body["result"]["message_id"], i);
    EXPECT_EQ(r.body["result"]["document"]["file_name"], "CM_M1_720P.part" + std::to_string(i) + ".mkv");
    EXPECT_EQ(r.body["result"]["document"]["mime_type"], "video/x-matroska");
  }
  auto listed = sim.messages(kStore);
  ASSERT_EQ(listed.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(listed[i]["caption"], "CM_M1_720P part " + std::to_string(i + 1));
}

TEST_F(Upload, NonMp4SentAsVideoArrivesAsDocumentLikeTelegram) {
  auto r = sim.upload(kStoreToken, "sendVideo", {{"chat_id", std::to_string(kStore)}},
                      {{"video", "movie.mkv", random_bytes(500, 3)}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_FALSE(r.body["result"].contains("video"));
  EXPECT_EQ(r.body["result"]["document"]["file_name"], "movie.mkv");
}

TEST_F(Upload, OverTheCloudCapIsRefusedWith413AndNothingIsStored) {
  auto r = sim.upload(kStoreToken, "sendVideo", {{"chat_id", std::to_string(kStore)}},
                      {{"video", "big.mp4", random_bytes(200001, 4)}});
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.body, json::parse(R"({"ok":false,"error_code":413,"description":"Request Entity Too Large"})"));
  EXPECT_TRUE(sim.messages(kStore).empty());
  EXPECT_TRUE(std::filesystem::is_empty(sim.data_dir() / "files"));
  EXPECT_TRUE(std::filesystem::is_empty(sim.data_dir() / "tmp"));
  // Exactly at the cap is fine.
  auto ok = sim.upload(kStoreToken, "sendVideo", {{"chat_id", std::to_string(kStore)}},
                       {{"video", "fits.mp4", random_bytes(200000, 5)}});
  EXPECT_EQ(ok.status, 200) << ok.body.dump();
}

TEST_F(Upload, LocalModeBotSendsByFileUriAndGetsFileIsTooBigOverItsCap) {
  const std::string small = write_file(dir / "CM_S1_E1_1080P.mp4", random_bytes(250000, 6));
  auto r = sim.call(kLocalToken, "sendVideo", {{"chat_id", kStore}, {"video", "file://" + small}, {"caption", "x"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["result"]["video"]["file_size"], 250000);
  EXPECT_EQ(r.body["result"]["video"]["file_name"], "CM_S1_E1_1080P.mp4");
  EXPECT_EQ(sim.messages(kStore).at(0)["file"]["sha256"], cmup::test::sha256_file(small));

  const std::string big = write_file(dir / "big.mp4", random_bytes(300001, 7));
  auto tooBig = sim.call(kLocalToken, "sendVideo", {{"chat_id", kStore}, {"video", "file://" + big}});
  EXPECT_EQ(tooBig.status, 400);
  EXPECT_EQ(tooBig.body, json::parse(R"({"ok":false,"error_code":400,"description":"Bad Request: file is too big"})"));

  // A cloud bot cannot name a local file.
  auto cloud = sim.call(kStoreToken, "sendVideo", {{"chat_id", kStore}, {"video", "file://" + small}});
  EXPECT_EQ(cloud.status, 400);
  EXPECT_EQ(cloud.body["description"], "Bad Request: wrong file identifier/HTTP URL specified");
}

TEST_F(Upload, ThumbnailIsKeptWhenItIsASmallJpeg) {
  // A minimal JPEG header: SOI, then SOF0 declaring 320x180.
  std::string jpeg = std::string("\xFF\xD8\xFF\xC0\x00\x11\x08\x00\xB4\x01\x40", 11) + std::string(14, '\0');
  auto r = sim.upload(kStoreToken, "sendVideo", {{"chat_id", std::to_string(kStore)}, {"thumbnail", "attach://thumb1"}},
                      {{"video", "a.mp4", random_bytes(100, 8)}, {"thumb1", "t.jpg", jpeg}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  const json& t = r.body["result"]["video"]["thumbnail"];
  EXPECT_EQ(t["width"], 320);
  EXPECT_EQ(t["height"], 180);
  EXPECT_EQ(t["file_size"], jpeg.size());
}

TEST_F(Upload, GetFileGivesAPathThatDownloadsTheSameBytes) {
  const std::string bytes = random_bytes(5000, 9);
  auto r = sim.upload(kStoreToken, "sendDocument", {{"chat_id", std::to_string(kStore)}},
                      {{"document", "notes.srt", bytes}});
  ASSERT_EQ(r.status, 200);
  const std::string file_id = r.body["result"]["document"]["file_id"];
  auto f = sim.call(kStoreToken, "getFile", {{"file_id", file_id}});
  ASSERT_EQ(f.status, 200) << f.body.dump();
  EXPECT_EQ(f.body["result"]["file_size"], 5000);
  auto c = sim.client();
  auto dl = c.Get("/file/bot" + kStoreToken + "/" + f.body["result"]["file_path"].get<std::string>());
  ASSERT_TRUE(dl);
  EXPECT_EQ(dl->status, 200);
  EXPECT_EQ(dl->body, bytes);
}

TEST_F(Upload, MediaGroupGetsConsecutiveIdsAndOneGroupId) {
  auto r = sim.upload(kStoreToken, "sendMediaGroup",
                      {{"chat_id", std::to_string(kStore)},
                       {"media", json::array({{{"type", "document"}, {"media", "attach://p1"}, {"caption", "CM_M2 1/2"}},
                                              {{"type", "document"}, {"media", "attach://p2"}, {"caption", "CM_M2 2/2"}}})
                                     .dump()}},
                      {{"p1", "CM_M2.part1.mkv", random_bytes(300, 10)}, {"p2", "CM_M2.part2.mkv", random_bytes(300, 11)}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  ASSERT_EQ(r.body["result"].size(), 2u);
  EXPECT_EQ(r.body["result"][0]["message_id"], 1);
  EXPECT_EQ(r.body["result"][1]["message_id"], 2);
  EXPECT_EQ(r.body["result"][0]["media_group_id"], r.body["result"][1]["media_group_id"]);
  EXPECT_EQ(r.body["result"][1]["caption"], "CM_M2 2/2");
}

}  // namespace
}  // namespace cmup::simtg::test
