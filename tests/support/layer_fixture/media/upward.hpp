// Fixture of the layer check (tests/CMakeLists.txt): media may not include the queue.
#pragma once
#include "queue/job.hpp"
#include "util/progress.hpp"
