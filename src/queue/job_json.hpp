// JSON forms of the queue's data, as the coordinator API sends them (/coord/v1/*).
//
// Contract: *_from_json() read exactly the fields the matching *_to_json() writes; a missing
// required field or a value of the wrong type throws nlohmann::json::exception (the
// coordinator answers 400). Unknown fields are ignored. Pure functions, thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "queue/job_store.hpp"

namespace cmup {

nlohmann::json job_to_json(const Job& j);
Job job_from_json(const nlohmann::json& j);

nlohmann::json part_to_json(const StoredPart& p);
StoredPart part_from_json(const nlohmann::json& j);

nlohmann::json progress_to_json(const Progress& p);
Progress progress_from_json(const nlohmann::json& j);

nlohmann::json lease_to_json(const LeaseRef& l);
LeaseRef lease_from_json(const nlohmann::json& j);

nlohmann::json worker_to_json(const WorkerInfo& w);
WorkerInfo worker_from_json(const nlohmann::json& j);

nlohmann::json complete_to_json(const CompleteInfo& c);
CompleteInfo complete_from_json(const nlohmann::json& j);

nlohmann::json fail_to_json(const FailInfo& f);
FailInfo fail_from_json(const nlohmann::json& j);

nlohmann::json fail_result_to_json(const FailResult& r);
FailResult fail_result_from_json(const nlohmann::json& j);

}  // namespace cmup
