// The worker's threads and the hand-over between them (the pipeline). What happens to one
// job in the upload stage is in worker_upload.cpp.
#include "queue/worker.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "util/clock.hpp"
#include "util/config.hpp"

namespace cmup {

namespace {

std::string default_host() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

void log_prepared(const std::string& worker_id, const Job& job, const PreparedMedia& media) {
  spdlog::info("worker {}: prepared {} ({}, {} part(s))", worker_id, job.coded_name, path_name(media.path),
               media.parts.size());
}

}  // namespace

WorkerOptions WorkerOptions::from_config(const Config& cfg, const std::string& account) {
  WorkerOptions o;
  o.account = account;
  o.host = default_host();
  o.worker_id = cfg.str("queue.worker_id");
  if (o.worker_id.empty()) o.worker_id = o.host + ":" + account;
  if (auto a = cfg.account(account)) {
    o.backend = a->backend;
    o.kind = a->kind;
  }
  o.heartbeat_ms = cfg.integer("queue.heartbeat_s") * 1000;
  o.idle_poll_ms = cfg.integer("queue.idle_poll_ms");
  o.flood_hold_max_ms = cfg.integer("queue.flood_hold_max_s") * 1000;
  o.shutdown_grace_ms = cfg.integer("queue.shutdown_grace_s") * 1000;
  o.progress_interval_ms = cfg.integer("queue.progress_interval_ms");
  o.prepare_ahead = static_cast<int>(std::max<std::int64_t>(1, cfg.integer("queue.prepare_ahead")));
  return o;
}

Worker::Worker(JobStore& store, Uploader& uploader, PreparerFactory preparers, WorkerOptions opts)
    : store_(store), uploader_(uploader), make_preparer_(std::move(preparers)), opts_(std::move(opts)) {
  // Read once, before this worker starts a thread; cmup never calls setenv.
  const char* fault = std::getenv("CMUP_FAULT");  // NOLINT(concurrency-mt-unsafe)
  fault_exit_after_upload_ = fault && std::string(fault) == "exit_after_upload";
  fetch_preparer_ = make_preparer_();
  process_preparer_ = make_preparer_();
}

Worker::~Worker() {
  stop();
  {
    std::lock_guard lk(mu_);
    hb_stop_ = true;
  }
  cv_.notify_all();
  for (auto* t : {&download_thread_, &process_thread_, &upload_thread_, &heartbeat_thread_})
    if (t->joinable()) t->join();
}

WorkerStats Worker::stats() const {
  std::lock_guard lk(stats_mu_);
  return stats_;
}

void Worker::stop() {
  {
    std::lock_guard lk(mu_);
    if (stopping_) return;
    stopping_ = true;
    if (downloading_) fetch_preparer_->cancel();
    if (processing_) process_preparer_->cancel();
  }
  cv_.notify_all();
}

void Worker::hold(const LeaseRef& l) {
  std::lock_guard lk(mu_);
  held_[l.variant_id] = l;
}

void Worker::unhold(const LeaseRef& l) {
  std::lock_guard lk(mu_);
  auto it = held_.find(l.variant_id);
  if (it != held_.end() && it->second.token == l.token) held_.erase(it);
  lost_.erase(l.token);
}

bool Worker::still_held(const LeaseRef& l) {
  std::lock_guard lk(mu_);
  auto it = held_.find(l.variant_id);
  return it != held_.end() && it->second.token == l.token;
}

bool Worker::is_lost(const LeaseRef& l) {
  std::lock_guard lk(mu_);
  return lost_.count(l.token) > 0;
}

void Worker::mark_lost(const LeaseRef& l) {
  std::lock_guard lk(mu_);
  lost_.insert(l.token);
  if (downloading_ && downloading_->token == l.token) fetch_preparer_->cancel();
  if (processing_ && processing_->token == l.token) process_preparer_->cancel();
}

Worker::RunResult Worker::run() {
  WorkerInfo info{opts_.worker_id, opts_.account, opts_.host,
                  opts_.backend,   opts_.kind,    uploader_.max_upload_bytes()};
  store_.register_worker(info);
  flood_until_ = store_.flood_until(opts_.account);
  spdlog::info("worker {}: uploading as account {}", opts_.worker_id, opts_.account);

  heartbeat_thread_ = std::thread([this] { heartbeat_loop(); });
  download_thread_ = std::thread([this] { download_loop(); });
  process_thread_ = std::thread([this] { process_loop(); });
  upload_thread_ = std::thread([this] { upload_loop(); });

  RunResult result;
  std::unique_lock lk(mu_);
  cv_.wait(lk, [&] { return stopping_.load() || upload_done_; });
  // Stopping: the download and processing stages end at once (their preparers are
  // cancelled); the upload in progress gets the grace period.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(opts_.shutdown_grace_ms);
  bool finished =
      cv_.wait_until(lk, deadline, [&] { return upload_done_ && download_done_ && process_done_; });
  if (!finished && current_ && !upload_done_) {
    // The upload did not end within the grace period: give the job back; its stored parts
    // stay, and an upload that still lands is found again by its nonce.
    LeaseRef lease = *current_;
    lost_.insert(lease.token);
    lk.unlock();
    spdlog::warn("worker {}: upload of variant {} did not finish within {} s; giving the job back",
                 opts_.worker_id, lease.variant_id, opts_.shutdown_grace_ms / 1000);
    try {
      store_.release(lease, ReleaseReason::Shutdown);
      count([](WorkerStats& s) { s.jobs_released++; });
    } catch (const std::exception& e) {
      spdlog::warn("worker {}: could not release variant {}: {}", opts_.worker_id, lease.variant_id,
                   e.what());
    }
    result.upload_abandoned = true;
    lk.lock();
  }
  // Nothing waits for an unreachable coordinator any longer (a claim or heartbeat in retry).
  store_.cancel_waits();
  hb_stop_ = true;
  lk.unlock();
  cv_.notify_all();
  download_thread_.join();
  process_thread_.join();
  heartbeat_thread_.join();
  if (!result.upload_abandoned) upload_thread_.join();
  return result;
}

bool Worker::wait_for_claim_slot() {
  // Claim only while fewer than prepare_ahead jobs wait between the stages and the account
  // is not in flood wait. The jobs being processed and uploaded do not count: the source
  // link must not wait for a remux, nor for an upload.
  std::unique_lock lk(mu_);
  for (;;) {
    if (stopping_) return false;
    if (static_cast<int>(fetched_.size() + ready_.size()) >= std::max(1, opts_.prepare_ahead)) {
      cv_.wait(lk);
      continue;
    }
    auto wait_ms = flood_until_.load() - now_ms();
    if (wait_ms > 0) {
      cv_.wait_for(lk, std::chrono::milliseconds(wait_ms));
      continue;
    }
    return true;
  }
}

// Runs one stage's media work on a held job with `slot` naming it while it runs (so stop()
// and a lost lease cancel the right preparer). A media failure fails the job, or gives it
// back when stopping; either way it is no longer held and false is returned.
template <typename Body>
bool Worker::run_stage(Item& item, std::optional<LeaseRef>& slot, Body&& body) {
  const LeaseRef lease = lease_of(item.job);
  {
    std::lock_guard lk(mu_);
    slot = lease;
  }
  struct Clear {
    Worker& w;
    std::optional<LeaseRef>& slot;
    ~Clear() {
      std::lock_guard lk(w.mu_);
      slot.reset();
    }
  };
  try {
    Clear clear{*this, slot};
    body();
    return true;
  } catch (const MediaError& e) {
    if (is_lost(lease)) {
      count([](WorkerStats& s) { s.leases_lost++; });
    } else if (stopping_) {
      release_job(item.job, ReleaseReason::Shutdown);
    } else {
      fail_job(item.job, FailInfo{e.what(), e.failed_sources, true, "", 0, 0, 0});
    }
  } catch (const std::exception& e) {
    if (!is_lost(lease))
      fail_job(item.job, FailInfo{std::string("prepare: ") + e.what(), {}, true, "", 0, 0, 0});
  }
  unhold(lease);
  return false;
}

// Passes a job on to the next stage's queue, unless the worker is stopping or the account
// entered a long flood wait meanwhile (wait_flood already gave back what was queued): then
// it goes back to the queue, to other accounts, instead of waiting in line. Checked under
// mu_, as wait_flood's hand-back is. False: given back and no longer held.
bool Worker::hand_over(Item& item, std::deque<Item>& to) {
  const LeaseRef lease = lease_of(item.job);
  std::unique_lock lk(mu_);
  std::optional<ReleaseReason> back;
  if (stopping_)
    back = ReleaseReason::Shutdown;
  else if (flood_until_.load() - now_ms() > opts_.flood_hold_max_ms)
    back = ReleaseReason::FloodWait;
  if (!back) {
    to.push_back(std::move(item));
    cv_.notify_all();
    return true;
  }
  lk.unlock();
  release_job(item.job, *back);
  unhold(lease);
  return false;
}

void Worker::download_loop() {
  while (wait_for_claim_slot()) {
    std::optional<Job> job;
    try {
      job = store_.claim(opts_.worker_id, opts_.account);
    } catch (const StoreUnavailable&) {
      break;
    } catch (const std::exception& e) {
      spdlog::error("worker {}: claim failed: {}", opts_.worker_id, e.what());
    }
    if (!job) {
      std::unique_lock lk(mu_);
      if (opts_.exit_when_idle && fetched_.empty() && !in_process_ && ready_.empty() && !uploading_) {
        stopping_ = true;
        cv_.notify_all();
        break;
      }
      cv_.wait_for(lk, std::chrono::milliseconds(opts_.idle_poll_ms), [&] { return stopping_.load(); });
      continue;
    }
    LeaseRef lease = lease_of(*job);
    hold(lease);
    Item item{std::move(*job), std::nullopt, std::nullopt};
    // Adoption (earlier attempts may have uploaded) and finishing an already stored job
    // happen in the upload stage; nothing to fetch for those now.
    bool to_ready = false;
    if (item.job.prior_uploads.empty() && !has_every_part(item.job)) {
      // Both links busy (issue 16): while anything is uploading, processed or waiting, this
      // job is fetched to the spool even when it could stream; it streams only when the
      // whole pipeline is idle.
      PrepareHints hints;
      {
        std::lock_guard lk(mu_);
        hints.allow_direct = !uploading_ && ready_.empty() && fetched_.empty() && !in_process_;
      }
      spdlog::info("worker {}: preparing {} ({})", opts_.worker_id, item.job.coded_name,
                   hints.allow_direct ? "may stream" : "to the spool");
      bool ok = run_stage(item, downloading_, [&] { item.fetched = fetch_with(item.job, lease, hints); });
      if (!ok) continue;
      if (item.fetched->complete)
        log_prepared(opts_.worker_id, item.job, item.fetched->media);
      else
        spdlog::info("worker {}: downloaded {}", opts_.worker_id, item.job.coded_name);
    }
    {
      // A job with nothing left to process (a stream, or one for adoption) skips the
      // processing stage when nothing is ahead of it there, so claim order holds.
      std::lock_guard lk(mu_);
      to_ready = (!item.fetched || item.fetched->complete) && fetched_.empty() && !in_process_;
    }
    if (to_ready && item.fetched) {
      item.media = std::move(item.fetched->media);
      item.fetched.reset();
    }
    if (!hand_over(item, to_ready ? ready_ : fetched_) && stopping_) break;
  }
  std::lock_guard lk(mu_);
  download_done_ = true;
  cv_.notify_all();
}

void Worker::process_loop() {
  for (;;) {
    std::unique_lock lk(mu_);
    cv_.wait(lk, [&] { return !fetched_.empty() || download_done_; });
    if (fetched_.empty()) break;
    Item item = std::move(fetched_.front());
    fetched_.pop_front();
    in_process_ = true;  // in the pipeline until handed over
    cv_.notify_all();
    lk.unlock();
    const LeaseRef lease = lease_of(item.job);
    bool keep = true;
    if (is_lost(lease)) {
      count([](WorkerStats& s) { s.leases_lost++; });
      unhold(lease);
      keep = false;
    } else if (item.fetched && !stopping_) {
      keep = run_stage(item, processing_,
                       [&] { item.media = finish_with(item.job, std::move(*item.fetched), lease); });
      item.fetched.reset();
      if (keep) log_prepared(opts_.worker_id, item.job, *item.media);
    }
    if (keep) hand_over(item, ready_);
    lk.lock();
    in_process_ = false;
    cv_.notify_all();
  }
  std::lock_guard lk(mu_);
  process_done_ = true;
  cv_.notify_all();
}

void Worker::upload_loop() {
  for (;;) {
    std::unique_lock lk(mu_);
    cv_.wait(lk, [&] { return !ready_.empty() || process_done_; });
    if (ready_.empty()) break;
    Item item = std::move(ready_.front());
    ready_.pop_front();
    uploading_ = true;
    current_ = lease_of(item.job);
    cv_.notify_all();
    lk.unlock();
    if (stopping_) {
      release_job(item.job, ReleaseReason::Shutdown);
    } else {
      process(item);
    }
    unhold(lease_of(item.job));
    lk.lock();
    uploading_ = false;
    current_.reset();
    cv_.notify_all();
  }
  std::lock_guard lk(mu_);
  upload_done_ = true;
  cv_.notify_all();
}

void Worker::heartbeat_loop() {
  std::unique_lock lk(mu_);
  for (;;) {
    cv_.wait_for(lk, std::chrono::milliseconds(opts_.heartbeat_ms), [&] { return hb_stop_; });
    if (hb_stop_) return;
    auto leases = held_;
    lk.unlock();
    for (const auto& [id, lease] : leases) {
      try {
        if (!store_.heartbeat(lease) && still_held(lease)) {  // (a job that just ended is no loss)
          spdlog::warn("worker {}: lost the lease on variant {} (it expired and moved on); dropping that job",
                       opts_.worker_id, id);
          mark_lost(lease);
        }
      } catch (const StoreUnavailable&) {
        lk.lock();
        return;
      } catch (const std::exception& e) {
        spdlog::warn("worker {}: heartbeat for variant {} failed: {}", opts_.worker_id, id, e.what());
      }
    }
    lk.lock();
  }
}

}  // namespace cmup
