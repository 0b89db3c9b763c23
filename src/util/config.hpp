// cmup's configuration: the embedded defaults (config/*.toml), overlaid by the operator's
// TOML file, overlaid by environment variables CMUP_<SECTION>_<KEY>.
//
// Contract: a Config always holds every documented setting (defaults fill the gaps), so
// reading a key that is not in the defaults is a programming error and throws
// std::logic_error. A value of the wrong type in the file or environment throws
// ConfigError naming the key and the source, which the CLI prints for the operator.
// A Config is immutable after load and safe to read from several threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/host_port.hpp"

namespace cmup {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One [[accounts]] entry: the Telegram identity a worker uploads as.
struct AccountConfig {
  std::string name;     // [a-z0-9_-]{1,32}
  std::string backend;  // "botapi" | "tdlib"
  std::string kind;     // "regular" | "premium" | "cloud_bot" | "local_bot"
  std::string token;    // bot token (botapi); secret
  std::string api_url;  // per-account Bot API server; empty = telegram.bot_api_url
  std::int64_t max_upload_bytes = 0;  // 0 = the kind's limit
  int concurrency = 1;
  std::map<std::string, std::string> extra;  // any other keys, as strings (backend-specific)
};

// One [[channels]] entry: a private storage channel.
struct ChannelConfig {
  std::int64_t chat_id = 0;
  std::string kind;  // "movie" | "tv"
};

class Config {
 public:
  // Defaults only (no file, no environment): what `cmup init` documents.
  static Config defaults();
  // Defaults, then `path` if it exists (or throws if `required` and it does not), then the
  // environment `env` (pass nullptr to use the process environment).
  static Config load(const std::filesystem::path& path, bool required, char** env = nullptr);

  Config(const Config&);
  Config& operator=(const Config&);
  Config(Config&&) noexcept;
  Config& operator=(Config&&) noexcept;
  ~Config();

  // Typed access by dotted key, e.g. str("cm.base_url"), integer("queue.lease_s").
  std::string str(const std::string& key) const;
  std::int64_t integer(const std::string& key) const;
  double real(const std::string& key) const;
  bool boolean(const std::string& key) const;
  // A "host:port" setting (web.listen, coordinator.listen), parsed by util/host_port; a value
  // that is not one throws ConfigError naming the key and what to write.
  HostPort address(const std::string& key) const;

  // Derived paths: data_dir, and settings that default to a file inside it when empty.
  std::filesystem::path data_dir() const;
  std::filesystem::path path_or(const std::string& key, const std::string& default_name) const;
  std::filesystem::path database_path() const { return path_or("database.path", "cmup.db"); }

  const std::vector<AccountConfig>& accounts() const { return accounts_; }
  const std::vector<ChannelConfig>& channels() const { return channels_; }
  std::optional<AccountConfig> account(const std::string& name) const;

  // Where each value came from ("default", the file path, or "env CMUP_X_Y"), for `cmup config`.
  std::string source_of(const std::string& key) const;

  // Replaces one value (tests, `--set key=value`); the type must match the default's.
  void set(const std::string& key, const std::string& value);
  void set_accounts(std::vector<AccountConfig> a) { accounts_ = std::move(a); }
  void set_channels(std::vector<ChannelConfig> c) { channels_ = std::move(c); }

 private:
  Config();
  void apply_env(char** env);
  struct Impl;  // holds the merged toml::table, so this header stays light
  std::unique_ptr<Impl> impl_;
  std::vector<AccountConfig> accounts_;
  std::vector<ChannelConfig> channels_;
};

// Upload size limit in bytes for an account kind (TELEGRAM.md): regular 2000 MiB,
// premium 4000 MiB, cloud_bot 50 MB, local_bot 2000 MB.
std::int64_t account_kind_limit(const std::string& kind);

}  // namespace cmup
