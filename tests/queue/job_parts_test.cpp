// When a job's stored parts make it complete (a resumed or adopted job is then completed, not
// uploaded again), and when they do not (it uploads what is missing).
#include <gtest/gtest.h>

#include "queue/job.hpp"

namespace cmup {
namespace {

Job with_parts(std::initializer_list<std::pair<int, int>> parts) {
  Job j;
  for (auto [no, count] : parts) {
    StoredPart p;
    p.part_no = no;
    p.part_count = count;
    j.stored_parts.push_back(p);
  }
  return j;
}

TEST(JobParts, EveryPartOfOneSplitIsComplete) {
  EXPECT_TRUE(has_every_part(with_parts({{1, 1}})));
  EXPECT_TRUE(has_every_part(with_parts({{2, 3}, {1, 3}, {3, 3}})));  // in any order
  EXPECT_TRUE(has_every_part(with_parts({{1, 2}, {2, 2}, {2, 2}})));  // a part adopted twice
}

TEST(JobParts, MissingPartsOrAnotherSplitAreNot) {
  EXPECT_FALSE(has_every_part(with_parts({})));
  EXPECT_FALSE(has_every_part(with_parts({{1, 3}, {3, 3}})));  // part 2 missing
  EXPECT_FALSE(has_every_part(with_parts({{1, 2}, {2, 3}})));  // parts of two splits
  EXPECT_FALSE(has_every_part(with_parts({{0, 2}, {2, 2}})));  // no part 0
  EXPECT_FALSE(has_every_part(with_parts({{1, 2}, {3, 2}})));  // beyond the count
  EXPECT_FALSE(has_every_part(with_parts({{1, 1000000}})));    // a count no parts fill
}

}  // namespace
}  // namespace cmup
