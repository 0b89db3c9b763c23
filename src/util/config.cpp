#include "util/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "util/embedded.hpp"

extern char** environ;

namespace cmup {

struct Config::Impl {
  toml::table table;
  std::map<std::string, std::string> sources;
};

namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Visits every leaf value (not arrays of tables) with its dotted key.
template <typename F>
void for_each_leaf(const toml::table& t, const std::string& prefix, F&& f) {
  for (const auto& [k, v] : t) {
    std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = v.as_table()) {
      for_each_leaf(*sub, key, f);
    } else if (!v.is_array_of_tables()) {
      f(key, v);
    }
  }
}

const toml::node* find(const toml::table& t, const std::string& key) {
  return t.at_path(key).node();
}

// Parses `text` as a value of the same type as `like`; throws ConfigError otherwise.
void assign_from_string(toml::table& root, const std::string& key, const toml::node& like,
                        const std::string& text, const std::string& source) {
  auto bad = [&](const char* want) {
    throw ConfigError(source + ": " + key + " must be " + want + ", got \"" + text + "\"");
  };
  auto dot = key.rfind('.');
  toml::table* parent = &root;
  if (dot != std::string::npos) parent = root.at_path(key.substr(0, dot)).as_table();
  if (!parent) bad("inside a table");
  std::string leaf = dot == std::string::npos ? key : key.substr(dot + 1);
  if (like.is_string()) {
    parent->insert_or_assign(leaf, text);
  } else if (like.is_integer()) {
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE) bad("an integer");
    parent->insert_or_assign(leaf, static_cast<std::int64_t>(v));
  } else if (like.is_floating_point()) {
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0') bad("a number");
    parent->insert_or_assign(leaf, v);
  } else if (like.is_boolean()) {
    std::string l = text;
    std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
    if (l == "true" || l == "1" || l == "yes") {
      parent->insert_or_assign(leaf, true);
    } else if (l == "false" || l == "0" || l == "no") {
      parent->insert_or_assign(leaf, false);
    } else {
      bad("true or false");
    }
  } else {
    bad("a plain value");
  }
}

const char* type_name(const toml::node& n) {
  if (n.is_string()) return "a string";
  if (n.is_integer()) return "an integer";
  if (n.is_floating_point()) return "a number";
  if (n.is_boolean()) return "true or false";
  if (n.is_table()) return "a table";
  return "a list";
}

std::string node_as_string(const toml::node& n) {
  if (auto s = n.value_exact<std::string>()) return *s;
  if (auto i = n.value_exact<std::int64_t>()) return std::to_string(*i);
  if (auto d = n.value_exact<double>()) {
    std::ostringstream os;
    os << *d;
    return os.str();
  }
  if (auto b = n.value_exact<bool>()) return *b ? "true" : "false";
  return "";
}

}  // namespace

Config::Config() : impl_(std::make_unique<Impl>()) {}
Config::Config(const Config& o)
    : impl_(std::make_unique<Impl>(*o.impl_)), accounts_(o.accounts_), channels_(o.channels_) {}
Config& Config::operator=(const Config& o) {
  if (this != &o) {
    impl_ = std::make_unique<Impl>(*o.impl_);
    accounts_ = o.accounts_;
    channels_ = o.channels_;
  }
  return *this;
}
Config::Config(Config&&) noexcept = default;
Config& Config::operator=(Config&&) noexcept = default;
Config::~Config() = default;

Config Config::defaults() {
  Config c;
  try {
    c.impl_->table = toml::parse(embedded::default_config(), std::string("defaults"));
  } catch (const toml::parse_error& e) {
    throw std::logic_error(std::string("embedded default config does not parse: ") +
                           std::string(e.description()));
  }
  for_each_leaf(c.impl_->table, "", [&](const std::string& k, const toml::node&) {
    c.impl_->sources[k] = "default";
  });
  return c;
}

