// The Bot API uploader against a tiny in-process Bot API server (fake_bot_api.hpp): what
// lands in the channel, in which order, with which caption, and how each failure surfaces.
#include "telegram/bot_api_uploader.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "fake_bot_api.hpp"
#include "support/test_support.hpp"

namespace cmup {
namespace {

constexpr std::int64_t kChannel = -1001000000001;
constexpr std::int64_t kIndex = -1001000000099;
const std::string kToken = "7001:TESTTOKENtesttoken";

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(gen() & 0xff);
  return s;
}

std::filesystem::path write_file(const test::TempDir& dir, const std::string& name,
                                 const std::string& content) {
  auto p = dir / name;
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

BotApiUploaderOptions options(const test::FakeBotApi& api) {
  BotApiUploaderOptions o;
  o.account = "ember";
  o.base_url = api.url();
  o.token = kToken;
  o.max_upload_bytes = 50'000'000;
  o.index_chat_id = kIndex;
  return o;
}

UploadFile video(const std::filesystem::path& p, const std::string& name, const std::string& caption) {
  UploadFile f;
  f.bytes.file = p;
  f.file_name = name + ".mp4";
  f.caption = caption;
  f.duration_s = 61.4;
  f.width = 1920;
  f.height = 1080;
  return f;
}

TEST(BotApiUploader, SingleFileLandsWithCodedCaptionMetadataAndMatchingResult) {
  test::TempDir dir;
  test::FakeBotApi api(kToken);
  api.writable(kChannel);
  auto content = random_bytes(300'000, 1);
  auto path = write_file(dir, "a.mp4", content);
  auto thumb = write_file(dir, "t.jpg", "\xff\xd8jpeg");
  BotApiUploader up(options(api));
  auto f = video(path, "CM_M000321_1080P", "CM_M000321_1080P #a1b2c3");
  f.thumbnail_path = thumb.string();
  std::vector<Progress> seen;
  auto r = up.upload(f, kChannel, [&](const Progress& p) { seen.push_back(p); });

  auto stored = api.messages(kChannel);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].method, "sendVideo");
  EXPECT_EQ(stored[0].caption, "CM_M000321_1080P #a1b2c3");
  EXPECT_EQ(stored[0].file_name, "CM_M000321_1080P.mp4");
  EXPECT_EQ(stored[0].content, content);
  EXPECT_EQ(stored[0].fields["duration"], "61");
  EXPECT_EQ(stored[0].fields["width"], "1920");
  EXPECT_EQ(stored[0].fields["height"], "1080");
  EXPECT_EQ(stored[0].fields["supports_streaming"], "true");
  EXPECT_TRUE(stored[0].had_thumbnail);

  EXPECT_EQ(r.channel_id, kChannel);
  EXPECT_EQ(r.message_id, stored[0].message_id);
  EXPECT_EQ(r.file_id, stored[0].file_id);
  EXPECT_EQ(r.file_unique_id, stored[0].file_unique_id);
  EXPECT_EQ(r.size_bytes, 300'000);
  EXPECT_EQ(r.width, 1920);
  EXPECT_EQ(r.height, 1080);
  EXPECT_EQ(r.duration_s, 61);
  EXPECT_EQ(r.mime_type, "video/mp4");
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().bytes_done, 300'000);
  EXPECT_EQ(seen.back().bytes_total, 300'000);
}

TEST(BotApiUploader, ThreePartsLandInOrderInOneChannel) {
  test::TempDir dir;
  test::FakeBotApi api(kToken);
  api.writable(kChannel);
  BotApiUploader up(options(api));
  std::vector<std::string> contents;
  std::vector<UploadResult> results;
  for (int i = 1; i <= 3; ++i) {
    contents.push_back(random_bytes(100'000 + i, static_cast<unsigned>(i)));
    std::string name = "CM_T000007_S01E02_720P_P" + std::to_string(i) + "of3";
    auto p = write_file(dir, name + ".mp4", contents.back());
    results.push_back(up.upload(video(p, name, name + " #n0nce1"), kChannel, {}));
  }
  auto stored = api.messages(kChannel);
  ASSERT_EQ(stored.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    std::string name = "CM_T000007_S01E02_720P_P" + std::to_string(i + 1) + "of3";
    EXPECT_EQ(stored[i].caption, name + " #n0nce1");
    EXPECT_EQ(stored[i].content, contents[i]);
    EXPECT_EQ(results[i].message_id, stored[i].message_id);
    EXPECT_EQ(results[i].file_unique_id, stored[i].file_unique_id);
    if (i > 0) {
      EXPECT_GT(results[i].message_id, results[i - 1].message_id);
    }
  }
}

TEST(BotApiUploader, StreamSourceArrivesByteIdenticalWithKnownLength) {
  test::TempDir dir;
  test::FakeBotApi api(kToken);
  api.writable(kChannel);
  BotApiUploader up(options(api));
  const auto content = random_bytes(3'000'000, 7);
  std::size_t offset = 0;
  std::size_t largest_request = 0;
  UploadFile f;
  f.file_name = "CM_M000001_480P.mp4";
  f.caption = "CM_M000001_480P #s7r3am";
  f.bytes.size = static_cast<std::int64_t>(content.size());
  // Hands out uneven small pieces, as a network source does.
  f.bytes.read = [&](char* buf, std::size_t cap) -> std::ptrdiff_t {
    largest_request = std::max(largest_request, cap);
    std::size_t n = std::min({cap, content.size() - offset, static_cast<std::size_t>(4096 + offset % 7919)});
    std::memcpy(buf, content.data() + offset, n);
    offset += n;
    return static_cast<std::ptrdiff_t>(n);
  };
  auto r = up.upload(f, kChannel, {});
  auto stored = api.messages(kChannel);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].content.size(), content.size());
  EXPECT_TRUE(stored[0].content == content);
  EXPECT_EQ(r.size_bytes, static_cast<std::int64_t>(content.size()));
  // The stream fills libcurl's upload buffer directly: nothing asks for the whole file.
  EXPECT_LT(largest_request, content.size());
}

TEST(BotApiUploader, StreamThatEndsEarlyIsTransientAndPostsNothing) {
  test::TempDir dir;
  test::FakeBotApi api(kToken);
  api.writable(kChannel);
  BotApiUploader up(options(api));
  std::size_t given = 0;
  UploadFile f;
  f.file_name = "CM_M000001_480P.mp4";
  f.caption = "CM_M000001_480P #s7r3am";
  f.bytes.size = 1'000'000;
  f.bytes.read = [&](char* buf, std::size_t cap) -> std::ptrdiff_t {
    std::size_t n = std::min<std::size_t>(cap, 400'000 - given);
    std::memset(buf, 'x', n);
    given += n;
    return static_cast<std::ptrdiff_t>(n);
  };
  try {
    up.upload(f, kChannel, {});
    FAIL() << "expected an UploadError";
  } catch (const UploadError& e) {
    EXPECT_EQ(e.kind, UploadError::Kind::Transient);
    EXPECT_NE(std::string(e.what()).find("400000 of 1000000"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(api.messages(kChannel).empty());
}

TEST(BotApiUploader, TooManyRequestsIsFloodWaitWithRetryAfter) {
  test::TempDir dir;
  test::FakeBotApi api(kToken);
  api.writable(kChannel);
  api.fail_next_send(429, {{"ok", false},
                           {"error_code", 429},
                           {"description", "Too Many Requests: retry after 37"},
                           {"parameters", {{"retry_after", 37}}}});
  BotApiUploader up(options(api));
  auto p = write_file(dir, "a.mp4", random_bytes(1000, 3));
  try {
    up.upload(video(p, "CM_M000002_720P", "CM_M000002_720P #x"), kChannel, {});
    FAIL() << "expected FloodWait";
  } catch (const UploadError& e) {
    EXPECT_EQ(e.kind, UploadError::Kind::FloodWait);
    EXPECT_EQ(e.retry_after_s, 37);
  }
  // After the wait the same upload goes through.
  auto r = up.upload(video(p, "CM_M000002_720P", "CM_M000002_720P #x"), kChannel, {});
  EXPECT_EQ(api.messages(kChannel).size(), 1u);
  EXPECT_EQ(r.message_id, api.messages(kChannel)[0].message_id);
}

TEST(BotApiUploader, ChannelWithoutRightsFailsWithOperatorMessage) {
  test::TempDir dir;
  test::FakeBotApi api(kToken);
  api.read_only(kChannel);
  BotApiUploader up(options(api));
  auto p = write_file(dir, "a.mp4", random_bytes(1000, 4));
  try {
    up.upload(video(p, "CM_M000003_720P", "CM_M000003_720P #x"), kChannel, {});
    FAIL() << "expected Rights";
  } catch (const UploadError& e) {
    EXPECT_EQ(e.kind, UploadError::Kind::Rights);
    std::string m = e.what();
    EXPECT_NE(m.find("account ember cannot post to channel -1001000000001"), std::string::npos) << m;
    EXPECT_NE(m.find("not enough rights"), std::string::npos) << m;
    EXPECT_NE(m.find("'Post messages'"), std::string::npos) << m;
  }
}

TEST(BotApiUploader, UnknownChannelIsRightsError) {
  test::TempDir dir;
  test::FakeBotApi api(kToken);
  BotApiUploader up(options(api));
  auto p = write_file(dir, "a.mp4", random_bytes(1000, 5));
  try {
    up.upload(video(p, "CM_M000003_720P", "CM_M000003_720P #x"), kChannel, {});
    FAIL() << "expected Rights";
  } catch (const UploadError& e) {
    EXPECT_EQ(e.kind, UploadError::Kind::Rights);
    EXPECT_NE(std::string(e.what()).find("chat not found"), std::string::npos);
  }
}

TEST(BotApiUploader, ServerRefusingTheSizeIsTooBig) {
  test::TempDir dir;
  test::FakeBotApi api(kToken);
  api.writable(kChannel);
  api.set_max_upload(500);
  auto opts = options(api);
  opts.max_upload_bytes = 800;
  BotApiUploader up(opts);
  auto small = write_file(dir, "s.mp4", random_bytes(600, 6));
  try {
    up.upload(video(small, "CM_M000004_720P", "c"), kChannel, {});
    FAIL() << "expected TooBig";
  } catch (const UploadError& e) {
    EXPECT_EQ(e.kind, UploadError::Kind::TooBig);
    EXPECT_EQ(e.limit_bytes, 0);  // the server's real limit is below ours and unknown
  }
  auto big = write_file(dir, "b.mp4", random_bytes(900, 6));
  try {
    up.upload(video(big, "CM_M000004_720P", "c"), kChannel, {});
    FAIL() << "expected TooBig";
  } catch (const UploadError& e) {
    EXPECT_EQ(e.kind, UploadError::Kind::TooBig);
    EXPECT_EQ(e.limit_bytes, 800);
  }
  EXPECT_TRUE(api.messages(kChannel).empty());
}

TEST(BotApiUploader, UnreachableServerIsTransient) {
  test::TempDir dir;
  BotApiUploaderOptions o;
  o.account = "ember";
  o.base_url = "http://127.0.0.1:" + std::to_string(test::free_port());
  o.token = kToken;
  BotApiUploader up(o);
  auto p = write_file(dir, "a.mp4", "abc");
  try {
    up.upload(video(p, "CM_M000005_720P", "c"), kChannel, {});
    FAIL() << "expected Transient";
  } catch (const UploadError& e) {
    EXPECT_EQ(e.kind, UploadError::Kind::Transient);
    EXPECT_EQ(std::string(e.what()).find(kToken), std::string::npos) << "the token must not leak";
  }
}

TEST(BotApiUploader, LocalModeHandsTheFileOverByUri) {
  test::TempDir dir;
  test::FakeBotApi api(kToken);
  api.writable(kChannel);
  auto opts = options(api);
  opts.local_file_uri = true;
  BotApiUploader up(opts);
  auto content = random_bytes(5000, 8);
  auto p = write_file(dir, "CM_M000006_1080P.mp4", content);
  auto f = video(p, "CM_M000006_1080P", "CM_M000006_1080P #l0c4l");
  f.as_video = false;
  auto r = up.upload(f, kChannel, {});
  auto stored = api.messages(kChannel);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].method, "sendDocument");
  EXPECT_EQ(stored[0].fields["document"], "file://" + p.string());
  EXPECT_EQ(stored[0].content, content);
  EXPECT_EQ(r.file_unique_id, stored[0].file_unique_id);
}

TEST(BotApiUploader, FindByNonceFindsTheEarlierUploadAndIgnoresOthers) {
  test::TempDir dir;
  test::FakeBotApi api(kToken);
  api.writable(kChannel);
  api.writable(kIndex);
  BotApiUploader up(options(api));
  auto before = api.post(kChannel, "CM_M000009_720P #zzzzzz");  // an older upload
  auto p = write_file(dir, "a.mp4", random_bytes(2000, 9));
  api.post(kChannel, "CM_M000010_720P #a1b2c3d");  // a longer, different nonce
  auto mine = up.upload(video(p, "CM_M000010_720P", "CM_M000010_720P #a1b2c3"), kChannel, {});
  api.post(kChannel, "CM_M000011_720P #ffffff");

  auto found = up.find_by_nonce(kChannel, before, "a1b2c3");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->message_id, mine.message_id);
  EXPECT_EQ(found->channel_id, kChannel);
  EXPECT_EQ(found->file_unique_id, mine.file_unique_id);
  EXPECT_EQ(found->caption, "CM_M000010_720P #a1b2c3");
  // Probe copies are removed from the index chat.
  EXPECT_TRUE(api.messages(kIndex).empty());

  EXPECT_FALSE(up.find_by_nonce(kChannel, before, "999999").has_value());
  EXPECT_FALSE(up.find_by_nonce(kChannel, mine.message_id, "a1b2c3").has_value());
  EXPECT_TRUE(api.messages(kIndex).empty());
}

}  // namespace
}  // namespace cmup
