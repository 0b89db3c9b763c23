#include "catalog/quality_rules.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace cmup {

namespace {

// Token patterns (space-separated alternatives):
//   word     the token equals word
//   word#    word followed by nothing or digits only ("1080p", "1080p60")
//   word*    the token starts with word ("xvid" in "xvidvd")
//   %word    the token ends with word and is longer ("msd", "ctrlsd", "amazonsd")
//   a+b      consecutive tokens ("full+hd")
//   <dims>   WIDTHxHEIGHT ("1920x1080", also written 1920*720 or 1920 x 1080); the quality
//            follows the width, so cropped widescreen (1920x800) stays 1080P
//   <bare>   a bare 720 or 1080 right after a source word ("BRrip 720") or right before a
//            codec word ("[720.Hi10p]"); alone it is too often a title or a number
struct Rule {
  std::string_view name;
  int tier;
  Quality quality;
  std::string_view tokens;
};

// Tier 1: resolutions written out. Tier 2: words for a resolution class. Tier 3: words for
// an SD source or codec (DVD, PAL, XviD, tags such as "CtrlSD"). Tier 4: "HDTV"/"HD", which
// an SD codec overrides ("HDTV.XviD" is an SD capture). Lower tiers win; see the header.
constexpr std::array kRules{
    Rule{"resolution-2160p", 1, Quality::Q2160P, "2160p# 4320p# 2160i#"},
    Rule{"resolution-1440p", 1, Quality::Q1440P, "1440p# 1440i#"},
    Rule{"resolution-1080p", 1, Quality::Q1080P, "1080p# 1080i#"},
    Rule{"resolution-720p", 1, Quality::Q720P, "720p# 720i# 960p#"},
    Rule{"resolution-576p", 1, Quality::Q576P, "576p# 576i#"},
    Rule{"resolution-480p", 1, Quality::Q480P, "480p# 480i# 360p# 240p#"},
    Rule{"dimensions", 1, Quality::Unknown, "<dims>"},
    Rule{"bare-resolution", 1, Quality::Unknown, "<bare>"},
    Rule{"word-4k", 2, Quality::Q2160P, "4k uhd uhdtv 8k 4kuhd uhd4k"},
    Rule{"word-1440p", 2, Quality::Q1440P, "qhd wqhd"},
    Rule{"word-1080p", 2, Quality::Q1080P, "fhd fullhd full+hd"},
    Rule{"word-hr-pdtv", 2, Quality::Q720P, "hr+ws+pdtv hr+pdtv"},
    Rule{"source-sd", 3, Quality::Q480P,
         "sd sdtv dvd dvdrip dvdr mdvdr dvd5 dvd9 dvdscr dvdscreener pdtv tvrip dsr dsrip satrip vhsrip pal "
         "ntsc"},
    Rule{"codec-sd", 3, Quality::Q480P, "xvid* divx* %sd"},
    Rule{"source-hdtv", 4, Quality::Q720P, "hdtv hd"},
};
constexpr int kLastTier = 4;

// Source words a bare resolution may follow, and codec words it may precede (<bare>), and
// the source words that may be glued to a resolution ("Bluray720p", "BD1080p").
constexpr std::string_view kSourceWords[]{
    "bluray", "blu",  "ray",   "bd",    "bdrip", "brrip",  "bdremux", "remux", "webdl", "webrip", "web",
    "dl",     "hdtv", "hdrip", "hddvd", "dvd",   "dvdrip", "tvrip",   "uhd",   "fhd",   "hd",     "mbluray"};
constexpr std::string_view kCodecWords[]{"hi10p", "hi10", "10bit", "8bit", "x264", "x265", "h264", "h265",
                                         "hevc",  "avc",  "xvid",  "divx", "aac",  "ac3",  "flac"};

// Phrases whose quality-looking words describe something else (the master, the audio):
// the tokens marked '!' are dropped before the rules run.
// Release names and URLs are short; longer hints are read up to here.
constexpr std::size_t kMaxHintBytes = 4096;

constexpr std::string_view kNotQualityPhrases[]{
    "!4k+remaster*", "!4k+restor*", "!4k+scan*", "!4k+master*", "remaster*+in+!4k", "restored+in+!4k",
    "!4k+transfer*", "from+!4k", "dts+!hd", "!hd+ma", "!hd+audio",
    // "4Kto1080p", "720p.Upscaled.To.1080p": the file has the last resolution.
    "!<res>+to+<res>", "!<res>+upscaled+to+<res>", "!<res>+upscale+to+<res>"};

struct Token {
  std::string text;
  bool dropped = false;
};

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool is_dim_number(std::string_view s) { return s.size() >= 3 && s.size() <= 4 && all_digits(s); }

// A frame size written with another separator than 'x' ("1280*720", "1280×720"): the
// separator's length at s[i], or 0.
std::size_t dims_separator_at(std::string_view s, std::size_t i) {
  if (s[i] == '*') return 1;
  if (static_cast<unsigned char>(s[i]) == 0xC3 && i + 1 < s.size() &&
      static_cast<unsigned char>(s[i + 1]) == 0x97)
    return 2;  // U+00D7 MULTIPLICATION SIGN
  return 0;
}

std::vector<Token> split_tokens(std::string_view s) {
  std::vector<Token> out;
  std::string cur;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (std::isalnum(c) && c < 0x80) {
      cur.push_back(static_cast<char>(std::tolower(c)));
      continue;
    }
    if (std::size_t n = dims_separator_at(s, i); n > 0 && is_dim_number(cur) && i + n < s.size() &&
                                                 std::isdigit(static_cast<unsigned char>(s[i + n]))) {
      cur.push_back('x');
      i += n - 1;
      continue;
    }
    if (!cur.empty()) {
      out.push_back({std::move(cur)});
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back({std::move(cur)});
  return out;
}

bool in_list(std::string_view tok, const auto& list) {
  return std::find(std::begin(list), std::end(list), tok) != std::end(list);
}

// "720p", "1080i60", "4k": a token that names a resolution by itself.
bool is_resolution_word(std::string_view t) {
  auto digits = t.find_first_not_of("0123456789");
  if (digits >= 3 && digits <= 4 && digits != std::string_view::npos &&
      (t[digits] == 'p' || t[digits] == 'i'))
    return all_digits(t.substr(digits + 1));
  return t == "4k" || t == "8k" || t == "2k" || t == "uhd" || t == "fhd";
}

// Tokens glued in release names: "bluray720p" -> bluray 720p, "4kto1080p" -> 4k to 1080p.
void unglue(std::vector<Token>& toks) {
  std::vector<Token> out;
  out.reserve(toks.size());
  for (auto& t : toks) {
    std::string_view s = t.text;
    bool split = false;
    if (auto to = s.find("to"); to != std::string_view::npos && to > 0 &&
                                is_resolution_word(s.substr(0, to)) && is_resolution_word(s.substr(to + 2))) {
      out.push_back({std::string(s.substr(0, to))});
      out.push_back({"to"});
      out.push_back({std::string(s.substr(to + 2))});
      split = true;
    } else if (auto d = s.find_first_of("0123456789"); d != std::string_view::npos && d > 0 &&
                                                       in_list(s.substr(0, d), kSourceWords) &&
                                                       is_resolution_word(s.substr(d))) {
      out.push_back({std::string(s.substr(0, d))});
      out.push_back({std::string(s.substr(d))});
      split = true;
    }
    if (!split) out.push_back(std::move(t));
  }
  toks = std::move(out);
}

// "1920 x 1080" written with spaces: one token, as "1920x1080".
void join_spaced_dims(std::vector<Token>& toks) {
  std::vector<Token> out;
  out.reserve(toks.size());
  for (std::size_t i = 0; i < toks.size(); ++i) {
    if (i + 2 < toks.size() && is_dim_number(toks[i].text) && toks[i + 1].text == "x" &&
        is_dim_number(toks[i + 2].text)) {
      out.push_back({toks[i].text + "x" + toks[i + 2].text});
      i += 2;
    } else {
      out.push_back(std::move(toks[i]));
    }
  }
  toks = std::move(out);
}

std::vector<Token> tokenize(std::string_view s) {
  auto toks = split_tokens(s);
  join_spaced_dims(toks);
  unglue(toks);
  return toks;
}

bool token_matches(std::string_view tok, std::string_view pat) {
  if (!pat.empty() && pat.front() == '!') pat.remove_prefix(1);
  if (pat == "<res>") return is_resolution_word(tok);
  if (!pat.empty() && pat.front() == '%') {
    pat.remove_prefix(1);
    return tok.size() > pat.size() && tok.substr(tok.size() - pat.size()) == pat;
  }
  if (!pat.empty() && pat.back() == '#') {
    pat.remove_suffix(1);
    return tok.substr(0, pat.size()) == pat && all_digits(tok.substr(pat.size()));
  }
  if (!pat.empty() && pat.back() == '*') {
    pat.remove_suffix(1);
    return tok.substr(0, pat.size()) == pat;
  }
  return tok == pat;
}

// Splits "a+b" into its parts.
std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  while (true) {
    auto p = s.find(sep);
    if (p == std::string_view::npos) {
      if (!s.empty()) parts.push_back(s);
      return parts;
    }
    if (p > 0) parts.push_back(s.substr(0, p));
    s.remove_prefix(p + 1);
  }
}

bool phrase_at(const std::vector<Token>& toks, size_t i, const std::vector<std::string_view>& parts) {
  if (i + parts.size() > toks.size()) return false;
  for (size_t k = 0; k < parts.size(); ++k)
    if (toks[i + k].dropped || !token_matches(toks[i + k].text, parts[k])) return false;
  return true;
}

void drop_master_phrases(std::vector<Token>& toks) {
  static const auto phrases = [] {
    std::vector<std::vector<std::string_view>> out;
    for (auto phrase : kNotQualityPhrases) out.push_back(split(phrase, '+'));
    return out;
  }();
  for (const auto& parts : phrases) {
    for (size_t i = 0; i < toks.size(); ++i) {
      if (!phrase_at(toks, i, parts)) continue;
      for (size_t k = 0; k < parts.size(); ++k)
        if (parts[k].front() == '!') toks[i + k].dropped = true;
    }
  }
}

std::optional<Quality> dims_quality(std::string_view tok) {
  auto x = tok.find('x');
  if (x == std::string_view::npos || x == 0 || x + 1 >= tok.size()) return std::nullopt;
  auto w = tok.substr(0, x), h = tok.substr(x + 1);
  if (!all_digits(w) || !all_digits(h) || w.size() < 3 || w.size() > 4 || h.size() < 3 || h.size() > 4)
    return std::nullopt;
  int width = std::stoi(std::string(w)), height = std::stoi(std::string(h));
  if (width < height) return std::nullopt;  // not a video frame
  if (width >= 3200) return Quality::Q2160P;
  if (width >= 2200) return Quality::Q1440P;
  if (width >= 1700) return Quality::Q1080P;
  if (width >= 1100) return Quality::Q720P;
  if (height == 576) return Quality::Q576P;
  return Quality::Q480P;
}

// The leftmost match of one rule: (token index, quality).
// A rule with its alternatives split into token phrases once (the import calls the rules
// for every source, so nothing is parsed or allocated per call).
struct CompiledRule {
  const Rule* rule;
  bool dims;
  bool bare;
  std::vector<std::vector<std::string_view>> phrases;
};

const std::vector<CompiledRule>& compiled_rules() {
  static const std::vector<CompiledRule> rules = [] {
    std::vector<CompiledRule> out;
    for (const auto& r : kRules) {
      CompiledRule c{&r, r.tokens == "<dims>", r.tokens == "<bare>", {}};
      if (!c.dims && !c.bare)
        for (auto alt : split(r.tokens, ' ')) c.phrases.push_back(split(alt, '+'));
      out.push_back(std::move(c));
    }
    return out;
  }();
  return rules;
}

// Whether rule `c` matches at token i; the quality when it does.
std::optional<Quality> bare_quality(const std::vector<Token>& toks, size_t i) {
  const auto& t = toks[i].text;
  if (t != "720" && t != "1080") return std::nullopt;
  bool after_source = i > 0 && in_list(toks[i - 1].text, kSourceWords);
  bool before_codec = i + 1 < toks.size() && in_list(toks[i + 1].text, kCodecWords);
  if (!after_source && !before_codec) return std::nullopt;
  return t == "720" ? Quality::Q720P : Quality::Q1080P;
}

std::optional<Quality> match_at(const std::vector<Token>& toks, size_t i, const CompiledRule& c) {
  if (c.dims) return toks[i].dropped ? std::nullopt : dims_quality(toks[i].text);
  if (c.bare) return toks[i].dropped ? std::nullopt : bare_quality(toks, i);
  for (const auto& parts : c.phrases)
    if (phrase_at(toks, i, parts)) return c.rule->quality;
  return std::nullopt;
}

std::string to_lower_trimmed(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  std::string out(s.substr(b, e - b + 1));
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The part of a URL that names the file (path and query), percent-decoded: the host is
// skipped because "4k.cdn.example" says nothing about the file.
std::string url_hint(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme != std::string_view::npos) {
    url.remove_prefix(scheme + 3);
    auto slash = url.find_first_of("/?#");
    url.remove_prefix(slash == std::string_view::npos ? url.size() : slash);
  }
  std::string out;
  out.reserve(url.size());
  for (size_t i = 0; i < url.size(); ++i) {
    if (url[i] == '%' && i + 2 < url.size() && hex_value(url[i + 1]) >= 0 && hex_value(url[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(url[i + 1]) * 16 + hex_value(url[i + 2])));
      i += 2;
    } else {
      out.push_back(url[i] == '+' ? ' ' : url[i]);
    }
  }
  return out;
}

}  // namespace

