#include "queue/job_store.hpp"
#include "util/config.hpp"

namespace cmup {

QueueOptions QueueOptions::from_config(const Config& cfg) {
  QueueOptions o;
  o.lease_ms = cfg.integer("queue.lease_s") * 1000;
  o.max_attempts = static_cast<int>(cfg.integer("queue.max_attempts"));
  o.backoff.base_s = cfg.real("queue.backoff_base_s");
  o.backoff.max_s = cfg.real("queue.backoff_max_s");
  o.backoff.jitter = cfg.real("queue.backoff_jitter");
  o.source_max_failures = static_cast<int>(cfg.integer("queue.source_max_failures"));
  o.channel_max_rights_failures = static_cast<int>(cfg.integer("telegram.channel_max_rights_failures"));
  return o;
}

}  // namespace cmup
