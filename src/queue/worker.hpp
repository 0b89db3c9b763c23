// Worker: uploads the queue's jobs with ONE Telegram account, as a pipeline (DESIGN.md §2).
//
// Contract:
//  - Four threads, three stages and heartbeats for every held lease: a download stage (claim
//    the next job, fetch its source: MediaPreparer::fetch), a processing stage (probe, remux,
//    split: MediaPreparer::finish) and an upload stage (upload parts, record each at once,
//    complete). So while job N uploads, job N+1 is remuxed and job N+2 downloads: the source
//    link never waits on ffmpeg, the upload link never on a download (issue 16). Jobs move
//    between the stages in claim order. Bounds: the download stage claims only while fewer
//    than prepare_ahead jobs wait between the stages (downloaded for the processing stage,
//    or prepared for the uploader; the one being processed does not count, so a remux never
//    stops the source link) and never while the account is in flood wait. So a worker holds
//    at most prepare_ahead + 3 jobs and their spool files (one uploading, one downloading,
//    prepare_ahead + 1 waiting or being processed).
//    A job fetched while anything is uploading, processed or waiting goes to the spool even
//    when it could stream (PrepareHints::allow_direct = false); only a job fetched for an
//    idle pipeline may stream (Direct: download and upload overlap).
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
//  - stop(): nothing new is claimed; jobs not yet uploading are released (a download or
//    remux in progress is cancelled); the upload
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
  int prepare_ahead = 2;  // jobs waiting between the stages (downloaded or prepared), at most
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
    std::optional<FetchedMedia> fetched;  // downloaded, for the processing stage
    std::optional<PreparedMedia> media;   // prepared, for the upload stage
  };
  class FloodReleased {};  // the job went back to the queue during a long flood wait
  class Reprepare {};      // the prepared bytes were consumed (stream); prepare again

  void download_loop();
  void process_loop();
  void upload_loop();
  bool hand_over(Item& item, std::deque<Item>& to);
  template <typename Body>
  bool run_stage(Item& item, std::optional<LeaseRef>& slot, Body&& body);
  void heartbeat_loop();
  bool wait_for_claim_slot();
  void process(Item& item);
  void adopt(Job& job, const LeaseRef& lease);
  void upload_media(Item& item, const LeaseRef& lease);
  void upload_parts(Job& job, const LeaseRef& lease, PreparedMedia& media, std::int64_t& bytes);
  void wait_flood(int seconds, const LeaseRef& lease);
  PreparedMedia prepare_with(MediaPreparer& p, const Job& job, std::int64_t limit, const LeaseRef& lease,
                             const PrepareHints& hints = {});
  FetchedMedia fetch_with(const Job& job, const LeaseRef& lease, const PrepareHints& hints);
  PreparedMedia finish_with(const Job& job, FetchedMedia fetched, const LeaseRef& lease);
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
  std::unique_ptr<MediaPreparer> fetch_preparer_;    // download stage
  std::unique_ptr<MediaPreparer> process_preparer_;  // processing stage
  std::unique_ptr<MediaPreparer> inline_preparer_;   // upload stage (TooBig, adoption gaps)
  bool fault_exit_after_upload_ = false;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> fetched_;  // downloaded, waiting for the processing stage, in claim order
  std::deque<Item> ready_;    // prepared, waiting for the uploader, in claim order
  bool uploading_ = false, in_process_ = false;  // a job is in that stage
  bool download_done_ = false, process_done_ = false, upload_done_ = false;
  std::optional<LeaseRef> downloading_, processing_, current_;  // whose media work runs there
  std::atomic<bool> stopping_{false};
  std::atomic<std::int64_t> flood_until_{0};
  std::map<std::int64_t, LeaseRef> held_;  // variant id -> lease, renewed by heartbeats
  std::set<std::string> lost_;             // lease tokens
  bool hb_stop_ = false;

  mutable std::mutex stats_mu_;
  WorkerStats stats_;
  std::thread download_thread_, process_thread_, upload_thread_, heartbeat_thread_;
};

}  // namespace cmup
