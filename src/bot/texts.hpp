// Every sentence the delivery bot shows to users, in one place so it can be translated.
//
// Contract: pure functions of their arguments; no I/O. Texts are plain (no parse_mode), so
// titles with '*' or '<' need no escaping. A caption never contains a coded name
// (CM_M000321_1080P): users see titles, years, episodes and qualities only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace cmup::bot {

// What a caption says about the file being sent.
struct CaptionInfo {
  std::string title;
  std::optional<int> year;
  std::optional<int> season;   // shows only
  std::optional<int> episode;  // shows only
  std::string episode_name;
  std::string quality;  // "1080P", "UNKNOWN", ...
  int part_no = 1;
  int part_count = 1;
};

namespace texts {

std::string welcome(bool has_mini_app);
std::string open_catalog_button();
std::string help();
std::string unknown_input();
std::string search_prompt();
std::string no_results(const std::string& query);
std::string results_header(const std::string& query);
std::string choose_season(const std::string& title);
std::string choose_episode(const std::string& title, int season);
std::string choose_quality(const std::string& what);
std::string not_available();
std::string daily_limit_reached(int limit);
std::string send_failed();
std::string sending();
std::string back_button();

// "Send the whole season" (season_sender.hpp).
std::string season_starting(const std::string& title, int season, int episodes, int parts);
std::string season_resuming(const std::string& title, int season, int remaining);
std::string season_done(const std::string& title, int season);
std::string whole_season_button(const std::string& quality);  // "" = best of each episode

// Inline mode (inline_query.hpp): a result's title and description.
std::string inline_result_title(const CaptionInfo& c);
std::string inline_result_description(const std::string& quality, std::int64_t size_bytes, int part_no,
                                      int part_count);

// Button labels.
std::string season_button(int season);
std::string episode_button(int season, int episode, const std::string& name);
std::string quality_button(const std::string& quality, std::int64_t size_bytes, int part_count);
std::string title_button(const std::string& title, std::optional<int> year);

// "1080p", "4K", "Original" for UNKNOWN.
std::string quality_label(const std::string& quality);
// "1.4 GB", "700 MB".
std::string human_size(std::int64_t bytes);

// "Title (1999) · S01E02 Name · 1080p · Part 1 of 3", at most 1024 characters.
std::string caption(const CaptionInfo& c);

}  // namespace texts
}  // namespace cmup::bot
