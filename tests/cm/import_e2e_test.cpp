// `cmup import` end to end, against a real cmup-sim-cm: malformed items skipped and
// counted, re-import a no-op, catalog changes picked up, and a SIGKILL mid-import followed
// by a re-run giving the same database as one clean run.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "db/database.hpp"
#include "sim_cm_fixture.hpp"

namespace cmup::cm {
namespace {

using json = nlohmann::json;

class ImportE2E : public ::testing::Test {
 protected:
  ImportE2E() { std::ofstream(dir_ / "none.toml") << "# settings come from the environment\n"; }
  // Environment for `cmup import` against `sim`, with its own data directory.
  std::map<std::string, std::string> env_for(const test::SimCm& sim, const std::filesystem::path& data,
                                             int per_page = 25) {
    return {{"CMUP_GENERAL_DATA_DIR", data.string()},
            {"CMUP_CM_BASE_URL", sim.url()},
            {"CMUP_CM_USERNAME", "importer"},
            {"CMUP_CM_PASSWORD", "s3cret-pw"},
            {"CMUP_CM_PER_PAGE", std::to_string(per_page)},
            {"CMUP_CM_RETRY_BASE_MS", "50"}};
  }
  test::RunResult import(const test::SimCm& sim, const std::filesystem::path& data, int per_page = 25,
                         std::vector<std::string> extra = {}, std::map<std::string, std::string> env = {}) {
    std::vector<std::string> argv{test::cmup_binary(), "-c", (dir_ / "none.toml").string(), "import"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto e = env_for(sim, data, per_page);
    e.insert(env.begin(), env.end());
    return test::run(argv, e);
  }
  static std::int64_t count(const std::filesystem::path& data, const std::string& sql) {
    auto db = db::open(data / "cmup.db", {.read_only = true, .migrate = false});
    SQLite::Statement q(*db, sql);
    q.executeStep();
    return q.getColumn(0).getInt64();
  }
  // The import's tables, row by row; with_times=false leaves out created_at/updated_at.
  static std::string snapshot(const std::filesystem::path& data, bool with_times) {
    auto db = db::open(data / "cmup.db", {.read_only = true, .migrate = false});
    std::string out;
    for (const char* t : {"titles", "episodes", "source_links", "upload_variants", "variant_sources"}) {
      SQLite::Statement q(*db, std::string("SELECT * FROM ") + t + " ORDER BY 1, 2");
      while (q.executeStep()) {
        for (int i = 0; i < q.getColumnCount(); ++i) {
          std::string name = q.getColumnName(i);
          if (!with_times && (name == "created_at" || name == "updated_at")) continue;
          out += q.getColumn(i).getString() + "|";
        }
        out += "\n";
      }
      out += "--\n";
    }
    return out;
  }

  test::TempDir dir_;
};

TEST_F(ImportE2E, MalformedItemsAreSkippedAndCountedTheRestImported) {
  test::SimCm sim({"--movies", "40", "--shows", "2", "--episodes-per-show", "3"}, dir_);
  sim.control("PUT", "/control/items/movies/3", {{"id", 3}, {"year", 2001}});  // no title
  sim.control("PUT", "/control/items/movies/7",
              {{"id", 7}, {"title", "Bad link"}, {"sources", {{{"url", "ftp://example.invalid/x.mp4"}}}}});
  sim.control("PUT", "/control/items/movies/9", {{"id", "9"}, {"title", 12345}});
  sim.control("PUT", "/control/items/movies/11",
              {{"id", 11}, {"title", "Huge"}, {"overview", std::string(10 * 1024 * 1024, 'x')}});
  sim.control(
      "PUT", "/control/items/movies/12",
      {{"id", 12}, {"title", "Absurd"}, {"sources", {{{"url", "http://h.example/a.mp4"}, {"size", -1}}}}});
  auto r = import(sim, dir_ / "data");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("skipped 5"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("missing title"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("not an http(s) URL"), std::string::npos) << r.output;
  EXPECT_EQ(count(dir_ / "data", "SELECT count(*) FROM titles WHERE kind = 'movie'"), 35);
  EXPECT_EQ(count(dir_ / "data", "SELECT count(*) FROM episodes"), 6);
  EXPECT_EQ(r.output.find("s3cret-pw"), std::string::npos) << "the password never reaches the output";
}

TEST_F(ImportE2E, ReimportIsANoOp) {
  test::SimCm sim({"--movies", "60", "--shows", "3", "--episodes-per-show", "4"}, dir_);
  ASSERT_EQ(import(sim, dir_ / "data").exit_code, 0);
  auto before = snapshot(dir_ / "data", true);
  // --full: every item is read again and found unchanged.
  auto again = import(sim, dir_ / "data", 25, {"--full"});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("import (full sweep): new 0, updated 0, unchanged 75, skipped 0"),
            std::string::npos)
      << again.output;
  EXPECT_EQ(snapshot(dir_ / "data", true), before);
}

TEST_F(ImportE2E, RenamesNewLinksAndVanishedLinksArePickedUp) {
  test::SimCm sim({"--movies", "20", "--shows", "1", "--episodes-per-show", "2"}, dir_);
  ASSERT_EQ(import(sim, dir_ / "data").exit_code, 0);
  auto m = sim.control("GET", "/control/items/movies/4");
  auto removed = m["sources"][0]["url"].get<std::string>();
  m["title"] = "A New Name";
  m["sources"] =
      json::array({{{"url", sim.url() + "/media/faststart.mp4?item=m4&extra=1"}, {"quality", "720p"}}});
  sim.control("PUT", "/control/items/movies/4", m);
  sim.control("PUT", "/control/items/movies/5", nullptr);  // CM dropped this movie
  auto r = import(sim, dir_ / "data", 25, {"--full"});     // only a full sweep notices a vanished title
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("updated 1"), std::string::npos) << r.output;
  EXPECT_EQ(count(dir_ / "data", "SELECT count(*) FROM titles WHERE title = 'A New Name' AND cm_id = '4'"),
            1);
  EXPECT_EQ(count(dir_ / "data",
                  "SELECT count(*) FROM source_links WHERE state = 'gone' AND url = '" + removed + "'"),
            1);
  EXPECT_EQ(
      count(dir_ / "data",
            "SELECT count(*) FROM source_links s JOIN titles t ON t.id = s.title_id WHERE t.cm_id = '5' AND "
            "t.kind = 'movie' AND s.state = 'live'"),
      0);
  EXPECT_EQ(count(dir_ / "data", "SELECT count(*) FROM titles WHERE kind = 'movie'"), 20) << "never deleted";
}

TEST_F(ImportE2E, ReimportAsksOnlyForChangesAndSweepsEveryNthRun) {
  test::SimCm sim({"--movies", "30", "--shows", "2", "--episodes-per-show", "2"}, dir_);
  // Every 2nd run a sweep: full, changes, full.
  std::map<std::string, std::string> every2{{"CMUP_CM_FULL_SWEEP_EVERY", "2"}};
  auto first = import(sim, dir_ / "data", 25, {}, every2);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("import (full sweep): new 36"), std::string::npos) << first.output;

