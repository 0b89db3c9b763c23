// cmup with the real libtdjson.so (TDLib 1.8.67) and no network (this binary runs inside
// `unshare -n`), as an operator's host behaves before its first login:
//   - a fresh session directory: cmup's setTdlibParameters -> waiting for the phone number;
//     a restart keeps the same database; the directory is mode 0700;
//   - `cmup account login` in tmux reaches the phone prompt, then says "cannot reach
//     Telegram" within its bound; Ctrl-C closes TDLib and exits 130;
//   - worker, doctor and login, 20 runs each, never crash (a process that exits while
//     TDLib's threads tear a session down dies of SIGSEGV/SIGABRT: exit code >= 128).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <memory>
#include <sstream>

#include "support/test_support.hpp"
#include "tdlib_paths.hpp"
#include "telegram/td_auth.hpp"
#include "telegram/td_requests.hpp"

namespace cmup {
namespace {

using nlohmann::json;
using namespace cmup::test;

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The person at the prompt: answers nothing; the test stops at the phone number.
struct StopAtPhone : std::runtime_error {
  StopAtPhone() : std::runtime_error("stop at the phone number") {}
};
class PhonePrompt : public TdAuthPrompt {
 public:
  std::string phone_number() override {
    ++asked;
    throw StopAtPhone();
  }
  std::string code(const std::string&) override { throw std::logic_error("no code expected"); }
  std::string password(const std::string&) override { throw std::logic_error("no password expected"); }
  void say(const std::string&) override {}
  int asked = 0;
};

class TdlibSession : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(std::filesystem::exists(tdjson_path())) << missing_tdlib_hint(); }
};

TEST_F(TdlibSession, ThisTestHasNoNetwork) {
  // /proc/net/dev lists the interfaces of this process's network namespace.
  std::istringstream dev(read_all("/proc/net/dev"));
  std::string line;
  std::vector<std::string> interfaces;
  while (std::getline(dev, line)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    name.erase(0, name.find_first_not_of(' '));
    interfaces.push_back(name);
  }
  EXPECT_EQ(interfaces, std::vector<std::string>{"lo"}) << "run this binary through ctest (unshare -n)";
}

