// Quality inference from hints: CM's explicit quality field, a source's label, and its URL
// or file name.
//
// The rules are one ordered table (quality_rules.cpp, kRules), in the spirit of Radarr's
// QualityParser: a hint is split into lower-case alphanumeric tokens ("Movie.2019.1080p.
// WEB-DL.x264-GRP" -> movie 2019 1080p web dl x264 grp); rules of a lower tier decide
// before rules of a higher tier, and within a tier the leftmost matching token wins. A
// token must be the whole word, so "x264", "H.265", a year like 2160 or a group name such
// as "GRP1080p" never match; phrases such as "4K Remastered" are removed before matching,
// since they describe the master, not the file. Tokens glued in release names are split
// first ("[Bluray720p]" -> bluray 720p, "4Kto1080p" -> 4k to 1080p, where the last
// resolution is the file's), and frame sizes may be written 1280x720, 1280*720 or
// 1280 x 720. A misparsed name becomes a new test line and, if needed, a new table row,
// never a new branch.
//
// All functions are pure and thread-safe; any input (including binary garbage) is safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/quality.hpp"

namespace cmup {

// Where a source's quality came from (source_links.quality_from).
enum class QualityFrom { Explicit, Label, Url, None };
std::string_view quality_from_name(QualityFrom f);  // "explicit", "label", "url", "none"

struct QualityMatch {
  Quality quality = Quality::Unknown;
  std::string_view rule;  // the name of the rule that decided (static storage)
};

// The rules applied to free text (a label or a file name); nullopt when none matches.
std::optional<QualityMatch> match_quality_rules(std::string_view text);

// CM's explicit quality field: an exact label ("1080P", "1080p"), a bare height ("1080"),
// or any text the rules understand ("4K", "UHD"); nullopt when it says nothing usable.
std::optional<Quality> quality_from_explicit(std::string_view field);

// One hint as typed by a person (`cmup quality HINT`): explicit forms first, then the rules;
// Unknown when nothing matches.
Quality infer_quality(std::string_view hint);

// The decision for one CM source, in the documented order: explicit field, then label,
// then URL (its path and query, percent-decoded; never the host name).
struct InferredQuality {
  Quality quality = Quality::Unknown;
  QualityFrom from = QualityFrom::None;
};
InferredQuality infer_source_quality(std::optional<std::string_view> explicit_field,
                                     std::optional<std::string_view> label, std::string_view url);

// The table, for documentation and tests: name, tier, quality, and the tokens it matches.
struct QualityRuleInfo {
  std::string_view name;
  int tier;
  Quality quality;
  std::string_view tokens;
};
std::vector<QualityRuleInfo> quality_rule_table();

}  // namespace cmup
