// Text from outside (request bodies, CM items, Telegram answers, file names, and error
// messages that quote them) made safe to echo into a JSON document or a log line.
//
// Why: nlohmann::json::dump() throws type_error 316 on invalid UTF-8, so one stray byte in
// an echoed string turns a clear error reply into a crash; and a raw newline or terminal
// escape in a logged name forges log lines. Everything that echoes such text goes through
// here (the log sink in util/log.cpp does it for every line).
//
// Contract: every function is pure, thread-safe and total: any bytes in, a defined answer
// out, never an exception (except std::bad_alloc).
#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace cmup {

// Bound applied by safe_text() unless a caller asks otherwise: long enough for any error
// sentence, short enough that a hostile 10 MB body is never echoed whole.
inline constexpr std::size_t kSafeTextMaxBytes = 1024;

// Length (1..4) of the well-formed UTF-8 sequence starting at s[i] (RFC 3629: no overlongs,
// no surrogates, nothing above U+10FFFF), or 0 when the bytes there are not one.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

// True when the whole of `s` is well-formed UTF-8 (what nlohmann::json accepts).
bool is_valid_utf8(std::string_view s);

// `s` with every byte that does not start a well-formed sequence replaced by U+FFFD.
std::string to_valid_utf8(std::string_view s);

// The longest prefix of `s` of at most `max_bytes` that does not end inside a UTF-8
// sequence (bytes before the cut are kept as they are, valid or not).
std::string_view cut_utf8(std::string_view s, std::size_t max_bytes);

// `s` as well-formed UTF-8 without any character that could break a log line or fool a
// terminal: invalid bytes become U+FFFD; C0 controls and DEL are written as \n, \r, \t or
// \xNN; C1 controls, U+2028/U+2029 and the bidirectional overrides as \u{XXXX}. When the
// result would exceed `max_bytes` it is cut at a character boundary and ends with "…".
// Printable text (any script) passes unchanged.
std::string safe_text(std::string_view s, std::size_t max_bytes = kSafeTextMaxBytes);

// json.dump(indent) that cannot throw on strings holding invalid UTF-8 (they are written
// with U+FFFD instead). For any document that carries text cmup did not write itself.
std::string safe_dump(const nlohmann::json& j, int indent = -1);

}  // namespace cmup