namespace {

std::vector<AccountConfig> read_accounts(const toml::table& t, const std::string& source) {
  std::vector<AccountConfig> out;
  const auto* arr = t["accounts"].as_array();
  if (!arr) return out;
  for (const auto& node : *arr) {
    const auto* a = node.as_table();
    if (!a) throw ConfigError(source + ": every [[accounts]] entry must be a table");
    AccountConfig ac;
    for (const auto& [k, v] : *a) {
      std::string key(k.str());
      std::string val = node_as_string(v);
      if (key == "name") ac.name = val;
      else if (key == "backend") ac.backend = val;
      else if (key == "kind") ac.kind = val;
      else if (key == "token") ac.token = val;
      else if (key == "api_url") ac.api_url = val;
      else if (key == "max_upload_bytes") ac.max_upload_bytes = v.value<std::int64_t>().value_or(-1);
      else if (key == "concurrency") ac.concurrency = static_cast<int>(v.value<std::int64_t>().value_or(-1));
      else ac.extra[key] = val;
    }
    auto valid_name = !ac.name.empty() && ac.name.size() <= 32 &&
                      std::all_of(ac.name.begin(), ac.name.end(), [](char c) {
                        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
                      });
    if (!valid_name)
      throw ConfigError(source + ": account name \"" + ac.name + "\" must be 1-32 of a-z 0-9 _ -");
    if (ac.backend.empty()) ac.backend = "botapi";
    if (ac.backend != "botapi" && ac.backend != "tdlib")
      throw ConfigError(source + ": account " + ac.name + ": backend must be \"botapi\" or \"tdlib\"");
    if (ac.kind.empty()) ac.kind = ac.backend == "tdlib" ? "regular" : "local_bot";
    if (account_kind_limit(ac.kind) == 0)
      throw ConfigError(source + ": account " + ac.name +
                        ": kind must be regular, premium, cloud_bot or local_bot");
    if (ac.max_upload_bytes < 0) throw ConfigError(source + ": account " + ac.name + ": bad max_upload_bytes");
    if (ac.concurrency < 1) throw ConfigError(source + ": account " + ac.name + ": concurrency must be >= 1");
    for (const auto& other : out)
      if (other.name == ac.name) throw ConfigError(source + ": account " + ac.name + " is listed twice");
    out.push_back(std::move(ac));
  }
  return out;
}

std::vector<ChannelConfig> read_channels(const toml::table& t, const std::string& source) {
  std::vector<ChannelConfig> out;
  const auto* arr = t["channels"].as_array();
  if (!arr) return out;
  for (const auto& node : *arr) {
    const auto* c = node.as_table();
    if (!c) throw ConfigError(source + ": every [[channels]] entry must be a table");
    ChannelConfig cc;
    cc.chat_id = (*c)["chat_id"].value<std::int64_t>().value_or(0);
    cc.kind = (*c)["kind"].value<std::string>().value_or("");
    if (cc.chat_id == 0) throw ConfigError(source + ": a [[channels]] entry needs an integer chat_id");
    if (cc.kind != "movie" && cc.kind != "tv")
      throw ConfigError(source + ": channel " + std::to_string(cc.chat_id) + ": kind must be movie or tv");
    out.push_back(cc);
  }
  return out;
}

}  // namespace

Config Config::load(const std::filesystem::path& path, bool required, char** env) {
  Config c = defaults();
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    toml::table file;
    try {
      file = toml::parse_file(path.string());
    } catch (const toml::parse_error& e) {
      std::ostringstream os;
      os << path.string() << ":" << e.source().begin.line << ": " << e.description();
      throw ConfigError(os.str());
    }
    for_each_leaf(file, "", [&](const std::string& key, const toml::node& v) {
      const toml::node* def = find(c.impl_->table, key);
      if (!def) throw ConfigError(path.string() + ": unknown setting " + key + " (see `cmup init`)");
      if (def->type() != v.type() && !(def->is_floating_point() && v.is_integer()))
        throw ConfigError(path.string() + ": " + key + " must be " + type_name(*def));
      assign_from_string(c.impl_->table, key, *def, node_as_string(v), path.string());
      c.impl_->sources[key] = path.string();
    });
    c.accounts_ = read_accounts(file, path.string());
    c.channels_ = read_channels(file, path.string());
  } else if (required) {
    throw ConfigError("config file " + path.string() + " not found (create one with `cmup init`)");
  }
  c.apply_env(env ? env : environ);
  return c;
}

