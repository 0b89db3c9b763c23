// Test doubles for the worker's two collaborators: an Uploader that records what it
// "stored" in a fake channel (in memory, or in a file shared by several processes), and a
// MediaPreparer that returns parts without touching any media. Both write to an EventLog so
// tests can assert the ORDER of events (never their timing).
#pragma once

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "media/preparer.hpp"
#include "telegram/uploader.hpp"

namespace cmup::test {

class EventLog {
 public:
  void add(const std::string& e) {
    {
      std::lock_guard lk(mu_);
      events_.push_back(e);
    }
    cv_.notify_all();
  }
  std::vector<std::string> events() const {
    std::lock_guard lk(mu_);
    return events_;
  }
  bool has(const std::string& e) const {
    std::lock_guard lk(mu_);
    for (const auto& x : events_)
      if (x == e) return true;
    return false;
  }
  // Waits (bounded) until `e` was logged; true if it was.
  bool wait_for(const std::string& e, std::chrono::milliseconds timeout) {
    std::unique_lock lk(mu_);
    return cv_.wait_for(lk, timeout, [&] {
      for (const auto& x : events_)
        if (x == e) return true;
      return false;
    });
  }
  long index_of(const std::string& e) const {
    std::lock_guard lk(mu_);
    for (size_t i = 0; i < events_.size(); ++i)
      if (events_[i] == e) return static_cast<long>(i);
    return -1;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> events_;
};

struct FakeMessage {
  std::int64_t channel_id = 0, message_id = 0, size = 0;
  std::string caption, account;
};

// A storage channel: messages with sequential ids. With a file path it lives in that file
// (guarded by flock), so a child process's uploads are visible to the parent.
class FakeChannel {
 public:
  // In memory; message ids start after `id_base` (distinct bases keep several processes'
  // fake channels from reusing ids).
  explicit FakeChannel(std::int64_t id_base = 0) : base_(id_base) {}
  explicit FakeChannel(std::filesystem::path file) : file_(std::move(file)) {}

  FakeMessage post(std::int64_t channel, const std::string& caption, std::int64_t size,
                   const std::string& account) {
    std::lock_guard lk(mu_);
    if (file_.empty()) {
      FakeMessage m{channel, base_ + static_cast<std::int64_t>(mem_.size()) + 1, size, caption, account};
      mem_.push_back(m);
      return m;
    }
    int fd = ::open(file_.c_str(), O_RDWR | O_CREAT | O_APPEND, 0600);
    ::flock(fd, LOCK_EX);
    auto all = read_file();
    FakeMessage m{channel, static_cast<std::int64_t>(all.size()) + 1, size, caption, account};
    std::string line = std::to_string(m.channel_id) + "\t" + std::to_string(m.message_id) + "\t" +
                       std::to_string(size) + "\t" + account + "\t" + caption + "\n";
    if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) std::abort();
    ::flock(fd, LOCK_UN);
    ::close(fd);
    return m;
  }

  std::vector<FakeMessage> messages() {
    std::lock_guard lk(mu_);
    return file_.empty() ? mem_ : read_file();
  }

 private:
  std::vector<FakeMessage> read_file() {
    std::vector<FakeMessage> out;
    std::ifstream in(file_);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      FakeMessage m;
      std::string f;
      std::getline(ls, f, '\t');
      m.channel_id = std::stoll(f);
      std::getline(ls, f, '\t');
      m.message_id = std::stoll(f);
      std::getline(ls, f, '\t');
      m.size = std::stoll(f);
      std::getline(ls, m.account, '\t');
      std::getline(ls, m.caption);
      out.push_back(m);
    }
    return out;
  }
  std::mutex mu_;
  std::int64_t base_ = 0;
  std::filesystem::path file_;
  std::vector<FakeMessage> mem_;
};

class FakeUploader : public Uploader {
 public:
  FakeUploader(std::string account, FakeChannel& channel, EventLog* log = nullptr,
               std::int64_t max_bytes = 2'000'000'000)
      : account_(std::move(account)), channel_(channel), log_(log), max_(max_bytes) {}

  // Runs before each upload with the file; may block, or throw UploadError (FloodWait...).
  std::function<void(const UploadFile&)> before_upload;
  // Channels where this account may not post: an upload there fails as Telegram's
  // "Forbidden: bot is not a member of the channel chat" does (UploadError::Kind::Rights).
  std::set<std::int64_t> refused_channels;
  // Runs before each nonce probe; may throw UploadError (e.g. FloodWait).
  std::function<void(std::int64_t channel_id)> before_find;

  const std::string& account() const override { return account_; }
  std::int64_t max_upload_bytes() const override { return max_; }

  UploadResult upload(const UploadFile& f, std::int64_t channel_id, const ProgressFn& progress) override {
    if (log_) log_->add("upload-start " + f.file_name);
    if (before_upload) before_upload(f);
    if (refused_channels.count(channel_id))
      throw UploadError(UploadError::Kind::Rights, "Forbidden: bot is not a member of the channel chat");
    if (progress) progress(Progress{"upload", f.bytes.size, f.bytes.size, 0, 0, 0, 0});
    auto m = channel_.post(channel_id, f.caption, f.bytes.size, account_);
    if (log_) log_->add("upload-end " + f.file_name);
    return to_result(m);
  }

  std::optional<UploadResult> find_by_nonce(std::int64_t channel_id, std::int64_t after,
                                            const std::string& nonce) override {
    if (log_) log_->add("find " + nonce);
    if (before_find) before_find(channel_id);
    for (const auto& m : channel_.messages()) {
      if (m.channel_id != channel_id || m.message_id <= after) continue;
      auto pos = m.caption.find("#" + nonce);
      if (pos != std::string::npos && pos + 1 + nonce.size() == m.caption.size()) return to_result(m);
    }
    return std::nullopt;
  }

 private:
  UploadResult to_result(const FakeMessage& m) {
    UploadResult r;
    r.channel_id = m.channel_id;
    r.message_id = m.message_id;
    r.file_id = "FILE_" + account_ + "_" + std::to_string(m.message_id);
    r.file_unique_id = "UNIQ_" + std::to_string(m.channel_id) + "_" + std::to_string(m.message_id);
    r.size_bytes = m.size;
    r.mime_type = "video/mp4";
    r.caption = m.caption;
    return r;
  }
  std::string account_;
  FakeChannel& channel_;
  EventLog* log_;
  std::int64_t max_;
};

// Prepares `parts_for(job, limit)` parts of `part_bytes` each from the job's first source,
// as a spool-file path ("remux") unless `direct` is set and the hints allow a stream (then a
// stream). Logs "prepare-hint <coded name> stream|spool" with what the hints allowed.
// With `two_stage` it works as FfmpegMediaPreparer does: fetch() only "downloads" (logs
// "download-start/-end <coded name>", runs before_prepare) unless it streams, and finish()
// makes the parts (logs "process-start/-end <coded name>", runs before_process).
class FakePreparer : public MediaPreparer {
 public:
  explicit FakePreparer(EventLog* log = nullptr) : log_(log) {}

