#include "app/demo_setup.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "util/log.hpp"
#include "util/random.hpp"

namespace cmup {

namespace {

int pick_free_port() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(s);
    throw std::runtime_error("no free port on 127.0.0.1");
  }
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

// A token in the Bot API's shape: "<bot id>:<35 url-safe characters>".
std::string bot_token(long id) { return std::to_string(id) + ":AA" + random_hex(17).substr(0, 33); }

// Simulated identities. Channel ids follow Telegram's -100… form.
constexpr long kDeliveryBotId = 7000000001;
constexpr long kViewerUserId = 424242;
struct DemoAccount {
  const char* name;
  long bot_id;
};
constexpr DemoAccount kAccounts[] = {{"ember", 7000000011}, {"rora", 7000000012}, {"lukas", 7000000013}};
struct DemoChannel {
  long long id;
  const char* kind;
  const char* title;
};
constexpr DemoChannel kChannels[] = {
    {-1001000000001, "movie", "CM store M1"},
    {-1001000000002, "movie", "CM store M2"},
    {-1001000000003, "tv", "CM store T1"},
};
constexpr long long kIndexChat = -1001000000099;

// Small per-account limits so the demo shows splitting on its larger files.
constexpr long long kDemoUploadLimit = 5LL * 1024 * 1024;

}  // namespace

DemoLayout make_demo_layout(const DemoOptions& opt) {
  DemoLayout l;
  l.opt = opt;
  auto dir = std::filesystem::absolute(opt.data_dir);
  l.opt.data_dir = dir;
  l.cm_port = pick_free_port();
  l.tg_port = pick_free_port();
  l.coordinator_port = pick_free_port();
  l.cm_password = random_hex(12);
  l.admin_token = random_hex(16);
  l.bot_token = bot_token(kDeliveryBotId);
  for (const auto& a : kAccounts) l.account_tokens[a.name] = bot_token(a.bot_id);
  l.config_path = dir / "cmup.toml";
  l.sim_config_path = dir / "sim-telegram.json";
  l.db_path = dir / "cmup.db";
  for (const auto& a : kAccounts) {
    DemoWorker w{a.name, std::string(a.name) != "ember", random_hex(16), {}};
    // The token reaches the worker through its environment, never its command line (ps).
    if (w.via_coordinator) w.env["CMUP_COORDINATOR_TOKEN"] = w.token;
    l.workers.push_back(w);
  }
  register_secret(l.cm_password);
  register_secret(l.admin_token);
  return l;
}

namespace {
// "rora=<token>,lukas=<token>": the coordinator's list of remote workers.
std::string coordinator_tokens(const DemoLayout& l) {
  std::string out;
  for (const auto& w : l.workers) {
    if (!w.via_coordinator) continue;
    if (!out.empty()) out += ",";
    out += w.account + "=" + w.token;
  }
  return out;
}
}  // namespace

void write_demo_files(const DemoLayout& l) {
  nlohmann::json sim;
  sim["bots"] = nlohmann::json::array();
  sim["bots"].push_back({{"id", kDeliveryBotId}, {"username", "cmup_demo_bot"}, {"token", l.bot_token}});
  std::vector<std::string> admins = {"cmup_demo_bot"};
  for (const auto& a : kAccounts) {
    std::string user = std::string(a.name) + "_uploader_bot";
    sim["bots"].push_back({{"id", a.bot_id}, {"username", user}, {"token", l.account_tokens.at(a.name)}});
    admins.push_back(user);
  }
  sim["channels"] = nlohmann::json::array();
  for (const auto& c : kChannels)
    sim["channels"].push_back({{"id", c.id}, {"title", c.title}, {"admins", admins}});
  // The index chat: where bots forward a stored message to read it (file ids, nonces).
  sim["channels"].push_back({{"id", kIndexChat}, {"title", "cmup index"}, {"admins", admins}});
  sim["users"] = {{{"id", kViewerUserId}, {"first_name", "Demo viewer"}, {"username", "demo_viewer"}}};
  write_secret_file(l.sim_config_path, sim.dump(2) + "\n");

  std::string toml = fmt::format(
      "# Written by `cmup demo`: cmup against its own simulators. Secrets here are random per run.\n"
      "[general]\ndata_dir = \"{dir}\"\nlog_level = \"info\"\n\n"
      "[database]\npath = \"{db}\"\n\n"
      "[cm]\nbase_url = \"http://127.0.0.1:{cm}\"\nusername = \"cmup\"\npassword = \"{pw}\"\n\n"
      "[telegram]\nbot_api_url = \"http://127.0.0.1:{tg}\"\nindex_chat_id = {index}\n\n"
      "[web]\nlisten = \"127.0.0.1:{web}\"\nadmin_token = \"{admin}\"\n\n"
      "[bot]\ntoken = \"{bot}\"\nusername = \"cmup_demo_bot\"\nindex_chat_id = {index}\n"
      "webhook_listen = \"127.0.0.1:0\"\n\n"
      "[coordinator]\nlisten = \"127.0.0.1:{coord}\"\ntokens = \"{tokens}\"\n"
      "\n",
      fmt::arg("dir", l.opt.data_dir.string()), fmt::arg("db", l.db_path.string()), fmt::arg("cm", l.cm_port),
      fmt::arg("pw", l.cm_password), fmt::arg("tg", l.tg_port), fmt::arg("web", l.opt.web_port),
      fmt::arg("admin", l.admin_token), fmt::arg("bot", l.bot_token), fmt::arg("coord", l.coordinator_port),
      fmt::arg("index", kIndexChat), fmt::arg("tokens", coordinator_tokens(l)));
  for (const auto& a : kAccounts) {
    toml += fmt::format(
        "[[accounts]]\nname = \"{}\"\nbackend = \"botapi\"\nkind = \"local_bot\"\ntoken = \"{}\"\n"
        "max_upload_bytes = {}\n\n",
        a.name, l.account_tokens.at(a.name), kDemoUploadLimit);
  }
  for (const auto& c : kChannels)
    toml += fmt::format("[[channels]]\nchat_id = {}\nkind = \"{}\"\n\n", c.id, c.kind);
  write_secret_file(l.config_path, toml);
}

std::vector<std::string> sim_cm_argv(const DemoLayout& l, const std::filesystem::path& bin) {
  return {(bin / "cmup-sim-cm").string(),
          "--listen",
          "127.0.0.1:" + std::to_string(l.cm_port),
          "--username",
          "cmup",
          "--password",
          l.cm_password,
          "--movies",
          std::to_string(l.opt.movies),
          "--shows",
          std::to_string(l.opt.shows),
          "--media-dir",
          (l.opt.data_dir / "sim-media").string()};
}

std::vector<std::string> sim_telegram_argv(const DemoLayout& l, const std::filesystem::path& bin) {
  return {(bin / "cmup-sim-telegram").string(),
          "--listen",
          "127.0.0.1:" + std::to_string(l.tg_port),
          "--config",
          l.sim_config_path.string(),
          "--data-dir",
          (l.opt.data_dir / "sim-telegram").string(),
          "--control"};
}

std::vector<std::string> worker_argv(const DemoLayout& l, const DemoWorker& w, const std::string& cmup) {
  std::vector<std::string> argv = {cmup,     "--config",  l.config_path.string(),
                                   "worker", "--account", w.account};
  if (w.via_coordinator) {
    argv.insert(argv.end(), {"--coordinator", "http://127.0.0.1:" + std::to_string(l.coordinator_port)});
  }
  return argv;
}

}  // namespace cmup
