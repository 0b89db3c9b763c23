// Fuzzes what the delivery bot does with an update body it did not write (getUpdates items,
// webhook POSTs): parse_update_bytes, command splitting, and the caption built from what
// it parsed. Nothing may throw, and every parsed field must respect its documented bounds.
// fuzz-link: cmup_bot
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bot/texts.hpp"
#include "bot/update.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  cmup::bot::Update u = cmup::bot::parse_update_bytes(body);
  if (u.kind == cmup::bot::Update::Kind::Ignored) return 0;
  if (u.update_id < 0) std::abort();
  if (u.text.size() > cmup::bot::kMaxTextBytes) std::abort();
  if (u.callback_data.size() > cmup::bot::kMaxCallbackDataBytes) std::abort();
  if (u.kind == cmup::bot::Update::Kind::ChannelPost && (!u.file || u.file->file_id.empty())) std::abort();
  auto cmd = cmup::bot::parse_command(u.text);
  cmup::bot::CaptionInfo c;
  c.title = cmd.args.empty() ? u.text : cmd.args;
  c.quality = "1080P";
  c.part_no = 2;
  c.part_count = 3;
  if (cmup::bot::texts::caption(c).size() > 1024) std::abort();
  return 0;
}
