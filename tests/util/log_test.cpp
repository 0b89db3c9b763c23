// The log sink: every line is redacted and made safe_text, so a name quoted from CM, Telegram
// or a request can neither forge a second log line nor send terminal escapes.
#include "util/log.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>

namespace cmup {
namespace {

TEST(LogSink, UntrustedTextStaysOnOneEscapedLineAndSecretsStayRedacted) {
  setup_logging("info", "log-test");
  testing::internal::CaptureStderr();
  spdlog::warn("import: skipped movie {}: {}", "evil\n2026-01-01 00:00:00.000 ERROR forged\x1b[2J",
               std::string("bad \xFF byte, token 123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh"));
  spdlog::default_logger()->flush();
  std::string out = testing::internal::GetCapturedStderr();
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  EXPECT_NE(out.find("evil\\n2026-01-01"), std::string::npos) << out;
  EXPECT_NE(out.find("\\x1B[2J"), std::string::npos) << out;
  EXPECT_EQ(out.find('\x1b' + std::string("[2J")), std::string::npos) << out;
  EXPECT_NE(out.find("bad \xEF\xBF\xBD byte"), std::string::npos) << out;
  EXPECT_EQ(out.find("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), std::string::npos) << out;
  EXPECT_NE(out.find("***"), std::string::npos) << out;
}

}  // namespace
}  // namespace cmup
