// Drill mode of `cmup worker --drill` (hidden; benchmarks and queue tests): the real worker
// and JobStore, with a stand-in Telegram and media step that take no time, so a run measures
// the queue itself (claim, record, complete) across processes or through the coordinator.
//
// Contract: DrillUploader "stores" every file at once with a message id unique across
// processes (pid and a counter) and finds nothing by nonce; DrillPreparer returns one part of
// one byte. Nothing touches the network or the disk. Not for production use.
#pragma once

#include <memory>
#include <string>

#include "media/preparer.hpp"
#include "telegram/uploader.hpp"

namespace cmup {

std::unique_ptr<Uploader> make_drill_uploader(const std::string& account);
std::unique_ptr<MediaPreparer> make_drill_preparer();

}  // namespace cmup
