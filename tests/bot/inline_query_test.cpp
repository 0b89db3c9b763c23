// Inline mode's pure parts (src/bot/inline_query.hpp) and the inline_query update parser.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bot/inline_query.hpp"
#include "bot/update.hpp"

namespace cmup::bot {
namespace {

using nlohmann::json;

SendableObject object(std::int64_t id, bool video, int part_no = 1, int part_count = 1) {
  SendableObject s;
  s.object.id = id;
  s.object.bot_file_id = "BOT" + std::to_string(id);
  s.object.mime_type = video ? "video/mp4" : "application/octet-stream";
  s.object.part_no = part_no;
  s.object.part_count = part_count;
  s.object.size_bytes = 1'400'000'000;
  s.caption.title = "Dune";
  s.caption.year = 2021;
  s.caption.quality = "2160P";
  s.caption.part_no = part_no;
  s.caption.part_count = part_count;
  return s;
}

TEST(InlinePage, CachedResultsByTheBotsOwnFileIdWithCaptions) {
  auto page = inline_page({object(7, true, 1, 2), object(8, false)}, 0);
  ASSERT_EQ(page.results.size(), 2u);
  auto v = page.results[0];
  EXPECT_EQ(v["type"], "video");
  EXPECT_EQ(v["id"], "o7");
  EXPECT_EQ(v["video_file_id"], "BOT7");
  EXPECT_EQ(v["title"], "Dune (2021)");
  EXPECT_EQ(v["description"], "4K · 1.4 GB · Part 1 of 2");
  EXPECT_EQ(v["caption"], "Dune (2021) · 4K · Part 1 of 2");
  auto d = page.results[1];
  EXPECT_EQ(d["type"], "document");  // not a video: a cached document, as deliveries send it
  EXPECT_EQ(d["document_file_id"], "BOT8");
  EXPECT_FALSE(d.contains("video_file_id"));
  EXPECT_EQ(page.next_offset, "");
}

TEST(InlinePage, FiftyAPageAndTheNextOffsetUntilTheEnd) {
  std::vector<SendableObject> all;
  for (int i = 1; i <= 120; ++i) all.push_back(object(i, true));
  auto p1 = inline_page(all, 0);
  EXPECT_EQ(p1.results.size(), 50u);
  EXPECT_EQ(p1.next_offset, "50");
  auto p3 = inline_page(all, *parse_inline_offset("100"));
  EXPECT_EQ(p3.results.size(), 20u);
  EXPECT_EQ(p3.results[0]["id"], "o101");
  EXPECT_EQ(p3.next_offset, "");
  EXPECT_TRUE(inline_page(all, 500).results.empty());
}

TEST(InlinePage, OffsetsAreOnlyOurOwn) {
  EXPECT_EQ(parse_inline_offset(""), 0u);
  EXPECT_EQ(parse_inline_offset("50"), 50u);
  for (const char* bad : {"-1", "x", "5 0", "99999999", "50x"}) EXPECT_FALSE(parse_inline_offset(bad)) << bad;
}

TEST(InlineUpdate, ParsedWithQueryOffsetAndUser) {
  json j = {{"update_id", 9},
            {"inline_query",
             {{"id", "5000000000000000001"}, {"from", {{"id", 7001}}}, {"query", "dune"}, {"offset", "50"},
              {"chat_type", "sender"}}}};
  auto u = parse_update(j);
  EXPECT_EQ(u.kind, Update::Kind::InlineQuery);
  EXPECT_EQ(u.inline_query_id, "5000000000000000001");
  EXPECT_EQ(u.text, "dune");
  EXPECT_EQ(u.inline_offset, "50");
  EXPECT_EQ(u.user_id, 7001);
  EXPECT_EQ(u.chat_id, 7001);
  // Broken ones are ignored, never half-read.
  for (json bad : {json{{"update_id", 9}, {"inline_query", {{"id", 5}, {"from", {{"id", 1}}}, {"query", "x"}}}},
                   json{{"update_id", 9}, {"inline_query", {{"id", "1"}, {"query", "x"}}}},
                   json{{"update_id", 9}, {"inline_query", {{"id", "1"}, {"from", {{"id", 1}}}}}}})
    EXPECT_EQ(parse_update(bad).kind, Update::Kind::Ignored) << bad;
}

}  // namespace
}  // namespace cmup::bot
