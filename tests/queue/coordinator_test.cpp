// The coordinator API: a remote worker gets the same results as a local one; bad tokens and
// malformed requests are refused without any change; an unreachable coordinator is waited for.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "fakes.hpp"
#include "queue/coordinator_job_store.hpp"
#include "queue/coordinator_server.hpp"
#include "queue/sqlite_job_store.hpp"
#include "queue/worker.hpp"
#include "queue_fixture.hpp"
#include "support/test_support.hpp"
#include "util/http_client.hpp"

namespace cmup {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const std::string kToken = "0123456789abcdef0123456789abcdef";

CoordinatorOptions server_options(int port = 0) {
  CoordinatorOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  o.tokens = parse_worker_tokens("rora=" + kToken + ", lukas=fedcba9876543210fedcba98");
  o.max_body_bytes = 64 * 1024;
  return o;
}

WorkerOptions wopts() {
  WorkerOptions o;
  o.account = "ember";
  o.worker_id = "test:ember";
  o.host = "test";
  o.heartbeat_ms = 100;
  o.idle_poll_ms = 10;
  o.progress_interval_ms = 0;
  o.exit_when_idle = true;
  return o;
}

PreparerFactory two_parts_for_even() {
  return [] {
    auto p = std::make_unique<test::FakePreparer>();
    // The seeded names count from 1 (CM_M000001_1080P) as the variant ids do.
    p->parts_for = [](const media::PrepareRequest& j, std::int64_t) {
      return std::stoi(j.coded_name.substr(4, 6)) % 2 == 0 ? 2 : 1;
    };
    return p;
  };
}

// Everything a user of the queue would see, without ids that name the worker.
std::string outcome_of(SQLite::Database& db) {
  std::string out;
  for (auto sql : {"SELECT coded_name, state, attempts, part_count, size_bytes, channel_id FROM upload_variants ORDER BY id",
                   "SELECT variant_id, part_no, part_count, account, channel_id, message_id, file_id, file_name, "
                   "size_bytes FROM telegram_objects ORDER BY variant_id, part_no",
                   "SELECT variant_id, account, source_id, path, outcome, bytes_moved FROM upload_attempts ORDER BY id",
                   "SELECT chat_id, files_stored, bytes_stored, last_message_id FROM storage_channels ORDER BY chat_id"}) {
    SQLite::Statement q(db, sql);
    while (q.executeStep()) {
      for (int i = 0; i < q.getColumnCount(); ++i) out += q.getColumn(i).getString() + "|";
      out += "\n";
    }
  }
  return out;
}

// The rows a refused request must not touch.
std::string snapshot(SQLite::Database& db) {
  std::string out = outcome_of(db);
  for (auto sql : {"SELECT id, lease_token, lease_worker, progress, updated_at FROM upload_variants ORDER BY id",
                   "SELECT name, flood_until FROM accounts ORDER BY name", "SELECT id, last_seen_at FROM workers ORDER BY id"}) {
    SQLite::Statement q(db, sql);
    while (q.executeStep()) {
      for (int i = 0; i < q.getColumnCount(); ++i) out += q.getColumn(i).getString() + "|";
      out += "\n";
    }
  }
  return out;
}

TEST(Coordinator, RemoteWorkerCompletesJobsWithTheSameResultsAsALocalOne) {
  test::TempDir dir;
  auto local_path = dir / "local.db", remote_path = dir / "remote.db";
  for (auto& p : {local_path, remote_path}) test::seed_queue(*db::open(p), 6);

  {
    SqliteJobStore store(local_path, test::fast_options());
    test::FakeChannel channel;
    test::FakeUploader up("ember", channel);
    Worker(store, up, two_parts_for_even(), wopts()).run();
  }
  {
    SqliteJobStore main_store(remote_path, test::fast_options());
    CoordinatorServer server(main_store, server_options());
    server.start();
    CoordinatorJobStore remote({"http://127.0.0.1:" + std::to_string(server.port()), kToken, 1000, 10'000});
    test::FakeChannel channel;
    test::FakeUploader up("ember", channel);
    Worker(remote, up, two_parts_for_even(), wopts()).run();
    server.stop();
  }
  auto local = db::open(local_path), remote = db::open(remote_path);
  EXPECT_EQ(test::state_counts(*remote)["done"], 6);
  EXPECT_EQ(test::scalar(*remote, "SELECT count(*) FROM telegram_objects"), 9);
  EXPECT_EQ(outcome_of(*local), outcome_of(*remote));
  // The remote worker is known under its token's name.
  EXPECT_EQ(test::text(*remote, "SELECT id FROM workers"), "rora/test:ember");
}

TEST(Coordinator, BadTokensAndMalformedRequestsGet401Or400WithAJsonErrorAndChangeNothing) {
  test::TempDir dir;
  auto path = dir / "cmup.db";
  test::seed_queue(*db::open(path), 3);
  SqliteJobStore main_store(path, test::fast_options());
  main_store.register_worker({"rora/w", "ember", "h", "botapi", "local_bot", 0});
  auto held = main_store.claim("rora/w", "ember");  // a live lease, which bad requests must not touch
  ASSERT_TRUE(held);
  CoordinatorServer server(main_store, server_options());
  server.start();
  auto base = "http://127.0.0.1:" + std::to_string(server.port()) + "/coord/v1/";
  auto db = db::open(path);
  auto before = snapshot(*db);

  HttpClient http;
  auto post = [&](const std::string& op, const std::string& body, const std::string& token) {
    std::vector<std::pair<std::string, std::string>> h;
    if (!token.empty()) h.push_back({"Authorization", "Bearer " + token});
    return http.post_json(base + op, body, h);
  };
  auto lease = json{{"variant_id", held->variant_id}, {"token", held->lease_token}, {"attempt_id", held->attempt_id}};
  struct Case {
    std::string op, body, token;
    long status;
    std::string code;
  };
  std::vector<Case> cases = {
      {"claim", R"({"worker_id":"w","account":"ember"})", "", 401, "unauthorized"},
      {"claim", R"({"worker_id":"w","account":"ember"})", "not-a-token", 401, "unauthorized"},
      {"claim", R"({"worker_id":"w","account":"ember"})", kToken + "x", 401, "unauthorized"},
      {"complete", json{{"lease", lease}, {"info", {{"path", "remux"}}}}.dump(), "wrong", 401, "unauthorized"},
      {"claim", "{not json", kToken, 400, "bad_request"},
      {"claim", R"({"worker_id":"w"})", kToken, 400, "bad_request"},
      {"claim", R"({"worker_id":"w","account":42})", kToken, 400, "bad_request"},
      {"claim", R"([1,2,3])", kToken, 400, "bad_request"},
      {"heartbeat", R"({"lease":{"variant_id":"1","token":"x","attempt_id":1}})", kToken, 400, "bad_request"},
      {"record_part", json{{"lease", lease}, {"part", {{"part_no", 1}}}}.dump(), kToken, 400, "bad_request"},
      {"fail", json{{"lease", lease}}.dump(), kToken, 400, "bad_request"},
      {"release", json{{"lease", lease}, {"reason", "because"}}.dump(), kToken, 400, "bad_request"},
      {"flood", R"({"account":"ember","until_ms":"soon"})", kToken, 400, "bad_request"},
      {"progress", json{{"lease", lease}, {"progress", {{"bytes_done", 5}}}}.dump(), kToken, 400, "bad_request"},
      {"no_such_call", "{}", kToken, 404, "not_found"},
      // Issue 21: the parse error quotes the bytes it read; the reply must still be JSON.
      {"progress",
       "{\"lease\":{\"variant_id\":1,\"token\":\"abc\",\"attempt_id\":1},\"progress\":{\"\xFF\xFF\xFFstage\":"
       "1}}",
       kToken, 400, "bad_request"},
      {"claim", "{\"worker_id\":\"w\xC3\",\"account\":\"e\n\"}", kToken, 400, "bad_request"},
      {"claim", std::string(100 * 1024, ' '), kToken, 413, ""},
  };
  for (const auto& c : cases) {
    auto res = post(c.op, c.body, c.token);
    EXPECT_EQ(res.status, c.status) << c.op << " " << c.body.substr(0, 80);
    if (c.code.empty()) continue;
    auto j = json::parse(res.body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << res.body;
    EXPECT_EQ(j["error"]["code"], c.code) << c.op << " " << res.body;
    EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
  }
  EXPECT_EQ(snapshot(*db), before);

  // A well-formed request with the right token works, and a stale lease gets 409 lease_lost.
  auto ok = post("heartbeat", json{{"lease", lease}}.dump(), kToken);
  EXPECT_EQ(ok.status, 200);
  auto stale = lease;
  stale["token"] = "0000";
  auto lost = post("complete", json{{"lease", stale}, {"info", {{"path", "remux"}}}}.dump(), kToken);
  EXPECT_EQ(lost.status, 409);
  EXPECT_EQ(json::parse(lost.body)["error"]["code"], "lease_lost");
  server.stop();
}

TEST(Coordinator, ErrorRepliesAreJsonWhateverBytesTheRequestQuotes) {
  // Issue 21: the parse error of a body with 0xFF bytes quotes them; dump() threw inside the
  // handler. Now every reply parses, and the message keeps the readable part.
  test::TempDir dir;
  auto path = dir / "cmup.db";
  test::seed_queue(*db::open(path), 1);
  SqliteJobStore store(path, test::fast_options());
  const std::string body =
      "{\"lease\":{\"variant_id\":1,\"token\":\"abc\",\"attempt_id\":1},\"progress\":{\"" +
      std::string(22, '\xFF') + "stage\":\"upload\",\"bytes_done\":5}}";
  struct Case {
    std::string op, body;
    int status;
  };
  for (const auto& c : std::vector<Case>{{"progress", body, 400},
                                         {"no_such_\xFF\xFE_call", "{}", 404},
                                         {"claim", "{\"worker_id\":\"\x1b[31m\n\",\"account\":7}", 400},
                                         {"claim", std::string(100000, '['), 400}}) {
    auto reply = handle_coordinator_call(store, "rora", c.op, c.body);
    EXPECT_EQ(reply.status, c.status) << c.op;
    auto j = json::parse(reply.body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << reply.body;
    auto msg = j["error"]["message"].get<std::string>();
    EXPECT_NE(msg.find(c.status == 404 ? "no such coordinator call" : "malformed request to"),
              std::string::npos)
        << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    EXPECT_LE(msg.size(), 1024u);
  }
}

TEST(Coordinator, FencedWritesThroughTheApiThrowLeaseLostLikeTheLocalStore) {
  test::TempDir dir;
  auto path = dir / "cmup.db";
  test::seed_queue(*db::open(path), 1);
  SqliteJobStore main_store(path, test::fast_options());
  CoordinatorServer server(main_store, server_options());
  server.start();
  CoordinatorJobStore remote({"http://127.0.0.1:" + std::to_string(server.port()), kToken, 1000, 10'000});
  remote.register_worker({"w", "ember", "h", "botapi", "local_bot", 0});
  auto j = remote.claim("w", "ember");
  ASSERT_TRUE(j);
  remote.release(lease_of(*j), ReleaseReason::Shutdown);
  remote.release(lease_of(*j), ReleaseReason::Shutdown);  // idempotent through the API too
  EXPECT_FALSE(remote.heartbeat(lease_of(*j)));
  EXPECT_THROW(remote.record_part(lease_of(*j), test::fake_part(j->variant_id, 1, 1, 5)), LeaseLost);
  EXPECT_THROW(remote.complete(lease_of(*j), {"remux", 0, std::nullopt, 0, {}}), LeaseLost);
  remote.set_flood("ember", now_ms() + 60'000);
  EXPECT_GT(remote.flood_until("ember"), now_ms());
  EXPECT_FALSE(remote.claim("w", "ember"));
  server.stop();
}

TEST(Coordinator, UnreachableCoordinatorIsRetriedUntilItIsBack) {
  test::TempDir dir;
  auto path = dir / "cmup.db";
  test::seed_queue(*db::open(path), 1);
  int port = test::free_port();
  CoordinatorJobStore remote({"http://127.0.0.1:" + std::to_string(port), kToken, 200, 5'000});
  std::optional<Job> got;
  std::thread t([&] {
    remote.register_worker({"w", "ember", "h", "botapi", "local_bot", 0});
    got = remote.claim("w", "ember");
  });
  ASSERT_TRUE(test::wait_until([&] { return remote.waiting_for_coordinator(); }, 10s));
  SqliteJobStore main_store(path, test::fast_options());
  CoordinatorServer server(main_store, server_options(port));
  server.start();
  t.join();
  ASSERT_TRUE(got);
  EXPECT_FALSE(remote.waiting_for_coordinator());
  server.stop();

  // Shutting down while it is unreachable ends the wait.
  std::thread t2([&] { EXPECT_THROW(remote.heartbeat(lease_of(*got)), StoreUnavailable); });
  ASSERT_TRUE(test::wait_until([&] { return remote.waiting_for_coordinator(); }, 10s));
  remote.cancel_waits();
  t2.join();
}

TEST(Coordinator, WorkerTokensParseAndRejectShortOrMalformedEntries) {
  auto t = parse_worker_tokens(" rora = 0123456789abcdef0123 ,lukas=abcdefabcdefabcdef ");
  EXPECT_EQ(t.at("0123456789abcdef0123"), "rora");
  EXPECT_EQ(t.at("abcdefabcdefabcdef"), "lukas");
  EXPECT_TRUE(parse_worker_tokens("").empty());
  EXPECT_THROW(parse_worker_tokens("rora"), ConfigError);
  EXPECT_THROW(parse_worker_tokens("rora=short"), ConfigError);
  EXPECT_THROW(parse_worker_tokens("=0123456789abcdef0123"), ConfigError);
}

}  // namespace
}  // namespace cmup
