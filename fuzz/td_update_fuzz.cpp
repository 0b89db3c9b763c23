// Fuzzes what cmup does with the objects TDLib hands it (src/telegram/td_client.cpp routing
// and answers, td_auth.cpp's authorization states, tdlib_uploader.cpp's sendMessage answer,
// updateFile / updateMessageSend* updates and searchChatMessages results).
// Input: one TDLib object per line. A line "A <json>" is the answer to the query cmup sent
// last (its "@extra" and "@client_id" are filled in); any other line is delivered as it is.
// The harness authorizes a TdlibUploader, uploads a small local file and looks for a nonce.
// Whatever arrives, cmup may only fail with UploadError, TdError or TdAuthError; a crash, any
// other exception or a sanitizer report is a bug (TdVersionError, for an old library, is
// allowed too). When the lines run out the script ends
// (EndOfScript, which is no std::exception, so nothing in cmup can swallow it by mistake).
// fuzz-link: cmup_telegram
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "telegram/td_auth.hpp"
#include "telegram/td_client.hpp"
#include "telegram/td_requests.hpp"
#include "telegram/tdlib_uploader.hpp"

namespace {

struct EndOfScript {};

class FuzzTdJson : public cmup::TdJson {
 public:
  explicit FuzzTdJson(std::string_view script) {
    std::size_t pos = 0;
    while (pos < script.size() && lines_.size() < 200) {
      auto nl = script.find('\n', pos);
      if (nl == std::string_view::npos) nl = script.size();
      lines_.emplace_back(script.substr(pos, nl - pos));
      pos = nl + 1;
    }
  }
  int create_client_id() override { return 1; }
  void send(int, const std::string& request) override {
    auto q = nlohmann::json::parse(request, nullptr, false);
    if (q.is_object() && q.contains("@extra")) extra_ = q["@extra"];
  }
  std::optional<std::string> receive(double) override {
    if (lines_.empty()) throw EndOfScript{};
    std::string line = std::move(lines_.front());
    lines_.pop_front();
    if (line.rfind("A ", 0) != 0) return line;
    auto a = nlohmann::json::parse(line.substr(2), nullptr, false);
    if (!a.is_object()) return line.substr(2);
    a["@extra"] = extra_;
    a["@client_id"] = 1;
    return a.dump();
  }
  std::string execute(const std::string&) override { return "{\"@type\":\"ok\"}"; }

 private:
  std::deque<std::string> lines_;
  nlohmann::json extra_;
};

struct Scratch {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("cmup-fuzz-td-" + std::to_string(::getpid()));
  std::filesystem::path file = dir / "CM_M000001_1080P.mp4";
  Scratch() {
    std::filesystem::create_directories(dir);
    std::ofstream(file, std::ios::binary) << std::string(100, 'v');
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

// CMUP_FUZZ_VERBOSE=1 prints how far each input got (to check that a seed reaches the end).
void note(const char* what, const std::string& detail = "") {
  static const bool verbose = std::getenv("CMUP_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "td_update: %s %s\n", what, detail.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Scratch scratch;
  auto api = std::make_shared<FuzzTdJson>(std::string_view(reinterpret_cast<const char*>(data), size));
  cmup::TdlibUploaderOptions o;
  o.params.account = "fuzz";
  o.params.database_directory = scratch.dir / "account";
  o.params.api_id = 1;
  o.params.api_hash = "0123456789abcdef";
  o.max_upload_bytes = 2000LL << 20;
  o.spool_dir = scratch.dir;
  try {
    cmup::TdlibUploader up(api, o);
    cmup::UploadFile f;
    f.bytes.file = scratch.file;
    f.file_name = scratch.file.filename().string();
    f.caption = "CM_M000001_1080P #a1b2c3";
    try {
      auto r = up.upload(f, -100123, [](const cmup::Progress&) {});
      if (r.message_id <= 0) std::abort();  // a success always names the stored message
      note("uploaded, message", std::to_string(r.message_id));
    } catch (const cmup::UploadError& e) {
      note("upload failed:", e.what());
    }
    auto found = up.find_by_nonce(-100123, 0, "a1b2c3");
    if (found && found->message_id <= 0) std::abort();
    note("nonce search:", found ? std::to_string(found->message_id) : "none");
  } catch (const EndOfScript&) {
    note("end of script");
  } catch (const cmup::UploadError& e) {
    note("UploadError:", e.what());
  } catch (const cmup::TdAuthError& e) {
    note("TdAuthError:", e.what());
  } catch (const cmup::TdError& e) {
    note("TdError:", e.what());
  } catch (const cmup::TdVersionError& e) {
    note("TdVersionError:", e.what());
  }
  return 0;
}
