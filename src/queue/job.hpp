// A claimed upload job as the worker sees it, whether it came from the local database
// or from the coordinator API. Plain data, serializable to JSON (queue/job_json.*).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cmup {

// One source link of the variant, in variant_sources order (rank 0 first). Dead and gone
// links are not included.
struct JobSource {
  std::int64_t source_id = 0;
  std::string url;
  std::string quality;     // inferred label, e.g. "1080P"
  std::string container;   // CM's hint, may be empty ("mp4", "mkv")
  std::int64_t size_bytes = 0;  // CM's hint, 0 = unknown
  int failures = 0;
};

// A part already stored in Telegram (a telegram_objects row). A resumed job skips these.
struct StoredPart {
  int part_no = 0;
  int part_count = 0;
  std::string account;
  std::int64_t channel_id = 0;
  std::int64_t message_id = 0;
  std::string file_id;
  std::string file_unique_id;
  std::string file_name;
  std::int64_t size_bytes = 0;
  double duration_s = 0;
  int width = 0, height = 0;
  std::string mime_type;
};

// An earlier attempt of this variant that got as far as uploading (it chose a channel) but
// did not finish cleanly: its messages may be in the channel without a telegram_objects row.
// The worker looks for `nonce` in captions after `after_message_id` and adopts what it finds.
struct PriorUpload {
  std::int64_t attempt_id = 0;
  std::string nonce;
  std::int64_t channel_id = 0;
  std::int64_t after_message_id = 0;  // the channel's last recorded message when that attempt began
};

struct Job {
  std::int64_t variant_id = 0;
  std::string coded_name;       // CM_M000321_1080P
  std::string kind;             // "movie" | "tv" (which storage channels)
  std::string quality;          // the variant's label
  std::string lease_token;      // fencing token: every write carries it
  std::int64_t lease_expires_at = 0;
  std::int64_t attempt_id = 0;  // upload_attempts row of this claim
  std::string nonce;            // goes into captions (adoption after a crash)
  int attempts = 0;             // including this one
  std::optional<std::int64_t> channel_id;  // sticky once the first part is stored
  std::int64_t channel_last_message_id = 0;  // for adoption scans
  std::vector<std::string> previous_nonces;  // nonces of earlier attempts that may have uploaded
  std::vector<PriorUpload> prior_uploads;    // the same, with where to look (newest first)
  std::vector<JobSource> sources;
  std::vector<StoredPart> stored_parts;
};

// True when stored_parts are every part 1..N of one split into N parts (none missing, none of
// another split): the job needs no upload, only its completion. The worker asks it before
// preparing (a resumed job) and after adopting parts found by their nonce.
inline bool has_every_part(const Job& job) {
  if (job.stored_parts.empty()) return false;
  const int n = job.stored_parts.front().part_count;
  if (n < 1 || static_cast<std::size_t>(n) > job.stored_parts.size()) return false;
  std::vector<bool> have(static_cast<std::size_t>(n) + 1, false);
  int distinct = 0;
  for (const auto& p : job.stored_parts) {
    if (p.part_count != n || p.part_no < 1 || p.part_no > n) return false;
    if (!have[static_cast<std::size_t>(p.part_no)]) {
      have[static_cast<std::size_t>(p.part_no)] = true;
      ++distinct;
    }
  }
  return distinct == n;
}

}  // namespace cmup
