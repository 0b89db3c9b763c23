// copyMessages as the Bot API has it (1-100 ids, strictly increasing, missing ones skipped,
// album grouping kept only for albums, captions kept unless remove_caption), and the call log
// tests use to prove an order of calls.
#include <gtest/gtest.h>

#include "sim_fixture.hpp"

namespace cmup::simtg::test {
namespace {

class CopyMessages : public ::testing::Test {
 protected:
  cmup::test::TempDir dir;
  Sim sim{dir};

  std::int64_t store(const std::string& name, unsigned seed) {
    auto up = sim.upload(kStoreToken, "sendVideo", {{"chat_id", std::to_string(kStore)}, {"caption", name}},
                         {{"video", name + ".mp4", random_bytes(1500, seed)}});
    EXPECT_EQ(up.status, 200) << up.body.dump();
    return up.body["result"]["message_id"].get<std::int64_t>();
  }
  void open_chat(std::int64_t user) {
    ASSERT_EQ(sim.control_post("/control/user_message",
                               {{"bot", "deliver_bot"}, {"user_id", user}, {"text", "/start"}})
                  .status,
              200);
  }
};

TEST_F(CopyMessages, CopiesInOrderAsSeparateMessagesAndCanDropTheCaptions) {
  auto a = store("CM_A_1080P #n1", 1), b = store("CM_A_1080P #n2", 2), c = store("CM_A_1080P #n3", 3);
  open_chat(kBob);
  auto r = sim.call(
      kDeliverToken, "copyMessages",
      {{"chat_id", kBob}, {"from_chat_id", kStore}, {"message_ids", {a, b, c}}, {"remove_caption", true}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  ASSERT_EQ(r.body["result"].size(), 3u);
  for (const auto& id : r.body["result"]) EXPECT_TRUE(id.contains("message_id"));
  auto bob = sim.messages(kBob, "deliver_bot");
  auto stored = sim.messages(kStore);
  std::vector<json> files;
  for (auto& m : bob)
    if (m.contains("file")) files.push_back(m);
  ASSERT_EQ(files.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(files[i]["file"]["sha256"], stored[i]["file"]["sha256"]);
    EXPECT_FALSE(files[i].contains("caption") && !files[i]["caption"].is_null() && files[i]["caption"] != "")
        << files[i].dump();
    EXPECT_FALSE(files[i].contains("forward_origin"));
    // Separate messages stored separately stay separate: no album is made of them.
    EXPECT_TRUE(!files[i].contains("media_group_id") || files[i]["media_group_id"].is_null() ||
                files[i]["media_group_id"] == "");
  }
  // Without remove_caption the stored captions come along.
  auto kept = sim.call(kDeliverToken, "copyMessages",
                       {{"chat_id", kBob}, {"from_chat_id", kStore}, {"message_ids", {a}}});
  ASSERT_EQ(kept.status, 200) << kept.body.dump();
  EXPECT_EQ(sim.messages(kBob, "deliver_bot").back()["caption"], "CM_A_1080P #n1");
}

TEST_F(CopyMessages, RefusesWhatTelegramRefusesAndSkipsMissingMessages) {
  auto a = store("CM_B #1", 4), b = store("CM_B #2", 5);
  open_chat(kBob);
  auto call = [&](const json& ids) {
    return sim.call(kDeliverToken, "copyMessages",
                    {{"chat_id", kBob}, {"from_chat_id", kStore}, {"message_ids", ids}});
  };
  EXPECT_EQ(call({b, a}).body["description"],
            "Bad Request: message identifiers must be in a strictly increasing order");
  EXPECT_EQ(call(json::array()).body["description"], "Bad Request: message identifiers are not specified");
  std::vector<std::int64_t> many(101);
  for (int i = 0; i < 101; ++i) many[i] = i + 1;
  EXPECT_EQ(call(many).body["description"], "Bad Request: too many message identifiers specified");
  EXPECT_EQ(call({0}).body["description"], "Bad Request: invalid message identifier specified");
  // A missing message is skipped; only when none is left does the call fail.
  auto some = call({a, 999});
  ASSERT_EQ(some.status, 200) << some.body.dump();
  EXPECT_EQ(some.body["result"].size(), 1u);
  auto none = call({998, 999});
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(none.body["description"], "Bad Request: messages can't be forwarded");
}

TEST_F(CopyMessages, CallLogListsCallsInArrivalOrderWithTheIdsTheyName) {
  auto a = store("CM_C #1", 6);
  open_chat(kBob);
  ASSERT_EQ(sim.control_get("/control/calls").status, 200);
  ASSERT_EQ(sim.client().Delete("/control/calls")->status, 200);
  sim.call(kDeliverToken, "copyMessage", {{"chat_id", kBob}, {"from_chat_id", kStore}, {"message_id", a}});
  sim.call(kDeliverToken, "forwardMessage",
           {{"chat_id", kIndex}, {"from_chat_id", kStore}, {"message_id", a}});
  auto calls = sim.control_get("/control/calls").body["calls"];
  ASSERT_EQ(calls.size(), 2u) << calls.dump();
  EXPECT_EQ(calls[0]["method"], "copyMessage");
  EXPECT_EQ(calls[0]["bot"], "deliver_bot");
  EXPECT_EQ(calls[0]["chat_id"], kBob);
  EXPECT_EQ(calls[1]["method"], "forwardMessage");
  EXPECT_EQ(calls[1]["chat_id"], kIndex);
  EXPECT_EQ(calls[1]["message_id"], a);
  EXPECT_LT(calls[0]["seq"].get<std::int64_t>(), calls[1]["seq"].get<std::int64_t>());
  EXPECT_EQ(calls.dump().find("TOKEN"), std::string::npos);  // never a token
}

}  // namespace
}  // namespace cmup::simtg::test
