// Which import runs: a full sweep first and every Nth run (or forced), otherwise the changes
// since the last finished run started, with an overlap; unfinished runs never count.
#include "cm/import_plan.hpp"

#include <gtest/gtest.h>

#include "db/database.hpp"
#include "support/test_support.hpp"

namespace cmup::cm {
namespace {

class ImportPlanTest : public ::testing::Test {
 protected:
  test::TempDir dir_;
  std::unique_ptr<SQLite::Database> db_ = db::open(dir_ / "cmup.db");
};

TEST_F(ImportPlanTest, FirstRunIsAFullSweep) {
  auto p = plan_import(*db_, 7, false);
  EXPECT_TRUE(p.full);
  EXPECT_FALSE(p.updated_since);
  EXPECT_EQ(p.describe(), "full sweep");
}

TEST_F(ImportPlanTest, LaterRunsAskForChangesSinceTheLastStartLessTheOverlap) {
  record_import(*db_, plan_import(*db_, 7, false), 1'700'000'000, 10);
  auto p = plan_import(*db_, 7, false, 300);
  EXPECT_FALSE(p.full);
  ASSERT_TRUE(p.updated_since);
  EXPECT_EQ(*p.updated_since, 1'700'000'000 - 300);
  EXPECT_EQ(p.describe(), "changes since 2023-11-14 22:08:20 UTC");
  record_import(*db_, p, 1'700'003'600, 1);
  EXPECT_EQ(*plan_import(*db_, 7, false, 300).updated_since, 1'700'003'600 - 300);
}

TEST_F(ImportPlanTest, EveryNthRunAndForcedRunsSweep) {
  std::vector<bool> kinds;
  for (int i = 0; i < 8; ++i) {
    auto p = plan_import(*db_, 3, false);
    kinds.push_back(p.full);
    record_import(*db_, p, 1'700'000'000 + i, 0);
  }
  EXPECT_EQ(kinds, (std::vector<bool>{true, false, false, true, false, false, true, false}));
  EXPECT_TRUE(plan_import(*db_, 3, true).full);
  EXPECT_TRUE(plan_import(*db_, 1, false).full) << "1 = always a full sweep";
}

TEST_F(ImportPlanTest, AFailedRunIsNotRecordedSoTheNextStartsFromTheLastFinished) {
  record_import(*db_, plan_import(*db_, 7, false), 1'700'000'000, 10);
  auto failed = plan_import(*db_, 7, false, 0);  // ...and never recorded
  auto next = plan_import(*db_, 7, false, 0);
  EXPECT_EQ(next.updated_since, failed.updated_since);
  EXPECT_EQ(*next.updated_since, 1'700'000'000);
}

}  // namespace
}  // namespace cmup::cm
