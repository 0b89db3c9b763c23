#include "media/stream_source.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "media/progress_meter.hpp"
#include "media/resume_policy.hpp"

namespace cmup::media {

namespace {

class Stream {
 public:
  Stream(std::string url, std::int64_t size, StreamOptions o, std::shared_ptr<std::atomic<bool>> cancel,
         ProgressFn progress)
      : url_(std::move(url)),
        size_(size),
        opt_(o),
        cancel_(std::move(cancel)),
        progress_(std::move(progress)),
        ring_(std::max<std::size_t>(opt_.buffer_bytes, 64 << 10)),
        meter_("download", size, &progress_) {
    opt_.download.http.cancel = cancel_.get();
    opt_.download.http.cancel_also = &stop_;
  }

  ~Stream() {
    stop_ = true;
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  std::ptrdiff_t read(char* buf, std::size_t cap) {
    if (!started_) {
      started_ = true;
      thread_ = std::thread([this] { produce(); });
    }
    std::unique_lock lk(mu_);
    // Timed waits: the preparer's cancel flag is set without notifying this stream.
    while (
        !cv_.wait_for(lk, std::chrono::milliseconds(100), [&] { return count_ > 0 || done_ || stopped(); })) {
    }
    if (count_ == 0) {
      if (!error_.empty()) return -1;
      if (stopped()) {
        error_ = "the direct stream was cancelled";
        return -1;
      }
      meter_.finish();
      return 0;  // done_, all bytes passed on (the producer checked the count)
    }
    std::size_t n = std::min({cap, count_, ring_.size() - head_});
    std::memcpy(buf, ring_.data() + head_, n);
    head_ = (head_ + n) % ring_.size();
    count_ -= n;
    delivered_ += static_cast<std::int64_t>(n);
    lk.unlock();
    cv_.notify_all();
    meter_.update(delivered_);
    return static_cast<std::ptrdiff_t>(n);
  }

  std::string error() {
    std::lock_guard lk(mu_);
    return error_;
  }

 private:
  bool stopped() const { return stop_.load() || (cancel_ && cancel_->load()); }

  // Blocks while the ring is full: the source is read only as fast as Telegram takes it.
  bool push(const char* d, std::size_t n) {
    while (n > 0) {
      std::unique_lock lk(mu_);
      while (!cv_.wait_for(lk, std::chrono::milliseconds(100),
                           [&] { return count_ < ring_.size() || stopped(); })) {
      }
      if (stopped()) return false;
      std::size_t tail = (head_ + count_) % ring_.size();
      std::size_t k = std::min({n, ring_.size() - count_, ring_.size() - tail});
      std::memcpy(ring_.data() + tail, d, k);
      count_ += k;
      d += k;
      n -= k;
      lk.unlock();
      cv_.notify_all();
    }
    return true;
  }

  void finish(std::string error) {
    {
      std::lock_guard lk(mu_);
      error_ = std::move(error);
      done_ = true;
    }
    cv_.notify_all();
  }

  void produce() {
    std::int64_t got = 0;
    ResumePolicy policy(opt_.download.max_resumes, opt_.download.min_progress_bytes);
    std::string last;
    while (got < size_) {
      if (stopped()) return finish("the direct stream was cancelled");
      const std::int64_t from = got;
      GetResult r = http_get(url_, got, -1, opt_.download.http, [&](const char* d, std::size_t n) {
        if (got + static_cast<std::int64_t>(n) > size_) return false;  // longer than announced
        if (!push(d, n)) return false;
        got += static_cast<std::int64_t>(n);
        return true;
      });
      if (stopped()) return finish("the direct stream was cancelled");
      if (r.total_size >= 0 && r.total_size != size_) {
        return finish("the source's size changed (" + std::to_string(size_) + " -> " +
                      std::to_string(r.total_size) + " bytes)");
      }
      if (r.range_ignored)
        return finish("the source broke off and ignores Range, so the stream cannot resume");
      if (r.status >= 400)
        return finish("the source answered HTTP " + std::to_string(r.status) + " during the stream");
      if (got == size_) break;
      last = r.complete() ? "closed early" : r.describe();
      if (auto give_up = policy.on_break(r.stalled, got - from, last, got)) {
        return finish("the direct stream of " + std::to_string(size_) + " bytes " + *give_up);
      }
      spdlog::info("media: direct stream of {} interrupted at {} bytes ({}); resuming with Range",
                   redact_url(url_), got, last);
    }
    finish("");
  }

  std::string url_;
  std::int64_t size_;
  StreamOptions opt_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  ProgressFn progress_;
  std::vector<char> ring_;
  ProgressMeter meter_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::size_t head_ = 0, count_ = 0;
  std::int64_t delivered_ = 0;
  bool done_ = false;
  std::string error_;
  std::atomic<bool> stop_{false};
  bool started_ = false;
  std::thread thread_;
};

}  // namespace

ByteSource make_stream_source(const std::string& url, std::int64_t size, const StreamOptions& options,
                              std::shared_ptr<std::atomic<bool>> cancel, ProgressFn progress) {
  auto s = std::make_shared<Stream>(url, size, options, std::move(cancel), std::move(progress));
  ByteSource b;
  b.size = size;
  b.read = [s](char* buf, std::size_t cap) { return s->read(buf, cap); };
  b.error = [s] { return s->error(); };
  return b;
}

}  // namespace cmup::media
