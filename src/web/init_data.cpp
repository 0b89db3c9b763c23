#include "web/init_data.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>

#include "util/hex.hpp"

namespace cmup::web {

namespace {

std::string hmac_sha256(std::string_view key, std::string_view msg) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::optional<std::int64_t> parse_int(const std::string& s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

InitDataCheck refuse(InitDataStatus s, std::string reason) {
  InitDataCheck c;
  c.status = s;
  c.reason = std::move(reason);
  return c;
}

}  // namespace

std::optional<std::map<std::string, std::string>> parse_query_string(std::string_view s) {
  std::map<std::string, std::string> out;
  if (s.empty()) return out;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    std::size_t amp = s.find('&', pos);
    if (amp == std::string_view::npos) amp = s.size();
    std::string_view pair = s.substr(pos, amp - pos);
    std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    auto key = url_decode(pair.substr(0, eq));
    auto value = url_decode(pair.substr(eq + 1));
    if (!key || !value || key->empty()) return std::nullopt;
    if (!out.emplace(std::move(*key), std::move(*value)).second) return std::nullopt;
    pos = amp + 1;
  }
  return out;
}

std::string data_check_string(const std::map<std::string, std::string>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {  // std::map iterates in key order: the sort Telegram asks for
    if (k == "hash") continue;
    if (!out.empty()) out.push_back('\n');
    out += k;
    out.push_back('=');
    out += v;
  }
  return out;
}

std::string init_data_hash(const std::map<std::string, std::string>& fields, std::string_view bot_token) {
  std::string secret = hmac_sha256("WebAppData", bot_token);
  return to_hex(hmac_sha256(secret, data_check_string(fields)));
}

std::string sign_init_data(const std::map<std::string, std::string>& fields, std::string_view bot_token) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (k == "hash") continue;
    out += url_encode(k) + "=" + url_encode(v) + "&";
  }
  return out + "hash=" + init_data_hash(fields, bot_token);
}

InitDataCheck validate_init_data(std::string_view raw, std::string_view bot_token, std::int64_t now_s,
                                 std::int64_t max_age_s) {
  if (raw.empty())
    return refuse(InitDataStatus::Missing, "no Telegram initData: open this page from the bot");
  if (raw.size() > kMaxInitDataBytes) return refuse(InitDataStatus::Malformed, "initData is too long");
  auto fields = parse_query_string(raw);
  if (!fields) return refuse(InitDataStatus::Malformed, "initData is not a valid query string");
  auto h = fields->find("hash");
  if (h == fields->end() || h->second.size() != 64)
    return refuse(InitDataStatus::NoHash, "initData has no valid hash");
  std::string expected = init_data_hash(*fields, bot_token);
  if (CRYPTO_memcmp(expected.data(), h->second.data(), expected.size()) != 0)
    return refuse(InitDataStatus::BadHash, "initData signature does not match");

  auto ad = fields->find("auth_date");
  auto auth_date = ad == fields->end() ? std::nullopt : parse_int(ad->second);
  if (!auth_date) return refuse(InitDataStatus::NoAuthDate, "initData has no valid auth_date");
  // A minute of clock skew between Telegram and this host is tolerated.
  if (*auth_date > now_s + 60)
    return refuse(InitDataStatus::FromFuture, "initData auth_date is in the future");
  if (now_s - *auth_date > max_age_s)
    return refuse(InitDataStatus::Expired, "initData has expired: reopen the Mini App from the bot");

  auto u = fields->find("user");
  if (u == fields->end()) return refuse(InitDataStatus::NoUser, "initData has no user");
  InitDataCheck c;
  try {
    auto j = nlohmann::json::parse(u->second);
    if (!j.is_object() || !j.contains("id") || !j["id"].is_number_integer() ||
        j["id"].get<std::int64_t>() <= 0)
      return refuse(InitDataStatus::NoUser, "initData user has no valid id");
    c.user.id = j["id"].get<std::int64_t>();
    if (j.contains("first_name") && j["first_name"].is_string()) c.user.first_name = j["first_name"];
    if (j.contains("username") && j["username"].is_string()) c.user.username = j["username"];
    if (j.contains("language_code") && j["language_code"].is_string())
      c.user.language_code = j["language_code"];
  } catch (const nlohmann::json::exception&) {
    return refuse(InitDataStatus::NoUser, "initData user is not valid JSON");
  }
  c.status = InitDataStatus::Ok;
  c.auth_date = *auth_date;
  if (auto sp = fields->find("start_param"); sp != fields->end()) c.start_param = sp->second;
  return c;
}

}  // namespace cmup::web
