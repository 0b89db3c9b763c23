#include "media/progress_meter.hpp"

namespace cmup::media {

ProgressMeter::ProgressMeter(std::string stage, std::int64_t total, const ProgressFn* fn, int part_no,
                             int part_count, std::chrono::milliseconds every)
    : fn_(fn), every_(every), last_sample_(std::chrono::steady_clock::now()) {
  p_.stage = std::move(stage);
  p_.bytes_total = total;
  p_.part_no = part_no;
  p_.part_count = part_count;
}

void ProgressMeter::update(std::int64_t done) {
  auto now = std::chrono::steady_clock::now();
  p_.bytes_done = done;
  double dt = std::chrono::duration<double>(now - last_sample_).count();
  if (dt >= 0.5) {
    // Exponential smoothing: "recent" rate, not the average since the start.
    double inst = static_cast<double>(done - last_sample_bytes_) / dt;
    p_.rate_bps = p_.rate_bps <= 0 ? inst : 0.7 * p_.rate_bps + 0.3 * inst;
    last_sample_ = now;
    last_sample_bytes_ = done;
  }
  if (now - last_emit_ >= every_) emit(now);
}

void ProgressMeter::finish() {
  if (p_.bytes_total > 0) p_.bytes_done = p_.bytes_total;
  emit(std::chrono::steady_clock::now());
}

void ProgressMeter::emit(std::chrono::steady_clock::time_point now) {
  last_emit_ = now;
  p_.eta_s = (p_.bytes_total > 0 && p_.rate_bps > 0)
                 ? static_cast<double>(p_.bytes_total - p_.bytes_done) / p_.rate_bps
                 : -1;
  if (fn_ && *fn_) (*fn_)(p_);
}

}  // namespace cmup::media
