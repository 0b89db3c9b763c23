// CoordinatorJobStore: the JobStore of a worker on another host, a client of the
// coordinator API (queue/coordinator_server.hpp) on the main host.
//
// Contract: as JobStore; every call is one POST /coord/v1/<call> with the worker's bearer
// token. A coordinator that cannot be reached (connection refused, timeout, 5xx) is retried
// with exponential backoff (250 ms doubling up to retry_max_ms) for as long as it takes: the
// worker keeps its current job and files meanwhile, and the log says when the coordinator is
// back. Only a cancel() ends the waiting, with StoreUnavailable. A refused token is not
// retried: JobStoreError telling the operator to fix coordinator.token.
// Thread-safety: calls are serialized by an internal mutex (one HTTP connection, kept alive).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "queue/job_store.hpp"
#include "util/http_client.hpp"

namespace cmup {

struct CoordinatorClientOptions {
  std::string url;    // e.g. http://10.0.0.1:8081
  std::string token;  // secret
  std::int64_t retry_max_ms = 30'000;
  long request_timeout_ms = 30'000;
};

class CoordinatorJobStore : public JobStore {
 public:
  explicit CoordinatorJobStore(CoordinatorClientOptions opts);

  void register_worker(const WorkerInfo& w) override;
  std::optional<Job> claim(const std::string& worker_id, const std::string& account) override;
  bool heartbeat(const LeaseRef& lease) override;
  void progress(const LeaseRef& lease, const Progress& p) override;
  std::int64_t choose_channel(const LeaseRef& lease, const std::string& kind) override;
  void record_part(const LeaseRef& lease, const StoredPart& part) override;
  void complete(const LeaseRef& lease, const CompleteInfo& info) override;
  FailResult fail(const LeaseRef& lease, const FailInfo& info) override;
  void release(const LeaseRef& lease, ReleaseReason why) override;
  void set_flood(const std::string& account, std::int64_t until_ms) override;
  std::int64_t flood_until(const std::string& account) override;

  // Stops waiting for an unreachable coordinator (shutdown): pending and later calls throw
  // StoreUnavailable. Safe from any thread.
  void cancel_waits() override;
  // True while a call is waiting for an unreachable coordinator (for status and tests).
  bool waiting_for_coordinator() const { return waiting_; }

 private:
  nlohmann::json call(const std::string& op, const nlohmann::json& body);
  CoordinatorClientOptions opts_;
  std::mutex mu_;
  HttpClient http_;
  std::atomic<bool> cancelled_{false};
  bool unreachable_logged_ = false;
  std::atomic<bool> waiting_{false};
};

}  // namespace cmup
