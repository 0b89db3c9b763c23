// Inline queries and blocked users, as Telegram has them: answerInlineQuery's limits and
// refusals, a chosen result posted by file id, and 403 "bot was blocked by the user".
#include "sim_fixture.hpp"

namespace cmup::simtg::test {
namespace {

json inline_world() {
  json w = default_world();
  for (auto& b : w["bots"])
    if (b["username"] == "deliver_bot") b["inline_mode"] = true;
  return w;
}

class InlineAndBlock : public ::testing::Test {
 protected:
  cmup::test::TempDir dir;
  Sim sim{dir, {}, inline_world()};

  // A video in the index channel, and deliver_bot's own file id for it (from a forward).
  std::string deliver_bots_file_id() {
    auto up = sim.upload(kStoreToken, "sendVideo", {{"chat_id", std::to_string(kStore)}},
                         {{"video", "a.mp4", random_bytes(900, 61)}});
    EXPECT_EQ(up.status, 200) << up.body.dump();
    auto fwd = sim.call(kDeliverToken, "forwardMessage",
                        {{"chat_id", kIndex}, {"from_chat_id", kStore}, {"message_id", up.body["result"]["message_id"]}});
    EXPECT_EQ(fwd.status, 200) << fwd.body.dump();
    store_bots_id = up.body["result"]["video"]["file_id"];
    return fwd.body["result"]["video"]["file_id"];
  }
  std::string query(const std::string& text) {
    auto r = sim.control_post("/control/inline_query", {{"bot", "deliver_bot"}, {"user_id", kAnn}, {"query", text}});
    EXPECT_EQ(r.status, 200) << r.body.dump();
    EXPECT_EQ(r.body["update"]["inline_query"]["query"], text);
    return r.body["inline_query_id"];
  }
  static json video(const std::string& id, const std::string& file_id) {
    return {{"type", "video"}, {"id", id}, {"video_file_id", file_id}, {"title", "Dune"}};
  }
  Reply answer(const std::string& qid, const json& results, const json& extra = json::object()) {
    json p = {{"inline_query_id", qid}, {"results", results}};
    p.update(extra);
    return sim.call(kDeliverToken, "answerInlineQuery", p);
  }
  std::string store_bots_id;
};

TEST_F(InlineAndBlock, AnswerInlineQueryEnforcesTelegramsLimits) {
  auto mine = deliver_bots_file_id();
  auto qid = query("dune");
  json many = json::array();
  for (int i = 0; i < 51; ++i) many.push_back(video("r" + std::to_string(i), mine));
  struct Case {
    json results;
    std::string description;
  };
  const Case cases[] = {
      {many, "Bad Request: RESULTS_TOO_MUCH"},
      {json::array({video(std::string(65, 'x'), mine)}), "Bad Request: RESULT_ID_INVALID"},
      {json::array({video("", mine)}), "Bad Request: RESULT_ID_INVALID"},
      {json::array({video("a", mine), video("a", mine)}), "Bad Request: RESULT_ID_DUPLICATE"},
      // Another bot's file id cannot be offered as this bot's cached file.
      {json::array({video("a", store_bots_id)}), "Bad Request: wrong file identifier/HTTP URL specified"},
  };
  for (const auto& c : cases) {
    auto r = answer(qid, c.results);
    EXPECT_EQ(r.status, 400) << c.description;
    EXPECT_EQ(r.body.value("description", ""), c.description);
  }
  auto long_offset = answer(qid, json::array({video("a", mine)}), {{"next_offset", std::string(65, '1')}});
  EXPECT_EQ(long_offset.body.value("description", ""), "Bad Request: NEXT_OFFSET_INVALID");
  // A valid answer is taken once.
  json fifty = json::array();
  for (int i = 0; i < 50; ++i) fifty.push_back(video("r" + std::to_string(i), mine));
  auto ok = answer(qid, fifty, {{"cache_time", 60}, {"next_offset", "50"}});
  EXPECT_EQ(ok.status, 200) << ok.body.dump();
  EXPECT_EQ(answer(qid, fifty).status, 400);
  auto state = sim.control_get("/control/inline_queries/" + qid);
  EXPECT_EQ(state.body["answered"], true);
  EXPECT_EQ(state.body["answer"]["results"].size(), 50u);
  EXPECT_EQ(state.body["answer"]["cache_time"], 60);
  EXPECT_EQ(state.body["answer"]["next_offset"], "50");
}

TEST_F(InlineAndBlock, AChosenResultIsPostedByFileIdViaTheBot) {
  auto mine = deliver_bots_file_id();
  auto files_before = sim.control_get("/control/stats").body["files_stored"];
  auto qid = query("dune");
  json result = video("o1", mine);
  result["caption"] = "Dune (2021) · 4K";
  ASSERT_EQ(answer(qid, json::array({result})).status, 200);
  auto chosen = sim.control_post("/control/choose_inline_result", {{"inline_query_id", qid}, {"result_id", "o1"}});
  ASSERT_EQ(chosen.status, 200) << chosen.body.dump();
  auto m = chosen.body["message"];
  EXPECT_EQ(m["sender"]["id"], kAnn);
  EXPECT_EQ(m["via_bot_id"], 222);
  EXPECT_EQ(m["kind"], "video");
  EXPECT_EQ(m["caption"], "Dune (2021) · 4K");
  EXPECT_EQ(sim.control_get("/control/stats").body["files_stored"], files_before);  // no upload
  EXPECT_EQ(sim.control_post("/control/choose_inline_result", {{"inline_query_id", qid}, {"result_id", "nope"}}).status,
            404);
}

TEST_F(InlineAndBlock, NoInlineQueriesForABotWithoutInlineMode) {
  auto r = sim.control_post("/control/inline_query", {{"bot", "store_bot"}, {"user_id", kAnn}, {"query", "x"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.value("error", "").find("/setinline"), std::string::npos);
}

TEST_F(InlineAndBlock, ABlockedUserRefusesMessagesUntilWritingAgain) {
  ASSERT_EQ(sim.control_post("/control/user_message", {{"bot", "deliver_bot"}, {"user_id", kAnn}, {"text", "/start"}}).status,
            200);
  ASSERT_EQ(sim.call(kDeliverToken, "sendMessage", {{"chat_id", kAnn}, {"text", "hi"}}).status, 200);
  ASSERT_EQ(sim.control_post("/control/block", {{"bot", "deliver_bot"}, {"user_id", kAnn}, {"blocked", true}}).status, 200);
  auto refused = sim.call(kDeliverToken, "sendMessage", {{"chat_id", kAnn}, {"text", "hi"}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.body, json::parse(R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})"));
  // The bot hears of it as Telegram tells it: my_chat_member, kicked.
  auto updates = sim.call(kDeliverToken, "getUpdates", {{"timeout", 0}});
  bool kicked = false;
  for (auto& u : updates.body["result"])
    if (u.contains("my_chat_member")) kicked = u["my_chat_member"]["new_chat_member"]["status"] == "kicked";
  EXPECT_TRUE(kicked);
  // Writing again (the app's "Restart") unblocks.
  ASSERT_EQ(sim.control_post("/control/user_message", {{"bot", "deliver_bot"}, {"user_id", kAnn}, {"text", "/start"}}).status,
            200);
  EXPECT_EQ(sim.call(kDeliverToken, "sendMessage", {{"chat_id", kAnn}, {"text", "back"}}).status, 200);
}

}  // namespace
}  // namespace cmup::simtg::test
