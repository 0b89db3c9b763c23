// Posters at import, against a real cmup-sim-cm: fetched once into the content-addressed
// store, never fetched again while CM's URL is unchanged, a bad answer refused without
// losing the stored image and retried on the next import.
#include <gtest/gtest.h>

#include <fstream>

#include "catalog/image_store.hpp"
#include "db/database.hpp"
#include "sim_cm_fixture.hpp"

namespace cmup::cm {
namespace {

class ImageImportE2E : public ::testing::Test {
 protected:
  ImageImportE2E() { std::ofstream(dir_ / "none.toml") << "# settings come from the environment\n"; }
  test::RunResult import(const test::SimCm& sim) {
    return test::run({test::cmup_binary(), "-c", (dir_ / "none.toml").string(), "import"},
                     {{"CMUP_GENERAL_DATA_DIR", (dir_ / "data").string()},
                      {"CMUP_CM_BASE_URL", sim.url()},
                      {"CMUP_CM_USERNAME", "importer"},
                      {"CMUP_CM_PASSWORD", "s3cret-pw"},
                      {"CMUP_CM_PER_PAGE", "4"},
                      {"CMUP_CM_RETRY_BASE_MS", "50"}});
  }
  std::vector<std::vector<std::string>> rows(const std::string& sql) {
    auto db = db::open(dir_ / "data" / "cmup.db", {.read_only = true, .migrate = false});
    SQLite::Statement q(*db, sql);
    std::vector<std::vector<std::string>> out;
    while (q.executeStep()) {
      out.emplace_back();
      for (int i = 0; i < q.getColumnCount(); ++i) out.back().push_back(q.getColumn(i).getString());
    }
    return out;
  }

  test::TempDir dir_;
};

TEST_F(ImageImportE2E, PostersAreStoredOnceAndKeptWhenAFetchFails) {
  test::SimCm sim({"--movies", "6", "--shows", "2", "--episodes-per-show", "1"}, dir_);
  auto first = import(sim);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("images: 8 stored, 0 failed"), std::string::npos) << first.output;
  EXPECT_EQ(sim.stats()["poster_requests"], 8);

  catalog::ImageStore store(dir_ / "data" / "images");
  auto stored = rows(
      "SELECT t.cm_id, i.sha256, i.stored_from = t.poster_url FROM titles t "
      "JOIN title_images i ON i.title_id = t.id AND i.role = 'poster' ORDER BY t.id");
  ASSERT_EQ(stored.size(), 8u);
  for (const auto& r : stored) {
    EXPECT_EQ(store.original_type(r[1]), catalog::ImageType::Png) << "title " << r[0];
    EXPECT_EQ(r[2], "1");
  }

  // Nothing changed: no poster is downloaded again.
  auto again = import(sim);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("images: all stored"), std::string::npos) << again.output;
  EXPECT_EQ(sim.stats()["poster_requests"], 8);

  // CM now points movie 2's poster at something that is not an image (JSON, 200): refused,
  // the stored poster stays, and the next import tries again.
  std::string before = rows(
      "SELECT i.sha256 FROM titles t JOIN title_images i ON i.title_id = t.id "
      "WHERE t.kind = 'movie' AND t.cm_id = '2'")[0][0];
  sim.control("PUT", "/control/items/movies/2",
              {{"id", 2}, {"title", "Moved poster"}, {"poster", sim.url() + "/control/stats"}});
  auto bad = import(sim);
  ASSERT_EQ(bad.exit_code, 0) << bad.output;
  EXPECT_NE(bad.output.find("images: 0 stored, 1 failed"), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("expected image/*"), std::string::npos) << bad.output;
  auto row = rows(
      "SELECT i.sha256, i.attempts, i.last_error IS NOT NULL FROM titles t "
      "JOIN title_images i ON i.title_id = t.id WHERE t.kind = 'movie' AND t.cm_id = '2'");
  EXPECT_EQ(row[0][0], before);
  EXPECT_EQ(row[0][2], "1");
  auto retried = import(sim);
  EXPECT_NE(retried.output.find("images: 0 stored, 1 failed"), std::string::npos) << retried.output;
  EXPECT_EQ(rows("SELECT i.attempts FROM titles t JOIN title_images i ON i.title_id = t.id "
                 "WHERE t.kind = 'movie' AND t.cm_id = '2'")[0][0],
            std::to_string(std::stoi(row[0][1]) + 1));
}

}  // namespace
}  // namespace cmup::cm
