// Input files of send methods and the file download side (getFile, /file/bot<token>/...).
//
// Contract: resolve_input_file() accepts what the Bot API accepts for an InputFile and
// returns the stored file's seq: a multipart part (sent under the parameter's own name or
// referenced as attach://<name>), a file:///abs/path URI (local-mode bots only; the file
// is hashed and linked or copied into the store), or a file_id this same bot received.
// Errors: 400 "wrong file identifier/HTTP URL specified" (another bot's id, a forged or
// unknown id, a file:// URI for a cloud bot), 400 "file is too big" (file:// over the
// cap), 413 "Request Entity Too Large" (cloud multipart part over the cap), 400 "there is
// no <field> in the request". Takes Store::mu itself: call WITHOUT it held.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "request.hpp"
#include "sim.hpp"

namespace cmup::simtg {

std::int64_t resolve_input_file(Sim& sim, const BotInfo& bot, Params& params, const std::string& field,
                                const std::string& value);

// A thumbnail is kept only when uploaded in this request as a JPEG under 200 kB, as
// Telegram does; otherwise it is ignored (returns 0).
std::int64_t resolve_thumbnail(Sim& sim, Params& params, const std::string& value_or_field);

// The error for a request whose multipart part exceeded the bot's cap.
[[noreturn]] void throw_too_big(const BotInfo& bot);

// getFile's file_path for a stored file, and back. Call with Store::mu held.
std::string file_path_for(const Sim& sim, const BotInfo& bot, const StoredFile& f);
std::optional<std::int64_t> seq_from_file_path(const std::string& file_path);

std::string guess_mime(const std::string& file_name, const std::string& declared);

}  // namespace cmup::simtg
