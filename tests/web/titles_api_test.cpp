// GET /api/v1/titles: every parameter, pagination, and each way a request can be refused.
#include <gtest/gtest.h>

#include <future>
#include <set>
#include <thread>

#include "web/web_test_server.hpp"

namespace cmup::test {
namespace {

using nlohmann::json;

class TitlesApi : public ::testing::Test {
 public:
  void SetUp() override {
    auto& c = w.catalog;
    matrix = c.movie("The Matrix", 1999, R"(["Action","Sci-Fi"])");
    c.variant(matrix, 0, "1080P");
    c.variant(matrix, 0, "720P");
    c.variant(matrix, 0, "2160P", "pending");
    heat = c.movie("Heat", 1995, R"(["Crime","Drama"])");
    c.variant(heat, 0, "720P");
    office = c.show("The Office", 2005, R"(["Comedy"])");
    auto e1 = c.episode(office, 1, 1, "Pilot");
    c.variant(office, e1, "1080P");
    amelie = c.movie("Amélie", 2001, R"(["Comedy","Romance"])");
    c.variant(amelie, 0, "480P");
    pending_only = c.movie("Not Yet Uploaded", 2010);
    c.variant(pending_only, 0, "1080P", "claimed");
    // Enough titles to page through.
    for (int i = 0; i < 30; ++i) {
      auto id = c.movie("Filler Movie " + std::to_string(i), 1980 + i % 20, R"(["Drama"])");
      c.variant(id, 0, i % 2 ? "1080P" : "720P");
      fillers.push_back(id);
    }
    w.start();
  }
  json titles(const std::string& query, int expect_status = 200) {
    auto r = w.get("/api/v1/titles" + query);
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, expect_status) << query << " -> " << r->body;
    return WebServerFixture::json_of(r);
  }
  std::vector<std::int64_t> ids(const json& page) {
    std::vector<std::int64_t> out;
    for (const auto& t : page["titles"]) out.push_back(t["id"]);
    return out;
  }
  void expect_bad(const std::string& query, const std::string& mentions) {
    auto j = titles(query, 400);
    EXPECT_EQ(j["error"]["code"], "invalid_parameter") << query;
    EXPECT_NE(j["error"]["message"].get<std::string>().find(mentions), std::string::npos) << j.dump();
  }

