// What the media step needs to know about one upload job: its coded name, the quality it is
// labelled with, and its source links in the order to try. Media comes before the queue in
// the flow (CMUP_DEPS_media = catalog util), so it owns this small type and the queue's Job
// hands it over (Job::media(), queue/job.hpp). Plain data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cmup {

// One source link of the variant, in variant_sources order (rank 0 first). Dead and gone
// links are not included.
struct MediaSource {
  std::int64_t source_id = 0;
  std::string url;
  std::string quality;          // inferred label, e.g. "1080P"
  std::string container;        // CM's hint, may be empty ("mp4", "mkv")
  std::int64_t size_bytes = 0;  // CM's hint, 0 = unknown
  int failures = 0;
};

struct MediaJob {
  std::int64_t variant_id = 0;  // for logs and tests only
  std::string coded_name;       // CM_M000321_1080P: names the spool files and parts
  std::string quality;          // the variant's label; a probe that disagrees is reported
  std::vector<MediaSource> sources;
};

}  // namespace cmup