void Config::apply_env(char** env) {
  std::map<std::string, std::string> vars;
  for (char** e = env; e && *e; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq == std::string::npos || kv.rfind("CMUP_", 0) != 0) continue;
    vars[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  if (vars.empty()) return;
  std::vector<std::pair<std::string, const toml::node*>> leaves;
  for_each_leaf(impl_->table, "", [&](const std::string& k, const toml::node& v) { leaves.emplace_back(k, &v); });
  for (const auto& [key, node] : leaves) {
    std::string name = "CMUP_" + upper(key);
    std::replace(name.begin(), name.end(), '.', '_');
    auto it = vars.find(name);
    if (it == vars.end()) continue;
    // The current value has the default's type (the file was checked against it).
    assign_from_string(impl_->table, key, *node, it->second, "env " + name);
    impl_->sources[key] = "env " + name;
  }
  // Secrets of accounts: CMUP_ACCOUNT_<NAME>_TOKEN (name upper-cased, '-' as '_').
  for (auto& a : accounts_) {
    std::string n = upper(a.name);
    std::replace(n.begin(), n.end(), '-', '_');
    auto it = vars.find("CMUP_ACCOUNT_" + n + "_TOKEN");
    if (it != vars.end()) a.token = it->second;
  }
}

namespace {
const toml::node& need(const toml::table& t, const std::string& key) {
  const toml::node* n = t.at_path(key).node();
  if (!n) throw std::logic_error("config key " + key + " is not in the defaults (config/*.toml)");
  return *n;
}
}  // namespace

std::string Config::str(const std::string& key) const {
  auto v = need(impl_->table, key).value<std::string>();
  if (!v) throw std::logic_error("config key " + key + " is not a string");
  return *v;
}
std::int64_t Config::integer(const std::string& key) const {
  auto v = need(impl_->table, key).value<std::int64_t>();
  if (!v) throw std::logic_error("config key " + key + " is not an integer");
  return *v;
}
double Config::real(const std::string& key) const {
  auto v = need(impl_->table, key).value<double>();
  if (!v) throw std::logic_error("config key " + key + " is not a number");
  return *v;
}
HostPort Config::address(const std::string& key) const {
  try {
    return parse_host_port(str(key));
  } catch (const std::invalid_argument& e) {
    throw ConfigError(key + ": " + e.what());
  }
}
bool Config::boolean(const std::string& key) const {
  auto v = need(impl_->table, key).value<bool>();
  if (!v) throw std::logic_error("config key " + key + " is not a boolean");
  return *v;
}

std::filesystem::path Config::data_dir() const { return str("general.data_dir"); }

std::filesystem::path Config::path_or(const std::string& key, const std::string& default_name) const {
  std::string v = str(key);
  if (!v.empty()) return v;
  return data_dir() / default_name;
}

std::optional<AccountConfig> Config::account(const std::string& name) const {
  for (const auto& a : accounts_)
    if (a.name == name) return a;
  return std::nullopt;
}

std::string Config::source_of(const std::string& key) const {
  auto it = impl_->sources.find(key);
  return it == impl_->sources.end() ? "" : it->second;
}

void Config::set(const std::string& key, const std::string& value) {
  const toml::node& def = need(impl_->table, key);
  assign_from_string(impl_->table, key, def, value, "set");
  impl_->sources[key] = "set";
}

std::int64_t account_kind_limit(const std::string& kind) {
  constexpr std::int64_t MiB = std::int64_t{1024} * 1024;
  if (kind == "regular") return 2000 * MiB;     // 4000 parts x 512 KiB
  if (kind == "premium") return 4000 * MiB;     // 8000 parts x 512 KiB
  if (kind == "cloud_bot") return 50'000'000;   // cloud Bot API multipart cap
  // Self-hosted telegram-bot-api --local: documented as 2000 MB; decimal is the safe reading.
  if (kind == "local_bot") return 2'000'000'000;
  return 0;
}

}  // namespace cmup
