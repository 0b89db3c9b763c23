// The first delivery after the bot starts, before it knows its own file ids: it must not wait
// for learning. Proven as an order of calls at the simulated Bot API (the user's copy leaves
// before any forward into the index chat), and learning is proven to forward each stored
// message at most once, across restarts, with objects that keep failing never blocking others.
#include <gtest/gtest.h>

#include <map>

#include "bot_fixture.hpp"
#include "util/clock.hpp"

namespace cmup::bot::e2e {
namespace {

namespace fx = fixtures;
using namespace std::chrono_literals;

class ColdDelivery : public BotFixture {
 protected:
  // How often each storage message was forwarded into the index chat (what Telegram holds).
  std::map<std::int64_t, int> forwards_into_index() {
    std::map<std::int64_t, int> n;
    for (auto& m : sim.channel_messages(kIndex))
      if (m.contains("forward_origin") && m["forward_origin"].is_object())
        ++n[m["forward_origin"].value("message_id", std::int64_t{0})];
    return n;
  }
  static std::int64_t as_int(const json& v) {
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_string()) return std::stoll(v.get<std::string>());
    return 0;
  }
};

TEST_F(ColdDelivery, TheUsersCopyLeavesBeforeAnyForwardAndNothingIsForwardedTwice) {
  auto o = options();
  auto bot = start(o);
  // Stored after the bot's start-up learning round: the bot knows no file id of it.
  ASSERT_TRUE(test::wait_until([&] { return bot->stats().learning_rounds >= 1; }, 20s));
  auto v = store_movie("Dune", 2021, 3);
  sim.user_says(kAnn, "/start v" + std::to_string(v.variant_id));
  ASSERT_TRUE(test::wait_until([&] { return sim.files_to(kAnn).size() == 3; }, 20s));
  auto files = sim.files_to(kAnn);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(files[i]["file"]["sha256"], v.parts[i].sha256) << "part " << i + 1;
  ASSERT_TRUE(test::wait_until([&] { return outcome_of_last_delivery(kAnn) == "fallback_copy"; }, 10s));
  // Learnt afterwards, in the background.
  ASSERT_TRUE(test::wait_until([&] { return all_learnt(v); }, 20s));

  // The order of calls: one copy of all three parts to Ann (a warm delivery is one
  // sendMediaGroup: cold costs no extra round trip), and it came before any forward into the
  // index chat: the user never waits for learning.
  std::int64_t copy_seq = 0, copies = 0;
  std::vector<std::int64_t> forward_seqs;
  for (auto& c : sim.calls()) {
    if (c.value("bot", "") != kBotName || !c.contains("chat_id")) continue;
    std::string m = c.value("method", "");
    if ((m == "copyMessages" || m == "copyMessage" || m == "sendVideo" || m == "sendMediaGroup") &&
        as_int(c["chat_id"]) == kAnn) {
      ++copies;
      if (!copy_seq) copy_seq = c["seq"].get<std::int64_t>();
    }
    if (m == "forwardMessage" && as_int(c["chat_id"]) == kIndex)
      forward_seqs.push_back(c["seq"].get<std::int64_t>());
  }
  EXPECT_EQ(copies, 1) << "a cold delivery of three parts is one call";
  ASSERT_NE(copy_seq, 0);
  EXPECT_EQ(forward_seqs.size(), 3u);
  for (auto seq : forward_seqs) EXPECT_GT(seq, copy_seq) << "a forward left before the user's copy";

  // Each stored message was forwarded exactly once.
  auto forwarded = forwards_into_index();
  for (const auto& p : v.parts) EXPECT_EQ(forwarded[p.message_id], 1) << "message " << p.message_id;

  // Warm now, and after a restart: Bob's delivery goes by file id, and nothing is forwarded again.
  bot->stop();
  bot = start(o);
  sim.user_says(kBob, "/start v" + std::to_string(v.variant_id));
  ASSERT_TRUE(test::wait_until([&] { return sim.files_to(kBob).size() == 3; }, 20s));
  ASSERT_TRUE(test::wait_until([&] { return outcome_of_last_delivery(kBob) == "sent"; }, 10s));
  bot->stop();
  EXPECT_EQ(forwards_into_index(), forwarded);
}

TEST_F(ColdDelivery, ARestartNeverForwardsAMessageWhoseForwardWasUnderWay) {
  auto a = store_movie("Heat", 1995, 1);
  auto b = store_movie("Ronin", 1998, 1);
  // As if the previous run claimed `a` and died before hearing Telegram's answer: the forward
  // may have happened, so a restart must not repeat it (b, never tried, is learnt).
  SQLite::Statement q(*db,
                      "INSERT INTO bot_file_id_learning(object_id, state, attempts, claimed_at) "
                      "VALUES (?, 'forwarding', 1, ?)");
  q.bind(1, static_cast<int64_t>(a.object_ids[0]));
  q.bind(2, static_cast<int64_t>(now_ms()));
  q.exec();
  auto bot = start(options());
  ASSERT_TRUE(test::wait_until([&] { return all_learnt(b); }, 20s));
  // Ann still gets `a` at once, by copy.
  sim.user_says(kAnn, "/start v" + std::to_string(a.variant_id));
  ASSERT_TRUE(test::wait_until([&] { return sim.files_to(kAnn).size() == 1; }, 20s));
  EXPECT_EQ(sim.files_to(kAnn)[0]["file"]["sha256"], a.parts[0].sha256);
  ASSERT_TRUE(test::wait_until([&] { return outcome_of_last_delivery(kAnn) == "fallback_copy"; }, 10s));
  bot->stop();
  auto n = forwards_into_index();
  EXPECT_EQ(n[a.parts[0].message_id], 0);
  EXPECT_EQ(n[b.parts[0].message_id], 1);
  EXPECT_TRUE(fx::bot_file_id(*db, a.object_ids[0]).empty());
}

TEST_F(ColdDelivery, ObjectsThatAlwaysFailDoNotStopTheOthersFromBeingLearnt) {
  // More failing objects than one learning batch, all older (lower ids) than the good one:
  // their stored messages are gone, so every forward is refused.
  std::vector<std::int64_t> lost;
  for (int i = 0; i < 45; ++i) {
    auto t = fx::title(*db, "movie", "Lost " + std::to_string(i), 1990);
    auto var = fx::variant(*db, t, 0, "480P", 1);
    lost.push_back(
        fx::object(*db, var, 1, 1, kStorage, 900000 + i, "gone", "gone-unique-" + std::to_string(i)));
  }
  auto good = store_movie("Found", 2001, 1);
  auto o = options();
  o.limits = PacingLimits{1000, 1000, 1000};  // the index chat's pacing is not what is tested here
  auto bot = start(o);
  ASSERT_TRUE(test::wait_until([&] { return all_learnt(good); }, 30s));
  bot->stop();
  // Each failing object was tried once, is remembered as failed, and waits its backoff.
  SQLite::Statement q(
      *db,
      "SELECT COUNT(*), MIN(attempts), MAX(attempts), MIN(next_attempt_at) FROM bot_file_id_learning "
      "WHERE state = 'failed'");
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getInt(), 45);
  EXPECT_EQ(q.getColumn(1).getInt(), 1);
  EXPECT_EQ(q.getColumn(2).getInt(), 1);
  EXPECT_GT(q.getColumn(3).getInt64(), now_ms());
  SQLite::Statement e(*db, "SELECT last_error FROM bot_file_id_learning WHERE object_id = ?");
  e.bind(1, static_cast<int64_t>(lost[0]));
  ASSERT_TRUE(e.executeStep());
  EXPECT_NE(e.getColumn(0).getString().find("message to forward not found"), std::string::npos);
}

}  // namespace
}  // namespace cmup::bot::e2e
