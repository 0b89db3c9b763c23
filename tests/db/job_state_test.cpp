// The job-state enum is the one definition of upload_variants.state: the schema must accept
// exactly its names, SQL is rendered from it, and "available to users" is one view.
#include "db/job_state.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "db/database.hpp"
#include "support/test_support.hpp"

namespace cmup {
namespace {

std::int64_t add_variant(SQLite::Database& db, const char* coded) {
  db.exec(
      "INSERT OR IGNORE INTO titles(id, kind, cm_id, title, created_at, updated_at) "
      "VALUES (1, 'movie', 'm-1', 'Alien', 0, 0)");
  SQLite::Statement q(db,
                      "INSERT INTO upload_variants(title_id, quality, coded_name, created_at, updated_at) "
                      "VALUES (1, ?, ?, 0, 0)");
  static int n = 0;
  const char* qualities[] = {"2160P", "1440P", "1080P", "720P", "576P", "480P", "UNKNOWN"};
  q.bind(1, qualities[n++ % 7]);
  q.bind(2, coded);
  q.exec();
  return db.getLastInsertRowid();
}

void set_state(SQLite::Database& db, std::int64_t id, const std::string& state) {
  // The schema ties 'claimed' to a lease token and 'dead' to a reason.
  SQLite::Statement q(
      db,
      "UPDATE upload_variants SET state = ?1, lease_token = CASE WHEN ?1 = ?2 THEN 'tok' END, "
      "dead_reason = CASE WHEN ?1 = ?3 THEN 'gave up' END WHERE id = ?4");
  q.bind(1, state);
  q.bind(2, state_name(JobState::Claimed));
  q.bind(3, state_name(JobState::Dead));
  q.bind(4, static_cast<int64_t>(id));
  q.exec();
}

void add_object(SQLite::Database& db, std::int64_t variant, int msg) {
  SQLite::Statement q(db,
                      "INSERT INTO telegram_objects(variant_id, part_no, part_count, account, channel_id, "
                      "message_id, file_id, file_unique_id, file_name, size_bytes, created_at) "
                      "VALUES (?, 1, 1, 'ember', -100, ?, 'f', 'u', 'n', 1, 0)");
  q.bind(1, static_cast<int64_t>(variant));
  q.bind(2, msg);
  q.exec();
}

TEST(JobState, SchemaAcceptsExactlyTheEnumsNames) {
  test::TempDir d;
  auto db = db::open(d / "cmup.db");
  auto id = add_variant(*db, "CM_M000001_1080P");
  for (const auto& st : kJobStates) EXPECT_NO_THROW(set_state(*db, id, st.name)) << st.name;
  EXPECT_THROW(set_state(*db, id, "running"), SQLite::Exception);
  // Source links likewise.
  db->exec(
      "INSERT INTO source_links(title_id, url, url_norm, quality, quality_from, created_at, updated_at) "
      "VALUES (1, 'http://127.0.0.1/a.mp4', 'a', '1080P', 'none', 0, 0)");
  for (const auto& [st, name] : kSourceStates)
    EXPECT_NO_THROW(db->exec(std::string("UPDATE source_links SET state = '") + name + "'")) << name;
  EXPECT_THROW(db->exec("UPDATE source_links SET state = 'broken'"), SQLite::Exception);
}

TEST(JobState, NamesRoundTrip) {
  std::set<std::string> names;
  for (const auto& st : kJobStates) {
    EXPECT_EQ(parse_state(st.name), st.state);
    EXPECT_STREQ(state_name(st.state), st.name);
    names.insert(st.name);
  }
  EXPECT_EQ(names.size(), kJobStates.size());
  EXPECT_FALSE(parse_state("running"));
  EXPECT_FALSE(parse_state("Done"));
  for (const auto& [st, name] : kSourceStates) EXPECT_EQ(parse_source_state(name), st);
  EXPECT_FALSE(parse_source_state("done"));
}

TEST(JobState, SqlIsRenderedFromTheEnum) {
  EXPECT_EQ(state_sql("SELECT 1 WHERE state = {done} OR state IN ({pending}, {retrying})"),
            "SELECT 1 WHERE state = 'done' OR state IN ('pending', 'retrying')");
  EXPECT_EQ(state_sql("UPDATE source_links SET state = {source_dead} WHERE state = {source_live}"),
            "UPDATE source_links SET state = 'dead' WHERE state = 'live'");
  EXPECT_EQ(state_sql("SELECT 1"), "SELECT 1");
  // A typo fails at once instead of matching no rows.
  EXPECT_THROW(state_sql("WHERE state = {don}"), std::logic_error);
  EXPECT_THROW(state_sql("WHERE state = {source_done}"), std::logic_error);
  EXPECT_THROW(state_sql("WHERE state = {done"), std::logic_error);
}

TEST(JobState, TransitionTableIsTheDocumentedMachine) {
  // Lease expiry is a failed attempt: retrying with backoff, or dead; never claimed again in place.
  EXPECT_TRUE(transition_allowed(JobState::Claimed, JobState::Retrying, JobEvent::LeaseExpired));
  EXPECT_TRUE(transition_allowed(JobState::Claimed, JobState::Dead, JobEvent::LeaseExpired));
  EXPECT_FALSE(transition_allowed(JobState::Claimed, JobState::Claimed, JobEvent::LeaseExpired));
  EXPECT_TRUE(transition_allowed(JobState::Claimed, JobState::Claimed, JobEvent::RetakeOwn));
  EXPECT_TRUE(transition_allowed(JobState::Pending, JobState::Claimed, JobEvent::Claim));
  EXPECT_TRUE(transition_allowed(JobState::Retrying, JobState::Claimed, JobEvent::Claim));
  EXPECT_TRUE(transition_allowed(JobState::Claimed, JobState::Done, JobEvent::Complete));
  EXPECT_TRUE(transition_allowed(JobState::Claimed, JobState::Retrying, JobEvent::FailRetry));
  EXPECT_TRUE(transition_allowed(JobState::Claimed, JobState::Dead, JobEvent::FailDead));
  EXPECT_TRUE(transition_allowed(JobState::Claimed, JobState::Pending, JobEvent::Release));
  // Only the lease holder finishes a job; nothing leaves done or dead but an operator.
  EXPECT_FALSE(transition_allowed(JobState::Pending, JobState::Done, JobEvent::Complete));
  EXPECT_FALSE(transition_allowed(JobState::Retrying, JobState::Dead, JobEvent::FailDead));
  for (const auto& t : kJobTransitions) {
    if (t.from == JobState::Done || t.from == JobState::Dead) {
      EXPECT_EQ(t.event, JobEvent::OperatorRequeue) << state_name(t.from) << " -> " << state_name(t.to);
    }
  }
  for (const auto& st : kJobStates)
    EXPECT_TRUE(transition_allowed(st.state, JobState::Pending, JobEvent::OperatorRequeue)) << st.name;
}

TEST(JobState, ArchitectureDocListsEveryTransition) {
  std::ifstream in(std::string(CMUP_SOURCE_DIR) + "/docs/ARCHITECTURE.md");
  ASSERT_TRUE(in) << "docs/ARCHITECTURE.md not found";
  std::stringstream doc;
  doc << in.rdbuf();
  for (const auto& t : kJobTransitions) {
    std::string row = std::string("| ") + state_name(t.from) + " | " + state_name(t.to) + " | " +
                      event_name(t.event) + " | " + t.what + " |";
    EXPECT_NE(doc.str().find(row), std::string::npos) << "docs/ARCHITECTURE.md lacks the row\n" << row;
  }
}

TEST(AvailableVariants, OnlyDoneVariantsWithStoredObjects) {
  test::TempDir d;
  auto db = db::open(d / "cmup.db");
  auto done_stored = add_variant(*db, "CM_M000001_2160P");
  auto done_empty = add_variant(*db, "CM_M000001_1440P");
  auto claimed_stored = add_variant(*db, "CM_M000001_1080P");
  set_state(*db, done_stored, "done");
  set_state(*db, done_empty, "done");
  set_state(*db, claimed_stored, "claimed");
  add_object(*db, done_stored, 10);
  add_object(*db, claimed_stored, 11);
  SQLite::Statement q(*db, "SELECT id FROM available_variants ORDER BY id");
  std::vector<std::int64_t> ids;
  while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
  EXPECT_EQ(ids, std::vector<std::int64_t>{done_stored});
}

}  // namespace
}  // namespace cmup
