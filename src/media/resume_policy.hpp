// When a broken source transfer is worth resuming with Range, shared by the spool download
// (downloader.cpp) and the direct stream (stream_source.cpp) so both follow one rule.
//
// The rule (docs/media.md, "Stalls and resumes"):
//   - Any break (reset, early close, stall) is resumed, at most `max_resumes` times.
//   - A stall (no data, or less than low_speed_bytes/s, for low_speed_s) costs a worker
//     low_speed_s each time. A connection that stalls before it delivered real progress,
//     `min_progress_bytes` since it was opened (the start of the transfer or the previous
//     resume), shows a source that is not coming back within this job: it is given up at
//     once, so the job fails over to its next source after one low_speed_s instead of
//     1 + max_resumes of them. The source is tried again on a later attempt as any failed
//     source is.
//   - A source that delivers real progress between stalls keeps being resumed.
//
// Contract: on_break() returns std::nullopt to resume, or the reason (for the operator) to
// give the source up; it counts the break either way. Not thread-safe: one per transfer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace cmup::media {

// "Real progress" between stalls: a stalled connection that delivered less is given up.
inline constexpr std::int64_t kDefaultMinProgressBytes = std::int64_t{1} << 20;

class ResumePolicy {
 public:
  ResumePolicy(int max_resumes, std::int64_t min_progress_bytes)
      : max_resumes_(max_resumes), min_progress_bytes_(min_progress_bytes) {}

  // A transfer broke. `stalled`: it was abandoned by the low-speed limit; `bytes_on_connection`:
  // body bytes that connection delivered; `what`: how it broke; `at`: bytes held in total.
  std::optional<std::string> on_break(bool stalled, std::int64_t bytes_on_connection, const std::string& what,
                                      std::int64_t at);

  int breaks() const { return breaks_; }
  int max_resumes() const { return max_resumes_; }

 private:
  int max_resumes_;
  std::int64_t min_progress_bytes_;
  int breaks_ = 0;
};

}  // namespace cmup::media
