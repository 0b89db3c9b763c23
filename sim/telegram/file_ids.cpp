#include "file_ids.hpp"

#include <openssl/evp.h>

#include <stdexcept>
#include <vector>

namespace cmup::simtg {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// base64url without padding, like Telegram's ids.
std::string b64url(const std::vector<unsigned char>& in) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 0x3f];
  return out;
}

std::optional<std::vector<unsigned char>> unb64url(const std::string& in) {
  std::vector<unsigned char> out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const char* p = std::char_traits<char>::find(kAlphabet, 64, c);
    if (!p) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(p - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<unsigned char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

void put64(std::vector<unsigned char>& v, std::int64_t x) {
  for (int i = 7; i >= 0; --i) v.push_back(static_cast<unsigned char>((static_cast<std::uint64_t>(x) >> (i * 8)) & 0xff));
}
std::int64_t get64(const std::vector<unsigned char>& v, std::size_t at) {
  std::uint64_t x = 0;
  for (std::size_t i = 0; i < 8; ++i) x = (x << 8) | v[at + i];
  return static_cast<std::int64_t>(x);
}

// Four bytes of sha256 over the payload: catches altered or foreign strings.
std::vector<unsigned char> check_bytes(const std::vector<unsigned char>& payload) {
  const std::string h = sha256_hex(std::string(payload.begin(), payload.end()) + "cmup-sim-file-id");
  std::vector<unsigned char> out;
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<unsigned char>(std::stoi(h.substr(i * 2, 2), nullptr, 16)));
  return out;
}

constexpr unsigned char kFileIdVersion = 0x42;

}  // namespace

std::string make_file_id(std::int64_t bot_id, std::int64_t file_seq) {
  std::vector<unsigned char> payload{kFileIdVersion};
  put64(payload, bot_id);
  put64(payload, file_seq);
  auto check = check_bytes(payload);
  payload.insert(payload.end(), check.begin(), check.end());
  return "BAAC" + b64url(payload);
}

std::optional<FileIdParts> parse_file_id(const std::string& file_id) {
  if (file_id.size() < 5 || file_id.compare(0, 4, "BAAC") != 0) return std::nullopt;
  auto raw = unb64url(file_id.substr(4));
  if (!raw || raw->size() != 21 || (*raw)[0] != kFileIdVersion) return std::nullopt;
  std::vector<unsigned char> payload(raw->begin(), raw->begin() + 17);
  std::vector<unsigned char> check(raw->begin() + 17, raw->end());
  if (check != check_bytes(payload)) return std::nullopt;
  return FileIdParts{get64(payload, 1), get64(payload, 9)};
}

std::string make_file_unique_id(std::int64_t file_seq) {
  std::vector<unsigned char> payload;
  put64(payload, file_seq);
  return "AgAD" + b64url(payload);
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("sha256 init failed");
  }
}
Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }
void Sha256::update(const char* data, std::size_t len) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data, len);
}
std::string Sha256::hex_digest() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), md, &n);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 0xf];
  }
  return out;
}
std::string sha256_hex(const std::string& bytes) {
  Sha256 h;
  h.update(bytes.data(), bytes.size());
  return h.hex_digest();
}

}  // namespace cmup::simtg
