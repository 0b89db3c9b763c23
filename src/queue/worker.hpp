// Worker: uploads the queue's jobs with ONE Telegram account, as a pipeline (DESIGN.md §2).
//
// Contract:
//  - Three threads: a prepare stage (claim the next job, prepare its media), an upload stage
//    (upload parts, record each at once, complete), and heartbeats for every held lease.
//    While job N uploads, jobs N+1 ... N+prepare_ahead are prepared, in claim order, and
//    nothing is claimed or prepared while the account is in flood wait. A job prepared while
//    an upload runs or another job waits is fetched to the spool even when it could stream
//    (PrepareHints::allow_direct = false), so the source link works ahead while the upload
//    link works; only a job prepared for an idle uploader with nothing waiting may stream
//    (Direct: download and upload overlap).
//  - FloodWait: the account's flood_until is set in the store (other accounts carry on), the
//    worker claims nothing until then; a wait up to flood_hold_max keeps the job (heartbeats
//    keep the lease) and retries the same part, a longer one gives the job back.
//  - TooBig: the job is prepared again with the reported limit (or half). Rights: the job
//    fails with a message naming channel and account, and the channel's failure is counted.
//  - No duplicates (DESIGN.md §5): captions carry the attempt's nonce; a job whose earlier
//    attempts may have uploaded first searches for their nonces and adopts what it finds.
//    Parts already in telegram_objects are never uploaded again.
//  - A lost lease (heartbeat says so, or a fenced write throws LeaseLost) ends the work on
//    that job without writing anything more for it.
//  - stop(): nothing new is claimed; prepared-but-not-started jobs are released; the upload
//    in progress may finish within shutdown_grace, else its job is released and run()
//    returns with upload_abandoned = true: the upload thread may still be inside the
//    uploader, so the caller must end the process (_exit) instead of destroying the Worker.
//    When run() returns it has called store.cancel_waits(): the store is done waiting.
//  - Test-only fault point: with the environment variable CMUP_FAULT=exit_after_upload the
//    process calls _exit(137) right after Telegram accepted a part and before it is recorded
//    (the crash window the adoption protects; used by the no-duplicate tests only).
// Thread-safety: run() once, from one thread; stop() and stats() from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "media/preparer.hpp"
#include "queue/job_store.hpp"
#include "telegram/uploader.hpp"

namespace cmup {

class Config;

struct WorkerOptions {
  std::string worker_id;  // stable across restarts (re-takes its own leases)
  std::string account;
  std::string host;
  std::string backend = "botapi";  // for the accounts row, if new
  std::string kind = "local_bot";
  std::int64_t heartbeat_ms = 30'000;
  std::int64_t idle_poll_ms = 2'000;
  std::int64_t flood_hold_max_ms = 300'000;
  std::int64_t shutdown_grace_ms = 60'000;
  std::int64_t progress_interval_ms = 2'000;
  int prepare_ahead = 2;  // jobs prepared and waiting for the uploader, at most
  int too_big_retries = 3;
  bool exit_when_idle = false;  // stop once a claim finds nothing and nothing is in flight
  static WorkerOptions from_config(const Config& cfg, const std::string& account);
};

struct WorkerStats {
  int jobs_done = 0, jobs_failed = 0, jobs_released = 0, leases_lost = 0;
  int parts_uploaded = 0, parts_adopted = 0, flood_waits = 0;
};

using PreparerFactory = std::function<std::unique_ptr<MediaPreparer>()>;

class Worker {
 public:
  Worker(JobStore& store, Uploader& uploader, PreparerFactory preparers, WorkerOptions opts);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  struct RunResult {
    bool upload_abandoned = false;
  };
  RunResult run();
  void stop();
  WorkerStats stats() const;

 private:
  struct Item {
    Job job;
    std::optional<PreparedMedia> media;
  };
  class FloodReleased {};  // the job went back to the queue during a long flood wait
  class Reprepare {};      // the prepared bytes were consumed (stream); prepare again

  void prepare_loop();
  void upload_loop();
  void heartbeat_loop();
  bool wait_for_claim_slot();
  void process(Item& item);
  void adopt(Job& job, const LeaseRef& lease);
  void upload_media(Item& item, const LeaseRef& lease);
  void upload_parts(Job& job, const LeaseRef& lease, PreparedMedia& media, std::int64_t& bytes);
  void wait_flood(int seconds, const LeaseRef& lease);
  PreparedMedia prepare_with(MediaPreparer& p, const Job& job, std::int64_t limit, const LeaseRef& lease,
                             const PrepareHints& hints = {});
  void fail_job(const Job& job, FailInfo info);
  void release_job(const Job& job, ReleaseReason why);
  ProgressFn progress_fn(const LeaseRef& lease);

  void hold(const LeaseRef& l);
  void unhold(const LeaseRef& l);
  bool is_lost(const LeaseRef& l);
  bool still_held(const LeaseRef& l);
  void mark_lost(const LeaseRef& l);
  template <typename F>
  void count(F f) {
    std::lock_guard lk(stats_mu_);
    f(stats_);
  }

  JobStore& store_;
  Uploader& uploader_;
  PreparerFactory make_preparer_;
  WorkerOptions opts_;
  std::unique_ptr<MediaPreparer> ahead_preparer_;   // prepare stage (job N+1)
  std::unique_ptr<MediaPreparer> inline_preparer_;  // upload stage (TooBig, adoption gaps)
  bool fault_exit_after_upload_ = false;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> ready_;  // jobs prepared ahead, in claim order (at most prepare_ahead)
  bool uploading_ = false, prepare_done_ = false, upload_done_ = false;
  std::optional<LeaseRef> preparing_, current_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::int64_t> flood_until_{0};
  std::map<std::int64_t, LeaseRef> held_;  // variant id -> lease, renewed by heartbeats
  std::set<std::string> lost_;             // lease tokens
  bool hb_stop_ = false;

  mutable std::mutex stats_mu_;
  WorkerStats stats_;
  std::thread prepare_thread_, upload_thread_, heartbeat_thread_;
};

}  // namespace cmup
