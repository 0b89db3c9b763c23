// The CM client against a real cmup-sim-cm: authentication that keeps working (refresh
// before expiry, 401 recovery, re-login after refresh-token expiry, tokens reused across
// restarts) and retries of 5xx / 429.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <latch>
#include <thread>

#include "cm/importer.hpp"
#include "db/database.hpp"
#include "sim_cm_fixture.hpp"

namespace cmup::cm {
namespace {

CmOptions options_for(const test::SimCm& sim, const test::TempDir& dir) {
  CmOptions o;
  o.base_url = sim.url();
  o.username = "importer";
  o.password = "s3cret-pw";
  o.per_page = 10;
  o.refresh_margin_s = 1;
  o.timeout_s = 10;
  o.max_retries = 4;
  o.retry_base_ms = 50;
  o.token_file = dir / "tokens.json";
  return o;
}

TEST(CmAuth, TwoSecondTokensAcrossALongImportRefreshWithoutA401) {
  test::TempDir dir;
  test::SimCm sim({"--token-lifetime", "2", "--movies", "120", "--shows", "2", "--episodes-per-show", "3",
                   "--page-delay-ms", "400"},
                  dir);
  CmClient client(options_for(sim, dir));
  auto db = db::open(dir / "cmup.db");
  auto report = import_from_cm(client, *db);  // 12 movie pages at 0.4 s: several token lifetimes
  EXPECT_EQ(report.counts.titles_new, 122);
  EXPECT_EQ(report.counts.episodes_new, 6);
  EXPECT_GE(client.stats().refreshes, 1);
  EXPECT_EQ(client.stats().unauthorized, 0);
  EXPECT_EQ(sim.stats()["unauthorized"], 0) << "no request went out with an expired token";
  EXPECT_EQ(sim.stats()["logins"], 1);
}

TEST(CmAuth, A401IsRecoveredByOneRefresh) {
  test::TempDir dir;
  test::SimCm sim({"--movies", "30"}, dir);
  CmClient client(options_for(sim, dir));
  EXPECT_EQ(client.movies_page(1).items.size(), 10u);
  sim.control("POST", "/control/revoke-access-tokens");
  EXPECT_EQ(client.movies_page(2).items.size(), 10u);
  EXPECT_EQ(client.stats().unauthorized, 1);
  EXPECT_EQ(client.stats().refreshes, 1);
  EXPECT_EQ(client.stats().logins, 1);
}

TEST(CmAuth, RejectedRefreshTokenLeadsToAFreshLogin) {
  test::TempDir dir;
  test::SimCm sim({"--movies", "30"}, dir);
  CmClient client(options_for(sim, dir));
  client.movies_page(1);
  sim.control("POST", "/control/expire-refresh-tokens");
  sim.control("POST", "/control/revoke-access-tokens");
  EXPECT_EQ(client.movies_page(2).items.size(), 10u);
  EXPECT_EQ(client.stats().logins, 2);
  EXPECT_EQ(sim.stats()["logins"], 2);
}

TEST(CmAuth, TokensArePersistedPrivatelyAndReusedAfterARestart) {
  test::TempDir dir;
  test::SimCm sim({"--movies", "30"}, dir);
  {
    CmClient first(options_for(sim, dir));
    first.movies_page(1);
  }
  struct stat st {};
  ASSERT_EQ(stat((dir / "tokens.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  CmClient second(options_for(sim, dir));
  second.movies_page(1);
  EXPECT_EQ(second.stats().logins, 0);
  EXPECT_EQ(sim.stats()["logins"], 1);
}

// The importer asks for episode lists from several threads with one CmClient. When CM revokes
// the token they all hold, the first 401 renews it and the others retry with the new one:
// CM rotates refresh tokens, so a second refresh of the same token would fail and log in again.
TEST(CmAuth, ConcurrentRequestsThatAll401RenewTheTokenOnce) {
  test::TempDir dir;
  test::SimCm sim({"--movies", "0", "--shows", "6", "--episodes-per-show", "2"}, dir);
  std::vector<std::string> shows;
  {
    CmClient first(options_for(sim, dir));  // logs in; the tokens go to the token file
    for (const auto& s : first.shows_page(1).items)
      shows.push_back(s["id"].is_string() ? s["id"].get<std::string>() : s["id"].dump());
  }
  ASSERT_EQ(shows.size(), 6u);
  sim.control("POST", "/control/revoke-access-tokens");
  CmClient client(options_for(sim, dir));  // starts from the saved, now revoked, access token
  std::latch start(static_cast<std::ptrdiff_t>(shows.size()));
  std::vector<std::size_t> episodes(shows.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < shows.size(); ++i)
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      episodes[i] = client.episodes(shows[i]).size();
    });
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; i < shows.size(); ++i) EXPECT_EQ(episodes[i], 2u) << "show " << shows[i];
  EXPECT_GE(client.stats().unauthorized, 1);
  EXPECT_EQ(sim.stats()["refreshes"], 1) << "one renewal for all the threads";
  EXPECT_EQ(sim.stats()["logins"], 1);
}

TEST(CmAuth, ServerErrorsAndRateLimitsAreRetried) {
  test::TempDir dir;
  test::SimCm sim({"--movies", "30"}, dir);
  CmClient client(options_for(sim, dir));
  client.movies_page(1);
  sim.control("POST", "/control/fail", {{"status", 503}, {"count", 2}});
  EXPECT_EQ(client.movies_page(2).items.size(), 10u);
  EXPECT_EQ(client.stats().retries, 2);
  sim.control("POST", "/control/fail", {{"status", 429}, {"count", 1}, {"retry_after", 1}});
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(client.movies_page(3).items.size(), 10u);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(900)) << "Retry-After honoured";
  EXPECT_EQ(client.stats().retries, 3);
}

TEST(CmAuth, PersistentFailureBecomesAnOperatorError) {
  test::TempDir dir;
  test::SimCm sim({"--movies", "30"}, dir);
  CmClient client(options_for(sim, dir));
  client.movies_page(1);
  sim.control("POST", "/control/fail", {{"status", 500}, {"count", 100}});
  EXPECT_THROW(client.movies_page(2), CmError);
}

TEST(CmAuth, WrongPasswordSaysWhatToCheck) {
  test::TempDir dir;
  test::SimCm sim({"--movies", "3"}, dir);
  auto o = options_for(sim, dir);
  o.password = "wrong";
  CmClient client(o);
  try {
    client.movies_page(1);
    FAIL() << "expected CmError";
  } catch (const CmError& e) {
    EXPECT_NE(std::string(e.what()).find("CMUP_CM_PASSWORD"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cmup::cm
