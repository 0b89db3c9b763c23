// `cmup audit` as an operator runs it, against cmup-sim-telegram: a storage message deleted
// in the channel is found lost and its variant re-queued; intact ones are left alone.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bot/fixtures.hpp"
#include "bot/sim_harness.hpp"
#include "db/database.hpp"
#include "support/test_support.hpp"

namespace cmup {
namespace {

namespace fx = bot::fixtures;
using namespace bot::e2e;
using nlohmann::json;

class AuditE2E : public ::testing::Test {
 protected:
  test::TempDir dir;
  SimTelegram sim{dir};
  std::unique_ptr<SQLite::Database> db = db::open(dir / "cmup.db");

  struct Stored {
    std::int64_t variant_id = 0;
    std::vector<Uploaded> parts;
  };
  Stored store(const std::string& name, int parts) {
    Stored s;
    auto t = fx::title(*db, "movie", name, 2000);
    s.variant_id = fx::variant(*db, t, 0, "1080P", parts);
    for (int i = 1; i <= parts; ++i) {
      auto up = sim.upload(name + "_" + std::to_string(i) + ".mp4", 2000 + i, "CM_M1_1080P #x");
      fx::object(*db, s.variant_id, i, parts, kStorage, up.message_id, up.file_id, up.file_unique_id);
      s.parts.push_back(up);
    }
    return s;
  }

  test::RunResult audit(std::vector<std::string> extra) {
    std::vector<std::string> argv = {test::cmup_binary(), "audit", "--json", "--per-minute", "600"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return test::run(argv, {{"CMUP_DATABASE_PATH", (dir / "cmup.db").string()},
                            {"CMUP_BOT_TOKEN", kBotToken},
                            {"CMUP_BOT_API_URL", sim.url()},
                            {"CMUP_BOT_INDEX_CHAT_ID", std::to_string(kIndex)}});
  }
  // The JSON report inside the combined output (log lines go around it).
  static json report_of(const test::RunResult& r) {
    auto a = r.output.find("\n{");
    auto start = r.output.rfind('{', 0) == 0 ? 0 : (a == std::string::npos ? std::string::npos : a + 1);
    auto end = r.output.rfind("\n}");
    if (start == std::string::npos || end == std::string::npos) return json();
    return json::parse(r.output.substr(start, end + 2 - start), nullptr, false);
  }
  std::string state_of(std::int64_t variant) {
    SQLite::Statement q(*db, "SELECT state FROM upload_variants WHERE id = ?");
    q.bind(1, static_cast<int64_t>(variant));
    return q.executeStep() ? q.getColumn(0).getString() : "";
  }
  int objects_of(std::int64_t variant) {
    SQLite::Statement q(*db, "SELECT count(*) FROM telegram_objects WHERE variant_id = ?");
    q.bind(1, static_cast<int64_t>(variant));
    q.executeStep();
    return q.getColumn(0).getInt();
  }
  int live_messages_in(std::int64_t chat) {
    HttpClient http;
    auto r = http.get(sim.url() + "/control/chats/" + std::to_string(chat) + "/messages");
    auto j = json::parse(r.body, nullptr, false);
    int n = 0;
    if (j.is_object() && j.contains("messages"))
      for (auto& m : j["messages"]) n += m.value("deleted", false) ? 0 : 1;
    return n;
  }
};

TEST_F(AuditE2E, ADeletedStorageMessageIsFoundLostAndItsVariantRequeued) {
  auto intact = store("Heat", 1);
  auto damaged = store("Dune", 2);
  // Someone deletes part 2 of Dune in the storage channel.
  BotApiClient uploader(sim.url(), kUploaderToken);
  uploader.call("deleteMessage", {{"chat_id", kStorage}, {"message_id", damaged.parts[1].message_id}});

  auto r = audit({});
  EXPECT_EQ(r.exit_code, 1) << r.output;  // something was lost: a cron job notices
  auto rep = report_of(r);
  ASSERT_TRUE(rep.is_object()) << r.output;
  EXPECT_EQ(rep["checked"], 3);
  EXPECT_EQ(rep["intact"], 2);
  EXPECT_EQ(rep["lost"], 1);
  ASSERT_EQ(rep["lost_objects"].size(), 1u);
  EXPECT_EQ(rep["lost_objects"][0]["message_id"], damaged.parts[1].message_id);
  EXPECT_EQ(rep["lost_objects"][0]["requeued"], true);

  // The damaged variant goes back to the workers; the intact one is untouched.
  EXPECT_EQ(state_of(damaged.variant_id), "pending");
  EXPECT_EQ(objects_of(damaged.variant_id), 0);
  EXPECT_EQ(state_of(intact.variant_id), "done");
  EXPECT_EQ(objects_of(intact.variant_id), 1);
  SQLite::Statement lost(*db, "SELECT variant_id, part_no, message_id, requeued FROM lost_objects");
  ASSERT_TRUE(lost.executeStep());
  EXPECT_EQ(lost.getColumn(0).getInt64(), damaged.variant_id);
  EXPECT_EQ(lost.getColumn(1).getInt(), 2);
  EXPECT_EQ(lost.getColumn(2).getInt64(), damaged.parts[1].message_id);
  EXPECT_EQ(lost.getColumn(3).getInt(), 1);
  // The intact object is marked checked, and the check copies did not stay in the index chat.
  SQLite::Statement seen(*db, "SELECT audited_at IS NOT NULL, bot_file_id IS NOT NULL FROM telegram_objects");
  ASSERT_TRUE(seen.executeStep());
  EXPECT_EQ(seen.getColumn(0).getInt(), 1);
  EXPECT_EQ(seen.getColumn(1).getInt(), 1);  // learnt on the way: no second forward for it
  EXPECT_EQ(live_messages_in(kIndex), 0);

  // A second run finds nothing wrong: the intact one is checked again, nothing re-queued.
  auto again = audit({});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(report_of(again)["lost"], 0);
  EXPECT_EQ(state_of(intact.variant_id), "done");
}

TEST_F(AuditE2E, TheSweepIsBoundedAndGoesOnWhereTheLastRunStopped) {
  store("A", 1);
  store("B", 1);
  store("C", 1);
  auto first = report_of(audit({"--limit", "2"}));
  EXPECT_EQ(first["checked"], 2);
  EXPECT_EQ(first["never_checked_left"], 1);
  auto second = report_of(audit({"--limit", "2"}));
  EXPECT_EQ(second["checked"], 2);
  EXPECT_EQ(second["never_checked_left"], 0);  // the third was taken before re-checking the first
}

TEST_F(AuditE2E, DryRunReportsAndChangesNothing) {
  auto v = store("Up", 1);
  BotApiClient uploader(sim.url(), kUploaderToken);
  uploader.call("deleteMessage", {{"chat_id", kStorage}, {"message_id", v.parts[0].message_id}});
  auto rep = report_of(audit({"--dry-run"}));
  EXPECT_EQ(rep["lost"], 1);
  EXPECT_EQ(rep["lost_objects"][0]["requeued"], false);
  EXPECT_EQ(state_of(v.variant_id), "done");
  EXPECT_EQ(objects_of(v.variant_id), 1);
}

TEST_F(AuditE2E, WithoutACheckChatItSaysWhatToSet) {
  auto r = test::run({test::cmup_binary(), "audit"}, {{"CMUP_DATABASE_PATH", (dir / "cmup.db").string()},
                                                      {"CMUP_BOT_TOKEN", kBotToken},
                                                      {"CMUP_BOT_API_URL", sim.url()}});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("bot.index_chat_id"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace cmup
