#include "queue/coordinator_job_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "queue/job_json.hpp"
#include "util/safe_text.hpp"

namespace cmup {

using nlohmann::json;

CoordinatorJobStore::CoordinatorJobStore(CoordinatorClientOptions opts) : opts_(std::move(opts)) {
  while (!opts_.url.empty() && opts_.url.back() == '/') opts_.url.pop_back();
}

void CoordinatorJobStore::cancel_waits() { cancelled_ = true; }

json CoordinatorJobStore::call(const std::string& op, const json& body) {
  std::lock_guard lk(mu_);
  HttpRequest req;
  req.method = "POST";
  req.url = opts_.url + "/coord/v1/" + op;
  req.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + opts_.token}};
  req.body = safe_dump(body);  // failure texts quote ffmpeg, file names, Telegram
  req.timeout_ms = opts_.request_timeout_ms;
  req.connect_timeout_ms = std::min<long>(opts_.request_timeout_ms, 10'000);
  // Plain doubling from 250 ms up to retry_max_ms (the one backoff formula, no jitter).
  const BackoffPolicy backoff{0.25, std::max<double>(opts_.retry_max_ms, 250) / 1000.0, 0.0};
  int waits = 0;
  for (;;) {
    if (cancelled_) {
      waiting_ = false;
      throw StoreUnavailable("coordinator " + opts_.url + ": gave up waiting (shutting down)");
    }
    auto res = http_.perform(req);
    if (res.status != 0 && res.status < 500) {
      waiting_ = false;
      if (unreachable_logged_) {
        spdlog::info("coordinator {} is reachable again", opts_.url);
        unreachable_logged_ = false;
      }
      json out;
      try {
        out = json::parse(res.body);
      } catch (const json::exception&) {
        throw JobStoreError("coordinator " + opts_.url + " answered " + op + " with HTTP " +
                            std::to_string(res.status) +
                            " and no JSON (is coordinator.url the coordinator port?)");
      }
      if (res.ok()) return out;
      std::string code =
          out.contains("error") && out["error"].is_object() ? out["error"].value("code", "") : "";
      std::string msg = safe_text(
          out.contains("error") && out["error"].is_object() ? out["error"].value("message", "") : res.body);
      if (code == "lease_lost") throw LeaseLost(msg);
      if (res.status == 401)
        throw JobStoreError("coordinator " + opts_.url +
                            " refused this worker's token: set coordinator.token "
                            "(or --token) to this host's entry in coordinator.tokens on the main host");
      throw JobStoreError("coordinator " + op + ": " + msg);
    }
    // Unreachable or failing: keep the job and try again later.
    std::string why = res.status == 0 ? res.error : "HTTP " + std::to_string(res.status);
    waiting_ = true;
    if (!unreachable_logged_) {
      spdlog::warn(
          "coordinator {} unreachable ({}); retrying with backoff up to {} s, keeping the current job",
          opts_.url, why, opts_.retry_max_ms / 1000);
      unreachable_logged_ = true;
    }
    std::int64_t delay_ms = backoff_delay_ms(backoff, ++waits, 0.0);
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms);
    while (std::chrono::steady_clock::now() < until && !cancelled_)
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min<std::int64_t>(delay_ms, 50)));
  }
}

void CoordinatorJobStore::register_worker(const WorkerInfo& w) { call("register", worker_to_json(w)); }

std::optional<Job> CoordinatorJobStore::claim(const std::string& worker_id, const std::string& account) {
  auto out = call("claim", {{"worker_id", worker_id}, {"account", account}});
  if (!out.contains("job") || out["job"].is_null()) return std::nullopt;
  return job_from_json(out["job"]);
}

bool CoordinatorJobStore::heartbeat(const LeaseRef& lease) {
  return call("heartbeat", {{"lease", lease_to_json(lease)}}).value("ok", false);
}

void CoordinatorJobStore::progress(const LeaseRef& lease, const Progress& p) {
  call("progress", {{"lease", lease_to_json(lease)}, {"progress", progress_to_json(p)}});
}

std::int64_t CoordinatorJobStore::choose_channel(const LeaseRef& lease, const std::string& kind) {
  return call("choose_channel", {{"lease", lease_to_json(lease)}, {"kind", kind}})
      .at("channel_id")
      .get<std::int64_t>();
}

void CoordinatorJobStore::record_part(const LeaseRef& lease, const StoredPart& part) {
  call("record_part", {{"lease", lease_to_json(lease)}, {"part", part_to_json(part)}});
}

void CoordinatorJobStore::complete(const LeaseRef& lease, const CompleteInfo& info) {
  call("complete", {{"lease", lease_to_json(lease)}, {"info", complete_to_json(info)}});
}

FailResult CoordinatorJobStore::fail(const LeaseRef& lease, const FailInfo& info) {
  return fail_result_from_json(call("fail", {{"lease", lease_to_json(lease)}, {"info", fail_to_json(info)}}));
}

void CoordinatorJobStore::release(const LeaseRef& lease, ReleaseReason why) {
  call("release", {{"lease", lease_to_json(lease)},
                   {"reason", why == ReleaseReason::FloodWait ? "flood_wait" : "shutdown"}});
}

void CoordinatorJobStore::set_flood(const std::string& account, std::int64_t until_ms) {
  call("flood", {{"account", account}, {"until_ms", until_ms}});
}

std::int64_t CoordinatorJobStore::flood_until(const std::string& account) {
  return call("flood_until", {{"account", account}}).value("until_ms", std::int64_t{0});
}

}  // namespace cmup
