// CoordinatorServer: the queue's HTTP API for workers on other hosts (issue 5, DESIGN.md §3).
//
// Contract: serves POST /coord/v1/{register,claim,heartbeat,progress,choose_channel,
// record_part,complete,fail,release,flood,flood_until} on its own listen address (not the
// web port), JSON in and out, each call mapped 1:1 onto a JobStore call on the main host's
// database (so remote and local workers behave the same). Requests need
// "Authorization: Bearer <token>" with a token from coordinator.tokens ("NAME=TOKEN,...").
// A worker's id is prefixed with its token's NAME ("rora/cm-rora:rora"), so one host's
// token cannot act as another host's worker.
// Errors: {"error":{"code","message"}} with 401 unauthorized (no state change), 400
// bad_request (malformed JSON / fields; no state change), 409 lease_lost or refused,
// 413 when the body exceeds coordinator.max_body_bytes, 500 internal.
// Served by util/http_server (event-driven; calls run on its bounded worker pool).
// Thread-safety: start()/stop() from one thread; requests run concurrently on the pool.
#pragma once

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "queue/job_store.hpp"
#include "util/http_router.hpp"

namespace cmup {

class Config;
class HttpServer;

struct CoordinatorOptions {
  std::string host = "127.0.0.1";
  int port = 8081;
  std::map<std::string, std::string> tokens;  // token -> worker host name
  std::size_t max_body_bytes = 1 << 20;
  // "host:port" (port 0 = any free port, see CoordinatorServer::port()).
  static CoordinatorOptions from_config(const Config& cfg);
};

// "rora=abc,lukas=def" -> {abc: rora, def: lukas}; throws ConfigError on a malformed entry.
std::map<std::string, std::string> parse_worker_tokens(const std::string& spec);

// One API call without HTTP (the server's routes use it; so does the fuzz target): the
// status and JSON body answered for call `op` with request `body` from the worker host
// `host_name` (already authenticated).
struct CoordinatorReply {
  int status = 200;
  std::string body;
};
CoordinatorReply handle_coordinator_call(JobStore& store, const std::string& host_name, const std::string& op,
                                         const std::string& body);

class CoordinatorServer {
 public:
  // Uses `store` (normally a SqliteJobStore on the main database); it must outlive the server.
  CoordinatorServer(JobStore& store, CoordinatorOptions opts);
  // Opens its own SqliteJobStore on the configured database.
  explicit CoordinatorServer(const Config& cfg);
  ~CoordinatorServer();

  // Binds and starts serving on a background thread; throws std::runtime_error when the
  // address cannot be bound (names it, so the operator can change coordinator.listen).
  void start();
  void stop();  // idempotent; waits for in-flight requests
  int port() const { return bound_port_; }

 private:
  Router routes();
  std::unique_ptr<JobStore> owned_store_;
  JobStore& store_;
  CoordinatorOptions opts_;
  std::unique_ptr<HttpServer> srv_;
  int bound_port_ = 0;
};

}  // namespace cmup
