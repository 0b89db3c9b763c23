// The upload stage of one job: adopt what an earlier attempt left in the channel, upload
// the parts not stored yet (recording each at once), complete. Errors become the queue's
// transitions (fail / release) as worker.hpp describes.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>

#include "catalog/coded_name.hpp"
#include "queue/worker.hpp"
#include "util/clock.hpp"

namespace cmup {

namespace {

const StoredPart* find_part(const Job& job, int part_no) {
  for (const auto& p : job.stored_parts)
    if (p.part_no == part_no) return &p;
  return nullptr;
}

// The media step's view of the job (it does not read queue types): the name, the label and
// the live sources in rank order.
media::PrepareRequest prepare_request(const Job& job) {
  media::PrepareRequest r;
  r.coded_name = job.coded_name;
  r.quality = job.quality;
  r.sources.reserve(job.sources.size());
  for (const JobSource& s : job.sources) r.sources.push_back({s.source_id, s.url});
  return r;
}

std::string extension_for(const std::string& mime) {
  if (mime == "video/x-matroska") return ".mkv";
  if (mime == "video/webm") return ".webm";
  return ".mp4";
}

class PlanMismatch : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace

ProgressFn Worker::progress_fn(const LeaseRef& lease) {
  // Called inside the preparer's and uploader's loops (maybe from libcurl callbacks): it must
  // never throw, and writes at most once per progress_interval.
  auto last = std::make_shared<std::int64_t>(now_ms());
  return [this, lease, last](const Progress& p) {
    auto now = now_ms();
    if (now - *last < opts_.progress_interval_ms) return;
    *last = now;
    try {
      store_.progress(lease, p);
    } catch (const LeaseLost&) {
      mark_lost(lease);
    } catch (const std::exception& e) {
      spdlog::debug("worker {}: progress not recorded: {}", opts_.worker_id, e.what());
    }
  };
}

PreparedMedia Worker::prepare_with(MediaPreparer& p, const Job& job, std::int64_t limit,
                                   const LeaseRef& lease, const PrepareHints& hints) {
  return p.prepare(prepare_request(job), limit, progress_fn(lease), hints);
}

FetchedMedia Worker::fetch_with(const Job& job, const LeaseRef& lease, const PrepareHints& hints) {
  return fetch_preparer_->fetch(prepare_request(job), uploader_.max_upload_bytes(), progress_fn(lease),
                                hints);
}

PreparedMedia Worker::finish_with(const Job& job, FetchedMedia fetched, const LeaseRef& lease) {
  return process_preparer_->finish(prepare_request(job), std::move(fetched), uploader_.max_upload_bytes(),
                                   progress_fn(lease));
}

void Worker::fail_job(const Job& job, FailInfo info) {
  try {
    auto r = store_.fail(lease_of(job), info);
    if (r.state == JobState::Dead)
      spdlog::error("worker {}: {} is dead: {}", opts_.worker_id, job.coded_name, r.dead_reason);
    else
      spdlog::warn("worker {}: {} failed ({}); retrying in {} s", opts_.worker_id, job.coded_name, info.error,
                   (r.next_attempt_at - now_ms()) / 1000);
    count([](WorkerStats& s) { s.jobs_failed++; });
  } catch (const LeaseLost&) {
    count([](WorkerStats& s) { s.leases_lost++; });
  } catch (const std::exception& e) {
    spdlog::error("worker {}: could not record the failure of {}: {}", opts_.worker_id, job.coded_name,
                  e.what());
  }
}

void Worker::release_job(const Job& job, ReleaseReason why) {
  try {
    store_.release(lease_of(job), why);
    count([](WorkerStats& s) { s.jobs_released++; });
  } catch (const LeaseLost&) {
    count([](WorkerStats& s) { s.leases_lost++; });
  } catch (const std::exception& e) {
    spdlog::warn("worker {}: could not release {}: {}", opts_.worker_id, job.coded_name, e.what());
  }
}

void Worker::process(Item& item) {
  Job& job = item.job;
  LeaseRef lease = lease_of(job);
  std::string path;
  try {
    if (is_lost(lease)) throw LeaseLost("lease lost before upload");
    if (!job.prior_uploads.empty()) adopt(job, lease);
    if (has_every_part(job)) {
      store_.complete(lease, CompleteInfo{"adopt", 0, std::nullopt, 0, {}});
      spdlog::info("worker {}: {} done (already stored)", opts_.worker_id, job.coded_name);
      count([](WorkerStats& s) { s.jobs_done++; });
      return;
    }
    upload_media(item, lease);
    auto& media = *item.media;
    std::int64_t bytes = 0;
    for (const auto& p : job.stored_parts) bytes += p.size_bytes;
    store_.complete(lease, CompleteInfo{path_name(media.path), media.source_id, media.probed_quality, bytes,
                                        media.failed_sources});
    spdlog::info("worker {}: {} done ({} part(s), {})", opts_.worker_id, job.coded_name,
                 job.stored_parts.size(), path_name(media.path));
    count([](WorkerStats& s) { s.jobs_done++; });
  } catch (const LeaseLost& e) {
    spdlog::warn("worker {}: {}: {}; another worker has it now", opts_.worker_id, job.coded_name, e.what());
    count([](WorkerStats& s) { s.leases_lost++; });
  } catch (const FloodReleased&) {
    // Already given back to the queue.
  } catch (const StoreUnavailable&) {
    // Shutting down while the store is unreachable: the lease expires on its own.
  } catch (const UploadError& e) {
    if (is_lost(lease)) return;
    FailInfo f{e.what(), {}, true, item.media ? path_name(item.media->path) : "", 0, 0, 0};
    if (item.media) {
      f.source_id = item.media->source_id;
      f.source_failures = item.media->failed_sources;
      // A broken direct stream is the source's fault; a spool file's upload failing is not.
      if (e.kind == UploadError::Kind::Transient && item.media->path == PreparedMedia::Path::Direct)
        f.source_failures.push_back({item.media->source_id, e.what()});
    }
    if (e.kind == UploadError::Kind::Rights) {
      f.channel_failure = job.channel_id.value_or(0);
      f.error = "account " + opts_.account + " cannot post in storage channel " +
                std::to_string(job.channel_id.value_or(0)) + ": " + e.what() +
                " (make the account an admin of the channel with the right to post, or disable the channel)";
    }
    fail_job(job, std::move(f));
  } catch (const MediaError& e) {
    if (is_lost(lease)) return;
    if (stopping_) {
      release_job(job, ReleaseReason::Shutdown);
      return;
    }
    fail_job(job, FailInfo{e.what(), e.failed_sources, true, "", 0, 0, 0});
  } catch (const PlanMismatch& e) {
    fail_job(job, FailInfo{e.what(), {}, false, "", 0, 0, 0});
  } catch (const std::exception& e) {
    if (is_lost(lease)) return;
    fail_job(job, FailInfo{e.what(), {}, true, item.media ? path_name(item.media->path) : "", 0, 0, 0});
  }
}

void Worker::adopt(Job& job, const LeaseRef& lease) {
  // An earlier attempt may have uploaded and died before recording it: look for its nonce
  // in the channel (after the last message recorded when it began) and keep what is there.
  // Every part found: nothing more to look for (each probe costs forwards into one chat).
  auto complete = [&job] {
    if (job.stored_parts.empty()) return false;
    const int n = job.stored_parts.front().part_count;
    for (int p = 1; p <= n; ++p)
      if (!find_part(job, p)) return false;
    return true;
  };
  for (const auto& prior : job.prior_uploads) {
    if (complete()) break;
    std::int64_t after = prior.after_message_id;
    for (int guard = 0; guard < 256 && !complete(); ++guard) {
      std::optional<UploadResult> found;
      for (;;) {
        try {
          found = uploader_.find_by_nonce(prior.channel_id, after, prior.nonce);
          break;
        } catch (const UploadError& e) {
          // A FloodWait while probing is the account's flood wait, like one during an upload:
          // no attempt is spent; a long one gives the job back (FloodReleased), a short one
          // waits and probes again from the same place.
          if (e.kind != UploadError::Kind::FloodWait) throw;
          wait_flood(e.retry_after_s, lease);
        }
      }
      if (!found || found->message_id <= after) break;
      after = found->message_id;
      auto which = caption_part(found->caption, job.coded_name);
      if (!which || find_part(job, which->first)) continue;
      StoredPart sp;
      sp.part_no = which->first;
      sp.part_count = which->second;
      sp.account = opts_.account;
      sp.channel_id = found->channel_id != 0 ? found->channel_id : prior.channel_id;
      sp.message_id = found->message_id;
      sp.file_id = found->file_id;
      sp.file_unique_id = found->file_unique_id;
      sp.file_name = stored_name(job.coded_name, sp.part_no, sp.part_count) + extension_for(found->mime_type);
      sp.size_bytes = found->size_bytes;
      sp.duration_s = found->duration_s;
      sp.width = found->width;
      sp.height = found->height;
      sp.mime_type = found->mime_type;
      store_.record_part(lease, sp);
      job.stored_parts.push_back(sp);
      if (!job.channel_id) job.channel_id = sp.channel_id;
      spdlog::info("worker {}: adopted {} part {}/{} (message {} from attempt {})", opts_.worker_id,
                   job.coded_name, sp.part_no, sp.part_count, sp.message_id, prior.attempt_id);
      count([](WorkerStats& s) { s.parts_adopted++; });
    }
  }
}

void Worker::upload_media(Item& item, const LeaseRef& lease) {
  std::int64_t limit = uploader_.max_upload_bytes();
  int too_big = 0;
  for (;;) {
    if (!item.media) {
      if (!inline_preparer_) inline_preparer_ = make_preparer_();
      item.media = prepare_with(*inline_preparer_, item.job, limit, lease);
    }
    try {
      std::int64_t bytes = 0;
      upload_parts(item.job, lease, *item.media, bytes);
      return;
    } catch (const Reprepare&) {
      item.media.reset();
    } catch (const UploadError& e) {
      if (e.kind != UploadError::Kind::TooBig || ++too_big > opts_.too_big_retries) throw;
      limit = e.limit_bytes > 0 && e.limit_bytes < limit ? e.limit_bytes : limit / 2;
      spdlog::warn("worker {}: {} too big for account {}; splitting again at {} bytes", opts_.worker_id,
                   item.job.coded_name, opts_.account, limit);
      item.media.reset();
    }
  }
}

void Worker::upload_parts(Job& job, const LeaseRef& lease, PreparedMedia& media, std::int64_t& bytes) {
  // With "prepared" and "done", the worker's timeline: where each link waited.
  spdlog::info("worker {}: uploading {} ({})", opts_.worker_id, job.coded_name, path_name(media.path));
  std::optional<std::int64_t> channel;
  for (auto& part : media.parts) {
    if (const auto* stored = find_part(job, part.part_no)) {
      if (stored->part_count != part.part_count)
        throw PlanMismatch(job.coded_name + ": stored parts belong to a split into " +
                           std::to_string(stored->part_count) + " parts, the new plan has " +
                           std::to_string(part.part_count) + "; run `cmup requeue --reupload " +
                           job.coded_name + "`");
      continue;  // stored by an earlier attempt: never uploaded twice
    }
    if (!channel) {
      channel = store_.choose_channel(lease, job.kind);
      job.channel_id = channel;
    }
    auto name = stored_name(job.coded_name, part.part_no, part.part_count);
    UploadFile f;
    f.bytes = part.bytes;
    f.file_name = name + extension_for(part.mime_type);
    f.caption = nonce_caption(name, job.nonce);
    f.mime_type = part.mime_type;
    f.as_video = part.is_video;
    f.duration_s = part.duration_s;
    f.width = part.width;
    f.height = part.height;
    f.thumbnail_path = part.thumbnail.string();
    UploadResult r;
    for (;;) {
      if (is_lost(lease)) throw LeaseLost("lease lost during the upload");
      try {
        r = uploader_.upload(f, *channel, progress_fn(lease));
        break;
      } catch (const UploadError& e) {
        if (e.kind != UploadError::Kind::FloodWait) throw;
        wait_flood(e.retry_after_s, lease);
        // A stream was consumed by the refused request: it has to be opened again.
        if (!part.bytes.is_file()) throw Reprepare{};
      }
    }
    if (fault_exit_after_upload_) _exit(137);  // test-only: die in the no-duplicate window
    StoredPart sp;
    sp.part_no = part.part_no;
    sp.part_count = part.part_count;
    sp.account = opts_.account;
    sp.channel_id = r.channel_id != 0 ? r.channel_id : *channel;
    sp.message_id = r.message_id;
    sp.file_id = r.file_id;
    sp.file_unique_id = r.file_unique_id;
    sp.file_name = f.file_name;
    sp.size_bytes = r.size_bytes > 0 ? r.size_bytes : part.size_bytes;
    sp.duration_s = r.duration_s > 0 ? r.duration_s : part.duration_s;
    sp.width = r.width > 0 ? r.width : part.width;
    sp.height = r.height > 0 ? r.height : part.height;
    sp.mime_type = r.mime_type.empty() ? part.mime_type : r.mime_type;
    store_.record_part(lease, sp);
    job.stored_parts.push_back(sp);
    bytes += sp.size_bytes;
    count([](WorkerStats& s) { s.parts_uploaded++; });
  }
}

void Worker::wait_flood(int seconds, const LeaseRef& lease) {
  auto until = now_ms() + std::int64_t{seconds} * 1000;
  try {
    store_.set_flood(opts_.account, until);
  } catch (const std::exception& e) {
    spdlog::warn("worker {}: could not record the flood wait: {}", opts_.worker_id, e.what());
  }
  std::int64_t prev = flood_until_.load();
  while (prev < until && !flood_until_.compare_exchange_weak(prev, until)) {
  }
  count([](WorkerStats& s) { s.flood_waits++; });
  std::time_t resume = static_cast<std::time_t>(until / 1000);
  std::tm tm{};
  gmtime_r(&resume, &tm);  // not std::gmtime: its shared buffer races the other workers' threads
  char when[32];
  std::strftime(when, sizeof when, "%H:%M:%S UTC", &tm);
  spdlog::warn("account {}: FloodWait {} s, resuming at {}; other accounts carry on", opts_.account, seconds,
               when);

  bool hold = std::int64_t{seconds} * 1000 <= opts_.flood_hold_max_ms;
  if (!hold) {
    // Too long to sit on the job: give it (and those waiting behind it, downloaded or
    // prepared) to other accounts. Jobs still downloading or being processed are given back
    // when their stage hands them over (Worker::hand_over).
    std::deque<Item> ahead;
    {
      std::lock_guard lk(mu_);
      ahead.swap(ready_);
      for (auto& f : fetched_) ahead.push_back(std::move(f));
      fetched_.clear();
    }
    cv_.notify_all();
    for (const auto& a : ahead) {
      release_job(a.job, ReleaseReason::FloodWait);
      unhold(lease_of(a.job));
    }
    store_.release(lease, ReleaseReason::FloodWait);
    count([](WorkerStats& s) { s.jobs_released++; });
  }
  {
    std::unique_lock lk(mu_);
    cv_.wait_for(lk, std::chrono::milliseconds(std::max<std::int64_t>(0, until - now_ms())),
                 [&] { return stopping_.load() || (hold && lost_.count(lease.token) > 0); });
  }
  if (!hold) throw FloodReleased{};
  if (stopping_) {
    store_.release(lease, ReleaseReason::Shutdown);
    count([](WorkerStats& s) { s.jobs_released++; });
    throw FloodReleased{};
  }
}

}  // namespace cmup
