// Logging setup and secret hygiene.
//
// Contract: after setup_logging(), spdlog's default logger writes to stderr. Every message
// passes through redaction: any value registered with register_secret(), and anything
// shaped like a bot token ("123456:ABC...") or a bearer/JWT, is replaced by "***". Secrets
// therefore never reach logs even if a caller formats them by mistake. Then the line is made
// safe_text (util/safe_text.hpp): invalid UTF-8 replaced, control characters escaped (a
// logged name cannot start a new line), at most 16 KiB.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace cmup {

void setup_logging(const std::string& level, const std::string& name = "cmup");
// Adds a literal secret (password, token) to the redaction list. Empty/short values are ignored.
void register_secret(const std::string& secret);
// The redaction applied to every log line; exposed for tests and for printing to users.
std::string redact(std::string_view text);

// Writes `content` to `path` atomically (temp file + rename), with mode 0600 from creation,
// so a secret is never readable by others even for a moment.
void write_secret_file(const std::filesystem::path& path, const std::string& content);

}  // namespace cmup
