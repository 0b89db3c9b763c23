// libFuzzer target: Telegram Mini App initData parsing and validation (src/web/init_data.hpp).
// Any input must be refused or accepted without crashing, and only a correctly signed one may
// be accepted: the input is validated as is, and again after signing its fields, which must pass.
#include <cstddef>
#include <cstdint>
#include <string>

#include "web/init_data.hpp"

namespace {
constexpr const char* kToken = "123456:FUZZ-bot-token";
constexpr std::int64_t kNow = 1760000000;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string raw(reinterpret_cast<const char*>(data), size);
  auto check = cmup::web::validate_init_data(raw, kToken, kNow, 86400);
  if (check.ok() && check.user.id <= 0) __builtin_trap();  // accepted without a user

  auto fields = cmup::web::parse_query_string(raw);
  if (!fields) return 0;
  // Re-encoding what was parsed must parse back to the same fields.
  std::string signed_raw = cmup::web::sign_init_data(*fields, kToken);
  auto again = cmup::web::parse_query_string(signed_raw);
  if (!again) __builtin_trap();
  fields->erase("hash");
  again->erase("hash");
  if (*again != *fields) __builtin_trap();
  // Signed with another token, the same fields must never validate.
  auto forged = cmup::web::validate_init_data(cmup::web::sign_init_data(*fields, "654321:OTHER"), kToken, kNow, 86400);
  if (forged.ok()) __builtin_trap();
  return 0;
}