  std::function<int(const media::PrepareRequest&, std::int64_t limit)> parts_for =
      [](const media::PrepareRequest&, std::int64_t) { return 1; };
  std::function<void(const media::PrepareRequest&)> before_prepare;  // may block or throw MediaError
  std::function<void(const media::PrepareRequest&)> before_process;  // two_stage: in finish(); may block
  std::int64_t part_bytes = 1000;
  bool direct = false;
  bool two_stage = false;

  PreparedMedia prepare(const media::PrepareRequest& job, std::int64_t limit,
                        const ProgressFn& progress) override {
    return prepare(job, limit, progress, PrepareHints{});
  }
  PreparedMedia prepare(const media::PrepareRequest& job, std::int64_t limit, const ProgressFn&,
                        const PrepareHints& hints) override {
    cancelled_ = false;
    const bool stream = direct && hints.allow_direct;
    if (log_) log_->add("prepare-hint " + job.coded_name + (hints.allow_direct ? " stream" : " spool"));
    if (log_) log_->add("prepare-start " + job.coded_name);
    if (before_prepare) before_prepare(job);
    if (cancelled_) throw MediaError("cancelled", {}, false);
    if (job.sources.empty()) throw MediaError("no live source", {}, true);
    PreparedMedia m = make(job, limit, stream);
    if (log_) log_->add("prepare-end " + job.coded_name);
    return m;
  }
  FetchedMedia fetch(const media::PrepareRequest& job, std::int64_t limit, const ProgressFn& progress,
                     const PrepareHints& hints) override {
    if (!two_stage || (direct && hints.allow_direct))
      return MediaPreparer::fetch(job, limit, progress, hints);
    cancelled_ = false;
    if (log_) log_->add("prepare-hint " + job.coded_name + (hints.allow_direct ? " stream" : " spool"));
    if (log_) log_->add("download-start " + job.coded_name);
    if (before_prepare) before_prepare(job);
    if (cancelled_) throw MediaError("cancelled", {}, false);
    if (job.sources.empty()) throw MediaError("no live source", {}, true);
    FetchedMedia f;
    f.media.source_id = job.sources.front().source_id;
    f.download = "/nonexistent/spool/source.download";
    f.download_bytes = part_bytes;
    if (log_) log_->add("download-end " + job.coded_name);
    return f;
  }
  PreparedMedia finish(const media::PrepareRequest& job, FetchedMedia f, std::int64_t limit,
                       const ProgressFn& progress) override {
    if (f.complete) return MediaPreparer::finish(job, std::move(f), limit, progress);
    cancelled_ = false;
    if (log_) log_->add("process-start " + job.coded_name);
    if (before_process) before_process(job);
    if (cancelled_) throw MediaError("cancelled", {}, false);
    PreparedMedia m = make(job, limit, false);
    if (log_) log_->add("process-end " + job.coded_name);
    return m;
  }
  void cancel() override { cancelled_ = true; }

 private:
  PreparedMedia make(const media::PrepareRequest& job, std::int64_t limit, bool stream) {
    PreparedMedia m;
    int n = parts_for(job, limit);
    m.path = stream ? PreparedMedia::Path::Direct
                    : (n > 1 ? PreparedMedia::Path::Split : PreparedMedia::Path::Remux);
    m.source_id = job.sources.front().source_id;
    for (int i = 1; i <= n; ++i) {
      PreparedPart p;
      p.part_no = i;
      p.part_count = n;
      p.size_bytes = part_bytes;
      p.bytes.size = part_bytes;
      if (stream)
        p.bytes.read = [](char*, std::size_t) -> std::ptrdiff_t { return 0; };
      else
        p.bytes.file = "/nonexistent/spool/part" + std::to_string(i) + ".mp4";
      m.parts.push_back(std::move(p));
    }
    return m;
  }
  EventLog* log_;
  std::atomic<bool> cancelled_{false};
};

// Runs `body` in a forked child process and returns its pid; the child ends with _exit(the
// body's result), or 99 if it threw. Call only while the test has no other threads.
inline pid_t fork_child(const std::function<int()>& body) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int code = 99;
    try {
      code = body();
    } catch (...) {
    }
    ::_exit(code);
  }
  return pid;
}

// The exit status of a child (WEXITSTATUS, or 128 + signal).
inline int wait_child(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace cmup::test
