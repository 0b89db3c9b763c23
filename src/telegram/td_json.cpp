#include "telegram/td_json.hpp"

#include <dlfcn.h>

#include <map>
#include <mutex>
#include <stdexcept>

#include "telegram/td_requests.hpp"

namespace cmup {

namespace {

class DlTdJson : public TdJson {
 public:
  explicit DlTdJson(const std::string& path) {
    // RTLD_LOCAL: TDLib's symbols stay out of the global namespace; it is never unloaded
    // (its threads outlive any one client).
    handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) {
      const char* err = dlerror();  // NOLINT(concurrency-mt-unsafe): glibc keeps it per thread
      throw std::runtime_error("cannot load TDLib from \"" + path + "\" (" + (err ? err : "unknown error") +
                               "): install libtdjson.so and set telegram.tdjson_path to its full path");
    }
    create_ = sym<int (*)()>("td_create_client_id", path);
    send_ = sym<void (*)(int, const char*)>("td_send", path);
    receive_ = sym<const char* (*)(double)>("td_receive", path);
    execute_ = sym<const char* (*)(const char*)>("td_execute", path);
    // Errors only, before the first client exists (TDLib logs each new client otherwise).
    execute_(td::set_log_verbosity_level(1).dump().c_str());
  }

  int create_client_id() override { return create_(); }
  void send(int client_id, const std::string& request) override { send_(client_id, request.c_str()); }
  std::optional<std::string> receive(double timeout_s) override {
    const char* r = receive_(timeout_s);
    if (!r) return std::nullopt;
    return std::string(r);  // TDLib frees the buffer at the next call
  }
  std::string execute(const std::string& request) override {
    const char* r = execute_(request.c_str());
    return r ? std::string(r) : std::string();
  }

 private:
  template <typename F>
  F sym(const char* name, const std::string& path) {
    void* p = dlsym(handle_, name);
    if (!p)
      throw std::runtime_error("\"" + path + "\" has no " + name +
                               ": it is not TDLib's JSON library (libtdjson.so 1.8 or newer is needed)");
    return reinterpret_cast<F>(p);
  }
  void* handle_ = nullptr;
  int (*create_)() = nullptr;
  void (*send_)(int, const char*) = nullptr;
  const char* (*receive_)(double) = nullptr;
  const char* (*execute_)(const char*) = nullptr;
};

}  // namespace

std::shared_ptr<TdJson> load_tdjson(const std::string& path) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<TdJson>> loaded;
  std::lock_guard lock(mu);
  auto& slot = loaded[path];
  if (!slot) slot = std::make_shared<DlTdJson>(path);
  return slot;
}

}  // namespace cmup