TEST_F(TdlibSession, FreshDirectoryReachesThePhoneNumberAndARestartKeepsTheSession) {
  TempDir dir;
  TdlibParameters params{"ember", dir / "accounts" / "ember", 12345, "0123456789abcdef0123456789abcdef",
                         false};
  prepare_account_dir(params.database_directory);
  struct stat st {};
  ASSERT_EQ(::stat(params.database_directory.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  auto lib = load_tdjson(tdjson_path().string());
  ino_t binlog = 0;
  for (int run = 0; run < 2; ++run) {
    TdClient client(lib);
    client.execute(td::set_log_verbosity_level(0));
    PhonePrompt prompt;
    EXPECT_THROW(authorize(client, params, &prompt, 20), StopAtPhone);
    EXPECT_EQ(prompt.asked, 1);
    EXPECT_EQ(client.auth_state(), "authorizationStateWaitPhoneNumber");
    EXPECT_EQ(client.version(), kTdlibTestedVersion);
    auto db = params.database_directory / "td.binlog";
    ASSERT_TRUE(std::filesystem::exists(db));
    ASSERT_EQ(::stat(db.c_str(), &st), 0);
    if (run == 0)
      binlog = st.st_ino;
    else
      EXPECT_EQ(st.st_ino, binlog) << "the restart made a new database instead of reusing the session";
    EXPECT_TRUE(client.close(10));
    EXPECT_EQ(client.auth_state(), "authorizationStateClosed");
  }
  ASSERT_EQ(::stat(params.database_directory.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

// A configuration with one TDLib account (ember), as `cmup init` + an operator would write.
std::filesystem::path write_config(const TempDir& dir, int connect_timeout_s = 2) {
  auto path = dir / "cmup.toml";
  std::ofstream(path) << "[general]\ndata_dir = \"" << (dir / "data").string() << "\"\n"
                      << "[telegram]\ntdjson_path = \"" << tdjson_path().string() << "\"\n"
                      << "tdlib_connect_timeout_s = " << connect_timeout_s << "\n"
                      << "[[accounts]]\nname = \"ember\"\nbackend = \"tdlib\"\nkind = \"premium\"\n"
                      << "api_id = 12345\napi_hash = \"0123456789abcdef0123456789abcdef\"\n"
                      << "[[channels]]\nchat_id = -1001000000001\nkind = \"movie\"\n";
  ::chmod(path.c_str(), 0600);
  return path;
}

// `times` runs of argv(config, i), `parallel` at a time; each slot has its own data
// directory (TDLib locks its database). Returns the results in run order.
std::vector<RunResult> run_many(
    int times, int connect_timeout_s,
    const std::function<std::vector<std::string>(const std::filesystem::path&, int)>& argv,
    int parallel = 4) {
  std::vector<std::unique_ptr<TempDir>> slots;
  std::vector<std::filesystem::path> configs;
  for (int s = 0; s < parallel; ++s) {
    slots.push_back(std::make_unique<TempDir>());
    configs.push_back(write_config(*slots.back(), connect_timeout_s));
  }
  std::vector<RunResult> out;
  for (int first = 0; first < times; first += parallel) {
    std::vector<std::unique_ptr<Process>> batch;
    for (int i = first; i < std::min(times, first + parallel); ++i)
      batch.push_back(std::make_unique<Process>(argv(configs[i - first], i),
                                                std::map<std::string, std::string>{},
                                                *slots[i - first] / ("run" + std::to_string(i) + ".log")));
    for (auto& p : batch) {
      RunResult r;
      r.exit_code = p->wait(std::chrono::seconds(60));
      r.output = p->log();
      out.push_back(r);
    }
  }
  return out;
}

TEST_F(TdlibSession, WorkerOfAnAccountNotLoggedInSaysHowToLogInAndNeverCrashes) {
  auto results = run_many(20, 2, [](const std::filesystem::path& cfg, int) {
    return std::vector<std::string>{cmup_binary(), "--config", cfg.string(), "worker", "--account", "ember"};
  });
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    ASSERT_EQ(r.exit_code, 1) << "run " << i << ":\n" << r.output;
    ASSERT_NE(r.output.find("run `cmup account login ember`"), std::string::npos) << r.output;
  }
}

TEST_F(TdlibSession, DoctorPrintsTheVersionAndTheLoginStateAndNeverCrashes) {
  auto results = run_many(20, 2, [](const std::filesystem::path& cfg, int) {
    return std::vector<std::string>{cmup_binary(), "--config", cfg.string(), "doctor"};
  });
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    ASSERT_EQ(r.exit_code, 1) << "run " << i << ":\n" << r.output;
    ASSERT_NE(r.output.find(std::string("TDLib ") + kTdlibTestedVersion), std::string::npos) << r.output;
    ASSERT_NE(r.output.find("authorization: not logged in"), std::string::npos) << r.output;
    ASSERT_NE(r.output.find("cmup account login ember"), std::string::npos) << r.output;
  }
}

// Login with no person at the terminal (end of input at the phone prompt) and with a phone
// number but no network: both end with a message and a closed TDLib, never a crash.
TEST_F(TdlibSession, LoginWithoutNetworkEndsCleanlyEveryTime) {
  TempDir dir;
  auto cfg = write_config(dir, 1);
  for (int i = 0; i < 20; ++i) {
    RunResult r;
    if (i % 2 == 0) {
      r = run({cmup_binary(), "--config", cfg.string(), "account", "login", "ember"}, {},
              std::chrono::seconds(60));
      ASSERT_NE(r.output.find("end of input"), std::string::npos) << r.output;
    } else {
      r = run({"/bin/sh", "-c", "echo +15550000000 | \"$0\" --config \"$1\" account login ember",
               cmup_binary(), cfg.string()},
              {}, std::chrono::seconds(60));
      ASSERT_NE(r.output.find("cannot reach Telegram"), std::string::npos) << r.output;
    }
    ASSERT_EQ(r.exit_code, 1) << "run " << i << ":\n" << r.output;
  }
}

// `cmup account login` in a terminal (tmux), the way an operator runs it.
constexpr const char* kTmux = "/usr/bin/tmux";
class TmuxLogin : public TdlibSession {
 protected:
  void SetUp() override {
    TdlibSession::SetUp();
    socket_ = "cmup-test-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }
  void TearDown() override { run({kTmux, "-L", socket_, "kill-server"}, {}, std::chrono::seconds(10)); }

  void start(const std::filesystem::path& cfg) {
    // The shell prints the exit code and keeps the pane open for the test to read it.
    std::string cmd = "'" + cmup_binary() + "' --config '" + cfg.string() +
                      "' account login ember; echo \"EXIT=$?\"; exec sleep 300";
    auto r = run({kTmux, "-L", socket_, "-f", "/dev/null", "new-session", "-d", "-s", "login", "-x", "220",
                  "-y", "50", cmd},
                 {}, std::chrono::seconds(10));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  std::string screen() {
    return run({kTmux, "-L", socket_, "capture-pane", "-p", "-J", "-t", "login", "-S", "-200"}, {},
               std::chrono::seconds(10))
        .output;
  }
  bool wait_screen(const std::string& text, int seconds) {
    return wait_until([&] { return screen().find(text) != std::string::npos; }, std::chrono::seconds(seconds),
                      std::chrono::milliseconds(100));
  }
  void keys(std::vector<std::string> k) {
    std::vector<std::string> argv = {kTmux, "-L", socket_, "send-keys", "-t", "login"};
    argv.insert(argv.end(), k.begin(), k.end());
    ASSERT_EQ(run(argv, {}, std::chrono::seconds(10)).exit_code, 0);
  }
  std::string socket_;
};

TEST_F(TmuxLogin, ReachesThePhonePromptThenSaysCannotReachTelegram) {
  TempDir dir;
  auto cfg = write_config(dir, 2);
  start(cfg);
  ASSERT_TRUE(wait_screen("Phone number (international format", 20)) << screen();
  EXPECT_NE(screen().find(std::string("TDLib ") + kTdlibTestedVersion), std::string::npos) << screen();
  keys({"+15550000000", "Enter"});
  ASSERT_TRUE(wait_screen("EXIT=", 30)) << screen();
  std::string s = screen();
  EXPECT_NE(s.find("Sending the phone number to Telegram..."), std::string::npos) << s;
  EXPECT_NE(s.find("... still sending the phone number (connecting to Telegram"), std::string::npos) << s;
  EXPECT_NE(s.find("cannot reach Telegram"), std::string::npos) << s;
  EXPECT_NE(s.find("EXIT=1"), std::string::npos) << s;
}

TEST_F(TmuxLogin, CtrlCAtThePhonePromptClosesTdlibAndExits130) {
  TempDir dir;
  auto cfg = write_config(dir, 2);
  start(cfg);
  ASSERT_TRUE(wait_screen("Phone number (international format", 20)) << screen();
  keys({"C-c"});
  ASSERT_TRUE(wait_screen("EXIT=", 20)) << screen();
  std::string s = screen();
  EXPECT_NE(s.find("login of ember cancelled; closing TDLib"), std::string::npos) << s;
  EXPECT_NE(s.find("EXIT=130"), std::string::npos) << s;
}

}  // namespace
}  // namespace cmup