  WebServerFixture w;
  std::int64_t matrix = 0, heat = 0, office = 0, amelie = 0, pending_only = 0;
  std::vector<std::int64_t> fillers;
};

TEST_F(TitlesApi, DefaultIsNewestAvailableTitlesWithTheirFields) {
  auto j = titles("");
  ASSERT_EQ(j["titles"].size(), 24u);  // default page size
  EXPECT_FALSE(j["next_cursor"].is_null());
  EXPECT_EQ(j["titles"][0]["id"], fillers.back());  // newest first
  auto all = ids(titles("?limit=100"));
  EXPECT_EQ(all.size(), 34u);
  EXPECT_EQ(std::count(all.begin(), all.end(), pending_only), 0);  // nothing deliverable: hidden
  json m;
  json page = titles("?limit=100");
  for (const auto& t : page["titles"])
    if (t["id"] == matrix) m = t;
  EXPECT_EQ(m["title"], "The Matrix");
  EXPECT_EQ(m["kind"], "movie");
  EXPECT_EQ(m["year"], 1999);
  EXPECT_EQ(m["genres"], json({"Action", "Sci-Fi"}));
  EXPECT_EQ(m["qualities"], json({"1080P", "720P"}));  // best first; the pending 2160P is not offered
  EXPECT_TRUE(m["poster_url"].is_null());
  EXPECT_TRUE(m["original_title"].is_null());
}

TEST_F(TitlesApi, AvailableFalseIncludesTitlesStillInTheQueue) {
  auto all = ids(titles("?limit=100&available=false"));
  EXPECT_EQ(std::count(all.begin(), all.end(), pending_only), 1);
  expect_bad("?available=maybe", "available");
}

TEST_F(TitlesApi, SearchFindsTitlesAndTypos) {
  EXPECT_EQ(ids(titles("?q=matrix")), std::vector<std::int64_t>{matrix});
  EXPECT_EQ(ids(titles("?q=the%20matrx")), std::vector<std::int64_t>{matrix});
  EXPECT_EQ(ids(titles("?q=amelie")), std::vector<std::int64_t>{amelie});
  EXPECT_EQ(ids(titles("?q=%20%20")).size(), 24u);  // blank search is browsing
  EXPECT_TRUE(ids(titles("?q=zzzzzzzz")).empty());
}

TEST_F(TitlesApi, KindFilter) {
  EXPECT_EQ(ids(titles("?kind=show")), std::vector<std::int64_t>{office});
  EXPECT_EQ(ids(titles("?kind=movie&limit=100")).size(), 33u);
  expect_bad("?kind=series", "kind");
}

TEST_F(TitlesApi, YearRange) {
  auto j = titles("?year_from=1995&year_to=1999&limit=100");
  for (const auto& t : j["titles"]) {
    EXPECT_GE(t["year"].get<int>(), 1995);
    EXPECT_LE(t["year"].get<int>(), 1999);
  }
  auto got = ids(j);
  EXPECT_NE(std::find(got.begin(), got.end(), matrix), got.end());
  EXPECT_NE(std::find(got.begin(), got.end(), heat), got.end());
  EXPECT_EQ(ids(titles("?year_from=2005&kind=show")), std::vector<std::int64_t>{office});
  EXPECT_TRUE(ids(titles("?year_to=1979")).empty());
  expect_bad("?year_from=1869", "year_from");
  expect_bad("?year_to=2201", "year_to");
  expect_bad("?year_from=abc", "year_from");
  expect_bad("?year_from=1999.5", "year_from");
  expect_bad("?year_from=2000&year_to=1999", "year_from");
}

TEST_F(TitlesApi, GenreFilter) {
  EXPECT_EQ(ids(titles("?genre=Crime")), std::vector<std::int64_t>{heat});
  auto comedy = ids(titles("?genre=Comedy"));
  EXPECT_EQ(std::set<std::int64_t>(comedy.begin(), comedy.end()), (std::set<std::int64_t>{office, amelie}));
  EXPECT_TRUE(ids(titles("?genre=Western")).empty());
  expect_bad("?genre=", "genre");
  expect_bad("?genre=" + std::string(65, 'x'), "genre");
}

TEST_F(TitlesApi, QualityFilterOnlyCountsAvailableVariants) {
  EXPECT_EQ(ids(titles("?quality=480P")), std::vector<std::int64_t>{amelie});
  EXPECT_EQ(ids(titles("?quality=480p")), std::vector<std::int64_t>{amelie});  // case-insensitive
  EXPECT_TRUE(ids(titles("?quality=2160P")).empty());                          // only pending
  expect_bad("?quality=4K", "quality");
}

TEST_F(TitlesApi, Sorts) {
  auto by_year = titles("?sort=year&limit=100")["titles"];
  for (std::size_t i = 1; i < by_year.size(); ++i) EXPECT_GE(by_year[i - 1]["year"], by_year[i]["year"]);
  auto by_title = titles("?sort=title&limit=100")["titles"];
  EXPECT_EQ(by_title[0]["title"], "Amélie");
  EXPECT_EQ(by_title[by_title.size() - 1]["title"], "The Office");
  auto newest = ids(titles("?sort=newest&limit=3"));
  EXPECT_EQ(newest[0], fillers.back());
  // Relevance without a query has nothing to rank by: newest.
  EXPECT_EQ(ids(titles("?sort=relevance&limit=3")), newest);
  auto searched = titles("?q=the&sort=year")["titles"];
  ASSERT_EQ(searched.size(), 2u);
  EXPECT_EQ(searched[0]["title"], "The Office");
  expect_bad("?sort=rating", "sort");
}

TEST_F(TitlesApi, LimitBounds) {
  EXPECT_EQ(titles("?limit=1")["titles"].size(), 1u);
  EXPECT_EQ(titles("?limit=100")["titles"].size(), 34u);
  expect_bad("?limit=0", "limit");
  expect_bad("?limit=101", "limit");
  expect_bad("?limit=-1", "limit");
  expect_bad("?limit=ten", "limit");
  expect_bad("?limit=05", "limit");
  expect_bad("?limit=", "limit");
}

// Pages through `query` with `limit`, returning every id in order.
std::vector<std::int64_t> all_pages(TitlesApi& t, const std::string& query, int limit) {
  std::vector<std::int64_t> out;
  std::string cursor;
  for (int guard = 0; guard < 100; ++guard) {
    std::string sep = query.empty() ? "?" : "&";
    auto page = t.titles(query + sep + "limit=" + std::to_string(limit) + (cursor.empty() ? "" : "&cursor=" + cursor));
    for (const auto& x : page["titles"]) out.push_back(x["id"]);
    if (page["next_cursor"].is_null()) break;
    cursor = page["next_cursor"];
  }
  return out;
}

TEST_F(TitlesApi, CursorPagesThroughEverythingOnceInEverySort) {
  for (std::string sort : {"newest", "year", "title"}) {
    auto paged = all_pages(*this, "?sort=" + sort, 7);
    auto whole = ids(titles("?limit=100&sort=" + sort));
    EXPECT_EQ(paged, whole) << sort;
    EXPECT_EQ(std::set<std::int64_t>(paged.begin(), paged.end()).size(), paged.size()) << sort;
  }
  auto searched = all_pages(*this, "?q=filler", 4);
  EXPECT_EQ(searched.size(), 30u);
  EXPECT_EQ(std::set<std::int64_t>(searched.begin(), searched.end()).size(), 30u);
  auto filtered = all_pages(*this, "?genre=Drama&year_from=1990&sort=year", 3);
  EXPECT_EQ(filtered, ids(titles("?genre=Drama&year_from=1990&sort=year&limit=100")));
}

TEST_F(TitlesApi, SearchResultsAreTheSameAtEveryPageSize) {
  for (std::string q : {"?q=filler", "?q=movie", "?q=the", "?q=fill&sort=year"}) {
    auto whole = ids(titles(q + "&limit=100"));
    ASSERT_FALSE(whole.empty()) << q;
    for (int limit : {1, 2, 3, 4, 7, 100}) EXPECT_EQ(all_pages(*this, q, limit), whole) << q << " limit " << limit;
  }
}

TEST_F(TitlesApi, SearchSeesAFinishedUploadWithoutARestart) {
  EXPECT_TRUE(ids(titles("?q=uploaded")).empty());  // "Not Yet Uploaded" is still claimed (and now cached)
  auto variant = w.db->execAndGet("SELECT id FROM upload_variants WHERE title_id = " + std::to_string(pending_only));
  std::int64_t vid = variant.getInt64();
  w.db->exec("UPDATE upload_variants SET state = 'done', lease_token = NULL WHERE id = " + std::to_string(vid));
  w.catalog.object(vid, 1, 1, 5000, "CM_M_PENDING");
  // The index follows the database in the background: wait for it, bounded.
  std::vector<std::int64_t> found;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       found.empty() && std::chrono::steady_clock::now() < deadline;) {
    found = ids(titles("?q=uploaded"));
    if (found.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));  // poll the condition
  }
  EXPECT_EQ(found, std::vector<std::int64_t>{pending_only});
}

