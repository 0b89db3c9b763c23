#include <gtest/gtest.h>

#include "web/init_data.hpp"

namespace cmup::web {
namespace {

constexpr const char* kToken = "123456:TEST-bot-token";
constexpr std::int64_t kNow = 1760000000;

std::map<std::string, std::string> fields(std::int64_t auth_date = kNow - 10) {
  return {{"query_id", "AAHdF6IQAAAAAN0XohDhrOrc"},
          {"user", R"({"id":279058397,"first_name":"Vlad","username":"vdkfrost","language_code":"ru"})"},
          {"auth_date", std::to_string(auth_date)}};
}

TEST(InitData, CorrectlySignedIsAccepted) {
  auto raw = sign_init_data(fields(), kToken);
  auto c = validate_init_data(raw, kToken, kNow, 86400);
  ASSERT_TRUE(c.ok()) << c.reason;
  EXPECT_EQ(c.user.id, 279058397);
  EXPECT_EQ(c.user.username, "vdkfrost");
  EXPECT_EQ(c.auth_date, kNow - 10);
}

TEST(InitData, DataCheckStringIsSortedDecodedAndSkipsOnlyHash) {
  std::map<std::string, std::string> f = {
      {"user", R"({"id":1})"}, {"auth_date", "5"}, {"signature", "sig"}, {"hash", "x"}, {"chat_type", "a b"}};
  EXPECT_EQ(data_check_string(f), "auth_date=5\nchat_type=a b\nsignature=sig\nuser={\"id\":1}");
}

TEST(InitData, SignatureFieldStaysInTheCheckedData) {
  auto f = fields();
  f["signature"] = "c2lnbmF0dXJl";
  auto raw = sign_init_data(f, kToken);
  EXPECT_TRUE(validate_init_data(raw, kToken, kNow, 86400).ok());
  // Removing it changes the data_check_string, so the hash no longer matches.
  auto pos = raw.find("signature=");
  std::string without = raw.substr(0, pos) + raw.substr(raw.find('&', pos) + 1);
  EXPECT_EQ(validate_init_data(without, kToken, kNow, 86400).status, InitDataStatus::BadHash);
}

TEST(InitData, ForgedUserIsRefused) {
  auto raw = sign_init_data(fields(), kToken);
  auto pos = raw.find("279058397");
  ASSERT_NE(pos, std::string::npos);
  raw.replace(pos, 9, "279058398");
  EXPECT_EQ(validate_init_data(raw, kToken, kNow, 86400).status, InitDataStatus::BadHash);
}

TEST(InitData, SignedWithAnotherBotTokenIsRefused) {
  auto raw = sign_init_data(fields(), "999:OTHER");
  EXPECT_EQ(validate_init_data(raw, kToken, kNow, 86400).status, InitDataStatus::BadHash);
}

TEST(InitData, HashOfWrongLengthOrCaseIsRefused) {
  auto raw = sign_init_data(fields(), kToken);
  EXPECT_EQ(validate_init_data(raw + "00", kToken, kNow, 86400).status, InitDataStatus::NoHash);
  auto pos = raw.find("hash=") + 5;
  std::string upper = raw;
  for (std::size_t i = pos; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  EXPECT_FALSE(validate_init_data(upper, kToken, kNow, 86400).ok());
}

TEST(InitData, ExpiredIsRefused) {
  auto raw = sign_init_data(fields(kNow - 86401), kToken);
  EXPECT_EQ(validate_init_data(raw, kToken, kNow, 86400).status, InitDataStatus::Expired);
  EXPECT_TRUE(validate_init_data(raw, kToken, kNow, 90000).ok());
}

TEST(InitData, FromTheFutureIsRefused) {
  auto raw = sign_init_data(fields(kNow + 3600), kToken);
  EXPECT_EQ(validate_init_data(raw, kToken, kNow, 86400).status, InitDataStatus::FromFuture);
}

TEST(InitData, MissingFieldsAreRefused) {
  EXPECT_EQ(validate_init_data("", kToken, kNow, 86400).status, InitDataStatus::Missing);
  auto no_hash = fields();
  std::string raw = sign_init_data(no_hash, kToken);
  EXPECT_EQ(validate_init_data(raw.substr(0, raw.find("&hash=")), kToken, kNow, 86400).status,
            InitDataStatus::NoHash);

  auto no_auth = fields();
  no_auth.erase("auth_date");
  EXPECT_EQ(validate_init_data(sign_init_data(no_auth, kToken), kToken, kNow, 86400).status,
            InitDataStatus::NoAuthDate);

  auto no_user = fields();
  no_user.erase("user");
  EXPECT_EQ(validate_init_data(sign_init_data(no_user, kToken), kToken, kNow, 86400).status, InitDataStatus::NoUser);

  auto bad_user = fields();
  bad_user["user"] = R"({"first_name":"no id"})";
  EXPECT_EQ(validate_init_data(sign_init_data(bad_user, kToken), kToken, kNow, 86400).status, InitDataStatus::NoUser);
  bad_user["user"] = "not json";
  EXPECT_EQ(validate_init_data(sign_init_data(bad_user, kToken), kToken, kNow, 86400).status, InitDataStatus::NoUser);

  auto bad_date = fields();
  bad_date["auth_date"] = "yesterday";
  EXPECT_EQ(validate_init_data(sign_init_data(bad_date, kToken), kToken, kNow, 86400).status,
            InitDataStatus::NoAuthDate);
}

TEST(InitData, MalformedQueryStringsAreRefused) {
  for (std::string raw : {"a=1&a=2", "novalue", "=x", "a=%zz", "a=%4", "a=1&&b=2"})
    EXPECT_EQ(validate_init_data(raw, kToken, kNow, 86400).status, InitDataStatus::Malformed) << raw;
  EXPECT_EQ(validate_init_data(std::string(kMaxInitDataBytes + 1, 'a'), kToken, kNow, 86400).status,
            InitDataStatus::Malformed);
}

TEST(InitData, UrlEncodingRoundTrips) {
  std::string s = "a b&c=d/é%+";
  EXPECT_EQ(url_decode(url_encode(s)), s);
  EXPECT_EQ(url_decode("a+b%20c"), "a b c");
  auto f = parse_query_string("x=1&y=%7B%22id%22%3A1%7D");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->at("y"), R"({"id":1})");
}

}  // namespace
}  // namespace cmup::web