std::string_view quality_from_name(QualityFrom f) {
  switch (f) {
    case QualityFrom::Explicit:
      return "explicit";
    case QualityFrom::Label:
      return "label";
    case QualityFrom::Url:
      return "url";
    case QualityFrom::None:
      break;
  }
  return "none";
}

std::optional<QualityMatch> match_quality_rules(std::string_view text) {
  auto toks = tokenize(text.substr(0, kMaxHintBytes));
  if (toks.empty()) return std::nullopt;
  drop_master_phrases(toks);
  const auto& rules = compiled_rules();
  for (int tier = 1; tier <= kLastTier; ++tier)
    for (size_t i = 0; i < toks.size(); ++i)  // leftmost token first
      for (const auto& c : rules)
        if (c.rule->tier == tier)
          if (auto q = match_at(toks, i, c)) return QualityMatch{*q, c.rule->name};
  return std::nullopt;
}

std::optional<Quality> quality_from_explicit(std::string_view field) {
  auto f = to_lower_trimmed(field.substr(0, 256));
  if (f.empty()) return std::nullopt;
  std::string upper = f;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (auto q = quality_from_label(upper); q && *q != Quality::Unknown) return q;
  if (all_digits(f) && f.size() <= 5) {
    int h = std::stoi(f);
    if (h >= 2160) return Quality::Q2160P;
    if (h == 1440) return Quality::Q1440P;
    if (h == 1080) return Quality::Q1080P;
    if (h == 720) return Quality::Q720P;
    if (h == 576) return Quality::Q576P;
    if (h >= 144 && h <= 480) return Quality::Q480P;
    return std::nullopt;
  }
  if (auto m = match_quality_rules(f)) return m->quality;
  return std::nullopt;
}

Quality infer_quality(std::string_view hint) {
  if (hint.find("://") != std::string_view::npos) {
    auto m = match_quality_rules(url_hint(hint));
    return m ? m->quality : Quality::Unknown;
  }
  if (auto q = quality_from_explicit(hint)) return *q;
  if (auto m = match_quality_rules(hint)) return m->quality;
  return Quality::Unknown;
}

InferredQuality infer_source_quality(std::optional<std::string_view> explicit_field,
                                     std::optional<std::string_view> label, std::string_view url) {
  if (explicit_field)
    if (auto q = quality_from_explicit(*explicit_field)) return {*q, QualityFrom::Explicit};
  if (label)
    if (auto m = match_quality_rules(*label)) return {m->quality, QualityFrom::Label};
  if (auto m = match_quality_rules(url_hint(url))) return {m->quality, QualityFrom::Url};
  return {Quality::Unknown, QualityFrom::None};
}

std::vector<QualityRuleInfo> quality_rule_table() {
  std::vector<QualityRuleInfo> out;
  out.reserve(kRules.size());
  for (const auto& r : kRules) out.push_back({r.name, r.tier, r.quality, r.tokens});
  return out;
}

}  // namespace cmup