TEST_F(TitlesApi, CursorIsBoundToItsQuery) {
  std::string cursor = titles("?limit=5&sort=year")["next_cursor"];
  titles("?limit=5&sort=year&cursor=" + cursor, 200);
  expect_bad("?limit=5&sort=title&cursor=" + cursor, "cursor");
  expect_bad("?limit=5&sort=year&kind=movie&cursor=" + cursor, "cursor");
  expect_bad("?cursor=not-a-cursor!", "cursor");
  expect_bad("?cursor=" + cursor.substr(0, cursor.size() - 3), "cursor");
  expect_bad("?cursor=" + std::string(600, 'A'), "cursor");
  expect_bad("?cursor=", "cursor");
}

TEST_F(TitlesApi, RefusesUnknownRepeatedAndOversizedParameters) {
  expect_bad("?color=red", "color");
  expect_bad("?kind=movie&kind=show", "more than once");
  expect_bad("?q=" + std::string(201, 'a'), "q is longer");
  titles("?q=" + std::string(200, 'a'), 200);
  expect_bad("?q=a%01b", "control");
  expect_bad("?q=%ff%fe", "UTF-8");
}

TEST_F(TitlesApi, FacetsListWhatFiltersCanOffer) {
  auto r = w.get("/api/v1/facets");
  ASSERT_TRUE(r);
  auto j = WebServerFixture::json_of(r);
  EXPECT_EQ(j["kinds"], json({"movie", "show"}));
  EXPECT_EQ(j["genres"], json({"Action", "Comedy", "Crime", "Drama", "Romance", "Sci-Fi"}));
  EXPECT_EQ(j["qualities"], json({"1080P", "720P", "480P"}));
  EXPECT_EQ(j["year_min"], 1980);
  EXPECT_EQ(j["year_max"], 2010);
  EXPECT_EQ(w.get("/api/v1/facets?x=1")->status, 400);
}

