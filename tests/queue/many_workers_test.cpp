// Eight worker PROCESSES on one database take 10,000 jobs: none claimed twice, none lost.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "fakes.hpp"
#include "queue/sqlite_job_store.hpp"
#include "queue/worker.hpp"
#include "queue_fixture.hpp"
#include "support/test_support.hpp"

namespace cmup {
namespace {

using test::scalar;

TEST(ManyWorkers, EightProcessesTakeTenThousandJobsNoneTwiceNoneLost) {
  constexpr int kJobs = 10'000, kProcs = 8;
  test::TempDir dir;
  auto path = dir / "cmup.db";
  {
    auto db = db::open(path);
    test::seed_queue(*db, kJobs);
  }  // no connection of the parent crosses the fork

  std::vector<pid_t> pids;
  for (int k = 0; k < kProcs; ++k) {
    pids.push_back(test::fork_child([&, k] {
      const char* accounts[] = {"ember", "rora", "lukas", "mira"};
      std::string account = accounts[k % 4];
      SqliteJobStore store(path, test::fast_options());
      test::FakeChannel channel(std::int64_t{k + 1} * 1'000'000'000);  // message ids unique per process
      test::FakeUploader up(account, channel);
      WorkerOptions o;
      o.account = account;
      o.worker_id = "proc" + std::to_string(k) + ":" + account;
      o.heartbeat_ms = 1000;
      o.idle_poll_ms = 5;
      o.progress_interval_ms = 60'000;
      o.exit_when_idle = true;
      Worker w(store, up, [] { return std::make_unique<test::FakePreparer>(); }, o);
      w.run();
      // What this process uploaded, for the parent to check against the database.
      std::ofstream out(dir / ("uploads-" + std::to_string(k)));
      for (const auto& m : channel.messages()) out << m.caption << "\n";
      return 0;
    }));
  }
  for (auto pid : pids) EXPECT_EQ(test::wait_child(pid), 0);

  std::multiset<std::string> uploaded;
  for (int k = 0; k < kProcs; ++k) {
    std::ifstream in(dir / ("uploads-" + std::to_string(k)));
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      uploaded.insert(line.substr(0, line.find(' ')));
      ++n;
    }
    EXPECT_GT(n, 0) << "process " << k << " did no work";
  }
  std::set<std::string> distinct(uploaded.begin(), uploaded.end());
  EXPECT_EQ(uploaded.size(), static_cast<size_t>(kJobs));  // nothing uploaded twice
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kJobs));

  auto db = db::open(path);
  EXPECT_EQ(test::state_counts(*db)["done"], kJobs);  // nothing lost
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM upload_attempts"), kJobs);  // nobody claimed a job twice
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM upload_attempts WHERE outcome = 'ok'"), kJobs);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM telegram_objects"), kJobs);
  EXPECT_EQ(scalar(*db, "SELECT files_stored FROM storage_channels WHERE kind = 'movie'"), kJobs);
  EXPECT_EQ(db::integrity_check(*db), "ok");
}

}  // namespace
}  // namespace cmup