  auto m = sim.control("GET", "/control/items/movies/7");
  m["title"] = "Changed Since";
  sim.control("PUT", "/control/items/movies/7", m);
  sim.control("PUT", "/control/items/movies/8", nullptr);  // vanished: only a sweep notices
  auto second = import(sim, dir_ / "data", 25, {}, every2);
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("import (changes since "), std::string::npos) << second.output;
  EXPECT_NE(second.output.find("new 0, updated 1, unchanged 0, skipped 0"), std::string::npos)
      << second.output;
  EXPECT_EQ(count(dir_ / "data", "SELECT count(*) FROM titles WHERE title = 'Changed Since'"), 1);
  const std::string live8 =
      "SELECT count(*) FROM source_links s JOIN titles t ON t.id = s.title_id WHERE t.cm_id = '8' AND "
      "t.kind = 'movie' AND s.state = 'live'";
  EXPECT_GT(count(dir_ / "data", live8), 0);

  auto third = import(sim, dir_ / "data", 25, {}, every2);  // the 2nd run since the last sweep
  ASSERT_EQ(third.exit_code, 0) << third.output;
  EXPECT_NE(third.output.find("import (full sweep): "), std::string::npos) << third.output;
  EXPECT_EQ(count(dir_ / "data", live8), 0);
  EXPECT_EQ(count(dir_ / "data", "SELECT count(*) FROM import_runs"), 3);
  EXPECT_EQ(count(dir_ / "data", "SELECT sum(full) FROM import_runs"), 2);
}

TEST_F(ImportE2E, KilledMidImportThenRerunEqualsOneCleanRun) {
  test::SimCm sim({"--movies", "400", "--shows", "6", "--episodes-per-show", "5", "--page-delay-ms", "150"},
                  dir_);
  const auto killed = dir_ / "killed", clean = dir_ / "clean";
  {
    test::Process p({test::cmup_binary(), "-c", (dir_ / "none.toml").string(), "import"},
                    env_for(sim, killed, 20), dir_ / "killed-import.log");
    ASSERT_TRUE(test::wait_until(
        [&] {
          try {
            return count(killed, "SELECT count(*) FROM titles") >= 60;
          } catch (const std::exception&) {
            return false;  // the database is still being created
          }
        },
        std::chrono::seconds(60)));
    p.signal(SIGKILL);
    p.wait(std::chrono::seconds(10));
  }
  auto partial = count(killed, "SELECT count(*) FROM titles");
  ASSERT_LT(partial, 406) << "the kill came after the import had finished; the test proves nothing";
  EXPECT_EQ(partial % 20, 0) << "only whole pages are ever committed";
  auto rerun = import(sim, killed, 20);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
  auto once = import(sim, clean, 20);
  ASSERT_EQ(once.exit_code, 0) << once.output;
  EXPECT_EQ(snapshot(killed, false), snapshot(clean, false));
}