void expect_api_answer_headers(const httplib::Response& r) {
  const std::vector<std::pair<std::string, std::string>> want = {
      {"Content-Type", "application/json; charset=utf-8"},
      {"Cache-Control", "no-store"},
      {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Content-Type-Options", "nosniff"},
      {"Content-Length", std::to_string(r.body.size())},
  };
  for (const auto& [name, value] : want) {
    EXPECT_EQ(r.get_header_value_count(name), 1u) << name;
    EXPECT_EQ(r.get_header_value(name), value) << name;
  }
}

// A popular search is answered from the rendered-answer cache on the I/O thread: it keeps
// answering while every database worker is busy, when anything needing a worker gets 503.
TEST(TitlesApiBusyPool, RepeatedSearchesAnswerWhileEveryDatabaseWorkerIsBusy) {
  auto opts = test_options();
  opts.threads = 1;
  opts.queue = 0;
  WebServerFixture w(opts);
  w.catalog.variant(w.catalog.movie("The Matrix", 1999), 0, "1080P");
  w.catalog.variant(w.catalog.movie("Heat", 1995), 0, "720P");
  w.server = std::make_unique<web::WebServer>(opts, w.dir / "cmup.db", &w.delivery);
  std::promise<void> entered, release;
  std::shared_future<void> released = release.get_future().share();
  w.server->router().get("/test/hold", [&](const ServerRequest&, ServerResponse& res) {
    entered.set_value();
    released.wait();
    res.status = 204;
  });
  w.port = w.server->start();
  w.client = std::make_unique<httplib::Client>("127.0.0.1", w.port);
  w.client->set_read_timeout(10, 0);

  auto first = w.get("/api/v1/titles?q=matrix");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  std::thread holder([&] {
    httplib::Client c("127.0.0.1", w.port);
    c.set_read_timeout(30, 0);
    auto r = c.Get("/test/hold");
    EXPECT_TRUE(r && r->status == 204);
  });
  entered.get_future().wait();  // the only worker is held now
  auto again = w.get("/api/v1/titles?q=matrix");
  auto fresh = w.get("/api/v1/titles?q=heat");
  release.set_value();
  holder.join();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200) << again->body;
  EXPECT_EQ(again->body, first->body);
  // The cached answer is sent as serialized when it was cached: the same headers as the
  // fresh one, the API's security headers among them, each once, and the right length.
  expect_api_answer_headers(*first);
  expect_api_answer_headers(*again);
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->status, 503) << "a search never asked before needs a worker: " << fresh->body;
  auto later = w.get("/api/v1/titles?q=heat");
  ASSERT_TRUE(later);
  EXPECT_EQ(later->status, 200);
  EXPECT_EQ(WebServerFixture::json_of(later)["titles"][0]["title"], "Heat");

  // The catalog changes: the cached answer (body and serialized headers) is dropped, and
  // the next one says the new name with its own length. Bounded wait for the index.
  w.db->exec("UPDATE titles SET title = 'The Matrix Reloaded' WHERE title = 'The Matrix'");
  httplib::Response renamed;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       std::chrono::steady_clock::now() < deadline;) {
    auto r = w.get("/api/v1/titles?q=matrix");
    ASSERT_TRUE(r);
    renamed = *r;
    if (renamed.body != first->body) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // poll the condition
  }
  EXPECT_EQ(json::parse(renamed.body)["titles"][0]["title"], "The Matrix Reloaded");
  expect_api_answer_headers(renamed);
  auto renamed_again = w.get("/api/v1/titles?q=matrix");  // now from the cache
  ASSERT_TRUE(renamed_again);
  EXPECT_EQ(renamed_again->body, renamed.body);
  expect_api_answer_headers(*renamed_again);
}

}  // namespace
}  // namespace cmup::test
