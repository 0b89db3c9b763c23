#include "media/resume_policy.hpp"

namespace cmup::media {

namespace {

std::string size_text(std::int64_t b) {
  if (b >= (std::int64_t{1} << 20) && b % (std::int64_t{1} << 20) == 0)
    return std::to_string(b >> 20) + " MiB";
  return std::to_string(b) + " bytes";
}

}  // namespace

std::optional<std::string> ResumePolicy::on_break(bool stalled, std::int64_t bytes_on_connection,
                                                  const std::string& what, std::int64_t at) {
  ++breaks_;
  if (breaks_ > max_resumes_) {
    return "interrupted " + std::to_string(breaks_) + " times, last: " + what + " (at " + std::to_string(at) +
           " bytes)";
  }
  if (stalled && bytes_on_connection < min_progress_bytes_) {
    return "stalled after only " + std::to_string(bytes_on_connection) + " bytes on " +
           (breaks_ == 1 ? std::string("its first connection") : "a resumed connection") + " (" + what +
           "): less than " + size_text(min_progress_bytes_) +
           " of progress, so the source is given up for this attempt (at " + std::to_string(at) + " bytes)";
  }
  return std::nullopt;
}

}  // namespace cmup::media
