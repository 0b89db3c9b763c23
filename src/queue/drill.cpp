#include "queue/drill.hpp"

#include <unistd.h>

#include <atomic>

namespace cmup {

namespace {

class DrillUploader : public Uploader {
 public:
  explicit DrillUploader(std::string account) : account_(std::move(account)) {}
  const std::string& account() const override { return account_; }
  std::int64_t max_upload_bytes() const override { return 2'000'000'000; }
  UploadResult upload(const UploadFile& f, std::int64_t channel_id, const ProgressFn&) override {
    UploadResult r;
    r.channel_id = channel_id;
    r.message_id = (static_cast<std::int64_t>(::getpid()) << 24) + ++counter_;
    r.file_id = "drill_" + std::to_string(r.message_id);
    r.file_unique_id = r.file_id;
    r.size_bytes = f.bytes.size;
    r.mime_type = f.mime_type;
    r.caption = f.caption;
    return r;
  }
  std::optional<UploadResult> find_by_nonce(std::int64_t, std::int64_t, const std::string&) override {
    return std::nullopt;
  }

 private:
  std::string account_;
  std::atomic<std::int64_t> counter_{0};
};

class DrillPreparer : public MediaPreparer {
 public:
  PreparedMedia prepare(const Job& job, std::int64_t, const ProgressFn&) override {
    if (job.sources.empty()) throw MediaError("no live source", {}, true);
    PreparedMedia m;
    m.path = PreparedMedia::Path::Direct;
    m.source_id = job.sources.front().source_id;
    PreparedPart p;
    p.size_bytes = 1;
    p.bytes.size = 1;
    p.bytes.read = [](char*, std::size_t) -> std::ptrdiff_t { return 0; };
    m.parts.push_back(std::move(p));
    return m;
  }
  void cancel() override {}
};

}  // namespace

std::unique_ptr<Uploader> make_drill_uploader(const std::string& account) {
  return std::make_unique<DrillUploader>(account);
}
std::unique_ptr<MediaPreparer> make_drill_preparer() { return std::make_unique<DrillPreparer>(); }

}  // namespace cmup