// On a terminal `cmup import` rewrites one progress line (pages, items/s, ETA); in a script
// (no terminal) or with -q it prints only the summary.
TEST_F(ImportE2E, ProgressLineOnATerminalOnlyAndNeverWithQuiet) {
  test::SimCm sim({"--movies", "60", "--shows", "2", "--episodes-per-show", "2"}, dir_);
  // util-linux `script` gives the command a pseudo-terminal, as an operator's shell would.
  auto on_terminal = [&](const std::filesystem::path& data, const std::string& flags) {
    std::string cmd = "'" + test::cmup_binary() + "' -c '" + (dir_ / "none.toml").string() + "' import " + flags;
    return test::run({"script", "-qec", cmd, "/dev/null"}, env_for(sim, data, 25));
  };
  auto tty = on_terminal(dir_ / "tty", "");
  ASSERT_EQ(tty.exit_code, 0) << tty.output;
  EXPECT_NE(tty.output.find("\rimport: page 1/"), std::string::npos) << tty.output;
  EXPECT_NE(tty.output.find("items, "), std::string::npos) << tty.output;
  EXPECT_NE(tty.output.find("/s, ETA "), std::string::npos) << tty.output;
  EXPECT_NE(tty.output.find("import (full sweep): new 66"), std::string::npos) << tty.output;

  auto quiet = on_terminal(dir_ / "quiet", "-q");
  ASSERT_EQ(quiet.exit_code, 0) << quiet.output;
  EXPECT_EQ(quiet.output.find("import: page"), std::string::npos) << quiet.output;
  EXPECT_NE(quiet.output.find("import (full sweep): new 66"), std::string::npos) << quiet.output;

  auto piped = import(sim, dir_ / "piped");
  ASSERT_EQ(piped.exit_code, 0) << piped.output;
  EXPECT_EQ(piped.output.find("import: page"), std::string::npos) << piped.output;
  EXPECT_NE(piped.output.find("import (full sweep): new 66"), std::string::npos) << piped.output;
}

TEST_F(ImportE2E, FromFileReadsJsonAndJsonLines) {
  std::ofstream(dir_ / "dump.json")
      << json{{"movies",
               {{{"id", 1}, {"title", "One"}, {"sources", {{{"url", "http://h.example/One.1080p.mp4"}}}}}}},
              {"shows",
               {{{"id", "s1"},
                 {"title", "Show"},
                 {"episodes",
                  {{{"id", "e1"},
                    {"title", "S01E01"},
                    {"sources", {{{"url", "http://h.example/e1.720p.mp4"}}}}}}}}}}}
             .dump();
  std::ofstream(dir_ / "dump.jsonl")
      << R"({"type":"movie","id":2,"title":"Two","sources":[{"url":"http://h.example/Two.mp4","quality":"720"}]})"
      << "\n"
      << R"({"type":"show","id":"s2","title":"Other"})"
      << "\n"
      << R"({"type":"episode","show_id":"s2","id":"x","season":2,"episode":3})"
      << "\n"
      << "this line is broken\n";
  auto env = std::map<std::string, std::string>{{"CMUP_GENERAL_DATA_DIR", (dir_ / "data").string()}};
  auto conf = (dir_ / "none.toml").string();
  auto a = test::run(
      {test::cmup_binary(), "-c", conf, "import", "--from-file", (dir_ / "dump.json").string()}, env);
  ASSERT_EQ(a.exit_code, 0) << a.output;
  auto b = test::run(
      {test::cmup_binary(), "-c", conf, "import", "--from-file", (dir_ / "dump.jsonl").string()}, env);
  ASSERT_EQ(b.exit_code, 0) << b.output;
  EXPECT_NE(b.output.find("skipped 1"), std::string::npos) << b.output;
  EXPECT_EQ(count(dir_ / "data", "SELECT count(*) FROM titles"), 4);
  EXPECT_EQ(count(dir_ / "data",
                  "SELECT count(*) FROM upload_variants WHERE coded_name = 'CM_T000004_S02E03_UNKNOWN'"),
            0);
  EXPECT_EQ(count(dir_ / "data", "SELECT count(*) FROM episodes WHERE season = 2 AND episode = 3"), 1);
  EXPECT_EQ(count(dir_ / "data", "SELECT count(*) FROM upload_variants WHERE coded_name = 'CM_M000003_720P'"),
            1);
}

TEST_F(ImportE2E, QualityCommandPrintsOneLabelPerHint) {
  auto r = test::run(
      {test::cmup_binary(), "quality", "Movie.1995.4K.Remastered.1080p.BluRay.x264", "4K", "x264", "DVDRip"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "1080P\n2160P\nUNKNOWN\n480P\n");
}

}  // namespace
}  // namespace cmup::cm
