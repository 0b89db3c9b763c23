// The external-program helper: exit codes and stderr reach the caller, time limits and
// cancel stop the program (and what it started), and a missing program is a clear error.
#include "util/child_process.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include "support/test_support.hpp"

namespace cmup {
namespace {

using namespace std::chrono_literals;

TEST(ProcessRunner, ReturnsStdoutExitCodeAndStderrTail) {
  auto r = run_program({"sh", "-c", "echo out; echo first >&2; echo 'the reason' >&2; exit 3"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.stdout_text, "out\n");
  EXPECT_NE(r.stderr_tail.find("the reason"), std::string::npos);
  EXPECT_EQ(summarize_stderr(r.stderr_tail), "first | the reason");
}

TEST(ProcessRunner, ArgumentsAreNotInterpretedByAShell) {
  auto r = run_program({"printf", "%s", "a b; echo $HOME"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.stdout_text, "a b; echo $HOME");
}

TEST(ProcessRunner, StderrIsBoundedToItsTail) {
  RunOptions o;
  o.stderr_cap = 100;
  auto r = run_program(
      {"sh", "-c", "i=0; while [ $i -lt 500 ]; do echo line$i >&2; i=$((i+1)); done; echo last >&2"}, o);
  EXPECT_LE(r.stderr_tail.size(), 100u);
  EXPECT_NE(r.stderr_tail.find("last"), std::string::npos);
}

TEST(ProcessRunner, StdoutLinesGoToTheCallback) {
  RunOptions o;
  std::vector<std::string> lines;
  o.on_stdout_line = [&](const std::string& l) { lines.push_back(l); };
  auto r = run_program({"sh", "-c", "echo a=1; echo b=2"}, o);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(lines, (std::vector<std::string>{"a=1", "b=2"}));
}

TEST(ProcessRunner, TimeLimitKillsTheWholeGroup) {
  test::TempDir d;
  auto pidfile = d / "child.pid";
  RunOptions o;
  o.time_limit = 300ms;
  // The shell starts a grandchild that would outlive a kill of the shell alone.
  try {
    run_program({"sh", "-c", "sleep 60 & echo $! > " + pidfile.string() + "; wait"}, o);
    FAIL() << "expected a timeout";
  } catch (const ProcessError& e) {
    EXPECT_EQ(e.kind, ProcessError::Kind::TimedOut);
  }
  ASSERT_TRUE(test::wait_until([&] { return std::filesystem::exists(pidfile); }, 5s));
  pid_t child = 0;
  std::ifstream(pidfile) >> child;
  ASSERT_GT(child, 0);
  EXPECT_TRUE(test::wait_until([&] { return ::kill(child, 0) != 0; }, 5s)) << "grandchild still alive";
}

TEST(ProcessRunner, CancelFromAnotherThreadKillsTheProgramAndWhatItStarted) {
  test::TempDir d;
  auto pidfile = d / "child.pid";
  std::atomic<bool> cancel{false};
  RunOptions o;
  o.cancel = &cancel;
  std::thread t([&] {
    test::wait_until([&] { return std::filesystem::exists(pidfile); }, 10s);
    cancel = true;
  });
  // The pid file is written by rename, so the reader never sees it half written.
  try {
    run_program({"sh", "-c",
                 "sleep 60 & echo $! > " + pidfile.string() + ".tmp; mv " + pidfile.string() + ".tmp " +
                     pidfile.string() + "; wait"},
                o);
    ADD_FAILURE() << "expected cancellation";
  } catch (const ProcessError& e) {
    EXPECT_EQ(e.kind, ProcessError::Kind::Cancelled);
  }
  t.join();
  pid_t child = 0;
  std::ifstream(pidfile) >> child;
  ASSERT_GT(child, 0);
  EXPECT_TRUE(test::wait_until([&] { return ::kill(child, 0) != 0; }, 5s)) << "grandchild still alive";
}

TEST(ProcessRunner, MissingProgramIsAClearError) {
  try {
    run_program({"cmup-no-such-program-xyz"});
    FAIL() << "expected StartFailed";
  } catch (const ProcessError& e) {
    EXPECT_EQ(e.kind, ProcessError::Kind::StartFailed);
    EXPECT_NE(std::string(e.what()).find("cmup-no-such-program-xyz"), std::string::npos);
  }
}

TEST(ChildProcessTest, OutputGoesToTheLogAndEnvironmentIsPassed) {
  test::TempDir d;
  ChildProcess p({"/bin/sh", "-c", "echo out=$CMUP_TEST_VALUE; echo err >&2; exit 4"}, {{"CMUP_TEST_VALUE", "42"}},
                 d / "child.log");
  EXPECT_EQ(p.wait(10s), 4);
  EXPECT_NE(p.log().find("out=42"), std::string::npos) << p.log();
  EXPECT_NE(p.log().find("err"), std::string::npos) << p.log();
}

TEST(ChildProcessTest, DestructorKillsTheWholeGroup) {
  test::TempDir d;
  auto pidfile = d / "child.pid";
  pid_t shell = 0;
  {
    ChildProcess p({"/bin/sh", "-c",
                    "sleep 60 & echo $! > " + pidfile.string() + ".tmp; mv " + pidfile.string() + ".tmp " +
                        pidfile.string() + "; wait"});
    shell = p.pid();
    ASSERT_TRUE(test::wait_until([&] { return std::filesystem::exists(pidfile); }, 10s));
  }
  pid_t child = 0;
  std::ifstream(pidfile) >> child;
  ASSERT_GT(child, 0);
  EXPECT_NE(::kill(shell, 0), 0) << "the child was not reaped";
  EXPECT_TRUE(test::wait_until([&] { return ::kill(child, 0) != 0; }, 5s)) << "grandchild still alive";
}

TEST(ChildProcessTest, StopEndsItWithSigterm) {
  ChildProcess p({"sleep", "60"});  // found in PATH
  EXPECT_TRUE(p.running());
  EXPECT_EQ(p.stop(5s), 128 + SIGTERM);
  EXPECT_FALSE(p.running());
}

TEST(ChildProcessTest, MissingProgramIsAClearError) {
  try {
    ChildProcess p({"/nonexistent/cmup-no-such-program"});
    FAIL() << "expected StartFailed";
  } catch (const ProcessError& e) {
    EXPECT_EQ(e.kind, ProcessError::Kind::StartFailed);
    EXPECT_NE(std::string(e.what()).find("cmup-no-such-program"), std::string::npos);
  }
}

}  // namespace
}  // namespace cmup
